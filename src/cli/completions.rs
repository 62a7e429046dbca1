//! `archgen completions SHELL` and `archgen man`: generated from the same
//! clap definition as the parser, so they cannot fall out of step with it.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;

use super::{Cli, Error};

#[derive(Debug, Args)]
#[command(
    about = "Print a shell completion script",
    after_help = "\
Examples:
  archgen completions bash > ~/.local/share/bash-completion/completions/archgen
  archgen completions zsh > \"${fpath[1]}/_archgen\"
  archgen completions fish > ~/.config/fish/completions/archgen.fish
  archgen completions powershell >> $PROFILE"
)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Args)]
#[command(
    about = "Print the man page (roff)",
    after_help = "Example:\n  archgen man > /usr/local/share/man/man1/archgen.1"
)]
pub struct ManArgs {}

pub fn completions(args: CompletionsArgs) -> Result<(), Error> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "archgen", &mut out);
    write_stdout(&out)
}

pub fn man(_: ManArgs) -> Result<(), Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| archgen_synth::Error::io("render", "the man page", e))?;
    write_stdout(&out)
}

pub(super) fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    std::io::stdout()
        .write_all(bytes)
        .map_err(|e| archgen_synth::Error::io("write to", "standard output", e))?;
    Ok(())
}
