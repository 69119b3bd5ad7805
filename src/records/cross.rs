//! The cross-record checks, run once every file is read: unique keys and combinations,
//! references between datasets, attachments that must exist in the export, and numbering
//! without gaps; then the per-dataset report and the `records.*` findings.
//!
//! Memory: each key, unique combination or reference costs 16 bytes while it is collected
//! (a 64-bit hash and its row) and the key sets are sorted vectors of 8-byte hashes: 10 M keys
//! with one reference each hold about 10 M × (16 + 16 + 8) bytes ≈ 400 MB at the peak.
//! Hash collisions (64-bit) could hide a duplicate or a dangling reference with a probability
//! around n²/2⁶⁵ — about 3 in a million for 10 M keys — never invent one.

use super::RecordsPlan;
use super::outcome::*;
use super::process::{KeyRow, RuleStats};
use crate::finding::{Code, Finding, Location};
use std::collections::BTreeMap;

/// Most groups with gaps reported one by one (findings and `gaps[]`) per dataset.
pub const MAX_GAP_GROUPS: usize = 100;

/// A collected key with its file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Keyed {
    hash: u64,
    file: u32,
    row: u64,
}

fn gather<'a>(files: impl Iterator<Item = (u32, &'a [KeyRow])>) -> Vec<Keyed> {
    let mut v = Vec::new();
    for (file, rows) in files {
        v.extend(rows.iter().map(|k| Keyed { hash: k.hash, file, row: k.row }));
    }
    v.sort_unstable();
    v
}

/// Duplicates in a sorted key list: (extra occurrences, their first locations).
fn duplicates(keys: &[Keyed]) -> (u64, Vec<(u32, u64)>) {
    let mut count = 0;
    let mut samples = Vec::new();
    for w in keys.windows(2) {
        if w[0].hash == w[1].hash {
            count += 1;
            if samples.len() < super::process::SAMPLES {
                samples.push((w[1].file, w[1].row));
            }
        }
    }
    (count, samples)
}

fn loc(paths: &[&str], (file, row): (u32, u64)) -> RecordLocation {
    RecordLocation { path: paths[file as usize].to_string(), sheet: None, row, record: 0, value: None }
}

fn ranges(sorted: &[u64]) -> (u64, Vec<String>) {
    let mut missing = 0;
    let mut out = Vec::new();
    let mut expect = 1u64;
    for &n in sorted {
        if n > expect {
            missing += n - expect;
            if out.len() < 20 {
                out.push(if n - 1 == expect { expect.to_string() } else { format!("{expect}-{}", n - 1) });
            }
        }
        expect = expect.max(n + 1);
    }
    (missing, out)
}

