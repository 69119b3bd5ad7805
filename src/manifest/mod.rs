//! Stage 3 — the export's manifest: what it declares (files, sizes, digests, counts).
//!
//! Three kinds are recognised, by the files at the export's root (or inside its single top
//! folder): a BagIt bag (`bagit.txt`), a SEDA 2.1–2.3 transfer (`manifest.xml`) and reversa's own
//! manifest (`manifest.json`, schema in `schemas/manifest.schema.json`). Parsers never fetch
//! anything and never expand XML entities; every problem they meet is a [`Finding`].

pub mod bagit;
pub mod reversa;
pub mod seda;

pub use bagit::ReadFn;

use crate::finding::{Code, Finding, Location};
use crate::inventory::{Algorithm, AlgorithmSet};
use serde::Serialize;
use std::collections::BTreeMap;

/// The kind of manifest found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ManifestKind {
    /// BagIt, RFC 8493 (0.97 and 1.0).
    Bagit,
    /// SEDA 2.1, 2.2 or 2.3 `manifest.xml`.
    Seda,
    /// reversa's `manifest.json`.
    Reversa,
    /// No manifest.
    None,
}

impl ManifestKind {
    /// The name written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ManifestKind::Bagit => "bagit",
            ManifestKind::Seda => "seda",
            ManifestKind::Reversa => "reversa",
            ManifestKind::None => "none",
        }
    }
}

/// One digest declared for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredDigest {
    /// The algorithm, or its name when reversa does not know it.
    pub algorithm: Result<Algorithm, String>,
    /// The digest as lowercase hex (base64 values are decoded first).
    pub hex: String,
}

/// One file as a manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFile {
    /// Path from the export's root (the bag or package prefix included), normalised.
    pub path: String,
    /// Digests declared for it (one per BagIt manifest listing it).
    pub digests: Vec<DeclaredDigest>,
    /// Size declared, when the manifest gives one.
    pub size: Option<u64>,
    /// Where it is declared.
    pub location: Location,
    /// The format the manifest declares for it, a PRONOM identifier (SEDA `FormatId`).
    pub format: Option<String>,
}

/// Which files present in the export the manifest must declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every file below this prefix (BagIt payload: `<root>data/`).
    Below(String),
    /// Every file below the root except these (the manifest and tag files themselves).
    AllBut {
        /// The package root (`""` or `"folder/"`).
        root: String,
        /// Paths exempt from declaration.
        except: Vec<String>,
    },
}

impl Scope {
    /// Whether a present file must be declared.
    pub fn covers(&self, path: &str) -> bool {
        match self {
            Scope::Below(prefix) => path.starts_with(prefix.as_str()),
            Scope::AllBut { root, except } => {
                path.starts_with(root.as_str()) && !except.iter().any(|e| e == path)
            }
        }
    }
}

/// What a manifest declares, and what was wrong with reading it.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Its kind.
    pub kind: ManifestKind,
    /// Its version (BagIt `1.0`, SEDA `2.1`, reversa `1`).
    pub version: Option<String>,
    /// Package root inside the export: `""` or `"folder/"`.
    pub root: String,
    /// The manifest files read (the main one first).
    pub files: Vec<String>,
    /// The payload files declared.
    pub declared: Vec<DeclaredFile>,
    /// Tag files declared (BagIt tag manifests).
    pub tag_declared: Vec<DeclaredFile>,
    /// Which present files must be declared.
    pub scope: Scope,
    /// BagIt Payload-Oxum: octets and file count.
    pub payload_oxum: Option<(u64, u64)>,
    /// BagIt `fetch.txt`: payload files to download (paths from the export's root), never fetched.
    pub fetch: Vec<String>,
    /// Its declarations could not be read at all (a BagIt tag-file encoding reversa does not
    /// know): fixity is left unverifiable rather than every file reported as unlisted.
    pub unreadable: bool,
    /// Record counts per dataset (reversa manifest), used by the completeness checks.
    pub record_counts: BTreeMap<String, u64>,
    /// Problems met while reading it.
    pub problems: Vec<Finding>,
}

