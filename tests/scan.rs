//! End-to-end scans of an emulated AWS estate (moto, started by
//! scripts/test): every rule of the built-in Kliv pack, compliant and
//! non-compliant resources for each, the JSON and text reports, offline
//! re-evaluation of a saved inventory, and unknown verdicts.
//!
//! Every test builds what it needs in an account of its own (see
//! tests/common). Where moto differs from AWS the test says so, and
//! tests/README.md lists every such difference.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancing::types as elbt;
use aws_sdk_elasticloadbalancingv2::types as elbv2t;
use aws_sdk_s3::types as s3t;
use serde_json::Value;

use common::*;

/// An AMI moto knows.
const AMI: &str = "ami-12c6146b";
/// A certificate for HTTPS/TLS listeners. moto checks ACM certificate ARNs
/// against its ACM (which the crate has no SDK for) but accepts IAM server
/// certificate ARNs as they are.
fn certificate(account: &TestAccount) -> String {
    format!(
        "arn:aws:iam::{}:server-certificate/conform-test",
        account.id
    )
}
/// A policy that allows only TLS 1.2 and AES-GCM suites (TLS-002 passes).
const STRONG_TLS: &str = "ELBSecurityPolicy-FS-1-2-Res-2020-10";
/// A policy that allows TLS 1.0 and 1.1 (TLS-002 fails).
const WEAK_TLS: &str = "ELBSecurityPolicy-2016-08";

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
    // log groups
    logs_7: String,
    logs_30: String,
    logs_forever: String,
    // databases
    db_public: String,
    db_single_az: String,
    db_good: String,
    aurora_ha: String,
    aurora_ha_members: Vec<String>,
    aurora_solo: String,
    aurora_solo_member: String,
}

fn cidr(block: &str) -> ec2t::IpRange {
    ec2t::IpRange::builder().cidr_ip(block).build()
}

fn tcp(from: i32, to: i32) -> ec2t::builders::IpPermissionBuilder {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(from)
        .to_port(to)
}

/// Creates a security group in `vpc` with `ingress`; returns its id.
async fn security_group(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    ingress: Vec<ec2t::IpPermission>,
) -> String {
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("conform test: {name}"))
        .vpc_id(vpc)
        .send()
        .await
        .expect("CreateSecurityGroup")
        .group_id()
        .expect("group id")
        .to_string();
    if !ingress.is_empty() {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(ingress))
            .send()
            .await
            .expect("AuthorizeSecurityGroupIngress");
    }
    id
}

async fn prefix_list(ec2: &aws_sdk_ec2::Client, name: &str, entries: &[&str]) -> String {
    let mut request = ec2
        .create_managed_prefix_list()
        .prefix_list_name(name)
        .address_family("IPv4")
        .max_entries(10);
    for e in entries {
        request = request.entries(ec2t::AddPrefixListEntry::builder().cidr(*e).build());
    }
    request
        .send()
        .await
        .expect("CreateManagedPrefixList")
        .prefix_list()
        .and_then(|p| p.prefix_list_id())
        .expect("prefix list id")
        .to_string()
}

/// One inbound NACL entry for IPv4: (rule number, protocol, allow?, cidr,
/// ports).
type Entry = (i32, &'static str, bool, &'static str, Option<(i32, i32)>);

/// Creates a subnet and a network ACL with `entries` (inbound) and an
/// allow-all outbound entry, and associates the ACL with the subnet.
/// Returns (ACL id, subnet id).
async fn network_acl(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    subnet_cidr: &str,
    entries: &[Entry],
) -> (String, String) {
    let subnet = ec2
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(subnet_cidr)
        .availability_zone(format!("{REGION}a"))
        .send()
        .await
        .expect("CreateSubnet")
        .subnet()
        .and_then(|s| s.subnet_id())
        .expect("subnet id")
        .to_string();
    let acl = ec2
        .create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .expect("CreateNetworkAcl")
        .network_acl()
        .and_then(|a| a.network_acl_id())
        .expect("acl id")
        .to_string();
    // AWS gives every new ACL a `*` (32767) deny-all entry each way; moto
    // gives it none. 32766 deny-all stands in for it, so that the ACL
    // means here what it would mean in AWS.
    let mut all: Vec<Entry> = entries.to_vec();
    all.push((32766, "-1", false, "0.0.0.0/0", None));
    for (number, protocol, allow, block, ports) in all {
        let mut request = ec2
            .create_network_acl_entry()
            .network_acl_id(&acl)
            .rule_number(number)
            .protocol(protocol)
            .rule_action(if allow {
                ec2t::RuleAction::Allow
            } else {
                ec2t::RuleAction::Deny
            })
            .egress(false)
            .cidr_block(block);
        if let Some((from, to)) = ports {
            request = request.port_range(ec2t::PortRange::builder().from(from).to(to).build());
        }
        request.send().await.expect("CreateNetworkAclEntry");
    }
    ec2.create_network_acl_entry()
        .network_acl_id(&acl)
        .rule_number(100)
        .protocol("-1")
        .rule_action(ec2t::RuleAction::Allow)
        .egress(true)
        .cidr_block("0.0.0.0/0")
        .send()
        .await
        .expect("CreateNetworkAclEntry (egress)");
    let association = ec2
        .describe_network_acls()
        .filters(
            ec2t::Filter::builder()
                .name("association.subnet-id")
                .values(&subnet)
                .build(),
        )
        .send()
        .await
        .expect("DescribeNetworkAcls")
        .network_acls()
        .iter()
        .flat_map(|a| a.associations())
        .find(|a| a.subnet_id() == Some(subnet.as_str()))
        .and_then(|a| a.network_acl_association_id())
        .expect("the new subnet's ACL association")
        .to_string();
    ec2.replace_network_acl_association()
        .association_id(association)
        .network_acl_id(&acl)
        .send()
        .await
        .expect("ReplaceNetworkAclAssociation");
    (acl, subnet)
}

