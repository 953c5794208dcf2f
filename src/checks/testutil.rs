//! Terse builders of small inventories for the checks' unit tests.

use std::str::FromStr;

use ipnet::IpNet;
use jiff::Timestamp;
use serde::de::DeserializeOwned;

use super::{Check, Context};
use crate::analysis::net::AddressSpace;
use crate::findings::{Outcome, Status};
use crate::inventory::*;

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "eu-north-1";

pub fn place() -> Place {
    Place {
        account: ACCOUNT.into(),
        region: REGION.into(),
    }
}

pub fn now() -> Timestamp {
    Timestamp::from_str("2025-06-01T00:00:00Z").unwrap()
}

/// An empty inventory of one account and region, with every dataset read.
pub fn inventory() -> Inventory {
    let mut inv = Inventory::new(now());
    inv.scope.push(ScannedAccount {
        account: ACCOUNT.into(),
        partition: "aws".into(),
        regions: vec![REGION.into()],
        error: None,
    });
    for &dataset in Dataset::ALL {
        inv.coverage.push(Coverage {
            account: ACCOUNT.into(),
            region: if dataset.is_global() {
                GLOBAL.into()
            } else {
                REGION.into()
            },
            dataset,
            error: None,
        });
    }
    inv
}

pub fn aws_error(code: &str) -> AwsError {
    AwsError {
        operation: "SomeOperation".into(),
        code: code.into(),
        message: "not allowed".into(),
    }
}

/// A context with the default private space.
pub fn ctx() -> Context {
    Context {
        addresses: AddressSpace::default(),
        now: now(),
        pass_detail: true,
        orders: Default::default(),
    }
}

/// A context that also trusts `trusted`.
pub fn ctx_trusting(trusted: &[&str]) -> Context {
    let private: Vec<IpNet> = crate::analysis::net::DEFAULT_PRIVATE_CIDRS
        .iter()
        .map(|c| IpNet::from_str(c).unwrap())
        .collect();
    let trusted: Vec<IpNet> = trusted
        .iter()
        .map(|c| IpNet::from_str(c).unwrap())
        .collect();
    Context {
        addresses: AddressSpace::new(&private, &trusted),
        now: now(),
        pass_detail: true,
        orders: Default::default(),
    }
}

/// Parameters from a TOML table body (`allowed = ["tcp/80"]`).
pub fn params<P: DeserializeOwned>(toml_text: &str) -> P {
    toml::from_str(toml_text).unwrap()
}

/// Runs a check with its default parameters.
pub fn run<C: Check>(inv: &Inventory) -> Vec<Outcome> {
    run_with::<C>(&ctx(), inv, &C::Params::default())
}

/// Compiles `params` (they must compile) and runs the check with them.
pub fn run_with<C: Check>(ctx: &Context, inv: &Inventory, params: &C::Params) -> Vec<Outcome> {
    let compiled = C::compile(params).unwrap_or_else(|e| panic!("{e}"));
    C::evaluate(ctx, inv, &compiled)
}

/// The subjects the check (default parameters) does not judge: (resource
/// name, reason), in the order reported.
pub fn skipped<C: Check>(inv: &Inventory) -> Vec<(String, &'static str)> {
    let compiled = C::compile(&C::Params::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    C::not_judged(&ctx(), inv, &compiled, &mut |r, why| {
        out.push((r.name.clone(), why))
    });
    out
}

/// The single outcome for the resource named `name`.
pub fn outcome<'a>(outcomes: &'a [Outcome], name: &str) -> &'a Outcome {
    let found: Vec<_> = outcomes
        .iter()
        .filter(|o| o.resource.name == name)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one outcome for {name}, got {outcomes:#?}"
    );
    found[0]
}

/// Asserts the status of the single outcome for `name` and returns it.
#[track_caller]
pub fn expect<'a>(outcomes: &'a [Outcome], name: &str, status: Status) -> &'a Outcome {
    let o = outcome(outcomes, name);
    assert_eq!(o.status, status, "{name}: {o:#?}");
    if status != Status::Pass {
        assert!(!o.evidence.is_empty(), "{name}: no evidence: {o:#?}");
        for e in &o.evidence {
            assert!(
                !e.field.is_empty() && !e.value.is_empty() && !e.note.is_empty(),
                "{name}: incomplete evidence {e:?}"
            );
        }
    }
    assert!(
        !o.message.is_empty() && !o.message.contains('\n'),
        "{name}: message {:?}",
        o.message
    );
    o
}

