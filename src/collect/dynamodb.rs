//! DynamoDB collector (regional): tables.
//!
//! Calls per region:
//!
//! | step | calls                                                     |
//! |------|-----------------------------------------------------------|
//! | 1    | `ListTables` pages of 100 (its maximum)                   |
//! | 2    | `DescribeTable` per table (encryption, status, deletion   |
//! |      | protection, billing mode, replicas)                       |
//! | 3    | only with `dynamodb-continuous-backups` (a rule reads     |
//! |      | `ContinuousBackupsDescription`): `DescribeContinuousBackups` |
//! |      | per table (point-in-time recovery; `DescribeTable` does   |
//! |      | not say)                                                  |
//!
//! DynamoDB has no batch describe, so a table costs one call, or two
//! when point-in-time recovery is read. Tags are
//! not read (`ListTagsOfResource` is one more call per table): tables
//! carry none. A table whose details cannot be read is kept with
//! [`DynamoDbTable::unreadable`] set and the unread fields empty.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types as ddb;

use super::context::{Ctx, owned, timestamp};
use super::error::internal_error;
use super::pager::Partial;
use crate::inventory::{Dataset, DynamoDbTable, TableSse};

/// Reads every table of the region with its details, and with `backups`
/// its continuous backups (point-in-time recovery).
pub(crate) async fn tables(ctx: &Ctx, client: &Client, backups: bool) -> Partial<DynamoDbTable> {
    const OP: &str = "ListTables";
    let mut out = read_pages!(
        ctx,
        OP,
        client.list_tables().limit(100).into_paginator().send(),
        |page| page
            .table_names()
            .iter()
            .filter(|n| !n.is_empty())
            .map(|name| listed(ctx, name)),
        more: |last| last.last_evaluated_table_name(),
    );
    let reads = out
        .items
        .iter_mut()
        .map(|t| details(ctx, client, t, backups));
    futures::future::join_all(reads).await;
    out
}

fn listed(ctx: &Ctx, name: &str) -> DynamoDbTable {
    DynamoDbTable {
        arn: ctx.arn_of(Dataset::DynamoDbTables, name).into(),
        place: ctx.place(),
        name: name.into(),
        ..Default::default()
    }
}

/// `DescribeTable`, then (with `backups`) `DescribeContinuousBackups`.
async fn details(ctx: &Ctx, client: &Client, t: &mut DynamoDbTable, backups: bool) {
    const DESCRIBE: &str = "DescribeTable";
    let answer = match ctx
        .call(
            DESCRIBE,
            client.describe_table().table_name(t.name.as_str()).send(),
        )
        .await
    {
        Ok(answer) => answer,
        Err(e) => return t.unreadable = Some(e.into()),
    };
    let Some(d) = answer.table() else {
        t.unreadable = Some(Box::new(internal_error(
            DESCRIBE,
            "MissingField",
            "DescribeTable answered without Table",
        )));
        return;
    };
    describe(t, d);
    if !backups {
        return;
    }
    match ctx
        .call(
            "DescribeContinuousBackups",
            client
                .describe_continuous_backups()
                .table_name(t.name.as_str())
                .send(),
        )
        .await
    {
        Ok(answer) => match answer.continuous_backups_description() {
            Some(c) => {
                t.continuous_backups_status = Some(c.continuous_backups_status().as_str().into());
                let pitr = c.point_in_time_recovery_description();
                t.point_in_time_recovery_status = pitr
                    .and_then(|p| p.point_in_time_recovery_status())
                    .map(|s| s.as_str().into());
                t.recovery_period_in_days = pitr.and_then(|p| p.recovery_period_in_days());
            }
            None => {
                t.unreadable = Some(Box::new(internal_error(
                    "DescribeContinuousBackups",
                    "MissingField",
                    "DescribeContinuousBackups answered without ContinuousBackupsDescription",
                )))
            }
        },
        Err(e) => t.unreadable = Some(e.into()),
    }
}

