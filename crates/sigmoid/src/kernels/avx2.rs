//! The AVX2+FMA path: 8 f32 lanes per block, each half widened to 4 f64
//! lanes in one ymm register.
//!
//! It performs exactly the operations of the AVX-512 path (the 2^(j/8) table
//! lookup is two in-register permutes and a blend instead of one VPERMPD), so
//! the two paths give bit-identical results.

use core::arch::x86_64::*;

use super::math::{self, EXPONENT_MASK, F64s, TWO_POW_J_OVER_8};
use super::{Kernel, Op, Unary, scalar_f32, scalar_f64, scalar_map};

/// Four f64 lanes in a ymm register.
#[derive(Clone, Copy)]
struct Y(__m256d);

const SIGN: i64 = i64::MIN;

#[inline(always)]
fn sign_mask() -> __m256d {
    unsafe { _mm256_castsi256_pd(_mm256_set1_epi64x(SIGN)) }
}

/// The table entries `4·half .. 4·half + 4` as eight 32-bit lanes.
#[inline(always)]
fn table_half(half: usize) -> __m256i {
    let t = &TWO_POW_J_OVER_8[4 * half..4 * half + 4];
    unsafe { _mm256_setr_epi64x(t[0] as i64, t[1] as i64, t[2] as i64, t[3] as i64) }
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
    fn neg_abs(self) -> Self {
        Y(unsafe { _mm256_or_pd(self.0, sign_mask()) })
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
            // 32-bit lane indices 2i, 2i+1 of entry i = j & 3 in each half-table.
            let i2 = _mm256_slli_epi64::<1>(_mm256_and_si256(bits, _mm256_set1_epi64x(3)));
            let idx = _mm256_or_si256(
                i2,
                _mm256_slli_epi64::<32>(_mm256_add_epi64(i2, _mm256_set1_epi64x(1))),
            );
            let low = _mm256_permutevar8x32_epi32(table_half(0), idx);
            let high = _mm256_permutevar8x32_epi32(table_half(1), idx);
            // Bit 2 of j moved to the sign bit picks the half.
            let upper = _mm256_castsi256_pd(_mm256_slli_epi64::<61>(bits));
            let t = _mm256_castpd_si256(_mm256_blendv_pd(
                _mm256_castsi256_pd(low),
                _mm256_castsi256_pd(high),
                upper,
            ));
            let k = _mm256_and_si256(
                _mm256_slli_epi64::<49>(bits),
                _mm256_set1_epi64x(EXPONENT_MASK as i64),
            );
            Y(_mm256_castsi256_pd(_mm256_add_epi64(t, k)))
        }
    }
}

/// Defines a `#[target_feature]` loop mapping blocks of 8 f32 through an
/// f64 function of `Y` (two halves per block).
macro_rules! f32_blocks {
    ($name:ident, $f:path) => {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $name(a: *const f32, out: *mut f32, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `8 · blocks` elements.
                unsafe {
                    let x = _mm256_loadu_ps(a.add(block * 8));
                    let lo = _mm256_cvtps_pd(_mm256_castps256_ps128(x));
                    let hi = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(x));
                    let lo = _mm256_cvtpd_ps($f(Y(lo)).0);
                    let hi = _mm256_cvtpd_ps($f(Y(hi)).0);
                    let y = _mm256_insertf128_ps::<1>(_mm256_castps128_ps256(lo), hi);
                    _mm256_storeu_ps(out.add(block * 8), y);
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
    const BLOCK: usize = 8;

    unsafe fn blocks(&self, a: *const f32, b: *const f32, out: *mut f32, blocks: usize) {
        // SAFETY: forwarded from the caller, who checked the CPU features.
        unsafe {
            match self.0 {
                Op::Unary(Unary::Sigmoid) => sigmoid_f32(a, out, blocks),
                Op::Unary(Unary::SigmoidDerivative) => sigmoid_derivative_f32(a, out, blocks),
                Op::Unary(Unary::LogSigmoid) => log_sigmoid_f32(a, out, blocks),
                Op::Unary(Unary::Softplus) => softplus_f32(a, out, blocks),
                Op::Unary(Unary::Tanh) => tanh_f32(a, out, blocks),
                Op::Unary(Unary::Relu) => relu_f32(a, out, blocks),
                Op::Unary(op @ Unary::Logit) => scalar_map(scalar_f32(op), a, out, blocks * 8),
                Op::Backward => backward_f32(a, b, out, blocks),
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
                Op::Unary(op) => scalar_map(scalar_f64(op), a, out, blocks * 4),
                Op::Backward => backward_f64(a, b, out, blocks),
            }
        }
    }
}
