//! Format identification by content (magic bytes, zip directory, PDF/A marker) and, for text,
//! by name: each format with its PRONOM id and its openness class.
//!
//! [`Sniffer`] sees every chunk of an entry once, with bounded memory whatever the size:
//!
//! - the first 64 KiB (the *head*, DROID's default scan window) are kept: magic numbers, the
//!   PDF header, a zip's first local headers (an ODF `mimetype` entry, stored first, is read
//!   there), the wildcard parts of PRONOM's BOF signatures (the Exif version tag, PNG chunk
//!   names, RTF control words), text sniffing;
//! - after the first 1 KiB it knows what else to watch in the rest of the stream:
//!   - a **zip** keeps a rolling copy of its last 64 KiB (the *tail*), where the End Of Central
//!     Directory record and the central directory's file names tell OOXML (`xl/`, `word/`,
//!     `ppt/` with `[Content_Types].xml`) from plain ZIP; when the central directory does not fit
//!     in the tail, the names of the local headers in the head and of the central headers that
//!     are in the tail are used instead;
//!   - a **PDF** is searched (`memchr::memmem`, with an overlap carried between chunks) for the
//!     PDF/A identification as PRONOM's signatures match it: the `pdfaid` namespace declaration,
//!     then `pdfaid:part` and `pdfaid:conformance` (`="X"`, `='X'` or `>X</…>`, no whitespace)
//!     within 120 bytes of each other (PDF/A-1 to -3, header `%PDF-1.0`…`1.7` in the first 144
//!     bytes), or `<pdfaid:part>4</pdfaid:part>` (PDF/A-4, header `%PDF-2.x` at offset 0); its
//!     last 1 KiB is kept, where a plain PDF's `%%EOF` must be;
//!   - a **JPEG**, **PNG** or **GIF** keeps its last bytes, for the end marker PRONOM's
//!     signatures ask for (EOI `FF D9` within 16000, 65536 or 131072 bytes of the end, `IEND`
//!     at the end, the trailer `;`); a file whose header matches but whose end marker is not
//!     there keeps its name and openness but gets no PRONOM id, with the note
//!     [`NOTE_NO_PUID`];
//!   - an **ODF** package (a stored `mimetype` entry first) is searched for the local header of
//!     `content.xml`, whose first 8 KiB of compressed data are inflated (at most 32 KiB out) to
//!     read `office:version`: PRONOM tells ODF 1.0–1.3 by it, and takes a package without it
//!     (or with a later version) for 1.1; the format's name stays `ODS`, `ODT`…;
//!   - an **OLE2** compound file is searched for its directory entry names (UTF-16LE, at offsets
//!     that are multiples of 128): `Workbook` (Excel), `WordDocument` (Word),
//!     `PowerPoint Document` (PowerPoint), `EncryptedPackage` (an encrypted Office 2007+ file),
//!     `__properties_version1.0` with `__nameid_version1.0` (an Outlook message, whatever it
//!     carries attached);
//! - text formats (XML, JSON, HTML, CSV…) are told from the head and the name, and only when
//!   the [`Encoding`] found by the text probe is text (a UTF-16 head is read through its low
//!   bytes), in this order: `{\rtf` is RTF; the names `*.ndjson`/`*.jsonl` are NDJSON,
//!   `*.json`/`*.geojson` JSON, `*.csv` CSV, `*.tsv`/`*.tab` TSV; then, after a BOM and
//!   whitespace, `<!DOCTYPE html` or `<html` (or `<` in a `*.html`/`*.htm`) is HTML, `<?xml` (or
//!   `<` and a letter in a `*.xml`, `*.svg`, `*.gml`, `*.kml`… file) XML, `{"`, `{}` or `[`
//!   followed by the start of a JSON value JSON (so that an INI `[section]` is not); any other
//!   text is plain text. A text name on binary content is "unknown".
//!
//! Magic numbers: PNG (version from the chunks: `iTXt` 1.2, `iCCP`/`sPLT`/`sRGB` 1.1, else 1.0),
//! JPEG (APP0 `JFIF` 1.00–1.02 at offset 2 → JFIF; APP1 `Exif` at offset 2 with an ExifVersion
//! tag → Exif 2.0–2.3x; else raw), TIFF (`II*\0`, `MM\0*`), BigTIFF, BMP 3.0–5.0, JP2, GIF,
//! ESRI shapefile main and index files (file code 9994), gzip, bzip2, xz, zstd, 7z, RAR (4 and 5),
//! tar (`ustar` at 257, or a valid v7 header checksum),
//! SQLite, Microsoft Access (`Standard Jet DB`, `Standard ACE DB`), dBASE (a `*.dbf` name and
//! a plausible header). For OLE2, a `.xls`/`.doc`/`.ppt` name wins over the directory names
//! (embedded objects bring their own `Workbook` or `WordDocument`); without it, the first
//! entry found wins.
//!
//! ## Openness
//!
//! "Open" means an open, documented standard that anyone may implement without royalty;
//! "proprietary" a format controlled by one vendor, or undocumented; "unknown" that nothing
//! could be classified.
//!
//! | Format | PRONOM | Openness | Why |
//! |---|---|---|---|
//! | PDF 1.0–1.7, 2.0 | fmt/14–fmt/20, fmt/276, fmt/1129 | open | ISO 32000-1 (PDF 1.7) and ISO 32000-2 (PDF 2.0); earlier versions are published by Adobe |
//! | PDF/A-1a, -1b | fmt/95, fmt/354 | open | ISO 19005-1, the ISO profile of PDF for long-term archiving |
//! | PDF/A-2a, -2b, -2u; -3a, -3b, -3u | fmt/476, fmt/477, fmt/478; fmt/479, fmt/480, fmt/481 | open | ISO 19005-2, ISO 19005-3 |
//! | PDF/A-4, -4e, -4f | fmt/1910, fmt/1911, fmt/1912 | open | ISO 19005-4 (on PDF 2.0) |
//! | ODT 1.0, 1.1, 1.2, 1.3 | fmt/136, fmt/290, fmt/291, fmt/1756 | open | ISO/IEC 26300 (OASIS ODF); RGI v2 "recommandé" |
//! | ODS 1.0, 1.1, 1.2, 1.3 | fmt/137, fmt/294, fmt/295, fmt/1755 | open | same |
//! | ODP 1.0, 1.1, 1.2, 1.3 | fmt/138, fmt/292, fmt/293, fmt/1754 | open | same |
//! | ODG 1.0, 1.1, 1.2, 1.3 | fmt/139, fmt/296, fmt/297, fmt/1753 | open | same |
//! | XLSX, DOCX, PPTX (OOXML) | fmt/214, fmt/412, fmt/215 | open, with note "RGI v2 : en observation" | ISO/IEC 29500, but the RGI v2 classes OOXML "en observation", not "recommandé" |
//! | XLSM, DOCM, PPTM (macro-enabled OOXML) | fmt/445, fmt/523, fmt/487 | open, with note "RGI v2 : en observation" | OOXML parts as above (told by a `vbaProject.bin` part, or a macro-enabled main content type in a `[Content_Types].xml` at the start); the VBA project itself is a Microsoft binary ([MS-OVBA]) |
//! | XLSB | fmt/595 | proprietary | binary Excel format, published by Microsoft only ([MS-XLSB]), not standardised |
//! | EPUB | fmt/483 | open | W3C EPUB 3 / ISO/IEC TS 30135 |
//! | CSV | x-fmt/18 | open | RFC 4180 |
//! | TSV | x-fmt/13 | open | IANA `text/tab-separated-values` registration |
//! | Plain text | x-fmt/111 | open | characters only, no structure to implement |
//! | XML | fmt/101 | open | W3C XML 1.0 Recommendation |
//! | JSON | fmt/817 | open | RFC 8259 / ECMA-404 |
//! | NDJSON / JSON Lines | — | open | public specification: one RFC 8259 JSON text per line |
//! | HTML | fmt/471 (HTML 5), fmt/96 | open | WHATWG / W3C HTML standard |
//! | RTF 1.0–1.4, 1.5–1.6, 1.7, 1.8, 1.9 | fmt/45, fmt/50, fmt/52, fmt/53, fmt/355 | proprietary | Microsoft specification, frozen since 2008, never standardised |
//! | PNG 1.0, 1.1, 1.2 | fmt/11, fmt/12, fmt/13 | open | ISO/IEC 15948, W3C Recommendation |
//! | JPEG: JFIF 1.00, 1.01, 1.02 | fmt/42, fmt/43, fmt/44 | open | ISO/IEC 10918-1, JFIF: ISO/IEC 10918-5 |
//! | JPEG: Exif 2.0, 2.1, 2.2, 2.21, 2.3x | x-fmt/398, x-fmt/390, x-fmt/391, fmt/645, fmt/1507 | open | ISO/IEC 10918-1; Exif: public JEITA/CIPA specification |
//! | JPEG (raw stream) | fmt/41 | open | ISO/IEC 10918-1 |
//! | JPEG 2000 (JP2) | x-fmt/392 | open | ISO/IEC 15444-1 |
//! | TIFF, BigTIFF | fmt/353, fmt/1917 | open | public TIFF 6.0 specification; ISO 12639 (TIFF/IT) and ISO 12234-2 (TIFF/EP); BigTIFF: public extension |
//! | GIF 87a, 89a | fmt/3, fmt/4 | open | public CompuServe specification; the LZW patents expired in 2004 |
//! | BMP 3.0, 4.0, 5.0 | fmt/116, fmt/118, fmt/119 | proprietary | Microsoft format, specification published by the vendor only |
//! | ESRI Shapefile (`.shp`) | x-fmt/235 | open | ESRI Shapefile Technical Description, public and free to implement |
//! | ESRI Shapefile index (`.shx`), projection (`.prj`, WKT) | — | open | same description; WKT: OGC / ISO 19162 |
//! | ZIP | x-fmt/263 | open | public PKWARE APPNOTE; ISO/IEC 21320-1 |
//! | gzip | x-fmt/266 | open | RFC 1952 |
//! | bzip2 | x-fmt/268 | open | documented format with a free reference implementation |
//! | xz | — | open | public `.xz` file format specification (Tukaani) |
//! | zstd | — | open | RFC 8878 (Zstandard) |
//! | tar | x-fmt/265 | open | POSIX.1 (IEEE 1003.1) `ustar` interchange format |
//! | 7z | fmt/484 | open | public 7z format specification, free (LGPL) reference implementation |
//! | SQLite 3 | fmt/729 | open | public-domain, fully documented file format, recommended for archiving by the Library of Congress |
//! | RAR (1.5–4.x, 5) | x-fmt/264, fmt/411, fmt/613 | proprietary | RARLAB format: the compressor is licensed, no free encoder |
//! | XLS, DOC, PPT (97–2003) | fmt/61, fmt/40, fmt/126 | proprietary | Microsoft binary formats, specification published by the vendor only |
//! | Outlook message (MSG) | x-fmt/430 | proprietary | Microsoft format (OLE2 with `__properties_version1.0` and `__nameid_version1.0`) |
//! | Other OLE2 compound file | — | proprietary | Microsoft container (`.msi`, old Office…) |
//! | Encrypted Office document | fmt/494 | proprietary | OLE2-wrapped encrypted OOXML: unreadable without the password |
//! | Microsoft Access (MDB, ACCDB) | x-fmt/239, x-fmt/240, fmt/275 | proprietary | undocumented Microsoft Jet / ACE database format |
//! | dBASE (DBF) | x-fmt/8, x-fmt/9, x-fmt/10, x-fmt/271, fmt/373, fmt/374 | proprietary | de facto vendor format (dBASE, FoxPro), never standardised |
//! | empty file, unknown | — | unknown | nothing to classify |

use super::encoding::Encoding;
use memchr::memmem;
use serde::Serialize;

/// Whether a format is an open standard, from the documented table in this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Openness {
    /// An open, documented, freely implementable standard.
    Open,
    /// A proprietary format.
    Proprietary,
    /// Not identified, or no classification.
    Unknown,
}

impl Openness {
    /// The class's label: `open`, `proprietary` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Openness::Open => "open",
            Openness::Proprietary => "proprietary",
            Openness::Unknown => "unknown",
        }
    }
}

/// The note attached to OOXML formats (XLSX, DOCX, PPTX).
pub const NOTE_OOXML: &str = "RGI v2 : en observation";

/// An identified format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Format {
    /// Human-readable name, e.g. `PDF/A-1b`.
    pub name: &'static str,
    /// PRONOM unique identifier, e.g. `fmt/354`, when one exists.
    pub puid: Option<&'static str>,
    /// MIME type.
    pub mime: &'static str,
    /// Openness class.
    pub openness: Openness,
    /// A remark on the classification, e.g. [`NOTE_OOXML`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
    /// The format is an archive (zip, tar, gzip, 7z, rar…): listed, never opened.
    #[serde(skip)]
    pub archive: bool,
}

/// Shorthand for the formats of this module.
const fn fmt(
    name: &'static str,
    puid: Option<&'static str>,
    mime: &'static str,
    openness: Openness,
) -> Format {
    Format { name, puid, mime, openness, note: None, archive: false }
}

/// Shorthand for an archive format.
const fn archive(
    name: &'static str,
    puid: Option<&'static str>,
    mime: &'static str,
    openness: Openness,
) -> Format {
    Format { name, puid, mime, openness, note: None, archive: true }
}

use Openness::{Open, Proprietary, Unknown};

const EMPTY: Format = fmt("empty", None, "application/x-empty", Unknown);
const UNKNOWN: Format = fmt("unknown", None, "application/octet-stream", Unknown);
const ZIP: Format = archive("ZIP", Some("x-fmt/263"), "application/zip", Open);
const GZIP: Format = archive("gzip", Some("x-fmt/266"), "application/gzip", Open);
const BZIP2: Format = archive("bzip2", Some("x-fmt/268"), "application/x-bzip2", Open);
const XZ: Format = archive("xz", None, "application/x-xz", Open);
const ZSTD: Format = archive("zstd", None, "application/zstd", Open);
const TAR: Format = archive("tar", Some("x-fmt/265"), "application/x-tar", Open);
const SEVEN_Z: Format = archive("7z", Some("fmt/484"), "application/x-7z-compressed", Open);
const RAR2: Format = archive("RAR", Some("x-fmt/264"), "application/vnd.rar", Proprietary);
const RAR4: Format = archive("RAR", Some("fmt/411"), "application/vnd.rar", Proprietary);
const RAR5: Format = archive("RAR 5", Some("fmt/613"), "application/vnd.rar", Proprietary);
const XLSX: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt("XLSX", Some("fmt/214"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Open)
};
const DOCX: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt(
        "DOCX",
        Some("fmt/412"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Open,
    )
};
const PPTX: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt(
        "PPTX",
        Some("fmt/215"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Open,
    )
};
/// Macro-enabled OOXML (PRONOM's container signatures: the macro-enabled main content type):
/// OOXML parts, plus a VBA project whose binary format Microsoft alone publishes ([MS-OVBA]).
const XLSM: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt("XLSM", Some("fmt/445"), "application/vnd.ms-excel.sheet.macroenabled.12", Open)
};
const DOCM: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt("DOCM", Some("fmt/523"), "application/vnd.ms-word.document.macroenabled.12", Open)
};
const PPTM: Format = Format {
    note: Some(NOTE_OOXML),
    ..fmt("PPTM", Some("fmt/487"), "application/vnd.ms-powerpoint.presentation.macroenabled.12", Open)
};
const XLSB: Format =
    fmt("XLSB", Some("fmt/595"), "application/vnd.ms-excel.sheet.binary.macroenabled.12", Proprietary);
