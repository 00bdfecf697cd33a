//! Training speed.
//!
//! - `logreg_epoch/breast_cancer_455x30`: one epoch of the Keras reference run
//!   (logistic regression, SGD lr 0.1, batch 32, no shuffling), which takes
//!   about 65 ms per epoch in Keras 3.15 / TensorFlow 2.21 on CPU.
//! - `mlp_epoch/100000x100_64_64_sigmoid`: one epoch (batch 32, shuffled) of a
//!   100→64→64→1 sigmoid MLP on a synthetic problem, as samples per second.
//!
//! Run: `cargo bench -p sigmoid-nn --bench fit`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sigmoid_nn::data::{Standardizer, breast_cancer_split};
use sigmoid_nn::{Activation, Dense, FitOptions, Loss, Metric, Sequential, Sgd};

fn logreg(c: &mut Criterion) {
    let (train, _) = breast_cancer_split();
    let x = Standardizer::fit(&train.features).transform(&train.features);
    let y = train.targets;
    let mut model = Sequential::new(30);
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    model
        .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .unwrap();
    let mut group = c.benchmark_group("logreg_epoch");
    group.throughput(Throughput::Elements(x.nrows() as u64));
    group.bench_function("breast_cancer_455x30", |b| {
        b.iter(|| {
            black_box(
                model
                    .fit(&x, &y, FitOptions::new().epochs(1).shuffle(false))
                    .unwrap(),
            )
        })
    });
    group.finish();
}

fn mlp(c: &mut Criterion) {
    let (n, d) = (100_000, 100);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let w: Vec<f32> = (0..d).map(|_| rng.random_range(-1.0..1.0)).collect();
    let x = Array2::from_shape_simple_fn((n, d), || rng.random_range(-1.0_f32..1.0));
    let y = Array2::from_shape_fn((n, 1), |(i, _)| {
        let s: f32 = x.row(i).iter().zip(&w).map(|(a, b)| a * b).sum();
        f32::from(u8::from(s > 0.0))
    });
    let mut model = Sequential::with_seed(d, 1);
    model
        .add(Dense::new(64).activation(Activation::Sigmoid))
        .add(Dense::new(64).activation(Activation::Sigmoid))
        .add(Dense::new(1).activation(Activation::Sigmoid));
    model
        .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .unwrap();
    let mut group = c.benchmark_group("mlp_epoch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("100000x100_64_64_sigmoid", |b| {
        b.iter(|| black_box(model.fit(&x, &y, FitOptions::new().epochs(1)).unwrap()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = logreg, mlp
}
criterion_main!(benches);
