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
    /// The instance's network interfaces as DescribeInstances lists them,
    /// with every public address they carry. Empty in inventories saved
    /// before conform read them (then `public_ip` and `ipv6_addresses` are
    /// all there is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<InstanceInterface>,
}

/// One network interface of an instance, with its public addresses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceInterface {
    /// `eni-...`
    pub id: String,
    /// 0 for the primary interface.
    #[serde(default)]
    pub device_index: Option<i32>,
    /// Public IPv4 addresses associated with the interface's private
    /// addresses (primary and secondary): auto-assigned or Elastic IPs.
    #[serde(default)]
    pub public_ips: Vec<PublicAddress>,
    #[serde(default)]
    pub ipv6_addresses: Vec<String>,
}

/// A public IPv4 address and the private address it is associated with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAddress {
    pub public_ip: String,
    #[serde(default)]
    pub private_ip: Option<String>,
    /// `amazon` for an auto-assigned address, otherwise the account that
    /// owns the Elastic IP.
    #[serde(default)]
    pub ip_owner_id: Option<String>,
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

resource!(Instance: Instances, named id, tagged);
resource!(Volume: Volumes, named id, tagged);
