//! Aggregates computed while records flow, for completeness and fingerprints: per dataset and
//! per group, the record count, control totals (sums of an amount field) and an
//! order-independent fingerprint of the canonicalised records; per dated dataset, the records
//! per year.
//!
//! ## Canonical form of a record (fingerprints, version 1)
//!
//! Another implementation can reproduce a fingerprint from these rules alone:
//!
//! 1. The record is first mapped to its dataset's fields (profile transforms applied: trimmed
//!    values, ISO 8601 dates, codes mapped). A field with an empty value is **absent**; absent
//!    fields are left out (empty and absent are the same).
//! 2. The present fields are taken **in ascending byte order of their names**.
//! 3. Each value is written as text: strings in Unicode **NFC**; integers in decimal without
//!    sign for positive values or leading zeros; other numbers as the shortest decimal that reads
//!    back as the same IEEE-754 double (`1151.00` → `1151`, `12.50` → `12.5`); a value of a
//!    numeric field that is not a number keeps its text.
//! 4. The canonical bytes are, for each field, `name` `0x1F` `value` `0x1E` (UTF-8).
//! 5. The record's digest is SHA-256 of those bytes.
//! 6. A set of records' fingerprint is the lane-wise sum, modulo 2⁶⁴, of the records' digests
//!    read as four little-endian unsigned 64-bit integers (bytes 0–7, 8–15, 16–23, 24–31),
//!    written as 64 hex digits: the four sums, each as 16 hex digits of its big-endian bytes.
//!    The empty set's fingerprint is 64 zeros. Order and file layout do not change it;
//!    a duplicated record does.
//!
//! The sum detects accidental and ordinary changes (a record missing, added or altered); it is
//! not a proof against records crafted to collide: compare records with `reversa diff` for that.

use serde_json::{Map, Value};
use sha2::Digest;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// A group key: a field, or the year of a date field (`year(date_paiement)`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    /// The field's value.
    Field(String),
    /// The first four characters of a (partial) ISO date.
    Year(String),
}

impl GroupKey {
    /// Parses `field` or `year(field)`.
    pub fn parse(s: &str) -> GroupKey {
        let t = s.trim();
        match t.strip_prefix("year(").and_then(|r| r.strip_suffix(')')) {
            Some(f) => GroupKey::Year(f.trim().to_string()),
            None => GroupKey::Field(t.to_string()),
        }
    }

    /// As written: `field` or `year(field)`.
    pub fn as_string(&self) -> String {
        match self {
            GroupKey::Field(f) => f.clone(),
            GroupKey::Year(f) => format!("year({f})"),
        }
    }

    /// The field it reads.
    pub fn field(&self) -> &str {
        match self {
            GroupKey::Field(f) | GroupKey::Year(f) => f,
        }
    }

    /// The record's value for this key (`None` when the field is absent).
    pub fn value(&self, m: &Map<String, Value>) -> Option<String> {
        let v = m.get(self.field())?;
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match self {
            GroupKey::Field(_) => Some(text),
            GroupKey::Year(_) => {
                text.get(..4).filter(|y| y.bytes().all(|b| b.is_ascii_digit())).map(str::to_string)
            }
        }
    }
}

/// A grouping: the keys whose values make a group, e.g. `annee` and `type_acte`.
pub type Grouping = Vec<GroupKey>;

/// What to aggregate for one dataset.
#[derive(Debug, Clone, Default)]
pub struct DatasetAgg {
    /// Groupings to count (and fingerprint).
    pub groupings: Vec<Grouping>,
    /// Amount fields to total, per group of each grouping.
    pub sums: Vec<String>,
    /// The date field whose years give the period coverage.
    pub period: Option<String>,
    /// Compute record digests and fingerprints.
    pub fingerprints: bool,
    /// Keep, per record, its key and digests for `reversa diff`: the key fields, then every
    /// field in schema order (empty when not diffing).
    pub diff: Option<DiffSpec>,
}

/// What `reversa diff` keeps per record.
#[derive(Debug, Clone, Default)]
pub struct DiffSpec {
    /// The key fields (the dataset's `x-reversa-key`; empty: the record's digest is its key).
    pub key: Vec<String>,
    /// Every field, in schema order.
    pub fields: Vec<String>,
}

/// One record as `reversa diff` keeps it: 24 bytes plus 2 per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiffRow {
    /// Hash of the key's values (or the record's digest when the dataset has no key).
    pub key: u64,
    /// The record's digest (first 8 bytes of its SHA-256, little-endian).
    pub digest: u64,
    /// Index of its field digests (`index × fields` in [`DiffRows::fields`]).
    pub index: u32,
    /// Its row in its file (saturated at 2³²−1).
    pub row: u32,
}

