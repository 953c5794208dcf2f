//! What every collector needs besides its client: where it is (account,
//! partition, region) and the scan's shared request limits.
//!
//! All AWS requests go through [`Ctx::call`] (one request) or [`Ctx::page`]
//! (one page of a paginator). Both first wait for a token of the request's
//! budget in this account and region, then hold one of the scan's request
//! slots while the request (with its retries) runs (see [`Limits`]): so
//! `--max-rps` and AWS's published rates bound the requests per second
//! and `--concurrency` the requests in flight. Both turn a failure into an
//! [`AwsError`].
//!
//! Paginated datasets are read with the pager's `read_pages!` (see
//! [`super::pager`]).

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::error::aws_error;
use super::limits::{Api, Limits};
use crate::inventory::{AwsError, Coverage, Dataset, Place, Str, Tags};

/// Where a collector reads, and the scan's request limits.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: the first field of ARNs.
    pub partition: String,
    /// The region read, or [`crate::inventory::GLOBAL`] for global datasets.
    pub region: String,
    /// Which API of the service the requests go to, where that decides
    /// their budget (ELB's classic API); see [`Ctx::for_api`].
    api: Api,
    limits: Arc<Limits>,
}

impl Ctx {
    pub fn new(account: &str, partition: &str, region: &str, limits: Arc<Limits>) -> Self {
        Ctx {
            account: account.to_string(),
            partition: partition.to_string(),
            region: region.to_string(),
            api: Api::Main,
            limits,
        }
    }

    /// This context for requests to `api`, whose operations draw from
    /// budgets of their own though they share names with another API's
    /// (`DescribeLoadBalancers` of classic ELB).
    pub fn for_api(&self, api: Api) -> Self {
        Ctx {
            api,
            ..self.clone()
        }
    }

    /// This context for another region (same account and limits).
    pub fn in_region(&self, region: &str) -> Self {
        Ctx {
            region: region.to_string(),
            ..self.clone()
        }
    }

    /// The place of a resource read here.
    pub fn place(&self) -> Place {
        Place {
            account: (&self.account).into(),
            region: (&self.region).into(),
        }
    }

    /// The ARN of resource `id` of `dataset` read here, in the shape the
    /// table of kinds gives it (for resources AWS gives no ARN for).
    pub fn arn_of(&self, dataset: Dataset, id: &str) -> String {
        dataset.arn(&self.partition, &self.region, &self.account, id)
    }

    /// The coverage record of `dataset` here.
    pub fn coverage(&self, dataset: Dataset, error: Option<AwsError>) -> Coverage {
        Coverage {
            account: self.account.clone(),
            region: self.region.clone(),
            dataset,
            error,
        }
    }

    /// Runs one request of `operation` once its budget and the request
    /// slots allow.
    pub async fn call<T, E>(
        &self,
        operation: &str,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, AwsError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let _slot = self.admit(operation).await;
        request.await.map_err(|e| aws_error(operation, &e))
    }

    /// Fetches the next page of a paginator (`pages.next()`): `Ok(None)`
    /// once every page was read. `sends` says whether a request will go
    /// out: true for the first page and after a page that carries a
    /// pagination token ([`more_pages`](super::pager::more_pages)); then the call waits for its
    /// budget and a request slot. Asking past the last page sends nothing,
    /// so it takes no token: a token per dataset would otherwise be spent
    /// on nothing (per load balancer, for listeners).
    pub async fn page<T, E>(
        &self,
        operation: &str,
        sends: bool,
        next: impl Future<Output = Option<Result<T, SdkError<E, HttpResponse>>>>,
    ) -> Result<Option<T>, AwsError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let _slot = match sends {
            true => Some(self.admit(operation).await),
            false => None,
        };
        next.await.transpose().map_err(|e| aws_error(operation, &e))
    }
}

impl Ctx {
    async fn admit(&self, operation: &str) -> super::slots::Slot<'_> {
        self.limits
            .admit(&self.account, &self.region, self.api, operation)
            .await
    }
}

/// Tags from any SDK's tag type, given as (key, value) pairs; a tag
/// without a key is skipped, one without a value gets an empty value.
pub(crate) fn tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Tags {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((Str::from(k?), Str::from(v.unwrap_or_default()))))
        .collect()
}

/// An optional borrowed string, owned.
/// The inventory's copy of a list of strings from an SDK answer.
pub(crate) fn strs(items: &[String]) -> Vec<Str> {
    items.iter().map(|s| Str::from(s.as_str())).collect()
}

pub(crate) fn owned<S: for<'a> From<&'a str>>(s: Option<&str>) -> Option<S> {
    s.map(S::from)
}

/// An SDK timestamp as a [`jiff::Timestamp`] (seconds and nanoseconds kept);
/// `None` for an instant jiff cannot represent (beyond year ±9999).
pub(crate) fn timestamp(t: &aws_smithy_types::DateTime) -> Option<jiff::Timestamp> {
    let nanos = i32::try_from(t.subsec_nanos()).ok()?;
    jiff::Timestamp::new(t.secs(), nanos).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::DateTime;

    #[test]
    fn timestamps_keep_seconds_and_nanoseconds() {
        let t = timestamp(&DateTime::from_secs_and_nanos(1_700_000_000, 123_456_789));
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("2023-11-14T22:13:20.123456789Z")
        );
        let before_epoch = timestamp(&DateTime::from_secs_and_nanos(-1, 500_000_000));
        assert_eq!(
            before_epoch.map(|t| t.to_string()).as_deref(),
            Some("1969-12-31T23:59:59.5Z")
        );
    }

    #[test]
    fn out_of_range_timestamps_are_none() {
        assert_eq!(timestamp(&DateTime::from_secs(i64::MAX)), None);
    }

    #[test]
    fn tags_skip_missing_keys_and_default_missing_values() {
        let t = tags([(Some("a"), Some("1")), (None, Some("2")), (Some("b"), None)]);
        assert_eq!(t.get("a").map(|s| s.as_str()), Some("1"));
        assert_eq!(t.get("b").map(|s| s.as_str()), Some(""));
        assert_eq!(t.len(), 2);
    }
}
