//! BagIt read the way RFC 8493 (and BagIt 0.97) and the reference tools judge bags. Every bag is
//! built here the way bagit-python 1.8 writes one (`bagit.txt` 0.97, manifests `<hex>  <path>`,
//! tag manifests `<hex> <path>`, `bag-info.txt` with Payload-Oxum), or the way `md5sum`, Finder
//! and Windows leave them, then changed one fault at a time.

use crate::workdir::{Run, Workdir, fixture};
use reversa::finding::Code;
use serde_json::Value;
use sha2::Digest;
use std::io::Write;
use std::path::PathBuf;

type Files = Vec<(String, Vec<u8>)>;

const DECL_097: &str = "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n";

fn digest(alg: &str, bytes: &[u8]) -> String {
    match alg {
        "md5" => hex::encode(md5::Md5::digest(bytes)),
        "sha256" => hex::encode(sha2::Sha256::digest(bytes)),
        "sha512" => hex::encode(sha2::Sha512::digest(bytes)),
        _ => unreachable!("{alg}"),
    }
}

/// The payload of every test bag: the clean demo bag's data (records reversa can check), and a
/// letter.
fn payload() -> Files {
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Files) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_str().unwrap().to_string();
                out.push((format!("data/{rel}"), std::fs::read(&p).unwrap()));
            }
        }
    }
    let base = fixture("clean-bagit/data");
    let mut files = vec![("data/courriers/lettre.txt".into(), b"Madame, Monsieur\n".to_vec())];
    walk(&base, &base, &mut files);
    files[1..].sort();
    files
}

/// `<hex><sep><path>` lines for `alg` over the payload files.
fn manifest_of(files: &Files, alg: &str, sep: &str) -> String {
    files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(p, b)| format!("{}{sep}{p}\n", digest(alg, b)))
        .collect()
}

/// A bag as bagit-python 1.8 writes it with `--sha256 --sha512`.
fn bagit_python(payload: Files) -> Files {
    let octets: usize = payload.iter().map(|(_, b)| b.len()).sum();
    let mut files = payload;
    let info = format!(
        "Bag-Software-Agent: bagit.py v1.8.1 <https://github.com/LibraryOfCongress/bagit-python>\n\
         Bagging-Date: 2024-05-02\nPayload-Oxum: {octets}.{}\n",
        files.len()
    );
    let (m256, m512) = (manifest_of(&files, "sha256", "  "), manifest_of(&files, "sha512", "  "));
    files.push(("bagit.txt".into(), DECL_097.into()));
    files.push(("bag-info.txt".into(), info.into_bytes()));
    files.push(("manifest-sha256.txt".into(), m256.into_bytes()));
    files.push(("manifest-sha512.txt".into(), m512.into_bytes()));
    retag(&mut files);
    files
}

/// Writes the tag manifests again over the tag files, as bagit-python does on save.
fn retag(files: &mut Files) {
    files.retain(|(p, _)| !p.starts_with("tagmanifest-"));
    for alg in ["sha256", "sha512"] {
        let mut lines = String::new();
        for (p, b) in files.iter().filter(|(p, _)| !p.starts_with("data/") && !p.starts_with("tagmanifest-"))
        {
            lines.push_str(&format!("{} {p}\n", digest(alg, b)));
        }
        files.push((format!("tagmanifest-{alg}.txt"), lines.into_bytes()));
    }
}

fn set(files: &mut Files, path: &str, bytes: impl Into<Vec<u8>>) {
    files.retain(|(p, _)| p != path);
    files.push((path.into(), bytes.into()));
}

fn remove(files: &mut Files, path: &str) {
    files.retain(|(p, _)| p != path);
}

fn folder(w: &Workdir, files: &Files) -> PathBuf {
    let dir = w.path().join("bag");
    for (p, b) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b).unwrap();
    }
    dir
}

/// A zip holding the bag in a top folder `bag/`, plus `extra` entries at the zip's root.
fn zip(w: &Workdir, files: &Files, extra: &[(&str, &[u8])]) -> PathBuf {
    let path = w.path().join("bag.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (p, b) in files {
        z.start_file(format!("bag/{p}"), opts).unwrap();
        z.write_all(b).unwrap();
    }
    for (p, b) in extra {
        z.start_file(*p, opts).unwrap();
        z.write_all(b).unwrap();
    }
    z.finish().unwrap();
    path
}

/// Both forms of the same bag: a folder and a zip.
fn both(files: &Files, check: impl Fn(&str, &Run)) {
    let w = Workdir::new();
    check("folder", &w.verify(&folder(&w, files), &[]));
    let w = Workdir::new();
    check("zip", &w.verify(&zip(&w, files, &[]), &[]));
}

