//! The detail datasets of the field catalogue, collected from the
//! emulator: each read only when asked for (`--collect`, as a rule whose
//! fields `need` it asks for it), and each field read back through the
//! catalogue's getters under AWS's names. Each test in an account of its
//! own.

use crate::common;

use std::path::Path;

use aws_sdk_elasticloadbalancing::types as elbt;
use aws_sdk_elasticloadbalancingv2::types as elbv2t;
use conform::inventory::fields::Described;
use conform::inventory::{Dataset, Inventory, Value};
use serde_json::Value as Json;

use common::estate::*;
use common::*;

/// Scans the account with the built-in pack plus `--collect datasets`;
/// returns the saved inventory and the stats file's operations.
fn scan(account: &TestAccount, collect: &[Dataset], dir: &Path) -> (Inventory, Vec<String>) {
    let inventory = dir.join("inventory.json");
    let stats = dir.join("stats.json");
    let names: Vec<&str> = collect.iter().map(|d| d.name()).collect();
    let names = names.join(",");
    let mut args = vec![
        "scan",
        "--format",
        "json",
        "--save-inventory",
        arg(&inventory),
        "--stats-file",
        arg(&stats),
    ];
    if !collect.is_empty() {
        args.extend(["--collect", &names]);
    }
    let run = conform(&args, account);
    assert!(
        matches!(run.code, Some(0 | 1 | 3)),
        "{:?}\n{}",
        run.code,
        run.stderr
    );
    let saved = Inventory::load(&inventory).expect("the saved inventory loads");
    let stats: Json = serde_json::from_str(&std::fs::read_to_string(&stats).unwrap()).unwrap();
    let operations = stats["operations"]
        .as_array()
        .expect("operations[]")
        .iter()
        .map(|op| {
            format!(
                "{} {}",
                op["service"].as_str().unwrap(),
                op["operation"].as_str().unwrap()
            )
        })
        .collect();
    (saved, operations)
}

/// The value of field `name` of `r`, by the catalogue.
fn field<R: Described>(r: &R, name: &str) -> Option<Value> {
    (R::field(name)
        .unwrap_or_else(|| panic!("no field {name}"))
        .get)(r)
}

/// The member path `a.b` of a structure value.
fn member(v: &Value, path: &str) -> Option<Value> {
    let mut v = v.clone();
    for part in path.split('.') {
        let Value::Map(m) = v else { return None };
        v = m.get(part)?.clone();
    }
    Some(v)
}

