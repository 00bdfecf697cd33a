//! The model file that `sigmoid train --save` writes and `sigmoid predict`
//! reads: a `sigmoid-nn` safetensors model with, in its metadata, the
//! standardisation statistics, the feature names, the target column and
//! which label value is 1. The format is described in the README
//! ("The model file") and in `sigmoid_nn`'s crate documentation.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use sigmoid_nn::Sequential;
use sigmoid_nn::data::{Labels, Standardizer};

/// The standardiser, `{"mean": [...], "std": [...]}`.
pub const META_STANDARDIZER: &str = "sigmoid.standardizer";
/// The feature names, a JSON array, in the order of the kernel's rows.
pub const META_FEATURES: &str = "sigmoid.features";
/// The target column's name.
pub const META_TARGET: &str = "sigmoid.target";
/// The label values, `{"negative": "...", "positive": "..."}` (0 and 1).
pub const META_LABELS: &str = "sigmoid.labels";

/// A trained model with what `predict` needs to apply it to a CSV file.
pub struct SavedModel {
    /// The network.
    pub model: Sequential,
    /// The standardisation fit on the training rows (absent in models saved
    /// by the library without it).
    pub scaler: Option<Standardizer>,
    /// The feature columns, in the model's input order.
    pub features: Option<Vec<String>>,
    /// The target column's name.
    pub target: Option<String>,
    /// The label values that were 0 and 1.
    pub labels: Labels,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct LabelsJson {
    negative: String,
    positive: String,
}

impl SavedModel {
    /// Writes the model file (whole or not at all).
    ///
    /// # Errors
    /// Those of `Sequential::save_with_metadata`, naming the path.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut meta = BTreeMap::new();
        if let Some(scaler) = &self.scaler {
            meta.insert(META_STANDARDIZER.to_string(), scaler.to_json());
        }
        if let Some(features) = &self.features {
            meta.insert(META_FEATURES.to_string(), serde_json::to_string(features)?);
        }
        if let Some(target) = &self.target {
            meta.insert(META_TARGET.to_string(), target.clone());
        }
        let labels = LabelsJson {
            negative: self.labels.negative.clone(),
            positive: self.labels.positive.clone(),
        };
        meta.insert(META_LABELS.to_string(), serde_json::to_string(&labels)?);
        self.model.save_with_metadata(path, &meta)?;
        Ok(())
    }

    /// Reads a model file and checks that its metadata fit the model.
    ///
    /// # Errors
    /// One line naming the file: unreadable, not a model, or metadata that
    /// are malformed or do not match the model's inputs.
    pub fn load(path: &Path) -> Result<SavedModel> {
        let (model, meta) = Sequential::load_with_metadata(path)?;
        let name = path.display();
        let scaler = meta
            .get(META_STANDARDIZER)
            .map(|json| Standardizer::from_json(json).map_err(|e| anyhow!("{name}: {e}")))
            .transpose()?;
        let features: Option<Vec<String>> = meta
            .get(META_FEATURES)
            .map(|json| {
                serde_json::from_str(json).map_err(|e| anyhow!("{name}: bad feature list: {e}"))
            })
            .transpose()?;
        let labels = match meta.get(META_LABELS) {
            Some(json) => {
                let l: LabelsJson = serde_json::from_str(json)
                    .map_err(|e| anyhow!("{name}: bad label values: {e}"))?;
                Labels {
                    negative: l.negative,
                    positive: l.positive,
                }
            }
            None => Labels::default(),
        };
        let inputs = model.input_dim();
        if scaler.as_ref().is_some_and(|s| s.mean.len() != inputs)
            || features.as_ref().is_some_and(|f| f.len() != inputs)
        {
            bail!("{name}: the saved statistics do not match the model's {inputs} inputs");
        }
        Ok(SavedModel {
            model,
            scaler,
            features,
            target: meta.get(META_TARGET).cloned(),
            labels,
        })
    }
}
