//! The GitHub Action and the installer, executed as a runner and a user
//! would: tests/tools/run_action.py runs action.yml's steps in order, with
//! the runner's environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
//! GITHUB_PATH, RUNNER_TEMP, GITHUB_ACTION_PATH, ...) and actions/cache
//! emulated on a local directory. Downloads come from a local directory
//! laid out like the GitHub releases the release workflow publishes
//! (`download/TAG/conform-TARGET.tar.gz` and its `.sha256`), holding this
//! build of conform: no network, and no Rust in the installer's path.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use common::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> String {
    std::env::var("CONFORM_TEST_PYTHON").unwrap_or_else(|_| {
        panic!("CONFORM_TEST_PYTHON is not set: run the tests with scripts/test")
    })
}

/// The release target the action and install.sh pick on this machine.
fn this_target() -> String {
    let cpu = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        other => panic!("no release target for {other}"),
    };
    match std::env::consts::OS {
        "linux" => format!("{cpu}-unknown-linux-musl"),
        "macos" => format!("{cpu}-apple-darwin"),
        other => panic!("no release target for {other}"),
    }
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds `conform-TARGET.tar.gz` (a directory `conform-TARGET/` holding
/// `binary` as `conform`, as cargo-dist packs it) and its `.sha256` file
/// (`HEX *NAME`, cargo-dist's format) under `release/download/TAG/` and
/// `release/latest/download/`.
fn publish(release: &Path, tag: &str, target: &str, binary: &Path) {
    let stage = tempfile::tempdir().unwrap();
    let dir = stage.path().join(format!("conform-{target}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(binary, dir.join("conform")).unwrap();
    std::fs::copy(root().join("LICENSE"), dir.join("LICENSE")).unwrap();
    let name = format!("conform-{target}.tar.gz");
    for place in [
        release.join("download").join(tag),
        release.join("latest/download"),
    ] {
        std::fs::create_dir_all(&place).unwrap();
        let archive = place.join(&name);
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(stage.path())
            .arg(format!("conform-{target}"))
            .status()
            .expect("run tar");
        assert!(status.success());
        std::fs::write(
            place.join(format!("{name}.sha256")),
            format!("{} *{name}\n", sha256_hex(&archive)),
        )
        .unwrap();
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// What a run of the action did.
struct ActionRun {
    success: bool,
    log: String,
    result: Value,
}

impl ActionRun {
    fn output(&self, name: &str) -> &str {
        self.result["outputs"][name].as_str().unwrap_or_default()
    }
    fn step(&self, id: &str) -> &Value {
        &self.result["steps"][id]
    }
}

/// A runner: its workspace, temp directory (with the tool cache) and the
/// actions/cache store, which outlives runners like GitHub's.
struct Runner {
    _dir: tempfile::TempDir,
    workspace: PathBuf,
    temp: PathBuf,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let workspace = dir.path().join("workspace");
        let temp = dir.path().join("runner-temp");
        std::fs::create_dir_all(&workspace).unwrap();
        Runner {
            workspace,
            temp,
            _dir: dir,
        }
    }

    fn run(&self, cache: &Path, inputs: &[(&str, &str)], env: &[(String, String)]) -> ActionRun {
        let mut cmd = Command::new(python());
        cmd.arg(root().join("tests/tools/run_action.py"))
            .arg(root())
            .arg(&self.workspace)
            .arg("--cache")
            .arg(cache)
            .arg("--temp")
            .arg(&self.temp)
            .stdin(Stdio::null());
        for (name, value) in inputs {
            cmd.arg("--input").arg(format!("{name}={value}"));
        }
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().to_string();
            if key.starts_with("AWS_") || key.starts_with("CONFORM_") || key.starts_with("GITHUB_")
            {
                cmd.env_remove(&key);
            }
        }
        cmd.env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_ENDPOINT_URL", CLOSED_ENDPOINT)
            .env("AWS_REGION", REGION);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = cmd.output().expect("run run_action.py");
        let log = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let result = log
            .lines()
            .find_map(|l| l.strip_prefix("RESULT "))
            .map(|r| serde_json::from_str(r).unwrap())
            .unwrap_or_else(|| panic!("run_action.py gave no result:\n{log}\n{stderr}"));
        ActionRun {
            success: out.status.success(),
            log,
            result,
        }
    }
}

fn estate() -> String {
    root().join("examples/estate.json").display().to_string()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// This build of conform published as release v9.9.9 for this machine's
/// target (see [`publish`]), with an empty actions/cache store for the
/// runners that install it.
struct Release {
    dir: tempfile::TempDir,
    url: String,
    cache: tempfile::TempDir,
}

fn published_release() -> Release {
    let dir = tempfile::tempdir().unwrap();
    publish(
        dir.path(),
        "v9.9.9",
        &this_target(),
        Path::new(env!("CARGO_BIN_EXE_conform")),
    );
    Release {
        url: file_url(dir.path()),
        dir,
        cache: tempfile::tempdir().unwrap(),
    }
}

impl Release {
    /// The action's inputs that install this release (`version`,
    /// `download-url`), then `more`.
    fn inputs<'a>(&'a self, more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut inputs = vec![("version", "v9.9.9"), ("download-url", self.url.as_str())];
        inputs.extend_from_slice(more);
        inputs
    }
}

/// Findings at or above `fail-on: high`: the step fails with exit 1, and
/// still writes the SARIF log, the job summary, the text report in a
/// collapsed group of the log, and every output.
#[test]
fn findings_fail_the_step_after_writing_sarif_summary_and_outputs() {
    let release = published_release();
    let runner = Runner::new();
    let inventory = estate();
    let started = std::time::Instant::now();
    let run = runner.run(
        release.cache.path(),
        &release.inputs(&[("inventory", &inventory), ("fail-on", "high")]),
        &[],
    );
    let took = started.elapsed();
    assert!(!run.success, "{}", run.log);
    assert_eq!(run.result["outcome"], "failure");
    assert_eq!(run.step("install")["outcome"], "success", "{}", run.log);
    assert!(run.log.contains("checksum verified"), "{}", run.log);
    assert_eq!(run.step("scan")["exit_code"], 1, "{}", run.log);
    assert_eq!(run.output("exit-code"), "1");
    assert!(
        run.log
            .contains("::error::conform exited 1 (a promise at or above fail-on 'high' is broken)"),
        "{}",
        run.log
    );

    // The text report, collapsed in a group of the log.
    let group = run.log.find("::group::conform report").expect("a group");
    let end = run.log.find("::endgroup::").expect("the group's end");
    assert!(group < end);
    assert!(
        run.log[group..end].contains("Summary: 18 rules"),
        "{}",
        run.log
    );

    // The outputs agree with the JSON report.
    let json = read_json(Path::new(run.output("json-file")));
    let summary = &json["summary"];
    assert_eq!(run.output("failed"), summary["failed"].to_string());
    assert_eq!(run.output("unknown"), summary["unknown"].to_string());
    assert!(summary["failed"].as_u64().unwrap() > 0);
    assert!(Path::new(run.output("text-file")).is_file());
    assert!(Path::new(run.output("markdown-file")).is_file());

    // SARIF in the workspace, at the default path, valid against the schema.
    assert_eq!(run.output("sarif-file"), "conform.sarif");
    let sarif = read_json(&runner.workspace.join("conform.sarif"));
    let errors = sarif_schema_errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    // The Markdown report is the job summary.
    let job_summary = run.result["summary"].as_str().unwrap();
    assert!(
        job_summary.starts_with("## conform: ❌ promises broken"),
        "{job_summary}"
    );

    // The binary came from the release, into the runner's tool cache; its
    // path is an output for later steps. It is not put on PATH (zizmor: a
    // write to GITHUB_PATH may allow code execution).
    let installed = PathBuf::from(run.output("conform"));
    assert!(
        installed.starts_with(&runner.temp),
        "{}",
        installed.display()
    );
    assert!(installed.is_file());
    assert_eq!(run.result["path"], serde_json::json!([]));
    assert!(took.as_secs() < 60, "the action took {took:?}");
}

/// `allow-incomplete` with unknowns: the step passes, the outputs still
/// count them. A second runner restores the archive from the cache (which
/// was saved right after the install, before the scan), verifies it again
/// and skips the download. `args` reach conform.
#[test]
fn allow_incomplete_passes_and_a_second_runner_uses_the_cache() {
    let release = published_release();
    let cache = release.cache.path();
    let inventory = estate();
    let inputs = release.inputs(&[
        ("inventory", inventory.as_str()),
        ("fail-on", "none"),
        ("allow-incomplete", "true"),
        ("sarif-file", "reports/estate.sarif"),
        ("args", "--show-passing\n--policy-file docs/policy.md"),
    ]);
    let first = Runner::new();
    std::fs::create_dir_all(first.workspace.join("reports")).unwrap();
    let run = first.run(cache, &inputs, &[]);
    assert!(run.success, "{}", run.log);
    assert_eq!(run.output("exit-code"), "0");
    assert!(run.output("unknown").parse::<u64>().unwrap() > 0);
    assert!(run.output("failed").parse::<u64>().unwrap() > 0);
    assert_eq!(run.step("cache")["outputs"]["cache-hit"], "");
    assert_eq!(run.step("save")["outcome"], "success");
    assert!(run.log.contains("Cache saved with key"), "{}", run.log);
    assert!(run.log.contains("✓ pass"), "--show-passing: {}", run.log);
    let sarif = read_json(&first.workspace.join("reports/estate.sarif"));
    assert!(
        sarif.to_string().contains("docs/policy.md"),
        "--policy-file did not reach conform"
    );
    assert!(
        run.result["summary"].as_str().unwrap().contains("unknown"),
        "{}",
        run.result["summary"]
    );

    // Without allow-incomplete, the same estate fails the step with exit 3.
    let strict = Runner::new();
    std::fs::create_dir_all(strict.workspace.join("reports")).unwrap();
    let mut strict_inputs = inputs.to_vec();
    strict_inputs.retain(|(k, _)| *k != "allow-incomplete");
    let run = strict.run(cache, &strict_inputs, &[]);
    assert!(!run.success);
    assert_eq!(run.output("exit-code"), "3");
    assert!(
        run.log.contains("allow-incomplete: true accepts that"),
        "{}",
        run.log
    );

    // That second runner used the cache.
    assert_eq!(run.step("cache")["outputs"]["cache-hit"], "true");
    assert!(run.log.contains("using the cached"), "{}", run.log);
    assert!(!run.log.contains("downloading"), "{}", run.log);
}

/// The `waivers` input: each line a waivers file, passed as `--waivers`.
/// Waived failures are reported as waived (JSON), stay in the SARIF log
/// with an accepted suppression, and are not counted as failed.
#[test]
fn the_waivers_input_reaches_conform() {
    let release = published_release();
    let inventory = estate();
    let runner = Runner::new();
    // A second file with nothing in it but a stale waiver: both reach conform.
    let extra = runner.workspace.join("more-waivers.toml");
    std::fs::write(
        &extra,
        "[[waiver]]\nrule = \"NET-001\"\nresource = \"arn:aws:ec2:*:*:security-group/sg-nothing\"\n\
         reason = \"a typo\"\nowner = \"sre\"\nexpires = 2027-06-30\n",
    )
    .unwrap();
    let waivers = format!(
        "{}\n{}",
        root().join("examples/waivers.toml").display(),
        extra.display()
    );
    let run = runner.run(
        release.cache.path(),
        &release.inputs(&[
            ("inventory", &inventory),
            ("fail-on", "none"),
            ("allow-incomplete", "true"),
            ("waivers", &waivers),
        ]),
        &[],
    );
    assert!(run.success, "{}", run.log);
    let json = read_json(Path::new(run.output("json-file")));
    let waived: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "waived")
        .collect();
    assert!(!waived.is_empty(), "no waived finding: {}", json["summary"]);
    assert!(waived.iter().all(|f| f["waiver"]["reason"].is_string()));
    assert_eq!(
        json["summary"]["waived"].as_u64(),
        Some(waived.len() as u64)
    );
    assert_eq!(run.output("failed"), json["summary"]["failed"].to_string());
    assert!(
        run.log.contains("more-waivers.toml"),
        "the second file's stale waiver is not named: {}",
        run.log
    );
    let sarif = read_json(&runner.workspace.join("conform.sarif"));
    let suppressed = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().unwrap())
        .filter(|r| r["suppressions"][0]["status"] == "accepted")
        .count();
    assert_eq!(suppressed, waived.len());
}

/// An archive that does not match its published SHA-256 stops the action
/// at the install step: nothing is installed, cached or scanned.
#[test]
fn a_wrong_checksum_stops_the_action() {
    let release = published_release();
    let cache = release.cache.path();
    let url = &release.url;
    // A different archive under the published checksum.
    let archive = release
        .dir
        .path()
        .join(format!("download/v9.9.9/conform-{}.tar.gz", this_target()));
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();

    let runner = Runner::new();
    let inventory = estate();
    let run = runner.run(
        cache,
        &release.inputs(&[
            ("inventory", &inventory),
            ("fail-on", "none"),
            ("allow-incomplete", "true"),
        ]),
        &[],
    );
    assert!(!run.success, "{}", run.log);
    assert_eq!(run.step("install")["outcome"], "failure");
    assert_eq!(run.step("scan")["outcome"], "skipped");
    assert!(run.log.contains("checksum mismatch"), "{}", run.log);
    assert!(!runner.workspace.join("conform.sarif").exists());
    assert_eq!(std::fs::read_dir(cache).unwrap().count(), 0);
    assert!(!runner.temp.join("_tool/conform/v9.9.9").exists());

    // A release without a build for this target, or a bad version, also
    // stops it with a message.
    let run = runner.run(cache, &[("version", "v0.0.1"), ("download-url", url)], &[]);
    assert!(!run.success);
    assert!(run.log.contains("cannot download"), "{}", run.log);
    let run = runner.run(cache, &[("version", "main"), ("download-url", url)], &[]);
    assert!(!run.success);
    assert!(
        run.log.contains("::error::version must be a release tag"),
        "{}",
        run.log
    );
}

/// The action against the AWS emulator: a live scan of a test account with
/// a log group kept 7 days (LOG-001, medium), failing at `fail-on: medium`,
/// then `merge` mode over that scan's JSON report, as the organisation
/// example's merge job runs it.
#[tokio::test(flavor = "multi_thread")]
async fn the_action_scans_the_emulator_and_merges_reports() {
    let account = account().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&account.config(REGION).await);
    let arn = common::estate::log_group(&logs, &account, "/conform/action", Some(7)).await;

    let release = published_release();
    let cache = release.cache.path();
    let runner = Runner::new();
    std::fs::write(runner.workspace.join("log.toml"), pack_of(&["LOG-001"])).unwrap();
    std::fs::create_dir_all(runner.workspace.join("shards")).unwrap();
    let run = runner.run(
        cache,
        &release.inputs(&[
            ("regions", REGION),
            ("rules", "log.toml"),
            ("fail-on", "medium"),
            ("json-file", "shards/shard-1.json"),
        ]),
        &account.env(),
    );
    assert!(!run.success, "{}", run.log);
    assert_eq!(run.output("exit-code"), "1", "{}", run.log);
    assert_eq!(run.output("failed"), "1");
    assert_eq!(run.output("unknown"), "0");
    let report = read_json(&runner.workspace.join("shards/shard-1.json"));
    assert_eq!(status_of(&report, "LOG-001", &arn).as_deref(), Some("fail"));
    let sarif = read_json(&runner.workspace.join("conform.sarif"));
    assert!(sarif.to_string().contains(&arn));

    // merge mode: the shards' reports by glob, reported like a scan.
    let run = runner.run(
        cache,
        &release.inputs(&[
            ("merge", "shards/shard-*.json"),
            ("rules", "log.toml"),
            ("fail-on", "high"),
            ("sarif-file", "merged.sarif"),
        ]),
        &[],
    );
    assert!(run.success, "{}", run.log);
    assert_eq!(run.output("exit-code"), "0");
    assert_eq!(run.output("failed"), "1");
    let merged = read_json(&runner.workspace.join("merged.sarif"));
    assert!(merged.to_string().contains(&arn));
    let run = runner.run(
        cache,
        &release.inputs(&[("merge", "shards/none-*.json")]),
        &[],
    );
    assert!(!run.success);
    assert!(run.log.contains("merge: no file matches"), "{}", run.log);
}

