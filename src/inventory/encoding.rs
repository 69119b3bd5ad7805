//! Text encoding detection while bytes flow: UTF-8 (with or without BOM), UTF-16 by BOM,
//! 8-bit text that is not UTF-8 (probably Windows-1252 / ISO-8859-15), or binary.

use serde::Serialize;

/// The encoding of a file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Valid UTF-8 (ASCII included), no BOM.
    Utf8,
    /// Valid UTF-8 starting with a byte-order mark.
    Utf8Bom,
    /// UTF-16 with a little-endian BOM.
    Utf16Le,
    /// UTF-16 with a big-endian BOM.
    Utf16Be,
    /// 8-bit text that is not UTF-8: probably Windows-1252 (bytes 0x80–0x9F seen).
    Windows1252,
    /// 8-bit text that is not UTF-8, no byte in 0x80–0x9F: ISO-8859-15 or Windows-1252.
    Iso8859_15,
    /// Not text.
    Binary,
}

/// Watches a stream of chunks and tells its encoding at the end.
#[derive(Default)]
pub struct TextProbe {}

impl TextProbe {
    /// A new probe.
    pub fn new() -> Self {
        TextProbe {}
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, _chunk: &[u8]) {}

    /// The encoding of everything fed.
    pub fn finish(self) -> Encoding {
        Encoding::Binary
    }
}
