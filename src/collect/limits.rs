//! How hard a scan may press on AWS: requests in flight, and requests per
//! second per (account, region, API budget).
//!
//! AWS throttles each account in each region separately, and most services
//! publish the token bucket they throttle with: a bucket of `burst` tokens
//! refilled at `rate` tokens per second, one token per request. A scanner
//! that spends the whole bucket throttles the production workloads of the
//! account it audits (their calls start failing with `RequestLimitExceeded`
//! too), so conform keeps a bucket of its own per (account, region, budget)
//! and spends at most [`SHARE`] of AWS's rate and burst, leaving the rest to
//! the account's own software. `--max-rps` lowers that further, for every
//! budget; it never raises one.
//!
//! [`budget`] says which budget an operation draws from, and what AWS
//! publishes for it (see the table in its documentation). Where AWS
//! publishes nothing ([`Budget::source`] is `None`), conform assumes a
//! modest rate and says so in `--stats`.
//!
//! This sits on top of the SDK's adaptive retry mode, which slows a client
//! down further when AWS answers with throttling anyway (another tool
//! spending the same bucket). Retries are the SDK's and do not take tokens
//! here: under throttling they are spaced by the SDK's own back-off.
//!
//! The token buckets are [`governor`]'s (a GCRA limiter, equivalent to a
//! token bucket), one per key, created on first use.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use tokio::sync::Semaphore;

/// The part of AWS's published rate and burst a scan allows itself.
pub const SHARE: f64 = 0.5;

/// The throttling budget an operation draws from, per account and region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The IAM service prefix (`ec2`, `rds`, ...).
    pub service: &'static str,
    /// Whether each operation has its own bucket (`true`) or all the
    /// service's operations share one.
    pub per_operation: bool,
    /// Tokens AWS refills per second.
    pub rate: f64,
    /// Tokens the bucket holds when full.
    pub burst: u32,
    /// Where AWS publishes these numbers; `None` when it does not (the
    /// numbers are then conform's assumption).
    pub source: Option<&'static str>,
}

const EC2: Budget = Budget {
    service: "ec2",
    per_operation: true,
    rate: 20.0,
    burst: 100,
    source: Some(
        "Amazon EC2 API request throttling: non-mutating actions, \
         paginated (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html)",
    ),
};
const ELB: Budget = Budget {
    service: "elasticloadbalancing",
    per_operation: false,
    rate: 10.0,
    burst: 40,
    source: Some(
        "Elastic Load Balancing API request throttling: the account-level bucket \
         shared by every action (docs.aws.amazon.com/elasticloadbalancing/latest/userguide/\
         elb-api-throttling.html)",
    ),
};
const RDS: Budget = Budget {
    service: "rds",
    per_operation: false,
    rate: 12.0,
    burst: 300,
    source: Some(
        "Amazon RDS API request throttling: default burst 300, sustained 12/s \
         (docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html)",
    ),
};
const LOGS: Budget = Budget {
    service: "logs",
    per_operation: true,
    rate: 5.0,
    burst: 5,
    source: Some("CloudWatch Logs quotas: DescribeLogGroups 5 TPS per account and region"),
};
const CLOUDTRAIL: Budget = Budget {
    service: "cloudtrail",
    per_operation: false,
    rate: 10.0,
    burst: 10,
    source: Some("AWS CloudTrail quotas: get, describe and list APIs, 10 TPS"),
};
const ELASTICACHE: Budget = Budget {
    service: "elasticache",
    per_operation: false,
    rate: 10.0,
    burst: 20,
    source: None,
};
const AUTOSCALING: Budget = Budget {
    service: "autoscaling",
    per_operation: false,
    rate: 10.0,
    burst: 20,
    source: None,
};
const S3: Budget = Budget {
    service: "s3",
    per_operation: true,
    rate: 100.0,
    burst: 200,
    source: None,
};
/// Anything not in the table: a cautious budget of its own.
const OTHER: Budget = Budget {
    service: "other",
    per_operation: true,
    rate: 5.0,
    burst: 5,
    source: None,
};

