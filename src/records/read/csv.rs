//! Delimited text (CSV, TSV, `;`-separated): the delimiter is sniffed from the header line
//! unless the profile gives it, quoting follows RFC 4180 (`"` doubled inside quoted fields), and
//! the text is decoded as UTF-8 (a BOM is skipped), or Windows-1252 where a field is not UTF-8
//! ([`TextEncoding::Auto`]). The encoding used is reported in [`SourceFacts::encoding`].
//!
//! Records are streamed with `csv`'s byte records (one reused buffer); each field is decoded
//! once into the reused [`RawRecord`]. Rows with more or fewer fields than the header are
//! counted as ragged; missing fields are absent, extra fields are ignored.

use super::{Columns, RawRecord, ReadError, ReaderOptions, RecordSink, SourceFacts, TextEncoding};
use std::io::{self, Read};

/// How many bytes of the head are looked at to sniff the delimiter.
const SNIFF: usize = 16 * 1024;
/// Largest record accepted, in bytes.
const MAX_RECORD: usize = 16 * 1024 * 1024;

/// Reads a delimited text file.
pub fn read(
    options: &ReaderOptions,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    let mut head = Vec::with_capacity(SNIFF);
    input.take(SNIFF as u64).read_to_end(&mut head).map_err(|e| io_error(&e, 0, 0))?;
    let bom = head.starts_with(super::BOM);
    let body = head.strip_prefix(super::BOM).unwrap_or(&head);
    let quote = options.quote.map(|q| q as u32).unwrap_or('"' as u32);
    let quote =
        u8::try_from(quote).map_err(|_| ReadError::new("structure", 0, 0, "quote is not one byte"))?;
    let delimiter = match options.delimiter {
        Some(d) => u8::try_from(d as u32)
            .map_err(|_| ReadError::new("structure", 0, 0, "delimiter is not one byte"))?,
        None => sniff_delimiter(body, quote),
    };
    let body = body.to_vec();
    // `csv` grows its record buffer for as long as a record lasts (an unclosed quote runs to
    // the end of the file): the bytes fed since the last record ended are bounded instead.
    let fed = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let record_start = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let chained = Bounded {
        inner: io::Cursor::new(body).chain(input),
        fed: fed.clone(),
        record_start: record_start.clone(),
        max: (MAX_RECORD as u64) * 2,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(quote)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(chained);

    let mut decoder = Decoder { mode: options.encoding, needed_1252: false, bom };
    let mut byte_record = csv::ByteRecord::new();
    let mut record = RawRecord::default();
    let mut columns = Columns::default();
    let mut facts = SourceFacts { delimiter: Some(printable(delimiter)), ..Default::default() };
    let header = options.header.unwrap_or(true);
    let mut numbered = 0u64;
    let mut have_header = false;
    loop {
        let row = reader.position().line();
        match reader.read_byte_record(&mut byte_record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(row);
                return Err(match e.kind() {
                    csv::ErrorKind::Io(io) => io_error(io, line, numbered),
                    _ => ReadError::new("syntax", line, numbered, "malformed delimited text"),
                });
            }
        }
        record_start.set(reader.position().byte());
        let line = start_line(&byte_record, reader.position().line());
        if byte_record.as_slice().len() > MAX_RECORD {
            return Err(ReadError::new("limit", line, numbered, format!("record over {MAX_RECORD} bytes")));
        }
        if !have_header {
            have_header = true;
            if header {
                let mut names = Vec::with_capacity(byte_record.len());
                for field in byte_record.iter() {
                    names.push(decoder.decode(field, line, 0)?.trim().to_string());
                }
                columns = Columns::from_names(names);
                continue;
            }
            columns = Columns::from_names((1..=byte_record.len()).map(|i| i.to_string()));
        }
        numbered += 1;
        record.clear();
        record.position.row = line;
        record.position.record = numbered;
        record.width = byte_record.len();
        if byte_record.len() != columns.len() {
            facts.ragged_rows += 1;
        }
        // One UTF-8 check per record: a field whose range falls on character boundaries of a
        // valid record is valid text; any other goes through the decoder on its own.
        let whole = decoder.utf8_first().then(|| std::str::from_utf8(byte_record.as_slice()).ok()).flatten();
        for (i, field) in byte_record.iter().enumerate().take(columns.len()) {
            if field.is_empty() {
                continue;
            }
            match whole.zip(byte_record.range(i)).and_then(|(w, r)| w.get(r)) {
                Some(text) => record.set(i, text),
                None => record.set(i, &decoder.decode(field, line, numbered)?),
            }
        }
        if !sink.record(&columns, &record) {
            break;
        }
    }
    facts.encoding = Some(decoder.name());
    Ok(facts)
}

