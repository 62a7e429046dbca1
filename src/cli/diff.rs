//! `archgen diff`.

use clap::Args;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::{Quiet, Terminal};
use crate::deploy::ops::diff;

#[derive(Debug, Args)]
#[command(
    about = "Show what deploy would change, without changing anything",
    after_help = "\
For an existing stack a change set is created, shown, and deleted. For a stack that does \
not exist yet, the resources it would create are listed from the template (a change set \
would create the stack).

Exit codes: 0 success (with --fail: no changes), 1 invalid spec, 2 usage error, 3 AWS or \
other failure, 4 changes are present (only with --fail).

Examples:
  archgen diff --env staging
  archgen diff --env prod --fail        # in CI: exit 4 when prod would change
  archgen diff --env prod --json        # the changes as JSON, for scripts"
)]
pub struct DiffArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Exit 4 when there are changes (for CI).
    #[arg(long)]
    pub fail: bool,
    /// Print the changes as JSON (fields in docs/deploy.md) instead of tables.
    #[arg(long)]
    pub json: bool,
    /// S3 bucket for templates over 51,200 bytes; `{region}` is replaced by the stack's region.
    #[arg(long, env = "ARCHGEN_ARTIFACT_BUCKET", value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
}

pub fn run(args: DiffArgs) -> Result<(), Error> {
    let (targets, env) = args.stack.targets()?;
    let changes = runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        if !args.json {
            let mut console = Terminal::new();
            let bucket = args.artifact_bucket.as_deref();
            return diff::run(&cloud, &mut console, &env, &targets, bucket).await;
        }
        // The tables go nowhere; the report is the output.
        let mut quiet = Quiet;
        let report = diff::report(
            &cloud,
            &mut quiet,
            &env,
            &targets,
            args.artifact_bucket.as_deref(),
        )
        .await?;
        println!("{}", report.to_json());
        Ok(report.changes)
    })?;
    if args.fail && changes > 0 {
        return Err(Error::ChangesPresent(changes));
    }
    Ok(())
}
