//! `sigmoid._native`, the extension module of the Python package `sigmoid`.
//!
//! * [`family`]: the elementwise functions as true NumPy ufuncs (`expit`,
//!   `log_expit`, `logit`, `softplus`, `sigmoid_derivative`, `tanh`), built by
//!   [`ufunc`] over the crate's slice kernels.
//! * [`functions`]: binary cross-entropy from logits, the backward pass, and
//!   `loss_grad` (per-partition sums for distributed L-BFGS).
//! * [`model`]: the network behind `sigmoid.sklearn.SigmoidClassifier`.
//!
//! The Python package (`python/sigmoid`) re-exports these with argument
//! checks and docstrings; see its README.

mod family;
mod fp_flags;
mod functions;
mod model;
mod network;
pub mod ufunc;

use pyo3::prelude::*;

/// The number of elements from which a ufunc call on contiguous data is
/// split over threads (one per core); below it, one thread.
#[pyfunction]
fn get_parallel_threshold() -> usize {
    ufunc::parallel_threshold()
}

/// Sets the threading threshold of the ufuncs; `None` restores the default.
/// A huge value (`sys.maxsize`) keeps every call on one thread.
#[pyfunction]
#[pyo3(signature = (elements))]
fn set_parallel_threshold(elements: Option<usize>) {
    ufunc::set_parallel_threshold(elements.unwrap_or(ufunc::DEFAULT_PARALLEL_THRESHOLD));
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    family::add_default(m)?;
    for (name, add) in [
        (
            "fast",
            family::add_fast as fn(&Bound<'_, PyModule>) -> PyResult<()>,
        ),
        ("exact", family::add_exact),
    ] {
        let tier = PyModule::new(m.py(), name)?;
        add(&tier)?;
        m.add_submodule(&tier)?;
    }
    m.add_function(wrap_pyfunction!(functions::_bce_with_logits_f32, m)?)?;
    m.add_function(wrap_pyfunction!(functions::_bce_with_logits_f64, m)?)?;
    m.add_function(wrap_pyfunction!(functions::_sigmoid_backward_f32, m)?)?;
    m.add_function(wrap_pyfunction!(functions::_sigmoid_backward_f64, m)?)?;
    m.add_function(wrap_pyfunction!(functions::_loss_grad, m)?)?;
    m.add_function(wrap_pyfunction!(network::_network_loss_grad, m)?)?;
    m.add_class::<model::Model>()?;
    m.add_function(wrap_pyfunction!(get_parallel_threshold, m)?)?;
    m.add_function(wrap_pyfunction!(set_parallel_threshold, m)?)?;
    m.add("isa", sigmoid::isa())?;
    Ok(())
}
