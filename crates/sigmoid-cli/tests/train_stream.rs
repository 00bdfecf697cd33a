//! `sigmoid train --stream` and `--memory-limit`: the same model as in
//! memory, errors found before training, and the options it refuses.

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

/// The bundled breast-cancer rows, numbers only, written as a CSV file.
fn write_rows(path: &Path, rows: std::ops::Range<usize>) {
    let text = sigmoid_nn::data::BREAST_CANCER_CSV;
    let mut lines = text.lines();
    let mut out = String::from(lines.next().unwrap());
    out.push('\n');
    for line in lines.skip(rows.start).take(rows.len()) {
        out += line;
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn streaming_without_shuffling_trains_the_in_memory_model() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = (dir.path().join("train.csv"), dir.path().join("test.csv"));
    write_rows(&train, 0..450);
    write_rows(&test, 450..569);
    let common = [
        "train",
        "--data",
        train.to_str().unwrap(),
        "--test",
        test.to_str().unwrap(),
        "--epochs",
        "5",
        "--no-shuffle",
        "--json",
    ];
    let in_memory = json(&sigmoid(&common));
    let streamed = json(&sigmoid(&[&common[..], &["--stream"]].concat()));
    assert_eq!(in_memory["history"]["loss"], streamed["history"]["loss"]);
    assert_eq!(in_memory["test"], streamed["test"]);
    assert_eq!(streamed["data"]["train_rows"], 450);
    assert_eq!(streamed["data"]["test_rows"], 119);

    // A memory limit below the data's size streams it, and says so.
    let o = sigmoid(&[&common[..], &["--memory-limit", "1K"]].concat());
    assert!(String::from_utf8_lossy(&o.stderr).contains("streaming it"));
    assert_eq!(json(&o)["test"], in_memory["test"]);
}

#[test]
fn a_bad_row_mid_file_stops_before_training_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    write_rows(&data, 0..569);
    let text = std::fs::read_to_string(&data).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[300].split(',').collect();
    cells[1] = "x1";
    lines[300] = cells.join(",");
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let model = dir.path().join("m.safetensors");
    let args = [
        "train",
        "--data",
        data.to_str().unwrap(),
        "--save",
        model.to_str().unwrap(),
    ];
    let in_memory = sigmoid(&args);
    let streamed = sigmoid(&[&args[..], &["--stream"]].concat());
    assert_eq!(streamed.status.code(), Some(2));
    let message = String::from_utf8_lossy(&streamed.stderr);
    assert!(
        message.contains("row 300 (line 301), column 2"),
        "{message}"
    );
    assert_eq!(message, String::from_utf8_lossy(&in_memory.stderr));
    assert!(streamed.stdout.is_empty());
    assert!(!model.exists());
}

#[test]
fn options_a_stream_cannot_honour_are_refused() {
    for (extra, expected) in [
        (&["--optimizer", "lbfgs"][..], "not lbfgs"),
        (&["--validation-split", "0.2"][..], "no --validation-split"),
        (&["--memory-limit", "12X"][..], "not K, M, G or T"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("d.csv");
        write_rows(&data, 0..100);
        let o = sigmoid(
            &[
                &["train", "--stream", "--data", data.to_str().unwrap()][..],
                extra,
            ]
            .concat(),
        );
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let message = String::from_utf8_lossy(&o.stderr);
        assert!(message.contains(expected), "{message}");
    }
    let o = sigmoid(&["train", "--stream"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --data"));
}
