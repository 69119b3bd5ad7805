//! Sample exports for the demo, the tests and the benchmarks: a deterministic generator of a
//! commune's data export — civil status, CCAS social files, electoral roll — as CSV files and
//! PDF/A-looking scans, packaged with reversa's manifest, as a BagIt bag, as a SEDA 2.1 transfer
//! or bare, in a zip, a tar, a tar.gz or a folder, optionally with defects a verifier must find.
//!
//! All the people are fictional. The output is byte-for-byte the same for the same
//! [`DemoOptions`]: a ChaCha8 generator seeded from [`DemoOptions::seed`], fixed timestamps
//! (2026-01-01 00:00 UTC), entries in a fixed order. Rows are streamed to staging files (memory,
//! or anonymous temporary files in the output folder once large), so memory stays bounded
//! whatever [`DemoOptions::records`].
//!
//! Layout of an export (`<p>` is the payload prefix: empty for [`Package::Reversa`] and
//! [`Package::Bare`], `data/` for [`Package::Bagit`], `Content/` for [`Package::Seda`]):
//!
//! ```text
//! manifest.json | bagit.txt, bag-info.txt, manifest-sha256.txt, manifest-sha512.txt,
//!                 tagmanifest-sha256.txt | manifest.xml          (first entries; none if bare)
//! <p>annexes/export-ccas.xls                                     (proprietary-format defect)
//! <p>donnees/<dataset>.csv                                        (11 datasets)
//! <p>donnees/notes-internes.txt                                   (unlisted-file defect)
//! <p>pieces/PC-00000001.pdf …                                     (scans)
//! ```

mod blobs;
mod common;
mod container;
mod datasets;
mod packages;
mod stage;
mod words;

#[cfg(test)]
mod tests;

use container::{FolderSink, Sink, TarSink, ZipSink};
use datasets::{Ctx, Plan};
use packages::{DatasetDecl, Identity, Kind, Payload};
use stage::{Hashes, Staged};
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Approximate total number of records (CSV rows) over all datasets; default 3000.
    pub records: usize,
    /// Seed of the random generator; default 42.
    pub seed: u64,
    /// How the export is packaged; default [`Package::Reversa`].
    pub package: Package,
    /// The container; default [`DemoContainer::Zip`].
    pub container: DemoContainer,
    /// Defects to introduce; default none.
    pub defects: Vec<Defect>,
    /// The commune: INSEE code (five characters, digits, or `2A`/`2B` then digits) and name;
    /// default `("38185", "Grenoble")`.
    pub commune: (String, String),
    /// At most this many scans (and `pieces` rows); default 40.
    pub max_scans: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            records: 3000,
            seed: 42,
            package: Package::default(),
            container: DemoContainer::default(),
            defects: Vec::new(),
            commune: ("38185".to_string(), "Grenoble".to_string()),
            max_scans: 40,
        }
    }
}

/// How the export is packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Package {
    /// reversa's `manifest.json` at the root, files at the root.
    #[default]
    Reversa,
    /// A BagIt 1.0 bag: tag files at the root, files under `data/`.
    Bagit,
    /// A SEDA 2.1 transfer: `manifest.xml` at the root, files under `Content/`.
    Seda,
    /// No manifest, files at the root.
    Bare,
}

impl Package {
    /// Every package.
    pub const ALL: &'static [Package] = &[Package::Reversa, Package::Bagit, Package::Seda, Package::Bare];

    /// Its name: `reversa`, `bagit`, `seda`, `bare`.
    pub fn as_str(self) -> &'static str {
        match self {
            Package::Reversa => "reversa",
            Package::Bagit => "bagit",
            Package::Seda => "seda",
            Package::Bare => "bare",
        }
    }

    /// Parses a name given by [`Package::as_str`].
    pub fn parse(name: &str) -> Option<Package> {
        Package::ALL.iter().copied().find(|p| p.as_str() == name)
    }

    /// The prefix of payload paths inside the archive.
    pub fn payload_prefix(self) -> &'static str {
        match self {
            Package::Reversa | Package::Bare => "",
            Package::Bagit => "data/",
            Package::Seda => "Content/",
        }
    }

    fn hashes(self) -> Hashes {
        match self {
            Package::Reversa => Hashes { sha256: true, sha512: false },
            Package::Bagit => Hashes { sha256: true, sha512: true },
            Package::Seda => Hashes { sha256: false, sha512: true },
            Package::Bare => Hashes { sha256: false, sha512: false },
        }
    }
}

