//! `sigmoid train`: a Keras-style classifier on a CSV file (default: the bundled
//! breast-cancer data), reporting test accuracy, loss, a confusion matrix and
//! the time per epoch.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use sigmoid_nn::data::{self, Dataset, Standardizer};
use sigmoid_nn::{
    Activation, Adam, BatchLogs, Callback, Dense, EpochLogs, FitOptions, History, Loss, Metric,
    Optimizer, Sequential, Sgd, TrainBegin,
};

/// Metadata keys of a model saved by `sigmoid train`.
pub const META_STANDARDIZER: &str = "sigmoid.standardizer";
/// The feature names, a JSON array.
pub const META_FEATURES: &str = "sigmoid.features";
/// The target column's name.
pub const META_TARGET: &str = "sigmoid.target";

const BUNDLED_NAME: &str = "breast_cancer.csv (bundled)";

/// Train a binary classifier (logistic regression, or an MLP with --hidden).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid train\n  sigmoid train --hidden 16,16 --optimizer adam --lr 0.001 --epochs 200\n  sigmoid train --data my.csv --target label --save model.safetensors\n  sigmoid predict --model model.safetensors --data new.csv"
)]
pub struct Args {
    /// CSV file with a header row [default: the bundled breast-cancer data].
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// The 0/1 label column [default: the last column].
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// A separate test set with the same columns.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "test_fraction")]
    pub test: Option<PathBuf>,
    /// Hold out this fraction of the rows, at random (seeded), as the test set
    /// [default: 0.2; for the bundled data, the Keras reference's 20% split].
    #[arg(long, value_name = "FRACTION")]
    pub test_fraction: Option<f64>,
    /// Hidden layer sizes, e.g. 16,16 [default: none, logistic regression].
    #[arg(long, value_delimiter = ',', value_name = "UNITS")]
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers (Keras names: sigmoid, relu, tanh,
    /// hard_sigmoid, silu, softplus, linear).
    #[arg(long, default_value = "sigmoid", value_parser = parse_activation)]
    pub activation: Activation,
    /// Passes over the training data.
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// Rows per step (the last partial batch is kept).
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// The optimizer.
    #[arg(long, value_enum, default_value_t = OptimizerKind::Sgd)]
    pub optimizer: OptimizerKind,
    /// Learning rate [default: 0.1 for sgd, 0.001 for adam].
    #[arg(long)]
    pub lr: Option<f32>,
    /// Hold out this fraction of the training rows (the last ones) for validation.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub validation_split: f64,
    /// Seed of the weights, the shuffling and a random test split.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Train in file order instead of shuffling each epoch.
    #[arg(long)]
    pub no_shuffle: bool,
    /// Save the model (and the standardisation statistics) to this safetensors file.
    #[arg(long, value_name = "FILE.safetensors")]
    pub save: Option<PathBuf>,
    /// Print the final metrics and the history as JSON on stdout (no progress output).
    #[arg(long)]
    pub json: bool,
}

/// The optimizers of `sigmoid train`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OptimizerKind {
    /// Stochastic gradient descent.
    Sgd,
    /// Adam.
    Adam,
}

fn parse_activation(s: &str) -> Result<Activation, String> {
    s.parse().map_err(|e: sigmoid::Error| e.to_string())
}

#[derive(Serialize)]
struct Report {
    data: DataInfo,
    model: ModelInfo,
    test: TestMetrics,
    epoch_ms: EpochTimes,
    history: History,
    saved: Option<String>,
}

#[derive(Serialize)]
struct DataInfo {
    source: String,
    target: String,
    features: usize,
    train_rows: usize,
    test_rows: usize,
    split: String,
}

#[derive(Serialize)]
struct ModelInfo {
    layers: Vec<String>,
    parameters: usize,
    optimizer: String,
    learning_rate: f32,
    epochs: usize,
    batch_size: usize,
    seed: u64,
}

#[derive(Serialize)]
struct TestMetrics {
    loss: f64,
    accuracy: f64,
    correct: usize,
    rows: usize,
    /// [[true 0 → predicted 0, true 0 → predicted 1], [true 1 → 0, true 1 → 1]].
    confusion_matrix: [[usize; 2]; 2],
}

#[derive(Serialize)]
struct EpochTimes {
    median: f64,
    mean: f64,
    total: f64,
}

