//! S3 collector (global per account): the buckets, their default
//! encryption and, with [`Dataset::BucketDetails`], their tags and
//! lifecycle rules.
//!
//! Calls per account:
//!
//! | what                 | calls                                                            |
//! |----------------------|------------------------------------------------------------------|
//! | bucket list          | `ListBuckets` pages of 10,000, in the home region                |
//! | bucket region        | from `ListBuckets`' `BucketRegion`; else `GetBucketLocation`      |
//! |                      | **per bucket** (home region)                                      |
//! | default encryption   | `GetBucketEncryption` **per bucket** (no batch API), sent to the  |
//! |                      | bucket's own region (one client per region)                       |
//! | tags (details only)  | `GetBucketTagging` **per bucket**, in the bucket's region         |
//! | lifecycle (details)  | `GetBucketLifecycleConfiguration` **per bucket**, in the bucket's |
//! |                      | region (IAM action `s3:GetLifecycleConfiguration`)                |
//! | versioning (details) | `GetBucketVersioning` per bucket **whose lifecycle has rules**    |
//! |                      | (without rules nothing expires, versioned or not); **per bucket** |
//! |                      | with [`Dataset::BucketVersioning`]                                |
//! | Object Lock          | `GetObjectLockConfiguration` **per bucket**, only with            |
//! |                      | [`Dataset::BucketObjectLock`] (IAM action                         |
//! |                      | `s3:GetBucketObjectLockConfiguration`)                            |
//! | Block Public Access  | `GetPublicAccessBlock` **per bucket**, only with                  |
//! |                      | [`Dataset::BucketPublicAccessBlock`] (IAM action                  |
//! |                      | `s3:GetBucketPublicAccessBlock`)                                  |
//! | policy status        | `GetBucketPolicyStatus` **per bucket**, only with                 |
//! |                      | [`Dataset::BucketPolicyStatus`]                                   |
//!
//! | account settings     | S3 Control `GetPublicAccessBlock` **once per account**, only with |
//! |                      | [`Dataset::AccountPublicAccessBlocks`] (IAM action                |
//! |                      | `s3:GetAccountPublicAccessBlock`)                                 |
//!
//! All per-bucket reads share the scan's request limit. At most
//! [`BUCKETS_AT_ONCE`] buckets of the account are being located and read
//! at a time, each read as soon as its region is known: each bucket's
//! reads are one future of tens of kilobytes (the SDK's requests in it),
//! and made all at once, for every bucket of the account, they were most
//! of a scan's peak memory (19 of 31 MB of heap at 300 buckets, about 300
//! MB at 5,000).
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
//! **Details** follow the same rule: `NoSuchTagSet` is a bucket without
//! tags, any other failure goes to [`Bucket::tags_error`];
//! `NoSuchLifecycleConfiguration` is `Some(Read::Value(None))`, any other
//! failure `Some(Read::Unreadable)`. Without details, buckets have no tags
//! and `lifecycle: None` (not read). A lifecycle rule's filter is kept as
//! text ([`filter_text`]).
//!
//! **The other per-bucket reads** (versioning of every bucket, Object
//! Lock, Block Public Access, policy status) are each a dataset of its
//! own, read only when a rule's field needs it: there is no batch API, so
//! each costs a request per bucket. Each keeps "not configured" apart
//! from "not read": `ObjectLockConfigurationNotFoundError`,
//! `NoSuchPublicAccessBlockConfiguration` and `NoSuchBucketPolicy` are
//! `Some(Read::Value(None))`; any other failure (access denied) is
//! `Some(Read::Unreadable)`; not asked for is `None`.
//!
//! The coverage error of both datasets is `ListBuckets`'; per-bucket
//! failures are recorded on the buckets.

use std::collections::HashMap;

use futures::StreamExt;

use aws_sdk_s3::Client;
use aws_sdk_s3::types as s3;

use super::client::{ScanConfig, s3_client};
use super::context::{Ctx, tags};
use super::pager::Partial;
use crate::inventory::{
    AccountPublicAccessBlock, AwsError, Bucket, BucketEncryptionRule, Dataset, GLOBAL,
    LifecycleRule, ObjectLock, Place, PublicAccessBlock, Read, Str, Tags,
};