/// The container of a sample export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DemoContainer {
    /// `export-<code>-<seed>.zip`, deflate.
    #[default]
    Zip,
    /// `export-<code>-<seed>.tar`.
    Tar,
    /// `export-<code>-<seed>.tar.gz`.
    TarGz,
    /// A folder `export-<code>-<seed>`.
    Folder,
}

impl DemoContainer {
    /// Every container.
    pub const ALL: &'static [DemoContainer] =
        &[DemoContainer::Zip, DemoContainer::Tar, DemoContainer::TarGz, DemoContainer::Folder];

    /// Its name: `zip`, `tar`, `tar-gz`, `folder`.
    pub fn as_str(self) -> &'static str {
        match self {
            DemoContainer::Zip => "zip",
            DemoContainer::Tar => "tar",
            DemoContainer::TarGz => "tar-gz",
            DemoContainer::Folder => "folder",
        }
    }

    /// Parses a name given by [`DemoContainer::as_str`] (`tgz` and `tar.gz` too).
    pub fn parse(name: &str) -> Option<DemoContainer> {
        match name {
            "tgz" | "tar.gz" => Some(DemoContainer::TarGz),
            _ => DemoContainer::ALL.iter().copied().find(|c| c.as_str() == name),
        }
    }

    /// The file name's extension, with its dot (empty for a folder).
    pub fn extension(self) -> &'static str {
        match self {
            DemoContainer::Zip => ".zip",
            DemoContainer::Tar => ".tar",
            DemoContainer::TarGz => ".tar.gz",
            DemoContainer::Folder => "",
        }
    }
}

/// A defect a verifier must detect. Paths below are given without the package's payload prefix
/// (`data/` or `Content/`), which applies. With [`Package::Bare`] there is no manifest:
/// [`Defect::DigestMismatch`] and [`Defect::MissingFile`] then do nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Defect {
    /// The manifest declares a wrong digest for `donnees/bureaux.csv` (one hex digit changed:
    /// SHA-256 in `manifest.json` or in BagIt's `manifest-sha256.txt` only; SHA-512 in SEDA).
    DigestMismatch,
    /// The manifest declares `donnees/mouvements.csv` (with its digests and records) but the file
    /// is not in the archive.
    MissingFile,
    /// `donnees/notes-internes.txt` is in the archive but not in the manifest.
    UnlistedFile,
    /// `annexes/export-ccas.xls`, a legacy Excel (OLE2) file, is in the archive and declared.
    ProprietaryFormat,
    /// `donnees/electeurs.csv` is encoded in Windows-1252, declared with its correct digests.
    NonUtf8Csv,
    /// Acte 2's event date is not a calendar date (`2021-02-30`): `records.schema-violation`.
    InvalidDate,
    /// Personne 2 has personne 1's id: `records.duplicate-key`.
    DuplicateKey,
    /// Paiement 1 refers to a décision that does not exist: `records.dangling-reference`.
    DanglingReference,
    /// One acte number is skipped: `records.sequence-gap`.
    ActeGap,
    /// Pièce 1 names a scan that is not in the export: `records.missing-attachment`.
    MissingScan,
    /// Électeur 1 is born in 2015: `records.under-age`.
    UnderAge,
}

