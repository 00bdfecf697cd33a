//! Keras-style neural networks on the `sigmoid` crate: [`Dense`],
//! [`Conv2D`], [`MaxPooling2D`] and [`Flatten`] layers in a [`Sequential`]
//! model, trained on binary cross-entropy with [`Sgd`] or [`Adam`], saved as
//! safetensors.
//!
//! ```
//! use ndarray::array;
//! use sigmoid_nn::{Activation, Dense, FitOptions, Loss, Metric, Sequential, Sgd};
//!
//! // Logistic regression: model.add(Dense(1, activation='sigmoid')).
//! let x = array![[0.0_f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
//! let y = array![[0.0_f32], [1.0], [1.0], [1.0]]; // OR
//! let mut model = Sequential::with_seed(2, 7);
//! model.add(Dense::new(1).activation(Activation::Sigmoid));
//! model.compile(Sgd::new(1.0), Loss::BinaryCrossentropy, &[Metric::Accuracy])?;
//! let history = model.fit(&x, &y, FitOptions::new().epochs(300).batch_size(4))?;
//! assert_eq!(history.accuracy.last(), Some(&1.0));
//! let p = model.predict(&x)?; // probabilities, (4 × 1)
//! assert!(p[[0, 0]] < 0.5 && p[[3, 0]] > 0.5);
//! # Ok::<(), sigmoid_nn::NnError>(())
//! ```
//!
//! A small CNN on the bundled 8×8 digits, odd against even (channels-last
//! images, one row of 64 pixels per image):
//!
//! ```
//! use sigmoid_nn::{Activation, Adam, Conv2D, Dense, FitOptions, Flatten, Loss, MaxPooling2D};
//! use sigmoid_nn::{Metric, Padding, Sequential};
//!
//! let digits = sigmoid_nn::data::digits();
//! let x = digits.pixels.slice(ndarray::s![..300, ..]).mapv(|v| v / 16.0);
//! let odd = digits.binary_targets(&[1.0, 3.0, 5.0, 7.0, 9.0]);
//! let y = odd.slice(ndarray::s![..300, ..]);
//!
//! let mut model = Sequential::with_input_shape(&[8, 8, 1], 42)?;
//! model
//!     .try_add(Conv2D::new(8, (3, 3)).padding(Padding::Same).activation(Activation::Relu))?
//!     .try_add(MaxPooling2D::new((2, 2)))?
//!     .try_add(Flatten::new())?
//!     .try_add(Dense::new(1).activation(Activation::Sigmoid))?;
//! print!("{}", model.summary()); // conv2d (Conv2D) (None, 8, 8, 8) 80, ...
//! model.compile(Adam::new(0.01), Loss::BinaryCrossentropy, &[Metric::Accuracy])?;
//! let history = model.fit(&x, &y, FitOptions::new().epochs(20))?;
//! assert!(history.accuracy.last().unwrap() > &0.9);
//! # Ok::<(), sigmoid_nn::NnError>(())
//! ```
//!
//! # What is here
//! - [`Dense`]`::new(units).activation(a)`: kernel (inputs × units) and bias
//!   (units), Keras' `glorot_uniform`/zeros initialisation, seeded.
//! - [`Conv2D`]`::new(filters, (kh, kw))` with `.strides(..)`,
//!   `.padding(`[`Padding`]`::Same)`, `.activation(..)`: channels-last
//!   input, Keras' `[kh, kw, in, out]` kernel, `glorot_uniform`/zeros;
//!   computed as one GEMM (ndarray's) through im2col. [`MaxPooling2D`]
//!   (strides default to the pool size, `valid` padding) and [`Flatten`]
//!   (channels-last order). [`Padding`] states Keras' rule for `same`.
//! - [`Layer`]: any of these, with the kernel/bias interface all share.
//! - [`Sequential`]: an input shape (`new(features)` or
//!   `with_input_shape(&[h, w, c], seed)`), `try_add`/`add` (checking that
//!   each layer fits), `compile`, `fit` (returning a [`History`]),
//!   `evaluate`, `predict`, `summary`, `save`/`load`; and, for analysis,
//!   `forward_trace` (every layer's pre-activation and output) and
//!   `gradients` (every layer's parameter gradients on a batch).
//! - [`Sequential::parameters`]/[`Sequential::set_parameters`]: every weight
//!   as one flat vector; [`Sequential::loss_grad`]: the loss and its gradient
//!   as sums over rows ([`LossGrad`]), which engines add over partitions;
//!   [`Sequential::fit_lbfgs`] with [`Lbfgs`]: full-batch L-BFGS to a
//!   tolerance, scikit-learn's solver for logistic regression and small
//!   networks.
//! - Threads: `loss_grad` and L-BFGS split rows into fixed blocks over
//!   rayon's current pool and add the blocks' sums in block order, so their
//!   results do not depend on the thread count; `fit` gathers shuffled
//!   batches of large data on a helper thread (same batches, same result).
//! - [`Sequential::fit_batches`] over [`Batch`]es from any iterator (a file
//!   streamed by [`data::CsvStream`]).
//! - Several sigmoid outputs with binary cross-entropy are multi-label
//!   classification: `y` is then (rows × outputs) of 0/1.
//! - [`callbacks`]: hooks into training, and [`EarlyStopping`].
//! - [`data`]: CSV data sets with precise errors (read in parallel blocks),
//!   files larger than memory ([`data::CsvStream`]), standardisation, and the
//!   bundled breast-cancer and 8×8 digits data.
//!
//! # Where things are
//! One concept a file: `model.rs` ([`Sequential`]), `layer.rs` ([`Dense`]),
//! `conv2d.rs`, `max_pooling2d.rs`, `flatten.rs`, `layer_kind.rs`
//! ([`Layer`]), `padding.rs` ([`Padding`] and window geometry), `im2col.rs`,
//! `init.rs` (glorot_uniform),
//! `fit.rs` (the training loop and [`FitOptions`]), `batches.rs` and
//! `batch_step.rs` (its mini-batches and their gradient), `fit_batches.rs`
//! ([`Batch`]), `epoch.rs` (the step and epoch end both loops share),
//! `params.rs`, `loss_grad.rs`, `row_blocks.rs` (work split over threads),
//! `lbfgs.rs`, `backprop.rs`
//! (gradients), `loss.rs` ([`Loss`]), `metrics.rs` ([`Metric`],
//! [`Evaluation`]), `history.rs` ([`History`]), `callbacks.rs`,
//! `optimizer.rs`, `io.rs` (the model file), `data/` (CSV and the bundled
//! data, whose files are in the crate's own `data/` folder).
//!
//! # The model file
//! [`Sequential::save`] writes a [safetensors](https://huggingface.co/docs/safetensors)
//! file, readable by the `safetensors` packages of Python (numpy, PyTorch, …):
//! - tensors `layers.{i}.kernel`, f32, shape **`[inputs, units]`**, and
//!   `layers.{i}.bias`, f32, shape `[units]`, for layer i = 0, 1, …; a
//!   layer computes `activation(x @ kernel + bias)` with x of shape
//!   `[rows, inputs]`. This is Keras' layout; PyTorch's `nn.Linear.weight`
//!   is `[units, inputs]`, so it takes `kernel.T` (a square kernel loaded
//!   without the transpose gives wrong predictions and no error).
//! - a [`Conv2D`] layer's `layers.{i}.kernel` has Keras' shape **`[kh, kw,
//!   in, filters]`** (row-major; index `[ky, kx, c, f]` weighs input channel
//!   c at window offset (ky, kx) for filter f) and `layers.{i}.bias` shape
//!   `[filters]`; inputs are channels-last `[rows, height, width,
//!   channels]`, flattened row-major into each row of `x`. PyTorch's
//!   `nn.Conv2d.weight` is `[out, in, kh, kw]`: it takes
//!   `kernel.permute(3, 2, 0, 1)`.
//!   [`MaxPooling2D`] and [`Flatten`] have no tensors; `i` counts every
//!   layer, so their numbers are skipped.
//! - metadata key [`ARCHITECTURE_KEY`] (`sigmoid_nn.architecture`): JSON
//!   `{"format": "sigmoid-nn", "version": 1, "input_dim": n, "seed": s,
//!   "layers": [{"class_name": "Dense", "units": u, "activation": "sigmoid"}, …]}`,
//!   activations by their Keras names (`linear`, `sigmoid`, `relu`, `tanh`,
//!   `hard_sigmoid`, `silu`, `softplus`). Image models add `"input_shape":
//!   [h, w, c]` (and `input_dim` = h·w·c); their layers are
//!   `{"class_name": "Conv2D", "filters", "kernel_size": [kh, kw], "strides",
//!   "padding": "valid" | "same", "activation", "accuracy"}`,
//!   `{"class_name": "MaxPooling2D", "pool_size", "strides", "padding"}` and
//!   `{"class_name": "Flatten"}`.
//! - any other metadata given to [`Sequential::save_with_metadata`]. The
//!   `sigmoid train` command adds `sigmoid.standardizer`
//!   (`{"mean": [...], "std": [...]}`: see [`data::Standardizer`]; the std
//!   is the population one, divided by n, and 1 for a constant column; apply
//!   `(x − mean) / std` before the first layer), `sigmoid.features` (the
//!   feature names in input order, JSON), `sigmoid.target` and
//!   `sigmoid.labels` (`{"negative": …, "positive": …}`, the label values
//!   that were 0 and 1).
//!
//! The README's "The model file" section has a Python snippet, run by the
//! `sigmoid-cli` test `model_file`, that reproduces `sigmoid predict` with
//! numpy.
//!
//! # Exactness
//! The loss after a sigmoid output layer is computed from the logits (as
//! Keras does) with [`sigmoid::bce_with_logits_mean`]; every activation and
//! its backward pass uses the `sigmoid` crate's slice kernels. A replay of a
//! Keras logistic regression matches its weights, history and predictions
//! to about 1e-6 relative (see the `keras_parity` test).

