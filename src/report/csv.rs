//! The CSV report: one row per verdict (every status), with the columns an
//! auditor sorts and filters by, quoted by RFC 4180 (by the `csv` crate).
//!
//! Names, tags, messages and evidence come from AWS, and anyone who can tag
//! a resource can write them: a cell a spreadsheet would read as a formula
//! (one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! is prefixed with a single quote, as OWASP advises, so it stays text.
//!
//! The last five columns are the waiver a verdict carries: the one that
//! accepts a `waived` failure, or the expired one under which a `fail`
//! fails again (its `waiver_expires` is then in the past); empty otherwise.

use std::collections::HashMap;

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status};

/// The header row.
pub const COLUMNS: [&str; 23] = [
    "status",
    "severity",
    "rule_id",
    "rule_title",
    "account",
    "region",
    "resource_type",
    "resource_name",
    "resource_arn",
    "message",
    "evidence",
    "tags",
    "policy_file",
    "policy_line",
    "promise",
    "controls",
    "fingerprint",
    "collected_at",
    "waiver_reason",
    "waiver_owner",
    "waiver_expires",
    "waiver_ticket",
    "waiver_file",
];

/// The word a status is written as.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Pass => "pass",
        Status::Waived => "waived",
    }
}

/// A cell that a spreadsheet will show as text, never run as a formula.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let rules: HashMap<&str, &RuleInfo> = input.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = out.write_record(COLUMNS);
    let collected_at = input.collected_at.to_string();
    for f in &input.evaluation.findings {
        let _ = out.write_record(row(
            f,
            rules.get(f.rule_id.as_str()).copied(),
            &collected_at,
        ));
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn row(f: &Finding, rule: Option<&RuleInfo>, collected_at: &str) -> Vec<String> {
    let r = &f.resource;
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("{} = {} ({})", e.field, e.value, e.note))
        .collect();
    let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut lines = f.promise.line.to_string();
    for l in &f.promise.related_lines {
        lines.push_str(&format!(",{l}"));
    }
    let waiver = f.waiver.as_ref();
    let cells = [
        status_word(f.status).to_string(),
        f.severity.to_string(),
        f.rule_id.to_string(),
        rule.map(|r| r.title.clone()).unwrap_or_default(),
        r.account.to_string(),
        r.region.to_string(),
        r.resource_type.to_string(),
        r.name.clone(),
        r.arn.to_string(),
        f.message.clone(),
        evidence.join("\n"),
        tags.join("\n"),
        f.promise.file.clone(),
        lines,
        f.promise.text.clone(),
        rule.map(|r| r.controls.join(" ")).unwrap_or_default(),
        super::sarif::fingerprint(&f.rule_id, &r.account, &r.region, &r.arn),
        collected_at.to_string(),
        waiver.map(|w| w.reason.clone()).unwrap_or_default(),
        waiver.map(|w| w.owner.clone()).unwrap_or_default(),
        waiver.map(|w| w.expires.to_string()).unwrap_or_default(),
        waiver.and_then(|w| w.ticket.clone()).unwrap_or_default(),
        waiver.map(|w| w.location()).unwrap_or_default(),
    ];
    cells.iter().map(|c| neutralise(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_become_text() {
        for cell in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["", "a=b", "sg-1", "1", "'quoted"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
