//! The default f64 tier's σ on the AVX-512 path: within 1 ULP in about 30
//! vector operations, where the form every path can run (`f64_default.rs`)
//! needs about 47.
//!
//! The f32 default tier's scheme (`f32_default.rs`) in f64, with the
//! AVX-512 path's instructions ([`F64sAvx512`]): e^-|x| = 2^k·(Th + L) from
//! a 16-entry table of 2^(j/16) split into hi and lo words (one VPERMT2PD
//! each), which leaves |t| ≤ ln2/32 and a degree-7 polynomial where the
//! two-entry table of `f64_default` needs degree 10; one division whose
//! remainder is formed exactly; and VSCALEFPD for 2^k, which rounds a
//! subnormal result once. σ′, log σ, softplus and tanh are `f64_default`'s
//! algorithms on this path too.
//!
//! Error budget (relative, before the last rounding): the reduced argument t
//! is rounded twice (2^-58), the polynomial 2^-65.1, e^t − 1 and L are rounded
//! once each (2^-58.6 and 2^-58.5 relative to e), the table 2^-107.6; the
//! quotient's correction is good to about 2^-100. Results are within 1 ULP;
//! `tests/accuracy_f64.rs` measures the maximum on 10^7 inputs per path.

use super::f64s::F64sAvx512;

pub(crate) use super::f64_default::{log_sigmoid, sigmoid_derivative, softplus, tanh};

/// The largest |x| that reaches the core (as `f64_default`): σ(−746) is below
/// 2^-1076 and rounds to +0 like every larger |x|; it keeps k ≥ −1077.
const A_MAX: f64 = 746.0;
/// `1.5·2^48` (0x42f8000000000000): `v = z·log2(e) + MAGIC` rounds `z·log2(e)`
/// to a multiple of 1/16, n = k + j/16, whose j lands in the low 4 bits of `v`.
const MAGIC: f64 = f64::from_bits(0x42f8_0000_0000_0000);
/// log2(e) rounded to nearest.
const LOG2_E: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
/// ln 2 rounded to nearest, and the rest rounded to nearest (ln 2 − HI − LO
/// ≈ 5.7e-34).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fefa_39ef);
const LN2_LO: f64 = f64::from_bits(0x3c7a_bc9e_3b39_803f);
/// `e^t − 1 ≈ t + t²·(1/2 + t·(C3 + C4·t + C5·t² + C6·t³ + C7·t⁴))` on
/// |t| ≤ 1.01·ln2/32: a weighted least-squares (Lawson) fit relative to e^t
/// (`fit/f64_default.py`), max error 2^-65.1 with these coefficients.
const C3: f64 = f64::from_bits(0x3fc5_5555_5555_553f); // 0.16666666666666605
const C4: f64 = f64::from_bits(0x3fa5_5555_554e_1e0b); // 0.04166666666338522
const C5: f64 = f64::from_bits(0x3f81_1111_1133_006b); // 0.008333333337191292
const C6: f64 = f64::from_bits(0x3f56_c17f_f4a2_996a); // 0.0013889073912110813
const C7: f64 = f64::from_bits(0x3f2a_017e_9f02_48fc); // 0.00019840880077432582

/// `2^(j/16)` rounded to nearest, j = 0..16.
const TWO_POW_J_OVER_16_HI: [f64; 16] = [
    f64::from_bits(0x3ff0_0000_0000_0000),
    f64::from_bits(0x3ff0_b558_6cf9_890f),
    f64::from_bits(0x3ff1_72b8_3c7d_517b),
    f64::from_bits(0x3ff2_387a_6e75_6238),
    f64::from_bits(0x3ff3_06fe_0a31_b715),
    f64::from_bits(0x3ff3_dea6_4c12_3422),
    f64::from_bits(0x3ff4_bfda_d536_2a27),
    f64::from_bits(0x3ff5_ab07_dd48_5429),
    f64::from_bits(0x3ff6_a09e_667f_3bcd),
    f64::from_bits(0x3ff7_a114_73eb_0187),
    f64::from_bits(0x3ff8_ace5_422a_a0db),
    f64::from_bits(0x3ff9_c491_82a3_f090),
    f64::from_bits(0x3ffa_e89f_995a_d3ad),
    f64::from_bits(0x3ffc_199b_dd85_529c),
    f64::from_bits(0x3ffd_5818_dcfb_a487),
    f64::from_bits(0x3ffe_a4af_a2a4_90da),
];
/// `2^(j/16) − TWO_POW_J_OVER_16_HI[j]` rounded to nearest (hi + lo is within
/// 2^-107.5 relative of 2^(j/16)).
const TWO_POW_J_OVER_16_LO: [f64; 16] = [
    f64::from_bits(0x0000_0000_0000_0000),
    f64::from_bits(0x3c98_a62e_4adc_610b),
    f64::from_bits(0xbc81_9041_b9d7_8a76),
    f64::from_bits(0x3c99_b07e_b6c7_0573),
    f64::from_bits(0x3c86_f46a_d231_82e4),
    f64::from_bits(0x3c8a_da09_11f0_9ebc),
    f64::from_bits(0x3c7d_4397_afec_42e2),
    f64::from_bits(0x3c96_324c_0546_47ad),
    f64::from_bits(0xbc9b_dd34_13b2_6456),
    f64::from_bits(0xbc84_1577_ee04_992f),
    f64::from_bits(0x3c96_e9f1_5686_4b27),
    f64::from_bits(0x3c7c_7c46_b071_f2be),
    f64::from_bits(0x3c97_a1cd_345d_cc81),
    f64::from_bits(0x3c81_1065_8950_48dd),
    f64::from_bits(0x3c82_ed02_d75b_3707),
    f64::from_bits(0xbc9e_9c23_179c_2893),
];

