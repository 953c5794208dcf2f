//! File storage: Amazon EFS file systems.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An EFS file system (`DescribeFileSystems`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsFileSystem {
    pub arn: Text,
    pub place: Place,
    /// `FileSystemId`.
    pub id: Str,
    /// The value of its `Name` tag.
    #[serde(default)]
    pub name: Option<Str>,
    #[serde(default)]
    pub creation_time: Option<Timestamp>,
    /// `creating`, `available`, `updating`, `deleting`, `deleted`, `error`.
    #[serde(default)]
    pub life_cycle_state: Option<Str>,
    /// `generalPurpose` or `maxIO`.
    #[serde(default)]
    pub performance_mode: Option<Str>,
    /// `bursting`, `provisioned` or `elastic`.
    #[serde(default)]
    pub throughput_mode: Option<Str>,
    #[serde(default)]
    pub provisioned_throughput_in_mibps: Option<f64>,
    /// Whether it is encrypted at rest.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// The KMS key of an encrypted file system.
    #[serde(default)]
    pub kms_key_id: Option<Str>,
    #[serde(default)]
    pub number_of_mount_targets: Option<i32>,
    /// For a One Zone file system, its zone.
    #[serde(default)]
    pub availability_zone_name: Option<Str>,
    /// `FileSystemProtection.ReplicationOverwriteProtection`: `ENABLED`,
    /// `DISABLED` or `REPLICATING`.
    #[serde(default)]
    pub replication_overwrite_protection: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
}

resource!(EfsFileSystem: EfsFileSystems, named id, tagged);

impl super::fields::Described for EfsFileSystem {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/efs/latest/ug/API_FileSystemDescription.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Member, Type, Value};
        [
            Field {
                name: "FileSystemId",
                ty: Type::String,
                doc: "The file system's identifier.",
                needs: None,
                get: |r| Some(Value::from(&r.id)),
            },
            Field {
                name: "FileSystemArn",
                ty: Type::String,
                doc: "The file system's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "Name",
                ty: Type::String,
                doc: "The value of its Name tag.",
                needs: None,
                get: |r| r.name.as_ref().map(Value::from),
            },
            Field {
                name: "CreationTime",
                ty: Type::Timestamp,
                doc: "When it was created.",
                needs: None,
                get: |r| r.creation_time.map(Value::from),
            },
            Field {
                name: "LifeCycleState",
                ty: Type::String,
                doc: "creating, available, updating, deleting, deleted or error.",
                needs: None,
                get: |r| r.life_cycle_state.as_ref().map(Value::from),
            },
            Field {
                name: "PerformanceMode",
                ty: Type::String,
                doc: "generalPurpose or maxIO.",
                needs: None,
                get: |r| r.performance_mode.as_ref().map(Value::from),
            },
            Field {
                name: "ThroughputMode",
                ty: Type::String,
                doc: "bursting, provisioned or elastic.",
                needs: None,
                get: |r| r.throughput_mode.as_ref().map(Value::from),
            },
            Field {
                name: "ProvisionedThroughputInMibps",
                ty: Type::Float,
                doc: "The provisioned throughput, in provisioned mode.",
                needs: None,
                get: |r| r.provisioned_throughput_in_mibps.map(Value::from),
            },
            Field {
                name: "Encrypted",
                ty: Type::Bool,
                doc: "Whether it is encrypted at rest.",
                needs: None,
                get: |r| r.encrypted.map(Value::from),
            },
            Field {
                name: "KmsKeyId",
                ty: Type::String,
                doc: "The KMS key that encrypts it.",
                needs: None,
                get: |r| r.kms_key_id.as_ref().map(Value::from),
            },
            Field {
                name: "NumberOfMountTargets",
                ty: Type::Int,
                doc: "How many mount targets it has.",
                needs: None,
                get: |r| r.number_of_mount_targets.map(Value::from),
            },
            Field {
                name: "AvailabilityZoneName",
                ty: Type::String,
                doc: "For a One Zone file system, its zone; absent for a Regional one.",
                needs: None,
                get: |r| r.availability_zone_name.as_ref().map(Value::from),
            },
            Field {
                name: "FileSystemProtection",
                ty: Type::Struct(&[Member {
                    name: "ReplicationOverwriteProtection",
                    ty: Type::String,
                }]),
                doc: "ReplicationOverwriteProtection: ENABLED, DISABLED or REPLICATING.",
                needs: None,
                get: |r| {
                    r.replication_overwrite_protection.as_ref().map(|p| {
                        Value::record([("ReplicationOverwriteProtection", Some(Value::from(p)))])
                    })
                },
            },
        ]
    };
}