/// The error code S3 answers `GetBucketEncryption` with when the bucket has
/// no default encryption configuration.
const NO_CONFIGURATION: &str = "ServerSideEncryptionConfigurationNotFoundError";
/// The error code of `GetBucketTagging` for a bucket without tags.
const NO_TAGS: &str = "NoSuchTagSet";
/// The error code of `GetBucketLifecycleConfiguration` for a bucket without
/// a lifecycle configuration.
const NO_LIFECYCLE: &str = "NoSuchLifecycleConfiguration";
/// `GetObjectLockConfiguration`'s answer for a bucket without Object Lock.
const NO_OBJECT_LOCK: &str = "ObjectLockConfigurationNotFoundError";
/// `GetPublicAccessBlock`'s answer for a bucket without the settings.
const NO_PUBLIC_ACCESS_BLOCK: &str = "NoSuchPublicAccessBlockConfiguration";
/// `GetBucketPolicyStatus`' answer for a bucket without a policy.
const NO_POLICY: &str = "NoSuchBucketPolicy";

/// What to read of each bucket besides its default encryption, one flag
/// per dataset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BucketWants {
    /// Tags and lifecycle rules ([`Dataset::BucketDetails`]), and the
    /// versioning of buckets with lifecycle rules.
    pub details: bool,
    /// Every bucket's versioning ([`Dataset::BucketVersioning`]).
    pub versioning: bool,
    pub object_lock: bool,
    pub public_access_block: bool,
    pub policy_status: bool,
}

impl BucketWants {
    /// The datasets asked for besides the bucket list.
    pub(crate) fn datasets(self) -> Vec<Dataset> {
        [
            (self.details, Dataset::BucketDetails),
            (self.versioning, Dataset::BucketVersioning),
            (self.object_lock, Dataset::BucketObjectLock),
            (self.public_access_block, Dataset::BucketPublicAccessBlock),
            (self.policy_status, Dataset::BucketPolicyStatus),
        ]
        .into_iter()
        .filter_map(|(on, d)| on.then_some(d))
        .collect()
    }

    pub(crate) fn of(wanted: &std::collections::BTreeSet<Dataset>) -> Self {
        BucketWants {
            details: wanted.contains(&Dataset::BucketDetails),
            versioning: wanted.contains(&Dataset::BucketVersioning),
            object_lock: wanted.contains(&Dataset::BucketObjectLock),
            public_access_block: wanted.contains(&Dataset::BucketPublicAccessBlock),
            policy_status: wanted.contains(&Dataset::BucketPolicyStatus),
        }
    }
}

/// A bucket's tags and lifecycle rules, as stored on [`Bucket`].
#[derive(Default)]
struct Details {
    tags: Tags,
    tags_error: Option<AwsError>,
    lifecycle: Option<Read<Option<Vec<LifecycleRule>>>>,
    versioning: Option<Read<Option<Str>>>,
    mfa_delete: Option<Str>,
    object_lock: Option<Read<Option<ObjectLock>>>,
    public_access_block: Option<Read<Option<PublicAccessBlock>>>,
    policy_is_public: Option<Read<Option<bool>>>,
}

impl Details {
    /// Unreadable for the reason `e` where asked for, else not read.
    fn unreadable_if(wants: BucketWants, e: &AwsError) -> Self {
        fn unreadable<T>(asked: bool, e: &AwsError) -> Option<Read<T>> {
            asked.then(|| Read::Unreadable(e.clone().into()))
        }
        Details {
            tags: Tags::new(),
            tags_error: wants.details.then(|| e.clone()),
            lifecycle: unreadable(wants.details, e),
            versioning: unreadable(wants.versioning, e),
            mfa_delete: None,
            object_lock: unreadable(wants.object_lock, e),
            public_access_block: unreadable(wants.public_access_block, e),
            policy_is_public: unreadable(wants.policy_status, e),
        }
    }
}

/// Buckets being located and read at a time, in the account: many more
/// requests than `--concurrency` allows in flight (each bucket sends
/// several, one after another), so the request slots and the budgets stay
/// as busy as when every bucket was started at once, in a bounded memory.
pub(crate) const BUCKETS_AT_ONCE: usize = 128;