const ODS: Format = fmt("ODS", Some("fmt/295"), "application/vnd.oasis.opendocument.spreadsheet", Open);
const ODT: Format = fmt("ODT", Some("fmt/291"), "application/vnd.oasis.opendocument.text", Open);
const ODP: Format = fmt("ODP", Some("fmt/293"), "application/vnd.oasis.opendocument.presentation", Open);
const ODG: Format = fmt("ODG", Some("fmt/297"), "application/vnd.oasis.opendocument.graphics", Open);
const ODF: Format = fmt("OpenDocument", None, "application/vnd.oasis.opendocument", Open);
const EPUB: Format = fmt("EPUB", Some("fmt/483"), "application/epub+zip", Open);
const XLS: Format = fmt("XLS", Some("fmt/61"), "application/vnd.ms-excel", Proprietary);
const DOC: Format = fmt("DOC", Some("fmt/40"), "application/msword", Proprietary);
const PPT: Format = fmt("PPT", Some("fmt/126"), "application/vnd.ms-powerpoint", Proprietary);
const OLE2: Format = fmt("OLE2 compound file", None, "application/x-ole-storage", Proprietary);
const MSG: Format =
    fmt("Outlook message (MSG)", Some("x-fmt/430"), "application/vnd.ms-outlook", Proprietary);
const OFFICE_ENCRYPTED: Format =
    fmt("encrypted Office document", Some("fmt/494"), "application/x-ole-storage", Proprietary);
const SQLITE: Format = fmt("SQLite 3", Some("fmt/729"), "application/vnd.sqlite3", Open);
const ACCESS_JET3: Format =
    fmt("Microsoft Access (Jet 3)", Some("x-fmt/239"), "application/x-msaccess", Proprietary);
const ACCESS_JET4: Format =
    fmt("Microsoft Access (Jet 4)", Some("x-fmt/240"), "application/x-msaccess", Proprietary);
const ACCESS_ACE: Format =
    fmt("Microsoft Access (ACCDB)", Some("fmt/275"), "application/x-msaccess", Proprietary);
const XML: Format = fmt("XML", Some("fmt/101"), "application/xml", Open);
const JSON: Format = fmt("JSON", Some("fmt/817"), "application/json", Open);
const NDJSON: Format = fmt("NDJSON", None, "application/x-ndjson", Open);
const CSV: Format = fmt("CSV", Some("x-fmt/18"), "text/csv", Open);
const TSV: Format = fmt("TSV", Some("x-fmt/13"), "text/tab-separated-values", Open);
const HTML5: Format = fmt("HTML 5", Some("fmt/471"), "text/html", Open);
const HTML: Format = fmt("HTML", Some("fmt/96"), "text/html", Open);
const TEXT: Format = fmt("plain text", Some("x-fmt/111"), "text/plain", Open);

impl Format {
    /// The format of an empty file.
    pub fn empty() -> Format {
        EMPTY
    }

    /// The format of unidentified bytes.
    pub fn unknown() -> Format {
        UNKNOWN
    }

    /// Whether the format is text, whose encoding matters (CSV, TSV, plain text, XML, JSON,
    /// NDJSON, HTML, RTF): a PDF or a zip whose bytes happen to look like 8-bit text is not.
    pub fn is_text(&self) -> bool {
        self.mime.starts_with("text/")
            || matches!(
                self.mime,
                "application/xml" | "application/json" | "application/x-ndjson" | "application/rtf"
            )
    }

    /// The broad family of the format: `spreadsheet`, `document`, `presentation`, `image`,
    /// `text`, `data`, `archive`, `container`, or `unknown` (also for empty files).
    pub fn family(&self) -> &'static str {
        if self.archive {
            return "archive";
        }
        if self.mime == "application/pdf" {
            return "document";
        }
        if self.mime.starts_with("image/") || self.name == "ODG" {
            return "image";
        }
        match self.name {
            "XLSX" | "XLSM" | "XLSB" | "XLS" | "ODS" | "CSV" | "TSV" => "spreadsheet",
            "DOCX" | "DOCM" | "DOC" | "ODT" | "EPUB" | "OpenDocument" => "document",
            "PPTX" | "PPTM" | "PPT" | "ODP" => "presentation",
            "plain text" | "HTML" | "HTML 5" => "text",
            "XML" | "JSON" | "NDJSON" | "SQLite 3" | "dBASE (DBF)" => "data",
            n if n.starts_with("Microsoft Access") || n.starts_with("ESRI ") => "data",
            n if n.starts_with("RTF") => "document",
            "OLE2 compound file" | "encrypted Office document" => "container",
            "Outlook message (MSG)" => "document",
            _ => "unknown",
        }
    }
}

/// Bytes kept from the start of the stream: DROID's default scan window, where the wildcard
/// parts of PRONOM's BOF signatures are looked for (the Exif version tag, PNG chunk names, RTF
/// control words).
const HEAD: usize = 64 * 1024;
/// Bytes of a zip kept from the end of the stream, for its central directory.
const TAIL: usize = 64 * 1024;
/// Bytes of head looked at before choosing what to watch in the rest of the stream (a PDF
/// header may come after up to 1 KiB of junk).
const DECIDE: usize = 1024;

/// What the rest of the stream is watched for, once the first [`DECIDE`] bytes are known.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Fewer than [`DECIDE`] bytes seen so far.
    #[default]
    Undecided,
    /// Nothing beyond the head.
    Plain,
    /// A zip: keep the tail.
    Zip,
    /// A PDF: search for the PDF/A identification.
    Pdf,
    /// An OLE2 compound file: search for directory entry names.
    Ole2,
    /// A JPEG: keep the tail, for the end-of-image marker.
    Jpeg,
    /// A PNG: keep the tail, for the `IEND` chunk.
    Png,
    /// A GIF: keep the tail, for the trailer.
    Gif,
}

const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Chooses the mode from the head.
fn decide(head: &[u8]) -> Mode {
    if head.starts_with(b"\xFF\xD8\xFF") {
        Mode::Jpeg
    } else if head.starts_with(PNG_MAGIC) {
        Mode::Png
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Mode::Gif
    } else if pdf_header(head).is_some() {
        Mode::Pdf
    } else if head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(b"PK\x07\x08")
    {
        Mode::Zip
    } else if head.starts_with(OLE2_MAGIC) {
        Mode::Ole2
    } else {
        Mode::Plain
    }
}

/// Where `%PDF-` starts in the first 1 KiB, if it does.
fn pdf_header(head: &[u8]) -> Option<usize> {
    memmem::find(&head[..head.len().min(DECIDE)], b"%PDF-")
}

/// A rolling copy of the last `cap` bytes of the stream.
#[derive(Debug, Default)]
struct Tail {
    /// The bytes, in ring order once full.
    buf: Vec<u8>,
    /// When full, where the oldest byte is (and the next write goes).
    pos: usize,
    /// How many bytes are kept.
    cap: usize,
}

impl Tail {
    fn new(cap: usize) -> Self {
        Tail { buf: Vec::new(), pos: 0, cap }
    }

    fn push(&mut self, mut data: &[u8]) {
        let cap = self.cap;
        if cap == 0 {
            return;
        }
        if data.len() >= cap {
            self.buf.clear();
            self.buf.extend_from_slice(&data[data.len() - cap..]);
            self.pos = 0;
            return;
        }
        if self.buf.len() < cap {
            let take = (cap - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            if data.is_empty() {
                return;
            }
        }
        let first = (cap - self.pos).min(data.len());
        self.buf[self.pos..self.pos + first].copy_from_slice(&data[..first]);
        let rest = &data[first..];
        self.buf[..rest.len()].copy_from_slice(rest);
        self.pos = (self.pos + data.len()) % cap;
    }

    /// The bytes in stream order.
    fn into_vec(mut self) -> Vec<u8> {
        self.buf.rotate_left(self.pos);
        self.buf
    }
}

/// Searches a stream for needles, with `window` bytes after each hit, across chunk
/// boundaries: the last bytes of each chunk are carried to the next one, and a hit is only
/// reported once its window is complete (or at the end of the stream).
struct MarkerScan {
    finders: Vec<memmem::Finder<'static>>,
    /// Bytes carried over: those a hit with its window could still start in.
    keep: usize,
    window: usize,
    /// Carry, then the current chunk.
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
}

impl MarkerScan {
    fn new(needles: &[&'static [u8]], window: usize) -> Self {
        let longest = needles.iter().map(|n| n.len()).max().unwrap_or(1);
        MarkerScan {
            finders: needles.iter().map(|n| memmem::Finder::new(*n)).collect(),
            keep: longest + window - 1,
            window,
            buf: Vec::new(),
            base: 0,
        }
    }

    /// Feeds a chunk (empty with `last` at the end), calling `hit(needle index, stream offset,
    /// bytes from the hit on, window included when available)`.
    fn feed(&mut self, chunk: &[u8], last: bool, hit: &mut impl FnMut(usize, u64, &[u8])) {
        self.buf.extend_from_slice(chunk);
        // Hits starting in the last `keep` bytes wait for the next chunk (they are carried).
        let limit = if last { self.buf.len() } else { self.buf.len().saturating_sub(self.keep) };
        for (i, finder) in self.finders.iter().enumerate() {
            let span = finder.needle().len() + self.window;
            for p in finder.find_iter(&self.buf) {
                if p >= limit {
                    break;
                }
                let end = (p + span).min(self.buf.len());
                hit(i, self.base + p as u64, &self.buf[p..end]);
            }
        }
        let drop = self.buf.len().saturating_sub(self.keep);
        self.buf.drain(..drop);
        self.base += drop as u64;
    }
}

/// Needles for PDF/A identification, as PRONOM's PDF/A signatures spell them: the XMP
/// namespace declaration of the PDF/A identification schema, then its two properties.
const PDFA_NEEDLES: [&[u8]; 3] = [b"xmlns:pdfaid=", b"pdfaid:part", b"pdfaid:conformance"];

/// The namespace URI that must follow `xmlns:pdfaid=` and a quote.
const PDFA_NAMESPACE: &[u8] = b"http://www.aiim.org/pdfa/ns/id";

/// Most bytes between the end of one PDF/A property and the start of the other (PRONOM's
/// `{0-120}`).
const PDFA_PAIR_GAP: u64 = 120;

/// A `pdfaid:part` or `pdfaid:conformance` property, in one of the three forms PRONOM's
/// signatures accept: `="X"`, `='X'` or `>X</pdfaid:…>`, with a one-character value and no
/// whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PdfAProp {
    value: u8,
    /// Stream offsets of the property name and of the byte after its value.
    start: u64,
    end: u64,
    /// The element form (`<pdfaid:part>4</pdfaid:part>`), which PDF/A-4's signatures require.
    element: bool,
}

/// The property (or, for the namespace needle, a property-less marker) at a hit of needle `i`,
/// `after` being the bytes that follow the needle.
fn pdfa_prop(i: usize, offset: u64, after: &[u8]) -> Option<PdfAProp> {
    let start = offset;
    let needle = PDFA_NEEDLES[i].len() as u64;
    if i == 0 {
        let (&quote, rest) = after.split_first()?;
        return ((quote == b'"' || quote == b'\'') && rest.starts_with(PDFA_NAMESPACE)).then_some(PdfAProp {
            value: 0,
            start,
            end: start + needle,
            element: false,
        });
    }
    let close: &[u8] = if i == 1 { b"</pdfaid:part>" } else { b"</pdfaid:conformance>" };
    let (open, element) = match after {
        [b'=', b'"' | b'\'', ..] => (2, false),
        [b'>', ..] => (1, true),
        _ => return None,
    };
    let value = *after.get(open)?;
    let rest = after.get(open + 1..)?;
    let closing = if element {
        rest.starts_with(close).then_some(close.len())
    } else {
        matches!(rest.first(), Some(b'"' | b'\'')).then_some(1)
    }?;
    Some(PdfAProp { value, start, end: start + needle + (open + 1 + closing) as u64, element })
}

/// What the PDF/A scan found so far.
#[derive(Debug, Default, Clone)]
struct PdfA {
    /// Where the PDF/A namespace was first declared.
    namespace: Option<u64>,
    /// The last `pdfaid:part` and `pdfaid:conformance` properties after the declaration.
    part: Option<PdfAProp>,
    conformance: Option<PdfAProp>,
    /// The first part and conformance (1–3; A, B, U) that PRONOM's PDF/A-1 to -3 signatures
    /// match: the declaration, then both properties within [`PDFA_PAIR_GAP`] bytes.
    claim: Option<(u8, u8)>,
    /// `<pdfaid:part>4</pdfaid:part>` and the first `<pdfaid:conformance>E|F</…>`, anywhere
    /// (PRONOM's PDF/A-4 signatures).
    part4: bool,
    conformance4: Option<u8>,
}

impl PdfA {
    /// Nothing more to look for.
    fn done(&self) -> bool {
        self.claim.is_some() || (self.part4 && self.conformance4.is_some())
    }

    /// Notes a hit of needle `i`, hits coming in stream order.
    fn note(&mut self, i: usize, offset: u64, prop: Option<PdfAProp>) {
        let Some(prop) = prop else { return };
        match i {
            0 => {
                self.namespace.get_or_insert(offset);
            }
            1 => {
                self.part4 |= prop.element && prop.value == b'4';
                self.pair(prop, self.conformance, true);
                if self.namespace.is_some_and(|n| n < prop.start) {
                    self.part = Some(prop);
                }
            }
            _ => {
                if prop.element && matches!(prop.value, b'E' | b'F') {
                    self.conformance4.get_or_insert(prop.value);
                }
                self.pair(prop, self.part, false);
                if self.namespace.is_some_and(|n| n < prop.start) {
                    self.conformance = Some(prop);
                }
            }
        }
    }

