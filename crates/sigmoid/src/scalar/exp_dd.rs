//! `e^u` to about 2^-66 relative error, returned unrounded as `(hi + lo) · 2^k`.
//!
//! This is the engine behind the `f64` functions: they need `e^u` to well
//! beyond double precision so that the final result is rounded only once.
//!
//! Method (Tang, "Table-driven implementation of the exponential function",
//! ACM TOMS 15(2), 1989): write `u = (64·k + j)·ln2/64 + r` with
//! `|r| <= ln2/128`, so `e^u = 2^k · 2^(j/64) · e^r`. The 64 values `2^(j/64)`
//! are stored as double-doubles (below, generated with 80-digit decimal
//! arithmetic), and `e^r - 1` is a degree-6 Taylor polynomial whose truncation
//! error on `|r| <= ln2/128` is below `r^7/7! < 2^-74`.

use super::dd::{fast_two_sum, two_prod};

/// `64/ln 2`, rounded to nearest (0x40571547652b82fe).
const SIXTY_FOUR_OVER_LN2: f64 = f64::from_bits(0x4057_1547_652b_82fe);
/// `ln2/64` truncated to 36 significant bits (0x3f862e42fefa0000), so that
/// `n · LN2_OVER_64_HI` is exact for every `|n| < 2^17`.
const LN2_OVER_64_HI: f64 = f64::from_bits(0x3f86_2e42_fefa_0000);
/// `ln2/64 - LN2_OVER_64_HI`, rounded to nearest (0x3d1cf79abc9e3b3a).
const LN2_OVER_64_LO: f64 = f64::from_bits(0x3d1c_f79a_bc9e_3b3a);

/// `e^u = (hi + lo) · 2^k`, with `hi` in `[1, 2]` and `|lo| <= ulp(hi)/2`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpParts {
    pub hi: f64,
    pub lo: f64,
    pub k: i32,
}

/// `e^u` for finite `u` in `[-1100, 1100]`, relative error below 2^-66.
#[inline]
pub(crate) fn exp_parts(u: f64) -> ExpParts {
    debug_assert!(u.abs() <= 1100.0, "exp_parts({u}) out of range");
    let n = (u * SIXTY_FOUR_OVER_LN2).round();
    let n_int = n as i32;
    // Exact: n·LN2_OVER_64_HI has at most 53 bits and u is within a factor 2 of it.
    let r_hi = n.mul_add(-LN2_OVER_64_HI, u);
    let r_lo = -n * LN2_OVER_64_LO;
    let r = r_hi + r_lo;
    // e^r - 1 - r = r^2·(1/2 + r/6 + r^2/24 + r^3/120 + r^4/720)
    let tail =
        r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0)))));
    let p_small = r_lo + tail;
    let (t_hi, t_lo) = TWO_POW_J_OVER_64[(n_int & 63) as usize];
    // 2^(j/64)·e^r = t·(1 + r_hi + p_small), keeping t_hi·r_hi exactly.
    let (s_hi, s_lo) = two_prod(t_hi, r_hi);
    let (hi, lo) = fast_two_sum(t_hi, s_hi);
    let lo = lo + (s_lo + (t_hi * p_small + t_lo * (1.0 + r)));
    // Renormalise so |lo| <= ulp(hi)/2: the divisions in the callers correct
    // a quotient of hi only to first order in lo/hi.
    let (hi, lo) = fast_two_sum(hi, lo);
    ExpParts {
        hi,
        lo,
        k: n_int >> 6,
    }
}

