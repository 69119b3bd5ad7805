//! Manifests: clean packages verify; each defect is found where it is.

use crate::workdir::{Workdir, fixture};

#[test]
fn clean_fixtures_are_satisfiable() {
    for (name, kind) in [
        ("clean.zip", "reversa"),
        ("clean.tar.gz", "reversa"),
        ("clean-bagit", "bagit"),
        ("clean-bagit.tar", "bagit"),
        ("seda-2.1.zip", "seda"),
    ] {
        let w = Workdir::new();
        let run = w.verify(&fixture(name), &[]);
        assert_eq!(run.verdict(), "satisfiable", "{name}: {:?}", run.codes());
        assert_eq!(run.code, 0);
        let m = &run.report()["manifest"];
        assert_eq!(m["kind"], kind, "{name}");
        assert_eq!(m["status"], "valid", "{name}");
        assert!(m["declared_files"].as_u64().unwrap() > 10, "{name}");
    }
}

#[test]
fn bagit_digests_are_checked_with_every_manifest_algorithm() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean-bagit"), &[]);
    let algs = run.report()["manifest"]["algorithms"].as_array().unwrap().clone();
    assert!(algs.contains(&"sha512".into()) && algs.contains(&"sha256".into()));
    let data = run.report()["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().starts_with("data/"))
        .unwrap()
        .clone();
    assert!(data["digests"]["sha512"].is_string(), "SHA-512 computed because the bag asks for it");
    assert!(data["digests"].get("md5").is_none(), "MD5 not computed: nobody asked");
    assert!(run.report()["manifest"]["payload_oxum"].is_string());
}

#[test]
fn a_tar_whose_tag_files_come_first_is_read_once() {
    let w = Workdir::new();
    let run = w.verify(&fixture("clean-bagit.tar"), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    // Tags first in the demo's tar: one pass is enough.
    assert_eq!(run.report()["archive"]["passes"], 1);
}

#[test]
fn no_manifest_is_undetermined() {
    let w = Workdir::new();
    let run = w.verify(&fixture("no-manifest.zip"), &[]);
    assert_eq!(run.verdict(), "undetermined");
    assert_eq!(run.code, 3);
    assert_eq!(run.report()["manifest"]["status"], "absent");
    assert_eq!(run.codes(), vec!["manifest.absent"]);
    let fixity =
        run.report()["checks"].as_array().unwrap().iter().find(|c| c["id"] == "fixity").unwrap().clone();
    assert_eq!(fixity["status"], "unverifiable");
}

/// (defect fixture, code, path concerned, verdict)
const DEFECTS: &[(&str, &str, &str, &str)] = &[
    ("defect-digest-mismatch.zip", "fixity.digest-mismatch", "donnees/bureaux.csv", "not-satisfiable"),
    ("defect-missing-file.zip", "fixity.missing-file", "donnees/mouvements.csv", "not-satisfiable"),
    ("defect-unlisted-file.zip", "fixity.unlisted-file", "donnees/notes-internes.txt", "not-satisfiable"),
    (
        "defect-proprietary-format.zip",
        "inventory.proprietary-format",
        "annexes/export-ccas.xls",
        "satisfiable",
    ),
    ("defect-non-utf8-csv.zip", "inventory.not-utf8", "donnees/electeurs.csv", "satisfiable"),
];

#[test]
fn each_defect_fixture_gives_its_finding_at_its_place() {
    for (name, code, path, verdict) in DEFECTS {
        let w = Workdir::new();
        let run = w.verify(&fixture(name), &[]);
        let found = run.findings(code);
        assert_eq!(found.len(), 1, "{name}: {:?}", run.codes());
        assert_eq!(found[0]["path"], *path, "{name}");
        assert_eq!(run.verdict(), *verdict, "{name}: {:?}", run.codes());
        // Only that defect: every other finding is about the same file, but for the records
        // stage noticing that the missing file's dataset is missing, and its declared records
        // not found.
        for f in run.report()["findings"].as_array().unwrap() {
            if f["code"] == "records.dataset-missing" || f["code"] == "completeness.count-mismatch" {
                assert_eq!(*name, "defect-missing-file.zip", "{f}");
                assert_eq!(f["params"]["dataset"], "mouvements");
                continue;
            }
            assert_eq!(f["path"], *path, "{name}: unexpected {f}");
        }
    }
}

#[test]
fn the_same_defects_are_found_in_every_package_kind() {
    for package in ["reversa", "bagit", "seda"] {
        let w = Workdir::new();
        let zip = w.demo(&[
            "--package",
            package,
            "--defect",
            "digest-mismatch",
            "--defect",
            "missing-file",
            "--defect",
            "unlisted-file",
        ]);
        let run = w.verify(&zip, &[]);
        for code in ["fixity.digest-mismatch", "fixity.missing-file", "fixity.unlisted-file"] {
            assert_eq!(run.findings(code).len(), 1, "{package} {code}: {:?}", run.codes());
        }
        assert_eq!(run.verdict(), "not-satisfiable");
        assert_eq!(run.report()["manifest"]["status"], "invalid");
    }
}

#[test]
fn digest_mismatch_names_expected_and_computed_digests() {
    let w = Workdir::new();
    let run = w.verify(&fixture("defect-digest-mismatch.zip"), &["--lang", "en"]);
    let f = &run.findings("fixity.digest-mismatch")[0];
    assert_eq!(f["params"]["algorithm"], "sha256");
    assert_ne!(f["params"]["expected"], f["params"]["actual"]);
    assert_eq!(f["manifest"], "manifest.json");
    assert!(f["message"].as_str().unwrap().contains("digest differs"));
}

#[test]
fn a_tar_with_its_manifest_last_is_read_again_only_for_the_digests_it_asks() {
    // The clean bag, re-packed with data/ first and the tag files last.
    let w = Workdir::new();
    let bag = fixture("clean-bagit");
    let tar_path = w.path().join("late.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&tar_path).unwrap());
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() { walk(&p, out) } else { out.push(p) }
        }
    }
    walk(&bag, &mut paths);
    paths.sort_by_key(|p| (!p.starts_with(bag.join("data")), p.clone()));
    for p in &paths {
        b.append_path_with_name(p, p.strip_prefix(&bag).unwrap()).unwrap();
    }
    b.finish().unwrap();
    drop(b);
    let run = w.verify(&tar_path, &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(run.report()["archive"]["passes"], 2, "sha512 was asked after the payload went by");
    let data = run.report()["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "data/donnees/actes.csv")
        .unwrap()
        .clone();
    assert!(data["digests"]["sha512"].is_string());
}
