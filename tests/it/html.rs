//! The HTML audit report, opened in a real browser: headless Chromium
//! (from the distribution's packages; scripts/test installs it) loads the
//! file with no network, and the test reads the DOM it built: the page's
//! script ran without an error or a Content-Security-Policy violation, its
//! counts equal the JSON report's, filtering (by the URL's fragment, which
//! sets the filter controls) lists exactly the matching verdicts, and
//! hostile names stay text. A screenshot is saved under the target
//! directory (target/tmp/conform-report.png) as a test artifact.

use crate::common;

use std::path::{Path, PathBuf};

use common::browser::*;
use common::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reports(inventory: &Path, dir: &Path) -> (PathBuf, Value) {
    reports_with(inventory, dir, &[])
}

fn reports_with(inventory: &Path, dir: &Path, extra: &[&str]) -> (PathBuf, Value) {
    let html = dir.join("report.html");
    let json = dir.join("report.json");
    let html_arg = format!("html={}", html.display());
    let json_arg = format!("json={}", json.display());
    let mut args = vec![
        "scan",
        "--inventory",
        arg(inventory),
        "--format",
        &html_arg,
        "--format",
        &json_arg,
    ];
    args.extend_from_slice(extra);
    let run = conform_offline(&args);
    assert!(matches!(run.code, Some(1 | 3)), "{}", run.stderr);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (html, report)
}

fn count(report: &Value, pred: impl Fn(&Value) -> bool) -> usize {
    findings(report).iter().filter(|f| pred(f)).count()
}

#[test]
fn the_report_renders_in_chromium_with_the_json_counts_and_filters() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (html, report) = reports(&root().join("examples/estate.json"), dir.path());
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page links out"
    );

    let dom = load(&chromium, &html, "");
    let summary = &report["summary"];
    assert_eq!(text_of(&dom, "count-fail"), summary["failed"].to_string());
    assert_eq!(
        text_of(&dom, "count-unknown"),
        summary["unknown"].to_string()
    );
    assert_eq!(text_of(&dom, "count-pass"), summary["passed"].to_string());
    let listed = count(&report, |f| f["status"] != "pass");
    assert_eq!(matching(&dom), listed);
    assert_eq!(
        dom.matches("<tr class=\"finding\"").count(),
        listed.min(200)
    );
    // The policy line of NET-001 (line 23) is marked broken.
    assert!(
        dom.contains("<li class=\"fail\" id=\"doc0-L23\">"),
        "line 23 not marked"
    );

    // Filtering: by status and account, by rule, by a search.
    let account = "111122223333";
    let dom = load(&chromium, &html, &format!("#status=fail&account={account}"));
    let expected = count(&report, |f| {
        f["status"] == "fail" && f["resource"]["account"] == account
    });
    assert!(expected > 0);
    assert_eq!(matching(&dom), expected);
    assert_eq!(
        dom.matches("data-status=\"fail\"").count(),
        expected.min(200)
    );
    assert!(!dom.contains("data-status=\"unknown\""));
    let dom = dom_of_rule(&chromium, &html, "NET-001");
    assert_eq!(
        matching(&dom),
        count(&report, |f| f["rule_id"] == "NET-001"
            && f["status"] != "pass")
    );
    let dom = load(&chromium, &html, "#q=legacy-admin");
    let expected = count(&report, |f| {
        f["status"] != "pass" && f.to_string().to_lowercase().contains("legacy-admin")
    });
    assert!(expected > 0);
    assert_eq!(matching(&dom), expected);

    // The screenshot, for people to look at.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conform-report.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = browser(&chromium, profile.path());
    cmd.arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1400,2400")
        .arg(format!("file://{}", html.display()));
    run(cmd);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

fn dom_of_rule(chromium: &str, html: &Path, rule: &str) -> String {
    load(chromium, html, &format!("#rule={rule}"))
}

#[test]
fn hostile_names_stay_text_in_the_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let estate = common::hostile::hostile_estate(dir.path());
    let (html, report) = reports(&estate, dir.path());
    // (minijinja writes the quotes of the policy as &#x27;, which is the
    // same attribute value.)
    let page = std::fs::read_to_string(&html)
        .unwrap()
        .replace("&#x27;", "'");
    // Exactly the page's own two scripts, and a restrictive policy.
    assert_eq!(page.matches("<script").count(), 2);
    assert!(page.contains(
        "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-"
    ));
    assert!(!page.contains("<img"));
    let dom = load(&chromium, &html, "#q=hyperlink");
    assert_eq!(
        dom.matches("<script").count(),
        2,
        "a hostile name became a script"
    );
    assert!(!dom.contains("<img"), "a hostile tag became an element");
    assert!(
        dom.contains("&lt;/script&gt;&lt;script&gt;alert(1)"),
        "the hostile text is not shown as text"
    );
    let expected = count(&report, |f| {
        f["status"] != "pass" && f.to_string().to_lowercase().contains("hyperlink")
    });
    assert!(expected > 0);
    assert_eq!(matching(&dom), expected);
}

