//! `sigmoid explain centering` (claim ②): σ's outputs are all positive, so
//! the next layer's incoming weight gradients share one sign per example.
//!
//! Measured on the same networks as `saturation`: the mean and standard
//! deviation of each hidden layer's activations over the training rows, and
//! the fraction of neurons whose incoming weight-gradient column is
//! single-signed, per example and per batch of 32. Plus a two-weight
//! illustration: stochastic gradient descent with always-positive inputs
//! zig-zags, with zero-centred inputs it does not.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use ndarray::{Array2, ArrayView2, Axis, s};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::saturation::{self, ACTIVATIONS, BATCH, HIDDEN_LAYERS};
use crate::charts::{self, LineChart, Series, Style};

/// Measure whether hidden-layer outputs are zero-centred, and what follows.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid explain centering\n  sigmoid explain centering --out centering.png --zigzag-out zigzag.svg --json"
)]
pub struct Args {
    /// Number of initialisation seeds (0, 1, …) to average over.
    #[arg(long, default_value_t = saturation::DEFAULT_SEEDS)]
    pub seeds: u64,
    /// Write the per-layer activation means (± one standard deviation) to this image (.png or .svg).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write the two-weight zig-zag illustration to this image (.png or .svg).
    #[arg(long)]
    pub zigzag_out: Option<PathBuf>,
    /// Print the tables as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The measurements of one hidden activation, averaged over the seeds.
#[derive(Clone, Debug, Serialize)]
pub struct CenteringRow {
    pub activation: String,
    /// Mean of each hidden layer's outputs over the training rows and units.
    pub layer_mean: Vec<f64>,
    /// Standard deviation of each hidden layer's outputs.
    pub layer_std: Vec<f64>,
    /// Mean over all hidden layers.
    pub mean: f64,
    /// Per layer (1 … 11, the output layer last): the fraction of neurons
    /// whose incoming kernel-gradient column is single-signed (all entries
    /// ≥ 0 or all ≤ 0), per single training example, among the neurons that
    /// receive a gradient (a column that is all zero, as for a ReLU unit
    /// inactive on the example, is not counted).
    pub single_sign_per_example: Vec<f64>,
    /// The same for the mean gradient of each full batch of 32 rows.
    pub single_sign_per_batch: Vec<f64>,
    /// Over layers 2 … 11, whose inputs are hidden activations.
    pub single_sign_per_example_overall: f64,
    /// Over layers 2 … 11, per batch.
    pub single_sign_per_batch_overall: f64,
}

/// The zig-zag illustration.
#[derive(Clone, Debug, Serialize)]
pub struct Zigzag {
    /// The weights that fit the data exactly.
    pub target: (f64, f64),
    pub learning_rate: f64,
    pub paths: Vec<ZigzagPath>,
}

/// One gradient-descent path of the two weights.
#[derive(Clone, Debug, Serialize)]
pub struct ZigzagPath {
    pub inputs: String,
    pub weights: Vec<(f64, f64)>,
    /// Fraction of steps in which both weights moved in the same direction.
    pub same_direction_steps: f64,
    /// Distance to the target after the last step.
    pub final_distance: f64,
}

/// Everything `centering` measures.
#[derive(Clone, Debug, Serialize)]
pub struct Centering {
    pub seeds: u64,
    pub rows: usize,
    pub batch: usize,
    pub activations: Vec<CenteringRow>,
    pub zigzag: Zigzag,
}

pub fn run(args: &Args) -> Result<()> {
    saturation::check_seeds(args.seeds)?;
    super::check_out(args.out.as_deref())?;
    super::check_out(args.zigzag_out.as_deref())?;
    let result = measure(args.seeds)?;
    if let Some(path) = &args.out {
        charts::save(path, &chart(&result))?;
    }
    if let Some(path) = &args.zigzag_out {
        charts::save(path, &zigzag_chart(&result.zigzag))?;
    }
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &result)?;
        for path in [&args.out, &args.zigzag_out].into_iter().flatten() {
            writeln!(out, "wrote {}", path.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs the measurements over `seeds` initialisations.
pub fn measure(seeds: u64) -> Result<Centering> {
    let (x, y) = saturation::training_data()?;
    let rows = x.nrows();
    let mut activations = Vec::new();
    for act in ACTIVATIONS {
        let mut mean = vec![0.0; HIDDEN_LAYERS];
        let mut std = vec![0.0; HIDDEN_LAYERS];
        let mut example = SignCount::default();
        let mut batch = SignCount::default();
        for seed in 0..seeds {
            let model = saturation::network(act, seed);
            let trace = model.forward_trace(x.view());
            for (l, layer) in trace.iter().take(HIDDEN_LAYERS).enumerate() {
                let (m, s) = mean_std(&layer.output);
                mean[l] += m / seeds as f64;
                std[l] += s / seeds as f64;
            }
            for i in 0..rows {
                let grads =
                    model.gradients(x.slice(s![i..i + 1, ..]), y.slice(s![i..i + 1, ..]))?;
                example.add(grads.iter().map(|g| g.kernel.view()));
            }
            for start in (0..rows).step_by(BATCH) {
                if start + BATCH > rows {
                    break;
                }
                let range = s![start..start + BATCH, ..];
                let grads = model.gradients(x.slice(range), y.slice(range))?;
                batch.add(grads.iter().map(|g| g.kernel.view()));
            }
        }
        activations.push(CenteringRow {
            activation: act.name().to_owned(),
            mean: mean.iter().sum::<f64>() / HIDDEN_LAYERS as f64,
            layer_mean: mean,
            layer_std: std,
            single_sign_per_example: example.fractions(),
            single_sign_per_batch: batch.fractions(),
            single_sign_per_example_overall: example.overall_from(1),
            single_sign_per_batch_overall: batch.overall_from(1),
        });
    }
    Ok(Centering {
        seeds,
        rows,
        batch: BATCH,
        activations,
        zigzag: zigzag(),
    })
}

/// Single-signed and total neuron counts, per layer.
#[derive(Default)]
struct SignCount {
    single: Vec<u64>,
    total: Vec<u64>,
}

impl SignCount {
    fn add<'a>(&mut self, kernels: impl Iterator<Item = ArrayView2<'a, f32>>) {
        for (l, kernel) in kernels.enumerate() {
            if self.total.len() <= l {
                self.single.resize(l + 1, 0);
                self.total.resize(l + 1, 0);
            }
            for column in kernel.axis_iter(Axis(1)) {
                let nonneg = column.iter().all(|&g| g >= 0.0);
                let nonpos = column.iter().all(|&g| g <= 0.0);
                if nonneg && nonpos {
                    // No gradient at all (a ReLU unit inactive for these rows): no sign.
                    continue;
                }
                if nonneg || nonpos {
                    self.single[l] += 1;
                }
                self.total[l] += 1;
            }
        }
    }

    fn fractions(&self) -> Vec<f64> {
        self.single
            .iter()
            .zip(&self.total)
            .map(|(&s, &t)| s as f64 / t.max(1) as f64)
            .collect()
    }

    fn overall_from(&self, first: usize) -> f64 {
        let single: u64 = self.single.iter().skip(first).sum();
        let total: u64 = self.total.iter().skip(first).sum();
        single as f64 / total.max(1) as f64
    }
}

fn mean_std(a: &Array2<f32>) -> (f64, f64) {
    let n = a.len().max(1) as f64;
    let mean = a.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = a
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n;
    (mean, var.sqrt())
}

/// The two-weight illustration: fit y = w·x (x in R²) by stochastic gradient
/// descent on the squared error, one example per step, from the same start,
/// once with inputs σ(g) ∈ (0, 1)² (what a sigmoid layer feeds the next one)
/// and once with the zero-centred 2σ(g) − 1 = tanh(g/2). The gradient of one
/// example is (w·x − y)·x: with positive x both weights always move in the
/// same direction, so reaching w* = (1, −1) takes a zig-zag.
pub fn zigzag() -> Zigzag {
    const STEPS: usize = 50;
    const LEARNING_RATE: f64 = 0.5;
    let target = (1.0, -1.0);
    let start = (-1.0, 1.0);
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed);
    let gs: Vec<(f64, f64)> = (0..STEPS)
        .map(|_| (1.5 * normal(&mut rng), 1.5 * normal(&mut rng)))
        .collect();
    let positive = |g: f64| sigmoid::sigmoid(g);
    let centred = |g: f64| 2.0 * sigmoid::sigmoid(g) - 1.0;
    let paths = vec![
        descend(
            "positive inputs σ(g) ∈ (0, 1)",
            &gs,
            positive,
            start,
            target,
            LEARNING_RATE,
        ),
        descend(
            "zero-centred inputs 2σ(g) − 1",
            &gs,
            centred,
            start,
            target,
            LEARNING_RATE,
        ),
    ];
    Zigzag {
        target,
        learning_rate: LEARNING_RATE,
        paths,
    }
}

fn descend(
    inputs: &str,
    gs: &[(f64, f64)],
    f: impl Fn(f64) -> f64,
    start: (f64, f64),
    target: (f64, f64),
    lr: f64,
) -> ZigzagPath {
    let mut w = start;
    let mut weights = vec![w];
    let mut same = 0;
    for &(g1, g2) in gs {
        let x = (f(g1), f(g2));
        let y = target.0 * x.0 + target.1 * x.1;
        let err = w.0 * x.0 + w.1 * x.1 - y;
        let step = (-lr * err * x.0, -lr * err * x.1);
        if step.0 * step.1 > 0.0 {
            same += 1;
        }
        w = (w.0 + step.0, w.1 + step.1);
        weights.push(w);
    }
    ZigzagPath {
        inputs: inputs.to_owned(),
        weights,
        same_direction_steps: same as f64 / gs.len().max(1) as f64,
        final_distance: ((w.0 - target.0).powi(2) + (w.1 - target.1).powi(2)).sqrt(),
    }
}

/// A standard normal sample (Box–Muller on two uniforms from `rng`).
fn normal(rng: &mut impl RngExt) -> f64 {
    // 1 − u is in (0, 1], so the logarithm is finite.
    let (u, v): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Mean ± one standard deviation of each hidden layer's outputs.
pub fn chart(result: &Centering) -> LineChart {
    let mut chart = LineChart::new(
        "Hidden-layer outputs at initialisation: mean ± 1 std (breast-cancer training rows)",
        "hidden layer",
        "activation value",
    );
    for (row, color) in result.activations.iter().zip(saturation::COLORS) {
        let points = (1..)
            .zip(&row.layer_mean)
            .map(|(l, &m)| (f64::from(l), m))
            .collect();
        let band = (1..)
            .zip(row.layer_mean.iter().zip(&row.layer_std))
            .map(|(l, (&m, &s))| (f64::from(l), m - s, m + s))
            .collect();
        let label = format!("{} (mean {:.2})", row.activation, row.mean);
        chart.series.push(
            Series::new(label, color, Style::LineMarkers)
                .points(points)
                .band(band),
        );
    }
    chart.integer_x = true;
    chart.hlines = vec![0.0];
    chart.fit_ranges();
    chart.x_range = (0.5, HIDDEN_LAYERS as f64 + 0.5);
    chart.legend_position = plotters::chart::SeriesLabelPosition::LowerRight;
    chart
}

/// The two weight paths of the illustration.
pub fn zigzag_chart(zigzag: &Zigzag) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "Per-example gradient descent on y = w·x, learning rate {}",
            zigzag.learning_rate
        ),
        "w1",
        "w2",
    );
    let colors = [charts::BLUE, charts::ORANGE];
    for (path, color) in zigzag.paths.iter().zip(colors) {
        let label = format!(
            "{}: both weights move together in {:.0}% of steps",
            path.inputs,
            100.0 * path.same_direction_steps
        );
        chart
            .series
            .push(Series::new(label, color, Style::LineMarkers).points(path.weights.clone()));
    }
    chart.series.push(
        Series::new(
            "target w* = (1, −1); start (−1, 1)",
            charts::RED,
            Style::Markers,
        )
        .points(vec![zigzag.target]),
    );
    chart.fit_ranges();
    chart.legend_position = plotters::chart::SeriesLabelPosition::UpperRight;
    chart
}

