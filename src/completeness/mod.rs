//! Stage 5 — completeness: the records found against what the commune knows from its own side
//! (a counts file, or a fingerprint file made on its own extraction) and against what the
//! vendor's manifest declares.
//!
//! A **counts file** (TOML or CSV; schema `schemas/counts.schema.json`, documented in the
//! README) lists expected counts per dataset and per group, control totals (sums of an amount
//! field), and expected periods, each with its source and an optional tolerance. A
//! **fingerprint file** written by `reversa fingerprint` is accepted as it is: its counts and
//! fingerprints become expected values, so the check also proves the records are identical.

mod counts;

pub use counts::{CountLine, CountsError, CountsFile, LineKind, PeriodLine};

use crate::finding::{Code, Finding, Location};
use crate::manifest::{Manifest, ManifestKind};
use crate::records::aggregate::GroupKey;
use crate::records::{DatasetReport, Needs};
use serde::Serialize;

/// Who declared an expected figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeclaredBy {
    /// The commune (a counts or fingerprint file given with `--counts`).
    Commune,
    /// The vendor (the export's own manifest).
    Vendor,
}

/// One checked line, as the report's `completeness[]` holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// `count`, `total`, `fingerprint`, `period` or `files`.
    pub kind: &'static str,
    /// The dataset (`*` for the package's files).
    pub dataset: String,
    /// The grouping keys (empty: the whole dataset).
    pub by: Vec<String>,
    /// The group's values joined with ` / ` (`*` for the whole dataset).
    pub group: String,
    /// The amount field (totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Expected: a count, a decimal total, a fingerprint or a year range.
    pub expected: serde_json::Value,
    /// Found, same kind.
    pub found: serde_json::Value,
    /// Found − expected (counts and totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<serde_json::Value>,
    /// Delta as a percentage of expected (counts and totals).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
    /// The tolerance applied, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<String>,
    /// `pass` or `fail`.
    pub status: &'static str,
    /// Where the expected figure comes from.
    pub source: String,
    /// `commune` or `vendor`.
    pub declared_by: DeclaredBy,
}

/// What the pipeline gets back.
#[derive(Debug, Clone, Default)]
pub struct Completeness {
    /// One entry per checked line.
    pub entries: Vec<Entry>,
    /// `completeness.*` findings.
    pub findings: Vec<Finding>,
    /// Whether anything could be checked.
    pub checked: bool,
}

/// The aggregates a counts file needs from the records stage.
pub fn needs(counts: Option<&CountsFile>) -> Needs {
    let mut n = Needs::default();
    let Some(c) = counts else { return n };
    for l in &c.lines {
        if !l.by.is_empty() {
            n.groupings.push((l.dataset.clone(), l.by.iter().map(|k| GroupKey::parse(k)).collect()));
        }
        if let LineKind::Total { field, .. } = &l.kind {
            n.sums.push((l.dataset.clone(), field.clone()));
        }
        if l.fingerprint.is_some() {
            n.fingerprints = true;
        }
    }
    n
}

/// Checks the records found against the counts file and the manifest's declarations.
pub fn check(
    counts: Option<&CountsFile>,
    datasets: &[DatasetReport],
    manifest: Option<&Manifest>,
    payload_files: u64,
    present_declared: u64,
) -> Completeness {
    let mut out = Completeness::default();
    if let Some(m) = manifest {
        vendor(m, datasets, payload_files, present_declared, &mut out);
    }
    if let Some(c) = counts {
        commune(c, datasets, &mut out);
    }
    out
}

fn find<'a>(datasets: &'a [DatasetReport], name: &str) -> Option<&'a DatasetReport> {
    datasets.iter().find(|d| d.name == name && d.status == "present")
}

/// Where an expected figure applies and who declared it.
struct Line<'a> {
    kind: &'static str,
    dataset: &'a str,
    by: &'a [String],
    group: &'a str,
    source: &'a str,
    declared_by: DeclaredBy,
}

fn count_entry(l: Line<'_>, expected: u64, found: u64, tolerance: Option<&counts::Tolerance>) -> Entry {
    let delta = i128::from(found) - i128::from(expected);
    let pass = match tolerance {
        Some(t) => t.allows(delta.unsigned_abs() as f64, expected as f64),
        None => delta == 0,
    };
    Entry {
        kind: l.kind,
        dataset: l.dataset.to_string(),
        by: l.by.to_vec(),
        group: l.group.to_string(),
        field: None,
        expected: expected.into(),
        found: found.into(),
        delta: Some(i64::try_from(delta).map(Into::into).unwrap_or_else(|_| delta.to_string().into())),
        percentage: (expected > 0).then(|| (delta as f64 * 10_000.0 / expected as f64).round() / 100.0),
        tolerance: tolerance.map(|t| t.text.clone()),
        status: if pass { "pass" } else { "fail" },
        source: l.source.to_string(),
        declared_by: l.declared_by,
    }
}

