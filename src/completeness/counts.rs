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

use crate::records::aggregate::GroupKey;
use serde::Deserialize;

/// Why a counts file cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("counts file {origin}: {message}")]
pub struct CountsError {
    /// The file.
    pub origin: String,
    /// What is wrong (with the position when known).
    pub message: String,
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
    dataset: String,
    #[serde(default)]
    by: Vec<String>,
    #[serde(default)]
    group: Vec<String>,
    #[serde(default)]
    field: Option<String>,
    expected: toml::Value,
    #[serde(default)]
    tolerance: Option<toml::Value>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlPeriod {
    dataset: String,
    from: u16,
    to: u16,
    source: String,
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

impl CountsFile {
    /// Reads a counts file: TOML, CSV or a fingerprint JSON file, told by their content.
    pub fn load(path: &std::path::Path) -> Result<CountsFile, CountsError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| CountsError { origin: origin.clone(), message: e.to_string() })?;
        let mut file = Self::parse(&bytes, &origin)?;
        file.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        Ok(file)
    }

    /// Parses counts from bytes.
    pub fn parse(bytes: &[u8], origin: &str) -> Result<CountsFile, CountsError> {
        let err = |message: String| CountsError { origin: origin.to_string(), message };
        let text = std::str::from_utf8(bytes).map_err(|_| err("not UTF-8".into()))?;
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
            .map(|l| (&l.dataset, &l.source))
            .chain(file.periods.iter().map(|p| (&p.dataset, &p.source)));
        for (dataset, source) in sources {
            if source.trim().is_empty() {
                return Err(err(format!("{dataset}: every line names its source (`source`)")));
            }
        }
        for l in &file.lines {
            if l.by.len() != l.group.len() {
                return Err(err(format!("{}: `by` and `group` must have as many parts", l.dataset)));
            }
        }
        Ok(file)
    }

    fn from_toml(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let err = |message: String| CountsError { origin: origin.to_string(), message };
        let t: TomlFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if t.reversa_counts != "1" {
            return Err(err(format!("reversa_counts = {:?}: this build reads version 1", t.reversa_counts)));
        }
        let mut lines = Vec::new();
        for (l, is_total) in
            t.count.into_iter().map(|l| (l, false)).chain(t.total.into_iter().map(|l| (l, true)))
        {
            let kind = if is_total {
                let field = l
                    .field
                    .clone()
                    .ok_or_else(|| err(format!("total of {}: `field` is missing", l.dataset)))?;
                let expected = value_text(&l.expected);
                parse_decimal(&expected)
                    .ok_or_else(|| err(format!("total of {}: expected is not a number", l.dataset)))?;
                LineKind::Total { field, expected }
            } else {
                let expected = match &l.expected {
                    toml::Value::Integer(n) if *n >= 0 => *n as u64,
                    other => value_text(other).trim().parse().map_err(|_| {
                        err(format!("count of {}: expected is not a whole number", l.dataset))
                    })?,
                };
                LineKind::Count { expected }
            };
            let tolerance = match &l.tolerance {
                Some(v) => Some(Tolerance::parse(&value_text(v)).ok_or_else(|| {
                    err(format!("{}: tolerance is not a number or a percentage", l.dataset))
                })?),
                None => None,
            };
            lines.push(CountLine {
                dataset: l.dataset,
                by: l.by.iter().map(|k| GroupKey::parse(k).as_string()).collect(),
                group: l.group,
                kind,
                tolerance,
                fingerprint: None,
                source: l.source,
            });
        }
        let periods = t
            .period
            .into_iter()
            .map(|p| PeriodLine { dataset: p.dataset, from: p.from, to: p.to, source: p.source })
            .collect();
        Ok(CountsFile { origin: origin.to_string(), form: "toml", sha256: String::new(), lines, periods })
    }

