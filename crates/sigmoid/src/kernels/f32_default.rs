//! The default f32 tier: σ, σ', log σ, softplus and tanh within 1 ULP on every
//! f32 input, in f32 arithmetic only (no widening to f64).
//!
//! Each function rounds its result from a value that is within ~2^-27
//! relative of the true one. f32 arithmetic reaches that because every
//! rounding that would cost up to an ULP is recovered exactly:
//! * `e^z` (z = −|x|, or −2|x| for tanh) is carried as `S · (Th + L)` from an
//!   8-entry table of 2^(j/8) split into hi and lo words, a two-constant
//!   Cody–Waite reduction and a degree-4 polynomial (`exp_parts`);
//! * the quotient `q0` from `vdivps` is corrected once from its remainder
//!   `E − q0·(1 + e)`, formed without rounding where it matters: `eh − q0` is
//!   exact (Sterbenz) and one FMA subtracts `q0·S·eh`, so the rounding of
//!   `1 + e` (or `2 + e`) itself needs no compensation.
//!
//! Everything is computed *unscaled* (the table carries a 2^-24 factor, and
//! `S = 2^(k+24)` is applied at the end), so every intermediate is a normal
//! number even when the result is subnormal; the final multiplication by S
//! is then the only rounding at subnormal precision.
//!
//! Measured maximum errors (all 2^32 inputs, every path): see each function.

use super::f32s::{F32s, lower_exponents};

/// The sign bit.
const SIGN: f32 = -0.0;

/// `8/ln 2` rounded to nearest (0x4138aa3b).
const EIGHT_OVER_LN2: f32 = f32::from_bits(0x4138_aa3b);
/// `1.5·2^23 + 8·151` (0x4b4004b8): `v = z·8/ln2 + SHIFTER` rounds `n = 8k + j`
/// (−1200 ≤ n ≤ 0) into the low bits of v, biased so that
/// `(bits(v) >> 3) << 23` is the f32 `2^(k+24)` and `bits(v) & 7` is `j`.
const SHIFTER: f32 = f32::from_bits(0x4b40_04b8);
/// `ln2/8` to 13 significant bits (0x3db17000): `n · LN2_OVER_8_HI` is exact for
/// |n| ≤ 1208 and `z − n·LN2_OVER_8_HI` is exact (Sterbenz-like, |z| ≥ ln2/16 when n ≠ 0).
const LN2_OVER_8_HI: f32 = f32::from_bits(0x3db1_7000);
/// `ln2/8 − LN2_OVER_8_HI` rounded to nearest (0x3685fdf4); the rest is 2.1e-13,
/// i.e. ≤ 2.5e-10 (2^-31.9) on t for |n| ≤ 1200.
const LN2_OVER_8_LO: f32 = f32::from_bits(0x3685_fdf4);
/// `e^t − 1 ≈ t + t²·(1/2 + C3·t + C4·t²)`: minimax (weighted Remez, `fit/fit.py`)
/// relative to e^t on |t| ≤ 1.02·ln2/16, max error 2^-32.2 with these f32
/// coefficients (the fit chose 1/2 exactly for t²).
const C3: f32 = f32::from_bits(0x3e2a_ae60); // 0.16668081
const C4: f32 = f32::from_bits(0x3d2a_a3de); // 0.041660182

/// `2^(j/8) · 2^-24` rounded to nearest, j = 0..8.
pub(crate) const TWO_POW_J_OVER_8_HI: [f32; 8] = [
    f32::from_bits(0x3380_0000), // 2^(0/8) · 2^-24
    f32::from_bits(0x338b_95c2), // 2^(1/8) · 2^-24
    f32::from_bits(0x3398_37f0), // 2^(2/8) · 2^-24
    f32::from_bits(0x33a5_fed7), // 2^(3/8) · 2^-24
    f32::from_bits(0x33b5_04f3), // 2^(4/8) · 2^-24
    f32::from_bits(0x33c5_672a), // 2^(5/8) · 2^-24
    f32::from_bits(0x33d7_44fd), // 2^(6/8) · 2^-24
    f32::from_bits(0x33ea_c0c7), // 2^(7/8) · 2^-24
];
/// `2^(j/8) · 2^-24 − TWO_POW_J_OVER_8_HI[j]` rounded to nearest (hi + lo is
/// within 2^-49.8 relative of 2^(j/8) · 2^-24).
const TWO_POW_J_OVER_8_LO: [f32; 8] = [
    f32::from_bits(0x0000_0000),
    f32::from_bits(0xa660_aba1),
    f32::from_bits(0x2723_1b71),
    f32::from_bits(0xa72c_9d5e),
    f32::from_bits(0x26cf_e77a),
    f32::from_bits(0x260a_a837),
    f32::from_bits(0xa6d4_a58a),
    f32::from_bits(0xa641_16de),
];