/// Drives the page as a person would, over the DevTools protocol
/// (tests/tools/drive_html.py): the filter controls, the search box, "Show
/// more" and a click on a rule.
fn drive(
    chromium: &str,
    html: &Path,
    status: &str,
    account: &str,
    search: &str,
    rule: &str,
) -> Value {
    let python =
        std::env::var("CONFORM_TEST_PYTHON").expect("CONFORM_TEST_PYTHON (run with scripts/test)");
    let out = std::process::Command::new(python)
        .arg(root().join("tests/tools/drive_html.py"))
        .args([chromium, arg(html), status, account, search, rule])
        .output()
        .expect("run drive_html.py");
    assert!(
        out.status.success(),
        "driving the page failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("drive_html.py prints JSON")
}

#[test]
fn the_filter_controls_work_when_used() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (html, report) = reports(&root().join("examples/estate.json"), dir.path());
    let account = "111122223333";
    let steps = drive(
        &chromium,
        &html,
        "unknown",
        account,
        "legacy-admin",
        "NET-001",
    );
    assert_eq!(steps["problems"], serde_json::json!([]), "{steps}");
    let n = |step: &str| steps[step]["matching"].as_u64().unwrap() as usize;
    assert_eq!(n("initial"), count(&report, |f| f["status"] != "pass"));
    assert_eq!(n("status"), count(&report, |f| f["status"] == "unknown"));
    assert_eq!(steps["status"]["statuses"], serde_json::json!(["unknown"]));
    assert_eq!(steps["status"]["hash"], "#status=unknown");
    assert_eq!(
        n("status+account"),
        count(&report, |f| f["status"] == "unknown"
            && f["resource"]["account"] == account)
    );
    assert_eq!(
        n("search"),
        count(&report, |f| f["status"] != "pass"
            && f.to_string().contains("legacy-admin"))
    );
    assert_eq!(n("cleared"), n("initial"));
    assert_eq!(steps["rule"]["selected"], "NET-001");
    assert_eq!(
        n("rule"),
        count(&report, |f| f["rule_id"] == "NET-001"
            && f["status"] != "pass")
    );
    for step in ["initial", "status", "status+account", "search", "rule"] {
        assert_eq!(
            steps[step]["rendered"], steps[step]["matching"],
            "{step}: {steps}"
        );
    }

    // More than a page: 200 rows drawn, "Show more" draws more.
    let (html, report) = reports(
        &common::hostile::many_volumes_estate(dir.path(), 500),
        dir.path(),
    );
    let listed = count(&report, |f| f["status"] != "pass");
    assert!(listed > 400, "{listed}");
    let steps = drive(&chromium, &html, "fail", account, "vol-", "ENC-001");
    assert_eq!(steps["problems"], serde_json::json!([]), "{steps}");
    assert_eq!(
        steps["cleared"]["matching"].as_u64().unwrap() as usize,
        listed
    );
    assert_eq!(steps["cleared"]["rendered"], 200);
    assert_eq!(
        steps["more"]["rendered"].as_u64().unwrap() as usize,
        listed.min(1200)
    );
}

/// Waived failures (the example waivers, and a waiver of every ENC-001
/// failure) in the browser: the waived count equals the JSON report's, the
/// status filter lists exactly the waived verdicts, each with its waiver's
/// reason, owner, expiry and ticket, the rule and account rows count them,
/// and a promise line whose only broken verdicts are waived is marked
/// waived.
#[test]
fn waived_verdicts_show_with_their_waiver_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("enc-001.toml");
    std::fs::write(
        &extra,
        "[[waiver]]\nrule = \"ENC-001\"\nresource = \"*\"\n\
         reason = \"Volumes are <b>replaced</b> by the new fleet\"\n\
         owner = \"platform-team@kliv.example\"\nexpires = 2099-01-01\nticket = \"OPS-77\"\n",
    )
    .unwrap();
    let examples = root().join("examples/waivers.toml");
    let (html, report) = reports_with(
        &root().join("examples/estate.json"),
        dir.path(),
        &["--waivers", arg(&examples), "--waivers", arg(&extra)],
    );
    let waived = count(&report, |f| f["status"] == "waived");
    assert_eq!(
        report["summary"]["waived"].as_u64().unwrap() as usize,
        waived
    );
    assert!(waived >= 3, "{waived}");

    let dom = load(&chromium, &html, "#status=waived");
    assert_eq!(text_of(&dom, "count-waived"), waived.to_string());
    assert_eq!(matching(&dom), waived);
    assert_eq!(dom.matches("data-status=\"waived\"").count(), waived);
    assert!(!dom.contains("data-status=\"fail\""));
    assert_eq!(dom.matches("data-waiver=\"in force\"").count(), waived);
    assert!(dom.contains(
        "waived until 2027-03-01: Partner Nordlog reaches the bastion over SSH from its egress \
         range until its site-to-site VPN is live (owner platform-team@kliv.example, ticket SEC-1042)"
    ));
    // The reason is text, not markup.
    assert!(dom.contains("Volumes are &lt;b&gt;replaced&lt;/b&gt; by the new fleet"));
    // ENC-001: every failure waived, so the rule and its policy line
    // (line 77) are waived; HA-001 counts its waived failure.
    assert!(dom.contains("<li class=\"waived\" id=\"doc0-L77\">"));
    assert!(
        dom.contains("data-rule=\"ENC-001\" data-fail=\"0\" data-unknown=\"0\" data-waived=\"2\"")
    );
    assert!(
        dom.contains("data-rule=\"HA-001\" data-fail=\"2\" data-unknown=\"0\" data-waived=\"1\"")
    );
    // The account row counts the waived verdicts of its account.
    let in_account = count(&report, |f| {
        f["status"] == "waived" && f["resource"]["account"] == "111122223333"
    });
    assert!(dom.contains(&format!(" / {in_account} / ")), "account row");
}
