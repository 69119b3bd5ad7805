//! BagIt (RFC 8493, versions 0.97 and 1.0): `bagit.txt`, payload and tag manifests, `bag-info.txt`.
//!
//! Every tag file is read as lines ending in LF, CRLF or CR; a UTF-8 byte-order mark at the start
//! of a file is skipped. Work is linear in the size of the files (duplicates are found through a
//! hash map), invalid UTF-8 never panics (the line is reported), and no finding carries a value
//! read from a file other than paths, algorithm names and digests.

use super::{DeclaredDigest, DeclaredFile, Manifest, Scope};
use crate::archive::normalise_path;
use crate::finding::{Code, Finding, Location, Severity};
use crate::inventory::Algorithm;
use std::collections::HashMap;

/// How tag files are read: `None` for a file not present, `Some(Err(_))` for one that cannot be read.
pub type ReadFn<'a> = dyn Fn(&str) -> Option<Result<Vec<u8>, String>> + 'a;

/// At most this many `manifest.invalid-line` findings are reported for one file; the others are
/// counted in one last finding.
pub const MAX_INVALID_LINES_PER_FILE: usize = 100;

/// Whether a file name at a bag's root is a BagIt tag file reversa reads.
pub fn is_tag_file_name(name: &str) -> bool {
    name == "bag-info.txt"
        || name == "fetch.txt"
        || (name.starts_with("manifest-") && name.ends_with(".txt"))
        || (name.starts_with("tagmanifest-") && name.ends_with(".txt"))
}

/// What a tag file at the bag's root is, from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagFile {
    /// `bag-info.txt`.
    BagInfo,
    /// `fetch.txt`.
    Fetch,
    /// `manifest-<algorithm>.txt`, with the algorithm's name as written.
    Payload(String),
    /// `tagmanifest-<algorithm>.txt`, with the algorithm's name as written.
    Tag(String),
}

impl TagFile {
    /// Classifies a file name at the bag's root; `None` when it is not a tag file reversa reads.
    pub fn of(name: &str) -> Option<TagFile> {
        match name {
            "bag-info.txt" => Some(TagFile::BagInfo),
            "fetch.txt" => Some(TagFile::Fetch),
            _ => {
                if let Some(alg) = name.strip_prefix("tagmanifest-").and_then(|r| r.strip_suffix(".txt")) {
                    Some(TagFile::Tag(alg.to_string()))
                } else {
                    name.strip_prefix("manifest-")
                        .and_then(|r| r.strip_suffix(".txt"))
                        .map(|alg| TagFile::Payload(alg.to_string()))
                }
            }
        }
    }
}

/// Splits `bytes` into lines ended by LF, CRLF or CR (mixed endings allowed), numbered from 1.
///
/// A UTF-8 byte-order mark at the very start is skipped. A last line without an ending is
/// yielded; an empty remainder after the last ending is not.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut number = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        match memchr::memchr2(b'\n', b'\r', rest) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                rest = &rest[i + skip..];
                Some((number, line))
            }
            None => {
                let line = rest;
                rest = &[];
                Some((number, line))
            }
        }
    })
}

/// Decodes the percent-encodings BagIt uses in manifest paths: `%0A`, `%0D` and `%25` (any
/// case) become LF, CR and `%` (RFC 8493 §2.1.3). Any other `%` sequence is kept as written,
/// since only those three characters are encoded.
pub fn decode_manifest_path(raw: &str) -> String {
    if !raw.contains('%') {
        return raw.to_string();
    }
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let decoded = match (bytes[i + 1], bytes[i + 2].to_ascii_uppercase()) {
                (b'0', b'A') => Some('\n'),
                (b'0', b'D') => Some('\r'),
                (b'2', b'5') => Some('%'),
                _ => None,
            };
            if let Some(c) = decoded {
                out.push_str(&raw[start..i]);
                out.push(c);
                i += 3;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&raw[start..]);
    out
}

/// The fields of `bagit.txt`, and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declaration {
    /// `BagIt-Version`, when present and of the form `M.N`.
    pub version: Option<String>,
    /// `(major, minor)` of the version.
    pub version_number: Option<(u32, u32)>,
    /// Problems: line (when one is concerned), short English text, severity.
    pub problems: Vec<(Option<u64>, String, Severity)>,
}

