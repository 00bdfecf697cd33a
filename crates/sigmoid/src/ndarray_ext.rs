//! Extension traits that run the kernels directly on `ndarray` arrays.
//!
//! ```
//! use ndarray::array;
//! use sigmoid::{SigmoidArray, SigmoidArrayMut};
//!
//! let x = array![[-1.0_f32, 0.0], [1.0, 2.0]];
//! let y = x.sigmoid();
//! approx::assert_relative_eq!(y[[0, 1]], 0.5);
//!
//! let mut z = x.clone();
//! z.sigmoid_inplace();
//! assert_eq!(y, z);
//! ```
//!
//! Arrays that are contiguous in memory, in any order (C, Fortran or
//! permuted), go straight to the slice kernels; other views are processed lane
//! by lane along their last axis. Results are bit-identical to the slice
//! functions of the same tier (`sigmoid_slice`, …) either way.

use ndarray::{Array, ArrayBase, Axis, Data, DataMut, Dimension};

use crate::{Accuracy, Float, Function, Kernels};

fn apply_inplace<T, S, D>(array: &mut ArrayBase<S, D>, op: Function, accuracy: Accuracy)
where
    T: Float,
    S: DataMut<Elem = T>,
    D: Dimension,
{
    let kernels = Kernels::new(accuracy);
    if let Some(slice) = array.as_slice_memory_order_mut() {
        kernels.apply_inplace(op, slice);
        return;
    }
    let last = Axis(array.ndim() - 1);
    for mut lane in array.lanes_mut(last) {
        match lane.as_slice_mut() {
            Some(slice) => kernels.apply_inplace(op, slice),
            None => {
                let mut buffer: Vec<T> = lane.iter().copied().collect();
                kernels.apply_inplace(op, &mut buffer);
                lane.iter_mut().zip(buffer).for_each(|(dst, v)| *dst = v);
            }
        }
    }
}

#[cfg(feature = "rayon")]
fn par_apply_inplace<T, S, D>(array: &mut ArrayBase<S, D>, op: Function, accuracy: Accuracy)
where
    T: Float,
    S: DataMut<Elem = T>,
    D: Dimension,
{
    use rayon::prelude::*;
    let kernels = Kernels::new(accuracy);
    if let Some(slice) = array.as_slice_memory_order_mut() {
        kernels.par_apply_inplace(op, slice);
        return;
    }
    let last = Axis(array.ndim() - 1);
    array
        .lanes_mut(last)
        .into_iter()
        .collect::<Vec<_>>()
        .into_par_iter()
        .for_each(|mut lane| match lane.as_slice_mut() {
            Some(slice) => kernels.apply_inplace(op, slice),
            None => lane.map_inplace(|v| {
                let mut one = [*v];
                kernels.apply_inplace(op, &mut one);
                *v = one[0];
            }),
        });
}

