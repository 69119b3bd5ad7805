//! Archives (zip, tar, tar.gz/bz2/xz/zst, told by their content): open, read the first entries
//! whole, then scan every entry to its end. `Archive::open` wants a path: the bytes go to an
//! unlinked temporary file, opened again through `/proc/self/fd` (Linux), so nothing is left
//! behind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reversa::archive::{Archive, EntryHandler, EntryMeta, Limits, NoProgress};
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

struct Drain;
impl EntryHandler for Drain {
    type Output = u64;
    fn handle(&self, _: &EntryMeta, reader: &mut dyn Read) -> io::Result<u64> {
        io::copy(reader, &mut io::sink())
    }
}

static FILE: OnceLock<Mutex<(File, PathBuf)>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let file = FILE.get_or_init(|| {
        let f = tempfile::tempfile().expect("temporary file");
        let path = PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd()));
        Mutex::new((f, path))
    });
    let mut guard = file.lock().unwrap();
    let (f, path) = &mut *guard;
    f.set_len(0).unwrap();
    f.rewind().unwrap();
    f.write_all(data).unwrap();
    f.flush().unwrap();

    let Ok(archive) = Archive::open(path) else { return };
    // Small limits keep each run fast and put the limit paths within reach.
    let limits = Limits { max_total_size: 64 << 20, ratio_min_size: 1 << 20, ..Limits::default() };
    if let Some(listing) = archive.listing() {
        for entry in listing.iter().filter(|e| e.is_readable_file()).take(4) {
            let _ = archive.read_whole(entry, 1 << 20);
        }
    }
    let scan = archive.scan(&Drain, &|_| true, &limits, &NoProgress, false);
    assert_eq!(scan.entries.len(), scan.outcomes.len());
});
