//! `customer-managed-key`: data at rest is encrypted with a KMS key the
//! account manages (`KeyManager` `CUSTOMER`), not with an AWS managed key
//! (`aws/rds`, `aws/ebs`, ...), an AWS owned key or no key at all.
//!
//! Who manages a key is a fact of the key (`DescribeKey`'s `KeyManager`),
//! not of the resource it encrypts: the check joins each subject's key
//! reference (`KmsKeyId`, `KMSMasterKeyArn`, ...) to the KMS keys of the
//! inventory. The reference is resolved as AWS resolves it:
//!
//! - a key ARN is looked up among the keys read in the ARN's account and
//!   region;
//! - a bare key id (`1234abcd-...`, `mrk-...`) is a key of the resource's
//!   own account and region;
//! - an alias (`alias/aws/rds`, or an alias ARN) is an AWS managed key when
//!   its name starts with `alias/aws/` (AWS reserves those names); any other
//!   alias is unknown, since conform does not read aliases.
//!
//! A key that is not among the keys read is unknown, never a pass: its
//! account or region was not scanned or its keys could not be read, or it
//! is not among the keys `ListKeys` returned (deleted, or not visible to
//! the scanner).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::kinds_param;
use super::resource::{clusterless_member_outcome, clusterless_members, resource_ref, set};
use super::{Check, CheckDoc, Context, NotJudged, ParamDoc, ParamError};
use crate::findings::{Evidence, Outcome, Status};
use crate::inventory::{Arn, Coverage, Dataset, Inventory, KmsKey, Place, Read, Resource, Str};

pub struct CustomerManagedKey;

/// The rule's parameters, as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The CloudFormation types judged; empty: every kind the check judges.
    pub kinds: Vec<String>,
}

/// The parameters, compiled.
#[derive(Debug)]
pub struct Compiled {
    /// The datasets judged.
    datasets: &'static [Dataset],
}

/// Every kind whose data at rest AWS encrypts with a KMS key the inventory
/// names, in the order verdicts are made.
const KINDS: &[Dataset] = &[
    Dataset::DbInstances,
    Dataset::DbClusters,
    Dataset::DbSnapshots,
    Dataset::DbClusterSnapshots,
    Dataset::Volumes,
    Dataset::Snapshots,
    Dataset::EfsFileSystems,
    Dataset::DynamoDbTables,
    Dataset::Buckets,
    Dataset::Trails,
    Dataset::LogGroups,
    Dataset::CacheReplicationGroups,
];

/// What a subject is called in messages.
fn noun(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::DbInstances => "DB instance",
        Dataset::DbClusters => "DB cluster",
        Dataset::DbSnapshots => "DB snapshot",
        Dataset::DbClusterSnapshots => "DB cluster snapshot",
        Dataset::Volumes => "EBS volume",
        Dataset::Snapshots => "EBS snapshot",
        Dataset::EfsFileSystems => "EFS file system",
        Dataset::DynamoDbTables => "DynamoDB table",
        Dataset::Buckets => "bucket",
        Dataset::Trails => "trail",
        Dataset::LogGroups => "log group",
        Dataset::CacheReplicationGroups => "replication group",
        _ => "resource",
    }
}

/// Where a subject names its encryption: a key to look up, or a verdict
/// already (not encrypted, an AWS owned key, not read).
enum Source<'a> {
    /// The key reference in `field`.
    Key { field: String, value: &'a str },
    /// A verdict without a key: fail or unknown, with its evidence and the
    /// reason as the message says it.
    Settled {
        status: Status,
        evidence: Evidence,
        reason: String,
    },
}

fn fail(
    field: impl Into<String>,
    value: impl Into<String>,
    note: &str,
    reason: String,
) -> Source<'static> {
    Source::Settled {
        status: Status::Fail,
        evidence: Evidence::new(field, value, note),
        reason,
    }
}

fn unknown(
    field: impl Into<String>,
    value: impl Into<String>,
    note: String,
    reason: String,
) -> Source<'static> {
    Source::Settled {
        status: Status::Unknown,
        evidence: Evidence::new(field, value, note),
        reason,
    }
}

const NO_KEY_FIELD: &str = "encrypted, but the inventory holds no key: AWS did not return it, or the inventory was saved by a conform that did not keep it";

/// A kind with an encryption flag and a key field beside it.
fn flagged<'a>(encrypted: bool, flag: &str, key: &'a Option<Str>) -> Source<'a> {
    if !encrypted {
        return fail(
            flag,
            "false",
            "not encrypted at rest",
            format!("is not encrypted ({flag} = false)"),
        );
    }
    match set(key) {
        Some(value) => Source::Key {
            field: "KmsKeyId".into(),
            value,
        },
        None => unknown(
            "KmsKeyId",
            "absent",
            NO_KEY_FIELD.into(),
            "is encrypted, but its KmsKeyId is not in the inventory".into(),
        ),
    }
}

/// An optional flag (`None`: not read).
fn maybe_flagged<'a>(encrypted: Option<bool>, flag: &str, key: &'a Option<Str>) -> Source<'a> {
    match encrypted {
        Some(e) => flagged(e, flag, key),
        None => unknown(
            flag,
            "absent",
            "not in the inventory: AWS did not return it, or the inventory was saved by a conform that did not keep it".into(),
            format!("has no {flag} in the inventory"),
        ),
    }
}

/// A kind whose key field is absent when AWS's own keys encrypt it.
fn keyed<'a>(field: &str, key: &'a Option<Str>, note: &str, reason: &str) -> Source<'a> {
    match set(key) {
        Some(value) => Source::Key {
            field: field.into(),
            value,
        },
        None => fail(field, "absent", note, reason.into()),
    }
}