    /// Pairs a new property with the last one of the other kind.
    fn pair(&mut self, new: PdfAProp, other: Option<PdfAProp>, new_is_part: bool) {
        let Some(other) = other else { return };
        if self.claim.is_some() || new.start < other.end || new.start - other.end > PDFA_PAIR_GAP {
            return;
        }
        let (part, conformance) =
            if new_is_part { (new.value, other.value) } else { (other.value, new.value) };
        if matches!((part, conformance), (b'1', b'A' | b'B') | (b'2' | b'3', b'A' | b'B' | b'U')) {
            self.claim = Some((part, conformance));
        }
    }
}

/// Needles for OLE2 directory entry names (UTF-16LE).
const OLE2_NEEDLES: [&[u8]; 6] = [
    b"W\0o\0r\0k\0b\0o\0o\0k\0",
    b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0",
    b"P\0o\0w\0e\0r\0P\0o\0i\0n\0t\0 \0D\0o\0c\0u\0m\0e\0n\0t\0",
    b"E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0",
    // Outlook message: PRONOM's container signature wants both streams.
    b"_\0_\0p\0r\0o\0p\0e\0r\0t\0i\0e\0s\0_\0v\0e\0r\0s\0i\0o\0n\x001\0.\x000\0",
    b"_\0_\0n\0a\0m\0e\0i\0d\0_\0v\0e\0r\0s\0i\0o\0n\x001\0.\x000\0",
];

/// What the names of a zip's entries say.
#[derive(Debug, Default, Clone)]
struct ZipNames {
    content_types: bool,
    xl: bool,
    xl_main: bool,
    xlsb: bool,
    word: bool,
    word_main: bool,
    ppt: bool,
    ppt_main: bool,
    /// `META-INF/manifest.xml` and `content.xml`: an ODF package, even without `mimetype`.
    odf_manifest: bool,
    odf_content: bool,
    /// The content of a stored `mimetype` entry (ODF, EPUB).
    mimetype: Option<Vec<u8>>,
    /// A VBA project (`xl/vbaProject.bin`, `word/…`, `ppt/…`), or a macro-enabled main part
    /// declared in a `[Content_Types].xml` read from the head: a macro-enabled document.
    macros: bool,
}

impl ZipNames {
    fn note(&mut self, name: &[u8]) {
        if name == b"[Content_Types].xml" {
            self.content_types = true;
        } else if let Some(rest) = name.strip_prefix(b"xl/") {
            self.macros |= rest == b"vbaProject.bin";
            self.xl = true;
            self.xl_main |= rest.starts_with(b"workbook.") || rest.starts_with(b"worksheets/");
            self.xlsb |= rest == b"workbook.bin";
        } else if let Some(rest) = name.strip_prefix(b"word/") {
            self.macros |= rest == b"vbaProject.bin";
            self.word = true;
            self.word_main |= rest == b"document.xml";
        } else if let Some(rest) = name.strip_prefix(b"ppt/") {
            self.macros |= rest == b"vbaProject.bin";
            self.ppt = true;
            self.ppt_main |= rest == b"presentation.xml" || rest.starts_with(b"slides/");
        } else if name == b"META-INF/manifest.xml" {
            self.odf_manifest = true;
        } else if name == b"content.xml" {
            self.odf_content = true;
        }
    }

    fn format(&self) -> Format {
        if let Some(m) = &self.mimetype {
            let m = m.trim_ascii();
            if let Some(kind) = m.strip_prefix(b"application/vnd.oasis.opendocument.") {
                return match kind {
                    b"spreadsheet" => ODS,
                    b"text" => ODT,
                    b"presentation" => ODP,
                    b"graphics" => ODG,
                    _ => ODF,
                };
            }
            if m == b"application/epub+zip" {
                return EPUB;
            }
        }
        let ooxml = |prefix: bool, main: bool| prefix && (self.content_types || main);
        if ooxml(self.xl, self.xl_main) {
            return if self.xlsb {
                XLSB
            } else if self.macros {
                XLSM
            } else {
                XLSX
            };
        }
        if ooxml(self.word, self.word_main) {
            return if self.macros { DOCM } else { DOCX };
        }
        if ooxml(self.ppt, self.ppt_main) {
            return if self.macros { PPTM } else { PPTX };
        }
        if self.odf_manifest && self.odf_content {
            return ODF;
        }
        ZIP
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Walks the local file headers in the head, noting names and a stored `mimetype`'s content.
fn zip_local_names(head: &[u8], names: &mut ZipNames) {
    let mut q = 0usize;
    for _ in 0..1000 {
        if head.get(q..q + 4) != Some(b"PK\x03\x04") {
            // Not where the sizes said (e.g. a data descriptor follows): look for the next one.
            match memmem::find(head.get(q..).unwrap_or_default(), b"PK\x03\x04") {
                Some(d) => q += d,
                None => return,
            }
        }
        let (Some(flags), Some(method), Some(csize), Some(n), Some(m)) = (
            u16_at(head, q + 6),
            u16_at(head, q + 8),
            u32_at(head, q + 18),
            u16_at(head, q + 26),
            u16_at(head, q + 28),
        ) else {
            return;
        };
        let (n, m) = (n as usize, m as usize);
        let Some(name) = head.get(q + 30..q + 30 + n) else { return };
        names.note(name);
        let data = q + 30 + n + m;
        if name == b"[Content_Types].xml" && flags & 0x08 == 0 {
            let data = head.get(data..).unwrap_or_default();
            let text = member_start(method, &data[..data.len().min(csize as usize)]);
            names.macros |= memmem::find(&text, b".macroEnabled.main+xml\"").is_some();
        }
        if name == b"mimetype" && method == 0 && names.mimetype.is_none() {
            let rest = head.get(data..).unwrap_or_default();
            let rest = &rest[..rest.len().min(128)];
            let content = if csize == 0 && flags & 0x08 != 0 {
                // Sizes in a data descriptor: the content ends at the next signature.
                Some(&rest[..memmem::find(rest, b"PK").unwrap_or(rest.len())])
            } else {
                rest.get(..csize as usize)
            };
            names.mimetype = content.map(<[u8]>::to_vec);
        }
        q = data.saturating_add(csize as usize);
        if q >= head.len() {
            return;
        }
    }
}

/// Notes the names of the central directory headers in `cd`, walking them in order.
fn zip_central_names(cd: &[u8], names: &mut ZipNames) {
    let mut q = 0usize;
    while cd.get(q..q + 4) == Some(b"PK\x01\x02") {
        let (Some(n), Some(m), Some(k)) = (u16_at(cd, q + 28), u16_at(cd, q + 30), u16_at(cd, q + 32)) else {
            return;
        };
        let Some(name) = cd.get(q + 46..q + 46 + n as usize) else { return };
        names.note(name);
        q += 46 + n as usize + m as usize + k as usize;
    }
}

/// Notes the names of whatever central directory headers are found in `bytes` (part of a
/// central directory that did not fit in the tail).
fn zip_scan_central_names(bytes: &[u8], names: &mut ZipNames) {
    for p in memmem::find_iter(bytes, b"PK\x01\x02") {
        if let Some(n) = u16_at(bytes, p + 28)
            && let Some(name) = bytes.get(p + 46..p + 46 + n as usize)
        {
            names.note(name);
        }
    }
}

/// Reads the central directory from the tail (the last `tail.len()` bytes of a `total`-byte
/// stream); when it is not entirely in the tail, the central headers that are.
fn zip_tail_names(tail: &[u8], total: u64, names: &mut ZipNames) {
    let tail_start = total - tail.len() as u64;
    // The End Of Central Directory record: the last one whose comment ends the stream, else the
    // last one at all.
    let candidates: Vec<usize> =
        memmem::rfind_iter(tail, b"PK\x05\x06").filter(|&p| p + 22 <= tail.len()).take(16).collect();
    let Some(eocd) = candidates
        .iter()
        .copied()
        .find(|&p| u16_at(tail, p + 20).is_some_and(|c| p + 22 + c as usize == tail.len()))
        .or_else(|| candidates.first().copied())
    else {
        return;
    };
    let (Some(entries), Some(cd_size32)) = (u16_at(tail, eocd + 10), u32_at(tail, eocd + 12)) else {
        return;
    };
    let cd_offset32 = u32_at(tail, eocd + 16).unwrap_or(0);
    let (cd_end, cd_size) = if entries == 0xFFFF || cd_size32 == 0xFFFF_FFFF || cd_offset32 == 0xFFFF_FFFF {
        // Zip64: the locator sits right before the EOCD, the zip64 EOCD record usually right
        // before the locator.
        let Some(loc) = eocd.checked_sub(20).filter(|&l| tail.get(l..l + 4) == Some(b"PK\x06\x07")) else {
            return;
        };
        let record =
            loc.checked_sub(56).filter(|&r| tail.get(r..r + 4) == Some(b"PK\x06\x06")).or_else(|| {
                let abs = u64_at(tail, loc + 8)?;
                let r = usize::try_from(abs.checked_sub(tail_start)?).ok()?;
                (tail.get(r..r + 4) == Some(b"PK\x06\x06")).then_some(r)
            });
        let Some(record) = record else { return };
        let Some(size) = u64_at(tail, record + 40) else { return };
        (record, size)
    } else {
        (eocd, cd_size32 as u64)
    };
    // The central directory ends where the (zip64) EOCD record starts: this also holds when
    // data was prepended to the zip, which shifts its recorded offsets.
    let cd_start = usize::try_from(cd_size).ok().and_then(|s| cd_end.checked_sub(s));
    match cd_start.filter(|&s| tail.get(s..s + 4) == Some(b"PK\x01\x02")) {
        Some(cd_start) => zip_central_names(&tail[cd_start..cd_end], names),
        // Not entirely in the tail, or sizes that do not add up: take what headers are there.
        None => zip_scan_central_names(&tail[..cd_end], names),
    }
}

// ---- ODF versions ------------------------------------------------------------------------------

/// Compressed bytes of `content.xml` inflated to find its `office:version` (the root element and
/// its namespace declarations come first).
const ODF_CONTENT_WINDOW: usize = 8 * 1024;
/// Most bytes of a local header's name and extra field that the probe reads past.
const ODF_HEADER_MAX: usize = 30 + 512;
/// Most bytes of `content.xml` inflated.
const ODF_INFLATED_MAX: usize = 32 * 1024;

/// Whether the zip starts with a stored `mimetype` entry naming an ODF type.
fn odf_mimetype(head: &[u8]) -> bool {
    head.get(30..38) == Some(b"mimetype")
        && head.get(38..).is_some_and(|r| r.starts_with(b"application/vnd.oasis.opendocument."))
}

/// What the start of an ODF package's `content.xml` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OdfContent {
    /// `office:document-content` in its first 128 bytes (PRONOM's container signatures).
    document_content: bool,
    /// The `office:version` attribute's value, when short.
    version: Option<[u8; 3]>,
}

/// Searches an ODF package's stream for the local header of `content.xml` and reads the start
/// of its content (inflating up to [`ODF_INFLATED_MAX`] bytes from the next
/// [`ODF_CONTENT_WINDOW`] compressed bytes): PRONOM tells ODF 1.0 to 1.3 by its `office:version`.
struct OdfProbe {
    scan: MarkerScan,
    content: Option<OdfContent>,
}

impl OdfProbe {
    fn new() -> Self {
        OdfProbe {
            scan: MarkerScan::new(&[b"PK\x03\x04"], ODF_HEADER_MAX + ODF_CONTENT_WINDOW),
            content: None,
        }
    }

    fn feed(&mut self, data: &[u8], last: bool) {
        if self.content.is_some() {
            return;
        }
        let content = &mut self.content;
        self.scan.feed(data, last, &mut |_, _, bytes| {
            if content.is_none() {
                *content = odf_content(bytes);
            }
        });
    }
}

/// The start of `content.xml` when `header` (a local file header and what follows it) is its.
fn odf_content(header: &[u8]) -> Option<OdfContent> {
    let (flags, method, csize) = (u16_at(header, 6)?, u16_at(header, 8)?, u32_at(header, 18)?);
    let (n, m) = (u16_at(header, 26)? as usize, u16_at(header, 28)? as usize);
    if header.get(30..30 + n)? != b"content.xml" {
        return None;
    }
    let mut data = header.get(30 + n + m..)?;
    if flags & 0x08 == 0 && (csize as usize) < data.len() {
        data = &data[..csize as usize];
    }
    if method != 0 && method != 8 {
        return None;
    }
    let text = member_start(method, data);
    let document_content = memmem::find(&text[..text.len().min(128)], b"office:document-content").is_some();
    let version = memmem::find(&text, b"office:version=").and_then(|p| {
        let v = text.get(p + 15..p + 20)?;
        let quoted = matches!(v[0], b'"' | b'\'') && v[4] == v[0];
        quoted.then(|| [v[1], v[2], v[3]])
    });
    Some(OdfContent { document_content, version })
}

/// The first (at most [`ODF_INFLATED_MAX`]) bytes of a zip member from (the start of) its
/// data: stored, or deflated (partial input is expected: what comes out of it is enough).
fn member_start(method: u16, data: &[u8]) -> Vec<u8> {
    match method {
        0 => data[..data.len().min(ODF_INFLATED_MAX)].to_vec(),
        8 => {
            let mut out = vec![0u8; ODF_INFLATED_MAX];
            let mut inflater = flate2::Decompress::new(false);
            let _ = inflater.decompress(data, &mut out, flate2::FlushDecompress::None);
            out.truncate(inflater.total_out() as usize);
            out
        }
        _ => Vec::new(),
    }
}

/// An ODF format with the PRONOM id of its version, as PRONOM's container signatures tell it
/// from `content.xml` (`office:document-content`, then `office:version="1.0"`…`"1.3"`); "ODF
/// versions without version number detail are assumed to be version 1.1" (PRONOM), which is
/// also what its byte signatures on the `mimetype` entry give for a later version (1.4).
fn odf_versioned(base: Format, content: Option<OdfContent>) -> Format {
    let puids: [&str; 4] = match base.name {
        "ODT" => ["fmt/136", "fmt/290", "fmt/291", "fmt/1756"],
        "ODS" => ["fmt/137", "fmt/294", "fmt/295", "fmt/1755"],
        "ODP" => ["fmt/138", "fmt/292", "fmt/293", "fmt/1754"],
        "ODG" => ["fmt/139", "fmt/296", "fmt/297", "fmt/1753"],
        _ => return base,
    };
    let version = content.filter(|c| c.document_content).and_then(|c| c.version);
    let puid = match version.as_ref() {
        Some(b"1.0") => puids[0],
        Some(b"1.2") => puids[2],
        Some(b"1.3") => puids[3],
        _ => puids[1],
    };
    Format { puid: Some(puid), ..base }
}

/// Watches a stream of chunks and identifies its format at the end.
#[derive(Default)]
pub struct Sniffer {
    /// The first [`HEAD`] bytes.
    head: Vec<u8>,
    /// Bytes seen.
    total: u64,
    mode: Mode,
    /// Zip, PDF, JPEG, PNG and GIF modes: the last bytes (the central directory, the end
    /// markers).
    tail: Tail,
    /// PDF and OLE2 modes: the marker search.
    scan: Option<MarkerScan>,
    /// PDF mode: what was found.
    pdfa: PdfA,
    /// OLE2 mode: where each of [`OLE2_NEEDLES`] was first found.
    ole2: [Option<u64>; 6],
    /// Zip mode, for an ODF package: the search for `content.xml` and its `office:version`.
    odf: Option<OdfProbe>,
}

impl Sniffer {
    /// A new sniffer.
    pub fn new() -> Self {
        Sniffer::default()
    }

    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        self.total += chunk.len() as u64;
        let before = self.head.len();
        if before < HEAD {
            let take = (HEAD - before).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.mode == Mode::Undecided {
            if self.head.len() < DECIDE {
                return;
            }
            // Every byte before this chunk is in the head (the head is larger than DECIDE).
            self.start(decide(&self.head));
            let head = std::mem::take(&mut self.head);
            self.watch(&head[..before]);
            self.head = head;
        }
        self.watch(chunk);
    }

    /// Enters a mode.
    fn start(&mut self, mode: Mode) {
        self.mode = mode;
        self.scan = match mode {
            Mode::Pdf => Some(MarkerScan::new(&PDFA_NEEDLES, 40)),
            Mode::Ole2 => Some(MarkerScan::new(&OLE2_NEEDLES, 0)),
            _ => None,
        };
        self.odf = (mode == Mode::Zip && odf_mimetype(&self.head)).then(OdfProbe::new);
        self.tail = Tail::new(match mode {
            Mode::Zip => TAIL,
            Mode::Pdf => PDF_EOF_WINDOW,
            Mode::Jpeg => JPEG_EOF_WINDOW,
            Mode::Png => PNG_EOF_WINDOW,
            Mode::Gif => GIF_EOF_WINDOW,
            Mode::Ole2 | Mode::Plain | Mode::Undecided => 0,
        });
    }

