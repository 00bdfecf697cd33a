//! `sigmoid explain cnn`: claims ① (saturation) and ② (centring) on a deep
//! stack of convolutions instead of an MLP.
//!
//! On the first 32 bundled 8×8 digits (pixels / 16, odd against even), a
//! network of 8 convolutions (8 filters of 3×3, `same` padding, the hidden
//! activation), then Flatten and a sigmoid Dense output, is built from each
//! seed with the hidden activation sigmoid, tanh and relu (the same initial
//! kernels for the three). Measured at initialisation:
//! - the L2 norm of the loss gradient with respect to each layer's kernel
//!   (how much signal reaches each convolution);
//! - the mean and standard deviation of each convolution's outputs;
//! - the share of filters of layers 2 … 9 whose kernel-gradient column (all
//!   kh·kw·in weights of one filter) is single-signed for one example. A
//!   filter's gradient is a sum over positions of input patch × that
//!   position's output gradient: with positive inputs (sigmoid) it is
//!   one-signed whenever the output gradient has one sign over the positions,
//!   which is often but, unlike a Dense unit's one number per example, not
//!   always; with zero-centred inputs (tanh) almost never.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use ndarray::{Array2, Axis, s};
use serde::Serialize;
use sigmoid::Activation;
use sigmoid_nn::{Conv2D, Dense, Flatten, Padding, Sequential};

use super::saturation::{self, ACTIVATIONS, COLORS, format_ratio};
use crate::charts::{LineChart, Series, Style};
use crate::stats::median;

/// Seeds measured unless `--seeds` says otherwise.
pub const DEFAULT_SEEDS: u64 = 5;
/// Convolutions in the stack.
pub const CONV_LAYERS: usize = 8;
/// Filters per convolution.
pub const FILTERS: usize = 8;
/// Images in the measured batch.
pub const BATCH: usize = 32;

