//! The commune's own files — the counts file (`--counts`), the clause file (`--contract`) and
//! the profile (`--profile`). A mistake in them is not the vendor's fault, so it never becomes a
//! finding, a failed check or a violated clause: it is refused before any work (exit 2), with
//! the file, the line and column, what is wrong, and a near name when one exists ("did you mean
//! …?"). The messages come from the `input.*` codes of the finding catalogue.

use crate::finding::{Code, Lang};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// The most bytes read from one of the commune's text files (counts, clauses, profile): 16 MiB,
/// hundreds of times what a real one holds. A larger file is refused (`input.too-large`) after
/// reading at most this many bytes plus one.
pub const FILE_LIMIT: u64 = 16 << 20;

/// Why a file named on the command line was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Opening or reading failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not a regular file: a folder, FIFO, device or socket.
    #[error("not a regular file (a {})", label(.0, Lang::En))]
    NotAFile(&'static str),
    /// Over the limit.
    #[error("larger than {0} bytes")]
    TooLarge(u64),
}

/// What a file type is, as a label id ([`label`] renders it per language): `file`, `folder`,
/// `fifo`, `char-device`, `block-device`, `socket`, `symlink` or `special`.
pub fn kind_id(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "fifo";
        }
        if ft.is_char_device() {
            return "char-device";
        }
        if ft.is_block_device() {
            return "block-device";
        }
        if ft.is_socket() {
            return "socket";
        }
    }
    if ft.is_dir() {
        "folder"
    } else if ft.is_symlink() {
        "symlink"
    } else if ft.is_file() {
        "file"
    } else {
        "special"
    }
}

/// Opens `path` for reading without ever blocking (a FIFO with no writer would block a plain
/// open: on unix it is opened `O_NONBLOCK`), and tells what it is (`fstat` on the open file,
/// so the answer is about what was opened).
pub fn open_nonblocking(path: &Path) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    #[cfg(unix)]
    let file = {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
            Mode::empty(),
        )?;
        std::fs::File::from(fd)
    };
    #[cfg(not(unix))]
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    Ok((file, meta))
}

/// Reads a regular file named on the command line, at most `limit` bytes: a FIFO, device,
/// socket or folder is refused before any byte is read, and a file over `limit` after at most
/// `limit + 1` bytes (so `/dev/zero` behind a changed file type never runs away either).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_nonblocking(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_id(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads one of the commune's files (`--counts`, `--contract`, `--profile`) under
/// [`FILE_LIMIT`]; a refusal names the file.
pub fn read_input_file(path: &Path) -> Result<Vec<u8>, InputError> {
    let origin = path.display().to_string();
    read_bounded(path, FILE_LIMIT).map_err(|e| InputError::from_read(&origin, &e))
}

/// Why one of the commune's files is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// An `input.*` code.
    pub code: Code,
    /// The file, as given (or the option, `--profile`, for a name given on the command line).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column, when known.
    pub column: Option<u64>,
    /// The message's parameters (`what` and `expected` are label ids rendered per language).
    pub params: BTreeMap<&'static str, String>,
}

impl std::error::Error for InputError {}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Fr))
    }
}

impl InputError {
    /// A refusal of `file` with `code`.
    pub fn new(code: Code, file: impl Into<String>) -> InputError {
        debug_assert!(code.as_str().starts_with("input."));
        InputError { code, file: file.into(), line: None, column: None, params: BTreeMap::new() }
    }

    /// Adds a parameter.
    pub fn with(mut self, key: &'static str, value: impl ToString) -> InputError {
        self.params.insert(key, value.to_string());
        self
    }

    /// Sets the line (and the column, when known).
    pub fn at(mut self, line: u64, column: Option<u64>) -> InputError {
        self.line = (line > 0).then_some(line);
        self.column = column.filter(|c| *c > 0);
        self
    }

    /// Sets the position of byte `offset` in `text`.
    pub fn at_offset(self, text: &str, offset: usize) -> InputError {
        let (line, column) = line_col(text, offset);
        self.at(line, Some(column))
    }

    /// Sets the position, when there is one.
    pub fn at_pos(self, pos: Option<Pos>) -> InputError {
        match pos {
            Some(p) => self.at(p.line, p.column),
            None => self,
        }
    }

