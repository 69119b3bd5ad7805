//! Integration tests: the real binary on the committed fixtures and on generated exports.

mod workdir;

mod archive;
mod browser;
mod clauses;
mod completeness;
mod demo;
mod fixity;
mod records;
mod report;
