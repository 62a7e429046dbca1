//! serde-saphyr's parse errors in the user's words: what is wrong with the
//! file and what to do, without the parser library's options and functions.

use std::borrow::Cow;

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{Error, MessageFormatter, UserMessageFormatter};

use super::node::Loc;

/// A parse error as the message, help and place of a diagnostic.
pub struct YamlProblem {
    pub message: String,
    pub help: String,
    pub loc: Loc,
}

/// Explains `error` in `source`. Errors met while expanding an alias
/// (`*name`) are how an alias bomb shows up.
pub fn explain(error: &Error, source: &str) -> YamlProblem {
    let loc = error
        .location()
        .map(|l| Loc {
            line: l.line(),
            column: l.column(),
        })
        .filter(|l| l.line > 0)
        .unwrap_or(Loc { line: 1, column: 1 });
    let (inner, through_alias) = unwrap(error);
    let problem = |message: String, help: &str| YamlProblem {
        message,
        help: help.to_string(),
        loc,
    };
    match inner {
        Error::MultipleDocuments { .. } => YamlProblem {
            loc: separator_before(source, loc).unwrap_or(loc),
            ..problem(
                "a stack file holds one YAML document, and this one has a second".to_string(),
                "remove the `---` separator or split it into two stack files",
            )
        },
        Error::AliasReplayLimitExceeded {
            max_total_replayed_events,
            ..
        } => alias_limit(
            &format!("more than {max_total_replayed_events} values copied by aliases"),
            loc,
        ),
        Error::AliasExpansionLimitExceeded {
            max_expansions_per_anchor,
            ..
        } => alias_limit(
            &format!("one anchor used more than {max_expansions_per_anchor} times"),
            loc,
        ),
        Error::AliasReplayStackDepthExceeded { max_depth, .. } => {
            alias_limit(&format!("aliases nested more than {max_depth} deep"), loc)
        }
        Error::Budget { breach, .. } => {
            let limit = budget_limit(breach);
            let alias_breach = matches!(
                breach,
                BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. }
            );
            if through_alias || alias_breach {
                alias_limit(&limit, loc)
            } else if let BudgetBreach::Depth { .. } = breach {
                problem(
                    format!("this file nests values deeper than archgen reads ({limit})"),
                    "nest less deeply; a stack spec needs only a few levels",
                )
            } else {
                problem(
                    format!("this file is larger than archgen reads ({limit})"),
                    "split it into several stack files",
                )
            }
        }
        other => {
            let message = UserMessageFormatter.format_message(other);
            // The scanner's own guard on nested flow collections (`[[[[...`)
            // reaches us only as its text.
            if message.contains("recursion limit exceeded") {
                problem(
                    "this file nests values deeper than archgen reads".to_string(),
                    "nest less deeply; a stack spec needs only a few levels",
                )
            } else {
                problem(
                    format!("this is not valid YAML: {message}"),
                    "check indentation and quoting around this line",
                )
            }
        }
    }
}

/// The error itself, without the wrappers that carry a snippet or the
/// alias it was reached through.
fn unwrap(mut error: &Error) -> (&Error, bool) {
    let mut through_alias = false;
    loop {
        error = match error {
            Error::WithSnippet { error, .. } => error,
            Error::AliasError { error, .. } => {
                through_alias = true;
                error
            }
            other => return (other, through_alias),
        };
    }
}

fn alias_limit(limit: &str, loc: Loc) -> YamlProblem {
    YamlProblem {
        message: format!("this file expands YAML aliases beyond archgen's limit ({limit})"),
        help: "write the values out or use fewer aliases".to_string(),
        loc,
    }
}

/// The `---` line that starts the document at `loc`, if there is one.
fn separator_before(source: &str, loc: Loc) -> Option<Loc> {
    let line = source
        .lines()
        .take(loc.line as usize)
        .enumerate()
        .filter(|(_, l)| l.starts_with("---"))
        .last()?
        .0;
    Some(Loc {
        line: line as u64 + 1,
        column: 1,
    })
}

/// Which of the parser's limits was passed, as a phrase.
fn budget_limit(breach: &BudgetBreach) -> Cow<'static, str> {
    match breach {
        // Counted limits trip one past the maximum.
        BudgetBreach::Events { events } => {
            format!("more than {} parser events", events.saturating_sub(1)).into()
        }
        BudgetBreach::Aliases { aliases } => {
            format!("more than {} aliases", aliases.saturating_sub(1)).into()
        }
        BudgetBreach::Anchors { anchors } => {
            format!("more than {} anchors", anchors.saturating_sub(1)).into()
        }
        BudgetBreach::Depth { depth } => {
            format!("nesting deeper than {} levels", depth.saturating_sub(1)).into()
        }
        BudgetBreach::Nodes { nodes } => {
            format!("more than {} values", nodes.saturating_sub(1)).into()
        }
        BudgetBreach::ScalarBytes { total_scalar_bytes } => {
            format!("{total_scalar_bytes} bytes of text").into()
        }
        BudgetBreach::Documents { documents } => {
            format!("more than {} documents", documents.saturating_sub(1)).into()
        }
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => {
            format!("{aliases} aliases for {anchors} anchors").into()
        }
        BudgetBreach::InputBytes { input_bytes } => format!("{input_bytes} bytes").into(),
        _ => "a size limit".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::Node;

    fn explained(text: &str) -> YamlProblem {
        explain(&Node::parse(text).expect_err("parse error"), text)
    }

    #[test]
    fn a_second_document_is_explained_without_library_names() {
        let p = explained("a: 1\n---\nb: 2\n");
        assert!(p.message.contains("one YAML document"), "{}", p.message);
        assert!(p.help.contains("`---`"));
        assert!(!p.message.contains("from_str"));
        assert_eq!(p.loc, Loc { line: 2, column: 1 }, "the separator's line");
    }

    #[test]
    fn deep_nesting_is_explained_as_nesting() {
        let text = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        let p = explained(&text);
        assert_eq!(
            p.message,
            "this file nests values deeper than archgen reads (nesting deeper than 32 levels)"
        );
        assert!(p.help.starts_with("nest less deeply"));
    }

    #[test]
    fn an_alias_bomb_reads_as_a_sentence() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let items = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{items}]\n"));
        }
        let p = explained(&text);
        assert!(
            p.message
                .starts_with("this file expands YAML aliases beyond archgen's limit ("),
            "{}",
            p.message
        );
        assert!(!p.message.contains('{'), "{}", p.message);
        assert_eq!(p.help, "write the values out or use fewer aliases");
    }
}
