//! Text encoding detection while bytes flow: UTF-8 (with or without BOM), UTF-16 by BOM,
//! 8-bit text that is not UTF-8 (probably Windows-1252 / ISO-8859-15), or binary.
//!
//! [`TextProbe`] sees every chunk once and keeps a fixed, small state (a few counters and at
//! most 3 carried bytes), whatever the file's size. The decision, in this order:
//!
//! 1. no byte at all: [`Encoding::Utf8`] (an empty file is valid UTF-8);
//! 2. the file starts with `FF FE` or `FE FF` and has an even length: [`Encoding::Utf16Le`] or
//!    [`Encoding::Utf16Be`] (the BOM is trusted; NUL bytes are expected there);
//! 3. any NUL byte anywhere, or more than 1 % of the first 64 KiB being C0 control bytes other
//!    than TAB, LF, CR, FF (`\x0c`) and ESC (`\x1b`), or a start with `%PDF-` (PDF is a binary
//!    format, ISO 32000-1 § 7.5.2, even when its streams are not compressed):
//!    [`Encoding::Binary`];
//! 4. the whole stream is valid UTF-8 (sequences split across chunks are carried over):
//!    [`Encoding::Utf8Bom`] when it starts with `EF BB BF`, else [`Encoding::Utf8`];
//! 5. otherwise 8-bit text: [`Encoding::Windows1252`] when a byte in `0x80..=0x9F` (printable
//!    characters such as `€`, `œ`, `’` in Windows-1252, C1 controls in ISO-8859) was seen from the
//!    first chunk that is not UTF-8 on, else [`Encoding::Iso8859_15`].

use serde::Serialize;

/// The encoding of a file's bytes.
///
/// Serialized as its [`Encoding::as_str`] label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// Valid UTF-8 (ASCII included), no BOM.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Valid UTF-8 starting with a byte-order mark.
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// UTF-16 with a little-endian BOM.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16 with a big-endian BOM.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// 8-bit text that is not UTF-8: probably Windows-1252 (bytes 0x80–0x9F seen).
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// 8-bit text that is not UTF-8, no byte in 0x80–0x9F: ISO-8859-15 or Windows-1252.
    #[serde(rename = "iso-8859-15")]
    Iso8859_15,
    /// Not text.
    #[serde(rename = "binary")]
    Binary,
}

impl Encoding {
    /// The encoding's usual label: `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`,
    /// `windows-1252`, `iso-8859-15` or `binary`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Iso8859_15 => "iso-8859-15",
            Encoding::Binary => "binary",
        }
    }

    /// Whether the bytes are text (every variant but [`Encoding::Binary`]).
    pub fn is_text(self) -> bool {
        self != Encoding::Binary
    }

    /// Whether the text is UTF-8 (with or without BOM).
    pub fn is_utf8(self) -> bool {
        matches!(self, Encoding::Utf8 | Encoding::Utf8Bom)
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many leading bytes are sampled for control characters.
const CONTROL_SAMPLE: u64 = 64 * 1024;

/// Whether `b` is a C0 control byte that text files do not contain.
#[inline]
fn is_odd_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)
}

