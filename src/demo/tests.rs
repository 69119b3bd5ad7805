//! Tests of the sample-export generator: determinism, containers, manifests, defects and the
//! consistency of the generated data.

use super::common::{Rand, Spreader, civil, cp1252_byte, days, decode_cp1252};
use super::datasets::nir_key;
use super::words;
use super::*;
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::Read;

fn opts(records: usize, package: Package, container: DemoContainer, defects: &[Defect]) -> DemoOptions {
    DemoOptions { records, package, container, defects: defects.to_vec(), ..DemoOptions::default() }
}

/// The entries of an export, in archive order.
fn entries(export: &DemoExport) -> Vec<(String, Vec<u8>)> {
    let path = &export.path;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let mut out = Vec::new();
    if path.is_dir() {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
            let mut items: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
            items.sort();
            for p in items {
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_str().unwrap().replace('\\', "/");
                    out.push((rel, fs::read(&p).unwrap()));
                }
            }
        }
        walk(path, path, &mut out);
    } else if name.ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            out.push((f.name().unwrap().to_string(), bytes));
        }
    } else {
        let file = File::open(path).unwrap();
        let reader: Box<dyn Read> = if name.ends_with(".tar.gz") {
            Box::new(flate2::read::GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut tar = tar::Archive::new(reader);
        for e in tar.entries().unwrap() {
            let mut e = e.unwrap();
            assert_eq!(e.header().mtime().unwrap(), 1_767_225_600);
            let p = e.path().unwrap().to_str().unwrap().to_string();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            out.push((p, bytes));
        }
    }
    out
}

fn map(entries: &[(String, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
    entries.iter().cloned().collect()
}

fn sha256(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn sha512(b: &[u8]) -> String {
    hex::encode(Sha512::digest(b))
}

/// A parsed CSV file.
struct Table {
    cols: HashMap<String, usize>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn parse(bytes: &[u8]) -> Table {
        let mut r = csv::Reader::from_reader(bytes);
        let cols = r.headers().unwrap().iter().enumerate().map(|(i, h)| (h.to_string(), i)).collect();
        let rows = r.records().map(|r| r.unwrap()).collect();
        Table { cols, rows }
    }

    fn col<'a>(&self, row: &'a csv::StringRecord, name: &str) -> &'a str {
        &row[*self.cols.get(name).unwrap_or_else(|| panic!("no column {name}"))]
    }

    fn ids(&self, name: &str) -> BTreeSet<String> {
        self.rows.iter().map(|r| self.col(r, name).to_string()).collect()
    }
}

fn write(dir: &Path, o: &DemoOptions) -> (DemoExport, Vec<(String, Vec<u8>)>) {
    let export = write_demo(dir, o).unwrap();
    let e = entries(&export);
    (export, e)
}

#[test]
fn names_round_trip() {
    for &d in Defect::ALL {
        assert_eq!(Defect::parse(d.as_str()), Some(d));
        assert_eq!(d.to_string(), d.as_str());
    }
    assert_eq!(Defect::parse("non-utf8-csv"), Some(Defect::NonUtf8Csv));
    assert_eq!(Defect::parse("nope"), None);
    for &p in Package::ALL {
        assert_eq!(Package::parse(p.as_str()), Some(p));
    }
    for &c in DemoContainer::ALL {
        assert_eq!(DemoContainer::parse(c.as_str()), Some(c));
    }
    let d = DemoOptions::default();
    assert_eq!((d.records, d.seed, d.package, d.container), (3000, 42, Package::Reversa, DemoContainer::Zip));
    assert_eq!(d.commune, ("38185".to_string(), "Grenoble".to_string()));
}

#[test]
fn dates_and_spreader() {
    for z in [-800_000, -1, 0, 1, 10_957, 20_454, 60_000] {
        let (y, m, d) = civil(z);
        assert_eq!(days(y, m, d), z);
    }
    assert_eq!(days(2026, 1, 1), 20_454);
    let mut rng = Rand::new(7, 0);
    for (total, parents) in [(0, 5), (3, 10), (10, 10), (11, 10), (1000, 26), (140, 60), (5, 1)] {
        let mut s = Spreader::new(total, parents);
        let counts: Vec<u64> = (0..parents).map(|_| s.next(&mut rng)).collect();
        assert_eq!(counts.iter().sum::<u64>(), total, "{total} over {parents}");
        if total >= parents {
            assert!(counts.iter().all(|c| *c >= 1));
        } else {
            assert!(counts.iter().all(|c| *c <= 1));
        }
    }
}

#[test]
fn word_lists_encode_in_windows_1252() {
    let mut all: Vec<&str> = Vec::new();
    for list in [
        words::PRENOMS_F,
        words::PRENOMS_M,
        words::NOMS,
        words::VOIES,
        words::PROFESSIONS,
        words::OFFICIERS,
        words::LIEUX_VOTE,
        words::MOTIFS_ACCORD,
        words::MOTIFS_REFUS,
        words::MOTIFS_INSCRIPTION,
        words::MOTIFS_RADIATION,
    ] {
        all.extend_from_slice(list);
    }
    all.extend(words::COMMUNES_NAISSANCE.iter().map(|c| c.0));
    for p in words::PAYS {
        all.extend([p.nom, p.nationalite]);
        all.extend_from_slice(p.villes);
    }
    for w in all {
        assert!(w.chars().all(|c| cp1252_byte(c).is_some()), "{w} has no Windows-1252 form");
    }
    assert!(words::PRENOMS_F.len() + words::PRENOMS_M.len() >= 60 && words::NOMS.len() >= 60);
}

#[test]
fn deterministic_per_seed() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for container in [DemoContainer::Zip, DemoContainer::TarGz] {
        let o = opts(300, Package::Bagit, container, &[Defect::NonUtf8Csv]);
        let x = write_demo(a.path(), &o).unwrap();
        let y = write_demo(b.path(), &o).unwrap();
        assert_eq!(x.path.file_name(), y.path.file_name());
        assert_eq!(fs::read(&x.path).unwrap(), fs::read(&y.path).unwrap());
        assert_eq!(x.files, y.files);
        let z = write_demo(b.path(), &DemoOptions { seed: 43, ..o.clone() }).unwrap();
        assert_ne!(fs::read(&x.path).unwrap(), fs::read(&z.path).unwrap());
    }
    let x = write_demo(a.path(), &DemoOptions { records: 50, ..DemoOptions::default() }).unwrap();
    assert_eq!(x.path, a.path().join("export-38185-42.zip"));
    // Nothing but the exports is left behind.
    let mut left: Vec<String> =
        fs::read_dir(a.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["export-38185-42.tar.gz", "export-38185-42.zip"]);
}

#[test]
fn containers_hold_the_same_entries() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/out");
    let mut seen: Option<BTreeMap<String, Vec<u8>>> = None;
    for &container in DemoContainer::ALL {
        let (export, e) = write(&out, &opts(500, Package::Reversa, container, &[]));
        assert_eq!(export.path, out.join(format!("export-38185-42{}", container.extension())));
        if container != DemoContainer::Folder {
            assert_eq!(e[0].0, "manifest.json", "{container:?}");
            let listed: Vec<(String, u64)> = e.iter().map(|(p, b)| (p.clone(), b.len() as u64)).collect();
            assert_eq!(listed, export.files);
        }
        let m = map(&e);
        if let Some(prev) = &seen {
            assert_eq!(prev, &m, "{container:?}");
        }
        seen = Some(m);
    }
    // Writing again replaces the folder.
    let again = write_demo(&out, &opts(500, Package::Reversa, DemoContainer::Folder, &[])).unwrap();
    assert_eq!(map(&entries(&again)), seen.unwrap());
}

