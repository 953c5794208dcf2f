//! `snapshot-max-age`: manual RDS and EBS snapshots are destroyed after
//! `max_age_days` (BAK-002, snapshot part).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::resource::{age_text, count, db_snapshot_ref, snapshot_ref};
use super::{Check, CheckDoc, Context, ParamError, at_least_one};
use crate::findings::{Evidence, Outcome, ResourceRef};
use crate::inventory::{Dataset, DbSnapshot, Inventory, Snapshot};

pub struct SnapshotMaxAge;

/// Parameters of `snapshot-max-age`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The oldest a manual snapshot may be, in days of 24 hours. A snapshot
    /// exactly this old still complies.
    pub max_age_days: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params { max_age_days: 90 }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "max_age_days",
    kind: "a whole number of days of 24 hours, at least 1",
    description: "The oldest a manual snapshot may be; a snapshot exactly this old still complies.",
}];

/// The tag key prefix AWS Backup puts on the EBS snapshots it creates
/// (`aws:backup:source-resource`, ...). Users cannot create `aws:` tags.
pub const AWS_BACKUP_TAG_PREFIX: &str = "aws:backup:";
/// Why an EBS snapshot is managed by AWS Backup, if it is: the tag that
/// gives it away. Only facts a user cannot forge count: `aws:` tags are
/// reserved to AWS, while a description is free text anyone can write.
pub fn aws_backup_marker(s: &Snapshot) -> Option<String> {
    s.tags
        .keys()
        .find(|k| {
            k.get(..AWS_BACKUP_TAG_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(AWS_BACKUP_TAG_PREFIX))
        })
        .map(|key| format!("tag {key}"))
}

