//! What reversa writes never harms what it reads: every output flag is refused (exit 2, before
//! any work, nothing written, the input byte-identical and its mtime kept) when it names an
//! input, a path inside a folder input, a symbolic link or a special file; one run per output
//! folder; the commune's files and the files `report check` compares are read bounded, and the
//! paths written inside a report are never opened.

use crate::hostile::{run_bounded, run_bounded_args, snapshot};
use crate::workdir::{Run, Workdir, fixture};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// A zip export and a folder export (a BagIt bag) copied into the test's folder, and a counts
/// file: the inputs the refused outputs aim at.
fn inputs(w: &Workdir) -> (PathBuf, PathBuf, PathBuf) {
    let zip = w.path().join("x.zip");
    std::fs::copy(fixture("clean.zip"), &zip).unwrap();
    let folder = w.path().join("bag");
    copy_tree(&fixture("clean-bagit"), &folder);
    let counts = w.path().join("counts.toml");
    std::fs::write(&counts, "version = \"1\"\n").unwrap();
    (zip, folder, counts)
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Runs `args` in `w` and asserts the refusal: exit 2, `flag` named, nothing written or changed
/// in the test's folder (every file's digest and mtime), no `out` folder.
fn refused(w: &Workdir, args: &[&str], flag: &str) -> Run {
    let before = snapshot(w.path());
    let run = w.run(args);
    assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains(flag), "{args:?}: the message names {flag}: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(before, snapshot(w.path()), "{args:?}: the input changed or something was written");
    assert!(!w.path().join("out").exists(), "{args:?}: nothing written");
    run
}

#[test]
fn verify_out_is_never_an_input_nor_inside_one() {
    let w = Workdir::new();
    let (zip, folder, _) = inputs(&w);
    let run = refused(&w, &["verify", "x.zip", "--out", "x.zip", "-q"], "--out");
    assert!(run.stderr.contains("itself"), "{}", run.stderr);
    let run = refused(&w, &["verify", "bag", "--out", "bag/data/out", "-q"], "--out");
    assert!(run.stderr.contains("inside the input folder"), "{}", run.stderr);
    refused(&w, &["verify", "bag", "--out", "bag", "-q"], "--out");
    // An input that the run would replace inside --out.
    std::fs::create_dir(w.path().join("r")).unwrap();
    std::fs::copy(&zip, w.path().join("r/report.json")).unwrap();
    let run = refused(&w, &["verify", "r/report.json", "--out", "r", "-q"], "--out");
    assert!(run.stderr.contains("report.json"), "{}", run.stderr);
    // Through a symbolic link that leads into the folder input.
    std::os::unix::fs::symlink(&folder, w.path().join("link")).unwrap();
    refused(&w, &["verify", "bag", "--out", "link/out", "-q"], "--out");
    let _ = zip;
}

#[test]
fn verify_junit_is_never_an_input() {
    let w = Workdir::new();
    let (zip, folder, _) = inputs(&w);
    // Today's harm: the archive replaced with XML.
    refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "x.zip", "-q"], "--junit");
    // The same file under another name: a hard link, `..`.
    std::fs::hard_link(&zip, w.path().join("hard.zip")).unwrap();
    refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "hard.zip", "-q"], "--junit");
    refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "bag/../x.zip", "-q"], "--junit");
    // Inside a folder input, directly or through a link to it.
    refused(&w, &["verify", "bag", "--out", "out", "--junit", "bag/junit.xml", "-q"], "--junit");
    std::os::unix::fs::symlink(&folder, w.path().join("link")).unwrap();
    refused(&w, &["verify", "bag", "--out", "out", "--junit", "link/junit.xml", "-q"], "--junit");
    // A symbolic link as the file itself, even one leading outside.
    std::os::unix::fs::symlink(w.path().join("elsewhere.xml"), w.path().join("j.xml")).unwrap();
    let run = refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "j.xml", "-q"], "--junit");
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    // One of the commune's files.
    refused(
        &w,
        &["verify", "x.zip", "--out", "out", "--counts", "counts.toml", "--junit", "counts.toml", "-q"],
        "--junit",
    );
}

#[test]
fn verify_junit_is_never_a_special_file() {
    let w = Workdir::new();
    inputs(&w);
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let run = refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "pipe", "-q"], "--junit");
    assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
    let run = refused(&w, &["verify", "x.zip", "--out", "out", "--junit", "/dev/null", "-q"], "--junit");
    assert!(run.stderr.contains("device"), "{}", run.stderr);
}

