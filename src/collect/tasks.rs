//! Tasks: one account's reading, as a tokio task per (region × dataset
//! group) and per global dataset group, each recording its datasets'
//! coverage, and joined into the account's inventory.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;

use tokio::task::{Id, JoinSet};

use super::context::Ctx;
use super::pager::Partial;
use super::plan::Beyond;
use super::{
    CollectOptions, Progress, account, autoscaling, client, cloudtrail, dynamodb, ec2, efs,
    elasticache, elb, error, kms, limits, logs, rds, s3, vpc,
};
use crate::inventory::{
    Coverage, Dataset, EnabledRegions, GLOBAL, Inventory, ScannedAccount, Stored,
};

/// Reads one account: every (region × dataset group) a task, plus the
/// global datasets, all under the scan-wide request `limit`; and, for
/// checks that judge where resources are, their datasets in the enabled
/// regions `regions` leaves out (`beyond`).
pub(super) async fn collect_account(
    config: &client::ScanConfig,
    identity: &account::Identity,
    regions: &[String],
    wanted: &BTreeSet<Dataset>,
    beyond: Option<&Beyond>,
    options: &CollectOptions,
    limit: &Arc<limits::Limits>,
) -> Inventory {
    let base = Ctx::new(
        &identity.account,
        &identity.partition,
        GLOBAL,
        limit.clone(),
    );
    let mut tasks = Tasks::default();

    for region in regions {
        let ctx = base.in_region(region);
        let clients = client::RegionClients::new(config, region);
        spawn_region(&mut tasks, &ctx, &clients, wanted);
    }
    for region in beyond.iter().flat_map(|b| &b.extra) {
        let ctx = base.in_region(region);
        let clients = client::RegionClients::new(config, region);
        spawn_region(
            &mut tasks,
            &ctx,
            &clients,
            &beyond.map(|b| b.datasets.clone()).unwrap_or_default(),
        );
    }
    // The first region scanned (known to exist and be enabled).
    let first_region = regions
        .first()
        .cloned()
        .unwrap_or_else(|| account::FALLBACK_REGION.to_string());
    if wanted.contains(&Dataset::Buckets) {
        // ListBuckets is global; send it to the configured region, else to
        // the first region scanned.
        let home = config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| first_region.clone());
        let ctx = base.clone();
        let config = config.clone();
        let path_style = options.s3_force_path_style;
        let wants = s3::BucketWants::of(wanted);
        let details = wants.datasets();
        let mut datasets = vec![Dataset::Buckets];
        datasets.extend(details.iter().copied());
        tasks.spawn(GLOBAL, datasets, async move {
            let mut inventory = Inventory::default();
            let buckets = s3::buckets(&ctx, &config, &home, path_style, wants).await;
            // Read for the buckets listed: complete exactly when the list
            // is (a bucket's own failures are on the bucket).
            for dataset in details {
                let error = buckets.error.clone();
                inventory.coverage.push(ctx.coverage(dataset, error));
            }
            record(&mut inventory, &ctx, Dataset::Buckets, buckets);
            inventory
        });
    }
    if wanted.contains(&Dataset::AccountPublicAccessBlocks) {
        // One setting per account, from S3 Control in the home region.
        let home = config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| first_region.clone());
        let ctx = base.clone();
        let config = config.clone();
        let dataset = Dataset::AccountPublicAccessBlocks;
        tasks.spawn(GLOBAL, vec![dataset], async move {
            let mut inventory = Inventory::default();
            let read = s3::account_public_access_block(&ctx, &config, &home).await;
            record(&mut inventory, &ctx, dataset, read);
            inventory
        });
    }
    if wanted.contains(&Dataset::Trails) {
        // DescribeTrails with shadow trails, in one region, sees every
        // trail of the account: see the cloudtrail module.
        let ctx = base.clone();
        let config = config.clone();
        let caller = first_region.clone();
        let selectors = wanted.contains(&Dataset::TrailEventSelectors);
        let mut datasets = vec![Dataset::Trails];
        if selectors {
            datasets.push(Dataset::TrailEventSelectors);
        }
        tasks.spawn(GLOBAL, datasets, async move {
            let mut inventory = Inventory::default();
            let trails = cloudtrail::trails(&ctx, &config, &caller, selectors).await;
            if selectors {
                // Read for the trails listed: complete exactly when the
                // list is (a trail's own failure is on the trail).
                let error = trails.error.clone();
                inventory
                    .coverage
                    .push(ctx.coverage(Dataset::TrailEventSelectors, error));
            }
            record(&mut inventory, &ctx, Dataset::Trails, trails);
            inventory
        });
    }

    let mut inventory = Inventory::default();
    if let Some(b) = beyond {
        inventory.enabled_regions.push(EnabledRegions {
            account: identity.account.clone(),
            regions: b.enabled.clone(),
        });
    }
    inventory.scope.push(ScannedAccount {
        account: identity.account.clone(),
        partition: identity.partition.clone(),
        regions: regions.to_vec(),
        error: None,
    });
    tasks
        .join_into(
            &mut inventory,
            &identity.account,
            options.progress.as_deref(),
        )
        .await;
    inventory
}

