//! [`Conv2D`]: a 2-D convolution, `activation(conv(x, kernel) + bias)`,
//! channels last, computed as one GEMM through im2col.

use ndarray::{Array1, Array2, ArrayView2, ArrayView4, Axis, linalg::general_mat_mul};
use sigmoid::{Accuracy, Activation};

use crate::im2col::{col2im, im2col};
use crate::init::glorot_uniform;
use crate::layer::checked_weights;
use crate::padding::Window;
use crate::{LayerGradient, LayerTrace, NnError, Padding};

/// A 2-D convolution layer, as Keras' `Conv2D(filters, kernel_size,
/// strides=(1, 1), padding="valid", activation=None)` with
/// `data_format="channels_last"`.
///
/// Input (batch, height, width, channels) and output (batch, out_h, out_w,
/// filters) travel between layers as 2-D arrays, one row per image holding
/// its values in row-major (height, width, channels) order — the memory of
/// Keras' channels-last tensor. The kernel is Keras' `[kh, kw, in, out]`
/// array stored as the (kh·kw·in × out) matrix with the same row-major
/// memory ([`kernel`](Conv2D::kernel); [`kernel_4d`](Conv2D::kernel_4d) views
/// it in four dimensions); the bias has `filters` values. Defaults as
/// Keras': `glorot_uniform` kernel (fan_in = kh·kw·in, fan_out =
/// kh·kw·filters), zero bias, strides (1, 1), `valid` padding, linear
/// activation. For `same` padding see [`Padding`]'s rule (the extra row and
/// column go at the bottom and right).
///
/// ```
/// use sigmoid_nn::{Activation, Conv2D, Padding, Sequential};
///
/// let mut model = Sequential::with_input_shape(&[8, 8, 1], 42)?;
/// model.try_add(Conv2D::new(4, (3, 3)).padding(Padding::Same).activation(Activation::Relu))?;
/// let conv = model.layers()[0].as_conv2d().unwrap();
/// assert_eq!(conv.output_shape(), Some([8, 8, 4]));
/// assert_eq!(conv.kernel().dim(), (3 * 3 * 1, 4)); // Keras' [3, 3, 1, 4], row-major
/// assert_eq!(model.param_count(), 3 * 3 * 4 + 4);
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Conv2D {
    filters: usize,
    kernel_size: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
    activation: Activation,
    accuracy: Accuracy,
    input_shape: Option<[usize; 3]>,
    kernel: Array2<f32>,
    bias: Array1<f32>,
}

impl Conv2D {
    /// `filters` output channels from windows of `kernel_size` (height,
    /// width), stride 1, `valid` padding, linear activation.
    ///
    /// # Panics
    /// If `filters` or a kernel dimension is 0.
    #[track_caller]
    pub fn new(filters: usize, kernel_size: (usize, usize)) -> Self {
        assert!(
            filters > 0,
            "Conv2D::new: a layer needs at least one filter"
        );
        assert!(
            kernel_size.0 > 0 && kernel_size.1 > 0,
            "Conv2D::new: the kernel size must be at least (1, 1), not {kernel_size:?}"
        );
        Conv2D {
            filters,
            kernel_size,
            strides: (1, 1),
            padding: Padding::Valid,
            activation: Activation::Linear,
            accuracy: Accuracy::Default,
            input_shape: None,
            kernel: Array2::zeros((0, filters)),
            bias: Array1::zeros(filters),
        }
    }

    /// Sets the strides (height, width) (builder style).
    ///
    /// # Panics
    /// If a stride is 0.
    #[must_use]
    #[track_caller]
    pub fn strides(mut self, strides: (usize, usize)) -> Self {
        assert!(
            strides.0 > 0 && strides.1 > 0,
            "Conv2D::strides: strides must be at least (1, 1), not {strides:?}"
        );
        self.strides = strides;
        self
    }

    /// Sets the padding (builder style).
    #[must_use]
    pub fn padding(mut self, padding: Padding) -> Self {
        self.padding = padding;
        self
    }

