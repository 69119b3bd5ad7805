//! The HTML report (to be written).

use super::Report;

/// Renders the report as one self-contained HTML page.
pub fn render(report: &Report) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>reversa</title></head><body>{}</body></html>",
        report.verdict.as_str()
    )
}
