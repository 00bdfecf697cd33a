//! Parallel slice functions (feature `rayon`, on by default), named as
//! ndarray names its parallel methods: `par_sigmoid_slice`, ...
//!
//! A slice is cut into chunks of [`CHUNK_BYTES`] (so each chunk's input and
//! output stay in a core's L2 cache while it works on them) and the chunks
//! are spread over rayon's current thread pool. Slices below
//! [`PAR_THRESHOLD_BYTES`] run on the calling thread: waking other threads
//! costs more than computing them. Every element goes through the same
//! kernel as in the serial functions, so the results are bit-identical to them.

use rayon::prelude::*;

use crate::Float;
use crate::kernels::Unary;
use crate::slices::assert_same_len;

/// The input bytes each task handles: 64 KiB (16K f32), whose input and
/// output fit together in a 1 MiB L2 with room to spare, and big enough that
/// rayon's per-task cost (about a microsecond) stays below 5%.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Slices with fewer input bytes than this (256 KiB: 64K f32, 32K f64) run
/// on the calling thread.
pub const PAR_THRESHOLD_BYTES: usize = 256 * 1024;

fn chunk_len<T>() -> usize {
    CHUNK_BYTES / core::mem::size_of::<T>()
}

fn is_small<T>(len: usize) -> bool {
    len * core::mem::size_of::<T>() < PAR_THRESHOLD_BYTES
}

/// Applies `f` to matching cache-sized chunks of `input` and `output`, in
/// parallel (or as one call below the threshold). The harness `sigmoid bench`
/// uses it to time a plain copy and a naive loop split exactly as the
/// `par_` functions split.
///
/// # Panics
/// If the slices have different lengths.
#[doc(hidden)]
#[track_caller]
pub fn par_map_chunks<T, F>(input: &[T], output: &mut [T], f: F)
where
    T: Send + Sync,
    F: Fn(&[T], &mut [T]) + Sync + Send,
{
    assert_same_len(
        "par_map_chunks",
        "input and output",
        input.len(),
        output.len(),
    );
    if is_small::<T>(input.len()) {
        f(input, output);
        return;
    }
    let n = chunk_len::<T>();
    input
        .par_chunks(n)
        .zip(output.par_chunks_mut(n))
        .for_each(|(i, o)| f(i, o));
}

/// Runs `f` inside a rayon thread pool of `threads` threads, so that the
/// `par_` functions it calls use exactly that many.
///
/// # Panics
/// If the pool cannot be created.
#[doc(hidden)]
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("sigmoid: cannot start a rayon thread pool")
        .install(f)
}

fn par_unary<T: Float>(op: Unary, input: &[T], output: &mut [T]) {
    par_map_chunks(input, output, |i, o| T::unary_slice(op, i, o));
}

fn par_unary_inplace<T: Float>(op: Unary, data: &mut [T]) {
    if is_small::<T>(data.len()) {
        T::unary_inplace(op, data);
        return;
    }
    data.par_chunks_mut(chunk_len::<T>())
        .for_each(|c| T::unary_inplace(op, c));
}

macro_rules! par_unary_fns {
    ($op:ident, $scalar:literal, $slice:ident, $inplace:ident) => {
        #[doc = concat!("[`", $scalar, "_slice`](crate::", $scalar, "_slice) split over rayon's thread pool for large slices.")]
        ///
        /// Bit-identical to the serial function.
        ///
        /// # Panics
        /// If `input` and `output` have different lengths.
        #[track_caller]
        pub fn $slice<T: Float>(input: &[T], output: &mut [T]) {
            assert_same_len(stringify!($slice), "input and output", input.len(), output.len());
            par_unary(Unary::$op, input, output);
        }

        #[doc = concat!("[`", $scalar, "_inplace`](crate::", $scalar, "_inplace) split over rayon's thread pool for large slices.")]
        pub fn $inplace<T: Float>(data: &mut [T]) {
            par_unary_inplace(Unary::$op, data);
        }
    };
}

par_unary_fns!(Sigmoid, "sigmoid", par_sigmoid_slice, par_sigmoid_inplace);
par_unary_fns!(
    SigmoidDerivative,
    "sigmoid_derivative",
    par_sigmoid_derivative_slice,
    par_sigmoid_derivative_inplace
);
par_unary_fns!(
    LogSigmoid,
    "log_sigmoid",
    par_log_sigmoid_slice,
    par_log_sigmoid_inplace
);
par_unary_fns!(
    Softplus,
    "softplus",
    par_softplus_slice,
    par_softplus_inplace
);
par_unary_fns!(Logit, "logit", par_logit_slice, par_logit_inplace);
par_unary_fns!(Relu, "relu", par_relu_slice, par_relu_inplace);
par_unary_fns!(Tanh, "tanh", par_tanh_slice, par_tanh_inplace);

