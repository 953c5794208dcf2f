//! The command line's errors, exit codes and listings: what a user or a CI
//! pipeline sees when something is wrong. Most of these need no AWS; the
//! ones that do use a closed port on loopback as "AWS".

use crate::common;

use std::time::Duration;

use common::*;
use conform::exit;

/// Every rule of the built-in pack with the policy line it cites
/// (rules/kliv.toml; PROMISES.md).
const RULES: &[(&str, u32)] = &[
    ("NET-001", 23),
    ("NET-002", 23),
    ("NET-003", 21),
    ("NET-004", 23),
    ("NET-005", 23),
    ("TLS-001", 73),
    ("TLS-002", 71),
    ("ENC-001", 77),
    ("ENC-002", 79),
    ("ENC-003", 81),
    ("LOG-001", 117),
    ("LOG-002", 115),
    ("BAK-001", 139),
    ("BAK-002", 147),
    ("BAK-003", 167),
    ("HA-001", 159),
    ("HA-002", 161),
    ("MNT-001", 211),
];

/// A valid one-rule pack.
const GOOD_PACK: &str = r#"[[rule]]
id = "LOG-001"
title = "Log groups keep events at least 30 days"
severity = "medium"
area = "logging"
promise = { file = "policy/security-policy.sv.md", line = 117, text = "Applikationsloggar" }
checks = [{ name = "log-retention", params = { min_days = 30 } }]
"#;

fn example_estate() -> String {
    format!("{}/examples/estate.json", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn exit_codes_are_the_documented_ones() {
    assert_eq!(
        (
            exit::OK,
            exit::BROKEN,
            exit::USAGE,
            exit::INCOMPLETE,
            exit::SCAN_ERROR,
            exit::INTERRUPTED
        ),
        (0, 1, 2, 3, 4, 130)
    );
}

#[test]
fn rules_lists_every_rule_with_its_policy_line() {
    let run = conform_offline(&["rules"]);
    run.expect_code(exit::OK);
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (id, line) in RULES {
        let row = lines
            .iter()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} is not listed:\n{}", run.stdout));
        assert!(
            row.contains(&format!("{POLICY_FILE}:{line} ")),
            "{id} does not cite line {line}: {row}"
        );
    }
    let listed = lines
        .iter()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| RULES.iter().any(|(id, _)| *id == w))
        })
        .count();
    assert_eq!(listed, RULES.len(), "{}", run.stdout);
    assert!(
        run.stdout.contains("18 rules from rules/kliv.toml"),
        "{}",
        run.stdout
    );
}

#[test]
fn rules_as_json_carry_promises_and_params() {
    let run = conform_offline(&["rules", "--format", "json"]);
    run.expect_code(exit::OK);
    let rules = run.json();
    let rules = rules.as_array().expect("a JSON array of rules");
    assert_eq!(rules.len(), RULES.len());
    for ((id, line), rule) in RULES.iter().zip(rules) {
        assert_eq!(rule["id"], *id);
        assert_eq!(rule["promise"]["file"], POLICY_FILE);
        assert_eq!(rule["promise"]["line"], *line);
    }
    let net001 = &rules[0];
    assert_eq!(net001["checks"], serde_json::json!(["sg-internet-ingress"]));
    assert_eq!(
        net001["params"][0]["allowed"],
        serde_json::json!(["tcp/80", "tcp/443"])
    );
}

#[test]
fn explain_prints_the_promise_and_the_check_docs() {
    let run = conform_offline(&["explain", "NET-001"]);
    run.expect_code(exit::OK);
    let out = &run.stdout;
    assert!(out.contains("# NET-001"), "{out}");
    assert!(
        out.contains("Offentlig åtkomst är begränsad till port 443 och 80 på nätverkslastbalanserarna för allmän trafik."),
        "the promise is quoted:\n{out}"
    );
    assert!(
        out.contains(&format!("{POLICY_FILE}, line 23, 15")),
        "{out}"
    );
    assert!(out.contains("Check `sg-internet-ingress`"), "{out}");
    for section in ["What it checks", "Why it matters", "How to fix"] {
        assert!(out.contains(section), "no {section:?}:\n{out}");
    }
    // The check's own documentation, not a placeholder.
    assert!(!out.contains("placeholder"), "{out}");
    // A check by name, and rule ids in any case.
    conform_offline(&["explain", "log-retention"]).expect_code(exit::OK);
    let lower = conform_offline(&["explain", "tls-001"]);
    lower.expect_code(exit::OK);
    assert!(lower.stdout.contains("# TLS-001"), "{}", lower.stdout);
}

