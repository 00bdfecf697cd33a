//! Behaviour of Dense / Sequential beyond the Keras replay.

use ndarray::{Array1, Array2, array};
use sigmoid_nn::{
    Activation, Adam, Dense, EarlyStopping, FitOptions, Loss, Metric, Monitor, NnError, Sequential,
    Sgd,
};

fn toy(n: usize, features: usize, outputs: usize) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((n, features), |(i, j)| {
        (((i * 7 + j * 13) % 17) as f32 - 8.0) / 5.0
    });
    let y = Array2::from_shape_fn((n, outputs), |(i, k)| {
        f32::from(u8::from(
            x[[i, k % features]] + 0.5 * x[[i, (k + 1) % features]] > 0.0,
        ))
    });
    (x, y)
}

fn mlp(hidden: Activation, last: Activation, outputs: usize) -> Sequential {
    let mut model = Sequential::with_seed(4, 3);
    model
        .add(Dense::new(5).activation(hidden))
        .add(Dense::new(3).activation(hidden))
        .add(Dense::new(outputs).activation(last));
    model
}

fn loss(model: &Sequential, x: &Array2<f32>, y: &Array2<f32>) -> f64 {
    model.evaluate(x, y).unwrap().loss
}

#[test]
fn gradients_match_finite_differences() {
    let (x, y) = toy(9, 4, 2);
    for hidden in Activation::ALL {
        // Sigmoid: the loss from the logits; hard sigmoid: from clipped probabilities.
        for last in [Activation::Sigmoid, Activation::HardSigmoid] {
            let model = mlp(hidden, last, 2);
            let grads = model.gradients(&x, &y).unwrap();
            assert_eq!(grads.len(), 3);
            for (l, g) in grads.iter().enumerate() {
                assert_eq!(g.kernel.dim(), model.layers()[l].kernel().dim());
                for idx in [(0, 0), (1, 1)] {
                    let h = 1e-2_f32;
                    let probe = |delta: f32| {
                        let mut m = model.clone();
                        let layer = &mut m.layers_mut()[l];
                        let mut k = layer.kernel().clone();
                        k[idx] += delta;
                        let b = layer.bias().clone();
                        layer.set_weights(k, b).unwrap();
                        loss(&m, &x, &y)
                    };
                    let fd = (probe(h) - probe(-h)) / (2.0 * f64::from(h));
                    let an = f64::from(g.kernel[idx]);
                    assert!(
                        (fd - an).abs() < 2e-3 + 2e-2 * an.abs(),
                        "{hidden}/{last} layer {l} {idx:?}: fd {fd} analytic {an}"
                    );
                }
            }
        }
    }
}

#[test]
fn forward_trace_is_consistent_with_predict() {
    let (x, _) = toy(6, 4, 1);
    let model = mlp(Activation::Tanh, Activation::Sigmoid, 1);
    let trace = model.forward_trace(&x);
    assert_eq!(trace.len(), 3);
    assert_eq!(trace[0].pre_activation.dim(), (6, 5));
    let expected = x.dot(model.layers()[0].kernel()) + model.layers()[0].bias();
    for (a, b) in trace[0].pre_activation.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-6);
    }
    assert_eq!(trace[2].output, model.predict(&x).unwrap());
}

#[test]
fn same_seed_same_shapes_same_kernels_whatever_the_activations() {
    let a = mlp(Activation::Relu, Activation::Sigmoid, 1);
    let b = mlp(Activation::Sigmoid, Activation::Linear, 1);
    for (la, lb) in a.layers().iter().zip(b.layers()) {
        assert_eq!(la.kernel(), lb.kernel());
        assert!(la.bias().iter().all(|&v| v == 0.0));
    }
    // glorot_uniform bound for the first layer: √(6 / (4 + 5)).
    let limit = (6.0_f32 / 9.0).sqrt();
    assert!(a.layers()[0].kernel().iter().all(|v| v.abs() <= limit));
    let c = Sequential::with_seed(4, 4).add(Dense::new(5)).clone();
    assert_ne!(c.layers()[0].kernel(), a.layers()[0].kernel());
}

