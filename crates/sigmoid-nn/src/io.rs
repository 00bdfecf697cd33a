//! Saving and loading models: the weights as safetensors, the architecture as
//! JSON in the same file's metadata.
//!
//! [`Sequential::to_bytes`] and [`Sequential::from_bytes`] encode and decode
//! a model in memory; [`Sequential::save`] and [`Sequential::load`] do the
//! same through a file, written atomically by [`write_atomic`].
//!
//! Model bytes are untrusted input: [`Sequential::from_bytes`] returns an
//! error, never panics, whatever the bytes (the `fuzz/` crate's
//! `model_bytes` target checks this).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write as _;
use std::path::Path;

use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::{Conv2D, Dense, Flatten, Layer, MaxPooling2D, NnError, Padding, Sequential};

/// The metadata key holding the architecture JSON.
pub const ARCHITECTURE_KEY: &str = "sigmoid_nn.architecture";
const FORMAT: &str = "sigmoid-nn";
const VERSION: u32 = 1;
/// What errors from [`Sequential::from_bytes`] and [`Sequential::to_bytes`]
/// name instead of a file.
const BYTES_SOURCE: &str = "model bytes";
/// The size of the little-endian u64 header length that starts a safetensors file.
const HEADER_LEN_SIZE: usize = 8;

#[derive(Serialize, Deserialize)]
struct Architecture {
    format: String,
    version: u32,
    input_dim: usize,
    /// `[height, width, channels]` for image models; absent for flat input
    /// (`[input_dim]`), so that Dense-only files are as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    input_shape: Option<Vec<usize>>,
    seed: u64,
    layers: Vec<LayerSpec>,
}

/// One layer in Keras' words. `Dense`: units, activation; `Conv2D`: filters,
/// kernel_size, strides, padding, activation; `MaxPooling2D`: pool_size,
/// strides, padding; `Flatten`: nothing else.
#[derive(Serialize, Deserialize, Default)]
struct LayerSpec {
    class_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    units: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    filters: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kernel_size: Option<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pool_size: Option<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    strides: Option<[usize; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    padding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    activation: Option<String>,
    /// The activation's accuracy tier (`exact`, `default`, `fast`); files
    /// written before tiers existed have none and load as `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    accuracy: Option<String>,
}

impl LayerSpec {
    fn of(layer: &Layer) -> Self {
        let pair = |(a, b): (usize, usize)| Some([a, b]);
        let base = LayerSpec {
            class_name: layer.class_name().into(),
            ..LayerSpec::default()
        };
        match layer {
            Layer::Dense(d) => LayerSpec {
                units: Some(d.units()),
                activation: Some(d.activation_fn().name().into()),
                accuracy: Some(d.accuracy_tier().name().into()),
                ..base
            },
            Layer::Conv2D(c) => LayerSpec {
                filters: Some(c.filters()),
                kernel_size: pair(c.kernel_size()),
                strides: pair(c.stride_size()),
                padding: Some(c.padding_mode().name().into()),
                activation: Some(c.activation_fn().name().into()),
                accuracy: Some(c.accuracy_tier().name().into()),
                ..base
            },
            Layer::MaxPooling2D(p) => LayerSpec {
                pool_size: pair(p.pool_size()),
                strides: pair(p.stride_size()),
                padding: Some(p.padding_mode().name().into()),
                ..base
            },
            Layer::Flatten(_) => base,
        }
    }