impl Manifest {
    /// An empty manifest of a kind, rooted at `root`.
    pub fn empty(kind: ManifestKind, root: &str) -> Self {
        Manifest {
            kind,
            version: None,
            root: root.to_string(),
            files: Vec::new(),
            declared: Vec::new(),
            tag_declared: Vec::new(),
            scope: Scope::AllBut { root: root.to_string(), except: Vec::new() },
            payload_oxum: None,
            fetch: Vec::new(),
            unreadable: false,
            record_counts: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    /// Every known algorithm the manifest declares digests with.
    pub fn algorithms(&self) -> AlgorithmSet {
        let mut set = AlgorithmSet::default();
        for f in self.declared.iter().chain(&self.tag_declared) {
            for d in &f.digests {
                if let Ok(a) = d.algorithm {
                    set.insert(a);
                }
            }
        }
        set
    }
}

/// The kind of an operating system's own file (Finder, Explorer) from its path: `.DS_Store`,
/// AppleDouble `._*`, anything under `__MACOSX/`, `Thumbs.db`, `desktop.ini`. Such a file, present
/// but not declared, is warned about and left out of the payload's counts.
pub fn os_debris(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == "__MACOSX" || path.starts_with("__MACOSX/") || path.contains("/__MACOSX/") {
        Some("__MACOSX")
    } else if name == ".DS_Store" {
        Some(".DS_Store")
    } else if name.starts_with("._") {
        Some("AppleDouble ._*")
    } else if name.eq_ignore_ascii_case("Thumbs.db") {
        Some("Thumbs.db")
    } else if name.eq_ignore_ascii_case("desktop.ini") {
        Some("desktop.ini")
    } else {
        None
    }
}

/// Where a manifest of some kind was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its kind.
    pub kind: ManifestKind,
    /// The package root: `""` or `"folder/"`.
    pub root: String,
    /// The files to read for it: `bagit.txt` and its tag files, or the one manifest file.
    pub files: Vec<String>,
}

/// Finds the manifest among the export's paths: at the root, or inside its single top folder.
/// Several kinds at once are all returned, BagIt first, then SEDA, then reversa. A folder with
/// BagIt manifests (`manifest-sha256.txt`…) or `bag-info.txt` but no `bagit.txt` is an invalid
/// bag, returned as a BagIt candidate whose `bagit.txt` is absent, unless another kind is there.
pub fn detect<'a>(paths: impl IntoIterator<Item = &'a str> + Clone) -> Vec<Candidate> {
    let roots = candidate_roots(paths.clone());
    let mut found = Vec::new();
    for root in roots {
        let in_root = |name: &str| format!("{root}{name}");
        let has = |p: &str| paths.clone().into_iter().any(|q| q == p);
        let declared = has(&in_root("bagit.txt"));
        let marked = !declared
            && !has(&in_root("manifest.xml"))
            && !has(&in_root("manifest.json"))
            && paths.clone().into_iter().any(|p| {
                p.strip_prefix(root.as_str())
                    .is_some_and(|rest| !rest.contains('/') && bagit::is_bag_marker(rest))
            });
        if declared || marked {
            let mut files = vec![in_root("bagit.txt")];
            let mut tags: Vec<String> = paths
                .clone()
                .into_iter()
                .filter(|p| {
                    p.strip_prefix(root.as_str())
                        .is_some_and(|rest| !rest.contains('/') && bagit::is_tag_file_name(rest))
                })
                .map(str::to_string)
                .collect();
            tags.sort();
            files.extend(tags);
            found.push(Candidate { kind: ManifestKind::Bagit, root: root.clone(), files });
        }
        if has(&in_root("manifest.xml")) {
            found.push(Candidate {
                kind: ManifestKind::Seda,
                root: root.clone(),
                files: vec![in_root("manifest.xml")],
            });
        }
        if has(&in_root("manifest.json")) {
            found.push(Candidate {
                kind: ManifestKind::Reversa,
                root: root.clone(),
                files: vec![in_root("manifest.json")],
            });
        }
        if !found.is_empty() {
            break;
        }
    }
    found
}

/// `""`, then `"top/"` when every path sits inside one top folder. The debris macOS and Windows
/// leave beside it ([`os_debris`]) does not count.
fn candidate_roots<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut top: Option<&str> = None;
    let mut single = true;
    for p in paths.into_iter().filter(|p| os_debris(p).is_none()) {
        match p.split_once('/') {
            Some((first, _)) => match top {
                None => top = Some(first),
                Some(t) if t == first => {}
                Some(_) => single = false,
            },
            None => {
                // A file at the root, or the top folder's own entry.
                if top.is_some_and(|t| t != p) || top.is_none() {
                    if top.is_none() {
                        top = Some(p);
                    } else {
                        single = false;
                    }
                }
            }
        }
    }
    let mut roots = vec![String::new()];
    if let (true, Some(t)) = (single, top) {
        roots.push(format!("{t}/"));
    }
    roots
}

