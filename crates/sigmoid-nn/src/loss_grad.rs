//! [`Sequential::loss_grad`]: the binary cross-entropy and its gradient as
//! **sums** over rows, so that engines (Dask, a thread per partition, the
//! L-BFGS of `lbfgs.rs`) can add the results of separate parts of a data set
//! and divide once.
//!
//! The rows are processed in fixed blocks (`row_blocks.rs`), in parallel on
//! rayon's current pool for large inputs; the per-block sums are added in
//! block order, so the result is bit-identical for any thread count.

use ndarray::{ArrayView1, ArrayView2, AsArray, Ix2, s};
use sigmoid::Activation;

use crate::loss::EPSILON;
use crate::row_blocks::fold_row_blocks;
use crate::{LayerTrace, NnError, Sequential};

/// The summed loss and gradient of [`Sequential::loss_grad`].
///
/// All fields are sums over rows (and outputs), so results on separate parts
/// of a data set add up to the result on the whole; `loss / weight` is the
/// weighted mean loss and `gradient / weight` its gradient.
#[derive(Clone, Debug, PartialEq)]
pub struct LossGrad {
    /// Σ wᵢ · BCE(row i, output o) over rows i and outputs o: computed from
    /// the logits when the last layer is a sigmoid (as Keras does), else from
    /// the probabilities clipped to [1e-7, 1 − 1e-7]. Rows of weight 0 add
    /// nothing (not even a NaN).
    pub loss: f64,
    /// d `loss` / d parameters, flat in the order of
    /// [`Sequential::parameters`] (a sum, not a mean).
    pub gradient: Vec<f64>,
    /// Σ wᵢ over rows and outputs (rows × outputs without weights).
    pub weight: f64,
    /// Σ wᵢ over the outputs whose prediction (p > 0.5) equals the label.
    pub correct: f64,
}

impl LossGrad {
    fn zero(params: usize) -> Self {
        LossGrad {
            loss: 0.0,
            gradient: vec![0.0; params],
            weight: 0.0,
            correct: 0.0,
        }
    }

    /// Adds another part's sums to these (results of separate row ranges).
    ///
    /// # Panics
    /// If the gradients have different lengths (results of different models).
    #[track_caller]
    pub fn add(&mut self, other: &LossGrad) {
        assert_eq!(
            self.gradient.len(),
            other.gradient.len(),
            "LossGrad::add: gradients of different models"
        );
        self.loss += other.loss;
        self.weight += other.weight;
        self.correct += other.correct;
        for (a, b) in self.gradient.iter_mut().zip(&other.gradient) {
            *a += b;
        }
    }
}

