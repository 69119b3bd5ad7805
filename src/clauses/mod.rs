//! Stage 6 — clauses: the contract's exit clauses, each given a verdict — satisfied, violated
//! or unverifiable — with its evidence and reason, and the overall answer the exit code
//! follows.
//!
//! A **clause file** (TOML, `reversa_clauses = "1"`, schema `schemas/clauses.schema.json`)
//! holds the contract's identity and terms (dates, notice, transition and retrieval periods,
//! switching charges) and its clauses, each with an id, the contract reference, its French
//! text, a check kind from [`kinds::CATALOGUE`] and the kind's parameters. Without a clause
//! file, [`default_set`] applies: one clause per reversa check that bears on the verdict.
//!
//! A mistake in the clause file (syntax, unknown key, kind, parameter, check id, dataset,
//! encoding or algorithm) is the commune's, not the vendor's: [`ClauseFile::load`] refuses the
//! file with an `input.*` [`crate::input::InputError`] (file, line, near name) before any work,
//! rather than let a clause be violated or unverifiable because of it.
//!
//! Overall: **satisfiable** when every clause is satisfied, **not satisfiable** when one is
//! violated, **undetermined** otherwise (none violated, some unverifiable).

#[cfg(test)]
mod attribution_tests;
pub mod evaluate;
pub mod kinds;
pub mod lint;

use crate::checks::CheckResult;
use crate::completeness::Completeness;
use crate::finding::{Finding, Lang};
use crate::inventory::FileRecord;
use crate::manifest::Manifest;
use crate::records::DatasetReport;
use serde::{Deserialize, Serialize};

/// Version of the clause file format.
pub const CLAUSES_VERSION: &str = "1";

/// The templates shipped in the binary: `(name, TOML text)`.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("data-act", include_str!("templates/data-act.toml")),
    ("ccag-tic", include_str!("templates/ccag-tic.toml")),
    ("secnumcloud", include_str!("templates/secnumcloud.toml")),
    ("commune", include_str!("templates/commune.toml")),
];

/// A clause file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseFile {
    /// Format version: `"1"`.
    pub reversa_clauses: String,
    /// Title, in French.
    #[serde(default)]
    pub title: String,
    /// The contract's identity and terms.
    #[serde(default)]
    pub contract: Contract,
    /// The clauses.
    #[serde(default, rename = "clause")]
    pub clauses: Vec<Clause>,
}

/// The contract's identity and exit terms, as written in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The vendor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The contract's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Signature date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<toml::value::Datetime>,
    /// The commune's exit request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_request: Option<toml::value::Datetime>,
    /// The day the export was delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<toml::value::Datetime>,
    /// Notice period, days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_period_days: Option<u32>,
    /// Transition period, days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_period_days: Option<u32>,
    /// Retrieval window after the transition, days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieval_window_days: Option<u32>,
    /// Switching charges, as written ("aucun", an amount…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switching_charges: Option<String>,
}

/// One clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// Unique id.
    pub id: String,
    /// Where it is in the contract (`CCAP art. 12.3`).
    #[serde(default)]
    pub reference: String,
    /// Its text, in French.
    #[serde(default)]
    pub text: String,
    /// The check kind.
    pub kind: String,
    /// The kind's parameters.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub params: toml::Table,
    /// The legal or standard source it implements, with its certainty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Why a clause file cannot be used: an `input.*` refusal with the file, line and column.
pub type ClauseError = crate::input::InputError;

impl ClauseFile {
    /// Parses a clause file (syntax and version only: [`lint::lint`] checks the rest).
    pub fn parse(text: &str, origin: &str) -> Result<ClauseFile, ClauseError> {
        let f: ClauseFile =
            toml::from_str(text).map_err(|e| crate::input::InputError::from_toml(&e, text, origin))?;
        if f.reversa_clauses != CLAUSES_VERSION {
            return Err(crate::input::InputError::new(crate::finding::Code::InputUnsupportedVersion, origin)
                .at_pos(crate::input::toml_position(text, &["reversa_clauses"]))
                .with("name", "reversa_clauses")
                .with("found", &f.reversa_clauses)
                .with("version", CLAUSES_VERSION));
        }
        Ok(f)
    }

    /// Parses and checks a clause file's text: syntax, kinds, parameters and the names they
    /// give (the blocking problems of [`lint::lint`]; its warnings do not stop a verification).
    pub fn check(text: &str, origin: &str) -> Result<ClauseFile, ClauseError> {
        let file = ClauseFile::parse(text, origin)?;
        if let Some(p) = lint::lint(&file).into_iter().find(|p| p.blocking) {
            return Err(p.to_input(text, origin));
        }
        Ok(file)
    }

