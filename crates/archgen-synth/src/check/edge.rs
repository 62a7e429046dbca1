//! Rules for `waf:`, `cdn:` and `dns:` (EDGE001-EDGE020).

use super::REGIONS;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::spec::ResolvedStack;
use crate::spec::edge::{
    AttachTarget, BehaviorSpec, IpMatchSpec, MANAGED_RULE_GROUPS, WafRuleSpec, WafScope,
};
use crate::spec::value::cidr;
use crate::template::logs::RETENTION_DAYS;

/// Evaluation windows a rate-based rule accepts, in seconds.
pub const RATE_WINDOWS: &[u64] = &[60, 120, 300, 600];
/// AWS's smallest rate limit per window.
pub const MIN_RATE_LIMIT: u64 = 10;

fn waf_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn suggest<'a>(input: &str, names: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let all: Vec<&str> = names.clone().into_iter().collect();
    match did_you_mean(input, names) {
        Some(s) => format!(
            "did you mean '{s}'? Declared: {}",
            nearest_names(input, all)
        ),
        None if all.is_empty() => "none are declared".to_string(),
        None => format!("declared: {}", nearest_names(input, all)),
    }
}

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_waf(stack, &mut out);
    check_ip_rules_behind_cloudfront(stack, &mut out);
    check_cdn(stack, &mut out);
    for (key, d) in &stack.spec.cdn {
        if !d.logs.enabled && d.logs.reason.is_none() {
            out.push(
                stack
                    .error(Code::Edge027, &format!("cdn.{key}.logs.enabled"), "access logs are switched off without a reason")
                    .help("say why with 'reason: ...' beside 'enabled: false' (reviewers read it in the template), or turn them back on"),
            );
        }
    }
    check_dns(stack, &mut out);
    out
}

/// EDGE026: a web ACL on a load balancer that a distribution fronts sees,
/// for traffic through CloudFront, the edge server's address: IP sets,
/// per-IP rate limits and geo matches there judge CloudFront, not the
/// viewer.
fn check_ip_rules_behind_cloudfront(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    let Some(cdn) = spec
        .cdn
        .iter()
        .find(|(_, d)| d.origins.values().any(|o| o.load_balancer))
        .map(|(k, _)| k)
    else {
        return;
    };
    for (key, acl) in &spec.waf {
        if !acl.attach.contains(&AttachTarget::LoadBalancer) {
            continue;
        }
        for (name, rule) in &acl.rules {
            let kind = if rule.ip_allow.is_some() || rule.ip_block.is_some() {
                "an IP set"
            } else if rule.rate_limit.is_some() {
                "a per-IP rate limit"
            } else if rule.geo.is_some() {
                "a geo match"
            } else {
                continue;
            };
            out.push(
                stack
                    .error(
                        Code::Edge026,
                        &format!("waf.{key}.rules.{name}"),
                        format!("rule '{name}' is {kind} on the load balancer, which distribution '{cdn}' fronts: for requests through CloudFront it sees CloudFront's addresses, not the viewer's"),
                    )
                    .help(format!("move '{name}' to a web ACL with 'scope: cloudfront' and name that ACL in cdn.{cdn}.waf")),
            );
        }
    }
}

fn check_waf(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    for (key, acl) in &spec.waf {
        let field = format!("waf.{key}");
        if !waf_name(key) {
            out.push(
                stack
                    .error(
                        Code::Edge001,
                        &field,
                        format!("'{key}' cannot name a web ACL"),
                    )
                    .help("use letters, digits, '-' and '_'"),
            );
        }
        for (i, target) in acl.attach.iter().enumerate() {
            let f = format!("{field}.attach[{i}]");
            match (acl.scope, target) {
                (WafScope::Cloudfront, AttachTarget::LoadBalancer) => out.push(
                    stack
                        .error(Code::Edge002, &f, "a CLOUDFRONT-scope web ACL cannot protect a load balancer")
                        .help(format!("use 'scope: regional' for the load balancer, or name this ACL in a distribution's 'waf: {key}'")),
                ),
                (WafScope::Regional, AttachTarget::LoadBalancer) if spec.load_balancer.is_none() => out.push(
                    stack
                        .error(Code::Edge003, &f, "the stack has no load balancer to attach to")
                        .help("declare 'load_balancer:' or remove this attachment"),
                ),
                _ => {}
            }
        }
        if !RETENTION_DAYS.contains(&acl.logging.retention_days) {
            out.push(
                stack
                    .error(
                        Code::Edge004,
                        &format!("{field}.logging.retention_days"),
                        format!(
                            "CloudWatch Logs does not accept a retention of {} days",
                            acl.logging.retention_days
                        ),
                    )
                    .help("use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ..."),
            );
        }
        for (name, rule) in &acl.rules {
            check_rule(stack, &format!("{field}.rules.{name}"), name, rule, out);
        }
    }
}

