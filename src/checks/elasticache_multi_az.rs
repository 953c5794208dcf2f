//! `elasticache-multi-az`: ElastiCache replication groups are Multi-AZ with
//! automatic failover, and their nodes really span zones (HA-001,
//! ElastiCache part).

use super::resource::{cache_replication_group_ref, distinct, join_and};
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{CacheReplicationGroup, Dataset, Inventory};

pub struct ElasticacheMultiAz;

/// What one of the group's flags says.
enum Flag {
    On,
    Off(String),
    Unclear(String),
}

fn flag(value: &Option<String>) -> Flag {
    match value.as_deref().map(str::trim) {
        None | Some("") => Flag::Unclear("not reported".into()),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "enabled" => Flag::On,
            // `enabling` is on its way but not yet in effect.
            "disabled" | "disabling" | "enabling" => Flag::Off(v.to_string()),
            _ => Flag::Unclear(v.to_string()),
        },
    }
}

fn judge(g: &CacheReplicationGroup) -> Outcome {
    let resource = cache_replication_group_ref(g);
    let azs = distinct(
        g.member_availability_zones
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty()),
    );
    let members = if g.member_clusters.is_empty() {
        "none".to_string()
    } else {
        g.member_clusters.join(", ")
    };
    let az_text = if azs.is_empty() {
        "none reported".to_string()
    } else {
        join_and(&azs)
    };
    let zones_evidence = || {
        Evidence::new(
            "MemberClusters",
            members.clone(),
            format!("nodes in {}: {az_text}", count_zones(azs.len())),
        )
    };

    let mut off = Vec::new();
    let mut unclear = Vec::new();
    let mut evidence = Vec::new();
    for (field, value, meaning) in [
        (
            "MultiAZ",
            &g.multi_az,
            "Multi-AZ places replicas in other zones and promotes one when the primary's zone fails",
        ),
        (
            "AutomaticFailover",
            &g.automatic_failover,
            "without automatic failover, a replica is not promoted when the primary fails",
        ),
    ] {
        match flag(value) {
            Flag::On => {}
            Flag::Off(v) => {
                off.push(format!("{field} is {v}"));
                evidence.push(Evidence::new(field, v, meaning));
            }
            Flag::Unclear(v) => {
                unclear.push(format!("{field} is {v}"));
                evidence.push(Evidence::new(
                    field,
                    v,
                    "not a value conform knows (expected enabled or disabled)",
                ));
            }
        }
    }
    if !off.is_empty() {
        evidence.push(zones_evidence());
        return Outcome::fail(
            resource,
            format!(
                "replication group {} is not Multi-AZ with automatic failover: {}",
                g.id,
                join_and(&off)
            ),
            evidence,
        );
    }
    if !unclear.is_empty() {
        evidence.push(zones_evidence());
        return Outcome::unknown(
            resource,
            format!(
                "cannot tell whether replication group {} fails over to another zone: {}",
                g.id,
                join_and(&unclear)
            ),
            evidence,
        );
    }
    match azs.len() {
        0 => Outcome::unknown(
            resource,
            format!(
                "replication group {} reports Multi-AZ with automatic failover, but its nodes' availability zones are not known",
                g.id
            ),
            vec![zones_evidence()],
        ),
        1 => Outcome::fail(
            resource,
            format!(
                "replication group {} is Multi-AZ with automatic failover, but all its nodes are in {}",
                g.id, azs[0]
            ),
            vec![Evidence::new(
                "MemberClusters",
                members.clone(),
                format!(
                    "every node is in {}; losing that zone loses the cache whatever the flags say",
                    azs[0]
                ),
            )],
        ),
        n => Outcome::pass(
            resource,
            format!(
                "replication group {} is Multi-AZ with automatic failover, nodes in {} ({az_text})",
                g.id,
                count_zones(n)
            ),
        ),
    }
}

fn count_zones(n: usize) -> String {
    if n == 1 {
        "1 availability zone".into()
    } else {
        format!("{n} availability zones")
    }
}

