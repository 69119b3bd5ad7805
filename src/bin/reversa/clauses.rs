//! `reversa clauses init|lint|kinds`: clause templates, the linter, the kinds catalogue.

use crate::args::{ClausesCommand, FormatArg};
use crate::{lang, print};
use reversa::clauses::{ClauseFile, TEMPLATES, kinds, lint};
use std::fmt::Write;

pub fn run(c: &ClausesCommand) -> anyhow::Result<u8> {
    match c {
        ClausesCommand::Init { template, out } => {
            let Some((_, text)) = TEMPLATES.iter().find(|(n, _)| n == template) else {
                let known: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
                anyhow::bail!("no template {template:?}; known: {}", known.join(", "));
            };
            let kind = reversa::report::out::OutKind::File;
            crate::check_outputs(&[("--out", out.as_deref(), kind)], &[])?;
            match out {
                Some(file) => {
                    crate::write_file(file, text.as_bytes())?;
                    eprintln!("{}", file.display());
                }
                None => print(text),
            }
            Ok(0)
        }
        ClausesCommand::Lint { file, format, lang: l } => {
            let bytes = reversa::input::read_input_file(file)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                reversa::input::InputError::new(
                    reversa::finding::Code::InputNotUtf8,
                    file.display().to_string(),
                )
            })?;
            let parsed = ClauseFile::parse(&text, &file.display().to_string())?;
            let problems = lint::lint(&parsed);
            match format {
                FormatArg::Json => print(&format!("{}\n", serde_json::to_string_pretty(&problems)?)),
                FormatArg::Text => {
                    let l = lang(*l);
                    let mut s = String::new();
                    for p in &problems {
                        let _ = writeln!(
                            s,
                            "{} {:<18} {}{}\n    → {}",
                            if p.blocking {
                                l.pick("ERREUR", "ERROR ")
                            } else {
                                l.pick("ATTENTION", "WARNING")
                            },
                            p.code,
                            p.clause.as_deref().map(|c| format!("[{c}] ")).unwrap_or_default(),
                            l.pick(&p.message, &p.message_en),
                            p.fix
                        );
                    }
                    let _ = writeln!(
                        s,
                        "{} {} ({} {})",
                        problems.len(),
                        l.pick("problème(s)", "problem(s)"),
                        parsed.clauses.len(),
                        l.pick("clause(s) lue(s)", "clause(s) read")
                    );
                    print(&s);
                }
            }
            Ok(if problems.is_empty() { 0 } else { 1 })
        }
        ClausesCommand::Kinds => {
            let mut s = String::new();
            for k in kinds::CATALOGUE {
                let params: Vec<String> = k
                    .params
                    .iter()
                    .map(|p| format!("{}{}", p.name, if p.required { "*" } else { "" }))
                    .collect();
                let _ = writeln!(
                    s,
                    "{}\n  checks: {}\n  evidence: {}\n  unverifiable when: {}",
                    k.name, k.checks, k.evidence, k.unverifiable
                );
                if !params.is_empty() {
                    let _ = writeln!(s, "  params: {}", params.join(", "));
                }
                if !k.contract.is_empty() {
                    let _ = writeln!(s, "  contract: {}", k.contract.join(", "));
                }
            }
            print(&s);
            Ok(0)
        }
    }
}