/// Launches one instance; returns its id.
async fn instance(ec2: &aws_sdk_ec2::Client, subnet: &str, groups: &[&str]) -> String {
    let mut request = ec2
        .run_instances()
        .image_id(AMI)
        .instance_type(ec2t::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .subnet_id(subnet)
        // An encrypted root volume, so that ENC-001 judges only the
        // volumes created for it.
        .block_device_mappings(
            ec2t::BlockDeviceMapping::builder()
                .device_name("/dev/sda1")
                .ebs(
                    ec2t::EbsBlockDevice::builder()
                        .volume_size(8)
                        .encrypted(true)
                        .build(),
                )
                .build(),
        );
    for g in groups {
        request = request.security_group_ids(*g);
    }
    request
        .send()
        .await
        .expect("RunInstances")
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .expect("instance id")
        .to_string()
}

async fn volume(ec2: &aws_sdk_ec2::Client, encrypted: bool) -> String {
    ec2.create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(1)
        .encrypted(encrypted)
        .send()
        .await
        .expect("CreateVolume")
        .volume_id()
        .expect("volume id")
        .to_string()
}

fn fixed_response() -> elbv2t::Action {
    elbv2t::Action::builder()
        .r#type(elbv2t::ActionTypeEnum::FixedResponse)
        .fixed_response_config(
            elbv2t::FixedResponseActionConfig::builder()
                .status_code("200")
                .content_type("text/plain")
                .message_body("ok")
                .build(),
        )
        .build()
}

fn redirect_to_https() -> elbv2t::Action {
    elbv2t::Action::builder()
        .r#type(elbv2t::ActionTypeEnum::Redirect)
        .redirect_config(
            elbv2t::RedirectActionConfig::builder()
                .protocol("HTTPS")
                .port("443")
                .status_code(elbv2t::RedirectActionStatusCodeEnum::Http301)
                .build(),
        )
        .build()
}

fn forward(target_group: &str) -> elbv2t::Action {
    elbv2t::Action::builder()
        .r#type(elbv2t::ActionTypeEnum::Forward)
        .target_group_arn(target_group)
        .build()
}

/// A listener to create: protocol, port, TLS policy, default action.
struct ListenerSpec {
    protocol: elbv2t::ProtocolEnum,
    port: i32,
    policy: Option<&'static str>,
    action: elbv2t::Action,
}

fn listener(
    protocol: elbv2t::ProtocolEnum,
    port: i32,
    policy: Option<&'static str>,
    action: elbv2t::Action,
) -> ListenerSpec {
    ListenerSpec {
        protocol,
        port,
        policy,
        action,
    }
}

/// Creates an ELBv2 load balancer with listeners; returns its ARN.
async fn load_balancer(
    elbv2: &aws_sdk_elasticloadbalancingv2::Client,
    account: &TestAccount,
    name: &str,
    (kind, scheme): (elbv2t::LoadBalancerTypeEnum, elbv2t::LoadBalancerSchemeEnum),
    subnets: &[String],
    groups: &[&str],
    listeners: Vec<ListenerSpec>,
) -> String {
    let mut request = elbv2
        .create_load_balancer()
        .name(name)
        .r#type(kind)
        .scheme(scheme)
        .set_subnets(Some(subnets.to_vec()));
    for g in groups {
        request = request.security_groups(*g);
    }
    let arn = request
        .send()
        .await
        .expect("CreateLoadBalancer")
        .load_balancers()
        .first()
        .and_then(|lb| lb.load_balancer_arn())
        .expect("load balancer ARN")
        .to_string();
    for l in listeners {
        let tls = matches!(
            l.protocol,
            elbv2t::ProtocolEnum::Https | elbv2t::ProtocolEnum::Tls
        );
        let mut request = elbv2
            .create_listener()
            .load_balancer_arn(&arn)
            .protocol(l.protocol)
            .port(l.port)
            .default_actions(l.action)
            .set_ssl_policy(l.policy.map(str::to_string));
        if tls {
            request = request.certificates(
                elbv2t::Certificate::builder()
                    .certificate_arn(certificate(account))
                    .build(),
            );
        }
        request.send().await.expect("CreateListener");
    }
    arn
}

async fn bucket(
    s3: &aws_sdk_s3::Client,
    name: &str,
    algorithm: Option<s3t::ServerSideEncryption>,
) -> String {
    s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(
            s3t::CreateBucketConfiguration::builder()
                .location_constraint(s3t::BucketLocationConstraint::from(REGION))
                .build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    if let Some(algorithm) = algorithm {
        let kms = algorithm == s3t::ServerSideEncryption::AwsKms;
        let mut default = s3t::ServerSideEncryptionByDefault::builder().sse_algorithm(algorithm);
        if kms {
            default = default.kms_master_key_id(format!(
                "arn:aws:kms:{REGION}:000000000000:key/0f1e2d3c-0000-4000-8000-000000000001"
            ));
        }
        s3.put_bucket_encryption()
            .bucket(name)
            .server_side_encryption_configuration(
                s3t::ServerSideEncryptionConfiguration::builder()
                    .rules(
                        s3t::ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                default.build().expect("encryption default"),
                            )
                            .bucket_key_enabled(kms)
                            .build(),
                    )
                    .build()
                    .expect("encryption configuration"),
            )
            .send()
            .await
            .expect("PutBucketEncryption");
    }
    format!("arn:aws:s3:::{name}")
}

async fn log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    account: &TestAccount,
    name: &str,
    days: Option<i32>,
) -> String {
    logs.create_log_group()
        .log_group_name(name)
        .send()
        .await
        .expect("CreateLogGroup");
    if let Some(days) = days {
        logs.put_retention_policy()
            .log_group_name(name)
            .retention_in_days(days)
            .send()
            .await
            .expect("PutRetentionPolicy");
    }
    account.arn("logs", &format!("log-group:{name}"))
}

