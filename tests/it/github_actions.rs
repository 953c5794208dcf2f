//! The GitHub Action and every workflow pass zizmor (offline) and
//! actionlint. Both tools are installed by scripts/test.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tool(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run the tests with scripts/test, which installs it")
    })
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The workflows: the project's own, and the examples users copy.
fn workflows() -> Vec<PathBuf> {
    let mut files = yaml_files(".github/workflows");
    files.extend(yaml_files("examples"));
    assert!(files.len() >= 2, "{files:?}");
    files
}

fn zizmor(files: &[PathBuf]) -> std::process::Output {
    Command::new(tool("CONFORM_ZIZMOR"))
        .arg("--offline")
        .arg("--no-progress")
        .arg("--config")
        .arg(root().join(".github/zizmor.yml"))
        .args(files)
        .current_dir(root())
        .output()
        .expect("run zizmor")
}

fn actionlint(files: &[PathBuf]) -> std::process::Output {
    Command::new(tool("CONFORM_ACTIONLINT"))
        .arg("-no-color")
        .args(files)
        .current_dir(root())
        .output()
        .expect("run actionlint")
}

#[test]
fn zizmor_finds_nothing() {
    let mut files = workflows();
    files.push(root().join("action.yml"));
    let out = zizmor(&files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("No findings"),
        "zizmor:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn actionlint_finds_nothing() {
    // actionlint also checks the inputs given to `uses: ./` (action.yml).
    let out = actionlint(&workflows());
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Both linters catch what they are here to catch.
#[test]
fn the_linters_can_fail() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: pull_request_target\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.pull_request.title }}\n",
    )
    .unwrap();
    let out = zizmor(std::slice::from_ref(&bad));
    assert!(
        !out.status.success(),
        "zizmor accepted a template injection"
    );
    let out = actionlint(&[bad]);
    assert!(
        !out.status.success(),
        "actionlint accepted an unsafe workflow"
    );
}
