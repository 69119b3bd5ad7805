//! SEDA 2.1 / 2.2 / 2.3 `manifest.xml`: every `BinaryDataObject` with its `Uri`, digests, size
//! and declared format (`FormatIdentification/FormatId`, a PRONOM PUID).
//!
//! The manifest is read with quick-xml's pull parser, iteratively (deep nesting costs no stack).
//! The DOCTYPE is skipped and nothing is ever expanded or fetched: inside the values reversa
//! reads (`Uri`, `MessageDigest`, `Size`), only the five predefined entities and character
//! references are decoded, and any other entity reference makes the value invalid. Findings
//! never carry values read from the manifest other than paths, namespaces, element ids,
//! algorithm names, digests and PRONOM identifiers; their texts are French and English, never a
//! parser's own message.

use super::{DeclaredDigest, DeclaredFile, Manifest, Scope};
use crate::archive::normalise_path;
use crate::finding::{Code, Finding, Location};
use crate::inventory::Algorithm;
use base64::Engine as _;
use quick_xml::NsReader;
use quick_xml::errors::{Error as XmlError, IllFormedError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceError, ResolveResult};
use std::collections::HashSet;

/// A problem described in French and English.
type Text = (String, String);

/// A French and English text from two literals.
fn text(fr: &str, en: &str) -> Text {
    (fr.to_string(), en.to_string())
}

/// The SEDA namespaces reversa reads, with the version each one stands for.
pub const NAMESPACES: [(&str, &str); 3] = [
    ("fr:gouv:culture:archivesdefrance:seda:v2.1", "2.1"),
    ("fr:gouv:culture:archivesdefrance:seda:v2.2", "2.2"),
    ("fr:gouv:culture:archivesdefrance:seda:v2.3", "2.3"),
];

/// The SEDA version a namespace stands for, if reversa reads it.
pub fn version_of(namespace: &str) -> Option<&'static str> {
    NAMESPACES.iter().find(|(ns, _)| *ns == namespace).map(|(_, v)| *v)
}

/// Longest namespace, id or algorithm name copied into a finding; longer ones are cut.
const MAX_NAME: usize = 200;

/// `s`, cut to [`MAX_NAME`] bytes at a character boundary (with `…` when cut).
fn clip(s: &str) -> String {
    if s.len() <= MAX_NAME {
        return s.to_string();
    }
    let mut end = MAX_NAME;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Decodes a `MessageDigest` value for a digest of `len` bytes: hex when it is `2 × len` hex
/// digits, otherwise standard base64 (whitespace ignored) of exactly `len` bytes. Returns
/// lowercase hex.
pub fn decode_digest(value: &str, len: usize) -> Option<String> {
    let value = value.trim();
    if value.len() == 2 * len && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(value.to_ascii_lowercase());
    }
    let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) if bytes.len() == len => Some(hex::encode(bytes)),
        _ => None,
    }
}

/// Best effort for an algorithm reversa does not know: hex as written, or decoded base64.
fn decode_unknown_digest(value: &str) -> String {
    let value = value.trim();
    if !value.is_empty() && value.len().is_multiple_of(2) && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return value.to_ascii_lowercase();
    }
    let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) if !bytes.is_empty() => hex::encode(bytes),
        _ => String::new(),
    }
}

/// Whether `s` holds a `%XX` escape (two hex digits).
fn has_percent_escape(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// Decodes a `Uri`: percent-decoding only when it holds a `%XX` escape. `None` when the decoded
/// bytes are not UTF-8.
pub fn decode_uri(uri: &str) -> Option<String> {
    if has_percent_escape(uri) {
        percent_encoding::percent_decode_str(uri).decode_utf8().ok().map(|c| c.into_owned())
    } else {
        Some(uri.to_string())
    }
}

/// A short description of a quick-xml error, in French and English, without any of the
/// document's text.
fn describe(e: &XmlError) -> Text {
    use quick_xml::errors::SyntaxError as S;
    let (fr, en) = match e {
        XmlError::Io(_) => ("erreur de lecture", "read error"),
        XmlError::Syntax(s) => match s {
            S::InvalidBangMarkup => ("balise « <! » inconnue", "unknown \"<!\" markup"),
            S::UnclosedPI => ("instruction de traitement non fermée", "processing instruction not closed"),
            S::UnclosedXmlDecl => ("déclaration XML non fermée", "XML declaration not closed"),
            S::UnclosedComment => ("commentaire non fermé", "comment not closed"),
            S::UnclosedDoctype => ("DOCTYPE non fermé", "DOCTYPE not closed"),
            S::UnclosedCData => ("section CDATA non fermée", "CDATA section not closed"),
            S::UnclosedTag => ("balise non fermée (« > » manquant)", "tag not closed (missing \">\")"),
            S::UnclosedSingleQuotedAttributeValue | S::UnclosedDoubleQuotedAttributeValue => {
                ("valeur d'attribut non fermée", "attribute value not closed")
            }
        },
        XmlError::IllFormed(i) => match i {
            IllFormedError::MissingDeclVersion(_) => {
                ("déclaration XML sans version en tête", "XML declaration without a leading version")
            }
            IllFormedError::UnknownVersion => ("version XML inconnue", "unknown XML version"),
            IllFormedError::MissingDoctypeName => ("DOCTYPE sans nom", "DOCTYPE without a name"),
            IllFormedError::MissingEndTag(_) => ("balise ouvrante jamais fermée", "start tag not closed"),
            IllFormedError::UnmatchedEndTag(_) => {
                ("balise fermante sans balise ouvrante", "end tag without a start tag")
            }
            IllFormedError::MismatchedEndTag { .. } => (
                "balise fermante qui ne correspond pas à la balise ouvrante",
                "end tag does not match its start tag",
            ),
            IllFormedError::DoubleHyphenInComment => ("« -- » dans un commentaire", "'--' inside a comment"),
            IllFormedError::UnclosedReference => {
                ("référence d'entité ou de caractère non fermée", "entity or character reference not closed")
            }
        },
        XmlError::InvalidAttr(_) => ("attribut invalide ou répété", "invalid or repeated attribute"),
        XmlError::Encoding(_) => ("texte qui n'est pas en UTF-8", "not valid UTF-8"),
        XmlError::Escape(_) => {
            ("référence de caractère ou d'entité invalide", "invalid character or entity reference")
        }
        XmlError::Namespace(n) => match n {
            NamespaceError::UnknownPrefix(_) => {
                ("préfixe d'espace de noms non déclaré", "undeclared namespace prefix")
            }
            NamespaceError::TooManyBindings(_) => {
                ("trop de déclarations d'espaces de noms", "too many namespace declarations")
            }
            NamespaceError::TooDeeplyNested(_) => {
                ("éléments trop profondément imbriqués", "elements nested too deeply")
            }
            NamespaceError::InvalidXmlPrefixBind(_)
            | NamespaceError::InvalidXmlnsPrefixBind(_)
            | NamespaceError::InvalidPrefixForXml(_)
            | NamespaceError::InvalidPrefixForXmlns(_) => {
                ("déclaration d'espace de noms invalide", "invalid namespace declaration")
            }
        },
    };
    text(fr, en)
}

/// Turns byte positions into 1-based line numbers, counting forward only (linear overall).
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, pos: 0, line: 1 }
    }

    /// The line holding byte `pos` (LF, CRLF and lone CR end lines).
    fn at(&mut self, pos: u64) -> u64 {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(self.bytes.len());
        if pos < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let bytes = self.bytes;
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[self.pos..pos]) {
            let i = self.pos + i;
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                self.line += 1;
            }
        }
        self.pos = pos;
        self.line
    }
}

