//! [`Loss`]: binary cross-entropy, its value and its gradient with respect to
//! the last layer's pre-activation.

use std::str::FromStr;

use ndarray::{Array2, ArrayView1, ArrayView2};
use sigmoid::Activation;

use crate::{Layer, LayerTrace, NnError};

/// Keras' `epsilon()`: probabilities are clipped to [ε, 1 − ε] for the loss.
pub const EPSILON: f32 = 1e-7;

/// The loss function. Binary cross-entropy is the one this crate trains with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loss {
    /// Keras' `binary_crossentropy`, averaged over outputs and rows. After a
    /// sigmoid output layer it is computed from the logits z:
    /// `max(z,0) − z·y + log1p(exp(−|z|))`; otherwise from the probabilities
    /// clipped to [1e-7, 1 − 1e-7].
    #[default]
    BinaryCrossentropy,
}

impl FromStr for Loss {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim() {
            "binary_crossentropy" | "bce" => Ok(Loss::BinaryCrossentropy),
            other => Err(NnError::InvalidArgument(format!(
                "unknown loss {other:?} (expected \"binary_crossentropy\")"
            ))),
        }
    }
}

/// Loss, accuracy count and the gradient with respect to the last layer's pre-activation.
pub(crate) struct LossGrad {
    pub(crate) loss: f64,
    pub(crate) correct: usize,
    pub(crate) d_pre: Array2<f32>,
}

/// The mean loss over the rows of `y` (each row's loss times its weight,
/// when given) and the number of correct outputs, and (when `grad`) the
/// gradient with respect to the last pre-activation.
pub(crate) fn loss_grad(
    layer: &Layer,
    last: &LayerTrace,
    y: ArrayView2<'_, f32>,
    weights: Option<ArrayView1<'_, f32>>,
    grad: bool,
) -> LossGrad {
    let count = y.len();
    let outputs = y.ncols().max(1);
    // The weight of element i of the row-major (rows × outputs) targets.
    let weight = |i: usize| weights.map_or(1.0, |w| w[i / outputs]);
    let y = y.as_standard_layout();
    let y = y.as_slice().expect("standard layout");
    let pre = last.pre_activation.as_slice().expect("standard layout");
    let out = last.output.as_slice().expect("standard layout");
    let correct = out
        .iter()
        .zip(y)
        .filter(|&(&p, &t)| f32::from(u8::from(p > 0.5)) == t)
        .count();
    let scale = 1.0 / count as f32;
    if layer.activation_fn() == Activation::Sigmoid {
        // Keras: from the logits; d loss / dz = w·(σ(z) − y) / m.
        let loss = match weights {
            None => f64::from(sigmoid::bce_with_logits_mean(pre, y)),
            Some(_) => {
                let mut each = vec![0.0_f32; count];
                sigmoid::bce_with_logits_slice(pre, y, &mut each);
                let sum: f64 = (each.iter().enumerate())
                    .filter(|&(i, _)| weight(i) != 0.0)
                    .map(|(i, &l)| f64::from(weight(i)) * f64::from(l))
                    .sum();
                sum / count as f64
            }
        };
        let mut d_pre = Array2::zeros(last.pre_activation.raw_dim());
        if grad {
            let d = d_pre.as_slice_mut().expect("standard layout");
            for (i, ((d, &p), &t)) in d.iter_mut().zip(out).zip(y).enumerate() {
                *d = weight(i) * (p - t) * scale;
            }
        }
        return LossGrad {
            loss,
            correct,
            d_pre,
        };
    }
    // Probabilities clipped to [ε, 1 − ε], as Keras' binary_crossentropy.
    let (lo, hi) = (EPSILON, 1.0 - EPSILON);
    let mut sum = 0.0_f64;
    let mut d_out = vec![0.0_f32; count];
    for (i, ((&p, &t), d)) in out.iter().zip(y).zip(&mut d_out).enumerate() {
        let w = weight(i);
        if w == 0.0 {
            continue;
        }
        let q = p.clamp(lo, hi);
        let (qd, td) = (f64::from(q), f64::from(t));
        sum -= f64::from(w) * (td * qd.ln() + (1.0 - td) * (1.0 - qd).ln());
        if grad && (lo..=hi).contains(&p) {
            *d = w * (-t / q + (1.0 - t) / (1.0 - q)) * scale;
        }
    }
    let mut d_pre = Array2::zeros(last.pre_activation.raw_dim());
    if grad {
        layer.activation_fn().backward(
            pre,
            out,
            &d_out,
            d_pre.as_slice_mut().expect("standard layout"),
        );
    }
    LossGrad {
        loss: sum / count as f64,
        correct,
        d_pre,
    }
}
