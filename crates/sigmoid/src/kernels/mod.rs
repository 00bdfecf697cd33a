//! Slice kernels: every elementwise function applied to a whole slice.
//!
//! Three instruction-set paths ([`Isa`]): AVX-512F, AVX2+FMA and a portable
//! one in plain Rust. The best one this CPU runs is chosen once, at first use
//! ([`active`]); the environment variable `SIGMOID_ISA=portable|avx2|avx512`
//! forces one (a path the CPU lacks falls back, with a warning on stderr).
//!
//! Each path is a [`Kernel`]: it maps whole blocks of `BLOCK` elements and
//! nothing else. [`drive`] handles the unaligned head and the ragged tail by
//! running the same kernel on a padded copy, so every element goes through
//! exactly the same instructions whatever the slice's length, alignment or
//! the element's position: the output never depends on them.
//!
//! # What each path computes
//! f32 σ, σ', log σ, softplus and tanh widen each lane to f64, evaluate there
//! to within 2^-40.5 relative error (a 2^(j/16) table and a degree-5
//! polynomial for e^-|x|; see `math.rs`) and round once at the end: every
//! path is within 0.5 + 2^-16 ULP, so within 1 ULP, over all 2^32 inputs,
//! subnormal results included (no flush to zero). ReLU and the backward pass
//! are exact per IEEE rules and bit-identical to the scalar functions on
//! every path. logit, and the f64 σ, σ', log σ, softplus and tanh, call the
//! scalar functions per element on every path (their double-double
//! evaluation is not vectorised yet); f64 ReLU and the f64 backward pass are
//! vectorised and bit-identical to the scalar functions.
//!
//! # Are the paths bit-identical?
//! AVX2 and AVX-512: yes. They perform the same IEEE-754 operations (fused
//! multiply-adds included) in the same order on every lane, with the same
//! constants; only the exact table lookup differs (a gather, VPERMT2PD).
//! So they give bit-identical results for every input on every CPU that
//! runs them, which `tests` checks over all 2^32 f32 inputs
//! (`simd_paths_bit_identical_exhaustive`, ignored) and on a sample.
//! The portable path rounds each multiply-add twice, so its f64
//! intermediate differs in the last bits; after the f32 rounding it agrees
//! with the SIMD paths on every input for σ, σ' and tanh, and on all but one
//! input each for log σ and softplus (measured by the same test; both
//! results are within the bound).
//!
//! # Speed
//! On a Zen 4 core at 2.6 GHz, f32 σ runs at about 1.7 Gelem/s in cache on
//! the AVX-512 path (`sigmoid bench`): the f64 evaluation costs about 11
//! fused multiply-add-class operations per 8 lanes, and that pipe is the
//! bottleneck. A pure-f32 kernel would need compensated (double-f32)
//! arithmetic to stay within 1 ULP, which costs about as much again.

mod dispatch;
mod math;
mod portable;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

/// An elementwise function of one argument, as the kernels dispatch on it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unary {
    Sigmoid,
    SigmoidDerivative,
    LogSigmoid,
    Softplus,
    Logit,
    Relu,
    Tanh,
}

/// What a kernel computes: a unary function, or the backward pass
/// `dx = dy · y · (1 − y)` (first input y, second dy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Unary(Unary),
    Backward,
}

/// An instruction-set path of the slice kernels.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// Plain Rust, vectorised by the compiler for the build target.
    Portable,
    /// x86-64 AVX2 and FMA (256-bit vectors).
    Avx2,
    /// x86-64 AVX-512F and AVX-512DQ (512-bit vectors).
    Avx512,
}

impl Isa {
    /// The path's name, as `SIGMOID_ISA` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Portable => "portable",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// The path `SIGMOID_ISA` names (case-insensitive), if any.
    pub fn from_name(name: &str) -> Option<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .find(|isa| isa.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this CPU can run the path.
    pub fn is_available(self) -> bool {
        dispatch::is_available(self)
    }

    /// Every path this CPU can run, portable first.
    pub fn available() -> Vec<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|isa| isa.is_available())
            .collect()
    }

    /// The fastest path this CPU can run.
    pub fn best() -> Isa {
        *Isa::available()
            .last()
            .expect("the portable path is always available")
    }

    /// `self` if this CPU runs it, else the best path it does run, so that
    /// forcing a path can never execute an unsupported instruction.
    fn usable(self) -> Isa {
        if self.is_available() {
            self
        } else {
            Isa::best()
        }
    }
}

