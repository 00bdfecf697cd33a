//! The fast path for the common data file: a header, then numbers only, the
//! label column 0 or 1.
//!
//! The file is read in [`LineBlocks`] of a few MiB; a window of blocks is
//! parsed in parallel (rayon), each straight into `f32`s without a per-cell
//! allocation, and appended in file order to the feature matrix and the
//! label column. Memory is the matrix plus the window, so a file costs
//! about its matrix, not its text. Errors name the file, row, line and
//! column exactly as [`CsvText`](super::CsvText)'s do (in a file with
//! several faults, the first in file order).
//!
//! What this path does not handle it declines (`Ok(None)`), and the caller
//! reads the file with the general reader: double quotes, bytes outside
//! ASCII, a label column that is not the numbers 0 and 1, a named positive
//! label, a header without data, a missing label column.

use std::io::Read;

use ndarray::Array2;
use rayon::prelude::*;

use super::csv_text::{Delimiter, data_error};
use super::dataset::{Dataset, Labels, ReadOptions};
use super::line_blocks::LineBlocks;
use crate::NnError;

/// Bytes per block: large enough to amortise the parallel split, small
/// enough that a window of blocks is a small part of a big file's matrix.
pub(crate) const BLOCK_BYTES: usize = 4 << 20;

/// Reports bytes read so far and the total (0 when unknown).
pub type ProgressFn<'a> = dyn FnMut(u64, u64) + 'a;

/// A file's columns: where the label is, how fields are separated.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub columns: Vec<String>,
    pub target: usize,
    pub delimiter: Delimiter,
    pub source: String,
}

impl Layout {
    /// The layout from the header line, or `None` where the general reader
    /// must decide (quotes, an empty name, no such label column).
    pub(crate) fn from_header(
        header: &[u8],
        source: &str,
        options: &ReadOptions,
    ) -> Option<Layout> {
        if !plain_text(header) {
            return None;
        }
        let delimiter = options
            .delimiter
            .unwrap_or_else(|| Delimiter::detect(header));
        let line = std::str::from_utf8(header).ok()?;
        let columns: Vec<String> = line
            .trim_end_matches(['\n', '\r'])
            .split(char::from(delimiter.byte()))
            .map(|c| c.trim().to_string())
            .collect();
        if columns.len() < 2 || columns.iter().any(String::is_empty) {
            return None;
        }
        let target = match &options.target {
            Some(name) => columns.iter().position(|c| c == name)?,
            None => columns.len() - 1,
        };
        Some(Layout {
            columns,
            target,
            delimiter,
            source: source.to_string(),
        })
    }

    pub(crate) fn n_features(&self) -> usize {
        self.columns.len() - 1
    }

    pub(crate) fn feature_names(&self) -> Vec<String> {
        (0..self.columns.len())
            .filter(|&i| i != self.target)
            .map(|i| self.columns[i].clone())
            .collect()
    }
}

/// What a block held: its rows' features (row-major) and labels, and the
/// number of line ends in it, up to the first problem.
#[derive(Debug, Default)]
pub(crate) struct ParsedBlock {
    pub features: Vec<f32>,
    pub labels: Vec<f32>,
    pub newlines: u64,
    pub problem: Option<Problem>,
}

/// Why a block stopped.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Something the general reader must handle.
    Decline,
    /// A bad row: its index among the block's rows, its line among the
    /// block's lines (0-based), the column, what is wrong.
    Bad {
        row: usize,
        line: u64,
        column: Option<usize>,
        message: String,
    },
}

impl Problem {
    /// The error of a bad row, given the rows and lines before its block.
    pub(crate) fn into_error(
        self,
        layout: &Layout,
        rows_before: usize,
        lines_before: u64,
    ) -> Option<NnError> {
        match self {
            Problem::Decline => None,
            Problem::Bad {
                row,
                line,
                column,
                message,
            } => Some(data_error(
                &layout.source,
                Some(rows_before + row + 1),
                Some(lines_before + line + 1),
                column.map(|c| (c, layout.columns[c].as_str())),
                message,
            )),
        }
    }
}

