//! The catalogue of built-in checks, for `conform checks`: each check's
//! name, summary (with its default parameters), the kinds of resource it
//! judges and reads (from the table of kinds), its parameters with their
//! types, meanings and defaults, and the rules of a pack that use it.
//! Everything comes from the registry ([`crate::checks::registry`]) and the
//! checks' own documentation, so the catalogue cannot drift from the code.

use std::fmt::Write;

use serde::Serialize;

use crate::checks::{self, Registered};
use crate::inventory::Dataset;
use crate::rules::RulePack;

/// The JSON listing's `schema`: changes only when a field changes meaning
/// or goes away (fields may be added).
pub const SCHEMA: &str = "conform-checks/1";

/// The JSON listing (`conform checks --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    pub schema: &'static str,
    /// Where the rules named in `rules` come from (`built-in` or a path).
    pub pack: String,
    pub checks: Vec<CheckEntry>,
}

/// One check (`conform checks NAME --format json` prints one).
#[derive(Debug, Clone, Serialize)]
pub struct CheckEntry {
    /// The name a rule's `checks` writes.
    pub name: &'static str,
    /// One line, rendered with the default parameters.
    pub summary: String,
    /// The kinds of resource it judges: each gets a verdict.
    pub judges: Vec<KindEntry>,
    /// Other kinds it reads to judge them.
    pub reads: Vec<KindEntry>,
    pub params: Vec<ParamEntry>,
    /// The ids of the pack's rules that use the check.
    pub rules: Vec<String>,
}

/// A kind of resource, as the table of kinds names it.
#[derive(Debug, Clone, Serialize)]
pub struct KindEntry {
    /// The dataset's name (as in coverage and saved inventories).
    pub dataset: &'static str,
    /// The CloudFormation resource type reports use.
    pub resource_type: &'static str,
}

/// A parameter of a check.
#[derive(Debug, Clone, Serialize)]
pub struct ParamEntry {
    pub name: &'static str,
    /// What value it takes, in a user's words.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
    /// Its default, as a rule's `params` would write it (JSON).
    pub default: serde_json::Value,
}

fn kinds(datasets: &[Dataset]) -> Vec<KindEntry> {
    datasets
        .iter()
        .map(|d| KindEntry {
            dataset: d.name(),
            resource_type: d.resource_type(),
        })
        .collect()
}

/// One check's entry, with the rules of `pack` that use it.
pub fn entry(check: &Registered, pack: &RulePack) -> CheckEntry {
    let (summary, defaults) = match check.with_defaults() {
        Ok(bound) => (bound.doc().summary.clone(), bound.params()),
        // The defaults always bind (a unit test binds every check so).
        Err(_) => (check.doc.summary.to_string(), serde_json::Value::Null),
    };
    let params = check
        .params
        .iter()
        .map(|p| ParamEntry {
            name: p.name,
            kind: p.kind,
            description: p.description,
            default: defaults.get(p.name).cloned().unwrap_or_default(),
        })
        .collect();
    let rules = pack
        .rules
        .iter()
        .filter(|r| r.checks.iter().any(|c| c.doc().name == check.doc.name))
        .map(|r| r.id.clone())
        .collect();
    CheckEntry {
        name: check.doc.name,
        summary,
        judges: kinds(check.subjects),
        reads: kinds(check.uses),
        params,
        rules,
    }
}

/// Every registered check, in the registry's order.
pub fn catalogue(pack: &RulePack) -> Catalogue {
    Catalogue {
        schema: SCHEMA,
        pack: pack.origin.clone(),
        checks: checks::registry().iter().map(|c| entry(c, pack)).collect(),
    }
}

fn kinds_text(kinds: &[KindEntry]) -> String {
    let names: Vec<String> = kinds
        .iter()
        .map(|k| format!("{} ({})", k.resource_type, k.dataset))
        .collect();
    names.join(", ")
}

fn rules_text(entry: &CheckEntry) -> String {
    if entry.rules.is_empty() {
        "none".to_string()
    } else {
        entry.rules.join(", ")
    }
}

