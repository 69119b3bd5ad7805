//! Stage 1 — reading an export (zip, tar — bare or compressed with gzip, bzip2, xz or zstd — or a
//! folder) without extracting it.
//!
//! [`Archive::open`] identifies the container from its first bytes (not its name); a compressed
//! stream is a tar when the first block it decodes to is a tar header. An archive reversa
//! recognises but cannot read (7z, RAR, CAB, cpio, ISO 9660…, or a compressed stream that holds
//! no tar) opens as [`Container::Unsupported`]: no entry, a report that says the content could not
//! be checked. Anything else is [`ArchiveError::UnknownContainer`]. Zip archives and
//! folders are random-access: their entries are listed first, then read in parallel, one reader
//! per thread. Tar streams are read in order, once. Every entry's bytes pass through a
//! [`limits::Guarded`] reader that stops decompression bombs, then through the caller's
//! [`EntryHandler`], which hashes and identifies them while they flow. Nothing is ever written to
//! disk and the input is opened read-only.

mod entry;
mod folder;
pub mod limits;
mod stream;
mod tar;
mod unsupported;
mod zip;

pub use entry::{EntryKind, EntryMeta, PathProblem, decode_name, normalise_path};
pub use limits::{Budget, Limits, Stop};
pub use stream::WRITER_WAIT;
pub use tar::DECODER_MEMORY;

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A pipe's bytes: those detection kept, then the rest.
type StreamReader = Box<dyn Read + Send>;

/// The kind of container an export comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    /// A zip archive.
    Zip,
    /// An uncompressed tar archive.
    Tar,
    /// A gzip-compressed tar archive.
    TarGz,
    /// A bzip2-compressed tar archive.
    TarBz2,
    /// An xz-compressed tar archive.
    TarXz,
    /// A Zstandard-compressed tar archive.
    TarZst,
    /// A folder on disk.
    Folder,
    /// An archive reversa recognises but cannot read ([`Archive::unsupported`] names it).
    Unsupported,
}

impl Container {
    /// The name written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Container::Zip => "zip",
            Container::Tar => "tar",
            Container::TarGz => "tar-gz",
            Container::TarBz2 => "tar-bz2",
            Container::TarXz => "tar-xz",
            Container::TarZst => "tar-zst",
            Container::Folder => "folder",
            Container::Unsupported => "unsupported",
        }
    }

    /// The compression around a tar stream, for the tar containers.
    fn codec(self) -> Option<tar::Codec> {
        match self {
            Container::Tar => Some(tar::Codec::None),
            Container::TarGz => Some(tar::Codec::Gzip),
            Container::TarBz2 => Some(tar::Codec::Bzip2),
            Container::TarXz => Some(tar::Codec::Xz),
            Container::TarZst => Some(tar::Codec::Zstd),
            Container::Zip | Container::Folder | Container::Unsupported => None,
        }
    }
}

/// An archive reversa recognises but does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsupported {
    /// The format's name (`7z`, `RAR 5`, `cpio`, `gzip`…).
    pub format: &'static str,
    /// A compressed stream (gzip, bzip2, xz, zstd) that holds no tar archive.
    pub lone_stream: bool,
}

/// Why an export cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The path does not exist or cannot be opened.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The path given.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The file is not an archive reversa recognises, nor a folder.
    #[error(
        "{path}: not an archive (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst) nor a folder; give the export itself"
    )]
    UnknownContainer {
        /// The path given.
        path: PathBuf,
    },
    /// The archive is recognised, but reversa cannot read it (a command that needs its entries).
    #[error("{path}: reversa cannot read this container ({format})")]
    UnsupportedContainer {
        /// The path given.
        path: PathBuf,
        /// The format's name.
        format: &'static str,
    },
    /// A pipe, FIFO or device that reversa refuses to read (no writer, empty, a zip that needs
    /// seeking, a terminal).
    #[error("{path}: {message}")]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// Why, and what to do.
        message: String,
    },
    /// The container's directory could not be read.
    #[error("{path}: unreadable {container} archive: {message}")]
    Corrupt {
        /// The path given.
        path: PathBuf,
        /// The container kind.
        container: &'static str,
        /// What the reader said.
        message: String,
    },
}

/// Receives each entry's bytes while they flow. Implementations must be shareable across threads.
pub trait EntryHandler: Sync {
    /// What handling one entry produces.
    type Output: Send;
    /// Reads the entry to its end (or until an error) and returns what it learnt.
    fn handle(&self, meta: &EntryMeta, reader: &mut dyn Read) -> io::Result<Self::Output>;
}

/// Receives progress as bytes flow; the binary draws bars with it, the library never prints.
pub trait Progress: Sync {
    /// Reading starts; totals are known for zip archives and folders, not for tar streams.
    fn start(&self, _total_bytes: Option<u64>, _total_entries: Option<u64>) {}
    /// `n` more uncompressed bytes were read.
    fn bytes(&self, _n: u64) {}
    /// One more entry is done.
    fn entry_done(&self) {}
}

