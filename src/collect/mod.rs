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
//!    buckets and their details; CloudTrail trails). [`limits`] paces
//!    them: a token bucket per (account, region, API budget) at half of
//!    AWS's published rate (or [`CollectOptions::max_rps`]), and
//!    [`CollectOptions::concurrency`] requests in flight across the scan.
//!    Each module's documentation lists the calls it makes:
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

/// Reads every page of a paginator into a [`context::Partial`]:
/// `read_pages!(ctx, "DescribeThings", client.describe_things()...send(),
/// |page| items, more: |page| page.next_token())` fetches each page through
/// [`context::Ctx::page`] (paced by the operation's budget), extends the
/// items with the expression, and keeps what was read before a page
/// failed, with that failure as the dataset's error. `more` names the
/// page's pagination token, so that asking past the last page (which
/// sends nothing) takes no token of the budget.
macro_rules! read_pages {
    ($ctx:expr, $op:expr, $pages:expr, |$page:ident| $items:expr,
     more: |$last:ident| $token:expr $(,)?) => {{
        let mut out = $crate::collect::context::Partial::default();
        let mut pages = $pages;
        let mut sends = true;
        loop {
            match $ctx.page($op, sends, pages.next()).await {
                Ok(Some($page)) => {
                    sends = {
                        let $last = &$page;
                        $crate::collect::context::more_pages($token)
                    };
                    out.items.extend($items)
                }
                Ok(None) => break,
                Err(e) => break out.error = Some(e),
            }
        }
        out
    }};
}

mod account;
mod autoscaling;
pub mod client;
mod cloudtrail;
mod context;
mod ec2;
mod elasticache;
mod elb;
mod error;
mod guard;
pub mod limits;
mod logs;
mod rds;
mod s3;
pub mod stats;

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::Arc;

use tokio::task::{Id, JoinSet};

use crate::error::CollectError;
use crate::inventory::{
    Arn, AwsError, Coverage, Dataset, GLOBAL, Inventory, ScannedAccount, Stored,
};
pub use account::{Shard, ShardSpec};
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

/// What collection reports as it goes, for a progress display. Called from
/// the collectors' tasks: implementations must be cheap and thread-safe.
pub trait Progress: Send + Sync + std::fmt::Debug {
    /// `tasks` more units of work (a dataset group in a region) are planned.
    fn planned(&self, tasks: usize);
    /// One unit finished: what it read, where, and how many of its datasets
    /// could not be read.
    fn finished(&self, account: &str, region: &str, datasets: &[Dataset], failed: usize);
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
    /// The pace of the scan's requests: requests in flight
    /// (`--concurrency`) and per second (`--max-rps`, AWS's budgets).
    /// Shared: read what it waited afterwards with
    /// [`limits::Limits::snapshot`].
    pub limits: Arc<limits::Limits>,
    /// Counts every AWS call the scan makes (shared; read it afterwards).
    pub stats: stats::CallStats,
    /// Told as collection goes (for a progress display); `None` for none.
    pub progress: Option<Arc<dyn Progress>>,
    /// Attempts per AWS request, the first included (retries use adaptive
    /// back-off). Default [`client::MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// Time allowed for one attempt of one request. Default
    /// [`client::ATTEMPT_TIMEOUT`].
    pub attempt_timeout: std::time::Duration,
    /// Regions not to scan (`--exclude-region`), taken out of
    /// [`CollectOptions::regions`] after it is resolved.
    pub exclude_regions: Vec<String>,
    /// Other accounts to scan; `None` scans the caller's account.
    pub accounts: Option<AccountOptions>,
}

/// Which accounts to scan besides (or instead of) the caller's.
#[derive(Debug, Clone, Default)]
pub struct AccountOptions {
    /// Account ids (`--accounts`), 12 digits each.
    pub ids: Vec<String>,
    /// Add the ACTIVE accounts of the caller's organization (`--org`).
    pub organization: bool,
    /// The role to assume in each account that is not the caller's
    /// (`--role-name`): `arn:{partition}:iam::{id}:role/{name}`.
    pub role_name: Option<String>,
    /// The external id the roles' trust policies require (`--external-id`).
    pub external_id: Option<String>,
    /// Scan only this shard of the accounts (`--shard K/N`).
    pub shard: Option<Shard>,
}

