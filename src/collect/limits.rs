//! How hard a scan may press on AWS: requests in flight, and requests per
//! second per (account, region, API budget).
//!
//! AWS throttles each account in each region separately, and most services
//! publish the token bucket they throttle with: a bucket of `burst` tokens
//! refilled at `rate` tokens per second, one token per request. A scanner
//! that spends the whole bucket throttles the production workloads of the
//! account it audits (their calls start failing with `RequestLimitExceeded`
//! too), so conform keeps a bucket of its own per (account, region, budget)
//! and spends at most a share of AWS's rate and burst ([`DEFAULT_SHARE`],
//! or `--budget-share`), leaving the rest to the account's own software.
//! `--max-rps` lowers that further, for every budget; it never raises one.
//!
//! [`budget`] says which budget an operation draws from, and what AWS
//! publishes for it (see the table in its documentation). Each published
//! number was read again on 2026-11-25 from the AWS page its `source`
//! names: EC2 (non-mutating actions: bucket 100, refill 20/s), ELB (each
//! API version its own buckets; non-mutating: 40, 10/s), RDS (burst 300,
//! 12/s) and CloudTrail (get/describe/list 10 TPS) are as cited; the
//! CloudWatch Logs number comes from an archived guide. Where AWS
//! publishes nothing ([`Budget::source`] is `None`), conform assumes a
//! modest rate and says so in `--stats`.
//!
//! This sits on top of the SDK's adaptive retry mode, which slows a client
//! down further when AWS answers with throttling anyway (another tool
//! spending the same bucket). Retries are the SDK's and do not take tokens
//! here: under throttling they are spaced by the SDK's own back-off.
//!
//! The token buckets are [`governor`]'s (a GCRA limiter, equivalent to a
//! token bucket), one per key, created on first use. Requests waiting for
//! the same bucket queue up in order (a fair async mutex per bucket), so
//! only the head of the queue polls the limiter (and sleeps on a tokio
//! timer until its token is due, [`Bucket::until_ready`]): without the queue every
//! waiter wakes at each refill and all but one go back to sleep, which
//! costs CPU quadratic in the requests of a bucket (thousands of
//! `DescribeListeners` on one ELB bucket).
//!
//! After a scan, [`Limits::pacing_bound`] gives the shortest time the
//! budgets allow for the requests the scan made: the wall time of a scan
//! that only waits for its budgets is close to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;

use super::slots::{Queue, Slot, Slots};

/// The part of AWS's published rate and burst a scan allows itself,
/// unless `--budget-share` says otherwise.
pub const DEFAULT_SHARE: f64 = 0.5;

/// Which API a request goes to, where two APIs of a service share
/// operation names but not budgets: Elastic Load Balancing's version 1
/// (classic load balancers) and version 2 both have `DescribeLoadBalancers`
/// and `DescribeTags`, and "each ELB API version has its own buckets and
/// tokens" (ELB API request throttling, cited at [`ELB_V2`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Api {
    /// The only API of its service, or ELB version 2.
    #[default]
    Main,
    /// Elastic Load Balancing API version 1 (classic load balancers).
    ClassicElb,
}

/// The throttling budget an operation draws from, per account and region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The IAM service prefix (`ec2`, `rds`, ...).
    pub service: &'static str,
    /// `None` when each operation has its own bucket; else the name of the
    /// one bucket the service's (or API version's) operations share.
    pub shared: Option<&'static str>,
    /// Tokens AWS refills per second.
    pub rate: f64,
    /// Tokens the bucket holds when full.
    pub burst: u32,
    /// Where AWS publishes these numbers; `None` when it does not (the
    /// numbers are then conform's assumption).
    pub source: Option<&'static str>,
    /// Whether its requests take a free request slot before others'
    /// ([`super::slots`]): the budgets that bound a scan's wall time.
    /// Those are Elastic Load Balancing's: conform makes a call per load
    /// balancer and per listener there, at AWS's lowest published rate for
    /// per-resource calls (10/s), and in every scan measured with load
    /// balancers an ELB budget was the slowest (README, Benchmarks).
    pub first: bool,
}