impl core::fmt::Display for Isa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The path the slice functions use (chosen once, at first use).
pub fn active() -> Isa {
    dispatch::active()
}

/// A kernel: maps whole blocks of `BLOCK` elements, and nothing else.
///
/// # Safety
/// Implementations may use instructions the CPU lacks; [`drive`] is only
/// called with a kernel whose [`Isa`] is available.
pub(crate) unsafe trait Kernel<T> {
    /// Elements per block, at most [`MAX_BLOCK`].
    const BLOCK: usize;

    /// `out[i] = op(a[i])` (or `op(a[i], b[i])` for the backward pass) for
    /// `i < blocks · BLOCK`.
    ///
    /// # Safety
    /// The CPU supports the kernel's instruction set; `a`, `b` are valid for
    /// reading and `out` for writing `blocks · BLOCK` elements; `out` either
    /// equals `a` or `b` (in place) or overlaps neither. Unary kernels ignore `b`.
    unsafe fn blocks(&self, a: *const T, b: *const T, out: *mut T, blocks: usize);
}

/// The largest `Kernel::BLOCK` of any path (32 f32 lanes of AVX-512).
const MAX_BLOCK: usize = 32;
/// Stores are aligned to a cache line in the body of a slice.
const ALIGN_BYTES: usize = 64;

/// Runs `kernel` over `len` elements: the head up to the first 64-byte
/// aligned output element and the ragged tail through a padded copy, the
/// whole blocks in between in place.
///
/// # Safety
/// As [`Kernel::blocks`], for `len` elements.
unsafe fn drive<T: Copy + Default, K: Kernel<T>>(
    kernel: &K,
    a: *const T,
    b: *const T,
    out: *mut T,
    len: usize,
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
        kernel.blocks(a.add(head), b.add(head), out.add(head), blocks);
        let done = head + body;
        padded(kernel, a.add(done), b.add(done), out.add(done), len - done);
    }
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
            kernel.blocks(in_a.as_ptr(), in_b.as_ptr(), res.as_mut_ptr(), 1);
            core::ptr::copy_nonoverlapping(res.as_ptr(), out.add(start), n);
        }
        start += n;
    }
}

macro_rules! typed_kernels {
    ($t:ident, $kernel:ident) => {
        #[doc = concat!("The ", stringify!($t), " entry points that `Float` calls.")]
        pub(crate) mod $t {
            use super::{Isa, Op, Unary};

            /// Runs `op` through `isa` (or the best available path if the CPU lacks it).
            ///
            /// # Safety
            /// Pointers as [`super::Kernel::blocks`], for `len` elements.
            unsafe fn run(isa: Isa, op: Op, a: *const $t, b: *const $t, out: *mut $t, len: usize) {
                // SAFETY: `usable` only returns paths this CPU runs.
                unsafe {
                    match isa.usable() {
                        #[cfg(target_arch = "x86_64")]
                        Isa::Avx512 => super::drive(&super::avx512::$kernel(op), a, b, out, len),
                        #[cfg(target_arch = "x86_64")]
                        Isa::Avx2 => super::drive(&super::avx2::$kernel(op), a, b, out, len),
                        _ => super::drive(&super::portable::$kernel(op), a, b, out, len),
                    }
                }
            }

            pub(crate) fn unary_with(isa: Isa, op: Unary, input: &[$t], output: &mut [$t]) {
                assert_eq!(input.len(), output.len());
                let a = input.as_ptr();
                // SAFETY: distinct borrows do not overlap; lengths are equal.
                unsafe { run(isa, Op::Unary(op), a, a, output.as_mut_ptr(), input.len()) }
            }

            pub(crate) fn inplace_with(isa: Isa, op: Unary, data: &mut [$t]) {
                let p = data.as_mut_ptr();
                // SAFETY: `out == a`, which the kernels allow.
                unsafe { run(isa, Op::Unary(op), p, p, p, data.len()) }
            }

            pub(crate) fn backward_with(isa: Isa, y: &[$t], dy: &[$t], dx: &mut [$t]) {
                assert!(y.len() == dy.len() && y.len() == dx.len());
                // SAFETY: distinct borrows; equal lengths.
                unsafe {
                    run(
                        isa,
                        Op::Backward,
                        y.as_ptr(),
                        dy.as_ptr(),
                        dx.as_mut_ptr(),
                        y.len(),
                    )
                }
            }

            pub(crate) fn unary(op: Unary, input: &[$t], output: &mut [$t]) {
                unary_with(super::active(), op, input, output)
            }

            pub(crate) fn unary_inplace(op: Unary, data: &mut [$t]) {
                inplace_with(super::active(), op, data)
            }

            pub(crate) fn backward(y: &[$t], dy: &[$t], dx: &mut [$t]) {
                backward_with(super::active(), y, dy, dx)
            }
        }
    };
}

