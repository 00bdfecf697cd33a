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
    /// A name that is not one of the accepted ones (a [`Function`](crate::Function),
    /// an [`Accuracy`](crate::Accuracy), an [`Isa`](crate::Isa)).
    #[error("unknown {what} {name:?}; expected one of: {expected}")]
    UnknownName {
        /// What was being named: `"function"`, `"accuracy"`, `"instruction set"`.
        what: &'static str,
        /// The name that was given.
        name: String,
        /// The accepted names, comma-separated.
        expected: String,
    },
    /// An instruction-set path that this CPU cannot run was requested.
    #[error("this CPU cannot run the {isa} path (it runs: {available})")]
    IsaUnavailable {
        /// The path requested.
        isa: crate::Isa,
        /// The paths this CPU runs, comma-separated.
        available: String,
    },
}
