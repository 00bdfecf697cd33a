//! Saving and loading models: the weights as safetensors, the architecture as
//! JSON in the same file's metadata. Writes are atomic.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::Path;

use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};

use crate::{Dense, NnError, Sequential};

/// The metadata key holding the architecture JSON.
pub const ARCHITECTURE_KEY: &str = "sigmoid_nn.architecture";
const FORMAT: &str = "sigmoid-nn";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Architecture {
    format: String,
    version: u32,
    input_dim: usize,
    seed: u64,
    layers: Vec<LayerSpec>,
}

#[derive(Serialize, Deserialize)]
struct LayerSpec {
    class_name: String,
    units: usize,
    activation: String,
}

fn tensor_names(index: usize) -> (String, String) {
    (
        format!("layers.{index}.kernel"),
        format!("layers.{index}.bias"),
    )
}

fn to_bytes<'a>(values: impl Iterator<Item = &'a f32>) -> Vec<u8> {
    values.flat_map(|v| v.to_le_bytes()).collect()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over `path`.
///
/// # Errors
/// [`NnError::Io`] naming `path`; `path` is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), NnError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sigmoid-nn-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| NnError::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| NnError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| NnError::io(path, e))?;
    tmp.persist(path).map_err(|e| NnError::io(path, e.error))?;
    Ok(())
}