const EC2: Budget = Budget {
    service: "ec2",
    shared: None,
    rate: 20.0,
    burst: 100,
    source: Some(
        "Amazon EC2 API request throttling: non-mutating actions, \
         paginated (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html)",
    ),
    first: false,
};
const ELB_V2: Budget = Budget {
    service: "elasticloadbalancing",
    shared: Some("elasticloadbalancing-v2"),
    rate: 10.0,
    burst: 40,
    source: Some(
        "ELB API request throttling: non-mutating actions, a bucket of 40 refilled at 10/s; \
         each ELB API version has its own buckets (docs.aws.amazon.com/elasticloadbalancing/\
         latest/userguide/elb-api-throttling.html)",
    ),
    first: true,
};
const ELB_V1: Budget = Budget {
    service: "elasticloadbalancing",
    shared: Some("elasticloadbalancing-classic"),
    rate: 10.0,
    burst: 40,
    source: Some(
        "ELB API request throttling: non-mutating actions, a bucket of 40 refilled at 10/s; \
         version 1 (classic load balancers) has buckets of its own \
         (docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html)",
    ),
    first: true,
};
const RDS: Budget = Budget {
    service: "rds",
    shared: Some("rds"),
    rate: 12.0,
    burst: 300,
    source: Some(
        "Amazon RDS API request throttling: default burst 300, sustained 12/s \
         (docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html)",
    ),
    first: false,
};
const LOGS: Budget = Budget {
    service: "logs",
    shared: None,
    rate: 5.0,
    burst: 5,
    source: Some(
        "CloudWatch Logs quotas: DescribeLogGroups 5 TPS per account and region \
         (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html; \
         not found in the stored copies read on 2026-11-25, kept from the archived guide)",
    ),
    first: false,
};
const CLOUDTRAIL: Budget = Budget {
    service: "cloudtrail",
    shared: Some("cloudtrail"),
    rate: 10.0,
    burst: 10,
    source: Some(
        "AWS CloudTrail quotas: get, describe and list APIs, 10 TPS, cannot be increased \
         (docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html)",
    ),
    first: false,
};
const ELASTICACHE: Budget = Budget {
    service: "elasticache",
    shared: Some("elasticache"),
    rate: 10.0,
    burst: 20,
    source: None,
    first: false,
};
const AUTOSCALING: Budget = Budget {
    service: "autoscaling",
    shared: Some("autoscaling"),
    rate: 10.0,
    burst: 20,
    source: None,
    first: false,
};
const S3: Budget = Budget {
    service: "s3",
    shared: None,
    rate: 100.0,
    burst: 200,
    source: None,
    first: false,
};
/// KMS: each operation has a request quota of its own per account and
/// region, in requests per second (no burst is published: one second's
/// worth). ListKeys is the smallest of the three conform calls.
const KMS_LIST: Budget = Budget {
    service: "kms",
    shared: None,
    rate: 100.0,
    burst: 100,
    source: Some(
        "AWS KMS request quotas: ListKeys 100 requests per second per account and region \
         (docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html; the \
         table was not readable in the stored copies read on 2026-11-25, number as AWS \
         lists it there)",
    ),
    first: false,
};
const KMS_DESCRIBE: Budget = Budget {
    service: "kms",
    shared: None,
    rate: 1000.0,
    burst: 1000,
    source: Some(
        "AWS KMS throttling: 1000 DescribeKey requests in a second are throttled \
         (docs.aws.amazon.com/kms/latest/developerguide/throttling.html, its example; \
         GetKeyRotationStatus's quota is taken as the same)",
    ),
    first: false,
};
/// DynamoDB's control plane (ListTables, DescribeTable,
/// DescribeContinuousBackups): one throttle for all of it.
const DYNAMODB: Budget = Budget {
    service: "dynamodb",
    shared: Some("dynamodb-control-plane"),
    rate: 2500.0,
    burst: 2500,
    source: Some(
        "Best practices for managing the control plane in DynamoDB: a control plane throttle \
         limit of 2,500 requests per second (docs.aws.amazon.com/amazondynamodb/latest/\
         developerguide/bp-control-plane.html)",
    ),
    first: false,
};
const EFS: Budget = Budget {
    service: "elasticfilesystem",
    shared: Some("elasticfilesystem"),
    rate: 10.0,
    burst: 20,
    source: None,
    first: false,
};
/// Anything not in the table: a cautious budget of its own.
const OTHER: Budget = Budget {
    service: "other",
    shared: None,
    rate: 5.0,
    burst: 5,
    source: None,
    first: false,
};