#[test]
fn fingerprint_out_is_never_an_input() {
    let w = Workdir::new();
    inputs(&w);
    refused(&w, &["fingerprint", "x.zip", "-o", "x.zip", "-q"], "--out");
    refused(&w, &["fingerprint", "bag", "-o", "bag/fp.json", "-q"], "--out");
}

#[test]
fn profile_suggest_out_is_never_an_input() {
    let w = Workdir::new();
    inputs(&w);
    refused(&w, &["profile", "suggest", "x.zip", "-o", "x.zip"], "--out");
    refused(&w, &["profile", "suggest", "bag", "-o", "bag/profile.toml"], "--out");
}

#[test]
fn clauses_init_out_is_never_a_link_or_special_file() {
    let w = Workdir::new();
    inputs(&w);
    std::os::unix::fs::symlink(w.path().join("x.zip"), w.path().join("c.toml")).unwrap();
    refused(&w, &["clauses", "init", "--template", "commune", "-o", "c.toml"], "--out");
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&w, &["clauses", "init", "--template", "commune", "-o", "pipe"], "--out");
    // A plain file is written.
    let ok = w.run(&["clauses", "init", "--template", "commune", "-o", "clauses.toml"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(w.path().join("clauses.toml").is_file());
}

#[test]
fn schemas_and_demo_out_are_never_special_files() {
    let w = Workdir::new();
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&w, &["schemas", "export", "--out", "pipe"], "--out");
    refused(&w, &["demo", "--out", "pipe", "--no-verify", "-q"], "--out");
}

