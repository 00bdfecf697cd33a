//! A whole training run on data made from the input: a tiny model (the
//! input chooses its shape, activations, optimizer and epochs) trains, then
//! `to_bytes` → `from_bytes` gives a model whose predictions are bitwise the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ndarray::Array2;
use sigmoid_nn::{Activation, Adam, Dense, FitOptions, Loss, Metric, NnError, Sequential, Sgd};

fuzz_target!(|data: &[u8]| {
    let [
        features,
        hidden,
        activation,
        optimizer,
        epochs,
        batch,
        rest @ ..,
    ] = data
    else {
        return;
    };
    let features = 1 + usize::from(features % 4);
    let hidden = usize::from(hidden % 4);
    let activation = Activation::ALL[usize::from(*activation) % Activation::ALL.len()];
    let epochs = 1 + usize::from(epochs % 3);
    let batch_size = 1 + usize::from(batch % 8);
    // Each row: `features` bytes as values in [-8, 8), then a label bit.
    let rows: Vec<&[u8]> = rest.chunks_exact(features + 1).take(64).collect();
    if rows.is_empty() {
        return;
    }
    let x = Array2::from_shape_fn((rows.len(), features), |(r, c)| {
        f32::from(rows[r][c] as i8) / 16.0
    });
    let y = Array2::from_shape_fn((rows.len(), 1), |(r, _)| f32::from(rows[r][features] & 1));

    let mut model = Sequential::with_seed(features, u64::from(*optimizer));
    if hidden > 0 {
        model.add(Dense::new(hidden).activation(activation));
    }
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    let compiled = if optimizer & 1 == 0 {
        model.compile(Sgd::new(0.5), Loss::BinaryCrossentropy, &[Metric::Accuracy])
    } else {
        model.compile(
            Adam::new(0.05),
            Loss::BinaryCrossentropy,
            &[Metric::Accuracy],
        )
    };
    compiled.expect("valid options compile");
    let options = FitOptions::new()
        .epochs(epochs)
        .batch_size(batch_size)
        .seed(u64::from(*batch));
    match model.fit(&x, &y, options) {
        Ok(_) | Err(NnError::NonFiniteLoss { .. }) => {}
        Err(e) => panic!("fit failed: {e}"),
    }
    let p = model.predict(&x).expect("predicts");
    let bytes = model.to_bytes().expect("encodes");
    let back = Sequential::from_bytes(&bytes).expect("its own bytes decode");
    let q = back.predict(&x).expect("predicts");
    assert!(
        p.iter().zip(&q).all(|(a, b)| a.to_bits() == b.to_bits()),
        "predictions changed after the round trip"
    );
});
