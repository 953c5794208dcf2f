//! Mutation fuzzing of everything conform reads from outside: rules files
//! and saved inventories (and, through inventories, every check and every
//! report format). No input may panic; every rejection names the file and,
//! for syntax and shape errors, the line and column.
//!
//! The suite runs a short, fixed-seed smoke run. `scripts/fuzz` runs the
//! same targets for longer with fresh seeds:
//! `CONFORM_FUZZ_ITERATIONS` (per target) and `CONFORM_FUZZ_SEED`.
//! A failing input is written to the system's temporary directory and its
//! path printed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::Value;

use conform::evaluate::evaluate;
use conform::inventory::Inventory;
use conform::report::{self, Format, ReportInput};
use conform::rules;

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn iterations() -> usize {
    std::env::var("CONFORM_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250)
}

fn seed(target: u64) -> u64 {
    let base = std::env::var("CONFORM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00C0_FFEE);
    base ^ target.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Tokens that tend to break parsers and checks.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ":",
    "\n",
    "#",
    "\\",
    "-1",
    "0",
    "65536",
    "4294967296",
    "99999999999999999999",
    "1e999",
    "null",
    "true",
    "\u{0}",
    "∞",
    "🦀",
    "[[rule]]",
    "0.0.0.0/0",
    "::/0",
    "300.1.1.1/40",
    "tcp/70000",
    "all",
    "sun:99:99-mon:00:00",
    "kind = \"*\"",
    "op = \"gte\"",
    "every = { op = \"eq\", value = 1 }",
    "field = \"Endpoint.Port\"",
    "'''",
    "(?",
];

/// A textual mutation: delete, insert, duplicate, swap or truncate.
fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        let len = bytes.len();
        match rng.below(6) {
            0 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below(16.min(len - at));
                bytes.drain(at..at + n);
            }
            1 => {
                let at = rng.below(len + 1);
                let token = rng.pick(TOKENS).as_bytes().to_vec();
                bytes.splice(at..at, token);
            }
            2 if len > 0 => {
                let at = rng.below(len);
                bytes[at] = rng.next() as u8;
            }
            3 => {
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let line = lines[rng.below(lines.len())].to_vec();
                let at = rng.below(len + 1);
                let mut insert = line;
                insert.push(b'\n');
                bytes.splice(at..at, insert);
            }
            4 => {
                let keep = rng.below(len + 1);
                bytes.truncate(keep);
            }
            _ => {
                let a = rng.below(len + 1);
                let b = rng.below(len + 1);
                let (a, b) = (a.min(b), a.max(b));
                bytes[a..b].reverse();
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Values checks must survive: wrong types are caught by serde, so these
/// keep the type and break the meaning.
fn weird_value(rng: &mut Rng, like: &Value) -> Value {
    match like {
        Value::String(_) => Value::from(*rng.pick(&[
            "",
            " ",
            "-1",
            "SCTP",
            "HTTP/3",
            "0.0.0.0/0",
            "::/0",
            "10.0.0.0/33",
            "not-a-cidr",
            "1.2.3.4",
            "fe80::1%eth0",
            "TLSv1.9",
            "TLS_FANCY_NEW_SUITE",
            "sun:05:00-sun:06:00",
            "xyz:25:61-abc:00:00",
            "arn:aws:rds:mars-1:1:db:x",
            "2026-02-30T00:00:00Z",
            "🦀",
            "aws:kms",
            "enabled",
            "paused",
        ])),
        Value::Number(_) => Value::from(*rng.pick(&[
            0i64,
            -1,
            -65536,
            65535,
            65536,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
            32767,
            32768,
        ])),
        Value::Bool(b) => Value::from(!b),
        Value::Array(items) if !items.is_empty() && rng.below(3) == 0 => Value::Array(Vec::new()),
        Value::Array(items) if !items.is_empty() => {
            let mut items = items.clone();
            let i = rng.below(items.len());
            items.push(items[i].clone());
            Value::Array(items)
        }
        other => other.clone(),
    }
}

/// A structural mutation of a JSON document: some leaves get weird values
/// of the same type.
fn mutate_json(rng: &mut Rng, doc: &Value) -> Value {
    let mut doc = doc.clone();
    for _ in 0..=rng.below(6) {
        // Walk down from the root to a random node, as a JSON pointer.
        let mut pointer = String::new();
        let mut node = &doc;
        loop {
            let step = match node {
                Value::Object(map) if !map.is_empty() => {
                    let keys: Vec<&String> = map.keys().collect();
                    let key = *rng.pick(&keys);
                    if key == "format" || key == "version" {
                        break;
                    }
                    Some((key.replace('~', "~0").replace('/', "~1"), &map[key]))
                }
                Value::Array(items) if !items.is_empty() => {
                    let i = rng.below(items.len());
                    Some((i.to_string(), &items[i]))
                }
                _ => None,
            };
            match step {
                Some((segment, child)) if rng.below(4) != 0 => {
                    pointer.push('/');
                    pointer.push_str(&segment);
                    node = child;
                }
                _ => break,
            }
        }
        let replacement = weird_value(rng, node);
        if let Some(target) = doc.pointer_mut(&pointer) {
            *target = replacement;
        }
    }
    doc
}

fn save_failure(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("conform-fuzz-{name}-{}.txt", std::process::id()));
    let _ = std::fs::write(&path, text);
    path
}

/// Evaluates and renders in every format: nothing may panic.
fn exercise(pack: &rules::RulePack, inventory: &Inventory) {
    let evaluation = evaluate(pack, inventory, None);
    let input = ReportInput::new(&evaluation, pack, inventory);
    for format in [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Csv,
        Format::Ocsf,
        Format::Junit,
    ] {
        let out = report::render(format, &input);
        assert!(!out.is_empty());
    }
    // ASFF is empty when there are no verdicts (no request to make).
    let _ = report::render(Format::Asff, &input);
}

fn assert_names_place(message: &str, file: &str) {
    assert!(
        message.starts_with(file),
        "error does not name the file: {message}"
    );
}

fn has_line_column(message: &str, file: &str) -> bool {
    let rest = &message[file.len()..];
    let mut parts = rest.split(':');
    parts.next() == Some("")
        && parts.next().is_some_and(|l| l.parse::<usize>().is_ok())
        && parts.next().is_some_and(|c| c.parse::<usize>().is_ok())
}

#[test]
fn fuzz_rules_files() {
    fuzz_rules("rules/kliv.toml", 1);
}

/// Attribute rules (`kind` with `require`): their requirements, operators
/// and values mutated, evaluated over the example estate when they load.
#[test]
fn fuzz_attribute_rules_files() {
    fuzz_rules("tests/attribute/rules.toml", 5);
}

/// Mutates the rules file at `path` (from the repository's root): every
/// rejection names the file (nearly all a line and column), every pack
/// that loads is evaluated and rendered, and nothing panics.
fn fuzz_rules(path: &str, target: u64) {
    let original = std::fs::read_to_string(root().join(path)).unwrap();
    let inventory = Inventory::load(&root().join("examples/estate.json")).unwrap();
    let mut rng = Rng::new(seed(target));
    let file = "fuzz.toml";
    let (mut accepted, mut located) = (0, 0);
    for _ in 0..iterations() {
        let text = mutate_text(&mut rng, &original);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match rules::parse(Path::new(file), &text) {
                Ok(pack) => {
                    exercise(&pack, &inventory);
                    (true, false)
                }
                Err(e) => {
                    let message = e.to_string();
                    assert_names_place(&message, file);
                    (false, has_line_column(&message, file))
                }
            }
        }));
        match outcome {
            Ok((ok, at)) => {
                accepted += usize::from(ok);
                located += usize::from(at);
            }
            Err(_) => panic!(
                "panic on a rules file; input saved to {}",
                save_failure("rules", &text).display()
            ),
        }
    }
    // Most mutations break the file, and nearly every rejection is located.
    let rejected = iterations() - accepted;
    assert!(
        rejected > 0,
        "no mutation was rejected: the fuzzer is not mutating"
    );
    assert!(
        located * 10 >= rejected * 9,
        "{located} of {rejected} rejections name a line and column"
    );
}

