//! The training and test sets of `sigmoid train`, as its options say.

use anyhow::{Context, Result, anyhow, bail};
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sigmoid_nn::data::{self, Dataset, ReadOptions};

use super::Args;

const BUNDLED_NAME: &str = "breast_cancer.csv (bundled)";

/// The data a run trains and tests on, and how it was split.
pub struct Loaded {
    pub train: Dataset,
    pub test: Dataset,
    /// The file (or the bundled data's name).
    pub source: String,
    /// How the test set was chosen, in words.
    pub split: String,
}

/// Loads the training and test sets as the options say.
///
/// # Errors
/// The file's errors (one line, naming file, row, line and column); a
/// missing or non-binary label column gets a hint about `--target`.
pub fn load(args: &Args) -> Result<Loaded> {
    let options = ReadOptions {
        delimiter: args.delimiter,
        target: args.target.clone(),
        positive: args.positive.clone(),
    };
    let hint = |e: sigmoid_nn::NnError| {
        let text = e.to_string();
        if args.target.is_none() && (text.contains("label") || text.contains("target")) {
            anyhow!("{text}; the label column is the last one unless --target NAME says otherwise")
        } else {
            e.into()
        }
    };
    let Some(path) = &args.data else {
        let defaults = args.test.is_none()
            && args.test_fraction.is_none()
            && args.target.is_none()
            && args.positive.is_none();
        if defaults {
            let (train, test) = data::breast_cancer_split();
            return Ok(Loaded {
                train,
                test,
                source: BUNDLED_NAME.into(),
                split: "the Keras reference's 20% test rows".into(),
            });
        }
        let all = Dataset::from_csv_bytes_with(
            data::BREAST_CANCER_CSV.as_bytes(),
            BUNDLED_NAME,
            &options,
        )
        .map_err(hint)?;
        return split(all, args, BUNDLED_NAME.into());
    };
    let source = path.display().to_string();
    let all = read_with_progress(path, &options).map_err(hint)?;
    split(all, args, source)
}

fn split(all: Dataset, args: &Args, source: String) -> Result<Loaded> {
    if let Some(test_path) = &args.test {
        let options = ReadOptions {
            delimiter: args.delimiter,
            target: Some(all.target_names[0].clone()),
            // The training set's mapping, when its labels were not 0/1.
            positive: all
                .labels
                .were_mapped()
                .then(|| all.labels.positive.clone()),
        };
        let test = read_with_progress(test_path, &options)?;
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
        return Ok(Loaded {
            train: all,
            test,
            source,
            split,
        });
    }
    let fraction = args.test_fraction.unwrap_or(0.2);
    let (train, test) = all
        .into_train_test_split(fraction, args.seed)
        .context("--test-fraction")?;
    Ok(Loaded {
        train,
        test,
        source,
        split: format!("random {fraction} (seed {})", args.seed),
    })
}

fn first_difference(a: &[String], b: &[String]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!(
            "; column {} is {}, expected {}",
            i + 1,
            data::quote(&a[i]),
            data::quote(&b[i])
        ),
        None => String::new(),
    }
}

/// Files at least this large show a progress bar while they load (on a terminal).
const PROGRESS_BYTES: u64 = 32 << 20;

/// Reads a data file, with a progress bar on stderr for a large one.
fn read_with_progress(path: &Path, options: &ReadOptions) -> Result<Dataset, sigmoid_nn::NnError> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size < PROGRESS_BYTES || !std::io::stderr().is_terminal() {
        return Dataset::from_csv_path_with(path, options);
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "loading {msg} {bar:30} {binary_bytes}/{binary_total_bytes} {elapsed}",
        )
        .expect("a valid template"),
    );
    bar.set_message(path.display().to_string());
    let result = Dataset::from_csv_path_with_progress(path, options, &mut |done, _| {
        bar.set_position(done);
    });
    bar.finish_and_clear();
    result
}