/// The records of one dataset as `reversa diff` keeps them.
#[derive(Debug, Clone, Default)]
pub struct DiffRows {
    /// One per record.
    pub rows: Vec<DiffRow>,
    /// 16-bit digests of each record's fields, `fields` per record, in schema order (0: absent).
    pub fields: Vec<u16>,
}

impl DiffRows {
    /// Appends another file's rows.
    pub fn append(&mut self, mut o: DiffRows, stride: usize) {
        let base = self.rows.len() as u32;
        for r in &mut o.rows {
            r.index += base;
        }
        debug_assert_eq!(o.fields.len(), o.rows.len() * stride);
        self.rows.append(&mut o.rows);
        self.fields.append(&mut o.fields);
    }
}

/// A fingerprint accumulator: four lanes of wrapping sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lanes(pub [u64; 4]);

impl Lanes {
    /// Adds one record digest.
    pub fn add_digest(&mut self, d: &[u8; 32]) {
        for (i, lane) in self.0.iter_mut().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&d[i * 8..i * 8 + 8]);
            *lane = lane.wrapping_add(u64::from_le_bytes(b));
        }
    }

    /// Adds another accumulator.
    pub fn add(&mut self, o: &Lanes) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a = a.wrapping_add(b);
        }
    }

    /// 64 hex digits.
    pub fn hex(&self) -> String {
        self.0.iter().map(|l| format!("{l:016x}")).collect()
    }
}

/// Figures of one group (or of a whole dataset).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupAgg {
    /// Records.
    pub count: u64,
    /// Fingerprint lanes.
    pub lanes: Lanes,
    /// Totals per sum field, in ten-thousandths.
    pub sums: Vec<i128>,
}

impl GroupAgg {
    /// Adds another's figures.
    pub fn merge(&mut self, o: &GroupAgg) {
        self.count += o.count;
        self.lanes.add(&o.lanes);
        if self.sums.len() < o.sums.len() {
            self.sums.resize(o.sums.len(), 0);
        }
        for (a, b) in self.sums.iter_mut().zip(&o.sums) {
            *a = a.saturating_add(*b);
        }
    }
}

/// Most groups kept per grouping in one file: group values come from the vendor's records,
/// and a hostile export could give every record its own group. Records of further groups are
/// counted together under [`OTHER_GROUPS`].
pub const MAX_GROUPS: usize = 10_000;
/// The label of the records past [`MAX_GROUPS`].
pub const OTHER_GROUPS: &str = "(autres groupes)";

/// One file's aggregates.
#[derive(Debug, Clone, Default)]
pub struct FileAgg {
    /// Groups kept per grouping (see [`MAX_GROUPS`]).
    pub group_counts: Vec<usize>,
    /// Rows kept for `reversa diff`.
    pub diff: DiffRows,
    /// The whole file.
    pub total: GroupAgg,
    /// Per (grouping index, group label).
    pub groups: BTreeMap<(usize, String), GroupAgg>,
    /// Records per year of the period field.
    pub years: BTreeMap<u16, u64>,
}

/// What one record contributes (computed in parallel, merged in order).
#[derive(Debug, Clone, Default)]
pub struct RecordAgg {
    diff: Option<(u64, u64, Vec<u16>)>,
    digest: Option<[u8; 32]>,
    labels: Vec<Option<String>>,
    sums: Vec<i128>,
    year: Option<u16>,
}

/// A group label: the values of its keys joined with ` / `.
pub fn label(grouping: &Grouping, m: &Map<String, Value>) -> Option<String> {
    let mut parts = Vec::with_capacity(grouping.len());
    for k in grouping {
        parts.push(k.value(m).unwrap_or_default());
    }
    Some(parts.join(" / "))
}

