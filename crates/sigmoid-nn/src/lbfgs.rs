//! [`Lbfgs`] and [`Sequential::fit_lbfgs`]: full-batch training with the
//! limited-memory BFGS quasi-Newton method and a strong-Wolfe line search,
//! as scikit-learn's `LogisticRegression(solver="lbfgs")` and
//! `MLPClassifier(solver="lbfgs")` do.
//!
//! The objective is the weighted mean binary cross-entropy over all rows,
//! plus `l2 / 2 · Σ kernel²` (biases are not penalised). Each evaluation is
//! one [`Sequential::loss_grad`] over the whole data set (all cores; the
//! result does not depend on the thread count, so neither does the fit).
//! The search runs in f64; the model's f32 weights are the search point
//! rounded to f32 (and the search continues from the rounded point, so
//! every step it takes is one the model really made).

use std::collections::VecDeque;

use ndarray::{ArrayView1, ArrayView2, AsArray, Ix2};

use crate::loss_grad::check_sample_weight;
use crate::{NnError, Sequential};

/// The options of [`Sequential::fit_lbfgs`], builder style, with
/// scikit-learn's defaults where it has them.
///
/// ```
/// use sigmoid_nn::Lbfgs;
/// let options = Lbfgs::new().max_iter(200).tol(1e-5).l2(1e-3);
/// assert_eq!(options.memory, 10);
/// // scikit-learn's LogisticRegression(C=1) on 455 rows:
/// assert_eq!(Lbfgs::sklearn_c(1.0, 455).l2, 1.0 / 455.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lbfgs {
    /// The most iterations (line searches) (default 100, as scikit-learn).
    pub max_iter: usize,
    /// Stop when every component of the objective's gradient is at most
    /// this in absolute value (default 1e-4, scikit-learn's `tol`, which it
    /// gives scipy as `gtol`).
    pub tol: f64,
    /// Stop when an iteration lowers the objective by at most this fraction
    /// of it, `(f_old − f_new) / max(|f_old|, |f_new|, 1)` (default 1e-12).
    pub loss_tol: f64,
    /// The number of past steps kept for the Hessian approximation (default 10).
    pub memory: usize,
    /// The L2 penalty on the kernels (not the biases): the objective is the
    /// weighted mean loss plus `l2 / 2 · Σ kernel²` (default 0). See
    /// [`Lbfgs::sklearn_c`] for scikit-learn's `C`.
    pub l2: f64,
    /// The most loss evaluations in one line search (default 25).
    pub max_line_search: usize,
}

impl Default for Lbfgs {
    fn default() -> Self {
        Lbfgs {
            max_iter: 100,
            tol: 1e-4,
            loss_tol: 1e-12,
            memory: 10,
            l2: 0.0,
            max_line_search: 25,
        }
    }
}

impl Lbfgs {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The options that minimise what scikit-learn's
    /// `LogisticRegression(C=c)` minimises on `n_samples` rows:
    /// `C · Σ loss + ½‖w‖²` divided by `C · n` is the mean loss plus
    /// `1 / (2·C·n) · ‖w‖²`, so `l2 = 1 / (C · n)` (with sample weights, `n`
    /// is their sum). The intercept is not penalised, here as there.
    ///
    /// # Panics
    /// Never; a `c` or `n_samples` of 0 gives an infinite `l2`, which
    /// [`Sequential::fit_lbfgs`] rejects.
    pub fn sklearn_c(c: f64, n_samples: usize) -> Self {
        Lbfgs::default().l2(1.0 / (c * n_samples as f64))
    }

