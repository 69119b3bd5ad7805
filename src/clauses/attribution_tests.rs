//! Table tests of the attribution rule: a finding that is not about the export (attribution
//! `tool` or `input`) never turns a clause *violated*, whatever the clause kind.

use super::{Clause, ClauseFile, ClauseVerdict, Contract, Evidence, TEMPLATES, default_set, evaluate};
use crate::checks::{CHECKS, CheckResult, check_of, result_of};
use crate::completeness::Completeness;
use crate::finding::{Attribution, Code, Finding, Lang, Location};
use crate::manifest::{Manifest, ManifestKind};

/// Every clause shipped: the templates' and the default set's.
fn all_clauses() -> Vec<Clause> {
    let mut all = default_set().clauses;
    for (name, text) in TEMPLATES {
        all.extend(ClauseFile::parse(text, name).unwrap().clauses);
    }
    all
}

/// The checks' results as the pipeline computes them from these findings.
fn checks_for(findings: &[Finding]) -> Vec<CheckResult> {
    let mut unread = false;
    CHECKS
        .iter()
        .map(|&id| {
            let mine: Vec<Finding> =
                findings.iter().filter(|f| check_of(f.code.as_str()) == id).cloned().collect();
            let r = result_of(id, &mine, false, unread);
            if id == "safety" {
                unread = r.unverified > 0;
            }
            r
        })
        .collect()
}

fn verdicts(findings: &[Finding], lang: Lang) -> Vec<(String, ClauseVerdict)> {
    let manifest = Manifest::empty(ManifestKind::Reversa, "");
    let completeness = Completeness::default();
    let checks = checks_for(findings);
    let contract = Contract::default();
    let ev = Evidence {
        files: &[],
        manifest: Some(&manifest),
        checks: &checks,
        findings,
        datasets: &[],
        completeness: &completeness,
        counts_given: true,
        documents: &[],
        contract: &contract,
        lang,
    };
    let file = ClauseFile {
        reversa_clauses: "1".into(),
        title: String::new(),
        contract: Contract::default(),
        clauses: all_clauses(),
    };
    evaluate(&file, &ev).into_iter().map(|r| (format!("{} ({})", r.id, r.kind), r.verdict)).collect()
}

#[test]
fn a_tool_or_input_finding_never_turns_a_clause_violated() {
    let baseline = verdicts(&[], Lang::Fr);
    let mut tried = 0;
    for &code in Code::ALL.iter().filter(|c| c.attribution() != Attribution::Export) {
        for place in [Location::default(), Location::entry("data/electeurs.csv")] {
            let findings = vec![Finding::new(code, place)];
            for lang in [Lang::Fr, Lang::En] {
                let with = verdicts(&findings, lang);
                for ((clause, before), (_, after)) in baseline.iter().zip(&with) {
                    tried += 1;
                    assert!(
                        *before == ClauseVerdict::Violated || *after != ClauseVerdict::Violated,
                        "{}: clause {clause} went from {before:?} to violated",
                        code.as_str()
                    );
                }
            }
        }
    }
    assert!(tried > 100, "the table covers every clause and code ({tried})");
}

#[test]
fn a_tool_error_makes_its_check_clause_unverifiable_and_an_export_error_violates_it() {
    let clause_of = |verdicts: &[(String, ClauseVerdict)], id: &str| {
        verdicts.iter().find(|(c, _)| c.starts_with(id)).map(|(_, v)| *v).unwrap()
    };
    let tool = [Finding::new(Code::FixityUnsupportedAlgorithm, Location::manifest("manifest.xml", None))
        .with("algorithm", "whirlpool")];
    assert_eq!(clause_of(&verdicts(&tool, Lang::Fr), "DEFAUT-INTEGRITE"), ClauseVerdict::Unverifiable);
    let export = [Finding::new(Code::FixityDigestMismatch, Location::entry("data/a.csv"))];
    assert_eq!(clause_of(&verdicts(&export, Lang::Fr), "DEFAUT-INTEGRITE"), ClauseVerdict::Violated);
    // Both: the export's own fault still violates it.
    let both = [tool[0].clone(), export[0].clone()];
    assert_eq!(clause_of(&verdicts(&both, Lang::Fr), "DEFAUT-INTEGRITE"), ClauseVerdict::Violated);
}

#[test]
fn what_seems_absent_proves_nothing_when_part_of_the_archive_was_not_read() {
    let missing = Finding::new(Code::FixityMissingFile, Location::entry("data/b.csv"));
    let clause_of = |verdicts: &[(String, ClauseVerdict)], id: &str| {
        verdicts.iter().find(|(c, _)| c.starts_with(id)).map(|(_, v)| *v).unwrap()
    };
    assert_eq!(
        clause_of(&verdicts(std::slice::from_ref(&missing), Lang::Fr), "DEFAUT-INTEGRITE"),
        ClauseVerdict::Violated
    );
    let limit = Finding::new(Code::ArchiveTotalSizeExceeded, Location::default()).with("limit", "10");
    let v = verdicts(&[missing, limit], Lang::Fr);
    assert_eq!(clause_of(&v, "DEFAUT-INTEGRITE"), ClauseVerdict::Unverifiable);
    // A clause resting on an absence (a required dataset) is unverifiable too, not violated.
    let baseline = verdicts(&[], Lang::Fr);
    let required: Vec<&String> = baseline
        .iter()
        .filter(|(c, v)| c.contains("(required-datasets)") && *v == ClauseVerdict::Violated)
        .map(|(c, _)| c)
        .collect();
    assert!(!required.is_empty(), "a template requires datasets that the empty export lacks");
    for c in required {
        let after = v.iter().find(|(x, _)| x == c).unwrap().1;
        assert_eq!(after, ClauseVerdict::Unverifiable, "{c}");
    }
}

#[test]
fn a_dataset_seems_absent_but_a_data_file_was_not_mapped() {
    let unmapped = Finding::new(Code::RecordsUnmappedFile, Location::entry("export/ELECT.TXT"))
        .with("reason", "columns");
    let baseline = verdicts(&[], Lang::En);
    let with = verdicts(std::slice::from_ref(&unmapped), Lang::En);
    let mut seen = 0;
    for ((clause, before), (_, after)) in baseline.iter().zip(&with) {
        if clause.contains("(required-datasets)") && *before == ClauseVerdict::Violated {
            seen += 1;
            assert_eq!(*after, ClauseVerdict::Unverifiable, "{clause}");
        }
    }
    assert!(seen > 0);
    // A file that is there but does not belong to any dataset does not excuse a wrong digest.
    let mismatch = Finding::new(Code::FixityDigestMismatch, Location::entry("data/a.csv"));
    let v = verdicts(&[unmapped, mismatch], Lang::En);
    let integrity = v.iter().find(|(c, _)| c.starts_with("DEFAUT-INTEGRITE")).unwrap().1;
    assert_eq!(integrity, ClauseVerdict::Violated);
}
