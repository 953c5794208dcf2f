//! The terminal report, grouped by promise: each rule with its policy line,
//! then every failing or unknown resource with its evidence; then the
//! waived failures (accepted risks) with their waivers, the failures a
//! baseline had that are fixed, a summary, and the waivers that need
//! attention (expired, expiring, stale, malformed).

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status, Tally};
use crate::inventory::GLOBAL;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default();
const CYAN: Style = AnsiColor::Cyan.on_default();

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let mut out = String::new();
    // The summary comes first as well as last: on a big estate the end of
    // the report is thousands of lines away.
    render_summary(&mut out, input);
    if input.display.quiet {
        return out;
    }
    if let Some(filters) = input.display.describe() {
        let _ = writeln!(out, "{}", paint(DIM, &format!("Listing only: {filters}")));
    }
    out.push('\n');
    let findings = &input.evaluation.findings;
    let mut of_rules: std::collections::HashMap<&str, Vec<&Finding>> = Default::default();
    for f in findings {
        of_rules.entry(f.rule_id.as_str()).or_default().push(f);
    }
    for rule in &input.rules {
        if !input.display.shows_rule(&rule.id, rule.severity) {
            continue;
        }
        let of_rule = of_rules.remove(rule.id.as_str()).unwrap_or_default();
        render_rule(&mut out, rule, &of_rule, input);
    }
    render_waived(&mut out, input);
    render_fixed(&mut out, input);
    render_summary(&mut out, input);
    render_waiver_notes(&mut out, input);
    out
}

/// The waived failures, a section of their own: each with the waiver that
/// accepts it.
fn render_waived(out: &mut String, input: &ReportInput<'_>) {
    let waived: Vec<&Finding> = input
        .evaluation
        .findings
        .iter()
        .filter(|f| f.status == Status::Waived && input.display.shows(f))
        .collect();
    if waived.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "Waived"),
        paint(DIM, "(accepted risks: failures a waiver in force accepts)")
    );
    for f in waived {
        let title = input
            .rules
            .iter()
            .find(|r| r.id == f.rule_id)
            .map(|r| r.title.as_str())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} [{}] {}",
            paint(BOLD, &f.rule_id),
            f.severity,
            paint(DIM, title)
        );
        render_finding(out, f, input.width);
    }
    out.push('\n');
}

/// With a baseline: the failures it had that are fixed now.
fn render_fixed(out: &mut String, input: &ReportInput<'_>) {
    let Some(b) = &input.baseline else {
        return;
    };
    if b.fixed.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{} {}",
        paint(BOLD, "Fixed since the baseline"),
        paint(
            DIM,
            &format!("({}, collected {})", b.source, b.collected_at)
        )
    );
    for f in &b.fixed {
        let _ = writeln!(
            out,
            "  {} {} {}  {}",
            paint(GREEN, "✓ fixed"),
            paint(BOLD, &f.rule_id),
            paint(BOLD, &f.resource.name),
            paint(
                DIM,
                &format!(
                    "{} · account {} · {}",
                    f.resource.arn, f.resource.account, f.resource.region
                )
            )
        );
    }
    out.push('\n');
}

/// Waivers that need attention: expired, expiring soon, stale, malformed.
fn render_waiver_notes(out: &mut String, input: &ReportInput<'_>) {
    let w = &input.waivers;
    if w.is_empty() {
        return;
    }
    for e in &w.expired {
        let _ = writeln!(
            out,
            "{} {} (rule {}, {}) expired on {}: its failures fail again. {}",
            paint(RED, "Expired waiver:"),
            e.location(),
            e.rule,
            e.resource,
            e.expires,
            paint(DIM, &format!("owner {}: {}", e.owner, e.reason))
        );
    }
    for e in &w.expiring {
        let _ = writeln!(
            out,
            "{} {} (rule {}, {}) expires on {} (within {} days). {}",
            paint(YELLOW, "Waiver expiring soon:"),
            e.location(),
            e.rule,
            e.resource,
            e.expires,
            w.warn_days,
            paint(DIM, &format!("owner {}", e.owner))
        );
    }
    for e in &w.stale {
        let _ = writeln!(
            out,
            "{} {} (rule {}, {}) matches no failure: the resource was fixed or deleted, or the waiver has a typo. {}",
            paint(YELLOW, "Stale waiver:"),
            e.location(),
            e.rule,
            e.resource,
            paint(DIM, &format!("owner {}", e.owner))
        );
    }
    for i in &w.invalid {
        let _ = writeln!(
            out,
            "{} {}:{}:{}: {} (it waives nothing)",
            paint(YELLOW, "Malformed waiver:"),
            i.file,
            i.line,
            i.column,
            i.message
        );
    }
}

