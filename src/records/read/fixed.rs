//! Fixed-width text (INSEE's deaths file and the like): each line is one record, each column a
//! range of characters given by the profile ([`ReaderOptions::columns`], 1-based start and
//! length, counted in characters, not bytes).
//!
//! Lines end with LF or CRLF and are read one at a time into a reused buffer (at most
//! [`MAX_LINE`] bytes, else a `limit` error). Each line is decoded by
//! [`ReaderOptions::encoding`]: with [`TextEncoding::Auto`], as UTF-8 when it is valid (a BOM
//! on the first line is skipped) and as Windows-1252 otherwise, line by line — so a mostly
//! ASCII file with stray UTF-8 reads right, and so does a Windows-1252 one; the encoding
//! reported is `windows-1252` as soon as one line needed it. [`TextEncoding::Utf8`] makes
//! invalid UTF-8 an `encoding` error.
//!
//! Values are sliced by character index and trimmed of leading and trailing spaces; an empty
//! value is absent. A line shorter than a column leaves that column absent (or cut short): short
//! lines are not otherwise counted, as [`ReaderOptions::line_length`] pads them with spaces.
//! Blank lines (nothing but spaces or tabs) are skipped. [`RawRecord::width`] is the number of
//! columns that start within the line.

use super::{
    BOM, CHUNK, Columns, RawRecord, ReadError, ReaderOptions, RecordSink, SourceFacts, TextEncoding,
};
use std::borrow::Cow;
use std::io::{self, Read};

/// Longest line accepted, in bytes.
pub const MAX_LINE: usize = 1024 * 1024;

/// Reads fixed-width text.
pub fn read(
    options: &ReaderOptions,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    if options.columns.is_empty() {
        return Err(ReadError::new("structure", 0, 0, "no columns defined"));
    }
    if options.columns.iter().any(|c| c.start == 0) {
        return Err(ReadError::new("structure", 0, 0, "column start is 1-based"));
    }
    let columns = Columns::from_names(options.columns.iter().map(|c| c.name.clone()));
    let mut lines = Lines { input, buf: vec![0; CHUNK].into_boxed_slice(), pos: 0, len: 0 };
    let mut line = Vec::new();
    let mut offsets = Vec::new();
    let mut record = RawRecord::default();
    let mut bom = false;
    let mut needed_1252 = false;
    let mut row = 0u64;
    let mut records = 0u64;
    loop {
        row += 1;
        line.clear();
        if !lines.read_line(&mut line, row, records)? {
            break;
        }
        let mut bytes = line.as_slice();
        if let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        if row == 1
            && matches!(options.encoding, TextEncoding::Auto | TextEncoding::Utf8)
            && let Some(rest) = bytes.strip_prefix(BOM)
        {
            bom = true;
            bytes = rest;
        }
        if bytes.iter().all(|&b| b == b' ' || b == b'\t') {
            continue;
        }
        let text: Cow<'_, str> = match options.encoding {
            TextEncoding::Auto => match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => {
                    needed_1252 = true;
                    encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0
                }
            },
            TextEncoding::Utf8 => Cow::Borrowed(
                std::str::from_utf8(bytes)
                    .map_err(|_| ReadError::new("encoding", row, records, "invalid UTF-8"))?,
            ),
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
            TextEncoding::Iso885915 => encoding_rs::ISO_8859_15.decode_without_bom_handling(bytes).0,
        };
        let chars = CharIndex::new(&text, &mut offsets);
        records += 1;
        record.clear();
        record.position.row = row;
        record.position.record = records;
        for (i, col) in options.columns.iter().enumerate() {
            let first = col.start - 1;
            if first < chars.count {
                record.width += 1;
            }
            let start = chars.byte(first);
            let end = chars.byte(first.saturating_add(col.length));
            let value = text.get(start..end).unwrap_or_default().trim_matches(' ');
            if !value.is_empty() {
                record.set(i, value);
            }
        }
        if !sink.record(&columns, &record) {
            break;
        }
    }
    let encoding = match options.encoding {
        TextEncoding::Windows1252 => "windows-1252",
        TextEncoding::Iso885915 => "iso-8859-15",
        _ if needed_1252 => "windows-1252",
        _ if bom => "utf-8-bom",
        _ => "utf-8",
    };
    Ok(SourceFacts { encoding: Some(encoding), ..Default::default() })
}

