//! The panic policy: a panic is a defect of reversa, never an answer about the export.
//!
//! Readers return errors for everything the input can do; what still panics is caught where one
//! entry is read ([`crate::archive`]) and becomes an `internal.error` finding that names the file,
//! the run goes on with the other files, and the process exits with 2. The binary installs
//! [`install_hook`], which prints where the panic happened but not its message: a message can
//! quote the bytes being read, and those are personal data.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// Where the last panic happened (`src/…rs:line`), set by the hook.
static LAST: Mutex<Option<String>> = Mutex::new(None);

thread_local! {
    /// Set while a library known to panic on malformed input runs under [`quietly`].
    static EXPECTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Replaces the default panic hook: records the location for [`catch`] and prints it, with the
/// message masked.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        if EXPECTED.get() {
            return;
        }
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_else(|| "?".into());
        eprintln!("reversa: internal error at {at} (message masked: it may quote the data being read)");
        if let Ok(mut last) = LAST.lock() {
            *last = Some(at);
        }
    }));
}

/// A caught panic: where it happened when the hook is installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// `src/…rs:line`, or `unknown`.
    pub at: String,
}

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error at {}", self.at)
    }
}

/// Runs `f`, turning a panic (also one resumed from a rayon worker) into [`Panicked`].
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked {
        at: LAST.lock().ok().and_then(|mut l| l.take()).unwrap_or_else(|| "unknown".into()),
    })
}

/// Runs `f`, a call into a library that panics on some malformed input (calamine), turning a
/// panic into `Err` without reporting it: the caller names the input as malformed.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    let before = EXPECTED.replace(true);
    let r = catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked { at: "expected".into() });
    EXPECTED.set(before);
    r
}

/// Fault injection for the tests of the debug build: `REVERSA_INJECT_PANIC=PATH` makes the
/// reading of that entry panic. Compiled out of release builds.
pub fn inject(path: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("REVERSA_INJECT_PANIC").is_ok_and(|p| p == path) {
        // Inside a rayon task, as a panic in a records batch would be.
        rayon::scope(|s| s.spawn(|_| panic!("injected fault")));
    }
    #[cfg(not(debug_assertions))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_worker_is_caught_with_its_place() {
        use rayon::prelude::*;
        let r = catch(|| {
            (0..1000).into_par_iter().map(|i| if i == 777 { panic!("value 777") } else { i }).sum::<i32>()
        });
        assert!(r.is_err());
        assert_eq!(catch(|| 5), Ok(5));
        assert!(quietly(|| -> i32 { panic!("malformed") }).is_err());
        assert!(!EXPECTED.get(), "reset after the call");
    }
}
