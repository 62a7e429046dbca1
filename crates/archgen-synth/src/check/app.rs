//! Rules for `load_balancer:`, `services:` and `repositories:`.

use std::collections::BTreeMap;

use super::is_name;
use super::names::{self, NameRule};
use super::wiring;
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::kinds::Kind;
use crate::spec::ResolvedStack;
use crate::spec::app::{
    ALL_OUTBOUND_PREFIX, DEFAULT_ROUTE_PRIORITY, ImageSpec, Ingress, RouteFrom, Scheme, ServiceSpec,
};
use crate::spec::edge::{AttachTarget, WafScope};
use crate::template::logs::RETENTION_DAYS;

/// Condition values a listener rule takes (Elastic Load Balancing quota).
const MAX_CONDITION_VALUES: usize = 5;

/// Valid Fargate memory sizes (MiB) for each CPU value.
pub fn fargate_memory(cpu: u32) -> Option<Vec<u32>> {
    let range = |lo: u32, hi: u32, step: u32| (lo..=hi).step_by(step as usize).collect::<Vec<_>>();
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => range(1024, 4096, 1024),
        1024 => range(2048, 8192, 1024),
        2048 => range(4096, 16384, 1024),
        4096 => range(8192, 30720, 1024),
        8192 => range(16384, 61440, 4096),
        16384 => range(32768, 122880, 8192),
        _ => return None,
    })
}

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    for (key, repo) in &spec.repositories {
        let field = format!("repositories.{key}");
        if !is_name(key, 64) {
            out.push(
                stack
                    .error(
                        Code::App013,
                        &field,
                        format!("repository key '{key}' cannot name a repository"),
                    )
                    .help("use lowercase letters, digits and hyphens"),
            );
        }
        if let Some(name) = &repo.name {
            let valid = !name.is_empty()
                && name.len() <= 256
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./".contains(c))
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if !valid {
                out.push(
                    stack
                        .error(Code::App013, &format!("{field}.name"), format!("'{name}' is not a valid ECR repository name"))
                        .help(format!("ECR names are lowercase letters, digits, '-', '_', '.', '/'; e.g. '{}'", name.to_ascii_lowercase())),
                );
            }
        }
    }
    if let Some(lb) = &spec.load_balancer {
        check_load_balancer(stack, lb, &mut out);
    }
    if !spec.services.is_empty() && spec.network.is_none() {
        out.push(
            stack
                .error(
                    Code::App024,
                    "services",
                    "services need a network to run in",
                )
                .help("add a 'network:' block with a private tier"),
        );
    }
    let components = super::connectable(spec);
    let mut defaults = Vec::new();
    let mut priorities: BTreeMap<u32, &str> = BTreeMap::new();
    let behind_cloudfront = spec
        .load_balancer
        .as_ref()
        .is_some_and(|lb| lb.ingress == Ingress::Cloudfront);
    check_ecs_names(stack, &mut out);
    for (key, s) in &spec.services {
        check_service(stack, key, s, &components, &mut out);
        if let Some(route) = &s.route {
            let field = format!("services.{key}.route");
            if spec.load_balancer.is_none() {
                out.push(
                    stack
                        .error(
                            Code::App019,
                            &field,
                            format!(
                                "service '{key}' has a route but the stack has no load balancer"
                            ),
                        )
                        .help("add a 'load_balancer:' block, or remove 'route'"),
                );
            }
            if route.default {
                if let Some(first) = defaults.first() {
                    out.push(
                        stack
                            .error(
                                Code::App018,
                                &format!("{field}.default"),
                                format!("'{first}' is already the default route"),
                            )
                            .help("only one service can take the listener's default action"),
                    );
                }
                defaults.push(key.as_str());
            }
            let api_reaches_lb = spec.api.as_ref().is_some_and(|a| {
                a.routes
                    .values()
                    .any(|r| r.target == crate::spec::api::LOAD_BALANCER)
            });
            if route.from == RouteFrom::Api && !api_reaches_lb {
                out.push(
                    stack
                        .error(Code::App050, &format!("{field}.from"), format!("the route of '{key}' admits only the API, but no API route reaches the load balancer"))
                        .help("add an API route with 'target: load-balancer', or drop 'from: api'"),
                );
            } else if route.from == RouteFrom::Api && route.default {
                out.push(
                    stack
                        .error(Code::App050, &format!("{field}.from"), format!("the default route of '{key}' cannot admit only the API"))
                        .help("the listener's default action checks no source: give the route 'paths' and a 'priority' instead of 'default: true'"),
                );
            }
            // Elastic Load Balancing takes at most 5 condition values per
            // rule; archgen adds the VPC (from: api) and the origin-verify
            // header (ingress: cloudfront) to the spec's paths and hosts.
            let added = usize::from(route.from == RouteFrom::Api) + usize::from(behind_cloudfront);
            let values = route.paths.len() + route.hosts.len() + added;
            if values > MAX_CONDITION_VALUES {
                out.push(
                    stack
                        .error(Code::App049, &field, format!("the rule of '{key}' would have {values} condition values; a listener rule takes at most {MAX_CONDITION_VALUES}"))
                        .help(format!("{} of them are archgen's (the VPC for 'from: api', the origin-verify header behind CloudFront): merge paths with a wildcard, or split the route", added)),
                );
            }
            let has_rule = !route.paths.is_empty() || !route.hosts.is_empty();
            match (has_rule, route.priority) {
                (false, _) if !route.default => out.push(
                    stack.error(Code::App035, &field, format!("route of '{key}' matches nothing")).help("give 'paths' or 'hosts' (with a 'priority'), or 'default: true'"),
                ),
                (true, None) => out.push(
                    stack
                        .error(Code::App036, &field, format!("route of '{key}' needs a priority"))
                        .help("give 'priority: N' (1-50000, lower wins); explicit priorities keep rules stable when others are added"),
                ),
                (true, Some(p)) if !(1..=50000).contains(&p) => out.push(stack.error(Code::App036, &format!("{field}.priority"), format!("priority {p} is out of range")).help("use 1 to 50000")),
                (true, Some(p)) if p == DEFAULT_ROUTE_PRIORITY && behind_cloudfront => out.push(stack.error(Code::App036, &format!("{field}.priority"), format!("priority {p} is taken by the default route's rule")).help("with 'ingress: cloudfront' the listener's default action is a 403 and the default route is a rule at priority 50000: use 1 to 49999")),
                (true, Some(p)) => {
                    if let Some(other) = priorities.insert(p, key) {
                        out.push(stack.error(Code::App037, &format!("{field}.priority"), format!("priority {p} is also used by '{other}'")).help("give every rule its own priority"));
                    }
                }
                _ => {}
            }
            if let Some(name) = &route.target_group_name {
                check_elb_name(
                    stack,
                    &format!("{field}.target_group_name"),
                    name,
                    &names::TARGET_GROUP,
                    &mut out,
                );
            }
        }
    }
    out
}

