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
//! `findings[].baseline`, `summary.waived`, `waivers`, `baseline`,
//! `not_judged`) are
//! optional, so reports of older conform still merge and diff.
//!
//! One type, [`JsonReport`], is both what is written and what is read back
//! (`conform merge`, `conform diff`, `scan --baseline`): written, it borrows
//! the evaluation (a large report is not copied); read, it owns its data.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{ReportInput, RuleInfo};
use crate::error::Error;
use crate::evaluate::{NotJudgedCounts, Summary};
use crate::findings::Finding;
use crate::history::BaselineReport;
use crate::inventory::{Coverage, ScannedAccount};
use crate::waivers::WaiverReport;

/// The schema name of the JSON report (its `schema` field).
pub const SCHEMA: &str = "conform-report";

/// The version of the JSON report's schema; bumped on any incompatible
/// change.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON report: `'a` borrows what a report is rendered from; a report
/// read from a file is a `JsonReport<'static>` that owns everything.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonReport<'a> {
    /// Always [`SCHEMA`].
    pub schema: Cow<'a, str>,
    /// [`SCHEMA_VERSION`] of the conform that wrote it.
    pub schema_version: u32,
    /// The conform that wrote it.
    #[serde(default)]
    pub tool: Tool<'a>,
    pub rules_source: Cow<'a, str>,
    pub collected_at: Timestamp,
    /// When collection finished (absent for inventories that do not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// Every account asked for, with its regions; an account that could not
    /// be scanned at all carries its `error`.
    pub scope: Cow<'a, [ScannedAccount]>,
    /// The counts over `findings`. Readers that combine reports recompute
    /// them ([`Summary::of`]).
    #[serde(default)]
    pub summary: Cow<'a, Summary>,
    pub rules: Cow<'a, [RuleInfo]>,
    /// Datasets that could not be read, with the AWS error.
    #[serde(default)]
    pub coverage_errors: Vec<Cow<'a, Coverage>>,
    pub findings: Cow<'a, [Finding]>,
    /// With `--waivers`: the files, counts, and the expired, expiring,
    /// stale and malformed waivers (absent without `--waivers`, and in
    /// reports of older conform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waivers: Option<Cow<'a, WaiverReport>>,
    /// With `--baseline`: new and existing counts, and the fixed failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Cow<'a, BaselineReport>>,
    /// Per rule id, the resources in its scope its checks looked at and
    /// deliberately did not judge, counted per reason (absent when there
    /// are none, and in reports of older conform). `conform diff` ignores
    /// it; `conform merge` adds the shards' counts up.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_judged: Cow<'a, BTreeMap<String, NotJudgedCounts>>,
}

/// The conform that wrote a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool<'a> {
    pub name: Cow<'a, str>,
    pub version: Cow<'a, str>,
}

impl<'a> JsonReport<'a> {
    /// The report of `input`, borrowing from it.
    pub fn of(input: &'a ReportInput<'_>) -> JsonReport<'a> {
        JsonReport {
            schema: Cow::Borrowed(SCHEMA),
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: Cow::Borrowed(env!("CARGO_PKG_NAME")),
                version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
            },
            rules_source: Cow::Borrowed(&input.rules_origin),
            collected_at: input.collected_at,
            completed_at: input.completed_at,
            scope: Cow::Borrowed(input.scope),
            summary: Cow::Borrowed(&input.evaluation.summary),
            rules: Cow::Borrowed(&input.rules),
            coverage_errors: input
                .coverage_errors
                .iter()
                .map(|c| Cow::Borrowed(*c))
                .collect(),
            findings: Cow::Borrowed(&input.evaluation.findings),
            waivers: Some(Cow::Borrowed(&input.waivers)).filter(|w| !w.is_empty()),
            baseline: input.baseline.as_ref().map(Cow::Borrowed),
            not_judged: Cow::Borrowed(&input.evaluation.not_judged),
        }
    }
}

impl JsonReport<'static> {
    /// Reads a report written by `conform scan --format json` (or by
    /// `conform merge`).
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Usage(format!("{}: cannot read the report: {e}", path.display()))
        })?;
        Self::from_json(path, &text)
    }

    /// Parses a report; `path` names it in error messages.
    pub fn from_json(path: &Path, text: &str) -> Result<Self, Error> {
        // The header first, so that another kind of file gets a message
        // about that rather than about a missing field.
        #[derive(Deserialize)]
        struct Header {
            schema: Option<String>,
            schema_version: Option<u32>,
        }
        let invalid = |e: serde_json::Error| {
            Error::Usage(format!(
                "{}:{}:{}: not a valid conform JSON report: {e}",
                path.display(),
                e.line(),
                e.column()
            ))
        };
        let header: Header = serde_json::from_str(text).map_err(invalid)?;
        if header.schema.as_deref() != Some(SCHEMA) {
            return Err(Error::Usage(format!(
                "{}: not a conform JSON report (expected \"schema\": \"{SCHEMA}\"; write one with --format json)",
                path.display()
            )));
        }
        if header.schema_version != Some(SCHEMA_VERSION) {
            return Err(Error::Usage(format!(
                "{}: JSON report version {} is not supported (this conform reads version {SCHEMA_VERSION})",
                path.display(),
                header
                    .schema_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(missing)".into())
            )));
        }
        serde_json::from_str(text).map_err(invalid)
    }
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Findings serialised by one task of [`write`].
const CHUNK: usize = 2048;