#[test]
fn explain_of_an_unknown_id_is_a_usage_error() {
    let run = conform_offline(&["explain", "NOPE"]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("\"NOPE\""), "{}", run.stderr);
    assert!(
        run.stderr.contains("NET-001"),
        "lists the rules: {}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let run = conform_offline(&["scan", "--no-such-flag"]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    let run = conform_offline(&["scan", "--format", "yaml", "--inventory", &example_estate()]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("yaml"), "{}", run.stderr);
    conform_offline(&["frobnicate"]).expect_code(exit::USAGE);
    // Help is not an error.
    let help = conform_offline(&["--help"]);
    help.expect_code(exit::OK);
    assert!(help.stdout.contains("Exit codes"), "{}", help.stdout);
}

#[test]
fn budget_share_is_a_share_from_above_zero_to_one() {
    for bad in ["0", "-0.5", "1.01", "NaN", "half"] {
        // As `--budget-share=-0.5`, the way a negative value must be given.
        let flag = format!("--budget-share={bad}");
        let run = conform_offline(&["scan", &flag, "--region", "eu-north-1"]);
        run.expect_code(exit::USAGE);
        assert!(
            run.stderr.contains("--budget-share"),
            "{bad}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("above 0"), "{bad}: {}", run.stderr);
    }
    // Collection flags make no sense with a saved inventory.
    let run = conform_offline(&[
        "scan",
        "--budget-share",
        "1",
        "--inventory",
        &example_estate(),
    ]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("--inventory"), "{}", run.stderr);
}

#[test]
fn broken_rules_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    // A TOML syntax error on line 3 (an unterminated string).
    let syntax = dir.path().join("syntax.toml");
    std::fs::write(
        &syntax,
        "[[rule]]\nid = \"LOG-001\"\ntitle = \"unterminated\nseverity = \"medium\"\n",
    )
    .unwrap();
    // An unknown check on line 7, column 20 (where its name starts).
    let unknown = dir.path().join("unknown-check.toml");
    std::fs::write(
        &unknown,
        GOOD_PACK.replace("log-retention", "log-retentoin"),
    )
    .unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, GOOD_PACK).unwrap();

    for (file, position) in [(&syntax, ":3:"), (&unknown, ":7:20:")] {
        let path = arg(file);
        let expected = format!("{path}{position}");
        for args in [
            vec!["rules", "--rules", path],
            vec!["scan", "--rules", path, "--inventory", &example_estate()],
            // A broken pack stops a live scan before any AWS call.
            vec!["scan", "--rules", path, "--region", REGION],
        ] {
            let run = conform_offline(&args);
            run.expect_code(exit::USAGE);
            assert!(
                run.stderr.contains(&expected),
                "{args:?}: stderr does not name {expected}:\n{}",
                run.stderr
            );
            assert_eq!(run.stdout, "", "{args:?}");
        }
    }
    let run = conform_offline(&["rules", "--rules", arg(&unknown)]);
    assert!(
        run.stderr.contains("unknown check \"log-retentoin\""),
        "{}",
        run.stderr
    );

    // The same pack, spelt right, loads.
    let run = conform_offline(&["rules", "--rules", arg(&good)]);
    run.expect_code(exit::OK);
    assert!(run.stdout.starts_with("LOG-001 "), "{}", run.stdout);
    // A rules file that does not exist.
    let missing = dir.path().join("missing.toml");
    let run = conform_offline(&["rules", "--rules", arg(&missing)]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains(arg(&missing)), "{}", run.stderr);
}