/// The text listing: a few lines per check.
pub fn render_text(catalogue: &Catalogue) -> String {
    let mut out = String::new();
    for c in &catalogue.checks {
        let _ = writeln!(out, "{}", c.name);
        let _ = writeln!(out, "    {}", c.summary);
        let _ = writeln!(out, "    judges: {}", kinds_text(&c.judges));
        if !c.reads.is_empty() {
            let _ = writeln!(out, "    reads:  {}", kinds_text(&c.reads));
        }
        if c.params.is_empty() {
            let _ = writeln!(out, "    params: none");
        }
        for p in &c.params {
            let _ = writeln!(out, "    param:  {} = {}", p.name, toml_value(&p.default));
            let _ = writeln!(out, "            {}", p.kind);
        }
        let _ = writeln!(out, "    rules:  {}", rules_text(c));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} checks; rules from {}. `conform checks NAME` shows one with its parameters' meaning; \
`conform explain NAME` its full documentation.",
        catalogue.checks.len(),
        catalogue.pack
    );
    out
}

/// One check in text, its parameters described.
pub fn render_one_text(c: &CheckEntry, pack: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}\n", c.name, c.summary);
    let _ = writeln!(out, "Judges: {}", kinds_text(&c.judges));
    if !c.reads.is_empty() {
        let _ = writeln!(out, "Reads:  {}", kinds_text(&c.reads));
    }
    let _ = writeln!(out, "Rules of {pack} that use it: {}\n", rules_text(c));
    if c.params.is_empty() {
        let _ = writeln!(out, "Parameters: none.\n");
    } else {
        let _ = writeln!(out, "Parameters (a rule sets them in `params`):\n");
        for p in &c.params {
            let _ = writeln!(out, "  {} = {}  (default)", p.name, toml_value(&p.default));
            let _ = writeln!(out, "      type: {}", p.kind);
            let _ = writeln!(out, "      {}\n", p.description);
        }
        let example: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{} = {}", p.name, toml_value(&p.default)))
            .collect();
        let _ = writeln!(
            out,
            "In a rule: checks = [{{ name = \"{}\", params = {{ {} }} }}]\n",
            c.name,
            example.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "`conform explain {}` shows what it checks, why it matters and how to fix it.",
        c.name
    );
    out
}

/// A default written as a rules file (TOML) writes it.
fn toml_value(value: &serde_json::Value) -> String {
    toml::Value::try_from(value)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_listed_with_described_parameters_and_its_rules() {
        let pack = crate::rules::load_builtin().unwrap();
        let cat = catalogue(&pack);
        assert_eq!(cat.checks.len(), checks::registry().len());
        let ingress = cat
            .checks
            .iter()
            .find(|c| c.name == "sg-internet-ingress")
            .unwrap();
        assert_eq!(ingress.judges[0].resource_type, "AWS::EC2::SecurityGroup");
        assert_eq!(ingress.reads[0].dataset, "prefix-lists");
        assert_eq!(ingress.params[0].name, "allowed");
        assert_eq!(
            ingress.params[0].default,
            serde_json::json!(["tcp/80", "tcp/443"])
        );
        assert_eq!(ingress.rules, ["NET-001"]);
        for c in &cat.checks {
            for p in &c.params {
                assert!(!p.default.is_null(), "{}.{} has no default", c.name, p.name);
            }
        }
        // Types that enumerate what compile accepts name all of it.
        let tls = cat
            .checks
            .iter()
            .find(|c| c.name == "lb-tls-policy")
            .unwrap();
        for (param, known) in [
            (0, crate::analysis::tls::PROTOCOLS),
            (1, crate::analysis::tls::CIPHER_FAMILIES),
        ] {
            for k in known {
                assert!(tls.params[param].kind.contains(k), "{k}");
            }
        }
        let text = render_one_text(ingress, &cat.pack);
        assert!(
            text.contains(r#"params = { allowed = ["tcp/80", "tcp/443"] }"#),
            "{text}"
        );
    }
}
