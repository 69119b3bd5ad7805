//! The records stage through the binary: the demo validates clean in every container, each
//! injected record defect is found where it is, the built-in profiles read their sample files,
//! a profile file maps a vendor layout, and no record value leaks into the outputs.

use crate::workdir::{Workdir, fixture};
use serde_json::Value;
use std::path::Path;

const DATASETS: [&str; 11] = [
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
];

fn dataset<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no dataset {name} in {:#}", report["datasets"]))
}

#[test]
fn demo_records_are_read_and_valid_in_every_container() {
    for container in ["zip", "tar-gz", "folder"] {
        let w = Workdir::new();
        let export = w.demo(&["--container", container]);
        let run = w.verify(&export, &[]);
        assert_eq!(run.verdict(), "satisfiable", "{container}: {:?}", run.codes());
        let r = run.report();
        let declared = r["manifest"]["record_counts"].as_object().unwrap();
        for name in DATASETS {
            let d = dataset(r, name);
            assert_eq!(d["status"], "present", "{container} {name}");
            assert_eq!(d["invalid"], 0, "{container} {name}: {:#}", d["errors"]);
            assert_eq!(d["records"], declared[name], "{container} {name}: records read = records declared");
            assert!(
                d["cross"].as_array().unwrap().iter().all(|c| c["status"] == "pass"),
                "{container} {name}"
            );
        }
        assert_eq!(dataset(r, "actes")["files"][0]["profile"], "reversa-v1");
        assert!(r["reproducibility"]["schemas"]["actes"]["sha256"].as_str().unwrap().len() == 64);
        assert_eq!(r["reproducibility"]["profiles"][0]["name"], "reversa-v1");
    }
}

/// (defect, finding code, file, dataset field, rule or "").
const RECORD_DEFECTS: &[(&str, &str, &str, &str, &str)] = &[
    ("invalid-date", "records.schema-violation", "donnees/actes.csv", "date_evenement", "format:date"),
    ("duplicate-key", "records.duplicate-key", "donnees/personnes.csv", "id_personne", ""),
    ("dangling-reference", "records.dangling-reference", "donnees/paiements.csv", "id_decision", ""),
    ("missing-scan", "records.missing-attachment", "donnees/pieces.csv", "chemin", ""),
    ("under-age", "records.under-age", "donnees/electeurs.csv", "date_naissance", "min-age"),
    ("acte-gap", "records.sequence-gap", "", "numero_acte", ""),
];

#[test]
fn each_record_defect_is_found_at_its_place() {
    for &(defect, code, path, field, rule) in RECORD_DEFECTS {
        let w = Workdir::new();
        let export = w.demo(&["--defect", defect]);
        let run = w.verify(&export, &[]);
        assert_eq!(run.code, 1, "{defect}");
        assert_eq!(run.verdict(), "not-satisfiable", "{defect}");
        let found = run.findings(code);
        assert_eq!(found.len(), 1, "{defect}: {:?}", run.codes());
        let f = &found[0];
        assert_eq!(f["params"]["field"], field, "{defect}: {f}");
        if !path.is_empty() {
            assert_eq!(f["path"], path, "{defect}: {f}");
            assert!(f["line"].as_u64().unwrap() >= 2, "{defect}: a data row, not the header: {f}");
        }
        if !rule.is_empty() {
            assert_eq!(f["params"]["rule"], rule, "{defect}");
        }
        assert_eq!(f["params"]["count"].as_str().unwrap_or("1"), "1", "{defect}: exactly one record: {f}");
    }
}

#[test]
fn acte_gap_names_the_missing_number_and_its_group() {
    let w = Workdir::new();
    let run = w.verify(&w.demo(&["--defect", "acte-gap"]), &[]);
    let actes = dataset(run.report(), "actes");
    let seq = actes["cross"].as_array().unwrap().iter().find(|c| c["rule"] == "sequence").unwrap();
    assert_eq!(seq["violations"], 1);
    let gap = &seq["gaps"][0];
    // commune / year / type
    assert_eq!(gap["group"].as_str().unwrap().split('/').count(), 3, "{gap}");
    assert!(gap["group"].as_str().unwrap().starts_with("38185/"), "{gap}");
    assert_eq!(gap["missing"], 1);
    assert_eq!(gap["ranges"].as_array().unwrap().len(), 1);
}

