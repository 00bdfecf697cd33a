//! [`Sequential`]: a stack of layers ([`Dense`](crate::Dense),
//! [`Conv2D`](crate::Conv2D), [`MaxPooling2D`](crate::MaxPooling2D),
//! [`Flatten`](crate::Flatten)) with an input shape, compiled, evaluated and
//! summarised as in Keras. Training is in `fit.rs`, backpropagation in
//! `backprop.rs`, the loss in `loss.rs`.

use std::fmt::Write as _;

use ndarray::{Array2, ArrayView2, AsArray, Ix2};

use crate::loss::loss_grad;
use crate::optimizer::OptimizerState;
use crate::{Evaluation, Layer, LayerTrace, Loss, Metric, NnError, Optimizer};

/// The default seed of [`Sequential::new`].
pub const DEFAULT_SEED: u64 = 42;

#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub(crate) optimizer: Optimizer,
    pub(crate) metrics: Vec<Metric>,
    pub(crate) state: OptimizerState,
}

/// A linear stack of layers, as Keras' `Sequential`.
///
/// The model takes an input shape: flat features (`Sequential::new(n)`, as
/// Keras' `Input((n,))`) or images (`Sequential::with_input_shape(&[h, w,
/// c], seed)`, as `Input((h, w, c))`, channels last). Either way `x` is a 2-D
/// array with one row per example; an image row holds its h·w·c values in
/// row-major (height, width, channels) order, the memory of Keras'
/// channels-last tensor.
///
/// Layers are added with [`try_add`](Sequential::try_add), which checks that
/// the layer fits the previous layer's output shape (an error names the layer
/// and both shapes), or [`add`](Sequential::add), which panics instead; both
/// return `&mut Self`, so calls chain. Weights are created as each layer is
/// added, from the model's seed and the layer's position only: equal seeds
/// and shapes give equal initial weights.
///
/// ```
/// use sigmoid_nn::{Activation, Conv2D, Dense, Flatten, MaxPooling2D, Padding, Sequential};
///
/// let mut model = Sequential::with_input_shape(&[8, 8, 1], 42)?;
/// model
///     .try_add(Conv2D::new(8, (3, 3)).padding(Padding::Same).activation(Activation::Relu))?
///     .try_add(MaxPooling2D::new((2, 2)))?
///     .try_add(Flatten::new())?
///     .try_add(Dense::new(1).activation(Activation::Sigmoid))?;
/// assert_eq!(model.output_shape(), [1]);
/// // A Dense layer straight after a convolution is an error naming both shapes.
/// let mut bad = Sequential::with_input_shape(&[8, 8, 1], 42)?;
/// bad.try_add(Conv2D::new(8, (3, 3)))?;
/// let e = bad.try_add(Dense::new(1)).unwrap_err();
/// assert!(e.to_string().contains("layer 1 (dense)"), "{e}");
/// assert!(e.to_string().contains("(None, 6, 6, 8)"), "{e}");
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sequential {
    input_shape: Vec<usize>,
    seed: u64,
    pub(crate) layers: Vec<Layer>,
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
            input_shape: vec![input_dim],
            seed,
            layers: Vec::new(),
            compiled: None,
        }
    }

    /// An empty model whose examples have `shape` (without the batch):
    /// `[features]`, or `[height, width, channels]` for images (channels
    /// last), as Keras' `Input(shape)`. Weights (and default shuffling)
    /// derive from `seed`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] if the shape has a rank other than 1 or
    /// 3, or a zero dimension.
    pub fn with_input_shape(shape: &[usize], seed: u64) -> Result<Self, NnError> {
        let fits = shape
            .iter()
            .try_fold(1_usize, |n, &d| n.checked_mul(d))
            .is_some();
        if !matches!(shape.len(), 1 | 3) || shape.contains(&0) || !fits {
            return Err(NnError::InvalidArgument(format!(
                "input shape {shape:?}: expected [features] or [height, width, channels], \
                 every dimension at least 1 (and fewer than 2^64 values in all)"
            )));
        }
        Ok(Sequential {
            input_shape: shape.to_vec(),
            seed,
            layers: Vec::new(),
            compiled: None,
        })
    }

    /// Appends a layer after checking that it fits the previous layer's
    /// output (or the input); its weights are initialised here (Keras'
    /// `glorot_uniform` kernel, zero bias) unless it already has weights of
    /// the right shape. Returns `&mut Self`, so that calls chain with `?`.
    ///
    /// # Errors
    /// [`NnError::Shape`], naming the layer (index and Keras name) and both
    /// shapes, when the layer cannot take the shape it receives: a Dense
    /// layer after an image-shaped output (add a [`Flatten`](crate::Flatten)),
    /// a Conv2D or MaxPooling2D on flat input, a `valid` window larger than
    /// its input, or weights given for another input size. The model is
    /// unchanged on error.
    pub fn try_add(&mut self, layer: impl Into<Layer>) -> Result<&mut Self, NnError> {
        let mut layer = layer.into();
        let input = self.output_shape();
        let index = self.layers.len();
        let name = self.next_name(&layer);
        let output = layer.build(&input, self.seed, index).map_err(|why| {
            NnError::Shape(format!(
                "layer {index} ({name}) cannot take the shape {} it receives: {why}",
                shape_text(&input)
            ))
        })?;
        debug_assert_eq!(output, layer.output_shape());
        self.layers.push(layer);
        // New layers invalidate the optimizer's per-layer state.
        if let Some(c) = &mut self.compiled {
            c.state = OptimizerState::default();
        }
        Ok(self)
    }

    /// Appends a layer as [`try_add`](Sequential::try_add) does, for layers
    /// known to fit. Returns `&mut Self`, so that calls chain.
    ///
    /// # Panics
    /// Where [`try_add`](Sequential::try_add) returns an error (with its message).
    #[track_caller]
    pub fn add(&mut self, layer: impl Into<Layer>) -> &mut Self {
        if let Err(e) = self.try_add(layer) {
            panic!("Sequential::add: {e}");
        }
        self
    }

    /// The Keras name the next layer of this class gets: `dense`, `dense_1`, …
    fn next_name(&self, layer: &Layer) -> String {
        let stem = layer.keras_name();
        match self
            .layers
            .iter()
            .filter(|l| l.keras_name() == stem)
            .count()
        {
            0 => stem.to_string(),
            n => format!("{stem}_{n}"),
        }
    }

    /// The layers' Keras names, first to last: `conv2d`, `max_pooling2d`,
    /// `conv2d_1`, …, `flatten`, `dense`.
    pub fn layer_names(&self) -> Vec<String> {
        let mut counts = std::collections::HashMap::new();
        self.layers
            .iter()
            .map(|l| {
                let n = counts.entry(l.keras_name()).or_insert(0_usize);
                let name = match *n {
                    0 => l.keras_name().to_string(),
                    k => format!("{}_{k}", l.keras_name()),
                };
                *n += 1;
                name
            })
            .collect()
    }

    /// The output layer.
    ///
    /// # Panics
    /// If there are no layers (callers check first).
    pub(crate) fn last_layer(&self) -> &Layer {
        self.layers.last().expect("the model has layers")
    }

    /// The layers, first to last.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, to change their weights with [`Layer::set_weights`].
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// The number of input values per example (the product of the input
    /// shape: the columns of `x`).
    pub fn input_dim(&self) -> usize {
        self.input_shape.iter().product()
    }

    /// The shape of one example: `[features]` or `[height, width, channels]`.
    pub fn input_shape(&self) -> &[usize] {
        &self.input_shape
    }

    /// The shape of one example's output (the input shape without layers).
    pub fn output_shape(&self) -> Vec<usize> {
        self.layers
            .last()
            .map_or_else(|| self.input_shape.clone(), Layer::output_shape)
    }

    /// The number of outputs per example (the product of the output shape).
    pub fn output_dim(&self) -> usize {
        self.output_shape().iter().product()
    }

    /// The seed the weights were initialised from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The total number of parameters.
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(Layer::param_count).sum()
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
            x.ncols() == self.input_dim(),
            "forward_trace: x has {} columns, the model takes {}",
            x.ncols(),
            self.input_dim()
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
        if x.ncols() != self.input_dim() {
            let layout = if self.input_shape.len() > 1 {
                format!(
                    " (input shape {}, one row per example in row-major order)",
                    shape_text(&self.input_shape)
                )
            } else {
                String::new()
            };
            return Err(NnError::Shape(format!(
                "x has {} columns (features), the model takes {}{layout}",
                x.ncols(),
                self.input_dim()
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
        for (i, (layer, name)) in self.layers.iter().zip(self.layer_names()).enumerate() {
            out += &row(
                &format!("{name} ({})", layer.class_name()),
                &shape_text(&layer.output_shape()),
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

/// A shape as Keras prints it, with the batch dimension: `(None, 8, 8, 1)`.
pub(crate) fn shape_text(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    format!("(None, {})", dims.join(", "))
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
