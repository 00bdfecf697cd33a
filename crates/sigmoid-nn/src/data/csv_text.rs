//! Reading CSV files as text: the dialect (comma, tab or semicolon, given or
//! detected), the header, each record's line in the file, and conversion of
//! chosen columns to numbers with errors that name the file, row, line and
//! column.

use std::path::Path;
use std::str::FromStr;

use ndarray::Array2;

use crate::NnError;

/// Longest cell or column name quoted in an error message, in characters.
const QUOTE_LIMIT: usize = 40;

/// The field separator of a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// `,`
    Comma,
    /// A tab (TSV files).
    Tab,
    /// `;` (spreadsheets in locales with a decimal comma).
    Semicolon,
}

impl Delimiter {
    /// The separator byte.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Tab => b'\t',
            Delimiter::Semicolon => b';',
        }
    }

    /// The delimiter of a file from its header line: whichever of comma, tab
    /// and semicolon occurs most often outside double quotes (comma on a tie
    /// or when none occurs).
    ///
    /// ```
    /// use sigmoid_nn::data::Delimiter;
    /// assert_eq!(Delimiter::detect(b"a\tb\tc\n1\t2\t3\n"), Delimiter::Tab);
    /// assert_eq!(Delimiter::detect(b"a;b\n1,5;2\n"), Delimiter::Semicolon);
    /// assert_eq!(Delimiter::detect(b"x\n1\n"), Delimiter::Comma);
    /// ```
    pub fn detect(bytes: &[u8]) -> Delimiter {
        let mut counts = [0_usize; 3];
        let mut quoted = false;
        for &b in bytes {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => break,
                b',' if !quoted => counts[0] += 1,
                b'\t' if !quoted => counts[1] += 1,
                b';' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let candidates = [Delimiter::Comma, Delimiter::Tab, Delimiter::Semicolon];
        let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)));
        candidates[best.expect("three candidates")]
    }
}

impl FromStr for Delimiter {
    type Err = NnError;

    /// `comma` or `,`; `tab` or `\t`; `semicolon` or `;`.
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s {
            "comma" | "," => Ok(Delimiter::Comma),
            "tab" | "\t" | "\\t" => Ok(Delimiter::Tab),
            "semicolon" | ";" => Ok(Delimiter::Semicolon),
            other => Err(NnError::InvalidArgument(format!(
                "unknown delimiter {} (expected comma, tab or semicolon)",
                quote(other)
            ))),
        }
    }
}

/// `text` in double quotes, cut to a few dozen characters, so that an error
/// message quoting a cell or a header stays one short line.
///
/// ```
/// use sigmoid_nn::data::quote;
/// assert_eq!(quote("abc"), "\"abc\"");
/// assert_eq!(quote(&"x".repeat(100)), format!("\"{}\"…", "x".repeat(40)));
/// ```
pub fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(QUOTE_LIMIT).collect();
        format!("{head:?}…")
    }
}

pub(crate) fn data_error(
    file: &str,
    row: Option<usize>,
    line: Option<u64>,
    column: Option<(usize, &str)>,
    message: impl Into<String>,
) -> NnError {
    NnError::Data {
        file: file.to_string(),
        row,
        line,
        column: column.map(|(i, name)| format!("{} ({})", i + 1, quote(name))),
        message: message.into(),
    }
}

/// A CSV file read as text: the header and every data row, each with its
/// line in the file. Cells are trimmed; blank lines are skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvText {
    /// The column names, from the header row.
    pub columns: Vec<String>,
    records: Vec<csv::StringRecord>,
    lines: Vec<u64>,
    source: String,
    delimiter: Delimiter,
}

