//! A rule's scope: which resources it judges, by region, account, tag and
//! name.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};

use crate::findings::ResourceRef;

/// A set of resources, given by glob patterns. An empty scope matches
/// everything. Within a field any pattern may match; all non-empty fields
/// must match.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub regions: Vec<Pattern>,
    pub accounts: Vec<Pattern>,
    /// Tag key → value pattern (`*` for any value). The resource must carry
    /// every listed tag.
    pub tags: BTreeMap<String, Pattern>,
    /// Patterns over the resource's name or id.
    pub names: Vec<Pattern>,
}

/// A glob pattern with its text, for display.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    pub fn new(text: &str) -> Result<Self, String> {
        let glob =
            Glob::new(text).map_err(|e| format!("invalid pattern {text:?}: {}", e.kind()))?;
        Ok(Pattern {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    pub fn is_match(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
            && self.accounts.is_empty()
            && self.tags.is_empty()
            && self.names.is_empty()
    }

    /// Whether the resource is in this scope.
    pub fn contains(&self, r: &ResourceRef) -> bool {
        self.contains_place(&r.account, &r.region)
            && (self.names.is_empty() || self.names.iter().any(|p| p.is_match(&r.name)))
            && self
                .tags
                .iter()
                .all(|(k, p)| r.tags.get(k).is_some_and(|v| p.is_match(v)))
    }

    /// Whether an account and region are in this scope, judging by the
    /// region and account patterns alone. Used for data that could not be
    /// read, whose names and tags are unknown.
    pub fn contains_place(&self, account: &str, region: &str) -> bool {
        (self.regions.is_empty() || self.regions.iter().any(|p| p.is_match(region)))
            && (self.accounts.is_empty() || self.accounts.iter().any(|p| p.is_match(account)))
    }

    /// Whether a scope that only restricts names or tags might hold
    /// resources of an account and region (it may, as far as we can tell).
    pub fn has_resource_filters(&self) -> bool {
        !self.tags.is_empty() || !self.names.is_empty()
    }

    /// A one-line description, for `conform rules`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let list = |ps: &[Pattern]| {
            ps.iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        if !self.regions.is_empty() {
            parts.push(format!("regions={}", list(&self.regions)));
        }
        if !self.accounts.is_empty() {
            parts.push(format!("accounts={}", list(&self.accounts)));
        }
        for (k, p) in &self.tags {
            parts.push(format!("tag:{k}={}", p.text));
        }
        if !self.names.is_empty() {
            parts.push(format!("names={}", list(&self.names)));
        }
        parts.join(" ")
    }
}

/// A scope or exclude that matched nothing in an evaluation: none of the
/// resources its rule's (or check's) checks judged is inside it. Reported
/// as a warning: most often a typo, or resources that are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeWarning {
    pub rule: String,
    /// The check whose own scope or exclude it is; `None`: the rule's.
    pub check: Option<&'static str>,
    /// `scope` or `exclude`.
    pub what: &'static str,
    /// The scope, as `conform rules` shows it.
    pub scope: String,
    /// The patterns of it that matched no resource at all.
    pub unmatched: Vec<String>,
    /// How many verdicts the checks produced before scoping.
    pub judged: usize,
}

impl std::fmt::Display for ScopeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule {}", self.rule)?;
        if let Some(check) = self.check {
            write!(f, ", check {check}")?;
        }
        write!(
            f,
            ": {} `{}` matches none of the {} resource(s) judged",
            self.what, self.scope, self.judged
        )?;
        if self.what == "exclude" {
            write!(f, ", so it excludes nothing")?;
        } else {
            write!(f, ", so nothing is judged")?;
        }
        match self.unmatched.len() {
            0 => {}
            1 => write!(f, " ({} matches nothing)", self.unmatched[0])?,
            _ => write!(f, " ({} match nothing)", self.unmatched.join(", "))?,
        }
        Ok(())
    }
}

/// Watches which resources a scope (or exclude) matches during an
/// evaluation, and which of its patterns match anything, to warn about a
/// scope that matches nothing ([`ScopeWarning`]).
#[derive(Debug)]
pub struct Watch<'a> {
    scope: &'a Scope,
    what: &'static str,
    any: bool,
    regions: Vec<bool>,
    accounts: Vec<bool>,
    tags: Vec<bool>,
    names: Vec<bool>,
}

impl<'a> Watch<'a> {
    /// `what`: `scope` or `exclude`.
    pub fn new(scope: &'a Scope, what: &'static str) -> Self {
        Watch {
            scope,
            what,
            any: false,
            regions: vec![false; scope.regions.len()],
            accounts: vec![false; scope.accounts.len()],
            tags: vec![false; scope.tags.len()],
            names: vec![false; scope.names.len()],
        }
    }

    /// A resource a check judged.
    pub fn resource(&mut self, r: &ResourceRef) {
        // Once something matched there is no warning, and the patterns'
        // hits are never read: nothing more to learn.
        if self.scope.is_empty() || self.any {
            return;
        }
        self.any |= self.scope.contains(r);
        self.place_patterns(&r.account, &r.region);
        for (hit, (k, p)) in self.tags.iter_mut().zip(&self.scope.tags) {
            *hit |= r.tags.get(k).is_some_and(|v| p.is_match(v));
        }
        for (hit, p) in self.names.iter_mut().zip(&self.scope.names) {
            *hit |= p.is_match(&r.name);
        }
    }

