//! Exports that are not files: a pipe (`… | reversa verify /dev/stdin`) or a named FIFO.
//!
//! A pipe cannot seek back: the bytes format detection reads are kept and replayed in front of
//! the rest, so the scan (and the archive's digest) sees every byte once. A FIFO is opened
//! without blocking: with no writer, reversa waits [`WRITER_WAIT`] for one, then refuses.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a FIFO with no writer is waited for.
pub const WRITER_WAIT: Duration = Duration::from_secs(5);

/// The most bytes detection may keep from a pipe (a bzip2 block needs up to 900 kB before it
/// decodes its first byte). Past it, detection stops and the stream is taken for a tar.
pub(crate) const PEEK_MAX: usize = 4 << 20;

/// A reader whose bytes are kept, so that they can be read again from the start.
pub(crate) struct Replay<R> {
    inner: R,
    kept: Vec<u8>,
    pos: usize,
}

impl<R: Read> Replay<R> {
    pub(crate) fn new(inner: R, first: Vec<u8>) -> Self {
        Replay { inner, kept: first, pos: 0 }
    }

    /// Reads again from the first byte.
    pub(crate) fn rewind(&mut self) {
        self.pos = 0;
    }

    /// The kept bytes, then the rest of the stream.
    pub(crate) fn into_stream(self) -> io::Chain<io::Cursor<Vec<u8>>, R> {
        io::Cursor::new(self.kept).chain(self.inner)
    }
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.kept.len() {
            let n = buf.len().min(self.kept.len() - self.pos);
            buf[..n].copy_from_slice(&self.kept[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        let room = PEEK_MAX.saturating_sub(self.kept.len());
        if room == 0 {
            return Err(io::Error::other("detection limit reached"));
        }
        let take = buf.len().min(room);
        let n = self.inner.read(&mut buf[..take])?;
        self.kept.extend_from_slice(&buf[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Why a pipe or FIFO is not read.
pub(crate) fn refusal(path: &Path, message: impl Into<String>) -> super::ArchiveError {
    super::ArchiveError::NotAFile { path: path.to_path_buf(), message: message.into() }
}

/// Opens a pipe or FIFO for reading without ever blocking on a missing writer: returns the file
/// (now blocking) and the bytes already read. A writer that holds the pipe open is waited for as
/// long as it takes (a slow producer); no writer at all is waited for `wait`, then refused.
#[cfg(unix)]
pub(crate) fn open_fifo(path: &Path, wait: Duration) -> Result<(File, Vec<u8>), super::ArchiveError> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use rustix::fs::{Mode, OFlags};
    let open_err = |source| super::ArchiveError::Open { path: path.to_path_buf(), source };
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )
    .map_err(|e| open_err(e.into()))?;
    let mut file = File::from(fd);
    let deadline = Instant::now() + wait;
    let mut hung_up = false;
    let mut buf = vec![0u8; 64 * 1024];
    let first = loop {
        match file.read(&mut buf) {
            Ok(n) if n > 0 => break buf[..n].to_vec(),
            // A writer holds the pipe open; its bytes will come.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Vec::new(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(open_err(e)),
            Ok(_) if hung_up => {
                return Err(refusal(path, "the pipe is empty: nothing was written to it"));
            }
            Ok(_) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(refusal(
                        path,
                        format!(
                            "nothing to read: no program writes to this pipe (waited {} s); start the writer first, or give the export's file",
                            wait.as_secs()
                        ),
                    ));
                }
                let timeout = Timespec { tv_sec: left.as_secs() as _, tv_nsec: left.subsec_nanos() as _ };
                let mut fds = [PollFd::new(&file, PollFlags::IN)];
                match poll(&mut fds, Some(&timeout)) {
                    Ok(_) => hung_up = fds[0].revents().contains(PollFlags::HUP),
                    Err(rustix::io::Errno::INTR) => {}
                    Err(e) => return Err(open_err(e.into())),
                }
            }
        }
    };
    let flags = rustix::fs::fcntl_getfl(&file).map_err(|e| open_err(e.into()))?;
    rustix::fs::fcntl_setfl(&file, flags - OFlags::NONBLOCK).map_err(|e| open_err(e.into()))?;
    Ok((file, first))
}

#[cfg(not(unix))]
pub(crate) fn open_fifo(path: &Path, _wait: Duration) -> Result<(File, Vec<u8>), super::ArchiveError> {
    let file =
        File::open(path).map_err(|source| super::ArchiveError::Open { path: path.to_path_buf(), source })?;
    Ok((file, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_gives_the_kept_bytes_again_then_the_rest() {
        let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let mut r = Replay::new(&data[100..], data[..100].to_vec());
        let mut head = [0u8; 300];
        super::super::read_up_to(&mut r, &mut head).unwrap();
        assert_eq!(&head[..], &data[..300]);
        r.rewind();
        let mut again = [0u8; 50];
        super::super::read_up_to(&mut r, &mut again).unwrap();
        assert_eq!(&again[..], &data[..50]);
        let mut all = Vec::new();
        r.into_stream().read_to_end(&mut all).unwrap();
        assert_eq!(all, data, "every byte once, none lost to detection");
    }

    /// A FIFO named `f` in `dir`.
    #[cfg(unix)]
    fn make_fifo(dir: &std::path::Path) -> std::path::PathBuf {
        let fifo = dir.join("f");
        let mode = rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR;
        rustix::fs::mknodat(rustix::fs::CWD, &fifo, rustix::fs::FileType::Fifo, mode, 0).unwrap();
        fifo
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_with_no_writer_is_refused_after_the_wait() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = make_fifo(dir.path());
        let start = Instant::now();
        let err = open_fifo(&fifo, Duration::from_millis(300)).expect_err("refused");
        assert!(start.elapsed() < Duration::from_secs(3));
        assert!(err.to_string().contains("no program writes"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_whose_writer_comes_late_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = make_fifo(dir.path());
        let path = fifo.clone();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            std::fs::write(path, vec![7u8; 200_000]).unwrap();
        });
        let (file, first) = open_fifo(&fifo, Duration::from_secs(5)).unwrap();
        let mut all = Vec::new();
        Replay::new(file, first).into_stream().read_to_end(&mut all).unwrap();
        writer.join().unwrap();
        assert_eq!(all, vec![7u8; 200_000]);
    }
}
