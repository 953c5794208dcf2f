//! Answers that are not answers: a successful HTTP status whose body is
//! empty, or does not parse.
//!
//! AWS never answers a Describe/Get/List call with an empty 200: a JSON
//! service sends at least `{}`, an XML one a document. The SDK, though,
//! reads an empty JSON body as an empty object, that is as "no resources"
//! — something unread would pass as compliant. [`EmptyAnswerGuard`] turns
//! such an answer into an error ([`EmptyAnswer`]); the dataset (or the one
//! resource's setting) is then recorded as unread, with the reason.
//!
//! # Such answers are not retried
//!
//! A complete 2xx answer that is empty or does not parse is an answer, not
//! a fault on the way, and conform does not send the request again:
//!
//! - **A connection cut mid-answer is another error class.** A reset, or a
//!   close before `Content-Length` bytes (or the last chunk) arrived, fails
//!   while the SDK reads the body, before any parsing: the orchestrator
//!   records a *response error* (`SdkError::ResponseError`, code
//!   `ResponseError` in conform's evidence), a stalled body a *timeout
//!   error*, and the SDK's own transient-error classifier retries both
//!   (`tests/it/faults.rs`: `reset`, `truncate`, `drop`, `stall`).
//! - **What is left arrived whole and intact.** TCP's checksums and, on
//!   HTTPS, TLS's record authentication mean the bytes that parse badly
//!   are the bytes the server sent. Nothing in AWS's documentation has a
//!   read answered with a broken 2xx (S3's "200 with an error inside" is
//!   documented for copies and multipart completions, writes conform never
//!   sends, and the SDK reads those as errors); what does send one is
//!   deterministic:
//!   an SDK older than a change in the service's answer, a proxy or captive
//!   portal answering in AWS's place (an HTML page with 200), an emulator's
//!   quirk (moto's `GetBucketVersioning`, `tests/README.md`). The same
//!   request gets the same answer, so retrying adds only requests and the
//!   back-off between them: with the default 5 attempts, about 9 s of
//!   waiting for each such call, which at the full `--budget-share` was
//!   most of the gap between a scan's wall time and its pacing bound.
//!
//! The SDK's own classifiers leave a 2xx answer alone (its status is not a
//! retryable one, and a parse failure or an interceptor's error is neither
//! a response nor a connector error), so no classifier of conform's is
//! needed for this: the first such answer is final.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The error raised for an empty 2xx answer to a read.
#[derive(Debug)]
pub struct EmptyAnswer;

impl fmt::Display for EmptyAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AWS answered with an empty body, which is not a valid answer to a read")
    }
}

impl std::error::Error for EmptyAnswer {}

fn is_read(operation: &str) -> bool {
    ["Describe", "Get", "List"]
        .iter()
        .any(|p| operation.starts_with(p))
}

/// Fails a read whose 2xx answer has an empty body.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyAnswerGuard;

impl Intercept for EmptyAnswerGuard {
    fn name(&self) -> &'static str {
        "conform-empty-answer-guard"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let read = cfg.load::<Metadata>().is_some_and(|m| is_read(m.name()));
        let response = context.response();
        let empty =
            response.status().is_success() && response.body().bytes().is_some_and(<[u8]>::is_empty);
        if read && empty && context.output_or_error().is_ok() {
            return Err(Box::new(EmptyAnswer));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_are_guarded() {
        assert!(is_read("DescribeLogGroups"));
        assert!(is_read("GetBucketEncryption"));
        assert!(is_read("ListBuckets"));
        assert!(!is_read("AssumeRole"));
        assert!(!is_read("PutObject"));
    }
}
