//! `rds-automated-backups`: primary RDS databases keep automated backups
//! (BAK-001).

use serde::{Deserialize, Serialize};

use super::resource::{
    clusterless_member_outcome, clusterless_members, count, db_cluster_ref, db_instance_ref,
    is_standalone_primary,
};
use super::{Check, CheckDoc, Context, ParamError};
use crate::findings::{Evidence, Outcome, ResourceRef};
use crate::inventory::{Dataset, Inventory};

pub struct RdsAutomatedBackups;

/// RDS keeps automated backups at most this many days.
const RDS_MAX_RETENTION: u32 = 35;

/// Parameters of `rds-automated-backups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The fewest days automated backups must be kept (RDS allows 1-35).
    pub min_retention_days: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_retention_days: 1,
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "min_retention_days",
    kind: "a whole number of days from 1 to 35 (what RDS allows)",
    description: "The fewest days a DB instance or cluster must keep its automated backups.",
}];

fn judge(resource: ResourceRef, what: &str, id: &str, retention: Option<i32>, min: u32) -> Outcome {
    let min = i64::from(min);
    match retention {
        None => Outcome::unknown(
            resource,
            format!(
                "cannot tell whether {what} {id} keeps automated backups: AWS did not report its retention"
            ),
            vec![Evidence::new(
                "BackupRetentionPeriod",
                "not reported",
                "the backup retention period was missing from AWS's description",
            )],
        ),
        Some(days) if days <= 0 => Outcome::fail(
            resource,
            format!("{what} {id} has automated backups turned off"),
            vec![Evidence::new(
                "BackupRetentionPeriod",
                days.to_string(),
                "a retention of 0 days turns automated backups off: no daily snapshot is taken",
            )],
        ),
        Some(days) if i64::from(days) < min => Outcome::fail(
            resource,
            format!(
                "{what} {id} keeps automated backups {} (at least {} required)",
                count(i64::from(days), "day", "days"),
                count(min, "day", "days")
            ),
            vec![Evidence::new(
                "BackupRetentionPeriod",
                days.to_string(),
                format!("fewer than the required {min}"),
            )],
        ),
        Some(days) => Outcome::pass(
            resource,
            format!(
                "{what} {id} keeps automated backups {}",
                count(i64::from(days), "day", "days")
            ),
        ),
    }
}

