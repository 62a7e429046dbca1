//! The edge section: web ACL rules in evaluation order, CloudFront
//! behaviours with their TTLs, and DNS records.

use serde::Serialize;
use serde_json::Value;

use super::cfn::{Cfn, describe, key_for, target, texts};
use super::graph::behaviours;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WebAcl {
    pub name: String,
    pub scope: String,
    pub default_action: String,
    pub rules: Vec<WafRule>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WafRule {
    pub priority: String,
    pub name: String,
    pub what: String,
    pub action: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Distribution {
    pub name: String,
    pub aliases: String,
    pub price_class: String,
    pub behaviours: Vec<Behaviour>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Behaviour {
    pub path: String,
    pub origin: String,
    pub methods: String,
    pub ttl: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Record {
    pub name: String,
    pub kind: String,
    pub target: String,
}

/// Every web ACL of `cfn`; `scope` says where it runs.
pub fn web_acls(cfn: &Cfn, scope: &str, keys: &[String]) -> Vec<WebAcl> {
    cfn.of_type("AWS::WAFv2::WebACL")
        .map(|acl| {
            let mut rules: Vec<&Value> =
                acl.get("Rules").as_array().into_iter().flatten().collect();
            rules.sort_by_key(|r| r["Priority"].as_i64().unwrap_or(i64::MAX));
            WebAcl {
                name: key_for(acl.id.trim_end_matches("WebAcl"), keys),
                scope: scope.to_string(),
                default_action: action(acl.get("DefaultAction")),
                rules: rules
                    .into_iter()
                    .map(|r| WafRule {
                        priority: describe(&r["Priority"]),
                        name: describe(&r["Name"]),
                        what: statement(&r["Statement"]),
                        action: if r["OverrideAction"].is_null() {
                            action(&r["Action"])
                        } else {
                            "the rule group's own actions".to_string()
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

fn action(value: &Value) -> String {
    value
        .as_object()
        .and_then(|o| o.keys().next())
        .map_or_else(String::new, |k| k.to_lowercase())
}

/// What a rule statement matches, in a phrase.
fn statement(s: &Value) -> String {
    if let Some(group) = s.get("ManagedRuleGroupStatement") {
        return format!("managed rule group {}", describe(&group["Name"]));
    }
    if let Some(rate) = s.get("RateBasedStatement") {
        return format!(
            "more than {} requests per {} s from one address",
            describe(&rate["Limit"]),
            describe(&rate["EvaluationWindowSec"])
        );
    }
    if let Some(ip) = s.get("IPSetReferenceStatement") {
        return format!("source address in IP set {}", describe(&ip["Arn"]));
    }
    if let Some(m) = s.get("ByteMatchStatement") {
        return format!(
            "{} {} `{}`",
            field(&m["FieldToMatch"]),
            describe(&m["PositionalConstraint"])
                .to_lowercase()
                .replace('_', " "),
            describe(&m["SearchString"])
        );
    }
    for (key, what) in [
        ("XssMatchStatement", "cross-site scripting"),
        ("SqliMatchStatement", "SQL injection"),
    ] {
        if let Some(m) = s.get(key) {
            return format!("{what} in the {}", field(&m["FieldToMatch"]));
        }
    }
    if let Some(geo) = s.get("GeoMatchStatement") {
        return format!("request from {}", texts(&geo["CountryCodes"]).join(", "));
    }
    if let Some(not) = s.get("NotStatement") {
        return format!("not ({})", statement(&not["Statement"]));
    }
    for (key, joiner) in [("OrStatement", " or "), ("AndStatement", " and ")] {
        if let Some(list) = s.get(key) {
            let parts: Vec<String> = list["Statements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(statement)
                .collect();
            // `xss in the body or xss in the query string` → `xss in the
            // body or query string`.
            let split: Vec<(&str, &str)> = parts
                .iter()
                .filter_map(|p| p.split_once(" in the "))
                .collect();
            if key == "OrStatement"
                && split.len() == parts.len()
                && let Some((what, _)) = split.first()
                && split.iter().all(|(w, _)| w == what)
            {
                let places: Vec<&str> = split.iter().map(|(_, place)| *place).collect();
                return format!("{what} in the {}", places.join(" or "));
            }
            return parts.join(joiner);
        }
    }
    s.as_object()
        .and_then(|o| o.keys().next())
        .map_or_else(String::new, |k| k.trim_end_matches("Statement").to_string())
}

/// The part of a request a rule reads: `UriPath` → `URI path`.
fn field(to_match: &Value) -> String {
    let name = to_match
        .as_object()
        .and_then(|o| o.keys().next())
        .map_or("request", String::as_str);
    match name {
        "UriPath" => "URI path".to_string(),
        "QueryString" => "query string".to_string(),
        "Body" => "body".to_string(),
        "SingleHeader" => format!("header {}", describe(&to_match[name]["Name"])),
        other => other.to_string(),
    }
}

pub fn distributions(cfn: &Cfn, keys: &[String]) -> Vec<Distribution> {
    cfn.of_type("AWS::CloudFront::Distribution")
        .map(|d| {
            let config = d.get("DistributionConfig");
            let mut all: Vec<&Value> = config["CacheBehaviors"]
                .as_array()
                .into_iter()
                .flatten()
                .collect();
            all.push(&config["DefaultCacheBehavior"]);
            let paths = behaviours(config);
            Distribution {
                name: key_for(d.id.trim_end_matches("Distribution"), keys),
                aliases: texts(&config["Aliases"]).join(", "),
                price_class: describe(&config["PriceClass"]),
                behaviours: all
                    .into_iter()
                    .zip(paths)
                    .map(|(b, (path, origin))| Behaviour {
                        path,
                        origin,
                        methods: texts(&b["AllowedMethods"]).join(" "),
                        ttl: ttl(cfn, &b["CachePolicyId"]),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The TTL of a behaviour's cache policy; AWS's managed policies by name.
fn ttl(cfn: &Cfn, policy: &Value) -> String {
    if let Some(p) = target(policy).and_then(|id| cfn.get(id)) {
        let c = p.get("CachePolicyConfig");
        return format!(
            "default {} s (min {}, max {})",
            describe(&c["DefaultTTL"]),
            describe(&c["MinTTL"]),
            describe(&c["MaxTTL"])
        );
    }
    match policy.as_str() {
        Some("4135ea2d-6df8-44a3-9df3-4b5a84be39ad") => "not cached (CachingDisabled)".into(),
        Some("658327ea-f89d-4fab-a63d-7e88639e58f6") => "CachingOptimized (default 1 day)".into(),
        Some(other) => format!("managed policy {other}"),
        None => String::new(),
    }
}

pub fn records(cfn: &Cfn) -> Vec<Record> {
    cfn.of_type("AWS::Route53::RecordSet")
        .map(|r| Record {
            name: r.text("Name").unwrap_or_default(),
            kind: r.text("Type").unwrap_or_default(),
            target: match target(r.get("AliasTarget.DNSName")) {
                Some(id) => format!("alias of {id}"),
                None => texts(r.get("ResourceRecords")).join(", "),
            },
        })
        .collect()
}
