//! [`Activation`]: the activation functions a Dense layer can apply, by their Keras names.

use core::fmt;
use core::str::FromStr;

use crate::slices::assert_same_len;
use crate::{Error, Float};

/// An activation function applied elementwise after a layer's matrix product.
///
/// Parsed from (and displayed as) the Keras names: `"linear"`, `"sigmoid"`,
/// `"relu"`, `"tanh"`, `"hard_sigmoid"`, `"silu"` (alias `"swish"`) and
/// `"softplus"`.
///
/// ```
/// use sigmoid::Activation;
///
/// let act: Activation = "sigmoid".parse().unwrap();
/// assert_eq!(act, Activation::Sigmoid);
/// let mut y = [0.0_f32; 3];
/// act.forward(&[-1.0, 0.0, 1.0], &mut y);
/// assert_eq!(y[1], 0.5);
/// assert!("gelu".parse::<Activation>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Activation {
    /// The identity, f(x) = x.
    #[default]
    Linear,
    /// σ(x) = 1 / (1 + e^-x).
    Sigmoid,
    /// max(x, 0).
    Relu,
    /// tanh(x).
    Tanh,
    /// Keras 3's `hard_sigmoid`: relu6(x + 3) / 6 = clamp(x + 3, 0, 6) / 6.
    HardSigmoid,
    /// x·σ(x), also called swish.
    Silu,
    /// ln(1 + e^x).
    Softplus,
}

impl Activation {
    /// Every activation, in declaration order.
    pub const ALL: [Activation; 7] = [
        Activation::Linear,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::Tanh,
        Activation::HardSigmoid,
        Activation::Silu,
        Activation::Softplus,
    ];

    /// The Keras name.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::HardSigmoid => "hard_sigmoid",
            Activation::Silu => "silu",
            Activation::Softplus => "softplus",
        }
    }

    /// f(x) for one value.
    pub fn apply<T: Float>(self, x: T) -> T {
        match self {
            Activation::Linear => x,
            Activation::Sigmoid => crate::sigmoid(x),
            Activation::Relu => crate::relu(x),
            Activation::Tanh => crate::tanh(x),
            Activation::HardSigmoid => hard_sigmoid(x),
            Activation::Silu => x * crate::sigmoid(x),
            Activation::Softplus => crate::softplus(x),
        }
    }

    /// f'(x) for one value, given x and y = f(x).
    pub fn derivative<T: Float>(self, x: T, y: T) -> T {
        match self {
            Activation::Linear => T::ONE,
            Activation::Sigmoid => T::sigmoid_backward_scalar(y, T::ONE),
            Activation::Relu => {
                if x > T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            Activation::Tanh => T::ONE - y * y,
            Activation::HardSigmoid => {
                let three = T::from_f64(3.0);
                if x > -three && x < three {
                    T::from_f64(1.0 / 6.0)
                } else {
                    T::ZERO
                }
            }
            Activation::Silu => {
                let s = crate::sigmoid(x);
                s * (T::ONE + x * (T::ONE - s))
            }
            Activation::Softplus => crate::sigmoid(x),
        }
    }

    /// `y[i] = f(x[i])`, through the SIMD slice kernels where the crate has them.
    ///
    /// # Panics
    /// If `x` and `y` have different lengths.
    #[track_caller]
    pub fn forward<T: Float>(self, x: &[T], y: &mut [T]) {
        assert_same_len("Activation::forward", "x and y", x.len(), y.len());
        match self {
            Activation::Linear => y.copy_from_slice(x),
            Activation::Sigmoid => crate::sigmoid_slice(x, y),
            Activation::Relu => crate::relu_slice(x, y),
            Activation::Tanh => crate::tanh_slice(x, y),
            Activation::Softplus => crate::softplus_slice(x, y),
            Activation::HardSigmoid | Activation::Silu => {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = self.apply(x);
                }
            }
        }
    }

    /// `data[i] ← f(data[i])`.
    pub fn forward_inplace<T: Float>(self, data: &mut [T]) {
        match self {
            Activation::Linear => {}
            Activation::Sigmoid => crate::sigmoid_inplace(data),
            Activation::Relu => crate::relu_inplace(data),
            Activation::Tanh => crate::tanh_inplace(data),
            Activation::Softplus => crate::softplus_inplace(data),
            Activation::HardSigmoid | Activation::Silu => {
                for v in data {
                    *v = self.apply(*v);
                }
            }
        }
    }

    /// The backward pass: `dx[i] = dy[i] · f'(x[i])`, given the layer's input
    /// `x` (pre-activation) and output `y = f(x)`. Sigmoid uses the crate's
    /// backward kernel on `y`.
    ///
    /// # Panics
    /// If the four slices do not all have the same length.
    #[track_caller]
    pub fn backward<T: Float>(self, x: &[T], y: &[T], dy: &[T], dx: &mut [T]) {
        assert_same_len("Activation::backward", "x and y", x.len(), y.len());
        assert_same_len("Activation::backward", "x and dy", x.len(), dy.len());
        assert_same_len("Activation::backward", "x and dx", x.len(), dx.len());
        match self {
            Activation::Linear => dx.copy_from_slice(dy),
            Activation::Sigmoid => crate::sigmoid_backward_slice(y, dy, dx),
            _ => {
                for (((dx, &x), &y), &dy) in dx.iter_mut().zip(x).zip(y).zip(dy) {
                    *dx = dy * self.derivative(x, y);
                }
            }
        }
    }
}

