//! Storage: S3 buckets.

use serde::{Deserialize, Serialize};

use super::{Place, Read, Str, Text};

/// An S3 bucket. Its [`Place::region`] is the bucket's own region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub arn: Text,
    pub place: Place,
    pub name: Str,
    /// The default encryption rules. `Value(None)` means the bucket has no
    /// default encryption configuration; `Unreadable` means conform was not
    /// able to find out (access denied, for example). The two are different
    /// facts and are reported differently.
    pub default_encryption: Read<Option<Vec<BucketEncryptionRule>>>,
    /// The bucket's tags; read only with [`super::Dataset::BucketDetails`].
    #[serde(default)]
    pub tags: super::Tags,
    /// Why the tags could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags_error: Option<Box<super::AwsError>>,
    /// The lifecycle rules; `None` when not collected (only with
    /// [`super::Dataset::BucketDetails`]), `Value(None)` when the bucket has
    /// no lifecycle configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Read<Option<Vec<LifecycleRule>>>>,
    /// The versioning status (`GetBucketVersioning`): `Value(Some("Enabled"))`
    /// or `Value(Some("Suspended"))`, `Value(None)` for a bucket that was
    /// never versioned. `None` when not read: read with
    /// [`super::Dataset::BucketDetails`] for buckets whose lifecycle
    /// configuration has rules (the only ones where it changes a verdict),
    /// for every bucket with [`super::Dataset::BucketVersioning`], and
    /// absent from inventories saved before conform read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<Read<Option<Str>>>,
    /// `MFADelete` of the same answer (`Enabled`, `Disabled`); `None` when
    /// AWS did not give it or versioning was not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_delete: Option<Str>,
    /// The Object Lock configuration (`GetObjectLockConfiguration`), read
    /// only with [`super::Dataset::BucketObjectLock`]; `Value(None)` for a
    /// bucket without one (`ObjectLockConfigurationNotFoundError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_lock: Option<Read<Option<ObjectLock>>>,
    /// The bucket's Block Public Access settings (`GetPublicAccessBlock`),
    /// read only with [`super::Dataset::BucketPublicAccessBlock`];
    /// `Value(None)` for a bucket without any
    /// (`NoSuchPublicAccessBlockConfiguration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<Read<Option<PublicAccessBlock>>>,
    /// `PolicyStatus.IsPublic` (`GetBucketPolicyStatus`), read only with
    /// [`super::Dataset::BucketPolicyStatus`]; `Value(None)` for a bucket
    /// without a policy (`NoSuchBucketPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_is_public: Option<Read<Option<bool>>>,
}

/// An account's S3 Block Public Access settings (S3 Control
/// `GetPublicAccessBlock`), which apply to every bucket of the account
/// whatever the bucket's own say. One per account, in the [`GLOBAL`]
/// region, named by an ARN of conform's making:
/// `arn:{partition}:s3::{account}:account-public-access-block`.
///
/// [`GLOBAL`]: super::GLOBAL
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountPublicAccessBlock {
    pub arn: Text,
    pub place: Place,
    /// `None` when the account has no settings
    /// (`NoSuchPublicAccessBlockConfiguration`): every one is off.
    #[serde(default)]
    pub settings: Option<PublicAccessBlock>,
}

impl super::Resource for AccountPublicAccessBlock {
    fn dataset(&self) -> super::Dataset {
        super::Dataset::AccountPublicAccessBlocks
    }
    fn arn(&self) -> &Text {
        &self.arn
    }
    fn place(&self) -> &Place {
        &self.place
    }
    fn name(&self) -> &str {
        "account-public-access-block"
    }
}

/// The account's settings under AWS's names; no settings are four `false`
/// settings, as S3 applies them.
impl super::fields::Described for AccountPublicAccessBlock {
    const REFERENCE: &'static str = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PublicAccessBlockConfiguration.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &[
        super::fields::Field {
            name: "AccountId",
            ty: super::Type::String,
            doc: "The account the settings are of.",
            needs: None,
            get: |r| Some(super::Value::from(&r.place.account)),
        },
        super::fields::Field {
            name: "PublicAccessBlockConfiguration",
            ty: PUBLIC_ACCESS_BLOCK,
            doc: "The account's Block Public Access settings (all false when it has none).",
            needs: None,
            get: |r| {
                Some(public_access_block(
                    &r.settings.clone().unwrap_or_else(PublicAccessBlock::none),
                ))
            },
        },
    ];
}

