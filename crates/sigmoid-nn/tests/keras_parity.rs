//! Replays the Keras reference run in `tests/data/logreg_sgd_no_shuffle.json`
//! (logistic regression on the standardised breast-cancer split, SGD lr 0.1,
//! batch 32, 100 epochs, no shuffling) and checks every recorded number.

use std::cell::RefCell;

use ndarray::{Array1, Array2};
use serde_json::Value;
use sigmoid_nn::data::Dataset;
use sigmoid_nn::{
    Activation, BatchLogs, Callback, Dense, FitOptions, Loss, Metric, Sequential, Sgd,
};

const TOLERANCE: f64 = 1e-5;

fn reference() -> Value {
    serde_json::from_str(include_str!("data/logreg_sgd_no_shuffle.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap()],
        other => panic!("not a number: {other}"),
    }
}

/// The largest elementwise relative difference (for values that are not
/// near 0: losses, accuracies, probabilities).
fn max_rel_diff(ours: &[f64], keras: &[f64]) -> f64 {
    assert_eq!(ours.len(), keras.len());
    ours.iter()
        .zip(keras)
        .map(|(a, b)| (a - b).abs() / b.abs())
        .fold(0.0, f64::max)
}

/// The relative difference of a weight vector in the max norm,
/// max|ours − keras| / max|keras|: a weight that happens to be near 0 (one
/// final kernel entry is 0.0034) is compared at the scale of the others, as
/// float32 rounding of the updates is.
fn weights_rel_diff(ours: &[f64], keras: &[f64]) -> f64 {
    assert_eq!(ours.len(), keras.len());
    let scale = keras.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    ours.iter()
        .zip(keras)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
        / scale
}

struct Steps<'a>(&'a RefCell<Vec<(f64, Vec<f64>, f64)>>);

impl Callback for Steps<'_> {
    fn on_batch_end(&mut self, logs: &BatchLogs<'_>) {
        if logs.epoch == 1 {
            let layer = &logs.layers[0];
            self.0.borrow_mut().push((
                logs.running_loss,
                layer.kernel().iter().map(|&v| f64::from(v)).collect(),
                f64::from(layer.bias()[0]),
            ));
        }
    }
}

#[test]
fn logistic_regression_matches_keras() {
    let r = reference();
    let train = Dataset::from_csv_str(
        include_str!("data/breast_cancer_train.csv"),
        "breast_cancer_train.csv",
        None,
    )
    .unwrap();
    let test = Dataset::from_csv_str(
        include_str!("data/breast_cancer_test.csv"),
        "breast_cancer_test.csv",
        None,
    )
    .unwrap();
    assert_eq!(
        (train.len(), test.len(), train.n_features()),
        (455, 114, 30)
    );

    let mut model = Sequential::new(30);
    let mut layer = Dense::new(1).activation(Activation::Sigmoid);
    let k0: Vec<f32> = floats(&r["initial_weights"]["kernel_shape_30x1"]["values"])
        .iter()
        .map(|&v| v as f32)
        .collect();
    let b0: Vec<f32> = floats(&r["initial_weights"]["bias"]["values"])
        .iter()
        .map(|&v| v as f32)
        .collect();
    layer
        .set_weights(
            Array2::from_shape_vec((30, 1), k0).unwrap(),
            Array1::from_vec(b0),
        )
        .unwrap();
    model.add(layer);
    model
        .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .unwrap();

    let steps = RefCell::new(Vec::new());
    let history = model
        .fit(
            &train.features,
            &train.targets,
            FitOptions::new()
                .epochs(100)
                .batch_size(32)
                .shuffle(false)
                .callback(Steps(&steps)),
        )
        .unwrap();

    let mut worst = Vec::new();
    // Epoch 1, step by step: 15 steps (the last of 7 rows).
    let trace = r["first_epoch_step_trace"].as_array().unwrap();
    let steps = steps.into_inner();
    assert_eq!(steps.len(), trace.len());
    for (ours, keras) in steps.iter().zip(trace) {
        let mut o = ours.1.clone();
        o.push(ours.2);
        let mut k = floats(&keras["kernel"]);
        k.extend(floats(&keras["bias"]));
        worst.push(("step weights", weights_rel_diff(&o, &k)));
        worst.push((
            "step running loss",
            max_rel_diff(&[ours.0], &floats(&keras["running_mean_loss"])),
        ));
    }
    // Every epoch's history.
    worst.push((
        "history loss",
        max_rel_diff(&history.loss, &floats(&r["history"]["loss"])),
    ));
    worst.push((
        "history accuracy",
        max_rel_diff(&history.accuracy, &floats(&r["history"]["accuracy"])),
    ));
    // Final weights.
    let layer = &model.layers()[0];
    let mut o: Vec<f64> = layer.kernel().iter().map(|&v| f64::from(v)).collect();
    o.push(f64::from(layer.bias()[0]));
    let mut k = floats(&r["final_weights"]["kernel_shape_30x1"]["values"]);
    k.extend(floats(&r["final_weights"]["bias"]["values"]));
    worst.push(("final weights", weights_rel_diff(&o, &k)));
    // Test probabilities, loss and accuracy.
    let p = model.predict(&test.features).unwrap();
    let p: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    worst.push((
        "test probabilities",
        max_rel_diff(&p, &floats(&r["test_predictions"])),
    ));
    let eval = model.evaluate(&test.features, &test.targets).unwrap();
    worst.push((
        "test loss",
        max_rel_diff(&[eval.loss], &floats(&r["final"]["test_loss"])),
    ));

    for (what, diff) in &worst {
        eprintln!("{what}: max relative difference {diff:.3e}");
    }
    for (what, diff) in worst {
        assert!(diff <= TOLERANCE, "{what}: relative difference {diff:.3e}");
    }
    let keras_acc = r["final"]["test_accuracy"].as_f64().unwrap();
    assert_eq!((eval.accuracy * 114.0).round(), (keras_acc * 114.0).round());
    assert_eq!(format!("{:.6}", eval.accuracy), "0.964912");
}
