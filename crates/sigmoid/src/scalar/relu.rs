//! ReLU, max(x, 0), for comparison. Exact.

/// `x` for x > 0, NaN for NaN, `+0` otherwise (so relu(-0) = +0).
#[inline]
pub(crate) fn relu_f32(x: f32) -> f32 {
    if x > 0.0 || x.is_nan() { x } else { 0.0 }
}

/// `x` for x > 0, NaN for NaN, `+0` otherwise (so relu(-0) = +0).
#[inline]
pub(crate) fn relu_f64(x: f64) -> f64 {
    if x > 0.0 || x.is_nan() { x } else { 0.0 }
}
