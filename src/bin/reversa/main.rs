//! The `reversa` binary: parses flags, runs the library's pipeline, renders, picks the exit code.
//!
//! Exit codes: 0 satisfiable, 1 not satisfiable, 3 undetermined, 2 usage error, unreadable input
//! or an internal error (a caught panic; see `reversa::guard`).

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
    let lang = command_lang(&cli);
    reversa::guard::install_hook();
    // A panic that no entry's guard caught (outside the reading of one file): exit 2, no report.
    let result = reversa::guard::catch(|| run_command(cli))
        .unwrap_or_else(|p| Err(anyhow::anyhow!("{p}: no report was written; please report this defect")));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            match input_refusal(&e) {
                // One of the commune's own files is wrong: its message from the catalogue.
                Some(refusal) => eprintln!(
                    "reversa: {}\nreversa: {}",
                    refusal.message(lang),
                    lang.pick(
                        "aucun rapport écrit : corriger ce fichier puis relancer",
                        "no report written: fix this file and run again"
                    )
                ),
                None => eprintln!("reversa: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

/// The refusal of one of the commune's files (counts, clauses, profile) behind `e`, if any.
fn input_refusal(e: &anyhow::Error) -> Option<&reversa::input::InputError> {
    use reversa::records::RecordsError;
    e.downcast_ref::<reversa::input::InputError>()
        .or_else(|| e.downcast_ref::<reversa::pipeline::RunError>().and_then(|r| r.input()))
        .or_else(|| match e.downcast_ref::<RecordsError>() {
            Some(RecordsError::Profile(p)) => Some(p),
            _ => None,
        })
}

/// The language the command asked its messages in (French by default).
fn command_lang(cli: &Cli) -> Lang {
    match &cli.command {
        Command::Verify(a) => lang(a.read.lang),
        Command::Inventory(a) => lang(a.read.lang),
        Command::Fingerprint(a) => lang(a.read.lang),
        Command::Diff(a) => lang(a.read.lang),
        Command::Clauses(args::ClausesCommand::Lint { lang: l, .. }) => lang(*l),
        _ => Lang::Fr,
    }
}

fn run_command(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Verify(a) => profile_choice(a.profile.as_deref()).and_then(|profile| {
            let mut plan = plan(&a.path, &a.read, profile);
            plan.counts = a.counts.clone();
            plan.contract = a.contract.clone();
            plan.reveal_values = a.reveal_values;
            verify(plan, &a.out, a.format, a.read.quiet, &Extra { junit: a.junit.clone() })
        }),
        Command::Fingerprint(a) => compare::fingerprint(&a),
        Command::Diff(a) => compare::diff(&a),
        Command::Inventory(a) => inventory(&a),
        Command::Demo(a) => demo::demo(&a),
        Command::Schemas(c) => schemas::run(&c),
        Command::Clauses(c) => clauses::run(&c),
        Command::Report(c) => report_check(&c),
        Command::Profile(c) => profile::run(&c),
    }
}

/// `reversa report check REPORT ARCHIVE`: 0 when the report belongs to the archive and its
/// inputs, 1 when not.
fn report_check(c: &args::ReportCommand) -> anyhow::Result<u8> {
    let args::ReportCommand::Check { report: path, archive, counts, contract, profile } = c;
    let refused = |e: &reversa::input::ReadError| {
        reversa::input::InputError::from_read(&path.display().to_string(), e).message(Lang::En)
    };
    let bytes = reversa::input::read_bounded(path, report::check::REPORT_LIMIT)
        .map_err(|e| anyhow::anyhow!("{}", refused(&e)))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: not a JSON report: {e}", path.display()))?;
    let given = report::check::Given {
        counts: counts.as_deref(),
        contract: contract.as_deref(),
        profile: profile.as_deref(),
    };
    let lines = report::check::check(&value, archive, &given).map_err(|e| match e {
        report::check::CheckError::Input(i) => anyhow::anyhow!("{}", i.message(Lang::En)),
        other => anyhow::anyhow!("{other}"),
    })?;
    let mut s = String::new();
    for l in &lines {
        s.push_str(&format!("{:<12} {:<40} {}\n", l.status, l.what, l.detail));
    }
    let bad = lines.iter().any(|l| l.status == "differs");
    let unchecked = lines.iter().filter(|l| l.status == "not-checked").count();
    s.push_str(&if bad {
        "the report does NOT match this archive and its inputs\n".to_string()
    } else if unchecked > 0 {
        format!(
            "the report belongs to this archive and the inputs checked ({unchecked} line(s) not checked)\n"
        )
    } else {
        "the report belongs to this archive and its inputs\n".to_string()
    });
    print(&s);
    Ok(u8::from(bad))
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
    // Anything that exists is read as a file, so a folder, FIFO or device is refused as such.
    if path.exists() {
        return Ok(ProfileChoice::File(path));
    }
    if arg.ends_with(".toml") || arg.contains(std::path::MAIN_SEPARATOR) || arg.contains('/') {
        return Err(reversa::input::InputError::new(reversa::finding::Code::InputNotFound, arg).into());
    }
    // Neither a built-in name nor a file: the near built-in name, if any.
    Err(reversa::records::profile::unknown_profile(arg).into())
}

pub(crate) fn plan(path: &Path, read: &ReadArgs, profile: ProfileChoice) -> Plan {
    Plan {
        limits: reversa::archive::Limits {
            max_total_size: read.max_total_size,
            max_ratio: read.max_ratio,
            ..Default::default()
        },
        command: std::env::args().collect(),
        profile,
        ..Plan::new(path.to_path_buf(), lang(read.lang))
    }
}

pub(crate) fn run(plan: &Plan, quiet: bool) -> anyhow::Result<Report> {
    let bar = progress::Bar::new(quiet);
    let report = reversa::pipeline::run(plan, &bar);
    bar.finish();
    Ok(report?)
}

/// Refuses, before any work, an output that would harm an input (see
/// [`report::out::check_output`]): each `(flag, path, kind)` against `inputs`.
pub(crate) fn check_outputs(
    outputs: &[(&str, Option<&Path>, report::out::OutKind)],
    inputs: &[&Path],
) -> anyhow::Result<()> {
    for (flag, path, kind) in outputs {
        if let Some(path) = path {
            report::out::check_output(flag, path, *kind, inputs)?;
        }
    }
    Ok(())
}

/// Writes a file named on the command line whole (a temporary file renamed over it), after
/// [`check_outputs`] accepted it.
pub(crate) fn write_file(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    report::write_atomic(dir, &name, bytes)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
    Ok(())
}

pub(crate) fn print(text: &str) {
    // A closed pipe (`reversa … | head`) is not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// Where `verify` writes beyond `--out`.
#[derive(Default)]
pub(crate) struct Extra {
    /// `--junit FILE`.
    pub junit: Option<PathBuf>,
}

pub(crate) fn verify(
    plan: Plan,
    out: &Path,
    format: FormatArg,
    quiet: bool,
    extra: &Extra,
) -> anyhow::Result<u8> {
    use report::out::OutKind;
    use std::io::IsTerminal;
    // No output may touch an input: refused before anything is read or written.
    check_outputs(
        &[("--out", Some(out), OutKind::Folder), ("--junit", extra.junit.as_deref(), OutKind::File)],
        &plan.inputs(),
    )?;
    // The commune's own files first: a mistake in them is refused before the output folder
    // (and any report a previous run left there) is touched.
    reversa::pipeline::check_inputs(&plan)?;
    // Before any heavy work: the folder is writable, has room, and is marked as being written.
    let out_dir = report::out::OutDir::prepare(out, &plan.input, &reversa::pipeline::run_date())?;
    let report = run(&plan, quiet)?;
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot write the report in {}: {e}", out.display());
    let html =
        report::write_atomic(out, "report.html", report::html::render(&report).as_bytes()).map_err(cannot)?;
    if let Some(file) = &extra.junit {
        write_file(file, report::junit::render(&report).as_bytes())?;
    }
    // report.json last: once it is there, the run's other files are too.
    let json = report::write_json(out, &report).map_err(cannot)?;
    out_dir.finish().map_err(cannot)?;
    match format {
        FormatArg::Json => print(&report::to_json(&report)),
        FormatArg::Text => {
            let color =
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let (json, html) = (json.display().to_string(), html.display().to_string());
            let outputs = report::text::Outputs { json: Some(&json), html: Some(&html), color };
            print(&report::text::render_to(&report, &outputs))
        }
    }
    Ok(report.exit_code())
}

fn inventory(a: &args::InventoryArgs) -> anyhow::Result<u8> {
    let plan = Plan { read_records: false, ..plan(&a.path, &a.read, ProfileChoice::Detect) };
    let report = run(&plan, a.read.quiet)?;
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
