//! Problems found in a spec, each pinned to a file, a line and a field.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::spec::node::Loc;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub loc: Loc,
    /// Rule id (`NET003`), or `SPEC` for structural errors.
    pub code: &'static str,
    /// Dotted field path, e.g. `network.tiers.app.cidrs[1]`.
    pub field: String,
    pub message: String,
    pub help: Option<String>,
    /// The source line, for context in the terminal.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: PathBuf::new(),
            loc: Loc::default(),
            code,
            field: field.into(),
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Pins the diagnostic to a place in a file whose text is `source`.
    pub fn at(mut self, file: &Path, loc: Loc, source: &str) -> Self {
        self.file = file.to_path_buf();
        self.loc = loc;
        self.source_line = source
            .lines()
            .nth(loc.line.saturating_sub(1) as usize)
            .map(str::to_string);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error[{}]: {}", self.code, self.message)?;
        writeln!(
            f,
            "  --> {}:{}:{}",
            self.file.display(),
            self.loc.line,
            self.loc.column
        )?;
        if !self.field.is_empty() {
            writeln!(f, "   = field: {}", self.field)?;
        }
        if let Some(line) = &self.source_line {
            let caret_pad = " ".repeat(self.loc.column.saturating_sub(1) as usize);
            writeln!(f, "    |")?;
            writeln!(f, "{:>3} | {}", self.loc.line, line)?;
            writeln!(f, "    | {caret_pad}^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found, reported together rather than one at a time.
#[derive(Debug, Default)]
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
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate by edit distance, if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(input, c), c))
        .filter(|(d, c)| *d <= (c.len().max(input.len()) / 2).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: Levenshtein plus adjacent
/// transpositions, the most common typo ("wbe" for "web").
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
}
