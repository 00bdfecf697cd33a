//! `sigmoid`: evaluate, plot, benchmark, train and explain the sigmoid.
//!
//! Every command prints `--help`. Errors are one line on stderr and exit
//! code 2; a closed pipe (`sigmoid eval ... | head`) is not an error.

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Eval(args) => commands::eval::run(&args),
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

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
