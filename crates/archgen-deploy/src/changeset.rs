//! Creating a change set and waiting until CloudFormation has computed it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::cfn::CloudFormation;
use super::error::Error;
use super::model::{ChangeSetInfo, ChangeSetRequest};

#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// The template and parameters match the stack; the empty change set
    /// has been deleted.
    NoChanges,
    Ready(ChangeSetInfo),
}

/// A name unique per run: `archgen-<epoch millis>`.
pub fn change_set_name() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("archgen-{ms}")
}

/// What a change set is made from (the template and the parameter values),
/// as a short text kept in its description, so `deploy --execute` can tell
/// whether a prepared change set is still what the spec says.
pub fn digest(body: &str, parameters: &[(String, String)]) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted = parameters.to_vec();
    sorted.sort();
    let mut h = Sha256::new();
    h.update(body.as_bytes());
    for (k, v) in &sorted {
        h.update(format!("\n{k}={v}").as_bytes());
    }
    format!("archgen sha256:{}", hex::encode(h.finalize()))
}

/// Sleeps for `poll`; true when Ctrl-C came first. Once a watch or a prompt
/// has listened for Ctrl-C it no longer ends the process, so every wait
/// listens for it.
pub async fn interrupted_during(poll: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(poll) => false,
        _ = tokio::signal::ctrl_c() => true,
    }
}

/// CloudFormation's ways of saying "nothing to do".
pub fn is_no_change(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

pub async fn create<C: CloudFormation>(
    cfn: &C,
    request: &ChangeSetRequest,
    poll: Duration,
) -> Result<Prepared, Error> {
    let stack = &request.stack_name;
    let id = match cfn.create_change_set(request).await {
        Ok(id) => id,
        // Some endpoints (moto, for a template sent inline with parameters)
        // refuse an unchanged update outright instead of failing the change set.
        Err(e) if e.aws_failure().is_some_and(|f| is_no_change(&f.message)) => {
            return Ok(Prepared::NoChanges);
        }
        Err(e) => {
            return Err(e.context(format!(
                "CloudFormation rejected the change set for stack {stack}"
            )));
        }
    };
    // Computing a change set takes seconds; an hour means something is off.
    for _ in 0..(3600 / poll.as_secs().max(1)) {
        let info = cfn
            .describe_change_set(stack, &id)
            .await
            .map_err(|e| e.context(format!("could not read change set {id}")))?;
        match info.status.as_str() {
            "CREATE_COMPLETE" => return Ok(Prepared::Ready(info)),
            "FAILED" => {
                let reason = info.status_reason.clone().unwrap_or_default();
                // Best effort: a leftover failed change set is only clutter.
                let _ = cfn.delete_change_set(stack, &id).await;
                if is_no_change(&reason) {
                    return Ok(Prepared::NoChanges);
                }
                return Err(Error::Failed(format!(
                    "CloudFormation could not create a change set for stack {stack}: {}",
                    if reason.is_empty() {
                        "no reason given"
                    } else {
                        &reason
                    }
                )));
            }
            _ => {
                if interrupted_during(poll).await {
                    // Best effort: nothing ran, the change set need not stay.
                    let _ = cfn.delete_change_set(stack, &id).await;
                    return Err(Error::Interrupted(format!(
                        "Ctrl-C while CloudFormation computed the change set of stack {stack}: \
                         nothing was executed"
                    )));
                }
            }
        }
    }
    Err(Error::Failed(format!(
        "change set {id} of stack {stack} was still being computed after an hour"
    )))
}
