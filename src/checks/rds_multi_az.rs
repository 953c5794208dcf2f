//! `rds-multi-az`: RDS databases have a replica in another availability
//! zone (HA-001, RDS part).

use super::resource::{
    by_place_and_name, clusterless_member_outcome, clusterless_members, db_cluster_ref,
    db_instance_ref, is_standalone_primary, join_and, set,
};
use super::zones::MinAzs;
use super::{Check, CheckDoc, Context, ParamError};
use crate::analysis::zones::Spread;
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, DbCluster, DbInstance, Inventory};

pub struct RdsMultiAz;

/// Parameters: `min_azs` (default 2), the fewest distinct availability
/// zones a database must run in.
pub type Params = MinAzs;

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "min_azs",
    kind: "a whole number of availability zones, at least 1",
    description: "The fewest distinct availability zones a DB instance or cluster must run in.",
}];

fn zones(n: usize) -> &'static str {
    if n == 1 {
        "availability zone"
    } else {
        "availability zones"
    }
}

fn judge_instance(db: &DbInstance, min: usize) -> Outcome {
    let resource = db_instance_ref(db);
    let primary = set(&db.availability_zone).unwrap_or("unknown zone");
    if db.multi_az {
        let mut azs = vec![primary.to_string()];
        azs.extend(set(&db.secondary_availability_zone).map(str::to_string));
        // A Multi-AZ instance deployment has one standby: two zones, even
        // when the standby's zone is not reported.
        let count = 2;
        let listed = if azs.len() == 2 {
            join_and(&azs)
        } else {
            format!("{primary} and a standby")
        };
        if count >= min {
            return Outcome::pass(
                resource,
                format!("DB instance {} is Multi-AZ ({listed})", db.id),
            );
        }
        return Outcome::fail(
            resource,
            format!(
                "DB instance {} is Multi-AZ but spans only {count} {} ({listed}); at least {min} required",
                db.id,
                zones(count)
            ),
            vec![Evidence::new(
                "MultiAZ",
                "true",
                format!(
                    "a Multi-AZ instance spans {count} availability zones ({listed}), fewer than {min}"
                ),
            )],
        );
    }
    if min <= 1 {
        return Outcome::pass(resource, format!("DB instance {} runs in {primary}", db.id));
    }
    Outcome::fail(
        resource,
        format!(
            "DB instance {} is single-AZ (in {primary}) with no standby in another zone",
            db.id
        ),
        vec![
            Evidence::new(
                "MultiAZ",
                "false",
                "no synchronous standby in another availability zone",
            ),
            Evidence::new(
                "AvailabilityZone",
                primary,
                format!("the database runs only in {primary}; losing that zone stops it"),
            ),
        ],
    )
}

/// DB instances by (account, region, id).
type Instances<'a> = std::collections::HashMap<(&'a str, &'a str, &'a str), &'a DbInstance>;

