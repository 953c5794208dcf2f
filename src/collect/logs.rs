//! CloudWatch Logs collector (regional): log groups and their retention.
//!
//! Calls per region: `DescribeLogGroups` pages of 50 (its maximum).

use aws_sdk_cloudwatchlogs::Client;

use super::context::Ctx;
use super::pager::Partial;
use crate::inventory::LogGroup;
use crate::inventory::{Dataset, Str};

/// Reads every log group of the region.
pub(crate) async fn log_groups(ctx: &Ctx, client: &Client) -> Partial<LogGroup> {
    const OP: &str = "DescribeLogGroups";
    read_pages!(
        ctx,
        OP,
        client
            .describe_log_groups()
            .limit(50)
            .into_paginator()
            .send(),
        |page| page.log_groups().iter().filter_map(|g| {
            let name = Str::from(g.log_group_name()?);
            // `arn` ends in ":*" (it names the group's streams);
            // `logGroupArn` is the group's own ARN.
            let arn = match (g.log_group_arn(), g.arn()) {
                (Some(arn), _) => arn.to_string(),
                (None, Some(arn)) => arn.strip_suffix(":*").unwrap_or(arn).to_string(),
                (None, None) => ctx.arn_of(Dataset::LogGroups, &name),
            };
            Some(LogGroup {
                arn: arn.into(),
                place: ctx.place(),
                name,
                retention_days: g.retention_in_days(),
                kms_key_id: g.kms_key_id().map(Str::from),
                creation_time: g.creation_time(),
                log_group_class: g.log_group_class().map(|c| c.as_str().into()),
                data_protection_status: g.data_protection_status().map(|d| d.as_str().into()),
                deletion_protection_enabled: g.deletion_protection_enabled(),
                metric_filter_count: g.metric_filter_count(),
            })
        }),
        more: |last| last.next_token(),
    )
}
