//! `archgen diff`.

use clap::Args;
use std::io::Write;

use super::Failure;
use super::common::{StackArgs, runtime};
use crate::deploy::console::Terminal;
use crate::deploy::markdown::{self, ProgressOnStderr};
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

With --format markdown the result is a Markdown table per stack on standard output \
(for a pull-request comment) and the progress goes to standard error.

Examples:
  archgen diff --env staging
  archgen diff --env prod --fail        # in CI: exit 1 when prod would change
  archgen diff --env prod --format markdown > diff.md"
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
    /// Output format: a table per stack for the terminal, or Markdown.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
}

pub fn run(args: DiffArgs) -> Result<(), Failure> {
    let (targets, env) = args.stack.targets()?;
    let bucket = args.artifact_bucket.as_deref();
    let changes = runtime()?.block_on(async {
        let cloud = args.stack.cloud().await?;
        if args.format == DiffFormat::Markdown {
            let stacks =
                markdown::collect(&cloud, &mut ProgressOnStderr, &env, &targets, bucket).await?;
            std::io::stdout()
                .write_all(markdown::render(&env.name, &stacks).as_bytes())
                .map_err(anyhow::Error::from)?;
            return Ok(stacks.iter().map(|s| s.outcome.change_count()).sum());
        }
        let mut console = Terminal::new();
        Ok::<_, Failure>(diff::run(&cloud, &mut console, &env, &targets, bucket).await?)
    })?;
    if args.fail && changes > 0 {
        return Err(Failure::ChangesPresent(changes));
    }
    Ok(())
}
