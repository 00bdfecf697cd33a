//! Training on batches from anywhere: [`Batch`] and
//! [`Sequential::fit_batches`], for data that does not sit in one matrix
//! (a file streamed in blocks, a generator, another engine's partitions).

use ndarray::{Array1, Array2};

use crate::callbacks::TrainBegin;
use crate::epoch::Epoch;
use crate::loss_grad::check_sample_weight;
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
            for number in 1..=options.epochs {
                let batches = epoch_batches(number)?.into_iter();
                if number == 1 {
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
                let mut epoch = Epoch::begin(number, outputs, accuracy);
                for cb in &mut callbacks {
                    cb.on_epoch_begin(number);
                }
                for (b, batch) in batches.enumerate() {
                    let batch = batch?;
                    let at = |e: NnError| match e {
                        NnError::Shape(m) => {
                            NnError::Shape(format!("epoch {number}, batch {}: {m}", b + 1))
                        }
                        other => other,
                    };
                    self.check_xy(batch.x.view(), batch.y.view()).map_err(at)?;
                    check_weights(&batch, number, b + 1)?;
                    let views = (
                        batch.x.view(),
                        batch.y.view(),
                        batch.weight.as_ref().map(|w| w.view()),
                    );
                    self.train_step(
                        &mut state,
                        &optimizer,
                        &mut epoch,
                        b + 1,
                        views,
                        &mut callbacks,
                    )?;
                }
                if epoch.seen == 0 {
                    return Err(NnError::InvalidArgument(format!(
                        "epoch {number} had no training rows"
                    )));
                }
                if self.end_epoch(epoch, &mut history, validation, &mut callbacks)? {
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

/// The batch's weights checked as `fit` checks them, the error naming the batch.
fn check_weights(batch: &Batch, epoch: usize, number: usize) -> Result<(), NnError> {
    let weights = batch.weight.as_ref().map(|w| w.view());
    check_sample_weight(batch.len(), weights).map_err(|e| match e {
        NnError::Shape(m) => NnError::Shape(format!("epoch {epoch}, batch {number}: {m}")),
        NnError::InvalidArgument(m) => {
            NnError::InvalidArgument(format!("epoch {epoch}, batch {number}: {m}"))
        }
        other => other,
    })
}