/// Loads the training and test sets as the options say.
fn load(args: &Args) -> Result<(Dataset, Dataset, String, String)> {
    let target = args.target.as_deref();
    let (all, source) = match &args.data {
        Some(path) => (
            Dataset::from_csv_path(path, target)?,
            path.display().to_string(),
        ),
        None => (
            Dataset::from_csv_str(data::BREAST_CANCER_CSV, BUNDLED_NAME, target)?,
            BUNDLED_NAME.to_string(),
        ),
    };
    if let Some(test_path) = &args.test {
        let test = Dataset::from_csv_path(test_path, Some(&all.target_names[0]))?;
        if test.feature_names != all.feature_names {
            bail!(
                "{}: the feature columns differ from those of {source} ({} and {} columns{})",
                test_path.display(),
                test.n_features(),
                all.n_features(),
                first_difference(&test.feature_names, &all.feature_names)
            );
        }
        let split = format!("test set {}", test_path.display());
        return Ok((all, test, source, split));
    }
    if let Some(fraction) = args.test_fraction {
        let (train, test) = all
            .train_test_split(fraction, args.seed)
            .context("--test-fraction")?;
        return Ok((
            train,
            test,
            source,
            format!("random {fraction} (seed {})", args.seed),
        ));
    }
    if args.data.is_none() {
        let rows =
            data::parse_row_list(data::BREAST_CANCER_TEST_ROWS, "breast_cancer_test_rows.txt")?;
        let (train, test) = all.split_rows(&rows)?;
        return Ok((
            train,
            test,
            source,
            "the Keras reference's 20% test rows".into(),
        ));
    }
    let (train, test) = all.train_test_split(0.2, args.seed)?;
    Ok((
        train,
        test,
        source,
        format!("random 0.2 (seed {})", args.seed),
    ))
}

fn first_difference(a: &[String], b: &[String]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("; column {} is {:?}, expected {:?}", i + 1, a[i], b[i]),
        None => String::new(),
    }
}

/// Keras-style progress: a bar per epoch on a terminal, else one line per epoch.
struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
    epochs: usize,
    steps: usize,
}

impl Progress {
    fn new(terminal: bool) -> Self {
        Progress {
            bar: None,
            terminal,
            epochs: 0,
            steps: 0,
        }
    }
}

fn epoch_line(logs: &EpochLogs) -> String {
    let mut line = format!("loss: {:.4} - accuracy: {:.4}", logs.loss, logs.accuracy);
    if let (Some(l), Some(a)) = (logs.val_loss, logs.val_accuracy) {
        line += &format!(" - val_loss: {l:.4} - val_accuracy: {a:.4}");
    }
    line
}

fn format_ms(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else {
        format!("{ms:.1} ms")
    }
}

impl Callback for Progress {
    fn on_train_begin(&mut self, info: &TrainBegin) {
        self.epochs = info.epochs;
        self.steps = info.steps_per_epoch;
    }

    fn on_epoch_begin(&mut self, epoch: usize) {
        if self.terminal {
            let mut out = io::stdout().lock();
            let _ = writeln!(out, "Epoch {epoch}/{}", self.epochs);
            let bar = ProgressBar::with_draw_target(
                Some(self.steps as u64),
                ProgressDrawTarget::stdout(),
            );
            bar.set_style(
                ProgressStyle::with_template("{pos:>4}/{len} {bar:24} {msg}")
                    .expect("valid template")
                    .progress_chars("━━ "),
            );
            self.bar = Some(bar);
        }
    }

    fn on_batch_end(&mut self, logs: &BatchLogs<'_>) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "loss: {:.4} - accuracy: {:.4}",
                logs.running_loss, logs.running_accuracy
            ));
            bar.inc(1);
        }
    }

    fn on_epoch_end(&mut self, logs: &EpochLogs) -> ControlFlow<()> {
        let text = format!("{} - {}/epoch", epoch_line(logs), format_ms(logs.seconds));
        match self.bar.take() {
            Some(bar) => bar.finish_with_message(text),
            None => {
                let _ = writeln!(
                    io::stdout().lock(),
                    "Epoch {}/{} - {text}",
                    logs.epoch,
                    self.epochs
                );
            }
        }
        ControlFlow::Continue(())
    }
}

fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub fn run(args: &Args) -> Result<()> {
    if args.hidden.contains(&0) {
        bail!("--hidden: every layer needs at least one unit");
    }
    if args.epochs == 0 {
        bail!("--epochs must be at least 1");
    }
    let (train, test, source, split) = load(args)?;
    let scaler = Standardizer::fit(&train.features);
    let x_train = scaler.transform(&train.features);
    let x_test = scaler.transform(&test.features);

    let mut model = Sequential::with_seed(train.n_features(), args.seed);
    for &units in &args.hidden {
        model.add(Dense::new(units).activation(args.activation));
    }
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    let (optimizer, lr): (Optimizer, f32) = match args.optimizer {
        OptimizerKind::Sgd => {
            let lr = args.lr.unwrap_or(0.1);
            (Sgd::new(lr).into(), lr)
        }
        OptimizerKind::Adam => {
            let lr = args.lr.unwrap_or(0.001);
            (Adam::new(lr).into(), lr)
        }
    };
    model
        .compile(optimizer, Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .context("--lr")?;

    let layers: Vec<String> = model
        .layers()
        .iter()
        .map(|l| format!("Dense({}, {})", l.units(), l.activation_fn()))
        .collect();
    let optimizer_name = match args.optimizer {
        OptimizerKind::Sgd => "sgd",
        OptimizerKind::Adam => "adam",
    };
    let mut out = io::stdout().lock();
    if !args.json {
        writeln!(
            out,
            "Data: {source}: {} training rows, {} test rows ({split}), {} features, target {:?}",
            train.len(),
            test.len(),
            train.n_features(),
            train.target_names[0]
        )?;
        writeln!(
            out,
            "Model: {} → {}; {} parameters; {optimizer_name} lr {lr}, batch {}, {} epochs, seed {}",
            train.n_features(),
            layers.join(" → "),
            model.param_count(),
            args.batch_size,
            args.epochs,
            args.seed
        )?;
    }
    drop(out);

    let mut options = FitOptions::new()
        .epochs(args.epochs)
        .batch_size(args.batch_size)
        .shuffle(!args.no_shuffle)
        .validation_split(args.validation_split)
        .seed(args.seed);
    if !args.json {
        options = options.callback(Progress::new(io::stdout().is_terminal()));
    }
    let history = model.fit(&x_train, &train.targets, options)?;

    let eval = model.evaluate(&x_test, &test.targets)?;
    let p = model.predict(&x_test)?;
    let mut confusion = [[0_usize; 2]; 2];
    for (&prob, &label) in p.iter().zip(&test.targets) {
        confusion[usize::from(label > 0.5)][usize::from(prob > 0.5)] += 1;
    }
    let correct = confusion[0][0] + confusion[1][1];

    let saved = match &args.save {
        Some(path) => {
            let mut meta = BTreeMap::new();
            meta.insert(META_STANDARDIZER.to_string(), scaler.to_json());
            meta.insert(
                META_FEATURES.to_string(),
                serde_json::to_string(&train.feature_names)?,
            );
            meta.insert(META_TARGET.to_string(), train.target_names[0].clone());
            model.save_with_metadata(path, &meta)?;
            Some(path.display().to_string())
        }
        None => None,
    };

    let times = &history.epoch_seconds;
    let epoch_ms = EpochTimes {
        median: median(times) * 1e3,
        mean: times.iter().sum::<f64>() / times.len().max(1) as f64 * 1e3,
        total: times.iter().sum::<f64>() * 1e3,
    };
    let report = Report {
        data: DataInfo {
            source,
            target: train.target_names[0].clone(),
            features: train.n_features(),
            train_rows: train.len(),
            test_rows: test.len(),
            split,
        },
        model: ModelInfo {
            layers,
            parameters: model.param_count(),
            optimizer: optimizer_name.into(),
            learning_rate: lr,
            epochs: args.epochs,
            batch_size: args.batch_size,
            seed: args.seed,
        },
        test: TestMetrics {
            loss: eval.loss,
            accuracy: eval.accuracy,
            correct,
            rows: test.len(),
            confusion_matrix: confusion,
        },
        epoch_ms,
        history,
        saved,
    };
    let mut out = io::stdout().lock();
    if args.json {
        // Written as text so that a closed pipe is an io::Error (not an error).
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(());
    }
    if let Some(stopped) = report.history.stopped_epoch {
        writeln!(out, "Stopped early at epoch {stopped}")?;
    }
    let t = &report.test;
    writeln!(out)?;
    writeln!(
        out,
        "Test accuracy: {:.4} ({}/{})",
        t.accuracy, t.correct, t.rows
    )?;
    writeln!(out, "Test loss:     {:.4}", t.loss)?;
    writeln!(out, "Confusion matrix (rows: actual, columns: predicted):")?;
    writeln!(out, "              pred 0   pred 1")?;
    for (label, row) in t.confusion_matrix.iter().enumerate() {
        writeln!(out, "  actual {label} {:>9} {:>8}", row[0], row[1])?;
    }
    let e = &report.epoch_ms;
    writeln!(
        out,
        "Time per epoch: median {}, mean {} ({} epochs, {} in all)",
        format_ms(e.median / 1e3),
        format_ms(e.mean / 1e3),
        report.history.loss.len(),
        format_ms(e.total / 1e3)
    )?;
    if let Some(path) = &report.saved {
        writeln!(out, "Saved the model to {path}")?;
    }
    Ok(())
}
