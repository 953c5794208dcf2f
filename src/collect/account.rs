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
use crate::inventory::AwsError;

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
        .and_then(partition_of)
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

/// The partition field of an ARN (`arn:aws-cn:sts::...` → `aws-cn`).
fn partition_of(arn: &str) -> Option<&str> {
    let mut fields = arn.split(':');
    match (fields.next(), fields.next()) {
        (Some("arn"), Some(p)) if !p.is_empty() => Some(p),
        _ => None,
    }
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
    use super::{Shard, partition_of};

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
    fn partition_comes_from_the_arn() {
        assert_eq!(
            partition_of("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("aws")
        );
        assert_eq!(
            partition_of("arn:aws-cn:iam::123456789012:user/u"),
            Some("aws-cn")
        );
        assert_eq!(
            partition_of("arn:aws-us-gov:iam::1:root"),
            Some("aws-us-gov")
        );
        assert_eq!(partition_of("not-an-arn"), None);
        assert_eq!(partition_of("arn::iam::1:root"), None);
    }
}
