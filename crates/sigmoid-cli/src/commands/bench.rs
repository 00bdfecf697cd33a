//! `sigmoid bench`: throughput of σ and its family in every accuracy tier,
//! next to a plain copy, ReLU and the naive formula, measured in the same
//! run, per size (through the shared harness in `measure.rs`).

use anyhow::{Result, bail};
use serde::Serialize;
use sigmoid::{Accuracy, Function, Isa, Kernels};

use crate::measure::{Case, Dtype, Measurement, measure_many, parse_size, serialize_accuracy};

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
}
