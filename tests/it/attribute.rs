//! Attribute rules (`kind` with `require` or `expr`) as a user runs them: a small
//! pack (tests/attribute/rules.toml) over the example estate, in text,
//! JSON and SARIF; a pack full of mistakes (tests/attribute/bad.toml)
//! refused at load with every error at its place (golden:
//! tests/snapshots/attribute-errors.txt); `conform fields`, `rules` and
//! `explain` on them.

use serde_json::Value;

use crate::common::*;
use crate::snapshots::differs;

const PACK: &str = "tests/attribute/rules.toml";

fn scan(format: &str) -> Run {
    let run = conform_offline(&[
        "scan",
        "--inventory",
        "examples/estate.json",
        "--rules",
        PACK,
        "--format",
        format,
    ]);
    run.expect_code(1);
    run
}

/// (rule, resource name, status) of every finding of the JSON report.
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_attribute_pack_judges_the_example_estate_with_field_evidence() {
    let report: Value = serde_json::from_str(&scan("json").stdout).unwrap();
    let mut got = verdicts(&report);
    got.sort();
    let expect = |rule: &str, pairs: &[(&str, &str)]| -> Vec<(String, String, String)> {
        pairs
            .iter()
            .map(|(name, status)| (rule.to_string(), name.to_string(), status.to_string()))
            .collect()
    };
    let all = ["analytics-1", "ledger-1", "ledger-2", "orders", "reports"];
    let mut want = Vec::new();
    want.extend(expect(
        "DB-COPY",
        &all.map(|n| (n, if n == "orders" { "pass" } else { "fail" })),
    ));
    want.extend(expect(
        "DB-ENC",
        &all.map(|n| (n, if n == "reports" { "fail" } else { "pass" })),
    ));
    want.extend(expect("DB-ENGINE", &all.map(|n| (n, "pass"))));
    // ledger-* are excluded by name; the kind was written in lower case.
    want.extend(expect(
        "DB-NET",
        &[
            ("analytics-1", "pass"),
            ("orders", "pass"),
            ("reports", "fail"),
        ],
    ));
    // expr: reports is unencrypted; over every kind (meta only): all in the EU.
    want.extend(expect(
        "DB-EXPR",
        &all.map(|n| (n, if n == "reports" { "fail" } else { "pass" })),
    ));
    want.sort();
    // RES-EU is over every kind (meta only): every resource of the estate
    // outside the EU fails (the US sandbox bucket, the EBS setting of
    // us-east-1), and what was not read is unknown, never a pass.
    let (res, got): (Vec<_>, Vec<_>) = got.into_iter().partition(|(r, _, _)| r == "RES-EU");
    assert_eq!(got, want);
    let status_of = |name: &str| -> Vec<&str> {
        res.iter()
            .filter(|(_, n, _)| n == name)
            .map(|(_, _, s)| s.as_str())
            .collect()
    };
    for n in ["analytics-1", "ledger-1", "ledger-2", "reports"] {
        assert_eq!(status_of(n), ["pass"], "{n}");
    }
    assert_eq!(status_of("sandbox-us"), ["fail"]);
    assert_eq!(
        status_of("all account-public-access-block"),
        ["unknown", "unknown"]
    );
    assert!(res.len() > 50, "every kind is judged: {res:?}");

    // A failing expr names every field it read, and its message is the
    // rule's `message`.
    let expr = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "DB-EXPR" && f["status"] == "fail")
        .unwrap();
    assert_eq!(expr["message"], "reports keeps backups 0 days");
    assert_eq!(
        expr["evidence"],
        serde_json::json!([
            {"field": "StorageEncrypted", "value": "false", "note": "read by the expression"},
            {"field": "BackupRetentionPeriod", "value": "0", "note": "read by the expression"},
            {"field": "DBInstanceAutomatedBackupsReplications", "value": "[]", "note": "read by the expression"},
        ])
    );

    let failing = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "DB-ENC" && f["status"] == "fail")
        .unwrap();
    assert_eq!(
        failing["evidence"],
        serde_json::json!([
            {"field": "StorageEncrypted", "value": "false", "note": "required eq true"},
            {"field": "BackupRetentionPeriod", "value": "0", "note": "required gte 7"},
        ])
    );
    assert_eq!(
        failing["message"],
        "StorageEncrypted is false (required eq true); BackupRetentionPeriod is 0 (required gte 7)"
    );
    assert_eq!(failing["promise"]["line"], 3);

    // SARIF carries the same evidence, and the rule's requirement as its
    // description.
    let sarif: Value = serde_json::from_str(&scan("sarif").stdout).unwrap();
    let run = &sarif["runs"][0];
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DB-NET")
        .unwrap();
    assert_eq!(
        result["properties"]["evidence"],
        serde_json::json!([{"field": "PubliclyAccessible", "value": "true", "note": "required ne true"}])
    );
    let text = result["message"]["text"].as_str().unwrap();
    assert!(
        text.contains("Evidence: PubliclyAccessible = true (required ne true)"),
        "{text}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let net = rules.iter().find(|r| r["id"] == "DB-NET").unwrap();
    let description = net["fullDescription"]["text"].as_str().unwrap();
    assert!(
        description.contains("aws::rds::dbinstance: PubliclyAccessible ne true")
            || description.contains("AWS::RDS::DBInstance: PubliclyAccessible ne true"),
        "{description}"
    );

    // The text report, pinned whole.
    let text = scan("text").stdout;
    assert!(
        !differs("attribute.txt", &text),
        "tests/snapshots/attribute.txt differs (CONFORM_BLESS=1 to rewrite)"
    );
}

