//! Folder exports: walked without following links, files read in parallel.
//!
//! Nothing is dropped silently: a subfolder that cannot be listed (no permission, a path longer
//! than the system allows) is returned with its cause, and each file is opened without following
//! a symbolic link and without blocking ([`open_listed`]), so that a file replaced after the
//! listing by a link or a FIFO is refused with its cause, never followed nor waited on.

use super::{EntryHandler, EntryKind, EntryMeta, Outcome, ReadCtx};
use rayon::prelude::*;
use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Lists every entry below `root`, sorted by path, without following symbolic links; and the
/// folders (or entries) that could not be listed, with the cause.
pub(crate) fn list(root: &Path) -> (Vec<EntryMeta>, Vec<(String, String)>) {
    let mut out = Vec::new();
    let mut unlisted = Vec::new();
    walk(root, "", &mut out, &mut unlisted);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    for (i, e) in out.iter_mut().enumerate() {
        e.index = i;
    }
    unlisted.sort();
    (out, unlisted)
}

/// The cause of a listing or opening failure, as reports give it.
fn cause(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(code) if code == rustix_errno_nametoolong() => {
            "path longer than the system allows: not read".to_string()
        }
        _ => e.to_string(),
    }
}

fn rustix_errno_nametoolong() -> i32 {
    #[cfg(unix)]
    {
        rustix::io::Errno::NAMETOOLONG.raw_os_error()
    }
    #[cfg(not(unix))]
    {
        -1
    }
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<EntryMeta>, unlisted: &mut Vec<(String, String)>) {
    let shown = || if prefix.is_empty() { ".".to_string() } else { prefix.to_string() };
    let read = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            unlisted.push((shown(), cause(&e)));
            return;
        }
    };
    for item in read {
        let item = match item {
            Ok(i) => i,
            Err(e) => {
                unlisted.push((shown(), cause(&e)));
                // A failing directory stream does not recover: stop listing this folder.
                break;
            }
        };
        let name = item.file_name();
        let (name, name_utf8) = match name.to_str() {
            Some(s) => (s.to_string(), true),
            None => (name.to_string_lossy().into_owned(), false),
        };
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let ft = match item.file_type() {
            Ok(ft) => ft,
            Err(e) => {
                // Gone between the listing and the look at it.
                unlisted.push((path, cause(&e)));
                continue;
            }
        };
        // A size that cannot be read is left unknown: opening the file will say why.
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
            walk(&item.path(), &path, out, unlisted);
        }
    }
}

