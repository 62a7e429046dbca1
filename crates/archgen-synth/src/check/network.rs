//! Rules for the `network:` block.

use crate::kinds::database as workload_users;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;

use super::checked::SubnetPlan;
use super::is_name;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::kinds::kind_of;
use crate::naming::pascal;
use crate::spec::ResolvedStack;
use crate::spec::app::{ImageSpec, SecretSpec};
use crate::spec::network::{
    EndpointAccess, GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS, NatMode, NetworkSpec, TierKind, Zones,
    first_tier_of,
};
use crate::spec::value::cidr;
use crate::template::logs::RETENTION_DAYS;

/// The network's diagnostics, and the subnet plan checked on the way
/// (complete only without diagnostics).
pub(super) fn check(stack: &ResolvedStack, net: &NetworkSpec) -> (Vec<Diagnostic>, SubnetPlan) {
    let mut out = Vec::new();
    let vpc = check_vpc_cidr(stack, net, &mut out);
    check_zones(stack, net, &mut out);
    let plan = check_tiers(stack, net, vpc, &mut out);
    if let Some(existing) = &net.existing {
        // The network team's VPC: routes, NAT, endpoints and flow logs are theirs.
        check_existing(stack, net, existing, &mut out);
        return (out, plan);
    }
    check_egress(stack, net, &mut out);
    check_endpoints(stack, net, &mut out);
    check_workload_endpoints(stack, net, &mut out);
    if net.flow_logs.enabled && !RETENTION_DAYS.contains(&net.flow_logs.retention_days) {
        out.push(
            stack
                .error(
                    Code::Net011,
                    "network.flow_logs.retention_days",
                    format!(
                        "{} days is not a CloudWatch Logs retention period",
                        net.flow_logs.retention_days
                    ),
                )
                .help(format!("use one of {}", join(RETENTION_DAYS))),
        );
    }
    (out, plan)
}

