//! Network resources: security groups, prefix lists, network ACLs, network
//! interfaces, load balancers and their TLS policies.

use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An EC2 security group with its inbound rules.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub vpc_id: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
    /// Inbound permissions, in the order AWS returned them.
    #[serde(default)]
    pub ingress: Vec<IpPermission>,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// Outbound permissions (`IpPermissionsEgress`); always `Some` in a
    /// collected group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<IpPermission>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Str>,
}

/// One permission of a security group (AWS's `IpPermission`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpPermission {
    /// As AWS returns it: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a
    /// protocol number.
    pub protocol: Str,
    /// For tcp/udp the first port; for ICMP the type; absent for all.
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_ranges: Vec<Str>,
    #[serde(default)]
    pub ipv6_ranges: Vec<Str>,
    /// Managed prefix list ids (`pl-...`).
    #[serde(default)]
    pub prefix_list_ids: Vec<Str>,
    /// Referenced security groups (`sg-...`, possibly `account/sg-...`).
    #[serde(default)]
    pub group_ids: Vec<Str>,
}

/// A managed prefix list and its entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixList {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    pub name: Str,
    /// `AWS` for AWS-managed lists, otherwise an account id.
    #[serde(default)]
    pub owner_id: Option<Str>,
    #[serde(default)]
    pub address_family: Option<Str>,
    /// The CIDR blocks in the list; `None` when they could not be read.
    #[serde(default)]
    pub entries: Option<Vec<Str>>,
    /// Why the entries could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries_error: Option<Box<super::AwsError>>,
    // Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<i32>,
    /// `create-complete`, `modify-complete`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// A network ACL with its entries and the subnets it is associated with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    #[serde(default)]
    pub vpc_id: Option<Str>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub entries: Vec<NaclEntry>,
    #[serde(default)]
    pub subnet_ids: Vec<Str>,
    /// Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Str>,
}

/// One entry of a network ACL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclEntry {
    /// 1..=32766 for user entries; 32767 for the default `*` entry.
    pub rule_number: i32,
    /// `-1` (all) or a protocol number (`6` tcp, `17` udp, `1` icmp, `58` icmpv6).
    pub protocol: Str,
    /// `allow` or `deny`.
    pub action: Str,
    pub egress: bool,
    #[serde(default)]
    pub cidr_block: Option<Str>,
    #[serde(default)]
    pub ipv6_cidr_block: Option<Str>,
    #[serde(default)]
    pub port_from: Option<i32>,
    #[serde(default)]
    pub port_to: Option<i32>,
    /// For ICMP (`1`) and ICMPv6 (`58`) entries, the type (`-1` for all).
    /// Absent in inventories saved before conform read it; then the entry
    /// is taken to cover every type, as AWS's `-1` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type: Option<i32>,
    /// For ICMP entries, the code (`-1` for all codes of the type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_code: Option<i32>,
}

/// An elastic network interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub arn: Text,
    pub place: Place,
    pub id: Str,
    /// `interface`, `network_load_balancer`, `gateway_load_balancer`, ...
    #[serde(default)]
    pub interface_type: Option<Str>,
    /// Who created the interface on the account's behalf (`amazon-elb`, ...).
    #[serde(default)]
    pub requester_id: Option<Str>,
    #[serde(default)]
    pub requester_managed: bool,
    #[serde(default)]
    pub description: Option<Str>,
    /// The instance it is attached to, if any.
    #[serde(default)]
    pub instance_id: Option<Str>,
    #[serde(default)]
    pub security_group_ids: Vec<Str>,
    #[serde(default)]
    pub public_ip: Option<Str>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); see [`SecurityGroup`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<Str>,
    /// `available`, `in-use`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_dest_check: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<Str>,
}

