//! Findings: the verdict of one rule on one resource, with its evidence.
//!
//! Checks produce [`Outcome`]s (a resource, a status and evidence); the
//! evaluator attaches the rule that asked (id, severity, promise) and turns
//! them into [`Finding`]s. Reporters only format findings: they never look
//! at the inventory again.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::inventory::{Sym, Tags};
use crate::rules::{Promise, Severity};
use crate::waivers::WaiverRef;

/// The verdict on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource breaks the promise.
    Fail,
    /// conform could not tell: the data it needed could not be read, or
    /// holds a value it cannot judge. Never counted as compliant.
    Unknown,
    /// The resource breaks the promise, and a waiver in force accepts the
    /// risk (the finding carries it). Does not count towards `--fail-on`.
    /// Only failures are waived: an unknown stays unknown.
    Waived,
    /// The resource keeps the promise.
    Pass,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Waived => "waived",
            Status::Pass => "pass",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How many verdicts there are of each status. Every count of findings
/// (the summary, and the tallies per account, rule and cell of the
/// reports) is made here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub failed: usize,
    pub unknown: usize,
    /// Failures a waiver accepts (not in `failed`).
    pub waived: usize,
    pub passed: usize,
}

impl Tally {
    /// The tally of `findings`.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Tally {
        let mut tally = Tally::default();
        for f in findings {
            tally.add(f.status);
        }
        tally
    }

    /// Counts one verdict.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Fail => self.failed += 1,
            Status::Unknown => self.unknown += 1,
            Status::Waived => self.waived += 1,
            Status::Pass => self.passed += 1,
        }
    }

    /// How many verdicts have `status`.
    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Fail => self.failed,
            Status::Unknown => self.unknown,
            Status::Waived => self.waived,
            Status::Pass => self.passed,
        }
    }

    /// Every verdict counted.
    pub fn total(&self) -> usize {
        self.failed + self.unknown + self.waived + self.passed
    }

    /// The worst status counted (fail, then unknown, then waived, then
    /// pass), which is what a group of verdicts shows as one; `None` when
    /// nothing was counted.
    pub fn worst(&self) -> Option<Status> {
        [Status::Fail, Status::Unknown, Status::Waived, Status::Pass]
            .into_iter()
            .find(|&s| self.count(s) > 0)
    }
}

/// The resource a verdict is about.
///
/// A scan of a million resources holds a million of these: what repeats
/// is not copied for each (type, account and region are [`Sym`]s, the tags
/// are shared with the inventory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    /// The resource's ARN. For settings that have no ARN of their own (a
    /// region's EBS encryption default) and for whole datasets that could
    /// not be read, an ARN-shaped name is built from the service, region
    /// and account (`arn:aws:ec2:eu-north-1:123456789012:security-group/*`).
    pub arn: crate::inventory::Text,
    /// CloudFormation-style resource type, e.g. `AWS::EC2::SecurityGroup`.
    #[serde(rename = "type")]
    pub resource_type: Sym,
    pub account: Sym,
    pub region: Sym,
    /// A human name (id or name), for display.
    pub name: String,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    /// The inventory's tags, shared with it (a copy is a reference count).
    pub tags: Tags,
}

/// Serde for a value shared between findings (the rule's promise, which
/// every finding of the rule carries): written and read as the value.
mod shared {
    use super::*;

    pub fn serialize<S: Serializer, T: Serialize>(value: &Arc<T>, s: S) -> Result<S::Ok, S::Error> {
        T::serialize(value, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Arc<T>, D::Error> {
        T::deserialize(d).map(Arc::new)
    }
}

/// One fact that supports a verdict: which field of the resource holds
/// which value, and what that means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Path to the field in AWS's terms, e.g. `IpPermissions[0]`.
    pub field: String,
    /// The value found there, as text.
    pub value: String,
    /// What it means for the promise.
    pub note: String,
}

impl Evidence {
    pub fn new(
        field: impl Into<String>,
        value: impl Into<String>,
        note: impl Into<String>,
    ) -> Self {
        Evidence {
            field: field.into(),
            value: value.into(),
            note: note.into(),
        }
    }
}

/// What a check says about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub resource: ResourceRef,
    pub status: Status,
    /// One line that says why.
    pub message: String,
    pub evidence: Vec<Evidence>,
}