impl Defect {
    /// Every defect.
    pub const ALL: &'static [Defect] = &[
        Defect::DigestMismatch,
        Defect::MissingFile,
        Defect::UnlistedFile,
        Defect::ProprietaryFormat,
        Defect::NonUtf8Csv,
        Defect::InvalidDate,
        Defect::DuplicateKey,
        Defect::DanglingReference,
        Defect::ActeGap,
        Defect::MissingScan,
        Defect::UnderAge,
    ];

    /// Its name: `digest-mismatch`, `missing-file`, `unlisted-file`, `proprietary-format`,
    /// `non-utf8-csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Defect::DigestMismatch => "digest-mismatch",
            Defect::MissingFile => "missing-file",
            Defect::UnlistedFile => "unlisted-file",
            Defect::ProprietaryFormat => "proprietary-format",
            Defect::NonUtf8Csv => "non-utf8-csv",
            Defect::InvalidDate => "invalid-date",
            Defect::DuplicateKey => "duplicate-key",
            Defect::DanglingReference => "dangling-reference",
            Defect::ActeGap => "acte-gap",
            Defect::MissingScan => "missing-scan",
            Defect::UnderAge => "under-age",
        }
    }

    /// Parses a name given by [`Defect::as_str`].
    pub fn parse(name: &str) -> Option<Defect> {
        Defect::ALL.iter().copied().find(|d| d.as_str() == name)
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A written sample export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoExport {
    /// The zip, tar or tar.gz file, or the folder.
    pub path: PathBuf,
    /// The files inside, in archive order (manifest or tag files first), with their sizes.
    pub files: Vec<(String, u64)>,
    /// Rows written per dataset (header excluded), for the CSV files actually in the archive.
    pub records: BTreeMap<String, u64>,
}

/// The datasets, with the title SEDA archive units give them.
const TITLES: &[(&str, &str)] = &[
    ("actes", "État civil — actes"),
    ("bureaux", "Liste électorale — bureaux de vote"),
    ("decisions", "CCAS — décisions d'attribution"),
    ("demandes", "CCAS — demandes d'aide"),
    ("electeurs", "Liste électorale — électeurs"),
    ("foyers", "CCAS — foyers"),
    ("mentions", "État civil — mentions marginales"),
    ("mouvements", "Liste électorale — mouvements"),
    ("paiements", "CCAS — paiements"),
    ("personnes", "CCAS — personnes"),
    ("pieces", "État civil — index des pièces numérisées"),
];

/// Accepts an INSEE commune code: five characters, a department (`01`–`19`, `21`–`99`, `2A`,
/// `2B`) then three digits — so that it is safe in a file name, too.
fn check_commune(code: &str) -> io::Result<()> {
    let b = code.as_bytes();
    let ok = b.len() == 5
        && match (b[0], b[1]) {
            (b'2', second) => matches!(second, b'A' | b'B' | b'1'..=b'9'),
            (first, second) => first.is_ascii_digit() && second.is_ascii_digit(),
        }
        && b[2..].iter().all(u8::is_ascii_digit);
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not an INSEE commune code: {code:?}")))
    }
}

