//! Databases: RDS instances and clusters.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An RDS DB instance (including Aurora cluster members).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    #[serde(default)]
    pub engine: Option<Str>,
    #[serde(default)]
    pub status: Option<Str>,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub availability_zone: Option<Str>,
    #[serde(default)]
    pub secondary_availability_zone: Option<Str>,
    /// The cluster this instance is a member of.
    #[serde(default)]
    pub cluster_id: Option<Str>,
    /// Set when this instance is a read replica of another.
    #[serde(default)]
    pub read_replica_source: Option<Str>,
    #[serde(default)]
    pub publicly_accessible: bool,
    #[serde(default)]
    pub storage_encrypted: bool,
    /// Days automated backups are kept (`BackupRetentionPeriod`); 0 means
    /// automated backups are off. `None` when AWS did not say.
    #[serde(default)]
    pub backup_retention_days: Option<i32>,
    /// `ddd:hh:mm-ddd:hh:mm` in UTC.
    #[serde(default)]
    pub preferred_maintenance_window: Option<Str>,
    /// This instance's read replicas: identifiers in the same region, ARNs
    /// for replicas in other regions (`ReadReplicaDBInstanceIdentifiers`).
    #[serde(default)]
    pub read_replica_ids: Vec<Str>,
    /// ARNs of this instance's automated backups replicated to other
    /// regions (`DBInstanceAutomatedBackupsReplications`).
    #[serde(default)]
    pub automated_backup_replications: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// `EngineVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Str>,
    /// `DBInstanceClass` (`db.m6g.large`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// `hh24:mi-hh24:mi` in UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_backup_window: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights_enabled: Option<bool>,
    /// Days (7, a multiple of 31, or 731).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights_retention_period: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights_kms_key_id: Option<Str>,
    /// Seconds between Enhanced Monitoring samples; 0 means off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_interval: Option<i32>,
    /// Log types exported to CloudWatch Logs (`EnabledCloudwatchLogsExports`).
    /// AWS leaves the list out when it is empty, so a collected instance
    /// always has `Some` (possibly empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_cloudwatch_logs_exports: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_database_authentication_enabled: Option<bool>,
    /// The KMS key of its encrypted storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    /// `CACertificateIdentifier` (`rds-ca-rsa2048-g1`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate_identifier: Option<Str>,
    /// When the server certificate expires (`CertificateDetails.ValidTill`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_valid_till: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_tags_to_snapshot: Option<bool>,
    /// `gp2`, `gp3`, `io1`, `io2`, `standard`, `aurora`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<i32>,
    /// GiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_storage: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<DbEndpoint>,
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_security_group_ids: Option<Vec<Str>>,
    /// `DBSubnetGroup.DBSubnetGroupName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_group: Option<Str>,
    /// `DBSubnetGroup.VpcId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<Str>,
    /// `IPV4` or `DUAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_type: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_create_time: Option<Timestamp>,
}

/// An RDS endpoint (`Endpoint`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbEndpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<Str>,
}

/// An RDS DB cluster (Aurora, or a Multi-AZ DB cluster).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    #[serde(default)]
    pub engine: Option<Str>,
    #[serde(default)]
    pub multi_az: bool,
    /// The AZs the cluster's storage spans (AWS's `AvailabilityZones`).
    #[serde(default)]
    pub availability_zones: Vec<Str>,
    /// The member instances' identifiers.
    #[serde(default)]
    pub members: Vec<DbClusterMember>,
    #[serde(default)]
    pub storage_encrypted: bool,
    /// Days automated backups are kept (`BackupRetentionPeriod`).
    #[serde(default)]
    pub backup_retention_days: Option<i32>,
    /// `ddd:hh:mm-ddd:hh:mm` in UTC.
    #[serde(default)]
    pub preferred_maintenance_window: Option<Str>,
    /// Read replica clusters, by ARN (`ReadReplicaIdentifiers`); those in
    /// other regions are cross-region copies.
    #[serde(default)]
    pub read_replica_ids: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`DbInstance`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Str>,
    /// `provisioned`, `serverless`, `parallelquery`, `global`, `multimaster`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_mode: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_database_authentication_enabled: Option<bool>,
    /// Always `Some` (possibly empty) in a collected cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_cloudwatch_logs_exports: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_backup_window: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_tags_to_snapshot: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_insights_retention_period: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_interval: Option<i32>,
    /// Set for Multi-AZ DB clusters (not Aurora).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<Str>,
    /// `DBClusterInstanceClass`, for Multi-AZ DB clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<Str>,
    /// The writer endpoint's DNS name (`Endpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// The global database it belongs to (`GlobalClusterIdentifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_cluster_id: Option<Str>,
    /// Whether the RDS Data API is on (`HttpEndpointEnabled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint_enabled: Option<bool>,
    /// `VpcSecurityGroups[].VpcSecurityGroupId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_security_group_ids: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_create_time: Option<Timestamp>,
}

