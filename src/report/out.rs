//! The output folder of a run: checked before any heavy work, marked while the run writes.
//!
//! [`OutDir::prepare`] creates the folder, checks that it is writable and has room, removes the
//! reports of an earlier run and writes the run marker `reversa.running`. The reports are then
//! written atomically (a temporary file renamed), `report.json` last, and [`OutDir::finish`]
//! removes the marker. A folder that still holds `reversa.running` holds an interrupted run
//! (SIGINT, SIGTERM, a crash, a full disk): nothing in it is a complete report.

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
}

/// An output folder a run is writing into.
#[derive(Debug)]
pub struct OutDir {
    dir: PathBuf,
}

impl OutDir {
    /// Gets `dir` ready for a run on `input` (see the module's documentation).
    pub fn prepare(dir: &Path, input: &Path, started: &str) -> Result<OutDir, OutError> {
        let unwritable = |source: io::Error| OutError::Unwritable { dir: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(unwritable)?;
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
        Ok(OutDir { dir: dir.to_path_buf() })
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
    fn a_folder_under_a_file_is_unwritable() {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("f"), "x").unwrap();
        let e = OutDir::prepare(&t.path().join("f/out"), Path::new("x"), "").unwrap_err();
        assert!(matches!(e, OutError::Unwritable { .. }), "{e}");
    }
}
