//! Training: [`FitOptions`] and [`Sequential::fit`], the mini-batch loop.

use ndarray::{ArrayView1, ArrayView2, AsArray, Axis, Ix2, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::batches::with_batches;
use crate::callbacks::{Callback, TrainBegin};
use crate::epoch::Epoch;
use crate::loss_grad::check_sample_weight;
use crate::{History, Metric, NnError, Sequential};

/// Options of [`Sequential::fit`], with Keras' defaults: 1 epoch, batch size
/// 32 (the last partial batch kept), shuffled each epoch, no validation.
///
/// ```
/// use sigmoid_nn::{EarlyStopping, FitOptions, Monitor};
/// let options = FitOptions::new()
///     .epochs(100)
///     .batch_size(32)
///     .validation_split(0.2)
///     .seed(7)
///     .callback(EarlyStopping::new(Monitor::ValLoss).patience(10));
/// assert_eq!(options.epochs, 100);
/// ```
pub struct FitOptions<'a> {
    /// Passes over the training data.
    pub epochs: usize,
    /// Rows per step.
    pub batch_size: usize,
    /// Shuffle the training rows before each epoch.
    pub shuffle: bool,
    /// The fraction of rows held out for validation, taken from the end before shuffling.
    pub validation_split: f64,
    /// The shuffling seed (default: derived from the model's seed).
    pub seed: Option<u64>,
    pub(crate) validation_data: Option<(ArrayView2<'a, f32>, ArrayView2<'a, f32>)>,
    sample_weight: Option<ArrayView1<'a, f32>>,
    pub(crate) callbacks: Vec<Box<dyn Callback + 'a>>,
}

impl Default for FitOptions<'_> {
    fn default() -> Self {
        FitOptions {
            epochs: 1,
            batch_size: 32,
            shuffle: true,
            validation_split: 0.0,
            seed: None,
            validation_data: None,
            sample_weight: None,
            callbacks: Vec::new(),
        }
    }
}

impl std::fmt::Debug for FitOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FitOptions")
            .field("epochs", &self.epochs)
            .field("batch_size", &self.batch_size)
            .field("shuffle", &self.shuffle)
            .field("validation_split", &self.validation_split)
            .field("seed", &self.seed)
            .field("validation_data", &self.validation_data.is_some())
            .field("sample_weight", &self.sample_weight.is_some())
            .field("callbacks", &self.callbacks.len())
            .finish()
    }
}

impl<'a> FitOptions<'a> {
    /// Keras' defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the number of epochs.
    #[must_use]
    pub fn epochs(mut self, epochs: usize) -> Self {
        self.epochs = epochs;
        self
    }
    /// Sets the batch size.
    #[must_use]
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }
    /// Turns shuffling on or off.
    #[must_use]
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }
    /// Holds out this fraction of the rows (the last ones) for validation.
    #[must_use]
    pub fn validation_split(mut self, fraction: f64) -> Self {
        self.validation_split = fraction;
        self
    }
    /// Uses these rows for validation (instead of a split).
    #[must_use]
    pub fn validation_data(
        mut self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
    ) -> Self {
        self.validation_data = Some((x.into(), y.into()));
        self
    }
    /// Weighs each training row's loss (as Keras' `sample_weight`): a batch's
    /// loss is `Σ w_i · loss_i / batch rows`, so weights of 1 train exactly as
    /// no weights. One weight per row of `x`, finite and not negative; the
    /// validation loss stays unweighted.
    #[must_use]
    pub fn sample_weight(mut self, weights: impl Into<ArrayView1<'a, f32>>) -> Self {
        self.sample_weight = Some(weights.into());
        self
    }
    /// Sets the shuffling seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
    /// Adds a callback (early stopping, a progress display, ...).
    #[must_use]
    pub fn callback(mut self, callback: impl Callback + 'a) -> Self {
        self.callbacks.push(Box::new(callback));
        self
    }
}