#[test]
fn malformed_inventory_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad_json = dir.path().join("bad.json");
    std::fs::write(
        &bad_json,
        "{\n  \"format\": \"conform-inventory\",\n  \"version\": 1,\n  oops\n}\n",
    )
    .unwrap();
    let not_inventory = dir.path().join("report.json");
    std::fs::write(
        &not_inventory,
        r#"{"schema": "conform-report", "findings": []}"#,
    )
    .unwrap();
    let wrong_shape = dir.path().join("wrong-shape.json");
    std::fs::write(
        &wrong_shape,
        r#"{"format": "conform-inventory", "version": 1, "collected_at": "2026-01-01T00:00:00Z", "scope": [], "coverage": [], "buckets": 7}"#,
    )
    .unwrap();
    let missing = dir.path().join("missing.json");

    for (file, needle) in [
        (&bad_json, format!("{}:4:", arg(&bad_json))),
        (
            &not_inventory,
            format!("{}: not a conform inventory", arg(&not_inventory)),
        ),
        (&wrong_shape, arg(&wrong_shape).to_string()),
        (&missing, arg(&missing).to_string()),
    ] {
        let run = conform_offline(&["scan", "--inventory", arg(file), "--format", "json"]);
        run.expect_code(exit::USAGE);
        assert!(
            run.stderr.contains(&needle),
            "stderr does not name {needle}:\n{}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn conflicting_flags_are_usage_errors() {
    // --inventory is offline; --region and --save-inventory are live.
    let run = conform_offline(&["scan", "--inventory", &example_estate(), "--region", REGION]);
    run.expect_code(exit::USAGE);
    let dir = tempfile::tempdir().unwrap();
    let run = conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--save-inventory",
        arg(&dir.path().join("x.json")),
    ]);
    run.expect_code(exit::USAGE);
    // Two reports to standard output.
    let run = conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--format",
        "json",
        "--format",
        "text",
    ]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("--format"), "{}", run.stderr);
}

#[test]
fn unwritable_output_is_a_scan_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-dir/report.json");
    let run = conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--format",
        "json",
        "--output",
        arg(&out),
    ]);
    run.expect_code(exit::SCAN_ERROR);
    assert!(run.stderr.contains(arg(&out)), "{}", run.stderr);
}

/// "AWS" on a loopback port that accepts connections, never answers, and
/// counts them: a run that makes a request shows up in
/// [`SilentAws::connections`].
struct SilentAws {
    listener: std::net::TcpListener,
}

impl SilentAws {
    fn start() -> SilentAws {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        SilentAws { listener }
    }

    /// Credentials, a region, and this endpoint for every service.
    fn env(&self) -> Vec<(String, String)> {
        let endpoint = format!("http://{}", self.listener.local_addr().unwrap());
        vec![
            ("AWS_ENDPOINT_URL".to_string(), endpoint),
            ("AWS_ACCESS_KEY_ID".to_string(), "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY".to_string(), "testing".to_string()),
            ("AWS_REGION".to_string(), REGION.to_string()),
        ]
    }

    /// The connections made so far (each taken off the queue).
    fn connections(&self) -> usize {
        self.listener.set_nonblocking(true).unwrap();
        let mut count = 0;
        while self.listener.accept().is_ok() {
            count += 1;
        }
        count
    }
}

/// How fast a check made before any AWS call must fail: "in a second" on
/// an idle machine; a debug build on a loaded CI runner gets some slack.
const FAST: Duration = Duration::from_secs(5);

