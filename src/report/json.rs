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
/// The findings are most of a large report (about 560 bytes each), so they
/// are serialised in parallel, a chunk of them per task, a few chunks at a
/// time, and written in order: the report is never held whole, and
/// serialising takes the cores the evaluation took. The passing verdicts
/// of an evaluation that did not hold them come from the input's
/// [`PassSpill`], each rule's after its other findings (a pass is the last
/// status in the report's order).
pub fn write(input: &ReportInput<'_>, out: &mut dyn CopySink) -> std::io::Result<()> {
    let report = JsonReport::of(input);
    let findings = &input.evaluation.findings;
    let spill = input.spilled_passes;
    if spill.is_none() && findings.len() <= CHUNK {
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
    // Whether a finding was written (the first has no comma before it).
    let mut any = false;
    match spill {
        None => write_findings(findings, &mut any, out)?,
        Some(spill) => {
            let spill = spill.finished()?;
            let mut held = &findings[..];
            let mut spilled = spill.rules.iter().peekable();
            loop {
                // The next rule in the report's order: held findings first,
                // then that rule's spilled passes.
                let rule = match (held.first(), spilled.peek()) {
                    (Some(f), Some((s, _))) => f.rule_id.min(**s),
                    (Some(f), None) => f.rule_id,
                    (None, Some((s, _))) => **s,
                    (None, None) => break,
                };
                let n = held.iter().take_while(|f| f.rule_id == rule).count();
                write_findings(&held[..n], &mut any, out)?;
                held = &held[n..];
                if let Some((_, segments)) = spilled.next_if(|(s, _)| **s == rule) {
                    for &(offset, len) in segments {
                        // Each spilled finding starts with its comma,
                        // which the report's first finding goes without.
                        let skip = u64::from(!any);
                        out.copy_from(&spill.file, offset + skip, len - skip)?;
                        any = true;
                    }
                }
            }
        }
    }
    if any {
        out.write_all(b"\n  ")?;
    }
    out.write_all(&head[at..])?;
    out.write_all(b"\n")
}

/// Writes `findings` as elements of the report's list, in parallel chunks,
/// in order; `any` says whether an element came before.
fn write_findings(
    findings: &[Finding],
    any: &mut bool,
    out: &mut dyn CopySink,
) -> std::io::Result<()> {
    use rayon::prelude::*;

    let batch = CHUNK * 4 * rayon::current_num_threads().max(1);
    for findings in findings.chunks(batch) {
        let first = !*any;
        let rendered: Vec<Vec<u8>> = findings
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| render_chunk(chunk, first && c == 0))
            .collect::<std::io::Result<_>>()?;
        for text in rendered {
            out.write_all(&text)?;
        }
        *any = true;
    }
    Ok(())
}

/// The text of `chunk` as elements of the report's findings list, each
/// after a comma (but the first when `first`).
fn render_chunk(chunk: &[Finding], first: bool) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::with_capacity(chunk.len() * 1024);
    for (i, finding) in chunk.iter().enumerate() {
        text.extend_from_slice(if first && i == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        // What the pretty printer writes for a finding inside the list.
        let mut ser = serde_json::Serializer::with_formatter(&mut text, Nested::new(2));
        finding.serialize(&mut ser)?;
    }
    Ok(text)
}

/// Where the JSON report is written: any writer, which can also take a
/// piece of a file. A buffered file or standard output takes it through
/// `std::io::copy`, which on Linux has the kernel copy it
/// (`copy_file_range`, `splice` or `sendfile`) instead of reading it into
/// conform and writing it out again.
pub trait CopySink: std::io::Write {
    /// Writes `len` bytes of `file` from `offset`.
    fn copy_from(&mut self, file: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()>;
}

impl<W: std::io::Write> CopySink for std::io::BufWriter<W> {
    fn copy_from(&mut self, file: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
        use std::io::{Read, Seek};
        let mut file = file;
        file.seek(std::io::SeekFrom::Start(offset))?;
        let copied = std::io::copy(&mut file.take(len), self)?;
        if copied == len {
            Ok(())
        } else {
            Err(std::io::ErrorKind::UnexpectedEof.into())
        }
    }
}

impl CopySink for Vec<u8> {
    fn copy_from(&mut self, file: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let start = self.len();
        self.resize(start + len as usize, 0);
        file.read_exact_at(&mut self[start..], offset)
    }
}

/// Any writer as a [`CopySink`]: a piece of a file is read and written.
pub struct Plain<'a>(pub &'a mut dyn std::io::Write);

