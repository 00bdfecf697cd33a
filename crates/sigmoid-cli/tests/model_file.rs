//! Model files from the outside: a file crafted to overflow the safetensors
//! reader (issue 14) is a one-line error, and the files `train --save` and
//! `predict --out` write get the mode the umask gives a new file (issue 12).

use std::path::Path;
use std::process::{Command, Output};

fn sigmoid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run the sigmoid binary")
}

/// The 846-byte file of issue 14, built as its Python one-liner does: eight
/// `U8` tensors of shape `[2^61 − 1]` with contiguous `data_offsets` and no data.
fn overflowing_model() -> Vec<u8> {
    let s: u64 = (1 << 61) - 1;
    let entries: Vec<String> = (0..8_u64)
        .map(|i| {
            let name = char::from(b'a' + i as u8);
            format!(
                r#""{name}":{{"dtype":"U8","shape":[{s}],"data_offsets":[{},{}]}}"#,
                i * s,
                (i + 1) * s
            )
        })
        .collect();
    let header = format!("{{{}}}", entries.join(","));
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes
}

#[test]
fn an_overflowing_model_file_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("overflow.safetensors");
    let bytes = overflowing_model();
    assert_eq!(bytes.len(), 846);
    std::fs::write(&model, bytes).unwrap();
    let data = dir.path().join("rows.csv");
    std::fs::write(&data, "a,b\n1,2\n").unwrap();

    let o = sigmoid(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("overflow.safetensors: not a valid model file"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// Runs `sigmoid args` under `umask mask` (through `sh`, so that this test
/// process's own umask is left alone).
#[cfg(unix)]
fn sigmoid_with_umask(mask: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run sh")
}

#[cfg(unix)]
#[test]
fn written_files_get_the_umask_mode() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("rows.csv");
    // The bundled data's header and first five rows.
    let head: Vec<&str> = sigmoid_nn::data::BREAST_CANCER_CSV
        .lines()
        .take(6)
        .collect();
    std::fs::write(&data, head.join("\n") + "\n").unwrap();
    for (mask, expected) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
        let model = dir.path().join(format!("m{mask}.safetensors"));
        let out = dir.path().join(format!("p{mask}.csv"));
        let o = sigmoid_with_umask(
            mask,
            &["train", "--epochs", "1", "--save", model.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = sigmoid_with_umask(
            mask,
            &[
                "predict",
                "--model",
                model.to_str().unwrap(),
                "--data",
                data.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(mode(&model), expected, "model under umask {mask}");
        assert_eq!(mode(&out), expected, "predict --out under umask {mask}");
    }
}
