//! Writing the entries of a sample export into its container — zip, tar, tar.gz or a folder —
//! deterministically: fixed timestamps (2026-01-01 00:00:00 UTC), fixed permissions (0644),
//! no owner names, entries in the order given. The output is built under a temporary name inside
//! the output folder and renamed into place when complete.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// 2026-01-01T00:00:00Z as a Unix time.
const MTIME: u64 = 1_767_225_600;

/// Receives the export's entries, in order.
pub(crate) trait Sink {
    /// Adds a file of `size` bytes read from `data`.
    fn add(&mut self, path: &str, size: u64, data: &mut dyn Read) -> io::Result<()>;
    /// Completes the container and moves it to its final path.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

fn temp_file(out_dir: &Path) -> io::Result<(File, tempfile::TempPath)> {
    let tmp = tempfile::Builder::new().prefix(".export-").suffix(".part").tempfile_in(out_dir)?;
    Ok(tmp.into_parts())
}

fn persist(tmp: tempfile::TempPath, target: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(target).map_err(|e| e.error)
}

/// A zip archive (deflate).
pub(crate) struct ZipSink {
    zip: zip::ZipWriter<BufWriter<File>>,
    tmp: tempfile::TempPath,
    target: PathBuf,
}

impl ZipSink {
    /// A zip archive to be moved to `target`.
    pub(crate) fn new(out_dir: &Path, target: PathBuf) -> io::Result<Self> {
        let (file, tmp) = temp_file(out_dir)?;
        Ok(ZipSink { zip: zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, file)), tmp, target })
    }
}

impl Sink for ZipSink {
    fn add(&mut self, path: &str, size: u64, data: &mut dyn Read) -> io::Result<()> {
        let time = zip::DateTime::from_date_and_time(2026, 1, 1, 0, 0, 0).map_err(io::Error::other)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(time)
            .system(zip::System::Unix)
            .unix_permissions(0o644)
            .large_file(size >= u64::from(u32::MAX));
        self.zip.start_file(path, options).map_err(io::Error::other)?;
        io::copy(data, &mut self.zip)?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let ZipSink { zip, tmp, target } = *self;
        let mut out = zip.finish().map_err(io::Error::other)?;
        out.flush()?;
        drop(out.into_inner().map_err(|e| e.into_error())?);
        persist(tmp, &target)
    }
}

/// A tar archive, optionally gzip-compressed.
pub(crate) struct TarSink<W: Write> {
    tar: tar::Builder<W>,
    tmp: tempfile::TempPath,
    target: PathBuf,
    finish_inner: fn(W) -> io::Result<()>,
}

impl TarSink<BufWriter<File>> {
    /// An uncompressed tar archive to be moved to `target`.
    pub(crate) fn plain(out_dir: &Path, target: PathBuf) -> io::Result<Self> {
        let (file, tmp) = temp_file(out_dir)?;
        Ok(TarSink {
            tar: tar::Builder::new(BufWriter::with_capacity(1 << 20, file)),
            tmp,
            target,
            finish_inner: |mut w| {
                w.flush()?;
                drop(w.into_inner().map_err(|e| e.into_error())?);
                Ok(())
            },
        })
    }
}

impl TarSink<flate2::write::GzEncoder<BufWriter<File>>> {
    /// A gzip-compressed tar archive to be moved to `target` (gzip header without name nor
    /// time).
    pub(crate) fn gzip(out_dir: &Path, target: PathBuf) -> io::Result<Self> {
        let (file, tmp) = temp_file(out_dir)?;
        let gz = flate2::GzBuilder::new()
            .mtime(0)
            .operating_system(255)
            .write(BufWriter::with_capacity(1 << 20, file), flate2::Compression::default());
        Ok(TarSink {
            tar: tar::Builder::new(gz),
            tmp,
            target,
            finish_inner: |gz| {
                let mut w = gz.finish()?;
                w.flush()?;
                drop(w.into_inner().map_err(|e| e.into_error())?);
                Ok(())
            },
        })
    }
}

impl<W: Write> Sink for TarSink<W> {
    fn add(&mut self, path: &str, size: u64, data: &mut dyn Read) -> io::Result<()> {
        let mut header = tar::Header::new_ustar();
        header.set_path(path)?;
        header.set_size(size);
        header.set_mode(0o644);
        header.set_mtime(MTIME);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        self.tar.append(&header, data)
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        let TarSink { tar, tmp, target, finish_inner } = *self;
        finish_inner(tar.into_inner()?)?;
        persist(tmp, &target)
    }
}

/// A folder, built under a temporary name and renamed into place, replacing a previous one.
/// If dropped before [`Sink::finish`] completes, the partial folder is removed.
pub(crate) struct FolderSink {
    root: PathBuf,
    target: PathBuf,
    done: bool,
}

impl FolderSink {
    /// A folder to be moved to `target`.
    pub(crate) fn new(out_dir: &Path, target: PathBuf) -> io::Result<Self> {
        let root = tempfile::Builder::new().prefix(".export-").suffix(".part").tempdir_in(out_dir)?.keep();
        Ok(FolderSink { root, target, done: false })
    }
}

impl Sink for FolderSink {
    fn add(&mut self, path: &str, _size: u64, data: &mut dyn Read) -> io::Result<()> {
        let mut file_path = self.root.clone();
        for part in path.split('/') {
            if part.is_empty() || part == "." || part == ".." {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("bad entry path {path}")));
            }
            file_path.push(part);
        }
        if let Some(parent) = file_path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&file_path)?);
        io::copy(data, &mut out)?;
        out.flush()
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&self.root, fs::Permissions::from_mode(0o755))?;
        }
        match fs::symlink_metadata(&self.target) {
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(&self.target)?,
            Ok(_) => fs::remove_file(&self.target)?,
            Err(_) => {}
        }
        fs::rename(&self.root, &self.target)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for FolderSink {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}
