//! The backward pass of σ: `dx = dy · y · (1 - y)` from the forward output y.

/// f32: computed in f64 and rounded once; every product of two f32 values is
/// exact in f64, so the error is ≤ 0.5 + 2^-29 ULP.
#[inline]
pub(crate) fn sigmoid_backward_f32(y: f32, dy: f32) -> f32 {
    let y = f64::from(y);
    (f64::from(dy) * (y * (1.0 - y))) as f32
}

/// f64: `y·(1-y)` is formed as `fma(-y, y, y)` with one rounding, then
/// multiplied by dy: error ≤ 1 ULP.
#[inline]
pub(crate) fn sigmoid_backward_f64(y: f64, dy: f64) -> f64 {
    dy * (-y).mul_add(y, y)
}
