//! The fast f32 tier on the AVX-512 path: σ and σ′ in 15 and 17 vector
//! operations, where the form every path can run (`f32_fast.rs`) needs 20.
//!
//! Two AVX-512 instructions make the difference (see [`F32sAvx512`]): a
//! 32-entry table of 2^(j/32) in one VPERMT2PS, which leaves a reduced
//! argument small enough for a degree-2 polynomial; and VSCALEFPS, which
//! applies 2^k and rounds once, so that a subnormal result is rounded once at
//! its own precision (gradual underflow, no flush). This is the scheme of XNNPACK's
//! `avx512f-rr2-lut32-p2-perm2-scalef-div` σ, with the argument clamped
//! first so that no finite input gives NaN.
//!
//! Results differ from the other paths' fast tier in the last bits; each
//! path's bound is proven separately (`tests/exhaustive_tiers.rs`).
//! tanh, softplus and log σ are `f32_fast`'s algorithms on this path too.

use super::f32_default::Z_MIN;
use super::f32s::F32sAvx512;

pub(crate) use super::f32_fast::{log_sigmoid, softplus, tanh};

/// The sign bit.
const SIGN: f32 = -0.0;
/// `1.5·2^18` (0x48c00000): `v = z·log2(e) + MAGIC` rounds `z·log2(e)` to a
/// multiple of 1/32, n = k + j/32, whose j lands in the low 5 bits of `v`
/// (−150 ≤ n ≤ 0 after the clamp, far inside the ±2^18 where this holds).
const MAGIC: f32 = f32::from_bits(0x48c0_0000);
/// log2(e) rounded to nearest (0x3fb8aa3b).
const LOG2_E: f32 = f32::from_bits(0x3fb8_aa3b);
/// ln 2 rounded to nearest (0x3f317218), and the rest (0xb102e308, −1.9e-9):
/// `t = z − n·ln2` with two FMAs is within 2^-31 of exact for |n| ≤ 150.
const LN2_HI: f32 = f32::from_bits(0x3f31_7218);
const LN2_LO: f32 = f32::from_bits(0xb102_e308);
/// `e^t − 1 ≈ t + t²·(P2 + P3·t)`: minimax (`fit/f32_tiers.py`) relative to
/// e^t on |t| ≤ 1.01·ln2/64, max error 2^-33.1 with these f32 coefficients;
/// σ′ uses it.
const P2: f32 = f32::from_bits(0x3f00_0045); // 0.50000411
const P3: f32 = f32::from_bits(0x3e2a_aa45); // 0.16666515
/// `e^t − 1 ≈ t·(Q1 + Q2·t)`: the same fit at degree 2, max error 2^-24.1;
/// σ uses it (one operation fewer, about 0.8 ULP more: within its bound).
const Q1: f32 = f32::from_bits(0x3f80_007d); // 1.0000149
const Q2: f32 = f32::from_bits(0x3f00_0003); // 0.50000018

/// `2^(j/32)` rounded to nearest, j = 0..32.
const TWO_POW_J_OVER_32: [f32; 32] = [
    f32::from_bits(0x3f80_0000),
    f32::from_bits(0x3f82_cd87),
    f32::from_bits(0x3f85_aac3),
    f32::from_bits(0x3f88_980f),
    f32::from_bits(0x3f8b_95c2),
    f32::from_bits(0x3f8e_a43a),
    f32::from_bits(0x3f91_c3d3),
    f32::from_bits(0x3f94_f4f0),
    f32::from_bits(0x3f98_37f0),
    f32::from_bits(0x3f9b_8d3a),
    f32::from_bits(0x3f9e_f532),
    f32::from_bits(0x3fa2_7043),
    f32::from_bits(0x3fa5_fed7),
    f32::from_bits(0x3fa9_a15b),
    f32::from_bits(0x3fad_583f),
    f32::from_bits(0x3fb1_23f6),
    f32::from_bits(0x3fb5_04f3),
    f32::from_bits(0x3fb8_fbaf),
    f32::from_bits(0x3fbd_08a4),
    f32::from_bits(0x3fc1_2c4d),
    f32::from_bits(0x3fc5_672a),
    f32::from_bits(0x3fc9_b9be),
    f32::from_bits(0x3fce_248c),
    f32::from_bits(0x3fd2_a81e),
    f32::from_bits(0x3fd7_44fd),
    f32::from_bits(0x3fdb_fbb8),
    f32::from_bits(0x3fe0_ccdf),
    f32::from_bits(0x3fe5_b907),
    f32::from_bits(0x3fea_c0c7),
    f32::from_bits(0x3fef_e4ba),
    f32::from_bits(0x3ff5_257d),
    f32::from_bits(0x3ffa_83b3),
];

