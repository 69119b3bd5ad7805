//! BagIt (RFC 8493, versions 0.97 and 1.0): `bagit.txt`, payload and tag manifests, `bag-info.txt`,
//! `fetch.txt`.
//!
//! `bagit.txt` is read as RFC 8493 §2.1.1 writes it: UTF-8 without a byte-order mark, exactly the
//! two lines `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC`, one space after each
//! colon. Every other tag file is decoded in the encoding it declares (any label `encoding_rs`
//! knows: UTF-8, UTF-16 with its byte-order mark, ISO-8859-1, windows-1252…), then read as lines
//! ending in LF, CRLF or CR. Work is linear in the size of the files (duplicates are found
//! through hash maps), undecodable text never panics (the line is reported), and no finding
//! carries a value read from a file other than paths, algorithm and encoding names and digests.

use super::{DeclaredDigest, DeclaredFile, Manifest, Scope};
use crate::archive::normalise_path;
use crate::finding::{Code, Finding, Location, Severity};
use crate::inventory::Algorithm;
use encoding_rs::Encoding;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

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

/// Whether a file name at a folder's root says "BagIt" even without `bagit.txt`: `bag-info.txt`,
/// or a (tag) manifest named after a checksum algorithm (`manifest-sha256.txt`).
pub fn is_bag_marker(name: &str) -> bool {
    match TagFile::of(name) {
        Some(TagFile::BagInfo) => true,
        Some(TagFile::Payload(alg) | TagFile::Tag(alg)) => is_algorithm_name(&alg),
        _ => false,
    }
}

/// A checksum algorithm name as BagIt writes it in manifest names (RFC 8493 §2.4).
fn is_algorithm_name(alg: &str) -> bool {
    Algorithm::parse(alg).is_some()
        || matches!(alg, "sha224" | "sha384")
        || alg.starts_with("sha3-")
        || alg.starts_with("blake2")
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

/// The encoding a `Tag-File-Character-Encoding` value names, when reversa can decode it: any
/// WHATWG label (`UTF-8`, `UTF-16`, `ISO-8859-1`, `windows-1252`, `latin1`…), also written with
/// underscores as Python does (`utf_8`). `None` for a label nobody defines, or one (like
/// `ISO-2022-KR`) that only decodes to replacement characters.
pub fn tag_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim();
    let encoding = Encoding::for_label(label.as_bytes())
        .or_else(|| Encoding::for_label(label.replace('_', "-").as_bytes()))?;
    (encoding != encoding_rs::REPLACEMENT && encoding != encoding_rs::X_USER_DEFINED).then_some(encoding)
}

/// A tag file's text in the bag's encoding, as UTF-8 bytes split into lines.
struct Text<'a> {
    bytes: Cow<'a, [u8]>,
    /// Decoding replaced undecodable bytes by U+FFFD: lines holding one are reported.
    lossy: bool,
}

impl<'a> Text<'a> {
    /// Decodes `bytes` from `encoding`; a byte-order mark is honoured and removed. UTF-8 is not
    /// copied: its lines are checked one by one.
    fn decode(bytes: &'a [u8], encoding: &'static Encoding) -> Self {
        if encoding == encoding_rs::UTF_8 {
            return Text { bytes: Cow::Borrowed(bytes), lossy: false };
        }
        let (text, _, lossy) = encoding.decode(bytes);
        let bytes = match text {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        };
        Text { bytes, lossy }
    }

    /// Numbered lines; `None` for a line that is not valid text in the declared encoding.
    fn lines(&self) -> impl Iterator<Item = (u64, Option<&str>)> {
        let lossy = self.lossy;
        lines(&self.bytes).map(move |(n, l)| {
            let text = std::str::from_utf8(l).ok().filter(|s| !(lossy && s.contains('\u{FFFD}')));
            (n, text)
        })
    }
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

/// What is wrong with `bagit.txt`, said in French and in English (never the file's own text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationProblem {
    /// No `bagit.txt` beside the manifests.
    Absent,
    /// A byte-order mark at its start.
    Bom,
    /// A line that is not UTF-8.
    NotUtf8,
    /// A blank line between the two declarations.
    BlankLine,
    /// Blank lines after the two declarations.
    TrailingBlankLine,
    /// A line without a colon.
    NotLabelValue,
    /// A label written with another case or with blanks around it.
    LabelSpelling,
    /// `Tag-File-Character-Encoding` before `BagIt-Version`.
    Order,
    /// A label other than the two allowed.
    UnknownLabel,
    /// A third line.
    ExtraLine,
    /// Not exactly one space after the colon, or blanks at the end.
    Spacing,
    /// A label given twice.
    Repeated,
    /// `BagIt-Version` not of the form `M.N`.
    VersionForm,
    /// A version reversa does not know (it reads 0.93 to 1.0).
    VersionUnsupported,
    /// No `BagIt-Version`.
    VersionMissing,
    /// No `Tag-File-Character-Encoding`, or an empty one.
    EncodingMissing,
}

