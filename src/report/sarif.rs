//! SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).
//!
//! What code scanning needs, and how conform provides it:
//! - **A physical location** (GitHub rejects results with only logical
//!   locations): each result points at the line of the policy document
//!   that states the broken promise, so the alert opens on the promise.
//!   The AWS resource is the result's logical location and is repeated in
//!   its properties with the account, region, type and evidence.
//! - **A stable identity**: `partialFingerprints.primaryLocationLineHash`
//!   is a hash of rule id, account, region and ARN — never of names or tags,
//!   which change — so a scheduled scan re-finds the same alert, and a
//!   fixed resource closes it.
//! - **Separate categories per account**: each account is a run of its own
//!   whose `automationDetails.id` starts with the account and its regions
//!   (`conform/111122223333/eu-north-1/<time>`), holding only that
//!   account's results and notifications, so that uploads for different
//!   accounts (or shards) never replace each other's alerts. GitHub takes
//!   at most [`MAX_RUNS`] runs per upload: beyond that many accounts, one
//!   run covers them all, its category naming their count and a hash of
//!   their ids, and a notification says so.
//! - **Accepted risks stay visible**: a waived failure is a result with
//!   `suppressions: [{kind: "external", status: "accepted", justification}]`
//!   (the waiver's reason, owner, expiry and location), so code scanning
//!   shows the alert as dismissed with the reason; an expired waiver's
//!   failure is an open result again. With `--baseline`, results carry
//!   `baselineState` (`new` or `unchanged`).
//! - **Nothing silent**: data that could not be read, and verdicts that are
//!   unknown, are `toolExecutionNotifications` of the invocation (they are
//!   not failures, so they are not results).
//! - **GitHub's limits** (25,000 results per run, 10 MB gzipped upload):
//!   beyond them the most severe results are kept and a notification says
//!   how many were left out.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};
use serde_sarif::sarif;
use sha2::{Digest, Sha256};

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status};
use crate::rules::Severity;

/// The schema URI written into every log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Where conform's documentation lives.
pub const INFORMATION_URI: &str = "https://github.com/kliv/conform";
/// GitHub code scanning's limit on results per run.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub code scanning's limit on runs per upload: up to this many
/// accounts get a run (and a category) each.
pub const MAX_RUNS: usize = 20;
/// GitHub code scanning's limit on the gzipped size of an upload.
pub const MAX_GZIPPED_BYTES: usize = 10 * 1024 * 1024;
/// The `uriBaseId` policy locations are relative to: the root of the
/// repository the SARIF is uploaded to.
pub const SRCROOT: &str = "%SRCROOT%";

