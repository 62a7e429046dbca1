//! `archgen bootstrap`: the bootstrap stack (see [`crate::bootstrap`]) in
//! every region of an environment, deployed like any other stack.

use std::collections::BTreeMap;

use super::deploy::{self, DeployOptions};
use super::{Env, Target};
use crate::approval::{ApprovalFlags, ApprovalMode};
use crate::bootstrap;
use crate::cfn::Cloud;
use crate::console::Console;
use crate::error::Error;
use crate::watch::ProgressMode;

pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    progress: ProgressMode,
) -> Result<(), Error> {
    // The environment's account, if pinned, is where its bucket belongs.
    crate::preflight::check_account(cloud, &env.name, targets).await?;
    let mut regions: Vec<&str> = targets.iter().map(|t| t.region.as_str()).collect();
    regions.sort();
    regions.dedup();
    let tags = BTreeMap::from([("managed-by".to_string(), "archgen".to_string())]);
    let stacks: Vec<Target> = regions
        .iter()
        .map(|r| bootstrap::target(r, &tags))
        .collect();
    // Nothing here holds data that a change could lose (the bucket is
    // retained), and nothing widens access: no approval needed.
    let opts = DeployOptions {
        approval: ApprovalFlags {
            mode: ApprovalMode::Never,
            yes: true,
            allow_destructive: false,
            interactive: false,
        },
        progress,
        ..Default::default()
    };
    for stack in &stacks {
        deploy::run(cloud, console, env, std::slice::from_ref(stack), &opts).await?;
        let cfn = cloud.cloudformation(&stack.region);
        let bucket = bootstrap::recorded_bucket(&cfn).await;
        console.line(&format!(
            "{}: artifact bucket {} (deploy and diff use it for templates over 51,200 bytes)",
            stack.region,
            bucket.as_deref().unwrap_or("unknown")
        ));
    }
    Ok(())
}
