//! σ'(x) = σ(x)·σ(-x) = e/(1+e)^2 with e = e^-|x|.
//!
//! Computed from x, never as `s·(1-s)`: that product is exactly 0 in f32 for
//! every x above ≈ 16.6 although σ'(x) is still ≈ 6e-8 there.

use super::dd::{fast_two_sum, mul_pow2, two_prod};
use super::exp_dd::exp_parts;

/// f32 σ': computed in f64 and rounded once; error ≤ 0.5 + 2^-25 ULP.
#[inline]
pub(crate) fn sigmoid_derivative_f32(x: f32) -> f32 {
    let e = (-f64::from(x).abs()).exp();
    let d = 1.0 + e;
    (e / (d * d)) as f32
}

/// f64 σ' (double-double evaluation): error ≤ 0.51 ULP for normal results;
/// subnormal results round twice (≤ 1 ULP).
#[inline]
pub(crate) fn sigmoid_derivative_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let a = x.abs();
    if a > 746.0 {
        return 0.0;
    }
    let e = exp_parts(-a);
    let (d_hi, d_lo) = fast_two_sum(1.0, mul_pow2(e.hi, e.k));
    let d_lo = d_lo + mul_pow2(e.lo, e.k);
    // (q0 + q1) = (hi+lo)/(1+e), the unscaled σ(-|x|).
    let q0 = e.hi / d_hi;
    let q1 = (q0.mul_add(-d_hi, e.hi) + e.lo - q0 * d_lo) / d_hi;
    // (r0 + r1) = 1/(1+e) = σ(|x|).
    let r0 = 1.0 / d_hi;
    let r1 = r0 * (r0.mul_add(-d_hi, 1.0) - r0 * d_lo);
    let (p0, p1) = two_prod(q0, r0);
    let p1 = p1 + (q0 * r1 + q1 * r0);
    mul_pow2(p0 + p1, e.k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        assert_eq!(sigmoid_derivative_f64(0.0), 0.25);
        assert_eq!(sigmoid_derivative_f64(f64::INFINITY), 0.0);
        assert_eq!(sigmoid_derivative_f64(f64::NEG_INFINITY), 0.0);
        assert!(sigmoid_derivative_f64(f64::NAN).is_nan());
        assert_eq!(sigmoid_derivative_f32(0.0), 0.25);
        assert_eq!(sigmoid_derivative_f32(f32::INFINITY), 0.0);
        assert!(sigmoid_derivative_f32(f32::NAN).is_nan());
    }

    #[test]
    fn does_not_vanish_where_s_times_one_minus_s_does() {
        // Peers' f32 σ is exactly 1.0 from x ≈ 16.64 on, so their s·(1-s) is 0 there.
        let peer_s = 1.0_f32;
        assert_eq!(peer_s * (1.0 - peer_s), 0.0);
        let d = sigmoid_derivative_f32(17.0);
        assert_eq!(d, 4.139_937_5e-8);
        assert!(sigmoid_derivative_f32(80.0) > 0.0);
    }
}
