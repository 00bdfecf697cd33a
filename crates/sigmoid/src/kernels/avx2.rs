//! The AVX2+FMA path: 16 f32 lanes per block, widened to f64 in four ymm
//! registers of 4 lanes.
//!
//! It computes exactly what the AVX-512 path computes: the same IEEE
//! operations on the same constants in the same order (only the exact table
//! lookup differs: a gather here, VPERMT2PD there), so the two paths give
//! bit-identical results.

use core::arch::x86_64::*;

use super::math::{self, EXPONENT_MASK, EXPONENT_SHIFT, F64s, Many, TWO_POW_J_OVER_16};
use super::{Kernel, Op, Unary, scalar_f32, scalar_map};

/// Four f64 lanes in a ymm register.
#[derive(Clone, Copy)]
struct Y(__m256d);

const SIGN: i64 = i64::MIN;

#[inline(always)]
fn sign_mask() -> __m256d {
    unsafe { _mm256_castsi256_pd(_mm256_set1_epi64x(SIGN)) }
}

// SAFETY (every `unsafe` block below): the intrinsics need AVX2 and FMA,
// which every caller (a `#[target_feature]` function) has enabled.
impl F64s for Y {
    #[inline(always)]
    fn splat(value: f64) -> Self {
        Y(unsafe { _mm256_set1_pd(value) })
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Y(unsafe { _mm256_add_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Y(unsafe { _mm256_sub_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        Y(unsafe { _mm256_mul_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        Y(unsafe { _mm256_div_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        Y(unsafe { _mm256_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg_mul_sub(self, b: Self, c: Self) -> Self {
        Y(unsafe { _mm256_fnmsub_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg_abs(self) -> Self {
        Y(unsafe { _mm256_or_pd(self.0, sign_mask()) })
    }
    #[inline(always)]
    fn abs_min(self, cap: Self) -> Self {
        // MINPD returns its second operand when either is NaN.
        Y(unsafe { _mm256_min_pd(cap.0, _mm256_andnot_pd(sign_mask(), self.0)) })
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        unsafe {
            let complement = _mm256_sub_pd(_mm256_set1_pd(1.0), self.0);
            Y(_mm256_blendv_pd(complement, self.0, x.0))
        }
    }
    #[inline(always)]
    fn max_or_nan(self, floor: Self) -> Self {
        // MAXPD returns its second operand when either is NaN.
        Y(unsafe { _mm256_max_pd(floor.0, self.0) })
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        unsafe {
            let m = sign_mask();
            Y(_mm256_or_pd(
                _mm256_andnot_pd(m, self.0),
                _mm256_and_pd(m, sign.0),
            ))
        }
    }
    #[inline(always)]
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self {
        // BLENDVPD selects by the sign bit of its mask operand.
        Y(unsafe { _mm256_blendv_pd(otherwise.0, if_negative.0, sign.0) })
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        unsafe {
            let greater = _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, bound.0);
            Y(_mm256_blendv_pd(otherwise.0, if_greater.0, greater))
        }
    }
    #[inline(always)]
    fn exp2_scale(self) -> Self {
        unsafe {
            let bits = _mm256_castpd_si256(self.0);
            let j = _mm256_and_si256(bits, _mm256_set1_epi64x(15));
            let t = _mm256_i64gather_pd::<8>(TWO_POW_J_OVER_16.as_ptr().cast(), j);
            let k = _mm256_and_si256(
                _mm256_slli_epi64::<{ EXPONENT_SHIFT as i32 }>(bits),
                _mm256_set1_epi64x(EXPONENT_MASK as i64),
            );
            Y(_mm256_castsi256_pd(_mm256_add_epi64(
                _mm256_castpd_si256(t),
                k,
            )))
        }
    }
}

/// f32 lanes per block: four ymm registers of f64 (see `math::Many`).
const F32_BLOCK: usize = 16;

/// Defines a `#[target_feature]` loop mapping blocks of 16 f32 through an
/// f64 function, on four interleaved vectors of 4 lanes.
macro_rules! f32_blocks {
    ($name:ident, $f:path) => {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $name(a: *const f32, out: *mut f32, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `16 · blocks` elements.
                unsafe {
                    let p = a.add(block * F32_BLOCK);
                    let x = Many([
                        Y(_mm256_cvtps_pd(_mm_loadu_ps(p))),
                        Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(4)))),
                        Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(8)))),
                        Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(12)))),
                    ]);
                    let y = $f(x).0;
                    let q = out.add(block * F32_BLOCK);
                    for (i, v) in y.iter().enumerate() {
                        _mm_storeu_ps(q.add(4 * i), _mm256_cvtpd_ps(v.0));
                    }
                }
            }
        }
    };
}

f32_blocks!(sigmoid_f32, math::sigmoid);
f32_blocks!(sigmoid_derivative_f32, math::sigmoid_derivative);
f32_blocks!(log_sigmoid_f32, math::log_sigmoid);
f32_blocks!(softplus_f32, math::softplus);
f32_blocks!(tanh_f32, math::tanh);

/// ReLU: `x` where x > 0 or x is NaN (the unordered compare), else +0.
#[target_feature(enable = "avx2,fma")]
unsafe fn relu_f32(a: *const f32, out: *mut f32, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let x = _mm256_loadu_ps(a.add(block * 8));
            let keep = _mm256_cmp_ps::<_CMP_NLE_UQ>(x, _mm256_setzero_ps());
            _mm256_storeu_ps(out.add(block * 8), _mm256_and_ps(keep, x));
        }
    }
}

/// `dy · (y · (1 − y))` in f64, rounded once: the scalar function's exact steps.
#[target_feature(enable = "avx2,fma")]
unsafe fn backward_f32(y: *const f32, dy: *const f32, out: *mut f32, blocks: usize) {
    #[inline(always)]
    fn half(y: __m128, dy: __m128) -> __m128 {
        unsafe {
            let y = _mm256_cvtps_pd(y);
            let dy = _mm256_cvtps_pd(dy);
            let s = _mm256_mul_pd(y, _mm256_sub_pd(_mm256_set1_pd(1.0), y));
            _mm256_cvtpd_ps(_mm256_mul_pd(dy, s))
        }
    }
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let yv = _mm256_loadu_ps(y.add(block * 8));
            let dyv = _mm256_loadu_ps(dy.add(block * 8));
            let lo = half(_mm256_castps256_ps128(yv), _mm256_castps256_ps128(dyv));
            let hi = half(
                _mm256_extractf128_ps::<1>(yv),
                _mm256_extractf128_ps::<1>(dyv),
            );
            let r = _mm256_insertf128_ps::<1>(_mm256_castps128_ps256(lo), hi);
            _mm256_storeu_ps(out.add(block * 8), r);
        }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn relu_f64(a: *const f64, out: *mut f64, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `4 · blocks` elements.
        unsafe {
            let x = _mm256_loadu_pd(a.add(block * 4));
            let keep = _mm256_cmp_pd::<_CMP_NLE_UQ>(x, _mm256_setzero_pd());
            _mm256_storeu_pd(out.add(block * 4), _mm256_and_pd(keep, x));
        }
    }
}

