//! The datasets of reversa export format v1: their JSON Schemas (shipped in the binary, from
//! `schemas/datasets/`), the `x-reversa-*` vocabulary read from them, and the validators
//! compiled once per run.
//!
//! The vocabulary (documented for vendors in `schemas/README.md`):
//!
//! | keyword | shape | checked by |
//! |---|---|---|
//! | `x-reversa-key` | `[field…]` | unique across the dataset |
//! | `x-reversa-unique` | `[[field…]…]` | each combination unique |
//! | `x-reversa-references` | `[{fields, dataset, key}]` | each value found in the other dataset |
//! | `x-reversa-file-path` | `[field…]` | the path exists in the export |
//! | `x-reversa-sequence` | `{field, group}` | numbers 1..n without gap per group |
//! | `x-reversa-date-order` | `[{before, after, when?}]` | `before` ≤ `after` |
//! | `x-reversa-not-future` | `[field…]` | not after the run's date |
//! | `x-reversa-min-age` | `{birth, years}` | of age at the list date |
//! | `x-reversa-group-by` | `[field or year(field)…]` | default grouping of counts and fingerprints |
//! | `x-reversa-period` | `field` | the date whose years give the period coverage |

use super::formats;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use sha2::Digest;
use std::collections::{BTreeMap, HashMap};

/// The schemas shipped in the binary: `(dataset, JSON text)`, in report order.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("actes", include_str!("../../schemas/datasets/actes.schema.json")),
    ("mentions", include_str!("../../schemas/datasets/mentions.schema.json")),
    ("pieces", include_str!("../../schemas/datasets/pieces.schema.json")),
    ("foyers", include_str!("../../schemas/datasets/foyers.schema.json")),
    ("personnes", include_str!("../../schemas/datasets/personnes.schema.json")),
    ("demandes", include_str!("../../schemas/datasets/demandes.schema.json")),
    ("decisions", include_str!("../../schemas/datasets/decisions.schema.json")),
    ("paiements", include_str!("../../schemas/datasets/paiements.schema.json")),
    ("electeurs", include_str!("../../schemas/datasets/electeurs.schema.json")),
    ("bureaux", include_str!("../../schemas/datasets/bureaux.schema.json")),
    ("mouvements", include_str!("../../schemas/datasets/mouvements.schema.json")),
    ("deces_insee", include_str!("../../schemas/datasets/deces_insee.schema.json")),
];

/// A field's JSON type: text values are converted to it before validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Kept as text.
    String,
    /// Converted to an integer when the text is one.
    Integer,
    /// Converted to a number when the text is one (decimal point `.`).
    Number,
}

/// One field of a dataset.
#[derive(Debug, Clone)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: FieldType,
    /// Its French title.
    pub title: String,
    /// Its `format`, when any.
    pub format: Option<String>,
    /// Whether it is in the schema's top-level `required`.
    pub required: bool,
    /// Whether its values are codes (an `enum` or a `pattern`): safe to show as group labels.
    pub coded: bool,
}

/// A foreign key.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// Fields of this dataset.
    pub fields: Vec<String>,
    /// The dataset referred to.
    pub dataset: String,
    /// Its key fields.
    pub key: Vec<String>,
}

/// A numbering that must run 1..n without gap per group.
#[derive(Debug, Clone, Deserialize)]
pub struct Sequence {
    /// The number field.
    pub field: String,
    /// The fields that make a group.
    pub group: Vec<String>,
}

/// Two dates in order.
#[derive(Debug, Clone, Deserialize)]
pub struct DateOrder {
    /// The earlier date.
    pub before: String,
    /// The later date.
    pub after: String,
    /// Only for records whose field has one of these values.
    #[serde(default)]
    pub when: BTreeMap<String, Vec<String>>,
}

/// A minimum age at the list date.
#[derive(Debug, Clone, Deserialize)]
pub struct MinAge {
    /// The birth date field.
    pub birth: String,
    /// Years of age.
    pub years: u32,
}

/// A dataset's schema, compiled.
pub struct Dataset {
    /// Its name (`actes`…).
    pub name: String,
    /// Its French title.
    pub title: String,
    /// Its domain (`etat-civil`, `ccas`, `electoral`, `insee`).
    pub domain: String,
    /// `$id`.
    pub id: String,
    /// `x-reversa-version`.
    pub version: String,
    /// SHA-256 of the schema's text as shipped.
    pub sha256: String,
    /// The schema itself.
    pub json: Value,
    /// The schema's text, as shipped.
    pub text: String,
    /// Its fields, in schema order.
    pub fields: Vec<Field>,
    index: HashMap<String, usize>,
    /// Primary key.
    pub key: Vec<String>,
    /// Other unique combinations.
    pub unique: Vec<Vec<String>>,
    /// Foreign keys.
    pub references: Vec<Reference>,
    /// Fields holding paths in the export.
    pub file_paths: Vec<String>,
    /// Numbering rule.
    pub sequence: Option<Sequence>,
    /// Date order rules.
    pub date_order: Vec<DateOrder>,
    /// Dates that cannot be in the future.
    pub not_future: Vec<String>,
    /// Minimum age rule.
    pub min_age: Option<MinAge>,
    /// Default grouping for counts and fingerprints (`field` or `year(field)`).
    pub group_by: Vec<String>,
    /// The date field whose years give the period coverage.
    pub period: Option<String>,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset").field("name", &self.name).field("version", &self.version).finish()
    }
}

