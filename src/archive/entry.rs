//! The value the archive stage hands downstream: one entry's metadata, and the safety of its path.

use serde::Serialize;

/// What kind of entry the container says this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A regular file: its bytes are read.
    File,
    /// A directory: listed, nothing to read.
    Dir,
    /// A symbolic link: never followed.
    Symlink,
    /// A hard link (tar): never followed.
    HardLink,
    /// A device, FIFO or other special entry.
    Special,
}

/// One entry of an export, as its container declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryMeta {
    /// Position of the entry in the container (0-based), or in the sorted folder walk.
    pub index: usize,
    /// Normalised path: `/`-separated, no leading `./`, as written in the archive otherwise.
    pub path: String,
    /// The container's kind for this entry.
    pub kind: EntryKind,
    /// Uncompressed size declared by the container.
    pub declared_size: Option<u64>,
    /// Compressed size, for zip entries.
    pub compressed_size: Option<u64>,
    /// The entry is encrypted (zip).
    pub encrypted: bool,
    /// The raw name was valid UTF-8.
    pub name_utf8: bool,
    /// What is wrong with the path, if anything.
    pub path_problem: Option<PathProblem>,
}

impl EntryMeta {
    /// A regular file with a safe path: its bytes may be read.
    pub fn is_readable_file(&self) -> bool {
        self.kind == EntryKind::File && self.path_problem.is_none() && !self.encrypted
    }
}

/// Why a path is unsafe to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathProblem {
    /// A `..` component.
    Traversal,
    /// A leading `/` or `\`, or a drive letter such as `C:`.
    Absolute,
}

/// Normalises a raw entry name and says whether it is safe.
///
/// Backslashes count as separators (archives made on Windows use them), `.` components and
/// empty components are dropped, a trailing `/` is removed. The raw name is never used to touch
/// the file system: reversa extracts nothing, the check is for reporting and for manifests.
pub fn normalise_path(raw: &str) -> (String, Option<PathProblem>) {
    let unified = raw.replace('\\', "/");
    let bytes = unified.as_bytes();
    let absolute =
        unified.starts_with('/') || (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic());
    let mut parts = Vec::new();
    let mut traversal = false;
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                traversal = true;
                parts.push(part);
            }
            p => parts.push(p),
        }
    }
    let problem = if absolute {
        Some(PathProblem::Absolute)
    } else if traversal {
        Some(PathProblem::Traversal)
    } else {
        None
    };
    let mut path = parts.join("/");
    if absolute && !path.starts_with('/') && !(bytes.len() >= 2 && bytes[1] == b':') {
        path.insert(0, '/');
    }
    (path, problem)
}

/// Decodes a raw entry name: UTF-8 when it is, otherwise lossily (and says so).
pub fn decode_name(raw: &[u8]) -> (String, bool) {
    match std::str::from_utf8(raw) {
        Ok(s) => (s.to_string(), true),
        Err(_) => (String::from_utf8_lossy(raw).into_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_flags_paths() {
        assert_eq!(normalise_path("./data/a.csv"), ("data/a.csv".into(), None));
        assert_eq!(normalise_path("data//b/"), ("data/b".into(), None));
        assert_eq!(normalise_path("a\\b.csv"), ("a/b.csv".into(), None));
        assert_eq!(normalise_path("../etc/passwd").1, Some(PathProblem::Traversal));
        assert_eq!(normalise_path("data/../../x").1, Some(PathProblem::Traversal));
        assert_eq!(normalise_path("/etc/passwd").1, Some(PathProblem::Absolute));
        assert_eq!(normalise_path("C:\\Windows\\x").1, Some(PathProblem::Absolute));
        assert_eq!(normalise_path("c:/x").1, Some(PathProblem::Absolute));
        assert_eq!(normalise_path("data/..hidden").1, None);
    }

    #[test]
    fn decodes_invalid_names_lossily() {
        assert_eq!(decode_name(b"caf\xc3\xa9"), ("café".into(), true));
        let (s, ok) = decode_name(b"caf\xe9");
        assert!(!ok);
        assert!(s.starts_with("caf"));
    }
}