fn check_rule(
    stack: &ResolvedStack,
    field: &str,
    name: &str,
    rule: &WafRuleSpec,
    out: &mut Vec<Diagnostic>,
) {
    if !waf_name(name) {
        out.push(
            stack
                .error(
                    Code::Edge001,
                    field,
                    format!("'{name}' cannot name a WAF rule"),
                )
                .help("use letters, digits, '-' and '_'"),
        );
    }
    let kinds = [
        rule.managed.is_some(),
        rule.rate_limit.is_some(),
        rule.geo.is_some(),
        rule.ip_allow.is_some(),
        rule.ip_block.is_some(),
        rule.xss,
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if kinds != 1 {
        out.push(
            stack
                .error(
                    Code::Edge005,
                    field,
                    format!("rule '{name}' must say exactly one thing to match ({kinds} given)"),
                )
                .help("give one of managed, rate_limit, geo, ip_allow, ip_block, xss: true"),
        );
    }
    if let Some(short) = &rule.managed {
        if crate::spec::edge::managed_rule_group(short).is_none() {
            let names = MANAGED_RULE_GROUPS.iter().map(|(s, _)| *s);
            let help = match did_you_mean(short, names.clone()) {
                Some(s) => format!("did you mean '{s}'? Known: {}", nearest_names(short, names)),
                None => format!("known rule groups: {}", nearest_names(short, names)),
            };
            out.push(
                stack
                    .error(
                        Code::Edge006,
                        &format!("{field}.managed"),
                        format!("'{short}' is not an AWS managed rule group archgen knows"),
                    )
                    .help(help),
            );
        }
        if rule.response.is_some() {
            out.push(
                stack
                    .error(Code::Edge007, &format!("{field}.response"), "a managed rule group blocks with its own responses")
                    .help("remove 'response' here; custom responses go on rate_limit, geo, ip and xss rules"),
            );
        }
    } else if !rule.count_only.is_empty() {
        out.push(
            stack
                .error(
                    Code::Edge007,
                    &format!("{field}.count_only"),
                    "'count_only' names rules of a managed rule group",
                )
                .help("use it with 'managed:'; to count this whole rule, write 'count: true'"),
        );
    }
    if let Some(rl) = &rule.rate_limit {
        if !(MIN_RATE_LIMIT..=2_000_000_000).contains(&rl.limit) {
            out.push(
                stack
                    .error(
                        Code::Edge008,
                        &format!("{field}.rate_limit.limit"),
                        format!(
                            "a rate limit of {} is outside what AWS WAF accepts",
                            rl.limit
                        ),
                    )
                    .help(format!(
                        "use {MIN_RATE_LIMIT} to 2,000,000,000 requests per window and client IP"
                    )),
            );
        }
        if !RATE_WINDOWS.contains(&rl.window) {
            out.push(
                stack
                    .error(
                        Code::Edge008,
                        &format!("{field}.rate_limit.window"),
                        format!("{} s is not a rate-limit window AWS WAF offers", rl.window),
                    )
                    .help("use 60, 120, 300 or 600 seconds"),
            );
        }
        check_paths(stack, &format!("{field}.rate_limit.paths"), &rl.paths, out);
    }
    if let Some(geo) = &rule.geo {
        if geo.allow.is_empty() == geo.block.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Edge009,
                        &format!("{field}.geo"),
                        "give either 'block' or 'allow' countries",
                    )
                    .help("e.g. geo: { allow: [JP] } blocks every other country"),
            );
        }
        for (list, codes) in [("allow", &geo.allow), ("block", &geo.block)] {
            for (i, c) in codes.iter().enumerate() {
                if c.len() != 2 || !c.chars().all(|c| c.is_ascii_uppercase()) {
                    out.push(
                        stack
                            .error(
                                Code::Edge009,
                                &format!("{field}.geo.{list}[{i}]"),
                                format!("'{c}' is not an ISO 3166 country code"),
                            )
                            .help(format!(
                                "use two capital letters, e.g. '{}'",
                                c.to_ascii_uppercase()
                            )),
                    );
                }
            }
        }
    }
    for (what, ip) in [("ip_allow", &rule.ip_allow), ("ip_block", &rule.ip_block)] {
        if let Some(ip) = ip {
            check_ip(stack, &format!("{field}.{what}"), ip, out);
        }
    }
    if let Some(r) = &rule.response
        && !(200..=599).contains(&r.status)
    {
        out.push(
            stack
                .error(
                    Code::Edge010,
                    &format!("{field}.response.status"),
                    format!("{} is not an HTTP status WAF can send", r.status),
                )
                .help("use 200 to 599, e.g. 403 or 429"),
        );
    }
}

