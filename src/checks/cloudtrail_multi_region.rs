//! `cloudtrail-multi-region`: every scanned account has a multi-region
//! CloudTrail trail that is logging (LOG-002).

use super::resource::{cap_evidence, distinct, join_and, read_completely, trails_ref};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{AdvancedFieldSelector, Dataset, EventSelectors, GLOBAL, Inventory, Trail};

pub struct CloudtrailMultiRegion;

/// The most trails listed as evidence.
const MAX_TRAILS: usize = 20;

fn describe(t: &Trail) -> String {
    let mut parts = vec![if t.multi_region {
        "multi-region".to_string()
    } else {
        format!("single-region (home region {})", t.place.region)
    }];
    if t.organization {
        parts.push("organization trail".into());
    }
    parts.push(match t.is_logging {
        Some(true) => "logging".into(),
        Some(false) => "not logging".into(),
        None => match &t.status_error {
            Some(e) => format!("status unreadable ({e})"),
            None => "status unreadable".into(),
        },
    });
    parts.join(", ")
}

fn trail_evidence(t: &Trail) -> Evidence {
    let value = match t.is_logging {
        Some(true) => "IsLogging=true".to_string(),
        Some(false) => "IsLogging=false".to_string(),
        None => match &t.status_error {
            Some(e) => format!("IsLogging unreadable: {}", e.code),
            None => "IsLogging unreadable".to_string(),
        },
    };
    Evidence::new(
        format!("Trail {}", t.name),
        value,
        format!("{}: {}", t.arn, describe(t)),
    )
}

/// Whether a trail's selectors record every management event.
#[derive(Debug, PartialEq, Eq)]
enum Records {
    /// Every management event, read and write, from every source.
    All,
    /// Less: what is missing.
    Partial(String),
    /// Cannot tell: why.
    Unknown(String),
}

/// What management events the selectors record. Selectors add up: an event
/// is recorded if any selector matches it.
fn management_events(s: &EventSelectors) -> Records {
    let (mut read, mut write) = (false, false);
    let mut excluded: Vec<String> = Vec::new();
    let mut unjudgeable: Vec<String> = Vec::new();
    let mut only_sources: Vec<String> = Vec::new();
    for b in &s.basic {
        if b.include_management_events == Some(false) {
            continue;
        }
        let rw = b.read_write_type.as_deref().unwrap_or("All").trim();
        let (r, w) = match rw.to_ascii_lowercase().as_str() {
            "all" => (true, true),
            "readonly" => (true, false),
            "writeonly" => (false, true),
            _ => {
                unjudgeable.push(format!("ReadWriteType {rw}"));
                continue;
            }
        };
        if b.exclude_management_event_sources.is_empty() {
            read |= r;
            write |= w;
        } else {
            excluded.extend(
                b.exclude_management_event_sources
                    .iter()
                    .map(|s| s.to_string()),
            );
        }
    }
    for (i, a) in s.advanced.iter().enumerate() {
        let name = a
            .name
            .as_ref()
            .map_or_else(|| format!("selector {}", i + 1), |n| n.to_string());
        let is =
            |f: &AdvancedFieldSelector, field: &str| f.field.trim().eq_ignore_ascii_case(field);
        let only_equals = |f: &AdvancedFieldSelector| {
            f.not_equals.is_empty()
                && f.starts_with.is_empty()
                && f.not_starts_with.is_empty()
                && f.ends_with.is_empty()
                && f.not_ends_with.is_empty()
        };
        let management = a.field_selectors.iter().any(|f| {
            is(f, "eventCategory")
                && f.equals
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case("Management"))
        });
        if !management {
            continue;
        }
        let (mut r, mut w) = (true, true);
        let mut partial_excluded: Vec<String> = Vec::new();
        let mut judgeable = true;
        for f in &a.field_selectors {
            if is(f, "eventCategory") {
                continue;
            } else if is(f, "readOnly") && only_equals(f) {
                let t = f.equals.iter().any(|v| v.eq_ignore_ascii_case("true"));
                let fl = f.equals.iter().any(|v| v.eq_ignore_ascii_case("false"));
                r &= t;
                w &= fl;
            } else if is(f, "eventSource")
                && f.equals.is_empty()
                && f.starts_with.is_empty()
                && f.ends_with.is_empty()
                && f.not_starts_with.is_empty()
                && f.not_ends_with.is_empty()
            {
                partial_excluded.extend(f.not_equals.iter().map(|s| s.to_string()));
            } else if is(f, "eventSource") && only_equals(f) {
                only_sources.extend(f.equals.iter().map(|s| s.to_string()));
                r = false;
                w = false;
            } else {
                judgeable = false;
                unjudgeable.push(format!("{name}: field {}", f.field));
            }
        }
        if !judgeable {
            continue;
        }
        if partial_excluded.is_empty() {
            read |= r;
            write |= w;
        } else {
            excluded.extend(partial_excluded);
        }
    }
    if read && write {
        return Records::All;
    }
    if !unjudgeable.is_empty() {
        return Records::Unknown(format!(
            "its selectors use conditions conform cannot judge ({})",
            unjudgeable.join(", ")
        ));
    }
    let mut missing = Vec::new();
    match (read, write) {
        (true, false) => missing.push("records read-only management events only".to_string()),
        (false, true) => missing.push("records write management events only".to_string()),
        _ => {}
    }
    if !excluded.is_empty() {
        let excluded = distinct(excluded.iter().map(String::as_str));
        missing.push(format!(
            "excludes management events from {}",
            join_and(&excluded)
        ));
    }
    if !only_sources.is_empty() {
        let only = distinct(only_sources.iter().map(String::as_str));
        missing.push(format!(
            "records management events only from {}",
            join_and(&only)
        ));
    }
    if missing.is_empty() {
        missing.push("records no management events".to_string());
    }
    Records::Partial(missing.join("; "))
}

