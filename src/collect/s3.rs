//! S3 collector (global per account): the buckets and their default
//! encryption.
//!
//! Calls per account:
//!
//! | what                 | calls                                                           |
//! |----------------------|-----------------------------------------------------------------|
//! | bucket list          | `ListBuckets` pages of 10,000, in the home region               |
//! | bucket region        | from `ListBuckets`' `BucketRegion`; else `GetBucketLocation`     |
//! |                      | **per bucket** (home region)                                     |
//! | default encryption   | `GetBucketEncryption` **per bucket** (no batch API), sent to the |
//! |                      | bucket's own region (one client per region)                      |
//!
//! `ListBuckets` returns `BucketRegion` only when the request has a
//! parameter; `MaxBuckets` is one, so `GetBucketLocation` is a fallback.
//!
//! **Default encryption** keeps two facts apart: the error code
//! `ServerSideEncryptionConfigurationNotFoundError` means the bucket has
//! no configuration (`Read::Value(None)`); any other failure means conform
//! could not find out (`Read::Unreadable`). A bucket whose region could not
//! be found has the [`GLOBAL`] region and its encryption is unreadable,
//! with the `GetBucketLocation` error as the reason.
//!
//! The dataset's coverage error is `ListBuckets`'; per-bucket failures are
//! recorded on the buckets.

use std::collections::HashMap;

use aws_config::SdkConfig;
use aws_sdk_s3::Client;

use super::client::s3_client;
use super::context::{Ctx, Partial};
use crate::inventory::{AwsError, Bucket, BucketEncryptionRule, GLOBAL, Place, Read};

/// The error code S3 answers `GetBucketEncryption` with when the bucket has
/// no default encryption configuration.
const NO_CONFIGURATION: &str = "ServerSideEncryptionConfigurationNotFoundError";

/// Reads every bucket of the account. `ctx` is the account's global
/// context; `home` the region to list from.
pub(crate) async fn buckets(
    ctx: &Ctx,
    config: &SdkConfig,
    home: &str,
    force_path_style: bool,
) -> Partial<Bucket> {
    const OP: &str = "ListBuckets";
    let home_client = s3_client(config, home, force_path_style);
    let mut error = None;
    let mut listed: Vec<(String, Option<String>)> = Vec::new();
    let mut pages = home_client
        .list_buckets()
        .max_buckets(10_000)
        .into_paginator()
        .send();
    loop {
        match ctx.page(OP, pages.next()).await {
            Ok(Some(page)) => listed.extend(page.buckets().iter().filter_map(|b| {
                let name = b.name().filter(|n| !n.is_empty())?.to_string();
                let region = b
                    .bucket_region()
                    .filter(|r| !r.is_empty())
                    .map(str::to_string);
                Some((name, region))
            })),
            Ok(None) => break,
            Err(e) => break error = Some(e),
        }
    }

    // Regions that ListBuckets did not give.
    let located: Vec<(String, Result<String, AwsError>)> =
        futures::future::join_all(listed.into_iter().map(|(name, region)| {
            let home_client = &home_client;
            async move {
                let region = match region {
                    Some(r) => Ok(r),
                    None => bucket_location(ctx, home_client, &name).await,
                };
                (name, region)
            }
        }))
        .await;

    // One client per bucket region.
    let mut clients: HashMap<String, Client> = HashMap::new();
    for (_, region) in &located {
        if let Ok(r) = region {
            clients
                .entry(r.clone())
                .or_insert_with(|| s3_client(config, r, force_path_style));
        }
    }

    let items = futures::future::join_all(located.into_iter().map(|(name, region)| {
        let clients = &clients;
        async move {
            let (region, default_encryption) = match region {
                Ok(region) => {
                    let encryption = match clients.get(&region) {
                        Some(client) => default_encryption(ctx, client, &name).await,
                        None => Read::Unreadable(super::error::internal_error(
                            "GetBucketEncryption",
                            "NoClient",
                            format!("no S3 client for region {region}"),
                        )),
                    };
                    (region, encryption)
                }
                Err(e) => (GLOBAL.to_string(), Read::Unreadable(e)),
            };
            Bucket {
                arn: format!("arn:{}:s3:::{name}", ctx.partition),
                place: Place {
                    account: ctx.account.clone(),
                    region,
                },
                name,
                default_encryption,
                tags: Default::default(),
                tags_error: None,
                lifecycle: None,
            }
        }
    }))
    .await;
    Partial { items, error }
}

/// The region of a bucket per `GetBucketLocation` (an empty constraint is
/// `us-east-1`, the legacy `EU` is `eu-west-1`).
async fn bucket_location(ctx: &Ctx, client: &Client, name: &str) -> Result<String, AwsError> {
    let answer = ctx
        .call(
            "GetBucketLocation",
            client.get_bucket_location().bucket(name).send(),
        )
        .await?;
    Ok(match answer.location_constraint().map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(region) => region.to_string(),
    })
}

async fn default_encryption(
    ctx: &Ctx,
    client: &Client,
    name: &str,
) -> Read<Option<Vec<BucketEncryptionRule>>> {
    match ctx
        .call(
            "GetBucketEncryption",
            client.get_bucket_encryption().bucket(name).send(),
        )
        .await
    {
        Ok(answer) => Read::Value(answer.server_side_encryption_configuration().map(|c| {
            c.rules()
                .iter()
                .filter_map(|r| {
                    let default = r.apply_server_side_encryption_by_default()?;
                    Some(BucketEncryptionRule {
                        algorithm: default.sse_algorithm().as_str().to_string(),
                        kms_key_id: default.kms_master_key_id().map(str::to_string),
                        bucket_key_enabled: r.bucket_key_enabled(),
                    })
                })
                .collect()
        })),
        Err(e) if e.code == NO_CONFIGURATION => Read::Value(None),
        Err(e) => Read::Unreadable(e),
    }
}
