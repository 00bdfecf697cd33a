//! True NumPy ufuncs (`numpy.ufunc` objects) over the slice kernels.
//!
//! NumPy's ufunc machinery does broadcasting, any shape and strides, 0-d
//! inputs and Python scalars, `out=`, `where=`, dtype resolution and errors,
//! subclasses and `__array_ufunc__` dispatch (Dask, xarray, pandas). It then
//! calls a 1-D inner loop per chunk with byte strides; that loop is
//! [`unary_loop`] here: contiguous chunks go straight to the SIMD slice
//! kernels (rayon threads from [`parallel_threshold`] elements on), strided ones
//! through a small stack buffer.
//!
//! rust-numpy exposes the raw UFunc C-API but no safe wrapper (PyO3/rust-numpy
//! issue #399), so the tables NumPy keeps pointers to are built here and
//! leaked: they must live as long as the ufunc objects, i.e. the process.

use std::ffi::{CString, c_char, c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use half::f16;
use numpy::npyffi::{NPY_TYPES, PY_UFUNC_API, PyUFuncGenericFunction, npy_intp};
use pyo3::prelude::*;
use sigmoid::Float;

/// The default of [`parallel_threshold`]: contiguous chunks of at least this
/// many elements are split over rayon's threads (`sigmoid::par_*`); smaller
/// ones run on the calling thread.
///
/// Chosen from `bench/bench_expit.py --threads` on the 2-core development
/// machine (see the crate README): threads pay from about 256K elements, but
/// the targets ask for one thread up to 1M elements so that the
/// comparison with scipy is like for like, hence 2^21. NumPy hands a
/// contiguous, aligned, non-cast input to the loop in one call; cast or
/// unaligned input arrives in buffers of `np.getbufsize()` (8192) elements
/// and so stays on one thread.
pub const DEFAULT_PARALLEL_THRESHOLD: usize = 1 << 21;

static PARALLEL_THRESHOLD: AtomicUsize = AtomicUsize::new(DEFAULT_PARALLEL_THRESHOLD);

/// The number of elements from which a contiguous chunk is split over threads.
pub fn parallel_threshold() -> usize {
    PARALLEL_THRESHOLD.load(Ordering::Relaxed)
}

/// Sets [`parallel_threshold`] (`usize::MAX`: never use threads, e.g. in Dask
/// workers that already run one task per core).
pub fn set_parallel_threshold(elements: usize) {
    PARALLEL_THRESHOLD.store(elements, Ordering::Relaxed);
}

/// Elements per gather/compute/scatter round of a strided chunk: 4 KiB of
/// f32 on the stack, enough to amortise the kernel's call overhead.
const STRIDED_BLOCK: usize = 1024;

/// The four slice kernels of one function at one element type.
pub struct SliceKernels<T: 'static> {
    /// `output[i] = f(input[i])`, on the calling thread.
    pub slice: fn(&[T], &mut [T]),
    /// `data[i] = f(data[i])`, on the calling thread.
    pub inplace: fn(&mut [T]),
    /// As `slice`, split over rayon's threads.
    pub par_slice: fn(&[T], &mut [T]),
    /// As `inplace`, split over rayon's threads.
    pub par_inplace: fn(&mut [T]),
}

/// One elementwise function: its ufunc name, docstring and kernels per dtype.
pub struct UnaryUfunc {
    /// The ufunc's `__name__` (scipy's spelling, so pickling finds it by name).
    pub name: &'static str,
    /// The ufunc's docstring (NumPy prepends the signature).
    pub doc: String,
    /// float16 loop (`e->e`).
    pub f16: SliceKernels<f16>,
    /// float32 loop (`f->f`).
    pub f32: SliceKernels<f32>,
    /// float64 loop (`d->d`).
    pub f64: SliceKernels<f64>,
}

/// Builds a [`UnaryUfunc`] from the names of a kernel family inside a module
/// path: `unary!(sigmoid, "expit", "doc", sigmoid_slice, sigmoid_inplace,
/// par_sigmoid_slice, par_sigmoid_inplace)`.
#[macro_export]
macro_rules! unary_ufunc {
    ($module:path, $name:literal, $doc:expr, $slice:ident, $inplace:ident, $par_slice:ident, $par_inplace:ident) => {{
        use $module as m;
        $crate::ufunc::UnaryUfunc {
            name: $name,
            doc: String::from($doc),
            f16: $crate::ufunc::SliceKernels {
                slice: m::$slice::<half::f16>,
                inplace: m::$inplace::<half::f16>,
                par_slice: m::$par_slice::<half::f16>,
                par_inplace: m::$par_inplace::<half::f16>,
            },
            f32: $crate::ufunc::SliceKernels {
                slice: m::$slice::<f32>,
                inplace: m::$inplace::<f32>,
                par_slice: m::$par_slice::<f32>,
                par_inplace: m::$par_inplace::<f32>,
            },
            f64: $crate::ufunc::SliceKernels {
                slice: m::$slice::<f64>,
                inplace: m::$inplace::<f64>,
                par_slice: m::$par_slice::<f64>,
                par_inplace: m::$par_inplace::<f64>,
            },
        }
    }};
}

/// The inner loop NumPy calls for `out = f(in)` on `dims[0]` elements,
/// `steps` bytes apart; `data` points to the [`SliceKernels`] of this dtype.
///
/// # Safety
/// Called by NumPy only, with the pointers of a 1-in 1-out loop registered by
/// [`make_ufunc`] for this `T`. NumPy resolves partial overlap between input
/// and output by copying first, so the two are either disjoint or the same
/// memory with the same strides.
unsafe extern "C" fn unary_loop<T: Float + Default>(
    args: *mut *mut c_char,
    dims: *mut npy_intp,
    steps: *mut npy_intp,
    data: *mut c_void,
) {
    // SAFETY: forwarded unchanged from NumPy.
    crate::fp_flags::preserve(|| unsafe { unary_loop_body::<T>(args, dims, steps, data) })
}