/// The subjects of `dataset` with where each names its encryption.
fn sources<'a>(
    inventory: &'a Inventory,
    dataset: Dataset,
    clusters_judged: bool,
) -> Box<dyn Iterator<Item = (&'a dyn Resource, Vec<Source<'a>>)> + 'a> {
    let one = |s: Source<'a>| vec![s];
    match dataset {
        Dataset::DbInstances => Box::new(
            inventory
                .db_instances
                .iter()
                // Members are judged through their cluster (and those whose
                // cluster is not in the inventory are unknown, below).
                .filter(move |d| !clusters_judged || set(&d.cluster_id).is_none())
                .map(move |d| {
                    let s = flagged(d.storage_encrypted, "StorageEncrypted", &d.kms_key_id);
                    (d as &dyn Resource, one(s))
                }),
        ),
        Dataset::DbClusters => Box::new(inventory.db_clusters.iter().map(move |c| {
            let s = flagged(c.storage_encrypted, "StorageEncrypted", &c.kms_key_id);
            (c as &dyn Resource, one(s))
        })),
        Dataset::DbSnapshots | Dataset::DbClusterSnapshots => Box::new(
            inventory
                .db_snapshots
                .iter()
                .filter(move |s| s.dataset() == dataset)
                .map(move |s| {
                    // AWS names the flag differently for the two shapes.
                    let flag = if s.cluster {
                        "StorageEncrypted"
                    } else {
                        "Encrypted"
                    };
                    (s as &dyn Resource, one(flagged(s.encrypted, flag, &s.kms_key_id)))
                }),
        ),
        Dataset::Volumes => Box::new(inventory.volumes.iter().map(move |v| {
            (
                v as &dyn Resource,
                one(flagged(v.encrypted, "Encrypted", &v.kms_key_id)),
            )
        })),
        Dataset::Snapshots => Box::new(inventory.snapshots.iter().map(move |s| {
            (
                s as &dyn Resource,
                one(flagged(s.encrypted, "Encrypted", &s.kms_key_id)),
            )
        })),
        Dataset::EfsFileSystems => Box::new(inventory.efs_file_systems.iter().map(move |f| {
            (
                f as &dyn Resource,
                one(maybe_flagged(f.encrypted, "Encrypted", &f.kms_key_id)),
            )
        })),
        Dataset::DynamoDbTables => Box::new(
            inventory
                .dynamodb_tables
                .iter()
                .map(move |t| (t as &dyn Resource, one(table_source(t)))),
        ),
        Dataset::Buckets => Box::new(
            inventory
                .buckets
                .iter()
                .map(move |b| (b as &dyn Resource, bucket_sources(&b.default_encryption))),
        ),
        Dataset::Trails => Box::new(inventory.trails.iter().map(move |t| {
            let s = keyed(
                "KmsKeyId",
                &t.kms_key_id,
                "no KMS key: its log files are encrypted with S3 managed keys (SSE-S3), which AWS owns",
                "is not encrypted with a KMS key (KmsKeyId not set: S3 managed keys, SSE-S3)",
            );
            (t as &dyn Resource, one(s))
        })),
        Dataset::LogGroups => Box::new(inventory.log_groups.iter().map(move |g| {
            let s = keyed(
                "kmsKeyId",
                &g.kms_key_id,
                "no KMS key: CloudWatch Logs encrypts its events with keys AWS owns",
                "is not encrypted with a KMS key (kmsKeyId not set: CloudWatch Logs' own keys)",
            );
            (g as &dyn Resource, one(s))
        })),
        Dataset::CacheReplicationGroups => {
            Box::new(inventory.cache_replication_groups.iter().map(move |g| {
                let s = match g.at_rest_encryption_enabled {
                    Some(true) => keyed(
                        "KmsKeyId",
                        &g.kms_key_id,
                        "at-rest encryption without a KMS key uses ElastiCache's default key, which AWS owns",
                        "is encrypted at rest with ElastiCache's default key, which AWS owns (KmsKeyId not set)",
                    ),
                    other => maybe_flagged(other, "AtRestEncryptionEnabled", &g.kms_key_id),
                };
                (g as &dyn Resource, one(s))
            }))
        }
        _ => Box::new(std::iter::empty()),
    }
}

/// A DynamoDB table's encryption (`SSEDescription`).
fn table_source(t: &crate::inventory::DynamoDbTable) -> Source<'_> {
    if let Some(e) = &t.unreadable {
        return unknown(
            "SSEDescription",
            format!("unreadable ({})", e.code),
            e.to_string(),
            format!("could not be described: {e}"),
        );
    }
    let Some(sse) = &t.sse else {
        return fail(
            "SSEDescription",
            "absent",
            "DynamoDB's default encryption, with a key AWS owns",
            "is encrypted with DynamoDB's default key, which AWS owns (no SSEDescription)".into(),
        );
    };
    if let Some(status @ ("DISABLED" | "DISABLING")) = sse.status.as_deref() {
        return fail(
            "SSEDescription.Status",
            status,
            "encryption with a KMS key is off: DynamoDB's default key, which AWS owns, encrypts it",
            format!(
                "is encrypted with DynamoDB's default key, which AWS owns (SSEDescription.Status = {status})"
            ),
        );
    }
    match set(&sse.kms_master_key_arn) {
        Some(value) => Source::Key {
            field: "SSEDescription.KMSMasterKeyArn".into(),
            value,
        },
        None => unknown(
            "SSEDescription.KMSMasterKeyArn",
            "absent",
            NO_KEY_FIELD.into(),
            "is encrypted with a KMS key, but its KMSMasterKeyArn is not in the inventory".into(),
        ),
    }
}

/// A bucket's default encryption: one source per rule.
fn bucket_sources(
    encryption: &Read<Option<Vec<crate::inventory::BucketEncryptionRule>>>,
) -> Vec<Source<'_>> {
    let rules = match encryption {
        Read::Unreadable(e) => {
            return vec![unknown(
                "ServerSideEncryptionConfiguration",
                format!("unreadable ({})", e.code),
                e.to_string(),
                format!("has a default encryption that could not be read: {e}"),
            )];
        }
        Read::Value(None) => {
            return vec![fail(
                "ServerSideEncryptionConfiguration",
                "none",
                "no default encryption configuration: S3 encrypts new objects with S3 managed keys (SSE-S3), which AWS owns",
                "has no default encryption with a KMS key".into(),
            )];
        }
        Read::Value(Some(rules)) if rules.is_empty() => {
            return vec![fail(
                "ServerSideEncryptionConfiguration.Rules",
                "[]",
                "the configuration holds no encryption rule",
                "has no default encryption with a KMS key".into(),
            )];
        }
        Read::Value(Some(rules)) => rules,
    };
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let at = format!("Rules[{i}].ApplyServerSideEncryptionByDefault");
            match r.algorithm.trim() {
                "AES256" => fail(
                    format!("{at}.SSEAlgorithm"),
                    "AES256",
                    "S3 managed keys (SSE-S3), which AWS owns, not a KMS key",
                    "encrypts by default with S3 managed keys (SSEAlgorithm = AES256)".into(),
                ),
                algorithm @ ("aws:kms" | "aws:kms:dsse") => match set(&r.kms_key_id) {
                    Some(value) => Source::Key {
                        field: format!("{at}.KMSMasterKeyID"),
                        value,
                    },
                    None => fail(
                        format!("{at}.KMSMasterKeyID"),
                        "absent",
                        "SSE-KMS without a key: S3 uses the AWS managed key aws/s3",
                        format!(
                            "encrypts by default with the AWS managed key aws/s3 (SSEAlgorithm = {algorithm}, no KMSMasterKeyID)"
                        ),
                    ),
                },
                other => unknown(
                    format!("{at}.SSEAlgorithm"),
                    other,
                    "an algorithm conform does not know".into(),
                    format!("encrypts by default with {other}, an algorithm conform does not know"),
                ),
            }
        })
        .collect()
}

