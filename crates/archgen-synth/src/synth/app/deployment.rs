//! `deployment:` of a service: ECS's native blue/green, canary and linear
//! deployments. The route's listener rule forwards to two target groups
//! (the live one weighted 1, the alternate 0); ECS starts the new revision
//! in the alternate group, shifts the weights on that production rule as
//! the strategy says, waits the bake time and rolls back when one of the
//! service's alarms fires. ECS changes the weights itself through a role
//! it assumes for the load balancer.

use super::super::Ctx;
use crate::naming::pascal;
use crate::spec::app::{DeploymentSpec, DeploymentStrategy};
use crate::template::ecs::service::{
    AdvancedConfiguration, CanaryConfiguration, DeploymentAlarms, DeploymentConfiguration,
    LinearConfiguration,
};
use crate::template::elasticloadbalancingv2::listener_rule::{
    Action, ForwardConfig, TargetGroupTuple,
};
use crate::template::iam::{PolicyDocument, Role};
use crate::template::{Expr, Template};

pub fn alternate_target_group_id(key: &str) -> String {
    format!("{}AlternateTargetGroup", pascal(key))
}

pub fn role_id(key: &str) -> String {
    format!("{}DeploymentRole", pascal(key))
}

/// The service's deployment, if it shifts traffic between target groups.
pub fn shifting(deployment: Option<&DeploymentSpec>) -> Option<&DeploymentSpec> {
    deployment.filter(|d| d.strategy.shifts_traffic())
}

/// The production rule's action: both target groups, all traffic on the
/// live one. ECS moves the weights during a deployment.
pub fn forward_to_both(primary: Expr, alternate: Expr) -> Action {
    Action {
        r#type: "forward".into(),
        forward_config: Some(ForwardConfig {
            target_groups: Some(vec![
                TargetGroupTuple {
                    target_group_arn: Some(primary),
                    weight: Some(1.into()),
                },
                TargetGroupTuple {
                    target_group_arn: Some(alternate),
                    weight: Some(0.into()),
                },
            ]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The role ECS assumes to register tasks in the target groups and move
/// the production rule's weights: AWS's managed policy for exactly that
/// (it can change only listener rules and target groups, and is kept up to
/// date by AWS as ECS needs more).
pub fn role(t: &mut Template, ctx: &Ctx, key: &str) {
    t.add(
        role_id(key),
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("ecs.amazonaws.com").into(),
            description: Some(
                format!("ECS shifts traffic between the target groups of service {key} during a deployment")
                    .into(),
            ),
            managed_policy_arns: Some(vec![Expr::sub(
                "arn:${AWS::Partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
            )]),
            tags: Some(ctx.named(&format!("{key}-deployment"))),
            ..Default::default()
        },
    );
}

/// What the service's load balancer entry adds for the shift.
pub fn advanced(key: &str, production_rule: &str) -> AdvancedConfiguration {
    AdvancedConfiguration {
        alternate_target_group_arn: Expr::r#ref(alternate_target_group_id(key)),
        production_listener_rule: Some(Expr::r#ref(production_rule)),
        role_arn: Some(Expr::get_att(role_id(key), "Arn")),
        test_listener_rule: None,
    }
}

/// The strategy, its timing and the alarms that roll it back, onto the
/// service's rolling settings (kept: ECS ignores them for other strategies).
pub fn configure(ctx: &Ctx, key: &str, d: &DeploymentSpec, c: &mut DeploymentConfiguration) {
    c.strategy = Some(d.strategy.as_ecs().into());
    c.bake_time_in_minutes = d.bake_minutes.map(Expr::from);
    match d.strategy {
        DeploymentStrategy::Canary => {
            c.canary_configuration = Some(CanaryConfiguration {
                canary_percent: d.canary_percent.map(Expr::from),
                canary_bake_time_in_minutes: d.canary_bake_minutes.map(Expr::from),
            });
        }
        DeploymentStrategy::Linear => {
            c.linear_configuration = Some(LinearConfiguration {
                step_percent: d.step_percent.map(Expr::from),
                step_bake_time_in_minutes: d.step_bake_minutes.map(Expr::from),
            });
        }
        DeploymentStrategy::Rolling | DeploymentStrategy::BlueGreen => {}
    }
    let alarms: Vec<Expr> = ctx
        .spec
        .alarms
        .iter()
        .filter(|(_, a)| a.on == key)
        .map(|(name, _)| ctx.names.physical(name).into())
        .collect();
    if d.rollback_on_alarms && !alarms.is_empty() {
        c.alarms = Some(DeploymentAlarms {
            alarm_names: alarms,
            enable: true.into(),
            rollback: true.into(),
        });
    }
}
