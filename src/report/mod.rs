//! Stage 6 — the report: the model built from the stages' outputs, and its renderers
//! (`report.json`, written atomically, and the terminal summary in French or English).

pub mod check;
pub mod html;
pub mod junit;
mod model;
pub mod out;
pub mod text;

pub use model::*;

use crate::archive::{Container, EntryKind};
use crate::checks::CheckResult;
use crate::finding::{Finding, Severity};
use crate::inventory::{FileRecord, Openness};
use crate::manifest::{Manifest, ManifestKind};
use crate::pipeline::Plan;
use crate::verdict::Verdict;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What [`build`] needs from the pipeline.
pub struct Inputs<'a> {
    /// The plan run.
    pub plan: &'a Plan,
    /// Container kind.
    pub container: Container,
    /// Size of the archive file.
    pub archive_size: u64,
    /// Archive or tree digest.
    pub archive_sha256: String,
    /// `file` or `tree`.
    pub digest_kind: &'static str,
    /// Passes over the content.
    pub passes: u32,
    /// Uncompressed bytes read.
    pub bytes_read: u64,
    /// Inventory.
    pub files: &'a [FileRecord],
    /// Manifest used.
    pub manifest: Option<&'a Manifest>,
    /// Check results.
    pub checks: &'a [CheckResult],
    /// The findings kept, sorted.
    pub findings: &'a [Finding],
    /// Findings left out per code, with their severity ([`crate::finding::cap_per_code`]).
    pub omitted: &'a std::collections::BTreeMap<&'static str, (Severity, usize)>,
    /// The verdict.
    pub verdict: Verdict,
    /// The records stage's result.
    pub records: &'a crate::records::RecordsResult,
    /// The completeness stage's result.
    pub completeness: &'a crate::completeness::Completeness,
    /// The counts file given.
    pub counts: Option<&'a crate::completeness::CountsFile>,
    /// The clauses evaluated.
    pub clauses: &'a [crate::clauses::ClauseResult],
    /// The clause file applied (given, or the default set).
    pub clause_file: &'a crate::clauses::ClauseFile,
    /// The clause file given: path and SHA-256.
    pub contract_file: Option<(String, String)>,
}

/// Findings codes that belong to the manifest's own section.
fn is_manifest_problem(f: &Finding) -> bool {
    let c = f.code.as_str();
    c.starts_with("manifest.") || c.starts_with("fixity.")
}

/// Builds the report model.
pub fn build(i: Inputs<'_>) -> Report {
    let lang = i.plan.lang;
    let findings: Vec<FindingEntry> =
        i.findings.iter().map(|f| FindingEntry::from_finding(f, lang)).collect();
    let problems: Vec<FindingEntry> = i
        .findings
        .iter()
        .filter(|f| is_manifest_problem(f))
        .map(|f| FindingEntry::from_finding(f, lang))
        .collect();
    let manifest = match i.manifest {
        Some(m) if m.kind != ManifestKind::None => {
            // Invalid only through the export's own faults; what reversa could not check (an
            // unknown algorithm or tag-file encoding) leaves it unverifiable.
            let invalid = i.findings.iter().any(|f| f.fails() && is_manifest_problem(f));
            let blocked = i.findings.iter().any(|f| f.blocks() && is_manifest_problem(f));
            ManifestInfo {
                kind: m.kind.as_str(),
                status: match (invalid, blocked) {
                    (true, _) => "invalid",
                    (false, true) => "unverifiable",
                    (false, false) => "valid",
                },
                version: m.version.clone(),
                files: m.files.clone(),
                algorithms: m.algorithms().iter().map(|a| a.as_str()).collect(),
                declared_files: m.declared.len(),
                payload_oxum: m.payload_oxum.map(|(o, c)| format!("{o}.{c}")),
                record_counts: m.record_counts.clone(),
                problems,
            }
        }
        _ => ManifestInfo {
            kind: "none",
            status: "absent",
            version: None,
            files: Vec::new(),
            algorithms: Vec::new(),
            declared_files: 0,
            payload_oxum: None,
            record_counts: Default::default(),
            problems,
        },
    };
    let files: Vec<FileEntry> = i
        .files
        .iter()
        .filter(|f| f.meta.kind != EntryKind::Dir)
        .map(|f| FileEntry {
            path: f.meta.path.clone(),
            kind: f.meta.kind,
            status: f.status,
            size: f.size(),
            compressed_size: f.meta.compressed_size,
            digests: f.facts.as_ref().map(|x| x.digests.clone()).unwrap_or_default(),
            format: f.facts.as_ref().map(|x| FormatEntry {
                name: x.format.name,
                puid: x.format.puid,
                mime: x.format.mime,
                openness: x.format.openness,
                note: x.format.note,
            }),
            encoding: f.facts.as_ref().map(|x| x.encoding),
        })
        .collect();
    let mut summary = Summary { files: files.len(), ..Default::default() };
    summary.bytes = files.iter().filter_map(|f| f.size).sum();
    let kept = i.findings.iter().map(|f| (f.severity, f.attribution, 1));
    let omitted = i.omitted.iter().map(|(code, (s, n))| (*s, code_attribution(code), *n));
    for (severity, attribution, n) in kept.chain(omitted) {
        if severity == Severity::Error && attribution == crate::finding::Attribution::Tool {
            summary.unverified += n;
        }
        match severity {
            Severity::Error => summary.errors += n,
            Severity::Warning => summary.warnings += n,
            Severity::Info => summary.infos += n,
        }
    }
    summary.omitted = i.omitted.iter().map(|(code, (_, n))| (*code, *n)).collect();
    for f in &files {
        let class = match f.format.as_ref().map(|x| x.openness) {
            Some(Openness::Open) => "open",
            Some(Openness::Proprietary) => "proprietary",
            _ => "unknown",
        };
        *summary.openness.entry(class).or_insert(0) += 1;
    }
    let l = &i.plan.limits;
    Report {
        report_version: REPORT_VERSION,
        tool: Tool { name: "reversa", version: crate::VERSION },
        generated_at: timestamp(),
        lang,
        reproducibility: Reproducibility {
            command: i.plan.command.clone(),
            limits: LimitsInfo {
                max_total_size: l.max_total_size,
                max_ratio: l.max_ratio,
                ratio_min_size: l.ratio_min_size,
                max_manifest_size: l.max_manifest_size,
            },
            profiles: i
                .records
                .profiles
                .iter()
                .map(|(name, origin, sha256)| ProfileRef {
                    name: name.clone(),
                    origin: origin.clone(),
                    sha256: sha256.clone(),
                })
                .collect(),
            schemas: i.records.datasets.iter().map(|d| (d.name.clone(), d.schema.clone())).collect(),
            counts: i.counts.map(|c| CountsRef {
                path: c.origin.clone(),
                form: c.form,
                sha256: c.sha256.clone(),
            }),
            clauses: match &i.contract_file {
                Some((path, sha256)) => ClausesRef { path: path.clone(), sha256: Some(sha256.clone()) },
                None => ClausesRef { path: "default".into(), sha256: None },
            },
            reveal_values: i.plan.reveal_values,
        },
        archive: ArchiveInfo {
            path: i.plan.input.display().to_string(),
            container: i.container.as_str(),
            size: if i.container == Container::Folder { 0 } else { i.archive_size },
            sha256: i.archive_sha256,
            digest_kind: i.digest_kind,
            entries: i.files.len(),
            bytes_read: i.bytes_read,
            passes: i.passes,
        },
        manifest,
        files,
        datasets: i.records.datasets.clone(),
        completeness: i.completeness.entries.clone(),
        contract: ContractInfo { title: i.clause_file.title.clone(), terms: i.clause_file.contract.clone() },
        clauses: i.clauses.to_vec(),
        checks: i.checks.to_vec(),
        findings,
        summary,
        verdict: i.verdict,
    }
}