impl CsvText {
    /// Reads a CSV file with a header row, with `delimiter` or the one
    /// [detected](Delimiter::detect) from the header.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::Data`] naming
    /// the file (and row, line and column) for an empty file, an empty
    /// column name, a header without rows, or a row with the wrong number
    /// of fields.
    pub fn from_path(
        path: impl AsRef<Path>,
        delimiter: Option<Delimiter>,
    ) -> Result<Self, NnError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| NnError::io(path, e))?;
        Self::from_bytes(&bytes, &path.display().to_string(), delimiter)
    }

    /// [`from_path`](CsvText::from_path) on bytes in memory; `source` names
    /// them in errors.
    ///
    /// # Errors
    /// As [`from_path`](CsvText::from_path), without the I/O errors.
    pub fn from_bytes(
        bytes: &[u8],
        source: &str,
        delimiter: Option<Delimiter>,
    ) -> Result<Self, NnError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(data_error(source, None, None, None, "the file is empty"));
        }
        let delimiter = delimiter.unwrap_or_else(|| Delimiter::detect(bytes));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.byte())
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let mut lines_of = LineCounter::new(bytes);
        let csv_err = |e: csv::Error| {
            let line = Some(LineCounter::new(bytes).line_at(e.position()));
            let message = match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
                _ => format!("not valid CSV: {e}"),
            };
            data_error(source, None, line, None, message)
        };
        let mut records = reader.records();
        let header = records
            .next()
            .transpose()
            .map_err(csv_err)?
            .ok_or_else(|| data_error(source, None, None, None, "the file is empty"))?;
        let columns: Vec<String> = header.iter().map(str::to_string).collect();
        if let Some(i) = columns.iter().position(String::is_empty) {
            return Err(data_error(
                source,
                None,
                Some(lines_of.line_at(header.position())),
                Some((i, "")),
                "the header has an empty column name",
            ));
        }
        let (mut kept, mut lines) = (Vec::new(), Vec::new());
        for record in records {
            let record = record.map_err(csv_err)?;
            if record.len() == 1 && record[0].is_empty() {
                continue; // a blank line
            }
            let line = lines_of.line_at(record.position());
            if record.len() != columns.len() {
                return Err(data_error(
                    source,
                    Some(kept.len() + 1),
                    Some(line),
                    None,
                    format!(
                        "{} fields, but the header has {} (the delimiter is {:?}; \
                         is it another one?)",
                        record.len(),
                        columns.len(),
                        char::from(delimiter.byte())
                    ),
                ));
            }
            kept.push(record);
            lines.push(line);
        }
        if kept.is_empty() {
            return Err(data_error(
                source,
                None,
                None,
                None,
                "no data rows (only a header)",
            ));
        }
        Ok(CsvText {
            columns,
            records: kept,
            lines,
            source: source.to_string(),
            delimiter,
        })
    }

    /// The name of the file (or data) in error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The field separator, given or detected.
    pub fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no data rows (never true for a file that was read).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The index of the column `name`, if there is one.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cells of column `index`, top to bottom.
    ///
    /// # Panics
    /// If `index` is not a column.
    pub fn column(&self, index: usize) -> impl Iterator<Item = &str> + '_ {
        assert!(
            index < self.columns.len(),
            "CsvText::column: no column {index}"
        );
        self.records.iter().map(move |r| &r[index])
    }

    /// The 1-based line in the file where data row `row` (0-based) starts.
    ///
    /// # Panics
    /// If `row` is out of range.
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    /// The columns `indices`, in that order, as finite numbers (rows × indices).
    ///
    /// # Errors
    /// [`NnError::Data`] naming the file, row, line and column of the first
    /// cell that is empty, not a number, NaN or infinite.
    pub fn numbers(&self, indices: &[usize]) -> Result<Array2<f32>, NnError> {
        let mut values = Vec::with_capacity(self.len() * indices.len());
        for (row, record) in self.records.iter().enumerate() {
            for &i in indices {
                values.push(self.number(row, i, &record[i])?);
            }
        }
        Ok(Array2::from_shape_vec((self.len(), indices.len()), values)
            .expect("one value per row and column"))
    }

    fn number(&self, row: usize, column: usize, cell: &str) -> Result<f32, NnError> {
        let err = |message: String| {
            data_error(
                &self.source,
                Some(row + 1),
                Some(self.lines[row]),
                Some((column, &self.columns[column])),
                message,
            )
        };
        if cell.is_empty() {
            return Err(err("empty cell".into()));
        }
        let v: f32 = cell
            .parse()
            .map_err(|_| err(format!("{} is not a number", quote(cell))))?;
        if !v.is_finite() {
            return Err(err(format!(
                "{} is not finite (NaN and infinities are not allowed)",
                quote(cell)
            )));
        }
        Ok(v)
    }
}

/// Turns byte offsets into 1-based line numbers by counting `\n` bytes.
///
/// The csv crate's own line count is one short in files with `\r\n` line
/// endings (and its record offset can point at the previous line's `\n`),
/// so lines are counted here: a record starts at its first byte that is not
/// a line ending.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the byte at `position` (offsets only grow between calls).
    fn line_at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return 0 };
        let to = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if to < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.offset..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let mut start = to;
        while let Some(&b) = self.bytes.get(start).filter(|&&b| b == b'\r' || b == b'\n') {
            self.line += u64::from(b == b'\n');
            start += 1;
        }
        self.offset = start;
        self.line
    }
}