fn judge_cluster(cluster: &DbCluster, instances: &Instances<'_>, min: usize) -> Outcome {
    let resource = db_cluster_ref(cluster);
    if cluster.multi_az && min <= 2 {
        return Outcome::pass(resource, format!("DB cluster {} is Multi-AZ", cluster.id));
    }
    let mut described = Vec::new();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for m in &cluster.members {
        let role = if m.is_writer { "writer" } else { "reader" };
        let member = instances.get(&(
            cluster.place.account.as_str(),
            cluster.place.region.as_str(),
            m.instance_id.as_str(),
        ));
        match member.and_then(|d| set(&d.availability_zone)) {
            Some(az) => {
                described.push(format!("{} ({role}, {az})", m.instance_id));
                found.push(az);
            }
            None => {
                described.push(format!("{} ({role}, zone unknown)", m.instance_id));
                missing.push(m.instance_id.clone());
            }
        }
    }
    let azs = Spread::of(found).into_zones();
    let count = azs.len();
    let az_text = if azs.is_empty() {
        "none".to_string()
    } else {
        join_and(&azs)
    };
    let members_text = if described.is_empty() {
        "none".to_string()
    } else {
        described.join(", ")
    };
    if count >= min {
        return Outcome::pass(
            resource,
            format!(
                "DB cluster {} has members in {count} {} ({az_text})",
                cluster.id,
                zones(count)
            ),
        );
    }
    let mut evidence = vec![
        Evidence::new(
            "MultiAZ",
            cluster.multi_az.to_string(),
            if cluster.multi_az {
                "the cluster reports itself Multi-AZ; its members were counted".to_string()
            } else {
                "the cluster does not report itself Multi-AZ; its members were counted".to_string()
            },
        ),
        Evidence::new(
            "DBClusterMembers",
            members_text,
            format!(
                "{count} distinct {}: {az_text}; at least {min} required",
                zones(count)
            ),
        ),
    ];
    if !missing.is_empty() {
        evidence.push(Evidence::new(
            "DBClusterMembers",
            missing.join(", "),
            "these members are not in the inventory (or have no availability zone), so their zones are unknown",
        ));
        return Outcome::unknown(
            resource,
            format!(
                "cannot tell whether DB cluster {} spans {min} availability zones: member {} not in the inventory; found {count} ({az_text})",
                cluster.id,
                missing.join(", ")
            ),
            evidence,
        );
    }
    let message = if cluster.members.is_empty() {
        format!(
            "DB cluster {} has no member instances, so no replica in another availability zone",
            cluster.id
        )
    } else {
        format!(
            "DB cluster {} has members in only {count} {} ({az_text}); at least {min} required",
            cluster.id,
            zones(count)
        )
    };
    Outcome::fail(resource, message, evidence)
}