/// `2^(j/64)` for `j = 0..64` as double-doubles `(hi, lo)`.
#[rustfmt::skip]
static TWO_POW_J_OVER_64: [(f64, f64); 64] = [
    (f64::from_bits(0x3ff0000000000000), f64::from_bits(0x0000000000000000)), // 2^(0/64)
    (f64::from_bits(0x3ff02c9a3e778061), f64::from_bits(0xbc719083535b085d)), // 2^(1/64)
    (f64::from_bits(0x3ff059b0d3158574), f64::from_bits(0x3c8d73e2a475b465)), // 2^(2/64)
    (f64::from_bits(0x3ff0874518759bc8), f64::from_bits(0x3c6186be4bb284ff)), // 2^(3/64)
    (f64::from_bits(0x3ff0b5586cf9890f), f64::from_bits(0x3c98a62e4adc610b)), // 2^(4/64)
    (f64::from_bits(0x3ff0e3ec32d3d1a2), f64::from_bits(0x3c403a1727c57b53)), // 2^(5/64)
    (f64::from_bits(0x3ff11301d0125b51), f64::from_bits(0xbc96c51039449b3a)), // 2^(6/64)
    (f64::from_bits(0x3ff1429aaea92de0), f64::from_bits(0xbc932fbf9af1369e)), // 2^(7/64)
    (f64::from_bits(0x3ff172b83c7d517b), f64::from_bits(0xbc819041b9d78a76)), // 2^(8/64)
    (f64::from_bits(0x3ff1a35beb6fcb75), f64::from_bits(0x3c8e5b4c7b4968e4)), // 2^(9/64)
    (f64::from_bits(0x3ff1d4873168b9aa), f64::from_bits(0x3c9e016e00a2643c)), // 2^(10/64)
    (f64::from_bits(0x3ff2063b88628cd6), f64::from_bits(0x3c8dc775814a8495)), // 2^(11/64)
    (f64::from_bits(0x3ff2387a6e756238), f64::from_bits(0x3c99b07eb6c70573)), // 2^(12/64)
    (f64::from_bits(0x3ff26b4565e27cdd), f64::from_bits(0x3c82bd339940e9d9)), // 2^(13/64)
    (f64::from_bits(0x3ff29e9df51fdee1), f64::from_bits(0x3c8612e8afad1255)), // 2^(14/64)
    (f64::from_bits(0x3ff2d285a6e4030b), f64::from_bits(0x3c90024754db41d5)), // 2^(15/64)
    (f64::from_bits(0x3ff306fe0a31b715), f64::from_bits(0x3c86f46ad23182e4)), // 2^(16/64)
    (f64::from_bits(0x3ff33c08b26416ff), f64::from_bits(0x3c932721843659a6)), // 2^(17/64)
    (f64::from_bits(0x3ff371a7373aa9cb), f64::from_bits(0xbc963aeabf42eae2)), // 2^(18/64)
    (f64::from_bits(0x3ff3a7db34e59ff7), f64::from_bits(0xbc75e436d661f5e3)), // 2^(19/64)
    (f64::from_bits(0x3ff3dea64c123422), f64::from_bits(0x3c8ada0911f09ebc)), // 2^(20/64)
    (f64::from_bits(0x3ff4160a21f72e2a), f64::from_bits(0xbc5ef3691c309278)), // 2^(21/64)
    (f64::from_bits(0x3ff44e086061892d), f64::from_bits(0x3c489b7a04ef80d0)), // 2^(22/64)
    (f64::from_bits(0x3ff486a2b5c13cd0), f64::from_bits(0x3c73c1a3b69062f0)), // 2^(23/64)
    (f64::from_bits(0x3ff4bfdad5362a27), f64::from_bits(0x3c7d4397afec42e2)), // 2^(24/64)
    (f64::from_bits(0x3ff4f9b2769d2ca7), f64::from_bits(0xbc94b309d25957e3)), // 2^(25/64)
    (f64::from_bits(0x3ff5342b569d4f82), f64::from_bits(0xbc807abe1db13cad)), // 2^(26/64)
    (f64::from_bits(0x3ff56f4736b527da), f64::from_bits(0x3c99bb2c011d93ad)), // 2^(27/64)
    (f64::from_bits(0x3ff5ab07dd485429), f64::from_bits(0x3c96324c054647ad)), // 2^(28/64)
    (f64::from_bits(0x3ff5e76f15ad2148), f64::from_bits(0x3c9ba6f93080e65e)), // 2^(29/64)
    (f64::from_bits(0x3ff6247eb03a5585), f64::from_bits(0xbc9383c17e40b497)), // 2^(30/64)
    (f64::from_bits(0x3ff6623882552225), f64::from_bits(0xbc9bb60987591c34)), // 2^(31/64)
    (f64::from_bits(0x3ff6a09e667f3bcd), f64::from_bits(0xbc9bdd3413b26456)), // 2^(32/64)
    (f64::from_bits(0x3ff6dfb23c651a2f), f64::from_bits(0xbc6bbe3a683c88ab)), // 2^(33/64)
    (f64::from_bits(0x3ff71f75e8ec5f74), f64::from_bits(0xbc816e4786887a99)), // 2^(34/64)
    (f64::from_bits(0x3ff75feb564267c9), f64::from_bits(0xbc90245957316dd3)), // 2^(35/64)
    (f64::from_bits(0x3ff7a11473eb0187), f64::from_bits(0xbc841577ee04992f)), // 2^(36/64)
    (f64::from_bits(0x3ff7e2f336cf4e62), f64::from_bits(0x3c705d02ba15797e)), // 2^(37/64)
    (f64::from_bits(0x3ff82589994cce13), f64::from_bits(0xbc9d4c1dd41532d8)), // 2^(38/64)
    (f64::from_bits(0x3ff868d99b4492ed), f64::from_bits(0xbc9fc6f89bd4f6ba)), // 2^(39/64)
    (f64::from_bits(0x3ff8ace5422aa0db), f64::from_bits(0x3c96e9f156864b27)), // 2^(40/64)
    (f64::from_bits(0x3ff8f1ae99157736), f64::from_bits(0x3c85cc13a2e3976c)), // 2^(41/64)
    (f64::from_bits(0x3ff93737b0cdc5e5), f64::from_bits(0xbc675fc781b57ebc)), // 2^(42/64)
    (f64::from_bits(0x3ff97d829fde4e50), f64::from_bits(0xbc9d185b7c1b85d1)), // 2^(43/64)
    (f64::from_bits(0x3ff9c49182a3f090), f64::from_bits(0x3c7c7c46b071f2be)), // 2^(44/64)
    (f64::from_bits(0x3ffa0c667b5de565), f64::from_bits(0xbc9359495d1cd533)), // 2^(45/64)
    (f64::from_bits(0x3ffa5503b23e255d), f64::from_bits(0xbc9d2f6edb8d41e1)), // 2^(46/64)
    (f64::from_bits(0x3ffa9e6b5579fdbf), f64::from_bits(0x3c90fac90ef7fd31)), // 2^(47/64)
    (f64::from_bits(0x3ffae89f995ad3ad), f64::from_bits(0x3c97a1cd345dcc81)), // 2^(48/64)
    (f64::from_bits(0x3ffb33a2b84f15fb), f64::from_bits(0xbc62805e3084d708)), // 2^(49/64)
    (f64::from_bits(0x3ffb7f76f2fb5e47), f64::from_bits(0xbc75584f7e54ac3b)), // 2^(50/64)
    (f64::from_bits(0x3ffbcc1e904bc1d2), f64::from_bits(0x3c823dd07a2d9e84)), // 2^(51/64)
    (f64::from_bits(0x3ffc199bdd85529c), f64::from_bits(0x3c811065895048dd)), // 2^(52/64)
    (f64::from_bits(0x3ffc67f12e57d14b), f64::from_bits(0x3c92884dff483cad)), // 2^(53/64)
    (f64::from_bits(0x3ffcb720dcef9069), f64::from_bits(0x3c7503cbd1e949db)), // 2^(54/64)
    (f64::from_bits(0x3ffd072d4a07897c), f64::from_bits(0xbc9cbc3743797a9c)), // 2^(55/64)
    (f64::from_bits(0x3ffd5818dcfba487), f64::from_bits(0x3c82ed02d75b3707)), // 2^(56/64)
    (f64::from_bits(0x3ffda9e603db3285), f64::from_bits(0x3c9c2300696db532)), // 2^(57/64)
    (f64::from_bits(0x3ffdfc97337b9b5f), f64::from_bits(0xbc91a5cd4f184b5c)), // 2^(58/64)
    (f64::from_bits(0x3ffe502ee78b3ff6), f64::from_bits(0x3c839e8980a9cc8f)), // 2^(59/64)
    (f64::from_bits(0x3ffea4afa2a490da), f64::from_bits(0xbc9e9c23179c2893)), // 2^(60/64)
    (f64::from_bits(0x3ffefa1bee615a27), f64::from_bits(0x3c9dc7f486a4b6b0)), // 2^(61/64)
    (f64::from_bits(0x3fff50765b6e4540), f64::from_bits(0x3c99d3e12dd8a18b)), // 2^(62/64)
    (f64::from_bits(0x3fffa7c1819e90d8), f64::from_bits(0x3c874853f3a5931e)), // 2^(63/64)
];

