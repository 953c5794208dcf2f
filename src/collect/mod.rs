//! Collection: reads AWS into an [`Inventory`]. Collectors never judge.
//!
//! A scan goes in three steps:
//!
//! 1. **Configuration and identity** ([`client`], [`account`], [`plan`]): one AWS
//!    configuration from aws-config's default chain (plus `--profile`),
//!    then STS `GetCallerIdentity` for the account id and partition, then
//!    the regions to read (`DescribeRegions` for `All` and to validate a
//!    `List`). A failure here stops the scan with a [`CollectError`].
//!    With [`CollectOptions::every_region`] (a data-residency rule), the
//!    regions enabled for each account too (`DescribeRegions`, once more
//!    unless `All` listed them): the residency datasets are also read in
//!    every enabled region the scan's regions leave out (not in those of
//!    `--exclude-region`), and the enabled regions are recorded in the
//!    inventory, so that the check can say which regions were not read.
//!    This is the only place collection goes beyond the regions asked
//!    for; the evaluator keeps other checks to the scan's regions.
//! 2. **Datasets** ([`plan`], [`tasks`]): only those in [`CollectOptions::datasets`], plus what
//!    they need (prefix lists need the security groups that reference
//!    them; TLS policies need the listeners that use them; bucket details
//!    need the buckets; KMS key rotation and DynamoDB continuous backups
//!    need the keys and the tables). Every (region × dataset group) is a tokio task,
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
//!    | [`vpc`]         | subnets, route tables (EC2 API)                        | region  |
//!    | [`kms`]         | KMS keys (with their rotation status)                  | region  |
//!    | [`dynamodb`]    | DynamoDB tables (with point-in-time recovery)          | region  |
//!    | [`efs`]         | EFS file systems                                       | region  |
//! 3. **Assembly** ([`tasks`], [`accounts`]): the tasks' partial inventories are merged and sorted.
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
//!
//! The modules, one job each:
//!
//! | module       | job                                                            |
//! |--------------|----------------------------------------------------------------|
//! | this one     | the options, and [`collect`], which runs the steps in order    |
//! | [`client`]   | the AWS configuration and the SDK clients                      |
//! | [`account`]  | who the scan runs as, its regions, the organization, shards    |
//! | [`plan`]     | which datasets, regions and accounts to read                   |
//! | [`accounts`] | opening every other account (its role), assembling their parts |
//! | [`tasks`]    | one account's tasks (region × dataset group), joined           |
//! | [`context`]  | where a collector reads; one paced request or page             |
//! | [`pager`]    | reading every page of a paginated operation (`read_pages!`)    |
//! | [`limits`]   | AWS's request budgets and the scan's concurrency               |
//! | [`stats`]    | counting every call                                            |
//! | [`error`], [`guard`] | AWS errors as evidence; empty or unparsable answers     |
//! | [`ec2`] ... [`cloudtrail`] | the collectors, one per service (table above)    |

#[macro_use]
mod pager;

mod account;
mod accounts;
mod autoscaling;
pub mod client;
mod cloudtrail;
mod context;
mod dynamodb;
mod ec2;
mod efs;
mod elasticache;
mod elb;
mod error;
mod guard;
mod kms;
pub mod limits;
mod logs;
mod plan;
mod rds;
mod s3;
mod slots;
pub mod stats;
mod tasks;
mod vpc;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::error::CollectError;
use crate::inventory::{Dataset, Inventory};
pub use account::{Shard, ShardSpec};
use accounts::{AccountScan, assemble};
use plan::{Beyond, home, needed, targets, without};
use tasks::collect_account;

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
    /// Datasets read in every region enabled for the account, whatever
    /// [`CollectOptions::regions`] says (those a data-residency rule
    /// judges: a resource outside the allowed regions is found only where
    /// it is read). Not empty, the scan lists each account's enabled
    /// regions (`DescribeRegions`) and records them in the inventory.
    /// Regions of `exclude_regions` stay unread.
    pub every_region: BTreeSet<Dataset>,
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
    collect_from(options, config, started).await
}

/// [`collect`] with an AWS configuration the caller built (endpoint,
/// credentials, region, HTTP client, retries, timeouts) instead of
/// aws-config's default chain with conform's settings, so that
/// [`CollectOptions::profile`], [`CollectOptions::max_attempts`] and
/// [`CollectOptions::attempt_timeout`] are not used. For programs that
/// embed conform, and for tests that point it at an emulator without
/// changing the process's environment. Every call is still paced by
/// [`CollectOptions::limits`] and counted in [`CollectOptions::stats`].
pub async fn collect_with_config(
    options: &CollectOptions,
    sdk: aws_config::SdkConfig,
) -> Result<Inventory, CollectError> {
    let started = jiff::Timestamp::now();
    let config = client::ScanConfig::new(sdk, &options.stats);
    collect_from(options, config, started).await
}

async fn collect_from(
    options: &CollectOptions,
    config: client::ScanConfig,
    started: jiff::Timestamp,
) -> Result<Inventory, CollectError> {
    if options.regions == RegionSelection::Default && config.region().is_none() {
        return Err(CollectError::NoRegion);
    }
    let identity = account::identity(&home(&config)).await?;
    let listed = account::regions(&config, &options.regions).await?;
    // Residency: the enabled regions (those listed already for `All`).
    let enabled = match (options.every_region.is_empty(), &options.regions) {
        (true, _) => Vec::new(),
        (false, RegionSelection::All) => listed.clone(),
        (false, _) => account::regions(&config, &RegionSelection::All).await?,
    };
    let regions = without(listed, &options.exclude_regions)?;
    let wanted = needed(&options.datasets);
    let limit = options.limits.clone();
    let mut inventory = Inventory::new(started);

    let Some(accounts) = &options.accounts else {
        let beyond = Beyond::of(
            &options.every_region,
            enabled,
            &regions,
            &options.exclude_regions,
        );
        let part = collect_account(
            &config,
            &identity,
            &regions,
            &wanted,
            beyond.as_ref(),
            options,
            &limit,
        )
        .await;
        inventory.absorb(part);
        inventory.sort();
        return Ok(inventory);
    };

    let targets = targets(&config, &identity, accounts).await?;
    let scans = targets.iter().map(|id| {
        let scan = AccountScan {
            base: &config,
            caller: &identity,
            regions: &regions,
            wanted: &wanted,
            options,
            accounts,
            limit: &limit,
        };
        async move { scan.scan(id).await }
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