    /// Watches stream bytes for the mode.
    fn watch(&mut self, data: &[u8]) {
        self.watch_inner(data, false);
    }

    fn watch_inner(&mut self, data: &[u8], last: bool) {
        match self.mode {
            Mode::Zip => {
                self.tail.push(data);
                if let Some(odf) = &mut self.odf {
                    odf.feed(data, last);
                }
            }
            Mode::Pdf => {
                self.tail.push(data);
                if self.pdfa.done() {
                    return;
                }
                if let Some(scan) = &mut self.scan {
                    let mut hits = Vec::new();
                    scan.feed(data, last, &mut |i, offset, bytes| {
                        hits.push((offset, i, pdfa_prop(i, offset, &bytes[PDFA_NEEDLES[i].len()..])));
                    });
                    // Each needle's hits come in stream order; the pairing needs them all in order.
                    hits.sort_unstable_by_key(|h| (h.0, h.1));
                    for (offset, i, prop) in hits {
                        self.pdfa.note(i, offset, prop);
                    }
                }
            }
            Mode::Jpeg | Mode::Png | Mode::Gif => self.tail.push(data),
            Mode::Ole2 => {
                let found = &mut self.ole2;
                if let Some(scan) = &mut self.scan {
                    scan.feed(data, last, &mut |i, offset, _| {
                        // Directory entries are 128 bytes long, in sectors aligned on 512 bytes.
                        if offset.is_multiple_of(128) && found[i].is_none() {
                            found[i] = Some(offset);
                        }
                    });
                }
            }
            Mode::Plain | Mode::Undecided => {}
        }
    }

    /// Identifies the format from what was fed, the entry's path and its text encoding.
    pub fn finish(mut self, path: &str, encoding: Encoding) -> Format {
        if self.total == 0 {
            return EMPTY;
        }
        if self.mode == Mode::Undecided {
            // The whole stream is in the head.
            self.start(decide(&self.head));
            let head = std::mem::take(&mut self.head);
            self.watch(&head);
            self.head = head;
        }
        self.watch_inner(&[], true);
        let name = file_name(path);
        match self.mode {
            Mode::Zip => {
                let mut names = ZipNames::default();
                zip_local_names(&self.head, &mut names);
                let total = self.total;
                zip_tail_names(&self.tail.into_vec(), total, &mut names);
                odf_versioned(names.format(), self.odf.and_then(|o| o.content))
            }
            Mode::Pdf => pdf_format(&self.head, &self.pdfa, &self.tail.into_vec()),
            Mode::Jpeg => jpeg_format(&self.head, &self.tail.into_vec()),
            Mode::Png => png_format(&self.head, &self.tail.into_vec()),
            Mode::Gif => gif_format(&self.head, &self.tail.into_vec()),
            Mode::Ole2 => ole2_format(&self.ole2, &name),
            Mode::Plain | Mode::Undecided => plain_format(&self.head, &name, encoding),
        }
    }
}

/// The last component of a path, lowercased.
fn file_name(path: &str) -> String {
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_lowercase()
}

/// Whether the (lowercased) name has one of these extensions (given with their dot).
fn has_ext(name: &str, exts: &[&str]) -> bool {
    exts.iter().any(|e| name.ends_with(e) && name.len() > e.len())
}

/// Bytes at the end of a PDF where `%%EOF` must be (PRONOM: within 1024 bytes of the end).
const PDF_EOF_WINDOW: usize = 1024 + 5;

/// The note of a format recognised by its header whose PRONOM signature does not match in
/// full (no end marker where PRONOM expects one): it gets no PRONOM id.
pub const NOTE_NO_PUID: &str = "en-tête reconnu, mais la signature PRONOM n'est pas satisfaite \
     (en-tête ou marqueur de fin absent de la place attendue) : pas d'identifiant PRONOM";

/// The PDF format, as PRONOM's signatures tell it: PDF/A-4 (a `%PDF-2.x` header at offset 0
/// and `<pdfaid:part>4</pdfaid:part>`), PDF/A-1 to -3 (a `%PDF-1.0`…`1.7` header in the first
/// 144 bytes and the PDF/A identification, see [`PdfA`]), else the header's version (at offset
/// 0, `%PDF-2.0` within 4 KiB) with `%%EOF` in the last 1 KiB.
fn pdf_format(head: &[u8], pdfa: &PdfA, tail: &[u8]) -> Format {
    let pdf = |name, puid| fmt(name, puid, "application/pdf", Open);
    let at = pdf_header(head);
    let version = at.and_then(|p| head.get(p + 5..p + 8)).unwrap_or_default();
    let v1 = matches!(version, [b'1', b'.', b'0'..=b'7']);
    if at == Some(0) && matches!(version, [b'2', b'.', b'0'..=b'9']) && pdfa.part4 {
        return match pdfa.conformance4 {
            Some(b'E') => pdf("PDF/A-4e", Some("fmt/1911")),
            Some(b'F') => pdf("PDF/A-4f", Some("fmt/1912")),
            _ => pdf("PDF/A-4", Some("fmt/1910")),
        };
    }
    if let Some(claim) = pdfa.claim.filter(|_| v1 && at.is_some_and(|p| p <= 144)) {
        return match claim {
            (b'1', b'A') => pdf("PDF/A-1a", Some("fmt/95")),
            (b'1', _) => pdf("PDF/A-1b", Some("fmt/354")),
            (b'2', b'A') => pdf("PDF/A-2a", Some("fmt/476")),
            (b'2', b'B') => pdf("PDF/A-2b", Some("fmt/477")),
            (b'2', _) => pdf("PDF/A-2u", Some("fmt/478")),
            (_, b'A') => pdf("PDF/A-3a", Some("fmt/479")),
            (_, b'B') => pdf("PDF/A-3b", Some("fmt/480")),
            _ => pdf("PDF/A-3u", Some("fmt/481")),
        };
    }
    let (name, puid) = match version {
        b"1.0" => ("PDF 1.0", "fmt/14"),
        b"1.1" => ("PDF 1.1", "fmt/15"),
        b"1.2" => ("PDF 1.2", "fmt/16"),
        b"1.3" => ("PDF 1.3", "fmt/17"),
        b"1.4" => ("PDF 1.4", "fmt/18"),
        b"1.5" => ("PDF 1.5", "fmt/19"),
        b"1.6" => ("PDF 1.6", "fmt/20"),
        b"1.7" => ("PDF 1.7", "fmt/276"),
        b"2.0" => ("PDF 2.0", "fmt/1129"),
        _ => return pdf("PDF", None),
    };
    let placed = if v1 { at == Some(0) } else { at.is_some_and(|p| p <= 4096) };
    if placed && memmem::find(tail, b"%%EOF").is_some() {
        pdf(name, Some(puid))
    } else {
        Format { note: Some(NOTE_NO_PUID), ..pdf(name, None) }
    }
}

/// The OLE2 format from its directory entry names, or its file name.
fn ole2_format(found: &[Option<u64>; 6], name: &str) -> Format {
    // An Outlook message carries its attachments (a workbook, a document…) as sub-storages.
    if found[4].is_some() && found[5].is_some() {
        return MSG;
    }
    if found[3].is_some() {
        return OFFICE_ENCRYPTED;
    }
    if has_ext(name, &[".xls", ".xlt", ".xlw"]) {
        return XLS;
    }
    if has_ext(name, &[".doc", ".dot"]) {
        return DOC;
    }
    if has_ext(name, &[".ppt", ".pps", ".pot"]) {
        return PPT;
    }
    // Embedded objects add their own entries: the first entry found is the document's own.
    let first = (0..3).filter_map(|i| found[i].map(|o| (o, i))).min();
    match first {
        Some((_, 0)) => XLS,
        Some((_, 1)) => DOC,
        Some((_, 2)) => PPT,
        _ => OLE2,
    }
}

/// A DBF header: a known version byte, a plausible last-update date and header sizes.
fn dbf_format(head: &[u8]) -> Option<Format> {
    let (&version, month, day) = (head.first()?, *head.get(2)?, *head.get(3)?);
    let header_len = u16_at(head, 8)?;
    let record_len = u16_at(head, 10)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || header_len < 33 || record_len == 0 {
        return None;
    }
    let puid = match version {
        0x02 => "x-fmt/8",
        0x03 => "x-fmt/9",
        0x04 | 0x05 | 0x43 | 0x63 | 0x7B | 0x8B | 0x8E | 0xCB => "x-fmt/10",
        0x83 => "x-fmt/271",
        0xF5 => "fmt/373",
        0x30..=0x32 => "fmt/374",
        _ => return None,
    };
    Some(fmt("dBASE (DBF)", Some(puid), "application/x-dbf", Proprietary))
}

/// A pre-POSIX (v7) tar header, without the `ustar` magic: a file name, then a checksum field
/// (octal, at 148) equal to the sum of the header's 512 bytes counting that field as spaces.
fn tar_v7_header(head: &[u8]) -> bool {
    let Some(header) = head.get(..512) else { return false };
    if header[0] == 0 {
        return false;
    }
    let field = header[148..156].trim_ascii_start();
    let digits = &field[..field.iter().position(|b| !(b'0'..=b'7').contains(b)).unwrap_or(field.len())];
    if digits.is_empty() || digits.len() > 7 {
        return false;
    }
    let recorded = digits.iter().fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) })
        .sum();
    recorded == sum
}

// ---- Images, as PRONOM's signatures tell them ------------------------------------------------

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Bytes at the end of a JPEG where the EOI marker `FF D9` is looked for (PRONOM: within
/// 16000, 65536 or 131072 bytes of the end, depending on the signature).
const JPEG_EOF_WINDOW: usize = 131_072 + 2;
/// Bytes at the end of a PNG: the `IEND` chunk, at the end or at most 4 bytes before it.
const PNG_EOF_WINDOW: usize = 12 + 4;
/// Bytes at the end of a GIF: the trailer `;`, at most 4 bytes before the end.
const GIF_EOF_WINDOW: usize = 1 + 4;

/// An image format, its MIME type and openness given.
const fn image(name: &'static str, puid: Option<&'static str>, mime: &'static str) -> Format {
    fmt(name, puid, mime, Open)
}

/// The same format without PRONOM id, with [`NOTE_NO_PUID`].
fn without_puid(f: Format) -> Format {
    Format { puid: None, note: Some(NOTE_NO_PUID), ..f }
}

/// JPEG, as PRONOM's signatures tell it. At offset 0, `FF D8 FF E0`, a length and `JFIF\0` 1.00,
/// 1.01 or 1.02 (units 0–2) is JFIF (fmt/42, fmt/43, fmt/44); `FF D8 FF E1`, a length,
/// `Exif\0\0` and a TIFF header followed (anywhere in the first 64 KiB) by the ExifVersion tag
/// `0200`, `0210`, `0220`, `0221` or `023x` is Exif 2.0, 2.1, 2.2, 2.21 or 2.3x (x-fmt/398,
/// x-fmt/390, x-fmt/391, fmt/645, fmt/1507); both need the EOI marker near the end (within
/// 16000, 65536 or 131072 bytes, per signature). Otherwise `FF D8 FF` with EOI within 64 KiB of
/// the end is a raw JPEG stream (fmt/41). An APP0 JFIF segment followed by an Exif APP1 is JFIF,
/// as for PRONOM.
fn jpeg_format(head: &[u8], tail: &[u8]) -> Format {
    const JPEG_RAW: Format = image("JPEG", Some("fmt/41"), "image/jpeg");
    // Bytes from the end of the last EOI marker to the end of the stream.
    let eoi = memmem::rfind(tail, b"\xFF\xD9").map(|p| tail.len() - (p + 2));
    let eoi_within = |max: usize| eoi.is_some_and(|d| d <= max);
    let specific = match (head.get(3), head.get(6..16)) {
        (Some(0xE0), Some([b'J', b'F', b'I', b'F', 0, 1, minor, 0..=2, ..])) => match minor {
            0 => Some((image("JPEG (JFIF 1.00)", Some("fmt/42"), "image/jpeg"), 65_536)),
            1 => Some((image("JPEG (JFIF 1.01)", Some("fmt/43"), "image/jpeg"), 65_536)),
            2 => Some((image("JPEG (JFIF 1.02)", Some("fmt/44"), "image/jpeg"), 65_536)),
            _ => None,
        },
        (Some(0xE1), Some(exif)) if exif.starts_with(b"Exif\0\0") => exif_version(head),
        _ => None,
    };
    match specific {
        Some((f, max)) if eoi_within(max) => f,
        _ if eoi_within(65_536) => JPEG_RAW,
        _ => without_puid(JPEG_RAW),
    }
}

/// The Exif format from the ExifVersion tag (0x9000, UNDEFINED, count 4) found after the TIFF
/// header of an `Exif\0\0` APP1 segment at offset 6, with the EOI window of its PRONOM
/// signature.
fn exif_version(head: &[u8]) -> Option<(Format, usize)> {
    let (tag, big_endian): (&[u8], bool) = match head.get(12..16)? {
        b"MM\0*" => (b"\x90\x00\x00\x07\x00\x00\x00\x04", true),
        b"II*\0" => (b"\x00\x90\x07\x00\x04\x00\x00\x00", false),
        _ => return None,
    };
    let exif = |name, puid| image(name, Some(puid), "image/jpeg");
    memmem::find_iter(&head[16..], tag).find_map(|p| {
        let version = head.get(16 + p + tag.len()..16 + p + tag.len() + 4)?;
        match version {
            b"0200" => Some((exif("JPEG (Exif 2.0)", "x-fmt/398"), if big_endian { 65_536 } else { 16_000 })),
            b"0210" => Some((exif("JPEG (Exif 2.1)", "x-fmt/390"), 16_000)),
            b"0220" => Some((exif("JPEG (Exif 2.2)", "x-fmt/391"), 131_072)),
            b"0221" => Some((exif("JPEG (Exif 2.21)", "fmt/645"), 65_536)),
            [b'0', b'2', b'3', b'0'..=b'9'] => Some((exif("JPEG (Exif 2.3x)", "fmt/1507"), 131_072)),
            _ => None,
        }
    })
}

/// PNG, as PRONOM's signatures tell it: the signature and the `IHDR` chunk at offset 0, and the
/// `IEND` chunk at the very end: PNG 1.2 (fmt/13) when `iTXt` appears in the first 64 KiB,
/// else PNG 1.1 (fmt/12) when `iCCP`, `sPLT` or `sRGB` does; else, with `IEND` at most 4
/// bytes before the end, PNG 1.0 (fmt/11).
fn png_format(head: &[u8], tail: &[u8]) -> Format {
    const IEND: &[u8] = b"\0\0\0\0IEND\xAE\x42\x60\x82";
    let png = |name, puid| image(name, Some(puid), "image/png");
    if !head.starts_with(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR") {
        return without_puid(png("PNG", "fmt/11"));
    }
    let body = &head[16..];
    let has = |chunk: &[u8]| memmem::find(body, chunk).is_some();
    if tail.ends_with(IEND) {
        if has(b"iTXt") {
            return png("PNG 1.2", "fmt/13");
        }
        if has(b"iCCP") || has(b"sPLT") || has(b"sRGB") {
            return png("PNG 1.1", "fmt/12");
        }
    }
    if memmem::rfind(tail, IEND).is_some_and(|p| tail.len() - (p + IEND.len()) <= 4) {
        png("PNG 1.0", "fmt/11")
    } else {
        without_puid(png("PNG", "fmt/11"))
    }
}

/// GIF 87a (fmt/3) or 89a (fmt/4): the header at offset 0, the trailer `;` at most 4 bytes
/// before the end.
fn gif_format(head: &[u8], tail: &[u8]) -> Format {
    let f = if head.starts_with(b"GIF87a") {
        image("GIF 87a", Some("fmt/3"), "image/gif")
    } else {
        image("GIF 89a", Some("fmt/4"), "image/gif")
    };
    if tail.contains(&b';') { f } else { without_puid(f) }
}

/// TIFF (fmt/353: `II*\0`, `MM\0*`) and BigTIFF (fmt/1917: `II+\0` or `MM\0+` with an offset
/// size of 8).
fn tiff_format(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Some(image("TIFF", Some("fmt/353"), "image/tiff"));
    }
    if head.starts_with(b"II+\0\x08\0\0\0") || head.starts_with(b"MM\0+\0\x08\0\0") {
        return Some(image("BigTIFF", Some("fmt/1917"), "image/tiff"));
    }
    None
}

