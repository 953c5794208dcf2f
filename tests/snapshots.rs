//! Snapshots of every format of the example estate, in tests/snapshots/:
//! a change to any report shows up in review as a diff of these files.
//! `CONFORM_UPDATE_SNAPSHOTS=1 scripts/test --test snapshots` rewrites
//! them after an intended change.

mod common;

use std::path::PathBuf;

use common::*;

#[test]
fn example_estate_formats_match_their_snapshots() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/snapshots");
    let update = std::env::var("CONFORM_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let mut stale = Vec::new();
    for (format, file) in [
        ("text", "example.txt"),
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
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &run.stdout).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != run.stdout {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "these reports differ from their snapshots in tests/snapshots: {stale:?}\n\
         (review the change, then CONFORM_UPDATE_SNAPSHOTS=1 scripts/test --test snapshots)"
    );
}
