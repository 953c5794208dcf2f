//! `nacl-internet-ingress`: network ACLs admit internet traffic only on the
//! allowed services and the ephemeral return ports (NET-003).
//!
//! The inbound entries are evaluated as AWS does: ascending rule number,
//! first match wins, deny entries count, and what no entry matches is
//! denied. To find exactly what is admitted from the internet, each address
//! family's space (IPv4 as 32-bit, IPv6 as 128-bit integers) is cut into
//! *atoms* at the boundaries of every entry's CIDR and of every
//! private/trusted block, so that within an atom every address matches the
//! same entries and is either wholly internet or wholly not. For each
//! internet atom the entries are applied in order to the set of all
//! traffic (exact protocol/port set arithmetic, see
//! [`crate::analysis::net::ports`]), which yields what each allow entry admits there.

use std::collections::BTreeSet;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::resource::nacl_ref;
use super::{Check, CheckDoc, Context, ParamError, compile_services};
use crate::analysis::net::parse_cidr;
use crate::analysis::net::ports::{
    Protocol, Traffic, aws_traffic, aws_traffic_text, parse_port_range, parse_protocol,
};
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{Dataset, Inventory, NaclEntry};

pub struct NaclInternetIngress;

/// Parameters of `nacl-internet-ingress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Services the internet may reach (as in `sg-internet-ingress`).
    pub allowed: Vec<String>,
    /// The port range stateless return traffic needs (`from-to`, or a
    /// single port; an empty string for none).
    pub ephemeral_ports: String,
    /// The protocols (`tcp`, `udp`) whose ephemeral ports may be open.
    pub ephemeral_protocols: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            allowed: vec!["tcp/80".into(), "tcp/443".into()],
            ephemeral_ports: "1024-65535".into(),
            ephemeral_protocols: vec!["tcp".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[
    super::ParamDoc {
        name: "allowed",
        kind: "a list of services, as in sg-internet-ingress (\"tcp/443\", \"udp/1024-65535\", \"icmp\")",
        description: "The traffic a network ACL may admit from the internet, besides the ephemeral return ports.",
    },
    super::ParamDoc {
        name: "ephemeral_ports",
        kind: "a port range as text (\"1024-65535\"), a single port, or \"\" for none",
        description: "The ports stateless return traffic for outbound connections needs; admitted from the internet for ephemeral_protocols only.",
    },
    super::ParamDoc {
        name: "ephemeral_protocols",
        kind: "a list of protocols (tcp, udp)",
        description: "The protocols whose ephemeral_ports may be open to the internet.",
    },
];

/// The permitted traffic, and how to describe it.
#[derive(Debug)]
pub struct Compiled {
    permitted: Traffic,
    text: String,
}

impl Check for NaclInternetIngress {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "nacl-internet-ingress",
        summary: "Network ACLs admit internet traffic only on {% if ephemeral_ports %}{{ allowed | join(', ') }} and the return ports {{ ephemeral_protocols | join('/') }} {{ ephemeral_ports }}{% else %}{{ allowed | and_list }}{% endif %}",
        what: "Evaluates each network ACL's **inbound** entries exactly as AWS does (ascending rule number, first \
match wins, `deny` entries count, unmatched traffic is denied by the `*` rule 32767) and computes which protocols \
and ports it admits from *internet* addresses (outside private space and the rule pack's `trusted_cidrs`). \
Everything admitted must lie within `allowed` ({{ allowed | and_list }}){% if ephemeral_ports %} plus `ephemeral_ports` \
({{ ephemeral_ports }}) for `ephemeral_protocols` ({{ ephemeral_protocols | and_list }}), which stateless return traffic for \
outbound connections needs{% else %}; this rule allows no ephemeral return ports (`ephemeral_ports` is empty){% endif %}.\n\n\
- A deny before an allow closes what it denies (deny tcp/22 at rule 90 then allow all at 100 still opens \
everything else); an allow before a deny wins.\n\
- IPv4 and IPv6 entries are evaluated separately; `::/0` entries count.\n\
- A partial overlap is handled exactly: an allow of `0.0.0.0/0` after a deny of `0.0.0.0/1` still opens the \
other half of the internet.\n\
- Protocol numbers: `-1` all, `6` tcp, `17` udp, `1` icmp, `58` icmpv6, any other number is that whole IP \
protocol.\n\
- ICMP and ICMPv6 entries are judged by their type and code (`IcmpTypeCode`): a deny of ICMP type 8 closes only \
echo requests, so an allow of all ICMP after it still admits every other type; an allow of one type opens only \
that type.\n\
- An ephemeral range such as `1024-65535` includes ports such as 3306, 3389 and 8080: an ACL cannot close them \
without breaking return traffic, so security groups (`sg-internet-ingress`) are what keep them closed.\n\
- Only ACLs associated with at least one subnet are judged; an unassociated ACL filters nothing and passes with \
a note saying so.\n\
- An entry conform cannot interpret (unknown action or protocol, unparsable CIDR, impossible port range) makes \
the ACL **unknown**, unless an entry with a lower rule number already admits a violation (then it fails).\n\n\
Evidence names each admitting entry (rule number, CIDR, protocol, ports) and what it admits beyond the allowed \
set, merged into ranges.",
        why: "Network ACLs are the subnet-wide second layer of defence: if a security group is misconfigured, the ACL \
is what still keeps SSH, RDP or database ports closed to the internet. ACL logic is easy to misread: rules are \
ordered, the first match wins, and ranges overlap, so an ACL that looks restrictive often is not.",
        fix: "Add deny entries with lower rule numbers than the broad allow, or replace the broad allow with allows \
for {% if ephemeral_ports %}{{ allowed | join(', ') }} and the ephemeral range {{ ephemeral_ports }}{% else %}{{ allowed | and_list }}{% endif %} only.\n\n\
```sh\naws ec2 replace-network-acl-entry --network-acl-id acl-0123 --ingress --rule-number 100 \\\n  \
--protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow\n\
aws ec2 create-network-acl-entry --network-acl-id acl-0123 --ingress --rule-number 90 \\\n  \
--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n```\n\n\
Remember the matching IPv6 (`::/0`) entries. In the console: VPC → Network ACLs → the ACL → Inbound rules.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::NetworkAcls];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        let mut permitted = compile_services("allowed", &params.allowed)?;
        let mut text = if params.allowed.is_empty() {
            "nothing".to_string()
        } else {
            params.allowed.join(", ")
        };
        if params.ephemeral_ports.trim().is_empty() {
            return Ok(Compiled { permitted, text });
        }
        let ports = parse_port_range(&params.ephemeral_ports)
            .map_err(|e| ParamError::new("ephemeral_ports", e))?;
        if params.ephemeral_protocols.is_empty() {
            return Err(ParamError::new(
                "ephemeral_protocols",
                "must name tcp, udp or both while ephemeral_ports is set (set ephemeral_ports = \"\" to allow no return ports)",
            ));
        }
        let mut names = Vec::new();
        for (i, p) in params.ephemeral_protocols.iter().enumerate() {
            match parse_protocol(p) {
                Some(Protocol::Number(n @ (6 | 17))) => {
                    permitted = permitted.union(&Traffic::ports(n, ports.clone()));
                    names.push(p.trim().to_string());
                }
                _ => {
                    return Err(ParamError::at(
                        "ephemeral_protocols",
                        i,
                        format!("{p:?} is not tcp or udp"),
                    ));
                }
            }
        }
        text = format!(
            "{text} and ephemeral {} {}",
            names.join("/"),
            ports.to_text()
        );
        Ok(Compiled { permitted, text })
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let (permitted, permitted_text) = (&params.permitted, &params.text);
        let not_internet: Vec<Span> = ctx.addresses.not_internet().iter().map(span).collect();
        let mut outcomes = Vec::new();
        for acl in &inventory.network_acls {
            let resource = nacl_ref(acl);
            if acl.subnet_ids.is_empty() {
                outcomes.push(Outcome::pass(
                    resource,
                    format!(
                        "network ACL {} is not associated with any subnet, so it admits nothing",
                        acl.id
                    ),
                ));
                continue;
            }
            let mut inbound: Vec<(usize, &NaclEntry)> = acl
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.egress)
                .collect();
            inbound.sort_by_key(|(_, e)| e.rule_number);
            let mut parsed = Vec::new();
            let mut bad = None;
            for &(index, entry) in &inbound {
                match parse_entry(index, entry) {
                    Ok(p) => parsed.push(p),
                    Err(e) => {
                        bad = Some((index, entry, e));
                        break;
                    }
                }
            }
            let result = admitted(&parsed, &not_internet, permitted);
            // An entry admitting a violation fails the ACL even when a
            // later entry cannot be interpreted; that entry is shown too.
            let mut verdict = Verdict::every().with_unknown_on_fail();
            let mut excess_total = Traffic::none();
            for (p, excess) in parsed.iter().zip(&result.excess) {
                if excess.is_empty() {
                    continue;
                }
                excess_total = excess_total.union(excess);
                verdict.fail(Evidence::new(
                    format!("Entries[{}]", p.index),
                    entry_text(p.entry),
                    format!(
                        "admits {} from the internet beyond {permitted_text}",
                        excess.describe()
                    ),
                ));
            }
            if let Some((index, entry, e)) = &bad {
                verdict.unknown(Evidence::new(
                    format!("Entries[{index}]"),
                    entry_text(entry),
                    format!("{e}; conform cannot tell what this entry and those after it admit"),
                ));
            }
            outcomes.push(verdict.outcome(resource, |status, _| match (status, &bad) {
                (Status::Fail, _) => format!(
                    "network ACL {} admits {} from the internet beyond {permitted_text}",
                    acl.id,
                    excess_total.describe()
                ),
                (Status::Unknown, Some((_, entry, e))) => format!(
                    "cannot judge network ACL {}: rule {} has {e}",
                    acl.id, entry.rule_number
                ),
                _ if result.admitted.is_empty() => {
                    format!("network ACL {} admits no internet traffic", acl.id)
                }
                _ => format!(
                    "network ACL {} admits from the internet only {}",
                    acl.id,
                    result.admitted.describe()
                ),
            }));
        }
        outcomes
    }
}

