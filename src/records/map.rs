//! Mapping: a profile mapping compiled against a dataset schema, then applied to each raw
//! record to give the JSON object that is validated (typed values, transforms applied, empty
//! values absent).

use super::profile::{Case, FieldRule, Mapping, Rule};
use super::read::{Columns, RawRecord};
use super::schema::{Dataset, FieldType};
use serde_json::{Map, Number, Value};

/// Where a field's value comes from.
#[derive(Debug, Clone)]
enum Source {
    /// A column, by name (and header variants), resolved to an index once the file's columns
    /// are known.
    Column { names: Vec<String>, index: Option<usize> },
    /// Several columns joined.
    Join { names: Vec<String>, index: Vec<Option<usize>>, sep: String },
    /// A constant.
    Const(String),
}

/// A date pattern: `JJ`/`DD`, `MM`, `AAAA`/`YYYY` and literal characters.
#[derive(Debug, Clone)]
enum DatePart {
    Day,
    Month,
    Year,
    Lit(char),
}

/// One field's compiled rule.
#[derive(Debug, Clone)]
struct Compiled {
    field: usize,
    source: Source,
    trim: bool,
    split: Option<(String, usize)>,
    strip: Vec<char>,
    case: Option<Case>,
    map: Vec<(String, String)>,
    map_strict: bool,
    date: Option<(Vec<DatePart>, bool)>,
    empty: Vec<String>,
}

/// Why a mapping cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mapping {dataset}: {message}")]
pub struct MappingError {
    /// The dataset.
    pub dataset: String,
    /// What is wrong.
    pub message: String,
    /// The field whose rule is wrong, when one is.
    pub field: Option<String>,
    /// What was expected, as an [`crate::input::label`] id (`unknown`: the field is not the
    /// dataset's).
    pub expected: &'static str,
}

/// A mapping compiled against its dataset.
#[derive(Debug, Clone)]
pub struct Mapper {
    rules: Vec<Compiled>,
    /// No `fields`: columns map to fields of the same name.
    identity: bool,
    resolved_for: usize,
    identity_index: Vec<Option<usize>>,
    types: Vec<FieldType>,
    names: Vec<String>,
    /// Field indexes in the order of their names (a JSON object's member order).
    sorted: Vec<usize>,
}

/// A worker's reused record: the JSON object and which fields it holds, so that the next
/// record with the same fields is written member by member, with no name lookup.
#[derive(Debug)]
pub struct Scratch {
    /// The record as the validator sees it.
    pub value: Value,
    /// The fields `value` holds, when known.
    present: Option<FieldSet>,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch { value: Value::Object(Map::new()), present: Some(FieldSet::default()) }
    }
}

/// What applying a mapping to one record found beyond the values.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Fields whose value was not in a strict code list.
    pub unmapped_codes: Vec<usize>,
}

