//! `sigmoid train --optimizer lbfgs`: scikit-learn's solution on the bundled
//! data, the report, the option checks, and `--threads`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sigmoid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("the sigmoid binary runs")
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

/// With its defaults (scikit-learn's C = 1) the saved coefficients are
/// scikit-learn's LogisticRegression() on the same standardised rows, to
/// 5e-4 (see sigmoid-nn's `lbfgs` test for the reference and the bound).
#[test]
fn default_lbfgs_is_scikit_learns_logistic_regression() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let r = json(&sigmoid(&[
        "train",
        "--optimizer",
        "lbfgs",
        "--tol",
        "1e-6",
        "--save",
        path.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(r["model"]["optimizer"], "lbfgs");
    assert_eq!(r["lbfgs"]["converged"], true, "{}", r["lbfgs"]);
    assert_eq!(r["lbfgs"]["l2"].as_f64().unwrap(), 1.0 / 455.0);
    assert!(r["test"]["accuracy"].as_f64().unwrap() >= 0.96);
    let reference: Value = serde_json::from_str(include_str!(
        "../../sigmoid-nn/tests/data/lbfgs_sklearn_reference.json"
    ))
    .unwrap();
    let model = sigmoid_nn::Sequential::load(Path::new(&path)).unwrap();
    let got = model.parameters();
    let coef = reference["coef"].as_array().unwrap();
    for (k, c) in coef.iter().enumerate() {
        let d = (f64::from(got[k]) - c.as_f64().unwrap()).abs();
        assert!(d < 5e-4, "coefficient {k} differs by {d}");
    }
    let d = (f64::from(got[coef.len()]) - reference["intercept"].as_f64().unwrap()).abs();
    assert!(d < 5e-4, "intercept differs by {d}");
}

#[test]
fn text_report_and_an_unconverged_warning() {
    let o = sigmoid(&[
        "train",
        "--optimizer",
        "lbfgs",
        "--max-iter",
        "2",
        "--tol",
        "0",
    ]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("lbfgs (full batch)"), "{out}");
    assert!(out.contains("L-BFGS: stopped after 2 iterations"), "{out}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("L-BFGS did not converge (max_iter reached)"),
        "{err}"
    );
}

#[test]
fn options_of_one_optimizer_are_refused_with_another() {
    for (args, needle) in [
        (
            &["--optimizer", "lbfgs", "--lr", "0.1"][..],
            "--lr does not apply",
        ),
        (
            &["--optimizer", "lbfgs", "--validation-split", "0.2"][..],
            "--validation-split applies",
        ),
        (
            &["--optimizer", "lbfgs", "--tol", "-1"][..],
            "--tol must be a number ≥ 0",
        ),
        (
            &["--optimizer", "lbfgs", "--max-iter", "0"][..],
            "--max-iter must be at least 1",
        ),
        (
            &["--optimizer", "lbfgs", "--l2", "nan"][..],
            "--l2 must be a number ≥ 0",
        ),
        (
            &["--tol", "1e-3"][..],
            "--tol applies to --optimizer lbfgs only",
        ),
        (
            &["--l2", "0.1"][..],
            "--l2 applies to --optimizer lbfgs only",
        ),
        (&["--threads", "0"][..], "--threads must be at least 1"),
    ] {
        let o = sigmoid(&[&["train"][..], args].concat());
        assert!(!o.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// A data set large enough to be split over threads trains to the same
/// model on 1 thread and on 2.
#[test]
fn threads_do_not_change_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    let mut text = String::from("a,b,c,label\n");
    for i in 0..6000 {
        let (a, b, c) = (
            (i as f64 * 0.37).sin(),
            (i as f64 * 0.11).cos(),
            (i as f64 * 0.07).sin(),
        );
        let label = u8::from(a + 0.5 * b - c + 0.3 * (i as f64 * 1.3).sin() > 0.0);
        text += &format!("{a:.5},{b:.5},{c:.5},{label}\n");
    }
    std::fs::write(&path, text).unwrap();
    let run = |threads: &str| {
        let mut r = json(&sigmoid(&[
            "train",
            "--data",
            path.to_str().unwrap(),
            "--optimizer",
            "lbfgs",
            "--threads",
            threads,
            "--json",
        ]));
        r["lbfgs"]["seconds"] = Value::Null;
        r["epoch_ms"] = Value::Null;
        r["history"]["epoch_seconds"] = Value::Null;
        r
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one["test"], two["test"]);
    assert_eq!(one["lbfgs"], two["lbfgs"]);
}