/// A bucket's Object Lock configuration (AWS's `ObjectLockConfiguration`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectLock {
    /// `ObjectLockEnabled`: `Enabled` (the only value AWS has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<Str>,
    /// `Rule.DefaultRetention.Mode`: `GOVERNANCE` or `COMPLIANCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Str>,
    /// `Rule.DefaultRetention.Days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i32>,
    /// `Rule.DefaultRetention.Years`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<i32>,
}

/// Block Public Access settings (AWS's `PublicAccessBlockConfiguration`),
/// of a bucket or of an account; each `None` when AWS left it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_acls: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_public_acls: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_policy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrict_public_buckets: Option<bool>,
}

/// One rule of a bucket's lifecycle configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    #[serde(default)]
    pub id: Option<Str>,
    /// `Status` is `Enabled`.
    pub enabled: bool,
    /// The rule's filter as text (`prefix=logs/`, `tag backup=true`,
    /// `size>1024`, joined with ` and `); `None` when it applies to every
    /// object of the bucket.
    #[serde(default)]
    pub filter: Option<Str>,
    /// `Expiration.Days`: current object versions expire this many days
    /// after creation.
    #[serde(default)]
    pub expiration_days: Option<i32>,
    /// `NoncurrentVersionExpiration.NoncurrentDays`.
    #[serde(default)]
    pub noncurrent_expiration_days: Option<i32>,
}

/// One server-side encryption rule of a bucket's default encryption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketEncryptionRule {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`, ...
    pub algorithm: Str,
    #[serde(default)]
    pub kms_key_id: Option<Str>,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
}