async fn db_instance(
    rds: &aws_sdk_rds::Client,
    account: &TestAccount,
    id: &str,
    public: bool,
    multi_az: bool,
) -> String {
    rds.create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("conform")
        .master_user_password("conform-test-password")
        .publicly_accessible(public)
        .multi_az(multi_az)
        .storage_encrypted(true)
        .send()
        .await
        .expect("CreateDBInstance");
    account.arn("rds", &format!("db:{id}"))
}

/// An Aurora cluster with one member per AZ given; returns the cluster's
/// ARN and its members'.
async fn aurora(
    rds: &aws_sdk_rds::Client,
    account: &TestAccount,
    id: &str,
    member_azs: &[&str],
) -> (String, Vec<String>) {
    rds.create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-postgresql")
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(true)
        .send()
        .await
        .expect("CreateDBCluster");
    let mut members = Vec::new();
    for (i, az) in member_azs.iter().enumerate() {
        let member = format!("{id}-{}", i + 1);
        rds.create_db_instance()
            .db_instance_identifier(&member)
            .db_cluster_identifier(id)
            .db_instance_class("db.r5.large")
            .engine("aurora-postgresql")
            .availability_zone(*az)
            .send()
            .await
            .expect("CreateDBInstance (cluster member)");
        members.push(account.arn("rds", &format!("db:{member}")));
    }
    (account.arn("rds", &format!("cluster:{id}")), members)
}

