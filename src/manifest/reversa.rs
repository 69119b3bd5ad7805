//! reversa's own `manifest.json` (schema: `schemas/manifest.schema.json`).
//!
//! ```json
//! { "reversa_manifest": "1",
//!   "files": [ { "path": "donnees/actes.csv", "size": 1234, "sha256": "…" } ],
//!   "datasets": [ { "name": "actes", "files": ["donnees/actes.csv"], "records": 600 } ] }
//! ```
//! Paths are relative to the folder holding `manifest.json`; the manifest does not list itself.

use super::{DeclaredDigest, DeclaredFile, Manifest, Scope};
use crate::archive::normalise_path;
use crate::finding::{Code, Finding, Location};
use crate::inventory::Algorithm;
use serde::Deserialize;
use std::collections::HashSet;

/// The manifest versions this build reads.
pub const SUPPORTED_VERSIONS: &[&str] = &["1"];

#[derive(Deserialize)]
struct Raw {
    reversa_manifest: String,
    #[serde(default)]
    files: Vec<RawFile>,
    #[serde(default)]
    datasets: Vec<RawDataset>,
}

#[derive(Deserialize)]
struct RawFile {
    path: String,
    size: Option<u64>,
    sha256: Option<String>,
    sha512: Option<String>,
}

#[derive(Deserialize)]
struct RawDataset {
    name: String,
    records: Option<u64>,
}

/// Fills `manifest` from reversa's `manifest.json` at `path`.
pub fn load(manifest: &mut Manifest, path: &str, bytes: &[u8]) {
    let at = |element: String| Location::manifest(path.to_string(), None).with_element(element);
    manifest.scope = Scope::AllBut { root: manifest.root.clone(), except: vec![path.to_string()] };
    let raw: Raw = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            // serde_json's messages name the line and column, never the content.
            let error = format!("JSON: {} (line {}, column {})", classify(&e), e.line(), e.column());
            manifest.problems.push(
                Finding::new(
                    Code::ManifestMalformed,
                    Location::manifest(path.to_string(), Some(e.line() as u64)),
                )
                .with("error", error),
            );
            return;
        }
    };
    if !SUPPORTED_VERSIONS.contains(&raw.reversa_manifest.as_str()) {
        manifest.problems.push(
            Finding::new(Code::ManifestMalformed, at("/reversa_manifest".into()))
                .with("error", format!("unsupported reversa_manifest version {:?}", raw.reversa_manifest)),
        );
        return;
    }
    manifest.version = Some(raw.reversa_manifest);
    let mut seen = HashSet::new();
    for (i, f) in raw.files.into_iter().enumerate() {
        let pointer = format!("/files/{i}");
        let (norm, problem) = normalise_path(&f.path);
        if norm.is_empty() {
            manifest.problems.push(Finding::new(Code::FixityEmptyUri, at(pointer)));
            continue;
        }
        if problem.is_some() {
            manifest.problems.push(Finding::new(Code::FixityPathEscape, at(pointer).with_path(f.path)));
            continue;
        }
        let full = format!("{}{}", manifest.root, norm);
        if !seen.insert(full.clone()) {
            manifest.problems.push(Finding::new(Code::FixityDuplicateEntry, at(pointer).with_path(full)));
            continue;
        }
        let mut digests = Vec::new();
        for (alg, value) in [(Algorithm::Sha256, f.sha256), (Algorithm::Sha512, f.sha512)] {
            let Some(v) = value else { continue };
            let v = v.to_ascii_lowercase();
            if v.len() != alg.digest_len() * 2 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                manifest.problems.push(
                    Finding::new(
                        Code::ManifestInvalidLine,
                        at(format!("{pointer}/{alg}")).with_path(full.clone()),
                    )
                    .with("error", format!("{alg} is not {} hex digits", alg.digest_len() * 2)),
                );
                continue;
            }
            digests.push(DeclaredDigest { algorithm: Ok(alg), hex: v });
        }
        if digests.is_empty() {
            manifest
                .problems
                .push(Finding::new(Code::FixityMissingDigest, at(pointer.clone()).with_path(full.clone())));
        }
        manifest.declared.push(DeclaredFile { path: full, digests, size: f.size, location: at(pointer) });
    }
    for d in raw.datasets {
        if let Some(n) = d.records {
            *manifest.record_counts.entry(d.name).or_insert(0) += n;
        }
    }
}

/// The kind of JSON error, without the offending text.
fn classify(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected structure",
        Category::Eof => "unexpected end of file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ManifestKind;

    fn parse(json: &str) -> Manifest {
        let mut m = Manifest::empty(ManifestKind::Reversa, "");
        load(&mut m, "manifest.json", json.as_bytes());
        m
    }

    const H: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn reads_files_and_counts() {
        let m = parse(&format!(
            r#"{{"reversa_manifest":"1","files":[{{"path":"donnees/a.csv","size":3,"sha256":"{}"}}],
               "datasets":[{{"name":"actes","files":["donnees/a.csv"],"records":7}}]}}"#,
            H.to_uppercase()
        ));
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.declared.len(), 1);
        assert_eq!(m.declared[0].path, "donnees/a.csv");
        assert_eq!(m.declared[0].digests[0].hex, H);
        assert_eq!(m.declared[0].size, Some(3));
        assert_eq!(m.record_counts["actes"], 7);
        assert!(!m.scope.covers("manifest.json"));
    }

    #[test]
    fn flags_bad_entries() {
        let m = parse(&format!(
            r#"{{"reversa_manifest":"1","files":[
                {{"path":"../x","sha256":"{H}"}},
                {{"path":"a","sha256":"{H}"}},
                {{"path":"a","sha256":"{H}"}},
                {{"path":"b"}},
                {{"path":"c","sha256":"zz"}},
                {{"path":"","sha256":"{H}"}}]}}"#
        ));
        let codes: Vec<_> = m.problems.iter().map(|f| f.code).collect();
        assert!(codes.contains(&Code::FixityPathEscape));
        assert!(codes.contains(&Code::FixityDuplicateEntry));
        assert!(codes.contains(&Code::FixityMissingDigest));
        assert!(codes.contains(&Code::ManifestInvalidLine));
        assert!(codes.contains(&Code::FixityEmptyUri));
    }

    #[test]
    fn malformed_json_names_the_line_not_the_content() {
        let m = parse("{\n\"reversa_manifest\": \"1\",\n\"files\": [SECRET-DUPONT]}");
        assert_eq!(m.problems[0].code, Code::ManifestMalformed);
        assert_eq!(m.problems[0].location.line, Some(3));
        assert!(!m.problems[0].params["error"].contains("DUPONT"));
        let m = parse(r#"{"reversa_manifest":"9"}"#);
        assert_eq!(m.problems[0].code, Code::ManifestMalformed);
    }
}
