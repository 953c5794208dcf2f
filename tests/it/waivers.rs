//! Waivers, baselines and `conform diff`, offline on the example estate
//! (examples/estate.json, collected 2026-11-20) with the example waivers
//! file (examples/waivers.toml): what a user sees in every format, and the
//! exit codes a CI gate branches on.

use crate::common;

use std::path::Path;

use common::*;
use conform::exit;
use serde_json::Value;

const ESTATE: &str = "examples/estate.json";
const WAIVERS: &str = "examples/waivers.toml";
const PARTNER_SSH: &str = "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-0a1b2c3d4e5f60005";
const REPORTS_DB: &str = "arn:aws:rds:eu-north-1:111122223333:db:reports";
const DEBUG_LOGS: &str = "arn:aws:logs:eu-north-1:111122223333:log-group:/kliv/debug";
const API_LOGS: &str = "arn:aws:logs:eu-north-1:111122223333:log-group:/kliv/api";

fn scan(extra: &[&str]) -> Run {
    let mut args = vec!["scan", "--inventory", ESTATE];
    args.extend_from_slice(extra);
    conform_offline(&args)
}

/// The line of a waiver in the example file, by a text on its line or below.
fn line_of(needle: &str) -> usize {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(WAIVERS)).unwrap();
    let at = text.find(needle).expect("needle in the waivers file");
    let header = text[..at].rfind("[[waiver]]").expect("a waiver header");
    text[..header].matches('\n').count() + 1
}

