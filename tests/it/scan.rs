//! End-to-end scans of an emulated AWS estate (moto, started by
//! scripts/test): every rule of the built-in Kliv pack, compliant and
//! non-compliant resources for each, the JSON and text reports, offline
//! re-evaluation of a saved inventory, and unknown verdicts.
//!
//! Every test builds what it needs in an account of its own (see
//! tests/common). Where moto differs from AWS the test says so, and
//! tests/README.md lists every such difference.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancingv2::types as elbv2t;
use aws_sdk_s3::types as s3t;
use serde_json::Value;

use common::estate::*;
use common::*;

/// Everything the estate test created, by role, as the ARNs AWS gives them.
#[derive(Debug, Default)]
struct Estate {
    // security groups
    sg_web: String,
    sg_range_80_443: String,
    sg_all_tcp: String,
    sg_all_protocols: String,
    sg_ssh_ipv6: String,
    sg_half_internet: String,
    sg_public_host: String,
    sg_https_only: String,
    sg_ssh_private: String,
    sg_prefix_list_public: String,
    sg_prefix_list_private: String,
    sg_on_instance: String,
    default_sg: String,
    // network ACLs
    default_nacl: String,
    nacl_deny_ssh_allow_all: String,
    nacl_web_only: String,
    nacl_deny_gaps: String,
    nacl_deny_all_after_allows: String,
    // instances and volumes
    instance_public: String,
    instance_private: String,
    instance_eip_second_interface: String,
    volume_encrypted: String,
    volume_plain: String,
    root_volumes: Vec<String>,
    // load balancers
    alb_web: String,
    alb_forward: String,
    alb_8080: String,
    alb_weak_tls: String,
    alb_one_az: String,
    nlb_tcp: String,
    nlb_tls: String,
    alb_internal: String,
    nlb_internal: String,
    alb_internal_weak_tls: String,
    classic: String,
    // buckets
    bucket_aes: String,
    bucket_kms: String,
    bucket_none: String,
    bucket_backup_30: String,
    bucket_backup_365: String,
    bucket_backup_kept: String,
    bucket_trail: String,
    // the multi-region trail, and the account's trails pseudo-resource
    trail: String,
    trails: String,
    // log groups
    logs_7: String,
    logs_30: String,
    logs_forever: String,
    // databases
    db_public: String,
    db_single_az: String,
    db_good: String,
    db_plain: String,
    db_replica: String,
    aurora_ha: String,
    aurora_ha_members: Vec<String>,
    aurora_ha_replica: String,
    aurora_solo: String,
    aurora_solo_member: String,
    // snapshots
    snapshot_encrypted: String,
    snapshot_plain: String,
    db_snapshot_encrypted: String,
    db_snapshot_plain: String,
    cluster_snapshot: String,
    automated_encrypted: Vec<String>,
    automated_plain: String,
    // caches
    cache_multi_az: String,
    cache_one_zone: String,
    cache_no_failover: String,
    memcached_good: String,
    memcached_bad: String,
    // Auto Scaling groups
    asg_two_azs: String,
    asg_one_az: String,
}

