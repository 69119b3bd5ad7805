//! Profiles: how a vendor's layout maps to reversa's datasets (TOML; schema in
//! `schemas/profile.schema.json`, documented in the README).
//!
//! ```toml
//! reversa_profile = "1"
//! name = "reu"
//! title = "Extraction REU « Listes électeurs actifs »"
//! description = "…"
//!
//! [[mapping]]
//! dataset = "electeurs"                 # a reversa v1 dataset
//! files = ["**/*.csv"]                  # globs on the path inside the export
//! reader = "csv"                        # default: from the file's extension
//! require_columns = ["nom de naissance"] # the file maps only if its header has them
//! options = { delimiter = ";" }         # reader options (see read::ReaderOptions)
//!
//! [mapping.fields]                       # field = column, or field = { column = …, transforms }
//! nom_naissance = "nom de naissance"
//! date_naissance = { column = "date de naissance", date = "JJ/MM/AAAA", partial = true }
//! type_liste = { column = "libellé du type de liste", map = { "Liste principale" = "LP" } }
//! ```
//!
//! Without `fields`, columns map to fields of the same name (reversa v1's own layout). A field
//! may take a constant (`value = "deces"`) instead of a column, or join several columns
//! (`columns = ["CodeDepartement", "CodeCommune"]`, `join = ""`). Transforms apply in this order:
//! `trim` (default true), `split`/`part`, `strip` (characters removed at both ends), `case`,
//! `map` (code list; values not listed pass unchanged unless `map_strict`), `date` (a pattern
//! with `JJ`, `MM`, `AAAA` — or `DD`, `YYYY` — and any separator; output ISO 8601; with
//! `partial = true`, `00` day or month and a lone year give `AAAA` or `AAAA-MM`), `empty`
//! (values treated as absent, e.g. `["NR", "0"]`).

use super::read::{ReaderKind, ReaderOptions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the profile format this build reads.
pub const PROFILE_VERSION: &str = "1";

/// A profile, as written in TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile format version: `"1"`.
    pub reversa_profile: String,
    /// Short name (`reu`, `e-listelec`…).
    pub name: String,
    /// Title, in French.
    #[serde(default)]
    pub title: String,
    /// What it maps, where the layout comes from.
    #[serde(default)]
    pub description: String,
    /// The date the electoral list is drawn up (`AAAA-MM-JJ`), for the voter-age rule
    /// (default: the run's date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_date: Option<String>,
    /// File mappings, tried in order: a file takes the first that matches.
    #[serde(default)]
    pub mapping: Vec<Mapping>,
}

/// One file mapping: which files, read how, into which dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The dataset the records go to.
    pub dataset: String,
    /// Globs on the path inside the export (`*` within a folder, `**` across folders; matched
    /// case-insensitively).
    pub files: Vec<String>,
    /// The reader (default: from the file's extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader: Option<ReaderKind>,
    /// Columns the file must have for this mapping to apply (compared after trimming,
    /// case-insensitively).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_columns: Vec<String>,
    /// Reader options.
    #[serde(default)]
    pub options: ReaderOptions,
    /// Field → column (or a rule). Empty: each column maps to the field of the same name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldRule>,
}

/// How one field is filled: a column name, or a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldRule {
    /// The column's value, trimmed.
    Column(String),
    /// A column (or constant) with transforms.
    Rule(Box<Rule>),
}

/// A column or a constant, with transforms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The source column (header name; for headerless files `1`, `2`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Other column names tried in order when `column` is absent from the file (header
    /// variants such as `code de l'ugle` / `code du l'ugle`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// Several columns whose values are joined (with `join`, default `""`) into one, e.g.
    /// `CodeDepartement` and `CodeCommune` into an INSEE code. Absent parts are skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Separator for `columns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<String>,
    /// A constant value instead of a column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Trim spaces (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<bool>,
    /// Split the value on this string…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// …and keep this part (0-based; default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<usize>,
    /// Characters removed at both ends (after split).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strip: Option<String>,
    /// `upper`, `lower` or `title`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
    /// Code list: source value → field value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub map: BTreeMap<String, String>,
    /// Values absent from `map` become invalid (kept as they are, so the schema flags them)
    /// — when false (default) they pass unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub map_strict: bool,
    /// Date pattern of the source (`JJ/MM/AAAA`, `AAAAMMJJ`, `DD.MM.YYYY`…); output ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Partial dates allowed: `00` day/month and a lone year give `AAAA` or `AAAA-MM`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Values treated as absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub empty: Vec<String>,
}

/// Case transform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Case {
    /// UPPER CASE.
    Upper,
    /// lower case.
    Lower,
    /// Title Case (first letter of each word).
    Title,
}

/// Why a profile cannot be used: an `input.*` refusal with the file, line and column.
pub type ProfileError = crate::input::InputError;