/// A finding's attribution: from the report when it carries one, else from the catalogue.
fn attribution(f: &Value) -> String {
    if let Some(a) = f["attribution"].as_str() {
        return a.into();
    }
    let code = f["code"].as_str().unwrap();
    Code::ALL.iter().find(|c| c.as_str() == code).unwrap().attribution().as_str().into()
}

/// The one finding of `code`, with its severity and attribution checked.
fn one(run: &Run, code: &str, severity: &str, who: &str) -> Value {
    let found = run.findings(code);
    assert_eq!(found.len(), 1, "{code}: {:?}", run.codes());
    let f = found[0].clone();
    assert_eq!(f["severity"], severity, "{code}");
    assert_eq!(attribution(&f), who, "{code}");
    f
}

fn fixity_status(run: &Run) -> String {
    let checks = run.report()["checks"].as_array().unwrap();
    checks.iter().find(|c| c["id"] == "fixity").unwrap()["status"].as_str().unwrap().into()
}

/// Codes of fixity's own area (`manifest.*`, `fixity.*`).
fn fixity_codes(run: &Run) -> Vec<String> {
    let mut codes: Vec<String> =
        run.codes().into_iter().filter(|c| c.starts_with("manifest.") || c.starts_with("fixity.")).collect();
    codes.sort();
    codes
}

#[test]
fn bags_as_bagit_python_writes_them_are_satisfiable() {
    both(&bagit_python(payload()), |form, run| {
        assert_eq!(run.verdict(), "satisfiable", "{form}: {:?}", run.codes());
        assert_eq!(fixity_codes(run), Vec::<String>::new(), "{form}");
        assert_eq!(fixity_status(run), "pass", "{form}");
        let m = &run.report()["manifest"];
        assert_eq!((m["kind"].as_str(), m["version"].as_str()), (Some("bagit"), Some("0.97")), "{form}");
        assert_eq!(m["declared_files"], payload().len());
    });
}

#[test]
fn a_bom_in_bagit_txt_makes_the_bag_invalid() {
    let mut files = bagit_python(payload());
    set(&mut files, "bagit.txt", format!("\u{feff}{DECL_097}"));
    retag(&mut files);
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "not-satisfiable", "{form}");
        let f = one(run, "manifest.bagit-declaration", "error", "export");
        assert_eq!(f["params"]["problem"], "byte-order-mark");
        assert!(f["message"].as_str().unwrap().contains("marque d'ordre des octets"), "{f}");
        assert_eq!(run.report()["manifest"]["status"], "invalid");
    });
}

#[test]
fn bagit_txt_must_be_written_exactly() {
    for (decl, problem) in [
        ("BagIt-Version:0.97\nTag-File-Character-Encoding: UTF-8\n", "spacing"),
        ("Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 0.97\n", "order"),
        ("BagIt-version: 0.97\nTag-File-Character-Encoding: UTF-8\n", "label-spelling"),
        ("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\nBag-Size: 1 KB\n", "extra-line"),
    ] {
        let mut files = bagit_python(payload());
        set(&mut files, "bagit.txt", decl);
        retag(&mut files);
        let w = Workdir::new();
        let run = w.verify(&folder(&w, &files), &[]);
        assert_eq!(run.verdict(), "not-satisfiable", "{decl:?}");
        let f = one(&run, "manifest.bagit-declaration", "error", "export");
        assert_eq!(f["params"]["problem"], problem, "{decl:?}");
        assert!(!f["message"].as_str().unwrap().contains("Bag-Size"), "no file content in messages");
        // Its files are still checked: nothing else is reported.
        assert_eq!(fixity_codes(&run), vec!["manifest.bagit-declaration"], "{decl:?}");
    }
    // The English report says the same in English.
    let mut files = bagit_python(payload());
    set(&mut files, "bagit.txt", "BagIt-Version:0.97\nTag-File-Character-Encoding: UTF-8\n");
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &["--lang", "en"]);
    let f = one(&run, "manifest.bagit-declaration", "error", "export");
    assert!(f["message"].as_str().unwrap().contains("exactly one space must follow the colon"), "{f}");
}

/// `text` in ISO-8859-1 (every character below U+0100).
fn latin1(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()
}

