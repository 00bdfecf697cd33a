//! [`CsvStream`]: a data file trained on without holding it in memory.
//!
//! The file is read in [`LineBlocks`](super::LineBlocks) (a window of them
//! parsed in parallel, as the in-memory reader does) every time it is
//! needed: twice when it is opened (every row checked, the features' mean,
//! then their standard deviation, summed as [`Standardizer::fit`] sums
//! them), and once per epoch. Batches come from a buffer of rows that is
//! shuffled as a whole, so memory is the buffer plus a few blocks, whatever
//! the file's size.
//!
//! ```
//! use sigmoid_nn::data::{CsvStream, ReadOptions, StreamPart, TestRows};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("d.csv");
//! let rows: String = (0..1000).map(|i| format!("{},{}\n", i % 10, i % 2)).collect();
//! std::fs::write(&path, format!("x,y\n{rows}"))?;
//! let stream = CsvStream::open(&path, &ReadOptions::new(), Some(TestRows::new(0.2, 7)))?;
//! assert_eq!(stream.train_rows() + stream.test_rows(), 1000);
//! let batches = stream.batches(StreamPart::Train, 32, 256, Some(1));
//! let seen: usize = batches.map(|b| b.map(|b| b.len())).sum::<Result<usize, _>>()?;
//! assert_eq!(seen, stream.train_rows());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::csv_text::data_error;
use super::dataset::ReadOptions;
use super::line_blocks::LineBlocks;
use super::numeric_csv::{BLOCK_BYTES, Layout, ParsedBlock, parse_block};
use super::standardizer::Standardizer;
use crate::{Batch, NnError};

/// A seeded random choice of test rows that needs no pass over the file:
/// data row `i` (0-based) is a test row when a hash of `i` and the seed
/// falls below `fraction`. About `fraction` of the rows, not exactly, and
/// not the rows [`Dataset::train_test_split`](super::Dataset::train_test_split)
/// picks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestRows {
    /// The share of rows for testing, in (0, 1).
    pub fraction: f64,
    /// The seed of the hash.
    pub seed: u64,
}

impl TestRows {
    /// `fraction` of the rows, chosen by `seed`.
    pub fn new(fraction: f64, seed: u64) -> Self {
        TestRows { fraction, seed }
    }

    /// Whether data row `row` (0-based) is a test row.
    pub fn contains(&self, row: u64) -> bool {
        // SplitMix64's finaliser: every bit of the row and seed moves every output bit.
        let mut z = row
            .wrapping_add(self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < self.fraction
    }
}

/// Which rows of a [`CsvStream`] to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamPart {
    /// The rows that are not test rows (all rows without [`TestRows`]).
    Train,
    /// The [`TestRows`] (none without them).
    Test,
    /// Every row.
    All,
}

/// A CSV file of numbers with a 0/1 label column, read in blocks each time
/// it is used, standardised by the statistics of its training rows.
#[derive(Clone, Debug)]
pub struct CsvStream {
    path: PathBuf,
    block_bytes: usize,
    layout: Layout,
    split: Option<TestRows>,
    train_rows: usize,
    test_rows: usize,
    train_ones: usize,
    standardizer: Standardizer,
}

impl CsvStream {
    /// Opens `path` and reads it twice: every row is checked, the training
    /// rows' mean, then their standard deviation, are computed.
    ///
    /// # Errors
    /// [`NnError::Io`]; [`NnError::Data`] naming the file, row, line and
    /// column of the first bad cell or row, as the in-memory reader would;
    /// [`NnError::Data`] for a file this reader does not take (a label
    /// column other than the numbers 0 and 1, a named positive label,
    /// double quotes or bytes outside ASCII: read such files in memory);
    /// [`NnError::InvalidArgument`] for a split fraction outside (0, 1) or
    /// one that leaves no rows on a side.
    pub fn open(
        path: impl AsRef<Path>,
        options: &ReadOptions,
        split: Option<TestRows>,
    ) -> Result<Self, NnError> {
        Self::open_with_block_bytes(path, options, split, BLOCK_BYTES)
    }