impl Sequential {
    /// The binary cross-entropy of the model on (`x`, `y`) and its gradient
    /// with respect to every parameter, as sums over the rows (see
    /// [`LossGrad`]); `sample_weight` weighs each row (one weight per row,
    /// finite and not negative). Nothing in the model changes.
    ///
    /// The gradient equals [`gradients`](Sequential::gradients) (a mean)
    /// times the number of rows × outputs when there are no weights. Large
    /// inputs use every thread of rayon's current pool; the result does not
    /// depend on the number of threads.
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Shape`] if the shapes do not fit the
    /// model or each other, or `sample_weight` does not have a value per row;
    /// [`NnError::InvalidArgument`] for a negative or non-finite weight.
    ///
    /// ```
    /// use ndarray::array;
    /// use sigmoid_nn::{Activation, Dense, Sequential};
    /// let mut model = Sequential::new(1);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// model.set_parameters(&[0.0, 0.0])?; // p = 0.5 everywhere
    /// let (x, y) = (array![[1.0_f32], [2.0]], array![[1.0_f32], [0.0]]);
    /// let lg = model.loss_grad(&x, &y, None)?;
    /// assert!((lg.loss - 2.0 * 2.0_f64.ln()).abs() < 1e-6);
    /// // d/dw = Σ (p − y)·x = −0.5·1 + 0.5·2; d/db = −0.5 + 0.5.
    /// assert!((lg.gradient[0] - 0.5).abs() < 1e-6 && lg.gradient[1].abs() < 1e-6);
    /// assert_eq!(lg.weight, 2.0);
    /// # Ok::<(), sigmoid_nn::NnError>(())
    /// ```
    pub fn loss_grad<'a>(
        &self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
        sample_weight: Option<ArrayView1<'_, f32>>,
    ) -> Result<LossGrad, NnError> {
        let (x, y): (ArrayView2<'a, f32>, ArrayView2<'a, f32>) = (x.into(), y.into());
        self.check_xy(x, y)?;
        check_sample_weight(x.nrows(), sample_weight)?;
        Ok(self.loss_grad_unchecked(x, y, sample_weight, true))
    }

    /// [`loss_grad`](Sequential::loss_grad) on checked inputs; without
    /// `grad`, the gradient is left empty (the loss alone, for line searches
    /// that only need values).
    pub(crate) fn loss_grad_unchecked(
        &self,
        x: ArrayView2<'_, f32>,
        y: ArrayView2<'_, f32>,
        sample_weight: Option<ArrayView1<'_, f32>>,
        grad: bool,
    ) -> LossGrad {
        let params = if grad { self.param_count() } else { 0 };
        fold_row_blocks(
            x.nrows(),
            LossGrad::zero(params),
            |r| {
                self.block_loss_grad(
                    x.slice(s![r.clone(), ..]),
                    y.slice(s![r.clone(), ..]),
                    sample_weight.map(|w| w.slice_move(s![r])),
                    grad,
                )
            },
            |mut acc, part| {
                acc.add(&part);
                acc
            },
        )
    }

    /// The sums of one block of rows.
    fn block_loss_grad(
        &self,
        x: ArrayView2<'_, f32>,
        y: ArrayView2<'_, f32>,
        w: Option<ArrayView1<'_, f32>>,
        grad: bool,
    ) -> LossGrad {
        let traces = self.forward_batch(x);
        let last = traces.last().expect("checked non-empty");
        let (sums, d_pre) = bce_sums(self.last_layer().activation_fn(), last, y, w, grad);
        if !grad {
            return sums;
        }
        let mut out = LossGrad {
            gradient: Vec::with_capacity(self.param_count()),
            ..sums
        };
        for g in self.backward(x, &traces, d_pre) {
            out.gradient.extend(g.kernel.iter().map(|&v| f64::from(v)));
            out.gradient.extend(g.bias.iter().map(|&v| f64::from(v)));
        }
        out
    }
}

