//! `sigmoid train` and `sigmoid predict`, end to end: the default run, the
//! MLP run, save/predict round trips, and every kind of bad input (one-line
//! message naming the file, row and column; exit code 2; no panic).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const BUNDLED: &str = sigmoid_nn::data::BREAST_CANCER_CSV;

fn sigmoid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run the sigmoid binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and checks a failure: exit code 2, one line on stderr starting with
/// "error: " and containing every `needle`, nothing that looks like a panic.
fn fails(args: &[&str], needles: &[&str]) -> String {
    let o = sigmoid(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: stderr {err}");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{args:?}: not one line: {err}"
    );
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }
    err
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("stdout is exactly one JSON document")
}

#[test]
fn default_run_reaches_the_reference_accuracy_and_prints_its_figures() {
    let o = sigmoid(&["train"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "455 training rows, 114 test rows",
        "Epoch 100/100 - loss: ",
        "Test accuracy: ",
        "Test loss: ",
        "Confusion matrix",
        "actual 0",
        "Time per epoch: median ",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let r = json(&sigmoid(&["train", "--json"]));
    let accuracy = r["test"]["accuracy"].as_f64().unwrap();
    assert!(accuracy >= 0.956, "test accuracy {accuracy}");
    assert_eq!(r["test"]["rows"], 114);
    assert_eq!(r["history"]["loss"].as_array().unwrap().len(), 100);
    let cm = &r["test"]["confusion_matrix"];
    let total: u64 = (0..2)
        .flat_map(|i| (0..2).map(move |j| (i, j)))
        .map(|(i, j)| cm[i][j].as_u64().unwrap())
        .sum();
    assert_eq!(total, 114);
}

#[test]
fn mlp_with_adam_trains() {
    let r = json(&sigmoid(&[
        "train",
        "--hidden",
        "16,16",
        "--optimizer",
        "adam",
        "--lr",
        "0.001",
        "--epochs",
        "200",
        "--json",
    ]));
    assert_eq!(r["model"]["parameters"], 30 * 16 + 16 + 16 * 16 + 16 + 17);
    assert!(r["test"]["accuracy"].as_f64().unwrap() >= 0.93);
    assert_eq!(r["history"]["accuracy"].as_array().unwrap().len(), 200);
}

#[test]
fn validation_split_and_options() {
    let r = json(&sigmoid(&[
        "train",
        "--epochs",
        "3",
        "--validation-split",
        "0.2",
        "--activation",
        "relu",
        "--hidden",
        "4",
        "--batch-size",
        "16",
        "--json",
    ]));
    assert_eq!(r["history"]["val_loss"].as_array().unwrap().len(), 3);
    assert_eq!(r["model"]["layers"][0], "Dense(4, relu)");
    // A usage error: clap's message (with its hint line) and exit code 2.
    let o = sigmoid(&["train", "--activation", "gelu"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: invalid value 'gelu' for '--activation"));
    fails(&["train", "--lr=-1"], &["--lr", "learning rate"]);
}

#[test]
fn predict_round_trips_a_saved_model() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.safetensors");
    let o = sigmoid(&["train", "--epochs", "20", "--save", s(&model)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Saved the model to"));
    let data = write(dir.path(), "all.csv", BUNDLED);
    let o = sigmoid(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("probability,class"));
    let rows: Vec<(f64, &str)> = lines
        .map(|l| {
            let (p, class) = l.split_once(',').unwrap();
            (p.parse().unwrap(), class)
        })
        .collect();
    for (p, class) in &rows {
        assert_eq!(*class, if *p > 0.5 { "1" } else { "0" });
    }
    let p: Vec<f64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(p.len(), 569);
    let labels: Vec<f64> = BUNDLED
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let correct = p
        .iter()
        .zip(&labels)
        .filter(|&(&p, &y)| (p > 0.5) == (y > 0.5))
        .count();
    assert!(correct as f64 / 569.0 > 0.95, "{correct}/569");

    // Without the target column, to a file: the same probabilities.
    let no_target: String = BUNDLED
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let features = write(dir.path(), "features.csv", &no_target);
    let out_path = dir.path().join("p.csv");
    let o = sigmoid(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&features),
        "--out",
        s(&out_path),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), out);
}

#[test]
fn bad_data_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "a,b,target\n";
    let missing = d.join("missing.csv");
    fails(&["train", "--data", s(&missing)], &["missing.csv"]);
    let empty = write(d, "empty.csv", "");
    fails(&["train", "--data", s(&empty)], &["empty.csv", "empty"]);
    let only = write(d, "header.csv", header);
    fails(
        &["train", "--data", s(&only)],
        &["header.csv", "no data rows"],
    );
    let ragged = write(d, "ragged.csv", &format!("{header}1,2,0\n1,2\n"));
    fails(
        &["train", "--data", s(&ragged)],
        &[
            "ragged.csv",
            "row 2 (line 3)",
            "2 fields, but the header has 3",
        ],
    );
    let text = write(d, "text.csv", &format!("{header}1,2,0\n1,abc,1\n"));
    fails(
        &["train", "--data", s(&text)],
        &[
            "text.csv",
            "row 2 (line 3)",
            "column 2 (\"b\")",
            "\"abc\" is not a number",
        ],
    );
    let nan = write(d, "nan.csv", &format!("{header}1,2,0\nNaN,2,1\n"));
    fails(
        &["train", "--data", s(&nan)],
        &[
            "nan.csv",
            "row 2 (line 3)",
            "column 1 (\"a\")",
            "not finite",
        ],
    );
    let inf = write(d, "inf.csv", &format!("{header}1,-inf,0\n1,2,1\n"));
    fails(
        &["train", "--data", s(&inf)],
        &[
            "inf.csv",
            "row 1 (line 2)",
            "column 2 (\"b\")",
            "not finite",
        ],
    );
    let labels = write(d, "labels.csv", &format!("{header}1,2,0\n1,2,2\n"));
    fails(
        &["train", "--data", s(&labels)],
        &[
            "labels.csv",
            "row 2 (line 3)",
            "column 3 (\"target\")",
            "not 0 or 1",
        ],
    );
    let ok = write(
        d,
        "ok.csv",
        &format!("{header}1,2,0\n3,4,1\n5,6,1\n7,8,0\n"),
    );
    fails(
        &["train", "--data", s(&ok), "--target", "label"],
        &["ok.csv", "no target column \"label\""],
    );
    let bad_test = write(d, "test.csv", "a,c,target\n1,2,0\n");
    fails(
        &["train", "--data", s(&ok), "--test", s(&bad_test)],
        &["test.csv", "column 2 is \"c\""],
    );
}

#[test]
fn bad_prediction_inputs_and_model_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = d.join("m.safetensors");
    let o = sigmoid(&["train", "--epochs", "1", "--save", s(&model), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // 29 features instead of 30.
    let short: String = BUNDLED
        .lines()
        .take(5)
        .map(|l| {
            l.split_once(',')
                .unwrap()
                .1
                .rsplit_once(',')
                .unwrap()
                .0
                .to_string()
                + "\n"
        })
        .collect();
    let short = write(d, "short.csv", &short);
    fails(
        &["predict", "--model", s(&model), "--data", s(&short)],
        &[
            "short.csv",
            "missing 1 of the model's 30 feature columns: \"mean_radius\"",
        ],
    );
    let mut lines: Vec<String> = BUNDLED.lines().take(4).map(str::to_string).collect();
    let (first, rest) = lines[2].split_once(',').unwrap();
    let rest = rest.split_once(',').unwrap().1;
    lines[2] = format!("{first},q,{rest}");
    let text = write(d, "bad.csv", &(lines.join("\n") + "\n"));
    fails(
        &["predict", "--model", s(&model), "--data", s(&text)],
        &[
            "bad.csv",
            "row 2 (line 3)",
            "column 2 (\"mean_texture\")",
            "\"q\" is not a number",
        ],
    );
    let data = write(d, "all.csv", BUNDLED);

    // Corrupt and truncated model files.
    let bytes = std::fs::read(&model).unwrap();
    let truncated = d.join("truncated.safetensors");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    fails(
        &["predict", "--model", s(&truncated), "--data", s(&data)],
        &["truncated.safetensors", "corrupt or truncated"],
    );
    let garbage = write(d, "garbage.safetensors", "this is not a model at all");
    fails(
        &["predict", "--model", s(&garbage), "--data", s(&data)],
        &["garbage.safetensors", "corrupt"],
    );
    let empty = write(d, "empty.safetensors", "");
    fails(
        &["predict", "--model", s(&empty), "--data", s(&data)],
        &["empty.safetensors", "empty"],
    );
    fails(
        &[
            "predict",
            "--model",
            s(&d.join("none.safetensors")),
            "--data",
            s(&data),
        ],
        &["none.safetensors"],
    );
}

#[test]
fn a_failed_save_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-dir").join("m.safetensors");
    fails(
        &["train", "--epochs", "1", "--save", s(&target)],
        &["m.safetensors"],
    );
    assert!(!target.exists());
    // A directory in the way: the rename fails, nothing is left behind.
    let blocked = dir.path().join("blocked.safetensors");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), "x").unwrap();
    fails(
        &["train", "--epochs", "1", "--save", s(&blocked)],
        &["blocked.safetensors"],
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("blocked.safetensors")]);
}

