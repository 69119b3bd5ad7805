//! What the reader targets share: feeding bytes to one record reader with a sink that only
//! counts. A reader must return `Ok` or `Err` for any input, never panic.

use reversa::records::read::{self, Columns, RawRecord, ReaderKind, ReaderOptions, RecordSink};

/// Counts records, keeps nothing.
struct Count(u64);

impl RecordSink for Count {
    fn record(&mut self, _: &Columns, _: &RawRecord) -> bool {
        self.0 += 1;
        true
    }
}

/// Reads `data` as `kind` with each of `options` in turn.
pub fn read_with(kind: ReaderKind, options: impl IntoIterator<Item = ReaderOptions>, data: &[u8]) {
    for o in options {
        let _ = read::read(kind, &o, "actes", &mut &data[..], &mut Count(0));
    }
}
