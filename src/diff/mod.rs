//! Comparing two exports record by record (`reversa diff OLD NEW`): per dataset, the records
//! matched on their key, missing from NEW, added in NEW, and changed — with, for the changed
//! ones, how many records each field changed in. No value is kept: each side holds, per record,
//! a 64-bit key hash, a 64-bit record digest, its row, and a 16-bit digest per field
//! (24 + 2 × fields bytes; 10 M records of 15 fields ≈ 540 MB per side).
//!
//! Use cases: the old vendor's export against the new vendor's re-export after import; the
//! trial export before signing against the final export at exit.

use crate::records::outcome::DiffMaterial;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the diff JSON.
pub const DIFF_VERSION: &str = "1";

/// One side of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The path given.
    pub path: String,
    /// Archive or tree digest.
    pub sha256: String,
    /// Profiles that mapped its files.
    pub profiles: Vec<String>,
}

/// One dataset compared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DatasetDiff {
    /// The dataset.
    pub name: String,
    /// The key the records are matched on (empty: whole records).
    pub keyed_by: Vec<String>,
    /// Records in OLD.
    pub old: u64,
    /// Records in NEW.
    pub new: u64,
    /// Records whose key is in both.
    pub matched: u64,
    /// Matched and identical.
    pub unchanged: u64,
    /// Matched but different.
    pub changed: u64,
    /// In OLD, not in NEW.
    pub missing: u64,
    /// In NEW, not in OLD.
    pub added: u64,
    /// Per field: records in which it changed.
    pub fields_changed: BTreeMap<String, u64>,
    /// Rows (in OLD) of missing records: a sample of up to five, sorted.
    pub missing_rows: Vec<u32>,
    /// Rows (in NEW) of added records: a sample of up to five, sorted.
    pub added_rows: Vec<u32>,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// `1`.
    pub diff_version: &'static str,
    /// The tool.
    pub tool: crate::report::Tool,
    /// OLD.
    pub old: Side,
    /// NEW.
    pub new: Side,
    /// Per dataset present on either side.
    pub datasets: Vec<DatasetDiff>,
}

impl DiffReport {
    /// Whether the two exports hold the same records.
    pub fn identical(&self) -> bool {
        self.datasets.iter().all(|d| d.changed == 0 && d.missing == 0 && d.added == 0)
    }
}

const SAMPLES: usize = 5;

/// Compares the two sides' records, dataset by dataset (consumes them: rows are sorted in
/// place).
pub fn compare(old: Vec<DiffMaterial>, new: Vec<DiffMaterial>) -> Vec<DatasetDiff> {
    let mut new_by: BTreeMap<String, DiffMaterial> =
        new.into_iter().map(|m| (m.dataset.clone(), m)).collect();
    let mut out = Vec::new();
    for o in old {
        let n = new_by.remove(&o.dataset).unwrap_or_else(|| DiffMaterial {
            dataset: o.dataset.clone(),
            spec: o.spec.clone(),
            ..Default::default()
        });
        out.push(compare_one(o, n));
    }
    for (_, n) in new_by {
        let o = DiffMaterial { dataset: n.dataset.clone(), spec: n.spec.clone(), ..Default::default() };
        out.push(compare_one(o, n));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn compare_one(mut o: DiffMaterial, mut n: DiffMaterial) -> DatasetDiff {
    o.rows.rows.sort_unstable_by_key(|r| (r.key, r.digest));
    n.rows.rows.sort_unstable_by_key(|r| (r.key, r.digest));
    let stride = o.spec.fields.len();
    let mut d = DatasetDiff {
        name: o.dataset.clone(),
        keyed_by: o.spec.key.clone(),
        old: o.rows.rows.len() as u64,
        new: n.rows.rows.len() as u64,
        matched: 0,
        unchanged: 0,
        changed: 0,
        missing: 0,
        added: 0,
        fields_changed: BTreeMap::new(),
        missing_rows: Vec::new(),
        added_rows: Vec::new(),
    };
    let mut per_field = vec![0u64; stride];
    let (a, b) = (&o.rows.rows, &n.rows.rows);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let ka = a.get(i).map(|r| r.key);
        let kb = b.get(j).map(|r| r.key);
        match (ka, kb) {
            (Some(x), Some(y)) if x == y => {
                let ie = i + a[i..].iter().take_while(|r| r.key == x).count();
                let je = j + b[j..].iter().take_while(|r| r.key == x).count();
                let pairs = (ie - i).min(je - j);
                for k in 0..pairs {
                    let (ra, rb) = (&a[i + k], &b[j + k]);
                    d.matched += 1;
                    if ra.digest == rb.digest {
                        d.unchanged += 1;
                    } else {
                        d.changed += 1;
                        let fa = &o.rows.fields[ra.index as usize * stride..][..stride];
                        let fb = &n.rows.fields[rb.index as usize * stride..][..stride];
                        for (f, (x, y)) in fa.iter().zip(fb).enumerate() {
                            if x != y {
                                per_field[f] += 1;
                            }
                        }
                    }
                }
                for r in &a[i + pairs..ie] {
                    d.missing += 1;
                    if d.missing_rows.len() < SAMPLES {
                        d.missing_rows.push(r.row);
                    }
                }
                for r in &b[j + pairs..je] {
                    d.added += 1;
                    if d.added_rows.len() < SAMPLES {
                        d.added_rows.push(r.row);
                    }
                }
                (i, j) = (ie, je);
            }
            (Some(x), y) if y.is_none_or(|y| x < y) => {
                d.missing += 1;
                if d.missing_rows.len() < SAMPLES {
                    d.missing_rows.push(a[i].row);
                }
                i += 1;
            }
            _ => {
                d.added += 1;
                if d.added_rows.len() < SAMPLES {
                    d.added_rows.push(b[j].row);
                }
                j += 1;
            }
        }
    }
    d.missing_rows.sort_unstable();
    d.added_rows.sort_unstable();
    for (f, n) in per_field.into_iter().enumerate() {
        if n > 0 {
            d.fields_changed.insert(o.spec.fields[f].clone(), n);
        }
    }
    d
}

/// The diff as JSON.
pub fn to_json(r: &DiffReport) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("the diff always serialises");
    s.push('\n');
    s
}

