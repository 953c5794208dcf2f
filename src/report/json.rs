//! The JSON report: one record per (rule, resource) with status `fail`,
//! `pass`, `unknown` or `waived` (with the waiver), in a stable order, with
//! a schema version.
//!
//! The report holds no time of its own besides the inventory's collection
//! time, so a live scan and a re-evaluation of its saved inventory give the
//! same bytes.
//!
//! It carries everything `conform merge` needs to combine the reports of
//! several shards and re-emit any format: the scope (with the error of any
//! account that could not be scanned), the collection times, the rules
//! (matched by id with the rule pack for their documentation), the coverage
//! errors and every finding. Fields added since version 1 (`completed_at`,
//! `scope[].error`, status `waived`, `findings[].waiver`,
//! `findings[].baseline`, `summary.waived`, `waivers`, `baseline`) are
//! optional, so reports of older conform still merge and diff.

use serde::Serialize;

use super::{ReportInput, RuleInfo};
use crate::evaluate::Summary;
use crate::findings::Finding;
use crate::history::BaselineReport;
use crate::inventory::{Coverage, ScannedAccount};
use crate::waivers::WaiverReport;

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
    /// When collection finished (absent for inventories that do not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<String>,
    /// Every account asked for, with its regions; an account that could not
    /// be scanned at all carries its `error`.
    scope: &'a [ScannedAccount],
    summary: &'a Summary,
    rules: &'a [RuleInfo],
    /// Datasets that could not be read, with the AWS error.
    coverage_errors: &'a [&'a Coverage],
    findings: &'a [Finding],
    /// With `--waivers`: the files, counts, and the expired, expiring,
    /// stale and malformed waivers.
    #[serde(skip_serializing_if = "WaiverReport::is_empty")]
    waivers: &'a WaiverReport,
    /// With `--baseline`: new and existing counts, and the fixed failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineReport>,
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
        completed_at: input.completed_at.map(|t| t.to_string()),
        scope: input.scope,
        summary: &input.evaluation.summary,
        rules: &input.rules,
        coverage_errors: &input.coverage_errors,
        findings: &input.evaluation.findings,
        waivers: &input.waivers,
        baseline: input.baseline.as_ref(),
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}
