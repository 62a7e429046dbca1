//! Command-line interface: one file per subcommand, each turning raw flags
//! into a call on the library.

#[cfg(feature = "deploy")]
pub mod bootstrap;
pub mod check;
#[cfg(feature = "deploy")]
pub mod common;
pub mod completions;
pub mod compliance;
#[cfg(feature = "deploy")]
pub mod deploy;
#[cfg(feature = "deploy")]
pub mod destroy;
#[cfg(feature = "deploy")]
pub mod diff;
pub mod docs;
#[cfg(feature = "deploy")]
pub mod drift;
pub mod explain;
pub mod init;
#[cfg(feature = "deploy")]
pub mod recover;
pub mod schema;
#[cfg(feature = "deploy")]
pub mod status;
pub mod synth;
pub mod version;

use clap::{Parser, Subcommand};

/// How a command failed; `exit_code()` decides the exit code. With the
/// deployer built in, its error (which wraps the synthesizer's); without,
/// the synthesizer's alone.
#[cfg(feature = "deploy")]
pub use archgen_deploy::Error;
#[cfg(not(feature = "deploy"))]
pub use archgen_synth::Error;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the spec is invalid (every problem is listed with file, line and field)
  2  usage error (unknown flag, missing argument, unknown environment)
  3  something else failed (writing output, AWS, a refused or failed deploy, ...)
  4  `diff --fail` found changes, or `drift --fail` found drift
  130  interrupted: Ctrl-C at a prompt, or while watching (CloudFormation carries on)

Example:
  archgen synth prod                     # writes out/prod/<stack>.template.json
  archgen check --format sarif           # every environment, nothing written (CI)
  archgen synth dev --dir examples/solo-saving --format yaml
  archgen diff --env staging && archgen deploy --env staging
  archgen explain NET003                 # what an error's rule checks, and how to fix it";

#[derive(Debug, Parser)]
#[command(
    name = "archgen",
    version = version::VERSION.as_str(),
    about = "Turns a typed description of an AWS architecture into CloudFormation, and deploys it",
    long_about = "archgen reads stacks/*.yaml (one file per stack, with per-environment overlays), \
checks it, and synthesizes one deterministic CloudFormation template per stack with safe defaults: \
encryption on, public access blocked, least privilege derived from declared connections.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Show details of AWS failures (the SDK's full account) after the
    /// one-line message.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Synth(synth::SynthArgs),
    Check(check::CheckArgs),
    Docs(docs::DocsArgs),
    Compliance(compliance::ComplianceArgs),
    #[cfg(feature = "deploy")]
    Deploy(deploy::DeployArgs),
    #[cfg(feature = "deploy")]
    Diff(diff::DiffArgs),
    #[cfg(feature = "deploy")]
    Destroy(destroy::DestroyArgs),
    #[cfg(feature = "deploy")]
    Status(status::StatusArgs),
    #[cfg(feature = "deploy")]
    Drift(drift::DriftArgs),
    #[cfg(feature = "deploy")]
    Bootstrap(bootstrap::BootstrapArgs),
    #[cfg(feature = "deploy")]
    Cancel(recover::CancelArgs),
    #[cfg(feature = "deploy")]
    ContinueRollback(recover::ContinueRollbackArgs),
    Explain(explain::ExplainArgs),
    Init(init::InitArgs),
    Schema(schema::SchemaArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}

/// What to print on stderr for `error`; `verbose` adds AWS details.
pub fn report(error: &Error, verbose: bool) -> String {
    #[cfg(feature = "deploy")]
    return error.report(verbose);
    #[cfg(not(feature = "deploy"))]
    {
        let _ = verbose;
        error.report()
    }
}

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Synth(args) => synth::run(args),
        Command::Check(args) => check::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Compliance(args) => compliance::run(args),
        #[cfg(feature = "deploy")]
        Command::Deploy(args) => deploy::run(args),
        #[cfg(feature = "deploy")]
        Command::Diff(args) => diff::run(args),
        #[cfg(feature = "deploy")]
        Command::Destroy(args) => destroy::run(args),
        #[cfg(feature = "deploy")]
        Command::Status(args) => status::run(args),
        #[cfg(feature = "deploy")]
        Command::Drift(args) => drift::run(args),
        #[cfg(feature = "deploy")]
        Command::Bootstrap(args) => bootstrap::run(args),
        #[cfg(feature = "deploy")]
        Command::Cancel(args) => recover::cancel(args),
        #[cfg(feature = "deploy")]
        Command::ContinueRollback(args) => recover::continue_rollback(args),
        Command::Explain(args) => explain::run(args),
        Command::Init(args) => init::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    }
}
