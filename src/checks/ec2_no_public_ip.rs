//! `ec2-no-public-ip`: EC2 instances carry no public address (NET-005).
//!
//! Every network interface of the instance is judged, not only the primary
//! one: public IPv4 addresses (auto-assigned or Elastic IPs, on primary or
//! secondary private addresses) and IPv6 addresses outside unique-local
//! `fc00::/7` and link-local `fe80::/10`, which are globally routable.

use std::net::Ipv6Addr;

use super::resource::instance_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{Dataset, Instance, Inventory};

/// Why a terminated instance is not judged.
const GONE: &str = "terminated or shutting-down instance, releasing its addresses";

/// Whether an instance (its state, lower case) is terminated or on its way.
fn is_gone(state: &str) -> bool {
    state == "terminated" || state == "shutting-down"
}

pub struct Ec2NoPublicIp;

/// Whether an IPv6 address is reachable from the internet: anything
/// outside unique-local `fc00::/7` and link-local `fe80::/10`. `None` when
/// the text is not an IPv6 address.
fn ipv6_is_public(text: &str) -> Option<bool> {
    let addr: Ipv6Addr = text.trim().parse().ok()?;
    let first = addr.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    Some(!unique_local && !link_local)
}

/// What one instance exposes: public addresses found, and addresses that
/// could not be read.
struct Exposure {
    public: Vec<Evidence>,
    unreadable: Vec<Evidence>,
    /// Short descriptions of the public addresses, for the message.
    labels: Vec<String>,
}

fn exposure(i: &Instance) -> Exposure {
    let mut e = Exposure {
        public: Vec::new(),
        unreadable: Vec::new(),
        labels: Vec::new(),
    };
    let ipv6 =
        |e: &mut Exposure, field: String, address: &str, on: &str| match ipv6_is_public(address) {
            Some(true) => {
                e.labels.push(format!("IPv6 {address}{on}"));
                e.public.push(Evidence::new(
                field,
                address,
                "global IPv6 address (outside fc00::/7 and fe80::/10): routable from the internet",
            ));
            }
            Some(false) => {}
            None => e.unreadable.push(Evidence::new(
                field,
                address,
                "not an IPv6 address conform can read",
            )),
        };
    for n in &i.interfaces {
        let on = match n.device_index {
            Some(0) => format!(" on primary interface {}", n.id),
            Some(d) => format!(" on interface {} (device {d})", n.id),
            None => format!(" on interface {}", n.id),
        };
        for a in &n.public_ips {
            let elastic = a
                .ip_owner_id
                .as_deref()
                .is_some_and(|o| !o.eq_ignore_ascii_case("amazon"));
            let kind = if elastic { "Elastic IP" } else { "public IPv4" };
            let private = a
                .private_ip
                .as_deref()
                .map(|p| format!(", associated with private address {p}"))
                .unwrap_or_default();
            e.labels.push(format!("{kind} {}{on}", a.public_ip));
            e.public.push(Evidence::new(
                format!(
                    "NetworkInterfaces[{}].PrivateIpAddresses[{}].Association.PublicIp",
                    n.id,
                    a.private_ip.as_deref().unwrap_or("?")
                ),
                a.public_ip.clone(),
                format!("{kind}{private}: addressable from the internet"),
            ));
        }
        for address in &n.ipv6_addresses {
            ipv6(
                &mut e,
                format!("NetworkInterfaces[{}].Ipv6Addresses", n.id),
                address,
                &on,
            );
        }
    }
    // Inventories saved before interfaces were read carry only these.
    if let Some(ip) = i
        .public_ip
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        && !i
            .interfaces
            .iter()
            .any(|n| n.public_ips.iter().any(|a| a.public_ip == ip))
    {
        e.labels.insert(0, format!("public IPv4 {ip}"));
        e.public.insert(
            0,
            Evidence::new(
                "PublicIpAddress",
                ip,
                "the instance is addressable from the internet",
            ),
        );
    }
    if i.interfaces.is_empty() {
        for address in &i.ipv6_addresses {
            ipv6(&mut e, "Ipv6Addresses".to_string(), address, "");
        }
    }
    e
}