fn check_ip(stack: &ResolvedStack, field: &str, ip: &IpMatchSpec, out: &mut Vec<Diagnostic>) {
    if ip.addresses.is_empty() {
        out.push(
            stack
                .error(
                    Code::Edge011,
                    &format!("{field}.addresses"),
                    "the address list is empty",
                )
                .help("list IPv4 CIDRs such as 203.0.113.0/24"),
        );
    }
    for (i, a) in ip.addresses.iter().enumerate() {
        if let Err(e) = cidr::parse_canonical(a) {
            out.push(
                stack
                    .error(
                        Code::Edge011,
                        &format!("{field}.addresses[{i}]"),
                        e.to_string(),
                    )
                    .help(e.help()),
            );
        }
    }
    check_paths(stack, &format!("{field}.paths"), &ip.paths, out);
}

fn check_paths(stack: &ResolvedStack, field: &str, paths: &[String], out: &mut Vec<Diagnostic>) {
    for (i, p) in paths.iter().enumerate() {
        if !p.starts_with('/') || p.contains('*') {
            out.push(
                stack
                    .error(Code::Edge012, &format!("{field}[{i}]"), format!("'{p}' is not a path prefix"))
                    .help("write the start of the path without wildcards, e.g. '/admin' (it matches /admin*)"),
            );
        }
    }
}

fn check_cdn(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    for (key, d) in &spec.cdn {
        let field = format!("cdn.{key}");
        if let Some(w) = &d.waf {
            match spec.waf.get(w) {
                None => out.push(
                    stack
                        .error(Code::Edge013, &format!("{field}.waf"), format!("there is no web ACL '{w}'"))
                        .help(suggest(w, spec.waf.keys().map(String::as_str))),
                ),
                Some(acl) if acl.scope != WafScope::Cloudfront => out.push(
                    stack
                        .error(Code::Edge013, &format!("{field}.waf"), format!("web ACL '{w}' has REGIONAL scope; CloudFront needs a CLOUDFRONT-scope ACL"))
                        .help(format!("set 'scope: cloudfront' on waf.{w} (archgen creates it in us-east-1)")),
                ),
                _ => {}
            }
        }
        if !["100", "200", "all"].contains(&d.price_class.as_str()) {
            out.push(
                stack
                    .error(
                        Code::Edge014,
                        &format!("{field}.price_class"),
                        format!("'{}' is not a price class", d.price_class),
                    )
                    .help("use 100, 200 or all"),
            );
        }
        match &d.certificate {
            None if !d.aliases.is_empty() => out.push(
                stack
                    .error(Code::Edge015, &format!("{field}.aliases"), "alternate domain names need a certificate")
                    .help("add certificate: { domain: <name>, hosted_zone_id: <zone> }"),
            ),
            Some(c) if c.arn.is_none() && (c.domain.is_none() || c.hosted_zone_id.is_none()) => out.push(
                stack
                    .error(Code::Edge015, &format!("{field}.certificate"), "the certificate needs an 'arn', or a 'domain' with the 'hosted_zone_id' that validates it")
                    .help("e.g. certificate: { domain: example.com, hosted_zone_id: Z0123456789EXAMPLE }"),
            ),
            _ => {}
        }
        if d.origins.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Edge016,
                        &format!("{field}.origins"),
                        "a distribution needs an origin",
                    )
                    .help("add origins: { web: { bucket: <bucket> } }"),
            );
        }
        for (name, o) in &d.origins {
            let f = format!("{field}.origins.{name}");
            if o.bucket.is_some() == o.load_balancer {
                out.push(stack.error(Code::Edge016, &f, format!("origin '{name}' must be exactly one of a bucket or the load balancer")).help("write { bucket: <key> } or { load_balancer: true }"));
            }
            if let Some(b) = &o.bucket {
                match spec.buckets.get(b) {
                    None => out.push(
                        stack
                            .error(Code::Edge017, &format!("{f}.bucket"), format!("there is no bucket '{b}'"))
                            .help(suggest(b, spec.buckets.keys().map(String::as_str))),
                    ),
                    Some(bucket) if bucket.kms_key.is_some() => out.push(
                        stack
                            .error(Code::Edge017, &format!("{f}.bucket"), format!("bucket '{b}' is encrypted with a KMS key CloudFront may not use"))
                            .help(format!("serve static content from an SSE-S3 bucket (remove buckets.{b}.kms_key)")),
                    ),
                    _ => {}
                }
            }
            if o.load_balancer {
                let lb = spec.load_balancer.as_ref();
                if lb.and_then(|l| l.certificate.as_ref()).is_none() {
                    out.push(
                        stack
                            .error(Code::Edge018, &f, "CloudFront reaches the load balancer over HTTPS only, and it has no certificate")
                            .help("give load_balancer.certificate"),
                    );
                } else if o.domain.is_none()
                    && lb
                        .and_then(|l| l.certificate.as_ref())
                        .and_then(|c| c.domain.as_ref())
                        .is_none()
                {
                    out.push(
                        stack
                            .error(
                                Code::Edge018,
                                &f,
                                "which name should CloudFront use for the load balancer?",
                            )
                            .help("give 'domain:', a name the load balancer's certificate covers"),
                    );
                }
            }
            if let Some(r) = &o.origin_shield
                && !REGIONS.contains(&r.as_str())
            {
                out.push(
                    stack
                        .error(
                            Code::Edge019,
                            &format!("{f}.origin_shield"),
                            format!("'{r}' is not an AWS region"),
                        )
                        .help("use the region closest to the origin, e.g. ap-northeast-1"),
                );
            }
        }
        let mut behaviors: Vec<(String, BehaviorSpec)> =
            vec![(format!("{field}.default"), d.default.clone())];
        behaviors.extend(
            d.behaviors
                .iter()
                .map(|(n, b)| (format!("{field}.behaviors.{n}"), b.behavior())),
        );
        for (f, b) in behaviors {
            if !d.origins.contains_key(&b.origin) {
                out.push(
                    stack
                        .error(
                            Code::Edge020,
                            &format!("{f}.origin"),
                            format!("there is no origin '{}'", b.origin),
                        )
                        .help(suggest(&b.origin, d.origins.keys().map(String::as_str))),
                );
            }
            if !b.cache && b.ttl.is_some() {
                out.push(
                    stack
                        .error(
                            Code::Edge025,
                            &format!("{f}.ttl"),
                            "a TTL means nothing when caching is off",
                        )
                        .help("remove 'ttl' or 'cache: false'"),
                );
            }
            if b.ttl.is_some_and(|t| t.0 > 31_536_000) {
                out.push(
                    stack
                        .error(
                            Code::Edge025,
                            &format!("{f}.ttl"),
                            "CloudFront caches for at most a year",
                        )
                        .help("use at most 365d"),
                );
            }
        }
    }
}