/// `dy · fma(−y, y, y)`: the scalar function's exact steps.
#[target_feature(enable = "avx2,fma")]
unsafe fn backward_f64(y: *const f64, dy: *const f64, out: *mut f64, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `4 · blocks` elements.
        unsafe {
            let yv = _mm256_loadu_pd(y.add(block * 4));
            let dyv = _mm256_loadu_pd(dy.add(block * 4));
            let s = _mm256_fnmadd_pd(yv, yv, yv);
            _mm256_storeu_pd(out.add(block * 4), _mm256_mul_pd(dyv, s));
        }
    }
}

/// The AVX2 f32 kernel.
pub(crate) struct F32(pub(crate) Op);

// SAFETY: only driven when `Isa::Avx2` is available.
unsafe impl Kernel<f32> for F32 {
    const BLOCK: usize = F32_BLOCK;

    unsafe fn blocks(&self, a: *const f32, b: *const f32, out: *mut f32, blocks: usize) {
        // ReLU and the backward pass go 8 lanes at a time.
        let halves = blocks * 2;
        // SAFETY: forwarded from the caller, who checked the CPU features.
        unsafe {
            match self.0 {
                Op::Unary(Unary::Sigmoid) => sigmoid_f32(a, out, blocks),
                Op::Unary(Unary::SigmoidDerivative) => sigmoid_derivative_f32(a, out, blocks),
                Op::Unary(Unary::LogSigmoid) => log_sigmoid_f32(a, out, blocks),
                Op::Unary(Unary::Softplus) => softplus_f32(a, out, blocks),
                Op::Unary(Unary::Tanh) => tanh_f32(a, out, blocks),
                Op::Unary(Unary::Relu) => relu_f32(a, out, halves),
                Op::Unary(op @ Unary::Logit) => {
                    scalar_map(scalar_f32(op), a, out, blocks * F32_BLOCK)
                }
                Op::Backward => backward_f32(a, b, out, halves),
            }
        }
    }
}

/// The AVX2 f64 kernel.
pub(crate) struct F64(pub(crate) Op);

// SAFETY: only driven when `Isa::Avx2` is available.
unsafe impl Kernel<f64> for F64 {
    const BLOCK: usize = 4;

    unsafe fn blocks(&self, a: *const f64, b: *const f64, out: *mut f64, blocks: usize) {
        // SAFETY: forwarded from the caller, who checked the CPU features.
        unsafe {
            match self.0 {
                Op::Unary(Unary::Relu) => relu_f64(a, out, blocks),
                Op::Unary(op) => super::scalar_f64_fma(op, a, out, blocks * 4),
                Op::Backward => backward_f64(a, b, out, blocks),
            }
        }
    }
}
