//! The sigmoid (logistic) function family, exact and fast, for `f32` and `f64`.
//!
//! ```
//! // tf.sigmoid(x), one value or a whole slice:
//! let y = sigmoid::sigmoid(0.5_f32);
//! assert!((y - 0.622_459_3).abs() < 1e-7);
//!
//! let x = [-2.0_f32, 0.0, 2.0];
//! let mut y = [0.0_f32; 3];
//! sigmoid::sigmoid_slice(&x, &mut y);
//! assert_eq!(y[1], 0.5);
//! ```
//!
//! # What is here
//! - σ and its relatives: [`sigmoid`], [`sigmoid_derivative`] (from x, accurate
//!   in both tails), [`sigmoid_backward`] (from the output y, for
//!   backpropagation), [`log_sigmoid`], [`softplus`], [`logit`] and
//!   [`try_logit`], [`bce_with_logits`]; [`relu`] and [`tanh`] for comparison.
//! - A slice form of each: `*_slice(&input, &mut output)` and
//!   `*_inplace(&mut data)`, plus [`sigmoid_backward_slice`] and
//!   [`bce_with_logits_mean`].
//! - [`Activation`], the activations of a Dense layer by their Keras names.
//!
//! # Half precision and arrays
//! With the default `half` feature every function also takes `half::f16`
//! and `half::bf16`, correctly rounded for all 65,536 inputs of each; slices
//! convert in registers (F16C where the CPU has it) around the f32 kernels.
//! With the default `ndarray` feature, [`SigmoidArray`] and
//! [`SigmoidArrayMut`] apply the functions to arrays of any dimension and
//! memory order, serially or (`par_` methods) over threads.
//!
//! ```
//! use half::f16;
//! use ndarray::Array2;
//! use sigmoid::{SigmoidArray, SigmoidArrayMut};
//!
//! assert_eq!(sigmoid::sigmoid(f16::ZERO), f16::from_f32(0.5));
//!
//! let mut activations = Array2::<f32>::from_shape_fn((512, 256), |(i, j)| (i as f32 - j as f32) / 64.0);
//! let probabilities = activations.sigmoid(); // a new array
//! activations.par_sigmoid_inplace(); // in place, split over threads
//! assert_eq!(activations, probabilities);
//! ```
//!
//! # Accuracy
//! Every error bound is stated in ULPs (units in the last place) in each
//! function's documentation and checked by tests against a higher-precision
//! reference: for `f32` over all 2^32 inputs, for `f64` on 10^7 random and
//! targeted inputs against 192-bit multiprecision arithmetic, for `f16` and
//! `bf16` over all 65,536 inputs. σ, σ', log σ and softplus are within 1 ULP
//! in every type: in f32 within 0.5001 ULP on every input and every SIMD
//! path (correctly rounded but for at most 20 near-ties per function); in
//! f64 within 0.51 ULP but for subnormal results (≤ 1 ULP, measured 0.75);
//! in f16 and bf16 correctly rounded.
//!
//! # Special values
//! NaN in gives NaN out. σ(+∞) = 1, σ(−∞) = +0, σ(±0) = 0.5. No function
//! returns an infinity or NaN for a finite input, except `logit` at 0 and 1
//! (±∞) and outside [0, 1] (NaN).

#![warn(missing_docs)]

mod activation;
mod error;
mod float;
mod functions;
#[cfg(feature = "half")]
mod half_types;
#[doc(hidden)]
pub mod kernels;
#[cfg(feature = "ndarray")]
mod ndarray_ext;
#[cfg(feature = "rayon")]
mod parallel;
mod scalar;
mod slices;

pub use activation::Activation;
pub use error::Error;
pub use float::Float;
pub use functions::{
    bce_with_logits, log_sigmoid, logit, relu, sigmoid, sigmoid_backward, sigmoid_derivative,
    softplus, tanh, try_logit,
};
#[cfg(feature = "ndarray")]
pub use ndarray_ext::{SigmoidArray, SigmoidArrayMut};
#[cfg(feature = "rayon")]
#[doc(hidden)]
pub use parallel::{CHUNK_BYTES, PAR_THRESHOLD_BYTES, par_map_chunks, with_threads};
#[cfg(feature = "rayon")]
pub use parallel::{
    par_log_sigmoid_inplace, par_log_sigmoid_slice, par_logit_inplace, par_logit_slice,
    par_relu_inplace, par_relu_slice, par_sigmoid_backward_inplace, par_sigmoid_backward_slice,
    par_sigmoid_derivative_inplace, par_sigmoid_derivative_slice, par_sigmoid_inplace,
    par_sigmoid_slice, par_softplus_inplace, par_softplus_slice, par_tanh_inplace, par_tanh_slice,
};
pub use slices::{
    bce_with_logits_mean, bce_with_logits_slice, log_sigmoid_inplace, log_sigmoid_slice,
    logit_inplace, logit_slice, relu_inplace, relu_slice, sigmoid_backward_inplace,
    sigmoid_backward_slice, sigmoid_derivative_inplace, sigmoid_derivative_slice, sigmoid_inplace,
    sigmoid_slice, softplus_inplace, softplus_slice, tanh_inplace, tanh_slice, try_logit_slice,
};

/// The instruction-set path the slice functions use: `"avx512"`, `"avx2"` or
/// `"portable"`, chosen once at first use from the CPU's features, or forced
/// with the environment variable `SIGMOID_ISA=portable|avx2|avx512`.
///
/// ```
/// assert!(["avx512", "avx2", "portable"].contains(&sigmoid::isa()));
/// ```
pub fn isa() -> &'static str {
    kernels::active().name()
}