/// Runs a live scan against `aws` that must fail before any request.
fn fails_before_any_request(aws: &SilentAws, args: &[&str], code: i32) -> Run {
    let mut all = vec!["scan", "--max-attempts", "1", "--attempt-timeout", "2"];
    all.extend_from_slice(args);
    let run = run_conform_within(&all, &aws.env(), Duration::from_secs(60));
    run.expect_code(code);
    assert!(run.elapsed < FAST, "took {:?}: {}", run.elapsed, run.stderr);
    assert_eq!(aws.connections(), 0, "a request was made: {}", run.stderr);
    assert!(run.stderr.starts_with("conform: error: "), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    run
}

/// The control of the tests below: a valid live scan against the silent
/// "AWS" does connect (and gives up after its one attempt), so a count of
/// zero there means something.
#[test]
fn a_valid_live_scan_does_reach_the_endpoint() {
    let aws = SilentAws::start();
    let run = run_conform_within(
        &[
            "scan",
            "--region",
            REGION,
            "--max-attempts",
            "1",
            "--attempt-timeout",
            "1",
            "--timeout",
            "30",
            "--format",
            "json",
        ],
        &aws.env(),
        Duration::from_secs(60),
    );
    run.expect_code(exit::SCAN_ERROR);
    assert!(aws.connections() > 0, "{}", run.stderr);
}

/// An output that cannot be written fails the scan at once, exit 4, before
/// any AWS call: reports, `--output`, `--stats-file` and
/// `--save-inventory` alike.
#[test]
fn unwritable_outputs_fail_before_any_aws_call() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir/out.json");
    let missing = arg(&missing);
    let report = format!("json={missing}");
    let cases: Vec<Vec<&str>> = vec![
        vec!["--format", &report],
        vec!["--format", "json", "--output", missing],
        vec!["--stats-file", missing],
        vec!["--save-inventory", missing],
        // A directory where the report should go.
        vec!["--format", "json", "--output", arg(dir.path())],
    ];
    for case in cases {
        let aws = SilentAws::start();
        let mut args = vec!["--region", REGION];
        args.extend(case.iter().copied());
        let run = fails_before_any_request(&aws, &args, exit::SCAN_ERROR);
        assert!(
            run.stderr.contains("cannot write"),
            "{case:?}: {}",
            run.stderr
        );
    }
    // Nothing was left behind by the checks.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A region name that cannot exist (a zone, capitals, a city) is a usage
/// error at once, exit 2, with a hint, before any AWS call; so is one in
/// --exclude-region.
#[test]
fn impossible_region_names_fail_before_any_aws_call() {
    for (args, hint) in [
        (
            vec!["--region", "eu-north-1a"],
            "availability zone; its region is eu-north-1",
        ),
        (vec!["--region", "EU-NORTH-1"], "lower case (eu-north-1)"),
        (vec!["--region", "stockholm"], "is not an AWS region name"),
        (
            vec!["--region", REGION, "--exclude-region", "eu-west-1b"],
            "--exclude-region \"eu-west-1b\"",
        ),
    ] {
        let aws = SilentAws::start();
        let run = fails_before_any_request(&aws, &args, exit::USAGE);
        assert!(run.stderr.contains(hint), "{args:?}: {}", run.stderr);
    }
}

/// A report file replaces a file atomically but never replaces what is
/// not a file: a device is written into (not turned into a file), a
/// symbolic link stays a link, and a file keeps its permissions.
#[cfg(unix)]
#[test]
fn report_files_respect_devices_links_and_permissions() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("latest.json");
    symlink(&target, &link).unwrap();
    let run = conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--format",
        &format!("json={}", arg(&link)),
        "--format",
        "sarif=/dev/stdout",
    ]);
    run.expect_code(exit::BROKEN);
    // /dev/stdout (a pipe here) was written into.
    assert!(run.stdout.contains("\"$schema\""), "{}", run.stdout);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("\"findings\""), "{written}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // A new file is readable by all, as a shell redirection would make it.
    let fresh = dir.path().join("fresh.json");
    conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--format",
        &format!("json={}", arg(&fresh)),
    ])
    .expect_code(exit::BROKEN);
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn unreachable_aws_is_a_scan_error_within_bounded_time() {
    // Credentials, but AWS at a closed port: conform must give up with a
    // message, not hang or report an empty (compliant) estate.
    let env = vec![
        ("AWS_ENDPOINT_URL".to_string(), CLOSED_ENDPOINT.to_string()),
        ("AWS_ACCESS_KEY_ID".to_string(), "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY".to_string(), "testing".to_string()),
        ("AWS_REGION".to_string(), REGION.to_string()),
    ];
    let limit = Duration::from_secs(60);
    let run = run_conform_within(
        &["scan", "--region", REGION, "--format", "json"],
        &env,
        limit,
    );
    run.expect_code(exit::SCAN_ERROR);
    assert!(run.elapsed < limit, "took {:?}", run.elapsed);
    assert!(run.stderr.starts_with("conform: error: "), "{}", run.stderr);
    assert_eq!(run.stdout, "", "no report of an estate that was not read");
    let stderr = run.stderr.to_lowercase();
    assert!(
        stderr.contains("connect") || stderr.contains("refused") || stderr.contains("dispatch"),
        "the message says AWS could not be reached:\n{}",
        run.stderr
    );
}