pub fn write_table(out: &mut impl Write, result: &Centering) -> io::Result<()> {
    writeln!(
        out,
        "Claim 2 (centering): hidden-layer outputs at initialisation, {} seeds, {} training rows",
        result.seeds, result.rows
    )?;
    write!(out, "{:<8}", "layer")?;
    for row in &result.activations {
        write!(out, "  {:>16}", format!("{} mean±std", row.activation))?;
    }
    writeln!(out)?;
    for l in 0..HIDDEN_LAYERS {
        write!(out, "{:<8}", l + 1)?;
        for row in &result.activations {
            write!(
                out,
                "  {:>16}",
                format!("{:+.3}±{:.3}", row.layer_mean[l], row.layer_std[l])
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "single-signed incoming gradient columns, layers 2-{} (inputs = hidden activations; neurons without gradient left out):",
        HIDDEN_LAYERS + 1
    )?;
    writeln!(
        out,
        "{:<8}  {:>12}  {:>14}  {:>12}",
        "act", "mean output", "per example", "per batch 32"
    )?;
    for row in &result.activations {
        writeln!(
            out,
            "{:<8}  {:>12}  {:>13.1}%  {:>11.1}%",
            row.activation,
            format!("{:+.3}", row.mean),
            100.0 * row.single_sign_per_example_overall,
            100.0 * row.single_sign_per_batch_overall
        )?;
    }
    writeln!(
        out,
        "two-weight illustration (learning rate {}, {} steps, from (-1, 1) to w* = (1, -1)):",
        result.zigzag.learning_rate,
        result
            .zigzag
            .paths
            .first()
            .map_or(0, |p| p.weights.len() - 1)
    )?;
    for path in &result.zigzag.paths {
        writeln!(
            out,
            "  {:<34} both weights move together in {:>5.1}% of steps; distance to w* at the end {:.3}",
            path.inputs,
            100.0 * path.same_direction_steps,
            path.final_distance
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_inputs_always_move_both_weights_together() {
        let z = zigzag();
        assert_eq!(z.paths[0].same_direction_steps, 1.0);
        assert!(z.paths[1].same_direction_steps < 0.8);
    }

    #[test]
    fn sign_count() {
        let mut c = SignCount::default();
        let k = ndarray::array![[1.0_f32, -1.0, 0.0], [2.0, 1.0, 0.0]];
        c.add(std::iter::once(k.view()));
        assert_eq!(c.fractions(), vec![0.5]);
    }
}
