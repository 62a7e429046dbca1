//! archgen: a typed description of an AWS architecture in, CloudFormation out.
//!
//! Layers: [`spec`] (the user's YAML) → [`check`] (rules with fix hints) →
//! [`synth`] (builders with safe defaults) → [`template`] (typed
//! CloudFormation) → [`render`] (files) and `deploy`.

pub mod check;
pub mod cli;
pub mod deploy;
pub mod diagnostic;
pub mod manifest;
pub mod render;
pub mod spec;
pub mod synth;
pub mod template;
