//! EC2 collectors (regional): security groups, managed prefix lists,
//! network ACLs, network interfaces, instances, volumes, EBS encryption by
//! default and EBS snapshots.
//!
//! Calls per region:
//!
//! | dataset                     | calls                                                   |
//! |-----------------------------|---------------------------------------------------------|
//! | security groups             | `DescribeSecurityGroups` pages of 1000                  |
//! | prefix lists                | only if a collected security group references one:      |
//! |                             | `DescribeManagedPrefixLists` pages of 100, then          |
//! |                             | `GetManagedPrefixListEntries` (pages of 100) per list    |
//! |                             | *referenced by a collected security group* only          |
//! | network ACLs                | `DescribeNetworkAcls` pages of 1000                     |
//! | network interfaces          | `DescribeNetworkInterfaces` pages of 1000               |
//! | instances                   | `DescribeInstances` pages of 1000                       |
//! | volumes                     | `DescribeVolumes` pages of 1000 (AWS caps them at 500)  |
//! | EBS encryption by default   | one `GetEbsEncryptionByDefault`                         |
//! | snapshots                   | `DescribeSnapshots` with `OwnerIds=self`, pages of 1000 |
//! |                             | (a snapshot whose `OwnerId` is another account is       |
//! |                             | dropped: see [`owned_here`])                            |
//!
//! Values are copied as AWS returns them; SDK enums are carried as their
//! AWS strings (`.as_str()`), so a value newer than this SDK is kept, not
//! dropped. Elements missing their identifier are skipped; other missing
//! fields get empty defaults.

use std::collections::BTreeSet;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as ec2;

use super::context::{Ctx, owned, tags, timestamp};
use super::pager::{Partial, more_pages};
use crate::inventory::{
    Dataset, EbsEncryptionByDefault, Instance, InstanceInterface, IpPermission, MetadataOptions,
    NaclEntry, NetworkAcl, NetworkInterface, PrefixList, PublicAddress, SecurityGroup, Snapshot,
    Str, Volume,
};

/// Reads every security group of the region with its inbound rules.
pub(crate) async fn security_groups(ctx: &Ctx, client: &Client) -> Partial<SecurityGroup> {
    const OP: &str = "DescribeSecurityGroups";
    read_pages!(
        ctx,
        OP,
        client
            .describe_security_groups()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page
            .security_groups()
            .iter()
            .filter_map(|g| security_group(ctx, g)),
        more: |last| last.next_token(),
    )
}

fn security_group(ctx: &Ctx, g: &ec2::SecurityGroup) -> Option<SecurityGroup> {
    let id = Str::from(g.group_id()?);
    Some(SecurityGroup {
        arn: ctx.arn_of(Dataset::SecurityGroups, &id).into(),
        place: ctx.place(),
        name: g.group_name().unwrap_or_default().into(),
        vpc_id: owned(g.vpc_id()),
        tags: tags(g.tags().iter().map(|t| (t.key(), t.value()))),
        ingress: g
            .ip_permissions()
            .iter()
            .map(|p| ip_permission(ctx, p))
            .collect(),
        egress: Some(
            g.ip_permissions_egress()
                .iter()
                .map(|p| ip_permission(ctx, p))
                .collect(),
        ),
        description: owned(g.description()),
        owner_id: owned(g.owner_id()),
        id,
    })
}

fn ip_permission(ctx: &Ctx, p: &ec2::IpPermission) -> IpPermission {
    IpPermission {
        protocol: p.ip_protocol().unwrap_or_default().into(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ipv4_ranges: p
            .ip_ranges()
            .iter()
            .filter_map(|r| owned(r.cidr_ip()))
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| owned(r.cidr_ipv6()))
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .filter_map(|r| owned(r.prefix_list_id()))
            .collect(),
        group_ids: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|pair| {
                // A group of the default VPC may be named rather than
                // identified in old rules.
                let group = pair.group_id().or(pair.group_name())?;
                Some(match pair.user_id() {
                    Some(user) if !user.is_empty() && user != ctx.account => {
                        Str::from(format!("{user}/{group}"))
                    }
                    _ => Str::from(group),
                })
            })
            .collect(),
    }
}

