//! Hooks into [`Sequential::fit`](crate::Sequential::fit): [`Callback`] and [`EarlyStopping`].

use std::ops::ControlFlow;

use crate::Layer;

/// What `fit` knows when training starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainBegin {
    /// The number of epochs asked for.
    pub epochs: usize,
    /// Batches per epoch (the last, partial one included).
    pub steps_per_epoch: usize,
    /// Training rows (after the validation split).
    pub samples: usize,
}

/// The state after one optimizer step.
#[derive(Clone, Copy, Debug)]
pub struct BatchLogs<'a> {
    /// 1-based epoch.
    pub epoch: usize,
    /// 1-based batch within the epoch.
    pub batch: usize,
    /// Rows in this batch.
    pub size: usize,
    /// This batch's loss, before the update.
    pub loss: f64,
    /// The batch-size-weighted mean loss of the epoch so far (what Keras' progress bar shows).
    pub running_loss: f64,
    /// The epoch's accuracy so far (NaN if accuracy is not a compiled metric).
    pub running_accuracy: f64,
    /// The layers, with the weights after this step.
    pub layers: &'a [Layer],
}

/// The metrics of one finished epoch, as they are appended to the [`History`](crate::History).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochLogs<'a> {
    /// 1-based epoch.
    pub epoch: usize,
    /// The epoch's training loss (batch-size-weighted mean of the batches' losses before each update).
    pub loss: f64,
    /// The epoch's training accuracy, likewise (NaN if not compiled as a metric).
    pub accuracy: f64,
    /// The validation loss at the end of the epoch, when there is validation data.
    pub val_loss: Option<f64>,
    /// The validation accuracy at the end of the epoch, when there is validation data.
    pub val_accuracy: Option<f64>,
    /// Wall-clock seconds the epoch took (validation included).
    pub seconds: f64,
    /// The layers, with the weights at the end of the epoch.
    pub layers: &'a [Layer],
}

/// A hook called by `fit`; every method has an empty default.
///
/// ```
/// use std::ops::ControlFlow;
/// use sigmoid_nn::{Callback, EpochLogs};
///
/// /// Prints one line per epoch.
/// struct Print;
/// impl Callback for Print {
///     fn on_epoch_end(&mut self, logs: &EpochLogs) -> ControlFlow<()> {
///         println!("epoch {}: loss {:.4}", logs.epoch, logs.loss);
///         ControlFlow::Continue(())
///     }
/// }
/// ```
pub trait Callback {
    /// Before the first epoch.
    fn on_train_begin(&mut self, _info: &TrainBegin) {}
    /// Before each epoch (1-based).
    fn on_epoch_begin(&mut self, _epoch: usize) {}
    /// After each optimizer step.
    fn on_batch_end(&mut self, _logs: &BatchLogs<'_>) {}
    /// After each epoch; `ControlFlow::Break(())` stops training (the epoch stays in the history).
    fn on_epoch_end(&mut self, _logs: &EpochLogs<'_>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// After the last epoch (or the one a callback stopped at), with the
    /// model's layers, which the callback may change (to restore weights).
    fn on_train_end(&mut self, _layers: &mut [Layer]) {}
}

/// A callback lent to `fit` (`FitOptions::callback(&mut stop)`), so that
/// the caller can read its state afterwards.
impl<C: Callback + ?Sized> Callback for &mut C {
    fn on_train_begin(&mut self, info: &TrainBegin) {
        (**self).on_train_begin(info);
    }
    fn on_epoch_begin(&mut self, epoch: usize) {
        (**self).on_epoch_begin(epoch);
    }
    fn on_batch_end(&mut self, logs: &BatchLogs<'_>) {
        (**self).on_batch_end(logs);
    }
    fn on_epoch_end(&mut self, logs: &EpochLogs<'_>) -> ControlFlow<()> {
        (**self).on_epoch_end(logs)
    }
    fn on_train_end(&mut self, layers: &mut [Layer]) {
        (**self).on_train_end(layers);
    }
}

/// The quantity [`EarlyStopping`] watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Monitor {
    /// `val_loss` (Keras' default); lower is better. Falls back to `loss` without validation data.
    #[default]
    ValLoss,
    /// `loss`; lower is better.
    Loss,
    /// `val_accuracy`; higher is better. Falls back to `accuracy` without validation data.
    ValAccuracy,
    /// `accuracy`; higher is better.
    Accuracy,
}

/// Stops training when the monitored quantity has not improved by more than
/// `min_delta` for `patience` epochs, as Keras' `EarlyStopping`; with
/// [`restore_best_weights`](EarlyStopping::restore_best_weights), the model
/// ends with the weights of its best epoch (as Keras 3: whether or not it
/// stopped early).
///
/// Lend it to `fit` with `&mut` to read [`stopped_epoch`](EarlyStopping::stopped_epoch)
/// and [`best_epoch`](EarlyStopping::best_epoch) afterwards:
///
/// ```
/// use ndarray::array;
/// use sigmoid_nn::{Activation, Dense, EarlyStopping, FitOptions, Loss, Monitor, Sequential, Sgd};
///
/// let x = array![[0.0_f32], [1.0], [2.0], [3.0]];
/// let y = array![[0.0_f32], [0.0], [1.0], [1.0]];
/// let mut model = Sequential::with_seed(1, 7);
/// model.add(Dense::new(1).activation(Activation::Sigmoid));
/// model.compile(Sgd::new(0.5), Loss::BinaryCrossentropy, &[])?;
/// // Accuracy reaches 1.0 and cannot improve further, so training stops.
/// let mut stop = EarlyStopping::new(Monitor::Accuracy).patience(2);
/// let history = model.fit(&x, &y, FitOptions::new().epochs(500).batch_size(4).callback(&mut stop))?;
/// let stopped = stop.stopped_epoch().expect("accuracy stops improving");
/// assert!(stopped < 500);
/// assert_eq!(history.stopped_epoch, Some(stopped));
/// assert_eq!(history.loss.len(), stopped);
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct EarlyStopping {
    monitor: Monitor,
    patience: usize,
    min_delta: f64,
    restore_best_weights: bool,
    best: Option<f64>,
    best_epoch: Option<usize>,
    best_weights: Option<Vec<Layer>>,
    wait: usize,
    stopped_epoch: Option<usize>,
}

impl EarlyStopping {
    /// Watches `monitor` with patience 0 and min_delta 0 (Keras' defaults).
    pub fn new(monitor: Monitor) -> Self {
        EarlyStopping {
            monitor,
            patience: 0,
            min_delta: 0.0,
            restore_best_weights: false,
            best: None,
            best_epoch: None,
            best_weights: None,
            wait: 0,
            stopped_epoch: None,
        }
    }

