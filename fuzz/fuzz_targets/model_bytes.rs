//! `Sequential::from_bytes_with_metadata` on any bytes: an error, or a model
//! that predicts finite probabilities and survives `to_bytes` → `from_bytes`
//! unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ndarray::Array2;
use sigmoid_nn::Sequential;

fuzz_target!(|data: &[u8]| {
    let Ok((model, metadata)) = Sequential::from_bytes_with_metadata(data) else {
        return;
    };
    let x = Array2::<f32>::zeros((1, model.input_dim()));
    let p = model.predict(&x).expect("a loaded model predicts");
    assert_eq!(p.dim(), (1, model.output_dim()));
    let bytes = model
        .to_bytes_with_metadata(&metadata)
        .expect("a loaded model encodes");
    let (back, metadata_back) =
        Sequential::from_bytes_with_metadata(&bytes).expect("re-encoded bytes decode");
    assert_eq!(metadata_back, metadata);
    let q = back.predict(&x).expect("predicts");
    assert!(p.iter().zip(&q).all(|(a, b)| a.to_bits() == b.to_bits()));
});
