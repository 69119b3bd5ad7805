//! Fixed-width reader: three columns (one past the usual line end), auto encoding, then Latin-9
//! with a line length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{FixedColumn, ReaderKind, ReaderOptions, TextEncoding};
use reversa_fuzz::read_with;

fn column(name: &str, start: usize, length: usize) -> FixedColumn {
    FixedColumn { name: name.into(), start, length }
}

fuzz_target!(|data: &[u8]| {
    let columns =
        vec![column("nom", 1, 10), column("date", 11, 8), column("code", 19, 5), column("fin", 80, 3)];
    let auto = ReaderOptions { columns: columns.clone(), ..ReaderOptions::default() };
    let latin = ReaderOptions {
        columns,
        encoding: TextEncoding::Iso885915,
        line_length: Some(24),
        ..ReaderOptions::default()
    };
    read_with(ReaderKind::Fixed, [auto, latin], data);
});
