//! L-BFGS against scikit-learn's logistic regression, and on an MLP, on the
//! bundled breast-cancer data standardised as `sigmoid train` does.
//!
//! The reference, `data/lbfgs_sklearn_reference.json`, is scikit-learn's
//! `LogisticRegression(C=1, tol=1e-10)` written by
//! `data/make_lbfgs_reference.py`.

use sigmoid_nn::data::{Standardizer, breast_cancer_split};
use sigmoid_nn::ndarray::Array2;
use sigmoid_nn::{Activation, Dense, Lbfgs, LbfgsStop, Sequential};

fn standardised() -> (Array2<f32>, Array2<f32>, Array2<f32>, Array2<f32>) {
    let (train, test) = breast_cancer_split();
    let scaler = Standardizer::fit(&train.features);
    (
        scaler.transform(&train.features),
        train.targets,
        scaler.transform(&test.features),
        test.targets,
    )
}

fn accuracy(model: &Sequential, x: &Array2<f32>, y: &Array2<f32>) -> f64 {
    model.evaluate(x, y).unwrap().accuracy
}

/// The coefficients agree with scikit-learn's to 5e-4 absolute (measured:
/// 1.0e-4; the weights and the forward pass are f32, whose rounding of the
/// loss, near 1e-7 relative, bounds how closely the optimum can be told
/// apart), the objective to 1e-7 (measured: 3e-10).
#[test]
fn logistic_regression_matches_scikit_learn_c_1() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("data/lbfgs_sklearn_reference.json")).unwrap();
    let coef: Vec<f64> = serde_json::from_value(reference["coef"].clone()).unwrap();
    let intercept = reference["intercept"].as_f64().unwrap();
    let (x, y, _, _) = standardised();
    assert_eq!(x.nrows() as u64, reference["rows"].as_u64().unwrap());
    let mut model = Sequential::with_seed(x.ncols(), 1);
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    let options = Lbfgs::sklearn_c(1.0, x.nrows()).tol(1e-6).max_iter(500);
    let report = model.fit_lbfgs(&x, &y, None, &options).unwrap();
    assert!(report.grad_norm < 1e-4, "not near the optimum: {report:?}");
    let params = model.parameters();
    let mut worst = 0.0_f64;
    for (k, &c) in coef.iter().enumerate() {
        worst = worst.max((f64::from(params[k]) - c).abs());
    }
    worst = worst.max((f64::from(params[coef.len()]) - intercept).abs());
    assert!(
        worst < 5e-4,
        "largest coefficient difference {worst}; {report:?}"
    );
    let objective = reference["objective"].as_f64().unwrap();
    assert!(
        (report.loss - objective).abs() < 1e-7,
        "objective {} vs scikit-learn's {objective}",
        report.loss
    );
    let want = reference["train_accuracy"].as_f64().unwrap();
    assert!((accuracy(&model, &x, &y) - want).abs() < 1e-9);
}

#[test]
fn trains_an_mlp() {
    let (x, y, x_test, y_test) = standardised();
    let mut model = Sequential::with_seed(x.ncols(), 42);
    model
        .add(Dense::new(8).activation(Activation::Relu))
        .add(Dense::new(1).activation(Activation::Sigmoid));
    let start = model.evaluate(&x, &y).unwrap().loss;
    let report = model
        .fit_lbfgs(&x, &y, None, &Lbfgs::new().l2(1e-3).max_iter(200))
        .unwrap();
    assert!(report.loss < start / 5.0, "{report:?} from {start}");
    assert!(report.iterations > 1);
    assert!(accuracy(&model, &x, &y) >= 0.98, "{report:?}");
    assert!(accuracy(&model, &x_test, &y_test) >= 0.95, "{report:?}");
    assert_ne!(report.stop, LbfgsStop::LineSearchFailed, "{report:?}");
}