/// The budget `operation` (an API name, `DescribeInstances`) of `api`
/// draws from.
///
/// | service              | budget                         | rate/s | burst | published |
/// |----------------------|--------------------------------|-------:|------:|-----------|
/// | EC2                  | per operation                  | 20     | 100   | yes       |
/// | Elastic Load Balancing v2 | one per account and region | 10    | 40    | yes       |
/// | Elastic Load Balancing v1 (classic) | one of its own  | 10     | 40    | yes       |
/// | RDS                  | one                            | 12     | 300   | yes       |
/// | CloudWatch Logs      | per operation                  | 5      | 5     | yes       |
/// | CloudTrail           | one (get, describe, list)      | 10     | 10    | yes       |
/// | ElastiCache          | one                            | 10     | 20    | no        |
/// | Auto Scaling         | one (AWS: shared by all APIs)  | 10     | 20    | no        |
/// | S3 bucket reads      | per operation                  | 100    | 200   | no        |
/// | KMS ListKeys         | per operation                  | 100    | 100   | yes       |
/// | KMS DescribeKey, GetKeyRotationStatus | per operation | 1000   | 1000  | yes       |
/// | DynamoDB control plane | one                          | 2500   | 2500  | yes       |
/// | EFS                  | one                            | 10     | 20    | no        |
///
/// conform uses a share of each ([`DEFAULT_SHARE`] unless `--budget-share`).
pub fn budget(api: Api, operation: &str) -> Budget {
    match (api, operation) {
        (
            _,
            "DescribeInstances"
            | "DescribeSecurityGroups"
            | "DescribeNetworkAcls"
            | "DescribeNetworkInterfaces"
            | "DescribeVolumes"
            | "DescribeSnapshots"
            | "DescribeRegions"
            | "DescribeManagedPrefixLists"
            | "GetManagedPrefixListEntries"
            | "GetEbsEncryptionByDefault"
            | "DescribeSubnets"
            | "DescribeRouteTables",
        ) => EC2,
        (_, "DescribeLoadBalancerPolicies")
        | (
            Api::ClassicElb,
            "DescribeLoadBalancers" | "DescribeTags" | "DescribeLoadBalancerAttributes",
        ) => ELB_V1,
        (
            Api::Main,
            "DescribeLoadBalancers" | "DescribeTags" | "DescribeLoadBalancerAttributes",
        )
        | (_, "DescribeListeners" | "DescribeRules" | "DescribeSSLPolicies") => ELB_V2,
        (
            _,
            "DescribeDBInstances"
            | "DescribeDBClusters"
            | "DescribeGlobalClusters"
            | "DescribeDBSnapshots"
            | "DescribeDBClusterSnapshots",
        ) => RDS,
        (_, "DescribeLogGroups") => LOGS,
        (_, "DescribeTrails" | "GetTrailStatus" | "GetEventSelectors") => CLOUDTRAIL,
        (_, "DescribeCacheClusters" | "DescribeReplicationGroups") => ELASTICACHE,
        (_, "DescribeAutoScalingGroups") => AUTOSCALING,
        (_, "ListKeys") => KMS_LIST,
        (_, "DescribeKey" | "GetKeyRotationStatus") => KMS_DESCRIBE,
        (_, "ListTables" | "DescribeTable" | "DescribeContinuousBackups") => DYNAMODB,
        (_, "DescribeFileSystems") => EFS,
        (
            _,
            "ListBuckets"
            | "GetBucketLocation"
            | "GetBucketEncryption"
            | "GetBucketTagging"
            | "GetBucketLifecycleConfiguration"
            | "GetBucketVersioning"
            | "GetObjectLockConfiguration"
            | "GetPublicAccessBlock"
            | "GetBucketPolicyStatus",
        ) => S3,
        _ => OTHER,
    }
}

