//! The field catalogues of the EC2 network kinds of [`super::network`]:
//! security groups, managed prefix lists, network ACLs and network
//! interfaces (kept apart from their types so that the load balancers'
//! catalogues can grow beside theirs).

use super::fields::{Described, Field};
use super::{IpPermission, Member, NetworkAcl, NetworkInterface, PrefixList, SecurityGroup};
use super::{Type, Value};

fn string(s: &Option<super::Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

const fn member(name: &'static str, ty: Type) -> Member {
    Member { name, ty }
}

/// AWS's `IpPermission`.
const IP_PERMISSIONS: Type = Type::List(&Type::Struct(&[
    member("IpProtocol", Type::String),
    member("FromPort", Type::Int),
    member("ToPort", Type::Int),
    member(
        "IpRanges",
        Type::List(&Type::Struct(&[member("CidrIp", Type::String)])),
    ),
    member(
        "Ipv6Ranges",
        Type::List(&Type::Struct(&[member("CidrIpv6", Type::String)])),
    ),
    member(
        "PrefixListIds",
        Type::List(&Type::Struct(&[member("PrefixListId", Type::String)])),
    ),
    member(
        "UserIdGroupPairs",
        Type::List(&Type::Struct(&[
            member("GroupId", Type::String),
            member("UserId", Type::String),
        ])),
    ),
]));

fn list_of(items: &[super::Str], name: &str) -> Value {
    Value::List(
        items
            .iter()
            .map(|x| Value::Map([(name.to_owned(), Value::from(x))].into()))
            .collect(),
    )
}

/// The permissions as AWS gives them. A referenced group is kept as
/// `sg-...` for the group's own account and `account/sg-...` for another:
/// the pair's `UserId` is that account, or the group's own.
fn ip_permissions(perms: &[IpPermission], account: &str) -> Value {
    Value::List(
        perms
            .iter()
            .map(|p| {
                Value::record([
                    ("IpProtocol", Some(Value::from(&p.protocol))),
                    ("FromPort", p.from_port.map(Value::from)),
                    ("ToPort", p.to_port.map(Value::from)),
                    ("IpRanges", Some(list_of(&p.ipv4_ranges, "CidrIp"))),
                    ("Ipv6Ranges", Some(list_of(&p.ipv6_ranges, "CidrIpv6"))),
                    (
                        "PrefixListIds",
                        Some(list_of(&p.prefix_list_ids, "PrefixListId")),
                    ),
                    (
                        "UserIdGroupPairs",
                        Some(Value::List(
                            p.group_ids
                                .iter()
                                .map(|g| {
                                    let (user, group) = g.split_once('/').unwrap_or((account, g));
                                    Value::record([
                                        ("GroupId", Some(Value::from(group))),
                                        ("UserId", Some(Value::from(user))),
                                    ])
                                })
                                .collect(),
                        )),
                    ),
                ])
            })
            .collect(),
    )
}

impl Described for SecurityGroup {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "GroupId",
            Type::String,
            "The security group's id (sg-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "GroupName",
            Type::String,
            "The security group's name.",
            |r| Some(Value::from(&r.name)),
        ),
        Field::own("Description", Type::String, "Its description.", |r| {
            string(&r.description)
        }),
        Field::own("VpcId", Type::String, "The VPC it belongs to.", |r| {
            string(&r.vpc_id)
        }),
        Field::own("OwnerId", Type::String, "The account that owns it.", |r| {
            string(&r.owner_id)
        }),
        Field::own(
            "IpPermissions",
            IP_PERMISSIONS,
            "Its inbound rules: IpProtocol (tcp, udp, icmp, -1 for all), ports and sources.",
            |r| Some(ip_permissions(&r.ingress, &r.place.account)),
        ),
        Field::own(
            "IpPermissionsEgress",
            IP_PERMISSIONS,
            "Its outbound rules, as IpPermissions.",
            |r| {
                r.egress
                    .as_ref()
                    .map(|e| ip_permissions(e, &r.place.account))
            },
        ),
    ];
}

