//! `conform merge`: one report from the JSON reports of disjoint shards.
//!
//! A large estate is scanned in shards (`conform scan --shard K/N`), each
//! writing a JSON report (`--format json`). Merging them gives what one scan
//! of every account would have reported: the findings of all shards in a
//! single scan's order, the summary recomputed from them, the union of the
//! scopes and coverage errors, collected from the earliest shard's start to
//! the latest shard's end. Any format can then be rendered from the merged
//! report ([`Merged::input`]), SARIF with one run per account.
//!
//! Merging refuses, as a usage error naming the files:
//! - a file that is not a conform JSON report of a version this conform
//!   reads;
//! - reports made with different rules (same ids, titles, severities,
//!   promises and checks are required): their verdicts do not add up;
//! - two reports that cover the same account: the shards overlap, and the
//!   account's findings would be counted twice.
//!
//! The JSON report does not carry the rules' documentation (descriptions,
//! help), which SARIF needs: it comes from the rule pack, matched by rule
//! id, and a rule the pack does not have is an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::error::Error;
use crate::evaluate::{Evaluation, Summary};
use crate::history::BaselineReport;
use crate::inventory::{Coverage, ScannedAccount};
use crate::report::{ReportInput, RuleInfo};
use crate::rules::RulePack;
use crate::waivers::WaiverReport;

/// The JSON report `conform merge` reads: the one type the JSON report is
/// written with.
pub use crate::report::json::JsonReport;

/// The merged report: what [`ReportInput`] borrows from.
#[derive(Debug, Clone)]
pub struct Merged {
    pub evaluation: Evaluation,
    pub rules: Vec<RuleInfo>,
    pub rules_origin: String,
    pub collected_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub scope: Vec<ScannedAccount>,
    pub coverage_errors: Vec<Coverage>,
    pub waivers: WaiverReport,
    pub baseline: Option<BaselineReport>,
}

impl Merged {
    /// The input of any reporter.
    pub fn input(&self) -> ReportInput<'_> {
        ReportInput {
            evaluation: &self.evaluation,
            rules: self.rules.clone(),
            rules_origin: self.rules_origin.clone(),
            collected_at: self.collected_at,
            completed_at: self.completed_at,
            scope: &self.scope,
            coverage_errors: self.coverage_errors.iter().collect(),
            show_passing: false,
            policies: Vec::new(),
            display: Default::default(),
            width: None,
            waivers: self.waivers.clone(),
            baseline: self.baseline.clone(),
            spilled_passes: None,
        }
    }
}

