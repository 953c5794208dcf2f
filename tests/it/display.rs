//! Display filters for big estates (text and HTML): --severity, --rule,
//! --account, --status, --quiet, and the summary first as well as last.
//! Filters change what is listed, never the counts or the exit code.

use crate::common;

use common::*;
use serde_json::Value;

const ESTATE: &str = "examples/estate.json";

fn text(extra: &[&str]) -> Run {
    let mut args = vec!["scan", "--inventory", ESTATE];
    args.extend_from_slice(extra);
    conform_offline(&args)
}

fn json_report() -> Value {
    text(&["--format", "json"]).json()
}

/// The rule headers the text report printed ("NET-001 FAIL [critical] ...").
fn headers(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| {
            l.split(' ').next().is_some_and(|id| {
                id.len() >= 6
                    && id.contains('-')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            })
        })
        .map(|l| l.split(' ').next().unwrap())
        .collect()
}

/// The verdict lines ("  ✗ fail    NAME  TYPE · account ID · REGION").
fn verdicts(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("  ✗ ") || l.starts_with("  ? ") || l.starts_with("  ✓ "))
        .collect()
}

#[test]
fn the_summary_comes_first_and_last_and_quiet_prints_only_it() {
    let full = text(&[]);
    full.expect_code(1);
    assert!(
        full.stdout.starts_with("Summary: 18 rules"),
        "{}",
        &full.stdout[..200]
    );
    assert_eq!(full.stdout.matches("Summary: 18 rules").count(), 2);
    let quiet = text(&["--quiet"]);
    quiet.expect_code(1);
    assert!(quiet.stdout.starts_with("Summary: 18 rules"));
    assert_eq!(quiet.stdout.matches("Summary:").count(), 1);
    assert!(headers(&quiet.stdout).is_empty(), "{}", quiet.stdout);
    assert!(verdicts(&quiet.stdout).is_empty());
}

#[test]
fn filters_choose_what_is_listed_not_what_is_counted() {
    let report = json_report();
    let all = text(&[]);
    // --severity: only critical rules' findings; the counts are the same.
    let critical = text(&["--severity", "critical"]);
    critical.expect_code(1);
    assert_eq!(headers(&critical.stdout), vec!["NET-001"]);
    let summary = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("Summary:"))
            .unwrap()
            .to_string()
    };
    assert_eq!(summary(&critical.stdout), summary(&all.stdout));
    assert!(
        critical
            .stdout
            .contains("Listing only: severity critical or higher")
    );
    // --rule with a glob, and --status.
    let enc = text(&["--rule", "enc-*", "--status", "unknown"]);
    assert_eq!(headers(&enc.stdout), vec!["ENC-001", "ENC-002", "ENC-003"]);
    let expected = findings(&report)
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("ENC-") && f["status"] == "unknown")
        .count();
    assert_eq!(verdicts(&enc.stdout).len(), expected);
    assert!(
        verdicts(&enc.stdout)
            .iter()
            .all(|l| l.starts_with("  ? unknown"))
    );
    // --account.
    let account = "444455556666";
    let one = text(&["--account", account]);
    let lines = verdicts(&one.stdout);
    let expected = findings(&report)
        .iter()
        .filter(|f| f["resource"]["account"] == account && f["status"] != "pass")
        .count();
    assert!(expected > 0);
    assert_eq!(lines.len(), expected);
    assert!(
        lines
            .iter()
            .all(|l| l.contains(&format!("account {account}"))),
        "{lines:#?}"
    );
    // --status pass lists what is kept.
    let kept = text(&["--status", "pass", "--rule", "NET-001"]);
    let expected = findings(&report)
        .iter()
        .filter(|f| f["rule_id"] == "NET-001" && f["status"] == "pass")
        .count();
    assert_eq!(verdicts(&kept.stdout).len(), expected);
    assert!(
        verdicts(&kept.stdout)
            .iter()
            .all(|l| l.starts_with("  ✓ pass"))
    );
}

#[test]
fn bad_filters_are_usage_errors() {
    for args in [
        &["--rule", "NET-[0"][..],
        &["--status", "broke"][..],
        &["--severity", "severe"][..],
    ] {
        let run = text(args);
        run.expect_code(2);
    }
}

#[test]
fn the_html_report_lists_what_the_filters_choose() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let run = text(&[
        "--format",
        &format!("html={}", html.display()),
        "--severity",
        "high",
    ]);
    run.expect_code(1);
    let page = std::fs::read_to_string(&html).unwrap();
    let report = json_report();
    let expected = findings(&report)
        .iter()
        .filter(|f| {
            f["status"] != "pass" && matches!(f["severity"].as_str(), Some("high" | "critical"))
        })
        .count();
    assert!(
        page.contains(&format!("<b id=\"shown-count\">{expected}</b>")),
        "expected {expected} listed"
    );
    assert!(page.contains("severity high or higher"));
    // The counts are of the whole scan.
    let failed = report["summary"]["failed"].as_u64().unwrap();
    assert!(page.contains(&format!("<b id=\"count-fail\">{failed}</b>")));
}

