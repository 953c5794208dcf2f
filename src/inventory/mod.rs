//! The inventory: what the collectors read from AWS, as plain data.
//!
//! An [`Inventory`] is the only thing checks see. It is written by the
//! collectors (or loaded from a file saved by an earlier scan) and never
//! changed afterwards, so a live scan and an offline re-evaluation of its
//! saved inventory give the same findings by construction.
//!
//! Values are kept as AWS returned them (protocol names, policy names, enum
//! strings): interpreting them is the checks' job, so a value that a newer
//! AWS API introduces is carried through and a check can say it could not
//! judge it, instead of the collector dropping or mangling it.
//!
//! Besides resources, the inventory records its *coverage*: for every
//! (account, region, dataset) the collectors attempted, whether it was read
//! or why not. Checks use it to report resources they could not see as
//! unknown, never as compliant.

mod arn;
mod audit;
mod backup;
mod cache;
mod compute;
mod database;
mod logs;
mod network;
mod scaling;
mod storage;

pub use arn::Arn;
pub use audit::*;
pub use backup::*;
pub use cache::*;
pub use compute::*;
pub use database::*;
pub use logs::*;
pub use network::*;
pub use scaling::*;
pub use storage::*;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::InventoryError;

/// The format name written at the top of every saved inventory.
pub const FORMAT: &str = "conform-inventory";
/// The version of the saved inventory's schema. Bumped on any change that
/// an older conform could not read correctly.
pub const VERSION: u32 = 1;

/// The region name used for datasets that are global to an account
/// (S3's bucket list, for example).
pub const GLOBAL: &str = "global";

/// Tags as AWS returns them, in a stable order.
pub type Tags = BTreeMap<String, String>;

/// Everything one scan read, for any number of accounts and regions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this conform.
    pub version: u32,
    /// When collection started. Checks that judge age (snapshots, for
    /// example) measure it against this instant, so that re-evaluating a
    /// saved inventory gives the same findings.
    pub collected_at: Timestamp,
    /// When collection finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// The accounts and regions that were scanned.
    pub scope: Vec<ScannedAccount>,
    /// What was read, and what could not be, per account, region and dataset.
    pub coverage: Vec<Coverage>,

    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub prefix_lists: Vec<PrefixList>,
    #[serde(default)]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default)]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub ebs_encryption_by_default: Vec<EbsEncryptionByDefault>,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub ssl_policies: Vec<SslPolicy>,
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    #[serde(default)]
    pub log_groups: Vec<LogGroup>,
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    /// Aurora global databases, as listed in each region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub db_global_clusters: Vec<DbGlobalCluster>,
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    /// RDS DB snapshots and DB cluster snapshots.
    #[serde(default)]
    pub db_snapshots: Vec<DbSnapshot>,
    #[serde(default)]
    pub cache_replication_groups: Vec<CacheReplicationGroup>,
    #[serde(default)]
    pub cache_clusters: Vec<CacheCluster>,
    #[serde(default)]
    pub auto_scaling_groups: Vec<AutoScalingGroup>,
    #[serde(default)]
    pub trails: Vec<Trail>,
}

/// One account and the regions scanned in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannedAccount {
    pub account: String,
    /// AWS partition (`aws`, `aws-cn`, `aws-us-gov`), used to build ARNs.
    #[serde(default = "default_partition")]
    pub partition: String,
    pub regions: Vec<String>,
    /// Why the account could not be scanned at all (its role could not be
    /// assumed, or its credentials spoke for another account). Such an
    /// account has no resources; every dataset asked for has a coverage
    /// record with this error in each region of `regions`, so every verdict
    /// there is unknown, with this error as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
}

fn default_partition() -> String {
    "aws".to_string()
}

/// A kind of data the collectors read. Each is collected as a unit per
/// account and region (or per account, for global ones), and its coverage
/// is recorded as a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dataset {
    SecurityGroups,
    PrefixLists,
    NetworkAcls,
    NetworkInterfaces,
    Instances,
    Volumes,
    EbsEncryptionByDefault,
    LoadBalancers,
    ClassicLoadBalancers,
    SslPolicies,
    Buckets,
    LogGroups,
    DbInstances,
    DbClusters,
    DbGlobalClusters,
    Snapshots,
    DbSnapshots,
    DbClusterSnapshots,
    CacheReplicationGroups,
    CacheClusters,
    AutoScalingGroups,
    Trails,
    BucketDetails,
}