/// The prefix list ids the security groups' inbound rules reference.
pub(crate) fn referenced_prefix_lists(groups: &[SecurityGroup]) -> BTreeSet<Str> {
    groups
        .iter()
        .flat_map(|g| &g.ingress)
        .flat_map(|p| &p.prefix_list_ids)
        .cloned()
        .collect()
}

/// Reads every managed prefix list of the region, and the entries of those
/// in `referenced` (the others keep `entries: None` without an error: they
/// were not needed). A failure to read one list's entries is recorded on
/// that list; the dataset's error is the listing's. When no security group
/// references a prefix list, nothing is needed and no call is made.
pub(crate) async fn prefix_lists(
    ctx: &Ctx,
    client: &Client,
    referenced: &BTreeSet<Str>,
) -> Partial<PrefixList> {
    const OP: &str = "DescribeManagedPrefixLists";
    if referenced.is_empty() {
        return Partial::default();
    }
    let mut out = read_pages!(
        ctx,
        OP,
        client
            .describe_managed_prefix_lists()
            .max_results(100)
            .into_paginator()
            .send(),
        |page| page
            .prefix_lists()
            .iter()
            .filter_map(|l| prefix_list(ctx, l)),
        more: |last| last.next_token(),
    );
    let reads = out
        .items
        .iter_mut()
        .filter(|l| referenced.contains(&l.id))
        .map(|l| async move {
            match prefix_list_entries(ctx, client, &l.id).await {
                Ok(entries) => l.entries = Some(entries),
                Err(e) => l.entries_error = Some(e.into()),
            }
        });
    futures::future::join_all(reads).await;
    out
}

fn prefix_list(ctx: &Ctx, l: &ec2::ManagedPrefixList) -> Option<PrefixList> {
    let id = Str::from(l.prefix_list_id()?);
    Some(PrefixList {
        arn: match l.prefix_list_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::PrefixLists, &id).into(),
        },
        place: ctx.place(),
        name: l.prefix_list_name().unwrap_or_default().into(),
        owner_id: owned(l.owner_id()),
        address_family: owned(l.address_family()),
        entries: None,
        entries_error: None,
        max_entries: l.max_entries(),
        state: l.state().map(|x| x.as_str().into()),
        version: l.version(),
        id,
    })
}

async fn prefix_list_entries(
    ctx: &Ctx,
    client: &Client,
    id: &str,
) -> Result<Vec<Str>, crate::inventory::AwsError> {
    const OP: &str = "GetManagedPrefixListEntries";
    let mut entries = Vec::new();
    let mut pages = client
        .get_managed_prefix_list_entries()
        .prefix_list_id(id)
        .max_results(100)
        .into_paginator()
        .send();
    let mut sends = true;
    while let Some(page) = ctx.page(OP, sends, pages.next()).await? {
        sends = more_pages(page.next_token());
        entries.extend(page.entries().iter().filter_map(|e| owned(e.cidr())));
    }
    Ok(entries)
}

/// Reads every network ACL of the region with its entries and subnets.
pub(crate) async fn network_acls(ctx: &Ctx, client: &Client) -> Partial<NetworkAcl> {
    const OP: &str = "DescribeNetworkAcls";
    read_pages!(
        ctx,
        OP,
        client
            .describe_network_acls()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page
            .network_acls()
            .iter()
            .filter_map(|a| network_acl(ctx, a)),
        more: |last| last.next_token(),
    )
}

