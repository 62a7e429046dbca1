//! `archgen compliance [ENV]`: the controls the synthesized templates apply
//! and every suppressed scanner rule with its reason, per environment, as
//! Markdown or JSON. Nothing is written; exit codes as `check`.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Error;
use crate::pipeline::synthesize;
use crate::spec::Project;
use archgen_synth::compliance;

#[derive(Debug, Args)]
#[command(
    about = "Report the controls the templates apply and every suppression, per environment",
    after_help = "\
Synthesizes each environment in memory (every declared one without ENV) and \
prints, per stack, what its templates apply: encryption at rest and in \
transit, logging, retention, backups, least privilege and secret rotation, \
each on the resource that carries it, then every scanner rule suppressed on a \
resource with its checkov, cfn-guard and cfn_nag ids and its reason. Read \
from the templates, so it changes with the spec.

Examples:
  archgen compliance prod > compliance-prod.md
  archgen compliance --format json --dir examples/user-management"
)]
pub struct ComplianceArgs {
    /// Environment to report (default: every declared environment).
    pub env: Option<String>,
    /// Project directory that holds stacks/.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// Report format on standard output.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ComplianceFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ComplianceFormat {
    Markdown,
    Json,
}

pub fn run(args: ComplianceArgs) -> Result<(), Error> {
    let project = Project::load(&args.dir)?;
    let environments = match &args.env {
        Some(env) => {
            super::synth::require_declared(&project, env, &args.dir)?;
            vec![env.clone()]
        }
        None => project.environment_names(),
    };
    let mut reports = Vec::new();
    for env in &environments {
        reports.push(compliance::report(&synthesize(&project, env)?));
    }
    let text = match args.format {
        ComplianceFormat::Markdown => compliance::markdown(&reports),
        ComplianceFormat::Json => compliance::json(&reports),
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| archgen_synth::Error::io("write the report to", "standard output", e))?;
    Ok(())
}
