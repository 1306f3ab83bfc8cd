//! The integer stage (docs/model.md §4): whole numbers `a_i` with `L_i ≤ a_i ≤ U_i` and `Σ a_i = T`.
//!
//! Divisor methods give unit after unit to the highest quotient `v_i / d(a_i)`; with bounds this is
//! the same as `a_i = clamp(round(v_i / D), L_i, U_i)` for a divisor `D` that makes the sum `T`.
//! The largest-remainder method rounds the bounded continuous quota ([`quota`]). Every comparison
//! of quotients or remainders is exact ([`exact`]), and ties go to the larger weight, then to the
//! earlier entry (the caller orders entries by kommunenummer), so the result is the same on every
//! machine. The ties that decided a unit are reported.

pub mod exact;
pub mod quota;

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_traits::Zero;

use exact::{Divisor, cmp_quotients};

/// An exact positive rational `num / den`, as written in a file (`1.4` is `7/5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    pub num: u64,
    pub den: u64,
}

impl Ratio {
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// Reads a plain decimal such as `1.4` exactly. Returns `None` for anything else.
    pub fn parse_decimal(text: &str) -> Option<Ratio> {
        let text = text.trim();
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 9
        {
            return None;
        }
        let den = 10u64.pow(frac.len() as u32);
        let num = format!("{whole}{frac}").parse::<u64>().ok()?;
        Some(Ratio { num, den }.reduced())
    }

    fn reduced(self) -> Ratio {
        let (mut a, mut b) = (self.num, self.den);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let g = a.max(1);
        Ratio {
            num: self.num / g,
            den: self.den / g,
        }
    }

    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_f64())
    }
}

/// The integer methods of docs/model.md §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Webster / Sainte-Laguë: divisors `f, 3, 5, 7, …` with first divisor `f` (1 is pure
    /// Sainte-Laguë, 1.4 the modified form of Norwegian elections).
    SainteLague { first_divisor: Ratio },
    /// Jefferson / D'Hondt: divisors `1, 2, 3, …`.
    DHondt,
    /// Huntington–Hill: divisors `sqrt(a (a + 1))`.
    HuntingtonHill,
    /// Adams: divisors `0, 1, 2, …` (everybody with a positive weight gets a first unit).
    Adams,
    /// Hamilton / largest remainder, applied to the bounded continuous quota.
    LargestRemainder,
}

impl Method {
    /// Every method, Sainte-Laguë both pure and with the first divisor 1.4: for tests and
    /// benchmarks that go through them all.
    pub const EVERY: [Method; 6] = [
        Method::SainteLague {
            first_divisor: Ratio::ONE,
        },
        Method::SainteLague {
            first_divisor: Ratio { num: 7, den: 5 },
        },
        Method::DHondt,
        Method::HuntingtonHill,
        Method::Adams,
        Method::LargestRemainder,
    ];

    pub fn is_divisor_method(self) -> bool {
        self != Method::LargestRemainder
    }

    /// The divisor that decides unit number `held + 1` (divisor methods only).
    pub fn divisor(self, held: u64) -> Divisor {
        match self {
            Method::SainteLague { first_divisor } if held == 0 => Divisor {
                num: first_divisor.num,
                den: first_divisor.den,
                sqrt: false,
            },
            Method::SainteLague { .. } => Divisor::whole(2 * held + 1),
            Method::DHondt => Divisor::whole(held + 1),
            Method::HuntingtonHill => Divisor {
                num: held * (held + 1),
                den: 1,
                sqrt: true,
            },
            Method::Adams | Method::LargestRemainder => Divisor::whole(held),
        }
    }
}

impl crate::names::Named for Method {
    const TABLE: &'static [(Self, &'static str)] = &[
        (
            Method::SainteLague {
                first_divisor: Ratio::ONE,
            },
            "sainte-lague",
        ),
        (Method::DHondt, "dhondt"),
        (Method::HuntingtonHill, "huntington-hill"),
        (Method::Adams, "adams"),
        (Method::LargestRemainder, "largest-remainder"),
    ];
}

/// One apportionment: weights (any non-negative scale), integer bounds and the number of units.
#[derive(Clone, Copy, Debug)]
pub struct Problem<'a> {
    pub weights: &'a [f64],
    pub lower: &'a [u64],
    /// `None` is unbounded.
    pub upper: &'a [Option<u64>],
    pub seats: u64,
}

