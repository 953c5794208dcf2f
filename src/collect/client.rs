//! The AWS configuration and clients of a scan.
//!
//! One [`SdkConfig`] is loaded per scan by [`load_config`]: credentials
//! (environment, profile, SSO, web identity, credential process, IMDS),
//! the default region and endpoint overrides (`AWS_ENDPOINT_URL`,
//! `AWS_ENDPOINT_URL_<SERVICE>`) all come from aws-config's default chain,
//! never from conform's own code. conform only sets what a scanner needs:
//!
//! - an HTTPS client on rustls with the *ring* crypto provider (shared by
//!   every client, so connections are pooled across services and regions);
//! - adaptive retries (client-side rate limiting on throttling) with
//!   [`MAX_ATTEMPTS`] attempts;
//! - timeouts, so that a region whose endpoint does not answer fails that
//!   region's datasets instead of hanging the scan;
//! - stalled-stream protection of answers only, not of the requests'
//!   small bodies.
//!
//! Each region gets its clients from a copy of that configuration with the
//! region set ([`RegionClients`]); they are built once per (service,
//! region) and cloned (cheaply: clients are reference-counted) into the
//! tasks that use them. The global collectors (S3, CloudTrail) build their
//! own, one per region they need, the same way ([`in_region`]).

use std::time::Duration;

use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

use super::CollectOptions;
use super::error::{aws_error, chain, internal_error};
use super::stats::CallStats;
use crate::inventory::AwsError;

/// Attempts per request, including the first (AWS's standard is 3; a scan
/// of a busy account meets throttling, and adaptive mode slows down).
pub const MAX_ATTEMPTS: u32 = 5;
/// The session name of the roles conform assumes (`--role-name`): it shows
/// in the target accounts' CloudTrail as the `roleSessionName`.
pub const SESSION_NAME: &str = "conform-scan";
/// Time to establish a TCP+TLS connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for one attempt of a request.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time for a request, all its attempts and back-offs included: enough
/// for every attempt to time out, plus back-off.
fn operation_timeout(attempt: Duration, attempts: u32) -> Duration {
    attempt * attempts + Duration::from_secs(30)
}

/// Loads the scan's AWS configuration (profile from `options`, everything
/// else from the environment and the shared config files).
pub(crate) async fn load_config(options: &CollectOptions, stats: &CallStats) -> ScanConfig {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(RetryConfig::adaptive().with_max_attempts(options.max_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT.min(options.attempt_timeout))
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(operation_timeout(
                    options.attempt_timeout,
                    options.max_attempts,
                ))
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    // Stalled-stream protection watches the answer's body (a download
    // that stops arriving fails after its grace period, before the attempt
    // timeout), but not the request's: conform's requests are a form or a
    // JSON object of a few hundred bytes, and watching their upload costs
    // CPU on every request (README, Benchmarks: "Where a live scan's CPU
    // went"). A request that cannot be sent still fails at
    // --attempt-timeout.
    loader = loader.stalled_stream_protection(
        StalledStreamProtectionConfig::enabled()
            .upload_enabled(false)
            .build(),
    );
    ScanConfig {
        sdk: loader.load().await,
        stats: stats.clone(),
    }
}

/// The scan's AWS configuration, and the call counter every client it
/// builds reports to ([`CallStats`]): build clients here, never with
/// `Client::new`, so that no AWS call goes uncounted.
#[derive(Debug, Clone)]
pub(crate) struct ScanConfig {
    sdk: SdkConfig,
    stats: CallStats,
}

/// A client of an `aws-sdk-*` crate from a [`ScanConfig`], with the call
/// counter attached.
macro_rules! client {
    ($krate:ident, $config:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from(&$config.sdk)
                .interceptor($config.stats.interceptor())
                .interceptor(super::guard::EmptyAnswerGuard)
                .build(),
        )
    };
}

impl ScanConfig {
    /// A scan configuration from an AWS configuration built elsewhere,
    /// counting calls in `stats`.
    pub fn new(sdk: SdkConfig, stats: &CallStats) -> ScanConfig {
        ScanConfig {
            sdk,
            stats: stats.clone(),
        }
    }

    /// The configured region, if any.
    pub fn region(&self) -> Option<&Region> {
        self.sdk.region()
    }

    /// The configuration with another region.
    pub fn in_region(&self, region: &str) -> ScanConfig {
        ScanConfig {
            sdk: self
                .sdk
                .to_builder()
                .region(Region::new(region.to_string()))
                .build(),
            stats: self.stats.clone(),
        }
    }

    /// The configuration of another account: the same settings and call
    /// counter, with credentials from assuming `role_arn` (session name
    /// [`SESSION_NAME`]) with this configuration's credentials.
    ///
    /// aws-config's [`AssumeRoleProvider`] makes the `AssumeRole` calls
    /// (its STS client is its own, so those calls are not counted by
    /// `--stats`); the configuration's identity cache, which every client
    /// built from it shares, keeps the temporary credentials and refreshes
    /// them before they expire, so a scan longer than the session still
    /// goes on. Building the configuration makes no call: the role is
    /// first assumed by the first request (or [`ScanConfig::credentials`]).
    pub async fn assuming(&self, role_arn: &str, external_id: Option<&str>) -> ScanConfig {
        let mut builder = AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .configure(&self.sdk);
        if let Some(id) = external_id {
            builder = builder.external_id(id);
        }
        // STS is regional; without a region, the role is assumed through
        // the account-wide fallback region.
        if self.sdk.region().is_none() {
            builder = builder.region(Region::new(super::account::FALLBACK_REGION));
        }
        let provider = builder.build().await;
        ScanConfig {
            sdk: self
                .sdk
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build(),
            stats: self.stats.clone(),
        }
    }

