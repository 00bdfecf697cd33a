//! [`Kernels`]: a chosen accuracy tier on a chosen instruction-set path.

use crate::kernels::{Plan, active};
use crate::slices::assert_same_len;
use crate::{Accuracy, Error, Float, Function, Isa};

/// An accuracy tier on an instruction-set path, for code that picks either
/// at run time: a CLI flag, a layer's setting, a test that forces each path.
///
/// The free functions ([`sigmoid_slice`](crate::sigmoid_slice), …,
/// [`fast`](crate::fast)`::*`, [`exact`](crate::exact)`::*`) are the same
/// kernels on the path chosen once per process (the best this CPU runs, or
/// `SIGMOID_ISA`).
///
/// ```
/// use sigmoid::{Accuracy, Function, Isa, Kernels};
///
/// let x = [-1.0_f32, 0.0, 1.0];
/// let mut y = [0.0_f32; 3];
/// for isa in Isa::available() {
///     let kernels = Kernels::with_isa(isa, Accuracy::Exact)?;
///     kernels.apply(Function::Sigmoid, &x, &mut y);
///     assert_eq!(y[1], 0.5);
/// }
/// # Ok::<(), sigmoid::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernels {
    isa: Isa,
    accuracy: Accuracy,
}

impl Kernels {
    /// `accuracy` on the process's path (see [`isa`](crate::isa())).
    pub fn new(accuracy: Accuracy) -> Kernels {
        Kernels {
            isa: active(),
            accuracy,
        }
    }

    /// `accuracy` on the path `isa`.
    ///
    /// # Errors
    /// [`Error::IsaUnavailable`] if this CPU cannot run `isa`.
    pub fn with_isa(isa: Isa, accuracy: Accuracy) -> Result<Kernels, Error> {
        if isa.is_available() {
            Ok(Kernels { isa, accuracy })
        } else {
            Err(Error::IsaUnavailable {
                isa,
                available: Isa::available()
                    .iter()
                    .map(|isa| isa.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }

    /// The instruction-set path.
    pub fn isa(&self) -> Isa {
        self.isa
    }

    /// The accuracy tier.
    pub fn accuracy(&self) -> Accuracy {
        self.accuracy
    }

    /// The plan for an output of `len` elements of `T`.
    pub(crate) fn plan<T>(&self, len: usize) -> Plan {
        Plan::new(self.isa, self.accuracy, len * core::mem::size_of::<T>())
    }

    /// `output[i] = f(input[i])`.
    ///
    /// # Panics
    /// If `input` and `output` have different lengths.
    #[track_caller]
    pub fn apply<T: Float>(&self, f: Function, input: &[T], output: &mut [T]) {
        assert_same_len(
            "Kernels::apply",
            "input and output",
            input.len(),
            output.len(),
        );
        T::unary_slice(self.plan::<T>(output.len()), f, input, output);
    }

    /// `data[i] = f(data[i])`.
    pub fn apply_inplace<T: Float>(&self, f: Function, data: &mut [T]) {
        T::unary_inplace(self.plan::<T>(data.len()), f, data);
    }

    /// The backward pass of σ: `dx[i] = dy[i] · y[i] · (1 − y[i])` (exact
    /// per IEEE rules in every tier).
    ///
    /// # Panics
    /// If the three slices do not all have the same length.
    #[track_caller]
    pub fn backward<T: Float>(&self, y: &[T], dy: &[T], dx: &mut [T]) {
        assert_same_len("Kernels::backward", "y and dy", y.len(), dy.len());
        assert_same_len("Kernels::backward", "y and dx", y.len(), dx.len());
        T::backward_slice(self.plan::<T>(dx.len()), y, dy, dx);
    }

    /// [`apply`](Self::apply) split over rayon's thread pool for large slices
    /// (see [`par_map_chunks`](crate::par_map_chunks)); bit-identical to it.
    ///
    /// # Panics
    /// If `input` and `output` have different lengths.
    #[cfg(feature = "rayon")]
    #[track_caller]
    pub fn par_apply<T: Float>(&self, f: Function, input: &[T], output: &mut [T]) {
        let plan = self.plan::<T>(output.len());
        crate::par_map_chunks(input, output, |i, o| T::unary_slice(plan, f, i, o));
    }

    /// [`apply_inplace`](Self::apply_inplace) split over rayon's thread pool
    /// for large slices; bit-identical to it.
    #[cfg(feature = "rayon")]
    pub fn par_apply_inplace<T: Float>(&self, f: Function, data: &mut [T]) {
        let plan = self.plan::<T>(data.len());
        crate::parallel::par_chunks_inplace(data, |c| T::unary_inplace(plan, f, c));
    }

    /// [`backward`](Self::backward) split over rayon's thread pool for large
    /// slices; bit-identical to it.
    ///
    /// # Panics
    /// If the three slices do not all have the same length.
    #[cfg(feature = "rayon")]
    #[track_caller]
    pub fn par_backward<T: Float>(&self, y: &[T], dy: &[T], dx: &mut [T]) {
        assert_same_len("Kernels::par_backward", "y and dy", y.len(), dy.len());
        assert_same_len("Kernels::par_backward", "y and dx", y.len(), dx.len());
        let plan = self.plan::<T>(dx.len());
        crate::parallel::par_chunks3(y, dy, dx, |y, dy, dx| T::backward_slice(plan, y, dy, dx));
    }
}
