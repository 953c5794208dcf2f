//! Evaluation: runs every rule's checks over an inventory, in parallel, and
//! turns their outcomes into findings.
//!
//! The evaluator adds what checks leave to it:
//! - **scope**: only resources inside a rule's `scope` and outside its
//!   `exclude` are kept;
//! - **coverage**: where a dataset a check judges could not be read (or was
//!   not collected) for an account and region, the rule's verdict there is
//!   *unknown*, with the AWS error as evidence. Missing data never passes;
//! - **one verdict per (rule, resource)**: when two checks of a rule judge
//!   the same resource, the worse verdict wins and the evidence is joined;
//! - a stable order.

use std::collections::BTreeMap;

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;

use crate::checks::Context;
use crate::findings::{Evidence, Finding, Outcome, ResourceRef, Status, Tally};
use crate::inventory::{Arn, Dataset, GLOBAL, Inventory, Sym, Text};
use crate::rules::{Rule, RulePack, ScopeWarning, Severity, Watch};

/// The result of evaluating a pack over an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Per rule id, the resources its checks judged but its (or a check's)
    /// `scope` or `exclude` set aside, so that a report can say why a rule
    /// judged nothing. Empty for reports read back from JSON (merge).
    #[serde(skip)]
    pub set_aside: BTreeMap<String, SetAside>,
    /// Scopes and excludes that matched none of the resources judged
    /// (warnings). Empty for reports read back from JSON (merge).
    #[serde(skip)]
    pub scope_warnings: Vec<ScopeWarning>,
    /// Per rule id, the resources inside its scope that its checks looked
    /// at and deliberately did not judge (and no other check of the rule
    /// judged), counted per reason ("read replica, judged through its
    /// primary"). Rules with none are absent. Carried by the JSON report
    /// (`not_judged`), so merge keeps them.
    #[serde(skip)]
    pub not_judged: BTreeMap<String, NotJudgedCounts>,
    /// When passing verdicts are not held in `findings` ([`Passes`]): how
    /// many each rule gave in each account. `None` when every verdict is in
    /// `findings`. The summary counts them either way.
    #[serde(skip)]
    pub passes_elsewhere: Option<PassCounts>,
}

/// (rule id, account) -> passing verdicts of that rule in that account.
pub type PassCounts = BTreeMap<(Sym, Sym), usize>;

/// What the evaluation does with passing verdicts. A scan of 10^6
/// resources gives about 1.1 million of them; most reports only count
/// them, and holding them is most of a large scan's memory.
#[derive(Clone, Copy, Default)]
pub enum Passes<'a> {
    /// Held in [`Evaluation::findings`] with the others.
    #[default]
    Keep,
    /// Counted per rule and account ([`Evaluation::passes_elsewhere`]),
    /// then given to `sink` if there is one (the JSON report writes them
    /// out as it goes), and dropped.
    Elsewhere(Option<&'a dyn PassSink>),
}

/// Takes the passing verdicts of an evaluation that does not hold them.
pub trait PassSink: Sync {
    /// One rule's passing verdicts, in the report's order. Called once per
    /// rule that has any, for rules in any order and from several threads.
    fn take(&self, rule_id: Sym, passes: &[Finding]);
}

impl Evaluation {
    /// Passing verdicts of `rule_id` that are not in `findings`.
    pub fn passes_elsewhere_of_rule(&self, rule_id: &str) -> usize {
        self.passes_elsewhere_where(|rule, _| rule == rule_id)
    }

    /// Passing verdicts in `account` that are not in `findings`.
    pub fn passes_elsewhere_in_account(&self, account: &str) -> usize {
        self.passes_elsewhere_where(|_, a| a == account)
    }