fn vendor(
    m: &Manifest,
    datasets: &[DatasetReport],
    payload_files: u64,
    present_declared: u64,
    out: &mut Completeness,
) {
    let source = m.files.first().cloned().unwrap_or_default();
    for (name, expected) in &m.record_counts {
        let found = find(datasets, name).map(|d| d.records).unwrap_or(0);
        let line = Line {
            kind: "count",
            dataset: name,
            by: &[],
            group: "*",
            source: &source,
            declared_by: DeclaredBy::Vendor,
        };
        out.entries.push(count_entry(line, *expected, found, None));
    }
    match m.kind {
        ManifestKind::Bagit => {
            if let Some((_, files)) = m.payload_oxum {
                let line = Line {
                    kind: "files",
                    dataset: "*",
                    by: &[],
                    group: "*",
                    source: "bag-info.txt Payload-Oxum",
                    declared_by: DeclaredBy::Vendor,
                };
                out.entries.push(count_entry(line, files, payload_files, None));
            }
        }
        ManifestKind::Seda => {
            let source = format!("{source} BinaryDataObject");
            let line = Line {
                kind: "files",
                dataset: "*",
                by: &[],
                group: "*",
                source: &source,
                declared_by: DeclaredBy::Vendor,
            };
            out.entries.push(count_entry(line, m.declared.len() as u64, present_declared, None));
        }
        _ => {}
    }
    // A vendor-declared figure the export does not meet is a shortfall too.
    let failed: Vec<(String, u64, u64, String)> = out
        .entries
        .iter()
        .filter(|e| e.declared_by == DeclaredBy::Vendor && e.status == "fail")
        .map(|e| {
            let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
            (e.dataset.clone(), n(&e.expected), n(&e.found), e.source.clone())
        })
        .collect();
    for (dataset, expected, found, source) in failed {
        push_fail(out, Code::CompletenessCountMismatch, &dataset, "*", expected, found, &source);
    }
    out.checked |= !out.entries.is_empty();
}

