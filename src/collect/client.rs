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
//!   region's datasets instead of hanging the scan.
//!
//! Each region gets its clients from a copy of that configuration with the
//! region set ([`RegionClients`]); they are built once per (service,
//! region) and cloned (cheaply: clients are reference-counted) into the
//! tasks that use them. The global collectors (S3, CloudTrail) build their
//! own, one per region they need, the same way ([`in_region`]).

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

use super::CollectOptions;

/// Attempts per request, including the first (AWS's standard is 3; a scan
/// of a busy account meets throttling, and adaptive mode slows down).
pub(crate) const MAX_ATTEMPTS: u32 = 5;
/// Time to establish a TCP+TLS connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time for one attempt of a request.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time for a request, all its attempts and back-offs included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Loads the scan's AWS configuration (profile from `options`, everything
/// else from the environment and the shared config files).
pub(crate) async fn load_config(options: &CollectOptions) -> SdkConfig {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// The configuration with another region.
pub(crate) fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}

/// An S3 client for `region`, path-style addressing if asked for.
pub(crate) fn s3_client(
    config: &SdkConfig,
    region: &str,
    force_path_style: bool,
) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&in_region(config, region))
        .force_path_style(force_path_style)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
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
}

impl RegionClients {
    pub fn new(config: &SdkConfig, region: &str) -> Self {
        let config = in_region(config, region);
        RegionClients {
            ec2: aws_sdk_ec2::Client::new(&config),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            elb: aws_sdk_elasticloadbalancing::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            rds: aws_sdk_rds::Client::new(&config),
            elasticache: aws_sdk_elasticache::Client::new(&config),
            autoscaling: aws_sdk_autoscaling::Client::new(&config),
        }
    }
}