typed_kernels!(f32, F32);
typed_kernels!(f64, F64);

/// `unary` on f32 through a given path (for tests that force each path).
/// A path this CPU lacks runs the best available one instead.
pub fn unary_f32_with(isa: Isa, op: Unary, input: &[f32], output: &mut [f32]) {
    f32::unary_with(isa, op, input, output)
}

/// `unary` on f64 through a given path (for tests that force each path).
pub fn unary_f64_with(isa: Isa, op: Unary, input: &[f64], output: &mut [f64]) {
    f64::unary_with(isa, op, input, output)
}

/// The sigmoid backward pass on f32 through a given path.
pub fn backward_f32_with(isa: Isa, y: &[f32], dy: &[f32], dx: &mut [f32]) {
    f32::backward_with(isa, y, dy, dx)
}

/// The sigmoid backward pass on f64 through a given path.
pub fn backward_f64_with(isa: Isa, y: &[f64], dy: &[f64], dx: &mut [f64]) {
    f64::backward_with(isa, y, dy, dx)
}

/// In-place `unary` on f32 through a given path.
pub fn unary_inplace_f32_with(isa: Isa, op: Unary, data: &mut [f32]) {
    f32::inplace_with(isa, op, data)
}

/// Scalar fallback shared by every path: `out[i] = f(a[i])` for `n` elements.
///
/// # Safety
/// `a` valid for reading and `out` for writing `n` elements (they may be equal).
#[inline(always)]
unsafe fn scalar_map<T: Copy>(f: fn(T) -> T, a: *const T, out: *mut T, n: usize) {
    for i in 0..n {
        // SAFETY: i < n; reading before writing keeps `out == a` correct.
        unsafe { *out.add(i) = f(*a.add(i)) };
    }
}

/// Scalar fallback for the backward pass.
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

/// The scalar function for `op` (the reference and the fallback).
fn scalar_f32(op: Unary) -> fn(f32) -> f32 {
    use crate::scalar::f32 as s;
    match op {
        Unary::Sigmoid => s::sigmoid,
        Unary::SigmoidDerivative => s::sigmoid_derivative,
        Unary::LogSigmoid => s::log_sigmoid,
        Unary::Softplus => s::softplus,
        Unary::Logit => s::logit,
        Unary::Relu => s::relu,
        Unary::Tanh => s::tanh,
    }
}

/// The f64 scalar fallback of the x86 paths: the same scalar functions, but
/// compiled (inlined) with FMA enabled, so their exact products and
/// roundings are single instructions instead of libm calls. The results are
/// bit-identical to the scalar functions: a fused multiply-add is exactly
/// rounded either way.
///
/// # Safety
/// The CPU must have AVX2 and FMA; pointers as [`scalar_map`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn scalar_f64_fma(op: Unary, a: *const f64, out: *mut f64, n: usize) {
    use crate::scalar::f64 as s;
    macro_rules! each {
        ($f:path) => {
            for i in 0..n {
                // SAFETY: i < n; reading before writing keeps `out == a` correct.
                unsafe { *out.add(i) = $f(*a.add(i)) };
            }
        };
    }
    match op {
        Unary::Sigmoid => each!(s::sigmoid),
        Unary::SigmoidDerivative => each!(s::sigmoid_derivative),
        Unary::LogSigmoid => each!(s::log_sigmoid),
        Unary::Softplus => each!(s::softplus),
        Unary::Logit => each!(s::logit),
        Unary::Relu => each!(s::relu),
        Unary::Tanh => each!(s::tanh),
    }
}

/// The scalar function for `op` (the reference and the fallback).
pub(crate) fn scalar_f64(op: Unary) -> fn(f64) -> f64 {
    use crate::scalar::f64 as s;
    match op {
        Unary::Sigmoid => s::sigmoid,
        Unary::SigmoidDerivative => s::sigmoid_derivative,
        Unary::LogSigmoid => s::log_sigmoid,
        Unary::Softplus => s::softplus,
        Unary::Logit => s::logit,
        Unary::Relu => s::relu,
        Unary::Tanh => s::tanh,
    }
}

#[cfg(test)]
mod tests;
