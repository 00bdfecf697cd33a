//! [`Metric`]s reported during training and the [`Evaluation`] of a model.

use std::str::FromStr;

use crate::NnError;

/// A metric reported during training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Metric {
    /// Keras' `binary_accuracy`: the fraction of outputs with (p > 0.5) == y.
    Accuracy,
}

impl FromStr for Metric {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim() {
            "accuracy" | "acc" | "binary_accuracy" => Ok(Metric::Accuracy),
            other => Err(NnError::InvalidArgument(format!(
                "unknown metric {other:?} (expected \"accuracy\")"
            ))),
        }
    }
}

/// The result of [`Sequential::evaluate`].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Mean binary cross-entropy.
    pub loss: f64,
    /// Binary accuracy.
    pub accuracy: f64,
}
