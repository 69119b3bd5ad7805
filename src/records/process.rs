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
    /// With `--reveal-values`, the offending values at those locations (else empty).
    pub values: Vec<String>,
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

impl Collected {
    /// Heap bytes this file's key sets hold (allocated capacity, what the process pays).
    pub fn heap_bytes(&self) -> u64 {
        let rows = |v: &Vec<KeyRow>| v.capacity() * std::mem::size_of::<KeyRow>();
        let mut n = rows(&self.keys);
        n += self.uniques.iter().map(rows).sum::<usize>() + self.refs.iter().map(rows).sum::<usize>();
        n += self.paths.capacity() * std::mem::size_of::<(String, u64)>();
        n += self.paths.iter().map(|(p, _)| p.capacity()).sum::<usize>();
        // A B-tree entry: the label, its vector and about a node's share per entry.
        n += self.sequence.iter().map(|(g, v)| g.capacity() + v.capacity() * 8 + 64).sum::<usize>();
        n as u64
    }
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

/// What checking one record gave: the rules it breaks and its keys.
struct Checked {
    errors: Vec<(String, String)>,
    /// With `--reveal-values`: each error's field value as text.
    values: Vec<Option<String>>,
    keys: RecordKeys,
    agg: super::aggregate::RecordAgg,
}

/// One record's key material, gathered in parallel, merged in order.
#[derive(Default)]
struct RecordKeys {
    key: Option<u64>,
    uniques: Vec<Option<u64>>,
    refs: Vec<Option<u64>>,
    paths: Vec<String>,
    sequence: Option<(String, u64)>,
}

/// The sink a reader feeds: maps, batches, validates, collects.
pub struct FileSink<'a> {
    dataset: &'a Dataset,
    agg: &'a super::aggregate::DatasetAgg,
    /// Counts, totals, fingerprints and years.
    pub aggregates: super::aggregate::FileAgg,
    mapper: Mapper,
    dates: &'a Dates,
    batch: Vec<RawRecord>,
    /// Records of `batch` in use (the others keep their allocations for the next batch).
    batch_len: usize,
    /// Validation figures.
    pub stats: FileStats,
    /// Cross-record material.
    pub collected: Collected,
    /// The columns last seen (for the report: unused and missing columns).
    pub columns: Columns,
    /// Field index → source column name, filled as errors name them.
    column_names: BTreeMap<usize, Option<String>>,
    /// The sheet the batched records come from (spreadsheets).
    sheet: Option<String>,
    /// Keep offending values (`--reveal-values`).
    pub reveal: bool,
}

impl<'a> FileSink<'a> {
    /// A sink for one file of `dataset`.
    pub fn new(
        dataset: &'a Dataset,
        agg: &'a super::aggregate::DatasetAgg,
        mapper: Mapper,
        dates: &'a Dates,
    ) -> Self {
        FileSink {
            dataset,
            agg,
            aggregates: Default::default(),
            mapper,
            dates,
            batch: Vec::with_capacity(BATCH),
            batch_len: 0,
            stats: FileStats::default(),
            collected: Collected {
                uniques: vec![Vec::new(); dataset.unique.len()],
                refs: vec![Vec::new(); dataset.references.len()],
                ..Default::default()
            },
            columns: Columns::default(),
            column_names: BTreeMap::new(),
            sheet: None,
            reveal: false,
        }
    }

    /// Validates what is left; returns the mapper (for the columns report).
    pub fn finish(mut self) -> (FileStats, Collected, Columns, Mapper, super::aggregate::FileAgg) {
        self.flush();
        self.aggregates.diff.rows.shrink_to_fit();
        self.aggregates.diff.fields.shrink_to_fit();
        (self.stats, self.collected, self.columns, self.mapper, self.aggregates)
    }

