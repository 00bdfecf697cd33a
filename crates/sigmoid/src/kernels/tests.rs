//! Accuracy and consistency of every path against the scalar functions.
//!
//! The full proof is the exhaustive test over all 2^32 f32 inputs
//! (`tests/exhaustive_f32.rs`, and `exhaustive_every_path` here, both
//! `--ignored`); these sampled versions run in debug builds in seconds.

use super::*;
use crate::{Function as Unary, Kernels};

// These tests check the exact tier's kernels on each path; the Default and
// Fast tiers have their own tests (`tests/exhaustive_tiers.rs`), and
// `same_output_whatever_the_offset_and_length_in_every_tier` covers all three.
fn exact(isa: Isa) -> Kernels {
    Kernels::with_isa(isa, Accuracy::Exact).expect("an available path")
}
fn unary_f32_with(isa: Isa, op: Unary, input: &[f32], output: &mut [f32]) {
    exact(isa).apply(op, input, output)
}
fn unary_f64_with(isa: Isa, op: Unary, input: &[f64], output: &mut [f64]) {
    exact(isa).apply(op, input, output)
}
fn backward_f32_with(isa: Isa, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    exact(isa).backward(y, dy, dx)
}
fn backward_f64_with(isa: Isa, y: &[f64], dy: &[f64], dx: &mut [f64]) {
    exact(isa).backward(y, dy, dx)
}

/// The f32 functions that the SIMD paths compute (not by calling the scalar
/// function), with their f64 reference.
type Reference = fn(f64) -> f64;

const COMPUTED: [(Unary, Reference); 5] = [
    (Unary::Sigmoid, crate::scalar::f64::sigmoid),
    (
        Unary::SigmoidDerivative,
        crate::scalar::f64::sigmoid_derivative,
    ),
    (Unary::LogSigmoid, crate::scalar::f64::log_sigmoid),
    (Unary::Softplus, crate::scalar::f64::softplus),
    (Unary::Tanh, crate::scalar::f64::tanh),
];

const ALL: [Unary; 7] = [
    Unary::Sigmoid,
    Unary::SigmoidDerivative,
    Unary::LogSigmoid,
    Unary::Softplus,
    Unary::Logit,
    Unary::Relu,
    Unary::Tanh,
];

