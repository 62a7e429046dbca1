//! Stack events: which belong to the current operation, how to print one,
//! and the root cause of a failure without the cascade that follows it.

use super::model::StackEvent;

/// Events newer than `last_seen` (the newest event id before the operation
/// began), oldest first. `newest_first` is the API's order.
pub fn since(newest_first: &[StackEvent], last_seen: Option<&str>) -> Vec<StackEvent> {
    let mut fresh: Vec<StackEvent> = newest_first
        .iter()
        .take_while(|e| Some(e.event_id.as_str()) != last_seen)
        .cloned()
        .collect();
    fresh.reverse();
    fresh
}

/// One plain line per event, for CI logs and `--progress events`.
pub fn line(e: &StackEvent) -> String {
    let time = e.timestamp.get(11..19).unwrap_or(&e.timestamp);
    let reason = e
        .resource_status_reason
        .as_deref()
        .map(|r| format!("  {r}"))
        .unwrap_or_default();
    format!(
        "{time}  {:<28} {:<40} {}{reason}",
        e.resource_status, e.resource_type, e.logical_resource_id
    )
}

/// Failures caused by another failure, not by the resource itself.
fn is_cascade(reason: &str) -> bool {
    const NOISE: &[&str] = &[
        "Resource creation cancelled",
        "Resource update cancelled",
        "Resource deletion cancelled",
        "The following resource(s) failed to",
        "Rollback requested by user",
        "Stack creation time exceeded",
    ];
    NOISE.iter().any(|n| reason.contains(n))
}

pub fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED")
}

/// The first failures of the operation, in the order they happened: those of
/// the forward phase (before any rollback started) when there are any, so a
/// rollback's own failures do not hide what started it.
pub fn root_cause(chronological: &[StackEvent], limit: usize) -> Vec<&StackEvent> {
    let rollback_at = chronological
        .iter()
        .position(|e| e.is_stack() && e.resource_status.contains("ROLLBACK_IN_PROGRESS"))
        .unwrap_or(chronological.len());
    let pick = |events: &[StackEvent]| -> Vec<usize> {
        let mut seen = Vec::<&str>::new();
        let mut out = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let reason = e.resource_status_reason.as_deref().unwrap_or("");
            if e.is_stack() || !is_failure(&e.resource_status) || is_cascade(reason) {
                continue;
            }
            if !seen.contains(&e.logical_resource_id.as_str()) {
                seen.push(&e.logical_resource_id);
                out.push(i);
            }
        }
        out
    };
    let mut idx = pick(&chronological[..rollback_at]);
    if idx.is_empty() {
        idx = pick(chronological);
    }
    if idx.is_empty() {
        // No resource says why: fall back to what the stack itself says.
        idx = chronological
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.is_stack()
                    && (is_failure(&e.resource_status) || e.resource_status.contains("ROLLBACK"))
                    && e.resource_status_reason
                        .as_deref()
                        .is_some_and(|r| !r.is_empty())
            })
            .map(|(i, _)| i)
            .take(1)
            .collect();
    }
    idx.into_iter()
        .take(limit)
        .map(|i| &chronological[i])
        .collect()
}

/// The failure report: root causes, then the final status. `operation` is
/// what failed, in words: "deploy" or "deletion".
pub fn failure_report(
    operation: &str,
    stack: &str,
    final_status: &str,
    chronological: &[StackEvent],
) -> String {
    let causes = root_cause(chronological, 3);
    let mut out = format!("{operation} of stack {stack} failed: final status {final_status}");
    if causes.is_empty() {
        out.push_str("\nCloudFormation gave no reason in the stack events.");
    } else {
        out.push_str("\nRoot cause:");
        for e in causes {
            out.push_str(&format!(
                "\n  {} ({}) {}: {}",
                e.logical_resource_id,
                e.resource_type,
                e.resource_status,
                e.resource_status_reason
                    .as_deref()
                    .unwrap_or("no reason given")
            ));
        }
    }
    out
}