impl DeclarationProblem {
    /// A stable identifier, for machines.
    pub fn id(self) -> &'static str {
        use DeclarationProblem::*;
        match self {
            Absent => "absent",
            Bom => "byte-order-mark",
            NotUtf8 => "not-utf8",
            BlankLine => "blank-line",
            TrailingBlankLine => "trailing-blank-line",
            NotLabelValue => "not-label-value",
            LabelSpelling => "label-spelling",
            Order => "order",
            UnknownLabel => "unknown-label",
            ExtraLine => "extra-line",
            Spacing => "spacing",
            Repeated => "repeated",
            VersionForm => "version-form",
            VersionUnsupported => "version-unsupported",
            VersionMissing => "version-missing",
            EncodingMissing => "encoding-missing",
        }
    }

    /// The cause in French.
    pub fn fr(self) -> &'static str {
        use DeclarationProblem::*;
        match self {
            Absent => "fichier bagit.txt absent alors que le paquet a des manifestes BagIt : sac invalide",
            Bom => "le fichier commence par une marque d'ordre des octets (BOM), interdite",
            NotUtf8 => "ligne qui n'est pas en UTF-8",
            BlankLine => "ligne vide entre les deux déclarations",
            TrailingBlankLine => "lignes vides après les deux déclarations",
            NotLabelValue => "ligne qui n'est pas de la forme « Étiquette: valeur »",
            LabelSpelling => "étiquette mal orthographiée (casse ou espaces)",
            Order => "Tag-File-Character-Encoding doit suivre BagIt-Version",
            UnknownLabel => {
                "étiquette inconnue (seules BagIt-Version et Tag-File-Character-Encoding sont permises)"
            }
            ExtraLine => "ligne en trop : le fichier doit avoir exactement deux lignes",
            Spacing => "il faut exactement une espace après les deux-points et aucune en fin de ligne",
            Repeated => "étiquette répétée",
            VersionForm => "BagIt-Version n'est pas de la forme M.N",
            VersionUnsupported => "version de BagIt que reversa ne connaît pas (il lit 0.93 à 1.0)",
            VersionMissing => "BagIt-Version absente",
            EncodingMissing => "Tag-File-Character-Encoding absente ou vide",
        }
    }

    /// The cause in English.
    pub fn en(self) -> &'static str {
        use DeclarationProblem::*;
        match self {
            Absent => "no bagit.txt although the package has BagIt manifests: invalid bag",
            Bom => "the file starts with a byte-order mark (BOM), which is not allowed",
            NotUtf8 => "line is not UTF-8",
            BlankLine => "blank line between the two declarations",
            TrailingBlankLine => "blank lines after the two declarations",
            NotLabelValue => "line is not of the form \"Label: value\"",
            LabelSpelling => "label misspelt (case or blanks)",
            Order => "Tag-File-Character-Encoding must follow BagIt-Version",
            UnknownLabel => "unknown label (only BagIt-Version and Tag-File-Character-Encoding are allowed)",
            ExtraLine => "extra line: the file must have exactly two lines",
            Spacing => "exactly one space must follow the colon, and none end the line",
            Repeated => "label repeated",
            VersionForm => "BagIt-Version is not of the form M.N",
            VersionUnsupported => "BagIt version reversa does not know (it reads 0.93 to 1.0)",
            VersionMissing => "missing BagIt-Version",
            EncodingMissing => "missing or empty Tag-File-Character-Encoding",
        }
    }
}

/// The fields of `bagit.txt`, and what is wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declaration {
    /// `BagIt-Version`, when present and of the form `M.N`.
    pub version: Option<String>,
    /// `(major, minor)` of the version.
    pub version_number: Option<(u32, u32)>,
    /// `Tag-File-Character-Encoding` as written (blanks trimmed), when present and not empty.
    pub encoding: Option<String>,
    /// Problems: line (when one is concerned), what, severity.
    pub problems: Vec<(Option<u64>, DeclarationProblem, Severity)>,
}

/// The two fields `bagit.txt` holds, in this order.
const DECLARATION_LABELS: [&str; 2] = ["BagIt-Version", "Tag-File-Character-Encoding"];

/// Parses `bagit.txt` strictly (RFC 8493 §2.1.1): UTF-8 without a byte-order mark, exactly the
/// lines `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC` in this order, exact labels,
/// one space after the colon, nothing else. Blank lines after them are a warning. Values are still
/// read from a misspelt line, so that the rest of the bag can be checked.
pub fn parse_declaration(bytes: &[u8]) -> Declaration {
    use DeclarationProblem::*;
    let mut decl = Declaration::default();
    let mut push = |line: Option<u64>, p: DeclarationProblem, s: Severity| decl.problems.push((line, p, s));
    if bytes.starts_with(b"\xEF\xBB\xBF") || bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE")
    {
        push(Some(1), Bom, Severity::Error);
    }
    let all: Vec<(u64, &[u8])> = lines(bytes).collect();
    let blank = |l: &[u8]| l.iter().all(|b| *b == b' ' || *b == b'\t');
    let last_content = all.iter().rposition(|(_, l)| !blank(l));
    let mut seen = [false; 2];
    let mut order_reported = false;
    let mut trailing_reported = false;
    let mut ordinal = 0usize;
    let (mut version, mut version_number, mut encoding) = (None, None, None);
    for (i, &(number, raw)) in all.iter().enumerate() {
        if blank(raw) {
            if last_content.is_some_and(|last| i < last) {
                push(Some(number), BlankLine, Severity::Error);
            } else if !trailing_reported {
                trailing_reported = true;
                push(Some(number), TrailingBlankLine, Severity::Warning);
            }
            continue;
        }
        let k = ordinal;
        ordinal += 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            push(Some(number), NotUtf8, Severity::Error);
            continue;
        };
        let Some((label_raw, value_raw)) = line.split_once(':') else {
            push(Some(number), NotLabelValue, Severity::Error);
            continue;
        };
        let label = label_raw.trim_matches([' ', '\t']);
        let Some(field) = DECLARATION_LABELS.iter().position(|l| l.eq_ignore_ascii_case(label)) else {
            push(Some(number), if k >= 2 { ExtraLine } else { UnknownLabel }, Severity::Error);
            continue;
        };
        if seen[field] {
            push(Some(number), Repeated, Severity::Error);
            continue;
        }
        seen[field] = true;
        if label != DECLARATION_LABELS[field] {
            push(Some(number), LabelSpelling, Severity::Error);
        }
        let after = value_raw.strip_prefix(' ');
        if label_raw != label || after.is_none_or(|v| v.starts_with([' ', '\t']) || v.ends_with([' ', '\t']))
        {
            push(Some(number), Spacing, Severity::Error);
        }
        if field != k && !order_reported {
            order_reported = true;
            push(Some(number), if k >= 2 { ExtraLine } else { Order }, Severity::Error);
        }
        let value = value_raw.trim_matches([' ', '\t']);
        if field == 0 {
            match parse_version(value) {
                Some(n) => {
                    version = Some(value.to_string());
                    version_number = Some(n);
                    if !(n == (1, 0) || (n.0 == 0 && (93..=97).contains(&n.1))) {
                        push(Some(number), VersionUnsupported, Severity::Warning);
                    }
                }
                None => push(Some(number), VersionForm, Severity::Error),
            }
        } else if value.is_empty() {
            push(Some(number), EncodingMissing, Severity::Error);
        } else {
            encoding = Some(value.to_string());
        }
    }
    if !seen[0] {
        push(None, VersionMissing, Severity::Error);
    }
    if !seen[1] {
        push(None, EncodingMissing, Severity::Error);
    }
    decl.version = version;
    decl.version_number = version_number;
    decl.encoding = encoding;
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

