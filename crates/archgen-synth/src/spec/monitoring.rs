//! Monitoring: `topics:` (encrypted SNS topics with email subscriptions),
//! `alarms:` (CloudWatch alarms declared by intent on a component) and
//! `dashboard:` (what the generated dashboard shows).

use crate::spec::data::Engine;
use crate::spec::{StackSpec, yes};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// Shown as the sender of email notifications.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Addresses subscribed by email (each confirms once by mail).
    #[serde(default)]
    pub emails: Vec<String>,
    /// Key from `keys:` that encrypts the topic (default: a key of the
    /// topic's own, since CloudWatch cannot publish to a topic encrypted
    /// with the AWS managed `alias/aws/sns` key).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// A Slack channel that gets each notification, through AWS Chatbot
    /// (the workspace is authorized once in the Chatbot console).
    #[serde(default)]
    pub slack: Option<SlackSpec>,
    /// HTTPS endpoints subscribed to the topic (PagerDuty's Events API, an
    /// incident tool's webhook).
    #[serde(default)]
    pub https: Vec<HttpsEndpoint>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlackSpec {
    /// The workspace id (`T0123ABCD`), from the Chatbot console.
    pub workspace: String,
    /// The channel id (`C0123ABCD`), from the channel's details in Slack.
    pub channel: String,
}

/// An HTTPS endpoint: a URL without credentials in it, or a secret from
/// `secrets:` that holds the URL (PagerDuty's URL carries its integration
/// key), resolved by CloudFormation at deploy time.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HttpsEndpoint {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MissingData {
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

impl MissingData {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingData::Missing => "missing",
            MissingData::Ignore => "ignore",
            MissingData::Breaching => "breaching",
            MissingData::NotBreaching => "notBreaching",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// The component watched: a service, `load_balancer`, a database, a
    /// cache, a queue or a function.
    pub on: String,
    /// What of it: see the metric table in the README (`cpu`, `5xx`, ...).
    /// Give `metric` or `log_pattern`.
    #[serde(default)]
    pub metric: Option<String>,
    /// A CloudWatch Logs filter pattern: the alarm counts the events of the
    /// component's log group (a service's, or a database's exported log)
    /// that match it.
    #[serde(default)]
    pub log_pattern: Option<String>,
    /// With `log_pattern` on a database: which exported log it reads
    /// (default: `postgresql` for PostgreSQL, `error` for MySQL).
    #[serde(default)]
    pub log: Option<String>,
    /// Alarm when the statistic is above this (give `above` or `below`).
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
    /// Seconds per datapoint (10, 30 or a multiple of 60).
    #[serde(default = "default_period")]
    pub period: u32,
    #[serde(default = "one")]
    pub evaluation_periods: u32,
    /// M of the N evaluation periods that must breach (default: all).
    #[serde(default)]
    pub datapoints_to_alarm: Option<u32>,
    /// Default per metric: counts of bad events treat no data as fine,
    /// gauges as missing.
    #[serde(default)]
    pub missing_data: Option<MissingData>,
    /// Topics notified on alarm and on recovery (default: every topic).
    #[serde(default)]
    pub notify: Option<Vec<String>>,
    #[serde(default)]
    pub description: Option<String>,
}

fn default_period() -> u32 {
    300
}
fn one() -> u32 {
    1
}

/// `dashboard:`: the stack's CloudWatch dashboard. There is one by default,
/// with a graph per metric of every component that publishes metrics; this
/// block hides some or adds graphs that compare components.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DashboardSpec {
    /// `false`: no dashboard for this stack.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Components (or `load_balancer`) whose graphs are left out.
    #[serde(default)]
    pub hide: Vec<String>,
    /// Extra graphs: one metric of several components on one graph.
    #[serde(default)]
    pub compare: Vec<CompareSpec>,
    /// Seconds per datapoint on every graph.
    #[serde(default = "default_period")]
    pub period: u32,
}

impl Default for DashboardSpec {
    fn default() -> Self {
        DashboardSpec {
            enabled: true,
            hide: Vec::new(),
            compare: Vec::new(),
            period: default_period(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CompareSpec {
    pub title: String,
    /// A metric every component in `on` publishes (`cpu`).
    pub metric: String,
    pub on: Vec<String>,
}

/// `logs:`: how the stack's CloudWatch log groups are encrypted.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LogsSpec {
    /// A key from `keys:` for every log group of the stack (default: the
    /// first key the stack declares, if any).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// Keep CloudWatch Logs' service key even though the stack has keys.
    #[serde(default)]
    pub service_key: bool,
    /// Stream log groups to an S3 archive (through Firehose, compressed).
    #[serde(default)]
    pub archive: Option<LogArchiveSpec>,
}

/// `logs.archive`: the stack's log groups stream, as they are written, to an
/// archive bucket that keeps them longer and cheaper than CloudWatch Logs.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogArchiveSpec {
    /// Services and functions whose log groups are archived (default:
    /// every log group of the stack, flow logs and access logs included).
    #[serde(default)]
    pub components: Option<Vec<String>>,
    /// Days after which archived logs move to S3 Glacier Flexible Retrieval.
    #[serde(default)]
    pub glacier_after_days: Option<u32>,
    /// Days after which archived logs are deleted.
    #[serde(default = "default_archive_days")]
    pub expire_days: u32,
}

fn default_archive_days() -> u32 {
    365
}

impl super::StackSpec {
    /// The key that encrypts the stack's log groups: the one `logs:` names,
    /// else the first declared key, so a stack with a customer key never
    /// has logs under the service key by accident.
    pub fn logs_key(&self) -> Option<&str> {
        if self.logs.service_key {
            return None;
        }
        self.logs
            .kms_key
            .as_deref()
            .or_else(|| self.keys.keys().next().map(String::as_str))
    }
}

/// The logs an engine exports to CloudWatch Logs; the first is the one a
/// `log_pattern` alarm reads unless it names another.
pub fn exported_logs(engine: Engine) -> &'static [&'static str] {
    match engine {
        Engine::Postgres => &["postgresql", "upgrade", "iam-db-auth-error"],
        Engine::AuroraPostgresql => &["postgresql", "iam-db-auth-error"],
        Engine::Mysql => &[
            "error",
            "slowquery",
            "general",
            "audit",
            "iam-db-auth-error",
        ],
        Engine::AuroraMysql => &[
            "error",
            "slowquery",
            "general",
            "audit",
            "instance",
            "iam-db-auth-error",
        ],
    }
}

impl AlarmSpec {
    /// The exported log of a database with `engine` this alarm's pattern reads.
    pub fn database_log(&self, engine: Engine) -> &str {
        self.log
            .as_deref()
            .unwrap_or_else(|| exported_logs(engine).first().copied().unwrap_or("error"))
    }
}

impl StackSpec {
    /// `log_pattern` alarms on component `key`, in spec order.
    pub fn log_alarms_on<'s>(
        &'s self,
        key: &'s str,
    ) -> impl Iterator<Item = (&'s String, &'s AlarmSpec)> + 's {
        self.alarms
            .iter()
            .filter(move |(_, a)| a.on == key && a.log_pattern.is_some())
    }

    /// The logs database `key` must export for the alarms that read them.
    pub fn logs_read_by_alarms<'s>(&'s self, key: &'s str) -> Vec<&'s str> {
        let Some(db) = self.databases.get(key) else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        for (_, a) in self.log_alarms_on(key) {
            let log = a.database_log(db.engine);
            if !out.contains(&log) {
                out.push(log);
            }
        }
        out
    }
}