/// Reads everything `options` asks for from AWS.
///
/// Without [`CollectOptions::accounts`], the caller's account is scanned.
/// With it, every account asked for (in this shard) is scanned at once,
/// all sharing the one request limit: the caller's own account with the
/// caller's credentials, every other one through its role. An account that
/// cannot be scanned (the role cannot be assumed, or its credentials speak
/// for another account) does not stop the others: it is recorded in the
/// inventory's scope with its error, and every dataset asked for has a
/// coverage record with that error there, so its verdicts are unknown.
///
/// Fails only when the scan cannot start: no credentials or identity
/// ([`CollectError::Identity`]), no region ([`CollectError::NoRegion`]), a
/// region that does not exist ([`CollectError::UnknownRegion`]), no way
/// to list the regions ([`CollectError::Regions`]) or the organization's
/// accounts ([`CollectError::Organization`]), accounts without a role to
/// assume ([`CollectError::RoleNameRequired`]), or accounts asked for of
/// which none could be scanned ([`CollectError::NoAccount`]). Everything
/// else is recorded in the inventory's coverage.
pub async fn collect(options: &CollectOptions) -> Result<Inventory, CollectError> {
    let started = jiff::Timestamp::now();
    let config = client::load_config(options, &options.stats).await;
    if options.regions == RegionSelection::Default && config.region().is_none() {
        return Err(CollectError::NoRegion);
    }
    let identity = account::identity(&home(&config)).await?;
    let regions = without(
        account::regions(&config, &options.regions).await?,
        &options.exclude_regions,
    )?;
    let wanted = needed(&options.datasets);
    let limit = options.limits.clone();
    let mut inventory = Inventory::new(started);

    let Some(accounts) = &options.accounts else {
        let part = collect_account(&config, &identity, &regions, &wanted, options, &limit).await;
        inventory.absorb(part);
        inventory.sort();
        return Ok(inventory);
    };

    let targets = targets(&config, &identity, accounts).await?;
    let scans = targets.iter().map(|id| {
        let plan = Plan {
            base: &config,
            caller: &identity,
            regions: &regions,
            wanted: &wanted,
            options,
            accounts,
            limit: &limit,
        };
        async move { plan.scan(id).await }
    });
    // A few accounts at a time, not all at once: every account in flight
    // holds its pending requests (large futures) and credentials, so an
    // organization of hundreds of accounts scanned all at once needs memory
    // for all of them. As many accounts as requests may be in flight keep
    // the request slots busy; their order is kept.
    use futures::StreamExt as _;
    let parts: Vec<Inventory> = futures::stream::iter(scans)
        .buffered(limit.concurrency())
        .collect()
        .await;
    assemble(inventory, parts)
}

/// The inventory of a multi-account scan from each account's part: an
/// error when accounts were asked for and not one could be scanned (an
/// empty shard is not an error: it has nothing to scan).
fn assemble(mut inventory: Inventory, parts: Vec<Inventory>) -> Result<Inventory, CollectError> {
    let failures: Vec<String> = parts
        .iter()
        .flat_map(|p| &p.scope)
        .filter_map(|s| s.error.as_ref().map(|e| format!("{}: {e}", s.account)))
        .collect();
    if !parts.is_empty() && failures.len() == parts.len() {
        return Err(CollectError::NoAccount(failures.join("; ")));
    }
    for part in parts {
        inventory.absorb(part);
    }
    inventory.sort();
    Ok(inventory)
}

/// The configuration for account-wide calls (STS, Organizations,
/// `DescribeRegions`): the configured region, else [`account::FALLBACK_REGION`].
fn home(config: &client::ScanConfig) -> client::ScanConfig {
    match config.region() {
        Some(_) => config.clone(),
        None => config.in_region(account::FALLBACK_REGION),
    }
}

/// `regions` without those of `--exclude-region`; none left is
/// [`CollectError::NoRegion`].
fn without(regions: Vec<String>, excluded: &[String]) -> Result<Vec<String>, CollectError> {
    let left: Vec<String> = regions
        .into_iter()
        .filter(|r| !excluded.contains(r))
        .collect();
    if left.is_empty() {
        return Err(CollectError::NoRegion);
    }
    Ok(left)
}

