//! Turning an AWS SDK error into an [`AwsError`] kept as evidence.
//!
//! Every SDK operation fails with an `SdkError<E, HttpResponse>`, where `E`
//! is the operation's own error type. One generic function maps all of them,
//! so that every collector records failures the same way:
//!
//! - a **service error** (AWS answered and said no) keeps AWS's error code
//!   (`AccessDenied`, `UnauthorizedOperation`, `Throttling`, ...) and
//!   message;
//! - a failure **before AWS answered** gets a conform-assigned code naming
//!   the kind of failure (`DispatchFailure` for connection/DNS/TLS or
//!   credential problems, `TimeoutError`, `ResponseError` for an unreadable
//!   answer, `ConstructionFailure` for a request that could not be built),
//!   and the full chain of causes as its message ([`chain`]).

use std::error::Error as StdError;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::inventory::AwsError;

/// Maps a failed call of `operation` (the API name, e.g.
/// `DescribeSecurityGroups`) to an [`AwsError`].
pub(crate) fn aws_error<E>(operation: &str, err: &SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let (code, message) = match err {
        _ if caused_by_empty_answer(err) => ("EmptyResponse".to_string(), chain(err)),
        SdkError::ServiceError(service) => {
            let e = service.err();
            let status = service.raw().status();
            let code = match e.code() {
                Some(code) => code.to_string(),
                // A success status whose body could not be parsed: a
                // whole answer that is not one (see `super::guard`; a
                // body cut on the way is a `ResponseError`).
                None if status.is_success() => "MalformedResponse".to_string(),
                // Some answers carry no code (an S3 HEAD, a proxy's HTML
                // page): the HTTP status is the best evidence left.
                None => format!("HTTP{}", service.raw().status().as_u16()),
            };
            let message = match e.message() {
                Some(m) => m.to_string(),
                None => chain(e),
            };
            (code, message)
        }
        SdkError::DispatchFailure(_) => ("DispatchFailure".to_string(), chain(err)),
        SdkError::TimeoutError(_) => ("TimeoutError".to_string(), chain(err)),
        SdkError::ResponseError(_) => ("ResponseError".to_string(), chain(err)),
        SdkError::ConstructionFailure(_) => ("ConstructionFailure".to_string(), chain(err)),
        // `SdkError` is non-exhaustive.
        _ => ("Unknown".to_string(), chain(err)),
    };
    AwsError {
        operation: operation.to_string(),
        code,
        message,
    }
}

/// Whether the failure is [`super::guard::EmptyAnswer`]: an empty 2xx
/// answer refused by the guard.
fn caused_by_empty_answer(err: &(dyn StdError + 'static)) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<super::guard::EmptyAnswer>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// An error's message followed by its causes: `a: b: c`.
///
/// Like aws-smithy's `DisplayErrorContext`, without the `Debug` dump it
/// appends (raw response headers and bodies), which does not belong in a
/// message or a saved inventory. A cause whose text the message already
/// holds is not repeated.
pub(crate) fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// An error conform assigns itself (a task that died, an answer missing a
/// required field): not from AWS, but recorded the same way.
pub(crate) fn internal_error(operation: &str, code: &str, message: impl Into<String>) -> AwsError {
    AwsError {
        operation: operation.to_string(),
        code: code.to_string(),
        message: message.into(),
    }
}
