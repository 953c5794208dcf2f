//! `lb-tls-only`: internet-facing load balancers accept only TLS, or
//! redirect HTTP to HTTPS (TLS-001).

use super::resource::{INTERNAL, is_classic, is_internet_facing, lb_ref};
use super::{Check, CheckDoc, Context, NoParams};
use crate::analysis::tls::is_tls_listener;
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{Dataset, Inventory, Listener};

pub struct LbTlsOnly;

/// The verdict on one listener.
enum ListenerVerdict {
    Ok,
    /// Not TLS: what it does instead.
    NotTls(String),
    /// Cannot judge, and why.
    Unknown(String),
}

fn describe_actions(l: &Listener) -> String {
    let actions: Vec<String> = l
        .default_actions
        .iter()
        .map(|a| match (a.kind.as_str(), &a.redirect_protocol) {
            ("redirect", p) => format!("redirect to {}", p.as_deref().unwrap_or("#{protocol}")),
            (kind, _) => kind.to_string(),
        })
        .collect();
    if actions.is_empty() {
        format!("{}:{}", l.protocol, l.port)
    } else {
        format!("{}:{} -> {}", l.protocol, l.port, actions.join(", "))
    }
}

/// Whether an action answers over plain HTTP (anything but a redirect to
/// HTTPS).
fn serves_plain_http(a: &crate::inventory::ListenerAction) -> bool {
    !(a.kind.trim().eq_ignore_ascii_case("redirect")
        && a.redirect_protocol
            .as_deref()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("HTTPS")))
}

/// An HTTP listener that redirects to HTTPS by default still serves plain
/// HTTP if one of its other rules forwards, answers or redirects elsewhere.
fn judge_rules(l: &Listener) -> ListenerVerdict {
    if let Some(e) = &l.rules_error {
        return ListenerVerdict::Unknown(format!(
            "the default action redirects to HTTPS, but the listener's rules could not be read ({}), so a rule \
             serving plain HTTP cannot be ruled out",
            e.code
        ));
    }
    let Some(rules) = &l.rules else {
        return ListenerVerdict::Unknown(
            "the default action redirects to HTTPS, but the listener's rules were not collected, so a rule \
             serving plain HTTP cannot be ruled out"
                .into(),
        );
    };
    let plain: Vec<String> = rules
        .iter()
        .filter_map(|r| {
            let a = r.actions.iter().find(|a| serves_plain_http(a))?;
            Some(format!("rule {} ({})", r.priority, a.kind))
        })
        .collect();
    if plain.is_empty() {
        ListenerVerdict::Ok
    } else {
        ListenerVerdict::NotTls(format!(
            "plain HTTP redirected to HTTPS by default, but served by {}",
            plain.join(", ")
        ))
    }
}

fn judge(classic: bool, l: &Listener) -> ListenerVerdict {
    match l.protocol.trim().to_ascii_uppercase().as_str() {
        p if is_tls_listener(p) => ListenerVerdict::Ok,
        "HTTP" if classic => ListenerVerdict::NotTls("plain HTTP (classic load balancers cannot redirect to HTTPS)".into()),
        "HTTP" => {
            let is = |a: &&crate::inventory::ListenerAction, k: &str| a.kind.trim().eq_ignore_ascii_case(k);
            let redirects: Vec<_> = l.default_actions.iter().filter(|a| is(a, "redirect")).collect();
            let serves = l
                .default_actions
                .iter()
                .any(|a| is(&a, "forward") || is(&a, "fixed-response"));
            if redirects.is_empty() || serves {
                return ListenerVerdict::NotTls("plain HTTP that is served, not redirected to HTTPS".into());
            }
            match redirects
                .iter()
                .find(|a| !a.redirect_protocol.as_deref().is_some_and(|p| p.trim().eq_ignore_ascii_case("HTTPS")))
            {
                None => judge_rules(l),
                Some(a) => {
                    let to = a.redirect_protocol.as_deref().unwrap_or("#{protocol}");
                    ListenerVerdict::NotTls(format!(
                        "plain HTTP redirected to {to}, which is not HTTPS (#{{protocol}} keeps HTTP)"
                    ))
                }
            }
        }
        "TCP" => ListenerVerdict::NotTls(
            "TCP passes bytes through unencrypted by the load balancer; TLS is not enforced even on port 443".into(),
        ),
        "UDP" | "TCP_UDP" => ListenerVerdict::NotTls(format!("{} is not TLS", l.protocol)),
        "GENEVE" => ListenerVerdict::NotTls("GENEVE encapsulation is not TLS".into()),
        _ => ListenerVerdict::Unknown(format!("cannot judge protocol {:?}", l.protocol)),
    }
}

