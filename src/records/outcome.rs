//! What the records stage hands downstream: one [`FileOutcome`] per file read for records, and
//! after the cross-record checks, one [`DatasetReport`] per dataset plus the findings.
//! The report types serialise as the report's `datasets[]` (see `schemas/report.schema.json`).

use super::process::{Collected, FileStats};
use super::read::{Position, ReadError, ReaderKind, SourceFacts};
use crate::finding::Finding;
use serde::Serialize;

/// Which mapping a file took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    /// Profile index in the plan.
    pub profile: usize,
    /// Mapping index in the profile.
    pub mapping: usize,
    /// Dataset index in the registry.
    pub dataset: usize,
    /// The reader used.
    pub reader: ReaderKind,
}

/// One file read for records.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// Path in the export.
    pub path: String,
    /// The mapping it took; `None` when its name matched but no mapping's columns did.
    pub matched: Option<Matched>,
    /// What the reader told about the file.
    pub facts: Option<SourceFacts>,
    /// The error that stopped reading.
    pub error: Option<ReadError>,
    /// Validation figures.
    pub stats: FileStats,
    /// Material for the cross-record checks.
    pub collected: Collected,
    /// Columns no field takes.
    pub unused_columns: Vec<String>,
    /// Mapped columns the file lacks.
    pub missing_columns: Vec<String>,
    /// Counts, totals, fingerprints and years.
    pub aggregates: super::aggregate::FileAgg,
    /// The file's column names (header, or names met).
    pub columns: Vec<String>,
}

impl FileOutcome {
    /// A file whose reading could not even start.
    pub fn failed(path: &str, error: ReadError) -> Self {
        FileOutcome { error: Some(error), ..FileOutcome::no_match(path) }
    }

    /// A file that no mapping's required columns fit.
    pub fn no_match(path: &str) -> Self {
        FileOutcome {
            path: path.to_string(),
            matched: None,
            facts: None,
            error: None,
            stats: FileStats::default(),
            collected: Collected::default(),
            unused_columns: Vec::new(),
            missing_columns: Vec::new(),
            aggregates: Default::default(),
            columns: Vec::new(),
        }
    }
}

/// What the cross-record checks need from the inventory.
pub struct Inventory<'a> {
    /// Every path in the export that was read.
    pub paths: &'a std::collections::HashSet<String>,
    /// Data files (tables, JSON, XML…) that no mapping took, with their format name.
    pub unmapped: Vec<(String, &'static str)>,
}

/// A location in a dataset's file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RecordLocation {
    /// Path in the export.
    pub path: String,
    /// Sheet (spreadsheets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row or line.
    pub row: u64,
    /// 1-based record number in the file (0 when unknown).
    pub record: u64,
    /// The offending value, only with `--reveal-values` (personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl RecordLocation {
    /// From a reader position.
    pub fn at(path: &str, p: &Position) -> Self {
        RecordLocation {
            path: path.to_string(),
            sheet: p.sheet.clone(),
            row: p.row,
            record: p.record,
            value: None,
        }
    }
}

/// One rule broken, aggregated.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// The field.
    pub field: String,
    /// The rule: a JSON Schema keyword (`required`, `pattern`, `enum`, `type`, `format:date`…)
    /// or a reversa rule (`date-order`, `not-future`, `min-age`, `code-list`).
    pub rule: String,
    /// The source column, when the field has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Records breaking it.
    pub count: u64,
    /// The first locations.
    pub locations: Vec<RecordLocation>,
}

/// One cross-record check's result on a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct CrossReport {
    /// `unique-key`, `unique`, `reference`, `file-exists`, `sequence`.
    pub rule: &'static str,
    /// The fields concerned.
    pub fields: Vec<String>,
    /// The dataset referred to (references).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `pass`, `fail` or `unverifiable`.
    pub status: &'static str,
    /// Values checked.
    pub checked: u64,
    /// Violations: duplicates, dangling references, missing files, missing numbers.
    pub violations: u64,
    /// The first locations (for sequences: none, see `gaps`).
    pub locations: Vec<RecordLocation>,
    /// Sequences: per group with gaps, the missing ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<GapReport>,
}

