//! ElastiCache: replication groups and cache clusters.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An ElastiCache replication group (Redis OSS / Valkey).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheReplicationGroup {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    /// `enabled` or `disabled`, as AWS returns it.
    #[serde(default)]
    pub multi_az: Option<Str>,
    /// `enabled`, `disabled`, `enabling` or `disabling`.
    #[serde(default)]
    pub automatic_failover: Option<Str>,
    #[serde(default)]
    pub member_clusters: Vec<Str>,
    /// The availability zones of the member nodes, one entry per node.
    #[serde(default)]
    pub member_availability_zones: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    /// The group's node groups (shards), each with its nodes' zones. Empty
    /// in inventories saved before conform read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_groups: Vec<CacheNodeGroup>,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// `valkey` or `redis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_node_type: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_rest_encryption_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_encryption_enabled: Option<bool>,
    /// `preferred` or `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_encryption_mode: Option<Str>,
    /// Whether an AUTH token (password) is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// Days automatic snapshots are kept; 0 means they are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_retention_limit: Option<i32>,
    /// `hh24:mi-hh24:mi` in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_window: Option<Str>,
    /// `ipv4`, `ipv6` or `dual_stack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_type: Option<Str>,
    /// Where its slow and engine logs go; always `Some` (possibly empty)
    /// when collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_delivery: Option<Vec<CacheLogDelivery>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    /// Whether it is sharded (`ClusterEnabled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_enabled: Option<bool>,
    /// `enabled`, `disabled` or `compatible`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_mode: Option<Str>,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_tiering: Option<Str>,
    /// The user groups it authenticates against (`UserGroupIds`); always
    /// `Some` (possibly empty) in a collected group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_ids: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
}

/// One node group (shard) of a replication group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheNodeGroup {
    /// `0001`, ...
    pub id: Str,
    /// The availability zones of the shard's nodes, one entry per node.
    #[serde(default)]
    pub member_availability_zones: Vec<Str>,
}

/// An ElastiCache cache cluster (a node group of a replication group, or a
/// standalone Memcached / Redis cluster).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheCluster {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    #[serde(default)]
    pub engine: Option<Str>,
    #[serde(default)]
    pub replication_group_id: Option<Str>,
    #[serde(default)]
    pub availability_zone: Option<Str>,
    /// `ddd:hh:mm-ddd:hh:mm` in UTC.
    #[serde(default)]
    pub preferred_maintenance_window: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`CacheReplicationGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Str>,
    /// `CacheClusterStatus`: `available`, `creating`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_node_type: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_cache_nodes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_rest_encryption_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_encryption_enabled: Option<bool>,
    /// `preferred` or `required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transit_encryption_mode: Option<Str>,
    /// Whether an AUTH token (password) is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// Days automatic snapshots are kept; 0 means they are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_retention_limit: Option<i32>,
    /// `hh24:mi-hh24:mi` in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_window: Option<Str>,
    /// `ipv4`, `ipv6` or `dual_stack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_type: Option<Str>,
    /// Where its slow and engine logs go; always `Some` (possibly empty)
    /// when collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_delivery: Option<Vec<CacheLogDelivery>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_subnet_group_name: Option<Str>,
    /// `SecurityGroups[].SecurityGroupId`; always `Some` (possibly empty)
    /// in a collected cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
}

/// One log delivery configuration (`LogDeliveryConfiguration`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheLogDelivery {
    /// `slow-log` or `engine-log`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_type: Option<Str>,
    /// `cloudwatch-logs` or `kinesis-firehose`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_type: Option<Str>,
    /// `text` or `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_format: Option<Str>,
    /// `active`, `enabling`, `modifying`, `disabling` or `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
}

resource!(CacheReplicationGroup: CacheReplicationGroups, named id, tagged);
resource!(CacheCluster: CacheClusters, named id, tagged);

// The catalogues.

