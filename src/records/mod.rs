//! Stage 3 — records: every record of the export, read from the same single pass that hashes
//! the bytes, mapped by a profile to reversa's datasets, validated against the dataset schemas,
//! then checked across records (keys, references, attachments, numbering).
//!
//! ```text
//! entry bytes ─▶ read (csv, sheets, xml, json, fixed) ─▶ map (profile) ─▶ validate (schema,
//!                per-record rules, in parallel batches) ─▶ collect keys ─▶ cross (after the scan)
//! ```
//!
//! [`RecordsPlan`] is compiled once before reading (schemas, profiles, globs); the pipeline calls
//! [`RecordsPlan::read_file`] for each entry while the inventory hashes it, then [`finish`].

pub mod aggregate;
pub mod cross;
pub mod formats;
pub mod map;
pub mod outcome;
pub mod process;
pub mod profile;
pub mod read;
pub mod schema;
pub mod suggest;
pub mod tableschema;

#[cfg(test)]
mod rules_tests;

pub use outcome::{DatasetReport, FileOutcome, RecordsResult};
pub use process::Dates;
pub use profile::{Profile, ProfileError};
pub use schema::Registry;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use read::{ReaderKind, ReaderOptions};
use sha2::Digest;
use std::io::Read;
use std::path::PathBuf;

/// Which profile maps the export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProfileChoice {
    /// Every built-in profile, each file taking the first mapping that fits it.
    #[default]
    Detect,
    /// A built-in profile by name.
    BuiltIn(String),
    /// A profile file.
    File(PathBuf),
}

/// Why the records stage cannot start.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RecordsError {
    /// A profile is wrong.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A schema is wrong.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

/// A profile ready to route files.
#[derive(Debug)]
pub struct CompiledProfile {
    /// The profile.
    pub profile: Profile,
    /// `built-in NAME` or the file's path.
    pub origin: String,
    /// SHA-256 of its TOML text.
    pub sha256: String,
    mappings: Vec<CompiledMapping>,
}

#[derive(Debug)]
struct CompiledMapping {
    dataset: usize,
    globs: GlobSet,
    reader: Option<ReaderKind>,
    options: ReaderOptions,
    require: Vec<String>,
    mapper: map::Mapper,
}

/// Everything decided before the first record is read.
#[derive(Debug)]
pub struct RecordsPlan {
    /// The dataset schemas.
    pub registry: Registry,
    /// The profiles, in the order files try them.
    pub profiles: Vec<CompiledProfile>,
    /// Whether the profile was detected (every built-in tried) or given.
    pub detected: bool,
    /// Dates for the per-record rules.
    pub dates: Dates,
    /// What to aggregate, per dataset (registry order).
    pub aggregates: Vec<aggregate::DatasetAgg>,
    /// Keep the offending values of records that break a rule (`--reveal-values`).
    pub reveal: bool,
}

/// Aggregates asked for beyond the schemas' defaults: by a counts file, or for fingerprints.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// Extra groupings: (dataset, grouping).
    pub groupings: Vec<(String, aggregate::Grouping)>,
    /// Amount fields to total: (dataset, field).
    pub sums: Vec<(String, String)>,
    /// Compute fingerprints.
    pub fingerprints: bool,
    /// Keep per-record keys and digests for `reversa diff`.
    pub diff: bool,
}