// Tags are read with the bucket details: without them (or when they could
// not be read) a bucket's tags are not known, which `tags_read` says.
impl super::Resource for Bucket {
    fn dataset(&self) -> super::Dataset {
        super::Dataset::Buckets
    }
    fn arn(&self) -> &Text {
        &self.arn
    }
    fn place(&self) -> &Place {
        &self.place
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn tags(&self) -> &super::Tags {
        &self.tags
    }
    fn tags_read(&self) -> bool {
        self.lifecycle.is_some() && self.tags_error.is_none()
    }
}

/// A bucket's fields. S3 has no one Describe call: each field is the
/// answer of the call that reads it, under the name of its root element
/// in AWS's API reference (`ServerSideEncryptionConfiguration`,
/// `VersioningConfiguration`, ...). A field is absent when its call was
/// not made (its dataset was not collected) or failed (access denied);
/// a configuration the bucket does not have is an empty structure (it was
/// read: `has()` is true, its members are absent), except two whose
/// absence AWS defines: no Block Public Access settings are four `false`
/// settings, and no bucket policy is `PolicyStatus.IsPublic == false`.
impl super::fields::Described for Bucket {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_Bucket.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Dataset, Member, Type, Value};
        const fn member(name: &'static str, ty: Type) -> Member {
            Member { name, ty }
        }
        [
            Field {
                name: "Name",
                ty: Type::String,
                doc: "The bucket's name.",
                needs: None,
                get: |r| Some(Value::from(&r.name)),
            },
            Field {
                name: "BucketRegion",
                ty: Type::String,
                doc: "The region the bucket is in.",
                needs: None,
                get: |r| (r.place.region != super::GLOBAL).then(|| Value::from(&r.place.region)),
            },
            Field {
                name: "ServerSideEncryptionConfiguration",
                ty: Type::Struct(&[member(
                    "Rules",
                    Type::List(&Type::Struct(&[
                        member(
                            "ApplyServerSideEncryptionByDefault",
                            Type::Struct(&[
                                member("SSEAlgorithm", Type::String),
                                member("KMSMasterKeyID", Type::String),
                            ]),
                        ),
                        member("BucketKeyEnabled", Type::Bool),
                    ])),
                )]),
                doc: "GetBucketEncryption: the default encryption rules (SSEAlgorithm AES256, aws:kms, aws:kms:dsse).",
                needs: None,
                get: |r| match &r.default_encryption {
                    Read::Value(Some(rules)) => Some(Value::record([(
                        "Rules",
                        Some(Value::List(rules.iter().map(encryption_rule).collect())),
                    )])),
                    Read::Value(None) => Some(Value::record([])),
                    Read::Unreadable(_) => None,
                },
            },
            Field {
                name: "LifecycleConfiguration",
                ty: Type::Struct(&[member(
                    "Rules",
                    Type::List(&Type::Struct(&[
                        member("ID", Type::String),
                        member("Status", Type::String),
                        member("Expiration", Type::Struct(&[member("Days", Type::Int)])),
                        member(
                            "NoncurrentVersionExpiration",
                            Type::Struct(&[member("NoncurrentDays", Type::Int)]),
                        ),
                    ])),
                )]),
                doc: "GetBucketLifecycleConfiguration: the lifecycle rules (ID, Status, Expiration.Days, NoncurrentVersionExpiration.NoncurrentDays).",
                needs: Some(Dataset::BucketDetails),
                get: |r| match r.lifecycle.as_ref()? {
                    Read::Value(Some(rules)) => Some(Value::record([(
                        "Rules",
                        Some(Value::List(rules.iter().map(lifecycle_rule).collect())),
                    )])),
                    Read::Value(None) => Some(Value::record([])),
                    Read::Unreadable(_) => None,
                },
            },
            Field {
                name: "VersioningConfiguration",
                ty: Type::Struct(&[
                    member("Status", Type::String),
                    member("MFADelete", Type::String),
                ]),
                doc: "GetBucketVersioning: Status Enabled or Suspended (absent if never versioned), MFADelete.",
                needs: Some(Dataset::BucketVersioning),
                get: |r| match r.versioning.as_ref()? {
                    Read::Value(status) => Some(Value::record([
                        ("Status", status.as_ref().map(Value::from)),
                        ("MFADelete", r.mfa_delete.as_ref().map(Value::from)),
                    ])),
                    Read::Unreadable(_) => None,
                },
            },
            Field {
                name: "ObjectLockConfiguration",
                ty: Type::Struct(&[
                    member("ObjectLockEnabled", Type::String),
                    member(
                        "Rule",
                        Type::Struct(&[member(
                            "DefaultRetention",
                            Type::Struct(&[
                                member("Mode", Type::String),
                                member("Days", Type::Int),
                                member("Years", Type::Int),
                            ]),
                        )]),
                    ),
                ]),
                doc: "GetObjectLockConfiguration: ObjectLockEnabled (Enabled) and the default retention; empty without Object Lock.",
                needs: Some(Dataset::BucketObjectLock),
                get: |r| match r.object_lock.as_ref()? {
                    Read::Value(Some(lock)) => Some(object_lock(lock)),
                    Read::Value(None) => Some(Value::record([])),
                    Read::Unreadable(_) => None,
                },
            },
            Field {
                name: "PublicAccessBlockConfiguration",
                ty: PUBLIC_ACCESS_BLOCK,
                doc: "GetPublicAccessBlock: the bucket's Block Public Access settings (all false when it has none).",
                needs: Some(Dataset::BucketPublicAccessBlock),
                get: |r| match r.public_access_block.as_ref()? {
                    Read::Value(settings) => Some(public_access_block(
                        &settings.clone().unwrap_or_else(PublicAccessBlock::none),
                    )),
                    Read::Unreadable(_) => None,
                },
            },
            Field {
                name: "PolicyStatus",
                ty: Type::Struct(&[member("IsPublic", Type::Bool)]),
                doc: "GetBucketPolicyStatus: IsPublic, whether its policy makes it public (false without a policy).",
                needs: Some(Dataset::BucketPolicyStatus),
                get: |r| match r.policy_is_public.as_ref()? {
                    Read::Value(public) => Some(Value::record([(
                        "IsPublic",
                        Some(Value::from(public.unwrap_or(false))),
                    )])),
                    Read::Unreadable(_) => None,
                },
            },
        ]
    };
}

