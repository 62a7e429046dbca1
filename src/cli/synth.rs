//! `archgen synth`: spec in, templates and manifest out.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::Error;
use crate::diagnostic::{did_you_mean, nearest_names};
use crate::pipeline::synthesize;
use crate::render::{self, Format};
use crate::spec::Project;

#[derive(Debug, Args)]
#[command(
    about = "Check the spec and write one CloudFormation template per stack",
    after_help = "\
Every stack file under stacks/ is checked in every declared environment, so a \
mistake in any overlay fails the run. Output is all-or-nothing: on any error \
nothing is written and the previous output stays. --out must be empty, missing, or \
archgen's own earlier output (its manifest.json and templates, nothing else): \
archgen never replaces a directory it did not write.

Examples:
  archgen synth prod
  archgen synth --env staging --dir examples/neuraknot --out /tmp/neuraknot
  archgen synth dev --stack main --stdout --format yaml"
)]
pub struct SynthArgs {
    /// Environment to synthesize (as declared under `environments:`).
    #[arg(
        value_name = "ENV",
        required_unless_present = "env_flag",
        conflicts_with = "env_flag"
    )]
    pub env: Option<String>,
    /// Environment to synthesize (same as the positional ENV).
    #[arg(long = "env", value_name = "ENV")]
    pub env_flag: Option<String>,
    /// Project directory that holds stacks/.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// Output directory [default: <dir>/out/<env>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Template format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatArg,
    /// Print the template to standard output instead of writing files.
    #[arg(long)]
    pub stdout: bool,
    /// Only this stack (file stem under stacks/); required with --stdout when there are several.
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
}

/// `--format`: the renderer lives in the synth library, which knows nothing
/// of command lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Json,
    Yaml,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Json => Format::Json,
            FormatArg::Yaml => Format::Yaml,
        }
    }
}

/// A usage error naming the declared environments unless `env` is one.
pub(super) fn require_declared(
    project: &Project,
    env: &str,
    dir: &std::path::Path,
) -> Result<(), Error> {
    let declared = project.environment_names();
    if declared.iter().any(|d| d == env) {
        return Ok(());
    }
    let hint = did_you_mean(env, declared.iter().map(String::as_str))
        .map(|s| format!(" Did you mean '{s}'?"))
        .unwrap_or_default();
    Err(Error::usage(format!(
        "environment '{env}' is not declared in {}/stacks.{hint} Declared environments: {}",
        dir.display(),
        nearest_names(env, declared.iter().map(String::as_str))
    )))
}

pub fn run(args: SynthArgs) -> Result<(), Error> {
    let format = Format::from(args.format);
    let env = args
        .env
        .or(args.env_flag)
        .expect("clap requires ENV or --env");
    let project = Project::load(&args.dir)?;
    require_declared(&project, &env, &args.dir)?;
    let mut synthesis = synthesize(&project, &env)?;
    if !synthesis.warnings.is_empty() {
        anstream::eprintln!("{}", synthesis.warnings.render(true));
    }
    for note in &synthesis.notes {
        eprintln!("note: {note}");
    }
    if let Some(only) = &args.stack {
        let names: Vec<String> = synthesis
            .manifest
            .stacks
            .iter()
            .map(|s| s.name.clone())
            .collect();
        if !names.contains(only) {
            return Err(Error::usage(format!(
                "there is no stack '{only}'; stacks: {}",
                nearest_names(only, names.iter().map(String::as_str))
            )));
        }
        let keep: Vec<bool> = synthesis
            .manifest
            .stacks
            .iter()
            .map(|s| &s.name == only)
            .collect();
        let mut k = keep.iter();
        synthesis
            .manifest
            .stacks
            .retain(|_| *k.next().unwrap_or(&false));
        let mut k = keep.iter();
        synthesis.templates.retain(|_| *k.next().unwrap_or(&false));
    }
    if args.stdout {
        if synthesis.templates.len() != 1 {
            return Err(Error::usage(
                "--stdout prints one template: choose it with --stack NAME",
            ));
        }
        let body = format.render(&synthesis.templates[0].1);
        std::io::stdout()
            .write_all(body.as_bytes())
            .map_err(|e| archgen_synth::Error::io("write the template to", "standard output", e))?;
        return Ok(());
    }
    let out = args.out.unwrap_or_else(|| args.dir.join("out").join(&env));
    let written = render::write(&synthesis, &out, &args.dir, format)?;
    for (path, entry) in written.iter().zip(&synthesis.manifest.stacks) {
        let resources = synthesis
            .template(&entry.name)
            .map_or(0, |t| t.resources.len());
        eprintln!(
            "wrote {} ({} resources, stack {} in {})",
            path.display(),
            resources,
            entry.stack_name,
            entry.region
        );
    }
    Ok(())
}
