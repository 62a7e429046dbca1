//! `archgen diff`: the change set of every stack, shown and then deleted;
//! for a stack that does not exist yet, the resources it would create.

use serde::Serialize;

use super::{Env, Target, change_set_request, parse_template, planned_creation};
use crate::cfn::{ArtifactStore, Cloud, CloudFormation};
use crate::changeset::{self, Prepared};
use crate::console::Console;
use crate::error::Error;
use crate::model::ResourceChange;
use crate::outputs::{self, KnownOutputs};
use crate::risk::{Risk, RiskKind};
use crate::state::{self, StackState};
use crate::{capabilities, risk, table, upload};

/// What `diff --json` prints: stable, documented fields (docs/deploy.md).
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub environment: String,
    /// Changes over all stacks.
    pub changes: usize,
    pub stacks: Vec<StackDiff>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackDiff {
    pub stack: String,
    pub region: String,
    /// `create`, `recreate` (after a failed first creation), `update`,
    /// `no-changes`, or `waits` (its parameters come from a stack that is
    /// not deployed yet, so it cannot be previewed).
    pub plan: &'static str,
    pub changes: Vec<ChangeEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    /// `Add`, `Modify`, `Remove`, ... as CloudFormation says.
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `Conditional`, `False`, or null when not known.
    pub replacement: Option<String>,
    /// Properties that force (or may force) the replacement.
    pub replaced_because_of: Vec<String>,
    /// Every property (or attribute) the change touches, in change order.
    pub properties: Vec<String>,
    pub risks: Vec<RiskEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskEntry {
    /// `destructive` or `broadening`.
    pub kind: &'static str,
    pub reason: String,
}

impl DiffReport {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn stack_diff(
    target: &Target,
    plan: &'static str,
    changes: &[ResourceChange],
    risks: &[Risk],
) -> StackDiff {
    StackDiff {
        stack: target.entry.stack_name.clone(),
        region: target.region.clone(),
        plan,
        changes: changes
            .iter()
            .map(|c| ChangeEntry {
                action: c.action.clone(),
                logical_id: c.logical_resource_id.clone(),
                resource_type: c.resource_type.clone(),
                replacement: c.replacement.clone(),
                replaced_because_of: risk::recreation_causes(c),
                properties: c.changed_properties(),
                risks: risks
                    .iter()
                    .filter(|r| r.logical_id == c.logical_resource_id)
                    .map(|r| RiskEntry {
                        kind: match r.kind {
                            RiskKind::Destructive => "destructive",
                            RiskKind::Broadening => "broadening",
                        },
                        reason: r.reason.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Returns the number of changes over all stacks.
pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    artifact_bucket: Option<&str>,
) -> Result<usize, Error> {
    Ok(report(cloud, console, env, targets, artifact_bucket)
        .await?
        .changes)
}

/// Shows every stack's changes on `console` and returns them.
pub async fn report<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    artifact_bucket: Option<&str>,
) -> Result<DiffReport, Error> {
    report_with(
        cloud,
        console,
        env,
        targets,
        artifact_bucket,
        KnownOutputs::new(),
    )
    .await
}

/// [`report`] for some stacks of the environment (`--stack`): `dependencies`
/// holds the outputs of the deployed stacks they take parameters from.
pub async fn report_with<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    artifact_bucket: Option<&str>,
    dependencies: KnownOutputs,
) -> Result<DiffReport, Error> {
    crate::preflight::check_account(cloud, &env.name, targets).await?;
    let mut known = dependencies;
    let mut total = 0;
    let mut stacks = Vec::new();
    for target in targets {
        let cfn = cloud.cloudformation(&target.region);
        let store = cloud.artifacts(&target.region);
        let diff = diff_stack(&cfn, &store, console, env, target, &known, artifact_bucket).await?;
        total += diff.changes.len();
        stacks.push(diff);
        let outputs = cfn
            .describe_stack(&target.entry.stack_name)
            .await?
            .map(|s| s.outputs)
            .unwrap_or_default();
        known.insert(target.entry.name.clone(), outputs);
    }
    console.line(&match total {
        0 => "no changes".to_string(),
        n => format!("{n} change(s) in total"),
    });
    Ok(DiffReport {
        environment: env.name.clone(),
        changes: total,
        stacks,
    })
}

async fn diff_stack<C: CloudFormation, S: ArtifactStore>(
    cfn: &C,
    store: &S,
    console: &mut dyn Console,
    env: &Env,
    target: &Target,
    known: &KnownOutputs,
    bucket: Option<&str>,
) -> Result<StackDiff, Error> {
    let name = target.entry.stack_name.as_str();
    let region = target.region.as_str();
    console.line(&format!("==> stack {name} ({region})"));
    let current = super::settled(cfn, console, env, name).await?;
    let st = state::classify(current.as_ref());
    let creation = |console: &mut dyn Console, note: &str, plan| {
        let adds = planned_creation(&target.template);
        let risks = risk::assess(&adds, &target.template, None);
        console.line(&format!(
            "{note}: deploy would create {} resource(s):",
            adds.len()
        ));
        console.line(&table::render(&adds, &risks));
        stack_diff(target, plan, &adds, &risks)
    };
    match &st {
        // A CREATE change set would create the stack itself, so a new
        // stack is previewed from the template alone.
        StackState::Missing => {
            return Ok(creation(
                console,
                &format!("stack {name} does not exist"),
                "create",
            ));
        }
        StackState::FailedCreate(s) => {
            return Ok(creation(
                console,
                &format!("stack {name} is {s} and would be deleted and created again"),
                "recreate",
            ));
        }
        StackState::Updatable => super::guard_exports(cfn, env, target).await?,
        other => {
            return Err(Error::Refused(
                state::explain(other, name, region, &env.name, "diff").unwrap_or_default(),
            ));
        }
    }
    // A stack fed by a stack that is not deployed yet (a new edge stack)
    // cannot be previewed: its parameters have no values. Its source's own
    // creation is already counted as a change.
    let pending: Vec<&str> = target
        .entry
        .parameters
        .values()
        .map(|p| p.stack.as_str())
        .filter(|s| known.get(*s).is_none_or(Vec::is_empty))
        .collect();
    if let Some(source) = pending.first() {
        console.line(&format!(
            "stack {name} takes parameters from stack '{source}', which is not deployed yet: \
             it can be previewed once '{source}' exists (archgen deploy creates both in order)"
        ));
        return Ok(stack_diff(target, "waits", &[], &[]));
    }
    let parameters = outputs::parameters(&target.entry, known)?;
    let bucket = crate::bootstrap::artifact_bucket(cfn, target, bucket).await;
    let source = upload::prepare(store, &target.body, name, region, bucket.as_deref()).await?;
    let request = change_set_request(
        target,
        false,
        source,
        parameters,
        capabilities::required(&target.template),
    );
    let info = match changeset::create(cfn, &request, env.poll).await? {
        Prepared::NoChanges => {
            console.line(&format!("no changes: stack {name} is up to date"));
            return Ok(stack_diff(target, "no-changes", &[], &[]));
        }
        Prepared::Ready(info) => info,
    };
    // A preview only: the change set goes whatever happens next.
    let _ = cfn.delete_change_set(name, &info.change_set_id).await;
    let changes: Vec<ResourceChange> = info
        .changes
        .iter()
        .map(|c| c.resource_change.clone())
        .collect();
    let old = cfn
        .get_template(name)
        .await
        .ok()
        .as_deref()
        .and_then(parse_template);
    let risks = risk::assess(&changes, &target.template, old.as_ref());
    console.line(&format!(
        "{} change(s) to update stack {name}:",
        changes.len()
    ));
    console.line(&table::render(&changes, &risks));
    Ok(stack_diff(target, "update", &changes, &risks))
}