/// Spawns the tasks of one region: one per dataset group.
fn spawn_region(
    tasks: &mut Tasks,
    ctx: &Ctx,
    clients: &client::RegionClients,
    wanted: &BTreeSet<Dataset>,
) {
    // A dataset read by one call sequence on one client.
    macro_rules! simple {
        ($dataset:expr, $client:ident, $read:path) => {
            if wanted.contains(&$dataset) {
                let ctx = ctx.clone();
                let client = clients.$client.clone();
                tasks.spawn(&ctx.region.clone(), vec![$dataset], async move {
                    let mut inventory = Inventory::default();
                    let read = $read(&ctx, &client).await;
                    record(&mut inventory, &ctx, $dataset, read);
                    inventory
                });
            }
        };
    }

    if wanted.contains(&Dataset::SecurityGroups) {
        // Prefix lists after the security groups: only the lists they
        // reference get their entries read.
        let ctx = ctx.clone();
        let client = clients.ec2.clone();
        let with_prefix_lists = wanted.contains(&Dataset::PrefixLists);
        let mut datasets = vec![Dataset::SecurityGroups];
        if with_prefix_lists {
            datasets.push(Dataset::PrefixLists);
        }
        tasks.spawn(&ctx.region.clone(), datasets, async move {
            let mut inventory = Inventory::default();
            let groups = ec2::security_groups(&ctx, &client).await;
            if with_prefix_lists {
                let referenced = ec2::referenced_prefix_lists(&groups.items);
                let lists = ec2::prefix_lists(&ctx, &client, &referenced).await;
                record(&mut inventory, &ctx, Dataset::PrefixLists, lists);
            }
            record(&mut inventory, &ctx, Dataset::SecurityGroups, groups);
            inventory
        });
    }
    simple!(Dataset::NetworkAcls, ec2, ec2::network_acls);
    simple!(Dataset::NetworkInterfaces, ec2, ec2::network_interfaces);
    simple!(Dataset::Instances, ec2, ec2::instances);
    simple!(Dataset::Volumes, ec2, ec2::volumes);
    simple!(
        Dataset::EbsEncryptionByDefault,
        ec2,
        ec2::ebs_encryption_by_default
    );
    simple!(Dataset::Snapshots, ec2, ec2::snapshots);

    let wants = elb::Wants {
        v2: wanted.contains(&Dataset::LoadBalancers),
        classic: wanted.contains(&Dataset::ClassicLoadBalancers),
        ssl_policies: wanted.contains(&Dataset::SslPolicies),
        v2_attributes: wanted.contains(&Dataset::LoadBalancerAttributes),
        classic_attributes: wanted.contains(&Dataset::ClassicLoadBalancerAttributes),
    };
    if wants != elb::Wants::default() {
        let ctx = ctx.clone();
        let v2 = clients.elbv2.clone();
        let classic = clients.elb.clone();
        let datasets = [
            (wants.v2, Dataset::LoadBalancers),
            (wants.classic, Dataset::ClassicLoadBalancers),
            (wants.ssl_policies, Dataset::SslPolicies),
            (wants.v2_attributes, Dataset::LoadBalancerAttributes),
            (
                wants.classic_attributes,
                Dataset::ClassicLoadBalancerAttributes,
            ),
        ]
        .into_iter()
        .filter_map(|(on, d)| on.then_some(d))
        .collect();
        tasks.spawn(&ctx.region.clone(), datasets, async move {
            let mut inventory = Inventory::default();
            let read = elb::collect(&ctx, &v2, &classic, wants).await;
            let parts = [
                (Dataset::LoadBalancers, read.v2, wants.v2_attributes),
                (
                    Dataset::ClassicLoadBalancers,
                    read.classic,
                    wants.classic_attributes,
                ),
            ];
            for (dataset, part, attributes) in parts {
                if let Some(part) = part {
                    if attributes {
                        // Read for the load balancers listed: complete
                        // exactly when the listing is (a failed
                        // DescribeTags does not leave any unread).
                        let error = part
                            .error
                            .clone()
                            .filter(|e| e.operation == "DescribeLoadBalancers");
                        let details = match dataset {
                            Dataset::LoadBalancers => Dataset::LoadBalancerAttributes,
                            _ => Dataset::ClassicLoadBalancerAttributes,
                        };
                        inventory.coverage.push(ctx.coverage(details, error));
                    }
                    record(&mut inventory, &ctx, dataset, part);
                }
            }
            if let Some(part) = read.ssl_policies {
                record(&mut inventory, &ctx, Dataset::SslPolicies, part);
            }
            inventory
        });
    }

    simple!(Dataset::LogGroups, logs, logs::log_groups);
    simple!(Dataset::DbInstances, rds, rds::db_instances);
    simple!(Dataset::DbClusters, rds, rds::db_clusters);
    simple!(Dataset::DbGlobalClusters, rds, rds::db_global_clusters);
    // Both kinds of RDS snapshot go to the one list, each with its own
    // coverage.
    simple!(Dataset::DbSnapshots, rds, rds::db_snapshots);
    simple!(Dataset::DbClusterSnapshots, rds, rds::db_cluster_snapshots);
    simple!(
        Dataset::CacheReplicationGroups,
        elasticache,
        elasticache::replication_groups
    );
    simple!(
        Dataset::CacheClusters,
        elasticache,
        elasticache::cache_clusters
    );
    simple!(
        Dataset::AutoScalingGroups,
        autoscaling,
        autoscaling::auto_scaling_groups
    );
    simple!(Dataset::Subnets, ec2, vpc::subnets);
    simple!(Dataset::RouteTables, ec2, vpc::route_tables);
    // A dataset read with a detail dataset that adds calls per resource
    // (only when a rule reads the detail): the detail is complete exactly
    // when the list is (per-resource failures are kept on the resources).
    macro_rules! with_detail {
        ($dataset:expr, $detail:expr, $client:ident, $read:path) => {
            if wanted.contains(&$dataset) {
                let ctx = ctx.clone();
                let client = clients.$client.clone();
                let detail = wanted.contains(&$detail);
                let mut datasets = vec![$dataset];
                if detail {
                    datasets.push($detail);
                }
                tasks.spawn(&ctx.region.clone(), datasets, async move {
                    let mut inventory = Inventory::default();
                    let read = $read(&ctx, &client, detail).await;
                    if detail {
                        let error = read.error.clone();
                        inventory.coverage.push(ctx.coverage($detail, error));
                    }
                    record(&mut inventory, &ctx, $dataset, read);
                    inventory
                });
            }
        };
    }
    with_detail!(Dataset::KmsKeys, Dataset::KmsKeyRotation, kms, kms::keys);
    with_detail!(
        Dataset::DynamoDbTables,
        Dataset::DynamoDbContinuousBackups,
        dynamodb,
        dynamodb::tables
    );
    simple!(Dataset::EfsFileSystems, efs, efs::file_systems);
}