impl Dataset {
    /// Every dataset, in a stable order.
    pub const ALL: &'static [Dataset] = &[
        Dataset::SecurityGroups,
        Dataset::PrefixLists,
        Dataset::NetworkAcls,
        Dataset::NetworkInterfaces,
        Dataset::Instances,
        Dataset::Volumes,
        Dataset::EbsEncryptionByDefault,
        Dataset::LoadBalancers,
        Dataset::ClassicLoadBalancers,
        Dataset::SslPolicies,
        Dataset::Buckets,
        Dataset::LogGroups,
        Dataset::DbInstances,
        Dataset::DbClusters,
        Dataset::DbGlobalClusters,
        Dataset::Snapshots,
        Dataset::DbSnapshots,
        Dataset::DbClusterSnapshots,
        Dataset::CacheReplicationGroups,
        Dataset::CacheClusters,
        Dataset::AutoScalingGroups,
        Dataset::Trails,
        Dataset::BucketDetails,
    ];

    /// The dataset's name as written in files and messages.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::SecurityGroups => "security-groups",
            Dataset::PrefixLists => "prefix-lists",
            Dataset::NetworkAcls => "network-acls",
            Dataset::NetworkInterfaces => "network-interfaces",
            Dataset::Instances => "instances",
            Dataset::Volumes => "volumes",
            Dataset::EbsEncryptionByDefault => "ebs-encryption-by-default",
            Dataset::LoadBalancers => "load-balancers",
            Dataset::ClassicLoadBalancers => "classic-load-balancers",
            Dataset::SslPolicies => "ssl-policies",
            Dataset::Buckets => "buckets",
            Dataset::LogGroups => "log-groups",
            Dataset::DbInstances => "db-instances",
            Dataset::DbClusters => "db-clusters",
            Dataset::DbGlobalClusters => "db-global-clusters",
            Dataset::Snapshots => "snapshots",
            Dataset::DbSnapshots => "db-snapshots",
            Dataset::DbClusterSnapshots => "db-cluster-snapshots",
            Dataset::CacheReplicationGroups => "cache-replication-groups",
            Dataset::CacheClusters => "cache-clusters",
            Dataset::AutoScalingGroups => "auto-scaling-groups",
            Dataset::Trails => "trails",
            Dataset::BucketDetails => "bucket-details",
        }
    }

    /// The AWS service the dataset is read from (its ARN service name).
    pub fn service(self) -> &'static str {
        match self {
            Dataset::SecurityGroups
            | Dataset::PrefixLists
            | Dataset::NetworkAcls
            | Dataset::NetworkInterfaces
            | Dataset::Instances
            | Dataset::Volumes
            | Dataset::EbsEncryptionByDefault
            | Dataset::Snapshots => "ec2",
            Dataset::LoadBalancers | Dataset::ClassicLoadBalancers | Dataset::SslPolicies => {
                "elasticloadbalancing"
            }
            Dataset::Buckets | Dataset::BucketDetails => "s3",
            Dataset::LogGroups => "logs",
            Dataset::DbInstances
            | Dataset::DbClusters
            | Dataset::DbGlobalClusters
            | Dataset::DbSnapshots
            | Dataset::DbClusterSnapshots => "rds",
            Dataset::CacheReplicationGroups | Dataset::CacheClusters => "elasticache",
            Dataset::AutoScalingGroups => "autoscaling",
            Dataset::Trails => "cloudtrail",
        }
    }

    /// The CloudFormation-style type of the resources in this dataset.
    pub fn resource_type(self) -> &'static str {
        match self {
            Dataset::SecurityGroups => "AWS::EC2::SecurityGroup",
            Dataset::PrefixLists => "AWS::EC2::PrefixList",
            Dataset::NetworkAcls => "AWS::EC2::NetworkAcl",
            Dataset::NetworkInterfaces => "AWS::EC2::NetworkInterface",
            Dataset::Instances => "AWS::EC2::Instance",
            Dataset::Volumes => "AWS::EC2::Volume",
            Dataset::EbsEncryptionByDefault => "AWS::EC2::EBSEncryptionByDefault",
            Dataset::LoadBalancers => "AWS::ElasticLoadBalancingV2::LoadBalancer",
            Dataset::ClassicLoadBalancers => "AWS::ElasticLoadBalancing::LoadBalancer",
            Dataset::SslPolicies => "AWS::ElasticLoadBalancingV2::SSLPolicy",
            Dataset::Buckets => "AWS::S3::Bucket",
            Dataset::LogGroups => "AWS::Logs::LogGroup",
            Dataset::DbInstances => "AWS::RDS::DBInstance",
            Dataset::DbClusters => "AWS::RDS::DBCluster",
            Dataset::DbGlobalClusters => "AWS::RDS::GlobalCluster",
            Dataset::Snapshots => "AWS::EC2::Snapshot",
            Dataset::DbSnapshots => "AWS::RDS::DBSnapshot",
            Dataset::DbClusterSnapshots => "AWS::RDS::DBClusterSnapshot",
            Dataset::CacheReplicationGroups => "AWS::ElastiCache::ReplicationGroup",
            Dataset::CacheClusters => "AWS::ElastiCache::CacheCluster",
            Dataset::AutoScalingGroups => "AWS::AutoScaling::AutoScalingGroup",
            Dataset::Trails => "AWS::CloudTrail::Trail",
            Dataset::BucketDetails => "AWS::S3::Bucket",
        }
    }

    /// Whether the dataset is read once per account rather than per region.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            Dataset::Buckets | Dataset::BucketDetails | Dataset::Trails
        )
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether one dataset was read in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub account: String,
    /// The region, or [`GLOBAL`] for global datasets.
    pub region: String,
    pub dataset: Dataset,
    /// `None` when the dataset was read completely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
}

