//! The bounded continuous quota (docs/model.md §3): `Q_i = clamp(μ · v_i, L_i, U_i)` with the single
//! `μ ≥ 0` for which `Σ Q_i = T` ("water-filling"), solved exactly.
//!
//! Every weight is an exact binary fraction `m · 2^e`, so scaling all of them by the smallest
//! power of two turns them into integers `w_i`. The sum `μ ↦ Σ clamp(μ w_i, L_i, U_i)` is
//! piecewise linear and non-decreasing, with breakpoints at `L_i / w_i` (a municipality leaves
//! its floor) and `U_i / w_i` (it reaches its cap); sweeping them in order finds `μ = p / q`
//! with integers only, and every `Q_i` is then a numerator over the one denominator `q`.
//! Breakpoints are ordered by floats where they clearly differ and by integers where they are
//! close, so the result is exact and cheap.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::float::FloatCore;
use num_traits::{Signed, ToPrimitive, Zero};

/// The exact solution: `Q_i = num[i] / den`.
#[derive(Clone, Debug)]
pub struct Quota {
    pub num: Vec<BigInt>,
    pub den: BigInt,
    /// `μ = p / q` in units of the scaled weights.
    p: BigInt,
    q: BigInt,
    /// The scaled integer weights.
    w: Vec<BigInt>,
    /// The weights were scaled by `2^-scale`.
    scale: i64,
}

/// `a / b` as a float, for big integers of any size.
pub fn ratio_f64(a: &BigInt, b: &BigInt) -> f64 {
    let shift = a.bits().max(b.bits()).saturating_sub(1000);
    let (a, b) = (a >> shift, b >> shift);
    let shift = b.bits().saturating_sub(64).min(a.bits().saturating_sub(64));
    ((&a >> shift).to_f64().unwrap_or(f64::NAN)) / ((&b >> shift).to_f64().unwrap_or(f64::NAN))
}

impl Quota {
    /// `Q_i` as a float, for reports.
    pub fn value(&self, i: usize) -> f64 {
        let whole = self.floor(i);
        whole as f64 + ratio_f64(&self.remainder(i), &self.den)
    }

    pub fn to_f64(&self) -> Vec<f64> {
        (0..self.num.len()).map(|i| self.value(i)).collect()
    }

    /// `⌊Q_i⌋`.
    pub fn floor(&self, i: usize) -> u64 {
        (&self.num[i] / &self.den).to_u64().unwrap_or(u64::MAX)
    }

    /// The numerator of `Q_i − ⌊Q_i⌋` over [`Quota::den`]: remainders compare exactly as integers.
    pub fn remainder(&self, i: usize) -> BigInt {
        &self.num[i] % &self.den
    }

    /// Compares the unbounded `μ v_i` with a whole number: which bound, if any, holds it.
    pub fn cmp_unbounded(&self, i: usize, bound: u64) -> Ordering {
        (&self.p * &self.w[i]).cmp(&(BigInt::from(bound) * &self.q))
    }

    /// `μ` as a float, in units of the original weights.
    pub fn mu(&self) -> f64 {
        ratio_f64(&self.p, &self.q) * 2f64.powi(-(self.scale as i32))
    }
}

/// The weights as integers over a common power of two, and that power.
fn scaled(weights: &[f64]) -> (Vec<BigInt>, i64) {
    let parts: Vec<Option<(u64, i64)>> = weights
        .iter()
        .map(|&v| {
            (v > 0.0).then(|| {
                let (m, e, _) = FloatCore::integer_decode(v);
                (m, i64::from(e))
            })
        })
        .collect();
    let e0 = parts.iter().flatten().map(|&(_, e)| e).min().unwrap_or(0);
    let w = parts
        .iter()
        .map(|p| p.map_or_else(BigInt::zero, |(m, e)| BigInt::from(m) << ((e - e0) as u64)))
        .collect();
    (w, e0)
}

