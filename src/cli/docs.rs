//! `archgen docs`: the design documents of every stack and environment,
//! written next to `stacks/` (see `crate::docs`).

use clap::Args;
use std::path::PathBuf;

use super::Error;
use crate::diagnostic::{did_you_mean, nearest_names};
use crate::docs;
use crate::render;
use crate::spec::Project;

#[derive(Debug, Args)]
#[command(
    about = "Write a Markdown design document per stack and environment (diagram, reachability, grants)",
    after_help = "\
Each document (<stack>.<env>.md) describes what the templates deploy: a Mermaid \
diagram, the network, services, data, edge, identity, messaging and alarms, who \
can reach whom, what each workload may do, what is kept on delete, the defaults \
switched off, and the settings that differ between environments. Every \
environment is checked. --out holds only archgen's documents and their \
manifest.json: it must be missing, empty or archgen docs' own earlier output, \
and is replaced all or nothing.

Examples:
  archgen docs                                   # every environment, into docs/
  archgen docs prod --dir examples/solo-saving --out /tmp/solo-docs"
)]
pub struct DocsArgs {
    /// Only this environment [default: every declared one]; --out then holds its documents alone.
    #[arg(value_name = "ENV")]
    pub env: Option<String>,
    /// Project directory that holds stacks/.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// Output directory [default: <dir>/docs].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(args: DocsArgs) -> Result<(), Error> {
    let project = Project::load(&args.dir)?;
    let declared = project.environment_names();
    let environments = match args.env {
        None => declared,
        Some(env) if declared.contains(&env) => vec![env],
        Some(env) => {
            let hint = did_you_mean(&env, declared.iter().map(String::as_str))
                .map(|s| format!(" Did you mean '{s}'?"))
                .unwrap_or_default();
            return Err(Error::usage(format!(
                "environment '{env}' is not declared in {}/stacks.{hint} Declared environments: {}",
                args.dir.display(),
                nearest_names(&env, declared.iter().map(String::as_str))
            )));
        }
    };
    let documents = docs::generate(&project, &environments)?;
    let out = args.out.unwrap_or_else(|| args.dir.join("docs"));
    let files = documents
        .into_iter()
        .map(|d| (d.file_name, d.text))
        .collect();
    for path in render::write_files(files, &out, &args.dir, "docs")? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