#![warn(missing_docs)]

mod backprop;
mod batch_step;
mod batches;
pub mod callbacks;
mod conv2d;
pub mod data;
mod epoch;
mod error;
mod fit;
mod fit_batches;
mod flatten;
mod history;
mod im2col;
mod init;
mod io;
mod layer;
mod layer_kind;
mod lbfgs;
mod loss;
mod loss_grad;
mod max_pooling2d;
mod metrics;
mod model;
mod optimizer;
mod padding;
mod params;
mod row_blocks;

pub use callbacks::{BatchLogs, Callback, EarlyStopping, EpochLogs, Monitor, TrainBegin};
pub use conv2d::Conv2D;
pub use error::NnError;
pub use fit::FitOptions;
pub use fit_batches::Batch;
pub use flatten::Flatten;
pub use history::History;
pub use io::{ARCHITECTURE_KEY, write_atomic};
pub use layer::{Dense, LayerGradient, LayerTrace};
pub use layer_kind::Layer;
pub use lbfgs::{Lbfgs, LbfgsReport, LbfgsStop};
pub use loss::{EPSILON, Loss};
pub use loss_grad::LossGrad;
pub use max_pooling2d::MaxPooling2D;
pub use metrics::{Evaluation, Metric};
pub use model::{DEFAULT_SEED, Sequential};
pub use ndarray;
pub use optimizer::{Adam, Optimizer, Sgd};
pub use padding::Padding;
pub use sigmoid::{Accuracy, Activation};
