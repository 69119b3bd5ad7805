//! Counts file: TOML, CSV or fingerprint JSON, told by its content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::completeness::CountsFile;

fuzz_target!(|data: &[u8]| {
    let _ = CountsFile::parse(data, "fuzz");
});
