//! `F32s`: a vector of f32 lanes, the operations the f32 tier algorithms
//! (`f32_default`, `f32_fast`) are written in, once for every ISA.
//!
//! Every operation is specified bit-exactly (IEEE round-to-nearest, fused
//! multiply-adds, x86 MIN/MAX operand rules, bit-level integer steps), and
//! every implementation (portable, AVX2, AVX-512) performs exactly that
//! operation, so all paths return the same bits for every input.

/// A vector of f32 lanes.
pub(crate) trait F32s: Copy {
    /// Every lane `value`.
    fn splat(value: f32) -> Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    /// Correctly rounded quotient (`vdivps`).
    fn div(self, other: Self) -> Self;
    /// `self · b + c` with one rounding (FMA).
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `c − self · b` with one rounding (FNMADD).
    fn neg_mul_add(self, b: Self, c: Self) -> Self;
    /// x86 MAXPS: `if self > other { self } else { other }`; a NaN in either
    /// lane gives `other`, and max(−0, +0) is `other`.
    fn max(self, other: Self) -> Self;
    /// x86 MINPS: `if self < other { self } else { other }`.
    fn min(self, other: Self) -> Self;
    /// Bitwise `self | other`.
    fn or(self, other: Self) -> Self;
    /// Bitwise `self ^ other`.
    fn xor(self, other: Self) -> Self;
    /// Bitwise `self & !mask`.
    fn and_not(self, mask: Self) -> Self;
    /// Per lane: `1 − self` where the sign bit of `x` is clear, `self` where
    /// it is set (σ(x) = 1 − σ(−x) for x ≥ +0).
    fn complement_unless_negative(self, x: Self) -> Self;
    /// Bitwise `self ^ (x & −0.0)`: `self` with its sign flipped where `x`'s
    /// sign bit is set (tanh(x) = sign(x)·tanh(|x|)).
    fn negate_where_negative(self, x: Self) -> Self;
    /// Per lane: `if_greater` where `self > bound` (ordered: NaN gives `otherwise`).
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self;
    /// An 8-entry table held in a register (for [`F32s::lookup8`]).
    fn table8(table: &[f32; 8]) -> Self;
    /// Per lane: `table[bits(index) & 7]`, `self` being a [`F32s::table8`].
    fn lookup8(self, index: Self) -> Self;
    /// Per lane, on the bits: `(bits >> 3) << 23` (logical shifts).
    fn shr3_shl23(self) -> Self;
    /// Per lane, on the bits: `0x7f00_0000 − bits` (wrapping): `2^-m` for `self = 2^m`,
    /// −126 ≤ m ≤ 126.
    fn pow2_recip(self) -> Self;
    /// Per lane, on the bits: `bits(self) + bits(other)` (wrapping integer
    /// addition). With `self` a normal table entry whose exponent field was
    /// lowered by 127 ([`lower_exponents`]) and `other = 2^m`, it is
    /// `entry · 2^m` exactly while that is a normal number (the borrow of
    /// the lowering and the carry of the addition cancel in the sign bit): a
    /// scaling on an integer pipe instead of a multiplier.
    fn add_bits(self, other: Self) -> Self;
}

/// `table` with 127 taken from each entry's exponent field (wrapping), for
/// [`F32s::add_bits`]: `add_bits(lowered[j], 2^m)` is `table[j] · 2^m`.
pub(crate) const fn lower_exponents<const N: usize>(table: [f32; N]) -> [f32; N] {
    let mut out = table;
    let mut i = 0;
    while i < N {
        out[i] = f32::from_bits(table[i].to_bits().wrapping_sub(127 << 23));
        i += 1;
    }
    out
}

/// `N` vectors processed as one: each operation is issued for all `N` before
/// the next, so that independent dependency chains interleave (one vector's
/// chain of ~30 dependent operations is longer than the scheduler looks ahead).
#[derive(Clone, Copy)]
pub(crate) struct Many<V, const N: usize>(pub(crate) [V; N]);

