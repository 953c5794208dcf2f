//! DynamoDB tables.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{AwsError, Place, Str, Text};

/// A DynamoDB table (`ListTables`, then `DescribeTable` per table, and
/// `DescribeContinuousBackups` per table with the
/// `dynamodb-continuous-backups` dataset).
///
/// Every table the region lists is kept, even one whose details could not
/// be read: they are then `None`, with the reason in `unreadable`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamoDbTable {
    pub arn: Text,
    pub place: Place,
    /// `TableName`.
    pub name: Str,
    #[serde(default)]
    pub table_id: Option<Str>,
    /// `CREATING`, `UPDATING`, `DELETING`, `ACTIVE`, `ARCHIVED`, ...
    #[serde(default)]
    pub table_status: Option<Str>,
    #[serde(default)]
    pub creation_date_time: Option<Timestamp>,
    /// `BillingModeSummary.BillingMode`: `PROVISIONED` or `PAY_PER_REQUEST`.
    #[serde(default)]
    pub billing_mode: Option<Str>,
    /// `SSEDescription`: AWS returns none for a table encrypted with an
    /// AWS owned key (the default).
    #[serde(default)]
    pub sse: Option<TableSse>,
    #[serde(default)]
    pub deletion_protection_enabled: Option<bool>,
    /// `TableClassSummary.TableClass`: `STANDARD` or `STANDARD_INFREQUENT_ACCESS`.
    #[serde(default)]
    pub table_class: Option<Str>,
    /// The regions of a global table's replicas (`Replicas[].RegionName`).
    #[serde(default)]
    pub replica_regions: Vec<Str>,
    /// `ContinuousBackupsDescription.ContinuousBackupsStatus`; `None` when
    /// `dynamodb-continuous-backups` was not collected.
    #[serde(default)]
    pub continuous_backups_status: Option<Str>,
    /// `...PointInTimeRecoveryDescription.PointInTimeRecoveryStatus`:
    /// `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub point_in_time_recovery_status: Option<Str>,
    /// `...PointInTimeRecoveryDescription.RecoveryPeriodInDays`.
    #[serde(default)]
    pub recovery_period_in_days: Option<i32>,
    /// Why `DescribeTable` or `DescribeContinuousBackups` could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<Box<AwsError>>,
}

/// A table's server-side encryption (`SSEDescription`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TableSse {
    /// `ENABLED`, `ENABLING`, `DISABLED`, `DISABLING`, `UPDATING`.
    pub status: Option<Str>,
    /// `KMS` (an AWS managed or customer managed KMS key).
    pub sse_type: Option<Str>,
    pub kms_master_key_arn: Option<Str>,
}

resource!(DynamoDbTable: DynamoDbTables, named name);

