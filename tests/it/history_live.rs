//! Waivers, baselines and `conform diff` across two scans of an emulated
//! estate: a resource is fixed (and another deleted, one more broken)
//! between the scans; the second scan names the waiver of the fixed
//! resource as stale with its file and line, marks new and existing
//! failures against the first report, and `conform diff` shows exactly the
//! change.

use crate::common;

use common::*;
use conform::exit;
use serde_json::Value;

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn fixing_a_resource_shows_in_diff_baseline_and_stale_waivers() {
    let account = account().await;
    let config = account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);
    for (name, days) in [
        ("/live/short", 7),
        ("/live/accepted", 7),
        ("/live/long", 90),
    ] {
        estate::log_group(&logs, &account, name, Some(days)).await;
    }
    let volume = estate::volume(&ec2, false).await;

    let short = account.arn("logs", "log-group:/live/short");
    let accepted = account.arn("logs", "log-group:/live/accepted");
    let new_group = account.arn("logs", "log-group:/live/new");
    let volume_arn = account.arn("ec2", &format!("volume/{volume}"));

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, pack_of(&["LOG-001", "ENC-001"])).unwrap();
    let waivers = dir.path().join("waivers.toml");
    std::fs::write(
        &waivers,
        format!(
            "[[waiver]]\nrule = \"LOG-001\"\nresource = \"{short}\"\nreason = \"short-lived debug logs\"\nowner = \"api-team\"\nexpires = 2099-01-01\n\n\
             [[waiver]]\nrule = \"LOG-001\"\nresource = \"{accepted}\"\nreason = \"audited elsewhere\"\nowner = \"audit-team\"\nexpires = 2099-01-01\nticket = \"SEC-7\"\n"
        ),
    )
    .unwrap();
    let scan = |json: &std::path::Path, more: &[&str]| {
        let format = format!("json={}", json.display());
        let mut args = vec![
            "scan",
            "--rules",
            arg(&rules),
            "--region",
            REGION,
            "--waivers",
            arg(&waivers),
            "--format",
            &format,
        ];
        args.extend_from_slice(more);
        conform(&args, &account)
    };

    let first = dir.path().join("1.json");
    scan(&first, &[]).expect_code(exit::BROKEN);
    let one = read(&first);
    assert_eq!(
        status_of(&one, "LOG-001", &short).as_deref(),
        Some("waived")
    );
    assert_eq!(
        status_of(&one, "LOG-001", &accepted).as_deref(),
        Some("waived")
    );
    assert_eq!(
        status_of(&one, "ENC-001", &volume_arn).as_deref(),
        Some("fail")
    );
    assert!(one["waivers"]["stale"].as_array().unwrap().is_empty());

    // Between the scans: /live/short fixed, the volume deleted, a new log
    // group that breaks the promise.
    logs.put_retention_policy()
        .log_group_name("/live/short")
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    ec2.delete_volume().volume_id(&volume).send().await.unwrap();
    estate::log_group(&logs, &account, "/live/new", Some(1)).await;

    let second = dir.path().join("2.json");
    let run = scan(&second, &["--baseline", arg(&first)]);
    run.expect_code(exit::BROKEN);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let two = read(&second);
    assert_eq!(status_of(&two, "LOG-001", &short).as_deref(), Some("pass"));
    // The fixed resource's waiver is stale, named by file and line.
    let stale = two["waivers"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert_eq!(stale[0]["file"], arg(&waivers));
    assert_eq!(stale[0]["line"], 1);
    assert_eq!(stale[0]["resource"], short.as_str());
    assert_eq!(finding(&two, "LOG-001", &new_group)["baseline"], "new");
    assert_eq!(finding(&two, "LOG-001", &accepted)["baseline"], "existing");
    let fixed: Vec<String> = two["baseline"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule_id"], f["resource"]["arn"]))
        .collect();
    assert_eq!(
        fixed,
        vec![
            format!("\"ENC-001\" \"{volume_arn}\""),
            format!("\"LOG-001\" \"{short}\""),
        ]
    );
    // The same scan with --strict-waivers fails on the stale waiver.
    let strict = scan(&dir.path().join("3.json"), &["--strict-waivers"]);
    strict.expect_code(exit::USAGE);
    assert!(
        strict.stderr.contains(&format!(
            "{}:1: stale waiver: rule LOG-001 resource {short}",
            waivers.display()
        )),
        "{}",
        strict.stderr
    );
    // Gate on new failures only: the new log group (medium) fails it.
    scan(
        &dir.path().join("4.json"),
        &["--baseline", arg(&first), "--fail-on-new-only"],
    )
    .expect_code(exit::BROKEN);

    let diff = conform_offline(&["diff", arg(&first), arg(&second), "--format", "json"]);
    diff.expect_code(exit::BROKEN);
    let d = diff.json();
    let list = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["rule_id"], f["resource"]["arn"]))
            .collect()
    };
    assert_eq!(
        list("new_failures"),
        vec![format!("\"LOG-001\" \"{new_group}\"")]
    );
    assert_eq!(list("fixed"), fixed);
    assert!(list("waivers_ended").is_empty());
    assert!(list("newly_unknown").is_empty());
    assert_eq!(d["still_waived"], 1);
    let text = conform_offline(&["diff", arg(&first), arg(&second)]);
    assert!(text.stdout.contains("Fixed (2):"), "{}", text.stdout);
}
