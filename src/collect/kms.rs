//! KMS collector (regional): the region's KMS keys.
//!
//! Calls per region:
//!
//! | step | calls                                                             |
//! |------|-------------------------------------------------------------------|
//! | 1    | `ListKeys` pages of 1000 (its maximum)                            |
//! | 2    | `DescribeKey` per key listed (KMS has no batch describe)          |
//! | 3    | only with `kms-key-rotation` (a rule reads `KeyRotationEnabled`): |
//! |      | `GetKeyRotationStatus` per customer managed `SYMMETRIC_DEFAULT`   |
//! |      | key with `Origin` `AWS_KMS` (see [`KmsKey::has_rotation_status`]) |
//!
//! **Every key, not only the keys other resources reference.** Issue 14
//! asked for "the keys the inventory references"; conform reads every key
//! the region lists instead, because:
//!
//! - *exactness*: a rule over KMS keys (`kind = "AWS::KMS::Key"`) then
//!   judges all of them, whatever else the pack collects. Keys found
//!   through references would depend on which other kinds were collected,
//!   would miss keys used by services conform does not read (Secrets
//!   Manager, SQS, Lambda, ...), and could not tell an alias or a key of
//!   another account from a missing key;
//! - *calls*: referenced keys would save only the `ListKeys` pages (one
//!   per 1000 keys) and the `DescribeKey` of keys nothing collected points
//!   at, but would make the KMS step wait for every other collector of the
//!   region. `DescribeKey` is per key either way.
//!
//! Tags are not read (`ListResourceTags` is one call per key): keys carry
//! none. A key whose details or rotation status cannot be read (a key
//! policy may deny the scanner what IAM allows) is kept with
//! [`KmsKey::unreadable`] set and the unread fields empty: the dataset's
//! list is complete, and what was not read is unknown, never assumed.

use aws_sdk_kms::Client;
use aws_sdk_kms::types as kms;

use super::context::{Ctx, owned, timestamp};
use super::error::internal_error;
use super::pager::Partial;
use crate::inventory::{Dataset, KmsKey, Str};

/// Reads every key of the region with its details, and with `rotation`
/// the rotation status of the keys that have one.
pub(crate) async fn keys(ctx: &Ctx, client: &Client, rotation: bool) -> Partial<KmsKey> {
    const OP: &str = "ListKeys";
    let mut out = read_pages!(
        ctx,
        OP,
        client.list_keys().limit(1000).into_paginator().send(),
        |page| page.keys().iter().filter_map(|k| listed(ctx, k)),
        more: |last| last.next_marker(),
    );
    let reads = out
        .items
        .iter_mut()
        .map(|key| details(ctx, client, key, rotation));
    futures::future::join_all(reads).await;
    out
}

/// A key as `ListKeys` gives it (its id and ARN); skipped without an id.
fn listed(ctx: &Ctx, k: &kms::KeyListEntry) -> Option<KmsKey> {
    let id = Str::from(k.key_id().filter(|id| !id.is_empty())?);
    Some(KmsKey {
        arn: match k.key_arn() {
            Some(arn) if !arn.is_empty() => arn.to_string().into(),
            _ => ctx.arn_of(Dataset::KmsKeys, &id).into(),
        },
        place: ctx.place(),
        id,
        ..Default::default()
    })
}

/// `DescribeKey`, then (with `rotation`) `GetKeyRotationStatus` where it
/// applies.
async fn details(ctx: &Ctx, client: &Client, key: &mut KmsKey, rotation: bool) {
    const DESCRIBE: &str = "DescribeKey";
    let answer = match ctx
        .call(DESCRIBE, client.describe_key().key_id(&*key.arn).send())
        .await
    {
        Ok(answer) => answer,
        Err(e) => return key.unreadable = Some(e.into()),
    };
    let Some(m) = answer.key_metadata() else {
        key.unreadable = Some(Box::new(internal_error(
            DESCRIBE,
            "MissingField",
            "DescribeKey answered without KeyMetadata",
        )));
        return;
    };
    metadata(key, m);

    if !rotation || !key.has_rotation_status() {
        return;
    }
    match ctx
        .call(
            "GetKeyRotationStatus",
            client.get_key_rotation_status().key_id(&*key.arn).send(),
        )
        .await
    {
        Ok(status) => {
            key.key_rotation_enabled = Some(status.key_rotation_enabled());
            key.rotation_period_in_days = status.rotation_period_in_days();
        }
        Err(e) => key.unreadable = Some(e.into()),
    }
}