/// Measure vanishing gradients and uncentred outputs in a deep CNN.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid explain cnn\n  sigmoid explain cnn --seeds 3 --out cnn_saturation.svg --centering-out cnn_centering.svg --json"
)]
pub struct Args {
    /// Number of initialisation seeds (0, 1, …); the table shows medians.
    #[arg(long, default_value_t = DEFAULT_SEEDS)]
    pub seeds: u64,
    /// Write the per-layer gradient norms, on a log scale, to this image (.png or .svg).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the per-layer output means (± one standard deviation) to this image.
    #[arg(long)]
    pub centering_out: Option<PathBuf>,
    /// Print the table as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The measurements of one hidden activation.
#[derive(Clone, Debug, Serialize)]
pub struct CnnRow {
    pub activation: String,
    /// Per seed, the L2 norm of dLoss/dKernel of convolutions 1 … 8 and the output layer.
    pub norms: Vec<Vec<f64>>,
    /// The median over seeds, per layer.
    pub median_norms: Vec<f64>,
    /// The median over seeds of convolution 1's norm divided by convolution 8's.
    pub median_ratio: f64,
    /// Mean of each convolution's outputs (over images, positions, filters and seeds).
    pub layer_mean: Vec<f64>,
    /// Their standard deviation.
    pub layer_std: Vec<f64>,
    /// Mean over all convolutions.
    pub mean: f64,
    /// Over layers 2 … 9, the share of filters (and output units) whose
    /// kernel-gradient column is single-signed for one image, among the
    /// columns that are not all zero.
    pub single_sign_per_example: f64,
}

/// Everything `cnn` measures.
#[derive(Clone, Debug, Serialize)]
pub struct Cnn {
    pub seeds: u64,
    pub conv_layers: usize,
    pub filters: usize,
    pub batch: usize,
    pub activations: Vec<CnnRow>,
}

impl Cnn {
    /// The row of an activation by its Keras name.
    pub fn row(&self, name: &str) -> Option<&CnnRow> {
        self.activations.iter().find(|r| r.activation == name)
    }
}

pub fn run(args: &Args) -> Result<()> {
    saturation::check_seeds(args.seeds)?;
    super::check_out(args.out.as_deref())?;
    super::check_out(args.centering_out.as_deref())?;
    let result = measure(args.seeds)?;
    if let Some(path) = &args.centering_out {
        crate::charts::save(path, &centering_chart(&result))?;
    }
    super::emit(&result, args.json, args.out.as_deref(), chart, write_table)?;
    if let (Some(path), false) = (&args.centering_out, args.json) {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The first `BATCH` digits, pixels / 16, and 1 for odd digits.
fn batch() -> Result<(Array2<f32>, Array2<f32>)> {
    let digits = sigmoid_nn::data::digits();
    if digits.len() < BATCH || digits.side != 8 {
        bail!("the bundled digits have an unexpected shape");
    }
    let x = digits.pixels.slice(s![..BATCH, ..]).mapv(|v| v / 16.0);
    let y = digits
        .binary_targets(&[1.0, 3.0, 5.0, 7.0, 9.0])
        .slice(s![..BATCH, ..])
        .to_owned();
    Ok((x, y))
}

/// 8×8×1 → 8 × Conv2D(8, 3×3, same, `hidden`) → Flatten → Dense(1, sigmoid).
/// The same seed gives the same initial kernels whatever `hidden` is.
pub fn network(hidden: Activation, seed: u64) -> Result<Sequential> {
    let mut model = Sequential::with_input_shape(&[8, 8, 1], seed)?;
    for _ in 0..CONV_LAYERS {
        model.try_add(
            Conv2D::new(FILTERS, (3, 3))
                .padding(Padding::Same)
                .activation(hidden),
        )?;
    }
    model.try_add(Flatten::new())?;
    model.try_add(Dense::new(1).activation(Activation::Sigmoid))?;
    Ok(model)
}

/// The layers with weights: the convolutions and the output.
fn weighted(model: &Sequential) -> Vec<usize> {
    (0..model.layers().len())
        .filter(|&l| model.layers()[l].has_weights())
        .collect()
}

/// Runs the measurement over `seeds` initialisations.
pub fn measure(seeds: u64) -> Result<Cnn> {
    let (x, y) = batch()?;
    let mut activations = Vec::new();
    for act in ACTIVATIONS {
        let mut norms = Vec::new();
        let mut sums = [(0.0_f64, 0.0_f64, 0_usize); CONV_LAYERS];
        let (mut single, mut counted) = (0_usize, 0_usize);
        for seed in 0..seeds {
            let model = network(act, seed)?;
            let layers = weighted(&model);
            let grads = model.gradients(&x, &y)?;
            norms.push(
                layers
                    .iter()
                    .map(|&l| {
                        let k = &grads[l].kernel;
                        k.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt()
                    })
                    .collect::<Vec<f64>>(),
            );
            let traces = model.forward_trace(&x);
            for (sum, trace) in sums.iter_mut().zip(&traces) {
                for &v in &trace.output {
                    sum.0 += f64::from(v);
                    sum.1 += f64::from(v).powi(2);
                    sum.2 += 1;
                }
            }
            for i in 0..x.nrows() {
                let g = model.gradients(x.slice(s![i..=i, ..]), y.slice(s![i..=i, ..]))?;
                for &l in &layers[1..] {
                    for column in g[l].kernel.axis_iter(Axis(1)) {
                        let pos = column.iter().any(|&v| v > 0.0);
                        let neg = column.iter().any(|&v| v < 0.0);
                        if pos || neg {
                            counted += 1;
                            single += usize::from(pos != neg);
                        }
                    }
                }
            }
        }
        let layer_count = norms.first().map_or(0, Vec::len);
        let median_norms = (0..layer_count)
            .map(|l| median(&norms.iter().map(|n| n[l]).collect::<Vec<_>>()))
            .collect();
        let ratios: Vec<f64> = norms.iter().map(|n| n[0] / n[CONV_LAYERS - 1]).collect();
        let layer_mean: Vec<f64> = sums.iter().map(|s| s.0 / s.2 as f64).collect();
        let layer_std = sums
            .iter()
            .zip(&layer_mean)
            .map(|(s, m)| (s.1 / s.2 as f64 - m * m).max(0.0).sqrt())
            .collect();
        activations.push(CnnRow {
            activation: act.name().to_owned(),
            norms,
            median_norms,
            median_ratio: median(&ratios),
            mean: layer_mean.iter().sum::<f64>() / layer_mean.len() as f64,
            layer_mean,
            layer_std,
            single_sign_per_example: single as f64 / counted.max(1) as f64,
        });
    }
    Ok(Cnn {
        seeds,
        conv_layers: CONV_LAYERS,
        filters: FILTERS,
        batch: x.nrows(),
        activations,
    })
}

/// The median gradient norm per layer, log scale, with the seeds' range shaded.
pub fn chart(result: &Cnn) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "CNN: gradient norm per layer at initialisation (median and range of {} seeds)",
            result.seeds
        ),
        format!(
            "layer ({} convolutions, {} filters 3×3 same, on 8×8 digits; {} = sigmoid output)",
            result.conv_layers,
            result.filters,
            result.conv_layers + 1
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
            "{}: conv 1 / conv {} = {}",
            row.activation,
            result.conv_layers,
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
    chart.x_range = (0.5, (result.conv_layers + 1) as f64 + 0.5);
    chart.legend_position = plotters::chart::SeriesLabelPosition::LowerRight;
    chart
}

/// Each convolution's output mean ± one standard deviation.
pub fn centering_chart(result: &Cnn) -> LineChart {
    let mut chart = LineChart::new(
        "CNN: convolution outputs at initialisation, mean ± 1 std (8×8 digits)",
        "convolution",
        "activation value",
    );
    for (row, color) in result.activations.iter().zip(COLORS) {
        let points = (1..)
            .zip(&row.layer_mean)
            .map(|(l, &m)| (f64::from(l), m))
            .collect();
        let band = (1..)
            .zip(row.layer_mean.iter().zip(&row.layer_std))
            .map(|(l, (&m, &s))| (f64::from(l), m - s, m + s))
            .collect();
        let label = format!(
            "{} (mean {:.2}; {:.0}% single-signed filter gradients)",
            row.activation,
            row.mean,
            100.0 * row.single_sign_per_example
        );
        chart.series.push(
            Series::new(label, color, Style::LineMarkers)
                .points(points)
                .band(band),
        );
    }
    chart.integer_x = true;
    chart.hlines = vec![0.0];
    chart.fit_ranges();
    chart.x_range = (0.5, result.conv_layers as f64 + 0.5);
    chart.legend_position = plotters::chart::SeriesLabelPosition::LowerRight;
    chart
}

pub fn write_table(out: &mut impl Write, result: &Cnn) -> io::Result<()> {
    writeln!(
        out,
        "Claims 1 and 2 on a CNN: {} convolutions ({} filters 3x3 same) on the first {} 8x8 digits, \
         median of {} seeds",
        result.conv_layers, result.filters, result.batch, result.seeds
    )?;
    write!(out, "{:<6}", "layer")?;
    for row in &result.activations {
        write!(out, "  {:>11}", row.activation)?;
    }
    writeln!(out, "   (L2 norm of dLoss/dKernel)")?;
    let layers = result
        .activations
        .first()
        .map_or(0, |r| r.median_norms.len());
    for l in 0..layers {
        let name = if l + 1 == layers {
            "out".to_owned()
        } else {
            format!("conv{}", l + 1)
        };
        write!(out, "{name:<6}")?;
        for row in &result.activations {
            write!(out, "  {:>11.3e}", row.median_norms[l])?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{:<8} {:>14} {:>12} {:>18}",
        "", "conv1/conv8", "mean output", "single-signed/ex."
    )?;
    for row in &result.activations {
        writeln!(
            out,
            "{:<8} {:>14} {:>+12.3} {:>17.1}%",
            row.activation,
            format_ratio(row.median_ratio),
            row.mean,
            100.0 * row.single_sign_per_example
        )?;
    }
    Ok(())
}
