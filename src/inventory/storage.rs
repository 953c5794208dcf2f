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
