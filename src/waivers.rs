//! Waivers: accepted risks, each with a reason, an owner and an end date.
//!
//! A waivers file (TOML, `--waivers FILE`, repeatable) holds `[[waiver]]`
//! tables. A waiver names the failures it accepts by rule (id or glob) and
//! resource (ARN or ARN glob), optionally narrowed by account, region and
//! tags; it must say why (`reason`), who answers for it (`owner`) and until
//! when (`expires`, a date). `ticket` and `created` are optional.
//!
//! Applied to an evaluation ([`apply`]):
//! - a **failure** matched by a waiver that has not expired becomes
//!   [`Status::Waived`] and carries the waiver; when several match, the most
//!   specific one is named ([`Waiver::specificity`]);
//! - a waiver **expires at 00:00 UTC of its `expires` date** (the date is
//!   the first day it no longer applies, as Trivy's `expired_at`): from
//!   then on it waives nothing, the failure fails again and carries the
//!   expired waiver so reports can name it;
//! - a waiver that matches no failure (the resource was fixed, deleted, or
//!   the waiver has a typo) is **stale**, reported with its file and line.
//!   Unknown verdicts the waiver could apply to keep it from being called
//!   stale, since conform cannot tell;
//! - an **unknown verdict is never waived**: it stays unknown.
//!
//! Loading ([`load`]) checks every waiver once into the typed form. A
//! file that is not TOML, or not a waivers file at all, is an error
//! ([`WaiversError`]). A single waiver that is malformed (a missing or
//! empty field, a bad pattern, a rule id that is not in the pack, an
//! expiry beyond the policy's cap) is an [`Invalid`] entry that waives
//! nothing: reported as a warning, or an error with `--strict-waivers`.
//! Every one names file, line and column, with the line and a caret.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::Spanned;

use crate::findings::{Finding, Status};
use crate::inventory::ScannedAccount;
use crate::rules::Pattern;

/// Days before its expiry from which a waiver is listed as expiring soon,
/// unless the rule pack's `[waivers] warn_days` or `--waiver-warn-days`
/// says otherwise.
pub const DEFAULT_WARN_DAYS: u32 = 14;

/// What the rule pack says about waivers (`[waivers]` in the pack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverPolicy {
    /// The latest expiry a waiver may have, in days after the evaluation
    /// time (and after its `created` date, when given). `None`: no cap.
    pub max_days: Option<u32>,
    /// Waivers expiring within this many days are listed as a warning.
    pub warn_days: u32,
}

impl Default for WaiverPolicy {
    fn default() -> Self {
        WaiverPolicy {
            max_days: None,
            warn_days: DEFAULT_WARN_DAYS,
        }
    }
}

/// A waivers file that cannot be used at all.
#[derive(Debug, Error)]
pub enum WaiversError {
    #[error("{}: cannot read the waivers file: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every problem of the file that keeps it from being read, each with
    /// its line, column and source line ([`crate::diagnostic`]).
    #[error("{0}")]
    Invalid(crate::diagnostic::Diagnostics),
    /// `--strict-waivers`: malformed or stale waivers, one per line.
    #[error("--strict-waivers: {count} waiver problem(s):\n{list}")]
    Strict { count: usize, list: String },
}

/// One malformed waiver: it waives nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invalid {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip)]
    pub snippet: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

/// A waiver as reports show it: where it is written and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRef {
    /// The waivers file and the line of its `[[waiver]]` header.
    pub file: String,
    pub line: usize,
    pub rule: String,
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    pub reason: String,
    pub owner: String,
    /// The first day (UTC) on which the waiver no longer applies.
    pub expires: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Date>,
}

impl WaiverRef {
    /// `waivers.toml:12`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The instant the waiver stops applying: 00:00 UTC of `expires`.
    pub fn expires_at(&self) -> Timestamp {
        expiry_instant(self.expires)
    }

    /// "reason (owner: x, expires 2026-12-31, ticket SEC-1)" for
    /// one-line displays (SARIF justification, text, Markdown).
    pub fn justification(&self) -> String {
        let mut text = format!(
            "{} (owner: {}, expires {}",
            self.reason, self.owner, self.expires
        );
        if let Some(t) = &self.ticket {
            text.push_str(&format!(", ticket {t}"));
        }
        text.push_str(&format!("; {})", self.location()));
        text
    }
}

