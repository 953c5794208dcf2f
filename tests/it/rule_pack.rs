//! The built-in rule pack keeps its promises to the policy: every rule
//! quotes the line it cites, in a policy file shipped with conform.

use std::path::Path;

use conform::rules;

/// Every checkable promise id in Kliv's PROMISES.md.
const PROMISE_IDS: &[&str] = &[
    "NET-001", "NET-002", "NET-003", "NET-004", "NET-005", "TLS-001", "TLS-002", "ENC-001",
    "ENC-002", "ENC-003", "LOG-001", "LOG-002", "BAK-001", "BAK-002", "BAK-003", "HA-001",
    "HA-002", "MNT-001",
];

fn policy_lines(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::to_string).collect()
}

#[test]
fn every_rule_quotes_the_line_it_cites() {
    let pack = rules::load_builtin().expect("built-in pack loads");
    for rule in &pack.rules {
        let lines = policy_lines(&rule.promise.file);
        let line = lines
            .get(rule.promise.line as usize - 1)
            .unwrap_or_else(|| panic!("{}: line {} past the end", rule.id, rule.promise.line));
        assert!(
            line.contains(&rule.promise.text),
            "{}: line {} of {} does not contain the quoted promise\n  line:  {line}\n  quote: {}",
            rule.id,
            rule.promise.line,
            rule.promise.file,
            rule.promise.text
        );
        for related in &rule.promise.related_lines {
            let text = &lines[*related as usize - 1];
            assert!(
                !text.trim().is_empty(),
                "{}: related line {related} is blank",
                rule.id
            );
        }
    }
}

#[test]
fn rule_ids_are_the_promises_ids() {
    let pack = rules::load_builtin().expect("built-in pack loads");
    for rule in &pack.rules {
        assert!(
            PROMISE_IDS.contains(&rule.id.as_str()),
            "{} is not a promise id",
            rule.id
        );
    }
}

#[test]
fn swedish_and_japanese_policies_are_line_for_line() {
    let sv = policy_lines("policy/security-policy.sv.md");
    let ja = policy_lines("policy/security-policy.ja.md");
    assert_eq!(sv.len(), ja.len());
    for (i, (s, j)) in sv.iter().zip(&ja).enumerate() {
        assert_eq!(
            s.trim().is_empty(),
            j.trim().is_empty(),
            "line {} differs in shape",
            i + 1
        );
    }
}

/// With the Japanese policy as `--policy-file`, every promise is quoted
/// from the same line of the Japanese document; with the default policy
/// file, the quotes are the pack's own words (so reports do not change).
#[test]
fn the_japanese_policy_is_quoted_line_for_line() {
    let builtin = rules::load_builtin().expect("built-in pack loads");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ja_file = root.join("policy/security-policy.ja.md");
    let ja_path = ja_file.to_str().unwrap();
    let ja = rules::load(None, Some(ja_path)).expect("pack loads with the Japanese policy");
    let ja_lines = policy_lines("policy/security-policy.ja.md");
    let raw: toml::Table = toml::from_str(rules::BUILTIN_PACK).unwrap();
    let raw_rules = raw["rule"].as_array().unwrap();
    for ((sv, ja), raw) in builtin.rules.iter().zip(&ja.rules).zip(raw_rules) {
        assert_eq!(
            sv.promise.text,
            raw["promise"]["text"].as_str().unwrap(),
            "{}: the default policy file changes the quote",
            sv.id
        );
        assert_eq!(ja.promise.file, ja_path);
        assert_eq!(ja.promise.line, sv.promise.line);
        let line = &ja_lines[ja.promise.line as usize - 1];
        assert!(
            !ja.promise.text.is_empty() && line.contains(&ja.promise.text),
            "{}: {:?} is not on line {} of the Japanese policy",
            ja.id,
            ja.promise.text,
            ja.promise.line
        );
        assert!(
            ja.promise
                .text
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "{}: {:?} is not Japanese",
            ja.id,
            ja.promise.text
        );
    }
    // A policy file that cannot be read: the pack's words.
    let absent = rules::load(None, Some("no/such/policy.md")).unwrap();
    assert_eq!(absent.rules[0].promise.text, builtin.rules[0].promise.text);
    assert_eq!(absent.rules[0].promise.file, "no/such/policy.md");
}
