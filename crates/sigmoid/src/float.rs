//! The sealed [`Float`] trait: the element types every function accepts.

use core::fmt::{Debug, Display, LowerExp};
use core::ops::{Add, Div, Mul, Neg, Sub};

use crate::Function;
use crate::function::with_functions;
use crate::kernels::Plan;

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

    /// The function `f` of one value, in the exact tier.
    #[doc(hidden)]
    fn scalar(f: Function, x: Self) -> Self;
    #[doc(hidden)]
    fn sigmoid_backward_scalar(y: Self, dy: Self) -> Self;
    #[doc(hidden)]
    fn bce_with_logits_scalar(z: Self, y: Self) -> Self;

    #[doc(hidden)]
    fn unary_slice(plan: Plan, f: Function, input: &[Self], output: &mut [Self]);
    #[doc(hidden)]
    fn unary_inplace(plan: Plan, f: Function, data: &mut [Self]);
    #[doc(hidden)]
    fn backward_slice(plan: Plan, y: &[Self], dy: &[Self], dx: &mut [Self]);
}

macro_rules! impl_float {
    ($t:ident, $dtype:literal, [$(($variant:ident, $name:ident, $($_forms:ident),*)),* $(,)?]) => {
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
            fn scalar(f: Function, x: Self) -> Self {
                match f {
                    $(Function::$variant => crate::scalar::$t::$name(x),)*
                }
            }
            #[inline]
            fn sigmoid_backward_scalar(y: Self, dy: Self) -> Self {
                crate::scalar::$t::sigmoid_backward(y, dy)
            }
            #[inline]
            fn bce_with_logits_scalar(z: Self, y: Self) -> Self {
                crate::scalar::$t::bce_with_logits(z, y)
            }
            fn unary_slice(plan: Plan, f: Function, input: &[Self], output: &mut [Self]) {
                crate::kernels::$t::unary(plan, f, input, output)
            }
            fn unary_inplace(plan: Plan, f: Function, data: &mut [Self]) {
                crate::kernels::$t::unary_inplace(plan, f, data)
            }
            fn backward_slice(plan: Plan, y: &[Self], dy: &[Self], dx: &mut [Self]) {
                crate::kernels::$t::backward(plan, y, dy, dx)
            }
        }
    };
}

with_functions!(impl_float, f32, "float32");
with_functions!(impl_float, f64, "float64");
