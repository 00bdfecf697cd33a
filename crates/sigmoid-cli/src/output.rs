//! Where commands write: output paths checked before any work starts, files
//! written whole (through `sigmoid_nn::write_atomic`) or to stdout for `-`.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The path that means "standard output" in `--out`.
pub const STDOUT: &str = "-";

/// Whether `path` is `-`, standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == STDOUT
}

/// Checks, before any work starts, that a file can be created at `path`:
/// it is not a folder, its folder exists and a file can be created in it
/// (tried with a temporary file, removed at once). `flag` names the option
/// in the error.
///
/// # Errors
/// One line naming `flag`, `path` and the reason.
pub fn check_writable(flag: &str, path: &Path) -> Result<()> {
    if is_stdout(path) {
        return Ok(());
    }
    if path.is_dir() {
        bail!("{flag}: cannot write {}: it is a folder", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "{flag}: cannot write {}: {} is not a folder",
            path.display(),
            dir.display()
        );
    }
    tempfile::Builder::new()
        .prefix(".sigmoid-check-")
        .tempfile_in(dir)
        .map(drop)
        .with_context(|| format!("{flag}: cannot write {}", path.display()))
}

/// Writes `bytes` to `path` whole or not at all (a temporary file renamed
/// over it), or to stdout when `path` is `-`.
///
/// # Errors
/// The I/O error, naming the path; a closed stdout is an `io::Error` of
/// kind `BrokenPipe`, which `main` treats as success.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if is_stdout(path) {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(());
    }
    sigmoid_nn::write_atomic(path, bytes)?;
    Ok(())
}
