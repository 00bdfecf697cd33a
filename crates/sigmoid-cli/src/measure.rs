//! The timing harness that `sigmoid bench` and `sigmoid explain cost`
//! share: after a warm-up, each sample runs the case enough times to last
//! about a millisecond (at least once), and the result is the median of the
//! samples' time per element. Inputs live in one allocation per size that is
//! touched before timing, so small sizes are measured in cache and large ones
//! in DRAM. With `threads > 1` the `par_` forms run in a rayon pool of that
//! many threads, and copy and the naive loop are split the same way
//! ([`sigmoid::par_map_chunks`]).

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;
use sigmoid::{Accuracy, Float, Function, Isa, Kernels};

/// The element type of a benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// IEEE single precision.
    F32,
    /// IEEE double precision.
    F64,
}

impl Dtype {
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        }
    }
}

/// What is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `output.copy_from_slice(input)`: the memory-bandwidth floor.
    Copy,
    /// `1/(1 + exp(-x))` in a plain loop, the type's own `exp`.
    Naive,
    /// The sigmoid backward pass (y, dy → dx), exact in every tier.
    Backward,
    /// A function of the crate in one tier (ReLU: the cheapest activation).
    Kernel(Function, Accuracy),
}

impl Case {
    /// The case's name in the table and JSON: `copy`, `naive`, `backward`,
    /// or the function's name.
    pub fn name(self) -> &'static str {
        match self {
            Case::Copy => "copy",
            Case::Naive => "naive",
            Case::Backward => "backward",
            Case::Kernel(f, _) => f.name(),
        }
    }

    /// The tier, for the crate's functions whose result depends on it.
    pub fn accuracy(self) -> Option<Accuracy> {
        match self {
            Case::Kernel(f, accuracy) if f != Function::Relu => Some(accuracy),
            _ => None,
        }
    }

    /// ReLU (the same in every tier).
    pub const RELU: Case = Case::Kernel(Function::Relu, Accuracy::Default);

    /// Slices read plus slices written per element.
    fn streams(self) -> usize {
        if self == Case::Backward { 3 } else { 2 }
    }
}

/// One timed case at one size.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    /// What was timed ([`Case::name`]).
    pub case: &'static str,
    /// The tier, where it matters.
    #[serde(serialize_with = "serialize_accuracy")]
    pub accuracy: Option<Accuracy>,
    /// Element type.
    pub dtype: Dtype,
    /// Slice length in elements.
    pub size: usize,
    /// Threads used.
    pub threads: usize,
    /// Samples taken (the median is reported).
    pub samples: usize,
    /// Median time per element, in nanoseconds.
    pub ns_per_elem: f64,
    /// Elements per nanosecond, i.e. 10^9 elements per second.
    pub gelem_per_s: f64,
    /// Bytes read and written per nanosecond (GB/s).
    pub gb_per_s: f64,
}

pub(crate) fn serialize_accuracy<S: serde::Serializer>(
    accuracy: &Option<Accuracy>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match accuracy {
        Some(a) => serializer.serialize_str(a.name()),
        None => serializer.serialize_none(),
    }
}

/// The element types the harness runs on.
pub trait BenchFloat: Float {
    /// `1/(1 + exp(-x))`, as a user would write it.
    fn naive_sigmoid(self) -> Self;
}

impl BenchFloat for f32 {
    #[inline]
    fn naive_sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
}

impl BenchFloat for f64 {
    #[inline]
    fn naive_sigmoid(self) -> Self {
        1.0 / (1.0 + (-self).exp())
    }
}

/// Input and output buffers of one size, each starting on a cache line (as
/// PyTorch's and NumPy's allocators align large arrays), so that a run does
/// not depend on where the allocator happened to put them.
struct Buffers<T> {
    x: Aligned<T>,
    y: Aligned<T>,
    dy: Aligned<T>,
    out: Aligned<T>,
}

/// A slice of `len` elements that starts on a 64-byte boundary inside a
/// slightly larger vector.
struct Aligned<T> {
    storage: Vec<T>,
    start: usize,
    len: usize,
}

