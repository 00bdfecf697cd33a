//! `sigmoid bench` (being written; see the issue tracker).

use anyhow::{Result, bail};

/// Not yet available.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> Result<()> {
    bail!("`sigmoid bench` is not implemented yet")
}
