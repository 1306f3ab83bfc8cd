//! Exact comparison of divisor-method quotients.
//!
//! Every weight is an `f64`, and every finite `f64` is a dyadic rational `m · 2^e`. Divisors are
//! small rationals `n / d`, or their square roots (Huntington–Hill). So `v₁ / d₁ ≶ v₂ / d₂` can be
//! decided exactly with integers. A floating-point filter decides the clear cases; only near-ties
//! fall through to big integers, so the answer never depends on rounding.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_traits::float::FloatCore;

/// A divisor `num / den`, or `sqrt(num / den)` when `sqrt` is set. A zero divisor gives an
/// infinite quotient (Adams' and Huntington–Hill's first unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Divisor {
    pub num: u64,
    pub den: u64,
    pub sqrt: bool,
}

impl Divisor {
    pub const fn whole(num: u64) -> Self {
        Self {
            num,
            den: 1,
            sqrt: false,
        }
    }

    /// The divisor's value as a float, for margins and display (never for decisions).
    pub fn value(self) -> f64 {
        let v = self.num as f64 / self.den as f64;
        if self.sqrt { v.sqrt() } else { v }
    }
}

/// Compares `v1 / d1` with `v2 / d2` exactly. Weights must be finite and non-negative; both
/// divisors must be of the same kind (both square roots or neither). A zero weight has quotient
/// zero whatever its divisor.
pub fn cmp_quotients(v1: f64, d1: Divisor, v2: f64, d2: Divisor) -> Ordering {
    debug_assert_eq!(d1.sqrt, d2.sqrt, "divisors of one method are of one kind");
    let zero1 = v1 == 0.0;
    let zero2 = v2 == 0.0;
    if zero1 || zero2 {
        return zero2.cmp(&zero1);
    }
    let inf1 = d1.num == 0;
    let inf2 = d2.num == 0;
    if inf1 || inf2 {
        return inf1.cmp(&inf2);
    }
    let power = if d1.sqrt { 2 } else { 1 };
    // v1^p · n2 · den1  ≶  v2^p · n1 · den2
    let lhs = v1.powi(power) * d2.num as f64 * d1.den as f64;
    let rhs = v2.powi(power) * d1.num as f64 * d2.den as f64;
    if lhs.is_finite() && rhs.is_finite() && lhs > 0.0 && rhs > 0.0 {
        // Each side carries at most a few units of rounding error (relative 2^-50), so a gap
        // of 1e-12 is decided correctly by the floats.
        if (lhs - rhs).abs() > 1e-12 * lhs.max(rhs) {
            return lhs.total_cmp(&rhs);
        }
    }
    let (m1, e1) = dyadic(v1);
    let (m2, e2) = dyadic(v2);
    let mut left = BigUint::from(m1).pow(power as u32) * d2.num * d1.den;
    let mut right = BigUint::from(m2).pow(power as u32) * d1.num * d2.den;
    let (le, re) = (e1 * power as i64, e2 * power as i64);
    if le > re {
        left <<= (le - re) as u64;
    } else {
        right <<= (re - le) as u64;
    }
    left.cmp(&right)
}

/// `v = m · 2^e` exactly, for finite non-negative `v`.
fn dyadic(v: f64) -> (u64, i64) {
    let (mantissa, exponent, _sign) = FloatCore::integer_decode(v);
    (mantissa, i64::from(exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_ties_are_equal() {
        // 0.1 · 3 and 0.3 are different doubles; the quotient comparison sees the doubles.
        let d = Divisor::whole(3);
        assert_eq!(cmp_quotients(3.0, d, 1.0, Divisor::whole(1)), Ordering::Equal);
        assert_eq!(
            cmp_quotients(0.1, Divisor::whole(1), 0.2, Divisor::whole(2)),
            Ordering::Equal
        );
    }

    #[test]
    fn near_ties_fall_through_to_integers() {
        let v = 1.0;
        let w = f64::from_bits(1.0f64.to_bits() + 1); // the next double above 1
        assert_eq!(
            cmp_quotients(w, Divisor::whole(7), v, Divisor::whole(7)),
            Ordering::Greater
        );
        assert_eq!(
            cmp_quotients(v, Divisor::whole(7), w, Divisor::whole(7)),
            Ordering::Less
        );
    }

    #[test]
    fn square_root_divisors_compare_exactly() {
        // 2/sqrt(2) == sqrt(2)/1: compare 4·1 with 2·2.
        let root = |n| Divisor {
            num: n,
            den: 1,
            sqrt: true,
        };
        // The double nearest sqrt(2) lies above it, so the exact quotient 2/sqrt(2) is smaller.
        assert_eq!(cmp_quotients(2.0, root(2), 2f64.sqrt(), root(1)), Ordering::Less);
        assert_eq!(
            cmp_quotients(2.0, root(2), 1.0, root(1) /* sqrt(1) */),
            Ordering::Greater
        );
        assert_eq!(cmp_quotients(2.0, root(4), 1.0, root(1)), Ordering::Equal);
    }

    #[test]
    fn zero_divisor_is_infinite_and_zero_weight_is_zero() {
        assert_eq!(
            cmp_quotients(1e-300, Divisor::whole(0), 1e300, Divisor::whole(1)),
            Ordering::Greater
        );
        assert_eq!(
            cmp_quotients(0.0, Divisor::whole(0), 1e-300, Divisor::whole(9)),
            Ordering::Less
        );
        assert_eq!(
            cmp_quotients(5.0, Divisor::whole(0), 1.0, Divisor::whole(0)),
            Ordering::Equal
        );
    }
}
