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
