//! `sigmoid predict`: the probabilities a model saved by `sigmoid train`
//! gives for each row of a CSV file.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};
use sigmoid_nn::Sequential;
use sigmoid_nn::data::{Standardizer, Table};

use super::train::{META_FEATURES, META_STANDARDIZER, META_TARGET};

/// Write one probability per row of a CSV file, from a saved model.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  sigmoid train --save model.safetensors\n  sigmoid predict --model model.safetensors --data rows.csv --out probabilities.csv"
)]
pub struct Args {
    /// A model saved by `sigmoid train --save`.
    #[arg(long, value_name = "FILE.safetensors")]
    pub model: PathBuf,
    /// CSV file with a header row and the model's feature columns (a target column is ignored).
    #[arg(long, value_name = "FILE.csv")]
    pub data: PathBuf,
    /// Write the probabilities here (CSV with a header) instead of stdout.
    #[arg(long, value_name = "FILE.csv")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    let (model, meta) = Sequential::load_with_metadata(&args.model)?;
    let model_name = args.model.display();
    let scaler = match meta.get(META_STANDARDIZER) {
        Some(json) => {
            Some(Standardizer::from_json(json).map_err(|e| anyhow::anyhow!("{model_name}: {e}"))?)
        }
        None => None,
    };
    let features: Option<Vec<String>> = match meta.get(META_FEATURES) {
        Some(json) => Some(
            serde_json::from_str(json)
                .map_err(|e| anyhow::anyhow!("{model_name}: bad feature list: {e}"))?,
        ),
        None => None,
    };
    if scaler
        .as_ref()
        .is_some_and(|s| s.mean.len() != model.input_dim())
        || features
            .as_ref()
            .is_some_and(|f| f.len() != model.input_dim())
    {
        bail!(
            "{model_name}: the saved statistics do not match the model's {} inputs",
            model.input_dim()
        );
    }

    let mut table = Table::from_csv_path(&args.data)?;
    if let Some(target) = meta.get(META_TARGET) {
        table.take_column(target);
    }
    let data_name = args.data.display();
    if table.columns.len() != model.input_dim() {
        bail!(
            "{data_name}: {} feature columns, but the model {model_name} takes {}",
            table.columns.len(),
            model.input_dim()
        );
    }
    let mismatch = features.as_ref().and_then(|f| {
        table
            .columns
            .iter()
            .zip(f)
            .position(|(a, b)| a != b)
            .map(|i| (i, f))
    });
    if let Some((i, features)) = mismatch {
        bail!(
            "{data_name}: column {} is {:?}, but the model {model_name} expects {:?} there",
            i + 1,
            table.columns[i],
            features[i]
        );
    }
    let x = match &scaler {
        Some(s) => s.transform(&table.values),
        None => table.values.clone(),
    };
    let p = model.predict(&x)?;

    let mut text = String::new();
    if p.ncols() == 1 {
        text.push_str("probability\n");
    } else {
        let names: Vec<String> = (0..p.ncols()).map(|i| format!("probability_{i}")).collect();
        text.push_str(&names.join(","));
        text.push('\n');
    }
    for row in p.rows() {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        let _ = writeln!(text, "{}", cells.join(","));
    }
    match &args.out {
        Some(path) => sigmoid_nn::write_atomic(path, text.as_bytes())?,
        None => io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}
