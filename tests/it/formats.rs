//! The formats for teams outside GitHub: CSV, OCSF, ASFF and JUnit, each
//! produced from the example estate, from an estate of hostile names and
//! tags, and from an emulator scan, and read back by an independent tool
//! (tests/tools/validate_formats.py: Python's csv module, Prowler's OCSF
//! models, botocore's BatchImportFindings validation, a JUnit XSD) that
//! compares every verdict with the JSON report of the same scan.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::hostile::hostile_estate;
use common::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> String {
    std::env::var("CONFORM_TEST_PYTHON").expect(
        "CONFORM_TEST_PYTHON is not set: run the tests with scripts/test, which installs the validators",
    )
}

/// Runs the independent reader of `kind` on `file`; returns its complaints.
fn validate(kind: &str, file: &Path, json: &Path) -> Vec<String> {
    let mut cmd = Command::new(python());
    cmd.arg(root().join("tests/tools/validate_formats.py"))
        .arg(kind)
        .arg(file)
        .arg(json);
    if kind == "junit" {
        cmd.arg(root().join("tests/schemas/junit-10.xsd"));
    }
    let out = cmd.output().expect("run validate_formats.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut problems: Vec<String> = stdout.lines().map(str::to_string).collect();
    if !out.status.success() && problems.is_empty() {
        problems.push(format!(
            "validator failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    problems
}

const KINDS: [&str; 4] = ["csv", "ocsf", "asff", "junit"];

/// Writes every format of one evaluation of `inventory` into `dir`.
fn all_formats(inventory: &Path, dir: &Path) {
    all_formats_with(inventory, dir, &[]);
}

/// The same, with more arguments to `conform scan`.
fn all_formats_with(inventory: &Path, dir: &Path, extra: &[&str]) {
    let mut args: Vec<String> = vec![
        "scan".into(),
        "--inventory".into(),
        inventory.display().to_string(),
        "--format".into(),
        format!("json={}", dir.join("report.json").display()),
    ];
    for kind in KINDS {
        args.push("--format".into());
        args.push(format!("{kind}={}", dir.join(kind).display()));
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = conform_offline(&args);
    assert!(matches!(run.code, Some(1 | 3)), "{}", run.stderr);
}

fn assert_all_valid(dir: &Path) {
    for kind in KINDS {
        let problems = validate(kind, &dir.join(kind), &dir.join("report.json"));
        assert!(
            problems.is_empty(),
            "{kind} does not read back:\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn example_estate_formats_read_back() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(&root().join("examples/estate.json"), dir.path());
    assert_all_valid(dir.path());
}

#[test]
fn hostile_names_and_tags_stay_data_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let estate = hostile_estate(dir.path());
    all_formats(&estate, dir.path());
    assert_all_valid(dir.path());
    // The hostile names made it into the report (the test is not vacuous).
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert!(
        findings(&report).iter().any(|f| f["resource"]["name"]
            .as_str()
            .unwrap_or("")
            .starts_with("=HYPERLINK")),
        "no hostile name in the report"
    );
    let csv = std::fs::read_to_string(dir.path().join("csv")).unwrap();
    assert!(!csv.contains("\n=HYPERLINK") && !csv.contains(",=HYPERLINK"));
    assert!(csv.contains("'=HYPERLINK"));
    let junit = std::fs::read_to_string(dir.path().join("junit")).unwrap();
    assert!(!junit.contains("<script>") && !junit.contains('\u{7}'));
}

#[test]
fn the_validators_can_fail() {
    let dir = tempfile::tempdir().unwrap();
    all_formats(&root().join("examples/estate.json"), dir.path());
    let d = dir.path();
    let json = d.join("report.json");
    // CSV: a row dropped.
    let csv = std::fs::read_to_string(d.join("csv")).unwrap();
    let cut = csv.rfind("\r\n").unwrap();
    let cut = csv[..cut].rfind("\r\n").unwrap();
    std::fs::write(d.join("csv-bad"), &csv[..cut + 2]).unwrap();
    assert!(!validate("csv", &d.join("csv-bad"), &json).is_empty());
    // OCSF: a severity OCSF does not define.
    let mut ocsf: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ocsf")).unwrap()).unwrap();
    ocsf[0]["severity_id"] = Value::from(42);
    std::fs::write(d.join("ocsf-bad"), ocsf.to_string()).unwrap();
    assert!(!validate("ocsf", &d.join("ocsf-bad"), &json).is_empty());
    // ASFF: a finding without its required ProductArn.
    let asff = std::fs::read_to_string(d.join("asff")).unwrap();
    let mut first: Value = serde_json::from_str(asff.lines().next().unwrap()).unwrap();
    first["Findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("ProductArn");
    let rest: Vec<&str> = asff.lines().skip(1).collect();
    std::fs::write(
        d.join("asff-bad"),
        format!("{first}\n{}\n", rest.join("\n")),
    )
    .unwrap();
    let problems = validate("asff", &d.join("asff-bad"), &json);
    assert!(
        problems.iter().any(|p| p.contains("ProductArn")),
        "{problems:?}"
    );
    // JUnit: an element the schema does not know.
    let junit = std::fs::read_to_string(d.join("junit")).unwrap();
    std::fs::write(
        d.join("junit-bad"),
        junit.replacen("<testcase ", "<testcase bogus=\"1\" ", 1),
    )
    .unwrap();
    assert!(!validate("junit", &d.join("junit-bad"), &json).is_empty());
}

/// A waived failure is `waived` with its waiver (reason, owner, expiry,
/// ticket) in every format, and each validator notices a waiver dropped.
#[test]
fn waived_verdicts_carry_their_waiver_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let waivers = root().join("examples/waivers.toml");
    all_formats_with(
        &root().join("examples/estate.json"),
        d,
        &["--waivers", arg(&waivers)],
    );
    assert_all_valid(d);
    let json = d.join("report.json");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let waived: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["status"] == "waived")
        .collect();
    assert_eq!(waived.len(), 2, "the example waivers waive two failures");
    let reason = |f: &Value| f["waiver"]["reason"].as_str().unwrap().to_string();
    let sg = waived
        .iter()
        .find(|f| f["rule_id"] == "NET-001")
        .expect("the partner-ssh group is waived");
    let sg_reason = reason(sg);

    // CSV: status `waived` and the waiver's columns.
    let csv = std::fs::read_to_string(d.join("csv")).unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with("waived,critical,NET-001,"))
        .expect("a waived CSV row");
    for part in [
        sg_reason.as_str(),
        "platform-team@kliv.example",
        "2027-03-01",
        "SEC-1042",
    ] {
        assert!(row.contains(part), "{part} missing from {row}");
    }
    std::fs::write(d.join("csv-bad"), csv.replace(",SEC-1042,", ",,")).unwrap();
    assert!(!validate("csv", &d.join("csv-bad"), &json).is_empty());

    // OCSF: Suppressed, the waiver in status_detail and unmapped.
    let ocsf: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ocsf")).unwrap()).unwrap();
    let events = ocsf.as_array().unwrap();
    let suppressed: Vec<&Value> = events
        .iter()
        .filter(|e| e["status"] == "Suppressed")
        .collect();
    assert_eq!(suppressed.len(), waived.len());
    let e = suppressed
        .iter()
        .find(|e| e["compliance"]["control"] == "NET-001")
        .unwrap();
    assert_eq!(e["status_code"], "waived");
    assert!(e["status_detail"].as_str().unwrap().contains(&sg_reason));
    assert_eq!(e["unmapped"]["waiver"], sg["waiver"]);
    let bad = ocsf.to_string().replace(&sg_reason, "something else");
    std::fs::write(d.join("ocsf-bad"), bad).unwrap();
    assert!(!validate("ocsf", &d.join("ocsf-bad"), &json).is_empty());

    // ASFF: FAILED, SUPPRESSED, the waiver in Note and the product fields.
    let asff = std::fs::read_to_string(d.join("asff")).unwrap();
    let all: Vec<Value> = asff
        .lines()
        .flat_map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["Findings"]
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    let x = all
        .iter()
        .find(|x| x["Workflow"]["Status"] == "SUPPRESSED" && x["GeneratorId"] == "conform/NET-001")
        .expect("a suppressed ASFF finding");
    assert_eq!(x["Compliance"]["Status"], "FAILED");
    assert!(x["Note"]["Text"].as_str().unwrap().contains(&sg_reason));
    assert_eq!(x["Note"]["UpdatedBy"], "platform-team@kliv.example");
    assert_eq!(x["ProductFields"]["conform/Waiver/Ticket"], "SEC-1042");
    std::fs::write(d.join("asff-bad"), asff.replace(&sg_reason, "x")).unwrap();
    assert!(!validate("asff", &d.join("asff-bad"), &json).is_empty());

    // JUnit: a skipped case of type waived whose message is the waiver.
    let junit = std::fs::read_to_string(d.join("junit")).unwrap();
    assert_eq!(
        junit
            .matches("<skipped type=\"waived\" message=\"waived: ")
            .count(),
        waived.len(),
        "{junit}"
    );
    assert!(junit.contains(&format!("message=\"waived: {sg_reason} (owner: platform-team@kliv.example, expires 2027-03-01, ticket SEC-1042;")));
    std::fs::write(
        d.join("junit-bad"),
        junit.replace(
            "<skipped type=\"waived\" message=\"waived: ",
            "<skipped type=\"waived\" message=\"",
        ),
    )
    .unwrap();
    assert!(!validate("junit", &d.join("junit-bad"), &json).is_empty());
}

#[test]
fn asff_batches_hold_at_most_100_findings_of_one_region() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::hostile::many_volumes_estate(dir.path(), 150);
    all_formats(&path, dir.path());
    let asff = std::fs::read_to_string(dir.path().join("asff")).unwrap();
    assert!(
        asff.lines().count() > 2,
        "more than 100 findings make several batches"
    );
    assert_all_valid(dir.path());
}

#[test]
fn rules_lists_what_covers_a_control() {
    let run = conform_offline(&["rules", "--control", "ISO27001:2022/A.8.24"]);
    run.expect_code(0);
    for id in ["TLS-001", "TLS-002", "ENC-001", "ENC-002", "ENC-003"] {
        assert!(run.stdout.contains(id), "{id} missing:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("NET-001"), "{}", run.stdout);
    let section = conform_offline(&["rules", "--control", "soc2/cc6", "--format", "json"]);
    section.expect_code(0);
    let rules: Value = serde_json::from_str(&section.stdout).unwrap();
    assert!(rules.as_array().unwrap().iter().all(|r| {
        r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().starts_with("SOC2/CC6."))
    }));
    let none = conform_offline(&["rules", "--control", "PCI-DSS/1.2.3"]);
    none.expect_code(1);
    assert!(none.stderr.contains("covers control"), "{}", none.stderr);
    // Every rule of the Kliv pack names at least one ISO 27001 and one SOC 2
    // control, and they reach SARIF.
    let json = conform_offline(&["rules", "--format", "json"]);
    let rules: Value = serde_json::from_str(&json.stdout).unwrap();
    for r in rules.as_array().unwrap() {
        let controls: Vec<&str> = r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(
            controls.iter().any(|c| c.starts_with("ISO27001:2022/A.")),
            "{r}"
        );
        assert!(controls.iter().any(|c| c.starts_with("SOC2/")), "{r}");
    }
    let sarif = conform_offline(&[
        "scan",
        "--inventory",
        "examples/estate.json",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(
        rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "ISO27001:2022/A.8.20"),
        "{rule}"
    );
    assert_eq!(rule["properties"]["controls"][0], "ISO27001:2022/A.8.20");
}

#[test]
fn a_control_id_with_spaces_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.toml");
    std::fs::write(
        &pack,
        "[[rule]]\nid = \"LOG-001\"\ntitle = \"t\"\nseverity = \"low\"\narea = \"logging\"\ncontrols = [\"ISO 27001\"]\npromise = { file = \"p.md\", line = 1, text = \"x\" }\nchecks = [{ name = \"log-retention\" }]\n",
    )
    .unwrap();
    let run = conform_offline(&["rules", "--rules", arg(&pack)]);
    run.expect_code(2);
    assert!(run.stderr.contains("pack.toml:6:"), "{}", run.stderr);
}

/// Every format from a scan of the emulator (a small estate: a log group
/// kept too briefly and one kept long enough, an unencrypted volume).
#[tokio::test(flavor = "multi_thread")]
async fn emulator_scan_formats_read_back() {
    let account = account().await;
    let config = account.config(REGION).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);
    for (name, days) in [("/formats/short", 7), ("/formats/long", 90)] {
        estate::log_group(&logs, &account, name, Some(days)).await;
    }
    estate::volume(&ec2, false).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args: Vec<String> = vec![
        "scan".into(),
        "--region".into(),
        REGION.into(),
        "--format".into(),
        format!("json={}", d.join("report.json").display()),
    ];
    for kind in KINDS {
        args.push("--format".into());
        args.push(format!("{kind}={}", d.join(kind).display()));
    }
    // (A browser needs the extension to read it as HTML.)
    args.push("--format".into());
    args.push(format!("html={}", d.join("report.html").display()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = conform(&args, &account);
    run.expect_code(conform::exit::BROKEN);
    assert_all_valid(d);
    let html = std::fs::read_to_string(d.join("report.html")).unwrap();
    assert!(
        html.contains("/formats/short"),
        "the HTML report lists the scan's findings"
    );
    // The ASFF lines, sent as they are to the emulator's Security Hub
    // (the test imports; conform never does), all come back.
    let out = Command::new(python())
        .arg(root().join("tests/tools/validate_formats.py"))
        .arg("asff-import")
        .arg(d.join("asff"))
        .arg(d.join("report.json"))
        .arg(&Emulator::from_env().endpoint)
        .envs(account.env())
        .output()
        .expect("run validate_formats.py");
    assert!(
        out.status.success(),
        "ASFF import into the emulator failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Opened in the browser, it lists exactly the broken and unknown verdicts.
    if let Some(chromium) = browser::chromium() {
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
        let listed = findings(&report)
            .iter()
            .filter(|f| f["status"] != "pass")
            .count();
        let dom = browser::load(&chromium, &d.join("report.html"), "");
        assert_eq!(browser::matching(&dom), listed);
        assert_eq!(
            browser::text_of(&dom, "count-fail"),
            report["summary"]["failed"].to_string()
        );
    }
}
