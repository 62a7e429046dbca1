//! What synth produced for one environment: the stacks, their regions and
//! order, and which outputs feed which parameters. Deploy reads this to order
//! stacks and wire cross-region values (CloudFormation exports do not cross
//! regions).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub app: String,
    pub environment: String,
    /// In deployment order: every stack comes after the stacks it depends on.
    pub stacks: Vec<StackEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackEntry {
    /// The spec's stack name (file stem), e.g. `main`.
    pub name: String,
    /// The CloudFormation stack name, e.g. `user-management-prod-main`.
    pub stack_name: String,
    pub region: String,
    /// Template file name relative to the manifest.
    pub template_file: String,
    /// Names of stacks (in this manifest) that must deploy first.
    pub depends_on: Vec<String>,
    /// Template parameter → the stack output that supplies it.
    pub parameters: BTreeMap<String, ParameterSource>,
    pub termination_protection: bool,
    /// The account the stack must deploy to, when the spec pins one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Stack-level tags; CloudFormation propagates them to resources.
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterSource {
    /// Name of the stack (in this manifest) whose output is read.
    pub stack: String,
    pub output: String,
}
