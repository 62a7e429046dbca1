//! Markdown from the view model, with the tera templates of
//! `templates/docs/`, embedded in the binary so an installed archgen needs
//! no source tree.

use archgen_synth::Error;
use tera::Context;

use super::differences::Differences;
use super::model::StackDoc;
use crate::text::{engine, render};

const STACK: &str = include_str!("../../templates/docs/stack.md.tera");
const DIAGRAM: &str = include_str!("../../templates/docs/diagram.mmd.tera");

pub fn stack(doc: &StackDoc, differences: &Differences) -> Result<String, Error> {
    let tera = engine(&[("diagram.mmd", DIAGRAM), ("stack.md", STACK)])?;
    let mut context = Context::new();
    context.insert("doc", doc);
    context.insert("differences", differences);
    render(&tera, "stack.md", &context)
}
