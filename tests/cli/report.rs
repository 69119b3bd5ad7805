//! The JSON report: valid against its schema, stable, and the terminal summary in both languages.

use crate::workdir::{Workdir, fixture};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/report.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the report schema compiles")
}

#[test]
fn every_fixture_report_validates_against_the_schema() {
    let validator = schema();
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "make.rs")
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let w = Workdir::new();
        let run = w.verify(&fixture(&name), &[]);
        let errors: Vec<String> =
            validator.iter_errors(run.report()).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn the_schema_rejects_a_report_missing_its_verdict() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean.zip"), &[]);
    let mut report = run.report().clone();
    report.as_object_mut().unwrap().remove("verdict");
    assert!(!schema().is_valid(&report));
}

#[test]
fn two_runs_give_identical_reports_with_source_date_epoch() {
    let w = Workdir::new();
    let a = w.verify(&fixture("clean.zip"), &[]).report.unwrap();
    let b = w.verify(&fixture("clean.zip"), &[]).report.unwrap();
    assert_eq!(a, b);
    assert_eq!(a["generated_at"], "2026-01-01T00:00:00Z");
}

#[test]
fn the_report_names_the_archive_and_the_tool() {
    let w = Workdir::new();
    let path = fixture("clean.zip");
    let run = w.verify(&path, &[]);
    let r = run.report();
    assert_eq!(r["tool"]["name"], "reversa");
    assert_eq!(r["tool"]["version"], env!("CARGO_PKG_VERSION"));
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap()));
    assert_eq!(r["archive"]["sha256"], expected.as_str());
    assert_eq!(r["archive"]["size"], std::fs::metadata(&path).unwrap().len());
    assert_eq!(r["archive"]["digest_kind"], "file");
    let csv =
        r["files"].as_array().unwrap().iter().find(|f| f["path"] == "donnees/actes.csv").unwrap().clone();
    assert_eq!(csv["format"]["puid"], "x-fmt/18");
    assert_eq!(csv["format"]["openness"], "open");
    assert_eq!(csv["encoding"], "utf-8");
    let pdf = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(".pdf"))
        .unwrap()
        .clone();
    assert_eq!(pdf["format"]["puid"], "fmt/354", "the demo's scans are PDF/A-1b");
}

#[test]
fn folder_exports_get_a_tree_digest() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean-bagit"), &[]);
    assert_eq!(run.report()["archive"]["digest_kind"], "tree");
    assert_eq!(run.report()["archive"]["container"], "folder");
}

#[test]
fn summary_is_french_by_default_and_english_on_request() {
    let w = Workdir::new();
    let fr = w.verify(&fixture("defect-digest-mismatch.zip"), &[]);
    assert!(fr.stdout.contains("NON SATISFAISABLE"), "{}", fr.stdout);
    assert!(fr.stdout.contains("fixity.digest-mismatch"));
    assert!(fr.stdout.contains("donnees/bureaux.csv"));
    assert!(fr.stdout.contains("report.json"));
    let en = w.verify(&fixture("defect-digest-mismatch.zip"), &["--lang", "en"]);
    assert!(en.stdout.contains("NOT SATISFIABLE"), "{}", en.stdout);
    assert_eq!(en.report()["lang"], "en");
}

#[test]
fn format_json_prints_the_report_on_stdout() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean.zip"), &["--format", "json"]);
    let printed: Value = serde_json::from_str(&run.stdout).expect("stdout is the JSON report");
    assert_eq!(&printed, run.report());
}

#[test]
fn no_temporary_file_is_left_beside_the_report() {
    let w = Workdir::new();
    w.verify(&fixture("clean.zip"), &[]);
    let mut names: Vec<String> = std::fs::read_dir(w.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["report.html", "report.json"]);
}

#[test]
fn inventory_lists_files_as_json_and_text() {
    let w = Workdir::new();
    let run = w.run(&["inventory", fixture("clean.zip").to_str().unwrap(), "--format", "json", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "donnees/electeurs.csv" && f["size"].as_u64().unwrap() > 0));
    assert!(files.iter().all(|f| f["digests"]["sha256"].is_string()));
    let run = w.run(&["inventory", fixture("clean.zip").to_str().unwrap(), "--quiet"]);
    assert!(
        run.stdout.contains("donnees/electeurs.csv") && run.stdout.contains("x-fmt/18"),
        "{}",
        run.stdout
    );
    assert!(!w.path().join("out").exists(), "inventory writes nothing");
}

