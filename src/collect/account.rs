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
use super::error::aws_error;
use crate::error::CollectError;

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
    let sts = config.sts();
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| CollectError::Identity(aws_error("GetCallerIdentity", &e).to_string()))?;
    let account = out
        .account()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            CollectError::Identity("GetCallerIdentity returned no account id".to_string())
        })?
        .to_string();
    let partition = out
        .arn()
        .and_then(partition_of)
        .unwrap_or("aws")
        .to_string();
    Ok(Identity { account, partition })
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
    use super::partition_of;

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
