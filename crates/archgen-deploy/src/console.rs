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
    /// Asks a question; None when there is no answer (no terminal, EOF,
    /// or Ctrl-C: then [`Console::interrupted`] says so).
    fn ask(&mut self, question: &str) -> Option<String>;
    /// A person is at a terminal to answer questions and watch progress.
    fn interactive(&self) -> bool;
    /// The last question was answered with Ctrl-C.
    fn interrupted(&self) -> bool {
        false
    }
}

/// y/N: only an explicit yes counts. None when the user pressed Ctrl-C,
/// which each caller turns into an interruption saying what was left.
pub fn confirm(console: &mut dyn Console, question: &str) -> Option<bool> {
    let answer = console.ask(&format!("{question} [y/N] "));
    if console.interrupted() {
        return None;
    }
    Some(answer.is_some_and(|a| matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes")))
}

/// `text` cut to `width` terminal columns (one kept free for the cursor),
/// ending in `…` when cut. Wide characters (CJK) count two columns, and no
/// character is split.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let room = width.saturating_sub(1).max(1);
    if unicode_width::UnicodeWidthStr::width(text) <= room {
        return text.to_string();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        // Leave a column for the ellipsis.
        if used + w > room.saturating_sub(1) {
            break;
        }
        used += w;
        cut.push(c);
    }
    cut.push('…');
    cut
}

/// Prints nothing and asks nothing: for output replaced by a report
/// (`--json`).
pub struct Quiet;

impl Console for Quiet {
    fn line(&mut self, _: &str) {}
    fn status(&mut self, _: &str) {}
    fn clear_status(&mut self) {}
    fn ask(&mut self, _: &str) -> Option<String> {
        None
    }
    fn interactive(&self) -> bool {
        false
    }
}

/// Progress for `--format markdown`: the diff's lines go to standard error,
/// so standard output holds only the Markdown.
#[derive(Default)]
pub struct ProgressOnStderr;

impl Console for ProgressOnStderr {
    fn line(&mut self, text: &str) {
        let _ = writeln!(std::io::stderr(), "{text}");
    }
    fn status(&mut self, _: &str) {}
    fn clear_status(&mut self) {}
    fn ask(&mut self, _: &str) -> Option<String> {
        None
    }
    fn interactive(&self) -> bool {
        false
    }
}

pub struct Terminal {
    interactive: bool,
    status_shown: bool,
    interrupted: bool,
}

impl Terminal {
    pub fn new() -> Self {
        Terminal {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            status_shown: false,
            interrupted: false,
        }
    }
}

enum Read {
    Line(String),
    Eof,
    CtrlC,
}

/// Reads a line, or stops at Ctrl-C. Once a watch has listened for Ctrl-C,
/// the signal no longer ends the process, so a plain blocking read would
/// swallow it (issue 13: the second stack's prompt ignored Ctrl-C). The
/// line is read on a thread of its own, raced against the signal; a thread
/// left waiting on stdin ends with the process.
fn read_line_or_ctrl_c() -> Read {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let _ = tx.send(read.map(|n| (n, line)));
    });
    let race = async {
        tokio::select! {
            read = rx => match read {
                Ok(Ok((n, line))) if n > 0 => Read::Line(line),
                _ => Read::Eof,
            },
            _ = tokio::signal::ctrl_c() => Read::CtrlC,
        }
    };
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| h.block_on(race))
        }
        // Outside a multi-thread runtime nothing has taken over SIGINT:
        // Ctrl-C ends the process as usual.
        _ => {
            let mut line = String::new();
            match std::io::stdin().lock().read_line(&mut line) {
                Ok(0) | Err(_) => Read::Eof,
                Ok(_) => Read::Line(line),
            }
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
            // A line longer than the terminal wraps, and `\r` then rewrites
            // only its last row: the display fills with stale copies.
            let width = terminal_size::terminal_size_of(std::io::stderr())
                .map_or(80, |(w, _)| usize::from(w.0));
            let text = fit(text, width);
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
        self.interrupted = false;
        match read_line_or_ctrl_c() {
            Read::Line(answer) => Some(answer.trim_end_matches(['\r', '\n']).to_string()),
            Read::Eof => None,
            Read::CtrlC => {
                let _ = writeln!(std::io::stderr());
                self.interrupted = true;
                None
            }
        }
    }

    fn interactive(&self) -> bool {
        self.interactive
    }

    fn interrupted(&self) -> bool {
        self.interrupted
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_live_line_fits_the_terminal() {
        let line = "[3/11 resources]  0:42  last: DatabaseSecretAttachment CREATE_COMPLETE";
        assert_eq!(fit(line, 200), line);
        let cut = fit(line, 30);
        assert_eq!(cut.chars().count(), 29);
        assert_eq!(unicode_width::UnicodeWidthStr::width(cut.as_str()), 29);
        assert!(
            cut.ends_with('…') && cut.starts_with("[3/11 resources]"),
            "{cut}"
        );
        // Wide characters take two columns each and are never split.
        // 7 columns: "デー" (4) and "…" (1) fit in 6; a third would not.
        assert_eq!(fit("データベース作成中", 7), "デー…");
        assert_eq!(fit("データベース作成中", 8), "データ…");
        assert_eq!(fit("abc", 0), "…");
    }
}
