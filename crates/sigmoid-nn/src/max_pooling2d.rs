//! [`MaxPooling2D`]: the maximum over each window, per channel.

use ndarray::{Array1, Array2, ArrayView2};

use crate::padding::Window;
use crate::{LayerTrace, Padding};

/// A 2-D max-pooling layer, as Keras' `MaxPooling2D(pool_size=(2, 2),
/// strides=None, padding="valid")` with channels-last data: each output is
/// the largest input in its window, channel by channel. The strides default
/// to the pool size. With `same` padding the padded positions never win (the
/// split of [`Padding`]'s rule, bottom and right taking the extra). No
/// parameters; the gradient of each output goes to the first largest input
/// of its window (in row-major window order).
///
/// ```
/// use sigmoid_nn::{MaxPooling2D, Sequential};
///
/// let mut model = Sequential::with_input_shape(&[5, 5, 3], 0)?;
/// model.try_add(MaxPooling2D::new((2, 2)))?;
/// assert_eq!(model.output_shape(), [2, 2, 3]);
/// // A pool larger than its input is an error that names both.
/// let e = model.try_add(MaxPooling2D::new((3, 3))).unwrap_err();
/// assert!(e.to_string().contains("(None, 2, 2, 3)"), "{e}");
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MaxPooling2D {
    pool_size: (usize, usize),
    strides: (usize, usize),
    padding: Padding,
    input_shape: Option<[usize; 3]>,
    /// Always empty: this layer has no parameters (see `Layer::kernel`).
    pub(crate) no_kernel: Array2<f32>,
    pub(crate) no_bias: Array1<f32>,
}

impl MaxPooling2D {
    /// Pools windows of `pool_size` (height, width), strides equal to it, `valid` padding.
    ///
    /// # Panics
    /// If a pool dimension is 0.
    #[track_caller]
    pub fn new(pool_size: (usize, usize)) -> Self {
        assert!(
            pool_size.0 > 0 && pool_size.1 > 0,
            "MaxPooling2D::new: the pool size must be at least (1, 1), not {pool_size:?}"
        );
        MaxPooling2D {
            pool_size,
            strides: pool_size,
            padding: Padding::Valid,
            input_shape: None,
            no_kernel: Array2::zeros((0, 0)),
            no_bias: Array1::zeros(0),
        }
    }

