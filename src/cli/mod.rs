//! Command-line interface: one file per subcommand, each turning raw flags
//! into a call on the library.

pub mod check;
#[cfg(feature = "deploy")]
pub mod common;
#[cfg(feature = "deploy")]
pub mod deploy;
#[cfg(feature = "deploy")]
pub mod destroy;
#[cfg(feature = "deploy")]
pub mod diff;
pub mod explain;
#[cfg(feature = "deploy")]
pub mod status;
pub mod synth;
pub mod version;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

use crate::diagnostic::Diagnostics;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the spec is invalid (every problem is listed with file, line and field)
  2  usage error (unknown flag, missing argument, unknown environment)
  1  also: `diff --fail` found changes
  3  something else failed (writing output, AWS, a refused or failed deploy, ...)
  130  interrupted while watching a deploy or destroy (CloudFormation carries on)

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Synth(synth::SynthArgs),
    Check(check::CheckArgs),
    #[cfg(feature = "deploy")]
    Deploy(deploy::DeployArgs),
    #[cfg(feature = "deploy")]
    Diff(diff::DiffArgs),
    #[cfg(feature = "deploy")]
    Destroy(destroy::DestroyArgs),
    #[cfg(feature = "deploy")]
    Status(status::StatusArgs),
    Explain(explain::ExplainArgs),
}

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The spec is invalid: exit 1.
    Spec(Diagnostics),
    /// The command line is wrong: exit 2.
    Usage(String),
    /// Anything else: exit 3.
    Other(anyhow::Error),
    /// `diff --fail` found this many changes: exit 1.
    ChangesPresent(usize),
    /// Ctrl-C while watching an operation that carries on: exit 130.
    Interrupted(String),
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Spec(d)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Spec(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Other(_) => 3,
            Failure::ChangesPresent(_) => 1,
            Failure::Interrupted(_) => 130,
        })
    }

    /// What to print on stderr. Spec problems come styled with ANSI colours:
    /// print through `anstream`, which drops them when stderr is not a
    /// terminal or `NO_COLOR` is set (and keeps them with `CLICOLOR_FORCE`).
    pub fn report(&self) -> String {
        match self {
            Failure::Spec(d) => d.render(true),
            Failure::Usage(m) => format!("error: {m}"),
            Failure::Other(e) => format!("error: {e:#}"),
            Failure::ChangesPresent(n) => {
                format!("{n} change(s) present (exit 1 because of --fail)")
            }
            Failure::Interrupted(m) => format!("interrupted: {m}"),
        }
    }
}

pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Synth(args) => synth::run(args),
        Command::Check(args) => check::run(args),
        #[cfg(feature = "deploy")]
        Command::Deploy(args) => deploy::run(args),
        #[cfg(feature = "deploy")]
        Command::Diff(args) => diff::run(args),
        #[cfg(feature = "deploy")]
        Command::Destroy(args) => destroy::run(args),
        #[cfg(feature = "deploy")]
        Command::Status(args) => status::run(args),
        Command::Explain(args) => explain::run(args),
    }
}