fn check_elb_name(
    stack: &ResolvedStack,
    field: &str,
    name: &str,
    rule: &NameRule,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(why) = rule.problem(name) {
        let help = if name.chars().count() > rule.max {
            let short: String = name.chars().take(rule.max).collect();
            format!("shorten it, e.g. '{}'", short.trim_end_matches('-'))
        } else if let Some(rest) = name.strip_prefix("internal-") {
            format!("drop the 'internal-' prefix, e.g. '{rest}'")
        } else {
            format!(
                "use {}, not starting or ending with a hyphen",
                rule.allowed_text
            )
        };
        out.push(
            stack
                .error(
                    Code::App012,
                    field,
                    format!("{} name '{name}' {why}", rule.resource),
                )
                .help(help),
        );
    }
}

fn check_load_balancer(
    stack: &ResolvedStack,
    lb: &crate::spec::app::LoadBalancerSpec,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(name) = &lb.name {
        check_elb_name(
            stack,
            "load_balancer.name",
            name,
            &names::LOAD_BALANCER,
            out,
        );
    }
    out.extend(super::unknown_tier(
        stack,
        Code::App038,
        "load_balancer.tier",
        &lb.tier,
        "name a public tier (internet-facing) or a private one (internal)",
    ));
    if stack.spec.network.is_none() {
        out.push(
            stack
                .error(
                    Code::App039,
                    "load_balancer",
                    "a load balancer needs a network",
                )
                .help("add a 'network:' block with a public tier"),
        );
    }
    if let Some(cert) = &lb.certificate {
        match (&cert.arn, &cert.domain) {
            (Some(_), Some(_)) | (None, None) => out.push(
                stack
                    .error(Code::App020, "load_balancer.certificate", "give either 'arn' (an existing certificate) or 'domain' (request one)")
                    .help("e.g. certificate: { domain: api.example.com, hosted_zone_id: Z0123456789ABC }"),
            ),
            (None, Some(_)) if cert.hosted_zone_id.is_none() => out.push(
                stack
                    .error(Code::App020, "load_balancer.certificate", "a requested certificate needs 'hosted_zone_id' for DNS validation")
                    .help("give the Route 53 hosted zone id of the domain, or an existing certificate 'arn'"),
            ),
            (Some(arn), None) if !arn.starts_with("arn:aws") || !arn.contains(":acm:") => out.push(
                stack.error(Code::App020, "load_balancer.certificate.arn", format!("'{arn}' is not an ACM certificate ARN")).help("arn:aws:acm:<region>:<account>:certificate/<id>"),
            ),
            _ => {}
        }
    }
    if let Some(name) = &lb.access_logs.bucket
        && let Some(bucket) = stack.spec.buckets.get(name)
        && bucket.kms_key.is_some()
    {
        out.push(
            stack
                .error(Code::App027, "load_balancer.access_logs.bucket", format!("bucket '{name}' is encrypted with a KMS key; load balancer logs need SSE-S3"))
                .help("send the logs to a bucket without 'kms_key' (it is still encrypted, with SSE-S3)"),
        );
    }
    if !lb.access_logs.enabled && lb.access_logs.reason.is_none() {
        out.push(
            stack
                .error(Code::App047, "load_balancer.access_logs.enabled", "access logs are switched off without a reason")
                .help("say why with 'reason: ...' beside 'enabled: false' (reviewers read it in the template), or turn them back on"),
        );
    }
    if lb.ingress == Ingress::VpcOrigin {
        if lb.scheme != Scheme::Internal {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "a VPC origin is an internal load balancer: CloudFront reaches it inside the VPC")
                    .help("add 'scheme: internal' (it then sits in a private tier), or use 'ingress: cloudfront' for an internet-facing one"),
            );
        } else if !a_distribution_fronts_the_load_balancer(stack) {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "the load balancer is a VPC origin, but no distribution uses it as an origin")
                    .help("add an origin '{ load_balancer: true }' under 'cdn:', or drop 'ingress: vpc-origin'"),
            );
        }
        // The API's VPC link would need the VPC admitted too; not built yet.
        if stack.spec.api.as_ref().is_some_and(|api| {
            api.routes
                .values()
                .any(|r| r.target == crate::spec::api::LOAD_BALANCER)
        }) {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "a VPC-origin load balancer admits only CloudFront; the API's VPC link cannot reach it")
                    .help("use 'ingress: cloudfront' (an internet-facing load balancer with the origin-verify header) while the API targets the load balancer"),
            );
        }
        // CloudFront's VPC origins need an internet gateway in the VPC.
        let has_public_tier = stack.spec.network.as_ref().is_some_and(|n| {
            n.tiers
                .values()
                .any(|t| t.kind == crate::spec::network::TierKind::Public)
        });
        if stack.spec.network.is_some() && !has_public_tier {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "CloudFront VPC origins need an internet gateway in the VPC, which only a public tier brings")
                    .help("add a tier with 'type: public' to the network (nothing needs to run in it)"),
            );
        }
    }
    if !lb.redirect_http && lb.certificate.is_none() {
        out.push(
            stack
                .error(Code::App061, "load_balancer.redirect_http", "'redirect_http: false' leaves no listener: without a certificate the load balancer serves only HTTP on 80")
                .help("add 'certificate:' (HTTPS on 443, then nothing on 80), or drop 'redirect_http'"),
        );
    }
    if lb.ingress == Ingress::Api {
        let api_reaches_it = stack.spec.api.as_ref().is_some_and(|api| {
            api.routes
                .values()
                .any(|r| r.target == crate::spec::api::LOAD_BALANCER)
        });
        if lb.scheme != Scheme::Internal {
            out.push(
                stack
                    .error(Code::App064, "load_balancer.ingress", "only the API may reach the load balancer, but it is internet-facing")
                    .help("add 'scheme: internal' (the API's VPC link reaches it inside the VPC), or drop 'ingress: api'"),
            );
        } else if !api_reaches_it {
            out.push(
                stack
                    .error(
                        Code::App064,
                        "load_balancer.ingress",
                        "only the API may reach the load balancer, but no API route targets it",
                    )
                    .help("add an API route with 'target: load-balancer', or drop 'ingress: api'"),
            );
        }
    }
    if lb.ingress == Ingress::Cloudfront {
        if lb.scheme != Scheme::InternetFacing {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "an internal load balancer is not reachable by CloudFront")
                    .help("use 'scheme: internet-facing' with 'ingress: cloudfront', or drop 'ingress'"),
            );
        } else if !a_distribution_fronts_the_load_balancer(stack) {
            out.push(
                stack
                    .error(Code::App028, "load_balancer.ingress", "only CloudFront may reach the load balancer, but no distribution uses it as an origin")
                    .help("add an origin '{ load_balancer: true }' under 'cdn:', or drop 'ingress: cloudfront'"),
            );
        }
    }
    out.extend(check_web_acl(stack, lb));
    if !(1..=4000).contains(&lb.idle_timeout) {
        out.push(
            stack
                .error(
                    Code::App040,
                    "load_balancer.idle_timeout",
                    format!("idle timeout {} is out of range", lb.idle_timeout),
                )
                .help("use 1 to 4000 seconds"),
        );
    }
}