/// The length of the UTF-8 sequence that `lead` starts (1 for anything that is not a lead byte).
#[inline]
fn utf8_width(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Watches a stream of chunks and tells its encoding at the end.
#[derive(Debug, Default)]
pub struct TextProbe {
    /// Bytes seen.
    total: u64,
    /// The first (up to) 5 bytes, for the BOM and the PDF header.
    prefix: [u8; 5],
    /// How many bytes of `prefix` are filled.
    prefix_len: usize,
    /// A NUL byte was seen.
    nul: bool,
    /// Odd C0 control bytes among the first [`CONTROL_SAMPLE`] bytes.
    controls: u64,
    /// Whether everything so far is valid UTF-8 (the carried bytes may still complete it).
    utf8: bool,
    /// An incomplete UTF-8 sequence at the end of the previous chunk.
    carry: [u8; 4],
    /// How many bytes of `carry` are filled.
    carry_len: usize,
    /// A byte in `0x80..=0x9F` was seen since the stream stopped being UTF-8.
    c1: bool,
}

impl TextProbe {
    /// A new probe.
    pub fn new() -> Self {
        TextProbe { utf8: true, ..Default::default() }
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.fill_prefix(chunk);
        if self.total < CONTROL_SAMPLE {
            let room = (CONTROL_SAMPLE - self.total) as usize;
            let sample = &chunk[..chunk.len().min(room)];
            self.controls += sample.iter().filter(|&&b| is_odd_control(b)).count() as u64;
        }
        self.total += chunk.len() as u64;
        if !self.nul && memchr::memchr(0, chunk).is_some() {
            self.nul = true;
        }
        if self.utf8 {
            let (carry, carry_len) = (self.carry, self.carry_len);
            self.validate(chunk);
            if !self.utf8 {
                // The stream stops being UTF-8 in this chunk: look at all of it, and at the bytes
                // carried from the previous one, for C1 bytes.
                self.scan_c1(&carry[..carry_len]);
                self.scan_c1(chunk);
            }
        } else {
            self.scan_c1(chunk);
        }
    }

    /// Keeps the first 3 bytes of the stream.
    fn fill_prefix(&mut self, chunk: &[u8]) {
        let need = self.prefix.len() - self.prefix_len;
        if need > 0 {
            let take = need.min(chunk.len());
            self.prefix[self.prefix_len..self.prefix_len + take].copy_from_slice(&chunk[..take]);
            self.prefix_len += take;
        }
    }

    /// Notes whether a byte in `0x80..=0x9F` appears (once seen, stops looking).
    fn scan_c1(&mut self, chunk: &[u8]) {
        // A branch-free fold, which the compiler vectorises (an early-exit `any` does not).
        if !self.c1 && chunk.iter().fold(false, |seen, &b| seen | (b & 0xE0 == 0x80)) {
            self.c1 = true;
        }
    }

    /// Streaming UTF-8 validation: completes the carried sequence, validates the chunk, and
    /// carries an incomplete trailing sequence to the next chunk.
    fn validate(&mut self, mut chunk: &[u8]) {
        if self.carry_len > 0 {
            let width = utf8_width(self.carry[0]);
            let take = (width - self.carry_len).min(chunk.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&chunk[..take]);
            self.carry_len += take;
            chunk = &chunk[take..];
            if self.carry_len < width {
                // Still incomplete: check what we have is a valid prefix, wait for more.
                if let Err(e) = std::str::from_utf8(&self.carry[..self.carry_len])
                    && e.error_len().is_some()
                {
                    self.utf8 = false;
                }
                return;
            }
            if std::str::from_utf8(&self.carry[..width]).is_err() {
                self.utf8 = false;
                return;
            }
            self.carry_len = 0;
        }
        // std's validator has its own word-at-a-time ASCII fast path.
        if let Err(e) = std::str::from_utf8(chunk) {
            match e.error_len() {
                Some(_) => self.utf8 = false,
                None => {
                    let tail = &chunk[e.valid_up_to()..];
                    self.carry[..tail.len()].copy_from_slice(tail);
                    self.carry_len = tail.len();
                }
            }
        }
    }

    /// The encoding of everything fed.
    pub fn finish(self) -> Encoding {
        if self.total == 0 {
            return Encoding::Utf8;
        }
        let prefix = &self.prefix[..self.prefix_len];
        if self.total.is_multiple_of(2) {
            if prefix.starts_with(&[0xFF, 0xFE]) {
                return Encoding::Utf16Le;
            }
            if prefix.starts_with(&[0xFE, 0xFF]) {
                return Encoding::Utf16Be;
            }
        }
        let sampled = self.total.min(CONTROL_SAMPLE);
        // More than 1 % of the sample: controls * 100 > sampled.
        if self.nul || self.controls * 100 > sampled || prefix == b"%PDF-" {
            return Encoding::Binary;
        }
        // A sequence still incomplete at the end of the stream is a truncated, invalid one.
        if self.utf8 && self.carry_len == 0 {
            return if prefix.starts_with(&[0xEF, 0xBB, 0xBF]) { Encoding::Utf8Bom } else { Encoding::Utf8 };
        }
        let c1 = self.c1 || self.carry[..self.carry_len].iter().any(|&b| (0x80..=0x9F).contains(&b));
        if c1 { Encoding::Windows1252 } else { Encoding::Iso8859_15 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `bytes` in chunks of `size` bytes.
    fn probe(bytes: &[u8], size: usize) -> Encoding {
        let mut p = TextProbe::new();
        for c in bytes.chunks(size) {
            p.update(c);
        }
        p.finish()
    }

    /// Feeds `bytes` in every chunk size from 1 to 8 and in one piece, expecting `want`.
    fn all_splits(bytes: &[u8], want: Encoding) {
        for size in 1..=8 {
            assert_eq!(probe(bytes, size), want, "chunk size {size}");
        }
        assert_eq!(probe(bytes, bytes.len().max(1)), want, "one chunk");
    }

    #[test]
    fn empty_is_utf8() {
        assert_eq!(TextProbe::new().finish(), Encoding::Utf8);
    }

    #[test]
    fn ascii_and_utf8() {
        all_splits(b"code_insee;nom\n75056;Paris\n", Encoding::Utf8);
        all_splits("Évreux;Besançon;Saint-Étienne;€;𝄞\n".as_bytes(), Encoding::Utf8);
    }

    #[test]
    fn multibyte_char_split_across_chunks_stays_utf8() {
        // "é" is C3 A9, "€" is E2 82 AC, "𝄞" is F0 9D 84 9E: split at every byte.
        let text = "aé€𝄞b".as_bytes();
        for cut in 1..text.len() {
            let mut p = TextProbe::new();
            p.update(&text[..cut]);
            p.update(&text[cut..]);
            assert_eq!(p.finish(), Encoding::Utf8, "cut at {cut}");
        }
    }

    #[test]
    fn truncated_sequence_at_end_is_not_utf8() {
        all_splits(b"abc\xE2\x82", Encoding::Windows1252);
        all_splits(b"abc\xC3", Encoding::Iso8859_15);
    }

    #[test]
    fn latin1_e_acute_is_iso8859_15() {
        all_splits(b"Cr\xe9teil;94028\n", Encoding::Iso8859_15);
    }

    #[test]
    fn cp1252_euro_is_windows1252() {
        all_splits(b"montant: 12 \x80\n", Encoding::Windows1252);
        // The C1 byte after a valid UTF-8 start is still seen.
        let mut bytes = "déjà ".repeat(100).into_bytes();
        bytes.extend_from_slice(b"l\x92apostrophe");
        all_splits(&bytes, Encoding::Windows1252);
    }

    #[test]
    fn c1_byte_in_carried_bytes_counts() {
        // E2 82 is an incomplete sequence carried over, broken by "A": the 0x82 is seen.
        all_splits(b"abc\xE2\x82Adef", Encoding::Windows1252);
    }

    #[test]
    fn invalid_continuation_after_carry() {
        // C3 followed by a non-continuation byte, split between chunks.
        let mut p = TextProbe::new();
        p.update(b"ab\xC3");
        p.update(b"(cd");
        assert_eq!(p.finish(), Encoding::Iso8859_15);
    }

    #[test]
    fn nul_is_binary() {
        all_splits(b"abc\0def", Encoding::Binary);
    }

    #[test]
    fn many_controls_is_binary() {
        let mut bytes = vec![b'a'; 200];
        bytes[10] = 0x01;
        bytes[20] = 0x02;
        bytes[30] = 0x03; // 3 of 200 = 1.5 %
        assert_eq!(probe(&bytes, 64), Encoding::Binary);
        // Allowed controls do not count, and one odd control in 200 bytes is tolerated.
        let mut ok = b"a\tb\r\nc\x0cd\x1be".repeat(20);
        ok[5] = 0x07;
        assert_eq!(probe(&ok, 64), Encoding::Utf8);
    }

    #[test]
    fn boms() {
        all_splits(b"\xEF\xBB\xBFnom;code\n", Encoding::Utf8Bom);
        all_splits(b"\xFF\xFEn\0o\0m\0", Encoding::Utf16Le);
        all_splits(b"\xFE\xFF\0n\0o\0m", Encoding::Utf16Be);
        // A UTF-8 BOM followed by invalid UTF-8 is 8-bit text.
        all_splits(b"\xEF\xBB\xBFcr\xe9", Encoding::Iso8859_15);
    }

    #[test]
    fn pdf_is_binary_even_uncompressed() {
        all_splits(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< >>\nendobj\n", Encoding::Binary);
        all_splits(b"%PDF-1.4\n", Encoding::Binary);
        all_splits(b"%PDF", Encoding::Utf8);
    }

    #[test]
    fn png_header_is_binary() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        all_splits(png, Encoding::Binary);
    }

    #[test]
    fn controls_counted_only_in_first_64k() {
        let mut bytes = vec![b'x'; 70 * 1024];
        for b in bytes[66 * 1024..67 * 1024].iter_mut() {
            *b = 0x01;
        }
        assert_eq!(probe(&bytes, 64 * 1024), Encoding::Utf8);
        assert_eq!(probe(&bytes, 1000), Encoding::Utf8);
    }

    #[test]
    fn labels() {
        assert_eq!(Encoding::Utf8Bom.as_str(), "utf-8-bom");
        assert_eq!(Encoding::Iso8859_15.to_string(), "iso-8859-15");
        assert!(Encoding::Windows1252.is_text());
        assert!(!Encoding::Binary.is_text());
        for e in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Windows1252,
            Encoding::Iso8859_15,
            Encoding::Binary,
        ] {
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{}\"", e.as_str()));
        }
    }
}