macro_rules! extension_traits {
    ($(($op:ident, $name:ident, $inplace:ident, $par:ident, $par_inplace:ident, $what:literal)),* $(,)?) => {
        /// The sigmoid family applied to every element, returning a new array
        /// with the same shape (and memory order, where the input is contiguous).
        ///
        /// Implemented for every `ndarray` array or view of f32, f64, `half::f16`
        /// or `half::bf16`, of any dimension.
        pub trait SigmoidArray<T: Float, D: Dimension> {
            /// A new array of `f` of every element, computed in the tier `accuracy`.
            ///
            /// ```
            /// use ndarray::array;
            /// use sigmoid::{Accuracy, Function, SigmoidArray};
            /// let y = array![0.0_f32, 1.0].apply_function(Function::Sigmoid, Accuracy::Fast);
            /// assert_eq!(y[0], 0.5);
            /// ```
            fn apply_function(&self, f: Function, accuracy: Accuracy) -> Array<T, D>;
            /// [`apply_function`](Self::apply_function) split over rayon's thread pool for large arrays.
            #[cfg(feature = "rayon")]
            fn par_apply_function(&self, f: Function, accuracy: Accuracy) -> Array<T, D>;
            $(
                #[doc = concat!("A new array of ", $what, " of every element.")]
                fn $name(&self) -> Array<T, D>;
                #[doc = concat!("Like [`", stringify!($name), "`](Self::", stringify!($name), "), split over rayon's thread pool for large arrays.")]
                #[cfg(feature = "rayon")]
                fn $par(&self) -> Array<T, D>;
            )*
        }

        /// The sigmoid family applied to every element in place.
        pub trait SigmoidArrayMut<T: Float, D: Dimension> {
            /// Replaces every element by `f` of it, computed in the tier `accuracy`.
            fn apply_function_inplace(&mut self, f: Function, accuracy: Accuracy);
            /// [`apply_function_inplace`](Self::apply_function_inplace) split over rayon's thread pool for large arrays.
            #[cfg(feature = "rayon")]
            fn par_apply_function_inplace(&mut self, f: Function, accuracy: Accuracy);
            $(
                #[doc = concat!("Replaces every element by its ", $what, ".")]
                fn $inplace(&mut self);
                #[doc = concat!("Like [`", stringify!($inplace), "`](Self::", stringify!($inplace), "), split over rayon's thread pool for large arrays.")]
                #[cfg(feature = "rayon")]
                fn $par_inplace(&mut self);
            )*
        }

        impl<T, S, D> SigmoidArray<T, D> for ArrayBase<S, D>
        where
            T: Float,
            S: Data<Elem = T>,
            D: Dimension,
        {
            fn apply_function(&self, f: Function, accuracy: Accuracy) -> Array<T, D> {
                let mut out = self.to_owned();
                apply_inplace(&mut out, f, accuracy);
                out
            }
            #[cfg(feature = "rayon")]
            fn par_apply_function(&self, f: Function, accuracy: Accuracy) -> Array<T, D> {
                let mut out = self.to_owned();
                par_apply_inplace(&mut out, f, accuracy);
                out
            }
            $(
                fn $name(&self) -> Array<T, D> {
                    // to_owned keeps the memory order of contiguous inputs.
                    let mut out = self.to_owned();
                    apply_inplace(&mut out, Function::$op, Accuracy::Default);
                    out
                }
                #[cfg(feature = "rayon")]
                fn $par(&self) -> Array<T, D> {
                    let mut out = self.to_owned();
                    par_apply_inplace(&mut out, Function::$op, Accuracy::Default);
                    out
                }
            )*
        }

        impl<T, S, D> SigmoidArrayMut<T, D> for ArrayBase<S, D>
        where
            T: Float,
            S: DataMut<Elem = T>,
            D: Dimension,
        {
            fn apply_function_inplace(&mut self, f: Function, accuracy: Accuracy) {
                apply_inplace(self, f, accuracy);
            }
            #[cfg(feature = "rayon")]
            fn par_apply_function_inplace(&mut self, f: Function, accuracy: Accuracy) {
                par_apply_inplace(self, f, accuracy);
            }
            $(
                fn $inplace(&mut self) {
                    apply_inplace(self, Function::$op, Accuracy::Default);
                }
                #[cfg(feature = "rayon")]
                fn $par_inplace(&mut self) {
                    par_apply_inplace(self, Function::$op, Accuracy::Default);
                }
            )*
        }
    };
}

