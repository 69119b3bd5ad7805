//! The HTML report: one self-contained page that a contract manager reads on screen or prints
//! on A4 for a reversibility review.
//!
//! - Nothing is loaded from the network: the style is inline, the chart is inline SVG, the only
//!   script is optional (it opens the collapsed sections before printing; CSS does it too where
//!   browsers support it).
//! - Every string taken from the report goes through [`escape`] (or, inside the style sheet,
//!   through `css_string`).
//! - The page depends on the report only: the same report gives the same bytes.
//! - French by default, English when the report is: every label goes through [`Lang::pick`].
//! - Like the report model, it holds positions and counts, never a record's values.

use super::Report;
use super::text::human_bytes;
use crate::checks::CheckStatus;
use crate::clauses::{ClauseResult, ClauseVerdict};
use crate::completeness::DeclaredBy;
use crate::finding::{Attribution, Lang, Location, Severity};
use crate::inventory::Openness;
use crate::records::outcome::{RecordLocation, RuleReport};
use crate::verdict::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Writes into a `String` (which cannot fail).
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

/// How many positions are listed per rule, check or finding code.
const MAX_LOCATIONS: usize = 5;

/// Renders the report as one self-contained HTML page.
pub fn render(report: &Report) -> String {
    let l = report.lang;
    let mut s = String::with_capacity(48 * 1024 + report.files.len() * 512);
    let name = archive_name(&report.archive.path);
    w!(s, "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", l.as_str());
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    w!(s, "<meta name=\"generator\" content=\"reversa {}\">\n", escape(report.tool.version));
    w!(
        s,
        "<title>{} — {} — {}</title>\n",
        l.pick("Rapport reversa", "reversa report"),
        verdict_short(report.verdict, l),
        escape(name)
    );
    s.push_str("<style>\n");
    s.push_str(CSS);
    page_rules(&mut s, report);
    s.push_str("</style>\n</head>\n<body>\n");
    w!(
        s,
        "<div class=\"print-header\" aria-hidden=\"true\">reversa — {} — sha256 <span class=\"hash\">{}</span></div>\n",
        escape(name),
        escape(&report.archive.sha256)
    );
    s.push_str("<main>\n<header class=\"top\">\n");
    w!(
        s,
        "<h1>{}</h1>\n<p class=\"subtitle\">{} <strong>{}</strong> — reversa {} — {}</p>\n</header>\n",
        l.pick("Rapport de réversibilité", "Reversibility report"),
        l.pick("Export vérifié :", "Export verified:"),
        escape(name),
        escape(report.tool.version),
        escape(&report.generated_at)
    );
    verdict_block(&mut s, report);
    identity(&mut s, report);
    clauses(&mut s, report);
    completeness(&mut s, report);
    records(&mut s, report);
    findings(&mut s, report);
    inventory(&mut s, report);
    reproducibility(&mut s, report);
    w!(
        s,
        "<footer>{} reversa {} — {} {} — {} sha256 <span class=\"hash mono\">{}</span></footer>\n</main>\n",
        l.pick("Rapport produit par", "Report written by"),
        escape(report.tool.version),
        l.pick("le", "on"),
        escape(&report.generated_at),
        l.pick("archive", "archive"),
        escape(&report.archive.sha256)
    );
    s.push_str(SCRIPT);
    s.push_str("</body>\n</html>\n");
    s
}

/// Escapes text for HTML content and quoted attribute values; control characters other than
/// tab and line breaks are shown as `\xNN`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => w!(out, "\\x{:02x}", c as u32),
            c => out.push(c),
        }
    }
    out
}

/// A CSS string literal, quotes included: anything but letters, digits and a few harmless
/// signs is written as a CSS escape, so nothing can close the string or the style element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_alphanumeric() || matches!(c, ' ' | '-' | '—' | '.' | ':' | '_' | '(' | ')' | ',') {
            out.push(c);
        } else {
            w!(out, "\\{:x} ", c as u32);
        }
    }
    out.push('"');
    out
}

/// The last component of the archive's path.
fn archive_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    match trimmed.rsplit(['/', '\\']).next() {
        Some(n) if !n.is_empty() => n,
        _ => path,
    }
}

// ---------------------------------------------------------------------------------------------
// Wording

/// The verdict in a few words (the page title).
fn verdict_short(v: Verdict, l: Lang) -> &'static str {
    match v {
        Verdict::Satisfiable => l.pick("Export satisfaisable", "Export satisfiable"),
        Verdict::NotSatisfiable => l.pick("Export non satisfaisable", "Export not satisfiable"),
        Verdict::Undetermined => l.pick("Résultat indéterminé", "Result undetermined"),
    }
}

/// The overall answer in one sentence (same meaning as the terminal's, counted on the clauses).
fn verdict_sentence(r: &Report) -> String {
    let l = r.lang;
    let n = r.clauses.len();
    let of = |v: ClauseVerdict| r.clauses.iter().filter(|c| c.verdict == v).count();
    match (r.verdict, l) {
        (Verdict::Satisfiable, Lang::Fr) if n == 0 => {
            "Export satisfaisable : cet export satisfait les contrôles de réversibilité appliqués.".into()
        }
        (Verdict::Satisfiable, Lang::En) if n == 0 => {
            "Export satisfiable: this export passes the reversibility checks applied.".into()
        }
        (Verdict::Satisfiable, Lang::Fr) => format!(
            "Export satisfaisable : cet export satisfait {} de réversibilité appliquée{}.",
            if n == 1 { "la clause".to_string() } else { format!("les {n} clauses") },
            if n == 1 { "" } else { "s" }
        ),
        (Verdict::Satisfiable, Lang::En) => format!(
            "Export satisfiable: this export satisfies {} applied.",
            if n == 1 {
                "the reversibility clause".to_string()
            } else {
                format!("all {n} reversibility clauses")
            }
        ),
        (Verdict::NotSatisfiable, Lang::Fr) => format!(
            "Export non satisfaisable : {} sur {n} — cet export ne permet pas de satisfaire la clause de réversibilité.",
            count(of(ClauseVerdict::Violated), l, ("clause violée", "clauses violées"), ("", ""))
        ),
        (Verdict::NotSatisfiable, Lang::En) => format!(
            "Export not satisfiable: {} of {n} violated — this export cannot satisfy the reversibility clause.",
            count(of(ClauseVerdict::Violated), l, ("", ""), ("clause", "clauses"))
        ),
        (Verdict::Undetermined, Lang::Fr) => format!(
            "Résultat indéterminé : aucune clause violée, mais {} sur {n} {} être vérifiée{}.",
            count(of(ClauseVerdict::Unverifiable), l, ("clause", "clauses"), ("", "")),
            if of(ClauseVerdict::Unverifiable) > 1 { "ne peuvent" } else { "ne peut" },
            if of(ClauseVerdict::Unverifiable) > 1 { "s" } else { "" }
        ),
        (Verdict::Undetermined, Lang::En) => format!(
            "Result undetermined: no clause violated, but {} of {n} cannot be verified.",
            count(of(ClauseVerdict::Unverifiable), l, ("", ""), ("clause", "clauses"))
        ),
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Satisfiable => "ok",
        Verdict::NotSatisfiable => "ko",
        Verdict::Undetermined => "warn",
    }
}

/// `n word` with the singular or plural (French: 0 and 1 singular; English: 1 singular).
fn count(n: usize, l: Lang, fr: (&str, &str), en: (&str, &str)) -> String {
    let word = match l {
        Lang::Fr if n <= 1 => fr.0,
        Lang::Fr => fr.1,
        Lang::En if n == 1 => en.0,
        Lang::En => en.1,
    };
    format!("{} {word}", int(n as u64, l))
}

/// An integer with thousands separators (French: narrow no-break space; English: comma).
fn int(n: u64, l: Lang) -> String {
    let digits = n.to_string();
    let sep = l.pick("\u{202f}", ",");
    let mut out = String::with_capacity(digits.len() + 8);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A signed integer, with its sign (`+3`, `−3`, `0`).
fn signed(n: i64, l: Lang) -> String {
    match n.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", int(n as u64, l)),
        std::cmp::Ordering::Less => format!("\u{2212}{}", int(n.unsigned_abs(), l)),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

/// A percentage with two decimals and its sign.
fn percent(p: f64, l: Lang) -> String {
    let body = format!("{:.2}", p.abs());
    let body = if l == Lang::Fr { body.replace('.', ",") } else { body };
    let sign = if p > 0.0 {
        "+"
    } else if p < 0.0 {
        "\u{2212}"
    } else {
        ""
    };
    format!("{sign}{body}{}", l.pick("\u{202f}%", "%"))
}

/// Bytes, human and exact: `133,2 ko (133 214 octets)`.
fn bytes(n: u64, l: Lang) -> String {
    if n < 1000 {
        return human_bytes(n, l);
    }
    format!("{} ({} {})", human_bytes(n, l), int(n, l), l.pick("octets", "bytes"))
}

/// A JSON value of the completeness table, escaped.
fn value(v: &serde_json::Value, l: Lang, with_sign: bool) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if with_sign => signed(i, l),
            (Some(i), _) if i >= 0 => int(i as u64, l),
            (_, Some(u)) => int(u, l),
            _ => escape(&n.to_string()),
        },
        serde_json::Value::String(t) if t.is_empty() => "—".into(),
        serde_json::Value::String(t) => escape(t),
        other => escape(&other.to_string()),
    }
}

