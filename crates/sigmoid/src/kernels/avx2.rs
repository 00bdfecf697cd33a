//! The AVX2+FMA path: 16 f32 lanes per block, widened to f64 in four ymm
//! registers of 4 lanes.
//!
//! It computes exactly what the AVX-512 path computes: the same IEEE
//! operations on the same constants in the same order (only the exact table
//! lookup differs: a gather here, VPERMT2PD there), so the two paths give
//! bit-identical results.

use core::arch::x86_64::*;

use super::exact_f32::{EXPONENT_MASK, EXPONENT_SHIFT, TWO_POW_J_OVER_16};
use super::f64s::{F64s, Many};
use super::{Kernel, Op, f32_table, f64_table};
use crate::Accuracy;

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
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        Y(unsafe { _mm256_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fnma(self, b: Self, c: Self) -> Self {
        Y(unsafe { _mm256_fnmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg(self) -> Self {
        Y(unsafe { _mm256_xor_pd(self.0, sign_mask()) })
    }
    #[inline(always)]
    fn keep_gt(self, bound: Self, value: Self) -> Self {
        unsafe {
            let greater = _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, bound.0);
            Y(_mm256_and_pd(greater, value.0))
        }
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        // MAXPD returns its second operand unless the first is greater.
        Y(unsafe { _mm256_max_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Y(unsafe { _mm256_min_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn select_by_parity(self, even: f64, odd: f64) -> Self {
        unsafe {
            // VPERMILPD picks within each 128-bit half by bit 1 of the index:
            // n's lowest bit, shifted there.
            let index = _mm256_slli_epi64::<1>(_mm256_castpd_si256(self.0));
            Y(_mm256_permutevar_pd(
                _mm256_setr_pd(even, odd, even, odd),
                index,
            ))
        }
    }
    #[inline(always)]
    fn pow2_half_n_biased(self) -> Self {
        unsafe {
            // Bits 1..=12 of z (⌊n/2⌋ mod 2^12) into the exponent field, plus
            // the biased exponent of 2^600.
            let bits = _mm256_castpd_si256(self.0);
            let k = _mm256_slli_epi64::<52>(_mm256_srli_epi64::<1>(bits));
            let biased = _mm256_add_epi64(k, _mm256_set1_epi64x((1023 + 600) << 52));
            Y(_mm256_castsi256_pd(biased))
        }
    }
}

/// f32 lanes per block: four ymm registers of f64 (see `f64s::Many`).
const F32_BLOCK: usize = 16;

/// Stores 8 f32 lanes: non-temporal if `STREAM` (then `p` is 32-byte aligned).
#[inline(always)]
unsafe fn store_f32x8<const STREAM: bool>(p: *mut f32, v: __m256) {
    // SAFETY: the caller passes a valid (and, to stream, aligned) pointer.
    unsafe {
        if STREAM {
            _mm256_stream_ps(p, v)
        } else {
            _mm256_storeu_ps(p, v)
        }
    }
}

/// Stores 4 f64 lanes: non-temporal if `STREAM` (then `p` is 32-byte aligned).
#[inline(always)]
unsafe fn store_f64x4<const STREAM: bool>(p: *mut f64, v: __m256d) {
    // SAFETY: as `store_f32x8`.
    unsafe {
        if STREAM {
            _mm256_stream_pd(p, v)
        } else {
            _mm256_storeu_pd(p, v)
        }
    }
}

/// One block of 16 f32, widened to f64 in four vectors of 4 lanes.
///
/// # Safety
/// AVX2 enabled in the caller; `p` valid for reading 16 f32.
#[inline(always)]
unsafe fn load_wide(p: *const f32) -> Many<Y, 4> {
    // SAFETY: as the function's contract.
    unsafe {
        Many([
            Y(_mm256_cvtps_pd(_mm_loadu_ps(p))),
            Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(4)))),
            Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(8)))),
            Y(_mm256_cvtps_pd(_mm_loadu_ps(p.add(12)))),
        ])
    }
}

/// Rounds four vectors of 4 f64 lanes to f32 (once each) and stores the 16.
///
/// # Safety
/// AVX2 enabled in the caller; `q` valid for writing 16 f32 (aligned to 32
/// bytes if `STREAM`).
#[inline(always)]
unsafe fn store_wide<const STREAM: bool>(q: *mut f32, y: Many<Y, 4>) {
    let [y0, y1, y2, y3] = y.0;
    // SAFETY: as the function's contract.
    unsafe {
        let low = _mm256_set_m128(_mm256_cvtpd_ps(y1.0), _mm256_cvtpd_ps(y0.0));
        let high = _mm256_set_m128(_mm256_cvtpd_ps(y3.0), _mm256_cvtpd_ps(y2.0));
        store_f32x8::<STREAM>(q, low);
        store_f32x8::<STREAM>(q.add(8), high);
    }
}

/// Defines, where it is used, a `#[target_feature]` loop that maps blocks of
/// 16 f32 through the f64-lane algorithm `$f`, and runs it. The algorithm is
/// called directly inside the loop (not through a generic `Fn` argument,
/// whose call shim is compiled without AVX2 and would turn every intrinsic
/// into a function call), so it inlines whole.
macro_rules! wide_f32 {
    ($f:path, $stream:ident, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run<const STREAM: bool>(a: *const f32, out: *mut f32, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `16 · blocks` elements.
                unsafe {
                    let y = $f(load_wide(a.add(block * F32_BLOCK)));
                    store_wide::<STREAM>(out.add(block * F32_BLOCK), y);
                }
            }
        }
        run::<$stream>($a, $out, $blocks)
    }};
}

