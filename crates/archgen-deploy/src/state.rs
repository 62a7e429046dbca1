//! What a stack's current status allows deploy to do next.

use super::model::StackInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackState {
    /// No stack (or only an unexecuted change set): a CREATE change set.
    Missing,
    /// A settled stack: an UPDATE change set.
    Updatable,
    /// An operation is running; nothing can start until it ends.
    Busy(String),
    /// The first create failed and rolled back: the stack holds nothing and
    /// can only be deleted and created again.
    FailedCreate(String),
    /// An update's rollback failed: CloudFormation needs ContinueUpdateRollback.
    RollbackFailed,
    /// Any other state deploy refuses to touch, with the reason.
    Stuck(String),
}

pub fn classify(stack: Option<&StackInfo>) -> StackState {
    let Some(stack) = stack else {
        return StackState::Missing;
    };
    let status = stack.stack_status.as_str();
    match status {
        // CREATE change sets leave a REVIEW_IN_PROGRESS stack until executed.
        "REVIEW_IN_PROGRESS" | "DELETE_COMPLETE" => StackState::Missing,
        "CREATE_COMPLETE"
        | "UPDATE_COMPLETE"
        | "UPDATE_ROLLBACK_COMPLETE"
        | "UPDATE_FAILED"
        | "IMPORT_COMPLETE"
        | "IMPORT_ROLLBACK_COMPLETE" => StackState::Updatable,
        "ROLLBACK_COMPLETE" | "CREATE_FAILED" | "ROLLBACK_FAILED" => {
            StackState::FailedCreate(status.to_string())
        }
        "UPDATE_ROLLBACK_FAILED" => StackState::RollbackFailed,
        s if s.ends_with("_IN_PROGRESS") => StackState::Busy(s.to_string()),
        s => StackState::Stuck(s.to_string()),
    }
}

/// What to tell the user for the states `command` (deploy, diff, destroy)
/// cannot proceed from; the advice ends with running that command again.
pub fn explain(
    state: &StackState,
    stack: &str,
    region: &str,
    env: &str,
    command: &str,
) -> Option<String> {
    match state {
        StackState::Missing | StackState::Updatable => None,
        StackState::Busy(s) => Some(format!(
            "stack {stack} is busy ({s}): another operation is running. Wait for it to finish \
             (follow it with `archgen status --env {env}`), then run {command} again."
        )),
        StackState::FailedCreate(s) => Some(format!(
            "stack {stack} is in {s}: its first creation failed, and such a stack cannot be \
             updated. It must be deleted and created again (run deploy on a terminal to be \
             offered this, or pass --recreate)."
        )),
        StackState::RollbackFailed => Some(format!(
            "stack {stack} is in UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback. \
             Fix the cause shown in the stack events (`archgen status --env {env}`), then continue \
             the rollback:\n  aws cloudformation continue-update-rollback --stack-name {stack} \
             --region {region}\nadding `--resources-to-skip LOGICAL_ID ...` for resources that \
             cannot roll back (or: archgen continue-rollback --env {env} --skip LOGICAL_ID). Once it reaches UPDATE_ROLLBACK_COMPLETE, run {command} again."
        )),
        StackState::Stuck(s) => Some(format!(
            "stack {stack} is in {s}, from which deploy cannot continue. Inspect it with \
             `archgen status --env {env}`; if it is DELETE_FAILED, run `archgen destroy --env {env}` \
             once the blocking resources are removed."
        )),
    }
}
