//! Faults: a panic on one file, an output folder that cannot take the reports, a file the
//! system refuses to read. (Interrupted runs: `report::a_run_killed_midway_leaves_no_report`.)

use crate::workdir::{Workdir, fixture};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

#[test]
fn a_panic_on_one_file_is_an_internal_error_naming_it() {
    let w = Workdir::new();
    let out = Command::new(assert_cmd::cargo::cargo_bin("reversa"))
        .current_dir(w.path())
        .env("REVERSA_INJECT_PANIC", "donnees/actes.csv")
        .args(["verify", fixture("clean.zip").to_str().unwrap(), "--out", "out", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("internal error at src/"), "{stderr}");
    assert!(!stderr.contains("injected fault"), "the panic's message is masked: {stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path().join("out/report.json")).unwrap()).unwrap();
    let internal: Vec<_> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "internal.error").collect();
    assert_eq!(internal.len(), 1, "{internal:?}");
    assert_eq!(internal[0]["path"], "donnees/actes.csv");
    assert_eq!(report["verdict"], "undetermined", "reversa's failure is not the vendor's");
    // The other files were still read.
    let electeurs = report["datasets"].as_array().unwrap().iter().find(|d| d["name"] == "electeurs").unwrap();
    assert!(electeurs["records"].as_u64().unwrap() > 0);
    // JUnit says error, not failure.
    let junit_run = Command::new(assert_cmd::cargo::cargo_bin("reversa"))
        .current_dir(w.path())
        .env("REVERSA_INJECT_PANIC", "donnees/actes.csv")
        .args([
            "verify",
            fixture("clean.zip").to_str().unwrap(),
            "--out",
            "out2",
            "--quiet",
            "--junit",
            "j.xml",
        ])
        .output()
        .unwrap();
    assert_eq!(junit_run.status.code(), Some(2));
    let junit = std::fs::read_to_string(w.path().join("j.xml")).unwrap();
    assert!(
        junit.contains("errors=\"1\"") && junit.contains("<error message=\"internal error\">"),
        "{junit}"
    );
}

/// The refusal comes before any file is read: the panic injected on the first data file would
/// otherwise show on stderr.
fn refused_before_work(out_dir: &std::path::Path, isolate: Option<&str>) -> (Option<i32>, String) {
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    let mut cmd = match isolate {
        Some(script) => {
            let mut c = Command::new("unshare");
            c.args(["-rm", "sh", "-c", script, "sh"]).arg(&bin);
            c
        }
        None => Command::new(&bin),
    };
    let out = cmd
        .env("REVERSA_INJECT_PANIC", "donnees/actes.csv")
        .args([
            "verify",
            fixture("clean.zip").to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("internal error"), "work started: {stderr}");
    (out.status.code(), stderr)
}

#[test]
fn an_unwritable_out_is_refused_before_any_work() {
    let w = Workdir::new();
    std::fs::write(w.path().join("a-file"), "x").unwrap();
    let (code, stderr) = refused_before_work(&w.path().join("a-file/out"), None);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot write in") && stderr.contains("a-file/out"), "{stderr}");
}

#[test]
fn a_full_disk_is_refused_before_any_work() {
    let w = Workdir::new();
    let mnt = w.path().join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    // A 64 KiB file system of its own, in a private mount namespace.
    if !Command::new("unshare").args(["-rm", "true"]).status().is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "CI: unshare -rm must work (user namespaces)");
        eprintln!("SKIPPED a_full_disk_is_refused_before_any_work: unshare -rm refused here");
        return;
    }
    let script = format!("mount -t tmpfs -o size=64k tmpfs '{}' && exec \"$@\"", mnt.display());
    let (code, stderr) = refused_before_work(&mnt.join("out"), Some(&script));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("bytes free") && stderr.contains("needed"), "{stderr}");
}

#[test]
fn an_unreadable_file_in_a_folder_is_a_finding() {
    let w = Workdir::new();
    let export = w.path().join("export");
    std::fs::create_dir_all(export.join("donnees")).unwrap();
    std::fs::write(export.join("donnees/bureaux.csv"), "code_bureau,libelle\n0001,Mairie\n").unwrap();
    std::fs::write(export.join("donnees/locked.csv"), "secret\n").unwrap();
    std::fs::set_permissions(export.join("donnees/locked.csv"), std::fs::Permissions::from_mode(0o000))
        .unwrap();
    for d in [w.path(), &export, &export.join("donnees")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = w.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    // root reads a mode-000 file: run as nobody then.
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let run = cmd
        .args(["verify", export.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    // A file reversa could not read is not the vendor's fault: undetermined, not violated.
    assert_eq!(run.status.code(), Some(3), "{}", String::from_utf8_lossy(&run.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let unreadable: Vec<_> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "archive.unreadable").collect();
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert_eq!(unreadable[0]["path"], "donnees/locked.csv");
    assert_eq!(unreadable[0]["attribution"], "tool");
    let bureaux = report["datasets"].as_array().unwrap().iter().find(|d| d["name"] == "bureaux").unwrap();
    assert_eq!(bureaux["records"], 1, "the other files were read");
}
