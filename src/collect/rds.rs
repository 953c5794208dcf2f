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

use super::context::{Ctx, owned, strs, tags, timestamp};
use super::pager::Partial;
use crate::inventory::{
    Dataset, DbCluster, DbClusterMember, DbEndpoint, DbGlobalCluster, DbGlobalClusterMember,
    DbInstance, DbSnapshot, Str,
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
    let id = Str::from(i.db_instance_identifier()?);
    Some(DbInstance {
        arn: match i.db_instance_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::DbInstances, &id).into(),
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
        read_replica_ids: strs(i.read_replica_db_instance_identifiers()),
        automated_backup_replications: i
            .db_instance_automated_backups_replications()
            .iter()
            .filter_map(|r| r.db_instance_automated_backups_arn().map(Str::from))
            .collect(),
        tags: tags(i.tag_list().iter().map(|t| (t.key(), t.value()))),
        engine_version: owned(i.engine_version()),
        instance_class: owned(i.db_instance_class()),
        deletion_protection: i.deletion_protection(),
        auto_minor_version_upgrade: i.auto_minor_version_upgrade(),
        preferred_backup_window: owned(i.preferred_backup_window()),
        performance_insights_enabled: i.performance_insights_enabled(),
        performance_insights_retention_period: i.performance_insights_retention_period(),
        performance_insights_kms_key_id: owned(i.performance_insights_kms_key_id()),
        monitoring_interval: i.monitoring_interval(),
        // AWS leaves an empty list out: an instance read has one.
        enabled_cloudwatch_logs_exports: Some(strs(i.enabled_cloudwatch_logs_exports())),
        iam_database_authentication_enabled: i.iam_database_authentication_enabled(),
        kms_key_id: owned(i.kms_key_id()),
        ca_certificate_identifier: owned(i.ca_certificate_identifier()),
        certificate_valid_till: i
            .certificate_details()
            .and_then(|c| c.valid_till())
            .and_then(timestamp),
        copy_tags_to_snapshot: i.copy_tags_to_snapshot(),
        storage_type: owned(i.storage_type()),
        iops: i.iops(),
        allocated_storage: i.allocated_storage(),
        endpoint: i.endpoint().map(|e| DbEndpoint {
            address: owned(e.address()),
            port: e.port(),
            hosted_zone_id: owned(e.hosted_zone_id()),
        }),
        vpc_security_group_ids: Some(
            i.vpc_security_groups()
                .iter()
                .filter_map(|g| owned(g.vpc_security_group_id()))
                .collect(),
        ),
        subnet_group: owned(i.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
        vpc_id: owned(i.db_subnet_group().and_then(|g| g.vpc_id())),
        network_type: owned(i.network_type()),
        instance_create_time: i.instance_create_time().and_then(timestamp),
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
    let id = Str::from(c.db_cluster_identifier()?);
    Some(DbCluster {
        arn: match c.db_cluster_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::DbClusters, &id).into(),
        },
        place: ctx.place(),
        engine: owned(c.engine()),
        multi_az: c.multi_az().unwrap_or(false),
        availability_zones: strs(c.availability_zones()),
        members: c
            .db_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(DbClusterMember {
                    instance_id: m.db_instance_identifier()?.into(),
                    is_writer: m.is_cluster_writer().unwrap_or(false),
                })
            })
            .collect(),
        storage_encrypted: c.storage_encrypted().unwrap_or(false),
        backup_retention_days: c.backup_retention_period(),
        preferred_maintenance_window: owned(c.preferred_maintenance_window()),
        read_replica_ids: strs(c.read_replica_identifiers()),
        tags: tags(c.tag_list().iter().map(|t| (t.key(), t.value()))),
        engine_version: owned(c.engine_version()),
        engine_mode: owned(c.engine_mode()),
        status: owned(c.status()),
        deletion_protection: c.deletion_protection(),
        kms_key_id: owned(c.kms_key_id()),
        iam_database_authentication_enabled: c.iam_database_authentication_enabled(),
        // AWS leaves an empty list out: a cluster read has one.
        enabled_cloudwatch_logs_exports: Some(strs(c.enabled_cloudwatch_logs_exports())),
        preferred_backup_window: owned(c.preferred_backup_window()),
        copy_tags_to_snapshot: c.copy_tags_to_snapshot(),
        auto_minor_version_upgrade: c.auto_minor_version_upgrade(),
        performance_insights_enabled: c.performance_insights_enabled(),
        performance_insights_retention_period: c.performance_insights_retention_period(),
        monitoring_interval: c.monitoring_interval(),
        publicly_accessible: c.publicly_accessible(),
        storage_type: owned(c.storage_type()),
        instance_class: owned(c.db_cluster_instance_class()),
        endpoint: owned(c.endpoint()),
        port: c.port(),
        global_cluster_id: owned(c.global_cluster_identifier()),
        http_endpoint_enabled: c.http_endpoint_enabled(),
        vpc_security_group_ids: Some(
            c.vpc_security_groups()
                .iter()
                .filter_map(|g| owned(g.vpc_security_group_id()))
                .collect(),
        ),
        cluster_create_time: c.cluster_create_time().and_then(timestamp),
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
    let id = Str::from(g.global_cluster_identifier()?);
    Some(DbGlobalCluster {
        arn: match g.global_cluster_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::DbGlobalClusters, &id).into(),
        },
        place: ctx.place(),
        members: g
            .global_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(DbGlobalClusterMember {
                    cluster_arn: m.db_cluster_arn()?.into(),
                    is_writer: m.is_writer().unwrap_or(false),
                    readers: strs(m.readers()),
                })
            })
            .collect(),
        engine: owned(g.engine()),
        engine_version: owned(g.engine_version()),
        status: owned(g.status()),
        storage_encrypted: g.storage_encrypted(),
        deletion_protection: g.deletion_protection(),
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
    let id = Str::from(s.db_snapshot_identifier()?);
    Some(DbSnapshot {
        arn: match s.db_snapshot_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::DbSnapshots, &id).into(),
        },
        place: ctx.place(),
        source_id: owned(s.db_instance_identifier()),
        cluster: false,
        snapshot_type: s.snapshot_type().unwrap_or_default().into(),
        encrypted: s.encrypted().unwrap_or(false),
        created_at: s.snapshot_create_time().and_then(timestamp),
        status: owned(s.status()),
        engine: owned(s.engine()),
        tags: tags(s.tag_list().iter().map(|t| (t.key(), t.value()))),
        kms_key_id: owned(s.kms_key_id()),
        engine_version: owned(s.engine_version()),
        storage_type: owned(s.storage_type()),
        allocated_storage: s.allocated_storage(),
        iam_database_authentication_enabled: s.iam_database_authentication_enabled(),
        vpc_id: owned(s.vpc_id()),
        copied_from: owned(s.source_db_snapshot_identifier()),
        source_region: owned(s.source_region()),
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
    let id = Str::from(s.db_cluster_snapshot_identifier()?);
    Some(DbSnapshot {
        arn: match s.db_cluster_snapshot_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::DbClusterSnapshots, &id).into(),
        },
        place: ctx.place(),
        source_id: owned(s.db_cluster_identifier()),
        cluster: true,
        snapshot_type: s.snapshot_type().unwrap_or_default().into(),
        encrypted: s.storage_encrypted().unwrap_or(false),
        created_at: s.snapshot_create_time().and_then(timestamp),
        status: owned(s.status()),
        engine: owned(s.engine()),
        tags: tags(s.tag_list().iter().map(|t| (t.key(), t.value()))),
        kms_key_id: owned(s.kms_key_id()),
        engine_version: owned(s.engine_version()),
        storage_type: owned(s.storage_type()),
        allocated_storage: s.allocated_storage(),
        iam_database_authentication_enabled: s.iam_database_authentication_enabled(),
        vpc_id: owned(s.vpc_id()),
        copied_from: owned(s.source_db_cluster_snapshot_arn()),
        source_region: None,
        id,
    })
}