    /// Adds the near name of `name` among `candidates`, when one is near enough; without one,
    /// the message lists the known names (up to 20).
    pub fn suggest<'a>(self, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> InputError {
        let candidates: Vec<&str> = candidates.into_iter().collect();
        let e = if candidates.len() <= 20 { self.with("known", candidates.join(", ")) } else { self };
        match suggest(name, candidates) {
            Some(s) => e.with("suggestion", s),
            None => e,
        }
    }

    /// The near name suggested, if any.
    pub fn suggestion(&self) -> Option<&str> {
        self.params.get("suggestion").map(String::as_str)
    }

    /// `FILE:LINE:COLUMN: message [code]`, then "did you mean «…»?" in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let mut params = self.params.clone();
        for key in ["what", "expected", "kind"] {
            if let Some(v) = params.get_mut(key) {
                *v = label(v, lang).to_string();
            }
        }
        let mut out = self.file.clone();
        if let Some(l) = self.line {
            out.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                out.push_str(&format!(":{c}"));
            }
        }
        out.push_str(": ");
        out.push_str(&crate::finding::fill_template(self.code.template(lang), &params));
        match (self.suggestion(), self.params.get("known").filter(|k| !k.is_empty())) {
            (Some(s), _) => out.push_str(&match lang {
                Lang::Fr => format!(" — vouliez-vous dire « {s} » ?"),
                Lang::En => format!(" — did you mean \"{s}\"?"),
            }),
            (None, Some(known)) => out.push_str(&match lang {
                Lang::Fr => format!(" — noms connus : {known}"),
                Lang::En => format!(" — known names: {known}"),
            }),
            (None, None) => {}
        }
        out.push_str(&format!(" [{}]", self.code.as_str()));
        out
    }

    /// A TOML error (syntax, unknown key, missing key, wrong type) as a refusal.
    pub fn from_toml(e: &toml::de::Error, text: &str, file: &str) -> InputError {
        let msg = e.message().trim();
        let base = |code| match e.span() {
            Some(s) => InputError::new(code, file).at_offset(text, s.start),
            None => InputError::new(code, file),
        };
        if let Some((name, expected)) = unknown(msg, "unknown field `") {
            return base(Code::InputUnknownName)
                .with("what", "key")
                .with("name", &name)
                .suggest(&name, expected.iter().map(String::as_str));
        }
        if let Some((name, expected)) = unknown(msg, "unknown variant `") {
            return base(Code::InputUnknownName)
                .with("what", "value")
                .with("name", &name)
                .suggest(&name, expected.iter().map(String::as_str));
        }
        if let Some(rest) = msg.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or_default();
            return base(Code::InputMissingKey).with("name", name);
        }
        if msg.starts_with("invalid type")
            || msg.starts_with("invalid value")
            || msg.contains("did not match")
        {
            let name = e.span().and_then(|s| key_at(text, s.start)).unwrap_or_else(|| "?".into());
            return base(Code::InputInvalidValue).with("name", name).with("expected", expected_of(msg));
        }
        base(Code::InputSyntax).with("format", "TOML").with("detail", msg)
    }

    /// A [`ReadError`] as a refusal.
    pub fn from_read(file: &str, e: &ReadError) -> InputError {
        match e {
            ReadError::Io(e) => InputError::unreadable(file, e),
            ReadError::NotAFile(kind) => InputError::new(Code::InputNotAFile, file).with("kind", kind),
            ReadError::TooLarge(limit) => {
                InputError::new(Code::InputTooLarge, file).with("limit", limit >> 20)
            }
        }
    }

    /// The file could not be read.
    pub fn unreadable(file: &str, e: &std::io::Error) -> InputError {
        let code = if e.kind() == std::io::ErrorKind::NotFound {
            Code::InputNotFound
        } else {
            Code::InputUnreadable
        };
        InputError::new(code, file).with("error", e)
    }
}

/// The key whose value starts at `offset` (`key = value` on that line), or the key at `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let (line, _) = line_col(text, offset);
    let start = text.lines().take(line as usize - 1).map(|l| l.len() + 1).sum::<usize>();
    let line_text = text.get(start..)?.lines().next()?;
    let before = line_text.get(..offset.saturating_sub(start).min(line_text.len()))?;
    let segment = match before.rfind('=') {
        Some(eq) => &before[..eq],
        None => line_text.split('=').next()?,
    };
    let key = segment.rsplit(['{', ',', '[']).next()?.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_string())
}

/// The label of what serde expected (`invalid type: string "x", expected u32`).
fn expected_of(msg: &str) -> &'static str {
    let e = msg.rsplit("expected").next().unwrap_or_default();
    if ["u8", "u16", "u32", "u64", "usize", "integer"].iter().any(|t| e.contains(t)) {
        "whole-number"
    } else if e.contains("f64") || e.contains("float") {
        "number"
    } else if e.contains("bool") {
        "bool"
    } else if e.contains("sequence") {
        "list"
    } else if e.contains("date") {
        "date"
    } else if e.contains("string") || e.contains("char") {
        "text"
    } else {
        "other"
    }
}

