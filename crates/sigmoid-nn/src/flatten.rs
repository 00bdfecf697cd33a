//! [`Flatten`]: an image as one vector, channels-last order.

use ndarray::{Array1, Array2, ArrayView2};

use crate::LayerTrace;

/// Flattens each example to one dimension, as Keras' `Flatten()` with
/// channels-last data: element (y, x, c) of an (h, w, c) input goes to
/// position `(y·w + x)·c + c`. Rows between layers are already stored in that
/// order, so the values pass through unchanged; the layer changes the shape
/// the next layer sees (a [`Dense`](crate::Dense) needs a flat input). No
/// parameters.
///
/// ```
/// use sigmoid_nn::{Flatten, Sequential};
/// let mut model = Sequential::with_input_shape(&[4, 4, 8], 0)?;
/// model.try_add(Flatten::new())?;
/// assert_eq!(model.output_shape(), [128]);
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flatten {
    input_shape: Option<Vec<usize>>,
    pub(crate) no_kernel: Array2<f32>,
    pub(crate) no_bias: Array1<f32>,
}

impl Flatten {
    /// A flatten layer.
    pub fn new() -> Self {
        Flatten::default()
    }

    /// The input shape (without the batch), once added to a model.
    pub fn input_shape(&self) -> Option<&[usize]> {
        self.input_shape.as_deref()
    }

    /// The output length (the product of the input shape), once added to a model.
    pub fn output_len(&self) -> Option<usize> {
        self.input_shape.as_ref().map(|s| s.iter().product())
    }

    pub(crate) fn build(&mut self, input: &[usize]) -> usize {
        self.input_shape = Some(input.to_vec());
        input.iter().product()
    }

    pub(crate) fn forward(x: ArrayView2<'_, f32>) -> LayerTrace {
        let output = x.as_standard_layout().into_owned();
        LayerTrace {
            pre_activation: output.clone(),
            output,
        }
    }
}