/// The tables with 127 taken from each exponent field, for tanh's
/// integer scaling ([`F32s::add_bits`]): `add_bits(lowered, S)` is
/// `entry · 2^(k+24)` while the entry's exponent field E satisfies
/// E + k + 24 ≥ 1 (k ≥ −28 in tanh: E ≥ 5). The zero lo word of j = 0 has
/// no exponent, so it becomes 2^-97 (0x0f000000, 2^-73 of its hi word).
const TWO_POW_J_OVER_8_HI_LOWERED: [f32; 8] = lower_exponents(TWO_POW_J_OVER_8_HI);
const TWO_POW_J_OVER_8_LO_LOWERED: [f32; 8] = lower_exponents({
    let mut lo = TWO_POW_J_OVER_8_LO;
    lo[0] = f32::from_bits(0x0f00_0000);
    lo
});

/// The lowest z passed to `e^z` (0xc2cff5c3 ≈ −103.98): σ(x) < 2^-150 (rounds
/// to 0) below it, and it keeps `k ≥ −150`, so `S = 2^(k+24)` is normal.
pub(crate) const Z_MIN: f32 = f32::from_bits(0xc2cf_f5c3);

/// The reduction `z = n·ln2/8 + t`, n = 8k + j: returns `v` (n in its low
/// bits, see [`SHIFTER`]) and t, |t| ≤ 1.01·ln2/16, within 2^-29.5 of exact.
#[inline(always)]
pub(crate) fn reduce<V: F32s>(z: V) -> (V, V) {
    let v = z.mul_add(V::splat(EIGHT_OVER_LN2), V::splat(SHIFTER));
    let n = v.sub(V::splat(SHIFTER));
    let t = n.neg_mul_add(V::splat(LN2_OVER_8_HI), z);
    let t = n.neg_mul_add(V::splat(LN2_OVER_8_LO), t);
    (v, t)
}

/// `e^t − 1` for |t| ≤ 1.02·ln2/16, within 2^-32.2 (relative to e^t) before
/// its four roundings; exactly t·(1 + …) in form, so it keeps full relative
/// accuracy as t → 0.
#[inline(always)]
pub(crate) fn expm1_poly<V: F32s>(t: V) -> V {
    let t2 = t.mul(t);
    let u = t.mul_add(V::splat(C4), V::splat(C3));
    let u = u.mul_add(t, V::splat(0.5));
    t2.mul_add(u, t)
}

/// `e^z = S·(Th + L)` for `Z_MIN ≤ z ≤ 0` (a NaN z gives NaN in L): Th is the
/// table's hi word (2^(j/8)·2^-24), L = Th·(e^t − 1) + Tl (|L| ≤ 0.046·Th),
/// S = 2^(k+24). Th + L is within 2^-28.5 relative of e^z / S.
#[inline(always)]
fn exp_parts<V: F32s>(z: V) -> (V, V, V) {
    let (v, t) = reduce(z);
    let th = V::table8(&TWO_POW_J_OVER_8_HI).lookup8(v);
    let tl = V::table8(&TWO_POW_J_OVER_8_LO).lookup8(v);
    let l = th.mul_add(expm1_poly(t), tl);
    (th, l, v.shr3_shl23())
}

/// `z = max(−|x|, Z_MIN)`, NaN kept.
#[inline(always)]
fn neg_abs_clamped<V: F32s>(x: V) -> V {
    // MAXPS returns its second operand when either is NaN.
    V::splat(Z_MIN).max(x.or(V::splat(SIGN)))
}

