//! `parse_row_list` on any text: an error, or one row number per non-blank
//! line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigmoid_nn::data::parse_row_list;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rows) = parse_row_list(text, "fuzz.txt") {
        assert_eq!(
            rows.len(),
            text.lines().filter(|l| !l.trim().is_empty()).count()
        );
    }
});