/// [`sigmoid_backward_slice`](crate::sigmoid_backward_slice) split over
/// rayon's thread pool for large slices: `dx[i] = dy[i] · y[i] · (1 − y[i])`.
///
/// # Panics
/// If the three slices do not all have the same length.
#[track_caller]
pub fn par_sigmoid_backward_slice<T: Float>(y: &[T], dy: &[T], dx: &mut [T]) {
    assert_same_len("par_sigmoid_backward_slice", "y and dy", y.len(), dy.len());
    assert_same_len("par_sigmoid_backward_slice", "y and dx", y.len(), dx.len());
    if is_small::<T>(y.len()) {
        T::backward_slice(y, dy, dx);
        return;
    }
    let n = chunk_len::<T>();
    y.par_chunks(n)
        .zip(dy.par_chunks(n))
        .zip(dx.par_chunks_mut(n))
        .for_each(|((y, dy), dx)| T::backward_slice(y, dy, dx));
}

/// [`sigmoid_backward_inplace`](crate::sigmoid_backward_inplace) split over
/// rayon's thread pool for large slices: `grad[i] ← grad[i] · y[i] · (1 − y[i])`.
///
/// # Panics
/// If `y` and `grad` have different lengths.
#[track_caller]
pub fn par_sigmoid_backward_inplace<T: Float>(y: &[T], grad: &mut [T]) {
    assert_same_len(
        "par_sigmoid_backward_inplace",
        "y and grad",
        y.len(),
        grad.len(),
    );
    if is_small::<T>(y.len()) {
        backward_inplace(y, grad);
        return;
    }
    let n = chunk_len::<T>();
    y.par_chunks(n)
        .zip(grad.par_chunks_mut(n))
        .for_each(|(y, g)| backward_inplace(y, g));
}

/// The backward pass in place through the slice kernel: each piece of `grad`
/// is copied to a buffer in L1 first, as the kernel takes `dy` and `dx` apart.
fn backward_inplace<T: Float>(y: &[T], grad: &mut [T]) {
    const PIECE: usize = 1024;
    let mut dy = [T::ZERO; PIECE];
    for (y, g) in y.chunks(PIECE).zip(grad.chunks_mut(PIECE)) {
        let dy = &mut dy[..g.len()];
        dy.copy_from_slice(g);
        T::backward_slice(y, dy, g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_equals_serial_bit_for_bit() {
        let n = 300_001;
        let x: Vec<f32> = (0..n).map(|i| (i as f32 - 150_000.0) * 7.3e-4).collect();
        let mut serial = vec![0.0_f32; n];
        let mut parallel = vec![0.0_f32; n];
        crate::sigmoid_slice(&x, &mut serial);
        with_threads(2, || par_sigmoid_slice(&x, &mut parallel));
        assert!(
            serial
                .iter()
                .zip(&parallel)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
        let mut data = x.clone();
        par_sigmoid_inplace(&mut data);
        assert_eq!(data, serial);

        let dy: Vec<f32> = x.iter().map(|v| v.sin()).collect();
        let mut dx = vec![0.0_f32; n];
        let mut dx_par = vec![0.0_f32; n];
        crate::sigmoid_backward_slice(&serial, &dy, &mut dx);
        par_sigmoid_backward_slice(&serial, &dy, &mut dx_par);
        assert_eq!(dx, dx_par);
        let mut grad = dy.clone();
        par_sigmoid_backward_inplace(&serial, &mut grad);
        assert_eq!(grad, dx);

        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let mut s64 = vec![0.0; n];
        let mut p64 = vec![0.0; n];
        crate::relu_slice(&x64, &mut s64);
        par_relu_slice(&x64, &mut p64);
        assert_eq!(s64, p64);
    }

    #[test]
    fn small_slices_and_mismatched_lengths() {
        let mut y = [0.0_f32; 3];
        par_tanh_slice(&[0.0, 1.0, -1.0], &mut y);
        assert_eq!(y[0], 0.0);
        let result = std::panic::catch_unwind(|| {
            let mut out = [0.0_f32; 2];
            par_sigmoid_slice(&[0.0_f32; 3], &mut out);
        });
        assert!(result.is_err());
    }
}