    /// Sets the most iterations.
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }
    /// Sets the gradient tolerance.
    #[must_use]
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Sets the relative loss-change tolerance.
    #[must_use]
    pub fn loss_tol(mut self, loss_tol: f64) -> Self {
        self.loss_tol = loss_tol;
        self
    }
    /// Sets the number of past steps kept.
    #[must_use]
    pub fn memory(mut self, memory: usize) -> Self {
        self.memory = memory;
        self
    }
    /// Sets the L2 penalty on the kernels.
    #[must_use]
    pub fn l2(mut self, l2: f64) -> Self {
        self.l2 = l2;
        self
    }
    /// Sets the most evaluations per line search.
    #[must_use]
    pub fn max_line_search(mut self, evaluations: usize) -> Self {
        self.max_line_search = evaluations;
        self
    }

    fn validate(&self) -> Result<(), NnError> {
        let bad = |what: &str, v: String| {
            Err(NnError::InvalidArgument(format!("L-BFGS: {what}, not {v}")))
        };
        if self.max_iter == 0 {
            return bad("max_iter must be at least 1", "0".into());
        }
        if self.memory == 0 {
            return bad("memory must be at least 1", "0".into());
        }
        if self.max_line_search == 0 {
            return bad("max_line_search must be at least 1", "0".into());
        }
        for (name, v) in [
            ("tol", self.tol),
            ("loss_tol", self.loss_tol),
            ("l2", self.l2),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return bad(
                    &format!("{name} must be a finite number ≥ 0"),
                    v.to_string(),
                );
            }
        }
        Ok(())
    }
}

/// Why [`Sequential::fit_lbfgs`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LbfgsStop {
    /// Every gradient component was within `tol` (converged).
    GradientTolerance,
    /// The relative loss change was within `loss_tol` (converged).
    LossTolerance,
    /// `max_iter` iterations ran (not converged).
    MaxIterations,
    /// No step satisfying the Wolfe conditions was found, even along the
    /// steepest descent: usually the f32 rounding floor of the loss, near
    /// the optimum (the report's `grad_norm` says how near).
    LineSearchFailed,
}

impl std::fmt::Display for LbfgsStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LbfgsStop::GradientTolerance => "gradient within tol",
            LbfgsStop::LossTolerance => "relative loss change within loss_tol",
            LbfgsStop::MaxIterations => "max_iter reached",
            LbfgsStop::LineSearchFailed => "line search found no better point",
        })
    }
}

/// What [`Sequential::fit_lbfgs`] did.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct LbfgsReport {
    /// Iterations (line searches that moved the weights).
    pub iterations: usize,
    /// Loss and gradient evaluations (passes over the data).
    pub evaluations: usize,
    /// The final objective: weighted mean loss plus the L2 term.
    pub loss: f64,
    /// The largest absolute component of the final objective's gradient.
    pub grad_norm: f64,
    /// Whether a tolerance was met (`stop` is `GradientTolerance` or `LossTolerance`).
    pub converged: bool,
    /// Why it stopped.
    pub stop: LbfgsStop,
}

/// A point of the search: parameters, objective, gradient.
struct Point {
    theta: Vec<f64>,
    f: f64,
    g: Vec<f64>,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// The objective of the fit on a fixed data set.
struct Objective<'m, 'd> {
    model: &'m mut Sequential,
    x: ArrayView2<'d, f32>,
    y: ArrayView2<'d, f32>,
    w: Option<ArrayView1<'d, f32>>,
    l2: f64,
    /// 1 for the kernel entries of the flat vector, 0 for biases.
    penalised: Vec<f64>,
    evaluations: usize,
}

impl Objective<'_, '_> {
    /// Rounds `theta` to the model's f32 weights (in place) and evaluates
    /// there. A point the model cannot hold (an infinite weight) has an
    /// infinite objective, which line searches back away from.
    fn eval(&mut self, mut theta: Vec<f64>) -> Point {
        let params: Vec<f32> = theta.iter().map(|&v| v as f32).collect();
        for (t, &p) in theta.iter_mut().zip(&params) {
            *t = f64::from(p);
        }
        self.evaluations += 1;
        if self.model.set_parameters(&params).is_err() {
            let g = vec![0.0; theta.len()];
            return Point {
                theta,
                f: f64::INFINITY,
                g,
            };
        }
        let lg = self.model.loss_grad_unchecked(self.x, self.y, self.w, true);
        let scale = 1.0 / lg.weight;
        let mut f = lg.loss * scale;
        let mut g = lg.gradient;
        for ((gi, &t), &on) in g.iter_mut().zip(&theta).zip(&self.penalised) {
            *gi = *gi * scale + self.l2 * on * t;
            f += 0.5 * self.l2 * on * t * t;
        }
        if !f.is_finite() {
            f = f64::INFINITY;
        }
        Point { theta, f, g }
    }

