//! `ci:`: the roles a GitHub Actions workflow deploys this app with. An
//! OIDC provider for GitHub (or an existing one), a deploy role only the
//! named repository's branches and environments can assume, allowed what
//! `archgen deploy` calls on this app's stacks of one environment, and the
//! CloudFormation execution role it passes.

use serde::Deserialize;

/// GitHub's OIDC issuer, without its scheme (as IAM condition keys name it).
pub const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";
/// The stack `archgen bootstrap` creates in each region.
pub const BOOTSTRAP_STACK: &str = "archgen-bootstrap";

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CiSpec {
    /// `owner/repository` on GitHub.
    pub repository: String,
    /// Branches whose workflows may deploy (`main`), exactly: no wildcards.
    #[serde(default)]
    pub branches: Vec<String>,
    /// GitHub environments whose jobs may deploy (`production`).
    #[serde(default)]
    pub environments: Vec<String>,
    /// The account's existing GitHub OIDC provider (an account has one per
    /// issuer); default: this stack creates it.
    #[serde(default)]
    pub provider: Option<String>,
    /// The bucket templates over 51,200 bytes are uploaded to (default:
    /// the bucket `archgen bootstrap` creates).
    #[serde(default)]
    pub artifact_bucket: Option<String>,
}

impl CiSpec {
    /// The `sub` claims the deploy role trusts: one per branch and per
    /// environment.
    pub fn subjects(&self) -> Vec<String> {
        let repo = &self.repository;
        self.branches
            .iter()
            .map(|b| format!("repo:{repo}:ref:refs/heads/{b}"))
            .chain(
                self.environments
                    .iter()
                    .map(|e| format!("repo:{repo}:environment:{e}")),
            )
            .collect()
    }
}