/// Reads a candidate's files (through `read`, which returns `None` for a file not present) and
/// parses them into a [`Manifest`].
pub fn load(candidate: &Candidate, read: &ReadFn<'_>) -> Manifest {
    let mut manifest = Manifest::empty(candidate.kind, &candidate.root);
    manifest.files = candidate.files.clone();
    let main = &candidate.files[0];
    let read_main = read(main);
    if candidate.kind == ManifestKind::Bagit && read_main.is_none() {
        bagit::load(&mut manifest, None, read);
        return manifest;
    }
    let bytes = match read_main {
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            manifest.problems.push(
                Finding::new(Code::ManifestMalformed, Location::manifest(main.clone(), None))
                    .with("error", e),
            );
            return manifest;
        }
        None => {
            manifest.problems.push(
                Finding::new(Code::ManifestMalformed, Location::manifest(main.clone(), None)).with_text(
                    "error",
                    "error_fr",
                    "fichier illisible",
                    "file not readable",
                ),
            );
            return manifest;
        }
    };
    match candidate.kind {
        ManifestKind::Bagit => bagit::load(&mut manifest, Some(&bytes), read),
        ManifestKind::Seda => seda::load(&mut manifest, main, &bytes),
        ManifestKind::Reversa => reversa::load(&mut manifest, main, &bytes),
        ManifestKind::None => {}
    }
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_at_root_and_in_single_top_folder() {
        let paths = ["bagit.txt", "manifest-sha256.txt", "data/a.csv", "bag-info.txt"];
        let c = detect(paths.iter().copied());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ManifestKind::Bagit);
        assert_eq!(c[0].root, "");
        assert_eq!(c[0].files, vec!["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]);

        let paths = ["sip/manifest.xml", "sip/Content/a.pdf"];
        let c = detect(paths.iter().copied());
        assert_eq!(c[0].kind, ManifestKind::Seda);
        assert_eq!(c[0].root, "sip/");

        let paths = ["a/manifest.json", "b/x.csv"];
        assert!(detect(paths.iter().copied()).is_empty());

        // Finder's "Compress" adds __MACOSX/ beside the folder.
        let paths = ["bag/bagit.txt", "bag/data/a", "__MACOSX/bag/._bagit.txt", ".DS_Store"];
        assert_eq!(detect(paths.iter().copied())[0].root, "bag/");
    }

    #[test]
    fn manifests_without_bagit_txt_are_an_invalid_bag_not_no_manifest() {
        let paths = ["export/manifest-sha256.txt", "export/data/a.csv"];
        let c = detect(paths.iter().copied());
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].kind, ManifestKind::Bagit);
        assert_eq!(c[0].files, vec!["export/bagit.txt", "export/manifest-sha256.txt"]);
        for markers in [&["bag-info.txt", "data/a"][..], &["tagmanifest-md5.txt", "data/a"]] {
            assert_eq!(detect(markers.iter().copied())[0].kind, ManifestKind::Bagit, "{markers:?}");
        }
        // A data/ folder alone, a text file that only looks like a manifest, or another kind of
        // manifest beside it: not a bag.
        for paths in [
            &["data/a.csv", "lisezmoi.txt"][..],
            &["manifest-export.txt", "data/a.csv"],
            &["manifest.json", "manifest-sha256.txt", "data/a.csv"],
        ] {
            assert!(detect(paths.iter().copied()).iter().all(|c| c.kind != ManifestKind::Bagit), "{paths:?}");
        }
        let read = |p: &str| (p == "export/manifest-sha256.txt").then(|| Ok(b"x data/a.csv\n".to_vec()));
        let m = load(&c[0], &read);
        assert_eq!(m.problems[0].code, Code::ManifestBagitDeclaration);
        assert_eq!(m.problems[0].params["problem"], "absent");
    }

    #[test]
    fn scope_covers() {
        let s = Scope::Below("bag/data/".into());
        assert!(s.covers("bag/data/x"));
        assert!(!s.covers("bag/bag-info.txt"));
        let s = Scope::AllBut { root: String::new(), except: vec!["manifest.json".into()] };
        assert!(s.covers("x.csv"));
        assert!(!s.covers("manifest.json"));
    }
}
