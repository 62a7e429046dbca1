//! The application tier: `load_balancer:`, `services:` and `repositories:`.

use crate::spec::yes;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// One Application Load Balancer per stack.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    #[serde(default)]
    pub scheme: Scheme,
    /// Who may reach the listeners of an internet-facing load balancer:
    /// anyone, or only CloudFront (so its web ACL cannot be bypassed).
    #[serde(default)]
    pub ingress: Ingress,
    /// Tier whose subnets hold the load balancer (default: first public tier
    /// for internet-facing, first private tier for internal).
    #[serde(default)]
    pub tier: Option<String>,
    /// Physical name, at most 32 characters (default: CloudFormation's).
    #[serde(default)]
    pub name: Option<String>,
    /// HTTPS on 443 with this certificate; HTTP 80 then redirects to HTTPS.
    #[serde(default)]
    pub certificate: Option<CertificateSpec>,
    #[serde(default = "default_ssl_policy")]
    pub ssl_policy: String,
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout: u32,
    #[serde(default = "yes")]
    pub deletion_protection: bool,
    /// S3 access logs: on by default, into a log bucket of this stack.
    #[serde(default)]
    pub access_logs: AccessLogsSpec,
    /// Whether an internet-facing load balancer must be behind a web ACL
    /// (APP051); going without one takes a reason.
    #[serde(default)]
    pub web_acl: WebAclRequirement,
}

/// `load_balancer.web_acl`: required unless switched off with a reason.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WebAclRequirement {
    #[serde(default = "crate::spec::yes")]
    pub required: bool,
    /// Why the load balancer goes without a web ACL (required with
    /// `required: false`).
    #[serde(default)]
    pub reason: Option<String>,
}

impl Default for WebAclRequirement {
    fn default() -> Self {
        WebAclRequirement {
            required: true,
            reason: None,
        }
    }
}

