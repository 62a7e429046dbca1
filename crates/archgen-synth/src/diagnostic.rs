//! Problems found in a spec, each pinned to a file, a line and a field, and
//! rendered by `annotate-snippets` (which lines carets up under wide
//! characters and styles the report when colour is wanted).

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::spec::node::Loc;

mod code;
pub mod sarif;
pub use code::Code;

/// How much a problem matters: an error stops synth (exit 1); a warning is
/// printed like an error and synth carries on (exit 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

impl Severity {
    /// The word reports and SARIF use: `error`, `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// Where the problem is; line 0 when it is about a whole file or directory.
    pub loc: Loc,
    /// The rule (`NET003`), or `SPEC` for structural errors.
    pub code: Code,
    /// Dotted field path, e.g. `network.tiers.app.cidrs[1]`.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
    /// Other places the problem involves, e.g. the first of two uses of a name.
    pub related: Vec<Related>,
    /// The source lines the report shows.
    excerpt: Option<Excerpt>,
    pub severity: Severity,
}

/// A second place in the same file, shown with its own label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    pub loc: Loc,
    pub label: String,
}

/// Consecutive source lines, starting at line `first_line`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Excerpt {
    first_line: u64,
    text: String,
}

impl Excerpt {
    /// The lines `from..=to` of `source`, if the file has them.
    fn of(source: &str, from: u64, to: u64) -> Option<Excerpt> {
        if from == 0 {
            return None;
        }
        let lines: Vec<&str> = source
            .lines()
            .skip((from - 1) as usize)
            .take((to - from + 1) as usize)
            .collect();
        (!lines.is_empty()).then(|| Excerpt {
            first_line: from,
            text: lines.join("\n"),
        })
    }

    /// The byte range of the token written at `loc`, within the excerpt.
    fn span(&self, loc: Loc) -> Option<std::ops::Range<usize>> {
        let index = loc.line.checked_sub(self.first_line)? as usize;
        let mut offset = 0;
        for (i, line) in self.text.split('\n').enumerate() {
            if i == index {
                let column = loc.column.saturating_sub(1) as usize;
                let start = line
                    .char_indices()
                    .nth(column)
                    .map_or(line.len(), |(b, _)| b);
                let end = start + line.get(start..).map_or(0, token_len);
                return Some(offset + start..offset + end);
            }
            offset += line.len() + 1;
        }
        None
    }
}

/// The length in bytes of the YAML token at the start of `rest`: a quoted
/// string, a plain scalar or key, or one bracket.
fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    match first {
        '\'' | '"' => chars
            .find(|&(_, c)| c == first)
            .map_or(rest.len(), |(i, c)| i + c.len_utf8()),
        '{' | '[' | '&' | '*' | '|' | '>' => first.len_utf8(),
        '-' if chars.next().is_none_or(|(_, c)| c.is_whitespace()) => 1,
        _ => {
            let mut end = rest.len();
            let mut prev_colon = None;
            for (i, c) in rest.char_indices() {
                if let Some(colon) = prev_colon
                    && c.is_whitespace()
                {
                    end = colon;
                    break;
                }
                if matches!(c, ',' | ']' | '}' | '#') || c.is_whitespace() && i > 0 {
                    end = i;
                    break;
                }
                prev_colon = (c == ':').then_some(i);
            }
            if prev_colon == Some(rest.len() - 1) {
                end = end.min(rest.len() - 1);
            }
            end.max(first.len_utf8())
        }
    }
}

