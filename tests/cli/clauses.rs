//! Exit clauses through the binary: every check kind satisfied, violated and (where it can be)
//! unverifiable; the overall verdict and exit code for each combination; the templates lint
//! clean and run on the demo; `clauses init` and `clauses lint` exit codes.

use crate::workdir::Workdir;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The exports the cases run on, made once per test.
struct Exports<'a> {
    w: &'a Workdir,
    made: std::cell::RefCell<std::collections::HashMap<&'static str, PathBuf>>,
}

impl<'a> Exports<'a> {
    fn new(w: &'a Workdir) -> Self {
        Exports { w, made: Default::default() }
    }

    fn get(&self, name: &'static str) -> PathBuf {
        if let Some(p) = self.made.borrow().get(name) {
            return p.clone();
        }
        let dir = self.w.path().join(format!("exports/{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let demo = |extra: &[&str]| {
            let mut args =
                vec!["demo", "--out", dir.to_str().unwrap(), "--records", "300", "--no-verify", "--quiet"];
            args.extend_from_slice(extra);
            let run = self.w.run(&args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path()
        };
        let folder = |files: &[(&str, &[u8])]| {
            let root = dir.join("export");
            std::fs::create_dir_all(&root).unwrap();
            for (n, bytes) in files {
                std::fs::write(root.join(n), bytes).unwrap();
            }
            root
        };
        let path = match name {
            "clean" => demo(&[]),
            "bare" => demo(&["--package", "bare"]),
            "empty" => folder(&[]),
            "pdf-only" => folder(&[(
                "scan.pdf",
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            )]),
            "bureaux-only" => folder(&[("bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n")]),
            "mouvements-only" => folder(&[(
                "mouvements.csv",
                b"id_mouvement,id_electeur,type_mouvement,date_mouvement\nMV-1,EL-1,inscription,2024-01-02\n",
            )]),
            "half-documented" => folder(&[
                ("bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n"),
                ("dictionnaire.txt", b"code_bureau : code du bureau de vote\n"),
            ]),
            "pdf-dictionary" => folder(&[
                ("bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n"),
                ("dictionnaire.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            ]),
            "documented" => folder(&[
                ("bureaux.csv", b"code_bureau,libelle\n0001,Mairie\n"),
                (
                    "dictionnaire-des-donnees.csv",
                    b"jeu,champ,description\nbureaux,code_bureau,Code\nbureaux,libelle,Nom\n",
                ),
                ("certificat-effacement.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
            ]),
            defect => demo(&["--defect", defect]),
        };
        self.made.borrow_mut().insert(name, path.clone());
        path
    }
}

fn clause_file(w: &Workdir, contract: &str, clauses: &[(&str, &str)]) -> PathBuf {
    let mut text = format!("reversa_clauses = \"1\"\ntitle = \"test\"\n[contract]\n{contract}\n");
    for (i, (kind, params)) in clauses.iter().enumerate() {
        text.push_str(&format!(
            "[[clause]]\nid = \"C{i}\"\nreference = \"art. {i}\"\ntext = \"clause {i}\"\nkind = \"{kind}\"\n"
        ));
        if !params.is_empty() {
            text.push_str(&format!("params = {{ {params} }}\n"));
        }
    }
    let path = w.path().join(format!("clauses-{}.toml", rand_name(&text)));
    std::fs::write(&path, text).unwrap();
    path
}

fn rand_name(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:x}", h.finish())
}

fn verify(w: &Workdir, export: &Path, contract: &Path, extra: &[&str]) -> crate::workdir::Run {
    let mut args = vec!["--contract", contract.to_str().unwrap()];
    args.extend_from_slice(extra);
    w.verify(export, &args)
}

const DATES: &str = "exit_request = 2026-09-01\ndelivery = 2026-09-20";
const TERMS: &str = "transition_period_days = 30\nnotice_period_days = 60\nretrieval_window_days = 30\nswitching_charges = \"aucun\"";

/// (kind, params, contract, export, expected verdict).
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("check", r#"id = "fixity""#, "", "clean", "satisfied"),
    ("check", r#"id = "fixity""#, "", "digest-mismatch", "violated"),
    ("check", r#"id = "fixity""#, "", "bare", "unverifiable"),
    ("open-formats", "", "", "clean", "satisfied"),
    ("open-formats", "", "", "proprietary-format", "violated"),
    ("open-formats", "", "", "empty", "unverifiable"),
    ("text-encoding", "", "", "clean", "satisfied"),
    ("text-encoding", "", "", "non-utf8-csv", "violated"),
    ("text-encoding", "", "", "pdf-only", "unverifiable"),
    ("required-datasets", "", "", "clean", "satisfied"),
    ("required-datasets", "", "", "bureaux-only", "violated"),
    ("schema-conformance", "max_error_rate = 0", "", "clean", "satisfied"),
    ("schema-conformance", "max_error_rate = 0", "", "invalid-date", "violated"),
    ("schema-conformance", "max_error_rate = 0.5", "", "invalid-date", "satisfied"),
    ("schema-conformance", "", "", "pdf-only", "unverifiable"),
    ("completeness", "", "", "clean", "unverifiable"),
    ("fixity", "", "", "clean", "satisfied"),
    ("fixity", "", "", "bare", "violated"),
    ("fixity", "", "", "digest-mismatch", "violated"),
    ("fixity", r#"algorithms = ["sha512"]"#, "", "clean", "violated"),
    ("file-list", "", "", "clean", "satisfied"),
    ("file-list", "", "", "unlisted-file", "violated"),
    ("file-list", "", "", "bare", "unverifiable"),
    ("attachments", "", "", "clean", "satisfied"),
    ("attachments", "", "", "missing-scan", "violated"),
    ("attachments", "", "", "bureaux-only", "unverifiable"),
    ("documentation", "", "", "documented", "satisfied"),
    ("documentation", "", "", "clean", "violated"),
    ("documentation", "", "", "half-documented", "violated"),
    ("documentation", "", "", "pdf-dictionary", "unverifiable"),
    ("history", "", "", "clean", "satisfied"),
    ("history", "", "", "bureaux-only", "violated"),
    ("period-coverage", r#"dataset = "actes", from = 2000, to = 2025"#, "", "clean", "satisfied"),
    ("period-coverage", r#"dataset = "actes", from = 1990, to = 2025"#, "", "clean", "violated"),
    ("acte-continuity", "", "", "clean", "satisfied"),
    ("acte-continuity", "", "", "acte-gap", "violated"),
    ("acte-continuity", "", "", "bureaux-only", "unverifiable"),
    ("referential-integrity", "", "", "clean", "satisfied"),
    ("referential-integrity", "", "", "dangling-reference", "violated"),
    ("referential-integrity", "", "", "mouvements-only", "unverifiable"),
    ("delivery-deadline", "days = 30", DATES, "clean", "satisfied"),
    ("delivery-deadline", "days = 10", DATES, "clean", "violated"),
    ("delivery-deadline", "days = 30", "", "clean", "unverifiable"),
    ("data-act-terms", "", TERMS, "clean", "satisfied"),
    (
        "data-act-terms",
        "",
        "transition_period_days = 45\nnotice_period_days = 60\nretrieval_window_days = 30\nswitching_charges = \"aucun\"",
        "clean",
        "violated",
    ),
    (
        "data-act-terms",
        "",
        "exit_request = 2027-03-01\ntransition_period_days = 30\nnotice_period_days = 60\nretrieval_window_days = 30\nswitching_charges = \"5 000 € HT\"",
        "clean",
        "violated",
    ),
    ("data-act-terms", "", "transition_period_days = 30", "clean", "unverifiable"),
    ("erasure-certificate", "", "", "documented", "satisfied"),
    ("erasure-certificate", "", "", "clean", "violated"),
];

#[test]
fn every_kind_gives_its_verdicts_with_reasons() {
    let w = Workdir::new();
    let exports = Exports::new(&w);
    let mut kinds_seen = std::collections::BTreeMap::<&str, Vec<&str>>::new();
    for &(kind, params, contract, export, expected) in CASES {
        let file = clause_file(&w, contract, &[(kind, params)]);
        let run = verify(&w, &exports.get(export), &file, &[]);
        let c = &run.report()["clauses"][0];
        assert_eq!(c["verdict"], expected, "{kind} {params} on {export}: {c:#}");
        assert!(!c["reason"].as_str().unwrap().is_empty());
        if expected == "unverifiable" {
            assert!(c["missing"].as_str().is_some_and(|m| !m.is_empty()), "{kind}: what is missing: {c:#}");
        }
        kinds_seen.entry(kind).or_default().push(expected);
    }
    // Every kind of the catalogue is covered, satisfied and violated (unverifiable where it can be).
    let list = w.run(&["clauses", "kinds"]);
    for line in list.stdout.lines().filter(|l| !l.starts_with(' ')) {
        let seen = kinds_seen.get(line).unwrap_or_else(|| panic!("no case for kind {line}"));
        if line != "completeness" {
            assert!(seen.contains(&"satisfied") && seen.contains(&"violated"), "{line}: {seen:?}");
        }
    }
}

#[test]
fn completeness_clause_follows_the_counts_file() {
    let w = Workdir::new();
    let exports = Exports::new(&w);
    let export = exports.get("clean");
    let fp = w.path().join("fp.json");
    assert_eq!(w.run(&["fingerprint", export.to_str().unwrap(), "-q", "-o", fp.to_str().unwrap()]).code, 0);
    let file = clause_file(&w, "", &[("completeness", "")]);
    let ok = verify(&w, &export, &file, &["--counts", fp.to_str().unwrap()]);
    assert_eq!(ok.report()["clauses"][0]["verdict"], "satisfied");
    let other = exports.get("invalid-date");
    let off = verify(&w, &other, &file, &["--counts", fp.to_str().unwrap()]);
    assert_eq!(off.report()["clauses"][0]["verdict"], "violated");
}

#[test]
fn overall_verdict_and_exit_code_for_each_combination() {
    let w = Workdir::new();
    let exports = Exports::new(&w);
    let clean = exports.get("clean");
    let sat = ("fixity", "");
    let vio = ("documentation", "");
    let unv = ("completeness", "");
    for (clauses, verdict, code) in [
        (vec![sat], "satisfiable", 0),
        (vec![sat, unv], "undetermined", 3),
        (vec![sat, vio], "not-satisfiable", 1),
        (vec![unv, vio], "not-satisfiable", 1),
        (vec![unv], "undetermined", 3),
    ] {
        let file = clause_file(&w, "", &clauses);
        let run = verify(&w, &clean, &file, &[]);
        assert_eq!((run.verdict(), run.code), (verdict, code), "{clauses:?}");
        assert_eq!(run.report()["clauses"].as_array().unwrap().len(), clauses.len());
        assert!(run.report()["reproducibility"]["clauses"]["sha256"].as_str().is_some());
    }
    // Without a clause file, the default set applies and is in the report.
    let run = w.verify(&clean, &[]);
    let ids: Vec<&str> =
        run.report()["clauses"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"DEFAUT-INTEGRITE") && ids.len() == 5, "{ids:?}");
    assert_eq!(run.report()["reproducibility"]["clauses"]["path"], "default");
    assert_eq!(run.verdict(), "satisfiable");
    let bare = w.verify(&exports.get("bare"), &[]);
    let fixity = bare.report()["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "DEFAUT-INTEGRITE")
        .unwrap()
        .clone();
    assert_eq!(fixity["verdict"], "unverifiable");
    assert_eq!(fixity["missing"], "aucun manifeste dans l'export");
    assert_eq!((bare.verdict(), bare.code), ("undetermined", 3));
}

#[test]
fn templates_are_written_lint_clean_and_run_on_the_demo() {
    let w = Workdir::new();
    let export = Exports::new(&w).get("clean");
    for t in ["data-act", "ccag-tic", "secnumcloud", "commune"] {
        let printed = w.run(&["clauses", "init", "--template", t]);
        assert_eq!(printed.code, 0);
        assert!(printed.stdout.contains("reversa_clauses = \"1\""));
        let file = w.path().join(format!("{t}.toml"));
        assert_eq!(w.run(&["clauses", "init", "--template", t, "-o", file.to_str().unwrap()]).code, 0);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), printed.stdout);
        let lint = w.run(&["clauses", "lint", file.to_str().unwrap()]);
        assert_eq!(lint.code, 0, "{t}: {}", lint.stdout);
        let run = verify(&w, &export, &file, &[]);
        let clauses = run.report()["clauses"].as_array().unwrap();
        assert!(clauses.len() >= 8, "{t}");
        assert!(
            clauses.iter().all(|c| c["source"].as_str().is_some_and(|s| !s.is_empty())),
            "{t}: every clause cites its source"
        );
        // Nothing in the demo makes the data violate the data clauses: what is violated is
        // what the demo does not deliver (a dictionary, an erasure certificate).
        for c in clauses.iter().filter(|c| c["verdict"] == "violated") {
            assert!(
                ["documentation", "erasure-certificate"].contains(&c["kind"].as_str().unwrap()),
                "{t}: {c:#}"
            );
        }
    }
    assert_eq!(w.run(&["clauses", "init", "--template", "nope"]).code, 2);
}

#[test]
fn lint_exit_codes_and_a_bad_clause_file_is_refused_by_verify() {
    let w = Workdir::new();
    let bad = w.path().join("bad.toml");
    std::fs::write(&bad, "reversa_clauses = \"1\"\n[contract]\ntransition_period_days = 60\n[[clause]]\nid = \"X\"\nkind = \"fixity\"\nparams = { algorithm = [\"md5\"] }\n").unwrap();
    let lint = w.run(&["clauses", "lint", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(lint.code, 1);
    let problems: Value = serde_json::from_str(&lint.stdout).unwrap();
    let codes: Vec<&str> = problems.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(
        codes.contains(&"unknown-param")
            && codes.contains(&"legal-limit")
            && codes.contains(&"missing-clause"),
        "{codes:?}"
    );
    let garbage = w.path().join("garbage.toml");
    std::fs::write(&garbage, "this is = = not toml").unwrap();
    assert_eq!(w.run(&["clauses", "lint", garbage.to_str().unwrap()]).code, 2);
    assert_eq!(w.run(&["clauses", "lint", "/nonexistent/file.toml"]).code, 2);
    let export = Exports::new(&w).get("clean");
    let run =
        w.run(&["verify", export.to_str().unwrap(), "--out", "out2", "--contract", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2, "an unknown parameter stops verify: {}", run.stderr);
    assert!(run.stderr.contains("algorithm"), "{}", run.stderr);
}

/// TOML as JSON, dates as `AAAA-MM-JJ` strings (how the clause schema reads a clause file).
fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

#[test]
fn templates_follow_the_published_clause_schema() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/clauses.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let w = Workdir::new();
    for t in ["data-act", "ccag-tic", "secnumcloud", "commune"] {
        let printed = w.run(&["clauses", "init", "--template", t]);
        let doc = toml_to_json(&toml::from_str::<toml::Value>(&printed.stdout).unwrap());
        let errors: Vec<String> =
            validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{t}: {errors:#?}");
    }
    let bad: Value = serde_json::json!({"reversa_clauses": "1", "clause": [{"id": "X", "kind": "fixity", "params": {"algorithm": ["md5"]}}]});
    assert!(!validator.is_valid(&bad), "an unknown parameter is refused by the schema too");
}
