//! What the AWS-facing subcommands share: choosing the environment,
//! synthesizing it in memory, loading AWS configuration, running async code.

use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

use super::Error;
use crate::deploy::aws::{self, AwsOptions, Timeouts};
use crate::deploy::ops::{self, Env, Target};
use crate::deploy::sdk::SdkCloud;
use crate::diagnostic::{did_you_mean, nearest_names};
use crate::pipeline::synthesize;
use crate::spec::Project;
use crate::spec::set::Setting;

#[derive(Debug, Args)]
pub struct StackArgs {
    /// Environment (as declared under `environments:`).
    #[arg(long = "env", short = 'e', value_name = "ENV")]
    pub env: String,
    /// Project directory that holds stacks/.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
    /// AWS profile (overrides AWS_PROFILE).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region for every stack, instead of the one in its spec; only for
    /// environments whose stacks share one region.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Seconds one AWS call may take before it fails (connecting gets at
    /// most 10 of them); calls to AWS are retried with backoff within 4x this.
    #[arg(
        long,
        env = "ARCHGEN_AWS_TIMEOUT",
        value_name = "SECS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub aws_timeout: u64,
    /// Seconds to wait for a stack that another operation is changing
    /// before giving up (0: do not wait).
    #[arg(long, value_name = "SECS", default_value_t = 1800)]
    pub wait_timeout: u64,
    /// Set a spec value for this run, as an overlay would: `PATH=VALUE`, or
    /// `STACK:PATH=VALUE` when there are several stacks (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Setting>,
}

impl StackArgs {
    /// Loads and synthesizes the environment; usage errors for unknown ones.
    pub fn targets(&self) -> Result<(Vec<Target>, Env), Error> {
        let mut project = Project::load(&self.dir)?;
        let declared = project.environment_names();
        if !declared.contains(&self.env) {
            let hint = did_you_mean(&self.env, declared.iter().map(String::as_str))
                .map(|s| format!(" Did you mean '{s}'?"))
                .unwrap_or_default();
            return Err(Error::usage(format!(
                "environment '{}' is not declared in {}/stacks.{hint} Declared environments: {}",
                self.env,
                self.dir.display(),
                nearest_names(&self.env, declared.iter().map(String::as_str))
            )));
        }
        project.apply_settings(&self.env, &self.set)?;
        let synthesis = synthesize(&project, &self.env)?;
        if !synthesis.warnings.is_empty() {
            anstream::eprintln!("{}", synthesis.warnings.render(true));
        }
        let targets = ops::targets(&synthesis, self.region.as_deref())?;
        let env = Env {
            name: self.env.clone(),
            poll: Duration::from_secs(2),
            wait_timeout: Duration::from_secs(self.wait_timeout),
        };
        Ok((targets, env))
    }

    pub async fn cloud(&self) -> Result<SdkCloud, Error> {
        let options = AwsOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            timeouts: Timeouts::from_secs(self.aws_timeout),
        };
        let config = aws::load(&options).await?;
        Ok(SdkCloud::new(config, options.timeouts))
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Failed(format!("could not start the async runtime: {e}")))
}