/// Windows BMP: version 3.0 (fmt/116), 4.0 (fmt/118) or 5.0 (fmt/119) from the size of the
/// header after `BM` and its planes, depth and compression fields, as PRONOM's signatures
/// check them; other BMP variants (OS/2, 1.0, 2.0) get no id here. Proprietary: a Microsoft
/// format, published by the vendor only.
fn bmp_format(head: &[u8]) -> Option<Format> {
    if !head.starts_with(b"BM") || head.len() < 34 {
        return None;
    }
    let header_size = u32_at(head, 14)?;
    let reserved_zero = head[6..10] == [0, 0, 0, 0];
    let fields_ok = |max_compression: u8| {
        head[26..28] == [1, 0]
            && matches!(head[28], 1 | 4 | 8 | 16 | 24 | 32)
            && head[29] == 0
            && head[30] <= max_compression
            && head[31..34] == [0, 0, 0]
    };
    let bmp = |name, puid| fmt(name, puid, "image/bmp", Proprietary);
    Some(match header_size {
        40 if fields_ok(2) => bmp("BMP 3.0", Some("fmt/116")),
        108 if reserved_zero && fields_ok(3) => bmp("BMP 4.0", Some("fmt/118")),
        124 if reserved_zero && fields_ok(5) => bmp("BMP 5.0", Some("fmt/119")),
        12 | 40 | 52 | 56 | 64 | 108 | 124 => bmp("BMP", None),
        _ => return None,
    })
}

/// JPEG 2000: the JP2 signature box, then a file type box with brand `jp2 ` (x-fmt/392); other
/// brands (JPX…) get no id here.
fn jp2_format(head: &[u8]) -> Option<Format> {
    if !head.starts_with(b"\0\0\0\x0CjP  \r\n\x87\n") {
        return None;
    }
    Some(if head.get(16..23) == Some(b"ftypjp2") {
        image("JPEG 2000 (JP2)", Some("x-fmt/392"), "image/jp2")
    } else {
        image("JPEG 2000", None, "image/jpx")
    })
}

// ---- Shapefile parts ---------------------------------------------------------------------------

/// The 100-byte header of a shapefile's main (`.shp`) or index (`.shx`) file: the file code
/// 9994 (big-endian), five unused zero words, the length, then version 1000 (little-endian).
/// The main file with its first record numbered 1 is PRONOM's ESRI Shapefile (x-fmt/235); the
/// index file, and a main file without records, have no PRONOM signature. Open: the ESRI
/// Shapefile Technical Description is public and free to implement.
fn shapefile_format(head: &[u8], name: &str) -> Option<Format> {
    if !head.starts_with(b"\0\0\x27\x0A")
        || head.get(4..24)? != [0; 20]
        || head.get(28..32)? != b"\xE8\x03\0\0"
    {
        return None;
    }
    if has_ext(name, &[".shx"]) {
        return Some(fmt("ESRI Shapefile index (SHX)", None, "application/vnd.shx", Open));
    }
    let shp = fmt("ESRI Shapefile (SHP)", Some("x-fmt/235"), "application/vnd.shp", Open);
    Some(if head.get(100..104) == Some(b"\0\0\0\x01") { shp } else { without_puid(shp) })
}

/// A shapefile's `.prj`: the coordinate reference system in OGC Well-Known Text (no PRONOM id).
fn prj_format(text: &[u8], name: &str) -> Option<Format> {
    let wkt = [&b"PROJCS["[..], b"GEOGCS[", b"GEOCCS[", b"COMPD_CS[", b"PROJCRS[", b"GEOGCRS[", b"GEODCRS["];
    (has_ext(name, &[".prj"]) && wkt.iter().any(|k| text.starts_with(k))).then_some(fmt(
        "ESRI projection (WKT)",
        None,
        "text/plain",
        Open,
    ))
}

// ---- RTF ---------------------------------------------------------------------------------------

/// RTF, as PRONOM's signatures tell its versions from the control words at the start (the
/// version number itself is always 1): `{\rtf1` and a character set is RTF 1.0–1.4 (fmt/45);
/// with `\ansicpg`, 1.5–1.6 (fmt/50); with the `\stshf…` default fonts after it, 1.7 (fmt/52);
/// then `\lsdstimax`, 1.8 (fmt/53); or one of `\*\colorschememapping`, `\afelev`,
/// `\*\datastore`, `\*\defchp`, 1.9 (fmt/355). Without `{\rtf` at offset 0: no id.
fn rtf_format(head: &[u8]) -> Format {
    let rtf = |name, puid| fmt(name, puid, "application/rtf", Proprietary);
    let Some(after) = head.strip_prefix(b"{\\rtf") else { return rtf("RTF", None) };
    // `(66|6631)`: the `f` of `{\rtf`, optionally followed by `1`.
    let starts: Vec<&[u8]> = std::iter::once(after).chain(after.strip_prefix(b"1")).collect();
    // The rest after `gap` bytes (within `gaps`), a character set word and `\ansicpg`.
    let after_cpg = |gaps: std::ops::RangeInclusive<usize>, cpg: bool| -> Vec<&[u8]> {
        let mut out = Vec::new();
        for s in &starts {
            for g in gaps.clone() {
                let Some(rest) = s.get(g..) else { continue };
                for cs in [&b"\\ansi"[..], b"\\mac", b"\\pca", b"\\pc"] {
                    if let Some(r) = rest.strip_prefix(cs) {
                        if !cpg {
                            out.push(r);
                        } else if let Some(r) = r.strip_prefix(b"\\ansicpg") {
                            out.push(r);
                        }
                    }
                }
            }
        }
        out
    };
    let fonts = |gap: usize| after_cpg(0..=15, true).into_iter().find_map(|r| rtf_default_fonts(r, gap));
    let v19 = [&b"\\*\\colorschememapping"[..], b"\\afelev", b"\\*\\datastore", b"\\*\\defchp"];
    if fonts(5).is_some_and(|r| v19.iter().any(|w| memmem::find(r, w).is_some())) {
        return rtf("RTF 1.9", Some("fmt/355"));
    }
    if fonts(4).is_some_and(|r| memmem::find(r, b"\\lsdstimax").is_some()) {
        return rtf("RTF 1.8", Some("fmt/53"));
    }
    if after_cpg(0..=0, true).into_iter().any(|r| rtf_default_fonts(r, 4).is_some()) {
        return rtf("RTF 1.7", Some("fmt/52"));
    }
    if !after_cpg(0..=1, true).is_empty() {
        return rtf("RTF 1.5–1.6", Some("fmt/50"));
    }
    if !after_cpg(0..=0, false).is_empty() {
        return rtf("RTF 1.0–1.4", Some("fmt/45"));
    }
    rtf("RTF", None)
}

/// After `\ansicpg`: at least 3 bytes, then `\stshfdbch`, `\stshfloch`, `\stshfhich` and
/// `\stshfbi`, each 1 to `gap` bytes after the previous one; the rest after them.
fn rtf_default_fonts(s: &[u8], gap: usize) -> Option<&[u8]> {
    let first = 3 + memmem::find(s.get(3..)?, b"\\stshfdbch")?;
    let mut at = first + b"\\stshfdbch".len();
    for word in [&b"\\stshfloch"[..], b"\\stshfhich", b"\\stshfbi"] {
        let g = (1..=gap).find(|&g| s.get(at + g..).is_some_and(|r| r.starts_with(word)))?;
        at += g + word.len();
    }
    s.get(at..)
}

/// The head as ASCII-compatible bytes for text sniffing: without a BOM, and with UTF-16
/// reduced to its low bytes.
fn text_head(head: &[u8], encoding: Encoding) -> Vec<u8> {
    let utf16 = |le: bool| -> Vec<u8> {
        head.get(2..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|p| {
                let (lo, hi) = if le { (p[0], p[1]) } else { (p[1], p[0]) };
                if hi == 0 { lo } else { 0xFF }
            })
            .collect()
    };
    match encoding {
        Encoding::Utf16Le => utf16(true),
        Encoding::Utf16Be => utf16(false),
        _ => head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head).to_vec(),
    }
}

/// Whether the text starts like a JSON object or array (so that `[section]` does not).
fn looks_like_json(text: &[u8]) -> bool {
    let next = |s: &[u8]| s.iter().copied().find(|b| !b.is_ascii_whitespace());
    match text.split_first() {
        Some((b'{', rest)) => matches!(next(rest), Some(b'"' | b'}') | None),
        Some((b'[', rest)) => matches!(
            next(rest),
            Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' | b']') | None
        ),
        _ => false,
    }
}

