//! Stage 3 — records: every record of the export read from the same single pass that hashes
//! the bytes, mapped by a profile to reversa's datasets, validated against the dataset schemas,
//! then checked across records (keys, references, continuity).

pub mod profile;
pub mod read;
