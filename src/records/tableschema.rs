//! Export of the dataset schemas as [Frictionless Table Schemas], the format read by Validata
//! and published on schema.data.gouv.fr, so that a vendor can check a file without reversa.
//!
//! The translation keeps what Table Schema can say exactly: field types (`format: date` becomes
//! the `date` type, ISO 8601 by default), `required`, `pattern`, `enum` (and `const`),
//! `minimum`, `maximum`, `minLength`, `maxLength`, the primary key, the foreign keys and
//! single-field uniqueness. reversa's custom formats become the equivalent `pattern`:
//! `partial-date` ([`PARTIAL_DATE_PATTERN`]) and `nir` ([`NIR_PATTERN`]); neither pattern can
//! check the calendar or the NIR key, which the field description says.
//!
//! What Table Schema cannot say is written in French in the descriptions, never dropped
//! silently: `exclusiveMinimum`/`exclusiveMaximum` (except on integers, where `minimum` n + 1 is
//! exact), `not`, the conditional rules (`allOf` of `if`/`then`) and the cross-record rules of
//! the `x-reversa-*` vocabulary (numbering, date order, dates not in the future, minimum age,
//! combined uniqueness, paths in the export). Validata's `custom_checks` have no check for a
//! conditional requirement, so none is emitted.
//!
//! Fields come in the order of the schema's `properties` as written in the shipped schema text
//! (see [`fields_in_schema_order`]).
//!
//! [Frictionless Table Schemas]: https://specs.frictionlessdata.io/table-schema/

use super::schema::{Dataset, Field, FieldType, Registry};
use serde_json::{Map, Value, json};

/// The `$schema` of every Table Schema written.
pub const TABLE_SCHEMA_PROFILE: &str = "https://frictionlessdata.io/schemas/table-schema.json";

/// The pattern equivalent to the `partial-date` format: `AAAA`, `AAAA-MM` or `AAAA-MM-JJ`
/// (months 01–12, days 01–31; the calendar — 30 February — is not checked).
pub const PARTIAL_DATE_PATTERN: &str = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$";

/// The pattern equivalent to the `nir` format, its key aside: first digit 1, 3 or 7 (men) or
/// 2, 4 or 8 (women), year, month (01–12, or 20 and above when unknown), department (2A/2B for
/// Corsica), 6 digits, 2-digit key.
pub const NIR_PATTERN: &str = "^[123478][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])(2[AB]|[0-9]{2})[0-9]{6}[0-9]{2}$";

/// The Table Schema field types this export writes.
pub const FIELD_TYPES: &[&str] = &["string", "integer", "number", "date"];

/// Every dataset of the registry as a Table Schema: `(dataset, schema)`, in registry order.
pub fn to_table_schemas(registry: &Registry) -> Vec<(String, Value)> {
    registry.datasets.iter().map(|d| (d.name.clone(), to_table_schema(d))).collect()
}

/// One dataset's JSON Schema as a Frictionless Table Schema (see the module documentation for
/// what is translated and what is only described).
pub fn to_table_schema(dataset: &Dataset) -> Value {
    let props = dataset.json.get("properties").and_then(Value::as_object);
    let required_field = |name: &str| dataset.fields.iter().any(|f| f.name == name && f.required);

    // A primary key must be present in every row: an optional key is declared unique instead.
    let key_is_primary = !dataset.key.is_empty() && dataset.key.iter().all(|k| required_field(k));
    let mut unique_fields: Vec<&str> = Vec::new();
    if !key_is_primary && dataset.key.len() == 1 {
        unique_fields.push(&dataset.key[0]);
    }
    unique_fields.extend(dataset.unique.iter().filter(|u| u.len() == 1).map(|u| u[0].as_str()));

    let fields: Vec<Value> = fields_in_schema_order(dataset)
        .into_iter()
        .map(|f| {
            let p = props.and_then(|p| p.get(&f.name)).unwrap_or(&Value::Null);
            convert_field(f, p, unique_fields.contains(&f.name.as_str()))
        })
        .collect();

    let mut out = Map::new();
    out.insert("$schema".into(), TABLE_SCHEMA_PROFILE.into());
    out.insert("name".into(), dataset.name.clone().into());
    out.insert("title".into(), dataset.title.clone().into());
    out.insert("description".into(), dataset_description(dataset, key_is_primary).into());
    out.insert("version".into(), dataset.version.clone().into());
    out.insert("fields".into(), fields.into());
    if key_is_primary {
        out.insert("primaryKey".into(), json!(dataset.key));
    }
    if !dataset.references.is_empty() {
        let fks: Vec<Value> = dataset
            .references
            .iter()
            .map(|r| json!({"fields": r.fields, "reference": {"resource": r.dataset, "fields": r.key}}))
            .collect();
        out.insert("foreignKeys".into(), fks.into());
    }
    out.insert("missingValues".into(), json!([""]));
    Value::Object(out)
}