#[test]
fn waived_failures_carry_their_waiver_in_json() {
    let plain = scan(&["--format", "json"]);
    plain.expect_code(exit::BROKEN);
    let plain = plain.json();
    let run = scan(&["--format", "json", "--waivers", WAIVERS]);
    run.expect_code(exit::BROKEN);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let report = run.json();

    let ssh = finding(&report, "NET-001", PARTNER_SSH);
    assert_eq!(ssh["status"], "waived");
    assert_eq!(ssh["waiver"]["owner"], "platform-team@kliv.example");
    assert_eq!(ssh["waiver"]["expires"], "2027-03-01");
    assert_eq!(ssh["waiver"]["ticket"], "SEC-1042");
    assert_eq!(ssh["waiver"]["file"], WAIVERS);
    assert_eq!(ssh["waiver"]["line"], line_of("sg-0a1b2c3d4e5f60005"));
    assert!(
        ssh["waiver"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Partner Nordlog")
    );
    // The same failure with the same evidence: only the status changed.
    assert_eq!(
        ssh["evidence"],
        finding(&plain, "NET-001", PARTNER_SSH)["evidence"]
    );
    assert_eq!(
        status_of(&report, "HA-001", REPORTS_DB).as_deref(),
        Some("waived")
    );

    // The expired waiver waives nothing, and is named on the failure.
    let debug = finding(&report, "LOG-001", DEBUG_LOGS);
    assert_eq!(debug["status"], "fail");
    assert_eq!(debug["waiver"]["expires"], "2026-11-01");
    let w = &report["waivers"];
    assert_eq!(w["files"], serde_json::json!([WAIVERS]));
    assert_eq!(w["expired"][0]["line"], line_of("/kliv/debug"));
    assert_eq!(w["stale"][0]["line"], line_of("kliv-customer-databases"));
    assert_eq!(w["stale"].as_array().unwrap().len(), 1);
    // reports' waiver ends 2026-11-30, ten days after the collection.
    assert_eq!(w["expiring"][0]["line"], line_of("db:reports"));
    assert_eq!(w["warn_days"], 14);

    // Counts: every waived finding left `failed`; unknowns are untouched.
    let waived = with_status(&report, "waived").len();
    assert!(waived >= 2, "{waived}");
    assert_eq!(report["summary"]["waived"], waived);
    assert_eq!(
        report["summary"]["failed"].as_u64().unwrap() + waived as u64,
        plain["summary"]["failed"].as_u64().unwrap()
    );
    assert_eq!(report["summary"]["unknown"], plain["summary"]["unknown"]);
    assert_eq!(
        with_status(&report, "unknown"),
        with_status(&plain, "unknown")
    );
}

#[test]
fn waivers_are_shown_in_text_and_markdown() {
    let run = scan(&["--waivers", WAIVERS]);
    run.expect_code(exit::BROKEN);
    let out = &run.stdout;
    assert!(
        out.contains("\nWaived (accepted risks: failures a waiver in force accepts)\n"),
        "{out}"
    );
    assert!(out.contains("~ waived  sg-0a1b2c3d4e5f60005"), "{out}");
    assert!(out.contains(&format!(
        "waived until 2027-03-01: Partner Nordlog reaches the bastion over SSH from its egress range until its site-to-site VPN is live (owner platform-team@kliv.example, ticket SEC-1042)  {WAIVERS}:{}",
        line_of("sg-0a1b2c3d4e5f60005")
    )), "{out}");
    assert!(
        out.contains("waiver expired on 2026-11-01: Debug logs"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Expired waiver: {WAIVERS}:{}",
            line_of("/kliv/debug")
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Stale waiver: {WAIVERS}:{} (rule ENC-002",
            line_of("kliv-customer-databases")
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "Waiver expiring soon: {WAIVERS}:{}",
            line_of("db:reports")
        )),
        "{out}"
    );
    assert!(out.contains(" waived · "), "{out}");

    let md = scan(&["--waivers", WAIVERS, "--format", "markdown"]);
    md.expect_code(exit::BROKEN);
    let md = &md.stdout;
    assert!(md.contains("### Waived (accepted risks)"), "{md}");
    assert!(
        md.contains("| Failed | Unknown | Waived | Passed |"),
        "{md}"
    );
    assert!(md.contains("waiver **expired**: Debug logs"), "{md}");
    assert!(md.contains("**stale**"), "{md}");
}

#[test]
fn waived_failures_do_not_fail_the_scan_and_unknowns_stay() {
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.toml");
    std::fs::write(
        &all,
        "[[waiver]]\nrule = \"*\"\nresource = \"*\"\nreason = \"test\"\nowner = \"me\"\nexpires = 2027-01-01\n",
    )
    .unwrap();
    let run = scan(&["--format", "json", "--waivers", arg(&all)]);
    // Nothing fails any more, but the unknowns stay unknown: incomplete.
    run.expect_code(exit::INCOMPLETE);
    let report = run.json();
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["summary"]["unknown"], 2);
    assert!(findings(&report).iter().all(|f| f["status"] != "fail"));
    // The same waiver once expired: everything fails again.
    let run = scan(&[
        "--format",
        "json",
        "--waivers",
        arg(&all),
        "--now",
        "2027-01-01T00:00:00Z",
    ]);
    run.expect_code(exit::BROKEN);
    assert_eq!(run.json()["summary"]["waived"], 0);
}

