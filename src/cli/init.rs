//! `archgen init`: a new project from a preset in `templates/init/`,
//! rendered with tera and embedded in the binary, so it works from an
//! installed archgen with no source tree.

use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

use super::Error;
use crate::check::is_name;

#[derive(Debug, Args)]
#[command(
    about = "Start a project: stacks/main.yaml from a preset, and a .gitignore",
    after_help = "\
Writes stacks/main.yaml and .gitignore into --dir (with --ci github, also \
.github/workflows/archgen.yml), and refuses if any of them exists (nothing \
is overwritten). The spec's comments explain each block.

Presets:
  web-app      a load balancer, a service and a PostgreSQL database (three tiers)
  api-worker   an API service that sends work to a queue, and a Lambda worker
  static-site  a private bucket served by CloudFront, with DNS

Examples:
  archgen init --preset web-app --name shop --region eu-west-1
  archgen init --preset static-site --dir site && archgen synth dev --dir site
  archgen init --ci github    # plus a workflow: check and diff pull requests, deploy main"
)]
pub struct InitArgs {
    /// What the project starts as.
    #[arg(long, value_enum, default_value = "web-app")]
    pub preset: Preset,
    /// The app name (default: the directory's name).
    #[arg(long)]
    pub name: Option<String>,
    /// The AWS region the stack deploys to.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// The project directory (created if missing).
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// Also write a CI workflow: `github` writes .github/workflows/archgen.yml
    /// (check and diff on pull requests, deploy on merge to main).
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub ci: Option<Ci>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Ci {
    Github,
}

/// The environment the CI workflow diffs pull requests against and deploys
/// on merge: every preset declares it.
const CI_ENVIRONMENT: &str = "prod";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    WebApp,
    ApiWorker,
    StaticSite,
}

impl Preset {
    fn template(self) -> &'static str {
        match self {
            Preset::WebApp => include_str!("../../templates/init/web-app.yaml.tera"),
            Preset::ApiWorker => include_str!("../../templates/init/api-worker.yaml.tera"),
            Preset::StaticSite => include_str!("../../templates/init/static-site.yaml.tera"),
        }
    }
}

const GITIGNORE: &str = include_str!("../../templates/init/gitignore.tera");
const GITHUB_WORKFLOW: &str = include_str!("../../templates/init/github-workflow.yml.tera");

pub fn run(args: InitArgs) -> Result<(), Error> {
    let name = match &args.name {
        Some(n) => n.clone(),
        None => directory_name(&args.dir)?,
    };
    if !is_name(&name, 32) {
        return Err(Error::usage(format!(
            "'{name}' cannot name an app: use 1 to 32 lowercase letters, digits and hyphens, \
             starting with a letter (--name)"
        )));
    }
    if !archgen_synth::check::REGIONS.contains(&args.region.as_str()) {
        return Err(Error::usage(format!(
            "'{}' is not an AWS region (--region), e.g. us-east-1 or ap-northeast-1",
            args.region
        )));
    }
    let mut files = vec![
        (
            args.dir.join("stacks/main.yaml"),
            render(args.preset.template(), &name, &args.region)?,
        ),
        (args.dir.join(".gitignore"), GITIGNORE.to_string()),
    ];
    if args.ci == Some(Ci::Github) {
        files.push((
            args.dir.join(".github/workflows/archgen.yml"),
            render(GITHUB_WORKFLOW, &name, &args.region)?,
        ));
    }
    // Nothing is written unless every file is new.
    let taken: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !taken.is_empty() {
        return Err(Error::usage(format!(
            "{} already exist(s): archgen init writes only new files (choose another --dir)",
            taken.join(", ")
        )));
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| archgen_synth::Error::io("create", parent, e))?;
        }
        std::fs::write(path, text).map_err(|e| archgen_synth::Error::io("write", path, e))?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "next: archgen synth dev --dir {} (then replace the example domains and zone ids)",
        args.dir.display()
    );
    Ok(())
}

fn render(template: &str, app: &str, region: &str) -> Result<String, Error> {
    let mut context = tera::Context::new();
    context.insert("app", app);
    context.insert("region", region);
    context.insert("schema_url", super::schema::SCHEMA_URL);
    context.insert("version", env!("CARGO_PKG_VERSION"));
    context.insert("environment", CI_ENVIRONMENT);
    let mut tera = tera::Tera::default();
    tera.add_raw_template("preset", template)
        .and_then(|()| tera.render("preset", &context))
        .map_err(|e| Error::usage(format!("the template does not render: {e}")))
}

/// The app name a directory suggests: its own name, made usable.
fn directory_name(dir: &Path) -> Result<String, Error> {
    let absolute =
        std::path::absolute(dir).map_err(|e| archgen_synth::Error::io("resolve", dir, e))?;
    let name = absolute
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .to_ascii_lowercase()
                .replace(['_', ' ', '.'], "-")
        })
        .unwrap_or_default();
    Ok(name)
}
