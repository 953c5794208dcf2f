//! `cloudtrail-multi-region`: every scanned account has a multi-region
//! CloudTrail trail that is logging (LOG-002).

use super::resource::{cap_evidence, distinct, join_and, read_completely, trails_ref};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, GLOBAL, Inventory, Trail};

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
    let logging: Vec<&Trail> = trails
        .iter()
        .copied()
        .filter(|t| t.multi_region && t.is_logging == Some(true))
        .collect();
    if !logging.is_empty() {
        let names: Vec<String> = logging
            .iter()
            .map(|t| {
                if t.organization {
                    format!("{} (organization trail)", t.name)
                } else {
                    t.name.clone()
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
    let evidence: Vec<Evidence> = trails.iter().map(|t| trail_evidence(t)).collect();
    let unreadable: Vec<String> = trails
        .iter()
        .filter(|t| t.multi_region && t.is_logging.is_none())
        .map(|t| t.name.clone())
        .collect();
    if !unreadable.is_empty() {
        return Outcome::unknown(
            resource,
            format!(
                "cannot tell whether account {account} logs API calls in every region: the status of multi-region trail {} could not be read",
                join_and(&unreadable)
            ),
            cap_evidence(evidence, MAX_TRAILS, "Trails", "trails"),
        );
    }
    if trails.is_empty() {
        return Outcome::fail(
            resource,
            format!("account {account} has no CloudTrail trail"),
            vec![Evidence::new(
                "Trails",
                "none",
                "no trail records API calls; the console's Event history keeps management events for 90 days only and is not a trail",
            )],
        );
    }
    let multi = trails.iter().filter(|t| t.multi_region).count();
    let message = if multi == 0 && trails.len() == 1 {
        format!(
            "account {account} has no multi-region trail: its only trail, {}, covers one region",
            trails[0].name
        )
    } else if multi == 0 {
        format!(
            "account {account} has no multi-region trail: its {} trails are all single-region, which do not add up to one",
            trails.len()
        )
    } else {
        format!("account {account} has no multi-region trail that is logging")
    };
    Outcome::fail(
        resource,
        message,
        cap_evidence(evidence, MAX_TRAILS, "Trails", "trails"),
    )
}

impl Check for CloudtrailMultiRegion {
    type Params = NoParams;
    const DOC: CheckDoc = CheckDoc {
        name: "cloudtrail-multi-region",
        summary: "Every scanned account has a multi-region CloudTrail trail that is logging",
        what: "Gives one verdict per scanned account, reported as \
`arn:{partition}:cloudtrail::{account}:trails` (type `AWS::CloudTrail::Trail`, region `global`):\n\n\
- **pass** when at least one trail visible to the account is **multi-region** and **logging** \
(`GetTrailStatus` `IsLogging`). An organization trail of the management account counts for every member \
account;\n\
- **fail** when there is no trail, when every trail is single-region, or when the multi-region trails are not \
logging. Several single-region trails do not add up to one multi-region trail: a region added later, or one \
nobody thought of, is not covered. The evidence lists every trail found, whether it is multi-region, and its \
logging status;\n\
- **unknown** when no multi-region trail is known to be logging and the status of at least one multi-region \
trail could not be read. The evidence gives the error.\n\n\
If the trail list itself could not be read in an account, the evaluator reports the account unknown.",
        why: "The policy promises that all API calls are logged. Only a trail that covers every region records \
calls in regions nobody watches, and those are where an intruder's resources tend to appear. A trail that \
was stopped records nothing.",
        fix: "Create a multi-region trail (or make an existing one multi-region) and start it:\n\n\
```sh\naws cloudtrail create-trail --name kliv-all-regions --s3-bucket-name kliv-cloudtrail-logs --is-multi-region-trail\n\
aws cloudtrail start-logging --name kliv-all-regions\n# or\naws cloudtrail update-trail --name existing --is-multi-region-trail\n```\n\n\
In an AWS Organization, an organization trail created in the management account \
(`--is-organization-trail`) covers every member account. If the verdict is unknown, grant the scanning role \
`cloudtrail:GetTrailStatus`.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Trails];

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &NoParams) -> Vec<Outcome> {
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
        hidden.status_error = Some(aws_error("AccessDeniedException"));
        let o = judge(vec![trail("eu-only", false, Some(true)), hidden]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
        assert!(o.message.contains("all"));
        assert!(mentions(&o, "AccessDeniedException"));
        // A logging multi-region trail settles it whatever the others say.
        let mut hidden = trail("other", true, None);
        hidden.status_error = Some(aws_error("AccessDeniedException"));
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

    #[test]
    fn a_trail_listed_twice_is_one_trail() {
        let o = judge(vec![
            trail("all", true, Some(false)),
            trail("all", true, Some(false)),
        ]);
        assert_eq!(o.evidence.len(), 1);
    }
}
