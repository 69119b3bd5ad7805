//! `reversa demo`: a sample export written, then verified.

use crate::args::{self, ContainerArg, FormatArg, PackageArg, ReadArgs};
use crate::{lang, plan, verify};
use reversa::records::ProfileChoice;

pub fn demo(a: &args::DemoArgs) -> anyhow::Result<u8> {
    use reversa::demo::{DemoContainer, DemoOptions, Package};
    let opts = DemoOptions {
        records: a.records,
        seed: a.seed,
        package: match a.package {
            PackageArg::Reversa => Package::Reversa,
            PackageArg::Bagit => Package::Bagit,
            PackageArg::Seda => Package::Seda,
            PackageArg::Bare => Package::Bare,
        },
        container: match a.container {
            ContainerArg::Zip => DemoContainer::Zip,
            ContainerArg::Tar => DemoContainer::Tar,
            ContainerArg::TarGz => DemoContainer::TarGz,
            ContainerArg::Folder => DemoContainer::Folder,
        },
        defects: a.defects.clone(),
        ..Default::default()
    };
    crate::check_outputs(&[("--out", Some(a.out.as_path()), reversa::report::out::OutKind::Folder)], &[])?;
    let export = reversa::demo::write_demo(&a.out, &opts)
        .map_err(|e| anyhow::anyhow!("cannot write the demo export in {}: {e}", a.out.display()))?;
    let l = lang(a.lang);
    let total: u64 = export.records.values().sum();
    eprintln!(
        "{} {} ({} {})",
        l.pick("Export de démonstration écrit :", "Demo export written:"),
        export.path.display(),
        total,
        l.pick("enregistrements", "records"),
    );
    if a.no_verify {
        return Ok(0);
    }
    let read = ReadArgs {
        lang: a.lang,
        quiet: a.quiet,
        max_total_size: reversa::archive::Limits::default().max_total_size,
        max_ratio: reversa::archive::Limits::default().max_ratio,
    };
    verify(
        plan(&export.path, &read, ProfileChoice::Detect),
        &a.out.join("report"),
        FormatArg::Text,
        read.quiet,
        &crate::Extra::default(),
    )
}
