//! The slice kernels: every elementwise function, every accuracy tier, on
//! whole slices, through one of three instruction-set paths.
//!
//! # Layout
//! - [`Isa`] and `dispatch.rs`: the paths (AVX-512F, AVX2+FMA, portable Rust)
//!   and the one choice of the best path this CPU runs, made once at first
//!   use (`SIGMOID_ISA=portable|avx2|avx512` overrides it; so does
//!   [`Kernels::with_isa`](crate::Kernels::with_isa), which tests use to force
//!   each path).
//! - The algorithms, each written once and generic over a vector of lanes:
//!   `exact_f32.rs` (the exact tier: f32 lanes widened to f64, over
//!   [`f64s::F64s`]); the scalar functions (`crate::scalar`) for what is not
//!   vectorised.
//! - `portable.rs`, `avx2.rs`, `avx512.rs`: each implements the lane traits
//!   for its registers and one generic block loop per kind of algorithm.
//! - [`f32_table!`] and [`f64_table!`]: the one table of which algorithm
//!   computes each (function, tier). Adding a function or a tier is a row
//!   or a column there, plus its algorithm; every path picks it up.
//! - [`drive`]: runs a kernel over a slice of any length and alignment. The
//!   unaligned head and the ragged tail go through a padded copy of one block,
//!   so every element passes through exactly the same instructions whatever
//!   its position: results never depend on length, offset or alignment.
//!   Outputs of [`STREAM_THRESHOLD_BYTES`] or more are written with
//!   non-temporal stores in the aligned body (one fence at the end), so a
//!   slice far larger than the caches costs about a copy.
//!
//! # Exact tier
//! f32 σ, σ', log σ, softplus and tanh widen each lane to f64, evaluate there
//! to within 2^-40.5 relative error and round once: within 0.5 + 2^-16 ULP
//! on every path, AVX2 and AVX-512 bit-identical (the same IEEE operations in
//! the same order; only the exact table lookup differs). The portable path
//! rounds each multiply-add twice; after the f32 rounding it agrees with the
//! SIMD paths on every input for σ, σ' and tanh, and on all but one input
//! each for log σ and softplus. f64 σ, σ', log σ, softplus, tanh and logit
//! run the double-double scalar functions per element (with FMA enabled on
//! the x86 paths: bit-identical to the scalar functions). ReLU and the
//! backward pass are exact per IEEE rules on every path and tier.
//!
//! # f32 Default and Fast tiers
//! Pure f32 algorithms written once over [`f32s::F32s`] (`f32_default.rs`,
//! `f32_fast.rs`): every path performs the same IEEE operations, so they
//! return the same bits. The AVX-512 path runs its own Fast-tier σ and σ′
//! (`f32_fast_avx512.rs`, over [`f32s::F32sAvx512`]: a 32-entry table in one
//! VPERMT2PS and VSCALEFPS), proven on that path separately.
//!
//! # f64 Default tier
//! f64 σ, σ', log σ, softplus and tanh are vectorised (`f64_default.rs`,
//! generic over [`f64s::F64s`]): e^-|x| as an unscaled double word from a
//! two-entry table and a degree-10 polynomial, one division, exact FMA
//! residuals; within 1 ULP on every path (measured bounds in that file). On
//! AVX-512, σ is `f64_default_avx512.rs` (a 16-entry table in one VPERMT2PD,
//! degree 7, VSCALEFPD), about 1.5× faster.

mod dispatch;
mod exact_f32;
mod f32_default;
mod f32_fast;
#[cfg(target_arch = "x86_64")]
mod f32_fast_avx512;
mod f32s;
#[cfg(target_arch = "x86_64")]
mod f32s_avx2;
#[cfg(target_arch = "x86_64")]
mod f32s_avx512;
mod f32s_portable;
mod f64_default;
#[cfg(target_arch = "x86_64")]
mod f64_default_avx512;
mod f64s;
mod portable;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

use crate::{Accuracy, Function};

pub(crate) use dispatch::active;

