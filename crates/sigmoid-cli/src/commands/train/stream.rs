//! `sigmoid train --stream` (or a file over `--memory-limit`): training on a
//! file read in blocks every epoch, with memory bounded by the limit
//! whatever the file's size (see `sigmoid_nn::data::CsvStream`).

use std::io::{self, IsTerminal};
use std::path::Path;

use anyhow::{Context, Result, bail};
use sigmoid_nn::data::Labels;
use sigmoid_nn::data::{CsvStream, ReadOptions, StreamPart, TestRows};
use sigmoid_nn::{Evaluation, FitOptions};

use super::Finished;
use super::report::{self, DataInfo};

use super::{Args, OptimizerKind, progress};

/// The memory a streamed run keeps to when no --memory-limit is given.
pub const DEFAULT_LIMIT: u64 = 256 << 20;

/// Whether this run streams: --stream, or a --data file whose matrix would
/// not fit in --memory-limit (the reason is printed).
///
/// # Errors
/// A file that cannot be read.
pub fn wanted(args: &Args) -> Result<bool> {
    if args.stream {
        return Ok(true);
    }
    let (Some(limit), Some(path)) = (args.memory_limit, &args.data) else {
        return Ok(false);
    };
    // `--data digits` names the bundled images, not a file.
    if path.as_os_str() == "digits" && !path.exists() {
        return Ok(false);
    }
    let need = in_memory_bytes(path)?;
    if need > limit {
        eprintln!(
            "note: {} needs about {} in memory, more than --memory-limit {}: streaming it",
            path.display(),
            mib(need),
            mib(limit)
        );
    }
    Ok(need > limit)
}

/// About the memory training on `path` in memory takes: 1.5 times its f32
/// matrix, the rows estimated from the first 1 MiB of lines.
fn in_memory_bytes(path: &Path) -> Result<u64> {
    use std::io::Read;
    let size = std::fs::metadata(path)
        .with_context(|| format!("{}", path.display()))?
        .len();
    let mut head = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("{}", path.display()))?
        .take(1 << 20)
        .read_to_end(&mut head)?;
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1) as u64;
    // Any of the three delimiters counts: an estimate need not detect which.
    let header = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let columns = 1 + header
        .iter()
        .filter(|&&b| b == b',' || b == b'\t' || b == b';')
        .count() as u64;
    let rows = size / (head.len() as u64 / lines).max(1);
    Ok(rows * columns * 4 * 3 / 2)
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

/// Parses a memory size: bytes, or a number with K, M, G or T (powers of 1024).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], t[i..].to_ascii_uppercase()),
        None => (t, String::new()),
    };
    let scale: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("{text:?}: the unit is not K, M, G or T")),
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 256M or 2G"))?;
    if !(value.is_finite() && value > 0.0) {
        return Err(format!("{text:?}: the size must be positive"));
    }
    Ok((value * scale as f64) as u64)
}

/// What options a streamed run cannot honour.
fn check(args: &Args) -> Result<&Path> {
    let Some(path) = args.data.as_deref() else {
        bail!("--stream needs --data FILE.csv (the bundled data fits in memory)");
    };
    if args.optimizer == OptimizerKind::Lbfgs {
        bail!("--stream trains with sgd or adam, not lbfgs (which needs all rows at each step)");
    }
    if !args.conv.is_empty() {
        bail!("--stream reads tables, not images: leave out --conv");
    }
    if args.validation_split > 0.0 {
        bail!(
            "--stream has no --validation-split; a test set is held out (--test or --test-fraction)"
        );
    }
    Ok(path)
}

