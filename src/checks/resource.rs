//! Building [`ResourceRef`]s and evidence lists, shared by the checks.

use crate::findings::{Evidence, ResourceRef};
use crate::inventory::{
    Bucket, Dataset, DbCluster, DbInstance, EbsEncryptionByDefault, Instance, Inventory,
    LoadBalancer, LogGroup, NetworkAcl, Place, SecurityGroup, Tags, Volume,
};

fn make(arn: &str, dataset: Dataset, place: &Place, name: &str, tags: &Tags) -> ResourceRef {
    ResourceRef {
        arn: arn.to_string(),
        resource_type: dataset.resource_type().to_string(),
        account: place.account.clone(),
        region: place.region.clone(),
        name: name.to_string(),
        tags: tags.clone(),
    }
}

pub fn sg_ref(g: &SecurityGroup) -> ResourceRef {
    make(&g.arn, Dataset::SecurityGroups, &g.place, &g.id, &g.tags)
}

pub fn nacl_ref(n: &NetworkAcl) -> ResourceRef {
    make(&n.arn, Dataset::NetworkAcls, &n.place, &n.id, &n.tags)
}

/// Whether a load balancer is a classic one (its own dataset and type).
pub fn is_classic(lb: &LoadBalancer) -> bool {
    lb.kind.eq_ignore_ascii_case("classic")
}

/// Whether a load balancer faces the internet.
pub fn is_internet_facing(lb: &LoadBalancer) -> bool {
    lb.scheme.trim().eq_ignore_ascii_case("internet-facing")
}

pub fn lb_dataset(lb: &LoadBalancer) -> Dataset {
    if is_classic(lb) {
        Dataset::ClassicLoadBalancers
    } else {
        Dataset::LoadBalancers
    }
}

pub fn lb_ref(lb: &LoadBalancer) -> ResourceRef {
    make(&lb.arn, lb_dataset(lb), &lb.place, &lb.name, &lb.tags)
}

pub fn instance_ref(i: &Instance) -> ResourceRef {
    make(&i.arn, Dataset::Instances, &i.place, &i.id, &i.tags)
}

pub fn volume_ref(v: &Volume) -> ResourceRef {
    make(&v.arn, Dataset::Volumes, &v.place, &v.id, &v.tags)
}

pub fn bucket_ref(b: &Bucket) -> ResourceRef {
    make(&b.arn, Dataset::Buckets, &b.place, &b.name, &Tags::new())
}

pub fn log_group_ref(g: &LogGroup) -> ResourceRef {
    make(&g.arn, Dataset::LogGroups, &g.place, &g.name, &Tags::new())
}

pub fn db_instance_ref(d: &DbInstance) -> ResourceRef {
    make(&d.arn, Dataset::DbInstances, &d.place, &d.id, &d.tags)
}

pub fn db_cluster_ref(c: &DbCluster) -> ResourceRef {
    make(&c.arn, Dataset::DbClusters, &c.place, &c.id, &c.tags)
}

/// The region's EBS encryption-by-default setting, which has no ARN of its
/// own: `arn:{partition}:ec2:{region}:{account}:ebs-encryption-by-default`.
pub fn ebs_default_ref(inventory: &Inventory, e: &EbsEncryptionByDefault) -> ResourceRef {
    let arn = format!(
        "arn:{}:ec2:{}:{}:ebs-encryption-by-default",
        inventory.partition(&e.place.account),
        e.place.region,
        e.place.account
    );
    make(
        &arn,
        Dataset::EbsEncryptionByDefault,
        &e.place,
        "ebs-encryption-by-default",
        &Tags::new(),
    )
}

/// Why a dataset a check uses may lack something, for messages: empty
/// when it was read completely, else ` (<dataset> could not be read: ...)`
/// or ` (<dataset> were not collected)`.
pub fn coverage_note(inventory: &Inventory, place: &Place, dataset: Dataset) -> String {
    match inventory.coverage_of(&place.account, &place.region, dataset) {
        None => format!(" ({dataset} were not collected)"),
        Some(c) => match &c.error {
            Some(e) => format!(" ({dataset} could not be read: {e})"),
            None => String::new(),
        },
    }
}

/// Keeps at most `max` pieces of evidence; the rest are summarised in one
/// more piece saying how many were left out.
pub fn cap_evidence(
    mut evidence: Vec<Evidence>,
    max: usize,
    field: &str,
    what: &str,
) -> Vec<Evidence> {
    if evidence.len() > max {
        let more = evidence.len() - max;
        evidence.truncate(max);
        evidence.push(Evidence::new(
            field,
            format!("and {more} more"),
            format!("{more} more {what} not listed"),
        ));
    }
    evidence
}

/// Joins texts as `a, b and c`.
pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Distinct values, in first-seen order.
pub fn distinct<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.iter().any(|o| o == i) {
            out.push(i.to_string());
        }
    }
    out
}
