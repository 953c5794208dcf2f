//! Golden files: every format of the example estate, the rule pack as
//! `conform rules` lists it, the checks as `conform checks` lists them, the
//! fields of attribute rules as `conform fields` lists them, and
//! `explain` of every rule and check, in tests/snapshots/.
//! A change to any output shows up in review as a diff of these files.
//! `CONFORM_BLESS=1 scripts/test --test it snapshots::` rewrites them after
//! an intended change; without it a difference fails the test and names the
//! files that differ.

use std::path::PathBuf;

use crate::common::*;

/// Whether this run rewrites the golden files instead of comparing.
pub fn bless() -> bool {
    std::env::var("CONFORM_BLESS").is_ok_and(|v| v == "1")
}

/// Compares `actual` with the golden file `name` (under tests/snapshots),
/// or rewrites it under `CONFORM_BLESS=1`. Returns whether it differs.
pub fn differs(name: &str, actual: &str) -> bool {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if bless() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return false;
    }
    std::fs::read_to_string(&path).map_or(true, |expected| expected != actual)
}

fn assert_none_differ(stale: &[String]) {
    assert!(
        stale.is_empty(),
        "these outputs differ from their golden files in tests/snapshots: {stale:?}\n\
         (review the change, then CONFORM_BLESS=1 scripts/test --test it snapshots::)"
    );
}

#[test]
fn example_estate_formats_match_their_snapshots() {
    let mut stale = Vec::new();
    for (format, file) in [
        ("text", "example.txt"),
        ("json", "example.json"),
        ("sarif", "example.sarif"),
        ("markdown", "example.md"),
        ("csv", "example.csv"),
        ("ocsf", "example.ocsf.json"),
        ("asff", "example.asff.jsonl"),
        ("junit", "example.junit.xml"),
        ("html", "example.html"),
    ] {
        let run = conform_offline(&[
            "scan",
            "--inventory",
            "examples/estate.json",
            "--format",
            format,
        ]);
        run.expect_code(1);
        if differs(file, &run.stdout) {
            stale.push(file.to_string());
        }
    }
    assert_none_differ(&stale);
}

#[test]
fn the_rule_pack_listing_matches_its_snapshots() {
    let mut stale = Vec::new();
    for (args, file) in [
        (&["rules", "--format", "json"][..], "rules.json"),
        (&["rules"][..], "rules.txt"),
        (&["checks", "--format", "json"][..], "checks.json"),
        (&["checks"][..], "checks.txt"),
        (&["fields"][..], "fields.txt"),
        (
            &["fields", "AWS::RDS::DBInstance"][..],
            "fields-db-instance.txt",
        ),
        (
            &["fields", "db-instances", "--format", "json"][..],
            "fields-db-instance.json",
        ),
    ] {
        let run = conform_offline(args);
        run.expect_code(0);
        if differs(file, &run.stdout) {
            stale.push(file.to_string());
        }
    }
    assert_none_differ(&stale);
}

/// `explain` of every rule of the pack and of every check the pack uses, in
/// one file: the documentation a check gives must follow the parameters of
/// the rule that uses it.
#[test]
fn explain_of_every_rule_and_check_matches_its_snapshot() {
    let listing = conform_offline(&["rules", "--format", "json"]);
    listing.expect_code(0);
    let rules: serde_json::Value = serde_json::from_str(&listing.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    let mut ids: Vec<String> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut checks: Vec<String> = rules
        .iter()
        .flat_map(|r| r["checks"].as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    checks.sort();
    checks.dedup();
    assert!(ids.len() >= 18 && checks.len() >= 25, "{ids:?} {checks:?}");
    ids.extend(checks);
    let mut all = String::new();
    for id in &ids {
        let run = conform_offline(&["explain", id]);
        run.expect_code(0);
        all.push_str(&format!("==================== conform explain {id}\n"));
        all.push_str(&run.stdout);
    }
    let stale: Vec<String> = differs("explain.txt", &all)
        .then(|| "explain.txt".to_string())
        .into_iter()
        .collect();
    assert_none_differ(&stale);
}
