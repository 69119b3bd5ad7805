//! Stage 5 — the verdict: can the exit clause be satisfied with this export?
//!
//! Until clause files exist, the default expectations are the `safety` and `fixity` checks:
//! - **not-satisfiable** when any finding is an error (a file missing, a digest wrong, an
//!   unsafe or unreadable entry…);
//! - **undetermined** when no error but fixity could not be verified (no manifest);
//! - **satisfiable** otherwise. Warnings (proprietary formats, non-UTF-8 text) are reported and
//!   do not change the answer.

use crate::checks::{CheckResult, CheckStatus};
use crate::finding::{Finding, Severity};
use serde::Serialize;

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every expectation is met.
    Satisfiable,
    /// At least one expectation is violated.
    NotSatisfiable,
    /// None violated, some cannot be verified.
    Undetermined,
}

impl Verdict {
    /// The name written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Satisfiable => "satisfiable",
            Verdict::NotSatisfiable => "not-satisfiable",
            Verdict::Undetermined => "undetermined",
        }
    }

    /// The process exit code: 0 satisfiable, 1 not satisfiable, 3 undetermined.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Satisfiable => 0,
            Verdict::NotSatisfiable => 1,
            Verdict::Undetermined => 3,
        }
    }
}

/// Decides the verdict from the checks and their findings.
pub fn decide(checks: &[CheckResult], findings: &[Finding]) -> Verdict {
    if findings.iter().any(|f| f.severity == Severity::Error)
        || checks.iter().any(|c| c.status == CheckStatus::Fail)
    {
        Verdict::NotSatisfiable
    } else if checks.iter().any(|c| c.status == CheckStatus::Unverifiable) {
        Verdict::Undetermined
    } else {
        Verdict::Satisfiable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Location};

    fn check(status: CheckStatus) -> CheckResult {
        CheckResult { id: "fixity", status, errors: 0, warnings: 0 }
    }

    #[test]
    fn errors_win_then_unverifiable() {
        let warn = Finding::new(Code::InventoryNotUtf8, Location::entry("a"));
        let err = Finding::new(Code::FixityMissingFile, Location::entry("a"));
        assert_eq!(decide(&[check(CheckStatus::Pass)], std::slice::from_ref(&warn)), Verdict::Satisfiable);
        assert_eq!(decide(&[check(CheckStatus::Unverifiable)], &[warn]), Verdict::Undetermined);
        assert_eq!(decide(&[check(CheckStatus::Unverifiable)], &[err]), Verdict::NotSatisfiable);
        assert_eq!(decide(&[check(CheckStatus::Fail)], &[]), Verdict::NotSatisfiable);
        assert_eq!(Verdict::Undetermined.exit_code(), 3);
    }
}
