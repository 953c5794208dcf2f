//! The field catalogue over a live (emulated) scan: the settings the
//! collectors keep for attribute rules (issue 14) are read from moto under
//! AWS's field names, with their values, and every value has the type its
//! catalogue declares. Where moto does not return a field AWS does,
//! tests/README.md says so and the collectors' unit tests cover the field
//! with a response shaped as AWS's documentation shows it.

use crate::common;

use aws_sdk_autoscaling::types as asgt;
use aws_sdk_ec2::types as ec2t;
use conform::inventory::fields::{self, Described, Visitor};
use conform::inventory::{Dataset, Inventory, Type, Value};

use common::estate::*;
use common::*;

/// The value of `field` of the resource named `name` in `dataset`:
/// `None` when there is no such resource, `Some(None)` when the field is
/// absent.
fn get(inventory: &Inventory, dataset: Dataset, name: &str, field: &str) -> Option<Option<Value>> {
    struct Get<'a> {
        name: &'a str,
        field: &'a str,
    }
    impl Visitor for Get<'_> {
        type Output = Option<Option<Value>>;
        fn visit<R: Described>(self, dataset: Dataset, resources: &[R]) -> Self::Output {
            let field = R::field(self.field)
                .unwrap_or_else(|| panic!("{dataset} has no field {}", self.field));
            resources
                .iter()
                .find(|r| r.dataset() == dataset && r.name() == self.name)
                .map(|r| (field.get)(r))
        }
    }
    fields::visit(dataset, inventory, Get { name, field })
        .unwrap_or_else(|| panic!("{dataset} has no catalogue"))
}

/// Whether `value` is of type `ty`.
fn conforms(value: &Value, ty: &Type) -> bool {
    match (value, ty) {
        (Value::Bool(_), Type::Bool)
        | (Value::Int(_), Type::Int)
        | (Value::Float(_), Type::Float)
        | (Value::String(_), Type::String)
        | (Value::Timestamp(_), Type::Timestamp) => true,
        (Value::List(items), Type::List(t)) => items.iter().all(|v| conforms(v, t)),
        (Value::Map(m), Type::Map(t)) => m.values().all(|v| conforms(v, t)),
        (Value::Map(m), Type::Struct(_)) => m
            .iter()
            .all(|(k, v)| ty.member(k).is_some_and(|member| conforms(v, &member.ty))),
        _ => false,
    }
}