impl RecordsPlan {
    /// Compiles the schemas and the chosen profiles. `today` is `AAAA-MM-JJ`.
    pub fn new(choice: &ProfileChoice, today: &str, needs: &Needs) -> Result<RecordsPlan, RecordsError> {
        let registry = Registry::built_in()?;
        let aggregates = registry
            .datasets
            .iter()
            .map(|d| {
                let mut groupings: Vec<aggregate::Grouping> = Vec::new();
                if !d.group_by.is_empty() {
                    groupings.push(d.group_by.iter().map(|g| aggregate::GroupKey::parse(g)).collect());
                }
                for (ds, g) in &needs.groupings {
                    if *ds == d.name && !groupings.contains(g) {
                        groupings.push(g.clone());
                    }
                }
                let mut sums: Vec<String> =
                    needs.sums.iter().filter(|(ds, _)| *ds == d.name).map(|(_, f)| f.clone()).collect();
                sums.sort();
                sums.dedup();
                let diff = needs.diff.then(|| aggregate::DiffSpec {
                    key: d.key.clone(),
                    fields: d.fields.iter().map(|f| f.name.clone()).collect(),
                });
                aggregate::DatasetAgg {
                    groupings,
                    sums,
                    period: d.period.clone(),
                    fingerprints: needs.fingerprints,
                    diff,
                }
            })
            .collect();
        let texts: Vec<(String, String)> = match choice {
            ProfileChoice::Detect => {
                profile::BUILT_IN.iter().map(|(n, t)| (format!("built-in {n}"), t.to_string())).collect()
            }
            ProfileChoice::BuiltIn(name) => match profile::BUILT_IN.iter().find(|(n, _)| n == name) {
                Some((n, t)) => vec![(format!("built-in {n}"), t.to_string())],
                None => return Err(profile::unknown_profile(name).into()),
            },
            ProfileChoice::File(path) => {
                let origin = path.display().to_string();
                let bytes = crate::input::read_input_file(path)?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    crate::input::InputError::new(crate::finding::Code::InputNotUtf8, origin.clone())
                })?;
                vec![(origin, text)]
            }
        };
        let mut profiles = Vec::new();
        let mut list_date = None;
        for (origin, text) in texts {
            let p = Profile::from_toml(&text, &origin)?;
            if !matches!(choice, ProfileChoice::Detect) {
                list_date = p.list_date.clone();
            }
            profiles.push(compile_profile(p, &origin, &text, &registry)?);
        }
        let today = today.to_string();
        Ok(RecordsPlan {
            registry,
            profiles,
            detected: matches!(choice, ProfileChoice::Detect),
            dates: Dates { list_date: list_date.unwrap_or_else(|| today.clone()), today },
            aggregates,
            reveal: false,
        })
    }

    /// The mappings whose globs match `path`, in order: `(profile, mapping, reader)`.
    fn candidates(&self, path: &str) -> Vec<(usize, usize, ReaderKind)> {
        let mut out = Vec::new();
        for (p, prof) in self.profiles.iter().enumerate() {
            for (m, map) in prof.mappings.iter().enumerate() {
                if map.globs.is_match(path)
                    && let Some(kind) = map.reader.or_else(|| ReaderKind::from_path(path))
                {
                    out.push((p, m, kind));
                }
            }
        }
        out
    }

    /// Whether some mapping's globs match `path` (the file will be read for records).
    pub fn wants(&self, path: &str) -> bool {
        !self.candidates(path).is_empty()
    }

    /// Reads one file's records, when a mapping fits it. `input` is the entry's bytes as they
    /// flow (the caller hashes them on the way, and reads what is left after this returns).
    pub fn read_file(&self, path: &str, input: &mut dyn Read) -> Option<FileOutcome> {
        let candidates = self.candidates(path);
        let &(_, _, first_kind) = candidates.first()?;
        let mut head = Vec::new();
        let chosen = if first_kind == ReaderKind::Csv {
            if let Err(e) = input.take(16 * 1024).read_to_end(&mut head) {
                return Some(FileOutcome::failed(path, read::ReadError::new("io", 0, 0, e.to_string())));
            }
            candidates.iter().copied().filter(|c| c.2 == ReaderKind::Csv).find(|&(p, m, _)| {
                let map = &self.profiles[p].mappings[m];
                let names = read::csv::peek_header(&head, &map.options);
                map.require.iter().all(|r| names.iter().any(|n| n.trim().eq_ignore_ascii_case(r.trim())))
            })
        } else {
            candidates.iter().copied().find(|c| c.2 == first_kind)
        };
        let Some((p, m, kind)) = chosen else {
            return Some(FileOutcome::no_match(path));
        };
        let map = &self.profiles[p].mappings[m];
        let dataset = &self.registry.datasets[map.dataset];
        let mut sink =
            process::FileSink::new(dataset, &self.aggregates[map.dataset], map.mapper.clone(), &self.dates);
        sink.reveal = self.reveal;
        let mut chained = std::io::Cursor::new(head).chain(input);
        let result = read::read(kind, &map.options, &dataset.name, &mut chained, &mut sink);
        let (stats, collected, columns, mapper, aggregates) = sink.finish();
        let (facts, error) = match result {
            Ok(f) => (Some(f), None),
            Err(e) => (None, Some(e)),
        };
        Some(FileOutcome {
            path: path.to_string(),
            matched: Some(outcome::Matched { profile: p, mapping: m, dataset: map.dataset, reader: kind }),
            facts,
            error,
            stats,
            collected,
            missing_columns: if columns.is_empty() { Vec::new() } else { mapper.missing_columns() },
            aggregates,
            unused_columns: header_names(&mapper, &columns).1,
            columns: header_names(&mapper, &columns).0,
        })
    }
}