impl Check for RdsAutomatedBackups {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "rds-automated-backups",
        summary: "Primary RDS databases keep automated backups (retention at least {{ min_retention_days | days }})",
        what: "Each primary database must have automated backups on, kept at least {{ min_retention_days | days }} \
(`min_retention_days`; RDS allows 1-35) by `BackupRetentionPeriod`. Automated backups are a daily snapshot plus transaction logs, \
so a database with them on has a full backup at least every 24 hours.\n\n\
- **DB clusters** (Aurora and Multi-AZ DB clusters) are judged on the cluster's retention. Their **member \
instances are not judged**, because the cluster owns the backups.\n\
- **DB instances** that are neither cluster members nor **read replicas** are judged. A read replica is not \
judged: it is a copy of a primary whose own backups (judged here) hold the same data.\n\
- A **member whose cluster is not in the inventory** (the cluster could not be read, or vanished during the \
scan) is **unknown**, naming the cluster: it is never silently judged by nobody.\n\n\
A retention of 0 means automated backups are off, which **fails**. A retention below the minimum **fails**. A \
database whose retention AWS did not report is **unknown**.",
        why: "Automated backups give a primary database a full backup every 24 hours: RDS takes that daily \
snapshot only when automated backups are on. Without them, the only backups are the manual snapshots someone \
remembered to take.",
        fix: "Turn automated backups on by setting a retention period (this may cause a brief outage on some \
engines if changed from 0):\n\n\
```sh\naws rds modify-db-instance --db-instance-identifier mydb --backup-retention-period {{ [min_retention_days, 7] | max }} --apply-immediately\n\
aws rds modify-db-cluster --db-cluster-identifier mycluster --backup-retention-period {{ [min_retention_days, 7] | max }} --apply-immediately\n```\n\n\
In the console: RDS → Databases → the database → Modify → Backup → Backup retention period.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbInstances, Dataset::DbClusters];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        if !(1..=RDS_MAX_RETENTION).contains(&params.min_retention_days) {
            return Err(ParamError::new(
                "min_retention_days",
                format!(
                    "must be a number of days from 1 to {RDS_MAX_RETENTION} (RDS keeps automated backups at most {RDS_MAX_RETENTION} days)"
                ),
            ));
        }
        Ok(params.clone())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let min = params.min_retention_days;
        let mut outcomes = Vec::new();
        for db in inventory
            .db_instances
            .iter()
            .filter(|d| is_standalone_primary(d))
        {
            outcomes.push(judge(
                db_instance_ref(db),
                "DB instance",
                &db.id,
                db.backup_retention_days,
                min,
            ));
        }
        for c in &inventory.db_clusters {
            outcomes.push(judge(
                db_cluster_ref(c),
                "DB cluster",
                &c.id,
                c.backup_retention_days,
                min,
            ));
        }
        for (db, cluster) in clusterless_members(inventory) {
            outcomes.push(clusterless_member_outcome(inventory, db, cluster));
        }
        outcomes
    }

    fn not_judged(
        _ctx: &Context,
        inventory: &Inventory,
        _params: &Self::Compiled,
        skip: super::NotJudged<'_>,
    ) {
        super::resource::db_instances_not_judged(inventory, true, skip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{DbCluster, DbInstance};

    fn with(id: &str, days: Option<i32>) -> DbInstance {
        DbInstance {
            backup_retention_days: days,
            ..db_instance(id)
        }
    }

    #[test]
    fn retention_decides() {
        let mut inv = inventory();
        inv.db_instances = vec![
            with("db-7", Some(7)),
            with("db-1", Some(1)),
            with("db-off", Some(0)),
            with("db-unsaid", None),
            DbInstance {
                read_replica_source: Some("db-7".into()),
                ..with("db-replica", Some(0))
            },
            DbInstance {
                cluster_id: Some("c-off".into()),
                ..with("c-off-1", Some(0))
            },
        ];
        inv.db_clusters = vec![
            db_cluster("c-7", &[]),
            DbCluster {
                backup_retention_days: Some(0),
                ..db_cluster("c-off", &["c-off-1"])
            },
        ];
        inv.db_instances.push(DbInstance {
            cluster_id: Some("c-gone".into()),
            ..with("c-gone-1", Some(7))
        });
        let out = run::<RdsAutomatedBackups>(&inv);
        assert_eq!(
            out.len(),
            7,
            "replicas and members are not judged: {out:#?}"
        );
        assert_eq!(
            skipped::<RdsAutomatedBackups>(&inv),
            vec![
                (
                    "db-replica".to_string(),
                    crate::checks::resource::READ_REPLICA
                ),
                (
                    "c-off-1".to_string(),
                    crate::checks::resource::CLUSTER_MEMBER
                )
            ],
            "and counted as not judged; a member of a missing cluster is judged"
        );
        let o = expect(&out, "c-gone-1", Status::Unknown);
        assert!(
            o.message.contains("member of DB cluster c-gone"),
            "{}",
            o.message
        );
        expect(&out, "db-7", Status::Pass);
        let o = expect(&out, "db-1", Status::Pass);
        assert!(o.message.contains("1 day"), "{}", o.message);
        let o = expect(&out, "db-off", Status::Fail);
        assert!(o.message.contains("turned off"));
        assert_eq!(o.evidence[0].value, "0");
        let o = expect(&out, "db-unsaid", Status::Unknown);
        assert_eq!(o.evidence[0].field, "BackupRetentionPeriod");
        expect(&out, "c-7", Status::Pass);
        expect(&out, "c-off", Status::Fail);
    }

    #[test]
    fn minimum_is_a_parameter() {
        let mut inv = inventory();
        inv.db_instances = vec![with("db-3", Some(3)), with("db-7", Some(7))];
        let p: Params = params("min_retention_days = 7");
        let out = run_with::<RdsAutomatedBackups>(&ctx(), &inv, &p);
        let o = expect(&out, "db-3", Status::Fail);
        assert!(
            o.message.contains("3 days (at least 7 days required)"),
            "{}",
            o.message
        );
        expect(&out, "db-7", Status::Pass);
        for bad in [0, 36] {
            let err = RdsAutomatedBackups::compile(&Params {
                min_retention_days: bad,
            })
            .unwrap_err();
            assert_eq!(err.param, "min_retention_days", "{err}");
        }
    }
}