impl Described for PrefixList {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ManagedPrefixList.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "PrefixListId",
            Type::String,
            "The prefix list's id (pl-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "PrefixListName",
            Type::String,
            "The prefix list's name.",
            |r| Some(Value::from(&r.name)),
        ),
        Field::own(
            "PrefixListArn",
            Type::String,
            "The prefix list's ARN.",
            |r| Some(Value::from(&r.arn)),
        ),
        Field::own(
            "OwnerId",
            Type::String,
            "AWS for an AWS-managed list, otherwise the owning account.",
            |r| string(&r.owner_id),
        ),
        Field::own("AddressFamily", Type::String, "IPv4 or IPv6.", |r| {
            string(&r.address_family)
        }),
        Field::own(
            "MaxEntries",
            Type::Int,
            "The most entries it can hold.",
            |r| r.max_entries.map(Value::from),
        ),
        Field::own(
            "State",
            Type::String,
            "create-complete, modify-complete, ...",
            |r| string(&r.state),
        ),
        Field::own("Version", Type::Int, "Its version.", |r| {
            r.version.map(Value::from)
        }),
        Field::own(
            "Entries",
            Type::List(&Type::Struct(&[member("Cidr", Type::String)])),
            "Its CIDR blocks (GetManagedPrefixListEntries), read only for the lists a collected security group references.",
            |r| r.entries.as_ref().map(|e| list_of(e, "Cidr")),
        ),
    ];
}

impl Described for NetworkAcl {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAcl.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "NetworkAclId",
            Type::String,
            "The network ACL's id (acl-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own("VpcId", Type::String, "The VPC it belongs to.", |r| {
            string(&r.vpc_id)
        }),
        Field::own(
            "IsDefault",
            Type::Bool,
            "Whether it is its VPC's default ACL.",
            |r| Some(Value::from(r.is_default)),
        ),
        Field::own("OwnerId", Type::String, "The account that owns it.", |r| {
            string(&r.owner_id)
        }),
        Field::own(
            "Entries",
            Type::List(&Type::Struct(&[
                member("RuleNumber", Type::Int),
                member("Protocol", Type::String),
                member("RuleAction", Type::String),
                member("Egress", Type::Bool),
                member("CidrBlock", Type::String),
                member("Ipv6CidrBlock", Type::String),
                member(
                    "PortRange",
                    Type::Struct(&[member("From", Type::Int), member("To", Type::Int)]),
                ),
                member(
                    "IcmpTypeCode",
                    Type::Struct(&[member("Type", Type::Int), member("Code", Type::Int)]),
                ),
            ])),
            "Its rules: RuleNumber, Protocol (-1 all, 6 tcp, 17 udp, ...), RuleAction (allow, deny), Egress, blocks and ports.",
            |r| {
                Some(Value::List(
                    r.entries
                        .iter()
                        .map(|e| {
                            let range = (e.port_from.is_some() || e.port_to.is_some()).then(|| {
                                Value::record([
                                    ("From", e.port_from.map(Value::from)),
                                    ("To", e.port_to.map(Value::from)),
                                ])
                            });
                            let icmp =
                                (e.icmp_type.is_some() || e.icmp_code.is_some()).then(|| {
                                    Value::record([
                                        ("Type", e.icmp_type.map(Value::from)),
                                        ("Code", e.icmp_code.map(Value::from)),
                                    ])
                                });
                            Value::record([
                                ("RuleNumber", Some(Value::from(e.rule_number))),
                                ("Protocol", Some(Value::from(&e.protocol))),
                                ("RuleAction", Some(Value::from(&e.action))),
                                ("Egress", Some(Value::from(e.egress))),
                                ("CidrBlock", string(&e.cidr_block)),
                                ("Ipv6CidrBlock", string(&e.ipv6_cidr_block)),
                                ("PortRange", range),
                                ("IcmpTypeCode", icmp),
                            ])
                        })
                        .collect(),
                ))
            },
        ),
        Field::own(
            "Associations",
            Type::List(&Type::Struct(&[member("SubnetId", Type::String)])),
            "The subnets it applies to.",
            |r| Some(list_of(&r.subnet_ids, "SubnetId")),
        ),
    ];
}

