//! The report's serialisable model: what `report.json` holds (schema: `schemas/report.schema.json`).
//! Renderers read only this model.

use crate::checks::CheckResult;
use crate::finding::{Attribution, Finding, Lang, Location, Severity};
use crate::inventory::{Digests, Encoding, Openness, ReadStatus};
use crate::verdict::Verdict;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the report format; bumped when a field changes meaning or disappears.
pub const REPORT_VERSION: &str = "1.0";

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Report format version.
    pub report_version: &'static str,
    /// The tool that wrote it.
    pub tool: Tool,
    /// When it was written (RFC 3339, UTC; `SOURCE_DATE_EPOCH` fixes it).
    pub generated_at: String,
    /// Language of the messages.
    pub lang: Lang,
    /// What makes the run reproducible.
    pub reproducibility: Reproducibility,
    /// The export verified.
    pub archive: ArchiveInfo,
    /// Its manifest.
    pub manifest: ManifestInfo,
    /// Every entry except directories, in container order.
    pub files: Vec<FileEntry>,
    /// Per dataset: records read, valid, invalid, files, rules broken, cross-record checks.
    pub datasets: Vec<crate::records::DatasetReport>,
    /// One entry per checked count, total, fingerprint or period: expected, found, status, source.
    pub completeness: Vec<crate::completeness::Entry>,
    /// The contract the clauses come from.
    pub contract: ContractInfo,
    /// One verdict per clause, with its reason and evidence; the overall `verdict` follows them.
    pub clauses: Vec<crate::clauses::ClauseResult>,
    /// One result per check.
    pub checks: Vec<CheckResult>,
    /// Every finding, worst first.
    pub findings: Vec<FindingEntry>,
    /// Counts.
    pub summary: Summary,
    /// The overall answer.
    pub verdict: Verdict,
}

impl Report {
    /// The process exit code: the verdict's (0, 1, 3), or 2 when reversa failed on a file
    /// (`internal.error`): the report is written, but it is not a complete answer.
    pub fn exit_code(&self) -> u8 {
        if self.findings.iter().any(|f| f.code == crate::finding::Code::InternalError.as_str()) {
            2
        } else {
            self.verdict.exit_code() as u8
        }
    }
}

/// The tool's identity.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `reversa`.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
}

/// The inputs and settings of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Reproducibility {
    /// The command line as given.
    pub command: Vec<String>,
    /// Limits in force.
    pub limits: LimitsInfo,
    /// The profiles that mapped files (all built-ins tried when detecting: those used).
    pub profiles: Vec<ProfileRef>,
    /// The dataset schemas used, by dataset.
    pub schemas: BTreeMap<String, crate::records::outcome::SchemaRef>,
    /// The counts file given with `--counts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<CountsRef>,
    /// The clause file applied: its path and SHA-256, or `default`.
    pub clauses: ClausesRef,
    /// Whether the report shows offending values (`--reveal-values`): it then holds personal data.
    pub reveal_values: bool,
}

/// The clause file applied, as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ClausesRef {
    /// Its path as given, or `default` for the default clause set.
    pub path: String,
    /// SHA-256 of its bytes (none for the default set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// The contract, as the clause file describes it.
#[derive(Debug, Clone, Serialize)]
pub struct ContractInfo {
    /// The clause file's title.
    pub title: String,
    /// Identity, dates and exit terms.
    pub terms: crate::clauses::Contract,
}

/// The counts file used, as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct CountsRef {
    /// Its path, as given.
    pub path: String,
    /// `toml`, `csv` or `fingerprint`.
    pub form: &'static str,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// A profile used, as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileRef {
    /// Its name.
    pub name: String,
    /// `built-in NAME` or the file's path.
    pub origin: String,
    /// SHA-256 of its TOML text.
    pub sha256: String,
}

