//! Building [`ResourceRef`]s and evidence lists, shared by the checks.

use crate::findings::{Evidence, Outcome, ResourceRef};
use crate::inventory::Resource;
use crate::inventory::Sym;
use crate::inventory::{
    Arn, AutoScalingGroup, Bucket, CacheCluster, CacheReplicationGroup, Dataset, DbCluster,
    DbInstance, DbSnapshot, GLOBAL, Instance, Inventory, LoadBalancer, LogGroup, NetworkAcl, Place,
    SecurityGroup, Snapshot, Tags, Text, Volume,
};

fn make(arn: Text, dataset: Dataset, place: &Place, name: &str, tags: &Tags) -> ResourceRef {
    ResourceRef {
        arn,
        resource_type: Sym::from_static(dataset.resource_type()),
        account: place.account,
        region: place.region,
        name: name.to_string(),
        tags: tags.clone(),
    }
}

/// The reference of any resource of an inventory list: its ARN, its
/// dataset's type, its place, its name and tags as its [`Resource`] impl
/// (beside its inventory type) gives them.
pub fn resource_ref(r: &(impl Resource + ?Sized)) -> ResourceRef {
    make(r.arn().clone(), r.dataset(), r.place(), r.name(), r.tags())
}

pub fn sg_ref(g: &SecurityGroup) -> ResourceRef {
    resource_ref(g)
}

pub fn nacl_ref(n: &NetworkAcl) -> ResourceRef {
    resource_ref(n)
}

/// Whether a load balancer is a classic one (its own dataset and type).
pub fn is_classic(lb: &LoadBalancer) -> bool {
    lb.dataset() == Dataset::ClassicLoadBalancers
}

/// Why an internal load balancer is not judged by checks of internet exposure.
pub const INTERNAL: &str = "internal load balancer, not exposed to the internet";

/// Whether a load balancer faces the internet.
pub fn is_internet_facing(lb: &LoadBalancer) -> bool {
    lb.scheme.trim().eq_ignore_ascii_case("internet-facing")
}

pub fn lb_ref(lb: &LoadBalancer) -> ResourceRef {
    resource_ref(lb)
}

pub fn instance_ref(i: &Instance) -> ResourceRef {
    resource_ref(i)
}

pub fn volume_ref(v: &Volume) -> ResourceRef {
    resource_ref(v)
}

/// A bucket, with its tags when they were read (with
/// [`Dataset::BucketDetails`]), so that rules can scope buckets by tag.
pub fn bucket_ref(b: &Bucket) -> ResourceRef {
    resource_ref(b)
}

pub fn log_group_ref(g: &LogGroup) -> ResourceRef {
    resource_ref(g)
}

pub fn db_instance_ref(d: &DbInstance) -> ResourceRef {
    resource_ref(d)
}

pub fn db_cluster_ref(c: &DbCluster) -> ResourceRef {
    resource_ref(c)
}

pub fn snapshot_ref(s: &Snapshot) -> ResourceRef {
    resource_ref(s)
}

pub fn db_snapshot_ref(s: &DbSnapshot) -> ResourceRef {
    resource_ref(s)
}

pub fn cache_replication_group_ref(g: &CacheReplicationGroup) -> ResourceRef {
    resource_ref(g)
}

pub fn cache_cluster_ref(c: &CacheCluster) -> ResourceRef {
    resource_ref(c)
}

pub fn asg_ref(g: &AutoScalingGroup) -> ResourceRef {
    resource_ref(g)
}

/// An account's CloudTrail trails as a whole, for verdicts about the
/// account rather than one trail: `arn:{partition}:cloudtrail::{account}:trails`
/// in region `global`.
pub fn trails_ref(inventory: &Inventory, account: &str) -> ResourceRef {
    let arn = Arn {
        partition: inventory.partition(account),
        service: "cloudtrail",
        region: "",
        account,
        resource: "trails",
    }
    .to_string();
    let place = Place {
        account: account.into(),
        region: GLOBAL.into(),
    };
    make(arn.into(), Dataset::Trails, &place, "trails", &Tags::new())
}

/// The region's EBS encryption-by-default setting, which has no ARN of its
/// own: `arn:{partition}:ec2:{region}:{account}:ebs-encryption-by-default`.
pub fn ebs_default_ref(inventory: &Inventory, place: &Place) -> ResourceRef {
    let arn = Dataset::EbsEncryptionByDefault.arn(
        inventory.partition(&place.account),
        &place.region,
        &place.account,
        "",
    );
    make(
        arn.into(),
        Dataset::EbsEncryptionByDefault,
        place,
        "ebs-encryption-by-default",
        &Tags::new(),
    )
}