#[test]
fn mistakes_are_refused_at_load_each_at_its_place() {
    let run = conform_offline(&["rules", "--rules", "tests/attribute/bad.toml"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        !differs("attribute-errors.txt", &run.stderr),
        "tests/snapshots/attribute-errors.txt differs (CONFORM_BLESS=1 to rewrite):\n{}",
        run.stderr
    );
    // The same errors stop a scan before anything is read.
    let scan = conform_offline(&[
        "scan",
        "--inventory",
        "examples/estate.json",
        "--rules",
        "tests/attribute/bad.toml",
    ]);
    scan.expect_code(2);
    assert!(
        scan.stderr.contains("bad.toml: 17 errors"),
        "{}",
        scan.stderr
    );
}

#[test]
fn rules_and_explain_show_an_attribute_rules_kind_and_requirements() {
    let run = conform_offline(&["rules", "--rules", PACK]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "kind: AWS::RDS::DBInstance · require: StorageEncrypted eq true and BackupRetentionPeriod gte 7\n"
        ),
        "{}",
        run.stdout
    );
    let run = conform_offline(&["explain", "--rules", PACK, "db-copy"]);
    run.expect_code(0);
    assert!(run.stdout.contains("## Attribute rule"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "- `DBInstanceAutomatedBackupsReplications any { DBInstanceAutomatedBackupsArn matches \"arn:aws:rds:eu-west-1:.*\" }`"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn fields_lists_kinds_and_a_kinds_fields() {
    let run = conform_offline(&["fields"]);
    run.expect_code(0);
    assert!(
        run.stdout.lines().next().is_some_and(|l| l
            .starts_with("AWS::RDS::DBInstance ")
            && l.contains(" db-instances ")),
        "{}",
        run.stdout
    );
    let by_type = conform_offline(&["fields", "aws::rds::dbinstance"]);
    by_type.expect_code(0);
    let by_dataset = conform_offline(&["fields", "db-instances"]);
    assert_eq!(by_type.stdout, by_dataset.stdout);
    let json = conform_offline(&["fields", "AWS::RDS::DBInstance", "--format", "json"]);
    json.expect_code(0);
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["schema"], "conform-fields/1");
    let encrypted = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "StorageEncrypted")
        .unwrap();
    assert_eq!(encrypted["type"], "bool");
    let typo = conform_offline(&["fields", "AWS::RDS::DBInstanse"]);
    typo.expect_code(2);
    assert!(
        typo.stderr
            .contains("did you mean \"AWS::RDS::DBInstance\"?"),
        "{}",
        typo.stderr
    );
}

/// The README's `conform fields` example shows lines of the real output
/// (trimmed, never invented).
#[test]
fn the_readmes_fields_example_is_real() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let command = "$ conform fields AWS::RDS::DBInstance\n";
    let start = readme
        .find(command)
        .expect("the README shows conform fields")
        + command.len();
    let block = &readme[start..];
    let block = &block[..block.find("```").unwrap()];
    let run = conform_offline(&["fields", "AWS::RDS::DBInstance"]);
    run.expect_code(0);
    let real: Vec<&str> = run.stdout.lines().collect();
    assert!(block.lines().count() > 5);
    for line in block.lines() {
        assert!(
            real.contains(&line),
            "not in the real output: {line:?}\n{}",
            run.stdout
        );
    }
}