    fn from_csv(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let err = |line: u64, message: String| CountsError { origin: format!("{origin}:{line}"), message };
        let delimiter = if text.lines().next().unwrap_or("").contains(';') { b';' } else { b',' };
        let mut r =
            csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
        let headers: Vec<String> =
            r.headers().map_err(|e| err(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let need = |name: &str| col(name).ok_or_else(|| err(1, format!("column {name:?} is missing")));
        let (kind_c, dataset_c, expected_c, source_c) =
            (need("kind")?, need("dataset")?, need("expected")?, need("source")?);
        let (by_c, group_c, field_c, tol_c) = (col("by"), col("group"), col("field"), col("tolerance"));
        let mut file = CountsFile { origin: origin.to_string(), form: "csv", ..Default::default() };
        for (i, rec) in r.records().enumerate() {
            let line = i as u64 + 2;
            let rec = rec.map_err(|e| err(line, e.to_string()))?;
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim().to_string();
            let parts = |s: String| -> Vec<String> {
                if s.is_empty() { Vec::new() } else { s.split('|').map(|p| p.trim().to_string()).collect() }
            };
            let dataset = get(Some(dataset_c));
            let expected = get(Some(expected_c));
            let source = get(Some(source_c));
            let tolerance = match get(tol_c) {
                t if t.is_empty() => None,
                t => Some(Tolerance::parse(&t).ok_or_else(|| err(line, "tolerance is not a number".into()))?),
            };
            match get(Some(kind_c)).as_str() {
                "period" => {
                    let (a, b) = expected
                        .split_once('-')
                        .ok_or_else(|| err(line, "period: expected FROM-TO".into()))?;
                    let (from, to) = (a.trim().parse(), b.trim().parse());
                    let (Ok(from), Ok(to)) = (from, to) else {
                        return Err(err(line, "period: years expected".into()));
                    };
                    file.periods.push(PeriodLine { dataset, from, to, source });
                }
                k @ ("count" | "total") => {
                    let kind = if k == "count" {
                        LineKind::Count {
                            expected: expected
                                .parse()
                                .map_err(|_| err(line, "expected is not a whole number".into()))?,
                        }
                    } else {
                        parse_decimal(&expected)
                            .ok_or_else(|| err(line, "expected is not a number".into()))?;
                        LineKind::Total { field: get(field_c), expected }
                    };
                    file.lines.push(CountLine {
                        dataset,
                        by: parts(get(by_c)).iter().map(|k| GroupKey::parse(k).as_string()).collect(),
                        group: parts(get(group_c)),
                        kind,
                        tolerance,
                        fingerprint: None,
                        source,
                    });
                }
                other => return Err(err(line, format!("kind {other:?}: count, total or period"))),
            }
        }
        Ok(file)
    }

    fn from_fingerprint(text: &str, origin: &str) -> Result<CountsFile, CountsError> {
        let err = |message: String| CountsError { origin: origin.to_string(), message };
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        if v["reversa_fingerprint"] != "1" {
            return Err(err("not a reversa fingerprint file (reversa_fingerprint = \"1\")".into()));
        }
        let made_from = v["archive"]["path"].as_str().unwrap_or("?");
        let digest = v["archive"]["sha256"].as_str().unwrap_or("");
        let source = format!("fingerprint of {made_from} (sha256 {})", digest.get(..16).unwrap_or(digest));
        let mut lines = Vec::new();
        for d in v["datasets"].as_array().ok_or_else(|| err("datasets[] is missing".into()))? {
            let name = d["name"].as_str().ok_or_else(|| err("a dataset without name".into()))?.to_string();
            let count = d["count"].as_u64().ok_or_else(|| err(format!("{name}: count")))?;
            lines.push(CountLine {
                dataset: name.clone(),
                by: Vec::new(),
                group: Vec::new(),
                kind: LineKind::Count { expected: count },
                tolerance: None,
                fingerprint: d["fingerprint"].as_str().map(str::to_string),
                source: source.clone(),
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
                    kind: LineKind::Count { expected: g["count"].as_u64().unwrap_or(0) },
                    tolerance: None,
                    fingerprint: g["fingerprint"].as_str().map(str::to_string),
                    source: source.clone(),
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
}
