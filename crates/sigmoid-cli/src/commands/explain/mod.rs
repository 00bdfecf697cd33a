//! `sigmoid explain`: measure, on real data, the three reasons the sigmoid is
//! avoided in hidden layers.
//!
//! - `saturation` (claim ①): the loss gradient vanishes layer by layer in a
//!   deep sigmoid network, since σ' ≤ 1/4.
//! - `centering` (claim ②): σ's outputs are not zero-centred, so a neuron's
//!   incoming weight gradients all share one sign, and gradient descent
//!   zig-zags.
//! - `cnn`: claims ① and ② again, on a deep stack of convolutions.
//! - `cost` (claim ③): exp makes σ slower than ReLU; by how much, measured here.
//! - `all`: the three, with every figure and a `report.md`, into a folder.
//!
//! The networks come from `sigmoid-nn` (layers, initialisation, gradients);
//! this module only measures and reports.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::charts;

pub mod centering;
pub mod cnn;
pub mod cost;
pub mod report;
pub mod saturation;

/// Measure the three reasons sigmoid is avoided in hidden layers.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid explain saturation --out saturation.png\n  sigmoid explain centering --zigzag-out zigzag.svg\n  sigmoid explain cost\n  sigmoid explain all --out-dir report/"
)]
pub struct Args {
    #[command(subcommand)]
    pub claim: Claim,
}

/// Which claim to measure.
#[derive(Debug, clap::Subcommand)]
pub enum Claim {
    /// Claim ①: the gradient vanishes through stacked sigmoid layers.
    Saturation(saturation::Args),
    /// Claim ②: sigmoid outputs are not zero-centred; gradients share one sign.
    Centering(centering::Args),
    /// Claims ① and ② on a deep CNN (8 convolutions on the 8×8 digits).
    Cnn(cnn::Args),
    /// Claim ③: the cost of exp; σ against ReLU, tanh and the naive formula.
    Cost(cost::Args),
    /// All three, writing every figure and report.md into --out-dir.
    All(AllArgs),
}

/// Arguments of `sigmoid explain all`.
#[derive(Debug, clap::Args)]
pub struct AllArgs {
    /// Folder for the figures and report.md (created if missing).
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Image format of the figures.
    #[arg(long, value_enum, default_value_t = ImageFormat::Png)]
    pub format: ImageFormat,
    /// Number of initialisation seeds for the network measurements (the CNN's:
    /// at most 5, to keep the run short).
    #[arg(long, default_value_t = saturation::DEFAULT_SEEDS)]
    pub seeds: u64,
    #[command(flatten)]
    pub cost: cost::Sizes,
    /// Print the tables as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The image format of `explain all`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFormat {
    /// PNG bitmaps.
    Png,
    /// SVG vector images.
    Svg,
}

impl ImageFormat {
    fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

pub fn run(args: &Args) -> Result<()> {
    match &args.claim {
        Claim::Saturation(a) => saturation::run(a),
        Claim::Centering(a) => centering::run(a),
        Claim::Cnn(a) => cnn::run(a),
        Claim::Cost(a) => cost::run(a),
        Claim::All(a) => run_all(a),
    }
}

/// Checks an optional `--out` path's extension before any work is done.
pub(crate) fn check_out(path: Option<&Path>) -> Result<()> {
    if let Some(path) = path {
        charts::Format::from_path(path)?;
    }
    Ok(())
}

/// Saves a measurement's figure (when asked), then prints it as JSON or as
/// its table: the common tail of the single-claim commands.
fn emit<T, F>(
    result: &T,
    json: bool,
    figure_path: Option<&Path>,
    chart: impl FnOnce(&T) -> F,
    write_table: impl FnOnce(&mut io::StdoutLock<'static>, &T) -> io::Result<()>,
) -> Result<()>
where
    T: serde::Serialize,
    F: charts::Figure,
{
    if let Some(path) = figure_path {
        charts::save(path, &chart(result))?;
    }
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, result)?;
        writeln!(out)?;
    } else {
        write_table(&mut out, result)?;
        if let Some(path) = figure_path {
            writeln!(out, "wrote {}", path.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

fn run_all(args: &AllArgs) -> Result<()> {
    saturation::check_seeds(args.seeds)?;
    args.cost.check()?;
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("cannot create {}", args.out_dir.display()))?;
    let ext = args.format.extension();
    let figure = |name: &str| format!("{name}.{ext}");

    let zone = crate::safety_zone::safety_zone(0.01)?;
    charts::save(
        &args.out_dir.join(figure("sigmoid")),
        &crate::safety_zone::sigmoid_chart(-10.0, 10.0, &zone),
    )?;
    let sat = saturation::measure(args.seeds)?;
    charts::save(
        &args.out_dir.join(figure("saturation")),
        &saturation::chart(&sat),
    )?;
    let cen = centering::measure(args.seeds)?;
    charts::save(
        &args.out_dir.join(figure("centering")),
        &centering::chart(&cen),
    )?;
    charts::save(
        &args.out_dir.join(figure("zigzag")),
        &centering::zigzag_chart(&cen.zigzag),
    )?;
    let cnn = cnn::measure(args.seeds.min(cnn::DEFAULT_SEEDS))?;
    charts::save(
        &args.out_dir.join(figure("cnn_saturation")),
        &cnn::chart(&cnn),
    )?;
    charts::save(
        &args.out_dir.join(figure("cnn_centering")),
        &cnn::centering_chart(&cnn),
    )?;
    let cost = cost::measure(&args.cost)?;
    charts::save(&args.out_dir.join(figure("cost")), &cost::chart(&cost))?;

    let report = report::Report {
        figure_ext: ext,
        zone: &zone,
        saturation: &sat,
        centering: &cen,
        cnn: &cnn,
        cost: &cost,
    };
    let report_path = args.out_dir.join("report.md");
    std::fs::write(&report_path, report.markdown())
        .with_context(|| format!("cannot write {}", report_path.display()))?;

    let mut out = std::io::stdout().lock();
    if args.json {
        report.write_json(&mut out)?;
    } else {
        use std::io::Write;
        saturation::write_table(&mut out, &sat)?;
        writeln!(out)?;
        centering::write_table(&mut out, &cen)?;
        writeln!(out)?;
        cnn::write_table(&mut out, &cnn)?;
        writeln!(out)?;
        cost::write_table(&mut out, &cost)?;
        writeln!(out)?;
        writeln!(
            out,
            "wrote {} (figures: sigmoid, saturation, centering, zigzag, cnn_saturation, cnn_centering, cost .{ext})",
            report_path.display()
        )?;
    }
    Ok(())
}
