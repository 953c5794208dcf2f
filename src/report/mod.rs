//! Reports: findings formatted for people (text) and machines (JSON).
//!
//! Reporters only format what the evaluator decided: they never look at
//! the inventory's resources or re-judge a verdict.

mod asff;
mod csv;
pub mod diff;
mod display;
mod html;
pub mod json;
mod junit;
mod markdown;
mod ocsf;
pub mod sarif;
mod text;

pub use display::Display;
pub use html::content_security_policy;

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::evaluate::Evaluation;
use crate::findings::{Finding, Tally};
use crate::history::BaselineReport;
use crate::inventory::{Coverage, Inventory, ScannedAccount};
use crate::rules::{Promise, RulePack, Severity};
use crate::waivers::WaiverReport;

pub use json::SCHEMA_VERSION as JSON_SCHEMA_VERSION;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
    Html,
    Csv,
    Ocsf,
    Asff,
    Junit,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "ocsf" => Ok(Format::Ocsf),
            "asff" => Ok(Format::Asff),
            "junit" => Ok(Format::Junit),
            _ => Err(format!(
                "unknown format {s:?} (expected text, json, sarif, markdown, html, csv, ocsf, asff or junit)"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Junit => "junit",
        })
    }
}

/// What a rule was, for reports. The JSON report carries it without the
/// documentation (`description`, `help_markdown`), which `conform merge`
/// takes from the rule pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub area: String,
    pub promise: Promise,
    /// Controls of compliance frameworks the rule covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    pub checks: Vec<String>,
    /// The checks' one-line summaries, joined (SARIF full description).
    #[serde(skip)]
    pub description: String,
    /// The rule explained in Markdown (`conform explain`; SARIF help).
    #[serde(skip)]
    pub help_markdown: String,
}

impl RuleInfo {
    pub fn all(pack: &RulePack) -> Vec<RuleInfo> {
        pack.rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                title: r.title.clone(),
                severity: r.severity,
                area: r.area.clone(),
                promise: r.promise.clone(),
                controls: r.controls.clone(),
                checks: r.checks.iter().map(|c| c.doc().name.to_string()).collect(),
                description: r
                    .checks
                    .iter()
                    .map(|c| c.doc().summary.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                help_markdown: crate::explain::rule_markdown(r),
            })
            .collect()
    }
}

/// Everything a reporter may show.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub evaluation: &'a Evaluation,
    pub rules: Vec<RuleInfo>,
    /// Where the rules came from.
    pub rules_origin: String,
    pub collected_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub scope: &'a [ScannedAccount],
    /// Datasets that could not be read.
    pub coverage_errors: Vec<&'a Coverage>,
    /// Text only: list passing resources too.
    pub show_passing: bool,
    /// The waivers applied: files, counts, expired, expiring, stale and
    /// malformed ones (empty without `--waivers`). Each waived finding
    /// carries its own waiver (`Finding::waiver`).
    pub waivers: WaiverReport,
    /// With `--baseline`: counts of new and existing failures, and the
    /// fixed ones (each failure carries `Finding::baseline`).
    pub baseline: Option<BaselineReport>,
    /// The text of the policy documents the rules cite, where it could be
    /// read (the HTML report shows them line by line).
    pub policies: Vec<PolicyText>,
    /// Which findings the text and HTML reports list (their counts are
    /// always of everything).
    pub display: Display,
    /// Text only: wrap lines to this many columns (a terminal's width).
    pub width: Option<usize>,
    /// The passing verdicts an evaluation did not hold, written out for
    /// the JSON report as they were judged (`None`: every verdict is in
    /// the evaluation's findings, or no JSON report is written).
    pub spilled_passes: Option<&'a json::PassSpill>,
}

/// The text of a policy document, under the name the rules cite it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyText {
    pub file: String,
    pub text: String,
}

impl<'a> ReportInput<'a> {
    pub fn new(evaluation: &'a Evaluation, pack: &RulePack, inventory: &'a Inventory) -> Self {
        ReportInput {
            evaluation,
            rules: RuleInfo::all(pack),
            rules_origin: pack.origin.clone(),
            collected_at: inventory.collected_at,
            completed_at: inventory.completed_at,
            scope: &inventory.scope,
            coverage_errors: inventory
                .coverage
                .iter()
                .filter(|c| c.error.is_some())
                .collect(),
            show_passing: false,
            policies: Vec::new(),
            display: Display::default(),
            width: None,
            waivers: WaiverReport::default(),
            baseline: None,
            spilled_passes: None,
        }
    }
}

impl ReportInput<'_> {
    /// The tally of one rule's `findings`, with the passing verdicts the
    /// evaluation did not hold (every report counts them).
    pub fn rule_tally<'f>(
        &self,
        rule_id: &str,
        findings: impl IntoIterator<Item = &'f Finding>,
    ) -> Tally {
        let mut tally = Tally::of(findings);
        tally.passed += self.evaluation.passes_elsewhere_of_rule(rule_id);
        tally
    }

    /// Every account of the scope, in order, with its tally of verdicts
    /// (the text and Markdown reports show it when there are several).
    /// Passing verdicts the evaluation did not hold are counted.
    pub fn by_account(&self) -> Vec<(&ScannedAccount, Tally)> {
        self.scope
            .iter()
            .map(|scanned| {
                let mut tally = Tally::of(
                    self.evaluation
                        .findings
                        .iter()
                        .filter(|f| f.resource.account == scanned.account),
                );
                tally.passed += self
                    .evaluation
                    .passes_elsewhere_in_account(&scanned.account);
                (scanned, tally)
            })
            .collect()
    }
}

