//! Stage 4 — checks: each check reads the inventory (and the manifest) and emits findings.
//!
//! | check      | what it checks                                                        |
//! |------------|-----------------------------------------------------------------------|
//! | `safety`   | the container: paths, links, duplicates, encryption, corruption, bombs |
//! | `fixity`   | the manifest against the files: presence both ways, sizes, digests    |
//! | `formats`  | formats identified, open or proprietary, nested archives, empty files  |
//! | `encoding` | text files in UTF-8                                                   |
//! | `records`  | records read, mapped and valid against their dataset's schema (stage 3) |
//! | `cross-records` | keys unique, references resolved, attachments present, numbering continuous |
//! | `completeness` | records found against the commune's counts and the manifest's declarations |
//!
//! A check's status is `pass`, `warn` (only warnings), `fail` (an error about the export itself,
//! attribution `export`) or `unverifiable` (the evidence it needs is missing, e.g. fixity without
//! a manifest, or reversa could not check past something: an error of attribution `tool`).

mod fixity;
mod formats;
mod safety;

use crate::archive::{Container, Limits, Stop, Unsupported};
use crate::finding::{Code, Finding, Severity};
use crate::inventory::FileRecord;
use crate::manifest::Manifest;
use serde::Serialize;

/// What the container itself told while being read.
#[derive(Debug, Clone, Default)]
pub struct ContainerFacts {
    /// The container kind.
    pub container: Option<Container>,
    /// Zip entries overlap.
    pub overlapping: bool,
    /// Names that several entries share, as the container reported them (empty: unnamed).
    pub duplicate_names: Vec<String>,
    /// The container could not be read to its end.
    pub container_error: Option<String>,
    /// The total-size limit stopped reading.
    pub budget_exhausted: bool,
    /// A limit that stopped a compressed stream outside any entry.
    pub stream_stop: Option<Stop>,
    /// The archive is recognised but reversa cannot read it: nothing in it was checked.
    pub unsupported: Option<Unsupported>,
    /// Parts of a folder that could not be listed: path and cause.
    pub unlisted: Vec<(String, String)>,
}

/// Everything the checks read.
pub struct CheckInput<'a> {
    /// The container's own facts.
    pub container: &'a ContainerFacts,
    /// The inventory, in container order.
    pub files: &'a [FileRecord],
    /// The manifest used, if any.
    pub manifest: Option<&'a Manifest>,
    /// The limits in force.
    pub limits: &'a Limits,
    /// The records stage's findings (`records.*`).
    pub records: &'a [Finding],
    /// Whether any file was read for records.
    pub any_records: bool,
    /// The completeness stage's result.
    pub completeness: &'a crate::completeness::Completeness,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    /// Nothing found.
    Pass,
    /// Only warnings.
    Warn,
    /// At least one error.
    Fail,
    /// The evidence the check needs is missing.
    Unverifiable,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The check's id (`safety`, `fixity`, `formats`, `encoding`).
    pub id: &'static str,
    /// Its outcome.
    pub status: CheckStatus,
    /// Errors it emitted about the export itself (attribution `export`).
    pub errors: usize,
    /// Errors reversa could not check past (attribution `tool`): they leave it unverifiable.
    pub unverified: usize,
    /// Warnings it emitted.
    pub warnings: usize,
}

/// Every check, in report order.
pub const CHECKS: &[&str] =
    &["safety", "fixity", "formats", "encoding", "records", "cross-records", "completeness"];

/// The check a finding code belongs to (`safety`, `fixity`, `formats`, `encoding`, `records`,
/// `cross-records`, `completeness`; empty for none). One mapping for the checks, the JUnit
/// report and the clauses' evidence.
pub fn check_of(code: &str) -> &'static str {
    match code.split('.').next().unwrap_or("") {
        "archive" => "safety",
        "fixity" | "manifest" => "fixity",
        "inventory" if code == "inventory.not-utf8" => "encoding",
        "inventory" => "formats",
        "completeness" => "completeness",
        "records" => match code {
            "records.duplicate-key"
            | "records.dangling-reference"
            | "records.reference-unverifiable"
            | "records.missing-attachment"
            | "records.sequence-gap" => "cross-records",
            _ => "records",
        },
        _ => "",
    }
}

