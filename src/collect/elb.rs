//! Elastic Load Balancing collectors (regional): ELBv2 load balancers
//! (application, network, gateway), classic load balancers, and the
//! definitions of the TLS policies their listeners use.
//!
//! Calls per region:
//!
//! | what                         | calls                                                         |
//! |------------------------------|---------------------------------------------------------------|
//! | ELBv2 load balancers         | `DescribeLoadBalancers` pages of 400                          |
//! | their listeners              | `DescribeListeners` **per load balancer** (no batch API)      |
//! | their tags                   | `DescribeTags`, one per 20 load balancers                     |
//! | ELBv2 TLS policies           | `DescribeSSLPolicies` once, with the names in use (if any)    |
//! | classic load balancers       | `DescribeLoadBalancers` pages of 400 (listeners included)     |
//! | their tags                   | `DescribeTags`, one per 20 load balancers                     |
//! | classic TLS policies         | `DescribeLoadBalancerPolicies` per classic load balancer with |
//! |                              | an HTTPS/SSL listener, only when TLS policies are collected   |
//! | ELBv2 attributes             | `DescribeLoadBalancerAttributes` **per load balancer**, only  |
//! |                              | with [`Dataset::LoadBalancerAttributes`]                      |
//! | classic attributes           | `DescribeLoadBalancerAttributes` (API version 1) **per load** |
//! |                              | **balancer**, only with                                       |
//! |                              | [`Dataset::ClassicLoadBalancerAttributes`]                    |
//!
//! **Attributes.** Neither API version reads the attributes of several
//! load balancers in one call, so they are read only when a rule needs
//! them (a field of the catalogue that `needs` their dataset). ELBv2's are
//! kept as AWS lists them (key and string value); classic ones as AWS's
//! `LoadBalancerAttributes` structure. A load balancer whose attributes
//! could not be read keeps `None` with the reason in
//! [`LoadBalancer::attributes_error`]; the datasets' coverage is the
//! listing's, as the attributes are read for the load balancers listed.
//!
//! **Classic policy convention.** A classic load balancer's TLS settings
//! are an `SSLNegotiationPolicyType` policy of that load balancer, not a
//! region-wide policy. Its [`SslPolicy::name`] is `"{lb name}/{policy
//! name}"`, and the listener's [`Listener::ssl_policy`] names it the same
//! way, so checks match `listener.ssl_policy` to `SslPolicy::name` within
//! one account and region for both generations. The policy's protocols are
//! its `Protocol-*` attributes set to `true` (prefix stripped), its ciphers
//! the other attributes set to `true` except the option
//! `Server-Defined-Cipher-Order` (and `Reference-Security-Policy`, whose
//! value is a name, kept as [`SslPolicy::reference`]).
//!
//! **Reference policies.** AWS lists every attribute of a policy created
//! with `Reference-Security-Policy`, but an emulator may list only the
//! reference. When a classic policy lists no protocols and no ciphers of
//! its own but names a reference, the referenced predefined policies are
//! read once per region (`DescribeLoadBalancerPolicies` with their names and
//! no load balancer) and stored as `{CLASSIC_PREDEFINED}{name}`; a failure
//! is kept on each referring policy as [`SslPolicy::reference_error`].
//!
//! When policies are not collected (or a load balancer's could not be
//! read), a classic listener's policy is found without their types: the
//! listener's policy names minus the load balancer's cookie-stickiness
//! policies, which leaves the SSL negotiation policy on HTTPS/SSL
//! listeners.
//!
//! **Tags.** A failed `DescribeTags` leaves the load balancers without
//! tags, and since rules select resources by tag, that is recorded as the
//! dataset's error (resources are kept) rather than ignored: a rule scoped
//! by tag would otherwise silently skip them.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aws_sdk_elasticloadbalancing as elb;
use aws_sdk_elasticloadbalancingv2 as elbv2;

use super::context::{Ctx, owned, strs, tags, timestamp};
use super::limits::Api;
use super::pager::{Partial, more_pages};
use crate::inventory::{
    AwsError, CLASSIC_PREDEFINED, ClassicAccessLog, ClassicAttributes, ClassicConnectionDraining,
    Listener, ListenerAction, ListenerRule, LoadBalancer, LoadBalancerAttribute, SslPolicy, Tags,
};
use crate::inventory::{Dataset, Str};

/// The most resources `DescribeTags` accepts (both generations).
const TAGS_BATCH: usize = 20;
/// The largest page of `DescribeLoadBalancers`, `DescribeListeners` and
/// `DescribeSSLPolicies`.
const PAGE_SIZE: i32 = 400;
/// The classic policy type that holds TLS settings.
const SSL_NEGOTIATION: &str = "SSLNegotiationPolicyType";

