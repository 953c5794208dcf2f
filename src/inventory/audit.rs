//! Audit logging: CloudTrail trails.

use serde::{Deserialize, Serialize};

use super::{AwsError, Place, Str, Text};

/// A CloudTrail trail visible to the account (its own, or an organization
/// trail of the management account). [`Place::region`] is the trail's home
/// region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    pub arn: Text,
    pub place: Place,
    pub name: Str,
    #[serde(default)]
    pub multi_region: bool,
    #[serde(default)]
    pub organization: bool,
    /// Whether the trail is logging now (`GetTrailStatus`); `None` when its
    /// status could not be read, with the reason in `status_error`.
    #[serde(default)]
    pub is_logging: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_error: Option<Box<AwsError>>,
    /// What the trail records (`GetEventSelectors`, read for multi-region
    /// trails). `None` when not read: see `selectors_error`, or an
    /// inventory saved before conform read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors: Option<EventSelectors>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors_error: Option<Box<AwsError>>,
    // The rest of `DescribeTrails`' answer (AWS's `Trail`); `None` where
    // AWS left it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_global_service_events: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_file_validation_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<Str>,
    /// The KMS key that encrypts its log files (an ARN); `None` when they
    /// are encrypted with S3's keys (SSE-S3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_custom_event_selectors: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_insight_selectors: Option<bool>,
}

/// A trail's event selectors: basic or advanced (a trail uses one kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSelectors {
    #[serde(default)]
    pub basic: Vec<BasicEventSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedEventSelector>,
}

/// A basic event selector (`EventSelectors[]`), management-event part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicEventSelector {
    /// `All`, `ReadOnly` or `WriteOnly` (AWS's default is `All`).
    #[serde(default)]
    pub read_write_type: Option<Str>,
    /// AWS's default is `true`.
    #[serde(default)]
    pub include_management_events: Option<bool>,
    /// Event sources left out (`kms.amazonaws.com`, `rdsdata.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<Str>,
    /// The data events it logs (`DataResources`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_resources: Vec<DataResource>,
}

/// The data events of a basic event selector: a resource type and the
/// ARNs (or prefixes) of those resources whose data events are logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataResource {
    /// `AWS::S3::Object`, `AWS::Lambda::Function`, ...
    #[serde(default)]
    pub r#type: Option<Str>,
    #[serde(default)]
    pub values: Vec<Str>,
}

/// An advanced event selector (`AdvancedEventSelectors[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    #[serde(default)]
    pub name: Option<Str>,
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One field condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// `eventCategory`, `readOnly`, `eventSource`, `resources.type`, ...
    pub field: Str,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<Str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<Str>,
}

resource!(Trail: Trails, named name);