/// Parses `bagit.txt`: `BagIt-Version: M.N` and `Tag-File-Character-Encoding: UTF-8`, both
/// required. A UTF-8 byte-order mark is tolerated (flagged as a warning from version 1.0 on).
pub fn parse_declaration(bytes: &[u8]) -> Declaration {
    let mut decl = Declaration::default();
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let mut version_seen = false;
    let mut encoding_seen = false;
    for (number, line) in lines(bytes) {
        let Ok(line) = std::str::from_utf8(line) else {
            decl.problems.push((Some(number), "line is not valid UTF-8".into(), Severity::Error));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            decl.problems.push((Some(number), "line is not 'Label: value'".into(), Severity::Error));
            continue;
        };
        let (label, value) = (label.trim(), value.trim());
        if label.eq_ignore_ascii_case("BagIt-Version") {
            if version_seen {
                decl.problems.push((Some(number), "BagIt-Version repeated".into(), Severity::Error));
                continue;
            }
            version_seen = true;
            match parse_version(value) {
                Some(n) => {
                    decl.version = Some(value.to_string());
                    decl.version_number = Some(n);
                    if !(n == (1, 0) || (n.0 == 0 && (93..=97).contains(&n.1))) {
                        decl.problems.push((
                            Some(number),
                            "unsupported BagIt-Version (reversa reads 0.93 to 1.0)".into(),
                            Severity::Warning,
                        ));
                    }
                }
                None => decl.problems.push((
                    Some(number),
                    "BagIt-Version is not of the form M.N".into(),
                    Severity::Error,
                )),
            }
        } else if label.eq_ignore_ascii_case("Tag-File-Character-Encoding") {
            if encoding_seen {
                decl.problems.push((
                    Some(number),
                    "Tag-File-Character-Encoding repeated".into(),
                    Severity::Error,
                ));
                continue;
            }
            encoding_seen = true;
            if !(value.eq_ignore_ascii_case("UTF-8") || value.eq_ignore_ascii_case("UTF8")) {
                decl.problems.push((
                    Some(number),
                    "Tag-File-Character-Encoding is not UTF-8 (tag files are read as UTF-8)".into(),
                    Severity::Warning,
                ));
            }
        }
    }
    if !version_seen {
        decl.problems.push((None, "missing BagIt-Version".into(), Severity::Error));
    }
    if !encoding_seen {
        decl.problems.push((None, "missing Tag-File-Character-Encoding".into(), Severity::Error));
    }
    if has_bom && decl.version_number.is_some_and(|n| n >= (1, 0)) {
        decl.problems.push((
            Some(1),
            "byte-order mark not allowed in bagit.txt from BagIt 1.0".into(),
            Severity::Warning,
        ));
    }
    decl
}

/// `M.N` with both parts decimal digits.
fn parse_version(value: &str) -> Option<(u32, u32)> {
    let (major, minor) = value.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit());
    if digits(major) && digits(minor) { Some((major.parse().ok()?, minor.parse().ok()?)) } else { None }
}

/// Parses a `Payload-Oxum` value, `<octets>.<file count>`.
pub fn parse_oxum(value: &str) -> Option<(u64, u64)> {
    let (octets, count) = value.trim().split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(octets) && digits(count) { Some((octets.parse().ok()?, count.parse().ok()?)) } else { None }
}

/// Splits a manifest line into its checksum and its raw (still percent-encoded) path.
///
/// The separator is one or more spaces or tabs; the path is everything after it, spaces
/// included. Leading spaces or tabs before the checksum are tolerated.
pub fn split_manifest_line(line: &str) -> Result<(&str, &str), &'static str> {
    let line = line.trim_start_matches([' ', '\t']);
    let Some(sep) = line.find([' ', '\t']) else {
        return Err("expected '<checksum> <path>'");
    };
    let checksum = &line[..sep];
    let path = line[sep..].trim_start_matches([' ', '\t']);
    if path.is_empty() {
        return Err("missing path after the checksum");
    }
    Ok((checksum, path))
}

/// Checks a manifest checksum: hex digits, twice the algorithm's length when it is known.
/// Returns it in lowercase.
pub fn check_checksum(checksum: &str, algorithm: &Result<Algorithm, String>) -> Result<String, String> {
    let hex = !checksum.is_empty() && checksum.bytes().all(|b| b.is_ascii_hexdigit());
    match algorithm {
        Ok(a) if !hex || checksum.len() != 2 * a.digest_len() => {
            Err(format!("checksum is not {} hex digits ({a})", 2 * a.digest_len()))
        }
        Err(name) if !hex => Err(format!("checksum is not hexadecimal ({name})")),
        _ => Ok(checksum.to_ascii_lowercase()),
    }
}

/// Declared files being merged across manifests of one kind (payload or tag).
#[derive(Default)]
struct Merged {
    files: Vec<DeclaredFile>,
    index: HashMap<String, usize>,
    /// For each file, 1 + the ordinal of the last manifest that listed it (0: none yet).
    last_seen: Vec<usize>,
    /// For each file, bit `m` set when manifest `m` (< 64) lists it.
    listed: Vec<u64>,
}