/// Whether any evidence of `o` mentions `text` in its field, value or note.
pub fn mentions(o: &Outcome, text: &str) -> bool {
    o.evidence
        .iter()
        .any(|e| e.field.contains(text) || e.value.contains(text) || e.note.contains(text))
}

fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}")
}

pub fn sg(id: &str, ingress: Vec<IpPermission>) -> SecurityGroup {
    SecurityGroup {
        arn: arn("security-group", id).into(),
        place: place(),
        id: id.into(),
        name: compact_str::format_compact!("{id}-name"),
        vpc_id: Some("vpc-1".into()),
        tags: Tags::new(),
        ingress,
        ..Default::default()
    }
}

/// A permission from IPv4 ranges.
pub fn perm(protocol: &str, from: Option<i32>, to: Option<i32>, v4: &[&str]) -> IpPermission {
    IpPermission {
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        ipv4_ranges: v4.iter().map(|s| (*s).into()).collect(),
        ipv6_ranges: Vec::new(),
        prefix_list_ids: Vec::new(),
        group_ids: Vec::new(),
    }
}

/// A tcp permission on `from..=to` from IPv4 ranges.
pub fn tcp(from: i32, to: i32, v4: &[&str]) -> IpPermission {
    perm("tcp", Some(from), Some(to), v4)
}

pub fn prefix_list(id: &str, entries: Option<&[&str]>) -> PrefixList {
    PrefixList {
        arn: arn("prefix-list", id).into(),
        place: place(),
        id: id.into(),
        name: compact_str::format_compact!("{id}-name"),
        owner_id: Some(ACCOUNT.into()),
        address_family: Some("IPv4".into()),
        entries: entries.map(|e| e.iter().map(|s| (*s).into()).collect()),
        entries_error: None,
        ..Default::default()
    }
}

pub fn eni(id: &str, sgs: &[&str]) -> NetworkInterface {
    NetworkInterface {
        arn: arn("network-interface", id).into(),
        place: place(),
        id: id.into(),
        interface_type: Some("interface".into()),
        requester_id: None,
        requester_managed: false,
        description: None,
        instance_id: None,
        security_group_ids: sgs.iter().map(|s| (*s).into()).collect(),
        public_ip: None,
        tags: Tags::new(),
        ..Default::default()
    }
}

pub fn instance(id: &str) -> Instance {
    Instance {
        arn: arn("instance", id).into(),
        place: place(),
        id: id.into(),
        state: Some("running".into()),
        availability_zone: Some(compact_str::format_compact!("{REGION}a")),
        public_ip: None,
        ipv6_addresses: Vec::new(),
        subnet_id: Some("subnet-1".into()),
        security_group_ids: Vec::new(),
        tags: Tags::new(),
        interfaces: Vec::new(),
        ..Default::default()
    }
}

pub fn nacl(id: &str, entries: Vec<NaclEntry>) -> NetworkAcl {
    NetworkAcl {
        arn: arn("network-acl", id).into(),
        place: place(),
        id: id.into(),
        vpc_id: Some("vpc-1".into()),
        is_default: false,
        tags: Tags::new(),
        entries,
        subnet_ids: vec!["subnet-1".into()],
        ..Default::default()
    }
}