/// The accounts to scan: `--accounts` and the organization's, sorted and
/// de-duplicated, then cut to the shard. Every one that is not the
/// caller's needs `--role-name`.
async fn targets(
    config: &client::ScanConfig,
    caller: &account::Identity,
    accounts: &AccountOptions,
) -> Result<Vec<String>, CollectError> {
    let mut ids = accounts.ids.clone();
    if accounts.organization {
        ids.extend(account::organization_accounts(&home(config)).await?);
    }
    ids.sort();
    ids.dedup();
    if let Some(shard) = accounts.shard {
        ids = ids
            .into_iter()
            .enumerate()
            .filter(|(position, _)| shard.selects(*position))
            .map(|(_, id)| id)
            .collect();
    }
    if accounts.role_name.is_none() {
        let others: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| *id != caller.account)
            .collect();
        if !others.is_empty() {
            return Err(CollectError::RoleNameRequired(others.join(", ")));
        }
    }
    Ok(ids)
}

/// What every account of a multi-account scan shares.
#[derive(Clone, Copy)]
struct Plan<'a> {
    /// The caller's configuration.
    base: &'a client::ScanConfig,
    caller: &'a account::Identity,
    /// The caller's regions (after `--exclude-region`).
    regions: &'a [String],
    wanted: &'a BTreeSet<Dataset>,
    options: &'a CollectOptions,
    accounts: &'a AccountOptions,
    limit: &'a Arc<limits::Limits>,
}

impl Plan<'_> {
    /// Scans one account; a failure to start is recorded, not returned.
    async fn scan(&self, id: &str) -> Inventory {
        match self.open(id).await {
            Ok((config, identity, regions)) => {
                collect_account(
                    &config,
                    &identity,
                    &regions,
                    self.wanted,
                    self.options,
                    self.limit,
                )
                .await
            }
            Err(error) => {
                failed_account(id, &self.caller.partition, self.regions, self.wanted, error)
            }
        }
    }

    /// The configuration, proven identity and regions of account `id`.
    async fn open(
        &self,
        id: &str,
    ) -> Result<(client::ScanConfig, account::Identity, Vec<String>), AwsError> {
        // The set-up calls count against the request limit like any other.
        let _slot = self.limit.slot().await;
        let config = if id == self.caller.account {
            self.base.clone()
        } else {
            let role = Arn {
                partition: &self.caller.partition,
                service: "iam",
                region: "",
                account: id,
                resource: &format!(
                    "role/{}",
                    self.accounts.role_name.as_deref().unwrap_or_default()
                ),
            }
            .to_string();
            let config = self
                .base
                .assuming(&role, self.accounts.external_id.as_deref())
                .await;
            config.credentials().await?;
            config
        };
        let identity = account::identity_of(&home(&config)).await?;
        if identity.account != id {
            return Err(error::internal_error(
                "GetCallerIdentity",
                "AccountMismatch",
                format!(
                    "the credentials for account {id} belong to account {}",
                    identity.account
                ),
            ));
        }
        // Enabled regions differ between accounts (opt-in regions); an
        // explicit list, or the default region, is the same for all.
        let regions = match self.options.regions {
            RegionSelection::All => account::regions(&config, &RegionSelection::All)
                .await
                .and_then(|r| without(r, &self.options.exclude_regions))
                .map_err(|e| {
                    error::internal_error("DescribeRegions", "RegionsUnavailable", e.to_string())
                })?,
            _ => self.regions.to_vec(),
        };
        Ok((config, identity, regions))
    }
}

/// The inventory of an account that could not be scanned: its scope entry
/// with the error, and that error as the coverage of every dataset asked
/// for, in every region (once, in [`GLOBAL`], for global datasets).
fn failed_account(
    id: &str,
    partition: &str,
    regions: &[String],
    wanted: &BTreeSet<Dataset>,
    error: AwsError,
) -> Inventory {
    let mut inventory = Inventory::default();
    for &dataset in wanted {
        let places: Vec<&str> = if dataset.is_global() {
            vec![GLOBAL]
        } else {
            regions.iter().map(String::as_str).collect()
        };
        for region in places {
            inventory.coverage.push(Coverage {
                account: id.to_string(),
                region: region.to_string(),
                dataset,
                error: Some(error.clone()),
            });
        }
    }
    inventory.scope.push(ScannedAccount {
        account: id.to_string(),
        partition: partition.to_string(),
        regions: regions.to_vec(),
        error: Some(error),
    });
    inventory
}