/// Builds the estate: compliant and non-compliant resources for every rule.
async fn build_estate(account: &TestAccount) -> Estate {
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let elb = aws_sdk_elasticloadbalancing::Client::new(&config);
    let s3 = s3_client(account).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let rds = aws_sdk_rds::Client::new(&config);
    let elasticache = aws_sdk_elasticache::Client::new(&config);
    let autoscaling = aws_sdk_autoscaling::Client::new(&config);
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&config);
    let sg_arn = |id: &str| account.arn("ec2", &format!("security-group/{id}"));
    let mut e = Estate::default();

    let (vpc, default_subnets) = default_vpc(&ec2).await;

    // ---- security groups (NET-001, NET-002)
    let default_sg = ec2
        .describe_security_groups()
        .filters(ec2t::Filter::builder().name("vpc-id").values(&vpc).build())
        .filters(
            ec2t::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .expect("DescribeSecurityGroups")
        .security_groups()
        .first()
        .and_then(|g| g.group_id())
        .expect("the default VPC's default group")
        .to_string();
    e.default_sg = sg_arn(&default_sg);
    let public_list = prefix_list(&ec2, "partner-egress", &["198.51.100.0/24"]).await;
    let private_list =
        prefix_list(&ec2, "office-networks", &["10.20.0.0/16", "192.168.0.0/16"]).await;

    let sg_web = Box::pin(security_group(
        &ec2,
        &vpc,
        "web-alb",
        vec![
            tcp(443, 443)
                .ip_ranges(cidr("0.0.0.0/0"))
                .ipv6_ranges(ec2t::Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
            tcp(80, 80).ip_ranges(cidr("0.0.0.0/0")).build(),
        ],
    ))
    .await;
    e.sg_web = sg_arn(&sg_web);
    e.sg_range_80_443 = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "range-80-443",
            vec![tcp(80, 443).ip_ranges(cidr("0.0.0.0/0")).build()],
        )
        .await,
    );
    e.sg_all_tcp = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "all-tcp",
            vec![tcp(0, 65535).ip_ranges(cidr("0.0.0.0/0")).build()],
        )
        .await,
    );
    e.sg_all_protocols = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "all-protocols",
            vec![
                ec2t::IpPermission::builder()
                    .ip_protocol("-1")
                    .ip_ranges(cidr("0.0.0.0/0"))
                    .build(),
            ],
        )
        .await,
    );
    e.sg_ssh_ipv6 = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "ssh-ipv6",
            vec![
                tcp(22, 22)
                    .ipv6_ranges(ec2t::Ipv6Range::builder().cidr_ipv6("::/0").build())
                    .build(),
            ],
        )
        .await,
    );
    e.sg_half_internet = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "half-internet",
            vec![tcp(22, 22).ip_ranges(cidr("0.0.0.0/1")).build()],
        )
        .await,
    );
    e.sg_public_host = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "public-host",
            vec![tcp(22, 22).ip_ranges(cidr("198.51.100.7/32")).build()],
        )
        .await,
    );
    e.sg_https_only = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "https-only",
            vec![tcp(443, 443).ip_ranges(cidr("0.0.0.0/0")).build()],
        )
        .await,
    );
    let sg_ssh_private = Box::pin(security_group(
        &ec2,
        &vpc,
        "ssh-private",
        vec![tcp(22, 22).ip_ranges(cidr("10.0.0.0/8")).build()],
    ))
    .await;
    e.sg_ssh_private = sg_arn(&sg_ssh_private);
    e.sg_prefix_list_public = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "prefix-list-public",
            vec![
                tcp(22, 22)
                    .prefix_list_ids(
                        ec2t::PrefixListId::builder()
                            .prefix_list_id(&public_list)
                            .build(),
                    )
                    .build(),
            ],
        )
        .await,
    );
    e.sg_prefix_list_private = sg_arn(
        &security_group(
            &ec2,
            &vpc,
            "prefix-list-private",
            vec![
                tcp(22, 22)
                    .prefix_list_ids(
                        ec2t::PrefixListId::builder()
                            .prefix_list_id(&private_list)
                            .build(),
                    )
                    .build(),
            ],
        )
        .await,
    );
    let sg_on_instance = Box::pin(security_group(
        &ec2,
        &vpc,
        "on-instance",
        vec![tcp(443, 443).ip_ranges(cidr("0.0.0.0/0")).build()],
    ))
    .await;
    e.sg_on_instance = sg_arn(&sg_on_instance);

    // ---- network ACLs (NET-003)
    let default_nacl = ec2
        .describe_network_acls()
        .filters(ec2t::Filter::builder().name("vpc-id").values(&vpc).build())
        .filters(
            ec2t::Filter::builder()
                .name("default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("DescribeNetworkAcls")
        .network_acls()
        .first()
        .and_then(|a| a.network_acl_id())
        .expect("the default VPC's default ACL")
        .to_string();
    let acl_arn = |id: &str| account.arn("ec2", &format!("network-acl/{id}"));
    e.default_nacl = acl_arn(&default_nacl);
    let any = "0.0.0.0/0";
    // Denies ssh first, then allows everything: every other port is open.
    let (acl, _) = Box::pin(network_acl(
        &ec2,
        &vpc,
        "172.31.128.0/24",
        &[
            (90, "6", false, any, Some((22, 22))),
            (100, "-1", true, any, None),
        ],
    ))
    .await;
    e.nacl_deny_ssh_allow_all = acl_arn(&acl);
    // Allows only 80, 443 and the return ports (and anything from private
    // space).
    let (acl, private_subnet) = Box::pin(network_acl(
        &ec2,
        &vpc,
        "172.31.129.0/24",
        &[
            (100, "6", true, any, Some((443, 443))),
            (110, "6", true, any, Some((80, 80))),
            (120, "6", true, any, Some((1024, 65535))),
            (130, "-1", true, "10.0.0.0/8", None),
        ],
    ))
    .await;
    e.nacl_web_only = acl_arn(&acl);
    // Denies the tcp gaps below 1024 first, then allows all of tcp: only
    // 80, 443 and 1024-65535 stay open.
    let (acl, _) = Box::pin(network_acl(
        &ec2,
        &vpc,
        "172.31.130.0/24",
        &[
            (90, "6", false, any, Some((0, 79))),
            (91, "6", false, any, Some((81, 442))),
            (92, "6", false, any, Some((444, 1023))),
            (100, "6", true, any, Some((0, 65535))),
        ],
    ))
    .await;
    e.nacl_deny_gaps = acl_arn(&acl);
    // Allows the web ports, then denies everything before a later
    // allow-all that is never reached.
    let (acl, _) = Box::pin(network_acl(
        &ec2,
        &vpc,
        "172.31.131.0/24",
        &[
            (100, "6", true, any, Some((443, 443))),
            (110, "6", true, any, Some((80, 80))),
            (120, "6", true, any, Some((1024, 65535))),
            (130, "-1", false, any, None),
            (200, "-1", true, any, None),
        ],
    ))
    .await;
    e.nacl_deny_all_after_allows = acl_arn(&acl);

    // ---- instances and volumes (NET-002, NET-005, ENC-001)
    // Default subnets map a public IP on launch (as in AWS); the new
    // subnets do not.
    let public = instance(&ec2, &default_subnets[0], &[&sg_on_instance]).await;
    let private = instance(&ec2, &private_subnet, &[&sg_ssh_private]).await;
    e.instance_public = account.arn("ec2", &format!("instance/{public}"));
    e.instance_private = account.arn("ec2", &format!("instance/{private}"));
    // No public IP on its primary interface, an Elastic IP on its second.
    let two_nics = Box::pin(instance(&ec2, &private_subnet, &[&sg_ssh_private])).await;
    Box::pin(elastic_ip_on_second_interface(
        &ec2,
        &two_nics,
        &private_subnet,
        &sg_ssh_private,
    ))
    .await;
    e.instance_eip_second_interface = account.arn("ec2", &format!("instance/{two_nics}"));
    e.volume_encrypted = account.arn("ec2", &format!("volume/{}", volume(&ec2, true).await));
    e.volume_plain = account.arn("ec2", &format!("volume/{}", volume(&ec2, false).await));
    e.root_volumes = ec2
        .describe_volumes()
        .filters(
            ec2t::Filter::builder()
                .name("attachment.instance-id")
                .values(&public)
                .values(&private)
                .build(),
        )
        .send()
        .await
        .expect("DescribeVolumes")
        .volumes()
        .iter()
        .filter_map(|v| v.volume_id())
        .map(|id| account.arn("ec2", &format!("volume/{id}")))
        .collect();
    assert_eq!(e.root_volumes.len(), 2, "one root volume per instance");

    // ---- load balancers (NET-004, TLS-001, TLS-002, HA-002)
    use elbv2t::LoadBalancerSchemeEnum::{Internal, InternetFacing};
    use elbv2t::LoadBalancerTypeEnum::{Application, Network};
    use elbv2t::ProtocolEnum::{Http, Https, Tcp, Tls};
    let two_azs = &default_subnets[..2];
    let one_az = &default_subnets[..1];
    let http_targets = elbv2
        .create_target_group()
        .name("web-targets")
        .protocol(Http)
        .port(80)
        .vpc_id(&vpc)
        .send()
        .await
        .expect("CreateTargetGroup")
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .expect("target group ARN")
        .to_string();
    let tcp_targets = elbv2
        .create_target_group()
        .name("tcp-targets")
        .protocol(Tcp)
        .port(443)
        .vpc_id(&vpc)
        .send()
        .await
        .expect("CreateTargetGroup")
        .target_groups()
        .first()
        .and_then(|t| t.target_group_arn())
        .expect("target group ARN")
        .to_string();
    e.alb_web = Box::pin(load_balancer(
        &elbv2,
        account,
        "web",
        (Application, InternetFacing),
        two_azs,
        &[&sg_web],
        vec![
            listener(Https, 443, Some(STRONG_TLS), forward(&http_targets)),
            listener(Http, 80, None, redirect_to_https()),
        ],
    ))
    .await;
    e.alb_forward = Box::pin(load_balancer(
        &elbv2,
        account,
        "plain-http",
        (Application, InternetFacing),
        two_azs,
        &[&sg_web],
        vec![listener(Http, 80, None, forward(&http_targets))],
    ))
    .await;
    e.alb_8080 = Box::pin(load_balancer(
        &elbv2,
        account,
        "port-8080",
        (Application, InternetFacing),
        two_azs,
        &[],
        vec![listener(Https, 8080, Some(STRONG_TLS), fixed_response())],
    ))
    .await;
    e.alb_weak_tls = Box::pin(load_balancer(
        &elbv2,
        account,
        "weak-tls",
        (Application, InternetFacing),
        two_azs,
        &[],
        vec![listener(Https, 443, Some(WEAK_TLS), fixed_response())],
    ))
    .await;
    // AWS refuses an ALB in one AZ; moto does not, which makes it the
    // simplest single-AZ load balancer.
    e.alb_one_az = Box::pin(load_balancer(
        &elbv2,
        account,
        "one-az",
        (Application, InternetFacing),
        one_az,
        &[],
        vec![listener(Https, 443, Some(STRONG_TLS), fixed_response())],
    ))
    .await;
    e.nlb_tcp = Box::pin(load_balancer(
        &elbv2,
        account,
        "tcp-443",
        (Network, InternetFacing),
        two_azs,
        &[],
        vec![listener(Tcp, 443, None, forward(&tcp_targets))],
    ))
    .await;
    e.nlb_tls = Box::pin(load_balancer(
        &elbv2,
        account,
        "tls-443",
        (Network, InternetFacing),
        two_azs,
        &[],
        vec![listener(Tls, 443, Some(STRONG_TLS), forward(&tcp_targets))],
    ))
    .await;
    // Internal load balancers may listen anywhere, in plain text.
    e.alb_internal = Box::pin(load_balancer(
        &elbv2,
        account,
        "internal-api",
        (Application, Internal),
        two_azs,
        &[],
        vec![listener(Http, 8080, None, forward(&http_targets))],
    ))
    .await;
    e.nlb_internal = Box::pin(load_balancer(
        &elbv2,
        account,
        "internal-db",
        (Network, Internal),
        two_azs,
        &[],
        vec![listener(Tcp, 5432, None, forward(&tcp_targets))],
    ))
    .await;
    // TLS-002 judges the TLS of internal load balancers too.
    e.alb_internal_weak_tls = Box::pin(load_balancer(
        &elbv2,
        account,
        "internal-weak-tls",
        (Application, Internal),
        two_azs,
        &[],
        vec![listener(Https, 8443, Some(WEAK_TLS), fixed_response())],
    ))
    .await;
    // A classic load balancer in one AZ with plain HTTP.
    e.classic = Box::pin(classic_load_balancer(
        &elb,
        account,
        "classic-web",
        "HTTP",
        80,
        &[&format!("{REGION}a")],
    ))
    .await;

    // ---- buckets (ENC-002, BAK-002); bucket names are global, so they
    // carry the account id.
    let aes = Some(s3t::ServerSideEncryption::Aes256);
    e.bucket_aes = bucket(&s3, &format!("aes256-{}", account.id), aes.clone()).await;
    e.bucket_kms = bucket(
        &s3,
        &format!("kms-{}", account.id),
        Some(s3t::ServerSideEncryption::AwsKms),
    )
    .await;
    // AWS has encrypted every bucket with AES256 by default since 2023 and
    // answers GetBucketEncryption with that; moto answers "no
    // configuration", which is what conform must fail.
    e.bucket_none = bucket(&s3, &format!("unencrypted-{}", account.id), None).await;
    // Backup stores (BAK-002 judges buckets named *backup* only): one
    // expires its objects after 30 days, one after a year, one never.
    // (The one that keeps its objects 30 days also expires their old
    // versions 30 days later: moto's GetBucketVersioning answer cannot be
    // read, see tests/README.md, and with noncurrent expiry set the verdict
    // does not depend on it.)
    let expiring = format!("db-backups-{}", account.id);
    e.bucket_backup_30 = bucket(&s3, &expiring, aes.clone()).await;
    expire_versions(&s3, &expiring, 30, Some(30)).await;
    let yearly = format!("yearly-backups-{}", account.id);
    e.bucket_backup_365 = bucket(&s3, &yearly, aes.clone()).await;
    expire_objects(&s3, &yearly, 365).await;
    e.bucket_backup_kept =
        bucket(&s3, &format!("backup-archive-{}", account.id), aes.clone()).await;

    // ---- a multi-region trail, logging (LOG-002); moto needs its bucket
    let trail_bucket = format!("cloudtrail-{}", account.id);
    e.bucket_trail = bucket(&s3, &trail_bucket, aes.clone()).await;
    e.trail = trail(&cloudtrail, "kliv-all-regions", &trail_bucket, true, true).await;
    e.trails = trails_arn(account);

    // ---- log groups (LOG-001)
    e.logs_7 = log_group(&logs, account, "/kliv/debug", Some(7)).await;
    e.logs_30 = log_group(&logs, account, "/kliv/api", Some(30)).await;
    e.logs_forever = log_group(&logs, account, "/kliv/audit", None).await;

    // ---- databases (NET-005, HA-001, ENC-003, BAK-001, BAK-003, MNT-001)
    e.db_public = Box::pin(db_instance(
        &rds,
        account,
        &DbSpec {
            public: true,
            ..DbSpec::new("reports")
        },
    ))
    .await;
    // Single-AZ, automated backups off, maintained on Wednesdays.
    e.db_single_az = Box::pin(db_instance(
        &rds,
        account,
        &DbSpec {
            multi_az: false,
            backup_days: 0,
            window: BAD_WINDOW,
            ..DbSpec::new("orders")
        },
    ))
    .await;
    // Compliant with everything, a read replica in another region
    // included.
    e.db_good = db_instance(&rds, account, &DbSpec::new("ledger")).await;
    e.db_replica = cross_region_replica(account, "eu-west-1", "ledger-dr", &e.db_good).await;
    // Unencrypted: so are its snapshots.
    e.db_plain = Box::pin(db_instance(
        &rds,
        account,
        &DbSpec {
            encrypted: false,
            ..DbSpec::new("scratch")
        },
    ))
    .await;
    (e.aurora_ha, e.aurora_ha_members) = Box::pin(aurora(
        &rds,
        account,
        "aurora-ha",
        &["eu-north-1a", "eu-north-1b"],
        GOOD_WINDOW,
    ))
    .await;
    e.aurora_ha_replica =
        cross_region_replica_cluster(account, "eu-west-1", "aurora-ha-dr", &e.aurora_ha).await;
    // Its members have allowed windows; the cluster's own is not.
    let (solo, mut solo_members) =
        aurora(&rds, account, "aurora-solo", &["eu-north-1a"], BAD_WINDOW).await;
    (e.aurora_solo, e.aurora_solo_member) = (solo, solo_members.remove(0));

    // ---- snapshots (ENC-003, BAK-002)
    e.snapshot_encrypted = ebs_snapshot(&ec2, id_of(&e.volume_encrypted)).await;
    e.snapshot_plain = ebs_snapshot(&ec2, id_of(&e.volume_plain)).await;
    e.db_snapshot_encrypted = db_snapshot(&rds, "ledger", "ledger-before-migration").await;
    e.db_snapshot_plain = db_snapshot(&rds, "scratch", "scratch-before-migration").await;
    e.cluster_snapshot = db_cluster_snapshot(&rds, "aurora-ha", "aurora-ha-before-upgrade").await;
    // moto takes an automated snapshot of every new DB instance, Aurora
    // members included (AWS: only of instances with automated backups on,
    // so not of "orders" nor of the members).
    for db in [
        "reports",
        "orders",
        "ledger",
        "aurora-ha-1",
        "aurora-ha-2",
        "aurora-solo-1",
    ] {
        e.automated_encrypted
            .extend(automated_db_snapshots(&rds, db).await);
    }
    for cluster in ["aurora-ha", "aurora-solo"] {
        e.automated_encrypted
            .extend(automated_db_cluster_snapshots(&rds, cluster).await);
    }
    let mut plain = automated_db_snapshots(&rds, "scratch").await;
    assert_eq!(
        plain.len(),
        1,
        "moto's automated snapshot of scratch: {plain:?}"
    );
    e.automated_plain = plain.remove(0);

    // ---- caches (HA-001, MNT-001)
    // Multi-AZ with failover, in two zones (moto: us-east-1a and b).
    e.cache_multi_az =
        replication_group(&elasticache, "sessions", true, CachePlacement::Shards(2)).await;
    // Multi-AZ with failover on, but every node in one zone.
    e.cache_one_zone = Box::pin(replication_group(
        &elasticache,
        "carts",
        true,
        CachePlacement::Zones(&["eu-north-1a", "eu-north-1a"]),
    ))
    .await;
    // No failover.
    e.cache_no_failover = Box::pin(replication_group(
        &elasticache,
        "rates",
        false,
        CachePlacement::Zones(&["eu-north-1a", "eu-north-1b"]),
    ))
    .await;
    e.memcached_good = cache_cluster(&elasticache, "pages", GOOD_WINDOW).await;
    e.memcached_bad = cache_cluster(&elasticache, "fragments", BAD_WINDOW).await;

    // ---- Auto Scaling groups (HA-002)
    let template = launch_template(&ec2, "web").await;
    e.asg_two_azs = auto_scaling_group(&autoscaling, "web-2az", &template, two_azs).await;
    e.asg_one_az = auto_scaling_group(&autoscaling, "web-1az", &template, one_az).await;
    e
}

/// The promise line each rule of the built-in pack cites (rules/kliv.toml).
fn promise_line(rule: &str) -> u64 {
    match rule {
        "NET-001" | "NET-002" | "NET-004" | "NET-005" => 23,
        "NET-003" => 21,
        "TLS-001" => 73,
        "TLS-002" => 71,
        "ENC-001" => 77,
        "ENC-002" => 79,
        "ENC-003" => 81,
        "LOG-001" => 117,
        "LOG-002" => 115,
        "BAK-001" => 139,
        "BAK-002" => 147,
        "BAK-003" => 167,
        "HA-001" => 159,
        "HA-002" => 161,
        "MNT-001" => 211,
        other => panic!("no promise line known for {other}"),
    }
}

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect()
}