/// What one trail records, from its selectors as read.
fn records(t: &Trail) -> Records {
    match (&t.selectors, &t.selectors_error) {
        (Some(s), _) if s.basic.is_empty() && s.advanced.is_empty() => Records::Unknown(
            "GetEventSelectors returned no selectors (AWS always returns at least one)".into(),
        ),
        (Some(s), _) => management_events(s),
        (None, Some(e)) => Records::Unknown(format!("its event selectors could not be read: {e}")),
        (None, None) => Records::Unknown("its event selectors were not collected".into()),
    }
}

fn judge_account(inventory: &Inventory, account: &str) -> Outcome {
    let resource = trails_ref(inventory, account);
    // One entry per trail, even if a collector listed a multi-region trail
    // once per region it was seen in.
    let mut trails: Vec<&Trail> = Vec::new();
    for t in inventory
        .trails
        .iter()
        .filter(|t| t.place.account == account)
    {
        if !trails.iter().any(|seen| seen.arn == t.arn) {
            trails.push(t);
        }
    }
    let running: Vec<&Trail> = trails
        .iter()
        .copied()
        .filter(|t| t.multi_region && t.is_logging == Some(true))
        .collect();
    // A running multi-region trail logs "all API calls" only if its
    // selectors record every management event.
    let logging: Vec<&Trail> = running
        .iter()
        .copied()
        .filter(|t| records(t) == Records::All)
        .collect();
    if !logging.is_empty() {
        let names: Vec<String> = logging
            .iter()
            .map(|t| {
                if t.organization {
                    format!("{} (organization trail)", t.name)
                } else {
                    t.name.to_string()
                }
            })
            .collect();
        let names = distinct(names.iter().map(String::as_str));
        let what = if names.len() == 1 {
            "multi-region trail"
        } else {
            "multi-region trails"
        };
        return Outcome::pass(
            resource,
            format!(
                "account {account} logs API calls in every region: {what} {} logging",
                join_and(&names)
            ),
        );
    }
    // No trail logs everything. One that might (its status or selectors
    // could not be read or judged) makes the account unknown, else it
    // fails; every trail is evidence.
    let mut verdict = Verdict::any();
    for t in &trails {
        if t.multi_region && t.is_logging.is_none() {
            verdict.unknown(trail_evidence(t));
        } else {
            verdict.fail(trail_evidence(t));
        }
    }
    let mut partial: Vec<String> = Vec::new();
    let mut selectors_unknown: Vec<String> = Vec::new();
    for t in &running {
        match records(t) {
            Records::All => {}
            Records::Partial(what) => {
                partial.push(format!("{} {what}", t.name));
                verdict.fail(Evidence::new(
                    format!("Trail {}.EventSelectors", t.name),
                    what.clone(),
                    "the trail is logging, but does not record every management (API) event",
                ));
            }
            Records::Unknown(why) => {
                selectors_unknown.push(format!("{} ({why})", t.name));
                verdict.unknown(Evidence::new(
                    format!("Trail {}.EventSelectors", t.name),
                    "unknown",
                    why,
                ));
            }
        }
    }
    if trails.is_empty() {
        verdict.fail(Evidence::new(
            "Trails",
            "none",
            "no trail records API calls; the console's Event history keeps management events for 90 days only and is not a trail",
        ));
    }
    let unreadable: Vec<String> = trails
        .iter()
        .filter(|t| t.multi_region && t.is_logging.is_none())
        .map(|t| t.name.to_string())
        .collect();
    let multi = trails.iter().filter(|t| t.multi_region).count();
    let mut outcome = verdict.outcome(resource, |status, _| match status {
        Status::Unknown if !selectors_unknown.is_empty() => format!(
            "cannot tell whether account {account} logs all API calls: what multi-region trail {} records is unknown",
            join_and(&selectors_unknown)
        ),
        Status::Unknown => format!(
            "cannot tell whether account {account} logs API calls in every region: the status of multi-region trail {} could not be read",
            join_and(&unreadable)
        ),
        _ if trails.is_empty() => format!("account {account} has no CloudTrail trail"),
        _ if !partial.is_empty() => format!(
            "account {account} does not log all API calls: multi-region trail {}",
            join_and(&partial)
        ),
        _ if multi == 0 && trails.len() == 1 => format!(
            "account {account} has no multi-region trail: its only trail, {}, covers one region",
            trails[0].name
        ),
        _ if multi == 0 => format!(
            "account {account} has no multi-region trail: its {} trails are all single-region, which do not add up to one",
            trails.len()
        ),
        _ => format!("account {account} has no multi-region trail that is logging"),
    });
    outcome.evidence = cap_evidence(outcome.evidence, MAX_TRAILS, "Trails", "trails");
    outcome
}