/// APP051: an internet-facing load balancer is behind a web ACL (a
/// regional one attached to it, or CloudFront's when only CloudFront
/// reaches it), or says why not. A warning, an error in production.
fn check_web_acl(
    stack: &ResolvedStack,
    lb: &crate::spec::app::LoadBalancerSpec,
) -> Option<Diagnostic> {
    let spec = &stack.spec;
    // A VPC origin is internal, but the internet reaches it through CloudFront.
    if lb.scheme != Scheme::InternetFacing && lb.ingress != Ingress::VpcOrigin {
        return None;
    }
    if !lb.web_acl.required {
        return lb.web_acl.reason.is_none().then(|| {
            stack
                .error(
                    Code::App051,
                    "load_balancer.web_acl.required",
                    "the load balancer goes without a web ACL, without a reason",
                )
                .help("say why with 'reason: ...' beside 'required: false', or attach a web ACL")
        });
    }
    let regional = spec.waf.values().any(|acl| {
        acl.scope == WafScope::Regional && acl.attach.contains(&AttachTarget::LoadBalancer)
    });
    let fronting: Vec<_> = spec
        .cdn
        .values()
        .filter(|d| d.origins.values().any(|o| o.load_balancer))
        .collect();
    let at_cloudfront = lb.ingress.through_cloudfront()
        && !fronting.is_empty()
        && fronting.iter().all(|d| d.waf.is_some());
    if regional || at_cloudfront {
        return None;
    }
    let (message, help) = if lb.ingress.through_cloudfront() {
        (
            "the load balancer is reached through CloudFront, but not every distribution in front of it has a web ACL",
            "give each distribution with a load_balancer origin 'waf: <acl>' (an ACL with scope: cloudfront)",
        )
    } else {
        (
            "the internet reaches the load balancer, but no web ACL protects it",
            "add a web ACL under 'waf:' with 'attach: [load_balancer]' (e.g. rules: { core: { managed: core } }), or say why not: 'web_acl: { required: false, reason: ... }'",
        )
    };
    let message = if spec.production {
        format!(
            "{message} (environment '{}' is production: true)",
            stack.environment
        )
    } else {
        message.to_string()
    };
    // At the `load_balancer:` key itself, not at its first field.
    let at = stack
        .node
        .locate_key("load_balancer")
        .unwrap_or_else(|| stack.locate("load_balancer"));
    Some(
        Diagnostic::new(Code::App051, "load_balancer", message)
            .at(&stack.file.path, at, &stack.file.source)
            .help(help)
            .warning_if(!spec.production),
    )
}

