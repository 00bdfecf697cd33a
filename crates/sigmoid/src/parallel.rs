//! How the parallel forms split their work (feature `rayon`, on by default).
//!
//! A slice is cut into chunks of [`CHUNK_BYTES`] (so each chunk's input and
//! output stay in a core's L2 cache while it works on them) and the chunks
//! are spread over rayon's current thread pool. Slices below
//! [`PAR_THRESHOLD_BYTES`] run on the calling thread: waking other threads
//! costs more than computing them. Every element goes through the same
//! kernel as in the serial functions, so the results are bit-identical to
//! them. The `par_` forms of each function are generated in `tiers.rs`.

use rayon::prelude::*;

use crate::slices::assert_same_len;
use crate::{Accuracy, Float, Kernels};

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

/// Applies `f` to matching chunks of `input` and `output` of
/// [`CHUNK_BYTES`] each, spread over rayon's thread pool (or as one call
/// below [`PAR_THRESHOLD_BYTES`]): exactly how the `par_` functions split a
/// slice, for your own slice functions (the CLI's benchmark times a plain
/// copy this way).
///
/// # Panics
/// If the slices have different lengths.
///
/// ```
/// let x = vec![1.0_f32; 1 << 20];
/// let mut y = vec![0.0_f32; 1 << 20];
/// sigmoid::par_map_chunks(&x, &mut y, |i, o| o.copy_from_slice(i));
/// assert_eq!(x, y);
/// ```
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

/// `f` on chunks of `data` in parallel, as [`par_map_chunks`] splits.
pub(crate) fn par_chunks_inplace<T, F>(data: &mut [T], f: F)
where
    T: Send + Sync,
    F: Fn(&mut [T]) + Sync + Send,
{
    if is_small::<T>(data.len()) {
        f(data);
        return;
    }
    data.par_chunks_mut(chunk_len::<T>()).for_each(f);
}

/// `f` on matching chunks of three equally long slices, as [`par_map_chunks`] splits.
pub(crate) fn par_chunks3<T, F>(a: &[T], b: &[T], out: &mut [T], f: F)
where
    T: Send + Sync,
    F: Fn(&[T], &[T], &mut [T]) + Sync + Send,
{
    if is_small::<T>(out.len()) {
        f(a, b, out);
        return;
    }
    let n = chunk_len::<T>();
    a.par_chunks(n)
        .zip(b.par_chunks(n))
        .zip(out.par_chunks_mut(n))
        .for_each(|((a, b), out)| f(a, b, out));
}

/// [`sigmoid_backward_slice`](crate::sigmoid_backward_slice) split over
/// rayon's thread pool for large slices: `dx[i] = dy[i] · y[i] · (1 − y[i])`.
///
/// # Panics
/// If the three slices do not all have the same length.
#[track_caller]
pub fn par_sigmoid_backward_slice<T: Float>(y: &[T], dy: &[T], dx: &mut [T]) {
    assert_same_len("par_sigmoid_backward_slice", "y and dy", y.len(), dy.len());
    assert_same_len("par_sigmoid_backward_slice", "y and dx", y.len(), dx.len());
    Kernels::new(Accuracy::Default).par_backward(y, dy, dx);
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
        crate::sigmoid_backward_slice(y, dy, g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::*;

    fn with_two_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a rayon pool")
            .install(f)
    }

    #[test]
    fn parallel_equals_serial_bit_for_bit() {
        let n = 300_001;
        let x: Vec<f32> = (0..n).map(|i| (i as f32 - 150_000.0) * 7.3e-4).collect();
        for accuracy in Accuracy::ALL {
            let kernels = Kernels::new(accuracy);
            let mut serial = vec![0.0_f32; n];
            let mut parallel = vec![0.0_f32; n];
            kernels.apply(Function::Sigmoid, &x, &mut serial);
            with_two_threads(|| kernels.par_apply(Function::Sigmoid, &x, &mut parallel));
            assert!(
                serial
                    .iter()
                    .zip(&parallel)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
            let mut data = x.clone();
            kernels.par_apply_inplace(Function::Sigmoid, &mut data);
            assert_eq!(data, serial);
        }
        let mut serial = vec![0.0_f32; n];
        let mut parallel = vec![0.0_f32; n];
        sigmoid_slice(&x, &mut serial);
        par_sigmoid_slice(&x, &mut parallel);
        assert_eq!(serial, parallel);

        let dy: Vec<f32> = x.iter().map(|v| v.sin()).collect();
        let mut dx = vec![0.0_f32; n];
        let mut dx_par = vec![0.0_f32; n];
        sigmoid_backward_slice(&serial, &dy, &mut dx);
        par_sigmoid_backward_slice(&serial, &dy, &mut dx_par);
        assert_eq!(dx, dx_par);
        let mut grad = dy.clone();
        par_sigmoid_backward_inplace(&serial, &mut grad);
        assert_eq!(grad, dx);

        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let mut s64 = vec![0.0; n];
        let mut p64 = vec![0.0; n];
        relu_slice(&x64, &mut s64);
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