/// Whether a request of `operation` takes a free request slot before
/// other waiting requests ([`super::slots`]): every request of a budget
/// marked [`Budget::first`], and the listings conform follows with a call
/// per item listed (per bucket, key, table or trail), which head the
/// longest chains of dependent requests after the load balancers'. They
/// are a request or a few per account and region; holding them back
/// behind other datasets' pages delays the whole chain (at N = 5000 S3's
/// `ListBuckets` waited 20 s for a slot, and its 21,000 per-bucket reads
/// ended the scan).
pub(crate) fn goes_first(budget: &Budget, operation: &str) -> bool {
    budget.first
        || matches!(
            operation,
            "ListBuckets" | "ListKeys" | "ListTables" | "DescribeTrails"
        )
}

impl Budget {
    /// The name of the bucket `operation` takes tokens from, within an
    /// account and region: `ec2:DescribeInstances`, or `rds` when the
    /// service's operations share one.
    fn bucket_name(&self, operation: &str) -> String {
        match self.shared {
            Some(name) => name.to_string(),
            None => format!("{}:{operation}", self.service),
        }
    }

    /// conform's own rate and burst for this budget: `share` of AWS's, at
    /// most `max_rps` per second (and then a burst of at most that).
    pub fn allowance(&self, share: f64, max_rps: Option<f64>) -> (f64, u32) {
        let share = if share.is_finite() && share > 0.0 {
            share.min(1.0)
        } else {
            DEFAULT_SHARE
        };
        let mut rate = self.rate * share;
        let mut burst = (f64::from(self.burst) * share).floor();
        if let Some(max) = max_rps.filter(|m| m.is_finite() && *m > 0.0) {
            rate = rate.min(max);
            burst = burst.min(max.ceil());
        }
        (rate, burst.max(1.0) as u32)
    }
}

/// What one bucket allowed and how long requests waited for it, summed
/// over the accounts and regions that have such a bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BudgetStats {
    /// `ec2:DescribeInstances`, `rds`, ...
    pub bucket: String,
    /// conform's rate, per account and region (requests per second).
    pub rate: f64,
    /// conform's burst.
    pub burst: u32,
    /// Whether AWS publishes the budget this is a share of.
    pub published: bool,
    /// Requests admitted (retries excluded).
    pub requests: u64,
    /// Time requests spent waiting for a token, summed.
    pub waited_millis: u64,
}

/// The shortest time the budgets allow for the requests a scan made: the
/// slowest (account, region, bucket), where `requests` beyond the `burst`
/// go out at `rate` per second, and each of the `steps` operations that
/// drew from it is assumed to wait for the one before (a listing, then
/// the reads of what it listed), one round trip each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PacingBound {
    pub seconds: f64,
    pub account: String,
    pub region: String,
    pub bucket: String,
    pub requests: u64,
    pub rate: f64,
    pub burst: u32,
    pub steps: usize,
    /// The round trip assumed per dependent step (the scan's mean time
    /// per call).
    pub round_trip_seconds: f64,
}

type Key = (String, String, String);

/// One (account, region, budget) bucket, and the requests queued for it.
#[derive(Debug)]
struct Bucket {
    limiter: DefaultDirectRateLimiter,
    /// Waiters take turns, first come first served: only the head of the
    /// queue polls the limiter (see the module documentation).
    queue: tokio::sync::Mutex<()>,
    rate: f64,
    burst: u32,
    /// Requests admitted, and the operations they were of.
    admitted: Mutex<(u64, BTreeSet<String>)>,
}