/// The dataset's fields in the order of the schema's `properties` as written
/// ([`Dataset::fields`] already follows it: [`Dataset::compile`] reads it from the text).
pub fn fields_in_schema_order(dataset: &Dataset) -> Vec<&Field> {
    dataset.fields.iter().collect()
}

/// JSON Schema keywords that only annotate: nothing to check, nothing to say.
const ANNOTATIONS: &[&str] = &[
    "type",
    "title",
    "description",
    "examples",
    "$comment",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// One property as a Table Schema field.
fn convert_field(f: &Field, p: &Value, unique: bool) -> Value {
    let mut notes: Vec<String> = Vec::new();
    let ty = match (f.kind, f.format.as_deref()) {
        (FieldType::Integer, _) => "integer",
        (FieldType::Number, _) => "number",
        (FieldType::String, Some("date")) => "date",
        (FieldType::String, _) => "string",
    };
    let mut c = Map::new();
    c.insert("required".into(), f.required.into());
    if unique {
        c.insert("unique".into(), true.into());
    }

    let schema_pattern = p.get("pattern").and_then(Value::as_str);
    let mut pattern = schema_pattern.map(full_match_pattern);
    match (f.kind, f.format.as_deref()) {
        (_, None) | (FieldType::String, Some("date")) => {}
        (FieldType::String, Some(format @ ("partial-date" | "nir"))) => {
            let (equivalent, what) = if format == "nir" {
                (
                    NIR_PATTERN,
                    "la clé de contrôle du NIR (97 − les 13 premiers caractères modulo 97, 2A/2B comptés \
                     19/18) n'est pas vérifiable en Table Schema",
                )
            } else {
                (
                    PARTIAL_DATE_PATTERN,
                    "le motif n'écarte pas les jours absents du calendrier (p. ex. 2023-02-30)",
                )
            };
            if pattern.is_none() {
                pattern = Some(equivalent.to_string());
                notes.push(format!("Format « {format} » traduit par un motif ; {what}."));
            } else {
                notes.push(format!(
                    "Format « {format} » non exprimable en Table Schema en plus du motif : valeur \
                     conforme à {equivalent} attendue ; {what}."
                ));
            }
        }
        (_, Some(format)) => {
            notes.push(format!("Format « {format} » sans équivalent en Table Schema : non vérifié."));
        }
    }
    if let Some(pat) = pattern {
        if ty == "string" {
            c.insert("pattern".into(), pat.into());
        } else {
            notes.push(format!("Motif {pat} non applicable au type {ty} en Table Schema : non vérifié."));
        }
    }

    let mut minimum = p.get("minimum").cloned();
    let mut maximum = p.get("maximum").cloned();
    let Some(obj) = p.as_object() else {
        return field_value(f, p, ty, c, notes);
    };
    for (k, v) in obj {
        match k.as_str() {
            "format" | "pattern" | "minimum" | "maximum" => {}
            k if ANNOTATIONS.contains(&k) || k.starts_with("x-") => {}
            "enum" => {
                c.insert("enum".into(), v.clone());
            }
            "const" => {
                c.insert("enum".into(), json!([v]));
            }
            "minLength" | "maxLength" => {
                if ty == "string" {
                    c.insert(k.into(), v.clone());
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                let lower = k == "exclusiveMinimum";
                // On integers, > n is ≥ n + 1: exact.
                match (ty, v.as_i64()) {
                    ("integer", Some(n)) if n.checked_add(1).is_some() && n.checked_sub(1).is_some() => {
                        let bound = if lower { n + 1 } else { n - 1 };
                        let slot = if lower { &mut minimum } else { &mut maximum };
                        let tighter = match slot.as_ref().and_then(Value::as_f64) {
                            Some(m) if lower => m < bound as f64,
                            Some(m) => m > bound as f64,
                            None => true,
                        };
                        if tighter {
                            *slot = Some(bound.into());
                        }
                    }
                    _ => notes.push(format!(
                        "Valeur strictement {} à {v} ({k} du schéma JSON, sans équivalent en Table \
                         Schema : non vérifié par un validateur Table Schema).",
                        if lower { "supérieure" } else { "inférieure" }
                    )),
                }
            }
            "not" => notes.push(format!(
                "Règle non exprimable en Table Schema (not) : la valeur ne doit pas respecter {}.",
                describe_constraint(v)
            )),
            other => notes.push(format!(
                "Mot-clé JSON Schema « {other} » ({v}) sans équivalent en Table Schema : non vérifié."
            )),
        }
    }
    if matches!(ty, "integer" | "number") {
        if let Some(m) = minimum {
            c.insert("minimum".into(), m);
        }
        if let Some(m) = maximum {
            c.insert("maximum".into(), m);
        }
    }
    field_value(f, p, ty, c, notes)
}

fn field_value(f: &Field, p: &Value, ty: &str, constraints: Map<String, Value>, notes: Vec<String>) -> Value {
    let mut description = p.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    for n in notes {
        if !description.is_empty() {
            description.push(' ');
        }
        description.push_str(&n);
    }
    let mut out = Map::new();
    out.insert("name".into(), f.name.clone().into());
    if !f.title.is_empty() {
        out.insert("title".into(), f.title.clone().into());
    }
    if !description.is_empty() {
        out.insert("description".into(), description.into());
    }
    out.insert("type".into(), ty.into());
    if let Some(example) = p.get("examples").and_then(Value::as_array).and_then(|e| e.first()) {
        out.insert("example".into(), example.clone());
    }
    out.insert("constraints".into(), constraints.into());
    Value::Object(out)
}

/// A JSON Schema `pattern` (matched anywhere in the value) as a Table Schema `pattern` (which
/// must match the whole value): kept when already anchored at both ends without a top-level
/// alternative, else wrapped in `^[\s\S]*(?:…)[\s\S]*$`.
fn full_match_pattern(p: &str) -> String {
    if is_fully_anchored(p) { p.to_string() } else { format!(r"^[\s\S]*(?:{p})[\s\S]*$") }
}

/// Whether `p` starts with `^`, ends with an unescaped `$`, and has no `|` outside groups and
/// classes.
fn is_fully_anchored(p: &str) -> bool {
    if !p.starts_with('^') || !p.ends_with('$') {
        return false;
    }
    let (mut depth, mut in_class, mut escaped) = (0usize, false, false);
    let chars: Vec<char> = p.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if escaped {
            escaped = false;
            // The final `$` escaped: a literal dollar, not an anchor.
            if i == chars.len() - 1 {
                return false;
            }
            continue;
        }
        match ch {
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return false,
            _ => {}
        }
    }
    !in_class
}

/// The dataset description, followed by what Table Schema cannot express.
fn dataset_description(d: &Dataset, key_is_primary: bool) -> String {
    let mut text = d.json.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    let conditional = conditional_rules(&d.json);
    if !conditional.is_empty() {
        text.push_str("\n\nRègles conditionnelles non exprimables en Table Schema (vérifiées par reversa) :");
        for r in conditional {
            text.push_str("\n- ");
            text.push_str(&r);
        }
    }
    let other = reversa_rules(d, key_is_primary);
    if !other.is_empty() {
        text.push_str("\n\nAutres contrôles reversa non exprimables en Table Schema :");
        for r in other {
            text.push_str("\n- ");
            text.push_str(&r);
        }
    }
    text.trim_start().to_string()
}

/// The schema's conditional and combined rules, in French.
fn conditional_rules(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if json.get("if").is_some() {
        out.push(describe_rule(json));
    }
    for entry in json.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        out.push(describe_rule(entry));
    }
    for k in ["anyOf", "oneOf"] {
        for entry in json.get(k).and_then(Value::as_array).into_iter().flatten() {
            out.push(format!("{k} : {}", describe_rule(entry)));
        }
    }
    for k in ["not", "dependentRequired", "dependentSchemas"] {
        if let Some(v) = json.get(k) {
            out.push(format!("{k} : {v}"));
        }
    }
    out
}