impl Check for LbTlsOnly {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "lb-tls-only",
        summary: "Internet-facing load balancers accept only HTTPS/TLS, or redirect HTTP to HTTPS",
        what: "Every listener of every `internet-facing` load balancer must be `HTTPS` or `TLS` (classic: `HTTPS` \
or `SSL`), with one exception: an `HTTP` listener of an application load balancer whose default action is a \
redirect with protocol `HTTPS`.\n\n\
- HTTP that forwards or returns a fixed response fails; so does a redirect to `HTTP` or to `#{protocol}` (which \
keeps the request's protocol, i.e. HTTP), and a classic load balancer's HTTP listener (classic cannot redirect).\n\
- `TCP` fails even on port 443: the load balancer passes the bytes through and cannot guarantee they are TLS. \
`UDP` and `TCP_UDP` fail.\n\
- A protocol conform does not know (a newer AWS protocol) is **unknown** (\"cannot judge protocol X\").\n\
- An HTTP listener that redirects to HTTPS by default is judged with its **other rules** too (read with \
`DescribeRules`): a rule that forwards, answers with a fixed response or redirects anywhere but HTTPS still \
serves plain HTTP, and fails the load balancer, naming the rule's priority. Rules that could not be read, or \
were not collected, make the verdict **unknown**.\n\
- If the listeners could not be read, the verdict is **unknown**. Internal load balancers are not judged.",
        why: "A plain HTTP or TCP listener lets credentials, \
session cookies and customer data cross the internet unencrypted, and lets an attacker on the path downgrade or \
tamper with traffic.",
        fix: "Replace the plain listener with HTTPS/TLS (with a certificate from ACM), or make the HTTP listener's \
default action a redirect to HTTPS:\n\n\
```sh\naws elbv2 modify-listener --listener-arn arn:aws:elasticloadbalancing:...:listener/app/web/... \\\n  \
--default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'\n```\n\n\
For an NLB, change the TCP:443 listener to TLS. In the console: EC2 → Load Balancers → Listeners and rules → \
Edit listener.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::LoadBalancers, Dataset::ClassicLoadBalancers];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for lb in &inventory.load_balancers {
            if !is_internet_facing(lb) {
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
            let classic = is_classic(lb);
            let mut verdict = Verdict::every();
            for (i, l) in lb.listeners.iter().enumerate() {
                match judge(classic, l) {
                    ListenerVerdict::Ok => {}
                    ListenerVerdict::NotTls(note) => verdict.fail(Evidence::new(
                        format!("Listeners[{i}]"),
                        describe_actions(l),
                        note,
                    )),
                    ListenerVerdict::Unknown(note) => verdict.unknown(Evidence::new(
                        format!("Listeners[{i}]"),
                        describe_actions(l),
                        note,
                    )),
                }
            }
            let listed = |ev: &[Evidence]| {
                ev.iter()
                    .map(|e| e.value.split(" -> ").next().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            outcomes.push(verdict.outcome(resource, |status, evidence| match status {
                Status::Fail => format!(
                    "internet-facing load balancer {} accepts non-TLS connections on {}",
                    lb.name,
                    listed(evidence)
                ),
                Status::Unknown => format!(
                    "cannot judge listener {} of load balancer {}",
                    listed(evidence),
                    lb.name
                ),
                _ => format!(
                    "every listener of internet-facing load balancer {} is TLS or redirects to HTTPS",
                    lb.name
                ),
            }));
        }
        outcomes
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, _params: &(), skip: super::NotJudged<'_>) {
        for lb in &inventory.load_balancers {
            if !is_internet_facing(lb) {
                skip(&lb_ref(lb), INTERNAL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    fn http_with(actions: Vec<crate::inventory::ListenerAction>) -> Listener {
        Listener {
            default_actions: actions,
            rules: Some(Vec::new()),
            ..listener("HTTP", 80)
        }
    }

    #[test]
    fn rules_that_serve_plain_http_break_a_redirecting_listener() {
        // What `conform explain` says matches what is judged.
        assert!(!LbTlsOnly::DOC.what.contains("not in the inventory"));
        assert!(LbTlsOnly::DOC.what.contains("**other rules**"));
        use crate::inventory::{AwsError, ListenerRule};
        let rule = |priority: &str, action: crate::inventory::ListenerAction| ListenerRule {
            arn: None,
            priority: priority.into(),
            actions: vec![action],
        };
        let redirecting = |rules: Option<Vec<ListenerRule>>, error: Option<AwsError>| Listener {
            rules,
            rules_error: error.map(Box::new),
            ..http_with(vec![redirect(Some("HTTPS"))])
        };
        let forward = crate::inventory::ListenerAction {
            kind: "forward".into(),
            redirect_protocol: None,
            redirect_port: None,
        };
        let mut inv = inventory();
        inv.load_balancers = vec![
            lb(
                "rules-redirect",
                "application",
                "internet-facing",
                vec![redirecting(
                    Some(vec![rule("5", redirect(Some("HTTPS")))]),
                    None,
                )],
            ),
            lb(
                "rules-forward",
                "application",
                "internet-facing",
                vec![redirecting(
                    Some(vec![
                        rule("5", redirect(Some("HTTPS"))),
                        rule("10", forward),
                    ]),
                    None,
                )],
            ),
            lb(
                "rules-unread",
                "application",
                "internet-facing",
                vec![redirecting(
                    None,
                    Some(AwsError {
                        operation: "DescribeRules".into(),
                        code: "AccessDenied".into(),
                        message: String::new(),
                    }),
                )],
            ),
            lb(
                "rules-uncollected",
                "application",
                "internet-facing",
                vec![redirecting(None, None)],
            ),
        ];
        let out = run_with::<LbTlsOnly>(&ctx(), &inv, &NoParams::default());
        let status = |name: &str| {
            out.iter()
                .find(|o| o.resource.name == name)
                .map(|o| o.status)
        };
        assert_eq!(status("rules-redirect"), Some(Status::Pass));
        assert_eq!(status("rules-forward"), Some(Status::Fail));
        assert_eq!(status("rules-unread"), Some(Status::Unknown));
        assert_eq!(status("rules-uncollected"), Some(Status::Unknown));
        let forward = out
            .iter()
            .find(|o| o.resource.name == "rules-forward")
            .unwrap();
        assert!(
            forward
                .evidence
                .iter()
                .any(|e| e.note.contains("rule 10 (forward)")),
            "{forward:?}"
        );
    }

    #[test]
    fn redirects_and_forwards() {
        let mut inv = inventory();
        let https = || tls_listener("HTTPS", 443, "ELBSecurityPolicy-TLS13-1-2-2021-06");
        inv.load_balancers = vec![
            lb(
                "alb-redirect",
                "application",
                "internet-facing",
                vec![http_with(vec![redirect(Some("HTTPS"))]), https()],
            ),
            lb(
                "alb-forward",
                "application",
                "internet-facing",
                vec![listener("HTTP", 80), https()],
            ),
            lb(
                "alb-keep",
                "application",
                "internet-facing",
                vec![http_with(vec![redirect(Some("#{protocol}"))])],
            ),
            lb(
                "alb-none",
                "application",
                "internet-facing",
                vec![http_with(vec![redirect(None)])],
            ),
            lb(
                "alb-to-http",
                "application",
                "internet-facing",
                vec![http_with(vec![redirect(Some("HTTP"))])],
            ),
            lb(
                "alb-internal",
                "application",
                "internal",
                vec![listener("HTTP", 80)],
            ),
        ];
        let out = run::<LbTlsOnly>(&inv);
        assert_eq!(out.len(), 5);
        assert_eq!(
            skipped::<LbTlsOnly>(&inv),
            vec![("alb-internal".to_string(), INTERNAL)],
            "internal load balancers are counted as not judged"
        );
        expect(&out, "alb-redirect", Status::Pass);
        let o = expect(&out, "alb-forward", Status::Fail);
        assert_eq!(o.evidence.len(), 1);
        assert_eq!(o.evidence[0].field, "Listeners[0]");
        assert_eq!(o.evidence[0].value, "HTTP:80 -> forward");
        let o = expect(&out, "alb-keep", Status::Fail);
        assert!(o.evidence[0].value.contains("#{protocol}"));
        expect(&out, "alb-none", Status::Fail);
        expect(&out, "alb-to-http", Status::Fail);
    }

    #[test]
    fn network_and_classic_protocols() {
        let mut inv = inventory();
        let mut unreadable = lb("nlb-unreadable", "network", "internet-facing", vec![]);
        unreadable.listeners_error = Some(aws_error("Throttling").into());
        inv.load_balancers = vec![
            lb(
                "nlb-tcp443",
                "network",
                "internet-facing",
                vec![listener("TCP", 443)],
            ),
            lb(
                "nlb-tls",
                "network",
                "internet-facing",
                vec![tls_listener("TLS", 443, "p")],
            ),
            lb(
                "nlb-udp",
                "network",
                "internet-facing",
                vec![listener("UDP", 443)],
            ),
            lb(
                "nlb-future",
                "network",
                "internet-facing",
                vec![listener("QUIC_NEXT", 443)],
            ),
            lb(
                "elb-ssl",
                "classic",
                "internet-facing",
                vec![
                    tls_listener("SSL", 443, "p"),
                    tls_listener("HTTPS", 443, "p"),
                ],
            ),
            lb(
                "elb-http",
                "classic",
                "internet-facing",
                vec![http_with(vec![])],
            ),
            unreadable,
        ];
        let out = run::<LbTlsOnly>(&inv);
        let o = expect(&out, "nlb-tcp443", Status::Fail);
        assert!(o.evidence[0].note.contains("TCP"));
        expect(&out, "nlb-tls", Status::Pass);
        expect(&out, "nlb-udp", Status::Fail);
        let o = expect(&out, "nlb-future", Status::Unknown);
        assert!(
            o.evidence[0]
                .note
                .contains("cannot judge protocol \"QUIC_NEXT\"")
        );
        expect(&out, "elb-ssl", Status::Pass);
        expect(&out, "elb-http", Status::Fail);
        let o = expect(&out, "nlb-unreadable", Status::Unknown);
        assert!(o.message.contains("Throttling"));
    }
}