impl super::fields::Described for DynamoDbTable {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Member, Type, Value};
        [
            Field {
                name: "TableName",
                ty: Type::String,
                doc: "The table's name.",
                needs: None,
                get: |r| Some(Value::from(&r.name)),
            },
            Field {
                name: "TableArn",
                ty: Type::String,
                doc: "The table's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "TableId",
                ty: Type::String,
                doc: "The table's unique identifier.",
                needs: None,
                get: |r| r.table_id.as_ref().map(Value::from),
            },
            Field {
                name: "TableStatus",
                ty: Type::String,
                doc: "CREATING, UPDATING, DELETING, ACTIVE, ARCHIVED, ...",
                needs: None,
                get: |r| r.table_status.as_ref().map(Value::from),
            },
            Field {
                name: "CreationDateTime",
                ty: Type::Timestamp,
                doc: "When the table was created.",
                needs: None,
                get: |r| r.creation_date_time.map(Value::from),
            },
            Field {
                name: "BillingModeSummary",
                ty: Type::Struct(&[Member {
                    name: "BillingMode",
                    ty: Type::String,
                }]),
                doc: "BillingMode: PROVISIONED or PAY_PER_REQUEST.",
                needs: None,
                get: |r| {
                    r.billing_mode
                        .as_ref()
                        .map(|m| Value::record([("BillingMode", Some(Value::from(m)))]))
                },
            },
            Field {
                name: "SSEDescription",
                ty: Type::Struct(&[
                    Member {
                        name: "Status",
                        ty: Type::String,
                    },
                    Member {
                        name: "SSEType",
                        ty: Type::String,
                    },
                    Member {
                        name: "KMSMasterKeyArn",
                        ty: Type::String,
                    },
                ]),
                doc: "Encryption with a KMS key: Status (ENABLED, ...), SSEType (KMS), KMSMasterKeyArn. \
Absent for a table encrypted with an AWS owned key (DynamoDB's default; every table is encrypted).",
                needs: None,
                get: |r| {
                    r.sse.as_ref().map(|s| {
                        Value::record([
                            ("Status", s.status.as_ref().map(Value::from)),
                            ("SSEType", s.sse_type.as_ref().map(Value::from)),
                            (
                                "KMSMasterKeyArn",
                                s.kms_master_key_arn.as_ref().map(Value::from),
                            ),
                        ])
                    })
                },
            },
            Field {
                name: "DeletionProtectionEnabled",
                ty: Type::Bool,
                doc: "Whether the table is protected from deletion.",
                needs: None,
                get: |r| r.deletion_protection_enabled.map(Value::from),
            },
            Field {
                name: "TableClassSummary",
                ty: Type::Struct(&[Member {
                    name: "TableClass",
                    ty: Type::String,
                }]),
                doc: "TableClass: STANDARD or STANDARD_INFREQUENT_ACCESS.",
                needs: None,
                get: |r| {
                    r.table_class
                        .as_ref()
                        .map(|c| Value::record([("TableClass", Some(Value::from(c)))]))
                },
            },
            Field {
                name: "Replicas",
                ty: Type::List(&Type::Struct(&[Member {
                    name: "RegionName",
                    ty: Type::String,
                }])),
                doc: "A global table's replicas, by region.",
                needs: None,
                get: |r| {
                    Some(Value::List(
                        r.replica_regions
                            .iter()
                            .map(|region| {
                                Value::record([("RegionName", Some(Value::from(region)))])
                            })
                            .collect(),
                    ))
                },
            },
            Field {
                name: "ContinuousBackupsDescription",
                ty: Type::Struct(&[
                    Member {
                        name: "ContinuousBackupsStatus",
                        ty: Type::String,
                    },
                    Member {
                        name: "PointInTimeRecoveryDescription",
                        ty: Type::Struct(&[
                            Member {
                                name: "PointInTimeRecoveryStatus",
                                ty: Type::String,
                            },
                            Member {
                                name: "RecoveryPeriodInDays",
                                ty: Type::Int,
                            },
                        ]),
                    },
                ]),
                doc: "DescribeContinuousBackups: ContinuousBackupsStatus, and PointInTimeRecoveryDescription \
with PointInTimeRecoveryStatus (ENABLED or DISABLED) and RecoveryPeriodInDays.",
                needs: Some(super::Dataset::DynamoDbContinuousBackups),
                get: |r| {
                    r.continuous_backups_status.as_ref()?;
                    let pitr = match (
                        r.point_in_time_recovery_status.as_ref(),
                        r.recovery_period_in_days,
                    ) {
                        (None, None) => None,
                        (status, days) => Some(Value::record([
                            ("PointInTimeRecoveryStatus", status.map(Value::from)),
                            ("RecoveryPeriodInDays", days.map(Value::from)),
                        ])),
                    };
                    Some(Value::record([
                        (
                            "ContinuousBackupsStatus",
                            r.continuous_backups_status.as_ref().map(Value::from),
                        ),
                        ("PointInTimeRecoveryDescription", pitr),
                    ]))
                },
            },
        ]
    };
}
