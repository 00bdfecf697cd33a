//! σ(x) = 1 / (1 + e^-x).
//!
//! Both precisions evaluate `e^-|x|` (never overflowing) and use
//! σ(-|x|) = e/(1+e), σ(|x|) = 1/(1+e), so neither tail loses accuracy to
//! cancellation.

use super::dd::{fast_two_sum, mul_pow2};
use super::exp_dd::exp_parts;

/// f32 σ: computed in f64 and rounded once.
///
/// The f64 evaluation has relative error below 2^-50, so the result is the
/// correctly rounded σ(x) or, for inputs within 2^-26 ULP of a rounding
/// boundary, its neighbour: error ≤ 0.5 + 2^-26 ULP.
#[inline]
pub(crate) fn sigmoid_f32(x: f32) -> f32 {
    let x = f64::from(x);
    (1.0 / (1.0 + (-x).exp())) as f32
}

/// f64 σ with error ≤ 0.5 + 2^-10 ULP (double-double evaluation, one final
/// rounding; subnormal results may round twice, still within 1 ULP).
#[inline]
pub(crate) fn sigmoid_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x >= 0.0 {
        // e^-40 < 2^-54: 1/(1+e) rounds to 1.
        if x > 40.0 {
            return 1.0;
        }
        let e = exp_parts(-x);
        // k >= -58 here, so both scalings are exact.
        let e_hi = mul_pow2(e.hi, e.k);
        let e_lo = mul_pow2(e.lo, e.k);
        let (d_hi, d_lo) = fast_two_sum(1.0, e_hi);
        let d_lo = d_lo + e_lo;
        let q0 = 1.0 / d_hi;
        let residual = q0.mul_add(-d_hi, 1.0) - q0 * d_lo;
        q0.mul_add(residual, q0)
    } else {
        // σ(-746) < 2^-1075: rounds to +0.
        if x < -746.0 {
            return 0.0;
        }
        let e = exp_parts(x);
        // σ = e/(1+e) = 2^k · (hi+lo)/(1+e): divide the unscaled mantissa and
        // scale once at the end, so subnormal results are rounded (nearly) once.
        let (d_hi, d_lo) = fast_two_sum(1.0, mul_pow2(e.hi, e.k));
        let d_lo = d_lo + mul_pow2(e.lo, e.k);
        let q0 = e.hi / d_hi;
        let residual = q0.mul_add(-d_hi, e.hi) + e.lo - q0 * d_lo;
        mul_pow2(q0 + residual / d_hi, e.k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        assert_eq!(sigmoid_f64(0.0), 0.5);
        assert_eq!(sigmoid_f64(-0.0), 0.5);
        assert_eq!(sigmoid_f64(f64::INFINITY), 1.0);
        assert_eq!(sigmoid_f64(f64::NEG_INFINITY).to_bits(), 0);
        assert!(sigmoid_f64(f64::NAN).is_nan());
        assert_eq!(sigmoid_f32(0.0), 0.5);
        assert_eq!(sigmoid_f32(f32::INFINITY), 1.0);
        assert_eq!(sigmoid_f32(f32::NEG_INFINITY).to_bits(), 0);
        assert!(sigmoid_f32(f32::NAN).is_nan());
    }

    #[test]
    fn far_tails() {
        // σ(-745) ≈ 4.94e-324: the smallest subnormal.
        assert_eq!(sigmoid_f64(-745.0), f64::from_bits(1));
        assert_eq!(sigmoid_f64(-746.0), 0.0);
        assert!(sigmoid_f64(36.0) < 1.0);
        assert_eq!(sigmoid_f64(38.0), 1.0);
    }
}
