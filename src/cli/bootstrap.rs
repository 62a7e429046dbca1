//! `archgen bootstrap`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::bootstrap;
use crate::deploy::watch::ProgressMode;

#[derive(Debug, Args)]
#[command(
    about = "Create the artifact bucket stack (archgen-bootstrap) in each region of an environment",
    after_help = "\
Templates over CloudFormation's 51,200-byte inline limit are uploaded to S3. bootstrap \
creates, once per account and region, a stack named archgen-bootstrap with an encrypted, \
TLS-only, versioned bucket (old versions expire after 90 days; the bucket is kept if the \
stack is deleted). deploy and diff then use it without --artifact-bucket, which still \
overrides it. Running bootstrap again updates the stack.

Exit codes: 0 bootstrapped, 1 invalid spec, 2 usage error, 3 AWS error or failure.

Example:
  archgen bootstrap --env prod && archgen deploy --env prod"
)]
pub struct BootstrapArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Progress display: `auto` is a live line on a terminal and one line per event otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,
}

pub fn run(args: BootstrapArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        bootstrap::run(&cloud, &mut console, &env, &targets, args.progress).await
    })
}