impl Check for RdsMultiAz {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "rds-multi-az",
        summary: "RDS instances are Multi-AZ and DB clusters have members in at least {{ min_azs }} availability zones",
        what: "Judges each database once:\n\n\
- **Standalone DB instances** (not members of a cluster; read replicas are skipped, since they are the copy, \
not the primary): Multi-AZ passes (a primary and a standby, two zones); a single-AZ instance fails with its zone.\n\
- **DB clusters** (Aurora, Multi-AZ DB clusters, and engines such as Neptune and DocumentDB that RDS lists as \
clusters): a cluster that reports `MultiAZ` passes; otherwise the distinct availability zones of its member \
instances (looked up by id in the same account and region) are counted, and at least {{ min_azs }} (`min_azs`) are \
required. A cluster with all members in one zone, or without members, fails, listing the zones found. A member \
missing from the inventory makes the verdict **unknown**, unless the members found already span enough zones.\n\
- Cluster members are judged through their cluster, never as standalone instances. A member whose cluster is \
not in the inventory (not read, or gone during the scan) is **unknown**, naming the cluster, rather than judged \
by nobody.\n\
- **Read replicas** are not judged: a replica is the copy, not the primary; its primary is judged.\n\n\
{% if min_azs > 2 %}This rule requires {{ min_azs }} zones, so a Multi-AZ instance (two zones) fails and clusters are always judged by their members.{% else %}With `min_azs` above 2, a Multi-AZ instance (two zones) would fail and clusters would always be judged by their members.{% endif %}",
        why: "A database survives the loss of an availability zone only with a replica running in another one. A \
single-AZ database, or an Aurora cluster whose writer and readers all sit in one zone, goes down with that \
zone, and recovery from backups loses time and data.",
        fix: "Instances: convert to Multi-AZ (a standby is created without downtime):\n\n\
```sh\naws rds modify-db-instance --db-instance-identifier mydb --multi-az --apply-immediately\n```\n\n\
Aurora: add a reader in another zone (it becomes the failover target):\n\n\
```sh\naws rds create-db-instance --db-cluster-identifier mycluster --db-instance-identifier mycluster-b \\\n  \
--engine aurora-postgresql --db-instance-class db.r6g.large --availability-zone eu-north-1b\n```\n\n\
In the console: RDS → Databases → the cluster → Actions → Add reader.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbInstances, Dataset::DbClusters];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        params.compile()
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let min = params.min_azs as usize;
        let mut outcomes = Vec::new();
        for db in &inventory.db_instances {
            if !is_standalone_primary(db) {
                continue;
            }
            outcomes.push(judge_instance(db, min));
        }
        let instances = by_place_and_name(&inventory.db_instances, |d| (&d.place, &d.id));
        for cluster in &inventory.db_clusters {
            outcomes.push(judge_cluster(cluster, &instances, min));
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

    fn member(id: &str, cluster: &str, az: &str) -> DbInstance {
        DbInstance {
            cluster_id: Some(cluster.into()),
            engine: Some("aurora-postgresql".into()),
            availability_zone: Some(az.into()),
            ..db_instance(id)
        }
    }

    #[test]
    fn standalone_instances() {
        let mut inv = inventory();
        let mut multi = db_instance("db-multi");
        multi.multi_az = true;
        multi.secondary_availability_zone = Some("eu-north-1b".into());
        let mut replica = db_instance("db-replica");
        replica.read_replica_source = Some("db-single".into());
        inv.db_instances = vec![multi, db_instance("db-single"), replica];
        let out = run::<RdsMultiAz>(&inv);
        assert_eq!(out.len(), 2, "read replicas are skipped");
        assert_eq!(
            skipped::<RdsMultiAz>(&inv),
            vec![(
                "db-replica".to_string(),
                crate::checks::resource::READ_REPLICA
            )],
            "and counted as not judged"
        );
        let o = expect(&out, "db-multi", Status::Pass);
        assert!(
            o.message.contains("eu-north-1a and eu-north-1b"),
            "{}",
            o.message
        );
        let o = expect(&out, "db-single", Status::Fail);
        assert!(o.message.contains("eu-north-1a"));
        assert!(mentions(o, "MultiAZ"));
    }

    #[test]
    fn aurora_members_are_counted() {
        let mut inv = inventory();
        inv.db_instances = vec![
            member("orphan-a", "c-not-read", "eu-north-1a"),
            member("one-a", "c-one-az", "eu-north-1a"),
            member("one-b", "c-one-az", "eu-north-1a"),
            member("two-a", "c-two-az", "eu-north-1a"),
            member("two-b", "c-two-az", "eu-north-1b"),
            member("gap-a", "c-gap", "eu-north-1a"),
        ];
        let mut multi = db_cluster("c-multi", &[]);
        multi.multi_az = true;
        inv.db_clusters = vec![
            db_cluster("c-one-az", &["one-a", "one-b"]),
            db_cluster("c-two-az", &["two-a", "two-b"]),
            db_cluster("c-gap", &["gap-a", "gap-b"]),
            db_cluster("c-empty", &[]),
            multi,
        ];
        let out = run::<RdsMultiAz>(&inv);
        assert_eq!(
            out.len(),
            6,
            "members are judged only through their cluster: {out:#?}"
        );
        let o = expect(&out, "orphan-a", Status::Unknown);
        assert!(o.message.contains("c-not-read"), "{}", o.message);
        let o = expect(&out, "c-one-az", Status::Fail);
        assert!(
            o.message.contains("only 1 availability zone (eu-north-1a)"),
            "{}",
            o.message
        );
        assert!(mentions(o, "one-a (writer, eu-north-1a)"));
        let o = expect(&out, "c-two-az", Status::Pass);
        assert!(
            o.message
                .contains("2 availability zones (eu-north-1a and eu-north-1b)"),
            "{}",
            o.message
        );
        let o = expect(&out, "c-gap", Status::Unknown);
        assert!(o.message.contains("gap-b"), "{}", o.message);
        let o = expect(&out, "c-empty", Status::Fail);
        assert!(o.message.contains("no member instances"));
        expect(&out, "c-multi", Status::Pass);
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBCluster");
    }

    #[test]
    fn min_azs_is_honoured() {
        let mut inv = inventory();
        let mut multi = db_instance("db-multi");
        multi.multi_az = true;
        inv.db_instances = vec![
            multi,
            member("a", "c", "eu-north-1a"),
            member("b", "c", "eu-north-1b"),
            member("x", "c", "eu-north-1c"),
        ];
        inv.db_clusters = vec![db_cluster("c", &["a", "b", "x"])];
        let p: Params = params("min_azs = 3");
        let out = run_with::<RdsMultiAz>(&ctx(), &inv, &p);
        expect(&out, "db-multi", Status::Fail);
        expect(&out, "c", Status::Pass);
        assert!(RdsMultiAz::compile(&Params { min_azs: 0 }).is_err());
    }
}
