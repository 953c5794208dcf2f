//! Compute resources: EC2 instances, EBS volumes and the regional EBS
//! encryption-by-default setting.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An EC2 instance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    /// `pending`, `running`, `stopped`, `terminated`, ...
    #[serde(default)]
    pub state: Option<Str>,
    #[serde(default)]
    pub availability_zone: Option<Str>,
    #[serde(default)]
    pub public_ip: Option<Str>,
    #[serde(default)]
    pub ipv6_addresses: Vec<Str>,
    #[serde(default)]
    pub subnet_id: Option<Str>,
    #[serde(default)]
    pub security_group_ids: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    /// The instance's network interfaces as DescribeInstances lists them,
    /// with every public address they carry. Empty in inventories saved
    /// before conform read them (then `public_ip` and `ipv6_addresses` are
    /// all there is).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interfaces: Vec<InstanceInterface>,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<Str>,
    /// `t3.micro`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_time: Option<Timestamp>,
    /// The key pair it was launched with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<Str>,
    /// `IamInstanceProfile.Arn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_arn: Option<Str>,
    /// `IamInstanceProfile.Id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_id: Option<Str>,
    /// `Monitoring.State`: `disabled`, `enabled` (detailed), ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<Str>,
    /// `Placement.Tenancy`: `default`, `dedicated`, `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenancy: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_options: Option<Box<MetadataOptions>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_optimized: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dest_check: Option<bool>,
    /// `ebs` or `instance-store`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_device_type: Option<Str>,
    /// `Linux/UNIX`, `Windows`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_details: Option<Str>,
    /// `i386`, `x86_64`, `arm64`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Str>,
}

/// An instance's metadata service options (`MetadataOptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataOptions {
    /// `pending` or `applied`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Str>,
    /// `required` (IMDSv2 only) or `optional`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_put_response_hop_limit: Option<i32>,
    /// `enabled` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_protocol_ipv6: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_metadata_tags: Option<Str>,
}

/// One network interface of an instance, with its public addresses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceInterface {
    /// `eni-...`
    pub id: Str,
    /// 0 for the primary interface.
    #[serde(default)]
    pub device_index: Option<i32>,
    /// Public IPv4 addresses associated with the interface's private
    /// addresses (primary and secondary): auto-assigned or Elastic IPs.
    #[serde(default)]
    pub public_ips: Vec<PublicAddress>,
    #[serde(default)]
    pub ipv6_addresses: Vec<Str>,
}

/// A public IPv4 address and the private address it is associated with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAddress {
    pub public_ip: Str,
    #[serde(default)]
    pub private_ip: Option<Str>,
    /// `amazon` for an auto-assigned address, otherwise the account that
    /// owns the Elastic IP.
    #[serde(default)]
    pub ip_owner_id: Option<Str>,
}

/// An EBS volume.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    pub encrypted: bool,
    #[serde(default)]
    pub kms_key_id: Option<Str>,
    #[serde(default)]
    pub state: Option<Str>,
    #[serde(default)]
    pub attached_instance_ids: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`Instance`].
    /// `gp2`, `gp3`, `io1`, `io2`, `st1`, `sc1`, `standard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<Str>,
    /// GiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<i32>,
    /// MiB/s (gp3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// The snapshot it was created from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_attach_enabled: Option<bool>,
}

/// Whether new EBS volumes in a region are encrypted by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EbsEncryptionByDefault {
    pub place: Place,
    pub enabled: bool,
    /// Its ARN of conform's making (see the table of kinds): not saved,
    /// made by the collector and when an inventory is loaded.
    #[serde(skip)]
    pub arn: Text,
    /// The encryption type of new volumes (`sse-ebs`, `sse-kms`); kept
    /// since issue 14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<Str>,
}

resource!(Instance: Instances, named id, tagged);
resource!(Volume: Volumes, named id, tagged);

