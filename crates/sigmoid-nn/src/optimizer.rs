//! Optimizers: [`Sgd`] and [`Adam`], as Keras 3 defines them.

use ndarray::{Array1, Array2, Zip};

use crate::{Layer, LayerGradient, NnError};

/// Stochastic gradient descent with optional (Nesterov) momentum, as Keras' `SGD`:
/// without momentum `w ← w − lr·g`; with it `m ← μ·m − lr·g`, then
/// `w ← w + m` or, Nesterov, `w ← w + μ·m − lr·g`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    /// The learning rate (Keras' default 0.01).
    pub learning_rate: f32,
    /// The momentum μ in [0, 1) (default 0).
    pub momentum: f32,
    /// Nesterov momentum (default false).
    pub nesterov: bool,
}

impl Sgd {
    /// Plain SGD with this learning rate.
    pub fn new(learning_rate: f32) -> Self {
        Sgd {
            learning_rate,
            momentum: 0.0,
            nesterov: false,
        }
    }

    /// Sets the momentum (builder style).
    #[must_use]
    pub fn momentum(mut self, momentum: f32) -> Self {
        self.momentum = momentum;
        self
    }

    /// Sets Nesterov momentum (builder style).
    #[must_use]
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.nesterov = nesterov;
        self
    }
}

impl Default for Sgd {
    fn default() -> Self {
        Sgd::new(0.01)
    }
}

/// Adam, in Keras' form: at step t, `lr_t = lr·√(1−β2^t)/(1−β1^t)`,
/// `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
/// `w ← w − lr_t·m/(√v + ε)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    /// The learning rate (default 0.001).
    pub learning_rate: f32,
    /// β1 (default 0.9).
    pub beta_1: f32,
    /// β2 (default 0.999).
    pub beta_2: f32,
    /// ε (default 1e-7).
    pub epsilon: f32,
}

impl Adam {
    /// Adam with this learning rate and Keras' other defaults.
    pub fn new(learning_rate: f32) -> Self {
        Adam {
            learning_rate,
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon: 1e-7,
        }
    }
}

impl Default for Adam {
    fn default() -> Self {
        Adam::new(0.001)
    }
}

/// An optimizer for [`Sequential::compile`](crate::Sequential::compile).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Optimizer {
    /// [`Sgd`].
    Sgd(Sgd),
    /// [`Adam`].
    Adam(Adam),
}

impl From<Sgd> for Optimizer {
    fn from(o: Sgd) -> Self {
        Optimizer::Sgd(o)
    }
}

impl From<Adam> for Optimizer {
    fn from(o: Adam) -> Self {
        Optimizer::Adam(o)
    }
}

impl Optimizer {
    pub(crate) fn validate(&self) -> Result<(), NnError> {
        let lr = match self {
            Optimizer::Sgd(o) => {
                if !(0.0..1.0).contains(&o.momentum) {
                    return Err(NnError::InvalidArgument(format!(
                        "the momentum must be in [0, 1), not {}",
                        o.momentum
                    )));
                }
                o.learning_rate
            }
            Optimizer::Adam(o) => {
                for (name, b) in [("beta_1", o.beta_1), ("beta_2", o.beta_2)] {
                    if !(0.0..1.0).contains(&b) {
                        return Err(NnError::InvalidArgument(format!(
                            "{name} must be in [0, 1), not {b}"
                        )));
                    }
                }
                if !(o.epsilon > 0.0 && o.epsilon.is_finite()) {
                    return Err(NnError::InvalidArgument(format!(
                        "epsilon must be positive, not {}",
                        o.epsilon
                    )));
                }
                o.learning_rate
            }
        };
        if !(lr > 0.0 && lr.is_finite()) {
            return Err(NnError::InvalidArgument(format!(
                "the learning rate must be a positive number, not {lr}"
            )));
        }
        Ok(())
    }
}

/// Per-layer slots (momentum, or Adam's m and v) and the step counter.
#[derive(Clone, Debug, Default)]
pub(crate) struct OptimizerState {
    iterations: u64,
    slots: Vec<Slots>,
}

#[derive(Clone, Debug)]
struct Slots {
    m_kernel: Array2<f32>,
    m_bias: Array1<f32>,
    v_kernel: Array2<f32>,
    v_bias: Array1<f32>,
}

impl OptimizerState {
    pub(crate) fn apply(
        &mut self,
        optimizer: &Optimizer,
        layers: &mut [Layer],
        grads: &[LayerGradient],
    ) {
        if self.slots.len() != layers.len() {
            self.slots = layers
                .iter()
                .map(|l| Slots {
                    m_kernel: Array2::zeros(l.kernel().raw_dim()),
                    m_bias: Array1::zeros(l.bias().len()),
                    v_kernel: Array2::zeros(l.kernel().raw_dim()),
                    v_bias: Array1::zeros(l.bias().len()),
                })
                .collect();
        }
        self.iterations += 1;
        match *optimizer {
            Optimizer::Sgd(o) => {
                for ((layer, g), s) in layers.iter_mut().zip(grads).zip(&mut self.slots) {
                    sgd(&o, layer.kernel_mut(), &g.kernel, &mut s.m_kernel);
                    sgd(&o, layer.bias_mut(), &g.bias, &mut s.m_bias);
                }
            }
            Optimizer::Adam(o) => {
                let t = self.iterations as f64;
                let b1p = f64::from(o.beta_1).powf(t);
                let b2p = f64::from(o.beta_2).powf(t);
                let alpha = (f64::from(o.learning_rate) * (1.0 - b2p).sqrt() / (1.0 - b1p)) as f32;
                for ((layer, g), s) in layers.iter_mut().zip(grads).zip(&mut self.slots) {
                    adam(
                        &o,
                        alpha,
                        layer.kernel_mut(),
                        &g.kernel,
                        &mut s.m_kernel,
                        &mut s.v_kernel,
                    );
                    adam(
                        &o,
                        alpha,
                        layer.bias_mut(),
                        &g.bias,
                        &mut s.m_bias,
                        &mut s.v_bias,
                    );
                }
            }
        }
    }
}

fn sgd<D: ndarray::Dimension>(
    o: &Sgd,
    w: &mut ndarray::Array<f32, D>,
    g: &ndarray::Array<f32, D>,
    m: &mut ndarray::Array<f32, D>,
) {
    let lr = o.learning_rate;
    if o.momentum == 0.0 {
        Zip::from(w).and(g).for_each(|w, &g| *w -= lr * g);
    } else {
        let mu = o.momentum;
        let nesterov = o.nesterov;
        Zip::from(w).and(g).and(m).for_each(|w, &g, m| {
            *m = -g * lr + *m * mu;
            if nesterov {
                *w += -g * lr + *m * mu;
            } else {
                *w += *m;
            }
        });
    }
}

fn adam<D: ndarray::Dimension>(
    o: &Adam,
    alpha: f32,
    w: &mut ndarray::Array<f32, D>,
    g: &ndarray::Array<f32, D>,
    m: &mut ndarray::Array<f32, D>,
    v: &mut ndarray::Array<f32, D>,
) {
    let (b1, b2, eps) = (o.beta_1, o.beta_2, o.epsilon);
    Zip::from(w).and(g).and(m).and(v).for_each(|w, &g, m, v| {
        *m += (g - *m) * (1.0 - b1);
        *v += (g * g - *v) * (1.0 - b2);
        *w -= (*m * alpha) / (v.sqrt() + eps);
    });
}
