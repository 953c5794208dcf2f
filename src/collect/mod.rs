//! Collection: reads AWS into an [`Inventory`]. Collectors never judge.
//!
//! A scan goes in three steps:
//!
//! 1. **Configuration and identity** ([`client`], [`account`]): one AWS
//!    configuration from aws-config's default chain (plus `--profile`),
//!    then STS `GetCallerIdentity` for the account id and partition, then
//!    the regions to read (`DescribeRegions` for `All` and to validate a
//!    `List`). A failure here stops the scan with a [`CollectError`].
//! 2. **Datasets**: only those in [`CollectOptions::datasets`], plus what
//!    they need (prefix lists need the security groups that reference
//!    them; TLS policies need the listeners that use them; bucket details
//!    need the buckets). Every (region × dataset group) is a tokio task,
//!    all regions at once, plus one task per global dataset group (S3
//!    buckets and their details; CloudTrail trails); a scan-wide semaphore
//!    of [`CollectOptions::concurrency`] permits bounds the AWS requests in
//!    flight. Each module's documentation lists the calls it makes:
//!
//!    | module          | datasets                                               | scope   |
//!    |-----------------|--------------------------------------------------------|---------|
//!    | [`ec2`]         | security groups, prefix lists, network ACLs, network   | region  |
//!    |                 | interfaces, instances, volumes, EBS encryption by      |         |
//!    |                 | default, EBS snapshots                                 |         |
//!    | [`elb`]         | load balancers (both generations), TLS policies        | region  |
//!    | [`logs`]        | log groups                                             | region  |
//!    | [`rds`]         | DB instances, DB clusters, DB (cluster) snapshots      | region  |
//!    | [`elasticache`] | replication groups, cache clusters                     | region  |
//!    | [`autoscaling`] | Auto Scaling groups                                    | region  |
//!    | [`s3`]          | buckets, bucket details (tags, lifecycle)              | account |
//!    | [`cloudtrail`]  | trails (with their logging status)                     | account |
//! 3. **Assembly**: the tasks' partial inventories are merged and sorted.
//!
//! Failures of one dataset in one region (access denied, throttling after
//! retries, an endpoint that does not answer) do not stop the scan: they
//! are recorded in that dataset's [`Coverage`] with AWS's error code, and
//! whatever was read before the failure is kept. Every dataset attempted
//! gets exactly one coverage record per region (or one per account, in
//! the [`GLOBAL`] region, for buckets, bucket details and trails).
//!
//! Values are kept as AWS returned them; missing optional fields become
//! empty values and elements without an identifier are skipped, never a
//! panic.

mod account;
mod autoscaling;
pub mod client;
mod cloudtrail;
mod context;
mod ec2;
mod elasticache;
mod elb;
mod error;
mod logs;
mod rds;
mod s3;
pub mod stats;

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::{Id, JoinSet};

use crate::error::CollectError;
use crate::inventory::{Coverage, Dataset, GLOBAL, Inventory, ScannedAccount};
use context::{Ctx, Partial};

/// Which regions to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSelection {
    /// The region of the profile or environment (`AWS_REGION`).
    Default,
    /// Every region enabled for the account.
    All,
    /// These regions.
    List(Vec<String>),
}

/// How to collect.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// The named profile to use (`--profile`), else the default chain.
    pub profile: Option<String>,
    pub regions: RegionSelection,
    /// The datasets the enabled rules need; nothing else is read.
    pub datasets: BTreeSet<Dataset>,
    /// Address S3 with path-style URLs (for S3-compatible endpoints named
    /// by host name; IP-literal endpoints get path style anyway).
    pub s3_force_path_style: bool,
    /// The most AWS requests in flight at once.
    pub concurrency: usize,
    /// Counts every AWS call the scan makes (shared; read it afterwards).
    pub stats: stats::CallStats,
    /// Attempts per AWS request, the first included (retries use adaptive
    /// back-off). Default [`client::MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// Time allowed for one attempt of one request. Default
    /// [`client::ATTEMPT_TIMEOUT`].
    pub attempt_timeout: std::time::Duration,
}

