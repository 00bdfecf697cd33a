//! AVX-512F `F32s`: sixteen f32 lanes in a zmm register.
//!
//! A lane-wise translation of `f32s_avx2`: the same IEEE operations, the same
//! MIN/MAX operand rule, the same bit steps, so it returns the AVX2 path's bits.
//! The 8-entry table is stored twice so that VPERMPS zmm (which reads the low
//! 4 bits of each index) sees `table[index & 7]`; selections use a compare
//! into a mask register instead of BLENDVPS, and the complement for x ≥ 0 is
//! one masked subtraction.

use core::arch::x86_64::*;

use super::f32s::{F32s, F32sAvx512, Many};

/// Sixteen f32 lanes in a zmm register.
#[derive(Clone, Copy)]
pub(crate) struct Lanes(pub(crate) __m512);

impl Lanes {
    pub(crate) const LANES: usize = 16;

    /// # Safety
    /// AVX-512F is enabled; `p` is valid for reading 16 f32.
    #[inline(always)]
    pub(crate) unsafe fn load(p: *const f32) -> Self {
        Lanes(unsafe { _mm512_loadu_ps(p) })
    }

    /// # Safety
    /// AVX-512F is enabled; `p` is valid for writing 16 f32.
    #[inline(always)]
    pub(crate) unsafe fn store(self, p: *mut f32) {
        unsafe { _mm512_storeu_ps(p, self.0) }
    }

    /// Non-temporal store.
    ///
    /// # Safety
    /// AVX-512F is enabled; `p` is 64-byte aligned and valid for writing 16 f32.
    #[inline(always)]
    pub(crate) unsafe fn store_stream(self, p: *mut f32) {
        unsafe { _mm512_stream_ps(p, self.0) }
    }
}

