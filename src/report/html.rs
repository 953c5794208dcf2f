//! The HTML audit report: one self-contained file an auditor can open
//! offline and archive. It shows the summary, each promise with its
//! verdict and a bar of broken/unknown/waived/kept, a matrix of accounts
//! by rules, the policy document line by line with each promise line
//! marked by its verdict (kept, broken, unknown, waived), and every
//! broken, unknown or waived verdict with its evidence (and a waived one's
//! waiver: reason, owner, expiry, ticket, file:line), filterable by rule,
//! status, severity, account and region and searchable.
//!
//! The page is rendered by minijinja with HTML auto-escaping on every
//! value; the findings travel as JSON in a `<script type="application/json">`
//! (with `<`, `>` and `&` escaped, so no text can close the element) and
//! are put on the page by the script with `textContent` only. The page
//! sets a Content-Security-Policy that allows nothing but its own inline
//! script and style (by their SHA-256), so even a tag that got past the
//! escaping could neither run nor load anything.

use std::collections::{BTreeMap, HashMap};

use minijinja::{Environment, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{PolicyText, ReportInput};
use crate::findings::{Finding, Status, Tally};

const TEMPLATE: &str = include_str!("html/report.html");
const SCRIPT: &str = include_str!("html/report.js");
const STYLE: &str = include_str!("html/report.css");

/// A status's class name and label on the page.
fn status_look(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Fail => ("fail", "broken"),
        Status::Unknown => ("unknown", "unknown"),
        Status::Waived => ("waived", "waived"),
        Status::Pass => ("pass", "kept"),
    }
}
const NA: (&str, &str) = ("na", "no resources");

/// The class name and label of what a group of verdicts shows as one:
/// its worst status, or "no resources".
fn look(t: &Tally) -> (&'static str, &'static str) {
    t.worst().map_or(NA, status_look)
}

#[derive(Serialize)]
struct Segment {
    x: String,
    w: String,
    color: &'static str,
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    verdict: &'static str,
    verdict_label: &'static str,
    promise_file: &'a str,
    /// The id of the promise's line in the policy view.
    promise_anchor: String,
    promise_lines: String,
    promise_text: &'a str,
    controls: &'a [String],
    fail: usize,
    unknown: usize,
    pass: usize,
    waived: usize,
    bar: Vec<Segment>,
}

#[derive(Serialize)]
struct Cell {
    verdict: &'static str,
    label: String,
    title: String,
}

#[derive(Serialize)]
struct AccountRow<'a> {
    account: &'a str,
    regions: &'a [String],
    error: Option<String>,
    fail: usize,
    unknown: usize,
    pass: usize,
    waived: usize,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct LineRule<'a> {
    id: &'a str,
    verdict: &'static str,
}

#[derive(Serialize)]
struct Line<'a> {
    n: u32,
    text: String,
    verdict: &'static str,
    rules: Vec<LineRule<'a>>,
}

#[derive(Serialize)]
struct PolicyView<'a> {
    file: &'a str,
    anchor: String,
    text_found: bool,
    lines: Vec<Line<'a>>,
}

/// The findings' table, as arrays (compact at 100,000 rows); `fields`
/// names the positions.
const FIELDS: [&str; 12] = [
    "status", "rule", "severity", "account", "region", "type", "name", "arn", "message",
    "evidence", "tags", "waiver",
];

/// JSON that can sit inside a `<script>` element: no `<`, `>` or `&` that
/// the HTML parser could read as the end of the element.
fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 50);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn sha256_base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The Content-Security-Policy of the page: nothing from anywhere, and
/// only the page's own script and style.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        sha256_base64(SCRIPT),
        sha256_base64(STYLE)
    )
}

/// Text with control characters (ANSI escapes, say) made visible instead
/// of passed on. Escaping for HTML is the template engine's.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    match try_render(input) {
        Ok(html) => html,
        // The template is compiled in and tested; an error here is a bug,
        // shown rather than hidden.
        Err(e) => format!(
            "<!DOCTYPE html><title>conform</title><p>conform could not render this report: {}</p>\n",
            minijinja::HtmlEscape(&e.to_string())
        ),
    }
}