    /// Sets the strides (builder style; default: the pool size).
    ///
    /// # Panics
    /// If a stride is 0.
    #[must_use]
    #[track_caller]
    pub fn strides(mut self, strides: (usize, usize)) -> Self {
        assert!(
            strides.0 > 0 && strides.1 > 0,
            "MaxPooling2D::strides: strides must be at least (1, 1), not {strides:?}"
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

    /// The window (height, width).
    pub fn pool_size(&self) -> (usize, usize) {
        self.pool_size
    }

    /// The strides (height, width).
    pub fn stride_size(&self) -> (usize, usize) {
        self.strides
    }

    /// The padding.
    pub fn padding_mode(&self) -> Padding {
        self.padding
    }

    /// The input shape (height, width, channels), once added to a model.
    pub fn input_shape(&self) -> Option<[usize; 3]> {
        self.input_shape
    }

    /// The output shape, once added to a model.
    pub fn output_shape(&self) -> Option<[usize; 3]> {
        self.window().map(|w| [w.out_h, w.out_w, w.channels])
    }

    fn window(&self) -> Option<Window> {
        Window::new(
            self.input_shape?,
            self.pool_size,
            self.stride_size(),
            self.padding,
        )
    }

    /// Fixes the input shape; returns the output shape, or what does not fit.
    pub(crate) fn build(&mut self, input: [usize; 3]) -> Result<[usize; 3], String> {
        let Some(w) = Window::new(input, self.pool_size, self.stride_size(), self.padding) else {
            return Err(format!(
                "the pool {:?} is larger than the input and the padding is \"valid\"",
                self.pool_size
            ));
        };
        self.input_shape = Some(input);
        Ok([w.out_h, w.out_w, w.channels])
    }

    /// For each window and channel, the index (in the image's row) of its first
    /// largest input; `f` gets (output index in the row, input index). The
    /// channels are the inner loop, over adjacent memory.
    fn for_each_argmax(
        w: &Window,
        image: &[f32],
        best: &mut [(f32, usize)],
        mut f: impl FnMut(usize, usize),
    ) {
        let c = w.channels;
        for oy in 0..w.out_h {
            for ox in 0..w.out_w {
                let mut first = true;
                let (ky_lo, ky_hi) = w.rows_inside(oy);
                let (kx_lo, kx_hi) = w.columns_inside(ox);
                for ky in ky_lo..ky_hi {
                    let iy = oy * w.sh + ky - w.pad_top;
                    for kx in kx_lo..kx_hi {
                        let ix = ox * w.sw + kx - w.pad_left;
                        let at = (iy * w.in_w + ix) * c;
                        let cell = &image[at..at + c];
                        if first {
                            for (ch, (b, &v)) in best.iter_mut().zip(cell).enumerate() {
                                *b = (v, at + ch);
                            }
                            first = false;
                        } else {
                            for (ch, (b, &v)) in best.iter_mut().zip(cell).enumerate() {
                                if v > b.0 {
                                    *b = (v, at + ch);
                                }
                            }
                        }
                    }
                }
                debug_assert!(!first, "every window covers at least one input");
                let base = (oy * w.out_w + ox) * c;
                for (ch, &(_, at)) in best.iter().enumerate() {
                    f(base + ch, at);
                }
            }
        }
    }

    pub(crate) fn forward(&self, x: ArrayView2<'_, f32>) -> LayerTrace {
        let w = self.window().expect("built before use");
        let x = x.as_standard_layout();
        let mut output = Array2::<f32>::zeros((x.nrows(), w.positions() * w.channels));
        let mut best = vec![(0.0_f32, 0_usize); w.channels];
        for (image, out) in x.rows().into_iter().zip(output.rows_mut()) {
            let image = image.to_slice().expect("standard layout");
            let out = out.into_slice().expect("standard layout");
            Self::for_each_argmax(&w, image, &mut best, |o, i| out[o] = image[i]);
        }
        LayerTrace {
            pre_activation: output.clone(),
            output,
        }
    }

    /// d loss / d input from d loss / d output.
    pub(crate) fn backward(
        &self,
        x: ArrayView2<'_, f32>,
        d_out: ArrayView2<'_, f32>,
    ) -> Array2<f32> {
        let w = self.window().expect("built before use");
        let x = x.as_standard_layout();
        let mut d_input = Array2::<f32>::zeros(x.raw_dim());
        let mut best = vec![(0.0_f32, 0_usize); w.channels];
        let d_out = d_out.as_standard_layout();
        for ((image, d_in), d_o) in x
            .rows()
            .into_iter()
            .zip(d_input.rows_mut())
            .zip(d_out.rows())
        {
            let d_o = d_o.to_slice().expect("standard layout");
            let image = image.to_slice().expect("standard layout");
            let d_in = d_in.into_slice().expect("standard layout");
            Self::for_each_argmax(&w, image, &mut best, |o, i| d_in[i] += d_o[o]);
        }
        d_input
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Ties send the gradient to the first largest input of the window, in
    /// row-major window order, channel by channel.
    #[test]
    fn ties_send_the_gradient_to_the_first_maximum() {
        let mut pool = MaxPooling2D::new((2, 2));
        pool.build([2, 2, 2]).unwrap();
        // (y, x, c): channel 0 = [[1, 3], [3, 0]], channel 1 = [[5, 5], [5, 5]].
        let x = array![[1.0_f32, 5.0, 3.0, 5.0, 3.0, 5.0, 0.0, 5.0]];
        assert_eq!(pool.forward(x.view()).output, array![[3.0_f32, 5.0]]);
        let d = pool.backward(x.view(), array![[1.0_f32, 2.0]].view());
        assert_eq!(d, array![[0.0_f32, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]]);
    }
}