/// GitHub's numeric `security-severity`, which it maps back to critical
/// (9.0+), high (7.0-8.9), medium (4.0-6.9) and low (0.1-3.9).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The fingerprint of a (rule, resource) pair: stable across scans, and
/// independent of anything about the resource that can change.
pub fn fingerprint(rule_id: &str, account: &str, region: &str, arn: &str) -> String {
    let mut hash = Sha256::new();
    for part in [rule_id, account, region, arn] {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    // GitHub's own hashes carry a ":<occurrence>" suffix; one per pair here.
    format!("{hex}:1")
}

/// The automation id of a run for the whole report: a category from the
/// scanned scope (GitHub keeps one set of alerts per category), then the
/// run's own id (the collection time).
///
/// The category names the accounts (`111122223333+444455556666`), or
/// beyond [`MAX_RUNS`] accounts, their count and a short hash of their
/// sorted ids (`25-accounts-1a2b3c4d`), which stays the same while the set
/// of accounts does; then the regions.
pub fn automation_id(input: &ReportInput<'_>) -> String {
    let accounts = accounts(input);
    let mut regions: Vec<&str> = input
        .scope
        .iter()
        .flat_map(|s| s.regions.iter().map(String::as_str))
        .collect();
    regions.sort();
    regions.dedup();
    let accounts = if accounts.is_empty() {
        "none".to_string()
    } else if accounts.len() > MAX_RUNS {
        let mut hash = Sha256::new();
        for account in &accounts {
            hash.update(account.as_bytes());
            hash.update([0u8]);
        }
        let short: String = hash
            .finalize()
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("{}-accounts-{short}", accounts.len())
    } else {
        accounts.join("+")
    };
    let regions = if regions.is_empty() {
        "none".to_string()
    } else {
        regions.join("+")
    };
    format!("conform/{accounts}/{regions}/{}", input.collected_at)
}

fn rule_descriptor(rule: &RuleInfo) -> sarif::ReportingDescriptor {
    let mut properties = BTreeMap::new();
    properties.insert(
        "security-severity".to_string(),
        json!(security_severity(rule.severity)),
    );
    properties.insert("precision".to_string(), json!("very-high"));
    properties.insert("problem.severity".to_string(), json!(level(rule.severity)));
    properties.insert(
        "promise".to_string(),
        json!({ "file": rule.promise.file, "line": rule.promise.line, "text": rule.promise.text }),
    );
    if !rule.controls.is_empty() {
        properties.insert("controls".to_string(), json!(rule.controls));
    }
    let mut tags = vec!["security".to_string(), rule.area.clone(), "aws".to_string()];
    tags.extend(rule.checks.iter().cloned());
    tags.extend(rule.controls.iter().cloned());
    sarif::ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.title))
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(rule.title.clone())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(format!(
                    "{} Promise ({}:{}): {}",
                    rule.description, rule.promise.file, rule.promise.line, rule.promise.text
                ))
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(rule.help_markdown.clone())
                .markdown(rule.help_markdown.clone())
                .build(),
        )
        .help_uri(format!("{INFORMATION_URI}#rules"))
        .default_configuration(sarif::ReportingConfiguration {
            level: Some(json!(level(rule.severity))),
            ..Default::default()
        })
        .properties(sarif::PropertyBag {
            tags: Some(tags),
            additional_properties: properties,
        })
        .build()
}

/// "Logs kept 30 days" → "LogsKept30Days", "TLS listeners" →
/// "TlsListeners" (SARIF rule names are Pascal-case identifiers).
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        // Articles make runs of capitals ("AReplica") that are not Pascal case.
        .filter(|w| !w.is_empty() && !["a", "an", "the"].contains(&w.to_ascii_lowercase().as_str()))
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect()
}

