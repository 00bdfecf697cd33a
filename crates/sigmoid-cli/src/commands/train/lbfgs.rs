//! `sigmoid train --optimizer lbfgs`: full-batch L-BFGS, its options, and
//! what it reports (in place of the epochs of SGD and Adam).

use std::time::Instant;

use anyhow::{Result, bail};
use ndarray::Array2;
use serde::Serialize;
use sigmoid_nn::{History, Lbfgs, LbfgsReport, Sequential};

use super::Args;

/// What the L-BFGS run did, for the report.
#[derive(Serialize)]
pub struct LbfgsInfo {
    #[serde(flatten)]
    pub report: LbfgsReport,
    /// The options it ran with.
    pub tol: f64,
    pub max_iter: usize,
    pub l2: f64,
    /// Wall time of the fit.
    pub seconds: f64,
}

/// Checks the L-BFGS options, and that the options of the other optimizers
/// are not given with it (and the other way round).
pub fn check_options(args: &Args) -> Result<()> {
    let lbfgs = args.optimizer == super::OptimizerKind::Lbfgs;
    if !lbfgs {
        for (given, name) in [
            (args.tol.is_some(), "--tol"),
            (args.max_iter.is_some(), "--max-iter"),
            (args.l2.is_some(), "--l2"),
        ] {
            if given {
                bail!("{name} applies to --optimizer lbfgs only");
            }
        }
        return Ok(());
    }
    if args.lr.is_some() {
        bail!("--lr does not apply to --optimizer lbfgs, which chooses its own step sizes");
    }
    if args.validation_split > 0.0 {
        bail!("--validation-split applies to sgd and adam; lbfgs trains on every training row");
    }
    if let Some(tol) = args.tol
        && !(tol >= 0.0 && tol.is_finite())
    {
        bail!("--tol must be a number ≥ 0, not {tol}");
    }
    if args.max_iter == Some(0) {
        bail!("--max-iter must be at least 1");
    }
    if let Some(l2) = args.l2
        && !(l2 >= 0.0 && l2.is_finite())
    {
        bail!("--l2 must be a number ≥ 0, not {l2}");
    }
    Ok(())
}

/// The solver options from the command line, for `rows` training rows:
/// without `--l2`, scikit-learn's default `C = 1`, `l2 = 1 / rows`.
pub fn options(args: &Args, rows: usize) -> Lbfgs {
    let defaults = Lbfgs::sklearn_c(1.0, rows.max(1));
    defaults
        .tol(args.tol.unwrap_or(defaults.tol))
        .max_iter(args.max_iter.unwrap_or(defaults.max_iter))
        .l2(args.l2.unwrap_or(defaults.l2))
}

/// Trains `model` with L-BFGS; a one-entry history (the final training
/// loss, without the L2 term, and accuracy) keeps the report's shape.
pub fn train(
    model: &mut Sequential,
    x: &Array2<f32>,
    y: &Array2<f32>,
    args: &Args,
) -> Result<(History, LbfgsInfo)> {
    let options = options(args, x.nrows());
    let start = Instant::now();
    let report = model.fit_lbfgs(x, y, None, &options)?;
    let seconds = start.elapsed().as_secs_f64();
    let train = model.evaluate(x, y)?;
    let mut history = History::default();
    history.loss.push(train.loss);
    history.accuracy.push(train.accuracy);
    history.epoch_seconds.push(seconds);
    Ok((
        history,
        LbfgsInfo {
            report,
            tol: options.tol,
            max_iter: options.max_iter,
            l2: options.l2,
            seconds,
        },
    ))
}

impl LbfgsInfo {
    /// One line: iterations, passes over the data, why it stopped.
    pub fn summary(&self) -> String {
        let r = &self.report;
        format!(
            "L-BFGS: {} after {} iterations ({} passes over the data, {:.2} s): {}; \
             objective {:.6}, largest gradient component {:.2e}",
            if r.converged { "converged" } else { "stopped" },
            r.iterations,
            r.evaluations,
            self.seconds,
            r.stop,
            r.loss,
            r.grad_norm
        )
    }

    /// A warning when no tolerance was met.
    pub fn warning(&self) -> Option<String> {
        let r = &self.report;
        (!r.converged).then(|| {
            format!(
                "L-BFGS did not converge ({}): the largest gradient component is {:.2e}, \
                 --tol is {:.0e}; raise --max-iter (now {}) or --tol",
                r.stop, r.grad_norm, self.tol, self.max_iter
            )
        })
    }
}
