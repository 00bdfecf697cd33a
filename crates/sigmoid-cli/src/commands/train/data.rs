//! The training and test sets of `sigmoid train`, as its options say.

use anyhow::{Context, Result, anyhow, bail};
use sigmoid_nn::data::{self, CsvText, Dataset, ReadOptions};

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
    let all =
        Dataset::from_text(&CsvText::from_path(path, args.delimiter)?, &options).map_err(hint)?;
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
        let test = Dataset::from_csv_path_with(test_path, &options)?;
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
        .train_test_split(fraction, args.seed)
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