/// Streams the report to `out`: the bytes `serde_json::to_writer_pretty`
/// gives for [`JsonReport::of`], and a newline.
///
/// The findings are most of a large report (about 760 bytes each), so they
/// are serialised in parallel, a chunk of them per task, a few chunks at a
/// time, and written in order: the report is never held whole, and
/// serialising takes the cores the evaluation took.
pub(super) fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;

    let report = JsonReport::of(input);
    let findings = &input.evaluation.findings;
    if findings.len() <= CHUNK {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        return out.write_all(b"\n");
    }
    // Everything but the findings, with an empty list where they go: the
    // top-level key at the pretty printer's first level of indentation.
    // (Strings never hold a raw newline, so the marker is structural.)
    let head = serde_json::to_vec_pretty(&JsonReport {
        findings: Cow::Borrowed(&[]),
        ..report
    })?;
    let marker: &[u8] = b"\n  \"findings\": [";
    let Some(at) = head
        .windows(marker.len() + 1)
        .position(|w| &w[..marker.len()] == marker && w[marker.len()] == b']')
        .map(|i| i + marker.len())
    else {
        return Err(std::io::Error::other("the findings list is missing"));
    };
    out.write_all(&head[..at])?;
    let batch = CHUNK * 4 * rayon::current_num_threads().max(1);
    for (b, findings) in findings.chunks(batch).enumerate() {
        let rendered: Vec<Vec<u8>> = findings
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut text = Vec::with_capacity(chunk.len() * 1024);
                for (i, finding) in chunk.iter().enumerate() {
                    let first = b == 0 && c == 0 && i == 0;
                    text.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    // A finding on its own, its lines indented two levels
                    // deeper, is what the pretty printer writes inside the
                    // list.
                    let mut indented = Indented(&mut text);
                    serde_json::to_writer_pretty(&mut indented, finding)?;
                }
                Ok(text)
            })
            .collect::<std::io::Result<_>>()?;
        for text in rendered {
            out.write_all(&text)?;
        }
    }
    out.write_all(b"\n  ")?;
    out.write_all(&head[at..])?;
    out.write_all(b"\n")
}

/// Writes what it is given to a buffer, with four spaces after each
/// newline.
struct Indented<'a>(&'a mut Vec<u8>);

impl std::io::Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.0.extend_from_slice(&rest[..=i]);
            self.0.extend_from_slice(b"    ");
            rest = &rest[i + 1..];
        }
        self.0.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is written reads back as the same report.
    #[test]
    fn a_written_report_reads_back_the_same() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/example.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let report = JsonReport::from_json(&path, &text).unwrap();
        let mut again = serde_json::to_string_pretty(&report).unwrap();
        again.push('\n');
        assert_eq!(again, text);
    }

    /// The report written in parallel chunks is the one serde_json writes
    /// in one piece, byte for byte, whatever the number of findings.
    #[test]
    fn the_findings_written_in_chunks_are_the_pretty_printers_bytes() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/example.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let report = JsonReport::from_json(&path, &text).unwrap();
        for n in [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7, 9 * CHUNK * 4 + 5] {
            let findings: Vec<Finding> = report.findings.iter().cycle().take(n).cloned().collect();
            let evaluation = crate::evaluate::Evaluation {
                findings,
                summary: report.summary.clone().into_owned(),
                set_aside: Default::default(),
                scope_warnings: Vec::new(),
                not_judged: report.not_judged.clone().into_owned(),
            };
            let input = ReportInput {
                evaluation: &evaluation,
                rules: report.rules.to_vec(),
                rules_origin: report.rules_source.to_string(),
                collected_at: report.collected_at,
                completed_at: report.completed_at,
                scope: &report.scope,
                coverage_errors: report.coverage_errors.iter().map(|c| &**c).collect(),
                show_passing: false,
                waivers: Default::default(),
                baseline: None,
                policies: Vec::new(),
                display: Default::default(),
                width: None,
            };
            let mut expected = serde_json::to_vec_pretty(&JsonReport::of(&input)).unwrap();
            expected.push(b'\n');
            let mut written = Vec::new();
            write(&input, &mut written).unwrap();
            assert!(written == expected, "{n} findings");
        }
    }
}
