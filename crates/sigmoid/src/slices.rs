//! Slice forms of every elementwise function.
//!
//! `name_slice(&input, &mut output)` writes `output[i] = name(input[i])`;
//! `name_inplace(&mut data)` overwrites each element (the forms of every
//! function are generated in `tiers.rs`). An element's result never depends
//! on the slice's length, alignment or the element's position. This file
//! holds the forms that are not one function of one argument: the backward
//! pass, binary cross-entropy and the checked logit.

use crate::{Accuracy, Error, Float, Function, Kernels};

#[track_caller]
pub(crate) fn assert_same_len(function: &str, what: &str, a: usize, b: usize) {
    assert!(
        a == b,
        "{function}: {what} have different lengths ({a} and {b})"
    );
}

macro_rules! slice_forms_root {
    ($list:tt) => {
        crate::tiers::slice_forms!(crate::Accuracy::Default, $list);
    };
}
crate::function::with_functions!(slice_forms_root);

/// The backward pass over slices: `dx[i] = dy[i] · y[i] · (1 − y[i])`.
///
/// # Panics
/// If the three slices do not all have the same length.
///
/// ```
/// let y = [0.5_f32, 0.25];
/// let dy = [1.0_f32, 2.0];
/// let mut dx = [0.0_f32; 2];
/// sigmoid::sigmoid_backward_slice(&y, &dy, &mut dx);
/// assert_eq!(dx, [0.25, 0.375]);
/// ```
#[track_caller]
pub fn sigmoid_backward_slice<T: Float>(y: &[T], dy: &[T], dx: &mut [T]) {
    assert_same_len("sigmoid_backward_slice", "y and dy", y.len(), dy.len());
    assert_same_len("sigmoid_backward_slice", "y and dx", y.len(), dx.len());
    Kernels::new(Accuracy::Default).backward(y, dy, dx);
}

/// The backward pass in place: `grad[i] ← grad[i] · y[i] · (1 − y[i])`.
///
/// # Panics
/// If `y` and `grad` have different lengths.
#[track_caller]
pub fn sigmoid_backward_inplace<T: Float>(y: &[T], grad: &mut [T]) {
    assert_same_len(
        "sigmoid_backward_inplace",
        "y and grad",
        y.len(),
        grad.len(),
    );
    for (g, &y) in grad.iter_mut().zip(y) {
        *g = T::sigmoid_backward_scalar(y, *g);
    }
}

/// Elementwise [`bce_with_logits`](crate::bce_with_logits): `loss[i] = bce(z[i], y[i])`.
///
/// # Panics
/// If the three slices do not all have the same length.
#[track_caller]
pub fn bce_with_logits_slice<T: Float>(z: &[T], y: &[T], loss: &mut [T]) {
    assert_same_len("bce_with_logits_slice", "z and y", z.len(), y.len());
    assert_same_len("bce_with_logits_slice", "z and loss", z.len(), loss.len());
    for ((out, &z), &y) in loss.iter_mut().zip(z).zip(y) {
        *out = T::bce_with_logits_scalar(z, y);
    }
}

/// The mean binary cross-entropy over a batch of logits `z` and targets `y`,
/// as Keras' `BinaryCrossentropy(from_logits=True)` reports it.
///
/// The sum is accumulated in f64 with compensation (Neumaier), so the mean is
/// accurate to a few ULP whatever the batch size. An empty batch gives NaN.
///
/// # Panics
/// If `z` and `y` have different lengths.
///
/// ```
/// let loss = sigmoid::bce_with_logits_mean(&[0.0_f32, 0.0], &[1.0, 0.0]);
/// approx::assert_relative_eq!(loss, std::f32::consts::LN_2);
/// ```
#[track_caller]
pub fn bce_with_logits_mean<T: Float>(z: &[T], y: &[T]) -> T {
    assert_same_len("bce_with_logits_mean", "z and y", z.len(), y.len());
    if z.is_empty() {
        return T::from_f64(f64::NAN);
    }
    let mut sum = 0.0_f64;
    let mut compensation = 0.0_f64;
    for (&z, &y) in z.iter().zip(y) {
        let term = crate::scalar::f64::bce_with_logits(z.to_f64(), y.to_f64());
        let t = sum + term;
        if sum.abs() >= term.abs() {
            compensation += (sum - t) + term;
        } else {
            compensation += (term - t) + sum;
        }
        sum = t;
    }
    T::from_f64((sum + compensation) / z.len() as f64)
}

/// [`logit_slice`] for user-supplied probabilities.
///
/// # Errors
/// [`Error::ProbabilityOutOfRange`] naming the first element that is NaN or
/// outside [0, 1]; `output` is then left unspecified.
///
/// # Panics
/// If `input` and `output` have different lengths.
#[track_caller]
pub fn try_logit_slice<T: Float>(input: &[T], output: &mut [T]) -> Result<(), Error> {
    assert_same_len(
        "try_logit_slice",
        "input and output",
        input.len(),
        output.len(),
    );
    for (index, &p) in input.iter().enumerate() {
        crate::functions::check_probability(p, index)?;
    }
    Kernels::new(Accuracy::Default).apply(Function::Logit, input, output);
    Ok(())
}
