//! The sealed [`Float`] trait: the element types every function accepts.

use core::fmt::{Debug, Display, LowerExp};
use core::ops::{Add, Div, Mul, Neg, Sub};

use crate::kernels::Unary;

pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point type this crate computes on: `f32`, `f64`, and with the
/// `half` feature (on by default) `half::f16` and `half::bf16`.
///
/// The trait is sealed: its methods are the crate's implementation details
/// and are hidden from the documentation. Use the free functions
/// ([`sigmoid`](crate::sigmoid), [`sigmoid_slice`](crate::sigmoid_slice), ...),
/// which are generic over `Float`.
pub trait Float:
    sealed::Sealed
    + Copy
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + LowerExp
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// The type's name as TensorFlow spells it: `"float32"`, `"float64"`.
    const DTYPE: &'static str;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(value: f64) -> Self;
    /// Converts to `f64` (exact for every supported type).
    fn to_f64(self) -> f64;

    #[doc(hidden)]
    fn sigmoid_scalar(self) -> Self;
    #[doc(hidden)]
    fn sigmoid_derivative_scalar(self) -> Self;
    #[doc(hidden)]
    fn sigmoid_backward_scalar(y: Self, dy: Self) -> Self;
    #[doc(hidden)]
    fn log_sigmoid_scalar(self) -> Self;
    #[doc(hidden)]
    fn softplus_scalar(self) -> Self;
    #[doc(hidden)]
    fn logit_scalar(self) -> Self;
    #[doc(hidden)]
    fn bce_with_logits_scalar(z: Self, y: Self) -> Self;
    #[doc(hidden)]
    fn relu_scalar(self) -> Self;
    #[doc(hidden)]
    fn tanh_scalar(self) -> Self;

    #[doc(hidden)]
    fn unary_slice(op: Unary, input: &[Self], output: &mut [Self]);
    #[doc(hidden)]
    fn unary_inplace(op: Unary, data: &mut [Self]);
    #[doc(hidden)]
    fn backward_slice(y: &[Self], dy: &[Self], dx: &mut [Self]);
}

macro_rules! impl_float {
    ($t:ident, $dtype:literal, $suffix:ident) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const DTYPE: &'static str = $dtype;
            #[inline]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            #[inline]
            fn sigmoid_scalar(self) -> Self {
                crate::scalar::$suffix::sigmoid(self)
            }
            #[inline]
            fn sigmoid_derivative_scalar(self) -> Self {
                crate::scalar::$suffix::sigmoid_derivative(self)
            }
            #[inline]
            fn sigmoid_backward_scalar(y: Self, dy: Self) -> Self {
                crate::scalar::$suffix::sigmoid_backward(y, dy)
            }
            #[inline]
            fn log_sigmoid_scalar(self) -> Self {
                crate::scalar::$suffix::log_sigmoid(self)
            }
            #[inline]
            fn softplus_scalar(self) -> Self {
                crate::scalar::$suffix::softplus(self)
            }
            #[inline]
            fn logit_scalar(self) -> Self {
                crate::scalar::$suffix::logit(self)
            }
            #[inline]
            fn bce_with_logits_scalar(z: Self, y: Self) -> Self {
                crate::scalar::$suffix::bce_with_logits(z, y)
            }
            #[inline]
            fn relu_scalar(self) -> Self {
                crate::scalar::$suffix::relu(self)
            }
            #[inline]
            fn tanh_scalar(self) -> Self {
                crate::scalar::$suffix::tanh(self)
            }
            fn unary_slice(op: Unary, input: &[Self], output: &mut [Self]) {
                crate::kernels::$suffix::unary(op, input, output)
            }
            fn unary_inplace(op: Unary, data: &mut [Self]) {
                crate::kernels::$suffix::unary_inplace(op, data)
            }
            fn backward_slice(y: &[Self], dy: &[Self], dx: &mut [Self]) {
                crate::kernels::$suffix::backward(y, dy, dx)
            }
        }
    };
}

impl_float!(f32, "float32", f32);
impl_float!(f64, "float64", f64);
