//! `loss_grad` for a network: the per-partition loss and gradient sums of a
//! `sigmoid_nn::Sequential` (`Dense(h, activation)` per hidden size, then
//! `Dense(1, sigmoid)`) at a flat parameter vector, in float32 as the
//! network computes, summed in float64. The Python wrapper
//! (`sigmoid.loss_grad` with `hidden_layer_sizes`) checks dtypes and shapes.

use ndarray::Axis;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sigmoid_nn::{Activation, Dense, Sequential};

/// Sums of the network's weighted binary cross-entropy and its gradient over
/// the rows of one partition: `(loss_sum, grad_sum, weight_sum)`, the
/// gradient flat in the order of `params` (per layer, the kernel of shape
/// (inputs, units) row by row, then the bias).
#[pyfunction]
#[pyo3(signature = (params, x, y, sample_weight, hidden_layer_sizes, activation))]
pub fn _network_loss_grad<'py>(
    py: Python<'py>,
    params: PyReadonlyArray1<'py, f64>,
    x: PyReadonlyArray2<'py, f32>,
    y: PyReadonlyArray1<'py, f32>,
    sample_weight: Option<PyReadonlyArray1<'py, f32>>,
    hidden_layer_sizes: Vec<usize>,
    activation: &str,
) -> PyResult<(f64, Bound<'py, PyArray1<f64>>, f64)> {
    let err = |message: String| PyValueError::new_err(format!("loss_grad: {message}"));
    let (x, y) = (x.as_array(), y.as_array());
    let (n, d) = x.dim();
    if d == 0 {
        return Err(err("X has no columns (features)".into()));
    }
    if hidden_layer_sizes.contains(&0) {
        return Err(err(format!(
            "hidden_layer_sizes {hidden_layer_sizes:?} has a layer of 0 units"
        )));
    }
    let activation: Activation = activation
        .parse()
        .map_err(|e: sigmoid::Error| err(format!("activation: {e}")))?;
    let mut model = Sequential::with_seed(d, 0);
    for &units in &hidden_layer_sizes {
        model.add(Dense::new(units).activation(activation));
    }
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    let params = params.as_array();
    if params.len() != model.param_count() {
        return Err(err(format!(
            "params has {} values, but a network of {d} features, hidden layers \
             {hidden_layer_sizes:?} and one output has {} (per layer the kernel, \
             inputs x units row by row, then the bias)",
            params.len(),
            model.param_count()
        )));
    }
    if let Some((i, v)) = params.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(err(format!(
            "params[{i}] is {v}; every parameter must be finite"
        )));
    }
    let rounded: Vec<f32> = params.iter().map(|&v| v as f32).collect();
    if let Some((i, v)) = rounded.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(err(format!(
            "params[{i}] is {}, which overflows float32 ({v})",
            params[i]
        )));
    }
    model
        .set_parameters(&rounded)
        .map_err(|e| err(e.to_string()))?;
    if y.len() != n {
        return Err(err(format!("X has {n} rows but y has {} values", y.len())));
    }
    if let Some((i, v)) = y
        .iter()
        .enumerate()
        .find(|(_, v)| !(0.0..=1.0).contains(*v))
    {
        return Err(err(format!("y[{i}] is {v}; labels must be in [0, 1]")));
    }
    let sample_weight = sample_weight.as_ref().map(|w| w.as_array());
    let result = py.detach(|| {
        if let Some(((row, col), v)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
            return Err(format!("X[{row}, {col}] is {v}; X must be finite"));
        }
        let y2 = y.insert_axis(Axis(1));
        model
            .loss_grad(x, y2, sample_weight)
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(lg) => Ok((lg.loss, lg.gradient.into_pyarray(py), lg.weight)),
        Err(message) => Err(err(message)),
    }
}
