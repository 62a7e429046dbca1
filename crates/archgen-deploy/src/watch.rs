//! Following a running operation through its stack events until the stack
//! settles, with a live line on a terminal or one line per event otherwise.
//! Ctrl-C stops the watching, not the operation.

use clap::ValueEnum;
use std::time::{Duration, Instant};

use super::cfn::{AwsResult, CloudFormation};
use super::console::Console;
use super::error::Error;
use super::events;
use super::model::{StackEvent, StackInfo};
use super::progress::Progress;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ProgressMode {
    /// A live line on a terminal, one line per event otherwise (CI).
    #[default]
    Auto,
    /// One line per event.
    Events,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The stack settled; None when it no longer exists (deleted).
    Settled(Option<StackInfo>),
    /// Ctrl-C: the operation goes on without us.
    Interrupted,
}

/// The id of the stack's newest event: where watching an operation that
/// is about to start begins, so older events are not shown as its own.
pub async fn newest_event_id<C: CloudFormation>(cfn: &C, stack: &str) -> AwsResult<Option<String>> {
    Ok(cfn
        .stack_events(stack, crate::events::EventRange::Newest)
        .await?
        .first()
        .map(|e| e.event_id.clone()))
}

pub struct Watch<'a> {
    pub stack: &'a str,
    /// Newest event id before the operation began.
    pub last_seen: Option<String>,
    pub total: usize,
    pub mode: ProgressMode,
    pub poll: Duration,
}

/// Returns how it ended and the operation's events, oldest first.
pub async fn watch<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    w: Watch<'_>,
) -> Result<(Outcome, Vec<StackEvent>), Error> {
    let started = Instant::now();
    let live = w.mode == ProgressMode::Auto && console.interactive();
    let mut progress = Progress::new(w.total);
    let mut seen: Vec<StackEvent> = Vec::new();
    let mut last_seen = w.last_seen.clone();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        // Read the status before the events, so events up to the final
        // status are all printed before we stop.
        let stack = cfn
            .describe_stack(w.stack)
            .await
            .map_err(|e| e.context(format!("could not read stack {}", w.stack)))?;
        let range = events::EventRange::Since(last_seen.as_deref());
        let fresh = match cfn.stack_events(w.stack, range).await {
            Ok(all) => events::since(&all, last_seen.as_deref()),
            // A deleted stack has no events to read any more.
            Err(_) if stack.is_none() => Vec::new(),
            Err(e) => return Err(e.context(format!("could not read events of stack {}", w.stack))),
        };
        if let Some(newest) = fresh.last() {
            last_seen = Some(newest.event_id.clone());
        }
        for e in &fresh {
            progress.record(e);
            if !live || events::is_failure(&e.resource_status) {
                console.line(&events::line(e));
            }
        }
        seen.extend(fresh);
        let settled = match &stack {
            None => true,
            Some(s) => !s.stack_status.ends_with("_IN_PROGRESS"),
        };
        if settled {
            console.clear_status();
            return Ok((Outcome::Settled(stack), seen));
        }
        if live {
            console.status(&progress.line(started.elapsed()));
        }
        tokio::select! {
            _ = tokio::time::sleep(w.poll) => {}
            _ = &mut ctrl_c => {
                console.clear_status();
                return Ok((Outcome::Interrupted, seen));
            }
        }
    }
}
