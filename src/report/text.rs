//! The terminal summary, in French by default or English.

use super::Report;
use crate::checks::CheckStatus;
use crate::finding::{Attribution, Lang, Severity};
use crate::verdict::Verdict;
use std::fmt::Write;

/// How many findings the terminal shows before pointing to the JSON report.
pub const MAX_FINDINGS_SHOWN: usize = 10;

/// Where the reports were written, and whether to colour the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outputs<'a> {
    /// `report.json`, when written.
    pub json: Option<&'a str>,
    /// `report.html`, when written.
    pub html: Option<&'a str>,
    /// ANSI colours on the verdict and the clause verdicts (a terminal, and `NO_COLOR` unset).
    pub color: bool,
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

/// Renders the summary. `report_path` is where the JSON report was written, if it was.
pub fn render(r: &Report, report_path: Option<&str>) -> String {
    render_to(r, &Outputs { json: report_path, ..Default::default() })
}

/// Renders the summary, pointing to the reports written.
pub fn render_to(r: &Report, out: &Outputs<'_>) -> String {
    let report_path = out.json;
    let l = r.lang;
    let mut s = String::new();
    let t = |fr: &'static str, en: &'static str| l.pick(fr, en);
    let _ =
        writeln!(s, "reversa {} — {}", r.tool.version, t("vérification d'un export", "export verification"));
    let _ = writeln!(
        s,
        "{} {} ({}, {}, sha256 {}{})",
        t("Archive   :", "Archive  :"),
        r.archive.path,
        r.archive.container,
        human_bytes(if r.archive.size > 0 { r.archive.size } else { r.summary.bytes }, l),
        &r.archive.sha256[..16.min(r.archive.sha256.len())],
        if r.archive.digest_kind == "tree" { t(", empreinte d'arborescence", ", tree digest") } else { "" },
    );
    let m = &r.manifest;
    if m.kind == "none" {
        let _ = writeln!(s, "{} {}", t("Manifeste :", "Manifest :"), t("aucun", "none"));
    } else {
        let status = match (m.status, l) {
            ("valid", Lang::Fr) => "conforme",
            ("valid", Lang::En) => "valid",
            ("unverifiable", Lang::Fr) => "invérifiable",
            ("unverifiable", Lang::En) => "unverifiable",
            (_, Lang::Fr) => "non conforme",
            (_, Lang::En) => "invalid",
        };
        let _ = writeln!(
            s,
            "{} {} {} — {status} ({} {}, {})",
            t("Manifeste :", "Manifest :"),
            m.kind,
            m.version.as_deref().unwrap_or(""),
            m.declared_files,
            t("fichiers déclarés", "files declared"),
            m.algorithms.join(", "),
        );
    }
    let count = |k: &str| r.summary.openness.get(k).copied().unwrap_or(0);
    let _ = writeln!(
        s,
        "{} {} ({}) — {} {}, {} {}, {} {}",
        t("Fichiers  :", "Files    :"),
        r.summary.files,
        human_bytes(r.summary.bytes, l),
        t("formats ouverts", "open formats"),
        count("open"),
        t("propriétaires", "proprietary"),
        count("proprietary"),
        t("non identifiés", "unidentified"),
        count("unknown"),
    );
    let _ = writeln!(s, "{}", t("Contrôles :", "Checks   :"));
    for c in &r.checks {
        let name = match (c.id, l) {
            ("safety", Lang::Fr) => "sécurité",
            ("fixity", Lang::Fr) => "intégrité",
            ("formats", Lang::Fr) => "formats",
            ("encoding", Lang::Fr) => "encodage",
            ("records", Lang::Fr) => "enregistrements",
            ("records", Lang::En) => "records",
            ("cross-records", Lang::Fr) => "cohérence",
            ("cross-records", Lang::En) => "consistency",
            ("completeness", Lang::Fr) => "complétude",
            (id, _) => id,
        };
        let status = match (c.status, l) {
            (CheckStatus::Pass, Lang::Fr) => "réussi".to_string(),
            (CheckStatus::Pass, Lang::En) => "pass".to_string(),
            (CheckStatus::Warn, Lang::Fr) => format!("avertissements ({})", c.warnings),
            (CheckStatus::Warn, Lang::En) => format!("warnings ({})", c.warnings),
            (CheckStatus::Fail, Lang::Fr) => format!("échec ({} erreur(s))", c.errors),
            (CheckStatus::Fail, Lang::En) => format!("fail ({} error(s))", c.errors),
            (CheckStatus::Unverifiable, Lang::Fr) if c.unverified > 0 => {
                format!("invérifiable ({} point(s) que reversa n'a pas pu vérifier)", c.unverified)
            }
            (CheckStatus::Unverifiable, Lang::En) if c.unverified > 0 => {
                format!("unverifiable ({} point(s) reversa could not check)", c.unverified)
            }
            (CheckStatus::Unverifiable, Lang::Fr) => "invérifiable".to_string(),
            (CheckStatus::Unverifiable, Lang::En) => "unverifiable".to_string(),
        };
        let _ = writeln!(s, "  {name:<15} {status}");
    }
    if !r.datasets.is_empty() {
        let _ = writeln!(
            s,
            "{} ({})",
            t("Données   :", "Datasets :"),
            t("enregistrements lus, valides, invalides", "records read, valid, invalid")
        );
        for d in &r.datasets {
            if d.status == "missing" {
                let _ = writeln!(s, "  {:<15} {}", d.name, t("absent", "missing"));
                continue;
            }
            let broken: u64 = d.cross.iter().map(|c| c.violations).sum();
            let mut line = format!("  {:<15} {:>9} {:>9} {:>9}", d.name, d.records, d.valid, d.invalid);
            if broken > 0 {
                let _ = write!(line, "  ({broken} {})", t("incohérence(s)", "inconsistenc(ies)"));
            }
            let _ = writeln!(s, "{line}");
        }
    }
    if !r.completeness.is_empty() {
        let failed = r.completeness.iter().filter(|e| e.status == "fail").count();
        let commune = r
            .completeness
            .iter()
            .filter(|e| e.declared_by == crate::completeness::DeclaredBy::Commune)
            .count();
        let _ = writeln!(
            s,
            "{} {} {} ({} {}, {} {}), {} {}",
            t("Complétude:", "Complete :"),
            r.completeness.len(),
            t("chiffre(s) contrôlé(s)", "figure(s) checked"),
            commune,
            t("de la commune", "from the commune"),
            r.completeness.len() - commune,
            t("de l'éditeur", "from the vendor"),
            failed,
            t("en écart", "off"),
        );
    }
    if !r.clauses.is_empty() {
        let _ = writeln!(s, "{} {}", t("Clauses   :", "Clauses  :"), r.contract.title);
        for c in &r.clauses {
            let v = match (c.verdict, l) {
                (crate::clauses::ClauseVerdict::Satisfied, Lang::Fr) => "satisfaite",
                (crate::clauses::ClauseVerdict::Satisfied, Lang::En) => "satisfied",
                (crate::clauses::ClauseVerdict::Violated, Lang::Fr) => "VIOLÉE",
                (crate::clauses::ClauseVerdict::Violated, Lang::En) => "VIOLATED",
                (crate::clauses::ClauseVerdict::Unverifiable, Lang::Fr) => "invérifiable",
                (crate::clauses::ClauseVerdict::Unverifiable, Lang::En) => "unverifiable",
            };
            let mut reason = c.reason.clone();
            if let Some(m) = &c.missing {
                let _ = write!(reason, " — {} {m}", t("manque :", "missing:"));
            }
            let code = match c.verdict {
                crate::clauses::ClauseVerdict::Satisfied => "32",
                crate::clauses::ClauseVerdict::Violated => "1;31",
                crate::clauses::ClauseVerdict::Unverifiable => "33",
            };
            let _ = writeln!(s, "  {:<22} {} {reason}", c.id, paint(&format!("{v:<12}"), code, out.color));
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(
            s,
            "{} ({} {}, {} {}, {} info) :",
            t("Constats", "Findings"),
            r.summary.errors,
            t("erreur(s)", "error(s)"),
            r.summary.warnings,
            t("avertissement(s)", "warning(s)"),
            r.summary.infos,
        );
        for f in r.findings.iter().take(MAX_FINDINGS_SHOWN) {
            let sev = match (f.severity, l) {
                // An error reversa could not check past is not the export's fault.
                (Severity::Error, Lang::Fr) if f.attribution == Attribution::Tool => "INVÉRIF.",
                (Severity::Error, Lang::En) if f.attribution == Attribution::Tool => "UNVERIF.",
                (Severity::Error, Lang::Fr) => "ERREUR",
                (Severity::Error, Lang::En) => "ERROR",
                (Severity::Warning, Lang::Fr) => "ATTENTION",
                (Severity::Warning, Lang::En) => "WARNING",
                (Severity::Info, _) => "INFO",
            };
            let mut place = f.location.path.clone().unwrap_or_default();
            if f.location.manifest.is_none()
                && let Some(line) = f.location.line
            {
                let _ = write!(place, ":{line}");
            }
            if let Some(c) = &f.location.column {
                let _ = write!(place, " [{c}]");
            }
            if let Some(mf) = &f.location.manifest {
                if !place.is_empty() {
                    place.push(' ');
                }
                place.push_str(&match f.location.line {
                    Some(line) => format!("({mf}:{line})"),
                    None => format!("({mf})"),
                });
            }
            let _ = writeln!(s, "  {sev:<9} {:<30} {place}\n            {}", f.code, f.message);
        }
        let listed = r.summary.errors + r.summary.warnings + r.summary.infos;
        if listed > MAX_FINDINGS_SHOWN {
            let more = listed - MAX_FINDINGS_SHOWN;
            let _ = writeln!(
                s,
                "  … {more} {}",
                t("autre(s) constat(s) dans le rapport JSON", "more finding(s) in the JSON report")
            );
        }
    }
    let code = match r.verdict {
        Verdict::Satisfiable => "1;32",
        Verdict::NotSatisfiable => "1;31",
        Verdict::Undetermined => "1;33",
    };
    let _ = writeln!(
        s,
        "{} {}",
        t("Verdict   :", "Verdict  :"),
        paint(verdict_sentence(r.verdict, l), code, out.color)
    );
    if let Some(p) = out.html {
        let _ = writeln!(s, "{} {p}", t("Rapport   :", "Report   :"));
    }
    if let Some(p) = report_path {
        let _ = writeln!(
            s,
            "{} {p}",
            if out.html.is_some() { "            " } else { t("Rapport   :", "Report   :") }
        );
    }
    s
}

/// The inventory as a table: path, size, format (PRONOM id), openness, encoding, SHA-256.
pub fn render_inventory(r: &Report) -> String {
    let l = r.lang;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<48} {:>12}  format                       {:<12} {:<12} sha256",
        l.pick("chemin", "path"),
        l.pick("taille", "size"),
        l.pick("ouverture", "openness"),
        l.pick("encodage", "encoding"),
    );
    for f in &r.files {
        let format = f
            .format
            .as_ref()
            .map(|x| match x.puid {
                Some(p) => format!("{} ({p})", x.name),
                None => x.name.to_string(),
            })
            .unwrap_or_else(|| "-".into());
        let openness = match f.format.as_ref().map(|x| x.openness) {
            Some(crate::inventory::Openness::Open) => l.pick("ouvert", "open"),
            Some(crate::inventory::Openness::Proprietary) => l.pick("propriétaire", "proprietary"),
            Some(crate::inventory::Openness::Unknown) => l.pick("inconnu", "unknown"),
            None => "-",
        };
        let _ = writeln!(
            s,
            "{:<48} {:>12}  {:<28} {:<12} {:<12} {}",
            f.path,
            f.size.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
            format,
            openness,
            f.encoding.map(|e| e.as_str()).unwrap_or("-"),
            f.digests.sha256.as_deref().unwrap_or("-"),
        );
    }
    let _ = writeln!(
        s,
        "{} {} ({})",
        r.summary.files,
        l.pick("fichier(s)", "file(s)"),
        human_bytes(r.summary.bytes, l)
    );
    s
}

