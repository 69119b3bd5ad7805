//! XML reader: the root's children as records, then an explicit record path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{ReaderKind, ReaderOptions};
use reversa_fuzz::read_with;

fuzz_target!(|data: &[u8]| {
    let path = ReaderOptions { record_path: Some("export/actes/acte".into()), ..ReaderOptions::default() };
    read_with(ReaderKind::Xml, [ReaderOptions::default(), path], data);
});
