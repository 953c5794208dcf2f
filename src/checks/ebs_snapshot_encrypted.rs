//! `ebs-snapshot-encrypted`: EBS snapshots are encrypted (ENC-003).

use super::resource::snapshot_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct EbsSnapshotEncrypted;

impl Check for EbsSnapshotEncrypted {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "ebs-snapshot-encrypted",
        summary: "EBS snapshots owned by the account are encrypted",
        what: "Every EBS snapshot the account owns must be encrypted (`Encrypted` is true). EBS encrypts \
snapshots with AES-256 under a KMS key, so the flag is the whole question. All snapshots are judged, \
whoever made them: by hand, by Data Lifecycle Manager, by AWS Backup, or as the storage of an AMI. A \
snapshot's encryption is fixed when it is made, so a snapshot of an unencrypted volume stays unencrypted \
until it is copied with encryption.",
        why: "A snapshot is a full copy of a \
volume's data. Anyone who can read it or copy it, or who gets it through a mistaken share, can restore the \
data.",
        fix: "Copy the snapshot with encryption, then delete the unencrypted one:\n\n\
```sh\naws ec2 copy-snapshot --source-region eu-north-1 --source-snapshot-id snap-0123 --encrypted \\\n  \
--description \"encrypted copy of snap-0123\"\naws ec2 delete-snapshot --snapshot-id snap-0123\n```\n\n\
To keep new snapshots encrypted, encrypt the source volumes and turn on EBS encryption by default \
(`aws ec2 enable-ebs-encryption-by-default`).",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Snapshots];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        inventory
            .snapshots
            .iter()
            .map(|s| {
                let resource = snapshot_ref(s);
                if s.encrypted {
                    Outcome::pass(resource, format!("EBS snapshot {} is encrypted", s.id))
                } else {
                    let of = s
                        .volume_id
                        .as_deref()
                        .map(|v| format!(" (of volume {v})"))
                        .unwrap_or_default();
                    Outcome::fail(
                        resource,
                        format!("EBS snapshot {}{of} is not encrypted", s.id),
                        vec![Evidence::new(
                            "Encrypted",
                            "false",
                            "the snapshot holds a plain-text copy of the volume's data",
                        )],
                    )
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn encrypted_passes_plain_fails() {
        let mut inv = inventory();
        let mut plain = snapshot("snap-plain", "2025-05-01T00:00:00Z");
        plain.encrypted = false;
        let mut backup = snapshot("snap-backup", "2025-05-01T00:00:00Z");
        backup.encrypted = false;
        backup
            .tags
            .insert("aws:backup:source-resource".into(), "vol-1".into());
        inv.snapshots = vec![snapshot("snap-enc", "2025-05-01T00:00:00Z"), plain, backup];
        let out = run::<EbsSnapshotEncrypted>(&inv);
        assert_eq!(out.len(), 3);
        expect(&out, "snap-enc", Status::Pass);
        let o = expect(&out, "snap-plain", Status::Fail);
        assert!(o.message.contains("vol-1"), "{}", o.message);
        assert_eq!(o.evidence[0].field, "Encrypted");
        assert_eq!(o.resource.resource_type, "AWS::EC2::Snapshot");
        // AWS Backup's snapshots are backups too.
        expect(&out, "snap-backup", Status::Fail);
    }
}
