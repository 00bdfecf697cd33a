//! `sigmoid bench`: throughput of σ next to a plain copy, ReLU and the naive
//! formula, measured in the same run, per size.
//!
//! The harness is public ([`measure`], [`Case`], [`Measurement`]) so that
//! other commands (`sigmoid explain cost`) time things the same way: after a
//! warm-up, each sample runs the case enough times to last about a
//! millisecond (at least once), and the result is the median of the samples'
//! time per element. Inputs live in one allocation per size that is touched
//! before timing, so small sizes are measured in cache and large ones in DRAM.
//! With `threads > 1` the `par_` functions run in a rayon pool of that many
//! threads, and copy and the naive loop are split the same way.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;
use sigmoid::Float;

/// Measure throughput per size against a copy, ReLU and the naive formula.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid bench\n  sigmoid bench --sizes 16k,64m --threads 2\n  sigmoid bench --dtype f64 --isa avx2 --json"
)]
pub struct Args {
    /// Slice lengths in elements; k and m are 1024 and 1024².
    #[arg(long, value_delimiter = ',', default_value = "1k,16k,256k,4m,64m", value_parser = parse_size)]
    pub sizes: Vec<usize>,
    /// Threads (more than 1 uses the `par_` functions in a rayon pool of that size).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Element type.
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    /// Force an instruction-set path (as `SIGMOID_ISA` does).
    #[arg(long, value_enum)]
    pub isa: Option<IsaArg>,
    /// Samples per case (the median is reported).
    #[arg(long, default_value_t = 21)]
    pub reps: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The element type of a benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// IEEE single precision.
    F32,
    /// IEEE double precision.
    F64,
}

/// A path that `--isa` can force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum IsaArg {
    /// Plain Rust.
    Portable,
    /// AVX2 and FMA.
    Avx2,
    /// AVX-512F/DQ.
    Avx512,
}

/// What is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// `output.copy_from_slice(input)`: the memory-bandwidth floor.
    Copy,
    /// `relu_slice`: the cheapest activation.
    Relu,
    /// `1/(1 + exp(-x))` in a plain loop, the type's own `exp`.
    Naive,
    /// `sigmoid_slice`.
    Sigmoid,
    /// `tanh_slice`.
    Tanh,
    /// `sigmoid_backward_slice` (y, dy → dx).
    Backward,
    /// `log_sigmoid_slice`.
    LogSigmoid,
}

impl Case {
    /// Every case, in the order the table prints them.
    pub const ALL: [Case; 7] = [
        Case::Copy,
        Case::Relu,
        Case::Naive,
        Case::Sigmoid,
        Case::Tanh,
        Case::Backward,
        Case::LogSigmoid,
    ];

    /// The case's name in the table and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Case::Copy => "copy",
            Case::Relu => "relu",
            Case::Naive => "naive",
            Case::Sigmoid => "sigmoid",
            Case::Tanh => "tanh",
            Case::Backward => "backward",
            Case::LogSigmoid => "log_sigmoid",
        }
    }

    /// Slices read plus slices written per element.
    fn streams(self) -> usize {
        if self == Case::Backward { 3 } else { 2 }
    }
}