#[test]
fn fuzz_inventory_text() {
    let original = std::fs::read_to_string(root().join("examples/estate.json")).unwrap();
    let pack = rules::load_builtin().unwrap();
    let mut rng = Rng::new(seed(2));
    let file = "fuzz.json";
    for _ in 0..iterations() {
        let text = mutate_text(&mut rng, &original);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match Inventory::from_json(Path::new(file), &text) {
                Ok(inventory) => exercise(&pack, &inventory),
                Err(e) => assert_names_place(&e.to_string(), file),
            }
        }));
        if outcome.is_err() {
            panic!(
                "panic on an inventory; input saved to {}",
                save_failure("inventory-text", &text).display()
            );
        }
    }
}

#[test]
fn fuzz_inventory_values_through_every_check_and_format() {
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/estate.json")).unwrap(),
    )
    .unwrap();
    let pack = rules::load_builtin().unwrap();
    let mut rng = Rng::new(seed(3));
    let file = "fuzz.json";
    let mut evaluated = 0;
    for _ in 0..iterations() {
        let doc = mutate_json(&mut rng, &original);
        let text = serde_json::to_string_pretty(&doc).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match Inventory::from_json(Path::new(file), &text) {
                Ok(inventory) => {
                    exercise(&pack, &inventory);
                    true
                }
                Err(e) => {
                    let message = e.to_string();
                    assert_names_place(&message, file);
                    false
                }
            }
        }));
        match outcome {
            Ok(ok) => evaluated += usize::from(ok),
            Err(_) => panic!(
                "panic on an inventory; input saved to {}",
                save_failure("inventory-values", &text).display()
            ),
        }
    }
    // Same-typed mutations mostly load, so the checks really see them.
    assert!(
        evaluated * 2 >= iterations(),
        "only {evaluated} mutated inventories loaded"
    );
}

