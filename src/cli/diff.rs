//! `archgen diff`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::ops::diff;

#[derive(Debug, Args)]
#[command(
    about = "Show what deploy would change, without changing anything",
    after_help = "\
For an existing stack a change set is created, shown, and deleted. For a stack that does \
not exist yet, the resources it would create are listed from the template (a change set \
would create the stack).

Exit codes: 0 success (with --fail: no changes), 1 invalid spec, or with --fail: changes \
are present, 2 usage error, 3 AWS or other failure.

Examples:
  archgen diff --env staging
  archgen diff --env prod --fail        # in CI: exit 1 when prod would change"
)]
pub struct DiffArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Exit 1 when there are changes (for CI).
    #[arg(long)]
    pub fail: bool,
    /// S3 bucket for templates over 51,200 bytes; `{region}` is replaced by the stack's region.
    #[arg(long, env = "ARCHGEN_ARTIFACT_BUCKET", value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
}

pub fn run(args: DiffArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    let changes = runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let mut console = Terminal::new();
        diff::run(
            &cloud,
            &mut console,
            &env,
            &targets,
            args.artifact_bucket.as_deref(),
        )
        .await
    })?;
    if args.fail && changes > 0 {
        return Err(Error::ChangesPresent(changes));
    }
    Ok(())
}