/// Whether a dataset was read completely in an account and region (a
/// global dataset's region is [`GLOBAL`]). Where it was not, the evaluator
/// already reports the gap as unknown.
pub fn read_completely(
    inventory: &Inventory,
    account: &str,
    region: &str,
    dataset: Dataset,
) -> bool {
    inventory
        .coverage_of(account, region, dataset)
        .is_some_and(|c| c.error.is_none())
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

/// A text field that is set: trimmed, and `None` when empty.
pub fn set(value: &Option<crate::inventory::Str>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Whether a DB instance is a primary database in its own right: not a
/// member of a DB cluster (its cluster is judged instead) and not a read
/// replica of another instance (it is the copy, not the primary).
pub fn is_standalone_primary(db: &DbInstance) -> bool {
    set(&db.cluster_id).is_none() && set(&db.read_replica_source).is_none()
}

/// Why a DB instance is not judged on its own: a member of a DB cluster
/// the inventory holds (the cluster is judged), or a read replica (its
/// primary is judged).
pub const CLUSTER_MEMBER: &str = "DB cluster member, judged through its cluster";
pub const READ_REPLICA: &str = "read replica, judged through its primary";

/// Reports the DB instances a check judging standalone primaries and
/// clusters passes over: members of a cluster the inventory holds, and
/// (with `replicas`) read replicas. Members of a cluster it does not hold
/// are judged ([`clusterless_members`]), so they are not reported.
pub fn db_instances_not_judged(inventory: &Inventory, replicas: bool, skip: super::NotJudged<'_>) {
    let clusters = by_place_and_name(&inventory.db_clusters, |c| (&c.place, &c.id));
    for d in &inventory.db_instances {
        let why = if let Some(cluster) = set(&d.cluster_id) {
            let key = (d.place.account.as_str(), d.place.region.as_str(), cluster);
            if !clusters.contains_key(&key) {
                continue;
            }
            CLUSTER_MEMBER
        } else if replicas && set(&d.read_replica_source).is_some() {
            READ_REPLICA
        } else {
            continue;
        };
        skip(&db_instance_ref(d), why);
    }
}

/// The region named by an ARN (`arn:aws:rds:eu-west-1:123456789012:db:x`
/// → `eu-west-1`); `None` when the text is not an ARN or names no region.
pub fn arn_region(arn: &str) -> Option<&str> {
    Arn::region_of(arn)
}

/// `n` followed by a noun in singular or plural (`1 day`, `3 days`).
pub fn count(n: i64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("{n} {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// A length of time given in seconds, in whole days and hours
/// (`91 days`, `90 days 1 hour`, `5 hours`).
pub fn age_text(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    let days = (seconds / 86_400) as i64;
    let hours = ((seconds % 86_400) / 3_600) as i64;
    match (days, hours) {
        (0, h) => format!("{sign}{}", count(h, "hour", "hours")),
        (d, 0) => format!("{sign}{}", count(d, "day", "days")),
        (d, h) => format!(
            "{sign}{} {}",
            count(d, "day", "days"),
            count(h, "hour", "hours")
        ),
    }
}

/// DB instances that are members of a DB cluster the inventory does not
/// hold (same account and region), with that cluster's id. Checks that
/// judge members through their cluster report these as unknown, so that a
/// member is never silently judged by nobody.
pub fn clusterless_members(inventory: &Inventory) -> Vec<(&DbInstance, &str)> {
    let clusters = by_place_and_name(&inventory.db_clusters, |c| (&c.place, &c.id));
    inventory
        .db_instances
        .iter()
        .filter_map(|d| {
            let cluster = set(&d.cluster_id)?;
            let key = (d.place.account.as_str(), d.place.region.as_str(), cluster);
            (!clusters.contains_key(&key)).then_some((d, cluster))
        })
        .collect()
}

/// The unknown outcome of a [`clusterless_members`] member.
pub fn clusterless_member_outcome(
    inventory: &Inventory,
    db: &DbInstance,
    cluster: &str,
) -> Outcome {
    Outcome::unknown(
        db_instance_ref(db),
        format!(
            "DB instance {} is a member of DB cluster {cluster}, which is not in the inventory{}; the cluster is what is judged",
            db.id,
            coverage_note(inventory, &db.place, Dataset::DbClusters)
        ),
        vec![Evidence::new(
            "DBClusterIdentifier",
            cluster,
            "the member's cluster was not read, so neither can be judged",
        )],
    )
}

/// Resources by (account, region, name): a lookup table built once, so
/// that a check joining two kinds of resource stays linear in the estate.
/// The first of several with the same key is kept (as `Iterator::find`
/// would find it).
pub(crate) fn by_place_and_name<'a, T>(
    items: &'a [T],
    key: impl Fn(&'a T) -> (&'a Place, &'a str),
) -> std::collections::HashMap<(&'a str, &'a str, &'a str), &'a T> {
    let mut index = std::collections::HashMap::with_capacity(items.len());
    for item in items {
        let (place, name) = key(item);
        index
            .entry((place.account.as_str(), place.region.as_str(), name))
            .or_insert(item);
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_regions() {
        assert_eq!(
            arn_region("arn:aws:rds:eu-west-1:111122223333:db:x"),
            Some("eu-west-1")
        );
        assert_eq!(
            arn_region("arn:aws:rds:us-east-1:111122223333:auto-backup:ab-x"),
            Some("us-east-1")
        );
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_region("mydb-replica"), None);
        assert_eq!(arn_region("arn:aws:rds:eu-west-1"), None);
    }

    #[test]
    fn ages() {
        assert_eq!(age_text(90 * 86_400), "90 days");
        assert_eq!(age_text(90 * 86_400 + 3_600), "90 days 1 hour");
        assert_eq!(age_text(86_400 + 7_200), "1 day 2 hours");
        assert_eq!(age_text(59), "0 hours");
        assert_eq!(age_text(-86_400), "-1 day");
    }
}
