//! The fast f32 tier: σ, σ', log σ, softplus and tanh within a few ULP (each
//! function states its measured bound), never NaN for finite input, with
//! gradual underflow.
//!
//! The default tier's algorithms without their compensations: `e^z` as one
//! word `S·Th·(1 + p)` (the same table hi words, reduction and polynomial),
//! `1 + e` rounded, one `vdivps`, no residual step. Results are computed
//! unscaled and multiplied by `S = 2^(k+24)` last, so subnormal results are
//! not flushed.

use super::f32_default::{TWO_POW_J_OVER_8_HI, Z_MIN, expm1_poly, reduce};
use super::f32s::F32s;

const SIGN: f32 = -0.0;

/// `e^z = S·e` for `Z_MIN ≤ z ≤ 0`: returns the unscaled e (≈ 2^-24·e^z/2^k,
/// within ~2^-23.5 relative) and S = 2^(k+24).
#[inline(always)]
fn exp_scaled<V: F32s>(z: V) -> (V, V) {
    let (v, t) = reduce(z);
    let th = V::table8(&TWO_POW_J_OVER_8_HI).lookup8(v);
    (th.mul_add(expm1_poly(t), th), v.shr3_shl23())
}

/// `z = max(−|x|, Z_MIN)`, NaN kept.
#[inline(always)]
fn neg_abs_clamped<V: F32s>(x: V) -> V {
    V::splat(Z_MIN).max(x.or(V::splat(SIGN)))
}

/// Unscaled σ(−|x|) = e/(1 + S·e), and S.
#[inline(always)]
fn sigmoid_neg_abs<V: F32s>(x: V) -> (V, V) {
    let (e, s) = exp_scaled(neg_abs_clamped(x));
    (e.div(V::splat(1.0).add(e.mul(s))), s)
}

/// σ(x): σ(−|x|) = e/(1+e), σ(|x|) = 1 − σ(−|x|).
#[inline(always)]
pub(crate) fn sigmoid<V: F32s>(x: V) -> V {
    let (q, s) = sigmoid_neg_abs(x);
    let q = q.mul(s);
    q.complement_unless_negative(x)
}

/// σ'(x) = q·(1 − q), q = σ(−|x|).
#[inline(always)]
pub(crate) fn sigmoid_derivative<V: F32s>(x: V) -> V {
    let (q, s) = sigmoid_neg_abs(x);
    let w = q.neg_mul_add(s, V::splat(1.0));
    q.mul(w).mul(s)
}

/// tanh(x) = sign(x)·m/(2 − m), m = 1 − e^-2|x| = (1 − s) − s·p with
/// s = 2^(n/8) (so 1 − s is exact where m is small, Sterbenz).
#[inline(always)]
pub(crate) fn tanh<V: F32s>(x: V) -> V {
    let one = V::splat(1.0);
    let a = V::splat(9.5).min(x.and_not(V::splat(SIGN)));
    let (v, t) = reduce(a.mul(V::splat(-2.0)));
    let th = V::table8(&TWO_POW_J_OVER_8_HI).lookup8(v);
    let sv = th.mul(v.shr3_shl23());
    let m = sv.neg_mul_add(expm1_poly(t), one.sub(sv));
    let q = m.div(V::splat(2.0).sub(m));
    // Below |x| = 0.15 the cancellation in m costs too much: an odd polynomial,
    // a + a³·(T0 + T1·a²), minimax relative error 2^-25.3 (`fit/fit.py`).
    const T0: f32 = f32::from_bits(0xbeaa_a925); // -0.33332172
    const T1: f32 = f32::from_bits(0x3e06_d1ba); // 0.13165942
    let w = a.mul(a);
    let small = a.mul(w).mul_add(w.mul_add(V::splat(T1), V::splat(T0)), a);
    let q = a.select_gt(V::splat(0.15), q, small);
    q.negate_where_negative(x)
}

/// softplus(x) = max(x, 0) + 2·atanh(s), s = e/(2 + e), e = e^-|x|.
#[inline(always)]
pub(crate) fn softplus<V: F32s>(x: V) -> V {
    // 2·atanh(s) = 2s·(1 + w·P(w)) = 2q + q·w·2P: P doubled, degree 3, minimax error 2^-27.5.
    const L0: f32 = f32::from_bits(0x3f2a_aa81); // 2 · 0.33333209
    const L1: f32 = f32::from_bits(0x3ecc_e904); // 2 · 0.20010763
    const L2: f32 = f32::from_bits(0x3e8f_5e87); // 2 · 0.14000903
    const L3: f32 = f32::from_bits(0x3e8f_6bdf); // 2 · 0.14005993
    let (e, s) = exp_scaled(neg_abs_clamped(x));
    let q = e.div(V::splat(2.0).add(e.mul(s)));
    let sq = q.mul(s);
    let w = sq.mul(sq);
    let p = w.mul_add(V::splat(L3), V::splat(L2));
    let p = p.mul_add(w, V::splat(L1));
    let p = p.mul_add(w, V::splat(L0));
    let q2 = q.add(q);
    let ln_part = q.mul_add(w.mul(p), q2).mul(s);
    // MAXPS returns 0 for a NaN x, whose ln_part is already NaN.
    x.max(V::splat(0.0)).add(ln_part)
}

/// log σ(x) = −softplus(−x).
#[inline(always)]
pub(crate) fn log_sigmoid<V: F32s>(x: V) -> V {
    let sign = V::splat(SIGN);
    softplus(x.xor(sign)).xor(sign)
}