/// An instruction-set path of the slice kernels.
///
/// ```
/// use sigmoid::Isa;
/// assert!(Isa::available().contains(&Isa::Portable));
/// assert_eq!("avx2".parse::<Isa>(), Ok(Isa::Avx2));
/// assert!(Isa::best().is_available());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Isa {
    /// Plain Rust, vectorised by the compiler for the build target.
    Portable,
    /// x86-64 AVX2 and FMA (256-bit vectors).
    Avx2,
    /// x86-64 AVX-512F and AVX-512DQ (512-bit vectors).
    Avx512,
}

impl Isa {
    /// Every path, in order of preference from worst to best.
    pub const ALL: [Isa; 3] = [Isa::Portable, Isa::Avx2, Isa::Avx512];

    /// The path's name, as `SIGMOID_ISA` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// Whether this CPU can run the path (detected once per process).
    pub fn is_available(self) -> bool {
        dispatch::available().contains(&self)
    }

    /// Every path this CPU can run, portable first (detected once per process).
    pub fn available() -> Vec<Isa> {
        dispatch::available().to_vec()
    }

    /// The fastest path this CPU can run.
    pub fn best() -> Isa {
        *dispatch::available()
            .last()
            .expect("the portable path is always available")
    }
}

impl core::fmt::Display for Isa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Isa {
    type Err = crate::Error;

    /// Parses a path's name (case-insensitive), as `SIGMOID_ISA` takes it.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Isa::ALL
            .into_iter()
            .find(|isa| isa.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| crate::Error::UnknownName {
                what: "instruction set",
                name: name.to_owned(),
                expected: "portable, avx2, avx512".to_owned(),
            })
    }
}

/// What a kernel computes: a function of one argument, or the backward pass
/// `dx = dy · y · (1 − y)` (first input y, second dy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Unary(Function),
    Backward,
}

/// How one slice call runs: the path (which this CPU is known to run), the
/// tier, and whether the aligned body is written with non-temporal stores.
///
/// `pub` inside this private module so that the sealed [`Float`](crate::Float)
/// trait's hidden methods can take it; it cannot be named outside the crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub(crate) isa: Isa,
    pub(crate) accuracy: Accuracy,
    pub(crate) stream: bool,
}

impl Plan {
    /// The plan for an output of `output_bytes` bytes on `isa`, which the
    /// caller has checked this CPU runs.
    pub(crate) fn new(isa: Isa, accuracy: Accuracy, output_bytes: usize) -> Plan {
        Plan {
            isa,
            accuracy,
            stream: output_bytes >= STREAM_THRESHOLD_BYTES,
        }
    }
}

/// Outputs of at least this many bytes (32 MiB) are written with
/// non-temporal stores: far larger than a core's share of the last-level
/// cache on current CPUs (glibc's `memcpy` switches at ¾ of it), so the
/// output would be evicted before anyone reads it, and streaming it saves the
/// read-for-ownership of every output line (8 instead of 12 bytes of memory
/// traffic per f32 element).
pub(crate) const STREAM_THRESHOLD_BYTES: usize = 32 << 20;

/// A kernel: maps whole blocks of `BLOCK` elements, and nothing else.
///
/// # Safety
/// Implementations may use instructions the CPU lacks; [`drive`] is only
/// called with a kernel whose [`Isa`] is available.
pub(crate) unsafe trait Kernel<T> {
    /// Elements per block, at most [`MAX_BLOCK`].
    const BLOCK: usize;

    /// `out[i] = op(a[i])` (or `op(a[i], b[i])` for the backward pass) for
    /// `i < blocks · BLOCK`, with non-temporal stores if `STREAM`.
    ///
    /// # Safety
    /// The CPU supports the kernel's instruction set; `a`, `b` are valid for
    /// reading and `out` for writing `blocks · BLOCK` elements; `out` either
    /// equals `a` or `b` (in place) or overlaps neither. Unary kernels ignore
    /// `b`. With `STREAM`, `out` is aligned to [`ALIGN_BYTES`].
    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const T,
        b: *const T,
        out: *mut T,
        blocks: usize,
    );
}

/// The largest `Kernel::BLOCK` of any path (32 f32 lanes of AVX-512).
const MAX_BLOCK: usize = 32;
/// Stores are aligned to a cache line in the body of a slice.
pub(crate) const ALIGN_BYTES: usize = 64;

