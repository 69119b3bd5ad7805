//! Command-line flags: parsed and validated here, nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// reversa — does a vendor's data export really let a commune leave?
#[derive(Parser, Debug)]
#[command(name = "reversa", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Verify an export (zip, tar, tar.gz or folder): inventory, fixity, safety, verdict.
    Verify(VerifyArgs),
    /// List every file of an export with its size, digests, format and encoding.
    Inventory(InventoryArgs),
    /// Write a sample commune export, then verify it.
    Demo(DemoArgs),
    /// Count and fingerprint the records per dataset and group (a counts file for `verify --counts`
    /// that proves the records identical without exchanging them).
    Fingerprint(FingerprintArgs),
    /// Compare two exports record by record: matched, missing, added, changed (per field).
    Diff(DiffArgs),
    /// Reports: check that a report belongs to an archive and the inputs it names.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Contract exit clauses: write a template, lint a clause file, list the check kinds.
    #[command(subcommand)]
    Clauses(ClausesCommand),
    /// The dataset schemas of reversa export format v1: list, show, export.
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Profiles mapping vendor layouts to datasets: list, show, suggest.
    #[command(subcommand)]
    Profile(ProfileCommand),
}

/// `reversa schemas …`.
#[derive(Subcommand, Debug)]
pub enum SchemasCommand {
    /// List the datasets: name, domain, version, key, title.
    List,
    /// Print one dataset's JSON Schema.
    Show {
        /// The dataset (`actes`, `electeurs`…).
        dataset: String,
    },
    /// Export the schemas: JSON Schema, or Frictionless Table Schema (for Validata).
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = SchemaFormat::TableSchema)]
        format: SchemaFormat,
        /// Only this dataset (printed on stdout unless --out).
        #[arg(long)]
        dataset: Option<String>,
        /// Folder where one file per dataset is written (`<dataset>.tableschema.json` or
        /// `<dataset>.schema.json`). Without it: stdout (all datasets as a Data Package
        /// descriptor for table-schema).
        #[arg(long, short, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Schema export formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaFormat {
    /// Frictionless Table Schema (Validata, frictionless).
    TableSchema,
    /// JSON Schema 2020-12, as shipped.
    JsonSchema,
}

/// `reversa report …`.
#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Confirm that a report belongs to an archive (digests) and was made with the inputs it
    /// names (schemas, profiles, counts and clause files): exit 0 when it does, 1 when not.
    /// Only the files named here are read: paths written in the report are shown, never opened.
    Check {
        /// The report.json.
        report: PathBuf,
        /// The export it is about.
        archive: PathBuf,
        /// The counts file the run was given, to compare with the report's digest.
        #[arg(long, value_name = "FILE")]
        counts: Option<PathBuf>,
        /// The clause file the run was given, to compare with the report's digest.
        #[arg(long, value_name = "FILE")]
        contract: Option<PathBuf>,
        /// The profile file the run was given, to compare with the report's digest.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
    },
}

