//! Tar streams, bare or compressed (gzip, bzip2, xz, zstd): read once, in order, the archive's
//! own bytes hashed as they flow.
//!
//! Every decoder reads concatenated members to the end, as parallel compressors write them
//! (`pigz`, `pbzip2`, `xz -T`, multi-frame `zstd`). Past the per-entry guard, the stream itself
//! is held to the ratio limit: an entry (or the bytes after the tar's end) that expands more
//! than `max_ratio` times the compressed bytes it took is stopped, and the xz and zstd decoders
//! refuse a stream that asks for more than [`DECODER_MEMORY`] bytes of window.

use super::limits::{Limits, Stop};
use super::{EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx, Scan};
use super::{decode_name, normalise_path};
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

/// The most memory the xz decoder may take for its dictionary (`xz -9` needs 65 MiB). zstd's
/// own default bound is 128 MiB of window (`--long` up to 27).
pub const DECODER_MEMORY: u64 = 256 << 20;

/// The compression around a tar stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codec {
    /// A bare tar.
    None,
    /// gzip (RFC 1952), members concatenated.
    Gzip,
    /// bzip2, streams concatenated.
    Bzip2,
    /// xz, streams concatenated.
    Xz,
    /// Zstandard, frames concatenated.
    Zstd,
}

impl Codec {
    /// The codec a file's first bytes announce.
    pub(crate) fn sniff(head: &[u8]) -> Option<Codec> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
            Some(Codec::Bzip2)
        } else if head.starts_with(b"\xFD7zXZ\0") {
            Some(Codec::Xz)
        } else if head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            Some(Codec::Zstd)
        } else {
            None
        }
    }

    /// The stream's format name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Codec::None => "tar",
            Codec::Gzip => "gzip",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
            Codec::Zstd => "zstd",
        }
    }

    /// A decoder reading `inner`.
    fn decoder<'a, R: Read + 'a>(self, inner: R) -> io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Codec::None => Box::new(inner),
            Codec::Gzip => Box::new(flate2::read::MultiGzDecoder::new(inner)),
            Codec::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(inner)),
            Codec::Xz => {
                Box::new(lzma_rust2::XzReader::new_mem_limit(inner, true, (DECODER_MEMORY >> 10) as u32))
            }
            Codec::Zstd => Box::new(zstd::stream::read::Decoder::new(inner)?),
        })
    }
}

/// Whether a decoder's error is its refusal to take more memory than allowed.
fn is_memory_refusal(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::OutOfMemory || e.to_string().contains("too much memory")
}

/// The first bytes a compressed stream decodes to (up to `buf.len()`); an error when even those
/// cannot be decoded.
pub(crate) fn peek(path: &Path, codec: Codec, buf: &mut [u8]) -> io::Result<usize> {
    peek_reader(BufReader::new(File::open(path)?), codec, buf)
}

/// [`peek`] from a reader (a pipe's replayed bytes).
pub(crate) fn peek_reader(r: impl Read, codec: Codec, buf: &mut [u8]) -> io::Result<usize> {
    let mut decoder = codec.decoder(r)?;
    super::read_up_to(&mut decoder, buf)
}

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

/// Whether a block is a tar header (`ustar` magic or a valid v7 checksum).
pub(crate) fn is_tar_header(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar") || looks_like_v7(head)
}

/// What the compressed and decompressed sides of one stream have seen.
#[derive(Default)]
struct Flow {
    hasher: RefCell<Sha256>,
    /// Compressed bytes taken from the file.
    consumed: Cell<u64>,
    /// Decompressed bytes delivered.
    delivered: Cell<u64>,
    /// Both counts where the current entry (or the tail) started.
    mark: Cell<(u64, u64)>,
    /// The limit that stopped the stream.
    stopped: Cell<Option<Stop>>,
}

impl Flow {
    fn set_mark(&self) {
        self.mark.set((self.consumed.get(), self.delivered.get()));
    }
}

/// The archive's bytes, shared: the decoder reads them through the [`Tee`], then what it left
/// is read from here too (a pipe cannot be opened again).
type Source = Rc<RefCell<BufReader<Box<dyn Read + Send>>>>;

/// Hashes and counts every byte of the file the decoder takes.
struct Tee {
    inner: Source,
    flow: Rc<Flow>,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.borrow_mut().read(buf)?;
        self.flow.hasher.borrow_mut().update(&buf[..n]);
        self.flow.consumed.set(self.flow.consumed.get() + n as u64);
        Ok(n)
    }
}

/// The decoder's output, held to the ratio limit since the last mark.
struct Metered<'a> {
    inner: Box<dyn Read + 'a>,
    flow: Rc<Flow>,
    limits: Limits,
    compressed: bool,
}