/// One `if`/`then`/`else` (or plain) rule in French, followed by its own description.
fn describe_rule(rule: &Value) -> String {
    let mut s = match rule.get("if") {
        Some(cond) => {
            let mut s = format!("si {}", describe_condition(cond));
            if let Some(then) = rule.get("then") {
                s.push_str(&format!(" : {}", describe_consequence(then)));
            }
            if let Some(els) = rule.get("else") {
                s.push_str(&format!(" ; sinon : {}", describe_consequence(els)));
            }
            s
        }
        None => describe_consequence(rule),
    };
    if let Some(d) = rule.get("description").and_then(Value::as_str) {
        s.push_str(&format!(" ({d})"));
    }
    s
}

/// An `if` schema: property conditions, then the other required fields.
fn describe_condition(cond: &Value) -> String {
    let mut parts = Vec::new();
    let props = cond.get("properties").and_then(Value::as_object);
    for (name, sub) in props.into_iter().flatten() {
        parts.push(format!("{name} {}", describe_constraint(sub)));
    }
    for name in cond.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
    {
        if !props.is_some_and(|p| p.contains_key(name)) {
            parts.push(format!("{name} renseigné"));
        }
    }
    if parts.is_empty() { cond.to_string() } else { parts.join(" et ") }
}

/// A `then` (or plain) schema: the required fields, then the property constraints.
fn describe_consequence(then: &Value) -> String {
    let mut parts = Vec::new();
    let required: Vec<&str> = then
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !required.is_empty() {
        parts.push(format!("obligatoires : {}", required.join(", ")));
    }
    for (name, sub) in then.get("properties").and_then(Value::as_object).into_iter().flatten() {
        parts.push(format!("{name} {}", describe_constraint(sub)));
    }
    if parts.is_empty() { then.to_string() } else { parts.join(" ; ") }
}