    /// Epochs without improvement before stopping (builder style).
    #[must_use]
    pub fn patience(mut self, patience: usize) -> Self {
        self.patience = patience;
        self
    }

    /// The smallest change that counts as an improvement (builder style).
    #[must_use]
    pub fn min_delta(mut self, min_delta: f64) -> Self {
        self.min_delta = min_delta.abs();
        self
    }

    /// At the end of training, set the weights back to those of the best
    /// epoch (builder style; Keras' `restore_best_weights=True`).
    #[must_use]
    pub fn restore_best_weights(mut self, restore: bool) -> Self {
        self.restore_best_weights = restore;
        self
    }

    /// The epoch at which training was stopped, if it was.
    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped_epoch
    }

    /// The epoch with the best monitored value so far, if an epoch has ended.
    pub fn best_epoch(&self) -> Option<usize> {
        self.best_epoch
    }
}

impl Callback for EarlyStopping {
    fn on_epoch_end(&mut self, logs: &EpochLogs<'_>) -> ControlFlow<()> {
        let (value, lower_is_better) = match self.monitor {
            Monitor::ValLoss => (logs.val_loss.unwrap_or(logs.loss), true),
            Monitor::Loss => (logs.loss, true),
            Monitor::ValAccuracy => (logs.val_accuracy.unwrap_or(logs.accuracy), false),
            Monitor::Accuracy => (logs.accuracy, false),
        };
        let improved = match self.best {
            None => true,
            Some(best) if lower_is_better => value < best - self.min_delta,
            Some(best) => value > best + self.min_delta,
        };
        if improved {
            self.best = Some(value);
            self.best_epoch = Some(logs.epoch);
            if self.restore_best_weights {
                self.best_weights = Some(logs.layers.to_vec());
            }
            self.wait = 0;
            return ControlFlow::Continue(());
        }
        self.wait += 1;
        if self.wait >= self.patience {
            self.stopped_epoch = Some(logs.epoch);
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn on_train_end(&mut self, layers: &mut [Layer]) {
        if let Some(best) = self.best_weights.take() {
            layers.clone_from_slice(&best);
        }
    }
}
