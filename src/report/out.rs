//! The output folder of a run: checked before any heavy work, marked while the run writes.
//!
//! [`OutDir::prepare`] creates the folder, checks that it is writable and has room, removes the
//! reports of an earlier run and writes the run marker `reversa.running`. The reports are then
//! written atomically (a temporary file renamed), `report.json` last, and [`OutDir::finish`]
//! removes the marker. A folder that still holds `reversa.running` holds an interrupted run
//! (SIGINT, SIGTERM, a crash, a full disk): nothing in it is a complete report.
//!
//! One run per folder: [`OutDir::prepare`] takes an advisory lock on the folder itself (unix
//! `flock` on the folder's descriptor: no lock file to leave behind or race on), held until the
//! run ends and released by the system on any exit, error or crash included; a second run on the
//! same folder is refused before any work ([`OutError::Busy`]).
//!
//! Every path the binary writes (`--out`, `--junit`, `fingerprint -o`, …) is first checked by
//! [`check_output`]: never one of the run's inputs, never inside a folder input, never through a
//! symbolic link, never a FIFO, device or socket.

use std::io;
use std::path::{Path, PathBuf};

/// The run marker's name.
pub const MARKER: &str = "reversa.running";

/// The files a run writes in its folder (removed when a new run starts there).
pub const OUTPUTS: &[&str] = &["report.json", "report.html"];

/// Free space the folder must have before the run starts. Reports are bounded (locations and
/// samples are capped), a few MiB for the largest exports.
pub const MIN_FREE: u64 = 16 << 20;

/// Why the output folder cannot take the run's reports.
#[derive(Debug, thiserror::Error)]
pub enum OutError {
    /// Creating the folder or writing into it failed.
    #[error("cannot write in {dir}: {source}")]
    Unwritable {
        /// The folder.
        dir: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file system is (nearly) full.
    #[error(
        "{dir} has {free} bytes free, {needed} needed for the reports: free some space or choose another --out"
    )]
    NoSpace {
        /// The folder.
        dir: PathBuf,
        /// Bytes available.
        free: u64,
        /// Bytes needed.
        needed: u64,
    },
    /// Another run holds the folder's lock.
    #[error(
        "another reversa run is writing to this folder ({dir}): wait for it to end or choose another --out"
    )]
    Busy {
        /// The folder.
        dir: PathBuf,
    },
    /// An output path that would harm an input or cannot take a report.
    #[error("{flag} {path}: {why}")]
    Refused {
        /// The option that named it (`--out`, `--junit`…).
        flag: String,
        /// The path as given.
        path: PathBuf,
        /// Why, in words.
        why: String,
    },
}

/// What an output path is to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutKind {
    /// A file, written whole (a temporary file renamed).
    File,
    /// A folder the run creates files in.
    Folder,
}

/// Checks, before any work, that writing `path` (named by `flag`) cannot harm `inputs` (the
/// export and the commune's files the run reads): it is not one of them (same canonical path, or
/// on unix the same device and inode: a hard link), it is not inside a folder input (canonical
/// paths and, on unix, device and inode of every ancestor), a file output is not a symbolic link
/// (its parent is canonicalised, so a link in the parent path is followed and judged where it
/// leads), and it is not a FIFO, device or socket. For a folder, the files the run writes in it
/// are checked the same way (an input named `report.json` inside `--out` would be replaced).
pub fn check_output(flag: &str, path: &Path, kind: OutKind, inputs: &[&Path]) -> Result<(), OutError> {
    let refuse = |why: String| OutError::Refused { flag: flag.to_string(), path: path.to_path_buf(), why };
    let inputs: Vec<Input> = inputs.iter().filter_map(|p| Input::of(p)).collect();
    let resolved = match kind {
        OutKind::Folder => resolve(path),
        OutKind::File => match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
                resolve(parent).join(name)
            }
            _ => return Err(refuse("is not a file name".into())),
        },
    };
    let id = identity(&resolved, false);
    for input in &inputs {
        if resolved == input.canonical || resolved == input.location || (id.is_some() && id == input.id) {
            return Err(refuse(format!(
                "is the input {} itself: choose another path",
                input.given.display()
            )));
        }
        if input.is_dir && inside(&resolved, input) {
            return Err(refuse(format!(
                "is inside the input folder {}: choose a path outside it",
                input.given.display()
            )));
        }
    }
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let ft = meta.file_type();
        let what = crate::input::kind_id(&ft);
        match (kind, what) {
            (OutKind::File, "file") | (OutKind::Folder, "folder") => {}
            // A folder given through a link is judged where the link leads (canonical path).
            (OutKind::Folder, "symlink") if path.is_dir() => {}
            (OutKind::File, "symlink") => {
                return Err(refuse("is a symbolic link: give the path of a real file".into()));
            }
            (OutKind::File, "folder") => return Err(refuse("is a folder: give a file name".into())),
            (OutKind::Folder, "file") => return Err(refuse("is a file: give a folder".into())),
            (_, other) => {
                return Err(refuse(format!(
                    "is a {}: reversa writes only regular files and folders",
                    crate::input::label(other, crate::finding::Lang::En)
                )));
            }
        }
    }
    if kind == OutKind::Folder {
        for name in OUTPUTS.iter().chain([&MARKER]) {
            let file = resolved.join(name);
            let id = identity(&file, false);
            if let Some(input) = inputs
                .iter()
                .find(|i| file == i.canonical || file == i.location || (id.is_some() && id == i.id))
            {
                return Err(refuse(format!(
                    "holds the input {} as {name}, which the run replaces: choose another folder",
                    input.given.display()
                )));
            }
        }
    }
    Ok(())
}

