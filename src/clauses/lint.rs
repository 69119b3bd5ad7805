//! `reversa clauses lint`: what is wrong with a clause file before it is signed — unknown kinds
//! or parameters, clauses that can never be verified with the evidence the file names,
//! contradictions, terms beyond the legal limits, and essential clauses missing — each with a
//! fix suggestion.

use super::{ClauseFile, kinds};
use crate::finding::Code;
use crate::input::InputError;
use serde::Serialize;

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A stable code (`unknown-kind`, `unknown-param`, `missing-param`, `bad-param`,
    /// `duplicate-id`, `never-verifiable`, `contradiction`, `legal-limit`, `missing-clause`).
    pub code: &'static str,
    /// The clause concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// What is wrong, in French.
    pub message: String,
    /// What is wrong, in English.
    pub message_en: String,
    /// How to fix it, in French.
    pub fix: String,
    /// Whether `verify --contract` refuses the file because of it.
    pub blocking: bool,
    /// The near name meant, for an unknown name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// How `verify --contract` refuses it: the `input.*` code, the name concerned, the label id
    /// of what it is (`what`) or of what was expected (`expected`), and its TOML path.
    #[serde(skip)]
    pub refusal: Option<Refusal>,
    #[serde(skip)]
    known: String,
}

/// A blocking problem as a refusal of the clause file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// An `input.*` code.
    pub code: Code,
    /// The name or key concerned.
    pub name: String,
    /// `what` (unknown names) or `expected` (invalid values), as a label id.
    pub label: &'static str,
    /// Where it is: `["clause", "2", "params", "datasets", "0"]`.
    pub path: Vec<String>,
    /// The known names, for an unknown one (`, `-separated).
    pub known: String,
}

impl Problem {
    /// The refusal of `origin` (whose text is `text`) for this problem.
    pub fn to_input(&self, text: &str, origin: &str) -> InputError {
        let Some(r) = &self.refusal else {
            return InputError::new(Code::InputInvalidValue, origin)
                .with("name", self.clause.as_deref().unwrap_or("-"))
                .with("expected", "other");
        };
        let path: Vec<&str> = r.path.iter().map(String::as_str).collect();
        let key = if r.code == Code::InputUnknownName { "what" } else { "expected" };
        let mut e = InputError::new(r.code, origin)
            .at_pos(crate::input::toml_position(text, &path))
            .with("name", &r.name)
            .with(key, r.label);
        if let Some(s) = &self.suggestion {
            e = e.with("suggestion", s);
        } else if r.code == Code::InputUnknownName && !r.known.is_empty() {
            e = e.with("known", &r.known);
        }
        e
    }

    fn refuse<S: AsRef<str>>(mut self, code: Code, name: &str, label: &'static str, path: &[S]) -> Problem {
        self.refusal = Some(Refusal {
            code,
            name: name.to_string(),
            label,
            path: path.iter().map(|p| p.as_ref().to_string()).collect(),
            known: self.known.clone(),
        });
        self
    }

    fn suggesting<'a>(mut self, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Problem {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        self.known = candidates.join(", ");
        if let Some(s) = crate::input::suggest(name, candidates) {
            self.fix = format!("vouliez-vous dire « {s} » ? ({})", self.fix);
            self.suggestion = Some(s.to_string());
        }
        self
    }
}

fn problem(
    code: &'static str,
    clause: Option<&str>,
    fr: String,
    en: String,
    fix: String,
    blocking: bool,
) -> Problem {
    Problem {
        code,
        clause: clause.map(str::to_string),
        message: fr,
        message_en: en,
        fix,
        blocking,
        suggestion: None,
        refusal: None,
        known: String::new(),
    }
}

/// The encodings the inventory names (`text-encoding`'s `encodings`).
pub const ENCODINGS: &[&str] = &["utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252", "iso-8859-15"];
/// The digest algorithms reversa names (`fixity`'s `algorithms`).
pub const ALGORITHMS: &[&str] = &["md5", "sha1", "sha256", "sha512"];

/// The label id of a parameter type, for refusals.
fn type_label(ty: kinds::ParamType) -> &'static str {
    use kinds::ParamType::*;
    match ty {
        Bool => "bool",
        Number => "number",
        Integer => "whole-number",
        Text => "text",
        List => "list",
    }
}

/// Whether a dataset's schema names the date field of its period coverage.
fn dated(dataset: &str) -> bool {
    crate::records::schema::BUILT_IN.iter().find(|(n, _)| *n == dataset).is_some_and(|(_, t)| {
        serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.get("x-reversa-period").is_some())
    })
}

