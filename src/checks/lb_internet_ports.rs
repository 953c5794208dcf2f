//! `lb-internet-ports`: internet-facing load balancers listen only on the
//! allowed ports (NET-004).

use serde::{Deserialize, Serialize};

use super::resource::{INTERNAL, is_internet_facing, lb_ref};
use super::{Check, CheckDoc, Context, ParamError, Port};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

/// Why a load balancer is not judged: it does not face the internet.
fn not_exposed(lb: &crate::inventory::LoadBalancer) -> Option<&'static str> {
    if lb.kind.eq_ignore_ascii_case("gateway") {
        Some("gateway load balancer, never internet-facing")
    } else if !is_internet_facing(lb) {
        Some(INTERNAL)
    } else {
        None
    }
}

pub struct LbInternetPorts;

/// Parameters of `lb-internet-ports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The ports internet-facing load balancers may listen on.
    pub allowed_ports: Vec<Port>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            allowed_ports: vec![Port(80), Port(443)],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "allowed_ports",
    kind: "a list of port numbers from 0 to 65535",
    description: "The ports an internet-facing load balancer may listen on, whatever the protocol; internal load balancers are not judged.",
}];

/// The allowed ports, and how to write them.
#[derive(Debug)]
pub struct Compiled {
    ports: Vec<u16>,
    text: String,
}

impl Check for LbInternetPorts {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "lb-internet-ports",
        summary: "Internet-facing load balancers listen only on {% if allowed_ports %}port{% if allowed_ports|length > 1 %}s{% endif %} {{ allowed_ports | and_list }}{% else %}no port at all{% endif %}",
        what: "Every listener of every load balancer whose scheme is `internet-facing` (application, network and \
classic; gateway load balancers are never internet-facing and are skipped) must listen on a port in \
`allowed_ports` ({{ allowed_ports | and_list }}), whatever its protocol. Internal load balancers are not judged.\n\n\
If the load balancer's listeners could not be read, the verdict is **unknown** with the AWS error. Evidence \
lists each listener on another port.",
        why: "An internet-facing load balancer forwards whatever its listeners accept. A listener on 22, 3306 or \
8080 publishes a back-end service to the whole internet even when every security group behind it is tight, \
because the targets trust the load balancer.",
        fix: "Delete the listener, or move the service to an internal load balancer reached through the VPN.\n\n\
```sh\naws elbv2 delete-listener --listener-arn arn:aws:elasticloadbalancing:...:listener/app/web/...\n\
aws elb delete-load-balancer-listeners --load-balancer-name web --load-balancer-ports 8080\n```\n\n\
In the console: EC2 → Load Balancers → the load balancer → Listeners and rules.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::LoadBalancers, Dataset::ClassicLoadBalancers];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        let ports: Vec<u16> = params.allowed_ports.iter().map(|p| p.0).collect();
        let text = ports
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Compiled { ports, text })
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let allowed_text = &params.text;
        let mut outcomes = Vec::new();
        for lb in &inventory.load_balancers {
            if not_exposed(lb).is_some() {
                continue;
            }
            let resource = lb_ref(lb);
            if let Some(err) = &lb.listeners_error {
                outcomes.push(Outcome::unknown(
                    resource,
                    format!(
                        "the listeners of load balancer {} could not be read: {}",
                        lb.name, err.code
                    ),
                    vec![Evidence::new("Listeners", "unreadable", err.to_string())],
                ));
                continue;
            }
            let evidence: Vec<Evidence> = lb
                .listeners
                .iter()
                .enumerate()
                .filter(|(_, l)| !params.ports.iter().any(|&p| i32::from(p) == l.port))
                .map(|(i, l)| {
                    Evidence::new(
                        format!("Listeners[{i}]"),
                        format!("{}:{}", l.protocol, l.port),
                        format!(
                            "port {} is not among the allowed ports {allowed_text}",
                            l.port
                        ),
                    )
                })
                .collect();
            if evidence.is_empty() {
                let ports: Vec<String> = lb.listeners.iter().map(|l| l.port.to_string()).collect();
                let message = if ports.is_empty() {
                    format!("internet-facing load balancer {} has no listeners", lb.name)
                } else {
                    format!(
                        "internet-facing load balancer {} listens only on {}",
                        lb.name,
                        ports.join(", ")
                    )
                };
                outcomes.push(Outcome::pass(resource, message));
            } else {
                let ports: Vec<&str> = evidence.iter().map(|e| e.value.as_str()).collect();
                outcomes.push(Outcome::fail(
                    resource,
                    format!(
                        "internet-facing load balancer {} listens on {} (allowed ports: {allowed_text})",
                        lb.name,
                        ports.join(", ")
                    ),
                    evidence,
                ));
            }
        }
        outcomes
    }

    fn not_judged(
        _ctx: &Context,
        inventory: &Inventory,
        _params: &Compiled,
        skip: super::NotJudged<'_>,
    ) {
        for lb in &inventory.load_balancers {
            if let Some(why) = not_exposed(lb) {
                skip(&lb_ref(lb), why);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn ports_of_internet_facing_load_balancers() {
        let mut inv = inventory();
        let mut unreadable = lb("alb-unreadable", "application", "internet-facing", vec![]);
        unreadable.listeners_error = Some(aws_error("AccessDenied").into());
        inv.load_balancers = vec![
            lb(
                "alb-web",
                "application",
                "internet-facing",
                vec![listener("HTTP", 80), listener("HTTPS", 443)],
            ),
            lb(
                "nlb-ssh",
                "network",
                "internet-facing",
                vec![listener("TCP", 443), listener("TCP", 22)],
            ),
            lb(
                "elb-alt",
                "classic",
                "internet-facing",
                vec![listener("HTTP", 8080)],
            ),
            lb(
                "alb-internal",
                "application",
                "internal",
                vec![listener("HTTP", 8080)],
            ),
            unreadable,
        ];
        let out = run::<LbInternetPorts>(&inv);
        assert_eq!(out.len(), 4, "internal load balancers are not judged");
        assert_eq!(
            skipped::<LbInternetPorts>(&inv),
            vec![("alb-internal".to_string(), INTERNAL)],
            "and counted as not judged"
        );
        expect(&out, "alb-web", Status::Pass);
        let o = expect(&out, "nlb-ssh", Status::Fail);
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].field, "Listeners[1]");
        assert_eq!(o.evidence[0].value, "TCP:22");
        let o = expect(&out, "elb-alt", Status::Fail);
        assert_eq!(
            o.resource.resource_type,
            "AWS::ElasticLoadBalancing::LoadBalancer"
        );
        let o = expect(&out, "alb-unreadable", Status::Unknown);
        assert!(o.message.contains("AccessDenied"));

        let p: Params = params("allowed_ports = [443]");
        let out = run_with::<LbInternetPorts>(&ctx(), &inv, &p);
        expect(&out, "alb-web", Status::Fail);
    }
}