// ------------------------------------------------------------- install.sh

/// A stand-in `conform` for one target: prints the target it was built for.
fn fake_binary(dir: &Path, target: &str) -> PathBuf {
    let path = dir.join(format!("conform-{target}"));
    std::fs::write(
        &path,
        format!("#!/bin/sh\necho \"conform 9.9.9 {target}\"\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

const TARGETS: [&str; 4] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

/// `uname` and `sysctl` that report another OS and CPU.
fn fake_system(dir: &Path, os: &str, cpu: &str, rosetta: bool) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join(format!("system-{os}-{cpu}-{rosetta}"));
    std::fs::create_dir_all(&bin).unwrap();
    let uname = format!(
        "#!/bin/sh\ncase \"$1\" in -s) echo {os} ;; -m) echo {cpu} ;; *) echo {os} ;; esac\n"
    );
    let sysctl = format!("#!/bin/sh\necho {}\n", u8::from(rosetta));
    for (name, text) in [("uname", uname), ("sysctl", sysctl)] {
        std::fs::write(bin.join(name), text).unwrap();
        std::fs::set_permissions(bin.join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Runs install.sh with `--base-url URL --to TO` (after `--version V`
/// when given), with `path_first` (a fake system) ahead on PATH; from
/// stdin (`curl ... | sh -s -- ARGS`) when `stdin_script`.
fn install_sh(
    url: &str,
    version: Option<&str>,
    to: &Path,
    path_first: Option<&Path>,
    stdin_script: bool,
) -> (bool, String) {
    let mut args = Vec::new();
    if let Some(version) = version {
        args.extend(["--version", version]);
    }
    args.extend(["--base-url", url, "--to", to.to_str().unwrap()]);
    let script = root().join("install.sh");
    let mut cmd = Command::new("sh");
    if stdin_script {
        // `curl ... | sh -s -- ARGS`
        cmd.arg("-s").arg("--").args(&args);
        cmd.stdin(std::fs::File::open(&script).unwrap());
    } else {
        cmd.arg(&script).args(&args).stdin(Stdio::null());
    }
    let path = std::env::var("PATH").unwrap_or_default();
    if let Some(first) = path_first {
        cmd.env("PATH", format!("{}:{path}", first.display()));
    }
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().to_string();
        if key.starts_with("CONFORM_") {
            cmd.env_remove(&key);
        }
    }
    let out = cmd.output().expect("run sh install.sh");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn version_of(binary: &Path) -> String {
    let out = Command::new(binary).arg("--version").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// install.sh picks the archive for the OS and CPU (Rosetta gets the Apple
/// silicon build), verifies it, installs the latest release or a given
/// one, and refuses a checksum mismatch, an unknown system and a missing
/// release, installing nothing.
#[test]
fn install_sh_picks_the_right_archive_and_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let release = d.join("release");
    for target in TARGETS {
        publish(&release, "v9.9.9", target, &fake_binary(d, target));
    }
    let url = file_url(&release);
    for (os, cpu, rosetta, target) in [
        ("Linux", "x86_64", false, "x86_64-unknown-linux-musl"),
        ("Linux", "aarch64", false, "aarch64-unknown-linux-musl"),
        ("Linux", "arm64", false, "aarch64-unknown-linux-musl"),
        ("Darwin", "arm64", false, "aarch64-apple-darwin"),
        ("Darwin", "x86_64", false, "x86_64-apple-darwin"),
        ("Darwin", "x86_64", true, "aarch64-apple-darwin"),
    ] {
        let system = fake_system(d, os, cpu, rosetta);
        let to = d.join(format!("bin-{os}-{cpu}-{rosetta}"));
        let (ok, log) = install_sh(&url, Some("v9.9.9"), &to, Some(&system), false);
        assert!(ok, "{os} {cpu}: {log}");
        assert!(log.contains("checksum verified"), "{log}");
        assert_eq!(
            version_of(&to.join("conform")),
            format!("conform 9.9.9 {target}")
        );
    }

    // `curl ... | sh -s --` with the latest release, on this machine.
    let to = d.join("bin-latest");
    let (ok, log) = install_sh(&url, None, &to, None, true);
    assert!(ok, "{log}");
    assert!(
        log.contains(&format!("{url}/latest/download/conform-{}", this_target())),
        "{log}"
    );
    assert_eq!(
        version_of(&to.join("conform")),
        format!("conform 9.9.9 {}", this_target())
    );

    // A checksum mismatch: refused, nothing installed.
    let sums = release.join("download/v9.9.9/conform-aarch64-unknown-linux-musl.tar.gz.sha256");
    std::fs::write(
        &sums,
        format!(
            "{} *conform-aarch64-unknown-linux-musl.tar.gz\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let system = fake_system(d, "Linux", "aarch64", false);
    let to = d.join("bin-mismatch");
    let (ok, log) = install_sh(&url, Some("v9.9.9"), &to, Some(&system), false);
    assert!(!ok, "{log}");
    assert!(log.contains("checksum mismatch"), "{log}");
    assert!(log.contains("nothing was installed"), "{log}");
    assert!(!to.join("conform").exists());

    // A checksum file that holds no checksum.
    std::fs::write(&sums, "<html>not found</html>\n").unwrap();
    let (ok, log) = install_sh(&url, Some("v9.9.9"), &to, Some(&system), false);
    assert!(!ok && log.contains("holds no SHA-256"), "{log}");
    assert!(!to.join("conform").exists());

    // No build for the system; no such release.
    let bsd = fake_system(d, "FreeBSD", "x86_64", false);
    let (ok, log) = install_sh(&url, None, &to, Some(&bsd), false);
    assert!(!ok && log.contains("no release build for FreeBSD"), "{log}");
    let (ok, log) = install_sh(&url, Some("v0.0.1"), &to, None, false);
    assert!(!ok && log.contains("cannot download"), "{log}");
    assert!(!to.join("conform").exists());
}

/// The examples users copy call the action with inputs it has, and pin it
/// by the tag the release workflow makes for this version (v + Cargo.toml's
/// version). actionlint checks `uses: ./` (ci.yml) but not a remote action.
#[test]
fn the_examples_use_the_actions_inputs_and_this_versions_tag() {
    let script = r#"
import json, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
inputs = set(action["inputs"])
uses = []
for path in sys.argv[2:]:
    workflow = yaml.safe_load(open(path))
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            ref = step.get("uses", "")
            if ref.startswith("kliv/conform@") or ref == "./":
                unknown = sorted(set(step.get("with", {})) - inputs)
                uses.append({"file": path, "uses": ref, "unknown": unknown})
print(json.dumps(uses))
"#;
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(script).arg(root().join("action.yml"));
    for file in [
        "examples/scheduled-scan.yml",
        "examples/org-matrix.yml",
        ".github/workflows/ci.yml",
    ] {
        cmd.arg(root().join(file));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let uses: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uses = uses.as_array().unwrap();
    // scheduled-scan: 1, org-matrix: scan and merge, ci.yml: 1.
    assert_eq!(uses.len(), 4, "{uses:?}");
    let tag = format!("kliv/conform@v{}", env!("CARGO_PKG_VERSION"));
    for u in uses {
        assert_eq!(u["unknown"], serde_json::json!([]), "{u}");
        let r = u["uses"].as_str().unwrap();
        assert!(r == "./" || r == tag, "{u}: expected {tag}");
    }
}
