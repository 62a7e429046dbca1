//! The edge: `waf:` (WAFv2 web ACLs), `cdn:` (CloudFront distributions) and
//! `dns:` (Route 53 alias records in existing hosted zones). CLOUDFRONT-scope
//! web ACLs and CloudFront certificates live in us-east-1, so synth puts them
//! in a second stack (see `synth::edge::stack`).

use crate::spec::yes;
use indexmap::IndexMap;
use serde::Deserialize;

use super::app::CertificateSpec;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

// ---------------------------------------------------------------- WAF

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum WafScope {
    /// In the stack's region, for load balancers (and later API stages).
    #[default]
    Regional,
    /// For CloudFront distributions: always created in us-east-1.
    Cloudfront,
}

/// What a REGIONAL web ACL protects. An enum so API Gateway stages can be
/// added as `{ api: <key> }` without changing the existing form.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachTarget {
    /// The stack's Application Load Balancer.
    LoadBalancer,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum WafAction {
    #[default]
    Allow,
    Block,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WebAclSpec {
    #[serde(default)]
    pub scope: WafScope,
    /// REGIONAL only: what the ACL is associated with.
    #[serde(default)]
    pub attach: Vec<AttachTarget>,
    /// What happens to a request no rule blocked.
    #[serde(default)]
    pub default_action: WafAction,
    /// Rules by name, evaluated in the order written (priority 0, 1, ...).
    #[serde(default)]
    pub rules: IndexMap<String, WafRuleSpec>,
    #[serde(default)]
    pub logging: WafLoggingSpec,
}

/// One rule: exactly one of `managed`, `rate_limit`, `geo`, `ip_allow`,
/// `ip_block`, `xss`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WafRuleSpec {
    /// An AWS managed rule group by short name (`core`, `sql-injection`, ...).
    #[serde(default)]
    pub managed: Option<String>,
    /// Rules of the managed group to only count instead of block.
    #[serde(default)]
    pub count_only: Vec<String>,
    #[serde(default)]
    pub rate_limit: Option<RateLimitSpec>,
    #[serde(default)]
    pub geo: Option<GeoSpec>,
    /// Block requests (to `paths`, or all) unless the source is listed.
    #[serde(default)]
    pub ip_allow: Option<IpMatchSpec>,
    /// Block requests from the listed addresses.
    #[serde(default)]
    pub ip_block: Option<IpMatchSpec>,
    /// Block cross-site scripting in the URI, query string and body.
    #[serde(default)]
    pub xss: bool,
    /// Only count matches (to try a rule before it blocks).
    #[serde(default)]
    pub count: bool,
    /// The response a blocked request gets (default: WAF's plain 403).
    #[serde(default)]
    pub response: Option<ResponseSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RateLimitSpec {
    /// Requests per window per client IP (AWS minimum 10).
    pub limit: u64,
    /// Evaluation window in seconds: 60, 120, 300 or 600.
    #[serde(default = "default_window")]
    pub window: u64,
    /// Count only requests whose path starts with one of these.
    #[serde(default)]
    pub paths: Vec<String>,
}

fn default_window() -> u64 {
    300
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GeoSpec {
    /// Block requests from these countries (ISO 3166 alpha-2).
    #[serde(default)]
    pub block: Vec<String>,
    /// Or block every country but these.
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IpMatchSpec {
    /// IPv4 CIDRs (`203.0.113.0/24`, `198.51.100.7/32`).
    pub addresses: Vec<String>,
    /// Only requests whose path starts with one of these (`/admin`).
    #[serde(default)]
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// HTTP status, 200-599.
    pub status: u16,
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WafLoggingSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_waf_log_days")]
    pub retention_days: i64,
    /// Headers redacted from the logs besides `authorization` and `cookie`
    /// (which always are): session or API-key headers.
    #[serde(default)]
    pub redact: Vec<String>,
}

fn default_waf_log_days() -> i64 {
    90
}

impl Default for WafLoggingSpec {
    fn default() -> Self {
        WafLoggingSpec {
            enabled: true,
            retention_days: default_waf_log_days(),
            redact: Vec::new(),
        }
    }
}

/// AWS managed rule groups by the short names the spec uses.
pub const MANAGED_RULE_GROUPS: &[(&str, &str)] = &[
    ("core", "AWSManagedRulesCommonRuleSet"),
    ("admin-protection", "AWSManagedRulesAdminProtectionRuleSet"),
    ("known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
    ("sql-injection", "AWSManagedRulesSQLiRuleSet"),
    ("linux", "AWSManagedRulesLinuxRuleSet"),
    ("unix", "AWSManagedRulesUnixRuleSet"),
    ("windows", "AWSManagedRulesWindowsRuleSet"),
    ("php", "AWSManagedRulesPHPRuleSet"),
    ("wordpress", "AWSManagedRulesWordPressRuleSet"),
    ("ip-reputation", "AWSManagedRulesAmazonIpReputationList"),
    ("anonymous-ip", "AWSManagedRulesAnonymousIpList"),
];

pub fn managed_rule_group(short: &str) -> Option<&'static str> {
    MANAGED_RULE_GROUPS
        .iter()
        .find(|(s, _)| *s == short)
        .map(|(_, n)| *n)
}

// ---------------------------------------------------------------- CloudFront

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DistributionSpec {
    /// Alternate domain names; they need `certificate`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The viewer certificate, created in us-east-1 (or an existing one there).
    #[serde(default)]
    pub certificate: Option<CertificateSpec>,
    /// A web ACL from `waf:` with `scope: cloudfront`.
    #[serde(default)]
    pub waf: Option<String>,
    /// `100`, `200` or `all` (edge locations used; cost).
    #[serde(default = "default_price_class")]
    pub price_class: String,
    #[serde(default = "default_root")]
    pub default_root_object: String,
    /// Standard access logs into a dedicated log bucket of this stack: on
    /// by default.
    #[serde(default)]
    pub logs: CdnLogsSpec,
    /// Origins by name.
    pub origins: IndexMap<String, OriginSpec>,
    /// The behaviour for paths no other behaviour matches.
    pub default: BehaviorSpec,
    /// Behaviours by name, matched in the order written.
    #[serde(default)]
    pub behaviors: IndexMap<String, PathBehaviorSpec>,
}

fn default_price_class() -> String {
    "100".into()
}
fn default_root() -> String {
    "index.html".into()
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CdnLogsSpec {
    /// On unless switched off with a `reason`.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Why they are off (required with `enabled: false`).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default = "default_cdn_prefix")]
    pub prefix: String,
    /// Days before log objects expire.
    #[serde(default = "default_cdn_log_days")]
    pub expire_days: u32,
}

impl Default for CdnLogsSpec {
    fn default() -> Self {
        CdnLogsSpec {
            enabled: true,
            reason: None,
            prefix: default_cdn_prefix(),
            expire_days: default_cdn_log_days(),
        }
    }
}

fn default_cdn_prefix() -> String {
    "cloudfront/".into()
}
fn default_cdn_log_days() -> u32 {
    90
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    /// A bucket from `buckets:`, read through Origin Access Control.
    #[serde(default)]
    pub bucket: Option<String>,
    /// The stack's load balancer, over HTTPS only.
    #[serde(default)]
    pub load_balancer: bool,
    /// The name CloudFront connects to for the load balancer; it must match
    /// the load balancer's certificate (default: its certificate's domain).
    #[serde(default)]
    pub domain: Option<String>,
    /// Origin Shield region (usually the origin's region).
    #[serde(default)]
    pub origin_shield: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BehaviorSpec {
    pub origin: String,
    /// How long CloudFront keeps a response (`300`, `5m`, `1d`, `7d`);
    /// `0` with `cache: false` passes everything to the origin.
    #[serde(default)]
    pub ttl: Option<Seconds>,
    /// `false`: nothing cached; all headers, cookies and query strings are
    /// forwarded (for APIs).
    #[serde(default = "yes")]
    pub cache: bool,
    /// Allow PUT, POST, PATCH and DELETE too (default: GET, HEAD, OPTIONS).
    #[serde(default)]
    pub all_methods: bool,
}

/// A [`BehaviorSpec`] plus its path. The fields are repeated rather than
/// embedded with `#[serde(flatten)]`, which serde cannot combine with
/// `deny_unknown_fields`: a misspelt key must stay an error.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PathBehaviorSpec {
    /// CloudFront path pattern (`/api/*`, `*.css`).
    pub path: String,
    pub origin: String,
    #[serde(default)]
    pub ttl: Option<Seconds>,
    #[serde(default = "yes")]
    pub cache: bool,
    #[serde(default)]
    pub all_methods: bool,
}

impl PathBehaviorSpec {
    pub fn behavior(&self) -> BehaviorSpec {
        BehaviorSpec {
            origin: self.origin.clone(),
            ttl: self.ttl,
            cache: self.cache,
            all_methods: self.all_methods,
        }
    }
}

/// A duration in seconds, written as a number of seconds or with a unit:
/// `30s`, `5m`, `2h`, `1d`, `7d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("seconds, or a number with a unit such as 5m, 1d or 7d")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Seconds, E> {
                Ok(Seconds(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Seconds, E> {
                u64::try_from(n)
                    .map(Seconds)
                    .map_err(|_| E::custom("a duration cannot be negative"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Seconds, E> {
                parse_duration(s).map(Seconds).ok_or_else(|| {
                    E::custom(format!(
                        "'{s}' is not a duration: write seconds or a number with s, m, h or d (5m, 1d)"
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(Seconds, "Seconds", {
    "description": "A duration: seconds, or a number with a unit s, m, h or d.",
    "anyOf": [
        { "type": "integer", "minimum": 0 },
        { "type": "string", "pattern": "^\\s*\\+?[0-9]+\\s*[smhd]?\\s*$" }
    ],
    "examples": [300, "5m", "1d"]
});

fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let mut chars = s.chars();
    let factor = match chars.next_back()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return s.parse().ok(),
    };
    chars
        .as_str()
        .trim()
        .parse::<u64>()
        .ok()?
        .checked_mul(factor)
}

// ---------------------------------------------------------------- DNS

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DnsSpec {
    /// Existing hosted zones by domain name; `id` pins the zone (default:
    /// looked up by name).
    pub zones: IndexMap<String, ZoneSpec>,
    /// Record name → alias target. A name must lie in one of `zones`.
    #[serde(default)]
    pub records: IndexMap<String, RecordSpec>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    #[serde(default)]
    pub id: Option<String>,
    /// Instead of `id`: the key of an `existing:` hosted zone.
    #[serde(default)]
    pub existing: Option<String>,
}

/// `{ cdn: site }` or `{ load_balancer: true }`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordSpec {
    #[serde(default)]
    pub cdn: Option<String>,
    #[serde(default)]
    pub load_balancer: bool,
    /// A Route 53 health check of this name (HTTPS on 443 every 30 s,
    /// unhealthy after 3 failures) and an alarm when it fails; both live in
    /// us-east-1, where Route 53 publishes the metric.
    #[serde(default)]
    pub health_check: Option<HealthCheckSpec>,
}

/// `health_check: { path: /health, notify: [alerts] }` on a record.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HealthCheckSpec {
    /// The path requested (default `/`); any 2xx or 3xx answer is healthy.
    #[serde(default = "default_health_path")]
    pub path: String,
    /// Topics the alarm notifies (default: every topic of the stack).
    #[serde(default)]
    pub notify: Option<Vec<String>>,
}

fn default_health_path() -> String {
    "/".into()
}

/// What every health check archgen makes shares: HTTPS on 443, every 30 s,
/// unhealthy after 3 failed checks in a row.
pub const HEALTH_CHECK_PORT: u16 = 443;
pub const HEALTH_CHECK_INTERVAL: u32 = 30;
pub const HEALTH_CHECK_FAILURES: u32 = 3;

/// An alias record as `check` reads it: the zone it goes in and what it
/// points at.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasRecord {
    pub zone: HostedZone,
    pub target: AliasTarget,
}

/// The hosted zone of a record: pinned by id, or looked up by name.
#[derive(Debug, Clone, PartialEq)]
pub enum HostedZone {
    Id(String),
    /// The zone's domain name with a trailing dot, as Route 53 writes it.
    Name(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AliasTarget {
    /// A distribution under `cdn:`, by key.
    Distribution(String),
    LoadBalancer,
}

impl DnsSpec {
    /// The declared zone a record name lies in: the longest matching suffix.
    pub fn zone_of(&self, record: &str) -> Option<&str> {
        let record = record.trim_end_matches('.').to_ascii_lowercase();
        self.zones
            .keys()
            .map(|z| z.as_str())
            .filter(|z| {
                let z = z.trim_end_matches('.').to_ascii_lowercase();
                record == z || record.ends_with(&format!(".{z}"))
            })
            .max_by_key(|z| z.len())
    }

    /// Record `name` with its zone and target; `None` when it lies in no
    /// declared zone or names not exactly one target (the rules report both).
    pub fn alias_record(&self, name: &str, record: &RecordSpec) -> Option<AliasRecord> {
        let zone = self.zone_of(name)?;
        let zone = match self.zones.get(zone).and_then(|z| z.id.clone()) {
            Some(id) => HostedZone::Id(id),
            None => HostedZone::Name(format!("{}.", zone.trim_end_matches('.'))),
        };
        let target = match (&record.cdn, record.load_balancer) {
            (Some(cdn), false) => AliasTarget::Distribution(cdn.clone()),
            (None, true) => AliasTarget::LoadBalancer,
            _ => return None,
        };
        Some(AliasRecord { zone, target })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_with_units() {
        assert_eq!(parse_duration("5m"), Some(300));
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("7d"), Some(604_800));
        assert_eq!(parse_duration("45"), Some(45));
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
    }

    fn dns(zones: &[(&str, Option<&str>)]) -> DnsSpec {
        DnsSpec {
            zones: zones
                .iter()
                .map(|(z, id)| {
                    let id = id.map(Into::into);
                    (z.to_string(), ZoneSpec { id, existing: None })
                })
                .collect(),
            records: IndexMap::new(),
        }
    }

    fn record(cdn: Option<&str>, load_balancer: bool) -> RecordSpec {
        RecordSpec {
            cdn: cdn.map(Into::into),
            load_balancer,
            health_check: None,
        }
    }

    #[test]
    fn a_record_goes_in_the_longest_zone_it_lies_in() {
        let d = dns(&[
            ("example.com", None),
            ("api.example.com.", Some("Z0123456789ABC")),
        ]);
        assert_eq!(d.zone_of("www.example.com"), Some("example.com"));
        assert_eq!(d.zone_of("v1.API.example.com."), Some("api.example.com."));
        assert_eq!(d.zone_of("example.com"), Some("example.com"));
        // A suffix is not a zone unless it ends at a dot.
        assert_eq!(d.zone_of("badexample.com"), None);
        assert_eq!(
            d.alias_record("www.example.com", &record(Some("web"), false)),
            Some(AliasRecord {
                zone: HostedZone::Name("example.com.".into()),
                target: AliasTarget::Distribution("web".into()),
            })
        );
        assert_eq!(
            d.alias_record("v1.api.example.com", &record(None, true)),
            Some(AliasRecord {
                zone: HostedZone::Id("Z0123456789ABC".into()),
                target: AliasTarget::LoadBalancer,
            })
        );
    }

    #[test]
    fn a_record_outside_the_zones_or_without_one_target_is_not_an_alias() {
        let d = dns(&[("example.com", None)]);
        assert_eq!(d.alias_record("example.org", &record(None, true)), None);
        assert_eq!(
            d.alias_record("日本.example.org", &record(None, true)),
            None
        );
        assert_eq!(
            d.alias_record("www.example.com", &record(Some("web"), true)),
            None
        );
        assert_eq!(
            d.alias_record("www.example.com", &record(None, false)),
            None
        );
    }
}
