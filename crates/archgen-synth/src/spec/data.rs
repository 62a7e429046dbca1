//! The data tier: `databases:`, `caches:`, `buckets:`, `secrets:`,
//! `parameters:` and `keys:`. Each block is keyed by component name; the key
//! becomes the logical-id stem (`uploads` → `UploadsBucket`) and the name a
//! service uses in `connects_to`. Defaults are the safe ones: encryption on,
//! deletion protection on, stateful resources retained.

use crate::spec::yes;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

// ---------------------------------------------------------------- databases

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    Postgres,
    Mysql,
    AuroraPostgresql,
    AuroraMysql,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::AuroraPostgresql => "aurora-postgresql",
            Engine::AuroraMysql => "aurora-mysql",
        }
    }
    pub fn is_aurora(self) -> bool {
        matches!(self, Engine::AuroraPostgresql | Engine::AuroraMysql)
    }
    pub fn is_postgres(self) -> bool {
        matches!(self, Engine::Postgres | Engine::AuroraPostgresql)
    }
    pub fn default_port(self) -> u16 {
        if self.is_postgres() { 5432 } else { 3306 }
    }
    /// The parameter that makes the engine refuse unencrypted connections.
    pub fn tls_parameter(self) -> (&'static str, &'static str) {
        if self.is_postgres() {
            ("rds.force_ssl", "1")
        } else {
            ("require_secure_transport", "1")
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    pub engine: Engine,
    /// A full engine version as RDS lists it (`15.15`, `8.4.6`,
    /// `8.0.mysql_aurora.3.08.2`); a bare major version is refused.
    #[cfg_attr(feature = "schema", schemars(example = "15.15"))]
    pub version: String,
    /// Instance class (`db.t3.medium`); for Aurora Serverless v2 leave it out.
    #[serde(default)]
    pub instance: Option<String>,
    /// A standby in a second zone (RDS), or a reader in another zone (Aurora).
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub storage: Option<StorageSpec>,
    /// Name of the database created at launch.
    #[serde(default)]
    pub name: Option<String>,
    /// Master user name; the password is generated and kept by RDS in
    /// Secrets Manager, never written anywhere.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub port: Option<u16>,
    /// Subnet tier (default: the first isolated tier, else the first private).
    #[serde(default)]
    pub subnet_tier: Option<String>,
    /// Engine parameters, in the document's units (`shared_buffers: 256MB`).
    #[serde(default)]
    pub parameters: IndexMap<String, ParamValue>,
    #[serde(default)]
    pub backup: BackupSpec,
    /// `sun 04:00-05:00 Asia/Tokyo` or AWS's `sun:19:00-sun:20:00`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(example = "sun 04:00-05:00 Asia/Tokyo"))]
    pub maintenance_window: Option<String>,
    /// CloudWatch Logs exports (default per engine).
    #[serde(default)]
    pub log_exports: Option<Vec<String>>,
    #[serde(default = "yes")]
    pub performance_insights: bool,
    /// Enhanced monitoring interval in seconds (0 turns it off).
    #[serde(default = "default_monitoring")]
    pub monitoring_interval: u32,
    #[serde(default = "yes")]
    pub iam_auth: bool,
    #[serde(default = "yes")]
    pub deletion_protection: bool,
    /// Rotate the RDS-managed master secret every this many days.
    #[serde(default)]
    pub rotation_days: Option<u32>,
    /// Key from `keys:` that encrypts storage, secret and insights
    /// (default: the AWS managed key `aws/rds`).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// RDS read replicas.
    #[serde(default)]
    pub replicas: Vec<ReplicaSpec>,
    /// Aurora: number of readers besides the writer (default 1 with
    /// `multi_az`, else 0).
    #[serde(default)]
    pub readers: Option<u32>,
    /// Aurora Serverless v2 capacity.
    #[serde(default)]
    pub serverless: Option<ServerlessSpec>,
    /// Keep (snapshot) the data when the resource is deleted or replaced.
    #[serde(default = "yes")]
    pub retain: bool,
    /// A database user per connecting workload, authenticated by IAM token
    /// (on by default); `{ enabled: false, reason: ... }` goes without.
    #[serde(default)]
    pub workload_users: WorkloadUsersSpec,
}

/// `databases.<key>.workload_users`: each workload that connects gets its
/// own database user (named after its key, privileges from its access
/// level), created at deploy time by a one-shot ECS task.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkloadUsersSpec {
    /// On unless switched off with a `reason`.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Why workloads do without their own user (required with
    /// `enabled: false`): they then connect with the master secret, which
    /// a workload reads only through its `secrets:`.
    #[serde(default)]
    pub reason: Option<String>,
    /// The image with the engine's client (`psql` or `mysql`) that creates
    /// the users; default: the engine's official image on public.ecr.aws.
    /// A tier without a route to the internet needs a copy in this
    /// account's ECR (`{ repository: psql, tag: "16" }`).
    #[serde(default)]
    pub image: Option<crate::spec::app::ImageSpec>,
}