fn default_ssl_policy() -> String {
    "ELBSecurityPolicy-TLS13-1-2-2021-06".into()
}
fn default_idle_timeout() -> u32 {
    60
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    #[default]
    InternetFacing,
    Internal,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Ingress {
    #[default]
    Internet,
    Cloudfront,
    /// An internal load balancer that CloudFront reaches through a VPC
    /// origin (`AWS::CloudFront::VpcOrigin`): it has no public address.
    VpcOrigin,
}

impl Ingress {
    /// Only CloudFront reaches the load balancer (directly or by a VPC
    /// origin), so its distributions' web ACLs guard it.
    pub fn through_cloudfront(self) -> bool {
        matches!(self, Ingress::Cloudfront | Ingress::VpcOrigin)
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CertificateSpec {
    /// An existing ACM certificate.
    #[serde(default)]
    pub arn: Option<String>,
    /// Or a certificate this stack requests, validated by DNS in the zone.
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub alternative_names: Vec<String>,
    #[serde(default)]
    pub hosted_zone_id: Option<String>,
}

/// Where a certificate comes from, as `check` reads `certificate:`.
#[derive(Debug, Clone, PartialEq)]
pub enum CertificateSource {
    /// An existing ACM certificate.
    Imported { arn: String },
    /// A certificate the stack requests, validated by DNS in the zone.
    Requested {
        domain: String,
        alternative_names: Vec<String>,
        hosted_zone_id: String,
    },
}

impl CertificateSpec {
    /// The existing certificate when an `arn` is given, else the requested
    /// one; `None` when neither is complete (the rules report that).
    pub fn source(&self) -> Option<CertificateSource> {
        match (&self.arn, &self.domain, &self.hosted_zone_id) {
            (Some(arn), _, _) => Some(CertificateSource::Imported { arn: arn.clone() }),
            (None, Some(domain), Some(zone)) => Some(CertificateSource::Requested {
                domain: domain.clone(),
                alternative_names: self.alternative_names.clone(),
                hosted_zone_id: zone.clone(),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessLogsSpec {
    /// On unless switched off with a `reason`.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Why they are off (required with `enabled: false`; it becomes the
    /// checkov suppression's comment).
    #[serde(default)]
    pub reason: Option<String>,
    /// A bucket of the stack or a name managed outside it; default: a
    /// dedicated log bucket of the stack.
    #[serde(default)]
    pub bucket: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    /// Days before objects in the dedicated log bucket expire.
    #[serde(default = "default_access_log_days")]
    pub expire_days: u32,
}

fn default_access_log_days() -> u32 {
    90
}

impl Default for AccessLogsSpec {
    fn default() -> Self {
        AccessLogsSpec {
            enabled: true,
            reason: None,
            bucket: None,
            prefix: None,
            expire_days: default_access_log_days(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RepositorySpec {
    /// Repository name (lowercase); default `<app>-<env>-<key>`.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub scan_on_push: bool,
    #[serde(default = "yes")]
    pub immutable_tags: bool,
    /// Keep the newest N tagged images.
    #[serde(default)]
    pub keep_tagged: Option<u32>,
    /// Expire untagged images after N days.
    #[serde(default)]
    pub expire_untagged_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub image: ImageSpec,
    /// Fargate task CPU units (256, 512, 1024, ...).
    pub cpu: u32,
    /// Fargate task memory in MiB; must pair with `cpu`.
    pub memory: u32,
    /// The container port.
    pub port: u32,
    #[serde(default)]
    pub architecture: Architecture,
    /// Tier whose subnets run the tasks (default: first private tier, else
    /// first isolated tier). Tasks never get public IPs.
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Variable name → where its value lives (never the value itself).
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretSpec>,
    /// Container health check command, run by ECS inside the container.
    #[serde(default)]
    pub health_check: Option<ContainerHealthCheck>,
    #[serde(default = "yes")]
    pub read_only_root_filesystem: bool,
    /// Writable paths on task storage (`[/tmp, /app/.next/cache]`), so the
    /// root filesystem can stay read-only.
    #[serde(default)]
    pub scratch: Vec<String>,
    /// The user the container runs as (`1000`, `1000:1000`, `node`);
    /// default: the image's.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default = "default_log_retention")]
    pub log_retention_days: i64,
    /// Log group name (default: CloudFormation's).
    #[serde(default)]
    pub log_group: Option<String>,
    /// Desired task count.
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub scaling: Option<ScalingSpec>,
    /// Serve this service through the load balancer.
    #[serde(default)]
    pub route: Option<RouteSpec>,
    /// Components this service talks to: `db`, `cache`, `uploads:read`.
    #[serde(default)]
    pub connects_to: Vec<ComponentRef>,
    /// Allow `aws ecs execute-command` into the tasks.
    #[serde(default)]
    pub exec: bool,
    /// Send traces to X-Ray through an X-Ray daemon beside the container
    /// (the app finds it at AWS_XRAY_DAEMON_ADDRESS).
    #[serde(default)]
    pub tracing: bool,
    #[serde(default = "default_min_healthy")]
    pub min_healthy_percent: u32,
    #[serde(default = "default_max_percent")]
    pub max_percent: u32,
}

fn default_log_retention() -> i64 {
    30
}
fn one() -> u32 {
    1
}
fn default_min_healthy() -> u32 {
    100
}
fn default_max_percent() -> u32 {
    200
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    #[default]
    X86_64,
    Arm64,
}

/// `image: nginx:1.27` (any registry) or `image: { repository: api, tag: "1.4.2" }`
/// (an ECR repository declared under `repositories:`).
#[derive(Debug, Clone, PartialEq)]
pub enum ImageSpec {
    Uri(String),
    Repository { repository: String, tag: String },
}

impl<'de> Deserialize<'de> for ImageSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Repo {
            repository: String,
            tag: String,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ImageSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an image URI or { repository: <key>, tag: <tag> }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ImageSpec, E> {
                Ok(ImageSpec::Uri(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ImageSpec, A::Error> {
                let r = Repo::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ImageSpec::Repository {
                    repository: r.repository,
                    tag: r.tag,
                })
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(ImageSpec, "ImageSpec", {
    "description": "An image URI (any registry), or a tag of an ECR repository declared under `repositories:`.",
    "anyOf": [
        { "type": "string", "x-archgen-no-number": true },
        {
            "type": "object",
            "properties": {
                "repository": { "type": "string", "description": "A key under `repositories:`." },
                "tag": { "type": "string" }
            },
            "required": ["repository", "tag"],
            "additionalProperties": false
        }
    ],
    "examples": ["nginx:1.27", { "repository": "api", "tag": "1.4.2" }]
});

/// `DB_PASSWORD: db` names a component; `{ ssm: /path }` an SSM parameter
/// created outside the stack; `{ secret_arn: ..., key: password }` an
/// existing Secrets Manager secret.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSpec {
    Component(String),
    Ssm(String),
    SecretArn { arn: String, key: Option<String> },
}

impl<'de> Deserialize<'de> for SecretSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Ref {
            #[serde(default)]
            ssm: Option<String>,
            #[serde(default)]
            secret_arn: Option<String>,
            #[serde(default)]
            key: Option<String>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a component name, { ssm: /parameter/name } or { secret_arn: arn:..., key: field }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SecretSpec, E> {
                Ok(SecretSpec::Component(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SecretSpec, A::Error> {
                let r = Ref::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (r.ssm, r.secret_arn) {
                    (Some(p), None) if r.key.is_none() => Ok(SecretSpec::Ssm(p)),
                    (None, Some(arn)) => Ok(SecretSpec::SecretArn { arn, key: r.key }),
                    _ => Err(de::Error::custom(
                        "give exactly one of 'ssm' or 'secret_arn' ('key' goes with 'secret_arn')",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(SecretSpec, "SecretReference", {
    "description": "A component's name (a secret or database), `{ ssm: /parameter/name }`, or `{ secret_arn: arn:..., key: field }`.",
    "anyOf": [
        { "type": "string", "x-archgen-no-number": true },
        {
            "type": "object",
            "properties": {
                "ssm": { "type": "string", "description": "An SSM SecureString parameter created outside the stack." },
                "secret_arn": { "type": "null" },
                "key": { "type": "null" }
            },
            "required": ["ssm"],
            "additionalProperties": false
        },
        {
            "type": "object",
            "properties": {
                "ssm": { "type": "null" },
                "secret_arn": { "type": "string", "description": "An existing Secrets Manager secret." },
                "key": { "type": ["string", "null"], "description": "A field of the secret's JSON." }
            },
            "required": ["secret_arn"],
            "additionalProperties": false
        }
    ]
});

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContainerHealthCheck {
    /// Shell command; exit 0 means healthy.
    pub command: String,
    #[serde(default = "default_hc_interval")]
    pub interval: u32,
    #[serde(default = "default_hc_timeout")]
    pub timeout: u32,
    #[serde(default = "default_hc_retries")]
    pub retries: u32,
    #[serde(default)]
    pub start_period: u32,
}

fn default_hc_interval() -> u32 {
    30
}
fn default_hc_timeout() -> u32 {
    5
}
fn default_hc_retries() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScalingSpec {
    pub min: u32,
    pub max: u32,
    /// Target average CPU utilization, percent.
    #[serde(default)]
    pub cpu: Option<u32>,
    /// Target average memory utilization, percent.
    #[serde(default)]
    pub memory: Option<u32>,
    /// Target ALB requests per task per minute.
    #[serde(default)]
    pub requests_per_target: Option<u32>,
    /// Scheduled changes of capacity, by name.
    #[serde(default)]
    pub schedules: IndexMap<String, ScheduleSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// Six-field cron expression: minutes hours day-of-month month day-of-week year.
    pub cron: String,
    #[serde(default = "utc")]
    pub time_zone: String,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
}

fn utc() -> String {
    "UTC".into()
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// The listener's default action forwards here.
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Rule priority (1-50000, lower first); required for path or host rules
    /// so adding a rule never renumbers the others.
    #[serde(default)]
    pub priority: Option<u32>,
    /// Target group name (at most 32 characters; default: CloudFormation's).
    #[serde(default)]
    pub target_group_name: Option<String>,
    #[serde(default)]
    pub health_check: TargetHealthCheck,
    /// Who the listener rule admits: anyone who reaches the load balancer,
    /// or only the VPC (the API's VPC link), so the API's authorizer
    /// cannot be skipped.
    #[serde(default)]
    pub from: RouteFrom,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RouteFrom {
    #[default]
    Anywhere,
    Api,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TargetHealthCheck {
    #[serde(default = "default_hc_path")]
    pub path: String,
    #[serde(default = "default_hc_interval")]
    pub interval: u32,
    #[serde(default = "default_hc_timeout")]
    pub timeout: u32,
    #[serde(default = "default_healthy")]
    pub healthy_threshold: u32,
    #[serde(default = "default_unhealthy")]
    pub unhealthy_threshold: u32,
    #[serde(default = "default_matcher")]
    pub matcher: String,
}

fn default_hc_path() -> String {
    "/".into()
}
fn default_healthy() -> u32 {
    3
}
fn default_unhealthy() -> u32 {
    3
}
fn default_matcher() -> String {
    "200-399".into()
}

impl Default for TargetHealthCheck {
    fn default() -> Self {
        TargetHealthCheck {
            path: default_hc_path(),
            interval: default_hc_interval(),
            timeout: default_hc_timeout(),
            healthy_threshold: default_healthy(),
            unhealthy_threshold: default_unhealthy(),
            matcher: default_matcher(),
        }
    }
}

pub const DEFAULT_ROUTE_PRIORITY: u32 = 50000;

/// How much of a component a connection may use; absent means read-write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    pub fn reads(self) -> bool {
        matches!(self, Access::Read | Access::ReadWrite)
    }
    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }
}

/// One `connects_to` entry, parsed once: `uploads:read` → key `uploads`,
/// access read; `db` → key `db`, no access level written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRef {
    pub key: String,
    pub access: Option<Access>,
}

impl ComponentRef {
    /// The access the connection grants: read-write unless it says less.
    pub fn granted(&self) -> Access {
        self.access.unwrap_or(Access::ReadWrite)
    }
}

impl<'de> Deserialize<'de> for ComponentRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use de::IntoDeserializer;
        let text = String::deserialize(d)?;
        let (key, access) = match text.split_once(':') {
            None => (text.as_str(), None),
            Some((key, level)) => {
                // An unknown level gets "did you mean" from the enum's names.
                let access = Access::deserialize(level.into_deserializer())?;
                (key, Some(access))
            }
        };
        Ok(ComponentRef {
            key: key.to_string(),
            access,
        })
    }
}

yaml_shape!(ComponentRef, "ComponentRef", {
    "description": "A component's key, with an optional access level: `db`, `uploads:read`, `jobs:write`, `cache:read-write` (the default).",
    "type": ["string", "integer"],
    "pattern": "^[^:]*(:(read|write|read-write))?$",
    "examples": ["db", "uploads:read"]
});

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(arn: Option<&str>, domain: Option<&str>, zone: Option<&str>) -> CertificateSpec {
        CertificateSpec {
            arn: arn.map(Into::into),
            domain: domain.map(Into::into),
            alternative_names: vec!["www.example.com".into()],
            hosted_zone_id: zone.map(Into::into),
        }
    }

    #[test]
    fn a_certificate_is_imported_by_arn_or_requested_with_its_zone() {
        let arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
        assert_eq!(
            cert(Some(arn), None, None).source(),
            Some(CertificateSource::Imported { arn: arn.into() })
        );
        assert_eq!(
            cert(None, Some("example.com"), Some("Z0123456789EXAMPLE")).source(),
            Some(CertificateSource::Requested {
                domain: "example.com".into(),
                alternative_names: vec!["www.example.com".into()],
                hosted_zone_id: "Z0123456789EXAMPLE".into(),
            })
        );
    }

    #[test]
    fn an_incomplete_certificate_has_no_source() {
        // A domain without the zone that validates it, or nothing at all:
        // the rules report both (APP020, EDGE015).
        assert_eq!(cert(None, Some("example.com"), None).source(), None);
        assert_eq!(cert(None, None, Some("Z0123456789EXAMPLE")).source(), None);
        assert_eq!(cert(None, None, None).source(), None);
    }
}
