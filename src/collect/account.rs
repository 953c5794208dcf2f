//! Who the scan runs as, and which regions it reads.
//!
//! Both are decided before any dataset is read, and a failure of either
//! stops the scan (a [`CollectError`]): without an account id there is
//! nothing to attribute resources to, and scanning a mistyped region would
//! report an empty, "compliant" estate. Their messages read like
//! `GetCallerIdentity failed with InvalidClientTokenId: The security token
//! included in the request is invalid.`, or for a failure before AWS
//! answered, `... failed with DispatchFailure: ` and the chain of causes.

use super::RegionSelection;
use super::client::ScanConfig;
use super::error::{aws_error, internal_error};
use crate::error::CollectError;
use crate::inventory::{Arn, AwsError};

/// The region used for account-wide calls (STS, `DescribeRegions`) when the
/// profile and environment name none.
pub(crate) const FALLBACK_REGION: &str = "us-east-1";

/// The account the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub account: String,
    /// From the caller's ARN: `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: String,
}

/// Calls STS `GetCallerIdentity` once (in `config`'s region).
pub(crate) async fn identity(config: &ScanConfig) -> Result<Identity, CollectError> {
    identity_of(config)
        .await
        .map_err(|e| CollectError::Identity(e.to_string()))
}

/// [`identity`], failing with the [`AwsError`] kept as evidence for an
/// account that could not be scanned.
pub(crate) async fn identity_of(config: &ScanConfig) -> Result<Identity, AwsError> {
    let sts = config.sts();
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| aws_error("GetCallerIdentity", &e))?;
    let account = out
        .account()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            internal_error(
                "GetCallerIdentity",
                "MissingAccountId",
                "GetCallerIdentity returned no account id",
            )
        })?
        .to_string();
    let partition = out
        .arn()
        .and_then(Arn::partition_of)
        .unwrap_or("aws")
        .to_string();
    Ok(Identity { account, partition })
}

/// One shard of the accounts: `--shard K/N` scans the accounts whose
/// position in the sorted, de-duplicated list of accounts is K-1 modulo N.
///
/// The split depends only on the list of accounts, so N jobs given the same
/// list (the same `--accounts`, or the same organization) scan disjoint
/// sets that together cover every account, and each account stays in the
/// same shard from one run to the next while the list does not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// K: which shard, from 1.
    pub index: usize,
    /// N: how many shards.
    pub count: usize,
}

impl Shard {
    /// Whether the account at `position` (from 0) of the sorted list is in
    /// this shard.
    pub fn selects(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with 1 ≤ K ≤ N.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid shard {text:?}: expected K/N with 1 ≤ K ≤ N (e.g. 2/4)");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// `--shard`: a fixed `K/N`, or `auto`, read from the batch engine that
/// runs this copy of conform (see [`Shard::from_engine`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    Fixed(Shard),
    Auto,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("auto") {
            Ok(ShardSpec::Auto)
        } else {
            text.parse().map(ShardSpec::Fixed)
        }
    }
}

impl Shard {
    /// The shard of this task of an array of tasks, from the environment
    /// its engine sets (`var` looks a variable up):
    /// - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` (from 0) and
    ///   `AWS_BATCH_JOB_ARRAY_SIZE`, both set by Batch in every child job;
    /// - Kubernetes indexed Jobs: `JOB_COMPLETION_INDEX` (from 0), set by
    ///   the Job controller, and `CONFORM_SHARD_COUNT`, which the manifest
    ///   sets to the Job's `completions` (Kubernetes does not pass that
    ///   number to the pod).
    ///
    /// When both are present AWS Batch wins (Batch on EKS runs pods). The
    /// error names what is missing or malformed.
    pub fn from_engine(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let number = |name: &str| -> Result<Option<usize>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<usize>().map(Some).map_err(|_| {
                    format!("--shard auto: {name}={v:?} is not a non-negative integer")
                }),
            }
        };
        let (engine, index, count) = if let Some(index) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
            let count = number("AWS_BATCH_JOB_ARRAY_SIZE")?.ok_or(
                "--shard auto: AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not",
            )?;
            ("AWS Batch array job", index, count)
        } else if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = number("CONFORM_SHARD_COUNT")?.ok_or(
                "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes indexed Job) but \
                 CONFORM_SHARD_COUNT is not: set it to the Job's spec.completions",
            )?;
            ("Kubernetes indexed Job", index, count)
        } else {
            return Err("--shard auto: no batch engine found: expected \
                        AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE (AWS Batch array \
                        job) or JOB_COMPLETION_INDEX and CONFORM_SHARD_COUNT (Kubernetes indexed \
                        Job); give --shard K/N otherwise"
                .into());
        };
        if count == 0 || index >= count {
            return Err(format!(
                "--shard auto: index {index} (from 0) is not within the {count} tasks of the {engine}"
            ));
        }
        Ok(Shard {
            index: index + 1,
            count,
        })
    }
}

