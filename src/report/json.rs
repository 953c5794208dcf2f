//! The JSON report: one record per (rule, resource) with status `fail`,
//! `pass` or `unknown`, in a stable order, with a schema version.
//!
//! The report holds no time of its own besides the inventory's collection
//! time, so a live scan and a re-evaluation of its saved inventory give the
//! same bytes.

use serde::Serialize;

use super::{ReportInput, RuleInfo};
use crate::evaluate::Summary;
use crate::findings::Finding;
use crate::inventory::{Coverage, ScannedAccount};

/// The version of the JSON report's schema; bumped on any incompatible
/// change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    schema_version: u32,
    tool: Tool,
    rules_source: &'a str,
    collected_at: String,
    scope: &'a [ScannedAccount],
    summary: &'a Summary,
    rules: &'a [RuleInfo],
    /// Datasets that could not be read, with the AWS error.
    coverage_errors: &'a [&'a Coverage],
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let report = JsonReport {
        schema: "conform-report",
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        rules_source: &input.rules_origin,
        collected_at: input.collected_at.to_string(),
        scope: input.scope,
        summary: &input.evaluation.summary,
        rules: &input.rules,
        coverage_errors: &input.coverage_errors,
        findings: &input.evaluation.findings,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}
