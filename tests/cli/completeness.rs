//! Completeness, fingerprints and diff through the binary: counts files pass, fail and
//! tolerate; vendor-declared counts are checked; fingerprints stay the same across row order,
//! file split and format and change with one field; `verify --counts` takes a fingerprint file;
//! `reversa diff` finds known missing, added and changed records.

use crate::workdir::Workdir;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A folder export made of the demo's CSV files (reversa-v1 layout), to edit.
fn demo_folder(w: &Workdir, name: &str) -> PathBuf {
    let export = w.demo(&["--container", "folder", "--package", "bare"]);
    let dir = w.path().join(name);
    std::fs::rename(&export, &dir).unwrap();
    dir
}

fn csv_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn fingerprint(w: &Workdir, path: &Path) -> Value {
    let run = w.run(&["fingerprint", path.to_str().unwrap(), "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn dataset_fp<'a>(fp: &'a Value, name: &str) -> &'a Value {
    fp["datasets"].as_array().unwrap().iter().find(|d| d["name"] == name).unwrap()
}

fn entries<'a>(run: &'a crate::workdir::Run, kind: &str) -> Vec<&'a Value> {
    run.report()["completeness"].as_array().unwrap().iter().filter(|e| e["kind"] == kind).collect()
}

#[test]
fn the_manifest_declared_counts_are_checked_as_vendor_declared() {
    let w = Workdir::new();
    let run = w.verify(&w.demo(&[]), &[]);
    let counts = entries(&run, "count");
    assert_eq!(counts.len(), 11, "one per dataset of manifest.json");
    assert!(
        counts
            .iter()
            .all(|e| e["declared_by"] == "vendor" && e["status"] == "pass" && e["source"] == "manifest.json")
    );
    // A dataset the manifest declares but the export lacks: a vendor-declared shortfall.
    let short = w.verify(&w.demo(&["--defect", "missing-file"]), &[]);
    let f = short.findings("completeness.count-mismatch");
    assert_eq!(f.len(), 1, "{:?}", short.codes());
    assert_eq!(
        (f[0]["params"]["dataset"].as_str(), f[0]["params"]["found"].as_str()),
        (Some("mouvements"), Some("0"))
    );
    std::fs::remove_dir_all(w.path().join("demo")).unwrap();
    let bag = w.verify(&w.demo(&["--package", "bagit"]), &[]);
    let files = entries(&bag, "files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["source"], "bag-info.txt Payload-Oxum");
    assert_eq!(files[0]["status"], "pass");
}

#[test]
fn counts_pass_fail_and_tolerance() {
    let w = Workdir::new();
    let export = w.demo(&[]);
    // What the export holds, per group (from a first run).
    let first = w.verify(&export, &[]);
    let actes =
        first.report()["datasets"].as_array().unwrap().iter().find(|d| d["name"] == "actes").unwrap().clone();
    let g = actes["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["count"].as_u64().unwrap() >= 2)
        .unwrap()
        .clone();
    let (year, kind) = g["group"].as_str().unwrap().split_once(" / ").unwrap();
    let n = g["count"].as_u64().unwrap();
    let counts = w.path().join("comptages.toml");
    let write = |expected: u64, tolerance: &str| {
        std::fs::write(
            &counts,
            format!(
                "reversa_counts = \"1\"\n[[count]]\ndataset = \"actes\"\nby = [\"annee\", \"type_acte\"]\ngroup = [\"{year}\", \"{kind}\"]\nexpected = {expected}\n{tolerance}source = \"registre {year}\"\n\n[[count]]\ndataset = \"electeurs\"\nexpected = {}\nsource = \"ELIRE, 1er mars 2026\"\n",
                dataset_total(&first, "electeurs")
            ),
        )
        .unwrap();
    };
    write(n, "");
    let ok = w.verify(&export, &["--counts", counts.to_str().unwrap()]);
    assert_eq!(ok.verdict(), "satisfiable", "{:?}", ok.codes());
    let commune: Vec<&Value> =
        entries(&ok, "count").into_iter().filter(|e| e["declared_by"] == "commune").collect();
    assert_eq!(commune.len(), 2);
    assert!(commune.iter().all(|e| e["status"] == "pass"));
    assert_eq!(commune[0]["group"], format!("{year} / {kind}"));
    assert!(ok.report()["reproducibility"]["counts"]["sha256"].as_str().unwrap().len() == 64);
    // Groups the file does not list are reported.
    assert_eq!(ok.findings("completeness.unexpected-group").len(), 1);

    write(n + 2, "");
    let short = w.verify(&export, &["--counts", counts.to_str().unwrap()]);
    assert_eq!(short.code, 1);
    assert_eq!(short.verdict(), "not-satisfiable");
    let f = short.findings("completeness.count-mismatch");
    assert_eq!(f.len(), 1, "{:?}", short.codes());
    let e = entries(&short, "count").into_iter().find(|e| e["status"] == "fail").unwrap().clone();
    assert_eq!(
        (e["expected"].as_u64(), e["found"].as_u64(), e["delta"].as_i64()),
        (Some(n + 2), Some(n), Some(-2))
    );
    assert!(e["percentage"].as_f64().unwrap() < 0.0);

    write(n + 2, "tolerance = 2\n");
    assert_eq!(w.verify(&export, &["--counts", counts.to_str().unwrap()]).verdict(), "satisfiable");
    write(n + 2, "tolerance = 1\n");
    assert_eq!(w.verify(&export, &["--counts", counts.to_str().unwrap()]).verdict(), "not-satisfiable");
}

fn dataset_total(run: &crate::workdir::Run, name: &str) -> u64 {
    run.report()["datasets"].as_array().unwrap().iter().find(|d| d["name"] == name).unwrap()["records"]
        .as_u64()
        .unwrap()
}

#[test]
fn totals_periods_and_csv_counts() {
    let w = Workdir::new();
    let export = w.demo(&[]);
    let counts = w.path().join("comptages.csv");
    std::fs::write(
        &counts,
        "kind;dataset;by;group;field;expected;tolerance;source\ntotal;paiements;;;montant;1.00;;compte administratif\nperiod;actes;;;;1990-2025;;registres\n",
    )
    .unwrap();
    let run = w.verify(&export, &["--counts", counts.to_str().unwrap()]);
    assert_eq!(run.verdict(), "not-satisfiable");
    let total = &entries(&run, "total")[0];
    assert_eq!(total["status"], "fail");
    assert_eq!(total["field"], "montant");
    let found = total["found"].as_str().unwrap().to_string();
    // The demo's acts start in 2000: 1990–1999 are missing.
    let period = &entries(&run, "period")[0];
    assert_eq!(period["status"], "fail");
    let gap = &run.findings("completeness.period-gap")[0];
    assert_eq!(gap["params"]["count"], "10");
    // With the right total and period, it passes.
    std::fs::write(
        &counts,
        format!("kind;dataset;by;group;field;expected;tolerance;source\ntotal;paiements;;;montant;{found};;CA\nperiod;actes;;;;2000-2025;;registres\n"),
    )
    .unwrap();
    let ok = w.verify(&export, &["--counts", counts.to_str().unwrap()]);
    assert_eq!(ok.verdict(), "satisfiable", "{:?}", ok.codes());
}

#[test]
fn fingerprints_ignore_order_split_and_format_but_not_a_changed_field() {
    let w = Workdir::new();
    let base = demo_folder(&w, "base");
    let fp = fingerprint(&w, &base);
    let reference = dataset_fp(&fp, "electeurs")["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(reference.len(), 64);
    let electeurs = base.join("donnees/electeurs.csv");
    let lines = csv_lines(&electeurs);

    // Rows in another order.
    let mut reordered = vec![lines[0].clone()];
    reordered.extend(lines[1..].iter().rev().cloned());
    write_lines(&electeurs, &reordered);
    assert_eq!(dataset_fp(&fingerprint(&w, &base), "electeurs")["fingerprint"], reference.as_str());

    // Split into two files in two folders.
    let half = lines.len() / 2;
    write_lines(&electeurs, &lines[..half]);
    std::fs::create_dir_all(base.join("suite")).unwrap();
    let mut rest = vec![lines[0].clone()];
    rest.extend(lines[half..].iter().cloned());
    write_lines(&base.join("suite/electeurs.csv"), &rest);
    let split = fingerprint(&w, &base);
    assert_eq!(dataset_fp(&split, "electeurs")["fingerprint"], reference.as_str());
    assert_eq!(dataset_fp(&split, "electeurs")["count"], (lines.len() - 1) as u64);
    std::fs::remove_file(base.join("suite/electeurs.csv")).unwrap();

    // One field changed in one record.
    let mut changed = lines.clone();
    changed[3] =
        changed[3].replacen(",M,", ",F,", 1).replacen(",F,", ",M,", usize::from(!lines[3].contains(",M,")));
    assert_ne!(changed[3], lines[3]);
    write_lines(&electeurs, &changed);
    assert_ne!(dataset_fp(&fingerprint(&w, &base), "electeurs")["fingerprint"], reference.as_str());
    write_lines(&electeurs, &lines);
    assert_eq!(dataset_fp(&fingerprint(&w, &base), "electeurs")["fingerprint"], reference.as_str());
}

#[test]
fn a_csv_and_an_xlsx_of_the_same_records_have_one_fingerprint() {
    let w = Workdir::new();
    let rows: &[&[&str]] = &[
        &["code_bureau", "libelle", "code_commune"],
        &["0001", "Mairie", "38185"],
        &["0002", "École Jean-Jaurès", "38185"],
    ];
    let a = w.path().join("csv");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(
        a.join("bureaux.csv"),
        "code_bureau;libelle;code_commune\n0002;École Jean-Jaurès;38185\n0001;Mairie;38185\n",
    )
    .unwrap();
    let b = w.path().join("xlsx");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("bureaux.xlsx"), crate::records::xlsx("bureaux", rows)).unwrap();
    let (fa, fb) = (fingerprint(&w, &a), fingerprint(&w, &b));
    assert_eq!(dataset_fp(&fa, "bureaux")["fingerprint"], dataset_fp(&fb, "bureaux")["fingerprint"]);
    assert_eq!(dataset_fp(&fa, "bureaux")["count"], 2);
}

#[test]
fn verify_takes_a_fingerprint_file_as_counts() {
    let w = Workdir::new();
    let base = demo_folder(&w, "source");
    let file = w.path().join("empreinte.json");
    let run = w.run(&["fingerprint", base.to_str().unwrap(), "-q", "-o", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let same = w.verify(&base, &["--counts", file.to_str().unwrap()]);
    assert!(entries(&same, "fingerprint").iter().all(|e| e["status"] == "pass"));
    assert!(!entries(&same, "fingerprint").is_empty());
    assert!(same.findings("completeness.fingerprint-mismatch").is_empty(), "{:?}", same.codes());
    // One field changed on the vendor's side: same counts, different records.
    let foyers = base.join("donnees/foyers.csv");
    let mut lines = csv_lines(&foyers);
    lines[1] = lines[1].replacen("Grenoble", "Grenoblé", 1);
    write_lines(&foyers, &lines);
    let changed = w.verify(&base, &["--counts", file.to_str().unwrap()]);
    assert_eq!(changed.verdict(), "not-satisfiable");
    let f = changed.findings("completeness.fingerprint-mismatch");
    assert!(f.iter().any(|f| f["params"]["dataset"] == "foyers"), "{:?}", changed.codes());
    assert!(changed.findings("completeness.count-mismatch").is_empty());
}

#[test]
fn diff_finds_known_missing_added_and_changed_records() {
    let w = Workdir::new();
    let old = demo_folder(&w, "old");
    let new = w.path().join("new");
    std::fs::create_dir_all(new.join("donnees")).unwrap();
    for e in std::fs::read_dir(old.join("donnees")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), new.join("donnees").join(e.file_name())).unwrap();
    }
    let path = new.join("donnees/electeurs.csv");
    let lines = csv_lines(&path);
    let mut edited: Vec<String> = vec![lines[0].clone()];
    for (i, l) in lines.iter().enumerate().skip(1) {
        match i {
            2..=4 => continue, // 3 records missing from NEW
            5 => {
                // One changed: its usage name (column 4) and street number (column 12).
                let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                cells[3] = "Nouveau".into();
                cells[11] = "999".into();
                edited.push(cells.join(","));
            }
            _ => edited.push(l.clone()),
        }
    }
    for k in 0..2 {
        // 2 records added, with new ids.
        let cells: Vec<&str> = lines[1].split(',').collect();
        let id = format!("EL-9000000{k}");
        edited.push(
            std::iter::once(id.as_str()).chain(cells[1..].iter().copied()).collect::<Vec<_>>().join(","),
        );
    }
    write_lines(&path, &edited);
    let run = w.run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "-q", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let d = v["datasets"].as_array().unwrap().iter().find(|d| d["name"] == "electeurs").unwrap();
    assert_eq!(
        (d["missing"].as_u64(), d["added"].as_u64(), d["changed"].as_u64()),
        (Some(3), Some(2), Some(1)),
        "{d:#}"
    );
    assert_eq!(d["matched"].as_u64().unwrap(), (lines.len() - 1 - 3) as u64);
    assert_eq!(d["fields_changed"], serde_json::json!({"nom_usage": 1, "numero_voie": 1}));
    assert_eq!(d["missing_rows"], serde_json::json!([3, 4, 5]));
    let others = v["datasets"].as_array().unwrap().iter().filter(|d| d["name"] != "electeurs");
    for o in others {
        assert_eq!(
            (o["missing"].as_u64(), o["added"].as_u64(), o["changed"].as_u64()),
            (Some(0), Some(0), Some(0)),
            "{o}"
        );
    }
    // No value in the output: the changed usage name does not appear.
    assert!(!run.stdout.contains("Nouveau"));
    let same = w.run(&["diff", old.to_str().unwrap(), old.to_str().unwrap(), "-q"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("{}/schemas/{name}.schema.json", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn fingerprint_diff_and_counts_files_follow_their_schemas() {
    let w = Workdir::new();
    let export = w.demo(&[]);
    assert_valid(&validator("fingerprint"), &fingerprint(&w, &export), "fingerprint");
    let made =
        w.run(&["demo", "--out", "demo7", "--records", "150", "--seed", "7", "--no-verify", "--quiet"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let other = w.path().join("demo7/export-38185-7.zip");
    let run = w.run(&["diff", export.to_str().unwrap(), other.to_str().unwrap(), "-q", "--format", "json"]);
    let diff: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid(&validator("diff"), &diff, "diff");
    // The counts schema's own example is a file the reader takes.
    let counts = validator("counts");
    let text = std::fs::read_to_string(format!("{}/schemas/counts.schema.json", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let example = &schema["examples"][0];
    assert_valid(&counts, example, "counts example");
    let toml_text = toml::to_string(example).unwrap();
    let file = w.path().join("example.toml");
    std::fs::write(&file, toml_text).unwrap();
    let run = w.verify(&export, &["--counts", file.to_str().unwrap()]);
    assert_eq!(run.report()["reproducibility"]["counts"]["form"], "toml");
    assert!(!entries(&run, "period").is_empty());
}

/// A counts file grouping by a free-text field would put names in the report as group labels
/// (and an unexpected group is listed): refused, unless the values are asked for.
#[test]
fn grouping_by_a_personal_field_is_refused_unless_values_are_revealed() {
    let w = Workdir::new();
    let export = w.demo(&[]);
    let counts = |by: &str| {
        let path = w.path().join("counts.toml");
        std::fs::write(
            &path,
            format!(
                "reversa_counts = \"1\"\n[[count]]\ndataset = \"personnes\"\nby = [\"{by}\"]\ngroup = [\"{}\"]\nexpected = 1\nsource = \"registre\"\n",
                // A group by year names a year (anything else is refused as the file's mistake).
                if by.starts_with("year(") { "1990" } else { "X" }
            ),
        )
        .unwrap();
        path
    };
    let run = |by: &str, extra: &[&str]| {
        let c = counts(by);
        let mut args = vec![
            "verify",
            export.to_str().unwrap(),
            "--out",
            "out",
            "--quiet",
            "--counts",
            c.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        w.run(&args)
    };
    let refused = run("nom", &[]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("valeurs personnelles")
            && refused.stderr.contains("lien")
            && refused.stderr.contains("input.personal-grouping"),
        "{}",
        refused.stderr
    );
    assert_eq!(run("nomx", &[]).code, 2, "an unknown field");
    // Coded fields and years are fine; the explicit request too.
    for (by, extra) in [
        ("lien", &[][..]),
        ("sexe", &[][..]),
        ("year(date_naissance)", &[][..]),
        ("nom", &["--reveal-values"][..]),
    ] {
        let r = run(by, extra);
        assert!([0, 1, 3].contains(&r.code), "{by}: {}", r.stderr);
    }
}

/// Each side of a diff is read with its own profile: the same export is identical to itself
/// with the same profile on both sides, and reads as empty on a side whose profile maps none
/// of its files.
#[test]
fn diff_reads_each_side_with_its_own_profile() {
    let w = Workdir::new();
    let export = demo_folder(&w, "export");
    let e = export.to_str().unwrap();
    let same = w.run(&[
        "diff",
        e,
        e,
        "--profile-old",
        "reversa-v1",
        "--profile-new",
        "reversa-v1",
        "--format",
        "json",
    ]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    let other = w.run(&[
        "diff",
        e,
        e,
        "--profile-old",
        "reversa-v1",
        "--profile-new",
        "e-listelec",
        "--format",
        "json",
    ]);
    assert_eq!(other.code, 1, "{}", other.stderr);
    let d: Value = serde_json::from_str(&other.stdout).unwrap();
    let actes = d["datasets"].as_array().unwrap().iter().find(|x| x["name"] == "actes").unwrap();
    assert!(actes["old"].as_u64().unwrap() > 0, "{actes}");
    assert_eq!(actes["new"], 0, "e-listelec maps no acte file");
    assert_eq!(actes["missing"], actes["old"]);
    assert_eq!(w.run(&["diff", e, e, "--profile-new", "nope"]).code, 2);
}
