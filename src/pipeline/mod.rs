//! The pipeline: archive → inventory → manifest → checks → verdict → report model.
//!
//! [`Plan`] holds everything decided before the first byte is read (input, limits, language);
//! [`run`] executes it. Random-access containers (zip, folder) have their manifest read first,
//! so every file is hashed once with exactly the algorithms the manifest needs. Tar streams are
//! read once with SHA-256, manifests captured on the way; only when a manifest that came after
//! its payload asks for another algorithm are the files concerned read a second time (the
//! report's `archive.passes` says so).

use crate::archive::{Archive, ArchiveError, EntryHandler, EntryMeta, Limits, Outcome, Progress, Scan};
use crate::checks::{self, CheckInput, ContainerFacts};
use crate::finding::{Code, Finding, Lang, Location};
use crate::inventory::{self, AlgorithmSet, FileFacts, FileRecord, Inspector, ReadStatus};
use crate::manifest::{self, Manifest};
use crate::records::{self, FileOutcome, ProfileChoice, RecordsPlan, RecordsResult};
use crate::report::{self, Report};
use sha2::Digest;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

/// What a run will do, decided before reading.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The export: a zip, tar, tar.gz file or a folder.
    pub input: PathBuf,
    /// Bomb limits.
    pub limits: Limits,
    /// Language of the report's messages.
    pub lang: Lang,
    /// The command line, recorded in the report for reproducibility.
    pub command: Vec<String>,
    /// The profile that maps files to datasets.
    pub profile: ProfileChoice,
    /// The commune's counts file (TOML, CSV or a fingerprint file), when given.
    pub counts: Option<PathBuf>,
    /// Compute record fingerprints (`reversa fingerprint`).
    pub fingerprints: bool,
    /// Keep per-record keys and digests (`reversa diff`).
    pub diff: bool,
    /// The contract's clause file; without it, the default clause set applies.
    pub contract: Option<PathBuf>,
    /// Keep, for the records that break a rule, the offending values in the report
    /// (`--reveal-values`; personal data, off by default).
    pub reveal_values: bool,
    /// Read the records (off for `reversa inventory`, which lists files only).
    pub read_records: bool,
}

impl Plan {
    /// Every file or folder the run reads: the export, and the counts, clause and profile files.
    /// No output may be one of them (see [`crate::report::out::check_output`]).
    pub fn inputs(&self) -> Vec<&std::path::Path> {
        let mut v = vec![self.input.as_path()];
        v.extend(self.counts.as_deref());
        v.extend(self.contract.as_deref());
        if let ProfileChoice::File(p) = &self.profile {
            v.push(p);
        }
        v
    }

    /// A plain verification of `input`: default limits, profiles detected, records read, no
    /// counts, contract, fingerprints or diff, values masked.
    pub fn new(input: PathBuf, lang: Lang) -> Plan {
        Plan {
            input,
            limits: Limits::default(),
            lang,
            command: Vec::new(),
            profile: ProfileChoice::Detect,
            counts: None,
            fingerprints: false,
            diff: false,
            contract: None,
            reveal_values: false,
            read_records: true,
        }
    }
}

/// Why a run could not start or read its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The export cannot be read at all.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A profile or schema cannot be compiled.
    #[error(transparent)]
    Records(#[from] records::RecordsError),
    /// One of the commune's own files (counts, clauses, profile) is refused.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
}

impl RunError {
    /// The refusal of one of the commune's own files, when that is why the run stopped.
    pub fn input(&self) -> Option<&crate::input::InputError> {
        match self {
            RunError::Input(e) | RunError::Records(records::RecordsError::Profile(e)) => Some(e),
            _ => None,
        }
    }
}

/// Reads each entry once: the inventory hashes and identifies it while, for files a profile
/// maps, the records stage parses the same bytes.
struct Tapped<'a> {
    inspector: Inspector<'a>,
    records: &'a RecordsPlan,
}