fn try_render(input: &ReportInput<'_>) -> Result<String, minijinja::Error> {
    let findings = &input.evaluation.findings;
    let mut by_rule: HashMap<&str, Tally> = HashMap::new();
    let mut by_account: HashMap<&str, Tally> = HashMap::new();
    let mut by_cell: HashMap<(&str, &str), Tally> = HashMap::new();
    let mut total = Tally::default();
    for f in findings {
        total.add(f.status);
        by_rule.entry(f.rule_id.as_str()).or_default().add(f.status);
        by_account
            .entry(&*f.resource.account)
            .or_default()
            .add(f.status);
        by_cell
            .entry((&*f.resource.account, f.rule_id.as_str()))
            .or_default()
            .add(f.status);
    }

    let mut files: Vec<&str> = Vec::new();
    for r in &input.rules {
        if !files.contains(&r.promise.file.as_str()) {
            files.push(&r.promise.file);
        }
    }
    let rules: Vec<RuleRow> = input
        .rules
        .iter()
        .map(|r| {
            let doc = files.iter().position(|f| *f == r.promise.file).unwrap_or(0);
            let t = by_rule.get(r.id.as_str()).copied().unwrap_or_default();
            let (verdict, verdict_label) = look(&t);
            let all = t.total().max(1) as f64;
            let mut x = 0.0;
            let mut bar = Vec::new();
            for (n, color) in [
                (t.failed, "#c62828"),
                (t.unknown, "#b26a00"),
                (t.waived, "#6a5acd"),
                (t.passed, "#2e7d32"),
            ] {
                if n > 0 {
                    let w = n as f64 * 100.0 / all;
                    bar.push(Segment {
                        x: format!("{x:.3}"),
                        w: format!("{w:.3}"),
                        color,
                    });
                    x += w;
                }
            }
            let mut lines = r.promise.line.to_string();
            for l in &r.promise.related_lines {
                lines.push_str(&format!(",{l}"));
            }
            RuleRow {
                id: &r.id,
                title: &r.title,
                severity: r.severity.as_str(),
                verdict,
                verdict_label,
                promise_file: &r.promise.file,
                promise_anchor: format!("doc{doc}-L{}", r.promise.line),
                promise_lines: lines,
                promise_text: &r.promise.text,
                controls: &r.controls,
                fail: t.failed,
                unknown: t.unknown,
                pass: t.passed,
                waived: t.waived,
                bar,
            }
        })
        .collect();

    let accounts: Vec<AccountRow> = input
        .scope
        .iter()
        .map(|s| {
            let t = by_account
                .get(s.account.as_str())
                .copied()
                .unwrap_or_default();
            let cells = input
                .rules
                .iter()
                .map(|r| {
                    let c = by_cell
                        .get(&(s.account.as_str(), r.id.as_str()))
                        .copied()
                        .unwrap_or_default();
                    let (verdict, _) = look(&c);
                    let label = match c.worst() {
                        Some(Status::Fail) => c.failed.to_string(),
                        Some(Status::Unknown) => format!("?{}", c.unknown),
                        Some(Status::Waived) => format!("~{}", c.waived),
                        Some(Status::Pass) => "✓".to_string(),
                        None => "–".to_string(),
                    };
                    Cell {
                        verdict,
                        label,
                        title: format!(
                            "{} in {}: {} broken, {} unknown, {} waived, {} kept",
                            r.id, s.account, c.failed, c.unknown, c.waived, c.passed
                        ),
                    }
                })
                .collect();
            AccountRow {
                account: &s.account,
                regions: &s.regions,
                error: s.error.as_ref().map(|e| visible(&e.to_string())),
                fail: t.failed,
                unknown: t.unknown,
                pass: t.passed,
                waived: t.waived,
                cells,
            }
        })
        .collect();

    let policies = policy_views(input, &by_rule);

    let listed: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            input.display.shows(f)
                && (!input.display.statuses.is_empty() || f.status != Status::Pass)
        })
        .collect();
    let table: Vec<serde_json::Value> = listed
        .iter()
        .map(|f| {
            let r = &f.resource;
            let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            serde_json::json!([
                status_look(f.status).0,
                f.rule_id,
                f.severity.as_str(),
                r.account,
                r.region,
                r.resource_type,
                visible(&r.name),
                r.arn,
                visible(&f.message),
                f.evidence
                    .iter()
                    .map(|e| [visible(&e.field), visible(&e.value), visible(&e.note)])
                    .collect::<Vec<_>>(),
                visible(&tags.join(" ")),
                // The waiver a verdict carries: the one in force for a
                // waived failure, the expired one a failure fails under.
                f.waiver.as_ref().map(|w| {
                    serde_json::json!({
                        "state": if f.status == Status::Waived { "in force" } else { "expired" },
                        "reason": visible(&w.reason),
                        "owner": visible(&w.owner),
                        "expires": w.expires.to_string(),
                        "ticket": w.ticket.as_deref().map(visible),
                        "at": visible(&w.location()),
                    })
                }),
            ])
        })
        .collect();
    let mut fields: BTreeMap<&str, usize> =
        FIELDS.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    fields.insert("search", FIELDS.len());
    let data = serde_json::json!({ "fields": fields, "findings": table });
    let data = script_safe_json(&serde_json::to_string(&data).unwrap_or_default());

    let coverage: Vec<BTreeMap<&str, String>> = input
        .coverage_errors
        .iter()
        .map(|c| {
            BTreeMap::from([
                ("account", c.account.clone()),
                ("region", c.region.clone()),
                ("dataset", c.dataset.name().to_string()),
                (
                    "error",
                    visible(&c.error.as_ref().map(|e| e.to_string()).unwrap_or_default()),
                ),
            ])
        })
        .collect();

    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let template = env.get_template("report.html")?;
    template
        .render(minijinja::context! {
            csp => content_security_policy(),
            style => Value::from_safe_string(STYLE.to_string()),
            script => Value::from_safe_string(SCRIPT.to_string()),
            data => Value::from_safe_string(data),
            version => env!("CARGO_PKG_VERSION"),
            collected_at => input.collected_at.to_string(),
            completed_at => input.completed_at.map(|t| t.to_string()),
            rules_origin => &input.rules_origin,
            scope => &accounts,
            filter_note => input.display.describe(),
            summary => minijinja::context! {
                rules => input.rules.len(),
                verdicts => findings.len(),
                fail => total.failed,
                unknown => total.unknown,
                pass => total.passed,
                waived => total.waived,
            },
            rules => rules,
            accounts => accounts,
            policies => policies,
            coverage_errors => coverage,
            listed => listed.len(),
        })
        .map(|mut html| {
            html.push('\n');
            html
        })
}

