//! CloudWatch Logs filter patterns (`alarms.<name>.log_pattern`), checked as
//! far as their syntax can be without CloudWatch's own parser: a length
//! CloudWatch accepts, quotes closed, brackets and braces balanced outside
//! quotes and `%regex%` terms, and a JSON pattern (`{ ... }`) that selects a
//! field with `$`. A pattern that passes may still be refused by
//! CloudWatch for what it says (an unknown operator, say); one that fails
//! would certainly be refused, or match something else than meant.

/// CloudWatch Logs' limit on a filter pattern.
pub const MAX_LEN: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterPatternError {
    #[error("the pattern is empty: it would count every log event")]
    Empty,
    #[error("the pattern is {0} characters; CloudWatch Logs accepts {MAX_LEN}")]
    TooLong(usize),
    #[error("the quote opened at character {at} is never closed")]
    UnclosedQuote { at: usize },
    #[error("the '%' regular expression opened at character {at} is never closed")]
    UnclosedRegex { at: usize },
    #[error("'{open}' at character {at} is never closed")]
    Unclosed { open: char, at: usize },
    #[error("'{close}' at character {at} closes nothing")]
    UnexpectedClose { close: char, at: usize },
    #[error("'{close}' at character {at} closes '{open}'")]
    Mismatched { open: char, close: char, at: usize },
    #[error("a JSON pattern selects no field")]
    JsonWithoutSelector,
}

impl FilterPatternError {
    /// The fix, with the syntax of each kind of pattern.
    pub fn help(&self) -> &'static str {
        match self {
            FilterPatternError::Empty => {
                "give the terms to match, e.g. '\"ERROR\"' or '?ERROR ?FATAL'"
            }
            FilterPatternError::TooLong(_) => "shorten the pattern to 1024 characters",
            FilterPatternError::UnclosedQuote { .. } => {
                "close the quote; a quote inside a quoted term is written \\\""
            }
            FilterPatternError::UnclosedRegex { .. } => {
                "close the regular expression with '%', e.g. '%ERROR [0-9]+%'"
            }
            FilterPatternError::Unclosed { .. }
            | FilterPatternError::UnexpectedClose { .. }
            | FilterPatternError::Mismatched { .. } => {
                "balance the brackets: '{ $.level = \"error\" }' for JSON logs, '[ip, user, ..., status = 5*]' for space-delimited ones, '(' and ')' inside them"
            }
            FilterPatternError::JsonWithoutSelector => {
                "select a field of the JSON event with '$', e.g. '{ $.level = \"error\" }'"
            }
        }
    }
}

/// Checks a filter pattern's syntax (positions in the message count
/// characters from 1).
pub fn validate(pattern: &str) -> Result<(), FilterPatternError> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err(FilterPatternError::Empty);
    }
    let len = pattern.chars().count();
    if len > MAX_LEN {
        return Err(FilterPatternError::TooLong(len));
    }
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut chars = pattern.chars().enumerate();
    while let Some((i, c)) = chars.next() {
        let at = i + 1;
        match c {
            '"' => loop {
                match chars.next() {
                    None => return Err(FilterPatternError::UnclosedQuote { at }),
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, '"')) => break,
                    Some(_) => {}
                }
            },
            // A regular expression is a term of its own: its brackets are
            // character classes, not structure.
            '%' => loop {
                match chars.next() {
                    None => return Err(FilterPatternError::UnclosedRegex { at }),
                    Some((_, '\\')) => {
                        chars.next();
                    }
                    Some((_, '%')) => break,
                    Some(_) => {}
                }
            },
            '{' | '[' | '(' => open.push((c, at)),
            '}' | ']' | ')' => {
                let wanted = match c {
                    '}' => '{',
                    ']' => '[',
                    _ => '(',
                };
                match open.pop() {
                    None => return Err(FilterPatternError::UnexpectedClose { close: c, at }),
                    Some((o, _)) if o != wanted => {
                        return Err(FilterPatternError::Mismatched {
                            open: o,
                            close: c,
                            at,
                        });
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    if let Some((o, at)) = open.pop() {
        return Err(FilterPatternError::Unclosed { open: o, at });
    }
    if trimmed.starts_with('{') && !trimmed.contains('$') {
        return Err(FilterPatternError::JsonWithoutSelector);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_kinds_of_pattern_pass() {
        for ok in [
            "\"ERROR\"",
            "?ERROR ?FATAL -healthcheck",
            "\"duration: \" -\"statement: \\\"BEGIN\\\"\"",
            "{ $.level = \"error\" && ($.status >= 500 || $.latency > 2) }",
            "[ip, user, ..., status = 5*, size]",
            "%ERROR [0-9]{3}%",
            "{ $.message = %timeout [0-9]+%}",
            "\"unbalanced ] inside quotes is text\"",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn broken_patterns_say_where() {
        assert_eq!(validate("  "), Err(FilterPatternError::Empty));
        assert_eq!(
            validate("\"ERROR"),
            Err(FilterPatternError::UnclosedQuote { at: 1 })
        );
        assert_eq!(
            validate("{ $.level = \"error\""),
            Err(FilterPatternError::Unclosed { open: '{', at: 1 })
        );
        assert_eq!(
            validate("[a, b)"),
            Err(FilterPatternError::Mismatched {
                open: '[',
                close: ')',
                at: 6
            })
        );
        assert_eq!(
            validate("ERROR]"),
            Err(FilterPatternError::UnexpectedClose { close: ']', at: 6 })
        );
        assert_eq!(
            validate("%ERROR [0-9]"),
            Err(FilterPatternError::UnclosedRegex { at: 1 })
        );
        assert_eq!(
            validate("{ level = error }"),
            Err(FilterPatternError::JsonWithoutSelector)
        );
        assert_eq!(
            validate(&"a".repeat(1025)),
            Err(FilterPatternError::TooLong(1025))
        );
    }
}
