//! `data-residency`: resources of every kind conform collects (or of the
//! kinds a rule names) are only in the regions the rule allows.
//!
//! Residency judges *where things are*; a rule's scope narrows *what a rule
//! judges*. The two are kept apart: the allowed regions are this check's
//! `regions` parameter, and a rule that binds this check may not have a
//! region scope or exclude (the loader refuses one: scoping a residency
//! rule to its allowed regions would set aside exactly the resources it
//! must find).
//!
//! How each kind is placed:
//!
//! - regional kinds: the region AWS listed the resource in;
//! - S3 buckets (read once per account): the bucket's own region
//!   (`ListBuckets`' `BucketRegion`, else `GetBucketLocation`); a bucket
//!   whose region could not be read is unknown;
//! - CloudTrail trails (read once per account): the trail's home region
//!   (where it is defined; a multi-region trail records events of every
//!   region, and its logs go to a bucket judged as a bucket);
//! - kinds whose resources have no region of their own are not judged,
//!   with a reason: Aurora global databases (their member clusters are
//!   judged, each in its region), load balancers' TLS policies (AWS's
//!   definitions, no data of the account), and anything placed in the
//!   `global` pseudo-region that is not a bucket;
//! - what AWS makes in every region whatever the account does is not
//!   judged, with a reason: a VPC's default security group and default
//!   network ACL, AWS-managed prefix lists, and the EBS
//!   encryption-by-default setting.
//!
//! Regions not read: a rule that binds this check makes a live scan list
//! the regions enabled for each account (EC2 `DescribeRegions`) and read
//! the check's kinds in every one of them, whatever `--region` says (other
//! rules still judge only the regions asked for). Every enabled region
//! that is not allowed and was not read (left out by `--exclude-region`,
//! a saved inventory from a narrower scan, a read that failed) gives an
//! **unknown** verdict saying so; an inventory that does not list the
//! account's enabled regions gives one unknown for the account. Allowed
//! regions need no reading to keep the promise: anything there passes.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::kinds_param;
use super::resource::resource_ref;
use super::{Check, CheckDoc, Context, NotJudged, ParamDoc, ParamError};
use crate::evaluate::dataset_ref;
use crate::findings::{Evidence, Outcome, ResourceRef};
use crate::inventory::{Arn, Dataset, GLOBAL, Inventory, Resource};

pub struct DataResidency;

/// The rule's parameters, as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The regions resources may be in (at least one).
    pub regions: Vec<String>,
    /// The CloudFormation types judged; empty: every kind conform collects.
    pub kinds: Vec<String>,
}

/// The parameters, compiled.
#[derive(Debug)]
pub struct Compiled {
    /// Sorted, without duplicates.
    allowed: Vec<String>,
    /// The datasets judged.
    datasets: &'static [Dataset],
}

/// Why resources are not judged.
const NO_REGION_GLOBAL_DB: &str =
    "Aurora global database, which spans regions: its member clusters are judged, each where it is";
const NO_REGION_TLS_POLICY: &str = "TLS policy, AWS's definition rather than a resource of the account (no data, no region of its own)";
const NO_REGION: &str = "resource without a region of its own (account-wide)";
const DEFAULT_SG: &str =
    "default security group, which AWS makes with every VPC and which cannot be deleted";
const DEFAULT_NACL: &str =
    "default network ACL, which AWS makes with every VPC and which cannot be deleted";
const AWS_PREFIX_LIST: &str = "AWS-managed prefix list, which AWS provides in every region";
const DEFAULT_SUBNET: &str = "default subnet of the default VPC, which AWS makes in every region";
const DEFAULT_ROUTE_TABLE: &str =
    "main route table of the default VPC, which AWS makes in every region";
const AWS_KEY: &str = "AWS-managed KMS key, which AWS makes in a region for its own services";
const EBS_SETTING: &str =
    "EBS encryption-by-default setting, which every region has whatever the account does";

