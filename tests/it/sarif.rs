//! SARIF that GitHub code scanning accepts: valid against the OASIS SARIF
//! 2.1.0 schema (errata01, vendored in tests/schemas), located on the
//! policy line, with fingerprints that survive re-scans. These tests
//! evaluate saved inventories, so they need no AWS emulator.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs conform with no AWS configuration at all (offline evaluation
/// must not need any).
fn conform(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_conform"));
    cmd.args(args).current_dir(root());
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("run conform")
}

fn sarif_of(inventory: &Path) -> Value {
    let out = conform(&[
        "scan",
        "--inventory",
        inventory.to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    assert!(
        matches!(out.status.code(), Some(0..=3)),
        "conform failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn estate() -> PathBuf {
    root().join("examples/estate.json")
}

fn schema_errors(log: &Value) -> Vec<String> {
    common::sarif_schema_errors(log)
}

pub fn assert_valid_sarif(log: &Value) {
    let errors = schema_errors(log);
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

/// The results of every run (one run per account).
fn results(log: &Value) -> Vec<&Value> {
    log["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .flat_map(|run| run["results"].as_array().expect("results"))
        .collect()
}

#[test]
fn example_estate_sarif_validates_against_the_schema() {
    let log = sarif_of(&estate());
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    // The example estate has two accounts: a run (and a category) each.
    assert_eq!(
        log["runs"].as_array().unwrap().len(),
        2,
        "one run per account"
    );
}

#[test]
fn the_schema_validator_can_fail() {
    let mut log = sarif_of(&estate());
    log["runs"][0]["results"][0]["level"] = Value::from("catastrophic");
    let errors = schema_errors(&log);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("/runs/0/results/0/level"), "{errors:?}");
}

#[test]
fn results_point_at_the_promise_and_carry_the_resource() {
    let log = sarif_of(&estate());
    let json_out = conform(&[
        "scan",
        "--inventory",
        estate().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    let failures: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    let results = results(&log);
    assert_eq!(
        results.len(),
        failures.len(),
        "one result per failing (rule, resource)"
    );
    assert!(!results.is_empty());

    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let rule_id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id);
        let physical = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "policy/security-policy.sv.md"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let line = physical["region"]["startLine"].as_u64().unwrap();
        let finding = failures
            .iter()
            .find(|f| f["rule_id"] == rule_id && f["resource"]["arn"] == r["properties"]["arn"])
            .expect("a finding for every result");
        assert_eq!(line, finding["promise"]["line"].as_u64().unwrap());
        let logical = &r["locations"][0]["logicalLocations"][0];
        assert_eq!(logical["fullyQualifiedName"], finding["resource"]["arn"]);
        assert_eq!(r["properties"]["account"], finding["resource"]["account"]);
        assert_eq!(r["properties"]["region"], finding["resource"]["region"]);
        assert_eq!(r["properties"]["evidence"], finding["evidence"]);
        let message = r["message"]["text"].as_str().unwrap();
        assert!(
            message.contains(finding["resource"]["name"].as_str().unwrap()),
            "{message}"
        );
        let hash = r["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        assert!(hash.len() > 16, "{hash}");
    }
}

#[test]
fn rules_carry_help_severity_and_tags() {
    let log = sarif_of(&estate());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() >= 12);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&severity), "{id}: {severity}");
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&Value::from("security")), "{id}");
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("How to fix"),
            "{id}"
        );
        assert!(
            rule["help"]["text"].as_str().unwrap().contains("Promise"),
            "{id}"
        );
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        assert_eq!(rule["properties"]["precision"], "very-high");
    }
    let net001 = rules.iter().find(|r| r["id"] == "NET-001").unwrap();
    assert_eq!(net001["properties"]["security-severity"], "9.5");
}

#[test]
fn unreadable_data_is_a_notification_not_a_result_and_not_silent() {
    let log = sarif_of(&estate());
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let texts: Vec<&str> = notes
        .iter()
        .map(|n| n["message"]["text"].as_str().unwrap())
        .collect();
    // The example estate's scan role could not read log groups in us-east-1,
    // nor the encryption of one bucket.
    assert!(
        texts
            .iter()
            .any(|t| t.contains("log-groups") && t.contains("AccessDeniedException")),
        "{texts:#?}"
    );
    assert!(texts.iter().any(|t| t.contains("kliv-audit")), "{texts:#?}");
    for r in results(&log) {
        let arn = r["properties"]["arn"].as_str().unwrap();
        assert!(
            !arn.contains("kliv-audit"),
            "an unknown verdict became a result"
        );
    }
    // One category per account, with that account's regions.
    let automation = log["runs"][0]["automationDetails"]["id"].as_str().unwrap();
    assert!(
        automation.starts_with("conform/111122223333/eu-north-1+us-east-1/"),
        "{automation}"
    );
    let automation = log["runs"][1]["automationDetails"]["id"].as_str().unwrap();
    assert!(
        automation.starts_with("conform/444455556666/eu-north-1/"),
        "{automation}"
    );
}