#[test]
fn reversa_manifest_and_data_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let (export, e) = write(dir.path(), &DemoOptions::default());
    let m = map(&e);
    let manifest: serde_json::Value = serde_json::from_slice(&m["manifest.json"]).unwrap();
    assert_eq!(manifest["reversa_manifest"], "1");
    let schema_text = include_str!("../../schemas/manifest.schema.json");
    let schema: serde_json::Value = serde_json::from_str(schema_text).unwrap();
    assert!(jsonschema::is_valid(&schema, &manifest), "manifest.json follows the schema");
    assert_eq!(manifest["generator"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["commune"]["insee"], "38185");
    assert_eq!(manifest["created"], "2026-01-01T00:00:00Z");
    let files = manifest["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), m.len() - 1, "every file but the manifest is listed");
    for f in files {
        let bytes = &m[f["path"].as_str().unwrap()];
        assert_eq!(f["size"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(f["sha256"].as_str().unwrap(), sha256(bytes));
    }
    let datasets = manifest["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 11);
    for d in datasets {
        let name = d["name"].as_str().unwrap();
        let path = d["files"][0].as_str().unwrap();
        assert_eq!(path, format!("donnees/{name}.csv"));
        let rows = Table::parse(&m[path]).rows.len() as u64;
        assert_eq!(d["records"].as_u64().unwrap(), rows, "{name}");
        assert_eq!(export.records[name], rows);
    }
    let total: u64 = export.records.values().sum();
    assert!((2550..=3450).contains(&total), "{total} records for 3000");
    check_data(&m, "");
}

/// Checks the datasets' references and rules.
fn check_data(m: &BTreeMap<String, Vec<u8>>, prefix: &str) {
    let t = |name: &str| {
        let bytes = &m[&format!("{prefix}donnees/{name}.csv")];
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
        assert!(!bytes.contains(&b'\r'));
        Table::parse(bytes)
    };
    let (actes, mentions, pieces) = (t("actes"), t("mentions"), t("pieces"));
    let (foyers, personnes, demandes, decisions, paiements) =
        (t("foyers"), t("personnes"), t("demandes"), t("decisions"), t("paiements"));
    let (electeurs, bureaux, mouvements) = (t("electeurs"), t("bureaux"), t("mouvements"));
    let date = |s: &str| {
        assert!(s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-', "date {s:?}");
        let (y, mo, d) = (s[..4].parse().unwrap(), s[5..7].parse().unwrap(), s[8..].parse().unwrap());
        let z = days(y, mo, d);
        assert_eq!(civil(z), (y, mo, d), "date {s}");
        z
    };

    // Civil status.
    let acte_ids = actes.ids("id_acte");
    assert_eq!(acte_ids.len(), actes.rows.len());
    let mut event_of = HashMap::new();
    let mut numbers: BTreeMap<(String, String), Vec<u64>> = BTreeMap::new();
    for r in &actes.rows {
        let ty = actes.col(r, "type_acte");
        assert!(["naissance", "reconnaissance", "mariage", "deces", "transcription"].contains(&ty));
        let ev = date(actes.col(r, "date_evenement"));
        assert_eq!(actes.col(r, "annee"), &actes.col(r, "date_evenement")[..4]);
        assert!(date(actes.col(r, "date_redaction")) >= ev);
        assert!(date(actes.col(r, "date_naissance")) <= ev);
        let h = actes.col(r, "heure_evenement");
        assert!(h.len() == 5 && h[..2].parse::<u32>().unwrap() < 24 && h[3..].parse::<u32>().unwrap() < 60);
        assert!(["M", "F"].contains(&actes.col(r, "sexe")));
        assert_eq!(actes.col(r, "code_commune"), "38185");
        assert_eq!(actes.col(r, "code_lieu_naissance").len(), 5);
        assert_eq!(ty == "mariage", !actes.col(r, "nom_conjoint").is_empty(), "conjoint only for mariage");
        assert_eq!(ty == "mariage", !actes.col(r, "prenoms_conjoint").is_empty());
        event_of.insert(actes.col(r, "id_acte").to_string(), ev);
        numbers
            .entry((actes.col(r, "annee").to_string(), ty.to_string()))
            .or_default()
            .push(actes.col(r, "numero_acte").parse().unwrap());
    }
    for (key, mut n) in numbers {
        n.sort_unstable();
        assert_eq!(n, (1..=n.len() as u64).collect::<Vec<_>>(), "numbering of {key:?}");
    }
    for r in &mentions.rows {
        let ev = event_of[mentions.col(r, "id_acte")];
        assert!(date(mentions.col(r, "date_mention")) >= ev);
        assert!(!mentions.col(r, "texte").is_empty());
    }
    for r in &pieces.rows {
        assert!(acte_ids.contains(pieces.col(r, "id_acte")));
        let chemin = pieces.col(r, "chemin");
        assert_eq!(chemin, format!("{prefix}pieces/{}.pdf", pieces.col(r, "id_piece")));
        assert!(m[chemin].starts_with(b"%PDF-1.4\n"), "{chemin}");
        assert_eq!(pieces.col(r, "format"), "application/pdf");
    }

    // CCAS.
    let foyer_ids = foyers.ids("id_foyer");
    let mut members: HashMap<&str, u64> = HashMap::new();
    let mut foyer_of = HashMap::new();
    for r in &personnes.rows {
        let f = personnes.col(r, "id_foyer");
        assert!(foyer_ids.contains(f));
        *members.entry(f).or_default() += 1;
        foyer_of.insert(personnes.col(r, "id_personne"), f);
        assert!(["demandeur", "conjoint", "enfant", "autre"].contains(&personnes.col(r, "lien")));
        date(personnes.col(r, "date_naissance"));
        let nir = personnes.col(r, "nir");
        if !nir.is_empty() {
            assert!(nir.len() == 15 && nir.bytes().all(|b| b.is_ascii_digit()), "{nir}");
            let first: u64 = nir[..13].parse().unwrap();
            assert_eq!(nir[13..].parse::<u64>().unwrap(), nir_key(first), "{nir}");
            assert_eq!(&nir[..1], if personnes.col(r, "sexe") == "M" { "1" } else { "2" });
        }
    }
    let with_nir = personnes.rows.iter().filter(|r| !personnes.col(r, "nir").is_empty()).count();
    if personnes.rows.len() >= 100 {
        assert!(with_nir * 100 >= personnes.rows.len() * 50 && with_nir < personnes.rows.len());
    }
    for r in &foyers.rows {
        let n: u64 = foyers.col(r, "nombre_personnes").parse().unwrap();
        assert_eq!(n, members[foyers.col(r, "id_foyer")]);
        assert!(foyers.col(r, "quotient_familial").contains('.'));
    }
    let mut asked = HashMap::new();
    for r in &demandes.rows {
        let p = demandes.col(r, "id_personne");
        assert_eq!(foyer_of[p], demandes.col(r, "id_foyer"));
        let d = date(demandes.col(r, "date_demande"));
        let statut = demandes.col(r, "statut");
        assert_eq!(statut == "close", !demandes.col(r, "date_cloture").is_empty());
        asked.insert(demandes.col(r, "id_demande"), (d, statut));
    }
    let mut decided = HashMap::new();
    for r in &decisions.rows {
        let (d, statut) = asked[decisions.col(r, "id_demande")];
        assert_ne!(statut, "en_cours");
        let dd = date(decisions.col(r, "date_decision"));
        assert!(dd >= d);
        let montant = decisions.col(r, "montant_accorde");
        let cents: u64 = montant.replace('.', "").parse().unwrap();
        match decisions.col(r, "resultat") {
            "refus" => assert_eq!(montant, "0.00"),
            "accord" => {
                assert!(cents > 0);
                decided.insert(decisions.col(r, "id_decision"), (dd, cents));
            }
            other => panic!("resultat {other}"),
        }
    }
    let decided_count = asked.values().filter(|(_, s)| *s != "en_cours").count();
    assert_eq!(decided_count, decisions.rows.len());
    let mut paid: HashMap<&str, u64> = HashMap::new();
    for r in &paiements.rows {
        let (dd, _) = decided[paiements.col(r, "id_decision")];
        assert!(date(paiements.col(r, "date_paiement")) >= dd);
        *paid.entry(paiements.col(r, "id_decision")).or_default() +=
            paiements.col(r, "montant").replace('.', "").parse::<u64>().unwrap();
        assert!(["virement", "cheque", "bon"].contains(&paiements.col(r, "mode")));
    }
    for (id, cents) in paid {
        assert_eq!(cents, decided[id].1, "payments of {id}");
    }

    // Electoral roll.
    let codes = bureaux.ids("code_bureau");
    assert_eq!(codes.iter().next().map(String::as_str), Some("0001"));
    let roll_limit = days(2008, 3, 1);
    for r in &electeurs.rows {
        assert!(codes.contains(electeurs.col(r, "code_bureau")));
        assert!(date(electeurs.col(r, "date_naissance")) <= roll_limit, "18 on 2026-03-01");
        let liste = electeurs.col(r, "type_liste");
        let nat = electeurs.col(r, "nationalite");
        match liste {
            "LP" => assert_eq!(nat, "FRANCAISE"),
            "LCM" | "LCE" => assert_ne!(nat, "FRANCAISE"),
            other => panic!("liste {other}"),
        }
    }
    let lp = electeurs.rows.iter().filter(|r| electeurs.col(r, "type_liste") == "LP").count();
    if electeurs.rows.len() >= 100 {
        assert!(lp * 100 >= electeurs.rows.len() * 80);
    }
    let electeur_ids = electeurs.ids("id_electeur");
    for r in &mouvements.rows {
        assert!(electeur_ids.contains(mouvements.col(r, "id_electeur")));
        assert!(["inscription", "radiation"].contains(&mouvements.col(r, "type_mouvement")));
        date(mouvements.col(r, "date_mouvement"));
    }
    if actes.rows.len() >= 100 {
        let all = String::from_utf8_lossy(&m[&format!("{prefix}donnees/actes.csv")]).into_owned();
        assert!(all.contains('é') && all.contains('è'), "accents present");
    }
}

#[test]
fn tiny_exports_fill_every_dataset() {
    let dir = tempfile::tempdir().unwrap();
    for records in [0, 1, 100] {
        let (export, e) = write(dir.path(), &opts(records, Package::Bare, DemoContainer::Folder, &[]));
        assert_eq!(export.records.len(), 11);
        for (name, n) in &export.records {
            assert!(*n >= 1, "{name} empty for {records} records");
        }
        let m = map(&e);
        assert!(!m.contains_key("manifest.json"));
        check_data(&m, "");
    }
}

fn bag_lines(text: &[u8]) -> Vec<(String, String)> {
    std::str::from_utf8(text)
        .unwrap()
        .lines()
        .map(|l| {
            let (d, p) = l.split_once("  ").unwrap();
            (d.to_string(), p.to_string())
        })
        .collect()
}

#[test]
fn bagit_bag_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (export, e) = write(dir.path(), &opts(600, Package::Bagit, DemoContainer::Tar, &[]));
    let order: Vec<&str> = e.iter().take(5).map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        order,
        ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt"]
    );
    let m = map(&e);
    assert_eq!(m["bagit.txt"], b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    let payload: Vec<(&String, &Vec<u8>)> = m.iter().filter(|(p, _)| p.starts_with("data/")).collect();
    assert_eq!(payload.len() + 5, m.len());
    let octets: usize = payload.iter().map(|(_, b)| b.len()).sum();
    let info = String::from_utf8(m["bag-info.txt"].clone()).unwrap();
    assert!(info.contains(&format!("Payload-Oxum: {octets}.{}\n", payload.len())), "{info}");
    assert!(info.contains("Source-Organization: Commune de Grenoble\n"));
    for (name, hash) in
        [("manifest-sha256.txt", sha256 as fn(&[u8]) -> String), ("manifest-sha512.txt", sha512)]
    {
        let lines = bag_lines(&m[name]);
        assert_eq!(lines.len(), payload.len());
        for (d, p) in lines {
            assert_eq!(d, hash(&m[&p]), "{name} {p}");
        }
    }
    let tags = bag_lines(&m["tagmanifest-sha256.txt"]);
    assert_eq!(tags.len(), 4);
    for (d, p) in tags {
        assert_eq!(d, sha256(&m[&p]));
    }
    assert_eq!(export.records.len(), 11);
    check_data(&m, "data/");
}

/// `(uri, sha512, size)` of each BinaryDataObject of a SEDA manifest.
fn seda_objects(xml: &str) -> Vec<(String, String, u64)> {
    let inner = |s: &str, open: &str, close: &str| -> String {
        let a = s.find(open).unwrap() + open.len();
        let b = s[a..].find(close).unwrap() + a;
        s[a..b].to_string()
    };
    xml.split("<BinaryDataObject ")
        .skip(1)
        .map(|obj| {
            (
                inner(obj, "<Uri>", "</Uri>"),
                inner(obj, "<MessageDigest algorithm=\"SHA-512\">", "</MessageDigest>"),
                inner(obj, "<Size>", "</Size>").parse().unwrap(),
            )
        })
        .collect()
}

fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
}

#[test]
fn seda_transfer_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (_, e) =
        write(dir.path(), &opts(600, Package::Seda, DemoContainer::Zip, &[Defect::ProprietaryFormat]));
    assert_eq!(e[0].0, "manifest.xml");
    let m = map(&e);
    let xml = String::from_utf8(m["manifest.xml"].clone()).unwrap();
    well_formed(&xml);
    assert!(xml.contains("<ArchiveTransfer xmlns=\"fr:gouv:culture:archivesdefrance:seda:v2.1\">"));
    let objects = seda_objects(&xml);
    assert_eq!(objects.len(), m.len() - 1);
    for (uri, digest, size) in &objects {
        assert!(uri.starts_with("Content/"));
        assert_eq!(*digest, sha512(&m[uri]), "{uri}");
        assert_eq!(*size, m[uri].len() as u64);
    }
    assert_eq!(xml.matches("<ArchiveUnit ").count(), objects.len());
    assert_eq!(xml.matches("<DataObjectVersion>BinaryMaster_1</DataObjectVersion>").count(), objects.len());
    assert!(xml.contains("<FormatId>x-fmt/18</FormatId>") && xml.contains("<FormatId>fmt/354</FormatId>"));
    assert!(xml.contains("<FormatId>fmt/61</FormatId>"));
    assert!(xml.contains("&apos;") || xml.contains("d&apos;"), "titles escaped");
    check_data(&m, "Content/");
}

#[test]
fn scans_look_like_pdf_a() {
    let dir = tempfile::tempdir().unwrap();
    let (_, e) = write(dir.path(), &opts(300, Package::Bare, DemoContainer::Folder, &[]));
    let pdfs: Vec<&(String, Vec<u8>)> = e.iter().filter(|(p, _)| p.ends_with(".pdf")).collect();
    assert_eq!(pdfs.len(), 6);
    for (path, pdf) in pdfs {
        assert!(pdf.starts_with(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"), "{path}");
        assert!((2000..8000).contains(&pdf.len()), "{path}: {} bytes", pdf.len());
        let text = String::from_utf8_lossy(pdf);
        assert!(text.contains("<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"));
        assert!(text.contains("(Acte n\\260 "));
        assert!(text.ends_with("%%EOF\n"));
        let startxref: usize =
            text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n0 8\n"));
        let table = std::str::from_utf8(&pdf[startxref..]).unwrap();
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(pdf[off..].starts_with(format!("{} 0 obj\n", i + 1).as_bytes()), "{path} obj {}", i + 1);
        }
        for line in table.lines().skip(2).take(8) {
            assert_eq!(line.len() + 1, 20, "xref entries are 20 bytes");
        }
        // Stream lengths are exact.
        let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
        let mut at = 0;
        let mut streams = 0;
        while let Some(i) = find(&pdf[at..], b"/Length ") {
            let num = &pdf[at + i + 8..];
            let digits = num.iter().take_while(|b| b.is_ascii_digit()).count();
            let len: usize = std::str::from_utf8(&num[..digits]).unwrap().parse().unwrap();
            let start = at + i + find(&pdf[at + i..], b"stream\n").unwrap() + 7;
            assert!(pdf[start + len..].starts_with(b"\nendstream"), "{path}");
            at = start + len;
            streams += 1;
        }
        assert_eq!(streams, 2);
    }
}

#[test]
fn defect_digest_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let d = &[Defect::DigestMismatch];
    let (_, e) = write(dir.path(), &opts(400, Package::Reversa, DemoContainer::Zip, d));
    let m = map(&e);
    let manifest: serde_json::Value = serde_json::from_slice(&m["manifest.json"]).unwrap();
    for f in manifest["files"].as_array().unwrap() {
        let p = f["path"].as_str().unwrap();
        assert_eq!(f["sha256"].as_str().unwrap() == sha256(&m[p]), p != "donnees/bureaux.csv", "{p}");
        assert_eq!(f["size"].as_u64().unwrap(), m[p].len() as u64);
    }

    let (_, e) = write(dir.path(), &opts(400, Package::Bagit, DemoContainer::Zip, d));
    let m = map(&e);
    for (d, p) in bag_lines(&m["manifest-sha256.txt"]) {
        assert_eq!(d == sha256(&m[&p]), p != "data/donnees/bureaux.csv", "{p}");
    }
    for (d, p) in
        bag_lines(&m["manifest-sha512.txt"]).into_iter().chain(bag_lines(&m["tagmanifest-sha256.txt"]))
    {
        let hash = if d.len() == 128 { sha512(&m[&p]) } else { sha256(&m[&p]) };
        assert_eq!(d, hash, "{p}");
    }

    let (_, e) = write(dir.path(), &opts(400, Package::Seda, DemoContainer::Zip, d));
    let m = map(&e);
    for (uri, digest, _) in seda_objects(std::str::from_utf8(&m["manifest.xml"]).unwrap()) {
        assert_eq!(digest == sha512(&m[&uri]), uri != "Content/donnees/bureaux.csv", "{uri}");
    }
}

#[test]
fn defect_missing_and_unlisted_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = &[Defect::MissingFile, Defect::UnlistedFile];
    let (export, e) = write(dir.path(), &opts(400, Package::Reversa, DemoContainer::TarGz, d));
    let m = map(&e);
    let manifest: serde_json::Value = serde_json::from_slice(&m["manifest.json"]).unwrap();
    let listed: BTreeSet<&str> =
        manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(listed.contains("donnees/mouvements.csv") && !m.contains_key("donnees/mouvements.csv"));
    assert!(m.contains_key("donnees/notes-internes.txt") && !listed.contains("donnees/notes-internes.txt"));
    assert!(!export.records.contains_key("mouvements"));
    assert!(manifest["datasets"].as_array().unwrap().iter().any(|d| d["name"] == "mouvements"));
    let unlisted: Vec<&String> =
        m.keys().filter(|p| *p != "manifest.json" && !listed.contains(p.as_str())).collect();
    assert_eq!(unlisted, ["donnees/notes-internes.txt"]);
    let missing: Vec<&&str> = listed.iter().filter(|p| !m.contains_key(**p)).collect();
    assert_eq!(missing, [&"donnees/mouvements.csv"]);

    let (_, e) = write(dir.path(), &opts(400, Package::Bagit, DemoContainer::Folder, d));
    let m = map(&e);
    let bag: BTreeSet<String> = bag_lines(&m["manifest-sha256.txt"]).into_iter().map(|(_, p)| p).collect();
    assert!(bag.contains("data/donnees/mouvements.csv") && !m.contains_key("data/donnees/mouvements.csv"));
    assert!(
        m.contains_key("data/donnees/notes-internes.txt") && !bag.contains("data/donnees/notes-internes.txt")
    );

    let (_, e) = write(dir.path(), &opts(400, Package::Seda, DemoContainer::Tar, d));
    let m = map(&e);
    let uris: BTreeSet<String> =
        seda_objects(std::str::from_utf8(&m["manifest.xml"]).unwrap()).into_iter().map(|o| o.0).collect();
    assert!(
        uris.contains("Content/donnees/mouvements.csv") && !m.contains_key("Content/donnees/mouvements.csv")
    );
    assert!(m.contains_key("Content/donnees/notes-internes.txt"));
    assert!(!uris.contains("Content/donnees/notes-internes.txt"));
}

#[test]
fn defect_proprietary_format() {
    let dir = tempfile::tempdir().unwrap();
    let (_, e) =
        write(dir.path(), &opts(300, Package::Reversa, DemoContainer::Zip, &[Defect::ProprietaryFormat]));
    let m = map(&e);
    let xls = &m["annexes/export-ccas.xls"];
    assert!(xls.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]));
    assert_eq!(xls.len() % 512, 0);
    let workbook: Vec<u8> = "Workbook".encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(xls.windows(workbook.len()).any(|w| w == workbook));
    let manifest: serde_json::Value = serde_json::from_slice(&m["manifest.json"]).unwrap();
    let f = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "annexes/export-ccas.xls")
        .unwrap();
    assert_eq!(f["sha256"].as_str().unwrap(), sha256(xls));
}