/// The datasets a kind's resources are read with: the first dataset of the
/// table with each CloudFormation type (a later one with the same type
/// only adds details to its resources, as bucket details do for buckets),
/// in the table's order, and how many there are.
const OWNING: ([Dataset; Dataset::ALL.len()], usize) = {
    const fn same(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
    let kinds = Dataset::KINDS;
    let mut out = [Dataset::ALL[0]; Dataset::ALL.len()];
    let (mut n, mut i) = (0, 0);
    while i < kinds.len() {
        let mut j = 0;
        while j < i && !same(kinds[j].resource_type, kinds[i].resource_type) {
            j += 1;
        }
        if j == i {
            out[n] = kinds[i].dataset;
            n += 1;
        }
        i += 1;
    }
    (out, n)
};

/// The resources AWS makes in every region whatever the account does, by
/// ARN, with the reason: one pass over the lists that hold them.
fn aws_made(inventory: &Inventory) -> HashMap<&str, &'static str> {
    let groups = inventory
        .security_groups
        .iter()
        // The name `default` is reserved for the VPC's own group.
        .filter(|g| g.name == "default" && g.vpc_id.is_some())
        .map(|g| (g.arn.as_str(), DEFAULT_SG));
    let acls = inventory
        .network_acls
        .iter()
        .filter(|n| n.is_default)
        .map(|n| (n.arn.as_str(), DEFAULT_NACL));
    let lists = inventory
        .prefix_lists
        .iter()
        .filter(|p| p.owner_id.as_deref() == Some("AWS"))
        .map(|p| (p.arn.as_str(), AWS_PREFIX_LIST));
    // A default VPC's subnets and main route table are AWS's too (AWS
    // makes a default VPC in every region); so are AWS-managed KMS keys,
    // which AWS makes in a region when one of its services needs one.
    let default_vpcs: HashSet<&str> = inventory
        .subnets
        .iter()
        .filter(|s| s.default_for_az == Some(true))
        .filter_map(|s| s.vpc_id.as_deref())
        .collect();
    let subnets = inventory
        .subnets
        .iter()
        .filter(|s| s.default_for_az == Some(true))
        .map(|s| (s.arn.as_str(), DEFAULT_SUBNET));
    let tables = inventory
        .route_tables
        .iter()
        .filter(|t| {
            t.associations.iter().any(|a| a.main)
                && t.vpc_id
                    .as_deref()
                    .is_some_and(|v| default_vpcs.contains(v))
        })
        .map(|t| (t.arn.as_str(), DEFAULT_ROUTE_TABLE));
    let keys = inventory
        .kms_keys
        .iter()
        .filter(|k| k.key_manager.as_deref() == Some("AWS"))
        .map(|k| (k.arn.as_str(), AWS_KEY));
    groups
        .chain(acls)
        .chain(lists)
        .chain(subnets)
        .chain(tables)
        .chain(keys)
        .collect()
}

/// The resources the rule judges (of its kinds), each with why it is not
/// judged, if it is not: it has no region of its own, or AWS makes it in
/// every region whatever the account does.
fn subjects<'a>(
    inventory: &'a Inventory,
    datasets: &'a [Dataset],
) -> impl Iterator<Item = (&'a dyn Resource, Option<&'static str>)> + 'a {
    let made = aws_made(inventory);
    inventory
        .resources()
        .filter(move |r| datasets.contains(&r.dataset()))
        .map(move |r| {
            let why = match r.dataset() {
                Dataset::DbGlobalClusters => Some(NO_REGION_GLOBAL_DB),
                Dataset::Buckets => None,
                Dataset::EbsEncryptionByDefault => Some(EBS_SETTING),
                _ if r.place().region == GLOBAL => Some(NO_REGION),
                _ => made.get(r.arn().as_str()).copied(),
            };
            (r, why)
        })
}

fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => "none".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Where the resource's region comes from, as evidence names it.
fn region_field(dataset: Dataset) -> (&'static str, &'static str) {
    match dataset {
        Dataset::Buckets => (
            "BucketRegion",
            "the bucket's own region, from ListBuckets' BucketRegion or else GetBucketLocation",
        ),
        Dataset::Trails => ("HomeRegion", "the trail's home region"),
        _ => ("Region", "the region AWS lists it in"),
    }
}