impl Default for WorkloadUsersSpec {
    fn default() -> Self {
        WorkloadUsersSpec {
            enabled: true,
            reason: None,
            image: None,
        }
    }
}

fn default_monitoring() -> u32 {
    60
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StorageSpec {
    #[serde(default = "default_storage_type")]
    pub r#type: String,
    pub size_gb: u32,
    /// Storage autoscaling ceiling.
    #[serde(default)]
    pub max_gb: Option<u32>,
}

fn default_storage_type() -> String {
    "gp3".into()
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupSpec {
    #[serde(default = "default_backup_days")]
    pub retention_days: u32,
    /// `03:00-04:00 Asia/Tokyo` or AWS's UTC form `18:00-19:00`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(example = "03:00-04:00 Asia/Tokyo"))]
    pub window: Option<String>,
}

fn default_backup_days() -> u32 {
    7
}

impl Default for BackupSpec {
    fn default() -> Self {
        BackupSpec {
            retention_days: default_backup_days(),
            window: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplicaSpec {
    /// Instance class (default: the primary's).
    #[serde(default)]
    pub instance: Option<String>,
    /// Zone index (1-based, in network zone order).
    #[serde(default)]
    pub zone: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServerlessSpec {
    pub min_acu: f64,
    pub max_acu: f64,
}

/// A parameter value: a number, a word, or a size with a unit (`256MB`).
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Int(i64),
    Text(String),
}

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ParamValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string such as '256MB'")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ParamValue, E> {
                Ok(ParamValue::Int(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ParamValue, E> {
                i64::try_from(n)
                    .map(ParamValue::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<ParamValue, E> {
                Ok(ParamValue::Text(n.to_string()))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<ParamValue, E> {
                Ok(ParamValue::Text(if b { "1" } else { "0" }.into()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ParamValue, E> {
                Ok(ParamValue::Text(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(ParamValue, "ParamValue", {
    "description": "A parameter value: a number, a word, or a size with a unit (`256MB`).",
    "type": ["integer", "number", "boolean", "string"],
    "examples": [100, "256MB"]
});

// ---------------------------------------------------------------- caches

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CacheEngine {
    Redis,
    Valkey,
}

impl CacheEngine {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheEngine::Redis => "redis",
            CacheEngine::Valkey => "valkey",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CacheSpec {
    pub engine: CacheEngine,
    /// Major.minor as ElastiCache lists it (`7.0`, `7.1`, `8.0`).
    pub version: String,
    pub node_type: String,
    /// Replicas of each primary (per shard in cluster mode).
    #[serde(default)]
    pub replicas: u32,
    /// Cluster mode (sharding) with this many shards; absent: one shard,
    /// cluster mode off.
    #[serde(default)]
    pub shards: Option<u32>,
    /// Default: on whenever there is a replica.
    #[serde(default)]
    pub multi_az: Option<bool>,
    /// Default: on whenever there is a replica.
    #[serde(default)]
    pub automatic_failover: Option<bool>,
    #[serde(default)]
    pub parameters: IndexMap<String, ParamValue>,
    #[serde(default)]
    pub snapshot: SnapshotSpec,
    #[serde(default)]
    pub maintenance_window: Option<String>,
    /// Subnet tier (default: the first private tier, else the first isolated).
    #[serde(default)]
    pub subnet_tier: Option<String>,
    #[serde(default)]
    pub kms_key: Option<String>,
    #[serde(default = "yes")]
    pub retain: bool,
}

impl CacheSpec {
    /// Automatic failover: on when there is a replica to fail over to.
    pub fn failover(&self) -> bool {
        self.automatic_failover.unwrap_or(self.replicas > 0)
    }
    /// Multi-AZ: on when there is a replica to place in another zone.
    pub fn multi_az(&self) -> bool {
        self.multi_az.unwrap_or(self.replicas > 0)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SnapshotSpec {
    #[serde(default = "default_backup_days")]
    pub retention_days: u32,
    #[serde(default)]
    pub window: Option<String>,
}

impl Default for SnapshotSpec {
    fn default() -> Self {
        SnapshotSpec {
            retention_days: default_backup_days(),
            window: None,
        }
    }
}

// ---------------------------------------------------------------- buckets

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BucketSpec {
    /// Physical name stem; archgen appends `-<env>`. Absent: CloudFormation
    /// names the bucket.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub versioned: bool,
    /// Key from `keys:` for SSE-KMS; absent: SSE-S3.
    #[serde(default)]
    pub kms_key: Option<String>,
    #[serde(default)]
    pub lifecycle: LifecycleSpec,
    #[serde(default)]
    pub cors: Vec<CorsRule>,
    /// Bucket (from `buckets:`) that receives this bucket's access logs.
    #[serde(default)]
    pub access_logs: Option<String>,
    #[serde(default = "yes")]
    pub retain: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LifecycleSpec {
    #[serde(default)]
    pub transitions: Vec<Transition>,
    #[serde(default)]
    pub expire_days: Option<u32>,
    #[serde(default)]
    pub noncurrent: Option<NoncurrentSpec>,
    /// Abort incomplete multipart uploads after this many days.
    #[serde(default = "default_abort")]
    pub abort_multipart_days: u32,
}

fn default_abort() -> u32 {
    7
}

impl Default for LifecycleSpec {
    fn default() -> Self {
        LifecycleSpec {
            transitions: Vec::new(),
            expire_days: None,
            noncurrent: None,
            abort_multipart_days: default_abort(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub days: u32,
    pub to: StorageClass,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum StorageClass {
    #[serde(rename = "STANDARD_IA")]
    StandardIa,
    #[serde(rename = "ONEZONE_IA")]
    OnezoneIa,
    #[serde(rename = "INTELLIGENT_TIERING")]
    IntelligentTiering,
    #[serde(rename = "GLACIER_IR")]
    GlacierIr,
    #[serde(rename = "GLACIER")]
    Glacier,
    #[serde(rename = "DEEP_ARCHIVE")]
    DeepArchive,
}

impl StorageClass {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageClass::StandardIa => "STANDARD_IA",
            StorageClass::OnezoneIa => "ONEZONE_IA",
            StorageClass::IntelligentTiering => "INTELLIGENT_TIERING",
            StorageClass::GlacierIr => "GLACIER_IR",
            StorageClass::Glacier => "GLACIER",
            StorageClass::DeepArchive => "DEEP_ARCHIVE",
        }
    }
    /// S3 refuses transitions to the IA classes before 30 days.
    pub fn min_days(self) -> u32 {
        match self {
            StorageClass::StandardIa | StorageClass::OnezoneIa => 30,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NoncurrentSpec {
    #[serde(default)]
    pub transitions: Vec<Transition>,
    #[serde(default)]
    pub expire_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CorsRule {
    pub origins: Vec<String>,
    pub methods: Vec<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    #[serde(default)]
    pub max_age: Option<u32>,
}

// ---------------------------------------------------------------- secrets

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SecretSpec {
    /// Secret name (default `<app>/<env>/<key>`).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Reference a secret created outside the stack by its ARN.
    #[serde(default)]
    pub arn: Option<String>,
    /// How CloudFormation generates the value (the default: 32 characters).
    #[serde(default)]
    pub generate: Option<GenerateSpec>,
    #[serde(default)]
    pub kms_key: Option<String>,
    #[serde(default)]
    pub rotation: Option<RotationSpec>,
    /// Keep a generated secret when the stack is deleted: an encryption key
    /// or signing secret lost is data lost.
    #[serde(default = "yes")]
    pub retain: bool,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GenerateSpec {
    #[serde(default = "default_length")]
    pub length: u32,
    #[serde(default)]
    pub exclude_characters: Option<String>,
    #[serde(default)]
    pub exclude_punctuation: bool,
}

fn default_length() -> u32 {
    32
}

impl Default for GenerateSpec {
    fn default() -> Self {
        GenerateSpec {
            length: default_length(),
            exclude_characters: None,
            exclude_punctuation: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RotationSpec {
    pub days: u32,
    /// The Lambda function that rotates this secret.
    pub function_arn: String,
}

// ---------------------------------------------------------------- parameters

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Full parameter name (default `/<app>/<env>/<key>`).
    #[serde(default)]
    pub name: Option<String>,
    /// A SecureString created outside the stack (CloudFormation cannot create
    /// one); archgen only references it by name.
    #[serde(default)]
    pub secure: bool,
    /// The value of a plain String parameter that the stack creates.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

// ---------------------------------------------------------------- keys

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub rotation: bool,
    #[serde(default = "default_pending")]
    pub deletion_window_days: u32,
    /// Let the account's IAM principals use the key directly (application-
    /// level encryption), not only through the AWS services that store data
    /// with it.
    #[serde(default)]
    pub direct_use: bool,
    #[serde(default = "yes")]
    pub retain: bool,
}

fn default_pending() -> u32 {
    30
}