#[test]
fn tag_files_are_read_in_the_encoding_bagit_txt_declares() {
    let mut payload = payload();
    payload.push(("data/résumé des actes.csv".into(), b"id\n1\n".to_vec()));
    let mut files = bagit_python(payload.clone());
    set(&mut files, "bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n");
    let info = String::from_utf8(files.iter().find(|(p, _)| p == "bag-info.txt").unwrap().1.clone()).unwrap();
    set(&mut files, "bag-info.txt", latin1(&format!("{info}Contact-Name: Hélène Génin\n")));
    set(&mut files, "manifest-sha256.txt", latin1(&manifest_of(&payload, "sha256", "  ")));
    set(&mut files, "manifest-sha512.txt", latin1(&manifest_of(&payload, "sha512", "  ")));
    retag(&mut files);
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "satisfiable", "{form}: {:?}", run.codes());
        assert_eq!(fixity_codes(run), Vec::<String>::new(), "{form}");
    });

    // bagit-python with encoding="utf-16": a byte-order mark, then little-endian.
    let utf16 = |s: &str| -> Vec<u8> {
        [0xFF, 0xFE].into_iter().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect()
    };
    let mut files = bagit_python(payload.clone());
    set(&mut files, "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-16\n");
    for name in ["bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt"] {
        let text = String::from_utf8(files.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap();
        set(&mut files, name, utf16(&text));
    }
    retag(&mut files);
    for name in ["tagmanifest-sha256.txt", "tagmanifest-sha512.txt"] {
        let text = String::from_utf8(files.iter().find(|(p, _)| p == name).unwrap().1.clone()).unwrap();
        set(&mut files, name, utf16(&text));
    }
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(run.report()["manifest"]["declared_files"], payload.len());
    assert!(run.report()["manifest"]["payload_oxum"].is_string(), "bag-info.txt read in UTF-16");
}

#[test]
fn an_encoding_reversa_does_not_know_leaves_fixity_unverifiable() {
    let mut files = bagit_python(payload());
    set(&mut files, "bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: EBCDIC-CP-FR\n");
    retag(&mut files);
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "undetermined", "{form}: {:?}", run.codes());
        let f = one(run, "manifest.bagit-encoding", "error", "tool");
        assert_eq!(f["params"]["encoding"], "EBCDIC-CP-FR");
        assert_eq!(fixity_status(run), "unverifiable", "{form}");
        assert_eq!(run.report()["manifest"]["status"], "unverifiable", "{form}: not \"invalid\"");
        assert!(run.findings("fixity.unlisted-file").is_empty(), "{form}: the vendor is not blamed");
    });
}

#[test]
fn manifests_without_bagit_txt_are_an_invalid_bag_not_a_missing_manifest() {
    let mut files = bagit_python(payload());
    remove(&mut files, "bagit.txt");
    remove(&mut files, "tagmanifest-sha256.txt");
    remove(&mut files, "tagmanifest-sha512.txt");
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "not-satisfiable", "{form}");
        assert!(run.findings("manifest.absent").is_empty(), "{form}");
        let f = one(run, "manifest.bagit-declaration", "error", "export");
        assert_eq!(f["params"]["problem"], "absent");
        assert_eq!(run.report()["manifest"]["kind"], "bagit");
        // The files were still checked against the manifests.
        assert_eq!(fixity_codes(run), vec!["manifest.bagit-declaration"], "{form}");
    });
}

#[test]
fn md5sum_style_manifests_are_read_with_a_warning_and_still_checked() {
    let mut files = bagit_python(payload());
    remove(&mut files, "manifest-sha512.txt");
    // `md5sum -b data/*`: binary marker; the sha256 lines in upper case, one with a tab.
    let md5 = manifest_of(&files, "md5", " *");
    let sha: String = files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .enumerate()
        .map(|(i, (p, b))| {
            format!("{}{}{p}\n", digest("sha256", b).to_uppercase(), if i == 0 { "\t" } else { " *" })
        })
        .collect();
    set(&mut files, "manifest-md5.txt", md5);
    set(&mut files, "manifest-sha256.txt", sha);
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    let forms = run.findings("manifest.bagit-line-form");
    assert_eq!(forms.len(), 2, "one per manifest: {forms:?}");
    for f in &forms {
        assert_eq!((f["severity"].as_str(), attribution(f).as_str()), (Some("warning"), "export"));
        assert_eq!(f["params"]["problem"], "binary-marker");
    }
    assert_eq!(fixity_status(&run), "warn");

    // A changed file is still found, whatever the line's form.
    set(&mut files, "data/courriers/lettre.txt", b"Madame, Monsieur,\n".to_vec());
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    let found = run.findings("fixity.digest-mismatch");
    assert_eq!(found.len(), 2, "md5 and sha256: {found:?}");
    assert!(found.iter().all(|f| f["path"] == "data/courriers/lettre.txt" && attribution(f) == "export"));
}