/// The bundled data with an `id` column first and the columns in reverse
/// order (target first): `predict` must match the features by name.
fn reordered_with_id() -> String {
    BUNDLED
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut cells: Vec<&str> = l.split(',').collect();
            cells.reverse();
            let id = if i == 0 {
                "id".to_string()
            } else {
                format!("row{i}")
            };
            format!("{id},{}\n", cells.join(","))
        })
        .collect()
}

#[test]
fn predict_matches_columns_by_name_passes_an_id_and_takes_a_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = d.join("m.safetensors");
    let o = sigmoid(&["train", "--epochs", "5", "--save", s(&model), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plain = sigmoid(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&write(d, "all.csv", BUNDLED)),
    ]);
    let shuffled = write(d, "shuffled.csv", &reordered_with_id());
    let o = sigmoid(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&shuffled),
        "--id",
        "id",
        "--threshold",
        "0.9",
        "--out",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("id,probability,class"));
    let plain_out = stdout(&plain);
    let mut above = 0;
    for (i, (line, plain_line)) in lines.zip(plain_out.lines().skip(1)).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], format!("row{}", i + 1));
        // Same probability text as with the columns in training order.
        assert_eq!(cells[1], plain_line.split(',').next().unwrap());
        let p: f32 = cells[1].parse().unwrap();
        assert_eq!(cells[2], if p > 0.9 { "1" } else { "0" });
        above += usize::from(p > 0.9);
        // Shortest round-trip notation: never the long fixed form.
        assert!(cells[1].len() <= 15, "{}", cells[1]);
    }
    assert!(above > 0 && above < 569);
    fails(
        &[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&shuffled),
            "--id",
            "nope",
        ],
        &["shuffled.csv", "no column \"nope\" for --id"],
    );
    fails(
        &[
            "predict",
            "--model",
            s(&model),
            "--data",
            s(&shuffled),
            "--threshold",
            "2",
        ],
        &["--threshold"],
    );
}