fn coverage_ok(inventory: &Inventory, dataset: Dataset) {
    let records: Vec<_> = inventory
        .coverage
        .iter()
        .filter(|c| c.dataset == dataset)
        .collect();
    assert!(!records.is_empty(), "no coverage of {dataset}");
    for c in records {
        assert_eq!(c.error, None, "{dataset} in {}", c.region);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn load_balancer_attributes_of_both_generations() {
    let account = account().await;
    let config = account.config(REGION).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(&config);
    let elb = aws_sdk_elasticloadbalancing::Client::new(&config);
    let (_, subnets) = default_vpc(&ec2).await;

    use elbv2t::LoadBalancerSchemeEnum::Internal;
    use elbv2t::LoadBalancerTypeEnum::Application;
    let alb = load_balancer(
        &elbv2,
        &account,
        "protected",
        (Application, Internal),
        &subnets[..2],
        &[],
        vec![],
    )
    .await;
    elbv2
        .modify_load_balancer_attributes()
        .load_balancer_arn(&alb)
        .attributes(
            elbv2t::LoadBalancerAttribute::builder()
                .key("deletion_protection.enabled")
                .value("true")
                .build(),
        )
        .attributes(
            elbv2t::LoadBalancerAttribute::builder()
                .key("routing.http.drop_invalid_header_fields.enabled")
                .value("true")
                .build(),
        )
        .send()
        .await
        .expect("ModifyLoadBalancerAttributes");
    classic_load_balancer(
        &elb,
        &account,
        "drained",
        "HTTP",
        80,
        &[&format!("{REGION}a")],
    )
    .await;
    elb.modify_load_balancer_attributes()
        .load_balancer_name("drained")
        .load_balancer_attributes(
            elbt::LoadBalancerAttributes::builder()
                .connection_draining(
                    elbt::ConnectionDraining::builder()
                        .enabled(true)
                        .timeout(120)
                        .build(),
                )
                .cross_zone_load_balancing(
                    elbt::CrossZoneLoadBalancing::builder()
                        .enabled(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("ModifyLoadBalancerAttributes (classic)");

    let dir = tempfile::tempdir().unwrap();
    // Not asked for: not read.
    let (plain, operations) = scan(&account, &[], dir.path());
    assert!(
        !operations
            .iter()
            .any(|o| o.ends_with("DescribeLoadBalancerAttributes")),
        "{operations:?}"
    );
    assert!(plain.load_balancers.iter().all(|lb| lb.attributes.is_none()
        && lb.classic_attributes.is_none()
        && field(lb, "Attributes").is_none()
        && field(lb, "LoadBalancerAttributes").is_none()));

    let (inventory, operations) = scan(
        &account,
        &[
            Dataset::LoadBalancerAttributes,
            Dataset::ClassicLoadBalancerAttributes,
        ],
        dir.path(),
    );
    for api in ["Elastic Load Balancing v2", "Elastic Load Balancing"] {
        assert!(
            operations.contains(&format!("{api} DescribeLoadBalancerAttributes")),
            "{operations:?}"
        );
    }
    coverage_ok(&inventory, Dataset::LoadBalancerAttributes);
    coverage_ok(&inventory, Dataset::ClassicLoadBalancerAttributes);

    let alb = inventory
        .load_balancers
        .iter()
        .find(|lb| lb.name == "protected")
        .expect("the ALB");
    let Some(Value::List(attributes)) = field(alb, "Attributes") else {
        panic!("{alb:#?}")
    };
    let value_of = |key: &str| {
        attributes
            .iter()
            .find(|a| member(a, "Key") == Some(Value::str(key)))
            .and_then(|a| member(a, "Value"))
    };
    assert_eq!(
        value_of("deletion_protection.enabled"),
        Some(Value::str("true"))
    );
    assert_eq!(
        value_of("routing.http.drop_invalid_header_fields.enabled"),
        Some(Value::str("true"))
    );
    assert_eq!(field(alb, "LoadBalancerAttributes"), None, "classic only");
    assert_eq!(field(alb, "Type"), Some(Value::str("application")));
    assert_eq!(field(alb, "Scheme"), Some(Value::str("internal")));
    assert!(field(alb, "VpcId").is_some() && field(alb, "VPCId").is_none());
    assert!(matches!(
        field(alb, "CreatedTime"),
        Some(Value::Timestamp(_))
    ));
    assert_eq!(
        field(alb, "State").and_then(|s| member(&s, "Code")),
        Some(Value::str("active"))
    );
    assert_eq!(field(alb, "Listeners"), Some(Value::List(vec![])));

    let clb = inventory
        .load_balancers
        .iter()
        .find(|lb| lb.name == "drained")
        .expect("the classic load balancer");
    let attributes = field(clb, "LoadBalancerAttributes").expect("read");
    assert_eq!(
        member(&attributes, "ConnectionDraining.Enabled"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        member(&attributes, "ConnectionDraining.Timeout"),
        Some(Value::Int(120))
    );
    assert_eq!(
        member(&attributes, "CrossZoneLoadBalancing.Enabled"),
        Some(Value::Bool(true))
    );
    assert_eq!(field(clb, "Attributes"), None, "ELBv2 only");
    assert_eq!(field(clb, "LoadBalancerArn"), None, "classic has none");
    assert_eq!(field(clb, "Type"), None);
    let Some(Value::List(listeners)) = field(clb, "ListenerDescriptions") else {
        panic!("{clb:#?}")
    };
    assert_eq!(
        member(&listeners[0], "Listener.LoadBalancerPort"),
        Some(Value::Int(80))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn trail_settings_and_every_trails_event_selectors() {
    let account = account().await;
    let config = account.config(REGION).await;
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&config);
    let s3 = s3_client(&account).await;
    let logs = format!("trail-logs-{}", account.id);
    bucket(&s3, &logs, None).await;
    let key = format!(
        "arn:aws:kms:{REGION}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        account.id
    );
    cloudtrail
        .create_trail()
        .name("validated")
        .s3_bucket_name(&logs)
        .enable_log_file_validation(true)
        .include_global_service_events(false)
        .kms_key_id(&key)
        .send()
        .await
        .expect("CreateTrail");
    cloudtrail
        .put_event_selectors()
        .trail_name("validated")
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type("WriteOnly".into())
                .include_management_events(true)
                .data_resources(
                    aws_sdk_cloudtrail::types::DataResource::builder()
                        .r#type("AWS::S3::Object")
                        .values(format!("arn:aws:s3:::{logs}/"))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutEventSelectors");

    let dir = tempfile::tempdir().unwrap();
    // Without the dataset, a single-region trail's selectors are not read.
    let (plain, operations) = scan(&account, &[], dir.path());
    let t = plain.trails.iter().find(|t| t.name == "validated").unwrap();
    assert_eq!(field(t, "EventSelectors"), None);
    assert!(!operations.contains(&"CloudTrail GetEventSelectors".to_string()));
    // What DescribeTrails gave is there without any call of its own.
    assert_eq!(
        field(t, "LogFileValidationEnabled"),
        Some(Value::Bool(true))
    );
    assert_eq!(
        field(t, "IncludeGlobalServiceEvents"),
        Some(Value::Bool(false))
    );
    assert_eq!(field(t, "IsMultiRegionTrail"), Some(Value::Bool(false)));
    assert_eq!(field(t, "S3BucketName"), Some(Value::str(&logs)));
    assert!(
        matches!(field(t, "KmsKeyId"), Some(Value::String(k)) if k.contains("1234abcd")),
        "{t:#?}"
    );
    assert_eq!(field(t, "IsLogging"), Some(Value::Bool(false)));

    let (inventory, operations) = scan(&account, &[Dataset::TrailEventSelectors], dir.path());
    assert!(operations.contains(&"CloudTrail GetEventSelectors".to_string()));
    coverage_ok(&inventory, Dataset::TrailEventSelectors);
    let t = inventory
        .trails
        .iter()
        .find(|t| t.name == "validated")
        .unwrap();
    let Some(Value::List(selectors)) = field(t, "EventSelectors") else {
        panic!("{t:#?}")
    };
    assert_eq!(
        member(&selectors[0], "ReadWriteType"),
        Some(Value::str("WriteOnly"))
    );
    let Some(Value::List(resources)) = member(&selectors[0], "DataResources") else {
        panic!("{selectors:?}")
    };
    assert_eq!(
        member(&resources[0], "Type"),
        Some(Value::str("AWS::S3::Object"))
    );
    assert_eq!(
        field(t, "AdvancedEventSelectors"),
        Some(Value::List(vec![]))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bucket_object_lock_public_access_block_policy_status_and_versioning() {
    use aws_sdk_s3::types as s3t;
    let account = account().await;
    let s3 = s3_client(&account).await;
    let locked = format!("locked-{}", account.id);
    s3.create_bucket()
        .bucket(&locked)
        .create_bucket_configuration(
            s3t::CreateBucketConfiguration::builder()
                .location_constraint(s3t::BucketLocationConstraint::from(REGION))
                .build(),
        )
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .expect("CreateBucket with Object Lock");
    s3.put_object_lock_configuration()
        .bucket(&locked)
        .object_lock_configuration(
            s3t::ObjectLockConfiguration::builder()
                .object_lock_enabled(s3t::ObjectLockEnabled::Enabled)
                .rule(
                    s3t::ObjectLockRule::builder()
                        .default_retention(
                            s3t::DefaultRetention::builder()
                                .mode(s3t::ObjectLockRetentionMode::Compliance)
                                .days(30)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutObjectLockConfiguration");
    let blocked = format!("blocked-{}", account.id);
    bucket(&s3, &blocked, None).await;
    s3.put_public_access_block()
        .bucket(&blocked)
        .public_access_block_configuration(
            s3t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await
        .expect("PutPublicAccessBlock");
    let public = format!("public-{}", account.id);
    bucket(&s3, &public, None).await;
    s3.put_bucket_policy()
        .bucket(&public)
        .policy(
            serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": format!("arn:aws:s3:::{public}/*"),
                }]
            })
            .to_string(),
        )
        .send()
        .await
        .expect("PutBucketPolicy");

    let dir = tempfile::tempdir().unwrap();
    let (plain, operations) = scan(&account, &[], dir.path());
    for op in [
        "GetObjectLockConfiguration",
        "GetPublicAccessBlock",
        "GetBucketPolicyStatus",
        "GetBucketVersioning",
    ] {
        assert!(
            !operations.contains(&format!("S3 {op}")),
            "{op} not asked for"
        );
    }
    for b in &plain.buckets {
        for name in [
            "ObjectLockConfiguration",
            "PublicAccessBlockConfiguration",
            "PolicyStatus",
            "VersioningConfiguration",
        ] {
            assert_eq!(field(b, name), None, "{name} of {}", b.name);
        }
    }

    let asked = [
        Dataset::BucketVersioning,
        Dataset::BucketObjectLock,
        Dataset::BucketPublicAccessBlock,
        Dataset::BucketPolicyStatus,
    ];
    let (inventory, operations) = scan(&account, &asked, dir.path());
    for op in [
        "GetObjectLockConfiguration",
        "GetPublicAccessBlock",
        "GetBucketPolicyStatus",
        "GetBucketVersioning",
    ] {
        assert!(
            operations.contains(&format!("S3 {op}")),
            "{op}: {operations:?}"
        );
    }
    for d in asked {
        coverage_ok(&inventory, d);
    }
    let by_name = |name: &str| inventory.buckets.iter().find(|b| b.name == name).unwrap();

    let lock = field(by_name(&locked), "ObjectLockConfiguration").expect("read");
    assert_eq!(
        member(&lock, "ObjectLockEnabled"),
        Some(Value::str("Enabled"))
    );
    assert_eq!(
        member(&lock, "Rule.DefaultRetention.Mode"),
        Some(Value::str("COMPLIANCE"))
    );
    assert_eq!(
        member(&lock, "Rule.DefaultRetention.Days"),
        Some(Value::Int(30))
    );
    // Not configured: read, and empty.
    assert_eq!(
        field(by_name(&blocked), "ObjectLockConfiguration"),
        Some(Value::record([]))
    );

    let pab = field(by_name(&blocked), "PublicAccessBlockConfiguration").expect("read");
    assert_eq!(member(&pab, "BlockPublicAcls"), Some(Value::Bool(true)));
    assert_eq!(
        member(&pab, "RestrictPublicBuckets"),
        Some(Value::Bool(false))
    );
    let none = field(by_name(&public), "PublicAccessBlockConfiguration").expect("read");
    assert_eq!(member(&none, "BlockPublicPolicy"), Some(Value::Bool(false)));

    assert_eq!(
        field(by_name(&public), "PolicyStatus").and_then(|p| member(&p, "IsPublic")),
        Some(Value::Bool(true))
    );
    assert_eq!(
        field(by_name(&blocked), "PolicyStatus").and_then(|p| member(&p, "IsPublic")),
        Some(Value::Bool(false)),
        "no policy"
    );
    assert_eq!(
        by_name(&blocked).policy_is_public,
        Some(conform::inventory::Read::Value(None)),
        "no policy is kept apart from a policy that is not public"
    );
}

/// An S3 Control client on the emulator: its URL as given (S3 Control
/// would put the account id before the host, which an IP cannot take).
async fn s3control(account: &TestAccount) -> aws_sdk_s3control::Client {
    #[derive(Debug)]
    struct Verbatim(String);
    impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Verbatim {
        fn resolve_endpoint<'a>(
            &'a self,
            _: &'a aws_sdk_s3control::config::endpoint::Params,
        ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
            aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
                aws_sdk_s3control::config::endpoint::Endpoint::builder()
                    .url(self.0.clone())
                    .build(),
            ))
        }
    }
    let config = account.config(REGION).await;
    aws_sdk_s3control::Client::from_conf(
        aws_sdk_s3control::config::Builder::from(&config)
            .endpoint_resolver(Verbatim(account.emulator.endpoint.clone()))
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn account_public_access_block_with_and_without_settings() {
    use conform::inventory::AccountPublicAccessBlock;
    let dir = tempfile::tempdir().unwrap();
    // An account without settings: one resource, every setting off.
    let bare = account().await;
    let (inventory, operations) = scan(&bare, &[Dataset::AccountPublicAccessBlocks], dir.path());
    assert!(operations.contains(&"S3 Control GetPublicAccessBlock".to_string()));
    coverage_ok(&inventory, Dataset::AccountPublicAccessBlocks);
    let [only] = inventory.account_public_access_blocks.as_slice() else {
        panic!("{:#?}", inventory.account_public_access_blocks)
    };
    assert_eq!(only.settings, None);
    assert_eq!(
        only.arn,
        format!("arn:aws:s3::{}:account-public-access-block", bare.id)
    );
    let settings = field(only, "PublicAccessBlockConfiguration").unwrap();
    assert_eq!(
        member(&settings, "BlockPublicPolicy"),
        Some(Value::Bool(false))
    );

    let blocked = account().await;
    s3control(&blocked)
        .await
        .put_public_access_block()
        .account_id(&blocked.id)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("PutPublicAccessBlock (S3 Control)");
    let (inventory, _) = scan(&blocked, &[Dataset::AccountPublicAccessBlocks], dir.path());
    let found: Vec<&AccountPublicAccessBlock> =
        inventory.account_public_access_blocks.iter().collect();
    assert_eq!(found.len(), 1);
    let settings = field(found[0], "PublicAccessBlockConfiguration").unwrap();
    for name in [
        "BlockPublicAcls",
        "IgnorePublicAcls",
        "BlockPublicPolicy",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(member(&settings, name), Some(Value::Bool(true)), "{name}");
    }
    assert_eq!(field(found[0], "AccountId"), Some(Value::str(&blocked.id)));

    // Not asked for: no call, no resource.
    let (plain, operations) = scan(&blocked, &[], dir.path());
    assert!(!operations.iter().any(|o| o.starts_with("S3 Control")));
    assert!(plain.account_public_access_blocks.is_empty());
}