/// Water-fills `total` over the weights within the bounds. The caller has checked feasibility
/// (`Σ L ≤ T ≤ Σ U`, with a zero weight's upper bound equal to its lower bound); if the total
/// cannot be reached this returns `None`.
pub fn water_fill(weights: &[f64], lower: &[u64], upper: &[Option<u64>], total: u64) -> Option<Quota> {
    let n = weights.len();
    let (w, scale) = scaled(weights);

    // A breakpoint: at μ = bound / w_i, entry i leaves its floor (`free`) or reaches its cap.
    struct Event {
        bound: u64,
        i: usize,
        free: bool,
    }
    let mut events: Vec<Event> = Vec::with_capacity(2 * n);
    for i in (0..n).filter(|&i| !w[i].is_zero()) {
        events.push(Event {
            bound: lower[i],
            i,
            free: true,
        });
        if let Some(u) = upper[i] {
            events.push(Event {
                bound: u,
                i,
                free: false,
            });
        }
    }
    let exact = |a: &Event, b: &Event| (BigInt::from(a.bound) * &w[b.i]).cmp(&(BigInt::from(b.bound) * &w[a.i]));
    events.sort_by(|a, b| {
        let (x, y) = (a.bound as f64 / weights[a.i], b.bound as f64 / weights[b.i]);
        if (x - y).abs() > 1e-12 * x.abs().max(y.abs()) {
            x.total_cmp(&y)
        } else {
            exact(a, b)
        }
    });

    let t = BigInt::from(total);
    // At μ: the sum is `fixed + μ · slope`.
    let mut fixed: BigInt = lower.iter().map(|&l| BigInt::from(l)).sum();
    let mut slope = BigInt::zero();
    let (mut p, mut q) = (BigInt::zero(), BigInt::from(1));
    let mut solved = fixed == t;
    let mut k = 0;
    while !solved && k < events.len() {
        let (b, j) = (BigInt::from(events[k].bound), events[k].i);
        // The target is reached on the way to this breakpoint: fixed + (b / w_j) slope ≥ T.
        if !slope.is_zero() && &b * &slope >= (&t - &fixed) * &w[j] {
            break;
        }
        let start = k;
        while k < events.len() && exact(&events[start], &events[k]) == Ordering::Equal {
            let e = &events[k];
            if e.free {
                fixed -= lower[e.i];
                slope += &w[e.i];
            } else {
                fixed += upper[e.i].unwrap_or(0);
                slope -= &w[e.i];
            }
            k += 1;
        }
        if &b * &slope == (&t - &fixed) * &w[j] {
            (p, q) = (b, w[j].clone());
            solved = true;
        }
    }
    if !solved {
        if slope.is_zero() || (&t - &fixed).is_negative() {
            return None;
        }
        (p, q) = (&t - &fixed, slope);
    }

    let num = (0..n)
        .map(|i| {
            let raw = &p * &w[i];
            let lo = BigInt::from(lower[i]) * &q;
            if raw <= lo {
                return lo;
            }
            match upper[i].map(|u| BigInt::from(u) * &q) {
                Some(hi) if raw >= hi => hi,
                _ => raw,
            }
        })
        .collect();
    Some(Quota {
        num,
        den: q.clone(),
        p,
        q,
        w,
        scale,
    })
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
        let q = water_fill(&[0.1, 0.3], &[0, 0], &[None, None], 8).unwrap();
        assert_eq!(q.to_f64(), vec![2.0, 6.0]);
        assert!((q.mu() - 20.0).abs() < 1e-12);
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

    #[test]
    fn remainders_are_exact() {
        // 1/3 and 2/3 of 1: remainders 1/3 and 2/3 over one denominator.
        let q = water_fill(&[1.0, 2.0], &[0, 0], &[None, None], 1).unwrap();
        assert_eq!((q.floor(0), q.floor(1)), (0, 0));
        assert_eq!(&q.remainder(1), &(q.remainder(0) * 2));
        assert_eq!(q.cmp_unbounded(0, 1), Ordering::Less);
    }
}
