//! Mini-batches of training rows for [`Sequential::fit`](crate::Sequential::fit).
//!
//! A shuffled batch gathers rows from all over the training matrix: for
//! data larger than the cache, that is one cache miss per row, and was the
//! largest cost of an SGD step on a wide, long data set (ndarray's `select`
//! also allocated three arrays a batch). Here rows are copied into buffers
//! that are reused, never allocated per batch, and, for large data when
//! rayon's pool has more than one thread, by a helper thread that gathers
//! the next chunk of batches while the training thread computes on this one.
//!
//! The batches hold the same rows in the same order either way, so training
//! gives bit-identical weights with or without the helper thread.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::Scope;

use ndarray::{ArrayView1, ArrayView2, s};

/// Training sets from this many rows get a gathering thread: below, one
/// epoch is too short for a hand-over between threads to pay.
const THREAD_FROM_ROWS: usize = 16_384;

/// Rows per chunk handed over by the gathering thread (rounded to whole
/// batches): about 1024 rows, so that a hand-over costs little per batch
/// and a chunk of a few hundred features stays in the L2 cache.
const CHUNK_ROWS: usize = 1024;

/// Chunks gathered ahead of the training thread.
const DEPTH: usize = 3;

/// The rows of `x`, `y` (and the weights) of one epoch order, copied.
#[derive(Default)]
struct Chunk {
    x: Vec<f32>,
    y: Vec<f32>,
    w: Vec<f32>,
    rows: usize,
}

/// The training data of one `fit`.
#[derive(Clone, Copy)]
struct Source<'a> {
    x: ArrayView2<'a, f32>,
    y: ArrayView2<'a, f32>,
    w: Option<ArrayView1<'a, f32>>,
}

impl Source<'_> {
    /// Copies the rows `rows` into `chunk` (reusing its buffers).
    fn gather(&self, rows: &[usize], chunk: &mut Chunk) {
        let (cols, outputs) = (self.x.ncols(), self.y.ncols());
        chunk.x.clear();
        chunk.y.clear();
        chunk.w.clear();
        for &r in rows {
            match self.x.row(r).to_slice() {
                Some(row) => chunk.x.extend_from_slice(row),
                None => chunk.x.extend(self.x.row(r).iter()),
            }
            match self.y.row(r).to_slice() {
                Some(row) => chunk.y.extend_from_slice(row),
                None => chunk.y.extend(self.y.row(r).iter()),
            }
            if let Some(w) = self.w {
                chunk.w.push(w[r]);
            }
        }
        debug_assert_eq!(chunk.x.len(), rows.len() * cols);
        debug_assert_eq!(chunk.y.len(), rows.len() * outputs);
        chunk.rows = rows.len();
    }
}

/// The gathering thread's end: epoch orders in, full chunks out, empty
/// chunks back for reuse.
struct Helper {
    orders: Sender<Arc<Vec<usize>>>,
    full: Receiver<Chunk>,
    empty: Sender<Chunk>,
}

/// The batches of one `fit`: [`Batches::epoch`] before each epoch, then
/// [`Batches::next`] for each batch, in order.
pub(crate) struct Batches<'a> {
    source: Source<'a>,
    shuffle: bool,
    helper: Option<Helper>,
    /// The chunk batches are served from, and the row in it where the next starts.
    current: Chunk,
    at: usize,
}

/// Runs `train` with the batches of (`x`, `y`, `w`), with a gathering
/// thread when the data is large, shuffled and rayon's pool has more than
/// one thread. The thread ends when `train` returns.
pub(crate) fn with_batches<'a, R>(
    x: ArrayView2<'a, f32>,
    y: ArrayView2<'a, f32>,
    w: Option<ArrayView1<'a, f32>>,
    batch_size: usize,
    shuffle: bool,
    train: impl FnOnce(&mut Batches<'a>) -> R,
) -> R {
    let source = Source { x, y, w };
    let threaded = shuffle && x.nrows() >= THREAD_FROM_ROWS && rayon::current_num_threads() > 1;
    let batches = |helper| Batches {
        source,
        shuffle,
        helper,
        current: Chunk::default(),
        at: 0,
    };
    if !threaded {
        return train(&mut batches(None));
    }
    std::thread::scope(|scope| {
        // Owned by this closure, so that an early return or a panic drops
        // the channels, which ends the helper before the scope joins it.
        let mut batches = batches(Some(spawn_helper(scope, source, batch_size)));
        train(&mut batches)
    })
}

fn spawn_helper<'scope, 'a: 'scope>(
    scope: &'scope Scope<'scope, '_>,
    source: Source<'a>,
    batch_size: usize,
) -> Helper {
    let (orders, order_rx) = channel::<Arc<Vec<usize>>>();
    let (full_tx, full) = sync_channel::<Chunk>(DEPTH);
    let (empty, empty_rx) = channel::<Chunk>();
    let chunk_rows = batch_size * (CHUNK_ROWS / batch_size).max(1);
    scope.spawn(move || gather_loop(source, chunk_rows, &order_rx, &full_tx, &empty_rx));
    for _ in 0..DEPTH + 1 {
        let _ = empty.send(Chunk::default());
    }
    Helper {
        orders,
        full,
        empty,
    }
}

/// The gathering thread: for each epoch order, its chunks, in order. Ends
/// when the training side hangs up.
fn gather_loop(
    source: Source<'_>,
    chunk_rows: usize,
    orders: &Receiver<Arc<Vec<usize>>>,
    full: &SyncSender<Chunk>,
    empty: &Receiver<Chunk>,
) {
    while let Ok(order) = orders.recv() {
        for rows in order.chunks(chunk_rows) {
            let Ok(mut chunk) = empty.recv() else { return };
            source.gather(rows, &mut chunk);
            if full.send(chunk).is_err() {
                return;
            }
        }
    }
}