impl Outcome {
    pub fn pass(resource: ResourceRef, message: impl Into<String>) -> Self {
        Outcome {
            resource,
            status: Status::Pass,
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    pub fn fail(
        resource: ResourceRef,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) -> Self {
        Outcome {
            resource,
            status: Status::Fail,
            message: message.into(),
            evidence,
        }
    }

    pub fn unknown(
        resource: ResourceRef,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) -> Self {
        Outcome {
            resource,
            status: Status::Unknown,
            message: message.into(),
            evidence,
        }
    }

    /// Adds a piece of evidence (also to passing outcomes, where it shows
    /// what was looked at).
    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }
}

/// One verdict on a resource that is judged in parts (its listeners,
/// permissions, addresses, flags, shards, ...). This is where the rule
/// "fail beats unknown beats pass" is written, once, for every check:
///
/// - [`Verdict::every`]: the resource keeps the promise only if every part
///   does. A part that fails fails it; otherwise a part that cannot be
///   judged makes it unknown (never a pass); otherwise it passes.
/// - [`Verdict::any`]: one part that keeps the promise is enough (a copy in
///   another region, a trail that logs everything). A part that passes
///   passes it; otherwise a part that cannot be judged makes it unknown;
///   otherwise it fails.
///
/// The outcome carries the evidence of the parts whose status it reached,
/// in the order they were given ([`Verdict::any`]: of every part; and see
/// [`Verdict::with_unknown_on_fail`]).
#[derive(Debug, Clone)]
pub struct Verdict {
    parts: Vec<(Status, Evidence)>,
    any: bool,
    unknown_on_fail: bool,
}

impl Verdict {
    /// Every part must keep the promise.
    pub fn every() -> Verdict {
        Verdict {
            parts: Vec::new(),
            any: false,
            unknown_on_fail: false,
        }
    }

    /// One part that keeps the promise is enough. The outcome carries the
    /// evidence of every part, whatever its status.
    pub fn any() -> Verdict {
        Verdict {
            any: true,
            ..Verdict::every()
        }
    }

    /// A failing outcome also carries the evidence of the parts that could
    /// not be judged (in the order given), not only of those that fail.
    pub fn with_unknown_on_fail(mut self) -> Verdict {
        self.unknown_on_fail = true;
        self
    }

    /// A part that breaks the promise.
    pub fn fail(&mut self, evidence: Evidence) {
        self.parts.push((Status::Fail, evidence));
    }

    /// A part that cannot be judged.
    pub fn unknown(&mut self, evidence: Evidence) {
        self.parts.push((Status::Unknown, evidence));
    }

    /// A part that keeps the promise, with what shows it (a passing part
    /// that needs no evidence need not be given).
    pub fn pass(&mut self, evidence: Evidence) {
        self.parts.push((Status::Pass, evidence));
    }

    fn has(&self, status: Status) -> bool {
        self.parts.iter().any(|(s, _)| *s == status)
    }

    /// The status the parts given so far add up to.
    pub fn status(&self) -> Status {
        let (first, last) = if self.any {
            (Status::Pass, Status::Fail)
        } else {
            (Status::Fail, Status::Pass)
        };
        if self.has(first) {
            first
        } else if self.has(Status::Unknown) {
            Status::Unknown
        } else {
            last
        }
    }

    /// The status reached and the evidence that shows it, for a check
    /// that weighs this verdict with more (what the resource is attached
    /// to) before it gives an outcome.
    pub fn into_evidence(self) -> (Status, Vec<Evidence>) {
        let status = self.status();
        let keep = |s: Status| {
            self.any
                || s == status
                || (self.unknown_on_fail && status == Status::Fail && s == Status::Unknown)
        };
        let evidence = self
            .parts
            .into_iter()
            .filter(|(s, _)| keep(*s))
            .map(|(_, e)| e)
            .collect();
        (status, evidence)
    }

    /// The outcome on `resource`. `message` gets the status reached and the
    /// evidence the outcome carries, and says why in one line.
    pub fn outcome(
        self,
        resource: ResourceRef,
        message: impl FnOnce(Status, &[Evidence]) -> String,
    ) -> Outcome {
        let (status, evidence) = self.into_evidence();
        Outcome {
            resource,
            status,
            message: message(status, &evidence),
            evidence,
        }
    }
}

/// A rule's verdict on one resource, ready to report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: Sym,
    pub severity: Severity,
    pub status: Status,
    pub resource: ResourceRef,
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// The rule's promise, one copy shared by the rule's findings.
    #[serde(with = "shared")]
    pub promise: Arc<Promise>,
    /// With status `waived`, the waiver that accepts the failure; with
    /// status `fail`, an expired waiver that matches it (it waives nothing
    /// any more). Absent otherwise (and in reports of older conform).
    /// Boxed: most findings have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverRef>>,
    /// With `--baseline`: whether a failure (or waived failure) was already
    /// failing in the baseline report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineState>,
}