/// The diff as a terminal table, in French or English.
pub fn to_text(r: &DiffReport, lang: crate::finding::Lang) -> String {
    use std::fmt::Write;
    let t = |fr: &'static str, en: &'static str| lang.pick(fr, en);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "reversa {} — {}",
        r.tool.version,
        t("comparaison de deux exports", "comparison of two exports")
    );
    let _ = writeln!(
        s,
        "{} {} (sha256 {})",
        t("Ancien :", "Old :"),
        r.old.path,
        &r.old.sha256[..16.min(r.old.sha256.len())]
    );
    let _ = writeln!(
        s,
        "{} {} (sha256 {})",
        t("Nouveau:", "New :"),
        r.new.path,
        &r.new.sha256[..16.min(r.new.sha256.len())]
    );
    let _ = writeln!(
        s,
        "  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        t("jeu", "dataset"),
        t("ancien", "old"),
        t("nouveau", "new"),
        t("appariés", "matched"),
        t("manquants", "missing"),
        t("ajoutés", "added"),
        t("modifiés", "changed")
    );
    for d in &r.datasets {
        let _ = writeln!(
            s,
            "  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            d.name, d.old, d.new, d.matched, d.missing, d.added, d.changed
        );
        if !d.fields_changed.is_empty() {
            let mut fields: Vec<(&String, &u64)> = d.fields_changed.iter().collect();
            fields.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let list: Vec<String> = fields.iter().take(8).map(|(f, n)| format!("{f} {n}")).collect();
            let _ =
                writeln!(s, "  {:<12} {} {}", "", t("champs modifiés :", "fields changed:"), list.join(", "));
        }
    }
    let _ = writeln!(
        s,
        "{}",
        if r.identical() {
            t("Résultat : mêmes enregistrements.", "Result: same records.")
        } else {
            t("Résultat : les enregistrements diffèrent.", "Result: the records differ.")
        }
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::aggregate::{DiffRow, DiffRows, DiffSpec};

    fn side(rows: &[(u64, u64, [u16; 2])]) -> DiffMaterial {
        let mut r = DiffRows::default();
        for (i, (k, d, f)) in rows.iter().enumerate() {
            r.rows.push(DiffRow { key: *k, digest: *d, index: i as u32, row: i as u32 + 2 });
            r.fields.extend(f);
        }
        DiffMaterial {
            dataset: "t".into(),
            spec: DiffSpec { key: vec!["id".into()], fields: vec!["id".into(), "nom".into()] },
            rows: r,
        }
    }

    #[test]
    fn matched_missing_added_changed_and_fields() {
        let old = side(&[(1, 10, [1, 5]), (2, 20, [2, 6]), (3, 30, [3, 7]), (4, 40, [4, 8])]);
        let new = side(&[(4, 40, [4, 8]), (2, 21, [2, 9]), (5, 50, [5, 1]), (1, 10, [1, 5])]);
        let d = &compare(vec![old], vec![new])[0];
        assert_eq!(
            (d.old, d.new, d.matched, d.unchanged, d.changed, d.missing, d.added),
            (4, 4, 3, 2, 1, 1, 1)
        );
        assert_eq!(d.fields_changed.get("nom"), Some(&1));
        assert_eq!(d.fields_changed.get("id"), None);
        assert_eq!(d.missing_rows, [4]);
        assert_eq!(d.added_rows, [4]);
    }

    #[test]
    fn a_dataset_on_one_side_only() {
        let d = compare(vec![], vec![side(&[(1, 1, [1, 1])])]);
        assert_eq!((d[0].added, d[0].missing, d[0].old), (1, 0, 0));
    }
}
