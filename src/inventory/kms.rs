//! Encryption keys: AWS KMS keys.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{AwsError, Place, Str, Text};

/// A KMS key of the account in one region (`ListKeys`, then
/// `DescribeKey`'s `KeyMetadata`, and with the `kms-key-rotation` dataset
/// `GetKeyRotationStatus` for the keys that have automatic rotation to ask
/// about).
///
/// Every key the region lists is kept, even one whose details could not
/// be read (a key policy may deny the scanner `kms:DescribeKey` while IAM
/// allows it): its details are then `None` and `unreadable` says why, so
/// that whatever judges it reports it unknown rather than passing it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub arn: Text,
    pub place: Place,
    /// `KeyId` (a UUID, or `mrk-...` for multi-Region keys).
    pub id: Str,
    #[serde(default)]
    pub creation_date: Option<Timestamp>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub description: Option<Str>,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`.
    #[serde(default)]
    pub key_usage: Option<Str>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, ...
    #[serde(default)]
    pub key_state: Option<Str>,
    /// When a key pending deletion will be deleted.
    #[serde(default)]
    pub deletion_date: Option<Timestamp>,
    /// `AWS_KMS`, `EXTERNAL` (imported material), `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    #[serde(default)]
    pub origin: Option<Str>,
    /// `AWS` (an AWS managed key) or `CUSTOMER`.
    #[serde(default)]
    pub key_manager: Option<Str>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `ECC_NIST_P256`, `HMAC_256`, ...
    #[serde(default)]
    pub key_spec: Option<Str>,
    #[serde(default)]
    pub multi_region: Option<bool>,
    /// The custom key store the key is in, if any.
    #[serde(default)]
    pub custom_key_store_id: Option<Str>,
    /// Whether automatic rotation is on (`GetKeyRotationStatus`). Read
    /// only for customer managed symmetric keys with AWS KMS key material
    /// (the only keys whose automatic rotation a customer controls: AWS
    /// rotates AWS managed keys every year, and AWS KMS does not rotate
    /// asymmetric, HMAC, imported or custom key store keys automatically);
    /// `None` for every other key, and when `kms-key-rotation` was not
    /// collected.
    #[serde(default)]
    pub key_rotation_enabled: Option<bool>,
    /// Days between automatic rotations (`GetKeyRotationStatus`), when
    /// rotation is on.
    #[serde(default)]
    pub rotation_period_in_days: Option<i32>,
    /// Why the key's details (`DescribeKey`) or its rotation status
    /// (`GetKeyRotationStatus`) could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<Box<AwsError>>,
}

impl KmsKey {
    /// Whether the key's automatic rotation is the customer's to set and
    /// `GetKeyRotationStatus` is asked for it: a customer managed
    /// symmetric encryption key with key material from AWS KMS.
    pub fn has_rotation_status(&self) -> bool {
        self.key_manager.as_deref() == Some("CUSTOMER")
            && self.key_spec.as_deref() == Some("SYMMETRIC_DEFAULT")
            && self.origin.as_deref() == Some("AWS_KMS")
    }
}

resource!(KmsKey: KmsKeys, named id);

impl super::fields::Described for KmsKey {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Type, Value};
        [
            Field {
                name: "KeyId",
                ty: Type::String,
                doc: "The key's identifier.",
                needs: None,
                get: |r| Some(Value::from(&r.id)),
            },
            Field {
                name: "Arn",
                ty: Type::String,
                doc: "The key's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "CreationDate",
                ty: Type::Timestamp,
                doc: "When the key was created.",
                needs: None,
                get: |r| r.creation_date.map(Value::from),
            },
            Field {
                name: "Enabled",
                ty: Type::Bool,
                doc: "Whether the key is enabled (KeyState Enabled).",
                needs: None,
                get: |r| r.enabled.map(Value::from),
            },
            Field {
                name: "Description",
                ty: Type::String,
                doc: "The key's description.",
                needs: None,
                get: |r| r.description.as_ref().map(Value::from),
            },
            Field {
                name: "KeyUsage",
                ty: Type::String,
                doc: "ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT.",
                needs: None,
                get: |r| r.key_usage.as_ref().map(Value::from),
            },
            Field {
                name: "KeyState",
                ty: Type::String,
                doc: "Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, ...",
                needs: None,
                get: |r| r.key_state.as_ref().map(Value::from),
            },
            Field {
                name: "DeletionDate",
                ty: Type::Timestamp,
                doc: "When a key pending deletion will be deleted.",
                needs: None,
                get: |r| r.deletion_date.map(Value::from),
            },
            Field {
                name: "Origin",
                ty: Type::String,
                doc: "Where the key material comes from: AWS_KMS, EXTERNAL, AWS_CLOUDHSM or EXTERNAL_KEY_STORE.",
                needs: None,
                get: |r| r.origin.as_ref().map(Value::from),
            },
            Field {
                name: "KeyManager",
                ty: Type::String,
                doc: "Who manages the key: CUSTOMER, or AWS for an AWS managed key (aws/ebs, aws/rds, ...).",
                needs: None,
                get: |r| r.key_manager.as_ref().map(Value::from),
            },
            Field {
                name: "KeySpec",
                ty: Type::String,
                doc: "The key's type: SYMMETRIC_DEFAULT, RSA_2048, ECC_NIST_P256, HMAC_256, ...",
                needs: None,
                get: |r| r.key_spec.as_ref().map(Value::from),
            },
            Field {
                name: "MultiRegion",
                ty: Type::Bool,
                doc: "Whether it is a multi-Region key.",
                needs: None,
                get: |r| r.multi_region.map(Value::from),
            },
            Field {
                name: "CustomKeyStoreId",
                ty: Type::String,
                doc: "The custom key store the key is in; absent for keys in AWS KMS's own store.",
                needs: None,
                get: |r| r.custom_key_store_id.as_ref().map(Value::from),
            },
            Field {
                name: "KeyRotationEnabled",
                ty: Type::Bool,
                doc: "Whether automatic rotation is on (GetKeyRotationStatus); read only for customer managed \
SYMMETRIC_DEFAULT keys with Origin AWS_KMS, absent for every other key.",
                needs: Some(super::Dataset::KmsKeyRotation),
                get: |r| r.key_rotation_enabled.map(Value::from),
            },
            Field {
                name: "RotationPeriodInDays",
                ty: Type::Int,
                doc: "Days between automatic rotations (GetKeyRotationStatus), when rotation is on.",
                needs: Some(super::Dataset::KmsKeyRotation),
                get: |r| r.rotation_period_in_days.map(Value::from),
            },
        ]
    };
}
