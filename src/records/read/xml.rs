//! XML reader: a stream of record elements, pulled with `quick-xml` over one reused buffer.
//!
//! Which elements are records: [`ReaderOptions::record_path`], `/`-separated local names from
//! the root (`export/actes/acte`); by default, every child of the root element. Inside a record:
//! - the text of each child element is a value whose column is the child's local name; deeper
//!   elements get dotted names (`adresse.commune`); text is trimmed of XML whitespace, and
//!   empty text is absent;
//! - attributes of the record element are columns `@name`, those of a child `child@name`
//!   (namespace declarations are skipped; prefixes are dropped from all names);
//! - a name met more than once in a record (repeated children) has its values joined with a
//!   space, in document order;
//! - text directly inside the record element, if any, is the column `#text`.
//!
//! [`Position::row`](super::Position::row) is the line of the record's start tag: lines are
//! counted as `quick-xml` consumes the bytes, so counting costs one pass.
//!
//! Safety: a DOCTYPE is never fetched nor expanded, and one whose internal subset declares
//! entities is refused (`structure`, "DTD with entity declarations refused"), so entity
//! expansion attacks cannot start. The five predefined entities and numeric character
//! references are decoded; any other entity reference is a `structure` error ("undeclared
//! entity reference"). Nesting is limited to [`MAX_DEPTH`] elements, each record to
//! [`MAX_VALUE`] bytes of values, each single piece of markup or text to [`MAX_VALUE`] bytes,
//! and the file to [`MAX_COLUMNS`] distinct column names of at most [`MAX_NAME`] bytes
//! (`limit` errors).
//!
//! Encodings: UTF-8 (a BOM is skipped, reported as `utf-8-bom`); UTF-16 with a BOM (or
//! recognisable by its first characters); and any other encoding named in the XML declaration
//! that `encoding_rs` knows (ISO-8859-1/Windows-1252, ISO-8859-15…), transcoded to UTF-8 as the
//! bytes flow. An unknown declared encoding, or bytes invalid in theirs, is an `encoding` error.

use super::{CHUNK, Columns, RawRecord, ReadError, ReaderOptions, RecordSink, SourceFacts};
use encoding_rs::Encoding;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Error as XmlError, XmlVersion};
use std::io::{self, BufRead, Read};

/// Largest record (the sum of its values) and largest single piece of markup or text, in bytes.
pub const MAX_VALUE: usize = 16 * 1024 * 1024;
/// Deepest element nesting accepted, the root counting as 1.
pub const MAX_DEPTH: usize = 64;
/// Most distinct column names in one file (a spreadsheet's widest row).
pub const MAX_COLUMNS: usize = 16_384;
/// Longest column name (a dotted path with attribute), in bytes.
pub const MAX_NAME: usize = 4096;
/// How much of the head is looked at for a BOM and the XML declaration.
const HEAD: usize = 1024;

