//! Offline and sovereign: `verify` on every fixture opens no socket (traced with strace) and
//! gives the same report inside a network namespace that has no interface up.

use crate::workdir::fixture;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every committed export: the fixtures' archives and folders, and the profiles' sample files.
fn exports() -> Vec<PathBuf> {
    let dir = fixture("");
    let mut all: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "zip" || e == "tar" || e == "gz"))
        .collect();
    all.sort();
    assert!(all.len() >= 15, "{all:?}");
    all
}

fn tool(name: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/sbin"].iter().map(|d| Path::new(d).join(name)).find(|p| p.exists())
}

/// Without the tool: fails under CI (`.ci/run` installs it), skips elsewhere.
fn required(name: &str, test: &str) -> Option<PathBuf> {
    let found = tool(name);
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI: {name} must be installed (.ci/run installs it)");
        eprintln!("SKIPPED {test}: {name} not found");
    }
    found
}

#[test]
fn verify_opens_no_socket_on_any_fixture() {
    let Some(strace) = required("strace", "verify_opens_no_socket_on_any_fixture") else { return };
    // The control: the same trace sees the socket a shell opens for /dev/tcp.
    let w = tempfile::tempdir().unwrap();
    let log = w.path().join("control");
    Command::new(&strace)
        .args(["-f", "-qq", "-e", "trace=%network", "-o"])
        .arg(&log)
        .args(["bash", "-c", "echo > /dev/tcp/127.0.0.1/9"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(std::fs::read_to_string(&log).unwrap().contains("socket("), "the trace sees no socket at all");
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    for export in exports() {
        let w = tempfile::tempdir().unwrap();
        let log = w.path().join("trace");
        let status = Command::new(&strace)
            .args(["-f", "-qq", "-e", "trace=%network", "-o"])
            .arg(&log)
            .arg(&bin)
            .arg("verify")
            .arg(&export)
            .arg("--out")
            .arg(w.path().join("out"))
            .arg("--quiet")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(matches!(status.code(), Some(0 | 1 | 3)), "{}: {status:?}", export.display());
        let trace = std::fs::read_to_string(&log).unwrap();
        let calls: Vec<&str> = trace.lines().filter(|l| !l.contains("+++ exited")).collect();
        assert!(calls.is_empty(), "{}: network system calls:\n{}", export.display(), calls.join("\n"));
        assert!(w.path().join("out/report.json").exists(), "{}", export.display());
    }
}

#[test]
fn verify_gives_the_same_report_without_a_network() {
    let Some(unshare) = required("unshare", "verify_gives_the_same_report_without_a_network") else { return };
    // A user and network namespace: no interface up, no route anywhere.
    if !Command::new(&unshare).args(["-rn", "true"]).status().is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI: unshare -rn must work (user namespaces)");
        eprintln!("SKIPPED verify_gives_the_same_report_without_a_network: unshare -rn refused here");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    let report = |out: &Path, isolated: bool, export: &Path| -> serde_json::Value {
        let mut cmd = if isolated {
            let mut c = Command::new(&unshare);
            c.arg("-rn").arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        let status = cmd
            .arg("verify")
            .arg(export)
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(matches!(status.code(), Some(0 | 1 | 3)), "{}: {status:?}", export.display());
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
        // The output folder is the one thing that differs.
        v["reproducibility"]["command"] = serde_json::Value::Null;
        v
    };
    for export in exports() {
        let w = tempfile::tempdir().unwrap();
        let online = report(&w.path().join("a"), false, &export);
        let offline = report(&w.path().join("b"), true, &export);
        assert_eq!(online, offline, "{}", export.display());
    }
}
