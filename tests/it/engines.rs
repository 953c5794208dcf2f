//! conform past one machine: the container image's Dockerfile, the
//! Kubernetes indexed Job and the AWS Batch array job of examples/, checked
//! offline with independent tools (hadolint; kubernetes-validate against
//! Kubernetes' OpenAPI schemas; botocore's model of the Batch API), and
//! their command lines run through conform with the environment each
//! engine sets. No Docker engine is needed: the image's contents are
//! checked on the build context scripts/docker-context lays out.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// check_manifests.py's verdict on `file`.
fn check(kind: &str, file: &Path) -> Value {
    let out = Command::new(python())
        .arg(root().join("tests/tools/check_manifests.py"))
        .arg(kind)
        .arg(file)
        .output()
        .expect("run check_manifests.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let verdict: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "check_manifests.py {kind}: {e}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.success(), verdict["ok"] == true, "{verdict}");
    verdict
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

/// Runs a manifest's conform command line (without AWS: a closed port)
/// with the engine's environment. The flags must parse and `--shard auto`
/// must find its shard: the run gets as far as calling AWS, and fails
/// there with exit 4, not with a usage error (2).
fn runs_until_aws(args: &[String], env: &[(&str, &str)]) {
    let mut all: Vec<(String, String)> = vec![
        ("AWS_ENDPOINT_URL".into(), CLOSED_ENDPOINT.into()),
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
    ];
    all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_conform(&args, &all);
    run.expect_code(conform::exit::SCAN_ERROR);
    assert!(!run.stderr.contains("--shard auto"), "{}", run.stderr);
}

#[test]
fn the_kubernetes_example_is_a_valid_indexed_job_whose_shards_agree() {
    let file = root().join("examples/kubernetes/conform-cronjob.yaml");
    let verdict = check("kubernetes", &file);
    let docs = verdict["documents"].as_array().unwrap();
    let cron = docs
        .iter()
        .find(|d| d["kind"] == "CronJob")
        .expect("a CronJob");
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"], "Indexed");
    let completions = job["completions"].as_u64().unwrap();
    let pod = &job["template"]["spec"];
    let container = &pod["containers"][0];
    let env: Vec<(String, String)> = container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let count = env
        .iter()
        .find(|(k, _)| k == "CONFORM_SHARD_COUNT")
        .map(|(_, v)| v.parse::<u64>().unwrap())
        .expect("CONFORM_SHARD_COUNT");
    assert_eq!(
        count, completions,
        "CONFORM_SHARD_COUNT must equal completions"
    );
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert!(
        container["image"]
            .as_str()
            .unwrap()
            .starts_with("ghcr.io/kliv/conform:v")
    );
    let args = strings(&container["args"]);
    assert!(
        args.windows(2).any(|w| w == ["--shard", "auto"]),
        "{args:?}"
    );
    let last = (completions - 1).to_string();
    let mut engine: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    engine.push(("JOB_COMPLETION_INDEX", &last));
    runs_until_aws(&args, &engine);

    // The validator rejects what Kubernetes would.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &bad,
        text.replace(
            "completionMode: Indexed",
            "completionMode: Indexed\n      completion: 4",
        ),
    )
    .unwrap();
    let verdict = check("kubernetes", &bad);
    assert_eq!(verdict["ok"], false, "an unknown field passed: {verdict}");
    std::fs::write(&bad, text.replace("completions: 4", "completions: four")).unwrap();
    assert_eq!(check("kubernetes", &bad)["ok"], false);
}