/// The KMS keys of the inventory, for looking references up.
struct Keys<'a> {
    inventory: &'a Inventory,
    by_arn: HashMap<&'a str, &'a KmsKey>,
    /// How many keys were read per (account, region).
    count: HashMap<(&'a str, &'a str), usize>,
    /// The KMS keys' coverage records by (account, region).
    coverage: HashMap<(&'a str, &'a str), &'a Coverage>,
}

/// What a key reference resolves to.
enum Found<'a> {
    Key(&'a KmsKey),
    /// An alias AWS reserves for its managed keys (`alias/aws/...`).
    AwsAlias,
    /// Any other alias: aliases are not read.
    Alias,
    /// The key ARN, and why the keys where it would be were not read.
    Unread(String, String),
    /// The key ARN, and how many keys its account and region listed.
    Missing(String, usize),
    /// Not a key id, key ARN or alias.
    NotAKey,
}

impl<'a> Keys<'a> {
    fn new(inventory: &'a Inventory) -> Keys<'a> {
        let mut by_arn = HashMap::with_capacity(inventory.kms_keys.len());
        let mut count = HashMap::new();
        for k in &inventory.kms_keys {
            by_arn.insert(k.arn.as_str(), k);
            *count
                .entry((k.place.account.as_str(), k.place.region.as_str()))
                .or_default() += 1;
        }
        let coverage = inventory
            .coverage
            .iter()
            .filter(|c| c.dataset == Dataset::KmsKeys)
            .map(|c| ((c.account.as_str(), c.region.as_str()), c))
            .collect();
        Keys {
            inventory,
            by_arn,
            count,
            coverage,
        }
    }

    fn resolve(&self, place: &Place, reference: &str) -> Found<'a> {
        let reference = reference.trim();
        let alias = |name: &str| {
            if name.starts_with("alias/aws/") {
                Found::AwsAlias
            } else {
                Found::Alias
            }
        };
        if reference.starts_with("alias/") {
            return alias(reference);
        }
        let (arn, account, region) = match Arn::parse(reference) {
            Some(a) if a.service == "kms" && a.resource.starts_with("alias/") => {
                return alias(a.resource);
            }
            Some(a) if a.service == "kms" && a.resource.starts_with("key/") => {
                (reference.to_string(), a.account, a.region)
            }
            Some(_) => return Found::NotAKey,
            None if reference.is_empty() || reference.contains(['/', ':']) => {
                return Found::NotAKey;
            }
            None => {
                let (account, region) = (place.account.as_str(), place.region.as_str());
                let arn = Arn {
                    partition: self.inventory.partition(account),
                    service: "kms",
                    region,
                    account,
                    resource: &format!("key/{reference}"),
                }
                .to_string();
                (arn, account, region)
            }
        };
        if let Some(key) = self.by_arn.get(arn.as_str()) {
            return Found::Key(key);
        }
        let inventory = self.inventory;
        match self.coverage.get(&(account, region)) {
            Some(c) => match &c.error {
                Some(e) => Found::Unread(
                    arn,
                    format!("the KMS keys of account {account} in {region} could not be read: {e}"),
                ),
                None => {
                    let n = self.count.get(&(account, region)).copied().unwrap_or(0);
                    Found::Missing(arn, n)
                }
            },
            None => {
                let scanned = inventory.scope.iter().find(|s| s.account == account);
                let why = match scanned {
                    None => {
                        format!("the key is in account {account}, which this scan did not read")
                    }
                    Some(s) if !s.regions.iter().any(|r| r == region) => format!(
                        "the key is in {region}, which this scan did not read in account {account}"
                    ),
                    Some(_) => {
                        format!("the KMS keys of account {account} in {region} were not collected")
                    }
                };
                Found::Unread(arn, why)
            }
        }
    }
}

/// One part of a verdict: its status, evidence and reason.
struct Part {
    status: Status,
    evidence: Vec<Evidence>,
    reason: String,
}

/// The evidence of a key: its manager, ARN and description.
fn key_evidence(key: &KmsKey, meaning: &str) -> Evidence {
    let description = match set(&key.description) {
        Some(d) => format!(", Description \"{d}\""),
        None => String::new(),
    };
    Evidence::new(
        "KeyManager",
        key.key_manager.as_deref().unwrap_or("not read"),
        format!("key {}{description}: {meaning}", key.arn),
    )
}

