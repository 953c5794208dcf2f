//! Storage: S3 buckets.

use serde::{Deserialize, Serialize};

use super::{Place, Read};

/// An S3 bucket. Its [`Place::region`] is the bucket's own region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub arn: String,
    pub place: Place,
    pub name: String,
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
    pub tags_error: Option<super::AwsError>,
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
    /// and absent from inventories saved before conform read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versioning: Option<Read<Option<String>>>,
}

/// One rule of a bucket's lifecycle configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRule {
    #[serde(default)]
    pub id: Option<String>,
    /// `Status` is `Enabled`.
    pub enabled: bool,
    /// The rule's filter as text (`prefix=logs/`, `tag backup=true`,
    /// `size>1024`, joined with ` and `); `None` when it applies to every
    /// object of the bucket.
    #[serde(default)]
    pub filter: Option<String>,
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
    pub algorithm: String,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: Option<bool>,
}

// Tags are read with the bucket details; without them, a bucket has none.
resource!(Bucket: Buckets, named name, tagged);
