//! BagIt: the input, split at NUL bytes, gives `bagit.txt` then the tag files below, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::manifest::{self, Candidate, ManifestKind};

const FILES: [&str; 7] = [
    "bagit.txt",
    "manifest-sha256.txt",
    "bag-info.txt",
    "tagmanifest-sha256.txt",
    "manifest-md5.txt",
    "fetch.txt",
    "manifest-sha512.txt",
];

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.splitn(FILES.len(), |&b| b == 0).collect();
    let candidate = Candidate {
        kind: ManifestKind::Bagit,
        root: String::new(),
        files: FILES[..parts.len()].iter().map(|f| f.to_string()).collect(),
    };
    let read = |path: &str| {
        let i = FILES.iter().position(|f| *f == path)?;
        parts.get(i).map(|p| Ok(p.to_vec()))
    };
    let m = manifest::load(&candidate, &read);
    let _ = m.algorithms();
});