/// How an RDS snapshot's type bears on its age.
enum RdsKind {
    /// Kept until someone deletes it: judged.
    Manual,
    /// Deleted by AWS (automated, with the retention period) or AWS Backup
    /// (with the backup plan's lifecycle), or owned by another account.
    NotJudged(&'static str),
    /// A type conform does not know.
    Unrecognised,
}

/// Why a snapshot is not judged: something other than a person deletes it.
const AUTOMATED: &str = "automated snapshot, deleted by RDS when its retention ends";
const AWS_BACKUP: &str = "AWS Backup snapshot, deleted by its backup plan";

fn rds_kind(s: &DbSnapshot) -> RdsKind {
    match s.snapshot_type.trim().to_ascii_lowercase().as_str() {
        "manual" => RdsKind::Manual,
        "automated" => RdsKind::NotJudged(AUTOMATED),
        "awsbackup" => RdsKind::NotJudged(AWS_BACKUP),
        "shared" | "public" => RdsKind::NotJudged(super::rds_snapshot_encrypted::FOREIGN),
        _ => RdsKind::Unrecognised,
    }
}

fn judge_age(
    resource: ResourceRef,
    what: &str,
    field: &str,
    created: Option<Timestamp>,
    now: Timestamp,
    max_days: u32,
) -> Outcome {
    let Some(created) = created else {
        return Outcome::unknown(
            resource,
            format!("cannot tell the age of {what}: AWS did not report when it was created"),
            vec![Evidence::new(
                field,
                "not reported",
                "without a creation time the snapshot's age is unknown",
            )],
        );
    };
    let age = now.as_second() - created.as_second();
    if age < 0 {
        // Taken after the instant ages are measured against (during the
        // scan, or an earlier --now): it is new, not negatively old.
        return Outcome::pass(
            resource,
            format!("{what} was created {created}, after the reference time {now}: not yet aged"),
        );
    }
    let limit = i64::from(max_days) * 86_400;
    let age_text = age_text(age);
    let max_text = count(i64::from(max_days), "day", "days");
    if age > limit {
        Outcome::fail(
            resource,
            format!("{what} is {age_text} old (created {created}), older than {max_text}"),
            vec![Evidence::new(
                field,
                created.to_string(),
                format!("{age_text} before {now}; backups must be destroyed after {max_text}"),
            )],
        )
    } else {
        Outcome::pass(
            resource,
            format!("{what} is {age_text} old (created {created}), within {max_text}"),
        )
    }
}

impl Check for SnapshotMaxAge {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "snapshot-max-age",
        summary: "Manual RDS and EBS snapshots are no older than {{ max_age_days | days }}",
        what: "Manual snapshots, which nobody deletes unless someone does it by hand, must be no older than \
{{ max_age_days | days }} (`max_age_days`). Age is measured from the snapshot's creation time (`SnapshotCreateTime` for RDS, \
`StartTime` for EBS) to the scan's collection time, or to `--now` when given, so re-evaluating a saved \
inventory gives the same verdicts. A day is 24 hours. A snapshot **exactly** {{ max_age_days | days }} old still complies, \
because a retention of {{ max_age_days | days }} destroys backups *after* that. One a second older fails. The evidence gives the creation time and the age \
in days and hours.\n\n\
Judged:\n\
- **RDS DB snapshots and DB cluster snapshots of type `manual`**;\n\
- **EBS snapshots** that AWS Backup did not make, including snapshots made by Data Lifecycle Manager and the \
snapshots behind AMIs, which are kept until their policy or owner deletes them.\n\n\
Not judged (no verdict):\n\
- RDS snapshots of type `automated`. RDS deletes them when the backup retention period ends (at most 35 days);\n\
- RDS snapshots of type `awsbackup`, and EBS snapshots made by AWS Backup, which are recognised by a tag key \
starting with `aws:backup:` (AWS Backup tags its EBS snapshots `aws:backup:source-resource`, and only AWS can \
create `aws:` tags). The backup plan's lifecycle deletes them, and the plan is where their retention is set. \
A description is never trusted: anyone can write \"This snapshot is created by the AWS Backup service\" on a \
manual snapshot, so such a snapshot without the tag is judged;\n\
- RDS snapshots of type `shared` or `public`, which belong to other accounts.\n\n\
A snapshot with no creation time, or an RDS snapshot of a type conform does not know, is **unknown**.",
        why: "Backups kept past their retention hold data that should no longer exist. Automated and AWS Backup \
snapshots expire on their own. A manual snapshot is kept, and paid for, until someone deletes it, and an old one \
holds data that should no longer exist.",
        fix: "Delete the snapshot, or copy what must be kept longer into an archive whose retention allows it:\n\n\
```sh\naws rds delete-db-snapshot --db-snapshot-identifier mydb-2024-01-01\n\
aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier mycluster-2024-01-01\n\
aws ec2 delete-snapshot --snapshot-id snap-0123456789abcdef0\n```\n\n\
To stop it recurring, take snapshots through AWS Backup or Data Lifecycle Manager with a retention of at most \
{{ max_age_days | days }}.",
    };
    const SUBJECTS: &'static [Dataset] = &[
        Dataset::Snapshots,
        Dataset::DbSnapshots,
        Dataset::DbClusterSnapshots,
    ];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        at_least_one("max_age_days", params.max_age_days, "days")?;
        Ok(params.clone())
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for s in &inventory.snapshots {
            if aws_backup_marker(s).is_some() {
                continue;
            }
            outcomes.push(judge_age(
                snapshot_ref(s),
                &format!("EBS snapshot {}", s.id),
                "StartTime",
                s.start_time,
                ctx.now,
                params.max_age_days,
            ));
        }
        for s in &inventory.db_snapshots {
            let what = if s.cluster {
                "DB cluster snapshot"
            } else {
                "DB snapshot"
            };
            match rds_kind(s) {
                RdsKind::NotJudged(_) => {}
                RdsKind::Manual => outcomes.push(judge_age(
                    db_snapshot_ref(s),
                    &format!("manual {what} {}", s.id),
                    "SnapshotCreateTime",
                    s.created_at,
                    ctx.now,
                    params.max_age_days,
                )),
                RdsKind::Unrecognised => outcomes.push(Outcome::unknown(
                    db_snapshot_ref(s),
                    format!(
                        "cannot tell who deletes {what} {}: its type {:?} is not one conform knows",
                        s.id, s.snapshot_type
                    ),
                    vec![Evidence::new(
                        "SnapshotType",
                        if s.snapshot_type.trim().is_empty() {
                            "(empty)".to_string()
                        } else {
                            s.snapshot_type.to_string()
                        },
                        "only manual snapshots are kept until deleted by hand; automated, awsbackup, shared and public ones are not judged",
                    )],
                )),
            }
        }
        outcomes
    }

    fn not_judged(
        _ctx: &Context,
        inventory: &Inventory,
        _params: &Params,
        skip: super::NotJudged<'_>,
    ) {
        for s in &inventory.snapshots {
            if aws_backup_marker(s).is_some() {
                skip(&snapshot_ref(s), AWS_BACKUP);
            }
        }
        for s in &inventory.db_snapshots {
            if let RdsKind::NotJudged(why) = rds_kind(s) {
                skip(&db_snapshot_ref(s), why);
            }
        }
    }
}

