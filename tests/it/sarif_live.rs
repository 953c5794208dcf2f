//! SARIF from scans of an emulated estate: valid against the schema, and
//! stable across scheduled scans — the same broken promise keeps its
//! fingerprint, and fixing a resource drops exactly its alerts.

use crate::common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

fn scan_sarif(account: &TestAccount, path: &std::path::Path) -> Value {
    let format = format!("sarif={}", path.display());
    let run = conform(&["scan", "--region", REGION, "--format", &format], account);
    run.expect_code(conform::exit::BROKEN);
    let log: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let errors = sarif_schema_errors(&log);
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    log
}

#[tokio::test(flavor = "multi_thread")]
async fn fingerprints_survive_rescans_and_fixes_close_exactly_their_alerts() {
    let account = account().await;
    let config = account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);

    for (name, days) in [("/live/short", 7), ("/live/long", 90)] {
        estate::log_group(&logs, &account, name, Some(days)).await;
    }
    let mut volumes = Vec::new();
    for _ in 0..2 {
        volumes.push(estate::volume(&ec2, false).await);
    }

    let dir = tempfile::tempdir().unwrap();
    let first = sarif_fingerprints(&scan_sarif(&account, &dir.path().join("1.sarif")));
    let again = sarif_fingerprints(&scan_sarif(&account, &dir.path().join("2.sarif")));
    assert_eq!(
        first, again,
        "a rescan of an unchanged estate changed its alerts"
    );

    let short = account.arn("logs", "log-group:/live/short");
    let kept_volume = account.arn("ec2", &format!("volume/{}", volumes[0]));
    let fixed_volume = account.arn("ec2", &format!("volume/{}", volumes[1]));
    let alerts: Vec<&String> = first.values().collect();
    for expected in [
        format!("LOG-001 {short}"),
        format!("ENC-001 {kept_volume}"),
        format!("ENC-001 {fixed_volume}"),
    ] {
        assert!(
            alerts.contains(&&expected),
            "{expected} missing from {alerts:#?}"
        );
    }

    // Fix two resources: longer retention, and the volume removed.
    logs.put_retention_policy()
        .log_group_name("/live/short")
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    ec2.delete_volume()
        .volume_id(&volumes[1])
        .send()
        .await
        .unwrap();

    let after = sarif_fingerprints(&scan_sarif(&account, &dir.path().join("3.sarif")));
    let closed: BTreeSet<&str> = first
        .iter()
        .filter(|(hash, _)| !after.contains_key(*hash))
        .map(|(_, what)| what.as_str())
        .collect();
    let opened: Vec<&String> = after
        .iter()
        .filter(|(hash, _)| !first.contains_key(*hash))
        .map(|(_, what)| what)
        .collect();
    assert!(opened.is_empty(), "fixes opened alerts: {opened:?}");
    let fixed_log = format!("LOG-001 {short}");
    let fixed_vol = format!("ENC-001 {fixed_volume}");
    let expected: BTreeSet<&str> = [fixed_log.as_str(), fixed_vol.as_str()].into();
    assert_eq!(closed, expected);
}