/// An Elastic Load Balancing load balancer: application, network, gateway
/// (ELBv2) or classic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub arn: Text,
    pub place: Place,
    pub name: Str,
    /// `application`, `network`, `gateway` or `classic`.
    pub kind: Str,
    /// `internet-facing` or `internal`.
    pub scheme: Str,
    #[serde(default)]
    pub dns_name: Option<Str>,
    #[serde(default)]
    pub availability_zones: Vec<Str>,
    #[serde(default)]
    pub security_group_ids: Vec<Str>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// Why the listeners could not be read (ELBv2 reads them per load
    /// balancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners_error: Option<Box<super::AwsError>>,
    /// The VPC it is in (ELBv2 `VpcId`, classic `VPCId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<jiff::Timestamp>,
    /// ELBv2 only: `ipv4`, `dualstack`, `dualstack-without-public-ipv4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<Str>,
    /// ELBv2 only: `State.Code` (`active`, `provisioning`,
    /// `active_impaired`, `failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Str>,
    /// ELBv2 only: its attributes as AWS lists them
    /// (`DescribeLoadBalancerAttributes`), read only with
    /// [`super::Dataset::LoadBalancerAttributes`]; `None` when not read
    /// (see `attributes_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<LoadBalancerAttribute>>,
    /// Classic only: its attributes (`DescribeLoadBalancerAttributes` of
    /// API version 1), read only with
    /// [`super::Dataset::ClassicLoadBalancerAttributes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classic_attributes: Option<ClassicAttributes>,
    /// Why the attributes (of either generation) could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes_error: Option<Box<super::AwsError>>,
}

/// One ELBv2 load balancer attribute (`deletion_protection.enabled`,
/// `access_logs.s3.bucket`, ...), its value as AWS gives it (a string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerAttribute {
    pub key: Str,
    pub value: Str,
}

/// A classic load balancer's attributes (AWS's `LoadBalancerAttributes`
/// of API version 2012-06-01); each part `None` when AWS left it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicAttributes {
    /// `CrossZoneLoadBalancing.Enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<ClassicAccessLog>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_draining: Option<ClassicConnectionDraining>,
    /// `ConnectionSettings.IdleTimeout`, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<i32>,
    /// `AdditionalAttributes` (`elb.http.desyncmitigationmode`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional: Vec<LoadBalancerAttribute>,
}

/// A classic load balancer's `ConnectionDraining` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicConnectionDraining {
    pub enabled: bool,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
}

/// A classic load balancer's `AccessLog` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassicAccessLog {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<Str>,
    /// Minutes: 5 or 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emit_interval: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_prefix: Option<Str>,
}

/// A listener of a load balancer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    #[serde(default)]
    pub arn: Option<Str>,
    /// As AWS returns it: `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`,
    /// `GENEVE`, `SSL` (classic), ...
    pub protocol: Str,
    pub port: i32,
    /// The security policy: an ELBv2 SSL policy name, or for classic load
    /// balancers the name of the listener's SSL negotiation policy.
    #[serde(default)]
    pub ssl_policy: Option<Str>,
    #[serde(default)]
    pub default_actions: Vec<ListenerAction>,
    /// The listener's other rules (not the default one), read for plain
    /// HTTP listeners of internet-facing application load balancers whose
    /// default action redirects: a rule that forwards would still serve
    /// plain HTTP. `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<ListenerRule>>,
    /// Why the rules could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules_error: Option<Box<super::AwsError>>,
}

/// A non-default rule of a listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerRule {
    #[serde(default)]
    pub arn: Option<Str>,
    /// The rule's priority as AWS gives it (`1`..`50000`).
    pub priority: Str,
    #[serde(default)]
    pub actions: Vec<ListenerAction>,
}

/// A listener's default action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerAction {
    /// `forward`, `redirect`, `fixed-response`, `authenticate-oidc`, ...
    pub kind: Str,
    /// For redirects: the target protocol (`HTTPS`, `HTTP`, `#{protocol}`).
    #[serde(default)]
    pub redirect_protocol: Option<Str>,
    /// For redirects: the target port (`443`, `#{port}`).
    #[serde(default)]
    pub redirect_port: Option<Str>,
}