impl WaiverRef {
    /// Whether the waiver could match a resource of a scan of `scope`
    /// (every scope, when it is empty): an account (scanned without error)
    /// its `account` pattern matches, and a region of that account its
    /// `region` pattern matches, both consistent with the account and
    /// region of its ARN where the ARN's start holds no glob.
    pub fn could_apply_to(&self, scope: &[ScannedAccount]) -> bool {
        if scope.is_empty() {
            return true;
        }
        let pattern = |t: &Option<String>| t.as_deref().and_then(|t| Pattern::new(t).ok());
        let (account, region) = (pattern(&self.account), pattern(&self.region));
        scope.iter().any(|s| {
            s.error.is_none()
                && account.as_ref().is_none_or(|p| p.is_match(&s.account))
                && s.regions
                    .iter()
                    .map(String::as_str)
                    .chain([crate::inventory::GLOBAL])
                    .any(|r| {
                        region.as_ref().is_none_or(|p| p.is_match(r))
                            && self.arn_place_allows(&s.account, r)
                    })
        })
    }

    /// Whether the account and region written in the waiver's ARN (where
    /// its start, `arn:partition:service:region:account:`, holds no glob
    /// and they are not empty) are `account` and `region`.
    fn arn_place_allows(&self, account: &str, region: &str) -> bool {
        let parts: Vec<&str> = self.resource.splitn(6, ':').collect();
        if parts.len() < 6 || parts[..5].iter().any(|p| is_glob(p)) {
            return true;
        }
        (parts[3].is_empty() || parts[3] == region) && (parts[4].is_empty() || parts[4] == account)
    }
}

fn expiry_instant(date: Date) -> Timestamp {
    date.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// A waiver, checked and compiled.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: Pattern,
    pub resource: Pattern,
    pub account: Option<Pattern>,
    pub region: Option<Pattern>,
    pub tags: BTreeMap<String, Pattern>,
    /// Everything it says, for reports.
    pub info: WaiverRef,
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

impl Waiver {
    /// Whether the waiver applies to a finding's rule and resource
    /// (whatever its status and the waiver's expiry).
    pub fn matches(&self, f: &Finding) -> bool {
        let r = &f.resource;
        self.rule.is_match(&f.rule_id)
            && self.resource.is_match(&r.arn)
            && self.account.as_ref().is_none_or(|p| p.is_match(&r.account))
            && self.region.as_ref().is_none_or(|p| p.is_match(&r.region))
            && self
                .tags
                .iter()
                .all(|(k, p)| r.tags.get(k).is_some_and(|v| p.is_match(v)))
    }

    /// Whether an unknown verdict could hide a failure this waiver would
    /// match: same rule, and the resource matches, or the verdict is about
    /// a whole dataset that could not be read in the waiver's place.
    fn could_match_unknown(&self, f: &Finding) -> bool {
        let r = &f.resource;
        let whole_dataset = f.evidence.first().is_some_and(|e| e.field == "coverage")
            && self.info.arn_place_allows(&r.account, &r.region);
        self.rule.is_match(&f.rule_id)
            && self.account.as_ref().is_none_or(|p| p.is_match(&r.account))
            && self.region.as_ref().is_none_or(|p| p.is_match(&r.region))
            && (whole_dataset || self.matches(f))
    }

    /// How specific the waiver is; of several that match one finding, the
    /// greatest names it. In order: an exact ARN beats a glob; an exact
    /// rule id beats a glob; then the longer literal part of the resource
    /// pattern; then the number of account, region and tag conditions.
    pub fn specificity(&self) -> (bool, bool, usize, usize) {
        let literal = self
            .resource
            .text
            .chars()
            .filter(|c| !matches!(c, '*' | '?' | '[' | ']' | '{' | '}'))
            .count();
        (
            !is_glob(&self.resource.text),
            !is_glob(&self.rule.text),
            literal,
            usize::from(self.account.is_some())
                + usize::from(self.region.is_some())
                + self.tags.len(),
        )
    }

    pub fn is_expired(&self, now: Timestamp) -> bool {
        now >= self.info.expires_at()
    }
}

/// The waivers of every file given, and the malformed ones.
#[derive(Debug, Clone, Default)]
pub struct WaiverSet {
    pub files: Vec<String>,
    pub waivers: Vec<Waiver>,
    pub invalid: Vec<Invalid>,
    pub policy: WaiverPolicy,
}

/// What applying waivers found, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverReport {
    /// The waivers files applied.
    pub files: Vec<String>,
    /// The instant expiry was judged at (`--now`, else the collection
    /// time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Timestamp>,
    /// How many waivers they hold (valid ones).
    #[serde(default)]
    pub count: usize,
    /// Failures accepted by a waiver.
    #[serde(default)]
    pub waived: usize,
    /// The warning horizon, in days.
    #[serde(default)]
    pub warn_days: u32,
    /// Waivers past their expiry that match failures (which fail again,
    /// unless another waiver in force accepts them).
    #[serde(default)]
    pub expired: Vec<WaiverRef>,
    /// Waivers in force that expire within `warn_days`.
    #[serde(default)]
    pub expiring: Vec<WaiverRef>,
    /// Waivers that matched nothing.
    #[serde(default)]
    pub stale: Vec<WaiverRef>,
    /// Malformed waivers (they waive nothing).
    #[serde(default)]
    pub invalid: Vec<Invalid>,
}

