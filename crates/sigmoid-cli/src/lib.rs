//! The library part of the `sigmoid` command: the parsers of what users type,
//! kept here (outside the binary) so that tests and the `fuzz/` crate can
//! call them.
//!
//! ```
//! use sigmoid_cli::parse::parse_number;
//!
//! assert_eq!(parse_number::<f64>("-inf"), Ok(f64::NEG_INFINITY));
//! assert_eq!(parse_number::<f32>(" 2.5 "), Ok(2.5_f32));
//! assert!(parse_number::<f64>("abc").is_err());
//! ```

pub mod parse;
