//! [`Dense`]: a fully connected layer, `activation(x · kernel + bias)`.

use ndarray::{Array1, Array2, ArrayView2, linalg::general_mat_mul};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sigmoid::{Accuracy, Activation};

use crate::NnError;

/// A fully connected layer: `output = activation(input · kernel + bias)`, as
/// Keras' `Dense(units, activation=...)`.
///
/// The kernel has shape (inputs × units) and the bias (units). The weights
/// are created when the layer is added to a [`Sequential`](crate::Sequential)
/// (Keras' defaults: `glorot_uniform` kernel, zero bias), unless
/// [`set_weights`](Dense::set_weights) gave them before.
///
/// ```
/// use sigmoid_nn::{Activation, Dense};
///
/// let layer = Dense::new(16).activation(Activation::Relu);
/// let same = Dense::new(16).activation("relu".parse().unwrap());
/// assert_eq!(layer.activation_fn(), same.activation_fn());
/// assert_eq!(layer.units(), 16);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    units: usize,
    activation: Activation,
    accuracy: Accuracy,
    kernel: Array2<f32>,
    bias: Array1<f32>,
}

/// One layer's values for one batch, from [`Sequential::forward_trace`](crate::Sequential::forward_trace).
/// For an image-shaped layer (Conv2D, MaxPooling2D) each row is one image's
/// (height, width, channels) values in row-major order; for a layer without
/// an activation (pooling, Flatten) the two arrays are equal.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// `input · kernel + bias` (or the convolution plus bias), (batch × units).
    pub pre_activation: Array2<f32>,
    /// `activation(pre_activation)`, (batch × units).
    pub output: Array2<f32>,
}

/// The gradient of the loss with respect to one layer's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerGradient {
    /// d loss / d kernel, (inputs × units).
    pub kernel: Array2<f32>,
    /// d loss / d bias, (units).
    pub bias: Array1<f32>,
}

impl Dense {
    /// A layer of `units` outputs with the linear activation (Keras' default).
    ///
    /// # Panics
    /// If `units` is 0.
    #[track_caller]
    pub fn new(units: usize) -> Self {
        assert!(units > 0, "Dense::new: a layer needs at least one unit");
        Dense {
            units,
            activation: Activation::Linear,
            accuracy: Accuracy::Default,
            kernel: Array2::zeros((0, units)),
            bias: Array1::zeros(units),
        }
    }

    /// Sets the activation (builder style).
    #[must_use]
    pub fn activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// Sets the accuracy tier of the activation's kernel (builder style):
    /// [`Accuracy::Default`] (≤ 1 ULP) unless set; [`Accuracy::Fast`] for
    /// throughput, [`Accuracy::Exact`] for results that reproduce bit for bit
    /// across machines. Saved with the model.
    ///
    /// ```
    /// use sigmoid_nn::{Activation, Dense};
    /// let layer = Dense::new(8).activation(Activation::Sigmoid).accuracy(sigmoid::Accuracy::Fast);
    /// assert_eq!(layer.accuracy_tier(), sigmoid::Accuracy::Fast);
    /// ```
    #[must_use]
    pub fn accuracy(mut self, accuracy: Accuracy) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// The accuracy tier of the activation's kernel.
    pub fn accuracy_tier(&self) -> Accuracy {
        self.accuracy
    }

    /// The number of outputs.
    pub fn units(&self) -> usize {
        self.units
    }

    /// The number of inputs (0 until the layer is added to a model or given weights).
    pub fn input_dim(&self) -> usize {
        self.kernel.nrows()
    }

    /// The activation function.
    pub fn activation_fn(&self) -> Activation {
        self.activation
    }

    /// The kernel, (inputs × units).
    pub fn kernel(&self) -> &Array2<f32> {
        &self.kernel
    }

    /// The bias, (units).
    pub fn bias(&self) -> &Array1<f32> {
        &self.bias
    }

    /// The number of parameters, `inputs · units + units`.
    pub fn param_count(&self) -> usize {
        self.kernel.len() + self.bias.len()
    }

