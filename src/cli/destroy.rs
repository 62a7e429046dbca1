//! `archgen destroy`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::destroy::{self, DestroyOptions};
use crate::deploy::ops::select;
use crate::deploy::watch::ProgressMode;

#[derive(Debug, Args)]
#[command(
    about = "Delete an environment's stacks, last deployed first",
    after_help = "\
Each stack is deleted after its name is typed back (or with --yes). A stack with \
termination protection is refused unless --disable-termination-protection is given, which \
turns protection off and then deletes. Resources kept by DeletionPolicy Retain or Snapshot \
are listed at the end: they still exist and cost money until deleted by hand.

Exit codes: 0 deleted (or nothing to delete), 1 invalid spec, 2 usage error, 3 refused or \
failed, 130 interrupted (Ctrl-C; CloudFormation carries on).

Examples:
  archgen destroy --env dev
  archgen destroy --env preview-42 --yes
  archgen destroy --env prod --disable-termination-protection"
)]
pub struct DestroyArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Only this stack (its spec name, `data`, or CloudFormation name); the
    /// others of the environment are left alone. Refused while a deployed stack
    /// uses it.
    #[arg(long = "stack", value_name = "NAME")]
    pub only: Option<String>,
    /// Delete without asking for the stack name.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Turn termination protection off, then delete.
    #[arg(long)]
    pub disable_termination_protection: bool,
    /// Progress display: `auto` is a live line on a terminal and one line per event otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,
}

pub fn run(args: DestroyArgs) -> Result<(), Error> {
    let (all, env) = args.stack.targets()?;
    let selection = select::select(all, args.only.as_deref())?;
    let opts = DestroyOptions {
        yes: args.yes,
        disable_termination_protection: args.disable_termination_protection,
        progress: args.progress,
    };
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        select::no_deployed_dependents(&cloud, &env, &selection).await?;
        destroy::run(&cloud, &mut console, &env, &selection.targets, opts).await?;
        Ok(())
    })
}