// SAFETY (every `unsafe` block below): the intrinsics need AVX-512F, which every
// caller (a `#[target_feature(enable = "avx512f,avx2,fma")]` function) has enabled.
impl F32s for Lanes {
    #[inline(always)]
    fn splat(value: f32) -> Self {
        Lanes(unsafe { _mm512_set1_ps(value) })
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_add_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_sub_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_mul_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_div_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        Lanes(unsafe { _mm512_fmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn neg_mul_add(self, b: Self, c: Self) -> Self {
        Lanes(unsafe { _mm512_fnmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        // VMAXPS zmm has MAXPS' rule: the second operand on NaN or equal zeros.
        Lanes(unsafe { _mm512_max_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_min_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn or(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_or_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn xor(self, other: Self) -> Self {
        Lanes(unsafe { _mm512_xor_ps(self.0, other.0) })
    }
    #[inline(always)]
    fn and_not(self, mask: Self) -> Self {
        Lanes(unsafe { _mm512_andnot_ps(mask.0, self.0) })
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        unsafe {
            let sign = _mm512_set1_epi32(i32::MIN);
            let not_negative = _mm512_testn_epi32_mask(_mm512_castps_si512(x.0), sign);
            Lanes(_mm512_mask_sub_ps(
                self.0,
                not_negative,
                _mm512_set1_ps(1.0),
                self.0,
            ))
        }
    }
    #[inline(always)]
    fn negate_where_negative(self, x: Self) -> Self {
        unsafe {
            // 0x78 = a ^ (b & c): one VPTERNLOGD for XOR and AND.
            let sign = _mm512_set1_epi32(i32::MIN);
            let bits = _mm512_ternarylogic_epi32::<0x78>(
                _mm512_castps_si512(self.0),
                _mm512_castps_si512(x.0),
                sign,
            );
            Lanes(_mm512_castsi512_ps(bits))
        }
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        unsafe {
            let greater = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(self.0, bound.0);
            Lanes(_mm512_mask_blend_ps(greater, otherwise.0, if_greater.0))
        }
    }
    #[inline(always)]
    fn table8(table: &[f32; 8]) -> Self {
        unsafe {
            let half = _mm256_loadu_ps(table.as_ptr());
            let lo = _mm512_castps256_ps512(half);
            Lanes(with_upper_half(lo, half))
        }
    }
    #[inline(always)]
    fn lookup8(self, index: Self) -> Self {
        Lanes(unsafe { _mm512_permutexvar_ps(_mm512_castps_si512(index.0), self.0) })
    }
    #[inline(always)]
    fn shr3_shl23(self) -> Self {
        unsafe {
            let bits = _mm512_srli_epi32::<3>(_mm512_castps_si512(self.0));
            Lanes(_mm512_castsi512_ps(_mm512_slli_epi32::<23>(bits)))
        }
    }
    #[inline(always)]
    fn add_bits(self, other: Self) -> Self {
        unsafe {
            let sum = _mm512_add_epi32(_mm512_castps_si512(self.0), _mm512_castps_si512(other.0));
            Lanes(_mm512_castsi512_ps(sum))
        }
    }
    #[inline(always)]
    fn pow2_recip(self) -> Self {
        unsafe {
            let bits = _mm512_castps_si512(self.0);
            let recip = _mm512_sub_epi32(_mm512_set1_epi32(0x7f00_0000), bits);
            Lanes(_mm512_castsi512_ps(recip))
        }
    }
}

// SAFETY (every `unsafe` block below): as for `F32s`, AVX-512F is enabled.
impl F32sAvx512 for Lanes {
    #[inline(always)]
    fn table32(table: &[f32; 32]) -> (Self, Self) {
        unsafe {
            (
                Lanes(_mm512_loadu_ps(table.as_ptr())),
                Lanes(_mm512_loadu_ps(table.as_ptr().add(16))),
            )
        }
    }
    #[inline(always)]
    fn lookup32(index: Self, low: Self, high: Self) -> Self {
        Lanes(unsafe { _mm512_permutex2var_ps(low.0, _mm512_castps_si512(index.0), high.0) })
    }
    #[inline(always)]
    fn scalef(self, n: Self) -> Self {
        Lanes(unsafe { _mm512_scalef_ps(self.0, n.0) })
    }
}

/// `[lo_half, half]` (AVX-512F only: VINSERTF32X8 needs AVX-512DQ, so the
/// 256-bit halves are inserted as 64-bit quarters' pairs).
#[inline(always)]
unsafe fn with_upper_half(lo: __m512, half: __m256) -> __m512 {
    unsafe {
        let lo = _mm512_castps_pd(lo);
        let half = _mm256_castps_pd(half);
        _mm512_castpd_ps(_mm512_insertf64x4::<1>(lo, half))
    }
}

/// f32 lanes per block: two zmm registers (the padded head and tail run one
/// block; the body runs several at a time, see [`lanes_f32_avx512!`]).
pub(super) const BLOCK: usize = 2 * Lanes::LANES;

/// `N` vectors from `p` through `f`, stored to `q` (non-temporal if `STREAM`).
///
/// # Safety
/// AVX-512F is enabled; `p` is valid for reading and `q` for writing
/// `N · 16` f32 (they may be equal); with `STREAM`, `q` is 64-byte aligned.
#[inline(always)]
pub(super) unsafe fn map_vectors<const N: usize, const STREAM: bool>(
    f: impl Fn(Many<Lanes, N>) -> Many<Lanes, N>,
    p: *const f32,
    q: *mut f32,
) {
    // SAFETY: the caller's range, one vector at a time.
    unsafe {
        let x = Many(core::array::from_fn(|i| {
            Lanes::load(p.add(i * Lanes::LANES))
        }));
        for (i, y) in f(x).0.into_iter().enumerate() {
            if STREAM {
                y.store_stream(q.add(i * Lanes::LANES));
            } else {
                y.store(q.add(i * Lanes::LANES));
            }
        }
    }
}

/// Defines, where it is used, a `#[target_feature]` loop that maps blocks of
/// [`BLOCK`] f32 through the f32-lane algorithm `$f` (non-temporal stores if
/// `$stream`), and runs it: `$vectors` vectors at a time (a multiple of 2),
/// interleaved, then the last blocks as two. One vector's chain of 20–45
/// dependent operations is longer than the scheduler looks ahead, so
/// independent chains side by side keep the FMA pipes busy: on Zen 4, eight
/// vectors run the default tier's σ about 5% faster than four and 10% faster
/// than two (σ′ and tanh gain 2% more over six), while the fast tier's
/// shorter chain does best with four. The algorithm is called from a closure
/// written inside the `#[target_feature]` function, which inherits its
/// features and inlines into [`map_vectors`]; a function passed in from
/// outside would be compiled without them, every intrinsic a call.
///
/// Safety of the expansion: the CPU runs this path; `$a` is valid for
/// reading and `$out` for writing `BLOCK · $blocks` elements (they may be
/// equal); with `$stream`, `$out` is aligned to a whole vector.
macro_rules! lanes_f32_avx512 {
    ($f:path, $stream:ident, $vectors:expr, $a:expr, $out:expr, $blocks:expr) => {{
        #[target_feature(enable = "avx512f,avx512dq")]
        unsafe fn run<const STREAM: bool, const VECTORS: usize>(
            a: *const f32,
            out: *mut f32,
            blocks: usize,
        ) {
            use $crate::kernels::f32s_avx512::{BLOCK, map_vectors};
            let per_group = VECTORS / 2;
            let groups = blocks / per_group;
            // SAFETY (both loops): within the caller's `BLOCK · blocks` elements.
            for group in 0..groups {
                let offset = group * per_group * BLOCK;
                unsafe {
                    map_vectors::<VECTORS, STREAM>(|x| $f(x), a.add(offset), out.add(offset))
                };
            }
            for block in groups * per_group..blocks {
                let offset = block * BLOCK;
                unsafe { map_vectors::<2, STREAM>(|x| $f(x), a.add(offset), out.add(offset)) };
            }
        }
        run::<$stream, { $vectors }>($a, $out, $blocks)
    }};
}
pub(super) use lanes_f32_avx512;