    /// Reads and checks a clause file (see [`ClauseFile::check`]), with the SHA-256 of its bytes.
    pub fn load(path: &std::path::Path) -> Result<(ClauseFile, String), ClauseError> {
        let origin = path.display().to_string();
        let bytes = crate::input::read_input_file(path)?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| crate::input::InputError::new(crate::finding::Code::InputNotUtf8, origin.clone()))?;
        let file = ClauseFile::check(text, &origin)?;
        Ok((file, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))))
    }
}

/// A clause's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseVerdict {
    /// The evidence shows it is met.
    Satisfied,
    /// The evidence shows it is not.
    Violated,
    /// The evidence it needs is missing.
    Unverifiable,
}

/// One clause evaluated, as the report's `clauses[]` holds it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    /// The clause's id.
    pub id: String,
    /// Where it is in the contract.
    pub reference: String,
    /// Its text.
    pub text: String,
    /// Its check kind.
    pub kind: String,
    /// Its source, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `satisfied`, `violated` or `unverifiable`.
    pub verdict: ClauseVerdict,
    /// Why, in the report's language.
    pub reason: String,
    /// For an unverifiable clause: exactly what is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// The evidence: files, counts, digests, finding codes.
    pub evidence: Vec<String>,
}

/// Everything a clause may be checked against.
pub struct Evidence<'a> {
    /// The inventory.
    pub files: &'a [FileRecord],
    /// The manifest.
    pub manifest: Option<&'a Manifest>,
    /// The checks' results.
    pub checks: &'a [CheckResult],
    /// Every finding.
    pub findings: &'a [Finding],
    /// The datasets.
    pub datasets: &'a [DatasetReport],
    /// Completeness.
    pub completeness: &'a Completeness,
    /// Whether the commune gave a counts file.
    pub counts_given: bool,
    /// Text of the data dictionaries found (documentation clauses), by path.
    pub documents: &'a [(String, String)],
    /// The contract.
    pub contract: &'a Contract,
    /// The report's language.
    pub lang: Lang,
}

/// The clauses that apply without a clause file: one per reversa check that bears on the
/// verdict (safety, fixity, records, cross-records, completeness), kind `check`.
pub fn default_set() -> ClauseFile {
    let clause = |id: &str, check: &str, text: &str| {
        let mut params = toml::Table::new();
        params.insert("id".into(), toml::Value::String(check.into()));
        Clause {
            id: id.into(),
            reference: "reversa, attentes par défaut".into(),
            text: text.into(),
            kind: "check".into(),
            params,
            source: None,
        }
    };
    ClauseFile {
        reversa_clauses: CLAUSES_VERSION.into(),
        title: "Attentes par défaut de reversa".into(),
        contract: Contract::default(),
        clauses: vec![
            clause(
                "DEFAUT-SECURITE",
                "safety",
                "L'export s'ouvre sans risque : ni chemin hors de l'archive, ni lien, ni bombe de décompression, ni entrée chiffrée ou corrompue.",
            ),
            clause(
                "DEFAUT-INTEGRITE",
                "fixity",
                "Un manifeste déclare chaque fichier avec son empreinte, et chaque empreinte est vérifiée.",
            ),
            clause(
                "DEFAUT-ENREGISTREMENTS",
                "records",
                "Les enregistrements sont lisibles et conformes aux schémas ouverts du format reversa v1.",
            ),
            clause(
                "DEFAUT-COHERENCE",
                "cross-records",
                "Les enregistrements sont cohérents entre eux : clés uniques, références résolues, pièces présentes, numérotation continue.",
            ),
            clause(
                "DEFAUT-COMPLETUDE",
                "completeness",
                "Les comptages déclarés (par le manifeste de l'éditeur ou par la commune) sont atteints.",
            ),
        ],
    }
}

/// Evaluates every clause.
pub fn evaluate(file: &ClauseFile, ev: &Evidence<'_>) -> Vec<ClauseResult> {
    file.clauses
        .iter()
        .map(|c| {
            let outcome = evaluate::evaluate(c, ev);
            ClauseResult {
                id: c.id.clone(),
                reference: c.reference.clone(),
                text: c.text.clone(),
                kind: c.kind.clone(),
                source: c.source.clone(),
                verdict: outcome.verdict,
                reason: outcome.reason,
                missing: outcome.missing,
                evidence: outcome.evidence,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_lint_clean() {
        for (name, text) in TEMPLATES {
            let f = ClauseFile::parse(text, name).unwrap();
            assert!(!f.clauses.is_empty(), "{name}");
            let problems = lint::lint(&f);
            assert!(problems.is_empty(), "{name}: {problems:#?}");
        }
        assert!(lint::lint(&default_set()).iter().all(|p| !p.blocking));
    }
}
