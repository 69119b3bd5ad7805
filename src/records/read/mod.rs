//! Readers: each turns one file's bytes, as they flow, into raw records — values by source
//! column, with the position of each record (row or line, sheet, record number).
//!
//! A reader never sees the archive: it gets a `Read` over the entry's bytes (already hashed on
//! the way by the inventory) and the [`ReaderOptions`] of the profile mapping that selected the
//! file. Every reader streams, except the spreadsheet reader for ODS/XLS (calamine loads those
//! whole; the entry is bounded by [`MAX_SHEET_BYTES`]).
//!
//! Values are never logged or put in errors: a [`ReadError`] carries a position and a reason.

pub mod csv;
pub mod fixed;
pub mod json;
pub mod sheet;
pub mod xml;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;

/// Which reader a mapping uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReaderKind {
    /// Delimited text (CSV, TSV): delimiter and quoting sniffed unless given.
    Csv,
    /// Office Open XML workbook, every sheet that maps.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// Excel 97–2003 workbook.
    Xls,
    /// An XML stream of record elements.
    Xml,
    /// A JSON array of objects (or an object holding one).
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Fixed-width text, positions by character.
    Fixed,
}

impl ReaderKind {
    /// The name used in profiles and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderKind::Csv => "csv",
            ReaderKind::Xlsx => "xlsx",
            ReaderKind::Ods => "ods",
            ReaderKind::Xls => "xls",
            ReaderKind::Xml => "xml",
            ReaderKind::Json => "json",
            ReaderKind::Ndjson => "ndjson",
            ReaderKind::Fixed => "fixed",
        }
    }

    /// The reader a file name suggests (`actes.csv` → CSV), for profiles that do not name one.
    pub fn from_path(path: &str) -> Option<ReaderKind> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "tab" => ReaderKind::Csv,
            "xlsx" | "xlsm" => ReaderKind::Xlsx,
            "ods" => ReaderKind::Ods,
            "xls" => ReaderKind::Xls,
            "xml" => ReaderKind::Xml,
            "json" => ReaderKind::Json,
            "ndjson" | "jsonl" => ReaderKind::Ndjson,
            _ => return None,
        })
    }
}

/// Text encodings a profile may name for text readers (CSV, fixed width).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 (a BOM is skipped) when valid; otherwise Windows-1252, which also decodes
    /// ISO-8859-15 text except its eight differing letters.
    #[default]
    Auto,
    /// UTF-8; invalid bytes are errors.
    Utf8,
    /// Windows-1252.
    Windows1252,
    /// ISO-8859-15 (Latin-9).
    Iso885915,
}

/// A fixed-width column: 1-based first character and length, in characters (not bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedColumn {
    /// Column name, used by the field mapping.
    pub name: String,
    /// First character, 1-based.
    pub start: usize,
    /// Length in characters.
    pub length: usize,
}

/// Reader options, as written in a profile mapping's `[options]` table. Every option is
/// optional; those that do not apply to the reader are refused when the profile is compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReaderOptions {
    /// CSV: the delimiter, one character (sniffed among `,` `;` tab `|` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// CSV: the quote character (default `"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<char>,
    /// CSV, fixed: the text encoding (default `auto`).
    #[serde(default)]
    pub encoding: TextEncoding,
    /// CSV, sheets: whether the first row holds the column names (default true). Without a
    /// header, columns are named `1`, `2`… (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
    /// Sheets: the sheet names to read (default: the sheet named like the dataset, else every
    /// sheet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// XML: the path of the record elements from the root, `/`-separated local names, e.g.
    /// `export/actes/acte` (default: the children of the root element).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_path: Option<String>,
    /// JSON: the key of the array of records when the file is an object (default: the file
    /// is the array itself, or an object with a single array member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_key: Option<String>,
    /// Fixed width: the columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<FixedColumn>,
    /// Fixed width: lines shorter than this many characters are padded with spaces (default:
    /// the end of the last column); longer lines are read by position, the rest ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_length: Option<usize>,
}

/// Where a record is in its file.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    /// Sheet name (spreadsheets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based line where the record starts (text formats) or row number (sheets); for JSON
    /// arrays and XML, the line where the record starts.
    pub row: u64,
    /// 1-based record number in the file (header excluded).
    pub record: u64,
}

/// The column names a reader has seen so far; readers of self-describing formats (JSON, XML)
/// add names as they meet them, so an index never changes once given.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    /// Columns from a header.
    pub fn from_names(names: impl IntoIterator<Item = String>) -> Self {
        let mut c = Columns::default();
        for n in names {
            c.push(n);
        }
        c
    }

    /// Adds a name (a repeated name gets its own index; lookups find the first).
    pub fn push(&mut self, name: String) -> usize {
        let i = self.names.len();
        self.index.entry(name.clone()).or_insert(i);
        self.names.push(name);
        i
    }

    /// The index of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> usize {
        match self.index.get(name) {
            Some(&i) => i,
            None => self.push(name.to_string()),
        }
    }

    /// The index of `name`.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// All names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One raw record: values by column index (see [`Columns`]), `None` where the record has no
