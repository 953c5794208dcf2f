//! VPC layout collectors (regional, on the EC2 API): subnets and route
//! tables.
//!
//! Calls per region:
//!
//! | dataset      | calls                                 |
//! |--------------|---------------------------------------|
//! | subnets      | `DescribeSubnets` pages of 1000       |
//! | route tables | `DescribeRouteTables` pages of 100 (its maximum) |
//!
//! Whether a subnet is private (no route to an internet gateway) is not
//! decided here: the route tables are kept as AWS returns them, and the
//! `subnet-private` check judges.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as ec2;

use super::context::{Ctx, owned, tags};
use super::pager::Partial;
use crate::inventory::{Dataset, Route, RouteTable, RouteTableAssociation, Str, Subnet};

/// Reads every subnet of the region.
pub(crate) async fn subnets(ctx: &Ctx, client: &Client) -> Partial<Subnet> {
    const OP: &str = "DescribeSubnets";
    read_pages!(
        ctx,
        OP,
        client
            .describe_subnets()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page.subnets().iter().filter_map(|s| subnet(ctx, s)),
        more: |last| last.next_token(),
    )
}

fn subnet(ctx: &Ctx, s: &ec2::Subnet) -> Option<Subnet> {
    let id = Str::from(s.subnet_id()?);
    Some(Subnet {
        arn: match s.subnet_arn() {
            Some(arn) if !arn.is_empty() => arn.to_string().into(),
            _ => ctx.arn_of(Dataset::Subnets, &id).into(),
        },
        place: ctx.place(),
        vpc_id: owned(s.vpc_id()),
        availability_zone: owned(s.availability_zone()),
        availability_zone_id: owned(s.availability_zone_id()),
        cidr_block: owned(s.cidr_block()),
        ipv6_cidr_blocks: s
            .ipv6_cidr_block_association_set()
            .iter()
            .filter_map(|a| owned(a.ipv6_cidr_block()))
            .collect(),
        map_public_ip_on_launch: s.map_public_ip_on_launch(),
        assign_ipv6_address_on_creation: s.assign_ipv6_address_on_creation(),
        default_for_az: s.default_for_az(),
        state: s.state().map(|v| v.as_str().into()),
        owner_id: owned(s.owner_id()),
        available_ip_address_count: s.available_ip_address_count(),
        tags: tags(s.tags().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}

/// Reads every route table of the region, with its routes and
/// associations.
pub(crate) async fn route_tables(ctx: &Ctx, client: &Client) -> Partial<RouteTable> {
    const OP: &str = "DescribeRouteTables";
    read_pages!(
        ctx,
        OP,
        client
            .describe_route_tables()
            .max_results(100)
            .into_paginator()
            .send(),
        |page| page
            .route_tables()
            .iter()
            .filter_map(|t| route_table(ctx, t)),
        more: |last| last.next_token(),
    )
}

fn route_table(ctx: &Ctx, t: &ec2::RouteTable) -> Option<RouteTable> {
    let id = Str::from(t.route_table_id()?);
    Some(RouteTable {
        arn: ctx.arn_of(Dataset::RouteTables, &id).into(),
        place: ctx.place(),
        vpc_id: owned(t.vpc_id()),
        owner_id: owned(t.owner_id()),
        routes: t.routes().iter().map(route).collect(),
        associations: t
            .associations()
            .iter()
            .map(|a| RouteTableAssociation {
                id: owned(a.route_table_association_id()),
                subnet_id: owned(a.subnet_id()),
                gateway_id: owned(a.gateway_id()),
                main: a.main().unwrap_or(false),
                state: a
                    .association_state()
                    .and_then(|s| s.state())
                    .map(|s| s.as_str().into()),
            })
            .collect(),
        tags: tags(t.tags().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}

fn route(r: &ec2::Route) -> Route {
    Route {
        destination_cidr_block: owned(r.destination_cidr_block()),
        destination_ipv6_cidr_block: owned(r.destination_ipv6_cidr_block()),
        destination_prefix_list_id: owned(r.destination_prefix_list_id()),
        gateway_id: owned(r.gateway_id()),
        egress_only_internet_gateway_id: owned(r.egress_only_internet_gateway_id()),
        nat_gateway_id: owned(r.nat_gateway_id()),
        transit_gateway_id: owned(r.transit_gateway_id()),
        vpc_peering_connection_id: owned(r.vpc_peering_connection_id()),
        network_interface_id: owned(r.network_interface_id()),
        instance_id: owned(r.instance_id()),
        carrier_gateway_id: owned(r.carrier_gateway_id()),
        local_gateway_id: owned(r.local_gateway_id()),
        core_network_arn: owned(r.core_network_arn()),
        state: r.state().map(|s| s.as_str().into()),
        origin: r.origin().map(|o| o.as_str().into()),
    }
}