/// Each policy document the rules cite, line by line, each line that
/// states or supports a promise marked with its rules' verdicts. Where the
/// document's text is not at hand, only the lines the rules quote.
fn policy_views<'a>(
    input: &'a ReportInput<'_>,
    by_rule: &HashMap<&str, Tally>,
) -> Vec<PolicyView<'a>> {
    let mut files: Vec<&str> = Vec::new();
    for r in &input.rules {
        if !files.contains(&r.promise.file.as_str()) {
            files.push(&r.promise.file);
        }
    }
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let mut marks: BTreeMap<u32, Vec<(&'a str, Tally)>> = BTreeMap::new();
            let mut quoted: BTreeMap<u32, &str> = BTreeMap::new();
            for r in input.rules.iter().filter(|r| r.promise.file == *file) {
                let t = by_rule.get(r.id.as_str()).copied().unwrap_or_default();
                marks.entry(r.promise.line).or_default().push((&r.id, t));
                quoted.entry(r.promise.line).or_insert(&r.promise.text);
                for l in &r.promise.related_lines {
                    marks.entry(*l).or_default().push((&r.id, t));
                }
            }
            let text: Option<&PolicyText> = input.policies.iter().find(|p| p.file == *file);
            let numbered: Vec<(u32, String)> = match text {
                Some(p) => p
                    .text
                    .lines()
                    .enumerate()
                    .map(|(n, l)| (n as u32 + 1, visible(l)))
                    .collect(),
                None => marks
                    .keys()
                    .map(|n| (*n, visible(quoted.get(n).copied().unwrap_or(""))))
                    .collect(),
            };
            let lines = numbered
                .into_iter()
                .map(|(n, text)| {
                    let rules: Vec<LineRule> = marks
                        .get(&n)
                        .map(|v| {
                            v.iter()
                                .map(|(id, t)| LineRule {
                                    id,
                                    verdict: look(t).0,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let verdict = marks
                        .get(&n)
                        .map(|v| {
                            let mut worst = Tally::default();
                            for (_, t) in v {
                                if let Some(s) = t.worst() {
                                    worst.add(s);
                                }
                            }
                            look(&worst).0
                        })
                        .unwrap_or("");
                    Line {
                        n,
                        text,
                        verdict,
                        rules,
                    }
                })
                .collect();
            PolicyView {
                file,
                anchor: format!("doc{i}"),
                text_found: text.is_some(),
                lines,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let s = script_safe_json(r#"["</script><script>alert(1)</script>&amp;"]"#);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>&amp;");
    }

    #[test]
    fn the_policy_allows_only_the_page_own_script_and_style() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
    }
}