/// Adds what was read of `dataset` to `inventory`, with its coverage.
/// The list is the one the table of kinds gives the resource's type.
fn record<T: Stored>(inventory: &mut Inventory, ctx: &Ctx, dataset: Dataset, read: Partial<T>) {
    T::list(inventory).extend(read.items);
    inventory.coverage.push(ctx.coverage(dataset, read.error));
}

/// The scan's tasks, each with the region and datasets it is responsible
/// for, so that a task that dies still leaves coverage records saying so.
#[derive(Default)]
struct Tasks {
    set: JoinSet<Inventory>,
    owners: HashMap<Id, (String, Vec<Dataset>)>,
}

impl Tasks {
    fn spawn(
        &mut self,
        region: &str,
        datasets: Vec<Dataset>,
        task: impl Future<Output = Inventory> + Send + 'static,
    ) {
        let handle = self.set.spawn(task);
        self.owners
            .insert(handle.id(), (region.to_string(), datasets));
    }

    /// Waits for every task and merges what each read into `inventory`.
    async fn join_into(
        mut self,
        inventory: &mut Inventory,
        account: &str,
        progress: Option<&dyn Progress>,
    ) {
        if let Some(p) = progress {
            p.planned(self.set.len());
        }
        while let Some(done) = self.set.join_next_with_id().await {
            if let (Some(p), Ok((id, part))) = (progress, &done)
                && let Some((region, datasets)) = self.owners.get(id)
            {
                let failed = part.coverage.iter().filter(|c| c.error.is_some()).count();
                p.finished(account, region, datasets, failed);
            }
            match done {
                Ok((_, part)) => inventory.absorb(part),
                Err(failure) => {
                    // Only a bug (a panic) gets here; its datasets are
                    // unknown, not empty.
                    let Some((region, datasets)) = self.owners.remove(&failure.id()) else {
                        continue;
                    };
                    for dataset in datasets {
                        inventory.coverage.push(Coverage {
                            account: account.to_string(),
                            region: region.clone(),
                            dataset,
                            error: Some(error::internal_error(
                                "collect",
                                "InternalError",
                                format!("the collector of {dataset} stopped: {failure}"),
                            )),
                        });
                    }
                }
            }
        }
    }
}
