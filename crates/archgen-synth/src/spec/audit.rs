//! `audit:`: the account's audit trail, kept as long as the law asks. A
//! multi-region CloudTrail trail with log file validation, into a bucket of
//! the stack that is encrypted, TLS-only and object-locked; management
//! events always, data events for the components named.

use serde::Deserialize;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuditSpec {
    /// Days each log file is locked (and then expires): seven years is 2555.
    pub retention_days: u32,
    /// `governance` (users with a special permission can shorten a lock)
    /// or `compliance` (nobody can, not even the root user).
    #[serde(default)]
    pub lock: ObjectLockMode,
    /// Key from `keys:` that encrypts the trail's log files (default: the
    /// stack's first key; a stack without keys uses SSE-S3).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Also deliver the trail to a CloudWatch Logs group, kept this long.
    #[serde(default)]
    pub cloudwatch: Option<AuditCloudWatch>,
    /// Buckets and tables whose object- and item-level calls are logged
    /// too (data events), by component key.
    #[serde(default)]
    pub data_events: Vec<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectLockMode {
    #[default]
    Governance,
    Compliance,
}

impl ObjectLockMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectLockMode::Governance => "GOVERNANCE",
            ObjectLockMode::Compliance => "COMPLIANCE",
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuditCloudWatch {
    #[serde(default = "default_log_retention")]
    pub retention_days: i64,
}

fn default_log_retention() -> i64 {
    365
}

/// S3 Object Lock's longest default retention, in days (100 years).
pub const MAX_LOCK_DAYS: u32 = 36500;

impl super::StackSpec {
    /// The key that encrypts the audit trail: the one `audit:` names, else
    /// the stack's first key.
    pub fn audit_key(&self) -> Option<&str> {
        let audit = self.audit.as_ref()?;
        audit
            .kms_key
            .as_deref()
            .or_else(|| self.keys.keys().next().map(String::as_str))
    }
}

/// The trail's name: `<app>-<env>-<stack>`.
pub fn trail_name(stack: &super::ResolvedStack) -> String {
    super::backup::vault_name(stack)
}