/// The fields of `DescribeKey`'s `KeyMetadata`.
fn metadata(key: &mut KmsKey, m: &kms::KeyMetadata) {
    key.creation_date = m.creation_date().and_then(timestamp);
    key.enabled = Some(m.enabled());
    key.description = owned(m.description());
    key.key_usage = m.key_usage().map(|v| v.as_str().into());
    key.key_state = m.key_state().map(|v| v.as_str().into());
    key.deletion_date = m.deletion_date().and_then(timestamp);
    key.origin = m.origin().map(|v| v.as_str().into());
    key.key_manager = m.key_manager().map(|v| v.as_str().into());
    key.key_spec = m.key_spec().map(|v| v.as_str().into());
    key.multi_region = m.multi_region();
    key.custom_key_store_id = owned(m.custom_key_store_id());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use aws_smithy_types::DateTime;

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

    /// DescribeKey's answer for a multi-Region key, as in AWS's API
    /// reference (moto gives no MultiRegion).
    #[test]
    fn key_metadata_as_aws_gives_it() {
        let arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        let entry = kms::KeyListEntry::builder()
            .key_id("mrk-1234abcd12ab34cd56ef1234567890ab")
            .key_arn(arn)
            .build();
        let mut key = listed(&ctx(), &entry).unwrap();
        assert_eq!(key.arn, arn);
        let m = kms::KeyMetadata::builder()
            .aws_account_id("111122223333")
            .key_id("mrk-1234abcd12ab34cd56ef1234567890ab")
            .arn(arn)
            .creation_date(DateTime::from_secs(1_642_716_928))
            .enabled(true)
            .description("")
            .key_usage(kms::KeyUsageType::EncryptDecrypt)
            .key_state(kms::KeyState::Enabled)
            .origin(kms::OriginType::AwsKms)
            .key_manager(kms::KeyManagerType::Customer)
            .key_spec(kms::KeySpec::SymmetricDefault)
            .multi_region(true)
            .build()
            .unwrap();
        metadata(&mut key, &m);
        assert_eq!(key.key_manager.as_deref(), Some("CUSTOMER"));
        assert_eq!(key.key_usage.as_deref(), Some("ENCRYPT_DECRYPT"));
        assert_eq!(key.key_state.as_deref(), Some("Enabled"));
        assert_eq!(key.enabled, Some(true));
        assert_eq!(key.key_spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
        assert_eq!(key.origin.as_deref(), Some("AWS_KMS"));
        assert_eq!(key.multi_region, Some(true));
        assert_eq!(
            key.creation_date.map(|t| t.to_string()).as_deref(),
            Some("2022-01-20T22:15:28Z")
        );
        assert!(key.has_rotation_status());
        // An AWS managed key: AWS rotates it, conform does not ask.
        key.key_manager = Some("AWS".into());
        assert!(!key.has_rotation_status());
        // Imported key material: no automatic rotation to ask about.
        key.key_manager = Some("CUSTOMER".into());
        key.origin = Some("EXTERNAL".into());
        assert!(!key.has_rotation_status());
    }

    #[test]
    fn a_listed_key_without_an_arn_gets_one_and_without_an_id_is_skipped() {
        let entry = kms::KeyListEntry::builder().key_id("k-1").build();
        assert_eq!(
            listed(&ctx(), &entry).unwrap().arn,
            "arn:aws:kms:us-east-1:111122223333:key/k-1"
        );
        assert!(listed(&ctx(), &kms::KeyListEntry::builder().build()).is_none());
    }
}
