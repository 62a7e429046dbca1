//! Progress of a running operation: counts resources that reached a final
//! state, for the one-line live display on a terminal.

use std::collections::BTreeSet;
use std::time::Duration;

use super::model::StackEvent;

#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Resources the change set touches (0 when unknown).
    pub total: usize,
    done: BTreeSet<String>,
    failed: BTreeSet<String>,
    last: Option<String>,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        Progress {
            total,
            ..Progress::default()
        }
    }

    pub fn record(&mut self, e: &StackEvent) {
        if e.is_stack() {
            return;
        }
        let s = e.resource_status.as_str();
        if s.ends_with("_COMPLETE") || s == "DELETE_SKIPPED" {
            self.done.insert(e.logical_resource_id.clone());
        } else if s.ends_with("_FAILED") {
            self.failed.insert(e.logical_resource_id.clone());
        }
        self.last = Some(format!("{} {}", e.logical_resource_id, s));
    }

    pub fn done(&self) -> usize {
        self.done.len()
    }

    /// e.g. `[3/11 resources]  0:42  last: Vpc CREATE_COMPLETE`; when the
    /// total is unknown, `[3 resources done]`.
    pub fn line(&self, elapsed: Duration) -> String {
        let count = if self.total == 0 {
            format!("{} resources done", self.done())
        } else {
            format!("{}/{} resources", self.done().min(self.total), self.total)
        };
        let failed = if self.failed.is_empty() {
            String::new()
        } else {
            format!(", {} failed", self.failed.len())
        };
        let last = self
            .last
            .as_deref()
            .map(|l| format!("  last: {l}"))
            .unwrap_or_default();
        format!("[{count}{failed}]  {}{last}", clock(elapsed))
    }
}

/// `m:ss`, or `h:mm:ss` past an hour.
pub fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}