fn check_service(
    stack: &ResolvedStack,
    key: &str,
    s: &ServiceSpec,
    components: &BTreeMap<String, &'static dyn Kind>,
    out: &mut Vec<Diagnostic>,
) {
    let base = format!("services.{key}");
    if let Some(all) = &s.allow_all_outbound {
        check_all_outbound_reason(stack, &base, all.reason.as_deref(), out);
    }
    if !is_name(key, 32) {
        out.push(
            stack
                .error(
                    Code::App016,
                    &base,
                    format!("service key '{key}' cannot name a service"),
                )
                .help("use lowercase letters, digits and hyphens, starting with a letter"),
        );
    }
    match fargate_memory(s.cpu) {
        None => out.push(
            stack
                .error(
                    Code::App010,
                    &format!("{base}.cpu"),
                    format!("{} is not a Fargate CPU size", s.cpu),
                )
                .help("use 256, 512, 1024, 2048, 4096, 8192 or 16384"),
        ),
        Some(mems) if !mems.contains(&s.memory) => out.push(
            stack
                .error(
                    Code::App010,
                    &format!("{base}.memory"),
                    format!(
                        "Fargate has no task with {} CPU and {} MiB memory",
                        s.cpu, s.memory
                    ),
                )
                .help(format!(
                    "with cpu {} use memory {}",
                    s.cpu,
                    mems.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        ),
        _ => {}
    }
    if !(1..=65535).contains(&s.port) {
        out.push(
            stack
                .error(
                    Code::App011,
                    &format!("{base}.port"),
                    format!("port {} is out of range", s.port),
                )
                .help("use a port from 1 to 65535"),
        );
    }
    out.extend(unknown_repository(
        stack,
        &format!("{base}.image.repository"),
        &s.image,
    ));
    out.extend(super::unknown_tier(
        stack,
        Code::App041,
        &format!("{base}.tier"),
        &s.tier,
        "name a private or isolated tier",
    ));
    if !RETENTION_DAYS.contains(&s.log_retention_days) {
        out.push(
            stack
                .error(
                    Code::App023,
                    &format!("{base}.log_retention_days"),
                    format!(
                        "{} days is not a CloudWatch Logs retention period",
                        s.log_retention_days
                    ),
                )
                .help("use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ..."),
        );
    }
    out.extend(wiring::literal_credentials(
        stack,
        &base,
        &s.environment,
        wiring::SERVICES,
    ));
    out.extend(wiring::connections(
        stack,
        &base,
        key,
        &s.connects_to,
        components,
        wiring::SERVICES,
    ));
    out.extend(wiring::secrets(
        stack,
        &base,
        &s.secrets,
        &s.environment,
        components,
    ));
    for (i, path) in s.scratch.iter().enumerate() {
        let f = format!("{base}.scratch[{i}]");
        if !path.starts_with('/') || path == "/" {
            out.push(
                stack
                    .error(Code::App048, &f, format!("scratch path '{path}' is not an absolute directory below /"))
                    .help("write the absolute path the container writes to, e.g. /tmp or /app/.next/cache"),
            );
        } else if s.scratch.iter().take(i).any(|p| p == path) {
            out.push(
                stack
                    .error(
                        Code::App048,
                        &f,
                        format!("scratch path '{path}' is listed twice"),
                    )
                    .help("list each path once"),
            );
        }
    }
    if s.user.as_deref().is_some_and(|u| u.trim().is_empty()) {
        out.push(
            stack
                .error(
                    Code::App048,
                    &format!("{base}.user"),
                    "the container user is empty",
                )
                .help("give a user name or uid[:gid], e.g. 1000:1000, or leave 'user' out"),
        );
    }
    if let Some(sc) = &s.scaling {
        let f = format!("{base}.scaling");
        if sc.min > sc.max {
            out.push(
                stack
                    .error(
                        Code::App042,
                        &format!("{f}.min"),
                        format!("min {} is above max {}", sc.min, sc.max),
                    )
                    .help("make min <= max"),
            );
        } else if !(sc.min..=sc.max).contains(&s.count) {
            out.push(
                stack
                    .error(
                        Code::App042,
                        &format!("{base}.count"),
                        format!(
                            "count {} is outside scaling min {} and max {}",
                            s.count, sc.min, sc.max
                        ),
                    )
                    .help("make count fall between min and max"),
            );
        }
        for (name, v) in [("cpu", sc.cpu), ("memory", sc.memory)] {
            if let Some(v) = v.filter(|v| !(1..=100).contains(v)) {
                out.push(
                    stack
                        .error(
                            Code::App043,
                            &format!("{f}.{name}"),
                            format!("{v}% is not a utilization target"),
                        )
                        .help("use a percentage from 1 to 100"),
                );
            }
        }
        if sc.requests_per_target.is_some() && s.route.is_none() {
            out.push(
                stack
                    .error(
                        Code::App043,
                        &format!("{f}.requests_per_target"),
                        "request-count scaling needs the service behind the load balancer",
                    )
                    .help("add a 'route', or scale on cpu or memory"),
            );
        }
        if sc.cpu.is_none()
            && sc.memory.is_none()
            && sc.requests_per_target.is_none()
            && sc.schedules.is_empty()
        {
            out.push(
                stack
                    .error(Code::App043, &f, "scaling has no target and no schedule")
                    .help("give cpu, memory, requests_per_target or schedules"),
            );
        }
        for (name, sch) in &sc.schedules {
            let sf = format!("{f}.schedules.{name}");
            if let Err(why) = crate::spec::value::schedule::check_cron(&sch.cron) {
                out.push(
                    stack
                        .error(Code::App021, &format!("{sf}.cron"), why.to_string())
                        .help("minutes hours day-of-month month day-of-week year, with '?' in day-of-month or day-of-week, e.g. '0 9 ? * MON-FRI *'"),
                );
            }
            if let Err(why) = crate::spec::value::schedule::check_time_zone(&sch.time_zone) {
                out.push(
                    stack
                        .error(Code::App021, &format!("{sf}.time_zone"), why.to_string())
                        .help(why.help()),
                );
            }
            if sch.min.is_some_and(|m| m > sc.max) || sch.max.is_some_and(|m| m < sc.min) {
                out.push(
                    stack
                        .error(
                            Code::App021,
                            &sf,
                            format!(
                                "schedule '{name}' sets capacity outside scaling min {} and max {}",
                                sc.min, sc.max
                            ),
                        )
                        .help(
                            "keep scheduled min/max within the scaling range, or change the range",
                        ),
                );
            }
            if sch.min.is_none() && sch.max.is_none() {
                out.push(
                    stack
                        .error(Code::App021, &sf, "a schedule must set min, max or both")
                        .help("e.g. { cron: '0 9 ? * MON-FRI *', min: 4 }"),
                );
            }
        }
    }
    if s.min_healthy_percent > 100 || s.max_percent < 100 || s.max_percent > 400 {
        out.push(
            stack
                .error(
                    Code::App025,
                    &format!("{base}.min_healthy_percent"),
                    "deployment percentages are out of range",
                )
                .help("min_healthy_percent 0-100, max_percent 100-400"),
        );
    }
}

/// Whether some distribution under `cdn:` has the load balancer as origin.
fn a_distribution_fronts_the_load_balancer(stack: &ResolvedStack) -> bool {
    stack
        .spec
        .cdn
        .values()
        .any(|d| d.origins.values().any(|o| o.load_balancer))
}

/// The reason becomes a security-group rule description, which EC2 limits
/// to 255 characters of a small set.
fn check_all_outbound_reason(
    stack: &ResolvedStack,
    base: &str,
    reason: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let field = format!("{base}.allow_all_outbound");
    let reason = reason.map(str::trim).unwrap_or_default();
    let allowed = |c: char| c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c);
    let max = 255 - ALL_OUTBOUND_PREFIX.len();
    let problem = if reason.is_empty() {
        "all outbound traffic is allowed without a reason".to_string()
    } else if reason.len() > max {
        format!(
            "the reason is {} characters; a rule description holds {max} after archgen's prefix",
            reason.len()
        )
    } else if let Some(c) = reason.chars().find(|c| !allowed(*c)) {
        format!("the reason contains '{c}', which a security-group rule description cannot hold")
    } else {
        return;
    };
    out.push(
        stack
            .error(Code::App062, &field, problem)
            .help("say why in 'reason: ...' (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*), e.g. allow_all_outbound: { reason: \"calls partner SFTP servers on port 22\" }; or drop allow_all_outbound to keep the egress derived from connections"),
    );
}

/// Explicit ECS names: AWS's characters and length, and one service per
/// name and family within the stack's cluster.
fn check_ecs_names(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    let mut fields: Vec<(String, &str, Option<String>)> = Vec::new();
    if let Some(name) = &spec.cluster.name {
        fields.push(("cluster.name".into(), name, None));
    }
    for (key, s) in &spec.services {
        for (what, name) in [("name", &s.name), ("family", &s.family)] {
            if let Some(name) = name {
                fields.push((
                    format!("services.{key}.{what}"),
                    name,
                    Some(what.to_string()),
                ));
            }
        }
    }
    for (i, (field, name, what)) in fields.iter().enumerate() {
        if let Some(why) = names::ECS.problem(name) {
            out.push(
                stack
                    .error(Code::App063, field, format!("the ECS name '{name}' {why}"))
                    .help("rename it: 1-255 letters, digits, '-' and '_'"),
            );
        } else if let Some((other, _, _)) = fields
            .iter()
            .take(i)
            .find(|(_, n, w)| n == name && w == what && what.is_some())
        {
            out.push(
                stack
                    .error(
                        Code::App063,
                        field,
                        format!(
                            "'{name}' is already the {} in {other}",
                            if what.as_deref() == Some("family") {
                                "task family"
                            } else {
                                "service name"
                            }
                        ),
                    )
                    .help("give each service its own name and task family in the cluster"),
            );
        }
    }
}

/// APP017: an image `{ repository: KEY }` names a repository the spec
/// declares (a service's image, a database's users-task client image).
pub(super) fn unknown_repository(
    stack: &ResolvedStack,
    field: &str,
    image: &ImageSpec,
) -> Option<Diagnostic> {
    let ImageSpec::Repository { repository, .. } = image else {
        return None;
    };
    if stack.spec.repositories.contains_key(repository) {
        return None;
    }
    let help = match did_you_mean(
        repository,
        stack.spec.repositories.keys().map(String::as_str),
    ) {
        Some(r) => format!("did you mean '{r}'?"),
        None => "declare it under 'repositories:', or give a full image URI".into(),
    };
    Some(
        stack
            .error(
                Code::App017,
                field,
                format!("there is no repository '{repository}'"),
            )
            .help(help),
    )
}
