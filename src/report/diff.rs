//! `conform diff`: what changed between two JSON reports, as text, JSON
//! or Markdown (for a Slack message or a ticket).

use std::fmt::Write;

use serde::Serialize;

use crate::findings::{Finding, Status};
use crate::history::Diff;

/// The version of the diff's JSON schema (`"schema": "conform-diff"`).
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// The sections of a diff, in the order they are shown, with their
/// headings.
fn sections(d: &Diff) -> [(&'static str, &[Finding]); 6] {
    [
        ("New failures", &d.new_failures),
        ("Waivers ended (failing again)", &d.waivers_ended),
        ("Newly unknown", &d.newly_unknown),
        ("Fixed", &d.fixed),
        ("Waivers started", &d.waivers_started),
        (STILL_FAILING, &d.still_failing),
    ]
}

const STILL_FAILING: &str = "Still failing";

pub fn render_text(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "conform diff: {} ({}) → {} ({})",
        d.old.file, d.old.collected_at, d.new.file, d.new.collected_at
    );
    let _ = writeln!(
        out,
        "{} new failures · {} waivers ended · {} newly unknown · {} fixed · {} waivers started · {} still failing · {} still waived\n",
        d.new_failures.len(),
        d.waivers_ended.len(),
        d.newly_unknown.len(),
        d.fixed.len(),
        d.waivers_started.len(),
        d.still_failing.len(),
        d.still_waived
    );
    for (heading, list) in sections(d) {
        // Still failing is counted above (and listed in JSON): listing it
        // would drown what changed.
        if list.is_empty() || heading == STILL_FAILING {
            continue;
        }
        let _ = writeln!(out, "{heading} ({}):", list.len());
        for f in list {
            let r = &f.resource;
            let _ = writeln!(
                out,
                "  {:<8} {:<8} {}  {} · account {} · {}",
                f.rule_id, f.severity, r.name, r.resource_type, r.account, r.region
            );
            let _ = writeln!(out, "           {}", r.arn);
            if f.status != Status::Pass {
                let _ = writeln!(out, "           {}", f.message);
            }
            if let Some(w) = &f.waiver {
                let what = if f.status == Status::Waived {
                    "waived"
                } else {
                    "waiver expired"
                };
                let _ = writeln!(out, "           {what}: {}", w.justification());
            }
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Before: {} failed · {} waived · {} unknown · {} passed. After: {} failed · {} waived · {} unknown · {} passed.",
        d.old.failed,
        d.old.waived,
        d.old.unknown,
        d.old.passed,
        d.new.failed,
        d.new.waived,
        d.new.unknown,
        d.new.passed
    );
    out
}

pub fn render_json(d: &Diff) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        schema: &'static str,
        schema_version: u32,
        #[serde(flatten)]
        diff: &'a Diff,
    }
    let mut out = serde_json::to_string_pretty(&Out {
        schema: "conform-diff",
        schema_version: DIFF_SCHEMA_VERSION,
        diff: d,
    })
    .unwrap_or_default();
    out.push('\n');
    out
}

fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn render_markdown(d: &Diff) -> String {
    let mut out = String::new();
    let headline = if !d.new_failures.is_empty() || !d.waivers_ended.is_empty() {
        "❌ new failures"
    } else if !d.newly_unknown.is_empty() {
        "⚠️ newly unknown"
    } else {
        "✅ nothing new failing"
    };
    let _ = writeln!(out, "## conform diff: {headline}\n");
    let _ = writeln!(
        out,
        "`{}` ({}) → `{}` ({})\n",
        cell(&d.old.file),
        d.old.collected_at,
        cell(&d.new.file),
        d.new.collected_at
    );
    let _ = writeln!(out, "| Change | Count |\n|---|---:|");
    for (heading, list) in sections(d) {
        let _ = writeln!(out, "| {heading} | {} |", list.len());
    }
    let _ = writeln!(out, "| Still waived | {} |\n", d.still_waived);
    for (heading, list) in sections(d) {
        // Still failing is in the table; listing it would drown the news.
        if list.is_empty() || heading == STILL_FAILING {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        for f in list.iter().take(super::markdown::MAX_LISTED) {
            let r = &f.resource;
            let _ = writeln!(
                out,
                "- **{}** ({}) `{}` {} — account `{}`, {}: {}",
                f.rule_id,
                f.severity,
                cell(&r.name),
                cell(&r.resource_type),
                r.account,
                r.region,
                cell(&f.message)
            );
            if let Some(w) = &f.waiver {
                let _ = writeln!(out, "  - waiver: {}", cell(&w.justification()));
            }
        }
        if list.len() > super::markdown::MAX_LISTED {
            let _ = writeln!(
                out,
                "- … and {} more (see `conform diff --format json`)",
                list.len() - super::markdown::MAX_LISTED
            );
        }
        out.push('\n');
    }
    out
}
