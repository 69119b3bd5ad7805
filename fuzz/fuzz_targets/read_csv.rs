//! CSV reader: sniffed delimiter and auto encoding, then a given delimiter, strict UTF-8, no header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{ReaderKind, ReaderOptions, TextEncoding};
use reversa_fuzz::read_with;

fuzz_target!(|data: &[u8]| {
    let given = ReaderOptions {
        delimiter: Some(';'),
        encoding: TextEncoding::Utf8,
        header: Some(false),
        ..ReaderOptions::default()
    };
    let latin = ReaderOptions { encoding: TextEncoding::Iso885915, ..ReaderOptions::default() };
    read_with(ReaderKind::Csv, [ReaderOptions::default(), given, latin], data);
});