/// `unknown field `x`, expected one of `a`, `b`` → (`x`, [`a`, `b`]).
fn unknown(msg: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(prefix)?;
    let (name, tail) = rest.split_once('`')?;
    let expected: Vec<String> = tail.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((name.to_string(), expected))
}

/// A position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u64,
    /// 1-based column (in characters), when known.
    pub column: Option<u64>,
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() as u64 + 1)
}

/// The position of the key or array item at `path` in a TOML text: `["clause", "2", "params",
/// "datasets", "0"]` (array indexes as numbers). The deepest part found when the rest is absent.
pub fn toml_position(text: &str, path: &[&str]) -> Option<Pos> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut found: Option<std::ops::Range<usize>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for part in path {
        if let Some(t) = table.take() {
            let Some((k, v)) = t.iter().find(|(k, _)| k.get_ref() == part) else { break };
            found = Some(k.span());
            value = Some(v.get_ref());
        } else if let (Some(DeValue::Array(items)), Ok(i)) = (value, part.parse::<usize>()) {
            let Some(item) = items.get(i) else { break };
            found = Some(item.span());
            value = Some(item.get_ref());
        } else {
            break;
        }
        if let Some(DeValue::Table(t)) = value {
            table = Some(t);
        }
    }
    found.map(|s| {
        let (line, column) = line_col(text, s.start);
        Pos { line, column: Some(column) }
    })
}

/// Lowercase, without accents, spaces, hyphens nor underscores: `Année_Acte` → `anneeacte`.
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate nearest to `name`, when one is near enough to be what was meant: the same
/// name but for case, accents or separators; else a Damerau-Levenshtein distance of at most 2
/// (1 for names of up to 4 characters); else a Jaro-Winkler similarity of at least 0.9.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let n = fold(name);
    if n.is_empty() {
        return None;
    }
    let mut best: Option<(usize, f64, &'a str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let f = fold(c);
        if f == n {
            return Some(c);
        }
        let d = strsim::damerau_levenshtein(&n, &f);
        let jw = strsim::jaro_winkler(&n, &f);
        let limit = if n.chars().count() <= 4 { 1 } else { 2 };
        if (d <= limit || jw >= 0.9) && best.is_none_or(|(bd, bj, _)| (d, -jw) < (bd, -bj)) {
            best = Some((d, jw, c));
        }
    }
    best.map(|(_, _, c)| c)
}

