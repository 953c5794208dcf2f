//! The kinds issue 14 added (KMS keys, subnets, route tables, DynamoDB
//! tables, EFS file systems), collected from the emulator, each in an
//! account of its own: every field moto returns, the calls made (the
//! fewest: `GetKeyRotationStatus` only where it applies), and the
//! `subnet-private` check judging a live VPC both ways through a real
//! scan.
//!
//! Until attribute rules let a rules file ask for a kind by itself, the
//! KMS, DynamoDB and EFS datasets are collected in-process with
//! [`conform::collect::collect_with_config`] (the same collectors, pacing
//! and call counter as a scan). Where moto differs from AWS (see
//! tests/README.md), the collectors' unit tests convert AWS-shaped answers.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types as ddbt;
use conform::collect::limits::{DEFAULT_SHARE, Limits};
use conform::collect::stats::{CallStats, OperationStats};
use conform::collect::{CollectOptions, RegionSelection};
use conform::inventory::fields::Described;
use conform::inventory::{Dataset, Inventory, Value};

use crate::common::estate::default_vpc;
use crate::common::*;

/// Collects `datasets` of `account` in its region, in-process; returns
/// the inventory and the calls made.
pub async fn collect(
    account: &TestAccount,
    datasets: &[Dataset],
) -> (Inventory, Vec<OperationStats>) {
    let stats = CallStats::new();
    let options = CollectOptions {
        profile: None,
        regions: RegionSelection::Default,
        datasets: datasets.iter().copied().collect(),
        s3_force_path_style: true,
        limits: Arc::new(Limits::new(16, None, DEFAULT_SHARE)),
        stats: stats.clone(),
        progress: None,
        max_attempts: 3,
        attempt_timeout: Duration::from_secs(30),
        exclude_regions: Vec::new(),
        accounts: None,
        every_region: Default::default(),
    };
    let inventory = conform::collect::collect_with_config(&options, account.config(REGION).await)
        .await
        .expect("collection starts");
    (inventory, stats.snapshot())
}

/// The calls made of `operation`.
fn calls_of(calls: &[OperationStats], operation: &str) -> Option<u64> {
    calls
        .iter()
        .find(|op| op.operation == operation)
        .map(|op| op.calls)
}

/// Every coverage record of `datasets` says it was read in full.
fn read_in_full(inventory: &Inventory, datasets: &[Dataset]) {
    for &d in datasets {
        let c = inventory
            .coverage_of(&inventory.scope[0].account, REGION, d)
            .unwrap_or_else(|| panic!("no coverage of {d}"));
        assert_eq!(c.error, None, "{d}");
    }
}

