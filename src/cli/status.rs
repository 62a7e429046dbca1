//! `archgen status`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::status;

#[derive(Debug, Args)]
#[command(
    about = "Show each stack's status, last change and outputs",
    after_help = "\
A stack that failed shows the first failed resources and their reasons.

Exit codes: 0 success (whatever the stacks' state), 1 invalid spec, 2 usage error, 3 AWS \
or other failure.

Examples:
  archgen status --env staging
  archgen status --env prod --profile prod-readonly"
)]
pub struct StatusArgs {
    #[command(flatten)]
    pub stack: StackArgs,
}

pub fn run(args: StatusArgs) -> Result<(), Error> {
    let (targets, _env) = args.stack.targets()?;
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        status::run(&cloud, &mut console, &targets).await?;
        Ok(())
    })
}