#[test]
fn multi_label_training_learns_both_outputs() {
    let (x, y) = toy(200, 4, 2);
    let mut model = Sequential::with_seed(4, 1);
    model
        .add(Dense::new(16).activation(Activation::Relu))
        .add(Dense::new(2).activation(Activation::Sigmoid));
    model
        .compile(
            Adam::new(0.01),
            Loss::BinaryCrossentropy,
            &[Metric::Accuracy],
        )
        .unwrap();
    let history = model
        .fit(&x, &y, FitOptions::new().epochs(60).validation_split(0.2))
        .unwrap();
    assert_eq!(history.loss.len(), 60);
    assert_eq!(history.val_loss.len(), 60);
    assert!(history.loss[59] < history.loss[0] / 2.0);
    assert!(
        *history.accuracy.last().unwrap() > 0.9,
        "{:?}",
        history.accuracy.last()
    );
    assert_eq!(model.predict(&x).unwrap().dim(), (200, 2));
}

#[test]
fn adam_follows_the_keras_formula() {
    // One weight, one step: w1 = w0 − lr_t·m/(√v + ε), m = 0.1 g, v = 0.001 g².
    let x = array![[1.0_f32]];
    let y = array![[1.0_f32]];
    let mut model = Sequential::new(1);
    let mut layer = Dense::new(1).activation(Activation::Sigmoid);
    layer.set_weights(array![[0.0]], array![0.0]).unwrap();
    model.add(layer);
    model
        .compile(Adam::new(0.1), Loss::BinaryCrossentropy, &[])
        .unwrap();
    model.fit(&x, &y, FitOptions::new().epochs(1)).unwrap();
    let g = 0.5_f64 - 1.0; // σ(0) − y
    let lr_t = 0.1 * (1.0 - 0.999_f64).sqrt() / (1.0 - 0.9);
    let (m, v) = (0.1 * g, 0.001 * g * g);
    let expected = -lr_t * m / (v.sqrt() + 1e-7);
    let w = f64::from(model.layers()[0].kernel()[[0, 0]]);
    assert!((w - expected).abs() < 1e-6, "{w} vs {expected}");
}

#[test]
fn sgd_momentum_and_nesterov_move_further_than_plain() {
    let (x, y) = toy(64, 4, 1);
    let run = |opt: Sgd| {
        let mut model = mlp(Activation::Tanh, Activation::Sigmoid, 1);
        model.compile(opt, Loss::BinaryCrossentropy, &[]).unwrap();
        let h = model
            .fit(&x, &y, FitOptions::new().epochs(5).seed(1))
            .unwrap();
        *h.loss.last().unwrap()
    };
    let plain = run(Sgd::new(0.05));
    let momentum = run(Sgd::new(0.05).momentum(0.9));
    let nesterov = run(Sgd::new(0.05).momentum(0.9).nesterov(true));
    assert!(
        momentum < plain && nesterov < plain,
        "{plain} {momentum} {nesterov}"
    );
}

