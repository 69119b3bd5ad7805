//! Processing one file's records: each raw record is mapped, validated against its dataset's
//! compiled schema and the per-record rules (date order, future dates, age), and its keys and
//! references are collected for the cross-record checks. Records are validated in batches,
//! in parallel across the cores; the aggregation keeps counts and the first locations only.

use super::formats::is_partial_date;
use super::map::{Applied, Mapper};
use super::read::{Columns, Position, RawRecord, RecordSink};
use super::schema::{Dataset, DateOrder};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// How many locations are kept per rule.
pub const SAMPLES: usize = 5;
/// Records validated together.
const BATCH: usize = 2048;

/// Dates the per-record rules compare with.
#[derive(Debug, Clone)]
pub struct Dates {
    /// The run's date (`SOURCE_DATE_EPOCH` or today), `AAAA-MM-JJ`.
    pub today: String,
    /// The electoral list's date, for the age rule.
    pub list_date: String,
}

/// Counts and first locations of one rule on one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleStats {
    /// Records breaking it.
    pub count: u64,
    /// The source column of the field, when it has one.
    pub column: Option<String>,
    /// The first locations.
    pub samples: Vec<Position>,
}

impl RuleStats {
    /// Adds one occurrence.
    pub fn add(&mut self, at: &Position) {
        self.count += 1;
        if self.samples.len() < SAMPLES {
            self.samples.push(at.clone());
        }
    }

    /// Adds another's counts (samples kept in order, up to the limit).
    pub fn merge(&mut self, other: RuleStats) {
        self.count += other.count;
        if self.column.is_none() {
            self.column = other.column;
        }
        for s in other.samples {
            if self.samples.len() < SAMPLES {
                self.samples.push(s);
            }
        }
    }
}

/// A key value's hash and where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyRow {
    /// Hash of the key's values.
    pub hash: u64,
    /// Row in the file.
    pub row: u64,
}

/// What the cross-record checks need from one file.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// The primary key of each record that has one.
    pub keys: Vec<KeyRow>,
    /// Per `x-reversa-unique` combination.
    pub uniques: Vec<Vec<KeyRow>>,
    /// Per reference.
    pub refs: Vec<Vec<KeyRow>>,
    /// Paths named by `x-reversa-file-path` fields, with their row.
    pub paths: Vec<(String, u64)>,
    /// Numbers per sequence group (group label → numbers).
    pub sequence: BTreeMap<String, Vec<u64>>,
}

/// One file's validation figures.
#[derive(Debug, Clone, Default)]
pub struct FileStats {
    /// Records read.
    pub records: u64,
    /// Records that break no rule.
    pub valid: u64,
    /// Records that break at least one.
    pub invalid: u64,
    /// Per (field, rule).
    pub errors: BTreeMap<(String, String), RuleStats>,
}

/// A record waiting for validation.
struct Pending {
    value: Value,
    position: Position,
    applied: Applied,
}

/// The sink a reader feeds: maps, batches, validates, collects.
pub struct FileSink<'a> {
    dataset: &'a Dataset,
    mapper: Mapper,
    dates: &'a Dates,
    batch: Vec<Pending>,
    /// Validation figures.
    pub stats: FileStats,
    /// Cross-record material.
    pub collected: Collected,
    /// The columns last seen (for the report: unused and missing columns).
    pub columns: Columns,
    /// Field index → source column name, filled as errors name them.
    column_names: BTreeMap<usize, Option<String>>,
}

impl<'a> FileSink<'a> {
    /// A sink for one file of `dataset`.
    pub fn new(dataset: &'a Dataset, mapper: Mapper, dates: &'a Dates) -> Self {
        FileSink {
            dataset,
            mapper,
            dates,
            batch: Vec::with_capacity(BATCH),
            stats: FileStats::default(),
            collected: Collected {
                uniques: vec![Vec::new(); dataset.unique.len()],
                refs: vec![Vec::new(); dataset.references.len()],
                ..Default::default()
            },
            columns: Columns::default(),
            column_names: BTreeMap::new(),
        }
    }

    /// Validates what is left; returns the mapper (for the columns report).
    pub fn finish(mut self) -> (FileStats, Collected, Columns, Mapper) {
        self.flush();
        (self.stats, self.collected, self.columns, self.mapper)
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        let dataset = self.dataset;
        let dates = self.dates;
        let outcomes: Vec<Vec<(String, String)>> =
            batch.par_iter().map(|p| violations(dataset, dates, &p.value, &p.applied)).collect();
        for (p, errors) in batch.iter().zip(outcomes) {
            self.stats.records += 1;
            if errors.is_empty() {
                self.stats.valid += 1;
            } else {
                self.stats.invalid += 1;
            }
            for (field, rule) in errors {
                let column = match dataset.field(&field) {
                    Some(fi) => self
                        .column_names
                        .entry(fi)
                        .or_insert_with(|| self.mapper.column_of(fi, &self.columns))
                        .clone(),
                    None => None,
                };
                let e = self.stats.errors.entry((field, rule)).or_default();
                if e.column.is_none() {
                    e.column = column;
                }
                e.add(&p.position);
            }
            collect(dataset, &p.value, p.position.row, &mut self.collected);
        }
        self.batch = batch;
        self.batch.clear();
    }
}

impl RecordSink for FileSink<'_> {
    fn record(&mut self, columns: &Columns, record: &RawRecord) -> bool {
        if columns.len() != self.columns.len() {
            self.columns = columns.clone();
        }
        let mut map = Map::new();
        let applied = self.mapper.apply(columns, record, &mut map);
        self.batch.push(Pending { value: Value::Object(map), position: record.position.clone(), applied });
        if self.batch.len() >= BATCH {
            self.flush();
        }
        true
    }
}

