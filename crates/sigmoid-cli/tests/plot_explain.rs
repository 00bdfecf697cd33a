//! `sigmoid plot` and `sigmoid explain`: the images decode, the numbers agree
//! with the closed forms and, in order of magnitude, with the Keras references.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sigmoid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .output()
        .expect("run the sigmoid binary")
}

/// Runs a command that must succeed and returns its stdout.
fn ok(args: &[&str]) -> String {
    let out = sigmoid(args);
    assert!(
        out.status.success(),
        "sigmoid {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 stdout")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("valid JSON on stdout")
}

/// Runs a command that must fail with one clear line on stderr, no panic.
fn fails(args: &[&str], needle: &str) {
    let out = sigmoid(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "sigmoid {args:?}: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "sigmoid {args:?} panicked: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
}

fn assert_png(path: &Path) {
    let decoder = png::Decoder::new(File::open(path).expect("the PNG exists"));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG pixel data");
    assert_eq!((info.width, info.height), (1000, 620), "{}", path.display());
    // Not a blank image: some pixels are not white.
    let coloured = buf.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count();
    assert!(
        coloured > 1000,
        "{}: only {coloured} non-white pixels",
        path.display()
    );
}

fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).expect("the SVG exists");
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("1000"));
    assert!(doc.descendants().any(|n| n.has_tag_name("text")), "labels");
    assert!(
        doc.descendants().any(|n| n.has_tag_name("polyline")),
        "curves"
    );
}

fn closed_form_bound(c: f64) -> f64 {
    let r = (1.0 - 4.0 * c).sqrt();
    ((1.0 + r) / (1.0 - r)).ln()
}

#[test]
fn plot_png_and_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sigmoid.png");
    let stdout = ok(&["plot", "--out", path.to_str().unwrap()]);
    assert!(stdout.contains("|x| < 4.584863"), "{stdout}");
    assert!(
        stdout.contains("0.010102") && stdout.contains("0.989898"),
        "{stdout}"
    );
    assert_png(&path);
}

#[test]
fn plot_svg_json_zone_matches_closed_form() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.SVG");
    for c in ["0.01", "0.1", "0.2", "1e-6"] {
        let v = json(&[
            "plot",
            "--out",
            path.to_str().unwrap(),
            "--from",
            "-8",
            "--to",
            "8",
            "--zone",
            c,
            "--json",
        ]);
        let c: f64 = c.parse().unwrap();
        let bound = v["zone"]["x_bound"].as_f64().unwrap();
        assert!(
            (bound - closed_form_bound(c)).abs() < 1e-9,
            "c = {c}: {bound}"
        );
        // σ' at the bound is c, and σ there is the printed upper value.
        assert!((sigmoid::sigmoid_derivative(bound) - c).abs() < 1e-9 * c.max(1e-3));
        let high = v["zone"]["sigmoid_high"].as_f64().unwrap();
        assert!((sigmoid::sigmoid(bound) - high).abs() < 1e-12);
        assert_svg(&path);
    }
    let v = json(&["plot", "--out", path.to_str().unwrap(), "--json"]);
    assert!((v["zone"]["x_bound"].as_f64().unwrap() - 4.585).abs() < 1e-3);
}

#[test]
fn plot_bad_input_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("a.png");
    let png = png.to_str().unwrap();
    fails(
        &["plot", "--out", png, "--from", "3", "--to", "1"],
        "--from",
    );
    fails(
        &["plot", "--out", png, "--from", "1", "--to", "1"],
        "--from",
    );
    fails(&["plot", "--out", png, "--zone", "0.3"], "--zone");
    fails(&["plot", "--out", png, "--zone", "0"], "--zone");
    fails(&["plot", "--out", png, "--zone", "-0.1"], "--zone");
    let jpg = dir.path().join("a.jpg");
    fails(&["plot", "--out", jpg.to_str().unwrap()], "extension");
    // A path below a regular file cannot be written, even by root.
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let below = file.join("x.png");
    fails(&["plot", "--out", below.to_str().unwrap()], "cannot write");
    assert!(!Path::new(png).exists());
}

