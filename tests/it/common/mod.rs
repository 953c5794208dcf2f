//! Shared helpers of the integration tests: the AWS emulator (moto, started
//! by scripts/test), a fresh AWS account per test, SDK clients to build
//! estates with, and a runner for the `conform` binary.
//!
//! Isolation: moto serves every test of the run, so each test works in an
//! account of its own. STS `AssumeRole` on a role of a new account id gives
//! temporary credentials that moto attributes to that account: everything
//! created with them, and everything conform reads with them, belongs to it.

pub mod browser;
pub mod estate;
pub mod hostile;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use serde_json::Value;

/// The region every test scans.
pub const REGION: &str = "eu-north-1";

/// A closed port on loopback: a request there is refused at once. Used to
/// prove that offline commands make no AWS call, and to test an
/// unreachable AWS.
pub const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";

/// How long one run of conform may take before the test fails (and the
/// process is killed), so that no test can hang.
pub const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The policy file every rule of the built-in pack cites.
pub const POLICY_FILE: &str = "policy/security-policy.sv.md";

/// The AWS emulator scripts/test started.
#[derive(Debug, Clone)]
pub struct Emulator {
    pub endpoint: String,
}

impl Emulator {
    /// The emulator from `CONFORM_TEST_ENDPOINT`; fails the test when it is
    /// not set (the tests never pass without having run).
    pub fn from_env() -> Emulator {
        match std::env::var("CONFORM_TEST_ENDPOINT") {
            Ok(endpoint) if !endpoint.trim().is_empty() => {
                let endpoint = endpoint.trim().trim_end_matches('/').to_string();
                assert!(
                    endpoint.starts_with("http://127.")
                        || endpoint.starts_with("http://localhost:"),
                    "CONFORM_TEST_ENDPOINT={endpoint} is not on loopback: the tests only talk to a local emulator"
                );
                Emulator { endpoint }
            }
            _ => panic!(
                "CONFORM_TEST_ENDPOINT is not set: these tests scan an emulated AWS. \
                 Run them with scripts/test, which starts the emulator \
                 (e.g. `scripts/test --test it scan::`)."
            ),
        }
    }
}

/// Temporary credentials of a test account.
#[derive(Debug, Clone)]
pub struct AccountCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

/// An AWS account of the emulator that belongs to one test.
#[derive(Debug, Clone)]
pub struct TestAccount {
    /// The 12-digit account id.
    pub id: String,
    pub credentials: AccountCredentials,
    pub emulator: Emulator,
}

/// A 12-digit account id that no other test of this run uses: `7`, the
/// test process's id (7 digits) and a counter (4 digits). Test binaries run
/// one after another in a run, so their process ids differ.
pub fn unique_account_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    assert!(n < 10_000, "too many test accounts in one process");
    let id = format!("7{:07}{n:04}", std::process::id() % 10_000_000);
    assert_eq!(id.len(), 12);
    id
}

/// An HTTP client for the SDK (aws-config's default features are off, so
/// it has none of its own). The same rustls + ring client as conform's; it
/// also speaks plain http, which the emulator uses.
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

async fn sdk_config(endpoint: &str, region: &str, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .endpoint_url(endpoint)
        .region(Region::new(region.to_string()))
        .credentials_provider(credentials)
        .load()
        .await
}

/// A fresh account of its own for the calling test.
pub async fn account() -> TestAccount {
    let emulator = Emulator::from_env();
    let id = unique_account_id();
    // moto accepts any credentials; these are scripts/test's.
    let base = sdk_config(
        &emulator.endpoint,
        REGION,
        Credentials::new("testing", "testing", None, None, "conform-tests"),
    )
    .await;
    let sts = aws_sdk_sts::Client::new(&base);
    let answer = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{id}:role/conform-test"))
        .role_session_name("conform-test")
        .send()
        .await
        .unwrap_or_else(|e| panic!("AssumeRole into {id} on {}: {e:?}", emulator.endpoint));
    let c = answer
        .credentials()
        .expect("AssumeRole returned credentials");
    let account = TestAccount {
        id: id.clone(),
        credentials: AccountCredentials {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().to_string(),
            session_token: c.session_token().to_string(),
        },
        emulator,
    };
    // The credentials must speak for the new account, or the test would
    // share (and see) another account's resources.
    let who = aws_sdk_sts::Client::new(&account.config(REGION).await)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(
        who.account(),
        Some(id.as_str()),
        "AssumeRole did not switch accounts"
    );
    account
}