/// Fingerprints are the same across scans of the same estate, and fixing a
/// resource removes exactly its results.
#[test]
fn fingerprints_are_stable_and_fixes_close_exactly_their_alerts() {
    let fingerprints = |log: &Value| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = results(log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    format!(
                        "{} {}",
                        r["ruleId"].as_str().unwrap(),
                        r["properties"]["arn"].as_str().unwrap()
                    ),
                )
            })
            .collect();
        v.sort();
        v
    };
    let first = fingerprints(&sarif_of(&estate()));
    let second = fingerprints(&sarif_of(&estate()));
    assert_eq!(first, second);
    let unique: std::collections::BTreeSet<&String> = first.iter().map(|(h, _)| h).collect();
    assert_eq!(
        unique.len(),
        first.len(),
        "fingerprints are unique per (rule, resource)"
    );

    // Fix one volume and one log group; rename a security group (its tags
    // and name change, its identity does not).
    let mut inventory: Value =
        serde_json::from_str(&std::fs::read_to_string(estate()).unwrap()).unwrap();
    for v in inventory["volumes"].as_array_mut().unwrap() {
        v["encrypted"] = Value::from(true);
    }
    for g in inventory["log_groups"].as_array_mut().unwrap() {
        if g["name"] == "/kliv/debug" {
            g["retention_days"] = Value::from(30);
        }
    }
    for sg in inventory["security_groups"].as_array_mut().unwrap() {
        sg["name"] = Value::from(format!("renamed-{}", sg["name"].as_str().unwrap()));
        sg["tags"] = serde_json::json!({"Name": "renamed"});
    }
    let dir = tempfile::tempdir().unwrap();
    let fixed_path = dir.path().join("fixed.json");
    std::fs::write(&fixed_path, serde_json::to_string(&inventory).unwrap()).unwrap();
    let after = fingerprints(&sarif_of(&fixed_path));

    let closed: Vec<&(String, String)> = first.iter().filter(|f| !after.contains(f)).collect();
    let opened: Vec<&(String, String)> = after.iter().filter(|f| !first.contains(f)).collect();
    assert!(
        opened.is_empty(),
        "a fix or a rename opened alerts: {opened:?}"
    );
    let closed_what: Vec<&str> = closed.iter().map(|(_, what)| what.as_str()).collect();
    assert_eq!(closed_what.len(), 2, "{closed_what:?}");
    assert!(
        closed_what
            .iter()
            .any(|w| w.starts_with("ENC-001") && w.contains(":volume/"))
    );
    assert!(
        closed_what
            .iter()
            .any(|w| w.starts_with("LOG-001") && w.contains("/kliv/debug"))
    );
}

#[test]
fn several_formats_from_one_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let md = dir.path().join("summary.md");
    let out = conform(&[
        "scan",
        "--inventory",
        estate().to_str().unwrap(),
        "--format",
        &format!("sarif={}", sarif.display()),
        "--format",
        &format!("markdown={}", md.display()),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_valid_sarif(&log);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(report["schema"], "conform-report");
    let summary = std::fs::read_to_string(&md).unwrap();
    assert!(summary.starts_with("## conform: "), "{summary}");
    assert!(summary.contains("| Rule | Severity | Promise | Failed | Unknown | Passed |"));
    assert!(summary.contains("**NET-001**"));
    assert!(summary.contains("### Failures"));
    assert!(summary.contains("### Could not evaluate"));

    // Two reports cannot both go to standard output.
    let out = conform(&[
        "scan",
        "--inventory",
        estate().to_str().unwrap(),
        "--format",
        "json",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only one --format"));
}

/// Microsoft's SARIF multitool, with GitHub's ingestion rules on: no error
/// or warning. (It exits 0 even when it finds problems, so its output log
/// is read instead. SARIF2006 is off: it would fetch URIs over the network.
/// Where the machine allows, it also runs without a network namespace of
/// its own, so nothing can leave loopback.)
#[test]
fn sarif_multitool_finds_no_errors_or_warnings() {
    multitool_check(&[]);
}

/// The same with waivers and a baseline: results with `suppressions` and
/// `baselineState` pass GitHub's rules too.
#[test]
fn sarif_multitool_accepts_suppressions_and_baseline_states() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let out = conform(&[
        "scan",
        "--inventory",
        estate().to_str().unwrap(),
        "--format",
        &format!("json={}", baseline.display()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log = multitool_check(&[
        "--waivers",
        "examples/waivers.toml",
        "--baseline",
        baseline.to_str().unwrap(),
    ]);
    let results = results(&log);
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["status"] == "accepted")
    );
    assert!(results.iter().all(|r| r["baselineState"] == "unchanged"));
}

/// Validates the SARIF of the example estate (scanned with `extra`
/// flags) with the multitool; returns the log.
fn multitool_check(extra: &[&str]) -> Value {
    let multitool = std::env::var("CONFORM_SARIF_MULTITOOL").expect(
        "CONFORM_SARIF_MULTITOOL is not set: run the tests with scripts/test, which installs it",
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("estate.sarif");
    let output = dir.path().join("validation.sarif");
    let format = format!("sarif={}", input.display());
    let estate = estate();
    let mut args = vec![
        "scan",
        "--inventory",
        estate.to_str().unwrap(),
        "--format",
        &format,
    ];
    args.extend_from_slice(extra);
    let out = conform(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let offline = Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    let mut cmd = if offline {
        let mut c = Command::new("unshare");
        c.args(["-n", &multitool]);
        c
    } else {
        Command::new(&multitool)
    };
    let status = cmd
        .arg("validate")
        .arg(&input)
        .args(["--rule-kind", "Sarif;Gh", "--level", "Error;Warning;Note"])
        .arg("--config")
        .arg(root().join("tests/tools/multitool-config.xml"))
        .arg("--output")
        .arg(&output)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("run the SARIF multitool");
    assert!(
        status.status.success(),
        "multitool failed to run: {}{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let validation: Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    let problems: Vec<String> = validation["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| matches!(r["level"].as_str(), Some("error") | Some("warning") | None))
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(problems.is_empty(), "multitool: {problems:#?}");
    assert_eq!(
        validation["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    // Proof that it read our log (and can find something): it always notes
    // that no version-control provenance is given, as conform scans AWS
    // rather than a repository.
    assert!(
        validation["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "SARIF2003"),
        "{validation:#}"
    );
    serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap()
}