/// The one finding of a rule on the region's EBS encryption-by-default
/// setting (which has no ARN of its own).
fn ebs_default_finding<'a>(report: &'a Value, account: &TestAccount) -> &'a Value {
    let found: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| {
            f["rule_id"] == "ENC-001" && f["resource"]["type"] == "AWS::EC2::EBSEncryptionByDefault"
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one verdict on the region's EBS default: {found:#?}"
    );
    let f = found[0];
    assert_eq!(f["resource"]["region"], REGION);
    assert_eq!(f["resource"]["account"], account.id.as_str());
    let arn = f["resource"]["arn"].as_str().unwrap();
    assert!(arn.contains(&account.id) && arn.contains(REGION), "{arn}");
    f
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_finds_every_broken_promise_and_only_those() {
    let account = account().await;
    // Boxed: the builder's future is too large for a test thread's stack.
    let e = Box::pin(build_estate(&account)).await;
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("inventory.json");
    let live = conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "json",
            "--save-inventory",
            arg(&saved),
        ],
        &account,
    );
    live.expect_code(conform::exit::BROKEN);
    assert_eq!(conform::exit::BROKEN, 1);
    // Standard error is not a terminal here (as in CI): no progress display,
    // nothing at all on a scan without errors.
    assert_eq!(live.stderr, "", "unexpected output on standard error");
    let report = live.json();

    // ---- the exact set of broken promises
    let ebs_default = ebs_default_finding(&report, &account);
    assert_eq!(
        ebs_default["status"], "fail",
        "EBS encryption by default is off: {ebs_default:#}"
    );
    let ebs_default_arn = ebs_default["resource"]["arn"].as_str().unwrap().to_string();
    let expected = pairs(&[
        // 80-443 includes 81-442; all tcp; all protocols; ssh from ::/0,
        // from half the internet, from one public host, from a prefix
        // list with a public block.
        ("NET-001", &e.sg_range_80_443),
        ("NET-001", &e.sg_all_tcp),
        ("NET-001", &e.sg_all_protocols),
        ("NET-001", &e.sg_ssh_ipv6),
        ("NET-001", &e.sg_half_internet),
        ("NET-001", &e.sg_public_host),
        ("NET-001", &e.sg_prefix_list_public),
        // open to the internet (on 443 only), on an instance
        ("NET-002", &e.sg_on_instance),
        // the default ACL allows everything; deny-ssh-then-allow-all
        // leaves every other port open
        ("NET-003", &e.default_nacl),
        ("NET-003", &e.nacl_deny_ssh_allow_all),
        ("NET-004", &e.alb_8080),
        ("NET-005", &e.instance_public),
        ("NET-005", &e.instance_eip_second_interface),
        ("NET-005", &e.db_public),
        ("TLS-001", &e.alb_forward),
        ("TLS-001", &e.nlb_tcp),
        ("TLS-001", &e.classic),
        ("TLS-002", &e.alb_weak_tls),
        ("TLS-002", &e.alb_internal_weak_tls),
        ("ENC-001", &e.volume_plain),
        ("ENC-001", &ebs_default_arn),
        // SSE-KMS is 256-bit AES too: only the bucket without
        // configuration fails
        ("ENC-002", &e.bucket_none),
        // an unencrypted database, its manual snapshot and the automated
        // one moto took; a snapshot of an unencrypted volume
        ("ENC-003", &e.db_plain),
        ("ENC-003", &e.db_snapshot_plain),
        ("ENC-003", &e.automated_plain),
        ("ENC-003", &e.snapshot_plain),
        ("LOG-001", &e.logs_7),
        // automated backups off
        ("BAK-001", &e.db_single_az),
        // backup buckets that keep objects a year, or for ever
        ("BAK-002", &e.bucket_backup_365),
        ("BAK-002", &e.bucket_backup_kept),
        // primary databases without a copy in another region
        ("BAK-003", &e.db_public),
        ("BAK-003", &e.db_single_az),
        ("BAK-003", &e.db_plain),
        ("BAK-003", &e.aurora_solo),
        ("HA-001", &e.db_single_az),
        // an Aurora cluster whose only member is in one AZ (AWS lists
        // three AZs for its storage whatever the members)
        ("HA-001", &e.aurora_solo),
        // replication groups: failover on but one zone; failover off
        ("HA-001", &e.cache_one_zone),
        ("HA-001", &e.cache_no_failover),
        ("HA-002", &e.alb_one_az),
        ("HA-002", &e.classic),
        ("HA-002", &e.asg_one_az),
        // maintained on Wednesdays: a DB instance, a DB cluster (whose
        // member is maintained in time) and a cache cluster
        ("MNT-001", &e.db_single_az),
        ("MNT-001", &e.aurora_solo),
        ("MNT-001", &e.memcached_bad),
    ]);
    let failed = with_status(&report, "fail");
    assert_same_pairs("failing (rule, resource) pairs", &failed, &expected);

    // ---- named compliant resources pass
    let passing = [
        ("NET-001", &e.sg_web),
        ("NET-001", &e.sg_https_only),
        ("NET-001", &e.sg_ssh_private),
        ("NET-001", &e.sg_prefix_list_private),
        ("NET-001", &e.sg_on_instance),
        ("NET-001", &e.default_sg),
        ("NET-002", &e.sg_web),
        ("NET-002", &e.sg_https_only),
        ("NET-002", &e.sg_ssh_private),
        ("NET-002", &e.default_sg),
        ("NET-003", &e.nacl_web_only),
        ("NET-003", &e.nacl_deny_gaps),
        ("NET-003", &e.nacl_deny_all_after_allows),
        ("NET-004", &e.alb_web),
        ("NET-004", &e.nlb_tcp),
        ("NET-004", &e.nlb_tls),
        ("NET-004", &e.classic),
        ("NET-005", &e.instance_private),
        ("NET-005", &e.db_single_az),
        ("NET-005", &e.db_good),
        ("TLS-001", &e.alb_web),
        ("TLS-001", &e.alb_8080),
        ("TLS-001", &e.nlb_tls),
        ("TLS-002", &e.alb_web),
        ("TLS-002", &e.nlb_tls),
        ("ENC-001", &e.volume_encrypted),
        ("ENC-001", &e.root_volumes[0]),
        ("ENC-001", &e.root_volumes[1]),
        ("ENC-002", &e.bucket_aes),
        ("LOG-001", &e.logs_30),
        ("LOG-001", &e.logs_forever),
        ("ENC-003", &e.db_public),
        ("ENC-003", &e.db_single_az),
        ("ENC-003", &e.db_good),
        ("ENC-003", &e.aurora_ha),
        ("ENC-003", &e.aurora_solo),
        ("ENC-003", &e.snapshot_encrypted),
        ("ENC-003", &e.db_snapshot_encrypted),
        ("ENC-003", &e.cluster_snapshot),
        ("ENC-002", &e.bucket_kms),
        ("ENC-002", &e.bucket_backup_30),
        ("ENC-002", &e.bucket_backup_365),
        ("ENC-002", &e.bucket_backup_kept),
        ("ENC-002", &e.bucket_trail),
        ("LOG-002", &e.trails),
        ("BAK-001", &e.db_public),
        ("BAK-001", &e.db_good),
        ("BAK-001", &e.db_plain),
        ("BAK-001", &e.aurora_ha),
        ("BAK-001", &e.aurora_solo),
        // manual snapshots taken just now
        ("BAK-002", &e.snapshot_encrypted),
        ("BAK-002", &e.snapshot_plain),
        ("BAK-002", &e.db_snapshot_encrypted),
        ("BAK-002", &e.db_snapshot_plain),
        ("BAK-002", &e.cluster_snapshot),
        ("BAK-002", &e.bucket_backup_30),
        // cross-region read replicas
        ("BAK-003", &e.db_good),
        ("BAK-003", &e.aurora_ha),
        ("HA-001", &e.db_public),
        ("HA-001", &e.db_good),
        ("HA-001", &e.db_plain),
        ("HA-001", &e.aurora_ha),
        ("HA-001", &e.cache_multi_az),
        ("HA-002", &e.asg_two_azs),
        ("MNT-001", &e.db_public),
        ("MNT-001", &e.db_good),
        ("MNT-001", &e.db_plain),
        ("MNT-001", &e.aurora_ha),
        ("MNT-001", &e.aurora_ha_members[0]),
        ("MNT-001", &e.aurora_ha_members[1]),
        ("MNT-001", &e.aurora_solo_member),
        ("MNT-001", &e.memcached_good),
        ("HA-002", &e.alb_web),
        ("HA-002", &e.nlb_tcp),
        ("HA-002", &e.alb_internal),
        ("HA-002", &e.nlb_internal),
        ("HA-002", &e.alb_internal_weak_tls),
    ];
    let mut wrong = Vec::new();
    for (rule, arn) in passing {
        let status = status_of(&report, rule, arn);
        if status.as_deref() != Some("pass") {
            wrong.push(format!("{rule} {arn}: {status:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "compliant resources that did not pass:\n{}",
        wrong.join("\n")
    );
    // Aurora members are judged through their cluster (a member is
    // single-AZ by nature), never failed on their own.
    for arn in [
        &e.aurora_ha_members[0],
        &e.aurora_ha_members[1],
        &e.aurora_solo_member,
    ] {
        let status = status_of(&report, "HA-001", arn);
        assert!(
            matches!(status.as_deref(), None | Some("pass")),
            "HA-001 {arn}: {status:?}"
        );
        // The cluster owns their storage and backups.
        for rule in ["ENC-003", "BAK-001", "BAK-003"] {
            assert_eq!(status_of(&report, rule, arn), None, "{rule} {arn}");
        }
    }
    // Automated snapshots are encrypted like their databases, and are
    // deleted by RDS, so their age is not judged.
    assert!(!e.automated_encrypted.is_empty());
    for arn in e.automated_encrypted.iter().chain([&e.automated_plain]) {
        assert_eq!(status_of(&report, "BAK-002", arn), None, "BAK-002 {arn}");
    }
    for arn in &e.automated_encrypted {
        assert_eq!(
            status_of(&report, "ENC-003", arn).as_deref(),
            Some("pass"),
            "ENC-003 {arn}"
        );
    }
    // BAK-002 judges only buckets named *backup*.
    for arn in [
        &e.bucket_aes,
        &e.bucket_kms,
        &e.bucket_none,
        &e.bucket_trail,
    ] {
        assert_eq!(status_of(&report, "BAK-002", arn), None, "BAK-002 {arn}");
    }
    // The replicas in eu-west-1 are outside the scan; the trail is judged
    // as the account's trails.
    for arn in [&e.db_replica, &e.aurora_ha_replica, &e.trail] {
        let about: Vec<&Value> = findings(&report)
            .iter()
            .filter(|f| f["resource"]["arn"] == arn.as_str())
            .collect();
        assert!(about.is_empty(), "{arn}: {about:#?}");
    }
    // Internal load balancers are not judged by the internet-facing rules
    // (or pass them).
    for rule in ["NET-004", "TLS-001", "TLS-002"] {
        for arn in [&e.alb_internal, &e.nlb_internal, &e.alb_internal_weak_tls] {
            if rule == "TLS-002" && arn == &e.alb_internal_weak_tls {
                continue;
            }
            let status = status_of(&report, rule, arn);
            assert!(
                matches!(status.as_deref(), None | Some("pass")),
                "{rule} {arn}: {status:?}"
            );
        }
    }

    // ---- nothing unknown, and every finding is about this account and region
    let unknown = with_status(&report, "unknown");
    assert!(
        unknown.is_empty(),
        "unknown verdicts: {unknown:#?}\ncoverage errors: {:#}",
        report["coverage_errors"]
    );
    assert_eq!(report["coverage_errors"], serde_json::json!([]));
    for f in findings(&report) {
        assert_eq!(f["resource"]["account"], account.id.as_str(), "{f:#}");
        // The account's trails are judged once per account, not region.
        let region = if f["resource"]["arn"] == e.trails.as_str() {
            "global"
        } else {
            REGION
        };
        assert_eq!(f["resource"]["region"], region, "{f:#}");
        assert!(
            ["fail", "pass"].contains(&f["status"].as_str().unwrap()),
            "{f:#}"
        );
    }
    assert_eq!(
        report["scope"],
        serde_json::json!([{ "account": account.id, "partition": "aws", "regions": [REGION] }])
    );

    // ---- failures carry evidence and the promise they break
    for f in findings(&report).iter().filter(|f| f["status"] == "fail") {
        let rule = f["rule_id"].as_str().unwrap();
        let evidence = f["evidence"].as_array().expect("evidence[]");
        assert!(!evidence.is_empty(), "a failure without evidence: {f:#}");
        for item in evidence {
            for field in ["field", "value"] {
                let text = item[field].as_str().unwrap_or_default();
                assert!(
                    !text.trim().is_empty(),
                    "evidence with an empty {field}: {f:#}"
                );
            }
        }
        assert!(
            !f["message"].as_str().unwrap_or_default().trim().is_empty(),
            "{f:#}"
        );
        assert_eq!(f["promise"]["file"], POLICY_FILE, "{f:#}");
        assert_eq!(
            f["promise"]["line"].as_u64(),
            Some(promise_line(rule)),
            "{f:#}"
        );
    }
    // Evidence names what broke the promise.
    let has_value = |rule: &str, arn: &str, needle: &str| {
        let f = finding(&report, rule, arn);
        let evidence = f["evidence"].to_string();
        assert!(
            evidence.contains(needle),
            "{rule} {arn}: evidence does not mention {needle:?}: {f:#}"
        );
    };
    has_value("NET-001", &e.sg_ssh_ipv6, "::/0");
    has_value("NET-001", &e.sg_half_internet, "0.0.0.0/1");
    has_value("NET-001", &e.sg_public_host, "198.51.100.7/32");
    has_value("NET-001", &e.sg_prefix_list_public, "198.51.100.0/24");
    has_value("NET-004", &e.alb_8080, "8080");
    has_value("LOG-001", &e.logs_7, "7");
    has_value("ENC-003", &e.snapshot_plain, "false");
    has_value("BAK-001", &e.db_single_az, "0");
    has_value("BAK-002", &e.bucket_backup_365, "365");
    has_value("BAK-002", &e.bucket_backup_kept, "none");
    has_value("BAK-003", &e.db_plain, "none");
    has_value("HA-001", &e.cache_one_zone, "eu-north-1a");
    has_value("HA-001", &e.cache_no_failover, "disabled");
    has_value("HA-002", &e.asg_one_az, "eu-north-1a");
    has_value("MNT-001", &e.db_single_az, BAD_WINDOW);
    has_value("MNT-001", &e.memcached_bad, BAD_WINDOW);

    // ---- the summary counts the findings
    let summary = &report["summary"];
    let count = |status: &str| {
        findings(&report)
            .iter()
            .filter(|f| f["status"] == status)
            .count() as u64
    };
    assert_eq!(summary["failed"].as_u64(), Some(count("fail")));
    assert_eq!(summary["passed"].as_u64(), Some(count("pass")));
    assert_eq!(summary["unknown"].as_u64(), Some(0));
    assert_eq!(summary["failed"].as_u64(), Some(expected.len() as u64));
    assert_eq!(summary["rules"].as_u64(), Some(18));

    // ---- offline re-evaluation of the saved inventory: same report,
    // without AWS (no credentials, and AWS at a closed port)
    let offline = conform_offline(&["scan", "--inventory", arg(&saved), "--format", "json"]);
    offline.expect_code(conform::exit::BROKEN);
    let again = offline.json();
    assert_eq!(again["findings"], report["findings"]);
    assert_eq!(again["summary"], report["summary"]);
    assert_eq!(
        offline.stdout, live.stdout,
        "the offline report differs from the live one"
    );
    assert!(
        offline.stderr.is_empty(),
        "offline stderr: {}",
        offline.stderr
    );
}

/// A small estate, scanned and saved: for the tests that need a real
/// inventory but not the whole estate.
struct Small {
    account: TestAccount,
    dir: tempfile::TempDir,
    inventory: std::path::PathBuf,
    bucket: String,
    log_group: String,
}

/// A log group kept 90 days and an AES256 bucket, scanned.
async fn small_scanned_estate() -> Small {
    let account = account().await;
    let config = account.config(REGION).await;
    let s3 = s3_client(&account).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let bucket = bucket(
        &s3,
        &format!("customer-db-{}", account.id),
        Some(s3t::ServerSideEncryption::Aes256),
    )
    .await;
    let log_group = log_group(&logs, &account, "/kliv/app", Some(90)).await;
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.json");
    let run = conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "json",
            "--save-inventory",
            arg(&inventory),
        ],
        &account,
    );
    // The default ACL and EBS default break promises in every new account.
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    assert_eq!(
        status_of(&report, "ENC-002", &bucket).as_deref(),
        Some("pass")
    );
    assert_eq!(
        status_of(&report, "LOG-001", &log_group).as_deref(),
        Some("pass")
    );
    Small {
        account,
        dir,
        inventory,
        bucket,
        log_group,
    }
}