/// A progress sink that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// How reading one entry ended.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Read to its end.
    Read(T),
    /// Not read: selected out, or refused before reading (encrypted, unsafe path, ratio).
    Skipped,
    /// Reading failed part-way.
    Failed {
        /// What the decompressor or the file system said.
        error: String,
        /// The limit that stopped it, if a limit did.
        stop: Option<Stop>,
        /// Bytes delivered before the failure.
        bytes_read: u64,
    },
}

/// Everything one scan of an export produced.
#[derive(Debug)]
pub struct Scan<T> {
    /// Every entry of the container, in container order.
    pub entries: Vec<EntryMeta>,
    /// What reading each entry gave, aligned with `entries`.
    pub outcomes: Vec<Outcome<T>>,
    /// An error that stopped the container from being read to its end (truncated tar, say).
    pub container_error: Option<String>,
    /// A limit that stopped a compressed stream outside any entry (ratio, memory, total).
    pub stream_stop: Option<Stop>,
    /// SHA-256 of the archive file's own bytes, when computed during the scan.
    pub archive_sha256: Option<[u8; 32]>,
    /// How many bytes the archive itself holds, when counted during the scan (a pipe's length).
    pub archive_len: Option<u64>,
    /// The total-size budget was exhausted: some entries were not read.
    pub budget_exhausted: bool,
    /// Uncompressed bytes read.
    pub bytes_read: u64,
}

/// An opened export.
pub struct Archive {
    path: PathBuf,
    container: Container,
    zip: Option<zip::ZipIndex>,
    listing: Option<Vec<EntryMeta>>,
    /// Overlapping zip entries were detected at open.
    pub overlapping: bool,
    /// Names that several zip entries share (an empty name: shared names that could not be read).
    pub duplicate_names: Vec<String>,
    /// The archive recognised but not read, when the container is [`Container::Unsupported`].
    pub unsupported: Option<Unsupported>,
    /// Entries of a folder that could not be listed (an unreadable subfolder, a path too long
    /// for the system): path and cause.
    pub unlisted: Vec<(String, String)>,
    /// A pipe or FIFO: read once, from the bytes detection kept; `None` once taken.
    stream: Option<Mutex<Option<StreamReader>>>,
}