/// An inbound IPv4 entry. `ports` is ignored unless given.
pub fn entry(
    rule: i32,
    action: &str,
    protocol: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NaclEntry {
    let v6 = cidr.contains(':');
    NaclEntry {
        rule_number: rule,
        protocol: protocol.into(),
        action: action.into(),
        egress: false,
        cidr_block: (!v6).then(|| cidr.into()),
        ipv6_cidr_block: v6.then(|| cidr.into()),
        port_from: ports.map(|p| p.0),
        port_to: ports.map(|p| p.1),
        icmp_type: None,
        icmp_code: None,
    }
}

pub fn lb(name: &str, kind: &str, scheme: &str, listeners: Vec<Listener>) -> LoadBalancer {
    let arn = if kind == "classic" {
        format!("arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{name}")
    } else {
        let short = if kind == "application" { "app" } else { "net" };
        format!(
            "arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{short}/{name}/0123456789abcdef"
        )
    };
    LoadBalancer {
        arn: arn.into(),
        place: place(),
        name: name.into(),
        kind: kind.into(),
        scheme: scheme.into(),
        dns_name: None,
        availability_zones: vec![
            compact_str::format_compact!("{REGION}a"),
            compact_str::format_compact!("{REGION}b"),
        ],
        security_group_ids: Vec::new(),
        tags: Tags::new(),
        listeners,
        listeners_error: None,
        vpc_id: None,
        created_time: None,
        ip_address_type: None,
        state: None,
        attributes: None,
        classic_attributes: None,
        attributes_error: None,
    }
}

pub fn listener(protocol: &str, port: i32) -> Listener {
    Listener {
        arn: None,
        protocol: protocol.into(),
        port,
        ssl_policy: None,
        default_actions: vec![ListenerAction {
            kind: "forward".into(),
            redirect_protocol: None,
            redirect_port: None,
        }],
        rules: None,
        rules_error: None,
    }
}

pub fn tls_listener(protocol: &str, port: i32, policy: &str) -> Listener {
    Listener {
        ssl_policy: Some(policy.into()),
        ..listener(protocol, port)
    }
}

pub fn redirect(protocol: Option<&str>) -> ListenerAction {
    ListenerAction {
        kind: "redirect".into(),
        redirect_protocol: protocol.map(Into::into),
        redirect_port: Some("443".into()),
    }
}

pub fn ssl_policy(name: &str, protocols: &[&str], ciphers: &[&str]) -> SslPolicy {
    SslPolicy {
        place: place(),
        name: name.into(),
        protocols: protocols.iter().map(|s| (*s).into()).collect(),
        ciphers: ciphers.iter().map(|s| (*s).into()).collect(),
        reference: None,
        reference_error: None,
    }
}

pub fn db_instance(id: &str) -> DbInstance {
    DbInstance {
        arn: format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{id}").into(),
        place: place(),
        id: id.into(),
        engine: Some("postgres".into()),
        status: Some("available".into()),
        multi_az: false,
        availability_zone: Some(compact_str::format_compact!("{REGION}a")),
        secondary_availability_zone: None,
        cluster_id: None,
        read_replica_source: None,
        publicly_accessible: false,
        storage_encrypted: true,
        backup_retention_days: Some(7),
        preferred_maintenance_window: Some("sun:05:00-sun:05:30".into()),
        read_replica_ids: vec![],
        automated_backup_replications: vec![],
        tags: Tags::new(),
        ..Default::default()
    }
}

pub fn db_cluster(id: &str, members: &[&str]) -> DbCluster {
    DbCluster {
        arn: format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:{id}").into(),
        place: place(),
        id: id.into(),
        engine: Some("aurora-postgresql".into()),
        multi_az: false,
        availability_zones: vec![
            compact_str::format_compact!("{REGION}a"),
            compact_str::format_compact!("{REGION}b"),
            compact_str::format_compact!("{REGION}c"),
        ],
        members: members
            .iter()
            .enumerate()
            .map(|(i, m)| DbClusterMember {
                instance_id: (*m).into(),
                is_writer: i == 0,
            })
            .collect(),
        storage_encrypted: true,
        backup_retention_days: Some(7),
        preferred_maintenance_window: Some("sun:05:00-sun:05:30".into()),
        read_replica_ids: vec![],
        tags: Tags::new(),
        ..Default::default()
    }
}

/// A completed, encrypted EBS snapshot started at `started` (RFC 3339).
pub fn snapshot(id: &str, started: &str) -> Snapshot {
    Snapshot {
        arn: format!("arn:aws:ec2:{REGION}::snapshot/{id}").into(),
        place: place(),
        id: id.into(),
        volume_id: Some("vol-1".into()),
        encrypted: true,
        start_time: Some(started.parse().unwrap()),
        state: Some("completed".into()),
        description: None,
        tags: Tags::new(),
        ..Default::default()
    }
}

/// An encrypted RDS DB snapshot (`cluster` false) or DB cluster snapshot
/// of type `kind` (`manual`, `automated`, ...), created at `created`.
pub fn db_snapshot(id: &str, kind: &str, cluster: bool, created: &str) -> DbSnapshot {
    let what = if cluster {
        "cluster-snapshot"
    } else {
        "snapshot"
    };
    DbSnapshot {
        arn: format!("arn:aws:rds:{REGION}:{ACCOUNT}:{what}:{id}").into(),
        place: place(),
        id: id.into(),
        source_id: Some("db-1".into()),
        cluster,
        snapshot_type: kind.into(),
        encrypted: true,
        created_at: Some(created.parse().unwrap()),
        status: Some("available".into()),
        engine: Some("postgres".into()),
        tags: Tags::new(),
        ..Default::default()
    }
}

/// A replication group with Multi-AZ and automatic failover enabled and
/// one node in each of `azs`.
pub fn cache_replication_group(id: &str, azs: &[&str]) -> CacheReplicationGroup {
    CacheReplicationGroup {
        arn: format!("arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:{id}").into(),
        place: place(),
        id: id.into(),
        multi_az: Some("enabled".into()),
        automatic_failover: Some("enabled".into()),
        member_clusters: (1..=azs.len())
            .map(|i| format!("{id}-00{i}").into())
            .collect(),
        member_availability_zones: azs.iter().map(|s| (*s).into()).collect(),
        tags: Tags::new(),
        node_groups: Vec::new(),
        ..Default::default()
    }
}

/// A Redis cache cluster with the given maintenance window.
pub fn cache_cluster(id: &str, window: Option<&str>) -> CacheCluster {
    CacheCluster {
        arn: format!("arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{id}").into(),
        place: place(),
        id: id.into(),
        engine: Some("redis".into()),
        replication_group_id: None,
        availability_zone: Some(compact_str::format_compact!("{REGION}a")),
        preferred_maintenance_window: window.map(Into::into),
        tags: Tags::new(),
        ..Default::default()
    }
}

pub fn asg(name: &str, azs: &[&str]) -> AutoScalingGroup {
    AutoScalingGroup {
        arn: format!(
            "arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:0f1e2d3c-0000-4000-8000-000000000001:autoScalingGroupName/{name}"
        ).into(),
        place: place(),
        name: name.into(),
        availability_zones: azs.iter().map(|s| (*s).into()).collect(),
        min_size: 1,
        max_size: 4,
        desired_capacity: Some(2),
        tags: Tags::new(),
        ..Default::default()
    }
}

/// A trail of the test account homed in the test region.
pub fn trail(name: &str, multi_region: bool, is_logging: Option<bool>) -> Trail {
    Trail {
        arn: format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}").into(),
        place: place(),
        name: name.into(),
        multi_region,
        organization: false,
        is_logging,
        status_error: None,
        // AWS's default: every management event, read and write.
        selectors: Some(EventSelectors {
            basic: vec![BasicEventSelector {
                read_write_type: Some("All".into()),
                include_management_events: Some(true),
                exclude_management_event_sources: Vec::new(),
                data_resources: Vec::new(),
            }],
            advanced: Vec::new(),
        }),
        selectors_error: None,
        s3_bucket_name: None,
        s3_key_prefix: None,
        sns_topic_arn: None,
        include_global_service_events: None,
        log_file_validation_enabled: None,
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        kms_key_id: None,
        has_custom_event_selectors: None,
        has_insight_selectors: None,
    }
}

/// A bucket encrypted with AES256, with the given lifecycle.
pub fn bucket(name: &str, lifecycle: Option<Read<Option<Vec<LifecycleRule>>>>) -> Bucket {
    Bucket {
        arn: format!("arn:aws:s3:::{name}").into(),
        place: place(),
        name: name.into(),
        default_encryption: Read::Value(Some(vec![BucketEncryptionRule {
            algorithm: "AES256".into(),
            kms_key_id: None,
            bucket_key_enabled: None,
        }])),
        tags: Tags::new(),
        tags_error: None,
        lifecycle,
        // Never versioned.
        versioning: Some(Read::Value(None)),
        mfa_delete: None,
        object_lock: None,
        public_access_block: None,
        policy_is_public: None,
    }
}

/// An enabled lifecycle rule for every object that expires current
/// versions after `days`.
pub fn expiry_rule(id: &str, days: Option<i32>) -> LifecycleRule {
    LifecycleRule {
        id: Some(id.into()),
        enabled: true,
        filter: None,
        expiration_days: days,
        noncurrent_expiration_days: None,
    }
}
