//! Folder exports: walked without following links, files read in parallel.

use super::{EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx};
use rayon::prelude::*;
use std::fs::{self, File};
use std::path::Path;

/// Lists every entry below `root`, sorted by path, without following symbolic links.
pub(crate) fn list(root: &Path) -> Vec<EntryMeta> {
    let mut out = Vec::new();
    walk(root, "", &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    for (i, e) in out.iter_mut().enumerate() {
        e.index = i;
    }
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<EntryMeta>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    for item in read.flatten() {
        let name = item.file_name();
        let (name, name_utf8) = match name.to_str() {
            Some(s) => (s.to_string(), true),
            None => (name.to_string_lossy().into_owned(), false),
        };
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let Ok(ft) = item.file_type() else { continue };
        let size = if ft.is_file() { item.metadata().ok().map(|m| m.len()) } else { None };
        let kind = if ft.is_symlink() {
            EntryKind::Symlink
        } else if ft.is_dir() {
            EntryKind::Dir
        } else if ft.is_file() {
            EntryKind::File
        } else {
            EntryKind::Special
        };
        out.push(EntryMeta {
            index: 0,
            path: path.clone(),
            kind,
            declared_size: size,
            compressed_size: None,
            encrypted: false,
            name_utf8,
            path_problem: None,
        });
        if kind == EntryKind::Dir {
            walk(&item.path(), &path, out);
        }
    }
}

/// Reads the selected files in parallel; an unreadable file is a failed outcome, not an abort.
pub(crate) fn scan<H: EntryHandler>(
    root: &Path,
    listing: &[EntryMeta],
    select: &(dyn Fn(&EntryMeta) -> bool + Sync),
    ctx: &ReadCtx<'_, H>,
) -> Vec<Outcome<H::Output>> {
    listing
        .par_iter()
        .with_max_len(1)
        .map(|meta| {
            if !select(meta) {
                return Outcome::Skipped;
            }
            match File::open(root.join(&meta.path)) {
                Ok(mut f) => {
                    // A folder's sizes are real, not declared: do not hold the file to them.
                    let meta = EntryMeta { declared_size: None, ..meta.clone() };
                    ctx.read(&meta, &mut f)
                }
                Err(e) => Outcome::Failed { error: e.to_string(), stop: None, bytes_read: 0 },
            }
        })
        .collect()
}
