//! `sg-internet-attachment`: security groups that admit internet traffic
//! are attached only to load balancers (NET-002).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::resource::{cap_evidence, sg_ref};
use super::sources::{IngressSource, SourceKind, ingress_sources};
use super::{Check, CheckDoc, Context, ParamError};
use crate::analysis::net::ports::aws_traffic_text;
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{Dataset, Instance, Inventory, NetworkInterface, Place};

pub struct SgInternetAttachment;

/// Parameters of `sg-internet-attachment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// ENI interface types that belong to load balancers.
    pub load_balancer_interface_types: Vec<String>,
    /// ENI requester ids that mark load balancers' interfaces (ALB and
    /// classic ELB interfaces are of type `interface`, requested by
    /// `amazon-elb`).
    pub load_balancer_requesters: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            load_balancer_interface_types: vec![
                "network_load_balancer".into(),
                "gateway_load_balancer".into(),
            ],
            load_balancer_requesters: vec!["amazon-elb".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[
    super::ParamDoc {
        name: "load_balancer_interface_types",
        kind: "a list of network interface types, as EC2 writes them (\"network_load_balancer\")",
        description: "Network interfaces of these types count as load balancers': a group that admits internet traffic may be attached to them, and any other interface fails it.",
    },
    super::ParamDoc {
        name: "load_balancer_requesters",
        kind: "a list of requester ids, as EC2 writes them (\"amazon-elb\")",
        description: "Network interfaces requested by these ids count as load balancers' too (ALB and classic ELB interfaces are of type `interface`, requested by `amazon-elb`).",
    },
];

impl Params {
    fn is_load_balancer(&self, eni: &NetworkInterface) -> bool {
        let matches = |value: &Option<crate::inventory::Str>, list: &[String]| {
            value
                .as_deref()
                .is_some_and(|v| list.iter().any(|l| l.eq_ignore_ascii_case(v.trim())))
        };
        matches(&eni.interface_type, &self.load_balancer_interface_types)
            || matches(&eni.requester_id, &self.load_balancer_requesters)
    }
}

/// A security group as carried by resources: (account, region, group id).
type Carrier<'a> = (&'a str, &'a str, &'a str);

fn carrier<'a>(place: &'a Place, group_id: &'a str) -> Carrier<'a> {
    (&place.account, &place.region, group_id)
}

/// Most attachments listed for one group.
const MAX_ATTACHMENTS: usize = 10;
/// Most internet sources listed for one group.
const MAX_SOURCES: usize = 3;

fn source_evidence(src: &IngressSource<'_>, note: &str) -> Evidence {
    let p = src.permission;
    Evidence::new(
        src.field(),
        format!(
            "{} from {}",
            aws_traffic_text(&p.protocol, p.from_port, p.to_port),
            src.source_text()
        ),
        note,
    )
}

fn eni_text(eni: &NetworkInterface) -> String {
    let mut parts = Vec::new();
    if let Some(i) = &eni.instance_id {
        parts.push(format!("instance {i}"));
    }
    if let Some(t) = &eni.interface_type {
        parts.push(format!("type {t}"));
    }
    if let Some(r) = &eni.requester_id {
        parts.push(format!("requester {r}"));
    }
    if let Some(d) = eni.description.as_deref().filter(|d| !d.is_empty()) {
        parts.push(format!("\"{d}\""));
    }
    if parts.is_empty() {
        eni.id.to_string()
    } else {
        format!("{} ({})", eni.id, parts.join(", "))
    }
}