impl EntryHandler for Tapped<'_> {
    type Output = (FileFacts, Option<FileOutcome>);

    fn handle(&self, meta: &EntryMeta, reader: &mut dyn std::io::Read) -> std::io::Result<Self::Output> {
        let mut inspection = self.inspector.start(meta);
        let outcome = if self.records.wants(&meta.path) {
            let mut tee = inventory::Tee { inner: reader, inspection: &mut inspection };
            let outcome = self.records.read_file(&meta.path, &mut tee);
            inspection.drain(reader)?;
            // A failure of the container (CRC, limit) surfaces here, not as a records error.
            outcome
        } else {
            inspection.drain(reader)?;
            None
        };
        Ok((inspection.finish(&self.inspector, meta), outcome))
    }
}

/// Splits a tapped scan into the inventory's scan and the records outcomes.
fn split(scan: Scan<(FileFacts, Option<FileOutcome>)>) -> (Scan<FileFacts>, Vec<FileOutcome>) {
    let mut outcomes = Vec::new();
    let mut records = Vec::new();
    for o in scan.outcomes {
        outcomes.push(match o {
            Outcome::Read((facts, rec)) => {
                records.extend(rec);
                Outcome::Read(facts)
            }
            Outcome::Skipped => Outcome::Skipped,
            Outcome::Failed { error, stop, bytes_read } => Outcome::Failed { error, stop, bytes_read },
        });
    }
    let scan = Scan {
        entries: scan.entries,
        outcomes,
        container_error: scan.container_error,
        stream_stop: scan.stream_stop,
        archive_sha256: scan.archive_sha256,
        archive_len: scan.archive_len,
        budget_exhausted: scan.budget_exhausted,
        bytes_read: scan.bytes_read,
    };
    (scan, records)
}

/// The run's date, `AAAA-MM-JJ` (`SOURCE_DATE_EPOCH` when set).
pub fn run_date() -> String {
    report::timestamp().chars().take(10).collect()
}

/// Formats a data file may be in: those that no mapping takes are reported.
fn is_data_format(family: &str) -> bool {
    matches!(family, "spreadsheet" | "data")
}

/// Runs the plan and returns the report model.
pub fn run(plan: &Plan, progress: &dyn Progress) -> Result<Report, RunError> {
    run_full(plan, progress).map(|(report, _)| report)
}

/// Compares two exports record by record (`reversa diff`).
pub fn diff(old: &Plan, new: &Plan, progress: &dyn Progress) -> Result<crate::diff::DiffReport, RunError> {
    let side = |plan: &Plan| -> Result<(crate::diff::Side, Vec<records::outcome::DiffMaterial>), RunError> {
        let plan = Plan { diff: true, ..plan.clone() };
        let (report, material) = run_full(&plan, progress)?;
        let side = crate::diff::Side {
            path: report.archive.path.clone(),
            sha256: report.archive.sha256.clone(),
            profiles: report.reproducibility.profiles.iter().map(|p| p.name.clone()).collect(),
        };
        Ok((side, material))
    };
    // One side at a time: its rows are kept, the rest of its run is dropped.
    let (old_side, old_rows) = side(old)?;
    let (new_side, new_rows) = side(new)?;
    Ok(crate::diff::DiffReport {
        diff_version: crate::diff::DIFF_VERSION,
        tool: report::Tool { name: "reversa", version: crate::VERSION },
        old: old_side,
        new: new_side,
        datasets: crate::diff::compare(old_rows, new_rows),
    })
}

/// Checks the commune's own files of `plan` — counts, clauses, profile — before any work (and
/// before an output folder is touched): each mistake is refused with its file, line and a near
/// name ([`crate::input::InputError`]). [`run`] checks them again as it loads them.
pub fn check_inputs(plan: &Plan) -> Result<(), RunError> {
    let counts = plan.counts.as_deref().map(crate::completeness::CountsFile::load).transpose()?;
    plan.contract.as_deref().map(crate::clauses::ClauseFile::load).transpose()?;
    // The built-in profiles, detected, need no check of their own.
    if counts.is_none() && matches!(plan.profile, ProfileChoice::Detect) {
        return Ok(());
    }
    let records_plan =
        RecordsPlan::new(&plan.profile, &run_date(), &crate::completeness::needs(counts.as_ref()))?;
    if let Some(c) = &counts {
        c.validate(&records_plan.registry, plan.reveal_values)?;
    }
    Ok(())
}