/// Why a schema cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error("schema {dataset}: {message}")]
pub struct SchemaError {
    /// The dataset.
    pub dataset: String,
    /// What is wrong.
    pub message: String,
}

impl Dataset {
    /// Compiles a dataset schema from its JSON text.
    pub fn compile(name: &str, text: &str) -> Result<Dataset, SchemaError> {
        let err = |message: String| SchemaError { dataset: name.to_string(), message };
        let json: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_format("partial-date", formats::is_partial_date)
            .with_format("nir", formats::is_nir)
            .build(&json)
            .map_err(|e| err(e.to_string()))?;
        let s = |k: &str| json.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let ext = |k: &str| -> Result<Option<Value>, SchemaError> { Ok(json.get(k).cloned()) };
        let parse = |k: &str| -> Result<Option<Value>, SchemaError> { ext(k) };
        let required: Vec<&str> = json
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut fields = Vec::new();
        if let Some(props) = json.get("properties").and_then(Value::as_object) {
            for (fname, p) in props {
                let kind = match p.get("type").and_then(Value::as_str) {
                    Some("integer") => FieldType::Integer,
                    Some("number") => FieldType::Number,
                    _ => FieldType::String,
                };
                fields.push(Field {
                    name: fname.clone(),
                    kind,
                    title: p.get("title").and_then(Value::as_str).unwrap_or_default().to_string(),
                    format: p.get("format").and_then(Value::as_str).map(str::to_string),
                    required: required.contains(&fname.as_str()),
                    coded: p.get("enum").is_some() || p.get("pattern").is_some(),
                });
            }
        }
        // serde_json's maps are sorted by key: take the fields' order from the schema's text.
        if let Ok(PropertyOrder(order)) = serde_json::from_str::<PropertyOrder>(text) {
            fields.sort_by_key(|f| order.iter().position(|n| *n == f.name).unwrap_or(usize::MAX));
        }
        let index = fields.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
        fn de<T: for<'a> Deserialize<'a>>(
            v: Option<Value>,
            k: &str,
            name: &str,
        ) -> Result<Option<T>, SchemaError> {
            v.map(|v| serde_json::from_value(v))
                .transpose()
                .map_err(|e| SchemaError { dataset: name.to_string(), message: format!("{k}: {e}") })
        }
        let dataset = Dataset {
            name: name.to_string(),
            title: s("title"),
            domain: s("x-reversa-domain"),
            id: s("$id"),
            version: s("x-reversa-version"),
            sha256: hex::encode(sha2::Sha256::digest(text.as_bytes())),
            fields,
            index,
            key: de(parse("x-reversa-key")?, "x-reversa-key", name)?.unwrap_or_default(),
            unique: de(parse("x-reversa-unique")?, "x-reversa-unique", name)?.unwrap_or_default(),
            references: de(parse("x-reversa-references")?, "x-reversa-references", name)?.unwrap_or_default(),
            file_paths: de(parse("x-reversa-file-path")?, "x-reversa-file-path", name)?.unwrap_or_default(),
            sequence: de(parse("x-reversa-sequence")?, "x-reversa-sequence", name)?,
            date_order: de(parse("x-reversa-date-order")?, "x-reversa-date-order", name)?.unwrap_or_default(),
            not_future: de(parse("x-reversa-not-future")?, "x-reversa-not-future", name)?.unwrap_or_default(),
            min_age: de(parse("x-reversa-min-age")?, "x-reversa-min-age", name)?,
            group_by: de(parse("x-reversa-group-by")?, "x-reversa-group-by", name)?.unwrap_or_default(),
            period: de(parse("x-reversa-period")?, "x-reversa-period", name)?,
            json,
            text: text.to_string(),
            validator,
        };
        dataset.check_vocabulary()?;
        Ok(dataset)
    }

