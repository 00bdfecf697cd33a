//! Every f16 and bf16 input: correctly rounded results from the scalar and the
//! slice functions, and the special-value contracts of f32.
//!
//! The reference is the f64 function (error < 2^-50 relative, far below a
//! 16-bit ULP) rounded once, correctly, to 16 bits. Run with each SIMD path by
//! setting `SIGMOID_ISA` (as `.ci/run` does).
#![cfg(feature = "half")]

use half::{bf16, f16};
use sigmoid::Float;

type Pair<T> = (&'static str, fn(T) -> T, fn(&[T], &mut [T]), fn(f64) -> f64);

fn functions<T: Float>() -> [Pair<T>; 6] {
    [
        (
            "sigmoid",
            sigmoid::sigmoid,
            sigmoid::sigmoid_slice,
            sigmoid::sigmoid,
        ),
        (
            "sigmoid_derivative",
            sigmoid::sigmoid_derivative,
            sigmoid::sigmoid_derivative_slice,
            sigmoid::sigmoid_derivative,
        ),
        (
            "log_sigmoid",
            sigmoid::log_sigmoid,
            sigmoid::log_sigmoid_slice,
            sigmoid::log_sigmoid,
        ),
        (
            "softplus",
            sigmoid::softplus,
            sigmoid::softplus_slice,
            sigmoid::softplus,
        ),
        (
            "logit",
            sigmoid::logit,
            sigmoid::logit_slice,
            sigmoid::logit,
        ),
        ("tanh", sigmoid::tanh, sigmoid::tanh_slice, sigmoid::tanh),
    ]
}

fn same<T: Float>(a: T, b: T) -> bool {
    a == b || (a.to_f64().is_nan() && b.to_f64().is_nan())
}

fn check_all<T: Float>(from_bits: fn(u16) -> T, to_bits: fn(T) -> u16) {
    let inputs: Vec<T> = (0..=u16::MAX).map(from_bits).collect();
    let mut failures = Vec::new();
    for (name, scalar, slice, reference) in functions::<T>() {
        let expected: Vec<T> = inputs
            .iter()
            .map(|&x| T::from_f64(reference(x.to_f64())))
            .collect();
        // The slice kernel at several offsets, so every element is seen in
        // the head, the body and the tail of a block.
        for offset in [0, 1, 7] {
            let mut out = vec![T::ZERO; inputs.len() - offset];
            slice(&inputs[offset..], &mut out);
            let wrong = out
                .iter()
                .zip(&expected[offset..])
                .filter(|(a, b)| !same(**a, **b))
                .count();
            if wrong > 0 {
                let (i, (a, b)) = out
                    .iter()
                    .zip(&expected[offset..])
                    .enumerate()
                    .find(|(_, (a, b))| !same(**a, **b))
                    .expect("a mismatch");
                failures.push(format!(
                    "{} {name}_slice (offset {offset}): {wrong} misrounded, first at x = {} ({:#06x}): {a} vs {b}",
                    T::DTYPE,
                    inputs[offset + i],
                    to_bits(inputs[offset + i])
                ));
            }
        }
        let wrong = inputs
            .iter()
            .zip(&expected)
            .filter(|(x, e)| !same(scalar(**x), **e))
            .count();
        if wrong > 0 {
            failures.push(format!("{} {name}: {wrong} misrounded", T::DTYPE));
        }
        println!(
            "{} {name:<20} 65536 inputs, slice and scalar correctly rounded",
            T::DTYPE
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_contracts<T: Float>(from_bits: fn(u16) -> T) {
    let nan = T::from_f64(f64::NAN);
    let inf = T::from_f64(f64::INFINITY);
    assert!(sigmoid::sigmoid(nan).to_f64().is_nan());
    assert_eq!(sigmoid::sigmoid(inf), T::ONE);
    assert_eq!(sigmoid::sigmoid(-inf).to_f64().to_bits(), 0);
    assert_eq!(sigmoid::sigmoid(T::ZERO).to_f64(), 0.5);
    assert_eq!(sigmoid::sigmoid(-T::ZERO).to_f64(), 0.5);
    let mut previous = sigmoid::sigmoid(-inf);
    // Negative inputs from -inf up to -0, then +0 up to +inf: σ never decreases.
    let order = (0x8000..=0xfc00u16).rev().chain(0..=0x7c00u16);
    for bits in order {
        let x = from_bits(bits);
        let y = sigmoid::sigmoid(x);
        assert!(y >= T::ZERO && y <= T::ONE, "σ({x}) = {y}");
        assert!(y >= previous, "σ not monotone at {x}");
        previous = y;
        for (name, scalar, _, _) in functions::<T>() {
            let out = scalar(x);
            if name != "logit" && x.to_f64().is_finite() {
                assert!(
                    out.to_f64().is_finite(),
                    "{name}({x}) = {out} from a finite input"
                );
            }
        }
    }
}

/// The fast and exact tiers' slices (and the default tier through
/// `Kernels`), on every path: each recomputes the elements whose f32 result
/// lies within its error of a 16-bit midpoint, so all are correctly rounded.
fn check_every_tier<T: Float>(from_bits: fn(u16) -> T) {
    use sigmoid::{Accuracy, Function, Isa, Kernels};
    let inputs: Vec<T> = (0..=u16::MAX).map(from_bits).collect();
    let mut failures = Vec::new();
    for (f, reference) in [
        (Function::Sigmoid, sigmoid::sigmoid::<f64> as fn(f64) -> f64),
        (
            Function::SigmoidDerivative,
            sigmoid::sigmoid_derivative::<f64>,
        ),
        (Function::LogSigmoid, sigmoid::log_sigmoid::<f64>),
        (Function::Softplus, sigmoid::softplus::<f64>),
        (Function::Tanh, sigmoid::tanh::<f64>),
    ] {
        let expected: Vec<T> = inputs
            .iter()
            .map(|&x| T::from_f64(reference(x.to_f64())))
            .collect();
        for isa in Isa::available() {
            for accuracy in Accuracy::ALL {
                let kernels = Kernels::with_isa(isa, accuracy).expect("an available path");
                let mut out = vec![T::ZERO; inputs.len()];
                kernels.apply(f, &inputs, &mut out);
                let wrong = out
                    .iter()
                    .zip(&expected)
                    .filter(|(a, b)| !same(**a, **b))
                    .count();
                if wrong > 0 {
                    failures.push(format!(
                        "{} {f} {accuracy} {isa}: {wrong} misrounded",
                        T::DTYPE
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_f16_input_in_every_tier_and_path() {
    check_every_tier(f16::from_bits);
}

#[test]
fn every_bf16_input_in_every_tier_and_path() {
    check_every_tier(bf16::from_bits);
}

#[test]
fn every_f16_input_is_correctly_rounded() {
    check_all(f16::from_bits, f16::to_bits);
}

#[test]
fn every_bf16_input_is_correctly_rounded() {
    check_all(bf16::from_bits, bf16::to_bits);
}

#[test]
fn f16_contracts() {
    check_contracts(f16::from_bits);
}

#[test]
fn bf16_contracts() {
    check_contracts(bf16::from_bits);
}

#[test]
fn half_backward_and_bce_are_rounded_from_f64() {
    let y = [f16::from_f32(0.25), f16::from_f32(0.5)];
    let dy = [f16::ONE, f16::from_f32(2.0)];
    let mut dx = [f16::ZERO; 2];
    sigmoid::sigmoid_backward_slice(&y, &dy, &mut dx);
    assert_eq!(dx, [f16::from_f32(0.1875), f16::from_f32(0.5)]);
    let loss = sigmoid::bce_with_logits_mean(&[bf16::ZERO], &[bf16::ONE]);
    assert_eq!(loss, bf16::from_f32(std::f32::consts::LN_2));
}