/// Opens a listed file of a folder export for reading: never through a symbolic link (`O_NOFOLLOW`,
/// and no link on the way where the kernel can refuse one), never blocking on a FIFO
/// (`O_NONBLOCK`), and only when the opened descriptor is still a regular file (`fstat`). What
/// changed since the listing is an error that says so.
#[cfg(unix)]
pub(crate) fn open_listed(root: &Path, rel: &str) -> io::Result<File> {
    use rustix::fs::{FileType, Mode, OFlags, ResolveFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    let changed = |what: &str| io::Error::other(format!("{what} since it was listed: not read"));
    let opened = {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // openat2 refuses a link anywhere on the path, not only at its end.
            let beneath = || -> rustix::io::Result<rustix::fd::OwnedFd> {
                let dir = rustix::fs::open(
                    root,
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                rustix::fs::openat2(
                    &dir,
                    rel,
                    flags,
                    Mode::empty(),
                    ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH,
                )
            };
            match beneath() {
                // An older kernel, or a sandbox that forbids openat2.
                Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {
                    rustix::fs::open(root.join(rel), flags, Mode::empty())
                }
                other => other,
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            rustix::fs::open(root.join(rel), flags, Mode::empty())
        }
    };
    let fd = match opened {
        Ok(fd) => fd,
        Err(rustix::io::Errno::LOOP) => {
            return Err(changed("a symbolic link is now on its path (not followed)"));
        }
        // A socket (or a FIFO on some systems) cannot be opened this way.
        Err(rustix::io::Errno::NXIO) => return Err(changed("no longer a regular file")),
        Err(e) => {
            let e = io::Error::from(e);
            return Err(if e.kind() == io::ErrorKind::NotFound {
                changed("no longer there (removed or renamed)")
            } else if e.raw_os_error() == Some(rustix_errno_nametoolong()) {
                io::Error::other(cause(&e))
            } else {
                e
            });
        }
    };
    let stat = rustix::fs::fstat(&fd)?;
    match FileType::from_raw_mode(stat.st_mode) {
        FileType::RegularFile => {}
        FileType::Fifo => return Err(changed("replaced by a FIFO (named pipe)")),
        FileType::Symlink => return Err(changed("replaced by a symbolic link (not followed)")),
        _ => return Err(changed("no longer a regular file")),
    }
    let now = rustix::fs::fcntl_getfl(&fd)?;
    rustix::fs::fcntl_setfl(&fd, now - OFlags::NONBLOCK)?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
pub(crate) fn open_listed(root: &Path, rel: &str) -> io::Result<File> {
    File::open(root.join(rel))
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
            match open_listed(root, &meta.path) {
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::{Duration, Instant};

    fn mkfifo(p: &Path) {
        use rustix::fs::{FileType, Mode};
        rustix::fs::mknodat(rustix::fs::CWD, p, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
    }

    #[test]
    fn a_listed_file_is_opened_and_read() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub/a.csv"), "x,y\n").unwrap();
        let (listing, unlisted) = list(d.path());
        assert!(unlisted.is_empty());
        assert_eq!(listing.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["sub", "sub/a.csv"]);
        let mut s = String::new();
        open_listed(d.path(), "sub/a.csv").unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "x,y\n");
    }

    #[test]
    fn a_file_swapped_for_a_symlink_after_listing_is_refused() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub/a.csv"), "x\n").unwrap();
        let (listing, _) = list(d.path());
        assert_eq!(listing[1].kind, EntryKind::File);
        fs::remove_file(d.path().join("sub/a.csv")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.path().join("sub/a.csv")).unwrap();
        let err = open_listed(d.path(), "sub/a.csv").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        // A folder on the way swapped for a link is refused too (where openat2 is allowed).
        let real = tempfile::tempdir().unwrap();
        fs::write(real.path().join("b.csv"), "outside\n").unwrap();
        fs::remove_dir_all(d.path().join("sub")).unwrap();
        std::os::unix::fs::symlink(real.path(), d.path().join("sub")).unwrap();
        if let Ok(mut f) = open_listed(d.path(), "sub/b.csv") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            eprintln!("openat2 not available here: the folder link was followed");
        }
    }

    #[test]
    fn a_file_swapped_for_a_fifo_after_listing_is_refused_without_waiting() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.csv"), "x\n").unwrap();
        let (listing, _) = list(d.path());
        assert_eq!(listing[0].kind, EntryKind::File);
        fs::remove_file(d.path().join("a.csv")).unwrap();
        mkfifo(&d.path().join("a.csv"));
        let start = Instant::now();
        let err = open_listed(d.path(), "a.csv").unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(2), "no writer: must not wait for one");
        assert!(err.to_string().contains("FIFO"), "{err}");
    }

    #[test]
    fn a_file_removed_after_listing_is_an_error_that_says_so() {
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("a.csv"), "x\n").unwrap();
        let _ = list(d.path());
        fs::remove_file(d.path().join("a.csv")).unwrap();
        let err = open_listed(d.path(), "a.csv").unwrap_err();
        assert!(err.to_string().contains("removed or renamed) since it was listed"), "{err}");
    }

    #[test]
    fn a_path_too_long_to_list_is_named() {
        let d = tempfile::tempdir().unwrap();
        // 20 levels of 250-byte names: over PATH_MAX (4096), made one level at a time.
        let name = "d".repeat(250);
        let mut dir =
            rustix::fs::open(d.path(), rustix::fs::OFlags::DIRECTORY, rustix::fs::Mode::empty()).unwrap();
        for _ in 0..20 {
            rustix::fs::mkdirat(&dir, name.as_str(), rustix::fs::Mode::RWXU).unwrap();
            dir = rustix::fs::openat(
                &dir,
                name.as_str(),
                rustix::fs::OFlags::DIRECTORY,
                rustix::fs::Mode::empty(),
            )
            .unwrap();
        }
        let (listing, unlisted) = list(d.path());
        assert!(!listing.is_empty());
        assert_eq!(unlisted.len(), 1, "{unlisted:?}");
        assert!(unlisted[0].0.len() > 4096 - d.path().as_os_str().len() - 300);
        assert!(unlisted[0].1.contains("longer than the system allows"), "{}", unlisted[0].1);
    }
}