/// The definition of a TLS security policy: what it allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SslPolicy {
    pub place: Place,
    /// The policy's name (`ELBSecurityPolicy-TLS13-1-2-2021-06`, or for a
    /// classic load balancer, `<load balancer>/<policy name>`).
    pub name: Str,
    /// Protocol names: `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`, `SSLv3`.
    #[serde(default)]
    pub protocols: Vec<Str>,
    /// Cipher suite names in OpenSSL or IANA style.
    #[serde(default)]
    pub ciphers: Vec<Str>,
    /// For a classic load balancer's policy created from a predefined one:
    /// the `Reference-Security-Policy` it names
    /// (`ELBSecurityPolicy-TLS-1-2-2017-01`). The predefined policy's
    /// definition is stored as an [`SslPolicy`] named
    /// `{CLASSIC_PREDEFINED}{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Str>,
    /// Why the referenced predefined policy's definition could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_error: Option<Box<super::AwsError>>,
}

/// The name prefix of a classic load balancers' predefined policy's
/// definition in [`Inventory::ssl_policies`](super::Inventory): a colon
/// cannot occur in a load balancer's name, so these never collide with
/// `<load balancer>/<policy>` names or ELBv2 policy names.
pub const CLASSIC_PREDEFINED: &str = "elb-classic:";

resource!(SecurityGroup: SecurityGroups, named id, tagged);
resource!(PrefixList: PrefixLists, named id);
resource!(NetworkAcl: NetworkAcls, named id, tagged);
resource!(NetworkInterface: NetworkInterfaces, named id, tagged);
// Both generations in one list; a classic one is of its own dataset.
resource!(
    LoadBalancer: |lb| if lb.kind.eq_ignore_ascii_case("classic") {
        super::Dataset::ClassicLoadBalancers
    } else {
        super::Dataset::LoadBalancers
    },
    named name,
    tagged
);

/// The catalogue of both generations of load balancer, which share one
/// inventory type: each field under the name its generation's API gives
/// it, `None` for a load balancer of the generation that has no such
/// field. ELBv2 fields come from `LoadBalancer` (`DescribeLoadBalancers`),
/// `Listener` (`DescribeListeners`) and `LoadBalancerAttribute`
/// (`DescribeLoadBalancerAttributes`); classic ones from
/// `LoadBalancerDescription` and `LoadBalancerAttributes` of API version
/// 2012-06-01. Fields both generations have under one name and type
/// (`LoadBalancerName`, `DNSName`, `Scheme`, `SecurityGroups`,
/// `CreatedTime`) are one field. The one name the generations give
/// different types, `AvailabilityZones` (ELBv2: structures, classic: zone
/// names), has ELBv2's shape for both, so one expression reads either.
impl super::fields::Described for LoadBalancer {
    fn has(dataset: super::Dataset, name: &str) -> bool {
        const ELBV2_ONLY: &[&str] = &[
            "LoadBalancerArn",
            "Type",
            "VpcId",
            "IpAddressType",
            "State",
            "Listeners",
            "Attributes",
        ];
        const CLASSIC_ONLY: &[&str] = &["VPCId", "ListenerDescriptions", "LoadBalancerAttributes"];
        match dataset {
            super::Dataset::ClassicLoadBalancers => !ELBV2_ONLY.contains(&name),
            _ => !CLASSIC_ONLY.contains(&name),
        }
    }

