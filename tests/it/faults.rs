//! conform under AWS faults: scans of an emulated account through a
//! fault-injecting proxy (tests/tools/fault_proxy.py, driven by
//! tests/it/common/faults.rs) that throttles, denies, fails, delays, cuts and
//! garbles chosen AWS operations.
//!
//! What must hold (tests/README.md, "Faults"):
//! - transient faults are retried and change nothing: the findings equal a
//!   fault-free scan's;
//! - persistent faults make exactly the verdicts that need the unread data
//!   unknown, with AWS's error code as evidence, in every format; nothing
//!   else changes, nothing unread passes, and the scan ends incomplete
//!   (exit 3);
//! - no scan hangs: attempts time out, `--timeout` bounds a whole scan,
//!   and Ctrl-C ends one at once, leaving no output behind.
//!
//! Every test scans an account of its own, through a proxy of its own.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use aws_sdk_ec2::types as ec2t;
use aws_sdk_s3::types as s3t;
use serde_json::{Value, json};

use common::faults::{FaultProxy, spawn_conform};
use common::*;

// ------------------------------------------------------------ the estate

/// A small estate every rule of the built-in pack keeps, except for what
/// every new moto account breaks (its default network ACL allows all, EBS
/// encryption by default is off): two AES256 buckets, a log group kept 90
/// days, and a security group open on tcp/443 to the internet, attached to
/// nothing.
struct Estate {
    account: TestAccount,
    /// The bucket whose encryption the proxy hides in some tests.
    bucket_a: String,
    bucket_a_arn: String,
    bucket_b_arn: String,
    log_group_arn: String,
    https_group_arn: String,
}

async fn estate() -> Estate {
    let account = account().await;
    let config = account.config(REGION).await;
    let s3 = estate::s3_client(&account).await;
    let bucket_a = format!("conform-faults-a-{}", account.id);
    let bucket_b = format!("conform-faults-b-{}", account.id);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    estate::bucket(&s3, &bucket_a, Some(s3t::ServerSideEncryption::Aes256)).await;
    estate::bucket(&s3, &bucket_b, Some(s3t::ServerSideEncryption::Aes256)).await;
    estate::log_group(&logs, &account, "/kliv/app", Some(90)).await;

    let ec2 = aws_sdk_ec2::Client::new(&config);
    let (vpc, _) = estate::default_vpc(&ec2).await;
    let group = estate::security_group(
        &ec2,
        &vpc,
        "web-https",
        vec![
            estate::tcp(443, 443)
                .ip_ranges(estate::cidr("0.0.0.0/0"))
                .build(),
        ],
    )
    .await;

    Estate {
        bucket_a_arn: format!("arn:aws:s3:::{bucket_a}"),
        bucket_b_arn: format!("arn:aws:s3:::{bucket_b}"),
        bucket_a,
        log_group_arn: account.arn("logs", "log-group:/kliv/app"),
        https_group_arn: account.arn("ec2", &format!("security-group/{group}")),
        account,
    }
}

impl Estate {
    /// The ARN-shaped name of a dataset that could not be read here.
    fn dataset(&self, service: &str, dataset: &str) -> String {
        self.account.arn(service, &format!("{dataset}/*"))
    }

    /// The same, for a global dataset (S3's).
    fn global_dataset(&self, service: &str, dataset: &str) -> String {
        format!("arn:aws:{service}:::{}/{dataset}/*", self.account.id)
    }
}

// --------------------------------------------------------------- scanning

/// One scan through the proxy, with every report format.
struct Scan {
    run: Run,
    /// The JSON report (standard output).
    report: Value,
    text: String,
    sarif: Value,
    markdown: String,
    /// `--stats-file`.
    stats: Value,
}

/// Scans the estate's account through `proxy` with the whole built-in
/// pack, `--fail-on none` unless `extra` says otherwise (so that the exit
/// code says only whether something is unknown) and `extra` arguments.
fn scan(proxy: &FaultProxy, estate: &Estate, extra: &[&str]) -> Scan {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("report.txt");
    let sarif = dir.path().join("report.sarif");
    let markdown = dir.path().join("report.md");
    let stats = dir.path().join("stats.json");
    let text_spec = format!("text={}", arg(&text));
    let sarif_spec = format!("sarif={}", arg(&sarif));
    let markdown_spec = format!("markdown={}", arg(&markdown));
    let mut args = vec!["scan", "--region", REGION];
    if !extra.contains(&"--fail-on") {
        args.extend(["--fail-on", "none"]);
    }
    args.extend([
        "--show-passing",
        "--format",
        "json",
        "--format",
        &text_spec,
        "--format",
        &sarif_spec,
        "--format",
        &markdown_spec,
        "--stats-file",
        arg(&stats),
    ]);
    args.extend_from_slice(extra);
    let run = run_conform(&args, &proxy.env(&estate.account));
    if !matches!(run.code, Some(0 | 1 | 3)) {
        panic!(
            "conform exited {:?}\n--- stderr\n{}\n--- proxy\n{}",
            run.code,
            run.stderr,
            proxy.log()
        );
    }
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    Scan {
        report: run.json(),
        text: read(&text),
        sarif: serde_json::from_str(&read(&sarif)).expect("SARIF is JSON"),
        markdown: read(&markdown),
        stats: serde_json::from_str(&read(&stats)).expect("stats are JSON"),
        run,
    }
}

