//! JSON readers: a JSON array of objects ([`read_array`]) and one object per line
//! ([`read_lines`], NDJSON).
//!
//! Neither reader parses the whole file. [`read_array`] walks the bytes with a small scanner
//! that finds the array of records (the file itself, the member named by
//! [`ReaderOptions::records_key`], or the single array-valued member of the top object), then
//! copies each element — tracking strings, escapes and bracket depth, counting lines — into one
//! reused buffer (at most [`MAX_VALUE`] bytes), and flattens it from there. [`read_lines`] does
//! the same for each non-blank line.
//!
//! Flattening (the same for both readers):
//! - each member of the record object is a column named by its key; members of nested objects
//!   get dotted names (`adresse.code_postal`), at any depth up to [`MAX_DEPTH`];
//! - strings are decoded (escapes resolved); numbers keep their JSON text as written
//!   (`38185.50` stays `38185.50`); booleans are `true` / `false`;
//! - `null` and `""` are absent, as is an empty array or object;
//! - the elements of an array all land on the array's own column name and are joined with a
//!   space (`["Jean", "Paul"]` → `Jean Paul`; `[{"nom": "a"}, {"nom": "b"}]` under `pieces`
//!   → `pieces.nom` = `a b`); a key repeated within one object is joined the same way.
//!
//! An array element that is not an object stops reading with a `structure` error ("record is
//! not an object"), as does an object with several array members and no records key: the
//! caller turns the error into a finding. The text must be UTF-8 (a BOM is skipped and
//! reported as `utf-8-bom`); invalid UTF-8 in a record is an `encoding` error. Members of the
//! top object other than the records array are checked for bracket balance only.
//!
//! Limits (`limit` errors): a record of [`MAX_VALUE`] bytes, [`MAX_DEPTH`] levels of nesting,
//! [`MAX_COLUMNS`] distinct column names of at most [`MAX_NAME`] bytes each.

use super::{BOM, CHUNK, Columns, RawRecord, ReadError, ReaderOptions, RecordSink, SourceFacts};
use std::borrow::Cow;
use std::io::{self, Read};

/// Largest record (array element or line) accepted, in bytes.
pub const MAX_VALUE: usize = 16 * 1024 * 1024;
/// Deepest nesting of arrays and objects accepted, counting the enclosing array or object.
pub const MAX_DEPTH: usize = 64;
/// Most distinct column names in one file (a spreadsheet's widest row).
pub const MAX_COLUMNS: usize = 16_384;
/// Longest column name (a dotted path), in bytes.
pub const MAX_NAME: usize = 4096;

/// Reads a JSON array of records: the file itself, the member named by
/// [`ReaderOptions::records_key`] of the top object, or (without a records key) the only
/// array-valued member of the top object.
pub fn read_array(
    options: &ReaderOptions,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    let mut src = Source::new(input)?;
    let facts = SourceFacts { encoding: Some(src.encoding_name()), ..Default::default() };
    let mut out = Output::new(sink);
    match src.skip_ws()? {
        None => return Err(src.err("syntax", "empty input")),
        Some(b'[') => {
            if options.records_key.is_some() {
                return Err(src.err("structure", "file is an array, not an object holding the records key"));
            }
            stream_array(&mut src, &mut out, 1)?;
        }
        Some(b'{') => read_top_object(&mut src, &mut out, options.records_key.as_deref())?,
        Some(b) if !b.is_ascii() => return Err(src.err("encoding", "not UTF-8 JSON")),
        Some(_) => return Err(src.err("structure", "file is neither an array nor an object")),
    }
    if out.stopped {
        return Ok(facts);
    }
    if src.skip_ws()?.is_some() {
        return Err(src.err("syntax", "trailing content after the JSON value"));
    }
    Ok(facts)
}