impl WaiverReport {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Stale and malformed waivers as lines, for `--strict-waivers`.
    pub fn problems(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.invalid.iter().map(|i| i.to_string()).collect();
        lines.extend(self.stale.iter().map(|w| {
            format!(
                "{}: stale waiver: rule {} resource {} matches no failure",
                w.location(),
                w.rule,
                w.resource
            )
        }));
        lines
    }
}

/// [`apply`] for a scan of `scope`: a waiver that cannot apply to any
/// account and region the scan read (another shard's account, a region not
/// scanned, an account that could not be scanned) is not called stale.
pub fn apply_scoped(
    set: &WaiverSet,
    findings: &mut [Finding],
    scope: &[ScannedAccount],
    now: Timestamp,
) -> WaiverReport {
    let mut report = apply(set, findings, now);
    report.stale.retain(|w| w.could_apply_to(scope));
    report
}

/// Applies `set` to `findings` (as of `now`), changing matched failures to
/// waived, and says what it found. Findings are re-sorted.
pub fn apply(set: &WaiverSet, findings: &mut [Finding], now: Timestamp) -> WaiverReport {
    let mut used = vec![false; set.waivers.len()];
    let mut expired_used = vec![false; set.waivers.len()];
    let mut waived = 0;
    // The waivers of each rule id, so that a finding is only matched
    // against the waivers of its rule.
    let mut by_rule: HashMap<&str, Vec<usize>> = HashMap::new();
    for f in findings.iter() {
        if !by_rule.contains_key(f.rule_id.as_str()) {
            let of_rule = (0..set.waivers.len())
                .filter(|&i| set.waivers[i].rule.is_match(&f.rule_id))
                .collect();
            by_rule.insert(f.rule_id.as_str(), of_rule);
        }
    }
    let by_rule: HashMap<String, Vec<usize>> = by_rule
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let none = Vec::new();
    let expired: Vec<bool> = set.waivers.iter().map(|w| w.is_expired(now)).collect();
    let specificity: Vec<_> = set.waivers.iter().map(Waiver::specificity).collect();
    for f in findings.iter_mut() {
        let candidates = by_rule.get(f.rule_id.as_str()).unwrap_or(&none);
        if candidates.is_empty() {
            continue;
        }
        match f.status {
            Status::Fail => {}
            Status::Unknown => {
                for &i in candidates {
                    if set.waivers[i].could_match_unknown(f) {
                        used[i] = true;
                    }
                }
                continue;
            }
            Status::Pass | Status::Waived => continue,
        }
        // Each candidate is matched once; expiry and specificity are
        // computed once per waiver, above.
        let matching: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| set.waivers[i].matches(f))
            .collect();
        for &i in &matching {
            if expired[i] {
                expired_used[i] = true;
            } else {
                used[i] = true;
            }
        }
        let best = |active: bool| {
            matching
                .iter()
                .copied()
                .filter(|&i| expired[i] != active)
                // Ties: the first written wins.
                .max_by(|&a, &b| specificity[a].cmp(&specificity[b]).then_with(|| b.cmp(&a)))
        };
        if let Some(i) = best(true) {
            f.status = Status::Waived;
            f.waiver = Some(Box::new(set.waivers[i].info.clone()));
            waived += 1;
        } else if let Some(i) = best(false) {
            f.waiver = Some(Box::new(set.waivers[i].info.clone()));
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let horizon = now
        .checked_add(jiff::SignedDuration::from_hours(
            24 * i64::from(set.policy.warn_days),
        ))
        .unwrap_or(Timestamp::MAX);
    let mut report = WaiverReport {
        files: set.files.clone(),
        as_of: Some(now),
        count: set.waivers.len(),
        waived,
        warn_days: set.policy.warn_days,
        invalid: set.invalid.clone(),
        ..Default::default()
    };
    for (i, w) in set.waivers.iter().enumerate() {
        if expired_used[i] {
            report.expired.push(w.info.clone());
        } else if !used[i] {
            report.stale.push(w.info.clone());
        } else if w.info.expires_at() <= horizon {
            report.expiring.push(w.info.clone());
        }
    }
    report
}

/// Loads and checks waivers files. `rule_ids` are the pack's rule ids: a
/// waiver must name one of them (or a glob matching one). `now` is the
/// time `policy.max_days` counts from.
pub fn load(
    paths: &[PathBuf],
    rule_ids: &[&str],
    policy: &WaiverPolicy,
    now: Timestamp,
) -> Result<WaiverSet, WaiversError> {
    let mut set = WaiverSet {
        policy: policy.clone(),
        ..Default::default()
    };
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|source| WaiversError::Read {
            path: path.clone(),
            source,
        })?;
        let (waivers, invalid) = parse(path, &text, rule_ids, policy, now)?;
        set.files.push(path.display().to_string());
        set.waivers.extend(waivers);
        set.invalid.extend(invalid);
    }
    Ok(set)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<Spanned<BTreeMap<Spanned<String>, Spanned<toml::Value>>>>,
}

