//! The `reversa` binary: parses flags, runs the library's pipeline, renders, picks the exit code.
//!
//! Exit codes: 0 satisfiable, 1 not satisfiable, 3 undetermined, 2 usage error or unreadable input.

mod args;
mod clauses;
mod compare;
mod demo;
mod profile;
mod progress;
mod schemas;

use args::{Cli, Command, FormatArg, LangArg, ReadArgs};
use clap::Parser;
use reversa::finding::Lang;
use reversa::pipeline::Plan;
use reversa::records::ProfileChoice;
use reversa::report::{self, Report};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify(a) => profile_choice(a.profile.as_deref()).and_then(|profile| {
            let mut plan = plan(&a.path, &a.read, profile);
            plan.counts = a.counts.clone();
            plan.contract = a.contract.clone();
            verify(plan, &a.out, a.format, a.read.quiet)
        }),
        Command::Fingerprint(a) => compare::fingerprint(&a),
        Command::Diff(a) => compare::diff(&a),
        Command::Inventory(a) => inventory(&a),
        Command::Demo(a) => demo::demo(&a),
        Command::Schemas(c) => schemas::run(&c),
        Command::Clauses(c) => clauses::run(&c),
        Command::Profile(c) => profile::run(&c),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("reversa: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::Fr => Lang::Fr,
        LangArg::En => Lang::En,
    }
}

/// `--profile`: a built-in name, else a file.
pub(crate) fn profile_choice(arg: Option<&str>) -> anyhow::Result<ProfileChoice> {
    let Some(arg) = arg else { return Ok(ProfileChoice::Detect) };
    if reversa::records::profile::BUILT_IN.iter().any(|(n, _)| *n == arg) {
        return Ok(ProfileChoice::BuiltIn(arg.to_string()));
    }
    let path = PathBuf::from(arg);
    if path.is_file() {
        return Ok(ProfileChoice::File(path));
    }
    let known: Vec<&str> = reversa::records::profile::BUILT_IN.iter().map(|(n, _)| *n).collect();
    anyhow::bail!("--profile {arg}: neither a built-in profile ({}) nor a file", known.join(", "))
}

pub(crate) fn plan(path: &Path, read: &ReadArgs, profile: ProfileChoice) -> Plan {
    Plan {
        input: path.to_path_buf(),
        limits: reversa::archive::Limits {
            max_total_size: read.max_total_size,
            max_ratio: read.max_ratio,
            ..Default::default()
        },
        lang: lang(read.lang),
        command: std::env::args().collect(),
        profile,
        counts: None,
        fingerprints: false,
        diff: false,
        contract: None,
    }
}

pub(crate) fn run(plan: &Plan, quiet: bool) -> anyhow::Result<Report> {
    let bar = progress::Bar::new(quiet);
    let report = reversa::pipeline::run(plan, &bar);
    bar.finish();
    Ok(report?)
}

/// Refuses an output folder inside the export (it would change what is verified).
fn check_out_dir(input: &Path, out: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise the deepest existing ancestor, keep the rest as written.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_owned());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut c = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
        c.extend(rest.iter().rev());
        c
    };
    let (input, out) = (abs(input), abs(out));
    if input.is_dir() && out.starts_with(&input) {
        anyhow::bail!(
            "--out {} is inside the export {}: choose a folder outside it",
            out.display(),
            input.display()
        );
    }
    if out == input {
        anyhow::bail!("--out is the export itself");
    }
    Ok(())
}

pub(crate) fn print(text: &str) {
    // A closed pipe (`reversa … | head`) is not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

pub(crate) fn verify(plan: Plan, out: &Path, format: FormatArg, quiet: bool) -> anyhow::Result<u8> {
    check_out_dir(&plan.input, out)?;
    std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    let report = run(&plan, quiet)?;
    let written = report::write_json(out, &report)
        .map_err(|e| anyhow::anyhow!("cannot write the report in {}: {e}", out.display()))?;
    match format {
        FormatArg::Json => print(&report::to_json(&report)),
        FormatArg::Text => print(&report::text::render(&report, Some(&written.display().to_string()))),
    }
    Ok(report.verdict.exit_code() as u8)
}

fn inventory(a: &args::InventoryArgs) -> anyhow::Result<u8> {
    let report = run(&plan(&a.path, &a.read, ProfileChoice::Detect), a.read.quiet)?;
    match a.format {
        FormatArg::Json => print(&report::inventory_json(&report)),
        FormatArg::Text => print(&report::text::render_inventory(&report)),
    }
    Ok(0)
}

/// A thread-caching allocator: records are mapped and validated with many small allocations
/// on every core, where the system allocator's locks cost about a third of the time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
