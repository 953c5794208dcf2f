//! EFS collector (regional): file systems.
//!
//! Calls per region: `DescribeFileSystems` pages of 100 (AWS's default
//! page size; tags and encryption come with each file system, so nothing
//! is read per file system).

use aws_sdk_efs::Client;
use aws_sdk_efs::types as efs;

use super::context::{Ctx, owned, tags, timestamp};
use super::pager::Partial;
use crate::inventory::{Dataset, EfsFileSystem, Str};

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
    let id = Str::from(id);
    Some(EfsFileSystem {
        arn: match f.file_system_arn() {
            Some(arn) if !arn.is_empty() => arn.to_string().into(),
            _ => ctx.arn_of(Dataset::EfsFileSystems, &id).into(),
        },
        place: ctx.place(),
        // moto names an untagged file system ""; AWS gives no Name.
        name: owned(f.name().filter(|n| !n.is_empty())),
        creation_time: timestamp(f.creation_time()),
        life_cycle_state: Some(f.life_cycle_state().as_str().into()),
        performance_mode: Some(f.performance_mode().as_str().into()),
        throughput_mode: f.throughput_mode().map(|m| m.as_str().into()),
        provisioned_throughput_in_mibps: f.provisioned_throughput_in_mibps(),
        encrypted: f.encrypted(),
        kms_key_id: owned(f.kms_key_id()),
        number_of_mount_targets: Some(f.number_of_mount_targets()),
        availability_zone_name: owned(f.availability_zone_name()),
        replication_overwrite_protection: f
            .file_system_protection()
            .and_then(|p| p.replication_overwrite_protection())
            .map(|p| p.as_str().into()),
        tags: tags(f.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use aws_smithy_types::DateTime;

    fn ctx() -> Ctx {
        Ctx::new(
            "111122223333",
            "aws",
            "us-west-2",
            Arc::new(crate::collect::limits::Limits::new(
                1,
                None,
                crate::collect::limits::DEFAULT_SHARE,
            )),
        )
    }

    /// An encrypted One Zone file system in elastic throughput mode, as in
    /// AWS's API reference (DescribeFileSystems' example).
    #[test]
    fn file_system_description_as_aws_gives_it() {
        let f = efs::FileSystemDescription::builder()
            .owner_id("111122223333")
            .creation_token("creation-token-1")
            .file_system_id("fs-0123456789abcdef0")
            .file_system_arn(
                "arn:aws:elasticfilesystem:us-west-2:111122223333:file-system/fs-0123456789abcdef0",
            )
            .creation_time(DateTime::from_secs(1_674_073_936))
            .life_cycle_state(efs::LifeCycleState::Available)
            .name("MyFileSystem")
            .number_of_mount_targets(1)
            .size_in_bytes(efs::FileSystemSize::builder().value(6144).build())
            .performance_mode(efs::PerformanceMode::GeneralPurpose)
            .encrypted(true)
            .kms_key_id(
                "arn:aws:kms:us-west-2:111122223333:key/a59b3472-e62c-42e4-adcf-30d92example",
            )
            .throughput_mode(efs::ThroughputMode::Elastic)
            .availability_zone_name("us-west-2b")
            .availability_zone_id("usw2-az4")
            .tags(
                efs::Tag::builder()
                    .key("Name")
                    .value("MyFileSystem")
                    .build()
                    .unwrap(),
            )
            .file_system_protection(
                efs::FileSystemProtectionDescription::builder()
                    .replication_overwrite_protection(efs::ReplicationOverwriteProtection::Enabled)
                    .build(),
            )
            .build()
            .unwrap();
        let fs = file_system(&ctx(), &f).unwrap();
        assert_eq!(fs.id, "fs-0123456789abcdef0");
        assert_eq!(fs.encrypted, Some(true));
        assert_eq!(fs.throughput_mode.as_deref(), Some("elastic"));
        assert_eq!(fs.availability_zone_name.as_deref(), Some("us-west-2b"));
        assert_eq!(
            fs.replication_overwrite_protection.as_deref(),
            Some("ENABLED")
        );
        assert_eq!(fs.number_of_mount_targets, Some(1));
        assert_eq!(
            fs.tags.get("Name").map(|s| s.as_str()),
            Some("MyFileSystem")
        );
    }
}
