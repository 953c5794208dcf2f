//! Builders for test estates: the AWS resources the integration tests
//! create in their accounts, returning the ids or ARNs AWS gives them.
//! Shared by scan.rs, readonly.rs and leak.rs.
//!
//! Where moto differs from AWS a builder says so; tests/README.md lists
//! every such difference.

use aws_sdk_autoscaling::types as asgt;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancing::types as elbt;
use aws_sdk_elasticloadbalancingv2::types as elbv2t;
use aws_sdk_s3::types as s3t;

use super::{REGION, TestAccount};

/// An AMI moto knows.
pub const AMI: &str = "ami-12c6146b";
/// A certificate for HTTPS/TLS listeners. moto checks ACM certificate ARNs
/// against its ACM (which the crate has no SDK for) but accepts IAM server
/// certificate ARNs as they are.
pub fn certificate(account: &TestAccount) -> String {
    format!(
        "arn:aws:iam::{}:server-certificate/conform-test",
        account.id
    )
}
/// A policy that allows only TLS 1.2 and AES-GCM suites (TLS-002 passes).
pub const STRONG_TLS: &str = "ELBSecurityPolicy-FS-1-2-Res-2020-10";
/// A policy that allows TLS 1.0 and 1.1 (TLS-002 fails).
pub const WEAK_TLS: &str = "ELBSecurityPolicy-2016-08";

pub fn cidr(block: &str) -> ec2t::IpRange {
    ec2t::IpRange::builder().cidr_ip(block).build()
}

pub fn tcp(from: i32, to: i32) -> ec2t::builders::IpPermissionBuilder {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(from)
        .to_port(to)
}