/// A trail's fields: AWS's `Trail` (`DescribeTrails`), `IsLogging` from
/// `GetTrailStatus` and the selectors from `GetEventSelectors`.
impl super::fields::Described for Trail {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Trail.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Dataset, Member, Type, Value};
        const STRINGS: Type = Type::List(&Type::String);
        const fn string(name: &'static str) -> Member {
            Member {
                name,
                ty: Type::String,
            }
        }
        [
            Field {
                name: "Name",
                ty: Type::String,
                doc: "The trail's name.",
                needs: None,
                get: |r| Some(Value::from(&r.name)),
            },
            Field {
                name: "TrailARN",
                ty: Type::String,
                doc: "The trail's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "HomeRegion",
                ty: Type::String,
                doc: "The region it was created in.",
                needs: None,
                get: |r| Some(Value::from(&r.place.region)),
            },
            Field {
                name: "IsMultiRegionTrail",
                ty: Type::Bool,
                doc: "Whether it logs every region, or only its home region.",
                needs: None,
                get: |r| Some(Value::from(r.multi_region)),
            },
            Field {
                name: "IsOrganizationTrail",
                ty: Type::Bool,
                doc: "Whether it logs every account of the organization.",
                needs: None,
                get: |r| Some(Value::from(r.organization)),
            },
            Field {
                name: "IncludeGlobalServiceEvents",
                ty: Type::Bool,
                doc: "Whether it logs the events of global services such as IAM.",
                needs: None,
                get: |r| r.include_global_service_events.map(Value::from),
            },
            Field {
                name: "LogFileValidationEnabled",
                ty: Type::Bool,
                doc: "Whether log file integrity validation (signed digest files) is on.",
                needs: None,
                get: |r| r.log_file_validation_enabled.map(Value::from),
            },
            Field {
                name: "KmsKeyId",
                ty: Type::String,
                doc: "The KMS key (ARN) that encrypts its log files; absent for SSE-S3.",
                needs: None,
                get: |r| r.kms_key_id.as_ref().map(Value::from),
            },
            Field {
                name: "S3BucketName",
                ty: Type::String,
                doc: "The bucket it delivers log files to.",
                needs: None,
                get: |r| r.s3_bucket_name.as_ref().map(Value::from),
            },
            Field {
                name: "S3KeyPrefix",
                ty: Type::String,
                doc: "The key prefix of its log files.",
                needs: None,
                get: |r| r.s3_key_prefix.as_ref().map(Value::from),
            },
            Field {
                name: "SnsTopicARN",
                ty: Type::String,
                doc: "The SNS topic told of each log file delivered.",
                needs: None,
                get: |r| r.sns_topic_arn.as_ref().map(Value::from),
            },
            Field {
                name: "CloudWatchLogsLogGroupArn",
                ty: Type::String,
                doc: "The CloudWatch Logs log group it also delivers to.",
                needs: None,
                get: |r| r.cloud_watch_logs_log_group_arn.as_ref().map(Value::from),
            },
            Field {
                name: "CloudWatchLogsRoleArn",
                ty: Type::String,
                doc: "The role it writes to that log group with.",
                needs: None,
                get: |r| r.cloud_watch_logs_role_arn.as_ref().map(Value::from),
            },
            Field {
                name: "HasCustomEventSelectors",
                ty: Type::Bool,
                doc: "Whether it has event selectors other than the default.",
                needs: None,
                get: |r| r.has_custom_event_selectors.map(Value::from),
            },
            Field {
                name: "HasInsightSelectors",
                ty: Type::Bool,
                doc: "Whether it has CloudTrail Insights selectors.",
                needs: None,
                get: |r| r.has_insight_selectors.map(Value::from),
            },
            Field {
                name: "IsLogging",
                ty: Type::Bool,
                doc: "GetTrailStatus: whether it is logging now.",
                needs: None,
                get: |r| r.is_logging.map(Value::from),
            },
            Field {
                name: "EventSelectors",
                ty: Type::List(&Type::Struct(&[
                    string("ReadWriteType"),
                    Member {
                        name: "IncludeManagementEvents",
                        ty: Type::Bool,
                    },
                    Member {
                        name: "ExcludeManagementEventSources",
                        ty: STRINGS,
                    },
                    Member {
                        name: "DataResources",
                        ty: Type::List(&Type::Struct(&[
                            string("Type"),
                            Member {
                                name: "Values",
                                ty: STRINGS,
                            },
                        ])),
                    },
                ])),
                doc: "GetEventSelectors: its basic event selectors (empty when it uses advanced ones).",
                needs: Some(Dataset::TrailEventSelectors),
                get: |r| {
                    let s = r.selectors.as_ref()?;
                    Some(Value::List(s.basic.iter().map(basic_value).collect()))
                },
            },
            Field {
                name: "AdvancedEventSelectors",
                ty: Type::List(&Type::Struct(&[
                    string("Name"),
                    Member {
                        name: "FieldSelectors",
                        ty: Type::List(&Type::Struct(&[
                            string("Field"),
                            Member {
                                name: "Equals",
                                ty: STRINGS,
                            },
                            Member {
                                name: "StartsWith",
                                ty: STRINGS,
                            },
                            Member {
                                name: "EndsWith",
                                ty: STRINGS,
                            },
                            Member {
                                name: "NotEquals",
                                ty: STRINGS,
                            },
                            Member {
                                name: "NotStartsWith",
                                ty: STRINGS,
                            },
                            Member {
                                name: "NotEndsWith",
                                ty: STRINGS,
                            },
                        ])),
                    },
                ])),
                doc: "GetEventSelectors: its advanced event selectors (empty when it uses basic ones).",
                needs: Some(Dataset::TrailEventSelectors),
                get: |r| {
                    let s = r.selectors.as_ref()?;
                    Some(Value::List(s.advanced.iter().map(advanced_value).collect()))
                },
            },
        ]
    };
}

