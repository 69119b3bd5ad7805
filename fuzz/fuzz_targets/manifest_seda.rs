//! SEDA `manifest.xml`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::manifest::{self, Candidate, ManifestKind};

fuzz_target!(|data: &[u8]| {
    let candidate =
        Candidate { kind: ManifestKind::Seda, root: String::new(), files: vec!["manifest.xml".into()] };
    let read = |path: &str| (path == "manifest.xml").then(|| Ok(data.to_vec()));
    let m = manifest::load(&candidate, &read);
    let _ = m.algorithms();
});
