//! `Dataset::from_table` on any CSV bytes, with the default target (the last
//! column), a named target column chosen by the first byte, and a column
//! that does not exist: an error or features and 0/1 targets of matching
//! sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigmoid_nn::data::{Dataset, Table};

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
    let Ok(table) = Table::from_csv_bytes(csv, "fuzz.csv") else {
        return;
    };
    let name = table.columns[usize::from(choice) % table.columns.len()].clone();
    if let Ok(dataset) = Dataset::from_table(table.clone(), Some(&name)) {
        check(&dataset);
        assert_eq!(dataset.target_names, [name]);
    }
    assert!(Dataset::from_table(table, Some("\u{0}no such column")).is_err());
});