fn judge_key(keys: &Keys<'_>, place: &Place, field: String, value: &str, what: &str) -> Part {
    let reference = Evidence::new(
        field.as_str(),
        value,
        format!("the KMS key that encrypts the {what}"),
    );
    let part = |status, key: Option<Evidence>, reason: String| {
        let mut evidence = vec![reference.clone()];
        evidence.extend(key);
        Part {
            status,
            evidence,
            reason,
        }
    };
    match keys.resolve(place, value) {
        Found::Key(key) => match (key.key_manager.as_deref(), &key.unreadable) {
            (Some("CUSTOMER"), _) => part(
                Status::Pass,
                Some(key_evidence(key, "a customer managed key")),
                format!("is encrypted with customer managed key {}", key.arn),
            ),
            (Some("AWS"), _) => part(
                Status::Fail,
                Some(key_evidence(
                    key,
                    "an AWS managed key: AWS made it for the service and controls its policy and rotation",
                )),
                format!(
                    "is encrypted with AWS managed key {}, not a customer managed key",
                    key.arn
                ),
            ),
            (None, Some(e)) => part(
                Status::Unknown,
                Some(key_evidence(
                    key,
                    &format!("its details could not be read: {e}"),
                )),
                format!(
                    "is encrypted with key {}, whose details could not be read ({})",
                    key.arn, e.code
                ),
            ),
            (other, _) => {
                let manager = other.unwrap_or("not given");
                part(
                    Status::Unknown,
                    Some(key_evidence(
                        key,
                        &format!("KeyManager {manager} is neither CUSTOMER nor AWS"),
                    )),
                    format!(
                        "is encrypted with key {}, whose KeyManager is {manager}",
                        key.arn
                    ),
                )
            }
        },
        Found::AwsAlias => part(
            Status::Fail,
            Some(Evidence::new(
                "KeyManager",
                "AWS",
                format!("{value}: AWS reserves the alias names alias/aws/... for its managed keys"),
            )),
            format!("is encrypted with the AWS managed key {value}, not a customer managed key"),
        ),
        Found::Alias => part(
            Status::Unknown,
            Some(Evidence::new(
                "KeyManager",
                "not read",
                format!(
                    "{value}: conform does not read aliases, so the key it points to is unknown"
                ),
            )),
            format!("names its key by the alias {value}, and conform does not read aliases"),
        ),
        Found::Unread(arn, why) => part(
            Status::Unknown,
            Some(Evidence::new(
                "KeyManager",
                "not read",
                format!("key {arn}: {why}"),
            )),
            format!("is encrypted with key {arn}, which was not read: {why}"),
        ),
        Found::Missing(arn, n) => {
            let why = format!(
                "not among the {n} keys ListKeys returned in its account and region (deleted, or not visible to the scanner)"
            );
            part(
                Status::Unknown,
                Some(Evidence::new(
                    "KeyManager",
                    "not read",
                    format!("key {arn}: {why}"),
                )),
                format!("is encrypted with key {arn}, which is {why}"),
            )
        }
        Found::NotAKey => part(
            Status::Unknown,
            None,
            format!(
                "names its key as {value:?}, which is neither a key id, a key ARN nor an alias"
            ),
        ),
    }
}

/// What a kind's key encrypts, for evidence notes.
fn encrypts(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::DbInstances | Dataset::DbClusters => "database's storage",
        Dataset::DbSnapshots | Dataset::DbClusterSnapshots => "snapshot",
        Dataset::Volumes => "volume",
        Dataset::Snapshots => "snapshot",
        Dataset::EfsFileSystems => "file system",
        Dataset::DynamoDbTables => "table",
        Dataset::Buckets => "bucket's new objects by default",
        Dataset::Trails => "trail's log files",
        Dataset::LogGroups => "log group's events",
        Dataset::CacheReplicationGroups => "cache's data at rest",
        _ => "resource",
    }
}

fn judge(ctx: &Context, keys: &Keys<'_>, r: &dyn Resource, sources: Vec<Source<'_>>) -> Outcome {
    let what = format!("{} {}", noun(r.dataset()), r.name());
    let parts: Vec<Part> = sources
        .into_iter()
        .map(|s| match s {
            Source::Key { field, value } => {
                judge_key(keys, r.place(), field, value, encrypts(r.dataset()))
            }
            Source::Settled {
                status,
                evidence,
                reason,
            } => Part {
                status,
                evidence: vec![evidence],
                reason,
            },
        })
        .collect();
    let status = [Status::Fail, Status::Unknown]
        .into_iter()
        .find(|s| parts.iter().any(|p| p.status == *s))
        .unwrap_or(Status::Pass);
    let (mut reasons, mut evidence) = (Vec::new(), Vec::new());
    for p in parts.into_iter().filter(|p| p.status == status) {
        reasons.push(p.reason);
        evidence.extend(p.evidence);
    }
    let reasons = reasons.join("; ");
    let resource = resource_ref(r);
    match status {
        Status::Pass => {
            let mut o = Outcome::pass(resource, format!("{what} {reasons}"));
            if ctx.pass_detail {
                o.evidence = evidence;
            }
            o
        }
        Status::Fail => Outcome::fail(resource, format!("{what} {reasons}"), evidence),
        _ => Outcome::unknown(
            resource,
            format!("cannot tell whether a customer managed key encrypts {what}: it {reasons}"),
            evidence,
        ),
    }
}

impl Check for CustomerManagedKey {
    type Params = Params;
    type Compiled = Compiled;

