//! Rules: data that binds a stable id to checks, their parameters, a
//! scope, a severity and the promise of the policy they enforce.
//!
//! Users adapt conform by editing rules, not code. The Kliv pack
//! (`rules/kliv.toml`) is compiled into the binary; `--rules PATH` replaces
//! it. Every problem in a rules file is reported with the file, line and
//! column where it applies.

pub mod attribute;
mod load;
mod scope;

pub use crate::diagnostic::{caret, line_column};
pub use load::{
    BUILTIN_PACK, BUILTIN_PACK_NAME, BUILTIN_POLICY, BUILTIN_POLICY_FILE, PolicySource, load,
    load_builtin, load_file, param_span, parse, parse_with,
};
pub use scope::{Pattern, Scope, ScopeWarning, Watch};

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::net::AddressSpace;
use crate::checks::BoundCheck;

/// How bad it is when a rule fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity {s:?} (expected critical, high, medium or low)"
            )),
        }
    }
}

/// The promise of the written policy that a rule enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    /// The policy document, as a path relative to the repository that holds
    /// it (SARIF locations point here).
    pub file: String,
    /// The line of the document that states the promise.
    pub line: u32,
    /// Other lines the promise draws on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_lines: Vec<u32>,
    /// The promise, quoted from the document.
    pub text: String,
}

/// A rule of a pack, with its checks bound to their parameters.
#[derive(Debug)]
pub struct Rule {
    /// Stable id (`NET-001`). Ids become SARIF rule ids and GitHub alert
    /// identities: they never change meaning once shipped.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The promise's area (`network`, `encryption`, ...), used as a tag.
    pub area: String,
    pub promise: Promise,
    /// Controls of compliance frameworks the rule covers, as
    /// `FRAMEWORK/CONTROL` (`ISO27001:2022/A.8.24`, `SOC2/CC6.1`).
    pub controls: Vec<String>,
    /// Whether the promise's file is the pack's `[policy] file` (which
    /// `--policy-file` replaces) rather than one the rule names itself.
    pub promise_file_from_pack: bool,
    /// Only resources inside this scope are judged.
    pub scope: Scope,
    /// Resources inside this scope are not judged.
    pub exclude: Scope,
    pub checks: Vec<RuleCheck>,
    /// For an attribute rule (`kind` with `require` or `expr`), what it
    /// states; its one check (in `checks`) judges it.
    pub attribute: Option<std::sync::Arc<attribute::Attribute>>,
}

/// One check of a rule, bound to its parameters, with the scope it adds to
/// the rule's own (a rule about backups may judge every snapshot but only
/// the buckets named as backup stores, say).
#[derive(Debug)]
pub struct RuleCheck {
    pub check: Box<dyn BoundCheck>,
    /// Only resources inside this scope (and the rule's) are judged.
    pub scope: Scope,
    /// Resources inside this scope are not judged by this check.
    pub exclude: Scope,
}

impl std::ops::Deref for RuleCheck {
    type Target = dyn BoundCheck;
    fn deref(&self) -> &Self::Target {
        self.check.as_ref()
    }
}

/// A set of rules, and the definitions they share.
#[derive(Debug)]
pub struct RulePack {
    /// Where the pack came from: a path, or the built-in pack's name.
    pub origin: String,
    /// Which source addresses are private or trusted.
    pub addresses: AddressSpace,
    pub rules: Vec<Rule>,
    /// `[waivers]`: how long waivers may run, and when to warn.
    pub waiver_policy: crate::waivers::WaiverPolicy,
}