/// Runs `kernel` over `len` elements: the head up to the first 64-byte
/// aligned output element and the ragged tail through a padded copy, the
/// whole blocks in between in place (streamed if `stream`).
///
/// # Safety
/// As [`Kernel::blocks`], for `len` elements.
unsafe fn drive<T: Copy + Default, K: Kernel<T>>(
    kernel: &K,
    a: *const T,
    b: *const T,
    out: *mut T,
    len: usize,
    stream: bool,
) {
    debug_assert!(K::BLOCK <= MAX_BLOCK);
    let size = core::mem::size_of::<T>();
    let misalign = (out as usize) % ALIGN_BYTES;
    let head = if misalign == 0 {
        0
    } else {
        ((ALIGN_BYTES - misalign) / size).min(len)
    };
    let blocks = (len - head) / K::BLOCK;
    let body = blocks * K::BLOCK;
    // SAFETY: every offset stays within `len`; the caller guarantees the rest.
    unsafe {
        padded(kernel, a, b, out, head);
        if stream && blocks > 0 {
            kernel.blocks::<true>(a.add(head), b.add(head), out.add(head), blocks);
            store_fence();
        } else {
            kernel.blocks::<false>(a.add(head), b.add(head), out.add(head), blocks);
        }
        let done = head + body;
        padded(kernel, a.add(done), b.add(done), out.add(done), len - done);
    }
}

/// Orders the non-temporal stores before any later store, so that another
/// thread that sees a later write also sees the streamed output.
#[inline]
fn store_fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SFENCE is part of SSE, which every x86-64 CPU has.
    unsafe {
        core::arch::x86_64::_mm_sfence()
    };
}

/// Runs `kernel` on `len` elements (any count) through zero-padded blocks.
///
/// # Safety
/// As [`drive`].
unsafe fn padded<T: Copy + Default, K: Kernel<T>>(
    kernel: &K,
    a: *const T,
    b: *const T,
    out: *mut T,
    len: usize,
) {
    let mut start = 0;
    while start < len {
        let n = (len - start).min(K::BLOCK);
        let mut in_a = [T::default(); MAX_BLOCK];
        let mut in_b = [T::default(); MAX_BLOCK];
        let mut res = [T::default(); MAX_BLOCK];
        // SAFETY: `start + n ≤ len`; the buffers hold MAX_BLOCK ≥ BLOCK elements.
        unsafe {
            core::ptr::copy_nonoverlapping(a.add(start), in_a.as_mut_ptr(), n);
            core::ptr::copy_nonoverlapping(b.add(start), in_b.as_mut_ptr(), n);
            kernel.blocks::<false>(in_a.as_ptr(), in_b.as_ptr(), res.as_mut_ptr(), 1);
            core::ptr::copy_nonoverlapping(res.as_ptr(), out.add(start), n);
        }
        start += n;
    }
}

