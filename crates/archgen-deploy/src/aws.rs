//! AWS configuration as the AWS CLI resolves it: the standard credential
//! chain (environment, profile files, SSO, container and instance roles),
//! `--profile` over `AWS_PROFILE`, and `AWS_ENDPOINT_URL` for emulators.
//!
//! Regions are not taken from the chain: each stack deploys to the region
//! its spec names, so a default region in `~/.aws/config` cannot send prod
//! to the wrong place. See [`stack_region`] for `--region`.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_cloudformation::config::ProvideCredentials;
use std::time::Duration;

use archgen_synth::manifest::Manifest;

#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// Loads the configuration and makes sure credentials resolve, so a missing
/// login fails up front with advice rather than deep inside a deploy.
pub async fn load(options: &AwsOptions) -> Result<SdkConfig, String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &options.profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials(
            options,
            "no credential provider is configured",
        ));
    };
    // Instance-metadata lookups can hang off EC2; bound the wait.
    match tokio::time::timeout(Duration::from_secs(30), provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(config),
        Ok(Err(e)) => Err(no_credentials(
            options,
            &format!("{}", aws_sdk_cloudformation::error::DisplayErrorContext(&e)),
        )),
        Err(_) => Err(no_credentials(options, "timed out after 30 s")),
    }
}

fn no_credentials(options: &AwsOptions, detail: &str) -> String {
    let profile = match &options.profile {
        Some(p) => format!(
            "Profile '{p}' (from --profile) gave no credentials: check it exists in ~/.aws/config \
             or ~/.aws/credentials, and run `aws sso login --profile {p}` if it uses SSO."
        ),
        None => "Set AWS_PROFILE or pass --profile NAME, export AWS_ACCESS_KEY_ID and \
                 AWS_SECRET_ACCESS_KEY, or run `aws sso login`."
            .to_string(),
    };
    format!("no AWS credentials found ({detail}). {profile}")
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
) -> Result<&'a str, String> {
    let own = manifest
        .stacks
        .iter()
        .find(|s| s.stack_name == stack)
        .map(|s| s.region.as_str())
        .ok_or_else(|| format!("stack {stack} is not in the manifest"))?;
    let Some(region) = region else {
        return Ok(own);
    };
    let mut regions: Vec<&str> = manifest.stacks.iter().map(|s| s.region.as_str()).collect();
    regions.sort();
    regions.dedup();
    if regions.len() > 1 {
        return Err(format!(
            "--region cannot be used here: environment '{}' spans regions {} and each stack \
             must stay in its own. Drop --region (each stack uses the region in its spec).",
            manifest.environment,
            regions.join(", ")
        ));
    }
    if !valid_region(region) {
        return Err(format!(
            "--region '{region}' is not a region name; expected something like eu-west-1"
        ));
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
