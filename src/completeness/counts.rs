//! Counts files: TOML, CSV, or a fingerprint file used as it is.
//!
//! TOML (`reversa_counts = "1"`):
//!
//! ```toml
//! reversa_counts = "1"
//! title = "Comptages de la mairie de Grenoble, mars 2026"
//!
//! [[count]]
//! dataset = "actes"
//! by = ["annee", "type_acte"]        # optional: a group; omitted = the whole dataset
//! group = ["2023", "naissance"]
//! expected = 412
//! tolerance = 0                      # optional: records (an integer) or a percentage ("1%")
//! source = "registre des naissances 2023, dernier numéro"
//!
//! [[total]]
//! dataset = "paiements"
//! field = "montant"
//! by = ["year(date_paiement)"]
//! group = ["2024"]
//! expected = "123456.78"
//! source = "compte administratif 2024"
//!
//! [[period]]
//! dataset = "actes"
//! from = 2000
//! to = 2025
//! source = "registres conservés en mairie"
//! ```
//!
//! CSV (`;` or `,`, UTF-8, header required): `kind;dataset;by;group;field;expected;tolerance;source`
//! where `kind` is `count`, `total` or `period` (`expected` then `2000-2025`), and `by` and
//! `group` list their parts separated by `|`.

use crate::finding::Code;
use crate::input::{InputError, Pos, line_col, toml_position};
use crate::records::aggregate::GroupKey;
use crate::records::schema::{FieldType, Registry};
use serde::Deserialize;
use toml::Spanned;

/// Why a counts file cannot be used: an `input.*` refusal with the file, line and column.
pub type CountsError = InputError;

/// Where the parts of a line are written in the counts file (for refusals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    /// The line (CSV) or the `dataset` key (TOML).
    pub dataset: Option<Pos>,
    /// Each grouping key.
    pub by: Vec<Option<Pos>>,
    /// The group's values.
    pub group: Option<Pos>,
    /// The amount field (totals).
    pub field: Option<Pos>,
    /// The source.
    pub source: Option<Pos>,
    /// `from` (periods).
    pub from: Option<Pos>,
}

/// A tolerance: an absolute amount or a percentage of the expected figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Tolerance {
    /// As written.
    pub text: String,
    value: f64,
    percent: bool,
}

impl Tolerance {
    /// Parses `5`, `0.01` or `1%`.
    pub fn parse(text: &str) -> Option<Tolerance> {
        let t = text.trim();
        let (num, percent) = match t.strip_suffix('%') {
            Some(n) => (n.trim(), true),
            None => (t, false),
        };
        let value = num.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)?;
        Some(Tolerance { text: t.to_string(), value, percent })
    }

    /// Whether an absolute difference is within it.
    pub fn allows(&self, diff: f64, expected: f64) -> bool {
        let limit = if self.percent { expected.abs() * self.value / 100.0 } else { self.value };
        diff <= limit + 1e-9
    }
}

/// What a line expects.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    /// A record count.
    Count {
        /// Expected records.
        expected: u64,
    },
    /// The total of an amount field.
    Total {
        /// The amount field.
        field: String,
        /// Expected total, as a decimal.
        expected: String,
    },
}

/// One expected figure.
#[derive(Debug, Clone, PartialEq)]
pub struct CountLine {
    /// The dataset.
    pub dataset: String,
    /// Grouping keys (`field` or `year(field)`); empty for the whole dataset.
    pub by: Vec<String>,
    /// The group's values, one per key.
    pub group: Vec<String>,
    /// Count or total.
    pub kind: LineKind,
    /// Tolerance, when given.
    pub tolerance: Option<Tolerance>,
    /// Expected fingerprint (from a fingerprint file).
    pub fingerprint: Option<String>,
    /// Where the figure comes from.
    pub source: String,
    /// Where it is written in the counts file.
    pub at: Positions,
}

/// An expected period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodLine {
    /// The dataset.
    pub dataset: String,
    /// First year.
    pub from: u16,
    /// Last year.
    pub to: u16,
    /// Where it comes from.
    pub source: String,
    /// Where it is written in the counts file.
    pub at: Positions,
}