impl std::io::Write for Plain<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

impl CopySink for Plain<'_> {
    fn copy_from(
        &mut self,
        file: &std::fs::File,
        mut offset: u64,
        mut len: u64,
    ) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let mut buf = vec![0u8; (1 << 20).min(len as usize)];
        while len > 0 {
            let n = buf.len().min(len as usize);
            file.read_exact_at(&mut buf[..n], offset)?;
            self.0.write_all(&buf[..n])?;
            offset += n as u64;
            len -= n as u64;
        }
        Ok(())
    }
}

/// The passing verdicts of a scan, written as the JSON report's text to an
/// unnamed temporary file while the scan is evaluated
/// ([`crate::evaluate::Passes::Elsewhere`]), and copied from it into the
/// report: a million of them are never held in memory. The file is the
/// operating system's to delete (it has no name), also when conform is
/// killed.
pub struct PassSpill {
    state: std::sync::Mutex<Spilled>,
}

/// What a [`PassSpill`] has written.
struct Spilled {
    file: std::fs::File,
    /// The file's length.
    len: u64,
    /// Per rule, in the report's order (by id), where its passes are:
    /// (offset, length) pieces, in order.
    rules: BTreeMap<crate::inventory::Sym, Vec<(u64, u64)>>,
    /// The first error in writing, reported when the report is written.
    error: Option<std::io::Error>,
}

impl std::fmt::Debug for PassSpill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("PassSpill")
            .field("len", &state.len)
            .field("rules", &state.rules.len())
            .finish()
    }
}

impl PassSpill {
    /// A spill file in `dir` (the directory the report goes to, so that it
    /// takes the report's disk rather than a memory-backed `/tmp`), or in
    /// the system's temporary directory (`TMPDIR`).
    pub fn new(dir: Option<&Path>) -> std::io::Result<PassSpill> {
        let file = match dir {
            Some(dir) => tempfile::tempfile_in(dir)?,
            None => tempfile::tempfile()?,
        };
        Ok(PassSpill {
            state: std::sync::Mutex::new(Spilled {
                file,
                len: 0,
                rules: BTreeMap::new(),
                error: None,
            }),
        })
    }

