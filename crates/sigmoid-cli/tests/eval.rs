//! `sigmoid eval`: the table, JSON, stdin, and bad input.

use std::io::Write;
use std::process::{Command, Stdio};

fn sigmoid_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = sigmoid_bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sigmoid");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn table_has_every_value() {
    let (code, out, err) = run(&["eval", "0", "2.5", "-30", "inf", "nan"], None);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(lines[0].contains("sigmoid(x)") && lines[0].contains("log_sigmoid(x)"));
    assert!(
        lines[1]
            .split_whitespace()
            .eq(["0", "0.5", "0.25", "-0.6931471805599453"])
    );
    assert!(lines[4].split_whitespace().eq(["inf", "1", "0", "-0"]));
    assert!(lines[5].split_whitespace().all(|c| c == "NaN"));
}

#[test]
fn json_in_f32() {
    let (code, out, err) = run(
        &["eval", "--precision", "f32", "--json", "17", "-103.9"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    // No early saturation in f32: σ(17) < 1, σ(-103.9) > 0.
    let s17 = rows[0]["sigmoid"].as_f64().unwrap();
    assert!(s17 < 1.0 && s17 > 0.9999999, "{s17}");
    assert!(rows[1]["sigmoid"].as_f64().unwrap() > 0.0);
    assert_eq!(
        rows[0]["sigmoid"].as_f64().unwrap() as f32,
        sigmoid::sigmoid(17.0_f32)
    );
}

#[test]
fn reads_stdin_one_value_per_line() {
    let (code, out, err) = run(&["eval", "--json"], Some("1\n\n  -1 \n"));
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[1]["x"], -1.0);
}

#[test]
fn bad_token_names_it_and_exits_2() {
    let (code, out, err) = run(&["eval", "1", "abc"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("argument 2") && err.contains("\"abc\""),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");

    let (code, _, err) = run(&["eval"], Some("0.5\n1e\n"));
    assert_eq!(code, 2);
    assert!(
        err.contains("stdin line 2") && err.contains("\"1e\""),
        "{err}"
    );
}

#[test]
fn help_on_every_command() {
    for command in ["eval", "plot", "bench", "train", "predict", "explain"] {
        let (code, out, _) = run(&[command, "--help"], None);
        assert_eq!(code, 0, "{command} --help");
        assert!(out.contains("Usage: sigmoid"), "{command}: {out}");
    }
}

#[test]
fn values_may_start_with_a_hyphen() {
    let (code, out, err) = run(
        &[
            "eval", "--json", "-inf", "-1", "-1e5", "-nan", "-1e-5", "-.5",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let xs: Vec<&serde_json::Value> = rows.as_array().unwrap().iter().map(|r| &r["x"]).collect();
    assert_eq!(xs[0], "-inf");
    assert_eq!(xs[1], -1.0);
    assert_eq!(xs[2], -1e5);
    assert_eq!(xs[3], "nan");
    assert_eq!(xs[4], -1e-5);
    assert_eq!(xs[5], -0.5);

    // A table too, with the first value negative.
    let (code, out, err) = run(&["eval", "-inf"], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .eq(["-inf", "0", "0", "-inf"]),
        "{out}"
    );
}

#[test]
fn an_option_after_the_values_is_a_clear_error() {
    let (code, out, err) = run(&["eval", "-inf", "--json"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("argument 2") && err.contains("options go before the values"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn json_tells_infinities_and_nan_apart() {
    let (code, out, err) = run(&["eval", "--json", "inf", "-inf", "nan", "800"], None);
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let row = |i: usize, key: &str| rows[i][key].clone();
    assert_eq!(row(0, "x"), "inf");
    assert_eq!(row(0, "sigmoid"), 1.0);
    assert_eq!(row(1, "x"), "-inf");
    assert_eq!(row(1, "sigmoid"), 0.0);
    assert_eq!(row(1, "log_sigmoid"), "-inf");
    for key in ["x", "sigmoid", "sigmoid_derivative", "log_sigmoid"] {
        assert_eq!(row(2, key), "nan", "{key}");
    }
    // Finite values stay numbers.
    assert_eq!(row(3, "log_sigmoid"), -0.0);
    assert!(!out.contains("null"), "{out}");
}

#[test]
fn half_precisions() {
    // In f16, 0.1 is 0.0999755859375 and every result is an f16 value.
    let (code, out, err) = run(
        &["eval", "--precision", "f16", "--json", "0.1", "12", "-20"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let f16_of = |v: f64| half::f16::from_f64(v);
    assert_eq!(rows[0]["x"], f16_of(0.1).to_f64());
    for (i, x) in [0.1, 12.0, -20.0].into_iter().enumerate() {
        let x = f16_of(x);
        let got = rows[i]["sigmoid"].as_f64().unwrap();
        assert_eq!(got, sigmoid::sigmoid(x).to_f64(), "σ({x})");
        assert_eq!(f16_of(got).to_f64(), got, "an f16 value");
    }

    let (code, out, err) = run(&["eval", "--precision", "bf16", "0.1", "3"], None);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    // Shortest digits that round-trip in bf16, not f32's digits of the bf16 value.
    let x = lines[1].split_whitespace().next().unwrap();
    assert_eq!(x, "0.1", "{out}");
    let s3: f64 = lines[2].split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(
        half::bf16::from_f64(s3),
        sigmoid::sigmoid(half::bf16::from_f64(3.0)),
        "{out}"
    );
}
