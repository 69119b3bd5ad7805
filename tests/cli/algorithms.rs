//! Digest algorithms: every algorithm packages use (BagIt tools' names, SEDA/Vitam's, reversa's)
//! is verified; an algorithm reversa does not know leaves fixity unverifiable, never violated;
//! SEDA's empty `MessageDigest` and `FormatId` as Vitam reads them.
//!
//! The digests were computed with Python's hashlib (what bagit-python uses), not by reversa. The
//! commune's counts (one polling station) are given so that a clean package is satisfiable.

use crate::workdir::{Run, Workdir};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file every package below holds: a polling-station dataset of one record.
const BUREAUX: &[u8] = b"code_bureau,libelle,adresse,code_commune,code_canton,code_circonscription\n\
                         0001,Bureau 1,1 place de la Mairie,38185,3801,3801\n";
/// The same file as delivered wrong.
const BUREAUX_ALTERED: &[u8] = b"code_bureau,libelle,adresse,code_commune,code_canton,code_circonscription\n\
                                 0001,Bureau 1,3 place de la Mairie,38185,3801,3801\n";

const MD5: &str = "fd25f22bfcaac4b9830a3975de7552f1";
const SHA256: &str = "cd799865b165c39f74590fbe728b990d758e2664884dcef437f1cac0f734b937";
const SHA224: &str = "e3cc4f9d62dada014f42446bc96fe5a909c4cdd75469e9e7baf2c7f7";
const SHA384: &str =
    "8b0691f4552f6090ec43efb4876df2616e66a750fba2fd1ed5ccca45ec2e19745c24e76f888a97e066a5e46c4c667138";
const SHA3_256: &str = "74b18d69848b7f550c6869d09c47705945efdc3bcf5c1048bb861bec7195f774";
const SHA3_384: &str =
    "380627b3b681ad95483c42aee219eadaa9ebc2d0ae2c1b7558e43daa577326b5acf67fa785362dc2bcdf6bd12edc5a03";
const SHA3_512: &str = "01cfb8ef59230fa93b0169af41dc3902a077edd34e956388dfe2a75324920be1\
                        0bae4bc05fca6715c3935e7d3b41800476efe5f00344cc8dc8618e12e0ea3c6a";
const BLAKE2B_256: &str = "829d67f6a7d201825a7c759ff91ba620bea593c3654623d2906f22a7e870a733";
const BLAKE2B_512: &str = "474c5c2beebcbb387c7038c20a7942dcc313ec26ae44e44064fa2ad793c3ff5f\
                           3c4dee76cd9aa43aee3b55cb51a2c7c3468bd3ee52e243b076dcfbd55b51bc25";

/// "abc" (FIPS 180-4 and FIPS 202 examples) for the files that are not records.
const ABC_SHA3_256: &str = "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532";
const ABC_SHA3_512: &str = "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e\
                            10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0";
const ABC_BLAKE2B_512: &str = "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
                               7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923";
const ABC_SHA384: &str =
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

