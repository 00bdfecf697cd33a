//! [`LineBlocks`]: a reader cut into blocks of whole lines, so that each
//! block can be parsed on its own (in parallel, or one at a time when a file
//! is streamed) and memory stays bounded whatever the file's size.

use std::io::Read;

/// Blocks of whole lines from a reader: every block but the last ends with
/// `\n`, and a line longer than the block size makes its block longer.
#[derive(Debug)]
pub struct LineBlocks<R> {
    reader: R,
    block_size: usize,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    /// Bytes handed out so far.
    consumed: u64,
    done: bool,
}

impl<R: Read> LineBlocks<R> {
    /// Blocks of about `block_size` bytes (at least 1) from `reader`.
    pub fn new(reader: R, block_size: usize) -> Self {
        LineBlocks {
            reader,
            block_size: block_size.max(1),
            carry: Vec::new(),
            consumed: 0,
            done: false,
        }
    }

    /// Bytes handed out in blocks so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next block, `None` at the end.
    ///
    /// # Errors
    /// The reader's errors.
    pub fn next_block(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        if self.done && self.carry.is_empty() {
            return Ok(None);
        }
        let mut block = std::mem::take(&mut self.carry);
        block.reserve(self.block_size);
        loop {
            if !self.done {
                let start = block.len();
                let want = self
                    .block_size
                    .saturating_sub(start)
                    .max(self.block_size.min(64 * 1024));
                block.resize(start + want, 0);
                let read = read_full(&mut self.reader, &mut block[start..])?;
                block.truncate(start + read);
                self.done = read < want;
            }
            match block.iter().rposition(|&b| b == b'\n') {
                Some(last) if !self.done => {
                    self.carry = block[last + 1..].to_vec();
                    block.truncate(last + 1);
                    break;
                }
                // No line end yet: a line longer than the block; read on.
                None if !self.done => continue,
                _ => break,
            }
        }
        if block.is_empty() {
            return Ok(None);
        }
        self.consumed += block.len() as u64;
        Ok(Some(block))
    }
}

/// Reads until `buf` is full or the reader ends; the bytes read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_line_ends_and_join_to_the_input() {
        let text: Vec<u8> = (0..500)
            .flat_map(|i| format!("{i},{}\n", "x".repeat(i % 37)).into_bytes())
            .chain(*b"tail without newline")
            .collect();
        for size in [1, 7, 100, 4096, 1 << 20] {
            let mut blocks = LineBlocks::new(&text[..], size);
            let mut joined = Vec::new();
            let mut count = 0;
            while let Some(b) = blocks.next_block().unwrap() {
                joined.extend_from_slice(&b);
                count += 1;
                assert!(b.ends_with(b"\n") || joined.len() == text.len());
            }
            assert_eq!(joined, text, "block size {size}");
            assert_eq!(blocks.consumed(), text.len() as u64);
            assert!(count >= 1);
        }
        assert!(
            LineBlocks::new(&b""[..], 10)
                .next_block()
                .unwrap()
                .is_none()
        );
    }
}
