//! `rds-storage-encrypted`: RDS DB instances and DB clusters encrypt their
//! storage, and so their automated backups and snapshots (ENC-003).

use super::resource::{
    clusterless_member_outcome, clusterless_members, db_cluster_ref, db_instance_ref, set,
};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct RdsStorageEncrypted;

const NOTE: &str =
    "storage, automated backups and snapshots of this database are not encrypted at rest";

impl Check for RdsStorageEncrypted {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "rds-storage-encrypted",
        summary: "RDS DB instances and DB clusters have encrypted storage, so their backups are encrypted",
        what: "Judges each database once, on `StorageEncrypted`:\n\n\
- **DB clusters** (Aurora, Multi-AZ DB clusters, Neptune, DocumentDB): the cluster's flag. Encryption is a \
property of the cluster's shared storage, so the **member instances are not judged** separately. Their \
flag only repeats the cluster's. A **member whose cluster is not in the inventory** (it could not be \
read, or vanished during the scan) is **unknown**, naming the cluster, never judged by nobody.\n\
- **DB instances that are not cluster members**, including read replicas, which hold a full copy of the \
data.\n\n\
RDS encrypts with AES-256. The automated backups and snapshots of an encrypted database are encrypted, and \
those of an unencrypted one are not.",
        why: "Automated backups and snapshots inherit \
the database's encryption, so an unencrypted database makes unencrypted backups every day.",
        fix: "Encryption cannot be turned on for an existing database. Snapshot it, copy the snapshot with a KMS \
key, restore from the encrypted copy, and switch the application over:\n\n\
```sh\naws rds create-db-snapshot --db-instance-identifier mydb --db-snapshot-identifier mydb-pre-enc\n\
aws rds copy-db-snapshot --source-db-snapshot-identifier mydb-pre-enc \\\n  \
--target-db-snapshot-identifier mydb-enc --kms-key-id alias/aws/rds\n\
aws rds restore-db-instance-from-db-snapshot --db-instance-identifier mydb-new --db-snapshot-identifier mydb-enc\n```\n\n\
For clusters, use `create-db-cluster-snapshot`, `copy-db-cluster-snapshot` and \
`restore-db-cluster-from-snapshot`. Create new databases with `--storage-encrypted`.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbInstances, Dataset::DbClusters];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for db in &inventory.db_instances {
            if set(&db.cluster_id).is_some() {
                continue;
            }
            let resource = db_instance_ref(db);
            outcomes.push(if db.storage_encrypted {
                Outcome::pass(resource, format!("DB instance {} is encrypted", db.id))
            } else {
                Outcome::fail(
                    resource,
                    format!("DB instance {} is not encrypted", db.id),
                    vec![Evidence::new("StorageEncrypted", "false", NOTE)],
                )
            });
        }
        for c in &inventory.db_clusters {
            let resource = db_cluster_ref(c);
            outcomes.push(if c.storage_encrypted {
                Outcome::pass(resource, format!("DB cluster {} is encrypted", c.id))
            } else {
                Outcome::fail(
                    resource,
                    format!("DB cluster {} is not encrypted", c.id),
                    vec![Evidence::new("StorageEncrypted", "false", NOTE)],
                )
            });
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
        super::resource::db_instances_not_judged(inventory, false, skip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{DbCluster, DbInstance};

    #[test]
    fn each_database_is_judged_once() {
        let mut inv = inventory();
        let member = |id: &str, cluster: &str, encrypted: bool| DbInstance {
            cluster_id: Some(cluster.into()),
            storage_encrypted: encrypted,
            ..db_instance(id)
        };
        let replica = DbInstance {
            read_replica_source: Some("db-enc".into()),
            storage_encrypted: false,
            ..db_instance("db-replica")
        };
        inv.db_instances = vec![
            db_instance("db-enc"),
            DbInstance {
                storage_encrypted: false,
                ..db_instance("db-plain")
            },
            replica,
            member("c-plain-1", "c-plain", false),
            member("c-enc-1", "c-enc", true),
        ];
        inv.db_clusters = vec![
            db_cluster("c-enc", &["c-enc-1"]),
            DbCluster {
                storage_encrypted: false,
                ..db_cluster("c-plain", &["c-plain-1"])
            },
        ];
        let out = run::<RdsStorageEncrypted>(&inv);
        assert_eq!(out.len(), 5, "members are judged through their cluster");
        let member = crate::checks::resource::CLUSTER_MEMBER;
        assert_eq!(
            skipped::<RdsStorageEncrypted>(&inv),
            vec![
                ("c-plain-1".to_string(), member),
                ("c-enc-1".to_string(), member)
            ],
            "members are counted as not judged; replicas are judged"
        );
        expect(&out, "db-enc", Status::Pass);
        expect(&out, "db-plain", Status::Fail);
        expect(&out, "db-replica", Status::Fail);
        expect(&out, "c-enc", Status::Pass);
        let o = expect(&out, "c-plain", Status::Fail);
        assert_eq!(o.evidence[0].field, "StorageEncrypted");
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBCluster");
    }
}