/// A pack of two rules (copied from the built-in one) that a new account
/// with a compliant bucket and log group keeps.
const TWO_RULES: &str = r#"
[[rule]]
id = "ENC-002"
title = "S3 buckets have default server-side AES-256 encryption"
severity = "high"
area = "encryption-at-rest"
promise = { file = "policy/security-policy.sv.md", line = 79, text = "Kunddatabaser lagras i Amazons S3-tjänst och krypteras med Amazon S3 serverside 256-bitars AES-kryptering." }
checks = [{ name = "s3-default-encryption", params = { allowed_algorithms = ["AES256"] } }]

[[rule]]
id = "LOG-001"
title = "Log groups keep events at least 30 days"
severity = "medium"
area = "logging"
promise = { file = "policy/security-policy.sv.md", line = 117, related_lines = [115], text = "Applikationsloggar för Kliv samlas in centralt i Amazon CloudWatch i minst 30 dagar för övervakning och analys." }
checks = [{ name = "log-retention", params = { min_days = 30 } }]
"#;

fn load_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn save_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// The saved inventory with the log groups unreadable: coverage says
/// AccessDenied and the log groups are gone.
fn without_log_groups(inventory: &Value, account: &str) -> Value {
    let mut inv = inventory.clone();
    let mut found = 0;
    for c in inv["coverage"].as_array_mut().expect("coverage[]") {
        if c["dataset"] == "log-groups" && c["region"] == REGION && c["account"] == account {
            c["error"] = serde_json::json!({
                "operation": "DescribeLogGroups",
                "code": "AccessDenied",
                "message": "User is not authorized to perform: logs:DescribeLogGroups",
            });
            found += 1;
        }
    }
    assert_eq!(
        found, 1,
        "the inventory records the log groups' coverage once"
    );
    inv["log_groups"] = serde_json::json!([]);
    inv
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_dataset_is_unknown_never_compliant() {
    let small = small_scanned_estate().await;
    let id = small.account.id.as_str();
    let inventory = load_json(&small.inventory);
    let rules = small.dir.path().join("two-rules.toml");
    std::fs::write(&rules, TWO_RULES).unwrap();

    // As saved, the two rules hold: exit 0.
    let kept = conform_offline(&[
        "scan",
        "--rules",
        arg(&rules),
        "--inventory",
        arg(&small.inventory),
        "--format",
        "json",
    ]);
    kept.expect_code(conform::exit::OK);
    let report = kept.json();
    assert_eq!(with_status(&report, "fail"), BTreeSet::new());
    assert_eq!(with_status(&report, "unknown"), BTreeSet::new());

    // Log groups unreadable: LOG-001 is unknown, with the error code as
    // evidence, and the scan is incomplete (exit 3), not compliant.
    let modified = small.dir.path().join("no-log-groups.json");
    save_json(&modified, &without_log_groups(&inventory, id));
    let run = conform_offline(&[
        "scan",
        "--rules",
        arg(&rules),
        "--inventory",
        arg(&modified),
        "--format",
        "json",
    ]);
    run.expect_code(conform::exit::INCOMPLETE);
    let report = run.json();
    let log_findings: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule_id"] == "LOG-001")
        .collect();
    assert_eq!(log_findings.len(), 1, "{log_findings:#?}");
    let unknown = log_findings[0];
    assert_eq!(unknown["status"], "unknown", "{unknown:#}");
    assert_eq!(unknown["resource"]["account"], id);
    assert_eq!(unknown["resource"]["region"], REGION);
    let evidence = unknown["evidence"].as_array().unwrap();
    assert!(
        evidence.iter().any(|e| e["value"] == "AccessDenied"),
        "the AWS error code is the evidence: {unknown:#}"
    );
    assert_eq!(
        status_of(&report, "ENC-002", &small.bucket).as_deref(),
        Some("pass")
    );
    assert_eq!(status_of(&report, "LOG-001", &small.log_group), None);
    assert_eq!(report["summary"]["unknown"].as_u64(), Some(1));
    assert_eq!(report["summary"]["failed"].as_u64(), Some(0));
    let errors = report["coverage_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["dataset"], "log-groups");

    // The whole pack with --fail-on none: failures do not count, the
    // unknown does (exit 3).
    let run = conform_offline(&[
        "scan",
        "--fail-on",
        "none",
        "--inventory",
        arg(&modified),
        "--format",
        "json",
    ]);
    run.expect_code(conform::exit::INCOMPLETE);
    let report = run.json();
    assert!(report["summary"]["failed"].as_u64().unwrap() > 0);
    let unknown: Vec<(String, String)> = with_status(&report, "unknown").into_iter().collect();
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    assert_eq!(unknown[0].0, "LOG-001");
    // ...and with the default --fail-on, failures win: exit 1.
    conform_offline(&["scan", "--inventory", arg(&modified), "--format", "json"])
        .expect_code(conform::exit::BROKEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_bucket_encryption_is_unknown_in_json_and_text() {
    let small = small_scanned_estate().await;
    let mut inventory = load_json(&small.inventory);
    let buckets = inventory["buckets"].as_array_mut().expect("buckets[]");
    let bucket = buckets
        .iter_mut()
        .find(|b| b["arn"] == small.bucket.as_str())
        .expect("the bucket is in the inventory");
    assert_eq!(
        bucket["default_encryption"],
        serde_json::json!({ "value": [{ "algorithm": "AES256", "kms_key_id": null, "bucket_key_enabled": false }] }),
        "the inventory keeps what AWS said"
    );
    bucket["default_encryption"] = serde_json::json!({
        "unreadable": { "operation": "GetBucketEncryption", "code": "AccessDenied", "message": "Access Denied" }
    });
    let modified = small.dir.path().join("unreadable-bucket.json");
    save_json(&modified, &inventory);
    let rules = small.dir.path().join("two-rules.toml");
    std::fs::write(&rules, TWO_RULES).unwrap();

    let run = conform_offline(&[
        "scan",
        "--rules",
        arg(&rules),
        "--inventory",
        arg(&modified),
        "--format",
        "json",
    ]);
    run.expect_code(conform::exit::INCOMPLETE);
    let report = run.json();
    let f = finding(&report, "ENC-002", &small.bucket);
    assert_eq!(f["status"], "unknown", "{f:#}");
    assert!(f["evidence"].to_string().contains("AccessDenied"), "{f:#}");
    assert_eq!(
        status_of(&report, "LOG-001", &small.log_group).as_deref(),
        Some("pass")
    );

    let text = conform_offline(&[
        "scan",
        "--rules",
        arg(&rules),
        "--inventory",
        arg(&modified),
        "--format",
        "text",
    ]);
    text.expect_code(conform::exit::INCOMPLETE);
    let out = &text.stdout;
    assert!(!out.contains('\u{1b}'), "no colours on a pipe:\n{out}");
    let bucket_name = format!("customer-db-{}", small.account.id);
    let line = out
        .lines()
        .find(|l| l.contains(&bucket_name))
        .unwrap_or_else(|| panic!("the text report lists the bucket:\n{out}"));
    assert!(line.contains("unknown"), "{line}\n{out}");
    assert!(!line.contains("pass"), "{line}\n{out}");
    assert!(out.contains("AccessDenied"), "{out}");
    assert!(out.contains("ENC-002 UNKNOWN"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ebs_encryption_by_default_on_passes() {
    let account = account().await;
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    ec2.enable_ebs_encryption_by_default()
        .send()
        .await
        .expect("EnableEbsEncryptionByDefault");
    let run = conform(&["scan", "--region", REGION, "--format", "json"], &account);
    run.expect_code(conform::exit::BROKEN); // the default ACL
    let report = run.json();
    assert_eq!(ebs_default_finding(&report, &account)["status"], "pass");
    // The setting is per account: this account's did not leak elsewhere.
    let other = self::account().await;
    let run = conform(&["scan", "--region", REGION, "--format", "json"], &other);
    assert_eq!(ebs_default_finding(&run.json(), &other)["status"], "fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn text_report_names_rules_policy_lines_and_summary() {
    let account = account().await;
    let config = account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let short = log_group(&logs, &account, "/kliv/short-lived", Some(7)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    // Colours forced on: a file still gets none.
    let mut env = account.env();
    env.push(("CLICOLOR_FORCE".into(), "1".into()));
    let run = run_conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "text",
            "--output",
            arg(&file),
        ],
        &env,
    );
    run.expect_code(conform::exit::BROKEN);
    assert_eq!(run.stdout, "", "the report went to the file");
    let text = std::fs::read_to_string(&file).expect("--output wrote the report");
    assert!(
        !text.contains('\u{1b}'),
        "ANSI escapes in the file:\n{text}"
    );
    // Failing rules of a new account with one short-lived log group: the
    // default ACL, EBS encryption by default, the log group, and no trail.
    for (rule, line) in [
        ("NET-003", 21),
        ("ENC-001", 77),
        ("LOG-001", 117),
        ("LOG-002", 115),
    ] {
        assert!(
            text.contains(&format!("{rule} FAIL")),
            "{rule} is not reported failing:\n{text}"
        );
        assert!(
            text.contains(&format!("{POLICY_FILE}:{line}")),
            "{rule}'s policy line is missing:\n{text}"
        );
    }
    assert!(text.contains(&format!("{POLICY_FILE}:23")), "{text}");
    assert!(text.contains("/kliv/short-lived"), "{text}");
    assert!(text.contains(&short), "{text}");
    let summary = text
        .lines()
        .find(|l| l.starts_with("Summary:"))
        .unwrap_or_else(|| panic!("no summary line:\n{text}"));
    assert!(summary.contains("18 rules"), "{summary}");
    assert!(summary.contains("4 failed"), "{summary}");
    assert!(summary.contains("0 unknown"), "{summary}");
    assert!(text.contains(&account.id), "{text}");
    assert!(text.contains(&trails_arn(&account)), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_region_is_a_usage_error() {
    let account = account().await;
    let run = conform(
        &["scan", "--region", "eu-nowhere-9", "--format", "json"],
        &account,
    );
    run.expect_code(conform::exit::USAGE);
    assert!(run.stderr.contains("eu-nowhere-9"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown region"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

/// Scans `account` with the rules `ids` of the built-in pack and more
/// arguments; returns the run.
fn scan_with_rules(account: &TestAccount, dir: &Path, ids: &[&str], more: &[&str]) -> Run {
    let rules = dir.join(format!("{}.toml", ids.join("-")));
    std::fs::write(&rules, pack_of(ids)).unwrap();
    let mut args = vec![
        "scan",
        "--rules",
        arg(&rules),
        "--region",
        REGION,
        "--format",
        "json",
    ];
    args.extend_from_slice(more);
    conform(&args, account)
}

/// The one LOG-002 finding of a report (on the account's trails).
fn trails_finding<'a>(report: &'a Value, account: &TestAccount) -> &'a Value {
    let all: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule_id"] == "LOG-002")
        .collect();
    assert_eq!(all.len(), 1, "one LOG-002 verdict per account: {all:#?}");
    assert_eq!(all[0]["resource"]["arn"], trails_arn(account).as_str());
    assert_eq!(all[0]["resource"]["region"], "global");
    all[0]
}

#[tokio::test(flavor = "multi_thread")]
async fn log_002_needs_a_multi_region_trail_that_is_logging() {
    let account = account().await;
    let config = account.config(REGION).await;
    let s3 = s3_client(&account).await;
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&config);
    let dir = tempfile::tempdir().unwrap();
    let scan = |expected: i32| {
        let run = scan_with_rules(&account, dir.path(), &["LOG-002"], &[]);
        run.expect_code(expected);
        run.json()
    };

    // No trail at all.
    let report = scan(conform::exit::BROKEN);
    let f = trails_finding(&report, &account);
    assert_eq!(f["status"], "fail", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("has no CloudTrail trail"),
        "{f:#}"
    );

    // Two single-region trails, both logging, do not make one
    // multi-region trail.
    let logs_bucket = format!("trails-{}", account.id);
    bucket(&s3, &logs_bucket, Some(s3t::ServerSideEncryption::Aes256)).await;
    let app = trail(&cloudtrail, "app-events", &logs_bucket, false, true).await;
    let audit = trail(&cloudtrail, "audit-events", &logs_bucket, false, true).await;
    let report = scan(conform::exit::BROKEN);
    let f = trails_finding(&report, &account);
    assert_eq!(f["status"], "fail", "{f:#}");
    assert_eq!(
        f["message"],
        format!(
            "account {} has no multi-region trail: its 2 trails are all single-region, which do not add up to one",
            account.id
        ),
        "{f:#}"
    );
    let evidence = f["evidence"].to_string();
    for arn in [&app, &audit] {
        assert!(evidence.contains(arn.as_str()), "{arn} not in {f:#}");
    }
    assert!(evidence.contains("IsLogging=true"), "{f:#}");

    // A multi-region trail that was never started.
    let all = trail(&cloudtrail, "all-regions", &logs_bucket, true, false).await;
    let report = scan(conform::exit::BROKEN);
    let f = trails_finding(&report, &account);
    assert_eq!(f["status"], "fail", "{f:#}");
    assert_eq!(
        f["message"],
        format!(
            "account {} has no multi-region trail that is logging",
            account.id
        ),
        "{f:#}"
    );
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["value"] == "IsLogging=false" && e.to_string().contains(&all)),
        "{f:#}"
    );

    // Started: the promise is kept.
    cloudtrail
        .start_logging()
        .name("all-regions")
        .send()
        .await
        .expect("StartLogging");
    let report = scan(conform::exit::OK);
    let f = trails_finding(&report, &account);
    assert_eq!(f["status"], "pass", "{f:#}");
    assert!(
        f["message"].as_str().unwrap().contains("all-regions"),
        "{f:#}"
    );

    // Logging, but leaving KMS's management events out: not all API calls.
    event_selectors(
        &cloudtrail,
        "all-regions",
        "All",
        true,
        &["kms.amazonaws.com"],
    )
    .await;
    let report = scan(conform::exit::BROKEN);
    let f = trails_finding(&report, &account);
    assert_eq!(f["status"], "fail", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("all-regions excludes management events from kms.amazonaws.com"),
        "{f:#}"
    );
    // Only write events.
    event_selectors(&cloudtrail, "all-regions", "WriteOnly", true, &[]).await;
    let f = trails_finding(&scan(conform::exit::BROKEN), &account).clone();
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("records write management events only"),
        "{f:#}"
    );
    // Back to every management event.
    event_selectors(&cloudtrail, "all-regions", "All", true, &[]).await;
    let f = trails_finding(&scan(conform::exit::OK), &account).clone();
    assert_eq!(f["status"], "pass", "{f:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bak_002_judges_manual_snapshot_ages_against_collection_time_or_now() {
    let account = account().await;
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let rds = aws_sdk_rds::Client::new(&config);
    let s3 = s3_client(&account).await;

    // Manual snapshots of each kind, taken now, and a backup bucket that
    // expires objects after 30 days.
    let volume = volume(&ec2, true).await;
    let ebs = ebs_snapshot(&ec2, &volume).await;
    // A manual snapshot described like AWS Backup's: a description is free
    // text, so it is judged like any manual snapshot.
    let forged = ebs_snapshot_described(
        &ec2,
        &volume,
        "This snapshot is created by the AWS Backup service for backup job 0123",
    )
    .await;
    db_instance(&rds, &account, &DbSpec::new("ledger")).await;
    let db = db_snapshot(&rds, "ledger", "ledger-manual").await;
    aurora(&rds, &account, "accounts", &[], GOOD_WINDOW).await;
    let cluster = db_cluster_snapshot(&rds, "accounts", "accounts-manual").await;
    let automated: Vec<String> = automated_db_snapshots(&rds, "ledger")
        .await
        .into_iter()
        .chain(automated_db_cluster_snapshots(&rds, "accounts").await)
        .collect();
    let backups = format!("nightly-backups-{}", account.id);
    let backup_bucket = bucket(&s3, &backups, Some(s3t::ServerSideEncryption::Aes256)).await;
    expire_versions(&s3, &backups, 30, Some(30)).await;
    let manual = [ebs.as_str(), forged.as_str(), db.as_str(), cluster.as_str()];

    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("inventory.json");
    let check = |report: &Value, snapshots: &str| {
        for arn in manual {
            assert_eq!(
                status_of(report, "BAK-002", arn).as_deref(),
                Some(snapshots),
                "BAK-002 {arn}"
            );
        }
        // Automated snapshots are RDS's to delete; bucket expiry does not
        // age.
        for arn in &automated {
            assert_eq!(status_of(report, "BAK-002", arn), None, "BAK-002 {arn}");
        }
        assert_eq!(
            status_of(report, "BAK-002", &backup_bucket).as_deref(),
            Some("pass")
        );
    };

    // Measured against the collection time: taken just now, they pass.
    let run = scan_with_rules(
        &account,
        dir.path(),
        &["BAK-002"],
        &["--save-inventory", arg(&saved)],
    );
    run.expect_code(conform::exit::OK);
    check(&run.json(), "pass");

    // Measured against 2030: every manual snapshot is years old.
    const LATER: &str = "2030-01-01T00:00:00Z";
    let run = scan_with_rules(&account, dir.path(), &["BAK-002"], &["--now", LATER]);
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    check(&report, "fail");
    let expected: BTreeSet<(String, String)> = manual
        .iter()
        .map(|arn| ("BAK-002".to_string(), arn.to_string()))
        .collect();
    assert_same_pairs(
        "failing (rule, resource) pairs",
        &with_status(&report, "fail"),
        &expected,
    );
    for arn in manual {
        let f = finding(&report, "BAK-002", arn);
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("older than 90 days"),
            "{f:#}"
        );
        assert!(f["evidence"].to_string().contains(LATER), "{f:#}");
    }

    // The saved inventory gives the same verdicts offline: its own
    // collection time by default, or --now.
    let offline = conform_offline(&[
        "scan",
        "--rules",
        arg(&dir.path().join("BAK-002.toml")),
        "--inventory",
        arg(&saved),
        "--format",
        "json",
    ]);
    offline.expect_code(conform::exit::OK);
    check(&offline.json(), "pass");
    let offline = conform_offline(&[
        "scan",
        "--rules",
        arg(&dir.path().join("BAK-002.toml")),
        "--inventory",
        arg(&saved),
        "--format",
        "json",
        "--now",
        LATER,
    ]);
    offline.expect_code(conform::exit::BROKEN);
    assert_eq!(offline.json()["findings"], report["findings"]);
}

/// `--max-rps` paces the requests of one budget: three buckets' calls in
/// one account and region at one per second take at least two seconds of
/// waiting, and the verdicts are those of an unpaced scan.
/// (Only lower bounds on time: a slow machine cannot make this pass
/// wrongly, only a limiter that lets requests through too early fails it.)
#[tokio::test(flavor = "multi_thread")]
async fn max_rps_paces_each_budget_and_changes_no_verdict() {
    let account = account().await;
    let s3 = s3_client(&account).await;
    for n in 0..3 {
        bucket(&s3, &format!("paced-{n}-{}", account.id), None).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats.json");
    let started = std::time::Instant::now();
    let paced = scan_with_rules(
        &account,
        dir.path(),
        &["ENC-002"],
        &["--max-rps", "1", "--stats-file", arg(&stats)],
    );
    let elapsed = started.elapsed();
    paced.expect_code(conform::exit::BROKEN);
    let stats: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let budgets = stats["budgets"].as_array().expect("budgets[]");
    let encryption = budgets
        .iter()
        .find(|b| b["bucket"] == "s3:GetBucketEncryption")
        .unwrap_or_else(|| panic!("no GetBucketEncryption budget: {stats:#}"));
    assert_eq!(encryption["requests"], 3, "{stats:#}");
    assert_eq!(encryption["rate"], 1.0, "{stats:#}");
    assert_eq!(encryption["burst"], 1, "{stats:#}");
    assert_eq!(encryption["published"], false, "{stats:#}");
    // The first paced S3 call of each bucket waits its turn: with
    // moto's ListBuckets (no BucketRegion) that is GetBucketLocation, and
    // each bucket's reads follow its location, already a second apart.
    let s3_waited: u64 = budgets
        .iter()
        .filter(|b| b["bucket"].as_str().unwrap_or("").starts_with("s3:"))
        .map(|b| b["waited_millis"].as_u64().unwrap())
        .sum();
    assert!(s3_waited >= 1800, "{stats:#}");
    assert!(
        elapsed >= std::time::Duration::from_millis(1800),
        "{elapsed:?}"
    );
    for budget in budgets {
        assert!(budget["rate"].as_f64().unwrap() <= 1.0, "{budget}");
    }
    // The pacing bound: at least the 2 s three requests at 1/s after a
    // burst of 1 need, and collecting took no less than its paced part.
    let pacing = &stats["pacing"];
    let bound = &pacing["bound"];
    let seconds = bound["seconds"].as_f64().expect("pacing.bound.seconds");
    let steps = bound["steps"].as_f64().expect("steps");
    let rtt = bound["round_trip_seconds"].as_f64().expect("round trip");
    assert!(seconds >= 2.0, "{stats:#}");
    assert!(bound["requests"].as_u64().unwrap() >= 3, "{stats:#}");
    assert!(
        pacing["wall_seconds"].as_f64().unwrap() >= seconds - steps * rtt - 0.05,
        "{stats:#}"
    );

    let unpaced = scan_with_rules(&account, dir.path(), &["ENC-002"], &[]);
    let verdicts = |run: &Run| -> Vec<(String, String)> {
        findings(&run.json())
            .iter()
            .map(|f| (f["resource"]["arn"].to_string(), f["status"].to_string()))
            .collect()
    };
    assert_eq!(verdicts(&paced), verdicts(&unpaced));
    assert_eq!(
        verdicts(&paced)
            .iter()
            .filter(|(_, s)| s == "\"fail\"")
            .count(),
        3
    );
}

/// Paginated reads read every page and spend one token per request sent:
/// 120 log groups are three pages of DescribeLogGroups (50 per page), and
/// the budget counts exactly those three requests (asking the paginator
/// past its last page sends nothing and takes no token).
#[tokio::test(flavor = "multi_thread")]
async fn every_page_is_read_and_only_requests_sent_take_tokens() {
    let account = account().await;
    let config = account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    for n in 0..120 {
        let days = if n % 2 == 0 { Some(7) } else { None };
        log_group(&logs, &account, &format!("/paged/{n:03}"), days).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats.json");
    let run = scan_with_rules(
        &account,
        dir.path(),
        &["LOG-001"],
        &["--stats-file", arg(&stats)],
    );
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    let judged: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule_id"] == "LOG-001")
        .collect();
    assert_eq!(judged.len(), 120);
    assert_eq!(judged.iter().filter(|f| f["status"] == "fail").count(), 60);
    let stats: Value = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let calls = stats["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation"] == "DescribeLogGroups")
        .unwrap_or_else(|| panic!("{stats:#}"));
    assert_eq!(calls["calls"], 3, "{stats:#}");
    let budget = stats["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == "logs:DescribeLogGroups")
        .unwrap_or_else(|| panic!("{stats:#}"));
    assert_eq!(budget["requests"], 3, "{stats:#}");
}