impl Sequential {
    /// Saves the model to `path` (safetensors; the architecture in the metadata).
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Io`] if the file cannot be written
    /// (an existing file is then left as it was).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), NnError> {
        self.save_with_metadata(path, &BTreeMap::new())
    }

    /// [`save`](Sequential::save) with extra string metadata (such as
    /// standardisation statistics), returned by
    /// [`load_with_metadata`](Sequential::load_with_metadata).
    ///
    /// # Errors
    /// As [`save`](Sequential::save); [`NnError::InvalidArgument`] if a key is
    /// the reserved [`ARCHITECTURE_KEY`].
    pub fn save_with_metadata(
        &self,
        path: impl AsRef<Path>,
        metadata: &BTreeMap<String, String>,
    ) -> Result<(), NnError> {
        let path = path.as_ref();
        if self.layers().is_empty() {
            return Err(NnError::NoLayers);
        }
        if metadata.contains_key(ARCHITECTURE_KEY) {
            return Err(NnError::InvalidArgument(format!(
                "the metadata key {ARCHITECTURE_KEY:?} is reserved"
            )));
        }
        let arch = Architecture {
            format: FORMAT.into(),
            version: VERSION,
            input_dim: self.input_dim(),
            seed: self.seed(),
            layers: self
                .layers()
                .iter()
                .map(|l| LayerSpec {
                    class_name: "Dense".into(),
                    units: l.units(),
                    activation: l.activation_fn().name().into(),
                })
                .collect(),
        };
        let mut meta: HashMap<String, String> = metadata.clone().into_iter().collect();
        meta.insert(
            ARCHITECTURE_KEY.into(),
            serde_json::to_string(&arch).expect("serialisable"),
        );
        let buffers: Vec<(String, Vec<usize>, Vec<u8>)> = self
            .layers()
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                let (k, b) = tensor_names(i);
                [
                    (
                        k,
                        vec![l.kernel().nrows(), l.units()],
                        to_bytes(l.kernel().iter()),
                    ),
                    (b, vec![l.units()], to_bytes(l.bias().iter())),
                ]
            })
            .collect();
        let views = buffers
            .iter()
            .map(|(name, shape, data)| {
                TensorView::new(Dtype::F32, shape.clone(), data).map(|v| (name.clone(), v))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| NnError::model_file(path, format!("cannot encode the weights: {e}")))?;
        let bytes = safetensors::serialize(views, Some(meta))
            .map_err(|e| NnError::model_file(path, format!("cannot encode the weights: {e}")))?;
        write_atomic(path, &bytes)
    }

    /// Loads a model saved by [`save`](Sequential::save). The optimizer is
    /// not saved: compile again to continue training.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::ModelFile`] if it
    /// is not a safetensors file, is truncated, lacks the architecture, or its
    /// tensors' names, shapes or dtypes do not match it.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, NnError> {
        Self::load_with_metadata(path).map(|(m, _)| m)
    }

    /// [`load`](Sequential::load), also returning the extra metadata given to
    /// [`save_with_metadata`](Sequential::save_with_metadata).
    ///
    /// # Errors
    /// As [`load`](Sequential::load).
    pub fn load_with_metadata(
        path: impl AsRef<Path>,
    ) -> Result<(Self, BTreeMap<String, String>), NnError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| NnError::io(path, e))?;
        Self::from_safetensors_bytes(&bytes).map_err(|message| NnError::model_file(path, message))
    }

    fn from_safetensors_bytes(bytes: &[u8]) -> Result<(Self, BTreeMap<String, String>), String> {
        if bytes.is_empty() {
            return Err("the model file is empty".into());
        }
        let corrupt = |e: safetensors::SafeTensorError| {
            format!("not a valid model file (corrupt or truncated safetensors: {e})")
        };
        let (_, header) = SafeTensors::read_metadata(bytes).map_err(corrupt)?;
        let tensors = SafeTensors::deserialize(bytes).map_err(corrupt)?;
        let mut metadata: BTreeMap<String, String> = header
            .metadata()
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let arch_json = metadata.remove(ARCHITECTURE_KEY).ok_or_else(|| {
            format!("no {ARCHITECTURE_KEY:?} in the metadata: not a sigmoid-nn model")
        })?;
        let arch: Architecture = serde_json::from_str(&arch_json)
            .map_err(|e| format!("the architecture metadata is not valid: {e}"))?;
        if arch.format != FORMAT || arch.version != VERSION {
            return Err(format!(
                "unsupported model format {:?} version {} (expected {FORMAT:?} version {VERSION})",
                arch.format, arch.version
            ));
        }
        if arch.input_dim == 0 || arch.layers.is_empty() {
            return Err("the architecture has no inputs or no layers".into());
        }
        let expected_count = 2 * arch.layers.len();
        if tensors.len() != expected_count {
            let mut names = tensors.names();
            names.sort();
            return Err(format!(
                "expected {expected_count} tensors for {} layers, found {}: {names:?}",
                arch.layers.len(),
                tensors.len()
            ));
        }
        let mut model = Sequential::with_seed(arch.input_dim, arch.seed);
        let mut inputs = arch.input_dim;
        for (i, spec) in arch.layers.iter().enumerate() {
            if spec.class_name != "Dense" {
                return Err(format!(
                    "layer {i}: unsupported layer type {:?}",
                    spec.class_name
                ));
            }
            if spec.units == 0 {
                return Err(format!("layer {i}: zero units"));
            }
            let activation = spec
                .activation
                .parse()
                .map_err(|e| format!("layer {i}: {e}"))?;
            let (kname, bname) = tensor_names(i);
            let kernel = read_f32(&tensors, &kname, &[inputs, spec.units])?;
            let bias = read_f32(&tensors, &bname, &[spec.units])?;
            let kernel = Array2::from_shape_vec((inputs, spec.units), kernel)
                .map_err(|e| format!("{kname}: {e}"))?;
            let mut layer = Dense::new(spec.units).activation(activation);
            layer
                .set_weights(kernel, Array1::from_vec(bias))
                .map_err(|e| format!("layer {i}: {e}"))?;
            model.add(layer);
            inputs = spec.units;
        }
        Ok((model, metadata))
    }
}

fn read_f32(tensors: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let view = tensors
        .tensor(name)
        .map_err(|_| format!("missing tensor {name:?}"))?;
    if view.dtype() != Dtype::F32 {
        return Err(format!(
            "tensor {name:?} has dtype {:?}, expected F32",
            view.dtype()
        ));
    }
    if view.shape() != shape {
        return Err(format!(
            "tensor {name:?} has shape {:?}, expected {shape:?}",
            view.shape()
        ));
    }
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!("tensor {name:?} contains NaN or infinite values"));
    }
    Ok(values)
}
