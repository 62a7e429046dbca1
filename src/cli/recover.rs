//! `archgen cancel` and `archgen continue-rollback`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::recover;
use crate::deploy::watch::ProgressMode;

#[derive(Debug, Args)]
#[command(
    about = "Cancel the updates in progress of an environment's stacks (CloudFormation rolls them back)",
    after_help = "\
Only updates can be cancelled; a stack being created is deleted with destroy once it \
settles. Each cancelled update is followed until its rollback ends.

Exit codes: 0 cancelled and rolled back (or nothing to cancel), 1 invalid spec, 2 usage \
error, 3 AWS error or the rollback failed, 130 interrupted.

Example:
  archgen cancel --env staging"
)]
pub struct CancelArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Progress display: `auto` is a live line on a terminal and one line per event otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,
}

#[derive(Debug, Args)]
#[command(
    about = "Continue the failed rollbacks (UPDATE_ROLLBACK_FAILED) of an environment's stacks",
    after_help = "\
Fix what stopped the rollback first (the stack events say: archgen status --env ENV). \
Resources that cannot roll back can be skipped with --skip; CloudFormation then considers \
them rolled back, so check them by hand.

Exit codes: 0 rolled back (or nothing to continue), 1 invalid spec, 2 usage error, 3 AWS \
error or the rollback failed again, 130 interrupted.

Examples:
  archgen continue-rollback --env prod
  archgen continue-rollback --env prod --skip Database"
)]
pub struct ContinueRollbackArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Logical id of a resource to skip (repeatable).
    #[arg(long = "skip", value_name = "LOGICAL_ID")]
    pub skip: Vec<String>,
    /// Progress display: `auto` is a live line on a terminal and one line per event otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,
}

pub fn cancel(args: CancelArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        recover::cancel(&cloud, &mut console, &env, &targets, args.progress).await
    })
}

pub fn continue_rollback(args: ContinueRollbackArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        recover::continue_rollback(
            &cloud,
            &mut console,
            &env,
            &targets,
            &args.skip,
            args.progress,
        )
        .await
    })
}
