//! `archgen status`: each stack's status, last change and outputs, as text
//! or (`--json`) as a [`StatusReport`].

use serde::Serialize;
use std::collections::BTreeMap;

use super::Target;
use crate::cfn::{Cloud, CloudFormation};
use crate::console::Console;
use crate::error::Error;
use crate::events;

/// What `status --json` prints: stable, documented fields (docs/deploy.md).
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub environment: String,
    pub stacks: Vec<StackStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackStatus {
    pub stack: String,
    pub region: String,
    /// False when the stack does not exist, or holds only a change set
    /// that was never executed (REVIEW_IN_PROGRESS).
    pub deployed: bool,
    /// CloudFormation's status, null when the stack does not exist.
    pub status: Option<String>,
    pub reason: Option<String>,
    pub last_change: Option<String>,
    pub termination_protection: bool,
    /// For a failed or rolled-back stack: the first failed resources.
    pub failures: Vec<Failure>,
    pub outputs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub logical_id: String,
    pub resource_type: String,
    pub reason: String,
}

impl StatusReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Reads every stack's status.
pub async fn report<K: Cloud>(
    cloud: &K,
    environment: &str,
    targets: &[Target],
) -> Result<StatusReport, Error> {
    let mut stacks = Vec::new();
    for target in targets {
        let name = target.entry.stack_name.as_str();
        let cfn = cloud.cloudformation(&target.region);
        let mut status = StackStatus {
            stack: name.to_string(),
            region: target.region.clone(),
            deployed: false,
            status: None,
            reason: None,
            last_change: None,
            termination_protection: false,
            failures: Vec::new(),
            outputs: BTreeMap::new(),
        };
        if let Some(stack) = cfn.describe_stack(name).await? {
            let s = stack.stack_status.as_str();
            if events::is_failure(s) || s.contains("ROLLBACK") {
                // Say why, from the most recent operation's events.
                let newest = events::EventRange::Newest;
                let all = cfn.stack_events(name, newest).await.unwrap_or_default();
                let mut recent: Vec<_> = all.into_iter().take(100).collect();
                recent.reverse();
                status.failures = events::root_cause(&recent, 3)
                    .into_iter()
                    .map(|e| Failure {
                        logical_id: e.logical_resource_id.clone(),
                        resource_type: e.resource_type.clone(),
                        reason: e
                            .resource_status_reason
                            .clone()
                            .unwrap_or_else(|| "no reason given".into()),
                    })
                    .collect();
            }
            // A change set that was never executed: nothing exists.
            status.deployed = s != "REVIEW_IN_PROGRESS";
            status.status = Some(stack.stack_status.clone());
            status.reason = stack.stack_status_reason.clone().filter(|r| !r.is_empty());
            status.last_change = stack.last_change().map(str::to_string);
            status.termination_protection = stack.enable_termination_protection;
            status.outputs = stack
                .outputs
                .into_iter()
                .map(|o| (o.output_key, o.output_value))
                .collect();
        }
        stacks.push(status);
    }
    Ok(StatusReport {
        environment: environment.to_string(),
        stacks,
    })
}

pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    targets: &[Target],
) -> Result<(), Error> {
    for s in report(cloud, "", targets).await?.stacks {
        print(console, &s);
    }
    Ok(())
}

fn print(console: &mut dyn Console, s: &StackStatus) {
    let (name, region) = (&s.stack, &s.region);
    let Some(status) = s.status.as_deref() else {
        console.line(&format!("{name} ({region}): not deployed"));
        return;
    };
    if !s.deployed {
        console.line(&format!(
            "{name} ({region}): not deployed ({status}: a change set was created but never \
             executed; the stack holds no resources and `archgen deploy` reuses it)"
        ));
        return;
    }
    console.line(&format!("{name} ({region})"));
    console.line(&format!("  status:       {status}"));
    if let Some(reason) = &s.reason {
        console.line(&format!("  reason:       {reason}"));
    }
    console.line(&format!(
        "  last change:  {}",
        s.last_change.as_deref().unwrap_or("unknown")
    ));
    console.line(&format!(
        "  termination protection: {}",
        if s.termination_protection {
            "on"
        } else {
            "off"
        }
    ));
    for f in &s.failures {
        console.line(&format!(
            "  failed:       {} ({}): {}",
            f.logical_id, f.resource_type, f.reason
        ));
    }
    if status.ends_with("_IN_PROGRESS") {
        console.line("  in progress:  run status again to follow it");
    }
    if s.outputs.is_empty() {
        console.line("  outputs:      none");
    } else {
        console.line("  outputs:");
        for (k, v) in &s.outputs {
            console.line(&format!("    {k} = {v}"));
        }
    }
}