/// An Aurora global database (`DescribeGlobalClusters`), as listed in one
/// region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbGlobalCluster {
    pub arn: Text,
    /// Where it was listed.
    pub place: Place,
    pub id: Str,
    /// Its clusters, in every region.
    #[serde(default)]
    pub members: Vec<DbGlobalClusterMember>,
    // Kept for attribute rules (issue 14); see [`DbInstance`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
}

/// A cluster of a global database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbGlobalClusterMember {
    pub cluster_arn: Str,
    /// The primary (read-write) cluster.
    #[serde(default)]
    pub is_writer: bool,
    /// For the primary: its secondary clusters, by ARN.
    #[serde(default)]
    pub readers: Vec<Str>,
}

/// A member of a DB cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbClusterMember {
    pub instance_id: Str,
    #[serde(default)]
    pub is_writer: bool,
}

resource!(DbInstance: DbInstances, named id, tagged);
resource!(DbCluster: DbClusters, named id, tagged);
resource!(DbGlobalCluster: DbGlobalClusters, named id);

// The catalogues. Lists AWS leaves out when empty (`ReadReplicaDBInstanceIdentifiers`,
// ...) are always present, empty when AWS gave none.

use super::fields::{Described, Field};
use super::{Member, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

fn strings(v: &Option<Vec<Str>>) -> Option<Value> {
    v.as_ref().map(|v| Value::strings(v))
}

/// `[{"VpcSecurityGroupId": ..}]`.
const VPC_SECURITY_GROUPS: Type = Type::List(&Type::Struct(&[Member {
    name: "VpcSecurityGroupId",
    ty: Type::String,
}]));

fn vpc_security_groups(ids: &Option<Vec<Str>>) -> Option<Value> {
    ids.as_ref().map(|ids| {
        Value::List(
            ids.iter()
                .map(|id| Value::record([("VpcSecurityGroupId", Some(Value::from(id)))]))
                .collect(),
        )
    })
}

impl Described for DbInstance {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "DBInstanceIdentifier",
            Type::String,
            "The DB instance's identifier.",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "DBInstanceArn",
            Type::String,
            "The DB instance's ARN.",
            |r| Some(Value::from(&r.arn)),
        ),
        Field::own(
            "Engine",
            Type::String,
            "The database engine (mysql, postgres, aurora-postgresql, ...).",
            |r| string(&r.engine),
        ),
        Field::own(
            "EngineVersion",
            Type::String,
            "The database engine's version (8.0.39, 16.4, ...).",
            |r| string(&r.engine_version),
        ),
        Field::own(
            "DBInstanceClass",
            Type::String,
            "The compute and memory capacity class (db.m6g.large, ...).",
            |r| string(&r.instance_class),
        ),
        Field::own(
            "DBInstanceStatus",
            Type::String,
            "The instance's state (available, stopped, ...).",
            |r| string(&r.status),
        ),
        Field::own(
            "MultiAZ",
            Type::Bool,
            "Whether it is a Multi-AZ deployment (a standby in another zone).",
            |r| Some(Value::from(r.multi_az)),
        ),
        Field::own(
            "AvailabilityZone",
            Type::String,
            "The zone it runs in.",
            |r| string(&r.availability_zone),
        ),
        Field::own(
            "SecondaryAvailabilityZone",
            Type::String,
            "The standby's zone, for a Multi-AZ deployment.",
            |r| string(&r.secondary_availability_zone),
        ),
        Field::own(
            "DBClusterIdentifier",
            Type::String,
            "The DB cluster it is a member of.",
            |r| string(&r.cluster_id),
        ),
        Field::own(
            "ReadReplicaSourceDBInstanceIdentifier",
            Type::String,
            "For a read replica, the instance it replicates.",
            |r| string(&r.read_replica_source),
        ),
        Field::own(
            "PubliclyAccessible",
            Type::Bool,
            "Whether its endpoint resolves to a public address.",
            |r| Some(Value::from(r.publicly_accessible)),
        ),
        Field::own(
            "StorageEncrypted",
            Type::Bool,
            "Whether its storage is encrypted.",
            |r| Some(Value::from(r.storage_encrypted)),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts its storage.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "StorageType",
            Type::String,
            "The storage type (gp2, gp3, io1, io2, standard, aurora, ...).",
            |r| string(&r.storage_type),
        ),
        Field::own(
            "AllocatedStorage",
            Type::Int,
            "The allocated storage in GiB.",
            |r| r.allocated_storage.map(Value::from),
        ),
        Field::own(
            "Iops",
            Type::Int,
            "The provisioned IOPS, for storage types that have them.",
            |r| r.iops.map(Value::from),
        ),
        Field::own(
            "BackupRetentionPeriod",
            Type::Int,
            "Days automated backups are kept; 0 means they are off.",
            |r| r.backup_retention_days.map(Value::from),
        ),
        Field::own(
            "PreferredBackupWindow",
            Type::String,
            "The daily backup window, hh24:mi-hh24:mi in UTC.",
            |r| string(&r.preferred_backup_window),
        ),
        Field::own(
            "PreferredMaintenanceWindow",
            Type::String,
            "The weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi in UTC.",
            |r| string(&r.preferred_maintenance_window),
        ),
        Field::own(
            "AutoMinorVersionUpgrade",
            Type::Bool,
            "Whether minor engine upgrades are applied automatically.",
            |r| r.auto_minor_version_upgrade.map(Value::from),
        ),
        Field::own(
            "DeletionProtection",
            Type::Bool,
            "Whether the instance cannot be deleted while this is on.",
            |r| r.deletion_protection.map(Value::from),
        ),
        Field::own(
            "CopyTagsToSnapshot",
            Type::Bool,
            "Whether its tags are copied to its snapshots.",
            |r| r.copy_tags_to_snapshot.map(Value::from),
        ),
        Field::own(
            "IAMDatabaseAuthenticationEnabled",
            Type::Bool,
            "Whether IAM accounts can authenticate to the database.",
            |r| r.iam_database_authentication_enabled.map(Value::from),
        ),
        Field::own(
            "EnabledCloudwatchLogsExports",
            Type::List(&Type::String),
            "The log types exported to CloudWatch Logs (audit, error, postgresql, ...).",
            |r| strings(&r.enabled_cloudwatch_logs_exports),
        ),
        Field::own(
            "PerformanceInsightsEnabled",
            Type::Bool,
            "Whether Performance Insights is on.",
            |r| r.performance_insights_enabled.map(Value::from),
        ),
        Field::own(
            "PerformanceInsightsRetentionPeriod",
            Type::Int,
            "Days Performance Insights data is kept (7, a multiple of 31, or 731).",
            |r| r.performance_insights_retention_period.map(Value::from),
        ),
        Field::own(
            "PerformanceInsightsKMSKeyId",
            Type::String,
            "The KMS key that encrypts Performance Insights data.",
            |r| string(&r.performance_insights_kms_key_id),
        ),
        Field::own(
            "MonitoringInterval",
            Type::Int,
            "Seconds between Enhanced Monitoring samples; 0 means it is off.",
            |r| r.monitoring_interval.map(Value::from),
        ),
        Field::own(
            "CACertificateIdentifier",
            Type::String,
            "The CA certificate of its server certificate (rds-ca-rsa2048-g1, ...).",
            |r| string(&r.ca_certificate_identifier),
        ),
        Field::own(
            "CertificateDetails",
            Type::Struct(&[
                Member {
                    name: "CAIdentifier",
                    ty: Type::String,
                },
                Member {
                    name: "ValidTill",
                    ty: Type::Timestamp,
                },
            ]),
            "Its server certificate: the CA and when it expires.",
            |r| {
                r.certificate_valid_till.map(|t| {
                    Value::record([
                        ("CAIdentifier", string(&r.ca_certificate_identifier)),
                        ("ValidTill", Some(Value::from(t))),
                    ])
                })
            },
        ),
        Field::own(
            "Endpoint",
            Type::Struct(&[
                Member {
                    name: "Address",
                    ty: Type::String,
                },
                Member {
                    name: "Port",
                    ty: Type::Int,
                },
                Member {
                    name: "HostedZoneId",
                    ty: Type::String,
                },
            ]),
            "Its connection endpoint: DNS name and port.",
            |r| {
                r.endpoint.as_ref().map(|e| {
                    Value::record([
                        ("Address", string(&e.address)),
                        ("Port", e.port.map(Value::from)),
                        ("HostedZoneId", string(&e.hosted_zone_id)),
                    ])
                })
            },
        ),
        Field::own(
            "VpcSecurityGroups",
            VPC_SECURITY_GROUPS,
            "The VPC security groups it is in.",
            |r| vpc_security_groups(&r.vpc_security_group_ids),
        ),
        Field::own(
            "DBSubnetGroup",
            Type::Struct(&[
                Member {
                    name: "DBSubnetGroupName",
                    ty: Type::String,
                },
                Member {
                    name: "VpcId",
                    ty: Type::String,
                },
            ]),
            "Its subnet group: its name and VPC.",
            |r| {
                (r.subnet_group.is_some() || r.vpc_id.is_some()).then(|| {
                    Value::record([
                        ("DBSubnetGroupName", string(&r.subnet_group)),
                        ("VpcId", string(&r.vpc_id)),
                    ])
                })
            },
        ),
        Field::own(
            "NetworkType",
            Type::String,
            "IPV4 or DUAL (IPv4 and IPv6).",
            |r| string(&r.network_type),
        ),
        Field::own(
            "InstanceCreateTime",
            Type::Timestamp,
            "When it was created.",
            |r| r.instance_create_time.map(Value::from),
        ),
        Field::own(
            "ReadReplicaDBInstanceIdentifiers",
            Type::List(&Type::String),
            "Its read replicas: identifiers in its region, ARNs in others.",
            |r| Some(Value::strings(&r.read_replica_ids)),
        ),
        Field::own(
            "DBInstanceAutomatedBackupsReplications",
            Type::List(&Type::Struct(&[Member {
                name: "DBInstanceAutomatedBackupsArn",
                ty: Type::String,
            }])),
            "Its automated backups replicated to other regions.",
            |r| {
                Some(Value::List(
                    r.automated_backup_replications
                        .iter()
                        .map(|arn| {
                            Value::record([(
                                "DBInstanceAutomatedBackupsArn",
                                Some(Value::from(arn)),
                            )])
                        })
                        .collect(),
                ))
            },
        ),
    ];
}

