//! Zip archives: the central directory is parsed once, then entries are read in parallel, each
//! thread with its own file handle over the same parsed directory.

use super::{ArchiveError, EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx, Stop};
use super::{decode_name, normalise_path};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use zip::read::ZipArchiveMetadata;

/// The parsed central directory of a zip archive.
pub(crate) struct ZipIndex {
    metadata: Arc<ZipArchiveMetadata>,
    pub overlapping: bool,
    pub duplicate_names: Vec<String>,
}

impl ZipIndex {
    pub fn open(path: &Path) -> Result<ZipIndex, ArchiveError> {
        let corrupt = |e: zip::result::ZipError| ArchiveError::Corrupt {
            path: path.to_path_buf(),
            container: "zip",
            message: e.to_string(),
        };
        let file =
            File::open(path).map_err(|source| ArchiveError::Open { path: path.to_path_buf(), source })?;
        let mut archive = zip::ZipArchive::new(file).map_err(corrupt)?;
        // Data ranges shared by several entries are how overlapping zip bombs multiply output.
        let overlapping = archive.has_overlapping_files().unwrap_or(true);
        // An empty name stands for duplicates that could not be named.
        let duplicate_names = if archive.has_duplicate_names() {
            duplicated_names(path).filter(|n| !n.is_empty()).unwrap_or_else(|| vec![String::new()])
        } else {
            Vec::new()
        };
        Ok(ZipIndex { metadata: archive.metadata(), overlapping, duplicate_names })
    }

    /// Lists every entry of the central directory.
    pub fn list(&self) -> Vec<EntryMeta> {
        (0..self.metadata.len())
            .filter_map(|i| {
                let e = self.metadata.entry(i).ok()?;
                let (name, name_utf8) = decode_name(e.name_raw());
                let (path, path_problem) = normalise_path(&name);
                let kind = if e.is_symlink() {
                    EntryKind::Symlink
                } else if e.is_dir() {
                    EntryKind::Dir
                } else {
                    EntryKind::File
                };
                Some(EntryMeta {
                    index: i,
                    path,
                    kind,
                    declared_size: Some(e.size()),
                    compressed_size: Some(e.compressed_size()),
                    encrypted: e.encrypted(),
                    name_utf8,
                    path_problem,
                })
            })
            .collect()
    }

    /// The name of an entry's compression method when reversa does not decode it.
    fn unsupported_method(&self, index: usize) -> Option<String> {
        #[allow(deprecated)] // `Unsupported` is how the zip crate names the methods it lacks.
        let zip::CompressionMethod::Unsupported(n) = self.metadata.entry(index).ok()?.compression() else {
            return None;
        };
        let name = match n {
            1 => "Shrink",
            2..=5 => "Reduce",
            6 => "Implode",
            10 => "PKWARE DCL Implode",
            18 => "IBM TERSE",
            19 => "IBM LZ77",
            96 => "JPEG",
            97 => "WavPack",
            98 => "PPMd",
            _ => return Some(n.to_string()),
        };
        Some(format!("{name} ({n})"))
    }

    fn reader(&self, path: &Path) -> io::Result<zip::ZipArchive<File>> {
        let file = File::open(path)?;
        // SAFETY: `file` is the same archive, opened read-only, that `metadata` was parsed from.
        Ok(unsafe { zip::ZipArchive::unsafe_new_with_metadata(file, self.metadata.clone()) })
    }

    /// Reads one entry with `f`.
    pub fn read_one<T>(
        &self,
        path: &Path,
        index: usize,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        let mut archive = self.reader(path)?;
        let mut entry = archive.by_index(index).map_err(io::Error::other)?;
        f(&mut entry)
    }

    /// Reads the selected entries in parallel.
    pub fn scan<H: EntryHandler>(
        &self,
        path: &Path,
        listing: &[EntryMeta],
        select: &(dyn Fn(&EntryMeta) -> bool + Sync),
        ctx: &ReadCtx<'_, H>,
    ) -> Vec<Outcome<H::Output>> {
        listing
            .par_iter()
            .with_max_len(1)
            .map_init(
                || self.reader(path),
                |archive, meta| {
                    if !select(meta) {
                        return Outcome::Skipped;
                    }
                    let archive = match archive {
                        Ok(a) => a,
                        Err(e) => {
                            return Outcome::Failed { error: e.to_string(), stop: None, bytes_read: 0 };
                        }
                    };
                    // Not the export's fault: reversa does not decode this method.
                    if let Some(method) = self.unsupported_method(meta.index) {
                        return Outcome::Failed { error: method, stop: Some(Stop::Method), bytes_read: 0 };
                    }
                    match archive.by_index(meta.index) {
                        Ok(mut entry) => ctx.read(meta, &mut entry),
                        Err(e) => Outcome::Failed { error: e.to_string(), stop: None, bytes_read: 0 },
                    }
                },
            )
            .collect()
    }
}

/// Names that occur more than once in the central directory, read raw: the zip reader keeps
/// only one entry per name, so the duplicates are counted here. `None` when the directory cannot
/// be located this simply (zip64, a comment that hides the end record).
pub(crate) fn duplicated_names(path: &Path) -> Option<Vec<String>> {
    use std::io::{Seek, SeekFrom};
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let tail_len = len.min(22 + 65_535);
    f.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).ok()?;
    let eocd = memchr::memmem::rfind(&tail, b"PK\x05\x06")?;
    let rec = tail.get(eocd..eocd + 22)?;
    let cd_size = u64::from(u32::from_le_bytes(rec[12..16].try_into().ok()?));
    let cd_offset = u64::from(u32::from_le_bytes(rec[16..20].try_into().ok()?));
    if cd_size == 0xFFFF_FFFF
        || cd_offset == 0xFFFF_FFFF
        || cd_offset.checked_add(cd_size)? > len
        || cd_size > 256 << 20
    {
        return None;
    }
    f.seek(SeekFrom::Start(cd_offset)).ok()?;
    let mut cd = vec![0u8; cd_size as usize];
    f.read_exact(&mut cd).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut dups = std::collections::BTreeSet::new();
    let mut i = 0usize;
    while i + 46 <= cd.len() && cd[i..].starts_with(b"PK\x01\x02") {
        let n = usize::from(u16::from_le_bytes([cd[i + 28], cd[i + 29]]));
        let m = usize::from(u16::from_le_bytes([cd[i + 30], cd[i + 31]]));
        let k = usize::from(u16::from_le_bytes([cd[i + 32], cd[i + 33]]));
        let name = cd.get(i + 46..i + 46 + n)?;
        if !seen.insert(name) {
            dups.insert(super::decode_name(name).0);
        }
        i += 46 + n + m + k;
    }
    Some(dups.into_iter().collect())
}
