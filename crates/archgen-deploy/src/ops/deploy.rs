//! `archgen deploy`: one change set per stack, in dependency order, each
//! shown, guarded, approved, executed and followed to the end.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use super::{Env, Target, change_set_request, delete, parse_template};
use crate::approval::{self, ApprovalFlags, Decision};
use crate::cfn::{Cloud, CloudFormation};
use crate::changeset::{self, Prepared};
use crate::console::{Console, confirm};
use crate::error::Error;
use crate::events::EventRange;
use crate::model::{StackInfo, StackOutput};
use crate::outputs::{self, KnownOutputs};
use crate::progress::clock;
use crate::state::{self, StackState};
use crate::watch::{self, Outcome, ProgressMode, Watch};
use crate::{bootstrap, capabilities, events, preflight, risk, table, upload};

/// When the change sets run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Execution {
    /// Create, approve and execute in one go.
    #[default]
    Now,
    /// `--no-execute`: create the change sets under this name, show them,
    /// and keep them for review.
    Prepare(String),
    /// `--execute`: run the change sets kept under this name, once checked
    /// to be still what the spec says.
    Prepared(String),
}

#[derive(Debug, Clone, Default)]
pub struct DeployOptions {
    pub execution: Execution,
    pub approval: ApprovalFlags,
    pub artifact_bucket: Option<String>,
    /// The role CloudFormation changes the resources with.
    pub cloudformation_role: Option<String>,
    pub progress: ProgressMode,
    pub outputs_file: Option<PathBuf>,
    /// Delete and recreate a stack whose first creation failed.
    pub recreate: bool,
    /// Leave a failed deploy as it failed, without rolling back.
    pub no_rollback: bool,
    /// Outputs of deployed stacks this run does not deploy (`--stack`),
    /// by spec name: they feed the parameters of the stacks it does.
    pub dependencies: KnownOutputs,
}

pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    opts: &DeployOptions,
) -> Result<(), Error> {
    let may_recreate = opts.recreate || console.interactive();
    preflight::run(
        cloud,
        console,
        targets,
        preflight::Checks {
            env,
            artifact_bucket: opts.artifact_bucket.as_deref(),
            outputs_file: opts.outputs_file.as_deref(),
            may_recreate,
            preparing: matches!(opts.execution, Execution::Prepare(_)),
        },
    )
    .await?;
    let mut known = opts.dependencies.clone();
    let mut by_stack_name = BTreeMap::new();
    for target in targets {
        let cfn = cloud.cloudformation(&target.region);
        let store = cloud.artifacts(&target.region);
        let outputs = deploy_stack(&cfn, &store, console, env, target, &known, opts).await?;
        by_stack_name.insert(target.entry.stack_name.clone(), outputs.clone());
        known.insert(target.entry.name.clone(), outputs);
    }
    if let Some(path) = &opts.outputs_file {
        outputs::write_file(path, &by_stack_name)?;
        console.line(&format!("outputs written to {}", path.display()));
    }
    Ok(())
}

