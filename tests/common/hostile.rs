//! An estate of hostile names and tags: what anyone who can tag a
//! resource can write, for the tests of every report format.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Names, tags, descriptions that anyone who can tag a resource can write.
pub const HOSTILE: &str = "=HYPERLINK(\"http://evil.test\",\"x\"),</script><script>alert(1)</script>&amp;\u{7}\u{1b}[31m'\"\t\r\n";

/// The example estate with a hostile prefix on every name and hostile tags
/// on everything that has tags.
pub fn hostile_estate(dir: &Path) -> PathBuf {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(name)) = map.get_mut("name") {
                    *name = format!("{HOSTILE}{name}");
                }
                if let Some(Value::Object(tags)) = map.get_mut("tags") {
                    tags.insert(
                        "Name".into(),
                        Value::from(format!("<img src=x onerror=alert(2)>{HOSTILE}")),
                    );
                    tags.insert(
                        format!("+{HOSTILE}"),
                        Value::from("@SUM(1+1)*cmd|' /C calc'!A0"),
                    );
                    tags.insert("-2+3".into(), Value::from("-2+3"));
                }
                for (_, x) in map.iter_mut() {
                    walk(x);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut estate: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate.json"),
        )
        .unwrap(),
    )
    .unwrap();
    walk(&mut estate);
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_string_pretty(&estate).unwrap()).unwrap();
    path
}
