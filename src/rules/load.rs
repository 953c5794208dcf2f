//! Reading a rules pack from TOML. Every problem of a file is reported at
//! once ([`Diagnostics`]), each with its file, line and column, the source
//! line and an underline under the offending value.
//!
//! Values that load but cannot be right are refused too: an unknown region
//! in a scope, and, when the policy document is at hand, a promise line
//! beyond its end or whose quoted text is not on that line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::attribute::{self, RawAttribute};
use super::scope::{Pattern, Scope};
use super::{Promise, Rule, RuleCheck, RulePack, Severity};
use crate::analysis::net::AddressSpace;
use crate::checks;
use crate::diagnostic::Diagnostics;
use crate::error::RulesError;

/// The Kliv rule pack, compiled into the binary.
pub const BUILTIN_PACK: &str = include_str!("../../rules/kliv.toml");
/// The policy document the built-in pack's promises quote (its
/// `[policy] file`), compiled in so that reports can show it anywhere.
pub const BUILTIN_POLICY: &str = include_str!("../../policy/security-policy.sv.md");
/// The path the built-in pack gives its policy document (`[policy] file`).
pub const BUILTIN_POLICY_FILE: &str = "policy/security-policy.sv.md";
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
    /// Read rule by rule (see [`parse_with`]), so that every rule's
    /// problems are reported.
    #[serde(default)]
    #[allow(dead_code)]
    rule: Option<IgnoredAny>,
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
    line: Spanned<u32>,
    #[serde(default)]
    related_lines: Vec<Spanned<u32>>,
    text: Spanned<String>,
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
    title: Spanned<String>,
    severity: Spanned<String>,
    area: Spanned<String>,
    promise: Spanned<RawPromise>,
    /// Controls of frameworks the rule covers (`ISO27001:2022/A.8.24`).
    #[serde(default)]
    controls: Vec<Spanned<String>>,
    #[serde(default)]
    scope: Option<Spanned<RawScope>>,
    #[serde(default)]
    exclude: Option<Spanned<RawScope>>,
    /// Built-in checks; or, for an attribute rule, `kind` with `require`
    /// or `expr` (see [`super::attribute`]).
    #[serde(default)]
    checks: Option<Spanned<Vec<RawCheck>>>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    /// Read with its spans from the rule's table (see [`super::attribute`]).
    #[serde(default)]
    #[allow(dead_code)]
    require: Option<IgnoredAny>,
    #[serde(default)]
    expr: Option<Spanned<String>>,
    #[serde(default)]
    message: Option<Spanned<String>>,
    #[serde(default)]
    params: Option<Spanned<toml::Value>>,
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

/// Where the policy documents a pack's promises quote are read from, to
/// check the promises against them and to quote them.
pub struct PolicySource<'a> {
    /// `--policy-file`: where the pack's `[policy] file` lives instead
    /// (possibly a translation, line for line the same).
    pub replacement: Option<&'a str>,
    /// Reads a policy document by the path a promise (or `--policy-file`)
    /// gives; `None` when it is not at hand.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

impl PolicySource<'_> {
    /// No policy document at hand: promises are taken as written.
    pub fn none() -> PolicySource<'static> {
        PolicySource {
            replacement: None,
            read: &|_| None,
        }
    }
}

/// Loads the built-in Kliv pack.
pub fn load_builtin() -> Result<RulePack, RulesError> {
    load(None, None)
}

/// Loads a pack from a file.
pub fn load_file(path: &Path) -> Result<RulePack, RulesError> {
    load(Some(path), None)
}

/// Loads a pack: the file at `rules`, or the built-in pack. The policy
/// documents its promises quote are read when at hand (relative to the
/// working directory, then to the rules file; the built-in pack's own is
/// compiled in): a promise line beyond a document's end, or whose quoted
/// text is not on that line, is an error. `policy_file` (`--policy-file`)
/// replaces the pack's `[policy] file`; when it can be read, the promise
/// text is quoted from its lines, so that a translation of the policy
/// (line for line the same) is quoted in its own language.
pub fn load(rules: Option<&Path>, policy_file: Option<&str>) -> Result<RulePack, RulesError> {
    let (path, text) = match rules {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            (path.to_path_buf(), text)
        }
        None => (PathBuf::from(BUILTIN_PACK_NAME), BUILTIN_PACK.to_string()),
    };
    let beside = rules.and_then(Path::parent).map(Path::to_path_buf);
    let read = |file: &str| -> Option<String> {
        if rules.is_none() && file == BUILTIN_POLICY_FILE && policy_file.is_none() {
            return Some(BUILTIN_POLICY.to_string());
        }
        std::fs::read_to_string(file).ok().or_else(|| {
            let dir = beside.as_ref()?;
            std::fs::read_to_string(dir.join(file)).ok()
        })
    };
    // The built-in pack's own document is the compiled-in copy, also when
    // `--policy-file` names another one.
    let read_original = |file: &str| -> Option<String> {
        if rules.is_none() && file == BUILTIN_POLICY_FILE {
            return Some(BUILTIN_POLICY.to_string());
        }
        read(file)
    };
    let source = PolicySource {
        replacement: policy_file,
        read: &|file| {
            if Some(file) == policy_file {
                read(file)
            } else {
                read_original(file)
            }
        },
    };
    parse_with(&path, &text, &source)
}