#[test]
fn non_finite_loss_stops_training_with_an_error() {
    // An infinite feature gives an infinite logit: the loss is +∞.
    let x = array![[f32::INFINITY], [1.0]];
    let y = array![[0.0_f32], [0.0]];
    let mut model = Sequential::new(1);
    let mut layer = Dense::new(1).activation(Activation::Sigmoid);
    layer.set_weights(array![[1.0]], array![0.0]).unwrap();
    model.add(layer);
    model
        .compile(Sgd::new(1.0), Loss::BinaryCrossentropy, &[])
        .unwrap();
    let e = model
        .fit(&x, &y, FitOptions::new().epochs(3).shuffle(false))
        .unwrap_err();
    assert!(
        matches!(
            e,
            NnError::NonFiniteLoss {
                epoch: 1,
                batch: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("epoch 1, batch 1"), "{e}");
}

#[test]
fn early_stopping_stops() {
    let (x, y) = toy(64, 4, 1);
    let mut model = mlp(Activation::Relu, Activation::Sigmoid, 1);
    model
        .compile(Sgd::new(0.0001), Loss::BinaryCrossentropy, &[])
        .unwrap();
    let h = model
        .fit(
            &x,
            &y,
            FitOptions::new().epochs(1000).callback(
                EarlyStopping::new(Monitor::Loss)
                    .min_delta(0.01)
                    .patience(2),
            ),
        )
        .unwrap();
    assert_eq!(h.stopped_epoch, Some(3));
    assert_eq!(h.loss.len(), 3);
}

/// Validation labels that are the opposite of the training labels: the
/// better the model fits, the worse its validation loss, so the best
/// validation epoch is early and the last is worse.
fn diverging_validation() -> (Array2<f32>, Array2<f32>, Array2<f32>) {
    let (x, y) = toy(64, 4, 1);
    let y_val = y.mapv(|v| 1.0 - v);
    (x, y, y_val)
}

fn train_watching_val_loss(restore: bool) -> (Sequential, Vec<f64>, EarlyStopping) {
    let (x, y, y_val) = diverging_validation();
    let mut model = mlp(Activation::Tanh, Activation::Sigmoid, 1);
    model
        .compile(Sgd::new(0.5), Loss::BinaryCrossentropy, &[])
        .unwrap();
    let mut stop = EarlyStopping::new(Monitor::ValLoss)
        .patience(3)
        .restore_best_weights(restore);
    let h = model
        .fit(
            &x,
            &y,
            FitOptions::new()
                .epochs(200)
                .validation_data(&x, &y_val)
                .callback(&mut stop),
        )
        .unwrap();
    (model, h.val_loss, stop)
}

#[test]
fn early_stopping_restores_the_best_weights() {
    let (x, _, y_val) = diverging_validation();
    let (restored, val_loss, stop) = train_watching_val_loss(true);
    let best = val_loss.iter().copied().fold(f64::INFINITY, f64::min);
    let best_epoch = stop.best_epoch().unwrap();
    assert_eq!(val_loss[best_epoch - 1], best);
    assert!(stop.stopped_epoch().unwrap() > best_epoch);
    // The restored model is the best epoch's model, exactly.
    assert_eq!(loss(&restored, &x, &y_val), best);
    // Without restoring, the model keeps the last epoch's (worse) weights.
    let (last, val_loss, _) = train_watching_val_loss(false);
    let final_loss = loss(&last, &x, &y_val);
    assert_eq!(final_loss, *val_loss.last().unwrap());
    assert!(final_loss > best, "{final_loss} vs best {best}");
}

#[test]
fn errors_are_clear() {
    let (x, y) = toy(8, 4, 1);
    let mut model = mlp(Activation::Relu, Activation::Sigmoid, 1);
    assert!(matches!(
        model.fit(&x, &y, FitOptions::new()),
        Err(NnError::NotCompiled)
    ));
    model
        .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[])
        .unwrap();
    let e = model
        .fit(x.slice(ndarray::s![.., ..3]), &y, FitOptions::new())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "shape mismatch: x has 3 columns (features), the model takes 4"
    );
    let e = model
        .compile(Sgd::new(-1.0), Loss::BinaryCrossentropy, &[])
        .unwrap_err();
    assert!(e.to_string().contains("learning rate"), "{e}");
    let mut d = Dense::new(2);
    let e = d
        .set_weights(Array2::zeros((3, 3)), Array1::zeros(2))
        .unwrap_err();
    assert!(e.to_string().contains("(3, 3)"), "{e}");
    assert!("gelu".parse::<Activation>().is_err());
}

#[test]
fn summary_looks_like_keras() {
    let mut model = Sequential::new(30);
    model
        .add(Dense::new(16).activation(Activation::Relu))
        .add(Dense::new(1).activation(Activation::Sigmoid));
    let s = model.summary();
    assert!(
        s.contains("│ dense (Dense)                   │ (None, 16)             │           496 │"),
        "{s}"
    );
    assert!(s.contains("dense_1 (Dense)"));
    assert!(s.contains(" Total params: 513 (2.00 KB)"), "{s}");
}

