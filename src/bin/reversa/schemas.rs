//! `reversa schemas list|show|export`: the dataset schemas shipped in the binary.

use crate::args::{SchemaFormat, SchemasCommand};
use crate::print;
use reversa::records::Registry;
use reversa::records::tableschema;
use std::fmt::Write;

pub fn run(c: &SchemasCommand) -> anyhow::Result<u8> {
    let reg = Registry::built_in()?;
    let find = |name: &str| {
        reg.get(name).ok_or_else(|| {
            let known: Vec<&str> = reg.datasets.iter().map(|d| d.name.as_str()).collect();
            anyhow::anyhow!("no dataset {name:?}; known: {}", known.join(", "))
        })
    };
    match c {
        SchemasCommand::List => {
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{:<12} {:<11} {:<8} {:<7} {:<14} title",
                "dataset", "domain", "version", "fields", "key"
            );
            for d in &reg.datasets {
                let key = if d.key.is_empty() { "—".to_string() } else { d.key.join("+") };
                let _ = writeln!(
                    s,
                    "{:<12} {:<11} {:<8} {:<7} {:<14} {}",
                    d.name,
                    d.domain,
                    d.version,
                    d.fields.len(),
                    key,
                    d.title
                );
            }
            print(&s);
        }
        SchemasCommand::Show { dataset } => print(&find(dataset)?.text),
        SchemasCommand::Export { format, dataset, out } => {
            let selected: Vec<_> = match dataset {
                Some(name) => vec![find(name)?],
                None => reg.datasets.iter().collect(),
            };
            let render = |d: &reversa::records::schema::Dataset| match format {
                SchemaFormat::TableSchema => tableschema::to_table_schema(d),
                SchemaFormat::JsonSchema => d.json.clone(),
            };
            match out {
                Some(dir) => {
                    let kind = reversa::report::out::OutKind::Folder;
                    crate::check_outputs(&[("--out", Some(dir.as_path()), kind)], &[])?;
                    std::fs::create_dir_all(dir)?;
                    for d in &selected {
                        let suffix = match format {
                            SchemaFormat::TableSchema => "tableschema.json",
                            SchemaFormat::JsonSchema => "schema.json",
                        };
                        let path = dir.join(format!("{}.{suffix}", d.name));
                        match format {
                            SchemaFormat::TableSchema => std::fs::write(&path, pretty(&render(d)))?,
                            SchemaFormat::JsonSchema => std::fs::write(&path, &d.text)?,
                        }
                        eprintln!("{}", path.display());
                    }
                }
                None if selected.len() == 1 && *format == SchemaFormat::JsonSchema => {
                    print(&selected[0].text)
                }
                None if selected.len() == 1 => print(&pretty(&render(selected[0]))),
                None => {
                    let value = match format {
                        SchemaFormat::TableSchema => serde_json::json!({
                            "profile": "tabular-data-package",
                            "name": "reversa-format-1",
                            "title": "Format d'export ouvert reversa, version 1",
                            "resources": selected.iter().map(|d| serde_json::json!({
                                "name": d.name,
                                "path": format!("{}.csv", d.name),
                                "profile": "tabular-data-resource",
                                "schema": render(d),
                            })).collect::<Vec<_>>(),
                        }),
                        SchemaFormat::JsonSchema => {
                            serde_json::Value::Array(selected.iter().map(|d| render(d)).collect())
                        }
                    };
                    print(&pretty(&value));
                }
            }
        }
    }
    Ok(0)
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}