    const DOC: CheckDoc = CheckDoc {
        name: "customer-managed-key",
        summary: "{{ judged | and_list }} are encrypted with customer managed KMS keys",
        what: r#"Judges who manages the key that encrypts the data at rest of {{ judged | and_list }}: the KMS key the resource names is looked up among the KMS keys conform read (`ListKeys`, `DescribeKey`), and its `KeyManager` decides.

- **pass**: the key's `KeyManager` is `CUSTOMER`.
- **fail**: the key is an AWS managed key (`KeyManager` `AWS`, or an alias named `alias/aws/...`, which AWS reserves for its managed keys such as `aws/rds` and `aws/ebs`); the resource is encrypted with a key AWS owns (a DynamoDB table without `SSEDescription`, an S3 bucket whose default encryption is `AES256` or `aws:kms` without a key, which is `aws/s3`, a trail or log group without a KMS key, an ElastiCache replication group encrypted at rest without `KmsKeyId`); or it is not encrypted at all (`StorageEncrypted = false`, `Encrypted = false`, no default encryption).
- **unknown**, with the reason, never a pass: the key's details could not be read (a key policy may deny `kms:DescribeKey`); the key is in an account or region this scan did not read, or whose keys were not collected or could not be read; the key is in a region read completely but is not among the keys `ListKeys` returned there (deleted, or not visible to the scanner); the resource names its key by an alias other than `alias/aws/...` (conform does not read aliases); or the resource's key field is not in the inventory.

Where each kind names its key: RDS DB instances and clusters `KmsKeyId` (when `StorageEncrypted`), DB snapshots `KmsKeyId` (when `Encrypted`), DB cluster snapshots `KmsKeyId` (when `StorageEncrypted`), EBS volumes and snapshots `KmsKeyId` (when `Encrypted`), EFS file systems `KmsKeyId` (when `Encrypted`), DynamoDB tables `SSEDescription.KMSMasterKeyArn`, S3 buckets the default encryption's `KMSMasterKeyID` (each rule of it), CloudTrail trails `KmsKeyId`, CloudWatch log groups `kmsKeyId`, ElastiCache replication groups `KmsKeyId` (when `AtRestEncryptionEnabled`). A key ARN is looked up in its own account and region, a bare key id in the resource's. Members of a DB cluster are judged through their cluster when clusters are judged (their storage is the cluster's), and a member whose cluster is not in the inventory is unknown; a rule that judges DB instances but not clusters judges each member on its own `KmsKeyId`, which is its cluster's.

Evidence names the resource's key field and its value, and the key's ARN, `KeyManager` and description."#,
        why: "A customer managed key is the account's own: its key policy decides who may decrypt, it can be disabled or scheduled for deletion to make the data unreadable (crypto-shredding), its use is logged in CloudTrail under the account's control, and it can be shared across accounts for copies and backups. An AWS managed key (`aws/rds`, `aws/ebs`, ...) or an AWS owned key is used by the service on the account's behalf: its policy cannot be changed, it cannot be disabled or rotated on the customer's schedule, and a snapshot encrypted with it cannot be shared with another account.",
        fix: "Create a customer managed key (`aws kms create-key --description \"...\"`, then `aws kms create-alias`) and encrypt with it. Most stores cannot change the key of existing data in place: copy it with the new key and switch over (RDS: copy a snapshot with `--kms-key-id` and restore from it; EBS: copy the snapshot with `--kms-key-id` and create a volume from it). Others take a new key directly: `aws dynamodb update-table --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=KEY`, `aws s3api put-bucket-encryption` with `SSEAlgorithm` `aws:kms` and `KMSMasterKeyID`, `aws cloudtrail update-trail --kms-key-id KEY`, `aws logs associate-kms-key`. Make new resources use it by default (the EBS default key: `aws ec2 modify-ebs-default-kms-key-id`). If the verdict is unknown, read the KMS keys of the key's account and region (the scanner needs `kms:ListKeys` and `kms:DescribeKey`, also in the key's policy), or name the key by its ARN rather than an alias.",
    };

    /// Every kind; a rule judges those of its `kinds` (see [`Check::judged`]).
    const SUBJECTS: &'static [Dataset] = KINDS;

    const USES: &'static [Dataset] = &[Dataset::KmsKeys];

    const PARAMS: &'static [ParamDoc] = &[ParamDoc {
        name: "kinds",
        kind: "a list of CloudFormation resource types (AWS::RDS::DBInstance)",
        description: "The kinds judged; empty (the default): every kind the check judges",
    }];

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        let supported = || {
            KINDS
                .iter()
                .map(|d| d.resource_type())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let datasets = kinds_param::compile(&params.kinds, KINDS, |kind, near| {
            if Dataset::KINDS.iter().any(|k| k.resource_type == kind) {
                return format!(
                    "{kind} is not a kind this check judges (it judges {})",
                    supported()
                );
            }
            match near {
                Some(t) => format!(
                    "unknown kind {kind:?}; did you mean {t:?}? (this check judges {})",
                    supported()
                ),
                None => format!("unknown kind {kind:?} (this check judges {})", supported()),
            }
        })?;
        let datasets = if datasets.is_empty() {
            KINDS
        } else {
            kinds_param::intern(datasets)
        };
        Ok(Compiled { datasets })
    }

    fn doc_vars(compiled: &Compiled) -> serde_json::Map<String, serde_json::Value> {
        let mut judged: Vec<&str> = Vec::new();
        for d in compiled.datasets {
            let n = plural(*d);
            if !judged.contains(&n) {
                judged.push(n);
            }
        }
        let mut vars = serde_json::Map::new();
        vars.insert("judged".into(), judged.into());
        vars
    }

    fn judged(compiled: &Compiled) -> &'static [Dataset] {
        compiled.datasets
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, c: &Compiled) -> Vec<Outcome> {
        let keys = Keys::new(inventory);
        let clusters_judged = c.datasets.contains(&Dataset::DbClusters);
        let mut out = Vec::new();
        for &dataset in c.datasets {
            for (r, sources) in sources(inventory, dataset, clusters_judged) {
                out.push(judge(ctx, &keys, r, sources));
            }
        }
        if clusters_judged && c.datasets.contains(&Dataset::DbInstances) {
            for (db, cluster) in clusterless_members(inventory) {
                out.push(clusterless_member_outcome(inventory, db, cluster));
            }
        }
        out
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, c: &Compiled, skip: NotJudged<'_>) {
        if c.datasets.contains(&Dataset::DbClusters) && c.datasets.contains(&Dataset::DbInstances) {
            super::resource::db_instances_not_judged(inventory, false, skip);
        }
    }
}