    /// [`open`](CsvStream::open), reading the file in blocks of about
    /// `block_bytes` bytes (4 MiB in `open`; a window of two blocks per
    /// thread is parsed at a time).
    ///
    /// # Errors
    /// As [`open`](CsvStream::open).
    pub fn open_with_block_bytes(
        path: impl AsRef<Path>,
        options: &ReadOptions,
        split: Option<TestRows>,
        block_bytes: usize,
    ) -> Result<Self, NnError> {
        let path = path.as_ref().to_path_buf();
        let source = path.display().to_string();
        if let Some(s) = split
            && !(s.fraction > 0.0 && s.fraction < 1.0)
        {
            return Err(NnError::InvalidArgument(format!(
                "the test fraction must be between 0 and 1, not {}",
                s.fraction
            )));
        }
        let unsupported = |what: &str| {
            data_error(
                &source,
                None,
                None,
                None,
                format!(
                    "{what}; streaming reads files of numbers with a 0/1 label column, \
                     without quotes (read this one in memory)"
                ),
            )
        };
        if options.positive.is_some() {
            return Err(unsupported("a named positive label"));
        }
        let mut first = LineBlocks::new(open(&path)?, 1 << 16);
        let header = first
            .next_block()
            .map_err(|e| NnError::io(&path, e))?
            .unwrap_or_default();
        let header_end = header
            .iter()
            .position(|&b| b == b'\n')
            .map_or(header.len(), |i| i + 1);
        let layout =
            Layout::from_header(&header[..header_end], &source, options).ok_or_else(|| {
                unsupported("the header is empty, quoted or has no such label column")
            })?;
        let width = layout.n_features();
        let mut stream = CsvStream {
            path,
            block_bytes,
            layout,
            split,
            train_rows: 0,
            test_rows: 0,
            train_ones: 0,
            standardizer: Standardizer {
                mean: Array1::zeros(width),
                std: Array1::ones(width),
            },
        };
        // Pass 1: check every row, count, sum the training rows.
        let mut sums = vec![0.0_f64; width];
        let (mut train, mut test, mut ones) = (0, 0, 0);
        stream.for_each_block(StreamPart::All, false, |block, _| {
            let rows = block.features.chunks_exact(width).zip(&block.labels);
            for ((row, &label), &index) in rows.zip(&block.row_numbers) {
                if split.is_some_and(|s| s.contains(index)) {
                    test += 1;
                    continue;
                }
                train += 1;
                ones += usize::from(label > 0.5);
                for (s, &v) in sums.iter_mut().zip(row) {
                    *s += f64::from(v);
                }
            }
            Ok(())
        })?;
        stream.train_rows = train;
        stream.test_rows = test;
        stream.train_ones = ones;
        if train == 0 || (split.is_some() && test == 0) {
            return Err(NnError::InvalidArgument(format!(
                "{source}: {train} training rows and {test} test rows; the split leaves \
                 no rows on one side"
            )));
        }
        let n = train as f64;
        let means: Vec<f64> = sums.iter().map(|s| s / n).collect();
        // Pass 2: squared deviations from the mean, as `Standardizer::fit`.
        let mut squares = vec![0.0_f64; width];
        stream.for_each_block(StreamPart::Train, false, |block, _| {
            for row in block.features.chunks_exact(width) {
                for ((s, &v), m) in squares.iter_mut().zip(row).zip(&means) {
                    *s += (f64::from(v) - m).powi(2);
                }
            }
            Ok(())
        })?;
        stream.standardizer = Standardizer::from_sums(&means, &squares, n);
        Ok(stream)
    }

    /// The file's name in messages.
    pub fn source(&self) -> &str {
        &self.layout.source
    }

    /// The number of training rows.
    pub fn train_rows(&self) -> usize {
        self.train_rows
    }

    /// The number of test rows (0 without a split).
    pub fn test_rows(&self) -> usize {
        self.test_rows
    }

    /// The training rows per class: [label 0, label 1].
    pub fn class_counts(&self) -> [usize; 2] {
        [self.train_rows - self.train_ones, self.train_ones]
    }

    /// The same file standardised by `standardizer` (another file's, for a
    /// test set).
    ///
    /// # Panics
    /// If `standardizer` does not have one entry per feature.
    #[must_use]
    pub fn with_standardizer(mut self, standardizer: Standardizer) -> Self {
        assert_eq!(
            standardizer.mean.len(),
            self.layout.n_features(),
            "CsvStream::with_standardizer: wrong number of features"
        );
        self.standardizer = standardizer;
        self
    }

    /// The feature columns, in file order.
    pub fn feature_names(&self) -> Vec<String> {
        self.layout.feature_names()
    }

    /// The label column.
    pub fn target_name(&self) -> &str {
        &self.layout.columns[self.layout.target]
    }

    /// The statistics of the training rows, applied to every row read.
    pub fn standardizer(&self) -> &Standardizer {
        &self.standardizer
    }