/// Reads the record elements of an XML file.
pub fn read(
    options: &ReaderOptions,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    let mut head = Vec::with_capacity(HEAD);
    input.take(HEAD as u64).read_to_end(&mut head).map_err(|e| ReadError::new("io", 0, 0, e.to_string()))?;
    let (transcode, encoding_name) = sniff(&head)?;
    let raw = io::Cursor::new(head).chain(input);
    let stream: Box<dyn Read + '_> = match transcode {
        Some(encoding) => Box::new(Transcode::new(raw, encoding)),
        None => Box::new(raw),
    };
    let mut reader = quick_xml::Reader::from_reader(Tracked::new(stream));
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);

    let path: Vec<Option<&str>> =
        match options.record_path.as_deref().map(|p| p.trim_matches('/')).filter(|p| !p.is_empty()) {
            Some(p) => p.split('/').map(Some).collect(),
            None => vec![None, None],
        };
    let record_depth = path.len();
    let mut depth = 0usize;
    // How many of the open elements, from the root, match the record path.
    let mut matched = 0usize;
    let mut seen_root = false;
    let mut state = State::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        reader.get_mut().mark();
        let line = reader.get_ref().lines + 1;
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(xml_error(e, reader.get_ref().lines + 1, state.records)),
        };
        let records = state.records;
        let fail = |(kind, reason): Fail| ReadError::new(kind, line, records, reason);
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            if depth == 0 {
                if seen_root {
                    return Err(fail(("syntax", "more than one root element")));
                }
                seen_root = true;
            }
            if depth >= MAX_DEPTH {
                return Err(fail(("limit", "nesting deeper than 64")));
            }
            depth += 1;
            let local = e.local_name();
            let name = local.as_ref();
            if state.in_record {
                state.child_start(name, e).map_err(fail)?;
            } else {
                if matched + 1 == depth && path.get(depth - 1).is_some_and(|p| p.is_none_or(|p| p == name)) {
                    matched = depth;
                }
                if matched == record_depth && depth == record_depth {
                    state.record_start(e, line).map_err(fail)?;
                }
            }
        }
        let end = empty || matches!(event, Event::End(_));
        match event {
            Event::Text(t) => {
                let text = t.xml10_content();
                if state.in_record {
                    state.text(&text).map_err(fail)?;
                } else if depth == 0 && !trim_xml(&text).is_empty() {
                    return Err(fail(("syntax", "text outside the root element")));
                }
            }
            Event::CData(t) => {
                if state.in_record {
                    state.text(&t.xml10_content()).map_err(fail)?;
                } else if depth == 0 {
                    return Err(fail(("syntax", "text outside the root element")));
                }
            }
            Event::GeneralRef(r) => {
                let mut utf8 = [0u8; 4];
                let text: &str = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.encode_utf8(&mut utf8),
                        _ => return Err(fail(("syntax", "invalid character reference"))),
                    }
                } else {
                    quick_xml::escape::resolve_xml_entity(&r)
                        .ok_or(("structure", "undeclared entity reference"))
                        .map_err(fail)?
                };
                if state.in_record {
                    state.text(text).map_err(fail)?;
                } else if depth == 0 {
                    return Err(fail(("syntax", "text outside the root element")));
                }
            }
            Event::DocType(d) => {
                let lower = d.to_ascii_lowercase();
                if memchr::memmem::find(lower.as_bytes(), b"<!entity").is_some() {
                    return Err(fail(("structure", "DTD with entity declarations refused")));
                }
            }
            Event::Eof => {
                if depth > 0 {
                    return Err(fail(("syntax", "unexpected end of input")));
                }
                if !seen_root {
                    return Err(fail(("syntax", "no root element")));
                }
                break;
            }
            _ => {}
        }
        if end {
            if state.in_record {
                if depth == record_depth {
                    if !state.record_end(sink).map_err(fail)? {
                        break;
                    }
                } else {
                    state.child_end().map_err(fail)?;
                }
            }
            if matched == depth {
                matched -= 1;
            }
            depth = depth.saturating_sub(1);
        }
    }
    Ok(SourceFacts { encoding: Some(encoding_name), ..Default::default() })
}

/// An error kind and reason.
type Fail = (&'static str, &'static str);

/// The record being read.
#[derive(Default)]
struct State {
    columns: Columns,
    record: RawRecord,
    in_record: bool,
    /// Records handed over.
    records: u64,
    /// Bytes of values in the current record.
    bytes: usize,
    /// Dotted name of the current element inside the record (empty for the record itself).
    path: String,
    /// Open elements inside the record, the record first.
    frames: Vec<Frame>,
    /// Text buffers to reuse.
    spare: Vec<String>,
    /// Column name scratch.
    name: String,
}

/// An open element inside a record.
struct Frame {
    /// Length of [`State::path`] before this element.
    base: usize,
    /// Its own text so far.
    text: String,
}

impl State {
    fn record_start(&mut self, e: &BytesStart<'_>, line: u64) -> Result<(), Fail> {
        self.in_record = true;
        self.record.clear();
        self.record.position.row = line;
        self.bytes = 0;
        self.path.clear();
        self.spare.extend(self.frames.drain(..).map(|f| f.text));
        let text = self.spare.pop().unwrap_or_default();
        self.frames.push(Frame { base: 0, text });
        self.attributes(e)
    }