/// The column names in the first line of `head`, as [`read`] would see them with `options`.
pub fn peek_header(head: &[u8], options: &ReaderOptions) -> Vec<String> {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let quote = options.quote.and_then(|q| u8::try_from(q as u32).ok()).unwrap_or(b'"');
    let delimiter = match options.delimiter.and_then(|d| u8::try_from(d as u32).ok()) {
        Some(d) => d,
        None => sniff_delimiter(body, quote),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(quote)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| match std::str::from_utf8(f) {
                Ok(s) => s.trim().to_string(),
                Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(f).0.trim().to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The line where a record starts. `csv` gives the line where the read began, before any
/// skipped blank line; the line after the record, less the record's own line breaks, is exact
/// (but for a last record with no line break, where the first is kept).
fn start_line(record: &csv::ByteRecord, end_line: u64) -> u64 {
    let began = record.position().map(|p| p.line()).unwrap_or(0);
    let inner = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
    end_line.saturating_sub(inner + 1).max(began)
}

/// The delimiter among `,` `;` tab `|` that occurs most often outside quotes on the first line
/// (`,` when none does).
pub fn sniff_delimiter(head: &[u8], quote: u8) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in head {
        if b == quote {
            quoted = !quoted;
        } else if !quoted {
            if b == b'\n' || b == b'\r' {
                break;
            }
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let (best, n) =
        counts.iter().enumerate().max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i))).unwrap_or((0, &0));
    if *n == 0 { b',' } else { candidates[best] }
}

fn printable(d: u8) -> String {
    match d {
        b'\t' => "\\t".to_string(),
        _ => (d as char).to_string(),
    }
}

/// The input, refusing to feed more than `max` bytes past the end of the last record read.
struct Bounded<R> {
    inner: R,
    fed: std::rc::Rc<std::cell::Cell<u64>>,
    record_start: std::rc::Rc<std::cell::Cell<u64>>,
    max: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fed.get().saturating_sub(self.record_start.get()) > self.max {
            return Err(io::Error::other(format!("a record runs over {MAX_RECORD} bytes (unclosed quote?)")));
        }
        let n = self.inner.read(buf)?;
        self.fed.set(self.fed.get() + n as u64);
        Ok(n)
    }
}

fn io_error(e: &io::Error, row: u64, record: u64) -> ReadError {
    // The inventory's guard names the limit that stopped the stream; keep its words.
    ReadError::new("io", row, record, e.to_string())
}

/// Decodes fields by the profile's encoding, remembering whether Windows-1252 was needed.
struct Decoder {
    mode: TextEncoding,
    needed_1252: bool,
    bom: bool,
}

