//! `sigmoid plot`: σ(x) and σ'(x) on one chart, with the "safety zone"
//! shaded (see `safety_zone.rs` for the zone and the chart).

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::charts;
use crate::output;
use crate::safety_zone::{SafetyZone, safety_zone, sigmoid_chart};

/// Draw σ(x) and σ'(x) with the safety zone shaded, to PNG or SVG.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid plot\n  sigmoid plot --out sigmoid.svg --from -8 --to 8 --zone 0.05"
)]
pub struct Args {
    /// Output image; the format follows the extension (.png or .svg).
    #[arg(long, default_value = "sigmoid.png")]
    pub out: PathBuf,
    /// Left end of the x range.
    #[arg(long, default_value_t = -10.0, allow_negative_numbers = true)]
    pub from: f64,
    /// Right end of the x range.
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    pub to: f64,
    /// The threshold c of the safety zone {x : σ'(x) > c}, in (0, 0.25).
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub zone: f64,
    /// Print the zone's bounds as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Output<'a> {
    out: String,
    from: f64,
    to: f64,
    zone: &'a SafetyZone,
}

pub fn run(args: &Args) -> Result<()> {
    if !(args.from.is_finite() && args.to.is_finite()) {
        bail!("--from and --to must be finite numbers");
    }
    if args.from >= args.to {
        bail!(
            "--from ({}) must be less than --to ({})",
            args.from,
            args.to
        );
    }
    let zone = safety_zone(args.zone)?;
    charts::Format::from_path(&args.out)?;
    output::check_writable("--out", &args.out)?;
    let chart = sigmoid_chart(args.from, args.to, &zone);
    charts::save(&args.out, &chart)?;

    let mut out = io::stdout().lock();
    if args.json {
        let output = Output {
            out: args.out.display().to_string(),
            from: args.from,
            to: args.to,
            zone: &zone,
        };
        serde_json::to_writer_pretty(&mut out, &output)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "safety zone σ'(x) > {}: |x| < {:.6}  (σ between {:.6} and {:.6})",
            zone.threshold, zone.x_bound, zone.sigmoid_low, zone.sigmoid_high
        )?;
        writeln!(out, "wrote {}", args.out.display())?;
    }
    out.flush()?;
    Ok(())
}
