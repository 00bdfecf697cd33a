//! The non-elementwise functions: binary cross-entropy from logits, the
//! sigmoid's backward pass, and the per-partition loss/gradient sums of a
//! logistic regression. The Python wrappers in `sigmoid/__init__.py` convert
//! and check their arguments' dtypes and shapes; these take contiguous 1-D
//! (or 2-D) arrays of one float type and release the GIL while computing.

use ndarray::{Array1, ArrayView1, Axis, s};
use numpy::{Element, IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sigmoid::Float;

/// `out[i] = kernel(a[i], b[i])` for two contiguous arrays of equal length.
fn binary<'py, T: Float + Element>(
    py: Python<'py>,
    what: &str,
    a: &PyReadonlyArray1<'py, T>,
    b: &PyReadonlyArray1<'py, T>,
    kernel: fn(&[T], &[T], &mut [T]),
) -> PyResult<Bound<'py, PyArray1<T>>> {
    let (a, b) = (a.as_slice()?, b.as_slice()?);
    if a.len() != b.len() {
        return Err(PyValueError::new_err(format!(
            "{what}: the two arrays have {} and {} elements",
            a.len(),
            b.len()
        )));
    }
    let mut out = vec![T::ZERO; a.len()];
    py.detach(|| kernel(a, b, &mut out));
    Ok(out.into_pyarray(py))
}

/// Elementwise binary cross-entropy from logits (float32).
#[pyfunction]
pub fn _bce_with_logits_f32<'py>(
    py: Python<'py>,
    logits: PyReadonlyArray1<'py, f32>,
    labels: PyReadonlyArray1<'py, f32>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    binary(
        py,
        "bce_with_logits",
        &logits,
        &labels,
        sigmoid::bce_with_logits_slice,
    )
}

/// Elementwise binary cross-entropy from logits (float64).
#[pyfunction]
pub fn _bce_with_logits_f64<'py>(
    py: Python<'py>,
    logits: PyReadonlyArray1<'py, f64>,
    labels: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    binary(
        py,
        "bce_with_logits",
        &logits,
        &labels,
        sigmoid::bce_with_logits_slice,
    )
}

/// `dx = dy · y · (1 − y)` (float32).
#[pyfunction]
pub fn _sigmoid_backward_f32<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    dy: PyReadonlyArray1<'py, f32>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    binary(
        py,
        "sigmoid_backward",
        &y,
        &dy,
        sigmoid::sigmoid_backward_slice,
    )
}

/// `dx = dy · y · (1 − y)` (float64).
#[pyfunction]
pub fn _sigmoid_backward_f64<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f64>,
    dy: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    binary(
        py,
        "sigmoid_backward",
        &y,
        &dy,
        sigmoid::sigmoid_backward_slice,
    )
}

/// The first index whose value fails `ok`, to name it in an error.
fn first_bad(values: ArrayView1<'_, f64>, ok: impl Fn(f64) -> bool) -> Option<(usize, f64)> {
    values.iter().copied().enumerate().find(|&(_, v)| !ok(v))
}

/// Sums of a logistic regression's weighted binary cross-entropy and its
/// gradient over the rows of one partition, in float64.
///
/// `params` is `[w_1 … w_d, b]` (coefficients, then the intercept); row i
/// contributes `sw_i · bce(x_i·w + b, y_i)` to `loss_sum`,
/// `sw_i · (σ(x_i·w + b) − y_i) · [x_i, 1]` to `grad_sum`, and `sw_i` to
/// `weight_sum`. Rows of weight 0 contribute nothing (even with an infinite
/// loss). Sums over partitions add up to the whole data set's sums, so any
/// engine can reduce them; divide by the total `weight_sum` for the mean.
///
/// # Errors
/// `ValueError` naming the argument for mismatched shapes, non-finite
/// `params` or `X`, labels outside [0, 1] or NaN, or weights that are
/// negative or not finite.
#[pyfunction]
#[pyo3(signature = (params, x, y, sample_weight=None))]
pub fn _loss_grad<'py>(
    py: Python<'py>,
    params: PyReadonlyArray1<'py, f64>,
    x: PyReadonlyArray2<'py, f64>,
    y: PyReadonlyArray1<'py, f64>,
    sample_weight: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<(f64, Bound<'py, PyArray1<f64>>, f64)> {
    let (params, x, y) = (params.as_array(), x.as_array(), y.as_array());
    let sample_weight = sample_weight.as_ref().map(|w| w.as_array());
    let (n, d) = x.dim();
    let err = |message: String| Err(PyValueError::new_err(format!("loss_grad: {message}")));
    if params.len() != d + 1 {
        return err(format!(
            "params has {} values but X has {d} features: expected {} (the {d} coefficients, \
             then the intercept)",
            params.len(),
            d + 1
        ));
    }
    if y.len() != n {
        return err(format!("X has {n} rows but y has {} values", y.len()));
    }
    if let Some(w) = sample_weight
        && w.len() != n
    {
        return err(format!(
            "X has {n} rows but sample_weight has {} values",
            w.len()
        ));
    }
    if let Some((i, v)) = first_bad(params, f64::is_finite) {
        return err(format!(
            "params[{i}] is {v}; every parameter must be finite"
        ));
    }
    if let Some((i, v)) = first_bad(y, |v| (0.0..=1.0).contains(&v)) {
        return err(format!("y[{i}] is {v}; labels must be in [0, 1]"));
    }
    if let Some((i, v)) = sample_weight.and_then(|w| first_bad(w, |v| v.is_finite() && v >= 0.0)) {
        return err(format!(
            "sample_weight[{i}] is {v}; weights must be finite and not negative"
        ));
    }
    let result = py.detach(|| {
        if let Some((row, col)) = x
            .indexed_iter()
            .find(|(_, v)| !v.is_finite())
            .map(|(i, _)| i)
        {
            return Err(format!(
                "X[{row}, {col}] is {}; X must be finite",
                x[(row, col)]
            ));
        }
        let (w, b) = (params.slice(s![..d]), params[d]);
        let z: Vec<f64> = (x.dot(&w) + b).to_vec();
        let y = y.to_vec();
        let mut loss = vec![0.0; n];
        sigmoid::bce_with_logits_slice(&z, &y, &mut loss);
        let mut p = vec![0.0; n];
        sigmoid::sigmoid_slice(&z, &mut p);
        let weight = |i: usize| sample_weight.map_or(1.0, |w| w[i]);
        let (mut loss_sum, mut weight_sum) = (0.0, 0.0);
        let mut residual = Array1::<f64>::zeros(n);
        for i in 0..n {
            let sw = weight(i);
            if sw == 0.0 {
                continue;
            }
            loss_sum += sw * loss[i];
            weight_sum += sw;
            residual[i] = sw * (p[i] - y[i]);
        }
        let mut grad = Array1::<f64>::zeros(d + 1);
        grad.slice_mut(s![..d]).assign(&x.t().dot(&residual));
        grad[d] = residual.sum_axis(Axis(0)).into_scalar();
        Ok((loss_sum, grad, weight_sum))
    });
    match result {
        Ok((loss_sum, grad, weight_sum)) => Ok((loss_sum, grad.into_pyarray(py), weight_sum)),
        Err(message) => err(message),
    }
}