    /// Every field named by the vocabulary exists.
    fn check_vocabulary(&self) -> Result<(), SchemaError> {
        let mut named: Vec<&str> = Vec::new();
        named.extend(self.key.iter().map(String::as_str));
        named.extend(self.unique.iter().flatten().map(String::as_str));
        named.extend(self.references.iter().flat_map(|r| &r.fields).map(String::as_str));
        named.extend(self.file_paths.iter().map(String::as_str));
        if let Some(s) = &self.sequence {
            named.push(&s.field);
            named.extend(s.group.iter().map(String::as_str));
        }
        for d in &self.date_order {
            named.push(&d.before);
            named.push(&d.after);
            named.extend(d.when.keys().map(String::as_str));
        }
        named.extend(self.not_future.iter().map(String::as_str));
        if let Some(m) = &self.min_age {
            named.push(&m.birth);
        }
        let group_fields: Vec<String> =
            self.group_by.iter().map(|g| super::aggregate::GroupKey::parse(g).field().to_string()).collect();
        named.extend(group_fields.iter().map(String::as_str));
        named.extend(self.period.iter().map(String::as_str));
        match named.into_iter().find(|f| self.field(f).is_none()) {
            Some(f) => Err(SchemaError {
                dataset: self.name.clone(),
                message: format!("x-reversa-* names unknown field {f:?}"),
            }),
            None => Ok(()),
        }
    }

    /// The index of a field.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Whether records may be grouped by `key` in a report without showing personal values: the
    /// year of a date, a coded field (`enum`, `pattern`) or a field of the schema's own
    /// `x-reversa-group-by`. `Err` names the field when the dataset has none of that name.
    pub fn groupable(&self, key: &str) -> Result<bool, String> {
        let (field, year) = match key.trim().strip_prefix("year(").and_then(|k| k.strip_suffix(')')) {
            Some(f) => (f.trim(), true),
            None => (key.trim(), false),
        };
        let Some(i) = self.field(field) else { return Err(field.to_string()) };
        let f = &self.fields[i];
        Ok((year && matches!(f.format.as_deref(), Some("date" | "partial-date")))
            || f.coded
            || self.group_by.iter().any(|g| g.trim() == key.trim()))
    }

    /// The compiled validator.
    pub fn validator(&self) -> &jsonschema::Validator {
        &self.validator
    }
}

/// The keys of a schema's top-level `properties`, in document order.
struct PropertyOrder(Vec<String>);

impl<'de> Deserialize<'de> for PropertyOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys(Vec<String>);
        impl<'de> Deserialize<'de> for Keys {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Keys;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                        let mut keys = Vec::new();
                        while let Some(k) = map.next_key::<String>()? {
                            map.next_value::<IgnoredAny>()?;
                            keys.push(k);
                        }
                        Ok(Keys(keys))
                    }
                }
                d.deserialize_map(V)
            }
        }
        struct Root;
        impl<'de> Visitor<'de> for Root {
            type Value = PropertyOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON Schema object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertyOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    if k == "properties" {
                        keys = map.next_value::<Keys>()?.0;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(PropertyOrder(keys))
            }
        }
        d.deserialize_map(Root)
    }
}

/// Every dataset schema, compiled once.
#[derive(Debug)]
pub struct Registry {
    /// The datasets, in report order.
    pub datasets: Vec<Dataset>,
}

impl Registry {
    /// The schemas shipped in the binary.
    pub fn built_in() -> Result<Registry, SchemaError> {
        let datasets = BUILT_IN.iter().map(|(n, t)| Dataset::compile(n, t)).collect::<Result<Vec<_>, _>>()?;
        let reg = Registry { datasets };
        for d in &reg.datasets {
            for r in &d.references {
                let Some(target) = reg.get(&r.dataset) else {
                    return Err(SchemaError {
                        dataset: d.name.clone(),
                        message: format!("references unknown dataset {:?}", r.dataset),
                    });
                };
                if r.key.len() != r.fields.len() || r.key.iter().any(|k| target.field(k).is_none()) {
                    return Err(SchemaError {
                        dataset: d.name.clone(),
                        message: format!("bad reference to {:?}", r.dataset),
                    });
                }
            }
        }
        Ok(reg)
    }

    /// A dataset by name.
    pub fn get(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// The position of a dataset.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.datasets.iter().position(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_schema_compiles_with_its_vocabulary() {
        let reg = Registry::built_in().unwrap();
        assert_eq!(reg.datasets.len(), BUILT_IN.len());
        for d in &reg.datasets {
            assert!(d.id.starts_with("urn:reversa:format:1:"), "{}", d.name);
            assert!(!d.version.is_empty() && !d.title.is_empty(), "{}", d.name);
            assert!(d.fields.iter().all(|f| !f.title.is_empty()), "{}: a field without title", d.name);
            let props = d.json["properties"].as_object().unwrap();
            for (name, p) in props {
                let desc = p["description"].as_str().unwrap_or_default();
                assert!(desc.len() > 10, "{}.{name}: a field without a description", d.name);
            }
            assert_eq!(d.json["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", d.name);
        }
        let actes = reg.get("actes").unwrap();
        assert_eq!(actes.key, ["id_acte"]);
        assert!(actes.sequence.is_some());
        assert_eq!(reg.get("paiements").unwrap().references[0].dataset, "decisions");
    }
}