/// Runs the cross-record checks and builds the report of every dataset.
pub fn finish(plan: &RecordsPlan, files: Vec<FileOutcome>, inv: &Inventory<'_>) -> RecordsResult {
    let reg = &plan.registry;
    let mut findings = Vec::new();
    let mut used_profiles = std::collections::BTreeSet::new();
    let mut expected = std::collections::BTreeSet::new();
    let mut diff = Vec::new();
    let mut by_dataset: Vec<Vec<FileOutcome>> = (0..reg.datasets.len()).map(|_| Vec::new()).collect();
    for f in files {
        match f.matched {
            Some(m) => {
                used_profiles.insert(m.profile);
                by_dataset[m.dataset].push(f);
            }
            None => {
                let mut finding = Finding::new(Code::RecordsUnmappedFile, Location::entry(&f.path));
                if let Some(e) = &f.error {
                    finding = read_error(&f.path, e);
                } else {
                    finding = finding.with("reason", "columns");
                }
                findings.push(finding);
            }
        }
    }
    for (path, format) in &inv.unmapped {
        findings.push(Finding::new(Code::RecordsUnmappedFile, Location::entry(path)).with("reason", format));
    }
    // Datasets the profiles that took files expect (a given profile: all its mappings).
    for (p, prof) in plan.profiles.iter().enumerate() {
        if !plan.detected || used_profiles.contains(&p) {
            for m in &prof.mappings {
                expected.insert(m.dataset);
            }
        }
    }
    // Key sets, for references: sorted unique hashes per dataset.
    let key_sets: Vec<Vec<u64>> = by_dataset
        .iter()
        .map(|fs| {
            let mut v: Vec<u64> = fs.iter().flat_map(|f| f.collected.keys.iter().map(|k| k.hash)).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();

    let mut reports = Vec::new();
    for (di, dataset) in reg.datasets.iter().enumerate() {
        if let Some(spec) = &plan.aggregates[di].diff
            && !by_dataset[di].is_empty()
        {
            let mut rows = super::aggregate::DiffRows::default();
            let n: usize = by_dataset[di].iter().map(|f| f.aggregates.diff.rows.len()).sum();
            rows.rows.reserve_exact(n);
            rows.fields.reserve_exact(n * spec.fields.len());
            for f in &mut by_dataset[di] {
                rows.append(std::mem::take(&mut f.aggregates.diff), spec.fields.len());
            }
            diff.push(DiffMaterial { dataset: dataset.name.clone(), spec: spec.clone(), rows });
        }
        let fs = &by_dataset[di];
        if fs.is_empty() && !expected.contains(&di) {
            continue;
        }
        let paths: Vec<&str> = fs.iter().map(|f| f.path.as_str()).collect();
        let mut report = DatasetReport {
            name: dataset.name.clone(),
            title: dataset.title.clone(),
            domain: dataset.domain.clone(),
            schema: SchemaRef {
                id: dataset.id.clone(),
                version: dataset.version.clone(),
                sha256: dataset.sha256.clone(),
            },
            status: if fs.is_empty() { "missing" } else { "present" },
            records: 0,
            valid: 0,
            invalid: 0,
            key_set_bytes: 0,
            files: Vec::new(),
            errors: Vec::new(),
            cross: Vec::new(),
            fingerprint: None,
            groups: Vec::new(),
            period: None,
        };
        if fs.is_empty() {
            findings.push(
                Finding::new(Code::RecordsDatasetMissing, Location::default()).with("dataset", &dataset.name),
            );
            reports.push(report);
            continue;
        }
        // Per-record rules, merged over files.
        let mut errors: BTreeMap<(String, String), (RuleStats, Vec<RecordLocation>)> = BTreeMap::new();
        for f in fs {
            let m = f.matched.expect("grouped by match");
            report.records += f.stats.records;
            report.valid += f.stats.valid;
            report.invalid += f.stats.invalid;
            report.key_set_bytes += f.collected.heap_bytes();
            let facts = f.facts.clone().unwrap_or_default();
            report.files.push(DatasetFile {
                path: f.path.clone(),
                profile: plan.profiles[m.profile].profile.name.clone(),
                reader: m.reader.as_str(),
                encoding: facts.encoding,
                delimiter: facts.delimiter.clone(),
                sheets: facts.sheets.clone(),
                records: f.stats.records,
                valid: f.stats.valid,
                invalid: f.stats.invalid,
                ragged_rows: facts.ragged_rows,
                columns: f.columns.clone(),
                unused_columns: f.unused_columns.clone(),
                missing_columns: f.missing_columns.clone(),
                error: f.error.as_ref().map(|e| e.to_string()),
            });
            if let Some(e) = &f.error {
                findings.push(read_error(&f.path, e).with("records", e.record));
            }
            if facts.ragged_rows > 0 {
                findings.push(
                    Finding::new(Code::RecordsRaggedRows, Location::entry(&f.path))
                        .with("count", facts.ragged_rows),
                );
            }
            if !f.missing_columns.is_empty() {
                findings.push(
                    Finding::new(Code::RecordsMissingColumns, Location::entry(&f.path))
                        .with("columns", f.missing_columns.join(", ")),
                );
            }
            if !f.unused_columns.is_empty() {
                findings.push(
                    Finding::new(Code::RecordsUnusedColumns, Location::entry(&f.path))
                        .with("columns", f.unused_columns.join(", ")),
                );
            }
            for ((field, rule), st) in &f.stats.errors {
                let e = errors.entry((field.clone(), rule.clone())).or_default();
                let locs: Vec<RecordLocation> = st
                    .samples
                    .iter()
                    .enumerate()
                    .map(|(i, p)| RecordLocation {
                        value: st.values.get(i).cloned(),
                        ..RecordLocation::at(&f.path, p)
                    })
                    .collect();
                for l in locs {
                    if e.1.len() < super::process::SAMPLES {
                        e.1.push(l);
                    }
                }
                e.0.merge(RuleStats {
                    count: st.count,
                    column: st.column.clone(),
                    samples: Vec::new(),
                    values: Vec::new(),
                });
            }
        }
        for ((field, rule), (st, locations)) in errors {
            let code = match rule.as_str() {
                "date-order" => Code::RecordsDateOrder,
                "not-future" => Code::RecordsFutureDate,
                "min-age" => Code::RecordsUnderAge,
                "code-list" => Code::RecordsCodeList,
                _ => Code::RecordsSchemaViolation,
            };
            let first = locations.first();
            let mut location = Location::default();
            if let Some(l) = first {
                location = Location::entry(&l.path).with_line(l.row);
                location.sheet = l.sheet.clone();
            }
            location.column = st.column.clone();
            findings.push(
                Finding::new(code, location)
                    .with("dataset", &dataset.name)
                    .with("field", &field)
                    .with("rule", &rule)
                    .with("count", st.count),
            );
            report.errors.push(RuleReport { field, rule, column: st.column, count: st.count, locations });
        }
        let idx = |i: usize| (i as u32, fs[i].collected.keys.as_slice());
        // Primary key.
        if !dataset.key.is_empty() {
            let keys = gather((0..fs.len()).map(idx));
            let (count, samples) = duplicates(&keys);
            report.cross.push(cross_entry(
                "unique-key",
                &dataset.key,
                None,
                keys.len() as u64,
                count,
                &samples,
                &paths,
            ));
            if count > 0 {
                findings.push(cross_finding(
                    Code::RecordsDuplicateKey,
                    dataset,
                    &dataset.key,
                    count,
                    &samples,
                    &paths,
                ));
            }
        }
        for (u, fields) in dataset.unique.iter().enumerate() {
            let keys =
                gather(fs.iter().enumerate().map(|(i, f)| (i as u32, f.collected.uniques[u].as_slice())));
            let (count, samples) = duplicates(&keys);
            report.cross.push(cross_entry(
                "unique",
                fields,
                None,
                keys.len() as u64,
                count,
                &samples,
                &paths,
            ));
            if count > 0 {
                findings.push(cross_finding(
                    Code::RecordsDuplicateKey,
                    dataset,
                    fields,
                    count,
                    &samples,
                    &paths,
                ));
            }
        }
        for (r, reference) in dataset.references.iter().enumerate() {
            let Some(target) = reg.position(&reference.dataset) else { continue };
            let refs = gather(fs.iter().enumerate().map(|(i, f)| (i as u32, f.collected.refs[r].as_slice())));
            if by_dataset[target].is_empty() {
                let mut e = cross_entry(
                    "reference",
                    &reference.fields,
                    Some(&reference.dataset),
                    refs.len() as u64,
                    0,
                    &[],
                    &paths,
                );
                e.status = "unverifiable";
                report.cross.push(e);
                if !refs.is_empty() {
                    findings.push(
                        Finding::new(Code::RecordsReferenceUnverifiable, Location::default())
                            .with("dataset", &dataset.name)
                            .with("field", reference.fields.join("+"))
                            .with("target", &reference.dataset),
                    );
                }
                continue;
            }
            let set = &key_sets[target];
            let mut count = 0;
            let mut samples = Vec::new();
            for k in &refs {
                if set.binary_search(&k.hash).is_err() {
                    count += 1;
                    if samples.len() < super::process::SAMPLES {
                        samples.push((k.file, k.row));
                    }
                }
            }
            samples.sort_unstable();
            report.cross.push(cross_entry(
                "reference",
                &reference.fields,
                Some(&reference.dataset),
                refs.len() as u64,
                count,
                &samples,
                &paths,
            ));
            if count > 0 {
                findings.push(
                    cross_finding(
                        Code::RecordsDanglingReference,
                        dataset,
                        &reference.fields,
                        count,
                        &samples,
                        &paths,
                    )
                    .with("target", &reference.dataset),
                );
            }
        }
        if !dataset.file_paths.is_empty() {
            let mut checked = 0;
            let mut count = 0;
            let mut samples = Vec::new();
            for (i, f) in fs.iter().enumerate() {
                let top = f.path.split_once('/').map(|(t, _)| t);
                for (p, row) in &f.collected.paths {
                    checked += 1;
                    if !attachment_exists(inv.paths, p, top) {
                        count += 1;
                        if samples.len() < super::process::SAMPLES {
                            samples.push((i as u32, *row));
                        }
                    }
                }
            }
            report.cross.push(cross_entry(
                "file-exists",
                &dataset.file_paths,
                None,
                checked,
                count,
                &samples,
                &paths,
            ));
            if count > 0 {
                findings.push(cross_finding(
                    Code::RecordsMissingAttachment,
                    dataset,
                    &dataset.file_paths,
                    count,
                    &samples,
                    &paths,
                ));
            }
        }
        if let Some(seq) = &dataset.sequence {
            let mut groups: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
            for f in fs {
                for (g, nums) in &f.collected.sequence {
                    groups.entry(g.as_str()).or_default().extend(nums);
                }
            }
            let mut gaps = Vec::new();
            let mut checked = 0;
            let mut total_missing = 0u64;
            let mut more_gaps = 0u64;
            let mut more_missing = 0u64;
            for (group, mut nums) in groups {
                checked += nums.len() as u64;
                nums.sort_unstable();
                nums.dedup();
                let (missing, ranges) = ranges(&nums);
                // Group labels come from the records: past MAX_GAP_GROUPS groups with gaps (a
                // hostile export could make one per record), only the total grows.
                if missing > 0 && gaps.len() >= MAX_GAP_GROUPS {
                    total_missing = total_missing.saturating_add(missing);
                    more_gaps += 1;
                    more_missing = more_missing.saturating_add(missing);
                } else if missing > 0 {
                    total_missing = total_missing.saturating_add(missing);
                    findings.push(
                        Finding::new(Code::RecordsSequenceGap, Location::default())
                            .with("dataset", &dataset.name)
                            .with("field", &seq.field)
                            .with("group", group)
                            .with("missing", missing)
                            .with("ranges", ranges.join(", ")),
                    );
                    gaps.push(GapReport {
                        group: group.to_string(),
                        last: *nums.last().unwrap_or(&0),
                        missing,
                        ranges,
                    });
                }
            }
            if more_gaps > 0 {
                findings.push(
                    Finding::new(Code::RecordsSequenceGap, Location::default())
                        .with("dataset", &dataset.name)
                        .with("field", &seq.field)
                        .with("group", format!("{more_gaps} autres groupes / other groups"))
                        .with("missing", more_missing)
                        .with("ranges", "…"),
                );
            }
            let mut e = cross_entry(
                "sequence",
                std::slice::from_ref(&seq.field),
                None,
                checked,
                total_missing,
                &[],
                &paths,
            );
            e.gaps = gaps;
            report.cross.push(e);
        }
        aggregate_report(&plan.aggregates[di], fs, &mut report);
        reports.push(report);
    }
    let profiles = plan
        .profiles
        .iter()
        .enumerate()
        .filter(|(i, _)| !plan.detected || used_profiles.contains(i))
        .map(|(_, p)| (p.profile.name.clone(), p.origin.clone(), p.sha256.clone()))
        .collect();
    let any_records = reports.iter().any(|r| r.status == "present");
    if !any_records {
        findings.push(Finding::new(Code::RecordsNone, Location::default()));
    }
    RecordsResult { datasets: reports, profiles, findings, any_records, diff }
}

/// Merges the files' aggregates into the dataset's report: fingerprint, groups, period.
fn aggregate_report(agg: &super::aggregate::DatasetAgg, fs: &[FileOutcome], report: &mut DatasetReport) {
    let mut all = super::aggregate::FileAgg::default();
    for f in fs {
        all.merge(&f.aggregates);
    }
    if agg.fingerprints {
        report.fingerprint = Some(all.total.lanes.hex());
    }
    for ((g, label), a) in &all.groups {
        report.groups.push(GroupReport {
            by: agg.groupings[*g].iter().map(|k| k.as_string()).collect(),
            group: label.clone(),
            count: a.count,
            fingerprint: agg.fingerprints.then(|| a.lanes.hex()),
            totals: agg
                .sums
                .iter()
                .zip(&a.sums)
                .map(|(f, v)| (f.clone(), super::aggregate::format_amount(*v)))
                .collect(),
        });
    }
    if let Some(field) = &agg.period {
        let first = all.years.keys().next().copied();
        let last = all.years.keys().next_back().copied();
        let gaps = match (first, last) {
            (Some(a), Some(b)) => (a..=b).filter(|y| !all.years.contains_key(y)).collect(),
            _ => Vec::new(),
        };
        report.period = Some(PeriodReport {
            field: field.clone(),
            years: all.years.iter().map(|(y, n)| (y.to_string(), *n)).collect(),
            first,
            last,
            gaps,
        });
    }
}

/// Whether a path named by a record is in the export: from the export's root, or from the
/// payload folder (`data/` of a BagIt bag, `Content/` of a SEDA package), or from the top-level
/// folder that holds the dataset's file.
fn attachment_exists(paths: &std::collections::HashSet<String>, p: &str, top: Option<&str>) -> bool {
    let p = p.trim_start_matches("./");
    paths.contains(p)
        || ["data", "Content"].into_iter().chain(top).any(|root| paths.contains(&format!("{root}/{p}")))
}

fn cross_entry(
    rule: &'static str,
    fields: &[String],
    target: Option<&str>,
    checked: u64,
    violations: u64,
    samples: &[(u32, u64)],
    paths: &[&str],
) -> CrossReport {
    CrossReport {
        rule,
        fields: fields.to_vec(),
        target: target.map(str::to_string),
        status: if violations > 0 { "fail" } else { "pass" },
        checked,
        violations,
        locations: samples.iter().map(|&s| loc(paths, s)).collect(),
        gaps: Vec::new(),
    }
}

fn cross_finding(
    code: Code,
    dataset: &super::schema::Dataset,
    fields: &[String],
    count: u64,
    samples: &[(u32, u64)],
    paths: &[&str],
) -> Finding {
    let location = samples
        .first()
        .map(|&(f, row)| Location::entry(paths[f as usize]).with_line(row))
        .unwrap_or_default();
    Finding::new(code, location)
        .with("dataset", &dataset.name)
        .with("field", fields.join("+"))
        .with("count", count)
}

/// The finding for a record file read only in part: a safety limit of reversa (attribution
/// `tool`: the rest is unverifiable) or a fault of the file itself.
fn read_error(path: &str, e: &super::read::ReadError) -> Finding {
    let code = match e.kind {
        "limit" | "unsupported" => Code::RecordsReadLimit,
        _ => Code::RecordsReadError,
    };
    Finding::new(code, Location::entry(path).with_line(e.row)).with("kind", e.kind).with("reason", &e.reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_found_from_the_root_or_the_payload_folder() {
        let paths: std::collections::HashSet<String> =
            ["data/pieces/a.pdf", "export/pieces/b.pdf"].into_iter().map(String::from).collect();
        assert!(attachment_exists(&paths, "data/pieces/a.pdf", None));
        assert!(attachment_exists(&paths, "pieces/a.pdf", None));
        assert!(attachment_exists(&paths, "./pieces/b.pdf", Some("export")));
        assert!(!attachment_exists(&paths, "pieces/b.pdf", None));
        assert!(!attachment_exists(&paths, "pieces/c.pdf", Some("export")));
    }

    #[test]
    fn missing_ranges() {
        assert_eq!(ranges(&[1, 2, 3]), (0, vec![]));
        assert_eq!(ranges(&[2, 3, 7]), (4, vec!["1".to_string(), "4-6".to_string()]));
    }

    #[test]
    fn duplicates_are_counted_once_per_extra() {
        let k = |hash, row| Keyed { hash, file: 0, row };
        let keys = vec![k(1, 1), k(2, 2), k(2, 5), k(2, 9), k(3, 3)];
        let (n, s) = duplicates(&keys);
        assert_eq!(n, 2);
        assert_eq!(s, vec![(0, 5), (0, 9)]);
    }
}