#[cfg(test)]
mod tests {
    use super::*;

    fn value(p: ExpParts) -> f64 {
        super::super::dd::mul_pow2(p.hi + p.lo, p.k)
    }

    #[test]
    fn exact_points() {
        assert_eq!(value(exp_parts(0.0)), 1.0);
        let p = exp_parts(0.0);
        assert_eq!((p.hi, p.lo, p.k), (1.0, 0.0, 0));
        assert_eq!(value(exp_parts(1.0)), std::f64::consts::E);
        let p = exp_parts(-7.1);
        assert!(p.lo.abs() <= f64::EPSILON * p.hi / 2.0);
    }

    #[test]
    fn agrees_with_std_exp() {
        let mut u = -700.0;
        while u < 709.0 {
            let ours = value(exp_parts(u));
            let std = u.exp();
            let rel = ((ours - std) / std).abs();
            assert!(rel <= 2.5 * f64::EPSILON, "u={u} ours={ours} std={std}");
            u += 0.37;
        }
    }

    #[test]
    fn table_is_monotone_and_normalised() {
        for w in TWO_POW_J_OVER_64.windows(2) {
            assert!(w[0].0 < w[1].0);
        }
        for (hi, lo) in TWO_POW_J_OVER_64 {
            assert!(lo.abs() <= hi * f64::EPSILON / 2.0);
        }
    }
}
