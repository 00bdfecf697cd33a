//! `sigmoid train` on images: `--data digits`, `--conv`, `--positive` class
//! lists, the stratified split, the summary, saved CNNs through `predict`,
//! and image-specific errors (one line, exit code 2, no panic). Few epochs:
//! these check behaviour, not accuracy targets.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sigmoid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run the sigmoid binary")
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

fn fails(args: &[&str], needles: &[&str]) {
    let o = sigmoid(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }
}

#[test]
fn digits_cnn_reports_its_layers_split_and_labels() {
    let r = json(&sigmoid(&[
        "train",
        "--data",
        "digits",
        "--conv",
        "4,8",
        "--activation",
        "relu",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--epochs",
        "2",
        "--json",
    ]));
    assert_eq!(
        r["model"]["layers"],
        serde_json::json!([
            "Conv2D(4, (3, 3), same, relu)",
            "MaxPooling2D((2, 2))",
            "Conv2D(8, (3, 3), same, relu)",
            "MaxPooling2D((2, 2))",
            "Flatten()",
            "Dense(1, sigmoid)"
        ])
    );
    assert_eq!(
        r["model"]["parameters"],
        (9 * 4 + 4) + (9 * 4 * 8 + 8) + (32 + 1)
    );
    let (train, test) = (
        r["data"]["train_rows"].as_u64().unwrap(),
        r["data"]["test_rows"].as_u64().unwrap(),
    );
    assert_eq!(train + test, 1797);
    assert!((358..=361).contains(&test), "{test}");
    assert_eq!(r["data"]["labels"]["positive"], "digit in {1, 3, 5, 7, 9}");
    assert!(
        r["data"]["split"]
            .as_str()
            .unwrap()
            .starts_with("stratified 0.2")
    );
    // Two epochs are far above chance (50%) on odd against even.
    assert!(
        r["test"]["accuracy"].as_f64().unwrap() > 0.7,
        "{}",
        r["test"]
    );
}

#[test]
fn the_text_run_prints_the_keras_summary_and_positive_picks_the_classes() {
    let o = sigmoid(&[
        "train",
        "--data",
        "digits",
        "--conv",
        "2",
        "--positive",
        "0,2,4",
        "--epochs",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "│ conv2d (Conv2D)                 │ (None, 8, 8, 2)        │            20 │"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "│ flatten (Flatten)               │ (None, 32)             │             0 │"
        ),
        "{out}"
    );
    assert!(out.contains("\"digit in {0, 2, 4}\" → 1"), "{out}");
    // The test split keeps the share of the positive classes (about 3/10).
    let r = json(&sigmoid(&[
        "train",
        "--data",
        "digits",
        "--conv",
        "2",
        "--positive",
        "0,2,4",
        "--epochs",
        "1",
        "--json",
    ]));
    let m = &r["test"]["confusion_matrix"];
    let positives = m[1][0].as_u64().unwrap() + m[1][1].as_u64().unwrap();
    assert!(
        (104..=112).contains(&positives),
        "{positives} positives of 359"
    );
}

/// 4×4 images of a bright left half (class 1) or right half (class 0), with
/// a little per-row variation.
fn square_images(dir: &Path, pixels: usize) -> std::path::PathBuf {
    let header: Vec<String> = (0..pixels).map(|i| format!("p{i}")).collect();
    let mut text = format!("{},label\n", header.join(","));
    for r in 0..40 {
        let class = r % 2;
        let row: Vec<String> = (0..pixels)
            .map(|i| {
                let left = i % 4 < 2;
                let v = if left == (class == 1) { 200 + r } else { r % 7 };
                v.to_string()
            })
            .collect();
        text += &format!("{},{class}\n", row.join(","));
    }
    let path = dir.join(format!("images_{pixels}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_csv_of_square_images_trains_saves_and_predicts() {
    let dir = tempfile::tempdir().unwrap();
    let data = square_images(dir.path(), 16);
    let model = dir.path().join("cnn.safetensors");
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let r = json(&sigmoid(&[
        "train",
        "--data",
        data,
        "--conv",
        "3",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
        "--epochs",
        "30",
        "--batch-size",
        "8",
        "--save",
        model,
        "--json",
    ]));
    assert_eq!(r["data"]["labels"]["positive"], "label in {1}");
    assert_eq!(r["test"]["accuracy"], 1.0, "{}", r["test"]);
    let o = sigmoid(&["predict", "--model", model, "--data", data]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 41, "{out}");
}

#[test]
fn an_mlp_on_the_digits_sees_64_features() {
    let r = json(&sigmoid(&[
        "train", "--data", "digits", "--hidden", "8", "--epochs", "1", "--json",
    ]));
    assert_eq!(r["data"]["features"], 64);
    assert_eq!(
        r["model"]["layers"],
        serde_json::json!(["Dense(8, sigmoid)", "Dense(1, sigmoid)"])
    );
    assert_eq!(r["model"]["parameters"], 64 * 8 + 8 + 9);
}

#[test]
fn image_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let not_square = square_images(dir.path(), 15);
    fails(
        &[
            "train",
            "--data",
            not_square.to_str().unwrap(),
            "--conv",
            "2",
        ],
        &[
            "15 pixel columns",
            "do not make a square image",
            "(9 or 16 would)",
        ],
    );
    fails(&["train", "--conv", "2"], &["--conv needs image data"]);
    fails(
        &["train", "--data", "digits", "--conv", "0"],
        &["--conv", "at least one filter"],
    );
    fails(
        &["train", "--data", "digits", "--conv", "2,2,2,2"],
        &[
            "--conv",
            "max_pooling2d_3",
            "(None, 1, 1, 2)",
            "larger than the input",
        ],
    );
    fails(
        &[
            "train",
            "--data",
            "digits",
            "--conv",
            "2",
            "--positive",
            "0,x",
        ],
        &["\"x\" is not a class"],
    );
    fails(
        &[
            "train",
            "--data",
            "digits",
            "--conv",
            "2",
            "--positive",
            "12",
        ],
        &["no image has the class 12"],
    );
}