/// A fault-free scan through the proxy: what the faulty scans are
/// compared with. Nothing is unknown and nothing was retried.
fn baseline(proxy: &FaultProxy, estate: &Estate, extra: &[&str]) -> Scan {
    proxy.set_rules(json!([]));
    let base = scan(proxy, estate, extra);
    base.run.expect_code(conform::exit::OK);
    assert_eq!(with_status(&base.report, "unknown"), BTreeSet::new());
    assert_eq!(base.report["coverage_errors"], json!([]));
    for (rule, arn) in [
        ("ENC-002", &estate.bucket_a_arn),
        ("ENC-002", &estate.bucket_b_arn),
        ("LOG-001", &estate.log_group_arn),
        ("NET-001", &estate.https_group_arn),
        ("NET-002", &estate.https_group_arn),
    ] {
        assert_eq!(
            status_of(&base.report, rule, arn).as_deref(),
            Some("pass"),
            "{rule} {arn} in the baseline"
        );
    }
    // (Errors there are: S3 answers NoSuchTagSet and
    // NoSuchLifecycleConfiguration for buckets without tags or lifecycle.)
    for op in base.stats["operations"].as_array().expect("operations[]") {
        assert_eq!(op["attempts"], op["calls"], "no retry without faults: {op}");
        assert_eq!(op["throttled"], 0, "{op}");
    }
    assert_formats_agree(&base);
    base
}

/// The findings of rules other than `rules`.
fn findings_except(report: &Value, rules: &[&str]) -> Vec<Value> {
    findings(report)
        .iter()
        .filter(|f| !rules.iter().any(|r| f["rule_id"] == *r))
        .cloned()
        .collect()
}

/// The `--stats-file` record of an operation.
fn op_stats<'a>(scan: &'a Scan, service: &str, operation: &str) -> &'a Value {
    scan.stats["operations"]
        .as_array()
        .expect("operations[]")
        .iter()
        .find(|o| o["service"] == service && o["operation"] == operation)
        .unwrap_or_else(|| panic!("no stats for {service} {operation}: {:#}", scan.stats))
}

/// The section of the text report about `rule`: from its heading to the
/// blank line after it.
fn text_section(text: &str, rule: &str) -> String {
    let heading = format!("{rule} ");
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with(&heading))
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(
        !lines.is_empty(),
        "no {rule} section in the text report:\n{text}"
    );
    lines.join("\n")
}

/// (failed, unknown, passed) of a rule in the JSON report.
fn counts(report: &Value, rule: &str) -> (usize, usize, usize) {
    let of = |status: &str| {
        findings(report)
            .iter()
            .filter(|f| f["rule_id"] == rule && f["status"] == status)
            .count()
    };
    (of("fail"), of("unknown"), of("pass"))
}