/// Every value of every described dataset has its declared type; returns
/// how many values were checked per dataset.
fn check_types(inventory: &Inventory) -> Vec<(Dataset, usize)> {
    struct Types;
    impl Visitor for Types {
        type Output = usize;
        fn visit<R: Described>(self, dataset: Dataset, resources: &[R]) -> usize {
            let mut n = 0;
            for r in resources.iter().filter(|r| r.dataset() == dataset) {
                for f in R::FIELDS {
                    if let Some(v) = (f.get)(r) {
                        assert!(
                            conforms(&v, &f.ty),
                            "{dataset} {} {}: {v} is not a {}",
                            r.name(),
                            f.name,
                            f.ty
                        );
                        n += 1;
                    }
                }
            }
            n
        }
    }
    fields::DESCRIBED
        .iter()
        .map(|&d| (d, fields::visit(d, inventory, Types).unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_collected_fields_are_awss_under_its_names() {
    let account = account().await;
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let rds = aws_sdk_rds::Client::new(&config);
    let elasticache = aws_sdk_elasticache::Client::new(&config);
    let autoscaling = aws_sdk_autoscaling::Client::new(&config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let (vpc, subnets) = default_vpc(&ec2).await;

    // EC2: a group with an egress rule, an instance with IMDSv2 required
    // and detailed monitoring, a gp3 volume and its snapshot.
    let sg = security_group(
        &ec2,
        &vpc,
        "fields",
        vec![tcp(22, 22).ip_ranges(cidr("10.0.0.0/8")).build()],
    )
    .await;
    ec2.authorize_security_group_egress()
        .group_id(&sg)
        .ip_permissions(tcp(443, 443).ip_ranges(cidr("0.0.0.0/0")).build())
        .send()
        .await
        .expect("AuthorizeSecurityGroupEgress");
    let instance = ec2
        .run_instances()
        .image_id(AMI)
        .instance_type(ec2t::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .subnet_id(&subnets[0])
        .security_group_ids(&sg)
        .key_name("ops")
        .monitoring(
            ec2t::RunInstancesMonitoringEnabled::builder()
                .enabled(true)
                .build(),
        )
        .metadata_options(
            ec2t::InstanceMetadataOptionsRequest::builder()
                .http_tokens(ec2t::HttpTokensState::Required)
                .http_put_response_hop_limit(1)
                .http_endpoint(ec2t::InstanceMetadataEndpointState::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("RunInstances")
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .expect("instance id")
        .to_string();
    let volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(10)
        .volume_type(ec2t::VolumeType::Gp3)
        .encrypted(true)
        .send()
        .await
        .expect("CreateVolume")
        .volume_id()
        .expect("volume id")
        .to_string();
    let snapshot = id_of(&ebs_snapshot(&ec2, &volume).await).to_string();

    // RDS: an instance with the settings policies promise about, a
    // cluster, and a snapshot of each.
    rds.create_db_instance()
        .db_instance_identifier("fields-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .engine_version("16.4")
        .allocated_storage(20)
        .storage_type("gp3")
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(true)
        .backup_retention_period(7)
        .preferred_backup_window("03:00-04:00")
        .preferred_maintenance_window(GOOD_WINDOW)
        .deletion_protection(true)
        .enable_iam_database_authentication(true)
        .enable_cloudwatch_logs_exports("postgresql")
        .enable_performance_insights(true)
        .performance_insights_retention_period(7)
        .monitoring_interval(0)
        .auto_minor_version_upgrade(false)
        .copy_tags_to_snapshot(true)
        .ca_certificate_identifier("rds-ca-rsa2048-g1")
        .send()
        .await
        .expect("CreateDBInstance");
    rds.create_db_cluster()
        .db_cluster_identifier("fields-cluster")
        .engine("aurora-postgresql")
        .engine_version("16.4")
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(true)
        .backup_retention_period(14)
        .preferred_backup_window("02:00-03:00")
        .preferred_maintenance_window(GOOD_WINDOW)
        .deletion_protection(true)
        .enable_iam_database_authentication(true)
        .enable_cloudwatch_logs_exports("postgresql")
        .copy_tags_to_snapshot(true)
        .send()
        .await
        .expect("CreateDBCluster");
    db_snapshot(&rds, "fields-db", "fields-db-snap").await;
    db_cluster_snapshot(&rds, "fields-cluster", "fields-cluster-snap").await;

    // ElastiCache: an encrypted, authenticated replication group and a
    // Redis cluster with snapshots.
    elasticache
        .create_replication_group()
        .replication_group_id("fields-rg")
        .replication_group_description("conform test: fields")
        .engine("redis")
        .engine_version("7.1")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(1)
        .at_rest_encryption_enabled(true)
        .transit_encryption_enabled(true)
        .auth_token("conform-test-auth-token-0123456789")
        .snapshot_retention_limit(5)
        .snapshot_window("04:00-05:00")
        .send()
        .await
        .expect("CreateReplicationGroup");
    elasticache
        .create_cache_cluster()
        .cache_cluster_id("fields-cache")
        .engine("redis")
        .engine_version("7.1")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .snapshot_retention_limit(3)
        .preferred_maintenance_window(GOOD_WINDOW)
        .send()
        .await
        .expect("CreateCacheCluster");

    // Auto Scaling and Logs.
    let template = launch_template(&ec2, "fields-template").await;
    autoscaling
        .create_auto_scaling_group()
        .auto_scaling_group_name("fields-asg")
        .launch_template(
            asgt::LaunchTemplateSpecification::builder()
                .launch_template_id(&template)
                .version("$Latest")
                .build(),
        )
        .min_size(0)
        .max_size(2)
        .desired_capacity(0)
        .health_check_type("ELB")
        .health_check_grace_period(120)
        .vpc_zone_identifier(subnets.join(","))
        .send()
        .await
        .expect("CreateAutoScalingGroup");
    let key = format!(
        "arn:aws:kms:{REGION}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        account.id
    );
    logs.create_log_group()
        .log_group_name("/fields/encrypted")
        .kms_key_id(&key)
        .send()
        .await
        .expect("CreateLogGroup");
    log_group(&logs, &account, "/fields/kept", Some(30)).await;

    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("inventory.json");
    conform(
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
    )
    .expect_code(conform::exit::BROKEN);
    let inventory = Inventory::load(&saved).expect("the saved inventory loads");
    // A field's value as evidence shows it, or "absent".
    let value =
        |dataset: Dataset, name: &str, field: &str| match get(&inventory, dataset, name, field) {
            None => panic!("no {dataset} {name} in the inventory"),
            Some(None) => "absent".to_string(),
            Some(Some(v)) => v.to_string(),
        };
    let expect = |dataset: Dataset, name: &str, pairs: &[(&str, &str)]| {
        for (field, expected) in pairs {
            assert_eq!(
                &value(dataset, name, field),
                expected,
                "{dataset} {name} {field}"
            );
        }
    };

    expect(
        Dataset::SecurityGroups,
        &sg,
        &[
            ("GroupName", r#""fields""#),
            ("Description", r#""conform test: fields""#),
            ("VpcId", &format!("{vpc:?}")),
            ("OwnerId", &format!("{:?}", account.id)),
            (
                "IpPermissions",
                r#"[{"FromPort": 22, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 22, "UserIdGroupPairs": []}]"#,
            ),
        ],
    );
    // moto keeps the default allow-all egress rule beside the new one.
    let egress = value(Dataset::SecurityGroups, &sg, "IpPermissionsEgress");
    assert!(
        egress.contains(
            r#"{"FromPort": 443, "IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]"#
        ),
        "{egress}"
    );
    expect(
        Dataset::Instances,
        &instance,
        &[
            ("State", r#"{"Name": "running"}"#),
            ("InstanceType", r#""t3.micro""#),
            ("ImageId", &format!("{AMI:?}")),
            ("SubnetId", &format!("{:?}", subnets[0])),
            ("VpcId", &format!("{vpc:?}")),
            ("KeyName", r#""ops""#),
            ("Monitoring", r#"{"State": "enabled"}"#),
            ("SecurityGroups", &format!(r#"[{{"GroupId": {sg:?}}}]"#)),
        ],
    );
    let metadata = value(Dataset::Instances, &instance, "MetadataOptions");
    for part in [
        r#""HttpTokens": "required""#,
        r#""HttpPutResponseHopLimit": 1"#,
        r#""HttpEndpoint": "enabled""#,
    ] {
        assert!(metadata.contains(part), "{part} in {metadata}");
    }
    assert!(value(Dataset::Instances, &instance, "LaunchTime").starts_with("timestamp(\""));
    assert!(value(Dataset::Instances, &instance, "PrivateIpAddress").starts_with("\"172."));
    expect(
        Dataset::Volumes,
        &volume,
        &[
            ("Encrypted", "true"),
            ("VolumeType", r#""gp3""#),
            ("Size", "10"),
            ("AvailabilityZone", &format!("\"{REGION}a\"")),
            ("State", r#""available""#),
            ("Attachments", "[]"),
        ],
    );
    expect(
        Dataset::Snapshots,
        &snapshot,
        &[
            ("VolumeId", &format!("{volume:?}")),
            ("VolumeSize", "10"),
            ("Encrypted", "true"),
            ("State", r#""completed""#),
            ("Description", r#""conform test""#),
        ],
    );
    assert!(value(Dataset::Snapshots, &snapshot, "StartTime").starts_with("timestamp(\""));

    expect(
        Dataset::DbInstances,
        "fields-db",
        &[
            ("Engine", r#""postgres""#),
            ("EngineVersion", r#""16.4""#),
            ("DBInstanceClass", r#""db.t3.micro""#),
            ("StorageType", r#""gp3""#),
            ("AllocatedStorage", "20"),
            ("StorageEncrypted", "true"),
            ("BackupRetentionPeriod", "7"),
            ("PreferredBackupWindow", r#""03:00-04:00""#),
            ("PreferredMaintenanceWindow", &format!("{GOOD_WINDOW:?}")),
            ("DeletionProtection", "true"),
            ("IAMDatabaseAuthenticationEnabled", "true"),
            ("EnabledCloudwatchLogsExports", r#"["postgresql"]"#),
            ("AutoMinorVersionUpgrade", "false"),
            ("CopyTagsToSnapshot", "true"),
            ("MonitoringInterval", "0"),
            ("CACertificateIdentifier", r#""rds-ca-rsa2048-g1""#),
            ("Iops", "absent"),
            // moto returns no PerformanceInsightsEnabled (tests/README.md).
            ("PerformanceInsightsEnabled", "absent"),
        ],
    );
    let endpoint = value(Dataset::DbInstances, "fields-db", "Endpoint");
    assert!(endpoint.contains(r#""Port": 5432"#), "{endpoint}");
    assert!(value(Dataset::DbInstances, "fields-db", "KmsKeyId").starts_with('"'));
    expect(
        Dataset::DbClusters,
        "fields-cluster",
        &[
            ("Engine", r#""aurora-postgresql""#),
            ("EngineVersion", r#""16.4""#),
            ("EngineMode", r#""provisioned""#),
            ("StorageEncrypted", "true"),
            ("BackupRetentionPeriod", "14"),
            ("PreferredBackupWindow", r#""02:00-03:00""#),
            ("DeletionProtection", "true"),
            ("IAMDatabaseAuthenticationEnabled", "true"),
            ("EnabledCloudwatchLogsExports", r#"["postgresql"]"#),
            ("CopyTagsToSnapshot", "true"),
            ("Port", "5432"),
        ],
    );
    expect(
        Dataset::DbSnapshots,
        "fields-db-snap",
        &[
            ("DBInstanceIdentifier", r#""fields-db""#),
            ("Encrypted", "true"),
            ("SnapshotType", r#""manual""#),
            ("Engine", r#""postgres""#),
            ("EngineVersion", r#""16.4""#),
            ("IAMDatabaseAuthenticationEnabled", "true"),
            // The other shape's fields are absent.
            ("StorageEncrypted", "absent"),
            ("DBClusterSnapshotIdentifier", "absent"),
        ],
    );
    assert!(
        value(Dataset::DbSnapshots, "fields-db-snap", "SnapshotCreateTime")
            .starts_with("timestamp(\"")
    );
    expect(
        Dataset::DbClusterSnapshots,
        "fields-cluster-snap",
        &[
            ("DBClusterIdentifier", r#""fields-cluster""#),
            ("StorageEncrypted", "true"),
            ("SnapshotType", r#""manual""#),
            ("Engine", r#""aurora-postgresql""#),
            ("Encrypted", "absent"),
            ("DBSnapshotIdentifier", "absent"),
        ],
    );

    expect(
        Dataset::CacheReplicationGroups,
        "fields-rg",
        &[
            ("Engine", r#""redis""#),
            ("Description", r#""conform test: fields""#),
            ("CacheNodeType", r#""cache.t3.micro""#),
            ("AtRestEncryptionEnabled", "true"),
            ("TransitEncryptionEnabled", "true"),
            ("AuthTokenEnabled", "true"),
            ("SnapshotRetentionLimit", "5"),
            ("SnapshotWindow", r#""04:00-05:00""#),
            ("MultiAZ", r#""disabled""#),
            ("AutomaticFailover", r#""disabled""#),
            ("ClusterEnabled", "false"),
            ("MemberClusters", r#"["fields-rg-001"]"#),
            // moto returns no TransitEncryptionMode (tests/README.md).
            ("TransitEncryptionMode", "absent"),
        ],
    );
    expect(
        Dataset::CacheClusters,
        "fields-cache",
        &[
            ("Engine", r#""redis""#),
            ("EngineVersion", r#""7.1""#),
            ("CacheNodeType", r#""cache.t3.micro""#),
            ("NumCacheNodes", "1"),
            ("SnapshotRetentionLimit", "3"),
            ("AuthTokenEnabled", "false"),
            ("CacheClusterStatus", r#""available""#),
        ],
    );
    expect(
        Dataset::AutoScalingGroups,
        "fields-asg",
        &[
            ("HealthCheckType", r#""ELB""#),
            ("HealthCheckGracePeriod", "120"),
            (
                "LaunchTemplate",
                &format!(
                    r#"{{"LaunchTemplateId": {template:?}, "LaunchTemplateName": "fields-template", "Version": "$Latest"}}"#
                ),
            ),
            ("VPCZoneIdentifier", &format!("{:?}", subnets.join(","))),
            ("LoadBalancerNames", "[]"),
            ("TargetGroupARNs", "[]"),
            ("MinSize", "0"),
            ("MaxSize", "2"),
            ("DesiredCapacity", "0"),
        ],
    );
    expect(
        Dataset::LogGroups,
        "/fields/encrypted",
        &[
            ("kmsKeyId", &format!("{key:?}")),
            ("retentionInDays", "absent"),
        ],
    );
    expect(
        Dataset::LogGroups,
        "/fields/kept",
        &[("kmsKeyId", "absent"), ("retentionInDays", "30")],
    );

    // Every value has its declared type, and the kinds built here were
    // all read.
    let checked = check_types(&inventory);
    for dataset in [
        Dataset::SecurityGroups,
        Dataset::NetworkAcls,
        Dataset::NetworkInterfaces,
        Dataset::Instances,
        Dataset::Volumes,
        Dataset::EbsEncryptionByDefault,
        Dataset::Snapshots,
        Dataset::DbInstances,
        Dataset::DbClusters,
        Dataset::DbSnapshots,
        Dataset::DbClusterSnapshots,
        Dataset::CacheReplicationGroups,
        Dataset::CacheClusters,
        Dataset::AutoScalingGroups,
        Dataset::LogGroups,
    ] {
        assert!(
            checked.iter().any(|&(d, n)| d == dataset && n > 0),
            "no value of {dataset} was checked: {checked:?}"
        );
    }
    // The EBS setting has its ARN back after loading (it is not saved).
    assert_eq!(
        inventory.ebs_encryption_by_default[0].arn,
        account.arn("ec2", "ebs-encryption-by-default")
    );
}

/// The fields moto does not return, read from responses shaped as AWS's
/// API reference documents them (tests/aws/), which the fault proxy serves
/// in place of the emulator's answers.
#[tokio::test(flavor = "multi_thread")]
async fn fields_moto_leaves_out_are_read_from_aws_shaped_answers() {
    use common::faults::FaultProxy;
    let account = account().await;
    let proxy = FaultProxy::start(&account.emulator);
    let answer = |service: &str, operation: &str, file: &str| {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/aws")
            .join(file);
        serde_json::json!({
            "service": service,
            "operation": operation,
            "region": REGION,
            "fault": "answer",
            "body": std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
    };
    proxy.set_rules(serde_json::json!([
        answer("rds", "DescribeDBInstances", "describe-db-instances.xml"),
        answer(
            "elasticache",
            "DescribeReplicationGroups",
            "describe-replication-groups.xml"
        ),
        answer(
            "elasticache",
            "DescribeCacheClusters",
            "describe-cache-clusters.xml"
        ),
        answer("logs", "DescribeLogGroups", "describe-log-groups.json"),
        answer("ec2", "DescribeInstances", "describe-instances.xml"),
        answer(
            "ec2",
            "GetEbsEncryptionByDefault",
            "get-ebs-encryption-by-default.xml"
        ),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("inventory.json");
    let run = run_conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "json",
            "--save-inventory",
            arg(&saved),
        ],
        &proxy.env(&account),
    );
    // The answers were used, not the emulator's.
    let counts = proxy.counts();
    for (service, operation) in [
        ("rds", "DescribeDBInstances"),
        ("elasticache", "DescribeReplicationGroups"),
        ("elasticache", "DescribeCacheClusters"),
        ("logs", "DescribeLogGroups"),
        ("ec2", "DescribeInstances"),
        ("ec2", "GetEbsEncryptionByDefault"),
    ] {
        assert!(
            counts.faults(service, operation) >= 1,
            "{operation} answered: {}\n{}",
            counts.0,
            run.stderr
        );
    }
    assert!(
        run.code == Some(conform::exit::BROKEN) || run.code == Some(conform::exit::OK),
        "{:?}: {}",
        run.code,
        run.stderr
    );
    let inventory = Inventory::load(&saved).expect("the saved inventory loads");
    let value =
        |dataset: Dataset, name: &str, field: &str| match get(&inventory, dataset, name, field) {
            None => panic!("no {dataset} {name} in the inventory"),
            Some(None) => "absent".to_string(),
            Some(Some(v)) => v.to_string(),
        };
    let key = r#""arn:aws:kms:eu-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab""#;
    for (dataset, name, field, expected) in [
        (
            Dataset::DbInstances,
            "orders-db",
            "PerformanceInsightsEnabled",
            "true",
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "PerformanceInsightsRetentionPeriod",
            "731",
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "PerformanceInsightsKMSKeyId",
            key,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "MonitoringInterval",
            "60",
        ),
        (Dataset::DbInstances, "orders-db", "Iops", "3000"),
        (Dataset::DbInstances, "orders-db", "StorageType", r#""io2""#),
        (Dataset::DbInstances, "orders-db", "KmsKeyId", key),
        (
            Dataset::DbInstances,
            "orders-db",
            "CertificateDetails",
            r#"{"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": timestamp("2027-06-01T12:00:00Z")}"#,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "DBSubnetGroup",
            r#"{"DBSubnetGroupName": "private-db", "VpcId": "vpc-0a1b2c3d4e5f6a7b8"}"#,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "NetworkType",
            r#""IPV4""#,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "EnabledCloudwatchLogsExports",
            r#"["postgresql", "upgrade"]"#,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "Endpoint",
            r#"{"Address": "orders-db.c1a2b3c4d5e6.eu-north-1.rds.amazonaws.com", "HostedZoneId": "Z1RLNUO7B9Q6NB", "Port": 5432}"#,
        ),
        (
            Dataset::DbInstances,
            "orders-db",
            "VpcSecurityGroups",
            r#"[{"VpcSecurityGroupId": "sg-0123456789abcdef0"}]"#,
        ),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "Engine",
            r#""valkey""#,
        ),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "TransitEncryptionMode",
            r#""required""#,
        ),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "AutoMinorVersionUpgrade",
            "true",
        ),
        (Dataset::CacheReplicationGroups, "sessions", "KmsKeyId", key),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "UserGroupIds",
            r#"["app-users"]"#,
        ),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "LogDeliveryConfigurations",
            r#"[{"DestinationType": "cloudwatch-logs", "LogFormat": "json", "LogType": "slow-log", "Status": "active"}]"#,
        ),
        (
            Dataset::CacheReplicationGroups,
            "sessions",
            "NodeGroups",
            r#"[{"NodeGroupId": "0001", "NodeGroupMembers": [{"PreferredAvailabilityZone": "eu-north-1a"}, {"PreferredAvailabilityZone": "eu-north-1b"}]}]"#,
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "AtRestEncryptionEnabled",
            "true",
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "TransitEncryptionEnabled",
            "true",
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "TransitEncryptionMode",
            r#""required""#,
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "SnapshotWindow",
            r#""03:00-04:00""#,
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "CacheSubnetGroupName",
            r#""private-cache""#,
        ),
        (
            Dataset::CacheClusters,
            "sessions-001",
            "SecurityGroups",
            r#"[{"SecurityGroupId": "sg-0fedcba9876543210"}]"#,
        ),
        (
            Dataset::LogGroups,
            "/app/audit",
            "logGroupArn",
            r#""arn:aws:logs:eu-north-1:123456789012:log-group:/app/audit""#,
        ),
        (Dataset::LogGroups, "/app/audit", "retentionInDays", "400"),
        (Dataset::LogGroups, "/app/audit", "kmsKeyId", key),
        (
            Dataset::LogGroups,
            "/app/audit",
            "logGroupClass",
            r#""STANDARD""#,
        ),
        (
            Dataset::LogGroups,
            "/app/audit",
            "dataProtectionStatus",
            r#""ACTIVATED""#,
        ),
        (
            Dataset::LogGroups,
            "/app/audit",
            "deletionProtectionEnabled",
            "true",
        ),
        (
            Dataset::LogGroups,
            "/app/audit",
            "creationTime",
            "1741944413000",
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "IamInstanceProfile",
            r#"{"Arn": "arn:aws:iam::123456789012:instance-profile/app", "Id": "AIPAJ2EXAMPLEPROFILEID"}"#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "Placement",
            r#"{"AvailabilityZone": "eu-north-1a", "Tenancy": "dedicated"}"#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "MetadataOptions",
            r#"{"HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "HttpPutResponseHopLimit": 2, "HttpTokens": "required", "InstanceMetadataTags": "disabled", "State": "applied"}"#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "Monitoring",
            r#"{"State": "disabled"}"#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "Architecture",
            r#""arm64""#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "EbsOptimized",
            "true",
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "PlatformDetails",
            r#""Linux/UNIX""#,
        ),
        (
            Dataset::Instances,
            "i-1234567890abcdef0",
            "PublicIpAddress",
            "absent",
        ),
        (
            Dataset::EbsEncryptionByDefault,
            "ebs-encryption-by-default",
            "EbsEncryptionByDefault",
            "true",
        ),
        (
            Dataset::EbsEncryptionByDefault,
            "ebs-encryption-by-default",
            "SseType",
            r#""sse-ebs""#,
        ),
    ] {
        assert_eq!(
            value(dataset, name, field),
            expected,
            "{dataset} {name} {field}"
        );
    }
    check_types(&inventory);
}
