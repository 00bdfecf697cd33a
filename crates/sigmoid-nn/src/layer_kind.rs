//! [`Layer`]: any layer a [`Sequential`](crate::Sequential) holds, with the
//! parameter interface the training code uses for all of them.

use ndarray::{Array1, Array2, ArrayView2, Axis, linalg::general_mat_mul};
use sigmoid::{Accuracy, Activation};

use crate::{Conv2D, Dense, Flatten, LayerGradient, LayerTrace, MaxPooling2D, NnError};

/// One layer of a [`Sequential`](crate::Sequential) model.
///
/// Every layer has a kernel and a bias, as a 2-D and a 1-D array, so that
/// optimizers and gradients treat all layers alike: a [`Dense`] kernel is
/// (inputs × units); a [`Conv2D`] kernel is Keras' `[kh, kw, in, filters]`
/// as a (kh·kw·in × filters) matrix; [`MaxPooling2D`] and [`Flatten`] have
/// an empty (0 × 0) kernel and an empty bias.
///
/// ```
/// use sigmoid_nn::{Conv2D, Dense, Flatten, Layer, MaxPooling2D};
/// let layers: Vec<Layer> = vec![
///     Conv2D::new(8, (3, 3)).into(),
///     MaxPooling2D::new((2, 2)).into(),
///     Flatten::new().into(),
///     Dense::new(1).into(),
/// ];
/// assert_eq!(layers[0].class_name(), "Conv2D");
/// assert_eq!(layers[1].param_count(), 0);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Layer {
    /// A fully connected layer.
    Dense(Dense),
    /// A 2-D convolution.
    Conv2D(Conv2D),
    /// 2-D max pooling.
    MaxPooling2D(MaxPooling2D),
    /// Flattening to one dimension.
    Flatten(Flatten),
}

impl From<Dense> for Layer {
    fn from(l: Dense) -> Self {
        Layer::Dense(l)
    }
}
impl From<Conv2D> for Layer {
    fn from(l: Conv2D) -> Self {
        Layer::Conv2D(l)
    }
}
impl From<MaxPooling2D> for Layer {
    fn from(l: MaxPooling2D) -> Self {
        Layer::MaxPooling2D(l)
    }
}
impl From<Flatten> for Layer {
    fn from(l: Flatten) -> Self {
        Layer::Flatten(l)
    }
}

