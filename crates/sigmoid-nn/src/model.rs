//! [`Sequential`]: a stack of [`Dense`] layers, compiled, trained and evaluated as in Keras.

use std::fmt::Write as _;
use std::ops::ControlFlow;
use std::str::FromStr;
use std::time::Instant;

use ndarray::{Array2, ArrayView1, ArrayView2, AsArray, Axis, Ix2, linalg::general_mat_mul, s};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sigmoid::Activation;

use crate::callbacks::{BatchLogs, Callback, EpochLogs, TrainBegin};
use crate::optimizer::OptimizerState;
use crate::{Dense, LayerGradient, LayerTrace, NnError, Optimizer};

/// Keras' `epsilon()`: probabilities are clipped to [ε, 1 − ε] for the loss.
pub const EPSILON: f32 = 1e-7;

/// The default seed of [`Sequential::new`].
pub const DEFAULT_SEED: u64 = 42;

/// The loss function. Binary cross-entropy is the one this crate trains with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loss {
    /// Keras' `binary_crossentropy`, averaged over outputs and rows. After a
    /// sigmoid output layer it is computed from the logits z:
    /// `max(z,0) − z·y + log1p(exp(−|z|))`; otherwise from the probabilities
    /// clipped to [1e-7, 1 − 1e-7].
    #[default]
    BinaryCrossentropy,
}

impl FromStr for Loss {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim() {
            "binary_crossentropy" | "bce" => Ok(Loss::BinaryCrossentropy),
            other => Err(NnError::InvalidArgument(format!(
                "unknown loss {other:?} (expected \"binary_crossentropy\")"
            ))),
        }
    }
}

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
    validation_data: Option<(ArrayView2<'a, f32>, ArrayView2<'a, f32>)>,
    sample_weight: Option<ArrayView1<'a, f32>>,
    callbacks: Vec<Box<dyn Callback + 'a>>,
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
    /// Sets the shuffling seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
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
    /// Adds a callback (early stopping, a progress display, ...).
    #[must_use]
    pub fn callback(mut self, callback: impl Callback + 'a) -> Self {
        self.callbacks.push(Box::new(callback));
        self
    }
}

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

/// The result of [`Sequential::evaluate`].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Mean binary cross-entropy.
    pub loss: f64,
    /// Binary accuracy.
    pub accuracy: f64,
}

#[derive(Clone, Debug)]
struct Compiled {
    optimizer: Optimizer,
    metrics: Vec<Metric>,
    state: OptimizerState,
}

/// A linear stack of [`Dense`] layers, as Keras' `Sequential`.
///
/// Layers are added with [`add`](Sequential::add), which takes `&mut self`
/// and returns it, so calls chain: `model.add(a).add(b);`. Weights are
/// created as each layer is added, from the model's seed and the layer's
/// position only: equal seeds and shapes give equal initial weights.
#[derive(Clone, Debug)]
pub struct Sequential {
    input_dim: usize,
    seed: u64,
    layers: Vec<Dense>,
    compiled: Option<Compiled>,
}

/// Loss, accuracy count and the gradient with respect to the last layer's pre-activation.
struct LossGrad {
    loss: f64,
    correct: usize,
    d_pre: Array2<f32>,
}

impl Sequential {
    /// An empty model taking `input_dim` features, seeded with [`DEFAULT_SEED`].
    ///
    /// # Panics
    /// If `input_dim` is 0.
    #[track_caller]
    pub fn new(input_dim: usize) -> Self {
        Self::with_seed(input_dim, DEFAULT_SEED)
    }

    /// An empty model taking `input_dim` features whose weights (and default
    /// shuffling) derive from `seed`.
    ///
    /// # Panics
    /// If `input_dim` is 0.
    #[track_caller]
    pub fn with_seed(input_dim: usize, seed: u64) -> Self {
        assert!(input_dim > 0, "Sequential: input_dim must be at least 1");
        Sequential {
            input_dim,
            seed,
            layers: Vec::new(),
            compiled: None,
        }
    }

