//! Scalar implementations, one function per file (as in libm).
//!
//! `f32` functions evaluate in `f64` and round once. `f64` functions use a
//! double-double `e^x` (`exp_dd`) so they too round (almost always) only once.
//! These are also the reference that every SIMD kernel is tested against.

pub(crate) mod bce;
pub(crate) mod dd;
pub(crate) mod exp_dd;
pub(crate) mod logit;
pub(crate) mod relu;
pub(crate) mod sigmoid;
pub(crate) mod sigmoid_backward;
pub(crate) mod sigmoid_derivative;
pub(crate) mod softplus;
pub(crate) mod tanh;

/// The f32 scalar functions under uniform names (used by `Float` and the kernels).
pub(crate) mod f32 {
    pub(crate) use super::bce::bce_with_logits_f32 as bce_with_logits;
    pub(crate) use super::logit::logit_f32 as logit;
    pub(crate) use super::relu::relu_f32 as relu;
    pub(crate) use super::sigmoid::sigmoid_f32 as sigmoid;
    pub(crate) use super::sigmoid_backward::sigmoid_backward_f32 as sigmoid_backward;
    pub(crate) use super::sigmoid_derivative::sigmoid_derivative_f32 as sigmoid_derivative;
    pub(crate) use super::softplus::{log_sigmoid_f32 as log_sigmoid, softplus_f32 as softplus};
    pub(crate) use super::tanh::tanh_f32 as tanh;
}

/// The f64 scalar functions under uniform names (used by `Float` and the kernels).
pub(crate) mod f64 {
    pub(crate) use super::bce::bce_with_logits_f64 as bce_with_logits;
    pub(crate) use super::logit::logit_f64 as logit;
    pub(crate) use super::relu::relu_f64 as relu;
    pub(crate) use super::sigmoid::sigmoid_f64 as sigmoid;
    pub(crate) use super::sigmoid_backward::sigmoid_backward_f64 as sigmoid_backward;
    pub(crate) use super::sigmoid_derivative::sigmoid_derivative_f64 as sigmoid_derivative;
    pub(crate) use super::softplus::{log_sigmoid_f64 as log_sigmoid, softplus_f64 as softplus};
    pub(crate) use super::tanh::tanh_f64 as tanh;
}