/// A field of a resource through the catalogue, as attribute rules read it.
fn field<R: Described>(r: &R, name: &str) -> Option<Value> {
    (R::field(name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .get)(r)
}

fn s(v: &str) -> Option<Value> {
    Some(Value::from(v))
}

#[tokio::test(flavor = "multi_thread")]
async fn kms_keys_are_read_with_rotation_only_where_it_applies() {
    let account = account().await;
    let kms = aws_sdk_kms::Client::new(&account.config(REGION).await);
    let rotated = estate::key_arn(kms.create_key().description("rotated")).await;
    kms.enable_key_rotation()
        .key_id(&rotated)
        .send()
        .await
        .expect("EnableKeyRotation");
    let plain = estate::key_arn(kms.create_key().description("not rotated")).await;
    let signing = estate::key_arn(
        kms.create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::Rsa2048)
            .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify),
    )
    .await;

    // Without a rule that reads rotation, no GetKeyRotationStatus.
    let (inventory, calls) = collect(&account, &[Dataset::KmsKeys]).await;
    read_in_full(&inventory, &[Dataset::KmsKeys]);
    assert_eq!(calls_of(&calls, "GetKeyRotationStatus"), None, "{calls:?}");
    assert!(
        inventory
            .kms_keys
            .iter()
            .all(|k| k.key_rotation_enabled.is_none())
    );

    let both = [Dataset::KmsKeys, Dataset::KmsKeyRotation];
    let (inventory, calls) = collect(&account, &both).await;
    read_in_full(&inventory, &both);
    assert_eq!(inventory.kms_keys.len(), 3);
    let key = |arn: &str| {
        inventory
            .kms_keys
            .iter()
            .find(|k| k.arn == arn)
            .unwrap_or_else(|| panic!("{arn} not collected"))
    };
    let r = key(&rotated);
    assert_eq!(field(r, "KeyManager"), s("CUSTOMER"));
    assert_eq!(field(r, "KeySpec"), s("SYMMETRIC_DEFAULT"));
    // moto's DescribeKey gives no KeyUsage and no MultiRegion (see
    // tests/README.md; the collector's unit test reads AWS's shape).
    assert_eq!(field(r, "Origin"), s("AWS_KMS"));
    assert_eq!(field(r, "KeyState"), s("Enabled"));
    assert_eq!(field(r, "Enabled"), Some(Value::Bool(true)));
    assert_eq!(field(r, "Description"), s("rotated"));
    assert!(matches!(
        field(r, "CreationDate"),
        Some(Value::Timestamp(_))
    ));
    assert_eq!(field(r, "KeyRotationEnabled"), Some(Value::Bool(true)));
    assert_eq!(r.unreadable, None);
    assert_eq!(
        field(key(&plain), "KeyRotationEnabled"),
        Some(Value::Bool(false))
    );
    // Not a key whose rotation a customer sets: not asked, absent.
    let k = key(&signing);
    assert_eq!(field(k, "KeySpec"), s("RSA_2048"));
    assert_eq!(field(k, "KeyRotationEnabled"), None);

    assert_eq!(calls_of(&calls, "ListKeys"), Some(1), "{calls:?}");
    assert_eq!(calls_of(&calls, "DescribeKey"), Some(3), "{calls:?}");
    assert_eq!(
        calls_of(&calls, "GetKeyRotationStatus"),
        Some(2),
        "{calls:?}"
    );
}

