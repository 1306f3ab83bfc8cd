//! The allocation stage again, in plain floating point, for the thousands of draws of a
//! robustness run.
//!
//! The recommendation itself is always computed by [`crate::allocate`], where every comparison
//! is exact. A draw needs only the integers, and most draws are far from any tie, so this module
//! computes them with `f64` and then checks a margin: when the weakest unit given and the
//! strongest unit withheld (or, for largest remainder, the remainders at the cut and the fractional
//! parts of the quota) are closer than a relative `1e-9`, it says so and the caller asks the exact
//! engine. The answer is therefore always the exact engine's answer, at a fraction of its cost.

use crate::apportion::Method;
use crate::bounds::Limits;

/// Closer than this (relative) and the floating-point answer is not trusted.
const MARGIN: f64 = 1e-9;

/// The fixed part of an allocation problem: everything except the combined shares.
#[derive(Clone, Debug)]
pub struct Allocator {
    method: Method,
    total: u64,
    minimum_if_asked: Option<u64>,
    lower: Vec<u64>,
    /// `u64::MAX` is unbounded.
    upper: Vec<u64>,
    protected: Vec<bool>,
    first_divisor: f64,
}

/// Reusable buffers, one set per thread.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    lower: Vec<u64>,
    upper: Vec<u64>,
    quota: Vec<f64>,
}

impl Allocator {
    /// The bounds as the exact engine starts from them, with the municipalities whose upper
    /// bound is below minimum-if-asked left out already (that does not depend on the shares).
    pub fn new(method: Method, total: u64, limits: &[Limits], minimum_if_asked: Option<u64>) -> Allocator {
        let mut lower: Vec<u64> = limits.iter().map(Limits::lower_value).collect();
        let mut upper: Vec<u64> = limits.iter().map(|l| l.upper_value().unwrap_or(u64::MAX)).collect();
        let protected: Vec<bool> = limits.iter().map(Limits::is_protected).collect();
        if let Some(m) = minimum_if_asked {
            for i in 0..limits.len() {
                if !protected[i] && upper[i] < m {
                    lower[i] = 0;
                    upper[i] = 0;
                }
            }
        }
        let first_divisor = match method {
            Method::SainteLague { first_divisor } => first_divisor.to_f64(),
            _ => 1.0,
        };
        Allocator {
            method,
            total,
            minimum_if_asked,
            lower,
            upper,
            protected,
            first_divisor,
        }
    }

    /// The divisor that decides unit number `held + 1`.
    fn divisor(&self, held: u64) -> f64 {
        match self.method {
            Method::SainteLague { .. } if held == 0 => self.first_divisor,
            Method::SainteLague { .. } => (2 * held + 1) as f64,
            Method::DHondt => (held + 1) as f64,
            Method::HuntingtonHill => ((held * (held + 1)) as f64).sqrt(),
            Method::Adams | Method::LargestRemainder => held as f64,
        }
    }

    /// The priority of unit number `held + 1` of a municipality with share `w`.
    fn quotient(&self, w: f64, held: u64) -> f64 {
        let d = self.divisor(held);
        if d == 0.0 { f64::INFINITY } else { w / d }
    }

    /// The seats for `shares` into `out`; `false` when the answer is too close to a tie to trust
    /// floating point, or when no allocation exists (the caller then asks the exact engine).
    pub fn seats(&self, shares: &[f64], out: &mut Vec<u64>, scratch: &mut Scratch) -> bool {
        let n = shares.len();
        scratch.lower.clone_from(&self.lower);
        scratch.upper.clone_from(&self.upper);
        // A zero share never rises above its lower bound.
        for ((s, u), l) in shares.iter().zip(scratch.upper.iter_mut()).zip(&scratch.lower) {
            if *s == 0.0 {
                *u = *l;
            }
        }
        let mut warm = false;
        loop {
            let lower_sum: u64 = scratch.lower.iter().sum();
            let room: u64 = scratch.upper.iter().fold(0u64, |a, &b| a.saturating_add(b));
            if lower_sum > self.total || room < self.total {
                return false;
            }
            let certain = if self.method.is_divisor_method() {
                self.divisor_method(shares, &scratch.lower, &scratch.upper, out, warm)
            } else {
                largest_remainder(
                    shares,
                    &scratch.lower,
                    &scratch.upper,
                    self.total,
                    out,
                    &mut scratch.quota,
                )
            };
            if !certain {
                return false;
            }
            let Some(m) = self.minimum_if_asked else {
                return true;
            };
            let below = (0..n)
                .filter(|&i| !self.protected[i] && out[i] > 0 && out[i] < m)
                .min_by(|&i, &j| shares[i].total_cmp(&shares[j]).then(j.cmp(&i)));
            match below {
                Some(i) => {
                    // Two municipalities with equal shares both below the minimum: which goes
                    // first is a tie the exact engine decides.
                    if (0..n)
                        .any(|j| j != i && !self.protected[j] && out[j] > 0 && out[j] < m && shares[j] == shares[i])
                    {
                        return false;
                    }
                    scratch.lower[i] = 0;
                    scratch.upper[i] = 0;
                    // The others keep their units as a start: only the freed ones move.
                    warm = true;
                }
                None => return true,
            }
        }
    }

