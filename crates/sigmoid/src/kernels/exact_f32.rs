//! The f32 functions of the exact tier ([`Accuracy::Exact`](crate::Accuracy)),
//! as every path evaluates them: each f32 lane is
//! widened to f64, the function is computed there to within 2^-40.5
//! relative error, and the result is rounded to f32 once.
//!
//! Why f64: an f32 result needs the value before its one rounding to within
//! 2^-25 relative for a 1-ULP bound, which f32 arithmetic cannot reach
//! without compensated steps; and e^-|x| down to x ≈ −104 (σ's subnormal
//! tail) is subnormal in f32 but a normal number in f64, so the f64 → f32
//! conversion rounds subnormal results correctly with no rescaling. An error
//! of 2^-40.5 before the rounding gives at most 0.5 + 2^-16 ULP after it.
//!
//! The algorithms are written once, generically over [`F64s`](super::f64s::F64s), a vector of f64
//! lanes, and every path (portable, AVX2, AVX-512) instantiates them. Every
//! path performs the same IEEE operations in the same order; the SIMD paths
//! fuse `mul_add`, the portable path does not (an unfused `f64::mul_add`
//! without the `fma` target feature is a slow libm call).

use super::f64s::F64s;

/// `1.5 · 2^52` (0x4338000000000000): adding it rounds a value of magnitude
/// below 2^51 to an integer and leaves that integer in the low mantissa bits.
pub(crate) const SHIFTER: f64 = f64::from_bits(0x4338_0000_0000_0000);
/// `16/ln 2` rounded to nearest (0x40371547652b82fe).
const SIXTEEN_OVER_LN2: f64 = f64::from_bits(0x4037_1547_652b_82fe);
/// `ln2/16` rounded to nearest (0x3fa62e42fefa39ef), off by < 2^-58: with
/// |n| ≤ 2770 the reduced argument is off by < 2^-46.5, which is all the
/// error budget allows it (a Cody–Waite split would cost one more operation).
const LN2_OVER_16: f64 = f64::from_bits(0x3fa6_2e42_fefa_39ef);

/// `2^(j/16)` for `j = 0..16`, rounded to nearest: the high parts of entries
/// `4j` of the double-double table in `scalar::exp_dd`.
pub(crate) const TWO_POW_J_OVER_16: [u64; 16] = [
    0x3ff0_0000_0000_0000, // 2^(0/16) = 1
    0x3ff0_b558_6cf9_890f, // 2^(1/16) ≈ 1.0442737824274138
    0x3ff1_72b8_3c7d_517b, // 2^(2/16) ≈ 1.0905077326652577
    0x3ff2_387a_6e75_6238, // 2^(3/16) ≈ 1.1387886347566916
    0x3ff3_06fe_0a31_b715, // 2^(4/16) ≈ 1.189207115002721
    0x3ff3_dea6_4c12_3422, // 2^(5/16) ≈ 1.241857812073484
    0x3ff4_bfda_d536_2a27, // 2^(6/16) ≈ 1.2968395546510096
    0x3ff5_ab07_dd48_5429, // 2^(7/16) ≈ 1.3542555469368927
    0x3ff6_a09e_667f_3bcd, // 2^(8/16) ≈ 1.4142135623730951
    0x3ff7_a114_73eb_0187, // 2^(9/16) ≈ 1.4768261459394993
    0x3ff8_ace5_422a_a0db, // 2^(10/16) ≈ 1.5422108254079407
    0x3ff9_c491_82a3_f090, // 2^(11/16) ≈ 1.6104903319492543
    0x3ffa_e89f_995a_d3ad, // 2^(12/16) ≈ 1.681792830507429
    0x3ffc_199b_dd85_529c, // 2^(13/16) ≈ 1.7562521603732995
    0x3ffd_5818_dcfb_a487, // 2^(14/16) ≈ 1.8340080864093424
    0x3ffe_a4af_a2a4_90da, // 2^(15/16) ≈ 1.9152065613971474
];

/// Shifting `z = SHIFTER + n` left by this puts `n >> 4` in the exponent field.
pub(crate) const EXPONENT_SHIFT: u32 = 48;
/// The exponent field (and sign) of an f64.
pub(crate) const EXPONENT_MASK: u64 = 0xfff0_0000_0000_0000;

/// The largest |x| passed to `e^-|x|`: e^-120 ≈ 7.7e-53 is far below half
/// the smallest f32 subnormal (7.0e-46), so clamping there changes no f32
/// result, while keeping `2^k` a normal f64 and `n` small.
const A_MAX: f64 = 120.0;

/// `(e^r − 1)/r ≈ 1 + Q1·r + Q2·r² + Q3·r³ + Q4·r⁴`: a Chebyshev fit (mpmath
/// `chebyfit`, degree 4) on |r| ≤ 1.02 · ln2/32 (the margin covers the
/// portable path's reduction); max relative error 2^-40.98 (measured with
/// these rounded coefficients). The constant term is exactly 1 so that
/// `p = r · q(r)` keeps full relative accuracy as r → 0 (which tanh needs).
const Q1: f64 = f64::from_bits(0x3fdf_ffff_ffe3_9220); // ≈ 0.4999999998965752
const Q2: f64 = f64::from_bits(0x3fc5_5555_554d_35f2); // ≈ 0.16666666665189173
const Q3: f64 = f64::from_bits(0x3fa5_5571_c52f_17f2); // ≈ 0.04166751415282012
const Q4: f64 = f64::from_bits(0x3f81_1121_50f9_2708); // ≈ 0.008333454402549303

