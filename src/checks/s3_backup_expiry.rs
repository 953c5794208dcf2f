//! `s3-backup-expiry`: buckets that hold backups expire their objects
//! within `max_days` (BAK-002, S3 part).

use serde::{Deserialize, Serialize};

use super::resource::{bucket_ref, cap_evidence, count, read_completely};
use super::{Check, CheckDoc, Context, ParamError, at_least_one};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Bucket, Dataset, GLOBAL, Inventory, LifecycleRule, Read};

pub struct S3BackupExpiry;

/// The most lifecycle rules listed as evidence.
const MAX_RULES: usize = 20;

/// Parameters of `s3-backup-expiry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The most days an object (every version of it) may be kept.
    pub max_days: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params { max_days: 90 }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "max_days",
    kind: "a whole number of days, at least 1",
    description: "The most days a bucket's lifecycle rules may keep an object, every version of it, before it expires.",
}];

/// Whether a rule's filter selects every object: no filter, an empty one,
/// or an empty prefix.
fn whole_bucket(rule: &LifecycleRule) -> bool {
    match rule.filter.as_deref().map(str::trim) {
        None | Some("") => true,
        Some(f) => f.eq_ignore_ascii_case("prefix=") || f.eq_ignore_ascii_case("prefix=\"\""),
    }
}

fn rule_name(i: usize, rule: &LifecycleRule) -> String {
    match rule.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => format!("Rules[{i}] ({id})"),
        None => format!("Rules[{i}]"),
    }
}

/// Evidence for every rule, saying what it contributes.
fn rules_evidence(rules: &[LifecycleRule], max: i64) -> Vec<Evidence> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let value = format!(
                "{}; filter {}; Expiration.Days {}; NoncurrentVersionExpiration.NoncurrentDays {}",
                if r.enabled { "Enabled" } else { "Disabled" },
                r.filter.as_deref().unwrap_or("none"),
                r.expiration_days
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "unset".into()),
                r.noncurrent_expiration_days
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "unset".into()),
            );
            let note = if !r.enabled {
                "the rule is disabled, so S3 does not apply it".to_string()
            } else if !whole_bucket(r) {
                "the rule applies only to the objects its filter selects; others are kept".to_string()
            } else {
                match r.expiration_days {
                    None => "the rule applies to every object but does not expire current objects after a number of days".to_string(),
                    Some(d) if i64::from(d) > max => format!(
                        "expires current objects after {}, more than {}",
                        count(i64::from(d), "day", "days"),
                        count(max, "day", "days")
                    ),
                    Some(d) => format!(
                        "expires current objects after {}",
                        count(i64::from(d), "day", "days")
                    ),
                }
            };
            Evidence::new(rule_name(i, r), value, note)
        })
        .collect()
}