fn describe(t: &mut DynamoDbTable, d: &ddb::TableDescription) {
    if let Some(arn) = d.table_arn().filter(|a| !a.is_empty()) {
        t.arn = arn.to_string().into();
    }
    t.table_id = owned(d.table_id());
    t.table_status = d.table_status().map(|s| s.as_str().into());
    t.creation_date_time = d.creation_date_time().and_then(timestamp);
    t.billing_mode = d
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|m| m.as_str().into());
    t.sse = d.sse_description().map(|s| TableSse {
        status: s.status().map(|v| v.as_str().into()),
        sse_type: s.sse_type().map(|v| v.as_str().into()),
        kms_master_key_arn: owned(s.kms_master_key_arn()),
    });
    t.deletion_protection_enabled = d.deletion_protection_enabled();
    t.table_class = d
        .table_class_summary()
        .and_then(|c| c.table_class())
        .map(|c| c.as_str().into());
    t.replica_regions = d
        .replicas()
        .iter()
        .filter_map(|r| owned(r.region_name()))
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ctx() -> Ctx {
        Ctx::new(
            "111122223333",
            "aws",
            "us-east-1",
            Arc::new(crate::collect::limits::Limits::new(
                1,
                None,
                crate::collect::limits::DEFAULT_SHARE,
            )),
        )
    }

    /// DescribeTable's answer for a global table with a customer managed
    /// key, shaped as in AWS's API reference (moto gives no TableId and no
    /// TableClassSummary).
    #[test]
    fn table_description_as_aws_gives_it() {
        let mut t = listed(&ctx(), "Music");
        assert_eq!(t.arn, "arn:aws:dynamodb:us-east-1:111122223333:table/Music");
        let d = ddb::TableDescription::builder()
            .table_name("Music")
            .table_arn("arn:aws:dynamodb:us-east-1:111122223333:table/Music")
            .table_id("d1e2f3a4-0000-4000-8000-000000000001")
            .table_status(ddb::TableStatus::Active)
            .billing_mode_summary(
                ddb::BillingModeSummary::builder()
                    .billing_mode(ddb::BillingMode::Provisioned)
                    .build(),
            )
            .sse_description(
                ddb::SseDescription::builder()
                    .status(ddb::SseStatus::Enabled)
                    .sse_type(ddb::SseType::Kms)
                    .kms_master_key_arn(
                        "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-0000-4000-8000-000000000001",
                    )
                    .build(),
            )
            .table_class_summary(
                ddb::TableClassSummary::builder()
                    .table_class(ddb::TableClass::StandardInfrequentAccess)
                    .build(),
            )
            .deletion_protection_enabled(true)
            .replicas(ddb::ReplicaDescription::builder().region_name("us-east-1").build())
            .replicas(ddb::ReplicaDescription::builder().region_name("eu-west-1").build())
            .build();
        describe(&mut t, &d);
        assert_eq!(
            t.table_id.as_deref(),
            Some("d1e2f3a4-0000-4000-8000-000000000001")
        );
        assert_eq!(t.table_class.as_deref(), Some("STANDARD_INFREQUENT_ACCESS"));
        assert_eq!(t.billing_mode.as_deref(), Some("PROVISIONED"));
        assert_eq!(t.replica_regions, ["us-east-1", "eu-west-1"]);
        let sse = t.sse.as_ref().unwrap();
        assert_eq!(sse.status.as_deref(), Some("ENABLED"));
        assert_eq!(sse.sse_type.as_deref(), Some("KMS"));
        assert_eq!(t.deletion_protection_enabled, Some(true));

        // The default encryption (an AWS owned key): no SSEDescription.
        let mut plain = listed(&ctx(), "Plain");
        describe(
            &mut plain,
            &ddb::TableDescription::builder().table_name("Plain").build(),
        );
        assert_eq!(plain.sse, None);
        assert_eq!(plain.deletion_protection_enabled, None);
    }
}