/// Missing numbers in one group of a sequence.
#[derive(Debug, Clone, Serialize)]
pub struct GapReport {
    /// The group's values joined with `/` (e.g. `38185/2023/naissance`).
    pub group: String,
    /// Highest number found.
    pub last: u64,
    /// Numbers missing.
    pub missing: u64,
    /// Missing ranges, `a-b` or `a` (the first 20).
    pub ranges: Vec<String>,
}

/// One file of a dataset, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetFile {
    /// Path in the export.
    pub path: String,
    /// The profile whose mapping took it.
    pub profile: String,
    /// The reader.
    pub reader: &'static str,
    /// Decoded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// CSV delimiter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Sheets read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// Records read.
    pub records: u64,
    /// Valid records.
    pub valid: u64,
    /// Invalid records.
    pub invalid: u64,
    /// Rows with another field count than the header.
    pub ragged_rows: u64,
    /// The file's column names.
    pub columns: Vec<String>,
    /// Columns no field takes.
    pub unused_columns: Vec<String>,
    /// Mapped columns absent from the file.
    pub missing_columns: Vec<String>,
    /// Why reading stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The schema a dataset was validated against.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaRef {
    /// `$id`.
    pub id: String,
    /// `x-reversa-version`.
    pub version: String,
    /// SHA-256 of the schema as shipped.
    pub sha256: String,
}

/// One dataset's figures.
#[derive(Debug, Clone, Serialize)]
pub struct DatasetReport {
    /// Its name (`actes`, `electeurs`…).
    pub name: String,
    /// Its French title.
    pub title: String,
    /// Its domain.
    pub domain: String,
    /// Its schema.
    pub schema: SchemaRef,
    /// `present` (files found) or `missing` (expected by the profile, no file).
    pub status: &'static str,
    /// Records read.
    pub records: u64,
    /// Records that break no rule.
    pub valid: u64,
    /// Records that break at least one.
    pub invalid: u64,
    /// Heap bytes held for its cross-record checks (keys, unique combinations, references,
    /// attachment paths, sequence numbers) at the end of the scan: the part of the memory that
    /// grows with the export.
    pub key_set_bytes: u64,
    /// Its files.
    pub files: Vec<DatasetFile>,
    /// Rules broken, by field and rule.
    pub errors: Vec<RuleReport>,
    /// Cross-record checks.
    pub cross: Vec<CrossReport>,
    /// Fingerprint of all its records (when fingerprints were asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Figures per group of each grouping (counts; totals and fingerprints when asked for).
    pub groups: Vec<GroupReport>,
    /// Years covered by its date field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodReport>,
}

/// One group's figures.
#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    /// The grouping: `field` or `year(field)` keys.
    pub by: Vec<String>,
    /// The group's values joined with ` / ` (e.g. `2023 / naissance`).
    pub group: String,
    /// Records.
    pub count: u64,
    /// Fingerprint of its records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Totals of amount fields, as decimals.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub totals: std::collections::BTreeMap<String, String>,
}

/// Years a dated dataset covers.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    /// The date field.
    pub field: String,
    /// Records per year.
    pub years: std::collections::BTreeMap<String, u64>,
    /// First year present.
    pub first: Option<u16>,
    /// Last year present.
    pub last: Option<u16>,
    /// Years without records between the first and the last.
    pub gaps: Vec<u16>,
}

/// The records stage's result.
#[derive(Debug, Clone, Default)]
pub struct RecordsResult {
    /// Per dataset, in registry order: those with files, and those the profiles expected.
    pub datasets: Vec<DatasetReport>,
    /// The profiles used: `(name, origin, sha256)`.
    pub profiles: Vec<(String, String, String)>,
    /// Findings (`records.*`).
    pub findings: Vec<Finding>,
    /// Whether any file was read for records.
    pub any_records: bool,
    /// Per dataset, the rows kept for `reversa diff` (empty unless asked for).
    pub diff: Vec<DiffMaterial>,
}

/// One dataset's records as `reversa diff` compares them.
#[derive(Debug, Clone, Default)]
pub struct DiffMaterial {
    /// The dataset.
    pub dataset: String,
    /// Its key and fields.
    pub spec: super::aggregate::DiffSpec,
    /// Its rows.
    pub rows: super::aggregate::DiffRows,
}