    fn reference(dataset: super::Dataset) -> &'static str {
        match dataset {
            super::Dataset::ClassicLoadBalancers => {
                "https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_LoadBalancerDescription.html"
            }
            _ => Self::REFERENCE,
        }
    }

    const REFERENCE: &'static str = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancer.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Dataset, Member, Type, Value};
        const KEY_VALUE: Type = Type::Struct(&[
            Member {
                name: "Key",
                ty: Type::String,
            },
            Member {
                name: "Value",
                ty: Type::String,
            },
        ]);
        [
            Field {
                name: "LoadBalancerName",
                ty: Type::String,
                doc: "The load balancer's name.",
                needs: None,
                get: |r| Some(Value::from(&r.name)),
            },
            Field {
                name: "LoadBalancerArn",
                ty: Type::String,
                doc: "ELBv2: the load balancer's ARN (classic load balancers have none from AWS).",
                needs: None,
                get: |r| (!is_classic(r)).then(|| Value::from(&r.arn)),
            },
            Field {
                name: "Type",
                ty: Type::String,
                doc: "ELBv2: application, network or gateway.",
                needs: None,
                get: |r| (!is_classic(r) && !r.kind.is_empty()).then(|| Value::from(&r.kind)),
            },
            Field {
                name: "Scheme",
                ty: Type::String,
                doc: "internet-facing or internal.",
                needs: None,
                get: |r| (!r.scheme.is_empty()).then(|| Value::from(&r.scheme)),
            },
            Field {
                name: "DNSName",
                ty: Type::String,
                doc: "The load balancer's DNS name.",
                needs: None,
                get: |r| r.dns_name.as_ref().map(Value::from),
            },
            Field {
                name: "VpcId",
                ty: Type::String,
                doc: "ELBv2: the VPC it is in.",
                needs: None,
                get: |r| {
                    r.vpc_id
                        .as_ref()
                        .filter(|_| !is_classic(r))
                        .map(Value::from)
                },
            },
            Field {
                name: "VPCId",
                ty: Type::String,
                doc: "Classic: the VPC it is in.",
                needs: None,
                get: |r| r.vpc_id.as_ref().filter(|_| is_classic(r)).map(Value::from),
            },
            Field {
                name: "CreatedTime",
                ty: Type::Timestamp,
                doc: "When it was created.",
                needs: None,
                get: |r| r.created_time.map(Value::from),
            },
            Field {
                name: "IpAddressType",
                ty: Type::String,
                doc: "ELBv2: ipv4, dualstack or dualstack-without-public-ipv4.",
                needs: None,
                get: |r| r.ip_address_type.as_ref().map(Value::from),
            },
            Field {
                name: "State",
                ty: Type::Struct(&[Member {
                    name: "Code",
                    ty: Type::String,
                }]),
                doc: "ELBv2: its state; Code is active, provisioning, active_impaired or failed.",
                needs: None,
                get: |r| {
                    r.state
                        .as_ref()
                        .map(|c| Value::record([("Code", Some(Value::from(c)))]))
                },
            },
            Field {
                name: "AvailabilityZones",
                ty: Type::List(&Type::Struct(&[Member {
                    name: "ZoneName",
                    ty: Type::String,
                }])),
                doc: "Its zones, as ELBv2's {ZoneName} structures (classic load balancers' zone names too).",
                needs: None,
                get: |r| {
                    Some(Value::List(
                        r.availability_zones
                            .iter()
                            .map(|z| Value::record([("ZoneName", Some(Value::from(z)))]))
                            .collect(),
                    ))
                },
            },
            Field {
                name: "SecurityGroups",
                ty: Type::List(&Type::String),
                doc: "The IDs of its security groups.",
                needs: None,
                get: |r| Some(Value::strings(&r.security_group_ids)),
            },
            Field {
                name: "Listeners",
                ty: Type::List(&Type::Struct(&[
                    Member {
                        name: "ListenerArn",
                        ty: Type::String,
                    },
                    Member {
                        name: "Protocol",
                        ty: Type::String,
                    },
                    Member {
                        name: "Port",
                        ty: Type::Int,
                    },
                    Member {
                        name: "SslPolicy",
                        ty: Type::String,
                    },
                    Member {
                        name: "DefaultActions",
                        ty: Type::List(&Type::Struct(&[
                            Member {
                                name: "Type",
                                ty: Type::String,
                            },
                            Member {
                                name: "RedirectConfig",
                                ty: Type::Struct(&[
                                    Member {
                                        name: "Protocol",
                                        ty: Type::String,
                                    },
                                    Member {
                                        name: "Port",
                                        ty: Type::String,
                                    },
                                ]),
                            },
                        ])),
                    },
                ])),
                doc: "ELBv2: its listeners (DescribeListeners): protocol, port, TLS policy, default actions.",
                needs: None,
                get: |r| {
                    if is_classic(r) || r.listeners_error.is_some() {
                        return None;
                    }
                    Some(Value::List(
                        r.listeners.iter().map(v2_listener_value).collect(),
                    ))
                },
            },
            Field {
                name: "ListenerDescriptions",
                ty: Type::List(&Type::Struct(&[Member {
                    name: "Listener",
                    ty: Type::Struct(&[
                        Member {
                            name: "Protocol",
                            ty: Type::String,
                        },
                        Member {
                            name: "LoadBalancerPort",
                            ty: Type::Int,
                        },
                    ]),
                }])),
                doc: "Classic: its listeners, each {Listener: {Protocol, LoadBalancerPort}}.",
                needs: None,
                get: |r| {
                    if !is_classic(r) || r.listeners_error.is_some() {
                        return None;
                    }
                    Some(Value::List(
                        r.listeners
                            .iter()
                            .map(|l| {
                                Value::record([(
                                    "Listener",
                                    Some(Value::record([
                                        ("Protocol", Some(Value::from(&l.protocol))),
                                        ("LoadBalancerPort", Some(Value::from(l.port))),
                                    ])),
                                )])
                            })
                            .collect(),
                    ))
                },
            },
            Field {
                name: "Attributes",
                ty: Type::List(&KEY_VALUE),
                doc: "ELBv2: its attributes as {Key, Value} strings (deletion_protection.enabled, access_logs.s3.enabled, routing.http.drop_invalid_header_fields.enabled, ...).",
                needs: Some(Dataset::LoadBalancerAttributes),
                get: |r| {
                    r.attributes
                        .as_ref()
                        .map(|list| Value::List(list.iter().map(key_value).collect()))
                },
            },
            Field {
                name: "LoadBalancerAttributes",
                ty: Type::Struct(&[
                    Member {
                        name: "CrossZoneLoadBalancing",
                        ty: Type::Struct(&[Member {
                            name: "Enabled",
                            ty: Type::Bool,
                        }]),
                    },
                    Member {
                        name: "AccessLog",
                        ty: Type::Struct(&[
                            Member {
                                name: "Enabled",
                                ty: Type::Bool,
                            },
                            Member {
                                name: "S3BucketName",
                                ty: Type::String,
                            },
                            Member {
                                name: "EmitInterval",
                                ty: Type::Int,
                            },
                            Member {
                                name: "S3BucketPrefix",
                                ty: Type::String,
                            },
                        ]),
                    },
                    Member {
                        name: "ConnectionDraining",
                        ty: Type::Struct(&[
                            Member {
                                name: "Enabled",
                                ty: Type::Bool,
                            },
                            Member {
                                name: "Timeout",
                                ty: Type::Int,
                            },
                        ]),
                    },
                    Member {
                        name: "ConnectionSettings",
                        ty: Type::Struct(&[Member {
                            name: "IdleTimeout",
                            ty: Type::Int,
                        }]),
                    },
                    Member {
                        name: "AdditionalAttributes",
                        ty: Type::List(&KEY_VALUE),
                    },
                ]),
                doc: "Classic: its attributes (cross-zone, access log, connection draining, idle timeout, additional attributes).",
                needs: Some(Dataset::ClassicLoadBalancerAttributes),
                get: |r| r.classic_attributes.as_ref().map(classic_attributes_value),
            },
        ]
    };
}

