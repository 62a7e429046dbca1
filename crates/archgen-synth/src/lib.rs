//! The archgen synthesizer: a typed description of an AWS architecture in,
//! CloudFormation out. No AWS SDK and no async runtime: embedding it, or
//! building and testing it, never compiles them.
//!
//! Layers: [`spec`] (the user's YAML and the typed values parsed from it) →
//! [`check`] (rules with fix hints; yields a [`check::CheckedStack`]) →
//! [`synth`] (builders with safe defaults, over checked stacks only) →
//! [`template`] (typed CloudFormation) → [`render`] (files);
//! [`pipeline::synthesize`] runs them in that order. Deploying lives in
//! `archgen-deploy`.

pub mod check;
pub mod compliance;
pub mod diagnostic;
pub mod error;
pub mod kinds;
pub mod manifest;
pub mod naming;
pub mod pipeline;
pub mod render;
pub mod schema;
pub mod spec;
pub mod synth;
pub mod template;

pub use error::{Error, Result};