/// Computes a record's contribution.
pub fn record(agg: &DatasetAgg, value: &Value) -> RecordAgg {
    let Value::Object(m) = value else { return RecordAgg::default() };
    let (digest_full, field_texts) = match &agg.diff {
        Some(spec) => {
            let (d, fields) = digest_and_fields(m, &spec.fields);
            (Some(d), Some(fields))
        }
        None => (agg.fingerprints.then(|| digest(m)), None),
    };
    let diff = agg.diff.as_ref().zip(digest_full.as_ref()).zip(field_texts).map(|((spec, d), fields)| {
        let lo = u64::from_le_bytes(d[..8].try_into().unwrap_or_default());
        let key = if spec.key.is_empty() {
            lo
        } else {
            crate::records::process::key_hash(m, &spec.key).unwrap_or(lo)
        };
        (key, lo, fields)
    });
    RecordAgg {
        diff,
        digest: digest_full.filter(|_| agg.fingerprints),
        labels: agg.groupings.iter().map(|g| label(g, m)).collect(),
        sums: agg.sums.iter().map(|f| m.get(f).and_then(amount).unwrap_or(0)).collect(),
        year: agg
            .period
            .as_ref()
            .and_then(|f| m.get(f))
            .and_then(Value::as_str)
            .and_then(|s| s.get(..4))
            .and_then(|y| y.parse().ok()),
    }
}

impl FileAgg {
    /// Adds one record's contribution.
    pub fn add(&mut self, r: RecordAgg, row: u64) {
        if let Some((key, digest, fields)) = r.diff {
            let index = self.diff.rows.len() as u32;
            self.diff.rows.push(DiffRow { key, digest, index, row: row.min(u32::MAX as u64) as u32 });
            self.diff.fields.extend(fields);
        }
        let mut one = GroupAgg { count: 1, lanes: Lanes::default(), sums: r.sums };
        if let Some(d) = &r.digest {
            one.lanes.add_digest(d);
        }
        self.total.merge(&one);
        if self.group_counts.len() < r.labels.len() {
            self.group_counts.resize(r.labels.len(), 0);
        }
        for (g, l) in r.labels.into_iter().enumerate() {
            if let Some(l) = l {
                let key = (g, l);
                match self.groups.get_mut(&key) {
                    Some(a) => a.merge(&one),
                    None if self.group_counts[g] < MAX_GROUPS => {
                        self.group_counts[g] += 1;
                        self.groups.insert(key, one.clone());
                    }
                    None => self.groups.entry((g, OTHER_GROUPS.to_string())).or_default().merge(&one),
                }
            }
        }
        if let Some(y) = r.year {
            *self.years.entry(y).or_insert(0) += 1;
        }
    }

    /// Adds another file's aggregates.
    pub fn merge(&mut self, o: &FileAgg) {
        self.total.merge(&o.total);
        for (k, v) in &o.groups {
            self.groups.entry(k.clone()).or_default().merge(v);
        }
        for (y, n) in &o.years {
            *self.years.entry(*y).or_insert(0) += n;
        }
    }
}

/// An amount in ten-thousandths (numbers and numeric text; `None` otherwise).
pub fn amount(v: &Value) -> Option<i128> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    // `as` saturates: a hostile 1e308 gives i128::MAX, and sums saturate too.
    f.is_finite().then(|| (f * 10_000.0).round() as i128)
}

/// Formats ten-thousandths as a decimal with at least two decimals (`123456` → `12.3456`,
/// `120000` → `12.00`).
pub fn format_amount(v: i128) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let (int, frac) = (a / 10_000, a % 10_000);
    let mut f = format!("{frac:04}");
    while f.len() > 2 && f.ends_with('0') {
        f.pop();
    }
    format!("{}{int}.{f}", if neg { "-" } else { "" })
}

/// A value's canonical text (rule 3 of the module documentation); `None` when it is absent
/// (null or empty).
fn value_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) if s.is_ascii() || unicode_normalization::is_nfc(s) => s.clone(),
        Value::String(s) => s.nfc().collect::<String>(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            (_, _, Some(f)) => format!("{f}"),
            _ => n.to_string(),
        },
        Value::Null => return None,
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

/// The canonical bytes of a record (see the module documentation).
pub fn canonical(m: &Map<String, Value>) -> Vec<u8> {
    let mut names: Vec<&String> = m.keys().collect();
    names.sort_unstable();
    let mut out = Vec::with_capacity(256);
    for name in names {
        let Some(text) = value_text(&m[name]) else { continue };
        out.extend_from_slice(name.as_bytes());
        out.push(0x1F);
        out.extend_from_slice(text.as_bytes());
        out.push(0x1E);
    }
    out
}