pub(crate) fn table(
    ddb: &aws_sdk_dynamodb::Client,
    name: &str,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    ddb.create_table()
        .table_name(name)
        .attribute_definitions(
            ddbt::AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ddbt::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            ddbt::KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(ddbt::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(ddbt::BillingMode::PayPerRequest)
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamodb_tables_are_read_with_encryption_and_point_in_time_recovery() {
    let account = account().await;
    let config = account.config(REGION).await;
    let kms = aws_sdk_kms::Client::new(&config);
    let key = estate::key_arn(kms.create_key()).await;
    let ddb = aws_sdk_dynamodb::Client::new(&config);
    table(&ddb, "orders")
        .sse_specification(
            ddbt::SseSpecification::builder()
                .enabled(true)
                .sse_type(ddbt::SseType::Kms)
                .kms_master_key_id(&key)
                .build(),
        )
        .deletion_protection_enabled(true)
        .send()
        .await
        .expect("CreateTable orders");
    ddb.update_continuous_backups()
        .table_name("orders")
        .point_in_time_recovery_specification(
            ddbt::PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("UpdateContinuousBackups");
    table(&ddb, "sessions")
        .send()
        .await
        .expect("CreateTable sessions");

    // Without a rule that reads continuous backups, one call per table.
    let (inventory, calls) = collect(&account, &[Dataset::DynamoDbTables]).await;
    read_in_full(&inventory, &[Dataset::DynamoDbTables]);
    assert_eq!(
        calls_of(&calls, "DescribeContinuousBackups"),
        None,
        "{calls:?}"
    );
    assert!(
        inventory
            .dynamodb_tables
            .iter()
            .all(|t| t.continuous_backups_status.is_none())
    );

    let both = [Dataset::DynamoDbTables, Dataset::DynamoDbContinuousBackups];
    let (inventory, calls) = collect(&account, &both).await;
    read_in_full(&inventory, &both);
    let by_name = |name: &str| {
        inventory
            .dynamodb_tables
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} not collected"))
    };
    let orders = by_name("orders");
    assert_eq!(orders.arn, account.arn("dynamodb", "table/orders"));
    assert_eq!(field(orders, "TableStatus"), s("ACTIVE"));
    assert_eq!(
        field(orders, "DeletionProtectionEnabled"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        field(orders, "BillingModeSummary"),
        Some(Value::record([("BillingMode", s("PAY_PER_REQUEST"))]))
    );
    assert_eq!(
        field(orders, "SSEDescription"),
        Some(Value::record([
            ("Status", s("ENABLED")),
            ("SSEType", s("KMS")),
            ("KMSMasterKeyArn", s(&key)),
        ]))
    );
    let Some(Value::Map(backups)) = field(orders, "ContinuousBackupsDescription") else {
        panic!("{orders:?}")
    };
    let Some(Value::Map(pitr)) = backups.get("PointInTimeRecoveryDescription") else {
        panic!("{backups:?}")
    };
    assert_eq!(pitr.get("PointInTimeRecoveryStatus"), s("ENABLED").as_ref());

    let sessions = by_name("sessions");
    // The default, an AWS owned key: AWS returns no SSEDescription.
    assert_eq!(field(sessions, "SSEDescription"), None);
    assert_eq!(
        field(sessions, "DeletionProtectionEnabled"),
        Some(Value::Bool(false))
    );
    assert_eq!(
        sessions.point_in_time_recovery_status.as_deref(),
        Some("DISABLED")
    );

    assert_eq!(calls_of(&calls, "ListTables"), Some(1), "{calls:?}");
    assert_eq!(calls_of(&calls, "DescribeTable"), Some(2), "{calls:?}");
    assert_eq!(
        calls_of(&calls, "DescribeContinuousBackups"),
        Some(2),
        "{calls:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn efs_file_systems_are_read_in_one_call() {
    let account = account().await;
    let config = account.config(REGION).await;
    let efs = aws_sdk_efs::Client::new(&config);
    let encrypted = efs
        .create_file_system()
        .creation_token("shared")
        .encrypted(true)
        .tags(
            aws_sdk_efs::types::Tag::builder()
                .key("Name")
                .value("shared")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateFileSystem")
        .file_system_id()
        .to_string();
    let plain = efs
        .create_file_system()
        .creation_token("scratch")
        .send()
        .await
        .expect("CreateFileSystem")
        .file_system_id()
        .to_string();

    let (inventory, calls) = collect(&account, &[Dataset::EfsFileSystems]).await;
    read_in_full(&inventory, &[Dataset::EfsFileSystems]);
    let by_id = |id: &str| {
        inventory
            .efs_file_systems
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id} not collected"))
    };
    let e = by_id(&encrypted);
    assert_eq!(
        e.arn,
        account.arn("elasticfilesystem", &format!("file-system/{encrypted}"))
    );
    assert_eq!(field(e, "Encrypted"), Some(Value::Bool(true)));
    assert_eq!(field(e, "Name"), s("shared"));
    assert_eq!(field(e, "LifeCycleState"), s("available"));
    assert_eq!(field(e, "PerformanceMode"), s("generalPurpose"));
    assert_eq!(field(e, "ThroughputMode"), s("bursting"));
    assert_eq!(e.tags.get("Name").map(|s| s.as_str()), Some("shared"));
    let p = by_id(&plain);
    assert_eq!(field(p, "Encrypted"), Some(Value::Bool(false)));
    assert_eq!(field(p, "KmsKeyId"), None);
    // moto names an untagged file system "": AWS gives no Name.
    assert_eq!(field(p, "Name"), None);
    assert_eq!(
        calls_of(&calls, "DescribeFileSystems"),
        Some(1),
        "{calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|op| op.service == "EFS").count(),
        1,
        "{calls:?}"
    );
}

/// A rules file with one rule binding `subnet-private`.
fn subnet_private_pack() -> String {
    format!(
        r#"[policy]
file = "{POLICY_FILE}"

[[rule]]
id = "NET-PRIVATE"
title = "Subnets have no route to an internet gateway"
severity = "high"
area = "network"
promise = {{ line = 21, text = "AWS Network ACL och Security Groups används för att begränsa åtkomsten till Klivs system som lämpligt för deras roll." }}
checks = [{{ name = "subnet-private" }}]
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_judges_subnets_private_by_their_route_tables() {
    let account = account().await;
    let ec2 = aws_sdk_ec2::Client::new(&account.config(REGION).await);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .expect("CreateVpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_string();
    let subnet = |cidr: &'static str| {
        let ec2 = ec2.clone();
        let vpc = vpc.clone();
        async move {
            ec2.create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone(format!("{REGION}a"))
                .send()
                .await
                .expect("CreateSubnet")
                .subnet()
                .and_then(|s| s.subnet_id())
                .unwrap()
                .to_string()
        }
    };
    let public = subnet("10.20.1.0/24").await;
    let private = subnet("10.20.2.0/24").await;
    let v6_public = subnet("10.20.3.0/24").await;
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .expect("CreateInternetGateway")
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .expect("AttachInternetGateway");
    let route_table = |subnet: String| {
        let ec2 = ec2.clone();
        let vpc = vpc.clone();
        async move {
            let id = ec2
                .create_route_table()
                .vpc_id(vpc)
                .send()
                .await
                .expect("CreateRouteTable")
                .route_table()
                .and_then(|t| t.route_table_id())
                .unwrap()
                .to_string();
            ec2.associate_route_table()
                .route_table_id(&id)
                .subnet_id(subnet)
                .send()
                .await
                .expect("AssociateRouteTable");
            id
        }
    };
    let public_table = route_table(public.clone()).await;
    ec2.create_route()
        .route_table_id(&public_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .expect("CreateRoute 0.0.0.0/0");
    let v6_table = route_table(v6_public.clone()).await;
    ec2.create_route()
        .route_table_id(&v6_table)
        .destination_ipv6_cidr_block("::/0")
        .gateway_id(&igw)
        .send()
        .await
        .expect("CreateRoute ::/0");
    // `private` has no association: its VPC's main route table (only the
    // local route) applies.

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, subnet_private_pack()).unwrap();
    let run = conform(
        &["scan", "--rules", arg(&rules), "--format", "json"],
        &account,
    );
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    assert_eq!(report["coverage_errors"], serde_json::json!([]));
    let arn = |id: &str| account.arn("ec2", &format!("subnet/{id}"));
    assert_eq!(
        status_of(&report, "NET-PRIVATE", &arn(&public)).as_deref(),
        Some("fail")
    );
    assert_eq!(
        status_of(&report, "NET-PRIVATE", &arn(&v6_public)).as_deref(),
        Some("fail")
    );
    assert_eq!(
        status_of(&report, "NET-PRIVATE", &arn(&private)).as_deref(),
        Some("pass")
    );
    let f = finding(&report, "NET-PRIVATE", &arn(&public));
    let evidence = f["evidence"].to_string();
    assert!(evidence.contains(&public_table), "{f:#}");
    assert!(evidence.contains(&igw), "{f:#}");
    let p = finding(&report, "NET-PRIVATE", &arn(&private));
    assert!(
        p["evidence"].to_string().contains("main route table"),
        "{p:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn subnets_and_route_tables_keep_awss_fields() {
    let account = account().await;
    let ec2 = aws_sdk_ec2::Client::new(&account.config(REGION).await);
    let (vpc, subnets) = default_vpc(&ec2).await;
    let (inventory, calls) = collect(&account, &[Dataset::Subnets, Dataset::RouteTables]).await;
    read_in_full(&inventory, &[Dataset::Subnets, Dataset::RouteTables]);
    let s = inventory
        .subnets
        .iter()
        .find(|s| s.id == subnets[0])
        .expect("a default subnet");
    assert_eq!(s.arn, account.arn("ec2", &format!("subnet/{}", subnets[0])));
    assert_eq!(field(s, "VpcId"), Some(Value::from(vpc.as_str())));
    assert_eq!(field(s, "DefaultForAz"), Some(Value::Bool(true)));
    assert_eq!(field(s, "MapPublicIpOnLaunch"), Some(Value::Bool(true)));
    assert!(matches!(field(s, "CidrBlock"), Some(Value::String(_))));
    let main = inventory
        .route_tables
        .iter()
        .find(|t| t.vpc_id.as_deref() == Some(vpc.as_str()))
        .expect("the default VPC's main route table");
    let Some(Value::List(associations)) = field(main, "Associations") else {
        panic!("{main:?}")
    };
    assert!(
        associations
            .iter()
            .any(|a| matches!(a, Value::Map(m) if m.get("Main") == Some(&Value::Bool(true)))),
        "{associations:?}"
    );
    assert_eq!(calls_of(&calls, "DescribeSubnets"), Some(1), "{calls:?}");
    assert_eq!(
        calls_of(&calls, "DescribeRouteTables"),
        Some(1),
        "{calls:?}"
    );
}