impl Diagnostic {
    pub fn new(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: PathBuf::new(),
            loc: Loc::default(),
            code,
            field: field.into(),
            message: message.into(),
            help: None,
            related: Vec::new(),
            excerpt: None,
            severity: Severity::Error,
        }
    }

    /// Makes this a warning when `warn` (printed, but synth carries on).
    pub fn warning_if(mut self, warn: bool) -> Self {
        if warn {
            self.severity = Severity::Warning;
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Pins the diagnostic to a place in a file whose text is `source`.
    pub fn at(mut self, file: &Path, loc: Loc, source: &str) -> Self {
        self.file = file.to_path_buf();
        self.loc = loc;
        self.excerpt = Excerpt::of(source, loc.line, loc.line);
        self
    }

    /// Points also at `loc` in the same file (whose text is `source`), with
    /// a label saying what is there; the report shows both places.
    pub fn also(mut self, loc: Loc, label: impl Into<String>, source: &str) -> Self {
        if loc.line == 0 || loc == self.loc {
            return self;
        }
        self.related.push(Related {
            loc,
            label: label.into(),
        });
        let lines = self
            .related
            .iter()
            .map(|r| r.loc.line)
            .chain([self.loc.line]);
        let from = lines.clone().filter(|l| *l > 0).min().unwrap_or(loc.line);
        let to = lines.max().unwrap_or(loc.line);
        self.excerpt = Excerpt::of(source, from, to);
        self
    }

    /// The report as annotate-snippets lays it out.
    fn group(&self) -> Group<'_> {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .primary_title(self.message.as_str())
            .id(self.code.id());
        // `./stacks/main.yaml` reads better, and still opens, without `./`.
        let file = self.file.strip_prefix(".").unwrap_or(&self.file);
        let path = file.display().to_string();
        let primary = self
            .excerpt
            .as_ref()
            .and_then(|e| Some((e, e.span(self.loc)?)));
        let mut group = match primary {
            Some((excerpt, span)) => {
                let snippet = Snippet::source(excerpt.text.as_str())
                    .line_start(excerpt.first_line as usize)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(span))
                    .annotations(self.related.iter().filter_map(|r| {
                        let span = excerpt.span(r.loc)?;
                        Some(AnnotationKind::Context.span(span).label(r.label.as_str()))
                    }));
                title.element(snippet)
            }
            // No source to show (the line is past the end, for instance).
            None if self.loc.line > 0 => title.element(
                Origin::path(path)
                    .line(self.loc.line as usize)
                    .char_column(self.loc.column.max(1) as usize),
            ),
            None if !path.is_empty() => title.element(Origin::path(path)),
            None => Group::with_title(title),
        };
        if !self.field.is_empty() {
            group = group.element(Level::NOTE.with_name("field").message(self.field.as_str()));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        group
    }

    /// The report, styled with ANSI colours when `styled`.
    pub fn render(&self, styled: bool) -> String {
        renderer(styled).render(&[self.group()])
    }
}

fn renderer(styled: bool) -> Renderer {
    if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.render(false))
    }
}