/// A rule that judged nothing says why, from what the evaluation recorded:
/// the resources its scope or its `exclude` set aside; with none set aside,
/// that the inventory holds nothing its checks judge.
#[test]
fn a_rule_that_judged_nothing_says_what_was_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack_of(&["NET-001", "NET-004", "ENC-001"]);
    let pack = pack
        .replacen(
            "id = \"NET-001\"",
            "id = \"NET-001\"\nexclude = { names = [\"sg-*\"] }",
            1,
        )
        .replacen(
            "id = \"NET-004\"",
            "id = \"NET-004\"\nscope = { accounts = [\"999999999999\"] }",
            1,
        );
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, &pack).unwrap();
    let run = text(&["--rules", arg(&rules)]);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let report = text(&["--format", "json"]).json();
    let in_estate = |rule: &str| {
        findings(&report)
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .count()
    };
    let block = |id: &str| -> String {
        let start = run
            .stdout
            .find(&format!("\n{id} "))
            .unwrap_or_else(|| panic!("{id}:\n{}", run.stdout));
        let rest = &run.stdout[start + 1..];
        rest[..rest.find("\n\n").unwrap()].to_string()
    };
    let net001 = block("NET-001");
    assert!(net001.starts_with("NET-001 N/A"), "{net001}");
    assert!(
        net001.contains(&format!(
            "no resource judged: set aside {} resources matched by its exclude",
            in_estate("NET-001")
        )),
        "{net001}"
    );
    let net004 = block("NET-004");
    assert!(
        net004.contains(&format!(
            "no resource judged: set aside {} resources outside its scope",
            in_estate("NET-004")
        )),
        "{net004}"
    );
    // ENC-001 judged its resources as before.
    assert!(!block("ENC-001").contains("no resource judged"));
    // JUnit says the same in its skipped case.
    let junit = text(&["--rules", arg(&rules), "--format", "junit"]);
    assert!(
        junit.stdout.contains(&format!(
            "<skipped message=\"no resource judged: set aside {} resources outside its scope\"/>",
            in_estate("NET-004")
        )),
        "{}",
        junit.stdout
    );
}

/// What a rule's checks looked at and deliberately did not judge is
/// counted per reason, inside the rule's scope: the text report's tally
/// line and the JSON report say it, and `conform merge` keeps it.
#[test]
fn what_checks_do_not_judge_is_counted_within_the_scope() {
    let internal = "internal load balancer, not exposed to the internet";
    let report = json_report();
    assert_eq!(report["not_judged"]["NET-004"][internal], 1, "{report:#}");
    let run = text(&[]);
    assert!(
        run.stdout
            .contains(&format!("passed; not judged: 1 × {internal}")),
        "{}",
        run.stdout
    );

    // Excluded by name, the internal load balancer is not counted.
    let dir = tempfile::tempdir().unwrap();
    let pack = pack_of(&["NET-004"]).replacen(
        "id = \"NET-004\"",
        "id = \"NET-004\"\nexclude = { names = [\"internal-api\"] }",
        1,
    );
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, &pack).unwrap();
    let scoped = text(&["--rules", arg(&rules), "--format", "json"]).json();
    assert!(scoped["not_judged"]["NET-004"].is_null(), "{scoped:#}");
    assert!(!scoped["findings"].as_array().unwrap().is_empty());

    // A resource another check of the rule judges is not counted.
    let mut pack: toml::Table = toml::from_str(&pack_of(&["NET-004"])).unwrap();
    let rule = &mut pack["rule"].as_array_mut().unwrap()[0];
    let mut multi_az = toml::Table::new();
    multi_az.insert("name".into(), "lb-multi-az".into());
    rule["checks"]
        .as_array_mut()
        .unwrap()
        .push(toml::Value::Table(multi_az));
    std::fs::write(&rules, toml::to_string(&pack).unwrap()).unwrap();
    let both = text(&["--rules", arg(&rules), "--format", "json"]).json();
    assert!(both["not_judged"]["NET-004"].is_null(), "{both:#}");
    assert!(
        both["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["resource"]["name"] == "internal-api"),
        "lb-multi-az judges the internal load balancer"
    );

    // merge keeps the counts.
    let saved = dir.path().join("report.json");
    text(&["--format", &format!("json={}", saved.display())]);
    let merged = conform_offline(&["merge", arg(&saved), "--format", "json"]).json();
    assert_eq!(merged["not_judged"], report["not_judged"]);
}