impl TestAccount {
    /// SDK configuration for creating resources in this account.
    pub async fn config(&self, region: &str) -> SdkConfig {
        let c = &self.credentials;
        sdk_config(
            &self.emulator.endpoint,
            region,
            Credentials::new(
                &c.access_key_id,
                &c.secret_access_key,
                Some(c.session_token.clone()),
                None,
                "conform-test-account",
            ),
        )
        .await
    }

    /// The environment conform runs with to scan this account.
    pub fn env(&self) -> Vec<(String, String)> {
        let c = &self.credentials;
        vec![
            ("AWS_ENDPOINT_URL".into(), self.emulator.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID".into(), c.access_key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), c.secret_access_key.clone()),
            ("AWS_SESSION_TOKEN".into(), c.session_token.clone()),
            ("AWS_REGION".into(), REGION.into()),
        ]
    }

    /// `arn:aws:{service}:eu-north-1:{account}:{resource}`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:aws:{service}:{REGION}:{}:{resource}", self.id)
    }
}

/// What a run of conform did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Fails the test, showing the run's output, unless it exited `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "conform exited {:?}, expected {code}\n--- stderr\n{}\n--- stdout\n{}",
            self.code,
            self.stderr,
            truncate(&self.stdout, 4000)
        );
        self
    }

    /// The standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e})\n--- stderr\n{}\n--- stdout\n{}",
                self.stderr,
                truncate(&self.stdout, 4000)
            )
        })
    }
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// A file that does not exist, for AWS_CONFIG_FILE and
/// AWS_SHARED_CREDENTIALS_FILE.
fn nowhere() -> PathBuf {
    std::env::temp_dir().join("conform-tests-no-such-dir/none")
}

/// Runs conform with `args` and exactly the AWS environment `env` (plus
/// instance metadata off and no config files): every other `AWS_*` and
/// `CONFORM_*` variable of the test's own environment is removed. Fails the
/// test if conform runs longer than [`RUN_LIMIT`].
pub fn run_conform(args: &[&str], env: &[(String, String)]) -> Run {
    run_conform_within(args, env, RUN_LIMIT)
}

/// The command that runs conform with `args` and exactly the AWS
/// environment `env` (see [`run_conform`]), from the repository's root,
/// stdin closed and stdout and stderr piped.
pub fn conform_command(args: &[&str], env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_conform"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().to_string();
        if key.starts_with("AWS_") || key.starts_with("CONFORM_") {
            cmd.env_remove(&key);
        }
    }
    let nowhere = nowhere();
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &nowhere)
        .env("AWS_SHARED_CREDENTIALS_FILE", &nowhere);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd
}

/// [`run_conform`] with another time limit.
pub fn run_conform_within(args: &[&str], env: &[(String, String)], limit: Duration) -> Run {
    let mut cmd = conform_command(args, env);
    let started = Instant::now();
    let child = cmd.spawn().expect("start conform");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(limit) {
        Ok(output) => output.expect("wait for conform"),
        Err(_) => {
            // Kill only the process this test started, by its id.
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("conform {args:?} did not finish within {limit:?}");
        }
    };
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
        elapsed: started.elapsed(),
    }
}

/// Runs conform against a test account.
pub fn conform(args: &[&str], account: &TestAccount) -> Run {
    run_conform(args, &account.env())
}

/// Runs conform with no credentials and AWS at a closed port: any AWS call
/// it made would fail.
pub fn conform_offline(args: &[&str]) -> Run {
    run_conform(
        args,
        &[
            ("AWS_ENDPOINT_URL".into(), CLOSED_ENDPOINT.into()),
            ("AWS_REGION".into(), REGION.into()),
        ],
    )
}

