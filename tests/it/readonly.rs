//! conform is read-only, and the IAM policy it ships is exactly what it
//! needs: a full scan of an estate that makes every collector do all it
//! can, with every AWS operation counted where it leaves conform (the SDK
//! interceptor behind `--stats-file`), checked against
//! iam/conform-readonly-policy.json.
//!
//! The test fails when conform performs an operation that is not a read
//! (`Describe*`, `Get*`, `List*`), when it performs one the shipped policy
//! does not allow (the scan would be denied in a real account), when the
//! policy allows an action no scan used (the policy grants more than
//! needed), or when an operation has no known IAM action (the mapping
//! below must grow with conform).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancingv2::types as elbv2t;
use aws_sdk_s3::types as s3t;
use serde_json::Value;

use common::estate::*;
use common::*;

/// The shipped policy.
const POLICY: &str = "iam/conform-readonly-policy.json";

/// The IAM service prefix of each SDK service (as the SDK names the
/// service in its operation metadata). Both generations of Elastic Load
/// Balancing share one prefix.
const SERVICE_PREFIXES: &[(&str, &str)] = &[
    ("EC2", "ec2"),
    ("Elastic Load Balancing v2", "elasticloadbalancing"),
    ("Elastic Load Balancing", "elasticloadbalancing"),
    ("S3", "s3"),
    ("S3 Control", "s3"),
    ("CloudWatch Logs", "logs"),
    ("RDS", "rds"),
    ("STS", "sts"),
    ("ElastiCache", "elasticache"),
    ("Auto Scaling", "autoscaling"),
    ("CloudTrail", "cloudtrail"),
    ("KMS", "kms"),
    ("DynamoDB", "dynamodb"),
    ("EFS", "elasticfilesystem"),
];

/// S3 is the one service whose IAM actions are not named after its
/// operations: each S3 operation conform may perform, with its action.
/// Any other S3 operation is unmapped.
const S3_ACTIONS: &[(&str, &str)] = &[
    ("ListBuckets", "s3:ListAllMyBuckets"),
    ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    (
        "GetBucketLifecycleConfiguration",
        "s3:GetLifecycleConfiguration",
    ),
    ("GetBucketTagging", "s3:GetBucketTagging"),
    ("GetBucketLocation", "s3:GetBucketLocation"),
    ("GetBucketVersioning", "s3:GetBucketVersioning"),
    (
        "GetObjectLockConfiguration",
        "s3:GetBucketObjectLockConfiguration",
    ),
    ("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"),
];

/// S3 Control's operations conform may perform, with their actions (an
/// operation of S3's name, of the account rather than a bucket).
const S3_CONTROL_ACTIONS: &[(&str, &str)] =
    &[("GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock")];

/// The IAM action an operation needs; `None` when the mapping does not
/// know the service (or, for S3, the operation).
fn action_of(service: &str, operation: &str) -> Option<String> {
    let prefix = SERVICE_PREFIXES
        .iter()
        .find(|(s, _)| *s == service)
        .map(|(_, p)| *p)?;
    if service == "S3 Control" {
        return S3_CONTROL_ACTIONS
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, action)| action.to_string());
    }
    if prefix == "s3" {
        return S3_ACTIONS
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, action)| action.to_string());
    }
    Some(format!("{prefix}:{operation}"))
}

/// Whether an operation (or an action's name after its prefix) only reads.
fn is_read(name: &str) -> bool {
    ["Describe", "Get", "List"]
        .iter()
        .any(|verb| name.starts_with(verb))
}

