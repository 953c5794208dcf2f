//! VPC layout: subnets and route tables.

use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// A VPC subnet (`DescribeSubnets`). Whether it is private is not a fact
/// AWS stores: it follows from the route table that applies to it (see
/// the `subnet-private` check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub arn: Text,
    pub place: Place,
    /// `SubnetId`.
    pub id: Str,
    #[serde(default)]
    pub vpc_id: Option<Str>,
    #[serde(default)]
    pub availability_zone: Option<Str>,
    #[serde(default)]
    pub availability_zone_id: Option<Str>,
    /// The IPv4 range.
    #[serde(default)]
    pub cidr_block: Option<Str>,
    /// The IPv6 ranges (`Ipv6CidrBlockAssociationSet[].Ipv6CidrBlock`).
    #[serde(default)]
    pub ipv6_cidr_blocks: Vec<Str>,
    /// Whether instances launched in it get a public IPv4 address.
    #[serde(default)]
    pub map_public_ip_on_launch: Option<bool>,
    #[serde(default)]
    pub assign_ipv6_address_on_creation: Option<bool>,
    /// Whether it is the default subnet of its zone (of the default VPC).
    #[serde(default)]
    pub default_for_az: Option<bool>,
    /// `pending`, `available`, `unavailable`.
    #[serde(default)]
    pub state: Option<Str>,
    #[serde(default)]
    pub owner_id: Option<Str>,
    #[serde(default)]
    pub available_ip_address_count: Option<i32>,
    #[serde(default)]
    pub tags: Tags,
}

/// A VPC route table (`DescribeRouteTables`): its routes and the subnets
/// (or gateways) it is associated with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub arn: Text,
    pub place: Place,
    /// `RouteTableId`.
    pub id: Str,
    #[serde(default)]
    pub vpc_id: Option<Str>,
    #[serde(default)]
    pub owner_id: Option<Str>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(default)]
    pub tags: Tags,
}

/// One route, as AWS returns it: one destination and one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Route {
    pub destination_cidr_block: Option<Str>,
    pub destination_ipv6_cidr_block: Option<Str>,
    pub destination_prefix_list_id: Option<Str>,
    /// An internet gateway (`igw-`), a virtual private gateway (`vgw-`),
    /// or `local`.
    pub gateway_id: Option<Str>,
    pub egress_only_internet_gateway_id: Option<Str>,
    pub nat_gateway_id: Option<Str>,
    pub transit_gateway_id: Option<Str>,
    pub vpc_peering_connection_id: Option<Str>,
    pub network_interface_id: Option<Str>,
    pub instance_id: Option<Str>,
    pub carrier_gateway_id: Option<Str>,
    pub local_gateway_id: Option<Str>,
    pub core_network_arn: Option<Str>,
    /// `active`, or `blackhole` when the target is gone (the route drops
    /// its traffic).
    pub state: Option<Str>,
    /// `CreateRouteTable`, `CreateRoute` or `EnableVgwRoutePropagation`.
    pub origin: Option<Str>,
}

/// An association of a route table with a subnet or a gateway, or the
/// mark of the VPC's main route table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RouteTableAssociation {
    /// `RouteTableAssociationId`.
    pub id: Option<Str>,
    pub subnet_id: Option<Str>,
    pub gateway_id: Option<Str>,
    /// Whether this marks the VPC's main route table, which applies to
    /// every subnet of the VPC without an explicit association.
    pub main: bool,
    /// `AssociationState.State`: `associated`, `associating`,
    /// `disassociating`, `disassociated`, `failed`.
    pub state: Option<Str>,
}

resource!(Subnet: Subnets, named id, tagged);
resource!(RouteTable: RouteTables, named id, tagged);