/// A property constraint in French (`vaut « x »`, `≤ 0`, `respecte le motif …`).
fn describe_constraint(v: &Value) -> String {
    let quote = |v: &Value| match v.as_str() {
        Some(s) => format!("« {s} »"),
        None => v.to_string(),
    };
    let Some(obj) = v.as_object() else { return format!("respecte {v}") };
    let mut parts = Vec::new();
    for (k, x) in obj {
        parts.push(match k.as_str() {
            "const" => format!("vaut {}", quote(x)),
            "enum" => format!(
                "vaut {}",
                x.as_array().map_or(x.to_string(), |a| a.iter().map(quote).collect::<Vec<_>>().join(" ou "))
            ),
            "pattern" => format!("respecte le motif {}", x.as_str().unwrap_or_default()),
            "minimum" => format!("≥ {x}"),
            "maximum" => format!("≤ {x}"),
            "exclusiveMinimum" => format!("> {x}"),
            "exclusiveMaximum" => format!("< {x}"),
            "minLength" => format!("d'au moins {x} caractères"),
            "maxLength" => format!("d'au plus {x} caractères"),
            "description" | "title" | "$comment" => continue,
            other => format!("respecte {{\"{other}\": {x}}}"),
        });
    }
    if parts.is_empty() { format!("respecte {v}") } else { parts.join(" et ") }
}