fn judge(r: &dyn Resource, allowed: &[String]) -> Outcome {
    let resource = resource_ref(r);
    let region = r.place().region.as_str();
    let (field, whence) = region_field(r.dataset());
    let what = format!("{} {}", r.dataset().resource_type(), r.name());
    let allowed_text = and_list(allowed);
    if region == GLOBAL {
        // Only buckets get here: their region could not be read.
        return Outcome::unknown(
            resource,
            format!("cannot tell where {what} is: its region could not be read"),
            vec![Evidence::new(
                field,
                "not read",
                format!("{whence}; allowed: {allowed_text}"),
            )],
        );
    }
    if allowed.iter().any(|a| a == region) {
        Outcome::pass(
            resource,
            format!("{what} is in {region}, an allowed region"),
        )
    } else {
        Outcome::fail(
            resource,
            format!("{what} is in {region}, outside the allowed regions ({allowed_text})"),
            vec![Evidence::new(
                field,
                region,
                format!("{whence}; allowed: {allowed_text}"),
            )],
        )
    }
}

/// A region of an account, named like a resource for verdicts about it.
fn region_ref(partition: &str, account: &str, region: &str) -> ResourceRef {
    ResourceRef {
        arn: Arn {
            partition,
            service: "ec2",
            region,
            account,
            resource: "region",
        }
        .to_string()
        .into(),
        resource_type: crate::inventory::Sym::from_static("AWS::EC2::Region"),
        account: account.into(),
        region: region.into(),
        name: format!("region {region}"),
        tags: Default::default(),
    }
}

/// Unknown verdicts for what was not read outside the scan's regions: each
/// enabled region that is not allowed and was not read at all, each dataset
/// of such a region that could not be read, and each account whose enabled
/// regions are not known. (Gaps in the scan's own regions are the
/// evaluator's, as for every check.)
fn unread(inventory: &Inventory, c: &Compiled) -> Vec<Outcome> {
    let regional: Vec<Dataset> = c
        .datasets
        .iter()
        .copied()
        .filter(|d| !d.is_global())
        .collect();
    let allowed_text = and_list(&c.allowed);
    let mut out = Vec::new();
    for scanned in &inventory.scope {
        let (account, partition) = (&scanned.account, &scanned.partition);
        let Some(enabled) = inventory.enabled_regions_of(account) else {
            let read = and_list(&scanned.regions);
            let mut r = region_ref(partition, account, GLOBAL);
            r.arn = Arn {
                partition,
                service: "ec2",
                region: "",
                account,
                resource: "regions",
            }
            .to_string()
            .into();
            r.name = "regions not scanned".to_string();
            out.push(Outcome::unknown(
                r,
                format!(
                    "the regions enabled for account {account} were not listed by this scan, which read {read}: residency in any other region is unknown"
                ),
                vec![
                    Evidence::new(
                        "EnabledRegions",
                        "not listed",
                        "a live scan with a data-residency rule lists them (EC2 DescribeRegions) and reads every one",
                    ),
                    Evidence::new("ScannedRegions", read.clone(), format!("allowed: {allowed_text}")),
                ],
            ));
            continue;
        };
        for region in enabled {
            if scanned.regions.contains(region) || c.allowed.contains(region) {
                continue;
            }
            let records: Vec<_> = regional
                .iter()
                .map(|&d| (d, inventory.coverage_of(account, region, d)))
                .collect();
            if regional.is_empty() || records.iter().all(|(_, c)| c.is_none()) {
                if regional.is_empty() {
                    continue;
                }
                out.push(Outcome::unknown(
                    region_ref(partition, account, region),
                    format!(
                        "region {region} was not scanned; residency there is unknown"
                    ),
                    vec![Evidence::new(
                        "Region",
                        region.as_str(),
                        format!(
                            "enabled for account {account} (DescribeRegions) but not read; allowed: {allowed_text}"
                        ),
                    )],
                ));
                continue;
            }
            for (dataset, record) in records {
                let (code, note) = match record {
                    Some(c) => match &c.error {
                        None => continue,
                        Some(e) => (e.code.clone(), e.to_string()),
                    },
                    None => (
                        "NotCollected".to_string(),
                        format!("{dataset} were not collected in this region"),
                    ),
                };
                out.push(Outcome::unknown(
                    dataset_ref(partition, account, region, dataset),
                    format!(
                        "could not read {dataset} in account {account} region {region}: {note}; residency there is unknown"
                    ),
                    vec![Evidence::new("coverage", code, note)],
                ));
            }
        }
    }
    out
}

impl Check for DataResidency {
    type Params = Params;
    type Compiled = Compiled;

