//! `sigmoid eval`: σ(x), σ'(x) and log σ(x) for values from the command line or stdin.

use std::io::{self, BufRead, Write};

use anyhow::{Context, Result, bail};
use half::{bf16, f16};
use serde::{Serialize, Serializer};
use sigmoid_cli::parse::{ParseFloat, parse_number};

/// Evaluate σ(x), σ'(x) and log σ(x).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid eval 0 2.5 -30 -inf nan\n  seq -5 5 | sigmoid eval --precision f32 --json\n\n\
                  In --json output, finite values are numbers (the exact computed value) and\n\
                  infinities and NaN are the strings \"inf\", \"-inf\" and \"nan\"."
)]
pub struct Args {
    /// Values of x (decimal, `inf`, `-inf`, `nan`). With none, reads one value per line from stdin.
    /// Options go before the values, since values may start with `-`.
    // Any hyphen value, not only what clap takes for a negative number, so that
    // `-inf`, `-nan` and `-1e-5` are values; the price is that an option after
    // the first value is read as a value too (`run` then says so).
    #[arg(allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Floating-point precision to compute in.
    #[arg(long, value_enum, default_value_t = Precision::F64)]
    pub precision: Precision,
    /// Print a JSON array of objects instead of a table (infinities and NaN as "inf", "-inf", "nan").
    #[arg(long)]
    pub json: bool,
}

/// The precision of `eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Precision {
    /// IEEE half precision (`half::f16`).
    F16,
    /// bfloat16 (`half::bf16`).
    Bf16,
    /// IEEE single precision.
    F32,
    /// IEEE double precision.
    F64,
}

/// One output row; the values are exactly those computed, widened to f64.
#[derive(Debug, Serialize)]
struct Row {
    #[serde(serialize_with = "json_number")]
    x: f64,
    #[serde(serialize_with = "json_number")]
    sigmoid: f64,
    #[serde(serialize_with = "json_number")]
    sigmoid_derivative: f64,
    #[serde(serialize_with = "json_number")]
    log_sigmoid: f64,
}

/// A JSON number when finite; otherwise the string "inf", "-inf" or "nan",
/// since JSON has no infinities or NaN (`serde_json` would write all three as `null`).
fn json_number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_finite() {
        serializer.serialize_f64(*value)
    } else if value.is_nan() {
        serializer.serialize_str("nan")
    } else if *value > 0.0 {
        serializer.serialize_str("inf")
    } else {
        serializer.serialize_str("-inf")
    }
}

pub fn run(args: &Args) -> Result<()> {
    let tokens: Vec<(String, String)> = if args.values.is_empty() {
        let stdin = io::stdin();
        let mut tokens = Vec::new();
        for (number, line) in stdin.lock().lines().enumerate() {
            let line = line.context("reading stdin")?;
            let token = line.trim();
            if !token.is_empty() {
                tokens.push((token.to_owned(), format!("stdin line {}", number + 1)));
            }
        }
        tokens
    } else {
        args.values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), format!("argument {}", i + 1)))
            .collect()
    };
    if let Some((token, place)) = tokens.iter().find(|(t, _)| t.starts_with("--")) {
        bail!(
            "{place}: {token:?} is an option, but options go before the values \
             (values may start with '-', as -inf does): sigmoid eval {token} ..."
        );
    }
    let rows = match args.precision {
        Precision::F16 => evaluate::<f16>(&tokens)?,
        Precision::Bf16 => evaluate::<bf16>(&tokens)?,
        Precision::F32 => evaluate::<f32>(&tokens)?,
        Precision::F64 => evaluate::<f64>(&tokens)?,
    };
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &rows, args.precision)?;
    }
    out.flush()?;
    Ok(())
}

fn evaluate<T: ParseFloat>(tokens: &[(String, String)]) -> Result<Vec<Row>> {
    tokens
        .iter()
        .map(|(token, place)| {
            let x = parse_number::<T>(token).with_context(|| format!("{place}: {token:?}"))?;
            Ok(Row {
                x: x.to_f64(),
                sigmoid: sigmoid::sigmoid(x).to_f64(),
                sigmoid_derivative: sigmoid::sigmoid_derivative(x).to_f64(),
                log_sigmoid: sigmoid::log_sigmoid(x).to_f64(),
            })
        })
        .collect()
}

fn write_table(out: &mut impl Write, rows: &[Row], precision: Precision) -> io::Result<()> {
    // Shortest round-trip formatting of the computed type, so every printed digit is significant.
    let show = |v: f64| match precision {
        Precision::F16 => format_number(shortest::<f16>(v)),
        Precision::Bf16 => format_number(shortest::<bf16>(v)),
        Precision::F32 => format_number(v as f32),
        Precision::F64 => format_number(v),
    };
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            [
                show(r.x),
                show(r.sigmoid),
                show(r.sigmoid_derivative),
                show(r.log_sigmoid),
            ]
        })
        .collect();
    let header = ["x", "sigmoid(x)", "sigmoid'(x)", "log_sigmoid(x)"];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cols: [&str; 4]| {
        format!(
            "{:>w0$}  {:>w1$}  {:>w2$}  {:>w3$}",
            cols[0],
            cols[1],
            cols[2],
            cols[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    writeln!(out, "{}", line(header))?;
    for row in &cells {
        writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]))?;
    }
    Ok(())
}

/// The value of the fewest significant decimal digits that parses back to
/// the `T` value `v` (for half types, whose `Display` shows their `f32` digits).
fn shortest<T: ParseFloat>(v: f64) -> f64 {
    let target = T::from_f64(v);
    if !v.is_finite() {
        return v;
    }
    (0..17)
        .map(|decimals| format!("{v:.decimals$e}"))
        .find(|digits| parse_number::<T>(digits).is_ok_and(|back| back == target))
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(v)
}

/// Shortest round-trip digits; scientific notation outside [1e-4, 1e16).
fn format_number<T: sigmoid::Float>(v: T) -> String {
    let magnitude = v.to_f64().abs();
    if magnitude == 0.0 || !magnitude.is_finite() || (1e-4..1e16).contains(&magnitude) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}
