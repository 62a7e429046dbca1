//! Deleting a stack and following it until it is gone: used by destroy, and
//! by deploy when a failed create must be deleted before trying again.

use super::Env;
use crate::cfn::CloudFormation;
use crate::console::Console;
use crate::error::Error;
use crate::events;
use crate::watch::{self, Outcome, ProgressMode, Watch};

/// `Ok(true)` once the stack is gone; `Ok(false)` when the user stopped
/// watching (CloudFormation carries on deleting). A failed deletion is an
/// error with its root cause. `total` is the number of resources to delete,
/// for the progress line.
pub async fn delete_and_watch<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    env: &Env,
    name: &str,
    total: usize,
    progress: ProgressMode,
) -> Result<bool, Error> {
    let last_seen = crate::watch::newest_event_id(cfn, name).await?;
    if let Err(e) = cfn.delete_stack(name).await {
        // Trust the end state: if the stack is gone, the delete happened.
        if cfn.describe_stack(name).await?.is_some() {
            return Err(e.context(format!("could not delete stack {name}")));
        }
        console.line(&format!(
            "warning: CloudFormation reported an error ({e}), but the stack is gone"
        ));
    }
    let (outcome, events) = watch::watch(
        cfn,
        console,
        Watch {
            stack: name,
            last_seen,
            total,
            mode: progress,
            poll: env.poll,
        },
    )
    .await?;
    match outcome {
        Outcome::Interrupted => Ok(false),
        Outcome::Settled(Some(s)) if s.stack_status != "DELETE_COMPLETE" => Err(Error::Failed(
            events::failure_report("deletion", name, &s.stack_status, &events),
        )),
        Outcome::Settled(_) => Ok(true),
    }
}
