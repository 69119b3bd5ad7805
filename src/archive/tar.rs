//! Tar and tar.gz streams: read once, in order, the archive's own bytes hashed as they flow.

use super::{EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx, Scan};
use super::{decode_name, normalise_path};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// A pre-POSIX (v7) tar header has no magic: check its checksum instead.
pub(crate) fn looks_like_v7(head: &[u8]) -> bool {
    if head.len() < 512 || head[0] == 0 {
        return false;
    }
    let field = &head[148..156];
    let text: String = field.iter().take_while(|&&b| b != 0 && b != b' ').map(|&b| b as char).collect();
    let Ok(declared) = u32::from_str_radix(text.trim(), 8) else { return false };
    let sum: u32 = head[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) })
        .sum();
    sum == declared
}

/// Hashes every byte that passes through it.
struct Tee<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Reads a tar (or tar.gz) stream once, handing the selected entries to the handler.
pub(crate) fn scan<H: EntryHandler>(
    path: &Path,
    gz: bool,
    select: &(dyn Fn(&EntryMeta) -> bool + Sync),
    ctx: &ReadCtx<'_, H>,
) -> Scan<H::Output> {
    let mut scan = Scan {
        entries: Vec::new(),
        outcomes: Vec::new(),
        container_error: None,
        archive_sha256: None,
        budget_exhausted: false,
        bytes_read: 0,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            scan.container_error = Some(e.to_string());
            return scan;
        }
    };
    let tee = Tee { inner: BufReader::with_capacity(256 * 1024, file), hasher: Sha256::new() };
    let tee = if gz {
        let mut archive = tar::Archive::new(flate2::read::MultiGzDecoder::new(tee));
        let err = read_entries(&mut archive, select, ctx, &mut scan);
        let mut decoder = archive.into_inner();
        // Let the decoder see the end of the gzip stream (its CRC), then keep its input.
        let tail = io::copy(&mut decoder, &mut io::sink());
        scan.container_error = err.or_else(|| tail.err().map(|e| e.to_string()));
        decoder.into_inner()
    } else {
        let mut archive = tar::Archive::new(tee);
        scan.container_error = read_entries(&mut archive, select, ctx, &mut scan);
        archive.into_inner()
    };
    let mut tee = tee;
    // Hash what the tar reader left unread (end-of-archive padding), so the digest is the file's.
    if io::copy(&mut tee, &mut io::sink()).is_ok() {
        scan.archive_sha256 = Some(tee.hasher.finalize().into());
    }
    scan
}

fn read_entries<R: Read, H: EntryHandler>(
    archive: &mut tar::Archive<R>,
    select: &(dyn Fn(&EntryMeta) -> bool + Sync),
    ctx: &ReadCtx<'_, H>,
    scan: &mut Scan<H::Output>,
) -> Option<String> {
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return Some(e.to_string()),
    };
    for (index, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return Some(e.to_string()),
        };
        let (name, name_utf8) = decode_name(&entry.path_bytes());
        let (path, path_problem) = normalise_path(&name);
        let et = entry.header().entry_type();
        let kind = if et.is_file() || et.is_contiguous() {
            EntryKind::File
        } else if et.is_dir() {
            EntryKind::Dir
        } else if et.is_symlink() {
            EntryKind::Symlink
        } else if et.is_hard_link() {
            EntryKind::HardLink
        } else {
            EntryKind::Special
        };
        let meta = EntryMeta {
            index,
            path,
            kind,
            declared_size: Some(entry.size()),
            compressed_size: None,
            encrypted: false,
            name_utf8,
            path_problem,
        };
        let outcome = if select(&meta) { ctx.read(&meta, &mut entry) } else { Outcome::Skipped };
        scan.entries.push(meta);
        scan.outcomes.push(outcome);
        if ctx.budget.exhausted() {
            return None;
        }
    }
    None
}