#[test]
fn defect_non_utf8_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (export, e) =
        write(dir.path(), &opts(400, Package::Reversa, DemoContainer::Zip, &[Defect::NonUtf8Csv]));
    let m = map(&e);
    let raw = &m["donnees/electeurs.csv"];
    assert!(std::str::from_utf8(raw).is_err(), "Windows-1252, not UTF-8");
    let text = decode_cp1252(raw);
    assert!(!text.contains('\u{FFFD}') && !text.contains('?'));
    let rows = Table::parse(text.as_bytes()).rows.len() as u64;
    assert_eq!(rows, export.records["electeurs"]);
    let manifest: serde_json::Value = serde_json::from_slice(&m["manifest.json"]).unwrap();
    let f =
        manifest["files"].as_array().unwrap().iter().find(|f| f["path"] == "donnees/electeurs.csv").unwrap();
    assert_eq!(f["sha256"].as_str().unwrap(), sha256(raw));
    // The other CSV files stay UTF-8, and the same seed gives the same roll otherwise.
    assert!(std::str::from_utf8(&m["donnees/actes.csv"]).is_ok());
    let (_, plain) = write(dir.path(), &opts(400, Package::Reversa, DemoContainer::Zip, &[]));
    assert_eq!(map(&plain)["donnees/electeurs.csv"], text.into_bytes());
}

#[test]
fn bad_commune_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["../38", "3818", "38185/", "ab123", "20123", "2C123"] {
        let o = DemoOptions { commune: (code.to_string(), "X".to_string()), ..DemoOptions::default() };
        assert!(write_demo(dir.path(), &o).is_err(), "{code}");
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    let o = DemoOptions {
        records: 200,
        commune: ("2A004".to_string(), "Ajaccio".to_string()),
        container: DemoContainer::Folder,
        ..DemoOptions::default()
    };
    let export = write_demo(dir.path(), &o).unwrap();
    assert_eq!(export.path, dir.path().join("export-2A004-42"));
}