#[test]
fn predict_ignores_a_non_numeric_target_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let labelled: String = BUNDLED
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let (x, y) = l.rsplit_once(',').unwrap();
            let y = match (i, y) {
                (0, _) => "diagnosis",
                (_, "1") => "benign",
                _ => "malignant",
            };
            format!("{x},{y}\n")
        })
        .collect();
    let data = write(d, "labelled.csv", &labelled);
    let model = d.join("m.safetensors");
    let o = sigmoid(&[
        "train",
        "--data",
        s(&data),
        "--epochs",
        "5",
        "--save",
        s(&model),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The rule: the later of the two sorted strings is 1, and it is said.
    assert!(
        stdout(&o).contains("Labels: \"benign\" → 0, \"malignant\" → 1"),
        "{}",
        stdout(&o)
    );
    let o = sigmoid(&["predict", "--model", s(&model), "--data", s(&data)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let classes: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert!(classes.contains(&"benign") && classes.contains(&"malignant"));
    // --positive chooses the other way round.
    let o = sigmoid(&[
        "train",
        "--data",
        s(&data),
        "--epochs",
        "5",
        "--positive",
        "benign",
        "--json",
    ]);
    let r = json(&o);
    assert_eq!(r["data"]["labels"]["positive"], "benign");
    assert_eq!(r["data"]["labels"]["negative"], "malignant");
}

#[test]
fn tab_and_semicolon_files_and_a_long_header_stay_one_short_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tsv = write(d, "data.tsv", &BUNDLED.replace(',', "\t"));
    let r = json(&sigmoid(&[
        "train",
        "--data",
        s(&tsv),
        "--epochs",
        "3",
        "--json",
    ]));
    assert_eq!(r["data"]["features"], 30);
    let semi = write(d, "data.csv", &BUNDLED.replace(',', ";"));
    let r = json(&sigmoid(&[
        "train",
        "--data",
        s(&semi),
        "--epochs",
        "3",
        "--json",
        "--delimiter",
        "semicolon",
    ]));
    assert_eq!(r["data"]["features"], 30);
    // Forced to commas, the TSV header is one huge column: a short error.
    let err = fails(
        &["train", "--data", s(&tsv), "--delimiter", "comma"],
        &["data.tsv", "delimiter"],
    );
    assert!(err.len() < 300, "{} bytes: {err}", err.len());
}

#[test]
fn a_continuous_last_column_hints_at_target() {
    let dir = tempfile::tempdir().unwrap();
    let no_target: String = BUNDLED
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let data = write(dir.path(), "features.csv", &no_target);
    fails(
        &["train", "--data", s(&data)],
        &[
            "features.csv",
            "row 1 (line 2)",
            "is not 0 or 1",
            "different values",
            "--target NAME",
        ],
    );
}

#[test]
fn crlf_files_give_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "crlf.csv",
        "a,b,t\r\n1,2,0\r\n3,4,1\r\n5,x,0\r\n",
    );
    fails(&["train", "--data", s(&data)], &["row 3 (line 4)", "\"x\""]);
}

