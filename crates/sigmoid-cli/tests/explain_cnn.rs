//! `sigmoid explain cnn`: the saturation and centring measurements on a deep
//! CNN show what they show on the MLP (one seed, to stay fast).

use std::process::Command;

use serde_json::Value;

#[test]
fn deep_sigmoid_convolutions_lose_the_gradient_and_are_not_centred() {
    let dir = tempfile::tempdir().unwrap();
    let (sat, cen) = (dir.path().join("sat.svg"), dir.path().join("cen.svg"));
    let o = Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(["explain", "cnn", "--seeds", "1", "--json", "--out"])
        .arg(&sat)
        .arg("--centering-out")
        .arg(&cen)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["conv_layers"], 8);
    let row = |name: &str| {
        r["activations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["activation"] == name)
            .unwrap()
            .clone()
    };
    let f = |v: &Value| v.as_f64().unwrap();
    let (sigmoid, tanh, relu) = (row("sigmoid"), row("tanh"), row("relu"));
    assert_eq!(sigmoid["median_norms"].as_array().unwrap().len(), 9);
    // ① σ' ≤ 1/4 per layer: eight sigmoid convolutions lose orders of magnitude.
    assert!(f(&sigmoid["median_ratio"]) < 1e-3, "{sigmoid}");
    assert!(f(&tanh["median_ratio"]) > 0.1 && f(&relu["median_ratio"]) > 0.1);
    // ② sigmoid outputs sit near 0.5; tanh's near 0.
    assert!(f(&sigmoid["mean"]) > 0.4, "{sigmoid}");
    assert!(f(&tanh["mean"]).abs() < 0.1, "{tanh}");
    assert!(f(&sigmoid["single_sign_per_example"]) > f(&tanh["single_sign_per_example"]) + 0.2);
    for path in [&sat, &cen] {
        let svg = std::fs::read_to_string(path).unwrap();
        assert!(
            svg.starts_with("<svg") || svg.contains("<svg"),
            "{}",
            path.display()
        );
    }
}