fn judge_rules(b: &Bucket, rules: &[LifecycleRule], max: i64) -> Outcome {
    let resource = bucket_ref(b);
    let applied: Vec<&LifecycleRule> = rules
        .iter()
        .filter(|r| r.enabled && whole_bucket(r))
        .collect();
    // Where rules overlap, S3 applies the earliest expiration.
    let current = applied.iter().filter_map(|r| r.expiration_days).min();
    let noncurrent = applied
        .iter()
        .filter_map(|r| r.noncurrent_expiration_days)
        .min();
    let evidence = || cap_evidence(rules_evidence(rules, max), MAX_RULES, "Rules", "rules");
    let max_text = count(max, "day", "days");
    let Some(current) = current else {
        let message = if rules.is_empty() {
            format!(
                "bucket {} has a lifecycle configuration without rules",
                b.name
            )
        } else {
            format!(
                "bucket {} has no enabled lifecycle rule for every object that expires objects: they are kept until deleted by hand",
                b.name
            )
        };
        let evidence = if rules.is_empty() {
            vec![Evidence::new("Rules", "none", "nothing expires")]
        } else {
            evidence()
        };
        return Outcome::fail(resource, message, evidence);
    };
    let current = i64::from(current);
    if current > max {
        return Outcome::fail(
            resource,
            format!(
                "bucket {} expires objects after {}, more than {max_text}",
                b.name,
                count(current, "day", "days")
            ),
            evidence(),
        );
    }
    // Whether the bucket keeps noncurrent versions: versioning enabled, or
    // suspended (the versions made while it was enabled stay).
    let versioned: Result<Option<bool>, String> = match &b.versioning {
        None => Ok(None),
        Some(Read::Value(None)) => Ok(Some(false)),
        Some(Read::Value(Some(status))) => match status.trim().to_ascii_lowercase().as_str() {
            "enabled" | "suspended" => Ok(Some(true)),
            _ => Err(format!(
                "versioning status {status:?} is not one conform knows"
            )),
        },
        Some(Read::Unreadable(e)) => Err(format!("its versioning status could not be read: {e}")),
    };
    let versioning_evidence = || match &b.versioning {
        Some(Read::Value(status)) => Evidence::new(
            "VersioningConfiguration.Status",
            status.clone().unwrap_or_else(|| "never enabled".into()),
            match status {
                Some(_) => {
                    "a versioned bucket keeps the noncurrent versions of expired objects until a rule expires them"
                }
                None => "the bucket was never versioned: expiring an object deletes it",
            },
        ),
        Some(Read::Unreadable(e)) => Evidence::new(
            "VersioningConfiguration.Status",
            e.code.clone(),
            e.to_string(),
        ),
        None => Evidence::new(
            "VersioningConfiguration.Status",
            "not collected",
            "the scan did not read this bucket's versioning status",
        ),
    };
    if versioned == Ok(Some(false)) {
        return Outcome::pass(
            resource,
            format!(
                "bucket {} expires objects after {}, and it is not versioned",
                b.name,
                count(current, "day", "days")
            ),
        )
        .with(versioning_evidence());
    }
    match noncurrent {
        Some(n) => {
            let n = i64::from(n);
            let lifetime = current + n;
            if lifetime > max {
                return Outcome::fail(
                    resource,
                    format!(
                        "bucket {} keeps noncurrent versions {} after objects expire at {}: versions live up to {}, more than {max_text}",
                        b.name,
                        count(n, "day", "days"),
                        count(current, "day", "days"),
                        count(lifetime, "day", "days")
                    ),
                    evidence(),
                );
            }
            Outcome::pass(
                resource,
                format!(
                    "bucket {} expires objects after {} and their noncurrent versions {} later (at most {} in all)",
                    b.name,
                    count(current, "day", "days"),
                    count(n, "day", "days"),
                    count(lifetime, "day", "days")
                ),
            )
        }
        None => match versioned {
            Ok(Some(_)) => {
                let mut evidence = evidence();
                evidence.push(versioning_evidence());
                Outcome::fail(
                    resource,
                    format!(
                        "bucket {} is versioned and expires objects after {}, but no rule expires noncurrent versions: every backup's old version is kept forever",
                        b.name,
                        count(current, "day", "days")
                    ),
                    evidence,
                )
            }
            Ok(None) | Err(_) => {
                let why = match versioned {
                    Err(e) => e,
                    _ => "its versioning status was not collected".to_string(),
                };
                Outcome::unknown(
                    resource,
                    format!(
                        "bucket {} expires objects after {}, but no rule expires noncurrent versions and {why}",
                        b.name,
                        count(current, "day", "days")
                    ),
                    vec![versioning_evidence()],
                )
            }
        },
    }
}

fn judge(inventory: &Inventory, b: &Bucket, max: i64) -> Option<Outcome> {
    let resource = bucket_ref(b);
    let outcome = match &b.lifecycle {
        None => {
            // Where bucket details were not read at all, the evaluator
            // reports the gap once; here only a bucket that was missed.
            if !read_completely(inventory, &b.place.account, GLOBAL, Dataset::BucketDetails) {
                return None;
            }
            Outcome::unknown(
                resource,
                format!(
                    "cannot tell whether bucket {} expires its objects: its lifecycle configuration was not collected",
                    b.name
                ),
                vec![Evidence::new(
                    "LifecycleConfiguration",
                    "not collected",
                    "the scan did not read this bucket's lifecycle configuration",
                )],
            )
        }
        Some(Read::Unreadable(e)) => Outcome::unknown(
            resource,
            format!(
                "cannot tell whether bucket {} expires its objects: reading its lifecycle configuration failed with {}",
                b.name, e.code
            ),
            vec![Evidence::new(
                "LifecycleConfiguration",
                e.code.clone(),
                e.to_string(),
            )],
        ),
        Some(Read::Value(None)) => Outcome::fail(
            resource,
            format!(
                "bucket {} has no lifecycle configuration: its objects are kept until deleted by hand",
                b.name
            ),
            vec![Evidence::new(
                "LifecycleConfiguration",
                "none",
                "no lifecycle rule expires objects (NoSuchLifecycleConfiguration)",
            )],
        ),
        Some(Read::Value(Some(rules))) => judge_rules(b, rules, max),
    };
    Some(match &b.tags_error {
        Some(e) => outcome.with(Evidence::new(
            "Tagging",
            e.code.clone(),
            format!("the bucket's tags could not be read ({e}), so a rule that selects backup stores by tag cannot see them"),
        )),
        None => outcome,
    })
}

