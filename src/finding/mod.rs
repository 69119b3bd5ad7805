//! The one finding type that every stage emits, and the catalogue of finding codes.
//!
//! A [`Finding`] names its check ([`Code`]), its [`Severity`], where it is ([`Location`]) and the
//! parameters its message needs. Parameters never hold values read from the export's records:
//! only counts, positions, paths, algorithm names and digests. Messages are rendered in French or
//! English from the catalogue in `codes.rs`, so the JSON report and the terminal say the same thing.

mod codes;

pub use codes::Code;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// How much a finding weighs on the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A fact worth knowing; never changes the verdict.
    Info,
    /// A weakness the reader should look at; does not by itself make the export fail.
    Warning,
    /// The export breaks an expectation: the verdict is "not satisfiable".
    Error,
}

impl Severity {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Who a finding is about, and so what it can do to the verdict.
///
/// | attribution | about | effect |
/// |---|---|---|
/// | `export` | the vendor's delivery | an error fails its check and violates the clauses resting on it |
/// | `tool` | what reversa cannot check (container, algorithm, encoding, format, limit) | an error makes its check and clauses *unverifiable*, never violated |
/// | `input` | the commune's counts, clause or profile file | refused before any work (exit 2): never in a report |
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    /// The vendor's export is at fault.
    Export,
    /// reversa cannot check this.
    Tool,
    /// The commune's own input file is wrong.
    Input,
}

impl Attribution {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Export => "export",
            Attribution::Tool => "tool",
            Attribution::Input => "input",
        }
    }
}

/// Where a finding is: an entry of the archive, a line of a manifest, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Path of the archive entry concerned, as written in the archive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The manifest file that declares it, when the finding comes from a manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// 1-based line of the manifest (BagIt, reversa) or of the record file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Identifier of the manifest element (SEDA `BinaryDataObject/@id`, JSON pointer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// Sheet of a spreadsheet holding records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Column (as named in the file) of a record field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Location {
    /// A location naming one archive entry.
    pub fn entry(path: impl Into<String>) -> Self {
        Location { path: Some(path.into()), ..Default::default() }
    }

    /// A location naming a manifest file, and optionally a line of it.
    pub fn manifest(manifest: impl Into<String>, line: Option<u64>) -> Self {
        Location { manifest: Some(manifest.into()), line, ..Default::default() }
    }

    /// Adds the archive entry concerned.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Adds the line (of a manifest or of a record file).
    pub fn with_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Adds the manifest element concerned.
    pub fn with_element(mut self, element: impl Into<String>) -> Self {
        self.element = Some(element.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = &self.path {
            parts.push(p.clone());
        }
        if let Some(m) = &self.manifest {
            match self.line {
                Some(l) => parts.push(format!("{m}:{l}")),
                None => parts.push(m.clone()),
            }
        } else if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(e) = &self.element {
            parts.push(format!("#{e}"));
        }
        if let Some(s) = &self.sheet {
            parts.push(format!("[{s}]"));
        }
        if let Some(c) = &self.column {
            parts.push(format!("({c})"));
        }
        f.write_str(&parts.join(" "))
    }
}

/// One problem or fact found in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code of the check that found it, e.g. `fixity.digest-mismatch`.
    pub code: Code,
    /// How much it weighs on the verdict.
    pub severity: Severity,
    /// Who it is about: only `export` errors can fail a check or violate a clause.
    pub attribution: Attribution,
    /// Where it is.
    pub location: Location,
    /// The values its message needs (counts, sizes, algorithms, digests): never record values.
    pub params: BTreeMap<&'static str, String>,
}

impl Finding {
    /// A finding with the code's default severity.
    pub fn new(code: Code, location: Location) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            attribution: code.attribution(),
            location,
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter to the message.
    pub fn with(mut self, key: &'static str, value: impl ToString) -> Self {
        self.params.insert(key, value.to_string());
        self
    }

    /// Adds a parameter whose text depends on the language: `key` holds the English text and
    /// `key_fr` (which must be `key` followed by `_fr`) the French one, used by French messages.
    pub fn with_text(
        mut self,
        key: &'static str,
        key_fr: &'static str,
        fr: impl ToString,
        en: impl ToString,
    ) -> Self {
        debug_assert_eq!(key_fr.strip_suffix("_fr"), Some(key));
        self.params.insert(key, en.to_string());
        self.params.insert(key_fr, fr.to_string());
        self
    }

    /// Overrides the default severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether this finding fails its check (an error about the export itself).
    pub fn fails(&self) -> bool {
        self.severity == Severity::Error && self.attribution == Attribution::Export
    }

