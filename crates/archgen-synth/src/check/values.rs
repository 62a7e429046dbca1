//! Values AWS validates at deploy time that a spec can get wrong: tags,
//! health-check paths, certificate regions and the two zones some resources
//! need. (Schedules are checked in `app`, CIDRs in `network`; their parsers
//! live in `spec::value`.)

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;

/// Tags AWS allows on one resource.
pub const MAX_TAGS: usize = 50;
/// Tags archgen puts on every resource besides the spec's: the stack tags
/// CloudFormation propagates (`app`, `environment`, `managed-by`) and `Name`.
pub const ARCHGEN_TAGS: &[&str] = &["app", "environment", "managed-by", "Name"];

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_tags(stack, &mut out);
    check_health_checks(stack, &mut out);
    check_certificate_regions(stack, &mut out);
    check_two_zones(stack, &mut out);
    out
}

/// Unicode letters, digits, white space and `_ . : / = + - @`.
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

fn check_tags(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let tags = &stack.spec.tags;
    for (key, value) in tags {
        let field = format!("tags.{key}");
        let key_len = key.chars().count();
        let key_problem = if key.starts_with("aws:") {
            Some("may not start with 'aws:' (AWS reserves it)".to_string())
        } else if !(1..=128).contains(&key_len) {
            Some(format!("is {key_len} characters; AWS allows 1 to 128"))
        } else {
            key.chars()
                .find(|c| !tag_char(*c))
                .map(|c| format!("has '{c}', which AWS does not allow in tags"))
        };
        if let Some(why) = key_problem {
            out.push(
                stack
                    .error(Code::App004, &field, format!("tag key '{key}' {why}"))
                    .help("tag keys are 1 to 128 letters, digits, spaces and '_ . : / = + - @', not starting with 'aws:'"),
            );
        }
        let value_len = value.chars().count();
        let value_problem = if value_len > 256 {
            Some(format!("is {value_len} characters; AWS allows 256"))
        } else {
            value
                .chars()
                .find(|c| !tag_char(*c))
                .map(|c| format!("has '{c}', which AWS does not allow in tags"))
        };
        if let Some(why) = value_problem {
            out.push(
                stack
                    .error(
                        Code::App004,
                        &field,
                        format!("the value of tag '{key}' {why}"),
                    )
                    .help("tag values are up to 256 letters, digits, spaces and '_ . : / = + - @'"),
            );
        }
    }
    let all: BTreeSet<&str> = ARCHGEN_TAGS
        .iter()
        .copied()
        .chain(tags.keys().map(String::as_str))
        .collect();
    if all.len() > MAX_TAGS {
        out.push(
            stack
                .error(
                    Code::App029,
                    "tags",
                    format!(
                        "every resource would carry {} tags ({} from the spec, {} from archgen: {}); AWS allows {MAX_TAGS}",
                        all.len(),
                        tags.len(),
                        all.len() - tags.len(),
                        ARCHGEN_TAGS.join(", ")
                    ),
                )
                .help(format!(
                    "keep at most {} tags under 'tags:'",
                    MAX_TAGS - ARCHGEN_TAGS.len()
                )),
        );
    }
}

fn check_health_checks(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    for (key, s) in &stack.spec.services {
        let Some(route) = &s.route else { continue };
        let path = &route.health_check.path;
        if !path.starts_with('/') {
            out.push(
                stack
                    .error(
                        Code::App030,
                        &format!("services.{key}.route.health_check.path"),
                        format!("health-check path '{path}' does not start with '/'"),
                    )
                    .help(format!("write '/{}'", path.trim_start_matches('/'))),
            );
        }
    }
}

/// The region of an ACM certificate ARN (`arn:aws:acm:<region>:...`).
fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

fn check_certificate_regions(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    if let Some(arn) = spec
        .load_balancer
        .as_ref()
        .and_then(|lb| lb.certificate.as_ref())
        .and_then(|c| c.arn.as_ref())
        && let Some(region) = arn_region(arn)
        && region != spec.region
    {
        out.push(
            stack
                .error(
                    Code::App031,
                    "load_balancer.certificate.arn",
                    format!(
                        "the certificate is in {region}, but a load balancer can use only certificates of its own region ({})",
                        spec.region
                    ),
                )
                .help(format!(
                    "import or request the certificate in {}, or give 'domain' and 'hosted_zone_id' so archgen requests one",
                    spec.region
                )),
        );
    }
    for (key, d) in &spec.cdn {
        if let Some(arn) = d.certificate.as_ref().and_then(|c| c.arn.as_ref())
            && let Some(region) = arn_region(arn)
            && region != "us-east-1"
        {
            out.push(
                stack
                    .error(
                        Code::Edge024,
                        &format!("cdn.{key}.certificate.arn"),
                        format!("the certificate is in {region}, but CloudFront uses only certificates in us-east-1"),
                    )
                    .help("import or request the certificate in us-east-1, or give 'domain' and 'hosted_zone_id' so archgen requests one there"),
            );
        }
    }
}

/// RDS subnet groups and load balancers need subnets in two zones.
fn check_two_zones(stack: &ResolvedStack, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    let Some(net) = &spec.network else { return };
    let zones = net.zones.count();
    if zones >= 2 {
        return;
    }
    let mut needs: Vec<String> = spec
        .databases
        .keys()
        .map(|k| format!("database '{k}' (its subnet group)"))
        .collect();
    if spec.load_balancer.is_some() {
        needs.push("the load balancer".into());
    }
    if !needs.is_empty() {
        out.push(
            stack
                .error(
                    Code::Net015,
                    "network.zones",
                    format!(
                        "{} needs subnets in two availability zones, and the network has {zones}",
                        needs.join(" and ")
                    ),
                )
                .help("use 'zones: 2' or more (a tier has one subnet per zone)"),
        );
    }
}
