//! `ec2-no-public-ip`: EC2 instances carry no public IPv4 address (NET-005).
//!
//! Only a public IPv4 address counts as "a public IP". IPv6 addresses are
//! globally routable by design, so whether an instance with IPv6 is
//! reachable is decided by its security groups and network ACLs (which
//! NET-001 and NET-003 judge, IPv6 included); they are shown as evidence
//! but do not fail this check.

use super::resource::instance_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct Ec2NoPublicIp;

impl Check for Ec2NoPublicIp {
    type Params = NoParams;
    const DOC: CheckDoc = CheckDoc {
        name: "ec2-no-public-ip",
        summary: "EC2 instances carry no public IPv4 address",
        what: "Every EC2 instance that is not `terminated` or `shutting-down` must have no public IPv4 address \
(auto-assigned or Elastic IP). Stopped instances are judged too: an instance stopped with an Elastic IP gets it \
back when started.\n\n\
IPv6 addresses are globally routable by design and do not fail this check; they are listed as evidence, and \
the instance's reachability over IPv6 is judged by the security-group and network-ACL rules (NET-001, NET-003). \
Instances that must have a public address (a bastion) are exempted by the rule's `exclude`, not by this check.",
        why: "The policy allows public access only through the load balancers. An instance with a public IP is \
addressable from the internet directly, so a single permissive security-group rule exposes it, and it bypasses \
the load balancer's TLS termination and logging.",
        fix: "Launch instances in private subnets with public-IP auto-assignment off, and reach them through the \
load balancer, the VPN or SSM Session Manager. To remove an address: release or disassociate an Elastic IP \
(`aws ec2 disassociate-address --association-id eipassoc-0123`); an auto-assigned public IP goes away only by \
launching into a subnet without auto-assignment (`aws ec2 modify-subnet-attribute --subnet-id subnet-0123 \
--no-map-public-ip-on-launch`) or by attaching a network interface without one.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Instances];

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &NoParams) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for i in &inventory.instances {
            let state = i.state.as_deref().unwrap_or("").trim().to_ascii_lowercase();
            if state == "terminated" || state == "shutting-down" {
                continue;
            }
            let ipv6 = (!i.ipv6_addresses.is_empty()).then(|| {
                Evidence::new(
                    "Ipv6Addresses",
                    i.ipv6_addresses.join(", "),
                    "IPv6 addresses are globally routable; reachability is left to security groups and network ACLs",
                )
            });
            let resource = instance_ref(i);
            let outcome = match i
                .public_ip
                .as_deref()
                .map(str::trim)
                .filter(|ip| !ip.is_empty())
            {
                Some(ip) => {
                    let mut evidence = vec![Evidence::new(
                        "PublicIpAddress",
                        ip,
                        format!(
                            "the instance (state {}) is addressable from the internet",
                            if state.is_empty() { "unknown" } else { &state }
                        ),
                    )];
                    evidence.extend(ipv6);
                    Outcome::fail(
                        resource,
                        format!("instance {} has public IP address {ip}", i.id),
                        evidence,
                    )
                }
                None => {
                    let mut o = Outcome::pass(
                        resource,
                        format!("instance {} has no public IPv4 address", i.id),
                    );
                    o.evidence.extend(ipv6);
                    o
                }
            };
            outcomes.push(outcome);
        }
        outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn public_ipv4_fails_ipv6_is_noted() {
        let mut inv = inventory();
        let mut public = instance("i-public");
        public.public_ip = Some("203.0.113.10".into());
        let mut stopped = instance("i-stopped-eip");
        stopped.public_ip = Some("203.0.113.11".into());
        stopped.state = Some("stopped".into());
        let mut gone = instance("i-terminated");
        gone.public_ip = Some("203.0.113.12".into());
        gone.state = Some("terminated".into());
        let mut v6 = instance("i-v6");
        v6.ipv6_addresses = vec!["2001:db8::1".into()];
        inv.instances = vec![public, stopped, gone, v6, instance("i-private")];
        let out = run::<Ec2NoPublicIp>(&inv);
        assert_eq!(out.len(), 4, "terminated instances are not judged");
        let o = expect(&out, "i-public", Status::Fail);
        assert_eq!(o.evidence[0].field, "PublicIpAddress");
        assert_eq!(o.evidence[0].value, "203.0.113.10");
        expect(&out, "i-stopped-eip", Status::Fail);
        let o = expect(&out, "i-v6", Status::Pass);
        assert_eq!(o.evidence[0].field, "Ipv6Addresses");
        expect(&out, "i-private", Status::Pass);
    }
}