/// What to read in a region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Wants {
    pub v2: bool,
    pub classic: bool,
    /// The TLS policies of the listeners read (of the generations read).
    pub ssl_policies: bool,
    /// The ELBv2 load balancers' attributes (with `v2`).
    pub v2_attributes: bool,
    /// The classic load balancers' attributes (with `classic`).
    pub classic_attributes: bool,
}

/// What was read in a region; `None` where not asked for.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub v2: Option<Partial<LoadBalancer>>,
    pub classic: Option<Partial<LoadBalancer>>,
    /// Both generations' policies. Its error is the first failure to read
    /// a policy, else the failure to list the load balancers (the set of
    /// policies in use is then incomplete).
    pub ssl_policies: Option<Partial<SslPolicy>>,
}

/// Reads the load balancers (and policies) `wants` asks for in one region.
pub(crate) async fn collect(
    ctx: &Ctx,
    v2_client: &elbv2::Client,
    classic_client: &elb::Client,
    wants: Wants,
) -> Read {
    let v2 = async {
        if !wants.v2 {
            return None;
        }
        let lbs = v2_load_balancers(ctx, v2_client, wants.v2_attributes).await;
        let policies = if wants.ssl_policies {
            let names: BTreeSet<&str> = lbs
                .items
                .iter()
                .flat_map(|lb| &lb.listeners)
                .filter_map(|l| l.ssl_policy.as_deref())
                .collect();
            Some(v2_ssl_policies(ctx, v2_client, &names).await)
        } else {
            None
        };
        Some((lbs, policies))
    };
    let classic = async {
        if wants.classic {
            // Classic load balancers are ELB API version 1, which AWS
            // throttles with buckets of its own.
            let ctx = &ctx.for_api(Api::ClassicElb);
            Some(
                classic_load_balancers(
                    ctx,
                    classic_client,
                    wants.ssl_policies,
                    wants.classic_attributes,
                )
                .await,
            )
        } else {
            None
        }
    };
    let (v2, classic) = futures::join!(v2, classic);

    let mut read = Read::default();
    let mut policies: Option<Partial<SslPolicy>> = wants.ssl_policies.then(Partial::default);
    let mut listing_error = None;
    for (slot, found) in [(&mut read.v2, v2), (&mut read.classic, classic)] {
        let Some((lbs, lb_policies)) = found else {
            continue;
        };
        if let (Some(all), Some(these)) = (&mut policies, lb_policies) {
            all.items.extend(these.items);
            all.error = all.error.take().or(these.error);
        }
        // A failed listing leaves the policies in use unknown; a failed
        // DescribeTags does not.
        listing_error = listing_error.or_else(|| {
            lbs.error
                .clone()
                .filter(|e| e.operation == "DescribeLoadBalancers")
        });
        *slot = Some(lbs);
    }
    if let Some(all) = &mut policies {
        all.error = all.error.take().or(listing_error);
    }
    read.ssl_policies = policies;
    read
}

// ---------------------------------------------------------------- ELBv2

