//! The bounded continuous quota (MODEL.md §3): `Q_i = clamp(μ · v_i, L_i, U_i)` with the single
//! `μ > 0` for which `Σ Q_i = T` ("water-filling"). Solved exactly in rationals by sweeping the
//! breakpoints of the piecewise-linear, non-decreasing function `μ ↦ Σ clamp(μ v_i, L_i, U_i)`.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// The solution: the multiplier and each exact quota.
#[derive(Clone, Debug)]
pub struct Quota {
    pub mu: BigRational,
    pub exact: Vec<BigRational>,
}

impl Quota {
    /// The quotas as floats, for reports.
    pub fn to_f64(&self) -> Vec<f64> {
        self.exact.iter().map(rational_to_f64).collect()
    }
}

pub fn rational_to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// Water-fills `total` over the weights within the bounds. The caller has checked feasibility
/// (`Σ L ≤ T ≤ Σ U`, with a zero weight's upper bound equal to its lower bound); if the total
/// cannot be reached this returns `None`.
pub fn water_fill(weights: &[f64], lower: &[u64], upper: &[Option<u64>], total: u64) -> Option<Quota> {
    let n = weights.len();
    let target = BigRational::from_integer(BigInt::from(total));
    let exact_w: Vec<BigRational> = weights
        .iter()
        .map(|&w| BigRational::from_float(w).unwrap_or_else(BigRational::zero))
        .collect();

    // Sum at μ = 0: everybody sits at the lower bound.
    let mut fixed = BigRational::from_integer(BigInt::from(lower.iter().sum::<u64>()));
    let mut slope = BigRational::zero();

    enum Event {
        Free(usize),
        Cap(usize),
    }
    let mut events: Vec<(BigRational, Event)> = Vec::with_capacity(2 * n);
    for i in 0..n {
        if exact_w[i].is_zero() {
            continue;
        }
        let at = |b: u64| BigRational::from_integer(BigInt::from(b)) / &exact_w[i];
        events.push((at(lower[i]), Event::Free(i)));
        if let Some(u) = upper[i] {
            events.push((at(u), Event::Cap(i)));
        }
    }
    // Stable sort: at one breakpoint, a municipality is freed before it is capped.
    events.sort_by(|a, b| a.0.cmp(&b.0));

    let mut mu = BigRational::zero();
    let mut reached = fixed == target;
    let mut k = 0;
    while !reached && k < events.len() {
        let at = events[k].0.clone();
        let value_at = &fixed + &slope * &at;
        if value_at >= target && !slope.is_zero() {
            mu = (&target - &fixed) / &slope;
            reached = true;
            break;
        }
        while k < events.len() && events[k].0 == at {
            match events[k].1 {
                Event::Free(i) => {
                    fixed -= BigRational::from_integer(BigInt::from(lower[i]));
                    slope += &exact_w[i];
                }
                Event::Cap(i) => {
                    fixed += BigRational::from_integer(BigInt::from(upper[i].unwrap_or(0)));
                    slope -= &exact_w[i];
                }
            }
            k += 1;
        }
        mu = at;
        reached = &fixed + &slope * &mu == target;
    }
    if !reached {
        if slope.is_zero() {
            return None;
        }
        mu = (&target - &fixed) / &slope;
    }

    let exact = (0..n)
        .map(|i| {
            let lo = BigRational::from_integer(BigInt::from(lower[i]));
            let raw = &mu * &exact_w[i];
            let raised = if raw < lo { lo } else { raw };
            match upper[i] {
                Some(u) => {
                    let hi = BigRational::from_integer(BigInt::from(u));
                    if raised > hi { hi } else { raised }
                }
                None => raised,
            }
        })
        .collect();
    Some(Quota { mu, exact })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(w: &[f64], lo: &[u64], hi: &[Option<u64>], t: u64) -> Vec<f64> {
        water_fill(w, lo, hi, t).unwrap().to_f64()
    }

    #[test]
    fn unbounded_is_proportional() {
        assert_eq!(fill(&[1.0, 3.0], &[0, 0], &[None, None], 8), vec![2.0, 6.0]);
    }

    #[test]
    fn a_capped_share_is_spread_in_proportion() {
        // 10 over 1:1:2 gives 2.5, 2.5, 5; capping the third at 4 leaves 6 for the first two.
        let q = fill(&[1.0, 1.0, 2.0], &[0, 0, 0], &[None, None, Some(4)], 10);
        assert_eq!(q, vec![3.0, 3.0, 4.0]);
    }

    #[test]
    fn a_floor_takes_from_the_others() {
        let q = fill(&[1.0, 1.0, 8.0], &[3, 0, 0], &[None, None, None], 10);
        // The first is raised to 3; the rest, 7, goes 1:8.
        assert!((q[0] - 3.0).abs() < 1e-12);
        assert!((q[1] - 7.0 / 9.0).abs() < 1e-12);
        assert!((q[2] - 56.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn exactly_tight_bounds_are_reached() {
        let q = fill(&[5.0, 1.0], &[0, 0], &[Some(2), Some(3)], 5);
        assert_eq!(q, vec![2.0, 3.0]);
        assert!(water_fill(&[5.0, 1.0], &[0, 0], &[Some(2), Some(3)], 6).is_none());
    }

    #[test]
    fn zero_weights_stay_at_their_floor() {
        let q = fill(&[0.0, 1.0], &[2, 0], &[Some(2), None], 7);
        assert_eq!(q, vec![2.0, 5.0]);
    }
}