/// The file's column names and its unused ones, as the report may show them. A header that no
/// mapped column matches is most likely a first row of data (a file without header): its "names"
/// would be record values, so they are shown by position (`#1`, `#2`…) instead.
fn header_names(mapper: &map::Mapper, columns: &read::Columns) -> (Vec<String>, Vec<String>) {
    let unused = mapper.unused_columns(columns);
    if !columns.is_empty() && unused.len() == columns.len() {
        let masked: Vec<String> = (1..=columns.len()).map(|i| format!("#{i}")).collect();
        return (masked.clone(), masked);
    }
    (columns.names().to_vec(), unused)
}

fn compile_profile(
    p: Profile,
    origin: &str,
    text: &str,
    registry: &Registry,
) -> Result<CompiledProfile, RecordsError> {
    use crate::finding::Code;
    use crate::input::{InputError, toml_position};
    let mut mappings = Vec::new();
    for (i, m) in p.mapping.iter().enumerate() {
        let n = i.to_string();
        let at = |path: &[&str]| {
            let mut full = vec!["mapping", n.as_str()];
            full.extend_from_slice(path);
            toml_position(text, &full)
        };
        let dataset = registry.position(&m.dataset).ok_or_else(|| {
            InputError::new(Code::InputUnknownName, origin)
                .at_pos(at(&["dataset"]))
                .with("what", "dataset")
                .with("name", &m.dataset)
                .suggest(&m.dataset, registry.datasets.iter().map(|d| d.name.as_str()))
        })?;
        let mut set = GlobSetBuilder::new();
        for (j, g) in m.files.iter().enumerate() {
            let glob =
                GlobBuilder::new(g).case_insensitive(true).literal_separator(true).build().map_err(|_| {
                    InputError::new(Code::InputInvalidValue, origin)
                        .at_pos(at(&["files", &j.to_string()]))
                        .with("name", "files")
                        .with("expected", "glob")
                })?;
            set.add(glob);
        }
        let globs = set.build().map_err(|_| {
            InputError::new(Code::InputInvalidValue, origin)
                .at_pos(at(&["files"]))
                .with("name", "files")
                .with("expected", "glob")
        })?;
        let d = &registry.datasets[dataset];
        let mapper = map::Mapper::compile(m, d).map_err(|e| match e.field.as_deref() {
            Some(f) if e.expected == "unknown" => InputError::new(Code::InputUnknownName, origin)
                .at_pos(at(&["fields", f]))
                .with("what", "field")
                .with("name", f)
                .suggest(f, d.fields.iter().map(|x| x.name.as_str())),
            f => InputError::new(Code::InputInvalidValue, origin)
                .at_pos(at(&["fields", f.unwrap_or_default()]))
                .with("name", f.unwrap_or("fields"))
                .with("expected", e.expected),
        })?;
        mappings.push(CompiledMapping {
            dataset,
            globs,
            reader: m.reader,
            options: m.options.clone(),
            require: m.require_columns.clone(),
            mapper,
        });
    }
    Ok(CompiledProfile {
        sha256: hex::encode(sha2::Sha256::digest(text.as_bytes())),
        origin: origin.to_string(),
        profile: p,
        mappings,
    })
}

/// After the scan: the cross-record checks, the per-dataset report and the findings.
pub fn finish(
    plan: &RecordsPlan,
    files: Vec<FileOutcome>,
    inventory: &outcome::Inventory<'_>,
) -> RecordsResult {
    cross::finish(plan, files, inventory)
}
