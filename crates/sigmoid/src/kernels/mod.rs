//! Slice kernels: every elementwise function applied to a whole slice.
//!
//! This is the portable version: a loop over the scalar functions. The SIMD
//! paths (issue 3) plug in here behind the same three entry points per type.

/// An elementwise function of one argument, as the kernels dispatch on it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unary {
    Sigmoid,
    SigmoidDerivative,
    LogSigmoid,
    Softplus,
    Logit,
    Relu,
    Tanh,
}

macro_rules! scalar_kernels {
    ($t:ident) => {
        pub(crate) mod $t {
            use super::Unary;
            use crate::scalar::$t as s;

            fn scalar(op: Unary) -> fn($t) -> $t {
                match op {
                    Unary::Sigmoid => s::sigmoid,
                    Unary::SigmoidDerivative => s::sigmoid_derivative,
                    Unary::LogSigmoid => s::log_sigmoid,
                    Unary::Softplus => s::softplus,
                    Unary::Logit => s::logit,
                    Unary::Relu => s::relu,
                    Unary::Tanh => s::tanh,
                }
            }

            pub(crate) fn unary(op: Unary, input: &[$t], output: &mut [$t]) {
                debug_assert_eq!(input.len(), output.len());
                let f = scalar(op);
                for (out, &x) in output.iter_mut().zip(input) {
                    *out = f(x);
                }
            }

            pub(crate) fn unary_inplace(op: Unary, data: &mut [$t]) {
                let f = scalar(op);
                for x in data {
                    *x = f(*x);
                }
            }

            pub(crate) fn backward(y: &[$t], dy: &[$t], dx: &mut [$t]) {
                debug_assert!(y.len() == dy.len() && y.len() == dx.len());
                for ((out, &y), &dy) in dx.iter_mut().zip(y).zip(dy) {
                    *out = s::sigmoid_backward(y, dy);
                }
            }
        }
    };
}

scalar_kernels!(f32);
scalar_kernels!(f64);

/// An instruction-set path of the slice kernels.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain Rust, vectorised by the compiler for the build target.
    Portable,
}

impl Isa {
    /// The path's name, as `SIGMOID_ISA` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
        }
    }

    /// Every path this CPU can run, portable first.
    pub fn available() -> Vec<Isa> {
        vec![Isa::Portable]
    }
}

/// The path the slice functions use (chosen once, at first use).
pub fn active() -> Isa {
    Isa::Portable
}

/// `unary` on f32 through a given path (for tests that force each path).
pub fn unary_f32_with(_isa: Isa, op: Unary, input: &[f32], output: &mut [f32]) {
    f32::unary(op, input, output)
}

/// `unary` on f64 through a given path (for tests that force each path).
pub fn unary_f64_with(_isa: Isa, op: Unary, input: &[f64], output: &mut [f64]) {
    f64::unary(op, input, output)
}

/// The sigmoid backward pass on f32 through a given path.
pub fn backward_f32_with(_isa: Isa, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    f32::backward(y, dy, dx)
}

/// The sigmoid backward pass on f64 through a given path.
pub fn backward_f64_with(_isa: Isa, y: &[f64], dy: &[f64], dx: &mut [f64]) {
    f64::backward(y, dy, dx)
}