    /// Sets the activation (builder style).
    #[must_use]
    pub fn activation(mut self, activation: Activation) -> Self {
        self.activation = activation;
        self
    }

    /// Sets the accuracy tier of the activation's kernel (builder style), as
    /// [`Dense::accuracy`](crate::Dense::accuracy).
    #[must_use]
    pub fn accuracy(mut self, accuracy: Accuracy) -> Self {
        self.accuracy = accuracy;
        self
    }

    /// The number of filters (output channels).
    pub fn filters(&self) -> usize {
        self.filters
    }

    /// The window (height, width).
    pub fn kernel_size(&self) -> (usize, usize) {
        self.kernel_size
    }

    /// The strides (height, width).
    pub fn stride_size(&self) -> (usize, usize) {
        self.strides
    }

    /// The padding.
    pub fn padding_mode(&self) -> Padding {
        self.padding
    }

    /// The activation function.
    pub fn activation_fn(&self) -> Activation {
        self.activation
    }

    /// The accuracy tier of the activation's kernel.
    pub fn accuracy_tier(&self) -> Accuracy {
        self.accuracy
    }

    /// The input shape (height, width, channels), once added to a model.
    pub fn input_shape(&self) -> Option<[usize; 3]> {
        self.input_shape
    }

    /// The output shape (out_h, out_w, filters), once added to a model.
    pub fn output_shape(&self) -> Option<[usize; 3]> {
        self.window().map(|w| [w.out_h, w.out_w, self.filters])
    }

    /// The kernel as a (kh·kw·in × filters) matrix: row `(ky·kw + kx)·in + c`
    /// holds the weights of input channel `c` at window offset (ky, kx).
    pub fn kernel(&self) -> &Array2<f32> {
        &self.kernel
    }