/// Renders a report. Text may contain ANSI styles; strip them with
/// [`anstream`] where the destination is not a terminal.
pub fn render(format: Format, input: &ReportInput<'_>) -> String {
    match format {
        Format::Text => text::render(input),
        Format::Json => json::render(input),
        Format::Sarif => sarif::render(input),
        Format::Markdown => markdown::render(input),
        Format::Html => html::render(input),
        Format::Csv => csv::render(input),
        Format::Ocsf => ocsf::render(input),
        Format::Asff => asff::render(input),
        Format::Junit => junit::render(input),
    }
}

/// Writes a report to `out`, as [`render`] renders it. The JSON report is
/// streamed (a report of millions of findings is never held whole); the
/// other formats are rendered first. Text may contain ANSI styles, as with
/// [`render`].
pub fn write(
    format: Format,
    input: &ReportInput<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(input, &mut json::Plain(out)),
        _ => out.write_all(render(format, input).as_bytes()),
    }
}

/// What a rule's checks looked at and deliberately did not judge, counted
/// per reason (`not judged: 12 × read replica (judged through its
/// primary); 3 × ...`); `None` when there is nothing.
pub(crate) fn not_judged(rule_id: &str, input: &ReportInput<'_>) -> Option<String> {
    let counts = input.evaluation.not_judged.get(rule_id)?;
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(why, n)| format!("{n} × {why}"))
        .collect();
    (!parts.is_empty()).then(|| format!("not judged: {}", parts.join("; ")))
}

/// Why a rule has no verdict, as far as the evaluation recorded it: the
/// resources its scope or `exclude` set aside, and those its checks did
/// not judge by kind (read replicas, internal load balancers, ...).
pub(crate) fn nothing_judged(rule: &RuleInfo, input: &ReportInput<'_>) -> String {
    let aside = input
        .evaluation
        .set_aside
        .get(&rule.id)
        .copied()
        .unwrap_or_default();
    let resources = |n: usize| {
        if n == 1 {
            "1 resource".to_string()
        } else {
            format!("{n} resources")
        }
    };
    let mut why = Vec::new();
    if aside.out_of_scope > 0 {
        why.push(format!(
            "{} outside its scope",
            resources(aside.out_of_scope)
        ));
    }
    if aside.excluded > 0 {
        why.push(format!(
            "{} matched by its exclude",
            resources(aside.excluded)
        ));
    }
    if let Some(skipped) = not_judged(&rule.id, input) {
        return if why.is_empty() {
            format!("no resource judged; {skipped}")
        } else {
            format!(
                "no resource judged: set aside {}; {skipped}",
                why.join(", ")
            )
        };
    }
    if why.is_empty() {
        format!(
            "no resource judged: the inventory holds none its checks judge (what they judge: \
             `conform explain {}`)",
            rule.id
        )
    } else {
        format!("no resource judged: set aside {}", why.join(", "))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evaluate::SetAside;

    /// A report input of `evaluation` and `rules` with neutral settings,
    /// for the reporters' unit tests.
    pub(crate) fn input<'a>(
        evaluation: &'a crate::evaluate::Evaluation,
        rules: Vec<RuleInfo>,
    ) -> ReportInput<'a> {
        ReportInput {
            evaluation,
            rules,
            rules_origin: "test".into(),
            collected_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            completed_at: None,
            scope: &[],
            coverage_errors: vec![],
            show_passing: false,
            policies: Vec::new(),
            display: Default::default(),
            width: None,
            waivers: Default::default(),
            baseline: None,
            spilled_passes: None,
        }
    }

    fn rule(id: &str) -> RuleInfo {
        RuleInfo {
            id: id.into(),
            title: "t".into(),
            severity: Severity::High,
            area: "a".into(),
            promise: crate::rules::Promise {
                file: "p.md".into(),
                line: 1,
                related_lines: vec![],
                text: "t".into(),
            },
            controls: vec![],
            checks: vec![],
            description: String::new(),
            help_markdown: String::new(),
        }
    }

    fn line(evaluation: &Evaluation, id: &str) -> (Option<String>, String) {
        let input = input(evaluation, vec![rule(id)]);
        (
            not_judged(id, &input),
            nothing_judged(&input.rules[0], &input),
        )
    }

    #[test]
    fn what_was_not_judged_is_said_with_what_was_set_aside() {
        let mut evaluation = Evaluation {
            findings: vec![],
            summary: Default::default(),
            set_aside: Default::default(),
            scope_warnings: vec![],
            not_judged: Default::default(),
            passes_elsewhere: None,
        };
        let (none, nothing) = line(&evaluation, "R-1");
        assert_eq!(none, None);
        assert!(nothing.contains("the inventory holds none"), "{nothing}");

        evaluation.not_judged.insert(
            "R-1".into(),
            [("read replica, judged through its primary".to_string(), 12)].into(),
        );
        let (skipped, nothing) = line(&evaluation, "R-1");
        let skipped = skipped.unwrap();
        assert_eq!(
            skipped,
            "not judged: 12 × read replica, judged through its primary"
        );
        assert_eq!(nothing, format!("no resource judged; {skipped}"));

        evaluation.set_aside.insert(
            "R-1".into(),
            SetAside {
                out_of_scope: 2,
                excluded: 0,
            },
        );
        let (_, nothing) = line(&evaluation, "R-1");
        assert_eq!(
            nothing,
            format!("no resource judged: set aside 2 resources outside its scope; {skipped}")
        );
    }
}