/// What σ, σ' share: with e = e^-|x| = S·E, the unscaled `q0 + ρ·r ≈ E/(1+e)`
/// (so σ(−|x|) = S·(q0 + ρ·r)) and `r = RN(1 − S·q0) ≈ 1/(1+e)`.
#[inline(always)]
fn sigmoid_parts<V: F32s>(x: V) -> (V, V, V, V) {
    let one = V::splat(1.0);
    let (th, l, s) = exp_parts(neg_abs_clamped(x));
    // E = eh + el exactly (Fast2Sum: |L| < Th).
    let eh = th.add(l);
    let el = th.sub(eh).add(l);
    // es = S·eh is exact (a power-of-two scaling), except below 2^-126 where
    // its rounding error is under 2^-150, far below what 1 + e can show.
    let es = eh.mul(s);
    let q0 = eh.div(one.add(es));
    // 1/(1+e) = 1 − σ(−|x|) ≈ 1 − S·q0, good to 2^-24: enough for a correction term.
    let r = q0.neg_mul_add(s, one);
    // ρ = E − q0·(1 + e) = (eh − q0) − q0·es + el·(1 − S·q0). eh − q0 is exact
    // (Sterbenz: 1 + es rounds into [1, 2], so eh/2 ≤ q0 ≤ eh), and the FMA
    // rounds only the small remainder (|ρ| ≲ 2^-23·q0), so the rounding of
    // 1 + es needs no compensation.
    let rho = eh.sub(q0);
    let rho = q0.neg_mul_add(es, rho);
    let rho = el.mul_add(r, rho);
    (q0, rho, r, s)
}

/// σ(x) = 1/(1 + e^-x), within 1 ULP.
///
/// σ(−|x|) = e/(1+e) with e = e^-|x| (scaled once at the end, so subnormal
/// results down to x ≈ −103.97 round at subnormal precision once); σ(|x|) =
/// 1 − σ(−|x|), which is exact for σ(−|x|) ∈ [1/4, 1/2] and otherwise adds at
/// most a quarter of σ(−|x|)'s ULP error. σ(±0) = 1/2, σ(+∞) = 1, σ(−∞) = +0,
/// NaN → NaN.
#[inline(always)]
pub(crate) fn sigmoid<V: F32s>(x: V) -> V {
    let (q0, rho, r, s) = sigmoid_parts(x);
    let q = rho.mul_add(r, q0).mul(s);
    q.complement_unless_negative(x)
}

/// σ'(x) = σ(x)·σ(−x) = q·(1 − q) with q = σ(−|x|), within 1 ULP.
///
/// q = S·(q0 + c) and 1 − q = wh + wl (wh = r, wl its exact FMA remainder), so
/// the product is formed from its four partial terms before one rounding.
/// σ'(±0) = 1/4, σ'(±∞) = +0, NaN → NaN.
#[inline(always)]
pub(crate) fn sigmoid_derivative<V: F32s>(x: V) -> V {
    let one = V::splat(1.0);
    let (q0, rho, r, s) = sigmoid_parts(x);
    let c = rho.mul(r);
    // 1 − S·(q0 + c) = r + wl, wl = ((1 − r) − S·q0) − S·c: the first part is exact.
    let wl = q0.neg_mul_add(s, one.sub(r));
    let wl = c.neg_mul_add(s, wl);
    let product = q0.mul_add(r, c.mul_add(r, q0.mul(wl)));
    product.mul(s)
}

