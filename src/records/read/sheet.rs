//! Spreadsheet reader (XLSX, ODS, XLS) over `calamine`.
//!
//! `calamine` needs `Read + Seek`, so the entry is buffered in memory, at most
//! [`MAX_SHEET_BYTES`] (a `limit` error beyond); an XLSX or ODS whose zip parts declare more
//! than [`MAX_UNPACKED`] bytes unpacked is refused too. XLSX sheets are then streamed cell by cell
//! (`worksheet_cells_reader`), so a sheet declaring a huge sparse range costs nothing; ODS and
//! XLS sheets are loaded as ranges by `calamine` (bounded by its own caps).
//!
//! Sheets read: [`ReaderOptions::sheets`] when given (a missing one is a `structure` error,
//! before any record); else the sheet whose name equals the dataset name, ignoring case; else
//! every worksheet (chart and macro sheets skipped, hidden sheets read), in workbook order.
//!
//! In each sheet, the first row with a value is the header (its values, trimmed, name the
//! columns; an empty header cell is named by its 1-based column number, as are all columns
//! when [`ReaderOptions::header`] is `false`). Each following row with a value is a record;
//! rows with no value are skipped. [`Position::sheet`](super::Position::sheet) is the sheet
//! name and [`Position::row`](super::Position::row) the sheet's 1-based row number; record
//! numbers run on across sheets. A value in a column past the header's ends is dropped and the
//! row counted in [`SourceFacts::ragged_rows`]. [`RawRecord::width`] is the number of values
//! on the row.
//!
//! Cell values: strings as they are; integers as integers; floats in Rust's shortest form
//! (integral ones without `.0`: 38185.0 → `38185`); booleans `true` / `false`; dates `AAAA-MM-JJ`,
//! with `THH:MM:SS` when the time is not midnight; a time alone (serial below 1) `HH:MM:SS`;
//! durations `H:MM:SS` (hours may exceed 24); ODS dates as given (midnight dropped); errors
//! (`#N/A`…), empty cells and empty strings are absent.
//!
//! A malformed workbook (corrupt zip, bad XML, truncated BIFF) is a `structure` error. A panic
//! inside `calamine` on hostile input is caught and reported the same way.

use super::{
    Columns, MAX_SHEET_BYTES, RawRecord, ReadError, ReaderKind, ReaderOptions, RecordSink, SourceFacts,
};
use calamine::{Data, DataRef, ExcelDateTime, Ods, Reader, SheetType, Xls, Xlsx, XlsxError};
use std::fmt::Write as _;
use std::io::{Cursor, Read};

/// Largest record (the sum of its values), in bytes.
pub const MAX_VALUE: usize = 16 * 1024 * 1024;
/// Most values on one row.
pub const MAX_CELLS: usize = 1 << 16;
/// Largest total size, unpacked, of the parts of an XLSX or ODS workbook (as its zip
/// directory declares them, which the zip reader then holds them to).
pub const MAX_UNPACKED: u64 = 8 * MAX_SHEET_BYTES;

/// Reads the sheets that map (see the module documentation).
pub fn read(
    kind: ReaderKind,
    options: &ReaderOptions,
    dataset: &str,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    let bytes = buffer(input, MAX_SHEET_BYTES)?;
    if matches!(kind, ReaderKind::Xlsx | ReaderKind::Ods) {
        check_unpacked(&bytes, MAX_UNPACKED)?;
    }
    if kind == ReaderKind::Ods {
        check_ods_extent(&bytes, MAX_ODS_CELLS)?;
    }
    if kind == ReaderKind::Xlsx {
        check_shared_strings(&bytes, MAX_SHARED_STRINGS)?;
    }
    let mut out = Output {
        sink,
        header: options.header.unwrap_or(true),
        record: RawRecord::default(),
        records: 0,
        facts: SourceFacts::default(),
    };
    let cursor = Cursor::new(bytes);
    match kind {
        ReaderKind::Xlsx => read_xlsx(cursor, options, dataset, &mut out)?,
        ReaderKind::Ods => read_ranges::<Ods<_>>(cursor, options, dataset, &mut out)?,
        ReaderKind::Xls => read_ranges::<Xls<_>>(cursor, options, dataset, &mut out)?,
        _ => return Err(ReadError::new("structure", 0, 0, "not a spreadsheet format")),
    }
    Ok(out.facts)
}

/// Reads the whole input, at most `max` bytes.
fn buffer(input: &mut dyn Read, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    // The inventory's guard names the limit that stopped the stream; keep its words.
    input.take(max + 1).read_to_end(&mut bytes).map_err(|e| ReadError::new("io", 0, 0, e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::new("limit", 0, 0, format!("spreadsheet over {max} bytes")));
    }
    Ok(bytes)
}