/// Reads every bucket of the account, with what `wants` asks for besides
/// their encryption. `ctx` is the account's global context; `home` the
/// region to list from.
pub(crate) async fn buckets(
    ctx: &Ctx,
    config: &ScanConfig,
    home: &str,
    force_path_style: bool,
    wants: BucketWants,
) -> Partial<Bucket> {
    const OP: &str = "ListBuckets";
    let home_client = s3_client(config, home, force_path_style);
    let Partial {
        items: listed,
        error,
    } = read_pages!(
        ctx,
        OP,
        home_client
            .list_buckets()
            .max_buckets(10_000)
            .into_paginator()
            .send(),
        |page| page.buckets().iter().filter_map(|b| {
            let name = b.name().filter(|n| !n.is_empty())?.to_string();
            let region = b
                .bucket_region()
                .filter(|r| !r.is_empty())
                .map(str::to_string);
            Some((name, region))
        }),
        more: |last| last.continuation_token(),
    );

    // One client per bucket region, made when a bucket there is first
    // read.
    let clients: std::sync::Mutex<HashMap<String, Client>> = Default::default();
    let client_in = |region: &str| -> Client {
        let mut clients = match clients.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        clients
            .entry(region.to_string())
            .or_insert_with(|| s3_client(config, region, force_path_style))
            .clone()
    };

    // Each bucket is located (when ListBuckets did not give its region)
    // and then read at once, in one window: the reads of the first
    // buckets located overlap the locating of the next, instead of
    // waiting for every bucket's region. The list's order is restored.
    let read = |(name, region): (String, Option<String>)| {
        let home_client = &home_client;
        let client_in = &client_in;
        async move {
            let region = match region {
                Some(r) => Ok(r),
                None => bucket_location(ctx, home_client, &name).await,
            };
            let (region, default_encryption, details) = match region {
                Ok(region) => {
                    let client = client_in(&region);
                    let (encryption, details) = futures::join!(
                        default_encryption(ctx, &client, &name),
                        bucket_details(ctx, &client, &name, wants)
                    );
                    (region, encryption, details)
                }
                Err(e) => {
                    let details = Details::unreadable_if(wants, &e);
                    (GLOBAL.to_string(), Read::Unreadable(e.into()), details)
                }
            };
            Bucket {
                arn: ctx.arn_of(Dataset::Buckets, &name).into(),
                place: Place {
                    account: (&ctx.account).into(),
                    region: region.into(),
                },
                name: name.into(),
                default_encryption,
                tags: details.tags,
                tags_error: details.tags_error.map(Box::new),
                lifecycle: details.lifecycle,
                versioning: details.versioning,
                mfa_delete: details.mfa_delete,
                object_lock: details.object_lock,
                public_access_block: details.public_access_block,
                policy_is_public: details.policy_is_public,
            }
        }
    };
    let read = &read;
    let mut items: Vec<(usize, Bucket)> = futures::stream::iter(
        listed
            .into_iter()
            .enumerate()
            .map(|(i, bucket)| async move { (i, read(bucket).await) }),
    )
    .buffer_unordered(BUCKETS_AT_ONCE)
    .collect()
    .await;
    items.sort_unstable_by_key(|(i, _)| *i);
    let items = items.into_iter().map(|(_, bucket)| bucket).collect();
    Partial { items, error }
}

/// Reads the account's Block Public Access settings (S3 Control
/// `GetPublicAccessBlock`, one call per account, sent to `home`). A failure
/// other than "no settings" is the dataset's coverage error.
pub(crate) async fn account_public_access_block(
    ctx: &Ctx,
    config: &ScanConfig,
    home: &str,
) -> Partial<AccountPublicAccessBlock> {
    let client = config.in_region(home).s3control();
    let answer = ctx
        .call(
            "GetPublicAccessBlock",
            client
                .get_public_access_block()
                .account_id(&ctx.account)
                .send(),
        )
        .await;
    let settings = match answer {
        Ok(answer) => answer
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls(),
                ignore_public_acls: c.ignore_public_acls(),
                block_public_policy: c.block_public_policy(),
                restrict_public_buckets: c.restrict_public_buckets(),
            }),
        Err(e) if e.code == NO_PUBLIC_ACCESS_BLOCK => None,
        Err(e) => {
            return Partial {
                items: Vec::new(),
                error: Some(e),
            };
        }
    };
    Partial {
        items: vec![AccountPublicAccessBlock {
            arn: ctx.arn_of(Dataset::AccountPublicAccessBlocks, "").into(),
            place: Place {
                account: (&ctx.account).into(),
                region: GLOBAL.into(),
            },
            settings,
        }],
        error: None,
    }
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
                        algorithm: default.sse_algorithm().as_str().into(),
                        kms_key_id: default.kms_master_key_id().map(Str::from),
                        bucket_key_enabled: r.bucket_key_enabled(),
                    })
                })
                .collect()
        })),
        Err(e) if e.code == NO_CONFIGURATION => Read::Value(None),
        Err(e) => Read::Unreadable(e.into()),
    }
}