#[test]
fn a_second_run_on_a_locked_folder_is_refused_before_any_work() {
    let w = Workdir::new();
    inputs(&w);
    let out = w.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.json"), "{\"earlier\": true}").unwrap();
    // Another run holds the folder: this process takes its lock as a run would.
    let held = std::fs::File::open(&out).unwrap();
    held.try_lock().unwrap();
    let run = w.run(&["verify", "x.zip", "--out", "out", "-q"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("another reversa run is writing to this folder"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(out.join("report.json")).unwrap(), "{\"earlier\": true}");
    assert!(!out.join("reversa.running").exists(), "the holder's folder is left alone");
    drop(held);
    let run = w.run(&["verify", "x.zip", "--out", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Released on exit, after success and after an error alike.
    std::fs::File::open(&out).unwrap().try_lock().expect("released after a run");
    let run = w.run(&["verify", "absent.zip", "--out", "out", "-q"]);
    assert_eq!(run.code, 2, "the run fails after taking the lock");
    std::fs::File::open(&out).unwrap().try_lock().expect("released after an error");
}

// ---- the commune's files and report check: regular files only, bounded ----

/// The bounds of these cases (debug build): a refusal is immediate and reads nothing.
const MAX_SECS: f64 = 10.0;
const MAX_RSS_MB: u64 = 100;

#[test]
fn a_fifo_or_device_as_the_communes_file_is_refused_without_blocking() {
    let w = Workdir::new();
    inputs(&w);
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = w.path().join("out");
    let x = w.path().join("x.zip");
    for (flag, file) in [
        ("--counts", fifo.to_str().unwrap()),
        ("--contract", "/dev/zero"),
        ("--profile", "/dev/zero"),
        ("--counts", w.path().join("bag").to_str().unwrap()),
    ] {
        let run = run_bounded(&x, &out, &[flag, file]);
        assert_eq!(run.code, 2, "{flag} {file}: {}", run.stderr);
        assert!(run.stderr.contains("input.not-a-file"), "{flag} {file}: {}", run.stderr);
        assert!(
            run.secs < MAX_SECS && run.rss_mb < MAX_RSS_MB,
            "{flag} {file}: {:.1} s, {} MB",
            run.secs,
            run.rss_mb
        );
        assert!(!out.exists());
        eprintln!("{flag} {file}: {:.2} s, {} MB", run.secs, run.rss_mb);
    }
    // `clauses lint` reads the same way.
    let run = w.run(&["clauses", "lint", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_file_over_the_limit_is_refused_reading_nothing_past_it() {
    let w = Workdir::new();
    inputs(&w);
    // 16 MiB + 1 of a valid-looking TOML comment, sparse on disk.
    let big = w.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len((16 << 20) + 1).unwrap();
    drop(f);
    let out = w.path().join("out");
    for flag in ["--counts", "--contract", "--profile"] {
        let run = run_bounded(&w.path().join("x.zip"), &out, &[flag, big.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(run.stderr.contains("input.too-large"), "{flag}: {}", run.stderr);
        assert!(run.rss_mb < MAX_RSS_MB, "{flag}: {} MB", run.rss_mb);
    }
}

/// A report of `x.zip` made by a real run, then rewritten by an attacker.
fn hostile_report(w: &Workdir, fifo: &Path) -> PathBuf {
    let run = w.run(&["verify", "x.zip", "--out", "out", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.path().join("out/report.json")).unwrap()).unwrap();
    let zeros = "0".repeat(64);
    r["reproducibility"]["counts"] =
        serde_json::json!({"path": "/dev/zero", "form": "toml", "sha256": zeros});
    r["reproducibility"]["clauses"] = serde_json::json!({"path": "/etc/shadow", "sha256": zeros});
    r["reproducibility"]["profiles"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "x\u{1b}[2J", "origin": fifo.to_str().unwrap(), "sha256": zeros}));
    r["archive"]["path"] = serde_json::json!("/dev/zero");
    let path = w.path().join("hostile.json");
    std::fs::write(&path, serde_json::to_string(&r).unwrap()).unwrap();
    path
}

#[test]
fn report_check_opens_no_path_written_in_the_report() {
    let w = Workdir::new();
    inputs(&w);
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let report = hostile_report(&w, &fifo);
    let zip = w.path().join("x.zip");
    let args: [&OsStr; 4] = ["report".as_ref(), "check".as_ref(), report.as_ref(), zip.as_ref()];
    let run = run_bounded_args(&args, &w.path().join("none"));
    // A FIFO opened would block: the bound proves it was not; /dev/zero read would run away.
    assert!(run.secs < MAX_SECS && run.rss_mb < MAX_RSS_MB, "{:.1} s, {} MB", run.secs, run.rss_mb);
    eprintln!("hostile report: {:.2} s, {} MB", run.secs, run.rss_mb);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for flag in ["--counts", "--contract", "--profile"] {
        assert!(run.stdout.contains(&format!("not checked: give the file with {flag}")), "{}", run.stdout);
    }
    assert!(run.stdout.contains("/etc/shadow") && run.stdout.contains("/dev/zero"), "shown: {}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "no terminal escape from the report: {}", run.stdout);
}

#[test]
fn report_check_compares_the_files_given_on_its_command_line() {
    let w = Workdir::new();
    inputs(&w);
    std::fs::write(w.path().join("clauses.toml"), reversa_template(&w)).unwrap();
    let run = w.run(&["verify", "x.zip", "--out", "out", "--contract", "clauses.toml", "-q"]);
    assert!([0, 1, 3].contains(&run.code), "{}", run.stderr);
    let same = w.run(&["report", "check", "out/report.json", "x.zip", "--contract", "clauses.toml"]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stdout.lines().any(|l| l.starts_with("ok") && l.contains("clause file")), "{}", same.stdout);
    std::fs::write(w.path().join("other.toml"), "# another\n").unwrap();
    let other = w.run(&["report", "check", "out/report.json", "x.zip", "--contract", "other.toml"]);
    assert_eq!(other.code, 1, "{}{}", other.stdout, other.stderr);
    // Given files are the commune's: regular only, bounded; so are the report and the archive.
    let fifo = w.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let p = |name: &str| w.path().join(name).into_os_string();
    let (report, zip, pipe) = (p("out/report.json"), p("x.zip"), p("pipe"));
    let s = |x: &'static str| std::ffi::OsString::from(x);
    for args in [
        vec![s("report"), s("check"), report.clone(), zip.clone(), s("--counts"), s("/dev/zero")],
        vec![s("report"), s("check"), report.clone(), zip.clone(), s("--profile"), pipe.clone()],
        vec![s("report"), s("check"), s("/dev/zero"), zip.clone()],
        vec![s("report"), s("check"), pipe.clone(), zip.clone()],
        vec![s("report"), s("check"), report.clone(), pipe.clone()],
    ] {
        let os: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let run = run_bounded_args(&os, &w.path().join("none"));
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{args:?}: {}", run.stderr);
        assert!(
            run.secs < MAX_SECS && run.rss_mb < MAX_RSS_MB,
            "{args:?}: {:.1} s, {} MB",
            run.secs,
            run.rss_mb
        );
    }
}

/// The default clause template, as `clauses init` writes it.
fn reversa_template(w: &Workdir) -> String {
    let run = w.run(&["clauses", "init", "--template", "commune"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}
