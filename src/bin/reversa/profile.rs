//! `reversa profile list|show|suggest`: the built-in profiles, and a profile proposed from an
//! export's headers.

use crate::args::ProfileCommand;
use crate::print;
use reversa::records::{Registry, profile, suggest};
use std::fmt::Write;

pub fn run(c: &ProfileCommand) -> anyhow::Result<u8> {
    match c {
        ProfileCommand::List => {
            let mut s = String::new();
            for (name, text) in profile::BUILT_IN {
                let p = profile::Profile::from_toml(text, name)?;
                let mut datasets: Vec<&str> = p.mapping.iter().map(|m| m.dataset.as_str()).collect();
                datasets.dedup();
                let _ = writeln!(s, "{name:<12} {}\n{:<12} → {}", p.title, "", datasets.join(", "));
            }
            print(&s);
        }
        ProfileCommand::Show { name } => match profile::BUILT_IN.iter().find(|(n, _)| n == name) {
            Some((_, text)) => print(text),
            None => {
                let known: Vec<&str> = profile::BUILT_IN.iter().map(|(n, _)| *n).collect();
                anyhow::bail!("no built-in profile {name:?}; known: {}", known.join(", "));
            }
        },
        ProfileCommand::Suggest { path, out } => {
            use reversa::report::out::OutKind;
            crate::check_outputs(&[("--out", out.as_deref(), OutKind::File)], &[path.as_path()])?;
            let files = reversa::pipeline::collect_columns(path, &reversa::archive::Limits::default())?;
            let reg = Registry::built_in()?;
            let s = suggest::suggest(&files, &reg);
            let text = suggest::render_toml(&s);
            match out {
                Some(file) => {
                    crate::write_file(file, text.as_bytes())?;
                    eprintln!("{}", file.display());
                }
                None => print(&text),
            }
            let matched = s.matches.iter().filter(|m| m.dataset.is_some()).count();
            eprintln!("{matched}/{} file(s) matched a dataset", s.matches.len());
        }
    }
    Ok(0)
}