/// The text of one element reversa reads.
#[derive(Debug, Default)]
struct Field {
    text: String,
    line: u64,
    /// An entity reference other than the predefined ones, or an invalid character reference.
    bad_reference: bool,
}

/// Which field of a `BinaryDataObject` text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    Uri,
    Digest,
    Size,
    Format,
}

/// A `BinaryDataObject` being read.
#[derive(Debug, Default)]
struct Object {
    id: Option<String>,
    line: u64,
    depth: usize,
    uri: Option<Field>,
    /// `algorithm` attribute (when present) and value of each `MessageDigest`.
    digests: Vec<(Option<String>, Field)>,
    size: Option<Field>,
    attachment: bool,
    /// `FormatIdentification/FormatId`.
    format: Option<Field>,
    /// Depth of the open `FormatIdentification` element.
    format_group: Option<usize>,
}

/// Why reading stopped early.
enum Stop {
    /// Not well-formed: description and byte position.
    Malformed(Text, u64),
    /// The root is not a SEDA 2.1–2.3 `ArchiveTransfer`: the namespace (or `{ns}name`) found,
    /// and the root's line.
    NotSeda(String, u64),
}

/// The state of one read of a manifest.
struct Reader<'a> {
    path: &'a str,
    root: &'a str,
    lines: LineCounter<'a>,
    seen: HashSet<String>,
    /// Algorithm names reversa does not know, already reported.
    unknown: HashSet<String>,
    declared: Vec<DeclaredFile>,
    problems: Vec<Finding>,
}

