//! The manifests of a sample export: reversa's `manifest.json`, a BagIt bag's tag files and a
//! SEDA 2.1 `manifest.xml`, rendered from the staged payload files (whose sizes and digests are
//! known) — the digest-mismatch defect is applied here.

use super::stage::Staged;
use crate::report::xml_escape;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// What a payload file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A CSV dataset.
    Csv,
    /// A PDF/A scan.
    Pdf,
    /// A legacy Excel workbook.
    Xls,
    /// Plain text.
    Text,
}

impl Kind {
    /// MIME type, PRONOM id and format name.
    fn format(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Csv => ("text/csv", "x-fmt/18", "Comma Separated Values"),
            Kind::Pdf => ("application/pdf", "fmt/354", "Acrobat PDF/A - Portable Document Format"),
            Kind::Xls => ("application/vnd.ms-excel", "fmt/61", "Microsoft Excel 97 Workbook (xls)"),
            Kind::Text => ("text/plain", "x-fmt/111", "Plain Text File"),
        }
    }
}

/// A payload file of the export.
pub(crate) struct Payload {
    /// Its path inside the archive (with the package's prefix).
    pub(crate) path: String,
    /// What it is.
    pub(crate) kind: Kind,
    /// A title (SEDA archive units).
    pub(crate) title: String,
    /// Its bytes.
    pub(crate) staged: Staged,
    /// The manifest declares it.
    pub(crate) listed: bool,
    /// It is written into the archive.
    pub(crate) present: bool,
}

/// A CSV dataset as the reversa manifest declares it.
pub(crate) struct DatasetDecl {
    /// Its name.
    pub(crate) name: &'static str,
    /// Its file's path.
    pub(crate) path: String,
    /// Its rows.
    pub(crate) records: u64,
}

/// The commune and the export's identity.
pub(crate) struct Identity<'a> {
    /// INSEE code.
    pub(crate) code: &'a str,
    /// Name.
    pub(crate) name: &'a str,
    /// The export's name, `export-<code>-<seed>`.
    pub(crate) export_name: &'a str,
}

/// A digest with one hex digit changed.
pub(crate) fn flip(hex: &str) -> String {
    let mut s = hex.to_string();
    if let Some(last) = s.pop() {
        s.push(if last == '0' { '1' } else { '0' });
    }
    s
}

fn digest(value: Option<&String>, path: &str, flip_path: Option<&str>) -> String {
    let v = value.cloned().unwrap_or_default();
    if flip_path == Some(path) { flip(&v) } else { v }
}

#[derive(Serialize)]
struct ReversaManifest<'a> {
    reversa_manifest: &'a str,
    generator: Generator<'a>,
    created: &'a str,
    commune: Commune<'a>,
    files: Vec<FileEntry<'a>>,
    datasets: Vec<DatasetEntry<'a>>,
}

#[derive(Serialize)]
struct Generator<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Commune<'a> {
    insee: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    path: &'a str,
    size: u64,
    sha256: String,
}

#[derive(Serialize)]
struct DatasetEntry<'a> {
    name: &'a str,
    files: [&'a str; 1],
    records: u64,
}