/// Parses one block of whole lines.
pub(crate) fn parse_block(layout: &Layout, block: &[u8]) -> ParsedBlock {
    let width = layout.columns.len();
    let mut parsed = ParsedBlock {
        features: Vec::with_capacity(block.len() / 4),
        labels: Vec::with_capacity(block.len() / (4 * width) + 1),
        newlines: memchr::memchr_iter(b'\n', block).count() as u64,
        problem: None,
    };
    if !plain_text(block) {
        parsed.problem = Some(Problem::Decline);
        return parsed;
    }
    let text = std::str::from_utf8(block).expect("checked ASCII");
    let delimiter = char::from(layout.delimiter.byte());
    let field_count_error = |fields: usize| {
        format!(
            "{fields} fields, but the header has {width} (the delimiter is {delimiter:?}; \
             is it another one?)"
        )
    };
    let mut rows = 0;
    let mut line_index = 0_u64;
    let mut rest = text;
    // One pass over each line: split, trim and parse each cell as it comes.
    while !rest.is_empty() {
        let (line, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, ""),
        };
        rest = next;
        let this_line = line_index;
        line_index += 1;
        // Blank as the general reader sees it: one field, empty once trimmed.
        if line.trim_ascii().is_empty() && !line.contains(delimiter) {
            continue;
        }
        let bad = |column: Option<usize>, message: String| Problem::Bad {
            row: rows,
            line: this_line,
            column,
            message,
        };
        let row_start = (parsed.features.len(), parsed.labels.len());
        let mut fields = 0;
        let mut failure = None;
        for cell in line.split(delimiter) {
            let column = fields;
            fields += 1;
            if fields > width {
                break;
            }
            let cell = cell.trim_ascii();
            if column == layout.target {
                match cell.parse::<f32>() {
                    Ok(v) if v == 0.0 || v == 1.0 => parsed.labels.push(f32::from(v == 1.0)),
                    _ => {
                        failure = Some(Problem::Decline);
                        break;
                    }
                }
            } else {
                match number(cell) {
                    Ok(v) => parsed.features.push(v),
                    Err(message) => {
                        failure = Some(bad(Some(column), message));
                        break;
                    }
                }
            }
        }
        // A wrong field count is reported before a bad cell, as the general
        // reader does.
        if failure.is_some() || fields != width {
            let all_fields = line.split(delimiter).count();
            parsed.problem = if all_fields == width {
                failure
            } else {
                Some(bad(None, field_count_error(all_fields)))
            };
            parsed.features.truncate(row_start.0);
            parsed.labels.truncate(row_start.1);
            return parsed;
        }
        rows += 1;
    }
    parsed
}

/// Whether the general reader would see in `bytes` what this one does:
/// ASCII without double quotes, control characters other than tab and line
/// ends, or a carriage return that does not end a line (the csv crate ends
/// a record there; `str::trim` also trims the vertical tab).
fn plain_text(bytes: &[u8]) -> bool {
    let odd = |b: u8| b >= 0x80 || b == b'"' || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
    !bytes.iter().any(|&b| odd(b))
        && memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'))
}

/// A feature cell as a finite `f32`, or the general reader's message.
fn number(cell: &str) -> Result<f32, String> {
    if cell.is_empty() {
        return Err("empty cell".into());
    }
    match cell.parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!(
            "{} is not finite (NaN and infinities are not allowed)",
            super::quote(cell)
        )),
        Err(_) => Err(format!("{} is not a number", super::quote(cell))),
    }
}