#[test]
fn saturation_sigmoid_gradient_vanishes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saturation.png");
    let v = json(&[
        "explain",
        "saturation",
        "--seeds",
        "3",
        "--out",
        path.to_str().unwrap(),
        "--json",
    ]);
    assert_png(&path);
    let ratio = |name: &str| {
        v["activations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["activation"] == name)
            .unwrap_or_else(|| panic!("{name} row"))["median_ratio"]
            .as_f64()
            .unwrap()
    };
    // Keras: sigmoid ~4e-6, tanh ~0.8, relu ~1.0.
    assert!(ratio("sigmoid") < 1e-3, "sigmoid {}", ratio("sigmoid"));
    assert!(ratio("sigmoid") > 1e-8, "sigmoid {}", ratio("sigmoid"));
    assert!(ratio("tanh") > 1e-1, "tanh {}", ratio("tanh"));
    assert!(ratio("relu") > 1e-1, "relu {}", ratio("relu"));
    for r in v["activations"].as_array().unwrap() {
        assert_eq!(r["median_norms"].as_array().unwrap().len(), 11);
        assert_eq!(r["ratios"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn saturation_text_table() {
    let stdout = ok(&["explain", "saturation", "--seeds", "1"]);
    assert!(stdout.contains("median ratio"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("out ")), "{stdout}");
}

#[test]
fn centering_sigmoid_outputs_are_positive() {
    let dir = tempfile::tempdir().unwrap();
    let fig = dir.path().join("centering.svg");
    let zig = dir.path().join("zigzag.png");
    let v = json(&[
        "explain",
        "centering",
        "--seeds",
        "2",
        "--out",
        fig.to_str().unwrap(),
        "--zigzag-out",
        zig.to_str().unwrap(),
        "--json",
    ]);
    assert_svg(&fig);
    assert_png(&zig);
    let row = |name: &str| {
        v["activations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["activation"] == name)
            .unwrap_or_else(|| panic!("{name} row"))
            .clone()
    };
    let (sig, tanh) = (row("sigmoid"), row("tanh"));
    // Keras: sigmoid activations average 0.49, 100% single-signed; tanh 0.00 and 0%.
    assert!((sig["mean"].as_f64().unwrap() - 0.5).abs() < 0.05, "{sig}");
    assert!(tanh["mean"].as_f64().unwrap().abs() < 0.15, "{tanh}");
    assert!(sig["single_sign_per_example_overall"].as_f64().unwrap() > 0.99);
    assert!(tanh["single_sign_per_example_overall"].as_f64().unwrap() < 0.05);
    assert_eq!(sig["layer_mean"].as_array().unwrap().len(), 10);
    assert_eq!(sig["single_sign_per_batch"].as_array().unwrap().len(), 11);
    let paths = v["zigzag"]["paths"].as_array().unwrap();
    assert_eq!(paths[0]["same_direction_steps"].as_f64(), Some(1.0));
    assert!(paths[1]["same_direction_steps"].as_f64().unwrap() < 0.8);
}

#[test]
fn cost_small_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cost.svg");
    let v = json(&[
        "explain",
        "cost",
        "--small",
        "1024",
        "--large",
        "65536",
        "--reps",
        "3",
        "--out",
        path.to_str().unwrap(),
        "--json",
    ]);
    assert_svg(&path);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["ratio_small"].as_f64(), Some(1.0));
    for r in rows {
        for key in [
            "ns_per_element_small",
            "ns_per_element_large",
            "ratio_small",
            "ratio_large",
        ] {
            let x = r[key].as_f64().unwrap();
            assert!(x.is_finite() && x > 0.0, "{key} = {x}");
        }
    }
    assert!(v["verdict"].as_str().unwrap().contains("6×"));
}

#[test]
fn explain_all_writes_figures_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let stdout = ok(&[
        "explain",
        "all",
        "--out-dir",
        out.to_str().unwrap(),
        "--seeds",
        "1",
        "--small",
        "1024",
        "--large",
        "65536",
        "--reps",
        "2",
    ]);
    assert!(stdout.contains("report.md"), "{stdout}");
    for name in [
        "sigmoid",
        "saturation",
        "centering",
        "zigzag",
        "cnn_saturation",
        "cnn_centering",
        "cost",
    ] {
        assert_png(&out.join(format!("{name}.png")));
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for needle in [
        "![",
        "saturation.png",
        "zigzag.png",
        "① ",
        "② ",
        "③ ",
        "| sigmoid |",
        "cnn_saturation.png",
        "after a convolution",
    ] {
        assert!(report.contains(needle), "{needle:?} missing from report.md");
    }
}

#[test]
fn explain_bad_input_is_one_line() {
    fails(&["explain", "saturation", "--seeds", "0"], "--seeds");
    fails(
        &["explain", "saturation", "--seeds", "1", "--out", "x.gif"],
        "extension",
    );
    fails(
        &[
            "explain",
            "centering",
            "--seeds",
            "1",
            "--zigzag-out",
            "x.bmp",
        ],
        "extension",
    );
    fails(&["explain", "cost", "--small", "8"], "--small");
    fails(&["explain", "cost", "--reps", "0"], "--reps");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    fails(
        &[
            "explain",
            "all",
            "--out-dir",
            file.join("sub").to_str().unwrap(),
            "--seeds",
            "1",
        ],
        "cannot create",
    );
}

/// Runs `sigmoid args` with stdout a pipe whose reading end is closed at
/// once, as `sigmoid ... | head -0` would: the command must end quietly
/// with success.
fn closed_pipe_is_quiet(args: &[&str]) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sigmoid"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sigmoid");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{args:?}: {:?} {err}", o.status);
    assert_eq!(err, "", "{args:?}");
}

#[test]
fn plot_json_into_a_closed_pipe_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.svg");
    closed_pipe_is_quiet(&["plot", "--json", "--out", out.to_str().unwrap()]);
    closed_pipe_is_quiet(&["plot", "--out", out.to_str().unwrap()]);
}