/// An error AWS (or the way to it) returned, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsError {
    /// The API operation that failed, e.g. `DescribeSecurityGroups`.
    pub operation: String,
    /// AWS's error code (`AccessDenied`, `Throttling`, ...), or a
    /// conform-assigned code for failures without one (`DispatchFailure`,
    /// `TimeoutError`, `ResponseError`).
    pub code: String,
    /// AWS's message, or a description of the transport failure.
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with {}", self.operation, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// A value that was either read, or could not be read for a reason.
///
/// Used for per-resource reads (a bucket's encryption, for example) where
/// "not configured" and "not allowed to look" are different facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read<T> {
    Value(T),
    Unreadable(AwsError),
}

/// Where a resource lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub account: String,
    pub region: String,
}

impl Inventory {
    /// An empty inventory stamped with the given collection time.
    pub fn new(collected_at: Timestamp) -> Self {
        Inventory {
            format: FORMAT.to_string(),
            version: VERSION,
            collected_at,
            ..Default::default()
        }
    }

    /// Reads an inventory saved by `--save-inventory`.
    pub fn load(path: &Path) -> Result<Self, InventoryError> {
        let text = std::fs::read_to_string(path).map_err(|source| InventoryError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(path, &text)
    }

    /// Parses an inventory from JSON text; `path` is used in error messages.
    pub fn from_json(path: &Path, text: &str) -> Result<Self, InventoryError> {
        // Check the header first, so that a file of another kind or version
        // gets a message about that rather than about a missing field.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let syntax = |e: serde_json::Error| InventoryError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        };
        let header: Header = serde_json::from_str(text).map_err(syntax)?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(InventoryError::NotAnInventory {
                path: path.to_path_buf(),
            });
        }
        match header.version {
            Some(VERSION) => {}
            found => {
                return Err(InventoryError::Version {
                    path: path.to_path_buf(),
                    found,
                    supported: VERSION,
                });
            }
        }
        serde_json::from_str(text).map_err(syntax)
    }

    /// Writes the inventory as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The partition of an account (defaults to `aws`).
    pub fn partition(&self, account: &str) -> &str {
        self.scope
            .iter()
            .find(|s| s.account == account)
            .map(|s| s.partition.as_str())
            .unwrap_or("aws")
    }

