//! The archgen synthesizer: a typed description of an AWS architecture in,
//! CloudFormation out. No AWS SDK and no async runtime: embedding it, or
//! building and testing it, never compiles them.
//!
//! Layers: [`spec`] (the user's YAML) → [`check`] (rules with fix hints) →
//! [`synth`] (builders with safe defaults) → [`template`] (typed
//! CloudFormation) → [`render`] (files). Deploying lives in `archgen-deploy`.

pub mod check;
pub mod diagnostic;
pub mod error;
pub mod manifest;
pub mod render;
pub mod spec;
pub mod synth;
pub mod template;

pub use error::{Error, Result};
