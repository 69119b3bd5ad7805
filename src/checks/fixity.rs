//! The `fixity` check: every declared file present with its size and digests, every present
//! file declared (Vitam's CHECK_MANIFEST_OBJECTNUMBER semantics, both directions).

use super::CheckInput;
use crate::archive::EntryKind;
use crate::finding::{Code, Finding, Location, Severity};
use crate::inventory::{Algorithm, FileRecord, ReadStatus};
use crate::manifest::{DeclaredFile, Manifest, ManifestKind, os_debris};
use std::collections::{BTreeSet, HashMap};
use unicode_normalization::UnicodeNormalization;

/// Returns the findings and whether fixity could not be verified at all.
pub(super) fn check(input: &CheckInput<'_>) -> (Vec<Finding>, bool) {
    let Some(manifest) = input.manifest.filter(|m| m.kind != ManifestKind::None) else {
        return (vec![Finding::new(Code::ManifestAbsent, Location::default())], true);
    };
    let mut out = manifest.problems.clone();
    unsupported_algorithms(manifest, &mut out);
    if manifest.unreadable {
        return (out, true);
    }
    let present: HashMap<&str, &FileRecord> = input
        .files
        .iter()
        .filter(|f| f.meta.kind == EntryKind::File && f.meta.path_problem.is_none())
        .map(|f| (f.meta.path.as_str(), f))
        .collect();

    let mut weak = BTreeSet::new();
    let nfc = nfc_index(&present);
    let fetch: BTreeSet<&str> = manifest.fetch.iter().map(String::as_str).collect();
    let mut aliased = BTreeSet::new();
    for d in manifest.declared.iter().chain(&manifest.tag_declared) {
        let file = find(d, &present, &nfc, &mut aliased, &mut out);
        if file.is_none() && fetch.contains(d.path.as_str()) {
            out.push(Finding::new(Code::FixityFetchPending, d.location.clone().with_path(d.path.clone())));
            continue;
        }
        verify(d, file, &mut out, &mut weak);
    }
    for (alg, file) in weak {
        out.push(
            Finding::new(Code::FixityWeakAlgorithm, Location::manifest(file, None)).with("algorithm", alg),
        );
    }

    let declared: BTreeSet<&str> = manifest.declared.iter().map(|d| d.path.as_str()).collect();
    let main = manifest.files.first().cloned().unwrap_or_default();
    let mut unlisted: Vec<&str> = present
        .keys()
        .copied()
        .filter(|p| {
            manifest.scope.covers(p)
                && !declared.contains(p)
                && !aliased.contains(p)
                && !manifest.files.iter().any(|m| m == p)
        })
        .collect();
    unlisted.sort_unstable();
    for p in unlisted {
        let at = Location::manifest(main.clone(), None).with_path(p);
        out.push(match os_debris(p) {
            Some(kind) => Finding::new(Code::FixityOsFile, at).with("kind", kind),
            None => Finding::new(Code::FixityUnlistedFile, at),
        });
    }

    if let Some((octets, count)) = manifest.payload_oxum {
        // Operating-system debris nobody declared is ignored, as in the unlisted check.
        let debris = |p: &str| os_debris(p).is_some() && !declared.contains(p);
        let payload: Vec<&&FileRecord> =
            present.iter().filter(|(p, _)| manifest.scope.covers(p) && !debris(p)).map(|(_, f)| f).collect();
        let actual_octets: u64 = payload.iter().filter_map(|f| f.size()).sum();
        let actual_count = payload.len() as u64;
        if (octets, count) != (actual_octets, actual_count) {
            let info = manifest.files.iter().find(|f| f.ends_with("bag-info.txt")).cloned().unwrap_or(main);
            out.push(
                Finding::new(Code::FixityPayloadOxum, Location::manifest(info, None))
                    .with("expected", format!("{octets}.{count}"))
                    .with("actual", format!("{actual_octets}.{actual_count}")),
            );
        }
    }
    (out, false)
}