    /// Passing verdicts not in `findings` whose (rule id, account) `keep`s.
    fn passes_elsewhere_where(&self, keep: impl Fn(Sym, Sym) -> bool) -> usize {
        self.passes_elsewhere.as_ref().map_or(0, |counts| {
            counts
                .iter()
                .filter(|((rule, account), _)| keep(*rule, *account))
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Counts the findings again after their statuses changed (waivers
    /// turn failures into waived ones); passes held elsewhere and the
    /// resources judged do not change.
    pub fn recount(&mut self, rules: usize) {
        let summary = Summary::of(rules, &self.findings);
        if self.passes_elsewhere.is_some() {
            self.summary = Summary {
                resources: self.summary.resources,
                passed: self.summary.passed,
                ..summary
            };
        } else {
            self.summary = summary;
        }
    }
}

/// Reason -> how many distinct resources a rule's checks did not judge
/// for it.
pub type NotJudgedCounts = BTreeMap<String, usize>;

/// Distinct resources of one rule that a scope or an exclusion set aside
/// (and no other check of the rule judged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetAside {
    /// Outside the rule's or the check's `scope`.
    pub out_of_scope: usize,
    /// Inside the scope, but matched by an `exclude`.
    pub excluded: usize,
}

/// Counts over the findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Summary {
    pub rules: usize,
    /// Distinct resources judged by at least one rule.
    pub resources: usize,
    pub failed: usize,
    pub unknown: usize,
    pub passed: usize,
    /// Failures a waiver accepts (not in `failed`).
    #[serde(default)]
    pub waived: usize,
    /// Failures by severity, most severe first.
    pub failed_by_severity: BTreeMap<Severity, usize>,
}

impl Summary {
    /// The counts over `findings`, judged by `rules` rules (also used to
    /// recompute the summary of merged reports).
    pub fn of(rules: usize, findings: &[Finding]) -> Summary {
        Summary::counted(rules, findings, &[])
    }

    /// [`Summary::of`] for findings of which the passing ones are not
    /// held: `passes` counts them and `pass_arns` are their resources.
    pub fn of_parts(
        rules: usize,
        findings: &[Finding],
        passes: &PassCounts,
        pass_arns: &[Text],
    ) -> Summary {
        let mut summary = Summary::counted(rules, findings, pass_arns);
        summary.passed += passes.values().sum::<usize>();
        summary
    }

    /// The counts over `findings`; the resources judged are theirs and
    /// `more_arns`.
    fn counted(rules: usize, findings: &[Finding], more_arns: &[Text]) -> Summary {
        let mut summary = Summary {
            rules,
            ..Default::default()
        };
        let mut resources: foldhash::HashSet<&str> = foldhash::HashSet::default();
        resources.reserve(findings.len() + more_arns.len());
        resources.extend(more_arns.iter().map(Text::as_str));
        let mut tally = Tally::default();
        for f in findings {
            resources.insert(f.resource.arn.as_str());
            tally.add(f.status);
            if f.status == Status::Fail {
                *summary.failed_by_severity.entry(f.severity).or_default() += 1;
            }
        }
        summary.failed = tally.failed;
        summary.unknown = tally.unknown;
        summary.waived = tally.waived;
        summary.passed = tally.passed;
        summary.resources = resources.len();
        summary
    }

    /// Failures at or above a severity.
    pub fn failed_at_least(&self, threshold: Severity) -> usize {
        self.failed_by_severity
            .iter()
            .filter(|(s, _)| **s >= threshold)
            .map(|(_, n)| n)
            .sum()
    }
}

/// Evaluates every rule of `pack` over `inventory`. Ages are measured
/// against `now`, or the inventory's collection time when `None`.
pub fn evaluate(pack: &RulePack, inventory: &Inventory, now: Option<Timestamp>) -> Evaluation {
    evaluate_with(pack, inventory, now, Passes::Keep)
}

/// [`evaluate`], with what to do with passing verdicts.
pub fn evaluate_with(
    pack: &RulePack,
    inventory: &Inventory,
    now: Option<Timestamp>,
    passes: Passes<'_>,
) -> Evaluation {
    let beyond = BeyondScan::of(inventory);
    // Passes are set apart only where each rule's findings are a block of
    // the report of their own (ids unique, which a loaded pack's are).
    let mut ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let unique_ids = ids.windows(2).all(|w| w[0] != w[1]);
    let passes = if unique_ids { passes } else { Passes::Keep };
    let ctx = Context {
        addresses: pack.addresses.clone(),
        now: now.unwrap_or(inventory.collected_at),
        // Passes only counted: nobody reads their words.
        pass_detail: !matches!(passes, Passes::Elsewhere(None)),
        orders: Default::default(),
    };
    let per_rule: Vec<(RuleResult, Option<PassesSetApart>)> = pack
        .rules
        .par_iter()
        .map(|rule| {
            let mut result = evaluate_rule(&ctx, rule, inventory, &beyond);
            let apart = match passes {
                Passes::Keep => None,
                Passes::Elsewhere(sink) => {
                    Some(set_passes_apart(Sym::new(&rule.id), &mut result.0, sink))
                }
            };
            (result, apart)
        })
        .collect();
    let mut pass_counts = PassCounts::new();
    let mut pass_arns: Vec<Text> = Vec::new();
    let mut per_rule: Vec<RuleResult> = per_rule
        .into_iter()
        .map(|(result, apart)| {
            if let Some(apart) = apart {
                for (account, n) in apart.by_account {
                    *pass_counts.entry((apart.rule_id, account)).or_default() += n;
                }
                pass_arns.extend(apart.arns);
            }
            result
        })
        .collect();
    let total: usize = per_rule.iter().map(|r| r.0.len()).sum();
    let mut set_aside = BTreeMap::new();
    let mut scope_warnings = Vec::new();
    let mut not_judged = BTreeMap::new();
    let mut by_rule = Vec::with_capacity(per_rule.len());
    for (rule, (rule_findings, aside, warnings, skipped)) in
        pack.rules.iter().zip(per_rule.drain(..))
    {
        by_rule.push((rule.id.as_str(), rule_findings));
        scope_warnings.extend(warnings);
        if aside != SetAside::default() {
            set_aside.insert(rule.id.clone(), aside);
        }
        if !skipped.is_empty() {
            not_judged.insert(rule.id.clone(), skipped);
        }
    }
    // Each rule's findings are sorted already: in the order of the rules'
    // ids they are the report's order (by rule, then status, account,
    // region and ARN), without sorting all the findings again.
    by_rule.sort_by(|a, b| a.0.cmp(b.0));
    // The first rule's list grows into the whole list and the others are
    // moved into it one by one, each freed as it goes: the verdicts are
    // never held twice (at 10^7 resources a second copy was 2.3 GB).
    let mut by_rule = by_rule.into_iter().map(|(_, rule_findings)| rule_findings);
    let mut findings = by_rule.next().unwrap_or_default();
    findings.reserve_exact(total - findings.len());
    for rule_findings in by_rule {
        findings.extend(rule_findings);
    }
    if !unique_ids {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let passes_elsewhere = match passes {
        Passes::Keep => None,
        Passes::Elsewhere(_) => Some(pass_counts),
    };
    let summary = match &passes_elsewhere {
        None => Summary::of(pack.rules.len(), &findings),
        Some(counts) => Summary::of_parts(pack.rules.len(), &findings, counts, &pass_arns),
    };
    Evaluation {
        findings,
        summary,
        set_aside,
        scope_warnings,
        not_judged,
        passes_elsewhere,
    }
}

/// What [`set_passes_apart`] took out of one rule's findings.
struct PassesSetApart {
    rule_id: Sym,
    by_account: BTreeMap<Sym, usize>,
    /// The ARNs of the passing verdicts (shared, not copied), for the
    /// summary's count of resources judged.
    arns: Vec<Text>,
}

/// Takes the passing verdicts out of one rule's sorted findings (they are
/// its last block: a pass is the last status in the report's order),
/// counts them, hands them to `sink` and drops them.
fn set_passes_apart(
    rule_id: Sym,
    findings: &mut Vec<Finding>,
    sink: Option<&dyn PassSink>,
) -> PassesSetApart {
    let first_pass = findings.partition_point(|f| f.status != Status::Pass);
    let mut apart = PassesSetApart {
        rule_id,
        by_account: BTreeMap::new(),
        arns: Vec::with_capacity(findings.len() - first_pass),
    };
    for f in &findings[first_pass..] {
        *apart.by_account.entry(f.resource.account).or_default() += 1;
        apart.arns.push(f.resource.arn.clone());
    }
    if let Some(sink) = sink
        && first_pass < findings.len()
    {
        sink.take(apart.rule_id, &findings[first_pass..]);
    }
    findings.truncate(first_pass);
    findings.shrink_to_fit();
    apart
}

/// One rule's findings, what its scopes set aside, its scope warnings and
/// what its checks did not judge.
type RuleResult = (Vec<Finding>, SetAside, Vec<ScopeWarning>, NotJudgedCounts);

/// The places (account, region) read only for checks that judge where
/// resources are (data residency reads its kinds in every enabled region,
/// whatever the scan's regions): other checks do not judge resources
/// there, so that `--region` means for them what it always meant. Empty,
/// and free, for an inventory read in the scan's regions only.
struct BeyondScan<'a>(std::collections::HashSet<(&'a str, &'a str)>);

impl<'a> BeyondScan<'a> {
    fn of(inventory: &'a Inventory) -> Self {
        if inventory.enabled_regions.is_empty() {
            // Only a scan that listed the enabled regions reads beyond.
            return BeyondScan(Default::default());
        }
        let scanned: std::collections::HashSet<(&str, &str)> = inventory
            .scope
            .iter()
            .flat_map(|s| s.regions.iter().map(|r| (s.account.as_str(), r.as_str())))
            .collect();
        BeyondScan(
            inventory
                .coverage
                .iter()
                .map(|c| (c.account.as_str(), c.region.as_str()))
                .filter(|&(account, region)| {
                    region != GLOBAL && !scanned.contains(&(account, region))
                })
                .collect(),
        )
    }

    /// Whether `check` must pass over resource `r`: a resource of a
    /// regional kind, in a place read only for other checks.
    fn hides(&self, check: &dyn crate::checks::BoundCheck, r: &ResourceRef) -> bool {
        !self.0.is_empty()
            && !check.every_region()
            && self.0.contains(&(&*r.account, &*r.region))
            && !Dataset::KINDS.iter().any(|k| {
                k.resource_type == r.resource_type && k.scope == crate::inventory::Scope::Global
            })
    }
}

fn evaluate_rule(
    ctx: &Context,
    rule: &Rule,
    inventory: &Inventory,
    beyond: &BeyondScan<'_>,
) -> RuleResult {
    // Which scopes match anything, to warn about those that match nothing.
    let mut rule_watch = [
        Watch::new(&rule.scope, "scope"),
        Watch::new(&rule.exclude, "exclude"),
    ];
    let (mut judged, mut warnings) = (0, Vec::new());
    // ARN -> excluded (true) or out of scope (false).
    let mut aside: BTreeMap<Text, bool> = BTreeMap::new();
    // The outcomes kept, in the order the checks gave them; joined per
    // ARN below (no map keyed by a copy of every ARN).
    let mut kept: Vec<Outcome> = Vec::new();
    // ARN -> why a check of the rule did not judge it (in scope only).
    let mut skipped: BTreeMap<Text, &'static str> = BTreeMap::new();
    for check in &rule.checks {
        let scopes = [(&rule.scope, &rule.exclude), (&check.scope, &check.exclude)];
        let mut check_watch = [
            Watch::new(&check.scope, "scope"),
            Watch::new(&check.exclude, "exclude"),
        ];
        let mut check_judged = 0;
        let mut outcomes = check.evaluate(ctx, inventory);
        // Filtered in place: the outcomes of a check over every resource
        // of a kind are many (at 10^6 resources, tens of MB), and two
        // rules are judged at once.
        outcomes.retain(|outcome| {
            let r = &outcome.resource;
            if beyond.hides(check.check.as_ref(), r) {
                return false;
            }
            check_judged += 1;
            for w in rule_watch.iter_mut().chain(&mut check_watch) {
                w.resource(r);
            }
            if !scopes.iter().all(|(scope, _)| scope.contains(r)) {
                aside.entry(r.arn.clone()).or_insert(false);
                false
            } else if scopes
                .iter()
                .any(|(_, exclude)| !exclude.is_empty() && exclude.contains(r))
            {
                aside.insert(r.arn.clone(), true);
                false
            } else {
                true
            }
        });
        if kept.is_empty() {
            kept = outcomes;
        } else {
            kept.append(&mut outcomes);
        }
        check.not_judged(ctx, inventory, &mut |r, why| {
            if beyond.hides(check.check.as_ref(), r) {
                return;
            }
            let in_scope = scopes.iter().all(|(scope, exclude)| {
                scope.contains(r) && (exclude.is_empty() || !exclude.contains(r))
            });
            if in_scope {
                skipped.entry(r.arn.clone()).or_insert(why);
            }
        });
        for gap in coverage_gaps(inventory, check.subjects()) {
            let r = &gap.resource;
            for w in rule_watch.iter_mut().chain(&mut check_watch) {
                w.unread(&r.account, &r.region);
            }
            // An exclusion by name or tag cannot be applied to resources
            // nobody could see: only a place-only exclusion removes a gap.
            let in_scope = scopes.iter().all(|(scope, exclude)| {
                scope.contains_place(&r.account, &r.region)
                    && (exclude.is_empty()
                        || exclude.has_resource_filters()
                        || !exclude.contains_place(&r.account, &r.region))
            });
            if in_scope {
                kept.push(gap);
            }
        }
        judged += check_judged;
        let name = check.doc().name;
        warnings.extend(
            check_watch
                .iter()
                .filter_map(|w| w.warning(&rule.id, Some(name), check_judged)),
        );
    }
    warnings.extend(
        rule_watch
            .iter()
            .filter_map(|w| w.warning(&rule.id, None, judged)),
    );
    // One outcome per ARN, in ARN order: a second verdict on a resource is
    // joined into the first, in the order given (the sort is stable).
    kept.sort_by(|a, b| a.resource.arn.cmp(&b.resource.arn));
    // (In place: `dedup_by` hands over the later of two neighbours first.)
    let mut by_arn = kept;
    by_arn.dedup_by(|later, first| {
        let same = later.resource.arn == first.resource.arn;
        if same {
            merge(first, later);
        }
        same
    });
    let judged_arn = |arn: &str| {
        by_arn
            .binary_search_by(|o| o.resource.arn.as_str().cmp(arn))
            .is_ok()
    };
    let mut set_aside = SetAside::default();
    for (arn, excluded) in &aside {
        if !judged_arn(arn) {
            if *excluded {
                set_aside.excluded += 1;
            } else {
                set_aside.out_of_scope += 1;
            }
        }
    }
    let mut not_judged = NotJudgedCounts::new();
    for (arn, why) in &skipped {
        if !judged_arn(arn) {
            *not_judged.entry(why.to_string()).or_default() += 1;
        }
    }
    let promise = std::sync::Arc::new(rule.promise.clone());
    let rule_id = Sym::new(&rule.id);
    let mut findings: Vec<Finding> = by_arn
        .into_iter()
        .map(|o| Finding {
            rule_id,
            severity: rule.severity,
            status: o.status,
            resource: o.resource,
            message: o.message,
            evidence: o.evidence,
            promise: promise.clone(),
            waiver: None,
            baseline: None,
        })
        .collect();
    // The report's order (`Finding::sort_key`): the rule is this one and
    // the findings are in ARN order already, so a stable sort by status,
    // account and region gives it.
    into_report_order(&mut findings);
    debug_assert!(findings.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()));
    (findings, set_aside, warnings, not_judged)
}

/// Puts one rule's findings, given in ARN order, in the order a stable
/// sort by status, account and region gives. They fall into a few such
/// groups, so each finding is moved once, into its place (by a swap),
/// instead of many times by a merge sort (5% of the CPU of 50 attribute
/// rules at 10^6 resources).
fn into_report_order(findings: &mut [Finding]) {
    type Key = (Status, Sym, Sym);
    let key = |f: &Finding| (f.status, f.resource.account, f.resource.region);
    // The distinct keys, and each finding's (a map: an organization's
    // scan has a key per status, account and region, thousands).
    let mut keys: Vec<Key> = Vec::new();
    let mut index: foldhash::HashMap<Key, usize> = foldhash::HashMap::default();
    let mut group: Vec<usize> = Vec::with_capacity(findings.len());
    let mut last: Option<(Key, usize)> = None;
    for f in findings.iter() {
        let k = key(f);
        let g = match last {
            Some((l, g)) if l == k => g,
            _ => *index.entry(k).or_insert_with(|| {
                keys.push(k);
                keys.len() - 1
            }),
        };
        last = Some((k, g));
        group.push(g);
    }
    // Where each key's findings start in the sorted list.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut next = vec![0usize; keys.len()];
    for &g in &group {
        next[g] += 1;
    }
    let mut at = 0;
    for &g in &order {
        let n = next[g];
        next[g] = at;
        at += n;
    }
    // Each finding's place (in their order within a key: stable), then
    // each swapped into it.
    let mut place: Vec<usize> = group
        .iter()
        .map(|&g| {
            next[g] += 1;
            next[g] - 1
        })
        .collect();
    for i in 0..findings.len() {
        while place[i] != i {
            let to = place[i];
            findings.swap(i, to);
            place.swap(i, to);
        }
    }
}

/// Joins a second verdict on the same resource into the first: the worse
/// status wins (fail, then unknown, then pass).
/// (`other` is left without its message and evidence.)
fn merge(into: &mut Outcome, other: &mut Outcome) {
    if other.status < into.status {
        into.status = other.status;
        into.message = std::mem::take(&mut other.message);
    } else if other.status == into.status
        && other.status != Status::Pass
        && other.message != into.message
    {
        into.message = format!("{}; {}", into.message, other.message);
    }
    into.evidence.append(&mut other.evidence);
}

/// Unknown outcomes for every (account, region) where one of `datasets`
/// was not read.
fn coverage_gaps(inventory: &Inventory, datasets: &[Dataset]) -> Vec<Outcome> {
    let mut gaps = Vec::new();
    for scanned in &inventory.scope {
        for &dataset in datasets {
            let regions: Vec<&str> = if dataset.is_global() {
                vec![GLOBAL]
            } else {
                scanned.regions.iter().map(String::as_str).collect()
            };
            for region in regions {
                let (code, note) = match inventory.coverage_of(&scanned.account, region, dataset) {
                    Some(c) => match &c.error {
                        None => continue,
                        Some(e) => (e.code.clone(), e.to_string()),
                    },
                    None => (
                        "NotCollected".to_string(),
                        format!("{dataset} were not collected in this scan"),
                    ),
                };
                let resource = dataset_ref(&scanned.partition, &scanned.account, region, dataset);
                let message = format!(
                    "could not read {dataset} in account {} {}: {note}",
                    scanned.account,
                    if region == GLOBAL {
                        "(global)".to_string()
                    } else {
                        format!("region {region}")
                    }
                );
                gaps.push(Outcome::unknown(
                    resource,
                    message,
                    vec![Evidence::new("coverage", code, note)],
                ));
            }
        }
    }
    gaps
}

/// The ARN-shaped name of "every resource of a dataset in a region".
pub fn dataset_ref(partition: &str, account: &str, region: &str, dataset: Dataset) -> ResourceRef {
    let every = format!("{}/*", dataset.name());
    let arn = if region == GLOBAL {
        // No region and no account field: the account goes in the resource.
        Arn {
            partition,
            service: dataset.service(),
            region: "",
            account: "",
            resource: &format!("{account}/{every}"),
        }
        .to_string()
    } else {
        Arn {
            partition,
            service: dataset.service(),
            region,
            account,
            resource: &every,
        }
        .to_string()
    };
    ResourceRef {
        arn: arn.into(),
        resource_type: Sym::from_static(dataset.resource_type()),
        account: account.into(),
        region: region.into(),
        name: format!("all {dataset}"),
        tags: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{AwsError, Coverage, LogGroup, Place, ScannedAccount};
    use std::path::Path;

    const PACK: &str = crate::rules::ONE_RULE_PACK;

    /// `into_report_order` gives what a stable sort by status, account and
    /// region gives, with statuses interleaved and many keys (an
    /// organization: 300 accounts by 4 regions by 3 statuses).
    #[test]
    fn report_order_is_a_stable_sort_by_status_account_and_region() {
        let promise = std::sync::Arc::new(crate::rules::Promise {
            file: "p.md".into(),
            line: 1,
            related_lines: vec![],
            text: "t".into(),
        });
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let regions = ["eu-north-1", "us-east-1", "eu-west-1", "ap-south-1"];
        let statuses = [Status::Fail, Status::Unknown, Status::Pass];
        let findings: Vec<Finding> = (0..20_000)
            .map(|i| {
                let account = format!("{:012}", next() % 300);
                let region = regions[next() % regions.len()];
                Finding {
                    rule_id: "R-1".into(),
                    severity: crate::rules::Severity::High,
                    status: statuses[next() % statuses.len()],
                    resource: crate::findings::ResourceRef {
                        arn: format!("arn:aws:ec2:{region}:{account}:volume/vol-{i:08}").into(),
                        resource_type: "AWS::EC2::Volume".into(),
                        account: account.into(),
                        region: region.into(),
                        name: format!("vol-{i:08}"),
                        tags: Default::default(),
                    },
                    message: String::new(),
                    evidence: vec![],
                    promise: promise.clone(),
                    waiver: None,
                    baseline: None,
                }
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| {
            (a.status, a.resource.account, a.resource.region).cmp(&(
                b.status,
                b.resource.account,
                b.resource.region,
            ))
        });
        let mut got = findings;
        into_report_order(&mut got);
        let arns = |v: &[Finding]| {
            v.iter()
                .map(|f| f.resource.arn.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(arns(&got), arns(&expected));
        into_report_order(&mut []);
    }

    fn inventory() -> Inventory {
        let mut inv = Inventory::new("2026-01-01T00:00:00Z".parse().unwrap());
        inv.scope.push(ScannedAccount {
            account: "111122223333".into(),
            partition: "aws".into(),
            regions: vec!["eu-north-1".into(), "us-east-1".into()],
            error: None,
        });
        inv.coverage.push(Coverage {
            account: "111122223333".into(),
            region: "eu-north-1".into(),
            dataset: Dataset::LogGroups,
            error: None,
        });
        inv.coverage.push(Coverage {
            account: "111122223333".into(),
            region: "us-east-1".into(),
            dataset: Dataset::LogGroups,
            error: Some(AwsError {
                operation: "DescribeLogGroups".into(),
                code: "AccessDeniedException".into(),
                message: "not allowed".into(),
            }),
        });
        for (name, days) in [("/short", Some(7)), ("/forever", None)] {
            inv.log_groups.push(LogGroup {
                arn: format!("arn:aws:logs:eu-north-1:111122223333:log-group:{name}").into(),
                place: Place {
                    account: "111122223333".into(),
                    region: "eu-north-1".into(),
                },
                name: name.into(),
                retention_days: days,
                ..Default::default()
            });
        }
        inv
    }

    #[test]
    fn unreadable_region_is_unknown_never_pass() {
        let pack = crate::rules::parse(Path::new("t.toml"), PACK).unwrap();
        let eval = evaluate(&pack, &inventory(), None);
        let statuses: Vec<_> = eval
            .findings
            .iter()
            .map(|f| (&*f.resource.region, f.resource.name.as_str(), f.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("eu-north-1", "/short", Status::Fail),
                ("us-east-1", "all log-groups", Status::Unknown),
                ("eu-north-1", "/forever", Status::Pass),
            ]
        );
        let unknown = &eval.findings[1];
        assert_eq!(unknown.evidence[0].value, "AccessDeniedException");
        assert_eq!(eval.summary.failed, 1);
        assert_eq!(eval.summary.unknown, 1);
        assert_eq!(eval.summary.passed, 1);
    }

    #[test]
    fn scope_and_exclude_filter_resources_and_gaps() {
        let scoped = PACK.replace(
            "checks =",
            "scope = { regions = [\"eu-*\"] }\nexclude = { names = [\"/short\"] }\nchecks =",
        );
        let pack = crate::rules::parse(Path::new("t.toml"), &scoped).unwrap();
        let eval = evaluate(&pack, &inventory(), None);
        let names: Vec<_> = eval
            .findings
            .iter()
            .map(|f| f.resource.name.as_str())
            .collect();
        assert_eq!(names, vec!["/forever"]);
    }

    #[test]
    fn a_check_scope_narrows_only_that_check() {
        let scoped = PACK.replace(
            "params = { min_days = 30 } }",
            "params = { min_days = 30 }, scope = { names = [\"/forever\"] }, exclude = { regions = [\"us-*\"] } }",
        );
        let pack = crate::rules::parse(Path::new("t.toml"), &scoped).unwrap();
        let eval = evaluate(&pack, &inventory(), None);
        let names: Vec<_> = eval
            .findings
            .iter()
            .map(|f| f.resource.name.as_str())
            .collect();
        // /short is outside the check's scope; the us-east-1 gap is excluded
        // by place.
        assert_eq!(names, vec!["/forever"]);
    }

    #[test]
    fn missing_coverage_is_unknown() {
        let mut inv = inventory();
        inv.coverage.clear();
        let pack = crate::rules::parse(Path::new("t.toml"), PACK).unwrap();
        let eval = evaluate(&pack, &inv, None);
        let unknown: Vec<_> = eval
            .findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .collect();
        assert_eq!(unknown.len(), 2);
        assert!(
            unknown
                .iter()
                .all(|f| f.evidence[0].value == "NotCollected")
        );
    }
}
