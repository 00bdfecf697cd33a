//! Binary cross-entropy from a logit z and a target y:
//! `max(z, 0) - z·y + ln(1 + e^-|z|)`, the numerically stable form of
//! `-(y·ln σ(z) + (1-y)·ln(1 - σ(z)))`.

use super::softplus::softplus_f64;

/// f64 BCE with logits.
///
/// For finite z the two pieces are formed without cancellation
/// (`z·(1-y)` for z ≥ 0, `-z·y` for z < 0) and added to softplus(-|z|):
/// error ≤ 2 ULP for y in [0, 1]. At z = ±∞ the limit is returned with
/// `0·∞ = 0`: bce(+∞, y) = +∞·(1-y), bce(-∞, y) = +∞·y, so a confident and
/// correct prediction costs 0 and a confident wrong one costs +∞.
#[inline]
pub(crate) fn bce_with_logits_f64(z: f64, y: f64) -> f64 {
    if z.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if z.is_infinite() {
        let weight = if z > 0.0 { 1.0 - y } else { y };
        return if weight == 0.0 {
            0.0
        } else {
            weight * f64::INFINITY
        };
    }
    let a = z.abs();
    let linear = if z >= 0.0 { z * (1.0 - y) } else { a * y };
    linear + softplus_f64(-a)
}

/// f32 BCE with logits: computed in f64 and rounded once.
#[inline]
pub(crate) fn bce_with_logits_f32(z: f32, y: f32) -> f32 {
    bce_with_logits_f64(f64::from(z), f64::from(y)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(bce_with_logits_f64(f64::INFINITY, 1.0), 0.0);
        assert_eq!(bce_with_logits_f64(f64::INFINITY, 0.0), f64::INFINITY);
        assert_eq!(bce_with_logits_f64(f64::NEG_INFINITY, 0.0), 0.0);
        assert_eq!(bce_with_logits_f64(f64::NEG_INFINITY, 1.0), f64::INFINITY);
        assert_eq!(bce_with_logits_f64(0.0, 1.0), std::f64::consts::LN_2);
        assert!(bce_with_logits_f64(f64::NAN, 1.0).is_nan());
        assert!(bce_with_logits_f64(1.0, f64::NAN).is_nan());
    }

    #[test]
    fn finite_for_huge_logits() {
        assert_eq!(bce_with_logits_f64(f64::MAX, 0.0), f64::MAX);
        assert_eq!(bce_with_logits_f64(f64::MAX, 1.0), 0.0);
        assert_eq!(bce_with_logits_f32(f32::MIN, 1.0), f32::MAX);
    }
}
