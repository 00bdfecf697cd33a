//! The crate's error type.

/// What went wrong in a checked function such as [`try_logit`](crate::try_logit)
/// or when parsing an [`Activation`](crate::Activation).
///
/// New variants may be added; match with a wildcard arm.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A probability was outside `[0, 1]` or NaN. `index` is its position in
    /// the slice (0 for a scalar).
    #[error("probability {value} at index {index} is not in [0, 1]")]
    ProbabilityOutOfRange {
        /// The offending value.
        value: f64,
        /// Its position in the input.
        index: usize,
    },
    /// An activation name that is not one of the Keras names.
    #[error(
        "unknown activation {name:?}; expected one of: linear, sigmoid, relu, tanh, hard_sigmoid, silu, swish, softplus"
    )]
    UnknownActivation {
        /// The name that was given.
        name: String,
    },
}