impl Merged {
    /// Records `path` for manifest `ordinal`; `false` when this manifest already listed it.
    fn add(&mut self, path: String, digest: DeclaredDigest, location: Location, ordinal: usize) -> bool {
        let idx = match self.index.get(&path) {
            Some(&i) => i,
            None => {
                let i = self.files.len();
                self.index.insert(path.clone(), i);
                self.files.push(DeclaredFile {
                    path,
                    digests: Vec::new(),
                    size: None,
                    location,
                    format: None,
                });
                self.last_seen.push(0);
                self.listed.push(0);
                i
            }
        };
        if self.last_seen[idx] == ordinal + 1 {
            return false;
        }
        self.last_seen[idx] = ordinal + 1;
        if ordinal < 64 {
            self.listed[idx] |= 1 << ordinal;
        }
        self.files[idx].digests.push(digest);
        true
    }
}

/// Counts invalid lines in one file and stops reporting them past the limit.
struct LineReporter<'a> {
    file: &'a str,
    reported: usize,
    dropped: u64,
}

impl<'a> LineReporter<'a> {
    fn new(file: &'a str) -> Self {
        LineReporter { file, reported: 0, dropped: 0 }
    }

    fn invalid(&mut self, problems: &mut Vec<Finding>, line: u64, error: &str, path: Option<&str>) {
        if self.reported >= MAX_INVALID_LINES_PER_FILE {
            self.dropped += 1;
            return;
        }
        self.reported += 1;
        let mut location = Location::manifest(self.file, Some(line));
        if let Some(p) = path {
            location = location.with_path(p);
        }
        problems.push(Finding::new(Code::ManifestInvalidLine, location).with("error", error));
    }

    fn finish(self, problems: &mut Vec<Finding>) {
        if self.dropped > 0 {
            problems.push(
                Finding::new(Code::ManifestInvalidLine, Location::manifest(self.file, None))
                    .with("error", format!("{} more invalid lines not reported", self.dropped))
                    .with("count", self.dropped),
            );
        }
    }
}

/// One manifest file to read.
struct ManifestFile<'a> {
    /// Its path in the export.
    file: &'a str,
    /// The algorithm its name gives.
    algorithm: Result<Algorithm, String>,
    /// Payload (`manifest-`) or tag (`tagmanifest-`) manifest.
    payload: bool,
    /// Its rank among the manifests of its kind.
    ordinal: usize,
}

/// Reads one payload or tag manifest into `merged`.
fn read_manifest(
    m: &ManifestFile<'_>,
    root: &str,
    bytes: &[u8],
    merged: &mut Merged,
    problems: &mut Vec<Finding>,
) {
    let own_name = m.file.strip_prefix(root).unwrap_or(m.file);
    let mut reporter = LineReporter::new(m.file);
    for (number, raw) in lines(bytes) {
        let Ok(line) = std::str::from_utf8(raw) else {
            reporter.invalid(problems, number, "line is not valid UTF-8", None);
            continue;
        };
        if line.trim_matches([' ', '\t']).is_empty() {
            continue;
        }
        let (checksum, raw_path) = match split_manifest_line(line) {
            Ok(parts) => parts,
            Err(e) => {
                reporter.invalid(problems, number, e, None);
                continue;
            }
        };
        let decoded = decode_manifest_path(raw_path);
        let (path, problem) = normalise_path(&decoded);
        if problem.is_some() {
            problems.push(Finding::new(
                Code::FixityPathEscape,
                Location::manifest(m.file, Some(number)).with_path(decoded),
            ));
            continue;
        }
        let full = format!("{root}{path}");
        if m.payload && !path.starts_with("data/") {
            reporter.invalid(problems, number, "payload manifest path outside data/", Some(&full));
            continue;
        }
        if !m.payload {
            if path.starts_with("data/") || path == "data" {
                reporter.invalid(problems, number, "tag manifest lists a payload file", Some(&full));
                continue;
            }
            if path == own_name {
                reporter.invalid(problems, number, "tag manifest lists itself", Some(&full));
                continue;
            }
        }
        let hex = match check_checksum(checksum, &m.algorithm) {
            Ok(h) => h,
            Err(e) => {
                reporter.invalid(problems, number, &e, Some(&full));
                continue;
            }
        };
        let location = Location::manifest(m.file, Some(number)).with_path(full.clone());
        let digest = DeclaredDigest { algorithm: m.algorithm.clone(), hex };
        if !merged.add(full.clone(), digest, location, m.ordinal) {
            problems.push(Finding::new(
                Code::FixityDuplicateEntry,
                Location::manifest(m.file, Some(number)).with_path(full),
            ));
        }
    }
    reporter.finish(problems);
}

