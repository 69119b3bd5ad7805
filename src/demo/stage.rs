//! Staging of generated files before they go into the container: bytes are hashed while they
//! are written, kept in memory while small and spilled to an anonymous temporary file inside the
//! output folder when large (deleted by the system when closed), so that digests are known
//! before the manifest — the archive's first entry — is written, with bounded memory.

use sha2::{Digest, Sha256, Sha512};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Bytes kept in memory before spilling to a temporary file.
const SPILL_AT: usize = 8 << 20;
/// Once spilled, bytes are written to the file in chunks of this size.
const CHUNK: usize = 1 << 20;

/// Which digests to compute while staging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hashes {
    /// SHA-256 (reversa manifest, BagIt).
    pub(crate) sha256: bool,
    /// SHA-512 (BagIt, SEDA).
    pub(crate) sha512: bool,
}

/// A file being generated.
pub(crate) struct Stage<'d> {
    dir: &'d Path,
    buf: Vec<u8>,
    file: Option<File>,
    size: u64,
    sha256: Option<Sha256>,
    sha512: Option<Sha512>,
}

impl<'d> Stage<'d> {
    /// A new staged file; a temporary file, if needed, is created in `dir`.
    pub(crate) fn new(dir: &'d Path, hashes: Hashes) -> Self {
        Stage {
            dir,
            buf: Vec::new(),
            file: None,
            size: 0,
            sha256: hashes.sha256.then(Sha256::new),
            sha512: hashes.sha512.then(Sha512::new),
        }
    }

    fn hash_buf(&mut self) {
        if let Some(h) = &mut self.sha256 {
            h.update(&self.buf);
        }
        if let Some(h) = &mut self.sha512 {
            h.update(&self.buf);
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        self.hash_buf();
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(tempfile::tempfile_in(self.dir)?),
        };
        file.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// Ends the file: its bytes, size and digests.
    pub(crate) fn finish(mut self) -> io::Result<Staged> {
        let data = if self.file.is_some() {
            self.spill()?;
            let mut file = self.file.take().ok_or_else(|| io::Error::other("staging file lost"))?;
            file.flush()?;
            Data::File(file)
        } else {
            self.hash_buf();
            Data::Mem(std::mem::take(&mut self.buf))
        };
        Ok(Staged {
            data,
            size: self.size,
            sha256: self.sha256.map(|h| hex::encode(h.finalize())),
            sha512: self.sha512.map(|h| hex::encode(h.finalize())),
        })
    }
}

impl Write for Stage<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.size += data.len() as u64;
        let limit = if self.file.is_some() { CHUNK } else { SPILL_AT };
        if self.buf.len() >= limit {
            self.spill()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Data {
    Mem(Vec<u8>),
    File(File),
}

/// A generated file, ready to be written into the container.
pub(crate) struct Staged {
    data: Data,
    /// Its size in bytes.
    pub(crate) size: u64,
    /// Its SHA-256, lowercase hex, when asked for.
    pub(crate) sha256: Option<String>,
    /// Its SHA-512, lowercase hex, when asked for.
    pub(crate) sha512: Option<String>,
}

impl Staged {
    /// Stages bytes already in memory.
    pub(crate) fn from_bytes(bytes: Vec<u8>, hashes: Hashes) -> Staged {
        Staged {
            size: bytes.len() as u64,
            sha256: hashes.sha256.then(|| hex::encode(Sha256::digest(&bytes))),
            sha512: hashes.sha512.then(|| hex::encode(Sha512::digest(&bytes))),
            data: Data::Mem(bytes),
        }
    }

    /// A reader over its bytes, from the start.
    pub(crate) fn reader(&mut self) -> io::Result<Box<dyn Read + '_>> {
        match &mut self.data {
            Data::Mem(bytes) => Ok(Box::new(&bytes[..])),
            Data::File(file) => {
                file.seek(SeekFrom::Start(0))?;
                Ok(Box::new(io::BufReader::with_capacity(CHUNK, file)))
            }
        }
    }
}