const DECL: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// Writes `files` (path, content) under `dir`.
fn write_tree(dir: &Path, files: &[(&str, &[u8])]) {
    for (p, c) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// Zips `files` (path, content) in this order into `dir/name`.
fn zip_of(dir: &Path, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (p, c) in files {
        z.start_file(*p, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(c).unwrap();
    }
    z.finish().unwrap();
    path
}

/// Tars `files` (path, content) in this order into `dir/name`.
fn tar_of(dir: &Path, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut t = tar::Builder::new(std::fs::File::create(&path).unwrap());
    for (p, c) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(c.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_767_225_600);
        h.set_cksum();
        t.append_data(&mut h, p, *c).unwrap();
    }
    t.finish().unwrap();
    path
}

/// `reversa verify PATH --counts` with the commune's count of polling stations (one).
fn verify(w: &Workdir, path: &Path) -> Run {
    let counts = w.path().join("comptages.toml");
    std::fs::write(
        &counts,
        "reversa_counts = \"1\"\n[[count]]\ndataset = \"bureaux\"\nexpected = 1\nsource = \"ELIRE\"\n",
    )
    .unwrap();
    w.verify(path, &["--counts", counts.to_str().unwrap()])
}

fn check_status(run: &Run, id: &str) -> String {
    run.report()["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn file_digests(run: &Run, path: &str) -> Value {
    run.report()["files"].as_array().unwrap().iter().find(|f| f["path"] == path).unwrap()["digests"].clone()
}

fn errors(run: &Run) -> Vec<String> {
    run.report()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// A bag holding `data/bureaux.csv` with one payload manifest per (name, digest).
fn bag(dir: &Path, manifests: &[(&str, &str)], content: &[u8]) {
    let lines: Vec<(String, String)> = manifests
        .iter()
        .map(|(n, d)| (format!("manifest-{n}.txt"), format!("{d}  data/bureaux.csv\n")))
        .collect();
    let mut files: Vec<(&str, &[u8])> = vec![("bagit.txt", DECL.as_bytes()), ("data/bureaux.csv", content)];
    files.extend(lines.iter().map(|(n, l)| (n.as_str(), l.as_bytes())));
    write_tree(dir, &files);
}

#[test]
fn bagit_manifests_in_every_algorithm_tools_write_are_verified() {
    // (manifest name as written by a tool, digest, algorithm as reported)
    let cases = [
        ("sha384", SHA384, "sha384"),       // bagit-python, hashlib name
        ("sha224", SHA224, "sha224"),       // bagit-java
        ("sha3_256", SHA3_256, "sha3-256"), // bagit-python, hashlib name
        ("sha3256", SHA3_256, "sha3-256"),  // bagit-java's SHA3-256 name
        ("sha3_384", SHA3_384, "sha3-384"),
        ("sha3_512", SHA3_512, "sha3-512"),
        ("blake2b", BLAKE2B_512, "blake2b-512"), // hashlib's blake2b: 512 bits
        ("blake2b-256", BLAKE2B_256, "blake2b-256"),
    ];
    for (name, digest, alg) in cases {
        let w = Workdir::new();
        let dir = w.path().join("bag");
        bag(&dir, &[(name, digest)], BUREAUX);
        let run = verify(&w, &dir);
        assert_eq!(run.verdict(), "satisfiable", "{name}: {:?}", run.codes());
        assert!(errors(&run).is_empty(), "{name}: {:?}", run.codes());
        assert_eq!(check_status(&run, "fixity"), "pass", "{name}: {:?}", run.codes());
        assert_eq!(run.report()["manifest"]["algorithms"], serde_json::json!([alg]), "{name}");
        let d = file_digests(&run, "data/bureaux.csv");
        assert_eq!(d[alg], digest, "{name}: computed in the same pass");
        assert_eq!(d["sha256"], SHA256);
        assert!(d.get("md5").is_none(), "only what a manifest asks for");

        // The same bag with other content: the vendor's fault, in that algorithm.
        let w = Workdir::new();
        let dir = w.path().join("bag");
        bag(&dir, &[(name, digest)], BUREAUX_ALTERED);
        let run = verify(&w, &dir);
        assert_eq!(run.verdict(), "not-satisfiable", "{name}");
        let f = run.findings("fixity.digest-mismatch");
        assert_eq!(f.len(), 1, "{name}: {:?}", run.codes());
        assert_eq!(f[0]["params"]["algorithm"], alg);
        assert_eq!(f[0]["params"]["expected"], digest);
        assert_eq!(check_status(&run, "fixity"), "fail");
    }
}

#[test]
fn a_tar_bag_learns_new_algorithms_from_its_tag_files_in_one_pass() {
    let w = Workdir::new();
    let m1 = format!("{SHA3_256}  data/bureaux.csv\n{ABC_SHA3_256}  data/b.txt\n");
    let m2 = format!("{BLAKE2B_512}  data/bureaux.csv\n{ABC_BLAKE2B_512}  data/b.txt\n");
    let tar = tar_of(
        w.path(),
        "bag.tar",
        &[
            ("bag/bagit.txt", DECL.as_bytes()),
            ("bag/manifest-sha3_256.txt", m1.as_bytes()),
            ("bag/manifest-blake2b.txt", m2.as_bytes()),
            ("bag/data/bureaux.csv", BUREAUX),
            ("bag/data/b.txt", b"abc"),
        ],
    );
    let run = verify(&w, &tar);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(run.report()["archive"]["passes"], 1);
    assert_eq!(file_digests(&run, "bag/data/b.txt")["blake2b-512"], ABC_BLAKE2B_512);

    // Manifests last: a second pass computes what they ask for.
    let tar = tar_of(
        w.path(),
        "late.tar",
        &[
            ("bag/data/bureaux.csv", BUREAUX),
            ("bag/data/b.txt", b"abd"),
            ("bag/bagit.txt", DECL.as_bytes()),
            ("bag/manifest-sha3_256.txt", m1.as_bytes()),
        ],
    );
    let run = verify(&w, &tar);
    assert_eq!(run.verdict(), "not-satisfiable", "{:?}", run.codes());
    let f = run.findings("fixity.digest-mismatch");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["path"], "bag/data/b.txt");
}

#[test]
fn an_unknown_algorithm_leaves_fixity_unverifiable_never_violated() {
    let w = Workdir::new();
    let dir = w.path().join("bag");
    // SHA3-224 and Whirlpool: names reversa does not compute.
    write_tree(
        &dir,
        &[
            ("bagit.txt", DECL.as_bytes()),
            ("data/bureaux.csv", BUREAUX),
            ("data/b.txt", b"abc"),
            ("manifest-whirlpool.txt", b"00aa  data/bureaux.csv\n00bb  data/b.txt\n"),
        ],
    );
    let run = verify(&w, &dir);
    assert_eq!(run.verdict(), "undetermined", "{:?}", run.codes());
    assert_eq!(run.code, 3);
    assert_eq!(check_status(&run, "fixity"), "unverifiable");
    assert_eq!(errors(&run), vec!["fixity.unsupported-algorithm"]);
    let f = run.findings("fixity.unsupported-algorithm");
    assert_eq!(f.len(), 1, "one finding per manifest and algorithm");
    assert_eq!(f[0]["params"]["algorithm"], "whirlpool");
    assert_eq!(f[0]["params"]["count"], "2");
    assert_eq!(f[0]["manifest"], "manifest-whirlpool.txt");
    if let Some(a) = f[0].get("attribution") {
        assert_eq!(a, "tool");
    }

    // The same entries with a known digest as well: verified with it, the unknown one is
    // only information.
    write_tree(
        &dir,
        &[(
            "manifest-sha384.txt",
            format!("{SHA384}  data/bureaux.csv\n{ABC_SHA384}  data/b.txt\n").as_bytes(),
        )],
    );
    let run = verify(&w, &dir);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    let f = run.findings("fixity.unsupported-algorithm");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "info");
    assert_eq!(f[0]["params"]["count"], "0");
}

#[test]
fn weak_algorithms_are_checked_and_warned() {
    let w = Workdir::new();
    let dir = w.path().join("bag");
    bag(&dir, &[("md5", MD5)], BUREAUX);
    let run = verify(&w, &dir);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    let f = run.findings("fixity.weak-algorithm");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(check_status(&run, "fixity"), "warn");
}

/// A SEDA 2.2 manifest for `objects` (already XML).
fn seda(objects: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ArchiveTransfer xmlns=\"fr:gouv:culture:archivesdefrance:seda:v2.2\">\n\
         <Date>2026-01-01T00:00:00</Date>\n<MessageIdentifier>T</MessageIdentifier>\n\
         <DataObjectPackage>\n{objects}</DataObjectPackage>\n</ArchiveTransfer>\n"
    )
}