/// The text, SARIF and Markdown reports say what the JSON report says:
/// the same counts per rule; SARIF results are exactly the failures (a
/// verdict that is not a failure, unknown included, is never a result),
/// every unread dataset and every other unknown is a notification; a
/// valid SARIF log.
fn assert_formats_agree(scan: &Scan) {
    let report = &scan.report;
    let rules: Vec<String> = report["rules"]
        .as_array()
        .expect("rules[]")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    for rule in &rules {
        let (failed, unknown, passed) = counts(report, rule);
        // Text: the rule's tally (failed and unknown only when not zero).
        let section = text_section(&scan.text, rule);
        let mut tally = Vec::new();
        if failed > 0 {
            tally.push(format!("{failed} failed"));
        }
        if unknown > 0 {
            tally.push(format!("{unknown} unknown"));
        }
        tally.push(format!("{passed} passed"));
        if failed + unknown + passed > 0 {
            assert!(
                section.contains(&tally.join(", ")),
                "text tally of {rule} is not {tally:?}:\n{section}"
            );
        }
        let heading = section.lines().next().unwrap_or_default();
        let mark = if failed > 0 {
            "FAIL"
        } else if unknown > 0 {
            "UNKNOWN"
        } else if passed > 0 {
            "PASS"
        } else {
            "N/A"
        };
        assert!(heading.starts_with(&format!("{rule} {mark} ")), "{heading}");
        assert_eq!(
            section.matches("? unknown").count(),
            unknown,
            "unknowns of {rule} in the text report:\n{section}"
        );
        assert_eq!(
            section.matches("✓ pass").count(),
            passed,
            "passes of {rule} in the text report:\n{section}"
        );
        // Markdown: the rule's row.
        let row = scan
            .markdown
            .lines()
            .find(|l| l.starts_with("| ") && l.contains(&format!("**{rule}**")))
            .unwrap_or_else(|| panic!("no {rule} row in the Markdown report"));
        assert!(
            row.ends_with(&format!("| {failed} | {unknown} | {passed} |")),
            "Markdown row of {rule}: {row}"
        );
    }

    // SARIF: results are the failures, and nothing else.
    assert_eq!(
        sarif_schema_errors(&scan.sarif),
        Vec::<String>::new(),
        "the SARIF log is valid"
    );
    let run = &scan.sarif["runs"][0];
    let results: BTreeSet<(String, String)> = run["results"]
        .as_array()
        .expect("results[]")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().expect("ruleId").to_string(),
                r["properties"]["arn"].as_str().expect("arn").to_string(),
            )
        })
        .collect();
    assert_same_pairs("SARIF results", &results, &with_status(report, "fail"));
    let notes: Vec<&Value> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .map(|n| n.iter().collect())
        .unwrap_or_default();
    let coverage_notes: BTreeSet<(String, String)> = notes
        .iter()
        .filter(|n| n["descriptor"]["id"] == "coverage")
        .map(|n| {
            (
                n["properties"]["dataset"].as_str().unwrap().to_string(),
                n["properties"]["errorCode"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let coverage_errors: BTreeSet<(String, String)> = report["coverage_errors"]
        .as_array()
        .expect("coverage_errors[]")
        .iter()
        .map(|c| {
            (
                c["dataset"].as_str().unwrap().to_string(),
                c["error"]["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_same_pairs(
        "SARIF coverage notifications",
        &coverage_notes,
        &coverage_errors,
    );
    let unknown_notes: BTreeSet<(String, String)> = notes
        .iter()
        .filter(|n| n["descriptor"]["id"] == "unknown")
        .map(|n| {
            (
                n["properties"]["ruleId"].as_str().unwrap().to_string(),
                n["properties"]["arn"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Unknowns of unread datasets are told by the coverage notifications.
    let other_unknowns: BTreeSet<(String, String)> = findings(report)
        .iter()
        .filter(|f| f["status"] == "unknown" && f["evidence"][0]["field"] != "coverage")
        .map(key)
        .collect();
    assert_same_pairs(
        "SARIF unknown notifications",
        &unknown_notes,
        &other_unknowns,
    );

    // The verdict lines.
    let summary = &report["summary"];
    let unknown = summary["unknown"].as_u64().unwrap();
    if summary["failed"].as_u64().unwrap() == 0 && unknown > 0 {
        assert!(scan.markdown.contains("⚠️ incomplete"), "{}", scan.markdown);
    }
    assert!(
        scan.text.contains(&format!(" · {unknown} unknown · ")),
        "text summary"
    );
    if unknown > 0 {
        assert!(
            scan.markdown.contains("### Could not evaluate"),
            "{}",
            scan.markdown
        );
    }
}

/// [`assert_only_unknown`] for the common case: the log groups' dataset
/// alone could not be read (with `code`), so LOG-001 is unknown for it and
/// the estate's log group is judged by nobody.
fn assert_log_groups_alone_unknown(estate: &Estate, base: &Scan, scan: &Scan, code: &str) {
    let everything = estate.dataset("logs", "log-groups");
    assert_only_unknown(
        base,
        scan,
        &["LOG-001"],
        &[("LOG-001", &everything)],
        &[&estate.log_group_arn],
        code,
    );
}

/// The scan's coverage error, of which there must be exactly one.
fn the_coverage_error(scan: &Scan) -> &Value {
    let errors = scan.report["coverage_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    &errors[0]
}

/// What every persistent fault must leave: exit 3, exactly `unknown` as
/// the unknown verdicts (each with `code` somewhere in its evidence), no
/// verdict of `rules` on `hidden` resources, and every finding of the
/// other rules as in the baseline.
fn assert_only_unknown(
    base: &Scan,
    scan: &Scan,
    rules: &[&str],
    unknown: &[(&str, &str)],
    hidden: &[&str],
    code: &str,
) {
    scan.run.expect_code(conform::exit::INCOMPLETE);
    let report = &scan.report;
    let expected: BTreeSet<(String, String)> = unknown
        .iter()
        .map(|(r, a)| (r.to_string(), a.to_string()))
        .collect();
    assert_same_pairs(
        "unknown verdicts",
        &with_status(report, "unknown"),
        &expected,
    );
    for (rule, arn) in unknown {
        let f = finding(report, rule, arn);
        assert!(
            f["evidence"].to_string().contains(code),
            "the evidence of {rule} {arn} names {code}: {f:#}"
        );
        assert!(
            f["message"].as_str().unwrap().contains(code),
            "the message of {rule} {arn} names {code}: {f:#}"
        );
    }
    for rule in rules {
        for arn in hidden {
            let status = status_of(report, rule, arn);
            assert!(
                status.is_none() || status.as_deref() == Some("unknown"),
                "{rule} on {arn}, which was not read, is {status:?}"
            );
        }
        // No verdict of the affected rules passes that did not pass
        // before, and nothing that was not read passes.
        for f in findings(report)
            .iter()
            .filter(|f| f["rule_id"] == *rule && f["status"] == "pass")
        {
            let arn = f["resource"]["arn"].as_str().unwrap();
            assert!(!hidden.contains(&arn), "{rule} passes unread {arn}");
            assert_eq!(
                status_of(&base.report, rule, arn).as_deref(),
                Some("pass"),
                "{rule} {arn}"
            );
        }
    }
    assert_eq!(
        findings_except(report, rules),
        findings_except(&base.report, rules),
        "the findings of the rules that do not need the unread data are unchanged"
    );
    let summary = &report["summary"];
    assert_eq!(
        summary["unknown"].as_u64(),
        Some(unknown.len() as u64),
        "{summary}"
    );
    assert_eq!(summary["failed"], base.report["summary"]["failed"]);
    assert_formats_agree(scan);
    // In the text report the code is given, and in the section of every
    // affected rule nothing that was not read passes (a finding is a
    // status line followed by its ARN).
    assert!(scan.text.contains(code), "{}", scan.text);
    for rule in rules {
        let section = text_section(&scan.text, rule);
        let lines: Vec<&str> = section.lines().collect();
        for pair in lines.windows(2) {
            if hidden.contains(&pair[1].trim()) {
                assert!(
                    !pair[0].contains("✓ pass"),
                    "{rule}: {} passes in the text report:\n{section}",
                    pair[1].trim()
                );
            }
        }
    }
    assert!(scan.markdown.contains(code), "{}", scan.markdown);
}

// ------------------------------------------------------------------ tests

/// Transient faults, each once or twice, all in one scan: throttling (EC2
/// `RequestLimitExceeded` twice, CloudTrail `ThrottlingException`, Auto
/// Scaling HTTP 429), a 503 and a 500, a connection reset mid-answer, a
/// body cut short, a connection dropped without an answer. conform retries
/// each, and the findings are exactly the fault-free scan's.
#[tokio::test(flavor = "multi_thread")]
async fn a_scan_retries_transient_faults_and_finds_the_same() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &[]);

    // (service, operation, times, fault, stats service name, throttling?)
    let faults: &[(&str, &str, u64, Value, &str, bool)] = &[
        (
            "ec2",
            "DescribeSecurityGroups",
            2,
            json!({"fault": "throttle"}),
            "EC2",
            true,
        ),
        (
            "cloudtrail",
            "DescribeTrails",
            1,
            json!({"fault": "throttle"}),
            "CloudTrail",
            true,
        ),
        (
            "autoscaling",
            "DescribeAutoScalingGroups",
            1,
            json!({"fault": "http429"}),
            "Auto Scaling",
            true,
        ),
        (
            "logs",
            "DescribeLogGroups",
            1,
            json!({"fault": "error", "status": 503}),
            "CloudWatch Logs",
            false,
        ),
        (
            "s3",
            "GetBucketEncryption",
            1,
            json!({"fault": "error", "status": 500, "bucket": estate.bucket_a}),
            "S3",
            false,
        ),
        (
            "s3",
            "ListBuckets",
            1,
            json!({"fault": "reset"}),
            "S3",
            false,
        ),
        (
            "rds",
            "DescribeDBInstances",
            1,
            json!({"fault": "truncate"}),
            "RDS",
            false,
        ),
        (
            "elasticache",
            "DescribeCacheClusters",
            1,
            json!({"fault": "drop"}),
            "ElastiCache",
            false,
        ),
    ];
    let rules: Vec<Value> = faults
        .iter()
        .map(|(service, operation, times, fault, _, _)| {
            let mut rule = fault.clone();
            rule["service"] = json!(service);
            rule["operation"] = json!(operation);
            rule["times"] = json!(times);
            rule
        })
        .collect();
    proxy.set_rules(Value::Array(rules));
    let started = Instant::now();
    let faulty = scan(&proxy, &estate, &[]);
    let elapsed = started.elapsed();
    eprintln!("transient faults: the scan took {elapsed:?}");

    faulty.run.expect_code(conform::exit::OK);
    assert_eq!(
        findings(&faulty.report),
        findings(&base.report),
        "the findings equal the fault-free scan's"
    );
    assert_eq!(faulty.report["summary"], base.report["summary"]);
    assert_eq!(faulty.report["coverage_errors"], json!([]));
    assert_formats_agree(&faulty);

    let seen = proxy.counts();
    for (service, operation, times, _, stats_service, throttling) in faults {
        // The proxy answered the faults, then forwarded one retry.
        assert_eq!(
            seen.faults(service, operation),
            *times,
            "{service} {operation}: faults\n{:#}",
            seen.0
        );
        assert_eq!(
            seen.forwarded(service, operation),
            // Two buckets: the other bucket's request is forwarded too.
            if *operation == "GetBucketEncryption" {
                2
            } else {
                1
            },
            "{service} {operation}: forwarded"
        );
        // conform counted the retries (and the throttling answers).
        let op = op_stats(&faulty, stats_service, operation);
        let calls = op["calls"].as_u64().unwrap();
        assert_eq!(
            op["attempts"].as_u64().unwrap(),
            calls + times,
            "retries of {operation}: {op}"
        );
        assert_eq!(op["errors"], 0, "{op}");
        assert_eq!(
            op["throttled"].as_u64().unwrap(),
            if *throttling { *times } else { 0 },
            "throttling answers of {operation}: {op}"
        );
    }
}

/// AccessDenied (CloudWatch Logs' `AccessDeniedException`, a JSON
/// protocol) on DescribeLogGroups, always: LOG-001 is unknown for the
/// region's log groups, the log group has no verdict at all, and every
/// other rule's findings are the baseline's.
#[tokio::test(flavor = "multi_thread")]
async fn denied_log_groups_are_unknown_and_nothing_else_changes() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &[]);

    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "fault": "deny"}
    ]));
    let denied = scan(&proxy, &estate, &[]);
    assert_log_groups_alone_unknown(&estate, &base, &denied, "AccessDeniedException");
    let error = the_coverage_error(&denied);
    assert_eq!(error["dataset"], "log-groups");
    assert_eq!(error["region"], REGION);
    assert_eq!(error["error"]["operation"], "DescribeLogGroups");
    assert_eq!(error["error"]["code"], "AccessDeniedException");
    assert!(
        denied
            .text
            .contains(&format!("{} log-groups in {REGION}", estate.account.id)),
        "the text report lists what was not read:\n{}",
        denied.text
    );
    // Access denied is final: not retried.
    let seen = proxy.counts();
    assert_eq!(seen.requests("logs", "DescribeLogGroups"), 1);
    let op = op_stats(&denied, "CloudWatch Logs", "DescribeLogGroups");
    assert_eq!(
        (op["attempts"].as_u64(), op["errors"].as_u64()),
        (Some(1), Some(1))
    );
}

/// HTTP 500 (`InternalError`) on every DescribeSecurityGroups: retried up
/// to --max-attempts, then NET-001 and NET-002 are unknown for the
/// region's security groups; `UnauthorizedOperation` on
/// DescribeNetworkInterfaces, which NET-002 only uses: the group open to
/// the internet is unknown for NET-002 (it cannot tell what the group is
/// attached to), the closed default group still passes.
#[tokio::test(flavor = "multi_thread")]
async fn failing_ec2_operations_are_unknown_and_nothing_else_changes() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &["--max-attempts", "2"]);
    let default_group = findings(&base.report)
        .iter()
        .find(|f| {
            f["rule_id"] == "NET-001" && f["resource"]["arn"] != estate.https_group_arn.as_str()
        })
        .map(|f| f["resource"]["arn"].as_str().unwrap().to_string())
        .expect("the default security group");

    proxy.set_rules(json!([
        {"service": "ec2", "operation": "DescribeSecurityGroups", "fault": "error", "status": 500}
    ]));
    let failed = scan(&proxy, &estate, &["--max-attempts", "2"]);
    let everything = estate.dataset("ec2", "security-groups");
    assert_only_unknown(
        &base,
        &failed,
        &["NET-001", "NET-002"],
        &[("NET-001", &everything), ("NET-002", &everything)],
        &[&estate.https_group_arn, &default_group],
        "InternalError",
    );
    assert_eq!(proxy.counts().faults("ec2", "DescribeSecurityGroups"), 2);
    let op = op_stats(&failed, "EC2", "DescribeSecurityGroups");
    assert_eq!(
        (op["attempts"].as_u64(), op["errors"].as_u64()),
        (Some(2), Some(1))
    );

    proxy.set_rules(json!([
        {"service": "ec2", "operation": "DescribeNetworkInterfaces", "fault": "deny"}
    ]));
    let denied = scan(&proxy, &estate, &["--max-attempts", "2"]);
    assert_only_unknown(
        &base,
        &denied,
        &["NET-002"],
        &[("NET-002", &estate.https_group_arn)],
        &[&estate.https_group_arn],
        "UnauthorizedOperation",
    );
    assert_eq!(
        status_of(&denied.report, "NET-002", &default_group).as_deref(),
        Some("pass"),
        "a group that admits no internet traffic passes whatever it is attached to"
    );
}

/// NET-002 must not fail open (issue 10): a group whose only
/// internet-looking source is a customer prefix list whose entries are
/// denied may admit the internet. With its network interfaces read it is
/// attached to nothing and passes (NET-001 is unknown); with them denied
/// too, "attached to nothing" cannot be concluded and NET-002 is unknown.
#[tokio::test(flavor = "multi_thread")]
async fn a_group_that_may_be_open_is_unknown_when_its_attachments_are_unread() {
    let estate = estate().await;
    let ec2 = aws_sdk_ec2::Client::new(&estate.account.config(REGION).await);
    let (vpc, _) = estate::default_vpc(&ec2).await;
    let partners = estate::prefix_list(&ec2, "partners", &["198.51.100.0/24"]).await;
    let group = estate::security_group(
        &ec2,
        &vpc,
        "from-partners",
        vec![
            estate::tcp(22, 22)
                .prefix_list_ids(
                    ec2t::PrefixListId::builder()
                        .prefix_list_id(partners)
                        .build(),
                )
                .build(),
        ],
    )
    .await;
    let group = estate
        .account
        .arn("ec2", &format!("security-group/{group}"));
    let proxy = FaultProxy::start(&estate.account.emulator);

    proxy.set_rules(json!([
        {"service": "ec2", "operation": "GetManagedPrefixListEntries", "fault": "deny"}
    ]));
    let entries_denied = scan(&proxy, &estate, &[]);
    assert_eq!(
        status_of(&entries_denied.report, "NET-001", &group).as_deref(),
        Some("unknown")
    );
    assert_eq!(
        status_of(&entries_denied.report, "NET-002", &group).as_deref(),
        Some("pass"),
        "its interfaces were read: it is attached to nothing"
    );

    proxy.set_rules(json!([
        {"service": "ec2", "operation": "GetManagedPrefixListEntries", "fault": "deny"},
        {"service": "ec2", "operation": "DescribeNetworkInterfaces", "fault": "deny"}
    ]));
    let both_denied = scan(&proxy, &estate, &[]);
    let finding = findings(&both_denied.report)
        .iter()
        .find(|f| f["rule_id"] == "NET-002" && f["resource"]["arn"] == group.as_str())
        .expect("a NET-002 verdict on the group");
    assert_eq!(finding["status"], "unknown", "{finding:#}");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("may admit internet traffic"), "{message}");
    assert!(message.contains("UnauthorizedOperation"), "{message}");
}

