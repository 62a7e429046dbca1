//! `archgen status`: each stack's status, last change and outputs.

use super::Target;
use crate::cfn::{Cloud, CloudFormation};
use crate::console::Console;
use crate::error::Error;
use crate::events;

pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    targets: &[Target],
) -> Result<(), Error> {
    for target in targets {
        let name = target.entry.stack_name.as_str();
        let cfn = cloud.cloudformation(&target.region);
        let Some(stack) = cfn.describe_stack(name).await? else {
            console.line(&format!("{name} ({}): not deployed", target.region));
            continue;
        };
        // A change set that was never executed: nothing runs, nothing exists.
        if stack.stack_status == "REVIEW_IN_PROGRESS" {
            console.line(&format!(
                "{name} ({}): not deployed (REVIEW_IN_PROGRESS: a change set was created but \
                 never executed; the stack holds no resources and `archgen deploy` reuses it)",
                target.region
            ));
            continue;
        }
        console.line(&format!("{name} ({})", target.region));
        console.line(&format!("  status:       {}", stack.stack_status));
        if let Some(reason) = stack
            .stack_status_reason
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            console.line(&format!("  reason:       {reason}"));
        }
        console.line(&format!(
            "  last change:  {}",
            stack.last_change().unwrap_or("unknown")
        ));
        console.line(&format!(
            "  termination protection: {}",
            if stack.enable_termination_protection {
                "on"
            } else {
                "off"
            }
        ));
        if events::is_failure(&stack.stack_status) || stack.stack_status.contains("ROLLBACK") {
            // Say why, from the most recent operation's events.
            let all = cfn.stack_events(name).await.unwrap_or_default();
            let mut recent: Vec<_> = all.into_iter().take(100).collect();
            recent.reverse();
            for e in events::root_cause(&recent, 3) {
                console.line(&format!(
                    "  failed:       {} ({}): {}",
                    e.logical_resource_id,
                    e.resource_type,
                    e.resource_status_reason
                        .as_deref()
                        .unwrap_or("no reason given")
                ));
            }
        }
        if stack.stack_status.ends_with("_IN_PROGRESS") {
            console.line("  in progress:  run status again to follow it");
        }
        if stack.outputs.is_empty() {
            console.line("  outputs:      none");
        } else {
            console.line("  outputs:");
            for o in &stack.outputs {
                console.line(&format!("    {} = {}", o.output_key, o.output_value));
            }
        }
    }
    Ok(())
}