fn network_acl(ctx: &Ctx, a: &ec2::NetworkAcl) -> Option<NetworkAcl> {
    let id = Str::from(a.network_acl_id()?);
    Some(NetworkAcl {
        arn: ctx.arn_of(Dataset::NetworkAcls, &id).into(),
        place: ctx.place(),
        vpc_id: owned(a.vpc_id()),
        is_default: a.is_default().unwrap_or(false),
        tags: tags(a.tags().iter().map(|t| (t.key(), t.value()))),
        entries: a
            .entries()
            .iter()
            .filter_map(|e| {
                Some(NaclEntry {
                    // Entries are evaluated in rule-number order: one
                    // without a number cannot be placed.
                    rule_number: e.rule_number()?,
                    protocol: e.protocol().unwrap_or_default().into(),
                    action: e
                        .rule_action()
                        .map(|a| a.as_str())
                        .unwrap_or_default()
                        .into(),
                    egress: e.egress().unwrap_or(false),
                    cidr_block: owned(e.cidr_block()),
                    ipv6_cidr_block: owned(e.ipv6_cidr_block()),
                    port_from: e.port_range().and_then(|r| r.from()),
                    port_to: e.port_range().and_then(|r| r.to()),
                    icmp_type: e.icmp_type_code().and_then(|c| c.r#type()),
                    icmp_code: e.icmp_type_code().and_then(|c| c.code()),
                })
            })
            .collect(),
        subnet_ids: a
            .associations()
            .iter()
            .filter_map(|s| owned(s.subnet_id()))
            .collect(),
        owner_id: owned(a.owner_id()),
        id,
    })
}

/// Reads every network interface of the region.
pub(crate) async fn network_interfaces(ctx: &Ctx, client: &Client) -> Partial<NetworkInterface> {
    const OP: &str = "DescribeNetworkInterfaces";
    read_pages!(
        ctx,
        OP,
        client
            .describe_network_interfaces()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page
            .network_interfaces()
            .iter()
            .filter_map(|n| network_interface(ctx, n)),
        more: |last| last.next_token(),
    )
}

fn network_interface(ctx: &Ctx, n: &ec2::NetworkInterface) -> Option<NetworkInterface> {
    let id = Str::from(n.network_interface_id()?);
    Some(NetworkInterface {
        arn: ctx.arn_of(Dataset::NetworkInterfaces, &id).into(),
        place: ctx.place(),
        interface_type: n.interface_type().map(|t| t.as_str().into()),
        requester_id: owned(n.requester_id()),
        requester_managed: n.requester_managed().unwrap_or(false),
        description: owned(n.description()),
        instance_id: owned(n.attachment().and_then(|a| a.instance_id())),
        security_group_ids: n
            .groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        public_ip: owned(n.association().and_then(|a| a.public_ip())),
        tags: tags(n.tag_set().iter().map(|t| (t.key(), t.value()))),
        vpc_id: owned(n.vpc_id()),
        subnet_id: owned(n.subnet_id()),
        availability_zone: owned(n.availability_zone()),
        status: n.status().map(|x| x.as_str().into()),
        private_ip: owned(n.private_ip_address()),
        source_dest_check: n.source_dest_check(),
        owner_id: owned(n.owner_id()),
        id,
    })
}

/// Reads every instance of the region (terminated ones included, while AWS
/// still lists them; their state says so).
pub(crate) async fn instances(ctx: &Ctx, client: &Client) -> Partial<Instance> {
    const OP: &str = "DescribeInstances";
    read_pages!(
        ctx,
        OP,
        client
            .describe_instances()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter_map(|i| instance(ctx, i)),
        more: |last| last.next_token(),
    )
}

fn instance(ctx: &Ctx, i: &ec2::Instance) -> Option<Instance> {
    let id = Str::from(i.instance_id()?);
    Some(Instance {
        arn: ctx.arn_of(Dataset::Instances, &id).into(),
        place: ctx.place(),
        state: i.state().and_then(|s| s.name()).map(|n| n.as_str().into()),
        availability_zone: owned(i.placement().and_then(|p| p.availability_zone())),
        public_ip: owned(i.public_ip_address()),
        ipv6_addresses: i
            .network_interfaces()
            .iter()
            .flat_map(|n| n.ipv6_addresses())
            .filter_map(|a| owned(a.ipv6_address()))
            .collect(),
        subnet_id: owned(i.subnet_id()),
        security_group_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        tags: tags(i.tags().iter().map(|t| (t.key(), t.value()))),
        interfaces: i
            .network_interfaces()
            .iter()
            .filter_map(instance_interface)
            .collect(),
        image_id: owned(i.image_id()),
        instance_type: i.instance_type().map(|x| x.as_str().into()),
        vpc_id: owned(i.vpc_id()),
        private_ip: owned(i.private_ip_address()),
        launch_time: i.launch_time().and_then(timestamp),
        key_name: owned(i.key_name()),
        instance_profile_arn: owned(i.iam_instance_profile().and_then(|p| p.arn())),
        instance_profile_id: owned(i.iam_instance_profile().and_then(|p| p.id())),
        monitoring: i
            .monitoring()
            .and_then(|m| m.state())
            .map(|x| x.as_str().into()),
        tenancy: i
            .placement()
            .and_then(|p| p.tenancy())
            .map(|x| x.as_str().into()),
        metadata_options: i.metadata_options().map(|m| {
            Box::new(MetadataOptions {
                state: m.state().map(|x| x.as_str().into()),
                http_tokens: m.http_tokens().map(|x| x.as_str().into()),
                http_put_response_hop_limit: m.http_put_response_hop_limit(),
                http_endpoint: m.http_endpoint().map(|x| x.as_str().into()),
                http_protocol_ipv6: m.http_protocol_ipv6().map(|x| x.as_str().into()),
                instance_metadata_tags: m.instance_metadata_tags().map(|x| x.as_str().into()),
            })
        }),
        ebs_optimized: i.ebs_optimized(),
        source_dest_check: i.source_dest_check(),
        root_device_type: i.root_device_type().map(|x| x.as_str().into()),
        platform_details: owned(i.platform_details()),
        architecture: i.architecture().map(|x| x.as_str().into()),
        id,
    })
}

fn instance_interface(n: &ec2::InstanceNetworkInterface) -> Option<InstanceInterface> {
    let mut public_ips: Vec<PublicAddress> = Vec::new();
    let mut add = |public: Option<&str>, private: Option<&str>, owner: Option<&str>| {
        let Some(public) = public.map(str::trim).filter(|p| !p.is_empty()) else {
            return;
        };
        if !public_ips.iter().any(|p| p.public_ip == public) {
            public_ips.push(PublicAddress {
                public_ip: public.into(),
                private_ip: owned(private),
                ip_owner_id: owned(owner),
            });
        }
    };
    // Every private address (the primary one included) with its
    // association; the interface's own association repeats the primary's.
    for a in n.private_ip_addresses() {
        let assoc = a.association();
        add(
            assoc.and_then(|x| x.public_ip()),
            a.private_ip_address(),
            assoc.and_then(|x| x.ip_owner_id()),
        );
    }
    let assoc = n.association();
    add(
        assoc.and_then(|x| x.public_ip()),
        n.private_ip_address(),
        assoc.and_then(|x| x.ip_owner_id()),
    );
    Some(InstanceInterface {
        id: n.network_interface_id()?.into(),
        device_index: n.attachment().and_then(|a| a.device_index()),
        public_ips,
        ipv6_addresses: n
            .ipv6_addresses()
            .iter()
            .filter_map(|a| owned(a.ipv6_address()))
            .collect(),
    })
}

/// Reads every EBS volume of the region.
pub(crate) async fn volumes(ctx: &Ctx, client: &Client) -> Partial<Volume> {
    const OP: &str = "DescribeVolumes";
    read_pages!(
        ctx,
        OP,
        client
            .describe_volumes()
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page.volumes().iter().filter_map(|v| volume(ctx, v)),
        more: |last| last.next_token(),
    )
}

fn volume(ctx: &Ctx, v: &ec2::Volume) -> Option<Volume> {
    let id = Str::from(v.volume_id()?);
    Some(Volume {
        arn: ctx.arn_of(Dataset::Volumes, &id).into(),
        place: ctx.place(),
        // AWS always says; were it silent, "not encrypted" is the reading
        // that cannot hide a problem.
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: owned(v.kms_key_id()),
        state: v.state().map(|s| s.as_str().into()),
        attached_instance_ids: v
            .attachments()
            .iter()
            .filter_map(|a| owned(a.instance_id()))
            .collect(),
        tags: tags(v.tags().iter().map(|t| (t.key(), t.value()))),
        volume_type: v.volume_type().map(|x| x.as_str().into()),
        size: v.size(),
        iops: v.iops(),
        throughput: v.throughput(),
        availability_zone: owned(v.availability_zone()),
        create_time: v.create_time().and_then(timestamp),
        snapshot_id: owned::<Str>(v.snapshot_id()).filter(|s| !s.is_empty()),
        multi_attach_enabled: v.multi_attach_enabled(),
        id,
    })
}

/// Reads whether new EBS volumes of the region are encrypted by default.
pub(crate) async fn ebs_encryption_by_default(
    ctx: &Ctx,
    client: &Client,
) -> Partial<EbsEncryptionByDefault> {
    const OP: &str = "GetEbsEncryptionByDefault";
    let mut out = Partial::default();
    match ctx
        .call(OP, client.get_ebs_encryption_by_default().send())
        .await
    {
        Ok(answer) => out.items.push(EbsEncryptionByDefault {
            place: ctx.place(),
            enabled: answer.ebs_encryption_by_default().unwrap_or(false),
            arn: ctx.arn_of(Dataset::EbsEncryptionByDefault, "").into(),
            sse_type: answer.sse_type().map(|x| x.as_str().into()),
        }),
        Err(e) => out.error = Some(e),
    }
    out
}

/// Reads every EBS snapshot the account owns in the region (not those
/// shared with it, nor public ones).
pub(crate) async fn snapshots(ctx: &Ctx, client: &Client) -> Partial<Snapshot> {
    const OP: &str = "DescribeSnapshots";
    read_pages!(
        ctx,
        OP,
        client
            .describe_snapshots()
            .owner_ids("self")
            .max_results(1000)
            .into_paginator()
            .send(),
        |page| page
            .snapshots()
            .iter()
            .filter(|s| owned_here(ctx, s.owner_id()))
            .filter_map(|s| snapshot(ctx, s)),
        more: |last| last.next_token(),
    )
}

/// Whether a snapshot listed with `OwnerIds=self` is the account's. AWS
/// lists only those, so this holds there; an emulator that ignores the
/// owner filter (moto lists the public AMIs' snapshots of other accounts)
/// would otherwise put other accounts' snapshots in this account's
/// dataset. A snapshot without an owner is taken at AWS's word.
fn owned_here(ctx: &Ctx, owner: Option<&str>) -> bool {
    owner.is_none_or(|o| o.is_empty() || o == ctx.account)
}

fn snapshot(ctx: &Ctx, s: &ec2::Snapshot) -> Option<Snapshot> {
    let id = Str::from(s.snapshot_id()?);
    Some(Snapshot {
        // EBS snapshot ARNs carry no account (IAM's resource type is
        // `arn:${Partition}:ec2:${Region}::snapshot/${SnapshotId}`).
        arn: ctx.arn_of(Dataset::Snapshots, &id).into(),
        place: ctx.place(),
        volume_id: owned(s.volume_id()),
        // As for volumes: silence reads as "not encrypted".
        encrypted: s.encrypted().unwrap_or(false),
        start_time: s.start_time().and_then(timestamp),
        state: s.state().map(|st| st.as_str().into()),
        description: owned(s.description()),
        tags: tags(s.tags().iter().map(|t| (t.key(), t.value()))),
        kms_key_id: owned(s.kms_key_id()),
        volume_size: s.volume_size(),
        storage_tier: s.storage_tier().map(|t| t.as_str().into()),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ctx() -> Ctx {
        Ctx::new(
            "111122223333",
            "aws",
            "eu-north-1",
            Arc::new(crate::collect::limits::Limits::new(
                1,
                None,
                crate::collect::limits::DEFAULT_SHARE,
            )),
        )
    }

    #[test]
    fn only_the_accounts_own_snapshots_are_kept() {
        assert!(owned_here(&ctx(), Some("111122223333")));
        assert!(owned_here(&ctx(), None));
        assert!(owned_here(&ctx(), Some("")));
        assert!(!owned_here(&ctx(), Some("801119661308")));
    }

    #[test]
    fn snapshot_fields() {
        let s = ec2::Snapshot::builder()
            .snapshot_id("snap-1")
            .volume_id("vol-1")
            .encrypted(true)
            .start_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .state(ec2::SnapshotState::Completed)
            .tags(ec2::Tag::builder().key("k").value("v").build())
            .build();
        let got = snapshot(&ctx(), &s).expect("a snapshot");
        assert_eq!(got.arn, "arn:aws:ec2:eu-north-1::snapshot/snap-1");
        assert!(got.encrypted);
        assert_eq!(got.state.as_deref(), Some("completed"));
        assert_eq!(got.start_time.map(|t| t.as_second()), Some(1_700_000_000));
        assert_eq!(got.tags.get("k").map(|s| s.as_str()), Some("v"));
        assert!(snapshot(&ctx(), &ec2::Snapshot::builder().build()).is_none());
    }
}