impl Described for NetworkInterface {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "NetworkInterfaceId",
            Type::String,
            "The interface's id (eni-...).",
            |r| Some(Value::from(&r.id)),
        ),
        Field::own(
            "InterfaceType",
            Type::String,
            "interface, network_load_balancer, nat_gateway, lambda, ...",
            |r| string(&r.interface_type),
        ),
        Field::own("Description", Type::String, "Its description.", |r| {
            string(&r.description)
        }),
        Field::own(
            "Status",
            Type::String,
            "available, in-use, attaching, detaching, associated.",
            |r| string(&r.status),
        ),
        Field::own(
            "RequesterId",
            Type::String,
            "Who created it on the account's behalf (amazon-elb, ...).",
            |r| string(&r.requester_id),
        ),
        Field::own(
            "RequesterManaged",
            Type::Bool,
            "Whether an AWS service manages it.",
            |r| Some(Value::from(r.requester_managed)),
        ),
        Field::own("OwnerId", Type::String, "The account that owns it.", |r| {
            string(&r.owner_id)
        }),
        Field::own("VpcId", Type::String, "Its VPC.", |r| string(&r.vpc_id)),
        Field::own("SubnetId", Type::String, "Its subnet.", |r| {
            string(&r.subnet_id)
        }),
        Field::own("AvailabilityZone", Type::String, "Its zone.", |r| {
            string(&r.availability_zone)
        }),
        Field::own(
            "PrivateIpAddress",
            Type::String,
            "Its primary private IPv4 address.",
            |r| string(&r.private_ip),
        ),
        Field::own(
            "SourceDestCheck",
            Type::Bool,
            "Whether source/destination checking is on.",
            |r| r.source_dest_check.map(Value::from),
        ),
        Field::own(
            "Association",
            Type::Struct(&[member("PublicIp", Type::String)]),
            "The public IPv4 address associated with its primary private address.",
            |r| {
                r.public_ip
                    .as_ref()
                    .map(|ip| Value::record([("PublicIp", Some(Value::from(ip)))]))
            },
        ),
        Field::own(
            "Attachment",
            Type::Struct(&[member("InstanceId", Type::String)]),
            "The instance it is attached to.",
            |r| {
                r.instance_id
                    .as_ref()
                    .map(|id| Value::record([("InstanceId", Some(Value::from(id)))]))
            },
        ),
        Field::own(
            "Groups",
            Type::List(&Type::Struct(&[member("GroupId", Type::String)])),
            "The security groups it is in.",
            |r| Some(list_of(&r.security_group_ids, "GroupId")),
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::fields::present;
    use crate::inventory::{NaclEntry, Place};

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        assert_eq!(
            present(&SecurityGroup::default()),
            ["GroupId", "GroupName", "IpPermissions"]
        );
        assert_eq!(
            present(&PrefixList::default()),
            ["PrefixListId", "PrefixListName", "PrefixListArn"]
        );
        assert_eq!(
            present(&NetworkAcl::default()),
            ["NetworkAclId", "IsDefault", "Entries", "Associations"]
        );
        assert_eq!(
            present(&NetworkInterface::default()),
            ["NetworkInterfaceId", "RequesterManaged", "Groups"]
        );
    }

    #[test]
    fn permissions_and_entries_in_aws_shapes() {
        let g = SecurityGroup {
            place: Place {
                account: "111122223333".into(),
                region: "eu-north-1".into(),
            },
            ingress: vec![IpPermission {
                protocol: "tcp".into(),
                from_port: Some(22),
                to_port: Some(22),
                ipv4_ranges: vec!["10.0.0.0/8".into()],
                group_ids: vec!["sg-1".into(), "444455556666/sg-2".into()],
                ..IpPermission::default()
            }],
            ..SecurityGroup::default()
        };
        assert_eq!(
            (SecurityGroup::field("IpPermissions").unwrap().get)(&g)
                .unwrap()
                .to_string(),
            r#"[{"FromPort": 22, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "111122223333"}, {"GroupId": "sg-2", "UserId": "444455556666"}]}]"#
        );
        let acl = NetworkAcl {
            entries: vec![NaclEntry {
                rule_number: 100,
                protocol: "6".into(),
                action: "allow".into(),
                egress: false,
                cidr_block: Some("0.0.0.0/0".into()),
                port_from: Some(443),
                port_to: Some(443),
                ..NaclEntry::default()
            }],
            ..NetworkAcl::default()
        };
        assert_eq!(
            (NetworkAcl::field("Entries").unwrap().get)(&acl)
                .unwrap()
                .to_string(),
            r#"[{"CidrBlock": "0.0.0.0/0", "Egress": false, "PortRange": {"From": 443, "To": 443}, "Protocol": "6", "RuleAction": "allow", "RuleNumber": 100}]"#
        );
    }
}
