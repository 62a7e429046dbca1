//! Where the commands talk to the user: results on stdout, transient
//! progress and prompts on stderr. A trait, so tests can record it.

use std::io::{BufRead, IsTerminal, Write};

pub trait Console {
    /// A line of the command's result.
    fn line(&mut self, text: &str);
    /// Replaces the transient status line (terminals only).
    fn status(&mut self, text: &str);
    /// Clears the transient status line.
    fn clear_status(&mut self);
    /// Asks a question; None when there is no answer (no terminal, EOF).
    fn ask(&mut self, question: &str) -> Option<String>;
    /// A person is at a terminal to answer questions and watch progress.
    fn interactive(&self) -> bool;
}

/// y/N: only an explicit yes counts.
pub fn confirm(console: &mut dyn Console, question: &str) -> bool {
    console
        .ask(&format!("{question} [y/N] "))
        .is_some_and(|a| matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

pub struct Terminal {
    interactive: bool,
    status_shown: bool,
}

impl Terminal {
    pub fn new() -> Self {
        Terminal {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            status_shown: false,
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

impl Console for Terminal {
    fn line(&mut self, text: &str) {
        self.clear_status();
        // A closed stdout (`| head`) is not worth a panic.
        let _ = writeln!(std::io::stdout(), "{text}");
    }

    fn status(&mut self, text: &str) {
        if self.interactive {
            let _ = write!(std::io::stderr(), "\r\x1b[2K{text}");
            let _ = std::io::stderr().flush();
            self.status_shown = true;
        }
    }

    fn clear_status(&mut self) {
        if self.status_shown {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            let _ = std::io::stderr().flush();
            self.status_shown = false;
        }
    }

    fn ask(&mut self, question: &str) -> Option<String> {
        if !self.interactive {
            return None;
        }
        self.clear_status();
        let _ = std::io::stdout().flush();
        let _ = write!(std::io::stderr(), "{question}");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        match std::io::stdin().lock().read_line(&mut answer) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(answer.trim_end_matches(['\r', '\n']).to_string()),
        }
    }

    fn interactive(&self) -> bool {
        self.interactive
    }
}