    /// The layer this spec describes, without weights, or what is wrong.
    fn layer(&self) -> Result<Layer, String> {
        let positive = |name: &str, v: Option<usize>| match v {
            Some(n) if n > 0 => Ok(n),
            Some(_) => Err(format!("{name} is 0")),
            None => Err(format!("no {name}")),
        };
        let pair = |name: &str, v: Option<[usize; 2]>| match v {
            Some([a, b]) if a > 0 && b > 0 => Ok((a, b)),
            Some(p) => Err(format!("{name} {p:?} has a 0")),
            None => Err(format!("no {name}")),
        };
        let activation: sigmoid::Activation = match &self.activation {
            Some(a) => a.parse().map_err(|e: sigmoid::Error| e.to_string())?,
            None => sigmoid::Activation::Linear,
        };
        let accuracy: sigmoid::Accuracy = self
            .accuracy
            .as_deref()
            .unwrap_or(sigmoid::Accuracy::Default.name())
            .parse()
            .map_err(|e: sigmoid::Error| e.to_string())?;
        let padding: Padding = match &self.padding {
            Some(p) => p.parse().map_err(|e: NnError| e.to_string())?,
            None => Padding::Valid,
        };
        Ok(match self.class_name.as_str() {
            "Dense" => Dense::new(positive("units", self.units)?)
                .activation(activation)
                .accuracy(accuracy)
                .into(),
            "Conv2D" => {
                let mut c = Conv2D::new(
                    positive("filters", self.filters)?,
                    pair("kernel_size", self.kernel_size)?,
                )
                .padding(padding)
                .activation(activation)
                .accuracy(accuracy);
                if self.strides.is_some() {
                    c = c.strides(pair("strides", self.strides)?);
                }
                c.into()
            }
            "MaxPooling2D" => {
                let mut p = MaxPooling2D::new(pair("pool_size", self.pool_size)?).padding(padding);
                if self.strides.is_some() {
                    p = p.strides(pair("strides", self.strides)?);
                }
                p.into()
            }
            "Flatten" => Flatten::new().into(),
            other => return Err(format!("unsupported layer type {other:?}")),
        })
    }
}

fn tensor_names(index: usize) -> (String, String) {
    (
        format!("layers.{index}.kernel"),
        format!("layers.{index}.bias"),
    )
}

fn le_bytes<'a>(values: impl Iterator<Item = &'a f32>) -> Vec<u8> {
    values.flat_map(|v| v.to_le_bytes()).collect()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over `path`. The file gets the
/// mode the umask gives a new file (`0o666 & !umask` on Unix), like
/// `File::create`, not the temporary file's private `0o600`.
///
/// # Errors
/// [`NnError::Io`] naming `path`; `path` is then untouched.
///
/// # Examples
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.txt");
/// sigmoid_nn::write_atomic(&path, b"hello\n")?;
/// assert_eq!(std::fs::read(&path)?, b"hello\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), NnError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sigmoid-nn-").suffix(".tmp");
    // The kernel applies the umask to the mode given at creation, exactly as
    // for File::create; the rename then keeps that mode.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| NnError::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| NnError::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| NnError::io(path, e))?;
    tmp.persist(path).map_err(|e| NnError::io(path, e.error))?;
    Ok(())
}

fn model_error(source: &str, message: impl Into<String>) -> NnError {
    NnError::ModelFile {
        path: source.to_string(),
        message: message.into(),
    }
}

impl Sequential {
    /// Encodes the model as the bytes of a model file (safetensors, the
    /// architecture in the metadata): what [`save`](Sequential::save) writes.
    ///
    /// # Errors
    /// [`NnError::NoLayers`] if the model has no layers.
    ///
    /// # Examples
    /// ```
    /// use sigmoid_nn::{Activation, Dense, Sequential};
    ///
    /// let mut model = Sequential::with_seed(3, 7);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// let bytes = model.to_bytes()?;
    /// let back = Sequential::from_bytes(&bytes)?;
    /// assert_eq!(back.layers()[0].kernel(), model.layers()[0].kernel());
    /// # Ok::<(), sigmoid_nn::NnError>(())
    /// ```
    pub fn to_bytes(&self) -> Result<Vec<u8>, NnError> {
        self.to_bytes_with_metadata(&BTreeMap::new())
    }

    /// [`to_bytes`](Sequential::to_bytes) with extra string metadata (such as
    /// standardisation statistics), returned by
    /// [`from_bytes_with_metadata`](Sequential::from_bytes_with_metadata).
    ///
    /// # Errors
    /// As [`to_bytes`](Sequential::to_bytes); [`NnError::InvalidArgument`] if
    /// a key is the reserved [`ARCHITECTURE_KEY`].
    pub fn to_bytes_with_metadata(
        &self,
        metadata: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, NnError> {
        self.encode(metadata, BYTES_SOURCE)
    }

    /// Decodes a model from the bytes of a model file, such as those of
    /// [`to_bytes`](Sequential::to_bytes). The optimizer is not saved:
    /// compile again to continue training.
    ///
    /// Any bytes are safe to pass: a malformed input is an error, never a
    /// panic.
    ///
    /// # Errors
    /// [`NnError::ModelFile`] (naming "model bytes") if the bytes are not a
    /// safetensors file, are truncated, lack the architecture, or their
    /// tensors' names, shapes or dtypes do not match it.
    ///
    /// # Examples
    /// ```
    /// use sigmoid_nn::Sequential;
    ///
    /// let e = Sequential::from_bytes(b"not a model").unwrap_err();
    /// assert!(e.to_string().starts_with("model bytes: not a valid model file"));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NnError> {
        Self::from_bytes_with_metadata(bytes).map(|(m, _)| m)
    }