/// Curves are drawn in finer coordinates than whole output pixels: the SVG
/// is shown at 1000 × 620 with a 4× viewBox, and the σ polyline's points
/// are not all on the output pixel grid (before, every point was snapped
/// to a whole pixel and the curves were stair-stepped). The PNG is the
/// average of 4 × 4 samples per pixel, so the curve has blended edges.
#[test]
fn figures_are_drawn_below_the_pixel_grid() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("s.svg");
    ok(&["plot", "--out", svg_path.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("1000"));
    assert_eq!(root.attribute("height"), Some("620"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 4000 2480"));
    let scale = 4.0;
    let mut on_grid = 0;
    let mut off_grid = 0;
    for node in doc.descendants().filter(|n| n.has_tag_name("polyline")) {
        for pair in node.attribute("points").unwrap_or("").split_whitespace() {
            let (_, y) = pair.split_once(',').unwrap();
            let y: f64 = y.parse().unwrap();
            if (y / scale).fract() == 0.0 {
                on_grid += 1;
            } else {
                off_grid += 1;
            }
        }
    }
    assert!(
        off_grid > on_grid,
        "{off_grid} points off the pixel grid, {on_grid} on it"
    );

    // PNG: along the σ curve there are blended shades between the line's
    // blue and the white background, not only the two.
    let png_path = dir.path().join("s.png");
    ok(&["plot", "--out", png_path.to_str().unwrap()]);
    let decoder = png::Decoder::new(File::open(&png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1000, 620));
    let blended = buf
        .chunks_exact(3)
        .filter(|p| {
            // Between blue (31, 119, 180) and white, strictly.
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            r > 40 && r < 240 && b > r + 20 && (b - r) < 150 && g > r
        })
        .count();
    assert!(blended > 500, "{blended} blended blue pixels");
}