/// σ(x) = 1/(1 + e^-x), within 1 ULP; special values as `f64_default::sigmoid`
/// (σ(±0) = 1/2, σ(+∞) = 1, σ(−∞) = +0, NaN → NaN).
///
/// With e = e^-|x| = 2^k·E, E = eh + el exactly, S = 2^k (subnormal or 0 for
/// k < −1022, where it only scales terms far below the result's ULP):
/// q0 = RN(eh/(1 + S·eh)), and the remainder ρ = E − q0·(1 + e) =
/// (eh − q0) − q0·(S·eh) + el·(1 − S·q0), whose first difference is exact
/// (Sterbenz) and whose FMA rounds only the small rest; σ(−|x|) =
/// 2^k·(q0 + ρ·r), r = 1 − S·q0 ≈ 1/(1 + e), rounded once by VSCALEFPD;
/// σ(|x|) = 1 − S·(q0 + ρ·r) summed from exact parts and rounded once.
#[inline(always)]
pub(crate) fn sigmoid<V: F64sAvx512>(x: V) -> V {
    let one = V::splat(1.0);
    // MAXPD returns its second operand (−|x|) when it is NaN.
    let z = x.neg_abs().max_or_nan(V::splat(-A_MAX));
    let v = z.mul_add(V::splat(LOG2_E), V::splat(MAGIC));
    let n = v.sub(V::splat(MAGIC));
    let t = n.fnma(V::splat(LN2_HI), z);
    let t = n.fnma(V::splat(LN2_LO), t);
    let (hi_low, hi_high) = V::table16(&TWO_POW_J_OVER_16_HI);
    let (lo_low, lo_high) = V::table16(&TWO_POW_J_OVER_16_LO);
    let th = V::lookup16(v, hi_low, hi_high);
    let tl = V::lookup16(v, lo_low, lo_high);
    let p = t.fma(V::splat(C7), V::splat(C6));
    let p = p.fma(t, V::splat(C5));
    let p = p.fma(t, V::splat(C4));
    let p = p.fma(t, V::splat(C3));
    let p = p.fma(t, V::splat(0.5));
    let expm1 = t.mul(t).fma(p, t);
    // E = Th + L = eh + el exactly (Fast2Sum: |L| < Th).
    let l = th.fma(expm1, tl);
    let eh = th.add(l);
    let el = th.sub(eh).add(l);
    let s = one.scalef(n);
    let es = eh.mul(s);
    let q0 = eh.div(one.add(es));
    let r = q0.fnma(s, one);
    let rho = eh.sub(q0);
    let rho = q0.fnma(es, rho);
    let rho = el.fma(r, rho);
    let c = rho.mul(r);
    let negative = q0.add(c).scalef(n);
    // σ(|x|) = 1 − S·(q0 + c) = r + ((1 − r) − S·q0) − S·c, summed before one
    // rounding (1 − r and its FMA are exact), rather than 1 − σ(−|x|), which
    // would round twice.
    let r_err = q0.fnma(s, one.sub(r));
    let positive = r.add(c.fnma(s, r_err));
    // x = −0 takes the negative side: both give 1/2 there.
    V::select_by_sign(x, negative, positive)
}