impl Mapper {
    /// Compiles `mapping` for `dataset`.
    pub fn compile(mapping: &Mapping, dataset: &Dataset) -> Result<Mapper, MappingError> {
        let err = |message: String| MappingError {
            dataset: dataset.name.clone(),
            message,
            field: None,
            expected: "other",
        };
        let bad = |fname: &str, expected: &'static str, message: String| MappingError {
            field: Some(fname.to_string()),
            expected,
            ..err(message)
        };
        if dataset.fields.len() > MAX_FIELDS {
            return Err(err(format!("{} fields: a dataset has at most {MAX_FIELDS}", dataset.fields.len())));
        }
        let mut rules = Vec::new();
        for (fname, rule) in &mapping.fields {
            let field = dataset
                .field(fname)
                .ok_or_else(|| bad(fname, "unknown", format!("unknown field {fname:?}")))?;
            let rule = match rule {
                FieldRule::Column(c) => Rule { column: Some(c.clone()), ..Default::default() },
                FieldRule::Rule(r) => (**r).clone(),
            };
            let source = match (&rule.column, rule.columns.is_empty(), &rule.value) {
                (Some(c), true, None) => {
                    let mut names = vec![c.clone()];
                    names.extend(rule.alternatives.iter().cloned());
                    Source::Column { names, index: None }
                }
                (None, false, None) => Source::Join {
                    index: vec![None; rule.columns.len()],
                    names: rule.columns.clone(),
                    sep: rule.join.clone().unwrap_or_default(),
                },
                (None, true, Some(v)) => Source::Const(v.clone()),
                _ => {
                    return Err(bad(
                        fname,
                        "one-source",
                        format!("field {fname:?}: give exactly one of column, columns, value"),
                    ));
                }
            };
            let date = match &rule.date {
                Some(p) => Some((
                    parse_date_pattern(p).ok_or_else(|| {
                        bad(fname, "date-pattern", format!("field {fname:?}: bad date pattern"))
                    })?,
                    rule.partial,
                )),
                None => None,
            };
            rules.push(Compiled {
                field,
                source,
                trim: rule.trim.unwrap_or(true),
                split: rule.split.clone().map(|s| (s, rule.part.unwrap_or(0))),
                strip: rule.strip.as_deref().unwrap_or_default().chars().collect(),
                case: rule.case,
                map: rule.map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                map_strict: rule.map_strict,
                date,
                empty: rule.empty.clone(),
            });
        }
        let mut sorted: Vec<usize> = (0..dataset.fields.len()).collect();
        sorted.sort_by(|&a, &b| dataset.fields[a].name.cmp(&dataset.fields[b].name));
        Ok(Mapper {
            sorted,
            identity: mapping.fields.is_empty(),
            rules,
            resolved_for: usize::MAX,
            identity_index: vec![None; dataset.fields.len()],
            types: dataset.fields.iter().map(|f| f.kind).collect(),
            names: dataset.fields.iter().map(|f| f.name.clone()).collect(),
        })
    }

    /// Forgets the columns resolved: the next records come with other columns (a new sheet).
    pub fn reset(&mut self) {
        self.resolved_for = usize::MAX;
        self.identity_index.iter_mut().for_each(|i| *i = None);
        for r in &mut self.rules {
            match &mut r.source {
                Source::Column { index, .. } => *index = None,
                Source::Join { index, .. } => index.iter_mut().for_each(|i| *i = None),
                Source::Const(_) => {}
            }
        }
    }

    /// Resolves column names to indexes (again when a self-describing file added columns);
    /// [`Mapper::map`] needs it done for the columns its records use.
    pub fn resolve(&mut self, columns: &Columns) {
        if self.resolved_for == columns.len() {
            return;
        }
        self.resolved_for = columns.len();
        if self.identity {
            for (i, name) in self.names.iter().enumerate() {
                if self.identity_index[i].is_none() {
                    self.identity_index[i] = find(columns, name);
                }
            }
        }
        for r in &mut self.rules {
            match &mut r.source {
                Source::Column { names, index } if index.is_none() => {
                    *index = names.iter().find_map(|n| find(columns, n));
                }
                Source::Join { names, index, .. } => {
                    for (n, i) in names.iter().zip(index.iter_mut()) {
                        if i.is_none() {
                            *i = find(columns, n);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The source column of a field, for locations: its name in the file.
    pub fn column_of(&self, field: usize, columns: &Columns) -> Option<String> {
        if self.identity {
            return self
                .identity_index
                .get(field)
                .copied()
                .flatten()
                .and_then(|i| columns.names().get(i).cloned());
        }
        let r = self.rules.iter().find(|r| r.field == field)?;
        match &r.source {
            Source::Column { index: Some(i), .. } => columns.names().get(*i).cloned(),
            Source::Column { names, .. } => names.first().cloned(),
            Source::Join { names, .. } => Some(names.join("+")),
            Source::Const(_) => None,
        }
    }

    /// Mapped columns the file does not have (known once the file is read).
    pub fn missing_columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rules {
            match &r.source {
                Source::Column { names, index: None } => out.push(names[0].clone()),
                Source::Join { names, index, .. } => {
                    out.extend(names.iter().zip(index).filter(|(_, i)| i.is_none()).map(|(n, _)| n.clone()))
                }
                _ => {}
            }
        }
        out
    }

    /// The file's columns that no field takes.
    pub fn unused_columns(&self, columns: &Columns) -> Vec<String> {
        let mut used = vec![false; columns.len()];
        let mut mark = |i: Option<usize>| {
            if let Some(i) = i.filter(|&i| i < used.len()) {
                used[i] = true;
            }
        };
        self.identity_index.iter().for_each(|&i| mark(i));
        for r in &self.rules {
            match &r.source {
                Source::Column { index, .. } => mark(*index),
                Source::Join { index, .. } => index.iter().for_each(|&i| mark(i)),
                Source::Const(_) => {}
            }
        }
        columns.names().iter().zip(used).filter(|(_, u)| !u).map(|(n, _)| n.clone()).collect()
    }

    /// Fills `out` with the record's fields (cleared first), resolving columns first.
    pub fn apply(&mut self, columns: &Columns, record: &RawRecord, out: &mut Map<String, Value>) -> Applied {
        self.resolve(columns);
        self.map(record, out)
    }

    /// Fills the scratch object with exactly the record's fields, like [`Mapper::map`]. With an
    /// identity mapping and the same fields present as in the previous record, the members are
    /// overwritten in order, without looking any name up.
    pub fn map_into(&self, record: &RawRecord, scratch: &mut Scratch) -> Applied {
        let Value::Object(out) = &mut scratch.value else {
            *scratch = Scratch::default();
            return self.map_into(record, scratch);
        };
        if !self.identity {
            scratch.present = None;
            return self.map(record, out);
        }
        let value_of =
            |f: usize| self.identity_index[f].and_then(|i| record.get(i)).map(trim).filter(|v| !v.is_empty());
        let mut now = FieldSet::default();
        for f in 0..self.names.len() {
            if value_of(f).is_some() {
                now.insert(f);
            }
        }
        if scratch.present.as_ref() == Some(&now) {
            let fields = self.sorted.iter().copied().filter(|&f| now.contains(f));
            for ((_, slot), f) in out.iter_mut().zip(fields) {
                if let Some(v) = value_of(f) {
                    overwrite(slot, v, self.types[f]);
                }
            }
            return Applied::default();
        }
        let applied = self.map(record, out);
        scratch.present = Some(now);
        applied
    }

    /// Fills `out` with exactly the record's fields; columns must be resolved. The entries
    /// already in `out` are reused: a worker that maps record after record into the same map
    /// overwrites its strings in place instead of allocating keys, values and tree nodes anew.
    pub fn map(&self, record: &RawRecord, out: &mut Map<String, Value>) -> Applied {
        let mut applied = Applied::default();
        let mut set = FieldSet::default();
        if self.identity {
            for (f, idx) in self.identity_index.iter().enumerate() {
                if let Some(v) = idx.and_then(|i| record.get(i)) {
                    let v = trim(v);
                    if !v.is_empty() {
                        put(out, &self.names[f], v, self.types[f]);
                        set.insert(f);
                    }
                }
            }
        } else {
            let mut buf = String::new();
            for r in &self.rules {
                buf.clear();
                match &r.source {
                    Source::Column { index, .. } => match index.and_then(|i| record.get(i)) {
                        Some(v) => buf.push_str(v),
                        None => continue,
                    },
                    Source::Join { index, sep, .. } => {
                        let mut first = true;
                        for v in index.iter().filter_map(|i| i.and_then(|i| record.get(i))) {
                            let v = if r.trim { v.trim() } else { v };
                            if v.is_empty() {
                                continue;
                            }
                            if !first {
                                buf.push_str(sep);
                            }
                            buf.push_str(v);
                            first = false;
                        }
                    }
                    Source::Const(v) => buf.push_str(v),
                }
                match transform(r, &buf) {
                    Some(Ok(v)) => {
                        put(out, &self.names[r.field], &v, self.types[r.field]);
                        set.insert(r.field);
                    }
                    Some(Err(raw)) => {
                        applied.unmapped_codes.push(r.field);
                        out.insert(self.names[r.field].clone(), Value::String(raw));
                        set.insert(r.field);
                    }
                    None => {}
                }
            }
        }
        if out.len() != set.len() {
            for (f, name) in self.names.iter().enumerate() {
                if !set.contains(f) {
                    out.remove(name);
                }
            }
            // Names the mapper does not produce (a map filled elsewhere).
            if out.len() != set.len() {
                out.retain(|k, _| self.names.iter().position(|n| n == k).is_some_and(|f| set.contains(f)));
            }
        }
        applied
    }
}

/// Which of a dataset's fields a record has (schemas have at most [`MAX_FIELDS`] fields).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct FieldSet {
    bits: [u64; MAX_FIELDS / 64],
    len: usize,
}

/// The most fields a dataset schema may declare.
pub const MAX_FIELDS: usize = 512;

impl FieldSet {
    fn insert(&mut self, f: usize) {
        let (w, b) = (f / 64, 1u64 << (f % 64));
        if self.bits[w] & b == 0 {
            self.bits[w] |= b;
            self.len += 1;
        }
    }
    fn contains(&self, f: usize) -> bool {
        self.bits[f / 64] & (1u64 << (f % 64)) != 0
    }
    fn len(&self) -> usize {
        self.len
    }
}

/// Sets `name` to `v` typed as `kind`, overwriting an existing string in place.
fn put(out: &mut Map<String, Value>, name: &str, v: &str, kind: FieldType) {
    match out.get_mut(name) {
        Some(slot) => overwrite(slot, v, kind),
        None => {
            out.insert(name.to_owned(), typed(v, kind));
        }
    }
}

/// Sets `slot` to `v` typed as `kind`, reusing its string when it holds one.
fn overwrite(slot: &mut Value, v: &str, kind: FieldType) {
    match slot {
        Value::String(s) if kind == FieldType::String => {
            s.clear();
            s.push_str(v);
        }
        _ => *slot = typed(v, kind),
    }
}

/// `str::trim`, with a fast path for the common value that starts and ends with a visible
/// ASCII character (Unicode whitespace is only checked when an end is not one).
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if f > b' ' && f < 0x7f && l > b' ' && l < 0x7f => s,
        _ => s.trim(),
    }
}

/// Finds a column: exact name, else trimmed and case-insensitive.
fn find(columns: &Columns, name: &str) -> Option<usize> {
    columns.get(name).or_else(|| {
        let want = name.trim().to_lowercase();
        columns.names().iter().position(|c| c.trim().to_lowercase() == want)
    })
}

/// Applies a rule's transforms: `None` when the value is absent, `Err(raw)` when a strict code
/// list does not know it.
fn transform(r: &Compiled, value: &str) -> Option<Result<String, String>> {
    let mut v: &str = value;
    if r.trim {
        v = trim(v);
    }
    let split_owned;
    if let Some((sep, part)) = &r.split {
        split_owned = v.split(sep.as_str()).nth(*part).unwrap_or("").to_string();
        v = &split_owned;
        if r.trim {
            v = v.trim();
        }
    }
    if !r.strip.is_empty() {
        v = v.trim_matches(|c| r.strip.contains(&c));
        if r.trim {
            v = v.trim();
        }
    }
    if v.is_empty() || r.empty.iter().any(|e| e == v) {
        return None;
    }
    let mut s = match r.case {
        Some(Case::Upper) => v.to_uppercase(),
        Some(Case::Lower) => v.to_lowercase(),
        Some(Case::Title) => title_case(v),
        None => v.to_string(),
    };
    if !r.map.is_empty() {
        match r.map.iter().find(|(k, _)| *k == s) {
            Some((_, to)) => s = to.clone(),
            None if r.map_strict => return Some(Err(s)),
            None => {}
        }
    }
    if let Some((pattern, partial)) = &r.date {
        match parse_date(pattern, &s, *partial) {
            Some(d) if d.is_empty() => return None,
            Some(d) => s = d,
            None => {}
        }
    }
    Some(Ok(s))
}

fn title_case(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut start = true;
    for c in v.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// A text value turned into the field's JSON type (kept as text when it is not one: the schema
/// then reports a `type` error).
pub fn typed(v: &str, kind: FieldType) -> Value {
    match kind {
        FieldType::String => Value::String(v.to_string()),
        FieldType::Integer => match v.parse::<i64>() {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::String(v.to_string()),
        },
        FieldType::Number => match v.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(Number::from_f64)
        {
            Some(n) if !v.contains(['e', 'E', 'i', 'n', 'N']) => Value::Number(n),
            _ => Value::String(v.to_string()),
        },
    }
}

fn parse_date_pattern(p: &str) -> Option<Vec<DatePart>> {
    let mut out = Vec::new();
    let mut rest = p;
    while !rest.is_empty() {
        let (part, len) = if rest.starts_with("AAAA") || rest.starts_with("YYYY") {
            (DatePart::Year, 4)
        } else if rest.starts_with("JJ") || rest.starts_with("DD") {
            (DatePart::Day, 2)
        } else if rest.starts_with("MM") {
            (DatePart::Month, 2)
        } else {
            let c = rest.chars().next()?;
            (DatePart::Lit(c), c.len_utf8())
        };
        out.push(part);
        rest = &rest[len..];
    }
    let count = |f: fn(&DatePart) -> bool| out.iter().filter(|p| f(p)).count();
    (count(|p| matches!(p, DatePart::Year)) == 1
        && count(|p| matches!(p, DatePart::Month)) == 1
        && count(|p| matches!(p, DatePart::Day)) == 1)
        .then_some(out)
}

/// Reads a date by pattern into ISO 8601. `None`: does not match (kept as is, the schema flags
/// it). With `partial`, `00` day or month give `AAAA-MM` or `AAAA`, a lone 4-digit year gives
/// `AAAA`, and an all-zero date gives `Some("")` (absent).
fn parse_date(pattern: &[DatePart], v: &str, partial: bool) -> Option<String> {
    if partial && v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.to_string());
    }
    let b = v.as_bytes();
    let (mut y, mut m, mut d) = ("", "", "");
    let mut i = 0;
    for p in pattern {
        let take = |n: usize| -> Option<&str> {
            let s = v.get(i..i + n)?;
            s.bytes().all(|c| c.is_ascii_digit()).then_some(s)
        };
        match p {
            DatePart::Year => {
                y = take(4)?;
                i += 4;
            }
            DatePart::Month => {
                m = take(2)?;
                i += 2;
            }
            DatePart::Day => {
                d = take(2)?;
                i += 2;
            }
            DatePart::Lit(c) => {
                let mut enc = [0u8; 4];
                let lit = c.encode_utf8(&mut enc).as_bytes();
                if b.get(i..i + lit.len())? != lit {
                    return None;
                }
                i += lit.len();
            }
        }
    }
    if i != b.len() {
        return None;
    }
    if partial {
        return Some(match (y, m, d) {
            ("0000", _, _) => String::new(),
            (y, "00", _) => y.to_string(),
            (y, m, "00") => format!("{y}-{m}"),
            (y, m, d) => format!("{y}-{m}-{d}"),
        });
    }
    Some(format!("{y}-{m}-{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::profile::Profile;
    use crate::records::schema::Registry;

    fn mapper(toml_fields: &str, dataset: &str) -> (Mapper, Columns) {
        let text = format!(
            "reversa_profile = \"1\"\nname = \"t\"\n[[mapping]]\ndataset = \"{dataset}\"\nfiles = [\"*.csv\"]\n[mapping.fields]\n{toml_fields}"
        );
        let p = Profile::from_toml(&text, "test").unwrap();
        let reg = Registry::built_in().unwrap();
        (Mapper::compile(&p.mapping[0], reg.get(dataset).unwrap()).unwrap(), Columns::default())
    }

    fn rec(columns: &mut Columns, pairs: &[(&str, &str)]) -> RawRecord {
        let mut r = RawRecord::default();
        for (k, v) in pairs {
            let i = columns.intern(k);
            r.set(i, v);
        }
        r
    }

    #[test]
    fn transforms_dates_codes_and_splits() {
        let (mut m, mut cols) = mapper(
            r#"nom = { column = "np", split = "*", part = 0 }
prenoms = { column = "np", split = "*", part = 1, strip = "/" }
sexe = { column = "s", map = { "1" = "M", "2" = "F" }, map_strict = true }
date_naissance = { column = "dn", date = "AAAAMMJJ", partial = true }
date_deces = { column = "dd", date = "JJ/MM/AAAA", empty = ["NC"] }
code_lieu_deces = { columns = ["dep", "com"] }
"#,
            "deces_insee",
        );
        let r = rec(
            &mut cols,
            &[
                ("np", "DUPONT*JEAN PAUL/  "),
                ("s", "2"),
                ("dn", "19450000"),
                ("dd", "03/02/2024"),
                ("dep", "38"),
                ("com", "185"),
            ],
        );
        let mut out = Map::new();
        let a = m.apply(&cols, &r, &mut out);
        assert!(a.unmapped_codes.is_empty());
        assert_eq!(out["nom"], "DUPONT");
        assert_eq!(out["prenoms"], "JEAN PAUL");
        assert_eq!(out["sexe"], "F");
        assert_eq!(out["date_naissance"], "1945");
        assert_eq!(out["date_deces"], "2024-02-03");
        assert_eq!(out["code_lieu_deces"], "38185");
        let r = rec(&mut cols, &[("np", "X*Y"), ("s", "9"), ("dn", "00000000"), ("dd", "NC")]);
        let a = m.apply(&cols, &r, &mut out);
        assert_eq!(a.unmapped_codes.len(), 1, "9 is not in the strict code list");
        assert!(!out.contains_key("date_naissance") && !out.contains_key("date_deces"));
        assert_eq!(m.column_of(m.rules[0].field, &cols).as_deref(), Some("dep+com"));
    }

    #[test]
    fn identity_mapping_types_values_and_finds_unused_columns() {
        let (mut m, mut cols) = mapper("", "actes");
        let r = rec(
            &mut cols,
            &[
                ("numero_acte", "12"),
                ("annee", "deux mille"),
                ("nom", " Durand "),
                ("extra", "x"),
                ("prenoms", ""),
            ],
        );
        let mut out = Map::new();
        m.apply(&cols, &r, &mut out);
        assert_eq!(out["numero_acte"], 12);
        assert_eq!(out["annee"], "deux mille", "kept as text: the schema reports the type");
        assert_eq!(out["nom"], "Durand");
        assert!(!out.contains_key("prenoms"), "empty is absent");
        assert_eq!(m.unused_columns(&cols), ["extra"]);
    }

    /// A worker maps record after record into one map: each result must equal mapping that
    /// record into a fresh map (fields absent now removed, types switched, foreign keys gone).
    #[test]
    fn a_reused_map_holds_exactly_the_last_record() {
        let records: [&[(&str, &str)]; 4] = [
            &[("numero_acte", "12"), ("annee", "2020"), ("nom", "Durand"), ("prenoms", "Léa")],
            &[("numero_acte", "douze"), ("nom", "Martin")],
            &[("numero_acte", ""), ("annee", "2021"), ("prenoms", "Jo"), ("type_acte", "deces")],
            &[],
        ];
        for (fields, dataset) in [("", "actes"), ("nom = \"nom\"\nannee = { column = \"annee\" }", "actes")] {
            let (mut m, mut cols) = mapper(fields, dataset);
            let mut reused = Map::new();
            reused.insert("not_a_field".into(), Value::Bool(true));
            let mut scratch = Scratch::default();
            // Each record twice in a row: the second time takes the member-by-member path.
            for pairs in records.iter().chain(records.iter().rev()).flat_map(|p| [p, p]) {
                let r = rec(&mut cols, pairs);
                let mut fresh = Map::new();
                m.apply(&cols, &r, &mut fresh);
                m.apply(&cols, &r, &mut reused);
                assert_eq!(reused, fresh, "{fields:?} {pairs:?}");
                m.map_into(&r, &mut scratch);
                assert_eq!(scratch.value, Value::Object(fresh), "map_into {fields:?} {pairs:?}");
            }
        }
    }

    #[test]
    fn trim_fast_path_agrees_with_str_trim() {
        for s in ["", " ", "a", " a ", "a b", "\u{a0}x\u{a0}", "x\t", "\u{2003}é", "é", "Zoé ", "~"] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn date_patterns_and_numbers() {
        let p = parse_date_pattern("JJ/MM/AAAA").unwrap();
        assert_eq!(parse_date(&p, "00/00/1953", true).as_deref(), Some("1953"));
        assert_eq!(parse_date(&p, "00/04/1961", true).as_deref(), Some("1961-04"));
        assert_eq!(parse_date(&p, "1961", true).as_deref(), Some("1961"));
        assert_eq!(parse_date(&p, "1961", false), None);
        assert_eq!(parse_date(&p, "1/2/1961", false), None);
        assert!(parse_date_pattern("JJ/MM").is_none());
        assert_eq!(typed("12.50", FieldType::Number), serde_json::json!(12.5));
        assert_eq!(typed("NaN", FieldType::Number), serde_json::json!("NaN"));
        assert_eq!(typed("12,50", FieldType::Number), serde_json::json!("12,50"));
    }
}