impl Described for DbCluster {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "DBClusterIdentifier",
            Type::String,
            "The DB cluster's identifier.",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own("DBClusterArn", Type::String, "The DB cluster's ARN.", |r| {
            Some(Value::from(&r.arn))
        }),
        Field::own(
            "Engine",
            Type::String,
            "The database engine (aurora-mysql, aurora-postgresql, mysql, postgres, ...).",
            |r| string(&r.engine),
        ),
        Field::own(
            "EngineVersion",
            Type::String,
            "The database engine's version.",
            |r| string(&r.engine_version),
        ),
        Field::own(
            "EngineMode",
            Type::String,
            "provisioned, serverless, parallelquery, global or multimaster.",
            |r| string(&r.engine_mode),
        ),
        Field::own(
            "Status",
            Type::String,
            "The cluster's state (available, stopped, ...).",
            |r| string(&r.status),
        ),
        Field::own(
            "MultiAZ",
            Type::Bool,
            "Whether it has instances in several zones.",
            |r| Some(Value::from(r.multi_az)),
        ),
        Field::own(
            "AvailabilityZones",
            Type::List(&Type::String),
            "The zones its storage spans.",
            |r| Some(Value::strings(&r.availability_zones)),
        ),
        Field::own(
            "DBClusterMembers",
            Type::List(&Type::Struct(&[
                Member {
                    name: "DBInstanceIdentifier",
                    ty: Type::String,
                },
                Member {
                    name: "IsClusterWriter",
                    ty: Type::Bool,
                },
            ])),
            "Its instances, and which one writes.",
            |r| {
                Some(Value::List(
                    r.members
                        .iter()
                        .map(|m| {
                            Value::record([
                                ("DBInstanceIdentifier", Some(Value::from(&m.instance_id))),
                                ("IsClusterWriter", Some(Value::from(m.is_writer))),
                            ])
                        })
                        .collect(),
                ))
            },
        ),
        Field::own(
            "DBClusterInstanceClass",
            Type::String,
            "The instances' class, for a Multi-AZ DB cluster.",
            |r| string(&r.instance_class),
        ),
        Field::own(
            "PubliclyAccessible",
            Type::Bool,
            "Whether it is publicly accessible (Multi-AZ DB clusters only).",
            |r| r.publicly_accessible.map(Value::from),
        ),
        Field::own(
            "StorageEncrypted",
            Type::Bool,
            "Whether its storage is encrypted.",
            |r| Some(Value::from(r.storage_encrypted)),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts its storage.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "StorageType",
            Type::String,
            "The storage type (aurora, aurora-iopt1, gp3, io1, io2).",
            |r| string(&r.storage_type),
        ),
        Field::own(
            "BackupRetentionPeriod",
            Type::Int,
            "Days automated backups are kept.",
            |r| r.backup_retention_days.map(Value::from),
        ),
        Field::own(
            "PreferredBackupWindow",
            Type::String,
            "The daily backup window, hh24:mi-hh24:mi in UTC.",
            |r| string(&r.preferred_backup_window),
        ),
        Field::own(
            "PreferredMaintenanceWindow",
            Type::String,
            "The weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi in UTC.",
            |r| string(&r.preferred_maintenance_window),
        ),
        Field::own(
            "AutoMinorVersionUpgrade",
            Type::Bool,
            "Whether minor engine upgrades are applied automatically.",
            |r| r.auto_minor_version_upgrade.map(Value::from),
        ),
        Field::own(
            "DeletionProtection",
            Type::Bool,
            "Whether the cluster cannot be deleted while this is on.",
            |r| r.deletion_protection.map(Value::from),
        ),
        Field::own(
            "CopyTagsToSnapshot",
            Type::Bool,
            "Whether its tags are copied to its snapshots.",
            |r| r.copy_tags_to_snapshot.map(Value::from),
        ),
        Field::own(
            "IAMDatabaseAuthenticationEnabled",
            Type::Bool,
            "Whether IAM accounts can authenticate to the database.",
            |r| r.iam_database_authentication_enabled.map(Value::from),
        ),
        Field::own(
            "EnabledCloudwatchLogsExports",
            Type::List(&Type::String),
            "The log types exported to CloudWatch Logs (audit, error, postgresql, ...).",
            |r| strings(&r.enabled_cloudwatch_logs_exports),
        ),
        Field::own(
            "PerformanceInsightsEnabled",
            Type::Bool,
            "Whether Performance Insights is on (Multi-AZ DB clusters).",
            |r| r.performance_insights_enabled.map(Value::from),
        ),
        Field::own(
            "PerformanceInsightsRetentionPeriod",
            Type::Int,
            "Days Performance Insights data is kept.",
            |r| r.performance_insights_retention_period.map(Value::from),
        ),
        Field::own(
            "MonitoringInterval",
            Type::Int,
            "Seconds between Enhanced Monitoring samples; 0 means it is off.",
            |r| r.monitoring_interval.map(Value::from),
        ),
        Field::own(
            "Endpoint",
            Type::String,
            "The writer endpoint's DNS name.",
            |r| string(&r.endpoint),
        ),
        Field::own(
            "Port",
            Type::Int,
            "The port the database listens on.",
            |r| r.port.map(Value::from),
        ),
        Field::own(
            "VpcSecurityGroups",
            VPC_SECURITY_GROUPS,
            "The VPC security groups it is in.",
            |r| vpc_security_groups(&r.vpc_security_group_ids),
        ),
        Field::own(
            "GlobalClusterIdentifier",
            Type::String,
            "The Aurora global database it belongs to.",
            |r| string(&r.global_cluster_id),
        ),
        Field::own(
            "HttpEndpointEnabled",
            Type::Bool,
            "Whether the RDS Data API (HTTP endpoint) is on.",
            |r| r.http_endpoint_enabled.map(Value::from),
        ),
        Field::own(
            "ClusterCreateTime",
            Type::Timestamp,
            "When it was created.",
            |r| r.cluster_create_time.map(Value::from),
        ),
        Field::own(
            "ReadReplicaIdentifiers",
            Type::List(&Type::String),
            "Its read replica clusters, by ARN.",
            |r| Some(Value::strings(&r.read_replica_ids)),
        ),
    ];
}

