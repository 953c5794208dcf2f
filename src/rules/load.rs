//! Reading a rules pack from TOML, with errors that point at the file,
//! line and column.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use super::scope::{Pattern, Scope};
use super::{Promise, Rule, RuleCheck, RulePack, Severity};
use crate::analysis::net::AddressSpace;
use crate::checks;
use crate::error::RulesError;

/// The Kliv rule pack, compiled into the binary.
pub const BUILTIN_PACK: &str = include_str!("../../rules/kliv.toml");
/// The policy document the built-in pack's promises quote (its
/// `[policy] file`), compiled in so that reports can show it anywhere.
pub const BUILTIN_POLICY: &str = include_str!("../../policy/security-policy.sv.md");
/// The name the built-in pack is reported under.
pub const BUILTIN_PACK_NAME: &str = "rules/kliv.toml (built in)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[serde(default)]
    policy: Option<RawPolicy>,
    #[serde(default)]
    network: Option<RawNetwork>,
    #[serde(default)]
    waivers: Option<RawWaiverPolicy>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

/// `[waivers]`: the policy's limits on accepted risks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiverPolicy {
    #[serde(default)]
    max_days: Option<u32>,
    #[serde(default)]
    warn_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    /// The policy document the promises quote, unless a promise names its
    /// own `file`.
    file: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPromise {
    #[serde(default)]
    file: Option<String>,
    line: u32,
    #[serde(default)]
    related_lines: Vec<u32>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    #[serde(default)]
    private_cidrs: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    trusted_cidrs: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: String,
    severity: Spanned<String>,
    area: String,
    promise: Spanned<RawPromise>,
    /// Controls of frameworks the rule covers (`ISO27001:2022/A.8.24`).
    #[serde(default)]
    controls: Vec<Spanned<String>>,
    #[serde(default)]
    scope: Option<Spanned<RawScope>>,
    #[serde(default)]
    exclude: Option<Spanned<RawScope>>,
    checks: Spanned<Vec<RawCheck>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScope {
    #[serde(default)]
    regions: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    #[serde(default)]
    tags: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    name: Spanned<String>,
    #[serde(default)]
    params: Option<Spanned<toml::Value>>,
    #[serde(default)]
    scope: Option<Spanned<RawScope>>,
    #[serde(default)]
    exclude: Option<Spanned<RawScope>>,
}

/// Loads the built-in Kliv pack.
pub fn load_builtin() -> Result<RulePack, RulesError> {
    parse(Path::new(BUILTIN_PACK_NAME), BUILTIN_PACK)
}

/// Loads a pack from a file.
pub fn load_file(path: &Path) -> Result<RulePack, RulesError> {
    let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parses a pack; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<RulePack, RulesError> {
    let at = |span: Range<usize>, message: String| {
        let (line, column) = line_column(text, span.start);
        RulesError::Invalid {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    let raw: RawPack =
        toml::from_str(text).map_err(|e| at(e.span().unwrap_or(0..0), e.message().to_string()))?;

    let default_file = match &raw.policy {
        Some(policy) if policy.file.get_ref().trim().is_empty() => {
            return Err(at(policy.file.span(), "policy.file is empty".to_string()));
        }
        Some(policy) => Some(policy.file.get_ref().trim().to_string()),
        None => None,
    };
    let addresses = match &raw.network {
        None => AddressSpace::default(),
        Some(net) => {
            let cidrs =
                |list: &[Spanned<String>], what: &str| -> Result<Vec<ipnet::IpNet>, RulesError> {
                    list.iter()
                        .map(|c| {
                            ipnet::IpNet::from_str(c.get_ref().trim()).map_err(|_| {
                                at(
                                    c.span(),
                                    format!("{what}: {:?} is not a CIDR block", c.get_ref()),
                                )
                            })
                        })
                        .collect()
                };
            let private = match &net.private_cidrs {
                Some(list) => cidrs(list, "network.private_cidrs")?,
                None => crate::analysis::net::DEFAULT_PRIVATE_CIDRS
                    .iter()
                    .filter_map(|c| ipnet::IpNet::from_str(c).ok())
                    .collect(),
            };
            let trusted = cidrs(&net.trusted_cidrs, "network.trusted_cidrs")?;
            AddressSpace::new(&private, &trusted)
        }
    };

    let mut seen = HashSet::new();
    let mut rules = Vec::new();
    for spanned in raw.rule {
        let raw = spanned.into_inner();
        let id = raw.id.get_ref().trim().to_string();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(at(
                raw.id.span(),
                format!("rule id {id:?} must be non-empty letters, digits, '-', '_' or '.'"),
            ));
        }
        if !seen.insert(id.to_ascii_uppercase()) {
            return Err(at(raw.id.span(), format!("rule id {id} is defined twice")));
        }
        let severity =
            Severity::from_str(raw.severity.get_ref()).map_err(|m| at(raw.severity.span(), m))?;
        let promise_span = raw.promise.span();
        let promise = raw.promise.into_inner();
        let (file, file_from_pack) = match (promise.file, &default_file) {
            (Some(file), _) => (file, false),
            (None, Some(file)) => (file.clone(), true),
            (None, None) => {
                return Err(at(
                    promise_span,
                    format!(
                        "rule {id}: the promise names no file, and the pack has no [policy] file"
                    ),
                ));
            }
        };
        if promise.line == 0 || file.trim().is_empty() || promise.text.trim().is_empty() {
            return Err(at(
                promise_span,
                format!("rule {id}: promise needs a file, a line (from 1) and the quoted text"),
            ));
        }
        let promise = Promise {
            file,
            line: promise.line,
            related_lines: promise.related_lines,
            text: promise.text,
        };
        let mut controls: Vec<String> = Vec::new();
        for c in &raw.controls {
            let control = c.get_ref().trim();
            if control.is_empty()
                || control
                    .chars()
                    .any(|ch| ch.is_control() || ch.is_whitespace())
            {
                return Err(at(
                    c.span(),
                    format!(
                        "rule {id}: control {:?} must be a non-empty id without spaces (e.g. \"ISO27001:2022/A.8.24\")",
                        c.get_ref()
                    ),
                ));
            }
            if controls.iter().any(|k| k == control) {
                return Err(at(
                    c.span(),
                    format!("rule {id}: control {control} is listed twice"),
                ));
            }
            controls.push(control.to_string());
        }
        let scope = compile_scope(raw.scope, &at, &id)?;
        let exclude = compile_scope(raw.exclude, &at, &id)?;

        let checks_span = raw.checks.span();
        let raw_checks = raw.checks.into_inner();
        if raw_checks.is_empty() {
            return Err(at(checks_span, format!("rule {id} has no checks")));
        }
        let mut bound = Vec::new();
        for c in raw_checks {
            let name = c.name.get_ref();
            let Some(registered) = checks::find(name) else {
                let known: Vec<_> = checks::registry().iter().map(|r| r.doc.name).collect();
                return Err(at(
                    c.name.span(),
                    format!(
                        "rule {id}: unknown check {name:?} (known checks: {})",
                        known.join(", ")
                    ),
                ));
            };
            let (params, span) = match c.params {
                Some(p) => {
                    let span = p.span();
                    (p.into_inner(), span)
                }
                None => (toml::Value::Table(toml::Table::new()), c.name.span()),
            };
            let bound_check = registered
                .bind(params)
                .map_err(|m| at(span, format!("rule {id}, check {name}: params: {m}")))?;
            bound.push(RuleCheck {
                check: bound_check,
                scope: compile_scope(c.scope, &at, &id)?,
                exclude: compile_scope(c.exclude, &at, &id)?,
            });
        }
        rules.push(Rule {
            id,
            title: raw.title,
            severity,
            area: raw.area,
            promise,
            controls,
            promise_file_from_pack: file_from_pack,
            scope,
            exclude,
            checks: bound,
        });
    }
    if rules.is_empty() {
        return Err(RulesError::Pack {
            path: PathBuf::from(path),
            message: "the pack has no rules (add [[rule]] tables)".to_string(),
        });
    }
    let defaults = crate::waivers::WaiverPolicy::default();
    let waiver_policy = match raw.waivers {
        None => defaults,
        Some(w) => crate::waivers::WaiverPolicy {
            max_days: w.max_days,
            warn_days: w.warn_days.unwrap_or(defaults.warn_days),
        },
    };
    Ok(RulePack {
        origin: path.display().to_string(),
        addresses,
        rules,
        waiver_policy,
    })
}

fn compile_scope(
    raw: Option<Spanned<RawScope>>,
    at: &impl Fn(Range<usize>, String) -> RulesError,
    id: &str,
) -> Result<Scope, RulesError> {
    let Some(raw) = raw else {
        return Ok(Scope::default());
    };
    let raw = raw.into_inner();
    let patterns = |list: Vec<Spanned<String>>| -> Result<Vec<Pattern>, RulesError> {
        list.into_iter()
            .map(|p| Pattern::new(p.get_ref()).map_err(|m| at(p.span(), format!("rule {id}: {m}"))))
            .collect()
    };
    let mut tags = BTreeMap::new();
    for (k, v) in raw.tags {
        let pattern = Pattern::new(v.get_ref())
            .map_err(|m| at(v.span(), format!("rule {id}: tag {k}: {m}")))?;
        tags.insert(k, pattern);
    }
    Ok(Scope {
        regions: patterns(raw.regions)?,
        accounts: patterns(raw.accounts)?,
        tags,
        names: patterns(raw.names)?,
    })
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map(|i| offset - i).unwrap_or(offset + 1);
    (line, column)
}

/// The line holding a byte offset, numbered, with a caret under the
/// offset's column:
///
/// ```text
/// 5 | ownr = "net-team"
///   | ^
/// ```
pub fn caret(text: &str, offset: usize) -> String {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line_no = text[..offset].matches('\n').count() + 1;
    let line = text[start..end].trim_end_matches('\r');
    let width = line_no.to_string().len();
    let pad: String = text[start..offset]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!("{line_no} | {line}\n{:width$} | {pad}^", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("test.toml"), text)
            .expect_err("should fail")
            .to_string()
    }

    const GOOD: &str = r#"
[[rule]]
id = "LOG-001"
title = "Logs kept 30 days"
severity = "medium"
area = "logging"
promise = { file = "policy.md", line = 3, text = "Logs are kept." }
checks = [{ name = "log-retention", params = { min_days = 30 } }]
"#;

    #[test]
    fn builtin_pack_loads() {
        let pack = load_builtin().unwrap();
        assert!(pack.rules.len() >= 12);
    }

    #[test]
    fn good_pack_loads() {
        let pack = parse(Path::new("t.toml"), GOOD).unwrap();
        assert_eq!(pack.rules[0].id, "LOG-001");
        assert_eq!(pack.rules[0].severity, Severity::Medium);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = err("[[rule]]\nid = \"X\nseverity = 1\n");
        assert!(e.starts_with("test.toml:2:"), "{e}");
    }

    #[test]
    fn unknown_check_names_line() {
        let e = err(&GOOD.replace("log-retention", "log-retentoin"));
        assert!(e.starts_with("test.toml:8:"), "{e}");
        assert!(e.contains("unknown check \"log-retentoin\""), "{e}");
    }

    #[test]
    fn bad_param_names_field_and_line() {
        let e = err(&GOOD.replace("min_days = 30", "min_dayz = 30"));
        assert!(e.starts_with("test.toml:8:"), "{e}");
        assert!(e.contains("min_dayz"), "{e}");
    }

    #[test]
    fn bad_severity_and_duplicate_ids() {
        let e = err(&GOOD.replace("\"medium\"", "\"severe\""));
        assert!(e.starts_with("test.toml:5:"), "{e}");
        assert!(e.contains("unknown severity"), "{e}");
        let twice = format!("{GOOD}\n{GOOD}");
        let e = err(&twice);
        assert!(e.contains("defined twice"), "{e}");
        assert!(e.starts_with("test.toml:12:"), "{e}");
    }

    #[test]
    fn unknown_field_and_bad_cidr() {
        let e = err(&GOOD.replace("area =", "aera ="));
        assert!(e.contains("aera"), "{e}");
        let e = err(&format!(
            "[network]\ntrusted_cidrs = [\"10.0.0.0/33\"]\n{GOOD}"
        ));
        assert!(e.starts_with("test.toml:2:"), "{e}");
        assert!(e.contains("not a CIDR"), "{e}");
    }

    #[test]
    fn checks_may_narrow_the_scope() {
        let text = GOOD.replace(
            "params = { min_days = 30 } }",
            "params = { min_days = 30 }, scope = { names = [\"/app/*\"] }, exclude = { regions = [\"us-*\"] } }",
        );
        let pack = parse(Path::new("t.toml"), &text).unwrap();
        let check = &pack.rules[0].checks[0];
        assert_eq!(check.scope.describe(), "names=/app/*");
        assert_eq!(check.exclude.describe(), "regions=us-*");
        let e = err(&GOOD.replace(
            "params = { min_days = 30 } }",
            "scope = { name = [\"x\"] } }",
        ));
        assert!(e.contains("unknown field `name`"), "{e}");
    }

    #[test]
    fn promises_may_take_the_packs_policy_file() {
        let text = format!(
            "[policy]\nfile = \"docs/policy.md\"\n{}",
            GOOD.replace("file = \"policy.md\", ", "")
        );
        let mut pack = parse(Path::new("t.toml"), &text).unwrap();
        assert_eq!(pack.rules[0].promise.file, "docs/policy.md");
        pack.set_policy_file("security/policy.md");
        assert_eq!(pack.rules[0].promise.file, "security/policy.md");
        // A promise that names its own file keeps it.
        let mut own = parse(
            Path::new("t.toml"),
            &format!("[policy]\nfile = \"docs/policy.md\"\n{GOOD}"),
        )
        .unwrap();
        own.set_policy_file("security/policy.md");
        assert_eq!(own.rules[0].promise.file, "policy.md");
        let e = err(&GOOD.replace("file = \"policy.md\", ", ""));
        assert!(e.contains("names no file"), "{e}");
        assert!(e.starts_with("test.toml:7:"), "{e}");
    }

    #[test]
    fn empty_pack_is_an_error() {
        let e = err("");
        assert!(e.contains("no rules"), "{e}");
    }
}
