//! What every collector needs besides its client: where it is (account,
//! partition, region) and the shared limit on requests in flight.
//!
//! All AWS requests go through [`Ctx::call`] (one request) or [`Ctx::page`]
//! (one page of a paginator). Both hold a permit of the scan-wide
//! semaphore while the request (with its retries) runs, so that
//! `--concurrency` bounds the requests in flight across every region and
//! service, and both turn a failure into an [`AwsError`].
//!
//! A collector typically reads a dataset like this, keeping what it read
//! before a later page failed:
//!
//! ```ignore
//! let mut out = Partial::default();
//! let mut pages = client.describe_things().max_results(1000).into_paginator().send();
//! loop {
//!     match ctx.page("DescribeThings", pages.next()).await {
//!         Ok(Some(page)) => out.items.extend(page.things().iter().filter_map(convert)),
//!         Ok(None) => break,
//!         Err(e) => break out.error = Some(e),
//!     }
//! }
//! ```

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;

use super::error::aws_error;
use crate::inventory::{AwsError, Coverage, Dataset, Place, Tags};

/// Where a collector reads, and the scan's request limit.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: the first field of ARNs.
    pub partition: String,
    /// The region read, or [`crate::inventory::GLOBAL`] for global datasets.
    pub region: String,
    limit: Arc<Semaphore>,
}

impl Ctx {
    pub fn new(account: &str, partition: &str, region: &str, limit: Arc<Semaphore>) -> Self {
        Ctx {
            account: account.to_string(),
            partition: partition.to_string(),
            region: region.to_string(),
            limit,
        }
    }

    /// This context for another region (same account and limit).
    pub fn in_region(&self, region: &str) -> Self {
        Ctx {
            region: region.to_string(),
            ..self.clone()
        }
    }

    /// The place of a resource read here.
    pub fn place(&self) -> Place {
        Place {
            account: self.account.clone(),
            region: self.region.clone(),
        }
    }

    /// A regional ARN: `arn:{partition}:{service}:{region}:{account}:{resource}`.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{}:{}:{}:{}",
            self.partition, service, self.region, self.account, resource
        )
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

    /// Runs one request of `operation` while holding a permit.
    pub async fn call<T, E>(
        &self,
        operation: &str,
        request: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Result<T, AwsError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        // The semaphore is never closed; were it, run unlimited rather
        // than fail.
        let _permit = self.limit.acquire().await.ok();
        request.await.map_err(|e| aws_error(operation, &e))
    }

    /// Fetches the next page of a paginator (`pages.next()`) while holding
    /// a permit: `Ok(None)` once every page was read.
    pub async fn page<T, E>(
        &self,
        operation: &str,
        next: impl Future<Output = Option<Result<T, SdkError<E, HttpResponse>>>>,
    ) -> Result<Option<T>, AwsError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let _permit = self.limit.acquire().await.ok();
        next.await.transpose().map_err(|e| aws_error(operation, &e))
    }
}

/// What a collector read of one dataset: the resources, and why it stopped
/// early if it did (resources read before the failure are kept).
#[derive(Debug)]
pub(crate) struct Partial<T> {
    pub items: Vec<T>,
    pub error: Option<AwsError>,
}

impl<T> Default for Partial<T> {
    fn default() -> Self {
        Partial {
            items: Vec::new(),
            error: None,
        }
    }
}

/// Tags from any SDK's tag type, given as (key, value) pairs; a tag
/// without a key is skipped, one without a value gets an empty value.
pub(crate) fn tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Tags {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

/// An optional borrowed string, owned.
pub(crate) fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}