/// AccessDenied on GetBucketEncryption of one bucket only: that bucket's
/// ENC-002 is unknown (not pass, and not "no configuration", which would
/// be a failure); the other bucket passes; the bucket list itself was
/// read, so no dataset is missing.
#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_whose_encryption_is_denied_is_unknown() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &[]);

    proxy.set_rules(json!([
        {"service": "s3", "operation": "GetBucketEncryption", "bucket": estate.bucket_a, "fault": "deny"}
    ]));
    let denied = scan(&proxy, &estate, &[]);
    assert_only_unknown(
        &base,
        &denied,
        &["ENC-002"],
        &[("ENC-002", &estate.bucket_a_arn)],
        &[&estate.bucket_a_arn],
        "AccessDenied",
    );
    let f = finding(&denied.report, "ENC-002", &estate.bucket_a_arn);
    assert!(
        f["evidence"].to_string().contains("unreadable"),
        "read as unreadable, not as no configuration: {f:#}"
    );
    assert_eq!(
        status_of(&denied.report, "ENC-002", &estate.bucket_b_arn).as_deref(),
        Some("pass")
    );
    assert_eq!(denied.report["coverage_errors"], json!([]));
    let seen = proxy.counts();
    assert_eq!(seen.faults("s3", "GetBucketEncryption"), 1);
    assert_eq!(seen.forwarded("s3", "GetBucketEncryption"), 1);
}

