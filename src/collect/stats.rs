//! What a scan asked of AWS: every operation, counted by an SDK interceptor
//! on every client, with its attempts (so retries), throttling answers,
//! errors and time spent.
//!
//! The counts are measured where the requests leave conform, not estimated:
//! `--stats` prints them, `--stats-file` saves them as JSON, and the
//! read-only test checks every operation a full scan performs against the
//! shipped IAM policy.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use serde::Serialize;

/// Counts for one AWS operation of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OperationStats {
    /// The SDK's service name (`EC2`, `Elastic Load Balancing v2`, `S3`, ...).
    pub service: String,
    /// The API operation (`DescribeSecurityGroups`).
    pub operation: String,
    /// Calls made (one per request the collectors sent, retries excluded).
    pub calls: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    /// Attempts AWS answered with throttling (HTTP 429, or a throttling
    /// error code).
    pub throttled: u64,
    /// Calls that ended in an error after any retries (answers that state
    /// an absence, such as S3's `NoSuchTagSet`, are facts, not errors).
    pub errors: u64,
    /// Time from first attempt to final answer, summed over calls.
    pub millis: u64,
}

impl OperationStats {
    /// Retries: attempts beyond the first of each call.
    pub fn retries(&self) -> u64 {
        self.attempts.saturating_sub(self.calls)
    }
}

/// The counts of one scan, shared by every client's interceptor: by
/// service, then by operation (looked up by the SDK's borrowed names, so
/// that counting a request allocates nothing once its operation is known).
#[derive(Debug, Clone, Default)]
pub struct CallStats {
    by_operation: Arc<Mutex<BTreeMap<String, BTreeMap<String, OperationStats>>>>,
}

impl CallStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every operation seen, by service and name.
    pub fn snapshot(&self) -> Vec<OperationStats> {
        let map = match self.by_operation.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.values()
            .flat_map(|operations| operations.values().cloned())
            .collect()
    }

    fn update(&self, cfg: &ConfigBag, f: impl FnOnce(&mut OperationStats)) {
        let Some(meta) = cfg.load::<Metadata>() else {
            return;
        };
        let (service, operation) = (meta.service(), meta.name());
        let mut map = match self.by_operation.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !map.contains_key(service) {
            map.insert(service.to_string(), BTreeMap::new());
        }
        let Some(operations) = map.get_mut(service) else {
            return;
        };
        if !operations.contains_key(operation) {
            operations.insert(
                operation.to_string(),
                OperationStats {
                    service: service.to_string(),
                    operation: operation.to_string(),
                    ..Default::default()
                },
            );
        }
        if let Some(entry) = operations.get_mut(operation) {
            f(entry);
        }
    }

    /// The interceptor to add to every client of a scan.
    pub fn interceptor(&self) -> StatsInterceptor {
        StatsInterceptor {
            stats: self.clone(),
        }
    }
}

/// When a call started (kept in the call's own config bag).
#[derive(Debug, Clone)]
struct Started(Instant);

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

/// Error codes AWS services use for throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "SlowDown",
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
];

/// Error codes that answer a question rather than fail it: "this bucket
/// has no tags / lifecycle / encryption configuration". Collectors record
/// them as facts, so they are not counted as errors.
const ABSENCE_CODES: &[&str] = &[
    "NoSuchTagSet",
    "NoSuchLifecycleConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
];

/// Whether an error body names one of [`ABSENCE_CODES`] in a `<Code>`
/// element.
fn is_absence(body: Option<&[u8]>) -> bool {
    const OPEN: &[u8] = b"<Code>";
    const CLOSE: &[u8] = b"</Code>";
    let Some(mut rest) = body else {
        return false;
    };
    while let Some(start) = memchr::memmem::find(rest, OPEN) {
        rest = &rest[start + OPEN.len()..];
        let Some(end) = memchr::memmem::find(rest, CLOSE) else {
            return false;
        };
        if ABSENCE_CODES
            .iter()
            .any(|code| code.as_bytes() == &rest[..end])
        {
            return true;
        }
    }
    false
}

/// Whether an HTTP answer is a throttling one: status 429, or an error
/// body or `x-amzn-ErrorType` header naming a throttling code.
fn is_throttling(status: u16, error_type: Option<&str>, body: Option<&[u8]>) -> bool {
    if status == 429 {
        return true;
    }
    if status < 400 {
        return false;
    }
    // A code is a whole word: a run of ASCII letters and digits.
    let named = |text: &[u8]| {
        text.split(|c| !c.is_ascii_alphanumeric())
            .any(|word| THROTTLING_CODES.iter().any(|code| code.as_bytes() == word))
    };
    error_type.is_some_and(|t| named(t.as_bytes())) || body.is_some_and(named)
}

/// The SDK interceptor behind [`CallStats`].
#[derive(Debug, Clone)]
pub struct StatsInterceptor {
    stats: CallStats,
}

impl Intercept for StatsInterceptor {
    fn name(&self) -> &'static str {
        "conform-call-stats"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Started(Instant::now()));
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.stats.update(cfg, |s| s.attempts += 1);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let throttled = is_throttling(
                response.status().as_u16(),
                response.headers().get("x-amzn-errortype"),
                response.body().bytes(),
            );
            if throttled {
                self.stats.update(cfg, |s| s.throttled += 1);
            }
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let failed = matches!(context.output_or_error(), Some(Err(_)))
            && !is_absence(context.response().and_then(|r| r.body().bytes()));
        let millis = cfg
            .load::<Started>()
            .map(|s| u64::try_from(s.0.elapsed().as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        self.stats.update(cfg, |s| {
            s.calls += 1;
            s.errors += u64::from(failed);
            s.millis += millis;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absence_answers_are_not_errors() {
        assert!(is_absence(Some(
            b"<Error><Code>NoSuchTagSet</Code><Message>x</Message></Error>"
        )));
        assert!(is_absence(Some(
            b"<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code></Error>"
        )));
        assert!(!is_absence(Some(
            b"<Error><Code>AccessDenied</Code></Error>"
        )));
        assert!(!is_absence(None));
        // Any of several codes, but only a whole element's text.
        assert!(is_absence(Some(
            b"<Errors><Code>Other</Code><Code>NoSuchLifecycleConfiguration</Code></Errors>"
        )));
        assert!(!is_absence(Some(b"<Code>NoSuchTagSetX</Code>")));
        assert!(!is_absence(Some(b"<Code>NoSuchTagSet")));
    }

    #[test]
    fn throttling_is_recognised_by_status_header_or_code() {
        assert!(is_throttling(429, None, None));
        assert!(is_throttling(
            400,
            Some("ThrottlingException:http://internal"),
            None
        ));
        assert!(is_throttling(
            503,
            None,
            Some(b"<Response><Errors><Error><Code>RequestLimitExceeded</Code>")
        ));
        assert!(is_throttling(
            400,
            None,
            Some(b"{\"__type\":\"Throttling\"}")
        ));
        assert!(!is_throttling(
            400,
            None,
            Some(b"<Code>AccessDenied</Code>")
        ));
        assert!(!is_throttling(200, None, Some(b"Throttling in the docs")));
        assert!(!is_throttling(
            500,
            None,
            Some(b"<Code>InternalError</Code>")
        ));
        // A code that merely contains a throttling word is not one.
        assert!(!is_throttling(
            400,
            None,
            Some(b"<Code>NotThrottlingReally</Code>")
        ));
    }
}
