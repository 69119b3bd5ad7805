//! The catalogue of check kinds a clause can name: what each checks, the evidence it needs,
//! when it is unverifiable, and its parameters. Adding a kind is one entry in [`CATALOGUE`] and
//! one arm in [`super::evaluate::evaluate`].

use super::Clause;

/// A parameter's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// true or false.
    Bool,
    /// A number (integer or decimal).
    Number,
    /// A whole number ≥ 0.
    Integer,
    /// A string.
    Text,
    /// A list of strings.
    List,
}

/// One parameter of a kind.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: ParamType,
    /// Whether a clause must give it.
    pub required: bool,
}

/// A check kind.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Its name, as written in clause files.
    pub name: &'static str,
    /// What it checks.
    pub checks: &'static str,
    /// The evidence it reads.
    pub evidence: &'static str,
    /// When it is unverifiable.
    pub unverifiable: &'static str,
    /// Its parameters.
    pub params: &'static [Param],
    /// Contract fields it needs (`[contract]` keys).
    pub contract: &'static [&'static str],
}

const fn p(name: &'static str, ty: ParamType, required: bool) -> Param {
    Param { name, ty, required }
}

/// Every kind.
pub const CATALOGUE: &[Kind] = &[
    Kind {
        name: "check",
        checks: "a reversa check passes (safety, fixity, formats, encoding, records, cross-records, completeness)",
        evidence: "the check's status and its findings",
        unverifiable: "when the check is (no manifest, no record file, no counts)",
        params: &[p("id", ParamType::Text, true)],
        contract: &[],
    },
    Kind {
        name: "open-formats",
        checks: "every file read is in an open format (RGI v2: ODF recommandé, OOXML en observation)",
        evidence: "the inventory's formats and openness classes",
        unverifiable: "no file could be read",
        params: &[
            p("allow_ooxml", ParamType::Bool, false),
            p("allow", ParamType::List, false),
            p("deny", ParamType::List, false),
        ],
        contract: &[],
    },
    Kind {
        name: "text-encoding",
        checks: "text files are in the allowed encodings",
        evidence: "the inventory's encodings",
        unverifiable: "no text file",
        params: &[p("encodings", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "required-datasets",
        checks: "the datasets listed are delivered, with records",
        evidence: "the report's datasets",
        unverifiable: "never",
        params: &[p("datasets", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "schema-conformance",
        checks: "the share of invalid records is at most max_error_rate",
        evidence: "records, valid and invalid per dataset",
        unverifiable: "no records read",
        params: &[p("max_error_rate", ParamType::Number, false), p("datasets", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "completeness",
        checks: "the counts, totals, fingerprints and periods the commune gave are met",
        evidence: "completeness entries declared by the commune",
        unverifiable: "no counts file given (--counts)",
        params: &[],
        contract: &[],
    },
    Kind {
        name: "fixity",
        checks: "a manifest is delivered, its algorithms are allowed and every digest matches",
        evidence: "the manifest and the fixity findings",
        unverifiable: "never (no manifest violates it)",
        params: &[p("algorithms", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "file-list",
        checks: "no file missing from the export nor absent from the manifest",
        evidence: "fixity.missing-file and fixity.unlisted-file findings",
        unverifiable: "no manifest",
        params: &[],
        contract: &[],
    },
    Kind {
        name: "attachments",
        checks: "every scan the records name is in the export",
        evidence: "the pieces dataset's file-exists check",
        unverifiable: "no pieces dataset",
        params: &[],
        contract: &[],
    },
    Kind {
        name: "documentation",
        checks: "a data dictionary is delivered in the export and names every column of the record files",
        evidence: "files matching the globs, their text (read in the same pass, up to 4 MiB), the record files' columns",
        unverifiable: "the dictionary is not text (a PDF), or over 4 MiB",
        params: &[p("files", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "history",
        checks: "history datasets are delivered, with records",
        evidence: "the report's datasets",
        unverifiable: "never",
        params: &[p("datasets", ParamType::List, false)],
        contract: &[],
    },
    Kind {
        name: "period-coverage",
        checks: "a dataset holds records for every year of a range",
        evidence: "the dataset's records per year",
        unverifiable: "the dataset has no date field",
        params: &[
            p("dataset", ParamType::Text, true),
            p("from", ParamType::Integer, true),
            p("to", ParamType::Integer, true),
        ],
        contract: &[],
    },
    Kind {
        name: "acte-continuity",
        checks: "acte numbers run without gap per commune, year and type",
        evidence: "the actes' sequence check",
        unverifiable: "no actes dataset",
        params: &[],
        contract: &[],
    },
    Kind {
        name: "referential-integrity",
        checks: "every reference between datasets resolves",
        evidence: "the datasets' reference checks",
        unverifiable: "a referred dataset is absent, or nothing to check",
        params: &[],
        contract: &[],
    },
    Kind {
        name: "delivery-deadline",
        checks: "the export was delivered within `days` days of the exit request",
        evidence: "the contract's exit_request and delivery dates",
        unverifiable: "a date is missing from the clause file",
        params: &[p("days", ParamType::Integer, true)],
        contract: &["exit_request", "delivery"],
    },
    Kind {
        name: "data-act-terms",
        checks: "the contract's terms within the Data Act limits (Regulation (EU) 2023/2854 art. 25 and 29): transition ≤ 30 days, notice ≤ 2 months, retrieval window ≥ 30 days, no switching charges from 12 January 2027",
        evidence: "the contract's terms in the clause file",
        unverifiable: "a term is missing from the clause file",
        params: &[],
        contract: &[
            "transition_period_days",
            "notice_period_days",
            "retrieval_window_days",
            "switching_charges",
        ],
    },
    Kind {
        name: "erasure-certificate",
        checks: "an erasure certificate is delivered with the export",
        evidence: "files matching the globs",
        unverifiable: "never (no certificate violates it)",
        params: &[p("files", ParamType::List, false)],
        contract: &[],
    },
];

/// Default globs of a data dictionary (`documentation`).
pub const DOC_GLOBS: &[&str] = &["**/dictionnaire*", "**/*dictionary*", "**/README*"];
/// Default globs of an erasure certificate (`erasure-certificate`).
pub const ERASURE_GLOBS: &[&str] = &["**/*certificat*effacement*", "**/*erasure*certificate*"];

pub(crate) fn glob_set(globs: &[String]) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        if let Ok(g) = globset::GlobBuilder::new(g).case_insensitive(true).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// The files the documentation clauses of a clause file name (read while the export flows, to
/// check that they describe every column); `None` without such a clause.
pub fn documentation_globs(f: &super::ClauseFile) -> Option<globset::GlobSet> {
    let globs: Vec<String> = f
        .clauses
        .iter()
        .filter(|c| c.kind == "documentation")
        .flat_map(|c| {
            string_list(c, "files").unwrap_or_else(|| DOC_GLOBS.iter().map(|s| s.to_string()).collect())
        })
        .collect();
    (!globs.is_empty()).then(|| glob_set(&globs))
}

/// A list-of-strings parameter.
pub(crate) fn string_list(c: &Clause, name: &str) -> Option<Vec<String>> {
    c.params.get(name)?.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
}

/// A kind by name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    CATALOGUE.iter().find(|k| k.name == name)
}

/// Days since 1970-01-01 of a TOML date.
pub fn day_number(d: &toml::value::Datetime) -> Option<i64> {
    let date = d.date?;
    Some(days_from_civil(i64::from(date.year), u32::from(date.month), u32::from(date.day)))
}

/// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