fn hard_sigmoid<T: Float>(x: T) -> T {
    if x.to_f64().is_nan() {
        return x;
    }
    let shifted = x + T::from_f64(3.0);
    let six = T::from_f64(6.0);
    let clamped = if shifted < T::ZERO {
        T::ZERO
    } else if shifted > six {
        six
    } else {
        shifted
    };
    clamped / six
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "linear" | "none" | "identity" => Ok(Activation::Linear),
            "sigmoid" | "logistic" => Ok(Activation::Sigmoid),
            "relu" => Ok(Activation::Relu),
            "tanh" => Ok(Activation::Tanh),
            "hard_sigmoid" => Ok(Activation::HardSigmoid),
            "silu" | "swish" => Ok(Activation::Silu),
            "softplus" => Ok(Activation::Softplus),
            _ => Err(Error::UnknownActivation {
                name: name.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for act in Activation::ALL {
            assert_eq!(act.name().parse::<Activation>().unwrap(), act);
            assert_eq!(act.to_string(), act.name());
        }
        assert_eq!("swish".parse::<Activation>().unwrap(), Activation::Silu);
        let err = "gelu".parse::<Activation>().unwrap_err();
        assert!(err.to_string().contains("\"gelu\""));
    }

    #[test]
    fn hard_sigmoid_is_keras_3() {
        let act = Activation::HardSigmoid;
        assert_eq!(act.apply(-4.0), 0.0);
        assert_eq!(act.apply(0.0), 0.5);
        assert_eq!(act.apply(4.0), 1.0);
        assert_eq!(act.apply(1.5), 0.75);
    }

    #[test]
    fn backward_matches_finite_differences() {
        let xs: Vec<f64> = (-40..=40).map(|i| f64::from(i) * 0.1 + 0.013).collect();
        for act in Activation::ALL {
            let mut y = vec![0.0; xs.len()];
            act.forward(&xs, &mut y);
            let ones = vec![1.0; xs.len()];
            let mut dx = vec![0.0; xs.len()];
            act.backward(&xs, &y, &ones, &mut dx);
            for (i, &x) in xs.iter().enumerate() {
                let h = 1e-6;
                let fd = (act.apply(x + h) - act.apply(x - h)) / (2.0 * h);
                assert!((fd - dx[i]).abs() < 1e-6, "{act} at {x}: {fd} vs {}", dx[i]);
            }
        }
    }
}
