//! The f32 functions as every SIMD path evaluates them: each f32 lane is
//! widened to f64, the function is computed there to about 2^-43 relative
//! error, and the result is rounded to f32 once.
//!
//! Why f64: an f32 result needs the value before its one rounding to within
//! 2^-25 relative for a 1-ULP bound, which f32 arithmetic cannot reach
//! without compensated steps; and e^-|x| down to x ≈ −104 (σ's subnormal
//! tail) is subnormal in f32 but a normal number in f64, so the f64 → f32
//! conversion rounds subnormal results correctly with no rescaling. An error
//! of 2^-43 before the rounding gives at most 0.5 + 2^-19 ULP after it.
//!
//! The algorithms are written once, generically over [`F64s`], a vector of f64
//! lanes, and every path (portable, AVX2, AVX-512) instantiates them. Every
//! path performs the same IEEE operations in the same order; the SIMD paths
//! fuse `mul_add`, the portable path does not (an unfused `f64::mul_add`
//! without the `fma` target feature is a slow libm call).

/// A vector of f64 lanes: the operations the kernels' algorithms need.
pub(crate) trait F64s: Copy {
    fn splat(value: f64) -> Self;
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    fn div(self, other: Self) -> Self;
    /// `self · b + c`; fused (one rounding) on the SIMD paths.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `-|self|` (NaN stays NaN).
    fn neg_abs(self) -> Self;
    /// `floor` where `self < floor`, else `self`; a NaN lane stays NaN.
    fn max_or_nan(self, floor: Self) -> Self;
    /// `self` with the sign bit of `sign` (copysign).
    fn with_sign_of(self, sign: Self) -> Self;
    /// Per lane: `if_negative` where `sign`'s sign bit is set, else `otherwise`.
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self;
    /// Per lane: `if_greater` where `self > bound`, else `otherwise`.
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self;
    /// `2^(n >> 3) · 2^((n & 7)/8)` where `self = SHIFTER + n` holds the
    /// integer `n` (−1400 ≤ n ≤ 0) in its low mantissa bits.
    fn exp2_scale(self) -> Self;
}

/// `1.5 · 2^52` (0x4338000000000000): adding it rounds a value of magnitude
/// below 2^51 to an integer and leaves that integer in the low mantissa bits.
pub(crate) const SHIFTER: f64 = f64::from_bits(0x4338_0000_0000_0000);
/// `8/ln 2` rounded to nearest (0x40271547652b82fe).
const EIGHT_OVER_LN2: f64 = f64::from_bits(0x4027_1547_652b_82fe);
/// `ln2/8` with 21 trailing zero bits (0x3fb62e42fee00000, fdlibm's `ln2_hi/8`),
/// so `n · LN2_OVER_8_HI` is exact for every `|n| < 2^21`.
const LN2_OVER_8_HI: f64 = f64::from_bits(0x3fb6_2e42_fee0_0000);
/// `ln2/8 − LN2_OVER_8_HI` rounded to nearest (0x3dba39ef35793c76, fdlibm's `ln2_lo/8`).
const LN2_OVER_8_LO: f64 = f64::from_bits(0x3dba_39ef_3579_3c76);

/// `2^(j/8)` for `j = 0..8`, rounded to nearest: the high parts of entries
/// `8j` of the double-double table in `scalar::exp_dd`.
pub(crate) const TWO_POW_J_OVER_8: [u64; 8] = [
    0x3ff0_0000_0000_0000, // 1
    0x3ff1_72b8_3c7d_517b, // 2^(1/8) ≈ 1.0905077326652577
    0x3ff3_06fe_0a31_b715, // 2^(2/8) ≈ 1.1892071150027210
    0x3ff4_bfda_d536_2a27, // 2^(3/8) ≈ 1.2968395546510096
    0x3ff6_a09e_667f_3bcd, // 2^(4/8) ≈ 1.4142135623730951
    0x3ff8_ace5_422a_a0db, // 2^(5/8) ≈ 1.5422108254079407
    0x3ffa_e89f_995a_d3ad, // 2^(6/8) ≈ 1.6817928305074290
    0x3ffd_5818_dcfb_a487, // 2^(7/8) ≈ 1.8340080864093424
];

/// Exponent-field bits of `(n >> 3) << 52`, from `z = SHIFTER + n` shifted left by 49.
pub(crate) const EXPONENT_MASK: u64 = 0xfff0_0000_0000_0000;

/// The most negative argument passed to `e^t`: e^-120 ≈ 7.7e-53 is far below
/// half the smallest f32 subnormal (7.0e-46), so clamping there changes no
/// f32 result, while keeping `2^k` a normal f64 and `n` small.
const T_MIN: f64 = -120.0;

