//! `--stack NAME`: deploy, diff or destroy one stack of the environment.
//! The stacks it uses must be deployed already (their outputs feed its
//! parameters, their exports its imports); a stack the others use cannot be
//! destroyed while one of them is deployed.

use super::{Env, Target};
use crate::cfn::{Cloud, CloudFormation};
use crate::error::Error;
use crate::outputs::KnownOutputs;
use archgen_synth::diagnostic::{did_you_mean, nearest_names};

/// The stacks a command acts on, and the rest of the environment.
#[derive(Debug, Clone)]
pub struct Selection {
    pub targets: Vec<Target>,
    pub others: Vec<Target>,
}

/// Every stack (in manifest order), or only `stack`, named by its spec name
/// (`data`) or its CloudFormation name (`shop-prod-data`).
pub fn select(all: Vec<Target>, stack: Option<&str>) -> Result<Selection, Error> {
    let Some(wanted) = stack else {
        return Ok(Selection {
            targets: all,
            others: Vec::new(),
        });
    };
    let (targets, others): (Vec<Target>, Vec<Target>) = all
        .into_iter()
        .partition(|t| t.entry.name == wanted || t.entry.stack_name == wanted);
    if targets.is_empty() {
        let names = || others.iter().map(|t| t.entry.name.as_str());
        let hint = did_you_mean(wanted, names())
            .map(|s| format!(" Did you mean '{s}'?"))
            .unwrap_or_default();
        return Err(Error::usage(format!(
            "--stack {wanted}: there is no such stack in this environment.{hint} Stacks: {}",
            nearest_names(wanted, names())
        )));
    }
    Ok(Selection { targets, others })
}

/// For deploy and diff: every stack the selected ones use (`depends_on`)
/// that this run does not handle must be deployed; returns their outputs,
/// which feed the selected stacks' parameters.
pub async fn deployed_dependencies<K: Cloud>(
    cloud: &K,
    env: &Env,
    selection: &Selection,
) -> Result<KnownOutputs, Error> {
    let mut known = KnownOutputs::new();
    for target in &selection.targets {
        for dep in &target.entry.depends_on {
            let Some(used) = selection.others.iter().find(|o| &o.entry.name == dep) else {
                continue;
            };
            let cfn = cloud.cloudformation(&used.region);
            let deployed = cfn
                .describe_stack(&used.entry.stack_name)
                .await?
                .filter(|s| crate::state::classify(Some(s)) == crate::state::StackState::Updatable);
            let Some(stack) = deployed else {
                return Err(Error::Refused(format!(
                    "stack {} uses stack '{dep}' ({}, {}), which is not deployed (or not in a \
                     state to be used): deploy it first with `archgen deploy --env {} --stack {dep}`, \
                     or deploy the whole environment in order with `archgen deploy --env {}`",
                    target.entry.stack_name, used.entry.stack_name, used.region, env.name, env.name
                )));
            };
            known.insert(dep.clone(), stack.outputs);
        }
    }
    Ok(known)
}

/// For destroy: no deployed stack outside this run may use a selected one.
pub async fn no_deployed_dependents<K: Cloud>(
    cloud: &K,
    env: &Env,
    selection: &Selection,
) -> Result<(), Error> {
    for target in &selection.targets {
        for user in selection
            .others
            .iter()
            .filter(|o| o.entry.depends_on.contains(&target.entry.name))
        {
            let cfn = cloud.cloudformation(&user.region);
            if cfn.describe_stack(&user.entry.stack_name).await?.is_some() {
                return Err(Error::Refused(format!(
                    "stack {} is used by stack '{}' ({}), which is deployed: it imports from \
                     it, and CloudFormation refuses to delete an export in use. Destroy '{}' \
                     first (`archgen destroy --env {} --stack {}`), or the whole environment \
                     (`archgen destroy --env {}` deletes in reverse order)",
                    target.entry.stack_name,
                    user.entry.name,
                    user.entry.stack_name,
                    user.entry.name,
                    env.name,
                    user.entry.name,
                    env.name
                )));
            }
        }
    }
    Ok(())
}