/// Checks one weight per row, each finite and not negative.
pub(crate) fn check_sample_weight(
    rows: usize,
    w: Option<ArrayView1<'_, f32>>,
) -> Result<(), NnError> {
    let Some(w) = w else { return Ok(()) };
    if w.len() != rows {
        return Err(NnError::Shape(format!(
            "x has {rows} rows but sample_weight has {} values",
            w.len()
        )));
    }
    if let Some((i, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(NnError::InvalidArgument(format!(
            "sample_weight[{i}] is {v}; weights must be finite and not negative"
        )));
    }
    Ok(())
}

/// The loss, weight and correct sums of a block (gradient empty), and, when
/// `grad`, d (summed loss) / d (last pre-activation).
pub(crate) fn bce_sums(
    activation: Activation,
    last: &LayerTrace,
    y: ArrayView2<'_, f32>,
    w: Option<ArrayView1<'_, f32>>,
    grad: bool,
) -> (LossGrad, ndarray::Array2<f32>) {
    let outputs = y.ncols().max(1);
    let weight = |i: usize| w.map_or(1.0, |w| w[i / outputs]);
    let y = y.as_standard_layout();
    let y = y.as_slice().expect("standard layout");
    let pre = last.pre_activation.as_slice().expect("standard layout");
    let out = last.output.as_slice().expect("standard layout");
    let mut d_pre = ndarray::Array2::<f32>::zeros(if grad {
        last.pre_activation.raw_dim()
    } else {
        ndarray::Ix2(0, 0)
    });
    let mut sums = LossGrad::zero(0);
    let mut each = vec![0.0_f32; y.len()];
    if activation == Activation::Sigmoid {
        // From the logits: loss = max(z,0) − z·y + log1p(exp(−|z|)), d/dz = σ(z) − y.
        sigmoid::bce_with_logits_slice(pre, y, &mut each);
    } else {
        // Probabilities clipped to [ε, 1 − ε], as Keras' binary_crossentropy.
        let (lo, hi) = (EPSILON, 1.0 - EPSILON);
        for ((l, &p), &t) in each.iter_mut().zip(out).zip(y) {
            let q = p.clamp(lo, hi);
            *l = -(t * q.ln() + (1.0 - t) * (1.0 - q).ln());
        }
    }
    for (i, ((&l, &p), &t)) in each.iter().zip(out).zip(y).enumerate() {
        let wi = weight(i);
        if wi == 0.0 {
            continue;
        }
        let wd = f64::from(wi);
        sums.loss += wd * f64::from(l);
        sums.weight += wd;
        if f32::from(u8::from(p > 0.5)) == t {
            sums.correct += wd;
        }
    }
    if !grad {
        return (sums, d_pre);
    }
    let d = d_pre.as_slice_mut().expect("standard layout");
    if activation == Activation::Sigmoid {
        for (i, ((d, &p), &t)) in d.iter_mut().zip(out).zip(y).enumerate() {
            *d = weight(i) * (p - t);
        }
    } else {
        let (lo, hi) = (EPSILON, 1.0 - EPSILON);
        let mut d_out = vec![0.0_f32; y.len()];
        for (i, ((d, &p), &t)) in d_out.iter_mut().zip(out).zip(y).enumerate() {
            let wi = weight(i);
            if wi != 0.0 && (lo..=hi).contains(&p) {
                *d = wi * (-t / p + (1.0 - t) / (1.0 - p));
            }
        }
        activation.backward(pre, out, &d_out, d);
    }
    (sums, d_pre)
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2};

    use crate::{Activation, Dense, NnError, Sequential};

    /// A deterministic, not separable data set.
    fn data(rows: usize, cols: usize) -> (Array2<f32>, Array2<f32>) {
        let x = Array2::from_shape_fn((rows, cols), |(i, j)| {
            ((i * 7 + j * 13) as f32 * 0.173).sin() * 2.0
        });
        let y = Array2::from_shape_fn((rows, 1), |(i, _)| {
            f32::from(u8::from(
                (x[[i, 0]] + 0.5 * x[[i, 1]] + (i as f32).cos()) > 0.0,
            ))
        });
        (x, y)
    }

    fn mlp(last: Activation) -> Sequential {
        let mut model = Sequential::with_seed(3, 11);
        model
            .add(Dense::new(5).activation(Activation::Tanh))
            .add(Dense::new(1).activation(last));
        model
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (x, y) = data(64, 3);
        let w: Array1<f32> = (0..64).map(|i| (i % 3) as f32 * 0.5).collect();
        {
            let last = Activation::Sigmoid;
            let mut model = mlp(last);
            let p0 = model.parameters();
            let lg = model.loss_grad(&x, &y, Some(w.view())).unwrap();
            let h = 1e-2_f32;
            for k in 0..p0.len() {
                let mut p = p0.clone();
                p[k] = p0[k] + h;
                model.set_parameters(&p).unwrap();
                let up = model.loss_grad(&x, &y, Some(w.view())).unwrap().loss;
                p[k] = p0[k] - h;
                model.set_parameters(&p).unwrap();
                let down = model.loss_grad(&x, &y, Some(w.view())).unwrap().loss;
                let fd = (up - down) / (2.0 * f64::from(h));
                let g = lg.gradient[k];
                assert!(
                    (fd - g).abs() <= 2e-2 * g.abs().max(1.0),
                    "{last:?} parameter {k}: finite difference {fd}, gradient {g}"
                );
            }
            model.set_parameters(&p0).unwrap();
        }
    }

    #[test]
    fn equals_the_mean_gradient_times_the_rows() {
        let (x, y) = data(3000, 3);
        for last in [Activation::Sigmoid, Activation::HardSigmoid] {
            mean_times_rows(&x, &y, &mlp(last));
        }
    }

    fn mean_times_rows(x: &Array2<f32>, y: &Array2<f32>, model: &Sequential) {
        let lg = model.loss_grad(x, y, None).unwrap();
        let mean: Vec<f32> = model
            .gradients(x, y)
            .unwrap()
            .iter()
            .flat_map(|g| {
                g.kernel
                    .iter()
                    .chain(g.bias.iter())
                    .copied()
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(lg.weight, 3000.0);
        for (k, (&m, &s)) in mean.iter().zip(&lg.gradient).enumerate() {
            let want = f64::from(m) * 3000.0;
            assert!(
                (want - s).abs() <= 1e-4 * want.abs().max(1.0),
                "parameter {k}: mean × rows {want}, sum {s}"
            );
        }
        let eval = model.evaluate(x, y).unwrap();
        assert!((lg.loss / lg.weight - eval.loss).abs() < 1e-6);
        assert!((lg.correct / lg.weight - eval.accuracy).abs() < 1e-12);
    }

    #[test]
    fn parts_add_up_and_threads_do_not_change_the_bits() {
        let (x, y) = data(5000, 3);
        let model = mlp(Activation::Sigmoid);
        let pool = |n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| model.loss_grad(&x, &y, None).unwrap());
        let two = pool(2).install(|| model.loss_grad(&x, &y, None).unwrap());
        assert_eq!(one.loss.to_bits(), two.loss.to_bits());
        let bits = |g: &[f64]| g.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&one.gradient), bits(&two.gradient));
        // Parts on block boundaries add up to the whole within rounding.
        let mut sum = model
            .loss_grad(
                x.slice(ndarray::s![..2048, ..]),
                y.slice(ndarray::s![..2048, ..]),
                None,
            )
            .unwrap();
        sum.add(
            &model
                .loss_grad(
                    x.slice(ndarray::s![2048.., ..]),
                    y.slice(ndarray::s![2048.., ..]),
                    None,
                )
                .unwrap(),
        );
        assert!((sum.loss - one.loss).abs() <= 1e-9 * one.loss);
        assert_eq!(sum.weight, one.weight);
    }

    #[test]
    fn zero_weights_drop_rows_and_bad_weights_are_errors() {
        let (x, y) = data(10, 3);
        let model = mlp(Activation::Sigmoid);
        let mut w = Array1::<f32>::ones(10);
        w[3] = 0.0;
        let weighted = model.loss_grad(&x, &y, Some(w.view())).unwrap();
        let keep: Vec<usize> = (0..10).filter(|&i| i != 3).collect();
        let dropped = model
            .loss_grad(
                &x.select(ndarray::Axis(0), &keep),
                &y.select(ndarray::Axis(0), &keep),
                None,
            )
            .unwrap();
        assert!((weighted.loss - dropped.loss).abs() < 1e-9);
        assert_eq!(weighted.weight, 9.0);
        let short = Array1::<f32>::ones(4);
        let err = model.loss_grad(&x, &y, Some(short.view())).unwrap_err();
        assert!(matches!(err, NnError::Shape(_)), "{err}");
        w[5] = -1.0;
        let err = model
            .loss_grad(&x, &y, Some(w.view()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sample_weight[5] is -1"), "{err}");
    }
}