/// The words of the `what` and `expected` parameters, per language.
pub fn label(id: &str, lang: Lang) -> &str {
    let (fr, en) = match id {
        "key" => ("clé", "key"),
        "value" => ("valeur", "value"),
        "dataset" => ("jeu de données", "dataset"),
        "field" => ("champ", "field"),
        "column" => ("colonne", "column"),
        "line-kind" => ("type de ligne", "line kind"),
        "clause-kind" => ("nature de contrôle", "check kind"),
        "param" => ("paramètre", "parameter"),
        "check" => ("contrôle", "check"),
        "profile" => ("profil", "profile"),
        "encoding" => ("encodage", "encoding"),
        "algorithm" => ("algorithme", "algorithm"),
        "whole-number" => ("un nombre entier positif ou nul", "a whole number ≥ 0"),
        "number" => ("un nombre", "a number"),
        "tolerance" => {
            ("un nombre ou un pourcentage (« 5 », « 1% »)", "a number or a percentage (\"5\", \"1%\")")
        }
        "year-range" => ("deux années « AAAA-AAAA »", "two years \"YYYY-YYYY\""),
        "date" => ("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
        "bool" => ("true ou false", "true or false"),
        "text" => ("un texte", "a text"),
        "list" => ("une liste de textes", "a list of texts"),
        "as-many-parts" => {
            ("autant de valeurs dans group que de clés dans by", "as many values in group as keys in by")
        }
        "a-source" => ("la source du chiffre (source)", "the figure's source (source)"),
        "from-before-to" => ("from au plus égal à to", "from at most to"),
        "unique" => ("un identifiant unique", "a unique id"),
        "amount-field" => ("un champ de montant du jeu de données", "an amount field of the dataset"),
        "one-source" => ("exactement un de column, columns, value", "exactly one of column, columns, value"),
        "date-pattern" => {
            ("un motif de date (JJ/MM/AAAA, AAAAMMJJ…)", "a date pattern (DD/MM/YYYY, YYYYMMDD…)")
        }
        "glob" => ("un motif de chemin valide", "a valid path pattern"),
        "year" => ("une année AAAA", "a year YYYY"),
        "dated-dataset" => (
            "un jeu de données daté (qui a un champ de période)",
            "a dated dataset (one with a period field)",
        ),
        "other" => ("une valeur d'un autre type", "a value of another type"),
        "file" => ("fichier", "file"),
        "folder" => ("dossier", "folder"),
        "fifo" => ("tube nommé FIFO", "named pipe (FIFO)"),
        "char-device" => ("périphérique en mode caractère", "character device"),
        "block-device" => ("périphérique en mode bloc", "block device"),
        "socket" => ("socket", "socket"),
        "symlink" => ("lien symbolique", "symbolic link"),
        "special" => ("fichier spécial", "special file"),
        other => (other, other),
    };
    lang.pick(fr, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_bounded_and_regular_only() {
        let t = tempfile::tempdir().unwrap();
        let ok = t.path().join("ok.toml");
        std::fs::write(&ok, "a = 1\n").unwrap();
        assert_eq!(read_bounded(&ok, 6).unwrap(), b"a = 1\n");
        assert!(matches!(read_bounded(&ok, 5), Err(ReadError::TooLarge(5))));
        assert!(matches!(read_bounded(t.path(), 5), Err(ReadError::NotAFile("folder"))));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_bounded(Path::new("/dev/zero"), 5),
                Err(ReadError::NotAFile("char-device"))
            ));
            let fifo = t.path().join("pipe");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .unwrap();
            // No writer: a plain open would block here.
            assert!(matches!(read_bounded(&fifo, 5), Err(ReadError::NotAFile("fifo"))));
            let e = InputError::from_read("pipe", &read_bounded(&fifo, 5).unwrap_err());
            assert_eq!(e.code, Code::InputNotAFile);
            assert!(e.message(Lang::Fr).contains("tube nommé"), "{}", e.message(Lang::Fr));
        }
    }

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        let datasets = ["actes", "mentions", "pieces", "electeurs"];
        assert_eq!(suggest("acte", datasets), Some("actes"));
        assert_eq!(suggest("Électeurs", datasets), Some("electeurs"));
        assert_eq!(suggest("piéces", datasets), Some("pieces"));
        assert_eq!(suggest("teleportation", datasets), None);
        assert_eq!(suggest("anne", ["annee", "type_acte"]), Some("annee"));
        assert_eq!(
            suggest("elistelec", ["reversa-v1", "reu", "e-listelec", "insee-deces"]),
            Some("e-listelec")
        );
        assert_eq!(suggest("period-coverge", ["period-coverage", "completeness"]), Some("period-coverage"));
        assert_eq!(suggest("x", ["reu"]), None);
    }

    #[test]
    fn positions_and_messages() {
        let text = "a = 1\n[[clause]]\nid = \"A\"\n[[clause]]\nid = \"B\"\nparams = { datasets = [\"x\", \"acte\"] }\n";
        assert_eq!(toml_position(text, &["clause", "1", "id"]), Some(Pos { line: 5, column: Some(1) }));
        assert_eq!(
            toml_position(text, &["clause", "1", "params", "datasets", "1"]),
            Some(Pos { line: 6, column: Some(29) })
        );
        let e = InputError::new(Code::InputUnknownName, "c.toml")
            .at(6, Some(30))
            .with("what", "dataset")
            .with("name", "acte")
            .suggest("acte", ["actes"]);
        let fr = e.message(Lang::Fr);
        assert!(fr.starts_with("c.toml:6:30: "), "{fr}");
        assert!(fr.contains("jeu de données") && fr.contains("« actes »"), "{fr}");
        assert!(fr.ends_with("[input.unknown-name]"), "{fr}");
        assert!(e.message(Lang::En).contains("did you mean \"actes\"?"));
        assert_eq!(Code::InputUnknownName.attribution(), crate::finding::Attribution::Input);
    }

    #[test]
    fn toml_errors_become_refusals() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            title: String,
            count: u32,
        }
        let text = "title = \"x\"\ncount = 1\ntitel = \"y\"\n";
        let e = toml::from_str::<T>(text).unwrap_err();
        let r = InputError::from_toml(&e, text, "f.toml");
        assert_eq!(r.code, Code::InputUnknownName);
        assert_eq!(r.line, Some(3));
        assert_eq!(r.suggestion(), Some("title"));
        let text = "title = \"x\"\ncount = \"douze\"\n";
        let r = InputError::from_toml(&toml::from_str::<T>(text).unwrap_err(), text, "f.toml");
        assert_eq!((r.code, r.line), (Code::InputInvalidValue, Some(2)));
        let text = "title = \"x\"\ncount = [\n";
        let r = InputError::from_toml(&toml::from_str::<T>(text).unwrap_err(), text, "f.toml");
        assert_eq!(r.code, Code::InputSyntax);
        assert!(!r.message(Lang::Fr).contains("expected"), "no parser English in French");
    }
}