/// The verdict as one sentence.
pub fn verdict_sentence(v: Verdict, l: Lang) -> &'static str {
    match (v, l) {
        (Verdict::Satisfiable, Lang::Fr) => {
            "SATISFAISABLE — cet export satisfait les contrôles de réversibilité appliqués."
        }
        (Verdict::Satisfiable, Lang::En) => {
            "SATISFIABLE — this export passes the reversibility checks applied."
        }
        (Verdict::NotSatisfiable, Lang::Fr) => {
            "NON SATISFAISABLE — cet export ne permet pas de satisfaire la clause de réversibilité (voir les erreurs)."
        }
        (Verdict::NotSatisfiable, Lang::En) => {
            "NOT SATISFIABLE — this export cannot satisfy the reversibility clause (see the errors)."
        }
        (Verdict::Undetermined, Lang::Fr) => {
            "INDÉTERMINÉ — aucune violation constatée, mais des contrôles sont invérifiables (voir ci-dessus)."
        }
        (Verdict::Undetermined, Lang::En) => {
            "UNDETERMINED — no violation found, but some checks cannot be verified (see above)."
        }
    }
}

/// Bytes in KB/MB/GB (decimal), French or English decimal separator.
pub fn human_bytes(n: u64, l: Lang) -> String {
    let units = match l {
        Lang::Fr => ["o", "ko", "Mo", "Go", "To"],
        Lang::En => ["B", "kB", "MB", "GB", "TB"],
    };
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < units.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    let s = if u == 0 { format!("{n}") } else { format!("{v:.1}") };
    let s = if l == Lang::Fr { s.replace('.', ",") } else { s };
    format!("{s} {}", units[u])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_human() {
        assert_eq!(human_bytes(999, Lang::Fr), "999 o");
        assert_eq!(human_bytes(1_234_567, Lang::Fr), "1,2 Mo");
        assert_eq!(human_bytes(1_234_567, Lang::En), "1.2 MB");
    }
}