/// The scan's limits: requests in flight (`--concurrency`), and a token
/// bucket per (account, region, budget), shared by every task of a scan.
#[derive(Debug)]
pub struct Limits {
    in_flight: Slots,
    concurrency: usize,
    max_rps: Option<f64>,
    share: f64,
    buckets: Mutex<HashMap<Key, Arc<Bucket>>>,
    stats: Mutex<BTreeMap<String, BudgetStats>>,
}

impl Limits {
    /// At most `concurrency` requests in flight (at least one), and per
    /// budget at most `share` of AWS's published rate and burst (0 < share
    /// <= 1; anything else means [`DEFAULT_SHARE`]) and at most `max_rps`
    /// per second.
    pub fn new(concurrency: usize, max_rps: Option<f64>, share: f64) -> Self {
        let concurrency = concurrency.max(1);
        Limits {
            in_flight: Slots::new(concurrency),
            concurrency,
            max_rps,
            share,
            buckets: Mutex::default(),
            stats: Mutex::default(),
        }
    }

    /// Waits for a token of `operation`'s bucket in `account` and `region`,
    /// then for a request slot (before other requests when its budget goes
    /// [`first`](Budget::first)), and returns the slot: the request holds
    /// it while it runs.
    pub(crate) async fn admit(
        &self,
        account: &str,
        region: &str,
        api: Api,
        operation: &str,
    ) -> Slot<'_> {
        let budget = budget(api, operation);
        let name = budget.bucket_name(operation);
        let bucket = {
            let mut buckets = lock(&self.buckets);
            buckets
                .entry((account.to_string(), region.to_string(), name.clone()))
                .or_insert_with(|| {
                    let (rate, burst) = budget.allowance(self.share, self.max_rps);
                    Arc::new(Bucket {
                        limiter: RateLimiter::direct(quota(rate, burst)),
                        queue: tokio::sync::Mutex::new(()),
                        rate,
                        burst,
                        admitted: Mutex::default(),
                    })
                })
                .clone()
        };
        let started = Instant::now();
        {
            let _turn = bucket.queue.lock().await;
            bucket.until_ready().await;
        }
        let waited = started.elapsed();
        {
            let mut admitted = lock(&bucket.admitted);
            admitted.0 += 1;
            if !admitted.1.contains(operation) {
                admitted.1.insert(operation.to_string());
            }
        }
        {
            let mut stats = lock(&self.stats);
            let entry = stats.entry(name.clone()).or_insert_with(|| BudgetStats {
                bucket: name,
                rate: bucket.rate,
                burst: bucket.burst,
                published: budget.source.is_some(),
                ..Default::default()
            });
            entry.requests += 1;
            entry.waited_millis += u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
        }
        let queue = match goes_first(&budget, operation) {
            true => Queue::First,
            false => Queue::Rest,
        };
        self.in_flight.take(queue).await
    }

    /// The most requests in flight at once (`--concurrency`).
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// A request slot without a token, before other requests (for the
    /// STS calls that open an account, which all of its requests wait
    /// for).
    pub(crate) async fn slot(&self) -> Slot<'_> {
        self.in_flight.take(Queue::First).await
    }

    /// Every bucket used so far, by name.
    pub fn snapshot(&self) -> Vec<BudgetStats> {
        lock(&self.stats).values().cloned().collect()
    }

    /// The shortest time the budgets allow for the requests admitted so
    /// far, with `round_trip` per dependent step (see [`PacingBound`]);
    /// `None` before any request.
    pub fn pacing_bound(&self, round_trip: Duration) -> Option<PacingBound> {
        let buckets = lock(&self.buckets);
        let rtt = round_trip.as_secs_f64();
        buckets
            .iter()
            .map(|((account, region, name), bucket)| {
                let (requests, operations) = {
                    let admitted = lock(&bucket.admitted);
                    (admitted.0, admitted.1.len())
                };
                let beyond_burst = requests.saturating_sub(u64::from(bucket.burst));
                let paced = beyond_burst as f64 / bucket.rate.max(0.001);
                PacingBound {
                    seconds: paced + operations as f64 * rtt,
                    account: account.clone(),
                    region: region.clone(),
                    bucket: name.clone(),
                    requests,
                    rate: bucket.rate,
                    burst: bucket.burst,
                    steps: operations,
                    round_trip_seconds: rtt,
                }
            })
            .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
    }
}