    /// The kernel in Keras' shape `[kh, kw, in, filters]` (a view of the same memory).
    pub fn kernel_4d(&self) -> ArrayView4<'_, f32> {
        let (kh, kw) = self.kernel_size;
        let inputs = self.kernel.nrows() / (kh * kw);
        self.kernel
            .view()
            .into_shape_with_order((kh, kw, inputs, self.filters))
            .expect("the kernel has kh·kw·in rows")
    }

    /// The bias, (filters).
    pub fn bias(&self) -> &Array1<f32> {
        &self.bias
    }

    /// The number of parameters, `kh·kw·in·filters + filters`.
    pub fn param_count(&self) -> usize {
        self.kernel.len() + self.bias.len()
    }

    /// Replaces the weights: the kernel as (kh·kw·in × filters) — a Keras
    /// `[kh, kw, in, filters]` array reshaped in row-major order — and the
    /// bias (filters).
    ///
    /// # Errors
    /// [`NnError::Shape`] if the kernel does not have filters columns and
    /// kh·kw·in rows (in as the layer's input channels once it has an input;
    /// before, any positive multiple of kh·kw), or the bias is not
    /// (filters); [`NnError::InvalidArgument`] for NaN or infinite values.
    /// The layer is unchanged on error.
    pub fn set_weights(&mut self, kernel: Array2<f32>, bias: Array1<f32>) -> Result<(), NnError> {
        let (kh, kw) = self.kernel_size;
        let fits = match self.input_shape {
            Some([_, _, c]) => kernel.nrows() == kh * kw * c,
            None => kernel.nrows() > 0 && kernel.nrows().is_multiple_of(kh * kw),
        };
        if !fits || kernel.ncols() != self.filters {
            let rows = match self.input_shape {
                Some([_, _, c]) => (kh * kw * c).to_string(),
                None => format!("{kh}·{kw}·inputs"),
            };
            return Err(NnError::Shape(format!(
                "kernel of shape {:?} given to a Conv2D layer that needs ({rows}, {}): Keras' \
                 [{kh}, {kw}, inputs, {}] in row-major order",
                kernel.dim(),
                self.filters,
                self.filters
            )));
        }
        (self.kernel, self.bias) =
            checked_weights(kernel, bias, self.filters, "a Conv2D layer", "filters")?;
        Ok(())
    }

    pub(crate) fn kernel_mut(&mut self) -> &mut Array2<f32> {
        &mut self.kernel
    }

    pub(crate) fn bias_mut(&mut self) -> &mut Array1<f32> {
        &mut self.bias
    }

    fn window(&self) -> Option<Window> {
        Window::new(
            self.input_shape?,
            self.kernel_size,
            self.strides,
            self.padding,
        )
    }

    /// Fixes the input shape and (unless weights were given for it) draws the
    /// weights. Returns the output shape, or what does not fit.
    pub(crate) fn build(
        &mut self,
        input: [usize; 3],
        seed: u64,
        layer_index: usize,
    ) -> Result<[usize; 3], String> {
        let (kh, kw) = self.kernel_size;
        let Some(w) = Window::new(input, self.kernel_size, self.strides, self.padding) else {
            return Err(format!(
                "the kernel ({kh}, {kw}) is larger than the input and the padding is \"valid\""
            ));
        };
        let fan_in = kh * kw * input[2];
        match self.kernel.nrows() {
            0 => {
                self.kernel = glorot_uniform(
                    (fan_in, self.filters),
                    fan_in,
                    kh * kw * self.filters,
                    seed,
                    layer_index,
                );
                self.bias = Array1::zeros(self.filters);
            }
            rows if rows != fan_in => {
                return Err(format!(
                    "the layer has weights for {} input channels but receives {}",
                    rows / (kh * kw),
                    input[2]
                ));
            }
            _ => {}
        }
        self.input_shape = Some(input);
        Ok([w.out_h, w.out_w, self.filters])
    }

    /// `pre = im2col(x) · kernel + bias` (the product from ndarray's GEMM),
    /// then the activation by the `sigmoid` crate's slice kernel.
    pub(crate) fn forward(&self, x: ArrayView2<'_, f32>) -> LayerTrace {
        let w = self.window().expect("built before use");
        let batch = x.nrows();
        let cols = im2col(x, &w);
        let mut pre = Array2::<f32>::zeros((batch * w.positions(), self.filters));
        general_mat_mul(1.0, &cols, &self.kernel, 0.0, &mut pre);
        let mut pre = pre
            .into_shape_with_order((batch, w.positions() * self.filters))
            .expect("contiguous");
        let mut output = Array2::<f32>::zeros(pre.raw_dim());
        let bias = self.bias.as_slice().expect("bias is contiguous");
        let pre_s = pre.as_slice_mut().expect("standard layout");
        for row in pre_s.chunks_exact_mut(self.filters) {
            for (v, b) in row.iter_mut().zip(bias) {
                *v += b;
            }
        }
        self.activation.forward_with(
            self.accuracy,
            pre_s,
            output.as_slice_mut().expect("standard layout"),
        );
        LayerTrace {
            pre_activation: pre,
            output,
        }
    }

    /// The parameter gradients from d loss / d pre-activation (batch ×
    /// positions·filters), and d loss / d input when `input_grad`.
    pub(crate) fn backward(
        &self,
        x: ArrayView2<'_, f32>,
        d_pre: ArrayView2<'_, f32>,
        input_grad: bool,
    ) -> (LayerGradient, Option<Array2<f32>>) {
        let w = self.window().expect("built before use");
        let batch = x.nrows();
        let cols = im2col(x, &w);
        let d_pre = d_pre.as_standard_layout();
        let d = d_pre
            .view()
            .into_shape_with_order((batch * w.positions(), self.filters))
            .expect("contiguous");
        let mut kernel = Array2::zeros(self.kernel.raw_dim());
        general_mat_mul(1.0, &cols.t(), &d, 0.0, &mut kernel);
        let bias = d.sum_axis(Axis(0));
        let d_input = input_grad.then(|| {
            let mut d_cols = Array2::zeros(cols.raw_dim());
            general_mat_mul(1.0, &d, &self.kernel.t(), 0.0, &mut d_cols);
            col2im(d_cols.view(), &w, batch)
        });
        (LayerGradient { kernel, bias }, d_input)
    }
}