fn commune(c: &CountsFile, datasets: &[DatasetReport], out: &mut Completeness) {
    out.checked = true;
    let mut expected_groups: std::collections::BTreeMap<(String, Vec<String>), Vec<String>> =
        Default::default();
    for l in &c.lines {
        let d = find(datasets, &l.dataset);
        let group_label = if l.by.is_empty() { "*".to_string() } else { l.group.join(" / ") };
        if !l.by.is_empty() {
            expected_groups.entry((l.dataset.clone(), l.by.clone())).or_default().push(group_label.clone());
        }
        let group = d.and_then(|d| {
            if l.by.is_empty() {
                None
            } else {
                d.groups.iter().find(|g| g.by == l.by && g.group == group_label)
            }
        });
        let (found_count, found_fp, found_totals) = match (d, l.by.is_empty()) {
            (Some(d), true) => (d.records, d.fingerprint.clone(), None),
            (Some(_), false) => match group {
                Some(g) => (g.count, g.fingerprint.clone(), Some(&g.totals)),
                None => (0, None, None),
            },
            (None, _) => (0, None, None),
        };
        match &l.kind {
            LineKind::Count { expected } => {
                let line = Line {
                    kind: "count",
                    dataset: &l.dataset,
                    by: &l.by,
                    group: &group_label,
                    source: &l.source,
                    declared_by: DeclaredBy::Commune,
                };
                let e = count_entry(line, *expected, found_count, l.tolerance.as_ref());
                if e.status == "fail" {
                    push_fail(
                        out,
                        Code::CompletenessCountMismatch,
                        &l.dataset,
                        &group_label,
                        *expected,
                        found_count,
                        &l.source,
                    );
                }
                if let Some(fp) = &l.fingerprint {
                    let found = found_fp.unwrap_or_else(|| crate::records::aggregate::Lanes::default().hex());
                    let same = *fp == found;
                    if !same {
                        push_fail(
                            out,
                            Code::CompletenessFingerprintMismatch,
                            &l.dataset,
                            &group_label,
                            *expected,
                            found_count,
                            &l.source,
                        );
                    }
                    out.entries.push(Entry {
                        kind: "fingerprint",
                        expected: fp.clone().into(),
                        found: found.into(),
                        delta: None,
                        percentage: None,
                        tolerance: None,
                        status: if same { "pass" } else { "fail" },
                        ..e.clone()
                    });
                }
                out.entries.push(e);
            }
            LineKind::Total { field, expected } => {
                let found = found_totals
                    .and_then(|t| t.get(field))
                    .cloned()
                    .or_else(|| l.by.is_empty().then(|| total_of(d, field)).flatten())
                    .unwrap_or_else(|| "0.00".to_string());
                let (exp, fnd) = (
                    counts::parse_decimal(expected).unwrap_or(0),
                    counts::parse_decimal(&found).unwrap_or(0),
                );
                let delta = fnd.saturating_sub(exp);
                let pass = match &l.tolerance {
                    Some(t) => t.allows(delta.unsigned_abs() as f64 / 10_000.0, exp as f64 / 10_000.0),
                    None => delta == 0,
                };
                out.entries.push(Entry {
                    kind: "total",
                    dataset: l.dataset.clone(),
                    by: l.by.clone(),
                    group: group_label.clone(),
                    field: Some(field.clone()),
                    expected: expected.clone().into(),
                    found: found.clone().into(),
                    delta: Some(crate::records::aggregate::format_amount(delta).into()),
                    percentage: (exp != 0).then(|| (delta as f64 * 10_000.0 / exp as f64).round() / 100.0),
                    tolerance: l.tolerance.as_ref().map(|t| t.text.clone()),
                    status: if pass { "pass" } else { "fail" },
                    source: l.source.clone(),
                    declared_by: DeclaredBy::Commune,
                });
                if !pass {
                    out.findings.push(
                        Finding::new(Code::CompletenessTotalMismatch, Location::default())
                            .with("dataset", &l.dataset)
                            .with("field", field)
                            .with("group", &group_label)
                            .with("expected", expected)
                            .with("found", &found)
                            .with("source", &l.source),
                    );
                }
            }
        }
    }
    // Groups present but not expected, per grouping the file uses.
    for ((dataset, by), listed) in expected_groups {
        let Some(d) = find(datasets, &dataset) else { continue };
        let extra: Vec<&str> = d
            .groups
            .iter()
            .filter(|g| g.by == by && !listed.contains(&g.group))
            .map(|g| g.group.as_str())
            .collect();
        if !extra.is_empty() {
            out.findings.push(
                Finding::new(Code::CompletenessUnexpectedGroup, Location::default())
                    .with("dataset", &dataset)
                    .with("by", by.join(", "))
                    .with("count", extra.len())
                    .with("groups", extra.iter().take(20).copied().collect::<Vec<_>>().join(", ")),
            );
        }
    }
    for p in &c.periods {
        let years = find(datasets, &p.dataset).and_then(|d| d.period.as_ref());
        let missing: Vec<u16> = (p.from..=p.to)
            .filter(|y| !years.is_some_and(|per| per.years.contains_key(&y.to_string())))
            .collect();
        let found = years.map(|per| format!("{}-{}", per.first.unwrap_or(0), per.last.unwrap_or(0)));
        out.entries.push(Entry {
            kind: "period",
            dataset: p.dataset.clone(),
            by: Vec::new(),
            group: "*".into(),
            field: years.map(|per| per.field.clone()),
            expected: format!("{}-{}", p.from, p.to).into(),
            found: found.unwrap_or_default().into(),
            delta: None,
            percentage: None,
            tolerance: None,
            status: if missing.is_empty() { "pass" } else { "fail" },
            source: p.source.clone(),
            declared_by: DeclaredBy::Commune,
        });
        if !missing.is_empty() {
            out.findings.push(
                Finding::new(Code::CompletenessPeriodGap, Location::default())
                    .with("dataset", &p.dataset)
                    .with("years", years_text(&missing))
                    .with("count", missing.len()),
            );
        }
    }
}

fn total_of(d: Option<&DatasetReport>, field: &str) -> Option<String> {
    // Whole-dataset totals: the sum over the groups of the first grouping that has totals.
    let d = d?;
    let first_by = d.groups.iter().find(|g| g.totals.contains_key(field))?.by.clone();
    let sum: i128 = d
        .groups
        .iter()
        .filter(|g| g.by == first_by)
        .filter_map(|g| g.totals.get(field).and_then(|t| counts::parse_decimal(t)))
        .fold(0i128, i128::saturating_add);
    Some(crate::records::aggregate::format_amount(sum))
}

fn push_fail(
    out: &mut Completeness,
    code: Code,
    dataset: &str,
    group: &str,
    expected: u64,
    found: u64,
    source: &str,
) {
    out.findings.push(
        Finding::new(code, Location::default())
            .with("dataset", dataset)
            .with("group", group)
            .with("expected", expected)
            .with("found", found)
            .with("source", source),
    );
}

fn years_text(years: &[u16]) -> String {
    years.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
}