/// |y − reference| in units of the f32 ULP at the reference (the ULP of the
/// binade the exact value lies in; 2^-149 among subnormals).
fn ulp_error(y: f32, reference: f64) -> f64 {
    if reference.is_nan() {
        return if y.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if reference.is_infinite() || y.is_infinite() {
        return if f64::from(y) == reference {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let exponent = ((reference.abs().to_bits() >> 52) as i32 - 1023).max(-126);
    let ulp = 2f64.powi(exponent - 23);
    (f64::from(y) - reference).abs() / ulp
}

/// Checks the f32 inputs `bits` (a list of bit patterns) on one path and
/// returns the largest error per function, panicking above 1 ULP.
fn check_f32(isa: Isa, inputs: &[f32]) -> [f64; 5] {
    let mut worst = [0.0; 5];
    let mut out = vec![0.0_f32; inputs.len()];
    for (slot, &(op, reference)) in COMPUTED.iter().enumerate() {
        unary_f32_with(isa, op, inputs, &mut out);
        for (&x, &y) in inputs.iter().zip(&out) {
            let err = ulp_error(y, reference(f64::from(x)));
            assert!(
                err <= 1.0,
                "{isa} {op:?}({x:e} = {:#010x}) = {y:e}, {err} ULP from {:e}",
                x.to_bits(),
                reference(f64::from(x))
            );
            if err > worst[slot] {
                worst[slot] = err;
            }
        }
    }
    worst
}

fn strided(start: u32, stride: usize) -> Vec<f32> {
    (start..=u32::MAX)
        .step_by(stride)
        .map(f32::from_bits)
        .collect()
}

/// Every f32 between two values, stepping `stride` bit patterns.
fn range(from: f32, to: f32, stride: usize) -> Vec<f32> {
    let (a, b) = (from.to_bits(), to.to_bits());
    (a.min(b)..=a.max(b))
        .step_by(stride)
        .map(f32::from_bits)
        .collect()
}

#[test]
fn every_path_within_one_ulp_on_a_sample() {
    let mut inputs = strided(12_345, 4093);
    // σ's subnormal tail, the band below 1 and the small-argument region.
    inputs.extend(range(-87.0, -104.5, 5));
    inputs.extend(range(16.6, 17.4, 3));
    inputs.extend(range(-16.6, -17.4, 3));
    inputs.extend(range(1e-8, 0.05, 97));
    for isa in Isa::available() {
        let worst = check_f32(isa, &inputs);
        for ((op, _), err) in COMPUTED.iter().zip(worst) {
            assert!(err < 0.51, "{isa} {op:?}: {err} ULP");
        }
    }
}

#[test]
fn special_values_on_every_path() {
    let x = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        -103.9,
        17.0,
        -17.0,
        f32::MIN_POSITIVE,
        -f32::from_bits(1),
        f32::MAX,
        f32::MIN,
    ];
    let mut y = [0.0_f32; 12];
    for isa in Isa::available() {
        unary_f32_with(isa, Unary::Sigmoid, &x, &mut y);
        assert!(y[0].is_nan());
        assert_eq!(y[1], 1.0);
        assert_eq!(y[2].to_bits(), 0, "σ(−∞) = +0");
        assert_eq!((y[3], y[4]), (0.5, 0.5));
        assert!(y[5] > 0.0 && y[5] < f32::MIN_POSITIVE, "subnormal tail");
        assert!(y[6] < 1.0, "no early saturation");
        assert!(y[7] > 0.0);
        assert_eq!(y[10], 1.0);
        assert_eq!(y[11].to_bits(), 0);
        for op in ALL {
            unary_f32_with(isa, op, &x, &mut y);
            assert!(y[0].is_nan(), "{isa} {op:?}(NaN)");
            for (&xi, &yi) in x.iter().zip(&y).skip(1) {
                let expected = <f32 as crate::Float>::scalar(op, xi);
                assert!(
                    yi.to_bits() == expected.to_bits() || (yi.is_nan() && expected.is_nan()),
                    "{isa} {op:?}({xi:e}) = {yi:e}, scalar {expected:e}"
                );
            }
        }
    }
}

/// A deterministic spread of values over the interesting range (and beyond).
fn sample_values(n: usize) -> Vec<f32> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (state >> 40) as f32 / (1u64 << 24) as f32;
            match i % 7 {
                0 => f32::from_bits((state >> 32) as u32),
                _ => (u - 0.5) * 240.0,
            }
        })
        .collect()
}