impl Read for Metered<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(stop) = self.flow.stopped.get() {
            return Err(io::Error::other(format!("{stop:?}")));
        }
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) => {
                if is_memory_refusal(&e) {
                    self.flow.stopped.set(Some(Stop::Memory));
                }
                return Err(e);
            }
        };
        let delivered = self.flow.delivered.get() + n as u64;
        self.flow.delivered.set(delivered);
        let (in0, out0) = self.flow.mark.get();
        let (inn, out) = (self.flow.consumed.get() - in0, delivered - out0);
        if self.compressed && self.limits.ratio_exceeded(out, inn).is_some() {
            self.flow.stopped.set(Some(Stop::Ratio));
            return Err(io::Error::other("compression ratio over the limit"));
        }
        Ok(n)
    }
}

/// Reads a tar stream once, handing the selected entries to the handler.
pub(crate) fn scan<H: EntryHandler>(
    input: io::Result<Box<dyn Read + Send>>,
    codec: Codec,
    select: &(dyn Fn(&EntryMeta) -> bool + Sync),
    ctx: &ReadCtx<'_, H>,
) -> Scan<H::Output> {
    let mut scan = Scan {
        entries: Vec::new(),
        outcomes: Vec::new(),
        container_error: None,
        stream_stop: None,
        archive_sha256: None,
        archive_len: None,
        budget_exhausted: false,
        bytes_read: 0,
    };
    let file = match input {
        Ok(f) => f,
        Err(e) => {
            scan.container_error = Some(e.to_string());
            return scan;
        }
    };
    let flow = Rc::new(Flow::default());
    let source: Source = Rc::new(RefCell::new(BufReader::with_capacity(256 * 1024, file)));
    let tee = Tee { inner: source.clone(), flow: flow.clone() };
    let decoder = match codec.decoder(tee) {
        Ok(d) => d,
        Err(e) => {
            scan.container_error = Some(e.to_string());
            return scan;
        }
    };
    let metered =
        Metered { inner: decoder, flow: flow.clone(), limits: *ctx.limits, compressed: codec != Codec::None };
    let mut archive = tar::Archive::new(metered);
    let err = read_entries(&mut archive, select, ctx, &mut scan, &flow);
    let mut err = err;
    if err.is_none() && flow.stopped.get().is_none() && !ctx.budget.exhausted() {
        // Let the decoder see the end of its stream (its checksum), within the limits: what
        // follows the tar's end is decompressed too, and a bomb may hide there.
        flow.set_mark();
        let left = ctx.limits.max_total_size.saturating_sub(ctx.budget.used());
        let mut metered = archive.into_inner();
        match io::copy(&mut (&mut metered).take(left), &mut io::sink()) {
            Ok(n) if n == left && left > 0 => scan.stream_stop = Some(Stop::Total),
            Ok(_) => {}
            Err(e) => err = Some(e.to_string()),
        }
    } else {
        drop(archive);
    }
    match flow.stopped.get() {
        // Stopped while an entry was read: that entry carries the finding.
        Some(stop)
            if scan
                .outcomes
                .last()
                .is_some_and(|o| matches!(o, Outcome::Failed { stop: Some(s), .. } if *s == stop)) => {}
        Some(stop) => scan.stream_stop = Some(stop),
        None => scan.container_error = err,
    }
    // Hash what the decoder left unread (padding, trailing bytes), so the digest is the file's.
    let mut rest = 0u64;
    let drained = (|| {
        let mut src = source.borrow_mut();
        let mut hasher = flow.hasher.borrow_mut();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match src.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok::<(), io::Error>(());
            }
            rest += n as u64;
            hasher.update(&buf[..n]);
        }
    })();
    if drained.is_ok() {
        scan.archive_sha256 = Some(flow.hasher.take().finalize().into());
        scan.archive_len = Some(flow.consumed.get() + rest);
    }
    scan
}

fn read_entries<R: Read, H: EntryHandler>(
    archive: &mut tar::Archive<R>,
    select: &(dyn Fn(&EntryMeta) -> bool + Sync),
    ctx: &ReadCtx<'_, H>,
    scan: &mut Scan<H::Output>,
    flow: &Flow,
) -> Option<String> {
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return Some(e.to_string()),
    };
    flow.set_mark();
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
        flow.set_mark();
        let mut outcome = if select(&meta) { ctx.read(&meta, &mut entry) } else { Outcome::Skipped };
        // A limit the stream itself hit while this entry flowed is this entry's finding.
        if let (Outcome::Failed { stop, .. }, Some(s)) = (&mut outcome, flow.stopped.get())
            && stop.is_none()
        {
            *stop = Some(s);
        }
        scan.entries.push(meta);
        scan.outcomes.push(outcome);
        if ctx.budget.exhausted() || flow.stopped.get().is_some() {
            return None;
        }
        flow.set_mark();
    }
    None
}