#[test]
fn sarif_suppresses_waived_results_and_validates() {
    let run = scan(&["--format", "sarif", "--waivers", WAIVERS]);
    run.expect_code(exit::BROKEN);
    let log = run.json();
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{errors:#?}");
    let results: Vec<&Value> = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().unwrap())
        .collect();
    let ssh = results
        .iter()
        .find(|r| r["ruleId"] == "NET-001" && r["properties"]["arn"] == PARTNER_SSH)
        .expect("the waived failure stays a result");
    let s = &ssh["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert_eq!(s["status"], "accepted");
    assert!(
        s["justification"]
            .as_str()
            .unwrap()
            .starts_with("Partner Nordlog"),
        "{s}"
    );
    assert_eq!(s["properties"]["owner"], "platform-team@kliv.example");
    // Open results carry no suppression; the expired waiver's failure is open.
    let debug = results
        .iter()
        .find(|r| r["ruleId"] == "LOG-001" && r["properties"]["arn"] == DEBUG_LOGS)
        .unwrap();
    assert!(debug.get("suppressions").is_none(), "{debug}");
    // Waivers that need attention are tool notifications (in the first
    // account's run).
    let notes: Vec<String> = log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|n| format!("{} {}", n["descriptor"]["id"], n["message"]["text"]))
        .collect();
    for (id, needle) in [
        (
            "waiver-expired",
            format!("{WAIVERS}:{}", line_of("/kliv/debug")),
        ),
        (
            "waiver-stale",
            format!("{WAIVERS}:{}", line_of("kliv-customer-databases")),
        ),
        (
            "waiver-expiring",
            format!("{WAIVERS}:{}", line_of("db:reports")),
        ),
    ] {
        assert_eq!(
            notes
                .iter()
                .filter(|n| n.starts_with(&format!("\"{id}\"")) && n.contains(&needle))
                .count(),
            1,
            "{id} {needle}: {notes:#?}"
        );
    }
    // Same fingerprints as without waivers: accepting a risk dismisses the
    // existing alert rather than opening another.
    let plain = scan(&["--format", "sarif"]).json();
    let before = sarif_fingerprints(&plain);
    let after = sarif_fingerprints(&log);
    assert_eq!(before, after);
}

#[test]
fn broken_and_malformed_waivers_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[waiver]]\nrule = \"NET-001\nowner = \"x\"\n").unwrap();
    let run = scan(&["--waivers", arg(&broken)]);
    run.expect_code(exit::USAGE);
    assert!(
        run.stderr.contains(&format!("{}:2:", broken.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 | rule = \"NET-001"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    // One waiver with a typo: a warning, and it waives nothing.
    let typo = dir.path().join("typo.toml");
    let text = std::fs::read_to_string(WAIVERS_PATH())
        .unwrap()
        .replacen("owner =", "ownr =", 1);
    std::fs::write(&typo, &text).unwrap();
    let run = scan(&["--format", "json", "--waivers", arg(&typo)]);
    run.expect_code(exit::BROKEN);
    let line = text[..text.find("ownr").unwrap()].matches('\n').count() + 1;
    assert!(
        run.stderr.contains(&format!(
            "{}:{line}:1: unknown field `ownr`",
            typo.display()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("^"), "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        status_of(&report, "NET-001", PARTNER_SSH).as_deref(),
        Some("fail")
    );
    assert_eq!(report["waivers"]["invalid"][0]["line"], line);

    // --strict-waivers: the same file is an error before anything runs.
    let run = scan(&[
        "--format",
        "json",
        "--waivers",
        arg(&typo),
        "--strict-waivers",
    ]);
    run.expect_code(exit::USAGE);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("--strict-waivers"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown field `ownr`"),
        "{}",
        run.stderr
    );
}

#[allow(non_snake_case)]
fn WAIVERS_PATH() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(WAIVERS)
}

#[test]
fn strict_waivers_make_stale_ones_an_error_after_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let run = scan(&[
        "--format",
        &format!("json={}", out.display()),
        "--waivers",
        WAIVERS,
        "--strict-waivers",
    ]);
    run.expect_code(exit::USAGE);
    assert!(
        run.stderr.contains(&format!(
            "{WAIVERS}:{}: stale waiver: rule ENC-002 resource arn:aws:s3:::kliv-customer-databases matches no failure",
            line_of("kliv-customer-databases")
        )),
        "{}",
        run.stderr
    );
    // The report was written: the scan itself is not lost.
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["waivers"]["stale"].as_array().unwrap().len(), 1);
}

#[test]
fn the_rule_pack_caps_how_far_ahead_a_waiver_may_run() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/kliv.toml"))
            .unwrap();
    std::fs::write(
        &pack,
        format!("[waivers]\nmax_days = 60\nwarn_days = 3\n\n{builtin}"),
    )
    .unwrap();
    let run = scan(&[
        "--format",
        "json",
        "--waivers",
        WAIVERS,
        "--rules",
        arg(&pack),
    ]);
    run.expect_code(exit::BROKEN);
    // The partner waiver runs to 2027-03-01, more than 60 days after the
    // collection (2026-11-20): malformed, it waives nothing.
    assert!(run.stderr.contains("at most 60 days"), "{}", run.stderr);
    let report = run.json();
    assert_eq!(
        status_of(&report, "NET-001", PARTNER_SSH).as_deref(),
        Some("fail")
    );
    // The reports waiver (ten days left) is within the cap but outside the
    // 3-day warning.
    assert_eq!(
        status_of(&report, "HA-001", REPORTS_DB).as_deref(),
        Some("waived")
    );
    assert!(report["waivers"]["expiring"].as_array().unwrap().is_empty());
    // --waiver-warn-days overrides the pack.
    let run = scan(&[
        "--format",
        "json",
        "--waivers",
        WAIVERS,
        "--waiver-warn-days",
        "120",
    ]);
    assert_eq!(
        run.json()["waivers"]["expiring"].as_array().unwrap().len(),
        2
    );
}

