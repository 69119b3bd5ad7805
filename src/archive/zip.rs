//! Zip archives: the central directory is parsed once, then entries are read in parallel, each
//! thread with its own file handle over the same parsed directory.

use super::{ArchiveError, EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx};
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
    pub duplicate_names: usize,
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
        let duplicate_names = usize::from(archive.has_duplicate_names());
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
                    match archive.by_index(meta.index) {
                        Ok(mut entry) => ctx.read(meta, &mut entry),
                        Err(e) => Outcome::Failed { error: e.to_string(), stop: None, bytes_read: 0 },
                    }
                },
            )
            .collect()
    }
}