/// SIGINT, SIGTERM or SIGKILL at any moment: either the run finished (report.json there, marker
/// gone) or the folder says it was interrupted (marker there, no report.json).
#[test]
fn a_run_killed_midway_leaves_no_report() {
    let w = Workdir::new();
    let zip = {
        let run = w.run(&["demo", "--out", "big", "--records", "100000", "--no-verify", "--quiet"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        w.path().join("big/export-38185-42.zip")
    };
    let bin = assert_cmd::cargo::cargo_bin("reversa");
    let mut killed_midway = 0;
    for signal in ["INT", "TERM", "KILL"] {
        for delay_ms in [10u64, 60, 150] {
            let out = w.path().join(format!("out-{signal}-{delay_ms}"));
            // An earlier run's report in the folder must not survive as this run's.
            std::fs::create_dir_all(&out).unwrap();
            std::fs::write(out.join("report.json"), "{\"stale\": true}").unwrap();
            let mut child = std::process::Command::new(&bin)
                .args(["verify", zip.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let finished = child.try_wait().unwrap().is_some();
            let sent = std::process::Command::new("kill")
                .args([format!("-{signal}"), child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success() || finished);
            let status = child.wait().unwrap();
            let (report, marker) = (out.join("report.json"), out.join("reversa.running"));
            for e in std::fs::read_dir(&out).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(
                    ["report.json", "report.html", "reversa.running"].contains(&name.as_str())
                        || name.starts_with(".reversa-"),
                    "unexpected {name}"
                );
            }
            if status.success() || status.code().is_some() {
                // Ran to the end (the signal came too late).
                assert!(report.exists() && !marker.exists(), "{signal} {delay_ms}: {status:?}");
            } else if report.exists() {
                // Killed after the last rename: the report is complete and valid JSON.
                let text = std::fs::read_to_string(&report).unwrap();
                let v: serde_json::Value = serde_json::from_str(&text).expect("a complete report");
                // Or killed before the run touched the folder: the earlier report is still whole.
                assert!(
                    v.get("stale").is_none() || !marker.exists(),
                    "{signal} {delay_ms}: the old report survived the start of a run"
                );
            } else {
                assert!(marker.exists(), "{signal} {delay_ms}: interrupted, and no marker says so");
                killed_midway += 1;
            }
        }
    }
    assert!(killed_midway > 0, "no run was interrupted before its report: the export is too small");
}

#[test]
fn two_runs_write_the_same_reports() {
    let w = Workdir::new();
    let export = w.demo(&["--defect", "invalid-date", "--defect", "acte-gap"]);
    w.verify(&export, &[]);
    let (json1, html1) = (
        std::fs::read(w.path().join("out/report.json")).unwrap(),
        std::fs::read(w.path().join("out/report.html")).unwrap(),
    );
    w.verify(&export, &[]);
    assert!(
        json1 == std::fs::read(w.path().join("out/report.json")).unwrap(),
        "report.json differs between runs"
    );
    assert!(
        html1 == std::fs::read(w.path().join("out/report.html")).unwrap(),
        "report.html differs between runs"
    );
}

#[test]
fn junit_has_one_case_per_clause_and_per_check() {
    let w = Workdir::new();
    let export = w.demo(&["--defect", "missing-scan"]);
    let junit = w.path().join("ci/junit.xml");
    std::fs::create_dir_all(junit.parent().unwrap()).unwrap();
    let run = w.verify(&export, &["--junit", junit.to_str().unwrap()]);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let clauses = run.report()["clauses"].as_array().unwrap().len();
    let checks = run.report()["checks"].as_array().unwrap().len();
    assert_eq!(xml.matches("<testcase ").count(), clauses + checks);
    assert!(xml.starts_with("<?xml"));
    // missing-scan: the cross-records check fails, and so does its default clause.
    assert!(xml.contains("name=\"cross-records\"><failure"), "{xml}");
    assert!(xml.contains("DEFAUT-COHERENCE"));
    assert_eq!(xml.matches("<failure").count(), 2, "{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit XML is well-formed: {e}"),
        }
    }
}

#[test]
fn report_check_tells_whether_a_report_belongs_to_an_archive() {
    let w = Workdir::new();
    for container in ["zip", "folder"] {
        let export = w.demo(&["--container", container]);
        w.verify(&export, &[]);
        let report = w.path().join(format!("report-{container}.json"));
        std::fs::copy(w.path().join("out/report.json"), &report).unwrap();
        let ok = w.run(&["report", "check", report.to_str().unwrap(), export.to_str().unwrap()]);
        assert_eq!(ok.code, 0, "{container}: {}{}", ok.stdout, ok.stderr);
        assert!(ok.stdout.contains("belongs"));
        // Another archive: the digests differ.
        let other = w.path().join(format!("other-{container}"));
        if container == "zip" {
            let mut bytes = std::fs::read(&export).unwrap();
            bytes.extend_from_slice(b"x");
            std::fs::write(&other, bytes).unwrap();
        } else {
            std::fs::create_dir_all(&other).unwrap();
            std::fs::write(other.join("a.txt"), "a").unwrap();
        }
        let bad = w.run(&["report", "check", report.to_str().unwrap(), other.to_str().unwrap()]);
        assert_eq!(bad.code, 1, "{container}: {}", bad.stdout);
        assert!(bad.stdout.contains("differs"));
        std::fs::remove_dir_all(w.path().join("demo")).ok();
    }
}

#[test]
fn the_summary_points_to_both_reports_without_colour_in_a_pipe() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean.zip"), &[]);
    assert!(!run.stdout.contains('\x1b'), "no ANSI colour when stdout is not a terminal");
    assert!(run.stdout.contains("report.html") && run.stdout.contains("report.json"), "{}", run.stdout);
    assert!(run.stdout.lines().count() < 45, "the summary stays short:\n{}", run.stdout);
}
