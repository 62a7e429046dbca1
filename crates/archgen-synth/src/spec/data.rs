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
    /// The AUTH token archgen generates into Secrets Manager.
    #[serde(default)]
    pub auth_token: AuthTokenSpec,
    /// Slow-log and engine-log delivery to CloudWatch Logs (off by default).
    #[serde(default)]
    pub logs: CacheLogsSpec,
}

/// `caches.<name>.auth_token:`: how the generated AUTH token is kept.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthTokenSpec {
    /// Keep Secrets Manager's AWS managed key even though the stack has keys.
    #[serde(default)]
    pub service_key: bool,
    /// Rotate the token every this many days (ElastiCache's ROTATE
    /// strategy: the previous token stays valid while clients move).
    #[serde(default)]
    pub rotation_days: Option<u32>,
}

/// `logs: { slow: true, engine: true, retention_days: 30 }`: each log type
/// goes to a log group of its own, in JSON.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CacheLogsSpec {
    /// Commands slower than `slowlog-log-slower-than` (a parameter).
    #[serde(default)]
    pub slow: bool,
    /// The engine's own log: failovers, replication, persistence.
    #[serde(default)]
    pub engine: bool,
    #[serde(default = "default_cache_log_days")]
    pub retention_days: i64,
}

fn default_cache_log_days() -> i64 {
    30
}

impl Default for CacheLogsSpec {
    fn default() -> Self {
        CacheLogsSpec {
            slow: false,
            engine: false,
            retention_days: default_cache_log_days(),
        }
    }
}

impl CacheLogsSpec {
    /// The log types switched on, as (ElastiCache's name, logical-id part).
    pub fn types(&self) -> Vec<(&'static str, &'static str)> {
        [
            (self.slow, ("slow-log", "Slow")),
            (self.engine, ("engine-log", "Engine")),
        ]
        .into_iter()
        .filter_map(|(on, t)| on.then_some(t))
        .collect()
    }
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
    /// Cross-region replication of every object to an existing bucket.
    #[serde(default)]
    pub replication: Option<ReplicationSpec>,
}

/// `replication: { destination: arn:aws:s3:::name, kms_key: arn:aws:kms:... }`:
/// the destination bucket exists (usually per environment, in another
/// region, versioned) and its region's key encrypts the replicas.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReplicationSpec {
    /// ARN of the destination bucket.
    pub destination: String,
    /// ARN of the KMS key in the destination's region that encrypts replicas.
    pub kms_key: String,
}

impl ReplicationSpec {
    /// The region of the destination, from the key's ARN
    /// (`arn:aws:kms:<region>:<account>:key/<id>`).
    pub fn destination_region(&self) -> Option<&str> {
        self.kms_key.split(':').nth(3).filter(|r| !r.is_empty())
    }
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
    /// Rotate a generated secret every this many days with archgen's
    /// rotation function (a new random value of the same shape).
    #[serde(default)]
    pub rotation_days: Option<u32>,
    /// Keep Secrets Manager's AWS managed key even though the stack has keys.
    #[serde(default)]
    pub service_key: bool,
    /// Keep a generated secret when the stack is deleted: an encryption key
    /// or signing secret lost is data lost.
    #[serde(default = "yes")]
    pub retain: bool,
}

impl super::StackSpec {
    /// The key a secret archgen creates is encrypted with: the one named,
    /// else the stack's first key (the rule `logs_key` follows), so a stack
    /// with a customer key never keeps a secret under the AWS managed key by
    /// accident; `service_key` opts out.
    fn created_secret_key<'a>(
        &'a self,
        named: Option<&'a str>,
        service_key: bool,
    ) -> Option<&'a str> {
        if service_key {
            return None;
        }
        named.or_else(|| self.keys.keys().next().map(String::as_str))
    }

    /// The key of `secrets.<name>`; none for a secret referenced by ARN
    /// (its key is managed where the secret is).
    pub fn secret_key<'a>(&'a self, s: &'a SecretSpec) -> Option<&'a str> {
        if s.arn.is_some() {
            return None;
        }
        self.created_secret_key(s.kms_key.as_deref(), s.service_key)
    }

    /// The key of a cache's generated AUTH token.
    pub fn auth_token_key<'a>(&'a self, c: &'a CacheSpec) -> Option<&'a str> {
        self.created_secret_key(c.kms_key.as_deref(), c.auth_token.service_key)
    }
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
