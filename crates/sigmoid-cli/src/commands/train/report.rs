//! What `sigmoid train` reports: the data, the model, the test metrics, the
//! time per epoch and warnings; as text or as JSON.

use std::io::{self, Write};

use serde::Serialize;
use sigmoid_nn::History;
use sigmoid_nn::data::Labels;

use super::progress::format_ms;

#[derive(Serialize)]
pub struct Report {
    pub data: DataInfo,
    pub model: ModelInfo,
    pub test: TestMetrics,
    pub epoch_ms: EpochTimes,
    pub history: History,
    /// What `--optimizer lbfgs` did (absent for sgd and adam).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lbfgs: Option<super::lbfgs::LbfgsInfo>,
    pub saved: Option<String>,
    /// Problems worth knowing that did not stop the run.
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
pub struct DataInfo {
    pub source: String,
    pub target: String,
    /// The label values that became 0 and 1.
    pub labels: LabelInfo,
    pub features: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub split: String,
    /// Reading, splitting and standardising the data, in ms.
    pub load_ms: f64,
}

#[derive(Serialize)]
pub struct LabelInfo {
    pub negative: String,
    pub positive: String,
}

impl From<&Labels> for LabelInfo {
    fn from(l: &Labels) -> Self {
        LabelInfo {
            negative: l.negative.clone(),
            positive: l.positive.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct ModelInfo {
    pub layers: Vec<String>,
    pub parameters: usize,
    pub optimizer: String,
    pub learning_rate: f32,
    pub epochs: usize,
    pub batch_size: usize,
    pub seed: u64,
}

#[derive(Serialize)]
pub struct TestMetrics {
    pub loss: f64,
    pub accuracy: f64,
    pub correct: usize,
    pub rows: usize,
    /// [[true 0 → predicted 0, true 0 → predicted 1], [true 1 → 0, true 1 → 1]].
    pub confusion_matrix: [[usize; 2]; 2],
}

#[derive(Serialize)]
pub struct EpochTimes {
    pub median: f64,
    pub mean: f64,
    pub total: f64,
}

/// The header lines printed before training.
pub fn write_header(
    out: &mut impl Write,
    data: &DataInfo,
    model: &ModelInfo,
    inputs: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "Data: {}: {} training rows, {} test rows ({}), {} features, target {:?}",
        data.source, data.train_rows, data.test_rows, data.split, data.features, data.target
    )?;
    if data.load_ms >= 500.0 {
        writeln!(out, "Read in {}", format_ms(data.load_ms / 1e3))?;
    }
    if data.labels.negative != "0" || data.labels.positive != "1" {
        writeln!(
            out,
            "Labels: {:?} → 0, {:?} → 1",
            data.labels.negative, data.labels.positive
        )?;
    }
    if model.optimizer == "lbfgs" {
        return writeln!(
            out,
            "Model: {inputs} → {}; {} parameters; lbfgs (full batch), seed {}",
            model.layers.join(" → "),
            model.parameters,
            model.seed
        );
    }
    writeln!(
        out,
        "Model: {inputs} → {}; {} parameters; {} lr {}, batch {}, {} epochs, seed {}",
        model.layers.join(" → "),
        model.parameters,
        model.optimizer,
        model.learning_rate,
        model.batch_size,
        model.epochs,
        model.seed
    )
}

impl Report {
    /// The results after training, as text.
    pub fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        if let Some(stopped) = self.history.stopped_epoch {
            writeln!(out, "Stopped early at epoch {stopped}")?;
        }
        let t = &self.test;
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
        let e = &self.epoch_ms;
        if let Some(lbfgs) = &self.lbfgs {
            writeln!(out, "{}", lbfgs.summary())?;
        } else {
            writeln!(
                out,
                "Time per epoch: median {}, mean {} ({} epochs, {} in all)",
                format_ms(e.median / 1e3),
                format_ms(e.mean / 1e3),
                self.history.loss.len(),
                format_ms(e.total / 1e3)
            )?;
        }
        if let Some(path) = &self.saved {
            writeln!(out, "Saved the model to {path}")?;
        }
        Ok(())
    }
}