impl super::Resource for EbsEncryptionByDefault {
    fn dataset(&self) -> super::Dataset {
        super::Dataset::EbsEncryptionByDefault
    }
    fn arn(&self) -> &Text {
        &self.arn
    }
    fn place(&self) -> &Place {
        &self.place
    }
    /// A setting has no name of its own; its ARN's resource part.
    fn name(&self) -> &str {
        "ebs-encryption-by-default"
    }
}

// The catalogues.

use super::fields::{Described, Field};
use super::{Member, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

const fn member(name: &'static str, ty: Type) -> Member {
    Member { name, ty }
}

impl Described for Instance {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "InstanceId",
            Type::String,
            "The instance's id (i-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "State",
            Type::Struct(&[member("Name", Type::String)]),
            "Its state: Name is pending, running, stopping, stopped, shutting-down or terminated.",
            |r| {
                r.state
                    .as_ref()
                    .map(|n| Value::record([("Name", Some(Value::from(n)))]))
            },
        ),
        Field::own(
            "InstanceType",
            Type::String,
            "The instance type (t3.micro, ...).",
            |r| string(&r.instance_type),
        ),
        Field::own(
            "ImageId",
            Type::String,
            "The AMI it was launched from.",
            |r| string(&r.image_id),
        ),
        Field::own(
            "LaunchTime",
            Type::Timestamp,
            "When it was (last) launched.",
            |r| r.launch_time.map(Value::from),
        ),
        Field::own(
            "Placement",
            Type::Struct(&[
                member("AvailabilityZone", Type::String),
                member("Tenancy", Type::String),
            ]),
            "Where it runs: its zone and tenancy (default, dedicated, host).",
            |r| {
                (r.availability_zone.is_some() || r.tenancy.is_some()).then(|| {
                    Value::record([
                        ("AvailabilityZone", string(&r.availability_zone)),
                        ("Tenancy", string(&r.tenancy)),
                    ])
                })
            },
        ),
        Field::own("VpcId", Type::String, "The VPC it runs in.", |r| {
            string(&r.vpc_id)
        }),
        Field::own("SubnetId", Type::String, "The subnet it runs in.", |r| {
            string(&r.subnet_id)
        }),
        Field::own(
            "PrivateIpAddress",
            Type::String,
            "Its primary private IPv4 address.",
            |r| string(&r.private_ip),
        ),
        Field::own(
            "PublicIpAddress",
            Type::String,
            "The public IPv4 address of its primary interface, if any.",
            |r| string(&r.public_ip),
        ),
        Field::own(
            "SecurityGroups",
            Type::List(&Type::Struct(&[member("GroupId", Type::String)])),
            "The security groups it is in.",
            |r| {
                Some(Value::List(
                    r.security_group_ids
                        .iter()
                        .map(|id| Value::record([("GroupId", Some(Value::from(id)))]))
                        .collect(),
                ))
            },
        ),
        Field::own(
            "NetworkInterfaces",
            Type::List(&Type::Struct(&[
                member("NetworkInterfaceId", Type::String),
                member(
                    "Attachment",
                    Type::Struct(&[member("DeviceIndex", Type::Int)]),
                ),
                member(
                    "Ipv6Addresses",
                    Type::List(&Type::Struct(&[member("Ipv6Address", Type::String)])),
                ),
            ])),
            "Its network interfaces: id, device index (0 = primary) and IPv6 addresses.",
            |r| {
                // Inventories saved before conform read interfaces have none.
                (!r.interfaces.is_empty()).then(|| {
                    Value::List(
                        r.interfaces
                            .iter()
                            .map(|n| {
                                Value::record([
                                    ("NetworkInterfaceId", Some(Value::from(&n.id))),
                                    (
                                        "Attachment",
                                        n.device_index.map(|i| {
                                            Value::record([("DeviceIndex", Some(Value::from(i)))])
                                        }),
                                    ),
                                    (
                                        "Ipv6Addresses",
                                        Some(Value::List(
                                            n.ipv6_addresses
                                                .iter()
                                                .map(|a| {
                                                    Value::record([(
                                                        "Ipv6Address",
                                                        Some(Value::from(a)),
                                                    )])
                                                })
                                                .collect(),
                                        )),
                                    ),
                                ])
                            })
                            .collect(),
                    )
                })
            },
        ),
        Field::own(
            "IamInstanceProfile",
            Type::Struct(&[member("Arn", Type::String), member("Id", Type::String)]),
            "The IAM instance profile it runs with, if any.",
            |r| {
                (r.instance_profile_arn.is_some() || r.instance_profile_id.is_some()).then(|| {
                    Value::record([
                        ("Arn", string(&r.instance_profile_arn)),
                        ("Id", string(&r.instance_profile_id)),
                    ])
                })
            },
        ),
        Field::own(
            "MetadataOptions",
            Type::Struct(&[
                member("State", Type::String),
                member("HttpTokens", Type::String),
                member("HttpPutResponseHopLimit", Type::Int),
                member("HttpEndpoint", Type::String),
                member("HttpProtocolIpv6", Type::String),
                member("InstanceMetadataTags", Type::String),
            ]),
            "Its instance metadata service: HttpTokens required means IMDSv2 only.",
            |r| {
                r.metadata_options.as_ref().map(|m| {
                    Value::record([
                        ("State", string(&m.state)),
                        ("HttpTokens", string(&m.http_tokens)),
                        (
                            "HttpPutResponseHopLimit",
                            m.http_put_response_hop_limit.map(Value::from),
                        ),
                        ("HttpEndpoint", string(&m.http_endpoint)),
                        ("HttpProtocolIpv6", string(&m.http_protocol_ipv6)),
                        ("InstanceMetadataTags", string(&m.instance_metadata_tags)),
                    ])
                })
            },
        ),
        Field::own(
            "Monitoring",
            Type::Struct(&[member("State", Type::String)]),
            "Detailed monitoring: State is disabled, disabling, enabled or pending.",
            |r| {
                r.monitoring
                    .as_ref()
                    .map(|m| Value::record([("State", Some(Value::from(m)))]))
            },
        ),
        Field::own(
            "KeyName",
            Type::String,
            "The key pair it was launched with.",
            |r| string(&r.key_name),
        ),
        Field::own(
            "EbsOptimized",
            Type::Bool,
            "Whether it is optimized for EBS I/O.",
            |r| r.ebs_optimized.map(Value::from),
        ),
        Field::own(
            "SourceDestCheck",
            Type::Bool,
            "Whether source/destination checking is on (off for NAT instances).",
            |r| r.source_dest_check.map(Value::from),
        ),
        Field::own(
            "RootDeviceType",
            Type::String,
            "ebs or instance-store.",
            |r| string(&r.root_device_type),
        ),
        Field::own(
            "PlatformDetails",
            Type::String,
            "The platform (Linux/UNIX, Windows, ...).",
            |r| string(&r.platform_details),
        ),
        Field::own(
            "Architecture",
            Type::String,
            "i386, x86_64, arm64, ...",
            |r| string(&r.architecture),
        ),
    ];
}