fn result(finding: &Finding, rule_index: Option<usize>) -> sarif::Result {
    let r = &finding.resource;
    let evidence: Vec<String> = finding
        .evidence
        .iter()
        .map(|e| format!("{} = {} ({})", e.field, e.value, e.note))
        .collect();
    let mut text = format!(
        "{} {} in account {}, {}: {}",
        r.resource_type, r.name, r.account, r.region, finding.message
    );
    if !evidence.is_empty() {
        text.push_str(". Evidence: ");
        text.push_str(&evidence.join("; "));
    }
    let mut properties = BTreeMap::new();
    properties.insert("arn".to_string(), json!(r.arn));
    properties.insert("account".to_string(), json!(r.account));
    properties.insert("region".to_string(), json!(r.region));
    properties.insert("resourceType".to_string(), json!(r.resource_type));
    properties.insert("resourceName".to_string(), json!(r.name));
    properties.insert(
        "evidence".to_string(),
        serde_json::to_value(&finding.evidence).unwrap_or(Value::Null),
    );
    let location = sarif::Location {
        physical_location: Some(sarif::PhysicalLocation {
            artifact_location: Some(sarif::ArtifactLocation {
                uri: Some(finding.promise.file.clone()),
                uri_base_id: Some(SRCROOT.to_string()),
                ..Default::default()
            }),
            region: Some(sarif::Region {
                start_line: Some(i64::from(finding.promise.line)),
                ..Default::default()
            }),
            ..Default::default()
        }),
        logical_locations: Some(vec![sarif::LogicalLocation {
            fully_qualified_name: Some(r.arn.to_string()),
            name: Some(r.name.clone()),
            kind: Some("resource".to_string()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "primaryLocationLineHash".to_string(),
        fingerprint(&finding.rule_id, &r.account, &r.region, &r.arn),
    );
    let level = match finding.severity {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low => sarif::ResultLevel::Note,
    };
    if let Some(w) = &finding.waiver {
        properties.insert(
            "waiver".to_string(),
            serde_json::to_value(w).unwrap_or(Value::Null),
        );
    }
    if let Some(b) = finding.baseline {
        properties.insert("baseline".to_string(), json!(b.as_str()));
    }
    let mut result = sarif::Result::builder()
        .rule_id(finding.rule_id.to_string())
        .level(level)
        .message(sarif::Message {
            text: Some(text),
            ..Default::default()
        })
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(sarif::PropertyBag {
            tags: None,
            additional_properties: properties,
        })
        .build();
    result.rule_index = rule_index.map(|i| i as i64);
    // A waived failure stays a result, suppressed externally with the
    // waiver as justification: code scanning shows it dismissed, with the
    // reason, and does not count it as open.
    if finding.status == Status::Waived
        && let Some(w) = &finding.waiver
    {
        result.suppressions = Some(vec![suppression(w)]);
    }
    // With a baseline, SARIF's own result baselining.
    result.baseline_state = finding.baseline.map(|b| match b {
        crate::findings::BaselineState::New => json!("new"),
        crate::findings::BaselineState::Existing => json!("unchanged"),
    });
    result
}

fn suppression(w: &crate::waivers::WaiverRef) -> sarif::Suppression {
    let mut properties = BTreeMap::new();
    properties.insert("owner".to_string(), json!(w.owner));
    properties.insert("expires".to_string(), json!(w.expires.to_string()));
    properties.insert("waiver".to_string(), json!(w.location()));
    if let Some(t) = &w.ticket {
        properties.insert("ticket".to_string(), json!(t));
    }
    sarif::Suppression::builder()
        .kind(json!("external"))
        .status(json!("accepted"))
        .justification(w.justification())
        .properties(sarif::PropertyBag {
            tags: None,
            additional_properties: properties,
        })
        .build()
}

fn notification(
    level: &str,
    id: &str,
    text: String,
    properties: BTreeMap<String, Value>,
) -> sarif::Notification {
    sarif::Notification::builder()
        .level(json!(level))
        .message(sarif::Message {
            text: Some(text),
            ..Default::default()
        })
        .descriptor(sarif::ReportingDescriptorReference {
            id: Some(id.to_string()),
            ..Default::default()
        })
        .properties(sarif::PropertyBag {
            tags: None,
            additional_properties: properties,
        })
        .build()
}

/// Renders the SARIF log.
pub(super) fn render(input: &ReportInput<'_>) -> String {
    render_with_limits(input, MAX_RESULTS, MAX_GZIPPED_BYTES)
}

/// One run of the log before rendering: its category, its failures (most
/// severe first) and its notifications.
struct RunPlan<'a> {
    automation_id: String,
    failures: Vec<&'a Finding>,
    notifications: Vec<sarif::Notification>,
}

/// The accounts of a report: those scanned, and any a finding names.
fn accounts<'a>(input: &'a ReportInput<'_>) -> Vec<&'a str> {
    let mut accounts: Vec<&str> = input
        .scope
        .iter()
        .map(|s| s.account.as_str())
        .chain(
            input
                .evaluation
                .findings
                .iter()
                .map(|f| &*f.resource.account),
        )
        .chain(
            input
                .evaluation
                .passes_elsewhere
                .iter()
                .flat_map(|counts| counts.keys().map(|(_, account)| account.as_str())),
        )
        .collect();
    accounts.sort();
    accounts.dedup();
    accounts
}

/// The runs of the log: one per account for up to [`MAX_RUNS`] accounts
/// (each with only its account's results and notifications, and a
/// category of its own, so that GitHub keeps each account's alerts apart
/// however the accounts are split between uploads); one run for everything
/// beyond that ([`automation_id`] with the accounts folded into a count and
/// a hash, and a notification saying so).
fn plan<'a>(input: &'a ReportInput<'_>) -> Vec<RunPlan<'a>> {
    // Failures, open ones first and most severe first (the order GitHub's
    // limits cut in); waived failures are results too, suppressed.
    let mut failures: Vec<&Finding> = input
        .evaluation
        .findings
        .iter()
        .filter(|f| f.is_failure())
        .collect();
    failures.sort_by(|a, b| {
        (a.status == Status::Waived)
            .cmp(&(b.status == Status::Waived))
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let notifications = notifications(input);
    let accounts = accounts(input);
    if accounts.len() <= 1 || accounts.len() > MAX_RUNS {
        let mut notes: Vec<sarif::Notification> =
            notifications.into_iter().map(|(_, n)| n).collect();
        if accounts.len() > MAX_RUNS {
            notes.push(notification(
                "note",
                "accounts",
                format!(
                    "{} accounts are reported in one run: GitHub code scanning accepts at most                      {MAX_RUNS} runs per upload, so the accounts do not have a category each.                      Upload shards of at most {MAX_RUNS} accounts (conform merge) for one category per account.",
                    accounts.len()
                ),
                BTreeMap::new(),
            ));
        }
        return vec![RunPlan {
            automation_id: automation_id(input),
            failures,
            notifications: notes,
        }];
    }
    // Notifications of no account (about waivers) go to the first run.
    accounts
        .iter()
        .enumerate()
        .map(|(i, account)| RunPlan {
            automation_id: account_automation_id(input, account),
            failures: failures
                .iter()
                .filter(|f| f.resource.account == *account)
                .copied()
                .collect(),
            notifications: notifications
                .iter()
                .filter(|(a, _)| a == account || (i == 0 && a.is_empty()))
                .map(|(_, n)| n.clone())
                .collect(),
        })
        .collect()
}

/// The notifications of the report, each with its account: data that
/// could not be read, and unknown verdicts not already explained by it.
fn notifications(input: &ReportInput<'_>) -> Vec<(String, sarif::Notification)> {
    let mut notifications = Vec::new();
    for c in &input.coverage_errors {
        if let Some(e) = &c.error {
            let mut props = BTreeMap::new();
            props.insert("account".into(), json!(c.account));
            props.insert("region".into(), json!(c.region));
            props.insert("dataset".into(), json!(c.dataset.name()));
            props.insert("errorCode".into(), json!(e.code));
            notifications.push((
                c.account.clone(),
                notification(
                    "error",
                    "coverage",
                    format!(
                        "Could not read {} in account {} ({}): {e}. Rules that need it were not fully evaluated.",
                        c.dataset, c.account, c.region
                    ),
                    props,
                ),
            ));
        }
    }
    for f in input
        .evaluation
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
    {
        // Unknowns from unreadable datasets are already told above.
        if f.evidence.first().is_some_and(|e| e.field == "coverage") {
            continue;
        }
        let mut props = BTreeMap::new();
        props.insert("ruleId".into(), json!(f.rule_id));
        props.insert("arn".into(), json!(f.resource.arn));
        props.insert("account".into(), json!(f.resource.account));
        props.insert("region".into(), json!(f.resource.region));
        notifications.push((
            f.resource.account.to_string(),
            notification(
                "warning",
                "unknown",
                format!(
                    "{}: could not evaluate {} ({}): {}",
                    f.rule_id, f.resource.name, f.resource.arn, f.message
                ),
                props,
            ),
        ));
    }
    notifications.extend(
        waiver_notifications(input)
            .into_iter()
            .map(|n| (String::new(), n)),
    );
    notifications
}

/// Waivers that need attention: expired (their failures are open again),
/// expiring soon, stale and malformed.
fn waiver_notifications(input: &ReportInput<'_>) -> Vec<sarif::Notification> {
    let w = &input.waivers;
    let props = |waiver: &crate::waivers::WaiverRef| {
        let mut props = BTreeMap::new();
        props.insert("waiver".to_string(), json!(waiver.location()));
        props.insert("rule".to_string(), json!(waiver.rule));
        props.insert("resource".to_string(), json!(waiver.resource));
        props.insert("owner".to_string(), json!(waiver.owner));
        props.insert("expires".to_string(), json!(waiver.expires.to_string()));
        props
    };
    let mut notes = Vec::new();
    for e in &w.expired {
        notes.push(notification(
            "warning",
            "waiver-expired",
            format!(
                "Waiver {} (rule {}, {}) expired on {}: its failures are open again. Owner: {}.",
                e.location(),
                e.rule,
                e.resource,
                e.expires,
                e.owner
            ),
            props(e),
        ));
    }
    for e in &w.expiring {
        notes.push(notification(
            "note",
            "waiver-expiring",
            format!(
                "Waiver {} (rule {}, {}) expires on {}, within {} days. Owner: {}.",
                e.location(),
                e.rule,
                e.resource,
                e.expires,
                w.warn_days,
                e.owner
            ),
            props(e),
        ));
    }
    for e in &w.stale {
        notes.push(notification(
            "warning",
            "waiver-stale",
            format!(
                "Waiver {} (rule {}, {}) matches no failure: the resource was fixed or deleted, or the waiver has a typo.",
                e.location(),
                e.rule,
                e.resource
            ),
            props(e),
        ));
    }
    for i in &w.invalid {
        notes.push(notification(
            "warning",
            "waiver-malformed",
            format!(
                "Malformed waiver {}:{}:{}: {} (it waives nothing).",
                i.file, i.line, i.column, i.message
            ),
            BTreeMap::new(),
        ));
    }
    notes
}

pub(super) fn render_with_limits(
    input: &ReportInput<'_>,
    max_results: usize,
    max_gzipped: usize,
) -> String {
    let rule_index: BTreeMap<&str, usize> = input
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let plans = plan(input);
    // Results kept per run: at most GitHub's limit per run, then cut in
    // proportion (most severe kept) until the whole upload fits.
    let mut keep: Vec<usize> = plans
        .iter()
        .map(|p| p.failures.len().min(max_results))
        .collect();
    loop {
        let runs: Vec<sarif::Run> = plans
            .iter()
            .zip(&keep)
            .map(|(plan, &keep)| {
                let total = plan.failures.len();
                let results: Vec<sarif::Result> = plan.failures[..keep]
                    .iter()
                    .map(|f| result(f, rule_index.get(f.rule_id.as_str()).copied()))
                    .collect();
                let mut notes = plan.notifications.clone();
                if keep < total {
                    notes.push(notification(
                        "error",
                        "truncated",
                        format!(
                            "{} of {total} failing results were left out to stay within GitHub code scanning's limits \
                             ({max_results} results, {} MB gzipped); the most severe were kept. \
                             Use --format json for the complete list.",
                            total - keep,
                            max_gzipped / (1024 * 1024)
                        ),
                        BTreeMap::new(),
                    ));
                }
                run(input, &plan.automation_id, results, notes)
            })
            .collect();
        let text = log(runs);
        let size = gzipped_len(text.as_bytes());
        if size <= max_gzipped || keep.iter().all(|&k| k == 0) {
            return text;
        }
        // Shrink in proportion to the excess, and by at least one result
        // in every run that still has some.
        let ratio = max_gzipped as f64 / size as f64;
        for k in &mut keep {
            if *k > 0 {
                *k = ((*k as f64 * ratio * 0.95) as usize).min(*k - 1);
            }
        }
    }
}

/// The automation id of one account's run: `conform/<account>/<its
/// regions>/<collected_at>`.
fn account_automation_id(input: &ReportInput<'_>, account: &str) -> String {
    let mut regions: Vec<&str> = input
        .scope
        .iter()
        .filter(|s| s.account == account)
        .flat_map(|s| s.regions.iter().map(String::as_str))
        .collect();
    regions.sort();
    regions.dedup();
    let regions = if regions.is_empty() {
        "none".to_string()
    } else {
        regions.join("+")
    };
    format!("conform/{account}/{regions}/{}", input.collected_at)
}

fn run(
    input: &ReportInput<'_>,
    automation_id: &str,
    results: Vec<sarif::Result>,
    notifications: Vec<sarif::Notification>,
) -> sarif::Run {
    let mut invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .start_time_utc(input.collected_at.to_string())
        .build();
    invocation.end_time_utc = input.completed_at.map(|t| t.to_string());
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }
    let driver = sarif::ToolComponent::builder()
        .name("conform")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(input.rules.iter().map(rule_descriptor).collect::<Vec<_>>())
        .build();
    sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .automation_details(sarif::RunAutomationDetails {
            id: Some(automation_id.to_string()),
            ..Default::default()
        })
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build()
}

fn log(runs: Vec<sarif::Run>) -> String {
    let log = sarif::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(runs)
        .build();
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(bytes).is_err() {
        return usize::MAX;
    }
    encoder.finish().map(|v| v.len()).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::input;

    #[test]
    fn fingerprints_depend_on_identity_only() {
        let a = fingerprint(
            "NET-001",
            "111122223333",
            "eu-north-1",
            "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1",
        );
        assert_eq!(
            a,
            fingerprint(
                "NET-001",
                "111122223333",
                "eu-north-1",
                "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "NET-002",
                "111122223333",
                "eu-north-1",
                "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "NET-001",
                "111122223334",
                "eu-north-1",
                "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1"
            )
        );
        // No ambiguity from concatenation.
        assert_ne!(
            fingerprint("A", "B", "C", "D"),
            fingerprint("AB", "", "C", "D")
        );
        assert!(a.ends_with(":1"));
    }

    fn synthetic(n: usize) -> (crate::evaluate::Evaluation, Vec<RuleInfo>) {
        use crate::findings::{Evidence, ResourceRef};
        use crate::rules::Promise;
        let promise = Promise {
            file: "policy.md".into(),
            line: 3,
            related_lines: vec![],
            text: "Promise.".into(),
        };
        let severities = [
            Severity::Low,
            Severity::Critical,
            Severity::Medium,
            Severity::High,
        ];
        let rules: Vec<RuleInfo> = severities
            .iter()
            .map(|s| RuleInfo {
                id: format!("R-{s}"),
                title: format!("Rule {s}"),
                severity: *s,
                area: "test".into(),
                promise: promise.clone(),
                controls: vec![],
                checks: vec![],
                description: "d".into(),
                help_markdown: "h".into(),
            })
            .collect();
        let findings: Vec<Finding> = (0..n)
            .map(|i| {
                let severity = severities[i % severities.len()];
                Finding {
                    rule_id: format!("R-{severity}").into(),
                    severity,
                    status: Status::Fail,
                    resource: ResourceRef {
                        arn: format!("arn:aws:ec2:eu-north-1:111122223333:volume/vol-{i:08}")
                            .into(),
                        resource_type: "AWS::EC2::Volume".into(),
                        account: "111122223333".into(),
                        region: "eu-north-1".into(),
                        name: format!("vol-{i:08}"),
                        tags: Default::default(),
                    },
                    message: "not encrypted".into(),
                    evidence: vec![Evidence::new(
                        "Encrypted",
                        "false",
                        "the volume is not encrypted",
                    )],
                    promise: promise.clone().into(),
                    waiver: None,
                    baseline: None,
                }
            })
            .collect();
        let summary = Default::default();
        (
            crate::evaluate::Evaluation {
                findings,
                summary,
                set_aside: Default::default(),
                scope_warnings: Vec::new(),
                not_judged: Default::default(),
                passes_elsewhere: None,
            },
            rules,
        )
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn result_limit_keeps_the_most_severe_and_says_so() {
        let (evaluation, rules) = synthetic(40);
        let log = parse(&render_with_limits(
            &input(&evaluation, rules),
            10,
            MAX_GZIPPED_BYTES,
        ));
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 10);
        // 10 critical findings exist among 40 (one in four): all kept.
        assert!(
            results.iter().all(|r| r["ruleId"] == "R-critical"),
            "{results:?}"
        );
        let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(notes.iter().any(|n| {
            n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("30 of 40 failing results were left out")
        }));
    }

    #[test]
    fn size_limit_shrinks_until_it_fits() {
        let (evaluation, rules) = synthetic(400);
        let full = render_with_limits(
            &input(&evaluation, rules.clone()),
            MAX_RESULTS,
            MAX_GZIPPED_BYTES,
        );
        let full_size = gzipped_len(full.as_bytes());
        let limit = full_size / 3;
        let cut = render_with_limits(&input(&evaluation, rules), MAX_RESULTS, limit);
        assert!(gzipped_len(cut.as_bytes()) <= limit);
        let log = parse(&cut);
        let kept = log["runs"][0]["results"].as_array().unwrap().len();
        assert!(kept > 0 && kept < 400, "{kept}");
        assert!(log["runs"][0]["results"][0]["ruleId"] == "R-critical");
    }

    /// `synthetic(n)` with the findings spread over `accounts` accounts,
    /// and a scope naming them.
    fn spread(
        n: usize,
        accounts: usize,
    ) -> (
        crate::evaluate::Evaluation,
        Vec<RuleInfo>,
        Vec<crate::inventory::ScannedAccount>,
    ) {
        let (mut evaluation, rules) = synthetic(n);
        let ids: Vec<String> = (0..accounts)
            .map(|i| format!("{:012}", 100_000_000_000u64 + i as u64))
            .collect();
        for (i, f) in evaluation.findings.iter_mut().enumerate() {
            f.resource.account = ids[i % accounts].clone().into();
            f.resource.arn = f
                .resource
                .arn
                .replace("111122223333", &ids[i % accounts])
                .into();
        }
        let scope = ids
            .iter()
            .map(|id| crate::inventory::ScannedAccount {
                account: id.clone(),
                partition: "aws".into(),
                regions: vec!["eu-north-1".into()],
                error: None,
            })
            .collect();
        (evaluation, rules, scope)
    }

    #[test]
    fn one_run_per_account_up_to_the_limit() {
        let (evaluation, rules, scope) = spread(60, MAX_RUNS);
        let mut input = input(&evaluation, rules);
        input.scope = &scope;
        let log = parse(&render(&input));
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), MAX_RUNS);
        let mut total = 0;
        for (run, account) in runs.iter().zip(&scope) {
            assert_eq!(
                run["automationDetails"]["id"],
                format!(
                    "conform/{}/eu-north-1/2026-01-01T00:00:00Z",
                    account.account
                )
            );
            let results = run["results"].as_array().unwrap();
            assert!(
                results
                    .iter()
                    .all(|r| r["properties"]["account"] == account.account.as_str())
            );
            total += results.len();
        }
        assert_eq!(total, 60);
    }

    #[test]
    fn beyond_the_run_limit_one_run_with_a_stable_category() {
        let (evaluation, rules, scope) = spread(60, MAX_RUNS + 1);
        let mut input = input(&evaluation, rules);
        input.scope = &scope;
        let log = parse(&render(&input));
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0]["results"].as_array().unwrap().len(), 60);
        let id = runs[0]["automationDetails"]["id"].as_str().unwrap();
        let category = id.rsplit_once('/').unwrap().0;
        assert!(category.starts_with("conform/21-accounts-"), "{id}");
        assert!(category.ends_with("/eu-north-1"), "{id}");
        // Only the set of accounts decides the hash.
        let mut reversed = scope.clone();
        reversed.reverse();
        input.scope = &reversed;
        assert_eq!(automation_id(&input), id);
        let notes = runs[0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(notes.iter().any(|n| {
            n["descriptor"]["id"] == "accounts"
                && n["message"]["text"]
                    .as_str()
                    .unwrap()
                    .contains("21 accounts")
        }));
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(
            pascal_case("Log groups keep events at least 30 days"),
            "LogGroupsKeepEventsAtLeast30Days"
        );
        assert_eq!(pascal_case("tcp/80 and tcp/443"), "Tcp80AndTcp443");
        assert_eq!(
            pascal_case("TLS listeners use AES-128"),
            "TlsListenersUseAes128"
        );
    }
}
