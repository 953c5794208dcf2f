//! ASFF: findings in the AWS Security Finding Format, ready for Security
//! Hub's `BatchImportFindings`. Each line of the output is one complete
//! request body, `{"Findings": [...]}`, of at most 100 findings (the API's
//! limit), all of one region (the region Security Hub imports them into):
//!
//! ```sh
//! split -l 1 findings.asff batch. && for f in batch.*; do
//!   aws securityhub batch-import-findings --region "$(jq -r '.Findings[0].Region' "$f")" \
//!     --cli-input-json "file://$f"; done
//! ```
//!
//! conform itself stays read-only: it writes the file, it never imports.
//! Ids are the SARIF fingerprints (stable across scans, so a re-import
//! updates a finding instead of adding one); a passing resource is
//! PASSED with INFORMATIONAL severity, as Security Hub's own controls
//! report it; a verdict conform could not reach is WARNING. A waived
//! failure is FAILED with the workflow status SUPPRESSED, its waiver in
//! `Note` and in the `conform/Waiver/*` product fields (which a failure
//! under an expired waiver carries too).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::{ReportInput, RuleInfo};
use crate::findings::{Finding, Status};
use crate::inventory::GLOBAL;
use crate::rules::Severity;

/// Findings per `BatchImportFindings` request (the API's maximum).
pub const BATCH: usize = 100;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const PRODUCT_FIELD_MAX: usize = 2048;
const PRODUCT_FIELDS_MAX: usize = 50;
const REQUIREMENTS_MAX: usize = 32;
/// `Note.Text` and `Note.UpdatedBy`.
const NOTE_MAX: usize = 512;

/// `Compliance.Status` of a verdict.
fn compliance_status(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASSED",
        Status::Unknown => "WARNING",
        // A waived failure still fails the control; its workflow says
        // the risk is accepted.
        Status::Fail | Status::Waived => "FAILED",
    }
}

/// `Severity.Label`: the rule's severity when the promise is not kept.
fn severity_label(status: Status, severity: Severity) -> &'static str {
    match (status, severity) {
        (Status::Pass, _) => "INFORMATIONAL",
        (_, Severity::Critical) => "CRITICAL",
        (_, Severity::High) => "HIGH",
        (_, Severity::Medium) => "MEDIUM",
        (_, Severity::Low) => "LOW",
    }
}

