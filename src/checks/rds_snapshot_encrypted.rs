//! `rds-snapshot-encrypted`: RDS DB snapshots and DB cluster snapshots are
//! encrypted (ENC-003).

use super::resource::db_snapshot_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, DbSnapshot, Inventory};

pub struct RdsSnapshotEncrypted;

/// Whether a snapshot belongs to another account and is only visible to
/// this one (`shared` with it, or `public`). It is judged where it is owned.
/// Why a shared or public snapshot is not judged.
pub const FOREIGN: &str = "shared or public snapshot of another account, judged where it is owned";

pub fn is_foreign(s: &DbSnapshot) -> bool {
    let kind = s.snapshot_type.trim();
    kind.eq_ignore_ascii_case("shared") || kind.eq_ignore_ascii_case("public")
}

fn kind(s: &DbSnapshot) -> &'static str {
    if s.cluster {
        "DB cluster snapshot"
    } else {
        "DB snapshot"
    }
}

impl Check for RdsSnapshotEncrypted {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "rds-snapshot-encrypted",
        summary: "RDS DB snapshots and DB cluster snapshots are encrypted",
        what: "Every RDS DB snapshot and DB cluster snapshot (Aurora, Multi-AZ DB clusters, Neptune, DocumentDB) \
of the account must be encrypted (`Encrypted` is true). RDS encrypts with AES-256 under a KMS key, so the flag \
is the whole question. Snapshots of every origin are judged: `manual`, `automated` and `awsbackup` (made by AWS \
Backup). Snapshots of `shared` and `public` type belong to other accounts and are only visible to this one, so \
they are not judged here. They are judged in the account that owns them, if that account is scanned.",
        why: "A DB snapshot is a full copy of the \
database. Anyone who can restore it or copy it, or who gets it through a mistaken share, can read every row.",
        fix: "A snapshot of an unencrypted database is unencrypted. Make an encrypted copy and delete the \
original:\n\n\
```sh\naws rds copy-db-snapshot --source-db-snapshot-identifier mydb-snap \\\n  \
--target-db-snapshot-identifier mydb-snap-encrypted --kms-key-id alias/aws/rds\n\
aws rds delete-db-snapshot --db-snapshot-identifier mydb-snap\n```\n\n\
(`copy-db-cluster-snapshot` and `delete-db-cluster-snapshot` for cluster snapshots.) To make new snapshots \
encrypted, encrypt the database itself (see `rds-storage-encrypted`).",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbSnapshots, Dataset::DbClusterSnapshots];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        inventory
            .db_snapshots
            .iter()
            .filter(|s| !is_foreign(s))
            .map(|s| {
                let resource = db_snapshot_ref(s);
                if s.encrypted {
                    Outcome::pass(resource, format!("{} {} is encrypted", kind(s), s.id))
                } else {
                    let of = s
                        .source_id
                        .as_deref()
                        .map(|v| format!(" (of {v})"))
                        .unwrap_or_default();
                    Outcome::fail(
                        resource,
                        format!(
                            "{} {} {}{of} is not encrypted",
                            s.snapshot_type.trim(),
                            kind(s),
                            s.id
                        ),
                        vec![Evidence::new(
                            "Encrypted",
                            "false",
                            "the snapshot holds a plain-text copy of the database",
                        )],
                    )
                }
            })
            .collect()
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, _params: &(), skip: super::NotJudged<'_>) {
        for s in inventory.db_snapshots.iter().filter(|s| is_foreign(s)) {
            skip(&db_snapshot_ref(s), FOREIGN);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn instance_and_cluster_snapshots_of_every_origin() {
        let mut inv = inventory();
        let t = "2025-05-01T00:00:00Z";
        let plain = |id: &str, kind: &str, cluster: bool| DbSnapshot {
            encrypted: false,
            ..db_snapshot(id, kind, cluster, t)
        };
        inv.db_snapshots = vec![
            db_snapshot("enc-manual", "manual", false, t),
            plain("plain-manual", "manual", false),
            plain("plain-auto", "automated", false),
            plain("plain-backup", "awsbackup", true),
            db_snapshot("enc-cluster", "manual", true, t),
            plain("plain-shared", "shared", false),
            plain("plain-public", "public", true),
        ];
        let out = run::<RdsSnapshotEncrypted>(&inv);
        assert_eq!(out.len(), 5, "shared and public are not judged: {out:#?}");
        assert_eq!(
            skipped::<RdsSnapshotEncrypted>(&inv),
            vec![
                ("plain-shared".to_string(), FOREIGN),
                ("plain-public".to_string(), FOREIGN)
            ],
            "and counted as not judged"
        );
        expect(&out, "enc-manual", Status::Pass);
        let o = expect(&out, "enc-cluster", Status::Pass);
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBClusterSnapshot");
        let o = expect(&out, "plain-manual", Status::Fail);
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBSnapshot");
        assert!(o.message.contains("of db-1"), "{}", o.message);
        expect(&out, "plain-auto", Status::Fail);
        let o = expect(&out, "plain-backup", Status::Fail);
        assert!(o.message.contains("awsbackup DB cluster snapshot"));
    }
}
