//! Evaluating a clause: its kind's check against the evidence, giving a verdict, a reason (in
//! the report's language), the evidence and, when unverifiable, what is missing.

use super::kinds::{DOC_GLOBS, ERASURE_GLOBS, day_number, glob_set, string_list};
use super::{Clause, ClauseVerdict, Evidence};
use crate::checks::CheckStatus;
use crate::finding::{Code, Severity};
use crate::inventory::Openness;

/// What evaluating a clause gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The verdict.
    pub verdict: ClauseVerdict,
    /// Why.
    pub reason: String,
    /// What is missing, when unverifiable.
    pub missing: Option<String>,
    /// The evidence.
    pub evidence: Vec<String>,
}

fn sat(reason: String, evidence: Vec<String>) -> Outcome {
    Outcome { verdict: ClauseVerdict::Satisfied, reason, missing: None, evidence }
}
fn vio(reason: String, evidence: Vec<String>) -> Outcome {
    Outcome { verdict: ClauseVerdict::Violated, reason, missing: None, evidence }
}
fn unv(reason: String, missing: String) -> Outcome {
    Outcome { verdict: ClauseVerdict::Unverifiable, reason, missing: Some(missing), evidence: Vec::new() }
}

fn number(c: &Clause, name: &str) -> Option<f64> {
    match c.params.get(name)? {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The eleven datasets of reversa format v1 (the default of `required-datasets`).
pub const ALL_DATASETS: &[&str] = &[
    "actes",
    "mentions",
    "pieces",
    "foyers",
    "personnes",
    "demandes",
    "decisions",
    "paiements",
    "electeurs",
    "bureaux",
    "mouvements",
];

/// Clause kinds whose violation rests on something *absent* from the export (a dataset, a year,
/// a file, a number): when reversa could not read part of the export, the absent thing may be in
/// that part, so such a violation becomes unverifiable.
const ABSENCE_KINDS: &[&str] = &[
    "required-datasets",
    "history",
    "completeness",
    "file-list",
    "attachments",
    "acte-continuity",
    "referential-integrity",
    "period-coverage",
    "documentation",
    "erasure-certificate",
];

/// Of those, the kinds about datasets and records: data files reversa could not map to a dataset
/// (or stopped reading at one of its limits) may hold what they find absent.
const DATASET_KINDS: &[&str] = &[
    "required-datasets",
    "history",
    "completeness",
    "referential-integrity",
    "period-coverage",
    "acte-continuity",
    "attachments",
];

/// Data files not read for records: mapped to no dataset, or stopped by one of reversa's limits,
/// as `code ×count: first message`.
fn records_unread(ev: &Evidence<'_>) -> Vec<String> {
    by_code(ev, |f| matches!(f.code, Code::RecordsUnmappedFile | Code::RecordsReadLimit))
}

/// The findings that `keep` selects, one line per code: `code ×count : first message`.
fn by_code(ev: &Evidence<'_>, keep: impl Fn(&crate::finding::Finding) -> bool) -> Vec<String> {
    let mut codes: std::collections::BTreeMap<&str, (usize, String)> = Default::default();
    for f in ev.findings.iter().filter(|f| keep(f)) {
        codes.entry(f.code.as_str()).or_insert_with(|| (0, f.message(ev.lang))).0 += 1;
    }
    codes.into_iter().map(|(code, (n, msg))| format!("{code} ×{n} : {msg}")).collect()
}

/// Evaluates one clause (its kind and parameters were checked when the file was loaded).
///
/// Only the export's own faults violate a clause: what reversa could not check (findings of
/// attribution `tool`) makes it unverifiable, saying what reversa could not do.
pub fn evaluate(c: &Clause, ev: &Evidence<'_>) -> Outcome {
    let outcome = evaluate_kind(c, ev);
    if outcome.verdict != ClauseVerdict::Violated || !ABSENCE_KINDS.contains(&c.kind.as_str()) {
        return outcome;
    }
    let mut unread = blocking(ev, Some("safety"));
    if DATASET_KINDS.contains(&c.kind.as_str()) {
        unread.extend(records_unread(ev));
    }
    if unread.is_empty() {
        return outcome;
    }
    let l = ev.lang;
    let mut evidence = outcome.evidence;
    evidence.extend(unread.iter().cloned());
    Outcome {
        verdict: ClauseVerdict::Unverifiable,
        reason: format!(
            "{} ({})",
            outcome.reason,
            l.pick(
                "mais reversa n'a pas pu lire ou rattacher une partie de l'export : ce qui manque peut s'y trouver",
                "but reversa could not read or map part of the export: what is missing may be there"
            )
        ),
        missing: Some(format!(
            "{} {}",
            l.pick("une lecture complète de l'export :", "a complete reading of the export:"),
            unread.join("; ")
        )),
        evidence,
    }
}

/// The errors reversa could not check past (attribution `tool`), of one check or of all, as
/// `code ×count: first message`.
pub fn blocking(ev: &Evidence<'_>, check: Option<&str>) -> Vec<String> {
    by_code(ev, |f| f.blocks() && check.is_none_or(|c| crate::checks::check_of(f.code.as_str()) == c))
}

fn evaluate_kind(c: &Clause, ev: &Evidence<'_>) -> Outcome {
    let l = ev.lang;
    let t = |fr: String, en: String| if l == crate::finding::Lang::Fr { fr } else { en };
    match c.kind.as_str() {
        "check" => {
            let id = c.params.get("id").and_then(|v| v.as_str()).unwrap_or_default();
            // An unknown id is refused when the clause file is loaded (lint `unknown-check`,
            // `input.unknown-name`); this stays for a clause set built in code.
            let Some(r) = ev.checks.iter().find(|r| r.id == id) else {
                return unv(
                    t(format!("contrôle {id} inconnu"), format!("unknown check {id}")),
                    format!("check {id}"),
                );
            };
            let codes = finding_codes(ev, id);
            let name = if l == crate::finding::Lang::Fr { check_label_fr(id) } else { id };
            match r.status {
                CheckStatus::Pass | CheckStatus::Warn => sat(
                    t(format!("contrôle {name} réussi"), format!("check {id} passed")),
                    vec![format!("checks.{id}: {}", status_name(r.status))],
                ),
                CheckStatus::Fail => vio(
                    t(
                        format!("contrôle {id} en échec : {} erreur(s)", r.errors),
                        format!("check {id} failed: {} error(s)", r.errors),
                    ),
                    codes,
                ),
                CheckStatus::Unverifiable => {
                    // What reversa could not check, in this check or in reading the archive.
                    let mut blocked = blocking(ev, Some(id));
                    if blocked.is_empty() && r.errors > 0 {
                        blocked = blocking(ev, Some("safety"));
                    }
                    if !blocked.is_empty() {
                        let mut evidence = codes;
                        evidence.extend(blocked.iter().cloned());
                        return Outcome {
                            verdict: ClauseVerdict::Unverifiable,
                            reason: t(
                                format!("contrôle {name} invérifiable : reversa n'a pas pu tout vérifier"),
                                format!("check {id} cannot be verified: reversa could not check everything"),
                            ),
                            missing: Some(blocked.join("; ")),
                            evidence,
                        };
                    }
                    let missing = match id {
                        "fixity" => {
                            t("aucun manifeste dans l'export".into(), "no manifest in the export".into())
                        }
                        "records" | "cross-records" => t(
                            "aucun fichier d'enregistrements reconnu".into(),
                            "no record file recognised".into(),
                        ),
                        "completeness" => t(
                            "ni comptages déclarés par le manifeste, ni fichier de comptages (--counts)"
                                .into(),
                            "no counts declared by the manifest, no counts file (--counts)".into(),
                        ),
                        _ => id.to_string(),
                    };
                    unv(
                        t(format!("contrôle {id} invérifiable"), format!("check {id} cannot be verified")),
                        missing,
                    )
                }
            }
        }
        "open-formats" => {
            let allow_ooxml = c.params.get("allow_ooxml").and_then(|v| v.as_bool()).unwrap_or(true);
            let allow = string_list(c, "allow").unwrap_or_default();
            let deny = string_list(c, "deny").unwrap_or_default();
            let mut read = 0;
            let mut bad = Vec::new();
            let mut unknown: Vec<String> = Vec::new();
            for f in ev.files {
                let Some(facts) = &f.facts else { continue };
                read += 1;
                let fm = &facts.format;
                let named = |v: &Vec<String>| {
                    v.iter().any(|a| Some(a.as_str()) == fm.puid || a.eq_ignore_ascii_case(fm.name))
                };
                let ooxml = fm.note.is_some_and(|n| n.contains("observation"));
                let ok = named(&allow)
                    || (!named(&deny) && fm.openness == Openness::Open && (allow_ooxml || !ooxml));
                // A format reversa could not identify is not known to be closed: unverifiable.
                if !ok && facts.size > 0 && fm.openness == Openness::Unknown && !named(&deny) {
                    unknown.push(f.meta.path.clone());
                    continue;
                }
                // An empty file has no format to judge (the inventory reports it apart).
                if !ok && facts.size > 0 {
                    bad.push(format!(
                        "{} ({}{})",
                        f.meta.path,
                        fm.name,
                        fm.puid.map(|p| format!(", {p}")).unwrap_or_default()
                    ));
                }
            }
            if read == 0 {
                return unv(
                    t("aucun fichier lu".into(), "no file read".into()),
                    t("des fichiers lisibles dans l'export".into(), "readable files in the export".into()),
                );
            }
            if bad.is_empty() && !unknown.is_empty() {
                let n = unknown.len();
                unknown.truncate(10);
                return Outcome {
                    verdict: ClauseVerdict::Unverifiable,
                    reason: t(
                        format!("{n} fichier(s) dont reversa n'a pas pu identifier le format"),
                        format!("{n} file(s) whose format reversa could not identify"),
                    ),
                    missing: Some(t(
                        "l'identification du format de ces fichiers".into(),
                        "the format identification of these files".into(),
                    )),
                    evidence: unknown,
                };
            }
            if bad.is_empty() {
                sat(
                    t(
                        format!("{read} fichier(s), tous en formats ouverts"),
                        format!("{read} file(s), all in open formats"),
                    ),
                    vec![format!("files: {read}")],
                )
            } else {
                let n = bad.len();
                bad.truncate(10);
                vio(
                    t(
                        format!("{n} fichier(s) hors des formats admis"),
                        format!("{n} file(s) outside the accepted formats"),
                    ),
                    bad,
                )
            }
        }
        "text-encoding" => {
            let allowed =
                string_list(c, "encodings").unwrap_or_else(|| vec!["utf-8".into(), "utf-8-bom".into()]);
            let mut text = 0;
            let mut bad = Vec::new();
            for f in ev.files {
                let Some(facts) = &f.facts else { continue };
                if !facts.format.is_text() {
                    continue;
                }
                text += 1;
                if !allowed.iter().any(|a| a == facts.encoding.as_str()) {
                    bad.push(format!("{} ({})", f.meta.path, facts.encoding.as_str()));
                }
            }
            if text == 0 {
                return unv(
                    t("aucun fichier texte".into(), "no text file".into()),
                    t("des fichiers texte dans l'export".into(), "text files in the export".into()),
                );
            }
            if bad.is_empty() {
                sat(
                    t(
                        format!("{text} fichier(s) texte en {}", allowed.join(", ")),
                        format!("{text} text file(s) in {}", allowed.join(", ")),
                    ),
                    vec![format!("text files: {text}")],
                )
            } else {
                let n = bad.len();
                bad.truncate(10);
                vio(
                    t(
                        format!("{n} fichier(s) texte dans un autre encodage"),
                        format!("{n} text file(s) in another encoding"),
                    ),
                    bad,
                )
            }
        }
        "required-datasets" | "history" => {
            let default: &[&str] =
                if c.kind == "history" { &["mentions", "mouvements", "decisions"] } else { ALL_DATASETS };
            let wanted =
                string_list(c, "datasets").unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect());
            let have =
                |n: &str| ev.datasets.iter().find(|d| d.name == n && d.status == "present" && d.records > 0);
            let missing: Vec<&String> = wanted.iter().filter(|n| have(n).is_none()).collect();
            let evidence: Vec<String> = wanted
                .iter()
                .filter_map(|n| have(n))
                .map(|d| format!("{}: {} enregistrement(s)", d.name, d.records))
                .collect();
            if missing.is_empty() {
                sat(
                    t(
                        format!("{} jeu(x) de données livré(s)", wanted.len()),
                        format!("{} dataset(s) delivered", wanted.len()),
                    ),
                    evidence,
                )
            } else {
                let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                vio(
                    t(
                        format!("jeu(x) absent(s) : {}", names.join(", ")),
                        format!("dataset(s) missing: {}", names.join(", ")),
                    ),
                    evidence,
                )
            }
        }
        "schema-conformance" => {
            let max = number(c, "max_error_rate").unwrap_or(0.0);
            let only = string_list(c, "datasets");
            let selected: Vec<_> = ev
                .datasets
                .iter()
                .filter(|d| d.status == "present" && only.as_ref().is_none_or(|o| o.contains(&d.name)))
                .collect();
            let records: u64 = selected.iter().map(|d| d.records).sum();
            if records == 0 {
                return unv(
                    t("aucun enregistrement lu".into(), "no record read".into()),
                    t("des fichiers d'enregistrements reconnus".into(), "recognised record files".into()),
                );
            }
            let over: Vec<String> = selected
                .iter()
                .filter(|d| d.records > 0 && d.invalid as f64 / d.records as f64 > max)
                .map(|d| format!("{}: {}/{} invalide(s)", d.name, d.invalid, d.records))
                .collect();
            let invalid: u64 = selected.iter().map(|d| d.invalid).sum();
            if over.is_empty() {
                sat(
                    t(
                        format!("{invalid} enregistrement(s) invalide(s) sur {records}, taux admis {max}"),
                        format!("{invalid} invalid record(s) of {records}, rate allowed {max}"),
                    ),
                    vec![format!("records: {records}, invalid: {invalid}")],
                )
            } else {
                vio(
                    t(
                        format!("taux d'erreur au-dessus de {max} pour {} jeu(x)", over.len()),
                        format!("error rate above {max} for {} dataset(s)", over.len()),
                    ),
                    over,
                )
            }
        }
        "completeness" => {
            if !ev.counts_given {
                return unv(
                    t("pas de comptages de la commune".into(), "no counts from the commune".into()),
                    t(
                        "aucun fichier de comptages donné (--counts)".into(),
                        "no counts file given (--counts)".into(),
                    ),
                );
            }
            let commune: Vec<_> = ev
                .completeness
                .entries
                .iter()
                .filter(|e| e.declared_by == crate::completeness::DeclaredBy::Commune)
                .collect();
            let failed: Vec<String> = commune
                .iter()
                .filter(|e| e.status == "fail")
                .take(10)
                .map(|e| format!("{} {} ({}): {} / {}", e.kind, e.dataset, e.group, e.found, e.expected))
                .collect();
            let n_failed = commune.iter().filter(|e| e.status == "fail").count();
            if n_failed == 0 {
                sat(
                    t(
                        format!("{} chiffre(s) de la commune atteint(s)", commune.len()),
                        format!("{} figure(s) from the commune met", commune.len()),
                    ),
                    vec![format!("completeness: {} entries", commune.len())],
                )
            } else {
                vio(
                    t(
                        format!("{n_failed} chiffre(s) de la commune non atteint(s)"),
                        format!("{n_failed} figure(s) from the commune not met"),
                    ),
                    failed,
                )
            }
        }
        "fixity" => {
            let allowed = string_list(c, "algorithms").unwrap_or_else(|| {
                [
                    "sha256",
                    "sha384",
                    "sha512",
                    "sha3-256",
                    "sha3-384",
                    "sha3-512",
                    "blake2b-256",
                    "blake2b-384",
                    "blake2b-512",
                ]
                .map(String::from)
                .to_vec()
            });
            let Some(m) = ev.manifest.filter(|m| m.kind != crate::manifest::ManifestKind::None) else {
                return vio(
                    t(
                        "aucun manifeste livré : l'intégrité ne peut être prouvée".into(),
                        "no manifest delivered: integrity cannot be proven".into(),
                    ),
                    Vec::new(),
                );
            };
            let algs: Vec<&str> = m.algorithms().iter().map(|a| a.as_str()).collect();
            // The clause may spell an algorithm as the packages do (`SHA3-256`, `sha3_256`).
            let same = |x: &str, a: &str| {
                x == a || crate::inventory::Algorithm::parse(x).is_some_and(|p| p.as_str() == a)
            };
            let weak: Vec<&&str> = algs.iter().filter(|a| !allowed.iter().any(|x| same(x, a))).collect();
            let errors = count_codes(ev, &["fixity.", "manifest."], Severity::Error);
            let blocked = blocking(ev, Some("fixity"));
            let mut evidence = vec![format!("manifest: {} ({})", m.kind.as_str(), algs.join(", "))];
            evidence.extend(errors.iter().cloned());
            if !weak.is_empty() {
                let w: Vec<&str> = weak.iter().map(|a| **a).collect();
                vio(
                    t(
                        format!("algorithme(s) non admis : {}", w.join(", ")),
                        format!("algorithm(s) not allowed: {}", w.join(", ")),
                    ),
                    evidence,
                )
            } else if !errors.is_empty() {
                vio(
                    t("empreintes ou déclarations en défaut".into(), "digests or declarations wrong".into()),
                    evidence,
                )
            } else if !blocked.is_empty() {
                evidence.extend(blocked.iter().cloned());
                Outcome {
                    verdict: ClauseVerdict::Unverifiable,
                    reason: t(
                        "reversa n'a pas pu vérifier toutes les empreintes".into(),
                        "reversa could not verify every digest".into(),
                    ),
                    missing: Some(blocked.join("; ")),
                    evidence,
                }
            } else {
                sat(
                    t(
                        format!(
                            "manifeste {} vérifié, {} fichier(s) déclaré(s)",
                            m.kind.as_str(),
                            m.declared.len()
                        ),
                        format!(
                            "manifest {} verified, {} file(s) declared",
                            m.kind.as_str(),
                            m.declared.len()
                        ),
                    ),
                    evidence,
                )
            }
        }
        "file-list" => {
            if ev.manifest.is_none_or(|m| m.kind == crate::manifest::ManifestKind::None) {
                return unv(
                    t("pas de manifeste".into(), "no manifest".into()),
                    t("un manifeste listant les fichiers".into(), "a manifest listing the files".into()),
                );
            }
            let problems = ev
                .findings
                .iter()
                .filter(|f| matches!(f.code, Code::FixityMissingFile | Code::FixityUnlistedFile))
                .collect::<Vec<_>>();
            if problems.is_empty() {
                sat(
                    t("aucun fichier manquant ni non déclaré".into(), "no file missing or unlisted".into()),
                    Vec::new(),
                )
            } else {
                let ev2 = problems
                    .iter()
                    .take(10)
                    .map(|f| format!("{}: {}", f.code.as_str(), f.location))
                    .collect();
                vio(
                    t(
                        format!("{} fichier(s) manquant(s) ou non déclaré(s)", problems.len()),
                        format!("{} file(s) missing or unlisted", problems.len()),
                    ),
                    ev2,
                )
            }
        }
        "attachments" | "acte-continuity" => {
            let (dataset, rule) =
                if c.kind == "attachments" { ("pieces", "file-exists") } else { ("actes", "sequence") };
            let Some(d) = ev.datasets.iter().find(|d| d.name == dataset && d.status == "present") else {
                return unv(
                    t(format!("jeu {dataset} absent"), format!("dataset {dataset} absent")),
                    t(format!("le jeu de données {dataset}"), format!("the {dataset} dataset")),
                );
            };
            let Some(x) = d.cross.iter().find(|x| x.rule == rule) else {
                return unv(t("contrôle indisponible".into(), "check unavailable".into()), rule.to_string());
            };
            let mut evidence =
                vec![format!("{dataset}.{rule}: {} contrôlé(s), {} écart(s)", x.checked, x.violations)];
            evidence.extend(x.gaps.iter().take(10).map(|g| format!("{}: {}", g.group, g.ranges.join(", "))));
            evidence.extend(x.locations.iter().map(|l| format!("{}:{}", l.path, l.row)));
            if x.violations == 0 {
                sat(
                    t(
                        format!("{} valeur(s) contrôlée(s), aucun écart", x.checked),
                        format!("{} value(s) checked, none off", x.checked),
                    ),
                    evidence,
                )
            } else {
                vio(
                    t(format!("{} écart(s)", x.violations), format!("{} violation(s)", x.violations)),
                    evidence,
                )
            }
        }
        "referential-integrity" => {
            let refs: Vec<_> = ev
                .datasets
                .iter()
                .flat_map(|d| d.cross.iter().filter(|x| x.rule == "reference").map(move |x| (d, x)))
                .collect();
            if refs.is_empty() {
                return unv(
                    t("aucune référence à contrôler".into(), "no reference to check".into()),
                    t(
                        "des jeux de données liés entre eux".into(),
                        "datasets that refer to each other".into(),
                    ),
                );
            }
            let failed: Vec<String> = refs
                .iter()
                .filter(|(_, x)| x.status == "fail")
                .map(|(d, x)| {
                    format!(
                        "{}.{} → {}: {}",
                        d.name,
                        x.fields.join("+"),
                        x.target.as_deref().unwrap_or(""),
                        x.violations
                    )
                })
                .collect();
            let unverified: Vec<String> = refs
                .iter()
                .filter(|(_, x)| x.status == "unverifiable")
                .map(|(d, x)| {
                    format!("{}.{} → {}", d.name, x.fields.join("+"), x.target.as_deref().unwrap_or(""))
                })
                .collect();
            if !failed.is_empty() {
                vio(
                    t(
                        format!("{} référence(s) non résolue(s)", failed.len()),
                        format!("{} reference(s) unresolved", failed.len()),
                    ),
                    failed,
                )
            } else if !unverified.is_empty() {
                unv(
                    t("des jeux référencés sont absents".into(), "referred datasets are absent".into()),
                    unverified.join("; "),
                )
            } else {
                sat(
                    t(
                        format!("{} référence(s) résolue(s)", refs.len()),
                        format!("{} reference(s) resolved", refs.len()),
                    ),
                    Vec::new(),
                )
            }
        }
        "period-coverage" => {
            let dataset = c.params.get("dataset").and_then(|v| v.as_str()).unwrap_or_default();
            let from = c.params.get("from").and_then(|v| v.as_integer()).unwrap_or(0);
            let to = c.params.get("to").and_then(|v| v.as_integer()).unwrap_or(0);
            let d = ev.datasets.iter().find(|d| d.name == dataset && d.status == "present");
            let Some(period) = d.map(|d| d.period.as_ref()) else {
                return vio(
                    t(
                        format!("jeu {dataset} absent : aucune année couverte"),
                        format!("dataset {dataset} absent: no year covered"),
                    ),
                    Vec::new(),
                );
            };
            let Some(period) = period else {
                return unv(
                    t(
                        format!("le jeu {dataset} n'a pas de champ date"),
                        format!("dataset {dataset} has no date field"),
                    ),
                    "x-reversa-period".into(),
                );
            };
            // Years, not a range a clause file could make endless.
            let (from, to) = (from.clamp(1000, 9999), to.clamp(1000, 9999));
            let missing: Vec<String> = (from..=to)
                .filter(|y| !period.years.contains_key(&y.to_string()))
                .map(|y| y.to_string())
                .collect();
            if missing.is_empty() {
                sat(
                    t(format!("{dataset} couvre {from}–{to}"), format!("{dataset} covers {from}–{to}")),
                    vec![format!("{}: {}", period.field, period.years.len())],
                )
            } else {
                vio(
                    t(
                        format!("{} année(s) sans enregistrement", missing.len()),
                        format!("{} year(s) without records", missing.len()),
                    ),
                    vec![missing.join(", ")],
                )
            }
        }
        "delivery-deadline" => {
            let days = c.params.get("days").and_then(|v| v.as_integer()).unwrap_or(0);
            let (Some(req), Some(del)) = (
                ev.contract.exit_request.as_ref().and_then(day_number),
                ev.contract.delivery.as_ref().and_then(day_number),
            ) else {
                let mut missing = Vec::new();
                if ev.contract.exit_request.is_none() {
                    missing.push("exit_request");
                }
                if ev.contract.delivery.is_none() {
                    missing.push("delivery");
                }
                return unv(
                    t(
                        "dates de la demande ou de la livraison absentes".into(),
                        "request or delivery date missing".into(),
                    ),
                    t(
                        format!("[contract] {} dans le fichier de clauses", missing.join(", ")),
                        format!("[contract] {} in the clause file", missing.join(", ")),
                    ),
                );
            };
            let took = del - req;
            let evidence = vec![format!("exit_request → delivery: {took} jour(s)")];
            if took <= days {
                sat(
                    t(
                        format!("livré en {took} jour(s), délai {days}"),
                        format!("delivered in {took} day(s), deadline {days}"),
                    ),
                    evidence,
                )
            } else {
                vio(
                    t(
                        format!("livré en {took} jour(s), au-delà du délai de {days}"),
                        format!("delivered in {took} day(s), beyond the {days}-day deadline"),
                    ),
                    evidence,
                )
            }
        }
        "data-act-terms" => data_act_terms(ev, &t),
        "documentation" | "erasure-certificate" => {
            let doc = c.kind == "documentation";
            let default = if doc { DOC_GLOBS } else { ERASURE_GLOBS };
            let globs =
                string_list(c, "files").unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect());
            let set = glob_set(&globs);
            let found: Vec<String> = ev
                .files
                .iter()
                .filter(|f| f.facts.is_some() && set.is_match(&f.meta.path))
                .map(|f| f.meta.path.clone())
                .collect();
            let what = if doc {
                t("dictionnaire de données".into(), "data dictionary".into())
            } else {
                t("certificat d'effacement".into(), "erasure certificate".into())
            };
            if found.is_empty() {
                return vio(
                    t(
                        format!("aucun {what} dans l'export (motifs : {})", globs.join(", ")),
                        format!("no {what} in the export (patterns: {})", globs.join(", ")),
                    ),
                    Vec::new(),
                );
            }
            if !doc {
                return sat(t(format!("{what} présent"), format!("{what} present")), found);
            }
            // The dictionary must describe every column of the record files delivered.
            let texts: Vec<String> = ev
                .documents
                .iter()
                .filter(|(p, _)| found.contains(p))
                .map(|(_, t)| t.to_lowercase())
                .collect();
            if texts.is_empty() {
                return unv(
                    t(
                        "dictionnaire présent mais illisible (format non textuel ou trop grand)".into(),
                        "dictionary present but unreadable (not text, or too large)".into(),
                    ),
                    t(
                        "un dictionnaire en texte (CSV, TXT, Markdown, JSON, XML) de 4 Mio au plus".into(),
                        "a text dictionary (CSV, TXT, Markdown, JSON, XML) of at most 4 MiB".into(),
                    ),
                );
            }
            let mut columns: Vec<&str> = ev
                .datasets
                .iter()
                .flat_map(|d| d.files.iter().flat_map(|f| f.columns.iter().map(String::as_str)))
                .collect();
            columns.sort_unstable();
            columns.dedup();
            let undocumented: Vec<&str> = columns
                .iter()
                .copied()
                .filter(|c| !texts.iter().any(|t| t.contains(&c.to_lowercase())))
                .collect();
            let mut evidence = found;
            if undocumented.is_empty() {
                evidence.push(format!("{} colonne(s) décrite(s)", columns.len()));
                sat(
                    t(
                        format!("{what} présent, qui décrit les {} colonne(s) livrée(s)", columns.len()),
                        format!("{what} present, describing the {} column(s) delivered", columns.len()),
                    ),
                    evidence,
                )
            } else {
                evidence.push(format!(
                    "non décrites : {}",
                    undocumented.iter().take(20).copied().collect::<Vec<_>>().join(", ")
                ));
                vio(
                    t(
                        format!("{} colonne(s) sur {} absentes du {what}", undocumented.len(), columns.len()),
                        format!(
                            "{} column(s) of {} missing from the {what}",
                            undocumented.len(),
                            columns.len()
                        ),
                    ),
                    evidence,
                )
            }
        }
        // Refused when the file is loaded (lint `unknown-kind`); kept for a clause set built in code.
        other => unv(
            t(format!("nature de contrôle inconnue : {other}"), format!("unknown check kind: {other}")),
            other.to_string(),
        ),
    }
}