    /// Adds another inventory's contents to this one (used to assemble the
    /// results of concurrent collectors).
    pub fn absorb(&mut self, other: Inventory) {
        let Inventory {
            format: _,
            version: _,
            collected_at: _,
            completed_at: _,
            scope,
            coverage,
            security_groups,
            prefix_lists,
            network_acls,
            network_interfaces,
            instances,
            volumes,
            ebs_encryption_by_default,
            load_balancers,
            ssl_policies,
            buckets,
            log_groups,
            db_instances,
            db_clusters,
            db_global_clusters,
            snapshots,
            db_snapshots,
            cache_replication_groups,
            cache_clusters,
            auto_scaling_groups,
            trails,
        } = other;
        self.scope.extend(scope);
        self.coverage.extend(coverage);
        self.security_groups.extend(security_groups);
        self.prefix_lists.extend(prefix_lists);
        self.network_acls.extend(network_acls);
        self.network_interfaces.extend(network_interfaces);
        self.instances.extend(instances);
        self.volumes.extend(volumes);
        self.ebs_encryption_by_default
            .extend(ebs_encryption_by_default);
        self.load_balancers.extend(load_balancers);
        self.ssl_policies.extend(ssl_policies);
        self.buckets.extend(buckets);
        self.log_groups.extend(log_groups);
        self.db_instances.extend(db_instances);
        self.db_clusters.extend(db_clusters);
        self.db_global_clusters.extend(db_global_clusters);
        self.snapshots.extend(snapshots);
        self.db_snapshots.extend(db_snapshots);
        self.cache_replication_groups
            .extend(cache_replication_groups);
        self.cache_clusters.extend(cache_clusters);
        self.auto_scaling_groups.extend(auto_scaling_groups);
        self.trails.extend(trails);
    }

    /// Puts every list in a stable order, so that saved inventories of the
    /// same estate are byte-for-byte comparable.
    pub fn sort(&mut self) {
        self.scope.sort_by(|a, b| a.account.cmp(&b.account));
        for s in &mut self.scope {
            s.regions.sort();
        }
        self.coverage.sort_by(|a, b| {
            (&a.account, &a.region, a.dataset).cmp(&(&b.account, &b.region, b.dataset))
        });
        self.security_groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.prefix_lists.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.network_acls.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.network_interfaces.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.instances.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.volumes.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.ebs_encryption_by_default.sort_by(|a, b| {
            (&a.place.account, &a.place.region).cmp(&(&b.place.account, &b.place.region))
        });
        self.load_balancers.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.ssl_policies.sort_by(|a, b| {
            (&a.place.account, &a.place.region, &a.name).cmp(&(
                &b.place.account,
                &b.place.region,
                &b.name,
            ))
        });
        self.buckets.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.log_groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.db_instances.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.db_clusters.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.db_global_clusters
            .sort_by(|a, b| (&a.arn, &a.place.region).cmp(&(&b.arn, &b.place.region)));
        self.snapshots.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.db_snapshots.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.cache_replication_groups
            .sort_by(|a, b| a.arn.cmp(&b.arn));
        self.cache_clusters.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.auto_scaling_groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.trails.sort_by(|a, b| a.arn.cmp(&b.arn));
    }

    /// How many resources the inventory holds, of every kind.
    pub fn resource_count(&self) -> usize {
        self.security_groups.len()
            + self.prefix_lists.len()
            + self.network_acls.len()
            + self.network_interfaces.len()
            + self.instances.len()
            + self.volumes.len()
            + self.ebs_encryption_by_default.len()
            + self.load_balancers.len()
            + self.ssl_policies.len()
            + self.buckets.len()
            + self.log_groups.len()
            + self.db_instances.len()
            + self.db_clusters.len()
            + self.db_global_clusters.len()
            + self.snapshots.len()
            + self.db_snapshots.len()
            + self.cache_replication_groups.len()
            + self.cache_clusters.len()
            + self.auto_scaling_groups.len()
            + self.trails.len()
    }

    /// The coverage of a dataset in one account and region, if attempted.
    pub fn coverage_of(&self, account: &str, region: &str, dataset: Dataset) -> Option<&Coverage> {
        self.coverage
            .iter()
            .find(|c| c.dataset == dataset && c.account == account && c.region == region)
    }
}

/// serde_json appends " at line L column C" to its messages; the position
/// is reported separately, so drop it from the text.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
