//! Containers and safety: each hostile fixture gives its named finding, never a crash.

use crate::workdir::{Workdir, fixture};

fn digest(path: &std::path::Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// (fixture, expected code, expected verdict)
const HOSTILE: &[(&str, &str, &str)] = &[
    ("unsafe-path-traversal.zip", "archive.path-traversal", "not-satisfiable"),
    ("unsafe-absolute-path.zip", "archive.absolute-path", "not-satisfiable"),
    ("unsafe-duplicate-names.zip", "archive.duplicate-name", "not-satisfiable"),
    ("unsafe-encrypted.zip", "archive.encrypted", "not-satisfiable"),
    ("unsafe-crc-corrupt.zip", "archive.corrupt", "not-satisfiable"),
    ("unsafe-symlink.zip", "archive.symlink", "not-satisfiable"),
    // A safety limit is reversa's refusal to read, not the vendor's fault: unverifiable.
    ("unsafe-bomb.zip", "archive.ratio-exceeded", "undetermined"),
    ("unsafe-truncated.tar.gz", "archive.truncated", "not-satisfiable"),
    ("unsafe-nested.zip", "archive.nested", "undetermined"),
];

#[test]
fn hostile_fixtures_give_named_findings_and_leave_input_untouched() {
    for (name, code, verdict) in HOSTILE {
        let w = Workdir::new();
        let path = fixture(name);
        let before = (digest(&path), std::fs::metadata(&path).unwrap().modified().unwrap());
        let run = w.verify(&path, &[]);
        assert!(run.codes().iter().any(|c| c == code), "{name}: expected {code}, got {:?}", run.codes());
        assert_eq!(run.verdict(), *verdict, "{name}: {:?}", run.codes());
        assert_eq!(run.code, if *verdict == "not-satisfiable" { 1 } else { 3 }, "{name}");
        assert_eq!(
            before,
            (digest(&path), std::fs::metadata(&path).unwrap().modified().unwrap()),
            "{name} modified"
        );
        // Nothing written but the report folder.
        let written: Vec<_> = std::fs::read_dir(w.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(written, vec![std::ffi::OsString::from("out")], "{name}");
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
    }
}

#[test]
fn unsafe_entries_are_listed_but_not_read() {
    let w = Workdir::new();
    let run = w.verify(&fixture("unsafe-path-traversal.zip"), &[]);
    let files = run.report()["files"].as_array().unwrap();
    let evil = files.iter().find(|f| f["path"] == "../evil.txt").expect("listed with its normalised path");
    assert_eq!(evil["status"], "not-read");
    assert!(evil["digests"].get("sha256").is_none());
    let ok = files.iter().find(|f| f["path"] == "ok.csv").unwrap();
    assert_eq!(ok["status"], "read");
}

#[test]
fn duplicate_zip_names_are_named() {
    let w = Workdir::new();
    let run = w.verify(&fixture("unsafe-duplicate-names.zip"), &[]);
    let dups = run.findings("archive.duplicate-name");
    assert_eq!(dups.len(), 1, "{:?}", run.codes());
    assert_eq!(dups[0]["path"], "a.csv");
}

#[test]
fn the_bomb_is_refused_before_decompression() {
    let w = Workdir::new();
    let run = w.verify(&fixture("unsafe-bomb.zip"), &[]);
    // 512 MiB declared; nothing of it read.
    assert!(run.report()["archive"]["bytes_read"].as_u64().unwrap() < 1 << 20);
    let f = &run.findings("archive.ratio-exceeded")[0];
    assert_eq!(f["path"], "bomb.csv");
}

#[test]
fn a_lower_ratio_limit_stops_an_ordinary_file() {
    let w = Workdir::new();
    let zip = w.demo(&[]);
    let run = w.verify(&zip, &["--max-ratio", "2"]);
    // Ratio is only checked above 16 MiB: a small export passes whatever the ratio.
    assert!(run.findings("archive.ratio-exceeded").is_empty());
    let run = w.verify(&zip, &["--max-total-size", "1000"]);
    let stop = run.findings("archive.total-size-exceeded");
    assert_eq!(stop.len(), 1);
    assert_eq!(stop[0]["attribution"], "tool");
    // reversa stopped reading: nothing it did not read is blamed on the vendor.
    assert_eq!(run.verdict(), "undetermined", "{:?}", run.codes());
    let safety =
        run.report()["checks"].as_array().unwrap().iter().find(|c| c["id"] == "safety").unwrap().clone();
    assert_eq!(safety["status"], "unverifiable");
    for c in run.report()["clauses"].as_array().unwrap() {
        assert_ne!(c["verdict"], "violated", "{c}");
    }
}

#[test]
fn every_container_kind_reads_the_same_files() {
    let w = Workdir::new();
    let mut inventories = Vec::new();
    for container in ["zip", "tar", "tar-gz", "folder"] {
        let wd = Workdir::new();
        let path = wd.demo(&["--container", container]);
        let run = wd.verify(&path, &[]);
        assert_eq!(run.verdict(), "satisfiable", "{container}: {:?}", run.codes());
        assert_eq!(run.report()["archive"]["container"], container);
        let mut files: Vec<(String, String)> = run.report()["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["digests"]["sha256"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        files.sort();
        inventories.push(files);
    }
    drop(w);
    assert!(inventories.windows(2).all(|p| p[0] == p[1]), "same files and digests in every container");
}

#[test]
fn unreadable_input_exits_2() {
    let w = Workdir::new();
    let run = w.run(&["verify", "does-not-exist.zip", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does-not-exist.zip"));
    std::fs::write(w.path().join("notes.txt"), "not an archive").unwrap();
    let run = w.run(&["verify", "notes.txt", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert!(run.report.is_none(), "no report for an input that could not be read");
}

#[test]
fn out_inside_a_folder_export_is_refused() {
    let w = Workdir::new();
    let folder = w.demo(&["--container", "folder"]);
    let inside = folder.join("rapport");
    let run = w.run(&["verify", folder.to_str().unwrap(), "--out", inside.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(!inside.exists());
}