/// `e^t = s · (1 + p)` for `T_MIN ≤ t ≤ 0` (or NaN): `s = 2^k · 2^(j/8)` exact,
/// and `p = e^r − 1` with `|r| ≤ ln2/16` (a little more where the unfused
/// portable path rounds `n` differently).
///
/// `p` is the degree-6 Taylor polynomial of e^r − 1; its truncation error on
/// `|r| ≤ ln2/16 ≈ 0.0433` is below `r^7/7! · 1.01 < 2^-44`, and its rounding
/// errors add a few 2^-53, so `s·(1+p)` has relative error below 2^-43.8.
#[inline(always)]
fn exp_parts<V: F64s>(t: V) -> (V, V) {
    let z = t.mul_add(V::splat(EIGHT_OVER_LN2), V::splat(SHIFTER));
    let n = z.sub(V::splat(SHIFTER));
    // Cody–Waite: n·HI is exact and t − n·HI loses nothing (|n| ≤ 1400).
    let r = n.mul_add(V::splat(-LN2_OVER_8_HI), t);
    let r = n.mul_add(V::splat(-LN2_OVER_8_LO), r);
    let p = r.mul_add(V::splat(1.0 / 720.0), V::splat(1.0 / 120.0));
    let p = p.mul_add(r, V::splat(1.0 / 24.0));
    let p = p.mul_add(r, V::splat(1.0 / 6.0));
    let p = p.mul_add(r, V::splat(0.5));
    let p = p.mul_add(r, V::splat(1.0));
    let p = p.mul(r);
    (z.exp2_scale(), p)
}

/// `e^t` for `t ≤ 0` (clamped at `T_MIN`; NaN stays NaN), relative error < 2^-43.8.
#[inline(always)]
fn exp_neg<V: F64s>(t: V) -> V {
    let (s, p) = exp_parts(t.max_or_nan(V::splat(T_MIN)));
    s.mul_add(p, s)
}

/// σ(x): with e = e^-|x|, σ(−|x|) = e/(1+e) and σ(|x|) = 1 − e/(1+e).
///
/// Error before the f32 rounding: below 2^-43 relative (the quotient adds
/// 2 · 2^-53; `1 − q` with q ≤ 1/2 only shrinks the relative error).
#[inline(always)]
pub(crate) fn sigmoid<V: F64s>(x: V) -> V {
    let e = exp_neg(x.neg_abs());
    let q = e.div(e.add(V::splat(1.0)));
    V::select_by_sign(x, q, V::splat(1.0).sub(q))
}

/// σ'(x) = e/(1+e)² with e = e^-|x| (even in x, so no sign select).
#[inline(always)]
pub(crate) fn sigmoid_derivative<V: F64s>(x: V) -> V {
    let e = exp_neg(x.neg_abs());
    let r = V::splat(1.0).div(e.add(V::splat(1.0)));
    e.mul(r).mul(r)
}

/// softplus(x) = max(x, 0) + ln(1 + e^-|x|).
#[inline(always)]
pub(crate) fn softplus<V: F64s>(x: V) -> V {
    let l = ln_1p_exp_neg_abs(x);
    // max(x, 0) without a NaN rule: a NaN x has already made l NaN.
    x.max_or_nan(V::splat(0.0)).add(l)
}

/// log σ(x) = min(x, 0) − ln(1 + e^-|x|) (no cancellation: both terms ≤ 0).
#[inline(always)]
pub(crate) fn log_sigmoid<V: F64s>(x: V) -> V {
    let l = ln_1p_exp_neg_abs(x);
    let min_x_0 = V::select_by_sign(x, x, V::splat(0.0));
    min_x_0.sub(l)
}

/// `ln(1 + e)` for `e = e^-|x|` in (0, 1], relative error below 2^-43.
///
/// `u = 1 + e` is split exactly into `u + c` (Fast2Sum), then
/// `ln(1+e) = ln u + ln(1 + c/u) ≈ ln u + c·(1 − f)` with `f = u − 1`
/// (that approximation of c/u is off by ≤ f²·|c|, which matters only where
/// c is a large part of the result, i.e. where f is tiny).
/// `ln u = k·ln2 + 2·atanh(s)` with `u = 2^k·m`, `m ∈ [√2/2, √2]`,
/// `s = (m−1)/(m+1)`, |s| ≤ 0.1716: the series
/// `2s·(1 + s²/3 + … + s^14/15)` truncates below `s^16/17 < 2^-45` relative.
#[inline(always)]
fn ln_1p_exp_neg_abs<V: F64s>(x: V) -> V {
    let one = V::splat(1.0);
    let e = exp_neg(x.neg_abs());
    let u = one.add(e);
    let f = u.sub(one);
    let c = e.sub(f);
    // m = u or u/2 (exact); m − 1 is exact by Sterbenz' lemma.
    let big = u.select_gt(V::splat(core::f64::consts::SQRT_2), one, V::splat(0.0));
    let m = big.mul(V::splat(-0.5)).mul_add(u, u);
    let s = m.sub(one).div(m.add(one));
    let w = s.mul(s);
    let poly = w.mul_add(V::splat(1.0 / 15.0), V::splat(1.0 / 13.0));
    let poly = poly.mul_add(w, V::splat(1.0 / 11.0));
    let poly = poly.mul_add(w, V::splat(1.0 / 9.0));
    let poly = poly.mul_add(w, V::splat(1.0 / 7.0));
    let poly = poly.mul_add(w, V::splat(1.0 / 5.0));
    let poly = poly.mul_add(w, V::splat(1.0 / 3.0));
    let poly = poly.mul_add(w, one);
    let two_s = s.add(s);
    let correction = c.mul_add(f.neg_abs(), c);
    let ln_m = two_s.mul_add(poly, correction);
    big.mul_add(V::splat(core::f64::consts::LN_2), ln_m)
}