macro_rules! many_map {
    ($self:ident $(, $arg:ident)* => $op:ident) => {{
        let mut out = $self.0;
        for i in 0..N {
            out[i] = out[i].$op($($arg.0[i]),*);
        }
        Many(out)
    }};
}

#[allow(
    clippy::needless_range_loop,
    reason = "lane-wise over several arrays at once"
)]
impl<V: F32s, const N: usize> F32s for Many<V, N> {
    #[inline(always)]
    fn splat(value: f32) -> Self {
        Many([V::splat(value); N])
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        many_map!(self, other => add)
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        many_map!(self, other => sub)
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        many_map!(self, other => mul)
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        many_map!(self, other => div)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        many_map!(self, b, c => mul_add)
    }
    #[inline(always)]
    fn neg_mul_add(self, b: Self, c: Self) -> Self {
        many_map!(self, b, c => neg_mul_add)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        many_map!(self, other => max)
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        many_map!(self, other => min)
    }
    #[inline(always)]
    fn or(self, other: Self) -> Self {
        many_map!(self, other => or)
    }
    #[inline(always)]
    fn xor(self, other: Self) -> Self {
        many_map!(self, other => xor)
    }
    #[inline(always)]
    fn and_not(self, mask: Self) -> Self {
        many_map!(self, mask => and_not)
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        many_map!(self, x => complement_unless_negative)
    }
    #[inline(always)]
    fn negate_where_negative(self, x: Self) -> Self {
        many_map!(self, x => negate_where_negative)
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        many_map!(self, bound, if_greater, otherwise => select_gt)
    }
    #[inline(always)]
    fn table8(table: &[f32; 8]) -> Self {
        Many([V::table8(table); N])
    }
    #[inline(always)]
    fn lookup8(self, index: Self) -> Self {
        many_map!(self, index => lookup8)
    }
    #[inline(always)]
    fn shr3_shl23(self) -> Self {
        many_map!(self => shr3_shl23)
    }
    #[inline(always)]
    fn pow2_recip(self) -> Self {
        many_map!(self => pow2_recip)
    }
    #[inline(always)]
    fn add_bits(self, other: Self) -> Self {
        many_map!(self, other => add_bits)
    }
}

/// What one AVX-512 instruction does that other paths would need several
/// for: the operations of the AVX-512 path's own algorithms
/// (`f32_fast_avx512.rs`). Only the AVX-512 vectors implement it, so only
/// that path's table rows can name those algorithms.
pub(crate) trait F32sAvx512: F32s {
    /// A 32-entry table held in two registers (for [`F32sAvx512::lookup32`]).
    fn table32(table: &[f32; 32]) -> (Self, Self);
    /// Per lane: `table[bits(index) & 31]` (VPERMT2PS), with `(low, high)`
    /// from [`F32sAvx512::table32`].
    fn lookup32(index: Self, low: Self, high: Self) -> Self;
    /// Per lane: `self · 2^floor(n)` rounded once (VSCALEFPS), so a result in
    /// the subnormal range is rounded once, at subnormal precision.
    fn scalef(self, n: Self) -> Self;
}

#[allow(
    clippy::needless_range_loop,
    reason = "lane-wise over several arrays at once"
)]
impl<V: F32sAvx512, const N: usize> F32sAvx512 for Many<V, N> {
    #[inline(always)]
    fn table32(table: &[f32; 32]) -> (Self, Self) {
        let (low, high) = V::table32(table);
        (Many([low; N]), Many([high; N]))
    }
    #[inline(always)]
    fn lookup32(index: Self, low: Self, high: Self) -> Self {
        let mut out = index.0;
        for i in 0..N {
            out[i] = V::lookup32(index.0[i], low.0[i], high.0[i]);
        }
        Many(out)
    }
    #[inline(always)]
    fn scalef(self, n: Self) -> Self {
        many_map!(self, n => scalef)
    }
}