#[test]
fn the_aws_batch_example_is_a_valid_array_job() {
    let dir = root().join("examples/aws-batch");
    let definition = check("batch-register", &dir.join("job-definition.json"));
    let submit = check("batch-submit", &dir.join("submit-job.json"));
    let definition = &definition["documents"][0];
    let submit = &submit["documents"][0];
    assert_eq!(submit["jobDefinition"], definition["jobDefinitionName"]);
    let size = submit["arrayProperties"]["size"]
        .as_u64()
        .expect("an array job");
    assert!(size >= 2);
    let container = &definition["containerProperties"];
    assert_eq!(
        container["user"], "10001",
        "runs as the image's unprivileged user"
    );
    let args = strings(&container["command"]);
    assert!(
        args.windows(2).any(|w| w == ["--shard", "auto"]),
        "{args:?}"
    );
    assert!(
        args.iter().any(|a| a.contains("{shard}")),
        "each child needs a file of its own: {args:?}"
    );
    let last = (size - 1).to_string();
    let size = size.to_string();
    runs_until_aws(
        &args,
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", &last),
            ("AWS_BATCH_JOB_ARRAY_SIZE", &size),
            ("AWS_REGION", "eu-north-1"),
        ],
    );

    // The validator rejects what the Batch API would.
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.json");
    let mut wrong = definition.clone();
    wrong["containerProperties"]["comand"] = wrong["containerProperties"]["command"].clone();
    std::fs::write(&bad, wrong.to_string()).unwrap();
    assert_eq!(check("batch-register", &bad)["ok"], false);
    let mut wrong = submit.clone();
    wrong["arrayProperties"]["size"] = Value::String("four".into());
    std::fs::write(&bad, wrong.to_string()).unwrap();
    assert_eq!(check("batch-submit", &bad)["ok"], false);
}

/// The Dockerfile passes hadolint, runs conform as a non-root user, and
/// copies the binary from where scripts/docker-context puts each
/// platform's release binary (checksums verified).
#[test]
fn the_dockerfile_lints_clean_and_its_context_holds_each_platforms_binary() {
    let hadolint = std::env::var("CONFORM_HADOLINT")
        .unwrap_or_else(|_| panic!("CONFORM_HADOLINT is not set: run the tests with scripts/test"));
    let out = Command::new(&hadolint)
        .arg("--no-color")
        .arg(root().join("Dockerfile"))
        .output()
        .expect("run hadolint");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "hadolint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // hadolint can fail.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Dockerfile");
    std::fs::write(&bad, "FROM alpine:latest\nRUN cd /tmp && apk add curl\n").unwrap();
    let out = Command::new(&hadolint).arg(&bad).output().unwrap();
    assert!(!out.status.success(), "hadolint accepted a bad Dockerfile");

    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let user = dockerfile
        .lines()
        .rfind(|l| l.starts_with("USER "))
        .expect("a USER");
    assert!(!user.contains("root") && !user.contains(" 0"), "{user}");
    let copy = dockerfile
        .lines()
        .find(|l| l.starts_with("COPY ") && l.contains("conform"))
        .expect("a COPY of conform");
    assert!(copy.contains("${TARGETPLATFORM}/conform"), "{copy}");

    // The context, from two archives laid out as the release has them.
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    for triple in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
        let stage = dir.path().join("stage").join(triple);
        let inner = stage.join(format!("conform-{triple}"));
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(inner.join("conform"), format!("binary for {triple}\n")).unwrap();
        let archive = dist.join(format!("conform-{triple}.tar.gz"));
        assert!(
            Command::new("tar")
                .arg("-czf")
                .arg(&archive)
                .arg("-C")
                .arg(&stage)
                .arg(format!("conform-{triple}"))
                .status()
                .unwrap()
                .success()
        );
        let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
        let hex = String::from_utf8_lossy(&sum.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        std::fs::write(
            dist.join(format!("conform-{triple}.tar.gz.sha256")),
            format!("{hex} *conform-{triple}.tar.gz\n"),
        )
        .unwrap();
    }
    let context = dir.path().join("context");
    let script = root().join("scripts/docker-context");
    let status = Command::new("bash")
        .arg(&script)
        .arg(&dist)
        .arg(&context)
        .status()
        .unwrap();
    assert!(status.success());
    for (platform, triple) in [
        ("linux/amd64", "x86_64-unknown-linux-musl"),
        ("linux/arm64", "aarch64-unknown-linux-musl"),
    ] {
        let binary = context.join(platform).join("conform");
        assert_eq!(
            std::fs::read_to_string(&binary).unwrap(),
            format!("binary for {triple}\n")
        );
    }
    // A tampered archive is refused.
    let archive = dist.join("conform-aarch64-unknown-linux-musl.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let out = Command::new("bash")
        .arg(&script)
        .arg(&dist)
        .arg(dir.path().join("context2"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum mismatch"));
}
