//! The four commands, written against the [`super::cfn`] traits and a
//! [`super::console::Console`], so their logic runs on fakes in tests.

pub mod bootstrap;
pub mod delete;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod drift;
pub mod recover;
pub mod select;
pub mod status;

use serde_json::Value;
use std::time::Duration;

use archgen_synth::manifest::StackEntry;
use archgen_synth::synth::Synthesis;

use super::aws::stack_region;
use super::error::Error;

/// One stack to act on, with its synthesized template.
#[derive(Debug, Clone)]
pub struct Target {
    pub entry: StackEntry,
    pub region: String,
    pub body: String,
    pub template: Value,
}

/// Settings shared by all commands.
#[derive(Debug, Clone)]
pub struct Env {
    pub name: String,
    /// Delay between polls of CloudFormation.
    pub poll: Duration,
    /// How long to wait for a stack that another operation is changing
    /// (`--wait-timeout`); zero refuses at once.
    pub wait_timeout: Duration,
}

/// The stack once no other operation is changing it. A busy stack is
/// waited for (saying so, up to `env.wait_timeout`), then re-read; Ctrl-C
/// stops the wait. Returns the settled stack, or None when it is gone.
pub async fn settled<C: super::cfn::CloudFormation>(
    cfn: &C,
    console: &mut dyn super::console::Console,
    env: &Env,
    name: &str,
) -> Result<Option<super::model::StackInfo>, Error> {
    let started = std::time::Instant::now();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut announced = false;
    loop {
        let stack = cfn.describe_stack(name).await?;
        let super::state::StackState::Busy(status) = super::state::classify(stack.as_ref()) else {
            if announced {
                console.clear_status();
                console.line(&format!("stack {name} is free again"));
            }
            return Ok(stack);
        };
        if started.elapsed() >= env.wait_timeout {
            let waited = if env.wait_timeout.is_zero() {
                String::new()
            } else {
                format!(
                    " It was still {status} after --wait-timeout {} s.",
                    env.wait_timeout.as_secs()
                )
            };
            return Err(Error::Refused(format!(
                "stack {name} is busy ({status}): another operation is running.{waited} Wait for \
                 it to finish (follow it with `archgen status --env {}`), or raise \
                 --wait-timeout.",
                env.name
            )));
        }
        if !announced {
            console.line(&format!(
                "stack {name} is busy ({status}): waiting for the other operation to finish \
                 (up to {} s, --wait-timeout)",
                env.wait_timeout.as_secs()
            ));
            announced = true;
        }
        console.status(&format!(
            "waiting for stack {name} ({status})  {}",
            super::progress::clock(started.elapsed())
        ));
        tokio::select! {
            _ = tokio::time::sleep(env.poll) => {}
            _ = &mut ctrl_c => {
                console.clear_status();
                return Err(Error::Interrupted(format!(
                    "stopped waiting for stack {name}, which is still {status}; nothing was changed"
                )));
            }
        }
    }
}

/// The stacks of the synthesis in deployment order, with their regions.
pub fn targets(synthesis: &Synthesis, region: Option<&str>) -> Result<Vec<Target>, Error> {
    synthesis
        .manifest
        .stacks
        .iter()
        .map(|entry| {
            let template = synthesis.template(&entry.name).ok_or_else(|| {
                Error::Failed(format!(
                    "no template was synthesized for stack {}",
                    entry.name
                ))
            })?;
            let body = template.to_json_compact();
            let value = serde_json::from_str(&body).map_err(|e| {
                Error::Failed(format!(
                    "the template of stack {} is not JSON: {e}",
                    entry.name
                ))
            })?;
            Ok(Target {
                region: stack_region(&synthesis.manifest, &entry.stack_name, region)?.to_string(),
                entry: entry.clone(),
                body,
                template: value,
            })
        })
        .collect()
}

/// `<app>-<env>-`: what the CloudFormation names of the environment's stacks
/// start with (`shop-prod-data` is spec stack `data`).
pub fn stack_prefix(target: &Target) -> &str {
    target
        .entry
        .stack_name
        .strip_suffix(target.entry.name.as_str())
        .unwrap_or("")
}

/// The export guard (see [`crate::exports`]) for an update of `target`.
pub async fn guard_exports<C: super::cfn::CloudFormation>(
    cfn: &C,
    env: &Env,
    target: &Target,
) -> Result<(), Error> {
    let name = &target.entry.stack_name;
    let Some(deployed) = parse_template(&cfn.get_template(name).await?) else {
        return Ok(());
    };
    super::exports::guard(
        cfn,
        name,
        &env.name,
        stack_prefix(target),
        &deployed,
        &target.template,
    )
    .await
}

/// The resources of a template as Add changes, for stacks that do not exist
/// yet (no change set can be made without creating the stack).
pub fn planned_creation(template: &Value) -> Vec<super::model::ResourceChange> {
    template
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(id, r)| super::model::ResourceChange {
            action: "Add".into(),
            logical_resource_id: id.clone(),
            resource_type: r
                .get("Type")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
            ..Default::default()
        })
        .collect()
}

/// A deployed template, when it is JSON (archgen writes JSON; anything else
/// counts as unknown and risk checks fall back to caution).
pub fn parse_template(body: &str) -> Option<Value> {
    serde_json::from_str(body).ok()
}

/// A change set for `target`: its stack, a fresh name, and the stack tags
/// from the manifest.
pub fn change_set_request(
    target: &Target,
    create: bool,
    template: crate::model::TemplateSource,
    parameters: Vec<(String, String)>,
    capabilities: Vec<String>,
) -> crate::model::ChangeSetRequest {
    crate::model::ChangeSetRequest {
        stack_name: target.entry.stack_name.clone(),
        change_set_name: crate::changeset::change_set_name(),
        create,
        template,
        parameters,
        capabilities,
        tags: target
            .entry
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        description: "created by archgen".into(),
        role_arn: None,
    }
}