/// Parses a pack, without reading policy documents; `path` names it in
/// errors.
pub fn parse(path: &Path, text: &str) -> Result<RulePack, RulesError> {
    parse_with(path, text, &PolicySource::none())
}

/// Deserializes `value` (a table) key by key, so that every key's problem
/// is reported, not just the first: each key alone, then the whole table
/// (for a missing field). `None` when there was a problem.
fn fields<T: DeserializeOwned>(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    let span = value.span();
    let report = |diags: &mut Diagnostics, e: toml::de::Error, at: Range<usize>| {
        diags.push(text, e.span().unwrap_or(at), e.message().to_string());
    };
    if let DeValue::Table(table) = value.get_ref() {
        let mut ok = true;
        for (key, item) in table.iter() {
            let mut one = DeTable::new();
            one.insert(key.clone(), item.clone());
            let de = ValueDeserializer::from(Spanned::new(span.clone(), DeValue::Table(one)));
            if let Err(e) = T::deserialize(de)
                && !e.message().starts_with("missing field")
            {
                report(diags, e, key.span());
                ok = false;
            }
        }
        if !ok {
            return None;
        }
    }
    match T::deserialize(ValueDeserializer::from(value.clone())) {
        Ok(v) => Some(v),
        Err(e) => {
            report(diags, e, span);
            None
        }
    }
}

/// Parses a pack; `path` names it in errors. Promises are checked against
/// (and quoted from) the policy documents `policy` can read.
pub fn parse_with(
    path: &Path,
    text: &str,
    policy: &PolicySource<'_>,
) -> Result<RulePack, RulesError> {
    let mut diags = Diagnostics::new(path);
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        for e in syntax {
            diags.push(text, e.span().unwrap_or(0..0), e.message().to_string());
        }
        diags.sort();
        return Err(RulesError::Invalid(diags));
    }
    let root_span = root.span();
    let root_value = Spanned::new(root_span.clone(), DeValue::Table(root.get_ref().clone()));
    let raw: Option<RawPack> = fields(&root_value, text, &mut diags);

    let default_file = match raw.as_ref().and_then(|r| r.policy.as_ref()) {
        Some(policy) if policy.file.get_ref().trim().is_empty() => {
            diags.push(text, policy.file.span(), "policy.file is empty");
            None
        }
        Some(policy) => Some(policy.file.get_ref().trim().to_string()),
        None => None,
    };
    let addresses = match raw.as_ref().and_then(|r| r.network.as_ref()) {
        None => AddressSpace::default(),
        Some(net) => {
            let mut cidrs = |list: &[Spanned<String>], what: &str| -> Vec<ipnet::IpNet> {
                let mut out = Vec::new();
                for c in list {
                    match ipnet::IpNet::from_str(c.get_ref().trim()) {
                        Ok(net) => out.push(net),
                        Err(_) => diags.push(
                            text,
                            c.span(),
                            format!(
                                "{what}: {:?} is not a CIDR block (e.g. 10.0.0.0/8 or 2001:db8::/32)",
                                c.get_ref()
                            ),
                        ),
                    }
                }
                out
            };
            let private = match &net.private_cidrs {
                Some(list) => cidrs(list, "network.private_cidrs"),
                None => crate::analysis::net::DEFAULT_PRIVATE_CIDRS
                    .iter()
                    .filter_map(|c| ipnet::IpNet::from_str(c).ok())
                    .collect(),
            };
            let trusted = cidrs(&net.trusted_cidrs, "network.trusted_cidrs");
            AddressSpace::new(&private, &trusted)
        }
    };

    let raw_rules: Vec<Spanned<DeValue<'_>>> = match root.get_ref().get("rule") {
        None => Vec::new(),
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => items.iter().cloned().collect(),
            other => {
                diags.push(
                    text,
                    v.span(),
                    format!(
                        "`rule` must be an array of tables ([[rule]]), not {}",
                        other.type_str()
                    ),
                );
                Vec::new()
            }
        },
    };
    let no_rules = raw_rules.is_empty();

    let mut documents = Documents::new(policy);
    let mut seen = HashSet::new();
    let mut rules = Vec::new();
    for raw_rule in &raw_rules {
        let Some(raw) = fields::<RawRule>(raw_rule, text, &mut diags) else {
            continue;
        };
        if let Some(rule) = compile_rule(
            raw,
            raw_rule,
            text,
            &default_file,
            &mut seen,
            &mut documents,
            &mut diags,
        ) {
            rules.push(rule);
        }
    }
    if !diags.is_empty() {
        diags.sort();
        return Err(RulesError::Invalid(diags));
    }
    if no_rules {
        return Err(RulesError::Pack {
            path: PathBuf::from(path),
            message: "the pack has no rules (add [[rule]] tables)".to_string(),
        });
    }
    let defaults = crate::waivers::WaiverPolicy::default();
    let waiver_policy = match raw.and_then(|r| r.waivers) {
        None => defaults,
        Some(w) => crate::waivers::WaiverPolicy {
            max_days: w.max_days,
            warn_days: w.warn_days.unwrap_or(defaults.warn_days),
        },
    };
    let mut pack = RulePack {
        origin: path.display().to_string(),
        addresses,
        rules,
        waiver_policy,
    };
    if let Some(file) = policy.replacement {
        pack.set_policy_file(file);
    }
    Ok(pack)
}

