//! `lb-tls-policy`: TLS listeners use a security policy that allows only the
//! allowed protocol versions and bulk ciphers (TLS-002).
//!
//! # Where policy definitions come from
//!
//! A listener's `ssl_policy` names its policy; the definition (protocols and
//! ciphers) is looked up in `inventory.ssl_policies` in the load balancer's
//! own account and region:
//!
//! - **ELBv2** (application, network): by the policy name as the listener
//!   gives it (`ELBSecurityPolicy-TLS13-1-2-2021-06`), as returned by
//!   `DescribeSSLPolicies`.
//! - **Classic**: classic policies belong to one load balancer, so the
//!   definition is stored under `<load balancer name>/<policy name>`, where
//!   the listener's `ssl_policy` holds the plain name of its
//!   `SSLNegotiationPolicyType` policy (from `PolicyNames`), and the
//!   definition comes from `DescribeLoadBalancerPolicies` for that load
//!   balancer: `protocols` are the `Protocol-*` attributes whose value is
//!   `true`, without the `Protocol-` prefix (`TLSv1.2`); `ciphers` are the
//!   other attributes whose value is `true`, except options such as
//!   `Server-Defined-Cipher-Order` and `Reference-Security-Policy`. (A
//!   `Protocol-` prefix and those option names are also tolerated here.) A
//!   listener's `ssl_policy` that already starts with `<lb name>/` is used
//!   as is.
//!
//! Policies are judged by their protocols and ciphers, never by name, so a
//! new AWS policy needs no code change.

use serde::{Deserialize, Serialize};

use super::resource::{by_place_and_name, coverage_note, is_classic, lb_ref};
use super::{Check, CheckDoc, Context, ParamError};
use crate::analysis::tls::{
    Bulk, CIPHER_FAMILIES, PROTOCOLS, bulk_cipher, display_protocol, is_option, is_tls_listener,
    norm_protocol,
};
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{CLASSIC_PREDEFINED, Dataset, Inventory, LoadBalancer, SslPolicy};

pub struct LbTlsPolicy;

