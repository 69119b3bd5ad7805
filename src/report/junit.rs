//! JUnit XML (`--junit FILE`): one test case per clause and per check, so that a CI server
//! shows them. A violated clause or a failed check is a `<failure>`; an unverifiable one is
//! `<skipped>` with what is missing; the message is the reason, never a record value.

use super::Report;
use crate::checks::CheckStatus;
use crate::clauses::ClauseVerdict;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    super::xml_escape(&mut out, s);
    out
}

/// Renders the report as JUnit XML.
pub fn render(r: &Report) -> String {
    let mut clauses = String::new();
    let (mut cf, mut cs) = (0, 0);
    for c in &r.clauses {
        let name = format!("{} {} ({})", c.id, c.kind, c.reference);
        let _ = write!(clauses, "    <testcase classname=\"reversa.clauses\" name=\"{}\">", esc(&name));
        match c.verdict {
            ClauseVerdict::Satisfied => {}
            ClauseVerdict::Violated => {
                cf += 1;
                let _ = write!(
                    clauses,
                    "<failure message=\"{}\">{}</failure>",
                    esc(&c.reason),
                    esc(&c.evidence.join("\n"))
                );
            }
            ClauseVerdict::Unverifiable => {
                cs += 1;
                let message = match &c.missing {
                    Some(m) => format!("{} — {m}", c.reason),
                    None => c.reason.clone(),
                };
                let _ = write!(clauses, "<skipped message=\"{}\"/>", esc(&message));
            }
        }
        let _ = writeln!(clauses, "</testcase>");
    }
    let mut checks = String::new();
    let (mut kf, mut ks) = (0, 0);
    for c in &r.checks {
        let _ = write!(checks, "    <testcase classname=\"reversa.checks\" name=\"{}\">", esc(c.id));
        let codes: Vec<String> = r
            .findings
            .iter()
            .filter(|f| f.severity == crate::finding::Severity::Error)
            .filter(|f| crate::checks::check_of(f.code) == c.id)
            .filter(|f| {
                // A failure lists the export's errors; a skip says what reversa could not check.
                (f.attribution == crate::finding::Attribution::Tool)
                    == (c.status == CheckStatus::Unverifiable)
            })
            .map(|f| format!("{} {}", f.code, f.message))
            .take(20)
            .collect();
        match c.status {
            CheckStatus::Pass => {}
            CheckStatus::Warn => {
                let _ = write!(checks, "<system-out>{} warning(s)</system-out>", c.warnings);
            }
            CheckStatus::Fail => {
                kf += 1;
                let _ = write!(
                    checks,
                    "<failure message=\"{} error(s)\">{}</failure>",
                    c.errors,
                    esc(&codes.join("\n"))
                );
            }
            CheckStatus::Unverifiable => {
                ks += 1;
                if codes.is_empty() {
                    let _ = write!(checks, "<skipped message=\"unverifiable\"/>");
                } else {
                    let _ = write!(checks, "<skipped message=\"unverifiable: {}\"/>", esc(&codes.join("; ")));
                }
            }
        }
        let _ = writeln!(checks, "</testcase>");
    }
    // reversa's own failures (a caught panic): an error, not a failure of the export.
    let internal: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.code == crate::finding::Code::InternalError.as_str())
        .map(|f| format!("{} {}", f.location.path.as_deref().unwrap_or(""), f.message))
        .collect();
    let ke = usize::from(!internal.is_empty());
    if ke > 0 {
        let _ = writeln!(
            checks,
            "    <testcase classname=\"reversa.checks\" name=\"internal\"><error message=\"internal error\">{}</error></testcase>",
            esc(&internal.join("\n"))
        );
    }
    let total = r.clauses.len() + r.checks.len() + ke;
    let mut s = String::new();
    let _ = writeln!(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        s,
        "<testsuites name=\"reversa {}\" tests=\"{total}\" failures=\"{}\" errors=\"{ke}\" skipped=\"{}\">",
        esc(&r.archive.path),
        cf + kf,
        cs + ks
    );
    let _ = writeln!(
        s,
        "  <testsuite name=\"clauses\" tests=\"{}\" failures=\"{cf}\" skipped=\"{cs}\" timestamp=\"{}\">",
        r.clauses.len(),
        esc(&r.generated_at)
    );
    s.push_str(&clauses);
    let _ = writeln!(s, "  </testsuite>");
    let _ = writeln!(
        s,
        "  <testsuite name=\"checks\" tests=\"{}\" failures=\"{kf}\" errors=\"{ke}\" skipped=\"{ks}\" timestamp=\"{}\">",
        r.checks.len() + ke,
        esc(&r.generated_at)
    );
    s.push_str(&checks);
    let _ = writeln!(s, "  </testsuite>\n</testsuites>");
    s
}