/// Deploys one stack; returns its outputs.
async fn deploy_stack<C: CloudFormation, S: crate::cfn::ArtifactStore>(
    cfn: &C,
    store: &S,
    console: &mut dyn Console,
    env: &Env,
    target: &Target,
    known: &KnownOutputs,
    opts: &DeployOptions,
) -> Result<Vec<StackOutput>, Error> {
    let name = target.entry.stack_name.as_str();
    let region = target.region.as_str();
    console.line(&format!("==> stack {name} ({region})"));
    let mut current = super::settled(cfn, console, env, name).await?;
    let mut st = state::classify(current.as_ref());
    if let StackState::FailedCreate(status) = &st {
        let asked = !opts.recreate
            && console.interactive()
            && confirm(
                console,
                &format!(
                    "stack {name} is in {status} after a failed creation. Delete it and create it again?"
                ),
            )
            .ok_or_else(|| {
                Error::Interrupted(format!(
                    "Ctrl-C at the prompt: nothing was changed; stack {name} is still in {status}"
                ))
            })?;
        if !(opts.recreate || asked) {
            return Err(Error::Refused(
                state::explain(&st, name, region, &env.name, "deploy").unwrap_or_default(),
            ));
        }
        recreate(cfn, console, env, name, opts.progress).await?;
        current = None;
        st = StackState::Missing;
    }
    if let Some(msg) = state::explain(&st, name, region, &env.name, "deploy") {
        return Err(Error::Refused(msg));
    }
    let create = st == StackState::Missing;
    if !create {
        super::guard_exports(cfn, env, target).await?;
    }

    let parameters = outputs::parameters(&target.entry, known)?;
    let digest = changeset::digest(&target.body, &parameters);
    let made = match &opts.execution {
        Execution::Prepared(kept) => match kept_change_set(cfn, target, kept, &digest).await? {
            Some(info) => Prepared::Ready(info),
            None => Prepared::NoChanges,
        },
        _ => {
            let bucket =
                bootstrap::artifact_bucket(cfn, target, opts.artifact_bucket.as_deref()).await;
            let source =
                upload::prepare(store, &target.body, name, region, bucket.as_deref()).await?;
            let validated = cfn.validate_template(&source).await.map_err(|e| {
                e.context(format!(
                    "CloudFormation rejected the template of stack {name}"
                ))
            })?;
            let mut request = change_set_request(
                target,
                create,
                source,
                parameters,
                capabilities::merge(
                    validated.into_iter(),
                    capabilities::required(&target.template).into_iter(),
                ),
            );
            request.description = digest;
            request.role_arn = opts.cloudformation_role.clone();
            if let Execution::Prepare(kept) = &opts.execution {
                // Preparing again replaces what an earlier run kept.
                let _ = cfn.delete_change_set(name, kept).await;
                request.change_set_name = kept.clone();
            }
            let made = changeset::create(cfn, &request, env.poll).await;
            if create && made.is_err() {
                // A rejected CREATE change set still leaves its empty stack behind.
                remove_empty_stack(cfn, console, name).await;
            }
            made?
        }
    };
    let info = match made {
        Prepared::NoChanges => {
            console.line(&format!("no changes: stack {name} is up to date"));
            ensure_protection(cfn, console, target, current.as_ref()).await?;
            return Ok(current.map(|s| s.outputs).unwrap_or_default());
        }
        Prepared::Ready(info) => info,
    };
    let cs = info.change_set_id.clone();
    let changes: Vec<_> = info
        .changes
        .iter()
        .map(|c| c.resource_change.clone())
        .collect();
    let old = if create {
        None
    } else {
        cfn.get_template(name)
            .await
            .ok()
            .as_deref()
            .and_then(parse_template)
    };
    let risks = risk::assess(&changes, &target.template, old.as_ref());
    console.line(&format!(
        "{} change(s) to {} stack {name}:",
        changes.len(),
        if create { "create" } else { "update" }
    ));
    console.line(&table::render(&changes, &risks));

    if let Execution::Prepare(kept) = &opts.execution {
        // The destructive guard speaks now, so the review sees it; approval
        // is given when the change set runs.
        let guard = ApprovalFlags {
            mode: approval::ApprovalMode::Never,
            ..opts.approval
        };
        if let Decision::Refuse(msg) = approval::decide(&risks, changes.len(), guard) {
            let _ = cfn.delete_change_set(name, &cs).await;
            if create {
                remove_empty_stack(cfn, console, name).await;
            }
            return Err(Error::Refused(msg));
        }
        console.line(&format!(
            "change set {kept} of stack {name} is kept for review; run it with: archgen deploy \
             --env {} --execute --change-set {kept}",
            env.name
        ));
        return Ok(current.map(|s| s.outputs).unwrap_or_default());
    }
    let flags = ApprovalFlags {
        interactive: console.interactive(),
        ..opts.approval
    };
    let refusal = match approval::decide(&risks, changes.len(), flags) {
        Decision::Proceed => None,
        Decision::Refuse(msg) => Some(Error::Refused(msg)),
        Decision::Ask(why) => match confirm(
            console,
            &format!("Approval needed for {why}. Deploy these changes?"),
        ) {
            Some(true) => None,
            Some(false) => Some(Error::Refused(
                "deploy cancelled: nothing was changed".to_string(),
            )),
            None => Some(Error::Interrupted(format!(
                "Ctrl-C at the approval prompt: the change set of stack {name} was not executed \
                 and nothing was changed"
            ))),
        },
    };
    if let Some(error) = refusal {
        // A change set kept by --no-execute stays for another try.
        if !matches!(opts.execution, Execution::Prepared(_)) {
            let _ = cfn.delete_change_set(name, &cs).await;
            if create {
                remove_empty_stack(cfn, console, name).await;
            }
        }
        return Err(error);
    }

    let last_seen = crate::watch::newest_event_id(cfn, name).await?;
    let started = Instant::now();
    if let Err(e) = cfn.execute_change_set(name, &cs, opts.no_rollback).await {
        // Some endpoints (moto) fail the call itself when a resource fails:
        // the events may still say which one.
        let events = events::since(
            &cfn.stack_events(name, EventRange::Since(last_seen.as_deref()))
                .await
                .unwrap_or_default(),
            last_seen.as_deref(),
        );
        let status = cfn
            .describe_stack(name)
            .await
            .ok()
            .flatten()
            .map_or_else(|| "unknown".to_string(), |s| s.stack_status);
        let mut msg = format!(
            "deploy of stack {name} failed: ExecuteChangeSet returned {e}\nstack status: {status}"
        );
        if !events::root_cause(&events, 3).is_empty() {
            msg.push('\n');
            msg.push_str(&events::failure_report("deploy", name, &status, &events));
        }
        if create && status == "REVIEW_IN_PROGRESS" {
            // Nothing ran: the empty stack of the change set goes too.
            let _ = cfn.delete_change_set(name, &cs).await;
            remove_empty_stack(cfn, console, name).await;
        }
        return Err(Error::Failed(msg));
    }
    let (outcome, events) = watch::watch(
        cfn,
        console,
        Watch {
            stack: name,
            last_seen,
            total: changes.len(),
            mode: opts.progress,
            poll: env.poll,
        },
    )
    .await?;
    let stack = match outcome {
        Outcome::Interrupted => return Err(interrupted(name, region, &env.name, create)),
        Outcome::Settled(stack) => stack,
    };
    let status = stack
        .as_ref()
        .map_or("DELETE_COMPLETE", |s| s.stack_status.as_str());
    if status != "CREATE_COMPLETE" && status != "UPDATE_COMPLETE" {
        let mut report = events::failure_report("deploy", name, status, &events);
        if opts.no_rollback {
            report.push_str(&format!(
                "\nThe stack was left as it failed (--no-rollback). Fix the cause and deploy \
                 again (CloudFormation resumes from the failed resources), or roll it back: \
                 aws cloudformation rollback-stack --stack-name {name} --region {region}"
            ));
        }
        return Err(Error::Failed(report));
    }
    let outputs = stack
        .as_ref()
        .map(|s| s.outputs.clone())
        .unwrap_or_default();
    console.line(&format!(
        "{status}: stack {name} in {}",
        clock(started.elapsed())
    ));
    for o in &outputs {
        console.line(&format!("  {} = {}", o.output_key, o.output_value));
    }
    ensure_protection(cfn, console, target, stack.as_ref()).await?;
    Ok(outputs)
}

