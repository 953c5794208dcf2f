//! `ebs-default-encryption`: EBS encryption by default is on in every
//! scanned region (ENC-001).

use super::resource::{ebs_default_ref, read_completely};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory, Place};

pub struct EbsDefaultEncryption;

impl Check for EbsDefaultEncryption {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "ebs-default-encryption",
        summary: "EBS encryption by default is enabled in every scanned region",
        what: "For every scanned account and region, the EC2 setting *EBS encryption by default* must be on. The \
setting has no ARN of its own; it is reported as \
`arn:{partition}:ec2:{region}:{account}:ebs-encryption-by-default` with type \
`AWS::EC2::EBSEncryptionByDefault`. Every scanned (account, region) gets a verdict: a region whose setting \
could not be read is reported unknown by the evaluator, and a region that was read but has no record of the \
setting is **unknown** too (a missing record is not a region without the setting).",
        why: "With the setting on, every new volume and snapshot copy is encrypted whatever the launch template or \
the person launching says; without it, one forgotten flag creates an unencrypted data drive, breaking the \
promise that data drives are encrypted with AES.",
        fix: "Enable it in each region (it applies to new volumes only; existing ones must be re-created):\n\n\
```sh\naws ec2 enable-ebs-encryption-by-default --region eu-north-1\n```\n\n\
In the console: EC2 → Settings (Dashboard, Account attributes → Data protection and security) → EBS encryption \
→ Manage → Enable.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::EbsEncryptionByDefault];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        // Every scanned region of every account, not only those with a
        // record: a region without one would otherwise get no verdict.
        let mut outcomes: Vec<Outcome> = Vec::new();
        for scanned in inventory.scope.iter().filter(|s| s.error.is_none()) {
            for region in &scanned.regions {
                let has_record = inventory
                    .ebs_encryption_by_default
                    .iter()
                    .any(|e| e.place.account == scanned.account && &e.place.region == region);
                // Where the dataset was not read, the evaluator reports the
                // gap; here only regions read without an answer.
                let dataset = Dataset::EbsEncryptionByDefault;
                if has_record || !read_completely(inventory, &scanned.account, region, dataset) {
                    continue;
                }
                let place = Place {
                    account: crate::inventory::Sym::new(&scanned.account),
                    region: crate::inventory::Sym::new(region),
                };
                outcomes.push(Outcome::unknown(
                    ebs_default_ref(inventory, &place),
                    format!(
                        "no EBS encryption-by-default setting was recorded for account {} in {region}",
                        scanned.account
                    ),
                    vec![Evidence::new(
                        "EbsEncryptionByDefault",
                        "(no record)",
                        "the region was scanned but the inventory holds no answer for it",
                    )],
                ));
            }
        }
        let judged = inventory
            .ebs_encryption_by_default
            .iter()
            .map(|e| {
                let resource = ebs_default_ref(inventory, &e.place);
                if e.enabled {
                    Outcome::pass(resource, format!("EBS encryption by default is on in {}", e.place.region))
                } else {
                    Outcome::fail(
                        resource,
                        format!("EBS encryption by default is off in {}", e.place.region),
                        vec![Evidence::new(
                            "EbsEncryptionByDefault",
                            "false",
                            "new volumes in this region are unencrypted unless each launch asks for encryption",
                        )],
                    )
                }
            });
        outcomes.extend(judged);
        outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{EbsEncryptionByDefault, Place, ScannedAccount};

    #[test]
    fn disabled_regions_fail_with_an_arn_shaped_name() {
        let mut inv = inventory();
        inv.scope.push(ScannedAccount {
            account: "444455556666".into(),
            partition: "aws-cn".into(),
            regions: vec!["cn-north-1".into()],
            error: None,
        });
        inv.ebs_encryption_by_default = vec![
            EbsEncryptionByDefault {
                place: place(),
                enabled: true,
                ..Default::default()
            },
            EbsEncryptionByDefault {
                place: Place {
                    account: "444455556666".into(),
                    region: "cn-north-1".into(),
                },
                enabled: false,
                ..Default::default()
            },
        ];
        let out = run::<EbsDefaultEncryption>(&inv);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(
            out[0].resource.arn,
            format!("arn:aws:ec2:{REGION}:{ACCOUNT}:ebs-encryption-by-default")
        );
        assert_eq!(out[1].status, Status::Fail);
        assert_eq!(
            out[1].resource.arn,
            "arn:aws-cn:ec2:cn-north-1:444455556666:ebs-encryption-by-default"
        );
        assert_eq!(
            out[1].resource.resource_type,
            "AWS::EC2::EBSEncryptionByDefault"
        );
        assert_eq!(out[1].evidence[0].value, "false");
    }

    #[test]
    fn a_scanned_region_without_a_record_is_unknown() {
        let mut inv = inventory();
        inv.scope[0].regions.push("eu-west-1".into());
        inv.coverage.push(crate::inventory::Coverage {
            account: ACCOUNT.into(),
            region: "eu-west-1".into(),
            dataset: Dataset::EbsEncryptionByDefault,
            error: None,
        });
        inv.ebs_encryption_by_default = vec![EbsEncryptionByDefault {
            place: place(),
            enabled: true,
            ..Default::default()
        }];
        let out = run::<EbsDefaultEncryption>(&inv);
        assert_eq!(out.len(), 2, "{out:#?}");
        let o = out
            .iter()
            .find(|o| o.resource.region == "eu-west-1")
            .expect("a verdict for eu-west-1");
        assert_eq!(o.status, Status::Unknown);
        assert_eq!(
            o.resource.arn,
            format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default")
        );
        assert!(o.message.contains("no EBS encryption-by-default setting"));
        // A region whose dataset was not read is left to the evaluator.
        inv.coverage.pop();
        let out = run::<EbsDefaultEncryption>(&inv);
        assert_eq!(out.len(), 1);
    }
}