impl Decoder {
    fn decode<'a>(
        &mut self,
        field: &'a [u8],
        row: u64,
        record: u64,
    ) -> Result<std::borrow::Cow<'a, str>, ReadError> {
        use std::borrow::Cow;
        match self.mode {
            TextEncoding::Auto => match std::str::from_utf8(field) {
                Ok(s) => Ok(Cow::Borrowed(s)),
                Err(_) => {
                    self.needed_1252 = true;
                    Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(field).0)
                }
            },
            TextEncoding::Utf8 => std::str::from_utf8(field)
                .map(Cow::Borrowed)
                .map_err(|_| ReadError::new("encoding", row, record, "invalid UTF-8")),
            TextEncoding::Windows1252 => Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(field).0),
            TextEncoding::Iso885915 => Ok(encoding_rs::ISO_8859_15.decode_without_bom_handling(field).0),
        }
    }

    /// Whether valid UTF-8 is taken as it is (the other encodings always transcode).
    fn utf8_first(&self) -> bool {
        matches!(self.mode, TextEncoding::Auto | TextEncoding::Utf8)
    }

    fn name(&self) -> &'static str {
        match self.mode {
            TextEncoding::Windows1252 => "windows-1252",
            TextEncoding::Iso885915 => "iso-8859-15",
            _ if self.needed_1252 => "windows-1252",
            _ if self.bom => "utf-8-bom",
            _ => "utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ReaderKind;
    use super::super::collect::run;
    use super::*;

    use super::super::collect::get;

    #[test]
    fn semicolons_quotes_and_positions() {
        let text = "\"nom\";\"prénoms\";n\n\"Dupont\";\"Jean; Paul\";1\n\n\"Mar\ntin\";\"Zoé\";2\n";
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), text.as_bytes());
        let facts = r.unwrap();
        assert_eq!(facts.delimiter.as_deref(), Some(";"));
        assert_eq!(facts.encoding, Some("utf-8"));
        assert_eq!(c.rows.len(), 2);
        assert_eq!(get(&c.rows[0].1, "prénoms"), Some("Jean; Paul"));
        assert_eq!(c.rows[0].0.row, 2);
        assert_eq!(c.rows[1].0.row, 4);
        assert_eq!(c.rows[1].0.record, 2);
        assert_eq!(get(&c.rows[1].1, "nom"), Some("Mar\ntin"));
    }

    #[test]
    fn bom_and_windows_1252_are_decoded_and_reported() {
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), b"\xEF\xBB\xBFa,b\n1,2\n");
        assert_eq!(r.unwrap().encoding, Some("utf-8-bom"));
        assert_eq!(c.rows[0].1[0], ("a".to_string(), "1".to_string()));
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), b"nom,ville\nH\xe9l\xe8ne,Cr\xe9teil\n");
        assert_eq!(r.unwrap().encoding, Some("windows-1252"));
        assert_eq!(get(&c.rows[0].1, "nom"), Some("Hélène"));
        let strict = ReaderOptions { encoding: TextEncoding::Utf8, ..Default::default() };
        let (_, r) = run(ReaderKind::Csv, &strict, b"nom\nH\xe9l\xe8ne\n");
        assert_eq!(r.unwrap_err().kind, "encoding");
    }

    #[test]
    fn ragged_rows_are_counted_and_empty_cells_absent() {
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), b"a,b,c\n1,,3\n4\n5,6,7,8\n");
        assert_eq!(r.unwrap().ragged_rows, 2);
        assert_eq!(c.rows[0].1.len(), 2, "empty cell is absent");
        assert_eq!(c.rows[1].1, vec![("a".to_string(), "4".to_string())]);
        assert_eq!(c.rows[2].1.len(), 3, "extra field ignored");
    }

    #[test]
    fn sniffing_ignores_delimiters_inside_quotes() {
        assert_eq!(sniff_delimiter(b"\"a,b,c\";\"d\"\n", b'"'), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n", b'"'), b'\t');
        assert_eq!(sniff_delimiter(b"single\n", b'"'), b',');
    }

    #[test]
    fn headerless_files_number_their_columns() {
        let opts = ReaderOptions { header: Some(false), delimiter: Some('|'), ..Default::default() };
        let (c, _) = run(ReaderKind::Csv, &opts, b"x|y\n");
        assert_eq!(get(&c.rows[0].1, "2"), Some("y"));
    }

    #[test]
    fn an_endless_record_stops_with_a_limit_not_a_huge_buffer() {
        // An unclosed quote, then 40 MiB without a closing quote.
        let mut data = b"a,b\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 40 << 20));
        let (_, r) = run(ReaderKind::Csv, &ReaderOptions::default(), &data);
        let e = r.unwrap_err();
        assert!(e.reason.contains("runs over"), "stopped while feeding, before the record was whole: {e}");
    }

    /// The record-wide UTF-8 check must not accept a field that splits a character with its
    /// neighbour: each such field is decoded on its own, as before.
    #[test]
    fn a_character_split_by_a_delimiter_is_decoded_per_field() {
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), b"x,y\na\xc3,\xa9b\nz,\xc3\xa9\n");
        let facts = r.unwrap();
        assert_eq!(get(&c.rows[0].1, "x"), Some("a\u{c3}"));
        assert_eq!(get(&c.rows[0].1, "y"), Some("\u{a9}b"));
        assert_eq!(get(&c.rows[1].1, "y"), Some("é"), "a whole record of valid UTF-8 is taken as it is");
        assert_eq!(facts.encoding, Some("windows-1252"));
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        let (c, r) = run(ReaderKind::Csv, &ReaderOptions::default(), b"a,b\n\"unclosed,\x00\n");
        assert!(r.is_ok());
        assert_eq!(c.rows.len(), 1);
    }
}