/// One check's result from its findings: `fail` on an error about the export itself, unless
/// every such error is an absence and part of the export was not read (`unread`); `unverifiable`
/// when the evidence is missing (`unverifiable`) or reversa could not check past an error of
/// attribution `tool`; `warn` on warnings; `pass` otherwise.
pub fn result_of(id: &'static str, findings: &[Finding], unverifiable: bool, unread: bool) -> CheckResult {
    let errors = findings.iter().filter(|f| f.fails()).count();
    let blocked = findings.iter().filter(|f| f.blocks()).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let only_absences = findings.iter().filter(|f| f.fails()).all(|f| f.code.is_absence());
    let status = if errors > 0 && !(unread && only_absences) {
        CheckStatus::Fail
    } else if errors > 0 || unverifiable || blocked > 0 {
        CheckStatus::Unverifiable
    } else if warnings > 0 {
        CheckStatus::Warn
    } else {
        CheckStatus::Pass
    };
    CheckResult { id, status, errors, unverified: blocked, warnings }
}

/// Whether some data files were not read for records: mapped to no dataset (`tool`), or stopped
/// by one of reversa's limits.
pub fn records_unread(input: &CheckInput<'_>) -> bool {
    input.records.iter().any(|f| matches!(f.code, Code::RecordsUnmappedFile | Code::RecordsReadLimit))
}

fn is_cross(f: &Finding) -> bool {
    check_of(f.code.as_str()) == "cross-records"
}

/// Runs every check. Findings come back sorted: worst first, then by code and place.
pub fn run(input: &CheckInput<'_>) -> (Vec<CheckResult>, Vec<Finding>) {
    let mut results = Vec::new();
    let mut all: Vec<Finding> = Vec::new();
    // Nothing was read from a container reversa cannot open: no check can pass on its content.
    let container_unread = input.container.unsupported.is_some();
    // Part of the export reversa could not read (a limit, an unreadable file, an unsupported
    // container): what seems absent may be there, so absences alone prove nothing.
    let mut unread = container_unread;
    for &id in CHECKS {
        let (findings, mut unverifiable) = match id {
            "safety" => (safety::check(input), false),
            "fixity" => fixity::check(input),
            "formats" => (formats::check_formats(input), false),
            "encoding" => (formats::check_encoding(input), false),
            "records" => {
                (input.records.iter().filter(|f| !is_cross(f)).cloned().collect(), !input.any_records)
            }
            "cross-records" => {
                (input.records.iter().filter(|f| is_cross(f)).cloned().collect(), !input.any_records)
            }
            "completeness" => (input.completeness.findings.clone(), !input.completeness.checked),
            _ => unreachable!("every check id has an arm"),
        };
        unverifiable |= container_unread;
        // What the other checks would say of an inventory left empty (no manifest, no record
        // file) is not a fact about the export.
        let findings = if container_unread && id != "safety" { Vec::new() } else { findings };
        // Records reversa could not map to a dataset, or stopped reading at one of its limits,
        // may hold what the cross-record and completeness checks find absent.
        let unread_here = unread || (matches!(id, "cross-records" | "completeness") && records_unread(input));
        let result = result_of(id, &findings, unverifiable, unread_here);
        if id == "safety" {
            unread = container_unread || result.unverified > 0;
        }
        results.push(result);
        all.extend(findings);
    }
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (results, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_belongs_to_a_check() {
        for c in crate::finding::Code::ALL {
            // internal.error is reversa's failure, and input.* the commune's files (refused
            // before any check): neither is a check of the export.
            let internal = c.as_str().starts_with("internal.") || c.as_str().starts_with("input.");
            assert_eq!(CHECKS.contains(&check_of(c.as_str())), !internal, "{}", c.as_str());
        }
        assert_eq!(check_of("records.sequence-gap"), "cross-records");
        assert_eq!(check_of("records.schema-violation"), "records");
        assert_eq!(check_of("inventory.not-utf8"), "encoding");
    }
}