/// The type of AWS's `PublicAccessBlockConfiguration`.
pub(super) const PUBLIC_ACCESS_BLOCK: super::Type = {
    use super::{Member, Type};
    Type::Struct(&[
        Member {
            name: "BlockPublicAcls",
            ty: Type::Bool,
        },
        Member {
            name: "IgnorePublicAcls",
            ty: Type::Bool,
        },
        Member {
            name: "BlockPublicPolicy",
            ty: Type::Bool,
        },
        Member {
            name: "RestrictPublicBuckets",
            ty: Type::Bool,
        },
    ])
};

impl PublicAccessBlock {
    /// What no configuration means: every setting off.
    pub fn none() -> Self {
        PublicAccessBlock {
            block_public_acls: Some(false),
            ignore_public_acls: Some(false),
            block_public_policy: Some(false),
            restrict_public_buckets: Some(false),
        }
    }
}

/// Block Public Access settings under AWS's names.
pub(super) fn public_access_block(p: &PublicAccessBlock) -> super::Value {
    use super::Value;
    Value::record([
        ("BlockPublicAcls", p.block_public_acls.map(Value::from)),
        ("IgnorePublicAcls", p.ignore_public_acls.map(Value::from)),
        ("BlockPublicPolicy", p.block_public_policy.map(Value::from)),
        (
            "RestrictPublicBuckets",
            p.restrict_public_buckets.map(Value::from),
        ),
    ])
}

fn encryption_rule(r: &BucketEncryptionRule) -> super::Value {
    use super::Value;
    Value::record([
        (
            "ApplyServerSideEncryptionByDefault",
            Some(Value::record([
                ("SSEAlgorithm", Some(Value::from(&r.algorithm))),
                ("KMSMasterKeyID", r.kms_key_id.as_ref().map(Value::from)),
            ])),
        ),
        ("BucketKeyEnabled", r.bucket_key_enabled.map(Value::from)),
    ])
}

fn lifecycle_rule(r: &LifecycleRule) -> super::Value {
    use super::Value;
    Value::record([
        ("ID", r.id.as_ref().map(Value::from)),
        (
            "Status",
            Some(Value::str(if r.enabled { "Enabled" } else { "Disabled" })),
        ),
        (
            "Expiration",
            r.expiration_days
                .map(|d| Value::record([("Days", Some(Value::from(d)))])),
        ),
        (
            "NoncurrentVersionExpiration",
            r.noncurrent_expiration_days
                .map(|d| Value::record([("NoncurrentDays", Some(Value::from(d)))])),
        ),
    ])
}

