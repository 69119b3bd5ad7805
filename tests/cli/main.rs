//! Integration tests: the real binary on the committed fixtures and on generated exports.

mod workdir;

mod algorithms;
mod archive;
mod bagit_rfc;
mod browser;
mod clauses;
mod completeness;
mod containers;
mod demo;
mod faults;
mod fixity;
mod hostile;
mod input_files;
mod offline;
mod outputs;
mod records;
mod report;
