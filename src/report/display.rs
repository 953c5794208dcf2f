//! Display filters for big estates (`--severity`, `--rule`, `--account`,
//! `--status`, `--quiet`): which findings the text and HTML reports list.
//! They change what is shown, never what is counted: summaries, exit codes
//! and the machine formats always cover the whole scan.

use globset::{GlobBuilder, GlobMatcher};

use crate::findings::{Finding, Status};
use crate::rules::Severity;

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct Display {
    /// List findings of rules of at least this severity.
    pub min_severity: Option<Severity>,
    /// List findings of these rules (ids, or globs such as `NET-*`; case
    /// does not matter).
    pub rules: Vec<String>,
    rule_globs: Vec<GlobMatcher>,
    /// List findings of these accounts.
    pub accounts: Vec<String>,
    /// List findings with these statuses (empty: broken and unknown, and
    /// kept with `--show-passing`).
    pub statuses: Vec<Status>,
    /// Print the summary only.
    pub quiet: bool,
}

impl Display {
    /// A filter; `Err` names a rule pattern that is not a valid glob.
    pub fn new(
        min_severity: Option<Severity>,
        rules: Vec<String>,
        accounts: Vec<String>,
        statuses: Vec<Status>,
        quiet: bool,
    ) -> Result<Display, String> {
        let rule_globs = rules
            .iter()
            .map(|r| {
                GlobBuilder::new(r.trim())
                    .case_insensitive(true)
                    .build()
                    .map(|g| g.compile_matcher())
                    .map_err(|e| format!("--rule {r:?}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Display {
            min_severity,
            rules,
            rule_globs,
            accounts: accounts.into_iter().map(|a| a.trim().to_string()).collect(),
            statuses,
            quiet,
        })
    }

    /// Whether a rule's findings may be listed at all (by its id and
    /// severity).
    pub fn shows_rule(&self, id: &str, severity: Severity) -> bool {
        self.min_severity.is_none_or(|min| severity >= min)
            && (self.rule_globs.is_empty() || self.rule_globs.iter().any(|g| g.is_match(id)))
    }

    /// Whether a finding is listed (statuses apart from the default).
    pub fn shows(&self, f: &Finding) -> bool {
        self.shows_rule(&f.rule_id, f.severity)
            && (self.accounts.is_empty() || self.accounts.iter().any(|a| *a == f.resource.account))
            && (self.statuses.is_empty() || self.statuses.contains(&f.status))
    }

    /// Whether any filter is set.
    pub fn is_filtering(&self) -> bool {
        self.min_severity.is_some()
            || !self.rules.is_empty()
            || !self.accounts.is_empty()
            || !self.statuses.is_empty()
    }

    /// The filters in words ("severity ≥ high, rules NET-*"), or nothing.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(s) = self.min_severity {
            parts.push(format!("severity {s} or higher"));
        }
        if !self.rules.is_empty() {
            parts.push(format!("rules {}", self.rules.join(", ")));
        }
        if !self.accounts.is_empty() {
            parts.push(format!("accounts {}", self.accounts.join(", ")));
        }
        if !self.statuses.is_empty() {
            let s: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            parts.push(format!("status {}", s.join(", ")));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_globs_and_severity() {
        let d = Display::new(
            Some(Severity::High),
            vec!["net-*".into(), "TLS-002".into()],
            vec![],
            vec![],
            false,
        )
        .unwrap();
        assert!(d.shows_rule("NET-001", Severity::Critical));
        assert!(!d.shows_rule("NET-003", Severity::Medium));
        assert!(d.shows_rule("TLS-002", Severity::High));
        assert!(!d.shows_rule("TLS-001", Severity::High));
        assert!(Display::new(None, vec!["[".into()], vec![], vec![], false).is_err());
    }
}
