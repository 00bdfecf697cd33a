//! `sigmoid train`: a Keras-style classifier on a CSV file (default: the
//! bundled breast-cancer data), reporting test accuracy, loss, a confusion
//! matrix and the time per epoch.
//!
//! - `data.rs`: the training and test sets, as the options say;
//! - `lbfgs.rs`: `--optimizer lbfgs`, its options and report;
//! - `progress.rs`: the Keras-style progress display;
//! - `report.rs`: what is printed (text or JSON);
//! - `stream.rs`: `--stream` and `--memory-limit`, for files larger than memory;
//! - here: the options, the model, the run and its warnings.

mod data;
mod images;
mod lbfgs;
mod progress;
mod report;
mod stream;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use sigmoid_nn::data::{Delimiter, Labels, Standardizer};
use sigmoid_nn::{
    Activation, Adam, Dense, FitOptions, History, Loss, Metric, Optimizer, Sequential, Sgd,
};

use crate::args::parse_delimiter;
use crate::model_file::SavedModel;
use crate::output;
use crate::stats::median;
use report::{DataInfo, EpochTimes, ModelInfo, Report, TestMetrics};

/// Train a binary classifier (logistic regression, or an MLP with --hidden).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  sigmoid train\n  sigmoid train --hidden 16,16 --optimizer adam --lr 0.001 --epochs 200\n  sigmoid train --data my.csv --target label --save model.safetensors\n  sigmoid train --data my.tsv --target churned --positive yes\n  sigmoid train --data big.csv --optimizer lbfgs --tol 1e-5\n  sigmoid train --data huge.csv --stream --memory-limit 256M\n  sigmoid train --data digits --conv 8,16 --activation relu --optimizer adam --lr 0.001\n  sigmoid predict --model model.safetensors --data new.csv\n\nChoosing an optimizer:\n  sgd (the default) and adam take mini-batch steps for --epochs passes, as Keras does: for\n  networks with many parameters, or when a few epochs already learn most of the data.\n  lbfgs trains on all rows at once until the gradient is within --tol (or --max-iter\n  iterations): for logistic regression and small networks on data that fits in memory, it\n  reaches the optimum in a few dozen passes over the data, with no learning rate to tune, and\n  its result does not depend on shuffling or the number of threads."
)]
pub struct Args {
    /// CSV file with a header row [default: the bundled breast-cancer data];
    /// `digits` is the bundled 8×8 digits (images; odd against even unless --positive).
    #[arg(long, value_name = "FILE.csv")]
    pub data: Option<PathBuf>,
    /// The label column: 0/1, or two values such as yes/no [default: the last column].
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// The label value that becomes 1 [default: 1 for 0/1 labels; of two strings, the
    /// later in sorted order, e.g. yes of no/yes].
    #[arg(long, value_name = "LABEL")]
    pub positive: Option<String>,
    /// Field separator: comma, tab or semicolon [default: detected from the header].
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
    /// A separate test set with the same columns.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "test_fraction")]
    pub test: Option<PathBuf>,
    /// Hold out this fraction of the rows, at random (seeded), as the test set
    /// [default: 0.2; for the bundled data, the Keras reference's 20% split].
    #[arg(long, value_name = "FRACTION")]
    pub test_fraction: Option<f64>,
    /// A CNN: per value, a 3×3 `same` convolution with that many filters
    /// (and --activation), then a 2×2 max pool; then Flatten, the --hidden
    /// layers and the output. Needs image data: --data digits, or a CSV whose
    /// columns other than the label are the pixels of square images
    /// (row-major); --positive then lists the classes that are 1 (e.g.
    /// 0,2,4; default: the odd ones), and the test split is stratified.
    #[arg(long, value_delimiter = ',', value_name = "FILTERS")]
    pub conv: Vec<usize>,
    /// Hidden layer sizes, e.g. 16,16 [default: none, logistic regression].
    #[arg(long, value_delimiter = ',', value_name = "UNITS")]
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers (Keras names: sigmoid, relu, tanh,
    /// hard_sigmoid, silu, softplus, linear).
    #[arg(long, default_value = "sigmoid", value_parser = parse_activation)]
    pub activation: Activation,
    /// Accuracy tier of every layer's activation kernel: exact, default
    /// (≤ 1 ULP) or fast (≤ 4 ULP). Saved with the model.
    #[arg(long, default_value = "default", value_parser = parse_accuracy)]
    pub accuracy: sigmoid::Accuracy,
    /// Passes over the training data (sgd and adam).
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// Rows per step of sgd and adam (the last partial batch is kept).
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// The optimizer.
    #[arg(long, value_enum, default_value_t = OptimizerKind::Sgd)]
    pub optimizer: OptimizerKind,
    /// Learning rate of sgd and adam [default: 0.1 for sgd, 0.001 for adam].
    #[arg(long, allow_negative_numbers = true)]
    pub lr: Option<f32>,
    /// Hold out this fraction of the training rows (the last ones) for validation.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub validation_split: f64,
    /// Seed of the weights, the shuffling and a random test split.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
    /// Train in file order instead of shuffling each epoch.
    #[arg(long)]
    pub no_shuffle: bool,
    /// lbfgs: stop when every component of the gradient of the mean loss is at most
    /// this (scikit-learn's tol) [default: 1e-4].
    #[arg(long, value_name = "TOL", allow_negative_numbers = true)]
    pub tol: Option<f64>,
    /// lbfgs: the most iterations [default: 100].
    #[arg(long, value_name = "N")]
    pub max_iter: Option<usize>,
    /// lbfgs: L2 penalty on the weights (not the biases), adding l2/2 · Σ w² to the mean
    /// loss. scikit-learn's LogisticRegression(C=c) on n training rows is --l2 1/(c·n)
    /// [default: 1/n, as scikit-learn's default C=1; 0 for no penalty].
    #[arg(long, value_name = "L2", allow_negative_numbers = true)]
    pub l2: Option<f64>,
    /// Threads for training and evaluation [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Read the --data file in blocks every epoch instead of loading it, for files larger
    /// than memory: memory stays within --memory-limit (default 256M) whatever the file's
    /// size. Rows are shuffled within a buffer of a quarter of the limit; the test rows are
    /// --test FILE, or about --test-fraction of the rows chosen by a hash of the row number.
    /// Needs numbers only, with a 0/1 label column.
    #[arg(long)]
    pub stream: bool,
    /// Stream (see --stream) when the data would take more memory than this in memory,
    /// e.g. 256M or 4G; with --stream, the memory to keep to.
    #[arg(long, value_name = "SIZE", value_parser = stream::parse_size)]
    pub memory_limit: Option<u64>,
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
    /// Stochastic gradient descent on mini-batches (Keras' SGD).
    Sgd,
    /// Adam on mini-batches.
    Adam,
    /// Full-batch L-BFGS until --tol: logistic regression and small networks.
    Lbfgs,
}

fn parse_activation(s: &str) -> Result<Activation, String> {
    s.parse().map_err(|e: sigmoid::Error| e.to_string())
}

impl OptimizerKind {
    fn name(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Lbfgs => "lbfgs",
        }
    }

