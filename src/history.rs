//! History: a scan compared with an earlier one.
//!
//! - **Baselines** (`conform scan --baseline PREVIOUS.json`): every failure
//!   (waived or not) is marked **new** or **existing** by whether the
//!   baseline report had the same fingerprint (rule, account, region, ARN)
//!   failing or waived; failures of the baseline that now pass, or whose
//!   resource is gone from a place this scan read, are listed as **fixed**.
//! - **Diffs** (`conform diff OLD.json NEW.json`): what changed between two
//!   JSON reports ([`diff`]).
//!
//! A failure of the baseline is only called fixed when this scan could
//! have seen it: its account was scanned (without error), its region was
//! scanned, and no unknown verdict of its rule covers that account and
//! region. Otherwise it is neither fixed nor failing: conform cannot tell.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::findings::{BaselineState, Finding, Status};
use crate::inventory::{GLOBAL, ScannedAccount};
use crate::merge::JsonReport;
use crate::rules::Severity;

/// What a baseline comparison found, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineReport {
    /// The baseline report's file.
    pub source: String,
    /// When the baseline's data was collected.
    pub collected_at: String,
    /// Failures (waived or not) not failing in the baseline.
    pub new: usize,
    /// Failures already failing in the baseline.
    pub existing: usize,
    /// Failures of the baseline that this scan found fixed, as the
    /// baseline reported them.
    pub fixed: Vec<Finding>,
}

type Key = (String, String, String, String);

fn key(f: &Finding) -> Key {
    let (a, b, c, d) = f.fingerprint();
    (a.to_string(), b.to_string(), c.to_string(), d.to_string())
}

/// Marks `findings` new or existing against `baseline` and lists what was
/// fixed. `scope` is what this scan covered.
pub fn apply_baseline(
    findings: &mut [Finding],
    scope: &[ScannedAccount],
    rule_ids: &[&str],
    baseline: &JsonReport,
    source: &str,
) -> BaselineReport {
    let before: HashMap<Key, &Finding> = baseline
        .findings
        .iter()
        .filter(|f| f.is_failure())
        .map(|f| (key(f), f))
        .collect();
    let mut report = BaselineReport {
        source: source.to_string(),
        collected_at: baseline.collected_at.to_string(),
        ..Default::default()
    };
    for f in findings.iter_mut().filter(|f| f.is_failure()) {
        let state = if before.contains_key(&key(f)) {
            report.existing += 1;
            BaselineState::Existing
        } else {
            report.new += 1;
            BaselineState::New
        };
        f.baseline = Some(state);
    }
    report.fixed = fixed(&baseline.findings, findings, scope, rule_ids);
    report
}

/// Failures of `old` that `new` (covering `scope`, evaluated with the
/// rules `rule_ids`) shows fixed. A rule no longer evaluated fixes nothing.
pub fn fixed(
    old: &[Finding],
    new: &[Finding],
    scope: &[ScannedAccount],
    rule_ids: &[&str],
) -> Vec<Finding> {
    let now: HashMap<Key, &Finding> = new.iter().map(|f| (key(f), f)).collect();
    old.iter()
        .filter(|f| f.is_failure())
        .filter(|f| rule_ids.contains(&f.rule_id.as_str()))
        .filter(|f| match now.get(&key(f)) {
            Some(current) => current.status == Status::Pass,
            None => could_have_seen(f, new, scope),
        })
        .cloned()
        .collect()
}

/// Whether a scan of `scope` with verdicts `new` would have judged the
/// resource of `f`, had it still existed.
fn could_have_seen(f: &Finding, new: &[Finding], scope: &[ScannedAccount]) -> bool {
    let r = &f.resource;
    let scanned = scope.iter().any(|s| {
        s.account == r.account
            && s.error.is_none()
            && (r.region == GLOBAL || s.regions.iter().any(|x| *x == r.region))
    });
    let unread = new.iter().any(|u| {
        u.status == Status::Unknown
            && u.rule_id == f.rule_id
            && u.resource.account == r.account
            && u.resource.region == r.region
    });
    scanned && !unread
}

