//! Planning: which datasets, regions and accounts a scan reads, decided
//! from the options before any dataset is read.

use std::collections::BTreeSet;

use super::{AccountOptions, account, client};
use crate::error::CollectError;
use crate::inventory::Dataset;

/// The configuration for account-wide calls (STS, Organizations,
/// `DescribeRegions`): the configured region, else [`account::FALLBACK_REGION`].
pub(super) fn home(config: &client::ScanConfig) -> client::ScanConfig {
    match config.region() {
        Some(_) => config.clone(),
        None => config.in_region(account::FALLBACK_REGION),
    }
}

/// `regions` without those of `--exclude-region`; none left is
/// [`CollectError::NoRegion`].
pub(super) fn without(
    regions: Vec<String>,
    excluded: &[String],
) -> Result<Vec<String>, CollectError> {
    let left: Vec<String> = regions
        .into_iter()
        .filter(|r| !excluded.contains(r))
        .collect();
    if left.is_empty() {
        return Err(CollectError::NoRegion);
    }
    Ok(left)
}

/// What an account's scan reads beyond its regions for checks that judge
/// where resources are (data residency): the datasets of
/// [`super::CollectOptions::every_region`] in every enabled region the
/// scan's regions leave out.
#[derive(Debug, Clone, Default)]
pub(super) struct Beyond {
    /// Every region enabled for the account (`DescribeRegions`), recorded
    /// in the inventory.
    pub enabled: Vec<String>,
    /// The enabled regions that are not the scan's, nor excluded with
    /// `--exclude-region` (an excluded region stays unread, and residency
    /// there is unknown).
    pub extra: Vec<String>,
    /// What is read there (with what it needs).
    pub datasets: BTreeSet<Dataset>,
}

impl Beyond {
    /// For an account whose enabled regions are `enabled`, scanned in
    /// `regions`; `None` when no check judges where resources are.
    pub(super) fn of(
        every_region: &BTreeSet<Dataset>,
        enabled: Vec<String>,
        regions: &[String],
        excluded: &[String],
    ) -> Option<Beyond> {
        if every_region.is_empty() {
            return None;
        }
        let extra = enabled
            .iter()
            .filter(|r| !regions.contains(r) && !excluded.contains(r))
            .cloned()
            .collect();
        let datasets = needed(every_region)
            .into_iter()
            .filter(|d| !d.is_global())
            .collect();
        Some(Beyond {
            enabled,
            extra,
            datasets,
        })
    }
}