/// Reads everything `options` asks for from AWS.
///
/// Fails only when the scan cannot start: no credentials or identity
/// ([`CollectError::Identity`]), no region ([`CollectError::NoRegion`]), a
/// region that does not exist ([`CollectError::UnknownRegion`]) or no way
/// to list the regions ([`CollectError::Regions`]). Everything else is
/// recorded in the inventory's coverage.
pub async fn collect(options: &CollectOptions) -> Result<Inventory, CollectError> {
    let started = jiff::Timestamp::now();
    let config = client::load_config(options, &options.stats).await;
    if options.regions == RegionSelection::Default && config.region().is_none() {
        return Err(CollectError::NoRegion);
    }
    // Account-wide calls go to the configured region, else us-east-1.
    let account_config = match config.region() {
        Some(_) => config.clone(),
        None => config.in_region(account::FALLBACK_REGION),
    };
    let identity = account::identity(&account_config).await?;
    let regions = account::regions(&config, &options.regions).await?;

    let wanted = needed(&options.datasets);
    let limit = Arc::new(Semaphore::new(
        options.concurrency.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let base = Ctx::new(&identity.account, &identity.partition, GLOBAL, limit);
    let mut tasks = Tasks::default();

    for region in &regions {
        let ctx = base.in_region(region);
        let clients = client::RegionClients::new(&config, region);
        spawn_region(&mut tasks, &ctx, &clients, &wanted);
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
        let details = wanted.contains(&Dataset::BucketDetails);
        let mut datasets = vec![Dataset::Buckets];
        if details {
            datasets.push(Dataset::BucketDetails);
        }
        tasks.spawn(GLOBAL, datasets, async move {
            let mut inventory = Inventory::default();
            let buckets = s3::buckets(&ctx, &config, &home, path_style, details).await;
            if details {
                // Read with the buckets: complete exactly when the list is.
                let error = buckets.error.clone();
                inventory
                    .coverage
                    .push(ctx.coverage(Dataset::BucketDetails, error));
            }
            record(&mut inventory, &ctx, Dataset::Buckets, buckets, |i| {
                &mut i.buckets
            });
            inventory
        });
    }
    if wanted.contains(&Dataset::Trails) {
        // DescribeTrails with shadow trails, in one region, sees every
        // trail of the account: see the cloudtrail module.
        let ctx = base.clone();
        let config = config.clone();
        let caller = first_region.clone();
        tasks.spawn(GLOBAL, vec![Dataset::Trails], async move {
            let mut inventory = Inventory::default();
            let trails = cloudtrail::trails(&ctx, &config, &caller).await;
            record(&mut inventory, &ctx, Dataset::Trails, trails, |i| {
                &mut i.trails
            });
            inventory
        });
    }

    let mut inventory = Inventory::new(started);
    inventory.scope.push(ScannedAccount {
        account: identity.account.clone(),
        partition: identity.partition.clone(),
        regions: regions.clone(),
    });
    tasks.join_into(&mut inventory, &identity.account).await;
    inventory.sort();
    Ok(inventory)
}

/// The datasets to read for `asked`: those asked for plus what they need.
///
/// - Prefix lists' entries are read only for the lists that security
///   groups reference, so prefix lists need security groups.
/// - TLS policies are the policies listeners use: with one generation of
///   load balancers asked for, that generation's; with neither, both.
/// - Bucket details (tags, lifecycle) are read for the buckets listed, so
///   they need the buckets.
fn needed(asked: &BTreeSet<Dataset>) -> BTreeSet<Dataset> {
    let mut out = asked.clone();
    if out.contains(&Dataset::PrefixLists) {
        out.insert(Dataset::SecurityGroups);
    }
    if out.contains(&Dataset::BucketDetails) {
        out.insert(Dataset::Buckets);
    }
    if out.contains(&Dataset::SslPolicies)
        && !out.contains(&Dataset::LoadBalancers)
        && !out.contains(&Dataset::ClassicLoadBalancers)
    {
        out.insert(Dataset::LoadBalancers);
        out.insert(Dataset::ClassicLoadBalancers);
    }
    out
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
        ($dataset:expr, $client:ident, $read:path, $field:ident) => {
            if wanted.contains(&$dataset) {
                let ctx = ctx.clone();
                let client = clients.$client.clone();
                tasks.spawn(&ctx.region.clone(), vec![$dataset], async move {
                    let mut inventory = Inventory::default();
                    let read = $read(&ctx, &client).await;
                    record(&mut inventory, &ctx, $dataset, read, |i| &mut i.$field);
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
                record(&mut inventory, &ctx, Dataset::PrefixLists, lists, |i| {
                    &mut i.prefix_lists
                });
            }
            record(&mut inventory, &ctx, Dataset::SecurityGroups, groups, |i| {
                &mut i.security_groups
            });
            inventory
        });
    }
    simple!(Dataset::NetworkAcls, ec2, ec2::network_acls, network_acls);
    simple!(
        Dataset::NetworkInterfaces,
        ec2,
        ec2::network_interfaces,
        network_interfaces
    );
    simple!(Dataset::Instances, ec2, ec2::instances, instances);
    simple!(Dataset::Volumes, ec2, ec2::volumes, volumes);
    simple!(
        Dataset::EbsEncryptionByDefault,
        ec2,
        ec2::ebs_encryption_by_default,
        ebs_encryption_by_default
    );
    simple!(Dataset::Snapshots, ec2, ec2::snapshots, snapshots);

    let wants = elb::Wants {
        v2: wanted.contains(&Dataset::LoadBalancers),
        classic: wanted.contains(&Dataset::ClassicLoadBalancers),
        ssl_policies: wanted.contains(&Dataset::SslPolicies),
    };
    if wants != elb::Wants::default() {
        let ctx = ctx.clone();
        let v2 = clients.elbv2.clone();
        let classic = clients.elb.clone();
        let datasets = [
            (wants.v2, Dataset::LoadBalancers),
            (wants.classic, Dataset::ClassicLoadBalancers),
            (wants.ssl_policies, Dataset::SslPolicies),
        ]
        .into_iter()
        .filter_map(|(on, d)| on.then_some(d))
        .collect();
        tasks.spawn(&ctx.region.clone(), datasets, async move {
            let mut inventory = Inventory::default();
            let read = elb::collect(&ctx, &v2, &classic, wants).await;
            let parts = [
                (Dataset::LoadBalancers, read.v2),
                (Dataset::ClassicLoadBalancers, read.classic),
            ];
            for (dataset, part) in parts {
                if let Some(part) = part {
                    record(&mut inventory, &ctx, dataset, part, |i| {
                        &mut i.load_balancers
                    });
                }
            }
            if let Some(part) = read.ssl_policies {
                record(&mut inventory, &ctx, Dataset::SslPolicies, part, |i| {
                    &mut i.ssl_policies
                });
            }
            inventory
        });
    }

    simple!(Dataset::LogGroups, logs, logs::log_groups, log_groups);
    simple!(Dataset::DbInstances, rds, rds::db_instances, db_instances);
    simple!(Dataset::DbClusters, rds, rds::db_clusters, db_clusters);
    // Both kinds of RDS snapshot go to the one list, each with its own
    // coverage.
    simple!(Dataset::DbSnapshots, rds, rds::db_snapshots, db_snapshots);
    simple!(
        Dataset::DbClusterSnapshots,
        rds,
        rds::db_cluster_snapshots,
        db_snapshots
    );
    simple!(
        Dataset::CacheReplicationGroups,
        elasticache,
        elasticache::replication_groups,
        cache_replication_groups
    );
    simple!(
        Dataset::CacheClusters,
        elasticache,
        elasticache::cache_clusters,
        cache_clusters
    );
    simple!(
        Dataset::AutoScalingGroups,
        autoscaling,
        autoscaling::auto_scaling_groups,
        auto_scaling_groups
    );
}

/// Adds what was read of `dataset` to `inventory`, with its coverage.
fn record<T>(
    inventory: &mut Inventory,
    ctx: &Ctx,
    dataset: Dataset,
    read: Partial<T>,
    list: impl FnOnce(&mut Inventory) -> &mut Vec<T>,
) {
    list(inventory).extend(read.items);
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
    async fn join_into(mut self, inventory: &mut Inventory, account: &str) {
        while let Some(done) = self.set.join_next_with_id().await {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ds: &[Dataset]) -> BTreeSet<Dataset> {
        ds.iter().copied().collect()
    }

    #[test]
    fn prefix_lists_need_security_groups() {
        assert_eq!(
            needed(&set(&[Dataset::PrefixLists])),
            set(&[Dataset::PrefixLists, Dataset::SecurityGroups])
        );
    }

    #[test]
    fn tls_policies_need_the_load_balancers_asked_for_or_both() {
        assert_eq!(
            needed(&set(&[Dataset::SslPolicies])),
            set(&[
                Dataset::SslPolicies,
                Dataset::LoadBalancers,
                Dataset::ClassicLoadBalancers
            ])
        );
        assert_eq!(
            needed(&set(&[Dataset::SslPolicies, Dataset::LoadBalancers])),
            set(&[Dataset::SslPolicies, Dataset::LoadBalancers])
        );
    }

    #[test]
    fn bucket_details_need_buckets() {
        assert_eq!(
            needed(&set(&[Dataset::BucketDetails])),
            set(&[Dataset::BucketDetails, Dataset::Buckets])
        );
    }

    #[test]
    fn other_datasets_need_nothing_else() {
        for &d in Dataset::ALL {
            if ![
                Dataset::PrefixLists,
                Dataset::SslPolicies,
                Dataset::BucketDetails,
            ]
            .contains(&d)
            {
                assert_eq!(needed(&set(&[d])), set(&[d]));
            }
        }
    }
}
