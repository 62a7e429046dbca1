//! `archgen drift`: CloudFormation's drift detection on every stack, and
//! the resources and properties that no longer match their template.

use super::{Env, Target};
use crate::cfn::{Cloud, CloudFormation};
use crate::console::Console;
use crate::error::Error;
use crate::model::ResourceDrift;

/// Detection takes seconds to minutes; this bounds the wait per stack.
const MAX_WAIT_POLLS: u32 = 1800;

/// Returns the number of drifted resources over all stacks.
pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
) -> Result<usize, Error> {
    crate::preflight::check_account(cloud, &env.name, targets).await?;
    let mut total = 0;
    for target in targets {
        let name = target.entry.stack_name.as_str();
        let cfn = cloud.cloudformation(&target.region);
        if cfn.describe_stack(name).await?.is_none() {
            console.line(&format!("{name} ({}): not deployed", target.region));
            continue;
        }
        let drifts = detect(&cfn, console, env, name).await?;
        if drifts.is_empty() {
            console.line(&format!("{name} ({}): in sync", target.region));
            continue;
        }
        console.line(&format!(
            "{name} ({}): {} drifted resource(s)",
            target.region,
            drifts.len()
        ));
        for d in &drifts {
            console.line(&lines(d).join("\n"));
        }
        total += drifts.len();
    }
    console.line(&match total {
        0 => "no drift".to_string(),
        n => format!("{n} drifted resource(s) in total"),
    });
    Ok(total)
}

async fn detect<C: CloudFormation>(
    cfn: &C,
    console: &mut dyn Console,
    env: &Env,
    name: &str,
) -> Result<Vec<ResourceDrift>, Error> {
    let id = cfn
        .detect_drift(name)
        .await
        .map_err(|e| e.context(format!("could not start drift detection on stack {name}")))?;
    for _ in 0..MAX_WAIT_POLLS {
        let status = cfn.drift_detection(&id).await?;
        match status.detection_status.as_str() {
            "DETECTION_IN_PROGRESS" => {
                console.status(&format!("detecting drift on stack {name}"));
                if crate::changeset::interrupted_during(env.poll).await {
                    console.clear_status();
                    return Err(Error::Interrupted(format!(
                        "stopped waiting for drift detection on stack {name}; it finishes on \
                         its own and changes nothing"
                    )));
                }
            }
            "DETECTION_COMPLETE" => {
                console.clear_status();
                return cfn.resource_drifts(name).await;
            }
            // FAILED still lists what it could check; say why it is partial.
            _ => {
                console.clear_status();
                console.line(&format!(
                    "warning: drift detection on stack {name} did not check everything: {}",
                    status
                        .detection_status_reason
                        .as_deref()
                        .unwrap_or("no reason given")
                ));
                return cfn.resource_drifts(name).await;
            }
        }
    }
    Err(Error::Failed(format!(
        "drift detection on stack {name} was still running after {} polls",
        MAX_WAIT_POLLS
    )))
}

/// `  Database (AWS::RDS::DBInstance) MODIFIED` and one line per property.
pub fn lines(d: &ResourceDrift) -> Vec<String> {
    let mut out = vec![format!(
        "  {} ({}) {}{}",
        d.logical_resource_id,
        d.resource_type,
        d.stack_resource_drift_status,
        d.physical_resource_id
            .as_deref()
            .map(|p| format!("  [{p}]"))
            .unwrap_or_default()
    )];
    for p in &d.property_differences {
        out.push(match p.difference_type.as_str() {
            "ADD" => format!("    {}: added {}", p.property_path, p.actual_value),
            "REMOVE" => format!(
                "    {}: removed (was {})",
                p.property_path, p.expected_value
            ),
            _ => format!(
                "    {}: {} -> {}",
                p.property_path, p.expected_value, p.actual_value
            ),
        });
    }
    out
}
