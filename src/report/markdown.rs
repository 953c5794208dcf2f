//! A short Markdown report for `$GITHUB_STEP_SUMMARY` and incident tickets:
//! a table by promise, then the failures with their evidence.
//!
//! GitHub caps a step summary at 1 MiB, so at most [`MAX_LISTED`] failures
//! are listed per rule; the table always counts all of them.

use std::fmt::Write;

use super::ReportInput;
use crate::findings::{Finding, Status};

/// Failures listed per rule before "and N more".
pub const MAX_LISTED: usize = 50;

/// Escapes text for a Markdown table cell or list item.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let s = &input.evaluation.summary;
    let findings = &input.evaluation.findings;
    let mut out = String::new();
    let verdict = if s.failed > 0 {
        "❌ promises broken"
    } else if s.unknown > 0 {
        "⚠️ incomplete: some promises could not be evaluated"
    } else {
        "✅ all promises kept"
    };
    let _ = writeln!(out, "## conform: {verdict}\n");
    let scope: Vec<String> = input
        .scope
        .iter()
        .map(|a| format!("`{}` ({})", a.account, a.regions.join(", ")))
        .collect();
    let _ = writeln!(
        out,
        "{} rules · {} resources · **{} failed** · {} unknown · {} passed. Scanned {} at {}.\n",
        s.rules,
        s.resources,
        s.failed,
        s.unknown,
        s.passed,
        scope.join("; "),
        input.collected_at
    );
    if input.scope.len() > 1 {
        let _ = writeln!(out, "| Account | Regions | Failed | Unknown | Passed |");
        let _ = writeln!(out, "|---|---|---:|---:|---:|");
        for (scanned, tally) in input.by_account() {
            let mark = match &scanned.error {
                Some(_) => "⚠️",
                None if tally.failed > 0 => "❌",
                None if tally.unknown > 0 => "⚠️",
                None => "✅",
            };
            let regions = match &scanned.error {
                Some(e) => format!("not scanned: {}", cell(&e.to_string())),
                None => scanned.regions.join(", "),
            };
            let _ = writeln!(
                out,
                "| {mark} `{}` | {regions} | {} | {} | {} |",
                scanned.account, tally.failed, tally.unknown, tally.passed
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "| Rule | Severity | Promise | Failed | Unknown | Passed |"
    );
    let _ = writeln!(out, "|---|---|---|---:|---:|---:|");
    for rule in &input.rules {
        let of_rule = findings.iter().filter(|f| f.rule_id == rule.id);
        let (mut failed, mut unknown, mut passed) = (0, 0, 0);
        for f in of_rule {
            match f.status {
                Status::Fail => failed += 1,
                Status::Unknown => unknown += 1,
                Status::Pass => passed += 1,
            }
        }
        let mark = if failed > 0 {
            "❌"
        } else if unknown > 0 {
            "⚠️"
        } else {
            "✅"
        };
        let _ = writeln!(
            out,
            "| {mark} **{}** {} | {} | `{}:{}` | {failed} | {unknown} | {passed} |",
            rule.id,
            cell(&rule.title),
            rule.severity,
            cell(&rule.promise.file),
            rule.promise.line
        );
    }
    out.push('\n');

    for (heading, status) in [
        ("Failures", Status::Fail),
        ("Could not evaluate", Status::Unknown),
    ] {
        let listed: Vec<&Finding> = findings.iter().filter(|f| f.status == status).collect();
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        for rule in &input.rules {
            let of_rule: Vec<&&Finding> = listed.iter().filter(|f| f.rule_id == rule.id).collect();
            if of_rule.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "**{}** {} — _{}_ ({}:{})\n",
                rule.id,
                cell(&rule.title),
                cell(&rule.promise.text),
                cell(&rule.promise.file),
                rule.promise.line
            );
            for f in of_rule.iter().take(MAX_LISTED) {
                let r = &f.resource;
                let _ = writeln!(
                    out,
                    "- `{}` {} — account `{}`, {}: {}",
                    cell(&r.name),
                    cell(&r.resource_type),
                    r.account,
                    r.region,
                    cell(&f.message)
                );
                for e in &f.evidence {
                    let _ = writeln!(
                        out,
                        "  - `{}` = `{}` ({})",
                        cell(&e.field),
                        cell(&e.value),
                        cell(&e.note)
                    );
                }
            }
            if of_rule.len() > MAX_LISTED {
                let _ = writeln!(
                    out,
                    "- … and {} more (see the JSON or SARIF report)",
                    of_rule.len() - MAX_LISTED
                );
            }
            out.push('\n');
        }
    }
    out
}
