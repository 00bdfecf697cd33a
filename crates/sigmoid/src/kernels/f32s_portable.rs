//! Portable `F32s`: eight f32 lanes in an array, every operation written per lane.
//!
//! The algorithms need a true fused multiply-add (their error-free residuals
//! rely on it), so `mul_add` is `f32::mul_add`: one instruction where the
//! target has FMA (aarch64, x86 with `fma` enabled), otherwise the C library's
//! correctly rounded `fmaf` (slow, but exact, so this path returns the same
//! bits as the SIMD paths).

use super::f32s::F32s;

/// Eight f32 lanes.
#[derive(Clone, Copy)]
pub(crate) struct Lanes(pub(crate) [f32; 8]);

impl Lanes {
    pub(crate) const LANES: usize = 8;

    /// # Safety
    /// `p` is valid for reading 8 f32.
    #[inline(always)]
    pub(crate) unsafe fn load(p: *const f32) -> Self {
        Lanes(unsafe { p.cast::<[f32; 8]>().read_unaligned() })
    }

    /// # Safety
    /// `p` is valid for writing 8 f32.
    #[inline(always)]
    pub(crate) unsafe fn store(self, p: *mut f32) {
        unsafe { p.cast::<[f32; 8]>().write_unaligned(self.0) }
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f32) -> f32) -> Self {
        Lanes(self.0.map(f))
    }

    #[inline(always)]
    fn zip(self, other: Self, f: impl Fn(f32, f32) -> f32) -> Self {
        let mut out = self.0;
        for (o, b) in out.iter_mut().zip(other.0) {
            *o = f(*o, b);
        }
        Lanes(out)
    }

    #[inline(always)]
    fn zip3(self, b: Self, c: Self, f: impl Fn(f32, f32, f32) -> f32) -> Self {
        let mut out = self.0;
        for ((o, b), c) in out.iter_mut().zip(b.0).zip(c.0) {
            *o = f(*o, b, c);
        }
        Lanes(out)
    }

    #[inline(always)]
    fn bits(self, other: Self, f: impl Fn(u32, u32) -> u32) -> Self {
        self.zip(other, |a, b| f32::from_bits(f(a.to_bits(), b.to_bits())))
    }
}

impl F32s for Lanes {
    #[inline(always)]
    fn splat(value: f32) -> Self {
        Lanes([value; 8])
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        self.zip(other, |a, b| a + b)
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        self.zip(other, |a, b| a - b)
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        self.zip(other, |a, b| a * b)
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        self.zip(other, |a, b| a / b)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        self.zip3(b, c, f32::mul_add)
    }
    #[inline(always)]
    fn neg_mul_add(self, b: Self, c: Self) -> Self {
        self.zip3(b, c, |a, b, c| (-a).mul_add(b, c))
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        self.zip(other, |a, b| if a > b { a } else { b })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        self.zip(other, |a, b| if a < b { a } else { b })
    }
    #[inline(always)]
    fn or(self, other: Self) -> Self {
        self.bits(other, |a, b| a | b)
    }
    #[inline(always)]
    fn xor(self, other: Self) -> Self {
        self.bits(other, |a, b| a ^ b)
    }
    #[inline(always)]
    fn and_not(self, mask: Self) -> Self {
        self.bits(mask, |a, m| a & !m)
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        x.zip(self, |x, q| if x.is_sign_negative() { q } else { 1.0 - q })
    }
    #[inline(always)]
    fn negate_where_negative(self, x: Self) -> Self {
        self.bits(x, |q, x| q ^ (x & 0x8000_0000))
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        let mut out = otherwise.0;
        for (i, lane) in out.iter_mut().enumerate() {
            if self.0[i] > bound.0[i] {
                *lane = if_greater.0[i];
            }
        }
        Lanes(out)
    }
    #[inline(always)]
    fn table8(table: &[f32; 8]) -> Self {
        Lanes(*table)
    }
    #[inline(always)]
    fn lookup8(self, index: Self) -> Self {
        index.map(|i| self.0[(i.to_bits() & 7) as usize])
    }
    #[inline(always)]
    fn shr3_shl23(self) -> Self {
        self.map(|a| f32::from_bits((a.to_bits() >> 3) << 23))
    }
    #[inline(always)]
    fn add_bits(self, other: Self) -> Self {
        self.bits(other, u32::wrapping_add)
    }
    #[inline(always)]
    fn pow2_recip(self) -> Self {
        self.map(|a| f32::from_bits(0x7f00_0000u32.wrapping_sub(a.to_bits())))
    }
}

/// Maps `blocks` blocks of [`Lanes::LANES`] f32 through an algorithm on one
/// vector of 8 lanes.
///
/// # Safety
/// `a` is valid for reading and `out` for writing `8 · blocks` elements (they
/// may be equal).
#[inline(always)]
pub(super) unsafe fn blocks(
    f: impl Fn(Lanes) -> Lanes,
    a: *const f32,
    out: *mut f32,
    blocks: usize,
) {
    for block in 0..blocks {
        // SAFETY: within the caller's `8 · blocks` elements.
        unsafe {
            let x = Lanes::load(a.add(block * Lanes::LANES));
            f(x).store(out.add(block * Lanes::LANES));
        }
    }
}
