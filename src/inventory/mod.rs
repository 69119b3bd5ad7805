//! Stage 2 — inventory: for each entry, while its bytes flow once, the digests, the format (with
//! its PRONOM id and openness class) and the text encoding.
//!
//! [`Inspector`] is the [`EntryHandler`] the pipeline hands to [`crate::archive::Archive::scan`].
//! It reads each entry in 64 KiB chunks and feeds every chunk to the hashers, the format sniffer
//! and the encoding probe; for the few entries named as manifests it also keeps the bytes (up to
//! a limit), so that a tar stream whose manifest comes last still needs a single pass.

pub mod digest;
pub mod encoding;
pub mod format;

pub use digest::{Algorithm, AlgorithmSet, Digests, MultiHasher};
pub use encoding::{Encoding, TextProbe};
pub use format::{Format, Openness, Sniffer};

use crate::archive::{EntryHandler, EntryMeta};
use std::io::{self, Read};

/// Chunk size for reading entries: hashing is fastest at 64 KiB on this machine kind.
pub const CHUNK: usize = 64 * 1024;

/// What the inventory learnt about one file.
#[derive(Debug, Clone)]
pub struct FileFacts {
    /// Bytes read.
    pub size: u64,
    /// Digests computed.
    pub digests: Digests,
    /// Identified format.
    pub format: Format,
    /// Text encoding (or binary).
    pub encoding: Encoding,
    /// The entry's bytes, when it was asked to keep them (manifests) and they fit the limit.
    pub captured: Option<Vec<u8>>,
}

/// Reads entries once, hashing, identifying and (for manifests) capturing them.
pub struct Inspector<'a> {
    /// Algorithms computed for every file.
    pub algorithms: AlgorithmSet,
    /// Which entries to keep in memory, and up to how many bytes.
    pub capture: &'a (dyn Fn(&EntryMeta) -> Option<u64> + Sync),
    /// Algorithms learnt from manifests captured so far (tar streams): added for later entries.
    pub learnt: Option<&'a std::sync::atomic::AtomicU16>,
}

impl EntryHandler for Inspector<'_> {
    type Output = FileFacts;

    fn handle(&self, meta: &EntryMeta, reader: &mut dyn Read) -> io::Result<FileFacts> {
        let mut inspection = self.start(meta);
        inspection.drain(reader)?;
        Ok(inspection.finish(self, meta))
    }
}

impl Inspector<'_> {
    /// Starts inspecting one entry: feed it every chunk, then [`Inspection::finish`].
    pub fn start(&self, meta: &EntryMeta) -> Inspection {
        let learnt =
            self.learnt.map(|l| AlgorithmSet::from_bits(l.load(std::sync::atomic::Ordering::Relaxed)));
        let capture_limit = (self.capture)(meta);
        Inspection {
            hasher: MultiHasher::new(self.algorithms.union(learnt.unwrap_or_default())),
            sniffer: Sniffer::new(),
            probe: TextProbe::new(),
            captured: capture_limit.map(|_| Vec::new()),
            capture_limit,
            size: 0,
        }
    }
}

/// One entry being inspected: digests, format sniffing, encoding probe and capture, fed chunk
/// by chunk — by [`Inspector::handle`], or by a [`Tee`] while another reader (the records
/// stage) pulls the same bytes.
pub struct Inspection {
    hasher: MultiHasher,
    sniffer: Sniffer,
    probe: TextProbe,
    captured: Option<Vec<u8>>,
    capture_limit: Option<u64>,
    size: u64,
}

impl Inspection {
    /// Feeds one chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.size += chunk.len() as u64;
        self.hasher.update(chunk);
        self.sniffer.update(chunk);
        self.probe.update(chunk);
        if let (Some(c), Some(limit)) = (&mut self.captured, self.capture_limit) {
            if (c.len() + chunk.len()) as u64 <= limit {
                c.extend_from_slice(chunk);
            } else {
                self.captured = None;
            }
        }
    }

    /// Reads `reader` to its end, feeding every chunk.
    pub fn drain(&mut self, reader: &mut dyn Read) -> io::Result<()> {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => self.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// What was learnt.
    pub fn finish(self, inspector: &Inspector<'_>, meta: &EntryMeta) -> FileFacts {
        if let (Some(l), Some(bytes)) = (inspector.learnt, &self.captured) {
            l.fetch_or(
                AlgorithmSet::named_in(&meta.path, bytes).bits(),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        let encoding = self.probe.finish();
        FileFacts {
            size: self.size,
            digests: self.hasher.finish(),
            format: self.sniffer.finish(&meta.path, encoding),
            encoding,
            captured: self.captured,
        }
    }
}

/// A reader that feeds every byte it passes on to an [`Inspection`]: the records stage reads
/// through it, so each byte is decompressed once, hashed and parsed.
pub struct Tee<'a> {
    /// The entry's bytes.
    pub inner: &'a mut dyn Read,
    /// The inspection fed.
    pub inspection: &'a mut Inspection,
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.inspection.update(&buf[..n]);
        Ok(n)
    }
}

/// How reading a file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadStatus {
    /// Read to its end: digests, format and encoding are known.
    Read,
    /// Not read: not a regular file, unsafe, encrypted, or refused by a limit.
    NotRead,
    /// Reading failed part-way.
    Failed,
}

/// One inventoried entry: what the container declares and what reading it taught.
#[derive(Debug, Clone)]
pub struct FileRecord {
    /// The container's view of the entry.
    pub meta: EntryMeta,
    /// How reading ended.
    pub status: ReadStatus,
    /// What reading taught, when it was read to the end.
    pub facts: Option<FileFacts>,
    /// Why reading failed part-way.
    pub failure: Option<Failure>,
}

/// Why reading a file failed part-way.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What the decompressor or the file system said.
    pub error: String,
    /// The limit that stopped it, if a limit did.
    pub stop: Option<crate::archive::Stop>,
    /// Bytes read before the failure.
    pub bytes_read: u64,
}

impl FileRecord {
    /// Size read, or the declared size when the file was not read.
    pub fn size(&self) -> Option<u64> {
        self.facts.as_ref().map(|f| f.size).or(self.meta.declared_size)
    }
}

/// Turns a scan into inventory records, one per entry, in container order.
pub fn records(scan: crate::archive::Scan<FileFacts>) -> Vec<FileRecord> {
    use crate::archive::Outcome;
    scan.entries
        .into_iter()
        .zip(scan.outcomes)
        .map(|(meta, outcome)| match outcome {
            Outcome::Read(facts) => {
                FileRecord { meta, status: ReadStatus::Read, facts: Some(facts), failure: None }
            }
            Outcome::Skipped => FileRecord { meta, status: ReadStatus::NotRead, facts: None, failure: None },
            Outcome::Failed { error, stop, bytes_read } => FileRecord {
                meta,
                status: ReadStatus::Failed,
                facts: None,
                failure: Some(Failure { error, stop, bytes_read }),
            },
        })
        .collect()
}
