//! Compute resources: EC2 instances, EBS volumes and the regional EBS
//! encryption-by-default setting.

use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An EC2 instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub arn: String,
    pub place: Place,
    pub id: String,
    /// `pending`, `running`, `stopped`, `terminated`, ...
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub ipv6_addresses: Vec<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub arn: String,
    pub place: Place,
    pub id: String,
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub attached_instance_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// Whether new EBS volumes in a region are encrypted by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsEncryptionByDefault {
    pub place: Place,
    pub enabled: bool,
}