    fn at_step(&mut self, from: &Point, d: &[f64], alpha: f64) -> Point {
        let theta = from
            .theta
            .iter()
            .zip(d)
            .map(|(t, d)| t + alpha * d)
            .collect();
        self.eval(theta)
    }
}

/// Sufficient decrease and curvature constants (Nocedal & Wright's
/// choices for quasi-Newton methods).
const C1: f64 = 1e-4;
const C2: f64 = 0.9;

/// A step along `d` from `start` satisfying the strong Wolfe conditions
/// (Nocedal & Wright, algorithms 3.5 and 3.6, cubic interpolation in the
/// zoom), or `None` after `max_evals` evaluations without one.
fn line_search(
    obj: &mut Objective<'_, '_>,
    start: &Point,
    d: &[f64],
    alpha0: f64,
    max_evals: usize,
) -> Option<Point> {
    let dphi0 = dot(&start.g, d);
    let sufficient = |p: &Point, alpha: f64| p.f <= start.f + C1 * alpha * dphi0;
    let curvature = |dphi: f64| dphi.abs() <= -C2 * dphi0;
    let (mut a_prev, mut f_prev, mut dphi_prev) = (0.0, start.f, dphi0);
    let mut alpha = alpha0;
    let mut evals = 0;
    while evals < max_evals {
        let p = obj.at_step(start, d, alpha);
        evals += 1;
        let dphi = dot(&p.g, d);
        if !sufficient(&p, alpha) || (evals > 1 && p.f >= f_prev) {
            let bracket = (a_prev, f_prev, dphi_prev, alpha, p.f, dphi);
            return zoom(obj, start, d, bracket, max_evals - evals);
        }
        if curvature(dphi) {
            return Some(p);
        }
        if dphi >= 0.0 {
            let bracket = (alpha, p.f, dphi, a_prev, f_prev, dphi_prev);
            return zoom_from(obj, start, d, bracket, max_evals - evals, p);
        }
        (a_prev, f_prev, dphi_prev) = (alpha, p.f, dphi);
        alpha *= 2.0;
    }
    None
}

/// [`zoom`], keeping `best` (the low end's point) if no evaluation is left.
fn zoom_from(
    obj: &mut Objective<'_, '_>,
    start: &Point,
    d: &[f64],
    bracket: (f64, f64, f64, f64, f64, f64),
    evals_left: usize,
    best: Point,
) -> Option<Point> {
    if evals_left == 0 {
        return Some(best);
    }
    zoom(obj, start, d, bracket, evals_left).or(Some(best))
}

/// Narrows (lo, hi) — lo the end with the lower objective that satisfies
/// sufficient decrease — to a strong-Wolfe step.
fn zoom(
    obj: &mut Objective<'_, '_>,
    start: &Point,
    d: &[f64],
    (mut lo, mut f_lo, mut d_lo, mut hi, mut f_hi, mut d_hi): (f64, f64, f64, f64, f64, f64),
    evals_left: usize,
) -> Option<Point> {
    let dphi0 = dot(&start.g, d);
    let mut best: Option<Point> = None;
    for _ in 0..evals_left {
        let alpha = interpolate(lo, f_lo, d_lo, hi, f_hi, d_hi);
        let p = obj.at_step(start, d, alpha);
        let dphi = dot(&p.g, d);
        if p.f > start.f + C1 * alpha * dphi0 || p.f >= f_lo {
            (hi, f_hi, d_hi) = (alpha, p.f, dphi);
        } else {
            if dphi.abs() <= -C2 * dphi0 {
                return Some(p);
            }
            if dphi * (hi - lo) >= 0.0 {
                (hi, f_hi, d_hi) = (lo, f_lo, d_lo);
            }
            (lo, f_lo, d_lo) = (alpha, p.f, dphi);
            best = Some(p);
        }
        if (hi - lo).abs() <= 1e-12 * lo.abs().max(1e-12) {
            break;
        }
    }
    // Sufficient decrease without the curvature condition: still a descent step.
    best
}

/// The minimiser of the cubic through both ends' values and slopes, kept
/// at least 10% of the interval away from either end (bisection when the
/// cubic has no usable minimiser, or a value is infinite).
fn interpolate(a: f64, fa: f64, da: f64, b: f64, fb: f64, db: f64) -> f64 {
    let (left, right) = (a.min(b), a.max(b));
    let margin = 0.1 * (right - left);
    let mid = 0.5 * (a + b);
    if !(fa.is_finite() && fb.is_finite()) {
        return mid;
    }
    let d1 = da + db - 3.0 * (fa - fb) / (a - b);
    let disc = d1 * d1 - da * db;
    if disc < 0.0 {
        return mid;
    }
    let d2 = (b - a).signum() * disc.sqrt();
    let t = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    if t.is_finite() && t >= left + margin && t <= right - margin {
        t
    } else {
        mid
    }
}

/// L-BFGS's two-loop recursion: −H·g from the stored (s, y) pairs.
fn direction(g: &[f64], history: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q: Vec<f64> = g.iter().map(|v| -v).collect();
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let a = rho * dot(s, &q);
        for (qi, yi) in q.iter_mut().zip(y) {
            *qi -= a * yi;
        }
        alphas.push(a);
    }
    if let Some((s, y, _)) = history.back() {
        let gamma = dot(s, y) / dot(y, y);
        q.iter_mut().for_each(|v| *v *= gamma);
    }
    for ((s, y, rho), a) in history.iter().zip(alphas.iter().rev()) {
        let b = rho * dot(y, &q);
        for (qi, si) in q.iter_mut().zip(s) {
            *qi += (a - b) * si;
        }
    }
    q
}

