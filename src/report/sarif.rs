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
//! - **Separate categories per scope**: `automationDetails.id` starts with
//!   the scanned accounts and regions, so uploads for different accounts do
//!   not replace each other's alerts.
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

/// The automation id: a category from the scanned scope (GitHub keeps one
/// set of alerts per category), then the run's own id.
pub fn automation_id(input: &ReportInput<'_>) -> String {
    let mut accounts: Vec<&str> = input.scope.iter().map(|s| s.account.as_str()).collect();
    accounts.sort();
    accounts.dedup();
    let mut regions: Vec<&str> = input
        .scope
        .iter()
        .flat_map(|s| s.regions.iter().map(String::as_str))
        .collect();
    regions.sort();
    regions.dedup();
    let accounts = if accounts.is_empty() {
        "none".to_string()
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
    let mut tags = vec!["security".to_string(), rule.area.clone(), "aws".to_string()];
    tags.extend(rule.checks.iter().cloned());
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
            fully_qualified_name: Some(r.arn.clone()),
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
    let mut result = sarif::Result::builder()
        .rule_id(finding.rule_id.clone())
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
    result
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

    // Failures, most severe first (the order GitHub's limits cut in).
    let mut failures: Vec<&Finding> = input
        .evaluation
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    failures.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let total = failures.len();

    let mut notifications = Vec::new();
    for c in &input.coverage_errors {
        if let Some(e) = &c.error {
            let mut props = BTreeMap::new();
            props.insert("account".into(), json!(c.account));
            props.insert("region".into(), json!(c.region));
            props.insert("dataset".into(), json!(c.dataset.name()));
            props.insert("errorCode".into(), json!(e.code));
            notifications.push(notification(
                "error",
                "coverage",
                format!(
                    "Could not read {} in account {} ({}): {e}. Rules that need it were not fully evaluated.",
                    c.dataset, c.account, c.region
                ),
                props,
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
        notifications.push(notification(
            "warning",
            "unknown",
            format!(
                "{}: could not evaluate {} ({}): {}",
                f.rule_id, f.resource.name, f.resource.arn, f.message
            ),
            props,
        ));
    }

    let mut keep = total.min(max_results);
    loop {
        let results: Vec<sarif::Result> = failures[..keep]
            .iter()
            .map(|f| result(f, rule_index.get(f.rule_id.as_str()).copied()))
            .collect();
        let mut notes = notifications.clone();
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
        let text = log(input, results, notes);
        let size = gzipped_len(text.as_bytes());
        if size <= max_gzipped || keep == 0 {
            return text;
        }
        // Shrink in proportion to the excess, and by at least one result.
        let ratio = max_gzipped as f64 / size as f64;
        keep = ((keep as f64 * ratio * 0.95) as usize).min(keep - 1);
    }
}

fn log(
    input: &ReportInput<'_>,
    results: Vec<sarif::Result>,
    notifications: Vec<sarif::Notification>,
) -> String {
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
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .automation_details(sarif::RunAutomationDetails {
            id: Some(automation_id(input)),
            ..Default::default()
        })
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    let log = sarif::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
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
                checks: vec![],
                description: "d".into(),
                help_markdown: "h".into(),
            })
            .collect();
        let findings: Vec<Finding> = (0..n)
            .map(|i| {
                let severity = severities[i % severities.len()];
                Finding {
                    rule_id: format!("R-{severity}"),
                    severity,
                    status: Status::Fail,
                    resource: ResourceRef {
                        arn: format!("arn:aws:ec2:eu-north-1:111122223333:volume/vol-{i:08}"),
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
                    promise: promise.clone(),
                }
            })
            .collect();
        let summary = Default::default();
        (crate::evaluate::Evaluation { findings, summary }, rules)
    }

    fn input<'a>(
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
        }
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
