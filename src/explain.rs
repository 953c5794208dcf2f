//! Explanations of rules and checks, built from the checks' own
//! documentation and the rules' promises. Used by `conform explain` (and
//! meant for any format that carries help text).

use std::fmt::Write;

use crate::checks::{self, Doc};
use crate::rules::attribute::{Attribute, Test};
use crate::rules::{Rule, RulePack};

/// Explains a rule (by id, any case) or a check (by name). `None` when
/// neither exists.
pub fn explain(pack: &RulePack, id: &str) -> Option<String> {
    if let Some(rule) = pack.rule(id) {
        return Some(rule_markdown(rule));
    }
    checks::find(id).map(check_with_defaults)
}

/// A check's help with its default parameters filled in, and saying so.
fn check_with_defaults(check: &checks::Registered) -> String {
    let bound = match check.with_defaults() {
        Ok(bound) => bound,
        Err(e) => return format!("# Check `{}`\n\n{e}\n", check.doc.name),
    };
    let mut out = check_markdown(bound.doc(), 1);
    let params = bound.params();
    if params.as_object().is_some_and(|o| !o.is_empty()) {
        let assumed = match check.example {
            // Parameters no default can be right for: an example.
            Some(_) => "example parameters; a rule must set its own",
            None => "the check's default parameters; a rule may set others",
        };
        let _ = writeln!(
            out,
            "This text assumes {assumed} (`conform explain RULE` shows a rule's own):\n"
        );
        let _ = writeln!(
            out,
            "```json\n{}\n```\n",
            serde_json::to_string_pretty(&params).unwrap_or_default()
        );
    }
    out
}

/// A rule's help: its promise, then each check's documentation and
/// parameters.
pub fn rule_markdown(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} · {}\n", rule.id, rule.title);
    let _ = writeln!(out, "Severity: {} · area: {}\n", rule.severity, rule.area);
    let mut lines = rule.promise.line.to_string();
    for l in &rule.promise.related_lines {
        let _ = write!(lines, ", {l}");
    }
    let _ = writeln!(out, "## Promise\n");
    let _ = writeln!(out, "> {}\n", rule.promise.text);
    let _ = writeln!(out, "{}, line {lines}\n", rule.promise.file);
    if !rule.controls.is_empty() {
        let _ = writeln!(out, "Controls: {}\n", rule.controls.join(", "));
    }
    if !rule.scope.is_empty() {
        let _ = writeln!(out, "Scope: {}\n", rule.scope.describe());
    }
    if !rule.exclude.is_empty() {
        let _ = writeln!(out, "Excluded: {}\n", rule.exclude.describe());
    }
    if let Some(attribute) = &rule.attribute {
        out.push_str(&attribute_markdown(attribute));
        return out;
    }
    for check in &rule.checks {
        out.push_str(&check_markdown(check.doc(), 2));
        let params = check.params();
        if params.as_object().is_some_and(|o| !o.is_empty()) {
            let _ = writeln!(out, "Parameters (as this rule sets them):\n");
            let _ = writeln!(
                out,
                "```json\n{}\n```\n",
                serde_json::to_string_pretty(&params).unwrap_or_default()
            );
        }
    }
    out
}

/// An attribute rule's kind, requirements (or expression and message)
/// and the fields it reads, as Markdown.
pub fn attribute_markdown(attribute: &Attribute) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Attribute rule\n");
    let datasets: Vec<&str> = attribute.datasets.iter().map(|d| d.name()).collect();
    let _ = writeln!(
        out,
        "Kind: `{}` ({})\n",
        attribute.kind,
        datasets.join(", ")
    );
    match &attribute.test {
        Test::Require(list) => {
            let _ = writeln!(
                out,
                "Requires ({}):\n",
                if list.len() == 1 {
                    "this must hold"
                } else {
                    "all must hold"
                }
            );
            for r in list {
                let _ = writeln!(out, "- `{r}`");
            }
            out.push('\n');
        }
        Test::Expr(cel) => {
            let _ = writeln!(
                out,
                "Expression (CEL; true means the promise is kept):\n\n```cel\n{}\n```\n",
                cel.source.trim()
            );
        }
    }
    if let Some(m) = &attribute.message {
        let _ = writeln!(
            out,
            "Message of a failing finding (CEL):\n\n```cel\n{}\n```\n",
            m.source.trim()
        );
    }
    if let crate::inventory::Value::Map(params) = &attribute.params
        && !params.is_empty()
    {
        let shown: Vec<String> = params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let _ = writeln!(out, "Parameters: {}\n", shown.join(", "));
    }
    let needs = attribute.needs();
    if !needs.is_empty() {
        let names: Vec<&str> = needs.iter().map(|d| d.name()).collect();
        let _ = writeln!(out, "Also reads: {}\n", names.join(", "));
    }
    let _ = writeln!(
        out,
        "A field AWS did not return, or whose data could not be read, makes the verdict unknown, \
never a pass or a failure. `conform fields {}` lists the kind's fields.\n",
        attribute.kind
    );
    out
}

/// A check's documentation as Markdown, headed at `level`.
pub fn check_markdown(doc: &Doc, level: usize) -> String {
    let h = "#".repeat(level);
    let sub = "#".repeat(level + 1);
    format!(
        "{h} Check `{}`\n\n{}\n\n{sub} What it checks\n\n{}\n\n{sub} Why it matters\n\n{}\n\n{sub} How to fix\n\n{}\n\n",
        doc.name,
        doc.summary,
        doc.what.trim(),
        doc.why.trim(),
        doc.fix.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_rules_and_checks() {
        let pack = crate::rules::load_builtin().unwrap();
        let text = explain(&pack, "net-001").unwrap();
        assert!(text.contains("# NET-001"));
        assert!(text.contains("security-policy.sv.md, line 23, 15"));
        assert!(text.contains("Check `sg-internet-ingress`"));
        assert!(text.contains("How to fix"));
        assert!(
            explain(&pack, "log-retention")
                .unwrap()
                .contains("Check `log-retention`")
        );
        assert!(explain(&pack, "NOPE-1").is_none());
    }

    #[test]
    fn a_rule_is_explained_with_its_parameters_a_check_with_the_defaults() {
        let text = r#"
[[rule]]
id = "LOG-365"
title = "Logs kept a year"
severity = "medium"
area = "logging"
promise = { file = "policy.md", line = 3, text = "Logs are kept a year." }
checks = [{ name = "log-retention", params = { min_days = 365 } }]
"#;
        let pack = crate::rules::parse(std::path::Path::new("t.toml"), text).unwrap();
        let rule = explain(&pack, "LOG-365").unwrap();
        assert!(rule.contains("keep events at least 365 days\n"), "{rule}");
        assert!(!rule.contains("30 days"), "{rule}");
        let check = explain(&pack, "log-retention").unwrap();
        assert!(check.contains("keep events at least 30 days\n"), "{check}");
        assert!(check.contains("default parameters"), "{check}");
        // SARIF's rule help and description are the rule's.
        let info = &crate::report::RuleInfo::all(&pack)[0];
        assert!(info.help_markdown.contains("365 days"));
        assert!(
            info.description.contains("365 days"),
            "{}",
            info.description
        );
    }
}
