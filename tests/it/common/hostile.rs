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

/// The example estate with its volumes repeated `times` times under new
/// ids (more verdicts than one ASFF batch or one page of the HTML list).
pub fn many_volumes_estate(dir: &Path, times: usize) -> PathBuf {
    let mut estate: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/estate.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let volumes = estate["volumes"].as_array().cloned().unwrap_or_default();
    assert!(!volumes.is_empty(), "the example estate has volumes");
    let mut many = Vec::new();
    for i in 0..times {
        for v in &volumes {
            let mut v = v.clone();
            let arn = format!("{}-{i}", v["arn"].as_str().unwrap());
            v["arn"] = Value::from(arn);
            if let Some(id) = v["id"].as_str() {
                v["id"] = Value::from(format!("{id}-{i}"));
            }
            many.push(v);
        }
    }
    estate["volumes"] = Value::from(many);
    let path = dir.join("many.json");
    std::fs::write(&path, estate.to_string()).unwrap();
    path
}