/// The default VPC and its default subnets (one per AZ, AZ order).
async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> (String, Vec<String>) {
    let vpc = ec2
        .describe_vpcs()
        .filters(
            ec2t::Filter::builder()
                .name("is-default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .expect("DescribeVpcs")
        .vpcs()
        .first()
        .and_then(|v| v.vpc_id())
        .expect("every new account has a default VPC")
        .to_string();
    let mut subnets: Vec<(String, String)> = ec2
        .describe_subnets()
        .filters(ec2t::Filter::builder().name("vpc-id").values(&vpc).build())
        .send()
        .await
        .expect("DescribeSubnets")
        .subnets()
        .iter()
        .filter(|s| s.default_for_az() == Some(true))
        .map(|s| {
            (
                s.availability_zone().unwrap_or_default().to_string(),
                s.subnet_id().unwrap_or_default().to_string(),
            )
        })
        .collect();
    subnets.sort();
    assert!(
        subnets.len() >= 2,
        "the default VPC has a subnet per AZ: {subnets:?}"
    );
    (vpc, subnets.into_iter().map(|(_, id)| id).collect())
}

/// Builds the estate: compliant and non-compliant resources for every rule.
async fn build_estate(account: &TestAccount) -> Estate {
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let elb = aws_sdk_elasticloadbalancing::Client::new(&config);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let rds = aws_sdk_rds::Client::new(&config);
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

    let sg_web = security_group(
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
    )
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
    let sg_ssh_private = security_group(
        &ec2,
        &vpc,
        "ssh-private",
        vec![tcp(22, 22).ip_ranges(cidr("10.0.0.0/8")).build()],
    )
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
    let sg_on_instance = security_group(
        &ec2,
        &vpc,
        "on-instance",
        vec![tcp(443, 443).ip_ranges(cidr("0.0.0.0/0")).build()],
    )
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
    let (acl, _) = network_acl(
        &ec2,
        &vpc,
        "172.31.128.0/24",
        &[
            (90, "6", false, any, Some((22, 22))),
            (100, "-1", true, any, None),
        ],
    )
    .await;
    e.nacl_deny_ssh_allow_all = acl_arn(&acl);
    // Allows only 80, 443 and the return ports (and anything from private
    // space).
    let (acl, private_subnet) = network_acl(
        &ec2,
        &vpc,
        "172.31.129.0/24",
        &[
            (100, "6", true, any, Some((443, 443))),
            (110, "6", true, any, Some((80, 80))),
            (120, "6", true, any, Some((1024, 65535))),
            (130, "-1", true, "10.0.0.0/8", None),
        ],
    )
    .await;
    e.nacl_web_only = acl_arn(&acl);
    // Denies the tcp gaps below 1024 first, then allows all of tcp: only
    // 80, 443 and 1024-65535 stay open.
    let (acl, _) = network_acl(
        &ec2,
        &vpc,
        "172.31.130.0/24",
        &[
            (90, "6", false, any, Some((0, 79))),
            (91, "6", false, any, Some((81, 442))),
            (92, "6", false, any, Some((444, 1023))),
            (100, "6", true, any, Some((0, 65535))),
        ],
    )
    .await;
    e.nacl_deny_gaps = acl_arn(&acl);
    // Allows the web ports, then denies everything before a later
    // allow-all that is never reached.
    let (acl, _) = network_acl(
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
    )
    .await;
    e.nacl_deny_all_after_allows = acl_arn(&acl);

    // ---- instances and volumes (NET-002, NET-005, ENC-001)
    // Default subnets map a public IP on launch (as in AWS); the new
    // subnets do not.
    let public = instance(&ec2, &default_subnets[0], &[&sg_on_instance]).await;
    let private = instance(&ec2, &private_subnet, &[&sg_ssh_private]).await;
    e.instance_public = account.arn("ec2", &format!("instance/{public}"));
    e.instance_private = account.arn("ec2", &format!("instance/{private}"));
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
    e.alb_web = load_balancer(
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
    )
    .await;
    e.alb_forward = load_balancer(
        &elbv2,
        account,
        "plain-http",
        (Application, InternetFacing),
        two_azs,
        &[&sg_web],
        vec![listener(Http, 80, None, forward(&http_targets))],
    )
    .await;
    e.alb_8080 = load_balancer(
        &elbv2,
        account,
        "port-8080",
        (Application, InternetFacing),
        two_azs,
        &[],
        vec![listener(Https, 8080, Some(STRONG_TLS), fixed_response())],
    )
    .await;
    e.alb_weak_tls = load_balancer(
        &elbv2,
        account,
        "weak-tls",
        (Application, InternetFacing),
        two_azs,
        &[],
        vec![listener(Https, 443, Some(WEAK_TLS), fixed_response())],
    )
    .await;
    // AWS refuses an ALB in one AZ; moto does not, which makes it the
    // simplest single-AZ load balancer.
    e.alb_one_az = load_balancer(
        &elbv2,
        account,
        "one-az",
        (Application, InternetFacing),
        one_az,
        &[],
        vec![listener(Https, 443, Some(STRONG_TLS), fixed_response())],
    )
    .await;
    e.nlb_tcp = load_balancer(
        &elbv2,
        account,
        "tcp-443",
        (Network, InternetFacing),
        two_azs,
        &[],
        vec![listener(Tcp, 443, None, forward(&tcp_targets))],
    )
    .await;
    e.nlb_tls = load_balancer(
        &elbv2,
        account,
        "tls-443",
        (Network, InternetFacing),
        two_azs,
        &[],
        vec![listener(Tls, 443, Some(STRONG_TLS), forward(&tcp_targets))],
    )
    .await;
    // Internal load balancers may listen anywhere, in plain text.
    e.alb_internal = load_balancer(
        &elbv2,
        account,
        "internal-api",
        (Application, Internal),
        two_azs,
        &[],
        vec![listener(Http, 8080, None, forward(&http_targets))],
    )
    .await;
    e.nlb_internal = load_balancer(
        &elbv2,
        account,
        "internal-db",
        (Network, Internal),
        two_azs,
        &[],
        vec![listener(Tcp, 5432, None, forward(&tcp_targets))],
    )
    .await;
    // TLS-002 judges the TLS of internal load balancers too.
    e.alb_internal_weak_tls = load_balancer(
        &elbv2,
        account,
        "internal-weak-tls",
        (Application, Internal),
        two_azs,
        &[],
        vec![listener(Https, 8443, Some(WEAK_TLS), fixed_response())],
    )
    .await;
    // A classic load balancer in one AZ with plain HTTP.
    elb.create_load_balancer()
        .load_balancer_name("classic-web")
        .listeners(
            elbt::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_protocol("HTTP")
                .instance_port(80)
                .build()
                .expect("classic listener"),
        )
        .availability_zones(format!("{REGION}a"))
        .send()
        .await
        .expect("CreateLoadBalancer (classic)");
    e.classic = account.arn("elasticloadbalancing", "loadbalancer/classic-web");

    // ---- buckets (ENC-002); bucket names are global, so they carry the
    // account id.
    e.bucket_aes = bucket(
        &s3,
        &format!("aes256-{}", account.id),
        Some(s3t::ServerSideEncryption::Aes256),
    )
    .await;
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

    // ---- log groups (LOG-001)
    e.logs_7 = log_group(&logs, account, "/kliv/debug", Some(7)).await;
    e.logs_30 = log_group(&logs, account, "/kliv/api", Some(30)).await;
    e.logs_forever = log_group(&logs, account, "/kliv/audit", None).await;

    // ---- databases (NET-005, HA-001)
    e.db_public = db_instance(&rds, account, "reports", true, true).await;
    e.db_single_az = db_instance(&rds, account, "orders", false, false).await;
    e.db_good = db_instance(&rds, account, "ledger", false, true).await;
    (e.aurora_ha, e.aurora_ha_members) =
        aurora(&rds, account, "aurora-ha", &["eu-north-1a", "eu-north-1b"]).await;
    let (solo, mut solo_members) = aurora(&rds, account, "aurora-solo", &["eu-north-1a"]).await;
    (e.aurora_solo, e.aurora_solo_member) = (solo, solo_members.remove(0));
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
        "LOG-001" => 117,
        "HA-001" => 159,
        "HA-002" => 161,
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
    let e = build_estate(&account).await;
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
        ("NET-005", &e.db_public),
        ("TLS-001", &e.alb_forward),
        ("TLS-001", &e.nlb_tcp),
        ("TLS-001", &e.classic),
        ("TLS-002", &e.alb_weak_tls),
        ("TLS-002", &e.alb_internal_weak_tls),
        ("ENC-001", &e.volume_plain),
        ("ENC-001", &ebs_default_arn),
        ("ENC-002", &e.bucket_kms),
        ("ENC-002", &e.bucket_none),
        ("LOG-001", &e.logs_7),
        ("HA-001", &e.db_single_az),
        // an Aurora cluster whose only member is in one AZ (AWS lists
        // three AZs for its storage whatever the members)
        ("HA-001", &e.aurora_solo),
        ("HA-002", &e.alb_one_az),
        ("HA-002", &e.classic),
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
        ("HA-001", &e.db_public),
        ("HA-001", &e.db_good),
        ("HA-001", &e.aurora_ha),
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
        assert_eq!(f["resource"]["region"], REGION, "{f:#}");
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
    assert_eq!(summary["rules"].as_u64(), Some(12));

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
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
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
    // Failing rules of a new account with one short-lived log group.
    for (rule, line) in [("NET-003", 21), ("ENC-001", 77), ("LOG-001", 117)] {
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
    assert!(summary.contains("3 failed"), "{summary}");
    assert!(summary.contains("0 unknown"), "{summary}");
    assert!(text.contains(&account.id), "{text}");
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