/// Refuses a zip whose parts declare more than `max` bytes in all: `calamine` holds some of
/// them whole in memory (shared strings, ODS content). A zip that does not open is left for
/// `calamine` to report.
fn check_unpacked(bytes: &[u8], max: u64) -> Result<(), ReadError> {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let meta = archive.metadata();
    let total =
        (0..meta.len()).filter_map(|i| meta.entry(i).ok()).fold(0u64, |t, e| t.saturating_add(e.size()));
    if total > max {
        return Err(ReadError::new("limit", 0, 0, format!("workbook unpacks to over {max} bytes")));
    }
    Ok(())
}

/// Largest shared-string table of an XLSX workbook, unpacked. `calamine` holds it whole as
/// strings: about twice its size in memory for tiny strings (a 510 MB table of 30 million
/// one-letter strings took 1.05 GB).
pub const MAX_SHARED_STRINGS: u64 = 160 * 1024 * 1024;

/// Refuses an XLSX whose shared-string table unpacks to over `max` bytes.
fn check_shared_strings(bytes: &[u8], max: u64) -> Result<(), ReadError> {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let meta = archive.metadata();
    let size = (0..meta.len())
        .filter_map(|i| meta.entry(i).ok())
        .filter(|e| e.name().is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml")))
        .fold(0u64, |t, e| t.saturating_add(e.size()));
    if size > max {
        return Err(ReadError::new(
            "limit",
            0,
            0,
            format!("shared-string table over {max} bytes: export this sheet as CSV"),
        ));
    }
    Ok(())
}

/// Largest extent (rows × columns from the first cell to the last that holds a value) of one ODS
/// sheet: `calamine` expands an ODS sheet into a dense range, and repeat attributes let a few
/// bytes span millions of cells (≈ 80 bytes of memory each).
pub const MAX_ODS_CELLS: u64 = 4_000_000;

/// Refuses an ODS workbook one of whose sheets spans more than `max` cells once its
/// `number-rows-repeated` / `number-columns-repeated` attributes are expanded. Reads
/// `content.xml` once, holding nothing; a workbook that does not parse is left for `calamine`.
fn check_ods_extent(bytes: &[u8], max: u64) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(content) = archive.by_name("content.xml") else { return Ok(()) };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeat = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u64 {
        e.try_get_attribute(name).ok().flatten().and_then(|a| a.value.parse::<u64>().ok()).unwrap_or(1).max(1)
    };
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    let (mut last_row, mut last_col) = (None::<u64>, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(e) => e,
        };
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "table" => (row, last_row, last_col) = (0, None, 0),
                "table-row" => (col, row_repeat) = (0, repeat(e, "table:number-rows-repeated")),
                "table-cell" | "covered-table-cell" => {
                    let n = repeat(e, "table:number-columns-repeated");
                    if e.try_get_attribute("office:value-type").ok().flatten().is_some() {
                        last_row = Some(row.saturating_add(row_repeat - 1));
                        last_col = last_col.max(col.saturating_add(n - 1));
                    }
                    col = col.saturating_add(n);
                }
                _ => {}
            },
            _ => {}
        }
        let row_ends = match &event {
            Event::End(e) => e.local_name().as_ref() == "table-row",
            Event::Empty(e) => e.local_name().as_ref() == "table-row",
            _ => false,
        };
        if row_ends {
            row = row.saturating_add(row_repeat);
        }
        if let Some(r) = last_row {
            let cells = (r + 1).saturating_mul(last_col + 1);
            if cells > max {
                return Err(ReadError::new(
                    "limit",
                    0,
                    0,
                    format!("a sheet spans over {max} cells once its repeats are expanded"),
                ));
            }
        }
        buf.clear();
    }
}

/// Runs a `calamine` call, turning a panic into a `structure` error (not an internal error:
/// calamine panics on some malformed workbooks).
fn guarded<T>(row: u64, record: u64, f: impl FnOnce() -> T) -> Result<T, ReadError> {
    crate::guard::quietly(f).map_err(|_| ReadError::new("structure", row, record, "malformed workbook"))
}

fn malformed(row: u64, record: u64, what: &'static str) -> ReadError {
    ReadError::new("structure", row, record, what)
}