fn is_classic(lb: &LoadBalancer) -> bool {
    super::Resource::dataset(lb) == super::Dataset::ClassicLoadBalancers
}

fn key_value(a: &LoadBalancerAttribute) -> super::Value {
    use super::Value;
    Value::record([
        ("Key", Some(Value::from(&a.key))),
        ("Value", Some(Value::from(&a.value))),
    ])
}

fn v2_listener_value(l: &Listener) -> super::Value {
    use super::Value;
    Value::record([
        ("ListenerArn", l.arn.as_ref().map(Value::from)),
        (
            "Protocol",
            (!l.protocol.is_empty()).then(|| Value::from(&l.protocol)),
        ),
        ("Port", Some(Value::from(l.port))),
        ("SslPolicy", l.ssl_policy.as_ref().map(Value::from)),
        (
            "DefaultActions",
            Some(Value::List(
                l.default_actions
                    .iter()
                    .map(|a| {
                        let redirect = (a.redirect_protocol.is_some() || a.redirect_port.is_some())
                            .then(|| {
                                Value::record([
                                    ("Protocol", a.redirect_protocol.as_ref().map(Value::from)),
                                    ("Port", a.redirect_port.as_ref().map(Value::from)),
                                ])
                            });
                        Value::record([
                            ("Type", Some(Value::from(&a.kind))),
                            ("RedirectConfig", redirect),
                        ])
                    })
                    .collect(),
            )),
        ),
    ])
}

