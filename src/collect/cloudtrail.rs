//! CloudTrail collector (global per account): the trails the account can
//! see, and whether each is logging.
//!
//! Calls per account:
//!
//! | what          | calls                                                             |
//! |---------------|-------------------------------------------------------------------|
//! | trails        | one `DescribeTrails` with `includeShadowTrails=true`, in the      |
//! |               | first region scanned                                              |
//! | their status  | `GetTrailStatus` **per trail** (`Name` = the trail's ARN), sent   |
//! |               | to the trail's home region (one client per home region)           |
//! | what they log | `GetEventSelectors` **per multi-region trail**, in its home       |
//! |               | region (single-region trails cannot keep LOG-002's promise); per  |
//! |               | trail, with [`Dataset::TrailEventSelectors`] (rules that read     |
//! |               | any trail's `EventSelectors` or `AdvancedEventSelectors`)         |
//!
//! Everything else the field catalogue offers (log file validation, KMS
//! key, global service events, ...) is `DescribeTrails`' own answer.
//!
//! With shadow trails included, one region's answer holds the trails of
//! that region, the multi-region trails of every region (those homed in a
//! region that is not scanned too) and the organization trails the account
//! belongs to, so one call per account is enough whatever the regions
//! scanned. Trails are deduplicated by ARN and placed in their home region
//! (`HomeRegion`, else the region asked). `DescribeTrails` is not
//! paginated.
//!
//! A trail whose status cannot be read is kept with `is_logging: None` and
//! the reason in `status_error`. The dataset's coverage error is
//! `DescribeTrails`'.

use std::collections::{HashMap, HashSet};

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types as ct;

use super::client::ScanConfig;
use super::context::{Ctx, owned, strs};
use super::error::internal_error;
use super::pager::Partial;
use crate::inventory::{
    AdvancedEventSelector, AdvancedFieldSelector, Arn, BasicEventSelector, DataResource, Dataset,
    EventSelectors, Place, Str, Trail,
};

/// Reads the trails visible to the account. `ctx` is the account's global
/// context; `caller` the region `DescribeTrails` is sent to.
pub(crate) async fn trails(
    ctx: &Ctx,
    config: &ScanConfig,
    caller: &str,
    every_selector: bool,
) -> Partial<Trail> {
    const OP: &str = "DescribeTrails";
    let mut out = Partial::default();
    let caller_client = config.in_region(caller).cloudtrail();
    let answer = match ctx
        .call(
            OP,
            caller_client
                .describe_trails()
                .include_shadow_trails(true)
                .send(),
        )
        .await
    {
        Ok(answer) => answer,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let mut seen = HashSet::new();
    out.items = answer
        .trail_list()
        .iter()
        .filter_map(|t| trail(ctx, t, caller))
        .filter(|t| seen.insert(t.arn.clone()))
        .collect();

    // One client per home region.
    let mut clients: HashMap<String, Client> = HashMap::new();
    clients.insert(caller.to_string(), caller_client);
    for t in &out.items {
        clients
            .entry(t.place.region.to_string())
            .or_insert_with(|| config.in_region(&t.place.region).cloudtrail());
    }
    let reads = out.items.iter_mut().map(|t| {
        let clients = &clients;
        async move {
            let Some(client) = clients.get(t.place.region.as_str()) else {
                return;
            };
            match ctx
                .call(
                    "GetTrailStatus",
                    client.get_trail_status().name(&*t.arn).send(),
                )
                .await
            {
                Ok(status) => match status.is_logging() {
                    Some(logging) => t.is_logging = Some(logging),
                    None => {
                        t.status_error = Some(Box::new(internal_error(
                            "GetTrailStatus",
                            "MissingField",
                            "GetTrailStatus answered without IsLogging",
                        )))
                    }
                },
                Err(e) => t.status_error = Some(e.into()),
            }
            if !t.multi_region && !every_selector {
                return;
            }
            match ctx
                .call(
                    "GetEventSelectors",
                    client.get_event_selectors().trail_name(&*t.arn).send(),
                )
                .await
            {
                Ok(answer) => {
                    t.selectors = Some(EventSelectors {
                        basic: answer
                            .event_selectors()
                            .iter()
                            .map(basic_selector)
                            .collect(),
                        advanced: answer
                            .advanced_event_selectors()
                            .iter()
                            .map(advanced_selector)
                            .collect(),
                    })
                }
                Err(e) => t.selectors_error = Some(e.into()),
            }
        }
    });
    futures::future::join_all(reads).await;
    out
}

fn basic_selector(s: &ct::EventSelector) -> BasicEventSelector {
    BasicEventSelector {
        read_write_type: s.read_write_type().map(|r| r.as_str().into()),
        include_management_events: s.include_management_events(),
        exclude_management_event_sources: strs(s.exclude_management_event_sources()),
        data_resources: s
            .data_resources()
            .iter()
            .map(|d| DataResource {
                r#type: owned(d.r#type()),
                values: strs(d.values()),
            })
            .collect(),
    }
}

fn advanced_selector(s: &ct::AdvancedEventSelector) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: s.name().map(Str::from),
        field_selectors: s
            .field_selectors()
            .iter()
            .map(|f| AdvancedFieldSelector {
                field: f.field().into(),
                equals: strs(f.equals()),
                not_equals: strs(f.not_equals()),
                starts_with: strs(f.starts_with()),
                not_starts_with: strs(f.not_starts_with()),
                ends_with: strs(f.ends_with()),
                not_ends_with: strs(f.not_ends_with()),
            })
            .collect(),
    }
}