/// The sheets to read, by name.
fn select(
    meta: &[calamine::Sheet],
    options: &ReaderOptions,
    dataset: &str,
) -> Result<Vec<String>, ReadError> {
    if !options.sheets.is_empty() {
        if options.sheets.iter().any(|s| !meta.iter().any(|m| &m.name == s)) {
            return Err(ReadError::new("structure", 0, 0, "a sheet named by the profile is missing"));
        }
        return Ok(options.sheets.clone());
    }
    let wanted = dataset.to_lowercase();
    if let Some(m) = meta.iter().find(|m| m.name.to_lowercase() == wanted) {
        return Ok(vec![m.name.clone()]);
    }
    Ok(meta.iter().filter(|m| m.typ == SheetType::WorkSheet).map(|m| m.name.clone()).collect())
}

fn read_xlsx(
    cursor: Cursor<Vec<u8>>,
    options: &ReaderOptions,
    dataset: &str,
    out: &mut Output<'_>,
) -> Result<(), ReadError> {
    let mut book: Xlsx<_> =
        guarded(0, 0, || Xlsx::new(cursor))?.map_err(|_| malformed(0, 0, "malformed workbook"))?;
    let names = select(book.sheets_metadata(), options, dataset)?;
    let mut row = RowBuf::default();
    for name in names {
        let mut sheet = out.start_sheet(&name);
        let records = out.records;
        let book_ref = &mut book;
        let cells = guarded(0, records, move || {
            // Moved in, so the reader may borrow the workbook past the closure.
            let book = book_ref;
            book.worksheet_cells_reader(&name)
        })?;
        let mut cells = match cells {
            Ok(cells) => cells,
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(_) => return Err(malformed(0, records, "malformed worksheet")),
        };
        let mut current: Option<u32> = None;
        row.clear();
        loop {
            let at = current.map_or(0, |r| u64::from(r) + 1);
            let cell = guarded(at, out.records, || cells.next_cell())?
                .map_err(|_| malformed(at, out.records, "malformed worksheet"))?;
            let Some(cell) = cell else { break };
            let (r, c) = cell.get_position();
            if current != Some(r) {
                if let Some(prev) = current
                    && !out.row(&mut sheet, prev, &row)
                {
                    return Ok(());
                }
                row.clear();
                current = Some(r);
            }
            row.push(c, Value::from_ref(cell.get_value()))
                .map_err(|(k, why)| ReadError::new(k, u64::from(r) + 1, out.records, why))?;
        }
        if let Some(prev) = current
            && !out.row(&mut sheet, prev, &row)
        {
            return Ok(());
        }
    }
    Ok(())
}

