//! softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|), and
//! log σ(x) = -softplus(-x).
//!
//! The split keeps e^-|x| in (0, 1], so nothing overflows, and the small term
//! ln(1 + e^-|x|) is evaluated to double-double accuracy before it is added.

use super::dd::{fast_two_sum, mul_pow2, two_sum};
use super::exp_dd::exp_parts;

/// f32 softplus: computed in f64 and rounded once; error ≤ 0.5 + 2^-25 ULP.
#[inline]
pub(crate) fn softplus_f32(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    let x = f64::from(x);
    (x.max(0.0) + (-x.abs()).exp().ln_1p()) as f32
}

/// f32 log σ(x) = -softplus(-x); error ≤ 0.5 + 2^-25 ULP.
#[inline]
pub(crate) fn log_sigmoid_f32(x: f32) -> f32 {
    -softplus_f32(-x)
}

/// f64 softplus: error ≤ 0.51 ULP for normal results; subnormal results round twice (≤ 1 ULP).
#[inline]
pub(crate) fn softplus_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 0.0 {
        // ln(1 + e^-40) < 2^-57 is below half an ULP of 40.
        if x > 40.0 {
            return x;
        }
        let (l_hi, l_lo) = ln_1p_exp(-x);
        let (s, err) = two_sum(x, l_hi);
        s + (err + l_lo)
    } else {
        if x < -746.0 {
            return 0.0;
        }
        if x < -40.0 {
            // ln(1+e) = e - e^2/2 + ..., and e < 2^-57: one correction term suffices.
            let e = exp_parts(x);
            let e_value = mul_pow2(e.hi, e.k);
            return mul_pow2(e.hi + (e.lo - 0.5 * e.hi * e_value), e.k);
        }
        let (l_hi, l_lo) = ln_1p_exp(x);
        l_hi + l_lo
    }
}

/// f64 log σ(x) = -softplus(-x); error ≤ 0.51 ULP.
#[inline]
pub(crate) fn log_sigmoid_f64(x: f64) -> f64 {
    -softplus_f64(-x)
}

/// `ln(1 + e^u)` for `u` in `[-40, 0]` as a double-double, relative error < 2^-57.
#[inline]
fn ln_1p_exp(u: f64) -> (f64, f64) {
    let e = exp_parts(u);
    // k >= -58: exact scalings.
    let e_hi = mul_pow2(e.hi, e.k);
    let e_lo = mul_pow2(e.lo, e.k);
    if e_hi < 1.0 / 1024.0 {
        // ln(1+t) = t·(1 - t/2 + t^2/3 - ...); t < 2^-10 makes t^7 < 2^-70.
        let t = e_hi;
        let series =
            t * (-0.5 + t * (1.0 / 3.0 + t * (-0.25 + t * (0.2 + t * (-1.0 / 6.0 + t / 7.0)))));
        (e_hi, e_lo + e_hi * series)
    } else {
        // One Newton step for y = ln(d) from std's ln_1p (≤ 1 ULP):
        // y1 = y0 + (d - e^y0) / e^y0, with d = 1 + e and e^y0 in double-double.
        let (d_hi, d_lo) = fast_two_sum(1.0, e_hi);
        let d_lo = d_lo + e_lo;
        let y0 = e_hi.ln_1p();
        let p = exp_parts(y0);
        let p_hi = mul_pow2(p.hi, p.k);
        let p_lo = mul_pow2(p.lo, p.k);
        // d_hi - p_hi is exact: both lie in [1, 2].
        let numerator = (d_hi - p_hi) + (d_lo - p_lo);
        (y0, numerator / p_hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        assert_eq!(softplus_f64(0.0), std::f64::consts::LN_2);
        assert_eq!(softplus_f64(f64::INFINITY), f64::INFINITY);
        assert_eq!(softplus_f64(f64::NEG_INFINITY), 0.0);
        assert!(softplus_f64(f64::NAN).is_nan());
        assert_eq!(log_sigmoid_f64(0.0), -std::f64::consts::LN_2);
        assert_eq!(log_sigmoid_f64(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(log_sigmoid_f64(f64::INFINITY), 0.0);
        assert_eq!(softplus_f32(0.0), std::f32::consts::LN_2);
        assert_eq!(log_sigmoid_f32(f32::NEG_INFINITY), f32::NEG_INFINITY);
        assert!(log_sigmoid_f32(f32::NAN).is_nan());
    }

    #[test]
    fn tails() {
        assert_eq!(softplus_f64(50.0), 50.0);
        assert_eq!(softplus_f64(-745.0), f64::from_bits(1));
        assert_eq!(log_sigmoid_f64(-50.0), -50.0);
        let tiny = softplus_f64(-50.0);
        assert!((tiny - (-50f64).exp()).abs() <= f64::EPSILON * tiny);
    }
}
