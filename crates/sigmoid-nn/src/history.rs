//! [`History`]: what [`Sequential::fit`](crate::Sequential::fit) records per epoch.

/// The per-epoch record of [`Sequential::fit`], as Keras' `History.history`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct History {
    /// Training loss per epoch.
    pub loss: Vec<f64>,
    /// Training accuracy per epoch (empty unless accuracy is a compiled metric).
    pub accuracy: Vec<f64>,
    /// Validation loss per epoch (empty without validation data).
    pub val_loss: Vec<f64>,
    /// Validation accuracy per epoch (empty without validation data or the metric).
    pub val_accuracy: Vec<f64>,
    /// Wall-clock seconds per epoch.
    pub epoch_seconds: Vec<f64>,
    /// The epoch at which a callback stopped training, if one did.
    pub stopped_epoch: Option<usize>,
}