/// Parameters of `lb-tls-policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Protocol versions a policy may allow (`TLSv1.2`, `TLSv1.3`).
    pub allowed_protocols: Vec<String>,
    /// Bulk-cipher families a policy's cipher suites may use.
    pub allowed_ciphers: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            allowed_protocols: vec!["TLSv1.2".into(), "TLSv1.3".into()],
            allowed_ciphers: vec!["AES128".into(), "AES256".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[
    super::ParamDoc {
        name: "allowed_protocols",
        kind: "a list of protocol versions: SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
        description: "The protocol versions a TLS listener's security policy may allow; a policy that allows any other fails.",
    },
    super::ParamDoc {
        name: "allowed_ciphers",
        kind: "a list of bulk-cipher families: AES128, AES256, CHACHA20, 3DES, DES, RC4, RC2, CAMELLIA128, CAMELLIA256, ARIA128, ARIA256, SEED, IDEA, SM4, NULL",
        description: "The bulk-cipher families a TLS listener's policy's cipher suites may use; a suite with any other fails.",
    },
];

/// The key a listener's policy definition is stored under.
fn definition_key(lb: &LoadBalancer, policy: &str) -> String {
    let prefix = format!("{}/", lb.name);
    if is_classic(lb) && !policy.starts_with(&prefix) {
        format!("{prefix}{policy}")
    } else {
        policy.to_string()
    }
}

/// A policy's verdict.
enum PolicyVerdict {
    Ok(String),
    Bad {
        summary: String,
        evidence: Vec<Evidence>,
    },
    Unknown {
        summary: String,
        evidence: Evidence,
    },
}

/// Judges `policy`'s definition; `name` is how messages call it, `field`
/// the inventory key its evidence points at.
fn judge_policy(name: &str, field: &str, policy: &SslPolicy, params: &Compiled) -> PolicyVerdict {
    let allowed_p = &params.protocols;
    let allowed_c = &params.ciphers;
    let ciphers: Vec<&crate::inventory::Str> =
        policy.ciphers.iter().filter(|c| !is_option(c)).collect();
    if policy.protocols.is_empty() || ciphers.is_empty() {
        let missing = if policy.protocols.is_empty() {
            "protocols"
        } else {
            "ciphers"
        };
        return PolicyVerdict::Unknown {
            summary: format!("policy {name} lists no {missing}"),
            evidence: Evidence::new(
                format!("SslPolicies[{field}]"),
                format!(
                    "{} protocols, {} ciphers",
                    policy.protocols.len(),
                    ciphers.len()
                ),
                format!(
                    "the policy's definition lists no {missing}, so what it negotiates cannot be judged"
                ),
            ),
        };
    }
    let bad_protocols: Vec<&str> = policy
        .protocols
        .iter()
        .filter(|p| !allowed_p.contains(&norm_protocol(p)))
        .map(|p| display_protocol(p))
        .collect();
    let mut bad_ciphers: Vec<String> = Vec::new();
    let mut families: Vec<String> = Vec::new();
    let mut unrecognised: Vec<&str> = Vec::new();
    for c in &ciphers {
        let why = match bulk_cipher(c) {
            Bulk::Family(f) if allowed_c.iter().any(|a| a == f) => continue,
            Bulk::Family(f) => f.to_string(),
            Bulk::Anonymous => "anonymous key exchange".to_string(),
            Bulk::Unknown => {
                unrecognised.push(c.trim());
                continue;
            }
        };
        if !families.contains(&why) {
            families.push(why.clone());
        }
        bad_ciphers.push(format!("{} ({why})", c.trim()));
    }
    // A cipher name conform does not recognise (a suite newer than conform)
    // cannot be judged: unknown, unless something else already fails.
    if bad_protocols.is_empty() && bad_ciphers.is_empty() && !unrecognised.is_empty() {
        return PolicyVerdict::Unknown {
            summary: format!(
                "policy {name} allows cipher(s) conform cannot judge: {}",
                unrecognised.join(", ")
            ),
            evidence: Evidence::new(
                format!("SslPolicies[{field}].Ciphers"),
                unrecognised.join(", "),
                "unrecognised cipher suite names: their bulk cipher (AES or not) cannot be told",
            ),
        };
    }
    for c in &unrecognised {
        bad_ciphers.push(format!(
            "{c} (unrecognised cipher, cannot be shown to be allowed)"
        ));
    }
    if bad_protocols.is_empty() && bad_ciphers.is_empty() {
        return PolicyVerdict::Ok(format!(
            "{name} allows only {} with {} ciphers",
            policy
                .protocols
                .iter()
                .map(|p| display_protocol(p))
                .collect::<Vec<_>>()
                .join(", "),
            params.allowed_ciphers.join("/")
        ));
    }
    let mut evidence = Vec::new();
    let mut summary = Vec::new();
    if !bad_protocols.is_empty() {
        evidence.push(Evidence::new(
            format!("SslPolicies[{field}].SslProtocols"),
            bad_protocols.join(", "),
            format!(
                "not among the allowed protocols {}",
                params.allowed_protocols.join(", ")
            ),
        ));
        summary.push(bad_protocols.join(", "));
    }
    if !bad_ciphers.is_empty() {
        evidence.push(Evidence::new(
            format!("SslPolicies[{field}].Ciphers"),
            bad_ciphers.join(", "),
            format!(
                "bulk ciphers not among the allowed {}",
                params.allowed_ciphers.join(", ")
            ),
        ));
        summary.push(format!("{} ciphers", families.join("/")));
    }
    PolicyVerdict::Bad {
        summary: format!("{name} allows {}", summary.join(" and ")),
        evidence,
    }
}

/// The parameters as written (for messages), and in the form policies
/// are compared with: protocols normalised, cipher families upper case.
#[derive(Debug)]
pub struct Compiled {
    allowed_protocols: Vec<String>,
    allowed_ciphers: Vec<String>,
    protocols: Vec<String>,
    ciphers: Vec<String>,
}

/// Why a load balancer is not judged: it has no TLS listener.
const NO_TLS: &str = "load balancer without TLS listeners, nothing to negotiate";

impl Check for LbTlsPolicy {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "lb-tls-policy",
        summary: "TLS listeners allow only {{ allowed_protocols | and_list('or') }} with {{ allowed_ciphers | and_list('or') }} cipher suites",
        what: "For every `HTTPS`, `TLS` or `SSL` listener of every load balancer (internet-facing or internal), the \
listener's security policy must allow only protocol versions in `allowed_protocols` ({{ allowed_protocols | and_list }}) \
and only cipher suites whose bulk cipher is in `allowed_ciphers` ({{ allowed_ciphers | and_list }}).\n\n\
- The policy is judged from its **definition** (its protocols and cipher suites), never from its name, so new \
AWS policies need no update. Definitions come from `DescribeSSLPolicies` (ELBv2) or, for classic load \
balancers, from the load balancer's own policy, stored as `<load balancer>/<policy>`. A classic policy that \
lists no protocols or ciphers of its own but names a `Reference-Security-Policy` is judged by the referenced \
predefined policy's definition (read once per region), and the verdict says so; it is unknown only when \
neither definition could be read.\n\
- Cipher suites are classified by bulk cipher from OpenSSL names (`ECDHE-RSA-AES128-GCM-SHA256`, `AES256-SHA`, \
`DES-CBC3-SHA`) and IANA names (`TLS_AES_128_GCM_SHA256`, `TLS_CHACHA20_POLY1305_SHA256`): families are \
AES128, AES256, CHACHA20, 3DES, DES, RC4, RC2, CAMELLIA128/256, ARIA128/256, SEED, IDEA, SM4 and NULL. \
Anonymous suites (`ADH-*`, `AECDH-*`, `*_anon_*`) are never allowed; a cipher name conform does not recognise (a \
suite newer than conform) makes the verdict unknown, unless the policy already fails on something else.\n\
- **Unknown**: a policy whose definition was not collected, a definition that lists no protocols or ciphers, a \
TLS listener with no policy recorded, or listeners that could not be read.\n\
- Load balancers without TLS listeners are not judged.",
        why: "A security policy that still allows protocol versions or ciphers beyond these (TLS 1.0/1.1, \
3DES, RC4, ...) lets a client (or an attacker forcing a downgrade) negotiate a weak or \
non-compliant connection even though the listener is HTTPS.{% if \"CHACHA20\" not in ciphers %} ChaCha20 is strong, but this rule \
does not allow it; add `CHACHA20` to `allowed_ciphers` if the promise accepts it.{% endif %}",
        fix: "Switch the listener to a predefined policy whose definition allows only {{ allowed_protocols | and_list('or') }} with \
{{ allowed_ciphers | and_list('or') }} suites (check a definition with `aws elbv2 describe-ssl-policies --names ...`; for TLS 1.2 \
and 1.3 with AES-GCM, `ELBSecurityPolicy-TLS13-1-2-Res-2021-06`):\n\n\
```sh\naws elbv2 modify-listener --listener-arn arn:aws:elasticloadbalancing:...:listener/app/web/... \\\n  \
--ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06\n```\n\n\
Classic load balancers: create a policy from a predefined reference with `aws elb create-load-balancer-policy \
--policy-type-name SSLNegotiationPolicyType` and attach it with `aws elb set-load-balancer-policies-of-listener`. \
In the console: EC2 → Load Balancers → Listeners → Edit → Security policy.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::LoadBalancers, Dataset::ClassicLoadBalancers];
    const USES: &'static [Dataset] = &[Dataset::SslPolicies];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        if params.allowed_protocols.is_empty() {
            return Err(ParamError::new(
                "allowed_protocols",
                format!(
                    "must name at least one protocol version ({})",
                    PROTOCOLS.join(", ")
                ),
            ));
        }
        if params.allowed_ciphers.is_empty() {
            return Err(ParamError::new(
                "allowed_ciphers",
                format!(
                    "must name at least one cipher family ({})",
                    CIPHER_FAMILIES.join(", ")
                ),
            ));
        }
        for (i, p) in params.allowed_protocols.iter().enumerate() {
            if !PROTOCOLS
                .iter()
                .any(|k| norm_protocol(k) == norm_protocol(p))
            {
                return Err(ParamError::at(
                    "allowed_protocols",
                    i,
                    format!(
                        "unknown protocol version {p:?} (expected one of {})",
                        PROTOCOLS.join(", ")
                    ),
                ));
            }
        }
        for (i, c) in params.allowed_ciphers.iter().enumerate() {
            if !CIPHER_FAMILIES
                .iter()
                .any(|f| f.eq_ignore_ascii_case(c.trim()))
            {
                return Err(ParamError::at(
                    "allowed_ciphers",
                    i,
                    format!(
                        "unknown cipher family {c:?} (expected one of {})",
                        CIPHER_FAMILIES.join(", ")
                    ),
                ));
            }
        }
        Ok(Compiled {
            allowed_protocols: params.allowed_protocols.clone(),
            allowed_ciphers: params.allowed_ciphers.clone(),
            protocols: params
                .allowed_protocols
                .iter()
                .map(|p| norm_protocol(p))
                .collect(),
            ciphers: params
                .allowed_ciphers
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect(),
        })
    }

    fn doc_vars(compiled: &Compiled) -> serde_json::Map<String, serde_json::Value> {
        let mut vars = serde_json::Map::new();
        vars.insert("ciphers".into(), compiled.ciphers.clone().into());
        vars
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let policies = by_place_and_name(&inventory.ssl_policies, |p| (&p.place, &p.name));
        for lb in &inventory.load_balancers {
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
            let tls: Vec<_> = lb
                .listeners
                .iter()
                .enumerate()
                .filter(|(_, l)| is_tls_listener(&l.protocol))
                .collect();
            if tls.is_empty() {
                continue;
            }
            let mut verdict = Verdict::every();
            let mut bad_summary = Vec::new();
            let mut unknown_summary = Vec::new();
            let mut ok = Vec::new();
            // Policy-level evidence is given once per policy.
            let mut judged: Vec<String> = Vec::new();
            for (i, l) in tls {
                let field = format!("Listeners[{i}].SslPolicy");
                let at = format!("{}:{}", l.protocol, l.port);
                let Some(policy_name) = l.ssl_policy.as_deref().filter(|p| !p.trim().is_empty())
                else {
                    verdict.unknown(Evidence::new(
                        field,
                        format!("{at} (none)"),
                        "no security policy recorded for this TLS listener; which AWS default applies cannot be judged",
                    ));
                    unknown_summary.push(format!("{at} has no policy recorded"));
                    continue;
                };
                let key = definition_key(lb, policy_name);
                let definition = policies
                    .get(&(
                        lb.place.account.as_str(),
                        lb.place.region.as_str(),
                        key.as_str(),
                    ))
                    .copied();
                let Some(definition) = definition else {
                    verdict.unknown(Evidence::new(
                        field,
                        format!("{at} uses {policy_name}"),
                        format!(
                            "definition of policy {key} was not collected for {} {}{}",
                            lb.place.account,
                            lb.place.region,
                            coverage_note(inventory, &lb.place, Dataset::SslPolicies)
                        ),
                    ));
                    unknown_summary.push(format!("definition of policy {key} was not collected"));
                    continue;
                };
                let first = !judged.contains(&key);
                if first {
                    judged.push(key.clone());
                }
                // A classic policy created from a predefined one, whose own
                // attributes list nothing, is judged by the predefined
                // policy's definition.
                let mut shown = policy_name.to_string();
                let mut field_name = policy_name.to_string();
                let mut definition = definition;
                if let Some(reference) = definition.reference.as_deref().filter(|_| {
                    definition.protocols.is_empty()
                        && definition.ciphers.iter().all(|c| is_option(c))
                }) {
                    let predefined = format!("{CLASSIC_PREDEFINED}{reference}");
                    match policies.get(&(
                        lb.place.account.as_str(),
                        lb.place.region.as_str(),
                        predefined.as_str(),
                    )) {
                        Some(p) => {
                            shown = format!(
                                "{policy_name} (judged by its Reference-Security-Policy {reference})"
                            );
                            field_name = p.name.to_string();
                            definition = p;
                        }
                        None => {
                            let why = match &definition.reference_error {
                                Some(e) => format!("could not be read: {e}"),
                                None => "was not collected".to_string(),
                            };
                            verdict.unknown(Evidence::new(
                                format!("SslPolicies[{key}].Reference-Security-Policy"),
                                reference.to_string(),
                                format!(
                                    "the policy lists no protocols or ciphers of its own, and the definition of \
the predefined policy it references {why}"
                                ),
                            ));
                            unknown_summary.push(format!(
                                "policy {policy_name} lists no protocols and its reference {reference} {why}"
                            ));
                            continue;
                        }
                    }
                }
                match judge_policy(&shown, &field_name, definition, params) {
                    PolicyVerdict::Ok(text) => ok.push(format!("{at} uses {text}")),
                    PolicyVerdict::Bad { summary, evidence } => {
                        verdict.fail(Evidence::new(
                            field,
                            format!("{at} uses {policy_name}"),
                            summary.clone(),
                        ));
                        if first {
                            for e in evidence {
                                verdict.fail(e);
                            }
                            bad_summary.push(summary);
                        }
                    }
                    PolicyVerdict::Unknown { summary, evidence } => {
                        verdict.unknown(Evidence::new(
                            field,
                            format!("{at} uses {policy_name}"),
                            summary.clone(),
                        ));
                        if first {
                            verdict.unknown(evidence);
                            unknown_summary.push(summary);
                        }
                    }
                }
            }
            outcomes.push(verdict.outcome(resource, |status, _| match status {
                Status::Fail => format!(
                    "load balancer {}: TLS policy {}",
                    lb.name,
                    bad_summary.join("; ")
                ),
                Status::Unknown => format!(
                    "cannot judge the TLS policy of load balancer {}: {}",
                    lb.name,
                    unknown_summary.join("; ")
                ),
                _ => format!("load balancer {}: {}", lb.name, ok.join("; ")),
            }));
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
            if lb.listeners_error.is_none()
                && !lb.listeners.iter().any(|l| is_tls_listener(&l.protocol))
            {
                skip(&lb_ref(lb), NO_TLS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    const TLS13_AES: &[&str] = &[
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
    ];

    fn judge_with(policies: Vec<SslPolicy>, listeners: Vec<crate::inventory::Listener>) -> Outcome {
        let mut inv = inventory();
        inv.ssl_policies = policies;
        inv.load_balancers = vec![lb("lb", "application", "internal", listeners)];
        let out = run::<LbTlsPolicy>(&inv);
        assert_eq!(out.len(), 1, "{out:#?}");
        out.into_iter().next().unwrap()
    }

    fn classic_with(policies: Vec<SslPolicy>) -> Outcome {
        let mut inv = inventory();
        inv.ssl_policies = policies;
        inv.load_balancers = vec![lb(
            "web",
            "classic",
            "internet-facing",
            vec![tls_listener("HTTPS", 443, "web/ref")],
        )];
        let out = run::<LbTlsPolicy>(&inv);
        assert_eq!(out.len(), 1, "{out:#?}");
        out.into_iter().next().unwrap()
    }

    fn by_reference(reference: &str) -> SslPolicy {
        SslPolicy {
            reference: Some(reference.into()),
            ..ssl_policy("web/ref", &[], &[])
        }
    }

    /// `ELBSecurityPolicy-2016-08` as AWS documents it for classic load
    /// balancers (Predefined SSL security policies for Classic Load
    /// Balancers): TLS 1.0-1.2 with AES and 3DES-free suites.
    fn elb_2016_08() -> SslPolicy {
        ssl_policy(
            "elb-classic:ELBSecurityPolicy-2016-08",
            &["TLSv1", "TLSv1.1", "TLSv1.2"],
            &[
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-SHA",
                "AES128-GCM-SHA256",
                "AES256-SHA",
            ],
        )
    }

    /// `ELBSecurityPolicy-TLS-1-2-2017-01`: TLS 1.2 only, AES suites.
    fn elb_tls12() -> SslPolicy {
        ssl_policy(
            "elb-classic:ELBSecurityPolicy-TLS-1-2-2017-01",
            &["TLSv1.2"],
            &[
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "AES128-GCM-SHA256",
                "AES256-SHA256",
            ],
        )
    }

    #[test]
    fn a_classic_reference_policy_is_judged_by_its_reference() {
        let o = classic_with(vec![
            by_reference("ELBSecurityPolicy-TLS-1-2-2017-01"),
            elb_tls12(),
            elb_2016_08(),
        ]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert!(
            o.message.contains(
                "judged by its Reference-Security-Policy ELBSecurityPolicy-TLS-1-2-2017-01"
            ),
            "{}",
            o.message
        );
        let o = classic_with(vec![
            by_reference("ELBSecurityPolicy-2016-08"),
            elb_tls12(),
            elb_2016_08(),
        ]);
        assert_eq!(o.status, Status::Fail, "{o:#?}");
        assert!(
            o.message.contains("ELBSecurityPolicy-2016-08"),
            "{}",
            o.message
        );
        assert!(
            o.evidence.iter().any(|e| e.field
                == "SslPolicies[elb-classic:ELBSecurityPolicy-2016-08].SslProtocols"
                && e.value == "TLSv1, TLSv1.1"),
            "{o:#?}"
        );
    }

    #[test]
    fn a_classic_reference_policy_is_unknown_only_when_neither_can_be_read() {
        let o = classic_with(vec![by_reference("ELBSecurityPolicy-2016-08")]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
        assert!(o.message.contains("was not collected"), "{}", o.message);
        let mut unread = by_reference("ELBSecurityPolicy-2016-08");
        unread.reference_error = Some(aws_error("LoadBalancerNotFound").into());
        let o = classic_with(vec![unread]);
        assert_eq!(o.status, Status::Unknown, "{o:#?}");
        assert!(o.message.contains("LoadBalancerNotFound"), "{}", o.message);
        // Its own attributes win when it lists them (what AWS returns).
        let own = SslPolicy {
            reference: Some("ELBSecurityPolicy-2016-08".into()),
            ..ssl_policy("web/ref", &["TLSv1.2"], &["ECDHE-RSA-AES128-GCM-SHA256"])
        };
        let o = classic_with(vec![own, elb_2016_08()]);
        assert_eq!(o.status, Status::Pass, "{o:#?}");
    }

    #[test]
    fn aes_only_tls12_and_13_passes() {
        let o = judge_with(
            vec![ssl_policy("strict", &["TLSv1.2", "TLSv1.3"], TLS13_AES)],
            vec![tls_listener("HTTPS", 443, "strict"), listener("HTTP", 80)],
        );
        assert_eq!(o.status, Status::Pass, "{o:#?}");
        assert!(
            o.message.contains("strict allows only TLSv1.2, TLSv1.3"),
            "{}",
            o.message
        );
    }

    #[test]
    fn old_protocols_fail() {
        let o = judge_with(
            vec![ssl_policy(
                "old",
                &["TLSv1", "TLSv1.1", "TLSv1.2"],
                TLS13_AES,
            )],
            vec![tls_listener("HTTPS", 443, "old")],
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.evidence[0].field, "Listeners[0].SslPolicy");
        assert_eq!(o.evidence[1].field, "SslPolicies[old].SslProtocols");
        assert_eq!(o.evidence[1].value, "TLSv1, TLSv1.1");
        assert_eq!(o.evidence.len(), 2);
    }

    #[test]
    fn chacha_and_3des_fail_and_can_be_allowed() {
        let mut ciphers = TLS13_AES.to_vec();
        ciphers.extend([
            "TLS_CHACHA20_POLY1305_SHA256",
            "ECDHE-RSA-CHACHA20-POLY1305",
        ]);
        let policy = ssl_policy("chacha", &["TLSv1.2", "TLSv1.3"], &ciphers);
        let o = judge_with(
            vec![policy.clone()],
            vec![tls_listener("TLS", 443, "chacha")],
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("CHACHA20 ciphers"), "{}", o.message);
        assert!(
            o.evidence[1]
                .value
                .contains("TLS_CHACHA20_POLY1305_SHA256 (CHACHA20)")
        );
        let mut inv = inventory();
        inv.ssl_policies = vec![policy];
        inv.load_balancers = vec![lb(
            "lb",
            "network",
            "internet-facing",
            vec![tls_listener("TLS", 443, "chacha")],
        )];
        let p: Params = params(r#"allowed_ciphers = ["AES128", "AES256", "CHACHA20"]"#);
        let out = run_with::<LbTlsPolicy>(&ctx(), &inv, &p);
        expect(&out, "lb", Status::Pass);

        let o = judge_with(
            vec![ssl_policy(
                "legacy",
                &["TLSv1.2"],
                &["AES128-SHA", "DES-CBC3-SHA", "WEIRD-CIPHER"],
            )],
            vec![tls_listener("HTTPS", 443, "legacy")],
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.evidence[1].value.contains("DES-CBC3-SHA (3DES)"));
        assert!(
            o.evidence[1]
                .value
                .contains("WEIRD-CIPHER (unrecognised cipher, cannot be shown to be allowed)")
        );

        // A policy whose only doubt is a cipher conform does not know (a
        // suite newer than conform) cannot be judged: unknown, not fail.
        let o = judge_with(
            vec![ssl_policy(
                "future",
                &["TLSv1.3"],
                &["TLS_AES_128_GCM_SHA256", "TLS_SHINY_NEW_SUITE"],
            )],
            vec![tls_listener("HTTPS", 443, "future")],
        );
        assert_eq!(o.status, Status::Unknown, "{}", o.message);
        assert!(o.message.contains("TLS_SHINY_NEW_SUITE"), "{}", o.message);
    }

    #[test]
    fn missing_definitions_and_policies_are_unknown() {
        let o = judge_with(
            vec![],
            vec![tls_listener("HTTPS", 443, "ELBSecurityPolicy-2099-01")],
        );
        assert_eq!(o.status, Status::Unknown);
        assert!(
            o.message
                .contains("definition of policy ELBSecurityPolicy-2099-01 was not collected")
        );
        let mut inv = inventory();
        for c in &mut inv.coverage {
            if c.dataset == Dataset::SslPolicies {
                c.error = Some(aws_error("AccessDenied"));
            }
        }
        inv.load_balancers = vec![lb(
            "lb",
            "application",
            "internal",
            vec![tls_listener("HTTPS", 443, "p")],
        )];
        let out = run::<LbTlsPolicy>(&inv);
        let o = expect(&out, "lb", Status::Unknown);
        assert!(
            o.evidence[0]
                .note
                .contains("ssl-policies could not be read"),
            "{o:#?}"
        );
        let o = judge_with(vec![], vec![listener("HTTPS", 443)]);
        assert_eq!(o.status, Status::Unknown);
        // A definition in another region does not count.
        let mut elsewhere = ssl_policy("strict", &["TLSv1.2"], TLS13_AES);
        elsewhere.place.region = "us-east-1".into();
        let o = judge_with(vec![elsewhere], vec![tls_listener("HTTPS", 443, "strict")]);
        assert_eq!(o.status, Status::Unknown);
        // Failure wins over unknown.
        let o = judge_with(
            vec![ssl_policy("old", &["TLSv1"], TLS13_AES)],
            vec![
                tls_listener("HTTPS", 443, "old"),
                tls_listener("HTTPS", 8443, "missing"),
            ],
        );
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn classic_policies_are_per_load_balancer() {
        let mut inv = inventory();
        inv.ssl_policies = vec![ssl_policy(
            "elb-web/AWSConsole-SSLNegotiationPolicy-elb-web",
            &["Protocol-TLSv1.2"],
            &["ECDHE-RSA-AES128-GCM-SHA256", "Server-Defined-Cipher-Order"],
        )];
        inv.load_balancers = vec![
            lb(
                "elb-web",
                "classic",
                "internet-facing",
                vec![tls_listener(
                    "SSL",
                    443,
                    "AWSConsole-SSLNegotiationPolicy-elb-web",
                )],
            ),
            lb(
                "elb-other",
                "classic",
                "internet-facing",
                vec![tls_listener(
                    "HTTPS",
                    443,
                    "AWSConsole-SSLNegotiationPolicy-elb-web",
                )],
            ),
            lb(
                "elb-plain",
                "classic",
                "internet-facing",
                vec![listener("TCP", 443)],
            ),
        ];
        let out = run::<LbTlsPolicy>(&inv);
        assert_eq!(
            out.len(),
            2,
            "load balancers without TLS listeners are not judged"
        );
        let skipped = skipped::<LbTlsPolicy>(&inv);
        assert_eq!(skipped.len(), 1, "and counted: {skipped:?}");
        assert_eq!(skipped[0].0, "elb-plain");
        expect(&out, "elb-web", Status::Pass);
        expect(&out, "elb-other", Status::Unknown);
    }

    #[test]
    fn params_are_validated() {
        assert!(LbTlsPolicy::compile(&Params::default()).is_ok());
        let err = |bad: Params| LbTlsPolicy::compile(&bad).unwrap_err();
        let e = err(Params {
            allowed_ciphers: vec!["AES128".into(), "AES".into()],
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("allowed_ciphers", Some(1)));
        let e = err(Params {
            allowed_protocols: vec!["TLS1.2".into()],
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("allowed_protocols", Some(0)));
        let e = err(Params {
            allowed_protocols: vec![],
            ..Params::default()
        });
        assert_eq!((e.param.as_str(), e.index), ("allowed_protocols", None));
    }
}