impl Check for CloudtrailMultiRegion {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "cloudtrail-multi-region",
        summary: "Every scanned account has a multi-region CloudTrail trail that is logging",
        what: "Gives one verdict per scanned account, reported as \
`arn:{partition}:cloudtrail::{account}:trails` (type `AWS::CloudTrail::Trail`, region `global`):\n\n\
- **pass** when at least one trail visible to the account is **multi-region**, **logging** \
(`GetTrailStatus` `IsLogging`) and records **every management event**, read and write, from every source \
(`GetEventSelectors`, read in the trail's home region). Basic selectors add up (a `ReadOnly` and a `WriteOnly` \
selector together record all); a selector that excludes event sources (`kms.amazonaws.com`, \
`rdsdata.amazonaws.com`) or advanced selectors that exclude some (`eventSource` `NotEquals`) or keep only \
read-only or write events do not log \"all API calls\". An organization trail of the management account counts \
for every member account;\n\
- **fail** when there is no trail, when every trail is single-region, when the multi-region trails are not \
logging, or when the ones logging leave management events out (the evidence says which). Several single-region trails do not add up to one multi-region trail: a region added later, or one \
nobody thought of, is not covered. The evidence lists every trail found, whether it is multi-region, and its \
logging status;\n\
- **unknown** when no multi-region trail is known to be logging everything and the status or the event \
selectors of a multi-region trail could not be read (or, in an inventory saved before conform read selectors, \
were not collected), or its advanced selectors use conditions conform cannot judge. The evidence gives the \
error.\n\n\
If the trail list itself could not be read in an account, the evaluator reports the account unknown.",
        why: "Only a trail that covers every region records \
calls in regions nobody watches, and those are where an intruder's resources tend to appear. A trail that \
was stopped records nothing.",
        fix: "Create a multi-region trail (or make an existing one multi-region) and start it:\n\n\
```sh\naws cloudtrail create-trail --name all-regions --s3-bucket-name my-cloudtrail-logs --is-multi-region-trail\n\
aws cloudtrail start-logging --name all-regions\n# or\naws cloudtrail update-trail --name existing --is-multi-region-trail\n```\n\n\
In an AWS Organization, an organization trail created in the management account \
(`--is-organization-trail`) covers every member account. If the verdict is unknown, grant the scanning role \
`cloudtrail:GetTrailStatus`.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Trails];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        let accounts = distinct(inventory.scope.iter().map(|s| s.account.as_str()));
        accounts
            .iter()
            // Where the trail list was not read, the evaluator reports the
            // gap: saying "no trail" there would be a guess.
            .filter(|a| read_completely(inventory, a, GLOBAL, Dataset::Trails))
            .map(|a| judge_account(inventory, a))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{AdvancedEventSelector, BasicEventSelector};

