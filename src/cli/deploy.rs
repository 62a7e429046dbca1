//! `archgen deploy`.

use clap::Args;
use std::path::PathBuf;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::approval::{ApprovalFlags, ApprovalMode};
use crate::deploy::console::Terminal;
use crate::deploy::ops::deploy::{self, DeployOptions, Execution};
use crate::deploy::ops::select;
use crate::deploy::watch::ProgressMode;

#[derive(Debug, Args)]
#[command(
    about = "Deploy an environment's stacks through CloudFormation change sets",
    after_help = "\
Before any change, a preflight checks the outputs file's directory, pinned zones against \
the region, every stack's state and the artifact bucket, and lists every problem. \
Stacks deploy in dependency order. Each change set is shown as a table before it runs; \
a change that deletes or replaces a resource holding data (database, bucket, table, key, \
...) is refused unless --allow-destructive is given, whatever the approval mode.

Exit codes: 0 deployed or nothing to do, 1 invalid spec, 2 usage error, \
3 refused / rejected / failed (the root cause is printed), 130 interrupted (Ctrl-C; \
CloudFormation carries on).

Examples:
  archgen deploy --env staging
  archgen deploy --env prod --yes --outputs-file outputs.json
  archgen deploy --env prod --profile prod-admin --artifact-bucket my-cfn-artifacts-{region}"
)]
pub struct DeployArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Only this stack (its spec name, `data`, or CloudFormation name); the
    /// others of the environment are left alone. The stacks it uses must be
    /// deployed already.
    #[arg(long = "stack", value_name = "NAME")]
    pub only: Option<String>,
    /// Approve without asking (destructive changes still need --allow-destructive).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// When to ask for approval.
    #[arg(long, value_enum, default_value = "broadening", value_name = "WHEN")]
    pub require_approval: ApprovalMode,
    /// Allow changes that delete or replace resources holding data.
    #[arg(long)]
    pub allow_destructive: bool,
    /// S3 bucket for templates over 51,200 bytes; `{region}` is replaced by the stack's region.
    #[arg(long, env = "ARCHGEN_ARTIFACT_BUCKET", value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// Role CloudFormation assumes to change the resources (the `ci:` block's
    /// CloudFormationExecutionRoleArn output); default: your credentials.
    #[arg(long, env = "ARCHGEN_CLOUDFORMATION_ROLE", value_name = "ARN")]
    pub cloudformation_role: Option<String>,
    /// Progress display: `auto` is a live line on a terminal and one line per event otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,
    /// Write the stacks' outputs to FILE as JSON ({"stack": {"Key": "value"}}).
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
    /// Delete and recreate a stack left in ROLLBACK_COMPLETE by a failed first creation.
    #[arg(long)]
    pub recreate: bool,
    /// Leave a failed deploy as it failed, without rolling back (for debugging).
    #[arg(long)]
    pub no_rollback: bool,
    /// Create and show the change sets, and keep them (under --change-set)
    /// for `deploy --execute`, instead of running them.
    #[arg(long, conflicts_with = "execute")]
    pub no_execute: bool,
    /// Run the change sets kept by `deploy --no-execute`, after checking they
    /// are still what the spec says.
    #[arg(long)]
    pub execute: bool,
    /// Name of the kept change sets (with --no-execute / --execute).
    #[arg(long, value_name = "NAME", default_value = "archgen-pending", value_parser = change_set_name)]
    pub change_set: String,
}

/// CloudFormation's rule for change set names.
fn change_set_name(name: &str) -> Result<String, String> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name.len() <= 128;
    if ok {
        Ok(name.to_string())
    } else {
        Err("a change set name is a letter, then letters, digits and hyphens (at most 128)".into())
    }
}

pub fn run(args: DeployArgs) -> Result<(), Error> {
    let (all, env) = args.stack.targets()?;
    let selection = select::select(all, args.only.as_deref())?;
    let execution = if args.no_execute {
        Execution::Prepare(args.change_set)
    } else if args.execute {
        Execution::Prepared(args.change_set)
    } else {
        Execution::Now
    };
    let opts = DeployOptions {
        execution,
        approval: ApprovalFlags {
            mode: args.require_approval,
            yes: args.yes,
            allow_destructive: args.allow_destructive,
            interactive: false,
        },
        artifact_bucket: args.artifact_bucket,
        cloudformation_role: args.cloudformation_role,
        progress: args.progress,
        outputs_file: args.outputs_file,
        recreate: args.recreate,
        no_rollback: args.no_rollback,
        dependencies: Default::default(),
    };
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        let opts = DeployOptions {
            dependencies: select::deployed_dependencies(&cloud, &env, &selection).await?,
            ..opts
        };
        deploy::run(&cloud, &mut console, &env, &selection.targets, &opts).await?;
        Ok(())
    })
}