/// Reads `bag-info.txt`: `Label: value` lines, continuation lines starting with whitespace.
/// Only `Payload-Oxum` is kept.
fn read_bag_info(file: &str, bytes: &[u8], manifest: &mut Manifest) {
    let mut reporter = LineReporter::new(file);
    let mut problems = Vec::new();
    // The field being read: label, value so far, line of its label.
    let mut current: Option<(String, String, u64)> = None;
    let mut oxum: Option<(u64, u64)> = None;
    let mut finish =
        |field: Option<(String, String, u64)>, problems: &mut Vec<Finding>, reporter: &mut LineReporter| {
            let Some((label, value, line)) = field else { return };
            if !label.eq_ignore_ascii_case("Payload-Oxum") {
                return;
            }
            match parse_oxum(&value) {
                Some(o) => match oxum {
                    None => oxum = Some(o),
                    Some(first) if first != o => {
                        reporter.invalid(problems, line, "Payload-Oxum repeated with another value", None);
                    }
                    Some(_) => {}
                },
                None => reporter.invalid(
                    problems,
                    line,
                    "malformed Payload-Oxum (expected <octets>.<file count>)",
                    None,
                ),
            }
        };
    for (number, raw) in lines(bytes) {
        let Ok(line) = std::str::from_utf8(raw) else {
            reporter.invalid(&mut problems, number, "line is not valid UTF-8", None);
            continue;
        };
        if line.starts_with([' ', '\t']) {
            match &mut current {
                Some((_, value, _)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                None if line.trim().is_empty() => {}
                None => reporter.invalid(&mut problems, number, "continuation line without a label", None),
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        finish(current.take(), &mut problems, &mut reporter);
        match line.split_once(':') {
            Some((label, value)) if !label.trim().is_empty() => {
                current = Some((label.trim().to_string(), value.trim().to_string(), number));
            }
            _ => reporter.invalid(&mut problems, number, "line is not 'Label: value'", None),
        }
    }
    finish(current.take(), &mut problems, &mut reporter);
    reporter.finish(&mut problems);
    if oxum.is_some() {
        manifest.payload_oxum = oxum;
    }
    manifest.problems.extend(problems);
}

/// Reads a tag file through `read`; a file that cannot be read is reported and skipped.
fn read_file(file: &str, read: &ReadFn<'_>, problems: &mut Vec<Finding>) -> Option<Vec<u8>> {
    match read(file) {
        Some(Ok(b)) => Some(b),
        Some(Err(e)) => {
            problems
                .push(Finding::new(Code::ManifestMalformed, Location::manifest(file, None)).with("error", e));
            None
        }
        None => {
            problems.push(
                Finding::new(Code::ManifestMalformed, Location::manifest(file, None))
                    .with("error", "file not readable"),
            );
            None
        }
    }
}

/// Fills `manifest` from `bagit.txt` (`bytes`) and the tag files listed in `manifest.files`.
///
/// Payload manifests fill `manifest.declared` (one entry per path, one digest per manifest
/// listing it, located at the first manifest and line declaring it); tag manifests fill
/// `manifest.tag_declared`; `bag-info.txt` gives `manifest.payload_oxum`. The scope is every
/// file below `<root>data/`.
pub fn load(manifest: &mut Manifest, bytes: &[u8], read: &ReadFn<'_>) {
    let root = manifest.root.clone();
    manifest.scope = Scope::Below(format!("{root}data/"));
    let bagit_file = manifest.files.first().cloned().unwrap_or_else(|| format!("{root}bagit.txt"));

    let decl = parse_declaration(bytes);
    manifest.version = decl.version.clone();
    for (line, error, severity) in decl.problems {
        manifest.problems.push(
            Finding::new(Code::ManifestBagitDeclaration, Location::manifest(bagit_file.clone(), line))
                .with("error", error)
                .severity(severity),
        );
    }
    // Before 1.0, a payload file missing from one of several payload manifests is a warning.
    let strict = decl.version_number.is_none_or(|n| n >= (1, 0));

    let mut payload = Merged::default();
    let mut tags = Merged::default();
    let mut payload_read: Vec<(String, Result<Algorithm, String>, usize)> = Vec::new();
    let mut payload_manifests = 0usize;
    let mut tag_manifests = 0usize;
    let files: Vec<String> = manifest.files.iter().skip(1).cloned().collect();
    let mut problems = Vec::new();
    for file in &files {
        let name = file.strip_prefix(root.as_str()).unwrap_or(file);
        let Some(kind) = TagFile::of(name) else { continue };
        match kind {
            TagFile::BagInfo => {
                if let Some(b) = read_file(file, read, &mut problems) {
                    read_bag_info(file, &b, manifest);
                }
            }
            TagFile::Fetch => {
                if let Some(b) = read_file(file, read, &mut problems) {
                    let count = lines(&b).filter(|(_, l)| l.iter().any(|c| !c.is_ascii_whitespace())).count();
                    if count > 0 {
                        problems.push(
                            Finding::new(Code::ManifestBagitFetch, Location::manifest(file.clone(), None))
                                .with("count", count),
                        );
                    }
                }
            }
            TagFile::Payload(alg) | TagFile::Tag(alg) => {
                let is_payload = name.starts_with("manifest-");
                let algorithm = Algorithm::parse(&alg).ok_or_else(|| alg.clone());
                if algorithm.is_err() {
                    problems.push(
                        Finding::new(
                            Code::FixityUnsupportedAlgorithm,
                            Location::manifest(file.clone(), None),
                        )
                        .with("algorithm", &alg),
                    );
                }
                let ordinal = if is_payload {
                    payload_manifests += 1;
                    payload_manifests - 1
                } else {
                    tag_manifests += 1;
                    tag_manifests - 1
                };
                let Some(b) = read_file(file, read, &mut problems) else { continue };
                let m = ManifestFile { file, algorithm: algorithm.clone(), payload: is_payload, ordinal };
                if is_payload {
                    read_manifest(&m, &root, &b, &mut payload, &mut problems);
                    payload_read.push((file.clone(), algorithm, ordinal));
                } else {
                    read_manifest(&m, &root, &b, &mut tags, &mut problems);
                }
            }
        }
    }

    if payload_manifests == 0 {
        problems
            .push(Finding::new(Code::ManifestBagitNoPayloadManifest, Location::manifest(bagit_file, None)));
    }

    // Every payload file in every payload manifest (RFC 8493 §2.1.3).
    if payload_read.len() > 1 {
        for (file, algorithm, ordinal) in payload_read.iter().filter(|(_, _, o)| *o < 64) {
            let name = match algorithm {
                Ok(a) => a.as_str().to_string(),
                Err(n) => n.clone(),
            };
            for (f, bits) in payload.files.iter().zip(&payload.listed) {
                if bits & (1 << ordinal) == 0 {
                    let finding = Finding::new(
                        Code::FixityMissingDigest,
                        Location::manifest(file.clone(), None).with_path(f.path.clone()),
                    )
                    .with("algorithm", &name);
                    problems.push(if strict { finding } else { finding.severity(Severity::Warning) });
                }
            }
        }
    }

    manifest.declared = payload.files;
    manifest.tag_declared = tags.files;
    manifest.problems.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ManifestKind;
    use std::collections::BTreeMap;

    const SHA256_A: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA256_B: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const MD5_A: &str = "900150983cd24fb0d6963f7d28e17f72";

    fn sha512(c: char) -> String {
        std::iter::repeat_n(c, 128).collect()
    }

    /// Loads a bag from (name, content) pairs at `root`; `bagit.txt` must be among them.
    fn bag(root: &str, files: &[(&str, &str)]) -> Manifest {
        bag_bytes(root, &files.iter().map(|(n, c)| (*n, c.as_bytes().to_vec())).collect::<Vec<_>>())
    }

    fn bag_bytes(root: &str, files: &[(&str, Vec<u8>)]) -> Manifest {
        let map: BTreeMap<String, Vec<u8>> =
            files.iter().map(|(n, c)| (format!("{root}{n}"), c.clone())).collect();
        let mut manifest = Manifest::empty(ManifestKind::Bagit, root);
        let mut tags: Vec<String> =
            map.keys().filter(|p| is_tag_file_name(p.strip_prefix(root).unwrap())).cloned().collect();
        tags.sort();
        manifest.files = std::iter::once(format!("{root}bagit.txt")).chain(tags).collect();
        let read = |p: &str| map.get(p).map(|b| Ok(b.clone()));
        let main = map.get(&format!("{root}bagit.txt")).cloned().unwrap_or_default();
        load(&mut manifest, &main, &read);
        manifest
    }

    const DECL_10: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

    fn codes(m: &Manifest) -> Vec<&'static str> {
        m.problems.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn bagit_1_0_with_two_manifests() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "manifest-sha256.txt",
                    &format!("{SHA256_A}  data/a.csv\r\n{}\tdata/sub dir/b.csv\r\n", SHA256_B.to_uppercase()),
                ),
                (
                    "manifest-sha512.txt",
                    &format!("{} data/a.csv\n{} data/sub dir/b.csv\n", sha512('a'), sha512('b')),
                ),
                (
                    "tagmanifest-sha256.txt",
                    &format!("{SHA256_A} bagit.txt\n{SHA256_B} manifest-sha256.txt\n"),
                ),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.version.as_deref(), Some("1.0"));
        assert_eq!(m.scope, Scope::Below("data/".into()));
        assert_eq!(m.declared.len(), 2);
        let a = &m.declared[0];
        assert_eq!(a.path, "data/a.csv");
        assert_eq!(
            a.digests,
            vec![
                DeclaredDigest { algorithm: Ok(Algorithm::Sha256), hex: SHA256_A.into() },
                DeclaredDigest { algorithm: Ok(Algorithm::Sha512), hex: sha512('a') },
            ]
        );
        assert_eq!(a.location, Location::manifest("manifest-sha256.txt", Some(1)).with_path("data/a.csv"));
        let b = &m.declared[1];
        assert_eq!(b.path, "data/sub dir/b.csv");
        assert_eq!(b.digests[0].hex, SHA256_B, "lowercased");
        assert_eq!(b.location.line, Some(2));
        assert_eq!(m.tag_declared.len(), 2);
        assert_eq!(m.tag_declared[0].path, "bagit.txt");
        assert_eq!(m.tag_declared[1].path, "manifest-sha256.txt");
    }

    #[test]
    fn bagit_0_97_with_md5_and_bom() {
        let m = bag(
            "",
            &[
                ("bagit.txt", "\u{feff}BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n"),
                ("manifest-md5.txt", &format!("{MD5_A} data/x.txt\n")),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.version.as_deref(), Some("0.97"));
        assert_eq!(m.declared[0].digests[0].algorithm, Ok(Algorithm::Md5));
        assert_eq!(m.algorithms().iter().collect::<Vec<_>>(), vec![Algorithm::Md5]);
    }

    #[test]
    fn bom_in_1_0_is_a_warning() {
        let m = bag(
            "",
            &[
                ("bagit.txt", &format!("\u{feff}{DECL_10}")),
                ("manifest-md5.txt", &format!("{MD5_A} data/x\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["manifest.bagit-declaration"]);
        assert_eq!(m.problems[0].severity, Severity::Warning);
        assert_eq!(m.version.as_deref(), Some("1.0"));
    }

    #[test]
    fn percent_encoded_paths() {
        assert_eq!(decode_manifest_path("data/a%25b.csv"), "data/a%b.csv");
        assert_eq!(decode_manifest_path("data/a%0Ab%0d%0A"), "data/a\nb\r\n");
        assert_eq!(decode_manifest_path("data/a%20b%2"), "data/a%20b%2");
        assert_eq!(decode_manifest_path("%"), "%");
        assert_eq!(decode_manifest_path("x%2"), "x%2");
        assert_eq!(decode_manifest_path("é%25"), "é%");
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "manifest-sha256.txt",
                    &format!("{SHA256_A} data/a%25b.csv\n{SHA256_B} data/line%0Abreak\n"),
                ),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.declared[0].path, "data/a%b.csv");
        assert_eq!(m.declared[1].path, "data/line\nbreak");
    }

    #[test]
    fn missing_declaration_fields() {
        let m = bag(
            "",
            &[
                ("bagit.txt", "BagIt-Version: 1.0\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["manifest.bagit-declaration"]);
        assert_eq!(m.problems[0].params["error"], "missing Tag-File-Character-Encoding");
        assert_eq!(m.version.as_deref(), Some("1.0"));

        let m = bag(
            "",
            &[
                ("bagit.txt", "Tag-File-Character-Encoding: ISO-8859-1\nBagIt-Version: one\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        let errors: Vec<&str> = m.problems.iter().map(|f| f.params["error"].as_str()).collect();
        assert!(errors.iter().any(|e| e.contains("not UTF-8")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("not of the form")), "{errors:?}");
        assert_eq!(m.problems[0].location.line, Some(1));
        assert_eq!(m.version, None);

        let m = bag_bytes("", &[("bagit.txt", b"\xff\xfe".to_vec())]);
        let errors: Vec<&str> =
            m.problems.iter().filter_map(|f| f.params.get("error")).map(String::as_str).collect();
        assert!(errors.contains(&"line is not valid UTF-8"), "{errors:?}");
        assert!(errors.contains(&"missing BagIt-Version"), "{errors:?}");
        assert!(codes(&m).contains(&"manifest.bagit-no-payload-manifest"));
    }

    #[test]
    fn invalid_lines_duplicates_escapes_and_non_payload_paths() {
        let content = format!(
            "{SHA256_A} data/a\n\nnot-a-line\n{SHA256_A}\n1234 data/short\n{SHA256_B} data/a\n{SHA256_A} ../etc/passwd\n\
             {SHA256_A} /abs\n{SHA256_A} other/x\n"
        );
        let mut bytes = content.into_bytes();
        bytes.extend_from_slice(b"abc data/\xff\n");
        let m = bag_bytes("", &[("bagit.txt", DECL_10.into()), ("manifest-sha256.txt", bytes)]);
        let found: Vec<(&str, Option<u64>)> =
            m.problems.iter().map(|f| (f.code.as_str(), f.location.line)).collect();
        assert_eq!(
            found,
            vec![
                ("manifest.invalid-line", Some(3)),
                ("manifest.invalid-line", Some(4)),
                ("manifest.invalid-line", Some(5)),
                ("fixity.duplicate-entry", Some(6)),
                ("fixity.path-escape", Some(7)),
                ("fixity.path-escape", Some(8)),
                ("manifest.invalid-line", Some(9)),
                ("manifest.invalid-line", Some(10)),
            ]
        );
        assert_eq!(m.problems[3].location.path.as_deref(), Some("data/a"));
        assert_eq!(m.problems[4].location.path.as_deref(), Some("../etc/passwd"));
        assert_eq!(m.problems[6].location.path.as_deref(), Some("other/x"));
        assert!(m.problems[2].params["error"].contains("64 hex digits"));
        assert_eq!(m.declared.len(), 1);
        assert_eq!(m.declared[0].digests.len(), 1);
        assert_eq!(m.declared[0].digests[0].hex, SHA256_A);
        // No finding carries file contents.
        for f in &m.problems {
            for v in f.params.values() {
                assert!(!v.contains("not-a-line") && !v.contains("1234"), "{v}");
            }
        }
    }

    #[test]
    fn unknown_algorithm_and_incomplete_manifests() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("manifest-crc32.txt", "DEADBEEF data/a\ncafebabe data/b\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["fixity.unsupported-algorithm", "fixity.missing-digest"]);
        assert_eq!(m.problems[0].params["algorithm"], "crc32");
        assert_eq!(m.problems[0].location, Location::manifest("manifest-crc32.txt", None));
        assert_eq!(
            m.problems[1].location,
            Location::manifest("manifest-sha256.txt", None).with_path("data/b")
        );
        assert_eq!(m.problems[1].params["algorithm"], "sha256");
        assert_eq!(m.problems[1].severity, Severity::Error);
        assert_eq!(
            m.declared[0].digests[0],
            DeclaredDigest { algorithm: Err("crc32".into()), hex: "deadbeef".into() }
        );
        assert_eq!(m.declared[0].location.manifest.as_deref(), Some("manifest-crc32.txt"));
        assert_eq!(m.declared[1].digests.len(), 1);
    }

    #[test]
    fn incomplete_manifests_before_1_0_are_warnings() {
        let m = bag(
            "",
            &[
                ("bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"),
                ("manifest-md5.txt", &format!("{MD5_A} data/a\n{MD5_A} data/b\n")),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["fixity.missing-digest"]);
        assert_eq!(m.problems[0].severity, Severity::Warning);
    }

    #[test]
    fn payload_oxum_parsed_and_malformed() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "bag-info.txt",
                    "Source-Organization: Mairie\n  de Trifouilly\nPayload-Oxum: 1234.2\nBagging-Date: 2024-01-01\n",
                ),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.payload_oxum, Some((1234, 2)));
        assert_eq!(m.files, vec!["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]);

        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("bag-info.txt", "Contact-Name: X\nPayload-Oxum: 12 octets\nno colon here\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(m.payload_oxum, None);
        let found: Vec<(&str, Option<u64>)> =
            m.problems.iter().map(|f| (f.code.as_str(), f.location.line)).collect();
        assert_eq!(found, vec![("manifest.invalid-line", Some(2)), ("manifest.invalid-line", Some(3))]);
        assert_eq!(m.problems[0].location.manifest.as_deref(), Some("bag-info.txt"));
        assert!(m.problems[0].params["error"].contains("Payload-Oxum"));
    }

    #[test]
    fn fetch_txt_is_reported() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("fetch.txt", "https://example.org/x 12 data/x\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/x\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["manifest.bagit-fetch"]);
        assert_eq!(m.problems[0].severity, Severity::Warning);
        assert!(!m.problems[0].params.values().any(|v| v.contains("example.org")));

        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("fetch.txt", "\n  \n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/x\n")),
            ],
        );
        assert!(m.problems.is_empty());
    }

    #[test]
    fn no_payload_manifest() {
        let m = bag(
            "",
            &[("bagit.txt", DECL_10), ("tagmanifest-sha256.txt", &format!("{SHA256_A} bagit.txt\n"))],
        );
        assert_eq!(codes(&m), vec!["manifest.bagit-no-payload-manifest"]);
        assert_eq!(m.problems[0].location, Location::manifest("bagit.txt", None));
        assert_eq!(m.tag_declared.len(), 1);
    }

    #[test]
    fn tag_manifest_rules() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
                (
                    "tagmanifest-sha256.txt",
                    &format!(
                        "{SHA256_A} tagmanifest-sha256.txt\n{SHA256_A} data/a\n{SHA256_A} meta/extra.xml\n"
                    ),
                ),
            ],
        );
        let errors: Vec<&str> = m.problems.iter().map(|f| f.params["error"].as_str()).collect();
        assert_eq!(errors, vec!["tag manifest lists itself", "tag manifest lists a payload file"]);
        assert_eq!(m.tag_declared.len(), 1);
        assert_eq!(m.tag_declared[0].path, "meta/extra.xml");
    }

    #[test]
    fn bag_in_a_sub_folder() {
        let m = bag(
            "export/",
            &[
                ("bagit.txt", DECL_10),
                ("bag-info.txt", "Payload-Oxum: 3.1\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a.csv\n{SHA256_A} data/../../x\n")),
                ("tagmanifest-sha256.txt", &format!("{SHA256_A} bag-info.txt\n")),
            ],
        );
        assert_eq!(codes(&m), vec!["fixity.path-escape"]);
        assert_eq!(m.problems[0].location.manifest.as_deref(), Some("export/manifest-sha256.txt"));
        assert_eq!(m.scope, Scope::Below("export/data/".into()));
        assert!(m.scope.covers("export/data/a.csv"));
        assert_eq!(m.declared[0].path, "export/data/a.csv");
        assert_eq!(m.declared[0].location.manifest.as_deref(), Some("export/manifest-sha256.txt"));
        assert_eq!(m.tag_declared[0].path, "export/bag-info.txt");
        assert_eq!(m.payload_oxum, Some((3, 1)));
    }

    #[test]
    fn unreadable_manifest_is_reported() {
        let mut manifest = Manifest::empty(ManifestKind::Bagit, "");
        manifest.files = vec!["bagit.txt".into(), "manifest-sha256.txt".into()];
        let read = |p: &str| (p == "manifest-sha256.txt").then(|| Err("crc error".to_string()));
        load(&mut manifest, DECL_10.as_bytes(), &read);
        assert_eq!(codes(&manifest), vec!["manifest.malformed"]);
        assert_eq!(manifest.problems[0].location, Location::manifest("manifest-sha256.txt", None));
    }

    #[test]
    fn mixed_line_endings() {
        let all: Vec<(u64, &[u8])> = lines(b"a\r\nb\rc\n\nd").collect();
        assert_eq!(all, vec![(1, &b"a"[..]), (2, b"b"), (3, b"c"), (4, b""), (5, b"d")]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x\n").count(), 1);
        assert_eq!(lines(b"\r").count(), 1);
    }

    #[test]
    fn invalid_lines_are_capped() {
        let content = "junk\n".repeat(MAX_INVALID_LINES_PER_FILE + 5);
        let m = bag("", &[("bagit.txt", DECL_10), ("manifest-sha256.txt", &content)]);
        assert_eq!(m.problems.len(), MAX_INVALID_LINES_PER_FILE + 1);
        assert_eq!(m.problems.last().unwrap().params["count"], "5");
    }

    #[test]
    fn large_manifest_is_linear() {
        let n = 200_000;
        let mut content = String::with_capacity(n * 80);
        for i in 0..n {
            content.push_str(SHA256_A);
            content.push_str(&format!(" data/f{i}.csv\n"));
        }
        content.push_str(&format!("{SHA256_A} data/f7.csv\n"));
        let start = std::time::Instant::now();
        let m = bag("", &[("bagit.txt", DECL_10), ("manifest-sha256.txt", &content)]);
        assert_eq!(m.declared.len(), n);
        assert_eq!(codes(&m), vec!["fixity.duplicate-entry"]);
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn classifies_tag_files() {
        assert_eq!(TagFile::of("manifest-sha256.txt"), Some(TagFile::Payload("sha256".into())));
        assert_eq!(TagFile::of("tagmanifest-md5.txt"), Some(TagFile::Tag("md5".into())));
        assert_eq!(TagFile::of("bag-info.txt"), Some(TagFile::BagInfo));
        assert_eq!(TagFile::of("fetch.txt"), Some(TagFile::Fetch));
        assert_eq!(TagFile::of("bagit.txt"), None);
        assert!(is_tag_file_name("manifest-sha512.txt"));
    }
}