/// `vpc-` or `subnet-` and 8 or 17 hexadecimal digits.
fn is_aws_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|hex| {
        matches!(hex.len(), 8 | 17)
            && hex
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// An existing VPC: well-formed ids, one subnet per zone for every tier and
/// no subnets of an undeclared tier; nothing archgen would create in it.
fn check_existing(
    stack: &ResolvedStack,
    net: &NetworkSpec,
    existing: &crate::spec::network::ExistingNetwork,
    out: &mut Vec<Diagnostic>,
) {
    if !is_aws_id(&existing.vpc_id, "vpc-") {
        out.push(
            stack
                .error(
                    Code::Net018,
                    "network.existing.vpc_id",
                    format!("'{}' is not a VPC id", existing.vpc_id),
                )
                .help("give the VPC's id, e.g. vpc-0123456789abcdef0"),
        );
    }
    let zones = net.zones.count();
    for (tier, _) in &net.tiers {
        let field = format!("network.existing.subnets.{tier}");
        match existing.subnets.get(tier) {
            None => out.push(
                stack
                    .error(
                        Code::Net018,
                        "network.existing.subnets",
                        format!("tier '{tier}' has no subnet ids"),
                    )
                    .help(format!(
                        "add '{tier}: [subnet-..., ...]' with one subnet id per zone, in zone order"
                    )),
            ),
            Some(ids) if ids.len() != zones => out.push(
                stack
                    .error(
                        Code::Net018,
                        &field,
                        format!(
                            "tier '{tier}' has {} subnet ids for {zones} zones",
                            ids.len()
                        ),
                    )
                    .help("give one subnet id per zone, in zone order"),
            ),
            Some(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    if !is_aws_id(id, "subnet-") {
                        out.push(
                            stack
                                .error(
                                    Code::Net018,
                                    &format!("{field}[{i}]"),
                                    format!("'{id}' is not a subnet id"),
                                )
                                .help("give the subnet's id, e.g. subnet-0123456789abcdef0"),
                        );
                    }
                }
            }
        }
    }
    for tier in existing.subnets.keys() {
        if !net.tiers.contains_key(tier) {
            out.push(
                stack
                    .error(Code::Net018, &format!("network.existing.subnets.{tier}"), format!("there is no tier '{tier}' under network.tiers"))
                    .help("declare the tier (its type and CIDRs) under network.tiers, or remove these ids"),
            );
        }
    }
    if !net.endpoints.is_empty() {
        out.push(
            stack
                .error(
                    Code::Net018,
                    "network.endpoints",
                    "archgen creates nothing in an existing VPC, endpoints included",
                )
                .help("remove 'endpoints'; the VPC's owner adds endpoints"),
        );
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a CIDR, reporting a malformed one or one with host bits set.
fn parse_cidr(
    stack: &ResolvedStack,
    field: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Ipv4Net> {
    match cidr::parse_canonical(text) {
        Ok(net) => Some(net),
        Err(e) => {
            out.push(
                stack
                    .error(Code::Net002, field, e.to_string())
                    .help(e.help()),
            );
            None
        }
    }
}

fn check_vpc_cidr(
    stack: &ResolvedStack,
    net: &NetworkSpec,
    out: &mut Vec<Diagnostic>,
) -> Option<Ipv4Net> {
    let vpc = parse_cidr(stack, "network.cidr", &net.cidr, out)?;
    if !(16..=28).contains(&vpc.prefix_len()) {
        out.push(
            stack
                .error(
                    Code::Net001,
                    "network.cidr",
                    format!(
                        "a VPC CIDR must be between /16 and /28, '{}' is /{}",
                        net.cidr,
                        vpc.prefix_len()
                    ),
                )
                .help("use a /16 such as 10.0.0.0/16 for room to grow"),
        );
        return None;
    }
    Some(vpc)
}

fn check_zones(stack: &ResolvedStack, net: &NetworkSpec, out: &mut Vec<Diagnostic>) {
    let count = net.zones.count();
    if !(1..=6).contains(&count) {
        out.push(
            stack
                .error(
                    Code::Net006,
                    "network.zones",
                    format!("{count} availability zones is out of range"),
                )
                .help("use 1 to 6 zones; 2 or 3 is usual for high availability"),
        );
    }
    if let Zones::Names(names) = &net.zones {
        for (i, name) in names.iter().enumerate() {
            let field = format!("network.zones[{i}]");
            let suffix = name.strip_prefix(stack.spec.region.as_str());
            let valid =
                suffix.is_some_and(|s| s.len() == 1 && s.chars().all(|c| c.is_ascii_lowercase()));
            if !valid {
                out.push(
                    stack
                        .error(
                            Code::Net006,
                            &field,
                            format!(
                                "'{name}' is not an availability zone of {}",
                                stack.spec.region
                            ),
                        )
                        .help(format!(
                            "zone names are the region plus a letter, e.g. {}a",
                            stack.spec.region
                        )),
                );
            }
            if names.iter().take(i).any(|n| n == name) {
                out.push(
                    stack
                        .error(
                            Code::Net006,
                            &field,
                            format!("zone '{name}' is listed twice"),
                        )
                        .help("list each zone once"),
                );
            }
        }
    }
}

/// Checks the tiers and their subnets; returns every subnet that passed,
/// by tier.
fn check_tiers(
    stack: &ResolvedStack,
    net: &NetworkSpec,
    vpc: Option<Ipv4Net>,
    out: &mut Vec<Diagnostic>,
) -> SubnetPlan {
    let mut plan = SubnetPlan::new();
    if net.tiers.is_empty() {
        out.push(
            stack
                .error(
                    Code::Net014,
                    "network.tiers",
                    "a network needs at least one subnet tier",
                )
                .help("add e.g. 'public: { type: public, mask: 24 }' under 'tiers:'"),
        );
    }
    let zones = net.zones.count();
    let mut ids: BTreeMap<String, &str> = BTreeMap::new();
    for (name, tier) in &net.tiers {
        let base = format!("network.tiers.{name}");
        if !is_name(name, 24) {
            out.push(
                stack
                    .error(Code::Net013, &base, format!("tier name '{name}' cannot be used in resource names"))
                    .help("use lowercase letters, digits and hyphens, starting with a letter, e.g. 'app'"),
            );
        } else if let Some(other) = ids.insert(pascal(name), name) {
            out.push(
                stack
                    .error(
                        Code::Net013,
                        &base,
                        format!("tier names '{other}' and '{name}' give the same logical ids"),
                    )
                    .help("rename one of them"),
            );
        }
        match (tier.cidrs.is_empty(), tier.mask) {
            (false, Some(_)) => out.push(
                stack
                    .error(
                        Code::Net010,
                        &format!("{base}.mask"),
                        "give either 'cidrs' or 'mask', not both",
                    )
                    .help("remove 'mask' to use the listed CIDRs"),
            ),
            (true, None) => out.push(
                stack
                    .error(Code::Net010, &base, format!("tier '{name}' has no subnets"))
                    .help(
                        "list one CIDR per zone under 'cidrs:', or give 'mask: 24' to derive them",
                    ),
            ),
            (true, Some(mask)) => {
                if !(16..=28).contains(&mask) || vpc.is_some_and(|v| mask <= v.prefix_len()) {
                    out.push(
                        stack
                            .error(
                                Code::Net010,
                                &format!("{base}.mask"),
                                format!("/{mask} does not fit as a subnet of {}", net.cidr),
                            )
                            .help(
                                "use a prefix length between the VPC's (exclusive) and 28, e.g. 24",
                            ),
                    );
                }
            }
            (false, None) => {
                if tier.cidrs.len() != zones {
                    out.push(
                        stack
                            .error(
                                Code::Net005,
                                &format!("{base}.cidrs"),
                                format!(
                                    "tier '{name}' has {} for {zones} zones",
                                    plural(tier.cidrs.len(), "subnet")
                                ),
                            )
                            .help("list exactly one CIDR per availability zone, in zone order"),
                    );
                }
            }
        }
    }
    let Some(vpc) = vpc else { return plan };
    // Every subnet, explicit or derived, with the field that defines it.
    let mut placed: Vec<(String, Ipv4Net)> = Vec::new();
    for (name, cidrs) in net.subnet_cidrs() {
        let Some(tier) = net.tiers.get(&name) else {
            continue;
        };
        let checked = plan.entry(name.clone()).or_default();
        for (i, cidr) in cidrs.iter().enumerate() {
            let field = if tier.cidrs.is_empty() {
                format!("network.tiers.{name}.mask")
            } else {
                format!("network.tiers.{name}.cidrs[{i}]")
            };
            let Some(cidr) = cidr else {
                if tier.cidrs.is_empty() {
                    if (16..=28).contains(&tier.mask.unwrap_or(0))
                        && tier.mask.unwrap_or(0) > vpc.prefix_len()
                    {
                        out.push(
                            stack
                                .error(
                                    Code::Net010,
                                    &field,
                                    format!(
                                        "no room left in {} for subnet {} of tier '{name}'",
                                        net.cidr,
                                        i + 1
                                    ),
                                )
                                .help("use a smaller subnet (a larger mask), or a larger VPC CIDR"),
                        );
                    }
                } else if let Some(text) = tier.cidrs.get(i) {
                    parse_cidr(stack, &field, text, out);
                }
                continue;
            };
            if let Some(text) = tier.cidrs.get(i).filter(|_| cidr.trunc() != *cidr) {
                parse_cidr(stack, &field, text, out);
                continue;
            }
            if !vpc.contains(cidr) {
                out.push(
                    stack
                        .error(
                            Code::Net003,
                            &field,
                            format!("subnet {cidr} is outside the VPC CIDR {vpc}"),
                        )
                        .help(format!("pick a subnet inside {vpc}")),
                );
                continue;
            }
            if cidr.prefix_len() > 28 {
                out.push(
                    stack
                        .error(
                            Code::Net016,
                            &field,
                            format!("subnet {cidr} is smaller than AWS allows (/28)"),
                        )
                        .help("use /28 or larger"),
                );
            }
            if let Some((other_field, other)) = placed
                .iter()
                .find(|(_, o)| o.contains(cidr) || cidr.contains(o))
            {
                out.push(
                    stack
                        .error(
                            Code::Net004,
                            &field,
                            format!("subnet {cidr} overlaps {other} ({other_field})"),
                        )
                        .help("give every subnet its own address range"),
                );
            }
            placed.push((field, *cidr));
            checked.push(*cidr);
        }
    }
    plan
}

fn check_egress(stack: &ResolvedStack, net: &NetworkSpec, out: &mut Vec<Diagnostic>) {
    let has = |k: TierKind| net.tiers.values().any(|t| t.kind == k);
    if net.nat != NatMode::None && has(TierKind::Private) && !has(TierKind::Public) {
        out.push(
            stack
                .error(
                    Code::Net008,
                    "network.nat",
                    "NAT gateways need a public tier to live in",
                )
                .help("add a tier with 'type: public', or set 'nat: none' and use VPC endpoints"),
        );
    }
    if net.nat == NatMode::None && net.endpoints.is_empty() {
        for (name, tier) in &net.tiers {
            if tier.kind == TierKind::Private {
                out.push(
                    stack
                        .error(Code::Net007, &format!("network.tiers.{name}.type"), format!("private tier '{name}' has no way out: 'nat: none' and no endpoints"))
                        .help("set 'nat: single' or 'nat: per-zone', add 'endpoints:' (e.g. [s3, ecr.api, ecr.dkr, logs]), or make the tier 'isolated'"),
                );
            }
        }
    }
}

/// NET017: a workload in a tier without a route to the internet reaches
/// AWS APIs only through endpoints; every API it needs (image pull, logs,
/// its secrets, the components it connects to, X-Ray) must have one, or
/// the task or function fails at run time.
fn check_workload_endpoints(stack: &ResolvedStack, net: &NetworkSpec, out: &mut Vec<Diagnostic>) {
    let spec = &stack.spec;
    let kinds = || net.tiers.iter().map(|(n, t)| (n.as_str(), t.kind));
    let offline = |named: Option<&str>| {
        let tier = match named {
            Some(t) => t,
            None => first_tier_of(kinds(), &[TierKind::Private, TierKind::Isolated])?,
        };
        let kind = net.tiers.get(tier)?.kind;
        let no_route =
            kind == TierKind::Isolated || (kind == TierKind::Private && net.nat == NatMode::None);
        no_route.then(|| tier.to_string())
    };
    // What a workload's secrets and connections call.
    let secret_api = |secret: &SecretSpec| match secret {
        SecretSpec::Ssm(_) => "ssm",
        SecretSpec::Component(name) => match kind_of(spec, name) {
            Some(k) if k.block() == "parameters" => "ssm",
            _ => "secretsmanager",
        },
        SecretSpec::SecretArn { .. } => "secretsmanager",
    };
    for (key, s) in &spec.services {
        let Some(tier) = offline(s.tier.as_deref()) else {
            continue;
        };
        let mut needs: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let mut need = |e: &'static str, why: String| needs.entry(e).or_default().push(why);
        if is_private_ecr(&s.image) {
            for e in ["ecr.api", "ecr.dkr", "s3"] {
                need(e, "image pull".into());
            }
        }
        need("logs", "container logs".into());
        for (var, secret) in &s.secrets {
            need(secret_api(secret), format!("secret {var}"));
        }
        for c in &s.connects_to {
            if let Some(e) = kind_of(spec, &c.key).and_then(|k| k.api_endpoint()) {
                need(e, format!("connects to {}", c.key));
            }
        }
        if s.tracing {
            need("xray", "tracing".into());
        }
        out.extend(missing_endpoints(
            stack,
            net,
            &format!("service '{key}'"),
            &tier,
            &needs,
        ));
        // No endpoint serves an image from outside ECR in this account.
        let outside = match &s.image {
            ImageSpec::Uri(uri) if !is_private_ecr(&s.image) => Some(uri.as_str()),
            _ => None,
        };
        let daemon = s.tracing.then_some("the X-Ray daemon (public.ecr.aws)");
        for image in outside.into_iter().chain(daemon) {
            out.push(
                stack
                    .error(
                        Code::Net017,
                        &format!("services.{key}.image"),
                        format!("service '{key}' runs in tier '{tier}', which has no route to the internet, and cannot pull {image}"),
                    )
                    .help("copy the image into an ECR repository of this account ('repositories:'), or give the tier a NAT gateway"),
            );
        }
    }
    for (key, f) in &spec.functions {
        if spec.network.is_none() {
            break;
        }
        let Some(tier) = offline(f.tier.as_deref()) else {
            continue;
        };
        // Lambda writes the function's logs and polls its queue itself;
        // what the code calls goes through the function's network.
        let mut needs: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (var, secret) in &f.secrets {
            needs
                .entry(secret_api(secret))
                .or_default()
                .push(format!("secret {var}"));
        }
        for c in &f.connects_to {
            if let Some(e) = kind_of(spec, &c.key).and_then(|k| k.api_endpoint()) {
                needs
                    .entry(e)
                    .or_default()
                    .push(format!("connects to {}", c.key));
            }
        }
        out.extend(missing_endpoints(
            stack,
            net,
            &format!("function '{key}'"),
            &tier,
            &needs,
        ));
    }
    // The task that creates a database's workload users runs beside the
    // first workload that connects to it.
    for (key, db) in &spec.databases {
        if !(db.iam_auth && db.workload_users.enabled) {
            continue;
        }
        let users = workload_users::users(spec, key);
        if users.is_empty() {
            continue;
        }
        let Some(tier) = offline(workload_users::first_tier(spec, &users).as_deref()) else {
            continue;
        };
        let mut needs: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let image = db.workload_users.image.as_ref();
        if image.is_some_and(is_private_ecr) {
            for e in ["ecr.api", "ecr.dkr", "s3"] {
                needs.entry(e).or_default().push("image pull".into());
            }
        }
        needs
            .entry("logs")
            .or_default()
            .push("container logs".into());
        needs
            .entry("secretsmanager")
            .or_default()
            .push("the master secret".into());
        let owner = format!("the task creating the workload users of database '{key}'");
        out.extend(missing_endpoints(stack, net, &owner, &tier, &needs));
        if !image.is_some_and(is_private_ecr) {
            let client = if db.engine.is_postgres() {
                "postgres"
            } else {
                "mysql"
            };
            out.push(
                stack
                    .error(
                        Code::Net017,
                        &format!("databases.{key}.workload_users"),
                        format!("{owner} runs in tier '{tier}', which has no route to the internet, and cannot pull its client image from public.ecr.aws"),
                    )
                    .help(format!("copy public.ecr.aws/docker/library/{client} into an ECR repository of this account ('repositories:') and name it in 'workload_users: {{ image: {{ repository: ..., tag: ... }} }}', or give the tier a NAT gateway")),
            );
        }
    }
}

/// NET017 for one workload: the endpoints it needs (with why) that the
/// network lacks, and the `endpoints:` line that has them all.
fn missing_endpoints(
    stack: &ResolvedStack,
    net: &NetworkSpec,
    owner: &str,
    tier: &str,
    needs: &BTreeMap<&'static str, Vec<String>>,
) -> Option<Diagnostic> {
    let lacks = |e: &str| !net.endpoints.iter().any(|have| have == e);
    let missing: Vec<String> = needs
        .iter()
        .filter(|(e, _)| lacks(e))
        .map(|(e, why)| format!("{e} ({})", why.join(", ")))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut all: Vec<&str> = net.endpoints.iter().map(String::as_str).collect();
    all.extend(needs.keys().copied().filter(|e| lacks(e)));
    Some(
        stack
            .error(
                Code::Net017,
                "network.endpoints",
                format!(
                    "{owner} runs in tier '{tier}', which has no route to the internet, and needs endpoints the network lacks: {}",
                    missing.join("; ")
                ),
            )
            .help(format!(
                "add them: 'endpoints: [{}]', or give the tier a NAT gateway",
                all.join(", ")
            )),
    )
}

/// An image in a private ECR repository (of the stack, or by URI).
fn is_private_ecr(image: &ImageSpec) -> bool {
    match image {
        ImageSpec::Repository { .. } => true,
        ImageSpec::Uri(uri) => uri
            .split('/')
            .next()
            .is_some_and(|host| host.contains(".dkr.ecr.")),
    }
}

fn check_endpoints(stack: &ResolvedStack, net: &NetworkSpec, out: &mut Vec<Diagnostic>) {
    let known = || GATEWAY_ENDPOINTS.iter().chain(INTERFACE_ENDPOINTS).copied();
    for (i, name) in net.endpoints.iter().enumerate() {
        let field = format!("network.endpoints[{i}]");
        if !known().any(|k| k == name) {
            let help = match did_you_mean(name, known()) {
                Some(s) => format!(
                    "did you mean '{s}'? Known endpoints: {}",
                    nearest_names(name, known())
                ),
                None => format!("known endpoints: {}", nearest_names(name, known())),
            };
            out.push(
                stack
                    .error(
                        Code::Net009,
                        &field,
                        format!("unknown VPC endpoint '{name}'"),
                    )
                    .help(help),
            );
        } else if net.endpoints.iter().take(i).any(|e| e == name) {
            out.push(
                stack
                    .error(
                        Code::Net009,
                        &field,
                        format!("endpoint '{name}' is listed twice"),
                    )
                    .help("list each endpoint once"),
            );
        }
    }
    let wants_interface = net
        .endpoints
        .iter()
        .any(|e| !GATEWAY_ENDPOINTS.contains(&e.as_str()));
    match &net.endpoint_tier {
        Some(t) => match net.tiers.get(t) {
            None => out.push(
                stack
                    .error(Code::Net012, "network.endpoint_tier", format!("there is no tier '{t}'"))
                    .help(format!("use one of: {}", nearest_names(t, net.tiers.keys().map(String::as_str)))),
            ),
            Some(tier) if tier.kind == TierKind::Public => out.push(
                stack
                    .error(Code::Net012, "network.endpoint_tier", format!("tier '{t}' is public; interface endpoints belong in a private or isolated tier"))
                    .help("name a private or isolated tier"),
            ),
            Some(_) => {}
        },
        None if wants_interface && net.tiers.values().all(|t| t.kind == TierKind::Public) => out.push(
            stack
                .error(Code::Net012, "network.endpoints", "interface endpoints need a private or isolated tier")
                .help("add a private or isolated tier for the endpoints"),
        ),
        None => {}
    } // Admitting workloads when there are none would leave the endpoints
    // reachable by nothing.
    let spec = &stack.spec;
    if net.endpoint_access == Some(EndpointAccess::Workloads)
        && spec.services.is_empty()
        && spec.functions.is_empty()
    {
        out.push(
            stack
                .error(Code::Net023, "network.endpoint_access", "the endpoints would admit the stack's workloads, but it runs no service or function")
                .help("use 'endpoint_access: vpc' when workloads of other stacks use this VPC's endpoints, or drop it"),
        );
    }
}