/// Reads what `wants` asks for of one bucket (concurrently, except the
/// versioning of buckets with lifecycle rules, which waits for them).
async fn bucket_details(ctx: &Ctx, client: &Client, name: &str, wants: BucketWants) -> Details {
    let tags_and_lifecycle = async {
        if !wants.details {
            return (Tags::new(), None, None);
        }
        let (tags, tags_error, lifecycle) = tags_and_lifecycle(ctx, client, name).await;
        (tags, tags_error, Some(lifecycle))
    };
    let object_lock = async {
        if !wants.object_lock {
            return None;
        }
        Some(
            match ctx
                .call(
                    "GetObjectLockConfiguration",
                    client.get_object_lock_configuration().bucket(name).send(),
                )
                .await
            {
                Ok(answer) => Read::Value(answer.object_lock_configuration().map(object_lock)),
                Err(e) if e.code == NO_OBJECT_LOCK => Read::Value(None),
                Err(e) => Read::Unreadable(e.into()),
            },
        )
    };
    let public_access_block = async {
        if !wants.public_access_block {
            return None;
        }
        Some(
            match ctx
                .call(
                    "GetPublicAccessBlock",
                    client.get_public_access_block().bucket(name).send(),
                )
                .await
            {
                Ok(answer) => Read::Value(
                    answer
                        .public_access_block_configuration()
                        .map(public_access_block),
                ),
                Err(e) if e.code == NO_PUBLIC_ACCESS_BLOCK => Read::Value(None),
                Err(e) => Read::Unreadable(e.into()),
            },
        )
    };
    let policy_status = async {
        if !wants.policy_status {
            return None;
        }
        Some(
            match ctx
                .call(
                    "GetBucketPolicyStatus",
                    client.get_bucket_policy_status().bucket(name).send(),
                )
                .await
            {
                // A policy AWS judged: its answer, or not public when it
                // left IsPublic out (a policy that grants nobody outside).
                Ok(answer) => Read::Value(Some(
                    answer
                        .policy_status()
                        .and_then(|p| p.is_public())
                        .unwrap_or(false),
                )),
                Err(e) if e.code == NO_POLICY => Read::Value(None),
                Err(e) => Read::Unreadable(e.into()),
            },
        )
    };
    let ((tags, tags_error, lifecycle), object_lock, public_access_block, policy_is_public) = futures::join!(
        tags_and_lifecycle,
        object_lock,
        public_access_block,
        policy_status
    );
    // Versioning matters to the lifecycle where some rule could expire
    // objects: read it there alone, unless every bucket's is asked for.
    let lifecycle_rules = matches!(&lifecycle, Some(Read::Value(Some(rules))) if !rules.is_empty());
    let (versioning, mfa_delete) = if wants.versioning || lifecycle_rules {
        match ctx
            .call(
                "GetBucketVersioning",
                client.get_bucket_versioning().bucket(name).send(),
            )
            .await
        {
            Ok(answer) => (
                Some(Read::Value(answer.status().map(|s| s.as_str().into()))),
                answer.mfa_delete().map(|m| m.as_str().into()),
            ),
            Err(e) => (Some(Read::Unreadable(e.into())), None),
        }
    } else {
        (None, None)
    };
    Details {
        tags,
        tags_error,
        lifecycle,
        versioning,
        mfa_delete,
        object_lock,
        public_access_block,
        policy_is_public,
    }
}