/// Value of an unprefixed attribute, with predefined entities and character references decoded.
fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, XmlError> {
    for a in e.attributes() {
        let a = a?;
        if a.key.as_ref() == name {
            let v = a.normalized_value_with(
                quick_xml::XmlVersion::Implicit1_0,
                1,
                quick_xml::escape::resolve_xml_entity,
            )?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

impl<'a> Reader<'a> {
    fn location(&self, line: u64, id: &Option<String>) -> Location {
        let l = Location::manifest(self.path, Some(line));
        match id {
            Some(id) => l.with_element(id.clone()),
            None => l,
        }
    }

    fn invalid(&mut self, location: Location, fr: impl ToString, en: impl ToString) {
        self.problems
            .push(Finding::new(Code::ManifestInvalidLine, location).with_text("error", "error_fr", fr, en));
    }

    /// Reads the whole document; `Ok(version)` when it was read to its end.
    fn run(&mut self, body: &'a [u8]) -> Result<&'static str, Stop> {
        let mut reader = NsReader::from_reader(body);
        let mut buf = Vec::new();
        let mut depth = 0usize;
        let mut version: Option<&'static str> = None;
        let mut seda_ns = String::new();
        let mut root_closed = false;
        let mut object: Option<Object> = None;
        // The field being captured and the depth of its element.
        let mut capture: Option<(Capture, usize)> = None;
        loop {
            buf.clear();
            let before = reader.buffer_position();
            let event = match reader.read_event_into(&mut buf) {
                Ok(ev) => ev,
                Err(e) => return Err(Stop::Malformed(describe(&e), reader.error_position().max(before))),
            };
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    for a in e.attributes() {
                        if let Err(err) = a {
                            return Err(Stop::Malformed(describe(&XmlError::InvalidAttr(err)), before));
                        }
                    }
                    if root_closed {
                        return Err(Stop::Malformed(
                            text("élément après l'élément racine", "element after the root element"),
                            before,
                        ));
                    }
                    let (ns, local) = reader.resolver().resolve_element(e.name());
                    let ns: Option<&str> = match ns {
                        ResolveResult::Bound(n) => Some(n.0),
                        ResolveResult::Unbound => None,
                        ResolveResult::Unknown(_) => {
                            return Err(Stop::Malformed(
                                text("préfixe d'espace de noms non déclaré", "undeclared namespace prefix"),
                                before,
                            ));
                        }
                    };
                    let local = local.into_inner();
                    depth += 1;
                    if depth == 1 {
                        match ns.and_then(version_of) {
                            Some(v) if local == "ArchiveTransfer" => {
                                version = Some(v);
                                seda_ns = ns.unwrap_or_default().to_string();
                            }
                            _ => {
                                let ns = ns.unwrap_or("(none)");
                                let found = if local == "ArchiveTransfer" {
                                    clip(ns)
                                } else {
                                    format!("{{{}}}{}", clip(ns), clip(local))
                                };
                                return Err(Stop::NotSeda(found, self.lines.at(before)));
                            }
                        }
                    } else if ns == Some(seda_ns.as_str()) {
                        match object.as_mut() {
                            None if local == "BinaryDataObject" => {
                                let id = attribute(e, "id")
                                    .map_err(|err| Stop::Malformed(describe(&err), before))?;
                                object = Some(Object {
                                    id: id.map(|i| clip(&i)),
                                    line: self.lines.at(before),
                                    depth,
                                    ..Default::default()
                                });
                            }
                            Some(obj)
                                if depth == obj.depth + 2
                                    && local == "FormatId"
                                    && obj.format_group == Some(depth - 1)
                                    && obj.format.is_none() =>
                            {
                                obj.format = Some(Field { line: self.lines.at(before), ..Field::default() });
                                if !empty {
                                    capture = Some((Capture::Format, depth));
                                }
                            }
                            Some(obj) if depth == obj.depth + 1 => {
                                let field = Field::default;
                                let kind = match local {
                                    "FormatIdentification" => {
                                        if !empty {
                                            obj.format_group = Some(depth);
                                        }
                                        None
                                    }
                                    "Uri" if obj.uri.is_none() => {
                                        obj.uri = Some(field());
                                        Some(Capture::Uri)
                                    }
                                    "MessageDigest" => {
                                        let alg = attribute(e, "algorithm")
                                            .map_err(|err| Stop::Malformed(describe(&err), before))?;
                                        obj.digests.push((alg, field()));
                                        Some(Capture::Digest)
                                    }
                                    "Size" if obj.size.is_none() => {
                                        obj.size = Some(field());
                                        Some(Capture::Size)
                                    }
                                    "Attachment" => {
                                        obj.attachment = true;
                                        None
                                    }
                                    _ => None,
                                };
                                if let Some(kind) = kind {
                                    let line = self.lines.at(before);
                                    if let Some(f) = current_field(obj, kind) {
                                        f.line = line;
                                    }
                                    if !empty {
                                        capture = Some((kind, depth));
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    if empty {
                        self.close(&mut depth, &mut object, &mut capture, &mut root_closed);
                    }
                }
                Event::End(_) => self.close(&mut depth, &mut object, &mut capture, &mut root_closed),
                Event::Text(t) => {
                    if let (Some((kind, _)), Some(obj)) = (capture, object.as_mut()) {
                        if let Some(f) = current_field(obj, kind) {
                            f.text.push_str(&t.xml10_content());
                        }
                    } else if depth == 0 && !t.trim_ascii().is_empty() {
                        return Err(Stop::Malformed(
                            text("texte hors de l'élément racine", "text outside the root element"),
                            before,
                        ));
                    }
                }
                Event::CData(c) => {
                    if let (Some((kind, _)), Some(obj)) = (capture, object.as_mut()) {
                        if let Some(f) = current_field(obj, kind) {
                            f.text.push_str(&c.xml10_content());
                        }
                    } else if depth == 0 {
                        return Err(Stop::Malformed(
                            text("section CDATA hors de l'élément racine", "CDATA outside the root element"),
                            before,
                        ));
                    }
                }
                Event::GeneralRef(r) => {
                    if depth == 0 {
                        return Err(Stop::Malformed(
                            text("référence hors de l'élément racine", "reference outside the root element"),
                            before,
                        ));
                    }
                    if let (Some((kind, _)), Some(obj)) = (capture, object.as_mut())
                        && let Some(f) = current_field(obj, kind)
                    {
                        let resolved = if r.is_char_ref() {
                            r.resolve_char_ref().ok().flatten()
                        } else {
                            quick_xml::escape::resolve_xml_entity(&r).and_then(|s| s.chars().next())
                        };
                        match resolved {
                            Some(c) => f.text.push(c),
                            None => f.bad_reference = true,
                        }
                    }
                }
                // Never expanded, never resolved: the DTD is skipped.
                Event::DocType(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => {
                    if depth > 0 {
                        return Err(Stop::Malformed(
                            (
                                format!("le document se termine avec {depth} élément(s) non fermé(s)"),
                                format!("document ends with {depth} element(s) not closed"),
                            ),
                            body.len() as u64,
                        ));
                    }
                    return version.ok_or_else(|| {
                        Stop::Malformed(text("aucun élément racine", "no root element"), body.len() as u64)
                    });
                }
            }
        }
    }

    /// Closes the current element: ends a capture, finishes an object.
    fn close(
        &mut self,
        depth: &mut usize,
        object: &mut Option<Object>,
        capture: &mut Option<(Capture, usize)>,
        root_closed: &mut bool,
    ) {
        if capture.is_some_and(|(_, d)| d == *depth) {
            *capture = None;
        }
        if let Some(obj) = object.as_mut()
            && obj.format_group == Some(*depth)
        {
            obj.format_group = None;
        }
        if object.as_ref().is_some_and(|o| o.depth == *depth)
            && let Some(obj) = object.take()
        {
            self.finish(obj);
        }
        *depth = depth.saturating_sub(1);
        if *depth == 0 {
            *root_closed = true;
        }
    }

    /// Checks one `BinaryDataObject` and records it.
    fn finish(&mut self, obj: Object) {
        let id = obj.id.clone();
        if id.is_none() {
            let loc = self.location(obj.line, &id);
            self.invalid(loc, "BinaryDataObject sans attribut id", "BinaryDataObject without id");
        }
        let uri = match &obj.uri {
            Some(f) if !f.text.trim().is_empty() || f.bad_reference => f,
            // Inline content: not a file of the package.
            _ if obj.attachment => return,
            other => {
                let line = other.as_ref().map_or(obj.line, |f| f.line);
                let loc = self.location(line, &id);
                self.problems.push(Finding::new(Code::FixityEmptyUri, loc));
                return;
            }
        };
        let uri_loc = self.location(uri.line, &id);
        if uri.bad_reference {
            self.invalid(
                uri_loc,
                "entité non définie ou référence de caractère invalide dans Uri",
                "undefined entity or invalid character reference in Uri",
            );
            return;
        }
        let Some(decoded) = decode_uri(uri.text.trim()) else {
            self.invalid(
                uri_loc,
                "Uri qui, une fois décodée (%XX), n'est pas en UTF-8",
                "percent-decoded Uri is not UTF-8",
            );
            return;
        };
        let (normalised, problem) = normalise_path(&decoded);
        if problem.is_some() {
            self.problems.push(Finding::new(Code::FixityPathEscape, uri_loc.with_path(decoded)));
            return;
        }
        if normalised.is_empty() {
            self.problems.push(Finding::new(Code::FixityEmptyUri, uri_loc));
            return;
        }
        let full = format!("{}{}", self.root, normalised);
        if !self.seen.insert(full.clone()) {
            self.problems.push(Finding::new(Code::FixityDuplicateEntry, uri_loc.with_path(full)));
            return;
        }

        let mut digests = Vec::new();
        if obj.digests.is_empty() {
            let loc = self.location(obj.line, &id).with_path(full.clone());
            self.problems.push(Finding::new(Code::FixityMissingDigest, loc));
        }
        for (algorithm, field) in &obj.digests {
            let loc = self.location(field.line, &id).with_path(full.clone());
            if field.text.trim().is_empty() && !field.bad_reference {
                // Vitam refuses an empty MessageDigest: the object has no digest to check.
                let finding = Finding::new(Code::FixityMissingDigest, loc);
                self.problems.push(match algorithm {
                    Some(name) => finding.with("algorithm", clip(name)),
                    None => finding,
                });
                continue;
            }
            let Some(name) = algorithm else {
                self.invalid(
                    loc,
                    "MessageDigest sans attribut algorithm",
                    "MessageDigest without algorithm attribute",
                );
                continue;
            };
            if field.bad_reference {
                self.invalid(
                    loc,
                    "entité non définie ou référence de caractère invalide dans MessageDigest",
                    "undefined entity or invalid character reference in MessageDigest",
                );
                continue;
            }
            match Algorithm::parse(name) {
                Some(a) => match decode_digest(&field.text, a.digest_len()) {
                    Some(hex) => digests.push(DeclaredDigest { algorithm: Ok(a), hex }),
                    None => self.invalid(
                        loc,
                        format!("MessageDigest n'est ni l'hexadécimal ni le base64 d'une empreinte {a}"),
                        format!("MessageDigest is neither hex nor base64 of a {a} digest"),
                    ),
                },
                None => {
                    let name = clip(name);
                    // One finding per algorithm: the fixity check counts the entries it leaves
                    // unchecked.
                    if self.unknown.insert(name.clone()) {
                        self.problems.push(
                            Finding::new(
                                Code::FixityUnsupportedAlgorithm,
                                Location::manifest(self.path, Some(field.line)),
                            )
                            .with("algorithm", &name),
                        );
                    }
                    digests.push(DeclaredDigest {
                        algorithm: Err(name),
                        hex: decode_unknown_digest(&field.text),
                    });
                }
            }
        }

        let mut size = None;
        if let Some(f) = &obj.size {
            let text = f.text.trim();
            match text.parse::<u64>() {
                Ok(n) if n > 0 && !f.bad_reference && text.bytes().all(|b| b.is_ascii_digit()) => {
                    size = Some(n)
                }
                _ => {
                    let loc = self.location(f.line, &id).with_path(full.clone());
                    self.invalid(loc, "Size n'est pas un entier positif", "Size is not a positive integer");
                }
            }
        }

        // A PRONOM identifier (`fmt/95`, `x-fmt/111`); anything else is not compared.
        let format = obj
            .format
            .as_ref()
            .filter(|f| !f.bad_reference)
            .map(|f| f.text.trim())
            .filter(|t| is_puid(t))
            .map(str::to_string);

        let location = self.location(obj.line, &id).with_path(full.clone());
        self.declared.push(DeclaredFile { path: full, digests, size, location, format });
    }
}

/// The field text of kind `kind` goes to: the last one of that kind.
fn current_field(obj: &mut Object, kind: Capture) -> Option<&mut Field> {
    match kind {
        Capture::Uri => obj.uri.as_mut(),
        Capture::Digest => obj.digests.last_mut().map(|(_, f)| f),
        Capture::Size => obj.size.as_mut(),
        Capture::Format => obj.format.as_mut(),
    }
}

/// Whether `s` is a PRONOM unique identifier: `fmt/<n>` or `x-fmt/<n>`.
pub fn is_puid(s: &str) -> bool {
    s.strip_prefix("fmt/")
        .or_else(|| s.strip_prefix("x-fmt/"))
        .is_some_and(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Fills `manifest` from the SEDA `manifest.xml` at `path`.
///
/// Sets the version (`2.1`, `2.2`, `2.3`) from the root's namespace, declares one file per
/// file-backed `BinaryDataObject` (objects with an inline `Attachment` are skipped) at
/// `<root><Uri>`, and scopes the check to every file of the package but the manifest itself.
/// When the document is not well-formed, the objects read before the error are kept.
pub fn load(manifest: &mut Manifest, path: &str, bytes: &[u8]) {
    let root = manifest.root.clone();
    manifest.scope = Scope::AllBut { root: root.clone(), except: vec![path.to_string()] };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = Reader {
        path,
        root: &root,
        lines: LineCounter::new(body),
        seen: HashSet::new(),
        unknown: HashSet::new(),
        declared: Vec::new(),
        problems: Vec::new(),
    };
    let outcome = reader.run(body);
    let mut problems = std::mem::take(&mut reader.problems);
    match outcome {
        Ok(version) => manifest.version = Some(version.to_string()),
        Err(Stop::NotSeda(namespace, line)) => {
            problems.push(
                Finding::new(Code::ManifestSedaVersion, Location::manifest(path, Some(line)))
                    .with("namespace", namespace),
            );
        }
        Err(Stop::Malformed((fr, en), pos)) => {
            let line = reader.lines.at(pos);
            problems.push(
                Finding::new(Code::ManifestMalformed, Location::manifest(path, Some(line))).with_text(
                    "error",
                    "error_fr",
                    format!("XML : {fr} (ligne {line}, octet {pos})"),
                    format!("XML: {en} (line {line}, byte {pos})"),
                ),
            );
        }
    }
    manifest.declared = std::mem::take(&mut reader.declared);
    manifest.problems.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ManifestKind;

    const NS21: &str = "fr:gouv:culture:archivesdefrance:seda:v2.1";
    const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA256_ABC_B64: &str = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
    const SHA512_ABC: &str = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
                              2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    fn seda(root: &str, xml: &str) -> Manifest {
        let mut m = Manifest::empty(ManifestKind::Seda, root);
        let path = format!("{root}manifest.xml");
        m.files = vec![path.clone()];
        load(&mut m, &path, xml.as_bytes());
        m
    }

    fn doc(ns: &str, objects: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ArchiveTransfer xmlns=\"{ns}\">\n\
             <Date>2024-01-01T00:00:00</Date>\n<DataObjectPackage>\n{objects}</DataObjectPackage>\n</ArchiveTransfer>\n"
        )
    }

    fn bdo(id: &str, uri: &str, alg: &str, digest: &str, size: &str) -> String {
        format!(
            "<BinaryDataObject id=\"{id}\">\n  <DataObjectVersion>BinaryMaster_1</DataObjectVersion>\n  \
             <Uri>{uri}</Uri>\n  <MessageDigest algorithm=\"{alg}\">{digest}</MessageDigest>\n  <Size>{size}</Size>\n\
             </BinaryDataObject>\n"
        )
    }

    fn codes(m: &Manifest) -> Vec<&'static str> {
        m.problems.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn accepts_2_1_2_2_2_3() {
        for (ns, v) in NAMESPACES {
            let m = seda("", &doc(ns, &bdo("ID1", "Content/a.pdf", "SHA-256", SHA256_ABC, "3")));
            assert!(m.problems.is_empty(), "{:?}", m.problems);
            assert_eq!(m.version.as_deref(), Some(v));
            assert_eq!(m.declared.len(), 1);
            let f = &m.declared[0];
            assert_eq!(f.path, "Content/a.pdf");
            assert_eq!(f.size, Some(3));
            assert_eq!(
                f.digests,
                vec![DeclaredDigest { algorithm: Ok(Algorithm::Sha256), hex: SHA256_ABC.into() }]
            );
            assert_eq!(m.scope, Scope::AllBut { root: String::new(), except: vec!["manifest.xml".into()] });
        }
    }

    #[test]
    fn prefixed_namespace_is_accepted() {
        let xml = format!(
            "<s:ArchiveTransfer xmlns:s=\"{NS21}\"><s:DataObjectPackage><s:DataObjectGroup id=\"G\">\
             <s:BinaryDataObject id=\"B\"><s:Uri>Content/x</s:Uri>\
             <s:MessageDigest algorithm=\"MD5\">900150983cd24fb0d6963f7d28e17f72</s:MessageDigest>\
             </s:BinaryDataObject></s:DataObjectGroup></s:DataObjectPackage></s:ArchiveTransfer>"
        );
        let m = seda("sip/", &xml);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.version.as_deref(), Some("2.1"));
        assert_eq!(m.declared[0].path, "sip/Content/x");
        assert_eq!(m.declared[0].size, None);
        assert_eq!(m.declared[0].location.element.as_deref(), Some("B"));
        assert_eq!(m.scope, Scope::AllBut { root: "sip/".into(), except: vec!["sip/manifest.xml".into()] });
    }

    #[test]
    fn rejects_other_namespaces_and_roots() {
        let m = seda("", &doc("fr:gouv:culture:archivesdefrance:seda:v2.0", ""));
        assert_eq!(codes(&m), vec!["manifest.seda-version"]);
        assert_eq!(m.problems[0].params["namespace"], "fr:gouv:culture:archivesdefrance:seda:v2.0");
        assert_eq!(m.problems[0].location, Location::manifest("manifest.xml", Some(2)));
        assert_eq!(m.version, None);

        let m = seda("", "<ArchiveTransfer><x/></ArchiveTransfer>");
        assert_eq!(codes(&m), vec!["manifest.seda-version"]);
        assert_eq!(m.problems[0].params["namespace"], "(none)");

        let m = seda("", &format!("<ArchiveTransferReply xmlns=\"{NS21}\"/>"));
        assert_eq!(codes(&m), vec!["manifest.seda-version"]);
        assert!(m.problems[0].params["namespace"].ends_with("}ArchiveTransferReply"));
    }

    #[test]
    fn hex_and_base64_digests_decode_alike() {
        let objects = bdo("A", "Content/a", "SHA-256", SHA256_ABC, "3")
            + &bdo("B", "Content/b", "SHA-256", SHA256_ABC_B64, "3")
            + &bdo("C", "Content/c", "SHA-512", &SHA512_ABC.to_uppercase(), "3");
        let m = seda("", &doc(NS21, &objects));
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        assert_eq!(m.declared[0].digests, m.declared[1].digests);
        assert_eq!(m.declared[2].digests[0].hex, SHA512_ABC);
        assert_eq!(decode_digest(SHA256_ABC_B64, 32).as_deref(), Some(SHA256_ABC));
        assert_eq!(decode_digest("not a digest", 32), None);
        assert_eq!(decode_digest(SHA256_ABC_B64, 64), None);
    }

    #[test]
    fn missing_digest_empty_uri_dup_and_unknown_algorithm() {
        let objects = String::from(
            "<BinaryDataObject id=\"NODIGEST\"><Uri>Content/n</Uri><Size>1</Size></BinaryDataObject>\n\
             <BinaryDataObject id=\"EMPTY\"><Uri>  </Uri><MessageDigest algorithm=\"MD5\">x</MessageDigest></BinaryDataObject>\n\
             <BinaryDataObject id=\"NOURI\"><MessageDigest algorithm=\"MD5\">x</MessageDigest></BinaryDataObject>\n\
             <BinaryDataObject id=\"INLINE\"><Attachment filename=\"a.txt\">YWJj</Attachment>\
             <MessageDigest algorithm=\"MD5\">x</MessageDigest></BinaryDataObject>\n",
        ) + &bdo("D1", "Content/d", "SHA-256", SHA256_ABC, "3")
            + &bdo("D2", "./Content//d", "SHA-256", SHA256_ABC, "3")
            + &bdo("U", "Content/u", "CRC32", "CAFEBABE", "4")
            + &bdo("BAD", "Content/bad", "SHA-256", "zz", "0")
            + &bdo("ESC", "../../etc/passwd", "SHA-256", SHA256_ABC, "3");
        let m = seda("", &doc(NS21, &objects));
        let found: Vec<(&str, Option<&str>)> =
            m.problems.iter().map(|f| (f.code.as_str(), f.location.element.as_deref())).collect();
        assert_eq!(
            found,
            vec![
                ("fixity.missing-digest", Some("NODIGEST")),
                ("fixity.empty-uri", Some("EMPTY")),
                ("fixity.empty-uri", Some("NOURI")),
                ("fixity.duplicate-entry", Some("D2")),
                ("fixity.unsupported-algorithm", None),
                ("manifest.invalid-line", Some("BAD")),
                ("manifest.invalid-line", Some("BAD")),
                ("fixity.path-escape", Some("ESC")),
            ]
        );
        assert_eq!(m.problems[3].location.path.as_deref(), Some("Content/d"));
        assert_eq!(m.problems[4].params["algorithm"], "CRC32");
        assert_eq!(
            m.problems[4].location,
            Location::manifest("manifest.xml", Some(m.declared[2].location.line.unwrap() + 3))
        );
        assert_eq!(m.problems[7].location.path.as_deref(), Some("../../etc/passwd"));
        let paths: Vec<&str> = m.declared.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["Content/n", "Content/d", "Content/u", "Content/bad"]);
        assert!(m.declared[0].digests.is_empty());
        assert_eq!(
            m.declared[2].digests,
            vec![DeclaredDigest { algorithm: Err("CRC32".into()), hex: "cafebabe".into() }]
        );
        assert!(m.declared[3].digests.is_empty());
        assert_eq!(m.declared[3].size, None);
    }

    #[test]
    fn not_well_formed() {
        let m = seda("", &format!("<ArchiveTransfer xmlns=\"{NS21}\">\n<a>\n</b>\n</ArchiveTransfer>"));
        assert_eq!(codes(&m), vec!["manifest.malformed"]);
        assert_eq!(m.problems[0].location.line, Some(3));
        assert!(!m.problems[0].params["error"].contains("</b>"));
        assert_eq!(m.version, None);

        let m = seda("", &format!("<ArchiveTransfer xmlns=\"{NS21}\"><DataObjectPackage>"));
        assert_eq!(codes(&m), vec!["manifest.malformed"]);

        let m = seda("", &format!("<ArchiveTransfer xmlns=\"{NS21}\"/><second/>"));
        assert_eq!(codes(&m), vec!["manifest.malformed"]);

        let m = seda("", &format!("<ArchiveTransfer xmlns=\"{NS21}\" a=\"1\" a=\"2\"/>"));
        assert_eq!(codes(&m), vec!["manifest.malformed"]);

        let m = seda("", "");
        assert_eq!(codes(&m), vec!["manifest.malformed"]);

        let mut bytes = format!("<ArchiveTransfer xmlns=\"{NS21}\"><Comment>").into_bytes();
        bytes.extend_from_slice(b"\xff\xfe</Comment></ArchiveTransfer>");
        let mut m = Manifest::empty(ManifestKind::Seda, "");
        load(&mut m, "manifest.xml", &bytes);
        assert_eq!(codes(&m), vec!["manifest.malformed"]);

        // Objects before the error are kept.
        let xml =
            doc(NS21, &bdo("A", "Content/a", "SHA-256", SHA256_ABC, "3")).replace("</DataObjectPackage>", "");
        let m = seda("", &xml);
        assert_eq!(codes(&m), vec!["manifest.malformed"]);
        assert_eq!(m.declared.len(), 1);
    }

    #[test]
    fn entities_in_uri() {
        let objects = bdo("A", "Content/a&amp;b&#x20;c&#233;.pdf", "SHA-256", SHA256_ABC, "3")
            + &bdo("B", "Content/&custom;.pdf", "SHA-256", SHA256_ABC, "3")
            + &bdo("C", "Content/%C3%A9t%C3%A9%20x.pdf", "SHA-256", SHA256_ABC, "3")
            + &bdo("D", "<![CDATA[Content/<d>.pdf]]>", "SHA-256", SHA256_ABC, "3");
        let m = seda("", &doc(NS21, &objects));
        assert_eq!(codes(&m), vec!["manifest.invalid-line"]);
        assert_eq!(m.problems[0].location.element.as_deref(), Some("B"));
        let paths: Vec<&str> = m.declared.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["Content/a&b cé.pdf", "Content/été x.pdf", "Content/<d>.pdf"]);
    }

    #[test]
    fn billion_laughs_is_not_expanded() {
        let mut dtd = String::from("<!DOCTYPE ArchiveTransfer [\n<!ENTITY lol \"lol\">\n");
        dtd.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for i in 2..=9 {
            let p = i - 1;
            dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", format!("&lol{p};").repeat(10)));
        }
        dtd.push_str("]>\n");
        let xml = format!(
            "<?xml version=\"1.0\"?>\n{dtd}<ArchiveTransfer xmlns=\"{NS21}\"><Comment>&lol9;</Comment>\
             <DataObjectPackage><BinaryDataObject id=\"X\"><Uri>Content/&lol9;</Uri>\
             <MessageDigest algorithm=\"SHA-256\">{SHA256_ABC}</MessageDigest></BinaryDataObject>\
             </DataObjectPackage></ArchiveTransfer>"
        );
        let start = std::time::Instant::now();
        let m = seda("", &xml);
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(codes(&m), vec!["manifest.invalid-line"]);
        assert_eq!(m.version.as_deref(), Some("2.1"));
        assert!(m.declared.is_empty());
    }

    #[test]
    fn line_numbers() {
        let xml = doc(
            NS21,
            &(bdo("A", "Content/a", "SHA-256", SHA256_ABC, "3") + &bdo("B", "Content/b", "MD5", "bad", "x")),
        );
        // Lines: 1 decl, 2 root, 3 Date, 4 package, 5 BDO A (Uri 7), 11 BDO B (Uri 13, digest 14, size 15).
        let m = seda("", &xml);
        assert_eq!(
            m.declared[0].location,
            Location::manifest("manifest.xml", Some(5)).with_element("A").with_path("Content/a")
        );
        assert_eq!(m.declared[1].location.line, Some(11));
        let lines: Vec<Option<u64>> = m.problems.iter().map(|f| f.location.line).collect();
        assert_eq!(lines, vec![Some(14), Some(15)]);

        let crlf = xml.replace('\n', "\r\n");
        let m = seda("", &format!("\u{feff}{crlf}"));
        assert_eq!(m.declared[1].location.line, Some(11));
    }

    #[test]
    fn large_manifest_is_linear() {
        let n = 50_000;
        let mut objects = String::with_capacity(n * 300);
        for i in 0..n {
            objects.push_str(&bdo(
                &format!("ID{i}"),
                &format!("Content/f{i}.pdf"),
                "SHA-256",
                SHA256_ABC,
                "3",
            ));
        }
        let start = std::time::Instant::now();
        let m = seda("", &doc(NS21, &objects));
        assert!(m.problems.is_empty());
        assert_eq!(m.declared.len(), n);
        assert_eq!(m.declared[n - 1].location.line, Some(5 + 6 * (n as u64 - 1)));
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 50_000;
        let xml = format!(
            "<ArchiveTransfer xmlns=\"{NS21}\">{}{}</ArchiveTransfer>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let m = seda("", &xml);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let xml = format!("<ArchiveTransfer xmlns=\"{NS21}\">{}", "<a>".repeat(70_000));
        let m = seda("", &xml);
        assert_eq!(codes(&m), vec!["manifest.malformed"]);
    }

    #[test]
    fn objects_without_id_and_nested_in_other_namespaces() {
        let xml = format!(
            "<ArchiveTransfer xmlns=\"{NS21}\" xmlns:o=\"urn:other\"><DataObjectPackage>\
             <BinaryDataObject><Uri>Content/a</Uri><MessageDigest algorithm=\"MD5\">900150983cd24fb0d6963f7d28e17f72</MessageDigest>\
             <o:Uri>Content/ignored</o:Uri></BinaryDataObject>\
             <o:BinaryDataObject id=\"O\"><o:Uri>Content/other</o:Uri></o:BinaryDataObject>\
             </DataObjectPackage></ArchiveTransfer>"
        );
        let m = seda("", &xml);
        assert_eq!(codes(&m), vec!["manifest.invalid-line"]);
        assert_eq!(m.declared.len(), 1);
        assert_eq!(m.declared[0].path, "Content/a");
        assert_eq!(m.declared[0].location.element, None);
    }

    #[test]
    fn every_supported_algorithm_and_one_finding_per_unknown_one() {
        const SHA384_ABC: &str = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                                  8086072ba1e7cc2358baeca134c825a7";
        const SHA3_256_ABC: &str = "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532";
        let objects = bdo("A", "Content/a", "SHA-384", SHA384_ABC, "3")
            + &bdo("B", "Content/b", "SHA3-256", SHA3_256_ABC, "3")
            + &bdo("C", "Content/c", "WHIRLPOOL", "00ff", "3")
            + &bdo("D", "Content/d", "WHIRLPOOL", "ff00", "3")
            + &bdo("E", "Content/e", "GOST", "ff00", "3");
        let m = seda("", &doc(NS21, &objects));
        assert_eq!(codes(&m), vec!["fixity.unsupported-algorithm", "fixity.unsupported-algorithm"]);
        assert_eq!(m.problems[0].params["algorithm"], "WHIRLPOOL");
        assert_eq!(m.problems[1].params["algorithm"], "GOST");
        assert_eq!(
            m.declared[0].digests,
            vec![DeclaredDigest { algorithm: Ok(Algorithm::Sha384), hex: SHA384_ABC.into() }]
        );
        assert_eq!(m.declared[1].digests[0].algorithm, Ok(Algorithm::Sha3_256));
        assert_eq!(m.declared[3].digests[0].algorithm, Err("WHIRLPOOL".to_string()));
        let set: Vec<Algorithm> = m.algorithms().iter().collect();
        assert_eq!(set, vec![Algorithm::Sha384, Algorithm::Sha3_256]);
        // The algorithms are learnt from the bytes too (tar streams).
        let learnt = crate::inventory::AlgorithmSet::named_in("manifest.xml", doc(NS21, &objects).as_bytes());
        assert_eq!(learnt.iter().collect::<Vec<_>>(), set);
    }

    #[test]
    fn empty_message_digest_is_a_missing_digest() {
        let objects = String::from(
            "<BinaryDataObject id=\"E1\"><Uri>Content/e1</Uri><MessageDigest algorithm=\"SHA-256\"></MessageDigest></BinaryDataObject>\n\
             <BinaryDataObject id=\"E2\"><Uri>Content/e2</Uri><MessageDigest algorithm=\"SHA-256\">  \n </MessageDigest></BinaryDataObject>\n\
             <BinaryDataObject id=\"E3\"><Uri>Content/e3</Uri><MessageDigest algorithm=\"SHA-256\"/></BinaryDataObject>\n\
             <BinaryDataObject id=\"E4\"><Uri>Content/e4</Uri><MessageDigest/></BinaryDataObject>\n",
        ) + &bdo("OK", "Content/ok", "SHA-256", SHA256_ABC, "3");
        let m = seda("", &doc(NS21, &objects));
        let found: Vec<(&str, Option<&str>, Option<&str>)> = m
            .problems
            .iter()
            .map(|f| (f.code.as_str(), f.location.element.as_deref(), f.location.path.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("fixity.missing-digest", Some("E1"), Some("Content/e1")),
                ("fixity.missing-digest", Some("E2"), Some("Content/e2")),
                ("fixity.missing-digest", Some("E3"), Some("Content/e3")),
                ("fixity.missing-digest", Some("E4"), Some("Content/e4")),
            ]
        );
        assert_eq!(m.problems[0].params["algorithm"], "SHA-256");
        assert_eq!(m.problems[0].attribution, crate::finding::Attribution::Export);
        assert_eq!(m.declared.len(), 5);
        assert!(m.declared[..4].iter().all(|d| d.digests.is_empty()));
    }

    #[test]
    fn declared_format_is_read() {
        let with_format = |id: &str, uri: &str, format: &str| {
            format!(
                "<BinaryDataObject id=\"{id}\"><Uri>{uri}</Uri>\
                 <MessageDigest algorithm=\"SHA-256\">{SHA256_ABC}</MessageDigest>\
                 <FormatIdentification><FormatLitteral>PDF</FormatLitteral><MimeType>application/pdf</MimeType>\
                 <FormatId>{format}</FormatId></FormatIdentification></BinaryDataObject>\n"
            )
        };
        let objects = with_format("A", "Content/a.pdf", " fmt/95 ")
            + &with_format("B", "Content/b.csv", "x-fmt/18")
            + &with_format("C", "Content/c", "application/pdf")
            + &bdo("D", "Content/d", "SHA-256", SHA256_ABC, "3")
            // A FormatId elsewhere than in FormatIdentification is not the object's format.
            + &format!(
                "<BinaryDataObject id=\"E\"><Uri>Content/e</Uri><MessageDigest algorithm=\"SHA-256\">{SHA256_ABC}</MessageDigest>\
                 <Other><FormatId>fmt/1</FormatId></Other><FormatIdentification/></BinaryDataObject>\n"
            );
        let m = seda("", &doc(NS21, &objects));
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let formats: Vec<Option<&str>> = m.declared.iter().map(|d| d.format.as_deref()).collect();
        assert_eq!(formats, vec![Some("fmt/95"), Some("x-fmt/18"), None, None, None]);
        assert!(is_puid("fmt/1") && is_puid("x-fmt/111"));
        assert!(!is_puid("fmt/") && !is_puid("fmt/9a") && !is_puid("FMT/1") && !is_puid("fmt/1234567"));
    }

    #[test]
    fn messages_are_french_and_english_never_the_parsers() {
        use crate::finding::Lang;
        let m = seda("", &format!("<ArchiveTransfer xmlns=\"{NS21}\">\n<a>\n</b>\n</ArchiveTransfer>"));
        let f = &m.problems[0];
        assert_eq!(
            f.message(Lang::Fr),
            "manifeste illisible : XML : balise fermante qui ne correspond pas à la balise ouvrante (ligne 3, octet 73)"
        );
        assert_eq!(
            f.message(Lang::En),
            "unreadable manifest: XML: end tag does not match its start tag (line 3, byte 73)"
        );
        let m = seda("", &doc(NS21, &bdo("B", "Content/b", "MD5", "bad", "x")));
        let fr: Vec<String> = m.problems.iter().map(|f| f.message(Lang::Fr)).collect();
        assert_eq!(
            fr,
            vec![
                "ligne ou élément de manifeste invalide : MessageDigest n'est ni l'hexadécimal ni le base64 d'une empreinte md5",
                "ligne ou élément de manifeste invalide : Size n'est pas un entier positif",
            ]
        );
        assert!(m.problems[1].message(Lang::En).ends_with("Size is not a positive integer"));
    }
}
