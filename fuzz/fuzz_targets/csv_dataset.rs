//! `Dataset::from_text` on any CSV bytes, with the default target (the last
//! column), a named target column chosen by the first byte, and a column
//! that does not exist: an error or features and 0/1 targets of matching
//! sizes. The reader's fast path (`Dataset::from_csv_bytes_with`, blocks
//! parsed in parallel) and the general one (`CsvText`) agree: the same data
//! set, or both an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigmoid_nn::data::{CsvText, Dataset, ReadOptions};

fn check(dataset: &Dataset) {
    assert_eq!(dataset.features.nrows(), dataset.targets.nrows());
    assert_eq!(dataset.features.ncols(), dataset.feature_names.len());
    assert!(dataset.features.iter().all(|v| v.is_finite()));
    assert!(dataset.targets.iter().all(|&v| v == 0.0 || v == 1.0));
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, csv)) = data.split_first() else {
        return;
    };
    // The whole input through the text entry point, default target.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(dataset) = Dataset::from_csv_str(text, "fuzz.csv", None) {
            check(&dataset);
        }
    }
    let fast = Dataset::from_csv_bytes_with(csv, "fuzz.csv", &ReadOptions::default());
    let general = CsvText::from_bytes(csv, "fuzz.csv", None)
        .and_then(|text| Dataset::from_text(&text, &ReadOptions::default()));
    match (&fast, &general) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        _ => panic!("the readers disagree: {fast:?} against {general:?}"),
    }
    let Ok(text) = CsvText::from_bytes(csv, "fuzz.csv", None) else {
        return;
    };
    if text.columns.is_empty() {
        return;
    }
    let name = text.columns[usize::from(choice) % text.columns.len()].clone();
    let with_target = |target: &str| ReadOptions {
        target: Some(target.to_owned()),
        ..ReadOptions::default()
    };
    if let Ok(dataset) = Dataset::from_text(&text, &with_target(&name)) {
        check(&dataset);
        assert_eq!(dataset.target_names, [name]);
    }
    assert!(Dataset::from_text(&text, &with_target("\u{0}no such column")).is_err());
});