    /// A place whose data could not be read: its resources' names and tags
    /// are unknown, so any of them may match.
    pub fn unread(&mut self, account: &str, region: &str) {
        if self.scope.is_empty() || self.any {
            return;
        }
        self.any |= self.scope.contains_place(account, region);
        self.place_patterns(account, region);
        self.tags.iter_mut().for_each(|t| *t = true);
        self.names.iter_mut().for_each(|n| *n = true);
    }

    fn place_patterns(&mut self, account: &str, region: &str) {
        for (hit, p) in self.regions.iter_mut().zip(&self.scope.regions) {
            *hit |= p.is_match(region);
        }
        for (hit, p) in self.accounts.iter_mut().zip(&self.scope.accounts) {
            *hit |= p.is_match(account);
        }
    }

    /// The warning, if the scope is not empty, something was judged, and
    /// none of it was inside the scope.
    pub fn warning(
        &self,
        rule: &str,
        check: Option<&'static str>,
        judged: usize,
    ) -> Option<ScopeWarning> {
        if self.scope.is_empty() || self.any || judged == 0 {
            return None;
        }
        let mut unmatched = Vec::new();
        let mut list = |field: &str, hits: &[bool], patterns: &mut dyn Iterator<Item = String>| {
            for (hit, p) in hits.iter().zip(patterns) {
                if !hit {
                    unmatched.push(format!("{field}={p}"));
                }
            }
        };
        list(
            "regions",
            &self.regions,
            &mut self.scope.regions.iter().map(|p| p.text.clone()),
        );
        list(
            "accounts",
            &self.accounts,
            &mut self.scope.accounts.iter().map(|p| p.text.clone()),
        );
        list(
            "tag",
            &self.tags,
            &mut self
                .scope
                .tags
                .iter()
                .map(|(k, p)| format!("{k}:{}", p.text)),
        );
        list(
            "names",
            &self.names,
            &mut self.scope.names.iter().map(|p| p.text.clone()),
        );
        Some(ScopeWarning {
            rule: rule.to_string(),
            check,
            what: self.what,
            scope: self.scope.describe(),
            unmatched,
            judged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(region: &str, name: &str, tags: &[(&str, &str)]) -> ResourceRef {
        ResourceRef {
            arn: format!("arn:aws:ec2:{region}:111122223333:instance/{name}").into(),
            resource_type: "AWS::EC2::Instance".into(),
            account: "111122223333".into(),
            region: region.to_string().into(),
            name: name.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn empty_scope_matches_all() {
        assert!(Scope::default().contains(&res("eu-north-1", "i-1", &[])));
    }

    #[test]
    fn fields_are_anded_patterns_ored() {
        let scope = Scope {
            regions: vec![
                Pattern::new("eu-*").unwrap(),
                Pattern::new("us-east-1").unwrap(),
            ],
            tags: [("env".to_string(), Pattern::new("prod*").unwrap())].into(),
            ..Default::default()
        };
        assert!(scope.contains(&res("eu-north-1", "a", &[("env", "production")])));
        assert!(scope.contains(&res("us-east-1", "a", &[("env", "prod")])));
        assert!(!scope.contains(&res("us-west-2", "a", &[("env", "prod")])));
        assert!(!scope.contains(&res("eu-north-1", "a", &[("env", "dev")])));
        assert!(!scope.contains(&res("eu-north-1", "a", &[])));
        assert!(scope.contains_place("111122223333", "eu-west-1"));
    }

    #[test]
    fn names_match_globs() {
        let scope = Scope {
            names: vec![Pattern::new("backup-*").unwrap()],
            ..Default::default()
        };
        assert!(scope.contains(&res("eu-north-1", "backup-2024", &[])));
        assert!(!scope.contains(&res("eu-north-1", "web", &[])));
    }

    #[test]
    fn a_scope_that_matches_nothing_is_a_warning() {
        let scope = Scope {
            regions: vec![Pattern::new("eu-*").unwrap()],
            names: vec![
                Pattern::new("backup-*").unwrap(),
                Pattern::new("bakup-*").unwrap(),
            ],
            ..Default::default()
        };
        let mut watch = Watch::new(&scope, "exclude");
        watch.resource(&res("us-east-1", "backup-1", &[]));
        watch.resource(&res("eu-north-1", "web", &[]));
        let w = watch
            .warning("BAK-001", Some("snapshot-max-age"), 2)
            .unwrap();
        assert_eq!(w.unmatched, vec!["names=bakup-*".to_string()]);
        assert_eq!(
            w.to_string(),
            "rule BAK-001, check snapshot-max-age: exclude `regions=eu-* names=backup-*,bakup-*` matches none of the 2 resource(s) judged, so it excludes nothing (names=bakup-* matches nothing)"
        );
        // Once a resource is inside, no warning.
        watch.resource(&res("eu-north-1", "backup-2", &[]));
        assert_eq!(watch.warning("BAK-001", None, 3), None);
        // Unread data may hold what the scope names: no warning.
        let mut watch = Watch::new(&scope, "scope");
        watch.unread("111122223333", "eu-west-1");
        assert_eq!(watch.warning("BAK-001", None, 1), None);
        // An empty scope, or nothing judged: no warning.
        let empty = Scope::default();
        assert_eq!(Watch::new(&empty, "scope").warning("X", None, 5), None);
        assert_eq!(Watch::new(&scope, "scope").warning("X", None, 0), None);
    }
}
