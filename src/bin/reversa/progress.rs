//! Progress bars on stderr (bytes read, files done, ETA), only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// An indicatif bar fed by the library's progress events.
pub struct Bar {
    bar: ProgressBar,
    files: AtomicU64,
    total_files: AtomicU64,
}

impl Bar {
    /// A bar, hidden when `quiet` or when stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        Bar {
            bar: ProgressBar::with_draw_target(None, target),
            files: AtomicU64::new(0),
            total_files: AtomicU64::new(0),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl reversa::archive::Progress for Bar {
    fn start(&self, total_bytes: Option<u64>, total_entries: Option<u64>) {
        let style = match total_bytes {
            Some(total) => {
                self.bar.set_length(total);
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}"
            }
            None => "{spinner} {bytes} {binary_bytes_per_sec} {msg}",
        };
        if let Ok(style) = ProgressStyle::with_template(style) {
            self.bar.set_style(style);
        }
        self.total_files.store(total_entries.unwrap_or(0), Ordering::Relaxed);
    }

    fn bytes(&self, n: u64) {
        self.bar.inc(n);
    }

    fn entry_done(&self) {
        let done = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total_files.load(Ordering::Relaxed);
        if total > 0 {
            self.bar.set_message(format!("{done}/{total} files"));
        } else {
            self.bar.set_message(format!("{done} files"));
        }
    }
}
