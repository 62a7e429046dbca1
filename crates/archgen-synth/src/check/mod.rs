//! Semantic rules over a resolved stack. Each rule has an id (`NET003`) and
//! every diagnostic says how to fix what it reports. All rules run, so the
//! user sees every problem at once.

// Rules read user input: index and slice only with checked methods, so no
// input can panic (`string_slice` is on crate-wide in Cargo.toml).
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod api;
pub mod app;
pub mod built;
pub mod data;
pub mod edge;
pub mod identity;
pub mod limits;
pub mod messaging;
pub mod monitoring;
pub mod names;
pub mod network;
pub mod schedule;
pub mod values;
pub mod wiring;

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::spec::{ResolvedStack, StackSpec};
use crate::synth::connect::ComponentKind;

/// Regions archgen knows, for catching typos before AWS does.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

pub fn check_stack(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    if !is_name(&spec.app, 32) {
        out.push(
            stack
                .error(Code::App001, "app", format!("app name '{}' is not usable in AWS resource names", spec.app))
                .help("use 1 to 32 lowercase letters, digits and hyphens, starting with a letter, e.g. 'user-management'"),
        );
    }
    if !REGIONS.contains(&spec.region.as_str()) {
        let help = match did_you_mean(&spec.region, REGIONS.iter().copied()) {
            Some(r) => format!("did you mean '{r}'?"),
            None => "use a region code such as ap-northeast-1 or us-east-1".to_string(),
        };
        out.push(
            stack
                .error(
                    Code::App002,
                    "region",
                    format!("'{}' is not an AWS region", spec.region),
                )
                .help(help),
        );
    }
    if let Some(account) = &spec.account
        && !(account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()))
    {
        out.push(
            stack
                .error(
                    Code::App046,
                    "account",
                    format!("'{account}' is not an AWS account id"),
                )
                .help("write the 12 digits in quotes, e.g. account: \"123456789012\""),
        );
    }
    if !is_name(&stack.environment, 16) {
        out.push(
            stack
                .error(
                    Code::App003,
                    &format!("environments.{}", stack.environment),
                    format!(
                        "environment name '{}' is not usable in stack names",
                        stack.environment
                    ),
                )
                .help("use 1 to 16 lowercase letters, digits and hyphens, starting with a letter"),
        );
    }
    out.extend(values::check(stack));
    if let Some(net) = &spec.network {
        out.extend(network::check(stack, net));
    }
    out.extend(app::check(stack));
    out.extend(api::check(stack));
    out.extend(data::check(stack));
    out.extend(monitoring::check(stack));
    out.extend(messaging::check(stack));
    out.extend(identity::check(stack));
    let mut seen = std::collections::BTreeMap::new();
    for (name, kind) in component_names(spec) {
        match seen.get(&name) {
            None => {
                seen.insert(name, kind);
            }
            // Two data components clash as DATA001 already: one error per mistake.
            Some(&first) if is_data(first) && is_data(kind) => {}
            Some(&first) => out.push(
                stack
                    .name_clash(Code::App026, &format!("{}.{name}", kind.block()), &format!("{}.{name}", first.block()), format!("'{name}' names both a {} and a {}", first.describe(), kind.describe()))
                    .help("give every component its own name: connections and alarms refer to it by name"),
            ),
        }
    }
    out.extend(edge::check(stack));
    out.extend(names::check(stack));
    out
}

/// Whether components of this kind are declared in a data block (DATA001
/// checks those names against each other).
fn is_data(kind: ComponentKind) -> bool {
    use ComponentKind::*;
    matches!(kind, Database | Cache | Bucket | Secret | Parameter | Key)
}

/// Every data component's block and key, in spec order.
pub fn data_component_keys(spec: &StackSpec) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |block: &'static str, names: Vec<&String>| {
        out.extend(names.into_iter().map(|n| (block, n.clone())));
    };
    add("databases", spec.databases.keys().collect());
    add("caches", spec.caches.keys().collect());
    add("buckets", spec.buckets.keys().collect());
    add("secrets", spec.secrets.keys().collect());
    add("parameters", spec.parameters.keys().collect());
    add("keys", spec.keys.keys().collect());
    out
}

/// The components a service may name in `connects_to`, with their kind.
pub fn component_names(spec: &StackSpec) -> Vec<(String, ComponentKind)> {
    let others = spec
        .queues
        .keys()
        .map(|n| (n.clone(), ComponentKind::Queue))
        .chain(
            spec.topics
                .keys()
                .map(|n| (n.clone(), ComponentKind::Topic)),
        )
        .chain(
            spec.user_pools
                .keys()
                .map(|n| (n.clone(), ComponentKind::UserPool)),
        );
    data_component_keys(spec)
        .into_iter()
        .map(|(block, name)| {
            let kind = match block {
                "databases" => ComponentKind::Database,
                "caches" => ComponentKind::Cache,
                "buckets" => ComponentKind::Bucket,
                "secrets" => ComponentKind::Secret,
                "parameters" => ComponentKind::Parameter,
                _ => ComponentKind::Key,
            };
            (name, kind)
        })
        .chain(others)
        .collect()
}

/// Lowercase letters, digits and hyphens, starting with a letter, not ending
/// with a hyphen: safe in every AWS name archgen derives from it.
pub fn is_name(s: &str, max: usize) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && s.len() <= max
}
