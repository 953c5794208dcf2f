//! Scanning many accounts: `--accounts` with `--role-name`, `--shard K/N`,
//! `conform merge`, and SARIF with one run per account.
//!
//! moto (started by scripts/test) lets any caller assume any role name in
//! any account id, and the credentials it gives act in that account: the
//! caller here is a test account of its own, and the scanned accounts are
//! others, each with a broken resource of its own. moto cannot refuse
//! `AssumeRole` for one account only, so the path of an account that
//! cannot be scanned is covered by a unit test of the orchestration
//! (src/collect/mod.rs); see tests/README.md.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use common::estate::log_group;
use common::*;

/// Three accounts, each with a log group kept 7 days (LOG-001 fails on
/// it), and a caller account of its own; returns the caller, the accounts
/// and the log groups' ARNs by account.
async fn estate() -> (TestAccount, Vec<TestAccount>, Vec<String>) {
    let caller = account().await;
    let mut accounts = Vec::new();
    let mut arns = Vec::new();
    for i in 0..3 {
        let target = account().await;
        let logs = aws_sdk_cloudwatchlogs::Client::new(&target.config(REGION).await);
        arns.push(log_group(&logs, &target, &format!("/conform/short-{i}"), Some(7)).await);
        accounts.push(target);
    }
    (caller, accounts, arns)
}

