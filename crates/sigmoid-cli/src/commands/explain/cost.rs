//! `sigmoid explain cost` (claim ③: "exp makes sigmoid ≈6× slower than
//! ReLU"): the time per element of ReLU, tanh, the naive 1/(1+exp(−x)) and
//! this crate's σ, in cache and memory-bound, measured on this machine in one
//! run by the measuring code of `sigmoid bench`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::charts::{self, BarChart};
use crate::commands::bench::{self, Case, Dtype};

/// Samples per function and size, as `sigmoid bench`.
pub const DEFAULT_REPS: usize = 21;

/// The array sizes and repetitions of the measurement. The defaults: 16k
/// elements (128 KiB of f32 in and out, in cache) and 16m (128 MiB, memory-bound).
#[derive(Clone, Debug, clap::Args)]
pub struct Sizes {
    /// Elements per call for the in-cache measurement (k and m are 1024 and 1024²).
    #[arg(long, default_value = "16k", value_parser = bench::parse_size)]
    pub small: usize,
    /// Elements per call for the memory-bound measurement.
    #[arg(long, default_value = "16m", value_parser = bench::parse_size)]
    pub large: usize,
    /// Timed samples per function and size (the median is reported).
    #[arg(long, default_value_t = DEFAULT_REPS)]
    pub reps: usize,
}

impl Sizes {
    /// Sizes must be at least 16 elements and at most 2^28.
    pub fn check(&self) -> Result<()> {
        for (name, n) in [("--small", self.small), ("--large", self.large)] {
            if !(16..=1 << 28).contains(&n) {
                bail!("{name} must be between 16 and 268435456 elements, got {n}");
            }
        }
        if self.reps == 0 {
            bail!("--reps must be at least 1");
        }
        Ok(())
    }
}

/// Measure the cost of σ against ReLU, tanh and the naive formula.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid explain cost\n  sigmoid explain cost --small 4096 --large 1048576 --reps 5 --out cost.png --json"
)]
pub struct Args {
    #[command(flatten)]
    pub sizes: Sizes,
    /// Write the ratios to ReLU as a bar chart to this image (.png or .svg).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the table as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One function's time per element at both sizes.
#[derive(Clone, Debug, Serialize)]
pub struct CostRow {
    pub function: String,
    pub ns_per_element_small: f64,
    pub ns_per_element_large: f64,
    /// Time per element divided by ReLU's, in cache.
    pub ratio_small: f64,
    /// Time per element divided by ReLU's, memory-bound.
    pub ratio_large: f64,
}

/// Everything `cost` measures.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    pub small: usize,
    pub large: usize,
    pub rows: Vec<CostRow>,
    /// What the numbers say about the ≈6× claim, in words.
    pub verdict: String,
}

impl Cost {
    fn row(&self, name: &str) -> Option<&CostRow> {
        self.rows.iter().find(|r| r.function == name)
    }

    /// The table and the verdict in Markdown, for the report.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "Time per element on this machine, in one run, at {} elements (in cache) and {} \
             elements (memory-bound), and the ratio to ReLU.\n",
            self.small, self.large
        );
        let _ = writeln!(
            md,
            "| function | ns/element in cache | × ReLU | ns/element memory-bound | × ReLU |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|");
        for r in &self.rows {
            let _ = writeln!(
                md,
                "| {} | {:.3} | {:.2} | {:.3} | {:.2} |",
                r.function,
                r.ns_per_element_small,
                r.ratio_small,
                r.ns_per_element_large,
                r.ratio_large
            );
        }
        let _ = writeln!(md, "\n{}\n", self.verdict);
        md
    }
}

pub fn run(args: &Args) -> Result<()> {
    args.sizes.check()?;
    super::check_out(args.out.as_deref())?;
    let result = measure(&args.sizes)?;
    super::emit(&result, args.json, args.out.as_deref(), chart, write_table)
}

/// The functions compared, by their names in the table.
pub const FUNCTIONS: [&str; 4] = [
    "relu",
    "tanh",
    "naive 1/(1+exp(-x))",
    "sigmoid (this crate)",
];