/// A streamed run: the data read and checked, the model trained and tested,
/// reported as an in-memory run is.
///
/// # Errors
/// The options it cannot honour; the file's errors (file, row, line,
/// column), found before any training; training errors.
pub fn run(args: &Args) -> Result<()> {
    let path = check(args)?;
    let start = std::time::Instant::now();
    let options = ReadOptions {
        delimiter: args.delimiter,
        target: args.target.clone(),
        positive: args.positive.clone(),
    };
    let split = match &args.test {
        Some(_) => None,
        None => Some(TestRows::new(args.test_fraction.unwrap_or(0.2), args.seed)),
    };
    let stream = CsvStream::open(path, &options, split)?;
    let test_file = match &args.test {
        Some(test_path) => {
            let test = CsvStream::open(test_path, &options, None)?;
            if test.feature_names() != stream.feature_names() {
                bail!(
                    "{}: the feature columns differ from those of {}",
                    test_path.display(),
                    path.display()
                );
            }
            Some(test.with_standardizer(stream.standardizer().clone()))
        }
        None => None,
    };
    let load_ms = start.elapsed().as_secs_f64() * 1e3;
    let (mut model, lr) = super::build_model(args, &[stream.feature_names().len()])?;
    let split_words = match (split, &args.test) {
        (Some(s), _) => format!(
            "about {} of the rows by a hash of the row number (seed {}), streamed",
            s.fraction, s.seed
        ),
        (None, t) => format!("test set {}", t.as_deref().unwrap_or(path).display()),
    };
    let test_rows = match &test_file {
        Some(t) => t.train_rows(),
        None => stream.test_rows(),
    };
    let data_info = DataInfo {
        source: stream.source().to_string(),
        target: stream.target_name().to_string(),
        labels: (&Labels::default()).into(),
        features: stream.feature_names().len(),
        train_rows: stream.train_rows(),
        test_rows,
        split: split_words,
        load_ms,
    };
    let model_info = super::model_info(args, &model, lr);
    if !args.json {
        report::write_header(
            &mut io::stdout().lock(),
            &data_info,
            &model_info,
            data_info.features,
        )?;
    }

    let limit = args.memory_limit.unwrap_or(DEFAULT_LIMIT);
    let row_bytes = 4 * (stream.feature_names().len() as u64 + 1);
    // A quarter of the limit for the shuffle buffer: the rest holds blocks
    // being read and parsed, the batch and the model.
    let buffer_rows = usize::try_from(limit / 4 / row_bytes)
        .unwrap_or(usize::MAX)
        .max(args.batch_size);
    let shuffle = !args.no_shuffle;
    let seed = args.seed;
    let batch_size = args.batch_size;
    let mut fit_options = FitOptions::new().epochs(args.epochs);
    if !args.json {
        fit_options = fit_options.callback(progress::Progress::new(io::stdout().is_terminal()));
    }
    let history = model.fit_batches(
        |epoch| {
            let shuffle_seed = shuffle.then(|| seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9));
            Ok(stream.batches(StreamPart::Train, batch_size, buffer_rows, shuffle_seed))
        },
        fit_options,
    )?;

    let (tested, part) = match &test_file {
        Some(t) => (t, StreamPart::All),
        None => (&stream, StreamPart::Test),
    };
    let (mut loss, mut correct, mut rows) = (0.0, 0.0, 0_usize);
    let mut confusion_matrix = [[0_usize; 2]; 2];
    tested.for_each_chunk(part, |x, y| {
        let e = model.evaluate(x, y)?;
        loss += e.loss * x.nrows() as f64;
        correct += e.accuracy * x.nrows() as f64;
        rows += x.nrows();
        let c = super::confusion(&model.predict(x)?, &y.to_owned());
        for (total, part) in confusion_matrix
            .iter_mut()
            .flatten()
            .zip(c.iter().flatten())
        {
            *total += part;
        }
        Ok(())
    })?;
    let warnings = super::warnings(stream.class_counts(), &Labels::default(), &history, lr);
    let scaler = stream.standardizer().clone();
    let features = stream.feature_names();
    let target = stream.target_name().to_string();
    super::finish(
        args,
        data_info,
        model_info,
        Finished {
            model,
            scaler,
            features,
            target,
            labels: Labels::default(),
            history,
            lbfgs: None,
            warnings,
            test: Evaluation {
                loss: loss / rows.max(1) as f64,
                accuracy: correct / rows.max(1) as f64,
            },
            test_rows: rows,
            confusion: confusion_matrix,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("100kb"), Ok(100 << 10));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12X").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("lots").is_err());
    }
}
