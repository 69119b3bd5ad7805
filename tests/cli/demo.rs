//! `reversa demo`: writes a sample export, verifies it, and is deterministic.

use crate::workdir::Workdir;

#[test]
fn demo_writes_and_verifies_a_clean_export() {
    let w = Workdir::new();
    let run = w.run(&["demo", "--records", "300", "--quiet"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("SATISFAISABLE"), "{}", run.stdout);
    let report = w.path().join("reversa-demo/report/report.json");
    assert!(report.exists(), "{}", run.stdout);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(v["verdict"], "satisfiable");
    assert_eq!(v["manifest"]["kind"], "reversa");
    let counts = v["manifest"]["record_counts"].as_object().unwrap();
    for ds in [
        "actes",
        "mentions",
        "pieces",
        "foyers",
        "personnes",
        "demandes",
        "decisions",
        "paiements",
        "electeurs",
        "bureaux",
        "mouvements",
    ] {
        assert!(counts.get(ds).and_then(|c| c.as_u64()).unwrap_or(0) > 0, "dataset {ds} in {counts:?}");
    }
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let a = Workdir::new();
    let b = Workdir::new();
    let pa = a.demo(&["--seed", "9"]);
    let pb = b.demo(&["--seed", "9"]);
    assert_eq!(std::fs::read(&pa).unwrap(), std::fs::read(&pb).unwrap());
    let c = Workdir::new();
    let pc = c.demo(&["--seed", "10"]);
    assert_ne!(std::fs::read(&pa).unwrap(), std::fs::read(&pc).unwrap());
}

#[test]
fn an_unknown_defect_is_a_usage_error() {
    let w = Workdir::new();
    let run = w.run(&["demo", "--defect", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("digest-mismatch"), "lists the known defects: {}", run.stderr);
}

#[test]
fn demo_verification_reports_injected_defects_with_exit_1() {
    let w = Workdir::new();
    let run = w.run(&["demo", "--records", "150", "--defect", "missing-file", "--quiet", "--lang", "en"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("fixity.missing-file"));
}
