//! `sigmoid bench` end to end: a tiny run, its JSON, and forcing a path.

use std::process::Command;

fn bench(args: &[&str], isa: Option<&str>) -> (serde_json::Value, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sigmoid"));
    command.arg("bench").args(args);
    match isa {
        Some(isa) => command.env("SIGMOID_ISA", isa),
        None => command.env_remove("SIGMOID_ISA"),
    };
    let output = command.output().expect("run sigmoid bench");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "sigmoid bench failed: {stderr}");
    let json = serde_json::from_slice(&output.stdout).expect("bench --json prints JSON");
    (json, stderr)
}

#[test]
fn json_has_every_case_with_positive_numbers() {
    let (json, _) = bench(&["--sizes", "1k", "--json", "--reps", "3"], None);
    assert_eq!(json["dtype"], "f32");
    assert_eq!(json["threads"], 1);
    let isa = json["isa"].as_str().unwrap();
    assert!(["portable", "avx2", "avx512"].contains(&isa), "{isa}");
    let sizes = json["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1);
    assert_eq!(sizes[0]["size"], 1024);
    let results = sizes[0]["results"].as_array().unwrap();
    let cases: Vec<&str> = results
        .iter()
        .map(|r| r["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        cases,
        [
            "copy",
            "relu",
            "naive",
            "sigmoid",
            "tanh",
            "backward",
            "log_sigmoid"
        ]
    );
    for r in results {
        for field in ["ns_per_elem", "gelem_per_s", "gb_per_s"] {
            let v = r[field].as_f64().unwrap();
            assert!(v > 0.0 && v.is_finite(), "{field} = {v}");
        }
        assert!(r["samples"].as_u64().unwrap() >= 1);
    }
    for ratio in [
        "sigmoid_over_relu",
        "sigmoid_over_copy",
        "naive_over_sigmoid",
    ] {
        assert!(sizes[0][ratio].as_f64().unwrap() > 0.0, "{ratio}");
    }
}

#[test]
fn forcing_the_portable_path_and_threads_and_f64() {
    let (json, _) = bench(
        &[
            "--sizes",
            "1000",
            "--threads",
            "2",
            "--dtype",
            "f64",
            "--isa",
            "portable",
            "--json",
            "--reps",
            "3",
        ],
        None,
    );
    assert_eq!(json["isa"], "portable");
    assert_eq!(json["threads"], 2);
    assert_eq!(json["dtype"], "f64");
}

#[test]
fn an_unknown_path_warns_and_falls_back() {
    let (json, stderr) = bench(&["--sizes", "1k", "--json", "--reps", "3"], Some("sse9"));
    assert!(stderr.contains("SIGMOID_ISA=sse9"), "{stderr}");
    // It falls back to the path chosen without the variable.
    let (default, _) = bench(&["--sizes", "1k", "--json", "--reps", "3"], None);
    assert_eq!(json["isa"], default["isa"]);
    assert!(json["isa"].is_string());
}