    /// The optimizer and its learning rate (the option's, or the default).
    fn build(self, lr: Option<f32>) -> (Optimizer, f32) {
        match self {
            OptimizerKind::Sgd => {
                let lr = lr.unwrap_or(0.1);
                (Sgd::new(lr).into(), lr)
            }
            OptimizerKind::Adam => {
                let lr = lr.unwrap_or(0.001);
                (Adam::new(lr).into(), lr)
            }
            // Compiled for completeness; L-BFGS does not use it.
            OptimizerKind::Lbfgs => (Sgd::default().into(), 0.0),
        }
    }
}

/// Checks what can be checked before reading any data.
fn check_options(args: &Args) -> Result<()> {
    if args.hidden.contains(&0) {
        bail!("--hidden: every layer needs at least one unit");
    }
    if args.conv.contains(&0) {
        bail!("--conv: every convolution needs at least one filter");
    }
    if args.epochs == 0 {
        bail!("--epochs must be at least 1");
    }
    if let Some(lr) = args.lr
        && !(lr > 0.0 && lr.is_finite())
    {
        bail!("--lr: the learning rate must be a positive number, not {lr}");
    }
    if args.threads == Some(0) {
        bail!("--threads must be at least 1");
    }
    lbfgs::check_options(args)?;
    if let Some(path) = &args.save {
        output::check_writable("--save", path)?;
    }
    Ok(())
}

