//! [`F64s`]: a vector of f64 lanes, the operations the f64-lane algorithms
//! need, which every instruction-set path implements; and [`Many`], several
//! vectors processed as one.

/// A vector of f64 lanes: the operations the kernels' algorithms need.
pub(crate) trait F64s: Copy {
    fn splat(value: f64) -> Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    fn div(self, other: Self) -> Self;
    /// `self · b + c`; fused (one rounding) on the SIMD paths.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `−(self · b) − c`; fused on the SIMD paths.
    fn neg_mul_sub(self, b: Self, c: Self) -> Self;
    /// `-|self|` (NaN stays NaN).
    fn neg_abs(self) -> Self;
    /// `min(|self|, cap)` for `cap > 0`; a NaN lane stays NaN.
    fn abs_min(self, cap: Self) -> Self;
    /// `floor` where `self < floor`, else `self`; a NaN lane stays NaN.
    fn max_or_nan(self, floor: Self) -> Self;
    /// `self` with the sign bit of `sign` (copysign).
    fn with_sign_of(self, sign: Self) -> Self;
    /// Per lane: `if_negative` where `sign`'s sign bit is set, else `otherwise`.
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self;
    /// Per lane: `self` where `x < 0`, else `1 − self` (x = ±0 may go either
    /// way: callers only use it where both give the same result).
    fn complement_unless_negative(self, x: Self) -> Self;
    /// Per lane: `if_greater` where `self > bound`, else `otherwise`.
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self;
    /// `s = 2^(n >> 4) · 2^((n & 15)/16)` where `self = SHIFTER + n` holds the
    /// integer `n` (−2800 ≤ n ≤ 0) in its low mantissa bits.
    fn exp2_scale(self) -> Self;
    /// `self · b + c` with one rounding on every path (a true fused
    /// multiply-add, unlike `mul_add` on the portable path): the default-tier
    /// f64 algorithms need its exact residuals and products.
    fn fma(self, b: Self, c: Self) -> Self;
    /// `c − self · b` with one rounding on every path.
    fn fnma(self, b: Self, c: Self) -> Self;
    /// `−self` (flips the sign bit; NaN stays NaN).
    fn neg(self) -> Self;
    /// Per lane: `value` where `self > bound`, else +0 (a bitwise AND with the
    /// comparison mask: no blend).
    fn keep_gt(self, bound: Self, value: Self) -> Self;
    /// `self` where `self > other`, else `other` (so `other` when unordered).
    fn max(self, other: Self) -> Self;
    /// `self` where `self < other`, else `other` (so `other` when unordered).
    fn min(self, other: Self) -> Self;
    /// For `self = SHIFTER + n` (an integer `n`, |n| < 2^51, in the low
    /// mantissa bits): `even` in lanes where `n` is even, `odd` where it is odd.
    fn select_by_parity(self, even: f64, odd: f64) -> Self;
    /// For `self = SHIFTER + n` with `−2^12 < n ≤ 0`: `2^(⌊n/2⌋ + 600)`, a
    /// normal number (the bias keeps it one for every `n` the algorithms make).
    fn pow2_half_n_biased(self) -> Self;
}

/// `N` vectors processed as one: each operation is issued for all `N`
/// before the next, so that independent dependency chains interleave in the
/// instruction stream (one vector's chain of ~25 dependent operations is
/// longer than the scheduler looks ahead; measured 5–15% faster with N = 4).
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
impl<V: F64s, const N: usize> F64s for Many<V, N> {
    #[inline(always)]
    fn splat(value: f64) -> Self {
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
    fn neg_mul_sub(self, b: Self, c: Self) -> Self {
        many_map!(self, b, c => neg_mul_sub)
    }
    #[inline(always)]
    fn neg_abs(self) -> Self {
        many_map!(self => neg_abs)
    }
    #[inline(always)]
    fn abs_min(self, cap: Self) -> Self {
        many_map!(self, cap => abs_min)
    }
    #[inline(always)]
    fn max_or_nan(self, floor: Self) -> Self {
        many_map!(self, floor => max_or_nan)
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        many_map!(self, sign => with_sign_of)
    }
    #[inline(always)]
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self {
        let mut out = otherwise.0;
        for i in 0..N {
            out[i] = V::select_by_sign(sign.0[i], if_negative.0[i], otherwise.0[i]);
        }
        Many(out)
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        many_map!(self, x => complement_unless_negative)
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        many_map!(self, bound, if_greater, otherwise => select_gt)
    }
    #[inline(always)]
    fn exp2_scale(self) -> Self {
        many_map!(self => exp2_scale)
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        many_map!(self, b, c => fma)
    }
    #[inline(always)]
    fn fnma(self, b: Self, c: Self) -> Self {
        many_map!(self, b, c => fnma)
    }
    #[inline(always)]
    fn neg(self) -> Self {
        many_map!(self => neg)
    }
    #[inline(always)]
    fn keep_gt(self, bound: Self, value: Self) -> Self {
        many_map!(self, bound, value => keep_gt)
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
    fn select_by_parity(self, even: f64, odd: f64) -> Self {
        let mut out = self.0;
        for lane in out.iter_mut() {
            *lane = lane.select_by_parity(even, odd);
        }
        Many(out)
    }
    #[inline(always)]
    fn pow2_half_n_biased(self) -> Self {
        many_map!(self => pow2_half_n_biased)
    }
}

/// What one AVX-512 instruction does that other paths would need several
/// for, on f64 lanes: the operations of `f64_default_avx512.rs`. Only the
/// AVX-512 vectors implement it.
pub(crate) trait F64sAvx512: F64s {
    /// A 16-entry table held in two registers (for [`F64sAvx512::lookup16`]).
    fn table16(table: &[f64; 16]) -> (Self, Self);
    /// Per lane: `table[bits(index) & 15]` (VPERMT2PD), with `(low, high)`
    /// from [`F64sAvx512::table16`].
    fn lookup16(index: Self, low: Self, high: Self) -> Self;
    /// Per lane: `self · 2^floor(n)` rounded once (VSCALEFPD), so a result in
    /// the subnormal range is rounded once, at subnormal precision.
    fn scalef(self, n: Self) -> Self;
}

#[allow(
    clippy::needless_range_loop,
    reason = "lane-wise over several arrays at once"
)]
impl<V: F64sAvx512, const N: usize> F64sAvx512 for Many<V, N> {
    #[inline(always)]
    fn table16(table: &[f64; 16]) -> (Self, Self) {
        let (low, high) = V::table16(table);
        (Many([low; N]), Many([high; N]))
    }
    #[inline(always)]
    fn lookup16(index: Self, low: Self, high: Self) -> Self {
        let mut out = index.0;
        for i in 0..N {
            out[i] = V::lookup16(index.0[i], low.0[i], high.0[i]);
        }
        Many(out)
    }
    #[inline(always)]
    fn scalef(self, n: Self) -> Self {
        many_map!(self, n => scalef)
    }
}
