//! The model file format as documented: the README's Python snippet (kept
//! in `tests/python/predict_numpy.py`) loads a saved model with
//! `safetensors` and numpy and reproduces `sigmoid predict`.
//!
//! The interpreter is `$SIGMOID_PYTHON`. The README's test command
//! (`scripts/test.sh`) sets it to the test virtualenv's Python, which has
//! numpy and safetensors, so there the comparison always runs and a missing
//! package fails the test. Without the variable (a bare `cargo test`) the
//! test tries `python3` and, if that lacks the packages, says on stderr that
//! it did not compare anything.

use std::path::Path;
use std::process::Command;

const SNIPPET: &str = include_str!("python/predict_numpy.py");
const README: &str = include_str!("../../../README.md");

fn sigmoid(args: &[&str]) -> std::process::Output {
    let o = Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run sigmoid");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn python() -> String {
    std::env::var("SIGMOID_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn python_has_numpy_and_safetensors() -> bool {
    Command::new(python())
        .args(["-c", "import numpy, safetensors"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_readme_shows_the_tested_snippet() {
    // The snippet's code lines, without its usage comment header.
    let code: String = SNIPPET
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        README.contains(code.trim()),
        "README.md must contain tests/python/predict_numpy.py verbatim"
    );
}

#[test]
fn numpy_and_safetensors_reproduce_predict() {
    if !python_has_numpy_and_safetensors() {
        assert!(
            std::env::var_os("SIGMOID_PYTHON").is_none(),
            "SIGMOID_PYTHON={} cannot import numpy and safetensors",
            python()
        );
        eprintln!(
            "SKIPPED numpy_and_safetensors_reproduce_predict: `{} -c 'import numpy, safetensors'` \
             failed; set SIGMOID_PYTHON to an interpreter that has them",
            python()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = d.join("m.safetensors");
    let data = d.join("all.csv");
    // Columns in another order than in training, to check the by-name lookup.
    let reordered: String = sigmoid_nn::data::BREAST_CANCER_CSV
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.reverse();
            cells.join(",") + "\n"
        })
        .collect();
    std::fs::write(&data, reordered).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    // A hidden layer with a square 30×… kernel would hide a transposition;
    // two layers with different activations check the layout and names.
    sigmoid(&[
        "train",
        "--epochs",
        "20",
        "--hidden",
        "30",
        "--activation",
        "tanh",
        "--json",
        "--save",
        &s(&model),
    ]);
    let ours = sigmoid(&["predict", "--model", &s(&model), "--data", &s(&data)]);
    let ours: Vec<f64> = String::from_utf8(ours.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    let script = d.join("predict_numpy.py");
    std::fs::write(&script, SNIPPET).unwrap();
    let o = Command::new(python())
        .args([s(&script), s(&model), s(&data)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs: Vec<f64> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(ours.len(), 569);
    assert_eq!(theirs.len(), ours.len());
    let worst = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(worst < 2e-6, "largest difference {worst}");
    eprintln!("numpy reproduces predict to {worst:e}");
}