/// Limits in force, as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct LimitsInfo {
    /// Largest total uncompressed size, bytes.
    pub max_total_size: u64,
    /// Largest compression ratio of one entry.
    pub max_ratio: u64,
    /// Entries below this size are not held to the ratio.
    pub ratio_min_size: u64,
    /// Largest manifest parsed, bytes.
    pub max_manifest_size: u64,
}

/// The export's identity.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveInfo {
    /// The path as given on the command line.
    pub path: String,
    /// `zip`, `tar`, `tar-gz`, `tar-bz2`, `tar-xz`, `tar-zst`, `folder`, or `unsupported` (an archive
    /// reversa recognises but cannot read).
    pub container: &'static str,
    /// Size of the archive file (0 for a folder).
    pub size: u64,
    /// SHA-256 of the archive file, or the tree digest of a folder.
    pub sha256: String,
    /// `file` (digest of the archive's bytes) or `tree` (of a folder's files, see README).
    pub digest_kind: &'static str,
    /// Entries in the container, directories included.
    pub entries: usize,
    /// Uncompressed bytes read.
    pub bytes_read: u64,
    /// Passes over the content (2 only for a tar whose late manifest asked for more digests).
    pub passes: u32,
}

/// The manifest's identity and status.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestInfo {
    /// `bagit`, `seda`, `reversa` or `none`.
    pub kind: &'static str,
    /// `valid`, `invalid` or `absent`.
    pub status: &'static str,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The manifest files read, main one first.
    pub files: Vec<String>,
    /// Digest algorithms it uses.
    pub algorithms: Vec<&'static str>,
    /// Files it declares.
    pub declared_files: usize,
    /// BagIt Payload-Oxum, `octets.count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload_oxum: Option<String>,
    /// Record counts it declares per dataset.
    pub record_counts: BTreeMap<String, u64>,
    /// Findings about the manifest and fixity.
    pub problems: Vec<FindingEntry>,
}

/// One inventoried file.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Path in the export.
    pub path: String,
    /// `file`, `symlink`, `hard-link`, `special`.
    pub kind: crate::archive::EntryKind,
    /// `read`, `not-read`, `failed`.
    pub status: ReadStatus,
    /// Size in bytes (read, or declared when not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Compressed size (zip).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compressed_size: Option<u64>,
    /// Digests computed.
    pub digests: Digests,
    /// Identified format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<FormatEntry>,
    /// Text encoding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
}

/// A format as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FormatEntry {
    /// Name.
    pub name: &'static str,
    /// PRONOM id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub puid: Option<&'static str>,
    /// MIME type.
    pub mime: &'static str,
    /// Openness class.
    pub openness: Openness,
    /// A note on its status (RGI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// One finding as written in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FindingEntry {
    /// Stable code.
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Who it is about: `export` (the vendor's delivery), `tool` (what reversa could not check).
    pub attribution: Attribution,
    /// Where: entry `path`, `manifest` file, `line`, `element` (each only when known).
    #[serde(flatten)]
    pub location: Location,
    /// Message in the report's language.
    pub message: String,
    /// The message's parameters.
    pub params: BTreeMap<&'static str, String>,
}

impl FindingEntry {
    /// Renders a finding in `lang`.
    pub fn from_finding(f: &Finding, lang: Lang) -> Self {
        FindingEntry {
            code: f.code.as_str(),
            severity: f.severity,
            attribution: f.attribution,
            location: f.location.clone(),
            message: f.message(lang),
            params: f.params.clone(),
        }
    }
}

/// Counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Files inventoried.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Findings of severity error.
    pub errors: usize,
    /// Of those errors, the ones about what reversa could not check (attribution `tool`): they
    /// make checks and clauses unverifiable, never failed.
    pub unverified: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Files per openness class.
    pub openness: BTreeMap<&'static str, usize>,
    /// Findings counted but not listed, per code (past `finding::MAX_PER_CODE` of one code).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub omitted: BTreeMap<&'static str, usize>,
}