impl Check for ElasticacheMultiAz {
    type Params = NoParams;
    const DOC: CheckDoc = CheckDoc {
        name: "elasticache-multi-az",
        summary: "ElastiCache replication groups are Multi-AZ with automatic failover, with nodes in 2+ zones",
        what: "Every ElastiCache replication group (Redis OSS, Valkey) must have `MultiAZ` **enabled** and \
`AutomaticFailover` **enabled**, and its nodes must be in at least two distinct availability zones. The \
flags alone are not enough: a group can report Multi-AZ while every replica was placed in the primary's zone. \
The evidence lists the member clusters and the zones of their nodes.\n\n\
- Either flag `disabled`, `disabling` or `enabling` (not yet in effect): **fail**;\n\
- both enabled but every node in one zone: **fail**;\n\
- a flag missing or with a value conform does not know, or node zones not reported: **unknown**.\n\n\
Standalone cache clusters (Memcached, or Redis OSS without a replication group) have no replica to fail over \
to and are not judged by this check.",
        why: "The policy promises that every critical service has a replica running in another availability zone. \
Without Multi-AZ and automatic failover, a zone outage takes the primary node down and the cache stays \
read-only or unavailable until someone acts.",
        fix: "Add a replica in another zone if needed, then enable both settings:\n\n\
```sh\naws elasticache increase-replica-count --replication-group-id my-cache --new-replica-count 1 --apply-immediately\n\
aws elasticache modify-replication-group --replication-group-id my-cache \\\n  \
--multi-az-enabled --automatic-failover-enabled --apply-immediately\n```\n\n\
In the console: ElastiCache → the cache → Modify → Multi-AZ and Auto-failover. Place replicas with \
`--preferred-availability-zones` (or `--node-group-configuration`) when creating.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::CacheReplicationGroups];

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &NoParams) -> Vec<Outcome> {
        inventory
            .cache_replication_groups
            .iter()
            .map(judge)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn flags_and_zones() {
        let mut inv = inventory();
        let a = "eu-north-1a";
        let b = "eu-north-1b";
        let mut no_failover = cache_replication_group("rg-no-failover", &[a, b]);
        no_failover.automatic_failover = Some("disabled".into());
        let mut single = cache_replication_group("rg-single", &[a]);
        single.multi_az = Some("disabled".into());
        single.automatic_failover = Some("disabled".into());
        let mut odd = cache_replication_group("rg-odd", &[a, b]);
        odd.multi_az = Some("sometimes".into());
        let mut unsaid = cache_replication_group("rg-unsaid", &[a, b]);
        unsaid.automatic_failover = None;
        let mut enabling = cache_replication_group("rg-enabling", &[a, b]);
        enabling.automatic_failover = Some("enabling".into());
        inv.cache_replication_groups = vec![
            cache_replication_group("rg-good", &[a, b, a]),
            cache_replication_group("rg-one-az", &[a, a]),
            cache_replication_group("rg-no-zones", &[]),
            no_failover,
            single,
            odd,
            unsaid,
            enabling,
        ];
        let out = run::<ElasticacheMultiAz>(&inv);
        let o = expect(&out, "rg-good", Status::Pass);
        assert!(
            o.message
                .contains("2 availability zones (eu-north-1a and eu-north-1b)"),
            "{}",
            o.message
        );
        let o = expect(&out, "rg-one-az", Status::Fail);
        assert!(
            o.message.contains("all its nodes are in eu-north-1a"),
            "{}",
            o.message
        );
        assert!(mentions(o, "rg-one-az-001, rg-one-az-002"));
        expect(&out, "rg-no-zones", Status::Unknown);
        let o = expect(&out, "rg-no-failover", Status::Fail);
        assert!(
            o.message.contains("AutomaticFailover is disabled"),
            "{}",
            o.message
        );
        let o = expect(&out, "rg-single", Status::Fail);
        assert!(
            o.message
                .contains("MultiAZ is disabled and AutomaticFailover is disabled")
        );
        let o = expect(&out, "rg-odd", Status::Unknown);
        assert!(mentions(o, "sometimes"));
        let o = expect(&out, "rg-unsaid", Status::Unknown);
        assert!(o.message.contains("not reported"), "{}", o.message);
        expect(&out, "rg-enabling", Status::Fail);
        assert_eq!(
            out[0].resource.resource_type,
            "AWS::ElastiCache::ReplicationGroup"
        );
    }
}