impl<'a> Batches<'a> {
    /// Starts an epoch over the training rows in `order` (a permutation,
    /// when shuffling; ignored otherwise).
    pub(crate) fn epoch(&mut self, order: &[usize]) {
        self.at = 0;
        self.current.rows = 0;
        if let Some(helper) = &self.helper {
            helper
                .orders
                .send(Arc::new(order.to_vec()))
                .expect("the gathering thread lives as long as the batches");
        }
    }

    /// The next batch, whose rows are `rows` (the next `batch_size` of the
    /// epoch's order): views of `x`, `y` and the weights.
    pub(crate) fn next(
        &mut self,
        rows: &[usize],
    ) -> (
        ArrayView2<'_, f32>,
        ArrayView2<'_, f32>,
        Option<ArrayView1<'_, f32>>,
    ) {
        let Source { x, y, w } = self.source;
        if !self.shuffle {
            // Contiguous rows: views of the data itself.
            let r = rows[0]..rows[0] + rows.len();
            return (
                x.slice_move(s![r.clone(), ..]),
                y.slice_move(s![r.clone(), ..]),
                w.map(|w| w.slice_move(s![r])),
            );
        }
        let m = rows.len();
        match &self.helper {
            None => {
                self.source.gather(rows, &mut self.current);
                self.at = 0;
            }
            Some(helper) => {
                if self.at == self.current.rows {
                    let next = helper
                        .full
                        .recv()
                        .expect("the gathering thread lives as long as the batches");
                    let done = std::mem::replace(&mut self.current, next);
                    let _ = helper.empty.send(done);
                    self.at = 0;
                }
            }
        }
        let (at, cols, outputs) = (self.at, x.ncols(), y.ncols());
        debug_assert!(
            at + m <= self.current.rows,
            "batches follow the epoch order"
        );
        self.at += m;
        let c = &self.current;
        let xb = ArrayView2::from_shape((m, cols), &c.x[at * cols..(at + m) * cols]);
        let yb = ArrayView2::from_shape((m, outputs), &c.y[at * outputs..(at + m) * outputs]);
        (
            xb.expect("a chunk holds whole rows"),
            yb.expect("a chunk holds whole rows"),
            w.map(|_| ArrayView1::from(&c.w[at..at + m])),
        )
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2, Axis};

    use super::*;

    /// Every batch equals ndarray's `select` of its rows, with and without
    /// the gathering thread, over several epochs.
    #[test]
    fn batches_are_the_selected_rows() {
        let n = THREAD_FROM_ROWS + 1000;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| (i * 3 + j) as f32);
        let y = Array2::from_shape_fn((n, 1), |(i, _)| (i % 2) as f32);
        let w = Array1::from_shape_fn(n, |i| i as f32 * 0.5);
        let mut order: Vec<usize> = (0..n).rev().collect();
        order.swap(0, 5000);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                with_batches(x.view(), y.view(), Some(w.view()), 32, true, |batches| {
                    assert_eq!(batches.helper.is_some(), threads == 2);
                    for _ in 0..2 {
                        batches.epoch(&order);
                        for rows in order.chunks(32) {
                            let (xb, yb, wb) = batches.next(rows);
                            assert_eq!(xb, x.select(Axis(0), rows));
                            assert_eq!(yb, y.select(Axis(0), rows));
                            assert_eq!(wb.unwrap(), w.select(Axis(0), rows));
                        }
                    }
                });
            });
        }
    }

    /// `fit` trains to the same bits with the gathering thread (2 threads)
    /// as without it (1 thread).
    #[test]
    fn fit_is_the_same_with_and_without_the_thread() {
        use crate::{Activation, Dense, FitOptions, Loss, Sequential, Sgd};
        let n = THREAD_FROM_ROWS + 100;
        let x = Array2::from_shape_fn((n, 4), |(i, j)| ((i * 4 + j) as f32 * 0.37).sin());
        let y = Array2::from_shape_fn((n, 1), |(i, _)| f32::from(u8::from(x[[i, 1]] > 0.1)));
        let fit = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut model = Sequential::with_seed(4, 9);
            model.add(Dense::new(1).activation(Activation::Sigmoid));
            model
                .compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[])
                .unwrap();
            let history = pool.install(|| model.fit(&x, &y, FitOptions::new()).unwrap());
            (model.parameters(), history.loss)
        };
        assert_eq!(fit(1), fit(2));
    }

    #[test]
    fn unshuffled_batches_are_views_of_the_data() {
        let x = Array2::from_shape_fn((10, 2), |(i, j)| (i * 2 + j) as f32);
        let y = Array2::<f32>::zeros((10, 1));
        let order: Vec<usize> = (0..10).collect();
        with_batches(x.view(), y.view(), None, 4, false, |batches| {
            batches.epoch(&order);
            let (xb, _, wb) = batches.next(&order[4..8]);
            assert_eq!(xb, x.slice(s![4..8, ..]));
            assert!(std::ptr::eq(xb.as_ptr(), x.row(4).as_ptr()));
            assert!(wb.is_none());
        });
    }

    /// A training loop that stops early (an error) ends the thread.
    #[test]
    fn stopping_mid_epoch_ends_the_thread() {
        let n = THREAD_FROM_ROWS * 2;
        let x = Array2::<f32>::zeros((n, 2));
        let y = Array2::<f32>::zeros((n, 1));
        let order: Vec<usize> = (0..n).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let seen = pool.install(|| {
            with_batches(x.view(), y.view(), None, 32, true, |batches| {
                batches.epoch(&order);
                batches.next(&order[..32]).0.nrows()
            })
        });
        assert_eq!(seen, 32);
    }
}