/// Runs the plan: the report, and the rows kept for a diff when the plan asks for them.
fn run_full(
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<(Report, Vec<records::outcome::DiffMaterial>), RunError> {
    let counts = plan.counts.as_deref().map(crate::completeness::CountsFile::load).transpose()?;
    let contract = plan.contract.as_deref().map(crate::clauses::ClauseFile::load).transpose()?;
    let docs = contract.as_ref().and_then(|(f, _)| crate::clauses::kinds::documentation_globs(f));
    let mut needs = crate::completeness::needs(counts.as_ref());
    needs.fingerprints |= plan.fingerprints;
    needs.diff = plan.diff;
    let mut records_plan = RecordsPlan::new(&plan.profile, &run_date(), &needs)?;
    if let Some(c) = &counts {
        c.validate(&records_plan.registry, plan.reveal_values)?;
    }
    records_plan.reveal = plan.reveal_values;
    if !plan.read_records {
        records_plan.profiles.clear();
    }
    let archive = Archive::open(&plan.input)?;
    let scanned = match archive.listing() {
        Some(listing) => scan_random_access(&archive, listing, plan, &records_plan, docs.as_ref(), progress),
        None => scan_stream(&archive, plan, &records_plan, docs.as_ref(), progress),
    };
    let Scanned {
        mut files,
        manifest,
        mut extra,
        container,
        archive_sha256,
        archive_len,
        passes,
        bytes_read,
        records,
        documents,
    } = scanned;
    files.retain(|f| f.meta.kind != crate::archive::EntryKind::Dir);
    // Entries reversa itself failed on (a caught panic): named, and the verdict is undetermined.
    let internal = internal_errors(&files);
    let any_internal = !internal.is_empty();
    extra.extend(internal);
    let mut records = finish_records(&records_plan, records, &files, manifest.as_ref());
    let diff_rows = std::mem::take(&mut records.diff);
    let (payload_files, present_declared) = package_counts(&files, manifest.as_ref());
    let completeness = crate::completeness::check(
        counts.as_ref(),
        &records.datasets,
        manifest.as_ref(),
        payload_files,
        present_declared,
    );
    let input = CheckInput {
        container: &container,
        files: &files,
        manifest: manifest.as_ref(),
        limits: &plan.limits,
        records: &records.findings,
        any_records: records.any_records,
        completeness: &completeness,
    };
    let (checks, mut findings) = checks::run(&input);
    findings.append(&mut extra);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // The checks counted every finding; the report keeps a bounded number of each code.
    let omitted = crate::finding::cap_per_code(&mut findings, crate::finding::MAX_PER_CODE);
    let clause_file = contract.as_ref().map(|(f, _)| f.clone()).unwrap_or_else(crate::clauses::default_set);
    let evidence = crate::clauses::Evidence {
        files: &files,
        manifest: manifest.as_ref(),
        checks: &checks,
        findings: &findings,
        datasets: &records.datasets,
        completeness: &completeness,
        counts_given: counts.is_some(),
        documents: &documents,
        contract: &clause_file.contract,
        lang: plan.lang,
    };
    let mut clauses = crate::clauses::evaluate(&clause_file, &evidence);
    if let Some(u) = archive.unsupported() {
        unread_clauses(&mut clauses, u, plan.lang);
    }
    let mut verdict = crate::verdict::decide(&clauses);
    if any_internal {
        // What follows from the failed file (its records, digests, counts) is reversa's failure,
        // not the vendor's: no answer either way.
        verdict = crate::verdict::Verdict::Undetermined;
    }
    let (sha256, digest_kind) = match archive_sha256 {
        Some(d) => (hex::encode(d), "file"),
        None => (tree_digest(&files), "tree"),
    };
    let report = report::build(report::Inputs {
        plan,
        container: archive.container(),
        archive_size: archive_len
            .unwrap_or_else(|| std::fs::metadata(&plan.input).map(|m| m.len()).unwrap_or(0)),
        archive_sha256: sha256,
        digest_kind,
        passes,
        bytes_read,
        files: &files,
        manifest: manifest.as_ref(),
        checks: &checks,
        findings: &findings,
        omitted: &omitted,
        verdict,
        records: &records,
        completeness: &completeness,
        counts: counts.as_ref(),
        clauses: &clauses,
        clause_file: &clause_file,
        contract_file: plan
            .contract
            .as_ref()
            .zip(contract.as_ref())
            .map(|(p, (_, sha))| (p.display().to_string(), sha.clone())),
    });
    Ok((report, diff_rows))
}

/// A container reversa cannot read leaves every clause unverifiable: what the clauses would have
/// said of an empty inventory (a file missing, nothing proprietary) says nothing of the export.
fn unread_clauses(clauses: &mut [crate::clauses::ClauseResult], u: crate::archive::Unsupported, lang: Lang) {
    let (reason, missing) = match (lang, u.lone_stream) {
        (Lang::Fr, false) => (
            format!("contenu de l'export non lu : reversa ne sait pas lire ce conteneur ({})", u.format),
            format!("le contenu de l'export (conteneur {} non lu)", u.format),
        ),
        (Lang::Fr, true) => (
            format!("contenu de l'export non lu : fichier compressé {} sans archive tar", u.format),
            format!("le contenu de l'export (fichier {} non lu)", u.format),
        ),
        (Lang::En, false) => (
            format!("the export's content was not read: reversa cannot read this container ({})", u.format),
            format!("the export's content (container {} not read)", u.format),
        ),
        (Lang::En, true) => (
            format!("the export's content was not read: a {} compressed file with no tar inside", u.format),
            format!("the export's content ({} file not read)", u.format),
        ),
    };
    for c in clauses {
        c.verdict = crate::clauses::ClauseVerdict::Unverifiable;
        c.reason = reason.clone();
        c.missing = Some(missing.clone());
        c.evidence = vec![format!("archive.container: {}", crate::archive::Container::Unsupported.as_str())];
    }
}

/// One `internal.error` finding per entry whose reading panicked.
fn internal_errors(files: &[FileRecord]) -> Vec<Finding> {
    files
        .iter()
        .filter_map(|f| {
            let failure = f.failure.as_ref()?;
            (failure.stop == Some(crate::archive::Stop::Internal)).then(|| {
                Finding::new(Code::InternalError, Location::entry(&f.meta.path)).with("at", &failure.error)
            })
        })
        .collect()
}

/// Files under a BagIt bag's payload folder, and files a manifest declares that are present.
fn package_counts(files: &[FileRecord], manifest: Option<&Manifest>) -> (u64, u64) {
    let Some(m) = manifest else { return (0, 0) };
    let present: std::collections::HashSet<&str> = files
        .iter()
        .filter(|f| f.meta.is_readable_file() && f.status == ReadStatus::Read)
        .map(|f| f.meta.path.as_str())
        .collect();
    let payload = format!("{}data/", m.root);
    let declared: std::collections::HashSet<&str> = m.declared.iter().map(|d| d.path.as_str()).collect();
    // Operating-system debris nobody declared (.DS_Store…) is not payload, as in the fixity check.
    let payload_files = present
        .iter()
        .filter(|p| p.starts_with(&payload) && (declared.contains(*p) || manifest::os_debris(p).is_none()))
        .count() as u64;
    let declared = m.declared.iter().filter(|d| present.contains(d.path.as_str())).count() as u64;
    (payload_files, declared)
}

/// The cross-record checks, with what they need from the inventory.
fn finish_records(
    plan: &RecordsPlan,
    outcomes: Vec<FileOutcome>,
    files: &[FileRecord],
    manifest: Option<&Manifest>,
) -> RecordsResult {
    let read: std::collections::HashSet<&str> = outcomes.iter().map(|o| o.path.as_str()).collect();
    let manifest_files: std::collections::HashSet<&str> =
        manifest.map(|m| m.files.iter().map(String::as_str).collect()).unwrap_or_default();
    let paths: std::collections::HashSet<String> =
        files.iter().filter(|f| f.meta.is_readable_file()).map(|f| f.meta.path.clone()).collect();
    let unmapped = files
        .iter()
        .filter_map(|f| {
            let facts = f.facts.as_ref()?;
            let path = f.meta.path.as_str();
            let name = path.rsplit('/').next().unwrap_or(path);
            (is_data_format(facts.format.family())
                && !read.contains(path)
                && !manifest_files.contains(path)
                && name != "manifest.json"
                && name != "manifest.xml")
                .then(|| (f.meta.path.clone(), facts.format.name))
        })
        .collect();
    records::finish(plan, outcomes, &records::outcome::Inventory { paths: &paths, unmapped })
}

struct Scanned {
    files: Vec<FileRecord>,
    manifest: Option<Manifest>,
    extra: Vec<Finding>,
    container: ContainerFacts,
    archive_sha256: Option<[u8; 32]>,
    /// The archive's length, when counted while it was read (a pipe's).
    archive_len: Option<u64>,
    passes: u32,
    bytes_read: u64,
    records: Vec<FileOutcome>,
    /// Text of the files a documentation clause names (data dictionaries), by path.
    documents: Vec<(String, String)>,
}

/// Largest data dictionary kept to check that it describes every column.
const DOC_LIMIT: u64 = 4 * 1024 * 1024;

/// Takes the captured bytes of the documentation files out of the inventory (and drops every
/// other capture).
fn take_documents(files: &mut [FileRecord], docs: Option<&globset::GlobSet>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in files.iter_mut() {
        let Some(facts) = &mut f.facts else { continue };
        if let Some(bytes) = facts.captured.take()
            && docs.is_some_and(|g| g.is_match(&f.meta.path))
            && facts.format.is_text()
        {
            out.push((f.meta.path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// Whether the scan should read this entry: regular, safe, and not a declared bomb.
fn readable(limits: &Limits) -> impl Fn(&EntryMeta) -> bool + Sync + '_ {
    move |m: &EntryMeta| {
        m.is_readable_file()
            && !matches!((m.declared_size, m.compressed_size), (Some(s), Some(c)) if limits.ratio_exceeded(s, c).is_some())
    }
}

fn scan_random_access(
    archive: &Archive,
    listing: &[EntryMeta],
    plan: &Plan,
    records: &RecordsPlan,
    docs: Option<&globset::GlobSet>,
    progress: &dyn Progress,
) -> Scanned {
    let by_path: HashMap<&str, &EntryMeta> =
        listing.iter().filter(|m| m.is_readable_file()).map(|m| (m.path.as_str(), m)).collect();
    let candidates = manifest::detect(by_path.keys().copied().collect::<Vec<_>>().iter().copied());
    let read = |p: &str| -> Option<Result<Vec<u8>, String>> {
        let meta = by_path.get(p)?;
        archive.read_whole(meta, plan.limits.max_manifest_size).map(|r| r.map_err(|e| e.to_string()))
    };
    let (manifest, extra) = load_manifest(&candidates, &read);
    let algorithms =
        AlgorithmSet::sha256().union(manifest.as_ref().map(Manifest::algorithms).unwrap_or_default());
    // A capture past the limit is dropped as it grows: each costs at most DOC_LIMIT.
    // All captured documents together stay within four times the limit of one.
    let doc_budget = std::sync::atomic::AtomicU64::new(DOC_LIMIT * 4);
    let doc_capture = |m: &EntryMeta| {
        let size = m.declared_size.unwrap_or(DOC_LIMIT).min(DOC_LIMIT);
        (docs.is_some_and(|g| g.is_match(&m.path))
            && doc_budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(size))
                .is_ok())
        .then_some(DOC_LIMIT)
    };
    let inspector = Inspector { algorithms, capture: &doc_capture, learnt: None };
    let select = readable(&plan.limits);
    let (scan, records) =
        split(archive.scan(&Tapped { inspector, records }, &select, &plan.limits, progress, true));
    let container = ContainerFacts {
        container: Some(archive.container()),
        overlapping: archive.overlapping,
        duplicate_names: archive.duplicate_names.clone(),
        container_error: scan.container_error.clone(),
        budget_exhausted: scan.budget_exhausted,
        stream_stop: scan.stream_stop,
        unsupported: archive.unsupported(),
        unlisted: archive.unlisted.clone(),
    };
    let (archive_sha256, archive_len, bytes_read) = (scan.archive_sha256, scan.archive_len, scan.bytes_read);
    let mut files = inventory::records(scan);
    let documents = take_documents(&mut files, docs);
    Scanned {
        files,
        manifest,
        extra,
        container,
        archive_sha256,
        archive_len,
        passes: 1,
        bytes_read,
        records,
        documents,
    }
}

/// Names a manifest may have: captured while a tar stream flows, in case it is the manifest.
fn manifest_like(m: &EntryMeta) -> bool {
    let depth = m.path.matches('/').count();
    let name = m.path.rsplit('/').next().unwrap_or("");
    depth <= 1
        && (name == "bagit.txt"
            || name == "manifest.xml"
            || name == "manifest.json"
            || manifest::bagit::is_tag_file_name(name))
}

fn scan_stream(
    archive: &Archive,
    plan: &Plan,
    records: &RecordsPlan,
    docs: Option<&globset::GlobSet>,
    progress: &dyn Progress,
) -> Scanned {
    let limit = plan.limits.max_manifest_size;
    // Manifests are kept in memory while the stream flows: all of them together within twice the
    // size limit of one, so a tar full of `manifest-*.txt` cannot fill the memory.
    let budget = std::sync::atomic::AtomicU64::new(limit.saturating_mul(2));
    let doc_budget = std::sync::atomic::AtomicU64::new(DOC_LIMIT * 4);
    let capture = |m: &EntryMeta| {
        let size = m.declared_size.unwrap_or(u64::MAX);
        let reserved = manifest_like(m)
            && size <= limit
            && budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(size))
                .is_ok();
        let doc = docs.is_some_and(|g| g.is_match(&m.path))
            && doc_budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(size.min(DOC_LIMIT))
                })
                .is_ok();
        if reserved { Some(limit) } else { doc.then_some(DOC_LIMIT) }
    };
    let learnt = std::sync::atomic::AtomicU16::new(0);
    // A pipe is read once: no second pass for the digests a late manifest asks for, so the
    // digests BagIt manifests use are all computed from the start.
    let algorithms = if archive.is_stream() { stream_algorithms() } else { AlgorithmSet::sha256() };
    let inspector = Inspector { algorithms, capture: &capture, learnt: Some(&learnt) };
    let select = readable(&plan.limits);
    let (scan, records) =
        split(archive.scan(&Tapped { inspector, records }, &select, &plan.limits, progress, true));
    let container = ContainerFacts {
        container: Some(archive.container()),
        overlapping: false,
        duplicate_names: Vec::new(),
        container_error: scan.container_error.clone(),
        budget_exhausted: scan.budget_exhausted,
        stream_stop: scan.stream_stop,
        unsupported: archive.unsupported(),
        unlisted: archive.unlisted.clone(),
    };
    let (archive_sha256, archive_len, bytes_read) = (scan.archive_sha256, scan.archive_len, scan.bytes_read);
    let mut files = inventory::records(scan);
    let (manifest, extra, passes) = {
        let captured: HashMap<&str, &FileRecord> = files
            .iter()
            .filter(|f| f.status == ReadStatus::Read && f.meta.is_readable_file())
            .map(|f| (f.meta.path.as_str(), f))
            .collect();
        let candidates = manifest::detect(captured.keys().copied().collect::<Vec<_>>().iter().copied());
        let read = |p: &str| -> Option<Result<Vec<u8>, String>> {
            let facts = captured.get(p)?.facts.as_ref()?;
            Some(facts.captured.clone().ok_or_else(|| {
                format!(
                    "not kept: over the {limit}-byte manifest limit, or over twice that for all manifests"
                )
            }))
        };
        let (manifest, extra) = load_manifest(&candidates, &read);
        (manifest, extra, 1)
    };
    if archive.is_stream() {
        // Digests computed only because a pipe cannot be read twice: those the manifest does not
        // use are not reported, so that the report is the one the file would give.
        let keep = manifest.as_ref().map(Manifest::algorithms).unwrap_or_default();
        for facts in files.iter_mut().filter_map(|f| f.facts.as_mut()) {
            facts.digests.retain(keep);
        }
    }
    let mut passes = passes;
    if let Some(m) = &manifest {
        let needed = m.algorithms();
        if lacking_digests(m, &files) && !archive.is_stream() {
            passes = 2;
            second_pass(archive, plan, m, needed, &mut files);
        }
    }
    let documents = take_documents(&mut files, docs);
    Scanned {
        files,
        manifest,
        extra,
        container,
        archive_sha256,
        archive_len,
        passes,
        bytes_read,
        records,
        documents,
    }
}

/// The digests computed from the start when the export is a pipe: those BagIt names
/// (MD5, SHA-1, SHA-256, SHA-512). Others a manifest learnt late asks for are left unverified.
fn stream_algorithms() -> AlgorithmSet {
    use crate::inventory::Algorithm;
    let mut set = AlgorithmSet::sha256();
    for a in [Algorithm::Md5, Algorithm::Sha1, Algorithm::Sha512] {
        set.insert(a);
    }
    set
}

/// Whether a declared file that was read lacks a digest its manifest declares.
fn lacking_digests(m: &Manifest, files: &[FileRecord]) -> bool {
    let by_path: HashMap<&str, &FileRecord> = files.iter().map(|f| (f.meta.path.as_str(), f)).collect();
    m.declared.iter().chain(&m.tag_declared).any(|d| {
        let Some(facts) = by_path.get(d.path.as_str()).and_then(|f| f.facts.as_ref()) else { return false };
        d.digests.iter().any(|dg| matches!(dg.algorithm, Ok(a) if facts.digests.get(a).is_none()))
    })
}

/// Reads again, with the algorithms a late manifest asked for, the files it declares.
fn second_pass(archive: &Archive, plan: &Plan, m: &Manifest, needed: AlgorithmSet, files: &mut [FileRecord]) {
    let by_path: HashMap<&str, &FileRecord> = files.iter().map(|f| (f.meta.path.as_str(), f)).collect();
    let wanted: std::collections::HashSet<String> = m
        .declared
        .iter()
        .chain(&m.tag_declared)
        .filter(|d| {
            by_path.get(d.path.as_str()).and_then(|f| f.facts.as_ref()).is_some_and(|facts| {
                d.digests.iter().any(|dg| matches!(dg.algorithm, Ok(a) if facts.digests.get(a).is_none()))
            })
        })
        .map(|d| d.path.clone())
        .collect();
    let select_base = readable(&plan.limits);
    let select = |e: &EntryMeta| select_base(e) && wanted.contains(e.path.as_str());
    let no_capture = |_: &EntryMeta| None;
    let inspector = Inspector { algorithms: needed, capture: &no_capture, learnt: None };
    let scan = archive.scan(&inspector, &select, &plan.limits, &crate::archive::NoProgress, false);
    let mut by_index: HashMap<usize, inventory::FileFacts> = HashMap::new();
    for (meta, outcome) in scan.entries.iter().zip(scan.outcomes) {
        if let crate::archive::Outcome::Read(facts) = outcome {
            by_index.insert(meta.index, facts);
        }
    }
    for f in files.iter_mut() {
        if let (Some(facts), Some(more)) = (&mut f.facts, by_index.remove(&f.meta.index)) {
            facts.digests.merge(more.digests);
        }
    }
}

fn load_manifest(
    candidates: &[manifest::Candidate],
    read: &manifest::ReadFn<'_>,
) -> (Option<Manifest>, Vec<Finding>) {
    let Some(first) = candidates.first() else { return (None, Vec::new()) };
    let mut extra = Vec::new();
    if candidates.len() > 1 {
        let kinds: Vec<&str> = candidates.iter().map(|c| c.kind.as_str()).collect();
        extra.push(
            Finding::new(Code::ManifestSeveral, Location::manifest(first.files[0].clone(), None))
                .with("kinds", kinds.join(", "))
                .with("used", first.kind.as_str()),
        );
    }
    (Some(manifest::load(first, read)), extra)
}

/// A folder has no bytes of its own: its digest is SHA-256 over the sorted lines
/// `<sha256 of file>  <path>\n` of every file read (the `sha256sum` format).
pub fn tree_digest(files: &[FileRecord]) -> String {
    let mut lines: Vec<(&str, &str)> = files
        .iter()
        .filter_map(|f| Some((f.meta.path.as_str(), f.facts.as_ref()?.digests.sha256.as_deref()?)))
        .collect();
    lines.sort_unstable();
    let mut h = sha2::Sha256::new();
    for (path, digest) in lines {
        h.update(digest.as_bytes());
        h.update(b"  ");
        h.update(path.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// Reads the column names of every table-like file of an export (the first record of each),
/// for `reversa profile suggest`. Nothing else is read past the first record.
pub fn collect_columns(
    input: &std::path::Path,
    limits: &Limits,
) -> Result<Vec<records::suggest::FileColumns>, RunError> {
    struct Probe;
    impl EntryHandler for Probe {
        type Output = Option<records::suggest::FileColumns>;
        fn handle(&self, meta: &EntryMeta, reader: &mut dyn std::io::Read) -> std::io::Result<Self::Output> {
            use records::read::{self, Columns, RawRecord, ReaderKind, ReaderOptions, RecordSink};
            let path = meta.path.as_str();
            let kind = match ReaderKind::from_path(path) {
                Some(k) => k,
                None if path.to_ascii_lowercase().ends_with(".txt") => ReaderKind::Csv,
                None => return Ok(None),
            };
            struct First(Vec<String>);
            impl RecordSink for First {
                fn record(&mut self, columns: &Columns, _: &RawRecord) -> bool {
                    self.0 = columns.names().to_vec();
                    false
                }
            }
            let options = ReaderOptions::default();
            let (columns, delimiter) = if kind == ReaderKind::Csv {
                let mut head = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(&mut *reader, 16 * 1024), &mut head)?;
                let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
                let d = read::csv::sniff_delimiter(body, b'"') as char;
                (read::csv::peek_header(&head, &options), Some(d))
            } else {
                let mut first = First(Vec::new());
                let stem = path.rsplit('/').next().unwrap_or(path).split('.').next().unwrap_or("");
                let _ = read::read(kind, &options, stem, reader, &mut first);
                (first.0, None)
            };
            std::io::copy(reader, &mut std::io::sink())?;
            Ok((columns.len() > 1).then(|| records::suggest::FileColumns {
                path: meta.path.clone(),
                reader: kind,
                columns,
                delimiter,
            }))
        }
    }
    let archive = Archive::open(input)?.readable()?;
    let select = readable(limits);
    let scan = archive.scan(&Probe, &select, limits, &crate::archive::NoProgress, false);
    let mut out: Vec<_> = scan
        .outcomes
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Read(Some(c)) => Some(c),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar full of large tag files keeps at most twice the manifest limit in memory: the
    /// tag files past that budget are reported as not read, not kept.
    #[test]
    fn stream_capture_of_manifests_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bag.tar");
        let mut b = tar::Builder::new(std::fs::File::create(&path).unwrap());
        let mut add = |name: &str, data: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, data).unwrap();
        };
        add("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
        let line = format!("{}  data/a.csv\n", "0".repeat(64));
        let big = line.repeat(12);
        for alg in ["manifest-sha256.txt", "tagmanifest-sha256.txt", "manifest-x1.txt", "manifest-x2.txt"] {
            add(alg, big.as_bytes());
        }
        add("data/a.csv", b"a\n");
        b.finish().unwrap();
        drop(b);
        let limits = Limits { max_manifest_size: big.len() as u64 + 100, ..Limits::default() };
        let plan = Plan { limits, ..Plan::new(path, Lang::En) };
        let report = run(&plan, &crate::archive::NoProgress).unwrap();
        let not_kept = report
            .findings
            .iter()
            .filter(|f| f.code == "manifest.malformed" && f.message.contains("not kept"))
            .count();
        assert!(not_kept >= 2, "{:#?}", report.findings);
    }
}