impl Sequential {
    /// Trains on (`x`, `y`) as Keras' `fit`: mini-batch steps of the compiled
    /// optimizer on the binary cross-entropy, with the options' batch size,
    /// shuffling, validation and callbacks.
    ///
    /// # Errors
    /// [`NnError::NotCompiled`]; [`NnError::Shape`] for shapes that do not
    /// fit; [`NnError::InvalidArgument`] for a batch size of 0 or a
    /// validation split outside [0, 1) or leaving no rows on either side;
    /// [`NnError::NonFiniteLoss`] when a batch's loss is NaN or infinite
    /// (the weights are then those before that batch).
    pub fn fit<'a>(
        &mut self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
        options: FitOptions<'_>,
    ) -> Result<History, NnError> {
        let (x, y): (ArrayView2<'a, f32>, ArrayView2<'a, f32>) = (x.into(), y.into());
        let FitOptions {
            epochs,
            batch_size,
            shuffle,
            validation_split,
            seed,
            validation_data,
            sample_weight,
            mut callbacks,
        } = options;
        if self.compiled.is_none() {
            return Err(NnError::NotCompiled);
        }
        self.check_xy(x, y)?;
        if batch_size == 0 {
            return Err(NnError::InvalidArgument(
                "the batch size must be at least 1".into(),
            ));
        }
        if !(0.0..1.0).contains(&validation_split) {
            return Err(NnError::InvalidArgument(format!(
                "the validation split must be in [0, 1), not {validation_split}"
            )));
        }
        let n = x.nrows();
        let split_at = if validation_split > 0.0 {
            let at = (n as f64 * (1.0 - validation_split)).floor() as usize;
            if at == 0 || at == n {
                return Err(NnError::InvalidArgument(format!(
                    "a validation split of {validation_split} of {n} rows leaves no rows for {}",
                    if at == 0 { "training" } else { "validation" }
                )));
            }
            at
        } else {
            n
        };
        check_sample_weight(n, sample_weight)?;
        let w_train = sample_weight.map(|w| w.slice_move(s![..split_at]));
        let (x_train, x_val_split) = x.split_at(Axis(0), split_at);
        let (y_train, y_val_split) = y.split_at(Axis(0), split_at);
        let validation = match validation_data {
            Some((vx, vy)) => {
                self.check_xy(vx, vy)?;
                Some((vx, vy))
            }
            None if split_at < n => Some((x_val_split, y_val_split)),
            None => None,
        };
        let compiled = self.compiled.as_ref().expect("checked");
        let accuracy = compiled.metrics.contains(&Metric::Accuracy);
        let optimizer = compiled.optimizer;
        let mut state = std::mem::take(&mut self.compiled.as_mut().expect("checked").state);

        let mut rng =
            ChaCha8Rng::seed_from_u64(seed.unwrap_or(self.seed() ^ 0x5348_5546_464c_4521));
        let mut order: Vec<usize> = (0..split_at).collect();
        let steps = split_at.div_ceil(batch_size);
        let outputs = y.ncols();
        for cb in &mut callbacks {
            cb.on_train_begin(&TrainBegin {
                epochs,
                steps_per_epoch: steps,
                samples: split_at,
            });
        }
        let mut history = History::default();
        let result = with_batches(x_train, y_train, w_train, batch_size, shuffle, |batches| {
            for number in 1..=epochs {
                let mut epoch = Epoch::begin(number, outputs, accuracy);
                for cb in &mut callbacks {
                    cb.on_epoch_begin(number);
                }
                if shuffle {
                    order.shuffle(&mut rng);
                }
                batches.epoch(&order);
                for (b, rows) in order.chunks(batch_size).enumerate() {
                    let batch = batches.next(rows);
                    self.train_step(
                        &mut state,
                        &optimizer,
                        &mut epoch,
                        b + 1,
                        batch,
                        &mut callbacks,
                    )?;
                }
                if self.end_epoch(epoch, &mut history, validation, &mut callbacks)? {
                    break;
                }
            }
            Ok(())
        });
        self.compiled.as_mut().expect("checked").state = state;
        if result.is_ok() {
            for cb in &mut callbacks {
                cb.on_train_end(&mut self.layers);
            }
        }
        result.map(|()| history)
    }
}
