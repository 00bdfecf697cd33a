//! The slice, in-place and parallel forms of every elementwise function, for
//! one accuracy tier: generated once from the function list
//! ([`with_functions!`](crate::function::with_functions)) for the crate root
//! ([`Accuracy::Default`](crate::Accuracy)) and for the modules
//! [`fast`](crate::fast) and [`exact`](crate::exact).

/// Defines `name_slice`, `name_inplace`, `par_name_slice` and
/// `par_name_inplace` for every function, in the tier `$accuracy`.
macro_rules! slice_forms {
    ($accuracy:expr, [$(($variant:ident, $name:ident, $slice:ident, $inplace:ident, $par:ident, $par_slice:ident, $par_inplace:ident)),* $(,)?]) => {
        $(
            #[doc = concat!("Applies [`", stringify!($name), "`](crate::", stringify!($name), "()) to every element: `output[i] = ", stringify!($name), "(input[i])`.")]
            ///
            /// Accuracy and special values: as the scalar function states for this
            /// module's tier. An element's result never depends on the slice's
            /// length, alignment or the element's position.
            ///
            /// # Panics
            /// If `input` and `output` have different lengths (as `copy_from_slice` does).
            #[track_caller]
            pub fn $slice<T: $crate::Float>(input: &[T], output: &mut [T]) {
                $crate::slices::assert_same_len(stringify!($slice), "input and output", input.len(), output.len());
                $crate::Kernels::new($accuracy).apply($crate::Function::$variant, input, output);
            }

            #[doc = concat!("Applies [`", stringify!($name), "`](crate::", stringify!($name), "()) to every element in place.")]
            ///
            /// Same results as the `_slice` form.
            pub fn $inplace<T: $crate::Float>(data: &mut [T]) {
                $crate::Kernels::new($accuracy).apply_inplace($crate::Function::$variant, data);
            }

            #[doc = concat!("[`", stringify!($slice), "`] split over rayon's thread pool for large slices; bit-identical to it.")]
            ///
            /// # Panics
            /// If `input` and `output` have different lengths.
            #[cfg(feature = "rayon")]
            #[track_caller]
            pub fn $par_slice<T: $crate::Float>(input: &[T], output: &mut [T]) {
                $crate::slices::assert_same_len(stringify!($par_slice), "input and output", input.len(), output.len());
                $crate::Kernels::new($accuracy).par_apply($crate::Function::$variant, input, output);
            }

            #[doc = concat!("[`", stringify!($inplace), "`] split over rayon's thread pool for large slices; bit-identical to it.")]
            #[cfg(feature = "rayon")]
            pub fn $par_inplace<T: $crate::Float>(data: &mut [T]) {
                $crate::Kernels::new($accuracy).par_apply_inplace($crate::Function::$variant, data);
            }
        )*
    };
}
pub(crate) use slice_forms;

/// Defines the scalar form of every function for a tier module.
macro_rules! scalar_forms {
    ($tier:literal, [$(($variant:ident, $name:ident, $($_forms:ident),*)),* $(,)?]) => {
        $(
            #[doc = concat!("[`", stringify!($name), "`](crate::", stringify!($name), "()) of one value.")]
            ///
            #[doc = concat!("One value at a time there is nothing to vectorise, so the scalar forms of every tier return the exact tier's correctly rounded result (within the ", $tier, " tier's bound).")]
            #[inline]
            pub fn $name<T: $crate::Float>(x: T) -> T {
                T::scalar($crate::Function::$variant, x)
            }
        )*
    };
}
pub(crate) use scalar_forms;

/// The functions that every tier shares (exact per IEEE rules, or not
/// vectorised), re-exported into each tier module so that it is a drop-in
/// for the crate root.
macro_rules! shared_forms {
    () => {
        pub use $crate::{
            Activation, Float, bce_with_logits, bce_with_logits_mean, bce_with_logits_slice,
            sigmoid_backward, sigmoid_backward_inplace, sigmoid_backward_slice, try_logit,
            try_logit_slice,
        };
        #[cfg(feature = "rayon")]
        pub use $crate::{par_sigmoid_backward_inplace, par_sigmoid_backward_slice};
    };
}
pub(crate) use shared_forms;