/// The accounts to scan: `--accounts` and the organization's, sorted and
/// de-duplicated, then cut to the shard. Every one that is not the
/// caller's needs `--role-name`.
pub(super) async fn targets(
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

/// The datasets to read for `asked`: those asked for plus what they need.
///
/// - Prefix lists' entries are read only for the lists that security
///   groups reference, so prefix lists need security groups.
/// - TLS policies are the policies listeners use: with one generation of
///   load balancers asked for, that generation's; with neither, both.
/// - Bucket details (tags, lifecycle) are read for the buckets listed, so
///   they need the buckets; so do the other details read per resource
///   listed, KMS keys' rotation and DynamoDB tables' continuous backups
///   among them (see [`details_of`]).
pub(super) fn needed(asked: &BTreeSet<Dataset>) -> BTreeSet<Dataset> {
    let mut out = asked.clone();
    for &d in asked {
        if let Some(of) = details_of(d) {
            out.insert(of);
        }
    }
    if out.contains(&Dataset::PrefixLists) {
        out.insert(Dataset::SecurityGroups);
    }
    // Judged on what was asked: load balancers added for their details do
    // not narrow the TLS policies to their generation.
    if asked.contains(&Dataset::SslPolicies)
        && !asked.contains(&Dataset::LoadBalancers)
        && !asked.contains(&Dataset::ClassicLoadBalancers)
    {
        out.insert(Dataset::LoadBalancers);
        out.insert(Dataset::ClassicLoadBalancers);
    }
    out
}

/// The dataset whose resources a detail dataset is read for (and into).
pub(super) fn details_of(dataset: Dataset) -> Option<Dataset> {
    match dataset {
        Dataset::LoadBalancerAttributes => Some(Dataset::LoadBalancers),
        Dataset::ClassicLoadBalancerAttributes => Some(Dataset::ClassicLoadBalancers),
        Dataset::TrailEventSelectors => Some(Dataset::Trails),
        Dataset::BucketDetails
        | Dataset::BucketVersioning
        | Dataset::BucketObjectLock
        | Dataset::BucketPublicAccessBlock
        | Dataset::BucketPolicyStatus => Some(Dataset::Buckets),
        Dataset::KmsKeyRotation => Some(Dataset::KmsKeys),
        Dataset::DynamoDbContinuousBackups => Some(Dataset::DynamoDbTables),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ds: &[Dataset]) -> BTreeSet<Dataset> {
        ds.iter().copied().collect()
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
    fn details_need_what_they_are_read_for() {
        assert_eq!(
            needed(&set(&[Dataset::LoadBalancerAttributes])),
            set(&[Dataset::LoadBalancerAttributes, Dataset::LoadBalancers])
        );
        assert_eq!(
            needed(&set(&[
                Dataset::SslPolicies,
                Dataset::LoadBalancerAttributes
            ])),
            set(&[
                Dataset::SslPolicies,
                Dataset::LoadBalancerAttributes,
                Dataset::LoadBalancers,
                Dataset::ClassicLoadBalancers
            ]),
            "TLS policies still read for both generations"
        );
        assert_eq!(
            needed(&set(&[Dataset::ClassicLoadBalancerAttributes])),
            set(&[
                Dataset::ClassicLoadBalancerAttributes,
                Dataset::ClassicLoadBalancers
            ])
        );
    }

    #[test]
    fn residency_reads_its_regional_datasets_in_the_enabled_regions_left_out() {
        let s = |v: &[&str]| v.iter().map(|r| r.to_string()).collect::<Vec<_>>();
        assert!(Beyond::of(&set(&[]), s(&["eu-north-1"]), &[], &[]).is_none());
        let beyond = Beyond::of(
            &set(&[Dataset::LogGroups, Dataset::Buckets, Dataset::PrefixLists]),
            s(&["ap-south-1", "eu-north-1", "us-east-1"]),
            &s(&["eu-north-1"]),
            &s(&["ap-south-1"]),
        )
        .unwrap();
        assert_eq!(
            beyond.enabled,
            s(&["ap-south-1", "eu-north-1", "us-east-1"])
        );
        assert_eq!(beyond.extra, s(&["us-east-1"]));
        // Global datasets are read once anyway; what they need comes along.
        assert_eq!(
            beyond.datasets,
            set(&[
                Dataset::SecurityGroups,
                Dataset::PrefixLists,
                Dataset::LogGroups
            ])
        );
    }

    #[test]
    fn details_of_keys_and_tables_need_the_keys_and_tables() {
        assert_eq!(
            needed(&set(&[Dataset::KmsKeyRotation])),
            set(&[Dataset::KmsKeyRotation, Dataset::KmsKeys])
        );
        assert_eq!(
            needed(&set(&[Dataset::DynamoDbContinuousBackups])),
            set(&[Dataset::DynamoDbContinuousBackups, Dataset::DynamoDbTables])
        );
    }

    #[test]
    fn other_datasets_need_nothing_else() {
        for &d in Dataset::ALL {
            if ![
                Dataset::PrefixLists,
                Dataset::SslPolicies,
                Dataset::BucketDetails,
                Dataset::KmsKeyRotation,
                Dataset::DynamoDbContinuousBackups,
            ]
            .contains(&d)
                && details_of(d).is_none()
            {
                assert_eq!(needed(&set(&[d])), set(&[d]));
            }
        }
    }
}