/// tanh(x) = sign(x) · (−m)/(2 + m) with m = e^-2|x| − 1 = expm1(−2|x|).
///
/// expm1 keeps its relative accuracy near 0 by forming `(s − 1) + s·p` from
/// the parts `e^t = s·(1 + p)`: `s − 1` is exact where it nearly cancels
/// (s ∈ [1/2, 1], Sterbenz) and is 0 for |t| ≤ ln2/16, where m = p itself.
/// |x| is clamped at 20: tanh(20) rounds to 1 in f64.
#[inline(always)]
pub(crate) fn tanh<V: F64s>(x: V) -> V {
    let t = x.neg_abs().max_or_nan(V::splat(-20.0));
    let (s, p) = exp_parts(t.add(t));
    let m = s.mul_add(p, s.sub(V::splat(1.0)));
    // −m ≥ 0 (or −0 at x = ±0): the sign comes from x alone.
    let y = V::splat(0.0).sub(m).div(m.add(V::splat(2.0)));
    y.with_sign_of(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-lane vector: the algorithms as plain scalar code, fused.
    #[derive(Clone, Copy)]
    struct One(f64);

    impl F64s for One {
        fn splat(value: f64) -> Self {
            One(value)
        }
        fn add(self, o: Self) -> Self {
            One(self.0 + o.0)
        }
        fn sub(self, o: Self) -> Self {
            One(self.0 - o.0)
        }
        fn mul(self, o: Self) -> Self {
            One(self.0 * o.0)
        }
        fn div(self, o: Self) -> Self {
            One(self.0 / o.0)
        }
        fn mul_add(self, b: Self, c: Self) -> Self {
            One(self.0.mul_add(b.0, c.0))
        }
        fn neg_abs(self) -> Self {
            One(-self.0.abs())
        }
        fn max_or_nan(self, floor: Self) -> Self {
            One(if self.0 < floor.0 { floor.0 } else { self.0 })
        }
        fn with_sign_of(self, sign: Self) -> Self {
            One(self.0.copysign(sign.0))
        }
        fn select_by_sign(sign: Self, a: Self, b: Self) -> Self {
            if sign.0.is_sign_negative() { a } else { b }
        }
        fn select_gt(self, bound: Self, a: Self, b: Self) -> Self {
            if self.0 > bound.0 { a } else { b }
        }
        fn exp2_scale(self) -> Self {
            let bits = self.0.to_bits();
            let k = (bits << 49) & EXPONENT_MASK;
            One(f64::from_bits(
                TWO_POW_J_OVER_8[(bits & 7) as usize].wrapping_add(k),
            ))
        }
    }

    #[test]
    fn exp_is_accurate_to_2_pow_minus_43() {
        let mut t = -119.99;
        while t <= 0.0 {
            let ours = exp_neg(One(t)).0;
            let reference = t.exp();
            let rel = ((ours - reference) / reference).abs();
            assert!(rel < 2f64.powi(-43), "t={t} rel={rel:e}");
            t += 0.000_731;
        }
    }

    #[test]
    fn ln_1p_exp_is_accurate() {
        let mut x = 0.0;
        while x < 110.0 {
            let ours = ln_1p_exp_neg_abs(One(x)).0;
            let reference = crate::scalar::f64::softplus(-x);
            let rel = ((ours - reference) / reference).abs();
            assert!(rel < 2f64.powi(-43), "x={x} rel={rel:e}");
            x += 0.001_37;
        }
    }

    #[test]
    fn tanh_is_accurate_near_zero_and_everywhere() {
        for x in [
            1e-300, 1e-30, 1e-8, 0.01, 0.0433, 0.1, 0.5, 1.0, 3.0, 9.0, 19.0,
        ] {
            for x in [x, -x] {
                let ours = tanh(One(x)).0;
                let reference = x.tanh();
                let rel = ((ours - reference) / reference).abs();
                assert!(rel < 2f64.powi(-43), "x={x} rel={rel:e}");
            }
        }
        assert_eq!(tanh(One(-0.0)).0.to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(One(f64::INFINITY)).0, 1.0);
        assert_eq!(tanh(One(f64::NEG_INFINITY)).0, -1.0);
        assert!(tanh(One(f64::NAN)).0.is_nan());
    }
}