impl super::fields::Described for Subnet {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Member, Type, Value};
        [
            Field {
                name: "SubnetId",
                ty: Type::String,
                doc: "The subnet's identifier.",
                needs: None,
                get: |r| Some(Value::from(&r.id)),
            },
            Field {
                name: "SubnetArn",
                ty: Type::String,
                doc: "The subnet's ARN.",
                needs: None,
                get: |r| Some(Value::from(&r.arn)),
            },
            Field {
                name: "VpcId",
                ty: Type::String,
                doc: "The VPC it is in.",
                needs: None,
                get: |r| r.vpc_id.as_ref().map(Value::from),
            },
            Field {
                name: "AvailabilityZone",
                ty: Type::String,
                doc: "Its availability zone.",
                needs: None,
                get: |r| r.availability_zone.as_ref().map(Value::from),
            },
            Field {
                name: "AvailabilityZoneId",
                ty: Type::String,
                doc: "Its availability zone's ID (the same in every account).",
                needs: None,
                get: |r| r.availability_zone_id.as_ref().map(Value::from),
            },
            Field {
                name: "CidrBlock",
                ty: Type::String,
                doc: "Its IPv4 range.",
                needs: None,
                get: |r| r.cidr_block.as_ref().map(Value::from),
            },
            Field {
                name: "Ipv6CidrBlockAssociationSet",
                ty: Type::List(&Type::Struct(&[Member {
                    name: "Ipv6CidrBlock",
                    ty: Type::String,
                }])),
                doc: "Its IPv6 ranges.",
                needs: None,
                get: |r| {
                    Some(Value::List(
                        r.ipv6_cidr_blocks
                            .iter()
                            .map(|c| Value::record([("Ipv6CidrBlock", Some(Value::from(c)))]))
                            .collect(),
                    ))
                },
            },
            Field {
                name: "MapPublicIpOnLaunch",
                ty: Type::Bool,
                doc: "Whether instances launched in it get a public IPv4 address.",
                needs: None,
                get: |r| r.map_public_ip_on_launch.map(Value::from),
            },
            Field {
                name: "AssignIpv6AddressOnCreation",
                ty: Type::Bool,
                doc: "Whether network interfaces created in it get an IPv6 address.",
                needs: None,
                get: |r| r.assign_ipv6_address_on_creation.map(Value::from),
            },
            Field {
                name: "DefaultForAz",
                ty: Type::Bool,
                doc: "Whether it is the default subnet of its zone.",
                needs: None,
                get: |r| r.default_for_az.map(Value::from),
            },
            Field {
                name: "State",
                ty: Type::String,
                doc: "pending, available or unavailable.",
                needs: None,
                get: |r| r.state.as_ref().map(Value::from),
            },
            Field {
                name: "OwnerId",
                ty: Type::String,
                doc: "The account that owns it.",
                needs: None,
                get: |r| r.owner_id.as_ref().map(Value::from),
            },
            Field {
                name: "AvailableIpAddressCount",
                ty: Type::Int,
                doc: "Unused private IPv4 addresses left in it.",
                needs: None,
                get: |r| r.available_ip_address_count.map(Value::from),
            },
        ]
    };
}

/// The members of a route, as AWS names them (`Route`).
const ROUTE: &[super::Member] = {
    use super::{Member, Type};
    &[
        Member {
            name: "DestinationCidrBlock",
            ty: Type::String,
        },
        Member {
            name: "DestinationIpv6CidrBlock",
            ty: Type::String,
        },
        Member {
            name: "DestinationPrefixListId",
            ty: Type::String,
        },
        Member {
            name: "GatewayId",
            ty: Type::String,
        },
        Member {
            name: "EgressOnlyInternetGatewayId",
            ty: Type::String,
        },
        Member {
            name: "NatGatewayId",
            ty: Type::String,
        },
        Member {
            name: "TransitGatewayId",
            ty: Type::String,
        },
        Member {
            name: "VpcPeeringConnectionId",
            ty: Type::String,
        },
        Member {
            name: "NetworkInterfaceId",
            ty: Type::String,
        },
        Member {
            name: "InstanceId",
            ty: Type::String,
        },
        Member {
            name: "CarrierGatewayId",
            ty: Type::String,
        },
        Member {
            name: "LocalGatewayId",
            ty: Type::String,
        },
        Member {
            name: "CoreNetworkArn",
            ty: Type::String,
        },
        Member {
            name: "State",
            ty: Type::String,
        },
        Member {
            name: "Origin",
            ty: Type::String,
        },
    ]
};

