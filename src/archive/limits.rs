//! Limits that stop decompression bombs, and the reader that enforces them while bytes flow.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bounds on what reading an export may cost. The defaults stop a zip bomb without bothering a
/// real export of tens of gigabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest total of uncompressed bytes read from one export (default 256 GiB).
    pub max_total_size: u64,
    /// Largest compression ratio (uncompressed / compressed) of one entry (default 1000).
    pub max_ratio: u64,
    /// Entries smaller than this (uncompressed) are never held to the ratio (default 16 MiB).
    pub ratio_min_size: u64,
    /// Largest manifest file that is parsed (default 256 MiB).
    pub max_manifest_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_size: 256 << 30,
            max_ratio: 1000,
            ratio_min_size: 16 << 20,
            max_manifest_size: 256 << 20,
        }
    }
}

impl Limits {
    /// Whether an entry of this uncompressed and compressed size breaks the ratio limit.
    pub fn ratio_exceeded(&self, size: u64, compressed: u64) -> Option<u64> {
        if size < self.ratio_min_size {
            return None;
        }
        let ratio = size / compressed.max(1);
        (ratio > self.max_ratio).then_some(ratio)
    }
}

/// What stopped an entry's reader early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// More bytes than the entry declared.
    OverDeclared,
    /// More bytes than the ratio allows for its compressed size.
    Ratio,
    /// The export's total budget is spent.
    Total,
    /// reversa itself failed on this entry (a caught panic, see [`crate::guard`]).
    Internal,
    /// The decoder of a compressed stream needed more memory than reversa allows.
    Memory,
    /// The entry is compressed with a method reversa does not decode (the failure's error names it).
    Method,
}

/// Shared budget of uncompressed bytes for one run, across threads.
#[derive(Debug, Default)]
pub struct Budget {
    used: AtomicU64,
    exhausted: AtomicBool,
}

impl Budget {
    /// Bytes read so far.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Whether the total limit was reached.
    pub fn exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }
}

/// A reader that counts bytes and stops with an error at the first limit crossed.
pub struct Guarded<'a, R> {
    inner: R,
    read: u64,
    cap: Option<(u64, Stop)>,
    budget: &'a Budget,
    limit_total: u64,
    /// Why reading stopped early, if it did.
    pub stopped: Option<Stop>,
}

impl<'a, R: Read> Guarded<'a, R> {
    /// Wraps `inner`; `declared` and `compressed` are the entry's sizes when the container gives them.
    pub fn new(
        inner: R,
        declared: Option<u64>,
        compressed: Option<u64>,
        limits: &Limits,
        budget: &'a Budget,
    ) -> Self {
        // Read one byte past the declared size, so that a lying header is seen, not trusted.
        let mut cap = declared.map(|d| (d.saturating_add(1), Stop::OverDeclared));
        if let Some(c) = compressed {
            let ratio_cap = c.max(1).saturating_mul(limits.max_ratio).max(limits.ratio_min_size);
            if cap.is_none_or(|(d, _)| ratio_cap < d) {
                cap = Some((ratio_cap, Stop::Ratio));
            }
        }
        Guarded { inner, read: 0, cap, budget, limit_total: limits.max_total_size, stopped: None }
    }

    /// Bytes delivered so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(stop) = self.stopped {
            return Err(io::Error::other(format!("{stop:?}")));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let total = self.budget.used.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        let stop = if total > self.limit_total {
            self.budget.exhausted.store(true, Ordering::Relaxed);
            Some(Stop::Total)
        } else {
            match self.cap {
                Some((cap, why)) if self.read > cap => Some(why),
                // Exactly one byte past the declared size is still over it.
                Some((cap, Stop::OverDeclared)) if self.read == cap => Some(Stop::OverDeclared),
                _ => None,
            }
        };
        if let Some(s) = stop {
            self.stopped = Some(s);
            return Err(io::Error::other(format!("{s:?}")));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(r: &mut impl Read) -> io::Result<u64> {
        io::copy(r, &mut io::sink())
    }

    #[test]
    fn stops_past_the_declared_size() {
        let budget = Budget::default();
        let data = [0u8; 100];
        let mut g = Guarded::new(&data[..], Some(50), None, &Limits::default(), &budget);
        assert!(drain(&mut g).is_err());
        assert_eq!(g.stopped, Some(Stop::OverDeclared));
        let mut ok = Guarded::new(&data[..], Some(100), None, &Limits::default(), &budget);
        assert_eq!(drain(&mut ok).unwrap(), 100);
        assert_eq!(ok.stopped, None);
    }

    #[test]
    fn stops_at_the_ratio_and_the_total() {
        let budget = Budget::default();
        let limits = Limits { max_ratio: 10, ratio_min_size: 20, ..Limits::default() };
        let data = vec![0u8; 1000];
        let mut g = Guarded::new(&data[..], None, Some(5), &limits, &budget);
        assert!(drain(&mut g).is_err());
        assert_eq!(g.stopped, Some(Stop::Ratio));

        let budget = Budget::default();
        let limits = Limits { max_total_size: 10, ..Limits::default() };
        let mut g = Guarded::new(&data[..], None, None, &limits, &budget);
        assert!(drain(&mut g).is_err());
        assert_eq!(g.stopped, Some(Stop::Total));
        assert!(budget.exhausted());
    }

    #[test]
    fn ratio_check_ignores_small_entries() {
        let l = Limits::default();
        assert_eq!(l.ratio_exceeded(1 << 20, 1), None);
        assert_eq!(l.ratio_exceeded(1 << 30, 1 << 10), Some(1 << 20));
        assert_eq!(l.ratio_exceeded(1 << 30, 1 << 25), None);
    }
}