    fn child_start(&mut self, name: &str, e: &BytesStart<'_>) -> Result<(), Fail> {
        let base = self.path.len();
        if base > 0 {
            self.path.push('.');
        }
        self.path.push_str(name);
        let text = self.spare.pop().unwrap_or_default();
        self.frames.push(Frame { base, text });
        self.attributes(e)
    }

    fn attributes(&mut self, e: &BytesStart<'_>) -> Result<(), Fail> {
        for attr in e.attributes() {
            let attr = attr.map_err(|_| ("syntax", "malformed attribute"))?;
            if attr.key.as_namespace_binding().is_some() {
                continue;
            }
            let value = attr
                .normalized_value_with(XmlVersion::Implicit1_0, 1, quick_xml::escape::resolve_xml_entity)
                .map_err(|e| match e {
                    XmlError::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(..)) => {
                        ("structure", "undeclared entity reference")
                    }
                    _ => ("syntax", "malformed attribute value"),
                })?;
            self.bytes += value.len();
            if self.bytes > MAX_VALUE {
                return Err(("limit", "record over 16 MiB"));
            }
            let mut name = std::mem::take(&mut self.name);
            name.clear();
            name.push_str(&self.path);
            name.push('@');
            name.push_str(attr.key.local_name().as_ref());
            let done = self.put(&name, &value);
            self.name = name;
            done?;
        }
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), Fail> {
        self.bytes += text.len();
        if self.bytes > MAX_VALUE {
            return Err(("limit", "record over 16 MiB"));
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.text.push_str(text);
        }
        Ok(())
    }

    fn child_end(&mut self) -> Result<(), Fail> {
        if let Some(mut frame) = self.frames.pop() {
            let path = std::mem::take(&mut self.path);
            let done = self.put(&path, &frame.text);
            self.path = path;
            self.path.truncate(frame.base);
            frame.text.clear();
            self.spare.push(frame.text);
            done?;
        }
        Ok(())
    }

    /// Ends the record and hands it over; returns whether to go on.
    fn record_end(&mut self, sink: &mut dyn RecordSink) -> Result<bool, Fail> {
        if let Some(mut frame) = self.frames.pop() {
            let done = self.put("#text", &frame.text);
            frame.text.clear();
            self.spare.push(frame.text);
            done?;
        }
        self.in_record = false;
        self.records += 1;
        self.record.position.record = self.records;
        Ok(sink.record(&self.columns, &self.record))
    }

    /// Sets (or joins with a space) the trimmed value of a column; empty values are absent.
    /// Column names are bounded like JSON's ([`MAX_COLUMNS`], [`MAX_NAME`]).
    fn put(&mut self, column: &str, value: &str) -> Result<(), Fail> {
        let value = trim_xml(value);
        if value.is_empty() {
            return Ok(());
        }
        let i = match self.columns.get(column) {
            Some(i) => i,
            None if column.len() > MAX_NAME => return Err(("limit", "column name over 4096 bytes")),
            None if self.columns.len() >= MAX_COLUMNS => {
                return Err(("limit", "more than 16384 distinct columns"));
            }
            None => self.columns.push(column.to_string()),
        };
        match self.record.values.get_mut(i) {
            Some(Some(s)) => {
                s.push(' ');
                s.push_str(value);
            }
            _ => self.record.set(i, value),
        }
        self.record.width += 1;
        Ok(())
    }
}