impl Described for DbGlobalCluster {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalCluster.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "GlobalClusterIdentifier",
            Type::String,
            "The global database's identifier.",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "GlobalClusterArn",
            Type::String,
            "The global database's ARN.",
            |r| Some(Value::from(&r.arn)),
        ),
        Field::own(
            "Engine",
            Type::String,
            "The database engine (aurora-mysql, aurora-postgresql).",
            |r| string(&r.engine),
        ),
        Field::own(
            "EngineVersion",
            Type::String,
            "The database engine's version.",
            |r| string(&r.engine_version),
        ),
        Field::own("Status", Type::String, "Its state (available, ...).", |r| {
            string(&r.status)
        }),
        Field::own(
            "StorageEncrypted",
            Type::Bool,
            "Whether its storage is encrypted.",
            |r| r.storage_encrypted.map(Value::from),
        ),
        Field::own(
            "DeletionProtection",
            Type::Bool,
            "Whether it cannot be deleted while this is on.",
            |r| r.deletion_protection.map(Value::from),
        ),
        Field::own(
            "GlobalClusterMembers",
            Type::List(&Type::Struct(&[
                Member {
                    name: "DBClusterArn",
                    ty: Type::String,
                },
                Member {
                    name: "IsWriter",
                    ty: Type::Bool,
                },
                Member {
                    name: "Readers",
                    ty: Type::List(&Type::String),
                },
            ])),
            "Its clusters in every region; the writer lists its readers.",
            |r| {
                Some(Value::List(
                    r.members
                        .iter()
                        .map(|m| {
                            Value::record([
                                ("DBClusterArn", Some(Value::from(&m.cluster_arn))),
                                ("IsWriter", Some(Value::from(m.is_writer))),
                                ("Readers", Some(Value::strings(&m.readers))),
                            ])
                        })
                        .collect(),
                ))
            },
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::present;

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        // Only identifiers, booleans kept with a default and lists are
        // always there.
        assert_eq!(
            present(&DbInstance::default()),
            [
                "DBInstanceIdentifier",
                "DBInstanceArn",
                "MultiAZ",
                "PubliclyAccessible",
                "StorageEncrypted",
                "ReadReplicaDBInstanceIdentifiers",
                "DBInstanceAutomatedBackupsReplications",
            ]
        );
        assert_eq!(
            present(&DbCluster::default()),
            [
                "DBClusterIdentifier",
                "DBClusterArn",
                "MultiAZ",
                "AvailabilityZones",
                "DBClusterMembers",
                "StorageEncrypted",
                "ReadReplicaIdentifiers",
            ]
        );
        assert_eq!(
            present(&DbGlobalCluster::default()),
            [
                "GlobalClusterIdentifier",
                "GlobalClusterArn",
                "GlobalClusterMembers"
            ]
        );
    }

    #[test]
    fn nested_shapes_under_aws_names() {
        let db = DbInstance {
            deletion_protection: Some(false),
            enabled_cloudwatch_logs_exports: Some(vec!["postgresql".into()]),
            endpoint: Some(DbEndpoint {
                address: Some("db.example".into()),
                port: Some(5432),
                hosted_zone_id: None,
            }),
            vpc_security_group_ids: Some(vec!["sg-1".into()]),
            ca_certificate_identifier: Some("rds-ca-rsa2048-g1".into()),
            certificate_valid_till: Some("2061-05-21T22:23:47Z".parse().unwrap()),
            ..DbInstance::default()
        };
        let get = |name| {
            (DbInstance::field(name).unwrap().get)(&db)
                .unwrap()
                .to_string()
        };
        assert_eq!(get("DeletionProtection"), "false");
        assert_eq!(get("EnabledCloudwatchLogsExports"), r#"["postgresql"]"#);
        assert_eq!(
            get("Endpoint"),
            r#"{"Address": "db.example", "Port": 5432}"#
        );
        assert_eq!(
            get("VpcSecurityGroups"),
            r#"[{"VpcSecurityGroupId": "sg-1"}]"#
        );
        assert_eq!(
            get("CertificateDetails"),
            r#"{"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": timestamp("2061-05-21T22:23:47Z")}"#
        );
        // Each member's declared type names it.
        let endpoint = DbInstance::field("Endpoint").unwrap();
        assert_eq!(endpoint.ty.member("Port").unwrap().ty, Type::Int);
    }
}