/// `2^(j/32) − TWO_POW_J_OVER_32[j]` rounded to nearest (hi + lo is within
/// 2^-49.2 relative of 2^(j/32)).
const TWO_POW_J_OVER_32_LO: [f32; 32] = [
    f32::from_bits(0x0000_0000),
    f32::from_bits(0xb34e_a7a9),
    f32::from_bits(0x334f_9891),
    f32::from_bits(0xb37e_da4b),
    f32::from_bits(0xb260_aba1),
    f32::from_bits(0xb369_7465),
    f32::from_bits(0x3367_5624),
    f32::from_bits(0xb32e_0212),
    f32::from_bits(0x3323_1b71),
    f32::from_bits(0xb30c_5563),
    f32::from_bits(0x3341_2342),
    f32::from_bits(0x30c3_125a),
    f32::from_bits(0xb32c_9d5e),
    f32::from_bits(0xb316_2b08),
    f32::from_bits(0xb22d_eaf6),
    f32::from_bits(0xb37c_5aa8),
    f32::from_bits(0x32cf_e77a),
    f32::from_bits(0x330e_c5f7),
    f32::from_bits(0xb341_4fe8),
    f32::from_bits(0xb2d6_663e),
    f32::from_bits(0x320a_a837),
    f32::from_bits(0xb373_23a2),
    f32::from_bits(0x3228_fc24),
    f32::from_bits(0xb35c_1daa),
    f32::from_bits(0xb2d4_a58a),
    f32::from_bits(0xb350_4a1c),
    f32::from_bits(0xb21e_ab59),
    f32::from_bits(0xb244_1be6),
    f32::from_bits(0xb241_16de),
    f32::from_bits(0xb348_464a),
    f32::from_bits(0x3229_2436),
    f32::from_bits(0xb292_3758),
];

/// `z = max(−|x|, Z_MIN)`, NaN kept.
#[inline(always)]
fn neg_abs_clamped<V: F32sAvx512>(x: V) -> V {
    // MAXPS returns its second operand when either is NaN.
    V::splat(Z_MIN).max(x.or(V::splat(SIGN)))
}

/// The reduction `z = n·ln2 + t` for `Z_MIN ≤ z ≤ 0`, n a multiple of 1/32:
/// returns `v` (32·n in its low bits, the table index), n, and t,
/// |t| ≤ 1.01·ln2/64, within 2^-30 of exact.
#[inline(always)]
fn reduce<V: F32sAvx512>(z: V) -> (V, V, V) {
    let v = z.mul_add(V::splat(LOG2_E), V::splat(MAGIC));
    let n = v.sub(V::splat(MAGIC));
    let t = n.neg_mul_add(V::splat(LN2_HI), z);
    let t = n.neg_mul_add(V::splat(LN2_LO), t);
    (v, n, t)
}

/// σ(−|x|) = e/(1 + e), e = e^-|x| (NaN kept): 13 operations, or 16 if
/// `ACCURATE` (a degree-3 polynomial, and the table's rounding error
/// corrected from its lo words, which takes about 1.5 ULP off the result;
/// σ′ needs that to stay within 4 ULP).
#[inline(always)]
fn sigmoid_neg_abs<V: F32sAvx512, const ACCURATE: bool>(x: V) -> V {
    let one = V::splat(1.0);
    let (v, n, t) = reduce(neg_abs_clamped(x));
    let (low, high) = V::table32(&TWO_POW_J_OVER_32);
    let l = V::lookup32(v, low, high);
    let e = if ACCURATE {
        let p = t.mul(t).mul_add(t.mul_add(V::splat(P3), V::splat(P2)), t);
        let (lo_low, lo_high) = V::table32(&TWO_POW_J_OVER_32_LO);
        let tl = V::lookup32(v, lo_low, lo_high);
        l.add(l.mul_add(p, tl))
    } else {
        let p = t.mul_add(V::splat(Q2), V::splat(Q1)).mul(t);
        p.mul_add(l, l)
    };
    let e = e.scalef(n);
    e.div(e.add(one))
}

/// σ(x): σ(−|x|), or 1 − σ(−|x|) for x ≥ +0.
#[inline(always)]
pub(crate) fn sigmoid<V: F32sAvx512>(x: V) -> V {
    sigmoid_neg_abs::<V, false>(x).complement_unless_negative(x)
}

/// σ′(x) = q − q², q = σ(−|x|), rounded once (FNMADD), so that it adds at
/// most q's relative error to its own rounding.
#[inline(always)]
pub(crate) fn sigmoid_derivative<V: F32sAvx512>(x: V) -> V {
    let q = sigmoid_neg_abs::<V, true>(x);
    q.neg_mul_add(q, q)
}