/// The members of a route table association (`RouteTableAssociation`).
const ASSOCIATION: &[super::Member] = {
    use super::{Member, Type};
    &[
        Member {
            name: "RouteTableAssociationId",
            ty: Type::String,
        },
        Member {
            name: "SubnetId",
            ty: Type::String,
        },
        Member {
            name: "GatewayId",
            ty: Type::String,
        },
        Member {
            name: "Main",
            ty: Type::Bool,
        },
        Member {
            name: "AssociationState",
            ty: Type::Struct(&[Member {
                name: "State",
                ty: Type::String,
            }]),
        },
    ]
};

fn route_value(r: &Route) -> super::Value {
    use super::Value;
    let s = |v: &Option<Str>| v.as_ref().map(Value::from);
    Value::record([
        ("DestinationCidrBlock", s(&r.destination_cidr_block)),
        (
            "DestinationIpv6CidrBlock",
            s(&r.destination_ipv6_cidr_block),
        ),
        ("DestinationPrefixListId", s(&r.destination_prefix_list_id)),
        ("GatewayId", s(&r.gateway_id)),
        (
            "EgressOnlyInternetGatewayId",
            s(&r.egress_only_internet_gateway_id),
        ),
        ("NatGatewayId", s(&r.nat_gateway_id)),
        ("TransitGatewayId", s(&r.transit_gateway_id)),
        ("VpcPeeringConnectionId", s(&r.vpc_peering_connection_id)),
        ("NetworkInterfaceId", s(&r.network_interface_id)),
        ("InstanceId", s(&r.instance_id)),
        ("CarrierGatewayId", s(&r.carrier_gateway_id)),
        ("LocalGatewayId", s(&r.local_gateway_id)),
        ("CoreNetworkArn", s(&r.core_network_arn)),
        ("State", s(&r.state)),
        ("Origin", s(&r.origin)),
    ])
}

fn association_value(a: &RouteTableAssociation) -> super::Value {
    use super::Value;
    let s = |v: &Option<Str>| v.as_ref().map(Value::from);
    Value::record([
        ("RouteTableAssociationId", s(&a.id)),
        ("SubnetId", s(&a.subnet_id)),
        ("GatewayId", s(&a.gateway_id)),
        ("Main", Some(Value::from(a.main))),
        (
            "AssociationState",
            a.state
                .as_ref()
                .map(|state| Value::record([("State", Some(Value::from(state)))])),
        ),
    ])
}

impl super::fields::Described for RouteTable {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RouteTable.html";
    const FIELDS: &'static [super::fields::Field<Self>] = &{
        use super::fields::Field;
        use super::{Type, Value};
        [
            Field {
                name: "RouteTableId",
                ty: Type::String,
                doc: "The route table's identifier.",
                needs: None,
                get: |r| Some(Value::from(&r.id)),
            },
            Field {
                name: "VpcId",
                ty: Type::String,
                doc: "The VPC it is in.",
                needs: None,
                get: |r| r.vpc_id.as_ref().map(Value::from),
            },
            Field {
                name: "OwnerId",
                ty: Type::String,
                doc: "The account that owns it.",
                needs: None,
                get: |r| r.owner_id.as_ref().map(Value::from),
            },
            Field {
                name: "Routes",
                ty: Type::List(&Type::Struct(ROUTE)),
                doc: "Its routes: a destination (DestinationCidrBlock, DestinationIpv6CidrBlock, \
DestinationPrefixListId), a target (GatewayId igw-/vgw-/local, NatGatewayId, ...) and State (active or blackhole).",
                needs: None,
                get: |r| Some(Value::List(r.routes.iter().map(route_value).collect())),
            },
            Field {
                name: "Associations",
                ty: Type::List(&Type::Struct(ASSOCIATION)),
                doc: "The subnets and gateways it is associated with; Main marks the VPC's main route table.",
                needs: None,
                get: |r| {
                    Some(Value::List(
                        r.associations.iter().map(association_value).collect(),
                    ))
                },
            },
        ]
    };
}