fn object_lock(l: &ObjectLock) -> super::Value {
    use super::Value;
    let retention = (l.mode.is_some() || l.days.is_some() || l.years.is_some()).then(|| {
        Value::record([(
            "DefaultRetention",
            Some(Value::record([
                ("Mode", l.mode.as_ref().map(Value::from)),
                ("Days", l.days.map(Value::from)),
                ("Years", l.years.map(Value::from)),
            ])),
        )])
    });
    Value::record([
        ("ObjectLockEnabled", l.enabled.as_ref().map(Value::from)),
        ("Rule", retention),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::Described;
    use crate::inventory::{AwsError, Value};

    fn bucket() -> Bucket {
        Bucket {
            arn: "arn:aws:s3:::b".into(),
            place: Place {
                account: "111122223333".into(),
                region: "eu-north-1".into(),
            },
            name: "b".into(),
            default_encryption: Read::Value(None),
            tags: Default::default(),
            tags_error: None,
            lifecycle: None,
            versioning: None,
            mfa_delete: None,
            object_lock: None,
            public_access_block: None,
            policy_is_public: None,
        }
    }

    fn get(r: &Bucket, name: &str) -> Option<Value> {
        (Bucket::field(name).unwrap().get)(r)
    }

    fn denied(operation: &str) -> AwsError {
        AwsError {
            operation: operation.into(),
            code: "AccessDenied".into(),
            message: String::new(),
        }
    }

    #[test]
    fn not_read_is_absent_not_configured_is_a_value() {
        let mut b = bucket();
        for name in [
            "LifecycleConfiguration",
            "VersioningConfiguration",
            "ObjectLockConfiguration",
            "PublicAccessBlockConfiguration",
            "PolicyStatus",
        ] {
            assert_eq!(get(&b, name), None, "{name} not read");
        }
        assert_eq!(
            get(&b, "ServerSideEncryptionConfiguration"),
            Some(Value::record([]))
        );
        b.default_encryption = Read::Unreadable(denied("GetBucketEncryption").into());
        b.versioning = Some(Read::Unreadable(denied("GetBucketVersioning").into()));
        b.object_lock = Some(Read::Unreadable(
            denied("GetObjectLockConfiguration").into(),
        ));
        b.public_access_block = Some(Read::Unreadable(denied("GetPublicAccessBlock").into()));
        b.policy_is_public = Some(Read::Unreadable(denied("GetBucketPolicyStatus").into()));
        for name in [
            "ServerSideEncryptionConfiguration",
            "VersioningConfiguration",
            "ObjectLockConfiguration",
            "PublicAccessBlockConfiguration",
            "PolicyStatus",
        ] {
            assert_eq!(get(&b, name), None, "{name} unreadable");
        }
        b.versioning = Some(Read::Value(None));
        b.object_lock = Some(Read::Value(None));
        b.public_access_block = Some(Read::Value(None));
        b.policy_is_public = Some(Read::Value(None));
        assert_eq!(get(&b, "VersioningConfiguration"), Some(Value::record([])));
        assert_eq!(get(&b, "ObjectLockConfiguration"), Some(Value::record([])));
        assert_eq!(
            get(&b, "PublicAccessBlockConfiguration")
                .unwrap()
                .to_string(),
            r#"{"BlockPublicAcls": false, "BlockPublicPolicy": false, "IgnorePublicAcls": false, "RestrictPublicBuckets": false}"#
        );
        assert_eq!(
            get(&b, "PolicyStatus").unwrap().to_string(),
            r#"{"IsPublic": false}"#
        );
    }

    #[test]
    fn configurations_under_aws_names() {
        let mut b = bucket();
        b.place.region = crate::inventory::GLOBAL.into();
        assert_eq!(get(&b, "BucketRegion"), None, "region unknown");
        b.default_encryption = Read::Value(Some(vec![BucketEncryptionRule {
            algorithm: "aws:kms".into(),
            kms_key_id: Some("k".into()),
            bucket_key_enabled: Some(true),
        }]));
        assert_eq!(
            get(&b, "ServerSideEncryptionConfiguration")
                .unwrap()
                .to_string(),
            r#"{"Rules": [{"ApplyServerSideEncryptionByDefault": {"KMSMasterKeyID": "k", "SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": true}]}"#
        );
        b.versioning = Some(Read::Value(Some("Enabled".into())));
        b.mfa_delete = Some("Disabled".into());
        assert_eq!(
            get(&b, "VersioningConfiguration").unwrap().to_string(),
            r#"{"MFADelete": "Disabled", "Status": "Enabled"}"#
        );
        b.object_lock = Some(Read::Value(Some(ObjectLock {
            enabled: Some("Enabled".into()),
            mode: Some("COMPLIANCE".into()),
            days: None,
            years: Some(7),
        })));
        assert_eq!(
            get(&b, "ObjectLockConfiguration").unwrap().to_string(),
            r#"{"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 7}}}"#
        );
        b.lifecycle = Some(Read::Value(Some(vec![LifecycleRule {
            id: Some("expire".into()),
            enabled: true,
            filter: None,
            expiration_days: Some(30),
            noncurrent_expiration_days: None,
        }])));
        assert_eq!(
            get(&b, "LifecycleConfiguration").unwrap().to_string(),
            r#"{"Rules": [{"Expiration": {"Days": 30}, "ID": "expire", "Status": "Enabled"}]}"#
        );
        b.policy_is_public = Some(Read::Value(Some(true)));
        assert_eq!(
            get(&b, "PolicyStatus").unwrap().to_string(),
            r#"{"IsPublic": true}"#
        );
    }
}