/// Why a tie was decided the way it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieRule {
    /// Equal quotients (or remainders): the larger weight won.
    LargerWeight,
    /// Equal quotients and equal weights: the earlier entry (lower kommunenummer) won.
    EarlierEntry,
}

/// A unit that went to `winner` and not to `loser` because their quotients were equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tie {
    pub winner: usize,
    pub loser: usize,
    pub rule: TieRule,
}

/// The integer result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub seats: Vec<u64>,
    pub ties: Vec<Tie>,
}

/// Why no allocation exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApportionError {
    /// An entry's lower bound is above its upper bound.
    Crossed { index: usize, lower: u64, upper: u64 },
    /// The lower bounds add up to more than the total.
    LowerTooHigh { lower_sum: u64, seats: u64 },
    /// The upper bounds add up to less than the total.
    UpperTooLow { upper_sum: u64, seats: u64 },
    /// Enough room exists only at entries with zero weight, which never receive more than their
    /// lower bound.
    OnlyZeroWeightsLeft { room: u64, seats: u64 },
    /// A weight is negative or not a finite number.
    BadWeight { index: usize },
}

/// Checks a problem and returns each entry's effective upper bound: a zero weight cannot rise
/// above its lower bound.
pub fn effective_upper(p: &Problem) -> Result<Vec<u64>, ApportionError> {
    let mut upper = Vec::with_capacity(p.weights.len());
    for (i, &w) in p.weights.iter().enumerate() {
        if !w.is_finite() || w < 0.0 {
            return Err(ApportionError::BadWeight { index: i });
        }
        let u = p.upper[i].unwrap_or(u64::MAX);
        if p.lower[i] > u {
            return Err(ApportionError::Crossed {
                index: i,
                lower: p.lower[i],
                upper: u,
            });
        }
        upper.push(if w == 0.0 { p.lower[i] } else { u });
    }
    let lower_sum = p.lower.iter().fold(0u64, |a, &b| a.saturating_add(b));
    if lower_sum > p.seats {
        return Err(ApportionError::LowerTooHigh {
            lower_sum,
            seats: p.seats,
        });
    }
    let declared: u64 = (0..p.weights.len())
        .map(|i| p.upper[i].unwrap_or(u64::MAX))
        .fold(0u64, |a, b| a.saturating_add(b));
    if declared < p.seats {
        return Err(ApportionError::UpperTooLow {
            upper_sum: declared,
            seats: p.seats,
        });
    }
    let room = upper.iter().fold(0u64, |a, &b| a.saturating_add(b));
    if room < p.seats {
        return Err(ApportionError::OnlyZeroWeightsLeft { room, seats: p.seats });
    }
    Ok(upper)
}

/// Apportions `p.seats` by `method`.
pub fn apportion(method: Method, p: &Problem) -> Result<Allocation, ApportionError> {
    let upper = effective_upper(p)?;
    if method.is_divisor_method() {
        Ok(divisor_method(method, p, &upper))
    } else {
        largest_remainder(p, &upper)
    }
}

/// The priority order of "unit number `held + 1` of entry `i`": quotient, then weight, then the
/// earlier entry. `Greater` means `i` comes first.
fn cmp_slots(method: Method, w: &[f64], i: usize, held_i: u64, j: usize, held_j: u64) -> Ordering {
    cmp_quotients(w[i], method.divisor(held_i), w[j], method.divisor(held_j))
        .then(w[i].total_cmp(&w[j]))
        .then(j.cmp(&i))
}