/// ASFF's name of a CloudFormation resource type, where Security Hub has
/// one; `Other` otherwise (what ASFF asks for).
fn resource_type(cfn: &str) -> &'static str {
    match cfn {
        "AWS::AutoScaling::AutoScalingGroup" => "AwsAutoScalingAutoScalingGroup",
        "AWS::CloudTrail::Trail" => "AwsCloudTrailTrail",
        "AWS::EC2::Instance" => "AwsEc2Instance",
        "AWS::EC2::NetworkAcl" => "AwsEc2NetworkAcl",
        "AWS::EC2::NetworkInterface" => "AwsEc2NetworkInterface",
        "AWS::EC2::SecurityGroup" => "AwsEc2SecurityGroup",
        "AWS::EC2::Volume" => "AwsEc2Volume",
        "AWS::ElasticLoadBalancing::LoadBalancer" => "AwsElbLoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => "AwsElbv2LoadBalancer",
        "AWS::RDS::DBCluster" => "AwsRdsDbCluster",
        "AWS::RDS::DBClusterSnapshot" => "AwsRdsDbClusterSnapshot",
        "AWS::RDS::DBInstance" => "AwsRdsDbInstance",
        "AWS::RDS::DBSnapshot" => "AwsRdsDbSnapshot",
        "AWS::S3::Bucket" => "AwsS3Bucket",
        _ => "Other",
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub(super) fn render(input: &ReportInput<'_>) -> String {
    let rules: HashMap<&str, &RuleInfo> = input.rules.iter().map(|r| (r.id.as_str(), r)).collect();
    // The region a global resource's finding is imported into: its
    // account's first scanned region.
    let home: HashMap<&str, &str> = input
        .scope
        .iter()
        .filter_map(|s| s.regions.first().map(|r| (s.account.as_str(), r.as_str())))
        .collect();
    let at = input
        .collected_at
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let mut by_region: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for f in &input.evaluation.findings {
        let r = &f.resource;
        let region = if r.region == GLOBAL || r.region.is_empty() {
            home.get(&*r.account).copied().unwrap_or("us-east-1")
        } else {
            &*r.region
        };
        by_region
            .entry(region.to_string())
            .or_default()
            .push(finding(
                f,
                rules.get(f.rule_id.as_str()).copied(),
                region,
                &at,
            ));
    }
    let mut out = String::new();
    for findings in by_region.values() {
        for batch in findings.chunks(BATCH) {
            out.push_str(&serde_json::to_string(&json!({ "Findings": batch })).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

fn finding(f: &Finding, rule: Option<&RuleInfo>, region: &str, at: &str) -> Value {
    let r = &f.resource;
    let partition = super::ocsf::partition(&r.arn);
    let id = super::sarif::fingerprint(&f.rule_id, &r.account, &r.region, &r.arn);
    let title = rule.map(|r| r.title.as_str()).unwrap_or(f.rule_id.as_str());
    let mut description = format!(
        "{}: {} Policy {}:{}",
        f.rule_id, f.message, f.promise.file, f.promise.line
    );
    for l in &f.promise.related_lines {
        description.push_str(&format!(",{l}"));
    }
    description.push_str(&format!(" «{}»", f.promise.text));
    let controls: Vec<String> = rule
        .map(|r| r.controls.iter().take(REQUIREMENTS_MAX).cloned().collect())
        .unwrap_or_default();
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    fields.insert("conform/RuleId".into(), f.rule_id.to_string());
    fields.insert("conform/Status".into(), f.status.as_str().into());
    fields.insert(
        "conform/Promise".into(),
        clip(
            &format!("{}:{}", f.promise.file, f.promise.line),
            PRODUCT_FIELD_MAX,
        ),
    );
    fields.insert(
        "conform/ResourceName".into(),
        clip(&r.name, PRODUCT_FIELD_MAX),
    );
    fields.insert("conform/ResourceType".into(), r.resource_type.to_string());
    if let Some(w) = &f.waiver {
        let mut waiver = vec![
            ("Reason", w.reason.clone()),
            ("Owner", w.owner.clone()),
            ("Expires", w.expires.to_string()),
            ("File", w.location()),
        ];
        if let Some(t) = &w.ticket {
            waiver.push(("Ticket", t.clone()));
        }
        for (key, value) in waiver {
            fields.insert(
                format!("conform/Waiver/{key}"),
                clip(&value, PRODUCT_FIELD_MAX),
            );
        }
    }
    for (i, e) in f.evidence.iter().enumerate() {
        if fields.len() >= PRODUCT_FIELDS_MAX {
            break;
        }
        fields.insert(
            format!("conform/Evidence/{}", i + 1),
            clip(
                &format!("{} = {} ({})", e.field, e.value, e.note),
                PRODUCT_FIELD_MAX,
            ),
        );
    }
    let mut resource = json!({
        "Type": resource_type(&r.resource_type),
        "Id": r.arn,
        "Partition": partition,
        "Region": region,
    });
    if !r.tags.is_empty() {
        resource["Tags"] = json!(r.tags);
    }
    let mut compliance = json!({ "Status": compliance_status(f.status) });
    if !controls.is_empty() {
        compliance["RelatedRequirements"] = json!(controls);
    }
    let mut finding = json!({
        "SchemaVersion": "2018-10-08",
        "Id": id,
        "ProductArn": crate::inventory::Arn {
            partition,
            service: "securityhub",
            region,
            account: &r.account,
            resource: &format!("product/{}/default", r.account),
        }
        .to_string(),
        "ProductName": "conform",
        "CompanyName": "conform",
        "GeneratorId": format!("conform/{}", f.rule_id),
        "AwsAccountId": r.account,
        "Region": region,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": at,
        "UpdatedAt": at,
        "Severity": {
            "Label": severity_label(f.status, f.severity),
            "Original": f.severity.as_str(),
        },
        "Title": clip(&format!("{} {}", f.rule_id, title), TITLE_MAX),
        "Description": clip(&description, DESCRIPTION_MAX),
        "ProductFields": fields,
        "Resources": [resource],
        "Compliance": compliance,
        "RecordState": "ACTIVE",
        "Workflow": { "Status": match f.status {
            Status::Pass => "RESOLVED",
            Status::Waived => "SUPPRESSED",
            Status::Fail | Status::Unknown => "NEW",
        } },
    });
    // A waived failure's note is its waiver, as a Security Hub user who
    // suppressed it by hand would write it.
    if let (Some(w), Status::Waived) = (&f.waiver, f.status) {
        finding["Note"] = json!({
            "Text": clip(&format!("Waived: {}", w.justification()), NOTE_MAX),
            "UpdatedBy": clip(&w.owner, NOTE_MAX),
            "UpdatedAt": at,
        });
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("åäö", 3), "åäö");
        assert_eq!(clip("åäöx", 3), "åä…");
    }
}
