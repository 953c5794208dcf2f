//! ElastiCache collectors (regional): replication groups and cache
//! clusters.
//!
//! Calls per region:
//!
//! | dataset             | calls                                                  |
//! |---------------------|--------------------------------------------------------|
//! | replication groups  | `DescribeReplicationGroups` pages of 100 (its maximum) |
//! | cache clusters      | `DescribeCacheClusters` pages of 100 (its maximum),    |
//! |                     | without node details (`ShowCacheNodeInfo` unset)       |
//!
//! **Tags are not read**: ElastiCache returns them only through
//! `ListTagsForResource`, one call per resource, which would multiply the
//! calls of a large estate. Both datasets therefore carry empty tags.
//!
//! A replication group's member AZs come from its node groups' members
//! (`NodeGroups[].NodeGroupMembers[].PreferredAvailabilityZone`, one entry
//! per node; a member without an AZ adds none). The member clusters are
//! also in the cache clusters dataset, each with its AZ, by
//! `replication_group_id`.

use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types as ec;

use super::context::{Ctx, owned, strs, timestamp};
use super::pager::Partial;
use crate::inventory::{CacheCluster, CacheLogDelivery, CacheNodeGroup, CacheReplicationGroup};
use crate::inventory::{Dataset, Str};

/// Reads every replication group of the region.
pub(crate) async fn replication_groups(
    ctx: &Ctx,
    client: &Client,
) -> Partial<CacheReplicationGroup> {
    const OP: &str = "DescribeReplicationGroups";
    read_pages!(
        ctx,
        OP,
        client
            .describe_replication_groups()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .replication_groups()
            .iter()
            .filter_map(|g| replication_group(ctx, g)),
        more: |last| last.marker(),
    )
}

fn replication_group(ctx: &Ctx, g: &ec::ReplicationGroup) -> Option<CacheReplicationGroup> {
    let id = Str::from(g.replication_group_id()?);
    Some(CacheReplicationGroup {
        arn: match g.arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::CacheReplicationGroups, &id).into(),
        },
        place: ctx.place(),
        multi_az: g.multi_az().map(|m| m.as_str().into()),
        automatic_failover: g.automatic_failover().map(|a| a.as_str().into()),
        member_clusters: strs(g.member_clusters()),
        member_availability_zones: g
            .node_groups()
            .iter()
            .flat_map(|n| n.node_group_members())
            .filter_map(|m| owned(m.preferred_availability_zone()))
            .collect(),
        node_groups: g
            .node_groups()
            .iter()
            .enumerate()
            .map(|(i, n)| CacheNodeGroup {
                id: n
                    .node_group_id()
                    .map_or_else(|| Str::from(format!("#{}", i + 1)), Str::from),
                member_availability_zones: n
                    .node_group_members()
                    .iter()
                    .filter_map(|m| owned(m.preferred_availability_zone()))
                    .collect(),
            })
            .collect(),
        // See the module documentation: tags need ListTagsForResource.
        tags: Default::default(),
        engine: owned(g.engine()),
        status: owned(g.status()),
        description: owned(g.description()),
        cache_node_type: owned(g.cache_node_type()),
        kms_key_id: owned(g.kms_key_id()),
        cluster_enabled: g.cluster_enabled(),
        cluster_mode: g.cluster_mode().map(|m| m.as_str().into()),
        data_tiering: g.data_tiering().map(|d| d.as_str().into()),
        user_group_ids: Some(strs(g.user_group_ids())),
        create_time: g.replication_group_create_time().and_then(timestamp),
        at_rest_encryption_enabled: g.at_rest_encryption_enabled(),
        transit_encryption_enabled: g.transit_encryption_enabled(),
        transit_encryption_mode: g.transit_encryption_mode().map(|m| m.as_str().into()),
        auth_token_enabled: g.auth_token_enabled(),
        auto_minor_version_upgrade: g.auto_minor_version_upgrade(),
        snapshot_retention_limit: g.snapshot_retention_limit(),
        snapshot_window: owned(g.snapshot_window()),
        network_type: g.network_type().map(|n| n.as_str().into()),
        log_delivery: Some(log_delivery(g.log_delivery_configurations())),
        id,
    })
}

fn log_delivery(configs: &[ec::LogDeliveryConfiguration]) -> Vec<CacheLogDelivery> {
    configs
        .iter()
        .map(|c| CacheLogDelivery {
            log_type: c.log_type().map(|x| x.as_str().into()),
            destination_type: c.destination_type().map(|x| x.as_str().into()),
            log_format: c.log_format().map(|x| x.as_str().into()),
            status: c.status().map(|x| x.as_str().into()),
        })
        .collect()
}

/// Reads every cache cluster of the region (standalone ones and the
/// members of replication groups).
pub(crate) async fn cache_clusters(ctx: &Ctx, client: &Client) -> Partial<CacheCluster> {
    const OP: &str = "DescribeCacheClusters";
    read_pages!(
        ctx,
        OP,
        client
            .describe_cache_clusters()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .cache_clusters()
            .iter()
            .filter_map(|c| cache_cluster(ctx, c)),
        more: |last| last.marker(),
    )
}

fn cache_cluster(ctx: &Ctx, c: &ec::CacheCluster) -> Option<CacheCluster> {
    let id = Str::from(c.cache_cluster_id()?);
    Some(CacheCluster {
        arn: match c.arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::CacheClusters, &id).into(),
        },
        place: ctx.place(),
        engine: owned(c.engine()),
        replication_group_id: owned(c.replication_group_id()),
        availability_zone: owned(c.preferred_availability_zone()),
        preferred_maintenance_window: owned(c.preferred_maintenance_window()),
        // See the module documentation: tags need ListTagsForResource.
        tags: Default::default(),
        engine_version: owned(c.engine_version()),
        status: owned(c.cache_cluster_status()),
        cache_node_type: owned(c.cache_node_type()),
        num_cache_nodes: c.num_cache_nodes(),
        cache_subnet_group_name: owned(c.cache_subnet_group_name()),
        security_group_ids: Some(
            c.security_groups()
                .iter()
                .filter_map(|g| owned(g.security_group_id()))
                .collect(),
        ),
        create_time: c.cache_cluster_create_time().and_then(timestamp),
        at_rest_encryption_enabled: c.at_rest_encryption_enabled(),
        transit_encryption_enabled: c.transit_encryption_enabled(),
        transit_encryption_mode: c.transit_encryption_mode().map(|m| m.as_str().into()),
        auth_token_enabled: c.auth_token_enabled(),
        auto_minor_version_upgrade: c.auto_minor_version_upgrade(),
        snapshot_retention_limit: c.snapshot_retention_limit(),
        snapshot_window: owned(c.snapshot_window()),
        network_type: c.network_type().map(|n| n.as_str().into()),
        log_delivery: Some(log_delivery(c.log_delivery_configurations())),
        id,
    })
}