#[test]
fn same_output_whatever_the_offset_and_length_in_every_tier() {
    let x = sample_values(300);
    for (isa, accuracy) in Isa::available()
        .into_iter()
        .flat_map(|isa| Accuracy::ALL.map(|accuracy| (isa, accuracy)))
    {
        let kernels = Kernels::with_isa(isa, accuracy).expect("an available path");
        let unary_f32_with =
            |_: Isa, op, input: &[f32], output: &mut [f32]| kernels.apply(op, input, output);
        let unary_f64_with =
            |_: Isa, op, input: &[f64], output: &mut [f64]| kernels.apply(op, input, output);
        let unary_inplace_f32_with = |_: Isa, op, data: &mut [f32]| kernels.apply_inplace(op, data);
        for op in ALL {
            let mut full = vec![0.0_f32; x.len()];
            unary_f32_with(isa, op, &x, &mut full);
            for start in 0..20 {
                for len in [
                    0,
                    1,
                    2,
                    7,
                    8,
                    9,
                    15,
                    16,
                    17,
                    31,
                    33,
                    63,
                    65,
                    100,
                    280 - start,
                ] {
                    let mut part = vec![0.0_f32; len + 3];
                    // Output offset differs from the input offset too.
                    let out = &mut part[start % 3..start % 3 + len];
                    unary_f32_with(isa, op, &x[start..start + len], out);
                    for (i, (&a, &b)) in out.iter().zip(&full[start..]).enumerate() {
                        assert_eq!(
                            a.to_bits(),
                            b.to_bits(),
                            "{isa} {op:?} start {start} len {len} i {i}"
                        );
                    }
                }
            }
            let mut data = x.clone();
            unary_inplace_f32_with(isa, op, &mut data[5..]);
            assert!(
                data[5..]
                    .iter()
                    .zip(&full[5..])
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
            // The f64 kernels too.
            let x64: Vec<f64> = x.iter().map(|&v| f64::from(v) * 1.000_000_1).collect();
            let mut full64 = vec![0.0_f64; x.len()];
            unary_f64_with(isa, op, &x64, &mut full64);
            for start in [0, 1, 3, 5, 7, 9] {
                let len = 250 - start;
                let mut out = vec![0.0_f64; len];
                unary_f64_with(isa, op, &x64[start..start + len], &mut out);
                assert!(
                    out.iter()
                        .zip(&full64[start..])
                        .all(|(a, b)| a.to_bits() == b.to_bits())
                );
            }
        }
    }
}

#[test]
fn simd_paths_are_bit_identical() {
    let available = Isa::available();
    if !(available.contains(&Isa::Avx2) && available.contains(&Isa::Avx512)) {
        return;
    }
    let mut x = strided(7, 1021);
    x.extend(range(-87.0, -104.5, 61));
    let mut a = vec![0.0_f32; x.len()];
    let mut b = vec![0.0_f32; x.len()];
    for op in ALL {
        unary_f32_with(Isa::Avx2, op, &x, &mut a);
        unary_f32_with(Isa::Avx512, op, &x, &mut b);
        for ((&xi, &ai), &bi) in x.iter().zip(&a).zip(&b) {
            assert!(
                ai.to_bits() == bi.to_bits() || (ai.is_nan() && bi.is_nan()),
                "{op:?}({xi:e}): avx2 {ai:e}, avx512 {bi:e}"
            );
        }
    }
}

#[test]
fn exact_functions_match_the_scalar_ones_bit_for_bit() {
    let y: Vec<f32> = sample_values(500)
        .iter()
        .map(|v| (v / 240.0) + 0.5)
        .collect();
    let dy = sample_values(500);
    let y64: Vec<f64> = y.iter().map(|&v| f64::from(v) * 0.999_999_7).collect();
    let dy64: Vec<f64> = dy.iter().map(|&v| f64::from(v) * 1.000_000_3).collect();
    for isa in Isa::available() {
        let mut dx = vec![0.0_f32; 500];
        backward_f32_with(isa, &y, &dy, &mut dx);
        for i in 0..500 {
            let expected = crate::scalar::f32::sigmoid_backward(y[i], dy[i]);
            assert!(dx[i].to_bits() == expected.to_bits() || dx[i].is_nan() && expected.is_nan());
        }
        let mut dx64 = vec![0.0_f64; 500];
        backward_f64_with(isa, &y64, &dy64, &mut dx64);
        for i in 0..500 {
            let expected = crate::scalar::f64::sigmoid_backward(y64[i], dy64[i]);
            assert!(
                dx64[i].to_bits() == expected.to_bits() || dx64[i].is_nan() && expected.is_nan()
            );
        }
        for op in ALL {
            let mut out = vec![0.0_f64; 500];
            unary_f64_with(isa, op, &dy64, &mut out);
            for (&x, &o) in dy64.iter().zip(&out) {
                let expected = scalar_f64(op)(x);
                assert!(o.to_bits() == expected.to_bits() || o.is_nan() && expected.is_nan());
            }
        }
    }
}

#[test]
fn forcing_a_path() {
    use super::dispatch::choose;
    let best = Isa::best();
    assert_eq!(choose(None), (best, None));
    assert_eq!(choose(Some("")), (best, None));
    assert_eq!(choose(Some(" portable ")), (Isa::Portable, None));
    for isa in [Isa::Avx2, Isa::Avx512] {
        let (chosen, warning) = choose(Some(isa.name()));
        if isa.is_available() {
            assert_eq!((chosen, warning), (isa, None));
        } else {
            assert_eq!(chosen, best);
            assert!(warning.unwrap().contains("cannot run"));
        }
    }
    let (chosen, warning) = choose(Some("sse9"));
    assert_eq!(chosen, best);
    assert!(warning.unwrap().contains("not one of"));
    assert_eq!(Isa::available()[0], Isa::Portable);
    assert!(Isa::available().contains(&active()));
    for isa in Isa::ALL {
        assert_eq!(isa.name().parse::<Isa>(), Ok(isa));
        // Forcing a path the CPU lacks is an error, not a crash.
        match Kernels::with_isa(isa, Accuracy::Default) {
            Ok(kernels) => {
                let mut y = [0.0_f32; 3];
                kernels.apply(Unary::Sigmoid, &[0.0, 1.0, -1.0], &mut y);
                assert_eq!(y[0], 0.5);
            }
            Err(error) => {
                assert!(!isa.is_available());
                assert!(error.to_string().contains("cannot run"), "{error}");
            }
        }
    }
}

#[test]
fn streamed_stores_give_the_same_bits_as_plain_stores() {
    // Streaming is chosen by size (`STREAM_THRESHOLD_BYTES`); forcing it on a
    // small slice checks the streamed body, and odd offsets check the head and
    // tail around it.
    let x = sample_values(3000);
    for (isa, accuracy) in Isa::available()
        .into_iter()
        .flat_map(|isa| Accuracy::ALL.map(|accuracy| (isa, accuracy)))
    {
        let plain = Plan {
            isa,
            accuracy,
            stream: false,
        };
        let streamed = Plan {
            stream: true,
            ..plain
        };
        for op in ALL {
            for offset in [0, 1, 7] {
                let input = &x[offset..];
                let mut a = vec![0.0_f32; input.len() + 3];
                let mut b = vec![0.0_f32; input.len() + 3];
                f32::unary(
                    plain,
                    op,
                    input,
                    &mut a[offset % 3..offset % 3 + input.len()],
                );
                f32::unary(
                    streamed,
                    op,
                    input,
                    &mut b[offset % 3..offset % 3 + input.len()],
                );
                assert!(
                    a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits()),
                    "{isa} {accuracy} {op} offset {offset}"
                );
                let x64: Vec<f64> = input.iter().map(|&v| f64::from(v)).collect();
                let mut a64 = vec![0.0_f64; x64.len()];
                let mut b64 = vec![0.0_f64; x64.len()];
                f64::unary(plain, op, &x64, &mut a64);
                f64::unary(streamed, op, &x64, &mut b64);
                assert!(
                    a64.iter()
                        .zip(&b64)
                        .all(|(a, b)| a.to_bits() == b.to_bits())
                );
            }
            let y: Vec<f32> = x.iter().map(|&v| crate::scalar::f32::sigmoid(v)).collect();
            let mut a = vec![0.0_f32; y.len()];
            let mut b = vec![0.0_f32; y.len()];
            f32::backward(plain, &y, &x, &mut a);
            f32::backward(streamed, &y, &x, &mut b);
            assert!(a.iter().zip(&b).all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
    assert!(Plan::new(Isa::Portable, Accuracy::Default, STREAM_THRESHOLD_BYTES).stream);
    assert!(!Plan::new(Isa::Portable, Accuracy::Default, STREAM_THRESHOLD_BYTES - 1).stream);
}
