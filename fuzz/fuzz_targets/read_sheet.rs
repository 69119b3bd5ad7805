//! Spreadsheet reader: zip bytes as XLSX and as ODS, anything else as XLS (calamine behind).
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::records::read::{ReaderKind, ReaderOptions};
use reversa_fuzz::read_with;
use std::panic;
use std::sync::Once;

/// The reader runs calamine under `catch_unwind` and turns its panics into `structure` errors
/// (calamine panics on some malformed books, and on integer overflow with debug assertions on).
/// libFuzzer's panic hook would abort on those caught panics: this hook lets them through when
/// they happen inside calamine; any panic that reaches the target still aborts.
fn tolerate_caught_calamine_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    tolerate_caught_calamine_panics();
    let kinds = if data.starts_with(b"PK") {
        &[ReaderKind::Xlsx, ReaderKind::Ods][..]
    } else {
        &[ReaderKind::Xls][..]
    };
    for &kind in kinds {
        read_with(kind, [ReaderOptions::default()], data);
    }
});