impl Profile {
    /// Parses a profile from TOML text.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let p: Profile =
            toml::from_str(text).map_err(|e| crate::input::InputError::from_toml(&e, text, origin))?;
        if p.reversa_profile != PROFILE_VERSION {
            return Err(crate::input::InputError::new(crate::finding::Code::InputUnsupportedVersion, origin)
                .at_pos(crate::input::toml_position(text, &["reversa_profile"]))
                .with("name", "reversa_profile")
                .with("found", &p.reversa_profile)
                .with("version", PROFILE_VERSION));
        }
        Ok(p)
    }

    /// Writes the profile as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// The refusal of a `--profile NAME` that is neither a built-in profile nor a file, with the
/// near built-in name.
pub fn unknown_profile(name: &str) -> ProfileError {
    crate::input::InputError::new(crate::finding::Code::InputUnknownName, "--profile")
        .with("what", "profile")
        .with("name", name)
        .suggest(name, BUILT_IN.iter().map(|(n, _)| *n))
}

/// The profiles shipped in the binary: `(name, TOML text)`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("reversa-v1", include_str!("profiles/reversa-v1.toml")),
    ("reu", include_str!("profiles/reu.toml")),
    ("e-listelec", include_str!("profiles/e-listelec.toml")),
    ("insee-deces", include_str!("profiles/insee-deces.toml")),
];

/// A built-in profile by name.
pub fn built_in(name: &str) -> Option<Result<Profile, ProfileError>> {
    BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Profile::from_toml(text, &format!("built-in {n}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in profile parses, and its TOML, as JSON, is valid against
    /// `schemas/profile.schema.json` (so the published schema describes what the code reads).
    #[test]
    fn built_in_profiles_parse_and_follow_the_published_schema() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/profile.schema.json")).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (name, text) in BUILT_IN {
            let p = built_in(name).unwrap().unwrap();
            assert_eq!(p.name, *name);
            assert!(!p.mapping.is_empty(), "{name}");
            let as_json: serde_json::Value = toml::from_str(text).unwrap();
            let errors: Vec<String> = validator.iter_errors(&as_json).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
        let bad: serde_json::Value =
            toml::from_str("reversa_profile = \"1\"\nname = \"x\"\nsurprise = 1\n").unwrap();
        assert!(!validator.is_valid(&bad));
        assert!(Profile::from_toml("reversa_profile = \"1\"\nname = \"x\"\nsurprise = 1\n", "t").is_err());
        assert!(Profile::from_toml("reversa_profile = \"2\"\nname = \"x\"\n", "t").is_err());
    }

    #[test]
    fn wrong_profile_names_and_files_are_refused_with_the_near_name() {
        use crate::finding::Code;
        let e = unknown_profile("elistelec");
        assert_eq!((e.code, e.suggestion()), (Code::InputUnknownName, Some("e-listelec")));
        assert!(e.message(crate::finding::Lang::Fr).contains("--profile"));
        let e = unknown_profile("zzz");
        assert_eq!(e.suggestion(), None);
        assert!(e.message(crate::finding::Lang::En).contains("reversa-v1"), "known names listed");
        let e = Profile::from_toml("reversa_profile = \"1\"\nname = \"x\"\ntitel = \"y\"\n", "p.toml")
            .unwrap_err();
        assert_eq!((e.code, e.line, e.suggestion()), (Code::InputUnknownName, Some(3), Some("title")));
        let e = Profile::from_toml("reversa_profile = \"2\"\nname = \"x\"\n", "p.toml").unwrap_err();
        assert_eq!((e.code, e.line), (Code::InputUnsupportedVersion, Some(1)));
        // Names checked against the datasets when the profile is compiled.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        let plan = |text: &str| {
            std::fs::write(&path, text).unwrap();
            let choice = crate::records::ProfileChoice::File(path.clone());
            match crate::records::RecordsPlan::new(&choice, "2026-01-01", &Default::default()) {
                Err(crate::records::RecordsError::Profile(e)) => e,
                other => panic!("{other:?}"),
            }
        };
        let head = "reversa_profile = \"1\"\nname = \"x\"\n[[mapping]]\n";
        let e = plan(&format!("{head}dataset = \"electeur\"\nfiles = [\"*.csv\"]\n"));
        assert_eq!((e.line, e.suggestion()), (Some(4), Some("electeurs")));
        let e = plan(&format!(
            "{head}dataset = \"electeurs\"\nfiles = [\"*.csv\"]\n[mapping.fields]\nNom_Naissance = \"nom\"\n"
        ));
        assert_eq!((e.line, e.suggestion()), (Some(7), Some("nom_naissance")));
        let e = plan(&format!(
            "{head}dataset = \"electeurs\"\nfiles = [\"*.csv\"]\n[mapping.fields]\nnom_naissance = {{ column = \"n\", date = \"??\" }}\n"
        ));
        assert_eq!((e.code, e.line), (Code::InputInvalidValue, Some(7)));
        assert_eq!(e.params["expected"], "date-pattern");
    }
}
