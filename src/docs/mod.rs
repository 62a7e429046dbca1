//! `archgen docs`: one Markdown document per stack and environment, for
//! the people who review the system. Each section is read from the checked
//! model and the synthesized templates (what will be deployed), never from
//! the YAML text; [`model`] gathers them into a serializable view, and
//! [`render`] turns the view into Markdown with the tera templates in
//! `templates/docs/`.

mod cfn;
mod data;
mod diagram;
mod differences;
mod edge;
mod grants;
mod graph;
pub mod model;
mod network;
mod operations;
mod reach;
pub mod render;
mod services;

use archgen_synth::Error;
use archgen_synth::pipeline::{check_project, synthesize};
use archgen_synth::spec::Project;

pub use model::StackDoc;

/// One generated document: its file name (`main.prod.md`) and text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub file_name: String,
    pub text: String,
}

/// The documents of every stack in `environments` (every declared
/// environment is checked and described, as the differences between them
/// are part of each document).
pub fn generate(project: &Project, environments: &[String]) -> Result<Vec<Document>, Error> {
    let all = project.environment_names();
    let mut by_env: Vec<Vec<StackDoc>> = Vec::new();
    for env in &all {
        let synthesis = synthesize(project, env)?;
        // synthesize checked every stack already (with what each imports
        // from the others), so this cannot fail.
        let checked = check_project(project, env).map_err(|ds| Error::from(ds.finish()))?;
        let docs = checked
            .iter()
            .map(|stack| StackDoc::build(stack, &synthesis))
            .collect();
        by_env.push(docs);
    }
    let mut documents = Vec::new();
    for (env, docs) in all.iter().zip(&by_env) {
        if !environments.contains(env) {
            continue;
        }
        for doc in docs {
            let others: Vec<&StackDoc> = by_env
                .iter()
                .filter_map(|d| d.iter().find(|other| other.stack == doc.stack))
                .collect();
            let table = differences::table(&others);
            documents.push(Document {
                file_name: format!("{}.{env}.md", doc.stack),
                text: render::stack(doc, &table)?,
            });
        }
    }
    Ok(documents)
}