/// IAM's action matching: case-insensitive, `*` any run of characters,
/// `?` any one character.
fn iam_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[char], a: &[char]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], a) || (!a.is_empty() && go(p, &a[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &a[1..]),
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y) && go(&p[1..], &a[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let a: Vec<char> = action.chars().collect();
    go(&p, &a)
}

/// The actions the shipped policy allows (its only statement kind:
/// `Allow` of a list of actions on every resource).
fn allowed_actions() -> BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(POLICY);
    let policy: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{POLICY}: {e}"));
    let mut allowed = BTreeSet::new();
    for statement in policy["Statement"].as_array().expect("Statement[]") {
        assert_eq!(statement["Effect"], "Allow", "{POLICY}: {statement:#}");
        assert!(
            statement.get("NotAction").is_none() && statement.get("Condition").is_none(),
            "{POLICY}: only plain Allow statements are expected: {statement:#}"
        );
        match &statement["Action"] {
            Value::String(a) => {
                allowed.insert(a.clone());
            }
            Value::Array(list) => {
                allowed.extend(list.iter().map(|a| a.as_str().expect("action").to_string()));
            }
            other => panic!("{POLICY}: Action is {other}"),
        }
    }
    assert!(!allowed.is_empty(), "{POLICY} allows nothing");
    allowed
}

/// An estate that makes every collector make every call it can: a
/// security group referencing a customer prefix list
/// (GetManagedPrefixListEntries), an ALB with an HTTPS listener
/// (DescribeSSLPolicies) and an HTTP listener redirecting to HTTPS
/// (DescribeRules), a classic load balancer with an HTTPS listener
/// (DescribeLoadBalancerPolicies; load balancers of both generations for
/// DescribeTags), a multi-region trail (GetTrailStatus, GetEventSelectors)
/// and buckets (GetBucketEncryption, GetBucketTagging,
/// GetBucketLifecycleConfiguration, GetBucketVersioning for the one with
/// lifecycle rules and, since moto never gives ListBuckets' BucketRegion,
/// GetBucketLocation). The other
/// operations are made whatever the estate holds.
async fn build_estate(account: &TestAccount) {
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let elb = aws_sdk_elasticloadbalancing::Client::new(&config);
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&config);
    let s3 = s3_client(account).await;

    let (vpc, subnets) = default_vpc(&ec2).await;
    let partners = prefix_list(&ec2, "partners", &["198.51.100.0/24"]).await;
    security_group(
        &ec2,
        &vpc,
        "from-partners",
        vec![
            tcp(22, 22)
                .prefix_list_ids(
                    ec2t::PrefixListId::builder()
                        .prefix_list_id(partners)
                        .build(),
                )
                .build(),
        ],
    )
    .await;

    use elbv2t::LoadBalancerSchemeEnum::InternetFacing;
    use elbv2t::LoadBalancerTypeEnum::Application;
    use elbv2t::ProtocolEnum::{Http, Https};
    load_balancer(
        &elbv2,
        account,
        "web",
        (Application, InternetFacing),
        &subnets[..2],
        &[],
        vec![
            listener(Https, 443, Some(STRONG_TLS), fixed_response()),
            listener(Http, 80, None, redirect_to_https()),
        ],
    )
    .await;
    classic_load_balancer(
        &elb,
        account,
        "classic-tls",
        "HTTPS",
        443,
        &[&format!("{REGION}a"), &format!("{REGION}b")],
    )
    .await;

    let aes = Some(s3t::ServerSideEncryption::Aes256);
    let backups = format!("db-backups-{}", account.id);
    bucket(&s3, &backups, aes.clone()).await;
    expire_objects(&s3, &backups, 30).await;
    let trail_bucket = format!("cloudtrail-{}", account.id);
    bucket(&s3, &trail_bucket, aes).await;
    trail(&cloudtrail, "all-regions", &trail_bucket, true, true).await;

    // The kinds of issue 14: a customer managed symmetric key
    // (GetKeyRotationStatus), a DynamoDB table (DescribeTable,
    // DescribeContinuousBackups) and an EFS file system.
    let kms = aws_sdk_kms::Client::new(&config);
    kms.create_key().send().await.expect("CreateKey");
    aws_sdk_dynamodb::Client::new(&config)
        .create_table()
        .table_name("orders")
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .expect("CreateTable");
    aws_sdk_efs::Client::new(&config)
        .create_file_system()
        .creation_token("shared")
        .encrypted(true)
        .send()
        .await
        .expect("CreateFileSystem");
}

/// The datasets no rule of the built-in pack reads (issue 14's new kinds):
/// collected in-process, with the scan's collectors and call counter,
/// until attribute rules let a rules file ask for them.
const OTHER_DATASETS: &[conform::inventory::Dataset] = &[
    conform::inventory::Dataset::KmsKeys,
    conform::inventory::Dataset::KmsKeyRotation,
    conform::inventory::Dataset::Subnets,
    conform::inventory::Dataset::RouteTables,
    conform::inventory::Dataset::DynamoDbTables,
    conform::inventory::Dataset::DynamoDbContinuousBackups,
    conform::inventory::Dataset::EfsFileSystems,
];