/// A record's digest and the 16-bit digests of `fields` (in that order; 0 when absent, never 0
/// when present), each value's canonical text computed once.
fn digest_and_fields(m: &Map<String, Value>, fields: &[String]) -> ([u8; 32], Vec<u16>) {
    use std::hash::{Hash, Hasher};
    let mut texts: Vec<(&String, String)> =
        m.iter().filter_map(|(name, v)| Some((name, value_text(v)?))).collect();
    texts.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut h = sha2::Sha256::new();
    for (name, text) in &texts {
        h.update(name.as_bytes());
        h.update([0x1F]);
        h.update(text.as_bytes());
        h.update([0x1E]);
    }
    let digests = fields
        .iter()
        .map(|f| match texts.binary_search_by(|(n, _)| n.as_str().cmp(f)) {
            Ok(i) => {
                let mut fh = std::collections::hash_map::DefaultHasher::new();
                texts[i].1.hash(&mut fh);
                (fh.finish() as u16).max(1)
            }
            Err(_) => 0,
        })
        .collect();
    (h.finalize().into(), digests)
}

/// SHA-256 of a record's canonical bytes.
pub fn digest(m: &Map<String, Value>) -> [u8; 32] {
    sha2::Sha256::digest(canonical(m)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn canonical_form_ignores_order_and_normalises() {
        let a = obj(json!({"nom": "He\u{301}le\u{300}ne", "montant": 1151.0, "n": 3}));
        let b = obj(json!({"n": 3, "montant": 1151, "nom": "Hélène"}));
        assert_eq!(canonical(&a), canonical(&b));
        assert_eq!(canonical(&b), "montant\x1f1151\x1en\x1f3\x1enom\x1fHélène\x1e".as_bytes());
        let c = obj(json!({"n": 3, "montant": 1151, "nom": "Helene"}));
        assert_ne!(digest(&b), digest(&c));
        assert_eq!(canonical(&obj(json!({"a": 12.5}))), b"a\x1f12.5\x1e");
    }

    #[test]
    fn diff_digests_agree_with_the_canonical_form() {
        let m = obj(json!({"nom": "He\u{301}lène", "n": 3}));
        let (d, f) = digest_and_fields(&m, &["n".to_string(), "absent".to_string(), "nom".to_string()]);
        assert_eq!(d, digest(&m));
        assert_eq!(f[1], 0);
        assert!(f[0] != 0 && f[2] != 0);
        let (_, g) = digest_and_fields(
            &obj(json!({"nom": "Hélène", "n": 4})),
            &["n".to_string(), "absent".to_string(), "nom".to_string()],
        );
        assert_eq!(g[2], f[2], "NFC: the same name");
        assert_ne!(g[0], f[0]);
    }

    #[test]
    fn fingerprints_are_order_independent_sums() {
        let recs: Vec<[u8; 32]> = (0..5).map(|i| digest(&obj(json!({"id": format!("X-{i}")})))).collect();
        let mut a = Lanes::default();
        recs.iter().for_each(|d| a.add_digest(d));
        let mut b = Lanes::default();
        recs.iter().rev().for_each(|d| b.add_digest(d));
        assert_eq!(a, b);
        let mut c = Lanes::default();
        recs[..4].iter().for_each(|d| c.add_digest(d));
        assert_ne!(a, c);
        assert_eq!(Lanes::default().hex(), "0".repeat(64));
    }

    #[test]
    fn groups_are_capped_and_sums_saturate() {
        let agg = DatasetAgg {
            groupings: vec![vec![GroupKey::parse("id")]],
            sums: vec!["m".into()],
            ..Default::default()
        };
        let mut f = FileAgg::default();
        for i in 0..MAX_GROUPS + 5 {
            f.add(record(&agg, &json!({"id": format!("X{i}"), "m": "1e308"})), i as u64);
        }
        assert_eq!(f.groups.len(), MAX_GROUPS + 1);
        assert_eq!(f.groups[&(0, OTHER_GROUPS.to_string())].count, 5);
        assert_eq!(f.total.sums[0], i128::MAX, "saturated, no overflow");
    }

    #[test]
    fn group_keys_and_amounts() {
        let m = obj(json!({"date_paiement": "2024-03-01", "type": "x", "montant": "12.5"}));
        assert_eq!(GroupKey::parse("year(date_paiement)").value(&m).as_deref(), Some("2024"));
        assert_eq!(GroupKey::parse("type").value(&m).as_deref(), Some("x"));
        assert_eq!(
            label(&vec![GroupKey::parse("year(date_paiement)"), GroupKey::parse("type")], &m).as_deref(),
            Some("2024 / x")
        );
        assert_eq!(amount(&json!(383.66)), Some(3_836_600));
        assert_eq!(format_amount(3_836_600), "383.66");
        assert_eq!(format_amount(120_000), "12.00");
        assert_eq!(format_amount(-5), "-0.0005");
    }
}
