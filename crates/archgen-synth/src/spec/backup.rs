//! `backup:`: an AWS Backup vault of the stack and the plans that fill it,
//! beyond what RDS's automated backups keep: schedules in the document's
//! time zone, retention, cold storage, copies to another region or vault,
//! and the components each plan protects, by key.

use indexmap::IndexMap;
use serde::Deserialize;

use crate::spec::yes;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BackupSpec {
    /// Key from `keys:` that encrypts the vault (default: the stack's first
    /// key; a stack without keys uses AWS Backup's own key).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// A vault lock: recovery points cannot be deleted before `min_days`
    /// nor kept after `max_days`, whoever asks.
    #[serde(default)]
    pub lock: Option<VaultLock>,
    /// Keep the vault (and its recovery points) when the stack is deleted.
    #[serde(default = "yes")]
    pub retain: bool,
    /// Backup plans, by name.
    pub plans: IndexMap<String, PlanSpec>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum LockMode {
    /// Users with the right IAM permission can still remove the lock.
    #[default]
    Governance,
    /// After three days of grace, nobody (not even the root user) can
    /// remove the lock or shorten its retention.
    Compliance,
}

/// Days of grace before a compliance lock becomes immutable (AWS's minimum).
pub const COMPLIANCE_GRACE_DAYS: u32 = 3;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VaultLock {
    #[serde(default)]
    pub mode: LockMode,
    pub min_days: u32,
    #[serde(default)]
    pub max_days: Option<u32>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Component keys it backs up: databases, buckets, tables.
    pub resources: Vec<String>,
    /// When it runs and how long each recovery point lives, by rule name.
    pub rules: IndexMap<String, RuleSpec>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// `daily hh:mm`, `weekly ddd hh:mm` or `monthly <1-28> hh:mm`, with an
    /// optional fixed-offset zone (`Asia/Tokyo`, `+09:00`; none: UTC).
    pub schedule: String,
    /// Days after which a recovery point is deleted.
    #[serde(default = "default_delete_after_days")]
    pub delete_after_days: u32,
    /// Days after which a recovery point moves to cold storage (for the
    /// resource types AWS Backup can move; at least 90 days before deletion).
    #[serde(default)]
    pub cold_after_days: Option<u32>,
    /// Minutes after the scheduled time within which the job must start.
    #[serde(default = "default_start_window")]
    pub start_window_minutes: u32,
    /// Copies of each recovery point in another vault, usually another region.
    #[serde(default)]
    pub copy_to: Vec<CopySpec>,
}

/// Where a copy goes: a vault by name in a region of this account, or any
/// vault by ARN. The destination vault exists already.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CopySpec {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub vault: Option<String>,
    #[serde(default)]
    pub arn: Option<String>,
    /// Days the copy is kept (default: as long as the rule keeps the original).
    #[serde(default)]
    pub delete_after_days: Option<u32>,
}

fn default_delete_after_days() -> u32 {
    35
}

fn default_start_window() -> u32 {
    60
}

/// AWS Backup's minimum stay in cold storage before deletion.
pub const COLD_STORAGE_MIN_DAYS: u32 = 90;

impl super::StackSpec {
    /// The key that encrypts the backup vault: the one `backup:` names,
    /// else the stack's first key.
    pub fn backup_key(&self) -> Option<&str> {
        let backup = self.backup.as_ref()?;
        backup
            .kms_key
            .as_deref()
            .or_else(|| self.keys.keys().next().map(String::as_str))
    }
}

/// The name of the stack's vault: `<app>-<env>-<stack>`, as its dashboard.
pub fn vault_name(stack: &super::ResolvedStack) -> String {
    format!(
        "{}-{}-{}",
        stack.spec.app, stack.environment, stack.file.name
    )
}
