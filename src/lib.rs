//! archgen: the command-line interface over the synthesizer
//! (`archgen-synth`) and the deployer (`archgen-deploy`).
//!
//! The library crates are re-exported under their old module names, so
//! `archgen::synth`, `archgen::deploy`, ... keep working for tests and
//! embedders.

pub mod cli;
#[cfg(feature = "deploy")]
pub mod diff_markdown;
pub mod docs;
pub mod text;

#[cfg(feature = "deploy")]
pub use archgen_deploy as deploy;
pub use archgen_synth::{
    check, compliance, diagnostic, kinds, manifest, naming, pipeline, render, spec, synth, template,
};