/// reversa's `manifest.json`: the listed files sorted by path, the datasets sorted by name.
pub(crate) fn reversa_manifest(
    id: &Identity<'_>,
    payload: &[Payload],
    datasets: &[DatasetDecl],
    flip_path: Option<&str>,
) -> Vec<u8> {
    let manifest = ReversaManifest {
        reversa_manifest: "1",
        generator: Generator { name: "reversa demo", version: env!("CARGO_PKG_VERSION") },
        created: "2026-01-01T00:00:00Z",
        commune: Commune { insee: id.code, name: id.name },
        files: payload
            .iter()
            .filter(|p| p.listed)
            .map(|p| FileEntry {
                path: &p.path,
                size: p.staged.size,
                sha256: digest(p.staged.sha256.as_ref(), &p.path, flip_path),
            })
            .collect(),
        datasets: datasets
            .iter()
            .map(|d| DatasetEntry { name: d.name, files: [d.path.as_str()], records: d.records })
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A BagIt 1.0 bag's tag files, in the order they go into the archive: `bagit.txt`,
/// `bag-info.txt`, `manifest-sha256.txt`, `manifest-sha512.txt`, `tagmanifest-sha256.txt`.
/// The digest-mismatch defect changes `manifest-sha256.txt` only.
pub(crate) fn bagit_tags(
    id: &Identity<'_>,
    payload: &[Payload],
    flip_path: Option<&str>,
) -> Vec<(String, Vec<u8>)> {
    let listed: Vec<&Payload> = payload.iter().filter(|p| p.listed).collect();
    let octets: u64 = listed.iter().map(|p| p.staged.size).sum();
    let bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string();
    let bag_info = format!(
        "Source-Organization: Commune de {}\n\
         External-Identifier: {}\n\
         External-Description: Export des données de la commune de {} (INSEE {}) : état civil, CCAS, liste électorale\n\
         Bagging-Date: 2026-01-01\n\
         Bag-Software-Agent: reversa demo {}\n\
         Payload-Oxum: {}.{}\n",
        id.name,
        id.export_name,
        id.name,
        id.code,
        env!("CARGO_PKG_VERSION"),
        octets,
        listed.len()
    );
    let mut sha256 = String::new();
    let mut sha512 = String::new();
    for p in &listed {
        let _ = writeln!(sha256, "{}  {}", digest(p.staged.sha256.as_ref(), &p.path, flip_path), p.path);
        let _ = writeln!(sha512, "{}  {}", digest(p.staged.sha512.as_ref(), &p.path, None), p.path);
    }
    let mut tags = vec![
        ("bagit.txt".to_string(), bagit.into_bytes()),
        ("bag-info.txt".to_string(), bag_info.into_bytes()),
        ("manifest-sha256.txt".to_string(), sha256.into_bytes()),
        ("manifest-sha512.txt".to_string(), sha512.into_bytes()),
    ];
    let mut tag_manifest = String::new();
    for (name, bytes) in &tags {
        let _ = writeln!(tag_manifest, "{}  {name}", hex::encode(Sha256::digest(bytes)));
    }
    tags.push(("tagmanifest-sha256.txt".to_string(), tag_manifest.into_bytes()));
    tags
}

/// A SEDA 2.1 `manifest.xml` (ArchiveTransfer): one data object group and one archive unit per
/// listed file, digests in SHA-512.
pub(crate) fn seda_manifest(id: &Identity<'_>, payload: &[Payload], flip_path: Option<&str>) -> Vec<u8> {
    let mut x = String::with_capacity(4096 + 1024 * payload.len());
    let text = |x: &mut String, indent: usize, tag: &str, value: &str| {
        for _ in 0..indent {
            x.push_str("  ");
        }
        let _ = write!(x, "<{tag}>");
        xml_escape(x, value);
        let _ = writeln!(x, "</{tag}>");
    };
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<ArchiveTransfer xmlns=\"fr:gouv:culture:archivesdefrance:seda:v2.1\">\n");
    text(
        &mut x,
        1,
        "Comment",
        &format!("Versement de démonstration de la commune de {} (données fictives)", id.name),
    );
    text(&mut x, 1, "Date", "2026-01-01T00:00:00Z");
    text(&mut x, 1, "MessageIdentifier", &format!("REVERSA-DEMO-{}", id.export_name));
    x.push_str("  <CodeListVersions>\n");
    for list in [
        "ReplyCodeListVersion",
        "MessageDigestAlgorithmCodeListVersion",
        "MimeTypeCodeListVersion",
        "EncodingCodeListVersion",
        "FileFormatCodeListVersion",
        "CompressionAlgorithmCodeListVersion",
        "DataObjectVersionCodeListVersion",
        "StorageRuleCodeListVersion",
        "AppraisalRuleCodeListVersion",
        "AccessRuleCodeListVersion",
        "DisseminationRuleCodeListVersion",
        "ReuseRuleCodeListVersion",
        "ClassificationRuleCodeListVersion",
        "AuthorizationReasonCodeListVersion",
        "RelationshipCodeListVersion",
    ] {
        text(&mut x, 2, list, &format!("{list}0"));
    }
    x.push_str("  </CodeListVersions>\n  <DataObjectPackage>\n");
    let listed: Vec<&Payload> = payload.iter().filter(|p| p.listed).collect();
    for (i, p) in listed.iter().enumerate() {
        let n = i + 1;
        let (mime, puid, format_name) = p.kind.format();
        let _ = writeln!(x, "    <DataObjectGroup id=\"DOG-{n}\">\n      <BinaryDataObject id=\"BDO-{n}\">");
        text(&mut x, 4, "DataObjectVersion", "BinaryMaster_1");
        text(&mut x, 4, "Uri", &p.path);
        x.push_str("        <MessageDigest algorithm=\"SHA-512\">");
        x.push_str(&digest(p.staged.sha512.as_ref(), &p.path, flip_path));
        x.push_str("</MessageDigest>\n");
        text(&mut x, 4, "Size", &p.staged.size.to_string());
        x.push_str("        <FormatIdentification>\n");
        text(&mut x, 5, "FormatLitteral", format_name);
        text(&mut x, 5, "MimeType", mime);
        text(&mut x, 5, "FormatId", puid);
        x.push_str("        </FormatIdentification>\n        <FileInfo>\n");
        text(&mut x, 5, "Filename", p.path.rsplit('/').next().unwrap_or(&p.path));
        text(&mut x, 5, "LastModified", "2026-01-01T00:00:00Z");
        x.push_str("        </FileInfo>\n      </BinaryDataObject>\n    </DataObjectGroup>\n");
    }
    x.push_str("    <DescriptiveMetadata>\n");
    for (i, p) in listed.iter().enumerate() {
        let n = i + 1;
        let _ = writeln!(x, "      <ArchiveUnit id=\"AU-{n}\">\n        <Content>");
        text(&mut x, 5, "DescriptionLevel", "Item");
        text(&mut x, 5, "Title", &p.title);
        x.push_str("        </Content>\n        <DataObjectReference>\n");
        text(&mut x, 5, "DataObjectGroupReferenceId", &format!("DOG-{n}"));
        x.push_str("        </DataObjectReference>\n      </ArchiveUnit>\n");
    }
    x.push_str("    </DescriptiveMetadata>\n    <ManagementMetadata>\n");
    text(&mut x, 3, "OriginatingAgencyIdentifier", &format!("COMMUNE-{}", id.code));
    x.push_str("    </ManagementMetadata>\n  </DataObjectPackage>\n  <ArchivalAgency>\n");
    let dept = &id.code[..2];
    text(&mut x, 2, "Identifier", &format!("FRAD0{dept}"));
    x.push_str("  </ArchivalAgency>\n  <TransferringAgency>\n");
    text(&mut x, 2, "Identifier", &format!("COMMUNE-{}", id.code));
    x.push_str("  </TransferringAgency>\n</ArchiveTransfer>\n");
    x.into_bytes()
}
