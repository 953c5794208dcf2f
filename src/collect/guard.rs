//! Answers that are not answers: a successful HTTP status whose body is
//! empty, or does not parse.
//!
//! AWS never answers a Describe/Get/List call with an empty 200: a JSON
//! service sends at least `{}`, an XML one a document. The SDK, though,
//! reads an empty JSON body as an empty object, that is as "no resources"
//! — something unread would pass as compliant. [`EmptyAnswerGuard`] turns
//! such an answer into an error ([`EmptyAnswer`]), and
//! [`GarbledAnswerIsTransient`] has a 2xx answer the SDK could not read
//! (empty, cut short, not JSON or XML) retried like any transient fault. If
//! every attempt fails, the dataset is recorded as unread.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
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

/// Retries an answer with a success status that could not be used (the
/// SDK failed to read it, or [`EmptyAnswerGuard`] refused it).
#[derive(Debug, Clone, Copy, Default)]
pub struct GarbledAnswerIsTransient;

impl ClassifyRetry for GarbledAnswerIsTransient {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let success = ctx.response().is_some_and(|r| r.status().is_success());
        let failed = matches!(ctx.output_or_error(), Some(Err(_)));
        if success && failed {
            RetryAction::transient_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "conform-garbled-answer-is-transient"
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
