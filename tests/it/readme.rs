//! The README's example output is real: every line it shows is a line of
//! `conform scan --inventory examples/estate.json`, and the two commands it
//! gives are the ones this repository runs.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example block that follows the README's first command.
fn example_block(readme: &str) -> Vec<&str> {
    let start = readme
        .find("$ cargo run -- scan --inventory examples/estate.json\n")
        .expect("the README shows the first command's output");
    let block = &readme[start..];
    let end = block.find("```").expect("the example block ends");
    block[..end].lines().skip(1).collect()
}

#[test]
fn readme_example_output_matches_a_real_scan() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_conform"));
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args(["scan", "--inventory", "examples/estate.json"])
        .current_dir(root())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let actual = String::from_utf8(out.stdout).unwrap();
    let actual_lines: Vec<&str> = actual.lines().collect();
    let shown: Vec<&str> = example_block(&readme)
        .into_iter()
        .filter(|l| !l.starts_with("(…") && !l.starts_with("$ ") && *l != "1" && !l.is_empty())
        .collect();
    assert!(
        shown.len() > 20,
        "the example is too short to mean anything"
    );
    for line in shown {
        assert!(
            actual_lines.contains(&line),
            "README shows a line the scan does not print:\n{line}"
        );
    }
}

#[test]
fn readme_commands_are_the_ones_ci_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("\ncargo run -- scan --inventory examples/estate.json\n"));
    assert!(readme.contains("\nscripts/test\n"));
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == "scripts/test"),
        ".ci/run must run the README's test command"
    );
}