/// The example estate with /kliv/debug fixed (90 days) and /kliv/api
/// broken (7 days).
fn changed_estate(dir: &Path) -> std::path::PathBuf {
    let mut doc: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(ESTATE)).unwrap(),
    )
    .unwrap();
    for group in doc["log_groups"].as_array_mut().unwrap() {
        match group["name"].as_str().unwrap() {
            "/kliv/debug" => group["retention_days"] = 90.into(),
            "/kliv/api" => group["retention_days"] = 7.into(),
            _ => {}
        }
    }
    let path = dir.join("estate-2.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

#[test]
fn a_baseline_marks_new_existing_and_fixed_and_can_gate_on_new_only() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    scan(&["--format", &format!("json={}", old.display())]).expect_code(exit::BROKEN);
    let estate2 = changed_estate(dir.path());
    let run = conform_offline(&[
        "scan",
        "--inventory",
        arg(&estate2),
        "--format",
        "json",
        "--baseline",
        arg(&old),
    ]);
    run.expect_code(exit::BROKEN);
    let report = run.json();
    assert_eq!(finding(&report, "LOG-001", API_LOGS)["baseline"], "new");
    assert_eq!(
        finding(&report, "NET-001", PARTNER_SSH)["baseline"],
        "existing"
    );
    assert!(
        finding(&report, "LOG-001", DEBUG_LOGS)
            .get("baseline")
            .is_none()
    );
    let b = &report["baseline"];
    assert_eq!(b["new"], 1);
    assert_eq!(
        b["existing"],
        report["summary"]["failed"].as_u64().unwrap() - 1
    );
    let fixed: Vec<&str> = b["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["arn"].as_str().unwrap())
        .collect();
    assert_eq!(fixed, vec![DEBUG_LOGS]);

    // --fail-on-new-only: the new failure is medium.
    let gate = |fail_on: &str| {
        conform_offline(&[
            "scan",
            "--inventory",
            arg(&estate2),
            "--baseline",
            arg(&old),
            "--fail-on-new-only",
            "--fail-on",
            fail_on,
        ])
    };
    gate("medium").expect_code(exit::BROKEN);
    // Above medium nothing new fails; the old unknowns make it incomplete.
    gate("high").expect_code(exit::INCOMPLETE);
    // Without --fail-on-new-only the existing critical failures count.
    conform_offline(&[
        "scan",
        "--inventory",
        arg(&estate2),
        "--baseline",
        arg(&old),
        "--fail-on",
        "high",
    ])
    .expect_code(exit::BROKEN);

    let text = conform_offline(&[
        "scan",
        "--inventory",
        arg(&estate2),
        "--baseline",
        arg(&old),
    ]);
    assert!(
        text.stdout.contains("✗ fail    NEW /kliv/api"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("Baseline: 1 new · "),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("✓ fixed LOG-001 /kliv/debug"),
        "{}",
        text.stdout
    );

    // Without a baseline the flag is refused.
    conform_offline(&["scan", "--inventory", ESTATE, "--fail-on-new-only"])
        .expect_code(exit::USAGE);
}

#[test]
fn diff_shows_what_changed_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    scan(&[
        "--format",
        &format!("json={}", old.display()),
        "--waivers",
        WAIVERS,
    ])
    .expect_code(exit::BROKEN);
    // The second scan: one log group fixed, one broken, and the reports
    // database's waiver past its expiry.
    let estate2 = changed_estate(dir.path());
    conform_offline(&[
        "scan",
        "--inventory",
        arg(&estate2),
        "--waivers",
        WAIVERS,
        "--now",
        "2026-12-01T00:00:00Z",
        "--format",
        &format!("json={}", new.display()),
    ])
    .expect_code(exit::BROKEN);

    let run = conform_offline(&["diff", arg(&old), arg(&new), "--format", "json"]);
    run.expect_code(exit::BROKEN);
    let d = run.json();
    assert_eq!(d["schema"], "conform-diff");
    let arns = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule_id"].as_str().unwrap(),
                    f["resource"]["arn"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(arns("new_failures"), vec![format!("LOG-001 {API_LOGS}")]);
    assert_eq!(arns("fixed"), vec![format!("LOG-001 {DEBUG_LOGS}")]);
    assert_eq!(arns("waivers_ended"), vec![format!("HA-001 {REPORTS_DB}")]);
    assert!(arns("waivers_started").is_empty());
    assert!(arns("newly_unknown").is_empty());
    assert_eq!(d["still_waived"], 1);
    assert!(!arns("still_failing").is_empty());

    let text = conform_offline(&["diff", arg(&old), arg(&new)]);
    text.expect_code(exit::BROKEN);
    assert!(
        text.stdout
            .contains("1 new failures · 1 waivers ended · 0 newly unknown · 1 fixed"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("New failures (1):\n  LOG-001  medium   /kliv/api"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("waiver expired: reports is replaced"),
        "{}",
        text.stdout
    );

    let md = conform_offline(&["diff", arg(&old), arg(&new), "--format", "markdown"]);
    md.expect_code(exit::BROKEN);
    assert!(
        md.stdout.starts_with("## conform diff: ❌ new failures\n"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("| New failures | 1 |"), "{}", md.stdout);
    assert!(md.stdout.contains("### Fixed\n"), "{}", md.stdout);

    // The gate: the new failures are medium (LOG-001, HA-001).
    conform_offline(&["diff", arg(&old), arg(&new), "--fail-on", "high"]).expect_code(exit::OK);
    // Nothing changed: exit 0.
    conform_offline(&["diff", arg(&old), arg(&old)]).expect_code(exit::OK);
    // Not a report: exit 2 naming the file.
    let run = conform_offline(&["diff", arg(&old), WAIVERS]);
    run.expect_code(exit::USAGE);
    assert!(run.stderr.contains(WAIVERS), "{}", run.stderr);
}

#[test]
fn merge_keeps_waived_and_baseline_statuses_and_reads_older_reports() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    scan(&["--format", &format!("json={}", old.display())]).expect_code(exit::BROKEN);
    let with = dir.path().join("with.json");
    scan(&[
        "--format",
        &format!("json={}", with.display()),
        "--waivers",
        WAIVERS,
        "--baseline",
        arg(&old),
    ])
    .expect_code(exit::BROKEN);
    let merged = conform_offline(&["merge", arg(&with), "--format", "json"]);
    merged.expect_code(exit::BROKEN);
    let merged = merged.json();
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&with).unwrap()).unwrap();
    assert_eq!(merged["findings"], original["findings"]);
    assert_eq!(merged["summary"], original["summary"]);
    assert_eq!(merged["waivers"], original["waivers"]);
    assert_eq!(merged["baseline"], original["baseline"]);
    let sarif = conform_offline(&["merge", arg(&with), "--format", "sarif"]);
    assert!(sarif.stdout.contains("\"accepted\""));

    // A report as older conform wrote it (no waiver fields at all) still
    // merges and diffs.
    let mut older = original.clone();
    older.as_object_mut().unwrap().remove("waivers");
    older.as_object_mut().unwrap().remove("baseline");
    older["summary"].as_object_mut().unwrap().remove("waived");
    for f in older["findings"].as_array_mut().unwrap() {
        let f = f.as_object_mut().unwrap();
        f.remove("waiver");
        f.remove("baseline");
        if f["status"] == "waived" {
            f.insert("status".into(), "fail".into());
        }
    }
    let older_path = dir.path().join("older.json");
    std::fs::write(&older_path, serde_json::to_string(&older).unwrap()).unwrap();
    conform_offline(&["merge", arg(&older_path)]).expect_code(exit::BROKEN);
    let d = conform_offline(&["diff", arg(&older_path), arg(&with), "--format", "json"]);
    d.expect_code(exit::OK);
    assert_eq!(
        d.json()["waivers_started"].as_array().unwrap().len(),
        original["summary"]["waived"].as_u64().unwrap() as usize
    );
}

/// The README's block that starts with `command`: its lines, without the
/// elisions (`(…`), commands (`$ `) and blank lines.
fn readme_block(command: &str) -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find(&format!("$ {command}\n"))
        .unwrap_or_else(|| panic!("the README shows `{command}`"));
    let block = &readme[start..];
    let end = block.find("```").expect("the block ends");
    block[..end]
        .lines()
        .filter(|l| !l.starts_with("(…") && !l.starts_with("$ ") && !l.is_empty() && *l != "1")
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_waiver_and_diff_examples_are_real() {
    let run = scan(&["--waivers", WAIVERS]);
    run.expect_code(exit::BROKEN);
    let actual: Vec<&str> = run.stdout.lines().collect();
    let shown = readme_block(
        "cargo run -- scan --inventory examples/estate.json --waivers examples/waivers.toml",
    );
    assert!(shown.len() > 15);
    for line in &shown {
        assert!(
            actual.contains(&line.as_str()),
            "README shows a line the scan does not print:\n{line}"
        );
    }

    // The diff example, run in a directory of its own with the README's
    // file names.
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let estate = format!("{root}/{ESTATE}");
    let waivers = dir.path().join("examples");
    std::fs::create_dir(&waivers).unwrap();
    std::fs::copy(format!("{root}/{WAIVERS}"), waivers.join("waivers.toml")).unwrap();
    let in_dir = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_conform"))
            .args(args)
            .current_dir(dir.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    in_dir(&[
        "scan",
        "--inventory",
        &estate,
        "--waivers",
        WAIVERS,
        "--format",
        "json=before.json",
    ]);
    in_dir(&[
        "scan",
        "--inventory",
        &estate,
        "--waivers",
        WAIVERS,
        "--now",
        "2026-12-01T00:00:00Z",
        "--format",
        "json=after.json",
    ]);
    let (code, out) = in_dir(&["diff", "before.json", "after.json"]);
    assert_eq!(code, Some(exit::BROKEN));
    let expected = readme_block("conform diff before.json after.json");
    let actual: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(actual, expected);

    // The baseline line quoted in the README.
    let (_, out) = in_dir(&["scan", "--inventory", &estate, "--baseline", "before.json"]);
    assert!(
        out.contains("\nBaseline: 0 new · 40 existing · 0 fixed  (before.json, collected 2026-11-20T06:00:00Z)\n"),
        "{out}"
    );
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    assert!(readme.contains(
        "`Baseline: 0 new · 40 existing · 0 fixed  (before.json, collected 2026-11-20T06:00:00Z)`"
    ));
}
