//! reversa — checks that a vendor's data export lets a French commune leave.
//!
//! The library is laid out as the pipeline it runs, data flowing one way:
//!
//! ```text
//! archive ─▶ inventory ─▶ manifest ─▶ records ─▶ completeness ─▶ checks ─▶ clauses ─▶ verdict ─▶ report
//! (entries)  (digests,     (declared   (read,      (counts,        (findings) (per-clause (answer) (JSON,
//!             formats)      files)      validated,  fingerprints)              verdicts)           terminal)
//!                                       keys)
//! ```
//!
//! The records stage reads each record file in the same pass as the inventory (a tee on the
//! entry's bytes). [`diff`] compares the records of two runs.
//!
//! [`pipeline`] wires the stages together; [`finding`] is the vocabulary every stage speaks;
//! [`guard`] turns a panic into a finding instead of an abort;
//! [`demo`] writes sample exports for the demo, the tests and the benchmarks.
#![deny(missing_docs)]

pub mod archive;
pub mod checks;
pub mod clauses;
pub mod completeness;
pub mod demo;
pub mod diff;
pub mod finding;
pub mod guard;
pub mod input;
pub mod inventory;
pub mod manifest;
pub mod pipeline;
pub mod records;
pub mod report;
pub mod verdict;

/// The tool's version, as written in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
