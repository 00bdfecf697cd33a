//! The parts of a training epoch that [`Sequential::fit`] and
//! [`Sequential::fit_batches`] share: one optimizer step on a batch, and the
//! end of an epoch (history, validation, callbacks).

use std::ops::ControlFlow;
use std::time::Instant;

use ndarray::{ArrayView1, ArrayView2};

use crate::callbacks::{BatchLogs, Callback, EpochLogs};
use crate::optimizer::OptimizerState;
use crate::{History, NnError, Optimizer, Sequential};

/// One epoch's running totals.
pub(crate) struct Epoch {
    pub number: usize,
    start: Instant,
    loss_sum: f64,
    correct: usize,
    pub seen: usize,
    outputs: usize,
    accuracy: bool,
}

impl Epoch {
    /// Epoch `number` (1-based) of a model with `outputs` outputs, tracking
    /// accuracy if it is a compiled metric.
    pub fn begin(number: usize, outputs: usize, accuracy: bool) -> Self {
        Epoch {
            number,
            start: Instant::now(),
            loss_sum: 0.0,
            correct: 0,
            seen: 0,
            outputs,
            accuracy,
        }
    }

    fn accuracy_so_far(&self) -> f64 {
        if self.accuracy {
            self.correct as f64 / (self.seen * self.outputs) as f64
        } else {
            f64::NAN
        }
    }
}

impl Sequential {
    /// One optimizer step on batch `batch` (1-based) of `epoch`, and the
    /// batch callbacks.
    ///
    /// # Errors
    /// [`NnError::NonFiniteLoss`], before the weights change.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn train_step(
        &mut self,
        state: &mut OptimizerState,
        optimizer: &Optimizer,
        epoch: &mut Epoch,
        batch: usize,
        (x, y, w): (
            ArrayView2<'_, f32>,
            ArrayView2<'_, f32>,
            Option<ArrayView1<'_, f32>>,
        ),
        callbacks: &mut [Box<dyn Callback + '_>],
    ) -> Result<(), NnError> {
        let lg = self.batch_gradient(x, y, w);
        if !lg.loss.is_finite() {
            return Err(NnError::NonFiniteLoss {
                epoch: epoch.number,
                batch,
                value: lg.loss,
            });
        }
        state.apply(optimizer, &mut self.layers, &lg.grads);
        let m = x.nrows();
        epoch.loss_sum += lg.loss * m as f64;
        epoch.correct += lg.correct;
        epoch.seen += m;
        if !callbacks.is_empty() {
            let logs = BatchLogs {
                epoch: epoch.number,
                batch,
                size: m,
                loss: lg.loss,
                running_loss: epoch.loss_sum / epoch.seen as f64,
                running_accuracy: epoch.accuracy_so_far(),
                layers: &self.layers,
            };
            for cb in callbacks.iter_mut() {
                cb.on_batch_end(&logs);
            }
        }
        Ok(())
    }

    /// Ends an epoch: its metrics (and the validation data's) into the
    /// history, and the epoch callbacks; whether one of them asked to stop.
    ///
    /// # Errors
    /// The validation data's evaluation errors.
    pub(crate) fn end_epoch(
        &self,
        epoch: Epoch,
        history: &mut History,
        validation: Option<(ArrayView2<'_, f32>, ArrayView2<'_, f32>)>,
        callbacks: &mut [Box<dyn Callback + '_>],
    ) -> Result<bool, NnError> {
        let loss = epoch.loss_sum / epoch.seen as f64;
        let acc = epoch.accuracy_so_far();
        history.loss.push(loss);
        if epoch.accuracy {
            history.accuracy.push(acc);
        }
        let (mut val_loss, mut val_accuracy) = (None, None);
        if let Some((vx, vy)) = validation {
            let e = self.evaluate(vx, vy)?;
            history.val_loss.push(e.loss);
            val_loss = Some(e.loss);
            if epoch.accuracy {
                history.val_accuracy.push(e.accuracy);
                val_accuracy = Some(e.accuracy);
            }
        }
        let seconds = epoch.start.elapsed().as_secs_f64();
        history.epoch_seconds.push(seconds);
        let logs = EpochLogs {
            epoch: epoch.number,
            loss,
            accuracy: acc,
            val_loss,
            val_accuracy,
            seconds,
            layers: &self.layers,
        };
        let mut stop = false;
        for cb in callbacks.iter_mut() {
            stop |= cb.on_epoch_end(&logs) == ControlFlow::Break(());
        }
        if stop {
            history.stopped_epoch = Some(epoch.number);
        }
        Ok(stop)
    }
}