fn badge(class: &str, label: &str) -> String {
    format!("<span class=\"badge b-{class}\">{}</span>", escape(label))
}

fn clause_badge(v: ClauseVerdict, l: Lang) -> String {
    match v {
        ClauseVerdict::Satisfied => badge("ok", l.pick("satisfaite", "satisfied")),
        ClauseVerdict::Violated => badge("ko", l.pick("violée", "violated")),
        ClauseVerdict::Unverifiable => badge("warn", l.pick("invérifiable", "unverifiable")),
    }
}

/// "3 erreurs, dont 1 que reversa n'a pas pu vérifier".
fn errors_count(r: &Report, l: Lang) -> String {
    let all = count(r.summary.errors, l, ("erreur", "erreurs"), ("error", "errors"));
    match r.summary.unverified {
        0 => all,
        n => format!(
            "{all} {} {} {}",
            l.pick("dont", "of which"),
            int(n as u64, l),
            l.pick("que reversa n'a pas pu vérifier", "reversa could not check")
        ),
    }
}

/// Who a finding is about, as the findings table says it.
fn attribution_label(a: Attribution, l: Lang) -> &'static str {
    match a {
        Attribution::Export => l.pick("l'export", "the export"),
        Attribution::Tool => l.pick("reversa (non vérifiable)", "reversa (cannot check)"),
        Attribution::Input => l.pick("fichier de la commune", "the commune's file"),
    }
}

fn severity_badge(s: Severity, l: Lang) -> String {
    match s {
        Severity::Error => badge("ko", l.pick("erreur", "error")),
        Severity::Warning => badge("warn", l.pick("avertissement", "warning")),
        Severity::Info => badge("info", "info"),
    }
}

/// `pass`, `fail`, `unverifiable` of a cross-record check.
fn status_badge(status: &str, l: Lang) -> String {
    match status {
        "pass" => badge("ok", l.pick("réussi", "pass")),
        "fail" => badge("ko", l.pick("échec", "fail")),
        "unverifiable" => badge("warn", l.pick("invérifiable", "unverifiable")),
        other => badge("neutral", other),
    }
}

fn check_name(id: &str, l: Lang) -> &str {
    match (id, l) {
        ("safety", Lang::Fr) => "sécurité",
        ("fixity", Lang::Fr) => "intégrité",
        ("formats", Lang::Fr) => "formats",
        ("encoding", Lang::Fr) => "encodage",
        ("records", Lang::Fr) => "enregistrements",
        ("cross-records", Lang::Fr) => "cohérence",
        ("cross-records", Lang::En) => "consistency",
        ("completeness", Lang::Fr) => "complétude",
        (id, _) => id,
    }
}

/// A gloss of a schema or reversa rule, when it has one.
fn rule_gloss(rule: &str, l: Lang) -> Option<&'static str> {
    Some(match rule {
        "required" => l.pick("valeur obligatoire", "value required"),
        "pattern" => l.pick("forme attendue", "expected pattern"),
        "enum" => l.pick("valeur hors de la liste", "value not in the list"),
        "type" => l.pick("type de valeur", "value type"),
        "format:date" => l.pick("date du calendrier", "calendar date"),
        "format:time" => l.pick("heure", "time of day"),
        "format:date-time" => l.pick("date et heure", "date and time"),
        "minimum" | "exclusiveMinimum" => l.pick("valeur trop petite", "value too small"),
        "maximum" | "exclusiveMaximum" => l.pick("valeur trop grande", "value too large"),
        "minLength" => l.pick("texte trop court", "text too short"),
        "maxLength" => l.pick("texte trop long", "text too long"),
        "date-order" => l.pick("ordre des dates", "date order"),
        "not-future" => l.pick("date future", "date in the future"),
        "min-age" => l.pick("âge minimal", "minimum age"),
        "code-list" => l.pick("code hors référentiel", "code not in the code list"),
        "unique-key" => l.pick("clé unique", "unique key"),
        "unique" => l.pick("unicité", "uniqueness"),
        "reference" => l.pick("référence résolue", "reference resolved"),
        "file-exists" => l.pick("pièce présente", "attachment present"),
        "sequence" => l.pick("numérotation continue", "continuous numbering"),
        _ => return None,
    })
}

fn rule_cell(rule: &str, l: Lang) -> String {
    match rule_gloss(rule, l) {
        Some(g) => format!("{}<br><code>{}</code>", escape(g), escape(rule)),
        None => format!("<code>{}</code>", escape(rule)),
    }
}

/// `path:row [sheet] (column)`, escaped.
fn record_location(loc: &RecordLocation, column: Option<&str>, l: Lang) -> String {
    let mut out = format!("<code>{}:{}</code>", escape(&loc.path), loc.row);
    if let Some(sheet) = &loc.sheet {
        w!(out, " {} {}", l.pick("feuille", "sheet"), escape(sheet));
    }
    if let Some(c) = column {
        w!(out, " {} <code>{}</code>", l.pick("colonne", "column"), escape(c));
    }
    out
}

/// The first locations, one a line, and how many more there are.
fn locations_cell(locs: &[RecordLocation], column: Option<&str>, total: u64, l: Lang) -> String {
    let shown: Vec<String> = locs.iter().take(MAX_LOCATIONS).map(|x| record_location(x, column, l)).collect();
    let mut out = shown.join("<br>");
    let more = total.saturating_sub(shown.len() as u64);
    if more > 0 && !shown.is_empty() {
        w!(out, "<br><span class=\"muted\">… {} {}</span>", l.pick("et", "and"), int(more, l));
        out.push_str(l.pick(" autre(s)", " more"));
    }
    if out.is_empty() {
        out.push('—');
    }
    out
}

