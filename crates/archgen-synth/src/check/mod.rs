//! Semantic rules over a resolved stack. Each rule has an id (`NET003`) and
//! every diagnostic says how to fix what it reports. All rules run, so the
//! user sees every problem at once.

// Rules read user input: index and slice only with checked methods, so no
// input can panic (`string_slice` is on crate-wide in Cargo.toml).
// Unit tests index freely: a panic there is a failing test.
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod api;
pub mod app;
pub mod audit;
pub mod backup;
pub mod checked;
pub mod ci;
pub mod data;
pub mod deployment;
pub mod edge;
pub mod health_check;
pub mod identity;
pub mod log_archive;
pub mod log_pattern;
pub mod messaging;
pub mod monitoring;
pub mod names;
pub mod network;
pub mod values;
pub mod wiring;

pub use checked::{CacheValues, CheckedStack, DatabaseValues, SubnetPlan};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::kinds::Kind;
use crate::spec::{ResolvedStack, StackSpec};

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

/// Runs every rule on `stack`; the stack comes back checked, with the values
/// the rules parsed and its warnings, only when no rule failed (the
/// warnings then come with the errors).
pub fn check_stack(stack: ResolvedStack) -> Result<CheckedStack, Vec<Diagnostic>> {
    let (diagnostics, values) = rules(&stack);
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(diagnostics)
    } else {
        Ok(CheckedStack::new(stack, values, diagnostics))
    }
}

fn rules(stack: &ResolvedStack) -> (Vec<Diagnostic>, checked::Values) {
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
    let mut subnets = SubnetPlan::new();
    if let Some(net) = &spec.network {
        let (network_diagnostics, plan) = network::check(stack, net);
        // A network used through `network_from:` is reported in its own stack.
        if net.imported_from.is_none() {
            out.extend(network_diagnostics);
        }
        subnets = plan;
    }
    out.extend(app::check(stack));
    out.extend(deployment::check(stack));
    out.extend(api::check(stack));
    let (data_diagnostics, data) = data::check(stack);
    out.extend(data_diagnostics);
    out.extend(monitoring::check(stack));
    out.extend(backup::check(stack));
    out.extend(audit::check(stack));
    out.extend(log_archive::check(stack));
    out.extend(messaging::check(stack));
    out.extend(identity::check(stack));
    out.extend(ci::check(stack));
    for kind in crate::kinds::KINDS {
        out.extend(kind.check(stack));
    }
    out.extend(unique_component_names(stack));
    out.extend(edge::check(stack));
    out.extend(names::check(stack));
    (out, checked::Values::read(spec, subnets, data))
}

/// Component keys are names in `connects_to`, alarms, logical ids and
/// physical names: unique across every component block.
fn unique_component_names(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: Vec<(&String, &'static dyn Kind)> = Vec::new();
    // In the order they are written, so "first used here" is the first.
    let mut all = crate::kinds::components(&stack.spec);
    all.sort_by_key(|(name, kind)| {
        let at = stack.locate(&format!("{}.{name}", kind.block()));
        (at.line, at.column)
    });
    for (name, kind) in all {
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            out.push(
                stack
                    .name_clash(
                        Code::App026,
                        &format!("{}.{name}", kind.block()),
                        &format!("{}.{name}", first.block()),
                        format!(
                            "'{name}' is already a component name (under {}:)",
                            first.block()
                        ),
                    )
                    .help("give every component its own name: connections and alarms refer to it by name"),
            );
        }
        seen.push((name, kind));
    }
    out
}

/// Every component a workload may name in `connects_to`, with its kind:
/// the stack's own and those it imports from other stacks (`data.db`).
pub fn connectable(spec: &StackSpec) -> std::collections::BTreeMap<String, &'static dyn Kind> {
    crate::kinds::components(spec)
        .into_iter()
        .filter(|(_, kind)| kind.role().connectable())
        .map(|(name, kind)| (name.clone(), kind))
        .chain(spec.imports.iter().map(|(k, kind)| (k.clone(), *kind)))
        .collect()
}

/// `tier` names no tier of the network: the error for `field`, with `help`
/// saying which kinds of tier fit.
pub fn unknown_tier(
    stack: &ResolvedStack,
    code: Code,
    field: &str,
    tier: &Option<String>,
    help: &str,
) -> Option<Diagnostic> {
    let tier = tier.as_ref()?;
    let tiers = &stack.spec.network.as_ref()?.tiers;
    let names = || tiers.keys().map(String::as_str);
    (!tiers.contains_key(tier)).then(|| {
        let help = match did_you_mean(tier, names()) {
            Some(t) => format!("did you mean '{t}'? ({help})"),
            None => format!(
                "{help}; tiers: {}",
                crate::diagnostic::nearest_names(tier, names())
            ),
        };
        stack
            .error(code, field, format!("there is no tier '{tier}'"))
            .help(help)
    })
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