/// `text` in lines of at most `width` columns (none: one line), every
/// line after the first indented by `indent` spaces.
fn wrap(text: &str, first: usize, indent: usize, width: Option<usize>) -> String {
    use unicode_width::UnicodeWidthChar;
    let Some(width) = width.filter(|w| *w > indent + 20) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut column = first;
    for word in text.split(' ') {
        let w: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if column > indent && column + 1 + w > width {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            column = indent;
        } else if column > first || !out.is_empty() {
            out.push(' ');
            column += 1;
        }
        // A word longer than a line (an ARN) is cut where the line ends.
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            let cw = c.width().unwrap_or(0);
            if column + cw > width && column > indent {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', indent));
                column = indent;
            }
            out.push(c);
            column += cw;
            let _ = chars.peek();
        }
    }
    out
}

fn render_rule(out: &mut String, rule: &RuleInfo, findings: &[&Finding], input: &ReportInput<'_>) {
    let show_passing = input.show_passing;
    let width = input.width;
    let tally = input.rule_tally(&rule.id, findings.iter().copied());
    let judged_any = tally.total() > 0;
    let Tally {
        failed,
        unknown,
        passed,
        waived,
    } = tally;
    let mark = match tally.worst() {
        Some(Status::Fail) => paint(RED, "FAIL"),
        Some(Status::Unknown) => paint(YELLOW, "UNKNOWN"),
        Some(Status::Waived) => paint(CYAN, "WAIVED"),
        Some(Status::Pass) => paint(GREEN, "PASS"),
        None => paint(DIM, "N/A"),
    };
    let _ = writeln!(
        out,
        "{} {} [{}] {}",
        paint(BOLD, &rule.id),
        mark,
        rule.severity,
        rule.title
    );
    let mut lines = format!("{}:{}", rule.promise.file, rule.promise.line);
    for l in &rule.promise.related_lines {
        let _ = write!(lines, ",{l}");
    }
    let _ = writeln!(
        out,
        "  {}",
        paint(
            DIM,
            &wrap(&format!("{lines} «{}»", rule.promise.text), 2, 4, width)
        )
    );

    let display = &input.display;
    for f in findings.iter().filter(|f| {
        f.status != Status::Waived
            && display.shows(f)
            && (!display.statuses.is_empty() || f.status != Status::Pass || show_passing)
    }) {
        render_finding(out, f, width);
    }
    let mut tally = Vec::new();
    if failed > 0 {
        tally.push(format!("{failed} failed"));
    }
    if unknown > 0 {
        tally.push(format!("{unknown} unknown"));
    }
    if waived > 0 {
        tally.push(format!("{waived} waived (listed under Waived)"));
    }
    tally.push(format!("{passed} passed"));
    if !judged_any {
        let _ = writeln!(
            out,
            "  {}\n",
            paint(DIM, &super::nothing_judged(rule, input))
        );
    } else {
        let mut line = tally.join(", ");
        if let Some(skipped) = super::not_judged(&rule.id, input) {
            line = format!("{line}; {skipped}");
        }
        let _ = writeln!(out, "  {}\n", paint(DIM, &wrap(&line, 2, 4, width)));
    }
}

fn render_finding(out: &mut String, f: &Finding, width: Option<usize>) {
    let status = match f.status {
        Status::Fail => paint(RED, "✗ fail   "),
        Status::Unknown => paint(YELLOW, "? unknown"),
        Status::Waived => paint(CYAN, "~ waived "),
        Status::Pass => paint(GREEN, "✓ pass   "),
    };
    let status = match f.baseline {
        Some(crate::findings::BaselineState::New) => format!("{status} {}", paint(RED, "NEW")),
        Some(crate::findings::BaselineState::Existing) => {
            format!("{status} {}", paint(DIM, "existing"))
        }
        None => status,
    };
    let r = &f.resource;
    let region = if r.region == GLOBAL {
        "global"
    } else {
        &r.region
    };
    let _ = writeln!(
        out,
        "  {status} {}  {}",
        paint(BOLD, &r.name),
        paint(
            DIM,
            &format!("{} · account {} · {region}", r.resource_type, r.account)
        )
    );
    let _ = writeln!(
        out,
        "            {}",
        paint(DIM, &wrap(&r.arn, 12, 12, width))
    );
    let _ = writeln!(out, "            {}", wrap(&f.message, 12, 12, width));
    for e in &f.evidence {
        let _ = writeln!(
            out,
            "            {} {}",
            paint(DIM, "·"),
            wrap(
                &format!("{} = {}  ({})", e.field, e.value, e.note),
                14,
                14,
                width
            )
        );
    }
    if let Some(w) = &f.waiver {
        let what = if f.status == Status::Waived {
            paint(CYAN, &format!("waived until {}:", w.expires))
        } else {
            paint(RED, &format!("waiver expired on {}:", w.expires))
        };
        let mut line = format!("{} (owner {}", w.reason, w.owner);
        if let Some(t) = &w.ticket {
            let _ = write!(line, ", ticket {t}");
        }
        line.push(')');
        let _ = writeln!(
            out,
            "            {what} {line}  {}",
            paint(DIM, &w.location())
        );
    }
}