/// Every rule a record breaks, as (field, rule).
pub(crate) fn violations(
    d: &Dataset,
    dates: &Dates,
    value: &Value,
    applied: &Applied,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for &f in &applied.unmapped_codes {
        out.push((d.fields[f].name.clone(), "code-list".to_string()));
    }
    if !d.validator().is_valid(value) {
        for e in d.validator().iter_errors(value) {
            use jsonschema::error::ValidationErrorKind as K;
            let field = match e.kind() {
                K::Required { property } => property.as_str().unwrap_or_default().to_string(),
                _ => {
                    let p = e.instance_path().as_str();
                    p.trim_start_matches('/').split('/').next().unwrap_or_default().to_string()
                }
            };
            let rule = match e.kind() {
                K::Format { format } => format!("format:{format}"),
                k => k.keyword().to_string(),
            };
            out.push((field, rule));
        }
    }
    let Value::Object(m) = value else { return out };
    let s = |f: &str| m.get(f).and_then(Value::as_str);
    for rule in &d.date_order {
        if applies(rule, m)
            && let (Some(a), Some(b)) = (s(&rule.before), s(&rule.after))
            && date_cmp(a, b) == Some(Ordering::Greater)
        {
            out.push((rule.after.clone(), "date-order".to_string()));
        }
    }
    for f in &d.not_future {
        if let Some(v) = s(f)
            && date_cmp(v, &dates.today) == Some(Ordering::Greater)
        {
            out.push((f.clone(), "not-future".to_string()));
        }
    }
    if let Some(rule) = &d.min_age
        && let Some(birth) = s(&rule.birth)
        && under_age(birth, rule.years, &dates.list_date)
    {
        out.push((rule.birth.clone(), "min-age".to_string()));
    }
    out.sort();
    out.dedup();
    out
}

fn applies(rule: &DateOrder, m: &Map<String, Value>) -> bool {
    rule.when
        .iter()
        .all(|(f, values)| m.get(f).and_then(Value::as_str).is_some_and(|v| values.iter().any(|x| x == v)))
}

/// Compares two (partial) ISO dates on what both give: `None` when either is not a date.
pub fn date_cmp(a: &str, b: &str) -> Option<Ordering> {
    if !is_partial_date(a) || !is_partial_date(b) {
        return None;
    }
    let n = a.len().min(b.len());
    Some(a[..n].cmp(&b[..n]))
}

/// Whether someone born on `birth` (partial allowed) is certainly under `years` on `at`.
pub fn under_age(birth: &str, years: u32, at: &str) -> bool {
    if !is_partial_date(birth) || !is_partial_date(at) || at.len() < 10 {
        return false;
    }
    let (Ok(by), Ok(ay)) = (birth[..4].parse::<u32>(), at[..4].parse::<u32>()) else { return false };
    let of_age_year = by + years;
    match of_age_year.cmp(&ay) {
        Ordering::Greater => true,
        Ordering::Less => false,
        // Same year: certain only with a month (and day) to compare.
        Ordering::Equal => birth.len() > 4 && birth[4..] > at[4..birth.len()],
    }
}

/// A stable hash of some fields' values (within one run).
pub fn key_hash(m: &Map<String, Value>, fields: &[String]) -> Option<u64> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in fields {
        match m.get(f)? {
            Value::String(s) => s.hash(&mut h),
            Value::Number(n) => n.to_string().hash(&mut h),
            other => other.to_string().hash(&mut h),
        }
    }
    Some(h.finish())
}

fn collect(d: &Dataset, value: &Value, row: u64, c: &mut Collected) {
    let Value::Object(m) = value else { return };
    if !d.key.is_empty()
        && let Some(hash) = key_hash(m, &d.key)
    {
        c.keys.push(KeyRow { hash, row });
    }
    for (u, fields) in d.unique.iter().enumerate() {
        if let Some(hash) = key_hash(m, fields) {
            c.uniques[u].push(KeyRow { hash, row });
        }
    }
    for (r, reference) in d.references.iter().enumerate() {
        if let Some(hash) = key_hash(m, &reference.fields) {
            c.refs[r].push(KeyRow { hash, row });
        }
    }
    for f in &d.file_paths {
        if let Some(p) = m.get(f).and_then(Value::as_str) {
            c.paths.push((p.to_string(), row));
        }
    }
    if let Some(seq) = &d.sequence
        && let Some(n) = m.get(&seq.field).and_then(Value::as_u64)
    {
        let label: Vec<String> = seq
            .group
            .iter()
            .map(|g| match m.get(g) {
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            })
            .collect();
        c.sequence.entry(label.join("/")).or_default().push(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_compare_on_what_they_give() {
        assert_eq!(date_cmp("1953", "1953-04-02"), Some(Ordering::Equal));
        assert_eq!(date_cmp("2024-01-02", "2024-01-01"), Some(Ordering::Greater));
        assert_eq!(date_cmp("x", "2024"), None);
    }

    #[test]
    fn age_is_certain_or_not_counted() {
        assert!(under_age("2010-05-01", 18, "2026-03-01"));
        assert!(!under_age("2008-03-01", 18, "2026-03-01"));
        assert!(under_age("2008-03-02", 18, "2026-03-01"));
        assert!(!under_age("2008", 18, "2026-03-01"), "same year, month unknown: not certain");
        assert!(under_age("2009", 18, "2026-03-01"));
        assert!(under_age("2008-04", 18, "2026-03-01"));
    }
}
