//! [`NnError`], the one error type of this crate.

use std::fmt::Write as _;

/// Everything that can go wrong when building, training, saving or loading a
/// model, or reading a data set.
///
/// Each message is one line and names what it is about: the file, row and
/// column for data errors, the file for model files, the shapes for
/// mismatched arrays.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    /// Arrays whose shapes do not fit the model or each other.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A hyperparameter or option out of its range.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The model has no layers.
    #[error("the model has no layers; add a Dense layer first")]
    NoLayers,
    /// `fit` was called before `compile`.
    #[error("the model is not compiled; call compile() before fit()")]
    NotCompiled,
    /// The training loss became NaN or infinite; the weights are those before
    /// the offending batch.
    #[error(
        "the training loss became {value} at epoch {epoch}, batch {batch}; training stopped \
         (try a smaller learning rate, or check the data for extreme values)"
    )]
    NonFiniteLoss {
        /// 1-based epoch.
        epoch: usize,
        /// 1-based batch within the epoch.
        batch: usize,
        /// The loss value (NaN or ±∞).
        value: f64,
    },
    /// A file could not be read or written.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error (in the message, so not also reported as a source).
        error: std::io::Error,
    },
    /// A data file (CSV) with bad content.
    #[error("{file}{}: {message}", location(.row, .line, .column))]
    Data {
        /// The file (or the name of an embedded data set).
        file: String,
        /// 1-based data row (not counting the header), when it applies.
        row: Option<usize>,
        /// 1-based line in the file, when it applies.
        line: Option<u64>,
        /// The column, as `N ("name")` (1-based), when it applies.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A model file that is corrupt, truncated or does not match.
    #[error("{path}: {message}")]
    ModelFile {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An error from the `sigmoid` crate, such as an unknown activation name.
    #[error(transparent)]
    Sigmoid(#[from] sigmoid::Error),
}

fn location(row: &Option<usize>, line: &Option<u64>, column: &Option<String>) -> String {
    let mut out = String::new();
    if let Some(row) = row {
        let _ = write!(out, ": row {row}");
        if let Some(line) = line {
            let _ = write!(out, " (line {line})");
        }
    }
    if let Some(column) = column {
        let _ = write!(out, ", column {column}");
    }
    out
}

impl NnError {
    pub(crate) fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        NnError::Io {
            path: path.display().to_string(),
            error,
        }
    }

    pub(crate) fn model_file(path: &std::path::Path, message: impl Into<String>) -> Self {
        NnError::ModelFile {
            path: path.display().to_string(),
            message: message.into(),
        }
    }
}
