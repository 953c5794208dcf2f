//! EFS collector (regional): file systems.
//!
//! Calls per region: `DescribeFileSystems` pages of 100 (AWS's default
//! page size; tags and encryption come with each file system, so nothing
//! is read per file system).

use aws_sdk_efs::Client;
use aws_sdk_efs::types as efs;

use super::context::{Ctx, owned, tags, timestamp};
use super::pager::Partial;
use crate::inventory::{Dataset, EfsFileSystem};

/// Reads every file system of the region.
pub(crate) async fn file_systems(ctx: &Ctx, client: &Client) -> Partial<EfsFileSystem> {
    const OP: &str = "DescribeFileSystems";
    read_pages!(
        ctx,
        OP,
        client
            .describe_file_systems()
            .max_items(100)
            .into_paginator()
            .send(),
        |page| page
            .file_systems()
            .iter()
            .filter_map(|f| file_system(ctx, f)),
        more: |last| last.next_marker(),
    )
}

fn file_system(ctx: &Ctx, f: &efs::FileSystemDescription) -> Option<EfsFileSystem> {
    let id = f.file_system_id();
    if id.is_empty() {
        return None;
    }
    let id = id.to_string();
    Some(EfsFileSystem {
        arn: match f.file_system_arn() {
            Some(arn) if !arn.is_empty() => arn.to_string(),
            _ => ctx.arn_of(Dataset::EfsFileSystems, &id),
        },
        place: ctx.place(),
        name: owned(f.name()),
        creation_time: timestamp(f.creation_time()),
        life_cycle_state: Some(f.life_cycle_state().as_str().to_string()),
        performance_mode: Some(f.performance_mode().as_str().to_string()),
        throughput_mode: f.throughput_mode().map(|m| m.as_str().to_string()),
        provisioned_throughput_in_mibps: f.provisioned_throughput_in_mibps(),
        encrypted: f.encrypted(),
        kms_key_id: owned(f.kms_key_id()),
        number_of_mount_targets: Some(f.number_of_mount_targets()),
        availability_zone_name: owned(f.availability_zone_name()),
        replication_overwrite_protection: f
            .file_system_protection()
            .and_then(|p| p.replication_overwrite_protection())
            .map(|p| p.as_str().to_string()),
        tags: tags(f.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
        id,
    })
}
