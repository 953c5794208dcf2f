//! `rds-cross-region-copy`: primary RDS databases have a copy in another
//! region (BAK-003).

use super::resource::{
    arn_region, clusterless_member_outcome, clusterless_members, coverage_note, db_cluster_ref,
    db_instance_ref, distinct, is_standalone_primary, join_and, read_completely,
};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome, ResourceRef, Status, Verdict};
use crate::inventory::{Dataset, DbCluster, Inventory};

pub struct RdsCrossRegionCopy;

/// One list of copies AWS reports for a database.
struct Copies<'a> {
    /// AWS's field name.
    field: &'static str,
    /// What one entry is, for messages (`automated backups replicated`).
    what: &'static str,
    entries: &'a [crate::inventory::Str],
    /// Whether a plain identifier (not an ARN) names a copy in the same
    /// region, as AWS does for same-region read replicas.
    plain_is_local: bool,
}

struct Found {
    /// Regions other than the database's, with what is there.
    remote: Vec<(String, &'static str)>,
    /// One copy in another region is enough; every entry is evidence.
    verdict: Verdict,
    /// Entries whose region could not be told.
    unclear: Vec<String>,
}

fn survey(home: &str, lists: &[Copies]) -> Found {
    let mut found = Found {
        remote: Vec::new(),
        verdict: Verdict::any(),
        unclear: Vec::new(),
    };
    for list in lists {
        let entries: Vec<&str> = list
            .entries
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
            .collect();
        if entries.is_empty() {
            found.verdict.fail(Evidence::new(
                list.field,
                "none",
                format!("no {} to another region", list.what),
            ));
            continue;
        }
        for entry in entries {
            let region = match arn_region(entry) {
                Some(r) => r,
                None if list.plain_is_local && !entry.starts_with("arn:") => home,
                None => {
                    found.unclear.push(entry.to_string());
                    found.verdict.unknown(Evidence::new(
                        list.field,
                        entry,
                        "not an ARN that names a region, so where this copy is cannot be told",
                    ));
                    continue;
                }
            };
            if region == home {
                found.verdict.fail(Evidence::new(
                    list.field,
                    entry,
                    format!("in {home}, the database's own region: lost with it"),
                ));
            } else {
                found.remote.push((region.to_string(), list.what));
                found.verdict.pass(Evidence::new(
                    list.field,
                    entry,
                    format!("{} in {region}", list.what),
                ));
            }
        }
    }
    found
}

/// The other clusters of the Aurora global databases `c` belongs to (its
/// secondaries if it is the primary, else the primary and the other
/// secondaries), with the field they come from. Global databases are
/// listed once per region read; each is counted once.
fn global_copies(
    inventory: &Inventory,
    c: &DbCluster,
) -> (&'static str, Vec<crate::inventory::Str>) {
    let mut seen: Vec<&str> = Vec::new();
    let mut copies: Vec<crate::inventory::Str> = Vec::new();
    let mut writer = false;
    for g in inventory
        .db_global_clusters
        .iter()
        .filter(|g| g.place.account == c.place.account)
    {
        if seen.contains(&g.arn.as_str()) || !g.members.iter().any(|m| m.cluster_arn == c.arn) {
            continue;
        }
        seen.push(&g.arn);
        for m in &g.members {
            if m.cluster_arn == c.arn {
                writer |= m.is_writer;
                copies.extend(m.readers.iter().filter(|r| **r != c.arn).cloned());
            } else {
                copies.push(m.cluster_arn.clone());
            }
        }
    }
    copies.sort();
    copies.dedup();
    let field = if writer {
        "GlobalClusterMembers.Readers"
    } else {
        "GlobalClusterMembers"
    };
    (field, copies)
}

fn judge(resource: ResourceRef, what: &str, id: &str, home: &str, lists: &[Copies]) -> Outcome {
    let found = survey(home, lists);
    let (remote, unclear) = (&found.remote, &found.unclear);
    found.verdict.outcome(resource, |status, _| match status {
        Status::Pass => format!(
            "{what} {id} has a copy in another region ({}: {})",
            join_and(&distinct(remote.iter().map(|(_, k)| *k))),
            join_and(&distinct(remote.iter().map(|(r, _)| r.as_str())))
        ),
        Status::Unknown => format!(
            "cannot tell whether {what} {id} has a copy outside {home}: the region of {} is not given",
            join_and(unclear)
        ),
        _ => format!("{what} {id} has no copy outside {home}: losing the region loses the database"),
    })
}

impl Check for RdsCrossRegionCopy {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "rds-cross-region-copy",
        summary: "Primary RDS databases have a copy in another region",
        what: "Each primary database must have a copy in a region other than its own:\n\n\
- **DB instances** that are neither cluster members nor read replicas comply with **cross-region automated \
backup replication** (`DBInstanceAutomatedBackupsReplications`) or a **cross-region read replica** \
(`ReadReplicaDBInstanceIdentifiers`);\n\
- **DB clusters** comply with a **cross-region read replica cluster** (`ReadReplicaIdentifiers`) or, for \
**Aurora global databases** (`DescribeGlobalClusters`), a cluster of the same global database in another \
region: the primary's secondaries are its copies, and a secondary's copy is its primary. Their member \
instances are not judged; a **member whose cluster is not in the inventory** (it could not be read, or \
vanished during the scan) is **unknown**, naming the cluster, never judged by nobody. A cluster without a copy whose region's global databases could not be read is \
**unknown**, not failed.\n\n\
The region is read from each ARN (`arn:aws:rds:REGION:...`). AWS lists same-region read replicas by bare \
identifier, and those count as the database's own region. A replica in the same region is lost with the \
region, so it **does not count**. The evidence lists every copy found, with its region. An entry whose region \
cannot be told makes the verdict **unknown** when nothing else settles it.\n\n\
Not seen by this check: snapshot copies made by AWS Backup copy jobs or scripts. A database protected only \
that way fails here. Exclude it in the rule with a reason.",
        why: "If a whole region is lost, the backups and replicas kept in it go with it. Only a copy in another region can be restored.",
        fix: "Replicate automated backups to another region (RDS instances), or create a cross-region replica:\n\n\
```sh\naws rds start-db-instance-automated-backups-replication --region us-east-1 \\\n  \
--source-db-instance-arn arn:aws:rds:eu-north-1:123456789012:db:mydb --backup-retention-period 7\n\
aws rds create-db-instance-read-replica --region us-east-1 --db-instance-identifier mydb-dr \\\n  \
--source-db-instance-identifier arn:aws:rds:eu-north-1:123456789012:db:mydb\n```\n\n\
For Aurora, add a secondary region to a global database (`aws rds create-global-cluster`, then \
`create-db-cluster --global-cluster-identifier` in the other region).",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbInstances, Dataset::DbClusters];
    const USES: &'static [Dataset] = &[Dataset::DbGlobalClusters];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
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
                &db.place.region,
                &[
                    Copies {
                        field: "DBInstanceAutomatedBackupsReplications",
                        what: "automated backups replicated",
                        entries: &db.automated_backup_replications,
                        plain_is_local: false,
                    },
                    Copies {
                        field: "ReadReplicaDBInstanceIdentifiers",
                        what: "read replica",
                        entries: &db.read_replica_ids,
                        plain_is_local: true,
                    },
                ],
            ));
        }
        for c in &inventory.db_clusters {
            let (global_field, global) = global_copies(inventory, c);
            let mut outcome = judge(
                db_cluster_ref(c),
                "DB cluster",
                &c.id,
                &c.place.region,
                &[
                    Copies {
                        field: "ReadReplicaIdentifiers",
                        what: "read replica cluster",
                        entries: &c.read_replica_ids,
                        plain_is_local: true,
                    },
                    Copies {
                        field: global_field,
                        what: "global database cluster",
                        entries: &global,
                        plain_is_local: false,
                    },
                ],
            );
            // "No copy" is not concluded from global databases not read.
            let dataset = Dataset::DbGlobalClusters;
            if outcome.status == Status::Fail
                && !read_completely(inventory, &c.place.account, &c.place.region, dataset)
            {
                let note = coverage_note(inventory, &c.place, dataset);
                outcome.status = Status::Unknown;
                outcome.message = format!(
                    "cannot tell whether DB cluster {} has a copy outside {}: it has no read replica cluster there, and its Aurora global databases are unknown{note}",
                    c.id, c.place.region
                );
                outcome.evidence.push(Evidence::new(
                    "GlobalClusters",
                    "unknown",
                    format!("a global database's secondary cluster would be a copy in another region{note}"),
                ));
            }
            outcomes.push(outcome);
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

    fn db(id: &str, backups: &[&str], replicas: &[&str]) -> DbInstance {
        DbInstance {
            automated_backup_replications: backups.iter().map(|s| (*s).into()).collect(),
            read_replica_ids: replicas.iter().map(|s| (*s).into()).collect(),
            ..db_instance(id)
        }
    }

    #[test]
    fn replicas_and_members_are_counted_as_not_judged() {
        let mut inv = inventory();
        inv.db_instances = vec![
            db("db-primary", &[], &["db-replica"]),
            DbInstance {
                read_replica_source: Some("db-primary".into()),
                ..db("db-replica", &[], &[])
            },
            DbInstance {
                cluster_id: Some("c-1".into()),
                ..db("c-1-a", &[], &[])
            },
            DbInstance {
                cluster_id: Some("c-gone".into()),
                ..db("c-gone-a", &[], &[])
            },
        ];
        inv.db_clusters = vec![db_cluster("c-1", &["c-1-a"])];
        let out = run::<RdsCrossRegionCopy>(&inv);
        let mut judged: Vec<&str> = out.iter().map(|o| o.resource.name.as_str()).collect();
        judged.sort();
        assert_eq!(judged, vec!["c-1", "c-gone-a", "db-primary"]);
        assert_eq!(
            skipped::<RdsCrossRegionCopy>(&inv),
            vec![
                (
                    "db-replica".to_string(),
                    crate::checks::resource::READ_REPLICA
                ),
                ("c-1-a".to_string(), crate::checks::resource::CLUSTER_MEMBER)
            ]
        );
    }

    #[test]
    fn same_region_replicas_do_not_count() {
        let mut inv = inventory();
        inv.db_instances = vec![
            db("db-none", &[], &[]),
            db(
                "db-local",
                &[],
                &[
                    "db-local-replica",
                    "arn:aws:rds:eu-north-1:111122223333:db:db-local-replica2",
                ],
            ),
            db(
                "db-remote",
                &[],
                &[
                    "db-remote-local",
                    "arn:aws:rds:eu-west-1:111122223333:db:db-remote-dr",
                ],
            ),
            db(
                "db-backups",
                &["arn:aws:rds:us-east-1:111122223333:auto-backup:ab-abc123"],
                &[],
            ),
            DbInstance {
                read_replica_source: Some("db-remote".into()),
                ..db("db-remote-local", &[], &[])
            },
        ];
        let out = run::<RdsCrossRegionCopy>(&inv);
        assert_eq!(out.len(), 4, "read replicas are copies, not primaries");
        let o = expect(&out, "db-none", Status::Fail);
        assert!(
            o.message.contains("no copy outside eu-north-1"),
            "{}",
            o.message
        );
        assert!(mentions(o, "DBInstanceAutomatedBackupsReplications"));
        let o = expect(&out, "db-local", Status::Fail);
        assert!(mentions(o, "db-local-replica"));
        assert!(mentions(o, "the database's own region"));
        let o = expect(&out, "db-remote", Status::Pass);
        assert!(
            o.message.contains("read replica: eu-west-1"),
            "{}",
            o.message
        );
        assert!(mentions(o, "read replica in eu-west-1"));
        let o = expect(&out, "db-backups", Status::Pass);
        assert!(o.message.contains("us-east-1"), "{}", o.message);
    }

    #[test]
    fn clusters_and_unclear_entries() {
        let mut inv = inventory();
        inv.db_clusters = vec![
            DbCluster {
                read_replica_ids: vec!["arn:aws:rds:us-west-2:111122223333:cluster:dr".into()],
                ..db_cluster("c-dr", &[])
            },
            DbCluster {
                read_replica_ids: vec!["arn:aws:rds:eu-north-1:111122223333:cluster:near".into()],
                ..db_cluster("c-near", &[])
            },
        ];
        inv.db_instances = vec![
            DbInstance {
                cluster_id: Some("c-dr".into()),
                ..db("c-dr-1", &[], &[])
            },
            db("db-odd", &["arn:aws:rds"], &[]),
        ];
        let out = run::<RdsCrossRegionCopy>(&inv);
        assert_eq!(out.len(), 3);
        let o = expect(&out, "c-dr", Status::Pass);
        assert!(o.message.contains("us-west-2"));
        expect(&out, "c-near", Status::Fail);
        let o = expect(&out, "db-odd", Status::Unknown);
        assert!(o.message.contains("arn:aws:rds"), "{}", o.message);
    }

    #[test]
    fn aurora_global_databases_are_copies() {
        use crate::inventory::{DbGlobalCluster, DbGlobalClusterMember};
        let mut inv = inventory();
        inv.db_clusters = vec![
            db_cluster("c-primary", &[]),
            db_cluster("c-alone", &[]),
            db_cluster("c-global-here", &[]),
        ];
        let arn = |region: &str, id: &str| format!("arn:aws:rds:{region}:{ACCOUNT}:cluster:{id}");
        let member = |cluster: String, writer: bool, readers: Vec<String>| DbGlobalClusterMember {
            cluster_arn: cluster.into(),
            is_writer: writer,
            readers: readers.into_iter().map(Into::into).collect(),
        };
        let global = |id: &str, members: Vec<DbGlobalClusterMember>| DbGlobalCluster {
            arn: format!("arn:aws:rds::{ACCOUNT}:global-cluster:{id}").into(),
            place: place(),
            id: id.into(),
            members,
            ..Default::default()
        };
        inv.db_global_clusters = vec![
            // A primary here with a secondary in us-east-1.
            global(
                "orders-global",
                vec![
                    member(
                        arn(REGION, "c-primary"),
                        true,
                        vec![arn("us-east-1", "c-secondary")],
                    ),
                    member(arn("us-east-1", "c-secondary"), false, vec![]),
                ],
            ),
            // A global database whose only other cluster is in this region.
            global(
                "local-global",
                vec![
                    member(
                        arn(REGION, "c-global-here"),
                        true,
                        vec![arn(REGION, "c-global-here-2")],
                    ),
                    member(arn(REGION, "c-global-here-2"), false, vec![]),
                ],
            ),
        ];
        let out = run::<RdsCrossRegionCopy>(&inv);
        let o = expect(&out, "c-primary", Status::Pass);
        assert!(
            o.message.contains("global database cluster: us-east-1"),
            "{}",
            o.message
        );
        assert!(mentions(o, "GlobalClusterMembers.Readers"));
        expect(&out, "c-alone", Status::Fail);
        expect(&out, "c-global-here", Status::Fail);
        // Global databases unread: no copy is unknown, a copy still passes.
        for c in &mut inv.coverage {
            if c.dataset == Dataset::DbGlobalClusters {
                c.error = Some(aws_error("AccessDenied"));
            }
        }
        inv.db_global_clusters.truncate(1);
        let out = run::<RdsCrossRegionCopy>(&inv);
        expect(&out, "c-primary", Status::Pass);
        let o = expect(&out, "c-alone", Status::Unknown);
        assert!(o.message.contains("AccessDenied"), "{}", o.message);
    }
}