impl Layer {
    /// The Keras class name: `Dense`, `Conv2D`, `MaxPooling2D` or `Flatten`.
    pub fn class_name(&self) -> &'static str {
        match self {
            Layer::Dense(_) => "Dense",
            Layer::Conv2D(_) => "Conv2D",
            Layer::MaxPooling2D(_) => "MaxPooling2D",
            Layer::Flatten(_) => "Flatten",
        }
    }

    /// The Keras default name stem: `dense`, `conv2d`, `max_pooling2d`, `flatten`.
    pub fn keras_name(&self) -> &'static str {
        match self {
            Layer::Dense(_) => "dense",
            Layer::Conv2D(_) => "conv2d",
            Layer::MaxPooling2D(_) => "max_pooling2d",
            Layer::Flatten(_) => "flatten",
        }
    }

    /// The layer and its settings in Keras' words, e.g. `Dense(4, relu)`,
    /// `Conv2D(8, (3, 3), same, relu)`, `MaxPooling2D((2, 2))`, `Flatten()`.
    pub fn describe(&self) -> String {
        match self {
            Layer::Dense(d) => format!("Dense({}, {})", d.units(), d.activation_fn()),
            Layer::Conv2D(c) => {
                let (kh, kw) = c.kernel_size();
                let strides = match c.stride_size() {
                    (1, 1) => String::new(),
                    (a, b) => format!(", strides ({a}, {b})"),
                };
                format!(
                    "Conv2D({}, ({kh}, {kw}){strides}, {}, {})",
                    c.filters(),
                    c.padding_mode(),
                    c.activation_fn()
                )
            }
            Layer::MaxPooling2D(p) => {
                let (ph, pw) = p.pool_size();
                let mut extra = String::new();
                if p.stride_size() != p.pool_size() {
                    let (a, b) = p.stride_size();
                    extra += &format!(", strides ({a}, {b})");
                }
                if p.padding_mode() != crate::Padding::Valid {
                    extra += &format!(", {}", p.padding_mode());
                }
                format!("MaxPooling2D(({ph}, {pw}){extra})")
            }
            Layer::Flatten(_) => "Flatten()".into(),
        }
    }

    /// The [`Dense`] layer, if this is one.
    pub fn as_dense(&self) -> Option<&Dense> {
        match self {
            Layer::Dense(d) => Some(d),
            _ => None,
        }
    }

    /// The [`Conv2D`] layer, if this is one.
    pub fn as_conv2d(&self) -> Option<&Conv2D> {
        match self {
            Layer::Conv2D(c) => Some(c),
            _ => None,
        }
    }

    /// The [`MaxPooling2D`] layer, if this is one.
    pub fn as_max_pooling2d(&self) -> Option<&MaxPooling2D> {
        match self {
            Layer::MaxPooling2D(p) => Some(p),
            _ => None,
        }
    }

    /// The activation (linear for pooling and flattening).
    pub fn activation_fn(&self) -> Activation {
        match self {
            Layer::Dense(d) => d.activation_fn(),
            Layer::Conv2D(c) => c.activation_fn(),
            Layer::MaxPooling2D(_) | Layer::Flatten(_) => Activation::Linear,
        }
    }

    /// The accuracy tier of the activation's kernel.
    pub fn accuracy_tier(&self) -> Accuracy {
        match self {
            Layer::Dense(d) => d.accuracy_tier(),
            Layer::Conv2D(c) => c.accuracy_tier(),
            Layer::MaxPooling2D(_) | Layer::Flatten(_) => Accuracy::Default,
        }
    }

    /// Whether the layer has trainable parameters.
    pub fn has_weights(&self) -> bool {
        matches!(self, Layer::Dense(_) | Layer::Conv2D(_))
    }

    /// The kernel (2-D; see the type's documentation for each layer's layout).
    pub fn kernel(&self) -> &Array2<f32> {
        match self {
            Layer::Dense(d) => d.kernel(),
            Layer::Conv2D(c) => c.kernel(),
            Layer::MaxPooling2D(p) => &p.no_kernel,
            Layer::Flatten(f) => &f.no_kernel,
        }
    }

    /// The bias.
    pub fn bias(&self) -> &Array1<f32> {
        match self {
            Layer::Dense(d) => d.bias(),
            Layer::Conv2D(c) => c.bias(),
            Layer::MaxPooling2D(p) => &p.no_bias,
            Layer::Flatten(f) => &f.no_bias,
        }
    }

    pub(crate) fn kernel_mut(&mut self) -> &mut Array2<f32> {
        match self {
            Layer::Dense(d) => d.kernel_mut(),
            Layer::Conv2D(c) => c.kernel_mut(),
            Layer::MaxPooling2D(p) => &mut p.no_kernel,
            Layer::Flatten(f) => &mut f.no_kernel,
        }
    }

    pub(crate) fn bias_mut(&mut self) -> &mut Array1<f32> {
        match self {
            Layer::Dense(d) => d.bias_mut(),
            Layer::Conv2D(c) => c.bias_mut(),
            Layer::MaxPooling2D(p) => &mut p.no_bias,
            Layer::Flatten(f) => &mut f.no_bias,
        }
    }

    /// The number of parameters (kernel and bias).
    pub fn param_count(&self) -> usize {
        self.kernel().len() + self.bias().len()
    }

    /// Replaces the weights (see [`Dense::set_weights`] and
    /// [`Conv2D::set_weights`] for their shapes).
    ///
    /// # Errors
    /// Those of the layer's `set_weights`; for a layer without parameters,
    /// [`NnError::Shape`] unless both arrays are empty.
    pub fn set_weights(&mut self, kernel: Array2<f32>, bias: Array1<f32>) -> Result<(), NnError> {
        match self {
            Layer::Dense(d) => d.set_weights(kernel, bias),
            Layer::Conv2D(c) => c.set_weights(kernel, bias),
            Layer::MaxPooling2D(_) | Layer::Flatten(_) => {
                if kernel.is_empty() && bias.is_empty() {
                    Ok(())
                } else {
                    Err(NnError::Shape(format!(
                        "a {} layer has no weights, but was given a kernel of shape {:?} and a \
                         bias of length {}",
                        self.class_name(),
                        kernel.dim(),
                        bias.len()
                    )))
                }
            }
        }
    }

    /// The output shape without the batch dimension: `[units]` for Dense and
    /// Flatten, `[height, width, channels]` for Conv2D and MaxPooling2D.
    /// Empty until the layer is added to a model.
    pub fn output_shape(&self) -> Vec<usize> {
        match self {
            Layer::Dense(d) => vec![d.units()],
            Layer::Conv2D(c) => c.output_shape().map(Vec::from).unwrap_or_default(),
            Layer::MaxPooling2D(p) => p.output_shape().map(Vec::from).unwrap_or_default(),
            Layer::Flatten(f) => f.output_len().map(|n| vec![n]).unwrap_or_default(),
        }
    }

    /// The number of outputs per example (the product of the output shape;
    /// a Dense layer's units).
    pub fn units(&self) -> usize {
        self.output_shape().iter().product()
    }

    /// Fixes the input shape and draws the weights (unless given). Returns
    /// the output shape, or why `input` does not fit (without the layer's name).
    pub(crate) fn build(
        &mut self,
        input: &[usize],
        seed: u64,
        layer_index: usize,
    ) -> Result<Vec<usize>, String> {
        let image = |input: &[usize]| -> Result<[usize; 3], String> {
            <[usize; 3]>::try_from(input)
                .map_err(|_| "it needs an input (None, height, width, channels)".to_string())
        };
        match self {
            Layer::Dense(d) => {
                let &[n] = input else {
                    return Err(
                        "it needs a flat input (None, features); add a Flatten before it".into(),
                    );
                };
                match d.input_dim() {
                    0 => d.initialize(n, seed, layer_index),
                    m if m != n => {
                        return Err(format!("the layer has weights for {m} inputs"));
                    }
                    _ => {}
                }
                Ok(vec![d.units()])
            }
            Layer::Conv2D(c) => c.build(image(input)?, seed, layer_index).map(Vec::from),
            Layer::MaxPooling2D(p) => p.build(image(input)?).map(Vec::from),
            Layer::Flatten(f) => Ok(vec![f.build(input)]),
        }
    }

    /// The layer's pre-activation and output for the rows of `x`.
    pub(crate) fn forward(&self, x: ArrayView2<'_, f32>) -> LayerTrace {
        match self {
            Layer::Dense(d) => d.forward(x),
            Layer::Conv2D(c) => c.forward(x),
            Layer::MaxPooling2D(p) => p.forward(x),
            Layer::Flatten(_) => Flatten::forward(x),
        }
    }

    /// The parameter gradients from d loss / d pre-activation, and (when
    /// `input_grad`) d loss / d input, the previous layer's output.
    pub(crate) fn backward(
        &self,
        x: ArrayView2<'_, f32>,
        d_pre: ArrayView2<'_, f32>,
        input_grad: bool,
    ) -> (LayerGradient, Option<Array2<f32>>) {
        let empty = || LayerGradient {
            kernel: Array2::zeros((0, 0)),
            bias: Array1::zeros(0),
        };
        match self {
            Layer::Dense(d) => {
                let mut kernel = Array2::zeros(d.kernel().raw_dim());
                general_mat_mul(1.0, &x.t(), &d_pre, 0.0, &mut kernel);
                let bias = d_pre.sum_axis(Axis(0));
                let d_input = input_grad.then(|| {
                    let mut d_in = Array2::zeros((x.nrows(), x.ncols()));
                    general_mat_mul(1.0, &d_pre, &d.kernel().t(), 0.0, &mut d_in);
                    d_in
                });
                (LayerGradient { kernel, bias }, d_input)
            }
            Layer::Conv2D(c) => c.backward(x, d_pre, input_grad),
            Layer::MaxPooling2D(p) => (empty(), input_grad.then(|| p.backward(x, d_pre))),
            Layer::Flatten(_) => (empty(), input_grad.then(|| d_pre.to_owned())),
        }
    }
}