/// Defines and runs a loop of the scalar function `$f` over `$n` elements,
/// compiled with AVX2 and FMA so that the double-double functions' exact
/// products are single instructions instead of libm calls (bit-identical
/// results: a fused multiply-add is exactly rounded either way). Stores are
/// plain: these loops are far from memory-bound.
macro_rules! each {
    ($t:ty, $f:path, $a:expr, $out:expr, $n:expr) => {{
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run(a: *const $t, out: *mut $t, n: usize) {
            for i in 0..n {
                // SAFETY: i < n; reading before writing keeps `out == a` correct.
                unsafe { *out.add(i) = $f(*a.add(i)) };
            }
        }
        run($a, $out, $n)
    }};
}
pub(super) use each;

/// ReLU: `x` where x > 0 or x is NaN (the unordered compare), else +0.
#[target_feature(enable = "avx2,fma")]
unsafe fn relu_f32<const STREAM: bool>(a: *const f32, out: *mut f32, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let x = _mm256_loadu_ps(a.add(block * 8));
            let keep = _mm256_cmp_ps::<_CMP_NLE_UQ>(x, _mm256_setzero_ps());
            store_f32x8::<STREAM>(out.add(block * 8), _mm256_and_ps(keep, x));
        }
    }
}

/// `dy · (y · (1 − y))` in f64, rounded once: the scalar function's exact steps.
#[target_feature(enable = "avx2,fma")]
unsafe fn backward_f32<const STREAM: bool>(
    y: *const f32,
    dy: *const f32,
    out: *mut f32,
    blocks: usize,
) {
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
            store_f32x8::<STREAM>(out.add(block * 8), _mm256_set_m128(hi, lo));
        }
    }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn relu_f64<const STREAM: bool>(a: *const f64, out: *mut f64, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `4 · blocks` elements.
        unsafe {
            let x = _mm256_loadu_pd(a.add(block * 4));
            let keep = _mm256_cmp_pd::<_CMP_NLE_UQ>(x, _mm256_setzero_pd());
            store_f64x4::<STREAM>(out.add(block * 4), _mm256_and_pd(keep, x));
        }
    }
}

/// `dy · fma(−y, y, y)`: the scalar function's exact steps.
#[target_feature(enable = "avx2,fma")]
unsafe fn backward_f64<const STREAM: bool>(
    y: *const f64,
    dy: *const f64,
    out: *mut f64,
    blocks: usize,
) {
    for block in 0..blocks {
        // SAFETY: within the caller's `4 · blocks` elements.
        unsafe {
            let yv = _mm256_loadu_pd(y.add(block * 4));
            let dyv = _mm256_loadu_pd(dy.add(block * 4));
            let s = _mm256_fnmadd_pd(yv, yv, yv);
            store_f64x4::<STREAM>(out.add(block * 4), _mm256_mul_pd(dyv, s));
        }
    }
}