/// Throttling that does not stop: once the attempts are spent the dataset
/// is unknown with the throttling code. One attempt: a throttled retry
/// waits for the SDK's client-side rate limiter (up to ~20 s), and
/// retrying throttling is the transient test's business.
#[tokio::test(flavor = "multi_thread")]
async fn persistent_throttling_ends_unknown() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let args = ["--max-attempts", "1"];
    let base = baseline(&proxy, &estate, &args);

    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "fault": "throttle"}
    ]));
    let started = Instant::now();
    let throttled = scan(&proxy, &estate, &args);
    eprintln!(
        "persistent throttling: the scan took {:?}",
        started.elapsed()
    );
    assert_log_groups_alone_unknown(&estate, &base, &throttled, "ThrottlingException");
    let op = op_stats(&throttled, "CloudWatch Logs", "DescribeLogGroups");
    assert_eq!(
        (
            op["attempts"].as_u64(),
            op["throttled"].as_u64(),
            op["errors"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{op}"
    );
    assert_eq!(proxy.counts().faults("logs", "DescribeLogGroups"), 1);
}

/// Answers that do not parse, every time: the datasets are unknown, never
/// read as empty (an unclosed JSON object from CloudWatch Logs, an unclosed
/// XML element from S3's ListBuckets).
#[tokio::test(flavor = "multi_thread")]
async fn malformed_answers_are_unknown() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &[]);

    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "fault": "malformed"},
        {"service": "s3", "operation": "ListBuckets", "fault": "malformed"}
    ]));
    let garbled = scan(&proxy, &estate, &[]);
    garbled.run.expect_code(conform::exit::INCOMPLETE);
    let expected: BTreeSet<(String, String)> = [
        ("LOG-001", estate.dataset("logs", "log-groups")),
        ("ENC-002", estate.global_dataset("s3", "buckets")),
        ("BAK-002", estate.global_dataset("s3", "bucket-details")),
    ]
    .into_iter()
    .map(|(r, a)| (r.to_string(), a))
    .collect();
    assert_same_pairs(
        "unknown verdicts",
        &with_status(&garbled.report, "unknown"),
        &expected,
    );
    for (rule, arn) in [
        ("LOG-001", &estate.log_group_arn),
        ("ENC-002", &estate.bucket_a_arn),
        ("ENC-002", &estate.bucket_b_arn),
    ] {
        assert_eq!(status_of(&garbled.report, rule, arn), None, "{rule} {arn}");
    }
    let datasets: BTreeSet<&str> = garbled.report["coverage_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["dataset"].as_str().unwrap())
        .collect();
    assert_eq!(
        datasets,
        BTreeSet::from(["bucket-details", "buckets", "log-groups"])
    );
    assert_eq!(
        findings_except(&garbled.report, &["LOG-001", "ENC-002", "BAK-002"]),
        findings_except(&base.report, &["LOG-001", "ENC-002", "BAK-002"])
    );
    assert_formats_agree(&garbled);
}

