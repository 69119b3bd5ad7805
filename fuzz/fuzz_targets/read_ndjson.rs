//! NDJSON reader: one JSON object per line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{ReaderKind, ReaderOptions};
use reversa_fuzz::read_with;

fuzz_target!(|data: &[u8]| {
    read_with(ReaderKind::Ndjson, [ReaderOptions::default()], data);
});
