//! A short Markdown report for `$GITHUB_STEP_SUMMARY` and incident tickets:
//! a table by promise, then the failures with their evidence, the waived
//! ones with their waivers, and the waivers that need attention.
//!
//! GitHub caps a step summary at 1 MiB, so at most [`MAX_LISTED`] failures
//! are listed per rule; the table always counts all of them.

use std::fmt::Write;

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status, Tally};

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
    // Waived failures are accepted: they do not make the verdict red.
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
    // Waiver columns and counts only when waivers were applied, so that
    // reports without them keep their shape.
    let with_waivers = !input.waivers.is_empty() || s.waived > 0;
    let waived_count = if with_waivers {
        format!(" · {} waived", s.waived)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} rules · {} resources · **{} failed** · {} unknown{waived_count} · {} passed. Scanned {} at {}.\n",
        s.rules,
        s.resources,
        s.failed,
        s.unknown,
        s.passed,
        scope.join("; "),
        input.collected_at
    );
    if let Some(b) = &input.baseline {
        let _ = writeln!(
            out,
            "Compared with the baseline `{}` (collected {}): **{} new** · {} existing · {} fixed.\n",
            cell(&b.source),
            b.collected_at,
            b.new,
            b.existing,
            b.fixed.len()
        );
    }
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
    if with_waivers {
        let _ = writeln!(
            out,
            "| Rule | Severity | Promise | Failed | Unknown | Waived | Passed |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---:|");
    } else {
        let _ = writeln!(
            out,
            "| Rule | Severity | Promise | Failed | Unknown | Passed |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|");
    }
    for rule in &input.rules {
        let tally = input.rule_tally(&rule.id, findings.iter().filter(|f| f.rule_id == rule.id));
        let Tally {
            failed,
            unknown,
            waived,
            passed,
        } = tally;
        let mark = match tally.worst() {
            Some(Status::Fail) => "❌",
            Some(Status::Unknown) => "⚠️",
            Some(Status::Waived) => "☑️",
            _ => "✅",
        };
        let waived = if with_waivers {
            format!(" {waived} |")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {mark} **{}** {} | {} | `{}:{}` | {failed} | {unknown} |{waived} {passed} |",
            rule.id,
            cell(&rule.title),
            rule.severity,
            cell(&rule.promise.file),
            rule.promise.line
        );
    }
    out.push('\n');

    let skipped: Vec<(&RuleInfo, String)> = input
        .rules
        .iter()
        .filter_map(|rule| Some((rule, super::not_judged(&rule.id, input)?)))
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(out, "### Looked at, not judged\n");
        for (rule, line) in skipped {
            let _ = writeln!(out, "- **{}** {}", rule.id, cell(&line));
        }
        out.push('\n');
    }

    for (heading, status) in [
        ("Failures", Status::Fail),
        ("Could not evaluate", Status::Unknown),
        ("Waived (accepted risks)", Status::Waived),
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
                let tag = match f.baseline {
                    Some(crate::findings::BaselineState::New) => "**new** ",
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    "- {tag}`{}` {} — account `{}`, {}: {}",
                    cell(&r.name),
                    cell(&r.resource_type),
                    r.account,
                    r.region,
                    cell(&f.message)
                );
                if let Some(w) = &f.waiver {
                    let what = if f.status == Status::Waived {
                        "waived"
                    } else {
                        "waiver **expired**"
                    };
                    let _ = writeln!(out, "  - {what}: {}", cell(&w.justification()));
                }
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
    if let Some(b) = &input.baseline
        && !b.fixed.is_empty()
    {
        let _ = writeln!(out, "### Fixed since the baseline\n");
        for f in b.fixed.iter().take(MAX_LISTED) {
            let _ = writeln!(
                out,
                "- **{}** `{}` {} — account `{}`, {}",
                f.rule_id,
                cell(&f.resource.name),
                cell(&f.resource.resource_type),
                f.resource.account,
                f.resource.region
            );
        }
        if b.fixed.len() > MAX_LISTED {
            let _ = writeln!(out, "- … and {} more", b.fixed.len() - MAX_LISTED);
        }
        out.push('\n');
    }
    let w = &input.waivers;
    if !w.expired.is_empty()
        || !w.expiring.is_empty()
        || !w.stale.is_empty()
        || !w.invalid.is_empty()
    {
        let _ = writeln!(out, "### Waivers to look at\n");
        for e in &w.expired {
            let _ = writeln!(
                out,
                "- ❌ **expired** `{}` rule `{}` `{}`: expired on {}, its failures fail again ({})",
                cell(&e.location()),
                cell(&e.rule),
                cell(&e.resource),
                e.expires,
                cell(&e.owner)
            );
        }
        for e in &w.expiring {
            let _ = writeln!(
                out,
                "- ⚠️ **expiring** `{}` rule `{}` `{}`: expires on {} ({})",
                cell(&e.location()),
                cell(&e.rule),
                cell(&e.resource),
                e.expires,
                cell(&e.owner)
            );
        }
        for e in &w.stale {
            let _ = writeln!(
                out,
                "- ⚠️ **stale** `{}` rule `{}` `{}`: matches no failure ({})",
                cell(&e.location()),
                cell(&e.rule),
                cell(&e.resource),
                cell(&e.owner)
            );
        }
        for i in &w.invalid {
            let _ = writeln!(
                out,
                "- ⚠️ **malformed** `{}:{}:{}`: {} (waives nothing)",
                cell(&i.file),
                i.line,
                i.column,
                cell(&i.message)
            );
        }
        out.push('\n');
    }
    out
}
