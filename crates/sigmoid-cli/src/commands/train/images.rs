//! Image data for `sigmoid train`: the bundled 8×8 digits (`--data digits`)
//! or a CSV file of square images (`--conv` with `--data FILE.csv`), a binary
//! task from the classes (`--positive`, default odd against even), a
//! stratified test split, pixels scaled to [0, 1]; and the CNN of `--conv`.

use anyhow::{Context, Result, bail};
use ndarray::Array1;
use sigmoid_nn::data::{self, CsvText, ImageSet, Standardizer};
use sigmoid_nn::{Conv2D, Layer, MaxPooling2D, Padding};

use super::Args;
use super::data::Loaded;

/// The `--data` value that names the bundled digits.
pub const DIGITS: &str = "digits";
const DIGITS_NAME: &str = "digits.csv (bundled)";

/// Whether the run reads images: `--data digits` (when no file of that name
/// exists) or `--conv`.
pub fn wanted(args: &Args) -> bool {
    !args.conv.is_empty() || is_bundled_digits(args)
}

fn is_bundled_digits(args: &Args) -> bool {
    args.data
        .as_ref()
        .is_some_and(|p| p.as_os_str() == DIGITS && !p.exists())
}

/// The images, their shape and the training and test sets.
pub struct LoadedImages {
    pub loaded: Loaded,
    /// The input shape, [side, side, 1].
    pub shape: [usize; 3],
}

/// Reads the images, makes the binary task and splits it.
///
/// # Errors
/// The file's errors (a pixel count that is not a square among them); a
/// `--positive` list that is not numbers, or names no class of the data;
/// `--test FILE` (not supported for images); a bad `--test-fraction`.
pub fn load(args: &Args) -> Result<LoadedImages> {
    if args.test.is_some() {
        bail!("--test: a separate test file is not supported for image data; use --test-fraction");
    }
    let (images, source) = if is_bundled_digits(args) {
        (data::digits(), DIGITS_NAME.to_string())
    } else {
        let Some(path) = &args.data else {
            bail!("--conv needs image data: --data digits, or --data FILE.csv with square images");
        };
        let text = CsvText::from_path(path, args.delimiter)?;
        let images = ImageSet::from_text(&text, args.target.as_deref())?;
        (images, path.display().to_string())
    };
    let positive = positive_classes(args, &images)?;
    let all = images.to_dataset(&positive);
    let fraction = args.test_fraction.unwrap_or(0.2);
    let (train, test) =
        data::stratified_split(&all, fraction, args.seed).context("--test-fraction")?;
    Ok(LoadedImages {
        loaded: Loaded {
            train,
            test,
            source,
            split: format!("stratified {fraction} (seed {})", args.seed),
        },
        shape: images.shape(),
    })
}

/// The classes that become 1: `--positive 0,2,4`, or the odd ones.
fn positive_classes(args: &Args, images: &ImageSet) -> Result<Vec<f32>> {
    let classes: Vec<f32> = match &args.positive {
        Some(list) => list
            .split(',')
            .map(|c| {
                c.trim().parse::<f32>().map_err(|_| {
                    anyhow::anyhow!(
                        "--positive: {:?} is not a class number (give a list such as 0,2,4)",
                        c.trim()
                    )
                })
            })
            .collect::<Result<_>>()?,
        None => {
            if let Some(l) = images.labels.iter().find(|l| l.fract() != 0.0) {
                bail!(
                    "the label column {:?} holds {l}, not a whole number: name the positive \
                     classes with --positive",
                    images.label_name
                );
            }
            let mut odd: Vec<f32> = images
                .labels
                .iter()
                .copied()
                .filter(|l| l.rem_euclid(2.0) == 1.0)
                .collect();
            odd.sort_by(f32::total_cmp);
            odd.dedup();
            odd
        }
    };
    for c in &classes {
        if !images.labels.iter().any(|l| l == c) {
            bail!(
                "--positive: no image has the class {c} (column {:?})",
                images.label_name
            );
        }
    }
    Ok(classes)
}

/// Pixels divided by the largest training pixel (16 for the digits), as a
/// [`Standardizer`] (mean 0) so that a saved model applies it as any other.
pub fn scaler(train: &data::Dataset) -> Standardizer {
    let max = train.features.iter().fold(0.0_f32, |m, &v| m.max(v.abs()));
    let max = if max > 0.0 { max } else { 1.0 };
    let n = train.n_features();
    Standardizer {
        mean: Array1::zeros(n),
        std: Array1::from_elem(n, max),
    }
}

/// The layers of `--conv`: per filter count, a 3×3 `same` convolution with
/// the hidden activation and a 2×2 max pool; then a Flatten.
pub fn conv_layers(args: &Args) -> Vec<Layer> {
    let mut layers = Vec::new();
    for &filters in &args.conv {
        layers.push(
            Conv2D::new(filters, (3, 3))
                .padding(Padding::Same)
                .activation(args.activation)
                .accuracy(args.accuracy)
                .into(),
        );
        layers.push(MaxPooling2D::new((2, 2)).into());
    }
    layers.push(sigmoid_nn::Flatten::new().into());
    layers
}
