//! The tera engine for what people read (`templates/`), with archgen's
//! filters. Templates are embedded in the binary by their users
//! (`include_str!`), so an installed archgen needs no source tree.

use archgen_synth::Error;
use tera::{Context, Kwargs, State, Tera};

/// An engine holding `templates` (name, text), with no HTML autoescaping
/// (the output is Markdown) and these filters:
/// - `cell`: a Markdown table cell (no pipe or line break);
/// - `inline`: text safe in a table cell or a code span, from an untrusted
///   source (no HTML, backtick, pipe or line break);
/// - `mermaid`: a double-quoted Mermaid label.
pub fn engine(templates: &[(&str, &str)]) -> Result<Tera, Error> {
    let mut tera = Tera::default();
    tera.autoescape_on(Vec::<&'static str>::new());
    tera.register_filter("cell", |s: &str, _: Kwargs, _: &State| markdown_cell(s));
    tera.register_filter("inline", |s: &str, _: Kwargs, _: &State| inline(s));
    tera.register_filter("mermaid", |s: &str, _: Kwargs, _: &State| mermaid_label(s));
    tera.add_raw_templates(templates.iter().copied())
        .map_err(|e| template_bug(&e))?;
    Ok(tera)
}

/// Renders `name` of `tera` with `context`.
pub fn render(tera: &Tera, name: &str, context: &Context) -> Result<String, Error> {
    tera.render(name, context).map_err(|e| template_bug(&e))
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
        "the templates built into archgen",
        std::io::Error::other(format!("{text} (a bug in archgen: please report it)")),
    )
}

pub fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn inline(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "'")
        .replace(['\r', '\n'], " ")
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

    #[test]
    fn inline_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(
            inline("a | b <img src=x>\nnext `line`"),
            "a \\| b &lt;img src=x&gt; next 'line'"
        );
    }
}
