//! Markdown from the view model, with the tera templates of
//! `templates/docs/`, embedded in the binary so an installed archgen needs
//! no source tree.

use archgen_synth::Error;
use tera::{Context, Kwargs, State, Tera};

use super::differences::Differences;
use super::model::StackDoc;

const STACK: &str = include_str!("../../templates/docs/stack.md.tera");
const DIAGRAM: &str = include_str!("../../templates/docs/diagram.mmd.tera");

/// The template engine with archgen's filters: `cell` (a Markdown table
/// cell: no pipe or line break) and `mermaid` (a quoted Mermaid label).
pub fn engine(templates: &[(&str, &str)]) -> Result<Tera, Error> {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::<&'static str>::new());
    tera.register_filter("cell", |s: &str, _: Kwargs, _: &State| markdown_cell(s));
    tera.register_filter("mermaid", |s: &str, _: Kwargs, _: &State| mermaid_label(s));
    tera.add_raw_templates(templates.iter().copied())
        .map_err(|e| template_bug(&e))?;
    Ok(tera)
}

pub fn stack(doc: &StackDoc, differences: &Differences) -> Result<String, Error> {
    let tera = engine(&[("diagram.mmd", DIAGRAM), ("stack.md", STACK)])?;
    let mut context = Context::new();
    context.insert("doc", doc);
    context.insert("differences", differences);
    tera.render("stack.md", &context)
        .map_err(|e| template_bug(&e))
}

/// The diagram alone (the README shows one; the tests parse them).
pub fn diagram(doc: &StackDoc) -> Result<String, Error> {
    let tera = engine(&[("diagram.mmd", DIAGRAM)])?;
    let mut context = Context::new();
    context.insert("doc", doc);
    tera.render("diagram.mmd", &context)
        .map_err(|e| template_bug(&e))
}

/// The templates are part of archgen: one that does not render is a bug.
fn template_bug(e: &tera::Error) -> Error {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    Error::io(
        "render",
        "the documentation templates built into archgen",
        std::io::Error::other(format!("{text} (a bug in archgen: please report it)")),
    )
}

pub fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Mermaid labels are written in double quotes; a quote inside is an entity.
pub fn mermaid_label(s: &str) -> String {
    s.replace('"', "#quot;").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_in_a_mermaid_label_becomes_an_entity() {
        assert_eq!(mermaid_label("say \"hi\"\nnow"), "say #quot;hi#quot; now");
    }

    #[test]
    fn a_pipe_in_a_table_cell_is_escaped() {
        assert_eq!(markdown_cell("a|b\nc"), "a\\|b c");
    }
}
