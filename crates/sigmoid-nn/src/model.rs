//! [`Sequential`]: a stack of [`Dense`] layers, compiled, evaluated and
//! summarised as in Keras. Training is in `fit.rs`, backpropagation in
//! `backprop.rs`, the loss in `loss.rs`.

use std::fmt::Write as _;

use ndarray::{Array2, ArrayView2, AsArray, Ix2};

use crate::loss::loss_grad;
use crate::optimizer::OptimizerState;
use crate::{Dense, Evaluation, LayerTrace, Loss, Metric, NnError, Optimizer};

/// The default seed of [`Sequential::new`].
pub const DEFAULT_SEED: u64 = 42;

#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub(crate) optimizer: Optimizer,
    pub(crate) metrics: Vec<Metric>,
    pub(crate) state: OptimizerState,
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
    pub(crate) layers: Vec<Dense>,
    pub(crate) compiled: Option<Compiled>,
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

    /// The output layer.
    ///
    /// # Panics
    /// If there are no layers (callers check first).
    pub(crate) fn last_layer(&self) -> &Dense {
        self.layers.last().expect("the model has layers")
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

    pub(crate) fn forward_batch(&self, x: ArrayView2<'_, f32>) -> Vec<LayerTrace> {
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
        let lg = loss_grad(
            self.last_layer(),
            traces.last().expect("checked non-empty"),
            y,
            None,
            false,
        );
        Ok(Evaluation {
            loss: lg.loss,
            accuracy: lg.correct as f64 / y.len() as f64,
        })
    }

    pub(crate) fn check_x(&self, x: ArrayView2<'_, f32>) -> Result<(), NnError> {
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

    pub(crate) fn check_xy(
        &self,
        x: ArrayView2<'_, f32>,
        y: ArrayView2<'_, f32>,
    ) -> Result<(), NnError> {
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