use super::fields::{Described, Field};
use super::{Member, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

const LOG_DELIVERY: Type = Type::List(&Type::Struct(&[
    Member {
        name: "LogType",
        ty: Type::String,
    },
    Member {
        name: "DestinationType",
        ty: Type::String,
    },
    Member {
        name: "LogFormat",
        ty: Type::String,
    },
    Member {
        name: "Status",
        ty: Type::String,
    },
]));

fn log_delivery(l: &Option<Vec<CacheLogDelivery>>) -> Option<Value> {
    l.as_ref().map(|l| {
        Value::List(
            l.iter()
                .map(|d| {
                    Value::record([
                        ("LogType", string(&d.log_type)),
                        ("DestinationType", string(&d.destination_type)),
                        ("LogFormat", string(&d.log_format)),
                        ("Status", string(&d.status)),
                    ])
                })
                .collect(),
        )
    })
}

/// A catalogue of `$field`s followed by the fields replication groups and
/// cache clusters share (same names and meaning in both shapes).
macro_rules! with_shared_fields {
    ($($field:expr),* $(,)?) => {
        &[
            $($field,)*
            Field::own(
                "AtRestEncryptionEnabled",
                Type::Bool,
                "Whether its data at rest is encrypted.",
                |r| r.at_rest_encryption_enabled.map(Value::from),
            ),
            Field::own(
                "TransitEncryptionEnabled",
                Type::Bool,
                "Whether in-transit encryption (TLS) is on.",
                |r| r.transit_encryption_enabled.map(Value::from),
            ),
            Field::own(
                "TransitEncryptionMode",
                Type::String,
                "preferred (TLS and plain connections) or required (TLS only).",
                |r| string(&r.transit_encryption_mode),
            ),
            Field::own(
                "AuthTokenEnabled",
                Type::Bool,
                "Whether commands need an AUTH token (password).",
                |r| r.auth_token_enabled.map(Value::from),
            ),
            Field::own(
                "AutoMinorVersionUpgrade",
                Type::Bool,
                "Whether minor engine upgrades are applied automatically.",
                |r| r.auto_minor_version_upgrade.map(Value::from),
            ),
            Field::own(
                "SnapshotRetentionLimit",
                Type::Int,
                "Days automatic snapshots are kept; 0 means they are off.",
                |r| r.snapshot_retention_limit.map(Value::from),
            ),
            Field::own(
                "SnapshotWindow",
                Type::String,
                "The daily snapshot window, hh24:mi-hh24:mi in UTC.",
                |r| string(&r.snapshot_window),
            ),
            Field::own(
                "NetworkType",
                Type::String,
                "ipv4, ipv6 or dual_stack.",
                |r| string(&r.network_type),
            ),
            Field::own(
                "LogDeliveryConfigurations",
                LOG_DELIVERY,
                "Where its slow log and engine log are delivered.",
                |r| log_delivery(&r.log_delivery),
            ),
        ]
    };
}

impl Described for CacheReplicationGroup {
    const REFERENCE: &'static str = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ReplicationGroup.html";
    const FIELDS: &'static [Field<Self>] = with_shared_fields![
        Field::own(
            "ReplicationGroupId",
            Type::String,
            "The replication group's identifier.",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own("ARN", Type::String, "The replication group's ARN.", |r| {
            Some(Value::from(&r.arn))
        },),
        Field::own("Description", Type::String, "Its description.", |r| string(
            &r.description
        ),),
        Field::own(
            "Engine",
            Type::String,
            "The cache engine (valkey or redis).",
            |r| string(&r.engine),
        ),
        Field::own(
            "Status",
            Type::String,
            "Its state (available, creating, modifying, ...).",
            |r| string(&r.status),
        ),
        Field::own(
            "CacheNodeType",
            Type::String,
            "The node type of its nodes (cache.r7g.large, ...).",
            |r| string(&r.cache_node_type),
        ),
        Field::own("MultiAZ", Type::String, "enabled or disabled.", |r| string(
            &r.multi_az
        ),),
        Field::own(
            "AutomaticFailover",
            Type::String,
            "enabled, disabled, enabling or disabling.",
            |r| string(&r.automatic_failover),
        ),
        Field::own(
            "ClusterEnabled",
            Type::Bool,
            "Whether it is sharded (cluster mode).",
            |r| r.cluster_enabled.map(Value::from),
        ),
        Field::own(
            "ClusterMode",
            Type::String,
            "enabled, disabled or compatible.",
            |r| string(&r.cluster_mode),
        ),
        Field::own(
            "DataTiering",
            Type::String,
            "enabled or disabled (data tiering to SSD).",
            |r| string(&r.data_tiering),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key that encrypts its data at rest.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "UserGroupIds",
            Type::List(&Type::String),
            "The user groups (RBAC) it authenticates against.",
            |r| r.user_group_ids.as_ref().map(|v| Value::strings(v)),
        ),
        Field::own(
            "MemberClusters",
            Type::List(&Type::String),
            "The cache clusters (nodes) it is made of.",
            |r| Some(Value::strings(&r.member_clusters)),
        ),
        Field::own(
            "NodeGroups",
            Type::List(&Type::Struct(&[
                Member {
                    name: "NodeGroupId",
                    ty: Type::String,
                },
                Member {
                    name: "NodeGroupMembers",
                    ty: Type::List(&Type::Struct(&[Member {
                        name: "PreferredAvailabilityZone",
                        ty: Type::String,
                    }])),
                },
            ])),
            "Its shards, each with its nodes' zones.",
            |r| {
                // Inventories saved before conform read shards have none.
                (!r.node_groups.is_empty()).then(|| {
                    Value::List(
                        r.node_groups
                            .iter()
                            .map(|g| {
                                Value::record([
                                    ("NodeGroupId", Some(Value::from(&g.id))),
                                    (
                                        "NodeGroupMembers",
                                        Some(Value::List(
                                            g.member_availability_zones
                                                .iter()
                                                .map(|az| {
                                                    Value::record([(
                                                        "PreferredAvailabilityZone",
                                                        Some(Value::from(az)),
                                                    )])
                                                })
                                                .collect(),
                                        )),
                                    ),
                                ])
                            })
                            .collect(),
                    )
                })
            },
        ),
        Field::own(
            "ReplicationGroupCreateTime",
            Type::Timestamp,
            "When it was created.",
            |r| r.create_time.map(Value::from),
        ),
    ];
}

impl Described for CacheCluster {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheCluster.html";
    const FIELDS: &'static [Field<Self>] = with_shared_fields![
        Field::own(
            "CacheClusterId",
            Type::String,
            "The cache cluster's identifier.",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own("ARN", Type::String, "The cache cluster's ARN.", |r| Some(
            Value::from(&r.arn)
        ),),
        Field::own(
            "Engine",
            Type::String,
            "The cache engine (valkey, redis or memcached).",
            |r| string(&r.engine),
        ),
        Field::own(
            "EngineVersion",
            Type::String,
            "The cache engine's version.",
            |r| string(&r.engine_version),
        ),
        Field::own(
            "CacheClusterStatus",
            Type::String,
            "Its state (available, creating, ...).",
            |r| string(&r.status),
        ),
        Field::own(
            "CacheNodeType",
            Type::String,
            "The node type of its nodes (cache.t4g.micro, ...).",
            |r| string(&r.cache_node_type),
        ),
        Field::own("NumCacheNodes", Type::Int, "How many nodes it has.", |r| r
            .num_cache_nodes
            .map(Value::from),),
        Field::own(
            "ReplicationGroupId",
            Type::String,
            "The replication group it is a member of.",
            |r| string(&r.replication_group_id),
        ),
        Field::own(
            "PreferredAvailabilityZone",
            Type::String,
            "The zone its nodes are in (Multiple when spread).",
            |r| string(&r.availability_zone),
        ),
        Field::own(
            "PreferredMaintenanceWindow",
            Type::String,
            "The weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi in UTC.",
            |r| string(&r.preferred_maintenance_window),
        ),
        Field::own(
            "CacheSubnetGroupName",
            Type::String,
            "Its subnet group.",
            |r| string(&r.cache_subnet_group_name),
        ),
        Field::own(
            "SecurityGroups",
            Type::List(&Type::Struct(&[Member {
                name: "SecurityGroupId",
                ty: Type::String,
            }])),
            "The VPC security groups it is in.",
            |r| {
                r.security_group_ids.as_ref().map(|ids| {
                    Value::List(
                        ids.iter()
                            .map(|id| Value::record([("SecurityGroupId", Some(Value::from(id)))]))
                            .collect(),
                    )
                })
            },
        ),
        Field::own(
            "CacheClusterCreateTime",
            Type::Timestamp,
            "When it was created.",
            |r| r.create_time.map(Value::from),
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::present;

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        assert_eq!(
            present(&CacheReplicationGroup::default()),
            ["ReplicationGroupId", "ARN", "MemberClusters"]
        );
        assert_eq!(present(&CacheCluster::default()), ["CacheClusterId", "ARN"]);
    }

    #[test]
    fn shards_and_log_delivery_under_aws_names() {
        let g = CacheReplicationGroup {
            node_groups: vec![CacheNodeGroup {
                id: "0001".into(),
                member_availability_zones: vec!["eu-north-1a".into()],
            }],
            log_delivery: Some(vec![CacheLogDelivery {
                log_type: Some("slow-log".into()),
                destination_type: Some("cloudwatch-logs".into()),
                log_format: Some("json".into()),
                status: Some("active".into()),
            }]),
            transit_encryption_mode: Some("required".into()),
            ..CacheReplicationGroup::default()
        };
        let get = |name| {
            (CacheReplicationGroup::field(name).unwrap().get)(&g)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            get("NodeGroups"),
            r#"[{"NodeGroupId": "0001", "NodeGroupMembers": [{"PreferredAvailabilityZone": "eu-north-1a"}]}]"#
        );
        assert_eq!(
            get("LogDeliveryConfigurations"),
            r#"[{"DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": "slow-log", "Status": "active"}]"#
        );
        assert_eq!(get("TransitEncryptionMode"), r#""required""#);
    }
}