fn basic_value(s: &BasicEventSelector) -> super::Value {
    use super::Value;
    Value::record([
        ("ReadWriteType", s.read_write_type.as_ref().map(Value::from)),
        (
            "IncludeManagementEvents",
            s.include_management_events.map(Value::from),
        ),
        (
            "ExcludeManagementEventSources",
            Some(Value::strings(&s.exclude_management_event_sources)),
        ),
        (
            "DataResources",
            Some(Value::List(
                s.data_resources
                    .iter()
                    .map(|d| {
                        Value::record([
                            ("Type", d.r#type.as_ref().map(Value::from)),
                            ("Values", Some(Value::strings(&d.values))),
                        ])
                    })
                    .collect(),
            )),
        ),
    ])
}

fn advanced_value(s: &AdvancedEventSelector) -> super::Value {
    use super::Value;
    Value::record([
        ("Name", s.name.as_ref().map(Value::from)),
        (
            "FieldSelectors",
            Some(Value::List(
                s.field_selectors
                    .iter()
                    .map(|f| {
                        Value::record([
                            ("Field", Some(Value::from(&f.field))),
                            ("Equals", Some(Value::strings(&f.equals))),
                            ("StartsWith", Some(Value::strings(&f.starts_with))),
                            ("EndsWith", Some(Value::strings(&f.ends_with))),
                            ("NotEquals", Some(Value::strings(&f.not_equals))),
                            ("NotStartsWith", Some(Value::strings(&f.not_starts_with))),
                            ("NotEndsWith", Some(Value::strings(&f.not_ends_with))),
                        ])
                    })
                    .collect(),
            )),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Value;
    use crate::inventory::fields::Described;

    fn get(r: &Trail, name: &str) -> Option<Value> {
        (Trail::field(name).unwrap().get)(r)
    }

    #[test]
    fn fields_aws_did_not_return_or_conform_did_not_read_are_absent() {
        let mut t = Trail {
            arn: "arn:aws:cloudtrail:eu-north-1:111122223333:trail/t".into(),
            place: Place {
                account: "111122223333".into(),
                region: "eu-north-1".into(),
            },
            name: "t".into(),
            multi_region: false,
            organization: false,
            is_logging: None,
            status_error: None,
            selectors: None,
            selectors_error: None,
            s3_bucket_name: None,
            s3_key_prefix: None,
            sns_topic_arn: None,
            include_global_service_events: None,
            log_file_validation_enabled: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
            kms_key_id: None,
            has_custom_event_selectors: None,
            has_insight_selectors: None,
        };
        for name in [
            "IsLogging",
            "LogFileValidationEnabled",
            "KmsKeyId",
            "IncludeGlobalServiceEvents",
            "EventSelectors",
            "AdvancedEventSelectors",
        ] {
            assert_eq!(get(&t, name), None, "{name}");
        }
        assert_eq!(get(&t, "IsMultiRegionTrail"), Some(Value::Bool(false)));
        t.log_file_validation_enabled = Some(true);
        t.selectors = Some(EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: Some("mgmt".into()),
                field_selectors: vec![AdvancedFieldSelector {
                    field: "eventCategory".into(),
                    equals: vec!["Management".into()],
                    not_equals: vec![],
                    starts_with: vec![],
                    not_starts_with: vec![],
                    ends_with: vec![],
                    not_ends_with: vec![],
                }],
            }],
        });
        assert_eq!(get(&t, "LogFileValidationEnabled"), Some(Value::Bool(true)));
        assert_eq!(get(&t, "EventSelectors"), Some(Value::List(vec![])));
        assert_eq!(
            get(&t, "AdvancedEventSelectors").unwrap().to_string(),
            r#"[{"FieldSelectors": [{"EndsWith": [], "Equals": ["Management"], "Field": "eventCategory", "NotEndsWith": [], "NotEquals": [], "NotStartsWith": [], "StartsWith": []}], "Name": "mgmt"}]"#
        );
    }
}