/// The Data Act limits on the contract's own terms.
fn data_act_terms(ev: &Evidence<'_>, t: &dyn Fn(String, String) -> String) -> Outcome {
    let c = ev.contract;
    let mut missing = Vec::new();
    let mut broken = Vec::new();
    let mut evidence = Vec::new();
    match c.transition_period_days {
        Some(d) => {
            evidence.push(format!("transition_period_days = {d}"));
            if d > 30 {
                broken.push(t(
                    format!("transition de {d} jours > 30 (art. 25(2)(a))"),
                    format!("transition of {d} days > 30 (art. 25(2)(a))"),
                ));
            }
        }
        None => missing.push("transition_period_days"),
    }
    match c.notice_period_days {
        Some(d) => {
            evidence.push(format!("notice_period_days = {d}"));
            if d > 62 {
                broken.push(t(
                    format!("préavis de {d} jours > 2 mois (art. 25(2)(d))"),
                    format!("notice of {d} days > 2 months (art. 25(2)(d))"),
                ));
            }
        }
        None => missing.push("notice_period_days"),
    }
    match c.retrieval_window_days {
        Some(d) => {
            evidence.push(format!("retrieval_window_days = {d}"));
            if d < 30 {
                broken.push(t(
                    format!("fenêtre de récupération de {d} jours < 30 (art. 25(2)(g))"),
                    format!("retrieval window of {d} days < 30 (art. 25(2)(g))"),
                ));
            }
        }
        None => missing.push("retrieval_window_days"),
    }
    match &c.switching_charges {
        Some(s) => {
            evidence.push(format!("switching_charges = {s:?}"));
            let none = ["aucun", "aucune", "néant", "neant", "0", "none", "gratuit", "sans frais"]
                .iter()
                .any(|n| s.trim().eq_ignore_ascii_case(n));
            // From 12 January 2027 no switching charges (art. 29); before, reduced charges are allowed.
            let when = c.exit_request.as_ref().or(c.signature.as_ref()).and_then(day_number);
            let after = when.is_some_and(|d| d >= super::kinds::days_from_civil(2027, 1, 12));
            if !none && after {
                broken.push(t(
                    "frais de changement après le 12 janvier 2027 (art. 29)".into(),
                    "switching charges after 12 January 2027 (art. 29)".into(),
                ));
            }
        }
        None => missing.push("switching_charges"),
    }
    if !broken.is_empty() {
        return vio(broken.join(" ; "), evidence);
    }
    if !missing.is_empty() {
        return Outcome {
            verdict: ClauseVerdict::Unverifiable,
            reason: t(
                "des termes du contrat manquent au fichier de clauses".into(),
                "contract terms missing from the clause file".into(),
            ),
            missing: Some(format!("[contract] {}", missing.join(", "))),
            evidence,
        };
    }
    sat(
        t(
            "termes du contrat dans les limites du Data Act".into(),
            "contract terms within the Data Act limits".into(),
        ),
        evidence,
    )
}

