//! The `formats` and `encoding` checks: what each file is, whether it is open, and whether text
//! is UTF-8.

use super::CheckInput;
use crate::finding::{Code, Finding, Location};
use crate::inventory::{Encoding, Openness};
use crate::manifest::DeclaredFile;
use std::collections::HashMap;

pub(super) fn check_formats(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Formats the manifest declares (SEDA `FormatId`), compared like Vitam's
    // OG_OBJECTS_FORMAT_CHECK: a file reversa could not identify has nothing to compare.
    let declared: HashMap<&str, &DeclaredFile> = input
        .manifest
        .map(|m| m.declared.iter().filter(|d| d.format.is_some()).map(|d| (d.path.as_str(), d)).collect())
        .unwrap_or_default();
    for f in input.files {
        let Some(facts) = &f.facts else { continue };
        let at = || Location::entry(f.meta.path.clone());
        if let (Some(d), Some(identified)) = (declared.get(f.meta.path.as_str()), facts.format.puid)
            && let Some(format) = &d.format
            && !format.eq_ignore_ascii_case(identified)
        {
            out.push(
                Finding::new(Code::InventoryDeclaredFormatMismatch, d.location.clone())
                    .with("declared", format)
                    .with("identified", identified),
            );
        }
        if facts.size == 0 {
            out.push(Finding::new(Code::InventoryEmptyFile, at()));
            continue;
        }
        if facts.format.archive {
            out.push(Finding::new(Code::ArchiveNested, at()).with("format", facts.format.name));
        }
        match facts.format.openness {
            Openness::Proprietary => out
                .push(Finding::new(Code::InventoryProprietaryFormat, at()).with("format", facts.format.name)),
            Openness::Unknown => out.push(Finding::new(Code::InventoryUnknownFormat, at())),
            Openness::Open => {}
        }
    }
    out
}

pub(super) fn check_encoding(input: &CheckInput<'_>) -> Vec<Finding> {
    input
        .files
        .iter()
        .filter_map(|f| {
            let facts = f.facts.as_ref()?;
            let not_utf8 = matches!(facts.encoding, Encoding::Windows1252 | Encoding::Iso8859_15);
            (not_utf8 && facts.format.is_text()).then(|| {
                Finding::new(Code::InventoryNotUtf8, Location::entry(f.meta.path.clone()))
                    .with("encoding", facts.encoding.as_str())
            })
        })
        .collect()
}