#[test]
fn a_path_listed_twice_warns_with_one_digest_and_fails_with_two() {
    let mut files = bagit_python(payload());
    let m =
        String::from_utf8(files.iter().find(|(p, _)| p == "manifest-sha256.txt").unwrap().1.clone()).unwrap();
    let first = m.lines().next().unwrap().to_string();
    set(&mut files, "manifest-sha256.txt", format!("{m}{first}\n"));
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    let f = one(&run, "fixity.duplicate-line", "warning", "export");
    assert_eq!(f["path"], "data/courriers/lettre.txt");

    let other = format!("{}  data/courriers/lettre.txt", digest("sha256", b"something else"));
    set(&mut files, "manifest-sha256.txt", format!("{m}{other}\n"));
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    let f = one(&run, "fixity.duplicate-entry", "error", "export");
    assert_eq!(f["line"], payload().len() + 1);
}

#[test]
fn a_file_named_in_nfd_is_matched_to_its_nfc_manifest_line() {
    let nfd = "data/cafe\u{301} cre\u{300}me.csv".to_string(); // on disk, as macOS writes it
    let nfc = "data/caf\u{e9} cr\u{e8}me.csv"; // in the manifest
    let mut payload = payload();
    payload.push((nfd.clone(), b"x\n".to_vec()));
    let mut files = bagit_python(payload.clone());
    for alg in ["sha256", "sha512"] {
        let m = manifest_of(&payload, alg, "  ").replace(&nfd, nfc);
        set(&mut files, &format!("manifest-{alg}.txt"), m);
    }
    retag(&mut files);
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "satisfiable", "{form}: {:?}", run.codes());
        assert!(
            run.findings("fixity.missing-file").is_empty() && run.findings("fixity.unlisted-file").is_empty()
        );
        let found = run.findings("fixity.path-normalisation");
        assert_eq!(found.len(), 1, "{form}: one per declared file {found:?}");
        assert_eq!(found[0]["severity"], "warning");
        assert_eq!(attribution(&found[0]), "export");
    });
}

#[test]
fn operating_system_files_in_the_payload_are_warnings() {
    let mut files = bagit_python(payload());
    files.push(("data/.DS_Store".into(), b"\0\0\0\x01Bud1".to_vec()));
    files.push(("data/pieces/._acte 1.txt".into(), b"\0\x05\x16\x07".to_vec()));
    files.push(("data/pieces/Thumbs.db".into(), b"\xd0\xcf\x11\xe0".to_vec()));
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    let found = run.findings("fixity.os-file");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(|f| f["severity"] == "warning" && attribution(f) == "export"));
    assert!(run.findings("fixity.unlisted-file").is_empty());
    assert!(run.findings("fixity.payload-oxum").is_empty(), "debris is not counted in the Oxum");

    // Finder's "Compress": __MACOSX/ beside the bag's folder.
    let files = bagit_python(payload());
    let w = Workdir::new();
    let path = zip(&w, &files, &[("__MACOSX/bag/._bagit.txt", b"\0\x05\x16\x07")]);
    let run = w.verify(&path, &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(run.report()["manifest"]["kind"], "bagit");
    // An unlisted ordinary file is still an error.
    let mut files = bagit_python(payload());
    files.push(("data/notes.txt".into(), b"x".to_vec()));
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    one(&run, "fixity.unlisted-file", "error", "export");
}