impl RulePack {
    /// The rules that cover `control`: compared without regard to case;
    /// a control given without its framework's version or a section
    /// (`ISO27001/A.8`) also matches the controls under it.
    pub fn covering(&self, control: &str) -> Vec<&Rule> {
        self.rules
            .iter()
            .filter(|r| r.controls.iter().any(|c| control_matches(c, control)))
            .collect()
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// Points the promises that use the pack's `[policy] file` at another
    /// path: where the policy lives in the repository that receives the
    /// SARIF (`--policy-file`).
    pub fn set_policy_file(&mut self, file: &str) {
        for rule in self.rules.iter_mut().filter(|r| r.promise_file_from_pack) {
            rule.promise.file = file.to_string();
        }
    }

    /// The datasets a scan must collect for this pack: what its rules'
    /// checks judge and what they look up. Nothing else is read from AWS.
    pub fn datasets(&self) -> std::collections::BTreeSet<crate::inventory::Dataset> {
        let mut datasets = std::collections::BTreeSet::new();
        for check in self.rules.iter().flat_map(|r| &r.checks) {
            datasets.extend(check.subjects());
            datasets.extend(check.uses());
        }
        datasets
    }

    /// The datasets a live scan reads in every region enabled for each
    /// account, whatever its regions: those of checks that judge where
    /// resources are (data residency, [`crate::checks::Check::EVERY_REGION`]).
    /// Empty when no rule has such a check; then no more is read.
    pub fn every_region_datasets(&self) -> std::collections::BTreeSet<crate::inventory::Dataset> {
        let mut datasets = std::collections::BTreeSet::new();
        for check in self.rules.iter().flat_map(|r| &r.checks) {
            if check.every_region() {
                datasets.extend(check.subjects());
                datasets.extend(check.uses());
            }
        }
        datasets
    }
}

/// Whether the control `have` (`ISO27001:2022/A.8.24`) is what `asked`
/// names: the same id, or a prefix of it that ends at a separator
/// (`ISO27001:2022/A.8`, `iso27001:2022`), or the same without the
/// framework's version (`ISO27001/A.8.24`).
pub fn control_matches(have: &str, asked: &str) -> bool {
    let have = have.to_ascii_lowercase();
    let asked = asked.trim().to_ascii_lowercase();
    if asked.is_empty() {
        return false;
    }
    let prefix_of = |full: &str| {
        full == asked
            || (full.starts_with(&asked)
                && matches!(full.as_bytes().get(asked.len()), Some(b'/' | b'.' | b':')))
    };
    if prefix_of(&have) {
        return true;
    }
    // Without the version: "ISO27001:2022/A.8.24" as "ISO27001/A.8.24".
    match have.split_once('/') {
        Some((framework, control)) => match framework.split_once(':') {
            Some((name, _version)) => prefix_of(&format!("{name}/{control}")) || prefix_of(name),
            None => false,
        },
        None => false,
    }
}

/// A valid one-rule pack (LOG-001: `log-retention` with `min_days = 30`,
/// promised on line 3 of `policy.md`) for the library's tests to load or
/// alter. It starts with `[[rule]]` on line 1; its `checks` are on line 7.
#[cfg(test)]
pub(crate) const ONE_RULE_PACK: &str = r#"[[rule]]
id = "LOG-001"
title = "Logs kept 30 days"
severity = "medium"
area = "logging"
promise = { file = "policy.md", line = 3, text = "Logs are kept." }
checks = [{ name = "log-retention", params = { min_days = 30 } }]
"#;

#[cfg(test)]
mod control_tests {
    use super::control_matches;

    #[test]
    fn controls_match_exactly_by_section_and_without_version() {
        let c = "ISO27001:2022/A.8.24";
        assert!(control_matches(c, "ISO27001:2022/A.8.24"));
        assert!(control_matches(c, "iso27001:2022/a.8.24"));
        assert!(control_matches(c, "ISO27001:2022/A.8"));
        assert!(control_matches(c, "ISO27001:2022"));
        assert!(control_matches(c, "ISO27001/A.8.24"));
        assert!(control_matches(c, "ISO27001"));
        assert!(!control_matches(c, "ISO27001:2022/A.8.2"));
        assert!(!control_matches(c, "ISO2700"));
        assert!(!control_matches(c, "SOC2"));
        assert!(!control_matches(c, ""));
        assert!(control_matches("SOC2/CC6.1", "SOC2/CC6"));
        assert!(!control_matches("SOC2/CC6.1", "SOC2/CC6.10"));
    }
}
