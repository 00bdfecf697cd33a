//! Backpropagation: the gradient of the loss with respect to every layer's
//! parameters.

use ndarray::{Array2, ArrayView2, AsArray, Ix2};
use sigmoid::Activation;

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

    /// Backpropagation from d loss / d (last pre-activation): each layer
    /// gives its parameter gradients and d loss / d its input, which the
    /// previous layer's activation turns into d loss / d its pre-activation
    /// (skipped for a linear activation, where they are equal).
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
            let (grad, d_input) = self.layers[l].backward(input, d_pre.view(), l > 0);
            if let Some(d_out) = d_input {
                let prev = &traces[l - 1];
                let activation = self.layers[l - 1].activation_fn();
                d_pre = if activation == Activation::Linear {
                    d_out
                } else {
                    let mut d_prev = Array2::zeros(prev.output.raw_dim());
                    activation.backward(
                        prev.pre_activation.as_slice().expect("standard layout"),
                        prev.output.as_slice().expect("standard layout"),
                        d_out.as_slice().expect("standard layout"),
                        d_prev.as_slice_mut().expect("standard layout"),
                    );
                    d_prev
                };
            }
            grads.push(grad);
        }
        grads.reverse();
        grads
    }
}
