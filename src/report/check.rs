//! `reversa report check REPORT.json ARCHIVE`: does a report belong to an archive, and was it
//! made with the inputs it names? What a reviewer runs months later.
//!
//! Checked: the archive's digest (file digest, or tree digest of a folder) against the
//! report's; the dataset schemas and built-in profiles it names against those of this build;
//! the counts and clause files it names, when they are still at their paths, against their
//! digests. Each line says `ok`, `differs` or `not checked` (and why).

use crate::archive::{Archive, EntryHandler, EntryMeta, Limits, NoProgress, Outcome};
use serde_json::Value;
use sha2::Digest;
use std::io::Read;
use std::path::Path;

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    /// What was compared.
    pub what: String,
    /// `ok`, `differs` or `not-checked`.
    pub status: &'static str,
    /// Details.
    pub detail: String,
}

/// The digest of an export as a report writes it: `(sha256, "file" | "tree")`.
pub fn archive_digest(path: &Path) -> std::io::Result<(String, &'static str)> {
    if !path.is_dir() {
        return Ok((hex::encode(crate::archive::sha256_file(path)?), "file"));
    }
    struct Hash;
    impl EntryHandler for Hash {
        type Output = String;
        fn handle(&self, _: &EntryMeta, r: &mut dyn Read) -> std::io::Result<String> {
            let mut h = sha2::Sha256::new();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = r.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
            Ok(hex::encode(h.finalize()))
        }
    }
    let archive = Archive::open(path).and_then(Archive::readable).map_err(std::io::Error::other)?;
    let limits = Limits::default();
    let select = |m: &EntryMeta| m.is_readable_file();
    let scan = archive.scan(&Hash, &select, &limits, &NoProgress, false);
    let mut lines: Vec<(String, String)> = scan
        .entries
        .iter()
        .zip(scan.outcomes)
        .filter_map(|(m, o)| match o {
            Outcome::Read(d) => Some((m.path.clone(), d)),
            _ => None,
        })
        .collect();
    lines.sort();
    let mut h = sha2::Sha256::new();
    for (p, d) in lines {
        h.update(d.as_bytes());
        h.update(b"  ");
        h.update(p.as_bytes());
        h.update(b"\n");
    }
    Ok((hex::encode(h.finalize()), "tree"))
}

/// Checks a report (as JSON) against an archive. `Ok(lines)`; the report belongs to the
/// archive and its inputs when no line `differs`.
pub fn check(report: &Value, archive: &Path) -> std::io::Result<Vec<Line>> {
    let mut out = Vec::new();
    let line = |what: String, ok: Option<bool>, detail: String| Line {
        what,
        status: match ok {
            Some(true) => "ok",
            Some(false) => "differs",
            None => "not-checked",
        },
        detail,
    };
    let (digest, kind) = archive_digest(archive)?;
    let declared = report["archive"]["sha256"].as_str().unwrap_or_default();
    out.push(line(
        format!("archive ({kind} sha256)"),
        Some(declared == digest && report["archive"]["digest_kind"] == kind),
        format!("report {declared}, archive {digest}"),
    ));
    let reg = crate::records::Registry::built_in().ok();
    if let Some(schemas) = report["reproducibility"]["schemas"].as_object() {
        for (name, s) in schemas {
            let mine = reg.as_ref().and_then(|r| r.get(name)).map(|d| d.sha256.clone());
            let theirs = s["sha256"].as_str().unwrap_or_default();
            out.push(match mine {
                Some(m) => line(
                    format!("schema {name}"),
                    Some(m == theirs),
                    format!("report {theirs}, this build {m}"),
                ),
                None => line(format!("schema {name}"), None, "not in this build".into()),
            });
        }
    }
    for p in report["reproducibility"]["profiles"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        let origin = p["origin"].as_str().unwrap_or_default();
        let theirs = p["sha256"].as_str().unwrap_or_default();
        let mine = match origin.strip_prefix("built-in ") {
            Some(n) => crate::records::profile::BUILT_IN
                .iter()
                .find(|(b, _)| *b == n)
                .map(|(_, t)| hex::encode(sha2::Sha256::digest(t.as_bytes()))),
            None => std::fs::read(origin).ok().map(|b| hex::encode(sha2::Sha256::digest(&b))),
        };
        out.push(match mine {
            Some(m) => {
                line(format!("profile {name}"), Some(m == theirs), format!("report {theirs}, found {m}"))
            }
            None => line(format!("profile {name}"), None, format!("{origin} not found")),
        });
    }
    for (key, label) in [("counts", "counts file"), ("clauses", "clause file")] {
        let r = &report["reproducibility"][key];
        let (Some(path), Some(theirs)) = (r["path"].as_str(), r["sha256"].as_str()) else { continue };
        out.push(match std::fs::read(path) {
            Ok(b) => {
                let mine = hex::encode(sha2::Sha256::digest(&b));
                line(format!("{label} {path}"), Some(mine == theirs), format!("report {theirs}, file {mine}"))
            }
            Err(_) => line(format!("{label} {path}"), None, "not at its path any more".into()),
        });
    }
    if report["tool"]["version"] != crate::VERSION {
        out.push(line(
            "tool version".into(),
            None,
            format!("report made by {}, this is {}", report["tool"]["version"], crate::VERSION),
        ));
    }
    Ok(out)
}
