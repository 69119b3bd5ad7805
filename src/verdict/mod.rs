//! The verdict: can the exit clause be satisfied with this export?
//!
//! It follows the clauses (the contract's, or the default set — see [`crate::clauses`]):
//! - **satisfiable** when every clause is satisfied;
//! - **not-satisfiable** when one is violated;
//! - **undetermined** when none is violated but some cannot be verified.

use crate::clauses::{ClauseResult, ClauseVerdict};
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

/// Decides the verdict from the clauses' verdicts.
pub fn decide(clauses: &[ClauseResult]) -> Verdict {
    if clauses.iter().any(|r| r.verdict == ClauseVerdict::Violated) {
        Verdict::NotSatisfiable
    } else if clauses.iter().any(|r| r.verdict == ClauseVerdict::Unverifiable) {
        Verdict::Undetermined
    } else {
        Verdict::Satisfiable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(verdict: ClauseVerdict) -> ClauseResult {
        ClauseResult {
            id: "x".into(),
            reference: String::new(),
            text: String::new(),
            kind: "check".into(),
            source: None,
            verdict,
            reason: String::new(),
            missing: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn the_worst_clause_decides() {
        use ClauseVerdict::*;
        assert_eq!(decide(&[result(Satisfied), result(Satisfied)]), Verdict::Satisfiable);
        assert_eq!(decide(&[result(Satisfied), result(Unverifiable)]), Verdict::Undetermined);
        assert_eq!(decide(&[result(Unverifiable), result(Violated)]), Verdict::NotSatisfiable);
        assert_eq!(decide(&[]), Verdict::Satisfiable);
        assert_eq!(Verdict::Undetermined.exit_code(), 3);
    }
}
