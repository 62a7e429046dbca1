//! Rules for a service's `deployment:`: a strategy that shifts traffic has
//! a listener rule of its own to shift it on (APP056), and its timing and
//! percentages are within what ECS and CloudFormation accept (APP057).

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::app::{DeploymentSpec, DeploymentStrategy, ServiceSpec};

/// CloudFormation refuses a canary or linear deployment whose bake times
/// add up to more than 33 hours (its handler times out at 36).
const MAX_TOTAL_MINUTES: u64 = 33 * 60;
/// ECS's defaults, which count towards that total when not given.
const DEFAULT_BAKE: u32 = 15;
const DEFAULT_CANARY_BAKE: u32 = 10;
const DEFAULT_STEP_BAKE: u32 = 6;
const DEFAULT_STEP_PERCENT: f64 = 10.0;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, s) in stack.spec.services.iter() {
        if let Some(d) = &s.deployment {
            out.extend(check_service(stack, key, s, d));
        }
    }
    out
}

fn check_service(
    stack: &ResolvedStack,
    key: &str,
    s: &ServiceSpec,
    d: &DeploymentSpec,
) -> Vec<Diagnostic> {
    let base = format!("services.{key}.deployment");
    let mut out = Vec::new();
    let has_rule = s
        .route
        .as_ref()
        .is_some_and(|r| !r.paths.is_empty() || !r.hosts.is_empty());
    if d.strategy.shifts_traffic() && (!has_rule || stack.spec.load_balancer.is_none()) {
        out.push(
            stack
                .error(
                    Code::App056,
                    &format!("{base}.strategy"),
                    format!(
                        "a {} deployment shifts traffic on the service's listener rule; service '{key}' has none",
                        strategy_name(d.strategy)
                    ),
                )
                .help("route it through the load balancer with its own rule, e.g. route: { paths: [\"/*\"], priority: 100 } (the listener's default action is not a rule ECS can shift)"),
        );
    }
    let mut range = |field: &str, ok: bool, what: String, help: &str| {
        if !ok {
            let at = match field {
                "" => base.clone(),
                f => format!("{base}.{f}"),
            };
            out.push(stack.error(Code::App057, &at, what).help(help.to_string()));
        }
    };
    let minutes_ok = |m: Option<u32>| m.is_none_or(|m| m <= 1440);
    range(
        "bake_minutes",
        minutes_ok(d.bake_minutes),
        format!(
            "{} minutes is more than ECS's bake time of 1440",
            d.bake_minutes.unwrap_or(0)
        ),
        "give 0 to 1440 minutes (24 hours)",
    );
    let canary = d.strategy == DeploymentStrategy::Canary;
    let linear = d.strategy == DeploymentStrategy::Linear;
    // Each strategy's own settings are refused under another strategy.
    for (field, set, applies) in [
        (
            "canary_bake_minutes",
            d.canary_bake_minutes.is_some(),
            canary,
        ),
        ("step_bake_minutes", d.step_bake_minutes.is_some(), linear),
        ("canary_percent", d.canary_percent.is_some(), canary),
        ("step_percent", d.step_percent.is_some(), linear),
    ] {
        range(
            field,
            !set || applies,
            format!(
                "'{field}' does not apply to a {} deployment",
                strategy_name(d.strategy)
            ),
            "remove it, or choose the strategy it belongs to",
        );
    }
    for (field, value) in [
        ("canary_bake_minutes", d.canary_bake_minutes),
        ("step_bake_minutes", d.step_bake_minutes),
    ] {
        range(
            field,
            minutes_ok(value),
            format!("{} minutes is more than ECS's 1440", value.unwrap_or(0)),
            "give 0 to 1440 minutes (24 hours)",
        );
    }
    for (field, value, low) in [
        ("canary_percent", d.canary_percent, 0.1),
        ("step_percent", d.step_percent, 3.0),
    ] {
        if let Some(p) = value {
            range(
                field,
                is_tenth(p) && (low..=100.0).contains(&p),
                format!("{p} is not a percentage ECS shifts"),
                &format!("give a multiple of 0.1 from {low} to 100"),
            );
        }
    }
    let bake = u64::from(d.bake_minutes.unwrap_or(DEFAULT_BAKE));
    let total = match d.strategy {
        DeploymentStrategy::Canary => {
            bake + u64::from(d.canary_bake_minutes.unwrap_or(DEFAULT_CANARY_BAKE))
        }
        DeploymentStrategy::Linear => {
            let step = d.step_percent.unwrap_or(DEFAULT_STEP_PERCENT);
            bake + u64::from(d.step_bake_minutes.unwrap_or(DEFAULT_STEP_BAKE)) * linear_steps(step)
        }
        _ => 0,
    };
    range(
        "",
        total <= MAX_TOTAL_MINUTES,
        format!(
            "the bake times add up to {total} minutes; CloudFormation refuses more than {MAX_TOTAL_MINUTES} (33 hours)"
        ),
        "shorten the bake times or shift in fewer steps",
    );
    out
}

/// CloudFormation's count of linear steps that wait: (100 / step) - 1 when
/// the step divides 100, else its floor.
fn linear_steps(step: f64) -> u64 {
    if !(3.0..=100.0).contains(&step) {
        return 0;
    }
    let n = 100.0 / step;
    // Truncation is the rule here: 100 / 11 gives 9 steps.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let floor = n.floor() as u64;
    if (n - n.round()).abs() < 1e-9 {
        floor.saturating_sub(1)
    } else {
        floor
    }
}

/// A multiple of 0.1, as ECS takes percentages.
fn is_tenth(p: f64) -> bool {
    p.is_finite() && ((p * 10.0) - (p * 10.0).round()).abs() < 1e-6
}

fn strategy_name(s: DeploymentStrategy) -> &'static str {
    match s {
        DeploymentStrategy::Rolling => "rolling",
        DeploymentStrategy::BlueGreen => "blue/green",
        DeploymentStrategy::Canary => "canary",
        DeploymentStrategy::Linear => "linear",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_steps_follow_cloudformations_count() {
        assert_eq!(linear_steps(50.0), 1);
        assert_eq!(linear_steps(10.0), 9);
        assert_eq!(linear_steps(11.0), 9);
        assert_eq!(linear_steps(3.0), 33);
    }
}