/// Merges `reports` (each with the file it came from), taking the rules'
/// documentation from `pack`.
pub fn merge(
    reports: Vec<(PathBuf, JsonReport<'static>)>,
    pack: &RulePack,
) -> Result<Merged, Error> {
    let Some((first_path, first)) = reports.first() else {
        return Err(Error::Usage(
            "conform merge needs at least one report".into(),
        ));
    };
    for (path, report) in &reports[1..] {
        if report.rules != first.rules {
            return Err(Error::Usage(format!(
                "{} and {} were made with different rules ({} and {}): merge only reports of one rule pack",
                first_path.display(),
                path.display(),
                describe(&first.rules),
                describe(&report.rules),
            )));
        }
    }
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, report) in &reports {
        for scanned in report.scope.iter() {
            if let Some(other) = owner.insert(&scanned.account, path) {
                return Err(Error::Usage(format!(
                    "{} and {} both cover account {}: merge only reports of disjoint shards",
                    other.display(),
                    path.display(),
                    scanned.account
                )));
            }
        }
    }

    let documented = RuleInfo::all(pack);
    let mut rules = first.rules.to_vec();
    for rule in &mut rules {
        let Some(doc) = documented.iter().find(|d| d.id == rule.id) else {
            return Err(Error::Usage(format!(
                "rule {} of {} is not in the rule pack ({}): pass the pack the scans used with --rules",
                rule.id,
                first_path.display(),
                pack.origin
            )));
        };
        rule.description = doc.description.clone();
        rule.help_markdown = doc.help_markdown.clone();
    }

    let rules_origin = first.rules_source.to_string();
    let collected_at = reports
        .iter()
        .map(|(_, r)| r.collected_at)
        .min()
        .unwrap_or(first.collected_at);
    // The merged scan finished when its last shard did; unknown if any
    // shard does not say.
    let completed_at = reports
        .iter()
        .map(|(_, r)| r.completed_at)
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().max());

    let (waivers, baseline) = merge_history(&reports);
    let mut scope = Vec::new();
    let mut coverage_errors = Vec::new();
    let mut findings = Vec::new();
    let mut not_judged: BTreeMap<String, crate::evaluate::NotJudgedCounts> = BTreeMap::new();
    for (_, report) in reports {
        for (rule, counts) in report.not_judged.iter() {
            let into = not_judged.entry(rule.clone()).or_default();
            for (why, n) in counts {
                *into.entry(why.clone()).or_default() += n;
            }
        }
        scope.extend(report.scope.into_owned());
        coverage_errors.extend(report.coverage_errors.into_iter().map(|c| c.into_owned()));
        findings.extend(report.findings.into_owned());
    }
    scope.sort_by(|a, b| a.account.cmp(&b.account));
    coverage_errors.sort_by(|a, b| {
        (&a.account, &a.region, a.dataset).cmp(&(&b.account, &b.region, b.dataset))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let summary = Summary::of(rules.len(), &findings);
    Ok(Merged {
        evaluation: Evaluation {
            findings,
            summary,
            set_aside: Default::default(),
            scope_warnings: Vec::new(),
            not_judged,
            passes_elsewhere: None,
        },
        rules,
        rules_origin,
        collected_at,
        completed_at,
        scope,
        coverage_errors,
        waivers,
        baseline,
    })
}

/// The shards' waiver and baseline summaries as one. Shards of one scan
/// apply the same waivers files to different accounts: a waiver is stale
/// only if it is stale in every shard that applied waivers; expired and
/// expiring ones are listed once; counts add up. Baselines: counts add up
/// and the fixed failures are joined.
fn merge_history(
    reports: &[(PathBuf, JsonReport<'static>)],
) -> (WaiverReport, Option<BaselineReport>) {
    let with_waivers: Vec<&WaiverReport> = reports
        .iter()
        .filter_map(|(_, r)| r.waivers.as_deref())
        .collect();
    let mut waivers = WaiverReport::default();
    let key = |w: &crate::waivers::WaiverRef| (w.file.clone(), w.line);
    let add_unique = |list: &mut Vec<crate::waivers::WaiverRef>, w: &crate::waivers::WaiverRef| {
        if !list.iter().any(|x| key(x) == key(w)) {
            list.push(w.clone());
        }
    };
    for w in &with_waivers {
        for f in &w.files {
            if !waivers.files.contains(f) {
                waivers.files.push(f.clone());
            }
        }
        waivers.count = waivers.count.max(w.count);
        waivers.waived += w.waived;
        waivers.warn_days = w.warn_days;
        for e in &w.expired {
            add_unique(&mut waivers.expired, e);
        }
        for e in &w.expiring {
            add_unique(&mut waivers.expiring, e);
        }
        for i in &w.invalid {
            if !waivers.invalid.contains(i) {
                waivers.invalid.push(i.clone());
            }
        }
    }
    waivers.as_of = with_waivers.iter().filter_map(|w| w.as_of).max();
    // Stale in the merged report: stale in a shard, and in every other
    // shard that applied waivers either stale too or outside its scope.
    for (_, report) in reports {
        let Some(w) = report.waivers.as_deref() else {
            continue;
        };
        for s in &w.stale {
            let everywhere = reports
                .iter()
                .all(|(_, other)| match other.waivers.as_deref() {
                    None => true,
                    Some(o) => {
                        o.stale.iter().any(|x| key(x) == key(s)) || !s.could_apply_to(&other.scope)
                    }
                });
            if everywhere && !waivers.stale.iter().any(|x| key(x) == key(s)) {
                waivers.stale.push(s.clone());
            }
        }
    }
    let baselines: Vec<&BaselineReport> = reports
        .iter()
        .filter_map(|(_, r)| r.baseline.as_deref())
        .collect();
    let baseline = baselines.first().map(|first| {
        let mut merged = BaselineReport {
            source: first.source.clone(),
            collected_at: first.collected_at.clone(),
            ..Default::default()
        };
        for b in &baselines {
            merged.new += b.new;
            merged.existing += b.existing;
            merged.fixed.extend(b.fixed.iter().cloned());
        }
        merged.fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        merged
    });
    (waivers, baseline)
}

/// "12 rules: NET-001, ..." for messages.
fn describe(rules: &[RuleInfo]) -> String {
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    format!("{} rules: {}", ids.len(), ids.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::waivers::WaiverRef;

    fn waiver(line: usize, resource: &str) -> WaiverRef {
        WaiverRef {
            file: "w.toml".into(),
            line,
            rule: "NET-001".into(),
            resource: resource.into(),
            account: None,
            region: None,
            tags: Default::default(),
            reason: "r".into(),
            owner: "o".into(),
            expires: "2027-01-01".parse().unwrap(),
            ticket: None,
            created: None,
        }
    }

    fn shard(account: &str, stale: Vec<WaiverRef>) -> (PathBuf, JsonReport<'static>) {
        let report = JsonReport {
            schema: crate::report::json::SCHEMA.into(),
            schema_version: crate::report::json::SCHEMA_VERSION,
            tool: Default::default(),
            rules_source: "t".into(),
            collected_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            completed_at: None,
            scope: vec![ScannedAccount {
                account: account.into(),
                partition: "aws".into(),
                regions: vec!["eu-north-1".into()],
                error: None,
            }]
            .into(),
            summary: Default::default(),
            rules: vec![].into(),
            coverage_errors: vec![],
            findings: vec![].into(),
            waivers: Some(std::borrow::Cow::Owned(WaiverReport {
                files: vec!["w.toml".into()],
                count: 2,
                stale,
                ..Default::default()
            })),
            baseline: None,
            not_judged: Default::default(),
        };
        (PathBuf::from(format!("{account}.json")), report)
    }

    #[test]
    fn a_waiver_is_stale_in_the_merge_only_where_no_shard_used_it() {
        let of_a = waiver(1, "arn:aws:ec2:eu-north-1:111111111111:security-group/sg-1");
        let any = waiver(8, "arn:aws:ec2:*:security-group/sg-2");
        // Shard A: both stale. Shard B: the first is out of its scope (so
        // not listed), the second matched there.
        let reports = vec![
            shard("111111111111", vec![of_a.clone(), any.clone()]),
            shard("222222222222", vec![]),
        ];
        let (waivers, _) = merge_history(&reports);
        assert_eq!(waivers.stale, vec![of_a]);
        assert_eq!(waivers.files, vec!["w.toml".to_string()]);
    }
}