/// A finding's place: entry path and line, column, manifest line, element, sheet.
fn finding_location(loc: &Location, l: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &loc.path {
        let mut place = escape(p);
        if loc.manifest.is_none()
            && let Some(line) = loc.line
        {
            w!(place, ":{line}");
        }
        parts.push(format!("<code>{place}</code>"));
    } else if loc.manifest.is_none()
        && let Some(line) = loc.line
    {
        parts.push(format!("{} {line}", l.pick("ligne", "line")));
    }
    if let Some(s) = &loc.sheet {
        parts.push(format!("{} {}", l.pick("feuille", "sheet"), escape(s)));
    }
    if let Some(c) = &loc.column {
        parts.push(format!("{} <code>{}</code>", l.pick("colonne", "column"), escape(c)));
    }
    if let Some(m) = &loc.manifest {
        let at = match loc.line {
            Some(line) => format!("{}:{line}", escape(m)),
            None => escape(m),
        };
        parts.push(format!("(<code>{at}</code>)"));
    }
    if let Some(e) = &loc.element {
        parts.push(format!("<code>#{}</code>", escape(e)));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------------------------
// Sections

fn verdict_block(s: &mut String, r: &Report) {
    let l = r.lang;
    let of = |v: ClauseVerdict| r.clauses.iter().filter(|c| c.verdict == v).count();
    w!(
        s,
        "<section id=\"verdict\" class=\"verdict v-{}\" data-verdict=\"{}\">\n<p class=\"verdict-sentence\">{}</p>\n",
        verdict_class(r.verdict),
        r.verdict.as_str(),
        escape(&verdict_sentence(r))
    );
    w!(
        s,
        "<p class=\"verdict-counts\">{} {}, {}, {} · {} {}, {}, {}</p>\n",
        l.pick("Clauses :", "Clauses:"),
        count(of(ClauseVerdict::Satisfied), l, ("satisfaite", "satisfaites"), ("satisfied", "satisfied")),
        count(of(ClauseVerdict::Violated), l, ("violée", "violées"), ("violated", "violated")),
        count(
            of(ClauseVerdict::Unverifiable),
            l,
            ("invérifiable", "invérifiables"),
            ("unverifiable", "unverifiable")
        ),
        l.pick("Constats :", "Findings:"),
        errors_count(r, l),
        count(r.summary.warnings, l, ("avertissement", "avertissements"), ("warning", "warnings")),
        count(r.summary.infos, l, ("information", "informations"), ("info", "infos")),
    );
    if !r.checks.is_empty() {
        w!(s, "<ul class=\"checks\" aria-label=\"{}\">", l.pick("Contrôles", "Checks"));
        for c in &r.checks {
            let (class, status) = match c.status {
                CheckStatus::Pass => ("ok", l.pick("réussi", "pass").to_string()),
                CheckStatus::Warn => {
                    ("warn", format!("{} ({})", l.pick("avertissements", "warnings"), c.warnings))
                }
                CheckStatus::Fail => ("ko", format!("{} ({})", l.pick("échec", "fail"), c.errors)),
                CheckStatus::Unverifiable => ("warn", l.pick("invérifiable", "unverifiable").to_string()),
            };
            w!(s, "<li>{}</li>", badge(class, &format!("{} : {status}", check_name(c.id, l))));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

fn identity(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(
        s,
        "<section id=\"identity\">\n<h2>1. {}</h2>\n<div class=\"cols\">\n",
        l.pick("Contrat et export", "Contract and export")
    );
    // The contract.
    w!(s, "<div class=\"facts-block\">\n<h3>{}</h3>\n<dl class=\"facts\">\n", l.pick("Contrat", "Contract"));
    let t = &r.contract.terms;
    let dt = |s: &mut String, k: &str, v: String| w!(s, "<dt>{}</dt><dd>{}</dd>\n", escape(k), v);
    let title = if r.reproducibility.clauses.sha256.is_none() && r.contract.title.is_empty() {
        l.pick("attentes par défaut de reversa", "reversa's default expectations").to_string()
    } else {
        escape(&r.contract.title)
    };
    dt(s, l.pick("Clauses appliquées", "Clauses applied"), title);
    if let Some(v) = &t.title {
        dt(s, l.pick("Marché", "Contract"), escape(v));
    }
    if let Some(v) = &t.vendor {
        dt(s, l.pick("Titulaire", "Vendor"), escape(v));
    }
    if let Some(v) = &t.reference {
        dt(s, l.pick("Référence", "Reference"), escape(v));
    }
    if let Some(v) = &t.signature {
        dt(s, l.pick("Signature", "Signed"), escape(&v.to_string()));
    }
    if let Some(v) = &t.exit_request {
        dt(s, l.pick("Demande de sortie", "Exit requested"), escape(&v.to_string()));
    }
    if let Some(v) = &t.delivery {
        dt(s, l.pick("Livraison de l'export", "Export delivered"), escape(&v.to_string()));
    }
    let days = |n: u32| count(n as usize, l, ("jour", "jours"), ("day", "days"));
    if let Some(v) = t.notice_period_days {
        dt(s, l.pick("Préavis", "Notice period"), days(v));
    }
    if let Some(v) = t.transition_period_days {
        dt(s, l.pick("Période de transition", "Transition period"), days(v));
    }
    if let Some(v) = t.retrieval_window_days {
        dt(s, l.pick("Récupération après transition", "Retrieval window"), days(v));
    }
    if let Some(v) = &t.switching_charges {
        dt(s, l.pick("Frais de changement", "Switching charges"), escape(v));
    }
    if *t == crate::clauses::Contract::default() {
        dt(
            s,
            l.pick("Termes", "Terms"),
            format!(
                "<span class=\"muted\">{}</span>",
                l.pick(
                    "aucun contrat décrit (pas de fichier de clauses, ou fichier sans section [contract])",
                    "no contract described (no clause file, or one without a [contract] table)"
                )
            ),
        );
    }
    s.push_str("</dl>\n</div>\n");

    // The export.
    let a = &r.archive;
    w!(s, "<div class=\"facts-block\">\n<h3>{}</h3>\n<dl class=\"facts\">\n", l.pick("Export", "Export"));
    dt(s, l.pick("Chemin", "Path"), format!("<code>{}</code>", escape(&a.path)));
    dt(s, l.pick("Conteneur", "Container"), escape(a.container));
    let size = if a.container == "folder" {
        l.pick("— (dossier)", "— (folder)").to_string()
    } else {
        bytes(a.size, l)
    };
    dt(s, l.pick("Taille", "Size"), size);
    let kind = match a.digest_kind {
        "tree" => {
            l.pick("empreinte d'arborescence (fichiers du dossier)", "tree digest (the folder's files)")
        }
        "file" => l.pick("empreinte du fichier", "digest of the file"),
        other => other,
    };
    dt(
        s,
        "SHA-256",
        format!(
            "<code class=\"hash\">{}</code><br><span class=\"muted\">{}</span>",
            escape(&a.sha256),
            escape(kind)
        ),
    );
    dt(
        s,
        l.pick("Contenu", "Content"),
        format!(
            "{}, {} {}",
            count(r.summary.files, l, ("fichier", "fichiers"), ("file", "files")),
            human_bytes(r.summary.bytes, l),
            l.pick("décompressés", "uncompressed")
        ),
    );
    let open = |k: &str| r.summary.openness.get(k).copied().unwrap_or(0);
    dt(
        s,
        l.pick("Formats", "Formats"),
        format!(
            "{} {}, {} {}, {} {}",
            int(open("open") as u64, l),
            l.pick("ouverts", "open"),
            int(open("proprietary") as u64, l),
            l.pick("propriétaires", "proprietary"),
            int(open("unknown") as u64, l),
            l.pick("non identifiés", "unidentified"),
        ),
    );
    let m = &r.manifest;
    let manifest = if m.kind == "none" {
        l.pick("aucun", "none").to_string()
    } else {
        let status = match m.status {
            "valid" => badge("ok", l.pick("conforme", "valid")),
            "invalid" => badge("ko", l.pick("non conforme", "invalid")),
            "unverifiable" => badge("warn", l.pick("invérifiable", "unverifiable")),
            other => badge("neutral", other),
        };
        let mut v = format!("{} {}", escape(m.kind), escape(m.version.as_deref().unwrap_or("")));
        w!(v, " {status}");
        w!(
            v,
            "<br>{} ; {} {}",
            count(
                m.declared_files,
                l,
                ("fichier déclaré", "fichiers déclarés"),
                ("file declared", "files declared")
            ),
            l.pick("algorithmes", "algorithms"),
            escape(&m.algorithms.join(", "))
        );
        if let Some(oxum) = &m.payload_oxum {
            w!(v, " ; Payload-Oxum {}", escape(oxum));
        }
        if !m.files.is_empty() {
            let files: Vec<String> = m.files.iter().map(|f| format!("<code>{}</code>", escape(f))).collect();
            w!(v, "<br>{}", files.join(", "));
        }
        v
    };
    dt(s, l.pick("Manifeste", "Manifest"), manifest);
    s.push_str("</dl>\n</div>\n</div>\n");
    w!(
        s,
        "<p class=\"muted\">{} reversa {} · {} {} · {} {}</p>\n</section>\n",
        l.pick("Vérifié par", "Verified by"),
        escape(r.tool.version),
        l.pick("rapport produit le", "report written on"),
        escape(&r.generated_at),
        l.pick("format de rapport", "report format"),
        escape(r.report_version)
    );
}

fn clauses(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(
        s,
        "<section id=\"clauses\">\n<h2>2. {}</h2>\n",
        l.pick("Clauses de réversibilité", "Reversibility clauses")
    );
    if r.clauses.is_empty() {
        w!(s, "<p>{}</p>\n</section>\n", l.pick("Aucune clause évaluée.", "No clause evaluated."));
        return;
    }
    w!(
        s,
        "<table class=\"clauses\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.pick("Verdict", "Verdict"),
        l.pick("Clause", "Clause"),
        l.pick("Référence", "Reference"),
        l.pick("Motif", "Reason"),
        l.pick("Preuves", "Evidence"),
    );
    for c in &r.clauses {
        let id = escape(&c.id);
        w!(
            s,
            "<tr class=\"clause\" id=\"clause-{id}\"><td>{}</td><td><code>{id}</code></td><td>{}</td><td>{}",
            clause_badge(c.verdict, l),
            escape(&c.reference),
            escape(&c.reason)
        );
        if let Some(m) = &c.missing {
            w!(s, "<br><span class=\"missing\">{} {}</span>", l.pick("manque :", "missing:"), escape(m));
        }
        w!(
            s,
            "</td><td class=\"link\"><a href=\"#evidence-{id}\">{}</a></td></tr>\n",
            count(c.evidence.len(), l, ("élément", "éléments"), ("item", "items"))
        );
    }
    s.push_str("</tbody>\n</table>\n");
    w!(s, "<h3>{}</h3>\n", l.pick("Preuves, clause par clause", "Evidence, clause by clause"));
    for c in &r.clauses {
        evidence(s, c, l);
    }
    s.push_str("</section>\n");
}

fn evidence(s: &mut String, c: &ClauseResult, l: Lang) {
    let id = escape(&c.id);
    w!(
        s,
        "<article class=\"evidence\" id=\"evidence-{id}\">\n<h4>{} <code>{id}</code>{}</h4>\n",
        clause_badge(c.verdict, l),
        if c.reference.is_empty() { String::new() } else { format!(" — {}", escape(&c.reference)) }
    );
    if !c.text.is_empty() {
        w!(s, "<blockquote>{}</blockquote>\n", escape(&c.text));
    }
    w!(s, "<p><strong>{}</strong> {}", l.pick("Motif :", "Reason:"), escape(&c.reason));
    if let Some(m) = &c.missing {
        w!(
            s,
            "<br><span class=\"missing\"><strong>{}</strong> {}</span>",
            l.pick("Manque :", "Missing:"),
            escape(m)
        );
    }
    s.push_str("</p>\n");
    if c.evidence.is_empty() {
        w!(s, "<p class=\"muted\">{}</p>\n", l.pick("Aucune preuve enregistrée.", "No evidence recorded."));
    } else {
        s.push_str("<ul class=\"proofs\">\n");
        for e in &c.evidence {
            w!(s, "<li><code>{}</code></li>\n", escape(e));
        }
        s.push_str("</ul>\n");
    }
    w!(
        s,
        "<p class=\"source\">{} <code>{}</code>",
        l.pick("Type de contrôle :", "Check kind:"),
        escape(&c.kind)
    );
    if let Some(src) = &c.source {
        w!(s, "<br>{} {}", l.pick("Source :", "Source:"), escape(src));
    }
    w!(
        s,
        "</p>\n<p class=\"back\"><a href=\"#clause-{id}\">↑ {}</a></p>\n</article>\n",
        l.pick("retour au tableau des clauses", "back to the clause table")
    );
}

/// One bar of the completeness chart.
struct Bar<'a> {
    name: &'a str,
    title: &'a str,
    found: u64,
    expected: Option<&'a crate::completeness::Entry>,
}

fn completeness(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(s, "<section id=\"completeness\">\n<h2>3. {}</h2>\n", l.pick("Complétude", "Completeness"));
    let expected_for = |name: &str| {
        let whole = |by: DeclaredBy| {
            r.completeness
                .iter()
                .find(|e| e.kind == "count" && e.group == "*" && e.dataset == name && e.declared_by == by)
        };
        whole(DeclaredBy::Commune).or_else(|| whole(DeclaredBy::Vendor))
    };
    let bars: Vec<Bar<'_>> = r
        .datasets
        .iter()
        .map(|d| Bar { name: &d.name, title: &d.title, found: d.records, expected: expected_for(&d.name) })
        .filter(|b| {
            b.expected.is_some() || r.datasets.iter().any(|d| d.name == b.name && d.status == "present")
        })
        .collect();
    if bars.is_empty() {
        w!(s, "<p>{}</p>\n", l.pick("Aucun jeu de données lu.", "No dataset read."));
    } else {
        chart(s, &bars, l);
    }
    if r.completeness.is_empty() {
        w!(
            s,
            "<p>{}</p>\n",
            l.pick(
                "Aucun chiffre attendu n'a été contrôlé : ni comptage de la commune (--counts), ni comptage déclaré par le manifeste de l'éditeur.",
                "No expected figure was checked: no counts from the commune (--counts), none declared by the vendor's manifest."
            )
        );
        s.push_str("</section>\n");
        return;
    }
    let failed = r.completeness.iter().filter(|e| e.status == "fail").count();
    w!(
        s,
        "<h3>{}</h3>\n<p>{} — {}.</p>\n",
        l.pick("Chiffres contrôlés", "Figures checked"),
        count(
            r.completeness.len(),
            l,
            ("chiffre contrôlé", "chiffres contrôlés"),
            ("figure checked", "figures checked")
        ),
        count(failed, l, ("écart", "écarts"), ("mismatch", "mismatches"))
    );
    w!(
        s,
        "<table class=\"completeness\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">%</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.pick("Type", "Kind"),
        l.pick("Jeu de données", "Dataset"),
        l.pick("Groupe", "Group"),
        l.pick("Attendu", "Expected"),
        l.pick("Trouvé", "Found"),
        l.pick("Écart", "Delta"),
        l.pick("Statut", "Status"),
        l.pick("Source", "Source"),
        l.pick("Déclaré par", "Declared by"),
    );
    for e in &r.completeness {
        let kind = match e.kind {
            "count" => l.pick("comptage", "count").to_string(),
            "total" => format!(
                "{} <code>{}</code>",
                l.pick("total", "total"),
                escape(e.field.as_deref().unwrap_or(""))
            ),
            "fingerprint" => l.pick("empreinte", "fingerprint").to_string(),
            "period" => l.pick("période", "period").to_string(),
            "files" => l.pick("fichiers", "files").to_string(),
            other => escape(other),
        };
        let dataset = if e.dataset == "*" {
            l.pick("(paquet)", "(package)").to_string()
        } else {
            format!("<code>{}</code>", escape(&e.dataset))
        };
        let group = if e.group == "*" {
            l.pick("ensemble", "whole").to_string()
        } else if e.by.is_empty() {
            escape(&e.group)
        } else {
            format!("<span class=\"muted\">{}</span><br>{}", escape(&e.by.join(", ")), escape(&e.group))
        };
        let (long, class) = if e.kind == "fingerprint" { (" hash", "") } else { ("", "num") };
        let status = match e.status {
            "pass" => badge("ok", l.pick("conforme", "match")),
            "fail" => badge("ko", l.pick("écart", "mismatch")),
            other => badge("neutral", other),
        };
        let tolerance = e
            .tolerance
            .as_ref()
            .map(|t| {
                format!("<br><span class=\"muted\">{} {}</span>", l.pick("tolérance", "tolerance"), escape(t))
            })
            .unwrap_or_default();
        let declared = match e.declared_by {
            DeclaredBy::Commune => l.pick("commune", "commune"),
            DeclaredBy::Vendor => l.pick("éditeur (manifeste)", "vendor (manifest)"),
        };
        w!(
            s,
            "<tr><td>{kind}</td><td>{dataset}</td><td>{group}</td><td class=\"{class}{long}\">{}</td><td class=\"{class}{long}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{status}{tolerance}</td><td>{}</td><td>{declared}</td></tr>\n",
            value(&e.expected, l, false),
            value(&e.found, l, false),
            e.delta.as_ref().map(|d| value(d, l, true)).unwrap_or_else(|| "—".into()),
            e.percentage.map(|p| percent(p, l)).unwrap_or_else(|| "—".into()),
            escape(&e.source),
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// The records found per dataset against those expected, as horizontal bars.
fn chart(s: &mut String, bars: &[Bar<'_>], l: Lang) {
    const WIDTH: u32 = 800;
    const LABEL_END: u32 = 166;
    const X0: u32 = 174;
    const BAR_W: f64 = 380.0;
    const TEXT_X: u32 = 566;
    const TOP: u32 = 30;
    const ROW: u32 = 24;
    let height = TOP + ROW * bars.len() as u32 + 6;
    let max = bars
        .iter()
        .map(|b| b.found.max(b.expected.and_then(|e| e.expected.as_u64()).unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = |n: u64| {
        let w = n as f64 * BAR_W / max as f64;
        if n > 0 { w.max(1.0) } else { 0.0 }
    };
    let caption = l.pick(
        "Enregistrements trouvés par jeu de données, face aux comptages attendus (de la commune, sinon du manifeste de l'éditeur)",
        "Records found per dataset, against the expected counts (the commune's, else the vendor's manifest)",
    );
    w!(s, "<figure class=\"chart\">\n");
    w!(
        s,
        "<svg viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{caption}\" font-size=\"12\">\n<title>{caption}</title>\n"
    );
    // Legend: the expected outline, then only the kinds of bars drawn.
    let class_of = |b: &Bar<'_>| match b.expected.map(|e| e.status) {
        Some("pass") => "pass",
        Some(_) => "fail",
        None => "neutral",
    };
    let mut x = X0;
    if bars.iter().any(|b| b.expected.is_some()) {
        w!(
            s,
            "<rect x=\"{x}\" y=\"3\" width=\"16\" height=\"16\" class=\"expected\"/><text x=\"{}\" y=\"15\">{}</text>\n",
            x + 22,
            l.pick("attendus", "expected")
        );
        x += 110;
    }
    for (class, label) in [
        ("pass", l.pick("trouvés, conformes", "found, matching")),
        ("fail", l.pick("trouvés, en écart", "found, mismatch")),
        ("neutral", l.pick("trouvés, sans comptage attendu", "found, no expected count")),
    ] {
        if bars.iter().any(|b| class_of(b) == class) {
            w!(
                s,
                "<rect x=\"{x}\" y=\"6\" width=\"16\" height=\"10\" class=\"found {class}\"/><text x=\"{}\" y=\"15\">{label}</text>\n",
                x + 22
            );
            x += 22 + 8 * label.chars().count() as u32 + 20;
        }
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as u32;
        let expected = b.expected.and_then(|e| e.expected.as_u64());
        let class = class_of(b);
        let mut label = int(b.found, l);
        if let (Some(x), Some(e)) = (expected, b.expected) {
            w!(
                label,
                " / {x} {}",
                match e.declared_by {
                    DeclaredBy::Commune => l.pick("(commune)", "(commune)"),
                    DeclaredBy::Vendor => l.pick("(éditeur)", "(vendor)"),
                },
                x = int(x, l)
            );
            if b.found != x {
                w!(label, " {}", signed(b.found as i64 - x as i64, l));
            }
        }
        w!(s, "<g><title>{} — {}: {label}</title>\n", escape(b.name), escape(b.title));
        w!(s, "<text x=\"{LABEL_END}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", y + 16, escape(b.name));
        if let Some(x) = expected {
            w!(
                s,
                "<rect x=\"{X0}\" y=\"{}\" width=\"{:.1}\" height=\"18\" class=\"expected\"/>\n",
                y + 3,
                width(x)
            );
        }
        w!(
            s,
            "<rect x=\"{X0}\" y=\"{}\" width=\"{:.1}\" height=\"10\" class=\"found {class}\"/>\n",
            y + 7,
            width(b.found)
        );
        w!(s, "<text x=\"{TEXT_X}\" y=\"{}\">{label}</text>\n</g>\n", y + 16);
    }
    w!(s, "</svg>\n<figcaption>{caption}.</figcaption>\n</figure>\n");
}

fn records(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(s, "<section id=\"records\">\n<h2>4. {}</h2>\n", l.pick("Enregistrements", "Records"));
    if r.datasets.is_empty() {
        w!(
            s,
            "<p>{}</p>\n</section>\n",
            l.pick(
                "Aucun fichier n'a été lu comme jeu de données (aucun profil ne correspond).",
                "No file was read as a dataset (no profile fits)."
            )
        );
        return;
    }
    w!(
        s,
        "<table class=\"datasets\">\n<thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.pick("Jeu de données", "Dataset"),
        l.pick("Statut", "Status"),
        l.pick("Fichiers", "Files"),
        l.pick("Enregistrements", "Records"),
        l.pick("Valides", "Valid"),
        l.pick("Invalides", "Invalid"),
        l.pick("Incohérences", "Inconsistencies"),
        l.pick("Période", "Period"),
    );
    let (mut total, mut valid, mut invalid, mut broken) = (0u64, 0u64, 0u64, 0u64);
    for d in &r.datasets {
        let status = match d.status {
            "present" => badge("ok", l.pick("présent", "present")),
            "missing" => badge("warn", l.pick("absent", "missing")),
            other => badge("neutral", other),
        };
        let cross: u64 = d.cross.iter().map(|c| c.violations).sum();
        let period = d
            .period
            .as_ref()
            .map(|p| {
                let mut t = match (p.first, p.last) {
                    (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
                    (Some(a), _) => a.to_string(),
                    _ => "—".into(),
                };
                if !p.gaps.is_empty() {
                    let gaps: Vec<String> = p.gaps.iter().map(u16::to_string).collect();
                    w!(
                        t,
                        "<br><span class=\"missing\">{} {}</span>",
                        l.pick("années sans enregistrement :", "years without records:"),
                        gaps.join(", ")
                    );
                }
                t
            })
            .unwrap_or_else(|| "—".into());
        let invalid_cell = if d.invalid > 0 {
            format!("<strong class=\"ko\">{}</strong>", int(d.invalid, l))
        } else {
            int(d.invalid, l)
        };
        let cross_cell = if cross > 0 {
            format!("<strong class=\"ko\">{}</strong>", int(cross, l))
        } else {
            int(cross, l)
        };
        if d.status == "present" {
            w!(
                s,
                "<tr><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{status}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{invalid_cell}</td><td class=\"num\">{cross_cell}</td><td>{period}</td></tr>\n",
                escape(&d.name),
                escape(&d.title),
                int(d.files.len() as u64, l),
                int(d.records, l),
                int(d.valid, l),
            );
        } else {
            w!(
                s,
                "<tr><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{status}</td><td class=\"num\">0</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">—</td><td>—</td></tr>\n",
                escape(&d.name),
                escape(&d.title),
            );
        }
        total += d.records;
        valid += d.valid;
        invalid += d.invalid;
        broken += cross;
    }
    w!(
        s,
        "<tr class=\"total\"><th scope=\"row\" colspan=\"3\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td></td></tr>\n</tbody>\n</table>\n",
        l.pick("Total", "Total"),
        int(total, l),
        int(valid, l),
        int(invalid, l),
        int(broken, l),
    );

    // Rules broken, by dataset → field → rule.
    w!(
        s,
        "<h3>{}</h3>\n<p class=\"muted\">{}</p>\n",
        l.pick("Règles non respectées", "Rules broken"),
        l.pick(
            "Positions seulement (fichier:ligne, feuille, colonne) : cette page ne reproduit aucune valeur des enregistrements.",
            "Positions only (file:row, sheet, column): this page never shows a record's values."
        )
    );
    let with_errors: Vec<_> = r.datasets.iter().filter(|d| !d.errors.is_empty()).collect();
    if with_errors.is_empty() {
        w!(s, "<p>{}</p>\n", l.pick("Aucune règle de schéma enfreinte.", "No schema rule broken."));
    }
    for d in with_errors {
        let mut by_field: BTreeMap<&str, Vec<&RuleReport>> = BTreeMap::new();
        for e in &d.errors {
            by_field.entry(e.field.as_str()).or_default().push(e);
        }
        w!(
            s,
            "<h4><code>{}</code> — {}</h4>\n<table class=\"errors\">\n<thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            escape(&d.name),
            escape(&d.title),
            l.pick("Champ", "Field"),
            l.pick("Règle", "Rule"),
            l.pick("Enregistrements", "Records"),
            l.pick("Premières positions", "First positions"),
        );
        for (field, mut rules) in by_field {
            rules.sort_by(|a, b| a.rule.cmp(&b.rule));
            for e in rules {
                w!(
                    s,
                    "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"locs\">{}</td></tr>\n",
                    escape(field),
                    rule_cell(&e.rule, l),
                    int(e.count, l),
                    locations_cell(&e.locations, e.column.as_deref(), e.count, l)
                );
            }
        }
        s.push_str("</tbody>\n</table>\n");
    }

    // Cross-record checks.
    w!(s, "<h3>{}</h3>\n", l.pick("Contrôles de cohérence", "Consistency checks"));
    let any_cross = r.datasets.iter().any(|d| !d.cross.is_empty());
    if !any_cross {
        w!(
            s,
            "<p>{}</p>\n",
            l.pick("Aucun contrôle de cohérence appliqué.", "No consistency check applied.")
        );
    } else {
        w!(
            s,
            "<table class=\"cross\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            l.pick("Jeu de données", "Dataset"),
            l.pick("Contrôle", "Check"),
            l.pick("Champs", "Fields"),
            l.pick("Vérifiés", "Checked"),
            l.pick("Violations", "Violations"),
            l.pick("Statut", "Status"),
            l.pick("Lacunes et premières positions", "Gaps and first positions"),
        );
        for d in &r.datasets {
            for c in &d.cross {
                let mut fields = c
                    .fields
                    .iter()
                    .map(|f| format!("<code>{}</code>", escape(f)))
                    .collect::<Vec<_>>()
                    .join(", ");
                if let Some(t) = &c.target {
                    w!(fields, " → <code>{}</code>", escape(t));
                }
                let mut detail = String::new();
                for g in &c.gaps {
                    w!(
                        detail,
                        "<code>{}</code> : {} ({}, {} {})<br>",
                        escape(&g.group),
                        escape(&g.ranges.join(", ")),
                        count(
                            g.missing as usize,
                            l,
                            ("numéro manquant", "numéros manquants"),
                            ("missing", "missing")
                        ),
                        l.pick("dernier", "last"),
                        int(g.last, l)
                    );
                }
                if !c.locations.is_empty() {
                    detail.push_str(&locations_cell(&c.locations, None, c.violations, l));
                }
                if detail.is_empty() {
                    detail.push('—');
                }
                let violations = if c.violations > 0 {
                    format!("<strong class=\"ko\">{}</strong>", int(c.violations, l))
                } else {
                    int(c.violations, l)
                };
                w!(
                    s,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{fields}</td><td class=\"num\">{}</td><td class=\"num\">{violations}</td><td>{}</td><td class=\"locs\">{detail}</td></tr>\n",
                    escape(&d.name),
                    rule_cell(c.rule, l),
                    int(c.checked, l),
                    status_badge(c.status, l),
                );
            }
        }
        s.push_str("</tbody>\n</table>\n");
    }

    // Files read for records.
    let files: usize = r.datasets.iter().map(|d| d.files.len()).sum();
    if files > 0 {
        w!(
            s,
            "<details class=\"files\">\n<summary>{} ({})</summary>\n<div class=\"details-body\">\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            l.pick("Fichiers lus comme jeux de données", "Files read as datasets"),
            int(files as u64, l),
            l.pick("Jeu de données", "Dataset"),
            l.pick("Fichier", "File"),
            l.pick("Lecture", "Reading"),
            l.pick("Enregistrements", "Records"),
            l.pick("Invalides", "Invalid"),
            l.pick("Lignes irrégulières", "Ragged rows"),
            l.pick("Colonnes et erreurs", "Columns and errors"),
        );
        for d in &r.datasets {
            for f in &d.files {
                let mut reading = format!(
                    "{} {}, {}",
                    escape(&f.profile),
                    escape(f.reader),
                    escape(f.encoding.unwrap_or("—"))
                );
                if let Some(sep) = &f.delimiter {
                    let sep = match sep.as_str() {
                        "\t" => l.pick("tabulation", "tab").to_string(),
                        "," => l.pick("virgule", "comma").to_string(),
                        ";" => l.pick("point-virgule", "semicolon").to_string(),
                        "|" => l.pick("barre verticale", "vertical bar").to_string(),
                        other => format!("<code>{}</code>", escape(other)),
                    };
                    w!(reading, ", {} {sep}", l.pick("séparateur", "delimiter"));
                }
                if !f.sheets.is_empty() {
                    w!(reading, ", {} {}", l.pick("feuilles", "sheets"), escape(&f.sheets.join(", ")));
                }
                let mut notes = Vec::new();
                if !f.missing_columns.is_empty() {
                    notes.push(format!(
                        "<span class=\"missing\">{} {}</span>",
                        l.pick("colonnes absentes :", "missing columns:"),
                        escape(&f.missing_columns.join(", "))
                    ));
                }
                if !f.unused_columns.is_empty() {
                    notes.push(format!(
                        "{} {}",
                        l.pick("colonnes non reprises :", "unused columns:"),
                        escape(&f.unused_columns.join(", "))
                    ));
                }
                if let Some(e) = &f.error {
                    notes.push(format!(
                        "<span class=\"ko\">{} {}</span>",
                        l.pick("lecture interrompue :", "reading stopped:"),
                        escape(e)
                    ));
                }
                w!(
                    s,
                    "<tr><td><code>{}</code></td><td class=\"path\"><code>{}</code></td><td>{reading}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                    escape(&d.name),
                    escape(&f.path),
                    int(f.records, l),
                    int(f.invalid, l),
                    int(f.ragged_rows, l),
                    if notes.is_empty() { "—".to_string() } else { notes.join("<br>") },
                );
            }
        }
        s.push_str("</tbody>\n</table>\n</div>\n</details>\n");
    }
    s.push_str("</section>\n");
}

fn findings(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(s, "<section id=\"findings\">\n<h2>5. {}</h2>\n", l.pick("Constats", "Findings"));
    if r.findings.is_empty() {
        w!(s, "<p>{}</p>\n</section>\n", l.pick("Aucun constat.", "No finding."));
        return;
    }
    w!(
        s,
        "<p>{}, {}, {}.</p>\n",
        errors_count(r, l),
        count(r.summary.warnings, l, ("avertissement", "avertissements"), ("warning", "warnings")),
        count(r.summary.infos, l, ("information", "informations"), ("info", "infos")),
    );
    // Grouped by code, in the report's order (worst first).
    let mut groups: Vec<(&str, Vec<&super::FindingEntry>)> = Vec::new();
    for f in &r.findings {
        match groups.iter_mut().find(|(code, _)| *code == f.code) {
            Some((_, v)) => v.push(f),
            None => groups.push((f.code, vec![f])),
        }
    }
    w!(
        s,
        "<table class=\"findings\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        l.pick("Gravité", "Severity"),
        l.pick("Imputable à", "About"),
        l.pick("Code", "Code"),
        l.pick("Nombre", "Count"),
        l.pick("Message", "Message"),
        l.pick("Premières positions", "First positions"),
    );
    for (code, items) in &groups {
        let severity = items.iter().map(|f| f.severity).max().unwrap_or(Severity::Info);
        let mut message = escape(&items[0].message);
        if items.len() > 1 && items.iter().any(|f| f.message != items[0].message) {
            message = format!("<span class=\"muted\">{}</span> {message}", l.pick("p. ex.", "e.g."));
        }
        let places: Vec<String> = items
            .iter()
            .map(|f| finding_location(&f.location, l))
            .filter(|p| !p.is_empty())
            .take(MAX_LOCATIONS)
            .collect();
        let mut where_ = places.join("<br>");
        // Findings past the report's cap for this code are counted, not listed.
        let omitted = r.summary.omitted.get(code).copied().unwrap_or(0);
        let located = items.iter().filter(|f| f.location != Location::default()).count() + omitted;
        if located > places.len() {
            w!(
                where_,
                "<br><span class=\"muted\">… {} {}{}</span>",
                l.pick("et", "and"),
                int((located - places.len()) as u64, l),
                l.pick(" autre(s)", " more")
            );
        }
        if where_.is_empty() {
            where_.push('—');
        }
        w!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"code\"><code>{}</code></td><td class=\"num\">{}</td><td>{message}</td><td class=\"locs\">{where_}</td></tr>\n",
            severity_badge(severity, l),
            attribution_label(items[0].attribution, l),
            escape(code).replace('.', ".<wbr>"),
            int((items.len() + omitted) as u64, l),
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

fn inventory(s: &mut String, r: &Report) {
    let l = r.lang;
    w!(
        s,
        "<section id=\"inventory\">\n<h2>6. {}</h2>\n<details class=\"inventory\">\n<summary>{}, {} <span class=\"hint\">{}</span></summary>\n<div class=\"details-body\">\n",
        l.pick("Inventaire", "Inventory"),
        count(r.files.len(), l, ("fichier", "fichiers"), ("file", "files")),
        human_bytes(r.summary.bytes, l),
        l.pick("(cliquer pour déplier)", "(click to expand)"),
    );
    if r.files.is_empty() {
        w!(s, "<p>{}</p>\n", l.pick("Aucun fichier.", "No file."));
    } else {
        w!(
            s,
            "<table class=\"files\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
            l.pick("Chemin", "Path"),
            l.pick("Taille (octets)", "Size (bytes)"),
            l.pick("Format (PRONOM)", "Format (PRONOM)"),
            l.pick("Ouverture", "Openness"),
            l.pick("Encodage", "Encoding"),
        );
        for f in &r.files {
            let mut path = format!("<code>{}</code>", escape(&f.path));
            let kind = match f.kind {
                crate::archive::EntryKind::File | crate::archive::EntryKind::Dir => None,
                crate::archive::EntryKind::Symlink => Some(l.pick("lien symbolique", "symbolic link")),
                crate::archive::EntryKind::HardLink => Some(l.pick("lien physique", "hard link")),
                crate::archive::EntryKind::Special => Some(l.pick("entrée spéciale", "special entry")),
            };
            let status = match f.status {
                crate::inventory::ReadStatus::Read => None,
                crate::inventory::ReadStatus::NotRead => Some(l.pick("non lu", "not read")),
                crate::inventory::ReadStatus::Failed => Some(l.pick("lecture en échec", "reading failed")),
            };
            let notes: Vec<&str> = kind.into_iter().chain(status).collect();
            if !notes.is_empty() {
                w!(path, "<br><span class=\"missing\">{}</span>", notes.join(", "));
            }
            let (format, openness) = match &f.format {
                Some(x) => {
                    let mut t = escape(x.name);
                    if let Some(p) = x.puid {
                        w!(t, " <code>{}</code>", escape(p));
                    }
                    if let Some(n) = x.note {
                        w!(t, "<br><span class=\"muted\">{}</span>", escape(n));
                    }
                    let o = match x.openness {
                        Openness::Open => badge("ok", l.pick("ouvert", "open")),
                        Openness::Proprietary => badge("warn", l.pick("propriétaire", "proprietary")),
                        Openness::Unknown => badge("neutral", l.pick("inconnu", "unknown")),
                    };
                    (t, o)
                }
                None => ("—".to_string(), "—".to_string()),
            };
            w!(
                s,
                "<tr><td class=\"path\">{path}</td><td class=\"num\">{}</td><td>{format}</td><td>{openness}</td><td>{}</td><td><code class=\"hash\">{}</code></td></tr>\n",
                f.size.map(|n| int(n, l)).unwrap_or_else(|| "—".into()),
                escape(f.encoding.map(|e| e.as_str()).unwrap_or("—")),
                escape(f.digests.sha256.as_deref().unwrap_or("—")),
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</div>\n</details>\n</section>\n");
}

fn reproducibility(s: &mut String, r: &Report) {
    let l = r.lang;
    let p = &r.reproducibility;
    w!(
        s,
        "<section id=\"reproducibility\">\n<h2>7. {}</h2>\n<p class=\"muted\">{}</p>\n<dl class=\"facts\">\n",
        l.pick("Reproductibilité", "Reproducibility"),
        l.pick(
            "De quoi refaire la vérification et obtenir le même résultat : la même version de reversa, la même archive (même empreinte), les mêmes schémas, profils et fichiers.",
            "What it takes to run the verification again with the same result: the same reversa version, the same archive (same digest), the same schemas, profiles and files."
        )
    );
    let dt = |s: &mut String, k: &str, v: String| w!(s, "<dt>{}</dt><dd>{}</dd>\n", escape(k), v);
    dt(s, l.pick("Outil", "Tool"), format!("{} {}", escape(r.tool.name), escape(r.tool.version)));
    dt(s, l.pick("Format du rapport", "Report format"), escape(r.report_version));
    dt(s, l.pick("Produit le", "Written on"), escape(&r.generated_at));
    let command = if p.command.is_empty() {
        "—".to_string()
    } else {
        format!(
            "<code>{}</code>",
            escape(&p.command.iter().map(|a| shell_word(a)).collect::<Vec<_>>().join(" "))
        )
    };
    dt(s, l.pick("Commande", "Command"), command);
    dt(
        s,
        l.pick("Archive (SHA-256)", "Archive (SHA-256)"),
        format!(
            "<code class=\"hash\">{}</code> ({})",
            escape(&r.archive.sha256),
            escape(r.archive.digest_kind)
        ),
    );
    dt(
        s,
        l.pick("Lecture", "Reading"),
        format!(
            "{}, {} {}, {} {}",
            count(r.archive.entries, l, ("entrée", "entrées"), ("entry", "entries")),
            bytes(r.archive.bytes_read, l),
            l.pick("lus", "read"),
            int(r.archive.passes as u64, l),
            l.pick("passe(s)", "pass(es)")
        ),
    );
    let counts = match &p.counts {
        Some(c) => format!(
            "<code>{}</code> ({})<br><code class=\"hash\">{}</code>",
            escape(&c.path),
            escape(c.form),
            escape(&c.sha256)
        ),
        None => l.pick("aucun (option --counts non utilisée)", "none (--counts not given)").to_string(),
    };
    dt(s, l.pick("Comptages de la commune", "Commune's counts"), counts);
    let clauses = match &p.clauses.sha256 {
        Some(sha) => {
            format!("<code>{}</code><br><code class=\"hash\">{}</code>", escape(&p.clauses.path), escape(sha))
        }
        None if p.clauses.path == "default" => l
            .pick("jeu de clauses par défaut, intégré à reversa", "default clause set, built into reversa")
            .to_string(),
        None => format!("<code>{}</code>", escape(&p.clauses.path)),
    };
    dt(s, l.pick("Fichier de clauses", "Clause file"), clauses);
    if p.reveal_values {
        dt(
            s,
            l.pick("Valeurs révélées", "Values revealed"),
            l.pick(
                "oui (--reveal-values) : le rapport JSON contient des valeurs d'enregistrements, donc des données personnelles ; cette page n'en montre aucune",
                "yes (--reveal-values): the JSON report holds record values, hence personal data; this page shows none",
            )
            .to_string(),
        );
    }
    let lim = &p.limits;
    dt(
        s,
        l.pick("Limites", "Limits"),
        format!(
            "{} {} ; {} {} ({} {}) ; {} {}",
            l.pick("taille décompressée max.", "max. uncompressed size"),
            bytes(lim.max_total_size, l),
            l.pick("taux de compression max.", "max. compression ratio"),
            int(lim.max_ratio, l),
            l.pick("au-delà de", "above"),
            human_bytes(lim.ratio_min_size, l),
            l.pick("manifeste max.", "max. manifest"),
            human_bytes(lim.max_manifest_size, l),
        ),
    );
    s.push_str("</dl>\n");
    if !p.profiles.is_empty() {
        w!(
            s,
            "<h3>{}</h3>\n<table class=\"profiles\">\n<thead><tr><th>{}</th><th>{}</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
            l.pick("Profils", "Profiles"),
            l.pick("Nom", "Name"),
            l.pick("Origine", "Origin"),
        );
        for x in &p.profiles {
            w!(
                s,
                "<tr><td><code>{}</code></td><td>{}</td><td><code class=\"hash\">{}</code></td></tr>\n",
                escape(&x.name),
                escape(&x.origin),
                escape(&x.sha256)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    if !p.schemas.is_empty() {
        w!(
            s,
            "<h3>{}</h3>\n<table class=\"schemas\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
            l.pick("Schémas", "Schemas"),
            l.pick("Jeu de données", "Dataset"),
            l.pick("Identifiant", "Id"),
            l.pick("Version", "Version"),
        );
        for (name, x) in &p.schemas {
            w!(
                s,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td><code class=\"hash\">{}</code></td></tr>\n",
                escape(name),
                escape(&x.id),
                escape(&x.version),
                escape(&x.sha256)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");
}

/// A command-line argument as a POSIX shell would need it written.
fn shell_word(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | '+' | ',' | '%')
        });
    if plain { arg.to_string() } else { format!("'{}'", arg.replace('\'', "'\\''")) }
}

// ---------------------------------------------------------------------------------------------
// Style

/// The `@page` rules, which carry the archive digest in the running header.
fn page_rules(s: &mut String, r: &Report) {
    let header = css_string(&format!("reversa — sha256 {}", r.archive.sha256));
    let pages = css_string("page ");
    w!(
        s,
        "@page {{\n  size: A4;\n  margin: 15mm;\n  @top-center {{ content: {header}; font-family: system-ui, sans-serif; font-size: 7.5pt; color: #555; }}\n  @bottom-right {{ content: {pages} counter(page) \" / \" counter(pages); font-family: system-ui, sans-serif; font-size: 7.5pt; color: #555; }}\n}}\n"
    );
}

const CSS: &str = r#":root {
  color-scheme: light;
  --ok: #1b5e20; --ok-bg: #e8f5e9;
  --ko: #b71c1c; --ko-bg: #fdecea;
  --warn: #7a4a00; --warn-bg: #fff3dc; --warn-line: #c98a00;
  --info: #1f4e79; --info-bg: #e8f0f8;
  --muted: #59636e; --line: #cfd6dd; --head: #f1f4f7;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: #1f2328; background: #fff; font-size: 15px; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; break-after: avoid; }
h4 { font-size: .98rem; margin: 1rem 0 .35rem; break-after: avoid; }
p { margin: .35rem 0 .6rem; }
a { color: #0b57d0; }
code, .mono {
  font-family: ui-monospace, "SFMono-Regular", "Cascadia Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
  font-size: .86em;
}
td, dd, li, .subtitle { overflow-wrap: break-word; }
code, .hash { overflow-wrap: anywhere; }
.hash { word-break: break-all; }
td.code code { overflow-wrap: normal; }
td.link { white-space: nowrap; }
.subtitle, .muted, .source, figcaption { color: var(--muted); }
.muted, .source, figcaption { font-size: .88em; }
.missing { color: var(--warn); }
.ko { color: var(--ko); }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; font-size: .88em; }
th, td { border: 1px solid var(--line); padding: .28rem .45rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); font-weight: 600; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total th, tr.total td { background: var(--head); font-weight: 600; }
td.locs { font-size: .92em; min-width: 13em; }
td.path { min-width: 13em; }
th.num { white-space: normal; }
.verdict {
  border: 2px solid; border-left-width: 10px; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0 1.4rem;
  break-inside: avoid;
}
.v-ok { border-color: var(--ok); background: var(--ok-bg); }
.v-ko { border-color: var(--ko); background: var(--ko-bg); }
.v-warn { border-color: var(--warn-line); background: var(--warn-bg); }
.verdict-sentence { font-size: 1.25em; font-weight: 700; margin: 0 0 .35rem; }
.v-ok .verdict-sentence { color: var(--ok); }
.v-ko .verdict-sentence { color: var(--ko); }
.v-warn .verdict-sentence { color: var(--warn); }
.verdict-counts { margin: 0; }
ul.checks { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .3rem .45rem; }
.badge {
  display: inline-block; padding: .03rem .5rem; border: 1px solid; border-radius: 999px;
  font-size: .85em; font-weight: 600; white-space: nowrap; line-height: 1.35;
}
.b-ok { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.b-ko { color: var(--ko); background: var(--ko-bg); border-color: var(--ko); }
.b-warn { color: var(--warn); background: var(--warn-bg); border-color: var(--warn-line); }
.b-info { color: var(--info); background: var(--info-bg); border-color: var(--info); }
.b-neutral { color: var(--muted); background: var(--head); border-color: var(--line); }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 2rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .9rem; margin: .3rem 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.facts-block { break-inside: avoid; }
.evidence { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; margin: .6rem 0; break-inside: avoid; }
.evidence h4 { margin-top: .2rem; }
blockquote { margin: .4rem 0; padding: .25rem .8rem; border-left: 3px solid var(--line); color: #333; font-style: italic; }
ul.proofs { margin: .3rem 0 .5rem; padding-left: 1.3rem; }
.back { margin: 0; font-size: .82em; }
figure.chart { margin: .5rem 0 1rem; break-inside: avoid; }
figure.chart svg { display: block; width: 100%; max-width: 900px; height: auto; }
figure.chart text { fill: #1f2328; }
rect.expected { fill: #eceff2; stroke: #5f6b76; stroke-width: 1; stroke-dasharray: 4 2; }
rect.found.pass { fill: #2e7d32; }
rect.found.fail { fill: #c62828; }
rect.found.neutral { fill: #4b6a88; }
details { margin: .5rem 0 1rem; }
details > summary { cursor: pointer; font-weight: 600; padding: .3rem 0; }
.hint { font-weight: 400; color: var(--muted); font-size: .85em; }
.print-header { display: none; }
footer { margin-top: 2.5rem; padding-top: .5rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .82em; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9.5pt; line-height: 1.35; }
  main {
    max-width: none; margin: 0; padding: 7mm 0 0;
    -webkit-box-decoration-break: clone; box-decoration-break: clone;
  }
  .print-header {
    display: block; position: fixed; top: 0; left: 0; right: 0; height: 5mm;
    font-size: 7pt; line-height: 5mm; color: #555; text-align: center; white-space: nowrap; overflow: hidden;
    background: #fff; border-bottom: .3pt solid #999;
  }
  h1 { font-size: 16pt; }
  h2 { font-size: 13pt; margin-top: 6mm; }
  h3 { font-size: 11pt; }
  h4 { font-size: 10pt; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .back, .hint { display: none; }
  table { font-size: 8pt; }
  th, td { padding: 1mm 1.5mm; }
  thead { display: table-header-group; }
  tr, .evidence, .verdict, .facts-block, figure.chart, dl.facts > * { break-inside: avoid; page-break-inside: avoid; }
  .cols { display: block; }
  details > summary { list-style: none; }
  details > summary::-webkit-details-marker { display: none; }
  details > :not(summary) { display: block !important; }
  details > .details-body { display: block !important; }
  footer { break-inside: avoid; }
}
@media print {
  details::details-content { content-visibility: visible; display: contents; }
}
"#;

/// Optional: opens the collapsed sections while printing, for browsers whose CSS cannot.
const SCRIPT: &str = "<script>\n(function () {\n  var opened = [];\n  window.addEventListener('beforeprint', function () {\n    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));\n    opened.forEach(function (d) { d.open = true; });\n  });\n  window.addEventListener('afterprint', function () {\n    opened.forEach(function (d) { d.open = false; });\n    opened = [];\n  });\n})();\n</script>\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::NoProgress;
    use crate::demo::{Defect, DemoOptions};
    use crate::pipeline::Plan;

    fn run(lang: Lang, defects: Vec<Defect>, contract: Option<std::path::PathBuf>) -> Report {
        let dir = tempfile::tempdir().unwrap();
        let opts = DemoOptions { records: 200, defects, ..Default::default() };
        let export = crate::demo::write_demo(dir.path(), &opts).unwrap();
        let plan = Plan {
            command: vec!["reversa".into(), "verify".into(), "export de test.zip".into()],
            contract,
            ..Plan::new(export.path, lang)
        };
        crate::pipeline::run(&plan, &NoProgress).unwrap()
    }

    /// No resource is loaded: no `src`, no link or style import to the network.
    fn assert_offline(html: &str) {
        for bad in
            ["src=", "href=\"http", "href='http", "url(", "@import", "http://", "https://", "<link", "<img"]
        {
            assert!(!html.contains(bad), "page contains {bad:?}");
        }
    }

    fn count_of(html: &str, needle: &str) -> usize {
        html.matches(needle).count()
    }

    #[test]
    fn french_page_has_the_verdict_clauses_digest_and_chart() {
        let report = run(Lang::Fr, Vec::new(), None);
        let html = render(&report);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<title>Rapport reversa — "), "{}", &html[..400]);
        assert!(html.contains(&escape(&verdict_sentence(&report))));
        assert!(
            html.contains(&format!("id=\"verdict\" class=\"verdict v-{}\"", verdict_class(report.verdict)))
        );
        assert!(html.contains(&format!("data-verdict=\"{}\"", report.verdict.as_str())));
        let sentence_start = match report.verdict {
            Verdict::Satisfiable => "Export satisfaisable : ",
            Verdict::NotSatisfiable => "Export non satisfaisable : ",
            Verdict::Undetermined => "Résultat indéterminé : ",
        };
        assert!(html.contains(sentence_start));
        assert!(!report.clauses.is_empty());
        assert_eq!(count_of(&html, "<tr class=\"clause\""), report.clauses.len());
        for c in &report.clauses {
            assert!(html.contains(&format!("<tr class=\"clause\" id=\"clause-{}\">", c.id)));
            assert!(html.contains(&format!("href=\"#evidence-{}\"", c.id)));
            assert!(html.contains(&format!("id=\"evidence-{}\"", c.id)));
        }
        assert!(html.contains(&report.archive.sha256));
        assert!(
            html.contains(&format!("@top-center {{ content: \"reversa — sha256 {}\"", report.archive.sha256))
        );
        assert!(html.contains("class=\"print-header\""));
        assert!(html.contains("<svg"));
        // One bar per dataset read, each against the manifest's count.
        let present = report.datasets.iter().filter(|d| d.status == "present").count();
        assert_eq!(count_of(&html, "class=\"found "), present + 1);
        assert!(html.contains("<details class=\"inventory\">"));
        for f in &report.files {
            assert!(html.contains(&escape(&f.path)), "{}", f.path);
        }
        assert!(html.contains("&#39;export de test.zip&#39;"));
        assert!(html.contains("Reproductibilité"));
        assert!(html.contains("size: A4"));
        assert!(html.contains("thead { display: table-header-group; }"));
        assert!(html.contains("tr, .evidence"));
        assert_offline(&html);
        // Deterministic.
        assert_eq!(html, render(&report));
        // Balanced structure.
        for tag in ["section", "table", "tbody", "details", "svg", "dl", "article"] {
            assert_eq!(
                count_of(&html, &format!("<{tag}>")) + count_of(&html, &format!("<{tag} ")),
                count_of(&html, &format!("</{tag}>")),
                "<{tag}>"
            );
        }
    }

    #[test]
    fn english_page_differs() {
        let fr = run(Lang::Fr, Vec::new(), None);
        let en = run(Lang::En, Vec::new(), None);
        let (hf, he) = (render(&fr), render(&en));
        assert!(he.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(he.contains("<title>reversa report — "));
        assert!(he.contains(&escape(&verdict_sentence(&en))));
        assert!(he.contains("Reversibility clauses") && he.contains("Reproducibility"));
        assert!(!he.contains("Clauses de réversibilité") && !he.contains("Reproductibilité"));
        assert!(!he.contains("Enregistrements") && !he.contains("octets"));
        assert_ne!(hf, he);
        assert_offline(&he);
    }

    #[test]
    fn defects_show_as_errors_with_positions() {
        let defects = vec![
            Defect::InvalidDate,
            Defect::DuplicateKey,
            Defect::ActeGap,
            Defect::DigestMismatch,
            Defect::MissingScan,
        ];
        let report = run(Lang::Fr, defects, None);
        assert_eq!(report.verdict, Verdict::NotSatisfiable);
        let html = render(&report);
        assert!(html.contains("data-verdict=\"not-satisfiable\""));
        assert!(html.contains("class=\"verdict v-ko\""));
        assert!(
            html.contains("<title>Rapport reversa — Export non satisfaisable — export-38185-42.zip</title>")
        );
        assert!(html.contains("Export non satisfaisable : "));
        assert!(html.contains("<span class=\"badge b-ko\">violée</span>"));
        // Each rule broken appears with its field, count and first position.
        let mut rules = 0;
        for d in &report.datasets {
            for e in &d.errors {
                rules += 1;
                assert!(html.contains(&format!("<td><code>{}</code></td>", escape(&e.field))));
                if let Some(loc) = e.locations.first() {
                    assert!(html.contains(&format!("<code>{}:{}</code>", escape(&loc.path), loc.row)));
                }
            }
            for c in &d.cross {
                for g in &c.gaps {
                    assert!(html.contains(&escape(&g.ranges.join(", "))));
                }
            }
        }
        assert!(rules > 0, "the invalid date breaks a rule");
        // Findings grouped by code, once each.
        for f in &report.findings {
            let code = f.code.replace('.', ".<wbr>");
            assert_eq!(count_of(&html, &format!("<td class=\"code\"><code>{code}</code></td>")), 1);
        }
        assert!(html.contains("fixity.digest-mismatch"));
        assert_offline(&html);
    }

    /// Findings past the cap of their code are counted in the code's row, not lost.
    #[test]
    fn omitted_findings_count_in_their_row() {
        let mut report = run(Lang::Fr, vec![Defect::InvalidDate], None);
        let code = report.findings[0].code;
        let listed = report.findings.iter().filter(|f| f.code == code).count();
        report.summary.omitted.insert(code, 1_000_000);
        let html = render(&report);
        let total = int((listed + 1_000_000) as u64, Lang::Fr);
        assert!(html.contains(&format!("<td class=\"num\">{total}</td>")), "{total}");
    }

    #[test]
    fn contract_terms_and_unverifiable_clauses() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/clauses/templates/commune.toml");
        let report = run(Lang::Fr, Vec::new(), Some(path));
        let html = render(&report);
        let terms = &report.contract.terms;
        for v in [&terms.vendor, &terms.reference, &terms.title].into_iter().flatten() {
            assert!(html.contains(&escape(v)), "{v}");
        }
        assert!(html.contains(&escape(&report.contract.title)));
        assert_eq!(count_of(&html, "<tr class=\"clause\""), report.clauses.len());
        for c in &report.clauses {
            assert!(html.contains(&escape(&c.text)));
            if let Some(m) = &c.missing {
                assert!(html.contains(&format!("manque : {}", escape(m))));
            }
        }
        if report.verdict == Verdict::Undetermined {
            assert!(html.contains("Résultat indéterminé : "));
            assert!(html.contains("class=\"verdict v-warn\""));
        }
        assert_offline(&html);
    }

    #[test]
    fn report_strings_are_escaped() {
        assert_eq!(escape("<a href=\"x\">l'&</a>"), "&lt;a href=&quot;x&quot;&gt;l&#39;&amp;&lt;/a&gt;");
        assert_eq!(escape("a\u{1}b"), "a\\x01b");
        let mut report = run(Lang::Fr, Vec::new(), None);
        let evil = "<script>alert(1)</script>.csv";
        report.files[0].path = evil.into();
        report.archive.path = format!("/tmp/{evil}");
        report.archive.sha256 = "\"; } </style><script>alert(2)</script>".into();
        report.clauses[0].id = "X\"><script>alert(3)</script>".into();
        report.clauses[0].evidence.push(evil.into());
        report.contract.terms.vendor = Some("<b>Éditeur</b> & fils".into());
        if let Some(d) = report.datasets.first_mut() {
            d.title = evil.into();
        }
        let html = render(&report);
        assert!(!html.contains("<script>alert"), "unescaped script");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.csv"));
        assert!(html.contains("<title>Rapport reversa — "));
        assert!(html.contains("&lt;b&gt;Éditeur&lt;/b&gt; &amp; fils"));
        assert_eq!(count_of(&html, "</style>"), 1, "the digest in the style sheet cannot close it");
        assert_eq!(count_of(&html, "<script"), 1, "only the page's own optional script");
        assert_eq!(css_string("a\"b</style>"), "\"a\\22 b\\3c \\2f style\\3e \"");
    }

    #[test]
    fn numbers_and_names() {
        assert_eq!(int(1_234_567, Lang::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(int(999, Lang::En), "999");
        assert_eq!(signed(-3, Lang::Fr), "\u{2212}3");
        assert_eq!(signed(1200, Lang::En), "+1,200");
        assert_eq!(percent(-0.5, Lang::Fr), "\u{2212}0,50\u{202f}%");
        assert_eq!(archive_name("/a/b/export.zip"), "export.zip");
        assert_eq!(archive_name("C:\\x\\export\\"), "export");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("--out"), "--out");
    }
}
