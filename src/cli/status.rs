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
    /// Print the status as JSON (fields in docs/deploy.md) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: StatusArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        if args.json {
            println!(
                "{}",
                status::report(&cloud, &env.name, &targets).await?.to_json()
            );
        } else {
            status::run(&cloud, &mut Terminal::new(), &targets).await?;
        }
        Ok(())
    })
}