/// Checks one rule; its problems go to `diags` (and `None` comes back).
fn compile_rule(
    raw: RawRule,
    raw_value: &Spanned<DeValue<'_>>,
    text: &str,
    default_file: &Option<String>,
    seen: &mut HashSet<String>,
    documents: &mut Documents<'_, '_>,
    diags: &mut Diagnostics,
) -> Option<Rule> {
    let before = diags.len();
    let id = raw.id.get_ref().trim().to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        diags.push(
            text,
            raw.id.span(),
            format!("rule id {id:?} must be non-empty letters, digits, '-', '_' or '.'"),
        );
    } else if !seen.insert(id.to_ascii_uppercase()) {
        diags.push(
            text,
            raw.id.span(),
            format!("rule id {id} is defined twice"),
        );
    }
    if raw.title.get_ref().trim().is_empty() {
        diags.push(
            text,
            raw.title.span(),
            format!("rule {id}: the title is empty"),
        );
    }
    let severity = match Severity::from_str(raw.severity.get_ref()) {
        Ok(s) => Some(s),
        Err(m) => {
            diags.push(text, raw.severity.span(), m);
            None
        }
    };
    let area = raw.area.get_ref().trim();
    if area.is_empty()
        || !area
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        diags.push(
            text,
            raw.area.span(),
            format!(
                "rule {id}: area {:?} must be a non-empty name of lowercase letters, digits and '-' (e.g. \"network\", \"encryption-at-rest\")",
                raw.area.get_ref()
            ),
        );
    }
    let promise = compile_promise(raw.promise, &id, text, default_file, documents, diags);
    let (promise, promise_file_from_pack) = match promise {
        Some((p, from_pack)) => (Some(p), from_pack),
        None => (None, false),
    };

    let mut controls: Vec<String> = Vec::new();
    for c in &raw.controls {
        let control = c.get_ref().trim();
        if control.is_empty()
            || control
                .chars()
                .any(|ch| ch.is_control() || ch.is_whitespace())
        {
            diags.push(
                text,
                c.span(),
                format!(
                    "rule {id}: control {:?} must be a non-empty id without spaces (e.g. \"ISO27001:2022/A.8.24\")",
                    c.get_ref()
                ),
            );
        } else if controls.iter().any(|k| k == control) {
            diags.push(
                text,
                c.span(),
                format!("rule {id}: control {control} is listed twice"),
            );
        } else {
            controls.push(control.to_string());
        }
    }
    // Where the rule's scope and exclude are written, for a check that
    // refuses a region scope (data residency).
    let rule_scope_spans = [
        raw.scope.as_ref().map(|s| s.span()),
        raw.exclude.as_ref().map(|s| s.span()),
    ];
    let scope = compile_scope(raw.scope, text, diags, &id);
    let exclude = compile_scope(raw.exclude, text, diags, &id);
    let rule_regions = [
        (!scope.regions.is_empty(), rule_scope_spans[0].clone()),
        (!exclude.regions.is_empty(), rule_scope_spans[1].clone()),
    ];

    let attribute_raw = RawAttribute {
        kind: raw.kind,
        require: raw_value.get_ref().get("require"),
        expr: raw.expr,
        message: raw.message,
        params: raw.params,
    };
    let (bound, attribute) = match raw.checks {
        Some(checks) => {
            if attribute_raw.any() {
                let at = attribute_raw
                    .kind
                    .as_ref()
                    .map(|k| k.span())
                    .unwrap_or(checks.span());
                diags.push(
                    text,
                    at,
                    format!("rule {id}: a rule has either `checks` (built-in checks) or `kind` with `require` or `expr` (an attribute rule), not both"),
                );
            }
            (
                compile_checks(checks, raw_value, &id, &rule_regions, text, diags),
                None,
            )
        }
        None if attribute_raw.any() => {
            match attribute::compile(attribute_raw, &id, raw_value.span(), text, diags) {
                Some(a) => {
                    let a = std::sync::Arc::new(a);
                    let check = RuleCheck {
                        check: checks::attribute::bind(a.clone()),
                        scope: Scope::default(),
                        exclude: Scope::default(),
                    };
                    (vec![check], Some(a))
                }
                None => (Vec::new(), None),
            }
        }
        None => {
            diags.push(
                text,
                raw.id.span(),
                format!("rule {id} has no checks: give `checks = [...]` (built-in checks), or `kind` with `require` or `expr` (an attribute rule)"),
            );
            (Vec::new(), None)
        }
    };
    if diags.len() > before {
        return None;
    }
    Some(Rule {
        id,
        title: raw.title.into_inner(),
        severity: severity?,
        area: area.to_string(),
        promise: promise?,
        controls,
        promise_file_from_pack,
        scope,
        exclude,
        checks: bound,
        attribute,
    })
}