/// The change set `kept` by `deploy --no-execute`, if it is still what the
/// spec says (same template and parameters, not executed, not made stale by
/// a later change to the stack). None when none was kept because the stack
/// had no changes, and still has none.
async fn kept_change_set<C: CloudFormation>(
    cfn: &C,
    target: &Target,
    kept: &str,
    digest: &str,
) -> Result<Option<crate::model::ChangeSetInfo>, Error> {
    let name = target.entry.stack_name.as_str();
    let again = "review and prepare again with deploy --no-execute";
    // No change set to run is fine when the stack already is what the spec
    // says (nothing was prepared, or the change set already ran).
    let up_to_date = || async {
        let deployed = cfn.get_template(name).await.ok();
        deployed.as_deref().and_then(parse_template).as_ref() == Some(&target.template)
    };
    let info = match cfn.describe_change_set(name, kept).await {
        Ok(info)
            if info.execution_status.as_deref() == Some("EXECUTE_COMPLETE")
                && up_to_date().await =>
        {
            return Ok(None);
        }
        Ok(info) => info,
        Err(e) if is_not_found(&e) => {
            if up_to_date().await {
                return Ok(None);
            }
            return Err(Error::Refused(format!(
                "stack {name} has no change set {kept}, but the spec would change it: the \
                 changes were not prepared; {again}"
            )));
        }
        Err(e) => {
            return Err(e.context(format!("could not read change set {kept} of stack {name}")));
        }
    };
    if info.status != "CREATE_COMPLETE" {
        return Err(Error::Refused(format!(
            "change set {kept} of stack {name} is {}: {again}",
            info.status
        )));
    }
    if let Some(state) = info
        .execution_status
        .as_deref()
        .filter(|s| *s != "AVAILABLE")
    {
        return Err(Error::Refused(format!(
            "change set {kept} of stack {name} can no longer run ({state}: it already ran, or \
             the stack changed since it was made); {again}"
        )));
    }
    if info.description.as_deref() != Some(digest) {
        return Err(Error::Refused(format!(
            "change set {kept} of stack {name} is not what the spec says now (the spec, a --set \
             value or an output it reads changed since it was prepared); {again}"
        )));
    }
    Ok(Some(info))
}