/// A check's French name.
fn check_label_fr(id: &str) -> &str {
    match id {
        "safety" => "de sécurité",
        "fixity" => "d'intégrité",
        "formats" => "des formats",
        "encoding" => "d'encodage",
        "records" => "des enregistrements",
        "cross-records" => "de cohérence",
        "completeness" => "de complétude",
        other => other,
    }
}

fn status_name(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Unverifiable => "unverifiable",
    }
}

/// Error findings of a check, as `code ×count`.
fn finding_codes(ev: &Evidence<'_>, check: &str) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in ev.findings.iter().filter(|f| f.fails()) {
        if crate::checks::check_of(f.code.as_str()) == check {
            *counts.entry(f.code.as_str()).or_insert(0) += 1;
        }
    }
    counts.into_iter().map(|(c, n)| format!("{c} ×{n}")).collect()
}

fn count_codes(ev: &Evidence<'_>, prefixes: &[&str], min: Severity) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in ev.findings {
        let code = f.code.as_str();
        let about_export = f.attribution == crate::finding::Attribution::Export;
        if about_export && f.severity >= min && prefixes.iter().any(|p| code.starts_with(p)) {
            *counts.entry(code).or_insert(0) += 1;
        }
    }
    counts.into_iter().map(|(c, n)| format!("{c} ×{n}")).collect()
}
