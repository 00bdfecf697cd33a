//! Training on batches from anywhere: [`Batch`] and
//! [`Sequential::fit_batches`], for data that does not sit in one matrix
//! (a file streamed in blocks, a generator, another engine's partitions).

use std::ops::ControlFlow;
use std::time::Instant;

use ndarray::{Array1, Array2};

use crate::callbacks::{BatchLogs, EpochLogs, TrainBegin};
use crate::loss::loss_grad;
use crate::{FitOptions, History, Metric, NnError, Sequential};

/// One training step's rows: features (rows × inputs), targets (rows ×
/// outputs) and optional per-row weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// (rows × inputs).
    pub x: Array2<f32>,
    /// (rows × outputs), each 0 or 1.
    pub y: Array2<f32>,
    /// One weight per row (finite, not negative), or none for all 1.
    pub weight: Option<Array1<f32>>,
}

impl Batch {
    /// A batch without weights.
    pub fn new(x: Array2<f32>, y: Array2<f32>) -> Self {
        Batch { x, y, weight: None }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.x.nrows()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.x.nrows() == 0
    }
}

impl Sequential {
    /// Trains on the batches that `epoch_batches(epoch)` yields for each
    /// 1-based epoch, one optimizer step per batch, with the options'
    /// epochs, validation data and callbacks. The options' batch size,
    /// shuffling, validation split, sample weights and seed do not apply:
    /// the batches are taken as given, in order. Given the batches that
    /// [`fit`](Sequential::fit) would form, it trains the same model.
    ///
    /// Callbacks see the steps and rows of an epoch from the first epoch's
    /// iterator's `size_hint` (0 when it has no upper bound).
    ///
    /// ```
    /// use sigmoid_nn::ndarray::{Array2, array};
    /// use sigmoid_nn::{Activation, Batch, Dense, FitOptions, Loss, Metric, Sequential, Sgd};
    ///
    /// let mut model = Sequential::with_seed(1, 0);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// model.compile(Sgd::new(0.5), Loss::BinaryCrossentropy, &[Metric::Accuracy])?;
    /// let batches = |_epoch| {
    ///     Ok((0..4).map(|i| {
    ///         let x = array![[i as f32 - 2.0], [i as f32 - 1.5]];
    ///         let y = x.mapv(|v| f32::from(v > 0.0));
    ///         Ok(Batch::new(x, y))
    ///     }))
    /// };
    /// let history = model.fit_batches(batches, FitOptions::new().epochs(20))?;
    /// assert!(history.loss[19] < history.loss[0]);
    /// # Ok::<(), sigmoid_nn::NnError>(())
    /// ```
    ///
    /// # Errors
    /// [`NnError::NotCompiled`]; [`NnError::Shape`] for a batch whose shapes
    /// do not fit the model (naming the epoch and batch);
    /// [`NnError::InvalidArgument`] for bad weights or an epoch without
    /// batches; [`NnError::NonFiniteLoss`]; and any error the batches yield.
    /// On an error the weights are those from before training began, so a
    /// failed run leaves no partly trained model.
    pub fn fit_batches<I>(
        &mut self,
        mut epoch_batches: impl FnMut(usize) -> Result<I, NnError>,
        options: FitOptions<'_>,
    ) -> Result<History, NnError>
    where
        I: IntoIterator<Item = Result<Batch, NnError>>,
    {
        let Some(compiled) = self.compiled.as_ref() else {
            return Err(NnError::NotCompiled);
        };
        let accuracy = compiled.metrics.contains(&Metric::Accuracy);
        let optimizer = compiled.optimizer;
        let validation = options.validation_data;
        if let Some((vx, vy)) = validation {
            self.check_xy(vx, vy)?;
        }
        let mut callbacks = options.callbacks;
        let initial_layers = self.layers.clone();
        let initial_state = compiled.state.clone();
        let mut state = std::mem::take(&mut self.compiled.as_mut().expect("checked").state);
        let outputs = self.output_dim();
        let mut history = History::default();
        let result = (|| {
            for epoch in 1..=options.epochs {
                let start = Instant::now();
                let batches = epoch_batches(epoch)?.into_iter();
                if epoch == 1 {
                    let (low, high) = batches.size_hint();
                    let steps = high.unwrap_or(0).max(low);
                    for cb in &mut callbacks {
                        cb.on_train_begin(&TrainBegin {
                            epochs: options.epochs,
                            steps_per_epoch: steps,
                            samples: 0,
                        });
                    }
                }
                for cb in &mut callbacks {
                    cb.on_epoch_begin(epoch);
                }
                let (mut loss_sum, mut correct, mut seen) = (0.0_f64, 0_usize, 0_usize);
                for (b, batch) in batches.enumerate() {
                    let batch = batch?;
                    let at = |e: NnError| match e {
                        NnError::Shape(m) => {
                            NnError::Shape(format!("epoch {epoch}, batch {}: {m}", b + 1))
                        }
                        other => other,
                    };
                    self.check_xy(batch.x.view(), batch.y.view()).map_err(at)?;
                    check_weights(&batch, epoch, b + 1)?;
                    let traces = self.forward_batch(batch.x.view());
                    let lg = loss_grad(
                        self.last_layer(),
                        traces.last().expect("checked non-empty"),
                        batch.y.view(),
                        batch.weight.as_ref().map(|w| w.view()),
                        true,
                    );
                    if !lg.loss.is_finite() {
                        return Err(NnError::NonFiniteLoss {
                            epoch,
                            batch: b + 1,
                            value: lg.loss,
                        });
                    }
                    let grads = self.backward(batch.x.view(), &traces, lg.d_pre);
                    state.apply(&optimizer, &mut self.layers, &grads);
                    let m = batch.len();
                    loss_sum += lg.loss * m as f64;
                    correct += lg.correct;
                    seen += m;
                    if !callbacks.is_empty() {
                        let logs = BatchLogs {
                            epoch,
                            batch: b + 1,
                            size: m,
                            loss: lg.loss,
                            running_loss: loss_sum / seen as f64,
                            running_accuracy: if accuracy {
                                correct as f64 / (seen * outputs) as f64
                            } else {
                                f64::NAN
                            },
                            layers: &self.layers,
                        };
                        for cb in &mut callbacks {
                            cb.on_batch_end(&logs);
                        }
                    }
                }
                if seen == 0 {
                    return Err(NnError::InvalidArgument(format!(
                        "epoch {epoch} had no training rows"
                    )));
                }
                let loss = loss_sum / seen as f64;
                let acc = correct as f64 / (seen * outputs) as f64;
                history.loss.push(loss);
                if accuracy {
                    history.accuracy.push(acc);
                }
                let (mut val_loss, mut val_accuracy) = (None, None);
                if let Some((vx, vy)) = validation {
                    let e = self.evaluate(vx, vy)?;
                    history.val_loss.push(e.loss);
                    val_loss = Some(e.loss);
                    if accuracy {
                        history.val_accuracy.push(e.accuracy);
                        val_accuracy = Some(e.accuracy);
                    }
                }
                let seconds = start.elapsed().as_secs_f64();
                history.epoch_seconds.push(seconds);
                let logs = EpochLogs {
                    epoch,
                    loss,
                    accuracy: if accuracy { acc } else { f64::NAN },
                    val_loss,
                    val_accuracy,
                    seconds,
                    layers: &self.layers,
                };
                let mut stop = false;
                for cb in &mut callbacks {
                    stop |= cb.on_epoch_end(&logs) == ControlFlow::Break(());
                }
                if stop {
                    history.stopped_epoch = Some(epoch);
                    break;
                }
            }
            Ok(())
        })();
        let compiled = self.compiled.as_mut().expect("checked");
        match result {
            Ok(()) => {
                compiled.state = state;
                for cb in &mut callbacks {
                    cb.on_train_end(&mut self.layers);
                }
                Ok(history)
            }
            Err(e) => {
                compiled.state = initial_state;
                self.layers = initial_layers;
                Err(e)
            }
        }
    }
}

fn check_weights(batch: &Batch, epoch: usize, number: usize) -> Result<(), NnError> {
    let Some(w) = &batch.weight else {
        return Ok(());
    };
    if w.len() != batch.len() {
        return Err(NnError::Shape(format!(
            "epoch {epoch}, batch {number}: {} rows but {} weights",
            batch.len(),
            w.len()
        )));
    }
    match w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(i) => Err(NnError::InvalidArgument(format!(
            "epoch {epoch}, batch {number}: weight {i} is {}; weights must be finite and not \
             negative",
            w[i]
        ))),
        None => Ok(()),
    }
}