/// such column. Readers reuse it: [`RawRecord::clear`] keeps the allocations.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    /// Where it is.
    pub position: Position,
    /// Values by column index.
    pub values: Vec<Option<String>>,
    /// How many values the record had in its source (CSV: fields on the line), to report
    /// ragged rows.
    pub width: usize,
}

impl RawRecord {
    /// Empties the values, keeping their allocations for reuse.
    pub fn clear(&mut self) {
        for v in &mut self.values {
            *v = None;
        }
        self.width = 0;
    }

    /// Sets the value of column `i`, growing the record as needed.
    pub fn set(&mut self, i: usize, value: &str) {
        if self.values.len() <= i {
            self.values.resize(i + 1, None);
        }
        match &mut self.values[i] {
            Some(s) => {
                s.clear();
                s.push_str(value);
            }
            slot => *slot = Some(value.to_string()),
        }
    }

    /// Makes this record a copy of `o`, reusing this one's allocations (batches keep their
    /// records from one batch to the next).
    pub fn copy_from(&mut self, o: &RawRecord) {
        self.position.sheet.clone_from(&o.position.sheet);
        self.position.row = o.position.row;
        self.position.record = o.position.record;
        self.values.clone_from(&o.values);
        self.width = o.width;
    }

    /// The value of column `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.values.get(i).and_then(|v| v.as_deref())
    }
}

/// Why a file's records could not be read (to its end).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at record {record}, row {row}: {reason}")]
pub struct ReadError {
    /// What went wrong, a short stable name: `syntax`, `encoding`, `io`, `structure` (faults of the
    /// file), `limit` (a safety limit of reversa) or `unsupported` (a variant reversa does not read).
    pub kind: &'static str,
    /// 1-based row or line where reading stopped (0 when unknown).
    pub row: u64,
    /// Records read before it.
    pub record: u64,
    /// A reason that names no value from the file (e.g. "unclosed quote", "unexpected end").
    pub reason: String,
}

impl ReadError {
    /// A new error.
    pub fn new(kind: &'static str, row: u64, record: u64, reason: impl Into<String>) -> Self {
        ReadError { kind, row, record, reason: reason.into() }
    }
}

/// What a reader tells about the file as a whole once it is read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceFacts {
    /// The encoding the text was decoded from (`utf-8`, `utf-8-bom`, `windows-1252`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// The CSV delimiter used (sniffed or given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Sheets read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// Records whose field count differs from the header's (CSV).
    pub ragged_rows: u64,
}

/// Receives each record a reader produces. Returning `false` stops reading.
pub trait RecordSink {
    /// A record; `columns` holds every column name seen so far.
    fn record(&mut self, columns: &Columns, record: &RawRecord) -> bool;
}

/// Reads `input` with the reader `kind`, handing every record to `sink`. `dataset` is the
/// dataset name (sheet selection defaults to it). Returns the file facts, or the error that
/// stopped reading (records already handed over stay handed over).
pub fn read(
    kind: ReaderKind,
    options: &ReaderOptions,
    dataset: &str,
    input: &mut dyn Read,
    sink: &mut dyn RecordSink,
) -> Result<SourceFacts, ReadError> {
    match kind {
        ReaderKind::Csv => csv::read(options, input, sink),
        ReaderKind::Xlsx | ReaderKind::Ods | ReaderKind::Xls => {
            sheet::read(kind, options, dataset, input, sink)
        }
        ReaderKind::Xml => xml::read(options, input, sink),
        ReaderKind::Json => json::read_array(options, input, sink),
        ReaderKind::Ndjson => json::read_lines(options, input, sink),
        ReaderKind::Fixed => fixed::read(options, input, sink),
    }
}

/// Read buffer size of the text readers.
pub(crate) const CHUNK: usize = 64 * 1024;
/// The UTF-8 byte order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Largest spreadsheet entry buffered in memory for calamine (which needs `Read + Seek`).
pub const MAX_SHEET_BYTES: u64 = 256 * 1024 * 1024;

/// Test helper: collects records as `(position, column name → value)`.
#[cfg(test)]
pub(crate) mod collect {
    use super::*;

    /// Everything a reader produced.
    #[derive(Default, Debug)]
    pub struct Collected {
        pub rows: Vec<(Position, Vec<(String, String)>)>,
    }

    impl RecordSink for Collected {
        fn record(&mut self, columns: &Columns, record: &RawRecord) -> bool {
            let fields = record
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some((columns.names()[i].clone(), v.clone()?)))
                .collect();
            self.rows.push((record.position.clone(), fields));
            true
        }
    }

    /// The value of column `k` in a collected row.
    pub fn get<'a>(row: &'a [(String, String)], k: &str) -> Option<&'a str> {
        row.iter().find(|(c, _)| c == k).map(|(_, v)| v.as_str())
    }

    /// Runs a reader over bytes.
    pub fn run(
        kind: ReaderKind,
        options: &ReaderOptions,
        bytes: &[u8],
    ) -> (Collected, Result<SourceFacts, ReadError>) {
        let mut c = Collected::default();
        let r = read(kind, options, "test", &mut &bytes[..], &mut c);
        (c, r)
    }
}