const FIELDS: &[&str] = &[
    "rule", "resource", "account", "region", "tags", "reason", "owner", "expires", "ticket",
    "created",
];

/// Parses one waivers file: the good waivers and the malformed ones, or an
/// error if the file is not a waivers file.
pub fn parse(
    path: &Path,
    text: &str,
    rule_ids: &[&str],
    policy: &WaiverPolicy,
    now: Timestamp,
) -> Result<(Vec<Waiver>, Vec<Invalid>), WaiversError> {
    let file = path.display().to_string();
    // Every syntax error at once; then the file's shape.
    let mut diags = crate::diagnostic::Diagnostics::new(path);
    let (_, syntax) = toml::de::DeTable::parse_recoverable(text);
    for e in syntax {
        diags.push(text, e.span().unwrap_or(0..0), e.message().to_string());
    }
    if !diags.is_empty() {
        diags.sort();
        return Err(WaiversError::Invalid(diags));
    }
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        diags.push(text, e.span().unwrap_or(0..0), e.message().to_string());
        WaiversError::Invalid(diags)
    })?;
    let invalid_at = |span: Range<usize>, message: String| {
        let (line, column) = crate::diagnostic::line_column(text, span.start);
        Invalid {
            file: file.clone(),
            line,
            column,
            message,
            snippet: crate::diagnostic::snippet(text, span),
        }
    };
    let mut waivers = Vec::new();
    let mut invalid = Vec::new();
    for table in raw.waiver {
        let header = table.span();
        let (line, _) = crate::diagnostic::line_column(text, header.start);
        match compile(
            table.into_inner(),
            &file,
            line,
            header,
            rule_ids,
            policy,
            now,
        ) {
            Ok(w) => waivers.push(w),
            Err(problems) => invalid.extend(
                problems
                    .into_iter()
                    .map(|(span, message)| invalid_at(span, message)),
            ),
        }
    }
    Ok((waivers, invalid))
}

type Fields = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// A value checked from a waiver, or where and why it is wrong.
type Checked<T> = Result<T, (Range<usize>, String)>;