/// A kind in a user's words, plural, for the documentation.
fn plural(dataset: Dataset) -> &'static str {
    match dataset {
        Dataset::DbInstances | Dataset::DbClusters => "RDS databases",
        Dataset::DbSnapshots | Dataset::DbClusterSnapshots => "RDS snapshots",
        Dataset::Volumes => "EBS volumes",
        Dataset::Snapshots => "EBS snapshots",
        Dataset::EfsFileSystems => "EFS file systems",
        Dataset::DynamoDbTables => "DynamoDB tables",
        Dataset::Buckets => "S3 buckets",
        Dataset::Trails => "CloudTrail trails",
        Dataset::LogGroups => "CloudWatch log groups",
        Dataset::CacheReplicationGroups => "ElastiCache replication groups",
        _ => "resources",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::inventory::*;

    const OTHER_ACCOUNT: &str = "444455556666";

    fn key_arn(account: &str, region: &str, id: &str) -> String {
        format!("arn:aws:kms:{region}:{account}:key/{id}")
    }

    fn key(id: &str, manager: Option<&str>) -> KmsKey {
        KmsKey {
            arn: key_arn(ACCOUNT, REGION, id).into(),
            place: place(),
            id: id.into(),
            key_manager: manager.map(Into::into),
            description: Some(format!("{id} description").into()),
            ..Default::default()
        }
    }

    /// An inventory with a customer managed key `cmk` and an AWS managed
    /// key `awsk` in the test account and region.
    fn keyed_inventory() -> Inventory {
        let mut inv = inventory();
        inv.kms_keys = vec![key("cmk", Some("CUSTOMER")), key("awsk", Some("AWS"))];
        inv
    }

    fn db(id: &str, kms: Option<&str>) -> DbInstance {
        DbInstance {
            kms_key_id: kms.map(Into::into),
            ..db_instance(id)
        }
    }

    fn with_kinds(kinds: &[&str]) -> Params {
        Params {
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
        }
    }

    fn compile_error(kinds: &[&str]) -> String {
        CustomerManagedKey::compile(&with_kinds(kinds))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn rds_keys_resolve_by_arn_id_and_alias() {
        let mut inv = keyed_inventory();
        let cmk = key_arn(ACCOUNT, REGION, "cmk");
        let awsk = key_arn(ACCOUNT, REGION, "awsk");
        inv.db_instances = vec![
            db("by-arn", Some(&cmk)),
            db("by-id", Some("cmk")),
            db("aws-key", Some(&awsk)),
            db("aws-alias", Some("alias/aws/rds")),
            db(
                "aws-alias-arn",
                Some(&format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/rds")),
            ),
            db("own-alias", Some("alias/nordlys-data")),
            DbInstance {
                storage_encrypted: false,
                ..db("plain", None)
            },
            db("no-key-field", None),
            db("garbage", Some("not a key/at all")),
        ];
        let out = run::<CustomerManagedKey>(&inv);
        assert_eq!(out.len(), 9);
        let o = expect(&out, "by-arn", Status::Pass);
        assert_eq!(o.evidence[0].field, "KmsKeyId");
        assert_eq!(o.evidence[0].value, cmk);
        assert_eq!(o.evidence[1].field, "KeyManager");
        assert_eq!(o.evidence[1].value, "CUSTOMER");
        assert!(o.evidence[1].note.contains(&cmk), "{o:#?}");
        assert!(o.evidence[1].note.contains("cmk description"), "{o:#?}");
        assert!(o.message.contains("customer managed key"), "{}", o.message);
        expect(&out, "by-id", Status::Pass);
        let o = expect(&out, "aws-key", Status::Fail);
        assert_eq!(o.evidence[1].value, "AWS");
        assert!(o.message.contains("AWS managed key"), "{}", o.message);
        let o = expect(&out, "aws-alias", Status::Fail);
        assert_eq!(o.evidence[0].value, "alias/aws/rds");
        expect(&out, "aws-alias-arn", Status::Fail);
        let o = expect(&out, "own-alias", Status::Unknown);
        assert!(o.message.contains("does not read aliases"), "{}", o.message);
        let o = expect(&out, "plain", Status::Fail);
        assert_eq!(
            (o.evidence[0].field.as_str(), o.evidence[0].value.as_str()),
            ("StorageEncrypted", "false")
        );
        assert!(
            o.message.contains("StorageEncrypted = false"),
            "{}",
            o.message
        );
        let o = expect(&out, "no-key-field", Status::Unknown);
        assert_eq!(o.evidence[0].value, "absent");
        expect(&out, "garbage", Status::Unknown);
    }

    #[test]
    fn keys_not_read_are_unknown_with_the_reason() {
        let mut inv = keyed_inventory();
        // us-east-1 is scanned, and its keys were denied.
        inv.scope[0].regions.push("us-east-1".into());
        inv.coverage.push(Coverage {
            account: ACCOUNT.into(),
            region: "us-east-1".into(),
            dataset: Dataset::KmsKeys,
            error: Some(aws_error("AccessDeniedException")),
        });
        let mut unreadable = key("locked", None);
        unreadable.unreadable = Some(Box::new(aws_error("AccessDeniedException")));
        inv.kms_keys.push(unreadable);
        inv.db_instances = vec![
            db("other-account", Some(&key_arn(OTHER_ACCOUNT, REGION, "k1"))),
            db(
                "region-not-scanned",
                Some(&key_arn(ACCOUNT, "ap-south-1", "k2")),
            ),
            db("region-denied", Some(&key_arn(ACCOUNT, "us-east-1", "k3"))),
            db("deleted", Some(&key_arn(ACCOUNT, REGION, "gone"))),
            db("unreadable", Some("locked")),
        ];
        let out = run::<CustomerManagedKey>(&inv);
        let message = |name: &str| expect(&out, name, Status::Unknown).message.clone();
        assert!(
            message("other-account").contains(&format!(
                "account {OTHER_ACCOUNT}, which this scan did not read"
            )),
            "{}",
            message("other-account")
        );
        assert!(
            message("region-not-scanned").contains("ap-south-1, which this scan did not read"),
            "{}",
            message("region-not-scanned")
        );
        assert!(
            message("region-denied")
                .contains("could not be read: SomeOperation failed with AccessDeniedException"),
            "{}",
            message("region-denied")
        );
        // Three keys were read in the region.
        assert!(
            message("deleted").contains("not among the 3 keys ListKeys returned"),
            "{}",
            message("deleted")
        );
        let o = expect(&out, "unreadable", Status::Unknown);
        assert_eq!(o.evidence[1].value, "not read");
        assert!(
            o.evidence[1].note.contains("AccessDeniedException"),
            "{o:#?}"
        );
        // Scanned, but KMS keys not collected in that region.
        inv.coverage.retain(|c| c.dataset != Dataset::KmsKeys);
        let out = run::<CustomerManagedKey>(&inv);
        assert!(
            expect(&out, "deleted", Status::Unknown)
                .message
                .contains("were not collected"),
        );
    }

    #[test]
    fn cluster_members_are_judged_through_their_cluster_unless_clusters_are_not_judged() {
        let mut inv = keyed_inventory();
        let cmk = key_arn(ACCOUNT, REGION, "cmk");
        inv.db_clusters = vec![DbCluster {
            kms_key_id: Some("alias/aws/rds".into()),
            ..db_cluster("c1", &["c1-a"])
        }];
        inv.db_instances = vec![
            DbInstance {
                cluster_id: Some("c1".into()),
                ..db("c1-a", Some(&cmk))
            },
            DbInstance {
                cluster_id: Some("c-gone".into()),
                ..db("orphan", Some(&cmk))
            },
        ];
        let out = run::<CustomerManagedKey>(&inv);
        assert_eq!(out.len(), 2, "{out:#?}");
        expect(&out, "c1", Status::Fail);
        expect(&out, "orphan", Status::Unknown);
        assert_eq!(
            skipped::<CustomerManagedKey>(&inv),
            vec![("c1-a".to_string(), super::super::resource::CLUSTER_MEMBER)]
        );
        // Instances alone: each member is judged on its own key.
        let out =
            run_with::<CustomerManagedKey>(&ctx(), &inv, &with_kinds(&["AWS::RDS::DBInstance"]));
        assert_eq!(out.len(), 2, "{out:#?}");
        expect(&out, "c1-a", Status::Pass);
        expect(&out, "orphan", Status::Pass);
    }

    #[test]
    fn kinds_with_aws_owned_keys_fail() {
        let mut inv = keyed_inventory();
        let cmk = key_arn(ACCOUNT, REGION, "cmk");
        let table = |name: &str, sse: Option<TableSse>| DynamoDbTable {
            arn: format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}").into(),
            place: place(),
            name: name.into(),
            sse,
            ..Default::default()
        };
        inv.dynamodb_tables = vec![
            table("ddb-default", None),
            table(
                "ddb-cmk",
                Some(TableSse {
                    status: Some("ENABLED".into()),
                    sse_type: Some("KMS".into()),
                    kms_master_key_arn: Some(cmk.as_str().into()),
                }),
            ),
            DynamoDbTable {
                unreadable: Some(Box::new(aws_error("AccessDeniedException"))),
                ..table("ddb-unread", None)
            },
        ];
        let rule = |algorithm: &str, key: Option<&str>| {
            Read::Value(Some(vec![BucketEncryptionRule {
                algorithm: algorithm.into(),
                kms_key_id: key.map(Into::into),
                bucket_key_enabled: None,
            }]))
        };
        inv.buckets = vec![
            bucket("s3-aes", None),
            Bucket {
                default_encryption: rule("aws:kms", None),
                ..bucket("s3-aws-s3", None)
            },
            Bucket {
                default_encryption: rule("aws:kms", Some(&cmk)),
                ..bucket("s3-cmk", None)
            },
            Bucket {
                default_encryption: Read::Unreadable(Box::new(aws_error("AccessDenied"))),
                ..bucket("s3-unread", None)
            },
            Bucket {
                default_encryption: Read::Value(None),
                ..bucket("s3-none", None)
            },
        ];
        inv.trails = vec![trail("trail-sse-s3", true, Some(true)), {
            let mut t = trail("trail-cmk", true, Some(true));
            t.kms_key_id = Some(cmk.as_str().into());
            t
        }];
        inv.log_groups = vec![LogGroup {
            arn: format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app").into(),
            place: place(),
            name: "/app".into(),
            ..Default::default()
        }];
        let group = |id: &str, at_rest: Option<bool>, key: Option<&str>| CacheReplicationGroup {
            at_rest_encryption_enabled: at_rest,
            kms_key_id: key.map(Into::into),
            ..cache_replication_group(id, &["a", "b"])
        };
        inv.cache_replication_groups = vec![
            group("cache-default", Some(true), None),
            group("cache-plain", Some(false), None),
            group("cache-unread", None, None),
            group("cache-cmk", Some(true), Some(&cmk)),
        ];
        let out = run::<CustomerManagedKey>(&inv);
        let o = expect(&out, "ddb-default", Status::Fail);
        assert_eq!(o.evidence[0].field, "SSEDescription");
        let o = expect(&out, "ddb-cmk", Status::Pass);
        assert_eq!(o.evidence[0].field, "SSEDescription.KMSMasterKeyArn");
        expect(&out, "ddb-unread", Status::Unknown);
        let o = expect(&out, "s3-aes", Status::Fail);
        assert_eq!(
            o.evidence[0].field,
            "Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm"
        );
        assert_eq!(o.evidence[0].value, "AES256");
        let o = expect(&out, "s3-aws-s3", Status::Fail);
        assert!(o.message.contains("aws/s3"), "{}", o.message);
        let o = expect(&out, "s3-cmk", Status::Pass);
        assert_eq!(
            o.evidence[0].field,
            "Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID"
        );
        expect(&out, "s3-unread", Status::Unknown);
        expect(&out, "s3-none", Status::Fail);
        let o = expect(&out, "trail-sse-s3", Status::Fail);
        assert_eq!(o.evidence[0].field, "KmsKeyId");
        expect(&out, "trail-cmk", Status::Pass);
        let o = expect(&out, "/app", Status::Fail);
        assert_eq!(o.evidence[0].field, "kmsKeyId");
        let o = expect(&out, "cache-default", Status::Fail);
        assert!(o.message.contains("AWS owns"), "{}", o.message);
        let o = expect(&out, "cache-plain", Status::Fail);
        assert_eq!(o.evidence[0].field, "AtRestEncryptionEnabled");
        expect(&out, "cache-unread", Status::Unknown);
        expect(&out, "cache-cmk", Status::Pass);
    }

    #[test]
    fn volumes_snapshots_and_file_systems() {
        let mut inv = keyed_inventory();
        let cmk = key_arn(ACCOUNT, REGION, "cmk");
        let awsk = key_arn(ACCOUNT, REGION, "awsk");
        inv.volumes = vec![
            Volume {
                arn: format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-cmk").into(),
                place: place(),
                id: "vol-cmk".into(),
                encrypted: true,
                kms_key_id: Some(cmk.as_str().into()),
                ..Default::default()
            },
            Volume {
                arn: format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-plain").into(),
                place: place(),
                id: "vol-plain".into(),
                encrypted: false,
                ..Default::default()
            },
        ];
        inv.snapshots = vec![Snapshot {
            kms_key_id: Some(awsk.as_str().into()),
            ..snapshot("snap-aws", "2025-05-01T00:00:00Z")
        }];
        inv.db_snapshots = vec![
            DbSnapshot {
                kms_key_id: Some(cmk.as_str().into()),
                ..db_snapshot("dbsnap-cmk", "manual", false, "2025-05-01T00:00:00Z")
            },
            DbSnapshot {
                encrypted: false,
                ..db_snapshot("csnap-plain", "manual", true, "2025-05-01T00:00:00Z")
            },
        ];
        let fs = |id: &str, encrypted: Option<bool>, key: Option<&str>| EfsFileSystem {
            arn: format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{id}").into(),
            place: place(),
            id: id.into(),
            name: None,
            creation_time: None,
            life_cycle_state: None,
            performance_mode: None,
            throughput_mode: None,
            provisioned_throughput_in_mibps: None,
            encrypted,
            kms_key_id: key.map(Into::into),
            number_of_mount_targets: None,
            availability_zone_name: None,
            replication_overwrite_protection: None,
            tags: Tags::new(),
        };
        inv.efs_file_systems = vec![
            fs("fs-cmk", Some(true), Some(&cmk)),
            fs("fs-plain", Some(false), None),
            fs("fs-unread", None, None),
        ];
        let out = run::<CustomerManagedKey>(&inv);
        expect(&out, "vol-cmk", Status::Pass);
        let o = expect(&out, "vol-plain", Status::Fail);
        assert_eq!(o.evidence[0].field, "Encrypted");
        expect(&out, "snap-aws", Status::Fail);
        expect(&out, "dbsnap-cmk", Status::Pass);
        let o = expect(&out, "csnap-plain", Status::Fail);
        assert_eq!(o.evidence[0].field, "StorageEncrypted");
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBClusterSnapshot");
        expect(&out, "fs-cmk", Status::Pass);
        expect(&out, "fs-plain", Status::Fail);
        expect(&out, "fs-unread", Status::Unknown);
        // `kinds` narrows what is judged.
        let out =
            run_with::<CustomerManagedKey>(&ctx(), &inv, &with_kinds(&["AWS::EFS::FileSystem"]));
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn kinds_are_checked_at_load() {
        assert_eq!(
            CustomerManagedKey::judged(&CustomerManagedKey::compile(&Params::default()).unwrap()),
            KINDS
        );
        let c = CustomerManagedKey::compile(&with_kinds(&[
            "AWS::RDS::DBCluster",
            "AWS::RDS::DBInstance",
        ]))
        .unwrap();
        assert_eq!(
            CustomerManagedKey::judged(&c),
            &[Dataset::DbInstances, Dataset::DbClusters]
        );
        let e = compile_error(&["AWS::RDS::DBInstance", "AWS::RDS::DBInstanse"]);
        assert!(
            e.starts_with(r#"kinds[1]: unknown kind "AWS::RDS::DBInstanse"; did you mean "AWS::RDS::DBInstance"?"#),
            "{e}"
        );
        assert!(e.contains("AWS::ElastiCache::ReplicationGroup"), "{e}");
        let e = compile_error(&["AWS::EC2::Instance"]);
        assert!(
            e.starts_with("kinds[0]: AWS::EC2::Instance is not a kind this check judges (it judges AWS::RDS::DBInstance, "),
            "{e}"
        );
        let e = compile_error(&["AWS::S3::Bucket", "AWS::S3::Bucket"]);
        assert_eq!(e, "kinds[1]: AWS::S3::Bucket is listed twice");
    }

    #[test]
    fn the_documentation_follows_the_kinds() {
        let bind = |params: &str| {
            let value = toml::Value::Table(toml::from_str(params).unwrap());
            crate::checks::find("customer-managed-key")
                .unwrap()
                .bind(value)
                .unwrap()
        };
        let doc = bind(r#"kinds = ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]"#)
            .doc()
            .clone();
        assert_eq!(
            doc.summary,
            "RDS databases are encrypted with customer managed KMS keys"
        );
        let all = bind("");
        assert!(
            all.doc()
                .summary
                .starts_with("RDS databases, RDS snapshots, EBS volumes")
        );
        assert_eq!(all.uses(), &[Dataset::KmsKeys]);
        assert_eq!(all.subjects().len(), 12);
    }

    #[test]
    fn a_pack_collects_the_judged_kinds_and_the_keys_only() {
        let pack = |params: &str| {
            let text = format!(
                "[[rule]]\nid = \"CMK-1\"\ntitle = \"t\"\nseverity = \"high\"\narea = \"encryption\"\n\
                 promise = {{ file = \"p.md\", line = 1, text = \"x\" }}\n\
                 checks = [{{ name = \"customer-managed-key\"{params} }}]\n"
            );
            crate::rules::parse(std::path::Path::new("t.toml"), &text)
                .unwrap()
                .datasets()
        };
        let mut all: std::collections::BTreeSet<Dataset> = KINDS.iter().copied().collect();
        all.insert(Dataset::KmsKeys);
        assert_eq!(pack(""), all);
        assert_eq!(
            pack(r#", params = { kinds = ["AWS::DynamoDB::Table"] }"#),
            [Dataset::DynamoDbTables, Dataset::KmsKeys]
                .into_iter()
                .collect()
        );
    }

    #[test]
    fn the_remaining_branches() {
        let mut inv = keyed_inventory();
        // A key listed but whose KeyManager was not given.
        inv.kms_keys.push(key("silent", None));
        let cmk = key_arn(ACCOUNT, REGION, "cmk");
        inv.db_instances = vec![db("silent-key", Some("silent")), db("good", Some(&cmk))];
        let sse = |status: &str, key: Option<&str>| TableSse {
            status: Some(status.into()),
            sse_type: Some("KMS".into()),
            kms_master_key_arn: key.map(Into::into),
        };
        let table = |name: &str, sse: TableSse| DynamoDbTable {
            arn: format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}").into(),
            place: place(),
            name: name.into(),
            sse: Some(sse),
            ..Default::default()
        };
        inv.dynamodb_tables = vec![
            table("ddb-disabled", sse("DISABLED", None)),
            table("ddb-no-arn", sse("ENABLED", None)),
        ];
        let rules = |rules: Vec<BucketEncryptionRule>| Read::Value(Some(rules));
        let rule = |algorithm: &str, key: Option<&str>| BucketEncryptionRule {
            algorithm: algorithm.into(),
            kms_key_id: key.map(Into::into),
            bucket_key_enabled: None,
        };
        inv.buckets = vec![
            Bucket {
                default_encryption: rules(vec![]),
                ..bucket("s3-no-rules", None)
            },
            Bucket {
                default_encryption: rules(vec![rule("aws:kms:quantum", None)]),
                ..bucket("s3-new-algorithm", None)
            },
            // One rule with the customer key, one with AES256: every rule
            // must keep the promise.
            Bucket {
                default_encryption: rules(vec![rule("aws:kms", Some(&cmk)), rule("AES256", None)]),
                ..bucket("s3-mixed", None)
            },
        ];
        let out = run::<CustomerManagedKey>(&inv);
        let o = expect(&out, "silent-key", Status::Unknown);
        assert!(
            o.message.contains("whose KeyManager is not given"),
            "{}",
            o.message
        );
        expect(&out, "ddb-disabled", Status::Fail);
        expect(&out, "ddb-no-arn", Status::Unknown);
        expect(&out, "s3-no-rules", Status::Fail);
        expect(&out, "s3-new-algorithm", Status::Unknown);
        let o = expect(&out, "s3-mixed", Status::Fail);
        assert_eq!(o.evidence.len(), 1, "only the failing rule: {o:#?}");
        assert_eq!(
            o.evidence[0].field,
            "Rules[1].ApplyServerSideEncryptionByDefault.SSEAlgorithm"
        );
        // A pass carries its evidence only when a report reads it.
        let quiet = Context {
            pass_detail: false,
            ..ctx()
        };
        let out = run_with::<CustomerManagedKey>(&quiet, &inv, &Params::default());
        assert!(outcome(&out, "good").evidence.is_empty());
        assert!(!outcome(&out, "s3-mixed").evidence.is_empty());
    }
}