/// Reads NDJSON: one JSON object per line, blank lines skipped; the line number is the row.
/// A line that is not a JSON object stops reading with a `syntax` error at that row (a
/// `structure` error when it is valid JSON but not an object).
pub fn read_lines(
    _options: &ReaderOptions,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    let mut src = Source::new(input)?;
    let facts = SourceFacts { encoding: Some(src.encoding_name()), ..Default::default() };
    let mut out = Output::new(sink);
    let mut line = Vec::new();
    loop {
        let row = src.line;
        line.clear();
        if !src.read_line(&mut line)? {
            break;
        }
        let text = trim_ws(&line);
        if text.is_empty() {
            continue;
        }
        if !out.emit(text, row, src.records)? {
            break;
        }
        src.records += 1;
    }
    Ok(facts)
}

/// Reads the members of the top object, streaming the records array when it comes.
fn read_top_object(src: &mut Source<'_>, out: &mut Output<'_>, key: Option<&str>) -> Result<(), ReadError> {
    src.bump(); // `{`
    let mut found = false;
    let mut name = Vec::new();
    if src.skip_ws()? == Some(b'}') {
        src.bump();
    } else {
        loop {
            if src.skip_ws()? != Some(b'"') {
                return Err(src.err("syntax", "expected a member name"));
            }
            name.clear();
            src.scan_string(&mut Some(&mut name))?;
            let member = Flat::decode_key(&name).map_err(|(kind, reason)| src.err(kind, reason))?;
            if src.skip_ws()? != Some(b':') {
                return Err(src.err("syntax", "expected ':' after a member name"));
            }
            src.bump();
            let is_array = src.skip_ws()? == Some(b'[');
            let wanted = match key {
                Some(k) => k == member,
                None => is_array,
            };
            if wanted && !found {
                if !is_array {
                    return Err(src.err("structure", "records key does not hold an array"));
                }
                found = true;
                stream_array(src, out, 2)?;
                if out.stopped {
                    return Ok(());
                }
            } else if wanted && key.is_none() {
                return Err(src.err("structure", "object has several array members and no records key"));
            } else {
                src.scan_value(&mut None, 1)?;
            }
            match src.skip_ws()? {
                Some(b',') => src.bump(),
                Some(b'}') => {
                    src.bump();
                    break;
                }
                None => return Err(src.err("syntax", "unexpected end of input")),
                Some(_) => return Err(src.err("syntax", "expected ',' or '}'")),
            }
        }
    }
    if found {
        Ok(())
    } else if key.is_some() {
        Err(src.err("structure", "records key not found"))
    } else {
        Err(src.err("structure", "object holds no array of records"))
    }
}

/// Streams the array at the current byte (`[`), each element a record. `depth` is the depth of
/// the array itself (1 for the file, 2 for a member of the top object).
fn stream_array(src: &mut Source<'_>, out: &mut Output<'_>, depth: usize) -> Result<(), ReadError> {
    src.bump(); // `[`
    let mut element = Vec::new();
    if src.skip_ws()? == Some(b']') {
        src.bump();
        return Ok(());
    }
    loop {
        match src.skip_ws()? {
            Some(b']') => return Err(src.err("syntax", "trailing comma in array")),
            None => return Err(src.err("syntax", "unexpected end of input")),
            Some(_) => {}
        }
        let row = src.line;
        element.clear();
        src.scan_value(&mut Some(&mut element), depth)?;
        if !out.emit(&element, row, src.records)? {
            return Ok(());
        }
        src.records += 1;
        match src.skip_ws()? {
            Some(b',') => src.bump(),
            Some(b']') => {
                src.bump();
                return Ok(());
            }
            None => return Err(src.err("syntax", "unexpected end of input")),
            Some(_) => return Err(src.err("syntax", "expected ',' or ']'")),
        }
    }
}

/// Where records go: the sink, with the reused columns, record and path buffer.
struct Output<'s> {
    sink: &'s mut dyn RecordSink,
    columns: Columns,
    record: RawRecord,
    path: String,
    /// The sink asked to stop.
    stopped: bool,
}

impl<'s> Output<'s> {
    fn new(sink: &'s mut dyn RecordSink) -> Self {
        Output {
            sink,
            columns: Columns::default(),
            record: RawRecord::default(),
            path: String::new(),
            stopped: false,
        }
    }