impl Archive {
    /// Opens an export, identifying its container from its content.
    pub fn open(path: &Path) -> Result<Archive, ArchiveError> {
        let open_err = |source| ArchiveError::Open { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(open_err)?;
        if meta.is_dir() {
            let (listing, unlisted) = folder::list(path);
            return Ok(Archive {
                path: path.to_path_buf(),
                container: Container::Folder,
                zip: None,
                listing: Some(listing),
                overlapping: false,
                duplicate_names: Vec::new(),
                unsupported: None,
                unlisted,
                stream: None,
            });
        }
        if let Some(refused) = not_a_file(&meta) {
            return Err(stream::refusal(path, refused));
        }
        // A pipe or FIFO: what detection reads is kept and replayed.
        let mut replay = if is_pipe(&meta) {
            let (file, first) = stream::open_fifo(path, stream::WRITER_WAIT)?;
            Some(stream::Replay::new(file, first))
        } else {
            None
        };
        // Enough for an ISO 9660 volume descriptor (sector 16).
        let mut head = vec![0u8; unsupported::HEAD_LEN];
        let n = match &mut replay {
            Some(r) => read_up_to(r, &mut head),
            None => read_up_to(&mut File::open(path).map_err(open_err)?, &mut head),
        }
        .map_err(open_err)?;
        let head = &head[..n];
        let mut unsupported = None;
        let container = if head.starts_with(b"PK\x03\x04")
            || head.starts_with(b"PK\x05\x06")
            || head.starts_with(b"PK\x07\x08")
        {
            if replay.is_some() {
                return Err(stream::refusal(
                    path,
                    "a zip archive cannot be read from a pipe (its directory is at its end): zip needs a file; save it first",
                ));
            }
            Container::Zip
        } else if let Some(codec) = tar::Codec::sniff(head) {
            let mut block = [0u8; 512];
            let peeked = match &mut replay {
                Some(r) => {
                    r.rewind();
                    tar::peek_reader(r, codec, &mut block)
                }
                None => tar::peek(path, codec, &mut block),
            };
            match peeked {
                // What it holds is not a tar: a compressed file on its own.
                Ok(n) if !tar::is_tar_header(&block[..n]) => {
                    unsupported = Some(Unsupported { format: codec.name(), lone_stream: true });
                    Container::Unsupported
                }
                // A tar, or a stream too damaged to tell: reading it will say where it breaks.
                _ => match codec {
                    tar::Codec::Bzip2 => Container::TarBz2,
                    tar::Codec::Xz => Container::TarXz,
                    tar::Codec::Zstd => Container::TarZst,
                    tar::Codec::Gzip | tar::Codec::None => Container::TarGz,
                },
            }
        } else if tar::is_tar_header(head) {
            Container::Tar
        } else if let Some(format) = unsupported::sniff(head) {
            unsupported = Some(Unsupported { format, lone_stream: false });
            Container::Unsupported
        } else {
            return Err(ArchiveError::UnknownContainer { path: path.to_path_buf() });
        };
        let mut archive = Archive {
            path: path.to_path_buf(),
            container,
            zip: None,
            listing: None,
            overlapping: false,
            duplicate_names: Vec::new(),
            unsupported,
            unlisted: Vec::new(),
            stream: replay.map(|r| Mutex::new(Some(Box::new(r.into_stream()) as StreamReader))),
        };
        if container == Container::Zip {
            let index = zip::ZipIndex::open(path)?;
            archive.overlapping = index.overlapping;
            archive.duplicate_names = index.duplicate_names.clone();
            archive.listing = Some(index.list());
            archive.zip = Some(index);
        }
        Ok(archive)
    }

    /// Whether the export is a pipe or FIFO, read once: no second pass can be made.
    pub fn is_stream(&self) -> bool {
        self.stream.is_some()
    }

    /// The pipe's bytes, the first time they are asked for; the file's otherwise.
    fn source(&self) -> io::Result<StreamReader> {
        match &self.stream {
            Some(m) => m
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .ok_or_else(|| io::Error::other("a pipe is read once: its bytes are gone")),
            None => Ok(Box::new(File::open(&self.path)?)),
        }
    }

    /// The path given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The container kind.
    pub fn container(&self) -> Container {
        self.container
    }

    /// The archive recognised but not read, for [`Container::Unsupported`].
    pub fn unsupported(&self) -> Option<Unsupported> {
        self.unsupported
    }

    /// This archive, or the error that says reversa cannot read it (for commands that need its
    /// entries and write no verification report).
    pub fn readable(self) -> Result<Archive, ArchiveError> {
        match self.unsupported {
            Some(u) => Err(ArchiveError::UnsupportedContainer { path: self.path, format: u.format }),
            None => Ok(self),
        }
    }

    /// The entries, when the container lists them before reading (zip, folder).
    pub fn listing(&self) -> Option<&[EntryMeta]> {
        self.listing.as_deref()
    }

    /// Reads one small entry whole (a manifest), random-access containers only.
    /// Returns `None` when the container is a stream or the entry is absent.
    pub fn read_whole(&self, entry: &EntryMeta, max: u64) -> Option<io::Result<Vec<u8>>> {
        let read = |r: &mut dyn Read| -> io::Result<Vec<u8>> {
            let mut buf = Vec::new();
            r.take(max + 1).read_to_end(&mut buf)?;
            if buf.len() as u64 > max {
                return Err(io::Error::other(format!("larger than {max} bytes")));
            }
            Ok(buf)
        };
        match self.container {
            Container::Zip => Some(self.zip.as_ref()?.read_one(&self.path, entry.index, read)),
            Container::Folder => {
                Some(folder::open_listed(&self.path, &entry.path).and_then(|mut f| read(&mut f)))
            }
            _ => None,
        }
    }

    /// Reads the selected entries once each, through `handler`, in parallel where the container
    /// allows it. Entries not selected are listed and marked [`Outcome::Skipped`].
    pub fn scan<H: EntryHandler>(
        &self,
        handler: &H,
        select: &(dyn Fn(&EntryMeta) -> bool + Sync),
        limits: &Limits,
        progress: &dyn Progress,
        hash_archive: bool,
    ) -> Scan<H::Output> {
        let budget = Budget::default();
        let ctx = ReadCtx { handler, limits, budget: &budget, progress };
        // Entries sharing their data are how an overlapping-entry bomb multiplies its output:
        // such an archive is listed, none of its entries read.
        let refuse = |m: &EntryMeta| !self.overlapping && select(m);
        let select: &(dyn Fn(&EntryMeta) -> bool + Sync) = &refuse;
        match &self.listing {
            Some(listing) => {
                let selected = listing.iter().filter(|m| select(m));
                let (bytes, count) = selected
                    .fold((0u64, 0u64), |(b, c), m| (b.saturating_add(m.declared_size.unwrap_or(0)), c + 1));
                progress.start(Some(bytes), Some(count));
            }
            None => progress.start(None, None),
        }
        let mut scan = match self.container {
            Container::Zip => {
                let index = self.zip.as_ref().expect("zip index loaded at open");
                let listing = self.listing.as_deref().unwrap_or_default();
                let (outcomes, digest) = rayon::join(
                    || index.scan(&self.path, listing, select, &ctx),
                    || hash_archive.then(|| sha256_file(&self.path)).and_then(Result::ok),
                );
                Scan {
                    entries: listing.to_vec(),
                    outcomes,
                    container_error: None,
                    stream_stop: None,
                    archive_sha256: digest,
                    archive_len: None,
                    budget_exhausted: false,
                    bytes_read: 0,
                }
            }
            Container::Folder => {
                let listing = self.listing.as_deref().unwrap_or_default();
                Scan {
                    entries: listing.to_vec(),
                    outcomes: folder::scan(&self.path, listing, select, &ctx),
                    container_error: None,
                    stream_stop: None,
                    archive_sha256: None,
                    archive_len: None,
                    budget_exhausted: false,
                    bytes_read: 0,
                }
            }
            // Nothing is read from an archive reversa cannot open; its own bytes are still hashed.
            Container::Unsupported => {
                let digest = (hash_archive || self.is_stream())
                    .then(|| self.source().and_then(|mut r| sha256_reader(&mut r)))
                    .and_then(Result::ok);
                Scan {
                    entries: Vec::new(),
                    outcomes: Vec::new(),
                    container_error: None,
                    stream_stop: None,
                    archive_sha256: digest.map(|d| d.0),
                    archive_len: digest.map(|d| d.1),
                    budget_exhausted: false,
                    bytes_read: 0,
                }
            }
            tar_kind => {
                let codec = tar_kind.codec().expect("every other container is a tar stream");
                tar::scan(self.source(), codec, select, &ctx)
            }
        };
        scan.budget_exhausted = budget.exhausted();
        scan.bytes_read = budget.used();
        scan
    }
}

/// What every container's reader needs to read one entry.
pub(crate) struct ReadCtx<'a, H> {
    pub handler: &'a H,
    pub limits: &'a Limits,
    pub budget: &'a Budget,
    pub progress: &'a dyn Progress,
}

