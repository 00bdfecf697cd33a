//! `sigmoid eval`: σ(x), σ'(x) and log σ(x) for values from the command line or stdin.

use std::io::{self, BufRead, Write};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use sigmoid::Float;

/// Evaluate σ(x), σ'(x) and log σ(x).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid eval 0 2.5 -30 inf nan\n  seq -5 5 | sigmoid eval --precision f32 --json"
)]
pub struct Args {
    /// Values of x (decimal, `inf`, `-inf`, `nan`). With none, reads one value per line from stdin.
    #[arg(allow_negative_numbers = true)]
    pub values: Vec<String>,
    /// Floating-point precision to compute in.
    #[arg(long, value_enum, default_value_t = Precision::F64)]
    pub precision: Precision,
    /// Print a JSON array of objects instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The precision of `eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Precision {
    /// IEEE single precision.
    F32,
    /// IEEE double precision.
    F64,
}

#[derive(Debug, Serialize)]
struct Row {
    x: f64,
    sigmoid: f64,
    sigmoid_derivative: f64,
    log_sigmoid: f64,
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
    let rows = match args.precision {
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

fn evaluate<T: Float + std::str::FromStr>(tokens: &[(String, String)]) -> Result<Vec<Row>> {
    tokens
        .iter()
        .map(|(token, place)| {
            let x = parse_value::<T>(token).with_context(|| {
                format!("{place}: {token:?} is not a number (expected e.g. 2.5, -1e3, inf, nan)")
            })?;
            Ok(Row {
                x: x.to_f64(),
                sigmoid: sigmoid::sigmoid(x).to_f64(),
                sigmoid_derivative: sigmoid::sigmoid_derivative(x).to_f64(),
                log_sigmoid: sigmoid::log_sigmoid(x).to_f64(),
            })
        })
        .collect()
}

fn parse_value<T: Float + std::str::FromStr>(token: &str) -> Result<T> {
    let lowered = token.trim().to_ascii_lowercase();
    let normalised = match lowered.as_str() {
        "+inf" | "+infinity" => "inf",
        "-infinity" => "-inf",
        "+nan" | "-nan" => "nan",
        other => other,
    };
    match normalised.parse::<T>() {
        Ok(value) => Ok(value),
        Err(_) => bail!("not a number"),
    }
}

fn write_table(out: &mut impl Write, rows: &[Row], precision: Precision) -> io::Result<()> {
    // Shortest round-trip formatting of the computed type, so every printed digit is significant.
    let show = |v: f64| match precision {
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

/// Shortest round-trip digits; scientific notation outside [1e-4, 1e16).
fn format_number<T: Float>(v: T) -> String {
    let magnitude = v.to_f64().abs();
    if magnitude == 0.0 || !magnitude.is_finite() || (1e-4..1e16).contains(&magnitude) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}
