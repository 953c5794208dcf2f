//! `sg-internet-ingress`: security groups admit internet traffic only on
//! the allowed services (NET-001).

use serde::{Deserialize, Serialize};

use super::resource::{cap_evidence, sg_ref};
use super::sources::{SourceKind, ingress_sources};
use super::{Check, CheckDoc, Context, ParamError, compile_services};
use crate::analysis::net::ports::{Traffic, aws_traffic, aws_traffic_text};
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{Dataset, Inventory};

pub struct SgInternetIngress;

/// Parameters of `sg-internet-ingress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Services the internet may reach: `proto/port` or `proto/from-to`
    /// (proto `tcp`, `udp`, `icmp`, `icmpv6`, `all` or a number), or a bare
    /// protocol for all of it.
    pub allowed: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            allowed: vec!["tcp/80".into(), "tcp/443".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "allowed",
    kind: "a list of services: \"proto/port\", \"proto/from-to\" or a bare protocol (tcp, udp, icmp, icmpv6, all or a protocol number)",
    description: "The traffic the internet may reach through a security group; a rule that admits anything else from the internet fails.",
}];

/// Most pieces of evidence listed for one group.
const MAX_EVIDENCE: usize = 25;

/// The allowed services, and how to write them.
#[derive(Debug)]
pub struct Compiled {
    allowed: Traffic,
    text: String,
}