/// A whole 2xx answer that does not parse is final, not retried, even if
/// the next answer would have parsed: it is what the server sent (TCP and
/// TLS keep bytes intact), so asking again only costs back-off
/// (`src/collect/guard.rs`). A body cut on the way is another error class
/// (the SDK's `ResponseError`, raised while reading, before parsing) and is
/// retried: the same scan cuts DescribeVolumes' body once, and the volumes
/// are read as in the baseline.
#[tokio::test(flavor = "multi_thread")]
async fn a_whole_answer_that_does_not_parse_is_not_retried() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    let base = baseline(&proxy, &estate, &[]);
    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "times": 1, "fault": "malformed"},
        {"service": "ec2", "operation": "DescribeVolumes", "times": 1, "fault": "truncate"}
    ]));
    let faulty = scan(&proxy, &estate, &[]);
    assert_log_groups_alone_unknown(&estate, &base, &faulty, "MalformedResponse");
    let error = the_coverage_error(&faulty);
    assert_eq!(error["dataset"], "log-groups");
    assert_eq!(error["error"]["code"], "MalformedResponse");

    let seen = proxy.counts();
    // One request, answered by the fault: no second one.
    assert_eq!(seen.requests("logs", "DescribeLogGroups"), 1);
    assert_eq!(seen.faults("logs", "DescribeLogGroups"), 1);
    let op = op_stats(&faulty, "CloudWatch Logs", "DescribeLogGroups");
    assert_eq!(
        (op["attempts"].as_u64(), op["errors"].as_u64()),
        (Some(1), Some(1)),
        "{op}"
    );
    // The cut body was retried once and then read.
    assert_eq!(seen.requests("ec2", "DescribeVolumes"), 2);
    assert_eq!(seen.faults("ec2", "DescribeVolumes"), 1);
    let op = op_stats(&faulty, "EC2", "DescribeVolumes");
    assert_eq!(
        (op["attempts"].as_u64(), op["errors"].as_u64()),
        (Some(2), Some(0)),
        "{op}"
    );
}

