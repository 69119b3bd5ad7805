//! `reversa report check REPORT.json ARCHIVE [--counts F] [--contract F] [--profile F]`: does a
//! report belong to an archive, and was it made with the inputs it names? What a reviewer runs
//! months later.
//!
//! Checked: the archive's digest (file digest, or tree digest of a folder) against the
//! report's; the dataset schemas and built-in profiles it names against those of this build;
//! the counts, clause and profile files *given on the command line* against the digests the
//! report holds. Each line says `ok`, `differs` or `not checked` (and why).
//!
//! A report is data from elsewhere: the paths written in it (counts, clause and profile files,
//! the archive) are shown, never opened — a hostile report could name `/dev/zero` or
//! `/etc/shadow`. Only files named on the command line are read: regular files (or a folder for
//! the archive), opened without blocking, the commune's files under
//! [`crate::input::FILE_LIMIT`], the report under [`REPORT_LIMIT`].

use crate::archive::{Archive, EntryHandler, EntryMeta, Limits, NoProgress, Outcome};
use serde_json::Value;
use sha2::Digest;
use std::io::Read;
use std::path::Path;

/// The most bytes read from the report given to `report check`: 64 MiB (reports are bounded:
/// findings are capped per code; the largest are a few MiB).
pub const REPORT_LIMIT: u64 = 64 << 20;

/// The files given to `report check` besides the report and the archive.
#[derive(Debug, Default, Clone, Copy)]
pub struct Given<'a> {
    /// `--counts FILE`.
    pub counts: Option<&'a Path>,
    /// `--contract FILE`.
    pub contract: Option<&'a Path>,
    /// `--profile FILE`.
    pub profile: Option<&'a Path>,
}

/// Why `report check` could not compare (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// A file given on the command line was refused (not a regular file, too large, unreadable).
    #[error("{0}")]
    Input(#[from] crate::input::InputError),
    /// The archive could not be read.
    #[error("{path}: {source}")]
    Archive {
        /// The archive as given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A text taken from the report, made safe to print: control characters (terminal escapes)
/// replaced, at most 300 characters.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(300).map(|c| if c.is_control() { '?' } else { c }).collect();
    if s.chars().nth(300).is_some() {
        out.push('…');
    }
    out
}

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

/// The digest of an export as a report writes it: `(sha256, "file" | "tree")`. A FIFO, device
/// or socket is refused (opened without blocking, then `fstat`).
pub fn archive_digest(path: &Path) -> std::io::Result<(String, &'static str)> {
    let (mut file, meta) = crate::input::open_nonblocking(path)?;
    if meta.is_file() {
        let mut h = sha2::Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        return Ok((hex::encode(h.finalize()), "file"));
    }
    if !meta.is_dir() {
        return Err(std::io::Error::other(crate::input::ReadError::NotAFile(crate::input::kind_id(
            &meta.file_type(),
        ))));
    }
    drop(file);
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

/// The SHA-256 of a file given on the command line (regular, under the input limit).
fn digest_of(path: &Path) -> Result<String, crate::input::InputError> {
    Ok(hex::encode(sha2::Sha256::digest(crate::input::read_input_file(path)?)))
}

/// Checks a report (as JSON) against an archive and the files `given`. `Ok(lines)`; the report
/// belongs to the archive and its inputs when no line `differs`. Opens nothing the report names.
pub fn check(report: &Value, archive: &Path, given: &Given) -> Result<Vec<Line>, CheckError> {
    let mut out = Vec::new();
    let line = |what: String, ok: Option<bool>, detail: String| Line {
        what: shown(&what),
        status: match ok {
            Some(true) => "ok",
            Some(false) => "differs",
            None => "not-checked",
        },
        detail: shown(&detail),
    };
    // The commune's files first: a refusal comes before the archive is read.
    let counts = given.counts.map(digest_of).transpose()?;
    let contract = given.contract.map(digest_of).transpose()?;
    let profile = given.profile.map(digest_of).transpose()?;
    let (digest, kind) = archive_digest(archive)
        .map_err(|source| CheckError::Archive { path: archive.display().to_string(), source })?;
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
    let mut file_profile_seen = false;
    for p in report["reproducibility"]["profiles"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        let origin = p["origin"].as_str().unwrap_or_default();
        let theirs = p["sha256"].as_str().unwrap_or_default();
        let what = format!("profile {name}");
        out.push(match origin.strip_prefix("built-in ") {
            Some(n) => match crate::records::profile::BUILT_IN.iter().find(|(b, _)| *b == n) {
                Some((_, t)) => {
                    let m = hex::encode(sha2::Sha256::digest(t.as_bytes()));
                    line(what, Some(m == theirs), format!("report {theirs}, this build {m}"))
                }
                None => line(what, None, format!("{origin}: not in this build")),
            },
            None => {
                file_profile_seen = true;
                match &profile {
                    Some(m) => line(
                        what,
                        Some(*m == theirs),
                        format!("report {theirs} ({origin}), --profile file {m}"),
                    ),
                    None => line(what, None, format!("{origin}: not checked: give the file with --profile")),
                }
            }
        });
    }
    if let (Some(m), false) = (&profile, file_profile_seen) {
        out.push(line(
            "profile file".into(),
            Some(false),
            format!("the report names no profile file; --profile file {m}"),
        ));
    }
    for (key, label, flag, mine) in
        [("counts", "counts file", "--counts", &counts), ("clauses", "clause file", "--contract", &contract)]
    {
        let r = &report["reproducibility"][key];
        let path = r["path"].as_str().unwrap_or_default();
        match (r["sha256"].as_str(), mine) {
            (Some(theirs), Some(m)) => out.push(line(
                label.into(),
                Some(m == theirs),
                format!("report {theirs} ({path}), {flag} file {m}"),
            )),
            (Some(_), None) => {
                out.push(line(label.into(), None, format!("{path}: not checked: give the file with {flag}")))
            }
            (None, Some(m)) => out.push(line(
                label.into(),
                Some(false),
                format!("the report names no {label}; {flag} file {m}"),
            )),
            (None, None) => {}
        }
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