/// The `x-reversa-*` rules beyond the primary and foreign keys, in French.
fn reversa_rules(d: &Dataset, key_is_primary: bool) -> Vec<String> {
    let list = |f: &[String]| f.join(", ");
    let mut out = Vec::new();
    if !key_is_primary && !d.key.is_empty() {
        out.push(if d.key.len() == 1 {
            format!(
                "clé {} facultative : unique lorsqu'elle est renseignée (constraints.unique), non \
                 déclarée en primaryKey, qui l'exigerait dans chaque ligne",
                d.key[0]
            )
        } else {
            format!(
                "clé ({}) facultative : combinaison unique lorsqu'elle est renseignée, non déclarée \
                 en primaryKey",
                list(&d.key)
            )
        });
    }
    for u in d.unique.iter().filter(|u| u.len() > 1) {
        out.push(format!("combinaison unique : ({})", list(u)));
    }
    if let Some(s) = &d.sequence {
        out.push(format!("{} numéroté de 1 à n sans trou ni doublon par ({})", s.field, list(&s.group)));
    }
    for o in &d.date_order {
        let mut s = format!("{} antérieure ou égale à {}", o.before, o.after);
        let when: Vec<String> = o
            .when
            .iter()
            .map(|(f, v)| {
                format!("{f} vaut {}", v.iter().map(|x| format!("« {x} »")).collect::<Vec<_>>().join(" ou "))
            })
            .collect();
        if !when.is_empty() {
            s.push_str(&format!(" lorsque {}", when.join(" et ")));
        }
        out.push(s);
    }
    if !d.not_future.is_empty() {
        out.push(format!("dates non postérieures au jour du contrôle : {}", list(&d.not_future)));
    }
    if let Some(m) = &d.min_age {
        out.push(format!("âge d'au moins {} ans à la date de la liste ({})", m.years, m.birth));
    }
    if !d.file_paths.is_empty() {
        out.push(format!("chemin d'un fichier présent dans l'export : {}", list(&d.file_paths)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::built_in().expect("built-in schemas compile")
    }

    fn schema_of(name: &str) -> Value {
        let reg = registry();
        to_table_schema(reg.get(name).expect("dataset"))
    }

    fn field<'a>(schema: &'a Value, name: &str) -> &'a Value {
        schema["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).expect("field")
    }

    fn matches(pattern: &str, value: &str) -> bool {
        jsonschema::is_valid(&json!({"type": "string", "pattern": pattern}), &json!(value))
    }

    #[test]
    fn every_built_in_dataset_converts() {
        let reg = registry();
        let all = to_table_schemas(&reg);
        assert_eq!(all.len(), reg.datasets.len());
        for ((name, ts), d) in all.iter().zip(&reg.datasets) {
            assert_eq!(name, &d.name);
            assert_eq!(ts["$schema"], TABLE_SCHEMA_PROFILE);
            assert_eq!(ts["name"], d.name.as_str());
            assert_eq!(ts["title"], d.title.as_str());
            assert_eq!(ts["version"], d.version.as_str());
            assert_eq!(ts["missingValues"], json!([""]));
            assert!(ts.get("path").is_none() && ts.get("homepage").is_none());
            assert!(ts.get("custom_checks").is_none(), "{name}");
            assert!(!ts["description"].as_str().unwrap().is_empty(), "{name}");
            assert_eq!(ts["fields"].as_array().unwrap().len(), d.fields.len(), "{name}");
        }
    }

    #[test]
    fn output_is_structurally_a_table_schema() {
        const CONSTRAINTS: &[&str] =
            &["required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength"];
        for (name, ts) in to_table_schemas(&registry()) {
            let fields = ts["fields"].as_array().expect("fields array");
            let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().expect("field name")).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{name}: duplicate field names");
            for f in fields {
                let fname = f["name"].as_str().unwrap();
                assert!(!fname.is_empty());
                let ty = f["type"].as_str().expect("type");
                assert!(FIELD_TYPES.contains(&ty), "{name}.{fname}: type {ty}");
                assert!(f["title"].is_string() && f["description"].is_string(), "{name}.{fname}");
                let c = f["constraints"].as_object().expect("constraints");
                assert!(c.keys().all(|k| CONSTRAINTS.contains(&k.as_str())), "{name}.{fname}: {c:?}");
                assert!(c["required"].is_boolean());
                if let Some(p) = c.get("pattern") {
                    assert_eq!(ty, "string", "{name}.{fname}: pattern on a non-string");
                    let p = p.as_str().unwrap();
                    assert!(p.starts_with('^') && p.ends_with('$'), "{name}.{fname}: {p}");
                }
                if c.contains_key("minLength") || c.contains_key("maxLength") {
                    assert_eq!(ty, "string");
                }
                if c.contains_key("minimum") || c.contains_key("maximum") {
                    assert!(ty == "integer" || ty == "number");
                }
                if let Some(e) = c.get("enum") {
                    assert!(e.as_array().is_some_and(|e| !e.is_empty()));
                }
            }
            for k in ts.get("primaryKey").and_then(Value::as_array).into_iter().flatten() {
                assert!(names.contains(&k.as_str().unwrap()), "{name}: primaryKey {k}");
            }
            for fk in ts.get("foreignKeys").and_then(Value::as_array).into_iter().flatten() {
                let own = fk["fields"].as_array().unwrap();
                let theirs = fk["reference"]["fields"].as_array().unwrap();
                assert_eq!(own.len(), theirs.len());
                assert!(own.iter().all(|f| names.contains(&f.as_str().unwrap())), "{name}: {fk}");
                assert!(fk["reference"]["resource"].is_string());
            }
        }
    }

    #[test]
    fn actes_primary_key_is_id_acte() {
        assert_eq!(schema_of("actes")["primaryKey"], json!(["id_acte"]));
    }

    #[test]
    fn mentions_foreign_key_to_actes() {
        let ts = schema_of("mentions");
        assert_eq!(
            ts["foreignKeys"],
            json!([{"fields": ["id_acte"], "reference": {"resource": "actes", "fields": ["id_acte"]}}])
        );
    }

    #[test]
    fn date_format_becomes_date_type() {
        let ts = schema_of("actes");
        let f = field(&ts, "date_evenement");
        assert_eq!(f["type"], "date");
        assert!(f.get("format").is_none());
        assert!(f["constraints"].get("pattern").is_none());
        assert_eq!(field(&ts, "numero_acte")["type"], "integer");
        assert_eq!(field(&ts, "annee")["constraints"]["minimum"], 1792);
        assert_eq!(field(&ts, "sexe")["constraints"]["enum"], json!(["M", "F", "I"]));
        assert_eq!(field(&ts, "id_acte")["example"], "AC-00000001");
    }

    #[test]
    fn partial_date_becomes_its_pattern() {
        let ts = schema_of("electeurs");
        let f = field(&ts, "date_naissance");
        assert_eq!(f["type"], "string");
        assert_eq!(f["constraints"]["pattern"], PARTIAL_DATE_PATTERN);
        assert!(f["description"].as_str().unwrap().contains("partial-date"));
        for ok in ["1953", "1961-04", "1961-04-30", "2000-02-29"] {
            assert!(
                matches(PARTIAL_DATE_PATTERN, ok) && crate::records::formats::is_partial_date(ok),
                "{ok}"
            );
        }
        for bad in
            ["195", "1961-4", "1961-13", "1961-00", "1961-04-00", "1961-04-32", "61-04-01", "1961/04/01"]
        {
            assert!(!matches(PARTIAL_DATE_PATTERN, bad), "{bad}");
            assert!(!crate::records::formats::is_partial_date(bad), "{bad}");
        }
    }

    #[test]
    fn nir_becomes_its_pattern() {
        let ts = schema_of("personnes");
        let f = field(&ts, "nir");
        assert_eq!(f["type"], "string");
        assert_eq!(f["constraints"]["pattern"], NIR_PATTERN);
        assert!(f["description"].as_str().unwrap().contains("clé de contrôle"));
        for ok in ["184063815141844", "269052A12345678", "470129912345612"] {
            assert!(matches(NIR_PATTERN, ok), "{ok}");
        }
        for bad in ["18406381514184", "184133815141844", "5840638151418 4", "184062C15141844"] {
            assert!(!matches(NIR_PATTERN, bad), "{bad}");
        }
    }

    #[test]
    fn required_constraints_match_the_json_schema() {
        let reg = registry();
        for d in &reg.datasets {
            let required: Vec<&str> =
                d.json["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let ts = to_table_schema(d);
            for f in ts["fields"].as_array().unwrap() {
                let name = f["name"].as_str().unwrap();
                assert_eq!(
                    f["constraints"]["required"],
                    Value::Bool(required.contains(&name)),
                    "{}.{name}",
                    d.name
                );
            }
        }
    }

    #[test]
    fn fields_follow_the_schema_text_order() {
        let ts = schema_of("actes");
        let names: Vec<&str> =
            ts["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(&names[..4], ["id_acte", "type_acte", "numero_acte", "annee"]);
        assert_eq!(names.last(), Some(&"officier"));
    }

    #[test]
    fn conditional_rules_are_described_not_checked() {
        let ts = schema_of("actes");
        let d = ts["description"].as_str().unwrap();
        assert!(d.contains("Règles conditionnelles non exprimables en Table Schema"), "{d}");
        assert!(
            d.contains("si type_acte vaut « naissance » : obligatoires : date_evenement, heure_evenement"),
            "{d}"
        );
        assert!(d.contains("numero_acte numéroté de 1 à n"), "{d}");
        assert!(d.contains("combinaison unique : (code_commune, annee, type_acte, numero_acte)"), "{d}");
        assert!(ts.get("custom_checks").is_none());
        let personnes = schema_of("personnes");
        let d = personnes["description"].as_str().unwrap();
        assert!(d.contains("si sexe vaut « M » et nir renseigné : nir respecte le motif ^[137]"), "{d}");
        let decisions = schema_of("decisions");
        assert!(decisions["description"].as_str().unwrap().contains("montant_accorde ≤ 0"));
        let mentions = schema_of("mentions");
        assert!(!mentions["description"].as_str().unwrap().contains("Règles conditionnelles"));
    }

    #[test]
    fn keywords_without_equivalent_are_described() {
        let ts = schema_of("paiements");
        let montant = field(&ts, "montant");
        assert_eq!(montant["type"], "number");
        assert!(montant["constraints"].get("minimum").is_none());
        assert!(montant["description"].as_str().unwrap().contains("strictement supérieure à 0"));
        let pieces = schema_of("pieces");
        let chemin = field(&pieces, "chemin");
        assert!(chemin["description"].as_str().unwrap().contains("(not)"));
        assert!(chemin["constraints"].get("not").is_none());
    }

    #[test]
    fn optional_key_is_unique_not_primary() {
        let ts = schema_of("electeurs");
        assert!(ts.get("primaryKey").is_none());
        assert_eq!(field(&ts, "id_electeur")["constraints"]["unique"], true);
        assert!(ts["description"].as_str().unwrap().contains("clé id_electeur facultative"));
        assert_eq!(
            ts["foreignKeys"][0],
            json!({"fields": ["code_bureau"], "reference": {"resource": "bureaux", "fields": ["code_bureau"]}})
        );
    }

    #[test]
    fn patterns_become_full_matches() {
        assert_eq!(full_match_pattern("^[0-9]{5}$"), "^[0-9]{5}$");
        assert_eq!(full_match_pattern("^(a|b)$"), "^(a|b)$");
        assert_eq!(full_match_pattern("^a[$]$"), "^a[$]$");
        assert_eq!(full_match_pattern("^[137]"), r"^[\s\S]*(?:^[137])[\s\S]*$");
        assert_eq!(full_match_pattern("^a|b$"), r"^[\s\S]*(?:^a|b$)[\s\S]*$");
        assert_eq!(full_match_pattern(r"^a\$"), r"^[\s\S]*(?:^a\$)[\s\S]*$");
        assert_eq!(full_match_pattern(""), r"^[\s\S]*(?:)[\s\S]*$");
        for (p, v, want) in [("^[137]", "184", true), ("^[137]", "284", false), ("^a|b$", "xb", true)] {
            assert_eq!(matches(&full_match_pattern(p), v), want, "{p} {v}");
        }
    }

    #[test]
    fn odd_schemas_do_not_panic() {
        let text = r#"{"type": "object", "title": "T",
            "properties": {"n": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "minimum": -5},
                           "x": {"type": "string", "format": "email", "const": "a", "pattern": "b", "not": {}},
                           "y": {"type": ["string", "null"], "multipleOf": 2}},
            "required": ["n"], "if": {"required": ["x"]}, "then": true, "anyOf": [{"required": ["y"]}]}"#;
        let d = Dataset::compile("odd", text).expect("compiles");
        let ts = to_table_schema(&d);
        let n = field(&ts, "n");
        assert_eq!(n["constraints"]["minimum"], 1);
        assert_eq!(n["constraints"]["maximum"], 9);
        let x = field(&ts, "x");
        assert_eq!(x["constraints"]["enum"], json!(["a"]));
        assert_eq!(x["constraints"]["pattern"], r"^[\s\S]*(?:b)[\s\S]*$");
        assert!(x["description"].as_str().unwrap().contains("email"));
        assert!(field(&ts, "y")["description"].as_str().unwrap().contains("multipleOf"));
        assert!(ts.get("primaryKey").is_none() && ts.get("foreignKeys").is_none());
        let desc = ts["description"].as_str().unwrap();
        assert!(desc.contains("si x renseigné : true") && desc.contains("anyOf"), "{desc}");
    }
}
