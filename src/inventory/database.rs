//! Databases: RDS instances and clusters.

use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An RDS DB instance (including Aurora cluster members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub arn: String,
    pub place: Place,
    pub id: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
    /// The cluster this instance is a member of.
    #[serde(default)]
    pub cluster_id: Option<String>,
    /// Set when this instance is a read replica of another.
    #[serde(default)]
    pub read_replica_source: Option<String>,
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
    pub preferred_maintenance_window: Option<String>,
    /// This instance's read replicas: identifiers in the same region, ARNs
    /// for replicas in other regions (`ReadReplicaDBInstanceIdentifiers`).
    #[serde(default)]
    pub read_replica_ids: Vec<String>,
    /// ARNs of this instance's automated backups replicated to other
    /// regions (`DBInstanceAutomatedBackupsReplications`).
    #[serde(default)]
    pub automated_backup_replications: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// An RDS DB cluster (Aurora, or a Multi-AZ DB cluster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    pub arn: String,
    pub place: Place,
    pub id: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub multi_az: bool,
    /// The AZs the cluster's storage spans (AWS's `AvailabilityZones`).
    #[serde(default)]
    pub availability_zones: Vec<String>,
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
    pub preferred_maintenance_window: Option<String>,
    /// Read replica clusters, by ARN (`ReadReplicaIdentifiers`); those in
    /// other regions are cross-region copies.
    #[serde(default)]
    pub read_replica_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// An Aurora global database (`DescribeGlobalClusters`), as listed in one
/// region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbGlobalCluster {
    pub arn: String,
    /// Where it was listed.
    pub place: Place,
    pub id: String,
    /// Its clusters, in every region.
    #[serde(default)]
    pub members: Vec<DbGlobalClusterMember>,
}

/// A cluster of a global database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbGlobalClusterMember {
    pub cluster_arn: String,
    /// The primary (read-write) cluster.
    #[serde(default)]
    pub is_writer: bool,
    /// For the primary: its secondary clusters, by ARN.
    #[serde(default)]
    pub readers: Vec<String>,
}

/// A member of a DB cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbClusterMember {
    pub instance_id: String,
    #[serde(default)]
    pub is_writer: bool,
}

resource!(DbInstance: DbInstances, named id, tagged);
resource!(DbCluster: DbClusters, named id, tagged);
resource!(DbGlobalCluster: DbGlobalClusters, named id);

impl super::fields::Described for DbInstance {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Type, Value};
        [
            Field {
                name: "DBInstanceIdentifier",
                ty: Type::String,
                doc: "The DB instance's identifier.",
                needs: None,
                get: |r| Some(Value::from(&r.id)),
            },
            Field {
                name: "DBInstanceArn",
                ty: Type::String,
                doc: "The DB instance's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "Engine",
                ty: Type::String,
                doc: "The database engine (mysql, postgres, aurora-postgresql, ...).",
                needs: None,
                get: |r| r.engine.as_ref().map(Value::from),
            },
            Field {
                name: "DBInstanceStatus",
                ty: Type::String,
                doc: "The instance's state (available, stopped, ...).",
                needs: None,
                get: |r| r.status.as_ref().map(Value::from),
            },
            Field {
                name: "MultiAZ",
                ty: Type::Bool,
                doc: "Whether it is a Multi-AZ deployment (a standby in another zone).",
                needs: None,
                get: |r| Some(Value::from(r.multi_az)),
            },
            Field {
                name: "AvailabilityZone",
                ty: Type::String,
                doc: "The zone it runs in.",
                needs: None,
                get: |r| r.availability_zone.as_ref().map(Value::from),
            },
            Field {
                name: "SecondaryAvailabilityZone",
                ty: Type::String,
                doc: "The standby's zone, for a Multi-AZ deployment.",
                needs: None,
                get: |r| r.secondary_availability_zone.as_ref().map(Value::from),
            },
            Field {
                name: "DBClusterIdentifier",
                ty: Type::String,
                doc: "The DB cluster it is a member of.",
                needs: None,
                get: |r| r.cluster_id.as_ref().map(Value::from),
            },
            Field {
                name: "ReadReplicaSourceDBInstanceIdentifier",
                ty: Type::String,
                doc: "For a read replica, the instance it replicates.",
                needs: None,
                get: |r| r.read_replica_source.as_ref().map(Value::from),
            },
            Field {
                name: "PubliclyAccessible",
                ty: Type::Bool,
                doc: "Whether its endpoint resolves to a public address.",
                needs: None,
                get: |r| Some(Value::from(r.publicly_accessible)),
            },
            Field {
                name: "StorageEncrypted",
                ty: Type::Bool,
                doc: "Whether its storage is encrypted.",
                needs: None,
                get: |r| Some(Value::from(r.storage_encrypted)),
            },
            Field {
                name: "BackupRetentionPeriod",
                ty: Type::Int,
                doc: "Days automated backups are kept; 0 means they are off.",
                needs: None,
                get: |r| r.backup_retention_days.map(Value::from),
            },
            Field {
                name: "PreferredMaintenanceWindow",
                ty: Type::String,
                doc: "The weekly maintenance window, ddd:hh:mm-ddd:hh:mm in UTC.",
                needs: None,
                get: |r| r.preferred_maintenance_window.as_ref().map(Value::from),
            },
            Field {
                name: "ReadReplicaDBInstanceIdentifiers",
                ty: Type::List(&Type::String),
                doc: "Its read replicas: identifiers in its region, ARNs in others.",
                needs: None,
                get: |r| Some(Value::strings(&r.read_replica_ids)),
            },
            Field {
                name: "DBInstanceAutomatedBackupsReplications",
                ty: Type::List(&Type::Struct(&[super::Member {
                    name: "DBInstanceAutomatedBackupsArn",
                    ty: Type::String,
                }])),
                doc: "Its automated backups replicated to other regions.",
                needs: None,
                get: |r| {
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
            },
        ]
    };
}
