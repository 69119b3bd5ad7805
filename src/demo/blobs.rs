//! The non-CSV files of a sample export: scans of civil-status records as small PDF/A-1b-looking
//! files, a legacy Excel (OLE2 compound) file for the proprietary-format defect and a text note
//! for the unlisted-file defect. All deterministic.

use super::common::{cp1252_byte, date_string};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// What a scan shows.
pub(crate) struct Scan<'a> {
    /// The piece's identifier, e.g. `PC-00000001`.
    pub(crate) id_piece: &'a str,
    /// The record's identifier.
    pub(crate) id_acte: &'a str,
    /// The record's type (`naissance`…).
    pub(crate) type_acte: &'a str,
    /// The record's number in its year and type.
    pub(crate) numero: u64,
    /// The record's year.
    pub(crate) annee: i32,
    /// The event's date (day number).
    pub(crate) date_evenement: i32,
    /// The person's surname.
    pub(crate) nom: &'a str,
    /// The person's first names.
    pub(crate) prenoms: &'a str,
    /// The commune's name.
    pub(crate) commune: &'a str,
    /// The commune's INSEE code.
    pub(crate) code_commune: &'a str,
}

/// Appends `text` as a PDF literal string in WinAnsiEncoding (octal escapes for non-ASCII).
fn pdf_string(out: &mut String, text: &str) {
    out.push('(');
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => {
                let b = cp1252_byte(c).unwrap_or(b'?');
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
}

/// A one-page PDF 1.4 file that looks like PDF/A-1b: catalog, pages, a page whose content stream
/// writes a few lines about the record, an XMP metadata stream declaring PDF/A part 1
/// conformance B, an info dictionary, a cross-reference table with exact byte offsets, a trailer
/// with a file identifier.
pub(crate) fn scan_pdf(s: &Scan<'_>) -> Vec<u8> {
    let title = format!("Acte n° {} — {} {}", s.numero, s.type_acte, s.annee);
    let date = date_string(s.date_evenement);

    let mut content = String::with_capacity(1024);
    content.push_str("q 0.6 w 36 36 523 770 re S Q\nBT\n/F1 16 Tf\n72 760 Td\n");
    let lines: [(u32, String); 9] = [
        (16, format!("Commune de {} ({})", s.commune, s.code_commune)),
        (12, format!("Registre des actes de {} — année {}", s.type_acte, s.annee)),
        (14, format!("Acte n° {}", s.numero)),
        (12, format!("Date de l'événement : {date}")),
        (12, format!("Nom : {}", s.nom)),
        (12, format!("Prénoms : {}", s.prenoms)),
        (12, format!("Référence : {} / {}", s.id_acte, s.id_piece)),
        (10, "Copie numérisée — document fictif généré par reversa demo.".to_string()),
        (10, "Aucune donnée de cet acte ne concerne une personne réelle.".to_string()),
    ];
    for (i, (size, line)) in lines.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(content, "/F1 {size} Tf\n0 -{} Td", size * 2);
        }
        pdf_string(&mut content, line);
        content.push_str(" Tj\n");
    }
    content.push_str("ET\n");

    let mut xmp = String::with_capacity(4096);
    xmp.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    xmp.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    xmp.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    xmp.push_str("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
    xmp.push_str("<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>\n");
    xmp.push_str("</rdf:Description>\n");
    xmp.push_str("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    xmp.push_str(
        "<dc:format>application/pdf</dc:format>\n<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">",
    );
    crate::report::xml_escape(&mut xmp, &title);
    xmp.push_str("</rdf:li></rdf:Alt></dc:title>\n</rdf:Description>\n");
    xmp.push_str("<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    xmp.push_str("<xmp:CreateDate>2026-01-01T00:00:00Z</xmp:CreateDate>\n");
    xmp.push_str("<xmp:ModifyDate>2026-01-01T00:00:00Z</xmp:ModifyDate>\n");
    xmp.push_str("<xmp:CreatorTool>reversa demo</xmp:CreatorTool>\n</rdf:Description>\n");
    xmp.push_str("<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    xmp.push_str("<pdf:Producer>reversa demo</pdf:Producer>\n</rdf:Description>\n");
    xmp.push_str("</rdf:RDF>\n</x:xmpmeta>\n");
    // The customary padding that lets a tool rewrite the packet in place.
    for _ in 0..16 {
        xmp.push_str(&" ".repeat(99));
        xmp.push('\n');
    }
    xmp.push_str("<?xpacket end=\"w\"?>");

    // Text strings of the info dictionary: UTF-16BE with a byte-order mark.
    let mut info_title = String::from("<FEFF");
    for unit in title.encode_utf16() {
        let _ = write!(info_title, "{unit:04X}");
    }
    info_title.push('>');

    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R /Lang (fr-FR) >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        stream(b"", content.as_bytes()),
        stream(b"/Type /Metadata /Subtype /XML ", xmp.as_bytes()),
        format!(
            "<< /Title {info_title} /Producer (reversa demo) /Creator (reversa demo) \
             /CreationDate (D:20260101000000Z) /ModDate (D:20260101000000Z) >>"
        )
        .into_bytes(),
    ];

    let mut pdf: Vec<u8> = Vec::with_capacity(4096);
    pdf.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in &offsets {
        let _ = writeln!(xref, "{off:010} 00000 n ");
    }
    let id = hex::encode(&Sha256::digest(format!("{}|{}", s.id_piece, s.id_acte))[..16]);
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.extend_from_slice(xref.as_bytes());
    pdf
}

fn stream(dict: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    out.extend_from_slice(b"<< ");
    out.extend_from_slice(dict);
    out.extend_from_slice(format!("/Length {} >>\nstream\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

const SECTOR: usize = 512;
const FREESECT: u32 = 0xFFFF_FFFF;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FATSECT: u32 = 0xFFFF_FFFD;
const NOSTREAM: u32 = 0xFFFF_FFFF;
/// Sectors of the `Workbook` stream: 4096 bytes, the mini-stream cutoff, so it lives in normal
/// sectors.
const WORKBOOK_SECTORS: usize = 8;

fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// A minimal legacy Excel file: an OLE2 compound file (version 3, 512-byte sectors) with a FAT
/// sector, a directory sector (`Root Entry` and a `Workbook` stream) and the 4096-byte
/// `Workbook` stream holding a BIFF8 BOF and EOF record. It need not open in Excel.
pub(crate) fn legacy_xls() -> Vec<u8> {
    let sectors = 2 + WORKBOOK_SECTORS;
    let mut f = vec![0u8; SECTOR * (1 + sectors)];
    // Header.
    f[0..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    put_u16(&mut f, 24, 0x003E); // minor version
    put_u16(&mut f, 26, 0x0003); // major version 3
    put_u16(&mut f, 28, 0xFFFE); // byte order: little-endian
    put_u16(&mut f, 30, 9); // sector shift: 512
    put_u16(&mut f, 32, 6); // mini sector shift: 64
    put_u32(&mut f, 40, 0); // directory sectors (0 in version 3)
    put_u32(&mut f, 44, 1); // FAT sectors
    put_u32(&mut f, 48, 1); // first directory sector
    put_u32(&mut f, 52, 0); // transaction signature
    put_u32(&mut f, 56, 4096); // mini stream cutoff
    put_u32(&mut f, 60, ENDOFCHAIN); // first mini FAT sector
    put_u32(&mut f, 64, 0); // mini FAT sectors
    put_u32(&mut f, 68, ENDOFCHAIN); // first DIFAT sector
    put_u32(&mut f, 72, 0); // DIFAT sectors
    put_u32(&mut f, 76, 0); // DIFAT[0]: the FAT is sector 0
    for i in 1..109 {
        put_u32(&mut f, 76 + 4 * i, FREESECT);
    }
    // Sector 0: the FAT.
    let fat = SECTOR;
    for i in 0..SECTOR / 4 {
        put_u32(&mut f, fat + 4 * i, FREESECT);
    }
    put_u32(&mut f, fat, FATSECT);
    put_u32(&mut f, fat + 4, ENDOFCHAIN);
    for s in 2..2 + WORKBOOK_SECTORS {
        let next = if s + 1 < 2 + WORKBOOK_SECTORS { s as u32 + 1 } else { ENDOFCHAIN };
        put_u32(&mut f, fat + 4 * s, next);
    }
    // Sector 1: the directory, four 128-byte entries.
    let dir = 2 * SECTOR;
    let entry = |f: &mut [u8], i: usize, name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let at = dir + 128 * i;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            put_u16(f, at + 2 * k, *u);
        }
        let name_len = if name.is_empty() { 0 } else { 2 * (units.len() as u16 + 1) };
        put_u16(f, at + 64, name_len);
        f[at + 66] = kind;
        f[at + 67] = 1; // black
        put_u32(f, at + 68, NOSTREAM); // left sibling
        put_u32(f, at + 72, NOSTREAM); // right sibling
        put_u32(f, at + 76, child);
        put_u32(f, at + 116, start);
        put_u32(f, at + 120, size);
    };
    entry(&mut f, 0, "Root Entry", 5, 1, ENDOFCHAIN, 0);
    entry(&mut f, 1, "Workbook", 2, NOSTREAM, 2, (WORKBOOK_SECTORS * SECTOR) as u32);
    entry(&mut f, 2, "", 0, NOSTREAM, 0, 0);
    entry(&mut f, 3, "", 0, NOSTREAM, 0, 0);
    for i in 2..4 {
        f[dir + 128 * i + 67] = 0;
    }
    // Sectors 2..: the Workbook stream: BOF (BIFF8, workbook globals), EOF.
    let wb = 3 * SECTOR;
    let bof: [u8; 20] = [
        0x09, 0x08, 0x10, 0x00, // BOF, 16 bytes
        0x00, 0x06, 0x05, 0x00, // BIFF8, workbook globals
        0xBB, 0x0D, 0xCC, 0x07, // build, year
        0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
    ];
    f[wb..wb + 20].copy_from_slice(&bof);
    f[wb + 20..wb + 24].copy_from_slice(&[0x0A, 0x00, 0x00, 0x00]); // EOF
    f
}

/// The internal note of the unlisted-file defect.
pub(crate) fn internal_note(commune: &str) -> Vec<u8> {
    format!(
        "Notes internes — ne pas diffuser\n\
         Export préparé pour la commune de {commune} le 2026-01-01.\n\
         Reste à faire : vérifier les mentions marginales des actes de 2003.\n\
         Le fichier des paiements du CCAS a été régénéré après correction des montants.\n"
    )
    .into_bytes()
}