#[cfg(test)]
mod future_tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn a_snapshot_newer_than_the_reference_time_is_not_negatively_old() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let later: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let r = db_instance("x");
        let resource = crate::checks::resource::db_instance_ref(&r);
        let out = judge_age(resource, "snapshot s", "StartTime", Some(later), now, 90);
        assert_eq!(out.status, Status::Pass);
        assert!(
            out.message.contains("after the reference time"),
            "{}",
            out.message
        );
        assert!(!out.message.contains(" -"), "{}", out.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    /// 2025-06-01T00:00:00Z, the tests' now, less `days` days.
    fn ago(days: i64, extra_seconds: i64) -> String {
        let t = now().as_second() - days * 86_400 - extra_seconds;
        Timestamp::from_second(t).unwrap().to_string()
    }

    #[test]
    fn ninety_days_complies_a_second_more_does_not() {
        let mut inv = inventory();
        inv.snapshots = vec![
            snapshot("snap-90", &ago(90, 0)),
            snapshot("snap-90s", &ago(90, 1)),
            snapshot("snap-91", &ago(91, 0)),
            snapshot("snap-new", &ago(3, 0)),
        ];
        inv.db_snapshots = vec![
            db_snapshot("rds-90", "manual", false, &ago(90, 0)),
            db_snapshot("rds-91", "manual", false, &ago(91, 0)),
            db_snapshot("aurora-91", "manual", true, &ago(91, 0)),
        ];
        let out = run::<SnapshotMaxAge>(&inv);
        let o = expect(&out, "snap-90", Status::Pass);
        assert!(o.message.contains("90 days old"), "{}", o.message);
        expect(&out, "snap-90s", Status::Fail);
        let o = expect(&out, "snap-91", Status::Fail);
        assert!(o.message.contains("91 days old"), "{}", o.message);
        assert!(
            o.message.contains("created 2025-03-02T00:00:00Z"),
            "{}",
            o.message
        );
        assert_eq!(o.evidence[0].field, "StartTime");
        assert_eq!(o.evidence[0].value, "2025-03-02T00:00:00Z");
        expect(&out, "snap-new", Status::Pass);
        expect(&out, "rds-90", Status::Pass);
        let o = expect(&out, "rds-91", Status::Fail);
        assert_eq!(o.evidence[0].field, "SnapshotCreateTime");
        let o = expect(&out, "aurora-91", Status::Fail);
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBClusterSnapshot");
        assert!(o.message.contains("manual DB cluster snapshot"));
    }

    #[test]
    fn automated_and_aws_backup_snapshots_are_not_judged() {
        let mut inv = inventory();
        let old = ago(400, 0);
        let mut tagged = snapshot("snap-backup-tag", &old);
        tagged.tags.insert(
            "aws:backup:source-resource".into(),
            "arn:aws:ec2:eu-north-1:111122223333:volume/vol-1".into(),
        );
        let mut described = snapshot("snap-backup-desc", &old);
        described.description = Some(
            "This snapshot is created by the AWS Backup service for the backup job ABC".into(),
        );
        let mut dlm = snapshot("snap-dlm", &old);
        dlm.tags
            .insert("aws:dlm:lifecycle-policy-id".into(), "policy-1".into());
        let mut lookalike = snapshot("snap-lookalike", &old);
        lookalike.tags.insert("backup".into(), "aws".into());
        let mut lower = snapshot("snap-backup-lower", &old);
        lower
            .tags
            .insert("AWS:Backup:source-resource".into(), "x".into());
        inv.snapshots = vec![tagged, described, dlm, lookalike, lower];
        inv.db_snapshots = vec![
            db_snapshot("rds-auto", "automated", false, &old),
            db_snapshot("rds-backup", "awsbackup", true, &old),
            db_snapshot("rds-shared", "shared", false, &old),
            db_snapshot("rds-public", "public", false, &old),
            db_snapshot("rds-odd", "hourly", false, &old),
        ];
        let out = run::<SnapshotMaxAge>(&inv);
        let names: Vec<&str> = out.iter().map(|o| o.resource.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["snap-backup-desc", "snap-dlm", "snap-lookalike", "rds-odd"]
        );
        let foreign = super::super::rds_snapshot_encrypted::FOREIGN;
        let skipped = skipped::<SnapshotMaxAge>(&inv);
        let skipped: Vec<(&str, &str)> = skipped.iter().map(|(n, w)| (n.as_str(), *w)).collect();
        assert_eq!(
            skipped,
            vec![
                ("snap-backup-tag", AWS_BACKUP),
                ("snap-backup-lower", AWS_BACKUP),
                ("rds-auto", AUTOMATED),
                ("rds-backup", AWS_BACKUP),
                ("rds-shared", foreign),
                ("rds-public", foreign),
            ],
            "what is not judged is counted, with its reason"
        );
        // A description is free text: it does not make a snapshot AWS Backup's.
        expect(&out, "snap-backup-desc", Status::Fail);
        expect(&out, "snap-dlm", Status::Fail);
        let o = expect(&out, "rds-odd", Status::Unknown);
        assert_eq!(o.evidence[0].value, "hourly");
    }

    #[test]
    fn missing_creation_time_is_unknown() {
        let mut inv = inventory();
        let mut ebs = snapshot("snap-x", &ago(1, 0));
        ebs.start_time = None;
        let mut rds = db_snapshot("rds-x", "manual", false, &ago(1, 0));
        rds.created_at = None;
        inv.snapshots = vec![ebs];
        inv.db_snapshots = vec![rds];
        let out = run::<SnapshotMaxAge>(&inv);
        expect(&out, "snap-x", Status::Unknown);
        let o = expect(&out, "rds-x", Status::Unknown);
        assert_eq!(o.evidence[0].value, "not reported");
    }

    #[test]
    fn age_is_measured_against_the_contexts_now() {
        // As `--now` does: the same inventory judged at another instant.
        let mut inv = inventory();
        inv.snapshots = vec![snapshot("snap", "2025-03-01T00:00:00Z")];
        let mut at = ctx();
        at.now = "2025-05-30T00:00:00Z".parse().unwrap();
        let out = run_with::<SnapshotMaxAge>(&at, &inv, &Params::default());
        expect(&out, "snap", Status::Pass);
        at.now = "2025-06-01T00:00:00Z".parse().unwrap();
        let out = run_with::<SnapshotMaxAge>(&at, &inv, &Params::default());
        let o = expect(&out, "snap", Status::Fail);
        assert!(o.message.contains("92 days old"), "{}", o.message);
        let p: Params = params("max_age_days = 100");
        let out = run_with::<SnapshotMaxAge>(&at, &inv, &p);
        expect(&out, "snap", Status::Pass);
        assert!(SnapshotMaxAge::compile(&Params { max_age_days: 0 }).is_err());
    }
}