fn render_summary(out: &mut String, input: &ReportInput<'_>) {
    let s = &input.evaluation.summary;
    let mut failed = format!("{} failed", s.failed);
    if s.failed > 0 {
        let parts: Vec<String> = s
            .failed_by_severity
            .iter()
            .rev()
            .map(|(sev, n)| format!("{n} {sev}"))
            .collect();
        let _ = write!(failed, " ({})", parts.join(", "));
    }
    let failed = if s.failed > 0 {
        paint(RED, &failed)
    } else {
        failed
    };
    let unknown = format!("{} unknown", s.unknown);
    let unknown = if s.unknown > 0 {
        paint(YELLOW, &unknown)
    } else {
        unknown
    };
    let accounts: Vec<String> = input
        .scope
        .iter()
        .map(|a| format!("{} ({})", a.account, a.regions.join(", ")))
        .collect();
    let waived = if s.waived > 0 || !input.waivers.is_empty() {
        format!(" · {} waived", s.waived)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} {} rules · {} resources · {failed} · {unknown}{waived} · {} passed",
        paint(BOLD, "Summary:"),
        s.rules,
        s.resources,
        s.passed
    );
    if let Some(b) = &input.baseline {
        let _ = writeln!(
            out,
            "{} {} new · {} existing · {} fixed  {}",
            paint(BOLD, "Baseline:"),
            b.new,
            b.existing,
            b.fixed.len(),
            paint(
                DIM,
                &format!("({}, collected {})", b.source, b.collected_at)
            )
        );
    }
    let _ = writeln!(
        out,
        "{}",
        paint(
            DIM,
            &format!(
                "Scanned {} at {} with {}",
                if accounts.is_empty() {
                    "nothing".to_string()
                } else {
                    accounts.join("; ")
                },
                input.collected_at,
                input.rules_origin
            )
        )
    );
    if input.scope.len() > 1 {
        for (scanned, tally) in input.by_account() {
            let line = match &scanned.error {
                Some(e) => paint(YELLOW, &format!("not scanned: {e}")),
                None if tally.waived > 0 => format!(
                    "{} failed · {} unknown · {} waived · {} passed",
                    tally.failed, tally.unknown, tally.waived, tally.passed
                ),
                None => format!(
                    "{} failed · {} unknown · {} passed",
                    tally.failed, tally.unknown, tally.passed
                ),
            };
            let _ = writeln!(out, "  {} {line}", paint(BOLD, &scanned.account));
        }
    }
    if !input.coverage_errors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(YELLOW, "Not read (verdicts that need these are unknown):")
        );
        for c in &input.coverage_errors {
            if let Some(e) = &c.error {
                let _ = writeln!(out, "  {} {} in {}: {e}", c.account, c.dataset, c.region);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_the_width_with_a_hanging_indent() {
        let text = "security group sg-1 (legacy-admin) opens tcp 81-442 to the internet";
        assert_eq!(wrap(text, 4, 4, None), text);
        let wrapped = wrap(text, 4, 4, Some(30));
        for line in wrapped.lines() {
            assert!(4 + line.trim_start().chars().count() <= 30, "{line:?}");
        }
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>().join(" "),
            text
        );
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")));
        // A word longer than a line (an ARN) is cut, not overflowing.
        let arn = "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-0a1b2c3d4e5f60003";
        assert!(
            wrap(arn, 4, 4, Some(40))
                .lines()
                .all(|l| l.chars().count() <= 40)
        );
    }
}