impl Sequential {
    /// Trains on (`x`, `y`) with full-batch L-BFGS (see [`Lbfgs`]):
    /// iterations until the gradient or the relative loss change is within
    /// tolerance, or `max_iter`. `sample_weight` weighs each row (one
    /// weight per row, finite and not negative, not all 0). The model needs
    /// no [`compile`](Sequential::compile); its weights are the starting
    /// point, and end as the best point found (the objective never rises).
    ///
    /// When to use it instead of [`fit`](Sequential::fit): logistic
    /// regression and small networks on data that fits in memory, where a
    /// few dozen passes over the data reach the optimum that SGD only
    /// approaches after many epochs; it is deterministic (no shuffling) and
    /// has no learning rate to tune. Mini-batch SGD/Adam suits large
    /// networks and data where one epoch already learns most of it.
    ///
    /// # Errors
    /// [`NnError::NoLayers`]; [`NnError::Shape`] if the shapes do not fit;
    /// [`NnError::InvalidArgument`] for options out of range, bad weights,
    /// weights that sum to 0, or a loss that is not finite at the start
    /// (non-finite data). The model is unchanged on error.
    ///
    /// ```
    /// use ndarray::array;
    /// use sigmoid_nn::{Activation, Dense, Lbfgs, Sequential};
    /// let x = array![[-2.0_f32], [-1.0], [1.0], [2.0], [0.5], [-0.5]];
    /// let y = array![[0.0_f32], [0.0], [1.0], [1.0], [0.0], [1.0]];
    /// let mut model = Sequential::new(1);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// let report = model.fit_lbfgs(&x, &y, None, &Lbfgs::new().l2(0.1))?;
    /// assert!(report.converged, "{report:?}");
    /// assert!(model.predict(&array![[3.0_f32]])?[[0, 0]] > 0.5);
    /// # Ok::<(), sigmoid_nn::NnError>(())
    /// ```
    pub fn fit_lbfgs<'a>(
        &mut self,
        x: impl AsArray<'a, f32, Ix2>,
        y: impl AsArray<'a, f32, Ix2>,
        sample_weight: Option<ArrayView1<'a, f32>>,
        options: &Lbfgs,
    ) -> Result<LbfgsReport, NnError> {
        let (x, y): (ArrayView2<'a, f32>, ArrayView2<'a, f32>) = (x.into(), y.into());
        self.check_xy(x, y)?;
        check_sample_weight(x.nrows(), sample_weight)?;
        options.validate()?;
        if let Some(w) = sample_weight
            && w.iter().all(|&v| v == 0.0)
        {
            return Err(NnError::InvalidArgument(
                "every sample_weight is 0: there is nothing to fit".into(),
            ));
        }
        let penalised = self
            .layers()
            .iter()
            .flat_map(|l| {
                let (k, b) = (l.kernel().len(), l.bias().len());
                std::iter::repeat_n(1.0, k).chain(std::iter::repeat_n(0.0, b))
            })
            .collect();
        let start_params = self.parameters();
        let mut obj = Objective {
            model: self,
            x,
            y,
            w: sample_weight,
            l2: options.l2,
            penalised,
            evaluations: 0,
        };
        let mut current = obj.eval(start_params.iter().map(|&v| f64::from(v)).collect());
        if !current.f.is_finite() {
            obj.model
                .set_parameters(&start_params)
                .expect("the starting parameters were the model's");
            return Err(NnError::InvalidArgument(
                "the loss at the starting weights is not finite; check the data for NaN or \
                 infinite values"
                    .into(),
            ));
        }
        let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
        let mut iterations = 0;
        let mut stop = LbfgsStop::MaxIterations;
        if max_abs(&current.g) <= options.tol {
            stop = LbfgsStop::GradientTolerance;
        }
        while stop == LbfgsStop::MaxIterations && iterations < options.max_iter {
            let mut d = direction(&current.g, &history);
            if dot(&d, &current.g) >= 0.0 {
                history.clear();
                d = current.g.iter().map(|v| -v).collect();
            }
            // Without curvature information, a first step of unit length.
            let alpha0 = if history.is_empty() {
                (1.0 / dot(&d, &d).sqrt()).min(1.0)
            } else {
                1.0
            };
            let mut next = line_search(&mut obj, &current, &d, alpha0, options.max_line_search);
            if next.is_none() && !history.is_empty() {
                // The quasi-Newton direction failed: retry along the steepest descent.
                history.clear();
                d = current.g.iter().map(|v| -v).collect();
                let alpha0 = (1.0 / dot(&d, &d).sqrt()).min(1.0);
                next = line_search(&mut obj, &current, &d, alpha0, options.max_line_search);
            }
            let Some(next) = next.filter(|p| p.f <= current.f) else {
                stop = LbfgsStop::LineSearchFailed;
                break;
            };
            iterations += 1;
            let s: Vec<f64> = next
                .theta
                .iter()
                .zip(&current.theta)
                .map(|(a, b)| a - b)
                .collect();
            let yv: Vec<f64> = next.g.iter().zip(&current.g).map(|(a, b)| a - b).collect();
            let sy = dot(&s, &yv);
            if sy > 1e-10 * dot(&yv, &yv).max(f64::MIN_POSITIVE) {
                if history.len() == options.memory {
                    history.pop_front();
                }
                history.push_back((s, yv, 1.0 / sy));
            }
            let change = (current.f - next.f) / current.f.abs().max(next.f.abs()).max(1.0);
            current = next;
            if max_abs(&current.g) <= options.tol {
                stop = LbfgsStop::GradientTolerance;
            } else if change <= options.loss_tol {
                stop = LbfgsStop::LossTolerance;
            }
        }
        let evaluations = obj.evaluations;
        let best: Vec<f32> = current.theta.iter().map(|&v| v as f32).collect();
        obj.model
            .set_parameters(&best)
            .expect("the best point was evaluated, so it is finite");
        Ok(LbfgsReport {
            iterations,
            evaluations,
            loss: current.f,
            grad_norm: max_abs(&current.g),
            converged: matches!(
                stop,
                LbfgsStop::GradientTolerance | LbfgsStop::LossTolerance
            ),
            stop,
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;
    use crate::{Activation, Dense};

    fn data(rows: usize) -> (Array2<f32>, Array2<f32>) {
        let x = Array2::from_shape_fn((rows, 4), |(i, j)| ((i * 5 + j * 11) as f32 * 0.31).sin());
        let y = Array2::from_shape_fn((rows, 1), |(i, _)| {
            f32::from(u8::from(
                x[[i, 0]] - x[[i, 2]] + 0.3 * (i as f32 * 1.7).cos() > 0.0,
            ))
        });
        (x, y)
    }

    fn logistic() -> Sequential {
        let mut model = Sequential::with_seed(4, 3);
        model.add(Dense::new(1).activation(Activation::Sigmoid));
        model
    }

    #[test]
    fn reaches_a_point_where_the_gradient_vanishes() {
        let (x, y) = data(300);
        let mut model = logistic();
        let before = model.loss_grad(&x, &y, None).unwrap();
        let report = model
            .fit_lbfgs(&x, &y, None, &Lbfgs::new().l2(0.01).tol(1e-6))
            .unwrap();
        assert!(report.converged, "{report:?}");
        assert!(report.loss < before.loss / before.weight);
        // The penalised gradient, recomputed independently, is ~0.
        let lg = model.loss_grad(&x, &y, None).unwrap();
        let kernel = model.layers()[0].kernel();
        for (k, g) in lg.gradient.iter().enumerate() {
            let penalty = if k < 4 {
                0.01 * f64::from(kernel[[k, 0]])
            } else {
                0.0
            };
            assert!((g / lg.weight + penalty).abs() < 1e-5, "component {k}: {g}");
        }
    }

    #[test]
    fn the_fit_does_not_depend_on_the_thread_count() {
        let (x, y) = data(4000);
        let fit = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut model = logistic();
            let report = pool.install(|| model.fit_lbfgs(&x, &y, None, &Lbfgs::new()).unwrap());
            (model.parameters(), report)
        };
        let (one, r1) = fit(1);
        let (two, r2) = fit(2);
        assert_eq!(one, two);
        assert_eq!(r1, r2);
    }

    #[test]
    fn bad_options_and_weights_are_errors_that_leave_the_model() {
        let (x, y) = data(20);
        let mut model = logistic();
        let before = model.parameters();
        let err = model
            .fit_lbfgs(&x, &y, None, &Lbfgs::new().memory(0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("memory must be at least 1"), "{err}");
        let err = model
            .fit_lbfgs(&x, &y, None, &Lbfgs::new().tol(-1.0))
            .unwrap_err()
            .to_string();
        assert!(err.contains("tol must be"), "{err}");
        let err = model
            .fit_lbfgs(&x, &y, None, &Lbfgs::sklearn_c(0.0, 20))
            .unwrap_err()
            .to_string();
        assert!(err.contains("l2 must be"), "{err}");
        let zeros = ndarray::Array1::<f32>::zeros(20);
        let err = model
            .fit_lbfgs(&x, &y, Some(zeros.view()), &Lbfgs::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("every sample_weight is 0"), "{err}");
        let mut nan = x.clone();
        nan[[3, 1]] = f32::NAN;
        let err = model
            .fit_lbfgs(&nan, &y, None, &Lbfgs::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not finite"), "{err}");
        assert_eq!(model.parameters(), before);
    }

    #[test]
    fn max_iter_stops_unconverged() {
        let (x, y) = data(300);
        let mut model = logistic();
        let report = model
            .fit_lbfgs(&x, &y, None, &Lbfgs::new().max_iter(1).tol(0.0))
            .unwrap();
        assert_eq!(report.iterations, 1);
        assert_eq!(report.stop, LbfgsStop::MaxIterations);
        assert!(!report.converged);
    }
}