/// A bucket's tags and lifecycle rules (two requests, concurrently).
async fn tags_and_lifecycle(
    ctx: &Ctx,
    client: &Client,
    name: &str,
) -> (Tags, Option<AwsError>, Read<Option<Vec<LifecycleRule>>>) {
    let (tagging, lifecycle) = futures::join!(
        ctx.call(
            "GetBucketTagging",
            client.get_bucket_tagging().bucket(name).send()
        ),
        ctx.call(
            "GetBucketLifecycleConfiguration",
            client
                .get_bucket_lifecycle_configuration()
                .bucket(name)
                .send()
        ),
    );
    let (tags, tags_error) = match tagging {
        Ok(answer) => (
            tags(
                answer
                    .tag_set()
                    .iter()
                    .map(|t| (Some(t.key()), Some(t.value()))),
            ),
            None,
        ),
        Err(e) if e.code == NO_TAGS => (Tags::new(), None),
        Err(e) => (Tags::new(), Some(e)),
    };
    let lifecycle = match lifecycle {
        Ok(answer) => Read::Value(Some(
            answer
                .rules()
                .iter()
                .map(lifecycle_rule)
                .collect::<Vec<_>>(),
        )),
        Err(e) if e.code == NO_LIFECYCLE => Read::Value(None),
        Err(e) => Read::Unreadable(e.into()),
    };
    (tags, tags_error, lifecycle)
}

fn object_lock(c: &s3::ObjectLockConfiguration) -> ObjectLock {
    let retention = c.rule().and_then(|r| r.default_retention());
    ObjectLock {
        enabled: c.object_lock_enabled().map(|e| e.as_str().into()),
        mode: retention.and_then(|r| r.mode()).map(|m| m.as_str().into()),
        days: retention.and_then(|r| r.days()),
        years: retention.and_then(|r| r.years()),
    }
}

/// Block Public Access settings as S3 and S3 Control give them.
pub(crate) fn public_access_block(c: &s3::PublicAccessBlockConfiguration) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.block_public_acls(),
        ignore_public_acls: c.ignore_public_acls(),
        block_public_policy: c.block_public_policy(),
        restrict_public_buckets: c.restrict_public_buckets(),
    }
}

fn lifecycle_rule(r: &s3::LifecycleRule) -> LifecycleRule {
    LifecycleRule {
        id: r.id().map(Str::from),
        enabled: *r.status() == s3::ExpirationStatus::Enabled,
        filter: filter_text(r).map(Str::from),
        expiration_days: r.expiration().and_then(|e| e.days()),
        noncurrent_expiration_days: r
            .noncurrent_version_expiration()
            .and_then(|e| e.noncurrent_days()),
    }
}

