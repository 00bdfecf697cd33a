//! Backpropagation: the gradient of the loss with respect to every layer's
//! parameters.

use ndarray::{Array2, ArrayView2, AsArray, Axis, Ix2, linalg::general_mat_mul};

use crate::loss::loss_grad;
use crate::{LayerGradient, LayerTrace, NnError, Sequential};

impl Sequential {
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
        let lg = loss_grad(
            self.last_layer(),
            traces.last().expect("checked non-empty"),
            y,
            None,
            true,
        );
        Ok(self.backward(x, &traces, lg.d_pre))
    }

    /// Backpropagation from d loss / d (last pre-activation).
    pub(crate) fn backward(
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
}