/// Waivers files: mutated text of the example waivers file. A file is
/// either rejected with file:line:column, or loads with every malformed
/// waiver located; what loads is applied to the example estate's findings
/// and rendered in every format, without panicking, and never waives an
/// unknown verdict.
#[test]
fn fuzz_waivers_files() {
    use conform::findings::Status;
    use conform::waivers;
    let original = std::fs::read_to_string(root().join("examples/waivers.toml")).unwrap();
    let inventory = Inventory::load(&root().join("examples/estate.json")).unwrap();
    let pack = rules::load_builtin().unwrap();
    let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    let base = evaluate(&pack, &inventory, None);
    let now = inventory.collected_at;
    let mut rng = Rng::new(seed(4));
    let file = "fuzz-waivers.toml";
    let (mut loaded, mut rejected, mut located) = (0, 0, 0);
    for _ in 0..iterations() {
        let text = mutate_text(&mut rng, &original);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match waivers::parse(Path::new(file), &text, &ids, &pack.waiver_policy, now) {
                Ok((good, invalid)) => {
                    for i in &invalid {
                        assert!(
                            i.to_string()
                                .starts_with(&format!("{file}:{}:{}: ", i.line, i.column)),
                            "{i}"
                        );
                    }
                    let set = waivers::WaiverSet {
                        files: vec![file.to_string()],
                        waivers: good,
                        invalid,
                        policy: pack.waiver_policy.clone(),
                    };
                    let mut evaluation = base.clone();
                    let report = waivers::apply(&set, &mut evaluation.findings, now);
                    let unknown_before = base
                        .findings
                        .iter()
                        .filter(|f| f.status == Status::Unknown)
                        .count();
                    let unknown_after = evaluation
                        .findings
                        .iter()
                        .filter(|f| f.status == Status::Unknown)
                        .count();
                    assert_eq!(unknown_before, unknown_after, "a waiver changed an unknown");
                    evaluation.summary =
                        conform::evaluate::Summary::of(pack.rules.len(), &evaluation.findings);
                    let mut input = ReportInput::new(&evaluation, &pack, &inventory);
                    input.waivers = report;
                    for format in [Format::Text, Format::Json, Format::Sarif, Format::Markdown] {
                        assert!(!report::render(format, &input).is_empty());
                    }
                    (true, false)
                }
                Err(e) => {
                    let message = e.to_string();
                    assert_names_place(&message, file);
                    (false, has_line_column(&message, file))
                }
            }
        }));
        match outcome {
            Ok((true, _)) => loaded += 1,
            Ok((false, at)) => {
                rejected += 1;
                located += usize::from(at);
            }
            Err(_) => panic!(
                "panic on a waivers file; input saved to {}",
                save_failure("waivers", &text).display()
            ),
        }
    }
    assert!(
        rejected > 0 && loaded > 0,
        "{loaded} loaded, {rejected} rejected"
    );
    assert!(
        located * 10 >= rejected * 9,
        "{located} of {rejected} rejections name a line and column"
    );
}