#[test]
fn record_values_never_appear_in_the_outputs() {
    let w = Workdir::new();
    let export = w.demo(&["--defect", "invalid-date", "--defect", "under-age", "--container", "folder"]);
    let run = w.verify(&export, &["--format", "json"]);
    let report = std::fs::read_to_string(w.path().join("out/report.json")).unwrap();
    let html = std::fs::read_to_string(w.path().join("out/report.html")).unwrap();
    let outputs = [report.as_str(), html.as_str(), run.stdout.as_str(), run.stderr.as_str()];
    // The bad values themselves, and names and birth dates read from the records.
    let mut secrets = vec!["2021-02-30".to_string(), "2015-06-01".to_string()];
    let electeurs = std::fs::read_to_string(export.join("donnees/electeurs.csv")).unwrap();
    for line in electeurs.lines().skip(1).take(5) {
        let cells: Vec<&str> = line.split(',').collect();
        secrets.push(cells[2].to_string()); // nom de naissance
        secrets.push(cells[4].to_string()); // prénoms
    }
    for s in &secrets {
        for o in outputs {
            assert!(!o.contains(s.as_str()), "value {s:?} leaked");
        }
    }
    let text = w.verify(&export, &[]);
    for s in &secrets {
        assert!(!text.stdout.contains(s.as_str()), "value {s:?} leaked in the summary");
    }
    // Asked for explicitly, the faulty values are shown (and the report says so).
    let revealed = w.verify(&export, &["--reveal-values"]);
    let report = std::fs::read_to_string(w.path().join("out/report.json")).unwrap();
    assert!(report.contains("2021-02-30") && report.contains("2015-06-01"));
    assert_eq!(revealed.report()["reproducibility"]["reveal_values"], true);
}