fn read_ranges<R: Reader<Cursor<Vec<u8>>>>(
    cursor: Cursor<Vec<u8>>,
    options: &ReaderOptions,
    dataset: &str,
    out: &mut Output<'_>,
) -> Result<(), ReadError> {
    let mut book: R = guarded(0, 0, || R::new(cursor))?.map_err(|_| malformed(0, 0, "malformed workbook"))?;
    let names = select(book.sheets_metadata(), options, dataset)?;
    let mut row = RowBuf::default();
    for name in names {
        let mut sheet = out.start_sheet(&name);
        let records = out.records;
        let range = guarded(0, records, || book.worksheet_range(&name))?
            .map_err(|_| malformed(0, records, "malformed worksheet"))?;
        let Some((first_row, first_col)) = range.start() else { continue };
        for (i, cells) in range.rows().enumerate() {
            let r = first_row.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            row.clear();
            for (j, data) in cells.iter().enumerate() {
                let c = first_col.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
                row.push(c, Value::from_data(data))
                    .map_err(|(k, why)| ReadError::new(k, u64::from(r) + 1, out.records, why))?;
            }
            if !out.row(&mut sheet, r, &row) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The values of one row: (0-based column, range in `text`).
#[derive(Default)]
struct RowBuf {
    cells: Vec<(u32, usize, usize)>,
    text: String,
}

impl RowBuf {
    fn clear(&mut self) {
        self.cells.clear();
        self.text.clear();
    }

    /// Adds a cell's value, if it has one.
    fn push(&mut self, col: u32, value: Value<'_>) -> Result<(), (&'static str, &'static str)> {
        let start = self.text.len();
        if let Value::Text(s) = value
            && start + s.len() > MAX_VALUE
        {
            return Err(("limit", "record over 16 MiB"));
        }
        value.write(&mut self.text);
        let end = self.text.len();
        if end == start {
            return Ok(());
        }
        if end > MAX_VALUE {
            return Err(("limit", "record over 16 MiB"));
        }
        if self.cells.len() >= MAX_CELLS {
            return Err(("limit", "too many cells on one row"));
        }
        self.cells.push((col, start, end));
        Ok(())
    }

    fn values(&self) -> impl Iterator<Item = (u32, &str)> {
        self.cells.iter().map(|&(c, a, b)| (c, self.text.get(a..b).unwrap_or_default()))
    }
}

/// One sheet's columns.
#[derive(Default)]
struct Sheet {
    columns: Columns,
    /// The header has been read (or there is none).
    ready: bool,
    /// First and last column of the header (0-based).
    first: u32,
    last: u32,
}

/// Where records go.
struct Output<'s> {
    sink: &'s mut dyn RecordSink,
    header: bool,
    record: RawRecord,
    records: u64,
    facts: SourceFacts,
}

impl Output<'_> {
    fn start_sheet(&mut self, name: &str) -> Sheet {
        self.facts.sheets.push(name.to_string());
        self.record.values.clear();
        self.record.position.sheet = Some(name.to_string());
        Sheet::default()
    }

    /// Takes one row (0-based `row`): the header, a record, or nothing when empty. Returns
    /// whether to go on.
    fn row(&mut self, sheet: &mut Sheet, row: u32, buf: &RowBuf) -> bool {
        if buf.cells.is_empty() {
            return true;
        }
        if !sheet.ready {
            sheet.ready = true;
            if self.header {
                let first = buf.cells.iter().map(|c| c.0).min().unwrap_or(0);
                let last = buf.cells.iter().map(|c| c.0).max().unwrap_or(0);
                let mut names: Vec<Option<String>> = vec![None; (last - first) as usize + 1];
                for (c, v) in buf.values() {
                    let v = v.trim();
                    if let Some(slot) = names.get_mut((c - first) as usize)
                        && !v.is_empty()
                    {
                        *slot = Some(v.to_string());
                    }
                }
                sheet.columns = Columns::from_names(
                    names
                        .into_iter()
                        .zip(first..=last)
                        .map(|(n, c)| n.unwrap_or_else(|| (c + 1).to_string())),
                );
                sheet.first = first;
                sheet.last = last;
                return true;
            }
        }
        self.records += 1;
        self.record.clear();
        self.record.position.row = u64::from(row) + 1;
        self.record.position.record = self.records;
        self.record.width = buf.cells.len();
        let mut outside = false;
        for (c, v) in buf.values() {
            if !self.header {
                let i = sheet.columns.intern(&(u64::from(c) + 1).to_string());
                self.record.set(i, v);
            } else if (sheet.first..=sheet.last).contains(&c) {
                self.record.set((c - sheet.first) as usize, v);
            } else {
                outside = true;
            }
        }
        if outside {
            self.facts.ragged_rows += 1;
        }
        self.sink.record(&sheet.columns, &self.record)
    }
}

/// A cell value, from either of `calamine`'s cell types.
enum Value<'a> {
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(ExcelDateTime),
    DateIso(&'a str),
    DurationIso(&'a str),
    Absent,
}

impl<'a> Value<'a> {
    fn from_data(d: &'a Data) -> Self {
        match d {
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::String(s) => Value::Text(s),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(dt) => Value::DateTime(*dt),
            Data::DateTimeIso(s) => Value::DateIso(s),
            Data::DurationIso(s) => Value::DurationIso(s),
            Data::Error(_) | Data::Empty => Value::Absent,
        }
    }

    fn from_ref(d: &'a DataRef<'_>) -> Self {
        match d {
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Float(f) => Value::Float(*f),
            DataRef::String(s) => Value::Text(s),
            DataRef::SharedString(s) => Value::Text(s),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(dt) => Value::DateTime(*dt),
            DataRef::DateTimeIso(s) => Value::DateIso(s),
            DataRef::DurationIso(s) => Value::DurationIso(s),
            DataRef::Error(_) | DataRef::Empty => Value::Absent,
        }
    }

    /// Appends the value's text (nothing when absent).
    fn write(&self, out: &mut String) {
        match self {
            Value::Text(s) => out.push_str(s),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => write_float(*f, out),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::DateTime(dt) => write_datetime(dt, out),
            Value::DateIso(s) => out.push_str(iso_date(s)),
            Value::DurationIso(s) => write_iso_duration(s, out),
            Value::Absent => {}
        }
    }
}

/// Shortest form, no `.0` for integral values; infinities and NaN are absent.
fn write_float(f: f64, out: &mut String) {
    if !f.is_finite() {
        return;
    }
    if f == 0.0 {
        out.push('0');
    } else {
        // `Display` for f64 is the shortest round-trip form and never adds `.0`.
        let _ = write!(out, "{f}");
    }
}

/// An Excel serial date: `AAAA-MM-JJ`, `AAAA-MM-JJTHH:MM:SS`, `HH:MM:SS` (time alone), or
/// `H:MM:SS` (duration).
fn write_datetime(dt: &ExcelDateTime, out: &mut String) {
    let v = dt.as_f64();
    if !v.is_finite() {
        return;
    }
    if dt.is_duration() {
        let total = (v * 86_400.0).round();
        if total.abs() >= 1e15 {
            return write_float(v, out);
        }
        let total = total as i64;
        let sign = if total < 0 { "-" } else { "" };
        let t = total.unsigned_abs();
        let _ = write!(out, "{sign}{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
        return;
    }
    // Outside Excel's dates (before its epoch, after 9999-12-31): the serial number.
    if !(0.0..2_958_466.0).contains(&v) {
        return write_float(v, out);
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if v < 1.0 {
        let _ = write!(out, "{h:02}:{mi:02}:{s:02}");
    } else if (h, mi, s) == (0, 0, 0) {
        let _ = write!(out, "{y:04}-{mo:02}-{d:02}");
    } else {
        let _ = write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    }
}

/// An ISO date or date-time (ODS), midnight dropped.
fn iso_date(s: &str) -> &str {
    let s = s.trim();
    match s.split_once('T') {
        Some((date, time)) if time.bytes().all(|b| matches!(b, b'0' | b':' | b'.')) => date,
        _ => s,
    }
}

/// An ISO duration (ODS `PT10H30M00S`) as `H:MM:SS`; kept as written when it does not parse.
fn write_iso_duration(s: &str, out: &mut String) {
    match parse_iso_duration(s.trim()) {
        Some((neg, t)) => {
            let sign = if neg && t > 0 { "-" } else { "" };
            let _ = write!(out, "{sign}{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
        }
        None => out.push_str(s.trim()),
    }
}

/// `-?P(nD)?(T(nH)?(nM)?(n(.n)?S)?)?` → (negative, seconds).
fn parse_iso_duration(s: &str) -> Option<(bool, u64)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('P')?;
    let (days, time) = s.split_once('T').unwrap_or((s, ""));
    let mut total: u64 = 0;
    if !days.is_empty() {
        total = days.strip_suffix('D')?.parse::<u64>().ok()?.checked_mul(86_400)?;
    }
    let mut rest = time;
    while !rest.is_empty() {
        let n = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let (number, tail) = rest.split_at(n);
        let mut chars = tail.chars();
        let unit = chars.next()?;
        rest = chars.as_str();
        let seconds = match unit {
            'H' => number.parse::<u64>().ok()?.checked_mul(3600)?,
            'M' => number.parse::<u64>().ok()?.checked_mul(60)?,
            'S' => {
                let f = number.parse::<f64>().ok()?;
                if !f.is_finite() || !(0.0..1e15).contains(&f) {
                    return None;
                }
                f.round() as u64
            }
            _ => return None,
        };
        total = total.checked_add(seconds)?;
    }
    Some((neg, total))
}

#[cfg(test)]
mod tests {
    use super::super::collect::{Collected, run};
    use super::*;
    use std::io::Write;

    use super::super::collect::get;

    fn zip(files: &[(&str, String)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in files {
            let method = if *name == "mimetype" {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, options).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// A minimal XLSX: sheets given as (name, `sheetData` content). Style 1 is a date, style 2
    /// a date-time.
    fn xlsx(sheets: &[(&str, &str)]) -> Vec<u8> {
        const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut files = vec![
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ),
            (
                "xl/styles.xml",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>"#),
            ),
        ];
        let mut entries = String::new();
        let mut rels = String::new();
        for (i, (name, data)) in sheets.iter().enumerate() {
            let n = i + 1;
            entries.push_str(&format!(r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#));
            rels.push_str(&format!(
                r#"<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
            ));
            files.push((
                ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"][i],
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>"#),
            ));
        }
        files.push((
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>"#),
        ));
        files.push((
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#),
        ));
        zip(&files)
    }

    fn s(cell: &str, text: &str) -> String {
        format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn n(cell: &str, v: &str, style: u8) -> String {
        format!(r#"<c r="{cell}" s="{style}"><v>{v}</v></c>"#)
    }

    fn actes_sheet() -> String {
        [
            // Header on row 2, from column B.
            format!(
                r#"<row r="2">{}{}{}{}{}</row>"#,
                s("B2", " nom "),
                s("C2", "n"),
                s("E2", "date"),
                s("F2", "quand"),
                s("G2", "ok")
            ),
            format!(
                r#"<row r="3">{}{}{}{}{}{}</row>"#,
                s("B3", "Dupont"),
                n("C3", "38185", 0),
                n("D3", "3.25", 0),
                n("E3", "45306", 1),
                n("F3", "45306.5", 2),
                r#"<c r="G3" t="b"><v>1</v></c>"#
            ),
            r#"<row r="4"><c r="B4" t="e"><v>#N/A</v></c></row>"#.to_string(),
            format!(
                r#"<row r="5">{}{}{}</row>"#,
                s("B5", "Martin"),
                r#"<c r="C5" t="e"><v>#N/A</v></c>"#,
                s("H5", "hors")
            ),
        ]
        .concat()
    }

    #[test]
    fn xlsx_rows_values_and_positions() {
        let book = xlsx(&[("Actes", &actes_sheet())]);
        let (c, r) = run(ReaderKind::Xlsx, &ReaderOptions::default(), &book);
        let facts = r.unwrap();
        assert_eq!(facts.sheets, vec!["Actes".to_string()]);
        assert_eq!(facts.ragged_rows, 1, "a value past the header");
        assert_eq!(c.rows.len(), 2, "the row with only an error is skipped");
        let (pos, row) = &c.rows[0];
        assert_eq!((pos.sheet.as_deref(), pos.row, pos.record), (Some("Actes"), 3, 1));
        assert_eq!(get(row, "nom"), Some("Dupont"));
        assert_eq!(get(row, "n"), Some("38185"));
        assert_eq!(get(row, "4"), Some("3.25"), "an empty header cell is named by its column");
        assert_eq!(get(row, "date"), Some("2024-01-15"));
        assert_eq!(get(row, "quand"), Some("2024-01-15T12:00:00"));
        assert_eq!(get(row, "ok"), Some("true"));
        let (pos, row) = &c.rows[1];
        assert_eq!((pos.row, pos.record), (5, 2));
        assert_eq!(get(row, "n"), None, "errors are absent");
        assert_eq!(row.len(), 1, "the value past the header is dropped");
    }

    #[test]
    fn sheet_selection_and_numbering_across_sheets() {
        let a = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, s("A1", "k"), s("A2", "a1"));
        let b = format!(
            r#"<row r="1">{}</row><row r="2">{}</row><row r="3">{}</row>"#,
            s("A1", "k"),
            s("A2", "b1"),
            s("A3", "b2")
        );
        let book = xlsx(&[("Naissances", &a), ("Deces", &b)]);
        // No sheet named like the dataset: every sheet, numbering on.
        let (c, r) = run(ReaderKind::Xlsx, &ReaderOptions::default(), &book);
        assert_eq!(r.unwrap().sheets, vec!["Naissances".to_string(), "Deces".to_string()]);
        let seen: Vec<_> =
            c.rows.iter().map(|(p, v)| (p.sheet.clone().unwrap(), p.row, p.record, v[0].1.clone())).collect();
        assert_eq!(
            seen,
            vec![
                ("Naissances".into(), 2, 1, "a1".into()),
                ("Deces".into(), 2, 2, "b1".into()),
                ("Deces".into(), 3, 3, "b2".into())
            ]
        );
        // The sheet named like the dataset, ignoring case.
        let mut c = Collected::default();
        let facts =
            super::super::read(ReaderKind::Xlsx, &ReaderOptions::default(), "DECES", &mut &book[..], &mut c);
        assert_eq!(facts.unwrap().sheets, vec!["Deces".to_string()]);
        assert_eq!(c.rows.len(), 2);
        // Sheets named by the profile.
        let named = ReaderOptions { sheets: vec!["Naissances".into()], ..Default::default() };
        let (c, r) = run(ReaderKind::Xlsx, &named, &book);
        r.unwrap();
        assert_eq!(c.rows.len(), 1);
        let missing = ReaderOptions { sheets: vec!["Mariages".into()], ..Default::default() };
        let (c, r) = run(ReaderKind::Xlsx, &missing, &book);
        assert_eq!(r.unwrap_err().kind, "structure");
        assert!(c.rows.is_empty());
    }

    #[test]
    fn headerless_sheets_number_columns() {
        let data =
            format!(r#"<row r="1">{}{}</row><row r="2">{}</row>"#, s("A1", "x"), s("C1", "y"), s("B2", "z"));
        let book = xlsx(&[("F", &data)]);
        let opts = ReaderOptions { header: Some(false), ..Default::default() };
        let (c, r) = run(ReaderKind::Xlsx, &opts, &book);
        r.unwrap();
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].0.row, 1);
        assert_eq!(get(&c.rows[0].1, "1"), Some("x"));
        assert_eq!(get(&c.rows[0].1, "3"), Some("y"));
        assert_eq!(get(&c.rows[1].1, "2"), Some("z"));
    }

    #[test]
    fn sink_can_stop_early() {
        struct First(u64);
        impl RecordSink for First {
            fn record(&mut self, _: &Columns, r: &RawRecord) -> bool {
                self.0 += 1;
                r.position.record < 1
            }
        }
        let book = xlsx(&[("Actes", &actes_sheet()), ("Autre", &actes_sheet())]);
        let mut first = First(0);
        let facts =
            read(ReaderKind::Xlsx, &ReaderOptions::default(), "x", &mut &book[..], &mut first).unwrap();
        assert_eq!(first.0, 1);
        assert_eq!(facts.sheets, vec!["Actes".to_string()]);
    }

    fn ods(content_rows: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Actes">{content_rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        zip(&[
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet".to_string()),
            (
                "META-INF/manifest.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_string(),
            ),
            ("content.xml", content),
        ])
    }

    fn os(text: &str) -> String {
        format!(r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#)
    }

    #[test]
    fn a_huge_shared_string_table_is_refused() {
        let table = format!("<sst>{}</sst>", "<si><t>a</t></si>".repeat(100));
        let book = zip(&[("xl/sharedStrings.xml", table)]);
        assert_eq!(check_shared_strings(&book, 1 << 20), Ok(()));
        assert_eq!(check_shared_strings(&book, 1000).unwrap_err().kind, "limit");
        assert_eq!(check_shared_strings(&xlsx(&[("Actes", "")]), 0), Ok(()), "no table, nothing to refuse");
    }

    /// A few bytes that repeat a row and a cell into millions of cells are refused before
    /// `calamine` expands them; trailing empty repeats (as LibreOffice writes) are not counted.
    #[test]
    fn ods_repeats_are_bounded_before_expansion() {
        let cell = |n: u64| {
            format!(
                r#"<table:table-cell table:number-columns-repeated="{n}" office:value-type="string"><text:p>x</text:p></table:table-cell>"#
            )
        };
        let trailing = r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        let row = |rows: u64, cols: u64| {
            format!(
                r#"<table:table-row table:number-rows-repeated="{rows}">{}</table:table-row>"#,
                cell(cols)
            )
        };
        let small = ods(&format!("{}{trailing}", row(10, 2)));
        assert_eq!(check_ods_extent(&small, 20), Ok(()));
        assert!(check_ods_extent(&small, 19).is_err());
        let bomb = ods(&format!("{}{trailing}", row(999_999, 99)));
        let (records, result) = run(ReaderKind::Ods, &ReaderOptions::default(), &bomb);
        assert!(records.rows.is_empty());
        assert_eq!(result.unwrap_err().kind, "limit");
    }

    #[test]
    fn ods_rows_values_and_positions() {
        let rows = [
            r#"<table:table-row><table:table-cell/></table:table-row>"#.to_string(),
            format!("<table:table-row><table:table-cell/>{}{}{}{}{}</table:table-row>", os("nom"), os("n"), os("date"), os("heure"), os("ok")),
            format!(
                r#"<table:table-row><table:table-cell/>{}<table:table-cell office:value-type="float" office:value="38185"/><table:table-cell office:value-type="date" office:date-value="2024-01-15T00:00:00"/><table:table-cell office:value-type="time" office:time-value="PT10H30M05S"/><table:table-cell office:value-type="boolean" office:boolean-value="false"/></table:table-row>"#,
                os("Dupont")
            ),
            r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1000"/></table:table-row>"#.to_string(),
            format!(
                r#"<table:table-row><table:table-cell/>{}<table:table-cell office:value-type="float" office:value="0.1"/><table:table-cell office:value-type="date" office:date-value="2024-01-15T08:05:00"/></table:table-row>"#,
                os("Zoé &amp; Léa")
            ),
        ]
        .concat();
        let (c, r) = run(ReaderKind::Ods, &ReaderOptions::default(), &ods(&rows));
        assert_eq!(r.unwrap().sheets, vec!["Actes".to_string()]);
        assert_eq!(c.rows.len(), 2);
        let (pos, row) = &c.rows[0];
        assert_eq!((pos.sheet.as_deref(), pos.row, pos.record), (Some("Actes"), 3, 1));
        assert_eq!(get(row, "nom"), Some("Dupont"));
        assert_eq!(get(row, "n"), Some("38185"));
        assert_eq!(get(row, "date"), Some("2024-01-15"));
        assert_eq!(get(row, "heure"), Some("10:30:05"));
        assert_eq!(get(row, "ok"), Some("false"));
        let (pos, row) = &c.rows[1];
        assert_eq!((pos.row, pos.record), (7, 2));
        assert_eq!(get(row, "nom"), Some("Zoé & Léa"));
        assert_eq!(get(row, "n"), Some("0.1"));
        assert_eq!(get(row, "date"), Some("2024-01-15T08:05:00"));
    }

    #[test]
    fn malformed_workbooks_are_structure_errors() {
        let book = xlsx(&[("Actes", &actes_sheet())]);
        let broken_sheet = xlsx(&[(
            "Actes",
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="2"><c r="A2"#,
        )]);
        let cases: Vec<(ReaderKind, Vec<u8>)> = vec![
            (ReaderKind::Xlsx, b"not a zip at all".to_vec()),
            (ReaderKind::Xlsx, book[..book.len() / 2].to_vec()),
            (ReaderKind::Xlsx, zip(&[("hello.txt", "hi".into())])),
            (ReaderKind::Xlsx, broken_sheet),
            (ReaderKind::Ods, b"PK\x03\x04garbage".to_vec()),
            (
                ReaderKind::Ods,
                ods(
                    "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"abc\"/></table:table-row>",
                ),
            ),
            (ReaderKind::Ods, zip(&[("mimetype", "application/vnd.oasis.opendocument.text".into())])),
            (ReaderKind::Xls, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 truncated".to_vec()),
            (ReaderKind::Xls, Vec::new()),
        ];
        for (kind, bytes) in cases {
            let (_, r) = run(kind, &ReaderOptions::default(), &bytes);
            let e = r.unwrap_err();
            assert_eq!(e.kind, "structure", "{e} for {kind:?}");
        }
    }

    #[test]
    fn input_and_cells_are_bounded() {
        // A zip declaring a part of nearly 4 GiB is refused before calamine inflates anything.
        let mut bomb = zip(&[("xl/sharedStrings.xml", "x".into())]);
        let central = bomb.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bomb[central + 24..central + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
        let (_, r) = run(ReaderKind::Xlsx, &ReaderOptions::default(), &bomb);
        assert_eq!(r.unwrap_err().kind, "limit");
        assert!(check_unpacked(&xlsx(&[("A", "")]), MAX_UNPACKED).is_ok());
        let e = buffer(&mut &[0u8; 100][..], 99).unwrap_err();
        assert_eq!(e.kind, "limit");
        assert_eq!(buffer(&mut &[0u8; 100][..], 100).unwrap().len(), 100);
        let huge = "x".repeat(MAX_VALUE + 1);
        let data = format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, s("A1", "k"), s("A2", &huge));
        let book = xlsx(&[("H", &data)]);
        let (c, r) = run(ReaderKind::Xlsx, &ReaderOptions::default(), &book);
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.row), ("limit", 2));
        assert!(c.rows.is_empty());
        // A sparse sheet spanning the whole grid is streamed, not allocated.
        let sparse =
            format!(r#"<row r="1">{}</row><row r="1048576">{}</row>"#, s("A1", "k"), s("XFD1048576", "far"));
        let (c, r) = run(ReaderKind::Xlsx, &ReaderOptions::default(), &xlsx(&[("S", &sparse)]));
        assert_eq!(r.unwrap().ragged_rows, 1);
        assert_eq!(c.rows[0].0.row, 1_048_576);
    }

    #[test]
    fn value_formatting() {
        let text = |v: Value<'_>| {
            let mut s = String::new();
            v.write(&mut s);
            s
        };
        assert_eq!(text(Value::Float(38185.0)), "38185");
        assert_eq!(text(Value::Float(-0.0)), "0");
        assert_eq!(text(Value::Float(0.1)), "0.1");
        assert_eq!(text(Value::Float(1e21)), "1000000000000000000000");
        assert_eq!(text(Value::Float(f64::NAN)), "");
        assert_eq!(text(Value::Int(-7)), "-7");
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        assert_eq!(text(Value::DateTime(ExcelDateTime::new(45306.0, DateTime, false))), "2024-01-15");
        assert_eq!(text(Value::DateTime(ExcelDateTime::new(0.75, DateTime, false))), "18:00:00");
        assert_eq!(text(Value::DateTime(ExcelDateTime::new(1.5, TimeDelta, false))), "36:00:00");
        assert_eq!(text(Value::DateTime(ExcelDateTime::new(-3.0, DateTime, false))), "-3");
        assert_eq!(text(Value::DateTime(ExcelDateTime::new(f64::INFINITY, DateTime, false))), "");
        assert_eq!(text(Value::DateIso("2024-01-15")), "2024-01-15");
        assert_eq!(text(Value::DateIso("2024-01-15T00:00:00.000")), "2024-01-15");
        assert_eq!(text(Value::DurationIso("P1DT2H3M4.4S")), "26:03:04");
        assert_eq!(text(Value::DurationIso("PTxS")), "PTxS");
        assert_eq!(text(Value::Absent), "");
    }
}
