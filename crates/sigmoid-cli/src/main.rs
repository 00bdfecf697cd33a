//! `sigmoid`: evaluate, plot, benchmark, train and explain the sigmoid.
//!
//! Every command prints `--help`. Errors are one line on stderr and exit
//! code 2; a closed pipe (`sigmoid eval ... | head`) is not an error.

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod args;
mod charts;
mod commands;
mod measure;
mod model_file;
mod output;
mod safety_zone;
mod stats;

/// The sigmoid (logistic) function, exact and fast: evaluate it, plot it,
/// benchmark it, train classifiers with it, and measure why it is avoided.
#[derive(Debug, Parser)]
#[command(name = "sigmoid", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print σ(x), σ'(x) and log σ(x) for the given values (or stdin, one per line).
    Eval(commands::eval::Args),
    /// Draw σ(x) and σ'(x) with the "safety zone" shaded, to PNG or SVG.
    Plot(commands::plot::Args),
    /// Measure throughput of σ against a plain copy, ReLU and the naive formula.
    Bench(commands::bench::Args),
    /// Train a classifier on a CSV file (default: the bundled breast-cancer data).
    Train(commands::train::Args),
    /// Write the probabilities a saved model gives for each row of a CSV file.
    Predict(commands::predict::Args),
    /// Measure the three reasons sigmoid is avoided in hidden layers.
    Explain(commands::explain::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => commands::eval::run(&args),
        Command::Plot(args) => commands::plot::run(&args),
        Command::Bench(args) => commands::bench::run(&args),
        Command::Train(args) => commands::train::run(&args),
        Command::Predict(args) => commands::predict::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether the error is a write to a closed pipe (`sigmoid ... | head`).
/// serde_json wraps the `io::Error` and does not expose it as a source, so
/// its errors are asked for their I/O kind.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let io_kind = cause
            .downcast_ref::<io::Error>()
            .map(io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            .or_else(|| match cause.downcast_ref::<sigmoid_nn::NnError>() {
                Some(sigmoid_nn::NnError::Io { error, .. }) => Some(error.kind()),
                _ => None,
            });
        io_kind == Some(io::ErrorKind::BrokenPipe)
    })
}