impl Bucket {
    /// Waits until the limiter allows a request, and takes its token.
    ///
    /// The wait is a tokio timer on the scan's own runtime (the worker
    /// that parks anyway sleeps until the earliest timer), not governor's
    /// `until_ready`, whose `futures-timer` delay runs on a timer thread of
    /// its own: every paced request then cost two more thread hand-offs
    /// (register with that thread, be woken from it), a measurable share
    /// of a live scan's CPU, which mostly waits for its budgets.
    async fn until_ready(&self) {
        loop {
            match self.limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.limiter.clock().now());
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// A GCRA quota of `rate` per second with `burst` at once.
fn quota(rate: f64, burst: u32) -> Quota {
    let period = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IAM actions of the shipped policy whose API name differs.
    fn api_name(action: &str) -> &str {
        match action {
            "ListAllMyBuckets" => "ListBuckets",
            "GetEncryptionConfiguration" => "GetBucketEncryption",
            "GetLifecycleConfiguration" => "GetBucketLifecycleConfiguration",
            "GetBucketObjectLockConfiguration" => "GetObjectLockConfiguration",
            // S3's for a bucket, S3 Control's for the account.
            "GetBucketPublicAccessBlock" | "GetAccountPublicAccessBlock" => "GetPublicAccessBlock",
            other => other,
        }
    }

    #[test]
    fn every_operation_a_scan_may_call_has_its_services_budget() {
        let policy: serde_json::Value =
            serde_json::from_str(include_str!("../../iam/conform-readonly-policy.json"))
                .expect("the shipped policy is JSON");
        let actions = policy["Statement"][0]["Action"]
            .as_array()
            .expect("a list of actions");
        assert!(actions.len() > 20);
        for action in actions {
            let action = action.as_str().expect("an action is a string");
            let (service, name) = action.split_once(':').expect("service:Action");
            if service == "sts" {
                continue; // outside any budget: opening an account
            }
            for api in [Api::Main, Api::ClassicElb] {
                let budget = budget(api, api_name(name));
                assert_eq!(budget.service, service, "{action}");
            }
        }
    }

    #[test]
    fn a_scan_takes_half_of_what_aws_publishes() {
        assert_eq!(EC2.allowance(DEFAULT_SHARE, None), (10.0, 50));
        assert_eq!(RDS.allowance(DEFAULT_SHARE, None), (6.0, 150));
        assert_eq!(LOGS.allowance(DEFAULT_SHARE, None), (2.5, 2));
    }

    #[test]
    fn the_budget_share_scales_rate_and_burst_up_to_all_of_it() {
        assert_eq!(EC2.allowance(1.0, None), (20.0, 100));
        assert_eq!(ELB_V2.allowance(0.25, None), (2.5, 10));
        // Outside (0, 1]: more than all is all; nonsense is the default.
        assert_eq!(EC2.allowance(3.0, None), (20.0, 100));
        assert_eq!(EC2.allowance(0.0, None), (10.0, 50));
        assert_eq!(EC2.allowance(f64::NAN, None), (10.0, 50));
        // --max-rps still caps a full share.
        assert_eq!(EC2.allowance(1.0, Some(4.0)), (4.0, 4));
    }

    #[test]
    fn each_elb_api_version_has_a_bucket_of_its_own() {
        let v2 = budget(Api::Main, "DescribeLoadBalancers");
        let v1 = budget(Api::ClassicElb, "DescribeLoadBalancers");
        assert_eq!(
            v2.bucket_name("DescribeLoadBalancers"),
            "elasticloadbalancing-v2"
        );
        assert_eq!(
            v1.bucket_name("DescribeLoadBalancers"),
            "elasticloadbalancing-classic"
        );
        assert_eq!(
            budget(Api::ClassicElb, "DescribeTags").bucket_name("DescribeTags"),
            "elasticloadbalancing-classic"
        );
        assert_eq!(
            budget(Api::Main, "DescribeLoadBalancerPolicies").bucket_name("x"),
            "elasticloadbalancing-classic"
        );
        // Attributes: the same operation name in both API versions.
        assert_eq!(
            budget(Api::ClassicElb, "DescribeLoadBalancerAttributes").bucket_name("x"),
            "elasticloadbalancing-classic"
        );
        assert_eq!(
            budget(Api::Main, "DescribeLoadBalancerAttributes").bucket_name("x"),
            "elasticloadbalancing-v2"
        );
        // Operations of one API version share its bucket.
        assert_eq!(
            budget(Api::Main, "DescribeListeners").bucket_name("DescribeListeners"),
            "elasticloadbalancing-v2"
        );
    }

    #[test]
    fn max_rps_lowers_rate_and_burst_but_never_raises_them() {
        assert_eq!(EC2.allowance(DEFAULT_SHARE, Some(2.0)), (2.0, 2));
        assert_eq!(EC2.allowance(DEFAULT_SHARE, Some(0.5)), (0.5, 1));
        assert_eq!(EC2.allowance(DEFAULT_SHARE, Some(1000.0)), (10.0, 50));
        assert_eq!(LOGS.allowance(DEFAULT_SHARE, Some(100.0)), (2.5, 2));
    }

    #[test]
    fn buckets_are_per_operation_or_per_service() {
        assert_eq!(
            budget(Api::Main, "DescribeInstances").bucket_name("DescribeInstances"),
            "ec2:DescribeInstances"
        );
        assert_eq!(
            budget(Api::Main, "RDS-less").bucket_name("RDS-less"),
            "other:RDS-less"
        );
        assert_eq!(
            budget(Api::Main, "DescribeDBClusters").bucket_name("DescribeDBClusters"),
            "rds"
        );
        assert_eq!(
            budget(Api::Main, "SomethingNew").bucket_name("SomethingNew"),
            "other:SomethingNew"
        );
    }

    /// A burst is admitted at once; what follows waits for tokens at the
    /// allowed rate. Only lower bounds on time are asserted: a loaded
    /// machine can be slower, never faster, than the limiter allows.
    #[tokio::test]
    async fn requests_beyond_the_burst_wait_for_tokens() {
        // Logs: 2.5 per second, a burst of 2, so five requests need at
        // least (5 - 2) / 2.5 = 1.2 s.
        let limits = Limits::new(4, None, DEFAULT_SHARE);
        let started = Instant::now();
        for _ in 0..5 {
            let _slot = limits
                .admit("111122223333", "eu-north-1", Api::Main, "DescribeLogGroups")
                .await;
        }
        assert!(
            started.elapsed() >= Duration::from_millis(1150),
            "{:?}",
            started.elapsed()
        );
        let stats = limits.snapshot();
        assert_eq!(stats.len(), 1);
        assert_eq!(stats[0].bucket, "logs:DescribeLogGroups");
        assert_eq!(stats[0].requests, 5);
        assert!(stats[0].waited_millis >= 1100, "{stats:?}");
        assert!(stats[0].published);
    }

    #[tokio::test]
    async fn accounts_and_regions_have_buckets_of_their_own() {
        let limits = Limits::new(4, Some(1.0), DEFAULT_SHARE);
        for account in ["111122223333", "444455556666"] {
            for region in ["eu-north-1", "us-east-1"] {
                let _slot = limits
                    .admit(account, region, Api::Main, "DescribeVolumes")
                    .await;
            }
        }
        assert_eq!(lock(&limits.buckets).len(), 4);
        // One request per second in each: the second in one place waits.
        let started = Instant::now();
        let _slot = limits
            .admit("111122223333", "eu-north-1", Api::Main, "DescribeVolumes")
            .await;
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
    }

    /// Many requests queued on one bucket are all admitted, in order of
    /// arrival, each once.
    #[tokio::test]
    async fn queued_requests_are_admitted_in_arrival_order() {
        let limits = Arc::new(Limits::new(64, Some(50.0), 1.0));
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..60 {
            let limits = limits.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = limits
                    .admit("111122223333", "eu-north-1", Api::Main, "DescribeListeners")
                    .await;
                lock(&order).push(i);
            }));
            // Let each task reach the queue before the next starts.
            tokio::task::yield_now().await;
        }
        for t in tasks {
            t.await.expect("task");
        }
        let order = lock(&order).clone();
        assert_eq!(order.len(), 60);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..60).collect::<Vec<_>>());
        assert_eq!(limits.snapshot()[0].requests, 60);
    }

    /// With every slot taken, the load balancer requests, an account's
    /// set-up call and S3's listing, arriving last, are sent before the
    /// EC2 and S3 reads waiting longer, in their order of arrival.
    #[tokio::test(flavor = "current_thread")]
    async fn elb_requests_take_a_free_slot_first() {
        let limits = Arc::new(Limits::new(1, None, 1.0));
        let held = limits
            .admit("111122223333", "eu-north-1", Api::Main, "DescribeInstances")
            .await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (api, op) in [
            (Api::Main, "DescribeVolumes"),
            (Api::Main, "GetBucketLocation"),
            (Api::Main, "DescribeListeners"),
            (Api::ClassicElb, "DescribeLoadBalancers"),
            (Api::Main, "STS"),
            (Api::Main, "ListBuckets"),
        ] {
            let limits = limits.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = match op {
                    "STS" => limits.slot().await,
                    _ => limits.admit("111122223333", "eu-north-1", api, op).await,
                };
                lock(&order).push(op);
                tokio::task::yield_now().await;
            }));
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
        }
        drop(held);
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(
            *lock(&order),
            [
                "DescribeListeners",
                "DescribeLoadBalancers",
                "STS",
                "ListBuckets",
                "DescribeVolumes",
                "GetBucketLocation"
            ]
        );
        assert!(budget(Api::Main, "DescribeSSLPolicies").first);
        assert!(!budget(Api::Main, "DescribeDBInstances").first);
    }

    #[tokio::test]
    async fn the_pacing_bound_is_the_slowest_bucket() {
        // ELB v2 at 2/s with a burst of 2: 6 requests, 4 beyond the burst.
        let limits = Limits::new(8, Some(2.0), DEFAULT_SHARE);
        assert_eq!(limits.pacing_bound(Duration::from_millis(100)), None);
        for op in [
            "DescribeLoadBalancers",
            "DescribeListeners",
            "DescribeListeners",
        ] {
            for region in ["eu-north-1", "us-east-1"] {
                let _slot = limits.admit("111122223333", region, Api::Main, op).await;
            }
        }
        for _ in 0..3 {
            let _slot = limits
                .admit("111122223333", "us-east-1", Api::Main, "DescribeRules")
                .await;
        }
        let _slot = limits
            .admit("111122223333", "eu-north-1", Api::Main, "DescribeVolumes")
            .await;
        let bound = limits
            .pacing_bound(Duration::from_millis(100))
            .expect("a bound");
        assert_eq!(bound.region, "us-east-1");
        assert_eq!(bound.bucket, "elasticloadbalancing-v2");
        assert_eq!(bound.requests, 6);
        assert_eq!(bound.steps, 3);
        // (6 - 2) / 2 per second + 3 steps of 0.1 s.
        assert!((bound.seconds - 2.3).abs() < 1e-9, "{bound:?}");
    }
}