fn divisor_method(method: Method, p: &Problem, upper: &[u64]) -> Allocation {
    let n = p.weights.len();
    let w = p.weights;
    let total_w: f64 = w.iter().sum();
    // A start close to the answer: the rounded proportional quota, clamped.
    let mut a: Vec<u64> = (0..n)
        .map(|i| {
            let guess = if total_w > 0.0 {
                (p.seats as f64 * w[i] / total_w).round()
            } else {
                0.0
            };
            (guess as u64).clamp(p.lower[i], upper[i])
        })
        .collect();

    // The best next unit among entries that may still grow, and the weakest held unit among
    // entries that may still shrink.
    let best_next = |a: &[u64]| -> Option<usize> {
        (0..n)
            .filter(|&i| a[i] < upper[i])
            .max_by(|&i, &j| cmp_slots(method, w, i, a[i], j, a[j]))
    };
    let weakest_held = |a: &[u64]| -> Option<usize> {
        (0..n)
            .filter(|&i| a[i] > p.lower[i])
            .min_by(|&i, &j| cmp_slots(method, w, i, a[i] - 1, j, a[j] - 1))
    };

    loop {
        let sum: u64 = a.iter().sum();
        match sum.cmp(&p.seats) {
            Ordering::Less => {
                let g = best_next(&a).expect("feasibility checked: room remains");
                a[g] += 1;
            }
            Ordering::Greater => {
                let l = weakest_held(&a).expect("feasibility checked: units above the floors");
                a[l] -= 1;
            }
            Ordering::Equal => match (best_next(&a), weakest_held(&a)) {
                (Some(g), Some(l)) if g != l && cmp_slots(method, w, g, a[g], l, a[l] - 1) == Ordering::Greater => {
                    a[l] -= 1;
                    a[g] += 1;
                }
                _ => break,
            },
        }
    }

    // A tie decided a unit when the weakest unit held and the best unit not held have equal
    // quotients.
    let mut ties = Vec::new();
    if let (Some(g), Some(l)) = (best_next(&a), weakest_held(&a)) {
        let level = |i: usize, held: u64| (w[i], method.divisor(held));
        let (vl, dl) = level(l, a[l] - 1);
        let (vg, dg) = level(g, a[g]);
        if cmp_quotients(vl, dl, vg, dg) == Ordering::Equal {
            let winners: Vec<usize> = (0..n)
                .filter(|&i| a[i] > p.lower[i])
                .filter(|&i| cmp_quotients(w[i], method.divisor(a[i] - 1), vl, dl).is_eq())
                .collect();
            let losers: Vec<usize> = (0..n)
                .filter(|&j| a[j] < upper[j])
                .filter(|&j| cmp_quotients(w[j], method.divisor(a[j]), vl, dl).is_eq())
                .collect();
            ties = tie_pairs(w, &winners, &losers);
        }
    }
    Allocation { seats: a, ties }
}

fn tie_pairs(w: &[f64], winners: &[usize], losers: &[usize]) -> Vec<Tie> {
    let mut ties = Vec::new();
    for &winner in winners {
        for &loser in losers {
            if winner != loser {
                let rule = if w[winner] == w[loser] {
                    TieRule::EarlierEntry
                } else {
                    TieRule::LargerWeight
                };
                ties.push(Tie { winner, loser, rule });
            }
        }
    }
    ties
}