/// Every problem found, reported together rather than one at a time.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Sorted by file and position, with exact repeats dropped (the same
    /// base-file mistake shows up once per environment otherwise).
    pub fn finish(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }

    /// Whether any of them is an error (warnings alone do not fail a run).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Every report and the count, styled with ANSI colours when `styled`
    /// (print it through `anstream`, which strips them when colour is off).
    pub fn render(&self, styled: bool) -> String {
        let renderer = renderer(styled);
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&renderer.render(&[d.group()]));
            out.push_str("\n\n");
        }
        let warnings = self.0.iter().filter(|d| !d.is_error()).count();
        let errors = self.0.len() - warnings;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if errors > 0 || warnings == 0 {
            out.push_str(&format!("{errors} problem{} found", plural(errors)));
            if warnings > 0 {
                out.push_str(", and ");
            }
        }
        if warnings > 0 {
            out.push_str(&format!("{warnings} warning{}", plural(warnings)));
        }
        // Once per run, not per error: the codes are in every title already.
        if let Some(first) = self.0.first() {
            out.push_str(&format!(
                "\n= note: run `archgen explain {}` for more about a code",
                first.code
            ));
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate by edit distance (optimal string alignment, so an
/// adjacent transposition such as "wbe" for "web" counts once), if it is
/// close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(input, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(input.chars().count()) / 2).max(1))
        .min()
        .map(|(_, c)| c)
}

/// How many names a candidate list shows before "and N more".
const LISTED: usize = 5;

/// The candidates for a help line: all of them when there are a few, else
/// the few nearest to `input` and how many more there are, so a spec with
/// thousands of components does not print them all in every error.
pub fn nearest_names<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let mut all: Vec<&str> = candidates.into_iter().collect();
    if all.len() <= LISTED {
        return all.join(", ");
    }
    let more = all.len() - LISTED;
    all.sort_by_cached_key(|c| (strsim::osa_distance(input, c), *c));
    format!("{} and {more} more", all[..LISTED].join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("cidrr", ["cidr", "zones", "nat"]),
            Some("cidr")
        );
        assert_eq!(
            did_you_mean("flowlogs", ["flow_logs", "nat"]),
            Some("flow_logs")
        );
        assert_eq!(did_you_mean("banana", ["cidr", "zones", "nat"]), None);
        assert_eq!(did_you_mean("wbe", ["web", "worker"]), Some("web"));
    }

    #[test]
    fn candidate_lists_show_a_few_nearest_names() {
        assert_eq!(nearest_names("x", ["b", "a"]), "b, a");
        let many: Vec<String> = (0..2000).map(|i| format!("bucket-{i}")).collect();
        let listed = nearest_names("bucket-7x", many.iter().map(String::as_str));
        assert!(listed.starts_with("bucket-7, bucket-70, "), "{listed}");
        assert!(listed.ends_with(" and 1995 more"), "{listed}");
    }

    #[test]
    fn plain_report_has_code_place_source_field_and_help() {
        let source = "network:\n  cidr: 10.0.0.0/33\n";
        let d = Diagnostic::new(Code::Net001, "network.cidr", "'10.0.0.0/33' is not a CIDR")
            .help("write it as a.b.c.d/n")
            .at(
                Path::new("stacks/main.yaml"),
                Loc { line: 2, column: 9 },
                source,
            );
        assert_eq!(
            d.render(false),
            "\
error[NET001]: '10.0.0.0/33' is not a CIDR
 --> stacks/main.yaml:2:9
  |
2 |   cidr: 10.0.0.0/33
  |         ^^^^^^^^^^^
  |
  = field: network.cidr
  = help: write it as a.b.c.d/n"
        );
        assert!(!d.render(false).contains('\u{1b}'));
        assert!(d.render(true).contains('\u{1b}'));
    }

    #[test]
    fn a_second_place_is_shown_with_its_label() {
        let source = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\na: 7\n";
        let d = Diagnostic::new(Code::Yaml, "", "key `a` is written twice")
            .at(Path::new("s.yaml"), Loc { line: 7, column: 1 }, source)
            .also(Loc { line: 1, column: 1 }, "first written here", source);
        let text = d.render(false);
        assert!(text.contains(" --> s.yaml:7:1"), "{text}");
        assert!(
            text.contains("1 | a: 1\n  | - first written here"),
            "{text}"
        );
        assert!(text.contains("7 | a: 7\n  | ^"), "{text}");
    }

    #[test]
    fn a_file_level_problem_names_the_file_without_a_line() {
        let d = Diagnostic::new(Code::Project, "", "stacks/main.yaml is empty").at(
            Path::new("stacks/main.yaml"),
            Loc::default(),
            "",
        );
        let text = d.render(false);
        assert!(text.lines().any(|l| l == "--> stacks/main.yaml"), "{text}");
        assert!(!text.contains(":0"), "{text}");
        let beyond = Diagnostic::new(Code::Spec, "", "x").at(
            Path::new("s.yaml"),
            Loc { line: 3, column: 5 },
            "one line\n",
        );
        assert!(beyond.render(false).contains("--> s.yaml:3:5"), "{beyond}");
    }

    #[test]
    fn token_spans_cover_the_value_or_key() {
        assert_eq!(token_len("10.1.12.0/24] }"), 12);
        assert_eq!(token_len("cidrr: 10.0.0.0/16"), 5);
        assert_eq!(token_len("arn:aws:s3:::b, x"), 14);
        assert_eq!(token_len("- web"), 1);
        assert_eq!(token_len("-5 #"), 2);
        assert_eq!(token_len("'FETCH /x', target"), 10);
        assert_eq!(token_len("{ a: 1 }"), 1);
        assert_eq!(token_len("key:"), 3);
        assert_eq!(token_len(""), 0);
    }
}