#[test]
fn save_load_round_trip_and_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let model = mlp(Activation::Tanh, Activation::Sigmoid, 2);
    let mut meta = std::collections::BTreeMap::new();
    meta.insert("note".to_string(), "hello".to_string());
    model.save_with_metadata(&path, &meta).unwrap();
    let (back, meta_back) = Sequential::load_with_metadata(&path).unwrap();
    assert_eq!(meta_back, meta);
    for (a, b) in model.layers().iter().zip(back.layers()) {
        assert_eq!(a, b);
    }
    // Only the model file is left in the directory (the temporary was renamed).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let bytes = std::fs::read(&path).unwrap();
    let bad = dir.path().join("bad.safetensors");
    std::fs::write(&bad, &bytes[..bytes.len() - 3]).unwrap();
    let e = Sequential::load(&bad).unwrap_err().to_string();
    assert!(
        e.starts_with(&bad.display().to_string()) && e.contains("corrupt or truncated"),
        "{e}"
    );
    std::fs::write(&bad, b"").unwrap();
    assert!(
        Sequential::load(&bad)
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
    std::fs::write(&bad, b"garbage garbage garbage").unwrap();
    assert!(
        Sequential::load(&bad)
            .unwrap_err()
            .to_string()
            .contains("corrupt")
    );
    let e = Sequential::load(dir.path().join("missing.safetensors")).unwrap_err();
    assert!(matches!(e, NnError::Io { .. }));

    // A valid safetensors file whose tensors do not match its architecture.
    let other = mlp(Activation::Tanh, Activation::Sigmoid, 1);
    other.save(&bad).unwrap();
    let mut other_bytes = std::fs::read(&bad).unwrap();
    let text = String::from_utf8_lossy(&other_bytes).to_string();
    let pos = text
        .find("\\\"units\\\":1,")
        .expect("architecture in header");
    other_bytes[pos + 10] = b'2';
    std::fs::write(&bad, &other_bytes).unwrap();
    let e = Sequential::load(&bad).unwrap_err().to_string();
    assert!(e.contains("shape") || e.contains("tensor"), "{e}");
}

#[test]
fn load_checks_tensor_names_and_dtypes() {
    use safetensors::{Dtype, tensor::TensorView};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    let mut model = Sequential::new(2);
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    model.save(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let metadata = header.metadata().clone();

    let write = |tensors: Vec<(&str, Dtype, Vec<usize>, Vec<u8>)>| {
        let views: Vec<(String, TensorView<'_>)> = tensors
            .iter()
            .map(|(n, d, s, b)| (n.to_string(), TensorView::new(*d, s.clone(), b).unwrap()))
            .collect();
        let out = safetensors::serialize(views, metadata.clone()).unwrap();
        std::fs::write(&path, out).unwrap();
        Sequential::load(&path).unwrap_err().to_string()
    };
    let e = write(vec![
        ("layers.0.kernel", Dtype::F64, vec![2, 1], vec![0; 16]),
        ("layers.0.bias", Dtype::F32, vec![1], vec![0; 4]),
    ]);
    assert!(
        e.contains("\"layers.0.kernel\" has dtype F64, expected F32"),
        "{e}"
    );
    let e = write(vec![
        ("layers.0.weights", Dtype::F32, vec![2, 1], vec![0; 8]),
        ("layers.0.bias", Dtype::F32, vec![1], vec![0; 4]),
    ]);
    assert!(e.contains("missing tensor \"layers.0.kernel\""), "{e}");
    let e = write(vec![
        ("layers.0.kernel", Dtype::F32, vec![1, 2], vec![0; 8]),
        ("layers.0.bias", Dtype::F32, vec![1], vec![0; 4]),
    ]);
    assert!(e.contains("has shape [1, 2], expected [2, 1]"), "{e}");
}

#[test]
fn the_accuracy_tier_is_used_and_saved() {
    use sigmoid_nn::Accuracy;
    let (x, _) = toy(64, 4, 1);
    let layered = |accuracy| {
        let mut model = Sequential::with_seed(4, 3);
        model
            .add(
                Dense::new(5)
                    .activation(Activation::Sigmoid)
                    .accuracy(accuracy),
            )
            .add(
                Dense::new(1)
                    .activation(Activation::Sigmoid)
                    .accuracy(accuracy),
            );
        model
    };
    let exact = layered(Accuracy::Exact).predict(&x).unwrap();
    for accuracy in [Accuracy::Default, Accuracy::Fast] {
        let model = layered(accuracy);
        assert!(model.layers().iter().all(|l| l.accuracy_tier() == accuracy));
        let p = model.predict(&x).unwrap();
        // Same weights; only the activation kernels' last bits may differ.
        for (a, b) in p.iter().zip(&exact) {
            assert!((a - b).abs() <= 1e-5, "{accuracy}: {a} vs {b}");
        }
        let bytes = model.to_bytes().unwrap();
        let back = Sequential::from_bytes(&bytes).unwrap();
        assert!(back.layers().iter().all(|l| l.accuracy_tier() == accuracy));
        assert_eq!(back.predict(&x).unwrap(), p);
    }
}