/// `reversa clauses …`.
#[derive(Subcommand, Debug)]
pub enum ClausesCommand {
    /// Write a commented clause file from a template: data-act, ccag-tic, secnumcloud, commune.
    Init {
        /// The template.
        #[arg(long)]
        template: String,
        /// Write it to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Find what is wrong with a clause file (exit 0 clean, 1 problems, 2 unreadable).
    Lint {
        /// The clause file.
        file: PathBuf,
        /// Output: a list, or JSON.
        #[arg(long, value_enum, default_value_t = FormatArg::Text)]
        format: FormatArg,
        /// Language of the messages.
        #[arg(long, value_enum, default_value_t = LangArg::Fr)]
        lang: LangArg,
    },
    /// List the check kinds a clause can name, with their parameters.
    Kinds,
}

/// `reversa profile …`.
#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// List the built-in profiles.
    List,
    /// Print a built-in profile (TOML, commented).
    Show {
        /// Its name.
        name: String,
    },
    /// Propose a profile from the headers found in an export (a layout reversa does not know).
    Suggest {
        /// The export: a .zip, .tar, .tar.gz file or a folder.
        path: PathBuf,
        /// Write the profile to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Report language.
#[derive(ValueEnum, Clone, Copy, Debug, Default)]
pub enum LangArg {
    /// French (default).
    #[default]
    Fr,
    /// English.
    En,
}

/// Output on stdout.
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormatArg {
    /// A human summary.
    #[default]
    Text,
    /// The JSON report.
    Json,
}

/// Flags shared by the commands that read an export.
#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    /// Language of the report and summary.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    pub lang: LangArg,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// Largest total uncompressed size read from the export, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = reversa::archive::Limits::default().max_total_size)]
    pub max_total_size: u64,
    /// Largest compression ratio of one entry (uncompressed / compressed).
    #[arg(long, value_name = "N", default_value_t = reversa::archive::Limits::default().max_ratio)]
    pub max_ratio: u64,
}

/// `reversa verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The export: a .zip, .tar, .tar.gz/.tgz file or a folder.
    pub path: PathBuf,
    /// Folder where report.json is written (never an input nor inside one; one run at a time).
    #[arg(long, short, value_name = "DIR", default_value = "reversa-report")]
    pub out: PathBuf,
    /// What to print on stdout: a summary, or the JSON report.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Profile mapping the vendor's files to datasets: a built-in name (reversa-v1, reu,
    /// e-listelec, insee-deces) or a TOML file. Default: detect, file by file.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// The commune's counts: a counts file (TOML or CSV) or a fingerprint file made by
    /// `reversa fingerprint` on the commune's own extraction.
    #[arg(long, value_name = "FILE")]
    pub counts: Option<PathBuf>,
    /// The contract's exit clauses (a clause file, see `reversa clauses init`); without it the
    /// default clause set applies.
    #[arg(long, value_name = "FILE")]
    pub contract: Option<PathBuf>,
    /// Also write a JUnit XML file: one test case per clause and per check.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Show the values of records that break a rule in the reports (personal data: off by
    /// default).
    #[arg(long)]
    pub reveal_values: bool,
    /// Shared flags.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `reversa fingerprint`.
#[derive(Args, Debug)]
pub struct FingerprintArgs {
    /// The export or extraction: a .zip, .tar, .tar.gz file or a folder.
    pub path: PathBuf,
    /// Profile mapping its files to datasets (default: detect).
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Write the JSON to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Shared flags.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `reversa diff`.
#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The older export (a .zip, .tar, .tar.gz file or a folder).
    pub old: PathBuf,
    /// The newer export.
    pub new: PathBuf,
    /// Profile for OLD (default: detect).
    #[arg(long, value_name = "NAME|FILE")]
    pub profile_old: Option<String>,
    /// Profile for NEW (default: detect).
    #[arg(long, value_name = "NAME|FILE")]
    pub profile_new: Option<String>,
    /// Output on stdout: a table, or JSON.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Shared flags.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `reversa inventory`.
#[derive(Args, Debug)]
pub struct InventoryArgs {
    /// The export: a .zip, .tar, .tar.gz/.tgz file or a folder.
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Shared flags.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Manifest kind of the demo export.
#[derive(ValueEnum, Clone, Copy, Debug, Default)]
pub enum PackageArg {
    /// reversa's manifest.json.
    #[default]
    Reversa,
    /// A BagIt bag.
    Bagit,
    /// A SEDA 2.1 transfer.
    Seda,
    /// No manifest.
    Bare,
}

/// Container of the demo export.
#[derive(ValueEnum, Clone, Copy, Debug, Default)]
pub enum ContainerArg {
    /// A zip archive.
    #[default]
    Zip,
    /// A tar archive.
    Tar,
    /// A gzip-compressed tar archive.
    TarGz,
    /// A folder.
    Folder,
}

/// `reversa demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Folder where the export and its report are written.
    #[arg(long, short, value_name = "DIR", default_value = "reversa-demo")]
    pub out: PathBuf,
    /// About how many records in all datasets.
    #[arg(long, default_value_t = 3000)]
    pub records: usize,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Manifest kind.
    #[arg(long, value_enum, default_value_t = PackageArg::Reversa)]
    pub package: PackageArg,
    /// Container.
    #[arg(long, value_enum, default_value_t = ContainerArg::Zip)]
    pub container: ContainerArg,
    /// Inject a named defect (repeatable): digest-mismatch, missing-file, unlisted-file,
    /// proprietary-format, non-utf8-csv.
    #[arg(long = "defect", value_name = "NAME", value_parser = parse_defect)]
    pub defects: Vec<reversa::demo::Defect>,
    /// Only write the export, do not verify it.
    #[arg(long)]
    pub no_verify: bool,
    /// Language of the summary.
    #[arg(long, value_enum, default_value_t = LangArg::Fr)]
    pub lang: LangArg,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_defect(s: &str) -> Result<reversa::demo::Defect, String> {
    reversa::demo::Defect::parse(s).ok_or_else(|| {
        let names: Vec<&str> = reversa::demo::Defect::ALL.iter().map(|d| d.as_str()).collect();
        format!("unknown defect {s:?}; known: {}", names.join(", "))
    })
}