/// Creates a security group in `vpc` with `ingress`; returns its id.
pub async fn security_group(
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

pub async fn prefix_list(ec2: &aws_sdk_ec2::Client, name: &str, entries: &[&str]) -> String {
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
/// ports). For ICMP (`1`, `58`) the pair is the ICMP (type, code).
pub type Entry = (i32, &'static str, bool, &'static str, Option<(i32, i32)>);

/// Creates a subnet and a network ACL with `entries` (inbound) and an
/// allow-all outbound entry, and associates the ACL with the subnet.
/// Returns (ACL id, subnet id).
pub async fn network_acl(
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
        match ports {
            Some((kind, code)) if protocol == "1" || protocol == "58" => {
                request = request.icmp_type_code(
                    ec2t::IcmpTypeCode::builder()
                        .r#type(kind)
                        .code(code)
                        .build(),
                );
            }
            Some((from, to)) => {
                request = request.port_range(ec2t::PortRange::builder().from(from).to(to).build());
            }
            None => {}
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
pub async fn instance(ec2: &aws_sdk_ec2::Client, subnet: &str, groups: &[&str]) -> String {
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

/// Attaches a second network interface (device 1) to `instance`, in
/// `subnet` with `group`, and associates a new Elastic IP with it.
pub async fn elastic_ip_on_second_interface(
    ec2: &aws_sdk_ec2::Client,
    instance: &str,
    subnet: &str,
    group: &str,
) {
    let eni = ec2
        .create_network_interface()
        .subnet_id(subnet)
        .groups(group)
        .send()
        .await
        .expect("CreateNetworkInterface")
        .network_interface()
        .and_then(|n| n.network_interface_id())
        .expect("interface id")
        .to_string();
    ec2.attach_network_interface()
        .network_interface_id(&eni)
        .instance_id(instance)
        .device_index(1)
        .send()
        .await
        .expect("AttachNetworkInterface");
    let allocation = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .send()
        .await
        .expect("AllocateAddress")
        .allocation_id()
        .expect("allocation id")
        .to_string();
    ec2.associate_address()
        .allocation_id(allocation)
        .network_interface_id(&eni)
        .send()
        .await
        .expect("AssociateAddress");
}

pub async fn volume(ec2: &aws_sdk_ec2::Client, encrypted: bool) -> String {
    volume_with_key(ec2, encrypted, None).await
}

/// A 1 GiB volume, encrypted with `key` when given.
pub async fn volume_with_key(
    ec2: &aws_sdk_ec2::Client,
    encrypted: bool,
    key: Option<&str>,
) -> String {
    ec2.create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(1)
        .encrypted(encrypted)
        .set_kms_key_id(key.map(str::to_string))
        .send()
        .await
        .expect("CreateVolume")
        .volume_id()
        .expect("volume id")
        .to_string()
}

/// Sends `request` (a `CreateKey` as the test wants it) and gives the new
/// key's ARN.
pub async fn key_arn(
    request: aws_sdk_kms::operation::create_key::builders::CreateKeyFluentBuilder,
) -> String {
    request
        .send()
        .await
        .expect("CreateKey")
        .key_metadata()
        .and_then(|k| k.arn())
        .expect("the key's ARN")
        .to_string()
}

pub fn fixed_response() -> elbv2t::Action {
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

pub fn redirect_to_https() -> elbv2t::Action {
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

pub fn forward(target_group: &str) -> elbv2t::Action {
    elbv2t::Action::builder()
        .r#type(elbv2t::ActionTypeEnum::Forward)
        .target_group_arn(target_group)
        .build()
}

/// A listener to create: protocol, port, TLS policy, default action.
pub struct ListenerSpec {
    protocol: elbv2t::ProtocolEnum,
    port: i32,
    policy: Option<&'static str>,
    action: elbv2t::Action,
}

pub fn listener(
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
pub async fn load_balancer(
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

pub async fn bucket(
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

/// The default VPC and its default subnets (one per AZ, AZ order).
pub async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> (String, Vec<String>) {
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

pub async fn log_group(
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

/// An S3 client for the account. Path-style, since the emulator is
/// addressed by IP.
pub async fn s3_client(account: &TestAccount) -> aws_sdk_s3::Client {
    let config = account.config(REGION).await;
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    )
}

/// Gives `bucket` one lifecycle rule for all of its objects (an empty
/// prefix) that expires them after `days`.
pub async fn expire_objects(s3: &aws_sdk_s3::Client, bucket: &str, days: i32) {
    expire_versions(s3, bucket, days, None).await;
}

/// Like [`expire_objects`], and expires noncurrent versions `noncurrent`
/// days after they become noncurrent.
pub async fn expire_versions(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    days: i32,
    noncurrent: Option<i32>,
) {
    let mut rule = s3t::LifecycleRule::builder()
        .id("expire-backups")
        .status(s3t::ExpirationStatus::Enabled)
        .filter(s3t::LifecycleRuleFilter::builder().prefix("").build())
        .expiration(s3t::LifecycleExpiration::builder().days(days).build());
    if let Some(n) = noncurrent {
        rule = rule.noncurrent_version_expiration(
            s3t::NoncurrentVersionExpiration::builder()
                .noncurrent_days(n)
                .build(),
        );
    }
    s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(
            s3t::BucketLifecycleConfiguration::builder()
                .rules(rule.build().expect("lifecycle rule"))
                .build()
                .expect("lifecycle configuration"),
        )
        .send()
        .await
        .expect("PutBucketLifecycleConfiguration");
}

/// A classic load balancer with one listener (`HTTP` or `HTTPS` on `port`,
/// to instance port 80) in `azs`; returns its ARN.
pub async fn classic_load_balancer(
    elb: &aws_sdk_elasticloadbalancing::Client,
    account: &TestAccount,
    name: &str,
    protocol: &str,
    port: i32,
    azs: &[&str],
) -> String {
    let mut listener = elbt::Listener::builder()
        .protocol(protocol)
        .load_balancer_port(port)
        .instance_protocol("HTTP")
        .instance_port(80);
    if protocol == "HTTPS" || protocol == "SSL" {
        listener = listener.ssl_certificate_id(certificate(account));
    }
    let mut request = elb
        .create_load_balancer()
        .load_balancer_name(name)
        .listeners(listener.build().expect("classic listener"));
    for az in azs {
        request = request.availability_zones(*az);
    }
    request.send().await.expect("CreateLoadBalancer (classic)");
    account.arn("elasticloadbalancing", &format!("loadbalancer/{name}"))
}

// ------------------------------------------------------------- RDS

/// A maintenance window (UTC) inside Kliv's allowed windows under both EST
/// and EDT: Saturday night or Sunday small hours US Eastern.
pub const GOOD_WINDOW: &str = "sun:05:00-sun:05:30";
/// A maintenance window (UTC) outside them: Wednesday 00:00-01:00 EST,
/// 01:00-02:00 EDT.
pub const BAD_WINDOW: &str = "wed:05:00-wed:06:00";

/// A DB instance to create. Every field is explicit: moto gives an instance
/// created without a maintenance window a random one.
#[derive(Debug, Clone)]
pub struct DbSpec {
    pub id: &'static str,
    pub public: bool,
    pub multi_az: bool,
    pub encrypted: bool,
    /// `BackupRetentionPeriod`: 0 turns automated backups off.
    pub backup_days: i32,
    pub window: &'static str,
}

impl DbSpec {
    /// A private, Multi-AZ, encrypted instance with 7 days of backups and
    /// an allowed maintenance window.
    pub fn new(id: &'static str) -> DbSpec {
        DbSpec {
            id,
            public: false,
            multi_az: true,
            encrypted: true,
            backup_days: 7,
            window: GOOD_WINDOW,
        }
    }
}

/// Creates a Postgres DB instance; returns its ARN.
pub async fn db_instance(rds: &aws_sdk_rds::Client, account: &TestAccount, db: &DbSpec) -> String {
    rds.create_db_instance()
        .db_instance_identifier(db.id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("conform")
        .master_user_password("conform-test-password")
        .publicly_accessible(db.public)
        .multi_az(db.multi_az)
        .storage_encrypted(db.encrypted)
        .backup_retention_period(db.backup_days)
        .preferred_maintenance_window(db.window)
        .send()
        .await
        .expect("CreateDBInstance");
    account.arn("rds", &format!("db:{}", db.id))
}

/// An encrypted Aurora cluster with 7 days of backups, the maintenance
/// window `window`, and one member per AZ given (each with an allowed
/// window); returns the cluster's ARN and its members'.
pub async fn aurora(
    rds: &aws_sdk_rds::Client,
    account: &TestAccount,
    id: &str,
    member_azs: &[&str],
    window: &str,
) -> (String, Vec<String>) {
    rds.create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-postgresql")
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(true)
        .backup_retention_period(7)
        .preferred_maintenance_window(window)
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
            .preferred_maintenance_window(GOOD_WINDOW)
            .send()
            .await
            .expect("CreateDBInstance (cluster member)");
        members.push(account.arn("rds", &format!("db:{member}")));
    }
    (account.arn("rds", &format!("cluster:{id}")), members)
}

/// A read replica of the DB instance `source` (an ARN) created in
/// `region`; returns the replica's ARN.
pub async fn cross_region_replica(
    account: &TestAccount,
    region: &str,
    id: &str,
    source: &str,
) -> String {
    aws_sdk_rds::Client::new(&account.config(region).await)
        .create_db_instance_read_replica()
        .db_instance_identifier(id)
        .source_db_instance_identifier(source)
        .send()
        .await
        .expect("CreateDBInstanceReadReplica (cross-region)")
        .db_instance()
        .and_then(|d| d.db_instance_arn())
        .expect("replica ARN")
        .to_string()
}

/// An Aurora read replica cluster of the cluster `source` (an ARN)
/// created in `region`; returns its ARN.
pub async fn cross_region_replica_cluster(
    account: &TestAccount,
    region: &str,
    id: &str,
    source: &str,
) -> String {
    aws_sdk_rds::Client::new(&account.config(region).await)
        .create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-postgresql")
        // moto requires these of a replica cluster too.
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(true)
        .replication_source_identifier(source)
        .send()
        .await
        .expect("CreateDBCluster (cross-region replica)")
        .db_cluster()
        .and_then(|c| c.db_cluster_arn())
        .expect("replica cluster ARN")
        .to_string()
}

/// A manual snapshot of a DB instance; returns its ARN.
pub async fn db_snapshot(rds: &aws_sdk_rds::Client, instance: &str, id: &str) -> String {
    rds.create_db_snapshot()
        .db_instance_identifier(instance)
        .db_snapshot_identifier(id)
        .send()
        .await
        .expect("CreateDBSnapshot")
        .db_snapshot()
        .and_then(|s| s.db_snapshot_arn())
        .expect("snapshot ARN")
        .to_string()
}

/// A manual snapshot of a DB cluster; returns its ARN.
pub async fn db_cluster_snapshot(rds: &aws_sdk_rds::Client, cluster: &str, id: &str) -> String {
    rds.create_db_cluster_snapshot()
        .db_cluster_identifier(cluster)
        .db_cluster_snapshot_identifier(id)
        .send()
        .await
        .expect("CreateDBClusterSnapshot")
        .db_cluster_snapshot()
        .and_then(|s| s.db_cluster_snapshot_arn())
        .expect("cluster snapshot ARN")
        .to_string()
}

/// The ARNs of the automated snapshots of the DB instance `instance`.
/// moto makes one when an instance is created, even with automated
/// backups off; AWS makes none then.
pub async fn automated_db_snapshots(rds: &aws_sdk_rds::Client, instance: &str) -> Vec<String> {
    rds.describe_db_snapshots()
        .db_instance_identifier(instance)
        .snapshot_type("automated")
        .send()
        .await
        .expect("DescribeDBSnapshots")
        .db_snapshots()
        .iter()
        .filter_map(|s| s.db_snapshot_arn().map(str::to_string))
        .collect()
}

/// The ARNs of the automated snapshots of the DB cluster `cluster`.
pub async fn automated_db_cluster_snapshots(
    rds: &aws_sdk_rds::Client,
    cluster: &str,
) -> Vec<String> {
    rds.describe_db_cluster_snapshots()
        .db_cluster_identifier(cluster)
        .snapshot_type("automated")
        .send()
        .await
        .expect("DescribeDBClusterSnapshots")
        .db_cluster_snapshots()
        .iter()
        .filter_map(|s| s.db_cluster_snapshot_arn().map(str::to_string))
        .collect()
}

// ------------------------------------------------------------- EBS

/// A snapshot of a volume; returns its ARN as AWS writes it: EBS snapshot
/// ARNs have no account (`arn:aws:ec2:REGION::snapshot/ID`).
pub async fn ebs_snapshot(ec2: &aws_sdk_ec2::Client, volume: &str) -> String {
    ebs_snapshot_described(ec2, volume, "conform test").await
}

/// A snapshot of `volume` with the given description.
pub async fn ebs_snapshot_described(
    ec2: &aws_sdk_ec2::Client,
    volume: &str,
    description: &str,
) -> String {
    let id = ec2
        .create_snapshot()
        .volume_id(volume)
        .description(description)
        .send()
        .await
        .expect("CreateSnapshot")
        .snapshot_id()
        .expect("snapshot id")
        .to_string();
    format!("arn:aws:ec2:{REGION}::snapshot/{id}")
}

/// The id in an EC2 ARN (`.../volume/vol-1` → `vol-1`).
pub fn id_of(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, id)| id)
}

// ------------------------------------------------------------- ElastiCache

/// A Redis replication group, Multi-AZ with automatic failover if
/// `failover`, with an allowed maintenance window; returns its ARN.
pub async fn replication_group(
    elasticache: &aws_sdk_elasticache::Client,
    id: &str,
    failover: bool,
    placement: CachePlacement<'_>,
) -> String {
    let mut request = elasticache
        .create_replication_group()
        .replication_group_id(id)
        .replication_group_description(format!("conform test: {id}"))
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .multi_az_enabled(failover)
        .automatic_failover_enabled(failover)
        .preferred_maintenance_window(GOOD_WINDOW);
    request = match placement {
        CachePlacement::Zones(azs) => {
            let mut r = request.num_cache_clusters(azs.len() as i32);
            for az in azs {
                r = r.preferred_cache_cluster_azs(*az);
            }
            r
        }
        CachePlacement::Shards(n) => request.num_node_groups(n).replicas_per_node_group(1),
    };
    request
        .send()
        .await
        .expect("CreateReplicationGroup")
        .replication_group()
        .and_then(|g| g.arn())
        .expect("replication group ARN")
        .to_string()
}

/// Where a replication group's nodes go.
#[derive(Debug, Clone, Copy)]
pub enum CachePlacement<'a> {
    /// `NumCacheClusters` = the number of zones, placed with
    /// `PreferredCacheClusterAZs`. moto makes one member only, in the
    /// first zone.
    Zones(&'a [&'a str]),
    /// Cluster mode: this many node groups of a primary and one replica.
    /// moto puts them in us-east-1a and us-east-1b whatever the region,
    /// and lists each member cluster twice.
    Shards(i32),
}

/// A standalone Memcached cluster with the maintenance window `window`;
/// returns its ARN.
pub async fn cache_cluster(
    elasticache: &aws_sdk_elasticache::Client,
    id: &str,
    window: &str,
) -> String {
    elasticache
        .create_cache_cluster()
        .cache_cluster_id(id)
        .engine("memcached")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .preferred_maintenance_window(window)
        .send()
        .await
        .expect("CreateCacheCluster")
        .cache_cluster()
        .and_then(|c| c.arn())
        .expect("cache cluster ARN")
        .to_string()
}

// ------------------------------------------------------------- Auto Scaling

/// A launch template for Auto Scaling groups; returns its id.
pub async fn launch_template(ec2: &aws_sdk_ec2::Client, name: &str) -> String {
    ec2.create_launch_template()
        .launch_template_name(name)
        .launch_template_data(
            ec2t::RequestLaunchTemplateData::builder()
                .image_id(AMI)
                .instance_type(ec2t::InstanceType::T3Micro)
                .build(),
        )
        .send()
        .await
        .expect("CreateLaunchTemplate")
        .launch_template()
        .and_then(|t| t.launch_template_id())
        .expect("launch template id")
        .to_string()
}

/// An Auto Scaling group over `subnets`, with no instances (capacity 0, so
/// that its instances add nothing to judge); returns its ARN.
pub async fn auto_scaling_group(
    autoscaling: &aws_sdk_autoscaling::Client,
    name: &str,
    template: &str,
    subnets: &[String],
) -> String {
    autoscaling
        .create_auto_scaling_group()
        .auto_scaling_group_name(name)
        .launch_template(
            asgt::LaunchTemplateSpecification::builder()
                .launch_template_id(template)
                .build(),
        )
        .min_size(0)
        .max_size(2)
        .desired_capacity(0)
        .vpc_zone_identifier(subnets.join(","))
        .send()
        .await
        .expect("CreateAutoScalingGroup");
    autoscaling
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .expect("DescribeAutoScalingGroups")
        .auto_scaling_groups()
        .first()
        .and_then(|g| g.auto_scaling_group_arn())
        .expect("Auto Scaling group ARN")
        .to_string()
}

// ------------------------------------------------------------- CloudTrail

/// A trail delivering to `bucket` (which must exist: moto checks),
/// started if `logging`; returns its ARN.
pub async fn trail(
    cloudtrail: &aws_sdk_cloudtrail::Client,
    name: &str,
    bucket: &str,
    multi_region: bool,
    logging: bool,
) -> String {
    let arn = cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(bucket)
        .is_multi_region_trail(multi_region)
        .send()
        .await
        .expect("CreateTrail")
        .trail_arn()
        .expect("trail ARN")
        .to_string();
    // AWS gives a new trail a default event selector (every management
    // event, read and write); moto gives it none (tests/README.md), so the
    // default is put here as AWS would have it.
    event_selectors(cloudtrail, name, "All", true, &[]).await;
    if logging {
        cloudtrail
            .start_logging()
            .name(name)
            .send()
            .await
            .expect("StartLogging");
    }
    arn
}

/// Replaces a trail's event selectors with one basic selector.
pub async fn event_selectors(
    cloudtrail: &aws_sdk_cloudtrail::Client,
    name: &str,
    read_write: &str,
    management: bool,
    excluded_sources: &[&str],
) {
    let mut selector = aws_sdk_cloudtrail::types::EventSelector::builder()
        .read_write_type(read_write.into())
        .include_management_events(management);
    for source in excluded_sources {
        selector = selector.exclude_management_event_sources(*source);
    }
    cloudtrail
        .put_event_selectors()
        .trail_name(name)
        .event_selectors(selector.build())
        .send()
        .await
        .expect("PutEventSelectors");
}

/// The pseudo-resource LOG-002 judges an account's trails as.
pub fn trails_arn(account: &TestAccount) -> String {
    format!("arn:aws:cloudtrail::{}:trails", account.id)
}
