//! clap value parsers shared by several commands.

use sigmoid_nn::data::Delimiter;

/// `--delimiter`: comma, tab or semicolon (or the character itself).
pub fn parse_delimiter(s: &str) -> Result<Delimiter, String> {
    s.parse().map_err(|e: sigmoid_nn::NnError| e.to_string())
}