/// A 200 answer with an empty body is not an answer: the log groups must
/// not vanish (here a log group that breaks LOG-001 would go unreported
/// and the scan would say every promise is kept).
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_answer_is_not_an_empty_list() {
    let estate = estate().await;
    let config = estate.account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    estate::log_group(&logs, &estate.account, "/kliv/short", Some(7)).await;
    let short = estate.account.arn("logs", "log-group:/kliv/short");
    let proxy = FaultProxy::start(&estate.account.emulator);

    proxy.set_rules(json!([]));
    let base = scan(&proxy, &estate, &["--fail-on", "low"]);
    base.run.expect_code(conform::exit::BROKEN);
    assert_eq!(
        status_of(&base.report, "LOG-001", &short).as_deref(),
        Some("fail")
    );

    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "fault": "empty"}
    ]));
    let empty = scan(&proxy, &estate, &[]);
    assert_ne!(
        empty.run.code,
        Some(conform::exit::OK),
        "nothing read, all kept?"
    );
    assert_eq!(
        with_status(&empty.report, "unknown"),
        BTreeSet::from([("LOG-001".to_string(), estate.dataset("logs", "log-groups"))])
    );
    assert_eq!(the_coverage_error(&empty)["error"]["code"], "EmptyResponse");
    // A whole answer, empty: final, like one that does not parse.
    assert_eq!(proxy.counts().requests("logs", "DescribeLogGroups"), 1);
}

/// An operation that never answers in time (the answer is held back, or
/// its body stops half-way) times out on every attempt: the scan ends
/// within attempts × --attempt-timeout plus slack, with those datasets
/// unknown (`TimeoutError`) and the rest as in the baseline.
#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_operation_times_out_as_unknown() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    // The baseline with the default timeouts: the emulator's first answer
    // of a service can take seconds (it loads the service then).
    let base = baseline(&proxy, &estate, &[]);
    let args = ["--attempt-timeout", "3", "--max-attempts", "2"];

    proxy.set_rules(json!([
        {"service": "logs", "operation": "DescribeLogGroups", "fault": "delay", "seconds": 60},
        {"service": "s3", "operation": "ListBuckets", "fault": "stall", "seconds": 60}
    ]));
    let hung = scan(&proxy, &estate, &args);
    // 2 attempts of 3 s, a back-off of at most a second, and the scan.
    let bound = Duration::from_secs(2 * 3 + 8);
    eprintln!("hanging operations: the scan took {:?}", hung.run.elapsed);
    assert!(
        hung.run.elapsed < bound,
        "the scan took {:?} (bound {bound:?})",
        hung.run.elapsed
    );
    assert!(
        hung.run.elapsed >= Duration::from_secs(2 * 3),
        "both attempts were waited for"
    );
    let rules = ["LOG-001", "ENC-002", "BAK-002"];
    let unknown = [
        ("LOG-001", estate.dataset("logs", "log-groups")),
        ("ENC-002", estate.global_dataset("s3", "buckets")),
        ("BAK-002", estate.global_dataset("s3", "bucket-details")),
    ];
    let unknown: Vec<(&str, &str)> = unknown.iter().map(|(r, a)| (*r, a.as_str())).collect();
    assert_only_unknown(
        &base,
        &hung,
        &rules,
        &unknown,
        &[
            &estate.log_group_arn,
            &estate.bucket_a_arn,
            &estate.bucket_b_arn,
        ],
        "TimeoutError",
    );
    let seen = proxy.counts();
    assert_eq!(seen.requests("logs", "DescribeLogGroups"), 2);
    assert_eq!(seen.requests("s3", "ListBuckets"), 2);
}

/// --timeout bounds a scan whose every AWS call hangs (from the identity
/// call on, and from the first dataset on): exit 4 soon after it, a
/// message naming the timeout, and no output file.
#[tokio::test(flavor = "multi_thread")]
async fn the_scan_timeout_bounds_a_scan_that_hangs() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    for (what, rules) in [
        ("every call", json!([{"fault": "delay", "seconds": 60}])),
        (
            "every call after the identity",
            json!([{"service": "sts", "fault": "pass"}, {"fault": "delay", "seconds": 60}]),
        ),
    ] {
        proxy.set_rules(rules);
        let dir = tempfile::tempdir().unwrap();
        let json_spec = format!("json={}", arg(&dir.path().join("report.json")));
        let inventory = dir.path().join("inventory.json");
        let stats = dir.path().join("stats.json");
        let run = run_conform_within(
            &[
                "scan",
                "--region",
                REGION,
                "--timeout",
                "3",
                "--format",
                &json_spec,
                "--save-inventory",
                arg(&inventory),
                "--stats-file",
                arg(&stats),
            ],
            &proxy.env(&estate.account),
            Duration::from_secs(30),
        );
        eprintln!("--timeout 3, {what} hangs: conform took {:?}", run.elapsed);
        run.expect_code(conform::exit::SCAN_ERROR);
        assert!(
            run.elapsed >= Duration::from_millis(2900) && run.elapsed < Duration::from_secs(10),
            "{what}: {:?}",
            run.elapsed
        );
        assert!(
            run.stderr.contains("did not finish within 3 s (--timeout)"),
            "{what}: {}",
            run.stderr
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{what}: files left behind: {left:?}");
        assert!(
            !proxy.counts().seen().is_empty(),
            "{what}: conform reached the proxy"
        );
    }
}