impl Described for Volume {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Volume.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "VolumeId",
            Type::String,
            "The volume's id (vol-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "Encrypted",
            Type::Bool,
            "Whether the volume is encrypted.",
            |r| Some(Value::from(r.encrypted)),
        ),
        Field::own(
            "KmsKeyId",
            Type::String,
            "The KMS key (ARN) that encrypts it.",
            |r| string(&r.kms_key_id),
        ),
        Field::own(
            "State",
            Type::String,
            "creating, available, in-use, deleting, deleted or error.",
            |r| string(&r.state),
        ),
        Field::own(
            "VolumeType",
            Type::String,
            "gp2, gp3, io1, io2, st1, sc1 or standard.",
            |r| string(&r.volume_type),
        ),
        Field::own("Size", Type::Int, "Its size in GiB.", |r| {
            r.size.map(Value::from)
        }),
        Field::own("Iops", Type::Int, "Its I/O operations per second.", |r| {
            r.iops.map(Value::from)
        }),
        Field::own(
            "Throughput",
            Type::Int,
            "Its throughput in MiB/s (gp3).",
            |r| r.throughput.map(Value::from),
        ),
        Field::own(
            "AvailabilityZone",
            Type::String,
            "The zone it is in.",
            |r| string(&r.availability_zone),
        ),
        Field::own("CreateTime", Type::Timestamp, "When it was created.", |r| {
            r.create_time.map(Value::from)
        }),
        Field::own(
            "SnapshotId",
            Type::String,
            "The snapshot it was created from, if any.",
            |r| string(&r.snapshot_id),
        ),
        Field::own(
            "MultiAttachEnabled",
            Type::Bool,
            "Whether it can be attached to several instances.",
            |r| r.multi_attach_enabled.map(Value::from),
        ),
        Field::own(
            "Attachments",
            Type::List(&Type::Struct(&[member("InstanceId", Type::String)])),
            "The instances it is attached to.",
            |r| {
                Some(Value::List(
                    r.attached_instance_ids
                        .iter()
                        .map(|id| Value::record([("InstanceId", Some(Value::from(id)))]))
                        .collect(),
                ))
            },
        ),
    ];
}