/// A counts file, whatever its form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountsFile {
    /// Its path, as given.
    pub origin: String,
    /// `toml`, `csv` or `fingerprint`.
    pub form: &'static str,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Counts and totals.
    pub lines: Vec<CountLine>,
    /// Periods.
    pub periods: Vec<PeriodLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    reversa_counts: String,
    #[serde(default)]
    #[allow(dead_code)]
    title: String,
    #[serde(default)]
    count: Vec<TomlLine>,
    #[serde(default)]
    total: Vec<TomlLine>,
    #[serde(default)]
    period: Vec<TomlPeriod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlLine {
    dataset: Spanned<String>,
    #[serde(default)]
    by: Vec<Spanned<String>>,
    #[serde(default)]
    group: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    field: Option<Spanned<String>>,
    expected: Spanned<toml::Value>,
    #[serde(default)]
    tolerance: Option<Spanned<toml::Value>>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlPeriod {
    dataset: Spanned<String>,
    from: Spanned<u16>,
    to: u16,
    source: Spanned<String>,
}

/// A decimal amount in ten-thousandths (`12.5`, `-3`, `1 234,56` are read).
pub fn parse_decimal(s: &str) -> Option<i128> {
    let t: String = s.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    let t = t.replace(',', ".");
    let f: f64 = t.parse().ok().filter(|f: &f64| f.is_finite())?;
    Some((f * 10_000.0).round() as i128)
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pos(text: &str, span: std::ops::Range<usize>) -> Option<Pos> {
    let (line, column) = line_col(text, span.start);
    Some(Pos { line, column: Some(column) })
}

fn row(line: u64) -> Option<Pos> {
    Some(Pos { line, column: None })
}

fn invalid(origin: &str, at: Option<Pos>, name: &str, expected: &str) -> InputError {
    InputError::new(Code::InputInvalidValue, origin).at_pos(at).with("name", name).with("expected", expected)
}

/// The columns of a CSV counts file.
const CSV_COLUMNS: &[&str] = &["kind", "dataset", "by", "group", "field", "expected", "tolerance", "source"];
/// The kinds of line of a CSV counts file.
const CSV_KINDS: &[&str] = &["count", "total", "period"];

impl CountsFile {
    /// Reads a counts file: TOML, CSV or a fingerprint JSON file, told by their content.
    pub fn load(path: &std::path::Path) -> Result<CountsFile, CountsError> {
        let origin = path.display().to_string();
        let bytes = crate::input::read_input_file(path)?;
        let mut file = Self::parse(&bytes, &origin)?;
        file.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        Ok(file)
    }

    /// Parses counts from bytes (the form and the values; [`CountsFile::validate`] checks the
    /// names against the datasets).
    pub fn parse(bytes: &[u8], origin: &str) -> Result<CountsFile, CountsError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let (line, column) =
                line_col(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
            InputError::new(Code::InputNotUtf8, origin).at(line, Some(column))
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let head = text.trim_start();
        let mut file = if head.starts_with('{') {
            Self::from_fingerprint(text, origin)?
        } else if head.starts_with("reversa_counts") || head.starts_with('#') || head.starts_with('[') {
            Self::from_toml(text, origin)?
        } else {
            Self::from_csv(text, origin)?
        };
        file.origin = origin.to_string();
        let sources = file
            .lines
            .iter()
            .map(|l| (&l.source, &l.at))
            .chain(file.periods.iter().map(|p| (&p.source, &p.at)));
        for (source, at) in sources {
            if source.trim().is_empty() {
                return Err(invalid(origin, at.source.or(at.dataset), "source", "a-source"));
            }
        }
        for l in &file.lines {
            if l.by.len() != l.group.len() {
                return Err(invalid(origin, l.at.group.or(l.at.dataset), "group", "as-many-parts"));
            }
        }
        for p in &file.periods {
            if p.from > p.to {
                return Err(invalid(origin, p.at.from.or(p.at.dataset), "from", "from-before-to"));
            }
        }
        Ok(file)
    }

    /// Checks the names the file uses against the datasets' schemas: every dataset, grouping
    /// field and amount field exists (a near name is suggested), groups by year are years,
    /// periods are asked of dated datasets, and no grouping shows personal values unless they
    /// are to be revealed. A wrong name would otherwise count 0 records and blame the export.
    pub fn validate(&self, registry: &Registry, reveal: bool) -> Result<(), CountsError> {
        let origin = self.origin.as_str();
        let names = || registry.datasets.iter().map(|d| d.name.as_str());
        let dataset = |name: &str, at: Option<Pos>| {
            registry.get(name).ok_or_else(|| {
                InputError::new(Code::InputUnknownName, origin)
                    .at_pos(at)
                    .with("what", "dataset")
                    .with("name", name)
                    .suggest(name, names())
            })
        };
        let unknown_field = |d: &crate::records::schema::Dataset, name: &str, at: Option<Pos>| {
            InputError::new(Code::InputUnknownName, origin)
                .at_pos(at)
                .with("what", "field")
                .with("name", name)
                .suggest(name, d.fields.iter().map(|f| f.name.as_str()))
        };
        for l in &self.lines {
            let d = dataset(&l.dataset, l.at.dataset)?;
            for (i, key) in l.by.iter().enumerate() {
                let at = l.at.by.get(i).copied().flatten().or(l.at.dataset);
                match d.groupable(key) {
                    Err(field) => return Err(unknown_field(d, &field, at)),
                    Ok(false) if !reveal => {
                        let mut allowed: Vec<String> = d
                            .fields
                            .iter()
                            .filter(|f| f.coded || d.group_by.contains(&f.name))
                            .map(|f| f.name.clone())
                            .collect();
                        allowed.extend(d.group_by.iter().filter(|g| g.starts_with("year(")).cloned());
                        return Err(InputError::new(Code::InputPersonalGrouping, origin)
                            .at_pos(at)
                            .with("dataset", &d.name)
                            .with("name", key)
                            .with("allowed", allowed.join(", ")));
                    }
                    Ok(_) => {}
                }
                let value = l.group.get(i).map(String::as_str).unwrap_or_default();
                if matches!(GroupKey::parse(key), GroupKey::Year(_))
                    && !(value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(invalid(origin, l.at.group.or(l.at.dataset), "group", "year"));
                }
            }
            if let LineKind::Total { field, .. } = &l.kind {
                let at = l.at.field.or(l.at.dataset);
                let Some(i) = d.field(field) else { return Err(unknown_field(d, field, at)) };
                if d.fields[i].kind == FieldType::String {
                    return Err(invalid(origin, at, field, "amount-field"));
                }
            }
        }
        for p in &self.periods {
            let d = dataset(&p.dataset, p.at.dataset)?;
            if d.period.is_none() {
                return Err(invalid(origin, p.at.dataset, &p.dataset, "dated-dataset"));
            }
        }
        Ok(())
    }

    fn from_toml(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let t: TomlFile = toml::from_str(text).map_err(|e| InputError::from_toml(&e, text, origin))?;
        if t.reversa_counts != "1" {
            return Err(InputError::new(Code::InputUnsupportedVersion, origin)
                .at_pos(toml_position(text, &["reversa_counts"]))
                .with("name", "reversa_counts")
                .with("found", &t.reversa_counts)
                .with("version", "1"));
        }
        let mut lines = Vec::new();
        for (l, is_total) in
            t.count.into_iter().map(|l| (l, false)).chain(t.total.into_iter().map(|l| (l, true)))
        {
            let at = Positions {
                dataset: pos(text, l.dataset.span()),
                by: l.by.iter().map(|b| pos(text, b.span())).collect(),
                group: l.group.as_ref().and_then(|g| pos(text, g.span())),
                field: l.field.as_ref().and_then(|f| pos(text, f.span())),
                source: pos(text, l.source.span()),
                from: None,
            };
            let expected_at = pos(text, l.expected.span());
            let kind = if is_total {
                let field = l.field.as_ref().map(|f| f.get_ref().clone()).ok_or_else(|| {
                    InputError::new(Code::InputMissingKey, origin).at_pos(at.dataset).with("name", "field")
                })?;
                let expected = value_text(l.expected.get_ref());
                parse_decimal(&expected).ok_or_else(|| invalid(origin, expected_at, "expected", "number"))?;
                LineKind::Total { field, expected }
            } else {
                let expected = match l.expected.get_ref() {
                    toml::Value::Integer(n) if *n >= 0 => *n as u64,
                    other => value_text(other)
                        .trim()
                        .parse()
                        .map_err(|_| invalid(origin, expected_at, "expected", "whole-number"))?,
                };
                LineKind::Count { expected }
            };
            let tolerance = match &l.tolerance {
                Some(v) => Some(
                    Tolerance::parse(&value_text(v.get_ref()))
                        .ok_or_else(|| invalid(origin, pos(text, v.span()), "tolerance", "tolerance"))?,
                ),
                None => None,
            };
            lines.push(CountLine {
                dataset: l.dataset.into_inner(),
                by: l.by.iter().map(|k| GroupKey::parse(k.get_ref()).as_string()).collect(),
                group: l.group.map(Spanned::into_inner).unwrap_or_default(),
                kind,
                tolerance,
                fingerprint: None,
                source: l.source.into_inner(),
                at,
            });
        }
        let periods = t
            .period
            .into_iter()
            .map(|p| {
                let at = Positions {
                    dataset: pos(text, p.dataset.span()),
                    source: pos(text, p.source.span()),
                    from: pos(text, p.from.span()),
                    ..Default::default()
                };
                PeriodLine {
                    dataset: p.dataset.into_inner(),
                    from: p.from.into_inner(),
                    to: p.to,
                    source: p.source.into_inner(),
                    at,
                }
            })
            .collect();
        Ok(CountsFile { origin: origin.to_string(), form: "toml", sha256: String::new(), lines, periods })
    }

    fn from_csv(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let syntax =
            |line: u64| InputError::new(Code::InputSyntax, origin).at(line, None).with("format", "CSV");
        let delimiter = if text.lines().next().unwrap_or("").contains(';') { b';' } else { b',' };
        let mut r =
            csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| syntax(1).with("detail", e))?
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        if let Some(h) = headers.iter().find(|h| !h.is_empty() && !CSV_COLUMNS.contains(&h.as_str())) {
            return Err(InputError::new(Code::InputUnknownName, origin)
                .at(1, None)
                .with("what", "column")
                .with("name", h)
                .suggest(h, CSV_COLUMNS.iter().copied()));
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        let need = |name: &str| {
            col(name)
                .ok_or_else(|| InputError::new(Code::InputMissingKey, origin).at(1, None).with("name", name))
        };
        let (kind_c, dataset_c, expected_c, source_c) =
            (need("kind")?, need("dataset")?, need("expected")?, need("source")?);
        let (by_c, group_c, field_c, tol_c) = (col("by"), col("group"), col("field"), col("tolerance"));
        let mut file = CountsFile { origin: origin.to_string(), form: "csv", ..Default::default() };
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                syntax(line).with("detail", e)
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let at = Positions {
                dataset: row(line),
                by: Vec::new(),
                group: row(line),
                field: row(line),
                source: row(line),
                from: row(line),
            };
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
            let parts = |s: String| -> Vec<String> {
                if s.is_empty() { Vec::new() } else { s.split('|').map(|p| p.trim().to_string()).collect() }
            };
            let dataset = get(Some(dataset_c));
            let expected = get(Some(expected_c));
            let source = get(Some(source_c));
            let tolerance = match get(tol_c) {
                t if t.is_empty() => None,
                t => Some(
                    Tolerance::parse(&t)
                        .ok_or_else(|| invalid(origin, row(line), "tolerance", "tolerance"))?,
                ),
            };
            match get(Some(kind_c)).as_str() {
                "period" => {
                    let years = expected.split_once('-').map(|(a, b)| (a.trim().parse(), b.trim().parse()));
                    let Some((Ok(from), Ok(to))) = years else {
                        return Err(invalid(origin, row(line), "expected", "year-range"));
                    };
                    file.periods.push(PeriodLine { dataset, from, to, source, at });
                }
                k @ ("count" | "total") => {
                    let kind = if k == "count" {
                        LineKind::Count {
                            expected: expected
                                .parse()
                                .map_err(|_| invalid(origin, row(line), "expected", "whole-number"))?,
                        }
                    } else {
                        parse_decimal(&expected)
                            .ok_or_else(|| invalid(origin, row(line), "expected", "number"))?;
                        let field = get(field_c);
                        if field.is_empty() {
                            return Err(InputError::new(Code::InputMissingKey, origin)
                                .at(line, None)
                                .with("name", "field"));
                        }
                        LineKind::Total { field, expected }
                    };
                    file.lines.push(CountLine {
                        dataset,
                        by: parts(get(by_c)).iter().map(|k| GroupKey::parse(k).as_string()).collect(),
                        group: parts(get(group_c)),
                        kind,
                        tolerance,
                        fingerprint: None,
                        source,
                        at,
                    });
                }
                other => {
                    return Err(InputError::new(Code::InputUnknownName, origin)
                        .at(line, None)
                        .with("what", "line-kind")
                        .with("name", other)
                        .suggest(other, CSV_KINDS.iter().copied()));
                }
            }
        }
        Ok(file)
    }

    fn from_fingerprint(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            InputError::new(Code::InputSyntax, origin)
                .at(e.line() as u64, Some(e.column() as u64))
                .with("format", "JSON")
                .with("detail", e)
        })?;
        if v["reversa_fingerprint"] != "1" {
            return Err(InputError::new(Code::InputUnsupportedVersion, origin)
                .with("name", "reversa_fingerprint")
                .with("found", v["reversa_fingerprint"].as_str().unwrap_or_default())
                .with("version", "1"));
        }
        let missing = |name: &str| InputError::new(Code::InputMissingKey, origin).with("name", name);
        let made_from = v["archive"]["path"].as_str().unwrap_or("?");
        let digest = v["archive"]["sha256"].as_str().unwrap_or("");
        let source = format!("fingerprint of {made_from} (sha256 {})", digest.get(..16).unwrap_or(digest));
        let mut lines = Vec::new();
        for d in v["datasets"].as_array().ok_or_else(|| missing("datasets"))? {
            let name = d["name"].as_str().ok_or_else(|| missing("datasets[].name"))?.to_string();
            let count = d["count"]
                .as_u64()
                .ok_or_else(|| invalid(origin, None, "datasets[].count", "whole-number"))?;
            lines.push(CountLine {
                dataset: name.clone(),
                by: Vec::new(),
                group: Vec::new(),
                kind: LineKind::Count { expected: count },
                tolerance: None,
                fingerprint: d["fingerprint"].as_str().map(str::to_string),
                source: source.clone(),
                at: Positions::default(),
            });
            for g in d["groups"].as_array().into_iter().flatten() {
                let by: Vec<String> = g["by"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|k| k.as_str())
                    .map(str::to_string)
                    .collect();
                let label = g["group"].as_str().unwrap_or_default();
                lines.push(CountLine {
                    dataset: name.clone(),
                    group: label.split(" / ").map(str::to_string).collect(),
                    by,
                    kind: LineKind::Count {
                        expected: g["count"].as_u64().ok_or_else(|| {
                            invalid(origin, None, "datasets[].groups[].count", "whole-number")
                        })?,
                    },
                    tolerance: None,
                    fingerprint: g["fingerprint"].as_str().map(str::to_string),
                    source: source.clone(),
                    at: Positions::default(),
                });
            }
        }
        Ok(CountsFile {
            origin: origin.to_string(),
            form: "fingerprint",
            sha256: String::new(),
            lines,
            periods: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_csv_and_tolerances() {
        let toml = r#"reversa_counts = "1"
[[count]]
dataset = "actes"
by = ["annee", "type_acte"]
group = ["2023", "naissance"]
expected = 412
tolerance = "1%"
source = "registre"
[[total]]
dataset = "paiements"
field = "montant"
expected = "1 234,50"
source = "CA"
[[period]]
dataset = "actes"
from = 2000
to = 2025
source = "registres"
"#;
        let f = CountsFile::parse(toml.as_bytes(), "t.toml").unwrap();
        assert_eq!(f.form, "toml");
        assert_eq!(f.lines.len(), 2);
        assert_eq!(f.lines[0].kind, LineKind::Count { expected: 412 });
        assert!(f.lines[0].tolerance.as_ref().unwrap().allows(4.0, 412.0));
        assert!(!f.lines[0].tolerance.as_ref().unwrap().allows(5.0, 412.0));
        assert_eq!(parse_decimal("1 234,50"), Some(12_345_000));
        assert_eq!(f.periods[0].to, 2025);
        let csv = "kind;dataset;by;group;field;expected;tolerance;source\ncount;electeurs;type_liste|code_bureau;LP|0001;;812;2;ELIRE\nperiod;actes;;;;2000-2025;;registres\n";
        let c = CountsFile::parse(csv.as_bytes(), "t.csv").unwrap();
        assert_eq!(c.form, "csv");
        assert_eq!(c.lines[0].group, ["LP", "0001"]);
        assert!(c.lines[0].tolerance.as_ref().unwrap().allows(2.0, 812.0));
        assert_eq!(c.periods[0].from, 2000);
        assert!(CountsFile::parse(b"reversa_counts = \"2\"\n", "x").is_err());
        assert!(CountsFile::parse(b"kind;dataset;expected;source\ncount;actes;douze;x\n", "x").is_err());
        let bad = "reversa_counts = \"1\"\n[[count]]\ndataset = \"actes\"\nby = [\"annee\"]\ngroup = []\nexpected = 1\nsource = \"x\"\n";
        assert!(CountsFile::parse(bad.as_bytes(), "x").is_err(), "by and group differ in length");
        let no_source =
            "reversa_counts = \"1\"\n[[count]]\ndataset = \"actes\"\nexpected = 1\nsource = \" \"\n";
        assert!(CountsFile::parse(no_source.as_bytes(), "x").is_err(), "a figure without its source");
    }

    /// Every mistake of a counts file is an `input.*` refusal with its line and the near name,
    /// never a count of 0 that would blame the export.
    #[test]
    fn wrong_names_and_values_are_refused_with_their_line_and_near_name() {
        let reg = Registry::built_in().unwrap();
        let check = |text: &str| -> InputError {
            match CountsFile::parse(text.as_bytes(), "c.toml") {
                Err(e) => e,
                Ok(f) => f.validate(&reg, false).expect_err(text),
            }
        };
        let head = "reversa_counts = \"1\"\n[[count]]\n";
        let e = check(&format!("{head}dataset = \"acte\"\nexpected = 1\nsource = \"x\"\n"));
        assert_eq!(
            (e.code, e.line, e.column, e.suggestion()),
            (Code::InputUnknownName, Some(3), Some(11), Some("actes"))
        );
        let e = check(&format!(
            "{head}dataset = \"actes\"\nby = [\"anne\"]\ngroup = [\"2023\"]\nexpected = 1\nsource = \"x\"\n"
        ));
        assert_eq!((e.code, e.line, e.suggestion()), (Code::InputUnknownName, Some(4), Some("annee")));
        let e = check(&format!("{head}dataset = \"Actes\"\nexpected = 1\nsource = \"x\"\n"));
        assert_eq!(e.suggestion(), Some("actes"), "case-insensitive equality is suggested");
        let e = check(
            "reversa_counts = \"1\"\n[[total]]\ndataset = \"paiements\"\nfield = \"montan\"\nexpected = 1\nsource = \"x\"\n",
        );
        assert_eq!((e.line, e.suggestion()), (Some(4), Some("montant")));
        let e = check(&format!("{head}dataset = \"actes\"\nexpected = -3\nsource = \"x\"\n"));
        assert_eq!((e.code, e.line), (Code::InputInvalidValue, Some(4)));
        let e = check(&format!(
            "{head}dataset = \"actes\"\nexpected = 1\ntolerance = \"beaucoup\"\nsource = \"x\"\n"
        ));
        assert_eq!((e.code, e.line), (Code::InputInvalidValue, Some(5)));
        let e = check(
            "reversa_counts = \"1\"\n[[period]]\ndataset = \"actes\"\nfrom = 2025\nto = 2000\nsource = \"x\"\n",
        );
        assert_eq!((e.code, e.line), (Code::InputInvalidValue, Some(4)));
        let e = check(
            "reversa_counts = \"1\"\n[[period]]\ndataset = \"bureaux\"\nfrom = 2000\nto = 2001\nsource = \"x\"\n",
        );
        assert_eq!(e.params["expected"], "dated-dataset");
        let e = check("kind;dataset;expected;source\ncount;actes;1;x\ncont;actes;1;x\n");
        assert_eq!((e.code, e.line, e.suggestion()), (Code::InputUnknownName, Some(3), Some("count")));
        let e = check("kind;dataset;expected;source;tolerence\ncount;actes;1;x;1\n");
        assert_eq!((e.line, e.suggestion()), (Some(1), Some("tolerance")));
        let e = check("kind;dataset;by;group;expected;source\ncount;personnes;nom;X;1;x\n");
        assert_eq!(e.code, Code::InputPersonalGrouping);
        let f = CountsFile::parse(b"kind;dataset;by;group;expected;source\ncount;personnes;nom;X;1;x\n", "c")
            .unwrap();
        assert!(f.validate(&reg, true).is_ok(), "personal values may be revealed on request");
        let e =
            CountsFile::parse(b"kind;dataset;expected;source\ncount;actes;1;r\xe9gistre\n", "c").unwrap_err();
        assert_eq!((e.code, e.line), (Code::InputNotUtf8, Some(2)));
        assert_eq!(e.code.attribution(), crate::finding::Attribution::Input);
    }
}