/// Now, or `SOURCE_DATE_EPOCH` when set, as RFC 3339 UTC.
pub fn timestamp() -> String {
    let time = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(|secs| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
        .unwrap_or_else(std::time::SystemTime::now);
    humantime::format_rfc3339_seconds(time).to_string()
}

/// The report as pretty JSON.
pub fn to_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report model always serialises");
    s.push('\n');
    s
}

/// Version of the fingerprint file format.
pub const FINGERPRINT_VERSION: &str = "1";

/// The fingerprint file (`reversa fingerprint`): per dataset and group, counts and fingerprints
/// (schema `schemas/fingerprint.schema.json`); `verify --counts` reads it back.
pub fn fingerprint_json(report: &Report) -> String {
    let datasets: Vec<serde_json::Value> = report
        .datasets
        .iter()
        .filter(|d| d.status == "present")
        .map(|d| {
            serde_json::json!({
                "name": d.name,
                "count": d.records,
                "fingerprint": d.fingerprint,
                "groups": d.groups.iter().map(|g| serde_json::json!({
                    "by": g.by,
                    "group": g.group,
                    "count": g.count,
                    "fingerprint": g.fingerprint,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = serde_json::json!({
        "reversa_fingerprint": FINGERPRINT_VERSION,
        "canonicalisation": "1",
        "tool": report.tool,
        "generated_at": report.generated_at,
        "archive": {
            "path": report.archive.path,
            "sha256": report.archive.sha256,
            "digest_kind": report.archive.digest_kind,
        },
        "profiles": report.reproducibility.profiles,
        "schemas": report.reproducibility.schemas,
        "datasets": datasets,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("the fingerprint always serialises");
    s.push('\n');
    s
}

/// The inventory alone as JSON: `tool`, `archive` and `files` of the report.
pub fn inventory_json(report: &Report) -> String {
    let v = serde_json::json!({
        "report_version": report.report_version,
        "tool": report.tool,
        "archive": report.archive,
        "files": report.files,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("the report model always serialises");
    s.push('\n');
    s
}

/// Writes `report.json` into `out_dir` atomically: a temporary file in the same folder, synced,
/// then renamed. An interrupted run leaves no `report.json`, never a partial one.
pub fn write_json(out_dir: &Path, report: &Report) -> io::Result<PathBuf> {
    write_atomic(out_dir, "report.json", to_json(report).as_bytes())
}

/// Appends `text` to `out` escaped for XML 1.0 text or attribute values: the five markup
/// characters as entities, and the control characters XML 1.0 forbids (all below U+0020 but
/// tab and line breaks) dropped.
pub fn xml_escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// Writes `name` into `dir` atomically.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".reversa-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let target = dir.join(name);
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(target)
}

/// The attribution of a code written in a report (`fixity.missing-file`…).
fn code_attribution(code: &str) -> crate::finding::Attribution {
    crate::finding::Code::ALL
        .iter()
        .find(|c| c.as_str() == code)
        .map_or(crate::finding::Attribution::Export, |c| c.attribution())
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escape_gives_well_formed_xml_text() {
        let mut out = String::new();
        super::xml_escape(&mut out, "a<b>&\"c'\u{1}\u{1f}\td\ne");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;\td\ne", "markup escaped, forbidden controls dropped");
    }
}