    /// Asks the credentials provider for credentials once, so that a role
    /// that cannot be assumed fails with AWS's own `AssumeRole` error rather
    /// than as the transport failure of whichever call came first.
    ///
    /// The error keeps STS's code (`AccessDenied`, ...) when STS answered.
    pub async fn credentials(&self) -> Result<(), AwsError> {
        let Some(provider) = self.sdk.credentials_provider() else {
            return Err(internal_error(
                "AssumeRole",
                "CredentialsNotLoaded",
                "no credentials provider is configured",
            ));
        };
        provider
            .provide_credentials()
            .await
            .map(|_| ())
            .map_err(|e| assume_role_error(&e))
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        client!(aws_sdk_sts, self)
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        client!(aws_sdk_organizations, self)
    }

    pub fn ec2(&self) -> aws_sdk_ec2::Client {
        client!(aws_sdk_ec2, self)
    }

    pub fn cloudtrail(&self) -> aws_sdk_cloudtrail::Client {
        client!(aws_sdk_cloudtrail, self)
    }

    /// An S3 Control client (the account's Block Public Access settings).
    ///
    /// S3 Control addresses an account by a host label
    /// (`{account}.s3-control.{region}.amazonaws.com`), and its endpoint
    /// rules put that label before a configured endpoint URL too, which
    /// cannot work for an IP literal or `localhost` (an S3-compatible
    /// endpoint or an emulator on loopback): there the URL is used as
    /// given, as the SDK itself does for S3 with path-style addressing.
    pub fn s3control(&self) -> aws_sdk_s3control::Client {
        let mut builder = aws_sdk_s3control::config::Builder::from(&self.sdk)
            .interceptor(self.stats.interceptor())
            .interceptor(super::guard::EmptyAnswerGuard);
        if let Some(url) = self.sdk.endpoint_url().filter(|u| is_local(u)) {
            builder = builder.endpoint_resolver(Verbatim(url.to_string()));
        }
        aws_sdk_s3control::Client::from_conf(builder.build())
    }

    /// An S3 client, path-style addressing if asked for.
    pub fn s3(&self, force_path_style: bool) -> aws_sdk_s3::Client {
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.sdk)
                .interceptor(self.stats.interceptor())
                .interceptor(super::guard::EmptyAnswerGuard)
                .force_path_style(force_path_style)
                .build(),
        )
    }
}

/// Whether an endpoint URL names an IP address or `localhost`, where no
/// host label can be put before it.
fn is_local(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        // [IPv6]:port
        Some(v6) => {
            return v6
                .split(']')
                .next()
                .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok());
        }
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::Ipv4Addr>().is_ok()
}

/// An endpoint resolver that gives one URL as it is.
#[derive(Debug)]
struct Verbatim(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Verbatim {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// An S3 client for `region`, path-style addressing if asked for.
pub(crate) fn s3_client(
    config: &ScanConfig,
    region: &str,
    force_path_style: bool,
) -> aws_sdk_s3::Client {
    config.in_region(region).s3(force_path_style)
}

/// The clients of one region. Building a client makes no request, so all
/// of them are built up front.
#[derive(Debug, Clone)]
pub(crate) struct RegionClients {
    pub ec2: aws_sdk_ec2::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub elb: aws_sdk_elasticloadbalancing::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub rds: aws_sdk_rds::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub kms: aws_sdk_kms::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub efs: aws_sdk_efs::Client,
}

impl RegionClients {
    pub fn new(config: &ScanConfig, region: &str) -> Self {
        let config = config.in_region(region);
        RegionClients {
            ec2: config.ec2(),
            elbv2: client!(aws_sdk_elasticloadbalancingv2, config),
            elb: client!(aws_sdk_elasticloadbalancing, config),
            logs: client!(aws_sdk_cloudwatchlogs, config),
            rds: client!(aws_sdk_rds, config),
            elasticache: client!(aws_sdk_elasticache, config),
            autoscaling: client!(aws_sdk_autoscaling, config),
            kms: client!(aws_sdk_kms, config),
            dynamodb: client!(aws_sdk_dynamodb, config),
            efs: client!(aws_sdk_efs, config),
        }
    }
}

/// The [`AwsError`] of a credentials provider that could not assume its
/// role: STS's own error (code and message) when it is in the chain of
/// causes, else `CredentialsError` and the chain's text.
fn assume_role_error(err: &(dyn std::error::Error + 'static)) -> AwsError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(sts) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return aws_error("AssumeRole", sts);
        }
        cause = e.source();
    }
    internal_error("AssumeRole", "CredentialsError", chain(err))
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn only_ip_literals_and_localhost_take_no_host_label() {
        for url in [
            "http://127.0.0.1:5000",
            "http://127.0.0.1:5000/",
            "http://localhost:4566",
            "https://LOCALHOST",
            "http://[::1]:9000/path",
            "10.0.0.7",
        ] {
            assert!(is_local(url), "{url}");
        }
        for url in [
            "https://s3-control.eu-north-1.amazonaws.com",
            "https://minio.example.com:9000",
            "http://localhost.example.com",
        ] {
            assert!(!is_local(url), "{url}");
        }
    }
}