impl Check for SgInternetAttachment {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "sg-internet-attachment",
        summary: "Security groups that admit internet traffic are attached only to load balancers",
        what: "A security group that admits traffic from an internet source, on any port (the source analysis of \
`sg-internet-ingress`: IPv4/IPv6 ranges outside private and trusted space, prefix lists judged by their entries), \
may be attached only to load balancers.\n\n\
- Attachments are read from the network interfaces (ENIs) that carry the group. An ENI belongs to a load \
balancer if its interface type is one of `load_balancer_interface_types` ({{ load_balancer_interface_types | and_list('or') }}) \
or its requester id is one of `load_balancer_requesters` ({{ load_balancer_requesters | and_list('or') }}; AWS's requester \
`amazon-elb` marks ALB and classic ELB interfaces). Any other ENI (an instance's, a Lambda function's, a VPC endpoint's, \
...) fails the group.\n\
- Instances whose own list of security groups holds the group also fail it, in case their ENIs are missing.\n\
- A group that admits no internet traffic passes. A group that admits (or may admit) internet traffic but \
whose region's network interfaces could not be read or were not collected is **unknown**: \"attached to nothing\" \
is never concluded from interfaces that were not fully read. So is a group that may admit internet traffic (a prefix \
list that could not be judged) and is attached to something other than a load balancer.\n\n\
Evidence lists the internet sources and up to 10 offending attachments.",
        why: "Load balancers are the one door the internet should have. A group open to the internet that is also \
attached to an instance exposes that instance directly, bypassing the load balancer's TLS termination, \
listener restrictions and logging; this is how a \"web\" security group shared between an ALB and its targets \
quietly makes every target public.",
        fix: "Give the load balancer its own security group and detach the internet-facing group from everything \
else. Targets should admit traffic only from the load balancer's group (a security-group reference), not from \
`0.0.0.0/0`.\n\n\
```sh\naws ec2 modify-instance-attribute --instance-id i-0123 --groups sg-targets\n\
aws ec2 modify-network-interface-attribute --network-interface-id eni-0123 --groups sg-targets\n```\n\n\
In the console: EC2 → Network Interfaces → filter by the group id → Actions → Change security groups.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::SecurityGroups];
    const USES: &'static [Dataset] = &[
        Dataset::NetworkInterfaces,
        Dataset::Instances,
        Dataset::PrefixLists,
    ];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        for (key, list) in [
            (
                "load_balancer_interface_types",
                &params.load_balancer_interface_types,
            ),
            ("load_balancer_requesters", &params.load_balancer_requesters),
        ] {
            if let Some(i) = list.iter().position(|v| v.trim().is_empty()) {
                return Err(ParamError::at(key, i, "must not be empty"));
            }
        }
        Ok(params.clone())
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        // Who carries which group, indexed once: looking through every
        // interface and instance for each group would make the check
        // quadratic in the size of the estate.
        let mut eni_index: HashMap<Carrier<'_>, Vec<&NetworkInterface>> = HashMap::new();
        for eni in &inventory.network_interfaces {
            for group_id in &eni.security_group_ids {
                eni_index
                    .entry(carrier(&eni.place, group_id))
                    .or_default()
                    .push(eni);
            }
        }
        let mut instance_index: HashMap<Carrier<'_>, Vec<&Instance>> = HashMap::new();
        for instance in &inventory.instances {
            for group_id in &instance.security_group_ids {
                instance_index
                    .entry(carrier(&instance.place, group_id))
                    .or_default()
                    .push(instance);
            }
        }
        for group in &inventory.security_groups {
            let sources = ingress_sources(group, inventory, &ctx.addresses);
            let internet: Vec<_> = sources
                .iter()
                .filter(|s| s.source.kind == SourceKind::Internet)
                .collect();
            let maybe: Vec<_> = sources
                .iter()
                .filter(|s| matches!(s.source.kind, SourceKind::Unknown(_)))
                .collect();
            let resource = sg_ref(group);
            if internet.is_empty() && maybe.is_empty() {
                outcomes.push(Outcome::pass(
                    resource,
                    format!("security group {} admits no internet traffic", group.id),
                ));
                continue;
            }
            // A source that surely admits the internet beats one that may:
            // the evidence is the sure ones, or else the doubtful ones.
            let why = match maybe.first().map(|s| &s.source.kind) {
                Some(SourceKind::Unknown(why)) => why.clone(),
                _ => String::new(),
            };
            let mut exposure = Verdict::every();
            for s in &internet {
                exposure.fail(source_evidence(s, "admits internet traffic"));
            }
            for s in &maybe {
                exposure.unknown(source_evidence(s, &why));
            }
            let (exposure, sources) = exposure.into_evidence();

            // What carries the group, other than load balancers.
            let key = carrier(&group.place, &group.id);
            let enis: &[&NetworkInterface] = eni_index.get(&key).map_or(&[], Vec::as_slice);
            let lb_enis = enis.iter().filter(|e| params.is_load_balancer(e)).count();
            let mut offenders: Vec<Evidence> = Vec::new();
            // Short names of the attachments, for the message.
            let mut labels: Vec<String> = Vec::new();
            for eni in enis.iter().filter(|e| !params.is_load_balancer(e)) {
                let note = match &eni.instance_id {
                    Some(i) => format!("attached to instance {i}, which is not a load balancer"),
                    None => "network interface that is not a load balancer's".to_string(),
                };
                labels.push(match &eni.instance_id {
                    Some(i) => format!("instance {i}"),
                    None => eni.id.to_string(),
                });
                offenders.push(Evidence::new(
                    format!("NetworkInterfaces[{}]", eni.id),
                    eni_text(eni),
                    note,
                ));
            }
            let carriers: &[&Instance] = instance_index.get(&key).map_or(&[], Vec::as_slice);
            for instance in carriers.iter().filter(|i| {
                !matches!(i.state.as_deref(), Some("terminated" | "shutting-down"))
                    && !enis.iter().any(|e| e.instance_id.as_deref() == Some(&i.id))
            }) {
                labels.push(format!("instance {}", instance.id));
                offenders.push(Evidence::new(
                    format!("Instances[{}].SecurityGroups", instance.id),
                    format!("instance {}", instance.id),
                    "instance carries the group (its network interface is not in the inventory)",
                ));
            }

            if !offenders.is_empty() {
                let count = offenders.len();
                let first = labels.first().cloned().unwrap_or_default();
                let attachments = cap_evidence(
                    offenders,
                    MAX_ATTACHMENTS,
                    "NetworkInterfaces",
                    "attachments",
                );
                let interfaces = if count == 1 {
                    "interface"
                } else {
                    "interfaces"
                };
                let (message, listed) = if exposure == Status::Fail {
                    (
                        format!(
                            "security group {} admits internet traffic and is attached to {count} non-load-balancer {interfaces}: {first}{}",
                            group.id,
                            if count > 1 { ", ..." } else { "" }
                        ),
                        "internet sources",
                    )
                } else {
                    (
                        format!(
                            "cannot tell whether security group {} admits internet traffic ({why}); it is attached to {count} non-load-balancer {interfaces}",
                            group.id
                        ),
                        "sources",
                    )
                };
                let mut evidence = cap_evidence(sources, MAX_SOURCES, "IpPermissions", listed);
                evidence.extend(attachments);
                outcomes.push(Outcome {
                    resource,
                    status: exposure,
                    message,
                    evidence,
                });
                continue;
            }

            let coverage = inventory.coverage_of(
                &group.place.account,
                &group.place.region,
                Dataset::NetworkInterfaces,
            );
            let unreadable = match coverage {
                None => Some("network interfaces were not collected".to_string()),
                Some(c) => c
                    .error
                    .as_ref()
                    .map(|e| format!("network interfaces could not be read: {e}")),
            };
            // Neither "attached to nothing" nor "only to load balancers"
            // can be concluded from interfaces that were not fully read,
            // whether the group surely or only possibly admits the internet.
            if let Some(why) = unreadable {
                let mut evidence =
                    cap_evidence(sources, MAX_SOURCES, "IpPermissions", "internet sources");
                evidence.push(Evidence::new(
                    "NetworkInterfaces",
                    format!("{} {}", group.place.account, group.place.region),
                    format!("{why}; cannot tell what the group is attached to"),
                ));
                let exposure = if exposure == Status::Fail {
                    "admits internet traffic"
                } else {
                    "may admit internet traffic"
                };
                outcomes.push(Outcome::unknown(
                    resource,
                    format!(
                        "security group {} {exposure}, but what it is attached to is unknown: {why}",
                        group.id
                    ),
                    evidence,
                ));
                continue;
            }
            let message = if lb_enis == 0 {
                format!("security group {} is not attached to anything", group.id)
            } else {
                format!(
                    "security group {} is attached only to load balancers ({lb_enis} network {})",
                    group.id,
                    if lb_enis == 1 {
                        "interface"
                    } else {
                        "interfaces"
                    }
                )
            };
            outcomes.push(Outcome::pass(resource, message));
        }
        outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::IpPermission;

    fn lb_eni(id: &str, sgs: &[&str]) -> NetworkInterface {
        NetworkInterface {
            requester_id: Some("amazon-elb".into()),
            requester_managed: true,
            description: Some("ELB app/web/0123".into()),
            ..eni(id, sgs)
        }
    }

    fn base() -> crate::inventory::Inventory {
        let mut inv = inventory();
        inv.security_groups = vec![
            sg("sg-public", vec![tcp(443, 443, &["0.0.0.0/0"])]),
            sg("sg-private", vec![tcp(22, 22, &["10.0.0.0/8"])]),
        ];
        inv
    }

    #[test]
    fn internet_group_only_on_load_balancers_passes() {
        let mut inv = base();
        let nlb = NetworkInterface {
            interface_type: Some("network_load_balancer".into()),
            ..eni("eni-nlb", &["sg-public"])
        };
        inv.network_interfaces = vec![
            lb_eni("eni-alb", &["sg-public"]),
            nlb,
            eni("eni-app", &["sg-private"]),
        ];
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-public", Status::Pass);
        assert!(o.message.contains("2 network interfaces"), "{}", o.message);
        expect(&out, "sg-private", Status::Pass);
    }

    #[test]
    fn internet_group_on_an_instance_fails() {
        let mut inv = base();
        let on_instance = NetworkInterface {
            instance_id: Some("i-web".into()),
            ..eni("eni-i", &["sg-public", "sg-private"])
        };
        inv.network_interfaces = vec![lb_eni("eni-alb", &["sg-public"]), on_instance];
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-public", Status::Fail);
        assert_eq!(o.evidence[0].field, "IpPermissions[0].IpRanges[0]");
        assert_eq!(o.evidence[0].value, "tcp 443 from 0.0.0.0/0");
        assert_eq!(o.evidence[1].field, "NetworkInterfaces[eni-i]");
        assert!(o.evidence[1].note.contains("instance i-web"));
        assert_eq!(o.evidence.len(), 2, "the ALB's interface is not listed");
        assert!(
            o.message
                .ends_with("1 non-load-balancer interface: instance i-web"),
            "{}",
            o.message
        );
        // The private group is on the instance too, but admits no internet.
        expect(&out, "sg-private", Status::Pass);
    }

    #[test]
    fn instances_count_when_their_enis_are_missing() {
        let mut inv = base();
        let mut i = instance("i-lonely");
        i.security_group_ids = vec!["sg-public".into()];
        let mut gone = instance("i-gone");
        gone.security_group_ids = vec!["sg-public".into()];
        gone.state = Some("terminated".into());
        inv.instances = vec![i, gone];
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-public", Status::Fail);
        assert!(mentions(o, "i-lonely"));
        assert!(!mentions(o, "i-gone"));
    }

    #[test]
    fn other_interfaces_fail_and_the_list_is_capped() {
        let mut inv = base();
        inv.network_interfaces = (0..15)
            .map(|n| NetworkInterface {
                interface_type: Some("vpc_endpoint".into()),
                ..eni(&format!("eni-{n}"), &["sg-public"])
            })
            .collect();
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-public", Status::Fail);
        assert_eq!(o.evidence.len(), 1 + 10 + 1);
        assert_eq!(o.evidence.last().unwrap().value, "and 5 more");
        assert!(
            o.message.contains("15 non-load-balancer interfaces"),
            "{}",
            o.message
        );
    }

    #[test]
    fn unreadable_interfaces_make_internet_groups_unknown() {
        let mut inv = base();
        for c in &mut inv.coverage {
            if c.dataset == Dataset::NetworkInterfaces {
                c.error = Some(aws_error("UnauthorizedOperation"));
            }
        }
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-public", Status::Unknown);
        assert!(o.message.contains("UnauthorizedOperation"), "{}", o.message);
        expect(&out, "sg-private", Status::Pass);
        inv.coverage
            .retain(|c| c.dataset != Dataset::NetworkInterfaces);
        let out = run::<SgInternetAttachment>(&inv);
        expect(&out, "sg-public", Status::Unknown);
    }

    #[test]
    fn unjudgeable_prefix_list_with_unreadable_interfaces_is_unknown() {
        let mut inv = base();
        inv.security_groups.push(sg(
            "sg-pl",
            vec![IpPermission {
                prefix_list_ids: vec!["pl-missing".into()],
                ..tcp(22, 22, &[])
            }],
        ));
        // Readable interfaces, none carrying the group: passes.
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-pl", Status::Pass);
        assert!(
            o.message.contains("not attached to anything"),
            "{}",
            o.message
        );
        for c in &mut inv.coverage {
            if c.dataset == Dataset::NetworkInterfaces {
                c.error = Some(aws_error("AccessDenied"));
            }
        }
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-pl", Status::Unknown);
        assert!(
            o.message.contains("may admit internet traffic"),
            "{}",
            o.message
        );
        assert!(o.message.contains("AccessDenied"), "{}", o.message);
        assert!(mentions(o, "pl-missing"));
        inv.coverage
            .retain(|c| c.dataset != Dataset::NetworkInterfaces);
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-pl", Status::Unknown);
        assert!(o.message.contains("not collected"), "{}", o.message);
        expect(&out, "sg-private", Status::Pass);
    }

    #[test]
    fn unjudgeable_prefix_list_on_an_instance_is_unknown() {
        let mut inv = base();
        inv.security_groups.push(sg(
            "sg-pl",
            vec![IpPermission {
                prefix_list_ids: vec!["pl-missing".into()],
                ..tcp(22, 22, &[])
            }],
        ));
        inv.network_interfaces = vec![NetworkInterface {
            instance_id: Some("i-1".into()),
            ..eni("eni-i", &["sg-pl"])
        }];
        let out = run::<SgInternetAttachment>(&inv);
        let o = expect(&out, "sg-pl", Status::Unknown);
        assert!(o.message.contains("pl-missing"), "{}", o.message);
    }
}