fn verify(
    d: &DeclaredFile,
    file: Option<&FileRecord>,
    out: &mut Vec<Finding>,
    weak: &mut BTreeSet<(Algorithm, String)>,
) {
    let at = || d.location.clone().with_path(d.path.clone());
    for digest in &d.digests {
        if let Ok(a) = digest.algorithm
            && a.is_weak()
        {
            weak.insert((a, d.location.manifest.clone().unwrap_or_default()));
        }
    }
    let Some(file) = file else {
        out.push(Finding::new(Code::FixityMissingFile, at()));
        return;
    };
    let facts = match (&file.facts, file.status) {
        (Some(f), ReadStatus::Read) => f,
        _ => {
            out.push(Finding::new(Code::FixityUnverified, at()));
            return;
        }
    };
    if let Some(size) = d.size
        && size != facts.size
    {
        out.push(
            Finding::new(Code::FixitySizeMismatch, at()).with("expected", size).with("actual", facts.size),
        );
    }
    for digest in &d.digests {
        let Ok(a) = digest.algorithm else { continue };
        match facts.digests.get(a) {
            Some(actual) if actual == digest.hex => {}
            Some(actual) => out.push(
                Finding::new(Code::FixityDigestMismatch, at())
                    .with("algorithm", a)
                    .with("expected", &digest.hex)
                    .with("actual", actual),
            ),
            None => out.push(Finding::new(Code::FixityUnverified, at())),
        }
    }
}

/// Completes the manifest's `fixity.unsupported-algorithm` findings (one per manifest file and
/// algorithm) with how many of its entries have no digest in a known algorithm: those are left
/// unchecked, which makes fixity unverifiable (an error about reversa, never about the export).
/// When every entry also has a known digest, checked with it, the finding is only information.
fn unsupported_algorithms(manifest: &Manifest, out: &mut [Finding]) {
    if !out.iter().any(|f| f.code == Code::FixityUnsupportedAlgorithm) {
        return;
    }
    // One pass over the entries (a hostile manifest may name thousands of algorithms).
    let mut unchecked: HashMap<(bool, &str), usize> = HashMap::new();
    for (is_tag, entries) in [(false, &manifest.declared), (true, &manifest.tag_declared)] {
        for d in entries.iter().filter(|d| !d.digests.iter().any(|g| g.algorithm.is_ok())) {
            let mut names: Vec<&str> =
                d.digests.iter().filter_map(|g| g.algorithm.as_ref().err().map(String::as_str)).collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                *unchecked.entry((is_tag, n)).or_default() += 1;
            }
        }
    }
    for f in out.iter_mut().filter(|f| f.code == Code::FixityUnsupportedAlgorithm) {
        let Some(name) = f.params.get("algorithm") else { continue };
        let file = f.location.manifest.as_deref().unwrap_or_default();
        let is_tag = manifest.kind == ManifestKind::Bagit
            && file.rsplit('/').next().is_some_and(|n| n.starts_with("tagmanifest-"));
        let count = unchecked.get(&(is_tag, name.as_str())).copied().unwrap_or(0);
        f.params.insert("count", count.to_string());
        if count == 0 {
            f.severity = Severity::Info;
        }
    }
}

/// Present files whose names are not ASCII, by their NFC form (macOS writes names in NFD).
fn nfc_index<'a>(present: &HashMap<&'a str, &FileRecord>) -> HashMap<String, &'a str> {
    present.keys().filter(|p| !p.is_ascii()).map(|p| (p.nfc().collect(), *p)).collect()
}

/// The present file a declared one names: the same path, or else the same path in another
/// Unicode normalisation (warned about, and then not reported as unlisted).
fn find<'a>(
    d: &DeclaredFile,
    present: &HashMap<&'a str, &'a FileRecord>,
    nfc: &HashMap<String, &'a str>,
    aliased: &mut BTreeSet<&'a str>,
    out: &mut Vec<Finding>,
) -> Option<&'a FileRecord> {
    if let Some(f) = present.get(d.path.as_str()) {
        return Some(*f);
    }
    if d.path.is_ascii() {
        return None;
    }
    let key: String = d.path.nfc().collect();
    let other = *nfc.get(&key)?;
    aliased.insert(other);
    out.push(
        Finding::new(Code::FixityPathNormalisation, d.location.clone().with_path(d.path.clone()))
            .with("other", other),
    );
    present.get(other).copied()
}