/// An input as [`check_output`] compares it.
struct Input {
    given: PathBuf,
    /// Every link resolved.
    canonical: PathBuf,
    /// The parent canonicalised, the last name as written (the input if it is a link).
    location: PathBuf,
    id: Option<(u64, u64)>,
    is_dir: bool,
}

impl Input {
    fn of(p: &Path) -> Option<Input> {
        let canonical = p.canonicalize().ok()?;
        let location = match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => {
                resolve(if parent.as_os_str().is_empty() { Path::new(".") } else { parent }).join(name)
            }
            _ => canonical.clone(),
        };
        Some(Input {
            given: p.to_path_buf(),
            is_dir: canonical.is_dir(),
            id: identity(&canonical, true),
            canonical,
            location,
        })
    }
}

/// Whether `out` (resolved) lies inside the folder `input`.
fn inside(out: &Path, input: &Input) -> bool {
    if out.starts_with(&input.canonical) {
        return true;
    }
    // The same folder under another name (a bind mount, a case-insensitive file system).
    input.id.is_some() && out.ancestors().any(|a| identity(a, true) == input.id)
}

/// Device and inode (unix), following the last link or not.
fn identity(p: &Path, follow: bool) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = if follow { std::fs::metadata(p) } else { std::fs::symlink_metadata(p) }.ok()?;
        Some((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = (p, follow);
        None
    }
}

/// `p` made absolute, its deepest existing ancestor canonicalised, the rest kept as written.
fn resolve(p: &Path) -> PathBuf {
    let p =
        if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let parts: Vec<std::path::Component> = p.components().collect();
    let prefix = |n: usize| parts[..n].iter().collect::<PathBuf>();
    let mut n = parts.len();
    while n > 1 && std::fs::symlink_metadata(prefix(n)).is_err() {
        n -= 1;
    }
    let mut c = prefix(n).canonicalize().unwrap_or_else(|_| prefix(n));
    // After the first missing part, `..` is taken lexically (the system would refuse the path).
    for part in &parts[n..] {
        match part {
            std::path::Component::ParentDir => {
                c.pop();
            }
            std::path::Component::Normal(x) => c.push(x),
            _ => {}
        }
    }
    c
}

/// An output folder a run is writing into.
#[derive(Debug)]
pub struct OutDir {
    dir: PathBuf,
    /// Holds the folder's lock while the run lasts (closed, hence released, on drop or exit).
    _lock: Option<std::fs::File>,
}