/// The kinds an exit clause set should have (each essential to a reversibility clause).
pub const ESSENTIAL: &[(&str, &str)] = &[
    ("open-formats", "formats ouverts et documentés (CCAG-TIC art. 28, RGI)"),
    ("required-datasets", "restitution de toutes les données (Data Act art. 25(2)(e))"),
    ("completeness", "complétude contrôlée contre les comptages de la commune"),
    ("fixity", "intégrité prouvée par un manifeste d'empreintes"),
    ("delivery-deadline", "délai de livraison de l'export"),
    ("erasure-certificate", "effacement des données avec certificat (Data Act art. 25(2)(h))"),
];

/// Lints a clause file.
pub fn lint(f: &ClauseFile) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    contract_dates(f, &mut out);
    for (i, c) in f.clauses.iter().enumerate() {
        let id = Some(c.id.as_str());
        let n = i.to_string();
        let at = |rest: &[&str]| -> Vec<String> {
            ["clause", n.as_str()].iter().chain(rest).map(|s| s.to_string()).collect()
        };
        if !seen.insert(c.id.as_str()) {
            out.push(
                problem(
                    "duplicate-id",
                    id,
                    format!("identifiant {} en double", c.id),
                    format!("duplicate id {}", c.id),
                    "donner à chaque clause un identifiant unique".into(),
                    true,
                )
                .refuse(Code::InputInvalidValue, "id", "unique", &at(&["id"])),
            );
        }
        let Some(k) = kinds::kind(&c.kind) else {
            let known: Vec<&str> = kinds::CATALOGUE.iter().map(|k| k.name).collect();
            out.push(
                problem(
                    "unknown-kind",
                    id,
                    format!("nature de contrôle inconnue « {} »", c.kind),
                    format!("unknown check kind {:?}", c.kind),
                    format!("choisir parmi : {}", known.join(", ")),
                    true,
                )
                .suggesting(&c.kind, known.iter().copied())
                .refuse(Code::InputUnknownName, &c.kind, "clause-kind", &at(&["kind"])),
            );
            continue;
        };
        for (name, value) in &c.params {
            match k.params.iter().find(|p| p.name == name) {
                None => {
                    let known: Vec<&str> = k.params.iter().map(|p| p.name).collect();
                    out.push(
                        problem(
                            "unknown-param",
                            id,
                            format!("paramètre inconnu « {name} » pour {}", k.name),
                            format!("unknown parameter {name:?} for {}", k.name),
                            if known.is_empty() {
                                format!("{} n'a pas de paramètre : retirer params", k.name)
                            } else {
                                format!("paramètres de {} : {}", k.name, known.join(", "))
                            },
                            true,
                        )
                        .suggesting(name, known.iter().copied())
                        .refuse(
                            Code::InputUnknownName,
                            name,
                            "param",
                            &at(&["params", name]),
                        ),
                    );
                }
                Some(p) if !type_ok(p.ty, value) => out.push(
                    problem(
                        "bad-param",
                        id,
                        format!("paramètre « {name} » : type attendu {:?}", p.ty),
                        format!("parameter {name:?}: {:?} expected", p.ty),
                        "corriger la valeur".into(),
                        true,
                    )
                    .refuse(
                        Code::InputInvalidValue,
                        name,
                        type_label(p.ty),
                        &at(&["params", name]),
                    ),
                ),
                Some(_) => {}
            }
        }
        names_in_params(c, &at(&[]), &mut out);
        for p in k.params.iter().filter(|p| p.required) {
            if !c.params.contains_key(p.name) {
                out.push(
                    problem(
                        "missing-param",
                        id,
                        format!("paramètre obligatoire « {} » absent", p.name),
                        format!("required parameter {:?} missing", p.name),
                        format!("ajouter params = {{ {} = … }}", p.name),
                        true,
                    )
                    .refuse(Code::InputMissingKey, p.name, "", &at(&["kind"])),
                );
            }
        }
        let missing_contract: Vec<&str> =
            k.contract.iter().copied().filter(|field| !contract_has(f, field)).collect();
        if !missing_contract.is_empty() {
            out.push(problem(
                "never-verifiable",
                id,
                format!(
                    "la clause ne pourra jamais être vérifiée : [contract] ne donne pas {}",
                    missing_contract.join(", ")
                ),
                format!("the clause can never be verified: [contract] lacks {}", missing_contract.join(", ")),
                format!("renseigner {} dans [contract]", missing_contract.join(", ")),
                false,
            ));
        }
        if c.kind == "period-coverage"
            && let (Some(a), Some(b)) = (
                c.params.get("from").and_then(|v| v.as_integer()),
                c.params.get("to").and_then(|v| v.as_integer()),
            )
            && a > b
        {
            out.push(
                problem(
                    "bad-param",
                    id,
                    format!("période inversée : {a} > {b}"),
                    format!("reversed period: {a} > {b}"),
                    "échanger from et to".into(),
                    true,
                )
                .refuse(
                    Code::InputInvalidValue,
                    "from",
                    "from-before-to",
                    &at(&["params", "from"]),
                ),
            );
        }
    }
    contradictions(f, &mut out);
    legal_limits(f, &mut out);
    for (kind, why) in ESSENTIAL {
        if !f.clauses.iter().any(|c| c.kind == *kind) {
            out.push(problem(
                "missing-clause",
                None,
                format!("clause essentielle absente : {kind} — {why}"),
                format!("essential clause missing: {kind}"),
                format!(
                    "ajouter une clause kind = \"{kind}\" (voir reversa clauses init --template commune)"
                ),
                false,
            ));
        }
    }
    out
}