    /// Units the method gives to a weight worth `v` seats at the final divisor: a start that
    /// is rarely more than a unit or two off.
    fn units(&self, v: f64) -> u64 {
        // `as` truncates, which is the floor for the non-negative values here.
        let a = v as u64;
        match self.method {
            Method::SainteLague { .. } if v < 0.5 * self.first_divisor => 0,
            Method::SainteLague { .. } => ((v + 0.5) as u64).max(1),
            Method::DHondt => a,
            Method::Adams => a + u64::from(v > a as f64),
            Method::HuntingtonHill => a + u64::from(v > 0.0 && v > ((a * (a + 1)) as f64).sqrt()),
            Method::LargestRemainder => a,
        }
    }

    fn divisor_method(&self, w: &[f64], lower: &[u64], upper: &[u64], a: &mut Vec<u64>, warm: bool) -> bool {
        let n = w.len();
        if warm && a.len() == n {
            for i in 0..n {
                a[i] = a[i].clamp(lower[i], upper[i]);
            }
            return self.fix_up(w, lower, upper, a);
        }
        // Seats per unit of share with the bounds in force: a few rounds of water-filling.
        let mut x = self.total as f64 / w.iter().sum::<f64>();
        for _ in 0..6 {
            let (fixed, free) = held_and_free(w, lower, upper, x);
            let next = (self.total as f64 - fixed) / free;
            if free <= 0.0 || !next.is_finite() || next == x {
                break;
            }
            x = next;
        }
        a.clear();
        a.extend((0..n).map(|i| self.units(x * w[i]).clamp(lower[i], upper[i])));
        self.fix_up(w, lower, upper, a)
    }

    /// Moves units one at a time to the strongest claim until the sum is right and no unit
    /// withheld beats a unit given; `false` when the last two are too close to call.
    fn fix_up(&self, w: &[f64], lower: &[u64], upper: &[u64], a: &mut [u64]) -> bool {
        let n = w.len();
        let best_next = |a: &[u64]| -> Option<(usize, f64)> {
            let mut best: Option<(usize, f64)> = None;
            for i in 0..n {
                if a[i] < upper[i] {
                    let q = self.quotient(w[i], a[i]);
                    if best.is_none_or(|(_, b)| q > b) {
                        best = Some((i, q));
                    }
                }
            }
            best
        };
        let weakest_held = |a: &[u64]| -> Option<(usize, f64)> {
            let mut worst: Option<(usize, f64)> = None;
            for i in 0..n {
                if a[i] > lower[i] {
                    let q = self.quotient(w[i], a[i] - 1);
                    if worst.is_none_or(|(_, b)| q < b) {
                        worst = Some((i, q));
                    }
                }
            }
            worst
        };
        let mut sum: u64 = a.iter().sum();
        while sum < self.total {
            let Some((g, _)) = best_next(a) else { return false };
            a[g] += 1;
            sum += 1;
        }
        while sum > self.total {
            let Some((l, _)) = weakest_held(a) else { return false };
            a[l] -= 1;
            sum -= 1;
        }
        loop {
            match (best_next(a), weakest_held(a)) {
                (Some((g, qg)), Some((l, ql))) if g != l => {
                    if qg > ql {
                        a[l] -= 1;
                        a[g] += 1;
                        continue;
                    }
                    // Every unit held beats every unit withheld; trust it only with room to spare.
                    // (Two first units of Adams or Huntington–Hill are both infinite: a tie.)
                    return if ql.is_infinite() {
                        qg.is_finite()
                    } else {
                        ql - qg > MARGIN * ql
                    };
                }
                _ => return true,
            }
        }
    }
}

