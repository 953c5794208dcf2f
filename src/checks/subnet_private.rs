//! `subnet-private`: subnets have no route to an internet gateway.
//!
//! A subnet is private when no route of the route table that applies to
//! it reaches an internet gateway. AWS stores no such flag: the route
//! table that applies is the one explicitly associated with the subnet,
//! else its VPC's main route table, and the routes are judged as AWS uses
//! them (a `blackhole` route drops its traffic).

use super::resource::resource_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory, Route, RouteTable, Subnet};

pub struct SubnetPrivate;

impl Check for SubnetPrivate {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "subnet-private",
        summary: "Subnets have no route to an internet gateway",
        what: "A subnet is private when no route of the route table that applies to it reaches an internet \
gateway. The route table that applies is the one explicitly associated with the subnet, else the main route \
table of the subnet's VPC (the association marked `Main`), as in AWS.\n\n\
- Any route whose target is an internet gateway (`GatewayId` `igw-...`) fails the subnet, whatever its \
destination: `0.0.0.0/0`, `::/0` (IPv6 goes through the same gateway), a narrower CIDR or a prefix list.\n\
- A route in state `blackhole` (its gateway was deleted or detached) drops its traffic and does not count.\n\
- Routes to a NAT gateway, an egress-only internet gateway (outbound IPv6 only), a virtual private gateway, a \
transit gateway, a peering connection or a network interface do not make a subnet public.\n\
- An association in state `disassociated` or `failed` does not apply.\n\
- A subnet is **unknown** when the route tables of its region could not be read or were not collected, or when \
neither an explicit association nor a main route table of its VPC is among the route tables read.\n\n\
Evidence names the route table that applies (and why it applies) and every route to an internet gateway.",
        why: "Databases, caches and internal services belong in subnets with no path to or from the internet: \
with a route to an internet gateway, any instance there that has (or is given) a public address can be reached \
from the internet, whatever its security groups intend.",
        fix: "Associate the subnet with a route table whose default route goes to a NAT gateway (or nowhere), or \
remove the internet gateway route from the route table that applies:\n\n\
```sh\naws ec2 replace-route-table-association --association-id rtbassoc-0123 --route-table-id rtb-private\n\
aws ec2 delete-route --route-table-id rtb-0123 --destination-cidr-block 0.0.0.0/0\n\
aws ec2 delete-route --route-table-id rtb-0123 --destination-ipv6-cidr-block ::/0\n```\n\n\
Remember a subnet without an explicit association follows its VPC's main route table.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Subnets];
    const USES: &'static [Dataset] = &[Dataset::RouteTables];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        inventory
            .subnets
            .iter()
            .map(|s| judge(inventory, s))
            .collect()
    }
}

/// Why a route table applies to a subnet.
enum Applies<'a> {
    Explicit(&'a RouteTable, Option<&'a str>),
    Main(&'a RouteTable),
}

/// Whether an association is in force (not `disassociated` or `failed`).
fn in_force(state: Option<&str>) -> bool {
    !matches!(state, Some("disassociated" | "failed"))
}

/// The route table that applies to `subnet` among those read in its
/// account and region.
fn applying<'a>(inventory: &'a Inventory, subnet: &Subnet) -> Option<Applies<'a>> {
    let here = || {
        inventory
            .route_tables
            .iter()
            .filter(move |t| t.place == subnet.place)
    };
    for table in here() {
        for a in &table.associations {
            if a.subnet_id.as_deref() == Some(subnet.id.as_str()) && in_force(a.state.as_deref()) {
                return Some(Applies::Explicit(table, a.id.as_deref()));
            }
        }
    }
    let vpc = subnet.vpc_id.as_deref()?;
    here()
        .find(|t| {
            t.vpc_id.as_deref() == Some(vpc)
                && t.associations
                    .iter()
                    .any(|a| a.main && in_force(a.state.as_deref()))
        })
        .map(Applies::Main)
}

/// A route's destination as AWS names it.
fn destination(r: &Route) -> &str {
    r.destination_cidr_block
        .as_deref()
        .or(r.destination_ipv6_cidr_block.as_deref())
        .or(r.destination_prefix_list_id.as_deref())
        .unwrap_or("(no destination)")
}

/// Whether a route sends traffic to an internet gateway.
fn to_internet_gateway(r: &Route) -> bool {
    r.gateway_id
        .as_deref()
        .is_some_and(|g| g.starts_with("igw-"))
}

fn route_text(r: &Route) -> String {
    format!(
        "{} -> {} ({})",
        destination(r),
        r.gateway_id.as_deref().unwrap_or("?"),
        r.state.as_deref().unwrap_or("state not given")
    )
}