    fn flush(&mut self) {
        if self.batch_len == 0 {
            return;
        }
        // Mapping, validation and key hashing run in parallel over the batch; only the
        // aggregation below is sequential.
        self.mapper.resolve(&self.columns);
        let batch = std::mem::take(&mut self.batch);
        let (dataset, dates, mapper, agg, reveal) =
            (self.dataset, self.dates, &self.mapper, self.agg, self.reveal);
        let used = self.batch_len;
        let checked: Vec<Checked> = batch[..used]
            .par_iter()
            // Each worker maps record after record into one reused object.
            .map_init(super::map::Scratch::default, |scratch, raw| {
                let applied = mapper.map_into(raw, scratch);
                let value = &scratch.value;
                // A diff compares records: it needs neither the rules nor the cross-record keys.
                let diffing = agg.diff.is_some();
                let errors = if diffing { Vec::new() } else { violations(dataset, dates, value, &applied) };
                let values = if reveal {
                    errors
                        .iter()
                        .map(|(f, _)| match value.get(f) {
                            Some(Value::String(s)) => Some(s.clone()),
                            Some(v) => Some(v.to_string()),
                            None => None,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                Checked {
                    errors,
                    values,
                    keys: if diffing { RecordKeys::default() } else { keys(dataset, value) },
                    agg: super::aggregate::record(agg, value),
                }
            })
            .collect();
        for (raw, c) in batch[..used].iter().zip(checked) {
            self.stats.records += 1;
            if c.errors.is_empty() {
                self.stats.valid += 1;
            } else {
                self.stats.invalid += 1;
            }
            for (i, (field, rule)) in c.errors.into_iter().enumerate() {
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
                if self.reveal && e.values.len() < SAMPLES {
                    e.values.push(c.values.get(i).cloned().flatten().unwrap_or_default());
                }
                e.add(&raw.position);
            }
            merge(c.keys, raw.position.row, &mut self.collected);
            self.aggregates.add(c.agg, raw.position.row);
        }
        self.batch = batch;
        self.batch_len = 0;
    }
}

impl RecordSink for FileSink<'_> {
    fn record(&mut self, columns: &Columns, record: &RawRecord) -> bool {
        if record.position.sheet != self.sheet {
            // A new sheet brings its own header: what is batched was read with the old one.
            self.flush();
            self.mapper.reset();
            self.column_names.clear();
            self.sheet = record.position.sheet.clone();
            self.columns = columns.clone();
        } else if columns.len() != self.columns.len() {
            // Self-describing formats (JSON, XML) only add columns: indexes stay valid.
            self.columns = columns.clone();
        }
        match self.batch.get_mut(self.batch_len) {
            Some(slot) => slot.copy_from(record),
            None => self.batch.push(record.clone()),
        }
        self.batch_len += 1;
        if self.batch_len >= BATCH {
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

/// A record's key material (hashes of its key, unique combinations and references, the paths
/// it names, its sequence number and group).
fn keys(d: &Dataset, value: &Value) -> RecordKeys {
    let Value::Object(m) = value else { return RecordKeys::default() };
    let mut k = RecordKeys {
        key: if d.key.is_empty() { None } else { key_hash(m, &d.key) },
        uniques: d.unique.iter().map(|fields| key_hash(m, fields)).collect(),
        refs: d.references.iter().map(|r| key_hash(m, &r.fields)).collect(),
        paths: d
            .file_paths
            .iter()
            .filter_map(|f| m.get(f).and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
        sequence: None,
    };
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
        k.sequence = Some((label.join("/"), n));
    }
    k
}

/// Adds a record's key material to its file's collection.
fn merge(k: RecordKeys, row: u64, c: &mut Collected) {
    if let Some(hash) = k.key {
        c.keys.push(KeyRow { hash, row });
    }
    for (u, hash) in k.uniques.into_iter().enumerate() {
        if let Some(hash) = hash {
            c.uniques[u].push(KeyRow { hash, row });
        }
    }
    for (r, hash) in k.refs.into_iter().enumerate() {
        if let Some(hash) = hash {
            c.refs[r].push(KeyRow { hash, row });
        }
    }
    c.paths.extend(k.paths.into_iter().map(|p| (p, row)));
    if let Some((group, n)) = k.sequence {
        match c.sequence.get_mut(&group) {
            Some(v) => v.push(n),
            None => {
                c.sequence.insert(group, vec![n]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sheets with their columns in another order: each record is mapped with its own
    /// sheet's header, even within one batch.
    #[test]
    fn a_new_sheet_brings_its_own_header() {
        use crate::records::profile::Profile;
        let reg = crate::records::schema::Registry::built_in().unwrap();
        let d = reg.get("bureaux").unwrap();
        let p = Profile::from_toml(
            "reversa_profile = \"1\"\nname = \"t\"\n[[mapping]]\ndataset = \"bureaux\"\nfiles = [\"*\"]\n",
            "t",
        )
        .unwrap();
        let mapper = crate::records::map::Mapper::compile(&p.mapping[0], d).unwrap();
        let dates = Dates { today: "2026-01-01".into(), list_date: "2026-01-01".into() };
        let agg = crate::records::aggregate::DatasetAgg::default();
        let mut sink = FileSink::new(d, &agg, mapper, &dates);
        let sheets = [
            ("A", ["code_bureau", "libelle"], ["0001", "Mairie"]),
            ("B", ["libelle", "code_bureau"], ["École", "0002"]),
        ];
        for (i, (sheet, header, values)) in sheets.iter().enumerate() {
            let cols = Columns::from_names(header.iter().map(|h| h.to_string()));
            let mut r = RawRecord {
                position: Position { sheet: Some(sheet.to_string()), row: 2, record: i as u64 + 1 },
                ..Default::default()
            };
            r.set(0, values[0]);
            r.set(1, values[1]);
            assert!(sink.record(&cols, &r));
        }
        let (stats, collected, _, _, _) = sink.finish();
        assert_eq!((stats.records, stats.invalid), (2, 0), "{:?}", stats.errors);
        let keys: Vec<u64> = collected.keys.iter().map(|k| k.hash).collect();
        let expect = |code: &str| {
            let m: Map<String, Value> =
                [("code_bureau".to_string(), Value::String(code.into()))].into_iter().collect();
            key_hash(&m, &["code_bureau".to_string()]).unwrap()
        };
        assert_eq!(keys, [expect("0001"), expect("0002")], "each sheet's code_bureau column");
        assert!(collected.heap_bytes() >= 2 * std::mem::size_of::<KeyRow>() as u64);
    }

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