/// An inclusive address range in one family: (is IPv6, first, last).
type Span = (bool, u128, u128);

fn span(net: &IpNet) -> Span {
    match net {
        IpNet::V4(n) => (
            false,
            u128::from(u32::from(n.network())),
            u128::from(u32::from(n.broadcast())),
        ),
        IpNet::V6(n) => (true, u128::from(n.network()), u128::from(n.broadcast())),
    }
}

/// An inbound entry conform understood.
struct Parsed<'a> {
    index: usize,
    entry: &'a NaclEntry,
    allow: bool,
    span: Span,
    traffic: Traffic,
}

fn parse_entry(index: usize, entry: &NaclEntry) -> Result<Parsed<'_>, String> {
    let allow = match entry.action.trim().to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => return Err(format!("an unrecognised action {other:?}")),
    };
    let cidr = entry
        .cidr_block
        .as_deref()
        .or(entry.ipv6_cidr_block.as_deref())
        .ok_or_else(|| "no CIDR block".to_string())?;
    let net = parse_cidr(cidr).ok_or_else(|| format!("an unparsable CIDR block {cidr:?}"))?;
    let (from, to) = entry_bounds(entry);
    let traffic = aws_traffic(&entry.protocol, from, to).map_err(|e| format!("an {e}"))?;
    Ok(Parsed {
        index,
        entry,
        allow,
        span: span(&net),
        traffic,
    })
}

