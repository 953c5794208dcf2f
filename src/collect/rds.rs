//! RDS collectors (regional): DB instances, DB clusters, DB snapshots and
//! DB cluster snapshots.
//!
//! Calls per region, each in pages of 100 (their maximum):
//!
//! | dataset                | calls                         |
//! |------------------------|-------------------------------|
//! | DB instances           | `DescribeDBInstances`         |
//! | DB clusters            | `DescribeDBClusters`          |
//! | DB snapshots           | `DescribeDBSnapshots`         |
//! | DB cluster snapshots   | `DescribeDBClusterSnapshots`  |
//! | Aurora global databases| `DescribeGlobalClusters`      |
//!
//! Global databases are read only when a rule judges cross-region copies
//! (BAK-003): a global database's secondary clusters are its copies in
//! other regions, and `DescribeDBClusters` does not list them as replicas.
//!
//! All four also return Neptune and DocumentDB resources, which are kept
//! with their engine name. The snapshot calls are made without
//! `SnapshotType`/`IncludeShared`/`IncludePublic`, so they return the
//! account's own `manual`, `automated` and `awsbackup` snapshots, not
//! snapshots other accounts share with it nor public ones. Both kinds of
//! snapshot go to [`crate::inventory::Inventory::db_snapshots`], told apart
//! by [`DbSnapshot::cluster`].

use aws_sdk_rds::Client;
use aws_sdk_rds::types as rds;

use super::context::{Ctx, owned, tags, timestamp};
use super::pager::Partial;
use crate::inventory::{
    Dataset, DbCluster, DbClusterMember, DbGlobalCluster, DbGlobalClusterMember, DbInstance,
    DbSnapshot,
};

/// Reads every DB instance of the region.
pub(crate) async fn db_instances(ctx: &Ctx, client: &Client) -> Partial<DbInstance> {
    const OP: &str = "DescribeDBInstances";
    read_pages!(
        ctx,
        OP,
        client
            .describe_db_instances()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .db_instances()
            .iter()
            .filter_map(|i| db_instance(ctx, i)),
        more: |last| last.marker(),
    )
}

