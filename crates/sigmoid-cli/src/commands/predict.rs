//! `sigmoid predict`: apply a model saved by `sigmoid train --save` to the
//! rows of a CSV file: columns matched by name, the probability and the
//! predicted class of each row, optionally with an id column passed through.

use std::path::PathBuf;

use anyhow::{Result, bail};
use sigmoid_nn::data::{CsvText, Delimiter, quote};

use crate::args::parse_delimiter;
use crate::model_file::SavedModel;
use crate::output;

/// Write the probability and the predicted class of each row of a CSV file.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The file needs the model's feature columns, by name, in any order; other columns \
                  (the target, an id, ...) are ignored. Output: CSV with `probability` and `class` \
                  (the label value that was 1 when probability > --threshold), and the --id column \
                  first if given.\n\nExample:\n  sigmoid train --save model.safetensors\n  \
                  sigmoid predict --model model.safetensors --data rows.csv --id id --out predictions.csv"
)]
pub struct Args {
    /// A model saved by `sigmoid train --save`.
    #[arg(long, value_name = "FILE.safetensors")]
    pub model: PathBuf,
    /// CSV file with a header row and the model's feature columns.
    #[arg(long, value_name = "FILE.csv")]
    pub data: PathBuf,
    /// Write the predictions here (CSV with a header); `-` is stdout.
    #[arg(long, value_name = "FILE.csv", default_value = output::STDOUT)]
    pub out: PathBuf,
    /// Copy this column of --data into the output, first (an id, a name).
    #[arg(long, value_name = "COLUMN")]
    pub id: Option<String>,
    /// A row's class is the positive label when its probability is above this.
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    pub threshold: f32,
    /// Field separator of --data: comma, tab or semicolon [default: detected from the header].
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,
}

/// A float in the shortest notation that reads back as the same f32: plain
/// (`0.25`) or scientific (`1.5e-9`), whichever is shorter.
pub fn shortest(v: f32) -> String {
    let plain = v.to_string();
    let scientific = format!("{v:e}");
    if scientific.len() < plain.len() {
        scientific
    } else {
        plain
    }
}

pub fn run(args: &Args) -> Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!(
            "--threshold must be between 0 and 1, not {}",
            args.threshold
        );
    }
    output::check_writable("--out", &args.out)?;
    let saved = SavedModel::load(&args.model)?;
    let text = CsvText::from_path(&args.data, args.delimiter)?;
    let data_name = args.data.display();
    let id = match &args.id {
        Some(name) => match text.column_index(name) {
            Some(i) => Some(i),
            None => bail!("{data_name}: no column {} for --id", quote(name)),
        },
        None => None,
    };
    let inputs = feature_columns(&saved, &text, id)?;
    let x = text.numbers(&inputs)?;
    let x = match &saved.scaler {
        Some(s) => s.transform(&x),
        None => x,
    };
    let p = saved.model.predict(&x)?;

    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = Vec::new();
    if let Some(name) = &args.id {
        header.push(name.clone());
    }
    if p.ncols() == 1 {
        header.extend(["probability".to_string(), "class".to_string()]);
    } else {
        for k in 0..p.ncols() {
            header.extend([format!("probability_{k}"), format!("class_{k}")]);
        }
    }
    writer.write_record(&header)?;
    let ids: Vec<&str> = match id {
        Some(i) => text.column(i).collect(),
        None => Vec::new(),
    };
    let labels = &saved.labels;
    for (r, row) in p.rows().into_iter().enumerate() {
        let mut record: Vec<String> = ids.get(r).map(|s| s.to_string()).into_iter().collect();
        for &prob in row {
            let class = if prob > args.threshold {
                &labels.positive
            } else {
                &labels.negative
            };
            record.extend([shortest(prob), class.clone()]);
        }
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    output::write(&args.out, &bytes)
}

/// The model's inputs in `text`: found by name when the model knows its
/// feature names; otherwise every column but the target and the id, in order.
fn feature_columns(saved: &SavedModel, text: &CsvText, id: Option<usize>) -> Result<Vec<usize>> {
    let inputs = saved.model.input_dim();
    let source = text.source();
    if let Some(features) = &saved.features {
        let found: Vec<Option<usize>> = features.iter().map(|f| text.column_index(f)).collect();
        let missing: Vec<String> = features
            .iter()
            .zip(&found)
            .filter(|(_, i)| i.is_none())
            .map(|(f, _)| quote(f))
            .collect();
        if !missing.is_empty() {
            let shown = missing
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = missing.len().saturating_sub(5);
            bail!(
                "{source}: missing {} of the model's {inputs} feature columns: {shown}{}",
                missing.len(),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
        }
        return Ok(found.into_iter().flatten().collect());
    }
    let target = saved.target.as_deref().and_then(|t| text.column_index(t));
    let columns: Vec<usize> = (0..text.columns.len())
        .filter(|&i| Some(i) != target && Some(i) != id)
        .collect();
    if columns.len() != inputs {
        bail!(
            "{source}: {} feature columns, but the model takes {inputs}",
            columns.len()
        );
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::shortest;

    #[test]
    fn shortest_notation_reads_back_exactly() {
        assert_eq!(shortest(0.25), "0.25");
        assert_eq!(shortest(1e-30), "1e-30");
        assert_eq!(shortest(0.99999994), "0.99999994");
        assert_eq!(shortest(1.0), "1");
        for v in [1e-30_f32, 3.4e-12, 0.1, 0.5, 0.99999994, 1.0, 1.1754944e-38] {
            let s = shortest(v);
            assert_eq!(s.parse::<f32>().unwrap(), v, "{s}");
            assert!(s.len() <= 15, "{s}");
        }
    }
}