    fn judge(trails: Vec<Trail>) -> Outcome {
        let mut inv = inventory();
        inv.trails = trails;
        let out = run::<CloudtrailMultiRegion>(&inv);
        assert_eq!(out.len(), 1, "{out:#?}");
        let o = out[0].clone();
        assert_eq!(
            o.resource.arn,
            format!("arn:aws:cloudtrail::{ACCOUNT}:trails")
        );
        assert_eq!(o.resource.resource_type, "AWS::CloudTrail::Trail");
        assert_eq!(o.resource.region, "global");
        o
    }

    #[test]
    fn two_single_region_trails_do_not_make_one() {
        let mut other = trail("us-trail", false, Some(true));
        other.place.region = "us-east-1".into();
        let o = judge(vec![trail("eu-trail", false, Some(true)), other]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(
            o.message.contains("2 trails are all single-region"),
            "{}",
            o.message
        );
        assert!(mentions(&o, "single-region (home region us-east-1)"));
        assert!(mentions(&o, "Trail eu-trail"));
    }

    #[test]
    fn multi_region_but_stopped_fails() {
        let o = judge(vec![trail("all", true, Some(false))]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("no multi-region trail that is logging"));
        assert!(mentions(&o, "IsLogging=false"));
    }

    #[test]
    fn multi_region_and_logging_passes() {
        let o = judge(vec![
            trail("eu-only", false, Some(true)),
            trail("all", true, Some(true)),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert!(o.message.contains("multi-region trail all logging"));
    }

    #[test]
    fn organization_trail_counts() {
        let mut org = trail("org-trail", true, Some(true));
        org.organization = true;
        org.arn = "arn:aws:cloudtrail:eu-north-1:999988887777:trail/org-trail".into();
        let o = judge(vec![org]);
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("organization trail"), "{}", o.message);
    }

    #[test]
    fn unreadable_status_is_unknown() {
        let mut hidden = trail("all", true, None);
        hidden.status_error = Some(aws_error("AccessDeniedException").into());
        let o = judge(vec![trail("eu-only", false, Some(true)), hidden]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
        assert!(o.message.contains("all"));
        assert!(mentions(&o, "AccessDeniedException"));
        // A logging multi-region trail settles it whatever the others say.
        let mut hidden = trail("other", true, None);
        hidden.status_error = Some(aws_error("AccessDeniedException").into());
        let o = judge(vec![trail("all", true, Some(true)), hidden]);
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn no_trails_fails_and_unread_lists_are_left_to_the_evaluator() {
        let o = judge(vec![]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("no CloudTrail trail"));
        let mut inv = inventory();
        inv.coverage.retain(|c| c.dataset != Dataset::Trails);
        assert!(run::<CloudtrailMultiRegion>(&inv).is_empty());
    }

    fn with(selectors: EventSelectors) -> Trail {
        Trail {
            selectors: Some(selectors),
            ..trail("all", true, Some(true))
        }
    }

    fn basic(rw: &str, mgmt: bool, excluded: &[&str]) -> BasicEventSelector {
        BasicEventSelector {
            read_write_type: Some(rw.into()),
            include_management_events: Some(mgmt),
            exclude_management_event_sources: excluded.iter().map(|s| (*s).into()).collect(),
            data_resources: Vec::new(),
        }
    }

    fn field(name: &str, equals: &[&str], not_equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector {
            field: name.into(),
            equals: equals.iter().map(|s| (*s).into()).collect(),
            not_equals: not_equals.iter().map(|s| (*s).into()).collect(),
            starts_with: vec![],
            not_starts_with: vec![],
            ends_with: vec![],
            not_ends_with: vec![],
        }
    }

    fn advanced(fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
        AdvancedEventSelector {
            name: Some("mgmt".into()),
            field_selectors: fields,
        }
    }

    #[test]
    fn a_logging_trail_without_management_events_fails() {
        let none = EventSelectors {
            basic: vec![basic("All", false, &[])],
            advanced: vec![],
        };
        let o = judge(vec![with(none)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(
            o.message.contains("records no management events"),
            "{}",
            o.message
        );
        assert!(mentions(&o, "Trail all.EventSelectors"));
        let write_only = EventSelectors {
            basic: vec![basic("WriteOnly", true, &[])],
            advanced: vec![],
        };
        let o = judge(vec![with(write_only)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(o.message.contains("write management events only"));
        let excluding = EventSelectors {
            basic: vec![basic("All", true, &["kms.amazonaws.com"])],
            advanced: vec![],
        };
        let o = judge(vec![with(excluding)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(
            o.message
                .contains("excludes management events from kms.amazonaws.com")
        );
        // Read-only and write-only selectors together record everything.
        let both = EventSelectors {
            basic: vec![basic("ReadOnly", true, &[]), basic("WriteOnly", true, &[])],
            advanced: vec![],
        };
        assert_eq!(judge(vec![with(both)]).status, Status::Pass);
    }

    #[test]
    fn advanced_selectors_are_judged() {
        let all = EventSelectors {
            basic: vec![],
            advanced: vec![advanced(vec![field("eventCategory", &["Management"], &[])])],
        };
        assert_eq!(judge(vec![with(all)]).status, Status::Pass);
        let data_only = EventSelectors {
            basic: vec![],
            advanced: vec![advanced(vec![
                field("eventCategory", &["Data"], &[]),
                field("resources.type", &["AWS::S3::Object"], &[]),
            ])],
        };
        let o = judge(vec![with(data_only)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        let read_only = EventSelectors {
            basic: vec![],
            advanced: vec![advanced(vec![
                field("eventCategory", &["Management"], &[]),
                field("readOnly", &["true"], &[]),
            ])],
        };
        let o = judge(vec![with(read_only)]);
        assert!(
            o.message.contains("read-only management events only"),
            "{}",
            o.message
        );
        let no_kms = EventSelectors {
            basic: vec![],
            advanced: vec![advanced(vec![
                field("eventCategory", &["Management"], &[]),
                field("eventSource", &[], &["kms.amazonaws.com"]),
            ])],
        };
        let o = judge(vec![with(no_kms)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(o.message.contains("kms.amazonaws.com"));
        let odd = EventSelectors {
            basic: vec![],
            advanced: vec![advanced(vec![
                field("eventCategory", &["Management"], &[]),
                field("userIdentity.arn", &["x"], &[]),
            ])],
        };
        assert_eq!(judge(vec![with(odd)]).status, Status::Unknown);
    }

    #[test]
    fn unread_selectors_are_unknown() {
        let mut t = trail("all", true, Some(true));
        t.selectors = None;
        t.selectors_error = Some(aws_error("AccessDeniedException").into());
        let o = judge(vec![t.clone()]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
        assert!(o.message.contains("AccessDeniedException"), "{}", o.message);
        t.selectors_error = None;
        let o = judge(vec![t.clone()]);
        assert!(o.message.contains("not collected"), "{}", o.message);
        t.selectors = Some(EventSelectors::default());
        let o = judge(vec![t]);
        assert_eq!(o.status, Status::Unknown);
        assert!(o.message.contains("no selectors"), "{}", o.message);
    }

    #[test]
    fn a_trail_listed_twice_is_one_trail() {
        let o = judge(vec![
            trail("all", true, Some(false)),
            trail("all", true, Some(false)),
        ]);
        assert_eq!(o.evidence.len(), 1);
    }
}