/// Writes a sample export into `out_dir` (created if needed): `export-<code>-<seed>.zip`,
/// `.tar`, `.tar.gz` or a folder `export-<code>-<seed>`, replacing a previous one of that name.
/// Nothing is written outside `out_dir`; temporary files there are removed.
pub fn write_demo(out_dir: &Path, opts: &DemoOptions) -> io::Result<DemoExport> {
    let (code, name) = (&opts.commune.0, &opts.commune.1);
    check_commune(code)?;
    std::fs::create_dir_all(out_dir)?;
    let has = |d: Defect| opts.defects.contains(&d);
    let package = opts.package;
    let prefix = package.payload_prefix();
    let hashes = package.hashes();
    let manifest = package != Package::Bare;

    let ctx = Ctx {
        seed: opts.seed,
        code,
        name,
        prefix,
        dir: out_dir,
        hashes,
        electeurs_cp1252: has(Defect::NonUtf8Csv),
        records: datasets::RecordDefects {
            invalid_date: has(Defect::InvalidDate),
            duplicate_key: has(Defect::DuplicateKey),
            dangling_reference: has(Defect::DanglingReference),
            acte_gap: has(Defect::ActeGap),
            missing_scan: has(Defect::MissingScan),
            under_age: has(Defect::UnderAge),
        },
    };
    let plan = Plan::new(opts.records, opts.max_scans);
    let generated = datasets::generate(&ctx, &plan)?;

    let missing = manifest && has(Defect::MissingFile);
    let mut payload = Vec::new();
    let mut declared = Vec::new();
    for d in generated.datasets {
        let path = format!("{prefix}donnees/{}.csv", d.name);
        let title = TITLES.iter().find(|(n, _)| *n == d.name).map_or(d.name, |(_, t)| t);
        declared.push(DatasetDecl { name: d.name, path: path.clone(), records: d.rows });
        payload.push(Payload {
            present: !(missing && d.name == "mouvements"),
            title: format!("{title} ({}.csv)", d.name),
            path,
            kind: Kind::Csv,
            staged: d.staged,
            listed: true,
        });
    }
    for s in generated.scans {
        payload.push(Payload {
            path: s.path,
            kind: Kind::Pdf,
            title: s.title,
            staged: s.staged,
            listed: true,
            present: true,
        });
    }
    if has(Defect::UnlistedFile) {
        payload.push(Payload {
            path: format!("{prefix}donnees/notes-internes.txt"),
            kind: Kind::Text,
            title: "Notes internes".to_string(),
            staged: Staged::from_bytes(blobs::internal_note(name), hashes),
            listed: false,
            present: true,
        });
    }
    if has(Defect::ProprietaryFormat) {
        payload.push(Payload {
            path: format!("{prefix}annexes/export-ccas.xls"),
            kind: Kind::Xls,
            title: "CCAS — extraction tableur (export-ccas.xls)".to_string(),
            staged: Staged::from_bytes(blobs::legacy_xls(), hashes),
            listed: true,
            present: true,
        });
    }
    payload.sort_by(|a, b| a.path.cmp(&b.path));

    let export_name = format!("export-{code}-{}", opts.seed);
    let id = Identity { code, name, export_name: &export_name };
    let flip_path = has(Defect::DigestMismatch).then(|| format!("{prefix}donnees/bureaux.csv"));
    let flip_path = flip_path.as_deref();
    let tags: Vec<(String, Vec<u8>)> = match package {
        Package::Reversa => {
            vec![(
                "manifest.json".to_string(),
                packages::reversa_manifest(&id, &payload, &declared, flip_path),
            )]
        }
        Package::Bagit => packages::bagit_tags(&id, &payload, flip_path),
        Package::Seda => {
            vec![("manifest.xml".to_string(), packages::seda_manifest(&id, &payload, flip_path))]
        }
        Package::Bare => Vec::new(),
    };

    let target = out_dir.join(format!("{export_name}{}", opts.container.extension()));
    let mut sink: Box<dyn Sink> = match opts.container {
        DemoContainer::Zip => Box::new(ZipSink::new(out_dir, target.clone())?),
        DemoContainer::Tar => Box::new(TarSink::plain(out_dir, target.clone())?),
        DemoContainer::TarGz => Box::new(TarSink::gzip(out_dir, target.clone())?),
        DemoContainer::Folder => Box::new(FolderSink::new(out_dir, target.clone())?),
    };
    let mut files = Vec::with_capacity(tags.len() + payload.len());
    for (path, bytes) in &tags {
        sink.add(path, bytes.len() as u64, &mut &bytes[..])?;
        files.push((path.clone(), bytes.len() as u64));
    }
    for p in payload.iter_mut().filter(|p| p.present) {
        let size = p.staged.size;
        sink.add(&p.path, size, &mut p.staged.reader()?)?;
        files.push((p.path.clone(), size));
    }
    sink.finish()?;

    let records = declared
        .iter()
        .filter(|d| payload.iter().any(|p| p.path == d.path && p.present))
        .map(|d| (d.name.to_string(), d.records))
        .collect();
    Ok(DemoExport { path: target, files, records })
}
