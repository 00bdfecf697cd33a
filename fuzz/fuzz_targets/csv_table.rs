//! `Table::from_csv_bytes` on any bytes: an error or a table whose every
//! value is finite and whose shape matches its header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigmoid_nn::data::Table;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = Table::from_csv_bytes(data, "fuzz.csv") {
        assert_eq!(table.values.ncols(), table.columns.len());
        assert_eq!(table.len(), table.values.nrows());
        assert!(table.values.iter().all(|v| v.is_finite()));
    }
});