impl Check for SgInternetIngress {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "sg-internet-ingress",
        summary: "Security groups admit internet traffic only on {{ allowed | and_list }}",
        what: "For every security group, every inbound permission whose source is an *internet source* may open \
nothing beyond the `allowed` services ({{ allowed | and_list }}).\n\n\
- **Internet source**: an IPv4 or IPv6 range holding any address outside private space and the rule pack's \
`trusted_cidrs` (`0.0.0.0/0`, `::/0`, `0.0.0.0/1` and a public `/32` all are); a managed prefix list is judged \
by its entries and is internet if any entry is. Referenced security groups are never internet sources.\n\
- **What a permission opens** is computed exactly: protocol `-1` is all traffic; `tcp 80-443` opens 81-442 \
too; a missing or `-1` port bound on tcp/udp means every port; protocols given as numbers (`6`, `17`, `1`, `58`) \
are the same as their names. ICMP permissions open the type and code they name (`icmp type 8`); any of them \
from the internet fails unless `icmp` is allowed.\n\
- **Unknown**: a prefix list that is missing from the inventory or whose entries could not be read, an \
unparsable range, or a protocol or port range conform cannot interpret, when it matters (a permission that \
only opens allowed services is fine whatever its source). A definite violation elsewhere in the group still \
makes it fail.\n\n\
Evidence names the permission and source (`IpPermissions[2].IpRanges[0]`), what it opens (`tcp 80-443 from \
0.0.0.0/0`) and what that adds beyond the allowed services.",
        why: "A security group is the last filter in front of an instance or interface. Anything it admits from the \
internet beyond the services meant to be public (SSH, RDP, database ports, all traffic) is exposed to constant \
scanning and brute force. Wide port ranges \
(`80-443`, `0-65535`) are a common mistake that opens far more than intended.",
        fix: "Remove or narrow the offending inbound rule: keep only {{ allowed | and_list }} from the internet, and \
restrict administrative ports to the VPN's egress ranges or to other security groups.\n\n\
```sh\naws ec2 revoke-security-group-ingress --group-id sg-0123 \\\n  --ip-permissions \
'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'\n```\n\n\
In the console: EC2 → Security Groups → the group → Inbound rules → Edit inbound rules. If the VPN's egress \
range is flagged, add it to `trusted_cidrs` in the rule pack's `[network]` table.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::SecurityGroups];
    const USES: &'static [Dataset] = &[Dataset::PrefixLists];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        Ok(Compiled {
            allowed: compile_services("allowed", &params.allowed)?,
            text: if params.allowed.is_empty() {
                "nothing".to_string()
            } else {
                params.allowed.join(", ")
            },
        })
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let allowed = &params.allowed;
        let allowed_text = &params.text;
        let mut outcomes = Vec::new();
        for group in &inventory.security_groups {
            let mut verdict = Verdict::every();
            let mut unknown_reason = None;
            let mut opened = Traffic::none();
            for src in ingress_sources(group, inventory, &ctx.addresses) {
                let p = src.permission;
                let value = format!(
                    "{} from {}",
                    aws_traffic_text(&p.protocol, p.from_port, p.to_port),
                    src.source_text()
                );
                let extra = match aws_traffic(&p.protocol, p.from_port, p.to_port) {
                    Ok(t) => t.subtract(allowed),
                    Err(e) => {
                        let why = format!("cannot judge permission {}: {e}", src.index);
                        verdict.unknown(Evidence::new(
                            format!("IpPermissions[{}]", src.index),
                            value,
                            format!("{e}; conform cannot tell what this permission opens"),
                        ));
                        unknown_reason.get_or_insert(why);
                        continue;
                    }
                };
                if extra.is_empty() {
                    verdict.pass(Evidence::new(src.field(), value, "allowed service"));
                    continue;
                }
                match &src.source.kind {
                    SourceKind::Internet => {
                        verdict.fail(Evidence::new(
                            src.field(),
                            value,
                            format!("opens {} to the internet", extra.describe()),
                        ));
                        opened = opened.union(&extra);
                    }
                    SourceKind::Unknown(why) => {
                        verdict.unknown(Evidence::new(
                            src.field(),
                            value,
                            format!(
                                "{why}; if it holds internet addresses this opens {}",
                                extra.describe()
                            ),
                        ));
                        unknown_reason.get_or_insert(why.clone());
                    }
                    SourceKind::NotInternet => {}
                }
            }
            let resource = sg_ref(group);
            let mut outcome = verdict.outcome(resource, |status, evidence| match status {
                Status::Fail => format!(
                    "security group {} ({}) opens {} to the internet beyond {allowed_text}",
                    group.id,
                    group.name,
                    opened.describe()
                ),
                Status::Unknown => format!(
                    "cannot tell whether security group {} opens more than {allowed_text} to the internet: {}",
                    group.id,
                    unknown_reason.as_deref().unwrap_or_default()
                ),
                _ if evidence.is_empty() => {
                    format!("security group {} admits no internet traffic", group.id)
                }
                _ => format!(
                    "security group {} admits internet traffic only on {allowed_text}",
                    group.id
                ),
            });
            let listed = match outcome.status {
                Status::Unknown => "unjudgeable sources",
                _ => "internet sources",
            };
            outcome.evidence =
                cap_evidence(outcome.evidence, MAX_EVIDENCE, "IpPermissions", listed);
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
    use crate::inventory::IpPermission;

    fn run_groups(groups: Vec<crate::inventory::SecurityGroup>) -> Vec<Outcome> {
        let mut inv = inventory();
        inv.security_groups = groups;
        run_with::<SgInternetIngress>(&ctx(), &inv, &Params::default())
    }

    #[test]
    fn web_ports_pass_and_wider_ranges_fail() {
        let out = run_groups(vec![
            sg(
                "sg-web",
                vec![tcp(80, 80, &["0.0.0.0/0"]), tcp(443, 443, &["0.0.0.0/0"])],
            ),
            sg("sg-range", vec![tcp(80, 443, &["0.0.0.0/0"])]),
            sg("sg-wide", vec![tcp(0, 65535, &["0.0.0.0/0"])]),
            sg("sg-all", vec![perm("-1", None, None, &["0.0.0.0/0"])]),
            sg(
                "sg-udp",
                vec![perm("udp", Some(443), Some(443), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-icmp",
                vec![perm("icmp", Some(-1), Some(-1), &["0.0.0.0/0"])],
            ),
            sg("sg-none", vec![]),
        ]);
        let o = expect(&out, "sg-web", Status::Pass);
        assert_eq!(o.evidence.len(), 2);
        let o = expect(&out, "sg-range", Status::Fail);
        assert_eq!(o.evidence[0].field, "IpPermissions[0].IpRanges[0]");
        assert_eq!(o.evidence[0].value, "tcp 80-443 from 0.0.0.0/0");
        assert_eq!(o.evidence[0].note, "opens tcp 81-442 to the internet");
        let o = expect(&out, "sg-wide", Status::Fail);
        assert_eq!(
            o.evidence[0].note,
            "opens tcp 0-79, 81-442, 444-65535 to the internet"
        );
        let o = expect(&out, "sg-all", Status::Fail);
        assert_eq!(o.evidence[0].value, "all traffic from 0.0.0.0/0");
        assert!(
            o.evidence[0]
                .note
                .contains("udp 0-65535; icmp; icmpv6; every other IP protocol")
        );
        let o = expect(&out, "sg-udp", Status::Fail);
        assert_eq!(o.evidence[0].note, "opens udp 443 to the internet");
        expect(&out, "sg-icmp", Status::Fail);
        let o = expect(&out, "sg-none", Status::Pass);
        assert!(o.message.contains("no internet traffic"));
    }

    #[test]
    fn protocol_numbers_and_port_defaults() {
        let out = run_groups(vec![
            sg("sg-6", vec![perm("6", Some(22), Some(22), &["0.0.0.0/0"])]),
            sg(
                "sg-6-web",
                vec![perm("6", Some(443), Some(443), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-missing-ports",
                vec![perm("tcp", None, None, &["0.0.0.0/0"])],
            ),
            sg(
                "sg-minus-one",
                vec![perm("tcp", Some(-1), Some(-1), &["0.0.0.0/0"])],
            ),
            sg(
                "sg-58",
                vec![{
                    let mut p = perm("58", Some(-1), Some(-1), &[]);
                    p.ipv6_ranges = vec!["::/0".into()];
                    p
                }],
            ),
        ]);
        expect(&out, "sg-6", Status::Fail);
        expect(&out, "sg-6-web", Status::Pass);
        expect(&out, "sg-missing-ports", Status::Fail);
        expect(&out, "sg-minus-one", Status::Fail);
        let o = expect(&out, "sg-58", Status::Fail);
        assert_eq!(o.evidence[0].field, "IpPermissions[0].Ipv6Ranges[0]");
        assert_eq!(o.evidence[0].note, "opens icmpv6 to the internet");
    }

    #[test]
    fn which_sources_are_internet() {
        let v6 = |cidr: &str| IpPermission {
            ipv6_ranges: vec![cidr.into()],
            ..perm("tcp", Some(22), Some(22), &[])
        };
        let group_ref = IpPermission {
            group_ids: vec!["sg-other".into()],
            ..perm("-1", None, None, &[])
        };
        let mut inv = inventory();
        inv.security_groups = vec![
            sg("sg-v6-all", vec![v6("::/0")]),
            sg("sg-v6-ula", vec![v6("fd00::/8")]),
            sg("sg-half", vec![tcp(22, 22, &["0.0.0.0/1"])]),
            sg("sg-host", vec![tcp(22, 22, &["8.8.8.8/32"])]),
            sg(
                "sg-private",
                vec![tcp(22, 22, &["10.0.0.0/8", "192.168.1.0/24"])],
            ),
            sg("sg-trusted", vec![tcp(22, 22, &["198.51.100.0/26"])]),
            sg("sg-ref", vec![group_ref]),
            sg(
                "sg-mixed",
                vec![tcp(22, 22, &["10.0.0.0/8", "203.0.113.5/32"])],
            ),
        ];
        let out = run_with::<SgInternetIngress>(
            &ctx_trusting(&["198.51.100.0/26"]),
            &inv,
            &Params::default(),
        );
        expect(&out, "sg-v6-all", Status::Fail);
        expect(&out, "sg-v6-ula", Status::Pass);
        expect(&out, "sg-half", Status::Fail);
        expect(&out, "sg-host", Status::Fail);
        expect(&out, "sg-private", Status::Pass);
        expect(&out, "sg-trusted", Status::Pass);
        expect(&out, "sg-ref", Status::Pass);
        let o = expect(&out, "sg-mixed", Status::Fail);
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].field, "IpPermissions[0].IpRanges[1]");
        // Without the trust, the VPN range is internet.
        let out = run_with::<SgInternetIngress>(&ctx(), &inv, &Params::default());
        expect(&out, "sg-trusted", Status::Fail);
    }

    #[test]
    fn prefix_lists_are_judged_by_entries() {
        let pl = |id: &str| IpPermission {
            prefix_list_ids: vec![id.into()],
            ..tcp(22, 22, &[])
        };
        let mut inv = inventory();
        let mut unreadable = prefix_list("pl-unreadable", None);
        unreadable.entries_error = Some(aws_error("AccessDenied").into());
        inv.prefix_lists = vec![
            prefix_list("pl-public", Some(&["10.0.0.0/8", "203.0.113.0/24"])),
            prefix_list("pl-private", Some(&["10.0.0.0/8", "172.16.0.0/12"])),
            unreadable,
        ];
        inv.security_groups = vec![
            sg("sg-pl-public", vec![pl("pl-public")]),
            sg("sg-pl-private", vec![pl("pl-private")]),
            sg("sg-pl-unreadable", vec![pl("pl-unreadable")]),
            sg("sg-pl-missing", vec![pl("pl-missing")]),
            // An unreadable list on an allowed port does not matter.
            sg(
                "sg-pl-unreadable-443",
                vec![IpPermission {
                    prefix_list_ids: vec!["pl-unreadable".into()],
                    ..tcp(443, 443, &[])
                }],
            ),
            // A definite failure wins over an unknown.
            sg(
                "sg-pl-and-fail",
                vec![pl("pl-missing"), tcp(3389, 3389, &["0.0.0.0/0"])],
            ),
        ];
        let out = run_with::<SgInternetIngress>(&ctx(), &inv, &Params::default());
        let o = expect(&out, "sg-pl-public", Status::Fail);
        assert_eq!(o.evidence[0].field, "IpPermissions[0].PrefixListIds[0]");
        assert!(o.evidence[0].value.contains("203.0.113.0/24"), "{o:?}");
        expect(&out, "sg-pl-private", Status::Pass);
        let o = expect(&out, "sg-pl-unreadable", Status::Unknown);
        assert!(
            o.message.contains("pl-unreadable") && o.message.contains("AccessDenied"),
            "{}",
            o.message
        );
        let o = expect(&out, "sg-pl-missing", Status::Unknown);
        assert!(o.message.contains("pl-missing"));
        expect(&out, "sg-pl-unreadable-443", Status::Pass);
        let o = expect(&out, "sg-pl-and-fail", Status::Fail);
        assert!(mentions(o, "tcp 3389"));
    }

    #[test]
    fn odd_values_are_unknown_not_panics() {
        let out = run_groups(vec![
            sg("sg-bad-cidr", vec![tcp(22, 22, &["not-a-cidr"])]),
            sg("sg-bad-ports", vec![tcp(-7, 22, &["0.0.0.0/0"])]),
            sg(
                "sg-bad-proto",
                vec![perm("sctp-ish", None, None, &["0.0.0.0/0"])],
            ),
            sg(
                "sg-bad-proto-private",
                vec![perm("sctp-ish", None, None, &["10.0.0.0/8"])],
            ),
        ]);
        expect(&out, "sg-bad-cidr", Status::Unknown);
        let o = expect(&out, "sg-bad-ports", Status::Unknown);
        assert!(
            o.message.contains("invalid port range -7-22"),
            "{}",
            o.message
        );
        expect(&out, "sg-bad-proto", Status::Unknown);
        expect(&out, "sg-bad-proto-private", Status::Pass);
    }

    #[test]
    fn params_are_validated_and_used() {
        assert!(SgInternetIngress::compile(&Params::default()).is_ok());
        let bad = Params {
            allowed: vec!["tcp/443".into(), "tcp/80-70".into()],
        };
        let err = SgInternetIngress::compile(&bad).unwrap_err();
        assert_eq!((err.param.as_str(), err.index), ("allowed", Some(1)));
        assert!(err.message.contains("ends before it starts"), "{err}");
        let p: Params = params(r#"allowed = ["tcp/22", "tcp/80", "tcp/443"]"#);
        let mut inv = inventory();
        inv.security_groups = vec![sg("sg-ssh", vec![tcp(22, 22, &["0.0.0.0/0"])])];
        expect(
            &run_with::<SgInternetIngress>(&ctx(), &inv, &p),
            "sg-ssh",
            Status::Pass,
        );
    }
}
