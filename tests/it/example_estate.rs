//! The example estate (examples/estate.json, written by
//! scripts/make-example-estate.py) loads, and exercises every rule of the
//! built-in pack both ways: the README's first command shows a real scan.

use std::collections::BTreeMap;
use std::path::Path;

use conform::evaluate::evaluate;
use conform::findings::Status;
use conform::inventory::Inventory;
use conform::rules;

#[test]
fn every_rule_passes_and_fails_somewhere_in_the_example() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate.json");
    let inventory = Inventory::load(&path).expect("the example estate loads");
    let pack = rules::load_builtin().unwrap();
    let evaluation = evaluate(&pack, &inventory, None);
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in &evaluation.findings {
        let entry = seen.entry(f.rule_id.as_str()).or_default();
        match f.status {
            Status::Fail => entry.0 += 1,
            Status::Pass => entry.1 += 1,
            Status::Unknown | Status::Waived => {}
        }
    }
    for rule in &pack.rules {
        let (failed, passed) = seen.get(rule.id.as_str()).copied().unwrap_or_default();
        assert!(
            failed > 0 && passed > 0,
            "{}: {failed} failed, {passed} passed",
            rule.id
        );
    }
    // It also shows unknowns: a region where log groups could not be read,
    // and a bucket whose encryption could not be read.
    assert_eq!(evaluation.summary.unknown, 2);
}

#[test]
fn saving_and_loading_an_inventory_changes_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate.json");
    let inventory = Inventory::load(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.json");
    std::fs::write(&copy, inventory.to_json()).unwrap();
    let again = Inventory::load(&copy).unwrap();
    assert_eq!(inventory, again);
    let pack = rules::load_builtin().unwrap();
    assert_eq!(
        evaluate(&pack, &inventory, None),
        evaluate(&pack, &again, None)
    );
}