/// tanh(x) = sign(x)·(2/(1 + e) − 1) with e = e^-2|x|, within 1 ULP.
///
/// e = S·Th + S·L is normalised by Fast2Sum and D = 1 + e = dh + dl likewise
/// (to 2^-48). With r0 = RN(1/dh), ρ = 1 − r0·D (its first FMA exact), the
/// reciprocal is r0·(1 + ρ) and tanh = (2r0 − 1) + 2r0·ρ: 2r0 − 1 is exact
/// (Sterbenz: r0 ∈ [1/2, 1]), so one FMA rounds the result once. D carries
/// e's error (2^-28.5 relative), which 2/(1 + e) − 1 amplifies by
/// e/(1 − e²): about 1.7 at |x| = 0.15, less above. Below |x| = 0.15 tanh
/// comes from an odd polynomial. |x| is clamped at 9.5 (tanh rounds to 1
/// from 9.011 on). tanh(±0) = ±0, tanh(±∞) = ±1, NaN → NaN; odd, so
/// tanh(−x) = −tanh(x) bit for bit.
#[inline(always)]
pub(crate) fn tanh<V: F32s>(x: V) -> V {
    let one = V::splat(1.0);
    // MINPS returns its second operand when either is NaN.
    let a = V::splat(9.5).min(x.and_not(V::splat(SIGN)));
    // e = e_hi + e_lo with e_hi = 2^(n/8) exactly (S ≥ 2^-4: no underflow) and
    // e_lo = e_hi·(e^t − 1) + S·Tl.
    // Both scalings by S are exact integer additions to the exponent field
    // (`add_bits`), off the multipliers this loop is bound by (see
    // `TWO_POW_J_OVER_8_HI_LOWERED`).
    // The reduction of z = −2a and `expm1_poly(t)` are carried as h = −t/2
    // and (e^t − 1)/(−2): each step is the corresponding step of
    // `reduce(−2a)` and `expm1_poly` scaled by a power of two (its
    // constants too), so it rounds identically, and −2a is never formed.
    let v = a.mul_add(V::splat(-2.0 * EIGHT_OVER_LN2), V::splat(SHIFTER));
    let n = v.sub(V::splat(SHIFTER));
    let h = n.mul_add(V::splat(0.5 * LN2_OVER_8_HI), a);
    let h = n.mul_add(V::splat(0.5 * LN2_OVER_8_LO), h);
    // u4 = 4·(C3 + C4·t), u3 = −2·(1/2 + (C3 + C4·t)·t), half_expm1 = (e^t − 1)/(−2).
    let u4 = h.mul_add(V::splat(-8.0 * C4), V::splat(4.0 * C3));
    let u3 = u4.mul_add(h, V::splat(-1.0));
    let half_expm1 = h.mul(h).mul_add(u3, h);
    let s = v.shr3_shl23();
    let e_hi = V::table8(&TWO_POW_J_OVER_8_HI_LOWERED)
        .lookup8(v)
        .add_bits(s);
    let tl = V::table8(&TWO_POW_J_OVER_8_LO_LOWERED)
        .lookup8(v)
        .add_bits(s);
    // −2·e_hi: exponent + 1 and the sign flipped, as one integer addition.
    let minus_two_e_hi = e_hi.add_bits(V::splat(f32::from_bits(0x8080_0000)));
    let e_lo = minus_two_e_hi.mul_add(half_expm1, tl);
    let eh = e_hi.add(e_lo);
    let el = e_hi.sub(eh).add(e_lo);
    // D = 1 + e = dh + dl (Fast2Sum, then el added: |dl| ≤ 1.5·2^-24).
    let dh = one.add(eh);
    let dl = one.sub(dh).add(eh).add(el);
    let r0 = one.div(dh);
    let rho = r0.neg_mul_add(dh, one);
    let rho = r0.neg_mul_add(dl, rho);
    let two_r0 = r0.add(r0);
    let q = two_r0.mul_add(rho, two_r0.sub(one));
    let q = a.select_gt(V::splat(0.15), q, tanh_small(a));
    q.negate_where_negative(x)
}

/// tanh(a) for 0 ≤ a ≤ 0.15 as `a + a³·P(a²)`: minimax (`fit/fit.py`) relative
/// to tanh, degree 2 in a², max error 2^-32.7 with these f32 coefficients,
/// then one rounding (a³·P is below 0.0075·a). Exact for a = 0 and subnormal a.
#[inline(always)]
fn tanh_small<V: F32s>(a: V) -> V {
    const T0: f32 = f32::from_bits(0xbeaa_aaa9); // -0.33333328
    const T1: f32 = f32::from_bits(0x3e08_855b); // 0.13332121
    const T2: f32 = f32::from_bits(0xbd59_3acd); // -0.053034592
    let w = a.mul(a);
    let p = w.mul_add(V::splat(T2), V::splat(T1));
    let p = p.mul_add(w, V::splat(T0));
    a.mul(w).mul_add(p, a)
}