    /// Calls `f(x, y)` on the `part`'s rows, standardised, in file order,
    /// a few MiB of rows at a time.
    ///
    /// # Errors
    /// The file's errors (as [`open`](CsvStream::open)), and `f`'s.
    pub fn for_each_chunk(
        &self,
        part: StreamPart,
        mut f: impl FnMut(ArrayView2<'_, f32>, ArrayView2<'_, f32>) -> Result<(), NnError>,
    ) -> Result<(), NnError> {
        let width = self.layout.n_features();
        self.for_each_block(part, true, |block, _| {
            let rows = block.labels.len();
            if rows == 0 {
                return Ok(());
            }
            let x = ArrayView2::from_shape((rows, width), &block.features).expect("rows");
            let y = ArrayView2::from_shape((rows, 1), &block.labels).expect("rows");
            f(x, y)
        })
    }

    /// The `part`'s rows in batches of `batch_size` for one epoch, taken
    /// from a buffer of `buffer_rows` rows that is shuffled as a whole when
    /// `shuffle_seed` is given (the rows left over from one buffer start the
    /// next); in file order without it, the batches are those of
    /// [`Sequential::fit`](crate::Sequential::fit) without shuffling. Every
    /// batch is full but the last.
    pub fn batches(
        &self,
        part: StreamPart,
        batch_size: usize,
        buffer_rows: usize,
        shuffle_seed: Option<u64>,
    ) -> StreamBatches<'_> {
        let rows = match part {
            StreamPart::Train => self.train_rows,
            StreamPart::Test => self.test_rows,
            StreamPart::All => self.train_rows + self.test_rows,
        };
        let batch_size = batch_size.max(1);
        StreamBatches {
            reader: self.reader(part, true),
            width: self.layout.n_features(),
            batch_size,
            buffer_rows: buffer_rows.max(batch_size),
            rng: shuffle_seed.map(ChaCha8Rng::seed_from_u64),
            x: Vec::new(),
            y: Vec::new(),
            order: Vec::new(),
            position: 0,
            end: false,
            steps: rows.div_ceil(batch_size),
        }
    }

    fn reader(&self, part: StreamPart, standardise: bool) -> BlockReader<'_> {
        BlockReader {
            stream: self,
            blocks: None,
            part,
            standardise,
            rows_before: 0,
            lines_before: 1,
        }
    }

    fn for_each_block(
        &self,
        part: StreamPart,
        standardise: bool,
        mut f: impl FnMut(RowBlock, u64) -> Result<(), NnError>,
    ) -> Result<(), NnError> {
        let mut reader = self.reader(part, standardise);
        while let Some(window) = reader.next_window()? {
            for block in window {
                let first = block.row_numbers.first().copied().unwrap_or(0);
                f(block, first)?;
            }
        }
        Ok(())
    }
}

fn open(path: &Path) -> Result<File, NnError> {
    File::open(path).map_err(|e| NnError::io(path, e))
}

/// A block's rows of one part: features (row-major), labels, and each
/// row's 0-based data row number in the file.
struct RowBlock {
    features: Vec<f32>,
    labels: Vec<f32>,
    row_numbers: Vec<u64>,
}

/// Reads a stream's file window by window.
struct BlockReader<'a> {
    stream: &'a CsvStream,
    blocks: Option<LineBlocks<File>>,
    part: StreamPart,
    standardise: bool,
    rows_before: u64,
    lines_before: u64,
}

