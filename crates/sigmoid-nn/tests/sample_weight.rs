//! `FitOptions::sample_weight`: weights of 1 train exactly as none, and a
//! weight of 2 on a row trains as that row twice in a full batch.

use ndarray::{Array1, Array2, Axis, array, concatenate, s};
use sigmoid_nn::{Activation, Dense, FitOptions, Loss, Sequential, Sgd};

fn model() -> Sequential {
    let mut m = Sequential::with_seed(2, 3);
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    m.compile(Sgd::new(0.5), Loss::BinaryCrossentropy, &[])
        .unwrap();
    m
}

fn data() -> (Array2<f32>, Array2<f32>) {
    let x = array![
        [0.5_f32, -1.0],
        [1.5, 0.25],
        [-0.75, 2.0],
        [2.0, -0.5],
        [-1.0, -1.5]
    ];
    let y = array![[1.0_f32], [1.0], [0.0], [1.0], [0.0]];
    (x, y)
}

#[test]
fn weights_of_one_train_exactly_as_no_weights() {
    let (x, y) = data();
    let (mut a, mut b) = (model(), model());
    a.fit(&x, &y, FitOptions::new().epochs(5).batch_size(2))
        .unwrap();
    let ones = Array1::<f32>::ones(5);
    b.fit(
        &x,
        &y,
        FitOptions::new()
            .epochs(5)
            .batch_size(2)
            .sample_weight(&ones),
    )
    .unwrap();
    assert_eq!(a.layers()[0].kernel(), b.layers()[0].kernel());
    assert_eq!(a.layers()[0].bias(), b.layers()[0].bias());
}

#[test]
fn a_weight_of_two_is_a_repeated_row_in_a_full_batch() {
    let (x, y) = data();
    // Repeat row 0; weigh row 0 by 2 instead. Full batch, so the batch sizes
    // differ (6 vs 5): scale the learning rate to match the mean's divisor.
    let xr = concatenate(Axis(0), &[x.view(), x.slice(s![0..1, ..])]).unwrap();
    let yr = concatenate(Axis(0), &[y.view(), y.slice(s![0..1, ..])]).unwrap();
    let mut repeated = Sequential::with_seed(2, 3);
    repeated.add(Dense::new(1).activation(Activation::Sigmoid));
    repeated
        .compile(Sgd::new(0.6), Loss::BinaryCrossentropy, &[])
        .unwrap();
    repeated
        .fit(
            &xr,
            &yr,
            FitOptions::new().epochs(3).batch_size(6).shuffle(false),
        )
        .unwrap();
    let mut weighted = model();
    let w = array![2.0_f32, 1.0, 1.0, 1.0, 1.0];
    weighted
        .fit(
            &x,
            &y,
            FitOptions::new()
                .epochs(3)
                .batch_size(5)
                .shuffle(false)
                .sample_weight(&w),
        )
        .unwrap();
    for (a, b) in repeated.layers()[0]
        .kernel()
        .iter()
        .zip(weighted.layers()[0].kernel())
    {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
}

#[test]
fn bad_weights_are_errors() {
    let (x, y) = data();
    let short = array![1.0_f32, 1.0];
    let err = model()
        .fit(&x, &y, FitOptions::new().sample_weight(&short))
        .unwrap_err();
    assert!(
        err.to_string().contains("sample_weight has 2 values"),
        "{err}"
    );
    let negative = array![1.0_f32, -1.0, 1.0, 1.0, 1.0];
    let err = model()
        .fit(&x, &y, FitOptions::new().sample_weight(&negative))
        .unwrap_err();
    assert!(err.to_string().contains("sample_weight[1] is -1"), "{err}");
}