fn trim_xml(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// Maps a parser error to a [`ReadError`] that names no value from the file.
fn xml_error(e: XmlError, row: u64, record: u64) -> ReadError {
    let (kind, reason): (&'static str, String) = match e {
        XmlError::Io(io) => match io.get_ref() {
            Some(inner) if inner.is::<LimitHit>() => ("limit", "markup or text over 16 MiB".into()),
            Some(inner) if inner.is::<Malformed>() => {
                ("encoding", "invalid byte sequence for the encoding".into())
            }
            // The inventory's guard names the limit that stopped the stream; keep its words.
            _ => ("io", io.to_string()),
        },
        XmlError::Encoding(_) => ("encoding", "invalid UTF-8".into()),
        XmlError::Syntax(s) => ("syntax", s.to_string()),
        XmlError::IllFormed(i) => {
            use quick_xml::errors::IllFormedError as I;
            let reason = match i {
                I::MismatchedEndTag { .. } => "end tag does not match its start tag",
                I::UnmatchedEndTag(_) => "end tag without a start tag",
                I::MissingEndTag(_) => "unexpected end of input",
                I::MissingDeclVersion(_) | I::UnknownVersion => "malformed XML declaration",
                I::MissingDoctypeName => "DOCTYPE without a name",
                _ => "malformed XML",
            };
            ("syntax", reason.into())
        }
        XmlError::InvalidAttr(_) => ("syntax", "malformed attribute".into()),
        XmlError::Escape(_) => ("syntax", "invalid reference".into()),
        XmlError::Namespace(_) => ("syntax", "malformed namespace".into()),
    };
    ReadError::new(kind, row, record, reason)
}

/// The encoding to transcode from (none: the text is UTF-8) and the name to report.
fn sniff(head: &[u8]) -> Result<(Option<&'static Encoding>, &'static str), ReadError> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok((None, "utf-8-bom"));
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"<\0?\0") {
        return Ok((Some(encoding_rs::UTF_16LE), "utf-16le"));
    }
    if head.starts_with(b"\xFE\xFF") || head.starts_with(b"\0<\0?") {
        return Ok((Some(encoding_rs::UTF_16BE), "utf-16be"));
    }
    let Some(label) = declared_encoding(head) else {
        return Ok((None, "utf-8"));
    };
    let refused = || ReadError::new("unsupported", 1, 0, "unsupported declared encoding");
    let encoding = Encoding::for_label(label).ok_or_else(refused)?;
    if encoding == encoding_rs::REPLACEMENT {
        return Err(refused());
    }
    // A declaration readable as ASCII cannot be UTF-16: such a label is taken as UTF-8.
    if encoding == encoding_rs::UTF_8
        || encoding == encoding_rs::UTF_16LE
        || encoding == encoding_rs::UTF_16BE
    {
        return Ok((None, "utf-8"));
    }
    let name = match encoding.name() {
        "windows-1252" => "windows-1252",
        "ISO-8859-15" => "iso-8859-15",
        other => other,
    };
    Ok((Some(encoding), name))
}

/// The `encoding` pseudo-attribute of the XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<&[u8]> {
    let decl = head.strip_prefix(b"<?xml")?;
    let decl = decl.get(..memchr::memmem::find(decl, b"?>")?)?;
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = decl.get(at + b"encoding".len()..)?.trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let (&quote, rest) = rest.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    rest.get(..memchr::memchr(quote, rest)?)
}

/// Raised by [`Tracked`] when one piece of markup or text grows past [`MAX_VALUE`].
#[derive(Debug)]
struct LimitHit;

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("markup or text over the limit")
    }
}

impl std::error::Error for LimitHit {}

/// Raised by [`Transcode`] on bytes invalid in the source encoding.
#[derive(Debug)]
struct Malformed;

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid byte sequence")
    }
}

impl std::error::Error for Malformed {}

/// The buffered reader under `quick-xml`: counts the lines consumed, and refuses to give more
/// bytes once one event has consumed more than [`MAX_VALUE`] (the parser would buffer them).
struct Tracked<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Line breaks consumed so far.
    lines: u64,
    /// Bytes consumed since [`Tracked::mark`].
    since_mark: usize,
}

impl<R: Read> Tracked<R> {
    fn new(inner: R) -> Self {
        Tracked { inner, buf: vec![0; CHUNK].into_boxed_slice(), pos: 0, len: 0, lines: 0, since_mark: 0 }
    }

    /// Starts counting the bytes of one event.
    fn mark(&mut self) {
        self.since_mark = 0;
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.since_mark > MAX_VALUE {
            return Err(io::Error::other(LimitHit));
        }
        if self.pos >= self.len {
            let n = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n.min(self.buf.len()),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.pos = 0;
            self.len = n;
        }
        Ok(self.buf.get(self.pos..self.len).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let end = self.pos.saturating_add(amt).min(self.len);
        let consumed = self.buf.get(self.pos..end).unwrap_or_default();
        self.lines += memchr::memchr_iter(b'\n', consumed).count() as u64;
        self.since_mark += end - self.pos;
        self.pos = end;
    }
}

/// Decodes a non-UTF-8 byte stream to UTF-8 as it flows.
struct Transcode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// A malformed sequence was met after some output was returned.
    failed: bool,
    /// The decoder has been given the end of input and has flushed: it must not be called again.
    done: bool,
}