/// The ACTIVE accounts of the caller's organization (Organizations
/// `ListAccounts`, every page). The caller must be the management account
/// or a delegated administrator; anything else is a [`CollectError`], since
/// scanning a partial list of an organization would look complete.
pub(crate) async fn organization_accounts(
    config: &ScanConfig,
) -> Result<Vec<String>, CollectError> {
    use aws_sdk_organizations::types::{AccountState, AccountStatus};
    let client = config.organizations();
    let mut pages = client.list_accounts().into_paginator().send();
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page
            .map_err(|e| CollectError::Organization(aws_error("ListAccounts", &e).to_string()))?;
        for account in page.accounts() {
            // `State` replaces `Status` (retired in 2026); older answers
            // (and emulators) carry only `Status`.
            let active = match (account.state(), account.status()) {
                (Some(state), _) => *state == AccountState::Active,
                (None, Some(status)) => *status == AccountStatus::Active,
                (None, None) => false,
            };
            if let (true, Some(id)) = (active, account.id()) {
                ids.push(id.to_string());
            }
        }
    }
    Ok(ids)
}

/// Resolves the selection to region names, in a stable order, without
/// duplicates. `config` is already set to the home region.
pub(crate) async fn regions(
    config: &ScanConfig,
    selection: &RegionSelection,
) -> Result<Vec<String>, CollectError> {
    match selection {
        RegionSelection::Default => match config.region() {
            Some(r) => Ok(vec![r.to_string()]),
            None => Err(CollectError::NoRegion),
        },
        RegionSelection::All => {
            // Without AllRegions, EC2 lists only the regions enabled for
            // the account (opt-in regions only once opted in).
            let mut names = describe_regions(config, false).await?;
            names.sort();
            names.dedup();
            Ok(names)
        }
        RegionSelection::List(wanted) => {
            let mut known = describe_regions(config, true).await?;
            known.sort();
            known.dedup();
            let mut out: Vec<String> = Vec::with_capacity(wanted.len());
            for region in wanted {
                if known.binary_search(region).is_err() {
                    return Err(CollectError::UnknownRegion {
                        region: region.clone(),
                        known: known.join(", "),
                    });
                }
                if !out.contains(region) {
                    out.push(region.clone());
                }
            }
            if out.is_empty() {
                return Err(CollectError::NoRegion);
            }
            Ok(out)
        }
    }
}

/// EC2 `DescribeRegions` in `config`'s region (or [`FALLBACK_REGION`]).
async fn describe_regions(config: &ScanConfig, all: bool) -> Result<Vec<String>, CollectError> {
    let config = match config.region() {
        Some(_) => config.clone(),
        None => config.in_region(FALLBACK_REGION),
    };
    let ec2 = config.ec2();
    let out = ec2
        .describe_regions()
        .all_regions(all)
        .send()
        .await
        .map_err(|e| CollectError::Regions(aws_error("DescribeRegions", &e).to_string()))?;
    let names: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(CollectError::Regions(
            "DescribeRegions returned no regions".to_string(),
        ));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_parse_and_split_by_position() {
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!(s, Shard { index: 2, count: 3 });
        assert_eq!(s.to_string(), "2/3");
        let picked: Vec<usize> = (0..7).filter(|&p| s.selects(p)).collect();
        assert_eq!(picked, vec![1, 4]);
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3", "-1/2", "", "/"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // Every position is in exactly one shard.
        for p in 0..20 {
            let n = (1..=4)
                .filter(|&k| Shard { index: k, count: 4 }.selects(p))
                .count();
            assert_eq!(n, 1);
        }
    }

    #[test]
    fn auto_shards_come_from_the_batch_engine() {
        use super::ShardSpec;
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!("auto".parse::<ShardSpec>(), Ok(ShardSpec::Auto));
        assert_eq!(
            "2/3".parse::<ShardSpec>(),
            Ok(ShardSpec::Fixed(Shard { index: 2, count: 3 }))
        );
        assert!("auto/3".parse::<ShardSpec>().is_err());
        // AWS Batch: index from 0, size of the parent array job.
        let batch = Shard::from_engine(env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "4"),
        ]));
        assert_eq!(batch, Ok(Shard { index: 1, count: 4 }));
        // Kubernetes: JOB_COMPLETION_INDEX with the manifest's count.
        let k8s = Shard::from_engine(env(&[
            ("JOB_COMPLETION_INDEX", "2"),
            ("CONFORM_SHARD_COUNT", "3"),
        ]));
        assert_eq!(k8s, Ok(Shard { index: 3, count: 3 }));
        // Batch wins when both are there.
        let both = Shard::from_engine(env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
            ("JOB_COMPLETION_INDEX", "0"),
            ("CONFORM_SHARD_COUNT", "5"),
        ]));
        assert_eq!(both, Ok(Shard { index: 2, count: 2 }));
        // Errors name the variable.
        for (pairs, needle) in [
            (&[][..], "no batch engine"),
            (
                &[("AWS_BATCH_JOB_ARRAY_INDEX", "1")][..],
                "AWS_BATCH_JOB_ARRAY_SIZE",
            ),
            (&[("JOB_COMPLETION_INDEX", "1")][..], "CONFORM_SHARD_COUNT"),
            (
                &[("JOB_COMPLETION_INDEX", "x"), ("CONFORM_SHARD_COUNT", "2")][..],
                "JOB_COMPLETION_INDEX=\"x\"",
            ),
            (
                &[("JOB_COMPLETION_INDEX", "2"), ("CONFORM_SHARD_COUNT", "2")][..],
                "index 2",
            ),
            (
                &[
                    ("AWS_BATCH_JOB_ARRAY_INDEX", "0"),
                    ("AWS_BATCH_JOB_ARRAY_SIZE", "0"),
                ][..],
                "0 tasks",
            ),
        ] {
            let err = Shard::from_engine(|name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            })
            .unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