/// The network: the --conv layers (for images), the hidden layers, then one
/// sigmoid output.
fn build_model(args: &Args, input_shape: &[usize]) -> Result<(Sequential, f32)> {
    let mut model = Sequential::with_input_shape(input_shape, args.seed)?;
    if !args.conv.is_empty() {
        for layer in images::conv_layers(args) {
            model.try_add(layer).context("--conv")?;
        }
    }
    for &units in &args.hidden {
        model.add(
            Dense::new(units)
                .activation(args.activation)
                .accuracy(args.accuracy),
        );
    }
    model.add(
        Dense::new(1)
            .activation(Activation::Sigmoid)
            .accuracy(args.accuracy),
    );
    let (optimizer, lr) = args.optimizer.build(args.lr);
    model
        .compile(optimizer, Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .context("--lr")?;
    Ok((model, lr))
}

/// Warnings about the training data and the run: a single class, and a
/// training loss that ended worse than always predicting the class
/// frequencies (what a diverging run does).
fn warnings(class_counts: [usize; 2], labels: &Labels, history: &History, lr: f32) -> Vec<String> {
    let mut out = Vec::new();
    let [zeros, ones] = class_counts;
    if zeros == 0 || ones == 0 {
        let only = if zeros == 0 {
            &labels.positive
        } else {
            &labels.negative
        };
        out.push(format!(
            "every training label is {only:?}: the model can only learn to predict that class"
        ));
        return out;
    }
    let p = ones as f64 / (zeros + ones) as f64;
    let baseline = -(p * p.ln() + (1.0 - p) * (1.0 - p).ln());
    if let Some(&last) = history.loss.last()
        && (last > baseline || last.is_nan())
    {
        out.push(format!(
            "training diverged: the final training loss {last:.4} is worse than always \
             predicting the class frequencies ({baseline:.4}); try a smaller --lr (now {lr})"
        ));
    }
    out
}

/// The number of test rows per (actual, predicted) class, at threshold 0.5.
fn confusion(p: &ndarray::Array2<f32>, targets: &ndarray::Array2<f32>) -> [[usize; 2]; 2] {
    let mut confusion = [[0_usize; 2]; 2];
    for (&prob, &label) in p.iter().zip(targets) {
        confusion[usize::from(label > 0.5)][usize::from(prob > 0.5)] += 1;
    }
    confusion
}

pub fn run(args: &Args) -> Result<()> {
    check_options(args)?;
    // Training and evaluation split rows over rayon's current pool.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("--threads: could not start the threads")?;
    pool.install(|| train(args))
}

fn train(args: &Args) -> Result<()> {
    if stream::wanted(args)? {
        return stream::run(args);
    }
    let load_start = std::time::Instant::now();
    let (loaded, image_shape) = if images::wanted(args) {
        let images = images::load(args)?;
        (images.loaded, Some(images.shape))
    } else {
        (data::load(args)?, None)
    };
    let data::Loaded {
        mut train,
        mut test,
        source,
        split,
    } = loaded;
    // In place: training holds one copy of the matrix.
    let scaler = if image_shape.is_some() {
        images::scaler(&train)
    } else {
        Standardizer::fit(&train.features)
    };
    scaler.transform_inplace(&mut train.features);
    scaler.transform_inplace(&mut test.features);
    let (x_train, x_test) = (&train.features, &test.features);
    let load_ms = load_start.elapsed().as_secs_f64() * 1e3;
    // Images are images to a CNN; an MLP sees their pixels as features.
    let input_shape = match image_shape {
        Some(shape) if !args.conv.is_empty() => Vec::from(shape),
        _ => vec![train.n_features()],
    };
    let (mut model, lr) = build_model(args, &input_shape)?;
    let data_info = DataInfo {
        source,
        target: train.target_names[0].clone(),
        labels: (&train.labels).into(),
        features: train.n_features(),
        train_rows: train.len(),
        test_rows: test.len(),
        split,
        load_ms,
    };
    let model_info = model_info(args, &model, lr);
    if !args.json {
        report::write_header(
            &mut io::stdout().lock(),
            &data_info,
            &model_info,
            train.n_features(),
        )?;
        if image_shape.is_some() {
            print!("{}", model.summary());
        }
    }

    let (history, lbfgs) = if args.optimizer == OptimizerKind::Lbfgs {
        let (history, info) = lbfgs::train(&mut model, x_train, &train.targets, args)?;
        (history, Some(info))
    } else {
        let mut options = FitOptions::new()
            .epochs(args.epochs)
            .batch_size(args.batch_size)
            .shuffle(!args.no_shuffle)
            .validation_split(args.validation_split)
            .seed(args.seed);
        if !args.json {
            options = options.callback(progress::Progress::new(io::stdout().is_terminal()));
        }
        (model.fit(x_train, &train.targets, options)?, None)
    };
    let mut warnings = warnings(train.class_counts(), &train.labels, &history, lr);
    warnings.extend(lbfgs.as_ref().and_then(lbfgs::LbfgsInfo::warning));
    let test_metrics = model.evaluate(x_test, &test.targets)?;
    let confusion_matrix = confusion(&model.predict(x_test)?, &test.targets);
    finish(
        args,
        data_info,
        model_info,
        Finished {
            model,
            scaler,
            features: train.feature_names.clone(),
            target: train.target_names[0].clone(),
            labels: train.labels.clone(),
            history,
            lbfgs,
            warnings,
            test: test_metrics,
            test_rows: test.len(),
            confusion: confusion_matrix,
        },
    )
}

/// The model info of the report.
fn model_info(args: &Args, model: &Sequential, lr: f32) -> ModelInfo {
    ModelInfo {
        layers: model
            .layers()
            .iter()
            .map(sigmoid_nn::Layer::describe)
            .collect(),
        parameters: model.param_count(),
        optimizer: args.optimizer.name().into(),
        learning_rate: lr,
        epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.seed,
    }
}

/// What a run has at its end, in memory or streamed.
struct Finished {
    model: Sequential,
    scaler: Standardizer,
    features: Vec<String>,
    target: String,
    labels: Labels,
    history: History,
    lbfgs: Option<lbfgs::LbfgsInfo>,
    warnings: Vec<String>,
    test: sigmoid_nn::Evaluation,
    test_rows: usize,
    confusion: [[usize; 2]; 2],
}

/// Prints the warnings, saves the model if asked, and writes the report.
fn finish(args: &Args, data_info: DataInfo, model_info: ModelInfo, run: Finished) -> Result<()> {
    for w in &run.warnings {
        eprintln!("warning: {w}");
    }
    let saved = match &args.save {
        Some(path) => {
            let file = SavedModel {
                model: run.model,
                scaler: Some(run.scaler),
                features: Some(run.features),
                target: Some(run.target),
                labels: run.labels,
            };
            file.save(path)?;
            Some(path.display().to_string())
        }
        None => None,
    };
    let times = &run.history.epoch_seconds;
    let total: f64 = times.iter().sum();
    let confusion_matrix = run.confusion;
    let report = Report {
        data: data_info,
        model: model_info,
        test: TestMetrics {
            loss: run.test.loss,
            accuracy: run.test.accuracy,
            correct: confusion_matrix[0][0] + confusion_matrix[1][1],
            rows: run.test_rows,
            confusion_matrix,
        },
        epoch_ms: EpochTimes {
            median: median(times) * 1e3,
            mean: total / times.len().max(1) as f64 * 1e3,
            total: total * 1e3,
        },
        history: run.history,
        lbfgs: run.lbfgs,
        saved,
        warnings: run.warnings,
    };
    let mut out = io::stdout().lock();
    if args.json {
        // Written as text so that a closed pipe is an io::Error (not an error).
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        report.write_text(&mut out)?;
    }
    out.flush()?;
    Ok(())
}

fn parse_accuracy(text: &str) -> Result<sigmoid::Accuracy, String> {
    text.parse().map_err(|e: sigmoid::Error| e.to_string())
}