extension_traits!(
    (
        Sigmoid,
        sigmoid,
        sigmoid_inplace,
        par_sigmoid,
        par_sigmoid_inplace,
        "σ"
    ),
    (
        SigmoidDerivative,
        sigmoid_derivative,
        sigmoid_derivative_inplace,
        par_sigmoid_derivative,
        par_sigmoid_derivative_inplace,
        "σ'"
    ),
    (
        LogSigmoid,
        log_sigmoid,
        log_sigmoid_inplace,
        par_log_sigmoid,
        par_log_sigmoid_inplace,
        "log σ"
    ),
    (
        Softplus,
        softplus,
        softplus_inplace,
        par_softplus,
        par_softplus_inplace,
        "softplus"
    ),
    (
        Logit,
        logit,
        logit_inplace,
        par_logit,
        par_logit_inplace,
        "logit"
    ),
);

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, ShapeBuilder, s};

    fn values(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 - n as f32 / 2.0) * 0.37).collect()
    }

    /// `f` of every element through the slice kernel of the default tier,
    /// which the methods must match bit for bit (elementwise functions do
    /// not depend on an element's position, so any order works).
    fn through_slices<D: ndarray::Dimension>(
        a: &ndarray::ArrayView<'_, f32, D>,
        f: fn(&[f32], &mut [f32]),
    ) -> ndarray::Array<f32, D> {
        let x: Vec<f32> = a.iter().copied().collect();
        let mut y = vec![0.0; x.len()];
        f(&x, &mut y);
        ndarray::Array::from_shape_vec(a.raw_dim(), y).expect("same length")
    }

    fn expected(a: &ndarray::ArrayView3<f32>) -> Array3<f32> {
        through_slices(a, crate::sigmoid_slice)
    }

    #[test]
    fn c_order_fortran_order_and_strided_views_agree_with_scalar() {
        let c = Array3::from_shape_vec((4, 5, 6), values(120)).unwrap();
        let f = Array3::from_shape_vec((4, 5, 6).f(), values(120)).unwrap();
        assert!(f.as_slice().is_none() && f.as_slice_memory_order().is_some());
        for a in [&c, &f] {
            let y = a.sigmoid();
            assert_eq!(y, expected(&a.view()));
            assert_eq!(y.strides(), a.strides(), "memory order is kept");
            let mut z = a.clone();
            z.sigmoid_inplace();
            assert_eq!(z, y);
            #[cfg(feature = "rayon")]
            {
                assert_eq!(a.par_sigmoid(), y);
                let mut p = a.clone();
                p.par_sigmoid_inplace();
                assert_eq!(p, y);
            }
        }
        // Strided views: every other element along each axis, and a transposed view.
        let strided = c.slice(s![..;2, 1..;2, ..;3]);
        assert!(strided.as_slice_memory_order().is_none());
        assert_eq!(strided.sigmoid(), expected(&strided));
        let mut owner = c.clone();
        owner.slice_mut(s![..;2, 1..;2, ..;3]).sigmoid_inplace();
        let mut manual = c.clone();
        let expected_part = expected(&c.slice(s![..;2, 1..;2, ..;3]));
        manual
            .slice_mut(s![..;2, 1..;2, ..;3])
            .assign(&expected_part);
        assert_eq!(owner, manual);
        #[cfg(feature = "rayon")]
        {
            let mut par_owner = c.clone();
            par_owner
                .slice_mut(s![..;2, 1..;2, ..;3])
                .par_sigmoid_inplace();
            assert_eq!(par_owner, manual);
        }
        let transposed = c.view().reversed_axes();
        assert_eq!(
            transposed.log_sigmoid(),
            through_slices(&transposed, crate::log_sigmoid_slice)
        );
    }

    #[test]
    fn large_parallel_arrays_match_serial() {
        let a = ndarray::Array1::from(values(200_003))
            .into_shape_with_order((200_003,))
            .unwrap();
        #[cfg(feature = "rayon")]
        assert_eq!(a.par_softplus(), a.softplus());
        assert_eq!(
            a.softplus(),
            through_slices(&a.view(), crate::softplus_slice)
        );
    }

    #[test]
    fn works_for_every_float_type() {
        let a64 = ndarray::array![0.0_f64, 1.0];
        assert_eq!(a64.sigmoid()[0], 0.5);
        #[cfg(feature = "half")]
        {
            let h = ndarray::array![half::f16::ZERO, half::f16::ONE];
            assert_eq!(h.sigmoid()[0], half::f16::from_f32(0.5));
            let b = ndarray::array![half::bf16::ZERO];
            assert_eq!(b.sigmoid_derivative()[0], half::bf16::from_f32(0.25));
        }
    }
}
