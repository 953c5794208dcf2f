//! CloudWatch Logs.

use serde::{Deserialize, Serialize};

use super::Place;

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub arn: Text,
    pub place: Place,
    pub name: Str,
    /// Days events are kept; `None` means they never expire.
    #[serde(default)]
    pub retention_days: Option<i32>,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// The KMS key (ARN) that encrypts its events; `None` when AWS's own
    /// encryption is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    /// Milliseconds since 1970-01-01 (`creationTime`), as AWS gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_time: Option<i64>,
    /// `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_class: Option<Str>,
    /// `ACTIVATED`, `DELETED`, `ARCHIVED` or `DISABLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_protection_status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_filter_count: Option<i32>,
}

resource!(LogGroup: LogGroups, named name);

// The catalogue. CloudWatch Logs' API names its fields in camelCase
// (`retentionInDays`), and the catalogue keeps them as AWS writes them.

use super::fields::{Described, Field};
use super::{Str, Text, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

impl Described for LogGroup {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own("logGroupName", Type::String, "The log group's name.", |r| {
            Some(Value::from(&r.name))
        }),
        Field::own(
            "logGroupArn",
            Type::String,
            "The log group's ARN (without the :* that `arn` has).",
            |r| Some(Value::from(&r.arn)),
        ),
        Field::own(
            "retentionInDays",
            Type::Int,
            "Days events are kept; absent when they never expire.",
            |r| r.retention_days.map(Value::from),
        ),
        Field::own(
            "kmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts its events; absent when AWS's own key does.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "logGroupClass",
            Type::String,
            "STANDARD, INFREQUENT_ACCESS or DELIVERY.",
            |r| string(&r.log_group_class),
        ),
        Field::own(
            "dataProtectionStatus",
            Type::String,
            "Its data protection policy: ACTIVATED, DELETED, ARCHIVED or DISABLED.",
            |r| string(&r.data_protection_status),
        ),
        Field::own(
            "deletionProtectionEnabled",
            Type::Bool,
            "Whether it cannot be deleted while this is on.",
            |r| r.deletion_protection_enabled.map(Value::from),
        ),
        Field::own(
            "metricFilterCount",
            Type::Int,
            "How many metric filters it has.",
            |r| r.metric_filter_count.map(Value::from),
        ),
        Field::own(
            "creationTime",
            Type::Int,
            "When it was created, in milliseconds since 1970-01-01 UTC (AWS's type).",
            |r| r.creation_time.map(Value::from),
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        let present: Vec<_> = LogGroup::FIELDS
            .iter()
            .filter(|f| (f.get)(&LogGroup::default()).is_some())
            .map(|f| f.name)
            .collect();
        // No retentionInDays: the events never expire.
        assert_eq!(present, ["logGroupName", "logGroupArn"]);
    }
}
