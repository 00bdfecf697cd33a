//! The elementwise family as ufuncs, with scipy's names and their error bounds.

use pyo3::prelude::*;
use pyo3::types::PyModule;
use sigmoid::Accuracy;

use crate::ufunc::{UnaryUfunc, make_ufunc};
use crate::unary_ufunc;

const EXPIT_DOC: &str = "The logistic sigmoid expit(x) = 1 / (1 + exp(-x)), elementwise \
(drop-in for scipy.special.expit; `sigmoid` is the same ufunc).\n\n\
Special values: expit(nan) = nan, expit(inf) = 1, expit(-inf) = 0.\n\
Dtypes: float16, float32, float64 (integers promote like np.exp). np.longdouble raises \
TypeError: pass dtype=np.float64 to compute it in double precision explicitly.";

const LOG_EXPIT_DOC: &str = "log(expit(x)) without overflow or cancellation, elementwise \
(drop-in for scipy.special.log_expit; `log_sigmoid` is the same ufunc).\n\n\
Special values: log_expit(-inf) = -inf, log_expit(inf) = -0.0, log_expit(0) = -log(2).\n\
Dtypes as expit.";

const LOGIT_DOC: &str = "logit(p) = log(p / (1 - p)), the inverse of expit, elementwise \
(drop-in for scipy.special.logit).\n\n\
Special values: logit(0) = -inf, logit(1) = inf, nan for nan and for p outside [0, 1] \
(as scipy).\n\
Dtypes as expit.";

const SOFTPLUS_DOC: &str = "softplus(x) = log(1 + exp(x)), elementwise, without overflow.\n\n\
Special values: softplus(-inf) = 0, softplus(inf) = inf, softplus(0) = log(2).\n\
Dtypes as expit.";

const SIGMOID_DERIVATIVE_DOC: &str = "The derivative expit(x) * (1 - expit(x)), computed from x, \
elementwise.\n\n\
Unlike y * (1 - y) from a rounded y it is not 0 for large x.\n\
Special values: nan for nan, 0 at +-inf, 0.25 at 0.\n\
Dtypes as expit.";

const TANH_DOC: &str = "The hyperbolic tangent, elementwise (same values as np.tanh up to \
rounding).\n\n\
Dtypes as expit.";

/// The error bound of `name` in `tier`, as the sigmoid crate documents it
/// (`sigmoid::Accuracy`; logit's float64 bound is 3 ULP in every tier).
fn bound(tier: Accuracy, name: &str) -> String {
    let (f32_bound, f64_bound) = match tier {
        Accuracy::Exact => ("<= 0.5001 ULP, bit-identical on every CPU", "<= 0.75 ULP"),
        Accuracy::Fast => ("<= 4 ULP, never NaN for a finite input", "<= 1 ULP"),
        _ => ("<= 1 ULP", "<= 1 ULP"),
    };
    let f16_bound = match tier {
        Accuracy::Fast => "<= 1 ULP",
        _ => "correctly rounded",
    };
    let f64_bound = if name == "logit" {
        "<= 3 ULP"
    } else {
        f64_bound
    };
    format!(
        "Error bound ({tier} tier): float32 {f32_bound}; float64 {f64_bound}; float16 (computed \
         through float32) {f16_bound}."
    )
}

/// The six ufuncs computed by the kernels under `$module` (the crate root for
/// the default tier), added to `m` under scipy's names and the aliases
/// `sigmoid` and `log_sigmoid`.
macro_rules! add_family {
    ($m:expr, $tier:expr, $module:path) => {{
        let m: &Bound<'_, PyModule> = $m;
        let py = m.py();
        let specs: [UnaryUfunc; 6] = [
            unary_ufunc!(
                $module,
                "expit",
                EXPIT_DOC,
                sigmoid_slice,
                sigmoid_inplace,
                par_sigmoid_slice,
                par_sigmoid_inplace
            ),
            unary_ufunc!(
                $module,
                "log_expit",
                LOG_EXPIT_DOC,
                log_sigmoid_slice,
                log_sigmoid_inplace,
                par_log_sigmoid_slice,
                par_log_sigmoid_inplace
            ),
            unary_ufunc!(
                $module,
                "logit",
                LOGIT_DOC,
                logit_slice,
                logit_inplace,
                par_logit_slice,
                par_logit_inplace
            ),
            unary_ufunc!(
                $module,
                "softplus",
                SOFTPLUS_DOC,
                softplus_slice,
                softplus_inplace,
                par_softplus_slice,
                par_softplus_inplace
            ),
            unary_ufunc!(
                $module,
                "sigmoid_derivative",
                SIGMOID_DERIVATIVE_DOC,
                sigmoid_derivative_slice,
                sigmoid_derivative_inplace,
                par_sigmoid_derivative_slice,
                par_sigmoid_derivative_inplace
            ),
            unary_ufunc!(
                $module,
                "tanh",
                TANH_DOC,
                tanh_slice,
                tanh_inplace,
                par_tanh_slice,
                par_tanh_inplace
            ),
        ];
        for mut spec in specs {
            let name = spec.name;
            let (head, tail) = spec.doc.split_once("\n\n").unwrap_or((&spec.doc, ""));
            spec.doc = format!("{head}\n\n{}\n{tail}", bound($tier, name));
            let ufunc = make_ufunc(py, spec)?;
            match name {
                "expit" => m.add("sigmoid", &ufunc)?,
                "log_expit" => m.add("log_sigmoid", &ufunc)?,
                _ => {}
            }
            m.add(name, ufunc)?;
        }
        PyResult::Ok(())
    }};
}

/// Adds the default-tier family (`sigmoid::sigmoid_slice`, ...) to `m`.
///
/// # Errors
/// A Python error if NumPy cannot be imported.
pub fn add_default(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_family!(m, Accuracy::Default, sigmoid)
}

/// Adds the fast tier's family (`sigmoid::fast::*`) to `m`.
///
/// # Errors
/// A Python error if NumPy cannot be imported.
pub fn add_fast(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_family!(m, Accuracy::Fast, sigmoid::fast)
}

/// Adds the exact tier's family (`sigmoid::exact::*`) to `m`.
///
/// # Errors
/// A Python error if NumPy cannot be imported.
pub fn add_exact(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_family!(m, Accuracy::Exact, sigmoid::exact)
}