#[test]
fn single_class_and_divergence_warn() {
    let dir = tempfile::tempdir().unwrap();
    let ones: String = "a,b,t\n".to_string()
        + &(0..40)
            .map(|i| format!("{i},{},1\n", i % 7))
            .collect::<String>();
    let data = write(dir.path(), "ones.csv", &ones);
    let o = sigmoid(&["train", "--data", s(&data), "--epochs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: every training label is \"1\""),
        "{}",
        stderr(&o)
    );
    let o = sigmoid(&["train", "--lr", "1e9", "--epochs", "5", "--json"]);
    let r = json(&o);
    assert!(
        stderr(&o).contains("warning: training diverged"),
        "{}",
        stderr(&o)
    );
    assert!(r["warnings"][0].as_str().unwrap().contains("diverged"));
    // A normal run has no warning.
    let o = sigmoid(&["train", "--epochs", "5"]);
    assert_eq!(stderr(&o), "");
}

#[test]
fn negative_numbers_reach_the_option_checks() {
    fails(&["train", "--lr", "-1"], &["--lr", "positive"]);
    let o = sigmoid(&["train", "--seed", "-1"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("invalid value '-1' for '--seed"), "{err}");
    assert!(!err.contains("unexpected argument"), "{err}");
}

#[test]
fn an_unwritable_save_path_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no-such-dir").join("m.safetensors");
    let started = std::time::Instant::now();
    let o = sigmoid(&["train", "--epochs", "100000", "--save", s(&target)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--save"), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("Epoch 1/"),
        "trained first: {}",
        stdout(&o)
    );
    assert!(started.elapsed().as_secs() < 20);
    let out = dir.path().join("none").join("p.csv");
    let model = dir.path().join("m.safetensors");
    fails(
        &[
            "predict",
            "--model",
            s(&model),
            "--data",
            "x.csv",
            "--out",
            s(&out),
        ],
        &["--out"],
    );
}

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Saved models and prediction files get the mode a new file gets from the
/// umask (0644 under the usual 022), not a temporary file's 0600. Needs the
/// `write_atomic` fix in sigmoid-nn's io.rs (another branch).
#[cfg(unix)]
#[test]
fn output_files_get_the_umask_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // What the umask gives a new file here.
    let probe = d.join("probe");
    std::fs::write(&probe, "").unwrap();
    let expected = mode_of(&probe);
    let model = d.join("m.safetensors");
    let o = sigmoid(&["train", "--epochs", "1", "--save", s(&model), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode_of(&model), expected, "train --save");
    let out = d.join("p.csv");
    let data = write(d, "all.csv", BUNDLED);
    let o = sigmoid(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--out",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(mode_of(&out), expected, "predict --out");
}

#[test]
fn closed_pipes_end_train_and_predict_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.safetensors");
    let data = write(dir.path(), "all.csv", BUNDLED);
    for args in [
        vec!["train", "--epochs", "3", "--json", "--save", s(&model)],
        vec!["train", "--epochs", "3"],
        vec!["predict", "--model", s(&model), "--data", s(&data)],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sigmoid"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}
