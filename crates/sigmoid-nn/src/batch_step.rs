//! The gradient of one training batch for [`Sequential::fit`](crate::Sequential::fit):
//! on the calling thread for ordinary batches, over row blocks on every
//! core for large ones (`--batch-size 4096` and up, or full-batch steps).
//!
//! Batches below [`PARALLEL_FROM_ROWS`] rows take exactly the single-pass
//! path (so Keras-sized batches train bit for bit as before); larger ones
//! sum per-block gradients in block order, so their result does not depend
//! on the number of threads either, though it differs from the single pass
//! by float rounding (the sums are grouped differently).

use ndarray::{ArrayView1, ArrayView2, s};

use crate::loss::loss_grad;
use crate::loss_grad::bce_sums;
use crate::row_blocks::{PARALLEL_FROM_ROWS, fold_row_blocks};
use crate::{LayerGradient, Sequential};

/// One batch's mean loss (Σ wᵢ·lossᵢ / elements, as Keras), number of
/// correct outputs, and the gradient of the mean loss.
pub(crate) struct BatchGradient {
    pub(crate) loss: f64,
    pub(crate) correct: usize,
    pub(crate) grads: Vec<LayerGradient>,
}

impl Sequential {
    pub(crate) fn batch_gradient(
        &self,
        x: ArrayView2<'_, f32>,
        y: ArrayView2<'_, f32>,
        w: Option<ArrayView1<'_, f32>>,
    ) -> BatchGradient {
        if x.nrows() < PARALLEL_FROM_ROWS || rayon::current_num_threads() < 2 {
            let traces = self.forward_batch(x);
            let last = traces.last().expect("checked non-empty");
            let lg = loss_grad(self.last_layer(), last, y, w, true);
            let grads = self.backward(x, &traces, lg.d_pre);
            return BatchGradient {
                loss: lg.loss,
                correct: lg.correct,
                grads,
            };
        }
        let activation = self.last_layer().activation_fn();
        let (loss, correct, grads) = fold_row_blocks(
            x.nrows(),
            (0.0_f64, 0_usize, None::<Vec<LayerGradient>>),
            |r| {
                let (xb, yb) = (x.slice(s![r.clone(), ..]), y.slice(s![r.clone(), ..]));
                let wb = w.map(|w| w.slice_move(s![r]));
                let traces = self.forward_batch(xb);
                let last = traces.last().expect("checked non-empty");
                let correct = (last.output.iter().zip(yb.iter()))
                    .filter(|&(&p, &t)| f32::from(u8::from(p > 0.5)) == t)
                    .count();
                let (sums, d_pre) = bce_sums(activation, last, yb, wb, true);
                (sums.loss, correct, self.backward(xb, &traces, d_pre))
            },
            |(loss, correct, acc), (l, c, g)| {
                let acc = match acc {
                    None => g,
                    Some(mut acc) => {
                        for (a, b) in acc.iter_mut().zip(&g) {
                            a.kernel += &b.kernel;
                            a.bias += &b.bias;
                        }
                        acc
                    }
                };
                (loss + l, correct + c, Some(acc))
            },
        );
        let count = y.len();
        let scale = 1.0 / count as f32;
        let mut grads = grads.expect("a batch has rows");
        for g in &mut grads {
            g.kernel *= scale;
            g.bias *= scale;
        }
        BatchGradient {
            loss: loss / count as f64,
            correct,
            grads,
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2};

    use crate::{Activation, Dense, Sequential};

    #[test]
    fn large_batches_agree_with_the_single_pass_and_not_with_threads() {
        let n = 5000;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| ((i * 3 + j) as f32 * 0.29).sin());
        let y = Array2::from_shape_fn((n, 1), |(i, _)| f32::from(u8::from(x[[i, 2]] > 0.0)));
        let w = Array1::from_shape_fn(n, |i| (i % 4) as f32 * 0.5);
        let mut model = Sequential::with_seed(3, 2);
        model
            .add(Dense::new(4).activation(Activation::Relu))
            .add(Dense::new(1).activation(Activation::Sigmoid));
        let pool = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
        };
        let single = pool(1).install(|| model.batch_gradient(x.view(), y.view(), Some(w.view())));
        let blocks = pool(2).install(|| model.batch_gradient(x.view(), y.view(), Some(w.view())));
        let blocks_3 = pool(3).install(|| model.batch_gradient(x.view(), y.view(), Some(w.view())));
        assert_eq!(single.correct, blocks.correct);
        assert!((single.loss - blocks.loss).abs() < 1e-6 * single.loss);
        for (a, b) in single.grads.iter().zip(&blocks.grads) {
            for (p, q) in a
                .kernel
                .iter()
                .chain(&a.bias)
                .zip(b.kernel.iter().chain(&b.bias))
            {
                assert!((p - q).abs() <= 1e-5 * p.abs().max(1e-2), "{p} vs {q}");
            }
        }
        assert_eq!(blocks.loss.to_bits(), blocks_3.loss.to_bits());
        assert_eq!(blocks.grads, blocks_3.grads);
    }
}