    /// What was written, or the first error in writing it.
    fn finished(&self) -> std::io::Result<std::sync::MutexGuard<'_, Spilled>> {
        let mut state = self.lock();
        match state.error.take() {
            Some(e) => Err(e),
            None => Ok(state),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spilled> {
        match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl crate::evaluate::PassSink for PassSpill {
    fn take(&self, rule_id: crate::inventory::Sym, passes: &[Finding]) {
        use rayon::prelude::*;
        use std::io::Write;

        // A batch at a time, serialised in parallel outside the lock.
        let batch = CHUNK * 4 * rayon::current_num_threads().max(1);
        for passes in passes.chunks(batch) {
            let rendered = passes
                .par_chunks(CHUNK)
                .map(|chunk| render_chunk(chunk, false))
                .collect::<std::io::Result<Vec<_>>>();
            let mut state = self.lock();
            if state.error.is_some() {
                return;
            }
            let rendered = match rendered {
                Ok(rendered) => rendered,
                Err(e) => {
                    state.error = Some(e);
                    return;
                }
            };
            for text in rendered {
                let Spilled {
                    file,
                    len,
                    rules,
                    error,
                } = &mut *state;
                if let Err(e) = file.write_all(&text) {
                    *error = Some(e);
                    return;
                }
                let pieces = rules.entry(rule_id).or_default();
                match pieces.last_mut() {
                    // Right after this rule's last piece: one piece.
                    Some((offset, length)) if *offset + *length == *len => {
                        *length += text.len() as u64
                    }
                    _ => pieces.push((*len, text.len() as u64)),
                }
                *len += text.len() as u64;
            }
        }
    }
}

/// serde_json's pretty printer (two spaces a level) for a value that
/// starts `depth` levels deep: what `to_writer_pretty` writes for it inside
/// the whole report, without rendering the report.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn new(depth: usize) -> Self {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            out.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

impl Nested {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        mark: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(mark)
    }

    /// `]` or `}`: on a line of its own after what it holds.
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        mark: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(mark)
    }

    /// Before an element or a key: a comma after the one before, a new
    /// line, the indentation.
    fn next<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.next(out, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
    ) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
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
                passes_elsewhere: None,
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
                spilled_passes: None,
            };
            let mut expected = serde_json::to_vec_pretty(&JsonReport::of(&input)).unwrap();
            expected.push(b'\n');
            let mut written = Vec::new();
            write(&input, &mut written).unwrap();
            assert!(written == expected, "{n} findings");
        }
    }

    /// The reports of an evaluation that does not hold its passing
    /// verdicts (counted, and for JSON spilled to a file as they are
    /// judged) are byte for byte those of one that holds them: for the
    /// example estate's whole pack, and for each of its rules alone (a
    /// rule with only passes starts its report with a spilled finding, one
    /// with none has an empty list).
    #[test]
    fn reports_without_the_passes_held_are_the_same_bytes() {
        use crate::evaluate::{Passes, evaluate_with};
        use crate::report::{Format, render};

        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let inventory =
            crate::inventory::Inventory::load(&root.join("examples/estate.json")).unwrap();
        let mut pack = crate::rules::load_builtin().unwrap();
        let compare = |pack: &crate::rules::RulePack| -> (usize, usize) {
            let held = evaluate_with(pack, &inventory, None, Passes::Keep);
            let spill = PassSpill::new(None).unwrap();
            let spilled = evaluate_with(pack, &inventory, None, Passes::Elsewhere(Some(&spill)));
            let counted = evaluate_with(pack, &inventory, None, Passes::Elsewhere(None));
            assert_eq!(spilled.summary, held.summary);
            assert_eq!(counted.summary, held.summary);
            let passes = held
                .findings
                .iter()
                .filter(|f| f.status == crate::findings::Status::Pass)
                .count();
            assert_eq!(spilled.findings.len(), held.findings.len() - passes);
            let input = ReportInput::new(&held, pack, &inventory);
            let mut expected = Vec::new();
            write(&input, &mut expected).unwrap();
            let mut spilled_input = ReportInput::new(&spilled, pack, &inventory);
            spilled_input.spilled_passes = Some(&spill);
            let mut written = Vec::new();
            write(&spilled_input, &mut written).unwrap();
            assert!(written == expected, "{}", String::from_utf8_lossy(&written));
            let counted_input = ReportInput::new(&counted, pack, &inventory);
            for format in [Format::Text, Format::Markdown, Format::Sarif] {
                assert_eq!(
                    render(format, &counted_input),
                    render(format, &input),
                    "{format:?}"
                );
            }
            (passes, held.findings.len())
        };
        let (passes, all) = compare(&pack);
        assert!(passes > 0 && passes < all, "{passes} of {all}");
        let rules = std::mem::take(&mut pack.rules);
        let mut kinds = std::collections::BTreeSet::new();
        for rule in rules {
            pack.rules = vec![rule];
            let (passes, all) = compare(&pack);
            kinds.insert((all == 0, passes == all));
        }
        assert!(kinds.contains(&(false, false)), "{kinds:?}");

        // A report of passes only (the example estate's rules all break
        // somewhere): every finding comes from the spill, the first
        // without its comma.
        pack.rules = crate::rules::load_builtin().unwrap().rules;
        let mut only_passes = evaluate_with(&pack, &inventory, None, Passes::Keep);
        only_passes
            .findings
            .retain(|f| f.status == crate::findings::Status::Pass);
        let spill = PassSpill::new(None).unwrap();
        for rule in only_passes.findings.chunk_by(|a, b| a.rule_id == b.rule_id) {
            use crate::evaluate::PassSink;
            spill.take(rule[0].rule_id, rule);
        }
        let mut none_held = only_passes.clone();
        none_held.findings.clear();
        let input = ReportInput::new(&only_passes, &pack, &inventory);
        let mut expected = Vec::new();
        write(&input, &mut expected).unwrap();
        let mut spilled_input = ReportInput::new(&none_held, &pack, &inventory);
        spilled_input.spilled_passes = Some(&spill);
        let mut written = Vec::new();
        write(&spilled_input, &mut written).unwrap();
        assert!(written == expected, "{}", String::from_utf8_lossy(&written));
    }
}
