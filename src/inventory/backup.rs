//! Backups: EBS snapshots and RDS snapshots.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An EBS snapshot owned by the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    #[serde(default)]
    pub volume_id: Option<Str>,
    pub encrypted: bool,
    /// When the snapshot was started.
    #[serde(default)]
    pub start_time: Option<Timestamp>,
    /// `pending`, `completed`, `error`, ...
    #[serde(default)]
    pub state: Option<Str>,
    #[serde(default)]
    pub description: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// The KMS key (ARN) that encrypts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    /// GiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<i32>,
    /// `standard` or `archive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_tier: Option<Str>,
}

/// An RDS DB snapshot or DB cluster snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbSnapshot {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    /// The instance (DB snapshot) or cluster (cluster snapshot) it is of.
    #[serde(default)]
    pub source_id: Option<Str>,
    /// Whether this is a cluster snapshot.
    #[serde(default)]
    pub cluster: bool,
    /// `manual`, `automated`, `awsbackup`, `shared` or `public`.
    pub snapshot_type: Str,
    pub encrypted: bool,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub status: Option<Str>,
    #[serde(default)]
    pub engine: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`Snapshot`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<Str>,
    /// GiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_storage: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_database_authentication_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<Str>,
    /// For a copy: the snapshot it was copied from
    /// (`SourceDBSnapshotIdentifier`, `SourceDBClusterSnapshotArn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copied_from: Option<Str>,
    /// For a DB snapshot copied from another region, that region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_region: Option<Str>,
}

resource!(Snapshot: Snapshots, named id, tagged);
// DB snapshots and DB cluster snapshots are read (and typed) separately.
resource!(
    DbSnapshot: |s| if s.cluster {
        super::Dataset::DbClusterSnapshots
    } else {
        super::Dataset::DbSnapshots
    },
    named id,
    tagged
);

// The catalogues.

use super::fields::{Described, Field};
use super::{Dataset, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

impl Described for Snapshot {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Snapshot.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "SnapshotId",
            Type::String,
            "The snapshot's id (snap-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "VolumeId",
            Type::String,
            "The volume it was taken of.",
            |r| string(&r.volume_id),
        ),
        Field::own(
            "VolumeSize",
            Type::Int,
            "The size of that volume, in GiB.",
            |r| r.volume_size.map(Value::from),
        ),
        Field::own(
            "Encrypted",
            Type::Bool,
            "Whether the snapshot is encrypted.",
            |r| Some(Value::from(r.encrypted)),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts it.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "StartTime",
            Type::Timestamp,
            "When the snapshot was started.",
            |r| r.start_time.map(Value::from),
        ),
        Field::own(
            "State",
            Type::String,
            "pending, completed, error, recoverable, recovering.",
            |r| string(&r.state),
        ),
        Field::own("StorageTier", Type::String, "standard or archive.", |r| {
            string(&r.storage_tier)
        }),
        Field::own(
            "Description",
            Type::String,
            "The snapshot's description.",
            |r| string(&r.description),
        ),
    ];
}

/// DB snapshots and DB cluster snapshots share an inventory type, and so a
/// list of fields, but each dataset's catalogue has only its own shape's
/// (`Described::has`): `Encrypted` on a cluster snapshot, or
/// `StorageEncrypted` on a DB snapshot, is an error at load. The getters of
/// the other shape's fields give `None`, as AWS does not return them, and
/// their docs say which shape has them (a test holds the two together).
impl Described for DbSnapshot {
    fn has(dataset: Dataset, name: &str) -> bool {
        const DB_SNAPSHOTS_ONLY: &[&str] = &[
            "DBSnapshotIdentifier",
            "DBSnapshotArn",
            "DBInstanceIdentifier",
            "Encrypted",
            "SourceDBSnapshotIdentifier",
            "SourceRegion",
        ];
        const CLUSTER_SNAPSHOTS_ONLY: &[&str] = &[
            "DBClusterSnapshotIdentifier",
            "DBClusterSnapshotArn",
            "DBClusterIdentifier",
            "StorageEncrypted",
            "SourceDBClusterSnapshotArn",
        ];
        match dataset {
            Dataset::DbClusterSnapshots => !DB_SNAPSHOTS_ONLY.contains(&name),
            _ => !CLUSTER_SNAPSHOTS_ONLY.contains(&name),
        }
    }

