//! The AVX-512 path: 32 f32 lanes per block, widened to f64 in four zmm
//! registers of 8 lanes.
//!
//! The `F64s` methods are `#[inline(always)]` wrappers around the intrinsics;
//! they are only ever inlined into the `#[target_feature]` block functions
//! below, which are only called once `dispatch` has seen the features.

use core::arch::x86_64::*;

use super::avx2::each;
use super::exact_f32::{EXPONENT_MASK, EXPONENT_SHIFT, TWO_POW_J_OVER_16};
use super::f64s::{F64s, F64sAvx512, Many};
use super::{Kernel, Op, f32_table, f64_table};
use crate::Accuracy;

/// Eight f64 lanes in a zmm register.
#[derive(Clone, Copy)]
struct Z(__m512d);

const SIGN: i64 = i64::MIN;

// SAFETY (every `unsafe` block below): the intrinsics need AVX-512F/DQ,
// which every caller (a `#[target_feature]` function) has enabled.
impl F64s for Z {
    #[inline(always)]
    fn splat(value: f64) -> Self {
        Z(unsafe { _mm512_set1_pd(value) })
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Z(unsafe { _mm512_add_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Z(unsafe { _mm512_sub_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        Z(unsafe { _mm512_mul_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        Z(unsafe { _mm512_div_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        Z(unsafe { _mm512_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg_mul_sub(self, b: Self, c: Self) -> Self {
        Z(unsafe { _mm512_fnmsub_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn abs_min(self, cap: Self) -> Self {
        // MINPD returns its second operand when either is NaN. (VRANGEPD
        // would save an instruction but returns the non-NaN operand.)
        unsafe {
            let sign = _mm512_castsi512_pd(_mm512_set1_epi64(SIGN));
            Z(_mm512_min_pd(cap.0, _mm512_andnot_pd(sign, self.0)))
        }
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        unsafe {
            // Not less than 0, or unordered: x ≥ 0, −0 or NaN (1 − NaN is NaN).
            let not_negative = _mm512_cmp_pd_mask::<_CMP_NLT_UQ>(x.0, _mm512_setzero_pd());
            Z(_mm512_mask_sub_pd(
                self.0,
                not_negative,
                _mm512_set1_pd(1.0),
                self.0,
            ))
        }
    }
    #[inline(always)]
    fn neg_abs(self) -> Self {
        Z(unsafe { _mm512_or_pd(self.0, _mm512_castsi512_pd(_mm512_set1_epi64(SIGN))) })
    }
    #[inline(always)]
    fn max_or_nan(self, floor: Self) -> Self {
        // MAXPD returns its second operand when either is NaN.
        Z(unsafe { _mm512_max_pd(floor.0, self.0) })
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        unsafe {
            let mask = _mm512_set1_epi64(SIGN);
            // 0xd8 = bitwise select `c ? b : a`: the sign bit from `sign`, the rest from `self`.
            Z(_mm512_castsi512_pd(_mm512_ternarylogic_epi64::<0xd8>(
                _mm512_castpd_si512(self.0),
                _mm512_castpd_si512(sign.0),
                mask,
            )))
        }
    }
    #[inline(always)]
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self {
        unsafe {
            let negative = _mm512_movepi64_mask(_mm512_castpd_si512(sign.0));
            Z(_mm512_mask_blend_pd(negative, otherwise.0, if_negative.0))
        }
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        unsafe {
            let greater = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self.0, bound.0);
            Z(_mm512_mask_blend_pd(greater, otherwise.0, if_greater.0))
        }
    }
    #[inline(always)]
    fn exp2_scale(self) -> Self {
        unsafe {
            let k = _mm512_and_si512(
                _mm512_slli_epi64::<{ EXPONENT_SHIFT }>(_mm512_castpd_si512(self.0)),
                _mm512_set1_epi64(EXPONENT_MASK as i64),
            );
            let t = _mm512_castpd_si512(table_lookup(self));
            Z(_mm512_castsi512_pd(_mm512_add_epi64(t, k)))
        }
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        Z(unsafe { _mm512_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fnma(self, b: Self, c: Self) -> Self {
        Z(unsafe { _mm512_fnmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg(self) -> Self {
        unsafe {
            let sign = _mm512_set1_epi64(SIGN);
            Z(_mm512_castsi512_pd(_mm512_xor_si512(
                _mm512_castpd_si512(self.0),
                sign,
            )))
        }
    }
    #[inline(always)]
    fn keep_gt(self, bound: Self, value: Self) -> Self {
        unsafe {
            let greater = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(self.0, bound.0);
            Z(_mm512_maskz_mov_pd(greater, value.0))
        }
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        // MAXPD returns its second operand unless the first is greater.
        Z(unsafe { _mm512_max_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Z(unsafe { _mm512_min_pd(self.0, other.0) })
    }
    #[inline(always)]
    fn select_by_parity(self, even: f64, odd: f64) -> Self {
        unsafe {
            // As AVX2: VPERMILPD by bit 1 of the index, n's lowest bit shifted there.
            let index = _mm512_slli_epi64::<1>(_mm512_castpd_si512(self.0));
            let table = _mm512_setr_pd(even, odd, even, odd, even, odd, even, odd);
            Z(_mm512_permutevar_pd(table, index))
        }
    }
    #[inline(always)]
    fn pow2_half_n_biased(self) -> Self {
        unsafe {
            let bits = _mm512_castpd_si512(self.0);
            let k = _mm512_slli_epi64::<52>(_mm512_srli_epi64::<1>(bits));
            let biased = _mm512_add_epi64(k, _mm512_set1_epi64((1023 + 600) << 52));
            Z(_mm512_castsi512_pd(biased))
        }
    }
}

/// `2^(j/16)` for `j = n & 15` from `z = SHIFTER + n`: VPERMT2PD picks from
/// the 16 entries held in two registers by the low 4 bits of each index.
#[inline(always)]
fn table_lookup(z: Z) -> __m512d {
    unsafe {
        let table = TWO_POW_J_OVER_16.as_ptr().cast::<f64>();
        let low = _mm512_loadu_pd(table);
        let high = _mm512_loadu_pd(table.add(8));
        _mm512_permutex2var_pd(low, _mm512_castpd_si512(z.0), high)
    }
}

/// f32 lanes per block: four zmm registers of f64 (see `f64s::Many`).
const F32_BLOCK: usize = 32;

/// Stores 16 f32 lanes: non-temporal if `STREAM` (then `p` is 64-byte aligned).
#[inline(always)]
unsafe fn store_f32x16<const STREAM: bool>(p: *mut f32, v: __m512) {
    // SAFETY: the caller passes a valid (and, to stream, aligned) pointer.
    unsafe {
        if STREAM {
            _mm512_stream_ps(p, v)
        } else {
            _mm512_storeu_ps(p, v)
        }
    }
}

/// Stores 8 f64 lanes: non-temporal if `STREAM` (then `p` is 64-byte aligned).
#[inline(always)]
unsafe fn store_f64x8<const STREAM: bool>(p: *mut f64, v: __m512d) {
    // SAFETY: as `store_f32x16`.
    unsafe {
        if STREAM {
            _mm512_stream_pd(p, v)
        } else {
            _mm512_storeu_pd(p, v)
        }
    }
}

/// One block of 32 f32, widened to f64 in four vectors of 8 lanes.
///
/// # Safety
/// AVX-512F enabled in the caller; `p` valid for reading 32 f32.
#[inline(always)]
unsafe fn load_wide(p: *const f32) -> Many<Z, 4> {
    // SAFETY: as the function's contract.
    unsafe {
        Many([
            Z(_mm512_cvtps_pd(_mm256_loadu_ps(p))),
            Z(_mm512_cvtps_pd(_mm256_loadu_ps(p.add(8)))),
            Z(_mm512_cvtps_pd(_mm256_loadu_ps(p.add(16)))),
            Z(_mm512_cvtps_pd(_mm256_loadu_ps(p.add(24)))),
        ])
    }
}

/// Rounds four vectors of 8 f64 lanes to f32 (once each) and stores the 32.
///
/// # Safety
/// AVX-512F/DQ enabled in the caller; `q` valid for writing 32 f32 (aligned
/// to 64 bytes if `STREAM`).
#[inline(always)]
unsafe fn store_wide<const STREAM: bool>(q: *mut f32, y: Many<Z, 4>) {
    let [y0, y1, y2, y3] = y.0;
    // SAFETY: as the function's contract.
    unsafe {
        let low = _mm512_insertf32x8::<1>(
            _mm512_castps256_ps512(_mm512_cvtpd_ps(y0.0)),
            _mm512_cvtpd_ps(y1.0),
        );
        let high = _mm512_insertf32x8::<1>(
            _mm512_castps256_ps512(_mm512_cvtpd_ps(y2.0)),
            _mm512_cvtpd_ps(y3.0),
        );
        store_f32x16::<STREAM>(q, low);
        store_f32x16::<STREAM>(q.add(16), high);
    }
}

// SAFETY (every `unsafe` block below): as for `F64s`, AVX-512F is enabled.
impl F64sAvx512 for Z {
    #[inline(always)]
    fn table16(table: &[f64; 16]) -> (Self, Self) {
        unsafe {
            (
                Z(_mm512_loadu_pd(table.as_ptr())),
                Z(_mm512_loadu_pd(table.as_ptr().add(8))),
            )
        }
    }
    #[inline(always)]
    fn lookup16(index: Self, low: Self, high: Self) -> Self {
        Z(unsafe { _mm512_permutex2var_pd(low.0, _mm512_castpd_si512(index.0), high.0) })
    }
    #[inline(always)]
    fn scalef(self, n: Self) -> Self {
        Z(unsafe { _mm512_scalef_pd(self.0, n.0) })
    }
}

/// As the AVX2 path's `wide_f32!`: a loop defined where it is used, calling
/// the f64-lane algorithm `$f` directly so that it inlines whole.
macro_rules! wide_f32 {
    ($f:path, $stream:ident, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx512f,avx512dq")]
        unsafe fn run<const STREAM: bool>(a: *const f32, out: *mut f32, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `32 · blocks` elements.
                unsafe {
                    let y = $f(load_wide(a.add(block * F32_BLOCK)));
                    store_wide::<STREAM>(out.add(block * F32_BLOCK), y);
                }
            }
        }
        run::<$stream>($a, $out, $blocks)
    }};
}

/// ReLU: `x` where x > 0 or x is NaN (the unordered compare), else +0.
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn relu_f32<const STREAM: bool>(a: *const f32, out: *mut f32, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `16 · blocks` elements.
        unsafe {
            let x = _mm512_loadu_ps(a.add(block * 16));
            let keep = _mm512_cmp_ps_mask::<_CMP_NLE_UQ>(x, _mm512_setzero_ps());
            store_f32x16::<STREAM>(out.add(block * 16), _mm512_maskz_mov_ps(keep, x));
        }
    }
}

/// `dy · (y · (1 − y))` in f64, rounded once: the scalar function's exact steps.
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn backward_f32<const STREAM: bool>(
    y: *const f32,
    dy: *const f32,
    out: *mut f32,
    blocks: usize,
) {
    #[inline(always)]
    fn half(y: __m256, dy: __m256) -> __m256 {
        unsafe {
            let y = _mm512_cvtps_pd(y);
            let dy = _mm512_cvtps_pd(dy);
            let s = _mm512_mul_pd(y, _mm512_sub_pd(_mm512_set1_pd(1.0), y));
            _mm512_cvtpd_ps(_mm512_mul_pd(dy, s))
        }
    }
    for block in 0..blocks {
        // SAFETY: within the caller's `16 · blocks` elements.
        unsafe {
            let yv = _mm512_loadu_ps(y.add(block * 16));
            let dyv = _mm512_loadu_ps(dy.add(block * 16));
            let lo = half(_mm512_castps512_ps256(yv), _mm512_castps512_ps256(dyv));
            let hi = half(
                _mm512_extractf32x8_ps::<1>(yv),
                _mm512_extractf32x8_ps::<1>(dyv),
            );
            let r = _mm512_insertf32x8::<1>(_mm512_castps256_ps512(lo), hi);
            store_f32x16::<STREAM>(out.add(block * 16), r);
        }
    }
}

#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn relu_f64<const STREAM: bool>(a: *const f64, out: *mut f64, blocks: usize) {
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let x = _mm512_loadu_pd(a.add(block * 8));
            let keep = _mm512_cmp_pd_mask::<_CMP_NLE_UQ>(x, _mm512_setzero_pd());
            store_f64x8::<STREAM>(out.add(block * 8), _mm512_maskz_mov_pd(keep, x));
        }
    }
}

/// `dy · fma(−y, y, y)`: the scalar function's exact steps.
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn backward_f64<const STREAM: bool>(
    y: *const f64,
    dy: *const f64,
    out: *mut f64,
    blocks: usize,
) {
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let yv = _mm512_loadu_pd(y.add(block * 8));
            let dyv = _mm512_loadu_pd(dy.add(block * 8));
            let s = _mm512_fnmadd_pd(yv, yv, yv);
            store_f64x8::<STREAM>(out.add(block * 8), _mm512_mul_pd(dyv, s));
        }
    }
}

/// The AVX-512 f32 kernel.
pub(crate) struct F32 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: only driven when `Isa::Avx512` is available, which implies AVX2
// and FMA (`dispatch::detect` checks them too) for the scalar loop.
unsafe impl Kernel<f32> for F32 {
    const BLOCK: usize = F32_BLOCK;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f32,
        b: *const f32,
        out: *mut f32,
        blocks: usize,
    ) {
        // ReLU and the backward pass go 16 lanes at a time.
        let halves = blocks * 2;
        macro_rules! wide {
            ($f:path) => {
                wide_f32!($f, STREAM, a, out, blocks)
            };
        }
        // Vectors in flight, by the table's module: see `lanes_f32_avx512!`.
        macro_rules! lanes {
            (fast::$f:ident) => {
                super::f32s_avx512::lanes_f32_avx512!(fast::$f, STREAM, 4, a, out, blocks)
            };
            ($f:path) => {
                super::f32s_avx512::lanes_f32_avx512!($f, STREAM, 8, a, out, blocks)
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
            f32_table!(self.op, self.accuracy, wide: wide, lanes: lanes, fast: f32_fast_avx512, each: each_f32, relu: relu, backward: backward)
        }
    }
}

/// f64 lanes per block: four zmm registers (see `f64s::Many`).
const F64_BLOCK: usize = 32;

/// As the AVX2 path's `many_f64!`: blocks of 32 f64 (four interleaved
/// vectors of 8 lanes) through the f64-lane algorithm `$f`, called directly.
macro_rules! many_f64 {
    ($f:path, $stream:ident, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx512f,avx512dq")]
        unsafe fn run<const STREAM: bool>(a: *const f64, out: *mut f64, blocks: usize) {
            for block in 0..blocks {
                // SAFETY: within the caller's `32 · blocks` elements.
                unsafe {
                    let p = a.add(block * F64_BLOCK);
                    let x = Many([
                        Z(_mm512_loadu_pd(p)),
                        Z(_mm512_loadu_pd(p.add(8))),
                        Z(_mm512_loadu_pd(p.add(16))),
                        Z(_mm512_loadu_pd(p.add(24))),
                    ]);
                    let [y0, y1, y2, y3] = $f(x).0;
                    let q = out.add(block * F64_BLOCK);
                    store_f64x8::<STREAM>(q, y0.0);
                    store_f64x8::<STREAM>(q.add(8), y1.0);
                    store_f64x8::<STREAM>(q.add(16), y2.0);
                    store_f64x8::<STREAM>(q.add(24), y3.0);
                }
            }
        }
        run::<$stream>($a, $out, $blocks)
    }};
}

/// The AVX-512 f64 kernel.
pub(crate) struct F64 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: as for `F32`.
unsafe impl Kernel<f64> for F64 {
    const BLOCK: usize = F64_BLOCK;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f64,
        b: *const f64,
        out: *mut f64,
        blocks: usize,
    ) {
        // ReLU and the backward pass go 8 lanes at a time.
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
            f64_table!(self.op, self.accuracy, many: many, default: f64_default_avx512, each: each_f64, relu: relu, backward: backward)
        }
    }
}