/// A manifest line in a form other tools write and RFC 8493 does not: read, and warned about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineForm {
    /// Blanks before the checksum.
    LeadingBlank,
    /// `md5sum -b`'s `*` before the path.
    BinaryMarker,
    /// A `#` comment line (skipped, as bagit-python does).
    Comment,
}

impl LineForm {
    fn id(self) -> &'static str {
        match self {
            LineForm::LeadingBlank => "leading-blank",
            LineForm::BinaryMarker => "binary-marker",
            LineForm::Comment => "comment",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            LineForm::LeadingBlank => "espaces avant l'empreinte",
            LineForm::BinaryMarker => "marqueur binaire « * » devant le chemin (format de md5sum/sha256sum)",
            LineForm::Comment => "ligne de commentaire « # » (ignorée)",
        }
    }

    fn en(self) -> &'static str {
        match self {
            LineForm::LeadingBlank => "blanks before the checksum",
            LineForm::BinaryMarker => "binary marker \"*\" before the path (md5sum/sha256sum format)",
            LineForm::Comment => "\"#\" comment line (skipped)",
        }
    }
}

/// Splits a manifest line into its checksum and its raw (still percent-encoded) path.
///
/// The separator is one or more spaces or tabs (RFC 8493 §2.1.3); the path is everything after
/// it, spaces included. Blanks before the checksum and md5sum's binary marker (`<hex> *<path>`)
/// are tolerated and returned as the line's [`LineForm`].
pub fn split_manifest_line(line: &str) -> Result<(&str, &str, Option<LineForm>), &'static str> {
    let trimmed = line.trim_start_matches([' ', '\t']);
    let mut form = (trimmed.len() != line.len()).then_some(LineForm::LeadingBlank);
    let Some(sep) = trimmed.find([' ', '\t']) else {
        return Err("expected '<checksum> <path>'");
    };
    let checksum = &trimmed[..sep];
    let mut path = trimmed[sep..].trim_start_matches([' ', '\t']);
    if let Some(p) = path.strip_prefix('*') {
        path = p;
        form = Some(LineForm::BinaryMarker);
    }
    if path.is_empty() {
        return Err("missing path after the checksum");
    }
    Ok((checksum, path, form))
}

/// Checks a manifest checksum: hex digits (either case), twice the algorithm's length when it is
/// known. Returns it in lowercase.
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

/// What adding a manifest line to [`Merged`] did.
#[derive(Debug, PartialEq, Eq)]
enum Added {
    /// First time this manifest lists the path.
    New,
    /// This manifest already listed the path with the same digest.
    SameDigest,
    /// This manifest already listed the path with another digest.
    OtherDigest,
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
    /// Records `path` for manifest `ordinal`.
    fn add(&mut self, path: String, digest: DeclaredDigest, location: Location, ordinal: usize) -> Added {
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
            let same = self.files[idx].digests.last().is_some_and(|d| d.hex == digest.hex);
            return if same { Added::SameDigest } else { Added::OtherDigest };
        }
        self.last_seen[idx] = ordinal + 1;
        if ordinal < 64 {
            self.listed[idx] |= 1 << ordinal;
        }
        self.files[idx].digests.push(digest);
        Added::New
    }

    /// Warns about declared paths that differ only by Unicode normalisation or only by case.
    /// Paths are unique as written, so a collision involves a path with an upper-case or a
    /// non-ASCII letter: only those are folded and indexed; the others (most of them) are looked
    /// up, and only when there is something to find.
    fn collisions(&self, problems: &mut Vec<Finding>) {
        let mut by_nfc: HashMap<String, usize> = HashMap::new();
        let mut by_case: HashMap<String, usize> = HashMap::new();
        let plain = |p: &str| p.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase());
        let warn = |problems: &mut Vec<Finding>, code: Code, i: usize, first: usize| {
            let f = &self.files[i];
            problems.push(
                Finding::new(code, f.location.clone().with_path(f.path.clone()))
                    .with("other", &self.files[first].path),
            );
        };
        for (i, f) in self.files.iter().enumerate().filter(|(_, f)| !plain(&f.path)) {
            let folded = if f.path.is_ascii() {
                f.path.to_ascii_lowercase()
            } else {
                let nfc: String = f.path.nfc().collect();
                if let Some(&first) = by_nfc.get(&nfc) {
                    warn(problems, Code::FixityPathNormalisation, i, first);
                    continue;
                }
                let folded = nfc.to_lowercase();
                by_nfc.insert(nfc, i);
                folded
            };
            match by_case.get(&folded) {
                Some(&first) => warn(problems, Code::FixityPathCase, i, first),
                None => {
                    by_case.insert(folded, i);
                }
            }
        }
        if by_case.is_empty() {
            return;
        }
        for (i, f) in self.files.iter().enumerate().filter(|(_, f)| plain(&f.path)) {
            if let Some(&first) = by_case.get(f.path.as_str()) {
                warn(problems, Code::FixityPathCase, i, first);
            }
        }
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

/// What reading a tag file needs: the bag's root and the tag-file encoding.
struct Bag<'a> {
    root: &'a str,
    encoding: &'static Encoding,
    /// "line is not valid <encoding>", for invalid-line findings.
    undecodable: String,
}