impl Check for S3BackupExpiry {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "s3-backup-expiry",
        summary: "S3 buckets that hold backups expire their objects within {{ max_days | days }}",
        what: "Judges every bucket the rule's scope selects, and only those: a rules file marks its backup stores \
with a scope on this check, by name (`scope = { names = [\"*backup*\"] }`) or by tag \
(`scope = { tags = { \"data-class\" = \"backup\" } }`). Judging every bucket would fail buckets that are \
meant to keep data.\n\n\
The bucket's lifecycle rules are read. A rule counts when it is **enabled** and applies to **every object** \
(no filter, or an empty prefix; a rule limited by prefix, tag or size leaves other objects unexpired).\n\n\
- **pass**: a counted rule expires current objects (`Expiration.Days`) within {{ max_days | days }} (`max_days`), and \
if a counted rule also expires noncurrent versions (`NoncurrentVersionExpiration.NoncurrentDays`), an \
object's versions are gone within `max_days` in all. A version of an object expired on day *e* becomes \
noncurrent then and is deleted *n* days later, so **e + n** must be at most `max_days`. Where several rules \
count, the earliest expiration of each kind applies, as in S3;\n\
- **fail**: no lifecycle configuration, no counted rule that expires objects (only disabled or filtered \
rules, or a date instead of days), or more days than allowed;\n\
- **unknown**: the lifecycle configuration could not be read (the AWS error code is given), or was not \
collected.\n\n\
**Versioning** is read (`GetBucketVersioning`, for buckets whose lifecycle has rules). In a versioned bucket \
(versioning `Enabled`, or `Suspended`, which keeps the versions made before), expiring an object only adds a \
delete marker and the old version stays until a `NoncurrentVersionExpiration` removes it:\n\
- a **versioned** bucket whose counted rules never expire noncurrent versions **fails**: it keeps every backup \
forever;\n\
- a bucket that was **never versioned** is judged on `Expiration.Days` alone;\n\
- when the versioning status could not be read (or was not collected, in an older inventory), *e + n* is \
judged if a counted rule sets noncurrent expiration (true either way), and the verdict is otherwise \
**unknown**.\n\n\
S3 counts days from an object's creation, rounded up to the next midnight UTC, and removes expired objects in \
the background. The configured days are what is judged. A bucket whose tags could not be read says so in \
its evidence, since a tag-based scope cannot have selected it by tag.",
        why: "Backups that outlive their retention hold data that should no longer exist, and a backup bucket \
without an expiration rule keeps every backup for as long as the bucket exists.",
        fix: "Add a lifecycle rule that applies to the whole bucket:\n\n\
```sh\naws s3api put-bucket-lifecycle-configuration --bucket my-db-backups --lifecycle-configuration '{\n  \
\"Rules\": [{\"ID\": \"expire-backups\", \"Status\": \"Enabled\", \"Filter\": {},\n    \
\"Expiration\": {\"Days\": {{ expire_days }}},\n    \"NoncurrentVersionExpiration\": {\"NoncurrentDays\": {{ noncurrent_days }}}}]}'\n```\n\n\
(Replacing the configuration removes its other rules: include them.) In the console: S3 → the bucket → \
Management → Lifecycle rules → Create lifecycle rule. If the verdict is unknown, grant the scanning role \
`s3:GetLifecycleConfiguration`.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::BucketDetails];
    const USES: &'static [Dataset] = &[Dataset::Buckets];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        at_least_one("max_days", params.max_days, "days")?;
        Ok(params.clone())
    }

    fn doc_vars(params: &Params) -> serde_json::Map<String, serde_json::Value> {
        // An example split of max_days into current and noncurrent days
        // (e + n <= max_days): two thirds current, as 60 + 30 for 90.
        let max = params.max_days;
        let expire = if max < 2 { max } else { (max * 2 / 3).max(1) };
        let mut vars = serde_json::Map::new();
        vars.insert("expire_days".into(), expire.into());
        vars.insert("noncurrent_days".into(), (max - expire).max(1).into());
        vars
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let max = i64::from(params.max_days);
        inventory
            .buckets
            .iter()
            .filter_map(|b| judge(inventory, b, max))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    fn rules(rules: Vec<LifecycleRule>) -> Option<Read<Option<Vec<LifecycleRule>>>> {
        Some(Read::Value(Some(rules)))
    }

    fn with_noncurrent(days: i32, noncurrent: i32) -> LifecycleRule {
        LifecycleRule {
            noncurrent_expiration_days: Some(noncurrent),
            ..expiry_rule("r", Some(days))
        }
    }

    #[test]
    fn expiry_rules_decide() {
        let mut inv = inventory();
        let disabled = LifecycleRule {
            enabled: false,
            ..expiry_rule("off", Some(30))
        };
        let filtered = LifecycleRule {
            filter: Some("prefix=daily/".into()),
            ..expiry_rule("daily", Some(30))
        };
        let empty_prefix = LifecycleRule {
            filter: Some("prefix=".into()),
            ..expiry_rule("all", Some(30))
        };
        inv.buckets = vec![
            bucket("b-30", rules(vec![expiry_rule("all", Some(30))])),
            bucket("b-90", rules(vec![expiry_rule("all", Some(90))])),
            bucket("b-91", rules(vec![expiry_rule("all", Some(91))])),
            bucket("b-none", Some(Read::Value(None))),
            bucket("b-disabled", rules(vec![disabled])),
            bucket("b-filtered", rules(vec![filtered.clone()])),
            bucket("b-empty-prefix", rules(vec![empty_prefix])),
            bucket(
                "b-two",
                rules(vec![
                    expiry_rule("long", Some(365)),
                    expiry_rule("short", Some(60)),
                    filtered,
                ]),
            ),
            bucket(
                "b-no-days",
                rules(vec![expiry_rule("noncurrent-only", None)]),
            ),
            bucket("b-no-rules", rules(vec![])),
        ];
        let out = run::<S3BackupExpiry>(&inv);
        let o = expect(&out, "b-30", Status::Pass);
        assert!(o.message.contains("not versioned"), "{o:#?}");
        assert!(mentions(o, "never enabled"), "{o:#?}");
        expect(&out, "b-90", Status::Pass);
        let o = expect(&out, "b-91", Status::Fail);
        assert!(
            o.message.contains("91 days, more than 90 days"),
            "{}",
            o.message
        );
        let o = expect(&out, "b-none", Status::Fail);
        assert!(o.message.contains("no lifecycle configuration"));
        let o = expect(&out, "b-disabled", Status::Fail);
        assert!(mentions(o, "disabled"));
        let o = expect(&out, "b-filtered", Status::Fail);
        assert!(mentions(o, "prefix=daily/"));
        expect(&out, "b-empty-prefix", Status::Pass);
        let o = expect(&out, "b-two", Status::Pass);
        assert!(o.message.contains("60 days"), "{}", o.message);
        expect(&out, "b-no-days", Status::Fail);
        expect(&out, "b-no-rules", Status::Fail);
    }

    #[test]
    fn versioned_buckets_must_expire_noncurrent_versions() {
        let mut inv = inventory();
        let versioned =
            |name: &str, status: Option<Read<Option<String>>>, rule: LifecycleRule| Bucket {
                versioning: status.map(|s| match s {
                    Read::Value(v) => Read::Value(v.map(Into::into)),
                    Read::Unreadable(e) => Read::Unreadable(e),
                }),
                ..bucket(name, rules(vec![rule]))
            };
        let enabled = || Some(Read::Value(Some("Enabled".to_string())));
        inv.buckets = vec![
            // Versioned, current objects expire, old versions never do.
            versioned("b-forever", enabled(), expiry_rule("all", Some(30))),
            versioned(
                "b-suspended",
                Some(Read::Value(Some("Suspended".into()))),
                expiry_rule("all", Some(30)),
            ),
            versioned("b-both", enabled(), with_noncurrent(30, 30)),
            versioned(
                "b-unread",
                Some(Read::Unreadable(aws_error("AccessDenied").into())),
                expiry_rule("all", Some(30)),
            ),
            // Noncurrent expiry set: e + n holds whatever the status.
            versioned(
                "b-unread-both",
                Some(Read::Unreadable(aws_error("AccessDenied").into())),
                with_noncurrent(30, 30),
            ),
            // An inventory saved before versioning was read.
            versioned("b-old", None, expiry_rule("all", Some(30))),
        ];
        let out = run::<S3BackupExpiry>(&inv);
        let o = expect(&out, "b-forever", Status::Fail);
        assert!(o.message.contains("kept forever"), "{}", o.message);
        assert!(mentions(o, "VersioningConfiguration.Status"));
        expect(&out, "b-suspended", Status::Fail);
        expect(&out, "b-both", Status::Pass);
        let o = expect(&out, "b-unread", Status::Unknown);
        assert!(o.message.contains("AccessDenied"), "{}", o.message);
        expect(&out, "b-unread-both", Status::Pass);
        let o = expect(&out, "b-old", Status::Unknown);
        assert!(o.message.contains("not collected"), "{}", o.message);
    }

    #[test]
    fn noncurrent_versions_count_from_expiry() {
        let mut inv = inventory();
        let split = vec![
            expiry_rule("current", Some(60)),
            LifecycleRule {
                noncurrent_expiration_days: Some(30),
                ..expiry_rule("old-versions", None)
            },
        ];
        inv.buckets = vec![
            bucket("b-60-30", rules(vec![with_noncurrent(60, 30)])),
            bucket("b-90-30", rules(vec![with_noncurrent(90, 30)])),
            bucket("b-30-365", rules(vec![with_noncurrent(30, 365)])),
            bucket("b-split", rules(split)),
        ];
        for b in &mut inv.buckets {
            b.versioning = Some(Read::Value(Some("Enabled".into())));
        }
        let out = run::<S3BackupExpiry>(&inv);
        let o = expect(&out, "b-60-30", Status::Pass);
        assert!(
            o.message.contains("at most 90 days in all"),
            "{}",
            o.message
        );
        let o = expect(&out, "b-90-30", Status::Fail);
        assert!(o.message.contains("up to 120 days"), "{}", o.message);
        expect(&out, "b-30-365", Status::Fail);
        expect(&out, "b-split", Status::Pass);
    }

    #[test]
    fn unread_lifecycles_are_unknown_and_tag_errors_noted() {
        let mut inv = inventory();
        let mut untagged = bucket("b-untagged", rules(vec![expiry_rule("all", Some(30))]));
        untagged.tags_error = Some(aws_error("AccessDenied").into());
        inv.buckets = vec![
            bucket(
                "b-denied",
                Some(Read::Unreadable(aws_error("AccessDenied").into())),
            ),
            bucket("b-missed", None),
            untagged,
        ];
        let out = run::<S3BackupExpiry>(&inv);
        let o = expect(&out, "b-denied", Status::Unknown);
        assert_eq!(o.evidence[0].value, "AccessDenied");
        assert!(o.message.contains("AccessDenied"));
        let o = expect(&out, "b-missed", Status::Unknown);
        assert!(o.message.contains("not collected"));
        let o = expect(&out, "b-untagged", Status::Pass);
        assert!(mentions(o, "Tagging"));

        // Without bucket details at all, the evaluator reports the gap once.
        inv.coverage.retain(|c| c.dataset != Dataset::BucketDetails);
        let out = run::<S3BackupExpiry>(&inv);
        assert!(out.iter().all(|o| o.resource.name != "b-missed"));
    }

    #[test]
    fn tags_reach_the_resource_for_scoping() {
        let mut inv = inventory();
        let mut b = bucket("kliv-db-dumps", rules(vec![expiry_rule("all", Some(30))]));
        b.tags.insert("kliv:data-class".into(), "backup".into());
        inv.buckets = vec![b];
        let out = run::<S3BackupExpiry>(&inv);
        let o = expect(&out, "kliv-db-dumps", Status::Pass);
        assert_eq!(
            o.resource.tags.get("kliv:data-class").map(|s| s.as_str()),
            Some("backup")
        );
        let p: Params = params("max_days = 20");
        let out = run_with::<S3BackupExpiry>(&ctx(), &inv, &p);
        expect(&out, "kliv-db-dumps", Status::Fail);
        assert!(S3BackupExpiry::compile(&Params { max_days: 0 }).is_err());
    }
}