/// The AVX2 f32 kernel.
pub(crate) struct F32 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: only driven when `Isa::Avx2` is available.
unsafe impl Kernel<f32> for F32 {
    const BLOCK: usize = F32_BLOCK;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f32,
        b: *const f32,
        out: *mut f32,
        blocks: usize,
    ) {
        // ReLU and the backward pass go 8 lanes at a time.
        let halves = blocks * 2;
        macro_rules! wide {
            ($f:path) => {
                wide_f32!($f, STREAM, a, out, blocks)
            };
        }
        macro_rules! lanes {
            ($f:path) => {
                super::f32s_avx2::lanes_f32_avx2!($f, STREAM, a, out, blocks)
            };
        }
        macro_rules! each_f32 {
            ($f:path) => {
                each!(f32, $f, a, out, blocks * F32_BLOCK)
            };
        }
        macro_rules! relu {
            () => {
                relu_f32::<STREAM>(a, out, halves)
            };
        }
        macro_rules! backward {
            () => {
                backward_f32::<STREAM>(a, b, out, halves)
            };
        }
        // SAFETY: forwarded from the caller, who checked the CPU features.
        unsafe {
            f32_table!(self.op, self.accuracy, wide: wide, lanes: lanes, fast: f32_fast, each: each_f32, relu: relu, backward: backward)
        }
    }
}

/// f64 lanes per block: four ymm registers (see `f64s::Many`).
const F64_BLOCK: usize = 16;

/// As `wide_f32!`: a loop of blocks of 16 f64 (four interleaved vectors of
/// 4 lanes) through the f64-lane algorithm `$f`, defined where it is used so
/// that the algorithm is called directly and inlines whole.
macro_rules! many_f64 {
    ($f:path, $stream:ident, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run<const STREAM: bool>(a: *const f64, out: *mut f64, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `16 · blocks` elements.
                unsafe {
                    let p = a.add(block * F64_BLOCK);
                    let x = Many([
                        Y(_mm256_loadu_pd(p)),
                        Y(_mm256_loadu_pd(p.add(4))),
                        Y(_mm256_loadu_pd(p.add(8))),
                        Y(_mm256_loadu_pd(p.add(12))),
                    ]);
                    let [y0, y1, y2, y3] = $f(x).0;
                    let q = out.add(block * F64_BLOCK);
                    store_f64x4::<STREAM>(q, y0.0);
                    store_f64x4::<STREAM>(q.add(4), y1.0);
                    store_f64x4::<STREAM>(q.add(8), y2.0);
                    store_f64x4::<STREAM>(q.add(12), y3.0);
                }
            }
        }
        run::<$stream>($a, $out, $blocks)
    }};
}

/// The AVX2 f64 kernel.
pub(crate) struct F64 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: only driven when `Isa::Avx2` is available.
unsafe impl Kernel<f64> for F64 {
    const BLOCK: usize = F64_BLOCK;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f64,
        b: *const f64,
        out: *mut f64,
        blocks: usize,
    ) {
        // ReLU and the backward pass go 4 lanes at a time.
        let quarters = blocks * 4;
        macro_rules! many {
            ($f:path) => {
                many_f64!($f, STREAM, a, out, blocks)
            };
        }
        macro_rules! each_f64 {
            ($f:path) => {
                each!(f64, $f, a, out, blocks * F64_BLOCK)
            };
        }
        macro_rules! relu {
            () => {
                relu_f64::<STREAM>(a, out, quarters)
            };
        }
        macro_rules! backward {
            () => {
                backward_f64::<STREAM>(a, b, out, quarters)
            };
        }
        // SAFETY: forwarded from the caller, who checked the CPU features.
        unsafe {
            f64_table!(self.op, self.accuracy, many: many, default: f64_default, each: each_f64, relu: relu, backward: backward)
        }
    }
}