fn classic_attributes_value(a: &ClassicAttributes) -> super::Value {
    use super::Value;
    Value::record([
        (
            "CrossZoneLoadBalancing",
            a.cross_zone
                .map(|e| Value::record([("Enabled", Some(Value::from(e)))])),
        ),
        (
            "AccessLog",
            a.access_log.as_ref().map(|l| {
                Value::record([
                    ("Enabled", Some(Value::from(l.enabled))),
                    ("S3BucketName", l.s3_bucket_name.as_ref().map(Value::from)),
                    ("EmitInterval", l.emit_interval.map(Value::from)),
                    (
                        "S3BucketPrefix",
                        l.s3_bucket_prefix.as_ref().map(Value::from),
                    ),
                ])
            }),
        ),
        (
            "ConnectionDraining",
            a.connection_draining.as_ref().map(|d| {
                Value::record([
                    ("Enabled", Some(Value::from(d.enabled))),
                    ("Timeout", d.timeout.map(Value::from)),
                ])
            }),
        ),
        (
            "ConnectionSettings",
            a.idle_timeout
                .map(|t| Value::record([("IdleTimeout", Some(Value::from(t)))])),
        ),
        (
            "AdditionalAttributes",
            Some(Value::List(a.additional.iter().map(key_value).collect())),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::Described;
    use crate::inventory::{Dataset, Value, fields};

    fn lb(kind: &str) -> LoadBalancer {
        LoadBalancer {
            arn: "arn:aws:elasticloadbalancing:eu-north-1:111122223333:loadbalancer/app/a/1".into(),
            place: Place {
                account: "111122223333".into(),
                region: "eu-north-1".into(),
            },
            name: "a".into(),
            kind: kind.into(),
            scheme: "internal".into(),
            dns_name: None,
            availability_zones: vec!["eu-north-1a".into()],
            security_group_ids: vec![],
            tags: Tags::new(),
            listeners: vec![],
            listeners_error: None,
            vpc_id: Some("vpc-1".into()),
            created_time: None,
            ip_address_type: None,
            state: None,
            attributes: None,
            classic_attributes: None,
            attributes_error: None,
        }
    }

    fn get(r: &LoadBalancer, name: &str) -> Option<Value> {
        (LoadBalancer::field(name).unwrap().get)(r)
    }

    #[test]
    fn fields_aws_did_not_return_or_conform_did_not_read_are_absent() {
        let v2 = lb("application");
        for name in [
            "DNSName",
            "CreatedTime",
            "IpAddressType",
            "State",
            "Attributes",
            "LoadBalancerAttributes",
            "VPCId",
            "ListenerDescriptions",
        ] {
            assert_eq!(get(&v2, name), None, "{name}");
        }
        assert_eq!(get(&v2, "VpcId"), Some(Value::str("vpc-1")));
        let mut unread = v2.clone();
        unread.listeners_error = Some(Box::new(crate::inventory::AwsError {
            operation: "DescribeListeners".into(),
            code: "AccessDenied".into(),
            message: String::new(),
        }));
        assert_eq!(get(&unread, "Listeners"), None, "not read is absent");

        let classic = lb("classic");
        for name in [
            "LoadBalancerArn",
            "Type",
            "VpcId",
            "Listeners",
            "Attributes",
        ] {
            assert_eq!(get(&classic, name), None, "{name}");
        }
        assert_eq!(get(&classic, "VPCId"), Some(Value::str("vpc-1")));
        assert_eq!(
            get(&classic, "AvailabilityZones").unwrap().to_string(),
            r#"[{"ZoneName": "eu-north-1a"}]"#
        );
    }

    #[test]
    fn attributes_under_aws_names() {
        let mut v2 = lb("network");
        v2.attributes = Some(vec![LoadBalancerAttribute {
            key: "deletion_protection.enabled".into(),
            value: "false".into(),
        }]);
        assert_eq!(
            get(&v2, "Attributes").unwrap().to_string(),
            r#"[{"Key": "deletion_protection.enabled", "Value": "false"}]"#
        );
        let mut classic = lb("classic");
        classic.classic_attributes = Some(ClassicAttributes {
            access_log: Some(ClassicAccessLog {
                enabled: true,
                s3_bucket_name: Some("logs".into()),
                emit_interval: None,
                s3_bucket_prefix: None,
            }),
            idle_timeout: Some(60),
            ..Default::default()
        });
        assert_eq!(
            get(&classic, "LoadBalancerAttributes").unwrap().to_string(),
            r#"{"AccessLog": {"Enabled": true, "S3BucketName": "logs"}, "AdditionalAttributes": [], "ConnectionSettings": {"IdleTimeout": 60}}"#
        );
    }

    #[test]
    fn each_generation_has_the_fields_its_docs_give_it() {
        for f in LoadBalancer::FIELDS {
            let v2 = LoadBalancer::has(Dataset::LoadBalancers, f.name);
            let classic = LoadBalancer::has(Dataset::ClassicLoadBalancers, f.name);
            assert_eq!(!classic, f.doc.starts_with("ELBv2:"), "{}", f.name);
            assert_eq!(!v2, f.doc.starts_with("Classic:"), "{}", f.name);
        }
        let names = |d| -> Vec<&str> {
            fields::catalogue(d)
                .unwrap()
                .fields
                .iter()
                .map(|f| f.name)
                .collect()
        };
        assert!(names(Dataset::LoadBalancers).contains(&"Attributes"));
        assert!(!names(Dataset::LoadBalancers).contains(&"LoadBalancerAttributes"));
        assert!(names(Dataset::ClassicLoadBalancers).contains(&"LoadBalancerAttributes"));
        assert!(!names(Dataset::ClassicLoadBalancers).contains(&"Attributes"));
    }

    #[test]
    fn detail_fields_name_their_datasets() {
        let needs = |dataset, name: &str| {
            fields::catalogue(dataset)
                .unwrap()
                .fields
                .iter()
                .find(|f| f.name == name)
                .unwrap()
                .needs
        };
        assert_eq!(
            needs(Dataset::LoadBalancers, "Attributes"),
            Some(Dataset::LoadBalancerAttributes)
        );
        assert_eq!(
            needs(Dataset::ClassicLoadBalancers, "LoadBalancerAttributes"),
            Some(Dataset::ClassicLoadBalancerAttributes)
        );
        assert_eq!(needs(Dataset::LoadBalancers, "Scheme"), None);
        assert_eq!(needs(Dataset::ClassicLoadBalancers, "Scheme"), None);
    }
}
