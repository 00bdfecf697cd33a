//! The `sigmoid` command's number parser on any text, in every precision: an
//! error, or a value whose shortest representation parses back to itself.
#![no_main]

use half::{bf16, f16};
use libfuzzer_sys::fuzz_target;

// The parser's own file, compiled here without the CLI's other dependencies
// (plotting, progress bars), which would only slow the sanitizer build.
#[path = "../../crates/sigmoid-cli/src/parse.rs"]
#[allow(dead_code)]
mod parse;

use parse::{ParseFloat, parse_number};

fn round_trips<T: ParseFloat>(text: &str) {
    let Ok(value) = parse_number::<T>(text) else {
        return;
    };
    let again = parse_number::<T>(&value.to_f64().to_string()).expect("a printed value parses");
    assert!(
        again == value || (again.to_f64().is_nan() && value.to_f64().is_nan()),
        "{text:?} -> {value:?} -> {again:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trips::<f64>(text);
    round_trips::<f32>(text);
    round_trips::<f16>(text);
    round_trips::<bf16>(text);
});
