//! Messaging: `queues:` (SQS with a dead-letter queue) and `functions:`
//! (Lambda functions, optionally triggered by a queue). archgen never builds
//! function code: it points at a package in S3 or an image.

use crate::spec::yes;
use serde::Deserialize;
use std::collections::BTreeMap;

use super::app::Architecture;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Seconds a received message stays hidden; at least the consumer
    /// function's timeout.
    #[serde(default = "default_visibility")]
    pub visibility_timeout: u32,
    /// Days a message is kept (1-14).
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// Receives before a message moves to the dead-letter queue.
    #[serde(default = "default_receives")]
    pub max_receive_count: u32,
    /// Days the dead-letter queue keeps a message (1-14).
    #[serde(default = "default_dlq_retention")]
    pub dead_letter_retention_days: u32,
    /// Key from `keys:` (SSE-KMS); absent: SSE-SQS.
    #[serde(default)]
    pub kms_key: Option<String>,
}

fn default_visibility() -> u32 {
    30
}
fn default_retention() -> u32 {
    4
}
fn default_receives() -> u32 {
    5
}
fn default_dlq_retention() -> u32 {
    14
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeSpec {
    /// Bucket holding the deployment package (built and uploaded by CI).
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// A zip package in S3 (with `runtime` and `handler`), or ...
    #[serde(default)]
    pub code: Option<CodeSpec>,
    /// ... a container image URI in ECR.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub handler: Option<String>,
    #[serde(default)]
    pub architecture: Architecture,
    /// MiB (128-10240).
    #[serde(default = "default_memory")]
    pub memory: u32,
    /// Seconds (1-900).
    #[serde(default = "default_timeout")]
    pub timeout: u32,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// The queue whose messages invoke the function.
    #[serde(default)]
    pub trigger: Option<TriggerSpec>,
    /// Components the function talks to, as for services.
    #[serde(default)]
    pub connects_to: Vec<crate::spec::app::ComponentRef>,
    /// Secrets the function reads: `VAR: <component>` (or `{ ssm: ... }`,
    /// `{ secret_arn: ... }`), as for services. Lambda cannot inject a
    /// value, so the function gets `<VAR>_SECRET_ARN` (and `<VAR>_SECRET_KEY`
    /// for one field of a JSON secret) or `<VAR>_PARAMETER_ARN`, and its role
    /// may read exactly that.
    #[serde(default)]
    pub secrets: BTreeMap<String, crate::spec::app::SecretSpec>,
    /// Private tier whose subnets hold the function (default: the first).
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default = "default_log_retention")]
    pub log_retention_days: i64,
    /// Active X-Ray tracing.
    #[serde(default)]
    pub tracing: bool,
    /// Cap on concurrent executions (also protects what it connects to).
    #[serde(default)]
    pub reserved_concurrency: Option<u32>,
}

fn default_memory() -> u32 {
    512
}
fn default_timeout() -> u32 {
    30
}
fn default_log_retention() -> i64 {
    30
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TriggerSpec {
    pub queue: String,
    #[serde(default = "default_batch")]
    pub batch_size: u32,
    /// Seconds to gather a batch (0-300).
    #[serde(default)]
    pub batching_window: u32,
    /// Report failed messages of a batch one by one, so the others are not
    /// retried.
    #[serde(default = "yes")]
    pub partial_failures: bool,
    /// At most this many functions consume the queue at once (2-1000), so
    /// a burst of messages cannot exhaust what the function connects to
    /// (a database's connections).
    #[serde(default = "default_max_concurrency")]
    pub max_concurrency: u32,
}

fn default_batch() -> u32 {
    10
}

fn default_max_concurrency() -> u32 {
    10
}