/// A failure compared with a baseline report, by fingerprint (rule,
/// account, region, ARN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not failing in the baseline.
    New,
    /// Already failing (or waived) in the baseline.
    Existing,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Existing => "existing",
        }
    }
}

impl Finding {
    /// Whether the resource breaks the promise, accepted or not.
    pub fn is_failure(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Waived)
    }

    /// The identity of the (rule, resource) pair across scans.
    pub fn fingerprint(&self) -> (&str, &str, &str, &str) {
        (
            &self.rule_id,
            &self.resource.account,
            &self.resource.region,
            &self.resource.arn,
        )
    }

    /// The order findings are reported in: by rule, then status (failures
    /// first), then account, region and ARN.
    pub fn sort_key(&self) -> (&str, Status, &str, &str, &str) {
        (
            &self.rule_id,
            self.status,
            &self.resource.account,
            &self.resource.region,
            &self.resource.arn,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_each_status_and_shows_the_worst() {
        let mut t = Tally::default();
        assert_eq!(t.worst(), None);
        assert_eq!(t.total(), 0);
        for s in [Status::Pass, Status::Pass, Status::Waived] {
            t.add(s);
        }
        assert_eq!(t.worst(), Some(Status::Waived));
        t.add(Status::Unknown);
        assert_eq!(t.worst(), Some(Status::Unknown));
        t.add(Status::Fail);
        assert_eq!(t.worst(), Some(Status::Fail));
        assert_eq!(
            (t.failed, t.unknown, t.waived, t.passed, t.total()),
            (1, 1, 1, 2, 5)
        );
        for s in [Status::Fail, Status::Unknown, Status::Waived, Status::Pass] {
            assert_eq!(t.count(s), if s == Status::Pass { 2 } else { 1 });
        }
    }

    fn ev(note: &str) -> Evidence {
        Evidence::new("Field", "value", note)
    }

    fn resource() -> ResourceRef {
        ResourceRef {
            arn: "arn:aws:ec2:eu-north-1:123456789012:thing/t".into(),
            resource_type: "AWS::EC2::Thing".into(),
            account: "123456789012".into(),
            region: "eu-north-1".into(),
            name: "t".into(),
            tags: Tags::default(),
        }
    }

    fn judged(v: Verdict) -> (Status, Vec<String>, String) {
        let o = v.outcome(resource(), |s, e| format!("{s} with {}", e.len()));
        let notes = o.evidence.iter().map(|e| e.note.clone()).collect();
        (o.status, notes, o.message)
    }

    #[test]
    fn when_every_part_must_hold_fail_beats_unknown_beats_pass() {
        let (status, notes, message) = judged(Verdict::every());
        assert_eq!((status, notes.len()), (Status::Pass, 0));
        assert_eq!(message, "pass with 0");

        let mut v = Verdict::every();
        v.pass(ev("p1"));
        v.unknown(ev("u1"));
        v.fail(ev("f1"));
        v.unknown(ev("u2"));
        v.fail(ev("f2"));
        assert_eq!(v.status(), Status::Fail);
        let (status, notes, message) = judged(v.clone());
        assert_eq!(
            (status, notes),
            (Status::Fail, vec!["f1".into(), "f2".into()])
        );
        assert_eq!(message, "fail with 2");
        // Kept in the order given.
        let (_, notes, _) = judged(v.with_unknown_on_fail());
        assert_eq!(notes, ["u1", "f1", "u2", "f2"]);

        let mut v = Verdict::every();
        v.pass(ev("p1"));
        v.unknown(ev("u1"));
        assert_eq!(judged(v).0, Status::Unknown);
        let mut v = Verdict::every();
        v.pass(ev("p1"));
        assert_eq!(
            judged(v),
            (Status::Pass, vec!["p1".into()], "pass with 1".into())
        );
    }

    #[test]
    fn when_any_part_is_enough_pass_beats_unknown_beats_fail() {
        let mut v = Verdict::any();
        assert_eq!(v.status(), Status::Fail);
        v.fail(ev("f1"));
        v.unknown(ev("u1"));
        assert_eq!(v.status(), Status::Unknown);
        v.pass(ev("p1"));
        let (status, notes, _) = judged(v);
        assert_eq!(
            (status, notes),
            (Status::Pass, vec!["f1".into(), "u1".into(), "p1".into()])
        );
    }

    #[test]
    fn the_evidence_without_an_outcome_is_the_same_choice() {
        let mut v = Verdict::every();
        v.unknown(ev("u1"));
        v.pass(ev("p1"));
        let (status, evidence) = v.into_evidence();
        assert_eq!(status, Status::Unknown);
        assert_eq!(evidence, vec![ev("u1")]);
    }
}
