//! Everything deploy can check before it changes anything: a failure found
//! after the first stack was created leaves an environment half-deployed.
//! All checks run, and every problem is reported at once.

use serde_json::Value;
use std::path::Path;

use super::cfn::{ArtifactStore, Cloud};
use super::console::Console;
use super::error::Error;
use super::ops::{self, Env, Target};
use super::state::{self, StackState};
use super::upload::{self, MAX_INLINE_BYTES};

/// What the checks need from the deploy options.
#[derive(Debug, Clone, Copy)]
pub struct Checks<'a> {
    pub env: &'a Env,
    pub artifact_bucket: Option<&'a str>,
    pub outputs_file: Option<&'a Path>,
    /// A stack left in ROLLBACK_COMPLETE may be recreated (--recreate, or a
    /// terminal to ask on).
    pub may_recreate: bool,
    /// `--no-execute`: nothing is deployed this run, so a stack whose
    /// parameters come from a stack not yet deployed cannot be prepared.
    pub preparing: bool,
}

/// Refuses with the list of every problem found; changes nothing.
pub async fn run<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    targets: &[Target],
    checks: Checks<'_>,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    problems.extend(account_problem(cloud, &checks.env.name, targets).await);
    if let Some(path) = checks.outputs_file {
        problems.extend(outputs_file_problem(path));
    }
    let mut deployed = std::collections::BTreeSet::new();
    for target in targets {
        problems.extend(zone_problem(target));
        // An error only for Ctrl-C while waiting for a busy stack.
        let (problem, exists) = state_problem(cloud, console, target, checks).await?;
        problems.extend(problem);
        if exists {
            deployed.insert(target.entry.name.as_str());
        }
        problems.extend(bucket_problem(cloud, target, checks.artifact_bucket).await);
    }
    if checks.preparing {
        problems.extend(unprepared_sources(targets, &deployed));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems
        .iter()
        .map(|p| format!("  - {}", p.replace('\n', "\n    ")))
        .collect();
    Err(Error::Refused(format!(
        "preflight found {} problem(s); nothing was changed:\n{}",
        problems.len(),
        list.join("\n")
    )))
}

/// For diff and destroy, which change nothing else that could be checked
/// first: refuses credentials of another account than the spec pins.
pub async fn check_account<K: Cloud>(
    cloud: &K,
    env: &str,
    targets: &[Target],
) -> Result<(), Error> {
    match account_problem(cloud, env, targets).await {
        Some(problem) => Err(Error::Refused(problem)),
        None => Ok(()),
    }
}

/// The spec's `account:` against the caller's identity, so a wrong profile
/// cannot send prod to another account. No call when no account is pinned.
pub async fn account_problem<K: Cloud>(cloud: &K, env: &str, targets: &[Target]) -> Option<String> {
    let pinned: Vec<&Target> = targets
        .iter()
        .filter(|t| t.entry.account.is_some())
        .collect();
    let first = pinned.first()?;
    let caller = match cloud.caller(&first.region).await {
        Ok(caller) => caller,
        Err(e) => {
            return Some(
                e.context("could not check the account of the credentials (STS GetCallerIdentity)")
                    .to_string(),
            );
        }
    };
    let wrong: Vec<String> = pinned
        .iter()
        .filter(|t| t.entry.account.as_deref() != Some(caller.account.as_str()))
        .map(|t| {
            format!(
                "{} (account {})",
                t.entry.stack_name,
                t.entry.account.as_deref().unwrap_or_default()
            )
        })
        .collect();
    (!wrong.is_empty()).then(|| {
        format!(
            "environment '{env}' must deploy to the account its spec names, but the credentials \
             in use ({}) belong to account {}: {}. Use the profile for that account \
             (--profile / AWS_PROFILE)",
            caller.arn,
            caller.account,
            wrong.join(", ")
        )
    })
}