    const DOC: CheckDoc = CheckDoc {
        name: "data-residency",
        summary: "Resources are only in {{ regions | and_list }}",
        what: r#"Every resource of {% if kinds %}the kinds {{ kinds | and_list }}{% else %}every kind conform collects{% endif %} is judged by where it is: **pass** in {{ regions | and_list('or') }}, **fail** anywhere else, with the resource's region and the allowed regions as evidence.

Where a resource is: the region AWS lists it in; for an S3 bucket, the bucket's own region (a bucket whose region could not be read is unknown); for a CloudTrail trail, its home region. Not judged, and counted with the reason: what has no region of its own (an Aurora global database, whose member clusters are judged each where it is; a load balancer's TLS policy) and what AWS makes in every region whatever the account does (a VPC's default security group and network ACL, AWS-managed prefix lists, the EBS encryption-by-default setting).

Residency is not a scope. A rule's scope narrows *which resources a rule judges*; this check judges *where resources are*, so the allowed regions are its `regions` parameter, and a rule that uses it may not scope or exclude by region (conform refuses one: it would set aside the very resources the rule must find). Scope it by account, tag or name as any rule.

A resource outside the allowed regions is found only if its region is read: a live scan with this check lists the regions enabled for each account (EC2 `DescribeRegions`) and reads the judged kinds in every one of them, whatever `--region` says (other rules still judge only the regions asked for). An enabled region that is not allowed and was not read (left out by `--exclude-region`, an inventory saved by a narrower scan, a read that failed) is **unknown**, never a pass; so is every region of an account whose enabled regions the inventory does not list."#,
        why: "A promise that data stays in {{ regions | and_list }} (a contract, GDPR transfer rules, a customer's procurement terms) is broken by one forgotten bucket, snapshot or database elsewhere, and a scan of the allowed regions alone never sees it. Backups and copies are the usual culprits: snapshots copied to another region, buckets created from a laptop whose default region is us-east-1.",
        fix: "Move or delete the resource outside {{ regions | and_list }}: copy a snapshot or bucket to an allowed region and delete the original (`aws ec2 copy-snapshot`, `aws s3 sync`), re-create databases and caches from a snapshot there. To stop it recurring, deny other regions with a service control policy on `aws:RequestedRegion`. If the region is allowed after all, add it to the rule's `regions`.",
    };

    /// Every kind; a rule judges those of its `kinds` (see [`Check::judged`]).
    const SUBJECTS: &'static [Dataset] = OWNING.0.split_at(OWNING.1).0;

    const EVERY_REGION: bool = true;

    const EXAMPLE: Option<&'static str> = Some(r#"regions = ["eu-north-1", "eu-west-1"]"#);