    /// Replaces the weights.
    ///
    /// # Errors
    /// [`NnError::Shape`] if the kernel is not (inputs × units) (inputs as
    /// before, when the layer already has weights) or the bias is not (units);
    /// [`NnError::InvalidArgument`] if a value is NaN or infinite. The layer
    /// is unchanged on error.
    pub fn set_weights(&mut self, kernel: Array2<f32>, bias: Array1<f32>) -> Result<(), NnError> {
        let rows = self.kernel.nrows();
        if kernel.ncols() != self.units
            || kernel.nrows() == 0
            || (rows > 0 && kernel.nrows() != rows)
        {
            let expected = if rows > 0 {
                format!("({rows}, {})", self.units)
            } else {
                format!("(inputs, {})", self.units)
            };
            return Err(NnError::Shape(format!(
                "kernel of shape {:?} given to a Dense layer that needs {expected}",
                kernel.dim()
            )));
        }
        (self.kernel, self.bias) =
            checked_weights(kernel, bias, self.units, "a Dense layer", "units")?;
        Ok(())
    }

    pub(crate) fn kernel_mut(&mut self) -> &mut Array2<f32> {
        &mut self.kernel
    }

    pub(crate) fn bias_mut(&mut self) -> &mut Array1<f32> {
        &mut self.bias
    }

    /// Keras' `glorot_uniform`: U(−l, l), l = √(6 / (fan_in + fan_out)), and a zero bias.
    /// The stream depends only on (seed, layer index), so equal shapes give equal kernels.
    pub(crate) fn initialize(&mut self, input_dim: usize, seed: u64, layer_index: usize) {
        let mut key = [0_u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&(layer_index as u64).to_le_bytes());
        key[16..24].copy_from_slice(b"glorot_u");
        let mut rng = ChaCha8Rng::from_seed(key);
        let limit = (6.0 / (input_dim + self.units) as f64).sqrt() as f32;
        self.kernel = Array2::from_shape_simple_fn((input_dim, self.units), || {
            rng.random_range(-limit..limit)
        });
        self.bias = Array1::zeros(self.units);
    }

    /// `pre = x · kernel + bias` (the product from ndarray's GEMM), then the
    /// bias add and the activation in one pass over the product, block by
    /// block while it is in cache.
    pub(crate) fn forward(&self, x: ArrayView2<'_, f32>) -> LayerTrace {
        let rows = x.nrows();
        let mut pre = Array2::<f32>::zeros((rows, self.units));
        general_mat_mul(1.0, &x, &self.kernel, 0.0, &mut pre);
        let mut output = Array2::<f32>::zeros((rows, self.units));
        let bias = self.bias.as_slice().expect("bias is contiguous");
        let block = self.units * (1024 / self.units).max(1);
        let pre_s = pre.as_slice_mut().expect("standard layout");
        let out_s = output.as_slice_mut().expect("standard layout");
        for (p, o) in pre_s.chunks_mut(block).zip(out_s.chunks_mut(block)) {
            for row in p.chunks_exact_mut(self.units) {
                for (v, b) in row.iter_mut().zip(bias) {
                    *v += b;
                }
            }
            self.activation.forward_with(self.accuracy, p, o);
        }
        LayerTrace {
            pre_activation: pre,
            output,
        }
    }
}

/// A layer's new weights once the kernel's shape is checked: the bias must
/// have one value per `units` ("a Dense layer of N units") and every value
/// must be finite; the kernel comes back in standard layout.
pub(crate) fn checked_weights(
    kernel: Array2<f32>,
    bias: Array1<f32>,
    units: usize,
    layer: &str,
    unit_name: &str,
) -> Result<(Array2<f32>, Array1<f32>), NnError> {
    if bias.len() != units {
        return Err(NnError::Shape(format!(
            "bias of length {} given to {layer} of {units} {unit_name}",
            bias.len()
        )));
    }
    if kernel.iter().chain(bias.iter()).any(|v| !v.is_finite()) {
        return Err(NnError::InvalidArgument(
            "the weights contain NaN or infinite values".into(),
        ));
    }
    Ok((kernel.as_standard_layout().into_owned(), bias))
}