#[test]
fn files_to_fetch_are_unverifiable_not_missing() {
    let remote = b"large scan".to_vec();
    let mut payload = payload();
    payload.push(("data/scans/registre.pdf".into(), remote));
    let mut files = bagit_python(payload);
    remove(&mut files, "data/scans/registre.pdf");
    // Without the Oxum, which counts the files to fetch too.
    set(&mut files, "bag-info.txt", "Bagging-Date: 2024-05-02\n");
    set(
        &mut files,
        "fetch.txt",
        "https://archives.example.fr/scans/registre.pdf 10 data/scans/registre.pdf\n",
    );
    retag(&mut files);
    both(&files, |form, run| {
        assert_eq!(run.verdict(), "undetermined", "{form}: {:?}", run.codes());
        let f = one(run, "fixity.fetch-pending", "error", "tool");
        assert!(f["path"].as_str().unwrap().ends_with("data/scans/registre.pdf"), "{f}");
        assert!(run.findings("fixity.missing-file").is_empty(), "{form}");
        assert_eq!(fixity_status(run), "unverifiable");
    });

    // A file absent and not in fetch.txt is still missing.
    let mut missing = files.clone();
    remove(&mut missing, "data/courriers/lettre.txt");
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &missing), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    assert_eq!(one(&run, "fixity.missing-file", "error", "export")["path"], "data/courriers/lettre.txt");

    // A fetch.txt line out of the payload, or malformed, makes the bag invalid.
    for (line, problem) in [
        ("https://archives.example.fr/x 10 ../../etc/passwd", "path-escape"),
        ("https://archives.example.fr/x 10 bag-info.txt", "outside-payload"),
        ("archives.example.fr/x 10 data/scans/registre.pdf", "url"),
        ("https://archives.example.fr/x dix data/scans/registre.pdf", "length"),
    ] {
        let mut bad = files.clone();
        set(&mut bad, "fetch.txt", format!("{line}\n"));
        retag(&mut bad);
        let w = Workdir::new();
        let run = w.verify(&folder(&w, &bad), &[]);
        assert_eq!(run.verdict(), "not-satisfiable", "{line}");
        let invalid = run.findings("manifest.bagit-fetch-invalid");
        assert!(invalid.iter().any(|f| f["params"]["problem"] == problem), "{line}: {invalid:?}");
        assert!(invalid.iter().all(|f| attribution(f) == "export"));
        assert!(!run.report().to_string().contains("archives.example.fr"), "no URL in the report");
    }
}

#[test]
fn every_payload_manifest_must_list_every_file_from_1_0() {
    let mut files = bagit_python(payload());
    let m = manifest_of(&files, "sha512", "  ");
    let mut lines: Vec<&str> = m.lines().collect();
    let last = lines.pop().unwrap().split_once("  ").unwrap().1.to_string();
    set(&mut files, "manifest-sha512.txt", lines.join("\n") + "\n");
    set(&mut files, "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    let f = one(&run, "fixity.missing-digest", "error", "export");
    assert_eq!(
        (f["path"].as_str(), f["manifest"].as_str()),
        (Some(last.as_str()), Some("manifest-sha512.txt"))
    );

    // BagIt 0.97 did not require it yet: a warning.
    set(&mut files, "bagit.txt", DECL_097);
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    one(&run, "fixity.missing-digest", "warning", "export");
}

#[test]
fn tag_manifests_are_verified() {
    let mut files = bagit_python(payload());
    set(&mut files, "bag-info.txt", "Bagging-Date: 2024-05-03\n"); // changed after the tag manifests
    let w = Workdir::new();
    let run = w.verify(&folder(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable");
    let found = run.findings("fixity.digest-mismatch");
    assert_eq!(found.len(), 2, "sha256 and sha512 tag manifests: {found:?}");
    assert!(found.iter().all(|f| f["path"] == "bag-info.txt" && attribution(f) == "export"));
}

/// A tar stream (read once, manifests captured on the way) holding the bag in `bag/`, payload
/// first as `tar -cf bag.tar bag` often orders it.
fn tar(w: &Workdir, files: &Files) -> PathBuf {
    let path = w.path().join("bag.tar");
    let mut t = tar::Builder::new(std::fs::File::create(&path).unwrap());
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by_key(|(p, _)| !p.starts_with("data/"));
    for (p, b) in sorted {
        let mut h = tar::Header::new_gnu();
        h.set_size(b.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, format!("bag/{p}"), b.as_slice()).unwrap();
    }
    t.into_inner().unwrap().flush().unwrap();
    path
}

#[test]
fn tar_streams_are_judged_the_same() {
    let mut files = bagit_python(payload());
    remove(&mut files, "bagit.txt");
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&tar(&w, &files), &[]);
    assert_eq!(run.verdict(), "not-satisfiable", "{:?}", run.codes());
    assert_eq!(one(&run, "manifest.bagit-declaration", "error", "export")["params"]["problem"], "absent");
    assert_eq!(fixity_codes(&run), vec!["manifest.bagit-declaration"]);

    let mut files = bagit_python(payload());
    remove(&mut files, "data/courriers/lettre.txt");
    set(&mut files, "bag-info.txt", "Bagging-Date: 2024-05-02\n");
    set(&mut files, "fetch.txt", "https://archives.example.fr/lettre.txt - data/courriers/lettre.txt\n");
    retag(&mut files);
    let w = Workdir::new();
    let run = w.verify(&tar(&w, &files), &[]);
    assert_eq!(run.verdict(), "undetermined", "{:?}", run.codes());
    one(&run, "fixity.fetch-pending", "error", "tool");
    assert!(run.findings("fixity.missing-file").is_empty());
}
