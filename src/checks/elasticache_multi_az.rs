//! `elasticache-multi-az`: ElastiCache replication groups are Multi-AZ with
//! automatic failover, and their nodes really span zones (HA-001,
//! ElastiCache part).

use super::resource::{cache_cluster_ref, cache_replication_group_ref, join_and, set};
use super::{Check, CheckDoc, Context, NoParams};
use crate::analysis::zones::Spread;
use crate::findings::{Evidence, Outcome, Status, Verdict};
use crate::inventory::{CacheCluster, CacheReplicationGroup, Dataset, Inventory};

/// Why a cache cluster is not judged on its own.
const GROUP_MEMBER: &str = "cache cluster in a replication group, judged through its group";
const MEMCACHED: &str = "Memcached cluster, which has no replication";

pub struct ElasticacheMultiAz;

/// What one of the group's flags says.
enum Flag {
    On,
    Off(String),
    Unclear(String),
}

fn flag(value: &Option<crate::inventory::Str>) -> Flag {
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
    let azs = Spread::of(g.member_availability_zones.iter().map(|z| z.as_str())).into_zones();
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

    // A flag that is off fails the group whatever the other says; the
    // evidence lists both flags as read.
    let mut off = Vec::new();
    let mut unclear = Vec::new();
    let mut flags = Verdict::every().with_unknown_on_fail();
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
                flags.fail(Evidence::new(field, v, meaning));
            }
            Flag::Unclear(v) => {
                unclear.push(format!("{field} is {v}"));
                flags.unknown(Evidence::new(
                    field,
                    v,
                    "not a value conform knows (expected enabled or disabled)",
                ));
            }
        }
    }
    if flags.status() != Status::Pass {
        let mut outcome = flags.outcome(resource, |status, _| match status {
            Status::Fail => format!(
                "replication group {} is not Multi-AZ with automatic failover: {}",
                g.id,
                join_and(&off)
            ),
            _ => format!(
                "cannot tell whether replication group {} fails over to another zone: {}",
                g.id,
                join_and(&unclear)
            ),
        });
        outcome.evidence.push(zones_evidence());
        return outcome;
    }
    // Judged per shard: a cluster-mode group with one shard entirely in
    // one zone loses that shard's keys with the zone, whatever the other
    // shards' zones.
    if g.node_groups.len() > 1 {
        return judge_shards(g, &members);
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

/// The zone verdict of a group with several node groups (cluster mode):
/// every shard must have nodes in two zones.
fn judge_shards(g: &CacheReplicationGroup, members: &str) -> Outcome {
    let resource = cache_replication_group_ref(g);
    let mut one_zone = Vec::new();
    let mut unknown = Vec::new();
    let mut shards = Verdict::every().with_unknown_on_fail();
    let mut smallest = usize::MAX;
    for shard in &g.node_groups {
        let azs =
            Spread::of(shard.member_availability_zones.iter().map(|z| z.as_str())).into_zones();
        smallest = smallest.min(azs.len());
        let field = format!("NodeGroups[{}].NodeGroupMembers", shard.id);
        match azs.len() {
            0 => {
                unknown.push(format!("shard {}", shard.id));
                shards.unknown(Evidence::new(
                    field,
                    "no zones reported",
                    "the zones of this shard's nodes are not known",
                ));
            }
            1 => {
                one_zone.push(format!("shard {} ({})", shard.id, azs[0]));
                shards.fail(Evidence::new(
                    field,
                    format!(
                        "{} {} in {}",
                        shard.member_availability_zones.len(),
                        if shard.member_availability_zones.len() == 1 {
                            "node"
                        } else {
                            "nodes"
                        },
                        azs[0]
                    ),
                    format!(
                        "every node of this shard is in {}; losing that zone loses the shard's keys",
                        azs[0]
                    ),
                ));
            }
            _ => {}
        }
    }
    let count_shards = g.node_groups.len();
    let mut outcome = shards.outcome(resource, |status, _| match status {
        Status::Fail => format!(
            "replication group {} is Multi-AZ with automatic failover, but {} {} all its nodes in one zone: {}",
            g.id,
            count(one_zone.len(), "shard", "shards"),
            if one_zone.len() == 1 { "has" } else { "have" },
            one_zone.join(", ")
        ),
        Status::Unknown => format!(
            "replication group {} reports Multi-AZ with automatic failover, but the zones of {} are not known",
            g.id,
            join_and(&unknown)
        ),
        _ => format!(
            "replication group {} is Multi-AZ with automatic failover, each of its {count_shards} shards with nodes in at least {smallest} availability zones",
            g.id
        ),
    });
    if outcome.status == Status::Fail {
        outcome.evidence.push(Evidence::new(
            "MemberClusters",
            members.to_string(),
            format!("{count_shards} shards"),
        ));
    }
    outcome
}

/// Whether a cache cluster runs Memcached, which has no replication (not
/// judged).
fn is_memcached(c: &CacheCluster) -> bool {
    set(&c.engine).is_some_and(|e| e.eq_ignore_ascii_case("memcached"))
}

/// A cache cluster outside any replication group.
fn judge_standalone(c: &CacheCluster) -> Option<Outcome> {
    if is_memcached(c) {
        return None;
    }
    let resource = cache_cluster_ref(c);
    let engine = set(&c.engine).map(str::to_ascii_lowercase);
    match engine.as_deref() {
        Some(e @ ("redis" | "valkey")) => Some(Outcome::fail(
            resource,
            format!(
                "cache cluster {} ({e}) is a single node outside any replication group: it has no replica in another zone",
                c.id
            ),
            vec![Evidence::new(
                "ReplicationGroupId",
                "none",
                format!(
                    "a standalone {e} cluster{} has no replica to fail over to",
                    c.availability_zone
                        .as_deref()
                        .map(|z| format!(" in {z}"))
                        .unwrap_or_default()
                ),
            )],
        )),
        other => Some(Outcome::unknown(
            resource,
            format!(
                "cannot tell whether cache cluster {} needs a replica: its engine is {}",
                c.id,
                other.map_or("not reported".to_string(), |e| format!("{e:?}"))
            ),
            vec![Evidence::new(
                "Engine",
                other.unwrap_or("none"),
                "conform knows redis, valkey and memcached",
            )],
        )),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "elasticache-multi-az",
        summary: "ElastiCache replication groups are Multi-AZ with automatic failover, with nodes in 2+ zones",
        what: "Every ElastiCache replication group (Redis OSS, Valkey) must have `MultiAZ` **enabled** and \
`AutomaticFailover` **enabled**, and its nodes must be in at least two distinct availability zones. The \
flags alone are not enough: a group can report Multi-AZ while every replica was placed in the primary's zone. \
The evidence lists the member clusters and the zones of their nodes.\n\n\
- Either flag `disabled`, `disabling` or `enabling` (not yet in effect): **fail**;\n\
- both enabled but every node in one zone: **fail**;\n\
- a cluster-mode group (several node groups, or shards) is judged **per shard**: every shard must have nodes in \
two zones, since a shard whose primary and replicas share one zone loses its slice of the keys with that zone \
even when the group as a whole spans several zones. A shard entirely in one zone fails, naming it;\n\
- a flag missing or with a value conform does not know, or node zones not reported: **unknown**.\n\n\
**Standalone cache clusters** (not in a replication group):\n\
- Redis OSS or Valkey: **fail**. A standalone cluster is a single node with no replica anywhere, so it cannot \
survive the loss of its zone; a replication group with a replica in another zone is what keeps the promise.\n\
- Memcached: **not judged**. Memcached has no replication at all (each node holds its own keys, and the data \
is a rebuildable cache by design), so there is no replica to place in another zone.\n\
- An engine that is not reported or not known: **unknown**.",
        why: "Without Multi-AZ and automatic failover, a zone outage takes the primary node down and the cache stays \
read-only or unavailable until someone acts.",
        fix: "Add a replica in another zone if needed, then enable both settings:\n\n\
```sh\naws elasticache increase-replica-count --replication-group-id my-cache --new-replica-count 1 --apply-immediately\n\
aws elasticache modify-replication-group --replication-group-id my-cache \\\n  \
--multi-az-enabled --automatic-failover-enabled --apply-immediately\n```\n\n\
In the console: ElastiCache → the cache → Modify → Multi-AZ and Auto-failover. Place replicas with \
`--preferred-availability-zones` (or `--node-group-configuration`) when creating.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::CacheReplicationGroups, Dataset::CacheClusters];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        let mut outcomes: Vec<Outcome> = inventory
            .cache_replication_groups
            .iter()
            .map(judge)
            .collect();
        outcomes.extend(
            inventory
                .cache_clusters
                .iter()
                .filter(|c| set(&c.replication_group_id).is_none())
                .filter_map(judge_standalone),
        );
        outcomes
    }

    fn not_judged(_ctx: &Context, inventory: &Inventory, _params: &(), skip: super::NotJudged<'_>) {
        for c in &inventory.cache_clusters {
            if set(&c.replication_group_id).is_some() {
                skip(&cache_cluster_ref(c), GROUP_MEMBER);
            } else if is_memcached(c) {
                skip(&cache_cluster_ref(c), MEMCACHED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::CacheNodeGroup;

    fn sharded(id: &str, shards: &[&[&str]]) -> CacheReplicationGroup {
        let flat: Vec<&str> = shards.iter().flat_map(|s| s.iter().copied()).collect();
        CacheReplicationGroup {
            node_groups: shards
                .iter()
                .enumerate()
                .map(|(i, zones)| CacheNodeGroup {
                    id: compact_str::format_compact!("{:04}", i + 1),
                    member_availability_zones: zones.iter().map(|z| (*z).into()).collect(),
                })
                .collect(),
            ..cache_replication_group(id, &flat)
        }
    }

    #[test]
    fn standalone_clusters_by_engine() {
        let mut inv = inventory();
        let with = |id: &str, engine: Option<&str>, group: Option<&str>| CacheCluster {
            engine: engine.map(Into::into),
            replication_group_id: group.map(Into::into),
            ..cache_cluster(id, None)
        };
        inv.cache_clusters = vec![
            with("redis-alone", Some("redis"), None),
            with("valkey-alone", Some("valkey"), None),
            with("memcached", Some("memcached"), None),
            with("member", Some("redis"), Some("rg")),
            with("mystery", None, None),
        ];
        let out = run::<ElasticacheMultiAz>(&inv);
        assert_eq!(out.len(), 3, "{out:#?}");
        let o = expect(&out, "redis-alone", Status::Fail);
        assert!(o.message.contains("single node"), "{}", o.message);
        assert_eq!(o.resource.resource_type, "AWS::ElastiCache::CacheCluster");
        expect(&out, "valkey-alone", Status::Fail);
        expect(&out, "mystery", Status::Unknown);
        assert_eq!(
            skipped::<ElasticacheMultiAz>(&inv),
            vec![
                ("memcached".to_string(), MEMCACHED),
                ("member".to_string(), GROUP_MEMBER)
            ],
            "Memcached and group members are counted as not judged"
        );
    }

    #[test]
    fn each_shard_must_span_two_zones() {
        let (a, b) = ("eu-north-1a", "eu-north-1b");
        let mut inv = inventory();
        inv.cache_replication_groups = vec![
            // The group spans two zones, but shard 0002 lives in one.
            sharded("rg-lopsided", &[&[a, b], &[a, a]]),
            sharded("rg-balanced", &[&[a, b], &[b, a]]),
            sharded("rg-blind", &[&[a, b], &[]]),
            // One node group: the flat list decides, as before.
            sharded("rg-one-shard", &[&[a, b]]),
        ];
        let out = run::<ElasticacheMultiAz>(&inv);
        let o = expect(&out, "rg-lopsided", Status::Fail);
        assert!(
            o.message
                .contains("1 shard has all its nodes in one zone: shard 0002 (eu-north-1a)"),
            "{}",
            o.message
        );
        assert_eq!(o.evidence[0].field, "NodeGroups[0002].NodeGroupMembers");
        assert_eq!(o.evidence[0].value, "2 nodes in eu-north-1a");
        let o = expect(&out, "rg-balanced", Status::Pass);
        assert!(o.message.contains("each of its 2 shards"), "{}", o.message);
        expect(&out, "rg-blind", Status::Unknown);
        expect(&out, "rg-one-shard", Status::Pass);
    }

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
        // Flat list only (older inventories): judged as before.
        assert!(out.iter().all(|o| !o.message.contains("shard")));
        assert_eq!(
            out[0].resource.resource_type,
            "AWS::ElastiCache::ReplicationGroup"
        );
    }
}
