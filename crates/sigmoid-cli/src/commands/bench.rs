//! `sigmoid bench`: throughput of σ and its family in every accuracy tier,
//! next to a plain copy, ReLU and the naive formula, measured in the same
//! run, per size.
//!
//! The harness is public ([`measure_many`], [`Case`], [`Measurement`]) so
//! that other commands (`sigmoid explain cost`) time things the same way:
//! after a warm-up, each sample runs the case enough times to last about a
//! millisecond (at least once), and the result is the median of the samples'
//! time per element. Inputs live in one allocation per size that is touched
//! before timing, so small sizes are measured in cache and large ones in DRAM.
//! With `threads > 1` the `par_` forms run in a rayon pool of that many
//! threads, and copy and the naive loop are split the same way
//! ([`sigmoid::par_map_chunks`]).

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use sigmoid::{Accuracy, Float, Function, Isa, Kernels};

/// Measure throughput per size against a copy, ReLU and the naive formula.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid bench\n  sigmoid bench --sizes 16k,64m --threads 2 --accuracy default\n  sigmoid bench --dtype f32,f64 --functions all --isa avx2 --json"
)]
pub struct Args {
    /// Slice lengths in elements; k and m are 1024 and 1024².
    #[arg(long, value_delimiter = ',', default_value = "1k,16k,256k,4m,64m", value_parser = parse_size)]
    pub sizes: Vec<usize>,
    /// Threads (more than 1 uses the `par_` forms in a rayon pool of that size).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Element types, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "f32")]
    pub dtype: Vec<Dtype>,
    /// Accuracy tiers to time, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "exact,default,fast", value_parser = parse_accuracy)]
    pub accuracy: Vec<Accuracy>,
    /// Functions to time in each tier, comma-separated: sigmoid,
    /// sigmoid_derivative, log_sigmoid, softplus, tanh, logit, backward, or `all`.
    #[arg(long, value_delimiter = ',', default_value = "sigmoid")]
    pub functions: Vec<String>,
    /// Run on this instruction-set path (default: the best this CPU runs, or `SIGMOID_ISA`).
    #[arg(long, value_parser = parse_isa)]
    pub isa: Option<Isa>,
    /// Samples per case (the median is reported).
    #[arg(long, default_value_t = 21)]
    pub reps: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_accuracy(text: &str) -> Result<Accuracy, String> {
    text.parse().map_err(|e: sigmoid::Error| e.to_string())
}

fn parse_isa(text: &str) -> Result<Isa, String> {
    text.parse().map_err(|e: sigmoid::Error| e.to_string())
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

impl Dtype {
    fn name(self) -> &'static str {
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

fn serialize_accuracy<S: serde::Serializer>(
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

    fn run(&mut self, case: Case, isa: Isa, threads: usize) {
        let Buffers { x, y, dy, out } = self;
        let (x, y, dy) = (black_box(&x[..]), black_box(&y[..]), black_box(&dy[..]));
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
    let size = buffers.x.len();
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

/// σ's time against the baselines in one tier at one size.
#[derive(Serialize)]
struct Ratios {
    #[serde(serialize_with = "serialize_accuracy")]
    accuracy: Option<Accuracy>,
    /// Time of σ over time of ReLU.
    sigmoid_over_relu: f64,
    /// Time of σ over time of a copy.
    sigmoid_over_copy: f64,
    /// Time of the naive loop over time of σ (how many times faster σ is).
    naive_over_sigmoid: f64,
}

#[derive(Serialize)]
struct SizeReport {
    size: usize,
    results: Vec<Measurement>,
    /// One entry per tier in which σ was timed.
    ratios: Vec<Ratios>,
}

#[derive(Serialize)]
struct DtypeReport {
    dtype: Dtype,
    sizes: Vec<SizeReport>,
}

#[derive(Serialize)]
struct Report {
    threads: usize,
    isa: &'static str,
    runs: Vec<DtypeReport>,
}

/// The cases `args` asks for: the three baselines, then each function in each tier.
fn cases(args: &Args) -> Result<Vec<Case>> {
    let mut functions = Vec::new();
    for name in &args.functions {
        match name.trim() {
            "all" => functions.extend(
                [
                    "sigmoid",
                    "sigmoid_derivative",
                    "log_sigmoid",
                    "softplus",
                    "tanh",
                    "backward",
                ]
                .map(str::to_owned),
            ),
            other => functions.push(other.to_owned()),
        }
    }
    let mut cases = vec![Case::Copy, Case::RELU, Case::Naive];
    for name in functions {
        let case_per_tier: Vec<Case> = match name.as_str() {
            "backward" => vec![Case::Backward],
            "relu" | "copy" | "naive" => continue,
            other => {
                let f: Function = other.parse().map_err(|e: sigmoid::Error| {
                    anyhow::anyhow!("--functions: {e}, backward, all")
                })?;
                args.accuracy.iter().map(|&a| Case::Kernel(f, a)).collect()
            }
        };
        for case in case_per_tier {
            if !cases.contains(&case) {
                cases.push(case);
            }
        }
    }
    Ok(cases)
}

pub fn run(args: &Args) -> Result<()> {
    if args.threads == 0 {
        bail!("--threads must be at least 1");
    }
    if args.reps == 0 {
        bail!("--reps must be at least 1");
    }
    let isa = match args.isa {
        Some(isa) => Kernels::with_isa(isa, Accuracy::Default)
            .map_err(|e| anyhow::anyhow!("--isa {isa}: {e}"))?
            .isa(),
        None => Kernels::new(Accuracy::Default).isa(),
    };
    let cases = cases(args)?;
    let mut out = std::io::stdout().lock();
    let mut report = Report {
        threads: args.threads,
        isa: isa.name(),
        runs: Vec::new(),
    };
    for &dtype in &args.dtype {
        if !args.json {
            use std::io::Write;
            writeln!(
                out,
                "sigmoid bench: {}, {} thread{}, path {isa}; median of up to {} samples",
                dtype.name(),
                args.threads,
                if args.threads == 1 { "" } else { "s" },
                args.reps
            )?;
            writeln!(
                out,
                "{:>6}  {:<30} {:>9} {:>9} {:>8}",
                "size", "case", "ns/elem", "Gelem/s", "GB/s"
            )?;
        }
        let mut sizes = Vec::new();
        for &size in &args.sizes {
            let results = measure_many(&cases, dtype, size, isa, args.threads, args.reps)?;
            let time = |name: &str, accuracy: Option<Accuracy>| {
                results
                    .iter()
                    .find(|m| m.case == name && m.accuracy == accuracy)
                    .map_or(f64::NAN, |m| m.ns_per_elem)
            };
            let ratios: Vec<Ratios> = args
                .accuracy
                .iter()
                .filter(|&&a| {
                    results
                        .iter()
                        .any(|m| m.case == "sigmoid" && m.accuracy == Some(a))
                })
                .map(|&a| {
                    let sigmoid = time("sigmoid", Some(a));
                    Ratios {
                        accuracy: Some(a),
                        sigmoid_over_relu: sigmoid / time("relu", None),
                        sigmoid_over_copy: sigmoid / time("copy", None),
                        naive_over_sigmoid: time("naive", None) / sigmoid,
                    }
                })
                .collect();
            if !args.json {
                print_size(&mut out, size, &results, &ratios)?;
            }
            sizes.push(SizeReport {
                size,
                results,
                ratios,
            });
        }
        report.runs.push(DtypeReport { dtype, sizes });
    }
    if args.json {
        use std::io::Write;
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    }
    Ok(())
}

/// One size's rows of the table and its ratios line.
fn print_size(
    out: &mut impl std::io::Write,
    size: usize,
    results: &[Measurement],
    ratios: &[Ratios],
) -> Result<()> {
    for (i, m) in results.iter().enumerate() {
        let label = if i == 0 {
            size_label(size)
        } else {
            String::new()
        };
        let case = match m.accuracy {
            Some(a) => format!("{} ({a})", m.case),
            None => m.case.to_owned(),
        };
        writeln!(
            out,
            "{label:>6}  {case:<30} {:>9.4} {:>9.3} {:>8.2}",
            m.ns_per_elem, m.gelem_per_s, m.gb_per_s
        )?;
    }
    for r in ratios {
        writeln!(
            out,
            "{:>6}  σ ({}): σ/relu {:.2}×  σ/copy {:.2}×  naive/σ {:.1}×",
            "",
            r.accuracy.map_or("", |a| a.name()),
            r.sigmoid_over_relu,
            r.sigmoid_over_copy,
            r.naive_over_sigmoid
        )?;
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