/// `e^-a = s · (1 + p)` for `0 ≤ a ≤ 2770 · ln2/16` (or NaN), as
/// `(z, p)`: `z = SHIFTER + n` encodes `s = 2^(n/16)` exactly (see
/// [`F64s::exp2_scale`]) and `p = e^r − 1`, `r = −a − n·ln2/16`,
/// `|r| ≤ ln2/32`, to 2^-40.9 relative (the fit plus a few 2^-53 of
/// rounding), so `s·(1+p)` is within 2^-40.8 of e^-a.
#[inline(always)]
fn exp_parts<V: F64s>(a: V) -> (V, V) {
    let z = a.mul_add(V::splat(-SIXTEEN_OVER_LN2), V::splat(SHIFTER));
    let n = z.sub(V::splat(SHIFTER));
    let r = n.neg_mul_sub(V::splat(LN2_OVER_16), a);
    let q = r.mul_add(V::splat(Q4), V::splat(Q3));
    let q = q.mul_add(r, V::splat(Q2));
    let q = q.mul_add(r, V::splat(Q1));
    let q = q.mul_add(r, V::splat(1.0));
    (z, q.mul(r))
}

/// `e^-|x|`, with |x| clamped at `A_MAX` (NaN stays NaN); relative error < 2^-40.8.
#[inline(always)]
fn exp_neg_abs<V: F64s>(x: V) -> V {
    let (z, p) = exp_parts(x.abs_min(V::splat(A_MAX)));
    let s = z.exp2_scale();
    s.mul_add(p, s)
}

/// σ(x): with e = e^-|x|, σ(−|x|) = e/(1+e) and σ(|x|) = 1 − e/(1+e).
///
/// Error before the f32 rounding: below 2^-40.7 relative (the quotient adds
/// 2 · 2^-53; `1 − q` with q ≤ 1/2 only shrinks the relative error).
#[inline(always)]
pub(crate) fn sigmoid<V: F64s>(x: V) -> V {
    let e = exp_neg_abs(x);
    let q = e.div(e.add(V::splat(1.0)));
    // At x = ±0, q = 1 − q = 1/2.
    q.complement_unless_negative(x)
}

/// σ'(x) = e/(1+e)² with e = e^-|x| (even in x, so no sign select).
#[inline(always)]
pub(crate) fn sigmoid_derivative<V: F64s>(x: V) -> V {
    let e = exp_neg_abs(x);
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

/// `ln(1 + e)` for `e = e^-|x|` in (0, 1], relative error below 2^-40.5.
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
    let e = exp_neg_abs(x);
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
    let a = x.abs_min(V::splat(20.0));
    let (z, p) = exp_parts(a.add(a));
    let s = z.exp2_scale();
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
        fn neg_mul_sub(self, b: Self, c: Self) -> Self {
            One((-self.0).mul_add(b.0, -c.0))
        }
        fn neg_abs(self) -> Self {
            One(-self.0.abs())
        }
        fn abs_min(self, cap: Self) -> Self {
            One(if self.0.abs() > cap.0 {
                cap.0
            } else {
                self.0.abs()
            })
        }
        fn complement_unless_negative(self, x: Self) -> Self {
            if x.0 < 0.0 { self } else { One(1.0 - self.0) }
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
            let k = (bits << EXPONENT_SHIFT) & EXPONENT_MASK;
            One(f64::from_bits(
                TWO_POW_J_OVER_16[(bits & 15) as usize].wrapping_add(k),
            ))
        }
        // The primitives only the f64 Default tier uses (f64_default.rs).
        fn fma(self, b: Self, c: Self) -> Self {
            One(self.0.mul_add(b.0, c.0))
        }
        fn fnma(self, b: Self, c: Self) -> Self {
            One((-self.0).mul_add(b.0, c.0))
        }
        fn neg(self) -> Self {
            One(-self.0)
        }
        fn keep_gt(self, bound: Self, value: Self) -> Self {
            One(if self.0 > bound.0 { value.0 } else { 0.0 })
        }
        fn max(self, o: Self) -> Self {
            if self.0 > o.0 { self } else { o }
        }
        fn min(self, o: Self) -> Self {
            if self.0 < o.0 { self } else { o }
        }
        fn select_by_parity(self, even: f64, odd: f64) -> Self {
            One(if self.0.to_bits() & 1 == 0 { even } else { odd })
        }
        fn pow2_half_n_biased(self) -> Self {
            let k = (self.0.to_bits() >> 1) << 52;
            One(f64::from_bits(k.wrapping_add((1023 + 600) << 52)))
        }
    }

    #[test]
    fn exp_is_accurate_to_2_pow_minus_40_5() {
        let mut t = -119.99;
        while t <= 0.0 {
            let ours = exp_neg_abs(One(t)).0;
            let reference = t.exp();
            let rel = ((ours - reference) / reference).abs();
            assert!(rel < 2f64.powf(-40.5), "t={t} rel={rel:e}");
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
            assert!(rel < 2f64.powf(-40.5), "x={x} rel={rel:e}");
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
                assert!(rel < 2f64.powf(-40.5), "x={x} rel={rel:e}");
            }
        }
        assert_eq!(tanh(One(-0.0)).0.to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(One(f64::INFINITY)).0, 1.0);
        assert_eq!(tanh(One(f64::NEG_INFINITY)).0, -1.0);
        assert!(tanh(One(f64::NAN)).0.is_nan());
    }
}
