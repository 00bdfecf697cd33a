//! tanh, for comparison with σ (tanh(x) = 2σ(2x) − 1).
//!
//! f64: `tanh(a) = (1 − e)/(1 + e)` with `e = e^(−2a)` in double-double, so
//! neither the cancellation in `1 − e` nor the division costs accuracy; a
//! Taylor series covers |x| < 1/32, where `1 − e` would lose bits.

use super::dd::{fast_two_sum, mul_pow2};
use super::exp_dd::exp_parts;

/// f32 tanh: computed in f64 and rounded once; error ≤ 0.5 + 2^-25 ULP.
#[inline]
pub(crate) fn tanh_f32(x: f32) -> f32 {
    f64::from(x).tanh() as f32
}

/// f64 tanh; error ≤ 0.51 ULP (double-double evaluation, one final rounding).
#[inline]
pub(crate) fn tanh_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let a = x.abs();
    // Below 2^-27, x³/3 is under half an ULP of x (this also keeps −0).
    if a < 1.0 / 134_217_728.0 {
        return x;
    }
    if a < 1.0 / 32.0 {
        // tanh x = x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925
        // + 21844x¹³/6081075 − ...; the next term is below 2^-79 relative here.
        let x2 = x * x;
        let series = x2
            * (-1.0 / 3.0
                + x2 * (2.0 / 15.0
                    + x2 * (-17.0 / 315.0
                        + x2 * (62.0 / 2835.0
                            + x2 * (-1382.0 / 155_925.0 + x2 * (21844.0 / 6_081_075.0))))));
        return x + x * series;
    }
    // 2e^(−2a) < 2^-54 beyond 19.1: tanh rounds to ±1.
    if a > 19.1 {
        return 1.0_f64.copysign(x);
    }
    let e = exp_parts(-2.0 * a);
    // k ≥ −56 here: exact scalings.
    let e_hi = mul_pow2(e.hi, e.k);
    let e_lo = mul_pow2(e.lo, e.k);
    let (n_hi, n_lo) = fast_two_sum(1.0, -e_hi);
    let n_lo = n_lo - e_lo;
    let (d_hi, d_lo) = fast_two_sum(1.0, e_hi);
    let d_lo = d_lo + e_lo;
    let q0 = n_hi / d_hi;
    let residual = q0.mul_add(-d_hi, n_hi) + n_lo - q0 * d_lo;
    (q0 + residual / d_hi).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values_and_agreement_with_std() {
        assert_eq!(tanh_f64(0.0).to_bits(), 0.0_f64.to_bits());
        assert_eq!(tanh_f64(-0.0).to_bits(), (-0.0_f64).to_bits());
        assert_eq!(tanh_f64(f64::INFINITY), 1.0);
        assert_eq!(tanh_f64(f64::NEG_INFINITY), -1.0);
        assert!(tanh_f64(f64::NAN).is_nan());
        assert_eq!(tanh_f64(1e-300), 1e-300);
        let mut x = -25.0;
        while x < 25.0 {
            let ours = tanh_f64(x);
            let std = x.tanh();
            assert!(
                (ours - std).abs() <= 3.0 * f64::EPSILON * std.abs(),
                "{x}: {ours} vs {std}"
            );
            x += 0.0137;
        }
    }
}
