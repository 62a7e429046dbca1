//! AWS configuration as the AWS CLI resolves it: the standard credential
//! chain (environment, profile files, SSO, container and instance roles),
//! `--profile` over `AWS_PROFILE`, and `AWS_ENDPOINT_URL` for emulators.
//!
//! Regions are not taken from the chain: each stack deploys to the region
//! its spec names, so a default region in `~/.aws/config` cannot send prod
//! to the wrong place. See [`stack_region`] for `--region`.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_cloudformation::config::ProvideCredentials;
use std::time::Duration;

use archgen_synth::manifest::Manifest;

use super::error::{AwsClass, AwsFailure, Error};

#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub timeouts: Timeouts,
}

/// How long one AWS call may take. Without these a server that accepts the
/// connection and never answers would hang archgen for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP (and TLS) connection.
    pub connect: Duration,
    /// One attempt of one call, from sending the request to the last byte
    /// of the answer. A call with retries may take a few of these.
    pub attempt: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::from_secs(60)
    }
}

impl Timeouts {
    /// `--aws-timeout SECS`: the per-attempt limit; connecting gets at most
    /// 10 seconds of it (a connection either comes quickly or not at all).
    pub fn from_secs(secs: u64) -> Self {
        let attempt = Duration::from_secs(secs.max(1));
        Timeouts {
            connect: attempt.min(Duration::from_secs(10)),
            attempt,
        }
    }

    /// For the timed-out message: the limits and how to change them.
    pub fn describe(&self) -> String {
        format!(
            "connect timeout {} s, per-call timeout {} s; raise them with --aws-timeout SECS",
            self.connect.as_secs(),
            self.attempt.as_secs()
        )
    }

    fn config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .operation_attempt_timeout(self.attempt)
            // Room for the retries (and their backoff) against AWS.
            .operation_timeout(self.attempt * RETRY_ATTEMPTS)
            .build()
    }
}

/// Attempts per call against AWS: throttling and 5xx answers are retried
/// with exponential backoff and jitter (the SDK's standard mode). Clients
/// for a local endpoint turn retries off (see [`super::sdk`]).
const RETRY_ATTEMPTS: u32 = 4;

/// Loads the configuration and makes sure credentials resolve, so a missing
/// login fails up front with advice rather than deep inside a deploy.
pub async fn load(options: &AwsOptions) -> Result<SdkConfig, Error> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(options.timeouts.config())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(RETRY_ATTEMPTS)
                .with_initial_backoff(Duration::from_secs(1))
                .with_max_backoff(Duration::from_secs(20)),
        );
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials(
            options,
            "no credential provider is configured".into(),
        ));
    };
    // Instance-metadata lookups can hang off EC2; bound the wait.
    let limit = options.timeouts.attempt;
    match tokio::time::timeout(limit, provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(config),
        Ok(Err(e)) => Err(no_credentials(
            options,
            format!("{}", aws_sdk_cloudformation::error::DisplayErrorContext(&e)),
        )),
        Err(_) => Err(no_credentials(
            options,
            format!("the credential chain took over {} s", limit.as_secs()),
        )),
    }
}

/// One line with what to set; the chain's account of each provider it
/// tried (over a kilobyte) is the detail shown with `-v`.
fn no_credentials(options: &AwsOptions, detail: String) -> Error {
    let profile = match &options.profile {
        Some(p) => format!(
            "Profile '{p}' (from --profile) gave no credentials: check it exists in ~/.aws/config \
             or ~/.aws/credentials, and run `aws sso login --profile {p}` if it uses SSO."
        ),
        None => "Set AWS_PROFILE or pass --profile NAME, export AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY, or run `aws sso login`."
            .to_string(),
    };
    AwsFailure {
        class: AwsClass::NoCredentials,
        code: None,
        message: format!(
            "no AWS credentials found (tried the environment, the profile files, SSO and \
             container/instance roles). {profile}"
        ),
        detail,
    }
    .into()
}

/// The region a stack deploys to: its spec's region, unless `--region` is
/// given for an environment whose stacks all share one region. In an
/// environment spanning regions (an edge stack pinned to us-east-1 next to
/// the main stack) one override cannot be right for every stack, so it is
/// refused.
pub fn stack_region<'a>(
    manifest: &'a Manifest,
    stack: &'a str,
    region: Option<&'a str>,
) -> Result<&'a str, Error> {
    let own = manifest
        .stacks
        .iter()
        .find(|s| s.stack_name == stack)
        .map(|s| s.region.as_str())
        .ok_or_else(|| Error::Failed(format!("stack {stack} is not in the manifest")))?;
    let Some(region) = region else {
        return Ok(own);
    };
    let mut regions: Vec<&str> = manifest.stacks.iter().map(|s| s.region.as_str()).collect();
    regions.sort();
    regions.dedup();
    if regions.len() > 1 {
        return Err(Error::usage(format!(
            "--region cannot be used here: environment '{}' spans regions {} and each stack \
             must stay in its own. Drop --region (each stack uses the region in its spec).",
            manifest.environment,
            regions.join(", ")
        )));
    }
    if !valid_region(region) {
        return Err(Error::usage(format!(
            "--region '{region}' is not a region name; expected something like eu-west-1"
        )));
    }
    Ok(region)
}

fn valid_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}