fn ids(accounts: &[TestAccount]) -> String {
    accounts
        .iter()
        .map(|a| a.id.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Scans `accounts` from `caller` with LOG-001 only; more args appended.
fn scan(caller: &TestAccount, dir: &Path, accounts: &str, more: &[&str]) -> Run {
    let rules = dir.join("log.toml");
    std::fs::write(&rules, pack_of(&["LOG-001"])).unwrap();
    let mut args = vec![
        "scan",
        "--rules",
        arg(&rules),
        "--region",
        REGION,
        "--accounts",
        accounts,
        "--role-name",
        "conform-scan",
    ];
    args.extend_from_slice(more);
    conform(&args, caller)
}

fn scope_accounts(report: &Value) -> BTreeSet<String> {
    report["scope"]
        .as_array()
        .expect("scope")
        .iter()
        .map(|s| s["account"].as_str().expect("account").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_account_is_scanned_through_its_role_with_its_own_findings() {
    let (caller, accounts, arns) = estate().await;
    let dir = tempfile::tempdir().unwrap();
    let run = scan(&caller, dir.path(), &ids(&accounts), &["--format", "json"]);
    run.expect_code(1);
    let report = run.json();
    let expected: BTreeSet<String> = accounts.iter().map(|a| a.id.clone()).collect();
    assert_eq!(scope_accounts(&report), expected);
    for (target, arn) in accounts.iter().zip(&arns) {
        let f = finding(&report, "LOG-001", arn);
        assert_eq!(f["status"], "fail", "{f:#}");
        assert_eq!(f["resource"]["account"], target.id.as_str(), "{f:#}");
    }
    // Nothing of the caller's account (not asked for) is reported.
    assert!(
        findings(&report)
            .iter()
            .all(|f| f["resource"]["account"] != caller.id.as_str())
    );

    // The text report has a line per account.
    let text = scan(&caller, dir.path(), &ids(&accounts), &[]);
    text.expect_code(1);
    for target in &accounts {
        assert!(
            text.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&target.id) && l.contains("1 failed")),
            "{}",
            text.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_callers_own_account_needs_no_role_and_others_do() {
    let caller = account().await;
    let other = account().await;
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("log.toml");
    std::fs::write(&rules, pack_of(&["LOG-001"])).unwrap();
    let base = ["scan", "--rules", arg(&rules), "--region", REGION];

    let mut own = base.to_vec();
    own.extend(["--accounts", &caller.id, "--format", "json"]);
    let run = conform(&own, &caller);
    run.expect_code(0);
    assert_eq!(
        scope_accounts(&run.json()),
        BTreeSet::from([caller.id.clone()])
    );

    let both = format!("{},{}", caller.id, other.id);
    let mut without_role = base.to_vec();
    without_role.extend(["--accounts", &both]);
    let run = conform(&without_role, &caller);
    run.expect_code(2);
    assert!(run.stderr.contains("--role-name"), "{}", run.stderr);
    assert!(run.stderr.contains(&other.id), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_merged_equal_one_scan_and_sarif_has_a_run_per_account() {
    let (caller, accounts, _) = estate().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = ids(&accounts);
    let full = d.join("full.json");
    let one = d.join("shard-1.json");
    let two = d.join("shard-2.json");
    for (file, shard) in [(&full, None), (&one, Some("1/2")), (&two, Some("2/2"))] {
        let spec = format!("json={}", arg(file));
        let mut more = vec!["--format", spec.as_str()];
        if let Some(shard) = shard {
            more.extend(["--shard", shard]);
        }
        scan(&caller, d, &list, &more).expect_code(1);
    }
    let read =
        |p: &Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let (full_report, one_report, two_report) = (read(&full), read(&one), read(&two));

    // The shards split the sorted ids by position: 1st and 3rd, then 2nd.
    let mut sorted: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    sorted.sort();
    assert_eq!(
        scope_accounts(&one_report),
        BTreeSet::from([sorted[0].clone(), sorted[2].clone()])
    );
    assert_eq!(
        scope_accounts(&two_report),
        BTreeSet::from([sorted[1].clone()])
    );

    let merged = d.join("merged.json");
    let sarif = d.join("merged.sarif");
    let json_spec = format!("json={}", arg(&merged));
    let sarif_spec = format!("sarif={}", arg(&sarif));
    let rules = d.join("log.toml");
    let run = conform_offline(&[
        "merge",
        arg(&one),
        arg(&two),
        "--rules",
        arg(&rules),
        "--format",
        &json_spec,
        "--format",
        &sarif_spec,
    ]);
    run.expect_code(1);
    let merged_report = read(&merged);
    assert_eq!(merged_report["findings"], full_report["findings"]);
    assert_eq!(merged_report["summary"], full_report["summary"]);
    assert_eq!(merged_report["scope"], full_report["scope"]);
    assert_eq!(merged_report["rules"], full_report["rules"]);

    let log = read(&sarif);
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3, "one run per account");
    for (run, account) in runs.iter().zip(&sorted) {
        let id = run["automationDetails"]["id"].as_str().unwrap();
        assert!(
            id.starts_with(&format!("conform/{account}/{REGION}/")),
            "{id}"
        );
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{run:#}");
        assert_eq!(results[0]["properties"]["account"], account.as_str());
        // The rules' help comes from the pack.
        assert!(
            run["tool"]["driver"]["rules"][0]["help"]["markdown"]
                .as_str()
                .is_some_and(|h| !h.is_empty())
        );
    }
}

#[test]
fn bad_account_flags_are_usage_errors() {
    for args in [
        &["scan", "--accounts", "111122223333", "--shard", "0/2"][..],
        &["scan", "--accounts", "111122223333", "--shard", "3/2"],
        &["scan", "--accounts", "111122223333", "--shard", "1/0"],
        &["scan", "--accounts", "111122223333", "--shard", "x"],
        &["scan", "--accounts", "111122223333", "--shard", "1/2/3"],
        &["scan", "--shard", "1/2"],
        &["scan", "--role-name", "conform-scan"],
        &["scan", "--accounts", "12345", "--role-name", "r"],
        &["scan", "--accounts", "11112222333x", "--role-name", "r"],
        &[
            "scan",
            "--accounts",
            "111122223333",
            "--role-name",
            "arn:aws:iam::1:role/r",
        ],
    ] {
        let run = conform_offline(args);
        run.expect_code(2);
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
}

/// A JSON report of the example estate (two accounts), written to `dir`.
fn estate_report(dir: &Path, name: &str) -> std::path::PathBuf {
    let file = dir.join(name);
    let spec = format!("json={}", arg(&file));
    conform_offline(&[
        "scan",
        "--inventory",
        "examples/estate.json",
        "--format",
        &spec,
    ])
    .expect_code(1);
    file
}

#[test]
fn merging_overlapping_reports_names_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = estate_report(dir.path(), "a.json");
    let b = estate_report(dir.path(), "b.json");
    let run = conform_offline(&["merge", arg(&a), arg(&b)]);
    run.expect_code(2);
    assert!(run.stderr.contains("a.json"), "{}", run.stderr);
    assert!(run.stderr.contains("b.json"), "{}", run.stderr);
    assert!(run.stderr.contains("111122223333"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn merging_reports_of_different_rules_or_not_reports_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = estate_report(dir.path(), "a.json");
    // The same report with one rule less, and another account.
    let mut other: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    other["rules"].as_array_mut().unwrap().pop();
    other["scope"] = serde_json::json!([]);
    let b = dir.path().join("b.json");
    std::fs::write(&b, serde_json::to_string(&other).unwrap()).unwrap();
    let run = conform_offline(&["merge", arg(&a), arg(&b)]);
    run.expect_code(2);
    assert!(run.stderr.contains("different rules"), "{}", run.stderr);
    assert!(
        run.stderr.contains("a.json") && run.stderr.contains("b.json"),
        "{}",
        run.stderr
    );

    let run = conform_offline(&["merge", "examples/estate.json"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("not a conform JSON report"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_report_merged_is_the_same_report_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let a = estate_report(dir.path(), "a.json");
    let run = conform_offline(&["merge", arg(&a), "--format", "json"]);
    run.expect_code(1);
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    assert_eq!(run.json(), original);

    // The same exit rules as a scan.
    conform_offline(&["merge", arg(&a), "--fail-on", "none"]).expect_code(3);

    // Markdown: a table of accounts, since there are two.
    let run = conform_offline(&["merge", arg(&a), "--format", "markdown"]);
    assert!(
        run.stdout
            .contains("| Account | Regions | Failed | Unknown | Passed |"),
        "{}",
        run.stdout
    );
}

/// `--shard auto` takes K/N from the batch engine's environment: an AWS
/// Batch array job's child 1 of 2 scans what `--shard 2/2` scans, and a
/// Kubernetes indexed Job's pod 0 of 2 what `--shard 1/2` scans. Without
/// an engine, or with a malformed one, it is a usage error before any
/// AWS call.
#[tokio::test(flavor = "multi_thread")]
async fn shard_auto_reads_the_batch_engines_index() {
    let (caller, accounts, _) = estate().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = ids(&accounts);
    let mut sorted: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    sorted.sort();
    let rules = d.join("log.toml");
    std::fs::write(&rules, pack_of(&["LOG-001"])).unwrap();
    type Engine<'a> = (&'a [(&'a str, &'a str)], BTreeSet<String>, &'a str);
    let engines: [Engine; 2] = [
        (
            &[
                ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
            ],
            BTreeSet::from([sorted[1].clone()]),
            "shard-2-of-2.json",
        ),
        (
            &[("JOB_COMPLETION_INDEX", "0"), ("CONFORM_SHARD_COUNT", "2")],
            BTreeSet::from([sorted[0].clone(), sorted[2].clone()]),
            "shard-1-of-2.json",
        ),
    ];
    // Every task runs the same command; `{shard}` names each one's file.
    let file = format!("json={}/shard-{{shard}}.json", d.display());
    for (vars, expected, name) in engines {
        let mut env = caller.env();
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let run = run_conform(
            &[
                "scan",
                "--rules",
                arg(&rules),
                "--region",
                REGION,
                "--accounts",
                &list,
                "--role-name",
                "conform-scan",
                "--shard",
                "auto",
                "--format",
                "json",
                "--format",
                &file,
            ],
            &env,
        );
        run.expect_code(1);
        assert_eq!(scope_accounts(&run.json()), expected, "{vars:?}");
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(name)).unwrap()).unwrap();
        assert_eq!(scope_accounts(&written), expected, "{name}");
    }
    for vars in [
        &[][..],
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
        ],
        &[("JOB_COMPLETION_INDEX", "0")],
    ] {
        let mut env = vec![
            ("AWS_ENDPOINT_URL".to_string(), CLOSED_ENDPOINT.to_string()),
            ("AWS_REGION".to_string(), REGION.to_string()),
        ];
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let run = run_conform(
            &[
                "scan",
                "--accounts",
                &list,
                "--role-name",
                "r",
                "--shard",
                "auto",
            ],
            &env,
        );
        run.expect_code(2);
        assert!(run.stderr.contains("--shard auto"), "{}", run.stderr);
    }
}
