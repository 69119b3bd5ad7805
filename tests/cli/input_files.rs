//! The commune's own files — counts (`--counts`), clauses (`--contract`), profile (`--profile`) —
//! refused up front: a mistake in them is not the vendor's fault, so it must never become a
//! failed check or a violated clause. Each wrong file gives exit 2, no report (the output folder
//! is not even touched), and a message naming the file, the line, the `input.*` code and the near
//! name meant.

use crate::workdir::{Run, Workdir, fixture};

/// Runs `verify clean.zip --out out FLAG FILE` with `text` written to `name`, and checks the
/// refusal: exit 2, no output folder, the file named.
fn refused(w: &Workdir, flag: &str, name: &str, text: &str, extra: &[&str]) -> Run {
    let file = w.path().join(name);
    std::fs::write(&file, text).unwrap();
    let export = fixture("clean.zip");
    let mut args = vec!["verify", export.to_str().unwrap(), "--out", "out", "--quiet", flag, name];
    args.extend_from_slice(extra);
    let run = w.run(&args);
    assert_eq!(run.code, 2, "{name} is refused:\n{}\n{}", run.stderr, run.stdout);
    assert!(run.report.is_none(), "{name}: no report");
    assert!(!w.path().join("out").exists(), "{name}: the output folder is not touched");
    assert!(run.stderr.contains(name), "{name} named: {}", run.stderr);
    assert!(run.stderr.contains("aucun rapport écrit") || run.stderr.contains("no report written"));
    run
}

/// The message holds `FILE:LINE…`, the code and the suggestion.
fn says(run: &Run, place: &str, code: &str, suggestion: Option<&str>) {
    assert!(run.stderr.contains(place), "{place} in {}", run.stderr);
    assert!(run.stderr.contains(&format!("[{code}]")), "{code} in {}", run.stderr);
    if let Some(s) = suggestion {
        assert!(run.stderr.contains(&format!("vouliez-vous dire « {s} » ?")), "« {s} » in {}", run.stderr);
    }
}

const COUNT: &str = "reversa_counts = \"1\"\n[[count]]\n";

#[test]
fn a_counts_file_with_a_wrong_name_is_refused_with_the_near_name() {
    let w = Workdir::new();
    let run = refused(
        &w,
        "--counts",
        "c.toml",
        &format!("{COUNT}dataset = \"acte\"\nexpected = 3\nsource = \"registre\"\n"),
        &[],
    );
    says(&run, "c.toml:3:11", "input.unknown-name", Some("actes"));
    let run = refused(
        &w,
        "--counts",
        "g.toml",
        &format!(
            "{COUNT}dataset = \"actes\"\nby = [\"anne\", \"type_acte\"]\ngroup = [\"2023\", \"naissance\"]\nexpected = 3\nsource = \"registre\"\n"
        ),
        &[],
    );
    says(&run, "g.toml:4:7", "input.unknown-name", Some("annee"));
    let run = refused(
        &w,
        "--counts",
        "t.toml",
        "reversa_counts = \"1\"\n[[total]]\ndataset = \"paiements\"\nfield = \"montan\"\nexpected = \"12.50\"\nsource = \"CA 2024\"\n",
        &[],
    );
    says(&run, "t.toml:4:9", "input.unknown-name", Some("montant"));
    // An unknown key of the file: the nearest key.
    let run = refused(
        &w,
        "--counts",
        "k.toml",
        &format!("{COUNT}dataset = \"actes\"\nexpected = 3\ntolerence = 1\nsource = \"registre\"\n"),
        &[],
    );
    says(&run, "k.toml:5", "input.unknown-name", Some("tolerance"));
    // In English when asked.
    let run = refused(
        &w,
        "--counts",
        "e.toml",
        &format!("{COUNT}dataset = \"acte\"\nexpected = 3\nsource = \"x\"\n"),
        &["--lang", "en"],
    );
    assert!(run.stderr.contains("did you mean \"actes\"?"), "{}", run.stderr);
}

