//! OCSF: one Compliance Finding event (class 2003, OCSF 1.5) per verdict,
//! as a JSON array, the way Prowler writes `json-ocsf`. The compliance
//! object carries the rule, the promise and the rule's controls; the
//! resource carries its ARN, type, region and tags; the evidence goes into
//! `evidences`. A waived failure is compliance Fail with the finding
//! status Suppressed, its `status_detail` the waiver (reason, owner,
//! expiry, ticket, file:line) and `unmapped.waiver` the waiver's fields.
//! serde_json escapes every string.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status};
use crate::rules::Severity;

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";
const CLASS_UID: u32 = 2003;
/// Activity 1: Create.
const ACTIVITY_ID: u32 = 1;

/// The compliance status of a verdict: OCSF's `compliance.status_id` and
/// its caption (Warning: "did not yield a result due to missing
/// information").
fn compliance_status(status: Status) -> (u32, &'static str) {
    match status {
        Status::Pass => (1, "Pass"),
        Status::Unknown => (2, "Warning"),
        // A waived failure still fails; the finding's status says it is
        // suppressed (an accepted risk).
        Status::Fail | Status::Waived => (3, "Fail"),
    }
}

fn severity(s: Severity) -> (u32, &'static str) {
    match s {
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// The frameworks of a list of controls (`ISO27001:2022/A.8.24` is of
/// `ISO27001:2022`), each once.
pub(crate) fn standards(controls: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in controls {
        let framework = c.split_once('/').map(|(f, _)| f).unwrap_or(c).to_string();
        if !out.contains(&framework) {
            out.push(framework);
        }
    }
    out
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`).
pub(crate) fn partition(arn: &str) -> &str {
    crate::inventory::Arn::partition_of(arn).unwrap_or("aws")
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let rules: HashMap<&str, &RuleInfo> = input.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let time_ms = input.collected_at.as_millisecond();
    let time_dt = input.collected_at.to_string();
    let events: Vec<Value> = input
        .evaluation
        .findings
        .iter()
        .map(|f| event(f, rules.get(f.rule_id.as_str()).copied(), time_ms, &time_dt))
        .collect();
    let mut out = serde_json::to_string_pretty(&events).unwrap_or_default();
    out.push('\n');
    out
}

fn event(f: &Finding, rule: Option<&RuleInfo>, time_ms: i64, time_dt: &str) -> Value {
    let r = &f.resource;
    let uid = super::sarif::fingerprint(&f.rule_id, &r.account, &r.region, &r.arn);
    let (severity_id, severity_name) = severity(f.severity);
    let (status_id, status_name) = compliance_status(f.status);
    let title = rule.map(|r| r.title.as_str()).unwrap_or(f.rule_id.as_str());
    let controls: &[String] = rule.map(|r| r.controls.as_slice()).unwrap_or(&[]);
    let labels: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let evidences: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| {
            json!({
                "name": e.field,
                "data": { "field": e.field, "value": e.value, "note": e.note },
            })
        })
        .collect();
    let mut promise_lines = vec![f.promise.line];
    promise_lines.extend(&f.promise.related_lines);
    let mut event = json!({
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "conform",
                "vendor_name": "conform",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "profiles": ["cloud"],
            "event_code": f.rule_id,
            "uid": uid,
        },
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "activity_id": ACTIVITY_ID,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_ID,
        "type_name": "Compliance Finding: Create",
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": if f.status == Status::Waived { 3 } else { 1 },
        "status": if f.status == Status::Waived { "Suppressed" } else { "New" },
        "status_code": f.status.as_str(),
        "status_detail": match (&f.waiver, f.status) {
            (Some(w), Status::Waived) => format!("waived: {}", w.justification()),
            _ => f.message.clone(),
        },
        "message": f.message,
        "time": time_ms,
        "time_dt": time_dt,
        "finding_info": {
            "uid": uid,
            "title": title,
            "desc": f.message,
            "types": rule.map(|r| vec![r.area.clone()]).unwrap_or_default(),
            "created_time": time_ms,
            "created_time_dt": time_dt,
        },
        "compliance": {
            "control": f.rule_id,
            "desc": format!("{}:{} «{}»", f.promise.file, f.promise.line, f.promise.text),
            "requirements": controls,
            "standards": standards(controls),
            "status_id": status_id,
            "status": status_name,
        },
        "cloud": {
            "provider": "AWS",
            "region": r.region,
            "account": { "uid": r.account, "type_id": 10, "type": "AWS Account" },
        },
        "resources": [{
            "uid": r.arn,
            "name": r.name,
            "type": r.resource_type,
            "region": r.region,
            "cloud_partition": partition(&r.arn),
            "labels": labels,
            "data": { "tags": r.tags },
        }],
        "evidences": evidences,
        "unmapped": {
            "promise": {
                "file": f.promise.file,
                "lines": promise_lines,
                "text": f.promise.text,
            },
        },
    });
    // The waiver a verdict carries (the one in force for a waived
    // failure, the expired one for a failure that fails again), with the
    // JSON report's fields.
    if let Some(w) = &f.waiver {
        event["unmapped"]["waiver"] = json!(w);
    }
    event
}