impl OutDir {
    /// Gets `dir` ready for a run on `input` (see the module's documentation).
    pub fn prepare(dir: &Path, input: &Path, started: &str) -> Result<OutDir, OutError> {
        let unwritable = |source: io::Error| OutError::Unwritable { dir: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(unwritable)?;
        let lock = lock(dir)?;
        if let Some(free) = available(dir)
            && free < MIN_FREE
        {
            return Err(OutError::NoSpace { dir: dir.to_path_buf(), free, needed: MIN_FREE });
        }
        let marker = serde_json::json!({
            "reversa_run": "1",
            "status": "running",
            "pid": std::process::id(),
            "started": started,
            "input": input.display().to_string(),
            "meaning": "a run is writing this folder, or was interrupted: its reports are not complete",
        });
        super::write_atomic(dir, MARKER, format!("{marker:#}\n").as_bytes()).map_err(unwritable)?;
        for name in OUTPUTS {
            match std::fs::remove_file(dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(unwritable(e)),
            }
        }
        Ok(OutDir { dir: dir.to_path_buf(), _lock: lock })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The run wrote everything: removes the marker.
    pub fn finish(self) -> io::Result<()> {
        std::fs::remove_file(self.dir.join(MARKER))
    }
}

/// Takes the folder's lock (`None` where the system has no such lock).
fn lock(dir: &Path) -> Result<Option<std::fs::File>, OutError> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let unwritable = |source: io::Error| OutError::Unwritable { dir: dir.to_path_buf(), source };
        let fd = rustix::fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| unwritable(e.into()))?;
        let file = std::fs::File::from(fd);
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Err(OutError::Busy { dir: dir.to_path_buf() }),
            // A file system without locks (some network mounts): the run goes on unlocked.
            Err(std::fs::TryLockError::Error(e))
                if e.kind() == io::ErrorKind::Unsupported
                    || e.raw_os_error() == Some(rustix::io::Errno::NOLCK.raw_os_error()) =>
            {
                Ok(None)
            }
            Err(std::fs::TryLockError::Error(e)) => Err(unwritable(e)),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(None)
    }
}

/// Bytes available to this user on the file system holding `dir` (`None` where unknown).
fn available(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let s = rustix::fs::statvfs(dir).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_marks_the_folder_and_removes_old_reports() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("report.json"), "{}").unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let out = OutDir::prepare(&dir, Path::new("export.zip"), "2026-01-01").unwrap();
        assert!(!dir.join("report.json").exists(), "an old report would look like this run's");
        assert!(dir.join("notes.txt").exists(), "other files are left alone");
        let marker: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(MARKER)).unwrap()).unwrap();
        assert_eq!(marker["status"], "running");
        out.finish().unwrap();
        assert!(!dir.join(MARKER).exists());
    }

    #[test]
    fn a_second_run_on_a_locked_folder_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let first = OutDir::prepare(t.path(), Path::new("x"), "").unwrap();
        let e = OutDir::prepare(t.path(), Path::new("x"), "").unwrap_err();
        assert!(matches!(e, OutError::Busy { .. }), "{e}");
        assert!(t.path().join(MARKER).exists(), "the first run's marker is left alone");
        drop(first);
        OutDir::prepare(t.path(), Path::new("x"), "").unwrap().finish().unwrap();
    }

    #[test]
    fn outputs_that_would_harm_an_input_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let zip = t.path().join("x.zip");
        let folder = t.path().join("export");
        std::fs::write(&zip, "zip").unwrap();
        std::fs::create_dir(&folder).unwrap();
        let inputs = [zip.as_path(), folder.as_path()];
        let refused = |p: &Path, kind| check_output("--o", p, kind, &inputs).is_err();
        assert!(refused(&zip, OutKind::File));
        assert!(refused(&t.path().join("export/../x.zip"), OutKind::File));
        assert!(refused(&folder, OutKind::Folder));
        assert!(refused(&folder.join("a/b"), OutKind::Folder));
        assert!(refused(&folder.join("j.xml"), OutKind::File));
        assert!(refused(&t.path().join("nope/../export/j.xml"), OutKind::File));
        #[cfg(unix)]
        {
            std::fs::hard_link(&zip, t.path().join("hard.zip")).unwrap();
            assert!(refused(&t.path().join("hard.zip"), OutKind::File), "a hard link is the input");
            std::os::unix::fs::symlink(&folder, t.path().join("link")).unwrap();
            assert!(refused(&t.path().join("link/j.xml"), OutKind::File), "through a link");
            assert!(refused(&t.path().join("link"), OutKind::Folder), "through a link");
            std::os::unix::fs::symlink(t.path().join("elsewhere"), t.path().join("dangling")).unwrap();
            assert!(refused(&t.path().join("dangling"), OutKind::File), "a link as the last name");
            assert!(refused(Path::new("/dev/null"), OutKind::File), "a device");
        }
        let out = t.path().join("out");
        assert!(!refused(&out, OutKind::Folder));
        assert!(!refused(&t.path().join("j.xml"), OutKind::File));
        std::fs::create_dir(&out).unwrap();
        let inner = out.join("report.json");
        std::fs::write(&inner, "{}").unwrap();
        assert!(check_output("--out", &out, OutKind::Folder, &[inner.as_path()]).is_err());
    }

    #[test]
    fn a_folder_under_a_file_is_unwritable() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("f"), "x").unwrap();
        let e = OutDir::prepare(&t.path().join("f/out"), Path::new("x"), "").unwrap_err();
        assert!(matches!(e, OutError::Unwritable { .. }), "{e}");
    }
}
