//! Stack events: which belong to the current operation, how to print one,
//! and the root cause of a failure without the cascade that follows it.

use std::future::Future;

use super::cfn::AwsResult;
use super::model::StackEvent;

/// Which stack events to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventRange<'a> {
    /// The newest page (100 events): enough for the newest event id, or
    /// the reason of the last failure.
    Newest,
    /// Everything after the event with this id (the newest already seen):
    /// paging stops at the page that holds it. None: every page there is
    /// (up to the limit), for an operation with no event before it.
    Since(Option<&'a str>),
}

/// Reads pages of events, newest first, as `range` asks, and at most
/// `max_pages`. `page(token)` returns one page and the next token. Polling
/// a long-lived stack so reads one page per poll, not its whole history.
pub async fn read_pages<F, Fut>(
    mut page: F,
    range: EventRange<'_>,
    max_pages: usize,
) -> AwsResult<Vec<StackEvent>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = AwsResult<(Vec<StackEvent>, Option<String>)>>,
{
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..max_pages {
        let (events_of_page, next) = page(token.take()).await?;
        let enough = match range {
            EventRange::Newest => true,
            EventRange::Since(Some(seen)) => events_of_page.iter().any(|e| e.event_id == seen),
            EventRange::Since(None) => false,
        };
        events.extend(events_of_page);
        match next {
            Some(t) if !t.is_empty() && !enough => token = Some(t),
            _ => break,
        }
    }
    Ok(events)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn event(id: &str) -> StackEvent {
        StackEvent {
            event_id: id.into(),
            ..Default::default()
        }
    }

    /// Three pages of two events, newest first: e6 e5 | e4 e3 | e2 e1.
    async fn read(range: EventRange<'_>) -> (Vec<String>, usize) {
        let calls = Cell::new(0);
        let pages = [["e6", "e5"], ["e4", "e3"], ["e2", "e1"]];
        let got = read_pages(
            |token: Option<String>| {
                calls.set(calls.get() + 1);
                let i: usize = token.map_or(0, |t| t.parse().unwrap());
                let next = (i + 1 < pages.len()).then(|| (i + 1).to_string());
                let page = pages[i].iter().map(|id| event(id)).collect();
                async move { Ok((page, next)) }
            },
            range,
            5,
        )
        .await
        .unwrap();
        (got.into_iter().map(|e| e.event_id).collect(), calls.get())
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn paging_stops_at_the_last_event_seen() {
        // The last seen event is on the first page: one request per poll.
        let (got, calls) = block_on(read(EventRange::Since(Some("e5"))));
        assert_eq!((got.len(), calls), (2, 1));
        let (_, calls) = block_on(read(EventRange::Since(Some("e3"))));
        assert_eq!(calls, 2);
        let (got, calls) = block_on(read(EventRange::Since(None)));
        assert_eq!((got.len(), calls), (6, 3));
        let (got, calls) = block_on(read(EventRange::Newest));
        assert_eq!((got, calls), (vec!["e6".to_string(), "e5".to_string()], 1));
    }
}