impl<H: EntryHandler> ReadCtx<'_, H> {
    /// Reads one entry through the guard and the handler.
    pub fn read(&self, meta: &EntryMeta, reader: &mut dyn Read) -> Outcome<H::Output> {
        if self.budget.exhausted() {
            return Outcome::Failed {
                error: "total size limit reached".into(),
                stop: Some(Stop::Total),
                bytes_read: 0,
            };
        }
        let mut guarded = Guarded {
            inner: limits::Guarded::new(
                reader,
                meta.declared_size,
                meta.compressed_size,
                self.limits,
                self.budget,
            ),
            progress: self.progress,
        };
        let result = crate::guard::catch(|| {
            crate::guard::inject(&meta.path);
            self.handler.handle(meta, &mut guarded)
        });
        self.progress.entry_done();
        let stop = guarded.inner.stopped;
        let bytes_read = guarded.inner.bytes_read();
        let result = match result {
            Ok(r) => r,
            Err(p) => return Outcome::Failed { error: p.at, stop: Some(Stop::Internal), bytes_read },
        };
        match result {
            Ok(out) if stop.is_none() => {
                // A declared size larger than what the entry holds is a lie too.
                match meta.declared_size {
                    Some(d) if d != bytes_read && meta.compressed_size.is_some() => Outcome::Failed {
                        error: format!("declared {d} bytes, read {bytes_read}"),
                        stop: Some(Stop::OverDeclared),
                        bytes_read,
                    },
                    _ => Outcome::Read(out),
                }
            }
            Ok(_) => Outcome::Failed { error: "limit reached".into(), stop, bytes_read },
            Err(e) => Outcome::Failed { error: e.to_string(), stop, bytes_read },
        }
    }
}

/// The guard plus progress reporting.
struct Guarded<'a, R> {
    inner: limits::Guarded<'a, R>,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.bytes(n as u64);
        Ok(n)
    }
}

/// Reads until `buf` is full or the reader ends.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// SHA-256 of a whole file, read in 64 KiB chunks.
pub fn sha256_file(path: &Path) -> io::Result<[u8; 32]> {
    sha256_reader(&mut File::open(path)?).map(|d| d.0)
}

/// SHA-256 of everything a reader gives, and how many bytes that was.
fn sha256_reader(r: &mut dyn Read) -> io::Result<([u8; 32], u64)> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        len += n as u64;
        h.update(&buf[..n]);
    }
    Ok((h.finalize().into(), len))
}

/// A pipe or FIFO: read as a stream.
fn is_pipe(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Why an export that is neither a file, a folder nor a pipe is refused (a terminal, a socket,
/// a character device such as `/dev/zero`, which would never end).
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let ft = meta.file_type();
        if ft.is_char_device() || ft.is_socket() {
            return Some(
                "not a file, a folder or a pipe (a terminal or a device): give the export's file, or pipe it in",
            );
        }
    }
    let _ = meta;
    None
}