    const PARAMS: &'static [ParamDoc] = &[
        ParamDoc {
            name: "kinds",
            kind: "a list of CloudFormation resource types (AWS::S3::Bucket)",
            description: "The kinds judged; empty (the default): every kind conform collects",
        },
        ParamDoc {
            name: "regions",
            kind: "a list of AWS region names (required)",
            description: "The regions resources may be in; every other region fails. Required: no default (`conform checks` shows an example)",
        },
    ];

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        if params.regions.is_empty() {
            return Err(ParamError::new(
                "regions",
                r#"name the regions resources may be in (regions = ["eu-north-1"])"#,
            ));
        }
        let mut allowed = Vec::new();
        for (i, region) in params.regions.iter().enumerate() {
            let region = region.trim();
            if !crate::regions::is_known(region) {
                let mut m = format!("unknown region {region:?}");
                if let Some(near) = crate::regions::closest(region) {
                    m.push_str(&format!("; did you mean {near:?}?"));
                } else {
                    m.push_str(" (regions are named like eu-north-1)");
                }
                return Err(ParamError::at("regions", i, m));
            }
            if allowed.iter().any(|a| a == region) {
                return Err(ParamError::at(
                    "regions",
                    i,
                    format!("{region} is listed twice"),
                ));
            }
            allowed.push(region.to_string());
        }
        allowed.sort();
        let mut datasets =
            kinds_param::compile(&params.kinds, Dataset::ALL, |kind, near| match near {
                Some(t) => format!("unknown kind {kind:?}; did you mean {t:?}?"),
                None => format!(
                    "unknown kind {kind:?} (`conform checks` lists the kinds data-residency judges)"
                ),
            })?;
        if datasets.is_empty() {
            datasets = Self::SUBJECTS.iter().copied().collect();
        }
        Ok(Compiled {
            allowed,
            datasets: kinds_param::intern(datasets),
        })
    }

    fn judged(compiled: &Compiled) -> &'static [Dataset] {
        compiled.datasets
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, c: &Compiled) -> Vec<Outcome> {
        let mut out: Vec<Outcome> = subjects(inventory, c.datasets)
            .filter(|(_, why)| why.is_none())
            .map(|(r, _)| judge(r, &c.allowed))
            .collect();
        out.extend(unread(inventory, c));
        out
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, c: &Compiled, skip: NotJudged<'_>) {
        for (r, why) in subjects(inventory, c.datasets) {
            if let Some(why) = why {
                skip(&resource_ref(r), why);
            }
        }
        // Kinds whose inventory types are not resources (no ARN of their
        // own), named as the checks that judge them name them.
        let partition = |account: &str| inventory.partition(account).to_string();
        if c.datasets.contains(&Dataset::SslPolicies) {
            for s in &inventory.ssl_policies {
                let p = &s.place;
                let mut r = dataset_ref(
                    &partition(&p.account),
                    &p.account,
                    &p.region,
                    Dataset::SslPolicies,
                );
                r.arn = Dataset::SslPolicies
                    .arn(&partition(&p.account), &p.region, &p.account, &s.name)
                    .into();
                r.name = s.name.to_string();
                skip(&r, NO_REGION_TLS_POLICY);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::*;

    fn compiled(toml: &str) -> Compiled {
        let params: Params = toml::from_str(toml).unwrap();
        DataResidency::compile(&params).unwrap()
    }

    fn compile_error(toml: &str) -> String {
        let params: Params = toml::from_str(toml).unwrap();
        DataResidency::compile(&params).unwrap_err().to_string()
    }

    fn bucket(name: &str, region: &str) -> Bucket {
        Bucket {
            arn: format!("arn:aws:s3:::{name}").into(),
            place: Place {
                account: ACCOUNT.into(),
                region: region.into(),
            },
            name: name.into(),
            default_encryption: Read::Value(None),
            tags: Default::default(),
            tags_error: None,
            lifecycle: None,
            versioning: None,
            mfa_delete: None,
            object_lock: None,
            public_access_block: None,
            policy_is_public: None,
        }
    }

    fn log_group(name: &str, region: &str) -> LogGroup {
        LogGroup {
            arn: format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}").into(),
            place: Place {
                account: ACCOUNT.into(),
                region: region.into(),
            },
            name: name.into(),
            retention_days: None,
            ..Default::default()
        }
    }

    #[test]
    fn parameters_are_checked_with_did_you_mean() {
        assert_eq!(
            compile_error("regions = []"),
            r#"regions: name the regions resources may be in (regions = ["eu-north-1"])"#
        );
        assert_eq!(
            compile_error(r#"regions = ["eu-north-1", "eu-nort-2"]"#),
            r#"regions[1]: unknown region "eu-nort-2"; did you mean "eu-north-1"?"#
        );
        assert_eq!(
            compile_error(r#"regions = ["frankfurt"]"#),
            r#"regions[0]: unknown region "frankfurt" (regions are named like eu-north-1)"#
        );
        assert_eq!(
            compile_error(r#"regions = ["eu-west-1", "eu-west-1"]"#),
            "regions[1]: eu-west-1 is listed twice"
        );
        assert_eq!(
            compile_error(
                r#"regions = ["eu-west-1"]
kinds = ["AWS::S3::Buckett"]"#
            ),
            r#"kinds[0]: unknown kind "AWS::S3::Buckett"; did you mean "AWS::S3::Bucket"?"#
        );
        assert!(
            compile_error(
                r#"regions = ["eu-west-1"]
kinds = ["Bucket"]"#
            )
            .contains("conform checks")
        );
        let c = compiled(
            r#"regions = ["eu-west-1", "eu-north-1"]
kinds = ["AWS::S3::Bucket", "AWS::Logs::LogGroup"]"#,
        );
        assert_eq!(c.allowed, ["eu-north-1", "eu-west-1"]);
        assert_eq!(c.datasets, [Dataset::Buckets, Dataset::LogGroups]);
    }

    #[test]
    fn every_kind_by_default_but_detail_datasets() {
        let c = compiled(r#"regions = ["eu-north-1"]"#);
        assert!(!c.datasets.contains(&Dataset::BucketDetails));
        // One dataset per kind: detail datasets share their kind's type.
        for k in Dataset::KINDS {
            assert!(
                c.datasets
                    .iter()
                    .any(|d| d.resource_type() == k.resource_type),
                "{}",
                k.name
            );
        }
        // Interned: the same set is the same slice.
        let again = compiled(r#"regions = ["eu-west-1"]"#);
        assert!(std::ptr::eq(c.datasets, again.datasets));
    }

    #[test]
    fn inside_passes_outside_fails_and_unread_regions_are_unknown() {
        let mut inv = inventory();
        inv.log_groups.push(log_group("/in", REGION));
        inv.log_groups.push(log_group("/out", "us-east-1"));
        inv.buckets.push(bucket("eu-bucket", "eu-west-1"));
        inv.buckets.push(bucket("us-bucket", "us-west-2"));
        inv.buckets.push(bucket("lost-bucket", GLOBAL));
        // us-east-1 was read for residency (beyond the scan's region);
        // ap-south-1 was not; eu-west-1 is allowed, so it needs no reading.
        for &d in Dataset::ALL.iter().filter(|d| !d.is_global()) {
            inv.coverage.push(Coverage {
                account: ACCOUNT.into(),
                region: "us-east-1".into(),
                dataset: d,
                error: (d == Dataset::Volumes).then(|| aws_error("UnauthorizedOperation")),
            });
        }
        inv.enabled_regions.push(EnabledRegions {
            account: ACCOUNT.into(),
            regions: vec![
                REGION.into(),
                "ap-south-1".into(),
                "eu-west-1".into(),
                "us-east-1".into(),
            ],
        });
        let c = compiled(r#"regions = ["eu-north-1", "eu-west-1"]"#);
        let out = DataResidency::evaluate(&ctx(), &inv, &c);
        let got: Vec<(Status, &str)> = out
            .iter()
            .map(|o| (o.status, o.resource.name.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Status::Pass, "eu-bucket"),
                (Status::Fail, "us-bucket"),
                (Status::Unknown, "lost-bucket"),
                (Status::Pass, "/in"),
                (Status::Fail, "/out"),
                (Status::Unknown, "region ap-south-1"),
                (Status::Unknown, "all volumes"),
            ]
        );
        let fail = &out[1];
        assert_eq!(
            fail.message,
            "AWS::S3::Bucket us-bucket is in us-west-2, outside the allowed regions (eu-north-1 and eu-west-1)"
        );
        assert_eq!(fail.evidence[0].field, "BucketRegion");
        assert_eq!(fail.evidence[0].value, "us-west-2");
        assert_eq!(
            out[5].message,
            "region ap-south-1 was not scanned; residency there is unknown"
        );
        assert!(
            out[6].message.contains("UnauthorizedOperation"),
            "{}",
            out[6].message
        );

        // Without the enabled regions, the account is unknown beyond them.
        inv.enabled_regions.clear();
        let out = DataResidency::evaluate(&ctx(), &inv, &c);
        let last = out.last().unwrap();
        assert_eq!(last.status, Status::Unknown);
        assert!(
            last.message
                .starts_with("the regions enabled for account 111122223333 were not listed"),
            "{}",
            last.message
        );
    }

    #[test]
    fn aws_made_and_regionless_resources_are_not_judged() {
        let mut inv = inventory();
        inv.security_groups.push(SecurityGroup {
            arn: format!("arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-1").into(),
            place: Place {
                account: ACCOUNT.into(),
                region: "us-east-1".into(),
            },
            id: "sg-1".into(),
            name: "default".into(),
            vpc_id: Some("vpc-1".into()),
            tags: Default::default(),
            ingress: vec![],
            ..Default::default()
        });
        inv.ebs_encryption_by_default.push(EbsEncryptionByDefault {
            place: Place {
                account: ACCOUNT.into(),
                region: "us-east-1".into(),
            },
            enabled: false,
            ..Default::default()
        });
        inv.enabled_regions.push(EnabledRegions {
            account: ACCOUNT.into(),
            regions: vec![REGION.into()],
        });
        let c = compiled(r#"regions = ["eu-north-1"]"#);
        assert!(DataResidency::evaluate(&ctx(), &inv, &c).is_empty());
        let mut skipped = Vec::new();
        DataResidency::not_judged(&ctx(), &inv, &c, &mut |r, why| {
            skipped.push((r.name.clone(), why))
        });
        assert_eq!(
            skipped,
            vec![
                ("sg-1".to_string(), DEFAULT_SG),
                ("ebs-encryption-by-default".to_string(), EBS_SETTING)
            ]
        );
    }

    const RESIDENCY_RULE: &str = r#"[[rule]]
id = "RES-001"
title = "Only in Stockholm"
severity = "high"
area = "residency"
promise = { file = "policy.md", line = 3, text = "Data stays in Sweden." }
checks = [{ name = "data-residency", params = { regions = ["eu-north-1"] } }]
"#;

    #[test]
    fn a_residency_rule_cannot_be_scoped_by_region() {
        let path = std::path::Path::new("t.toml");
        assert!(crate::rules::parse(path, RESIDENCY_RULE).is_ok());
        let by_account = RESIDENCY_RULE.replace(
            "checks =",
            "scope = { accounts = [\"111122223333\"] }\nchecks =",
        );
        assert!(crate::rules::parse(path, &by_account).is_ok());
        for scoped in [
            RESIDENCY_RULE.replace("checks =", "scope = { regions = [\"eu-*\"] }\nchecks ="),
            RESIDENCY_RULE.replace(
                "checks =",
                "exclude = { regions = [\"us-east-1\"] }\nchecks =",
            ),
            RESIDENCY_RULE.replace(
                "[\"eu-north-1\"] } }",
                "[\"eu-north-1\"] }, scope = { regions = [\"eu-*\"] } }",
            ),
        ] {
            let e = crate::rules::parse(path, &scoped).unwrap_err().to_string();
            assert!(
                e.contains(
                    "judges where resources are, so its rule cannot be scoped or excluded by region"
                ),
                "{e}"
            );
            assert!(e.contains("t.toml:"), "{e}");
        }
    }

    #[test]
    fn other_rules_judge_only_the_scans_regions() {
        // The log group in us-east-1 was read only for residency: the
        // log-retention rule does not judge it, the residency rule does.
        let mut inv = inventory();
        inv.log_groups.push(log_group("/here", REGION));
        inv.log_groups.push(log_group("/there", "us-east-1"));
        inv.buckets.push(bucket("us-bucket", "us-east-1"));
        inv.coverage.push(Coverage {
            account: ACCOUNT.into(),
            region: "us-east-1".into(),
            dataset: Dataset::LogGroups,
            error: None,
        });
        inv.enabled_regions.push(EnabledRegions {
            account: ACCOUNT.into(),
            regions: vec![REGION.into(), "us-east-1".into()],
        });
        let text = format!(
            "{}\n{}",
            crate::rules::ONE_RULE_PACK,
            RESIDENCY_RULE.replace(
                "regions = [\"eu-north-1\"]",
                "regions = [\"eu-north-1\"], kinds = [\"AWS::Logs::LogGroup\", \"AWS::S3::Bucket\"]"
            )
        );
        let pack = crate::rules::parse(std::path::Path::new("t.toml"), &text).unwrap();
        let eval = crate::evaluate::evaluate(&pack, &inv, None);
        let got: Vec<(&str, &str, Status)> = eval
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.resource.name.as_str(), f.status))
            .collect();
        assert!(got.contains(&("LOG-001", "/here", Status::Pass)), "{got:?}");
        assert!(
            !got.iter()
                .any(|(r, n, _)| *r == "LOG-001" && *n == "/there"),
            "{got:?}"
        );
        assert!(
            got.contains(&("RES-001", "/there", Status::Fail)),
            "{got:?}"
        );
        assert!(got.contains(&("RES-001", "/here", Status::Pass)), "{got:?}");
        assert!(
            got.contains(&("RES-001", "us-bucket", Status::Fail)),
            "{got:?}"
        );
        assert_eq!(
            pack.every_region_datasets().into_iter().collect::<Vec<_>>(),
            [Dataset::Buckets, Dataset::LogGroups]
        );
    }
}