/// The budget `operation` (an API name, `DescribeInstances`) draws from.
///
/// | service              | budget                         | rate/s | burst | published |
/// |----------------------|--------------------------------|-------:|------:|-----------|
/// | EC2                  | per operation                  | 20     | 100   | yes       |
/// | Elastic Load Balancing (both generations) | one per account and region | 10 | 40 | yes |
/// | RDS                  | one                            | 12     | 300   | yes       |
/// | CloudWatch Logs      | per operation                  | 5      | 5     | yes       |
/// | CloudTrail           | one (get, describe, list)      | 10     | 10    | yes       |
/// | ElastiCache          | one                            | 10     | 20    | no        |
/// | Auto Scaling         | one (AWS: shared by all APIs)  | 10     | 20    | no        |
/// | S3 bucket reads      | per operation                  | 100    | 200   | no        |
///
/// conform uses [`SHARE`] of each.
pub fn budget(operation: &str) -> Budget {
    match operation {
        "DescribeInstances"
        | "DescribeSecurityGroups"
        | "DescribeNetworkAcls"
        | "DescribeNetworkInterfaces"
        | "DescribeVolumes"
        | "DescribeSnapshots"
        | "DescribeRegions"
        | "DescribeManagedPrefixLists"
        | "GetManagedPrefixListEntries"
        | "GetEbsEncryptionByDefault" => EC2,
        "DescribeLoadBalancers"
        | "DescribeListeners"
        | "DescribeRules"
        | "DescribeSSLPolicies"
        | "DescribeTags"
        | "DescribeLoadBalancerPolicies" => ELB,
        "DescribeDBInstances"
        | "DescribeDBClusters"
        | "DescribeGlobalClusters"
        | "DescribeDBSnapshots"
        | "DescribeDBClusterSnapshots" => RDS,
        "DescribeLogGroups" => LOGS,
        "DescribeTrails" | "GetTrailStatus" | "GetEventSelectors" => CLOUDTRAIL,
        "DescribeCacheClusters" | "DescribeReplicationGroups" => ELASTICACHE,
        "DescribeAutoScalingGroups" => AUTOSCALING,
        "ListBuckets"
        | "GetBucketLocation"
        | "GetBucketEncryption"
        | "GetBucketTagging"
        | "GetBucketLifecycleConfiguration"
        | "GetBucketVersioning" => S3,
        _ => OTHER,
    }
}

impl Budget {
    /// The name of the bucket `operation` takes tokens from, within an
    /// account and region: `ec2:DescribeInstances`, or `rds` when the
    /// service's operations share one.
    fn bucket_name(&self, operation: &str) -> String {
        if self.per_operation {
            format!("{}:{operation}", self.service)
        } else {
            self.service.to_string()
        }
    }