    /// Appends a layer; its weights are initialised here (glorot_uniform
    /// kernel, zero bias) unless it already has weights of the right shape.
    /// Returns `&mut self`, so that calls chain.
    ///
    /// # Panics
    /// If the layer was given weights (with [`Dense::set_weights`]) for a
    /// different number of inputs than the previous layer's units.
    #[track_caller]
    pub fn add(&mut self, mut layer: Dense) -> &mut Self {
        let inputs = self.output_dim();
        let index = self.layers.len();
        match layer.input_dim() {
            0 => layer.initialize(inputs, self.seed, index),
            n => assert!(
                n == inputs,
                "Sequential::add: layer {index} has weights for {n} inputs but receives {inputs}"
            ),
        }
        self.layers.push(layer);
        // New layers invalidate the optimizer's per-layer state.
        if let Some(c) = &mut self.compiled {
            c.state = OptimizerState::default();
        }
        self
    }

    /// The layers, first to last.
    pub fn layers(&self) -> &[Dense] {
        &self.layers
    }

    /// The layers, to change their weights with [`Dense::set_weights`].
    pub fn layers_mut(&mut self) -> &mut [Dense] {
        &mut self.layers
    }

    /// The number of input features.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }

    /// The number of outputs (the last layer's units; the input size without layers).
    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(self.input_dim, Dense::units)
    }

    /// The seed the weights were initialised from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The total number of parameters.
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(Dense::param_count).sum()
    }

    /// Sets the optimizer, the loss and the metrics (resetting the optimizer's state).
    ///
    /// # Errors
    /// [`NnError::NoLayers`] for an empty model; [`NnError::InvalidArgument`]
    /// for a learning rate that is not positive, a momentum or β outside [0, 1).
    pub fn compile(
        &mut self,
        optimizer: impl Into<Optimizer>,
        loss: Loss,
        metrics: &[Metric],
    ) -> Result<(), NnError> {
        let Loss::BinaryCrossentropy = loss;
        if self.layers.is_empty() {
            return Err(NnError::NoLayers);
        }
        let optimizer = optimizer.into();
        optimizer.validate()?;
        self.compiled = Some(Compiled {
            optimizer,
            metrics: metrics.to_vec(),
            state: OptimizerState::default(),
        });
        Ok(())
    }

    /// The compiled optimizer, if any.
    pub fn optimizer(&self) -> Option<Optimizer> {
        self.compiled.as_ref().map(|c| c.optimizer)
    }

    /// Every layer's pre-activation and output for the rows of `x`, without
    /// changing anything.
    ///
    /// # Panics
    /// If `x` does not have `input_dim` columns.
    #[track_caller]
    pub fn forward_trace<'a>(&self, x: impl AsArray<'a, f32, Ix2>) -> Vec<LayerTrace> {
        let x: ArrayView2<'a, f32> = x.into();
        assert!(
            x.ncols() == self.input_dim,
            "forward_trace: x has {} columns, the model takes {}",
            x.ncols(),
            self.input_dim
        );
        self.forward_batch(x)
    }

    fn forward_batch(&self, x: ArrayView2<'_, f32>) -> Vec<LayerTrace> {
        let mut traces: Vec<LayerTrace> = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let trace = match traces.last() {
                None => layer.forward(x),
                Some(prev) => layer.forward(prev.output.view()),
            };
            traces.push(trace);
        }
        traces
    }

    /// The probabilities (the last layer's outputs) for the rows of `x`.
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Shape`] if `x` does not have `input_dim` columns.
    pub fn predict<'a>(&self, x: impl AsArray<'a, f32, Ix2>) -> Result<Array2<f32>, NnError> {
        let x: ArrayView2<'a, f32> = x.into();
        self.check_x(x)?;
        Ok(self
            .forward_batch(x)
            .pop()
            .map(|t| t.output)
            .unwrap_or_default())
    }

    /// Mean binary cross-entropy and accuracy on (`x`, `y`), as Keras' `evaluate`.
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Shape`] if the shapes do not fit the
    /// model or each other, or there are no rows.
    pub fn evaluate<'a>(
        &self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
    ) -> Result<Evaluation, NnError> {
        let (x, y) = (x.into(), y.into());
        self.check_xy(x, y)?;
        let traces = self.forward_batch(x);
        let lg = self.loss_grad(traces.last().expect("checked non-empty"), y, None, false);
        Ok(Evaluation {
            loss: lg.loss,
            accuracy: lg.correct as f64 / y.len() as f64,
        })
    }

    /// The gradient of the mean binary cross-entropy on this batch with
    /// respect to every layer's kernel and bias (computed from the logits
    /// when the last layer is a sigmoid), without updating anything.
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Shape`] if the shapes do not fit.
    pub fn gradients<'a>(
        &self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
    ) -> Result<Vec<LayerGradient>, NnError> {
        let (x, y) = (x.into(), y.into());
        self.check_xy(x, y)?;
        let traces = self.forward_batch(x);
        let lg = self.loss_grad(traces.last().expect("checked non-empty"), y, None, true);
        Ok(self.backward(x, &traces, lg.d_pre))
    }

    /// The mean loss over the rows of `y` (each row's loss times its weight,
    /// when given) and the number of correct outputs, and (when `grad`) the
    /// gradient with respect to the last pre-activation.
    fn loss_grad(
        &self,
        last: &LayerTrace,
        y: ArrayView2<'_, f32>,
        weights: Option<ArrayView1<'_, f32>>,
        grad: bool,
    ) -> LossGrad {
        let layer = self.layers.last().expect("non-empty");
        let count = y.len();
        let outputs = y.ncols().max(1);
        // The weight of element i of the row-major (rows × outputs) targets.
        let weight = |i: usize| weights.map_or(1.0, |w| w[i / outputs]);
        let y = y.as_standard_layout();
        let y = y.as_slice().expect("standard layout");
        let pre = last.pre_activation.as_slice().expect("standard layout");
        let out = last.output.as_slice().expect("standard layout");
        let correct = out
            .iter()
            .zip(y)
            .filter(|&(&p, &t)| f32::from(u8::from(p > 0.5)) == t)
            .count();
        let scale = 1.0 / count as f32;
        if layer.activation_fn() == Activation::Sigmoid {
            // Keras: from the logits; d loss / dz = w·(σ(z) − y) / m.
            let loss = match weights {
                None => f64::from(sigmoid::bce_with_logits_mean(pre, y)),
                Some(_) => {
                    let mut each = vec![0.0_f32; count];
                    sigmoid::bce_with_logits_slice(pre, y, &mut each);
                    let sum: f64 = (each.iter().enumerate())
                        .filter(|&(i, _)| weight(i) != 0.0)
                        .map(|(i, &l)| f64::from(weight(i)) * f64::from(l))
                        .sum();
                    sum / count as f64
                }
            };
            let mut d_pre = Array2::zeros(last.pre_activation.raw_dim());
            if grad {
                let d = d_pre.as_slice_mut().expect("standard layout");
                for (i, ((d, &p), &t)) in d.iter_mut().zip(out).zip(y).enumerate() {
                    *d = weight(i) * (p - t) * scale;
                }
            }
            return LossGrad {
                loss,
                correct,
                d_pre,
            };
        }
        // Probabilities clipped to [ε, 1 − ε], as Keras' binary_crossentropy.
        let (lo, hi) = (EPSILON, 1.0 - EPSILON);
        let mut sum = 0.0_f64;
        let mut d_out = vec![0.0_f32; count];
        for (i, ((&p, &t), d)) in out.iter().zip(y).zip(&mut d_out).enumerate() {
            let w = weight(i);
            if w == 0.0 {
                continue;
            }
            let q = p.clamp(lo, hi);
            let (qd, td) = (f64::from(q), f64::from(t));
            sum -= f64::from(w) * (td * qd.ln() + (1.0 - td) * (1.0 - qd).ln());
            if grad && (lo..=hi).contains(&p) {
                *d = w * (-t / q + (1.0 - t) / (1.0 - q)) * scale;
            }
        }
        let mut d_pre = Array2::zeros(last.pre_activation.raw_dim());
        if grad {
            layer.activation_fn().backward(
                pre,
                out,
                &d_out,
                d_pre.as_slice_mut().expect("standard layout"),
            );
        }
        LossGrad {
            loss: sum / count as f64,
            correct,
            d_pre,
        }
    }

    /// Backpropagation from d loss / d (last pre-activation).
    fn backward(
        &self,
        x: ArrayView2<'_, f32>,
        traces: &[LayerTrace],
        mut d_pre: Array2<f32>,
    ) -> Vec<LayerGradient> {
        let n = self.layers.len();
        let mut grads = Vec::with_capacity(n);
        for l in (0..n).rev() {
            let input = if l == 0 {
                x
            } else {
                traces[l - 1].output.view()
            };
            let layer = &self.layers[l];
            let mut kernel = Array2::zeros(layer.kernel().raw_dim());
            general_mat_mul(1.0, &input.t(), &d_pre, 0.0, &mut kernel);
            let bias = d_pre.sum_axis(Axis(0));
            if l > 0 {
                let prev = &traces[l - 1];
                let mut d_out = Array2::zeros(prev.output.raw_dim());
                general_mat_mul(1.0, &d_pre, &layer.kernel().t(), 0.0, &mut d_out);
                let mut d_prev = Array2::zeros(prev.output.raw_dim());
                self.layers[l - 1].activation_fn().backward(
                    prev.pre_activation.as_slice().expect("standard layout"),
                    prev.output.as_slice().expect("standard layout"),
                    d_out.as_slice().expect("standard layout"),
                    d_prev.as_slice_mut().expect("standard layout"),
                );
                d_pre = d_prev;
            }
            grads.push(LayerGradient { kernel, bias });
        }
        grads.reverse();
        grads
    }

    fn check_x(&self, x: ArrayView2<'_, f32>) -> Result<(), NnError> {
        if self.layers.is_empty() {
            return Err(NnError::NoLayers);
        }
        if x.ncols() != self.input_dim {
            return Err(NnError::Shape(format!(
                "x has {} columns (features), the model takes {}",
                x.ncols(),
                self.input_dim
            )));
        }
        Ok(())
    }

    fn check_xy(&self, x: ArrayView2<'_, f32>, y: ArrayView2<'_, f32>) -> Result<(), NnError> {
        self.check_x(x)?;
        if y.ncols() != self.output_dim() {
            return Err(NnError::Shape(format!(
                "y has {} columns, the model has {} outputs",
                y.ncols(),
                self.output_dim()
            )));
        }
        if x.nrows() != y.nrows() {
            return Err(NnError::Shape(format!(
                "x has {} rows but y has {}",
                x.nrows(),
                y.nrows()
            )));
        }
        if x.nrows() == 0 {
            return Err(NnError::Shape("no rows".into()));
        }
        Ok(())
    }

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
        if let Some(w) = sample_weight {
            if w.len() != n {
                return Err(NnError::Shape(format!(
                    "x has {n} rows but sample_weight has {} values",
                    w.len()
                )));
            }
            if let Some((i, v)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(NnError::InvalidArgument(format!(
                    "sample_weight[{i}] is {v}; weights must be finite and not negative"
                )));
            }
        }
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

        let mut rng = ChaCha8Rng::seed_from_u64(seed.unwrap_or(self.seed ^ 0x5348_5546_464c_4521));
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
        let result = (|| {
            for epoch in 1..=epochs {
                let start = Instant::now();
                for cb in &mut callbacks {
                    cb.on_epoch_begin(epoch);
                }
                if shuffle {
                    order.shuffle(&mut rng);
                }
                let (mut loss_sum, mut correct, mut seen) = (0.0_f64, 0_usize, 0_usize);
                for (b, rows) in order.chunks(batch_size).enumerate() {
                    let (xb, yb, wb);
                    let (xv, yv, wv) = if shuffle {
                        xb = x_train.select(Axis(0), rows);
                        yb = y_train.select(Axis(0), rows);
                        wb = w_train.map(|w| w.select(Axis(0), rows));
                        (xb.view(), yb.view(), wb.as_ref().map(|w| w.view()))
                    } else {
                        let r = rows[0]..rows[0] + rows.len();
                        let wv = w_train.map(|w| w.slice_move(s![r.clone()]));
                        (
                            x_train.slice(s![r.clone(), ..]),
                            y_train.slice(s![r, ..]),
                            wv,
                        )
                    };
                    let traces = self.forward_batch(xv);
                    let lg = self.loss_grad(traces.last().expect("non-empty"), yv, wv, true);
                    if !lg.loss.is_finite() {
                        return Err(NnError::NonFiniteLoss {
                            epoch,
                            batch: b + 1,
                            value: lg.loss,
                        });
                    }
                    let grads = self.backward(xv, &traces, lg.d_pre);
                    state.apply(&optimizer, &mut self.layers, &grads);
                    let m = rows.len();
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
        self.compiled.as_mut().expect("checked").state = state;
        result.map(|()| history)
    }

    /// A table of the layers, their output shapes and parameter counts, as
    /// Keras' `model.summary()`.
    ///
    /// ```
    /// use sigmoid_nn::{Activation, Dense, Sequential};
    /// let mut model = Sequential::new(30);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// let text = model.summary();
    /// assert!(text.contains("dense (Dense)"));
    /// assert!(text.contains("Total params: 31 (124.00 B)"));
    /// ```
    pub fn summary(&self) -> String {
        const W: [usize; 3] = [33, 24, 15];
        let bar = |l: &str, m: &str, r: &str, f: &str| {
            let cells: Vec<String> = W.iter().map(|&w| f.repeat(w)).collect();
            format!("{l}{}{r}\n", cells.join(m))
        };
        let row = |a: &str, b: &str, c: &str, edge: &str| {
            format!(
                "{edge} {a:<w0$} {edge} {b:<w1$} {edge} {c:>w2$} {edge}\n",
                w0 = W[0] - 2,
                w1 = W[1] - 2,
                w2 = W[2] - 2
            )
        };
        let mut out = String::from("Model: \"sequential\"\n");
        out += &bar("┏", "┳", "┓", "━");
        out += &row("Layer (type)", "Output Shape", "Param #", "┃");
        out += &bar("┡", "╇", "┩", "━");
        for (i, layer) in self.layers.iter().enumerate() {
            let name = if i == 0 {
                "dense (Dense)".to_string()
            } else {
                format!("dense_{i} (Dense)")
            };
            out += &row(
                &name,
                &format!("(None, {})", layer.units()),
                &layer.param_count().to_string(),
                "│",
            );
            if i + 1 < self.layers.len() {
                out += &bar("├", "┼", "┤", "─");
            }
        }
        out += &bar("└", "┴", "┘", "─");
        let total = self.param_count();
        let size = |n: usize| readable_size(n * 4);
        let _ = writeln!(out, " Total params: {total} ({})", size(total));
        let _ = writeln!(out, " Trainable params: {total} ({})", size(total));
        let _ = writeln!(out, " Non-trainable params: 0 ({})", size(0));
        out
    }
}

fn readable_size(bytes: usize) -> String {
    let mut v = bytes as f64;
    for unit in ["B", "KB", "MB", "GB"] {
        if v < 1024.0 || unit == "GB" {
            return format!("{v:.2} {unit}");
        }
        v /= 1024.0;
    }
    unreachable!()
}