/// One `BinaryDataObject` as Vitam's SIP generators write it.
fn bdo(id: &str, uri: &str, digest: &str, format: &str) -> String {
    format!(
        "<DataObjectGroup id=\"G{id}\"><BinaryDataObject id=\"{id}\">\n\
         <DataObjectVersion>BinaryMaster_1</DataObjectVersion>\n<Uri>{uri}</Uri>\n{digest}\n\
         <FormatIdentification><FormatLitteral>Plain Text File</FormatLitteral><MimeType>text/plain</MimeType>\
         <FormatId>{format}</FormatId></FormatIdentification>\n</BinaryDataObject></DataObjectGroup>\n"
    )
}

#[test]
fn seda_sha384_and_formats_as_vitam_checks_them() {
    let w = Workdir::new();
    let xml = seda(
        &(bdo(
            "A",
            "Content/bureaux.csv",
            &format!("<MessageDigest algorithm=\"SHA-384\">{SHA384}</MessageDigest>"),
            "x-fmt/18",
        ) + &bdo(
            "B",
            "Content/b.txt",
            &format!("<MessageDigest algorithm=\"SHA3-512\">{ABC_SHA3_512}</MessageDigest>"),
            "x-fmt/111",
        )),
    );
    let zip = zip_of(
        w.path(),
        "sip.zip",
        &[("manifest.xml", xml.as_bytes()), ("Content/bureaux.csv", BUREAUX), ("Content/b.txt", b"abc")],
    );
    let run = verify(&w, &zip);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(run.report()["manifest"]["kind"], "seda");
    assert_eq!(file_digests(&run, "Content/bureaux.csv")["sha384"], SHA384);
    assert_eq!(file_digests(&run, "Content/b.txt")["sha3-512"], ABC_SHA3_512);
    assert!(run.findings("inventory.declared-format-mismatch").is_empty());

    // An empty MessageDigest, a wrong FormatId, an unidentified file declared as PDF/A.
    let w = Workdir::new();
    let xml = seda(
        &(bdo(
            "A",
            "Content/bureaux.csv",
            &format!("<MessageDigest algorithm=\"SHA-384\">{SHA384}</MessageDigest>"),
            "fmt/95",
        ) + &bdo(
            "E",
            "Content/e.txt",
            "<MessageDigest algorithm=\"SHA-256\">  </MessageDigest>",
            "x-fmt/111",
        ) + &bdo(
            "U",
            "Content/u.bin",
            &format!(
                "<MessageDigest algorithm=\"SHA-256\">{}</MessageDigest>",
                hex_sha256(&[0x8f, 0x01, 0xfe])
            ),
            "fmt/95",
        )),
    );
    let zip = zip_of(
        w.path(),
        "sip.zip",
        &[
            ("manifest.xml", xml.as_bytes()),
            ("Content/bureaux.csv", BUREAUX),
            ("Content/e.txt", b"abc"),
            ("Content/u.bin", &[0x8f, 0x01, 0xfe]),
        ],
    );
    let run = verify(&w, &zip);
    assert_eq!(run.verdict(), "not-satisfiable", "{:?}", run.codes());
    assert_eq!(errors(&run), vec!["fixity.missing-digest"], "{:?}", run.codes());
    let f = run.findings("fixity.missing-digest");
    assert_eq!(f[0]["element"], "E");
    assert_eq!(f[0]["path"], "Content/e.txt");
    assert_eq!(check_status(&run, "fixity"), "fail");
    let f = run.findings("inventory.declared-format-mismatch");
    assert_eq!(f.len(), 1, "the unidentified file has nothing to compare: {f:?}");
    assert_eq!(f[0]["severity"], "warning");
    assert_eq!(f[0]["params"]["declared"], "fmt/95");
    assert_eq!(f[0]["params"]["identified"], "x-fmt/18");
    assert_eq!(f[0]["element"], "A");
    assert_eq!(f[0]["path"], "Content/bureaux.csv");
    assert_eq!(check_status(&run, "formats"), "warn");
    // The message is French, with both identifiers.
    let msg = f[0]["message"].as_str().unwrap_or_default();
    if !msg.is_empty() {
        assert!(msg.contains("fmt/95") && msg.contains("x-fmt/18") && msg.contains("format"), "{msg}");
    }
}

