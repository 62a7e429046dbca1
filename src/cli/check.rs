//! `archgen check`: every stack in every environment, checked and
//! synthesized in memory; nothing is written. For CI: plain text for people,
//! SARIF for code scanning.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Error;
use crate::diagnostic::{Diagnostics, sarif};
use crate::pipeline::synthesize;
use crate::spec::Project;

#[derive(Debug, Args)]
#[command(
    about = "Check every environment of the spec without writing anything",
    after_help = "\
Runs everything synth runs, for every environment declared under \
`environments:`, and writes nothing. Exit codes as synth: 0 no problem (or \
warnings only), 1 the spec is invalid, 2 usage error.

With --format sarif a SARIF 2.1.0 log goes to standard output (also when \
there are problems, with exit 1), for GitHub code scanning, each result with \
its level (error or warning); the problems are also reported on standard error.

Examples:
  archgen check
  archgen check --dir examples/neuraknot --format sarif > archgen.sarif"
)]
pub struct CheckArgs {
    /// Project directory that holds stacks/.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// Report format on standard output.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Sarif,
}

pub fn run(args: CheckArgs) -> Result<(), Error> {
    let (diagnostics, environments) = check(&args.dir);
    if args.format == CheckFormat::Sarif {
        let log = sarif::log(&diagnostics, env!("CARGO_PKG_VERSION"));
        writeln!(std::io::stdout(), "{log:#}").map_err(|e| {
            archgen_synth::Error::io("write the SARIF log to", "standard output", e)
        })?;
    }
    if diagnostics.has_errors() {
        return Err(Error::from(diagnostics));
    }
    if !diagnostics.is_empty() {
        anstream::eprintln!("{}", diagnostics.render(true));
    }
    eprintln!(
        "checked {} environment(s) ({}): {}",
        environments.len(),
        environments.join(", "),
        if diagnostics.is_empty() {
            "no problems"
        } else {
            "no errors"
        }
    );
    Ok(())
}

/// Every problem of every environment (each reported once), and the
/// environments checked.
fn check(dir: &std::path::Path) -> (Diagnostics, Vec<String>) {
    let project = match Project::load(dir) {
        Ok(project) => project,
        Err(diagnostics) => return (diagnostics, Vec::new()),
    };
    let environments = project.environment_names();
    let mut all = Diagnostics::default();
    for env in &environments {
        match synthesize(&project, env) {
            Ok(synthesis) => synthesis.warnings.0.into_iter().for_each(|d| all.push(d)),
            Err(found) => found.0.into_iter().for_each(|d| all.push(d)),
        }
    }
    (all.finish(), environments)
}
