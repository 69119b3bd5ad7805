//! reversa's own `manifest.json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::manifest::{self, Candidate, ManifestKind};

fuzz_target!(|data: &[u8]| {
    let candidate =
        Candidate { kind: ManifestKind::Reversa, root: String::new(), files: vec!["manifest.json".into()] };
    let read = |path: &str| (path == "manifest.json").then(|| Ok(data.to_vec()));
    let m = manifest::load(&candidate, &read);
    let _ = m.algorithms();
});
