//! `sigmoid explain saturation` (claim ①): the loss gradient vanishes through
//! stacked sigmoid layers.
//!
//! On the bundled breast-cancer data (standardised), a 10-hidden-layer MLP of
//! width 32 (Glorot-uniform kernels, zero biases, sigmoid output, binary
//! cross-entropy) is built from each seed with the hidden activation sigmoid,
//! tanh and relu, with the same initial kernels for the three. The L2 norm
//! of the loss gradient with respect to each layer's kernel on the first 32
//! training rows, at initialisation, shows how much signal reaches each layer.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use ndarray::{Array2, s};
use plotters::style::RGBColor;
use serde::Serialize;
use sigmoid::Activation;
use sigmoid_nn::data::Standardizer;
use sigmoid_nn::{Dense, Sequential};

use crate::charts::{self, LineChart, Series, Style};
use crate::stats::median;

/// Seeds measured unless `--seeds` says otherwise.
pub const DEFAULT_SEEDS: u64 = 20;
/// Hidden layers of the network.
pub const HIDDEN_LAYERS: usize = 10;
/// Units per hidden layer.
pub const WIDTH: usize = 32;
/// Features of the breast-cancer data.
pub const FEATURES: usize = 30;
/// Rows in the batch whose gradient is measured.
pub const BATCH: usize = 32;
/// The hidden activations compared.
pub const ACTIVATIONS: [Activation; 3] = [Activation::Sigmoid, Activation::Tanh, Activation::Relu];
/// Their colours in the figures.
pub const COLORS: [RGBColor; 3] = [charts::BLUE, charts::ORANGE, charts::GREEN];