    /// Flattens one record's text and hands it over; `before` is the count of records already
    /// handed over. Returns whether to go on.
    fn emit(&mut self, text: &[u8], row: u64, before: u64) -> Result<bool, ReadError> {
        self.record.clear();
        flatten(text, &mut self.columns, &mut self.record, &mut self.path)
            .map_err(|(kind, reason)| ReadError::new(kind, row, before, reason))?;
        self.record.position.row = row;
        self.record.position.record = before + 1;
        if self.sink.record(&self.columns, &self.record) {
            Ok(true)
        } else {
            self.stopped = true;
            Ok(false)
        }
    }
}

/// An error kind and reason.
type Fail = (&'static str, &'static str);

/// Flattens one JSON object (the whole of `text`) into `record`.
fn flatten(
    text: &[u8],
    columns: &mut Columns,
    record: &mut RawRecord,
    path: &mut String,
) -> Result<(), Fail> {
    let text = std::str::from_utf8(text).map_err(|_| ("encoding", "invalid UTF-8"))?;
    let mut p = Flat { s: text, b: text.as_bytes(), i: 0 };
    p.ws();
    if p.peek() != Some(b'{') {
        // Valid JSON that is not an object is a structure problem; anything else, syntax.
        return Err(if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            ("structure", "record is not an object")
        } else {
            ("syntax", "malformed JSON")
        });
    }
    path.clear();
    let mut put = |path: &str, value: &str| -> Result<(), Fail> {
        let i = column_index(columns, path)?;
        match record.values.get_mut(i) {
            Some(Some(s)) => {
                s.push(' ');
                s.push_str(value);
            }
            _ => record.set(i, value),
        }
        record.width += 1;
        Ok(())
    };
    p.value(path, 1, &mut put)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(("syntax", "trailing content after the record"));
    }
    Ok(())
}

/// The index of a column, added when new, within [`MAX_COLUMNS`] and [`MAX_NAME`] (so that
/// hostile keys cannot grow the column list without bound).
fn column_index(columns: &mut Columns, name: &str) -> Result<usize, Fail> {
    if let Some(i) = columns.get(name) {
        return Ok(i);
    }
    if name.len() > MAX_NAME {
        return Err(("limit", "column name over 4096 bytes"));
    }
    if columns.len() >= MAX_COLUMNS {
        return Err(("limit", "more than 16384 distinct columns"));
    }
    Ok(columns.push(name.to_string()))
}