#[test]
fn a_counts_file_with_a_wrong_value_is_refused_with_its_line() {
    let w = Workdir::new();
    let run = refused(
        &w,
        "--counts",
        "n.toml",
        &format!("{COUNT}dataset = \"actes\"\nexpected = \"douze\"\nsource = \"x\"\n"),
        &[],
    );
    says(&run, "n.toml:4:12", "input.invalid-value", None);
    let run = refused(
        &w,
        "--counts",
        "y.toml",
        &format!(
            "{COUNT}dataset = \"actes\"\nby = [\"year(date_evenement)\"]\ngroup = [\"2O23\"]\nexpected = 3\nsource = \"x\"\n"
        ),
        &[],
    );
    says(&run, "y.toml:5", "input.invalid-value", None);
    let run = refused(
        &w,
        "--counts",
        "p.toml",
        "reversa_counts = \"1\"\n[[period]]\ndataset = \"actes\"\nfrom = 2025\nto = 2000\nsource = \"x\"\n",
        &[],
    );
    says(&run, "p.toml:4", "input.invalid-value", None);
    // A period asked of a dataset without dates would blame the export for every year.
    let run = refused(
        &w,
        "--counts",
        "b.toml",
        "reversa_counts = \"1\"\n[[period]]\ndataset = \"bureaux\"\nfrom = 2000\nto = 2001\nsource = \"x\"\n",
        &[],
    );
    says(&run, "b.toml:3", "input.invalid-value", None);
    let run = refused(&w, "--counts", "s.toml", "reversa_counts = \"1\"\n[[count]\n", &[]);
    says(&run, "s.toml:2", "input.syntax", None);
    let run = refused(&w, "--counts", "v.toml", "reversa_counts = \"2\"\n", &[]);
    says(&run, "v.toml:1", "input.unsupported-version", None);
}

#[test]
fn a_csv_counts_file_is_refused_line_by_line() {
    let w = Workdir::new();
    let head = "kind;dataset;by;group;field;expected;tolerance;source\n";
    let run =
        refused(&w, "--counts", "k.csv", &format!("{head}count;actes;;;;3;;x\ncont;actes;;;;3;;x\n"), &[]);
    says(&run, "k.csv:3", "input.unknown-name", Some("count"));
    let run = refused(&w, "--counts", "d.csv", &format!("{head}count;acte;;;;3;;x\n"), &[]);
    says(&run, "d.csv:2", "input.unknown-name", Some("actes"));
    let run = refused(&w, "--counts", "n.csv", &format!("{head}count;actes;;;;douze;;x\n"), &[]);
    says(&run, "n.csv:2", "input.invalid-value", None);
    let run =
        refused(&w, "--counts", "c.csv", "kind;dataset;expected;source;tolerence\ncount;actes;3;x;1\n", &[]);
    says(&run, "c.csv:1", "input.unknown-name", Some("tolerance"));
    let run = refused(&w, "--counts", "m.csv", "kind;dataset;expected\ncount;actes;3\n", &[]);
    says(&run, "m.csv:1", "input.missing-key", None);
}

#[test]
fn a_wrong_profile_name_or_file_is_refused_with_the_near_name() {
    let w = Workdir::new();
    let export = fixture("clean.zip");
    let run = w.run(&["verify", export.to_str().unwrap(), "--out", "out", "--profile", "elistelec"]);
    assert_eq!(run.code, 2);
    assert!(!w.path().join("out").exists());
    says(&run, "--profile", "input.unknown-name", Some("e-listelec"));
    let profile = "reversa_profile = \"1\"\nname = \"x\"\n[[mapping]]\ndataset = \"electeur\"\nfiles = [\"**/*.csv\"]\n";
    let run = refused(&w, "--profile", "p.toml", profile, &[]);
    says(&run, "p.toml:4:1", "input.unknown-name", Some("electeurs"));
    let profile = "reversa_profile = \"1\"\nname = \"x\"\n[[mapping]]\ndataset = \"electeurs\"\nfiles = [\"**/*.csv\"]\n[mapping.fields]\nnom_naisance = \"nom\"\n";
    let run = refused(&w, "--profile", "f.toml", profile, &[]);
    says(&run, "f.toml:7:1", "input.unknown-name", Some("nom_naissance"));
    let run =
        refused(&w, "--profile", "k.toml", "reversa_profile = \"1\"\nname = \"x\"\ntitel = \"y\"\n", &[]);
    says(&run, "k.toml:3", "input.unknown-name", Some("title"));
}

const CLAUSE: &str = "reversa_clauses = \"1\"\n[[clause]]\nid = \"A\"\n";