/// A path as a `&str` argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

// ------------------------------------------------------------- reports

/// The findings of a JSON report.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .expect("report has findings[]")
}

/// A finding's (rule id, resource ARN).
pub fn key(finding: &Value) -> (String, String) {
    (
        finding["rule_id"].as_str().expect("rule_id").to_string(),
        finding["resource"]["arn"]
            .as_str()
            .expect("resource.arn")
            .to_string(),
    )
}

/// The (rule, ARN) pairs with a status.
pub fn with_status(report: &Value, status: &str) -> BTreeSet<(String, String)> {
    findings(report)
        .iter()
        .filter(|f| f["status"] == status)
        .map(key)
        .collect()
}

/// The status of a rule on a resource; `None` when it has no finding.
pub fn status_of(report: &Value, rule: &str, arn: &str) -> Option<String> {
    let found: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule_id"] == rule && f["resource"]["arn"] == arn)
        .collect();
    assert!(
        found.len() <= 1,
        "{rule} judged {arn} more than once: {found:#?}"
    );
    found
        .first()
        .map(|f| f["status"].as_str().expect("status").to_string())
}

/// The one finding of a rule on a resource.
pub fn finding<'a>(report: &'a Value, rule: &str, arn: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource"]["arn"] == arn)
        .unwrap_or_else(|| panic!("no {rule} finding on {arn}"))
}

/// Shows the difference of two sets of (rule, ARN) pairs.
pub fn assert_same_pairs(
    what: &str,
    actual: &BTreeSet<(String, String)>,
    expected: &BTreeSet<(String, String)>,
) {
    if actual != expected {
        let missing: Vec<_> = expected.difference(actual).collect();
        let extra: Vec<_> = actual.difference(expected).collect();
        panic!(
            "{what} differ from the expected ones\n  missing: {missing:#?}\n  unexpected: {extra:#?}"
        );
    }
}

/// Validates a SARIF log against the OASIS SARIF 2.1.0 schema (errata01,
/// vendored in tests/schemas) with the reference JSON-schema implementation
/// (Python's `jsonschema`, installed by scripts/test). Returns the errors.
pub fn sarif_schema_errors(log: &Value) -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("CONFORM_TEST_PYTHON").expect(
        "CONFORM_TEST_PYTHON is not set: run the tests with scripts/test, which installs the validator",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.sarif");
    std::fs::write(&file, serde_json::to_vec(log).unwrap()).unwrap();
    let out = Command::new(python)
        .arg(root.join("tests/tools/validate_json.py"))
        .arg(root.join("tests/schemas/sarif-schema-2.1.0.json"))
        .arg(&file)
        .output()
        .expect("run the validator");
    match out.status.code() {
        Some(0) => Vec::new(),
        Some(1) => String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
        _ => panic!("validator failed: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// `primaryLocationLineHash` → "RULE ARN" for every result of a SARIF log.
pub fn sarif_fingerprints(log: &Value) -> std::collections::BTreeMap<String, String> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .expect("fingerprint")
                    .to_string(),
                format!(
                    "{} {}",
                    r["ruleId"].as_str().expect("ruleId"),
                    r["properties"]["arn"].as_str().expect("arn")
                ),
            )
        })
        .collect()
}

/// A rules file of the built-in pack (rules/kliv.toml) cut down to the
/// rules `ids`, as they are shipped: a scan with it reads only what those
/// rules need.
pub fn pack_of(ids: &[&str]) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/kliv.toml");
    let mut pack: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rules = pack
        .get_mut("rule")
        .and_then(|r| r.as_array_mut())
        .expect("[[rule]]s");
    rules.retain(|r| {
        ids.iter()
            .any(|id| r.get("id").and_then(|v| v.as_str()) == Some(*id))
    });
    assert_eq!(
        rules.len(),
        ids.len(),
        "rules {ids:?} in {}",
        path.display()
    );
    toml::to_string(&pack).expect("serialize the pack")
}

/// The fault-injecting proxy and interruptible runs (tests/it/faults.rs).
pub mod faults;