#[tokio::test(flavor = "multi_thread")]
async fn a_full_scan_needs_exactly_the_shipped_read_only_policy() {
    let account = account().await;
    Box::pin(build_estate(&account)).await;
    let dir = tempfile::tempdir().unwrap();
    let stats_file = dir.path().join("stats.json");
    // Two regions given as a list: DescribeRegions validates them.
    let regions = format!("{REGION},us-east-1");
    let run = conform(
        &[
            "scan",
            "--region",
            &regions,
            "--format",
            "json",
            "--stats-file",
            arg(&stats_file),
            // Every dataset, not only those the built-in pack needs: the
            // details that attribute rules' fields need make calls of
            // their own.
            "--collect",
            "all",
        ],
        &account,
    );
    // Every new account breaks promises (its default network ACL).
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    assert_eq!(
        report["coverage_errors"],
        serde_json::json!([]),
        "every dataset was read in full"
    );

    let stats: Value =
        serde_json::from_str(&std::fs::read_to_string(&stats_file).expect("--stats-file"))
            .expect("the stats file is JSON");
    assert!(
        stats["resources"].as_u64().is_some_and(|n| n > 0),
        "{stats:#}"
    );
    let operations = stats["operations"].as_array().expect("operations[]");
    let mut seen: Vec<(String, String)> = Vec::new();
    for op in operations {
        let service = op["service"].as_str().expect("service").to_string();
        let operation = op["operation"].as_str().expect("operation").to_string();
        assert!(
            op["calls"].as_u64().is_some_and(|n| n > 0),
            "an operation listed without a call: {op:#}"
        );
        seen.push((service, operation));
    }
    assert!(!seen.is_empty(), "no AWS operation counted: {stats:#}");
    let rules_need = conform::rules::load_builtin()
        .expect("the built-in pack loads")
        .datasets();
    assert!(
        OTHER_DATASETS.iter().all(|d| !rules_need.contains(d)),
        "a built-in rule reads {OTHER_DATASETS:?} now: scan them above"
    );
    let (other, other_calls) = crate::kinds::collect(&account, OTHER_DATASETS).await;
    assert!(
        other.coverage.iter().all(|c| c.error.is_none()),
        "{:#?}",
        other.coverage
    );
    assert!(other.resource_count() > 0);
    for op in other_calls {
        assert!(op.calls > 0, "{op:?}");
        seen.push((op.service, op.operation));
    }

    // The mapping knows every operation performed.
    let unmapped: Vec<String> = seen
        .iter()
        .filter(|(s, o)| action_of(s, o).is_none())
        .map(|(s, o)| format!("{s} {o}"))
        .collect();
    assert!(
        unmapped.is_empty(),
        "operations with no known IAM action (extend SERVICE_PREFIXES or S3_ACTIONS):\n  {}",
        unmapped.join("\n  ")
    );
    // action → the operations that need it
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (s, o) in &seen {
        used.entry(action_of(s, o).unwrap())
            .or_default()
            .push(format!("{s} {o}"));
    }

    // (a) only reads
    let writes: Vec<String> = seen
        .iter()
        .filter(|(_, o)| !is_read(o))
        .map(|(s, o)| format!("{s} {o} ({})", action_of(s, o).unwrap()))
        .collect();
    assert!(
        writes.is_empty(),
        "conform performed operations that are not reads (Describe*, Get*, List*):\n  {}",
        writes.join("\n  ")
    );

    // (b) everything used is allowed
    let allowed = allowed_actions();
    let denied: Vec<String> = used
        .iter()
        .filter(|(action, _)| !allowed.iter().any(|p| iam_matches(p, action)))
        .map(|(action, ops)| format!("{action} (for {})", ops.join(", ")))
        .collect();
    assert!(
        denied.is_empty(),
        "{POLICY} does not allow actions the scan used:\n  {}",
        denied.join("\n  ")
    );

    // (c) everything allowed is used
    let unused: Vec<&String> = allowed
        .iter()
        .filter(|pattern| !used.keys().any(|action| iam_matches(pattern, action)))
        .collect();
    assert!(
        unused.is_empty(),
        "{POLICY} allows actions no scan used (seen: {:?}):\n  {}",
        used.keys().collect::<Vec<_>>(),
        unused
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    // ...and it grants only reads.
    let policy_writes: Vec<&String> = allowed
        .iter()
        .filter(|a| !a.split_once(':').is_some_and(|(_, name)| is_read(name)))
        .collect();
    assert!(
        policy_writes.is_empty(),
        "{POLICY} allows actions that are not reads: {policy_writes:?}"
    );
}

#[test]
fn iam_action_matching_is_iams() {
    assert!(iam_matches(
        "ec2:DescribeInstances",
        "ec2:DescribeInstances"
    ));
    assert!(iam_matches(
        "EC2:describeinstances",
        "ec2:DescribeInstances"
    ));
    assert!(iam_matches("ec2:Describe*", "ec2:DescribeInstances"));
    assert!(iam_matches(
        "ec2:Describe?nstances",
        "ec2:DescribeInstances"
    ));
    assert!(!iam_matches("ec2:Describe", "ec2:DescribeInstances"));
    assert!(!iam_matches(
        "ec2:DescribeInstances",
        "ec2:DescribeInstance"
    ));
    assert!(!iam_matches("rds:Describe*", "ec2:DescribeInstances"));
    assert_eq!(
        action_of("S3", "GetBucketLifecycleConfiguration").as_deref(),
        Some("s3:GetLifecycleConfiguration")
    );
    assert_eq!(action_of("S3", "PutObject"), None);
    assert_eq!(
        action_of("S3", "GetPublicAccessBlock").as_deref(),
        Some("s3:GetBucketPublicAccessBlock")
    );
    assert_eq!(
        action_of("S3 Control", "GetPublicAccessBlock").as_deref(),
        Some("s3:GetAccountPublicAccessBlock")
    );
    assert_eq!(action_of("Lambda", "ListFunctions"), None);
    assert_eq!(
        action_of("Elastic Load Balancing", "DescribeTags").as_deref(),
        Some("elasticloadbalancing:DescribeTags")
    );
}
