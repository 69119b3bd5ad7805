//! xml reader (to be written).

use super::{ReadError, ReaderOptions, RecordSink, SourceFacts};
use std::io::Read;

/// Reads records.
pub fn read(_options: &ReaderOptions, _input: &mut dyn Read, _sink: &mut dyn RecordSink) -> Result<SourceFacts, ReadError> {
    Err(ReadError::new("structure", 0, 0, "reader not written yet"))
}