    fn reference(dataset: Dataset) -> &'static str {
        match dataset {
            Dataset::DbClusterSnapshots => {
                "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBClusterSnapshot.html"
            }
            _ => Self::REFERENCE,
        }
    }

    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBSnapshot.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "DBSnapshotIdentifier",
            Type::String,
            "The DB snapshot's identifier (DB snapshots only; see API_DBClusterSnapshot for cluster snapshots).",
            |r| (!r.cluster).then(|| Value::from(&r.id)),
        ),
        Field::own(
            "DBSnapshotArn",
            Type::String,
            "The DB snapshot's ARN (DB snapshots only).",
            |r| (!r.cluster).then(|| Value::from(&r.arn)),
        ),
        Field::own(
            "DBInstanceIdentifier",
            Type::String,
            "The DB instance it was taken of (DB snapshots only).",
            |r| {
                if r.cluster {
                    None
                } else {
                    string(&r.source_id)
                }
            },
        ),
        Field::own(
            "Encrypted",
            Type::Bool,
            "Whether the DB snapshot is encrypted (DB snapshots only).",
            |r| (!r.cluster).then_some(Value::from(r.encrypted)),
        ),
        Field::own(
            "SourceDBSnapshotIdentifier",
            Type::String,
            "For a copy, the DB snapshot it was copied from (DB snapshots only).",
            |r| {
                if r.cluster {
                    None
                } else {
                    string(&r.copied_from)
                }
            },
        ),
        Field::own(
            "SourceRegion",
            Type::String,
            "For a copy from another region, that region (DB snapshots only).",
            |r| {
                if r.cluster {
                    None
                } else {
                    string(&r.source_region)
                }
            },
        ),
        Field::own(
            "DBClusterSnapshotIdentifier",
            Type::String,
            "The cluster snapshot's identifier (cluster snapshots only).",
            |r| r.cluster.then(|| Value::from(&r.id)),
        ),
        Field::own(
            "DBClusterSnapshotArn",
            Type::String,
            "The cluster snapshot's ARN (cluster snapshots only).",
            |r| r.cluster.then(|| Value::from(&r.arn)),
        ),
        Field::own(
            "DBClusterIdentifier",
            Type::String,
            "The DB cluster it was taken of (cluster snapshots only).",
            |r| {
                if r.cluster {
                    string(&r.source_id)
                } else {
                    None
                }
            },
        ),
        Field::own(
            "StorageEncrypted",
            Type::Bool,
            "Whether the cluster snapshot is encrypted (cluster snapshots only).",
            |r| r.cluster.then_some(Value::from(r.encrypted)),
        ),
        Field::own(
            "SourceDBClusterSnapshotArn",
            Type::String,
            "For a copy, the cluster snapshot it was copied from (cluster snapshots only).",
            |r| {
                if r.cluster {
                    string(&r.copied_from)
                } else {
                    None
                }
            },
        ),
        Field::own(
            "SnapshotType",
            Type::String,
            "manual, automated, awsbackup, shared or public.",
            |r| (!r.snapshot_type.is_empty()).then(|| Value::from(&r.snapshot_type)),
        ),
        Field::own(
            "SnapshotCreateTime",
            Type::Timestamp,
            "When the snapshot was taken.",
            |r| r.created_at.map(Value::from),
        ),
        Field::own(
            "Status",
            Type::String,
            "The snapshot's state (available, creating, ...).",
            |r| string(&r.status),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts it.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "Engine",
            Type::String,
            "The database engine of its source.",
            |r| string(&r.engine),
        ),
        Field::own(
            "EngineVersion",
            Type::String,
            "The database engine's version.",
            |r| string(&r.engine_version),
        ),
        Field::own(
            "StorageType",
            Type::String,
            "The storage type of its source.",
            |r| string(&r.storage_type),
        ),
        Field::own(
            "AllocatedStorage",
            Type::Int,
            "The allocated storage in GiB.",
            |r| r.allocated_storage.map(Value::from),
        ),
        Field::own(
            "IAMDatabaseAuthenticationEnabled",
            Type::Bool,
            "Whether IAM database authentication is on for it.",
            |r| r.iam_database_authentication_enabled.map(Value::from),
        ),
        Field::own("VpcId", Type::String, "The VPC of its source.", |r| {
            string(&r.vpc_id)
        }),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::present;

    #[test]
    fn db_and_cluster_snapshots_each_have_the_fields_their_docs_give_them() {
        use crate::inventory::{Dataset, fields};
        for f in DbSnapshot::FIELDS {
            let db = DbSnapshot::has(Dataset::DbSnapshots, f.name);
            let cluster = DbSnapshot::has(Dataset::DbClusterSnapshots, f.name);
            assert_eq!(!cluster, f.doc.contains("(DB snapshots only"), "{}", f.name);
            assert_eq!(!db, f.doc.contains("(cluster snapshots only"), "{}", f.name);
        }
        let has = |d, name| {
            fields::catalogue(d)
                .unwrap()
                .fields
                .iter()
                .any(|f| f.name == name)
        };
        assert!(has(Dataset::DbSnapshots, "Encrypted"));
        assert!(!has(Dataset::DbClusterSnapshots, "Encrypted"));
        assert!(has(Dataset::DbClusterSnapshots, "StorageEncrypted"));
        assert!(has(Dataset::DbClusterSnapshots, "KmsKeyId"));
    }

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        assert_eq!(present(&Snapshot::default()), ["SnapshotId", "Encrypted"]);
        // A DB snapshot has its shape's fields only, a cluster snapshot its.
        assert_eq!(
            present(&DbSnapshot {
                snapshot_type: "manual".into(),
                ..DbSnapshot::default()
            }),
            [
                "DBSnapshotIdentifier",
                "DBSnapshotArn",
                "Encrypted",
                "SnapshotType"
            ]
        );
        assert_eq!(
            present(&DbSnapshot {
                cluster: true,
                source_id: Some("c".into()),
                ..DbSnapshot::default()
            }),
            [
                "DBClusterSnapshotIdentifier",
                "DBClusterSnapshotArn",
                "DBClusterIdentifier",
                "StorageEncrypted"
            ]
        );
    }
}