    /// conform's own rate and burst for this budget: [`SHARE`] of AWS's,
    /// at most `max_rps` per second (and then a burst of at most that).
    pub fn allowance(&self, max_rps: Option<f64>) -> (f64, u32) {
        let mut rate = self.rate * SHARE;
        let mut burst = (f64::from(self.burst) * SHARE).floor();
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

type Key = (String, String, String);

/// The scan's limits: requests in flight (`--concurrency`), and a token
/// bucket per (account, region, budget), shared by every task of a scan.
#[derive(Debug)]
pub struct Limits {
    in_flight: Semaphore,
    max_rps: Option<f64>,
    buckets: Mutex<HashMap<Key, Arc<DefaultDirectRateLimiter>>>,
    stats: Mutex<BTreeMap<String, BudgetStats>>,
}

impl Limits {
    /// At most `concurrency` requests in flight (at least one), and at most
    /// `max_rps` per second per budget (besides [`SHARE`] of AWS's).
    pub fn new(concurrency: usize, max_rps: Option<f64>) -> Self {
        Limits {
            in_flight: Semaphore::new(concurrency.clamp(1, Semaphore::MAX_PERMITS)),
            max_rps,
            buckets: Mutex::default(),
            stats: Mutex::default(),
        }
    }

    /// Waits for a token of `operation`'s bucket in `account` and `region`,
    /// then for a request slot, and returns the slot: the request holds it
    /// while it runs.
    pub(crate) async fn admit(
        &self,
        account: &str,
        region: &str,
        operation: &str,
    ) -> Option<tokio::sync::SemaphorePermit<'_>> {
        let budget = budget(operation);
        let name = budget.bucket_name(operation);
        let (rate, burst) = budget.allowance(self.max_rps);
        let limiter = {
            let mut buckets = lock(&self.buckets);
            buckets
                .entry((account.to_string(), region.to_string(), name.clone()))
                .or_insert_with(|| Arc::new(RateLimiter::direct(quota(rate, burst))))
                .clone()
        };
        let started = Instant::now();
        limiter.until_ready().await;
        let waited = started.elapsed();
        {
            let mut stats = lock(&self.stats);
            let entry = stats.entry(name.clone()).or_insert_with(|| BudgetStats {
                bucket: name,
                rate,
                burst,
                published: budget.source.is_some(),
                ..Default::default()
            });
            entry.requests += 1;
            entry.waited_millis += u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
        }
        // The semaphore is never closed; were it, run unlimited rather
        // than fail.
        self.in_flight.acquire().await.ok()
    }

    /// A request slot without a token (for calls outside any budget's
    /// table, such as the STS calls that open an account).
    pub(crate) async fn slot(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.in_flight.acquire().await.ok()
    }

    /// Every bucket used so far, by name.
    pub fn snapshot(&self) -> Vec<BudgetStats> {
        lock(&self.stats).values().cloned().collect()
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
            let budget = budget(api_name(name));
            assert_eq!(budget.service, service, "{action}");
        }
    }

    #[test]
    fn a_scan_takes_half_of_what_aws_publishes() {
        assert_eq!(EC2.allowance(None), (10.0, 50));
        assert_eq!(RDS.allowance(None), (6.0, 150));
        assert_eq!(LOGS.allowance(None), (2.5, 2));
    }

    #[test]
    fn max_rps_lowers_rate_and_burst_but_never_raises_them() {
        assert_eq!(EC2.allowance(Some(2.0)), (2.0, 2));
        assert_eq!(EC2.allowance(Some(0.5)), (0.5, 1));
        assert_eq!(EC2.allowance(Some(1000.0)), (10.0, 50));
        assert_eq!(LOGS.allowance(Some(100.0)), (2.5, 2));
    }

    #[test]
    fn buckets_are_per_operation_or_per_service() {
        assert_eq!(
            budget("DescribeInstances").bucket_name("DescribeInstances"),
            "ec2:DescribeInstances"
        );
        assert_eq!(
            budget("DescribeListeners").bucket_name("DescribeListeners"),
            "elasticloadbalancing"
        );
        assert_eq!(
            budget("SomethingNew").bucket_name("SomethingNew"),
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
        let limits = Limits::new(4, None);
        let started = Instant::now();
        for _ in 0..5 {
            let _slot = limits
                .admit("111122223333", "eu-north-1", "DescribeLogGroups")
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
        let limits = Limits::new(4, Some(1.0));
        for account in ["111122223333", "444455556666"] {
            for region in ["eu-north-1", "us-east-1"] {
                let _slot = limits.admit(account, region, "DescribeVolumes").await;
            }
        }
        assert_eq!(lock(&limits.buckets).len(), 4);
        // One request per second in each: the second in one place waits.
        let started = Instant::now();
        let _slot = limits
            .admit("111122223333", "eu-north-1", "DescribeVolumes")
            .await;
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
    }
}
