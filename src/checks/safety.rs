//! The `safety` check: what the container holds that a verifier must refuse or flag.

use super::CheckInput;
use crate::archive::{EntryKind, PathProblem, Stop};
use crate::finding::{Code, Finding, Location};
use crate::inventory::ReadStatus;

pub(super) fn check(input: &CheckInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let c = input.container;
    if c.overlapping {
        out.push(Finding::new(Code::ArchiveOverlappingEntries, Location::default()));
    }
    for name in &c.duplicate_names {
        let at = if name.is_empty() { Location::default() } else { Location::entry(name.clone()) };
        out.push(Finding::new(Code::ArchiveDuplicateName, at).with("count", 1));
    }
    if let Some(e) = &c.container_error {
        out.push(Finding::new(Code::ArchiveTruncated, Location::default()).with("error", e));
    }
    for (path, cause) in &c.unlisted {
        out.push(Finding::new(Code::ArchiveUnreadable, Location::entry(path.clone())).with("error", cause));
    }
    if let Some(u) = c.unsupported {
        let code =
            if u.lone_stream { Code::ArchiveCompressedNotTar } else { Code::ArchiveUnsupportedContainer };
        out.push(Finding::new(code, Location::default()).with("format", u.format));
    }
    match c.stream_stop {
        Some(Stop::Memory) => out.push(
            Finding::new(Code::ArchiveMemoryLimit, Location::default())
                .with("limit", crate::archive::DECODER_MEMORY),
        ),
        Some(Stop::Ratio) => out.push(
            Finding::new(Code::ArchiveRatioExceeded, Location::default())
                .with("ratio", format!(">{}", input.limits.max_ratio))
                .with("limit", input.limits.max_ratio),
        ),
        Some(Stop::Total) if !c.budget_exhausted => out.push(
            Finding::new(Code::ArchiveTotalSizeExceeded, Location::default())
                .with("limit", input.limits.max_total_size),
        ),
        _ => {}
    }
    if c.budget_exhausted {
        out.push(
            Finding::new(Code::ArchiveTotalSizeExceeded, Location::default())
                .with("limit", input.limits.max_total_size),
        );
    }
    // Duplicates the container did not already collapse (tar, folder with case clashes…).
    let mut seen = std::collections::HashSet::new();
    for f in input.files {
        let m = &f.meta;
        let at = || Location::entry(m.path.clone());
        if m.kind != EntryKind::Dir && !seen.insert(m.path.as_str()) {
            out.push(Finding::new(Code::ArchiveDuplicateName, at()).with("count", 1));
        }
        if !m.name_utf8 {
            out.push(Finding::new(Code::ArchiveNameEncoding, at()));
        }
        match m.path_problem {
            Some(PathProblem::Traversal) => out.push(Finding::new(Code::ArchivePathTraversal, at())),
            Some(PathProblem::Absolute) => out.push(Finding::new(Code::ArchiveAbsolutePath, at())),
            None => {}
        }
        match m.kind {
            EntryKind::Symlink => out.push(Finding::new(Code::ArchiveSymlink, at())),
            EntryKind::HardLink => {
                out.push(Finding::new(Code::ArchiveSpecialEntry, at()).with("kind", "hard link"))
            }
            EntryKind::Special => {
                out.push(Finding::new(Code::ArchiveSpecialEntry, at()).with("kind", "device/fifo"))
            }
            EntryKind::File | EntryKind::Dir => {}
        }
        if m.encrypted {
            out.push(Finding::new(Code::ArchiveEncrypted, at()));
        }
        if let (Some(size), Some(comp)) = (m.declared_size, m.compressed_size)
            && let Some(ratio) = input.limits.ratio_exceeded(size, comp)
        {
            out.push(
                Finding::new(Code::ArchiveRatioExceeded, at())
                    .with("ratio", ratio)
                    .with("limit", input.limits.max_ratio),
            );
            continue;
        }
        if f.status == ReadStatus::Failed {
            let Some(failure) = &f.failure else { continue };
            let error = failure.error.clone();
            out.push(match failure.stop {
                Some(Stop::OverDeclared) => {
                    let declared = m.declared_size.unwrap_or(0);
                    let actual = if failure.bytes_read > declared {
                        format!("> {declared}")
                    } else {
                        failure.bytes_read.to_string()
                    };
                    Finding::new(Code::ArchiveSizeMismatch, at())
                        .with("declared", declared)
                        .with("actual", actual)
                }
                Some(Stop::Ratio) => Finding::new(Code::ArchiveRatioExceeded, at())
                    .with("ratio", format!(">{}", input.limits.max_ratio))
                    .with("limit", input.limits.max_ratio),
                Some(Stop::Memory) => {
                    Finding::new(Code::ArchiveMemoryLimit, at()).with("limit", crate::archive::DECODER_MEMORY)
                }
                Some(Stop::Method) => {
                    Finding::new(Code::ArchiveUnsupportedMethod, at()).with("method", error)
                }
                // The total limit is reported once, above; an internal error by the pipeline.
                Some(Stop::Total | Stop::Internal) => continue,
                None if input.container.container == Some(crate::archive::Container::Folder) => {
                    Finding::new(Code::ArchiveUnreadable, at()).with("error", error)
                }
                None => Finding::new(Code::ArchiveCorrupt, at()).with("error", error),
            });
        }
    }
    out
}
