//! How the synthesizer fails, as one type: every failure class it can meet,
//! each mapped to archgen's exit code in [`Error::exit_code`]. The deployer
//! wraps this type in its own error for the classes only AWS can produce.

use std::io;
use std::path::PathBuf;

use crate::diagnostic::Diagnostics;
use crate::render::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec is invalid: every problem, with file, line and field.
    #[error("{0}")]
    Spec(Diagnostics),
    /// The command line asks for something that does not exist (an unknown
    /// environment, stack or rule code) or cannot be done together.
    #[error("{0}")]
    Usage(String),
    /// The output directory holds something archgen did not write; nothing
    /// was touched.
    #[error(transparent)]
    OutputRefused(#[from] Refusal),
    /// Reading or writing a file failed. `action` says what archgen could
    /// not do ("write", "move the new output into"), `note` what state that
    /// left (empty when there is nothing to add).
    #[error("could not {action} {}: {source}{note}", path.display())]
    Io {
        action: String,
        path: PathBuf,
        note: String,
        #[source]
        source: io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }

    pub fn io(action: impl Into<String>, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action: action.into(),
            path: path.into(),
            note: String::new(),
            source,
        }
    }

    /// Adds what the failure left behind, e.g. where the previous output is.
    pub fn with_note(mut self, text: impl Into<String>) -> Self {
        if let Error::Io { note, .. } = &mut self {
            note.push_str(&text.into());
        }
        self
    }

    /// The one place the exit code of a synthesis failure is decided.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Spec(_) => 1,
            // Choosing another --out is the fix: a usage error.
            Error::Usage(_) | Error::OutputRefused(_) => 2,
            Error::Io { .. } => 3,
        }
    }

    /// What to print on stderr. Spec problems come styled with ANSI colours:
    /// print through `anstream`, which drops them when stderr is not a
    /// terminal or `NO_COLOR` is set (and keeps them with `CLICOLOR_FORCE`).
    pub fn report(&self) -> String {
        match self {
            Error::Spec(d) => d.render(true),
            other => format!("error: {other}"),
        }
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Spec(d)
    }
}