/// Reads a whole data set from `reader` (`total` bytes, 0 if unknown), or
/// `Ok(None)` where the general reader must.
///
/// # Errors
/// I/O errors of the reader; [`NnError::Data`] for a bad cell or row.
pub(crate) fn read_dataset(
    reader: impl Read,
    total: u64,
    source: &str,
    options: &ReadOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<Option<Dataset>, NnError> {
    read_dataset_in_blocks(reader, total, source, options, progress, BLOCK_BYTES)
}

fn read_dataset_in_blocks(
    reader: impl Read,
    total: u64,
    source: &str,
    options: &ReadOptions,
    progress: &mut ProgressFn<'_>,
    block_bytes: usize,
) -> Result<Option<Dataset>, NnError> {
    if options.positive.is_some() {
        return Ok(None);
    }
    let io = |e: std::io::Error| NnError::Io {
        path: source.to_string(),
        error: e,
    };
    // A small input is one block of its own size, not a zero-filled 4 MiB.
    let block_bytes = match usize::try_from(total) {
        Ok(total) if total > 0 => block_bytes.min(total + 1),
        _ => block_bytes,
    };
    let mut blocks = LineBlocks::new(reader, block_bytes);
    let Some(mut first) = blocks.next_block().map_err(io)? else {
        return Ok(None);
    };
    let header_end = first
        .iter()
        .position(|&b| b == b'\n')
        .map_or(first.len(), |i| i + 1);
    let Some(layout) = Layout::from_header(&first[..header_end], source, options) else {
        return Ok(None);
    };
    first.drain(..header_end);
    let width = layout.n_features();
    // Reserve by the first block's bytes per row; untouched capacity costs
    // address space only, so err on the large side.
    let first_rows = first.iter().filter(|&&b| b == b'\n').count().max(1);
    let estimate = if total > 0 {
        (total as f64 / first.len().max(1) as f64 * first_rows as f64 * 1.05) as usize + 16
    } else {
        first_rows
    };
    let mut features: Vec<f32> = Vec::with_capacity(estimate.saturating_mul(width));
    let mut labels: Vec<f32> = Vec::with_capacity(estimate);
    let mut lines_before = 1_u64; // the header
    let window_len = 2 * rayon::current_num_threads().max(1);
    let mut window = vec![first];
    loop {
        while window.len() < window_len {
            match blocks.next_block().map_err(io)? {
                Some(block) => window.push(block),
                None => break,
            }
        }
        if window.is_empty() {
            break;
        }
        let parsed: Vec<ParsedBlock> = window.par_iter().map(|b| parse_block(&layout, b)).collect();
        for block in parsed {
            if let Some(problem) = block.problem {
                return match problem.into_error(&layout, labels.len(), lines_before) {
                    Some(error) => Err(error),
                    None => Ok(None),
                };
            }
            features.extend_from_slice(&block.features);
            labels.extend_from_slice(&block.labels);
            lines_before += block.newlines;
        }
        window.clear();
        progress(blocks.consumed(), total);
    }
    if labels.is_empty() {
        return Ok(None);
    }
    let n = labels.len();
    Ok(Some(Dataset {
        features: Array2::from_shape_vec((n, width), features).expect("one value per cell"),
        targets: Array2::from_shape_vec((n, 1), labels).expect("one label per row"),
        feature_names: layout.feature_names(),
        target_names: vec![layout.columns[layout.target].clone()],
        labels: Labels::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::CsvText;

    fn general(text: &str, options: &ReadOptions) -> Result<Dataset, NnError> {
        Dataset::from_text(
            &CsvText::from_bytes(text.as_bytes(), "f.csv", None)?,
            options,
        )
    }

    fn fast(text: &str, options: &ReadOptions, block: usize) -> Result<Option<Dataset>, NnError> {
        let mut calls = 0;
        let result = read_dataset_in_blocks(
            text.as_bytes(),
            text.len() as u64,
            "f.csv",
            options,
            &mut |done, total| {
                calls += 1;
                assert!(done <= total);
            },
            block,
        );
        assert!(calls > 0 || result.is_err() || matches!(result, Ok(None)));
        result
    }

    /// A file with blank lines, CRLF endings, spaces and a label column that
    /// is not the last, in many block sizes.
    fn messy_file(rows: usize) -> String {
        let mut text = String::from("a, b ,y,c\r\n");
        for i in 0..rows {
            if i % 17 == 3 {
                text.push_str("  \r\n");
            }
            let end = if i % 2 == 0 { "\r\n" } else { "\n" };
            text.push_str(&format!(
                " {}.25,{:e}, {} ,-{i}{end}",
                i,
                i as f32 * 1e-3,
                i % 3 % 2
            ));
        }
        text
    }

    #[test]
    fn the_fast_path_reads_what_the_general_reader_reads() {
        let options = ReadOptions::new().target("y");
        let text = messy_file(1000);
        let expected = general(&text, &options).unwrap();
        for block in [1, 50, 333, 4096, 1 << 20] {
            let got = fast(&text, &options, block).unwrap().expect("numeric file");
            assert_eq!(got, expected, "block size {block}");
        }
    }

    #[test]
    fn errors_in_later_blocks_name_the_same_row_line_and_column() {
        let options = ReadOptions::new().target("y");
        let clean = messy_file(400);
        let mut lines: Vec<&str> = clean.split_inclusive('\n').collect();
        for (at, bad) in [
            (300, " 1,2,0,x\n"),
            (250, "1,2,0\n"),
            (399, "1,,1,2\n"),
            (7, "1,inf,0,2\n"),
        ] {
            let saved = lines[at];
            lines[at] = bad;
            let text = lines.concat();
            let expected = general(&text, &options).unwrap_err().to_string();
            for block in [1, 64, 1000, 1 << 20] {
                let got = fast(&text, &options, block).unwrap_err().to_string();
                assert_eq!(got, expected, "block size {block}");
            }
            lines[at] = saved;
        }
    }

    #[test]
    fn odd_files_read_as_the_general_reader_reads_them() {
        let o = ReadOptions::new();
        for text in [
            "a\tb\n1\t0\n\t\n2\t1\n",
            "a,b\n1,0\n , \n",
            "a,b\n1,0\n\n\n   \n2,1",
            "a,b\n\t1\t,0\n",
            "a,b\n1,0,\n",
            "a,b\n1e3,1\n-inf,0\n",
            "a,b\n+1.5,1\n.5,0\n",
            "a,b\n0x10,1\n",
            "a,b\n1\x0c,0\n",
        ] {
            let general = CsvText::from_bytes(text.as_bytes(), "f.csv", None)
                .and_then(|t| Dataset::from_text(&t, &o));
            match fast(text, &o, 1 << 20) {
                Ok(Some(d)) => assert_eq!(Ok(d), general.map_err(|e| e.to_string()), "{text:?}"),
                Ok(None) => {}
                // With several faults the readers may name different ones
                // first (this one reads in file order, the general one checks
                // field counts, then labels, then numbers).
                Err(_) => assert!(general.is_err(), "{text:?}"),
            }
        }
    }

    #[test]
    fn what_the_fast_path_declines() {
        let o = ReadOptions::new();
        for text in [
            "a,b\n1,yes\n2,no\n",
            "a,b\n1,2\n",
            "\"a\",b\n1,0\n",
            "a,b\n\"1\",0\n",
            "a,b\n",
            "a\n1\n",
            "a,\n1,0\n",
            "a,b\n1\u{a0},0\n",
            "a,b\r1,0\r2,1\r",
            "a,b\n1\u{b},0\n",
        ] {
            assert!(fast(text, &o, 1 << 20).unwrap().is_none(), "{text:?}");
        }
        assert!(
            fast("a,b\n1,0\n", &ReadOptions::new().positive("1"), 99)
                .unwrap()
                .is_none()
        );
        assert!(
            fast("a,b\n1,0\n", &ReadOptions::new().target("z"), 99)
                .unwrap()
                .is_none()
        );
    }
}