/// Formats told by magic bytes in the head, then text formats.
fn plain_format(head: &[u8], name: &str, encoding: Encoding) -> Format {
    if let Some(f) = tiff_format(head).or_else(|| jp2_format(head)).or_else(|| bmp_format(head)) {
        return f;
    }
    if let Some(f) = shapefile_format(head, name) {
        return f;
    }
    if head.starts_with(b"\x1F\x8B") {
        return GZIP;
    }
    if head.starts_with(b"BZh") && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b)) {
        return BZIP2;
    }
    if head.starts_with(b"\xFD7zXZ\0") {
        return XZ;
    }
    // Zstandard (RFC 8878): a nested .tar.zst, like a .tar.gz, is listed as an archive.
    if head.starts_with(b"\x28\xB5\x2F\xFD") {
        return ZSTD;
    }
    if head.starts_with(b"7z\xBC\xAF\x27\x1C") {
        return SEVEN_Z;
    }
    if head.starts_with(b"Rar!\x1A\x07\x01\x00") {
        return RAR5;
    }
    if head.starts_with(b"Rar!\x1A\x07\x00") {
        // The unpack version of the first file header: 2.0 (0x14) or 2.9 (0x1D, RAR 3–4).
        return if head.get(44) == Some(&0x14) { RAR2 } else { RAR4 };
    }
    if head.get(257..262) == Some(b"ustar") || tar_v7_header(head) {
        return TAR;
    }
    if head.starts_with(b"SQLite format 3\0") {
        return SQLITE;
    }
    if head.get(4..19) == Some(b"Standard Jet DB") {
        return if head.get(0x14) == Some(&0) { ACCESS_JET3 } else { ACCESS_JET4 };
    }
    if head.get(4..19) == Some(b"Standard ACE DB") {
        return ACCESS_ACE;
    }
    if has_ext(name, &[".dbf"])
        && let Some(f) = dbf_format(head)
    {
        return f;
    }
    if !encoding.is_text() {
        return UNKNOWN;
    }
    let decoded = text_head(head, encoding);
    let text = decoded.trim_ascii_start();
    let lower: Vec<u8> = text.iter().take(32).map(u8::to_ascii_lowercase).collect();
    if text.starts_with(b"{\\rtf") {
        return rtf_format(head);
    }
    if let Some(f) = prj_format(text, name) {
        return f;
    }
    if has_ext(name, &[".ndjson", ".jsonl"]) {
        return NDJSON;
    }
    if has_ext(name, &[".json", ".geojson"]) {
        return JSON;
    }
    if has_ext(name, &[".csv"]) {
        return CSV;
    }
    if has_ext(name, &[".tsv", ".tab"]) {
        return TSV;
    }
    if lower.starts_with(b"<!doctype html") {
        let rest = lower[14..].trim_ascii_start();
        return if rest.starts_with(b">") { HTML5 } else { HTML };
    }
    if lower.starts_with(b"<html") || (has_ext(name, &[".html", ".htm"]) && text.starts_with(b"<")) {
        return HTML;
    }
    if text.starts_with(b"<?xml") {
        return XML;
    }
    if has_ext(name, &[".xml", ".svg", ".xsd", ".xsl", ".xslt", ".rdf", ".gml", ".kml", ".gpx", ".xhtml"])
        && text.starts_with(b"<")
        && text.get(1).is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'!' | b'?' | b'_'))
    {
        return XML;
    }
    if looks_like_json(text) {
        return JSON;
    }
    TEXT
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Feeds `bytes` in chunks of `size` bytes.
    fn sniff(bytes: &[u8], size: usize, path: &str, encoding: Encoding) -> Format {
        let mut s = Sniffer::new();
        for c in bytes.chunks(size.max(1)) {
            s.update(c);
        }
        s.finish(path, encoding)
    }

    /// The format with 7-byte chunks, 64 KiB chunks and one piece, which must agree.
    fn sniff_all(bytes: &[u8], path: &str, encoding: Encoding) -> Format {
        let small = sniff(bytes, 7, path, encoding);
        assert_eq!(sniff(bytes, 64 * 1024, path, encoding), small, "64 KiB chunks");
        assert_eq!(sniff(bytes, bytes.len(), path, encoding), small, "one chunk");
        small
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, data) in entries {
            w.start_file(*name, stored).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn xlsx_entries() -> Vec<(&'static str, &'static [u8])> {
        vec![
            ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>".as_slice()),
            ("_rels/.rels", b"<Relationships/>".as_slice()),
            ("xl/workbook.xml", b"<workbook/>".as_slice()),
            ("xl/worksheets/sheet1.xml", b"<worksheet/>".as_slice()),
        ]
    }

    #[test]
    fn xlsx_in_small_chunks() {
        let bytes = zip_of(&xlsx_entries());
        let f = sniff_all(&bytes, "export/budget.xlsx", Encoding::Binary);
        assert_eq!(f, XLSX);
        assert_eq!(f.puid, Some("fmt/214"));
        assert_eq!(f.note, Some("RGI v2 : en observation"));
        assert!(!f.archive);
        assert_eq!(f.family(), "spreadsheet");
    }

    #[test]
    fn macro_enabled_ooxml() {
        // By the VBA project's name, in the central directory.
        let mut entries = xlsx_entries();
        entries.push(("xl/vbaProject.bin", b"\xD0\xCF\x11\xE0"));
        let f = sniff_all(&zip_of(&entries), "a.xlsm", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.family()), ("XLSM", Some("fmt/445"), "spreadsheet"));
        let docm = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b""),
        ]);
        assert_eq!(sniff_all(&docm, "a.docm", Encoding::Binary).puid, Some("fmt/523"));
        // By the content type, [Content_Types].xml coming first and deflated, as Office writes it
        // (a macro-enabled document without macros has no vbaProject.bin).
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("[Content_Types].xml", deflated).unwrap();
        w.write_all(b"<?xml version=\"1.0\"?><Types><Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml\"/></Types>").unwrap();
        w.start_file("ppt/presentation.xml", deflated).unwrap();
        w.write_all(b"<p:presentation/>").unwrap();
        let pptm = w.finish().unwrap().into_inner();
        let f = sniff_all(&pptm, "a.pptm", Encoding::Binary);
        assert_eq!((f.puid, f.openness, f.note), (Some("fmt/487"), Openness::Open, Some(NOTE_OOXML)));
        // A plain XLSX stays fmt/214.
        assert_eq!(sniff_all(&zip_of(&xlsx_entries()), "a.xlsx", Encoding::Binary).puid, Some("fmt/214"));
    }

    #[test]
    fn docx_and_pptx() {
        let docx = zip_of(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
        assert_eq!(sniff_all(&docx, "a.bin", Encoding::Binary), DOCX);
        let pptx =
            zip_of(&[("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p:presentation/>")]);
        assert_eq!(sniff_all(&pptx, "a.pptx", Encoding::Binary), PPTX);
    }

    #[test]
    fn ods_odt_in_small_chunks() {
        let ods = zip_of(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
            ("content.xml", b"<office:document-content/>"),
        ]);
        // The mimetype content is visible at offset 38 of the stream.
        assert_eq!(&ods[30..38], b"mimetype");
        let f = sniff_all(&ods, "deliberations/2024.ods", Encoding::Binary);
        // No office:version in content.xml: ODF 1.1 for PRONOM.
        assert_eq!(f, Format { puid: Some("fmt/294"), ..ODS });
        assert_eq!(f.openness, Openness::Open);
        assert_eq!(f.note, None);
        let odt =
            zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]);
        assert_eq!(sniff_all(&odt, "a.odt", Encoding::Binary).name, "ODT");
        // Without a mimetype entry, the manifest and content still make an ODF package.
        let odf =
            zip_of(&[("META-INF/manifest.xml", b"<m/>".as_slice()), ("content.xml", b"<x/>".as_slice())]);
        assert_eq!(sniff_all(&odf, "a.zip", Encoding::Binary), ODF);
        // A mimetype whose sizes are in a data descriptor is read up to the next signature.
        let mut names = ZipNames::default();
        let mut dd = b"PK\x03\x04\x14\0\x08\0\0\0".to_vec();
        dd.resize(26, 0);
        dd.extend_from_slice(&[8, 0, 0, 0]);
        dd.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.presentationPK\x07\x08");
        zip_local_names(&dd, &mut names);
        assert_eq!(names.format(), ODP);
    }

    /// An ODF package as LibreOffice lays it out: `mimetype` stored first, then deflated parts,
    /// `content.xml` after 100 KiB of styles and thumbnail, its root element carrying many
    /// namespace declarations before `office:version`.
    fn odf_package(mimetype: &str, version: Option<&str>) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let deflated =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(mimetype.as_bytes()).unwrap();
        let noise: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        w.start_file("Thumbnails/thumbnail.png", stored).unwrap();
        w.write_all(&noise).unwrap();
        w.start_file("styles.xml", deflated).unwrap();
        w.write_all(b"<?xml version=\"1.0\"?><office:document-styles office:version=\"1.0\"/>").unwrap();
        let mut content =
            String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content");
        for i in 0..60 {
            content.push_str(&format!(" xmlns:ns{i}=\"urn:oasis:names:tc:opendocument:xmlns:ns{i}:1.0\""));
        }
        if let Some(v) = version {
            content.push_str(&format!(" office:version=\"{v}\""));
        }
        content.push_str("><office:body/></office:document-content>");
        w.start_file("content.xml", deflated).unwrap();
        w.write_all(content.as_bytes()).unwrap();
        w.start_file("META-INF/manifest.xml", deflated).unwrap();
        w.write_all(b"<manifest:manifest manifest:version=\"1.3\"/>").unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn odf_versions_from_content_xml() {
        let kinds = [
            ("text", "ODT", ["fmt/136", "fmt/290", "fmt/291", "fmt/1756"]),
            ("spreadsheet", "ODS", ["fmt/137", "fmt/294", "fmt/295", "fmt/1755"]),
            ("presentation", "ODP", ["fmt/138", "fmt/292", "fmt/293", "fmt/1754"]),
            ("graphics", "ODG", ["fmt/139", "fmt/296", "fmt/297", "fmt/1753"]),
        ];
        for (kind, name, puids) in kinds {
            let mimetype = format!("application/vnd.oasis.opendocument.{kind}");
            for (version, puid) in ["1.0", "1.1", "1.2", "1.3"].into_iter().zip(puids) {
                let bytes = odf_package(&mimetype, Some(version));
                let f = sniff(&bytes, 65_536, "a.bin", Encoding::Binary);
                assert_eq!(sniff(&bytes, 1000, "a.bin", Encoding::Binary), f);
                assert_eq!(
                    (f.name, f.puid, f.openness),
                    (name, Some(puid), Openness::Open),
                    "{kind} {version}"
                );
            }
            // No version, or one PRONOM does not know: 1.1.
            for version in [None, Some("1.4")] {
                let f = sniff(&odf_package(&mimetype, version), 65_536, "a.bin", Encoding::Binary);
                assert_eq!(f.puid, Some(puids[1]), "{kind} {version:?}");
            }
        }
        // A damaged content.xml (not deflate data) leaves the version unknown: 1.1.
        let mut bytes = odf_package("application/vnd.oasis.opendocument.text", Some("1.3"));
        let at = memmem::find(&bytes, b"content.xml").unwrap() + 11;
        bytes[at..at + 64].fill(0xFF);
        assert_eq!(sniff(&bytes, 65_536, "a.odt", Encoding::Binary).puid, Some("fmt/290"));
        // Small chunks, the header and the content split anywhere.
        let bytes = odf_package("application/vnd.oasis.opendocument.spreadsheet", Some("1.3"));
        assert_eq!(sniff_all(&bytes, "a.ods", Encoding::Binary).puid, Some("fmt/1755"));
    }

    #[test]
    fn plain_zip_is_an_archive() {
        let bytes = zip_of(&[("a.csv", b"x;y\n"), ("xl.txt", b"not ooxml")]);
        let f = sniff_all(&bytes, "a.zip", Encoding::Binary);
        assert_eq!(f, ZIP);
        assert!(f.archive);
        // A folder named xl/ without [Content_Types].xml nor workbook is not OOXML.
        let bytes = zip_of(&[("xl/notes.txt", b"hello")]);
        assert_eq!(sniff_all(&bytes, "a.zip", Encoding::Binary), ZIP);
        // An empty zip is only an EOCD record.
        let empty = zip_of(&[]);
        assert_eq!(sniff_all(&empty, "e.zip", Encoding::Binary), ZIP);
    }

    #[test]
    fn xlsx_with_central_directory_after_64k_of_data() {
        // Put the OOXML evidence only in the central directory: the first entry is a big
        // padding entry, so the head sees no xl/ name.
        let padding: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![("padding.bin", padding.as_slice())];
        entries.extend(xlsx_entries());
        let bytes = zip_of(&entries);
        assert!(bytes.len() > 64 * 1024);
        // The head alone does not tell.
        let mut head_only = ZipNames::default();
        zip_local_names(&bytes[..HEAD], &mut head_only);
        assert_eq!(head_only.format(), ZIP);
        assert_eq!(sniff_all(&bytes, "a.bin", Encoding::Binary), XLSX);
        for size in [1000, 4096, 65_535, 65_537, 100_000] {
            assert_eq!(sniff(&bytes, size, "a.bin", Encoding::Binary), XLSX, "chunk size {size}");
        }
    }

    #[test]
    fn xlsx_with_central_directory_larger_than_the_tail() {
        let names: Vec<String> = (0..1500)
            .map(|i| format!("xl/worksheets/sheet{i:05}_with_a_rather_long_name_for_padding.xml"))
            .collect();
        let mut entries: Vec<(&str, &[u8])> = xlsx_entries();
        entries.extend(names.iter().map(|n| (n.as_str(), b"<worksheet/>".as_slice())));
        let bytes = zip_of(&entries);
        // Check the central directory is indeed larger than the tail.
        let eocd = memmem::rfind(&bytes, b"PK\x05\x06").unwrap();
        assert!(u32_at(&bytes, eocd + 12).unwrap() as usize > TAIL);
        assert_eq!(sniff_all(&bytes, "big.xlsx", Encoding::Binary), XLSX);
    }

    #[test]
    fn deflated_xlsx() {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in xlsx_entries() {
            w.start_file(name, deflated).unwrap();
            w.write_all(&data.repeat(500)).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(sniff_all(&bytes, "a.xlsx", Encoding::Binary), XLSX);
    }

    #[test]
    fn zip64_end_of_central_directory() {
        // Rewrite a small XLSX's EOCD as a zip64 one: record, locator, EOCD with 0xFF..FF fields.
        let bytes = zip_of(&xlsx_entries());
        let eocd = memmem::rfind(&bytes, b"PK\x05\x06").unwrap();
        let entries = u16_at(&bytes, eocd + 10).unwrap() as u64;
        let cd_size = u32_at(&bytes, eocd + 12).unwrap() as u64;
        let cd_offset = u32_at(&bytes, eocd + 16).unwrap() as u64;
        let mut z = bytes[..eocd].to_vec();
        let record = z.len() as u64;
        z.extend_from_slice(b"PK\x06\x06");
        z.extend_from_slice(&44u64.to_le_bytes());
        z.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [entries, entries, cd_size, cd_offset] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        z.extend_from_slice(b"PK\x06\x07\0\0\0\0");
        z.extend_from_slice(&record.to_le_bytes());
        z.extend_from_slice(&1u32.to_le_bytes());
        z.extend_from_slice(b"PK\x05\x06\0\0\0\0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\0\0");
        let mut names = ZipNames::default();
        zip_tail_names(&z, z.len() as u64, &mut names);
        assert!(names.content_types && names.xl_main);
        assert_eq!(sniff_all(&z, "a.bin", Encoding::Binary), XLSX);
    }

    fn pdf_with(xmp: &str, pad: usize) -> Vec<u8> {
        let mut bytes = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', pad));
        bytes.extend_from_slice(xmp.as_bytes());
        bytes.extend_from_slice(b"\nstartxref\n0\n%%EOF\n");
        bytes
    }

    const XMP_ATTR: &str = "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
                            pdfaid:part=\"2\" pdfaid:conformance=\"B\"/>";
    const XMP_ELEM: &str = "<rdf:Description xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
                            <pdfaid:part>1</pdfaid:part>\n  <pdfaid:conformance>A</pdfaid:conformance>\
                            </rdf:Description>";

    #[test]
    fn pdfa_attribute_and_element_forms() {
        let f = sniff_all(&pdf_with(XMP_ATTR, 5000), "a.pdf", Encoding::Binary);
        assert_eq!((f.name, f.puid), ("PDF/A-2b", Some("fmt/477")));
        let f = sniff_all(&pdf_with(XMP_ELEM, 100), "a.pdf", Encoding::Binary);
        assert_eq!((f.name, f.puid), ("PDF/A-1a", Some("fmt/95")));
        assert_eq!(f.family(), "document");
    }

    #[test]
    fn pdfa_marker_split_across_chunk_boundary() {
        // The PDF header is 15 bytes long: put the marker across the 64 KiB boundary.
        let off = XMP_ATTR.find("pdfaid:part").unwrap();
        let bytes = pdf_with(XMP_ATTR, 65_536 - 15 - off - 5);
        let at = memmem::find(&bytes, b"pdfaid:part").unwrap();
        assert!(at < 65_536 && at + 11 > 65_536);
        // Cut inside the needle, inside the value, and right after each of them.
        for cut in [at + 3, at + 11, at + 13, at + 14, at + 40] {
            let mut s = Sniffer::new();
            s.update(&bytes[..cut]);
            s.update(&bytes[cut..]);
            let f = s.finish("a.pdf", Encoding::Binary);
            assert_eq!(f.puid, Some("fmt/477"), "cut at {cut}");
        }
        // And with 64 KiB chunks, where the boundary falls in the marker.
        assert_eq!(sniff(&bytes, 65_536, "a.pdf", Encoding::Binary).puid, Some("fmt/477"));
    }

    #[test]
    fn pdfa_marker_at_the_very_end() {
        // PDF/A signatures ask for no %%EOF: the properties may end the stream.
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend(std::iter::repeat_n(b' ', 2000));
        bytes.extend_from_slice(b"xmlns:pdfaid='http://www.aiim.org/pdfa/ns/id/' ");
        bytes.extend_from_slice(b"pdfaid:conformance='U' pdfaid:part='3'");
        assert_eq!(sniff_all(&bytes, "a.pdf", Encoding::Utf8).puid, Some("fmt/481"));
    }

    #[test]
    fn pdfa_every_part_and_conformance() {
        for (part, conformance, puid) in [
            ("1", "A", "fmt/95"),
            ("1", "B", "fmt/354"),
            ("2", "A", "fmt/476"),
            ("2", "B", "fmt/477"),
            ("2", "U", "fmt/478"),
            ("3", "A", "fmt/479"),
            ("3", "B", "fmt/480"),
            ("3", "U", "fmt/481"),
        ] {
            let xmp = format!(
                "<rdf:Description xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
                 <pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>{conformance}</pdfaid:conformance>"
            );
            let f = sniff_all(&pdf_with(&xmp, 300), "a.pdf", Encoding::Binary);
            assert_eq!(
                (f.puid, f.openness, f.family()),
                (Some(puid), Openness::Open, "document"),
                "{part}{conformance}"
            );
        }
    }

    #[test]
    fn pdfa_needs_what_pronom_needs() {
        let plain = |xmp: &str| sniff_all(&pdf_with(xmp, 100), "a.pdf", Encoding::Binary);
        // No namespace declaration before the properties: plain PDF 1.7.
        assert_eq!(plain("pdfaid:part=\"2\" pdfaid:conformance=\"B\"").puid, Some("fmt/276"));
        // The properties more than 120 bytes apart.
        let apart = format!(
            "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" pdfaid:part=\"2\"{}pdfaid:conformance=\"B\"",
            " ".repeat(121)
        );
        assert_eq!(plain(&apart).puid, Some("fmt/276"));
        // A pair PDF/A does not define (1u), whitespace inside the element.
        let ns = "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" ";
        assert_eq!(plain(&format!("{ns}pdfaid:part=\"1\" pdfaid:conformance=\"U\"")).puid, Some("fmt/276"));
        assert_eq!(
            plain(&format!("{ns}<pdfaid:part> 2 </pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"))
                .puid,
            Some("fmt/276")
        );
        // A PDF/A header more than 144 bytes in: not PDF/A, and not plain PDF either.
        let mut late = vec![b'\n'; 200];
        late.extend(pdf_with(XMP_ATTR, 10));
        let f = sniff_all(&late, "a.pdf", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.note), ("PDF 1.7", None, Some(NOTE_NO_PUID)));
    }

    #[test]
    fn pdfa_4() {
        let pdf2 = |xmp: &str| {
            let mut b = b"%PDF-2.0\n%\xE2\xE3\xCF\xD3\n".to_vec();
            b.extend_from_slice(xmp.as_bytes());
            b.extend_from_slice(b"\n%%EOF\n");
            sniff_all(&b, "a.pdf", Encoding::Binary)
        };
        let f = pdf2("<pdfaid:part>4</pdfaid:part><pdfaid:rev>2020</pdfaid:rev>");
        assert_eq!((f.name, f.puid), ("PDF/A-4", Some("fmt/1910")));
        assert_eq!(
            pdf2("<pdfaid:conformance>E</pdfaid:conformance> <pdfaid:part>4</pdfaid:part>").puid,
            Some("fmt/1911")
        );
        assert_eq!(
            pdf2("<pdfaid:part>4</pdfaid:part><pdfaid:conformance>F</pdfaid:conformance>").puid,
            Some("fmt/1912")
        );
        // The attribute form is not in PRONOM's PDF/A-4 signatures: plain PDF 2.0.
        assert_eq!(pdf2("pdfaid:part=\"4\"").puid, Some("fmt/1129"));
    }

    #[test]
    fn plain_pdf_versions() {
        let f = sniff_all(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "x.pdf", Encoding::Utf8);
        assert_eq!((f.name, f.puid, f.openness), ("PDF 1.4", Some("fmt/18"), Openness::Open));
        for (v, puid) in [
            ("1.0", "fmt/14"),
            ("1.1", "fmt/15"),
            ("1.2", "fmt/16"),
            ("1.3", "fmt/17"),
            ("1.5", "fmt/19"),
            ("1.6", "fmt/20"),
            ("1.7", "fmt/276"),
            ("2.0", "fmt/1129"),
        ] {
            let bytes = format!("%PDF-{v}\n%%EOF\n");
            assert_eq!(sniff_all(bytes.as_bytes(), "x", Encoding::Utf8).puid, Some(puid), "{v}");
        }
        // %%EOF must be in the last 1 KiB.
        let mut far = b"%PDF-1.5\n%%EOF\n".to_vec();
        far.extend(std::iter::repeat_n(b' ', 1100));
        let f = sniff_all(&far, "x.pdf", Encoding::Utf8);
        assert_eq!((f.name, f.puid, f.note), ("PDF 1.5", None, Some(NOTE_NO_PUID)));
        // PDF 1.x must start at offset 0; PDF 2.0 may come after junk.
        assert_eq!(sniff_all(b"\r\n%PDF-1.5\n%%EOF", "x", Encoding::Utf8).puid, None);
        assert_eq!(sniff_all(b"\r\n%PDF-2.0\n%%EOF", "x", Encoding::Utf8).puid, Some("fmt/1129"));
        // A PDF that mentions pdfaid only in a namespace declaration is not PDF/A.
        let bytes = pdf_with("xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"", 10);
        assert_eq!(sniff_all(&bytes, "x.pdf", Encoding::Binary).name, "PDF 1.7");
    }

    /// A minimal JPEG: SOI, the given APPn segments, a quantisation table, EOI.
    fn jpeg_with(segments: &[(u8, &[u8])]) -> Vec<u8> {
        let mut b = b"\xFF\xD8".to_vec();
        for (marker, payload) in segments {
            b.extend_from_slice(&[0xFF, *marker]);
            b.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
            b.extend_from_slice(payload);
        }
        b.extend_from_slice(b"\xFF\xDB\x00\x03\x00\xFF\xD9");
        b
    }

    /// An Exif APP1 payload: IFD0 with an ExifIFD pointer, the Exif IFD with ExifVersion.
    fn exif_app1(big_endian: bool, version: &[u8; 4]) -> Vec<u8> {
        let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut t = if big_endian { b"MM\0*".to_vec() } else { b"II*\0".to_vec() };
        t.extend_from_slice(&u32b(8));
        // IFD0: one entry, ExifIFDPointer (0x8769, LONG, 1) -> 26.
        t.extend_from_slice(&u16b(1));
        t.extend(u16b(0x8769).into_iter().chain(u16b(4)).chain(u32b(1)).chain(u32b(26)));
        t.extend_from_slice(&u32b(0));
        // Exif IFD: ExifVersion (0x9000, UNDEFINED, 4) inline.
        t.extend_from_slice(&u16b(1));
        t.extend(u16b(0x9000).into_iter().chain(u16b(7)).chain(u32b(4)));
        t.extend_from_slice(version);
        t.extend_from_slice(&u32b(0));
        let mut p = b"Exif\0\0".to_vec();
        p.extend(t);
        p
    }

    const JFIF_101: &[u8] = b"JFIF\0\x01\x01\x01\x00\x48\x00\x48\0\0";

    #[test]
    fn jpeg_jfif_versions() {
        for (minor, puid) in [(0u8, "fmt/42"), (1, "fmt/43"), (2, "fmt/44")] {
            let mut app0 = JFIF_101.to_vec();
            app0[6] = minor;
            let f = sniff_all(&jpeg_with(&[(0xE0, &app0)]), "scan.jpg", Encoding::Binary);
            assert_eq!((f.puid, f.openness, f.family()), (Some(puid), Openness::Open, "image"), "1.0{minor}");
        }
        // An Exif APP1 after the JFIF APP0 is still JFIF for PRONOM (its Exif signatures want
        // APP1 first).
        let exif = exif_app1(true, b"0221");
        let f = sniff_all(&jpeg_with(&[(0xE0, JFIF_101), (0xE1, &exif)]), "a.jpg", Encoding::Binary);
        assert_eq!(f.puid, Some("fmt/43"));
        // JFIF 1.03 (no PRONOM version) falls back to the raw JPEG stream.
        let mut app0 = JFIF_101.to_vec();
        app0[6] = 3;
        assert_eq!(sniff_all(&jpeg_with(&[(0xE0, &app0)]), "a.jpg", Encoding::Binary).puid, Some("fmt/41"));
    }

    #[test]
    fn jpeg_exif_versions_both_byte_orders() {
        for (version, puid) in [
            (b"0200", "x-fmt/398"),
            (b"0210", "x-fmt/390"),
            (b"0220", "x-fmt/391"),
            (b"0221", "fmt/645"),
            (b"0230", "fmt/1507"),
            (b"0232", "fmt/1507"),
        ] {
            for be in [true, false] {
                let bytes = jpeg_with(&[(0xE1, &exif_app1(be, version))]);
                let f = sniff_all(&bytes, "photo.jpg", Encoding::Binary);
                assert_eq!((f.puid, f.openness), (Some(puid), Openness::Open), "{version:?} big-endian {be}");
            }
        }
        // Exif 3.0 has no PRONOM entry: raw JPEG.
        let bytes = jpeg_with(&[(0xE1, &exif_app1(false, b"0300"))]);
        assert_eq!(sniff_all(&bytes, "a.jpg", Encoding::Binary).puid, Some("fmt/41"));
    }

    #[test]
    fn jpeg_raw_and_end_of_image() {
        let adobe = jpeg_with(&[(0xEE, b"Adobe\0\x64\0\0\0\0\x01")]);
        let f = sniff_all(&adobe, "a.jpg", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.note), ("JPEG", Some("fmt/41"), None));
        // Exif 2.1's signature wants EOI within 16000 bytes of the end; 20000 bytes of trailing
        // data leave only the raw stream's 64 KiB window.
        let mut late = jpeg_with(&[(0xE1, &exif_app1(true, b"0210"))]);
        late.extend(std::iter::repeat_n(0u8, 20_000));
        assert_eq!(sniff_all(&late, "a.jpg", Encoding::Binary).puid, Some("fmt/41"));
        // Truncated: no EOI at all. Recognised as JPEG, without PRONOM id.
        let mut cut = jpeg_with(&[(0xE0, JFIF_101)]);
        cut.truncate(cut.len() - 2);
        let f = sniff_all(&cut, "a.jpg", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.note, f.openness), ("JPEG", None, Some(NOTE_NO_PUID), Openness::Open));
        // EOI more than 64 KiB before the end.
        let mut far = jpeg_with(&[(0xE0, JFIF_101)]);
        far.extend(std::iter::repeat_n(0u8, 70_000));
        assert_eq!(sniff_all(&far, "a.jpg", Encoding::Binary).puid, None);
    }

    fn png_with(chunks: &[&[u8; 4]]) -> Vec<u8> {
        let mut b =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
        for c in chunks {
            b.extend_from_slice(b"\0\0\0\x01");
            b.extend_from_slice(*c);
            b.extend_from_slice(b"\0\0\0\0\0");
        }
        b.extend_from_slice(b"\0\0\0\x0AIDAT\x78\x9c\x63\x00\x01\x00\x00\x05\x00\x01\x0d\x0a\x2d\xb4");
        b.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82");
        b
    }

    #[test]
    fn png_versions() {
        let f = sniff_all(&png_with(&[]), "a.png", Encoding::Binary);
        assert_eq!(
            (f.name, f.puid, f.openness, f.family()),
            ("PNG 1.0", Some("fmt/11"), Openness::Open, "image")
        );
        assert_eq!(sniff_all(&png_with(&[b"sRGB"]), "a.png", Encoding::Binary).puid, Some("fmt/12"));
        assert_eq!(sniff_all(&png_with(&[b"iCCP"]), "a.png", Encoding::Binary).puid, Some("fmt/12"));
        assert_eq!(sniff_all(&png_with(&[b"sRGB", b"iTXt"]), "a.png", Encoding::Binary).puid, Some("fmt/13"));
        // Up to 4 bytes after IEND: only PNG 1.0's signature allows it.
        let mut padded = png_with(&[b"iTXt"]);
        padded.extend_from_slice(b"\0\0");
        assert_eq!(sniff_all(&padded, "a.png", Encoding::Binary).puid, Some("fmt/11"));
        // No IEND: no PRONOM id.
        let mut cut = png_with(&[]);
        cut.truncate(cut.len() - 12);
        let f = sniff_all(&cut, "a.png", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.note), ("PNG", None, Some(NOTE_NO_PUID)));
    }

    #[test]
    fn gif_tiff_bmp_jp2() {
        let gif = b"GIF89a\x01\0\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
        let f = sniff_all(gif, "a.gif", Encoding::Binary);
        assert_eq!((f.puid, f.openness), (Some("fmt/4"), Openness::Open));
        let mut gif87 = gif.to_vec();
        gif87[4] = b'7';
        assert_eq!(sniff_all(&gif87, "a.gif", Encoding::Binary).puid, Some("fmt/3"));
        assert_eq!(sniff_all(&gif[..gif.len() - 1], "a.gif", Encoding::Binary).puid, None, "no trailer");

        for tiff in [&b"II*\0\x08\0\0\0"[..], b"MM\0*\0\0\0\x08"] {
            let f = sniff_all(tiff, "a.tif", Encoding::Binary);
            assert_eq!((f.name, f.puid, f.openness), ("TIFF", Some("fmt/353"), Openness::Open));
        }
        for big in [&b"II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0"[..], b"MM\0+\0\x08\0\0\0\0\0\0\0\0\0\x10"] {
            let f = sniff_all(big, "a.tif", Encoding::Binary);
            assert_eq!((f.name, f.puid, f.family()), ("BigTIFF", Some("fmt/1917"), "image"));
        }

        // BITMAPFILEHEADER + BITMAPINFOHEADER (40 bytes), 1×1, 24 bits, BI_RGB.
        let mut bmp = b"BM\x3A\0\0\0\0\0\0\0\x36\0\0\0".to_vec();
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0]);
        bmp.resize(0x3A, 0);
        let f = sniff_all(&bmp, "a.bmp", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.openness), ("BMP 3.0", Some("fmt/116"), Openness::Proprietary));
        bmp[14] = 108;
        assert_eq!(sniff_all(&bmp, "a.bmp", Encoding::Binary).puid, Some("fmt/118"));
        bmp[14] = 124;
        assert_eq!(sniff_all(&bmp, "a.bmp", Encoding::Binary).puid, Some("fmt/119"));
        bmp[28] = 7; // no such depth
        assert_eq!(sniff_all(&bmp, "a.bmp", Encoding::Binary).puid, None);

        let mut jp2 = b"\0\0\0\x0CjP  \r\n\x87\n\0\0\0\x14ftypjp2 \0\0\0\0jp2 ".to_vec();
        jp2.extend_from_slice(b"\0\0\0\x2Djp2h");
        let f = sniff_all(&jp2, "a.jp2", Encoding::Binary);
        assert_eq!((f.puid, f.openness, f.family()), (Some("x-fmt/392"), Openness::Open, "image"));
    }

    /// A shapefile header (file code 9994, version 1000, point type) and, for the main file,
    /// one point record numbered 1; for the index file, its entry.
    fn shapefile(index: bool) -> Vec<u8> {
        let mut b = 9994u32.to_be_bytes().to_vec();
        b.resize(24, 0);
        b.extend_from_slice(&(if index { 54u32 } else { 64 }).to_be_bytes());
        b.extend_from_slice(&1000u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.resize(100, 0);
        if index {
            b.extend_from_slice(&50u32.to_be_bytes());
            b.extend_from_slice(&10u32.to_be_bytes());
        } else {
            b.extend_from_slice(&1u32.to_be_bytes());
            b.extend_from_slice(&10u32.to_be_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&2.35f64.to_le_bytes());
            b.extend_from_slice(&48.85f64.to_le_bytes());
        }
        b
    }

    #[test]
    fn shapefile_parts() {
        let f = sniff_all(&shapefile(false), "cadastre/parcelles.shp", Encoding::Binary);
        assert_eq!(
            (f.name, f.puid, f.openness, f.family()),
            ("ESRI Shapefile (SHP)", Some("x-fmt/235"), Openness::Open, "data")
        );
        // The main file is told by content, whatever its name.
        assert_eq!(sniff_all(&shapefile(false), "parcelles", Encoding::Binary).puid, Some("x-fmt/235"));
        let f = sniff_all(&shapefile(true), "cadastre/parcelles.shx", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.openness), ("ESRI Shapefile index (SHX)", None, Openness::Open));
        // A main file without records: the header only, no PRONOM id.
        let f = sniff_all(&shapefile(false)[..100], "vide.shp", Encoding::Binary);
        assert_eq!((f.puid, f.note), (None, Some(NOTE_NO_PUID)));
        let prj = b"PROJCS[\"RGF93_Lambert_93\",GEOGCS[\"GCS_RGF_1993\",DATUM[\"D_RGF_1993\"]]]";
        let f = sniff_all(prj, "cadastre/parcelles.prj", Encoding::Utf8);
        assert_eq!(
            (f.name, f.puid, f.openness, f.is_text()),
            ("ESRI projection (WKT)", None, Openness::Open, true)
        );
        assert_eq!(sniff_all(b"hello", "notes.prj", Encoding::Utf8), TEXT);
        // dBASE III table of a shapefile.
        let mut dbf = vec![0x03, 124, 5, 17, 1, 0, 0, 0, 65, 0, 11, 0];
        dbf.resize(65, 0);
        let f = sniff_all(&dbf, "cadastre/parcelles.dbf", Encoding::Binary);
        assert_eq!((f.puid, f.openness), (Some("x-fmt/9"), Openness::Proprietary));
    }

    #[test]
    fn rtf_versions() {
        let rtf = |s: &str| sniff_all(s.as_bytes(), "a.rtf", Encoding::Utf8);
        // Word 2002–2003 number the default fonts with up to 4 digits; Word 2007 with up to 5.
        let fonts = "{\\fonttbl{\\f0 Times;}}\\stshfdbch0\\stshfloch0\\stshfhich0\\stshfbi0";
        let fonts5 = "\\stshfdbch31505\\stshfloch31506\\stshfhich31506\\stshfbi31507";
        assert_eq!(rtf("{\\rtf1\\ansi\\deff0 hello}").puid, Some("fmt/45"));
        assert_eq!(rtf("{\\rtf1\\ansi\\ansicpg1252\\deff0 hello}").puid, Some("fmt/50"));
        let f = rtf(&format!("{{\\rtf1\\ansi\\ansicpg1252\\deff0{fonts} hello}}"));
        assert_eq!((f.name, f.puid, f.openness), ("RTF 1.7", Some("fmt/52"), Openness::Proprietary));
        let f = rtf(&format!("{{\\rtf1\\adeflang1025\\ansi\\ansicpg1252{fonts}\\lsdstimax156 hello}}"));
        assert_eq!(f.puid, Some("fmt/53"));
        let f =
            rtf(&format!("{{\\rtf1\\adeflang1025\\ansi\\ansicpg1252{fonts5}{{\\*\\defchp \\fs22}} hello}}"));
        assert_eq!((f.puid, f.family(), f.is_text()), (Some("fmt/355"), "document", true));
        // Whitespace before `{\rtf`: RTF, but no PRONOM signature matches.
        assert_eq!(sniff_all(b"\n{\\rtf1\\ansi}", "a.rtf", Encoding::Utf8).puid, None);
    }

    /// Files written by ImageMagick and Ghostscript (see `testdata/README.md`), identified as
    /// PRONOM identifies them.
    #[test]
    fn real_producers() {
        let cases: [(&str, &[u8], &str, &str); 11] = [
            ("imagemagick.jpg", include_bytes!("testdata/imagemagick.jpg"), "JPEG (JFIF 1.01)", "fmt/43"),
            // gAMA, cHRM, bKGD, tIME, tEXt: none of the chunks PRONOM's 1.1 and 1.2 signatures want.
            ("imagemagick.png", include_bytes!("testdata/imagemagick.png"), "PNG 1.0", "fmt/11"),
            ("imagemagick.gif", include_bytes!("testdata/imagemagick.gif"), "GIF 89a", "fmt/4"),
            ("imagemagick.tif", include_bytes!("testdata/imagemagick.tif"), "TIFF", "fmt/353"),
            (
                "imagemagick-bigtiff.tif",
                include_bytes!("testdata/imagemagick-bigtiff.tif"),
                "BigTIFF",
                "fmt/1917",
            ),
            ("imagemagick.bmp", include_bytes!("testdata/imagemagick.bmp"), "BMP 5.0", "fmt/119"),
            ("imagemagick-bmp3.bmp", include_bytes!("testdata/imagemagick-bmp3.bmp"), "BMP 3.0", "fmt/116"),
            ("imagemagick.jp2", include_bytes!("testdata/imagemagick.jp2"), "JPEG 2000 (JP2)", "x-fmt/392"),
            ("ghostscript.pdf", include_bytes!("testdata/ghostscript.pdf"), "PDF 1.7", "fmt/276"),
            (
                "ghostscript-pdfa1b.pdf",
                include_bytes!("testdata/ghostscript-pdfa1b.pdf"),
                "PDF/A-1b",
                "fmt/354",
            ),
            (
                "ghostscript-pdfa2b.pdf",
                include_bytes!("testdata/ghostscript-pdfa2b.pdf"),
                "PDF/A-2b",
                "fmt/477",
            ),
        ];
        for (name, bytes, format, puid) in cases {
            let f = sniff_all(bytes, name, Encoding::Binary);
            assert_eq!((f.name, f.puid, f.note), (format, Some(puid), None), "{name}");
        }
    }

    fn ole2_with(entry: &[u8], at: usize) -> Vec<u8> {
        let mut bytes = OLE2_MAGIC.to_vec();
        bytes.resize(4096, 0);
        bytes[at..at + entry.len()].copy_from_slice(entry);
        bytes
    }

    #[test]
    fn ole2_by_directory_name_and_by_file_name() {
        let wb = OLE2_NEEDLES[0];
        let f = sniff_all(&ole2_with(wb, 1024 + 128), "a.bin", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.openness), ("XLS", Some("fmt/61"), Openness::Proprietary));
        assert_eq!(sniff_all(&ole2_with(OLE2_NEEDLES[1], 1536), "a", Encoding::Binary), DOC);
        assert_eq!(sniff_all(&ole2_with(OLE2_NEEDLES[2], 1536), "a", Encoding::Binary), PPT);
        assert_eq!(
            sniff_all(&ole2_with(OLE2_NEEDLES[3], 1536), "a.xlsx", Encoding::Binary),
            OFFICE_ENCRYPTED
        );
        let utf16 = |n: &str| n.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
        for (needle, name) in OLE2_NEEDLES.iter().zip([
            "Workbook",
            "WordDocument",
            "PowerPoint Document",
            "EncryptedPackage",
            "__properties_version1.0",
            "__nameid_version1.0",
        ]) {
            assert_eq!(*needle, utf16(name).as_slice(), "{name}");
        }
        // An Outlook message, even with a workbook attached.
        let mut msg = ole2_with(OLE2_NEEDLES[4], 1024);
        msg[1152..1152 + OLE2_NEEDLES[5].len()].copy_from_slice(OLE2_NEEDLES[5]);
        msg[1280..1280 + wb.len()].copy_from_slice(wb);
        let f = sniff_all(&msg, "courrier.msg", Encoding::Binary);
        assert_eq!((f.puid, f.openness, f.family()), (Some("x-fmt/430"), Openness::Proprietary, "document"));
        assert_eq!(sniff_all(&ole2_with(OLE2_NEEDLES[4], 1024), "a.msg", Encoding::Binary), OLE2);
        // Misaligned: not a directory entry.
        assert_eq!(sniff_all(&ole2_with(wb, 1000), "a", Encoding::Binary), OLE2);
        // By name.
        assert_eq!(sniff_all(&ole2_with(b"", 600), "C.XLS", Encoding::Binary), XLS);
        assert_eq!(sniff_all(&ole2_with(b"", 600), "c.doc", Encoding::Binary), DOC);
        let f = sniff_all(&ole2_with(b"", 600), "c.msg", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.openness), ("OLE2 compound file", None, Openness::Proprietary));
        // Split in a directory name across chunks.
        let bytes = ole2_with(wb, 2048);
        let mut s = Sniffer::new();
        s.update(&bytes[..2053]);
        s.update(&bytes[2053..]);
        assert_eq!(s.finish("x", Encoding::Binary), XLS);
    }

    #[test]
    fn text_formats() {
        let csv = b"code_insee;nom\n75056;Paris\n";
        let f = sniff_all(csv, "communes/liste.CSV", Encoding::Utf8);
        assert_eq!((f.name, f.puid, f.mime), ("CSV", Some("x-fmt/18"), "text/csv"));
        assert_eq!(sniff_all(b"a\tb\n", "x.tsv", Encoding::Utf8), TSV);
        assert_eq!(sniff_all(b"a;b\n", "x.csv", Encoding::Windows1252), CSV);
        // A CSV name on binary content is not CSV.
        assert_eq!(sniff_all(b"\0\x01\x02", "x.csv", Encoding::Binary), UNKNOWN);
        assert_eq!(sniff_all(b"  {\"a\": [1, 2]}", "data", Encoding::Utf8), JSON);
        assert_eq!(sniff_all(b"[\n  {\"a\": 1}\n]", "data.txt", Encoding::Utf8), JSON);
        assert_eq!(sniff_all(b"\xEF\xBB\xBF[1,2]", "data", Encoding::Utf8Bom), JSON);
        assert_eq!(sniff_all(b"[section]\nkey=1\n", "setup.ini", Encoding::Utf8), TEXT);
        assert_eq!(sniff_all(b"{\"a\":1}\n{\"a\":2}\n", "x.ndjson", Encoding::Utf8), NDJSON);
        assert_eq!(sniff_all(b"{\"a\":1}\n", "x.jsonl", Encoding::Utf8), NDJSON);
        assert_eq!(sniff_all(b"<?xml version=\"1.0\"?><a/>", "x", Encoding::Utf8), XML);
        assert_eq!(sniff_all(b"\n<seda:ArchiveTransfer/>", "manifest.xml", Encoding::Utf8), XML);
        assert_eq!(sniff_all(b"<a/>", "x.txt", Encoding::Utf8), TEXT);
        assert_eq!(
            sniff_all(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "logo.svg", Encoding::Utf8),
            XML
        );
        assert_eq!(sniff_all(b"<!DOCTYPE html>\n<html>", "index", Encoding::Utf8), HTML5);
        assert_eq!(
            sniff_all(b"<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">", "i", Encoding::Utf8),
            HTML
        );
        assert_eq!(sniff_all(b"<HTML><body>", "i", Encoding::Utf8), HTML);
        assert_eq!(sniff_all(b"{\\rtf1\\ansi hello}", "a.rtf", Encoding::Utf8).puid, Some("fmt/45"));
        assert_eq!(sniff_all(b"Bonjour\n", "lisez-moi.txt", Encoding::Iso8859_15), TEXT);
        assert_eq!(TEXT.puid, Some("x-fmt/111"));
        for f in [CSV, TSV, TEXT, XML, JSON, NDJSON, HTML, HTML5, rtf_format(b"{\\rtf1")] {
            assert!(f.is_text(), "{}", f.name);
        }
        for f in [ZIP, XLSX, ODS, XLS, SQLITE, EMPTY, UNKNOWN, pdf_format(b"%PDF-1.4", &PdfA::default(), b"")]
        {
            assert!(!f.is_text(), "{}", f.name);
        }
        // UTF-16 text is sniffed through its low bytes.
        let utf16: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain("<?xml version=\"1.0\"?>".bytes().flat_map(|b| [b, 0]))
            .collect();
        assert_eq!(sniff_all(&utf16, "x", Encoding::Utf16Le), XML);
    }

    #[test]
    fn archives_and_databases() {
        let mut tar = vec![0u8; 1024];
        tar[..5].copy_from_slice(b"a.txt");
        tar[257..263].copy_from_slice(b"ustar\0");
        let f = sniff_all(&tar, "a.tar", Encoding::Binary);
        assert_eq!((f.archive, f), (true, TAR));
        // A v7 tar header has no magic, only a valid checksum.
        tar[257..263].fill(0);
        assert_eq!(sniff_all(&tar, "a.tar", Encoding::Binary), UNKNOWN);
        let sum: u32 = tar[..512].iter().map(|&b| u32::from(b)).sum::<u32>() + 8 * 32;
        tar[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        assert_eq!(sniff_all(&tar, "a.tar", Encoding::Binary), TAR);
        assert_eq!(sniff_all(b"\x1F\x8B\x08\0\0\0\0\0\0\x03", "a.gz", Encoding::Binary), GZIP);
        assert_eq!(sniff_all(b"7z\xBC\xAF\x27\x1C\0\x04", "a.7z", Encoding::Binary), SEVEN_Z);
        assert_eq!(sniff_all(b"Rar!\x1A\x07\x01\x00\0\0", "a.rar", Encoding::Binary), RAR5);
        let mut rar4 = b"Rar!\x1A\x07\x00".to_vec();
        rar4.resize(60, 0);
        rar4[44] = 0x1D;
        let f = sniff_all(&rar4, "a.rar", Encoding::Binary);
        assert_eq!((f.puid, f.openness, f.archive), (Some("fmt/411"), Openness::Proprietary, true));
        assert_eq!(sniff_all(b"BZh91AY&SY", "a.bz2", Encoding::Binary), BZIP2);
        assert_eq!(sniff_all(b"\xFD7zXZ\0\0\x04", "a.xz", Encoding::Binary), XZ);
        let f = sniff_all(b"\x28\xB5\x2F\xFD\x04\0", "a.tar.zst", Encoding::Binary);
        assert_eq!((f.archive, f), (true, ZSTD));
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.resize(100, 0);
        let f = sniff_all(&sqlite, "a.db", Encoding::Binary);
        assert_eq!((f.puid, f.openness, f.family()), (Some("fmt/729"), Openness::Open, "data"));
        let mut mdb = b"\0\x01\0\0Standard Jet DB\0\x01\0\0\0".to_vec();
        mdb.resize(2048, 0);
        assert_eq!(sniff_all(&mdb, "a.mdb", Encoding::Binary), ACCESS_JET4);
        let mut dbf = vec![0x03, 124, 5, 17, 10, 0, 0, 0, 97, 0, 20, 0];
        dbf.resize(97, 0);
        let f = sniff_all(&dbf, "parcelles.dbf", Encoding::Binary);
        assert_eq!((f.name, f.puid, f.openness), ("dBASE (DBF)", Some("x-fmt/9"), Openness::Proprietary));
        assert_eq!(sniff_all(&dbf, "parcelles.bin", Encoding::Binary), UNKNOWN);
    }

    #[test]
    fn empty_and_unknown() {
        let f = Sniffer::new().finish("vide.txt", Encoding::Utf8);
        assert_eq!((f.name, f.puid, f.openness), ("empty", None, Openness::Unknown));
        let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let f = sniff_all(&noise, "x.dat", Encoding::Binary);
        assert_eq!((f.name, f.mime, f.openness), ("unknown", "application/octet-stream", Openness::Unknown));
        assert_eq!(f.family(), "unknown");
    }

    #[test]
    fn serialization() {
        let json = serde_json::to_value(XLSX).unwrap();
        assert_eq!(json["note"], "RGI v2 : en observation");
        assert_eq!(json["openness"], "open");
        assert!(json.get("archive").is_none());
        let json = serde_json::to_value(ODS).unwrap();
        assert!(json.get("note").is_none());
    }

    #[test]
    fn tail_ring_keeps_the_last_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        for size in [1, 7, 1000, 65_536, 70_000] {
            let mut t = Tail::new(TAIL);
            for c in data.chunks(size) {
                t.push(c);
            }
            assert_eq!(t.into_vec(), &data[data.len() - TAIL..], "chunk size {size}");
        }
        let mut t = Tail::new(TAIL);
        t.push(b"abc");
        t.push(b"de");
        assert_eq!(t.into_vec(), b"abcde");
    }

    #[test]
    fn pdfa_properties() {
        let prop = |i: usize, after: &[u8]| pdfa_prop(i, 100, after).map(|p| (p.value, p.end, p.element));
        assert_eq!(prop(1, b"=\"1\" x"), Some((b'1', 100 + 11 + 4, false)));
        assert_eq!(prop(1, b"='2'"), Some((b'2', 115, false)));
        assert_eq!(prop(1, b">3</pdfaid:part>"), Some((b'3', 100 + 11 + 16, true)));
        assert_eq!(prop(2, b">B</pdfaid:conformance>\n"), Some((b'B', 100 + 18 + 23, true)));
        // PRONOM's signatures allow no whitespace and one character.
        assert_eq!(prop(1, b" = '2'"), None);
        assert_eq!(prop(1, b">\n 3 </pdfaid:part>"), None);
        assert_eq!(prop(1, b"=\"10\""), None);
        assert_eq!(prop(1, b">1</pdfaid:conformance>"), None);
        assert!(pdfa_prop(0, 0, b"\"http://www.aiim.org/pdfa/ns/id/\"").is_some());
        assert!(pdfa_prop(0, 0, b"'http://www.aiim.org/pdfa/ns/id/'").is_some());
        assert!(pdfa_prop(0, 0, b"\"http://example.org/\"").is_none());
    }
}