/// Copies a committed sample into a folder export of its own.
fn sample_export(w: &Workdir, profile: &str) -> std::path::PathBuf {
    let dir = w.path().join(format!("export-{profile}"));
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(fixture("profiles").join(profile)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn line_count(dir: &Path) -> u64 {
    let f = std::fs::read_dir(dir).unwrap().next().unwrap().unwrap().path();
    std::fs::read_to_string(f).unwrap().lines().filter(|l| !l.trim().is_empty()).count() as u64
}

#[test]
fn built_in_profiles_read_their_sample_files() {
    // (profile, dataset, header lines)
    for (profile, name, header) in
        [("reu", "electeurs", 1), ("e-listelec", "electeurs", 1), ("insee-deces", "deces_insee", 0)]
    {
        let w = Workdir::new();
        let dir = sample_export(&w, profile);
        let rows = line_count(&dir) - header;
        for args in [vec!["--profile", profile], vec![]] {
            let run = w.verify(&dir, &args);
            let d = dataset(run.report(), name);
            assert_eq!(d["records"], rows, "{profile} {args:?}");
            assert_eq!(d["invalid"], 0, "{profile} {args:?}: {:#}", d["errors"]);
            assert_eq!(d["files"][0]["profile"], profile, "{profile} {args:?}: detected");
            assert!(run.findings("records.unmapped-file").is_empty(), "{profile}: {:?}", run.codes());
            assert!(run.findings("records.missing-columns").is_empty(), "{profile}: {:?}", run.codes());
        }
    }
}

#[test]
fn reu_partial_birth_dates_and_list_labels_are_mapped() {
    let w = Workdir::new();
    let dir = sample_export(&w, "reu");
    let run = w.verify(&dir, &["--profile", "reu"]);
    let d = dataset(run.report(), "electeurs");
    assert_eq!(d["files"][0]["delimiter"], ";");
    assert_eq!(d["files"][0]["encoding"], "utf-8");
    // bureaux is not part of an REU extraction: the reference cannot be checked, and says so.
    let reference = d["cross"].as_array().unwrap().iter().find(|c| c["rule"] == "reference").unwrap();
    assert_eq!(reference["status"], "unverifiable");
    assert_eq!(run.findings("records.reference-unverifiable").len(), 1);
}

#[test]
fn a_profile_file_maps_a_vendor_layout_and_positions_name_its_columns() {
    let w = Workdir::new();
    let dir = w.path().join("vendor");
    std::fs::create_dir_all(dir.join("EXPORT")).unwrap();
    std::fs::write(
        dir.join("EXPORT/BUREAUX_VOTE.TXT"),
        "N° BUREAU;LIBELLE BUREAU;INSEE\n1;Mairie;38185\n2;École;38185\n3;;38185\n",
    )
    .unwrap();
    let profile = w.path().join("vendeur.toml");
    std::fs::write(
        &profile,
        r#"reversa_profile = "1"
name = "vendeur"
[[mapping]]
dataset = "bureaux"
files = ["EXPORT/bureaux_*.txt"]
reader = "csv"
[mapping.fields]
code_bureau = "N° BUREAU"
libelle = { column = "LIBELLE BUREAU", case = "upper" }
code_commune = "INSEE"
"#,
    )
    .unwrap();
    let run = w.verify(&dir, &["--profile", profile.to_str().unwrap()]);
    let d = dataset(run.report(), "bureaux");
    assert_eq!(d["records"], 3);
    assert_eq!(d["invalid"], 1);
    let e = &d["errors"][0];
    assert_eq!(
        (e["field"].as_str(), e["rule"].as_str(), e["column"].as_str()),
        (Some("libelle"), Some("required"), Some("LIBELLE BUREAU"))
    );
    assert_eq!(e["locations"][0]["row"], 4);
    assert_eq!(e["locations"][0]["record"], 3);
    let f = &run.findings("records.schema-violation")[0];
    assert_eq!(
        (f["path"].as_str(), f["line"].as_u64(), f["column"].as_str()),
        (Some("EXPORT/BUREAUX_VOTE.TXT"), Some(4), Some("LIBELLE BUREAU"))
    );
    // The given profile expects only its datasets; the report names it with its digest.
    assert_eq!(run.report()["reproducibility"]["profiles"][0]["name"], "vendeur");
    assert!(run.findings("records.dataset-missing").is_empty(), "{:?}", run.codes());
}

#[test]
fn json_and_ndjson_files_of_reversa_v1_are_read() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bureaux.json"),
        r#"{"bureaux": [{"code_bureau": "0001", "libelle": "Mairie"}, {"code_bureau": "0002"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("mouvements.ndjson"),
        "{\"id_mouvement\":\"MV-1\",\"id_electeur\":\"EL-1\",\"type_mouvement\":\"inscription\",\"date_mouvement\":\"2024-09-19\"}\n",
    )
    .unwrap();
    let run = w.verify(&dir, &["--profile", "reversa-v1"]);
    let b = dataset(run.report(), "bureaux");
    assert_eq!((b["records"].as_u64(), b["invalid"].as_u64()), (Some(2), Some(1)));
    assert_eq!(b["files"][0]["reader"], "json");
    let m = dataset(run.report(), "mouvements");
    assert_eq!((m["records"].as_u64(), m["invalid"].as_u64()), (Some(1), Some(0)));
    // electeurs is absent: the reference cannot be checked; the other datasets are missing.
    assert_eq!(run.findings("records.reference-unverifiable").len(), 1);
    assert_eq!(run.findings("records.dataset-missing").len(), 9, "{:?}", run.codes());
}

#[test]
fn a_data_file_no_profile_maps_is_reported() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("inconnu.csv"), "a,b\n1,2\n").unwrap();
    let run = w.verify(&dir, &[]);
    let f = run.findings("records.unmapped-file");
    assert_eq!(f.len(), 1, "{:?}", run.codes());
    assert_eq!(f[0]["path"], "inconnu.csv");
    assert!(run.findings("records.none").len() == 1);
    assert_eq!(run.verdict(), "undetermined", "no record could be checked");
}