/// A lifecycle rule's filter as text: its conditions (`prefix=logs/`,
/// `tag backup=true`, `size>1024`, `size<4096`), joined with ` and `;
/// `None` when the rule applies to every object (no condition, or only an
/// empty prefix). The legacy top-level `Prefix` counts as a prefix.
fn filter_text(r: &s3::LifecycleRule) -> Option<String> {
    fn prefix(p: Option<&str>, parts: &mut Vec<String>) {
        if let Some(p) = p.filter(|p| !p.is_empty()) {
            parts.push(format!("prefix={p}"));
        }
    }
    let mut parts = Vec::new();
    // Deprecated by the SDK in favour of `Filter`, but rules written before
    // `Filter` existed still carry it, and S3 still applies it.
    #[allow(deprecated)]
    let legacy = r.prefix();
    prefix(legacy, &mut parts);
    if let Some(f) = r.filter() {
        prefix(f.prefix(), &mut parts);
        let and = f.and();
        prefix(and.and_then(|a| a.prefix()), &mut parts);
        let tags = f
            .tag()
            .into_iter()
            .chain(and.map(|a| a.tags()).unwrap_or_default());
        for t in tags {
            parts.push(format!("tag {}={}", t.key(), t.value()));
        }
        let sizes = [
            f.object_size_greater_than(),
            and.and_then(|a| a.object_size_greater_than()),
        ];
        for n in sizes.into_iter().flatten() {
            parts.push(format!("size>{n}"));
        }
        let sizes = [
            f.object_size_less_than(),
            and.and_then(|a| a.object_size_less_than()),
        ];
        for n in sizes.into_iter().flatten() {
            parts.push(format!("size<{n}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

#[cfg(test)]
// The legacy top-level `Prefix` is deprecated, and tested.
#[allow(deprecated)]
mod tests {
    use super::*;
    use s3::{ExpirationStatus, LifecycleRuleAndOperator, LifecycleRuleFilter, Tag};

    fn rule() -> aws_sdk_s3::types::builders::LifecycleRuleBuilder {
        s3::LifecycleRule::builder().status(ExpirationStatus::Enabled)
    }

    fn tag(k: &str, v: &str) -> Tag {
        Tag::builder()
            .key(k)
            .value(v)
            .build()
            .expect("key and value set")
    }

    fn built(b: aws_sdk_s3::types::builders::LifecycleRuleBuilder) -> s3::LifecycleRule {
        b.build().expect("status set")
    }

    #[test]
    fn a_rule_without_conditions_applies_to_every_object() {
        assert_eq!(filter_text(&built(rule())), None);
        let empty_filter = rule().filter(LifecycleRuleFilter::builder().build());
        assert_eq!(filter_text(&built(empty_filter)), None);
        let empty_prefix = rule().filter(LifecycleRuleFilter::builder().prefix("").build());
        assert_eq!(filter_text(&built(empty_prefix)), None);
        let empty_legacy = rule().prefix("");
        assert_eq!(filter_text(&built(empty_legacy)), None);
        let empty_and = rule().filter(
            LifecycleRuleFilter::builder()
                .and(LifecycleRuleAndOperator::builder().prefix("").build())
                .build(),
        );
        assert_eq!(filter_text(&built(empty_and)), None);
    }

    #[test]
    fn single_conditions() {
        let legacy = rule().prefix("logs/");
        assert_eq!(filter_text(&built(legacy)).as_deref(), Some("prefix=logs/"));
        let prefix = rule().filter(LifecycleRuleFilter::builder().prefix("tmp/").build());
        assert_eq!(filter_text(&built(prefix)).as_deref(), Some("prefix=tmp/"));
        let tag_only = rule().filter(
            LifecycleRuleFilter::builder()
                .tag(tag("backup", "true"))
                .build(),
        );
        assert_eq!(
            filter_text(&built(tag_only)).as_deref(),
            Some("tag backup=true")
        );
        let size = rule().filter(
            LifecycleRuleFilter::builder()
                .object_size_greater_than(1024)
                .build(),
        );
        assert_eq!(filter_text(&built(size)).as_deref(), Some("size>1024"));
        let size = rule().filter(
            LifecycleRuleFilter::builder()
                .object_size_less_than(10)
                .build(),
        );
        assert_eq!(filter_text(&built(size)).as_deref(), Some("size<10"));
    }

    #[test]
    fn and_conditions_are_joined() {
        let and = rule().filter(
            LifecycleRuleFilter::builder()
                .and(
                    LifecycleRuleAndOperator::builder()
                        .prefix("logs/")
                        .tags(tag("a", "1"))
                        .tags(tag("b", ""))
                        .object_size_greater_than(1)
                        .object_size_less_than(4096)
                        .build(),
                )
                .build(),
        );
        assert_eq!(
            filter_text(&built(and)).as_deref(),
            Some("prefix=logs/ and tag a=1 and tag b= and size>1 and size<4096")
        );
    }

    #[test]
    fn lifecycle_rules_keep_status_and_expirations() {
        let r = built(
            s3::LifecycleRule::builder()
                .id("expire")
                .status(ExpirationStatus::Disabled)
                .expiration(s3::LifecycleExpiration::builder().days(30).build())
                .noncurrent_version_expiration(
                    s3::NoncurrentVersionExpiration::builder()
                        .noncurrent_days(7)
                        .build(),
                ),
        );
        assert_eq!(
            lifecycle_rule(&r),
            LifecycleRule {
                id: Some("expire".into()),
                enabled: false,
                filter: None,
                expiration_days: Some(30),
                noncurrent_expiration_days: Some(7),
            }
        );
        let none = built(rule());
        let got = lifecycle_rule(&none);
        assert!(got.enabled);
        assert_eq!(
            (got.id, got.expiration_days, got.noncurrent_expiration_days),
            (None, None, None)
        );
    }
}
