//! Checks the forward pass, the loss, every gradient and one SGD step of a
//! small CNN against `tests/data/conv_reference.json` (computed in float64,
//! stored in Keras' conventions: channels-last inputs, kernels
//! `[kh, kw, in, out]`): Conv2D(4, 3×3, valid, sigmoid) → Conv2D(3, 3×3,
//! same, sigmoid) → MaxPooling2D(2×2) → Flatten → Dense(1, sigmoid), binary
//! cross-entropy from the logits, SGD lr 0.1 on the 4-image batch.

use ndarray::{Array1, Array2};
use serde_json::Value;
use sigmoid_nn::{
    Activation, Conv2D, Dense, FitOptions, Flatten, Loss, MaxPooling2D, Padding, Sequential, Sgd,
};

/// Our float32 values must match the float64 reference to this relative error.
const TOLERANCE: f64 = 1e-5;

fn reference() -> Value {
    serde_json::from_str(include_str!("data/conv_reference.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap()],
        other => panic!("not a number: {other}"),
    }
}

fn f32s(v: &Value) -> Vec<f32> {
    floats(v).into_iter().map(|x| x as f32).collect()
}

/// Elementwise relative difference, for values away from 0 (activations,
/// probabilities, the loss).
fn elementwise(ours: impl IntoIterator<Item = f32>, reference: &[f64]) -> f64 {
    let ours: Vec<f32> = ours.into_iter().collect();
    assert_eq!(ours.len(), reference.len());
    ours.iter()
        .zip(reference)
        .map(|(a, b)| (f64::from(*a) - b).abs() / b.abs())
        .fold(0.0, f64::max)
}

/// Max-norm relative difference, max|ours − ref| / max|ref|, for gradients
/// and weights, where single entries can be near 0.
fn normwise(ours: impl IntoIterator<Item = f32>, reference: &[f64]) -> f64 {
    let ours: Vec<f32> = ours.into_iter().collect();
    assert_eq!(ours.len(), reference.len());
    let scale = reference.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    ours.iter()
        .zip(reference)
        .map(|(a, b)| (f64::from(*a) - b).abs() / scale)
        .fold(0.0, f64::max)
}

const PARAMETERS: [(&str, usize); 3] = [("conv1", 0), ("conv2", 1), ("dense", 4)];

fn model(r: &Value) -> Sequential {
    let mut model = Sequential::with_input_shape(&[8, 8, 1], 0).unwrap();
    model
        .add(Conv2D::new(4, (3, 3)).activation(Activation::Sigmoid))
        .add(
            Conv2D::new(3, (3, 3))
                .padding(Padding::Same)
                .activation(Activation::Sigmoid),
        )
        .add(MaxPooling2D::new((2, 2)))
        .add(Flatten::new())
        .add(Dense::new(1).activation(Activation::Sigmoid));
    for (name, index) in PARAMETERS {
        let layer = &mut model.layers_mut()[index];
        // Keras' [kh, kw, in, out] in row-major order is our 2-D kernel.
        let shape = layer.kernel().raw_dim();
        let kernel =
            Array2::from_shape_vec(shape, f32s(&r["initial"][format!("{name}.kernel")])).unwrap();
        let bias = Array1::from_vec(f32s(&r["initial"][format!("{name}.bias")]));
        layer.set_weights(kernel, bias).unwrap();
    }
    model
}

fn data(r: &Value) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_vec((4, 64), f32s(&r["input_nhwc"])).unwrap();
    let y = Array2::from_shape_vec((4, 1), f32s(&r["labels"])).unwrap();
    (x, y)
}

#[test]
fn forward_backward_and_one_sgd_step_match_the_float64_reference() {
    let r = reference();
    let mut model = model(&r);
    let (x, y) = data(&r);
    let mut worst = Vec::new();

    let traces = model.forward_trace(&x);
    for (name, index) in [("conv1", 0), ("conv2", 1), ("pool", 2), ("flatten", 3)] {
        let e = elementwise(
            traces[index].output.iter().copied(),
            &floats(&r["activations"][name]),
        );
        worst.push((format!("activations {name}"), e));
    }
    let p = elementwise(
        traces[4].output.iter().copied(),
        &floats(&r["activations"]["probabilities"]),
    );
    worst.push(("probabilities".into(), p));
    let loss = model.evaluate(&x, &y).unwrap().loss;
    let reference_loss = r["loss"].as_f64().unwrap();
    worst.push((
        "loss".into(),
        (loss - reference_loss).abs() / reference_loss,
    ));

    let grads = model.gradients(&x, &y).unwrap();
    for (name, index) in PARAMETERS {
        let g = &grads[index];
        let k = normwise(
            g.kernel.iter().copied(),
            &floats(&r["gradients"][format!("{name}.kernel")]),
        );
        let b = normwise(
            g.bias.iter().copied(),
            &floats(&r["gradients"][format!("{name}.bias")]),
        );
        worst.push((format!("gradient {name}.kernel"), k));
        worst.push((format!("gradient {name}.bias"), b));
    }
    for empty in [2, 3] {
        assert!(grads[empty].kernel.is_empty() && grads[empty].bias.is_empty());
    }

    model
        .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[])
        .unwrap();
    model
        .fit(
            &x,
            &y,
            FitOptions::new().epochs(1).batch_size(4).shuffle(false),
        )
        .unwrap();
    let after = &r["after_one_sgd_step_lr_0.1"];
    for (name, index) in PARAMETERS {
        let layer = &model.layers()[index];
        let k = normwise(
            layer.kernel().iter().copied(),
            &floats(&after[format!("{name}.kernel")]),
        );
        let b = normwise(
            layer.bias().iter().copied(),
            &floats(&after[format!("{name}.bias")]),
        );
        worst.push((format!("after SGD {name}.kernel"), k));
        worst.push((format!("after SGD {name}.bias"), b));
    }

    for (what, e) in &worst {
        println!("{what:<28} {e:.2e}");
    }
    let (what, e) = worst.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    println!("largest relative difference: {e:.2e} ({what})");
    for (what, e) in &worst {
        assert!(*e < TOLERANCE, "{what}: relative difference {e:.2e}");
    }
}

#[test]
fn the_reference_model_survives_a_save_and_load() {
    let r = reference();
    let model = model(&r);
    let (x, _) = data(&r);
    let back = Sequential::from_bytes(&model.to_bytes().unwrap()).unwrap();
    assert_eq!(back.input_shape(), [8, 8, 1]);
    assert_eq!(back.layers(), model.layers());
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap());
}
