//! Golden verdicts of every check: for each check a small fixture inventory
//! with the check's tricky cases, a rules file binding that check, and the
//! verdicts conform gives, in `tests/checks/<check>/`:
//!
//! - `inventory.json`: the fixture, a valid saved inventory;
//! - `rules.toml`: a pack whose rules use only that check (with
//!   non-default parameters where the check has any);
//! - `expected.txt`: what `conform scan --inventory inventory.json --rules
//!   rules.toml --format json` reports, one verdict a line
//!   (`STATUS RULE ARN : message`) with its evidence indented below,
//!   after a `# not judged by RULE: N × reason` line for each kind of
//!   resource the check looked at and deliberately did not judge;
//! - `README.md`: what each resource of the fixture is there for, in a
//!   table with a column per rule giving the verdict checked by hand.
//!
//! Every check must have a directory (those of the built-in pack, and the
//! registry's list from conform's message about an unknown check), every fixture
//! must give at least one pass, one fail and one unknown verdict, and the
//! verdicts its README table lists must add up, per rule and status, to
//! the ones conform gives.
//! `CONFORM_BLESS=1 scripts/test --test it checks_golden::` rewrites the
//! expected files after an intended change; review their diff.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;
use crate::snapshots::bless;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/checks")
}

/// The checks the built-in pack uses (every check conform has, today; the
/// snapshot of `conform explain` pins that list).
fn builtin_checks() -> BTreeSet<String> {
    let listing = conform_offline(&["rules", "--format", "json"]);
    listing.expect_code(0);
    let rules: Value = serde_json::from_str(&listing.stdout).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["checks"].as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// Every check conform knows, as its message about an unknown check lists
/// them ("known checks: a, b, ..."), when it does: that also covers checks
/// no rule of the built-in pack uses yet. `None` if the message no longer
/// lists them (the built-in pack's list is then all there is).
fn registered_checks() -> Option<BTreeSet<String>> {
    let dir = std::env::temp_dir().join(format!("conform-checks-golden-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"X-001\"\ntitle = \"x\"\nseverity = \"low\"\narea = \"x\"\n\
         promise = { file = \"policy.md\", line = 1, text = \"x\" }\n\
         checks = [{ name = \"no-such-check\" }]\n",
    )
    .unwrap();
    let run = conform_offline(&["rules", "--rules", arg(&rules)]);
    let _ = std::fs::remove_dir_all(&dir);
    let (_, list) = run.stderr.split_once("known checks: ")?;
    let list = list.split(')').next()?;
    Some(list.split(", ").map(|c| c.trim().to_string()).collect())
}

fn fixture_names() -> BTreeSet<String> {
    std::fs::read_dir(fixtures_dir())
        .expect("tests/checks")
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// One fixture's verdicts as `expected.txt` holds them, and the problems
/// found with the fixture itself.
fn render(check: &str) -> (String, Vec<String>) {
    let dir = format!("tests/checks/{check}");
    let inventory = format!("{dir}/inventory.json");
    let rules = format!("{dir}/rules.toml");
    let args = [
        "scan",
        "--inventory",
        &inventory,
        "--rules",
        &rules,
        "--format",
        "json",
    ];
    let run = conform_offline(&args);
    let mut problems = Vec::new();
    let report: Value = match serde_json::from_str(&run.stdout) {
        Ok(report) => report,
        Err(e) => {
            problems.push(format!(
                "{check}: no JSON report ({e}), exit {:?}: {}",
                run.code, run.stderr
            ));
            return (String::new(), problems);
        }
    };
    for rule in report["rules"].as_array().unwrap() {
        let checks: Vec<&str> = rule["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        if checks != [check] {
            problems.push(format!(
                "{check}: rule {} binds {checks:?}, not only {check}",
                rule["id"]
            ));
        }
    }
    let s = &report["summary"];
    let mut out = format!("# conform {}\n", args.join(" "));
    let _ = writeln!(
        out,
        "# exit {}; {} rules, {} resources: {} failed, {} unknown, {} passed",
        run.code.map_or("none".to_string(), |c| c.to_string()),
        s["rules"],
        s["resources"],
        s["failed"],
        s["unknown"],
        s["passed"],
    );
    // What the check looked at and did not judge, per rule and reason.
    if let Some(not_judged) = report["not_judged"].as_object() {
        for (rule, counts) in not_judged {
            for (why, n) in counts.as_object().unwrap() {
                let _ = writeln!(out, "# not judged by {rule}: {n} × {why}");
            }
        }
    }
    let mut statuses = BTreeSet::new();
    let mut tally: BTreeMap<(String, String), usize> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let status = f["status"].as_str().unwrap();
        statuses.insert(status.to_string());
        *tally
            .entry((
                f["rule_id"].as_str().unwrap().to_string(),
                status.to_string(),
            ))
            .or_default() += 1;
        let _ = writeln!(
            out,
            "{} {} {} : {}",
            status.to_uppercase(),
            f["rule_id"].as_str().unwrap(),
            f["resource"]["arn"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        for e in f["evidence"].as_array().unwrap() {
            let _ = write!(
                out,
                "    {} = {}",
                e["field"].as_str().unwrap_or_default(),
                e["value"].as_str().unwrap_or_default()
            );
            match e["note"].as_str() {
                Some(note) if !note.is_empty() => {
                    let _ = writeln!(out, " ({note})");
                }
                _ => out.push('\n'),
            }
        }
    }
    let rule_ids: Vec<String> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let readme =
        std::fs::read_to_string(fixtures_dir().join(check).join("README.md")).unwrap_or_default();
    let documented = readme_tally(&readme, &rule_ids);
    if documented != tally {
        problems.push(format!(
            "{check}: the verdicts its README.md table lists (per rule and status: {documented:?}) \
             are not the ones conform gives ({tally:?})"
        ));
    }
    for status in ["pass", "fail", "unknown"] {
        if !statuses.contains(status) {
            problems.push(format!("{check}: no {status} verdict"));
        }
    }
    (out, problems)
}

#[test]
fn every_check_gives_its_golden_verdicts() {
    let started = std::time::Instant::now();
    let mut checks = builtin_checks();
    let registered = registered_checks();
    checks.extend(registered.clone().unwrap_or_default());
    let fixtures = fixture_names();
    let mut problems: Vec<String> = Vec::new();
    for missing in checks.difference(&fixtures) {
        problems.push(format!(
            "check {missing} has no fixture directory tests/checks/{missing}/"
        ));
    }
    for unknown in fixtures.difference(&checks) {
        problems.push(format!(
            "tests/checks/{unknown}/ is not a check conform knows"
        ));
    }
    for check in &fixtures {
        for file in ["inventory.json", "rules.toml", "README.md"] {
            if !fixtures_dir().join(check).join(file).is_file() {
                problems.push(format!("tests/checks/{check}/{file} is missing"));
            }
        }
    }
    // The scans are independent: run them side by side.
    let rendered: Vec<(String, String, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = fixtures
            .iter()
            .map(|check| {
                s.spawn(move || {
                    let (out, problems) = render(check);
                    (check.clone(), out, problems)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut stale = Vec::new();
    for (check, out, fixture_problems) in rendered {
        problems.extend(fixture_problems);
        let path = fixtures_dir().join(&check).join("expected.txt");
        if differs(&path, &out) {
            stale.push(format!(
                "tests/checks/{check}/expected.txt{}",
                first_difference(&path, &out)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "fixtures of tests/checks are incomplete:\n{}",
        problems.join("\n")
    );
    assert!(
        stale.is_empty(),
        "these verdicts differ from their golden files:\n{}\n\
         (review the change, then CONFORM_BLESS=1 scripts/test --test it checks_golden::)",
        stale.join("\n")
    );
    eprintln!(
        "{} fixtures, {} checks known ({} listed by conform's registry), in {:?}",
        fixtures.len(),
        checks.len(),
        registered.map_or("none".to_string(), |r| r.len().to_string()),
        started.elapsed()
    );
}

/// The verdicts a fixture's README.md table lists, counted per (rule,
/// status): the table's columns headed by a rule id hold one verdict per
/// row (`pass`, `fail`, `unknown`, possibly followed by a remark, or `-`
/// for a resource the rule does not judge). The hand-checked table and the
/// golden file must agree, so that blessing a changed verdict also takes
/// an edit of the table that says why.
fn readme_tally(readme: &str, rule_ids: &[String]) -> BTreeMap<(String, String), usize> {
    let mut tally = BTreeMap::new();
    let mut columns: Vec<(usize, String)> = Vec::new();
    for line in readme.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            columns.clear();
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if columns.is_empty() {
            columns = cells
                .iter()
                .enumerate()
                .filter(|(_, c)| rule_ids.iter().any(|id| id == *c))
                .map(|(i, c)| (i, c.to_string()))
                .collect();
            continue;
        }
        for (i, rule) in &columns {
            let word = cells.get(*i).and_then(|c| c.split_whitespace().next());
            if let Some(status @ ("pass" | "fail" | "unknown")) = word {
                *tally.entry((rule.clone(), status.to_string())).or_default() += 1;
            }
        }
    }
    tally
}

/// Compares `actual` with the golden file at `path`, or rewrites it under
/// `CONFORM_BLESS=1`. Returns whether it differs.
fn differs(path: &Path, actual: &str) -> bool {
    if bless() {
        std::fs::write(path, actual).unwrap();
        return false;
    }
    std::fs::read_to_string(path).map_or(true, |expected| expected != actual)
}

/// Where `actual` first departs from the golden file, for the failure
/// message: ` line N: expected ... / actual ...`.
fn first_difference(path: &Path, actual: &str) -> String {
    let Ok(expected) = std::fs::read_to_string(path) else {
        return " (missing)".to_string();
    };
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for n in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (e, a) if e == a => continue,
            (e, a) => {
                return format!(
                    " line {n}:\n  expected: {}\n  actual:   {}",
                    e.unwrap_or("(end of file)"),
                    a.unwrap_or("(end of output)")
                );
            }
        }
    }
    String::new()
}