/// One timed case at one size.
#[derive(Clone, Debug, Serialize)]
pub struct Measurement {
    /// What was timed.
    pub case: Case,
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

/// Input and output buffers of one size.
struct Buffers<T> {
    x: Vec<T>,
    y: Vec<T>,
    dy: Vec<T>,
    out: Vec<T>,
}

impl<T: BenchFloat> Buffers<T> {
    fn new(size: usize) -> Self {
        // A fixed LCG spread over [-20, 20]: the kernels are branch-free, so
        // only the naive loop's libm exp could care about the distribution.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let x: Vec<T> = (0..size)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                T::from_f64(((state >> 11) as f64 / (1u64 << 53) as f64) * 40.0 - 20.0)
            })
            .collect();
        let mut y = vec![T::ZERO; size];
        sigmoid::sigmoid_slice(&x, &mut y);
        let dy = x.iter().map(|&v| T::from_f64(v.to_f64() * 0.05)).collect();
        // Written once so that its pages exist before timing.
        let out = vec![T::ONE; size];
        Buffers { x, y, dy, out }
    }

    fn run(&mut self, case: Case, threads: usize) {
        let Buffers { x, y, dy, out } = self;
        let (x, y, dy) = (black_box(&x[..]), black_box(&y[..]), black_box(&dy[..]));
        if threads > 1 {
            match case {
                Case::Copy => sigmoid::par_map_chunks(x, out, |i, o| o.copy_from_slice(i)),
                Case::Relu => sigmoid::par_relu_slice(x, out),
                Case::Naive => sigmoid::par_map_chunks(x, out, naive),
                Case::Sigmoid => sigmoid::par_sigmoid_slice(x, out),
                Case::Tanh => sigmoid::par_tanh_slice(x, out),
                Case::Backward => sigmoid::par_sigmoid_backward_slice(y, dy, out),
                Case::LogSigmoid => sigmoid::par_log_sigmoid_slice(x, out),
            }
        } else {
            match case {
                Case::Copy => out.copy_from_slice(x),
                Case::Relu => sigmoid::relu_slice(x, out),
                Case::Naive => naive(x, out),
                Case::Sigmoid => sigmoid::sigmoid_slice(x, out),
                Case::Tanh => sigmoid::tanh_slice(x, out),
                Case::Backward => sigmoid::sigmoid_backward_slice(y, dy, out),
                Case::LogSigmoid => sigmoid::log_sigmoid_slice(x, out),
            }
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
    threads: usize,
    reps: usize,
) -> Measurement {
    let size = buffers.x.len();
    let start = Instant::now();
    let mut calls = 0u32;
    while calls < 2 || start.elapsed() < WARM_UP {
        buffers.run(case, threads);
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
                buffers.run(case, threads);
            }
            t.elapsed().as_nanos() as f64 / (f64::from(iters) * size.max(1) as f64)
        })
        .collect();
    per_elem.sort_by(f64::total_cmp);
    let ns_per_elem = per_elem[samples / 2];
    let bytes = (case.streams() * std::mem::size_of::<T>()) as f64;
    Measurement {
        case,
        dtype,
        size,
        threads,
        samples,
        ns_per_elem,
        gelem_per_s: 1.0 / ns_per_elem,
        gb_per_s: bytes / ns_per_elem,
    }
}

fn with_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    if threads > 1 {
        sigmoid::with_threads(threads, f)
    } else {
        f()
    }
}

fn measure_cases<T: BenchFloat>(
    cases: &[Case],
    dtype: Dtype,
    size: usize,
    threads: usize,
    reps: usize,
) -> Vec<Measurement> {
    let mut buffers = Buffers::<T>::new(size);
    with_pool(threads, || {
        cases
            .iter()
            .map(|&case| measure_on(&mut buffers, case, dtype, threads, reps))
            .collect()
    })
}