impl Bag<'_> {
    fn text<'b>(&self, bytes: &'b [u8]) -> Text<'b> {
        Text::decode(bytes, self.encoding)
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
    bag: &Bag<'_>,
    bytes: &[u8],
    merged: &mut Merged,
    problems: &mut Vec<Finding>,
) {
    let root = bag.root;
    let own_name = m.file.strip_prefix(root).unwrap_or(m.file);
    let mut reporter = LineReporter::new(m.file);
    // Tolerated forms: first line and count of each.
    let mut forms: std::collections::BTreeMap<LineForm, (u64, u64)> = Default::default();
    let text = bag.text(bytes);
    for (number, line) in text.lines() {
        let Some(line) = line else {
            reporter.invalid(problems, number, &bag.undecodable, None);
            continue;
        };
        if line.trim_matches([' ', '\t']).is_empty() {
            continue;
        }
        if line.trim_start_matches([' ', '\t']).starts_with('#') {
            forms.entry(LineForm::Comment).or_insert((number, 0)).1 += 1;
            continue;
        }
        let (checksum, raw_path, form) = match split_manifest_line(line) {
            Ok(parts) => parts,
            Err(e) => {
                reporter.invalid(problems, number, e, None);
                continue;
            }
        };
        if let Some(form) = form {
            forms.entry(form).or_insert((number, 0)).1 += 1;
        }
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
        let code = match merged.add(full.clone(), digest, location, m.ordinal) {
            Added::New => continue,
            Added::SameDigest => Code::FixityDuplicateLine,
            Added::OtherDigest => Code::FixityDuplicateEntry,
        };
        problems.push(Finding::new(code, Location::manifest(m.file, Some(number)).with_path(full)));
    }
    reporter.finish(problems);
    for (form, (line, count)) in forms {
        problems.push(
            Finding::new(Code::ManifestBagitLineForm, Location::manifest(m.file, Some(line)))
                .with("problem", form.id())
                .with("cause_fr", format!("{} ({count} ligne(s), la première indiquée)", form.fr()))
                .with("cause_en", format!("{} ({count} line(s), the first one shown)", form.en()))
                .with("count", count),
        );
    }
}

/// Reads `bag-info.txt`: `Label: value` lines (blanks around the colon tolerated), continuation
/// lines starting with a space or a tab folded into the value, labels that may repeat. Only
/// `Payload-Oxum` is kept.
fn read_bag_info(file: &str, bag: &Bag<'_>, bytes: &[u8], manifest: &mut Manifest) {
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
    let text = bag.text(bytes);
    for (number, line) in text.lines() {
        let Some(line) = line else {
            reporter.invalid(&mut problems, number, &bag.undecodable, None);
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

/// What is wrong with a `fetch.txt` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchProblem {
    /// Fewer than three fields.
    Fields,
    /// The URL has no scheme, or no host for a scheme other than `file`.
    Url,
    /// The length is neither a number nor `-`.
    Length,
    /// The path climbs out of the bag (`..`, absolute).
    PathEscape,
    /// The path is not a payload file (outside `data/`).
    OutsidePayload,
    /// The file is not listed in every payload manifest.
    NotInManifest,
    /// The line is not valid text in the declared encoding.
    Undecodable,
}

impl FetchProblem {
    fn id(self) -> &'static str {
        match self {
            FetchProblem::Fields => "fields",
            FetchProblem::Url => "url",
            FetchProblem::Length => "length",
            FetchProblem::PathEscape => "path-escape",
            FetchProblem::OutsidePayload => "outside-payload",
            FetchProblem::NotInManifest => "not-in-manifest",
            FetchProblem::Undecodable => "undecodable",
        }
    }

    fn fr(self) -> &'static str {
        match self {
            FetchProblem::Fields => "trois champs attendus : URL, longueur, chemin",
            FetchProblem::Url => "URL mal formée (schéma et hôte attendus)",
            FetchProblem::Length => "longueur qui n'est ni un nombre ni « - »",
            FetchProblem::PathEscape => "chemin qui sort du sac (« .. » ou chemin absolu)",
            FetchProblem::OutsidePayload => "chemin hors du dossier data/",
            FetchProblem::NotInManifest => "fichier absent des manifestes de contenu",
            FetchProblem::Undecodable => "ligne illisible dans l'encodage déclaré",
        }
    }

    fn en(self) -> &'static str {
        match self {
            FetchProblem::Fields => "three fields expected: URL, length, path",
            FetchProblem::Url => "malformed URL (a scheme and a host are expected)",
            FetchProblem::Length => "length is neither a number nor \"-\"",
            FetchProblem::PathEscape => "path escapes the bag (\"..\" or absolute path)",
            FetchProblem::OutsidePayload => "path outside the data/ folder",
            FetchProblem::NotInManifest => "file not listed in the payload manifests",
            FetchProblem::Undecodable => "line not readable in the declared encoding",
        }
    }
}

/// A `fetch.txt` finding at `line`, about `path` when known.
fn fetch_finding(file: &str, line: Option<u64>, path: Option<&str>, p: FetchProblem) -> Finding {
    let mut location = Location::manifest(file, line);
    if let Some(path) = path {
        location = location.with_path(path);
    }
    Finding::new(Code::ManifestBagitFetchInvalid, location)
        .with("problem", p.id())
        .with("cause_fr", p.fr())
        .with("cause_en", p.en())
}

/// Whether a `fetch.txt` URL is well formed as bagit-python judges it: a scheme (RFC 3986
/// letters) and, unless the scheme is `file`, `//` and a host. No control character.
pub fn valid_fetch_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else { return false };
    let scheme_ok = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok || url.chars().any(char::is_control) {
        return false;
    }
    if scheme.eq_ignore_ascii_case("file") {
        return true;
    }
    rest.strip_prefix("//").and_then(|r| r.split(['/', '?', '#']).next()).is_some_and(|host| !host.is_empty())
}