impl<R: Read> Transcode<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Transcode {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; CHUNK].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            failed: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::new(io::ErrorKind::InvalidData, Malformed));
        }
        if self.done {
            return Ok(0);
        }
        // Room for any one character (the reader above always asks for a whole chunk).
        if out.len() < 4 {
            return Err(io::Error::other("read buffer too small"));
        }
        loop {
            if self.pos >= self.len && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.raw) {
                        Ok(n) => break n.min(self.raw.len()),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                self.pos = 0;
                self.len = n;
                self.eof = n == 0;
            }
            let src = self.raw.get(self.pos..self.len).unwrap_or_default();
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(src, out, self.eof);
            self.pos += read;
            match result {
                encoding_rs::DecoderResult::Malformed(..) => {
                    if written > 0 {
                        self.failed = true;
                        return Ok(written);
                    }
                    return Err(io::Error::new(io::ErrorKind::InvalidData, Malformed));
                }
                encoding_rs::DecoderResult::OutputFull => return Ok(written),
                encoding_rs::DecoderResult::InputEmpty => {
                    self.done = self.eof;
                    if written > 0 || self.eof {
                        return Ok(written);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ReaderKind;
    use super::super::collect::run;
    use super::*;

    use super::super::collect::get;

    fn opts() -> ReaderOptions {
        ReaderOptions::default()
    }

    #[test]
    fn children_of_the_root_are_records() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- export -->
<actes xmlns:e="urn:x">
  <acte id="1" e:type="naissance">
    <nom>  Dupont </nom>
    <e:prenom>Jean</e:prenom><prenom>Paul</prenom>
    <adresse cp="94000"><commune>Cr&#233;teil &amp; Cie</commune><voie/></adresse>
    <vide>   </vide>
    <note><![CDATA[<b>gras</b>]]></note>
  </acte>

  <acte
     id="2"><nom>Martin &lt;&#xE9;&gt;</nom></acte>
</actes>
"#;
        let (c, r) = run(ReaderKind::Xml, &opts(), text.as_bytes());
        assert_eq!(r.unwrap().encoding, Some("utf-8"));
        assert_eq!(c.rows.len(), 2);
        let (pos, row) = &c.rows[0];
        assert_eq!((pos.row, pos.record), (4, 1));
        assert_eq!(get(row, "@id"), Some("1"));
        assert_eq!(get(row, "@type"), Some("naissance"));
        assert_eq!(get(row, "nom"), Some("Dupont"));
        assert_eq!(get(row, "prenom"), Some("Jean Paul"), "repeated children are joined");
        assert_eq!(get(row, "adresse@cp"), Some("94000"));
        assert_eq!(get(row, "adresse.commune"), Some("Créteil & Cie"));
        assert_eq!(get(row, "adresse.voie"), None);
        assert_eq!(get(row, "vide"), None);
        assert_eq!(get(row, "note"), Some("<b>gras</b>"));
        assert_eq!(get(row, "#text"), None);
        assert!(row.iter().all(|(k, _)| !k.contains("xmlns")));
        let (pos, row) = &c.rows[1];
        assert_eq!((pos.row, pos.record), (12, 2), "the line where the start tag begins");
        assert_eq!(get(row, "nom"), Some("Martin <é>"));
        assert_eq!(row.len(), 2);
    }

    #[test]
    fn record_path_selects_deeper_elements() {
        let text = b"<export><entete><acte><n>0</n></acte></entete>\n<actes>\n<acte><n>1</n></acte>\n<acte/>\n</actes></export>";
        let opts = ReaderOptions { record_path: Some("/export/actes/acte".into()), ..opts() };
        let (c, r) = run(ReaderKind::Xml, &opts, text);
        r.unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(get(&c.rows[0].1, "n"), Some("1"));
        assert_eq!((c.rows[0].0.row, c.rows[1].0.row), (3, 4));
        assert!(c.rows[1].1.is_empty());
        // A path that matches nothing reads no record.
        let other = ReaderOptions { record_path: Some("autre/acte".into()), ..Default::default() };
        let (c, r) = run(ReaderKind::Xml, &other, text);
        r.unwrap();
        assert!(c.rows.is_empty());
    }

    #[test]
    fn entity_declarations_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz><a>&lol3;</a></lolz>"#;
        let (c, r) = run(ReaderKind::Xml, &opts(), laughs.as_bytes());
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.reason.as_str()), ("structure", "DTD with entity declarations refused"));
        assert!(c.rows.is_empty());
        // An external DTD is neither fetched nor used: its entities stay undeclared.
        let external = br#"<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r><a><b>&ext;</b></a></r>"#;
        let (_, r) = run(ReaderKind::Xml, &opts(), external);
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.reason.as_str()), ("structure", "undeclared entity reference"));
        let (_, r) = run(ReaderKind::Xml, &opts(), br#"<r><a b="&ext;"/></r>"#);
        assert_eq!(r.unwrap_err().reason, "undeclared entity reference");
        // A DOCTYPE without entities is fine.
        let (c, r) = run(ReaderKind::Xml, &opts(), b"<!DOCTYPE r><r><a><b>x</b></a></r>");
        r.unwrap();
        assert_eq!(get(&c.rows[0].1, "b"), Some("x"));
    }

    #[test]
    fn malformed_and_truncated_input_are_errors() {
        for (bad, kind) in [
            (&b"<r><a><b>x</b></a>"[..], "syntax"),
            (b"<r><a><b>x</c></a></r>", "syntax"),
            (b"<r><a><b>x</b></a></r><r2/>", "syntax"),
            (b"<r><a b=\"1\" b=\"2\"/></r>", "syntax"),
            (b"<r><a><b>x</b", "syntax"),
            (b"<r><a x='1", "syntax"),
            (b"", "syntax"),
            (b"stray<r/>", "syntax"),
            (b"<r><a>&#xZZ;</a></r>", "syntax"),
            (b"<r><a>\xff\xfe</a></r>", "encoding"),
            (b"<?xml version=\"1.0\" encoding=\"klingon\"?><r/>", "unsupported"),
        ] {
            let (_, r) = run(ReaderKind::Xml, &opts(), bad);
            let e = r.expect_err(&String::from_utf8_lossy(bad));
            assert_eq!(e.kind, kind, "{e} for {}", String::from_utf8_lossy(bad));
        }
        let (c, r) = run(ReaderKind::Xml, &opts(), b"<r>\n<a><b>1</b></a>\n<a><b>2</b></c>\n</r>");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row, e.record), ("syntax", 3, 1));
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn errors_name_no_value() {
        let (_, r) = run(ReaderKind::Xml, &opts(), b"<r><secret>Dupont</wrong></r>");
        let e = r.unwrap_err().to_string();
        assert!(!e.contains("secret") && !e.contains("wrong") && !e.contains("Dupont"), "{e}");
    }

    #[test]
    fn deep_nesting_is_limited() {
        let deep = "<a>".repeat(100_000);
        let (_, r) = run(ReaderKind::Xml, &opts(), deep.as_bytes());
        assert_eq!(r.unwrap_err().kind, "limit");
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        let (c, r) = run(ReaderKind::Xml, &opts(), ok.as_bytes());
        r.unwrap();
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn huge_text_is_limited() {
        let mut huge = b"<r><a><b>".to_vec();
        huge.resize(huge.len() + MAX_VALUE + 10, b'x');
        huge.extend(b"</b></a></r>");
        let (c, r) = run(ReaderKind::Xml, &opts(), &huge);
        assert_eq!(r.unwrap_err().kind, "limit");
        assert!(c.rows.is_empty());
        // Many pieces adding up past the limit in one record.
        let mut many = b"<r><a>".to_vec();
        let piece = format!("<b>{}</b>", "y".repeat(1024 * 1024));
        for _ in 0..17 {
            many.extend(piece.as_bytes());
        }
        many.extend(b"</a></r>");
        let (_, r) = run(ReaderKind::Xml, &opts(), &many);
        assert_eq!(r.unwrap_err().reason, "record over 16 MiB");
    }

    #[test]
    fn column_names_are_bounded() {
        let long = format!("<r><a><{0}>x</{0}></a></r>", "k".repeat(MAX_NAME + 1));
        let (_, r) = run(ReaderKind::Xml, &opts(), long.as_bytes());
        assert_eq!(r.unwrap_err().reason, "column name over 4096 bytes");
        let mut many = String::from("<r>");
        for i in 0..=MAX_COLUMNS {
            many.push_str(&format!("<a c{i}=\"1\"/>\n"));
        }
        many.push_str("</r>");
        struct Count(usize);
        impl RecordSink for Count {
            fn record(&mut self, _: &Columns, _: &RawRecord) -> bool {
                self.0 += 1;
                true
            }
        }
        let mut count = Count(0);
        let e = read(&opts(), &mut many.as_bytes(), &mut count).unwrap_err();
        assert_eq!((e.kind, e.row), ("limit", MAX_COLUMNS as u64 + 1));
        assert_eq!(count.0, MAX_COLUMNS);
    }

    #[test]
    fn declared_and_bom_encodings_are_transcoded() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>\n<a n=\"\xe9\"><nom>H\xe9l\xe8ne</nom></a></r>";
        let (c, r) = run(ReaderKind::Xml, &opts(), latin1);
        assert_eq!(r.unwrap().encoding, Some("windows-1252"));
        assert_eq!(get(&c.rows[0].1, "nom"), Some("Hélène"));
        assert_eq!(get(&c.rows[0].1, "@n"), Some("é"));
        assert_eq!(c.rows[0].0.row, 3);
        let (c, r) = run(ReaderKind::Xml, &opts(), b"\xEF\xBB\xBF<r><a><b>\xc3\xa9</b></a></r>");
        assert_eq!(r.unwrap().encoding, Some("utf-8-bom"));
        assert_eq!(get(&c.rows[0].1, "b"), Some("é"));
        let utf16: Vec<u8> = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-16\"?><r>\n<a><b>Zoé</b></a></r>"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (c, r) = run(ReaderKind::Xml, &opts(), &utf16);
        assert_eq!(r.unwrap().encoding, Some("utf-16le"));
        assert_eq!(get(&c.rows[0].1, "b"), Some("Zoé"));
        assert_eq!(c.rows[0].0.row, 2);
        // Truncated UTF-16 is an encoding error.
        let (_, r) = run(ReaderKind::Xml, &opts(), &utf16[..utf16.len() - 1]);
        assert!(r.is_err());
    }

    #[test]
    fn sink_can_stop_early() {
        struct First(u64);
        impl RecordSink for First {
            fn record(&mut self, _: &Columns, r: &RawRecord) -> bool {
                self.0 = r.position.record;
                false
            }
        }
        let mut first = First(0);
        let r = read(&opts(), &mut &b"<r><a/><a/><broken"[..], &mut first);
        assert!(r.is_ok());
        assert_eq!(first.0, 1);
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        for s in [
            &b"<"[..],
            b"<!",
            b"<!DOCTYPE",
            b"<![CDATA[",
            b"<?xml",
            b"<r>&",
            b"<r>&amp",
            b"<r a=>",
            b"\xFF\xFE<",
            b"\xFE\xFF\x00",
            b"<?xml encoding=\"",
            b"</r>",
            b"<r><a>&#0;</a></r>",
            b"<r><a>&#x110000;</a></r>",
        ] {
            let (_, r) = run(ReaderKind::Xml, &opts(), s);
            assert!(r.is_err(), "{}", String::from_utf8_lossy(s));
        }
    }

    /// Found by fuzzing: a byte-order mark and nothing else made the transcoder call its
    /// finished decoder again (an `encoding_rs` panic).
    #[test]
    fn a_lone_utf16_bom_is_an_error_not_a_panic() {
        for s in [&b"\xFE\xFF"[..], b"\xFF\xFE", b"\xFE\xFF\0", b"\0<\0?"] {
            let (c, r) = run(ReaderKind::Xml, &opts(), s);
            assert!(r.is_err(), "{s:?}");
            assert!(c.rows.is_empty());
        }
    }
}
