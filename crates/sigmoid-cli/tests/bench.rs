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
fn json_has_every_case_in_every_tier_with_positive_numbers() {
    let (json, _) = bench(&["--sizes", "1k", "--json", "--reps", "3"], None);
    assert_eq!(json["threads"], 1);
    let isa = json["isa"].as_str().unwrap();
    assert!(["portable", "avx2", "avx512"].contains(&isa), "{isa}");
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["dtype"], "f32");
    let sizes = runs[0]["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1);
    assert_eq!(sizes[0]["size"], 1024);
    let results = sizes[0]["results"].as_array().unwrap();
    let cases: Vec<(&str, Option<&str>)> = results
        .iter()
        .map(|r| (r["case"].as_str().unwrap(), r["accuracy"].as_str()))
        .collect();
    assert_eq!(
        cases,
        [
            ("copy", None),
            ("relu", None),
            ("naive", None),
            ("sigmoid", Some("exact")),
            ("sigmoid", Some("default")),
            ("sigmoid", Some("fast")),
        ]
    );
    for r in results {
        for field in ["ns_per_elem", "gelem_per_s", "gb_per_s"] {
            let v = r[field].as_f64().unwrap();
            assert!(v > 0.0 && v.is_finite(), "{field} = {v}");
        }
        assert!(r["samples"].as_u64().unwrap() >= 1);
    }
    let ratios = sizes[0]["ratios"].as_array().unwrap();
    assert_eq!(ratios.len(), 3);
    for tier in ratios {
        for ratio in [
            "sigmoid_over_relu",
            "sigmoid_over_copy",
            "naive_over_sigmoid",
        ] {
            let v = tier[ratio].as_f64().unwrap();
            assert!(v > 0.0 && v.is_finite(), "{ratio} = {v}");
        }
    }
}

#[test]
fn one_tier_every_function_both_types() {
    let (json, _) = bench(
        &[
            "--sizes",
            "1000",
            "--accuracy",
            "fast",
            "--functions",
            "all",
            "--dtype",
            "f32,f64",
            "--json",
            "--reps",
            "2",
        ],
        None,
    );
    let runs = json["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["dtype"], "f64");
    let results = runs[1]["sizes"][0]["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|r| r["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "copy",
            "relu",
            "naive",
            "sigmoid",
            "sigmoid_derivative",
            "log_sigmoid",
            "softplus",
            "tanh",
            "backward"
        ]
    );
    assert!(results[3..8].iter().all(|r| r["accuracy"] == "fast"));
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
    assert_eq!(json["runs"][0]["dtype"], "f64");
}

#[test]
fn an_unknown_path_in_the_environment_warns_and_falls_back() {
    let (json, stderr) = bench(&["--sizes", "1k", "--json", "--reps", "3"], Some("sse9"));
    assert!(stderr.contains("SIGMOID_ISA=sse9"), "{stderr}");
    assert!(["portable", "avx2", "avx512"].contains(&json["isa"].as_str().unwrap()));
}

#[test]
fn bad_flags_are_one_line_errors() {
    for (args, expected) in [
        (&["--isa", "sse9"][..], "unknown instruction set"),
        (&["--accuracy", "best"][..], "unknown accuracy"),
        (&["--functions", "swish"][..], "unknown function"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_sigmoid"))
            .arg("bench")
            .args(["--sizes", "1k", "--reps", "1"])
            .args(args)
            .output()
            .expect("run sigmoid bench");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
