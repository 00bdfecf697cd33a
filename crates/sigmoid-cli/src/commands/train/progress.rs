//! Keras-style progress of `sigmoid train`: a bar per epoch on a terminal,
//! else one line per epoch.

use std::io::{self, Write};
use std::ops::ControlFlow;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sigmoid_nn::{BatchLogs, Callback, EpochLogs, TrainBegin};

/// The progress display, a [`Callback`] of `fit`.
pub struct Progress {
    bar: Option<ProgressBar>,
    terminal: bool,
    epochs: usize,
    steps: usize,
}

impl Progress {
    /// Bars when `terminal`, else lines.
    pub fn new(terminal: bool) -> Self {
        Progress {
            bar: None,
            terminal,
            epochs: 0,
            steps: 0,
        }
    }
}

fn epoch_line(logs: &EpochLogs<'_>) -> String {
    let mut line = format!("loss: {:.4} - accuracy: {:.4}", logs.loss, logs.accuracy);
    if let (Some(l), Some(a)) = (logs.val_loss, logs.val_accuracy) {
        line += &format!(" - val_loss: {l:.4} - val_accuracy: {a:.4}");
    }
    line
}

/// A duration in ms (or µs below a millisecond).
pub fn format_ms(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else {
        format!("{ms:.1} ms")
    }
}

impl Callback for Progress {
    fn on_train_begin(&mut self, info: &TrainBegin) {
        self.epochs = info.epochs;
        self.steps = info.steps_per_epoch;
    }

    fn on_epoch_begin(&mut self, epoch: usize) {
        if self.terminal {
            let mut out = io::stdout().lock();
            let _ = writeln!(out, "Epoch {epoch}/{}", self.epochs);
            let bar = ProgressBar::with_draw_target(
                Some(self.steps as u64),
                ProgressDrawTarget::stdout(),
            );
            bar.set_style(
                ProgressStyle::with_template("{pos:>4}/{len} {bar:24} {msg}")
                    .expect("valid template")
                    .progress_chars("━━ "),
            );
            self.bar = Some(bar);
        }
    }

    fn on_batch_end(&mut self, logs: &BatchLogs<'_>) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "loss: {:.4} - accuracy: {:.4}",
                logs.running_loss, logs.running_accuracy
            ));
            bar.inc(1);
        }
    }

    fn on_epoch_end(&mut self, logs: &EpochLogs<'_>) -> ControlFlow<()> {
        let text = format!("{} - {}/epoch", epoch_line(logs), format_ms(logs.seconds));
        match self.bar.take() {
            Some(bar) => bar.finish_with_message(text),
            None => {
                // A closed stdout is not an error while training; the
                // report at the end finds it.
                let _ = writeln!(
                    io::stdout().lock(),
                    "Epoch {}/{} - {text}",
                    logs.epoch,
                    self.epochs
                );
            }
        }
        ControlFlow::Continue(())
    }
}
