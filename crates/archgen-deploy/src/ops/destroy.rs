//! `archgen destroy`: deletes the environment's stacks in reverse order,
//! each after its name is typed back, and lists what CloudFormation keeps.

use serde_json::Value;

use super::{Env, Target, delete, parse_template};
use crate::cfn::{Cloud, CloudFormation};
use crate::console::Console;
use crate::error::Error;
use crate::model::StackResource;
use crate::watch::ProgressMode;

#[derive(Debug, Clone, Copy, Default)]
pub struct DestroyOptions {
    /// Skip the typed confirmation.
    pub yes: bool,
    /// Turn termination protection off before deleting.
    pub disable_termination_protection: bool,
    pub progress: ProgressMode,
}

pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    opts: DestroyOptions,
) -> Result<(), Error> {
    crate::preflight::check_account(cloud, &env.name, targets).await?;
    for target in targets.iter().rev() {
        let cfn = cloud.cloudformation(&target.region);
        destroy_stack(&cfn, console, env, target, opts).await?;
    }
    Ok(())
}

async fn destroy_stack<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    env: &Env,
    target: &Target,
    opts: DestroyOptions,
) -> Result<(), Error> {
    let name = target.entry.stack_name.as_str();
    let region = target.region.as_str();
    let Some(stack) = super::settled(cfn, console, env, name).await? else {
        console.line(&format!(
            "stack {name} ({region}) does not exist: nothing to delete"
        ));
        return Ok(());
    };
    if stack.enable_termination_protection && !opts.disable_termination_protection {
        return Err(Error::Refused(format!(
            "stack {name} has termination protection on, so it was not deleted. If it really must \
             go, run again with --disable-termination-protection."
        )));
    }
    if !opts.yes {
        if !console.interactive() {
            return Err(Error::Refused(format!(
                "refusing to delete stack {name} without confirmation: there is no terminal to type \
                 its name on. Pass --yes to delete without asking."
            )));
        }
        let answer = console.ask(&format!(
            "This deletes stack {name} ({region}) and the resources it holds.\nType the stack name to confirm: "
        ));
        if console.interrupted() {
            return Err(Error::Interrupted(format!(
                "Ctrl-C at the prompt: stack {name} was not deleted"
            )));
        }
        if answer.as_deref().map(str::trim) != Some(name) {
            return Err(Error::Refused(format!(
                "stack {name} was not deleted: the name typed did not match"
            )));
        }
    }
    // Read what will survive (and how much there is to delete, for the
    // progress line) before it is too late to ask.
    let resources = cfn.list_stack_resources(name).await.unwrap_or_default();
    let kept = retained(cfn, name, &resources).await;
    if stack.enable_termination_protection {
        cfn.set_termination_protection(name, false).await?;
        console.line(&format!("termination protection turned off on {name}"));
    }
    console.line(&format!("deleting stack {name} ({region})"));
    if !delete::delete_and_watch(cfn, console, env, name, resources.len(), opts.progress).await? {
        return Err(Error::Interrupted(format!(
            "stopped watching; CloudFormation carries on deleting stack {name}. \
             Follow it with: archgen status --env {}",
            env.name
        )));
    }
    console.line(&format!("deleted stack {name}"));
    if !kept.is_empty() {
        console.line("retained by their DeletionPolicy (they still exist; delete them by hand when no longer needed):");
        for (r, policy) in &kept {
            console.line(&format!(
                "  {} ({}) {}  [{policy}]",
                r.logical_resource_id,
                r.resource_type,
                r.physical_resource_id.as_deref().unwrap_or("-")
            ));
        }
    }
    Ok(())
}

/// Resources that exist and whose DeletionPolicy keeps them (Retain) or
/// keeps a snapshot of them (Snapshot).
async fn retained<C: CloudFormation>(
    cfn: &C,
    name: &str,
    resources: &[StackResource],
) -> Vec<(StackResource, String)> {
    let Some(template) = cfn
        .get_template(name)
        .await
        .ok()
        .as_deref()
        .and_then(parse_template)
    else {
        return Vec::new();
    };
    retained_in(&template, resources)
}

pub fn retained_in(template: &Value, resources: &[StackResource]) -> Vec<(StackResource, String)> {
    resources
        .iter()
        .filter(|r| r.physical_resource_id.is_some() && r.resource_status != "DELETE_COMPLETE")
        .filter_map(|r| {
            let policy = template
                .get("Resources")?
                .get(&r.logical_resource_id)?
                .get("DeletionPolicy")?
                .as_str()?;
            match policy {
                "Retain" | "RetainExceptOnCreate" => Some((r.clone(), policy.to_string())),
                "Snapshot" => Some((
                    r.clone(),
                    "Snapshot: the resource goes, a final snapshot stays".to_string(),
                )),
                _ => None,
            }
        })
        .collect()
}
