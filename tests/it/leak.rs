//! No credential in any output: the reports of every format, the saved
//! inventory, the call counts, standard output and standard error, of a
//! full scan, of a scan that cannot reach AWS, and of runs with a broken
//! rules file or inventory, all run with a test account's temporary
//! credentials in the environment.
//!
//! The credentials checked are the account's own (AssumeRole's answer):
//! long random strings that cannot appear by chance, so a match is a
//! leak. scripts/test's static `testing` keys are not checked: the word
//! may legitimately appear in a report.

use crate::common;

use std::path::Path;

use aws_sdk_s3::types as s3t;

use common::estate::*;
use common::*;

/// The secrets of an account, by name.
fn secrets(account: &TestAccount) -> Vec<(&'static str, String)> {
    let c = &account.credentials;
    let secrets = vec![
        ("access key id", c.access_key_id.clone()),
        ("secret access key", c.secret_access_key.clone()),
        ("session token", c.session_token.clone()),
    ];
    // A short or empty value would make the search meaningless.
    for (name, value) in &secrets {
        assert!(
            value.len() >= 16,
            "the {name} is too short to search for: {value:?}"
        );
    }
    secrets
}

/// Fails naming every output (and secret) where a secret appears.
fn assert_no_secret(account: &TestAccount, outputs: &[(String, String)]) {
    let secrets = secrets(account);
    let mut leaks = Vec::new();
    for (what, text) in outputs {
        for (name, value) in &secrets {
            if text.contains(value.as_str()) {
                leaks.push(format!("the {name} is in {what}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "credentials leaked:\n  {}",
        leaks.join("\n  ")
    );
}

/// A run's standard output and error, labelled.
fn streams(label: &str, run: &Run) -> Vec<(String, String)> {
    vec![
        (format!("{label}: stdout"), run.stdout.clone()),
        (format!("{label}: stderr"), run.stderr.clone()),
    ]
}

/// Every file under `dir`, labelled with its name.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_string();
            out.push((path.display().to_string(), text));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credential_in_any_output() {
    let account = account().await;
    let config = account.config(REGION).await;
    let s3 = s3_client(&account).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let ec2 = aws_sdk_ec2::Client::new(&config);
    // Something to report in every dataset family: failures with evidence
    // and passes.
    bucket(
        &s3,
        &format!("db-backups-{}", account.id),
        Some(s3t::ServerSideEncryption::Aes256),
    )
    .await;
    bucket(&s3, &format!("plain-{}", account.id), None).await;
    log_group(&logs, &account, "/kliv/short", Some(7)).await;
    volume(&ec2, false).await;

    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let json = format!("json={}", out("report.json").display());
    let sarif = format!("sarif={}", out("report.sarif").display());
    let markdown = format!("markdown={}", out("report.md").display());
    let full = conform(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "text",
            "--format",
            &json,
            "--format",
            &sarif,
            "--format",
            &markdown,
            "--show-passing",
            "--save-inventory",
            arg(&out("inventory.json")),
            "--stats",
            "--stats-file",
            arg(&out("stats.json")),
        ],
        &account,
    );
    full.expect_code(conform::exit::BROKEN);
    let written = files(dir.path());
    let names: Vec<&str> = written
        .iter()
        .map(|(path, _)| path.rsplit('/').next().unwrap())
        .collect();
    for expected in [
        "report.json",
        "report.sarif",
        "report.md",
        "inventory.json",
        "stats.json",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not written: {names:?}"
        );
    }
    // The outputs are not empty: the search is over real reports.
    assert!(full.stdout.contains(&account.id), "{}", full.stdout);
    assert!(
        full.stderr.contains("GetCallerIdentity"),
        "--stats: {}",
        full.stderr
    );
    for (path, text) in &written {
        assert!(text.len() > 100, "{path} is nearly empty: {text}");
    }
    let mut outputs = streams("full scan", &full);
    outputs.extend(written);

    // AWS unreachable (exit 4): the error message. One attempt per
    // request: retries would add time, not text.
    let mut env = account.env();
    for (key, value) in env.iter_mut() {
        if key == "AWS_ENDPOINT_URL" {
            *value = CLOSED_ENDPOINT.to_string();
        }
    }
    let unreachable = run_conform_within(
        &[
            "scan",
            "--region",
            REGION,
            "--format",
            "json",
            "--max-attempts",
            "1",
        ],
        &env,
        std::time::Duration::from_secs(60),
    );
    unreachable.expect_code(conform::exit::SCAN_ERROR);
    assert!(
        unreachable.stderr.starts_with("conform: error: "),
        "{}",
        unreachable.stderr
    );
    outputs.extend(streams("unreachable AWS", &unreachable));

    // A broken rules file (exit 2), before any AWS call.
    let rules = out("broken.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"LOG-001\"\ntitle = \"unterminated\n",
    )
    .unwrap();
    let broken = conform(
        &["scan", "--rules", arg(&rules), "--region", REGION],
        &account,
    );
    broken.expect_code(conform::exit::USAGE);
    assert!(broken.stderr.contains(arg(&rules)), "{}", broken.stderr);
    outputs.extend(streams("broken rules", &broken));

    // A broken inventory (exit 2).
    let inventory = out("broken-inventory.json");
    std::fs::write(&inventory, "{\"findings\": [").unwrap();
    let bad = conform(&["scan", "--inventory", arg(&inventory)], &account);
    bad.expect_code(conform::exit::USAGE);
    outputs.extend(streams("broken inventory", &bad));

    assert_no_secret(&account, &outputs);
}

#[test]
fn the_leak_search_finds_a_leak() {
    // The check itself must be able to fail.
    let account = TestAccount {
        id: "700000000000".into(),
        credentials: AccountCredentials {
            access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
            session_token: "FwoGZXIvYXdzEXAMPLETOKENEXAMPLETOKEN".into(),
        },
        emulator: Emulator {
            endpoint: CLOSED_ENDPOINT.into(),
        },
    };
    let leaked = std::panic::catch_unwind(|| {
        assert_no_secret(
            &account,
            &[(
                "stderr".into(),
                "error: key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected".into(),
            )],
        )
    });
    let message = *leaked
        .expect_err("a leak must fail the check")
        .downcast::<String>()
        .unwrap();
    assert!(
        message.contains("the secret access key is in stderr"),
        "{message}"
    );
    assert!(!message.contains("access key id is"), "{message}");
}