    /// Whether this finding leaves its check unverifiable (an error reversa could not check past).
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error && self.attribution == Attribution::Tool
    }

    /// The message in the given language, with its parameters filled in.
    pub fn message(&self, lang: Lang) -> String {
        let template = self.code.template(lang);
        fill(template, &self.params, lang)
    }

    /// Sort key giving reports a stable order: severity (worst first), then code, then place.
    pub fn sort_key(&self) -> (std::cmp::Reverse<Severity>, &'static str, &Location) {
        (std::cmp::Reverse(self.severity), self.code.as_str(), &self.location)
    }
}

/// Language of the rendered messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English, on request.
    En,
}

impl Lang {
    /// The ISO 639-1 code.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Picks the French or the English text.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// Fills `{name}` placeholders of a catalogue template with `params` (unknown names stay).
pub fn fill_template(template: &str, params: &BTreeMap<&'static str, String>) -> String {
    fill(template, params, Lang::En)
}

/// Replaces each `{name}` in `template` by its parameter (in French, by `name_fr` when the
/// finding has one: see [`Finding::with_text`]); unknown names are left as they are.
fn fill(template: &str, params: &BTreeMap<&'static str, String>, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let key = &after[..end];
                let localised = match lang {
                    Lang::Fr => params.get(format!("{key}_fr").as_str()),
                    Lang::En => None,
                };
                match localised.or_else(|| params.get(key)) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Findings of one code kept in a report: a hostile manifest declaring a million absent files
/// would otherwise make a report of hundreds of megabytes. The counts stay exact.
pub const MAX_PER_CODE: usize = 1000;

/// Keeps the first `per_code` findings of each code (in their order) and returns how many of
/// each code were left out, with their severity.
pub fn cap_per_code(
    findings: &mut Vec<Finding>,
    per_code: usize,
) -> BTreeMap<&'static str, (Severity, usize)> {
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut omitted: BTreeMap<&'static str, (Severity, usize)> = BTreeMap::new();
    findings.retain(|f| {
        let n = seen.entry(f.code.as_str()).or_insert(0);
        *n += 1;
        if *n <= per_code {
            return true;
        }
        omitted.entry(f.code.as_str()).or_insert((f.severity, 0)).1 += 1;
        false
    });
    omitted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_filled_in_both_languages() {
        let f = Finding::new(Code::FixityDigestMismatch, Location::entry("data/a.csv"))
            .with("algorithm", "sha256");
        assert!(f.message(Lang::Fr).contains("sha256"), "{}", f.message(Lang::Fr));
        assert!(f.message(Lang::En).contains("sha256"));
        assert_ne!(f.message(Lang::Fr), f.message(Lang::En));
    }

    #[test]
    fn language_dependent_params() {
        let f = Finding::new(Code::ManifestMalformed, Location::default()).with_text(
            "error",
            "error_fr",
            "balise fermante sans balise ouvrante",
            "end tag without a start tag",
        );
        assert_eq!(f.message(Lang::Fr), "manifeste illisible : balise fermante sans balise ouvrante");
        assert_eq!(f.message(Lang::En), "unreadable manifest: end tag without a start tag");
        // Without a French text, French messages fall back to the plain parameter.
        let f = Finding::new(Code::ManifestMalformed, Location::default()).with("error", "x");
        assert_eq!(f.message(Lang::Fr), "manifeste illisible : x");
    }

    #[test]
    fn fill_leaves_unknown_names() {
        let mut p = BTreeMap::new();
        p.insert("a", "1".to_string());
        assert_eq!(fill("x {a} {b} {", &p, Lang::En), "x 1 {b} {");
    }

    #[test]
    fn location_display() {
        let l = Location::manifest("manifest-sha256.txt", Some(3)).with_path("data/x");
        assert_eq!(l.to_string(), "data/x manifest-sha256.txt:3");
    }

    #[test]
    fn findings_are_capped_per_code_with_exact_counts_left_out() {
        let mut all: Vec<Finding> = (0..5)
            .map(|i| Finding::new(Code::FixityMissingFile, Location::entry(format!("f{i}"))))
            .chain([Finding::new(Code::ManifestAbsent, Location::default())])
            .collect();
        let omitted = cap_per_code(&mut all, 2);
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].location.path.as_deref(), Some("f1"), "the first ones are kept");
        assert_eq!(omitted.get("fixity.missing-file"), Some(&(Severity::Error, 3)));
        assert!(!omitted.contains_key("manifest.absent"));
    }
}