impl Described for EbsEncryptionByDefault {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetEbsEncryptionByDefault.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "EbsEncryptionByDefault",
            Type::Bool,
            "Whether new EBS volumes in the region are encrypted by default.",
            |r| Some(Value::from(r.enabled)),
        ),
        Field::own(
            "SseType",
            Type::String,
            "The encryption type of new volumes (sse-ebs, sse-kms).",
            |r| string(&r.sse_type),
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::present;

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        assert_eq!(
            present(&Instance::default()),
            ["InstanceId", "SecurityGroups"]
        );
        assert_eq!(
            present(&Volume::default()),
            ["VolumeId", "Encrypted", "Attachments"]
        );
        assert_eq!(
            present(&EbsEncryptionByDefault::default()),
            ["EbsEncryptionByDefault"]
        );
    }

    #[test]
    fn nested_shapes_under_aws_names() {
        let i = Instance {
            state: Some("running".into()),
            metadata_options: Some(Box::new(MetadataOptions {
                http_tokens: Some("required".into()),
                http_put_response_hop_limit: Some(1),
                ..MetadataOptions::default()
            })),
            monitoring: Some("disabled".into()),
            instance_profile_arn: Some("arn:aws:iam::111122223333:instance-profile/app".into()),
            interfaces: vec![InstanceInterface {
                id: "eni-1".into(),
                device_index: Some(0),
                ..InstanceInterface::default()
            }],
            ..Instance::default()
        };
        let get = |name| {
            (Instance::field(name).unwrap().get)(&i)
                .unwrap()
                .to_string()
        };
        assert_eq!(get("State"), r#"{"Name": "running"}"#);
        assert_eq!(
            get("MetadataOptions"),
            r#"{"HttpPutResponseHopLimit": 1, "HttpTokens": "required"}"#
        );
        assert_eq!(get("Monitoring"), r#"{"State": "disabled"}"#);
        assert_eq!(
            get("IamInstanceProfile"),
            r#"{"Arn": "arn:aws:iam::111122223333:instance-profile/app"}"#
        );
        assert_eq!(
            get("NetworkInterfaces"),
            r#"[{"Attachment": {"DeviceIndex": 0}, "Ipv6Addresses": [], "NetworkInterfaceId": "eni-1"}]"#
        );
        assert!((Instance::field("Placement").unwrap().get)(&i).is_none());
    }
}