/// `μ` with `Σ clamp(μ w_i, L_i, U_i) = total`, by bisection and then exactly on the free set.
fn water_level(w: &[f64], lower: &[u64], upper: &[u64], total: u64) -> Option<f64> {
    let filled = |mu: f64| -> f64 {
        (0..w.len())
            .map(|i| (mu * w[i]).clamp(lower[i] as f64, upper[i] as f64))
            .sum()
    };
    let target = total as f64;
    let (mut lo, mut hi) = (0.0f64, target / w.iter().sum::<f64>());
    let mut grow = 0;
    while filled(hi) < target {
        hi *= 2.0;
        grow += 1;
        if grow > 200 {
            return None;
        }
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if filled(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // On the free set the level solves a linear equation.
    let mu = hi;
    let (fixed, free_w) = held_and_free(w, lower, upper, mu);
    Some(if free_w > 0.0 { (target - fixed) / free_w } else { mu })
}

/// At level `x`: the units held at a bound, and the weight of the entries between their bounds.
fn held_and_free(w: &[f64], lower: &[u64], upper: &[u64], x: f64) -> (f64, f64) {
    let (mut fixed, mut free) = (0.0, 0.0);
    for i in 0..w.len() {
        let q = x * w[i];
        if q <= lower[i] as f64 {
            fixed += lower[i] as f64;
        } else if q >= upper[i] as f64 {
            fixed += upper[i] as f64;
        } else {
            free += w[i];
        }
    }
    (fixed, free)
}

fn largest_remainder(
    w: &[f64],
    lower: &[u64],
    upper: &[u64],
    total: u64,
    a: &mut Vec<u64>,
    quota: &mut Vec<f64>,
) -> bool {
    let Some(mu) = water_level(w, lower, upper, total) else {
        return false;
    };
    quota.clear();
    quota.extend((0..w.len()).map(|i| (mu * w[i]).clamp(lower[i] as f64, upper[i] as f64)));
    a.clear();
    a.extend(quota.iter().map(|q| q.floor() as u64));
    // A quota within the margin of a whole number could fall either side of it.
    for (i, &q) in quota.iter().enumerate() {
        let whole = q.round();
        if q != whole && (q - whole).abs() <= MARGIN * q.max(1.0) {
            return false;
        }
        if a[i] > upper[i] {
            return false;
        }
    }
    let given: u64 = a.iter().sum();
    if given > total {
        return false;
    }
    let extra = (total - given) as usize;
    if extra == 0 {
        return true;
    }
    let mut order: Vec<usize> = (0..w.len()).filter(|&i| quota[i] > a[i] as f64).collect();
    if order.len() < extra {
        return false;
    }
    let rem = |i: usize| quota[i] - quota[i].floor();
    order.sort_by(|&i, &j| rem(j).total_cmp(&rem(i)));
    let sure = order.get(extra).is_none_or(|&next| {
        let scale = quota[order[extra - 1]].max(1.0);
        rem(order[extra - 1]) - rem(next) > MARGIN * scale
    });
    for &i in &order[..extra] {
        a[i] += 1;
    }
    sure
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocate;
    use crate::bounds::{Bound, BoundSource};
    use proptest::prelude::*;

    fn limits(upper: &[Option<u64>], lower: &[u64]) -> Vec<Limits> {
        upper
            .iter()
            .zip(lower)
            .map(|(u, &l)| Limits {
                lower: (l > 0).then_some(Bound {
                    value: l,
                    source: BoundSource::Minimum,
                }),
                upper: u.map(|value| Bound {
                    value,
                    source: BoundSource::Capacity,
                }),
                override_index: None,
            })
            .collect()
    }

    const METHODS: [Method; 6] = Method::EVERY;

    proptest! {
        /// Whenever the fast path is sure, it agrees with the exact engine.
        #[test]
        fn agrees_with_the_exact_engine(
            weights in prop::collection::vec(0u32..10_000, 2..40),
            caps in prop::collection::vec(prop::option::of(0u64..400), 40),
            total in 1u64..3000,
            minimum in prop::option::of(1u64..15),
            method in 0usize..6,
        ) {
            let n = weights.len();
            let w: Vec<f64> = weights.iter().map(|&x| f64::from(x) / 10_000.0).collect();
            let upper: Vec<Option<u64>> = caps[..n].to_vec();
            let lim = limits(&upper, &vec![0; n]);
            let method = METHODS[method];
            let exact = allocate::allocate(method, total, &w, &lim, minimum);
            let fast = Allocator::new(method, total, &lim, minimum);
            let mut out = Vec::new();
            let sure = fast.seats(&w, &mut out, &mut Scratch::default());
            if sure {
                let exact = exact.expect("the fast path found an allocation, so one exists");
                prop_assert_eq!(out, exact.seats);
            }
        }
    }

    #[test]
    fn a_tie_is_left_to_the_exact_engine() {
        let lim = limits(&[None, None], &[0, 0]);
        for method in METHODS {
            let fast = Allocator::new(method, 3, &lim, None);
            let mut out = Vec::new();
            assert!(
                !fast.seats(&[0.5, 0.5], &mut out, &mut Scratch::default()),
                "{method:?}"
            );
            assert!(fast.seats(&[0.7, 0.3], &mut out, &mut Scratch::default()), "{method:?}");
        }
    }

    #[test]
    fn minimum_if_asked_leaves_out_like_the_exact_engine() {
        let w = [0.6, 0.3, 0.07, 0.03];
        let lim = limits(&[None, None, None, Some(2)], &[0; 4]);
        let exact = allocate::allocate(METHODS[0], 100, &w, &lim, Some(10)).unwrap();
        let mut out = Vec::new();
        assert!(Allocator::new(METHODS[0], 100, &lim, Some(10)).seats(&w, &mut out, &mut Scratch::default()));
        assert_eq!(out, exact.seats);
        assert_eq!(out[3], 0);
    }
}
