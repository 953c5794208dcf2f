//! `customer-managed-key` on the emulator: a scan with a rule binding it
//! reads the kinds it judges and the KMS keys, and nothing else, and judges
//! volumes, databases and tables both ways against a customer managed key
//! made in the test's account.
//!
//! moto differs from AWS here (tests/README.md): the `aws/ebs` default key
//! it makes has `KeyManager` `CUSTOMER`, and an RDS instance encrypted
//! without a key names `default_kms_key_id` instead of the `aws/rds` key's
//! ARN. The AWS managed key's failure is covered by the golden fixture
//! tests/checks/customer-managed-key/ instead; here the default-key
//! database is unknown, as conform must judge a key it cannot find.

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types as ddbt;
use serde_json::Value;

use crate::common::*;
use crate::kinds::table;

/// A rules file with one rule binding `customer-managed-key`, with
/// `params` (a TOML inline table's body) when given.
fn pack(params: &str) -> String {
    let params = if params.is_empty() {
        String::new()
    } else {
        format!(", params = {{ {params} }}")
    };
    format!(
        r#"[policy]
file = "{POLICY_FILE}"

[[rule]]
id = "CMK-001"
title = "Data at rest is encrypted with keys we manage"
severity = "high"
area = "encryption-at-rest"
promise = {{ line = 77, text = "Dataenheter på servrar som håller användardata använder fullständig disk, branschstandard AES-kryptering." }}
checks = [{{ name = "customer-managed-key"{params} }}]
"#
    )
}

/// Scans the account with `pack`; returns the JSON report and the saved
/// inventory.
fn scan(account: &TestAccount, pack: &str) -> (Value, Value) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, pack).unwrap();
    let saved = dir.path().join("inventory.json");
    let run = conform(
        &[
            "scan",
            "--rules",
            arg(&rules),
            "--region",
            REGION,
            "--format",
            "json",
            "--save-inventory",
            arg(&saved),
        ],
        account,
    );
    run.expect_code(conform::exit::BROKEN);
    let inventory = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    (run.json(), inventory)
}

/// The datasets a saved inventory has coverage records of.
fn collected(inventory: &Value) -> BTreeSet<String> {
    inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["dataset"].as_str().unwrap().to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

async fn database(rds: &aws_sdk_rds::Client, id: &str, encrypted: bool, key: Option<&str>) {
    rds.create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("conform")
        .master_user_password("conform-test-password")
        .storage_encrypted(encrypted)
        .set_kms_key_id(key.map(str::to_string))
        .send()
        .await
        .expect("CreateDBInstance");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_judges_who_manages_the_keys_of_volumes_databases_and_tables() {
    let account = account().await;
    let config = account.config(REGION).await;
    let kms = aws_sdk_kms::Client::new(&config);
    let cmk = estate::key_arn(kms.create_key().description("conform test data key")).await;
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vol_cmk = estate::volume_with_key(&ec2, true, Some(&cmk)).await;
    let vol_plain = estate::volume_with_key(&ec2, false, None).await;
    let vol_default = estate::volume_with_key(&ec2, true, None).await;
    let rds = aws_sdk_rds::Client::new(&config);
    database(&rds, "db-cmk", true, Some(&cmk)).await;
    database(&rds, "db-plain", false, None).await;
    database(&rds, "db-default-key", true, None).await;
    let ddb = aws_sdk_dynamodb::Client::new(&config);
    table(&ddb, "table-default")
        .send()
        .await
        .expect("CreateTable table-default");
    table(&ddb, "table-cmk")
        .sse_specification(
            ddbt::SseSpecification::builder()
                .enabled(true)
                .sse_type(ddbt::SseType::Kms)
                .kms_master_key_id(&cmk)
                .build(),
        )
        .send()
        .await
        .expect("CreateTable table-cmk");

    // Every kind the check judges, and the keys: nothing else is read.
    let (report, inventory) = scan(&account, &pack(""));
    assert_eq!(report["coverage_errors"], serde_json::json!([]));
    assert_eq!(
        collected(&inventory),
        set(&[
            "buckets",
            "cache-replication-groups",
            "db-cluster-snapshots",
            "db-clusters",
            "db-instances",
            "db-snapshots",
            "dynamodb-tables",
            "efs-file-systems",
            "kms-keys",
            "log-groups",
            "snapshots",
            "trails",
            "volumes",
        ])
    );
    let status = |arn: &str| status_of(&report, "CMK-001", arn);
    let volume_arn = |id: &str| account.arn("ec2", &format!("volume/{id}"));
    let db_arn = |id: &str| account.arn("rds", &format!("db:{id}"));
    let table_arn = |id: &str| account.arn("dynamodb", &format!("table/{id}"));
    for (arn, want) in [
        (volume_arn(&vol_cmk), "pass"),
        (volume_arn(&vol_plain), "fail"),
        (db_arn("db-cmk"), "pass"),
        (db_arn("db-plain"), "fail"),
        (db_arn("db-default-key"), "unknown"),
        (table_arn("table-cmk"), "pass"),
        (table_arn("table-default"), "fail"),
    ] {
        assert_eq!(status(&arn).as_deref(), Some(want), "{arn}");
    }
    let pass = finding(&report, "CMK-001", &db_arn("db-cmk"));
    assert_eq!(
        pass["evidence"],
        serde_json::json!([
            {"field": "KmsKeyId", "value": cmk, "note": "the KMS key that encrypts the database's storage"},
            {"field": "KeyManager", "value": "CUSTOMER", "note": format!("key {cmk}, Description \"conform test data key\": a customer managed key")},
        ])
    );
    let fail = finding(&report, "CMK-001", &volume_arn(&vol_plain));
    assert_eq!(
        fail["evidence"],
        serde_json::json!([{"field": "Encrypted", "value": "false", "note": "not encrypted at rest"}])
    );
    let fail = finding(&report, "CMK-001", &table_arn("table-default"));
    assert_eq!(fail["evidence"][0]["field"], "SSEDescription");
    // moto names no key for RDS's default: conform cannot find it among
    // the keys it listed, so it cannot tell (AWS names aws/rds's ARN).
    let unknown = finding(&report, "CMK-001", &db_arn("db-default-key"));
    assert_eq!(unknown["evidence"][0]["value"], "default_kms_key_id");
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("not among the 2 keys ListKeys returned"),
        "{unknown:#}"
    );
    // moto's aws/ebs default key is listed, with KeyManager CUSTOMER where
    // AWS says AWS (tests/README.md): the volume encrypted with it is
    // judged by that, so its AWS verdict (fail) is the fixture's to show.
    let default_key = inventory["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == vol_default.as_str())
        .unwrap()["kms_key_id"]
        .as_str()
        .unwrap()
        .to_string();
    let key = inventory["kms_keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["arn"] == default_key.as_str())
        .expect("moto lists the aws/ebs key");
    assert_eq!(key["key_manager"], "CUSTOMER", "{key:#}");
    assert!(
        key["description"]
            .as_str()
            .unwrap()
            .contains("protects my EBS volumes"),
        "{key:#}"
    );

    // `kinds` narrows what is judged, and what is read.
    let (report, inventory) = scan(&account, &pack(r#"kinds = ["AWS::RDS::DBInstance"]"#));
    assert_eq!(collected(&inventory), set(&["db-instances", "kms-keys"]));
    let judged: BTreeSet<String> = findings(&report)
        .iter()
        .map(|f| f["resource"]["arn"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        judged,
        [
            db_arn("db-cmk"),
            db_arn("db-plain"),
            db_arn("db-default-key")
        ]
        .into_iter()
        .collect()
    );
}