/// Binds a rule's built-in checks to their parameters.
fn compile_checks(
    checks: Spanned<Vec<RawCheck>>,
    raw_value: &Spanned<DeValue<'_>>,
    id: &str,
    rule_regions: &[(bool, Option<Range<usize>>); 2],
    text: &str,
    diags: &mut Diagnostics,
) -> Vec<RuleCheck> {
    let checks_span = checks.span();
    let raw_checks = checks.into_inner();
    if raw_checks.is_empty() {
        diags.push(text, checks_span, format!("rule {id} has no checks"));
    }
    let raw_check_values: Vec<&Spanned<DeValue<'_>>> = raw_value
        .get_ref()
        .get("checks")
        .and_then(|c| c.get_ref().as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut bound = Vec::new();
    for (i, c) in raw_checks.into_iter().enumerate() {
        let name = c.name.get_ref();
        let check_scope_spans = [
            c.scope.as_ref().map(|s| s.span()),
            c.exclude.as_ref().map(|s| s.span()),
        ];
        let scope = compile_scope(c.scope, text, diags, id);
        let exclude = compile_scope(c.exclude, text, diags, id);
        let Some(registered) = checks::find(name) else {
            let known: Vec<_> = checks::registry().iter().map(|r| r.doc.name).collect();
            diags.push(
                text,
                c.name.span(),
                format!(
                    "rule {id}: unknown check {name:?} (known checks: {})",
                    known.join(", ")
                ),
            );
            continue;
        };
        let raw_params = raw_check_values
            .get(i)
            .and_then(|v| v.get_ref().get("params"));
        let (params, span) = match c.params {
            Some(p) => {
                let span = p.span();
                (p.into_inner(), span)
            }
            None => (toml::Value::Table(toml::Table::new()), c.name.span()),
        };
        match registered.bind(params.clone()) {
            Ok(check)
                if check.every_region()
                    && let Some(at) = rule_regions
                        .iter()
                        .chain(&[
                            (!scope.regions.is_empty(), check_scope_spans[0].clone()),
                            (!exclude.regions.is_empty(), check_scope_spans[1].clone()),
                        ])
                        .find_map(|(by_region, span)| span.clone().filter(|_| *by_region)) =>
            {
                // Residency judges where resources are: a region scope
                // would set aside the very resources it must find.
                diags.push(
                    text,
                    at,
                    format!(
                        "rule {id}, check {name}: judges where resources are, so its rule cannot be scoped or excluded by region (that would set aside the very resources it must find); the allowed regions are its `regions` parameter, and accounts, tags and names may scope it"
                    ),
                );
            }
            Ok(check) => bound.push(RuleCheck {
                check,
                scope,
                exclude,
            }),
            Err(e) => {
                // The underline goes under the parameter (or the element of
                // a list) the check refuses; else under the params table.
                // A parameter the check does not know is underlined at its key.
                let at = match raw_params {
                    Some(raw) if !e.param.is_empty() => match raw.get_ref() {
                        DeValue::Table(t) if e.message.starts_with("no such parameter") => t
                            .iter()
                            .find(|(k, _)| k.get_ref().as_ref() == e.param.as_str())
                            .map(|(k, _)| k.span())
                            .unwrap_or_else(|| param_span(raw, &e.param, e.index)),
                        _ => param_span(raw, &e.param, e.index),
                    },
                    _ => span,
                };
                diags.push(text, at, format!("rule {id}, check {name}: params: {e}"));
            }
        }
    }
    bound
}

/// Where in a rules file a check's parameter is written, for an error
/// about it: the value of `key` in the check's `params` table (`raw`), or
/// with `index`, that element of the key's array. Falls back to the key,
/// then to the whole table (a parameter that is missing).
pub fn param_span(raw: &Spanned<DeValue<'_>>, key: &str, index: Option<usize>) -> Range<usize> {
    let Some(value) = raw.get_ref().get(key) else {
        return raw.span();
    };
    match (index, value.get_ref()) {
        (Some(i), DeValue::Array(items)) => items.get(i).map(|e| e.span()).unwrap_or(value.span()),
        _ => value.span(),
    }
}

/// A promise, checked against its policy document when that is at hand,
/// with its text quoted from `--policy-file` when that is; and whether its
/// file is the pack's `[policy] file`.
fn compile_promise(
    raw: Spanned<RawPromise>,
    id: &str,
    text: &str,
    default_file: &Option<String>,
    documents: &mut Documents<'_, '_>,
    diags: &mut Diagnostics,
) -> Option<(Promise, bool)> {
    let span = raw.span();
    let raw = raw.into_inner();
    let (file, from_pack) = match (raw.file, default_file) {
        (Some(file), _) => (file, false),
        (None, Some(file)) => (file.clone(), true),
        (None, None) => {
            diags.push(
                text,
                span,
                format!("rule {id}: the promise names no file, and the pack has no [policy] file"),
            );
            return None;
        }
    };
    let line = *raw.line.get_ref();
    if line == 0 || file.trim().is_empty() || raw.text.get_ref().trim().is_empty() {
        diags.push(
            text,
            span,
            format!("rule {id}: promise needs a file, a line (from 1) and the quoted text"),
        );
        return None;
    }
    let quote = raw.text.get_ref().clone();
    let before = diags.len();
    let related: Vec<u32> = raw.related_lines.iter().map(|l| *l.get_ref()).collect();
    // The document the pack names, then `--policy-file` in its place.
    let replacement = documents.source.replacement.filter(|_| from_pack);
    let mut quoted = quote.clone();
    let original = documents.get(&file);
    let mut places = vec![(file.clone(), original.clone())];
    if let Some(r) = replacement {
        places.push((r.to_string(), documents.get(r)));
    }
    for (name, doc) in &places {
        let Some(doc) = doc else { continue };
        let count = doc.len();
        let mut beyond = |n: u32, at: Range<usize>, what: &str| {
            if n == 0 {
                diags.push(
                    text,
                    at,
                    format!("rule {id}: {what} 0: lines are numbered from 1"),
                );
            } else if n as usize > count {
                diags.push(
                    text,
                    at,
                    format!("rule {id}: {what} {n} is beyond the end of {name} ({count} lines)"),
                );
            }
        };
        beyond(line, raw.line.span(), "promise line");
        for l in &raw.related_lines {
            beyond(*l.get_ref(), l.span(), "related line");
        }
    }
    if diags.len() > before {
        return None;
    }
    let at_line = |doc: &[String]| doc[line as usize - 1].clone();
    match (&original, replacement.map(|r| documents.get(r))) {
        // The document the pack names is at hand: the quote must be on
        // its line; a replacement is then a copy or a translation.
        (Some(doc), replaced) => {
            let on_line = at_line(doc);
            if !contains(&on_line, &quote) {
                diags.push(
                    text,
                    raw.text.span(),
                    not_on_line(id, &file, line, &on_line, doc, &quote),
                );
                return None;
            }
            if let Some(Some(other)) = replaced {
                quoted = aligned_quote(&on_line, &quote, &at_line(&other));
            }
        }
        // Only the replacement is at hand: it must hold the quote.
        (None, Some(Some(other))) => {
            let on_line = at_line(&other);
            if !contains(&on_line, &quote) {
                let name = replacement.unwrap_or_default();
                diags.push(
                    text,
                    raw.text.span(),
                    not_on_line(id, name, line, &on_line, &other, &quote),
                );
                return None;
            }
        }
        _ => {}
    }
    Some((
        Promise {
            file,
            line,
            related_lines: related,
            text: quoted,
        },
        from_pack,
    ))
}

/// The policy documents read so far, by path, as lines.
struct Documents<'s, 'a> {
    source: &'s PolicySource<'a>,
    read: HashMap<String, Option<Vec<String>>>,
}

impl<'s, 'a> Documents<'s, 'a> {
    fn new(source: &'s PolicySource<'a>) -> Self {
        Documents {
            source,
            read: HashMap::new(),
        }
    }

    fn get(&mut self, file: &str) -> Option<Vec<String>> {
        self.read
            .entry(file.to_string())
            .or_insert_with(|| {
                (self.source.read)(file)
                    .map(|text| text.lines().map(|l| l.trim_end().to_string()).collect())
            })
            .clone()
    }
}

/// Whether `line` holds `quote`, whatever the runs of white space.
fn contains(line: &str, quote: &str) -> bool {
    squash(line).contains(&squash(quote))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn not_on_line(
    id: &str,
    file: &str,
    line: u32,
    on_line: &str,
    doc: &[String],
    quote: &str,
) -> String {
    let mut message = format!(
        "rule {id}: the quoted text is not on line {line} of {file}, which reads {:?}",
        on_line.trim()
    );
    if let Some(n) = doc.iter().position(|l| contains(l, quote)) {
        message.push_str(&format!(" (the text is on line {})", n + 1));
    }
    message
}

/// The text of a translated line (`other`) that says what `quote` says in
/// `line`: the sentences of `other` at the places of the sentences of
/// `line` that `quote` falls in, when both lines have as many sentences;
/// else all of `other`. A quote found on `other` as it is stays as it is.
fn aligned_quote(line: &str, quote: &str, other: &str) -> String {
    if contains(other, quote) {
        return quote.to_string();
    }
    let ours = sentences(&squash(line));
    let theirs = sentences(&squash(other));
    let quote = squash(quote);
    let whole = strip_markup(&squash(other));
    if ours.len() != theirs.len() || ours.len() < 2 {
        return whole;
    }
    // The sentences the quote starts and ends in.
    let joined = squash(line);
    let Some(start) = joined.find(&quote) else {
        return whole;
    };
    let end = start + quote.len();
    let mut offset = 0;
    let mut picked = Vec::new();
    for (i, s) in ours.iter().enumerate() {
        let at = joined[offset..].find(s.as_str()).map(|p| p + offset);
        let Some(at) = at else { return whole };
        let (s_start, s_end) = (at, at + s.len());
        offset = s_end;
        if s_start < end && start < s_end {
            picked.push(i);
        }
    }
    if picked.is_empty() {
        return whole;
    }
    let text: Vec<&str> = picked.iter().map(|&i| theirs[i].as_str()).collect();
    let sep = if text.iter().all(|t| t.is_ascii()) {
        " "
    } else {
        ""
    };
    strip_markup(&text.join(sep))
}

/// The sentences of a line: split after `.`, `!` or `?` and a space, and
/// after `。`, `！` or `？`.
fn sentences(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let ends = match c {
            '。' | '！' | '？' => true,
            '.' | '!' | '?' => chars.peek().is_some_and(|n| *n == ' '),
            _ => false,
        };
        if ends {
            let s = current.trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// A line without its Markdown list, quote or heading marker.
fn strip_markup(line: &str) -> String {
    let t = line.trim();
    for marker in ["- ", "* ", "+ ", "> "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return rest.trim().to_string();
        }
    }
    t.trim_start_matches('#').trim().to_string()
}

fn compile_scope(
    raw: Option<Spanned<RawScope>>,
    text: &str,
    diags: &mut Diagnostics,
    id: &str,
) -> Scope {
    let Some(raw) = raw else {
        return Scope::default();
    };
    let raw = raw.into_inner();
    #[derive(PartialEq)]
    enum Field {
        Regions,
        Accounts,
        Names,
    }
    let mut patterns = |list: Vec<Spanned<String>>, field: Field| -> Vec<Pattern> {
        let mut out = Vec::new();
        for p in list {
            match Pattern::new(p.get_ref()) {
                Ok(pattern) => {
                    let wrong = match field {
                        Field::Regions => unknown_region(&pattern),
                        Field::Accounts => not_an_account(&pattern),
                        Field::Names => None,
                    };
                    if let Some(m) = wrong {
                        diags.push(text, p.span(), format!("rule {id}: {m}"));
                    }
                    out.push(pattern);
                }
                Err(m) => diags.push(text, p.span(), format!("rule {id}: {m}")),
            }
        }
        out
    };
    let regions = patterns(raw.regions, Field::Regions);
    let accounts = patterns(raw.accounts, Field::Accounts);
    let names = patterns(raw.names, Field::Names);
    let mut tags = BTreeMap::new();
    for (k, v) in raw.tags {
        match Pattern::new(v.get_ref()) {
            Ok(pattern) => {
                tags.insert(k, pattern);
            }
            Err(m) => diags.push(text, v.span(), format!("rule {id}: tag {k}: {m}")),
        }
    }
    Scope {
        regions,
        accounts,
        tags,
        names,
    }
}

/// Why an account pattern without wildcards is not an account id, if it
/// is not one.
fn not_an_account(pattern: &Pattern) -> Option<String> {
    let text = pattern.text.as_str();
    let literal = !text.contains(['*', '?', '[', '{']);
    let id = text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
    (literal && !id).then(|| {
        format!("account {text:?} is not an AWS account id (12 digits, e.g. \"111122223333\"), nor a glob")
    })
}

/// Why a region pattern can match no region conform knows, if it cannot.
fn unknown_region(pattern: &Pattern) -> Option<String> {
    let global = crate::inventory::GLOBAL;
    if pattern.is_match(global) || crate::regions::all().any(|r| pattern.is_match(r)) {
        return None;
    }
    let mut m = format!(
        "unknown region {:?}: it matches no AWS region (partitions aws, aws-cn and aws-us-gov), nor {global:?}",
        pattern.text
    );
    if let Some(near) = crate::regions::closest(&pattern.text) {
        m.push_str(&format!("; did you mean {near:?}?"));
    }
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("test.toml"), text)
            .expect_err("should fail")
            .to_string()
    }

    /// The shared one-rule pack after a blank first line: its `checks`
    /// are on line 8.
    fn good() -> String {
        format!("\n{}", crate::rules::ONE_RULE_PACK)
    }

    #[test]
    fn builtin_pack_loads() {
        let pack = load_builtin().unwrap();
        assert!(pack.rules.len() >= 12);
    }

    #[test]
    fn good_pack_loads() {
        let pack = parse(Path::new("t.toml"), &good()).unwrap();
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
        let e = err(&good().replace("log-retention", "log-retentoin"));
        assert!(e.starts_with("test.toml:8:"), "{e}");
        assert!(e.contains("unknown check \"log-retentoin\""), "{e}");
    }

    #[test]
    fn bad_param_names_field_and_line() {
        let e = err(&good().replace("min_days = 30", "min_dayz = 30"));
        assert!(e.starts_with("test.toml:8:"), "{e}");
        assert!(e.contains("min_dayz"), "{e}");
    }

    #[test]
    fn bad_severity_and_duplicate_ids() {
        let e = err(&good().replace("\"medium\"", "\"severe\""));
        assert!(e.starts_with("test.toml:5:"), "{e}");
        assert!(e.contains("unknown severity"), "{e}");
        let twice = format!("{0}\n{0}", good());
        let e = err(&twice);
        assert!(e.contains("defined twice"), "{e}");
        assert!(e.starts_with("test.toml:12:"), "{e}");
    }

    #[test]
    fn unknown_field_and_bad_cidr() {
        let e = err(&good().replace("area =", "aera ="));
        assert!(e.contains("aera"), "{e}");
        let e = err(&format!(
            "[network]\ntrusted_cidrs = [\"10.0.0.0/33\"]\n{}",
            good()
        ));
        assert!(e.starts_with("test.toml:2:"), "{e}");
        assert!(e.contains("not a CIDR"), "{e}");
    }

    #[test]
    fn checks_may_narrow_the_scope() {
        let text = good().replace(
            "params = { min_days = 30 } }",
            "params = { min_days = 30 }, scope = { names = [\"/app/*\"] }, exclude = { regions = [\"us-*\"] } }",
        );
        let pack = parse(Path::new("t.toml"), &text).unwrap();
        let check = &pack.rules[0].checks[0];
        assert_eq!(check.scope.describe(), "names=/app/*");
        assert_eq!(check.exclude.describe(), "regions=us-*");
        let e = err(&good().replace(
            "params = { min_days = 30 } }",
            "scope = { name = [\"x\"] } }",
        ));
        assert!(e.contains("unknown field `name`"), "{e}");
    }

    #[test]
    fn promises_may_take_the_packs_policy_file() {
        let text = format!(
            "[policy]\nfile = \"docs/policy.md\"\n{}",
            good().replace("file = \"policy.md\", ", "")
        );
        let mut pack = parse(Path::new("t.toml"), &text).unwrap();
        assert_eq!(pack.rules[0].promise.file, "docs/policy.md");
        pack.set_policy_file("security/policy.md");
        assert_eq!(pack.rules[0].promise.file, "security/policy.md");
        // A promise that names its own file keeps it.
        let mut own = parse(
            Path::new("t.toml"),
            &format!("[policy]\nfile = \"docs/policy.md\"\n{}", good()),
        )
        .unwrap();
        own.set_policy_file("security/policy.md");
        assert_eq!(own.rules[0].promise.file, "policy.md");
        let e = err(&good().replace("file = \"policy.md\", ", ""));
        assert!(e.contains("names no file"), "{e}");
        assert!(e.starts_with("test.toml:7:"), "{e}");
    }

    #[test]
    fn empty_pack_is_an_error() {
        let e = err("");
        assert!(e.contains("no rules"), "{e}");
    }
}

#[cfg(test)]
mod diagnostic_tests {
    use super::*;

    const GOOD: &str = crate::rules::ONE_RULE_PACK;

    const POLICY: &str = "# Policy\n\nLogs are kept. For 30 days.\n";

    fn errors(text: &str, source: &PolicySource<'_>) -> Diagnostics {
        match parse_with(Path::new("t.toml"), text, source) {
            Err(RulesError::Invalid(d)) => d,
            other => panic!("expected diagnostics, got {other:?}"),
        }
    }

    fn with_policy(text: &'static str) -> impl Fn(&str) -> Option<String> {
        move |file| (file == "policy.md").then(|| text.to_string())
    }

    #[test]
    fn every_error_is_reported_with_an_underline() {
        let text = GOOD
            .replace("\"medium\"", "\"severe\"")
            .replace("log-retention", "log-retentoin")
            + &GOOD
                .replace("title = ", "titel = ")
                .replace("id = \"LOG-001\"", "id = \"LOG-002\"")
            + &GOOD.replace("LOG-001", "LOG-003").replace(
                "area = \"logging\"",
                "area = \"logging\"\nscope = { regions = [\"eu-nort-1\", \"eu-*\"] }",
            );
        let d = errors(&text, &PolicySource::none());
        let shown = d.to_string();
        assert_eq!(d.len(), 4, "{shown}");
        assert!(shown.ends_with("\nt.toml: 4 errors"), "{shown}");
        assert!(
            shown.contains(
                "t.toml:4:12: unknown severity \"severe\" (expected critical, high, medium or low)\n4 | severity = \"severe\"\n  |            ^^^^^^^^"
            ),
            "{shown}"
        );
        assert!(shown.contains("t.toml:7:20: rule LOG-001: unknown check \"log-retentoin\""));
        assert!(
            shown.contains("t.toml:10:1: unknown field `titel`"),
            "{shown}"
        );
        assert!(
            shown.contains("unknown region \"eu-nort-1\"")
                && shown.contains("did you mean \"eu-north-1\"?"),
            "{shown}"
        );
        assert!(
            shown.contains(&format!("\n   | {}^^^^^^^^^^^\n", " ".repeat(21))),
            "{shown}"
        );
    }

    #[test]
    fn account_ids_have_twelve_digits() {
        let scoped = |accounts: &str| {
            GOOD.replace(
                "area = \"logging\"",
                &format!("area = \"logging\"\nscope = {{ accounts = [{accounts}] }}"),
            )
        };
        parse(Path::new("t.toml"), &scoped("\"111122223333\", \"1111*\"")).unwrap();
        let shown = errors(&scoped("\"1111-2222-3333\""), &PolicySource::none()).to_string();
        assert!(
            shown.starts_with(
                "t.toml:6:23: rule LOG-001: account \"1111-2222-3333\" is not an AWS account id"
            ),
            "{shown}"
        );
    }

    #[test]
    fn region_globs_must_match_a_known_region() {
        for good in ["eu-*", "us-gov-*", "cn-north-1", "global", "*"] {
            let text = GOOD.replace(
                "area = \"logging\"",
                &format!("area = \"logging\"\nexclude = {{ regions = [\"{good}\"] }}"),
            );
            parse(Path::new("t.toml"), &text).unwrap_or_else(|e| panic!("{good}: {e}"));
        }
        let text = GOOD.replace(
            "params = { min_days = 30 } }",
            "params = { min_days = 30 }, scope = { regions = [\"mars-*\"] } }",
        );
        let shown = errors(&text, &PolicySource::none()).to_string();
        assert!(shown.starts_with("t.toml:7:"), "{shown}");
        assert!(shown.contains("unknown region \"mars-*\""), "{shown}");
    }

    #[test]
    fn a_bad_param_value_is_underlined() {
        let text = GOOD.replace("min_days = 30", "min_days = -5");
        let shown = errors(&text, &PolicySource::none()).to_string();
        let col = GOOD.lines().nth(6).unwrap().find("30").unwrap() + 1;
        assert!(shown.starts_with(&format!("t.toml:7:{col}: ")), "{shown}");
        assert!(shown.contains("min_days"), "{shown}");
        assert!(
            shown.ends_with(&format!("\n  | {}^^", " ".repeat(col - 1))),
            "{shown}"
        );
    }

    #[test]
    fn param_span_finds_the_key_and_the_element() {
        let text = "p = { ports = [80, \"443\"], min = 1 }";
        let root = DeTable::parse(text).unwrap();
        let params = root.get_ref().get("p").unwrap();
        let span = param_span(params, "ports", Some(1));
        assert_eq!(&text[span], "\"443\"");
        assert_eq!(&text[param_span(params, "min", None)], "1");
        assert_eq!(&text[param_span(params, "ports", Some(9))], "[80, \"443\"]");
        assert_eq!(
            &text[param_span(params, "max", None)],
            "{ ports = [80, \"443\"], min = 1 }"
        );
    }

    #[test]
    fn promises_are_checked_against_the_policy_at_hand() {
        let read = with_policy(POLICY);
        let source = PolicySource {
            replacement: None,
            read: &read,
        };
        parse_with(Path::new("t.toml"), GOOD, &source).unwrap();
        let beyond = GOOD.replace("line = 3", "line = 7");
        let shown = errors(&beyond, &source).to_string();
        assert!(
            shown.starts_with(
                "t.toml:6:40: rule LOG-001: promise line 7 is beyond the end of policy.md (3 lines)"
            ),
            "{shown}"
        );
        let elsewhere = GOOD.replace("line = 3", "line = 1");
        let shown = errors(&elsewhere, &source).to_string();
        assert!(
            shown.contains("the quoted text is not on line 1 of policy.md, which reads \"# Policy\" (the text is on line 3)"),
            "{shown}"
        );
        assert!(shown.contains("^^^^^^^^^^^^^^^^"), "{shown}");
        // Without the policy document, the promise is taken as written.
        parse(Path::new("t.toml"), &elsewhere).unwrap();
    }

    #[test]
    fn a_translation_is_quoted_sentence_for_sentence() {
        let pack = GOOD.replace("file = \"policy.md\", ", "");
        let pack = format!("[policy]\nfile = \"policy.md\"\n{pack}");
        let read = |file: &str| match file {
            "policy.md" => Some(POLICY.to_string()),
            "policy.ja.md" => Some("# ポリシー\n\nログは保管されます。30日間。\n".to_string()),
            _ => None,
        };
        let source = PolicySource {
            replacement: Some("policy.ja.md"),
            read: &read,
        };
        let loaded = parse_with(Path::new("t.toml"), &pack, &source).unwrap();
        let promise = &loaded.rules[0].promise;
        assert_eq!(promise.file, "policy.ja.md");
        assert_eq!(promise.text, "ログは保管されます。");
        // A replacement that cannot be read: the pack's words.
        let source = PolicySource {
            replacement: Some("missing.md"),
            read: &read,
        };
        let loaded = parse_with(Path::new("t.toml"), &pack, &source).unwrap();
        assert_eq!(loaded.rules[0].promise.text, "Logs are kept.");
        assert_eq!(
            aligned_quote("- A. B c.", "B c", "- Ett. Två tre."),
            "Två tre."
        );
        assert_eq!(aligned_quote("A b", "A", "- 全部"), "全部");
    }
}
