//! Double-double arithmetic: a value is carried as the unevaluated sum `hi + lo`,
//! which gives about 106 significant bits from plain `f64` operations.
//!
//! These are the error-free transformations of Knuth (`two_sum`), Dekker
//! (`fast_two_sum`) and the FMA-based exact product; see Muller et al.,
//! *Handbook of Floating-Point Arithmetic*, ch. 4.

/// `a + b = s + err` exactly, for any finite `a`, `b`.
#[inline]
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let b_virtual = s - a;
    let a_virtual = s - b_virtual;
    (s, (a - a_virtual) + (b - b_virtual))
}

/// `a + b = s + err` exactly, provided `|a| >= |b|` (or `a == 0`).
#[inline]
pub(crate) fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// `a · b = p + err` exactly (barring underflow), using one fused multiply-add.
#[inline]
pub(crate) fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// `2^k` for `k` in the normal exponent range `[-1022, 1023]`.
#[inline]
pub(crate) fn pow2(k: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&k));
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `x · 2^k` with a single rounding, for `k` in `[-2000, 2000]`.
///
/// When the result is subnormal the first step keeps every bit (it stays
/// normal) and only the second step rounds, so the result is `x · 2^k`
/// correctly rounded.
#[inline]
pub(crate) fn mul_pow2(x: f64, k: i32) -> f64 {
    if k < -1022 {
        x * pow2(-600) * pow2(k + 600)
    } else if k > 1023 {
        x * pow2(1023) * pow2(k - 1023)
    } else {
        x * pow2(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sum_is_exact() {
        let (s, e) = two_sum(1.0, 1e-20);
        assert_eq!(s, 1.0);
        assert_eq!(e, 1e-20);
        let (s, e) = two_sum(0.1, 0.2);
        assert_eq!(s, 0.30000000000000004);
        assert_eq!(e, -2.7755575615628914e-17);
    }

    #[test]
    fn two_prod_is_exact() {
        let a = 1.0 + f64::EPSILON;
        let (p, e) = two_prod(a, a);
        assert_eq!(p, 1.0 + 2.0 * f64::EPSILON);
        assert_eq!(e, f64::EPSILON * f64::EPSILON);
    }

    #[test]
    fn mul_pow2_rounds_once_into_subnormals() {
        assert_eq!(mul_pow2(1.0, -1074), f64::from_bits(1));
        assert_eq!(mul_pow2(1.5, -1074), f64::from_bits(2)); // tie to even
        assert_eq!(mul_pow2(1.25, -1074), f64::from_bits(1));
        assert_eq!(mul_pow2(1.0, -1076), 0.0);
        assert_eq!(mul_pow2(1.0, 1024), f64::INFINITY);
        assert_eq!(mul_pow2(0.75, 1024), 0.75 * 2f64.powi(1023) * 2.0);
    }
}