/// What changed between two reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    /// Failing now, and not failing (nor waived) before.
    pub new_failures: Vec<Finding>,
    /// Failing (or waived) before, passing now (or gone from a place the
    /// new scan read).
    pub fixed: Vec<Finding>,
    /// Failing before and now.
    pub still_failing: Vec<Finding>,
    /// Unknown now, and not unknown before.
    pub newly_unknown: Vec<Finding>,
    /// Waived now, and not waived before (the finding carries the waiver).
    pub waivers_started: Vec<Finding>,
    /// Waived before and failing now: the waiver expired or was removed
    /// (the finding carries the expired waiver when it expired).
    pub waivers_ended: Vec<Finding>,
    /// Waived before and now.
    pub still_waived: usize,
}

/// One of the two reports compared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub file: String,
    pub collected_at: String,
    pub failed: usize,
    pub waived: usize,
    pub unknown: usize,
    pub passed: usize,
}

impl Side {
    fn of(file: &str, report: &JsonReport) -> Side {
        let s = crate::evaluate::Summary::of(report.rules.len(), &report.findings);
        Side {
            file: file.to_string(),
            collected_at: report.collected_at.to_string(),
            failed: s.failed,
            waived: s.waived,
            unknown: s.unknown,
            passed: s.passed,
        }
    }
}

impl Diff {
    /// New failures (including those whose waiver ended) at or above a
    /// severity: what `conform diff --fail-on` gates on.
    pub fn failing_at_least(&self, threshold: Severity) -> usize {
        self.new_failures
            .iter()
            .chain(&self.waivers_ended)
            .filter(|f| f.severity >= threshold)
            .count()
    }
}

