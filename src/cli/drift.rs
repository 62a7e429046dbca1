//! `archgen drift`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::drift;

#[derive(Debug, Args)]
#[command(
    about = "Detect drift: resources changed outside CloudFormation, with the properties that differ",
    after_help = "\
Runs CloudFormation's drift detection on every deployed stack of the environment and lists \
the resources found MODIFIED or DELETED, each with its property differences (expected -> \
actual). Not every resource type supports drift detection; those are not checked.

Exit codes: 0 success (with --fail: no drift), 1 invalid spec, 2 usage error, 3 AWS error, \
4 drift found (only with --fail).

Examples:
  archgen drift --env prod
  archgen drift --env prod --fail       # in CI: exit 4 when something drifted"
)]
pub struct DriftArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Exit 4 when a resource drifted (for CI).
    #[arg(long)]
    pub fail: bool,
}

pub fn run(args: DriftArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    let drifted = runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        drift::run(&cloud, &mut Terminal::new(), &env, &targets).await
    })?;
    if args.fail && drifted > 0 {
        return Err(Error::Drifted(drifted));
    }
    Ok(())
}
