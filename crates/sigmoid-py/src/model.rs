//! `Model`: a binary classifier network (`sigmoid_nn::Sequential` ending in
//! one sigmoid unit) for `sigmoid.sklearn.SigmoidClassifier` to drive.
//!
//! Training and prediction run with the GIL released. The Python side
//! validates inputs (scikit-learn's `validate_data`); the checks here keep a
//! bad call from ever reaching a panic.

use ndarray::Axis;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sigmoid_nn::{
    Activation, Adam, Dense, FitOptions, Lbfgs, Loss, NnError, Optimizer, Sequential, Sgd,
};

fn value_error(e: NnError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A binary classifier network: `Dense(h, activation)` per hidden size, then
/// `Dense(1, sigmoid)`, trained on binary cross-entropy from the logits.
#[pyclass(module = "sigmoid._native")]
pub struct Model {
    inner: Sequential,
}

fn parse_optimizer(name: &str, learning_rate: f32) -> PyResult<Optimizer> {
    match name {
        "sgd" => Ok(Sgd::new(learning_rate).into()),
        "adam" => Ok(Adam::new(learning_rate).into()),
        // Compiled for completeness: `fit_lbfgs` does not use it.
        "lbfgs" => Ok(Sgd::new(learning_rate).into()),
        other => Err(PyValueError::new_err(format!(
            "optimizer must be \"sgd\", \"adam\" or \"lbfgs\", not {other:?}"
        ))),
    }
}

impl Model {
    fn check_columns(&self, ncols: usize) -> PyResult<()> {
        if ncols != self.inner.input_dim() {
            return Err(PyValueError::new_err(format!(
                "X has {ncols} features, but the model was fitted with {}",
                self.inner.input_dim()
            )));
        }
        Ok(())
    }
}

#[pymethods]
impl Model {
    /// A new network with weights drawn from `seed` (glorot-uniform kernels, zero biases).
    #[new]
    #[pyo3(signature = (n_features, hidden_layer_sizes, activation, optimizer, learning_rate, seed))]
    fn new(
        n_features: usize,
        hidden_layer_sizes: Vec<usize>,
        activation: &str,
        optimizer: &str,
        learning_rate: f32,
        seed: u64,
    ) -> PyResult<Self> {
        if n_features == 0 {
            return Err(PyValueError::new_err(
                "the model needs at least one feature",
            ));
        }
        if let Some(i) = hidden_layer_sizes.iter().position(|&h| h == 0) {
            return Err(PyValueError::new_err(format!(
                "hidden_layer_sizes[{i}] is 0; every layer needs at least one unit"
            )));
        }
        let activation: Activation = activation
            .parse()
            .map_err(|e: sigmoid::Error| PyValueError::new_err(format!("activation: {e}")))?;
        let mut inner = Sequential::with_seed(n_features, seed);
        for &units in &hidden_layer_sizes {
            inner.add(Dense::new(units).activation(activation));
        }
        inner.add(Dense::new(1).activation(Activation::Sigmoid));
        inner
            .compile(
                parse_optimizer(optimizer, learning_rate)?,
                Loss::BinaryCrossentropy,
                &[],
            )
            .map_err(value_error)?;
        Ok(Model { inner })
    }

    /// The number of input features.
    #[getter]
    fn n_features(&self) -> usize {
        self.inner.input_dim()
    }

    /// Trains `epochs` passes of mini-batch steps over (`x`, `y`), keeping the
    /// optimizer's state between calls; returns the per-epoch mean loss.
    #[pyo3(signature = (x, y, sample_weight, epochs, batch_size, shuffle_seed))]
    #[allow(clippy::too_many_arguments)] // the Python call's arguments, one each
    fn fit(
        &mut self,
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f32>,
        y: PyReadonlyArray1<'_, f32>,
        sample_weight: Option<PyReadonlyArray1<'_, f32>>,
        epochs: usize,
        batch_size: usize,
        shuffle_seed: u64,
    ) -> PyResult<Vec<f64>> {
        let x = x.as_array();
        self.check_columns(x.ncols())?;
        let y = y.as_array().insert_axis(Axis(1));
        let weights = sample_weight.as_ref().map(|w| w.as_array());
        let inner = &mut self.inner;
        let history = py.detach(|| {
            let mut options = FitOptions::new()
                .epochs(epochs)
                .batch_size(batch_size)
                .seed(shuffle_seed);
            if let Some(w) = weights {
                options = options.sample_weight(w);
            }
            inner.fit(x, y, options)
        });
        Ok(history.map_err(value_error)?.loss)
    }

    /// Full-batch L-BFGS (`sigmoid_nn::Lbfgs`) until every gradient component
    /// is within `tol` or `max_iter` iterations, with the L2 penalty `l2 / 2 ·
    /// Σ kernel²` added to the weighted mean loss; returns (iterations, final
    /// objective, whether a tolerance was met).
    #[pyo3(signature = (x, y, sample_weight, max_iter, tol, l2))]
    #[allow(clippy::too_many_arguments)] // the Python call's arguments, one each
    fn fit_lbfgs(
        &mut self,
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f32>,
        y: PyReadonlyArray1<'_, f32>,
        sample_weight: Option<PyReadonlyArray1<'_, f32>>,
        max_iter: usize,
        tol: f64,
        l2: f64,
    ) -> PyResult<(usize, f64, bool)> {
        let x = x.as_array();
        self.check_columns(x.ncols())?;
        let y = y.as_array().insert_axis(Axis(1));
        let weights = sample_weight.as_ref().map(|w| w.as_array());
        let options = Lbfgs::new().max_iter(max_iter).tol(tol).l2(l2);
        let inner = &mut self.inner;
        let report = py
            .detach(|| inner.fit_lbfgs(x, y, weights, &options))
            .map_err(value_error)?;
        Ok((report.iterations, report.loss, report.converged))
    }

    /// The probability of class 1 for each row.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let x = x.as_array();
        self.check_columns(x.ncols())?;
        let p = py.detach(|| self.inner.predict(x)).map_err(value_error)?;
        Ok(p.remove_axis(Axis(1)).into_pyarray(py))
    }

    /// The logit (the output unit's pre-activation) for each row.
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let x = x.as_array();
        self.check_columns(x.ncols())?;
        let mut traces = py.detach(|| self.inner.forward_trace(x));
        let last = traces.pop().expect("the model has an output layer");
        Ok(last.pre_activation.remove_axis(Axis(1)).into_pyarray(py))
    }

    /// The weights as safetensors bytes (the architecture in the metadata),
    /// the format `sigmoid train` saves.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.inner.to_bytes().map_err(value_error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// A model from [`to_bytes`](Model::to_bytes)' output, compiled with the
    /// given optimizer (optimizer state starts afresh).
    #[staticmethod]
    fn from_bytes(bytes: &[u8], optimizer: &str, learning_rate: f32) -> PyResult<Self> {
        let mut inner = Sequential::from_bytes(bytes).map_err(value_error)?;
        inner
            .compile(
                parse_optimizer(optimizer, learning_rate)?,
                Loss::BinaryCrossentropy,
                &[],
            )
            .map_err(value_error)?;
        Ok(Model { inner })
    }
}