impl Check for Ec2NoPublicIp {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "ec2-no-public-ip",
        summary: "EC2 instances carry no public IP address on any interface",
        what: "Every EC2 instance that is not `terminated` or `shutting-down` must have no public address on \
any of its network interfaces. Stopped instances are judged too: an instance stopped with an Elastic IP gets it \
back when started.\n\n\
- **IPv4:** every public IPv4 address of every interface counts, auto-assigned or Elastic IP, whether it is \
associated with the interface's primary private address or a secondary one. A second interface with an \
Elastic IP makes the instance public even when its primary interface has none.\n\
- **IPv6:** an IPv6 address is public unless it is unique-local (`fc00::/7`) or link-local (`fe80::/10`); \
AWS's global IPv6 addresses are routable from the internet the moment a security group admits it.\n\
- An address conform cannot parse makes the verdict **unknown** (unless another address already fails it).\n\n\
Evidence names each public address, the interface and the private address it is on, and whether it is an \
Elastic IP. Inventories saved before conform read every interface are judged on the instance's public IPv4 \
and IPv6 addresses as they were saved. Instances that must have a public address (a bastion) are exempted by \
the rule's `exclude`, not by this check.",
        why: "An instance with a public address \
is reachable from the internet directly, so a single permissive security-group rule exposes it, and it bypasses \
the load balancer's TLS termination and logging.",
        fix: "Launch instances in private subnets with public-IP and IPv6 auto-assignment off, and reach them \
through the load balancer, the VPN or SSM Session Manager. To remove an address: release or disassociate an \
Elastic IP (`aws ec2 disassociate-address --association-id eipassoc-0123`); unassign an IPv6 address \
(`aws ec2 unassign-ipv6-addresses --network-interface-id eni-0123 --ipv6-addresses 2600:1f18::1`); an \
auto-assigned public IPv4 goes away only by launching into a subnet without auto-assignment \
(`aws ec2 modify-subnet-attribute --subnet-id subnet-0123 --no-map-public-ip-on-launch`) or by attaching a \
network interface without one.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Instances];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for i in &inventory.instances {
            let state = i.state.as_deref().unwrap_or("").trim().to_ascii_lowercase();
            if is_gone(&state) {
                continue;
            }
            let resource = instance_ref(i);
            let e = exposure(i);
            let state_text = if state.is_empty() { "unknown" } else { &state };
            // A public address fails the instance even when another could
            // not be read; the unreadable ones are shown with it.
            let count = e.public.len();
            let mut verdict = Verdict::every().with_unknown_on_fail();
            for evidence in e.public {
                verdict.fail(evidence);
            }
            for evidence in e.unreadable {
                verdict.unknown(evidence);
            }
            outcomes.push(verdict.outcome(resource, |status, _| match status {
                Status::Fail => format!(
                    "instance {} (state {state_text}) has {count} public {}: {}",
                    i.id,
                    if count == 1 { "address" } else { "addresses" },
                    e.labels.join(", ")
                ),
                Status::Unknown => format!(
                    "cannot tell whether instance {} has a public address: an address could not be read",
                    i.id
                ),
                _ => format!("instance {} has no public IP address", i.id),
            }));
        }
        outcomes
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, _params: &(), skip: super::NotJudged<'_>) {
        for i in &inventory.instances {
            if is_gone(&i.state.as_deref().unwrap_or("").trim().to_ascii_lowercase()) {
                skip(&instance_ref(i), GONE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{InstanceInterface, PublicAddress};

    fn nic(id: &str, index: i32, public: &[(&str, &str, &str)], v6: &[&str]) -> InstanceInterface {
        InstanceInterface {
            id: id.into(),
            device_index: Some(index),
            public_ips: public
                .iter()
                .map(|(public, private, owner)| PublicAddress {
                    public_ip: (*public).into(),
                    private_ip: Some((*private).into()),
                    ip_owner_id: Some((*owner).into()),
                })
                .collect(),
            ipv6_addresses: v6.iter().map(|s| (*s).into()).collect(),
        }
    }

    #[test]
    fn public_ipv4_fails_on_the_instance_record() {
        let mut inv = inventory();
        let mut public = instance("i-public");
        public.public_ip = Some("203.0.113.10".into());
        let mut stopped = instance("i-stopped-eip");
        stopped.public_ip = Some("203.0.113.11".into());
        stopped.state = Some("stopped".into());
        let mut gone = instance("i-terminated");
        gone.public_ip = Some("203.0.113.12".into());
        gone.state = Some("terminated".into());
        inv.instances = vec![public, stopped, gone, instance("i-private")];
        let out = run::<Ec2NoPublicIp>(&inv);
        assert_eq!(out.len(), 3, "terminated instances are not judged");
        assert_eq!(
            skipped::<Ec2NoPublicIp>(&inv),
            vec![("i-terminated".to_string(), GONE)],
            "and counted as not judged"
        );
        let o = expect(&out, "i-public", Status::Fail);
        assert_eq!(o.evidence[0].field, "PublicIpAddress");
        assert_eq!(o.evidence[0].value, "203.0.113.10");
        assert!(o.message.contains("1 public address:"), "{}", o.message);
        expect(&out, "i-stopped-eip", Status::Fail);
        expect(&out, "i-private", Status::Pass);
    }

    #[test]
    fn an_elastic_ip_on_a_second_interface_fails() {
        let mut inv = inventory();
        let mut two = instance("i-two-nics");
        two.interfaces = vec![
            nic("eni-primary", 0, &[], &[]),
            nic(
                "eni-second",
                1,
                &[("198.51.100.7", "10.0.2.9", "123456789012")],
                &[],
            ),
        ];
        let mut secondary = instance("i-secondary-ip");
        secondary.interfaces = vec![nic(
            "eni-s",
            0,
            &[("198.51.100.8", "10.0.1.20", "amazon")],
            &[],
        )];
        let mut private = instance("i-private");
        private.interfaces = vec![nic("eni-p", 0, &[], &["fd00:ec2::5", "fe80::1"])];
        inv.instances = vec![two, secondary, private];
        let out = run::<Ec2NoPublicIp>(&inv);
        let o = expect(&out, "i-two-nics", Status::Fail);
        assert_eq!(
            o.evidence[0].field,
            "NetworkInterfaces[eni-second].PrivateIpAddresses[10.0.2.9].Association.PublicIp"
        );
        assert_eq!(o.evidence[0].value, "198.51.100.7");
        assert!(
            o.evidence[0].note.starts_with("Elastic IP"),
            "{}",
            o.evidence[0].note
        );
        assert!(
            o.message
                .contains("Elastic IP 198.51.100.7 on interface eni-second (device 1)"),
            "{}",
            o.message
        );
        let o = expect(&out, "i-secondary-ip", Status::Fail);
        assert!(
            o.evidence[0].note.starts_with("public IPv4"),
            "{}",
            o.evidence[0].note
        );
        let o = expect(&out, "i-private", Status::Pass);
        assert!(o.evidence.is_empty());
    }

    #[test]
    fn a_global_ipv6_address_fails() {
        let mut inv = inventory();
        let mut v6 = instance("i-v6");
        v6.interfaces = vec![nic("eni-6", 0, &[], &["2600:1f18:abcd::10"])];
        // An inventory saved before interfaces were read.
        let mut old = instance("i-v6-old");
        old.ipv6_addresses = vec!["2001:db8::1".into()];
        let mut ula = instance("i-ula");
        ula.ipv6_addresses = vec!["fd12:3456::1".into()];
        let mut garbled = instance("i-garbled");
        garbled.ipv6_addresses = vec!["not-an-address".into()];
        inv.instances = vec![v6, old, ula, garbled];
        let out = run::<Ec2NoPublicIp>(&inv);
        let o = expect(&out, "i-v6", Status::Fail);
        assert_eq!(
            o.evidence[0].field,
            "NetworkInterfaces[eni-6].Ipv6Addresses"
        );
        assert!(
            o.message
                .contains("IPv6 2600:1f18:abcd::10 on primary interface eni-6")
        );
        let o = expect(&out, "i-v6-old", Status::Fail);
        assert_eq!(o.evidence[0].field, "Ipv6Addresses");
        expect(&out, "i-ula", Status::Pass);
        expect(&out, "i-garbled", Status::Unknown);
    }

    #[test]
    fn ipv6_ranges() {
        assert_eq!(ipv6_is_public("fc00::1"), Some(false));
        assert_eq!(ipv6_is_public("fdff:ffff::1"), Some(false));
        assert_eq!(ipv6_is_public("fe80::1"), Some(false));
        assert_eq!(ipv6_is_public("febf::1"), Some(false));
        assert_eq!(ipv6_is_public("fec0::1"), Some(true));
        assert_eq!(ipv6_is_public("fbff::1"), Some(true));
        assert_eq!(ipv6_is_public("2600:1f18::1"), Some(true));
        assert_eq!(ipv6_is_public("10.0.0.1"), None);
    }
}
