//! `reversa fingerprint` and `reversa diff`: records counted and fingerprinted, or two
//! exports compared.

use crate::args::{self, FormatArg};
use crate::{lang, plan, print, profile_choice, progress, run};
use reversa::report;

pub fn fingerprint(a: &args::FingerprintArgs) -> anyhow::Result<u8> {
    let mut plan = plan(&a.path, &a.read, profile_choice(a.profile.as_deref())?);
    plan.fingerprints = true;
    crate::check_outputs(&[("--out", a.out.as_deref(), report::out::OutKind::File)], &plan.inputs())?;
    let report = run(&plan, a.read.quiet)?;
    let json = report::fingerprint_json(&report);
    match &a.out {
        Some(file) => crate::write_file(file, json.as_bytes())?,
        None => print(&json),
    }
    Ok(0)
}

/// Exit codes: 0 same records, 1 they differ, 2 error.
pub fn diff(a: &args::DiffArgs) -> anyhow::Result<u8> {
    let old = plan(&a.old, &a.read, profile_choice(a.profile_old.as_deref())?);
    let new = plan(&a.new, &a.read, profile_choice(a.profile_new.as_deref())?);
    let bar = progress::Bar::new(a.read.quiet);
    let result = reversa::pipeline::diff(&old, &new, &bar);
    bar.finish();
    let d = result?;
    match a.format {
        FormatArg::Json => print(&reversa::diff::to_json(&d)),
        FormatArg::Text => print(&reversa::diff::to_text(&d, lang(a.read.lang))),
    }
    Ok(if d.identical() { 0 } else { 1 })
}
