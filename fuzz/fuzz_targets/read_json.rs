//! JSON array reader: the file as the array (or an object holding one), then under a named key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{ReaderKind, ReaderOptions};
use reversa_fuzz::read_with;

fuzz_target!(|data: &[u8]| {
    let keyed = ReaderOptions { records_key: Some("records".into()), ..ReaderOptions::default() };
    read_with(ReaderKind::Json, [ReaderOptions::default(), keyed], data);
});
