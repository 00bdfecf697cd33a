//! AVX2+FMA `F32s`: eight f32 lanes in a ymm register.
//!
//! Each method is one instruction (two for the shifts) whose result is the
//! bit-exact operation `F32s` specifies; `f32s_avx512` is its lane-wise
//! translation, so both paths return the same bits.

use core::arch::x86_64::*;

use super::f32s::F32s;

/// Eight f32 lanes in a ymm register.
#[derive(Clone, Copy)]
pub(crate) struct Lanes(pub(crate) __m256);

impl Lanes {
    pub(crate) const LANES: usize = 8;

    /// # Safety
    /// AVX is enabled; `p` is valid for reading 8 f32.
    #[inline(always)]
    pub(crate) unsafe fn load(p: *const f32) -> Self {
        Lanes(unsafe { _mm256_loadu_ps(p) })
    }

    /// # Safety
    /// AVX is enabled; `p` is valid for writing 8 f32.
    #[inline(always)]
    pub(crate) unsafe fn store(self, p: *mut f32) {
        unsafe { _mm256_storeu_ps(p, self.0) }
    }

    /// Non-temporal store.
    ///
    /// # Safety
    /// AVX is enabled; `p` is 32-byte aligned and valid for writing 8 f32.
    #[inline(always)]
    pub(crate) unsafe fn store_stream(self, p: *mut f32) {
        unsafe { _mm256_stream_ps(p, self.0) }
    }
}

// SAFETY (every `unsafe` block below): the intrinsics need AVX2 and FMA, which
// every caller (a `#[target_feature(enable = "avx2,fma")]` function) has enabled.
impl F32s for Lanes {
    #[inline(always)]
    fn splat(value: f32) -> Self {
        Lanes(unsafe { _mm256_set1_ps(value) })
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_add_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_sub_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_mul_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_div_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        Lanes(unsafe { _mm256_fmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg_mul_add(self, b: Self, c: Self) -> Self {
        Lanes(unsafe { _mm256_fnmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_max_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_min_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn or(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_or_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn xor(self, other: Self) -> Self {
        Lanes(unsafe { _mm256_xor_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn and_not(self, mask: Self) -> Self {
        // ANDNPS computes `!first & second`.
        Lanes(unsafe { _mm256_andnot_ps(mask.0, self.0) })
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        // BLENDVPS selects by the sign bit of its mask operand.
        unsafe {
            let complement = _mm256_sub_ps(_mm256_set1_ps(1.0), self.0);
            Lanes(_mm256_blendv_ps(complement, self.0, x.0))
        }
    }
    #[inline(always)]
    fn negate_where_negative(self, x: Self) -> Self {
        unsafe {
            let sign = _mm256_and_ps(x.0, _mm256_set1_ps(-0.0));
            Lanes(_mm256_xor_ps(self.0, sign))
        }
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        unsafe {
            let greater = _mm256_cmp_ps::<_CMP_GT_OQ>(self.0, bound.0);
            Lanes(_mm256_blendv_ps(otherwise.0, if_greater.0, greater))
        }
    }
    #[inline(always)]
    fn table8(table: &[f32; 8]) -> Self {
        Lanes(unsafe { _mm256_loadu_ps(table.as_ptr()) })
    }
    #[inline(always)]
    fn lookup8(self, index: Self) -> Self {
        // VPERMPS uses the low 3 bits of each index lane.
        Lanes(unsafe { _mm256_permutevar8x32_ps(self.0, _mm256_castps_si256(index.0)) })
    }
    #[inline(always)]
    fn shr3_shl23(self) -> Self {
        unsafe {
            let bits = _mm256_srli_epi32::<3>(_mm256_castps_si256(self.0));
            Lanes(_mm256_castsi256_ps(_mm256_slli_epi32::<23>(bits)))
        }
    }
    #[inline(always)]
    fn add_bits(self, other: Self) -> Self {
        unsafe {
            let sum = _mm256_add_epi32(_mm256_castps_si256(self.0), _mm256_castps_si256(other.0));
            Lanes(_mm256_castsi256_ps(sum))
        }
    }
    #[inline(always)]
    fn pow2_recip(self) -> Self {
        unsafe {
            let bits = _mm256_castps_si256(self.0);
            let recip = _mm256_sub_epi32(_mm256_set1_epi32(0x7f00_0000), bits);
            Lanes(_mm256_castsi256_ps(recip))
        }
    }
}

/// f32 lanes per block: two interleaved ymm registers.
pub(super) const BLOCK: usize = 2 * Lanes::LANES;

/// Defines, where it is used, a `#[target_feature]` loop that maps blocks of
/// [`BLOCK`] f32 through the f32-lane algorithm `$f` on two interleaved
/// vectors (non-temporal stores if `$stream`), and runs it. The algorithm is
/// called directly inside the loop, not through a generic `Fn` argument,
/// whose call shim would be compiled without the path's features and turn
/// every intrinsic into a call.
///
/// Safety of the expansion: the CPU runs this path; `$a` is valid for
/// reading and `$out` for writing `BLOCK · $blocks` elements (they may be
/// equal); with `$stream`, `$out` is aligned to a whole vector.
macro_rules! lanes_f32_avx2 {
    ($f:path, $stream:ident, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx2,fma")]
        unsafe fn run<const STREAM: bool>(a: *const f32, out: *mut f32, blocks: usize) {
            use $crate::kernels::f32s::Many;
            use $crate::kernels::f32s_avx2::{BLOCK, Lanes};
            for block in 0..blocks {
                // SAFETY: within the caller's `BLOCK · blocks` elements.
                unsafe {
                    let p = a.add(block * BLOCK);
                    let x = Many([Lanes::load(p), Lanes::load(p.add(Lanes::LANES))]);
                    let [y0, y1] = $f(x).0;
                    let q = out.add(block * BLOCK);
                    if STREAM {
                        y0.store_stream(q);
                        y1.store_stream(q.add(Lanes::LANES));
                    } else {
                        y0.store(q);
                        y1.store(q.add(Lanes::LANES));
                    }
                }
            }
        }
        run::<$stream>($a, $out, $blocks)
    }};
}
pub(super) use lanes_f32_avx2;
