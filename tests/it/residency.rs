//! Data residency against the emulator: a rule allowing eu-north-1 finds
//! the log group and bucket of another region although `--region` narrows
//! the scan to eu-north-1 (the scan reads the rule's kinds in every region
//! the account has enabled), while the other rules still judge eu-north-1
//! only; a region left out with `--exclude-region` is unknown, never silent.

use crate::common;

use serde_json::Value;

use common::estate::log_group;
use common::*;

/// A residency rule over log groups and buckets (eu-north-1 only), and
/// LOG-001 (log retention), which judges the scan's regions only.
fn rules(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("rules.toml");
    std::fs::write(
        &path,
        format!(
            r#"[policy]
file = "{POLICY_FILE}"

[[rule]]
id = "RES-001"
title = "Logs and buckets stay in Stockholm"
severity = "high"
area = "residency"
promise = {{ line = 5, text = "De fysiska servrarna finns i AWS:s EC2-datacenter." }}
checks = [{{ name = "data-residency", params = {{ regions = ["eu-north-1"], kinds = ["AWS::Logs::LogGroup", "AWS::S3::Bucket"] }} }}]

[[rule]]
id = "LOG-001"
title = "Log groups keep events at least 30 days"
severity = "medium"
area = "logging"
promise = {{ line = 117, text = "Applikationsloggar för Kliv samlas in centralt i Amazon CloudWatch i minst 30 dagar för övervakning och analys." }}
checks = [{{ name = "log-retention", params = {{ min_days = 30 }} }}]
"#
        ),
    )
    .unwrap();
    path
}

fn statuses(report: &Value, rule: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = findings(report)
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| {
            (
                f["status"].as_str().unwrap().to_string(),
                f["resource"]["arn"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_narrowed_scan_still_finds_resources_outside_the_allowed_regions() {
    let account = account().await;
    let here = aws_sdk_cloudwatchlogs::Client::new(&account.config(REGION).await);
    let there = aws_sdk_cloudwatchlogs::Client::new(&account.config("us-east-1").await);
    let home = log_group(&here, &account, "/kliv/app", Some(7)).await;
    log_group(&there, &account, "/kliv/forgotten", Some(7)).await;
    let away = format!(
        "arn:aws:logs:us-east-1:{}:log-group:/kliv/forgotten",
        account.id
    );
    // A bucket whose own region is us-west-2.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&account.config("us-west-2").await)
            .force_path_style(true)
            .build(),
    );
    let bucket = format!("conform-residency-{}", account.id);
    s3.create_bucket()
        .bucket(&bucket)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::UsWest2)
                .build(),
        )
        .send()
        .await
        .expect("CreateBucket");
    let bucket_arn = format!("arn:aws:s3:::{bucket}");

    let dir = tempfile::tempdir().unwrap();
    let rules = rules(dir.path());
    let saved = dir.path().join("inventory.json");
    let stats = dir.path().join("stats.json");
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
            "--stats-file",
            arg(&stats),
        ],
        &account,
    );
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    let res = statuses(&report, "RES-001");
    for (status, arn) in [("pass", &home), ("fail", &away), ("fail", &bucket_arn)] {
        assert!(
            res.contains(&(status.to_string(), arn.clone())),
            "RES-001 {status} {arn}: {res:#?}"
        );
    }
    assert!(
        res.iter().all(|(s, _)| s != "unknown"),
        "every enabled region was read: {res:#?}"
    );
    let fail = finding(&report, "RES-001", &away);
    assert_eq!(fail["evidence"][0]["field"], "Region");
    assert_eq!(fail["evidence"][0]["value"], "us-east-1");
    let fail = finding(&report, "RES-001", &bucket_arn);
    assert_eq!(fail["evidence"][0]["field"], "BucketRegion");
    assert_eq!(fail["evidence"][0]["value"], "us-west-2");
    // LOG-001 judges the region asked for only: the us-east-1 log group,
    // read for residency, is not among its verdicts.
    assert_eq!(
        statuses(&report, "LOG-001"),
        vec![("fail".to_string(), home.clone())]
    );
    // The inventory lists the enabled regions, and the scan's own region.
    let inventory: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let enabled = inventory["enabled_regions"][0]["regions"]
        .as_array()
        .unwrap();
    assert!(enabled.iter().any(|r| r == "us-east-1"), "{enabled:?}");
    assert_eq!(
        inventory["scope"][0]["regions"],
        serde_json::json!([REGION])
    );

    // Re-evaluated offline, the saved inventory gives the same verdicts.
    let offline = conform_offline(&[
        "scan",
        "--rules",
        arg(&rules),
        "--inventory",
        arg(&saved),
        "--format",
        "json",
    ]);
    offline.expect_code(conform::exit::BROKEN);
    assert_eq!(statuses(&offline.json(), "RES-001"), res);

    // A region left out with --exclude-region is not read: residency there
    // is unknown, with the reason, and the rest is judged as before.
    let run = conform(
        &[
            "scan",
            "--rules",
            arg(&rules),
            "--region",
            REGION,
            "--exclude-region",
            "us-east-1",
            "--format",
            "json",
        ],
        &account,
    );
    run.expect_code(conform::exit::BROKEN);
    let report = run.json();
    let res = statuses(&report, "RES-001");
    let region = format!("arn:aws:ec2:us-east-1:{}:region", account.id);
    assert!(
        res.contains(&("unknown".to_string(), region.clone())),
        "{res:#?}"
    );
    assert!(!res.iter().any(|(_, arn)| arn == &away), "{res:#?}");
    assert!(
        res.contains(&("fail".to_string(), bucket_arn.clone())),
        "{res:#?}"
    );
    assert_eq!(
        finding(&report, "RES-001", &region)["message"],
        "region us-east-1 was not scanned; residency there is unknown"
    );
}

/// `conform explain` of the check (with its example parameters) and of the
/// golden fixture's rules, pinned in tests/snapshots/explain-data-residency.txt:
/// the text says how each kind is placed and that residency is not a scope.
#[test]
fn explain_of_data_residency_matches_its_snapshot() {
    let rules = "tests/checks/data-residency/rules.toml";
    let mut all = String::new();
    for args in [
        vec!["explain", "data-residency"],
        vec!["explain", "--rules", rules, "RES-EU"],
        vec!["explain", "--rules", rules, "RES-LOGS"],
    ] {
        let run = conform_offline(&args);
        run.expect_code(0);
        all.push_str(&format!(
            "==================== conform {}\n",
            args.join(" ")
        ));
        all.push_str(&run.stdout);
    }
    for needle in [
        "Residency is not a scope",
        "may not scope or exclude by region",
        "for an S3 bucket, the bucket's own region",
        "for a CloudTrail trail, its home region",
        "the kinds AWS::Logs::LogGroup and AWS::S3::Bucket",
    ] {
        assert!(all.contains(needle), "{needle}:\n{all}");
    }
    assert!(
        !crate::snapshots::differs("explain-data-residency.txt", &all),
        "conform explain of data-residency differs from tests/snapshots/explain-data-residency.txt \
         (review the change, then CONFORM_BLESS=1 scripts/test --test it residency::)"
    );
}