/// Compares two JSON reports.
pub fn diff(old_file: &str, old: &JsonReport, new_file: &str, new: &JsonReport) -> Diff {
    let before: BTreeMap<Key, &Finding> = old.findings.iter().map(|f| (key(f), f)).collect();
    let mut d = Diff {
        old: Side::of(old_file, old),
        new: Side::of(new_file, new),
        ..Default::default()
    };
    for f in new.findings.iter() {
        let was = before.get(&key(f)).map(|o| o.status);
        match (f.status, was) {
            (Status::Fail, Some(Status::Fail)) => d.still_failing.push(f.clone()),
            (Status::Fail, Some(Status::Waived)) => d.waivers_ended.push(f.clone()),
            (Status::Fail, _) => d.new_failures.push(f.clone()),
            (Status::Waived, Some(Status::Waived)) => d.still_waived += 1,
            (Status::Waived, _) => d.waivers_started.push(f.clone()),
            (Status::Unknown, Some(Status::Unknown)) => {}
            (Status::Unknown, _) => d.newly_unknown.push(f.clone()),
            (Status::Pass, _) => {}
        }
    }
    let rule_ids: Vec<&str> = new.rules.iter().map(|r| r.id.as_str()).collect();
    d.fixed = fixed(&old.findings, &new.findings, &new.scope, &rule_ids);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::ResourceRef;
    use crate::rules::Promise;

    fn f(rule: &str, id: &str, status: Status) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity: Severity::High,
            status,
            resource: ResourceRef {
                arn: format!("arn:aws:ec2:eu-north-1:111122223333:security-group/{id}").into(),
                resource_type: "AWS::EC2::SecurityGroup".into(),
                account: "111122223333".into(),
                region: "eu-north-1".into(),
                name: id.into(),
                tags: Default::default(),
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

    fn report(findings: Vec<Finding>, regions: &[&str]) -> JsonReport<'static> {
        JsonReport {
            schema: "conform-report".into(),
            schema_version: 1,
            tool: Default::default(),
            summary: Default::default(),
            rules_source: "t".into(),
            collected_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            completed_at: None,
            scope: vec![ScannedAccount {
                account: "111122223333".into(),
                partition: "aws".into(),
                regions: regions.iter().map(|r| r.to_string()).collect(),
                error: None,
            }]
            .into(),
            rules: vec![crate::report::RuleInfo {
                id: "NET-001".into(),
                title: "t".into(),
                severity: Severity::High,
                area: "network".into(),
                promise: Promise {
                    file: "p.md".into(),
                    line: 1,
                    related_lines: vec![],
                    text: "t".into(),
                },
                controls: vec![],
                checks: vec![],
                description: String::new(),
                help_markdown: String::new(),
            }]
            .into(),
            coverage_errors: vec![],
            findings: findings.into(),
            waivers: None,
            baseline: None,
            not_judged: Default::default(),
        }
    }

    #[test]
    fn baseline_marks_new_existing_and_fixed() {
        let old = report(
            vec![
                f("NET-001", "sg-1", Status::Fail),
                f("NET-001", "sg-2", Status::Waived),
                f("NET-001", "sg-3", Status::Fail),
                f("NET-001", "sg-gone", Status::Fail),
            ],
            &["eu-north-1"],
        );
        let mut now = vec![
            f("NET-001", "sg-1", Status::Fail),
            f("NET-001", "sg-2", Status::Fail),
            f("NET-001", "sg-3", Status::Pass),
            f("NET-001", "sg-4", Status::Fail),
        ];
        let scope = old.scope.clone();
        let b = apply_baseline(&mut now, &scope, &["NET-001"], &old, "old.json");
        let states: Vec<_> = now.iter().map(|f| f.baseline).collect();
        use BaselineState::*;
        assert_eq!(
            states,
            vec![Some(Existing), Some(Existing), None, Some(New)]
        );
        assert_eq!((b.new, b.existing), (1, 2));
        let fixed: Vec<&str> = b.fixed.iter().map(|f| f.resource.name.as_str()).collect();
        assert_eq!(fixed, vec!["sg-3", "sg-gone"]);
    }

    #[test]
    fn not_fixed_where_the_new_scan_could_not_see() {
        let old = report(vec![f("NET-001", "sg-1", Status::Fail)], &["eu-north-1"]);
        // The region was not scanned this time.
        let new = report(vec![f("NET-001", "sg-9", Status::Pass)], &["us-east-1"]);
        assert!(fixed(&old.findings, &new.findings, &new.scope, &["NET-001"]).is_empty());
        // The region was scanned but the rule's data could not be read.
        let mut gap = f("NET-001", "*", Status::Unknown);
        gap.resource.arn = "arn:aws:ec2:eu-north-1:111122223333:security-group/*".into();
        let new = report(vec![gap], &["eu-north-1"]);
        assert!(fixed(&old.findings, &new.findings, &new.scope, &["NET-001"]).is_empty());
    }

    #[test]
    fn diff_sorts_every_change() {
        let old = report(
            vec![
                f("NET-001", "fixed", Status::Fail),
                f("NET-001", "still", Status::Fail),
                f("NET-001", "expired", Status::Waived),
                f("NET-001", "accepted", Status::Fail),
                f("NET-001", "unread", Status::Pass),
                f("NET-001", "kept", Status::Waived),
            ],
            &["eu-north-1"],
        );
        let new = report(
            vec![
                f("NET-001", "fixed", Status::Pass),
                f("NET-001", "still", Status::Fail),
                f("NET-001", "expired", Status::Fail),
                f("NET-001", "accepted", Status::Waived),
                f("NET-001", "unread", Status::Unknown),
                f("NET-001", "kept", Status::Waived),
                f("NET-001", "brand-new", Status::Fail),
            ],
            &["eu-north-1"],
        );
        let d = diff("old.json", &old, "new.json", &new);
        let names =
            |v: &[Finding]| -> Vec<String> { v.iter().map(|f| f.resource.name.clone()).collect() };
        assert_eq!(names(&d.new_failures), vec!["brand-new"]);
        assert_eq!(names(&d.fixed), vec!["fixed"]);
        // A rule the new report no longer has fixes nothing.
        let mut without = new.clone();
        without.rules.to_mut().clear();
        assert!(
            diff("old.json", &old, "new.json", &without)
                .fixed
                .is_empty()
        );
        assert_eq!(names(&d.still_failing), vec!["still"]);
        assert_eq!(names(&d.waivers_ended), vec!["expired"]);
        assert_eq!(names(&d.waivers_started), vec!["accepted"]);
        assert_eq!(names(&d.newly_unknown), vec!["unread"]);
        assert_eq!(d.still_waived, 1);
        assert_eq!(d.failing_at_least(Severity::High), 2);
        assert_eq!(d.failing_at_least(Severity::Critical), 0);
    }
}
