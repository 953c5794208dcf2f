//! `ebs-volume-encrypted`: EBS volumes are encrypted (ENC-001).

use super::resource::volume_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct EbsVolumeEncrypted;

impl Check for EbsVolumeEncrypted {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "ebs-volume-encrypted",
        summary: "EBS volumes are encrypted",
        what: "Every EBS volume, attached or not, must be encrypted (EBS encryption is AES-256, with an AWS-managed \
or customer-managed KMS key). Evidence names the instances an unencrypted volume is attached to.",
        why: "An unencrypted volume, and every \
snapshot taken of it, holds data in clear text at rest.",
        fix: "A volume cannot be encrypted in place. Snapshot it, copy the snapshot with encryption, create a volume \
from the copy and swap it in:\n\n\
```sh\naws ec2 create-snapshot --volume-id vol-0123\n\
aws ec2 copy-snapshot --source-snapshot-id snap-0123 --source-region eu-north-1 --encrypted\n\
aws ec2 create-volume --snapshot-id snap-0456 --availability-zone eu-north-1a\n```\n\n\
Turn on EBS encryption by default (`aws ec2 enable-ebs-encryption-by-default`) so new volumes are encrypted.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Volumes];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        inventory
            .volumes
            .iter()
            .map(|v| {
                let resource = volume_ref(v);
                if v.encrypted {
                    return Outcome::pass(resource, format!("volume {} is encrypted", v.id));
                }
                let note = if v.attached_instance_ids.is_empty() {
                    "the volume is not encrypted (not attached to any instance)".to_string()
                } else {
                    format!(
                        "the volume is not encrypted; attached to {}",
                        v.attached_instance_ids.join(", ")
                    )
                };
                Outcome::fail(
                    resource,
                    format!("volume {} is not encrypted", v.id),
                    vec![Evidence::new("Encrypted", "false", note)],
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{Tags, Volume};

    fn volume(id: &str, encrypted: bool) -> Volume {
        Volume {
            arn: format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{id}").into(),
            place: place(),
            id: id.into(),
            encrypted,
            kms_key_id: None,
            state: Some("in-use".into()),
            attached_instance_ids: vec!["i-1".into()],
            tags: Tags::new(),
            ..Default::default()
        }
    }

    #[test]
    fn unencrypted_volumes_fail() {
        let mut inv = inventory();
        inv.volumes = vec![volume("vol-plain", false), volume("vol-enc", true)];
        let out = run::<EbsVolumeEncrypted>(&inv);
        let o = expect(&out, "vol-plain", Status::Fail);
        assert_eq!(o.evidence[0].value, "false");
        assert!(o.evidence[0].note.contains("i-1"));
        expect(&out, "vol-enc", Status::Pass);
    }
}