#[test]
fn missing_credentials_are_a_scan_error() {
    // No credentials anywhere (environment, files, instance metadata).
    let env = vec![
        ("AWS_ENDPOINT_URL".to_string(), CLOSED_ENDPOINT.to_string()),
        ("AWS_REGION".to_string(), REGION.to_string()),
    ];
    let run = run_conform_within(
        &["scan", "--region", REGION, "--format", "json"],
        &env,
        Duration::from_secs(60),
    );
    run.expect_code(exit::SCAN_ERROR);
    assert!(run.stderr.contains("credentials"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

/// `--allow-incomplete`: unknown verdicts alone exit 0 instead of 3, on
/// scan and on merge, and are still reported; broken promises still
/// exit 1. The example estate has unknowns and failures of every severity.
#[test]
fn allow_incomplete_accepts_unknowns_but_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("estate.json");
    let json = format!("json={}", report.display());
    let estate = example_estate();
    let scan = |more: &[&str]| {
        let mut args = vec!["scan", "--inventory", estate.as_str()];
        args.extend_from_slice(more);
        conform_offline(&args)
    };
    scan(&["--fail-on", "none"]).expect_code(exit::INCOMPLETE);
    let run = scan(&[
        "--fail-on",
        "none",
        "--allow-incomplete",
        "--format",
        "json",
    ]);
    run.expect_code(exit::OK);
    let summary = &run.json()["summary"];
    assert!(summary["unknown"].as_u64().unwrap() > 0, "{summary}");
    assert!(
        run.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["status"] == "unknown")
    );
    scan(&["--fail-on", "high", "--allow-incomplete"]).expect_code(exit::BROKEN);
    // The environment variable, as the GitHub Action and containers set it.
    let run = run_conform(
        &["scan", "--inventory", &estate, "--fail-on", "none"],
        &[
            ("AWS_ENDPOINT_URL".into(), CLOSED_ENDPOINT.into()),
            ("CONFORM_ALLOW_INCOMPLETE".into(), "true".into()),
        ],
    );
    run.expect_code(exit::OK);
    // Text and Markdown still say what is unknown.
    let run = scan(&["--fail-on", "none", "--allow-incomplete"]);
    assert!(run.stdout.contains("unknown"), "{}", run.stdout);

    // merge: the same rule.
    scan(&["--fail-on", "none", "--format", &json]).expect_code(exit::INCOMPLETE);
    let merged = |more: &[&str]| {
        let mut args = vec!["merge", report.to_str().unwrap()];
        args.extend_from_slice(more);
        conform_offline(&args)
    };
    merged(&["--fail-on", "none"]).expect_code(exit::INCOMPLETE);
    merged(&["--fail-on", "none", "--allow-incomplete"]).expect_code(exit::OK);
    merged(&["--fail-on", "high", "--allow-incomplete"]).expect_code(exit::BROKEN);
}

/// `{shard}` in a report's file name needs a shard to stand for.
#[test]
fn shard_in_a_file_name_needs_shard() {
    let run = conform_offline(&[
        "scan",
        "--inventory",
        &example_estate(),
        "--format",
        "json=report-{shard}.json",
    ]);
    run.expect_code(exit::USAGE);
    assert!(
        run.stderr.contains("{shard} in a file name needs --shard"),
        "{}",
        run.stderr
    );
    assert!(!std::path::Path::new("report-{shard}.json").exists());
}

/// `cargo install conform` builds from the published package, which holds
/// only what Cargo.toml's `include` lists: every file the code embeds
/// (`include_str!`, `include_bytes!`) must be in it.
#[test]
fn the_crate_package_holds_every_embedded_file() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(&root)
        .output()
        .expect("cargo package --list runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: std::collections::BTreeSet<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut embedded = 0;
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for macro_name in ["include_str!(\"", "include_bytes!(\""] {
                for (at, _) in text.match_indices(macro_name) {
                    let rest = &text[at + macro_name.len()..];
                    let relative = &rest[..rest.find('"').unwrap()];
                    let file = path.parent().unwrap().join(relative);
                    let file = file.canonicalize().unwrap_or(file);
                    let in_package = file
                        .strip_prefix(root.canonicalize().unwrap())
                        .unwrap_or_else(|_| {
                            panic!("{} embeds a file outside the crate", path.display())
                        })
                        .to_string_lossy()
                        .replace('\\', "/");
                    assert!(
                        listed.contains(&in_package),
                        "{} embeds {in_package}, which Cargo.toml's `include` leaves out of the package",
                        path.display()
                    );
                    embedded += 1;
                }
            }
        }
    }
    assert!(embedded >= 5, "found only {embedded} embedded files");
}

