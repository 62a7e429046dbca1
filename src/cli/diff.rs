//! `archgen diff`.

use clap::Args;
use std::io::Write;

use super::Error;
use super::common::{StackArgs, runtime};
use crate::deploy::console::{ProgressOnStderr, Quiet, Terminal};
use crate::deploy::ops::{diff, select};
use crate::diff_markdown;

#[derive(Debug, Args)]
#[command(
    about = "Show what deploy would change, without changing anything",
    after_help = "\
For an existing stack a change set is created, shown, and deleted. For a stack that does \
not exist yet, the resources it would create are listed from the template (a change set \
would create the stack).

Exit codes: 0 success (with --fail: no changes), 1 invalid spec, 2 usage error, 3 AWS or \
other failure, 4 changes are present (only with --fail).

With --format markdown the result is a Markdown table per stack on standard output \
(for a pull-request comment) and the progress goes to standard error.

Examples:
  archgen diff --env staging
  archgen diff --env prod --fail        # in CI: exit 4 when prod would change
  archgen diff --env prod --json        # the changes as JSON, for scripts
  archgen diff --env prod --format markdown > diff.md"
)]
pub struct DiffArgs {
    #[command(flatten)]
    pub stack: StackArgs,
    /// Only this stack (its spec name, `data`, or CloudFormation name); the
    /// others of the environment are left alone. The stacks it uses must be
    /// deployed already.
    #[arg(long = "stack", value_name = "NAME")]
    pub only: Option<String>,
    /// Exit 4 when there are changes (for CI).
    #[arg(long)]
    pub fail: bool,
    /// Print the changes as JSON (fields in docs/deploy.md) instead of tables.
    #[arg(long)]
    pub json: bool,
    /// S3 bucket for templates over 51,200 bytes; `{region}` is replaced by the stack's region.
    #[arg(long, env = "ARCHGEN_ARTIFACT_BUCKET", value_name = "BUCKET")]
    pub artifact_bucket: Option<String>,
    /// Output format: a table per stack for the terminal, or Markdown.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
}

pub fn run(args: DiffArgs) -> Result<(), Error> {
    let (all, env) = args.stack.targets()?;
    let selection = select::select(all, args.only.as_deref())?;
    let targets = &selection.targets;
    let bucket = args.artifact_bucket.as_deref();
    let changes = runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        let deps = select::deployed_dependencies(&cloud, &env, &selection).await?;
        if args.format == DiffFormat::Markdown {
            let report =
                diff::report_with(&cloud, &mut ProgressOnStderr, &env, targets, bucket, deps)
                    .await?;
            std::io::stdout()
                .write_all(diff_markdown::render(&report)?.as_bytes())
                .map_err(|e| archgen_synth::Error::io("write the diff to", "standard output", e))?;
            return Ok(report.changes);
        }
        if !args.json {
            let mut console = Terminal::new();
            return diff::report_with(&cloud, &mut console, &env, targets, bucket, deps)
                .await
                .map(|r| r.changes);
        }
        // The tables go nowhere; the report is the output.
        let mut quiet = Quiet;
        let report = diff::report_with(&cloud, &mut quiet, &env, targets, bucket, deps).await?;
        println!("{}", report.to_json());
        Ok(report.changes)
    })?;
    if args.fail && changes > 0 {
        return Err(Error::ChangesPresent(changes));
    }
    Ok(())
}
