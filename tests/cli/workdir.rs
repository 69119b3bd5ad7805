//! A fresh folder per test, the binary to run in it, and the report it wrote.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A test's own folder.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What one run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub report: Option<Value>,
}

impl Run {
    /// The finding codes of the report.
    pub fn codes(&self) -> Vec<String> {
        self.report()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    }

    /// The findings with this code.
    pub fn findings(&self, code: &str) -> Vec<Value> {
        self.report()["findings"].as_array().unwrap().iter().filter(|f| f["code"] == code).cloned().collect()
    }

    pub fn report(&self) -> &Value {
        self.report
            .as_ref()
            .unwrap_or_else(|| panic!("no report; stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout))
    }

    pub fn verdict(&self) -> &str {
        self.report()["verdict"].as_str().unwrap()
    }
}

/// The committed fixture `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

impl Workdir {
    pub fn new() -> Self {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `reversa ARGS` in this folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::cargo_bin("reversa")
            .unwrap()
            .current_dir(self.path())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(args)
            .output()
            .expect("run reversa");
        let report_path = self.path().join("out/report.json");
        let report = std::fs::read_to_string(&report_path)
            .ok()
            .map(|s| serde_json::from_str(&s).expect("report is JSON"));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            report,
        }
    }

    /// Runs `reversa verify PATH --out out --quiet` plus `extra`.
    pub fn verify(&self, path: &Path, extra: &[&str]) -> Run {
        let p = path.to_str().unwrap();
        let mut args = vec!["verify", p, "--out", "out", "--quiet"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert!([0, 1, 3].contains(&run.code), "verify {p} exited {}:\n{}", run.code, run.stderr);
        run
    }

    /// Writes a demo export with these extra flags and returns its path.
    pub fn demo(&self, extra: &[&str]) -> PathBuf {
        let mut args = vec!["demo", "--out", "demo", "--records", "150", "--no-verify", "--quiet"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert_eq!(run.code, 0, "demo failed: {}", run.stderr);
        let dir = self.path().join("demo");
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("export-"))
            .collect();
        assert_eq!(found.len(), 1, "one export in {found:?}");
        found.pop().unwrap()
    }
}