fn judge(inventory: &Inventory, subnet: &Subnet) -> Outcome {
    let resource = resource_ref(subnet);
    let place = &subnet.place;
    let unread = match inventory.coverage_of(&place.account, &place.region, Dataset::RouteTables) {
        None => Some("route tables were not collected".to_string()),
        Some(c) => c
            .error
            .as_ref()
            .map(|e| format!("route tables could not be read: {e}")),
    };
    if let Some(why) = unread {
        return Outcome::unknown(
            resource,
            format!("cannot tell whether subnet {} is private: {why}", subnet.id),
            vec![Evidence::new(
                "RouteTables",
                format!("{} {}", place.account, place.region),
                format!("{why}; the route table that applies to the subnet is unknown"),
            )],
        );
    }
    let Some(applies) = applying(inventory, subnet) else {
        let vpc = subnet.vpc_id.as_deref().unwrap_or("(not given)");
        return Outcome::unknown(
            resource,
            format!(
                "cannot tell whether subnet {} is private: no route table read is associated with it, and none is the main route table of its VPC {vpc}",
                subnet.id
            ),
            vec![Evidence::new(
                "VpcId",
                vpc,
                "neither an explicit association nor a main route table of this VPC is among the route tables read",
            )],
        );
    };
    let (table, how) = match applies {
        Applies::Explicit(t, id) => (
            t,
            format!(
                "explicitly associated with the subnet ({})",
                id.unwrap_or("association id not given")
            ),
        ),
        Applies::Main(t) => (
            t,
            format!(
                "the main route table of {}, which applies to subnets without an explicit association",
                t.vpc_id.as_deref().unwrap_or("its VPC")
            ),
        ),
    };
    let table_evidence = Evidence::new("RouteTableId", table.id.as_str(), how);
    let mut failing = Vec::new();
    let mut blackholes = Vec::new();
    for (i, r) in table.routes.iter().enumerate() {
        if !to_internet_gateway(r) {
            continue;
        }
        if r.state.as_deref() == Some("blackhole") {
            blackholes.push(Evidence::new(
                format!("Routes[{i}]"),
                route_text(r),
                "a blackhole route: its internet gateway is gone, so it drops its traffic",
            ));
        } else {
            failing.push(Evidence::new(
                format!("Routes[{i}]"),
                route_text(r),
                format!(
                    "routes {} to internet gateway {}",
                    destination(r),
                    r.gateway_id.as_deref().unwrap_or("?")
                ),
            ));
        }
    }
    if failing.is_empty() {
        let mut outcome = Outcome::pass(
            resource,
            format!(
                "subnet {} has no route to an internet gateway (route table {})",
                subnet.id, table.id
            ),
        )
        .with(table_evidence);
        outcome.evidence.extend(blackholes);
        return outcome;
    }
    let gateways: Vec<&str> = {
        let mut g: Vec<&str> = table
            .routes
            .iter()
            .filter(|r| to_internet_gateway(r) && r.state.as_deref() != Some("blackhole"))
            .filter_map(|r| r.gateway_id.as_deref())
            .collect();
        g.dedup();
        g
    };
    let mut evidence = vec![table_evidence];
    evidence.extend(failing);
    Outcome::fail(
        resource,
        format!(
            "subnet {} routes to internet gateway {} through route table {}",
            subnet.id,
            gateways.join(", "),
            table.id
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{RouteTableAssociation, Tags};

    fn subnet(id: &str, vpc: &str) -> Subnet {
        Subnet {
            arn: format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{id}").into(),
            place: place(),
            id: id.into(),
            vpc_id: Some(vpc.into()),
            availability_zone: None,
            availability_zone_id: None,
            cidr_block: None,
            ipv6_cidr_blocks: vec![],
            map_public_ip_on_launch: None,
            assign_ipv6_address_on_creation: None,
            default_for_az: None,
            state: None,
            owner_id: None,
            available_ip_address_count: None,
            tags: Tags::new(),
        }
    }

    fn route(dest: &str, gateway: &str, state: &str) -> Route {
        let mut r = Route {
            state: Some(state.into()),
            ..Default::default()
        };
        if dest.contains(':') {
            r.destination_ipv6_cidr_block = Some(dest.into());
        } else {
            r.destination_cidr_block = Some(dest.into());
        }
        if gateway.starts_with("nat-") {
            r.nat_gateway_id = Some(gateway.into());
        } else {
            r.gateway_id = Some(gateway.into());
        }
        r
    }

    fn table(id: &str, vpc: &str, main: bool, subnets: &[&str], routes: Vec<Route>) -> RouteTable {
        let mut associations: Vec<RouteTableAssociation> = subnets
            .iter()
            .map(|s| RouteTableAssociation {
                id: Some(compact_str::format_compact!("rtbassoc-{s}")),
                subnet_id: Some((*s).into()),
                state: Some("associated".into()),
                ..Default::default()
            })
            .collect();
        if main {
            associations.push(RouteTableAssociation {
                id: Some(compact_str::format_compact!("rtbassoc-main-{id}")),
                main: true,
                state: Some("associated".into()),
                ..Default::default()
            });
        }
        RouteTable {
            arn: format!("arn:aws:ec2:{REGION}:{ACCOUNT}:route-table/{id}").into(),
            place: place(),
            id: id.into(),
            vpc_id: Some(vpc.into()),
            owner_id: None,
            routes,
            associations,
            tags: Tags::new(),
        }
    }

    fn local() -> Route {
        route("10.0.0.0/16", "local", "active")
    }

    #[test]
    fn the_explicit_association_wins_over_the_main_table() {
        let mut inv = inventory();
        inv.subnets = vec![subnet("subnet-a", "vpc-1"), subnet("subnet-b", "vpc-1")];
        inv.route_tables = vec![
            table(
                "rtb-main",
                "vpc-1",
                true,
                &[],
                vec![local(), route("0.0.0.0/0", "igw-1", "active")],
            ),
            table(
                "rtb-private",
                "vpc-1",
                false,
                &["subnet-a"],
                vec![local(), route("0.0.0.0/0", "nat-1", "active")],
            ),
        ];
        let out = run::<SubnetPrivate>(&inv);
        let a = expect(&out, "subnet-a", Status::Pass);
        assert_eq!(a.evidence[0].value, "rtb-private");
        let b = expect(&out, "subnet-b", Status::Fail);
        assert_eq!(b.evidence[0].value, "rtb-main");
        assert!(b.evidence[0].note.contains("main route table"));
        assert_eq!(b.evidence[1].field, "Routes[1]");
    }

    #[test]
    fn blackhole_and_ipv6_routes() {
        let mut inv = inventory();
        inv.subnets = vec![subnet("subnet-bh", "vpc-1"), subnet("subnet-v6", "vpc-1")];
        inv.route_tables = vec![
            table(
                "rtb-bh",
                "vpc-1",
                false,
                &["subnet-bh"],
                vec![local(), route("0.0.0.0/0", "igw-gone", "blackhole")],
            ),
            table(
                "rtb-v6",
                "vpc-1",
                false,
                &["subnet-v6"],
                vec![local(), route("::/0", "igw-1", "active")],
            ),
        ];
        let out = run::<SubnetPrivate>(&inv);
        let bh = expect(&out, "subnet-bh", Status::Pass);
        assert!(bh.evidence[1].note.contains("blackhole"));
        let v6 = expect(&out, "subnet-v6", Status::Fail);
        assert!(v6.evidence[1].value.starts_with("::/0 -> igw-1"));
    }

    #[test]
    fn unread_or_missing_route_tables_are_unknown() {
        let mut inv = inventory();
        inv.subnets = vec![subnet("subnet-a", "vpc-1")];
        // Read, but no table applies (no main table of vpc-1).
        inv.route_tables = vec![table("rtb-other", "vpc-2", true, &[], vec![local()])];
        expect(&run::<SubnetPrivate>(&inv), "subnet-a", Status::Unknown);
        // Not read.
        for c in &mut inv.coverage {
            if c.dataset == Dataset::RouteTables {
                c.error = Some(aws_error("UnauthorizedOperation"));
            }
        }
        let out = run::<SubnetPrivate>(&inv);
        let o = expect(&out, "subnet-a", Status::Unknown);
        assert!(o.message.contains("could not be read"));
        // Not collected.
        inv.coverage.retain(|c| c.dataset != Dataset::RouteTables);
        let out = run::<SubnetPrivate>(&inv);
        assert!(
            expect(&out, "subnet-a", Status::Unknown)
                .message
                .contains("not collected")
        );
    }

    #[test]
    fn a_disassociated_association_does_not_apply() {
        let mut inv = inventory();
        inv.subnets = vec![subnet("subnet-a", "vpc-1")];
        let mut old = table(
            "rtb-old",
            "vpc-1",
            false,
            &["subnet-a"],
            vec![local(), route("0.0.0.0/0", "igw-1", "active")],
        );
        old.associations[0].state = Some("disassociated".into());
        inv.route_tables = vec![old, table("rtb-main", "vpc-1", true, &[], vec![local()])];
        let out = run::<SubnetPrivate>(&inv);
        assert_eq!(
            expect(&out, "subnet-a", Status::Pass).evidence[0].value,
            "rtb-main"
        );
    }
}