/// The one table of f32 algorithms: for each (operation, tier), which loop
/// of the path runs which algorithm. Each path expands it with its own loops:
/// - `$wide(f)`: f32 lanes widened to f64, `f` generic over `F64s`;
/// - `$lanes(f)`: pure f32 lanes, `f` generic over `F32s`;
/// - `$fast`: the module of the path's Fast-tier algorithms: `f32_fast`, or
///   `f32_fast_avx512` on the path that has the instructions it needs;
/// - `$each(f)`: a scalar function, element by element;
/// - `$relu` and `$backward`: the path's exact ReLU and backward loops.
///
/// The exact tier is the widening kernel (`exact_f32.rs`); the Default and
/// Fast tiers are the pure-f32 algorithms of `f32_default.rs` and `f32_fast.rs`.
macro_rules! f32_table {
    ($op:expr, $accuracy:expr, wide: $wide:ident, lanes: $lanes:ident, fast: $fast:ident, each: $each:ident, relu: $relu:ident, backward: $backward:ident) => {{
        use $crate::Accuracy as A;
        use $crate::Function as F;
        use $crate::kernels::Op;
        use $crate::kernels::exact_f32 as exact;
        use $crate::kernels::f32_default as default;
        use $crate::kernels::$fast as fast;
        use $crate::scalar::f32 as scalar;
        match ($op, $accuracy) {
            (Op::Unary(F::Sigmoid), A::Exact) => $wide!(exact::sigmoid),
            (Op::Unary(F::SigmoidDerivative), A::Exact) => $wide!(exact::sigmoid_derivative),
            (Op::Unary(F::LogSigmoid), A::Exact) => $wide!(exact::log_sigmoid),
            (Op::Unary(F::Softplus), A::Exact) => $wide!(exact::softplus),
            (Op::Unary(F::Tanh), A::Exact) => $wide!(exact::tanh),
            (Op::Unary(F::Sigmoid), A::Default) => $lanes!(default::sigmoid),
            (Op::Unary(F::SigmoidDerivative), A::Default) => $lanes!(default::sigmoid_derivative),
            (Op::Unary(F::LogSigmoid), A::Default) => $lanes!(default::log_sigmoid),
            (Op::Unary(F::Softplus), A::Default) => $lanes!(default::softplus),
            (Op::Unary(F::Tanh), A::Default) => $lanes!(default::tanh),
            (Op::Unary(F::Sigmoid), A::Fast) => $lanes!(fast::sigmoid),
            (Op::Unary(F::SigmoidDerivative), A::Fast) => $lanes!(fast::sigmoid_derivative),
            (Op::Unary(F::LogSigmoid), A::Fast) => $lanes!(fast::log_sigmoid),
            (Op::Unary(F::Softplus), A::Fast) => $lanes!(fast::softplus),
            (Op::Unary(F::Tanh), A::Fast) => $lanes!(fast::tanh),
            (Op::Unary(F::Logit), _) => $each!(scalar::logit),
            (Op::Unary(F::Relu), _) => $relu!(),
            (Op::Backward, _) => $backward!(),
        }
    }};
}
pub(crate) use f32_table;

/// The one table of f64 algorithms, as [`f32_table!`]: `$many(f)` runs an
/// algorithm generic over `F64s` on the path's vectors, `$each(f)` a scalar
/// function element by element (compiled with the path's FMA); `$default` is
/// the module of the path's Default-tier algorithms (`f64_default`, or
/// `f64_default_avx512` on the path that has the instructions it needs).
///
/// f64 Default tier (helper-owned rows, `f64_default.rs`): σ, σ', log σ,
/// softplus and tanh vectorised; Exact and Fast run the double-double scalar
/// functions.
macro_rules! f64_table {
    ($op:expr, $accuracy:expr, many: $many:ident, default: $default:ident, each: $each:ident, relu: $relu:ident, backward: $backward:ident) => {{
        use $crate::Accuracy as A;
        use $crate::Function as F;
        use $crate::kernels::Op;
        use $crate::kernels::$default as default;
        use $crate::scalar::f64 as scalar;
        match ($op, $accuracy) {
            // The f64 Default tier (f64_default.rs), which the Fast tier shares.
            (Op::Unary(F::Sigmoid), A::Default | A::Fast) => $many!(default::sigmoid),
            (Op::Unary(F::SigmoidDerivative), A::Default | A::Fast) => {
                $many!(default::sigmoid_derivative)
            }
            (Op::Unary(F::LogSigmoid), A::Default | A::Fast) => $many!(default::log_sigmoid),
            (Op::Unary(F::Softplus), A::Default | A::Fast) => $many!(default::softplus),
            (Op::Unary(F::Tanh), A::Default | A::Fast) => $many!(default::tanh),
            (Op::Unary(F::Sigmoid), _) => $each!(scalar::sigmoid),
            (Op::Unary(F::SigmoidDerivative), _) => $each!(scalar::sigmoid_derivative),
            (Op::Unary(F::LogSigmoid), _) => $each!(scalar::log_sigmoid),
            (Op::Unary(F::Softplus), _) => $each!(scalar::softplus),
            (Op::Unary(F::Tanh), _) => $each!(scalar::tanh),
            (Op::Unary(F::Logit), _) => $each!(scalar::logit),
            (Op::Unary(F::Relu), _) => $relu!(),
            (Op::Backward, _) => $backward!(),
        }
    }};
}
pub(crate) use f64_table;