/// The value of a check, or `None` with its problem recorded.
fn ok<T>(checked: Checked<Option<T>>, errors: &mut Vec<(Range<usize>, String)>) -> Option<T> {
    match checked {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Checks a waiver; every problem it has, each where it is, when it has
/// any.
fn compile(
    fields: Fields,
    file: &str,
    line: usize,
    header: Range<usize>,
    rule_ids: &[&str],
    policy: &WaiverPolicy,
    now: Timestamp,
) -> Result<Waiver, Vec<(Range<usize>, String)>> {
    let mut errors: Vec<(Range<usize>, String)> = Vec::new();
    for key in fields.keys() {
        if !FIELDS.contains(&key.get_ref().as_str()) {
            errors.push((
                key.span(),
                format!(
                    "unknown field `{}` in a waiver, expected one of {}",
                    key.get_ref(),
                    FIELDS.join(", ")
                ),
            ));
        }
    }
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.get_ref() == name)
            .map(|(_, v)| v)
    };
    let missing = |name: &str| {
        (
            header.clone(),
            format!("waiver without `{name}` (required: rule, resource, reason, owner, expires)"),
        )
    };
    let string = |name: &str, required: bool| -> Checked<Option<(String, Range<usize>)>> {
        match get(name) {
            None if required => Err(missing(name)),
            None => Ok(None),
            Some(v) => match v.get_ref() {
                toml::Value::String(s) if !s.trim().is_empty() => {
                    Ok(Some((s.trim().to_string(), v.span())))
                }
                toml::Value::String(_) => Err((v.span(), format!("`{name}` is empty"))),
                other => Err((
                    v.span(),
                    format!("`{name}` must be a string, not {}", other.type_str()),
                )),
            },
        }
    };
    let date = |name: &str, required: bool| -> Checked<Option<(Date, Range<usize>)>> {
        let Some(v) = get(name) else {
            return if required {
                Err(missing(name))
            } else {
                Ok(None)
            };
        };
        let text = match v.get_ref() {
            toml::Value::String(s) => s.trim().to_string(),
            toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => d.to_string(),
            _ => {
                return Err((v.span(), format!("`{name}` must be a date (YYYY-MM-DD)")));
            }
        };
        text.parse::<Date>()
            .map(|d| Some((d, v.span())))
            .map_err(|_| {
                (
                    v.span(),
                    format!("`{name}`: {text:?} is not a date (YYYY-MM-DD)"),
                )
            })
    };
    let pattern = |text: &str, span: &Range<usize>, name: &str| {
        Pattern::new(text)
            .map(Some)
            .map_err(|m| (span.clone(), format!("`{name}`: {m}")))
    };

    let rule_field = ok(string("rule", true), &mut errors);
    let mut rule = None;
    if let Some((rule_text, rule_span)) = &rule_field {
        rule = ok(pattern(rule_text, rule_span, "rule"), &mut errors);
        if let Some(r) = &rule
            && !rule_ids.iter().any(|id| r.is_match(id))
        {
            errors.push((
                rule_span.clone(),
                format!(
                    "`rule`: {rule_text:?} names no rule of the pack (rules: {})",
                    rule_ids.join(", ")
                ),
            ));
        }
    }
    let resource_field = ok(string("resource", true), &mut errors);
    let mut resource = None;
    if let Some((resource_text, resource_span)) = &resource_field {
        if !(resource_text.starts_with("arn:") || resource_text.starts_with('*')) {
            errors.push((
                resource_span.clone(),
                format!("`resource`: {resource_text:?} is not an ARN or an ARN glob (arn:aws:...)"),
            ));
        } else {
            resource = ok(
                pattern(resource_text, resource_span, "resource"),
                &mut errors,
            );
        }
    }
    let account = ok(string("account", false), &mut errors);
    let region = ok(string("region", false), &mut errors);
    let mut tags = BTreeMap::new();
    let mut tag_texts = BTreeMap::new();
    if let Some(v) = get("tags") {
        match v.get_ref() {
            toml::Value::Table(table) => {
                for (k, value) in table {
                    let toml::Value::String(s) = value else {
                        errors.push((
                            v.span(),
                            format!("`tags`: the value of {k:?} must be a string"),
                        ));
                        continue;
                    };
                    if let Some(p) = ok(pattern(s, &v.span(), "tags"), &mut errors) {
                        tags.insert(k.clone(), p);
                        tag_texts.insert(k.clone(), s.clone());
                    }
                }
            }
            _ => errors.push((
                v.span(),
                "`tags` must be a table of tag key = value pattern".into(),
            )),
        }
    }
    let reason = ok(string("reason", true), &mut errors).map(|(s, _)| s);
    let owner = ok(string("owner", true), &mut errors).map(|(s, _)| s);
    let ticket = ok(string("ticket", false), &mut errors).map(|(s, _)| s);
    let expires = ok(date("expires", true), &mut errors);
    let created = ok(date("created", false), &mut errors);
    if let (Some((created, span)), Some((expires, _))) = (&created, &expires)
        && created >= expires
    {
        errors.push((
            span.clone(),
            format!("`created` ({created}) is not before `expires` ({expires})"),
        ));
    }
    if let (Some(max), Some((expires, expires_span))) = (policy.max_days, &expires) {
        let today = now.to_zoned(TimeZone::UTC).date();
        let from = match &created {
            Some((c, _)) if *c > today => *c,
            _ => today,
        };
        let days = (*expires - from).get_days();
        if days > i32::try_from(max).unwrap_or(i32::MAX) {
            errors.push((
                expires_span.clone(),
                format!(
                    "`expires` {expires} is {days} days after {from}: the rule pack allows waivers of at most {max} days ([waivers] max_days)"
                ),
            ));
        }
    }
    let account_pattern = match &account {
        Some((text, span)) => ok(pattern(text, span, "account"), &mut errors),
        None => None,
    };
    let region_pattern = match &region {
        Some((text, span)) => ok(pattern(text, span, "region"), &mut errors),
        None => None,
    };
    let (
        Some(rule),
        Some((rule_text, _)),
        Some(resource),
        Some((resource_text, _)),
        Some(reason),
        Some(owner),
        Some((expires, _)),
    ) = (
        rule,
        rule_field,
        resource,
        resource_field,
        reason,
        owner,
        expires,
    )
    else {
        if errors.is_empty() {
            errors.push((header, "malformed waiver".into()));
        }
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Waiver {
        rule,
        resource,
        account: account_pattern,
        region: region_pattern,
        tags,
        info: WaiverRef {
            file: file.to_string(),
            line,
            rule: rule_text,
            resource: resource_text,
            account: account.map(|(s, _)| s),
            region: region.map(|(s, _)| s),
            tags: tag_texts,
            reason,
            owner,
            expires,
            ticket,
            created: created.map(|(d, _)| d),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Evidence, ResourceRef};
    use crate::rules::{Promise, Severity};

    const RULES: &[&str] = &["NET-001", "NET-002", "ENC-001"];

    fn now() -> Timestamp {
        "2026-06-01T12:00:00Z".parse().unwrap()
    }

    fn parse_ok(text: &str) -> Vec<Waiver> {
        let (w, invalid) = parse(
            Path::new("w.toml"),
            text,
            RULES,
            &WaiverPolicy::default(),
            now(),
        )
        .unwrap();
        assert!(invalid.is_empty(), "{invalid:?}");
        w
    }

    fn invalid(text: &str, policy: &WaiverPolicy) -> Invalid {
        let (w, invalid) = parse(Path::new("w.toml"), text, RULES, policy, now()).unwrap();
        assert!(w.is_empty());
        invalid.into_iter().next().expect("one invalid waiver")
    }

    fn finding(rule: &str, arn: &str, status: Status, tags: &[(&str, &str)]) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity: Severity::High,
            status,
            resource: ResourceRef {
                arn: arn.into(),
                resource_type: "AWS::EC2::SecurityGroup".into(),
                account: arn.split(':').nth(4).unwrap_or("").to_string().into(),
                region: arn.split(':').nth(3).unwrap_or("").to_string().into(),
                name: arn.rsplit('/').next().unwrap_or("").into(),
                tags: tags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect::<crate::inventory::Tags>(),
            },
            message: "m".into(),
            evidence: vec![],
            promise: Promise {
                file: "p.md".into(),
                line: 1,
                related_lines: vec![],
                text: "t".into(),
            }
            .into(),
            waiver: None,
            baseline: None,
        }
    }

    const SG1: &str = "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1";
    const SG2: &str = "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-2";

    fn waiver(rule: &str, resource: &str, expires: &str, extra: &str) -> String {
        format!(
            "[[waiver]]\nrule = \"{rule}\"\nresource = \"{resource}\"\nreason = \"partner range\"\nowner = \"net-team\"\nexpires = {expires}\n{extra}\n"
        )
    }

    fn set(text: &str) -> WaiverSet {
        WaiverSet {
            files: vec!["w.toml".into()],
            waivers: parse_ok(text),
            invalid: vec![],
            policy: WaiverPolicy::default(),
        }
    }

    #[test]
    fn globs_tags_and_places_match() {
        let w = parse_ok(&waiver(
            "NET-*",
            "arn:aws:ec2:*:111122223333:security-group/*",
            "2026-12-31",
            "region = \"eu-*\"\ntags = { Team = \"web*\" }",
        ));
        let w = &w[0];
        assert!(w.matches(&finding("NET-001", SG1, Status::Fail, &[("Team", "web-a")])));
        assert!(!w.matches(&finding("NET-001", SG1, Status::Fail, &[("Team", "db")])));
        assert!(!w.matches(&finding("NET-001", SG1, Status::Fail, &[])));
        assert!(!w.matches(&finding("ENC-001", SG1, Status::Fail, &[("Team", "web")])));
        let us = SG1.replace("eu-north-1", "us-east-1");
        assert!(!w.matches(&finding("NET-001", &us, Status::Fail, &[("Team", "web")])));
    }

    #[test]
    fn expiry_is_at_the_utc_day_boundary() {
        let s = set(&waiver("NET-001", SG1, "2026-06-02", ""));
        let mut before = vec![finding("NET-001", SG1, Status::Fail, &[])];
        let last_moment: Timestamp = "2026-06-01T23:59:59.999Z".parse().unwrap();
        let report = apply(&s, &mut before, last_moment);
        assert_eq!(before[0].status, Status::Waived);
        assert_eq!(report.waived, 1);
        // Expires within the default warning horizon.
        assert_eq!(report.expiring.len(), 1);

        let mut after = vec![finding("NET-001", SG1, Status::Fail, &[])];
        let midnight: Timestamp = "2026-06-02T00:00:00Z".parse().unwrap();
        let report = apply(&s, &mut after, midnight);
        assert_eq!(after[0].status, Status::Fail);
        assert_eq!(after[0].waiver.as_ref().unwrap().line, 1);
        assert_eq!(report.expired.len(), 1);
        assert_eq!(report.waived, 0);
        assert!(report.stale.is_empty());
        // At 16:00 UTC on the 1st it is already the 2nd in Tokyo: only the
        // UTC date counts.
        let mut tokyo_evening = vec![finding("NET-001", SG1, Status::Fail, &[])];
        apply(
            &s,
            &mut tokyo_evening,
            "2026-06-01T16:00:00Z".parse().unwrap(),
        );
        assert_eq!(tokyo_evening[0].status, Status::Waived);
    }

    #[test]
    fn the_most_specific_waiver_is_named() {
        let text = [
            waiver("NET-*", "*", "2026-12-31", ""),
            waiver("NET-001", SG1, "2026-12-31", ""),
            waiver(
                "NET-001",
                "arn:aws:ec2:*:security-group/*",
                "2026-12-31",
                "",
            ),
        ]
        .concat();
        let s = set(&text);
        let mut findings = vec![
            finding("NET-001", SG1, Status::Fail, &[]),
            finding("NET-001", SG2, Status::Fail, &[]),
        ];
        let report = apply(&s, &mut findings, now());
        let lines: Vec<usize> = findings
            .iter()
            .map(|f| f.waiver.as_ref().unwrap().line)
            .collect();
        // sg-1: the exact ARN (line 8); sg-2: the ARN glob (line 15).
        assert_eq!(lines, vec![8, 15]);
        // The catch-all matched, but never was the most specific: it still
        // matches something, so it is not stale.
        assert!(report.stale.is_empty(), "{:?}", report.stale);
    }

    #[test]
    fn an_active_waiver_wins_over_an_expired_one() {
        let text = [
            waiver("NET-001", SG1, "2026-01-01", ""),
            waiver("NET-001", "arn:aws:ec2:*", "2026-12-31", ""),
        ]
        .concat();
        let mut findings = vec![finding("NET-001", SG1, Status::Fail, &[])];
        let report = apply(&set(&text), &mut findings, now());
        assert_eq!(findings[0].status, Status::Waived);
        assert_eq!(findings[0].waiver.as_ref().unwrap().line, 8);
        // The expired one is named as expired (time to delete it), not
        // stale: it does match a failure.
        assert_eq!(report.expired.len(), 1);
        assert!(report.stale.is_empty());
    }

    #[test]
    fn unknown_stays_unknown_and_keeps_its_waiver_from_being_stale() {
        let s = set(&waiver("NET-001", SG1, "2026-12-31", ""));
        let mut findings = vec![finding("NET-001", SG1, Status::Unknown, &[])];
        let report = apply(&s, &mut findings, now());
        assert_eq!(findings[0].status, Status::Unknown);
        assert!(findings[0].waiver.is_none());
        assert!(report.stale.is_empty());
        // A whole dataset unread in another region: the waiver of an
        // eu-north-1 resource is still stale.
        let mut elsewhere = finding(
            "NET-001",
            "arn:aws:ec2:us-east-1:111122223333:security-group/*",
            Status::Unknown,
            &[],
        );
        elsewhere.evidence = vec![Evidence::new("coverage", "AccessDenied", "not read")];
        assert_eq!(apply(&s, &mut [elsewhere], now()).stale.len(), 1);
        // A whole dataset unread in the waiver's place: not stale either.
        let mut gap = finding(
            "NET-001",
            "arn:aws:ec2:eu-north-1:111122223333:security-group/*",
            Status::Unknown,
            &[],
        );
        gap.evidence = vec![Evidence::new("coverage", "AccessDenied", "not read")];
        let report = apply(&s, &mut [gap], now());
        assert!(report.stale.is_empty());
    }

    #[test]
    fn a_waiver_matching_only_passes_is_stale() {
        let s = set(&waiver("NET-001", SG1, "2026-12-31", ""));
        let mut findings = vec![
            finding("NET-001", SG1, Status::Pass, &[]),
            finding("NET-002", SG1, Status::Fail, &[]),
        ];
        let report = apply(&s, &mut findings, now());
        assert_eq!(report.stale.len(), 1);
        assert_eq!(report.stale[0].location(), "w.toml:1");
        assert_eq!(findings[1].status, Status::Fail);
        assert!(findings[1].waiver.is_none());
    }

    #[test]
    fn waivers_of_places_a_scan_did_not_read_are_not_stale() {
        let text = [
            waiver("NET-001", SG1, "2026-12-31", ""),
            waiver(
                "NET-001",
                &SG1.replace("111122223333", "444455556666"),
                "2026-12-31",
                "",
            ),
            waiver(
                "NET-001",
                &SG1.replace("eu-north-1", "us-east-1"),
                "2026-12-31",
                "",
            ),
            waiver(
                "NET-001",
                "arn:aws:ec2:*:sg-9",
                "2026-12-31",
                "account = \"4444*\"",
            ),
            waiver("NET-001", "arn:aws:ec2:*:sg-9", "2026-12-31", ""),
        ]
        .concat();
        let scope = vec![ScannedAccount {
            account: "111122223333".into(),
            partition: "aws".into(),
            regions: vec!["eu-north-1".into()],
            error: None,
        }];
        let report = apply_scoped(&set(&text), &mut [], &scope, now());
        // Only the waivers that could match in 111122223333/eu-north-1.
        let lines: Vec<usize> = report.stale.iter().map(|w| w.line).collect();
        assert_eq!(lines, vec![1, 29]);
        // An account that could not be scanned: nothing there is stale.
        let mut failed = scope.clone();
        failed[0].error = Some(crate::inventory::AwsError {
            operation: "AssumeRole".into(),
            code: "AccessDenied".into(),
            message: "not allowed".into(),
        });
        assert!(
            apply_scoped(&set(&text), &mut [], &failed, now())
                .stale
                .is_empty()
        );
    }

    #[test]
    fn malformed_waivers_name_line_and_column() {
        let p = WaiverPolicy::default();
        let e = invalid(
            &waiver("NET-001", SG1, "2026-12-31", "").replace("owner", "ownr"),
            &p,
        );
        assert_eq!((e.line, e.column), (5, 1), "{e}");
        assert!(e.message.contains("unknown field `ownr`"), "{e}");
        assert!(
            e.to_string().contains("\n5 | ownr = \"net-team\"\n  | ^"),
            "{e}"
        );
        let e = invalid(
            &waiver("NET-001", SG1, "2026-12-31", "").replace("reason = \"partner range\"\n", ""),
            &p,
        );
        assert_eq!((e.line, e.column), (1, 1), "{e}");
        assert!(e.message.contains("without `reason`"), "{e}");
        let e = invalid(&waiver("NET-01", SG1, "2026-12-31", ""), &p);
        assert_eq!((e.line, e.column), (2, 8), "{e}");
        assert!(e.message.contains("names no rule"), "{e}");
        let e = invalid(&waiver("NET-001", "sg-1", "2026-12-31", ""), &p);
        assert!(e.message.contains("not an ARN"), "{e}");
        let e = invalid(&waiver("NET-001", SG1, "\"2026-13-01\"", ""), &p);
        assert_eq!(e.line, 6, "{e}");
        assert!(e.message.contains("not a date"), "{e}");
        let e = invalid(&waiver("NET-001", SG1, "2026-12-31T00:00:00Z", ""), &p);
        assert!(e.message.contains("must be a date"), "{e}");
        let e = invalid(
            &waiver("NET-001", SG1, "2026-12-31", "reason2 = 1").replace("reason2", "tags"),
            &p,
        );
        assert!(e.message.contains("`tags` must be a table"), "{e}");
        let capped = WaiverPolicy {
            max_days: Some(90),
            warn_days: 14,
        };
        let e = invalid(&waiver("NET-001", SG1, "2026-12-31", ""), &capped);
        assert!(e.message.contains("at most 90 days"), "{e}");
        assert!(
            parse(
                Path::new("w.toml"),
                &waiver("NET-001", SG1, "2026-08-01", ""),
                RULES,
                &capped,
                now()
            )
            .unwrap()
            .1
            .is_empty()
        );
    }

    #[test]
    fn every_problem_of_a_waiver_is_reported() {
        let text = waiver("NET-01", "sg-1", "\"2026-13-01\"", "")
            .replace("owner", "ownr")
            .replace("reason = \"partner range\"\n", "");
        let (w, invalid) = parse(
            Path::new("w.toml"),
            &text,
            RULES,
            &WaiverPolicy::default(),
            now(),
        )
        .unwrap();
        assert!(w.is_empty());
        let messages: Vec<String> = invalid.iter().map(|i| i.to_string()).collect();
        let all = messages.join("\n");
        for expected in [
            "unknown field `ownr`",
            "names no rule",
            "not an ARN",
            "without `reason`",
            "without `owner`",
            "not a date",
        ] {
            assert!(all.contains(expected), "{expected}: {all}");
        }
        // The offending value is underlined.
        assert!(
            all.contains("2 | rule = \"NET-01\"\n  |        ^^^^^^^^"),
            "{all}"
        );
    }

    #[test]
    fn a_broken_file_is_an_error_with_a_caret() {
        let e = parse(
            Path::new("w.toml"),
            "[[waiver]]\nrule = \"NET-001\nowner = 1\n",
            RULES,
            &WaiverPolicy::default(),
            now(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("w.toml:2:"), "{e}");
        assert!(e.contains("2 | rule = \"NET-001"), "{e}");
        let e = parse(
            Path::new("w.toml"),
            "[[waivers]]\nrule = \"NET-001\"\n",
            RULES,
            &WaiverPolicy::default(),
            now(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown field `waivers`"), "{e}");
    }
}
