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
//! `bf16` over all 65,536 inputs. There are three tiers ([`Accuracy`]): the
//! crate root's slice functions are the default tier (σ, σ', log σ,
//! softplus and tanh within 0.78 ULP in f32 and 0.80 ULP in f64); [`exact`]
//! is correctly rounded but for at most 20 near-ties per function in f32
//! (within 0.5001 ULP, bit-identical on every SIMD path; f64 0.75 ULP) and
//! [`fast`] is within 4 ULP (measured 3.9). f16 and bf16 are correctly
//! rounded in every tier. Each function's documentation has its figures.
//!
//! # Special values
//! NaN in gives NaN out. σ(+∞) = 1, σ(−∞) = +0, σ(±0) = 0.5. No function
//! returns an infinity or NaN for a finite input, except `logit` at 0 and 1
//! (±∞) and outside [0, 1] (NaN).

#![warn(missing_docs)]

mod accuracy;
mod activation;
mod error;
mod float;
mod function;
mod functions;
#[cfg(feature = "half")]
mod half_types;
mod kernels;
#[cfg(feature = "ndarray")]
mod ndarray_ext;
#[cfg(feature = "rayon")]
mod parallel;
mod scalar;
mod selection;
mod slices;
mod tiers;

pub use accuracy::Accuracy;
pub use activation::Activation;
pub use error::Error;
pub use float::Float;
pub use function::Function;
pub use functions::{
    bce_with_logits, log_sigmoid, logit, relu, sigmoid, sigmoid_backward, sigmoid_derivative,
    softplus, tanh, try_logit,
};
pub use kernels::Isa;
#[cfg(feature = "ndarray")]
pub use ndarray_ext::{SigmoidArray, SigmoidArrayMut};
#[cfg(feature = "rayon")]
pub use parallel::{
    CHUNK_BYTES, PAR_THRESHOLD_BYTES, par_map_chunks, par_sigmoid_backward_inplace,
    par_sigmoid_backward_slice,
};
pub use selection::Kernels;
pub use slices::*;

macro_rules! tier_module {
    ($list:tt) => {
        /// The fast tier ([`Accuracy::Fast`]): the crate root's functions, within
        /// 4 ULP on every input, for throughput first.
        ///
        /// A drop-in for the crate root: `use sigmoid::fast as sigmoid;`.
        /// Never NaN for a finite input, outputs of σ in [0, 1], gradual underflow
        /// (no flush to zero); σ may reach 1 before the exact tier does and need
        /// not be monotone. Each function of the crate root states this tier's
        /// measured bound.
        ///
        /// ```
        /// let x = [-2.0_f32, 0.0, 2.0];
        /// let mut y = [0.0_f32; 3];
        /// sigmoid::fast::sigmoid_slice(&x, &mut y);
        /// assert_eq!(y[1], 0.5);
        /// ```
        pub mod fast {
            crate::tiers::slice_forms!(crate::Accuracy::Fast, $list);
            crate::tiers::scalar_forms!("fast", $list);
            crate::tiers::shared_forms!();
        }

        /// The exact tier ([`Accuracy::Exact`]): the crate root's functions,
        /// correctly rounded but for a handful of near-ties, with bit-identical
        /// results on every instruction-set path: the choice for results that
        /// must reproduce across machines.
        ///
        /// A drop-in for the crate root: `use sigmoid::exact as sigmoid;`.
        ///
        /// ```
        /// let x = [-2.0_f32, 0.0, 2.0];
        /// let mut y = [0.0_f32; 3];
        /// sigmoid::exact::sigmoid_slice(&x, &mut y);
        /// assert_eq!(y[2], sigmoid::exact::sigmoid(2.0_f32));
        /// ```
        pub mod exact {
            crate::tiers::slice_forms!(crate::Accuracy::Exact, $list);
            crate::tiers::scalar_forms!("exact", $list);
            crate::tiers::shared_forms!();
        }
    };
}
function::with_functions!(tier_module);

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