/// [`unary_loop`] without the floating-point flag handling.
///
/// # Safety
/// As [`unary_loop`].
unsafe fn unary_loop_body<T: Float + Default>(
    args: *mut *mut c_char,
    dims: *mut npy_intp,
    steps: *mut npy_intp,
    data: *mut c_void,
) {
    // SAFETY: NumPy passes 2 array pointers, 1 length, 2 strides, and the data
    // pointer registered with this loop.
    let (src, dst, n, in_step, out_step, kernels) = unsafe {
        (
            *args,
            *args.add(1),
            *dims as usize,
            *steps,
            *steps.add(1),
            &*(data as *const SliceKernels<T>),
        )
    };
    if n == 0 {
        return;
    }
    let size = std::mem::size_of::<T>() as npy_intp;
    let align = std::mem::align_of::<T>();
    let aligned = (src as usize).is_multiple_of(align) && (dst as usize).is_multiple_of(align);
    if in_step == size && out_step == size && aligned {
        let parallel = n >= parallel_threshold();
        if src == dst {
            // `expit(x, out=x)`: one &mut slice, never a & and a &mut to the same memory.
            // SAFETY: n aligned, initialised elements owned by NumPy for this call.
            let data = unsafe { std::slice::from_raw_parts_mut(dst.cast::<T>(), n) };
            if parallel {
                (kernels.par_inplace)(data)
            } else {
                (kernels.inplace)(data)
            }
        } else {
            // SAFETY: as above; NumPy guarantees the two ranges are disjoint.
            let (input, output) = unsafe {
                (
                    std::slice::from_raw_parts(src.cast::<T>(), n),
                    std::slice::from_raw_parts_mut(dst.cast::<T>(), n),
                )
            };
            if parallel {
                (kernels.par_slice)(input, output)
            } else {
                (kernels.slice)(input, output)
            }
        }
        return;
    }
    // Strided (also negative or zero strides, and unaligned): gather a block,
    // compute in place on the stack, scatter. Reads of the whole block happen
    // before any write, so `in == out` with equal strides is safe too.
    let mut buffer = [T::default(); STRIDED_BLOCK];
    let mut done = 0;
    while done < n {
        let len = (n - done).min(STRIDED_BLOCK);
        for (k, slot) in buffer[..len].iter_mut().enumerate() {
            let offset = (done + k) as npy_intp * in_step;
            // SAFETY: element done+k of the input lies at this byte offset.
            *slot = unsafe { src.offset(offset).cast::<T>().read_unaligned() };
        }
        (kernels.inplace)(&mut buffer[..len]);
        for (k, value) in buffer[..len].iter().enumerate() {
            let offset = (done + k) as npy_intp * out_step;
            // SAFETY: element done+k of the output lies at this byte offset.
            unsafe { dst.offset(offset).cast::<T>().write_unaligned(*value) };
        }
        done += len;
    }
}

/// Creates the `numpy.ufunc` object for `spec` (loops `e->e`, `f->f`, `d->d`).
///
/// # Errors
/// A Python error if NumPy cannot be imported or refuses the ufunc.
pub fn make_ufunc<'py>(py: Python<'py>, spec: UnaryUfunc) -> PyResult<Bound<'py, PyAny>> {
    // NumPy keeps these pointers for the ufunc's lifetime (the process), so
    // they are leaked on purpose: a few hundred bytes per ufunc, once.
    let spec: &'static UnaryUfunc = Box::leak(Box::new(spec));
    let loops: &'static mut [PyUFuncGenericFunction; 3] = Box::leak(Box::new([
        Some(unary_loop::<f16> as _),
        Some(unary_loop::<f32> as _),
        Some(unary_loop::<f64> as _),
    ]));
    let data: &'static mut [*mut c_void; 3] = Box::leak(Box::new([
        std::ptr::from_ref(&spec.f16).cast_mut().cast(),
        std::ptr::from_ref(&spec.f32).cast_mut().cast(),
        std::ptr::from_ref(&spec.f64).cast_mut().cast(),
    ]));
    let half = NPY_TYPES::NPY_HALF as c_char;
    let float = NPY_TYPES::NPY_FLOAT as c_char;
    let double = NPY_TYPES::NPY_DOUBLE as c_char;
    let types: &'static mut [c_char; 6] =
        Box::leak(Box::new([half, half, float, float, double, double]));
    let name = CString::new(spec.name)
        .expect("ufunc names have no NUL")
        .into_raw();
    let doc = CString::new(spec.doc.as_str())
        .expect("docstrings have no NUL")
        .into_raw();
    const PY_UFUNC_NONE: c_int = -1;
    // SAFETY: the tables are 'static and consistent: 3 loops, 1 input,
    // 1 output, 3 × 2 type codes, one data pointer per loop matching its type.
    let ufunc = unsafe {
        PY_UFUNC_API.PyUFunc_FromFuncAndData(
            py,
            loops.as_mut_ptr(),
            data.as_mut_ptr(),
            types.as_mut_ptr(),
            3,
            1,
            1,
            PY_UFUNC_NONE,
            name,
            doc,
            0,
        )
    };
    // SAFETY: a new reference, or null with a Python error set.
    unsafe { Bound::from_owned_ptr_or_err(py, ufunc) }
}