#[test]
fn a_clause_file_with_a_wrong_name_is_refused_not_judged() {
    let w = Workdir::new();
    let cases: &[(&str, &str, &str, &str, Option<&str>)] = &[
        (
            "kind.toml",
            "kind = \"perod-coverage\"\n",
            "kind.toml:4:1",
            "input.unknown-name",
            Some("period-coverage"),
        ),
        // An unknown check id used to make the clause unverifiable at evaluation.
        (
            "check.toml",
            "kind = \"check\"\nparams = { id = \"fixty\" }\n",
            "check.toml:5:12",
            "input.unknown-name",
            Some("fixity"),
        ),
        // An unknown dataset used to make required-datasets violated: the export blamed.
        (
            "datasets.toml",
            "kind = \"required-datasets\"\nparams = { datasets = [\"actes\", \"electeur\"] }\n",
            "datasets.toml:5:33",
            "input.unknown-name",
            Some("electeurs"),
        ),
        (
            "param.toml",
            "kind = \"fixity\"\nparams = { algorithm = [\"sha256\"] }\n",
            "param.toml:5:12",
            "input.unknown-name",
            Some("algorithms"),
        ),
        (
            "alg.toml",
            "kind = \"fixity\"\nparams = { algorithms = [\"SHA-256\"] }\n",
            "alg.toml:5:26",
            "input.unknown-name",
            Some("sha256"),
        ),
        (
            "enc.toml",
            "kind = \"text-encoding\"\nparams = { encodings = [\"UTF-8\"] }\n",
            "enc.toml:5:25",
            "input.unknown-name",
            Some("utf-8"),
        ),
        ("key.toml", "kinde = \"fixity\"\n", "key.toml:4:1", "input.unknown-name", Some("kind")),
        (
            "dated.toml",
            "kind = \"period-coverage\"\nparams = { dataset = \"bureaux\", from = 2000, to = 2001 }\n",
            "dated.toml:5:12",
            "input.invalid-value",
            None,
        ),
        (
            "type.toml",
            "kind = \"delivery-deadline\"\nparams = { days = \"trente\" }\n",
            "type.toml:5:12",
            "input.invalid-value",
            None,
        ),
        ("missing.toml", "kind = \"delivery-deadline\"\n", "missing.toml:4:1", "input.missing-key", None),
    ];
    for (name, clause, place, code, suggestion) in cases {
        let run = refused(&w, "--contract", name, &format!("{CLAUSE}{clause}"), &[]);
        says(&run, place, code, *suggestion);
    }
    let run = refused(
        &w,
        "--contract",
        "date.toml",
        "reversa_clauses = \"1\"\n[contract]\ndelivery = 12:00:00\n[[clause]]\nid = \"A\"\nkind = \"delivery-deadline\"\nparams = { days = 30 }\n",
        &[],
    );
    says(&run, "date.toml:3:1", "input.invalid-value", None);
    let run = refused(
        &w,
        "--contract",
        "dup.toml",
        &format!("{CLAUSE}kind = \"fixity\"\n[[clause]]\nid = \"A\"\nkind = \"fixity\"\n"),
        &[],
    );
    says(&run, "dup.toml:6:1", "input.invalid-value", None);
    // The linter says the same, with the suggestion in its fix.
    let lint = w.run(&["clauses", "lint", "check.toml", "--format", "json"]);
    assert_eq!(lint.code, 1);
    let problems: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    let p =
        problems.as_array().unwrap().iter().find(|p| p["code"] == "unknown-check").expect("unknown-check");
    assert_eq!((p["blocking"].as_bool(), p["suggestion"].as_str()), (Some(true), Some("fixity")));
}

#[test]
fn a_refusal_leaves_the_previous_report_as_it_was() {
    let w = Workdir::new();
    let export = fixture("clean.zip");
    let first = w.run(&["verify", export.to_str().unwrap(), "--out", "out", "--quiet"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = std::fs::read(w.path().join("out/report.json")).unwrap();
    std::fs::write(
        w.path().join("c.toml"),
        format!("{COUNT}dataset = \"acte\"\nexpected = 3\nsource = \"x\"\n"),
    )
    .unwrap();
    let run = w.run(&["verify", export.to_str().unwrap(), "--out", "out", "--quiet", "--counts", "c.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(std::fs::read(w.path().join("out/report.json")).unwrap(), before, "untouched");
    let names: Vec<String> = std::fs::read_dir(w.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("running") || n.starts_with('.')), "no run marker: {names:?}");
}

#[test]
fn a_missing_or_unreadable_file_is_refused() {
    let w = Workdir::new();
    let export = fixture("clean.zip");
    for flag in ["--counts", "--contract", "--profile"] {
        let run = w.run(&["verify", export.to_str().unwrap(), "--out", "out", flag, "absent/file.toml"]);
        assert_eq!(run.code, 2, "{flag}");
        says(&run, "absent/file.toml", "input.not-found", None);
        assert!(!w.path().join("out").exists());
    }
    std::fs::write(
        w.path().join("latin1.csv"),
        b"kind;dataset;expected;source\ncount;actes;3;registre d'\xe9tat civil\n",
    )
    .unwrap();
    let run = w.run(&["verify", export.to_str().unwrap(), "--out", "out", "--counts", "latin1.csv"]);
    assert_eq!(run.code, 2);
    says(&run, "latin1.csv:2", "input.not-utf8", None);
}