#[test]
fn seda_unknown_algorithm_is_unverifiable_and_malformed_xml_is_reported_in_french() {
    let w = Workdir::new();
    let xml = seda(
        &(bdo(
            "A",
            "Content/bureaux.csv",
            "<MessageDigest algorithm=\"WHIRLPOOL\">00ff</MessageDigest>",
            "x-fmt/18",
        ) + &bdo(
            "B",
            "Content/b.txt",
            "<MessageDigest algorithm=\"WHIRLPOOL\">00ff</MessageDigest>",
            "x-fmt/111",
        )),
    );
    let zip = zip_of(
        w.path(),
        "sip.zip",
        &[("manifest.xml", xml.as_bytes()), ("Content/bureaux.csv", BUREAUX), ("Content/b.txt", b"abc")],
    );
    let run = verify(&w, &zip);
    assert_eq!(run.verdict(), "undetermined", "{:?}", run.codes());
    assert_eq!(errors(&run), vec!["fixity.unsupported-algorithm"]);
    let f = run.findings("fixity.unsupported-algorithm");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["params"]["count"], "2");
    assert_eq!(check_status(&run, "fixity"), "unverifiable");

    let w = Workdir::new();
    let xml = seda(&bdo(
        "A",
        "Content/a.txt",
        "<MessageDigest algorithm=\"SHA-256\">x</MessageDigest>",
        "x-fmt/111",
    ))
    .replace("</DataObjectPackage>", "</DataObjectPackag>");
    let zip = zip_of(w.path(), "sip.zip", &[("manifest.xml", xml.as_bytes()), ("Content/a.txt", b"abc")]);
    let run = verify(&w, &zip);
    let f = run.findings("manifest.malformed");
    assert_eq!(f.len(), 1, "{:?}", run.codes());
    assert!(f[0]["params"]["error_fr"].as_str().unwrap().starts_with("XML : balise fermante"), "{:?}", f[0]);
    assert!(f[0]["params"]["error"].as_str().unwrap().starts_with("XML: end tag"), "{:?}", f[0]);
}

