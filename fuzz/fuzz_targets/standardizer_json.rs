//! `Standardizer::from_json` on any text: an error, or statistics that
//! survive `to_json` → `from_json` and transform a row without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ndarray::Array2;
use sigmoid_nn::data::Standardizer;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scaler) = Standardizer::from_json(json) else {
        return;
    };
    assert_eq!(scaler.mean.len(), scaler.std.len());
    let back = Standardizer::from_json(&scaler.to_json()).expect("to_json output parses");
    assert_eq!(back, scaler);
    let row = Array2::<f32>::ones((1, scaler.mean.len()));
    assert_eq!(scaler.transform(&row).dim(), row.dim());
});
