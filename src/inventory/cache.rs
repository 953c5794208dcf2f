//! ElastiCache: replication groups and cache clusters.

use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An ElastiCache replication group (Redis OSS / Valkey).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheReplicationGroup {
    pub arn: String,
    pub place: Place,
    pub id: String,
    /// `enabled` or `disabled`, as AWS returns it.
    #[serde(default)]
    pub multi_az: Option<String>,
    /// `enabled`, `disabled`, `enabling` or `disabling`.
    #[serde(default)]
    pub automatic_failover: Option<String>,
    #[serde(default)]
    pub member_clusters: Vec<String>,
    /// The availability zones of the member nodes, one entry per node.
    #[serde(default)]
    pub member_availability_zones: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    /// The group's node groups (shards), each with its nodes' zones. Empty
    /// in inventories saved before conform read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_groups: Vec<CacheNodeGroup>,
}

/// One node group (shard) of a replication group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheNodeGroup {
    /// `0001`, ...
    pub id: String,
    /// The availability zones of the shard's nodes, one entry per node.
    #[serde(default)]
    pub member_availability_zones: Vec<String>,
}

/// An ElastiCache cache cluster (a node group of a replication group, or a
/// standalone Memcached / Redis cluster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheCluster {
    pub arn: String,
    pub place: Place,
    pub id: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub replication_group_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// `ddd:hh:mm-ddd:hh:mm` in UTC.
    #[serde(default)]
    pub preferred_maintenance_window: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

resource!(CacheReplicationGroup: CacheReplicationGroups, named id, tagged);
resource!(CacheCluster: CacheClusters, named id, tagged);