#[test]
fn reversa_manifest_with_new_algorithms() {
    let w = Workdir::new();
    let dir = w.path().join("export");
    let json = format!(
        r#"{{"reversa_manifest":"1","files":[
            {{"path":"bureaux.csv","sha256":"{SHA256}","sha3-256":"{SHA3_256}","blake2b-512":"{BLAKE2B_512}"}},
            {{"path":"b.txt","size":3,"sha256":"{ABC_SHA256}","sha384":"{ABC_SHA384}"}}]}}"#
    );
    write_tree(&dir, &[("manifest.json", json.as_bytes()), ("bureaux.csv", BUREAUX), ("b.txt", b"abc")]);
    let run = verify(&w, &dir);
    assert_eq!(run.verdict(), "satisfiable", "{:?}", run.codes());
    assert_eq!(
        run.report()["manifest"]["algorithms"],
        serde_json::json!(["sha256", "sha384", "sha3-256", "blake2b-512"])
    );
    write_tree(&dir, &[("b.txt", b"abd")]);
    let run = verify(&w, &dir);
    assert_eq!(run.verdict(), "not-satisfiable");
    let f = run.findings("fixity.digest-mismatch");
    let algs: Vec<&str> = f.iter().map(|f| f["params"]["algorithm"].as_str().unwrap()).collect();
    assert_eq!(algs, vec!["sha256", "sha384"]);
}

/// SHA-256 of `bytes`, hex.
fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