/// When the identity call (STS GetCallerIdentity) fails for good, the scan
/// cannot run: exit 4 with AWS's error code, no output file, and no other
/// AWS call.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_identity_call_stops_the_scan() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    for (rule, code, attempts) in [
        (
            json!({"service": "sts", "fault": "deny"}),
            "AccessDenied",
            1,
        ),
        (
            json!({"service": "sts", "fault": "error", "status": 503}),
            "ServiceUnavailable",
            2,
        ),
    ] {
        proxy.set_rules(json!([rule]));
        let dir = tempfile::tempdir().unwrap();
        let json_spec = format!("json={}", arg(&dir.path().join("report.json")));
        let inventory = dir.path().join("inventory.json");
        let run = run_conform_within(
            &[
                "scan",
                "--region",
                REGION,
                "--max-attempts",
                "2",
                "--format",
                &json_spec,
                "--save-inventory",
                arg(&inventory),
            ],
            &proxy.env(&estate.account),
            Duration::from_secs(60),
        );
        run.expect_code(conform::exit::SCAN_ERROR);
        assert!(
            run.stderr.contains("GetCallerIdentity") && run.stderr.contains(code),
            "{}",
            run.stderr
        );
        let seen = proxy.counts();
        assert_eq!(
            seen.requests("sts", "GetCallerIdentity"),
            attempts,
            "{code}"
        );
        assert_eq!(
            seen.seen(),
            vec!["sts GetCallerIdentity"; attempts as usize],
            "no call after a failed identity"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{code}: files left behind: {left:?}");
    }
}

/// Ctrl-C during a scan whose calls hang: exit 130 at once, and neither the
/// report nor the inventory (nor a temporary file) is left behind.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_ends_a_scan_at_once_and_writes_nothing() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    proxy.set_rules(json!([
        {"service": "sts", "fault": "pass"},
        {"fault": "delay", "seconds": 60}
    ]));
    let dir = tempfile::tempdir().unwrap();
    let json_spec = format!("json={}", arg(&dir.path().join("report.json")));
    let inventory = dir.path().join("inventory.json");
    let stats = dir.path().join("stats.json");
    let running = spawn_conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            &json_spec,
            "--save-inventory",
            arg(&inventory),
            "--stats-file",
            arg(&stats),
        ],
        &proxy.env(&estate.account),
    );
    // Wait (at most 20 s) until the scan is collecting: a dataset call is
    // held by the proxy; then about a second in all.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = proxy.counts().seen();
        if seen.iter().any(|s| !s.starts_with("sts ")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "conform made no dataset call: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let since_start = running.started().elapsed();
    if since_start < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_secs(1) - since_start);
    }
    let interrupted = Instant::now();
    running.signal("INT");
    let run = running.wait_within(Duration::from_secs(20));
    let after_signal = interrupted.elapsed();
    eprintln!("Ctrl-C: conform ended {after_signal:?} after SIGINT");
    run.expect_code(conform::exit::INTERRUPTED);
    assert!(
        after_signal < Duration::from_secs(3),
        "conform took {after_signal:?} to stop"
    );
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// The proxy identifies operations as conform sends them: every request of
/// a fault-free scan has a known service, region and operation, and a
/// fault on one operation hits only that operation.
#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_identifies_every_request() {
    let estate = estate().await;
    let proxy = FaultProxy::start(&estate.account.emulator);
    baseline(&proxy, &estate, &[]);
    let seen = proxy.counts();
    let requests = seen.0["requests"].as_array().unwrap();
    let mut by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in requests {
        assert_eq!(r["region"], REGION, "{r}");
        let service = r["service"].as_str().unwrap().to_string();
        let operation = r["operation"].as_str().unwrap().to_string();
        assert_ne!(operation, "unknown", "{r}");
        by_service.entry(service).or_default().insert(operation);
    }
    let expect = |service: &str, ops: &[&str]| {
        let got = by_service.get(service).cloned().unwrap_or_default();
        for op in ops {
            assert!(
                got.contains(*op),
                "{service} {op} not seen: {by_service:#?}"
            );
        }
    };
    expect("sts", &["GetCallerIdentity"]);
    expect(
        "ec2",
        &["DescribeSecurityGroups", "DescribeNetworkInterfaces"],
    );
    expect("logs", &["DescribeLogGroups"]);
    expect("cloudtrail", &["DescribeTrails"]);
    expect("elasticloadbalancing", &["DescribeLoadBalancers"]);
    expect("elasticloadbalancingv2", &["DescribeLoadBalancers"]);
    expect("rds", &["DescribeDBInstances"]);
    expect(
        "s3",
        &["ListBuckets", "GetBucketEncryption", "GetBucketLocation"],
    );
    let encryption: Vec<&Value> = requests
        .iter()
        .filter(|r| r["operation"] == "GetBucketEncryption")
        .collect();
    assert_eq!(encryption.len(), 2, "{encryption:#?}");
    assert!(
        encryption
            .iter()
            .any(|r| r["bucket"] == estate.bucket_a.as_str()),
        "{encryption:#?}"
    );
}