    /// [`from_bytes`](Sequential::from_bytes), also returning the extra
    /// metadata given to
    /// [`to_bytes_with_metadata`](Sequential::to_bytes_with_metadata).
    ///
    /// # Errors
    /// As [`from_bytes`](Sequential::from_bytes).
    pub fn from_bytes_with_metadata(
        bytes: &[u8],
    ) -> Result<(Self, BTreeMap<String, String>), NnError> {
        Self::decode(bytes).map_err(|message| model_error(BYTES_SOURCE, message))
    }

    /// Saves the model to `path` (safetensors; the architecture in the
    /// metadata): the bytes of [`to_bytes`](Sequential::to_bytes), written
    /// whole or not at all by [`write_atomic`].
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
        let bytes = self.encode(metadata, &path.display().to_string())?;
        write_atomic(path, &bytes)
    }

    /// Loads a model saved by [`save`](Sequential::save): the file's bytes
    /// through [`from_bytes`](Sequential::from_bytes). The optimizer is not
    /// saved: compile again to continue training.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::ModelFile`]
    /// naming `path` if it is not a safetensors file, is truncated, lacks the
    /// architecture, or its tensors' names, shapes or dtypes do not match it.
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
        Self::decode(&bytes).map_err(|message| NnError::model_file(path, message))
    }

    /// The model file's bytes; `source` names the destination in errors.
    fn encode(
        &self,
        metadata: &BTreeMap<String, String>,
        source: &str,
    ) -> Result<Vec<u8>, NnError> {
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
            input_shape: (self.input_shape().len() > 1).then(|| self.input_shape().to_vec()),
            seed: self.seed(),
            layers: self.layers().iter().map(LayerSpec::of).collect(),
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
            .filter(|(_, l)| l.has_weights())
            .flat_map(|(i, l)| {
                let (k, b) = tensor_names(i);
                [
                    (k, kernel_file_shape(l), le_bytes(l.kernel().iter())),
                    (b, vec![l.bias().len()], le_bytes(l.bias().iter())),
                ]
            })
            .collect();
        let cannot_encode = |e: safetensors::SafeTensorError| {
            model_error(source, format!("cannot encode the weights: {e}"))
        };
        let views = buffers
            .iter()
            .map(|(name, shape, data)| {
                TensorView::new(Dtype::F32, shape.clone(), data).map(|v| (name.clone(), v))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(cannot_encode)?;
        safetensors::serialize(views, Some(meta)).map_err(cannot_encode)
    }

    /// The model and extra metadata in a model file's bytes, or what is wrong
    /// with them (the caller adds the source's name).
    fn decode(bytes: &[u8]) -> Result<(Self, BTreeMap<String, String>), String> {
        if bytes.is_empty() {
            return Err("the model file is empty".into());
        }
        check_safetensors_bounds(bytes)?;
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
        let mut model = match &arch.input_shape {
            None => Sequential::with_seed(arch.input_dim, arch.seed),
            Some(shape) => {
                let model = Sequential::with_input_shape(shape, arch.seed)
                    .map_err(|e| format!("the architecture's {e}"))?;
                if model.input_dim() != arch.input_dim {
                    return Err(format!(
                        "the input shape {shape:?} does not have input_dim {} values",
                        arch.input_dim
                    ));
                }
                model
            }
        };
        let mut expected_names = Vec::new();
        for (i, spec) in arch.layers.iter().enumerate() {
            // The sizes in the architecture are untrusted: check them against
            // the tensors (whose sizes the file bounds) before allocating.
            let (kname, bname) = tensor_names(i);
            if let Some(n) = spec.units.or(spec.filters)
                && n > bytes.len() / 4
            {
                return Err(format!(
                    "layer {i}: {n} units or filters, more than the file's {} bytes can hold",
                    bytes.len()
                ));
            }
            let layer = spec.layer().map_err(|e| format!("layer {i}: {e}"))?;
            let input = model.output_shape();
            match (&layer, input.as_slice()) {
                (Layer::Dense(d), &[inputs]) => {
                    expect_shape(&tensors, &kname, &[inputs, d.units()])?;
                }
                (Layer::Conv2D(c), &[_, _, channels]) => {
                    let (kh, kw) = c.kernel_size();
                    expect_shape(&tensors, &kname, &[kh, kw, channels, c.filters()])?;
                }
                _ => {}
            }
            model.try_add(layer).map_err(|e| e.to_string())?;
            let layer = model.layers_mut().last_mut().expect("just added");
            if !layer.has_weights() {
                continue;
            }
            let kernel = read_f32(&tensors, &kname, &kernel_file_shape(layer))?;
            let bias = read_f32(&tensors, &bname, &[layer.bias().len()])?;
            let kernel = Array2::from_shape_vec(layer.kernel().raw_dim(), kernel)
                .map_err(|e| format!("{kname}: {e}"))?;
            layer
                .set_weights(kernel, Array1::from_vec(bias))
                .map_err(|e| format!("layer {i}: {e}"))?;
            expected_names.extend([kname, bname]);
        }
        if tensors.len() != expected_names.len() {
            let mut names = tensors.names();
            names.sort();
            return Err(format!(
                "expected {} tensors for {} layers, found {}: {names:?}",
                expected_names.len(),
                arch.layers.len(),
                tensors.len()
            ));
        }
        Ok((model, metadata))
    }
}

/// A kernel's shape in the file: Dense `[inputs, units]`; Conv2D Keras'
/// `[kh, kw, in, filters]` (the same row-major memory as the layer's
/// (kh·kw·in × filters) matrix).
fn kernel_file_shape(layer: &Layer) -> Vec<usize> {
    match layer {
        Layer::Conv2D(c) => c.kernel_4d().shape().to_vec(),
        other => other.kernel().shape().to_vec(),
    }
}

/// Checks that tensor `name` exists, is F32 and has `shape`.
fn expect_shape(tensors: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<(), String> {
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
    Ok(())
}

fn read_f32(tensors: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    expect_shape(tensors, name, shape)?;
    let view = tensors
        .tensor(name)
        .map_err(|_| format!("missing tensor {name:?}"))?;
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

/// Checks, with checked arithmetic, that a safetensors buffer's header length
/// and every tensor's `data_offsets` lie within the buffer, before the buffer
/// reaches `safetensors`.
///
/// `safetensors` 0.8 adds `buffer_end + N_LEN + n` unchecked in
/// `SafeTensors::read_metadata` (its `tensor.rs`), after checking only that
/// the offsets are contiguous and match the shapes: a header of tensors of
/// shape `[2^61 − 1]` makes that sum overflow, a panic in debug builds and a
/// wrapped sum in release builds (issue 14). Once every offset is within the
/// buffer, the sum is at most the buffer's length. This guard can go when
/// upstream checks that sum.
fn check_safetensors_bounds(bytes: &[u8]) -> Result<(), String> {
    let invalid = |why: String| format!("not a valid model file (corrupt or truncated: {why})");
    let Some(len_bytes) = bytes.first_chunk::<HEADER_LEN_SIZE>() else {
        return Err(invalid(format!(
            "{} bytes, too short for the 8-byte header length",
            bytes.len()
        )));
    };
    let header_len = u64::from_le_bytes(*len_bytes);
    let after_len = bytes.len() - HEADER_LEN_SIZE;
    let header_len = match usize::try_from(header_len) {
        Ok(n) if n <= after_len => n,
        _ => {
            return Err(invalid(format!(
                "the header length {header_len} exceeds the {after_len} bytes that follow it"
            )));
        }
    };
    let (header, data) = bytes[HEADER_LEN_SIZE..].split_at(header_len);
    let header = std::str::from_utf8(header)
        .map_err(|e| invalid(format!("the header is not UTF-8: {e}")))?;
    let offsets: TensorOffsets = serde_json::from_str(header)
        .map_err(|e| invalid(format!("the header is not valid: {e}")))?;
    let data_len = data.len() as u64;
    for (name, [start, end]) in offsets.0 {
        if start > data_len || end > data_len {
            return Err(invalid(format!(
                "tensor {:?} has data_offsets [{start}, {end}] beyond the {data_len} bytes of data",
                shorten(&name)
            )));
        }
    }
    Ok(())
}

/// At most 40 characters of `text`, so that an error message stays short.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Every tensor's name and `data_offsets` in a safetensors header, in file
/// order and duplicates included (a map would keep only one of a duplicated
/// name, and `safetensors` may read another).
struct TensorOffsets(Vec<(String, [u64; 2])>);

/// The one field of a tensor's header entry that the bounds check needs.
#[derive(Deserialize)]
struct OffsetsOnly {
    data_offsets: [u64; 2],
}

impl<'de> Deserialize<'de> for TensorOffsets {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = TensorOffsets;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of tensors")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if name == "__metadata__" {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        let info: OffsetsOnly = map.next_value()?;
                        entries.push((name, info.data_offsets));
                    }
                }
                Ok(TensorOffsets(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Activation;

    /// The 846-byte file of issue 14, built as its Python one-liner does:
    /// eight `U8` tensors "a"…"h" of shape `[2^61 − 1]` with contiguous
    /// `data_offsets` and no data, after a compact JSON header.
    fn overflowing_file() -> Vec<u8> {
        let s: u64 = (1 << 61) - 1;
        let entries: Vec<String> = (0..8)
            .map(|i| {
                let name = char::from(b'a' + i as u8);
                format!(
                    r#""{name}":{{"dtype":"U8","shape":[{s}],"data_offsets":[{},{}]}}"#,
                    i * s,
                    (i + 1) * s
                )
            })
            .collect();
        let header = format!("{{{}}}", entries.join(","));
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        bytes
    }

    #[test]
    fn overflowing_offsets_are_an_error_not_a_panic() {
        let bytes = overflowing_file();
        assert_eq!(bytes.len(), 846);
        let e = Sequential::from_bytes(&bytes).unwrap_err().to_string();
        assert!(
            e.starts_with("model bytes: not a valid model file")
                && e.contains("\"a\"")
                && e.contains("beyond the 0 bytes of data"),
            "{e}"
        );
        assert_eq!(e.lines().count(), 1, "{e}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("overflow.safetensors");
        std::fs::write(&path, &bytes).unwrap();
        let e = Sequential::load(&path).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: not a valid model file", path.display())),
            "{e}"
        );
    }

    #[test]
    fn header_length_beyond_the_buffer_is_an_error() {
        for bytes in [
            &b"\x01"[..],
            &u64::MAX.to_le_bytes()[..],
            b"\x10\x00\x00\x00\x00\x00\x00\x00{}",
        ] {
            let e = Sequential::from_bytes(bytes).unwrap_err().to_string();
            assert!(e.contains("not a valid model file"), "{e}");
        }
        // A name too long to quote whole is shortened.
        let long = "x".repeat(1000);
        let header = format!(r#"{{"{long}":{{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}}}"#);
        let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(header.as_bytes());
        let e = Sequential::from_bytes(&bytes).unwrap_err().to_string();
        assert!(
            e.contains(&format!("\"{}…\"", "x".repeat(40))) && e.len() < 200,
            "{e}"
        );
    }

    #[test]
    fn bytes_round_trip_with_metadata() {
        let mut model = Sequential::with_seed(3, 11);
        model.add(Dense::new(4).activation(Activation::Tanh));
        model.add(Dense::new(2).activation(Activation::Sigmoid));
        let meta = BTreeMap::from([("note".to_string(), "hi".to_string())]);
        let bytes = model.to_bytes_with_metadata(&meta).unwrap();
        let (back, meta_back) = Sequential::from_bytes_with_metadata(&bytes).unwrap();
        assert_eq!(meta_back, meta);
        assert_eq!((back.input_dim(), back.seed()), (3, 11));
        for (a, b) in back.layers().iter().zip(model.layers()) {
            assert_eq!((a.kernel(), a.bias()), (b.kernel(), b.bias()));
            assert_eq!(a.activation_fn(), b.activation_fn());
        }
        assert!(matches!(
            Sequential::with_seed(2, 0).to_bytes(),
            Err(NnError::NoLayers)
        ));
    }

    /// A file with the given architecture JSON and (name, shape, values) tensors.
    fn file(arch: &str, tensors: &[(&str, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
        let buffers: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
            .iter()
            .map(|(n, s, v)| (n.to_string(), s.clone(), le_bytes(v.iter())))
            .collect();
        let views: Vec<(String, TensorView<'_>)> = buffers
            .iter()
            .map(|(n, s, d)| {
                (
                    n.clone(),
                    TensorView::new(Dtype::F32, s.clone(), d).unwrap(),
                )
            })
            .collect();
        let meta = HashMap::from([(ARCHITECTURE_KEY.to_string(), arch.to_string())]);
        safetensors::serialize(views, Some(meta)).unwrap()
    }

    /// Sizes in the architecture are checked against the tensors before
    /// anything is allocated: huge ones are errors, not aborts.
    #[test]
    fn huge_sizes_in_the_architecture_are_errors() {
        let head = r#"{"format":"sigmoid-nn","version":1,"seed":0,"#;
        let huge = 1_u64 << 60;
        let cases = [
            (
                format!(
                    r#"{head}"input_dim":2,"layers":[{{"class_name":"Dense","units":{huge}}}]}}"#
                ),
                vec![("layers.0.bias", vec![1], vec![0.0])],
                "layer 0: 1152921504606846976 units or filters, more than the file's",
            ),
            (
                format!(
                    r#"{head}"input_dim":16,"input_shape":[4,4,1],"layers":[{{"class_name":"Conv2D","filters":1,"kernel_size":[{huge},{huge}],"padding":"same"}}]}}"#
                ),
                vec![
                    ("layers.0.bias", vec![1], vec![0.0]),
                    ("layers.0.kernel", vec![1, 1, 1, 1], vec![0.5]),
                ],
                "\"layers.0.kernel\" has shape [1, 1, 1, 1], expected",
            ),
            (
                format!(
                    r#"{head}"input_dim":16,"input_shape":[4,4,1],"layers":[{{"class_name":"MaxPooling2D","pool_size":[{huge},3],"padding":"same"}},{{"class_name":"Flatten"}},{{"class_name":"Dense","units":1}}]}}"#
                ),
                vec![
                    ("layers.2.bias", vec![1], vec![0.0]),
                    ("layers.2.kernel", vec![3, 1], vec![0.5; 3]),
                ],
                "",
            ),
            (
                format!(
                    r#"{head}"input_dim":16,"input_shape":[{huge},{huge},16],"layers":[{{"class_name":"Flatten"}}]}}"#
                ),
                vec![],
                "input shape",
            ),
        ];
        for (arch, tensors, needle) in cases {
            match Sequential::from_bytes(&file(&arch, &tensors)) {
                Err(e) => assert!(e.to_string().contains(needle), "{e}"),
                // A same-padded pool larger than its input is valid (Keras
                // allows it) and costs only the input's size.
                Ok(model) => {
                    assert!(needle.is_empty(), "{arch}");
                    let p = model.predict(&Array2::<f32>::ones((1, 16))).unwrap();
                    assert_eq!(p.dim(), (1, 1));
                }
            }
        }
    }

    /// The saved file has the mode `File::create` gives a new file in the
    /// same directory under the same umask, not the temporary file's 0o600.
    #[cfg(unix)]
    #[test]
    fn written_files_get_the_umask_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh");
        std::fs::File::create(&fresh).unwrap();
        let expected = mode(&fresh);
        assert_ne!(
            expected, 0o600,
            "the test needs a umask that lets others read"
        );

        let path = dir.path().join("m.safetensors");
        let mut model = Sequential::with_seed(2, 1);
        model.add(Dense::new(1));
        model.save(&path).unwrap();
        assert_eq!(mode(&path), expected);
        // Overwriting also gives the new-file mode.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"x").unwrap();
        assert_eq!(mode(&path), expected);
    }
}