/// Reads one account: every (region × dataset group) a task, plus the
/// global datasets, all under the scan-wide request `limit`.
async fn collect_account(
    config: &client::ScanConfig,
    identity: &account::Identity,
    regions: &[String],
    wanted: &BTreeSet<Dataset>,
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
            record(&mut inventory, &ctx, Dataset::Buckets, buckets);
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
            record(&mut inventory, &ctx, Dataset::Trails, trails);
            inventory
        });
    }

    let mut inventory = Inventory::default();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ds: &[Dataset]) -> BTreeSet<Dataset> {
        ds.iter().copied().collect()
    }

    fn denied(account: &str) -> AwsError {
        AwsError {
            operation: "AssumeRole".into(),
            code: "AccessDenied".into(),
            message: format!("not authorized to perform sts:AssumeRole on {account}"),
        }
    }

    #[test]
    fn an_account_that_cannot_be_scanned_is_unknown_everywhere_with_its_error() {
        let wanted = set(&[Dataset::LogGroups, Dataset::Buckets]);
        let regions = vec!["eu-north-1".to_string(), "us-east-1".to_string()];
        let failed = failed_account("222233334444", "aws", &regions, &wanted, denied("2222"));
        assert_eq!(failed.scope.len(), 1);
        assert_eq!(failed.scope[0].error, Some(denied("2222")));
        // One record per regional dataset and region, one for the global.
        let places: Vec<(&str, Dataset)> = failed
            .coverage
            .iter()
            .map(|c| (c.region.as_str(), c.dataset))
            .collect();
        assert_eq!(
            places,
            vec![
                ("global", Dataset::Buckets),
                ("eu-north-1", Dataset::LogGroups),
                ("us-east-1", Dataset::LogGroups)
            ]
        );
        assert!(
            failed
                .coverage
                .iter()
                .all(|c| c.error == Some(denied("2222")))
        );

        // Next to an account that was scanned, the scan goes on, and the
        // evaluator makes the failed account's verdicts unknown with the
        // AssumeRole error as evidence.
        let mut scanned = Inventory::default();
        scanned.scope.push(ScannedAccount {
            account: "111122223333".into(),
            partition: "aws".into(),
            regions: vec!["eu-north-1".into()],
            error: None,
        });
        for dataset in [Dataset::LogGroups, Dataset::Buckets] {
            scanned.coverage.push(Coverage {
                account: "111122223333".into(),
                region: if dataset.is_global() {
                    GLOBAL
                } else {
                    "eu-north-1"
                }
                .into(),
                dataset,
                error: None,
            });
        }
        let inventory = assemble(
            Inventory::new(jiff::Timestamp::UNIX_EPOCH),
            vec![failed.clone(), scanned],
        )
        .unwrap();
        assert_eq!(inventory.scope.len(), 2);
        let pack = crate::rules::load_builtin().unwrap();
        let evaluation = crate::evaluate::evaluate(&pack, &inventory, None);
        let of_failed: Vec<_> = evaluation
            .findings
            .iter()
            .filter(|f| f.resource.account == "222233334444" && f.rule_id == "LOG-001")
            .collect();
        // Log retention (LOG-001) is judged on log groups, in both regions.
        assert_eq!(of_failed.len(), 2, "{of_failed:#?}");
        for f in &of_failed {
            assert_eq!(f.status, crate::findings::Status::Unknown, "{f:?}");
            assert!(
                f.evidence
                    .iter()
                    .any(|e| e.value == "AccessDenied" && e.note.contains("AssumeRole")),
                "{f:?}"
            );
        }

        // Not one account scanned: the scan fails, naming each error.
        let other = failed_account("333344445555", "aws", &regions, &wanted, denied("3333"));
        match assemble(Inventory::default(), vec![failed, other]) {
            Err(CollectError::NoAccount(message)) => {
                assert!(
                    message.contains("222233334444: AssumeRole failed with AccessDenied"),
                    "{message}"
                );
                assert!(message.contains("333344445555"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // An empty shard is not a failure.
        assert!(assemble(Inventory::default(), vec![]).is_ok());
    }

    #[test]
    fn excluded_regions_are_taken_out_and_none_left_is_an_error() {
        let regions = vec!["eu-north-1".to_string(), "us-east-1".to_string()];
        assert_eq!(
            without(regions.clone(), &["us-east-1".to_string()]).unwrap(),
            vec!["eu-north-1".to_string()]
        );
        assert!(matches!(
            without(regions.clone(), &regions),
            Err(CollectError::NoRegion)
        ));
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