fn is_not_found(e: &Error) -> bool {
    e.aws_failure().is_some_and(|f| {
        f.code
            .as_deref()
            .is_some_and(|c| c.starts_with("ChangeSetNotFound"))
            || f.message.contains("does not exist")
    })
}

/// A CREATE change set makes an empty stack in REVIEW_IN_PROGRESS; when the
/// change set is not executed (refused, declined, interrupted, rejected)
/// that stack is deleted, so nothing is left that looks deployed. Best
/// effort: a stack in any other state is not ours to delete.
async fn remove_empty_stack<C: CloudFormation>(cfn: &C, console: &mut dyn Console, name: &str) {
    let pending = cfn
        .describe_stack(name)
        .await
        .ok()
        .flatten()
        .is_some_and(|s| s.stack_status == "REVIEW_IN_PROGRESS");
    if pending && cfn.delete_stack(name).await.is_ok() {
        console.line(&format!(
            "deleted the empty stack {name} that the change set had created"
        ));
    }
}

/// Turns termination protection on where the environment asks for it. It is
/// never turned off here: that is a decision for `destroy`.
async fn ensure_protection<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    target: &Target,
    stack: Option<&StackInfo>,
) -> Result<(), Error> {
    let on = stack.is_some_and(|s| s.enable_termination_protection);
    if target.entry.termination_protection && !on && stack.is_some() {
        cfn.set_termination_protection(&target.entry.stack_name, true)
            .await
            .map_err(|e| {
                e.context(format!(
                    "could not enable termination protection on {}",
                    target.entry.stack_name
                ))
            })?;
        console.line(&format!(
            "termination protection enabled on {}",
            target.entry.stack_name
        ));
    }
    Ok(())
}

async fn recreate<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    env: &Env,
    name: &str,
    progress: ProgressMode,
) -> Result<(), Error> {
    console.line(&format!("deleting stack {name} to create it again"));
    let total = cfn.list_stack_resources(name).await.map_or(0, |r| r.len());
    if delete::delete_and_watch(cfn, console, env, name, total, progress).await? {
        Ok(())
    } else {
        Err(Error::Interrupted(format!(
            "stopped watching; CloudFormation carries on deleting stack {name}. Run deploy again once it is gone."
        )))
    }
}

fn interrupted(name: &str, region: &str, env: &str, create: bool) -> Error {
    let cancel = if create {
        format!(
            "stop it by deleting the stack: aws cloudformation delete-stack --stack-name {name} --region {region}"
        )
    } else {
        format!("cancel it with: archgen cancel --env {env} (CloudFormation rolls the update back)")
    };
    Error::Interrupted(format!(
        "stopped watching; CloudFormation carries on with stack {name}.\n\
         Follow it with: archgen status --env {env}\n\
         or {cancel}"
    ))
}
