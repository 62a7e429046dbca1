//! `archgen cancel` and `archgen continue-rollback`: getting a stack out of
//! an operation that went wrong, without the AWS CLI.

use super::{Env, Target};
use crate::cfn::{Cloud, CloudFormation};
use crate::console::Console;
use crate::error::Error;
use crate::events;
use crate::watch::{self, Outcome, ProgressMode, Watch};

/// Cancels every update in progress (CloudFormation then rolls it back) and
/// follows each rollback to its end. A creation cannot be cancelled: the
/// message says to destroy instead.
pub async fn cancel<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    progress: ProgressMode,
) -> Result<(), Error> {
    let mut acted = false;
    for target in targets {
        let name = target.entry.stack_name.as_str();
        let cfn = cloud.cloudformation(&target.region);
        let status = cfn.describe_stack(name).await?.map(|s| s.stack_status);
        match status.as_deref() {
            Some("UPDATE_IN_PROGRESS") => {}
            Some("CREATE_IN_PROGRESS") => {
                console.line(&format!(
                    "stack {name} is being created, which cannot be cancelled; delete it with \
                     archgen destroy --env {} once it settles",
                    env.name
                ));
                continue;
            }
            other => {
                console.line(&format!(
                    "stack {name}: nothing to cancel ({})",
                    other.unwrap_or("not deployed")
                ));
                continue;
            }
        }
        acted = true;
        let last_seen = crate::watch::newest_event_id(&cfn, name).await?;
        cfn.cancel_update_stack(name)
            .await
            .map_err(|e| e.context(format!("could not cancel the update of stack {name}")))?;
        console.line(&format!(
            "cancelling the update of stack {name}; CloudFormation rolls it back"
        ));
        follow(
            &cfn,
            console,
            env,
            name,
            last_seen,
            progress,
            "UPDATE_ROLLBACK_COMPLETE",
            "rollback",
        )
        .await?;
    }
    if !acted {
        console.line("no update in progress: nothing was cancelled");
    }
    Ok(())
}

/// Resumes every rollback that failed (UPDATE_ROLLBACK_FAILED), skipping the
/// resources in `skip`, and follows each to its end.
pub async fn continue_rollback<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    skip: &[String],
    progress: ProgressMode,
) -> Result<(), Error> {
    let mut acted = false;
    for target in targets {
        let name = target.entry.stack_name.as_str();
        let cfn = cloud.cloudformation(&target.region);
        let status = cfn.describe_stack(name).await?.map(|s| s.stack_status);
        if status.as_deref() != Some("UPDATE_ROLLBACK_FAILED") {
            console.line(&format!(
                "stack {name}: no failed rollback to continue ({})",
                status.as_deref().unwrap_or("not deployed")
            ));
            continue;
        }
        acted = true;
        let last_seen = crate::watch::newest_event_id(&cfn, name).await?;
        cfn.continue_update_rollback(name, skip)
            .await
            .map_err(|e| e.context(format!("could not continue the rollback of stack {name}")))?;
        console.line(&format!(
            "continuing the rollback of stack {name}{}",
            if skip.is_empty() {
                String::new()
            } else {
                format!(", skipping {}", skip.join(", "))
            }
        ));
        follow(
            &cfn,
            console,
            env,
            name,
            last_seen,
            progress,
            "UPDATE_ROLLBACK_COMPLETE",
            "rollback",
        )
        .await?;
    }
    if !acted {
        console.line("no stack is in UPDATE_ROLLBACK_FAILED: nothing to continue");
    }
    Ok(())
}

/// Watches `name` until it settles; anything but `expected` is a failure
/// with its root cause.
#[allow(clippy::too_many_arguments)]
async fn follow<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    env: &Env,
    name: &str,
    last_seen: Option<String>,
    progress: ProgressMode,
    expected: &str,
    operation: &str,
) -> Result<(), Error> {
    let (outcome, events) = watch::watch(
        cfn,
        console,
        Watch {
            stack: name,
            last_seen,
            total: 0,
            mode: progress,
            poll: env.poll,
        },
    )
    .await?;
    match outcome {
        Outcome::Interrupted => Err(Error::Interrupted(format!(
            "stopped watching; CloudFormation carries on with the {operation} of stack {name}. \
             Follow it with: archgen status --env {}",
            env.name
        ))),
        Outcome::Settled(Some(s)) if s.stack_status == expected => {
            console.line(&format!("{expected}: stack {name}"));
            Ok(())
        }
        Outcome::Settled(stack) => {
            let status = stack.map_or("DELETE_COMPLETE".to_string(), |s| s.stack_status);
            Err(Error::Failed(events::failure_report(
                operation, name, &status, &events,
            )))
        }
    }
}