/// `--policy-file` naming the Japanese policy (line for line the Swedish
/// one): findings quote the Japanese original, in text and in JSON, at the
/// line numbers of the pack.
#[test]
fn policy_file_in_japanese_is_quoted_in_japanese() {
    let ja = "policy/security-policy.ja.md";
    let net001 = "一般向けトラフィックの場合、ネットワークロードバランサーのポート443と80へのアクセスが制限されています。";
    // TLS-002 quotes the first of two sentences of line 71: so does its
    // translation.
    let tls002 = "Klivは業界標準のトランスポート層セキュリティ（「TLS」）を使用して、128ビット高度暗号化規格（「AES」）暗号化で安全な接続を作成します。";
    let estate = example_estate();
    let text = conform_offline(&["scan", "--inventory", &estate, "--policy-file", ja]);
    text.expect_code(exit::BROKEN);
    assert!(
        text.stdout
            .contains(&format!("policy/security-policy.ja.md:23,15 «{net001}»")),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("Offentlig åtkomst"),
        "{}",
        text.stdout
    );

    let json = conform_offline(&[
        "scan",
        "--inventory",
        &estate,
        "--policy-file",
        ja,
        "--format",
        "json",
    ]);
    json.expect_code(exit::BROKEN);
    let report = json.json();
    let all = findings(&report);
    let quote = |rule: &str| {
        let f = all
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap_or_else(|| panic!("no finding of {rule}"));
        (
            f["promise"]["file"].as_str().unwrap().to_string(),
            f["promise"]["line"].as_u64().unwrap(),
            f["promise"]["text"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(quote("NET-001"), (ja.to_string(), 23, net001.to_string()));
    assert_eq!(quote("TLS-002"), (ja.to_string(), 71, tls002.to_string()));

    // The default policy file quotes the pack's own (Swedish) words.
    let sv = conform_offline(&["scan", "--inventory", &estate, "--format", "json"]);
    let report = sv.json();
    let f = findings(&report)
        .iter()
        .find(|f| f["rule_id"] == "NET-001")
        .unwrap();
    assert!(
        f["promise"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Offentlig åtkomst"),
        "{f}"
    );
}

/// A rules file with several mistakes reports them all at once, each with
/// its line, column and an underline, then exits 2; promises are checked
/// against the policy document when it is at hand.
#[test]
fn a_broken_rules_file_reports_every_error_with_an_underline() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    let text = GOOD_PACK
        .replace("\"medium\"", "\"severe\"")
        .replace("min_days = 30", "min_days = -30")
        .replace(
            "area = \"logging\"",
            "area = \"logging\"\nscope = { regions = [\"eu-nort-1\"] }",
        )
        .replace("line = 117", "line = 9117");
    std::fs::write(&pack, &text).unwrap();
    let run = conform_offline(&["rules", "--rules", arg(&pack)]);
    run.expect_code(exit::USAGE);
    assert_eq!(run.stdout, "");
    let path = arg(&pack);
    let err = &run.stderr;
    assert!(err.ends_with(&format!("\n{path}: 4 errors\n")), "{err}");
    assert!(
        err.contains(&format!(
            "{path}:4:12: unknown severity \"severe\" (expected critical, high, medium or low)\n4 | severity = \"severe\"\n  |            ^^^^^^^^\n"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{path}:6:22: rule LOG-001: unknown region \"eu-nort-1\""
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "rule LOG-001: promise line 9117 is beyond the end of policy/security-policy.sv.md"
        ),
        "{err}"
    );
    // The negative parameter is underlined where it is written.
    let line = text.lines().nth(7).unwrap();
    let col = line.find("-30").unwrap();
    assert!(
        err.contains(&format!(
            "{path}:8:{}: rule LOG-001, check log-retention: params: ",
            col + 1
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("8 | {line}\n  | {}^^^", " ".repeat(col))),
        "{err}"
    );

    // A quote that is not on its line, when the policy file is at hand.
    std::fs::write(&pack, GOOD_PACK.replace("line = 117", "line = 23")).unwrap();
    let run = conform_offline(&["rules", "--rules", arg(&pack)]);
    run.expect_code(exit::USAGE);
    assert!(
        run.stderr
            .contains("the quoted text is not on line 23 of policy/security-policy.sv.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(the text is on line 117)"),
        "{}",
        run.stderr
    );
}

/// A scope or exclude that matches none of the resources its checks judge
/// is a warning on stderr (a typo, or resources that are gone); the scan
/// goes on and exits as usual. Unread data may hold what it names: no
/// warning then.
#[test]
fn a_scope_that_matches_nothing_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("scoped.toml");
    let estate = example_estate();
    // The example estate's security groups are all in eu-north-1 and
    // us-east-1; they are named by their ids.
    let scoped = GOOD_PACK
        .replace("LOG-001", "NET-001")
        .replace(
            "checks = [{ name = \"log-retention\", params = { min_days = 30 } }]",
            "exclude = { names = [\"sg-0a1b2c3d4e5f6003\"] }\nchecks = [{ name = \"sg-internet-ingress\", scope = { regions = [\"ap-south-1\"] } }]",
        );
    std::fs::write(&pack, &scoped).unwrap();
    let run = conform_offline(&["scan", "--inventory", &estate, "--rules", arg(&pack), "-q"]);
    run.expect_code(exit::OK);
    assert!(
        run.stderr.contains("conform: warning: rule NET-001, check sg-internet-ingress: scope `regions=ap-south-1` matches none of the"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "conform: warning: rule NET-001: exclude `names=sg-0a1b2c3d4e5f6003` matches none of the"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("so it excludes nothing"),
        "{}",
        run.stderr
    );

    // Spelt right, it excludes something: no warning.
    std::fs::write(
        &pack,
        scoped
            .replace("sg-0a1b2c3d4e5f6003", "sg-0a1b2c3d4e5f60003")
            .replace("ap-south-1", "eu-*"),
    )
    .unwrap();
    let run = conform_offline(&["scan", "--inventory", &estate, "--rules", arg(&pack), "-q"]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn checks_lists_every_registered_check_with_described_parameters() {
    let run = conform_offline(&["checks", "--format", "json"]);
    run.expect_code(exit::OK);
    let listing = run.json();
    assert_eq!(listing["schema"], "conform-checks/1");
    let listed = listing["checks"].as_array().expect("a list of checks");
    let registry = conform::checks::registry();
    assert_eq!(listed.len(), registry.len(), "{listing:#}");
    let text = conform_offline(&["checks"]);
    text.expect_code(exit::OK);
    for (check, entry) in registry.iter().zip(listed) {
        let name = check.doc.name;
        assert_eq!(entry["name"], name);
        assert!(
            text.stdout.lines().any(|l| l == name),
            "{name} is not in the text listing:\n{}",
            text.stdout
        );
        assert!(
            !entry["summary"].as_str().unwrap().contains("{{"),
            "{entry}"
        );
        // What it judges, by the CloudFormation types reports use.
        let judges = entry["judges"].as_array().unwrap();
        assert_eq!(judges.len(), check.subjects.len(), "{entry}");
        for (kind, dataset) in judges.iter().zip(check.subjects) {
            assert_eq!(kind["resource_type"], dataset.resource_type());
            assert!(kind["resource_type"].as_str().unwrap().starts_with("AWS::"));
        }
        assert_eq!(
            entry["reads"].as_array().unwrap().len(),
            check.uses.len(),
            "{entry}"
        );
        // Every parameter a rule can set, with a type, a meaning and a
        // default (the defaults bound, so every field a rule may write).
        let defaults = check.with_defaults().unwrap().params();
        let fields = defaults.as_object().unwrap();
        let params = entry["params"].as_array().unwrap();
        assert_eq!(params.len(), fields.len(), "{name}: {entry}");
        for p in params {
            let key = p["name"].as_str().unwrap();
            assert_eq!(&p["default"], &fields[key], "{name}.{key}");
            for field in ["type", "description"] {
                let words = p[field].as_str().unwrap_or_default();
                assert!(words.len() > 10, "{name}.{key} has no {field}: {p}");
            }
            assert!(
                text.stdout.contains(&format!("    param:  {key} = ")),
                "{name}.{key} is not in the text listing"
            );
        }
    }
    // The built-in pack's rules that use each check.
    let by_name = |n: &str| listed.iter().find(|c| c["name"] == n).unwrap().clone();
    assert_eq!(
        by_name("log-retention")["rules"],
        serde_json::json!(["LOG-001"])
    );
    assert_eq!(
        by_name("rds-not-public")["rules"],
        serde_json::json!(["NET-005"])
    );
    assert!(
        text.stdout
            .contains("28 checks; rules from rules/kliv.toml"),
        "{}",
        text.stdout
    );
}

#[test]
fn checks_name_shows_one_check_and_the_rules_of_the_loaded_pack() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    std::fs::write(&pack, GOOD_PACK).unwrap();
    let run = conform_offline(&["checks", "log-retention", "--rules", arg(&pack)]);
    run.expect_code(exit::OK);
    let out = &run.stdout;
    assert!(
        out.starts_with("log-retention: CloudWatch Logs log groups keep events at least 30 days\n"),
        "{out}"
    );
    assert!(
        out.contains("Judges: AWS::Logs::LogGroup (log-groups)"),
        "{out}"
    );
    assert!(out.contains("that use it: LOG-001\n"), "{out}");
    assert!(out.contains("  min_days = 30  (default)\n"), "{out}");
    assert!(out.contains("type: a whole number of days"), "{out}");
    assert!(
        out.contains(r#"checks = [{ name = "log-retention", params = { min_days = 30 } }]"#),
        "{out}"
    );
    assert!(out.contains("`conform explain log-retention`"), "{out}");
    // A check that pack does not use.
    let run = conform_offline(&["checks", "sg-internet-ingress", "--rules", arg(&pack)]);
    run.expect_code(exit::OK);
    assert!(run.stdout.contains("that use it: none\n"), "{}", run.stdout);
    // One check as JSON: its entry of the listing.
    let run = conform_offline(&["checks", "lb-internet-ports", "--format", "json"]);
    run.expect_code(exit::OK);
    let entry = run.json();
    assert_eq!(entry["params"][0]["name"], "allowed_ports");
    assert_eq!(entry["params"][0]["default"], serde_json::json!([80, 443]));
    assert_eq!(entry["rules"], serde_json::json!(["NET-004"]));
    // An unknown check is a usage error naming the known ones.
    let run = conform_offline(&["checks", "log-retentoin"]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains("\"log-retentoin\""), "{}", run.stderr);
    assert!(run.stderr.contains("log-retention"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn readme_checks_example_is_real() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("$ conform checks\n")
        .expect("the README shows `conform checks`");
    let block = &readme[start..];
    let block = &block[..block.find("```").expect("the block ends")];
    let mut output = String::new();
    let mut shown = 0;
    for line in block.lines() {
        if let Some(command) = line.strip_prefix("$ conform ") {
            let args: Vec<&str> = command.split_whitespace().collect();
            let run = conform_offline(&args);
            run.expect_code(exit::OK);
            output = run.stdout;
        } else if !line.is_empty() && !line.starts_with("(…") {
            assert!(
                output.lines().any(|l| l == line),
                "README shows a line `conform checks` does not print:\n{line}"
            );
            shown += 1;
        }
    }
    assert!(shown > 20, "the example is too short to mean anything");
}
