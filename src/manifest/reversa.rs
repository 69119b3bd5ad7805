//! reversa's own `manifest.json` (schema: `schemas/manifest.schema.json`).
//!
//! ```json
//! { "reversa_manifest": "1",
//!   "files": [ { "path": "donnees/actes.csv", "size": 1234, "sha256": "…", "sha3-256": "…" } ],
//!   "datasets": [ { "name": "actes", "files": ["donnees/actes.csv"], "records": 600 } ] }
//! ```
//! Paths are relative to the folder holding `manifest.json`; the manifest does not list itself.
//! Each file's digests are members named after their algorithm (`sha256`, `sha384`, `sha512`,
//! `sha3-256`, `blake2b-512`… any name [`Algorithm::parse`] reads), in hex.

use super::{DeclaredDigest, DeclaredFile, Manifest, Scope};
use crate::archive::normalise_path;
use crate::finding::{Code, Finding, Location};
use crate::inventory::Algorithm;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

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
    /// The other members: digests keyed by algorithm name, and anything else (ignored).
    #[serde(flatten)]
    other: BTreeMap<String, serde_json::Value>,
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
            let (fr, en) = classify(&e);
            let (line, column) = (e.line(), e.column());
            manifest.problems.push(
                Finding::new(
                    Code::ManifestMalformed,
                    Location::manifest(path.to_string(), Some(line as u64)),
                )
                .with_text(
                    "error",
                    "error_fr",
                    format!("JSON : {fr} (ligne {line}, colonne {column})"),
                    format!("JSON: {en} (line {line}, column {column})"),
                ),
            );
            return;
        }
    };
    if !SUPPORTED_VERSIONS.contains(&raw.reversa_manifest.as_str()) {
        manifest.problems.push(
            Finding::new(Code::ManifestMalformed, at("/reversa_manifest".into())).with_text(
                "error",
                "error_fr",
                format!(
                    "version de reversa_manifest non prise en charge ({:?})",
                    clip(&raw.reversa_manifest)
                ),
                format!("unsupported reversa_manifest version {:?}", clip(&raw.reversa_manifest)),
            ),
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
        let mut named: Vec<(Algorithm, &String, &serde_json::Value)> =
            f.other.iter().filter_map(|(k, v)| Some((Algorithm::parse(k)?, k, v))).collect();
        named.sort_by_key(|(a, _, _)| *a);
        for (alg, key, value) in named {
            let hex = value.as_str().map(str::to_ascii_lowercase);
            match hex {
                Some(v) if v.len() == alg.digest_len() * 2 && v.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    if digests.iter().any(|d: &DeclaredDigest| d.algorithm == Ok(alg)) {
                        continue;
                    }
                    digests.push(DeclaredDigest { algorithm: Ok(alg), hex: v });
                }
                _ => {
                    let digits = alg.digest_len() * 2;
                    manifest.problems.push(
                        Finding::new(
                            Code::ManifestInvalidLine,
                            at(format!("{pointer}/{}", clip(key))).with_path(full.clone()),
                        )
                        .with_text(
                            "error",
                            "error_fr",
                            format!("l'empreinte {alg} n'est pas faite de {digits} chiffres hexadécimaux"),
                            format!("{alg} is not {digits} hex digits"),
                        ),
                    );
                }
            }
        }
        if digests.is_empty() {
            manifest
                .problems
                .push(Finding::new(Code::FixityMissingDigest, at(pointer.clone()).with_path(full.clone())));
        }
        manifest.declared.push(DeclaredFile {
            path: full,
            digests,
            size: f.size,
            location: at(pointer),
            format: None,
        });
    }
    for d in raw.datasets {
        if let Some(n) = d.records {
            *manifest.record_counts.entry(d.name).or_insert(0) += n;
        }
    }
}

/// The kind of JSON error, without the offending text, in French and English.
fn classify(e: &serde_json::Error) -> (&'static str, &'static str) {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => ("erreur de lecture", "read error"),
        Category::Syntax => ("erreur de syntaxe", "syntax error"),
        Category::Data => ("structure inattendue", "unexpected structure"),
        Category::Eof => ("fin de fichier inattendue", "unexpected end of file"),
    }
}

/// `s`, cut to 40 characters (a version string or member name copied into a finding).
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
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

    #[test]
    fn every_algorithm_is_a_member_named_after_it() {
        let sha384 = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
        let m = parse(&format!(
            r#"{{"reversa_manifest":"1","files":[
                {{"path":"a","sha256":"{H}","sha384":"{sha384}","sha3-256":"{H}","note":"kept aside"}},
                {{"path":"b","blake2b-512":"{H}"}},
                {{"path":"c","sha3_256":"{}"}}]}}"#,
            H.to_uppercase()
        ));
        let codes: Vec<&str> = m.problems.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, vec!["manifest.invalid-line", "fixity.missing-digest"], "{:?}", m.problems);
        // The member's own name is the place; the message says which length was expected.
        assert_eq!(m.problems[0].location.element.as_deref(), Some("/files/1/blake2b-512"));
        assert_eq!(m.problems[0].params["error"], "blake2b-512 is not 128 hex digits");
        assert_eq!(
            m.problems[0].message(crate::finding::Lang::Fr),
            "ligne ou élément de manifeste invalide : l'empreinte blake2b-512 n'est pas faite de 128 chiffres hexadécimaux"
        );
        let algs: Vec<Vec<Algorithm>> = m
            .declared
            .iter()
            .map(|d| d.digests.iter().map(|g| g.algorithm.clone().unwrap()).collect())
            .collect();
        assert_eq!(
            algs,
            vec![
                vec![Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha3_256],
                vec![],
                vec![Algorithm::Sha3_256]
            ]
        );
        assert_eq!(m.declared[2].digests[0].hex, H);
    }
}