/// Character index → byte offset in one line (direct for ASCII lines).
struct CharIndex<'o> {
    /// Byte offset of each character, then the length; empty for an ASCII line.
    offsets: &'o [usize],
    /// Length in bytes.
    len: usize,
    /// Length in characters.
    count: usize,
}

impl<'o> CharIndex<'o> {
    fn new(text: &str, offsets: &'o mut Vec<usize>) -> Self {
        offsets.clear();
        if text.is_ascii() {
            return CharIndex { offsets, len: text.len(), count: text.len() };
        }
        offsets.extend(text.char_indices().map(|(i, _)| i));
        let count = offsets.len();
        offsets.push(text.len());
        CharIndex { offsets, len: text.len(), count }
    }

    /// The byte offset of character `i`, or the end of the line past it.
    fn byte(&self, i: usize) -> usize {
        if self.offsets.is_empty() {
            i.min(self.len)
        } else {
            self.offsets.get(i).copied().unwrap_or(self.len)
        }
    }
}

/// Lines from the input, through one reused buffer.
struct Lines<'a> {
    input: &'a mut dyn Read,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
}

impl Lines<'_> {
    /// Reads one line (without its `\n`) into `out`; false at the end of the input.
    fn read_line(&mut self, out: &mut Vec<u8>, row: u64, records: u64) -> Result<bool, ReadError> {
        let mut any = false;
        loop {
            if self.pos >= self.len {
                let n = loop {
                    match self.input.read(&mut self.buf) {
                        Ok(n) => break n.min(self.buf.len()),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        // The inventory's guard names the limit that stopped the stream; keep its words.
                        Err(e) => return Err(ReadError::new("io", row, records, e.to_string())),
                    }
                };
                self.pos = 0;
                self.len = n;
                if n == 0 {
                    return Ok(any);
                }
            }
            any = true;
            let avail = self.buf.get(self.pos..self.len).unwrap_or_default();
            let (take, eol) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i, true),
                None => (avail.len(), false),
            };
            if out.len() + take > MAX_LINE {
                return Err(ReadError::new("limit", row, records, "line over 1 MiB"));
            }
            out.extend_from_slice(avail.get(..take).unwrap_or_default());
            self.pos += take + usize::from(eol);
            if eol {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect::run;
    use super::super::{FixedColumn, ReaderKind};
    use super::*;

    use super::super::collect::get;

    fn col(name: &str, start: usize, length: usize) -> FixedColumn {
        FixedColumn { name: name.to_string(), start, length }
    }

    /// INSEE-like layout: name (10), sex (1), birth date (8), place (6).
    fn opts() -> ReaderOptions {
        ReaderOptions {
            columns: vec![col("nom", 1, 10), col("sexe", 11, 1), col("date", 12, 8), col("lieu", 20, 6)],
            ..Default::default()
        }
    }

    #[test]
    fn columns_are_sliced_by_character_and_trimmed() {
        let text = "DUPONT    119450101 94028\r\n\n   \nHÉLÈNE    219800230 75056\nLÉA*ZOÉ   2\n";
        let (c, r) = run(ReaderKind::Fixed, &opts(), text.as_bytes());
        assert_eq!(r.unwrap().encoding, Some("utf-8"));
        assert_eq!(c.rows.len(), 3);
        let (pos, row) = &c.rows[0];
        assert_eq!((pos.row, pos.record), (1, 1));
        assert_eq!(get(row, "nom"), Some("DUPONT"));
        assert_eq!(get(row, "sexe"), Some("1"));
        assert_eq!(get(row, "date"), Some("19450101"));
        assert_eq!(get(row, "lieu"), Some("94028"));
        let (pos, row) = &c.rows[1];
        assert_eq!((pos.row, pos.record), (4, 2), "blank lines skipped, rows kept");
        assert_eq!(get(row, "nom"), Some("HÉLÈNE"), "positions count characters, not bytes");
        assert_eq!(get(row, "date"), Some("19800230"));
        assert_eq!(get(row, "lieu"), Some("75056"));
        let (pos, row) = &c.rows[2];
        assert_eq!(pos.record, 3);
        assert_eq!(get(row, "sexe"), Some("2"));
        assert_eq!(get(row, "date"), None, "short line: missing columns absent");
        assert_eq!(row.len(), 2);
    }

    #[test]
    fn width_counts_columns_the_line_reaches() {
        struct Widths(Vec<usize>);
        impl RecordSink for Widths {
            fn record(&mut self, _: &Columns, r: &RawRecord) -> bool {
                self.0.push(r.width);
                true
            }
        }
        let mut w = Widths(Vec::new());
        read(&opts(), &mut &b"DUPONT    1\nDUPONT    119450101 94028"[..], &mut w).unwrap();
        assert_eq!(w.0, vec![2, 4]);
    }

    #[test]
    fn encodings_auto_strict_and_named() {
        // Auto: one line of Windows-1252 among UTF-8 ones.
        let (c, r) = run(ReaderKind::Fixed, &opts(), b"\xEF\xBB\xBFL\xc3\x89A       2\nH\xc9L\xc8NE    2\n");
        assert_eq!(r.unwrap().encoding, Some("windows-1252"));
        assert_eq!(get(&c.rows[0].1, "nom"), Some("LÉA"));
        assert_eq!(get(&c.rows[1].1, "nom"), Some("HÉLÈNE"));
        assert_eq!(get(&c.rows[1].1, "sexe"), Some("2"));
        let (_, r) = run(ReaderKind::Fixed, &opts(), b"\xEF\xBB\xBFLEA       2\n");
        assert_eq!(r.unwrap().encoding, Some("utf-8-bom"));
        let strict = ReaderOptions { encoding: TextEncoding::Utf8, ..opts() };
        let (c, r) = run(ReaderKind::Fixed, &strict, b"LEA       2\nH\xc9L\xc8NE    2\n");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row, e.record), ("encoding", 2, 1));
        assert_eq!(c.rows.len(), 1);
        let latin9 = ReaderOptions { encoding: TextEncoding::Iso885915, ..opts() };
        let (c, r) = run(ReaderKind::Fixed, &latin9, b"\xa4URO      1\n");
        assert_eq!(r.unwrap().encoding, Some("iso-8859-15"));
        assert_eq!(get(&c.rows[0].1, "nom"), Some("€URO"));
        let cp1252 = ReaderOptions { encoding: TextEncoding::Windows1252, ..opts() };
        let (c, r) = run(ReaderKind::Fixed, &cp1252, b"\x80URO      1\n");
        assert_eq!(r.unwrap().encoding, Some("windows-1252"));
        assert_eq!(get(&c.rows[0].1, "nom"), Some("€URO"));
    }

    #[test]
    fn missing_or_bad_columns_are_structure_errors() {
        let (_, r) = run(ReaderKind::Fixed, &ReaderOptions::default(), b"abc\n");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.reason.as_str()), ("structure", "no columns defined"));
        let zero = ReaderOptions { columns: vec![col("a", 0, 3)], ..Default::default() };
        assert_eq!(run(ReaderKind::Fixed, &zero, b"abc\n").1.unwrap_err().kind, "structure");
    }

    #[test]
    fn long_lines_are_limited() {
        let mut text = b"DUPONT    1\n".to_vec();
        text.resize(text.len() + MAX_LINE + 1, b'x');
        let (c, r) = run(ReaderKind::Fixed, &opts(), &text);
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row, e.record), ("limit", 2, 1));
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn hostile_columns_and_bytes_do_not_panic() {
        let wide = ReaderOptions {
            columns: vec![col("a", usize::MAX, usize::MAX), col("b", 2, usize::MAX), col("c", 3, 0)],
            ..Default::default()
        };
        let (c, r) = run(ReaderKind::Fixed, &wide, b"\xff\xfe\x00abc\r\r\n\xc3");
        r.unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].1.len(), 1, "only b is present");
        let (c, r) = run(ReaderKind::Fixed, &opts(), b"");
        assert!(r.is_ok() && c.rows.is_empty());
    }
}
