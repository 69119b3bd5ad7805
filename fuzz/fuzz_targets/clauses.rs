//! Clause file: parsed, then linted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::clauses::{ClauseFile, lint};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(file) = ClauseFile::parse(text, "fuzz") {
        let _ = lint::lint(&file);
    }
});