/// Reads the ELBv2 load balancers with their listeners and tags, and
/// their attributes if `attributes`.
///
/// Each page of load balancers is read in detail as soon as it arrives,
/// while the next page is asked for: the per-load-balancer calls are most
/// of what the ELB budget carries, and waiting for the last page first
/// left the budget idle for as long as the listing took (at N = 5000 on
/// the emulator, 34 s before the first listener was asked for).
async fn v2_load_balancers(
    ctx: &Ctx,
    client: &elbv2::Client,
    attributes: bool,
) -> Partial<LoadBalancer> {
    use futures::StreamExt;
    const OP: &str = "DescribeLoadBalancers";
    let (found, pages) = futures::channel::mpsc::unbounded::<Vec<LoadBalancer>>();
    let listing = async move {
        let mut pages = client
            .describe_load_balancers()
            .page_size(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut sends = true;
        loop {
            match ctx.page(OP, sends, pages.next()).await {
                Ok(Some(page)) => {
                    sends = more_pages(page.next_marker());
                    let lbs = page
                        .load_balancers()
                        .iter()
                        .filter_map(|lb| v2_load_balancer(ctx, lb))
                        .collect();
                    // The receiver lives until the listing ends.
                    let _ = found.unbounded_send(lbs);
                }
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    };
    // In the listing's order, whatever order the pages' details end in.
    let details = pages
        .map(|lbs| v2_details(ctx, client, lbs, attributes))
        .buffered(usize::MAX)
        .collect::<Vec<_>>();
    let (error, read) = futures::join!(listing, details);
    // A failed listing is the dataset's error; else the first failed
    // DescribeTags.
    let mut out = Partial {
        items: Vec::new(),
        error,
    };
    for page in read {
        out.items.extend(page.items);
        out.error = out.error.take().or(page.error);
    }
    out
}

/// Reads the listeners (and the rules of internet-facing application load
/// balancers'), the tags, and the attributes if `attributes`, of one page
/// of load balancers. The error is the first failed `DescribeTags`; the
/// other calls' errors stay with their load balancer.
async fn v2_details(
    ctx: &Ctx,
    client: &elbv2::Client,
    mut lbs: Vec<LoadBalancer>,
    attributes: bool,
) -> Partial<LoadBalancer> {
    let arns: Vec<String> = lbs.iter().map(|lb| lb.arn.to_string()).collect();
    let listeners = futures::future::join_all(lbs.iter_mut().map(|lb| async move {
        match v2_listeners(ctx, client, &lb.arn).await {
            Ok(listeners) => lb.listeners = listeners,
            Err(e) => lb.listeners_error = Some(e.into()),
        }
        if lb.scheme == "internet-facing" && lb.kind == "application" {
            for listener in lb.listeners.iter_mut().filter(|l| needs_rules(l)) {
                match v2_rules(ctx, client, listener).await {
                    Ok(rules) => listener.rules = Some(rules),
                    Err(e) => listener.rules_error = Some(e.into()),
                }
            }
        }
        if attributes {
            match v2_attributes(ctx, client, &lb.arn).await {
                Ok(found) => lb.attributes = Some(found),
                Err(e) => lb.attributes_error = Some(e.into()),
            }
        }
    }));
    let tags = futures::future::join_all(
        arns.chunks(TAGS_BATCH)
            .map(|batch| v2_tags(ctx, client, batch)),
    );
    let (_, tag_reads) = futures::join!(listeners, tags);

    let mut error = None;
    let mut by_arn: BTreeMap<String, Tags> = BTreeMap::new();
    for read in tag_reads {
        match read {
            Ok(found) => by_arn.extend(found),
            Err(e) => error = error.or(Some(e)),
        }
    }
    for lb in &mut lbs {
        if let Some(t) = by_arn.remove(lb.arn.as_str()) {
            lb.tags = t;
        }
    }
    Partial { items: lbs, error }
}

/// An ELBv2 load balancer's attributes (`DescribeLoadBalancerAttributes`,
/// not paginated).
async fn v2_attributes(
    ctx: &Ctx,
    client: &elbv2::Client,
    lb_arn: &str,
) -> Result<Vec<LoadBalancerAttribute>, AwsError> {
    let answer = ctx
        .call(
            "DescribeLoadBalancerAttributes",
            client
                .describe_load_balancer_attributes()
                .load_balancer_arn(lb_arn)
                .send(),
        )
        .await?;
    Ok(v2_attribute_list(answer.attributes()))
}

/// The attributes AWS listed, those without a key left out.
fn v2_attribute_list(found: &[elbv2::types::LoadBalancerAttribute]) -> Vec<LoadBalancerAttribute> {
    found
        .iter()
        .filter_map(|a| {
            Some(LoadBalancerAttribute {
                key: a.key().filter(|k| !k.is_empty())?.into(),
                value: a.value().unwrap_or_default().into(),
            })
        })
        .collect()
}

fn v2_load_balancer(ctx: &Ctx, lb: &elbv2::types::LoadBalancer) -> Option<LoadBalancer> {
    let arn = lb.load_balancer_arn()?.to_string();
    Some(LoadBalancer {
        place: ctx.place(),
        name: lb.load_balancer_name().unwrap_or_default().into(),
        kind: lb.r#type().map(|t| t.as_str()).unwrap_or_default().into(),
        scheme: lb.scheme().map(|s| s.as_str()).unwrap_or_default().into(),
        dns_name: owned(lb.dns_name()),
        availability_zones: lb
            .availability_zones()
            .iter()
            .filter_map(|z| owned(z.zone_name()))
            .collect(),
        security_group_ids: strs(lb.security_groups()),
        tags: Tags::new(),
        listeners: Vec::new(),
        listeners_error: None,
        vpc_id: owned(lb.vpc_id()),
        created_time: lb.created_time().and_then(timestamp),
        ip_address_type: lb.ip_address_type().map(|t| t.as_str().into()),
        state: lb.state().and_then(|s| s.code()).map(|c| c.as_str().into()),
        attributes: None,
        classic_attributes: None,
        attributes_error: None,
        arn: arn.into(),
    })
}

async fn v2_listeners(
    ctx: &Ctx,
    client: &elbv2::Client,
    lb_arn: &str,
) -> Result<Vec<Listener>, AwsError> {
    const OP: &str = "DescribeListeners";
    let mut listeners = Vec::new();
    let mut pages = client
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .page_size(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut sends = true;
    while let Some(page) = ctx.page(OP, sends, pages.next()).await? {
        sends = more_pages(page.next_marker());
        listeners.extend(page.listeners().iter().map(v2_listener));
    }
    Ok(listeners)
}

/// Whether a listener's other rules matter: a plain HTTP listener whose
/// default action redirects could still forward some requests by rule.
/// (One that forwards by default already serves plain HTTP.)
fn needs_rules(l: &Listener) -> bool {
    l.protocol.eq_ignore_ascii_case("HTTP")
        && l.arn.is_some()
        && l.default_actions.iter().any(|a| a.kind == "redirect")
}

/// Reads a listener's rules (`DescribeRules`, paginated), without the
/// default rule, whose actions the listener already holds.
async fn v2_rules(
    ctx: &Ctx,
    client: &elbv2::Client,
    listener: &Listener,
) -> Result<Vec<ListenerRule>, AwsError> {
    const OP: &str = "DescribeRules";
    let Some(arn) = &listener.arn else {
        return Ok(Vec::new());
    };
    let mut rules = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call(
                OP,
                client
                    .describe_rules()
                    .listener_arn(arn.as_str())
                    .page_size(PAGE_SIZE)
                    .set_marker(marker.take())
                    .send(),
            )
            .await?;
        rules.extend(
            page.rules()
                .iter()
                .filter(|r| !r.is_default().unwrap_or(false))
                .map(|r| ListenerRule {
                    arn: owned(r.rule_arn()),
                    priority: r.priority().unwrap_or_default().into(),
                    actions: r.actions().iter().map(v2_action).collect(),
                }),
        );
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(rules)
}

fn v2_action(a: &elbv2::types::Action) -> ListenerAction {
    ListenerAction {
        kind: a.r#type().map(|t| t.as_str()).unwrap_or_default().into(),
        redirect_protocol: owned(a.redirect_config().and_then(|r| r.protocol())),
        redirect_port: owned(a.redirect_config().and_then(|r| r.port())),
    }
}

fn v2_listener(l: &elbv2::types::Listener) -> Listener {
    Listener {
        arn: owned(l.listener_arn()),
        // Kept even when AWS omits protocol or port: a listener dropped
        // here would be a listener no check sees.
        protocol: l.protocol().map(|p| p.as_str()).unwrap_or_default().into(),
        port: l.port().unwrap_or_default(),
        ssl_policy: owned(l.ssl_policy()),
        default_actions: l.default_actions().iter().map(v2_action).collect(),
        rules: None,
        rules_error: None,
    }
}

async fn v2_tags(
    ctx: &Ctx,
    client: &elbv2::Client,
    arns: &[String],
) -> Result<Vec<(String, Tags)>, AwsError> {
    let answer = ctx
        .call(
            "DescribeTags",
            client
                .describe_tags()
                .set_resource_arns(Some(arns.to_vec()))
                .send(),
        )
        .await?;
    Ok(answer
        .tag_descriptions()
        .iter()
        .filter_map(|d| {
            Some((
                d.resource_arn()?.to_string(),
                tags(d.tags().iter().map(|t| (t.key(), t.value()))),
            ))
        })
        .collect())
}

/// Reads the definitions of the named ELBv2 policies (none if no listener
/// uses one).
async fn v2_ssl_policies(
    ctx: &Ctx,
    client: &elbv2::Client,
    names: &BTreeSet<&str>,
) -> Partial<SslPolicy> {
    const OP: &str = "DescribeSSLPolicies";
    let mut out = Partial::default();
    if names.is_empty() {
        return out;
    }
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut marker: Option<String> = None;
    loop {
        let request = client
            .describe_ssl_policies()
            .set_names(Some(names.clone()))
            .page_size(PAGE_SIZE)
            .set_marker(marker.take());
        match ctx.call(OP, request.send()).await {
            Ok(page) => {
                out.items.extend(page.ssl_policies().iter().filter_map(|p| {
                    Some(SslPolicy {
                        place: ctx.place(),
                        name: p.name()?.into(),
                        protocols: strs(p.ssl_protocols()),
                        ciphers: p.ciphers().iter().filter_map(|c| owned(c.name())).collect(),
                        reference: None,
                        reference_error: None,
                    })
                }));
                match page.next_marker() {
                    Some(next) if !next.is_empty() => marker = Some(next.to_string()),
                    _ => break,
                }
            }
            Err(e) => break out.error = Some(e),
        }
    }
    out
}

// -------------------------------------------------------------- classic

/// A classic load balancer as read, with what is needed to name its
/// listeners' policies.
struct Classic {
    lb: LoadBalancer,
    /// Per listener (same order as `lb.listeners`), its policy names.
    listener_policies: Vec<Vec<String>>,
    /// The load balancer's cookie-stickiness policy names.
    stickiness: HashSet<String>,
}

/// Reads the classic load balancers with their tags, if `policies` their
/// TLS policies, and if `attributes` their attributes.
async fn classic_load_balancers(
    ctx: &Ctx,
    client: &elb::Client,
    policies: bool,
    attributes: bool,
) -> (Partial<LoadBalancer>, Option<Partial<SslPolicy>>) {
    const OP: &str = "DescribeLoadBalancers";
    let Partial {
        items: mut found,
        mut error,
    } = read_pages!(
        ctx,
        OP,
        client
            .describe_load_balancers()
            .page_size(PAGE_SIZE)
            .into_paginator()
            .send(),
        |page| page
            .load_balancer_descriptions()
            .iter()
            .filter_map(|d| classic_load_balancer(ctx, d)),
        more: |last| last.next_marker(),
    );

    // Name every TLS listener's policy without the policy types first;
    // `classic_policies` corrects the names from the types if it can.
    found.iter_mut().for_each(name_policies_without_types);

    let names: Vec<String> = found.iter().map(|c| c.lb.name.to_string()).collect();
    let tags = futures::future::join_all(
        names
            .chunks(TAGS_BATCH)
            .map(|batch| classic_tags(ctx, client, batch)),
    );
    let policy_reads = futures::future::join_all(
        found
            .iter_mut()
            .filter(|c| policies && c.lb.listeners.iter().any(|l| is_tls(&l.protocol)))
            .map(|c| classic_policies(ctx, client, c)),
    );
    let attribute_reads = futures::future::join_all(
        names
            .iter()
            .filter(|_| attributes)
            .map(|name| classic_attributes(ctx, client, name)),
    );
    let (tag_reads, policy_reads, attribute_reads) =
        futures::join!(tags, policy_reads, attribute_reads);
    let mut attributes_by_name: BTreeMap<&str, Result<ClassicAttributes, AwsError>> = names
        .iter()
        .filter(|_| attributes)
        .map(String::as_str)
        .zip(attribute_reads)
        .collect();

    let mut by_name: BTreeMap<String, Tags> = BTreeMap::new();
    for read in tag_reads {
        match read {
            Ok(t) => by_name.extend(t),
            Err(e) => error = error.or(Some(e)),
        }
    }
    let policies = if policies {
        let mut out = Partial::default();
        for read in policy_reads {
            match read {
                Ok(p) => out.items.extend(p),
                Err(e) => out.error = out.error.take().or(Some(e)),
            }
        }
        resolve_references(ctx, client, &mut out.items).await;
        Some(out)
    } else {
        None
    };

    let items = found
        .into_iter()
        .map(|mut c| {
            if let Some(t) = by_name.remove(c.lb.name.as_str()) {
                c.lb.tags = t;
            }
            match attributes_by_name.remove(c.lb.name.as_str()) {
                Some(Ok(a)) => c.lb.classic_attributes = Some(a),
                Some(Err(e)) => c.lb.attributes_error = Some(e.into()),
                None => {}
            }
            c.lb
        })
        .collect();
    (Partial { items, error }, policies)
}

/// A classic load balancer's attributes (`DescribeLoadBalancerAttributes`
/// of API version 1).
async fn classic_attributes(
    ctx: &Ctx,
    client: &elb::Client,
    name: &str,
) -> Result<ClassicAttributes, AwsError> {
    let answer = ctx
        .call(
            "DescribeLoadBalancerAttributes",
            client
                .describe_load_balancer_attributes()
                .load_balancer_name(name)
                .send(),
        )
        .await?;
    Ok(answer
        .load_balancer_attributes()
        .map(classic_attribute_set)
        .unwrap_or_default())
}

fn classic_attribute_set(a: &elb::types::LoadBalancerAttributes) -> ClassicAttributes {
    ClassicAttributes {
        cross_zone: a.cross_zone_load_balancing().map(|c| c.enabled()),
        access_log: a.access_log().map(|l| ClassicAccessLog {
            enabled: l.enabled(),
            s3_bucket_name: owned(l.s3_bucket_name()),
            emit_interval: l.emit_interval(),
            s3_bucket_prefix: owned(l.s3_bucket_prefix()),
        }),
        connection_draining: a.connection_draining().map(|d| ClassicConnectionDraining {
            enabled: d.enabled(),
            timeout: d.timeout(),
        }),
        idle_timeout: a.connection_settings().map(|s| s.idle_timeout()),
        additional: a
            .additional_attributes()
            .iter()
            .filter_map(|x| {
                Some(LoadBalancerAttribute {
                    key: x.key().filter(|k| !k.is_empty())?.into(),
                    value: x.value().unwrap_or_default().into(),
                })
            })
            .collect(),
    }
}

/// Names the TLS listeners' policies from the listeners' policy names
/// minus the cookie-stickiness policies (the only other policies a
/// listener carries).
fn name_policies_without_types(c: &mut Classic) {
    for (listener, names) in c.lb.listeners.iter_mut().zip(&c.listener_policies) {
        if is_tls(&listener.protocol) {
            listener.ssl_policy = names
                .iter()
                .find(|n| !c.stickiness.contains(*n))
                .map(|n| format!("{}/{n}", c.lb.name).into());
        }
    }
}

/// Whether a classic policy lists nothing of its own but names a
/// reference, so that it must be judged by the referenced definition.
fn needs_reference(p: &SslPolicy) -> bool {
    p.protocols.is_empty() && p.ciphers.is_empty() && p.reference.is_some()
}

/// Reads the predefined policies that `policies` reference without listing
/// their own protocols and ciphers, once for the region, and adds their
/// definitions to `policies`.
async fn resolve_references(ctx: &Ctx, client: &elb::Client, policies: &mut Vec<SslPolicy>) {
    let wanted: BTreeSet<Str> = policies
        .iter()
        .filter(|p| needs_reference(p))
        .filter_map(|p| p.reference.clone())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let answer = ctx
        .call(
            "DescribeLoadBalancerPolicies",
            client
                .describe_load_balancer_policies()
                .set_policy_names(Some(wanted.iter().map(|n| n.to_string()).collect()))
                .send(),
        )
        .await;
    match answer {
        Ok(answer) => {
            let found: Vec<SslPolicy> = answer
                .policy_descriptions()
                .iter()
                .filter_map(|p| {
                    let name = p.policy_name()?;
                    negotiation_policy(ctx, format!("{CLASSIC_PREDEFINED}{name}"), p)
                })
                .collect();
            policies.extend(found);
        }
        Err(e) => {
            for p in policies.iter_mut().filter(|p| needs_reference(p)) {
                p.reference_error = Some(e.clone().into());
            }
        }
    }
}

/// The [`SslPolicy`] of a classic load balancer's policy, if it is an SSL
/// negotiation policy.
fn classic_ssl_policy(
    ctx: &Ctx,
    lb_name: &str,
    p: &elb::types::PolicyDescription,
) -> Option<SslPolicy> {
    let name = p.policy_name()?;
    negotiation_policy(ctx, format!("{lb_name}/{name}"), p)
}

/// An SSL negotiation policy's definition under the given name; `None` for
/// policies of other types.
fn negotiation_policy(
    ctx: &Ctx,
    name: String,
    p: &elb::types::PolicyDescription,
) -> Option<SslPolicy> {
    if p.policy_type_name() != Some(SSL_NEGOTIATION) {
        return None;
    }
    let reference = p
        .policy_attribute_descriptions()
        .iter()
        .find(|a| a.attribute_name() == Some("Reference-Security-Policy"))
        .and_then(|a| owned::<Str>(a.attribute_value()))
        .filter(|v| !v.trim().is_empty());
    let enabled = p
        .policy_attribute_descriptions()
        .iter()
        .filter(|a| {
            a.attribute_value()
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        })
        .filter_map(|a| a.attribute_name());
    let (mut protocols, mut ciphers) = (Vec::new(), Vec::new());
    for attribute in enabled {
        match attribute.strip_prefix("Protocol-") {
            Some(protocol) => protocols.push(Str::from(protocol)),
            None if attribute == "Server-Defined-Cipher-Order"
                || attribute == "Reference-Security-Policy" => {}
            None => ciphers.push(Str::from(attribute)),
        }
    }
    Some(SslPolicy {
        place: ctx.place(),
        name: name.into(),
        protocols,
        ciphers,
        reference,
        reference_error: None,
    })
}

fn is_tls(protocol: &str) -> bool {
    protocol.eq_ignore_ascii_case("HTTPS") || protocol.eq_ignore_ascii_case("SSL")
}

fn classic_load_balancer(ctx: &Ctx, d: &elb::types::LoadBalancerDescription) -> Option<Classic> {
    let name = d.load_balancer_name().filter(|n| !n.is_empty())?;
    let name = Str::from(name);
    let mut listeners = Vec::new();
    let mut listener_policies = Vec::new();
    for ld in d.listener_descriptions() {
        let Some(l) = ld.listener() else { continue };
        listeners.push(Listener {
            arn: None,
            protocol: l.protocol().into(),
            port: l.load_balancer_port(),
            ssl_policy: None,
            default_actions: Vec::new(),
            rules: None,
            rules_error: None,
        });
        listener_policies.push(ld.policy_names().to_vec());
    }
    let stickiness = d
        .policies()
        .map(|p| {
            p.app_cookie_stickiness_policies()
                .iter()
                .filter_map(|s| owned(s.policy_name()))
                .chain(
                    p.lb_cookie_stickiness_policies()
                        .iter()
                        .filter_map(|s| owned(s.policy_name())),
                )
                .collect()
        })
        .unwrap_or_default();
    Some(Classic {
        lb: LoadBalancer {
            arn: ctx.arn_of(Dataset::ClassicLoadBalancers, &name).into(),
            place: ctx.place(),
            kind: "classic".into(),
            scheme: d.scheme().unwrap_or_default().into(),
            dns_name: owned(d.dns_name()),
            availability_zones: strs(d.availability_zones()),
            security_group_ids: strs(d.security_groups()),
            tags: Tags::new(),
            listeners,
            listeners_error: None,
            vpc_id: owned(d.vpc_id()),
            created_time: d.created_time().and_then(timestamp),
            ip_address_type: None,
            state: None,
            attributes: None,
            classic_attributes: None,
            attributes_error: None,
            name,
        },
        listener_policies,
        stickiness,
    })
}

async fn classic_tags(
    ctx: &Ctx,
    client: &elb::Client,
    names: &[String],
) -> Result<Vec<(String, Tags)>, AwsError> {
    let answer = ctx
        .call(
            "DescribeTags",
            client
                .describe_tags()
                .set_load_balancer_names(Some(names.to_vec()))
                .send(),
        )
        .await?;
    Ok(answer
        .tag_descriptions()
        .iter()
        .filter_map(|d| {
            Some((
                d.load_balancer_name()?.to_string(),
                tags(d.tags().iter().map(|t| (Some(t.key()), t.value()))),
            ))
        })
        .collect())
}

/// Reads one classic load balancer's policies: returns its TLS policies,
/// and names its TLS listeners' policies exactly (by type).
async fn classic_policies(
    ctx: &Ctx,
    client: &elb::Client,
    c: &mut Classic,
) -> Result<Vec<SslPolicy>, AwsError> {
    let answer = ctx
        .call(
            "DescribeLoadBalancerPolicies",
            client
                .describe_load_balancer_policies()
                .load_balancer_name(c.lb.name.as_str())
                .send(),
        )
        .await?;
    let mut negotiation: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for p in answer.policy_descriptions() {
        if let Some(policy) = classic_ssl_policy(ctx, &c.lb.name, p) {
            negotiation.extend(p.policy_name());
            out.push(policy);
        }
    }
    for (listener, names) in c.lb.listeners.iter_mut().zip(&c.listener_policies) {
        if let Some(n) = names.iter().find(|n| negotiation.contains(n.as_str())) {
            listener.ssl_policy = Some(format!("{}/{n}", c.lb.name).into());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use aws_sdk_elasticloadbalancing::types::{PolicyAttributeDescription, PolicyDescription};

    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(
            "123456789012",
            "aws",
            "eu-north-1",
            Arc::new(crate::collect::limits::Limits::new(
                1,
                None,
                crate::collect::limits::DEFAULT_SHARE,
            )),
        )
    }

    fn policy(name: &str, kind: &str, attributes: &[(&str, &str)]) -> PolicyDescription {
        let mut p = PolicyDescription::builder()
            .policy_name(name)
            .policy_type_name(kind);
        for (k, v) in attributes {
            p = p.policy_attribute_descriptions(
                PolicyAttributeDescription::builder()
                    .attribute_name(*k)
                    .attribute_value(*v)
                    .build(),
            );
        }
        p.build()
    }

    #[test]
    fn classic_negotiation_policy_lists_enabled_protocols_and_ciphers() {
        let p = policy(
            "tls",
            SSL_NEGOTIATION,
            &[
                ("Protocol-TLSv1", "false"),
                ("Protocol-TLSv1.2", "true"),
                ("Protocol-SSLv3", "true"),
                ("Server-Defined-Cipher-Order", "true"),
                (
                    "Reference-Security-Policy",
                    "ELBSecurityPolicy-TLS-1-2-2017-01",
                ),
                ("ECDHE-RSA-AES128-GCM-SHA256", "true"),
                ("AES128-SHA", "false"),
            ],
        );
        let got = classic_ssl_policy(&ctx(), "web", &p).expect("an SSL negotiation policy");
        assert_eq!(got.name, "web/tls");
        assert_eq!(got.protocols, ["TLSv1.2", "SSLv3"]);
        assert_eq!(got.ciphers, ["ECDHE-RSA-AES128-GCM-SHA256"]);
        assert_eq!(got.place.region, "eu-north-1");
        assert_eq!(
            got.reference.as_deref(),
            Some("ELBSecurityPolicy-TLS-1-2-2017-01")
        );
        assert!(!needs_reference(&got), "it lists its own protocols");
        // What an emulator returns for a policy made from a reference: the
        // reference alone.
        let bare = policy(
            "ref",
            SSL_NEGOTIATION,
            &[("Reference-Security-Policy", "ELBSecurityPolicy-2016-08")],
        );
        let got = classic_ssl_policy(&ctx(), "web", &bare).expect("an SSL negotiation policy");
        assert!(got.protocols.is_empty() && got.ciphers.is_empty());
        assert!(needs_reference(&got));
    }

    #[test]
    fn a_predefined_policy_is_stored_under_its_own_name() {
        // AWS's answer to DescribeLoadBalancerPolicies for a sample policy
        // (attribute names and values as AWS lists them; abridged).
        let p = policy(
            "ELBSecurityPolicy-TLS-1-2-2017-01",
            SSL_NEGOTIATION,
            &[
                ("Protocol-TLSv1", "false"),
                ("Protocol-SSLv3", "false"),
                ("Protocol-TLSv1.1", "false"),
                ("Protocol-TLSv1.2", "true"),
                ("Server-Defined-Cipher-Order", "true"),
                ("ECDHE-ECDSA-AES128-GCM-SHA256", "true"),
                ("ECDHE-RSA-AES128-GCM-SHA256", "true"),
                ("ECDHE-RSA-AES128-SHA", "false"),
                ("AES256-SHA256", "true"),
                ("DES-CBC3-SHA", "false"),
            ],
        );
        let name = format!("{CLASSIC_PREDEFINED}ELBSecurityPolicy-TLS-1-2-2017-01");
        let got = negotiation_policy(&ctx(), name.clone(), &p).expect("a negotiation policy");
        assert_eq!(got.name, name);
        assert_eq!(got.protocols, ["TLSv1.2"]);
        assert_eq!(
            got.ciphers,
            [
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "AES256-SHA256"
            ]
        );
        assert_eq!(got.reference, None);
    }

    #[test]
    fn other_classic_policies_are_not_tls_policies() {
        let p = policy(
            "sticky",
            "LBCookieStickinessPolicyType",
            &[("CookieExpirationPeriod", "60")],
        );
        assert!(classic_ssl_policy(&ctx(), "web", &p).is_none());
    }

    #[test]
    fn classic_listener_policy_is_named_after_its_load_balancer() {
        use aws_sdk_elasticloadbalancing::types as t;
        let d = t::LoadBalancerDescription::builder()
            .load_balancer_name("web")
            .listener_descriptions(
                t::ListenerDescription::builder()
                    .listener(
                        t::Listener::builder()
                            .protocol("HTTPS")
                            .load_balancer_port(443)
                            .instance_port(80)
                            .build()
                            .expect("a listener"),
                    )
                    .policy_names("sticky")
                    .policy_names("tls")
                    .build(),
            )
            .policies(
                t::Policies::builder()
                    .lb_cookie_stickiness_policies(
                        t::LbCookieStickinessPolicy::builder()
                            .policy_name("sticky")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let mut c = classic_load_balancer(&ctx(), &d).expect("a load balancer");
        assert_eq!(
            c.lb.arn,
            "arn:aws:elasticloadbalancing:eu-north-1:123456789012:loadbalancer/web"
        );
        assert_eq!(c.lb.kind, "classic");
        assert_eq!(c.lb.listeners[0].ssl_policy, None);
        name_policies_without_types(&mut c);
        assert_eq!(c.lb.listeners[0].ssl_policy.as_deref(), Some("web/tls"));
    }
}
