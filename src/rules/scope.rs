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

#[cfg(test)]
mod tests {
    use super::*;

    fn res(region: &str, name: &str, tags: &[(&str, &str)]) -> ResourceRef {
        ResourceRef {
            arn: format!("arn:aws:ec2:{region}:111122223333:instance/{name}"),
            resource_type: "AWS::EC2::Instance".into(),
            account: "111122223333".into(),
            region: region.into(),
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
}