/// Measure the gradient norm of each layer of a deep network at initialisation.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid explain saturation\n  sigmoid explain saturation --seeds 5 --out saturation.svg --json"
)]
pub struct Args {
    /// Number of initialisation seeds (0, 1, …); the table shows medians.
    #[arg(long, default_value_t = DEFAULT_SEEDS)]
    pub seeds: u64,
    /// Write the per-layer norms, on a log scale, to this image (.png or .svg).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the table as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The gradient norms of one hidden activation.
#[derive(Clone, Debug, Serialize)]
pub struct SaturationRow {
    pub activation: String,
    /// Per seed, the L2 norm of dLoss/dKernel of layers 1 … 11 (11 = output).
    pub norms: Vec<Vec<f64>>,
    /// The median over seeds, per layer.
    pub median_norms: Vec<f64>,
    /// Per seed, the norm of layer 1 divided by that of layer 10.
    pub ratios: Vec<f64>,
    /// The median of `ratios`.
    pub median_ratio: f64,
    /// The median ratio's geometric mean per layer: median_ratio^(1/9).
    pub factor_per_layer: f64,
}

/// Everything `saturation` measures.
#[derive(Clone, Debug, Serialize)]
pub struct Saturation {
    pub seeds: u64,
    pub hidden_layers: usize,
    pub width: usize,
    pub batch: usize,
    pub activations: Vec<SaturationRow>,
}

impl Saturation {
    /// The row of an activation by its Keras name.
    pub fn row(&self, name: &str) -> Option<&SaturationRow> {
        self.activations.iter().find(|r| r.activation == name)
    }
}

pub fn run(args: &Args) -> Result<()> {
    check_seeds(args.seeds)?;
    super::check_out(args.out.as_deref())?;
    let result = measure(args.seeds)?;
    super::emit(&result, args.json, args.out.as_deref(), chart, write_table)
}

/// `--seeds` must be between 1 and 1000.
pub fn check_seeds(seeds: u64) -> Result<()> {
    if !(1..=1000).contains(&seeds) {
        bail!("--seeds must be between 1 and 1000, got {seeds}");
    }
    Ok(())
}

/// The standardised training split of the bundled breast-cancer data: the
/// features and the labels as a column.
pub fn training_data() -> Result<(Array2<f32>, Array2<f32>)> {
    let (train, _test) = sigmoid_nn::data::breast_cancer_split();
    if train.n_features() != FEATURES || train.targets.ncols() != 1 || train.is_empty() {
        bail!(
            "the bundled breast-cancer data has an unexpected shape ({} rows, {} features)",
            train.len(),
            train.n_features()
        );
    }
    let scaler = Standardizer::fit(&train.features);
    Ok((scaler.transform(&train.features), train.targets))
}

/// The network of the measurements: 30 → 10 × 32 (`hidden`) → 1 (sigmoid).
/// The same seed gives the same initial kernels whatever `hidden` is.
pub fn network(hidden: Activation, seed: u64) -> Sequential {
    let mut model = Sequential::with_seed(FEATURES, seed);
    for _ in 0..HIDDEN_LAYERS {
        model.add(Dense::new(WIDTH).activation(hidden));
    }
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    model
}

/// Runs the measurement over `seeds` initialisations.
pub fn measure(seeds: u64) -> Result<Saturation> {
    let (x, y) = training_data()?;
    let rows = BATCH.min(x.nrows());
    let (xb, yb) = (x.slice(s![..rows, ..]), y.slice(s![..rows, ..]));
    let mut activations = Vec::new();
    for act in ACTIVATIONS {
        let mut norms = Vec::new();
        for seed in 0..seeds {
            let model = network(act, seed);
            let grads = model.gradients(xb, yb)?;
            norms.push(
                grads
                    .iter()
                    .map(|g| {
                        g.kernel
                            .iter()
                            .map(|&v| f64::from(v).powi(2))
                            .sum::<f64>()
                            .sqrt()
                    })
                    .collect::<Vec<f64>>(),
            );
        }
        let layers = norms.first().map_or(0, Vec::len);
        let median_norms = (0..layers)
            .map(|l| median(&norms.iter().map(|n| n[l]).collect::<Vec<_>>()))
            .collect();
        let ratios: Vec<f64> = norms.iter().map(|n| n[0] / n[HIDDEN_LAYERS - 1]).collect();
        let median_ratio = median(&ratios);
        activations.push(SaturationRow {
            activation: act.name().to_owned(),
            norms,
            median_norms,
            ratios,
            median_ratio,
            factor_per_layer: median_ratio.powf(1.0 / (HIDDEN_LAYERS - 1) as f64),
        });
    }
    Ok(Saturation {
        seeds,
        hidden_layers: HIDDEN_LAYERS,
        width: WIDTH,
        batch: rows,
        activations,
    })
}

/// The median norm per layer, log scale, with the seeds' range shaded.
pub fn chart(result: &Saturation) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Gradient norm per layer at initialisation (median and range of {} seeds)",
            result.seeds
        ),
        format!(
            "layer ({} hidden layers × {} units; {} = sigmoid output layer)",
            result.hidden_layers,
            result.width,
            result.hidden_layers + 1
        ),
        "L2 norm of dLoss/dKernel",
    );
    for (row, color) in result.activations.iter().zip(COLORS) {
        let points = (1..)
            .zip(&row.median_norms)
            .map(|(l, &n)| (f64::from(l), n))
            .collect();
        let band = (0..row.median_norms.len())
            .map(|l| {
                let values = row.norms.iter().map(|n| n[l]);
                let lo = values.clone().fold(f64::INFINITY, f64::min);
                let hi = values.fold(0.0, f64::max);
                ((l + 1) as f64, lo, hi)
            })
            .collect();
        let label = format!(
            "{}: layer 1 / layer 10 = {}",
            row.activation,
            format_ratio(row.median_ratio)
        );
        chart.series.push(
            Series::new(label, color, Style::LineMarkers)
                .points(points)
                .band(band),
        );
    }
    chart.log_y = true;
    chart.integer_x = true;
    chart.fit_ranges();
    chart.x_range = (0.5, (result.hidden_layers + 1) as f64 + 0.5);
    chart.legend_position = plotters::chart::SeriesLabelPosition::LowerRight;
    chart
}

/// A ratio with three significant digits.
pub fn format_ratio(r: f64) -> String {
    if r != 0.0 && !(1e-2..1e3).contains(&r.abs()) {
        format!("{r:.2e}")
    } else {
        format!("{r:.3}")
    }
}

pub fn write_table(out: &mut impl Write, result: &Saturation) -> io::Result<()> {
    writeln!(
        out,
        "Claim 1 (saturation): L2 norm of dLoss/dKernel per layer at initialisation, median of {} seeds",
        result.seeds
    )?;
    writeln!(
        out,
        "({} hidden layers x {} units, glorot_uniform, zero bias, sigmoid output, BCE; first {} training rows)",
        result.hidden_layers, result.width, result.batch
    )?;
    write!(out, "{:<6}", "layer")?;
    for row in &result.activations {
        write!(out, "  {:>11}", row.activation)?;
    }
    writeln!(out)?;
    let layers = result
        .activations
        .first()
        .map_or(0, |r| r.median_norms.len());
    for l in 0..layers {
        let name = if l + 1 == layers {
            "out".to_owned()
        } else {
            (l + 1).to_string()
        };
        write!(out, "{name:<6}")?;
        for row in &result.activations {
            write!(out, "  {:>11.3e}", row.median_norms[l])?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "median ratio of layer 1's norm to layer 10's (per-layer factor):"
    )?;
    for row in &result.activations {
        writeln!(
            out,
            "  {:<8} {:>10}  (x{:.3} per layer)",
            row.activation,
            format_ratio(row.median_ratio),
            row.factor_per_layer
        )?;
    }
    Ok(())
}