impl<T: Copy> Aligned<T> {
    const ALIGN: usize = 64;

    fn from_iter(len: usize, fill: T, values: impl IntoIterator<Item = T>) -> Self {
        let slack = Self::ALIGN / std::mem::size_of::<T>();
        let mut storage = vec![fill; len + slack];
        let misalign = storage.as_ptr() as usize % Self::ALIGN;
        let start = ((Self::ALIGN - misalign) % Self::ALIGN) / std::mem::size_of::<T>();
        for (slot, value) in storage[start..start + len].iter_mut().zip(values) {
            *slot = value;
        }
        Aligned {
            storage,
            start,
            len,
        }
    }

    fn as_slice(&self) -> &[T] {
        &self.storage[self.start..self.start + self.len]
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.storage[self.start..self.start + self.len]
    }
}

impl<T: BenchFloat> Buffers<T> {
    fn new(size: usize) -> Self {
        // A fixed LCG spread over [-20, 20]: the kernels are branch-free, so
        // only the naive loop's libm exp could care about the distribution.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let x = Aligned::from_iter(
            size,
            T::ZERO,
            (0..size).map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                T::from_f64(((state >> 11) as f64 / (1u64 << 53) as f64) * 40.0 - 20.0)
            }),
        );
        let mut y = Aligned::from_iter(size, T::ZERO, []);
        sigmoid::sigmoid_slice(x.as_slice(), y.as_mut_slice());
        let dy = Aligned::from_iter(
            size,
            T::ZERO,
            x.as_slice().iter().map(|&v| T::from_f64(v.to_f64() * 0.05)),
        );
        // Written once so that its pages exist before timing.
        let out = Aligned::from_iter(size, T::ONE, []);
        Buffers { x, y, dy, out }
    }

    fn run(&mut self, case: Case, isa: Isa, threads: usize) {
        let (x, y, dy) = (self.x.as_slice(), self.y.as_slice(), self.dy.as_slice());
        let (x, y, dy) = (black_box(x), black_box(y), black_box(dy));
        let out = self.out.as_mut_slice();
        let kernels = |accuracy| Kernels::with_isa(isa, accuracy).expect("checked in `run`");
        let parallel = threads > 1;
        match case {
            Case::Copy if parallel => sigmoid::par_map_chunks(x, out, |i, o| o.copy_from_slice(i)),
            Case::Copy => out.copy_from_slice(x),
            Case::Naive if parallel => sigmoid::par_map_chunks(x, out, naive),
            Case::Naive => naive(x, out),
            Case::Backward if parallel => kernels(Accuracy::Default).par_backward(y, dy, out),
            Case::Backward => kernels(Accuracy::Default).backward(y, dy, out),
            Case::Kernel(f, accuracy) if parallel => kernels(accuracy).par_apply(f, x, out),
            Case::Kernel(f, accuracy) => kernels(accuracy).apply(f, x, out),
        }
        black_box(out);
    }
}

fn naive<T: BenchFloat>(input: &[T], output: &mut [T]) {
    for (o, &x) in output.iter_mut().zip(input) {
        *o = x.naive_sigmoid();
    }
}

/// How long one sample should last: long enough that the clock's resolution
/// and the loop overhead vanish, short enough to take many samples.
const SAMPLE_TIME: Duration = Duration::from_millis(1);
/// Warm-up per case: brings code, data and the CPU clock up to speed.
const WARM_UP: Duration = Duration::from_millis(30);
/// A cap on the time per case, so that 64M-element runs stay short.
const CASE_BUDGET: Duration = Duration::from_millis(600);