/// The outputs file is written last, after every stack deployed: a path
/// that cannot be written must fail now, not turn a good deploy into exit 3.
pub fn outputs_file_problem(path: &Path) -> Option<String> {
    let Some(name) = path.file_name() else {
        return Some(format!(
            "--outputs-file {} is not a file path",
            path.display()
        ));
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let probe = dir.join(format!(".{}.archgen-preflight", name.to_string_lossy()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
        Err(e) => Some(format!(
            "--outputs-file {}: cannot write in {} ({e}); create the directory or choose another path",
            path.display(),
            dir.display()
        )),
    }
}

/// Zones named in the template (pinned in the spec) must be zones of the
/// region the stack deploys to: `--region us-west-2` on a spec pinned to
/// ap-northeast-1a would otherwise fail midway, or worse.
pub fn zone_problem(target: &Target) -> Option<String> {
    let mut zones = Vec::new();
    collect_zones(&target.template, &mut zones);
    zones.sort();
    zones.dedup();
    let foreign: Vec<&str> = zones
        .iter()
        .map(String::as_str)
        .filter(|z| !in_region(z, &target.region))
        .collect();
    (!foreign.is_empty()).then(|| {
        format!(
            "stack {} deploys to {} but its spec pins zones {}, which are not in that region: \
             drop --region, or pin zones of {} (or use `zones: N`)",
            target.entry.stack_name,
            target.region,
            foreign.join(", "),
            target.region
        )
    })
}

/// ap-northeast-1a is in ap-northeast-1; so is a Local Zone such as
/// us-west-2-lax-1a in us-west-2.
fn in_region(zone: &str, region: &str) -> bool {
    zone.strip_prefix(region).is_some_and(|rest| {
        rest.starts_with('-') || (rest.len() == 1 && rest.chars().all(|c| c.is_ascii_lowercase()))
    })
}

fn collect_zones(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match (k.as_str(), child) {
                    ("AvailabilityZone", Value::String(z)) => out.push(z.clone()),
                    ("AvailabilityZones", Value::Array(a)) => {
                        out.extend(a.iter().filter_map(Value::as_str).map(str::to_string))
                    }
                    _ => collect_zones(child, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_zones(x, out)),
        _ => {}
    }
}

/// Stacks whose parameters read outputs of a stack that is not deployed:
/// with `--no-execute` nothing gets deployed, so their change sets cannot be
/// made (the values do not exist yet).
fn unprepared_sources(
    targets: &[Target],
    deployed: &std::collections::BTreeSet<&str>,
) -> Vec<String> {
    targets
        .iter()
        .filter_map(|t| {
            let mut missing: Vec<&str> = t
                .entry
                .parameters
                .values()
                .map(|p| p.stack.as_str())
                .filter(|s| !deployed.contains(s))
                .collect();
            missing.sort();
            missing.dedup();
            (!missing.is_empty()).then(|| {
                format!(
                    "stack {} reads outputs of stack(s) {} that are not deployed yet, so its \
                     change set cannot be prepared: deploy {} first (without --no-execute)",
                    t.entry.stack_name,
                    missing.join(", "),
                    missing.join(", ")
                )
            })
        })
        .collect()
}

/// A stack deploy cannot start from (failed rollback, ...), after waiting
/// for a busy one, and whether the stack exists and can be updated; an
/// error only for Ctrl-C during that wait.
async fn state_problem<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    target: &Target,
    checks: Checks<'_>,
) -> Result<(Option<String>, bool), Error> {
    let name = target.entry.stack_name.as_str();
    let cfn = cloud.cloudformation(&target.region);
    let stack = match ops::settled(&cfn, console, checks.env, name).await {
        Ok(stack) => stack,
        Err(e @ Error::Interrupted(_)) => return Err(e),
        Err(e) => {
            let problem = e.context(format!("could not read stack {name}"));
            return Ok((Some(problem.to_string()), false));
        }
    };
    let st = state::classify(stack.as_ref());
    let exists = st == StackState::Updatable;
    Ok(match st {
        StackState::FailedCreate(_) if checks.may_recreate => (None, exists),
        st => (
            state::explain(&st, name, &target.region, &checks.env.name, "deploy"),
            exists,
        ),
    })
}

/// A template over the inline limit needs a bucket, and the bucket must be
/// reachable, before the first stack changes.
async fn bucket_problem<K: Cloud>(
    cloud: &K,
    target: &Target,
    bucket: Option<&str>,
) -> Option<String> {
    if target.body.len() <= MAX_INLINE_BYTES {
        return None;
    }
    let name = target.entry.stack_name.as_str();
    let cfn = cloud.cloudformation(&target.region);
    let bucket = crate::bootstrap::artifact_bucket(&cfn, target, bucket).await;
    let Some(bucket) = bucket.as_deref() else {
        return Some(upload::bucket_needed(
            name,
            target.body.len(),
            &target.region,
        ));
    };
    let bucket = upload::bucket_for(bucket, &target.region);
    cloud
        .artifacts(&target.region)
        .check_bucket(&bucket)
        .await
        .err()
        .map(|e| {
            e.context(format!(
                "the artifact bucket s3://{bucket} for stack {name} cannot be used (it must exist \
                 in {} and your credentials must be able to write to it)",
                target.region
            ))
            .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_belong_to_their_region() {
        assert!(in_region("ap-northeast-1a", "ap-northeast-1"));
        assert!(in_region("us-west-2-lax-1a", "us-west-2"));
        assert!(!in_region("ap-northeast-1a", "us-west-2"));
        // eu-west-1 is not a prefix match for eu-west-10a's region.
        assert!(!in_region("eu-west-10a", "eu-west-1"));
    }
}