/// Times the four functions at both sizes with `sigmoid bench`'s measuring code.
pub fn measure(sizes: &Sizes) -> Result<Cost> {
    sizes.check()?;
    let small = time_per_element(sizes.small, sizes.reps)?;
    let large = time_per_element(sizes.large, sizes.reps)?;
    let (relu_small, relu_large) = (small[0], large[0]);
    let rows = FUNCTIONS
        .iter()
        .zip(small.iter().zip(&large))
        .map(|(name, (&s, &l))| CostRow {
            function: (*name).to_owned(),
            ns_per_element_small: s,
            ns_per_element_large: l,
            ratio_small: s / relu_small,
            ratio_large: l / relu_large,
        })
        .collect();
    let mut cost = Cost {
        small: sizes.small,
        large: sizes.large,
        rows,
        verdict: String::new(),
    };
    cost.verdict = verdict(&cost);
    Ok(cost)
}

/// Nanoseconds per element of each of [`FUNCTIONS`] at `n` elements, f32,
/// one thread, all on the same buffers.
fn time_per_element(n: usize, reps: usize) -> Result<[f64; 4]> {
    use sigmoid::{Accuracy, Function, Kernels};
    let cases = [
        Case::RELU,
        Case::Kernel(Function::Tanh, Accuracy::Default),
        Case::Naive,
        Case::Kernel(Function::Sigmoid, Accuracy::Default),
    ];
    let isa = Kernels::new(Accuracy::Default).isa();
    let m = bench::measure_many(&cases, Dtype::F32, n, isa, 1, reps)?;
    Ok([0, 1, 2, 3].map(|i| m[i].ns_per_elem))
}

/// What the ratios say about "exp makes sigmoid ≈6× slower than ReLU".
fn verdict(cost: &Cost) -> String {
    let (Some(ours), Some(naive), Some(tanh)) = (
        cost.row(FUNCTIONS[3]),
        cost.row(FUNCTIONS[2]),
        cost.row(FUNCTIONS[1]),
    ) else {
        return String::new();
    };
    let judge = |r: f64| {
        if (4.0..=8.0).contains(&r) {
            "about right"
        } else if r > 8.0 {
            "an understatement (it is slower still)"
        } else if r >= 2.0 {
            "an overstatement"
        } else {
            "far off (the gap is under 2×)"
        }
    };
    let memory = if ours.ratio_large < 0.75 * ours.ratio_small {
        "streaming from memory narrows the gap, because every function pays the same memory \
         traffic"
    } else {
        "streaming from memory does not narrow the gap: σ's arithmetic, not the memory, sets \
         its speed"
    };
    format!(
        "On this machine, in cache, this crate's σ costs {:.1}× ReLU per element, the naive \
         1/(1+exp(−x)) {:.1}× and tanh {:.1}×; memory-bound, {:.1}×, {:.1}× and {:.1}×. The \
         claimed ≈6× is {} for this crate's σ and {} for the naive formula in cache; {}.",
        ours.ratio_small,
        naive.ratio_small,
        tanh.ratio_small,
        ours.ratio_large,
        naive.ratio_large,
        tanh.ratio_large,
        judge(ours.ratio_small),
        judge(naive.ratio_small),
        memory
    )
}

/// Ratios to ReLU at both sizes, as bars, with the claimed 6× marked.
pub fn chart(cost: &Cost) -> BarChart {
    BarChart {
        title: "Time per element relative to ReLU (this machine)".to_owned(),
        y_label: "time per element / ReLU's".to_owned(),
        categories: cost.rows.iter().map(|r| r.function.clone()).collect(),
        series: vec![
            (
                format!("in cache ({} elements)", cost.small),
                charts::BLUE,
                cost.rows.iter().map(|r| r.ratio_small).collect(),
            ),
            (
                format!("memory-bound ({} elements)", cost.large),
                charts::ORANGE,
                cost.rows.iter().map(|r| r.ratio_large).collect(),
            ),
        ],
        hlines: vec![(6.0, "the claim: 6× ReLU".to_owned())],
    }
}

pub fn write_table(out: &mut impl Write, cost: &Cost) -> io::Result<()> {
    writeln!(
        out,
        "Claim 3 (cost): time per element, {} elements (in cache) and {} (memory-bound)",
        cost.small, cost.large
    )?;
    writeln!(
        out,
        "{:<22}  {:>12}  {:>7}  {:>12}  {:>7}",
        "function", "ns/el cache", "x ReLU", "ns/el memory", "x ReLU"
    )?;
    for r in &cost.rows {
        writeln!(
            out,
            "{:<22}  {:>12.4}  {:>7.2}  {:>12.4}  {:>7.2}",
            r.function,
            r.ns_per_element_small,
            r.ratio_small,
            r.ns_per_element_large,
            r.ratio_large
        )?;
    }
    writeln!(out, "{}", cost.verdict)
}