/// `2·atanh(s) = 2s·(1 + w·P(w))`, w = s², s ∈ [0, 1/3]: P's coefficients
/// doubled, so this returns `2·P(w)`. Minimax (`fit/fit.py`) relative to
/// 2·atanh(s), degree 3: max error 2^-27.5 with these f32 coefficients.
#[inline(always)]
fn atanh_poly2<V: F32s>(w: V) -> V {
    const L0: f32 = f32::from_bits(0x3f2a_aa81); // 2 · 0.33333209
    const L1: f32 = f32::from_bits(0x3ecc_e904); // 2 · 0.20010763
    const L2: f32 = f32::from_bits(0x3e8f_5e87); // 2 · 0.14000903
    const L3: f32 = f32::from_bits(0x3e8f_6bdf); // 2 · 0.14005993
    let p = w.mul_add(V::splat(L3), V::splat(L2));
    let p = p.mul_add(w, V::splat(L1));
    p.mul_add(w, V::splat(L0))
}

/// softplus(x) = max(x, 0) + ln(1 + e), e = e^-|x|, within 1 ULP.
///
/// ln(1 + e) = 2·atanh(s), s = e/(2 + e) ∈ [0, 1/3], with s from the same
/// corrected quotient as σ (D = 2 + e), so ln(1 + e) = S·(u + v) as an
/// unscaled two-word value; max(x, 0) is added by an exact two-sum, so the
/// result is rounded once (twice for subnormal results: 24 bits, then the
/// scaling). Above x = 64 the result is x (ln(1+e) < 2^-92).
/// softplus(+∞) = +∞, softplus(−∞) = +0, softplus(±0) = ln 2, NaN → NaN.
#[inline(always)]
pub(crate) fn softplus<V: F32s>(x: V) -> V {
    let one = V::splat(1.0);
    let two = V::splat(2.0);
    let (th, l, s) = exp_parts(neg_abs_clamped(x));
    let eh = th.add(l);
    let el = th.sub(eh).add(l);
    // es = S·eh exactly (as in σ); q0 ≈ E/(2 + e).
    let es = eh.mul(s);
    let q0 = eh.div(two.add(es));
    let q2 = q0.add(q0);
    // s = S·q0 (to 2^-24) and 2/(2 + e) = 1 − s.
    let sq = q0.mul(s);
    let r2 = one.sub(sq);
    // ρ = E − q0·(2 + e) = (eh − 2q0) − q0·es + el·(1 − s): eh − 2q0 is exact
    // (Sterbenz: 2 + es rounds into [2, 3], so eh/2 ≤ 2q0 ≤ eh).
    let rho = eh.sub(q2);
    let rho = q0.neg_mul_add(es, rho);
    let rho = el.mul_add(r2, rho);
    // 2s = S·(2q0 + ρ·r2) and 2·atanh(s) = 2s·(1 + w·P(w)) = S·(2q0 + t).
    let w = sq.mul(sq);
    let wp2 = w.mul(atanh_poly2(w));
    let t = q0.mul_add(wp2, rho.mul(r2));
    // softplus = S·(X/S + 2q0 + t) with X = max(x, 0): the unscaled sum is formed
    // with its first addition's error kept (two-sum by magnitude), then scaled
    // once. X is capped at 64 so that X/S (S ≥ 2^-68 there) stays finite; above
    // it, and at x = +∞ (where the two-sum gives NaN), the result is x.
    let big_x = x.max(V::splat(0.0)).min(V::splat(64.0));
    let big_x = big_x.mul(s.pow2_recip());
    // MAXPS/MINPS return their second operand on NaN: a NaN x has made q2 NaN.
    let hi = big_x.max(q2);
    let lo = big_x.min(q2);
    let sum = hi.add(lo);
    let err = hi.sub(sum).add(lo);
    let result = sum.add(err.add(t)).mul(s);
    // softplus(x) ≥ x, and the computed sum is ≥ X: this only replaces the
    // capped and the NaN (x = +∞) lanes; MAXPS returns x when either is NaN.
    result.max(x)
}

/// log σ(x) = −softplus(−x), within 1 ULP; log σ(−∞) = −∞, log σ(+∞) = −0.
#[inline(always)]
pub(crate) fn log_sigmoid<V: F32s>(x: V) -> V {
    let sign = V::splat(SIGN);
    softplus(x.xor(sign)).xor(sign)
}