impl BlockReader<'_> {
    fn next_window(&mut self) -> Result<Option<Vec<RowBlock>>, NnError> {
        let stream = self.stream;
        let io = |e| NnError::io(&stream.path, e);
        if self.blocks.is_none() {
            let mut blocks = LineBlocks::new(open(&stream.path)?, stream.block_bytes);
            // The header's line: read to its end, then the blocks go on after it.
            let mut first = blocks.next_block().map_err(io)?.unwrap_or_default();
            let header_end = first
                .iter()
                .position(|&b| b == b'\n')
                .map_or(first.len(), |i| i + 1);
            first.drain(..header_end);
            self.blocks = Some(blocks);
            return self.parse(vec![first]).map(Some);
        }
        let blocks = self.blocks.as_mut().expect("opened");
        let mut window = Vec::new();
        while window.len() < 2 * rayon::current_num_threads().max(1) {
            match blocks.next_block().map_err(io)? {
                Some(b) => window.push(b),
                None => break,
            }
        }
        if window.is_empty() {
            return Ok(None);
        }
        self.parse(window).map(Some)
    }

    fn parse(&mut self, window: Vec<Vec<u8>>) -> Result<Vec<RowBlock>, NnError> {
        let stream = self.stream;
        let layout = &stream.layout;
        let parsed: Vec<ParsedBlock> = window.par_iter().map(|b| parse_block(layout, b)).collect();
        let mut out = Vec::with_capacity(parsed.len());
        for block in parsed {
            if let Some(problem) = block.problem {
                let unsupported = || {
                    data_error(
                        &layout.source,
                        None,
                        None,
                        None,
                        "a label other than 0 or 1, double quotes or bytes outside ASCII; \
                         streaming reads files of numbers with a 0/1 label column, without \
                         quotes (read this one in memory)",
                    )
                };
                let rows_before = usize::try_from(self.rows_before).unwrap_or(usize::MAX);
                return Err(problem
                    .into_error(layout, rows_before, self.lines_before)
                    .unwrap_or_else(unsupported));
            }
            let first_row = self.rows_before;
            self.rows_before += block.labels.len() as u64;
            self.lines_before += block.newlines;
            out.push(self.select(block, first_row));
        }
        Ok(out)
    }

    /// The part's rows of a parsed block, standardised if asked.
    fn select(&self, block: ParsedBlock, first_row: u64) -> RowBlock {
        let stream = self.stream;
        let width = stream.layout.n_features();
        let rows = block.labels.len() as u64;
        let keep = |row: u64| match (self.part, stream.split) {
            (StreamPart::All, _) => true,
            (StreamPart::Train, None) => true,
            (StreamPart::Test, None) => false,
            (StreamPart::Train, Some(s)) => !s.contains(row),
            (StreamPart::Test, Some(s)) => s.contains(row),
        };
        let mut out = RowBlock {
            features: Vec::new(),
            labels: Vec::new(),
            row_numbers: Vec::new(),
        };
        if (first_row..first_row + rows).all(keep) {
            out.features = block.features;
            out.labels = block.labels;
            out.row_numbers = (first_row..first_row + rows).collect();
        } else {
            for (i, (x, &y)) in block
                .features
                .chunks_exact(width)
                .zip(&block.labels)
                .enumerate()
            {
                let row = first_row + i as u64;
                if keep(row) {
                    out.features.extend_from_slice(x);
                    out.labels.push(y);
                    out.row_numbers.push(row);
                }
            }
        }
        if self.standardise {
            let s = &stream.standardizer;
            for row in out.features.chunks_exact_mut(width) {
                for ((v, &m), &sd) in row.iter_mut().zip(&s.mean).zip(&s.std) {
                    *v = ((f64::from(*v) - f64::from(m)) / f64::from(sd)) as f32;
                }
            }
        }
        out
    }
}

/// One epoch's batches of a [`CsvStream`]: see [`CsvStream::batches`].
pub struct StreamBatches<'a> {
    reader: BlockReader<'a>,
    width: usize,
    batch_size: usize,
    buffer_rows: usize,
    rng: Option<ChaCha8Rng>,
    x: Vec<f32>,
    y: Vec<f32>,
    order: Vec<usize>,
    position: usize,
    end: bool,
    steps: usize,
}

impl StreamBatches<'_> {
    /// Keeps the rows not yet handed out, then reads until the buffer is
    /// full or the file ends, and shuffles the buffer.
    fn refill(&mut self) -> Result<(), NnError> {
        let width = self.width;
        let mut x = Vec::with_capacity((self.buffer_rows + self.batch_size) * width);
        let mut y = Vec::with_capacity(self.buffer_rows + self.batch_size);
        for &r in &self.order[self.position..] {
            x.extend_from_slice(&self.x[r * width..(r + 1) * width]);
            y.push(self.y[r]);
        }
        while y.len() < self.buffer_rows && !self.end {
            match self.reader.next_window()? {
                Some(window) => {
                    for block in window {
                        x.extend_from_slice(&block.features);
                        y.extend_from_slice(&block.labels);
                    }
                }
                None => self.end = true,
            }
        }
        self.order = (0..y.len()).collect();
        if let Some(rng) = &mut self.rng {
            self.order.shuffle(rng);
        }
        self.position = 0;
        self.x = x;
        self.y = y;
        Ok(())
    }
}

impl Iterator for StreamBatches<'_> {
    type Item = Result<Batch, NnError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let left = self.order.len() - self.position;
            if left >= self.batch_size || (self.end && left > 0) {
                let take = left.min(self.batch_size);
                let rows = &self.order[self.position..self.position + take];
                self.position += take;
                let width = self.width;
                let mut x = Array2::zeros((take, width));
                let mut y = Array2::zeros((take, 1));
                for (i, &r) in rows.iter().enumerate() {
                    x.row_mut(i)
                        .as_slice_mut()
                        .expect("standard layout")
                        .copy_from_slice(&self.x[r * width..(r + 1) * width]);
                    y[[i, 0]] = self.y[r];
                }
                return Some(Ok(Batch::new(x, y)));
            }
            if self.end {
                return None;
            }
            if let Err(e) = self.refill() {
                self.end = true;
                self.order.clear();
                self.position = 0;
                return Some(Err(e));
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.steps, Some(self.steps))
    }
}