fn largest_remainder(p: &Problem, upper: &[u64]) -> Result<Allocation, ApportionError> {
    let bounded: Vec<Option<u64>> = upper.iter().map(|&u| Some(u).filter(|&u| u != u64::MAX)).collect();
    let quota =
        quota::water_fill(p.weights, p.lower, &bounded, p.seats).ok_or(ApportionError::OnlyZeroWeightsLeft {
            room: 0,
            seats: p.seats,
        })?;
    let n = p.weights.len();
    let mut seats: Vec<u64> = (0..n).map(|i| quota.floor(i)).collect();
    let remainders: Vec<BigInt> = (0..n).map(|i| quota.remainder(i)).collect();
    let extra = (p.seats - seats.iter().sum::<u64>()) as usize;
    let mut order: Vec<usize> = (0..n).filter(|&i| !remainders[i].is_zero()).collect();
    let w = p.weights;
    order.sort_by(|&i, &j| {
        remainders[j]
            .cmp(&remainders[i])
            .then(w[j].total_cmp(&w[i]))
            .then(i.cmp(&j))
    });
    for &i in &order[..extra] {
        seats[i] += 1;
    }
    let mut ties = Vec::new();
    if extra > 0 && extra < order.len() {
        let cut = &remainders[order[extra - 1]];
        if *cut == remainders[order[extra]] {
            let winners: Vec<usize> = order[..extra]
                .iter()
                .copied()
                .filter(|&i| remainders[i] == *cut)
                .collect();
            let losers: Vec<usize> = order[extra..]
                .iter()
                .copied()
                .filter(|&i| remainders[i] == *cut)
                .collect();
            ties = tie_pairs(w, &winners, &losers);
        }
    }
    Ok(Allocation { seats, ties })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(method: Method, votes: &[f64], seats: u64) -> Vec<u64> {
        let n = votes.len();
        let p = Problem {
            weights: votes,
            lower: &vec![0; n],
            upper: &vec![None; n],
            seats,
        };
        apportion(method, &p).unwrap().seats
    }

    const SL: Method = Method::SainteLague {
        first_divisor: Ratio::ONE,
    };

    #[test]
    fn balinski_young_100_seats() {
        let v = [5117.0, 4400.0, 162.0, 161.0, 160.0];
        assert_eq!(run(Method::LargestRemainder, &v, 100), [51, 44, 2, 2, 1]);
        assert_eq!(run(Method::DHondt, &v, 100), [52, 45, 1, 1, 1]);
        assert_eq!(run(SL, &v, 100), [51, 43, 2, 2, 2]);
        assert_eq!(run(Method::HuntingtonHill, &v, 100), [51, 43, 2, 2, 2]);
        assert_eq!(run(Method::Adams, &v, 100), [51, 43, 2, 2, 2]);
    }

    #[test]
    fn first_divisor_parses_exactly() {
        assert_eq!(Ratio::parse_decimal("1.4"), Some(Ratio { num: 7, den: 5 }));
        assert_eq!(Ratio::parse_decimal("2"), Some(Ratio { num: 2, den: 1 }));
        assert_eq!(Ratio::parse_decimal("1,4"), None);
        assert_eq!(Ratio::parse_decimal("-1"), None);
        assert_eq!(Ratio::parse_decimal("."), None);
    }

    #[test]
    fn bounds_are_honoured_by_every_method() {
        let v = [10.0, 1.0, 1.0];
        for m in [
            SL,
            Method::DHondt,
            Method::HuntingtonHill,
            Method::Adams,
            Method::LargestRemainder,
        ] {
            let p = Problem {
                weights: &v,
                lower: &[0, 3, 0],
                upper: &[Some(5), None, None],
                seats: 10,
            };
            let a = apportion(m, &p).unwrap().seats;
            assert_eq!(a.iter().sum::<u64>(), 10, "{m:?}");
            assert!(a[0] <= 5 && a[1] >= 3, "{m:?}: {a:?}");
        }
    }

    #[test]
    fn ties_go_to_the_larger_weight_then_the_earlier_entry() {
        let p = Problem {
            weights: &[1.0, 1.0],
            lower: &[0, 0],
            upper: &[None, None],
            seats: 1,
        };
        let a = apportion(Method::DHondt, &p).unwrap();
        assert_eq!(a.seats, [1, 0]);
        assert_eq!(
            a.ties,
            [Tie {
                winner: 0,
                loser: 1,
                rule: TieRule::EarlierEntry
            }]
        );
        // 2/2 against 1/1: the larger weight wins the tie for the second seat.
        let p = Problem {
            weights: &[1.0, 2.0],
            lower: &[0, 0],
            upper: &[None, None],
            seats: 2,
        };
        let a = apportion(Method::DHondt, &p).unwrap();
        assert_eq!(a.seats, [0, 2]);
        assert_eq!(
            a.ties,
            [Tie {
                winner: 1,
                loser: 0,
                rule: TieRule::LargerWeight
            }]
        );
    }

    #[test]
    fn infeasible_problems_name_the_numbers() {
        let p = Problem {
            weights: &[1.0, 1.0],
            lower: &[0, 0],
            upper: &[Some(2), Some(3)],
            seats: 6,
        };
        assert_eq!(
            apportion(SL, &p),
            Err(ApportionError::UpperTooLow { upper_sum: 5, seats: 6 })
        );
        let p = Problem {
            weights: &[1.0, 1.0],
            lower: &[4, 3],
            upper: &[None, None],
            seats: 6,
        };
        assert_eq!(
            apportion(SL, &p),
            Err(ApportionError::LowerTooHigh { lower_sum: 7, seats: 6 })
        );
    }
}