fn db_instance(ctx: &Ctx, i: &rds::DbInstance) -> Option<DbInstance> {
    let id = i.db_instance_identifier()?.to_string();
    Some(DbInstance {
        arn: match i.db_instance_arn() {
            Some(arn) => arn.to_string(),
            None => ctx.arn_of(Dataset::DbInstances, &id),
        },
        place: ctx.place(),
        engine: owned(i.engine()),
        status: owned(i.db_instance_status()),
        multi_az: i.multi_az().unwrap_or(false),
        availability_zone: owned(i.availability_zone()),
        secondary_availability_zone: owned(i.secondary_availability_zone()),
        cluster_id: owned(i.db_cluster_identifier()),
        read_replica_source: owned(i.read_replica_source_db_instance_identifier()),
        publicly_accessible: i.publicly_accessible().unwrap_or(false),
        storage_encrypted: i.storage_encrypted().unwrap_or(false),
        backup_retention_days: i.backup_retention_period(),
        preferred_maintenance_window: owned(i.preferred_maintenance_window()),
        read_replica_ids: i.read_replica_db_instance_identifiers().to_vec(),
        automated_backup_replications: i
            .db_instance_automated_backups_replications()
            .iter()
            .filter_map(|r| r.db_instance_automated_backups_arn().map(str::to_string))
            .collect(),
        tags: tags(i.tag_list().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}

/// Reads every DB cluster of the region.
pub(crate) async fn db_clusters(ctx: &Ctx, client: &Client) -> Partial<DbCluster> {
    const OP: &str = "DescribeDBClusters";
    read_pages!(
        ctx,
        OP,
        client
            .describe_db_clusters()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page.db_clusters().iter().filter_map(|c| db_cluster(ctx, c)),
        more: |last| last.marker(),
    )
}

fn db_cluster(ctx: &Ctx, c: &rds::DbCluster) -> Option<DbCluster> {
    let id = c.db_cluster_identifier()?.to_string();
    Some(DbCluster {
        arn: match c.db_cluster_arn() {
            Some(arn) => arn.to_string(),
            None => ctx.arn_of(Dataset::DbClusters, &id),
        },
        place: ctx.place(),
        engine: owned(c.engine()),
        multi_az: c.multi_az().unwrap_or(false),
        availability_zones: c.availability_zones().to_vec(),
        members: c
            .db_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(DbClusterMember {
                    instance_id: m.db_instance_identifier()?.to_string(),
                    is_writer: m.is_cluster_writer().unwrap_or(false),
                })
            })
            .collect(),
        storage_encrypted: c.storage_encrypted().unwrap_or(false),
        backup_retention_days: c.backup_retention_period(),
        preferred_maintenance_window: owned(c.preferred_maintenance_window()),
        read_replica_ids: c.read_replica_identifiers().to_vec(),
        tags: tags(c.tag_list().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}

/// Reads the Aurora global databases listed in the region, with their
/// member clusters in every region. Read only for rules that judge
/// cross-region copies.
pub(crate) async fn db_global_clusters(ctx: &Ctx, client: &Client) -> Partial<DbGlobalCluster> {
    const OP: &str = "DescribeGlobalClusters";
    read_pages!(
        ctx,
        OP,
        client
            .describe_global_clusters()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .global_clusters()
            .iter()
            .filter_map(|g| db_global_cluster(ctx, g)),
        more: |last| last.marker(),
    )
}

fn db_global_cluster(ctx: &Ctx, g: &rds::GlobalCluster) -> Option<DbGlobalCluster> {
    let id = g.global_cluster_identifier()?.to_string();
    Some(DbGlobalCluster {
        arn: match g.global_cluster_arn() {
            Some(arn) => arn.to_string(),
            None => ctx.arn_of(Dataset::DbGlobalClusters, &id),
        },
        place: ctx.place(),
        members: g
            .global_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(DbGlobalClusterMember {
                    cluster_arn: m.db_cluster_arn()?.to_string(),
                    is_writer: m.is_writer().unwrap_or(false),
                    readers: m.readers().to_vec(),
                })
            })
            .collect(),
        id,
    })
}

/// Reads the account's DB snapshots in the region.
pub(crate) async fn db_snapshots(ctx: &Ctx, client: &Client) -> Partial<DbSnapshot> {
    const OP: &str = "DescribeDBSnapshots";
    read_pages!(
        ctx,
        OP,
        client
            .describe_db_snapshots()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .db_snapshots()
            .iter()
            .filter_map(|s| db_snapshot(ctx, s)),
        more: |last| last.marker(),
    )
}

fn db_snapshot(ctx: &Ctx, s: &rds::DbSnapshot) -> Option<DbSnapshot> {
    let id = s.db_snapshot_identifier()?.to_string();
    Some(DbSnapshot {
        arn: match s.db_snapshot_arn() {
            Some(arn) => arn.to_string(),
            None => ctx.arn_of(Dataset::DbSnapshots, &id),
        },
        place: ctx.place(),
        source_id: owned(s.db_instance_identifier()),
        cluster: false,
        snapshot_type: s.snapshot_type().unwrap_or_default().to_string(),
        encrypted: s.encrypted().unwrap_or(false),
        created_at: s.snapshot_create_time().and_then(timestamp),
        status: owned(s.status()),
        engine: owned(s.engine()),
        tags: tags(s.tag_list().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}

/// Reads the account's DB cluster snapshots in the region.
pub(crate) async fn db_cluster_snapshots(ctx: &Ctx, client: &Client) -> Partial<DbSnapshot> {
    const OP: &str = "DescribeDBClusterSnapshots";
    read_pages!(
        ctx,
        OP,
        client
            .describe_db_cluster_snapshots()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .db_cluster_snapshots()
            .iter()
            .filter_map(|s| db_cluster_snapshot(ctx, s)),
        more: |last| last.marker(),
    )
}

fn db_cluster_snapshot(ctx: &Ctx, s: &rds::DbClusterSnapshot) -> Option<DbSnapshot> {
    let id = s.db_cluster_snapshot_identifier()?.to_string();
    Some(DbSnapshot {
        arn: match s.db_cluster_snapshot_arn() {
            Some(arn) => arn.to_string(),
            None => ctx.arn_of(Dataset::DbClusterSnapshots, &id),
        },
        place: ctx.place(),
        source_id: owned(s.db_cluster_identifier()),
        cluster: true,
        snapshot_type: s.snapshot_type().unwrap_or_default().to_string(),
        encrypted: s.storage_encrypted().unwrap_or(false),
        created_at: s.snapshot_create_time().and_then(timestamp),
        status: owned(s.status()),
        engine: owned(s.engine()),
        tags: tags(s.tag_list().iter().map(|t| (t.key(), t.value()))),
        id,
    })
}