#[test]
fn an_unknown_profile_is_a_usage_error() {
    let w = Workdir::new();
    let run = w.run(&["verify", fixture("clean.zip").to_str().unwrap(), "--out", "out", "--profile", "nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("reversa-v1"), "{}", run.stderr);
}

#[test]
fn schemas_are_listed_shown_and_exported_as_table_schemas() {
    let w = Workdir::new();
    let list = w.run(&["schemas", "list"]);
    assert_eq!(list.code, 0);
    for name in DATASETS.iter().chain(&["deces_insee"]) {
        assert!(list.stdout.lines().any(|l| l.starts_with(name)), "{name} in\n{}", list.stdout);
    }
    let show = w.run(&["schemas", "show", "actes"]);
    let v: Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(v["$id"], "urn:reversa:format:1:actes");
    let export = w.run(&["schemas", "export", "--format", "table-schema", "-o", "ts"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let ts: Value =
        serde_json::from_str(&std::fs::read_to_string(w.path().join("ts/actes.tableschema.json")).unwrap())
            .unwrap();
    assert_eq!(ts["primaryKey"], serde_json::json!(["id_acte"]));
    let fields = ts["fields"].as_array().unwrap();
    assert_eq!(fields[0]["name"], "id_acte", "fields in schema order");
    let date = fields.iter().find(|f| f["name"] == "date_evenement").unwrap();
    assert_eq!(date["type"], "date");
    assert_eq!(std::fs::read_dir(w.path().join("ts")).unwrap().count(), 12);
    let package = w.run(&["schemas", "export", "--format", "table-schema"]);
    let p: Value = serde_json::from_str(&package.stdout).unwrap();
    assert_eq!(p["resources"].as_array().unwrap().len(), 12);
    assert_eq!(w.run(&["schemas", "show", "nope"]).code, 2);
    // JSON Schema export: the shipped schemas, byte for byte the ones `schemas show` prints.
    let js = w.run(&["schemas", "export", "--format", "json-schema", "-o", "js"]);
    assert_eq!(js.code, 0, "{}", js.stderr);
    assert_eq!(std::fs::read_dir(w.path().join("js")).unwrap().count(), 12);
    let actes: Value =
        serde_json::from_str(&std::fs::read_to_string(w.path().join("js/actes.schema.json")).unwrap())
            .unwrap();
    assert_eq!(actes, v);
    assert_eq!(actes["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let one = w.run(&["schemas", "export", "--format", "json-schema", "--dataset", "electeurs"]);
    let e: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(e["$id"], "urn:reversa:format:1:electeurs");
}

#[test]
fn a_suggested_profile_reads_the_export_it_was_made_from() {
    let w = Workdir::new();
    let dir = w.path().join("vendor");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("LISTE_BV.csv"),
        "code_bureau;libelle;code_commune\n0001;Mairie;38185\n0002;École Jaurès;38185\n",
    )
    .unwrap();
    let run = w.run(&["profile", "suggest", dir.to_str().unwrap(), "-o", "suggested.toml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let toml = std::fs::read_to_string(w.path().join("suggested.toml")).unwrap();
    assert!(toml.contains("dataset = \"bureaux\""), "{toml}");
    let verified = w.verify(&dir, &["--profile", "suggested.toml"]);
    let d = dataset(verified.report(), "bureaux");
    assert_eq!((d["records"].as_u64(), d["invalid"].as_u64()), (Some(2), Some(0)));
    let show = w.run(&["profile", "show", "reu"]);
    assert!(show.stdout.contains("name = \"reu\""));
    let list = w.run(&["profile", "list"]);
    for p in ["reversa-v1", "reu", "e-listelec", "insee-deces"] {
        assert!(list.stdout.contains(p), "{}", list.stdout);
    }
}

/// A minimal XLSX workbook with one sheet of inline strings (rows of cells, first row header).
pub fn xlsx(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006";
    let mut data = String::new();
    for (r, row) in rows.iter().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                let cell = format!("{}{}", (b'A' + c as u8) as char, r + 1);
                data.push_str(&format!(r#"<c r="{cell}" t="inlineStr"><is><t>{v}</t></is></c>"#));
            }
        }
        data.push_str("</row>");
    }
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PKG}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#
            ),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>"#
            ),
        ),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn spreadsheets_and_xml_of_reversa_v1_are_read_with_their_positions() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    let rows: &[&[&str]] =
        &[&["code_bureau", "libelle", "code_commune"], &["0001", "Mairie", "38185"], &["0002", "", "2C185"]];
    std::fs::write(dir.join("bureaux.xlsx"), xlsx("bureaux", rows)).unwrap();
    std::fs::write(
        dir.join("mouvements.xml"),
        "<?xml version=\"1.0\"?>\n<mouvements>\n  <mouvement id_mouvement=\"MV-1\">\n    <id_electeur>EL-1</id_electeur>\n    <type_mouvement>inscription</type_mouvement>\n    <date_mouvement>2024-09-19</date_mouvement>\n  </mouvement>\n  <mouvement>\n    <id_mouvement>MV-2</id_mouvement>\n    <id_electeur>EL-2</id_electeur>\n    <type_mouvement>radiation</type_mouvement>\n    <date_mouvement>2024-13-01</date_mouvement>\n  </mouvement>\n</mouvements>\n",
    )
    .unwrap();
    let run = w.verify(&dir, &["--profile", "reversa-v1"]);
    let b = dataset(run.report(), "bureaux");
    assert_eq!((b["records"].as_u64(), b["invalid"].as_u64()), (Some(2), Some(1)), "{b:#}");
    assert_eq!(b["files"][0]["reader"], "xlsx");
    assert_eq!(b["files"][0]["sheets"], serde_json::json!(["bureaux"]));
    let rules: Vec<(&str, &str)> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("code_commune", "pattern"), ("libelle", "required")]);
    let at = &b["errors"][0]["locations"][0];
    assert_eq!((at["sheet"].as_str(), at["row"].as_u64()), (Some("bureaux"), Some(3)));
    let m = dataset(run.report(), "mouvements");
    assert_eq!(m["files"][0]["reader"], "xml");
    // The attribute form (`@id_mouvement`) is not the field: the first record lacks its key;
    // the second has a date that does not exist.
    assert_eq!((m["records"].as_u64(), m["invalid"].as_u64()), (Some(2), Some(2)), "{m:#}");
    let rules: Vec<(&str, &str)> = m["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("date_mouvement", "format:date"), ("id_mouvement", "required")]);
    assert!(m["files"][0]["unused_columns"].as_array().unwrap().iter().any(|c| c == "@id_mouvement"));
    let date = m["errors"].as_array().unwrap().iter().find(|e| e["field"] == "date_mouvement").unwrap();
    assert_eq!(date["locations"][0]["row"], 8, "the line where the record starts");
}

/// Group labels come from the records: a hostile export with one group per record cannot
/// flood the report — past 100 groups with gaps, one summary finding carries the rest.
#[test]
fn sequence_gaps_are_capped_per_dataset() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("id_acte,type_acte,numero_acte,annee,code_commune\n");
    for i in 0..150 {
        csv.push_str(&format!("AC-{i},transcription,2,{},38185\n", 1800 + i));
    }
    std::fs::write(dir.join("actes.csv"), csv).unwrap();
    let run = w.verify(&dir, &["--profile", "reversa-v1"]);
    let gaps = run.findings("records.sequence-gap");
    assert_eq!(gaps.len(), 101, "100 groups one by one, then one summary");
    assert!(gaps.iter().any(|f| f["params"]["group"].as_str().unwrap().starts_with("50 ")));
    let actes = dataset(run.report(), "actes");
    let seq = actes["cross"].as_array().unwrap().iter().find(|c| c["rule"] == "sequence").unwrap();
    assert_eq!(seq["violations"], 150, "the total counts every group");
    assert_eq!(seq["gaps"].as_array().unwrap().len(), 100);
}

/// A file without header read as if it had one: its first row would be taken for column names.
/// Those are record values, and never reach the report: the columns are shown by position.
#[test]
fn a_first_row_of_data_is_not_shown_as_column_names() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("electeurs.csv"),
        "EL-1,LP,Zanzibar,,Philibertine,F,1970-01-02,0001\nEL-2,LP,Durand,,Paul,M,1971-01-02,0001\n",
    )
    .unwrap();
    let run = w.verify(&dir, &["--profile", "reversa-v1"]);
    let report = std::fs::read_to_string(w.path().join("out/report.json")).unwrap();
    let html = std::fs::read_to_string(w.path().join("out/report.html")).unwrap();
    for secret in ["Zanzibar", "Philibertine", "1970-01-02"] {
        assert!(
            !report.contains(secret) && !html.contains(secret) && !run.stdout.contains(secret),
            "{secret} leaked"
        );
    }
    let f = &dataset(run.report(), "electeurs")["files"][0];
    assert_eq!(f["columns"][0], "#1");
    assert_eq!(f["unused_columns"].as_array().unwrap().len(), 8);
}