/// A trail as listed, its status not yet read. Skipped without both a
/// name and an ARN.
fn trail(ctx: &Ctx, t: &ct::Trail, caller: &str) -> Option<Trail> {
    let region = home_region(t.home_region(), caller);
    let name = t.name().filter(|n| !n.is_empty());
    let (arn, name) = match (t.trail_arn().filter(|a| !a.is_empty()), name) {
        (Some(arn), Some(name)) => (arn.to_string(), name.to_string()),
        (Some(arn), None) => (arn.to_string(), name_of(arn).to_string()),
        (None, Some(name)) => (
            Dataset::Trails.arn(&ctx.partition, &region, &ctx.account, name),
            name.to_string(),
        ),
        (None, None) => return None,
    };
    Some(Trail {
        arn: arn.into(),
        place: Place {
            account: (&ctx.account).into(),
            region: region.into(),
        },
        name: name.into(),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization: t.is_organization_trail().unwrap_or(false),
        is_logging: None,
        status_error: None,
        selectors: None,
        selectors_error: None,
        s3_bucket_name: owned(t.s3_bucket_name()),
        s3_key_prefix: owned(t.s3_key_prefix()),
        sns_topic_arn: owned(t.sns_topic_arn()),
        include_global_service_events: t.include_global_service_events(),
        log_file_validation_enabled: t.log_file_validation_enabled(),
        cloud_watch_logs_log_group_arn: owned(t.cloud_watch_logs_log_group_arn()),
        cloud_watch_logs_role_arn: owned(t.cloud_watch_logs_role_arn()),
        kms_key_id: owned(t.kms_key_id()),
        has_custom_event_selectors: t.has_custom_event_selectors(),
        has_insight_selectors: t.has_insight_selectors(),
    })
}

/// The region a trail lives in: its `HomeRegion`, else the region that
/// listed it.
fn home_region(home: Option<&str>, caller: &str) -> String {
    match home {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => caller.to_string(),
    }
}

/// The name in a trail ARN (`arn:aws:cloudtrail:r:a:trail/NAME`), else
/// the ARN itself.
fn name_of(arn: &str) -> &str {
    Arn::parse(arn)
        .and_then(|a| a.resource.strip_prefix("trail/"))
        .unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ctx() -> Ctx {
        Ctx::new(
            "111122223333",
            "aws",
            crate::inventory::GLOBAL,
            Arc::new(crate::collect::limits::Limits::new(
                1,
                None,
                crate::collect::limits::DEFAULT_SHARE,
            )),
        )
    }

    #[test]
    fn home_region_is_the_trails_else_the_callers() {
        assert_eq!(home_region(Some("us-east-1"), "eu-north-1"), "us-east-1");
        assert_eq!(home_region(Some(""), "eu-north-1"), "eu-north-1");
        assert_eq!(home_region(None, "eu-north-1"), "eu-north-1");
    }

    #[test]
    fn trail_is_placed_in_its_home_region_in_the_scanned_account() {
        let t = ct::Trail::builder()
            .name("org")
            .trail_arn("arn:aws:cloudtrail:us-east-1:999988887777:trail/org")
            .home_region("us-east-1")
            .is_multi_region_trail(true)
            .is_organization_trail(true)
            .build();
        let got = trail(&ctx(), &t, "eu-north-1").expect("a trail");
        assert_eq!(
            got.arn,
            "arn:aws:cloudtrail:us-east-1:999988887777:trail/org"
        );
        assert_eq!(got.place.region, "us-east-1");
        assert_eq!(got.place.account, "111122223333");
        assert_eq!(got.name, "org");
        assert!(got.multi_region && got.organization);
        assert_eq!(got.is_logging, None);
    }

    #[test]
    fn missing_arn_or_name_is_derived_from_the_other() {
        let no_arn = ct::Trail::builder().name("main").build();
        let got = trail(&ctx(), &no_arn, "eu-north-1").expect("a trail");
        assert_eq!(
            got.arn,
            "arn:aws:cloudtrail:eu-north-1:111122223333:trail/main"
        );
        assert!(!got.multi_region && !got.organization);

        let no_name = ct::Trail::builder()
            .trail_arn("arn:aws:cloudtrail:eu-west-1:111122223333:trail/x")
            .home_region("eu-west-1")
            .build();
        assert_eq!(
            trail(&ctx(), &no_name, "eu-north-1").map(|t| t.name),
            Some("x".into())
        );

        let nothing = ct::Trail::builder().home_region("eu-west-1").build();
        assert!(trail(&ctx(), &nothing, "eu-north-1").is_none());
    }
}