fn measure_on<T: BenchFloat>(
    buffers: &mut Buffers<T>,
    case: Case,
    dtype: Dtype,
    isa: Isa,
    threads: usize,
    reps: usize,
) -> Measurement {
    let size = buffers.x.len;
    let start = Instant::now();
    let mut calls = 0u32;
    while calls < 2 || start.elapsed() < WARM_UP {
        buffers.run(case, isa, threads);
        calls += 1;
    }
    let once = start.elapsed() / calls;
    let iters = (SAMPLE_TIME.as_nanos() / once.as_nanos().max(1)).max(1) as u32;
    let affordable =
        (CASE_BUDGET.as_nanos() / (once.as_nanos().max(1) * u128::from(iters))) as usize;
    let samples = reps.min(affordable.max(5)).max(1);
    let mut per_elem: Vec<f64> = (0..samples)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                buffers.run(case, isa, threads);
            }
            t.elapsed().as_nanos() as f64 / (f64::from(iters) * size.max(1) as f64)
        })
        .collect();
    per_elem.sort_by(f64::total_cmp);
    let ns_per_elem = per_elem[samples / 2];
    let bytes = (case.streams() * std::mem::size_of::<T>()) as f64;
    Measurement {
        case: case.name(),
        accuracy: case.accuracy(),
        dtype,
        size,
        threads,
        samples,
        ns_per_elem,
        gelem_per_s: 1.0 / ns_per_elem,
        gb_per_s: bytes / ns_per_elem,
    }
}

/// Runs `f` in a rayon pool of `threads` threads (or on this thread for 1),
/// so that the `par_` forms inside use exactly that many.
fn with_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> Result<R> {
    if threads > 1 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("starting the thread pool")?;
        Ok(pool.install(f))
    } else {
        Ok(f())
    }
}

fn measure_cases<T: BenchFloat>(
    cases: &[Case],
    dtype: Dtype,
    size: usize,
    isa: Isa,
    threads: usize,
    reps: usize,
) -> Result<Vec<Measurement>> {
    let mut buffers = Buffers::<T>::new(size);
    with_pool(threads, || {
        cases
            .iter()
            .map(|&case| measure_on(&mut buffers, case, dtype, isa, threads, reps))
            .collect()
    })
}

/// Times each of `cases` on slices of `size` elements (the same buffers, one
/// allocation) on the path `isa` (which this CPU must run) with `threads`
/// threads (1: the serial forms; more: the `par_` forms in a pool of that
/// size): the median over `reps` samples (fewer at sizes where that would
/// take more than about 0.6 s). `bench` and `explain cost` both time through here.
///
/// # Errors
/// If the thread pool cannot be started.
pub fn measure_many(
    cases: &[Case],
    dtype: Dtype,
    size: usize,
    isa: Isa,
    threads: usize,
    reps: usize,
) -> Result<Vec<Measurement>> {
    match dtype {
        Dtype::F32 => measure_cases::<f32>(cases, dtype, size, isa, threads, reps),
        Dtype::F64 => measure_cases::<f64>(cases, dtype, size, isa, threads, reps),
    }
}

/// Parses `16384`, `16k`, `64M` (k = 1024, m = 1024²).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let (digits, scale) = match lower.strip_suffix('k') {
        Some(d) => (d, 1 << 10),
        None => match lower.strip_suffix('m') {
            Some(d) => (d, 1 << 20),
            None => (lower.as_str(), 1),
        },
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 1000, 16k, 64m)"))?;
    n.checked_mul(scale)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a positive size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_gives_positive_numbers() {
        let isa = Isa::best();
        let sigmoid = Case::Kernel(Function::Sigmoid, Accuracy::Fast);
        let m = measure_many(&[sigmoid], Dtype::F32, 1000, isa, 1, 3)
            .unwrap()
            .remove(0);
        assert!(m.ns_per_elem > 0.0 && m.gelem_per_s > 0.0 && m.gb_per_s > 0.0);
        assert_eq!((m.case, m.accuracy), ("sigmoid", Some(Accuracy::Fast)));
        let m = measure_many(&[Case::Backward], Dtype::F64, 100_000, isa, 2, 3)
            .unwrap()
            .remove(0);
        assert_eq!(m.threads, 2);
        assert!(m.gb_per_s > 0.0);
    }
}