/// The names a clause's parameters give, checked against what reversa knows: check ids,
/// datasets (and whether they are dated, for a period), encodings and digest algorithms. A name
/// reversa does not know would otherwise make the clause violated or unverifiable.
fn names_in_params(c: &super::Clause, at: &[String], out: &mut Vec<Problem>) {
    let datasets: Vec<&str> = crate::records::schema::BUILT_IN.iter().map(|(n, _)| *n).collect();
    let checks: &[(&str, &str, &[&str], &'static str, &str)] = &[
        ("check", "id", crate::checks::CHECKS, "check", "unknown-check"),
        ("required-datasets", "datasets", &datasets, "dataset", "unknown-dataset"),
        ("history", "datasets", &datasets, "dataset", "unknown-dataset"),
        ("schema-conformance", "datasets", &datasets, "dataset", "unknown-dataset"),
        ("period-coverage", "dataset", &datasets, "dataset", "unknown-dataset"),
        ("text-encoding", "encodings", ENCODINGS, "encoding", "unknown-encoding"),
        ("fixity", "algorithms", ALGORITHMS, "algorithm", "unknown-algorithm"),
    ];
    for (kind, param, known, what, code) in checks {
        if c.kind != *kind {
            continue;
        }
        let values: Vec<(String, Vec<String>)> = match c.params.get(*param) {
            Some(toml::Value::String(s)) => vec![(s.clone(), vec![param.to_string()])],
            Some(toml::Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(j, v)| {
                    v.as_str().map(|s| (s.to_string(), vec![param.to_string(), j.to_string()]))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (value, sub) in values {
            let mut path: Vec<String> = at.to_vec();
            path.push("params".into());
            path.extend(sub);
            if !known.contains(&value.as_str()) {
                out.push(
                    problem(
                        code,
                        Some(&c.id),
                        format!(
                            "{} inconnu(e) « {value} » pour {kind}",
                            crate::input::label(what, crate::finding::Lang::Fr)
                        ),
                        format!("unknown {what} {value:?} for {kind}"),
                        format!("choisir parmi : {}", known.join(", ")),
                        true,
                    )
                    .suggesting(&value, known.iter().copied())
                    .refuse(Code::InputUnknownName, &value, what, &path),
                );
            } else if *kind == "period-coverage" && !dated(&value) {
                out.push(
                    problem(
                        "bad-param",
                        Some(&c.id),
                        format!("le jeu {value} n'a pas de champ date : sa période ne peut être contrôlée"),
                        format!("dataset {value} has no date field: its period cannot be checked"),
                        "choisir un jeu de données daté".into(),
                        true,
                    )
                    .refuse(Code::InputInvalidValue, &value, "dated-dataset", &path),
                );
            }
        }
    }
}

/// The contract's dates must be dates (a time alone cannot be counted in days).
fn contract_dates(f: &ClauseFile, out: &mut Vec<Problem>) {
    let c = &f.contract;
    for (key, value) in
        [("signature", &c.signature), ("exit_request", &c.exit_request), ("delivery", &c.delivery)]
    {
        if value.as_ref().is_some_and(|d| d.date.is_none()) {
            out.push(
                problem(
                    "bad-contract",
                    None,
                    format!("[contract] {key} : une date AAAA-MM-JJ est attendue"),
                    format!("[contract] {key}: a date YYYY-MM-DD expected"),
                    format!("écrire {key} = AAAA-MM-JJ"),
                    true,
                )
                .refuse(Code::InputInvalidValue, key, "date", &["contract", key]),
            );
        }
    }
}

fn type_ok(ty: kinds::ParamType, v: &toml::Value) -> bool {
    use kinds::ParamType::*;
    match ty {
        Bool => v.is_bool(),
        Number => v.is_integer() || v.is_float(),
        Integer => v.as_integer().is_some_and(|i| i >= 0),
        Text => v.is_str(),
        List => v.as_array().is_some_and(|a| a.iter().all(|x| x.is_str())),
    }
}

fn contract_has(f: &ClauseFile, field: &str) -> bool {
    let c = &f.contract;
    match field {
        "exit_request" => c.exit_request.is_some(),
        "delivery" => c.delivery.is_some(),
        "transition_period_days" => c.transition_period_days.is_some(),
        "notice_period_days" => c.notice_period_days.is_some(),
        "retrieval_window_days" => c.retrieval_window_days.is_some(),
        "switching_charges" => c.switching_charges.is_some(),
        _ => true,
    }
}

/// Clauses that cannot all be satisfied: a format both required and refused.
fn contradictions(f: &ClauseFile, out: &mut Vec<Problem>) {
    let strs = |c: &super::Clause, k: &str| -> Vec<String> {
        c.params
            .get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_lowercase)).collect())
            .unwrap_or_default()
    };
    for c in f.clauses.iter().filter(|c| c.kind == "open-formats") {
        let (allow, deny) = (strs(c, "allow"), strs(c, "deny"));
        for a in allow.iter().filter(|a| deny.contains(a)) {
            out.push(problem(
                "contradiction",
                Some(&c.id),
                format!("« {a} » à la fois admis et refusé"),
                format!("{a:?} both allowed and denied"),
                "retirer le format de allow ou de deny".into(),
                false,
            ));
        }
        let no_ooxml = c.params.get("allow_ooxml").and_then(|v| v.as_bool()) == Some(false);
        if no_ooxml
            && allow
                .iter()
                .any(|a| ["xlsx", "docx", "pptx", "fmt/214", "fmt/412", "fmt/215"].contains(&a.as_str()))
        {
            out.push(problem(
                "contradiction",
                Some(&c.id),
                "un format OOXML est admis alors que allow_ooxml = false".into(),
                "an OOXML format is allowed while allow_ooxml = false".into(),
                "choisir : retirer le format OOXML de allow, ou allow_ooxml = true".into(),
                false,
            ));
        }
    }
    let encodings: Vec<Vec<String>> = f
        .clauses
        .iter()
        .filter(|c| c.kind == "text-encoding")
        .map(|c| strs(c, "encodings"))
        .filter(|e| !e.is_empty())
        .collect();
    if encodings.len() > 1 && !encodings[0].iter().any(|e| encodings[1..].iter().all(|o| o.contains(e))) {
        out.push(problem(
            "contradiction",
            None,
            "les clauses d'encodage n'admettent aucun encodage commun".into(),
            "the encoding clauses share no encoding".into(),
            "harmoniser les listes encodings".into(),
            false,
        ));
    }
}

/// Contract terms beyond the Data Act limits (Regulation (EU) 2023/2854 art. 25, 29).
fn legal_limits(f: &ClauseFile, out: &mut Vec<Problem>) {
    let c = &f.contract;
    if let Some(d) = c.transition_period_days.filter(|d| *d > 30) {
        out.push(problem(
            "legal-limit",
            None,
            format!("période de transition de {d} jours, au-delà des 30 jours du Data Act (art. 25(2)(a))"),
            format!("transition period of {d} days, beyond the Data Act's 30 (art. 25(2)(a))"),
            "ramener transition_period_days à 30 au plus".into(),
            false,
        ));
    }
    if let Some(d) = c.notice_period_days.filter(|d| *d > 62) {
        out.push(problem(
            "legal-limit",
            None,
            format!("préavis de {d} jours, au-delà de 2 mois (art. 25(2)(d))"),
            format!("notice period of {d} days, beyond 2 months (art. 25(2)(d))"),
            "ramener notice_period_days à 2 mois au plus".into(),
            false,
        ));
    }
    if let Some(charges) = &c.switching_charges {
        let none = ["aucun", "aucune", "néant", "neant", "0", "none", "gratuit", "sans frais"]
            .iter()
            .any(|n| charges.trim().eq_ignore_ascii_case(n));
        let when = c.exit_request.as_ref().or(c.signature.as_ref()).and_then(kinds::day_number);
        if !none && when.is_some_and(|d| d >= kinds::days_from_civil(2027, 1, 12)) {
            out.push(problem("legal-limit", None, "frais de changement de fournisseur après le 12 janvier 2027, interdits par le Data Act (art. 29)".into(), "switching charges after 12 January 2027, forbidden by the Data Act (art. 29)".into(), "écrire switching_charges = \"aucun\" et retirer les frais du contrat".into(), false));
        }
    }
    if let Some(d) = c.retrieval_window_days.filter(|d| *d < 30) {
        out.push(problem("legal-limit", None, format!("fenêtre de récupération de {d} jours, sous les 30 jours (art. 25(2)(g), formulation non vérifiée)"), format!("retrieval window of {d} days, under 30 (art. 25(2)(g), wording unverified)"), "porter retrieval_window_days à 30 au moins".into(), false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_found_with_fixes() {
        let text = r#"reversa_clauses = "1"
[contract]
exit_request = 2027-02-01
switching_charges = "2 000 €"
transition_period_days = 45
notice_period_days = 90
retrieval_window_days = 15
[[clause]]
id = "A"
kind = "open-formats"
params = { allow = ["xlsx"], deny = ["XLSX"], allow_ooxml = false, colour = "bleu" }
[[clause]]
id = "A"
kind = "teleportation"
[[clause]]
id = "B"
kind = "delivery-deadline"
[[clause]]
id = "C"
kind = "period-coverage"
params = { dataset = "actes", from = 2025, to = 2000 }
"#;
        let f = ClauseFile::parse(text, "t").unwrap();
        let codes: Vec<&str> = lint(&f).iter().map(|p| p.code).collect();
        for expected in [
            "unknown-param",
            "duplicate-id",
            "unknown-kind",
            "missing-param",
            "never-verifiable",
            "contradiction",
            "legal-limit",
            "missing-clause",
            "bad-param",
        ] {
            assert!(codes.contains(&expected), "{expected} in {codes:?}");
        }
        assert_eq!(codes.iter().filter(|c| **c == "legal-limit").count(), 4);
        assert!(lint(&f).iter().all(|p| !p.fix.is_empty()));
    }

    /// The names a clause gives are checked: an unknown check, dataset, encoding or algorithm
    /// is blocking (it would make the clause unverifiable or violated), with the near name and
    /// the position of the refusal.
    #[test]
    fn unknown_names_in_params_are_blocking_with_the_near_name() {
        let text = r#"reversa_clauses = "1"
[contract]
delivery = 12:00:00
[[clause]]
id = "A"
kind = "check"
params = { id = "fixty" }
[[clause]]
id = "B"
kind = "required-datasets"
params = { datasets = ["actes", "electeur"] }
[[clause]]
id = "C"
kind = "text-encoding"
params = { encodings = ["UTF-8"] }
[[clause]]
id = "D"
kind = "fixity"
params = { algorithms = ["sha-256"] }
[[clause]]
id = "E"
kind = "period-coverage"
params = { dataset = "bureaux", from = 2000, to = 2001 }
[[clause]]
id = "F"
kind = "required-dataset"
"#;
        let f = ClauseFile::parse(text, "t").unwrap();
        let problems = lint(&f);
        let find = |code: &str, clause: Option<&str>| {
            problems
                .iter()
                .find(|p| p.code == code && p.clause.as_deref() == clause)
                .unwrap_or_else(|| panic!("{code} {clause:?} in {problems:#?}"))
        };
        for (code, clause, suggestion, line) in [
            ("unknown-check", "A", Some("fixity"), 7),
            ("unknown-dataset", "B", Some("electeurs"), 11),
            ("unknown-encoding", "C", Some("utf-8"), 15),
            ("unknown-algorithm", "D", Some("sha256"), 19),
            ("bad-param", "E", None, 23),
            ("unknown-kind", "F", Some("required-datasets"), 26),
        ] {
            let p = find(code, Some(clause));
            assert!(p.blocking, "{code}");
            assert_eq!(p.suggestion.as_deref(), suggestion, "{code}");
            let e = p.to_input(text, "t.toml");
            assert_eq!(e.line, Some(line), "{code}: {e}");
            assert_eq!(e.suggestion(), suggestion);
        }
        let e = find("bad-contract", None).to_input(text, "t.toml");
        assert_eq!((e.code, e.line), (Code::InputInvalidValue, Some(3)));
        // The first blocking problem refuses the file when it is loaded for a verification.
        let refused = ClauseFile::check(text, "t.toml").unwrap_err();
        assert!(refused.code.as_str().starts_with("input."), "{refused}");
        assert!(ClauseFile::check(crate::clauses::TEMPLATES[0].1, "template").is_ok());
    }
}