/// Times each of `cases` on slices of `size` elements (the same buffers, one
/// allocation) with `threads` threads (1: the serial functions; more: the
/// `par_` functions in a pool of that size): the median over `reps` samples
/// (fewer at sizes where that would take more than about 0.6 s). `bench`
/// and `explain cost` both time through here.
pub fn measure_many(
    cases: &[Case],
    dtype: Dtype,
    size: usize,
    threads: usize,
    reps: usize,
) -> Vec<Measurement> {
    match dtype {
        Dtype::F32 => measure_cases::<f32>(cases, dtype, size, threads, reps),
        Dtype::F64 => measure_cases::<f64>(cases, dtype, size, threads, reps),
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

/// A size as the table prints it: 16K, 64M, 1000.
fn size_label(n: usize) -> String {
    if n & ((1 << 20) - 1) == 0 {
        format!("{}M", n >> 20)
    } else if n & ((1 << 10) - 1) == 0 {
        format!("{}K", n >> 10)
    } else {
        n.to_string()
    }
}

#[derive(Serialize)]
struct SizeReport {
    size: usize,
    results: Vec<Measurement>,
    /// Time of σ over time of ReLU.
    sigmoid_over_relu: f64,
    /// Time of σ over time of a copy.
    sigmoid_over_copy: f64,
    /// Time of the naive loop over time of σ (how many times faster σ is).
    naive_over_sigmoid: f64,
}

#[derive(Serialize)]
struct Report {
    dtype: Dtype,
    threads: usize,
    isa: &'static str,
    sizes: Vec<SizeReport>,
}

pub fn run(args: &Args) -> Result<()> {
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    if let Some(isa) = args.isa {
        let name = match isa {
            IsaArg::Portable => "portable",
            IsaArg::Avx2 => "avx2",
            IsaArg::Avx512 => "avx512",
        };
        if !sigmoid::kernels::Isa::from_name(name).is_some_and(|isa| isa.is_available()) {
            eprintln!("sigmoid bench: this CPU cannot run the {name} path");
        }
        // SAFETY: no other thread exists yet, and the path is chosen from this
        // variable at the first slice call, which comes after this line.
        unsafe { std::env::set_var("SIGMOID_ISA", name) };
    }
    let isa = sigmoid::isa();
    let mut report = Report {
        dtype: args.dtype,
        threads: args.threads,
        isa,
        sizes: Vec::new(),
    };
    if !args.json {
        println!(
            "sigmoid bench: {}, {} thread{}, path {isa}; median of up to {} samples",
            match args.dtype {
                Dtype::F32 => "f32",
                Dtype::F64 => "f64",
            },
            args.threads,
            if args.threads == 1 { "" } else { "s" },
            args.reps
        );
        println!(
            "{:>6}  {:<12} {:>9} {:>9} {:>8}",
            "size", "case", "ns/elem", "Gelem/s", "GB/s"
        );
    }
    for &size in &args.sizes {
        let results = measure_many(&Case::ALL, args.dtype, size, args.threads, args.reps);
        let time = |case: Case| {
            results
                .iter()
                .find(|m| m.case == case)
                .map_or(f64::NAN, |m| m.ns_per_elem)
        };
        let entry = SizeReport {
            size,
            sigmoid_over_relu: time(Case::Sigmoid) / time(Case::Relu),
            sigmoid_over_copy: time(Case::Sigmoid) / time(Case::Copy),
            naive_over_sigmoid: time(Case::Naive) / time(Case::Sigmoid),
            results,
        };
        if !args.json {
            for (i, m) in entry.results.iter().enumerate() {
                let label = if i == 0 {
                    size_label(size)
                } else {
                    String::new()
                };
                println!(
                    "{label:>6}  {:<12} {:>9.4} {:>9.3} {:>8.2}",
                    m.case.name(),
                    m.ns_per_elem,
                    m.gelem_per_s,
                    m.gb_per_s
                );
            }
            println!(
                "{:>6}  σ/relu {:.2}×  σ/copy {:.2}×  naive/σ {:.1}×",
                "", entry.sigmoid_over_relu, entry.sigmoid_over_copy, entry.naive_over_sigmoid
            );
        }
        report.sizes.push(entry);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1k"), Ok(1024));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("x").is_err());
        assert_eq!(size_label(16 << 10), "16K");
        assert_eq!(size_label(1000), "1000");
    }

    #[test]
    fn measure_gives_positive_numbers() {
        let m = measure_many(&[Case::Sigmoid], Dtype::F32, 1000, 1, 3).remove(0);
        assert!(m.ns_per_elem > 0.0 && m.gelem_per_s > 0.0 && m.gb_per_s > 0.0);
        let m = measure_many(&[Case::Backward], Dtype::F64, 100_000, 2, 3).remove(0);
        assert_eq!(m.threads, 2);
        assert!(m.gb_per_s > 0.0);
    }
}