/// Why `id` is not a Route 53 hosted zone id (upper-case letters and
/// digits), if it is not.
pub fn zone_id_problem(id: &str) -> Option<String> {
    (id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
    .then(|| "a hosted zone id is upper-case letters and digits, without /hostedzone/".into())
}

fn check_dns(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    let Some(dns) = &spec.dns else { return };
    for (zone, z) in &dns.zones {
        if let Some(id) = &z.id
            && zone_id_problem(id).is_some()
        {
            out.push(
                stack
                    .error(Code::Edge021, &format!("dns.zones.{zone}.id"), format!("'{id}' is not a hosted zone id"))
                    .help("copy the id from the Route 53 console, e.g. Z0123456789EXAMPLE (without /hostedzone/)"),
            );
        }
    }
    for (name, r) in &dns.records {
        let field = format!("dns.records.{name}");
        out.extend(super::health_check::check(stack, name, r));
        if dns.zone_of(name).is_none() {
            out.push(
                stack
                    .error(
                        Code::Edge022,
                        &field,
                        format!("'{name}' is in none of the zones given"),
                    )
                    .help(format!(
                        "add its zone under dns.zones (given: {})",
                        nearest_names(name, dns.zones.keys().map(String::as_str))
                    )),
            );
        }
        if r.cdn.is_some() == r.load_balancer {
            out.push(
                stack
                    .error(
                        Code::Edge023,
                        &field,
                        "a record aliases exactly one of a distribution or the load balancer",
                    )
                    .help("write { cdn: <key> } or { load_balancer: true }"),
            );
        }
        if let Some(c) = &r.cdn {
            match spec.cdn.get(c) {
                None => out.push(
                    stack
                        .error(
                            Code::Edge023,
                            &format!("{field}.cdn"),
                            format!("there is no distribution '{c}'"),
                        )
                        .help(suggest(c, spec.cdn.keys().map(String::as_str))),
                ),
                Some(d)
                    if !d
                        .aliases
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(name.trim_end_matches('.'))) =>
                {
                    out.push(
                        stack
                            .error(
                                Code::Edge023,
                                &field,
                                format!("distribution '{c}' does not answer for '{name}'"),
                            )
                            .help(format!(
                                "add '{name}' to cdn.{c}.aliases (and its certificate)"
                            )),
                    )
                }
                _ => {}
            }
        }
        if r.load_balancer && spec.load_balancer.is_none() {
            out.push(
                stack
                    .error(
                        Code::Edge023,
                        &format!("{field}.load_balancer"),
                        "the stack has no load balancer",
                    )
                    .help("declare 'load_balancer:'"),
            );
        }
    }
}