macro_rules! typed_kernels {
    ($t:ident, $kernel:ident) => {
        #[doc = concat!("The ", stringify!($t), " entry points: one slice call through a [`Plan`](super::Plan).")]
        pub(crate) mod $t {
            use super::{Isa, Op, Plan};
            use crate::Function;

            /// Runs `op` as `plan` says.
            ///
            /// # Safety
            /// Pointers as [`super::Kernel::blocks`], for `len` elements; the
            /// CPU runs `plan.isa`.
            unsafe fn run(plan: Plan, op: Op, a: *const $t, b: *const $t, out: *mut $t, len: usize) {
                let Plan { isa, accuracy, stream } = plan;
                // SAFETY: a `Plan` only names paths this CPU runs.
                unsafe {
                    match isa {
                        #[cfg(target_arch = "x86_64")]
                        Isa::Avx512 => super::drive(&super::avx512::$kernel { op, accuracy }, a, b, out, len, stream),
                        #[cfg(target_arch = "x86_64")]
                        Isa::Avx2 => super::drive(&super::avx2::$kernel { op, accuracy }, a, b, out, len, stream),
                        _ => super::drive(&super::portable::$kernel { op, accuracy }, a, b, out, len, stream),
                    }
                }
            }

            /// `output[i] = f(input[i])`.
            ///
            /// # Panics
            /// If the lengths differ.
            pub(crate) fn unary(plan: Plan, f: Function, input: &[$t], output: &mut [$t]) {
                assert_eq!(input.len(), output.len());
                let a = input.as_ptr();
                // SAFETY: distinct borrows do not overlap; lengths are equal.
                unsafe { run(plan, Op::Unary(f), a, a, output.as_mut_ptr(), input.len()) }
            }

            /// `data[i] = f(data[i])`.
            pub(crate) fn unary_inplace(plan: Plan, f: Function, data: &mut [$t]) {
                let p = data.as_mut_ptr();
                // SAFETY: `out == a`, which the kernels allow.
                unsafe { run(plan, Op::Unary(f), p, p, p, data.len()) }
            }

            /// `dx[i] = dy[i] · y[i] · (1 − y[i])`.
            ///
            /// # Panics
            /// If the lengths differ.
            pub(crate) fn backward(plan: Plan, y: &[$t], dy: &[$t], dx: &mut [$t]) {
                assert!(y.len() == dy.len() && y.len() == dx.len());
                // SAFETY: distinct borrows; equal lengths.
                unsafe { run(plan, Op::Backward, y.as_ptr(), dy.as_ptr(), dx.as_mut_ptr(), y.len()) }
            }
        }
    };
}

typed_kernels!(f32, F32);
typed_kernels!(f64, F64);

/// Scalar loop shared by every path: `out[i] = f(a[i])` for `n` elements.
///
/// # Safety
/// `a` valid for reading and `out` for writing `n` elements (they may be equal).
#[inline(always)]
unsafe fn scalar_map<T: Copy>(f: impl Fn(T) -> T, a: *const T, out: *mut T, n: usize) {
    for i in 0..n {
        // SAFETY: i < n; reading before writing keeps `out == a` correct.
        unsafe { *out.add(i) = f(*a.add(i)) };
    }
}

/// Scalar loop for the backward pass.
///
/// # Safety
/// As [`scalar_map`], with `b` valid for reading `n` elements.
#[inline(always)]
unsafe fn scalar_map2<T: Copy>(f: fn(T, T) -> T, a: *const T, b: *const T, out: *mut T, n: usize) {
    for i in 0..n {
        // SAFETY: i < n; both inputs are read before the write.
        unsafe { *out.add(i) = f(*a.add(i), *b.add(i)) };
    }
}

/// The exact scalar f64 function for `f` (the reference the half-precision
/// slices recompute their rare midpoints with).
pub(crate) fn scalar_f64(f: Function) -> fn(f64) -> f64 {
    use crate::scalar::f64 as s;
    match f {
        Function::Sigmoid => s::sigmoid,
        Function::SigmoidDerivative => s::sigmoid_derivative,
        Function::LogSigmoid => s::log_sigmoid,
        Function::Softplus => s::softplus,
        Function::Logit => s::logit,
        Function::Relu => s::relu,
        Function::Tanh => s::tanh,
    }
}

#[cfg(test)]
mod tests;