/// The bounds [`aws_traffic`] reads: ports, or for ICMP the type and code.
fn entry_bounds(entry: &NaclEntry) -> (Option<i32>, Option<i32>) {
    match parse_protocol(&entry.protocol) {
        Some(Protocol::Number(1 | 58)) => (entry.icmp_type, entry.icmp_code),
        _ => (entry.port_from, entry.port_to),
    }
}

fn entry_text(entry: &NaclEntry) -> String {
    let cidr = entry
        .cidr_block
        .as_deref()
        .or(entry.ipv6_cidr_block.as_deref())
        .unwrap_or("(no CIDR)");
    format!(
        "rule {} {} {} from {cidr}",
        entry.rule_number,
        entry.action,
        {
            let (from, to) = entry_bounds(entry);
            aws_traffic_text(&entry.protocol, from, to)
        }
    )
}

/// What the entries admit from the internet.
struct Admitted {
    /// Everything admitted from internet addresses.
    admitted: Traffic,
    /// Per entry (aligned with the input), what it admits from internet
    /// addresses beyond the permitted traffic.
    excess: Vec<Traffic>,
}

/// Applies `entries` (sorted by rule number) to every internet address.
fn admitted(entries: &[Parsed<'_>], not_internet: &[Span], permitted: &Traffic) -> Admitted {
    let mut result = Admitted {
        admitted: Traffic::none(),
        excess: vec![Traffic::none(); entries.len()],
    };
    for v6 in [false, true] {
        let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
        let blocks: Vec<Span> = not_internet.iter().copied().filter(|s| s.0 == v6).collect();
        let mut starts = BTreeSet::from([0u128]);
        for &(family, first, last) in entries.iter().map(|p| &p.span).chain(&blocks) {
            if family != v6 {
                continue;
            }
            starts.insert(first);
            if last < max {
                starts.insert(last + 1);
            }
        }
        // Within an atom every address matches the same entries and blocks,
        // so testing its first address decides for all of it.
        for &atom in &starts {
            if blocks
                .iter()
                .any(|&(_, first, last)| first <= atom && atom <= last)
            {
                continue;
            }
            let mut remaining = Traffic::all();
            for (k, p) in entries.iter().enumerate() {
                let (family, first, last) = p.span;
                if family != v6 || atom < first || atom > last {
                    continue;
                }
                let matched = remaining.intersect(&p.traffic);
                if p.allow && !matched.is_empty() {
                    result.admitted = result.admitted.union(&matched);
                    result.excess[k] = result.excess[k].union(&matched.subtract(permitted));
                }
                remaining = remaining.subtract(&p.traffic);
                if remaining.is_empty() {
                    break;
                }
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    fn default_deny() -> Vec<NaclEntry> {
        vec![
            entry(32767, "deny", "-1", "0.0.0.0/0", None),
            entry(32767, "deny", "-1", "::/0", None),
        ]
    }

    fn judge(entries: Vec<NaclEntry>) -> Outcome {
        let mut inv = inventory();
        let mut all = entries;
        all.extend(default_deny());
        inv.network_acls = vec![nacl("acl-1", all)];
        let out = run::<NaclInternetIngress>(&inv);
        assert_eq!(out.len(), 1);
        out.into_iter().next().unwrap()
    }

    fn icmp(rule: i32, action: &str, protocol: &str, t: i32, c: i32) -> NaclEntry {
        NaclEntry {
            icmp_type: Some(t),
            icmp_code: Some(c),
            ..entry(rule, action, protocol, "0.0.0.0/0", None)
        }
    }

    #[test]
    fn a_deny_of_one_icmp_type_closes_only_that_type() {
        let o = judge(vec![
            icmp(90, "deny", "1", 8, -1),
            icmp(100, "allow", "1", -1, -1),
        ]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].field, "Entries[1]");
        assert_eq!(o.evidence[0].value, "rule 100 allow icmp from 0.0.0.0/0");
        assert!(
            o.evidence[0]
                .note
                .starts_with("admits icmp types 0-7, 9-255 from the internet"),
            "{}",
            o.evidence[0].note
        );
        // Denying every type first closes all of it.
        let o = judge(vec![
            icmp(90, "deny", "1", -1, -1),
            icmp(100, "allow", "1", -1, -1),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        // ICMPv6 is not ICMP: a deny of all ICMP leaves ICMPv6 open.
        let mut v6 = icmp(100, "allow", "58", 128, -1);
        v6.cidr_block = None;
        v6.ipv6_cidr_block = Some("::/0".into());
        let o = judge(vec![icmp(90, "deny", "1", -1, -1), v6]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(o.message.contains("icmpv6 type 128"), "{}", o.message);
    }

    #[test]
    fn an_allow_of_one_icmp_type_opens_that_type() {
        let o = judge(vec![icmp(100, "allow", "1", 3, 4)]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert_eq!(
            o.evidence[0].value,
            "rule 100 allow icmp type 3 code 4 from 0.0.0.0/0"
        );
        assert!(
            o.message.contains("admits icmp type 3 code 4 from"),
            "{}",
            o.message
        );
        // An entry saved without IcmpTypeCode covers every type.
        let o = judge(vec![
            entry(90, "deny", "1", "0.0.0.0/0", None),
            icmp(100, "allow", "1", 0, -1),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        // A type outside 0-255 cannot be judged.
        let o = judge(vec![icmp(100, "allow", "1", 300, -1)]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
    }

    #[test]
    fn default_rule_only_admits_nothing() {
        let o = judge(vec![]);
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.message.contains("admits no internet traffic"),
            "{}",
            o.message
        );
    }

    #[test]
    fn web_and_ephemeral_pass() {
        let o = judge(vec![
            entry(100, "allow", "6", "0.0.0.0/0", Some((80, 80))),
            entry(110, "allow", "6", "0.0.0.0/0", Some((443, 443))),
            entry(120, "allow", "6", "0.0.0.0/0", Some((1024, 65535))),
            entry(130, "allow", "-1", "10.0.0.0/8", None),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert!(
            o.message.ends_with("only tcp 80, 443, 1024-65535"),
            "{}",
            o.message
        );
    }

    #[test]
    fn allow_all_fails_with_merged_ranges() {
        let o = judge(vec![entry(100, "allow", "-1", "0.0.0.0/0", None)]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].field, "Entries[0]");
        assert_eq!(
            o.evidence[0].value,
            "rule 100 allow all traffic from 0.0.0.0/0"
        );
        assert!(
            o.evidence[0].note.starts_with(
                "admits tcp 0-79, 81-442, 444-1023; udp 0-65535; icmp; icmpv6; every other IP protocol from the internet"
            ),
            "{}",
            o.evidence[0].note
        );
    }

    #[test]
    fn deny_before_allow_closes_only_what_it_denies() {
        let o = judge(vec![
            entry(90, "deny", "6", "0.0.0.0/0", Some((22, 22))),
            entry(100, "allow", "-1", "0.0.0.0/0", None),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.evidence[0]
                .note
                .starts_with("admits tcp 0-21, 23-79, 81-442, 444-1023; udp"),
            "{o:#?}"
        );
        assert_eq!(o.evidence[0].field, "Entries[1]");

        // Denying everything but the web and ephemeral ports first passes.
        let o = judge(vec![
            entry(10, "deny", "6", "0.0.0.0/0", Some((0, 79))),
            entry(20, "deny", "6", "0.0.0.0/0", Some((81, 442))),
            entry(30, "deny", "6", "0.0.0.0/0", Some((444, 1023))),
            entry(40, "deny", "17", "0.0.0.0/0", None),
            entry(50, "deny", "1", "0.0.0.0/0", None),
            entry(100, "allow", "6", "0.0.0.0/0", None),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
    }

    #[test]
    fn allow_before_deny_wins() {
        let o = judge(vec![
            entry(100, "allow", "6", "0.0.0.0/0", Some((22, 22))),
            entry(110, "deny", "6", "0.0.0.0/0", Some((22, 22))),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.evidence[0]
                .note
                .starts_with("admits tcp 22 from the internet")
        );
        assert_eq!(o.evidence[0].value, "rule 100 allow tcp 22 from 0.0.0.0/0");
    }

    #[test]
    fn rule_numbers_not_list_order_decide() {
        let o = judge(vec![
            entry(200, "allow", "6", "0.0.0.0/0", Some((22, 22))),
            entry(100, "deny", "6", "0.0.0.0/0", Some((22, 22))),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
    }

    #[test]
    fn ephemeral_range_is_per_protocol() {
        let o = judge(vec![entry(
            100,
            "allow",
            "17",
            "0.0.0.0/0",
            Some((1024, 65535)),
        )]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.evidence[0].note.starts_with("admits udp 1024-65535"));
        let o = judge(vec![entry(
            100,
            "allow",
            "6",
            "0.0.0.0/0",
            Some((1000, 65535)),
        )]);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.evidence[0].note.starts_with("admits tcp 1000-1023 from"),
            "{}",
            o.evidence[0].note
        );
    }

    #[test]
    fn ipv6_entries_count() {
        let o = judge(vec![
            entry(100, "allow", "6", "0.0.0.0/0", Some((443, 443))),
            entry(101, "allow", "6", "::/0", Some((22, 22))),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].value, "rule 101 allow tcp 22 from ::/0");
        // Private IPv6 space is not internet.
        let o = judge(vec![entry(101, "allow", "-1", "fd00::/8", None)]);
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn partial_overlaps_are_exact() {
        // Denying half the internet leaves the other half open.
        let o = judge(vec![
            entry(90, "deny", "-1", "0.0.0.0/1", None),
            entry(100, "allow", "6", "0.0.0.0/0", Some((22, 22))),
        ]);
        assert_eq!(o.status, Status::Fail);
        // Allowing only a trusted range is fine; a public /32 is not.
        let mut inv = inventory();
        let mut entries = vec![entry(100, "allow", "6", "198.51.100.0/26", Some((22, 22)))];
        entries.extend(default_deny());
        inv.network_acls = vec![nacl("acl-vpn", entries)];
        let out = run_with::<NaclInternetIngress>(
            &ctx_trusting(&["198.51.100.0/26"]),
            &inv,
            &Params::default(),
        );
        expect(&out, "acl-vpn", Status::Pass);
        let out = run::<NaclInternetIngress>(&inv);
        expect(&out, "acl-vpn", Status::Fail);
        let o = judge(vec![entry(
            100,
            "allow",
            "6",
            "203.0.113.9/32",
            Some((22, 22)),
        )]);
        assert_eq!(o.status, Status::Fail);
        // Ports inside the ephemeral range are permitted (NACLs are
        // stateless, so return traffic needs them).
        let o = judge(vec![entry(
            100,
            "allow",
            "6",
            "203.0.113.9/32",
            Some((3306, 3306)),
        )]);
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn outbound_entries_and_unassociated_acls_are_ignored() {
        let mut out_entry = entry(100, "allow", "-1", "0.0.0.0/0", None);
        out_entry.egress = true;
        let o = judge(vec![out_entry.clone()]);
        assert_eq!(o.status, Status::Pass);
        let mut inv = inventory();
        let mut acl = nacl(
            "acl-loose",
            vec![entry(100, "allow", "-1", "0.0.0.0/0", None)],
        );
        acl.subnet_ids.clear();
        inv.network_acls = vec![acl];
        let out = run::<NaclInternetIngress>(&inv);
        let o = expect(&out, "acl-loose", Status::Pass);
        assert!(o.message.contains("not associated"));
    }

    #[test]
    fn unparsable_entries_are_unknown_unless_an_earlier_one_fails() {
        let o = judge(vec![entry(100, "allow", "6", "garbage", Some((22, 22)))]);
        assert_eq!(o.status, Status::Unknown);
        assert!(o.message.contains("garbage"), "{}", o.message);
        let o = judge(vec![entry(100, "allow", "6", "0.0.0.0/0", Some((-3, 22)))]);
        assert_eq!(o.status, Status::Unknown);
        let o = judge(vec![entry(100, "maybe", "6", "0.0.0.0/0", Some((22, 22)))]);
        assert_eq!(o.status, Status::Unknown);
        let o = judge(vec![
            entry(50, "allow", "6", "0.0.0.0/0", Some((23, 23))),
            entry(100, "allow", "weird", "0.0.0.0/0", None),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.evidence.len(), 2);
        assert!(o.evidence[1].note.contains("cannot tell"));
    }

    #[test]
    fn params_are_validated() {
        assert!(NaclInternetIngress::compile(&Params::default()).is_ok());
        let err = |bad: Params| NaclInternetIngress::compile(&bad).unwrap_err();
        let e = err(Params {
            ephemeral_ports: "65535-1024".into(),
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("ephemeral_ports", None));
        let e = err(Params {
            ephemeral_protocols: vec!["tcp".into(), "icmp".into()],
            ..Params::default()
        });
        assert_eq!(
            (e.param.as_str(), e.index),
            ("ephemeral_protocols", Some(1))
        );
        let e = err(Params {
            ephemeral_protocols: vec![],
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("ephemeral_protocols", None));
        let e = err(Params {
            allowed: vec!["tcp/x".into()],
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("allowed", Some(0)));
        let none: Params = params(r#"ephemeral_ports = """#);
        let mut inv = inventory();
        inv.network_acls = vec![nacl(
            "acl-1",
            vec![entry(120, "allow", "6", "0.0.0.0/0", Some((1024, 65535)))],
        )];
        let out = run_with::<NaclInternetIngress>(&ctx(), &inv, &none);
        expect(&out, "acl-1", Status::Fail);
    }
}
