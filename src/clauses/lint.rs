//! `reversa clauses lint`: what is wrong with a clause file before it is signed — unknown kinds
//! or parameters, clauses that can never be verified with the evidence the file names,
//! contradictions, terms beyond the legal limits, and essential clauses missing — each with a
//! fix suggestion.

use super::{ClauseFile, kinds};
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
}

fn problem(
    code: &'static str,
    clause: Option<&str>,
    fr: String,
    en: String,
    fix: String,
    blocking: bool,
) -> Problem {
    Problem { code, clause: clause.map(str::to_string), message: fr, message_en: en, fix, blocking }
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
    for c in &f.clauses {
        let id = Some(c.id.as_str());
        if !seen.insert(c.id.as_str()) {
            out.push(problem(
                "duplicate-id",
                id,
                format!("identifiant {} en double", c.id),
                format!("duplicate id {}", c.id),
                "donner à chaque clause un identifiant unique".into(),
                true,
            ));
        }
        let Some(k) = kinds::kind(&c.kind) else {
            let known: Vec<&str> = kinds::CATALOGUE.iter().map(|k| k.name).collect();
            out.push(problem(
                "unknown-kind",
                id,
                format!("nature de contrôle inconnue « {} »", c.kind),
                format!("unknown check kind {:?}", c.kind),
                format!("choisir parmi : {}", known.join(", ")),
                true,
            ));
            continue;
        };
        for (name, value) in &c.params {
            match k.params.iter().find(|p| p.name == name) {
                None => {
                    let known: Vec<&str> = k.params.iter().map(|p| p.name).collect();
                    out.push(problem(
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
                    ));
                }
                Some(p) if !type_ok(p.ty, value) => out.push(problem(
                    "bad-param",
                    id,
                    format!("paramètre « {name} » : type attendu {:?}", p.ty),
                    format!("parameter {name:?}: {:?} expected", p.ty),
                    "corriger la valeur".into(),
                    true,
                )),
                Some(_) => {}
            }
        }
        for p in k.params.iter().filter(|p| p.required) {
            if !c.params.contains_key(p.name) {
                out.push(problem(
                    "missing-param",
                    id,
                    format!("paramètre obligatoire « {} » absent", p.name),
                    format!("required parameter {:?} missing", p.name),
                    format!("ajouter params = {{ {} = … }}", p.name),
                    true,
                ));
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
            out.push(problem(
                "bad-param",
                id,
                format!("période inversée : {a} > {b}"),
                format!("reversed period: {a} > {b}"),
                "échanger from et to".into(),
                true,
            ));
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
}