/// Reads `fetch.txt` (`URL LENGTH PATH` lines, RFC 8493 §2.2.3): never fetches anything; returns
/// the paths (from the export's root) of its valid lines and the number of lines it lists.
fn read_fetch(file: &str, bag: &Bag<'_>, bytes: &[u8], problems: &mut Vec<Finding>) -> (Vec<String>, u64) {
    let mut paths = Vec::new();
    let mut listed = 0u64;
    let mut reported = 0usize;
    let mut dropped = 0u64;
    let mut report = |f: Finding, problems: &mut Vec<Finding>| {
        if reported < MAX_INVALID_LINES_PER_FILE {
            reported += 1;
            problems.push(f);
        } else {
            dropped += 1;
        }
    };
    let text = bag.text(bytes);
    for (number, line) in text.lines() {
        let Some(line) = line else {
            listed += 1;
            report(fetch_finding(file, Some(number), None, FetchProblem::Undecodable), problems);
            continue;
        };
        let line = line.trim_matches([' ', '\t']);
        if line.is_empty() {
            continue;
        }
        listed += 1;
        let mut fields = line.splitn(2, [' ', '\t']);
        let url = fields.next().unwrap_or("");
        let rest = fields.next().unwrap_or("").trim_start_matches([' ', '\t']);
        let mut fields = rest.splitn(2, [' ', '\t']);
        let length = fields.next().unwrap_or("");
        let raw_path = fields.next().unwrap_or("").trim_start_matches([' ', '\t']);
        if url.is_empty() || length.is_empty() || raw_path.is_empty() {
            report(fetch_finding(file, Some(number), None, FetchProblem::Fields), problems);
            continue;
        }
        let decoded = decode_manifest_path(raw_path);
        let (path, escape) = normalise_path(&decoded);
        if escape.is_some() {
            report(fetch_finding(file, Some(number), Some(&decoded), FetchProblem::PathEscape), problems);
            continue;
        }
        let full = format!("{}{path}", bag.root);
        let mut valid = true;
        if !valid_fetch_url(url) {
            valid = false;
            report(fetch_finding(file, Some(number), Some(&full), FetchProblem::Url), problems);
        }
        if length != "-" && !(length.len() <= 20 && length.bytes().all(|b| b.is_ascii_digit())) {
            valid = false;
            report(fetch_finding(file, Some(number), Some(&full), FetchProblem::Length), problems);
        }
        if !path.starts_with("data/") {
            valid = false;
            report(fetch_finding(file, Some(number), Some(&full), FetchProblem::OutsidePayload), problems);
        }
        if valid {
            paths.push(full);
        }
    }
    if dropped > 0 {
        problems.push(
            fetch_finding(file, None, None, FetchProblem::Fields)
                .with("problem", "more")
                .with("cause_fr", format!("{dropped} autre(s) ligne(s) invalide(s) non détaillée(s)"))
                .with("cause_en", format!("{dropped} more invalid line(s) not detailed"))
                .with("count", dropped),
        );
    }
    (paths, listed)
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

/// A `manifest.bagit-declaration` finding.
fn declaration_finding(file: &str, line: Option<u64>, p: DeclarationProblem, severity: Severity) -> Finding {
    Finding::new(Code::ManifestBagitDeclaration, Location::manifest(file, line))
        .with("problem", p.id())
        .with("cause_fr", p.fr())
        .with("cause_en", p.en())
        .severity(severity)
}

/// An encoding label fit for a finding: printable ASCII, at most 40 characters.
fn shown_label(label: &str) -> String {
    let shown: String = label.chars().filter(|c| c.is_ascii_graphic()).take(40).collect();
    if shown.is_empty() { "?".into() } else { shown }
}

/// Fills `manifest` from `bagit.txt` (`bytes`, `None` when the bag has none) and the tag files
/// listed in `manifest.files`.
///
/// Payload manifests fill `manifest.declared` (one entry per path, one digest per manifest
/// listing it, located at the first manifest and line declaring it); tag manifests fill
/// `manifest.tag_declared`; `bag-info.txt` gives `manifest.payload_oxum`; `fetch.txt` gives
/// `manifest.fetch`. The scope is every file below `<root>data/`. Without `bagit.txt` the bag is
/// invalid, but its manifests are still read (as UTF-8) so that its files are checked.
pub fn load(manifest: &mut Manifest, bytes: Option<&[u8]>, read: &ReadFn<'_>) {
    let root = manifest.root.clone();
    manifest.scope = Scope::Below(format!("{root}data/"));
    let bagit_file = manifest.files.first().cloned().unwrap_or_else(|| format!("{root}bagit.txt"));

    let decl = match bytes {
        Some(bytes) => parse_declaration(bytes),
        None => Declaration {
            problems: vec![(None, DeclarationProblem::Absent, Severity::Error)],
            ..Declaration::default()
        },
    };
    manifest.version = decl.version.clone();
    for &(line, p, severity) in &decl.problems {
        manifest.problems.push(declaration_finding(&bagit_file, line, p, severity));
    }
    let files: Vec<String> = manifest.files.iter().skip(1).cloned().collect();
    if bytes.is_none() {
        manifest.files.remove(0);
    }
    let encoding = match decl.encoding.as_deref() {
        None => encoding_rs::UTF_8,
        Some(label) => match tag_encoding(label) {
            Some(e) => e,
            None => {
                // reversa cannot read the tag files: nothing declared is known, fixity is not checked.
                manifest.problems.push(
                    Finding::new(
                        Code::ManifestBagitEncoding,
                        Location::manifest(bagit_file.clone(), Some(2)),
                    )
                    .with("encoding", shown_label(label)),
                );
                manifest.unreadable = true;
                return;
            }
        },
    };
    let bag = Bag {
        root: &root,
        encoding,
        undecodable: if encoding == encoding_rs::UTF_8 {
            "line is not valid UTF-8".into()
        } else {
            format!("line is not valid {}", encoding.name())
        },
    };
    // Before 1.0, a payload file missing from one of several payload manifests is a warning.
    let strict = decl.version_number.is_none_or(|n| n >= (1, 0));

    let mut payload = Merged::default();
    let mut tags = Merged::default();
    let mut payload_read: Vec<(String, Result<Algorithm, String>, usize)> = Vec::new();
    let mut payload_manifests = 0usize;
    let mut tag_manifests = 0usize;
    let mut fetch: Option<(String, Vec<String>)> = None;
    let mut problems = Vec::new();
    for file in &files {
        let name = file.strip_prefix(root.as_str()).unwrap_or(file);
        let Some(kind) = TagFile::of(name) else { continue };
        match kind {
            TagFile::BagInfo => {
                if let Some(b) = read_file(file, read, &mut problems) {
                    read_bag_info(file, &bag, &b, manifest);
                }
            }
            TagFile::Fetch => {
                if let Some(b) = read_file(file, read, &mut problems) {
                    let (paths, count) = read_fetch(file, &bag, &b, &mut problems);
                    if count > 0 {
                        problems.push(
                            Finding::new(Code::ManifestBagitFetch, Location::manifest(file.clone(), None))
                                .with("count", count),
                        );
                    }
                    fetch = Some((file.clone(), paths));
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
                    read_manifest(&m, &bag, &b, &mut payload, &mut problems);
                    payload_read.push((file.clone(), algorithm, ordinal));
                } else {
                    read_manifest(&m, &bag, &b, &mut tags, &mut problems);
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
    payload.collisions(&mut problems);
    tags.collisions(&mut problems);

    // Every file to fetch in the payload manifests (RFC 8493 §2.2.3).
    if let Some((file, paths)) = fetch {
        let mut listed = HashSet::new();
        for p in paths {
            if !payload.index.contains_key(&p) {
                problems.push(fetch_finding(&file, None, Some(&p), FetchProblem::NotInManifest));
            }
            listed.insert(p);
        }
        manifest.fetch = listed.into_iter().collect();
        manifest.fetch.sort_unstable();
    }

    manifest.declared = payload.files;
    manifest.tag_declared = tags.files;
    manifest.problems.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Attribution, Lang};
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
        let main = map.get(&format!("{root}bagit.txt")).cloned();
        load(&mut manifest, main.as_deref(), &read);
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
    fn bagit_0_97_as_bagit_python_writes_it() {
        let m = bag(
            "",
            &[
                ("bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"),
                (
                    "bag-info.txt",
                    "Bag-Software-Agent: bagit.py v1.8.1 <https://github.com/LibraryOfCongress/bagit-python>\n\
                     Bagging-Date: 2024-05-02\nPayload-Oxum: 3.1\n",
                ),
                ("manifest-md5.txt", &format!("{MD5_A}  data/x.txt\n")),
                (
                    "tagmanifest-md5.txt",
                    &format!("{MD5_A} bag-info.txt\n{MD5_A} bagit.txt\n{MD5_A} manifest-md5.txt\n"),
                ),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.version.as_deref(), Some("0.97"));
        assert_eq!(m.declared[0].digests[0].algorithm, Ok(Algorithm::Md5));
        assert_eq!(m.algorithms().iter().collect::<Vec<_>>(), vec![Algorithm::Md5]);
        assert_eq!(m.payload_oxum, Some((3, 1)));
    }

    #[test]
    fn a_bom_in_bagit_txt_is_an_export_error_in_every_version() {
        for decl in [DECL_10, "BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n"] {
            let m = bag(
                "",
                &[
                    ("bagit.txt", &format!("\u{feff}{decl}")),
                    ("manifest-md5.txt", &format!("{MD5_A} data/x\n")),
                ],
            );
            assert_eq!(codes(&m), vec!["manifest.bagit-declaration"]);
            let f = &m.problems[0];
            assert_eq!(f.severity, Severity::Error);
            assert_eq!(f.attribution, Attribution::Export);
            assert!(f.fails());
            assert_eq!(f.params["problem"], "byte-order-mark");
            assert!(f.message(Lang::Fr).contains("marque d'ordre des octets"), "{}", f.message(Lang::Fr));
            assert!(f.message(Lang::En).contains("byte-order mark"));
            assert!(m.version.is_some(), "the rest is still read");
            assert_eq!(m.declared.len(), 1);
        }
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
        assert_eq!(problems(&m), vec![("encoding-missing", None)]);
        assert_eq!(m.version.as_deref(), Some("1.0"));

        let m = bag(
            "",
            &[
                ("bagit.txt", "Tag-File-Character-Encoding: ISO-8859-1\nBagIt-Version: one\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(problems(&m), vec![("order", Some(1)), ("version-form", Some(2))]);
        assert_eq!(m.version, None);

        let m = bag_bytes("", &[("bagit.txt", b"\xff\xfe".to_vec())]);
        assert_eq!(
            problems(&m),
            vec![
                ("byte-order-mark", Some(1)),
                ("not-utf8", Some(1)),
                ("version-missing", None),
                ("encoding-missing", None)
            ]
        );
        assert!(codes(&m).contains(&"manifest.bagit-no-payload-manifest"));
    }

    /// (problem id, line) of the `manifest.bagit-declaration` findings.
    fn problems(m: &Manifest) -> Vec<(&str, Option<u64>)> {
        m.problems
            .iter()
            .filter(|f| f.code == Code::ManifestBagitDeclaration)
            .map(|f| (f.params["problem"].as_str(), f.location.line))
            .collect()
    }

    #[test]
    fn bagit_txt_is_read_strictly() {
        type Case<'a> = (&'a str, &'a [(&'a str, Option<u64>)], Severity);
        let cases: &[Case<'_>] = &[
            ("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8", &[], Severity::Error),
            ("BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n", &[], Severity::Error),
            ("BagIt-Version: 1.0\rTag-File-Character-Encoding: UTF-8\r", &[], Severity::Error),
            (
                "bagit-version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("label-spelling", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("spacing", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version:1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("spacing", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version:  1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("spacing", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n",
                &[("spacing", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\nTag-File-Character-Encoding:\tUTF-8\n",
                &[("spacing", Some(2))],
                Severity::Error,
            ),
            (
                " BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("spacing", Some(1))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\n\nTag-File-Character-Encoding: UTF-8\n",
                &[("blank-line", Some(2))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nContact-Name: X\n",
                &[("extra-line", Some(3))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n",
                &[("repeated", Some(3))],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\nBag-Size: 3\nTag-File-Character-Encoding: UTF-8\n",
                &[("unknown-label", Some(2)), ("extra-line", Some(3))],
                Severity::Error,
            ),
            (
                "BagIt-Version 1.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("not-label-value", Some(1)), ("version-missing", None)],
                Severity::Error,
            ),
            (
                "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n\n\n",
                &[("trailing-blank-line", Some(3))],
                Severity::Warning,
            ),
            (
                "BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n",
                &[("version-unsupported", Some(1))],
                Severity::Warning,
            ),
        ];
        for (decl, expected, severity) in cases {
            let m = bag("", &[("bagit.txt", decl), ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n"))]);
            assert_eq!(&problems(&m), expected, "{decl:?}");
            if let Some(f) = m.problems.first() {
                assert_eq!(f.severity, *severity, "{decl:?}");
                // Both languages, neither carrying the file's text.
                let (fr, en) = (f.message(Lang::Fr), f.message(Lang::En));
                assert!(!fr.contains("{cause") && !en.contains("{cause") && fr != en, "{fr} / {en}");
                assert!(!fr.contains("Contact") && !fr.contains("Bag-Size"), "{fr}");
            }
            assert_eq!(m.declared.len(), 1, "{decl:?}: the manifests are still read");
        }
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
        load(&mut manifest, Some(DECL_10.as_bytes()), &read);
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
        assert_eq!(codes(&m), vec!["fixity.duplicate-line"]);
        assert_eq!(m.problems[0].severity, Severity::Warning);
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn tag_files_are_decoded_in_the_declared_encoding() {
        // windows-1252 / ISO-8859-1: "é" is one byte 0xE9.
        let mut manifest = format!("{SHA256_A}  data/r").into_bytes();
        manifest.extend_from_slice(b"\xe9sum\xe9.csv\n");
        for label in ["ISO-8859-1", "windows-1252", "latin1", "cp1252"] {
            let m = bag_bytes(
                "",
                &[
                    (
                        "bagit.txt",
                        format!("BagIt-Version: 0.97\nTag-File-Character-Encoding: {label}\n").into_bytes(),
                    ),
                    ("bag-info.txt", b"Contact-Name: Ren\xe9\nPayload-Oxum: 5.1\n".to_vec()),
                    ("manifest-sha256.txt", manifest.clone()),
                ],
            );
            assert!(m.problems.is_empty(), "{label}: {:?}", m.problems);
            assert_eq!(m.declared[0].path, "data/résumé.csv", "{label}");
            assert_eq!(m.payload_oxum, Some((5, 1)));
        }
        // UTF-16 with its byte-order mark, either order.
        let text = format!("{SHA256_A}  data/été.csv\r\n");
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect();
        for bytes in [le, be] {
            let m = bag_bytes(
                "",
                &[
                    ("bagit.txt", b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n".to_vec()),
                    ("manifest-sha256.txt", bytes),
                ],
            );
            assert!(m.problems.is_empty(), "{:?}", m.problems);
            assert_eq!(m.declared[0].path, "data/été.csv");
        }
        // Bytes the declared encoding cannot decode: the line is reported, the others read.
        let mut bad = format!("{SHA256_A} data/a\n").into_bytes();
        bad.extend_from_slice(b"\xff\xfe\n");
        let m = bag_bytes("", &[("bagit.txt", DECL_10.into()), ("manifest-sha256.txt", bad)]);
        assert_eq!(codes(&m), vec!["manifest.invalid-line"]);
        assert_eq!(m.problems[0].params["error"], "line is not valid UTF-8");
    }

    #[test]
    fn an_unknown_encoding_is_reversas_limit_not_the_vendors_fault() {
        for label in ["EBCDIC-FR", "x-unheard-of", "ISO-2022-KR"] {
            let m = bag(
                "",
                &[
                    ("bagit.txt", &format!("BagIt-Version: 1.0\nTag-File-Character-Encoding: {label}\n")),
                    ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
                ],
            );
            assert_eq!(codes(&m), vec!["manifest.bagit-encoding"], "{label}");
            let f = &m.problems[0];
            assert_eq!((f.severity, f.attribution), (Severity::Error, Attribution::Tool));
            assert!(f.blocks() && !f.fails());
            assert_eq!(f.params["encoding"], label);
            assert!(m.unreadable, "fixity is left unverifiable");
            assert!(m.declared.is_empty());
        }
        assert_eq!(tag_encoding("utf_8"), Some(encoding_rs::UTF_8));
        assert_eq!(tag_encoding("UTF-16"), Some(encoding_rs::UTF_16LE));
        assert_eq!(tag_encoding("ISO-8859-1"), Some(encoding_rs::WINDOWS_1252));
    }

    #[test]
    fn md5sum_style_lines_are_read_with_a_warning() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "manifest-md5.txt",
                    &format!(
                        "# made by md5sum\n{MD5_A} *data/a.bin\n{} *data/b.bin\n{MD5_A}\tdata/c.txt\n  {MD5_A}  data/d.txt\n",
                        MD5_A.to_uppercase()
                    ),
                ),
            ],
        );
        let forms: Vec<(&str, Option<u64>, &str)> = m
            .problems
            .iter()
            .map(|f| (f.params["problem"].as_str(), f.location.line, f.params["count"].as_str()))
            .collect();
        assert_eq!(
            forms,
            vec![("leading-blank", Some(5), "1"), ("binary-marker", Some(2), "2"), ("comment", Some(1), "1")]
        );
        for f in &m.problems {
            assert_eq!(f.code, Code::ManifestBagitLineForm);
            assert_eq!((f.severity, f.attribution), (Severity::Warning, Attribution::Export));
            assert!(f.message(Lang::Fr).contains("l'empreinte est vérifiée"));
        }
        let paths: Vec<&str> = m.declared.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, vec!["data/a.bin", "data/b.bin", "data/c.txt", "data/d.txt"]);
        assert!(m.declared.iter().all(|d| d.digests[0].hex == MD5_A), "hex case-insensitive");
    }

    #[test]
    fn duplicates_same_digest_warn_other_digest_fail() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "manifest-sha256.txt",
                    &format!("{SHA256_A} data/a\n{SHA256_A} data/a\n{SHA256_B} data/b\n{SHA256_A} data/b\n"),
                ),
            ],
        );
        let found: Vec<(&str, Severity, Option<u64>)> =
            m.problems.iter().map(|f| (f.code.as_str(), f.severity, f.location.line)).collect();
        assert_eq!(
            found,
            vec![
                ("fixity.duplicate-line", Severity::Warning, Some(2)),
                ("fixity.duplicate-entry", Severity::Error, Some(4)),
            ]
        );
        assert_eq!(Code::FixityDuplicateEntry.attribution(), Attribution::Export);
    }

    #[test]
    fn paths_differing_by_normalisation_or_case_are_warned_about() {
        let nfc = "data/caf\u{e9}.csv";
        let nfd = "data/cafe\u{301}.csv";
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "manifest-sha256.txt",
                    &format!(
                        "{SHA256_A} {nfc}\n{SHA256_A} {nfd}\n{SHA256_A} data/A.csv\n{SHA256_A} data/a.csv\n"
                    ),
                ),
            ],
        );
        let found: Vec<(&str, &str, &str)> = m
            .problems
            .iter()
            .map(|f| (f.code.as_str(), f.location.path.as_deref().unwrap(), f.params["other"].as_str()))
            .collect();
        assert_eq!(
            found,
            vec![("fixity.path-normalisation", nfd, nfc), ("fixity.path-case", "data/a.csv", "data/A.csv")]
        );
        assert!(m.problems.iter().all(|f| f.severity == Severity::Warning));
    }

    #[test]
    fn bag_info_labels_values_and_continuations() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "bag-info.txt",
                    "Source-Organization : Mairie de\r\n\tTrifouilly\r\n   les-Oies\r\nContact-Name:X\r\n\
                     Contact-Name: Y\r\n\r\nPayload-Oxum :  10.2 \r\nInternal-Sender-Description: a\n \n  b\n",
                ),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.payload_oxum, Some((10, 2)));

        // A folded Payload-Oxum, then a repeat with the same value: read; another value: refused.
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                ("bag-info.txt", "Payload-Oxum:\n 10.2\nPayload-Oxum: 10.2\nPayload-Oxum: 11.2\n"),
                ("manifest-sha256.txt", &format!("{SHA256_A} data/a\n")),
            ],
        );
        assert_eq!(m.payload_oxum, Some((10, 2)));
        assert_eq!(codes(&m), vec!["manifest.invalid-line"]);
        assert_eq!(m.problems[0].location.line, Some(4));
    }

    #[test]
    fn fetch_txt_lines_are_checked_never_fetched() {
        let m = bag(
            "",
            &[
                ("bagit.txt", DECL_10),
                (
                    "fetch.txt",
                    "https://example.org/a.csv 12 data/a.csv\n\
                     http://example.org/b - data/sub dir/b.csv\n\
                     file:///srv/c 3 data/c\n\
                     example.org/d 3 data/d\n\
                     https://example.org/e twelve data/e\n\
                     https://example.org/f 3 bag-info.txt\n\
                     https://example.org/g 3 ../../etc/passwd\n\
                     https://example.org/h 3\n\
                     https://example.org/i 3 data/unlisted\n",
                ),
                (
                    "manifest-sha256.txt",
                    &format!(
                        "{SHA256_A} data/a.csv\n{SHA256_A} data/sub dir/b.csv\n{SHA256_A} data/c\n\
                         {SHA256_A} data/d\n{SHA256_A} data/e\n"
                    ),
                ),
            ],
        );
        let found: Vec<(&str, &str, Option<u64>)> = m
            .problems
            .iter()
            .map(|f| (f.code.as_str(), f.params.get("problem").map_or("", String::as_str), f.location.line))
            .collect();
        assert_eq!(
            found,
            vec![
                ("manifest.bagit-fetch-invalid", "url", Some(4)),
                ("manifest.bagit-fetch-invalid", "length", Some(5)),
                ("manifest.bagit-fetch-invalid", "outside-payload", Some(6)),
                ("manifest.bagit-fetch-invalid", "path-escape", Some(7)),
                ("manifest.bagit-fetch-invalid", "fields", Some(8)),
                ("manifest.bagit-fetch", "", None),
                ("manifest.bagit-fetch-invalid", "not-in-manifest", None),
            ]
        );
        for f in m.problems.iter().filter(|f| f.code == Code::ManifestBagitFetchInvalid) {
            assert!(f.fails(), "an invalid fetch.txt makes the bag invalid");
            assert!(!f.params.values().any(|v| v.contains("example.org")), "no URL in findings");
        }
        assert_eq!(m.problems[5].params["count"], "9");
        assert_eq!(m.fetch, vec!["data/a.csv", "data/c", "data/sub dir/b.csv", "data/unlisted"]);
        assert!(valid_fetch_url("https://h/x") && valid_fetch_url("file:/x") && valid_fetch_url("ftp://h"));
        assert!(!valid_fetch_url("https:/x") && !valid_fetch_url("://h/x") && !valid_fetch_url("h/x"));
        assert!(!valid_fetch_url("1http://h/x") && !valid_fetch_url("http:///x"));
    }

    #[test]
    fn a_bag_without_bagit_txt_is_invalid_but_still_checked() {
        let m = bag("", &[("manifest-sha256.txt", &format!("{SHA256_A}  data/a\n"))]);
        assert_eq!(problems(&m), vec![("absent", None)]);
        let f = &m.problems[0];
        assert!(f.fails());
        assert_eq!(f.location, Location::manifest("bagit.txt", None));
        assert_eq!(m.files, vec!["manifest-sha256.txt"], "bagit.txt is not listed as read");
        assert_eq!(m.declared.len(), 1);
        assert_eq!(m.version, None);
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
