//! Scanning several accounts: each opened with its role and proven by its
//! identity, read like the caller's own, or recorded as failed with the
//! reason; then their parts assembled into one inventory.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::plan::{Beyond, home, without};
use super::tasks::collect_account;
use super::{AccountOptions, CollectOptions, RegionSelection, account, client, error, limits};
use crate::error::CollectError;
use crate::inventory::{Arn, AwsError, Coverage, Dataset, GLOBAL, Inventory, ScannedAccount};

/// The inventory of a multi-account scan from each account's part: an
/// error when accounts were asked for and not one could be scanned (an
/// empty shard is not an error: it has nothing to scan).
pub(super) fn assemble(
    mut inventory: Inventory,
    parts: Vec<Inventory>,
) -> Result<Inventory, CollectError> {
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

/// What every account of a multi-account scan shares.
#[derive(Clone, Copy)]
pub(super) struct AccountScan<'a> {
    /// The caller's configuration.
    pub base: &'a client::ScanConfig,
    pub caller: &'a account::Identity,
    /// The caller's regions (after `--exclude-region`).
    pub regions: &'a [String],
    pub wanted: &'a BTreeSet<Dataset>,
    pub options: &'a CollectOptions,
    pub accounts: &'a AccountOptions,
    pub limit: &'a Arc<limits::Limits>,
}

impl AccountScan<'_> {
    /// Scans one account; a failure to start is recorded, not returned.
    pub(super) async fn scan(&self, id: &str) -> Inventory {
        match self.open(id).await {
            Ok((config, identity, regions, beyond)) => {
                collect_account(
                    &config,
                    &identity,
                    &regions,
                    self.wanted,
                    beyond.as_ref(),
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

    /// The configuration, proven identity and regions of account `id`,
    /// and what residency reads beyond them.
    async fn open(
        &self,
        id: &str,
    ) -> Result<
        (
            client::ScanConfig,
            account::Identity,
            Vec<String>,
            Option<Beyond>,
        ),
        AwsError,
    > {
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
        let unavailable = |e: CollectError| {
            error::internal_error("DescribeRegions", "RegionsUnavailable", e.to_string())
        };
        let every_region = &self.options.every_region;
        let enabled = if self.options.regions == RegionSelection::All || !every_region.is_empty() {
            account::regions(&config, &RegionSelection::All)
                .await
                .map_err(unavailable)?
        } else {
            Vec::new()
        };
        let regions = match self.options.regions {
            RegionSelection::All => {
                without(enabled.clone(), &self.options.exclude_regions).map_err(unavailable)?
            }
            _ => self.regions.to_vec(),
        };
        let beyond = Beyond::of(
            every_region,
            enabled,
            &regions,
            &self.options.exclude_regions,
        );
        Ok((config, identity, regions, beyond))
    }
}

/// The inventory of an account that could not be scanned: its scope entry
/// with the error, and that error as the coverage of every dataset asked
/// for, in every region (once, in [`GLOBAL`], for global datasets).
pub(super) fn failed_account(
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
}