/// A recursive-descent flattener over one complete record (recursion bounded by
/// [`MAX_DEPTH`]).
struct Flat<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Flat<'a> {
    /// Decodes a member name scanned by [`Source::scan_string`] (quotes included).
    fn decode_key(raw: &[u8]) -> Result<String, Fail> {
        let s = std::str::from_utf8(raw).map_err(|_| ("encoding", "invalid UTF-8"))?;
        let mut p = Flat { s, b: s.as_bytes(), i: 0 };
        Ok(p.string()?.into_owned())
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect_literal(&mut self, word: &str) -> Result<(), Fail> {
        if self.b.get(self.i..self.i + word.len()) == Some(word.as_bytes()) {
            self.i += word.len();
            Ok(())
        } else {
            Err(("syntax", "invalid literal"))
        }
    }

    fn value(
        &mut self,
        path: &mut String,
        depth: usize,
        put: &mut dyn FnMut(&str, &str) -> Result<(), Fail>,
    ) -> Result<(), Fail> {
        match self.peek() {
            Some(b'{') => {
                if depth > MAX_DEPTH {
                    return Err(("limit", "nesting deeper than 64"));
                }
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(("syntax", "expected a member name"));
                    }
                    let key = self.string()?;
                    let base = path.len();
                    if base > 0 {
                        path.push('.');
                    }
                    path.push_str(&key);
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(("syntax", "expected ':' after a member name"));
                    }
                    self.i += 1;
                    self.ws();
                    self.value(path, depth + 1, put)?;
                    path.truncate(base);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        None => return Err(("syntax", "unexpected end of input")),
                        Some(_) => return Err(("syntax", "expected ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                if depth > MAX_DEPTH {
                    return Err(("limit", "nesting deeper than 64"));
                }
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.ws();
                    self.value(path, depth + 1, put)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        None => return Err(("syntax", "unexpected end of input")),
                        Some(_) => return Err(("syntax", "expected ',' or ']'")),
                    }
                }
            }
            Some(b'"') => {
                let s = self.string()?;
                if !s.is_empty() {
                    put(path, &s)?;
                }
                Ok(())
            }
            Some(b't') => {
                self.expect_literal("true")?;
                put(path, "true")
            }
            Some(b'f') => {
                self.expect_literal("false")?;
                put(path, "false")
            }
            Some(b'n') => self.expect_literal("null"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                self.number()?;
                let text = self.s.get(start..self.i).ok_or(("syntax", "invalid number"))?;
                put(path, text)
            }
            None => Err(("syntax", "unexpected end of input")),
            Some(_) => Err(("syntax", "unexpected character")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), Fail> {
        const BAD: Fail = ("syntax", "invalid number");
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(BAD),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(BAD);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(BAD);
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let digits = self.s.get(self.i..self.i + 4).ok_or(("syntax", "invalid unicode escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(("syntax", "invalid unicode escape"));
        }
        let v = u32::from_str_radix(digits, 16).map_err(|_| ("syntax", "invalid unicode escape"))?;
        self.i += 4;
        Ok(v)
    }

    /// A string at the current `"`, decoded; borrowed when it holds no escape.
    fn string(&mut self) -> Result<Cow<'a, str>, Fail> {
        const EOF: Fail = ("syntax", "unterminated string");
        self.i += 1; // opening quote
        let mut owned: Option<String> = None;
        let mut run = self.i;
        loop {
            let b = self.peek().ok_or(EOF)?;
            match b {
                b'"' => {
                    let tail = self.s.get(run..self.i).ok_or(EOF)?;
                    self.i += 1;
                    return Ok(match owned {
                        Some(mut o) => {
                            o.push_str(tail);
                            Cow::Owned(o)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(self.s.get(run..self.i).ok_or(EOF)?);
                    self.i += 1;
                    let e = self.peek().ok_or(EOF)?;
                    self.i += 1;
                    match e {
                        b'"' => o.push('"'),
                        b'\\' => o.push('\\'),
                        b'/' => o.push('/'),
                        b'b' => o.push('\u{8}'),
                        b'f' => o.push('\u{c}'),
                        b'n' => o.push('\n'),
                        b'r' => o.push('\r'),
                        b't' => o.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return Err(("syntax", "invalid unicode escape"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(("syntax", "invalid unicode escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            o.push(char::from_u32(cp).ok_or(("syntax", "invalid unicode escape"))?);
                        }
                        _ => return Err(("syntax", "invalid escape")),
                    }
                    run = self.i;
                }
                0..=0x1F => return Err(("syntax", "control character in string")),
                _ => self.i += 1,
            }
        }
    }
}

fn trim_ws(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = s {
        s = rest;
    }
    s
}

/// Buffered bytes from the input, counting lines (1-based) and records read.
struct Source<'a> {
    input: &'a mut dyn Read,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    line: u64,
    records: u64,
    bom: bool,
}

impl<'a> Source<'a> {
    /// Starts reading, skipping a UTF-8 BOM.
    fn new(input: &'a mut dyn Read) -> Result<Self, ReadError> {
        let mut head = Vec::with_capacity(3);
        input.take(3).read_to_end(&mut head).map_err(|e| ReadError::new("io", 1, 0, e.to_string()))?;
        let bom = head == BOM;
        let mut buf = vec![0u8; CHUNK].into_boxed_slice();
        let len = if bom {
            0
        } else {
            let n = head.len();
            if let Some(dst) = buf.get_mut(..n) {
                dst.copy_from_slice(&head);
            }
            n
        };
        Ok(Source { input, buf, pos: 0, len, line: 1, records: 0, bom })
    }

    fn encoding_name(&self) -> &'static str {
        if self.bom { "utf-8-bom" } else { "utf-8" }
    }

    fn err(&self, kind: &'static str, reason: &'static str) -> ReadError {
        ReadError::new(kind, self.line, self.records, reason)
    }

    /// Makes bytes available; false at the end of the input.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.pos < self.len {
            return Ok(true);
        }
        loop {
            match self.input.read(&mut self.buf) {
                Ok(n) => {
                    self.pos = 0;
                    self.len = n.min(self.buf.len());
                    return Ok(self.len > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The inventory's guard names the limit that stopped the stream; keep its words.
                Err(e) => return Err(ReadError::new("io", self.line, self.records, e.to_string())),
            }
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, ReadError> {
        if !self.fill()? {
            return Ok(None);
        }
        Ok(self.buf.get(self.pos).copied())
    }

    /// Consumes the byte [`Source::peek`] returned.
    fn bump(&mut self) {
        if let Some(&b) = self.buf.get(self.pos) {
            if b == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, ReadError> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// Appends bytes to the kept value, if any, within [`MAX_VALUE`].
    fn keep(&self, out: &mut Option<&mut Vec<u8>>, bytes: &[u8]) -> Result<(), ReadError> {
        if let Some(out) = out {
            if out.len() + bytes.len() > MAX_VALUE {
                return Err(self.err("limit", "record over 16 MiB"));
            }
            out.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// Scans the string at the current `"`, quotes and escapes kept as written.
    fn scan_string(&mut self, out: &mut Option<&mut Vec<u8>>) -> Result<(), ReadError> {
        self.keep(out, b"\"")?;
        self.bump();
        loop {
            if !self.fill()? {
                return Err(self.err("syntax", "unexpected end of input"));
            }
            let avail = self.buf.get(self.pos..self.len).unwrap_or_default();
            match memchr::memchr3(b'"', b'\\', b'\n', avail) {
                None => {
                    let n = avail.len();
                    self.keep(out, avail)?;
                    self.pos += n;
                }
                Some(i) => {
                    let chunk = avail.get(..i).unwrap_or_default();
                    let stop = avail.get(i).copied();
                    self.keep(out, chunk)?;
                    self.pos += i;
                    match stop {
                        Some(b'"') => {
                            self.keep(out, b"\"")?;
                            self.bump();
                            return Ok(());
                        }
                        Some(b'\\') => {
                            self.keep(out, b"\\")?;
                            self.bump();
                            match self.peek()? {
                                Some(c) => {
                                    self.keep(out, &[c])?;
                                    self.bump();
                                }
                                None => return Err(self.err("syntax", "unexpected end of input")),
                            }
                        }
                        _ => {
                            self.keep(out, b"\n")?;
                            self.bump();
                        }
                    }
                }
            }
        }
    }

    /// Scans one JSON value at the current byte (after whitespace), keeping its bytes in `out`
    /// when given. `depth` is the depth of the enclosing container. Brackets must balance;
    /// scalars are only delimited here (checked when flattened).
    fn scan_value(&mut self, out: &mut Option<&mut Vec<u8>>, depth: usize) -> Result<(), ReadError> {
        let mut closers: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek()? else {
                return Err(self.err("syntax", "unexpected end of input"));
            };
            match b {
                b'"' => self.scan_string(out)?,
                b'{' | b'[' => {
                    if depth + closers.len() >= MAX_DEPTH {
                        return Err(self.err("limit", "nesting deeper than 64"));
                    }
                    closers.push(if b == b'{' { b'}' } else { b']' });
                    self.keep(out, &[b])?;
                    self.bump();
                }
                b'}' | b']' => {
                    if closers.pop() != Some(b) {
                        return Err(self.err("syntax", "mismatched bracket"));
                    }
                    self.keep(out, &[b])?;
                    self.bump();
                }
                _ if closers.is_empty() => {
                    // A scalar on its own: up to the next delimiter.
                    let mut any = false;
                    while let Some(c) = self.peek()? {
                        if matches!(
                            c,
                            b',' | b']' | b'}' | b'{' | b'[' | b'"' | b':' | b' ' | b'\t' | b'\n' | b'\r'
                        ) {
                            break;
                        }
                        self.keep(out, &[c])?;
                        self.bump();
                        any = true;
                    }
                    if !any {
                        return Err(self.err("syntax", "unexpected character"));
                    }
                    return Ok(());
                }
                _ => {
                    self.keep(out, &[b])?;
                    self.bump();
                }
            }
            if closers.is_empty() {
                return Ok(());
            }
        }
    }

    /// Reads one line (without its `\n`) into `out`; false at the end of the input.
    fn read_line(&mut self, out: &mut Vec<u8>) -> Result<bool, ReadError> {
        let mut any = false;
        loop {
            if !self.fill()? {
                return Ok(any);
            }
            any = true;
            let avail = self.buf.get(self.pos..self.len).unwrap_or_default();
            let (take, eol) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i, true),
                None => (avail.len(), false),
            };
            if out.len() + take > MAX_VALUE {
                return Err(self.err("limit", "record over 16 MiB"));
            }
            out.extend_from_slice(avail.get(..take).unwrap_or_default());
            self.pos += take;
            if eol {
                self.bump();
                return Ok(true);
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
    fn array_of_objects_flattens_values_and_positions() {
        let text = r#"[
  {"nom": "Dupont", "age": 42, "taux": 38185.50, "vivant": true, "note": null, "vide": "",
   "adresse": {"code_postal": "94000", "ville": "Cr\u00e9teil"}, "prenoms": ["Jean", "Paul"]},

  {"nom": "Martin\n\"Z\"", "grand": 123456789012345678901234567890, "e": -1.5e3}
]"#;
        let (c, r) = run(ReaderKind::Json, &opts(), text.as_bytes());
        assert_eq!(r.unwrap().encoding, Some("utf-8"));
        assert_eq!(c.rows.len(), 2);
        let (pos, row) = &c.rows[0];
        assert_eq!((pos.row, pos.record), (2, 1));
        assert_eq!(get(row, "nom"), Some("Dupont"));
        assert_eq!(get(row, "age"), Some("42"));
        assert_eq!(get(row, "taux"), Some("38185.50"), "numbers keep their JSON text");
        assert_eq!(get(row, "vivant"), Some("true"));
        assert_eq!(get(row, "note"), None, "null is absent");
        assert_eq!(get(row, "vide"), None, "empty string is absent");
        assert_eq!(get(row, "adresse.code_postal"), Some("94000"));
        assert_eq!(get(row, "adresse.ville"), Some("Créteil"));
        assert_eq!(get(row, "prenoms"), Some("Jean Paul"));
        let (pos, row) = &c.rows[1];
        assert_eq!((pos.row, pos.record), (5, 2));
        assert_eq!(get(row, "nom"), Some("Martin\n\"Z\""));
        assert_eq!(get(row, "grand"), Some("123456789012345678901234567890"));
        assert_eq!(get(row, "e"), Some("-1.5e3"));
    }

    #[test]
    fn records_key_and_single_array_member() {
        let text = br#"{"version": 2, "meta": {"x": [1]}, "actes": [{"n": "1"}, {"n": "2"}], "fin": true}"#;
        let keyed = ReaderOptions { records_key: Some("actes".into()), ..opts() };
        let (c, r) = run(ReaderKind::Json, &keyed, text);
        r.unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(get(&c.rows[1].1, "n"), Some("2"));
        // Without a key, the only array-valued member is taken.
        let (c, r) = run(ReaderKind::Json, &opts(), text);
        r.unwrap();
        assert_eq!(c.rows.len(), 2);
        // A missing key, or two array members without a key, are structure errors.
        let missing = ReaderOptions { records_key: Some("deces".into()), ..opts() };
        let (_, r) = run(ReaderKind::Json, &missing, text);
        assert_eq!(r.unwrap_err().reason, "records key not found");
        let (c, r) = run(ReaderKind::Json, &opts(), br#"{"a": [{"n": 1}], "b": [{"n": 2}]}"#);
        assert_eq!(r.unwrap_err().kind, "structure");
        assert_eq!(c.rows.len(), 1);
        let (_, r) = run(ReaderKind::Json, &keyed, br#"[{"n": 1}]"#);
        assert_eq!(r.unwrap_err().kind, "structure");
        let (_, r) = run(ReaderKind::Json, &keyed, br#"{"actes": {"n": 1}}"#);
        assert_eq!(r.unwrap_err().reason, "records key does not hold an array");
    }

    #[test]
    fn arrays_of_objects_join_on_dotted_names() {
        let text = br#"[{"pieces": [{"nom": "a"}, {"nom": "b", "t": 1}], "m": [[1, 2], [], null, 3]}]"#;
        let (c, r) = run(ReaderKind::Json, &opts(), text);
        r.unwrap();
        assert_eq!(get(&c.rows[0].1, "pieces.nom"), Some("a b"));
        assert_eq!(get(&c.rows[0].1, "pieces.t"), Some("1"));
        assert_eq!(get(&c.rows[0].1, "m"), Some("1 2 3"));
    }

    #[test]
    fn utf16_is_refused() {
        let (_, r) = run(ReaderKind::Json, &opts(), b"\xff\xfe[\x00]\x00");
        assert_eq!(r.unwrap_err().kind, "encoding");
    }

    #[test]
    fn empty_array_and_bom() {
        let (c, r) = run(ReaderKind::Json, &opts(), b"\xEF\xBB\xBF [ ]\n");
        assert_eq!(r.unwrap().encoding, Some("utf-8-bom"));
        assert!(c.rows.is_empty());
    }

    #[test]
    fn non_object_element_is_a_structure_error() {
        let (c, r) = run(ReaderKind::Json, &opts(), b"[{\"a\": 1},\n 5, {\"a\": 2}]");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row, e.record), ("structure", 2, 1));
        assert_eq!(e.reason, "record is not an object");
        assert_eq!(c.rows.len(), 1);
        let (_, r) = run(ReaderKind::Json, &opts(), b"\"text\"");
        assert_eq!(r.unwrap_err().kind, "structure");
    }

    #[test]
    fn truncated_and_malformed_input_are_syntax_errors() {
        for bad in [
            &b"[{\"a\": 1}, {\"a\": "[..],
            b"[{\"a\": \"unterminated",
            b"[{\"a\": 1}",
            b"[{\"a\": 1},]",
            b"[{\"a\": 1}] trailing",
            b"[{\"a\": 01}]",
            b"[{\"a\": tru}]",
            b"[{\"a\" 1}]",
            b"[{\"a\": 1]]",
            b"[{\"a\": \"\\x\"}]",
            b"[{\"a\": \"\\ud800\"}]",
            b"",
        ] {
            let (_, r) = run(ReaderKind::Json, &opts(), bad);
            let e = r.expect_err(std::str::from_utf8(bad).unwrap());
            assert_eq!(e.kind, "syntax", "{e} for {:?}", std::str::from_utf8(bad));
        }
    }

    #[test]
    fn errors_name_no_value() {
        let (_, r) = run(ReaderKind::Json, &opts(), b"[{\"secret\": \"Dupont\" \"x\"}]");
        let e = r.unwrap_err();
        assert!(!e.to_string().contains("Dupont") && !e.to_string().contains("secret"));
    }

    #[test]
    fn deep_nesting_is_limited() {
        let mut deep = b"[{\"a\": ".to_vec();
        deep.extend(std::iter::repeat_n(b'[', 100_000));
        let (c, r) = run(ReaderKind::Json, &opts(), &deep);
        assert_eq!(r.unwrap_err().kind, "limit");
        assert!(c.rows.is_empty());
        // 64 levels in all (array, object, 62 more) is fine.
        let mut ok = b"[{\"a\": ".to_vec();
        ok.extend(std::iter::repeat_n(b'[', 62));
        ok.extend(std::iter::repeat_n(b']', 62));
        ok.extend(b"}]");
        let (_, r) = run(ReaderKind::Json, &opts(), &ok);
        r.unwrap();
        let deep_line = format!("{}{}", "{\"a\":".repeat(70), "}".repeat(70));
        let (_, r) = run(ReaderKind::Ndjson, &opts(), deep_line.as_bytes());
        assert_eq!(r.unwrap_err().kind, "limit");
    }

    #[test]
    fn huge_values_are_limited() {
        let mut huge = b"[{\"a\": \"".to_vec();
        huge.resize(huge.len() + MAX_VALUE + 10, b'x');
        huge.extend(b"\"}]");
        let (c, r) = run(ReaderKind::Json, &opts(), &huge);
        assert_eq!(r.unwrap_err().kind, "limit");
        assert!(c.rows.is_empty());
        let mut line = vec![b' '; MAX_VALUE + 1];
        line.extend(b"{}\n");
        let (_, r) = run(ReaderKind::Ndjson, &opts(), &line);
        assert_eq!(r.unwrap_err().kind, "limit");
    }

    #[test]
    fn column_names_are_bounded() {
        let long = format!("[{{\"{}\": 1}}]", "k".repeat(MAX_NAME + 1));
        let (_, r) = run(ReaderKind::Json, &opts(), long.as_bytes());
        assert_eq!(r.unwrap_err().reason, "column name over 4096 bytes");
        let mut many = String::new();
        for i in 0..=MAX_COLUMNS {
            many.push_str(&format!("{{\"c{i}\": 1}}\n"));
        }
        struct Count(usize);
        impl RecordSink for Count {
            fn record(&mut self, _: &Columns, _: &RawRecord) -> bool {
                self.0 += 1;
                true
            }
        }
        let mut count = Count(0);
        let e = read_lines(&opts(), &mut many.as_bytes(), &mut count).unwrap_err();
        assert_eq!((e.kind, e.row), ("limit", MAX_COLUMNS as u64 + 1));
        assert_eq!(count.0, MAX_COLUMNS);
    }

    #[test]
    fn invalid_utf8_is_an_encoding_error() {
        let (_, r) = run(ReaderKind::Json, &opts(), b"[{\"nom\": \"H\xe9l\xe8ne\"}]");
        assert_eq!(r.unwrap_err().kind, "encoding");
        let (_, r) = run(ReaderKind::Ndjson, &opts(), b"{\"nom\": \"H\xe9l\xe8ne\"}\n");
        assert_eq!(r.unwrap_err().kind, "encoding");
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
        let text = b"[{\"a\": 1}, {\"a\": 2}, garbage";
        let r = read_array(&opts(), &mut &text[..], &mut first);
        assert!(r.is_ok());
        assert_eq!(first.0, 1);
    }

    #[test]
    fn ndjson_lines_rows_and_errors() {
        let text = b"\xEF\xBB\xBF{\"a\": 1, \"b\": {\"c\": \"x\"}}\r\n\n  \n{\"a\": 2}\n{\"a\": 3}";
        let (c, r) = run(ReaderKind::Ndjson, &opts(), text);
        assert_eq!(r.unwrap().encoding, Some("utf-8-bom"));
        assert_eq!(c.rows.len(), 3);
        assert_eq!((c.rows[0].0.row, c.rows[0].0.record), (1, 1));
        assert_eq!(get(&c.rows[0].1, "b.c"), Some("x"));
        assert_eq!((c.rows[1].0.row, c.rows[1].0.record), (4, 2));
        assert_eq!((c.rows[2].0.row, c.rows[2].0.record), (5, 3));
        let (c, r) = run(ReaderKind::Ndjson, &opts(), b"{\"a\": 1}\n{\"a\": \n{\"a\": 3}\n");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row, e.record), ("syntax", 2, 1));
        assert_eq!(c.rows.len(), 1);
        let (_, r) = run(ReaderKind::Ndjson, &opts(), b"{\"a\": 1}\n[1, 2]\n");
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row), ("structure", 2));
        let (_, r) = run(ReaderKind::Ndjson, &opts(), b"{\"a\": 1} {\"b\": 2}\n");
        assert_eq!(r.unwrap_err().kind, "syntax");
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        let samples: [&[u8]; 8] = [
            b"\xff\xfe[\x00",
            b"[\"\\",
            b"{\"a\"",
            b"{\"a\":[{\"b\":\"\\u12",
            b"[{\"\\ud83d\\ude00\": \"\\ud83d\\ude00\"}]",
            b"[}]",
            b"{]",
            b"[{\"a\":1e}]",
        ];
        for s in samples {
            let _ = run(ReaderKind::Json, &opts(), s);
            let _ = run(ReaderKind::Ndjson, &opts(), s);
        }
        let (c, r) = run(ReaderKind::Json, &opts(), b"[{\"\\ud83d\\ude00\": \"\\ud83d\\ude00\"}]");
        r.unwrap();
        assert_eq!(get(&c.rows[0].1, "😀"), Some("😀"));
    }
}
