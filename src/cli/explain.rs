//! `archgen explain CODE`: what a rule checks and how to fix it, as
//! `rustc --explain` does.

use clap::Args;

use super::Error;
use crate::diagnostic::{Code, did_you_mean};

#[derive(Debug, Args)]
#[command(
    about = "Explain a rule code from an error, e.g. NET003",
    after_help = "Example:\n  archgen explain NET003"
)]
pub struct ExplainArgs {
    /// The code shown in brackets in an error, e.g. NET003 (any case).
    #[arg(value_name = "CODE")]
    pub code: String,
}

pub fn run(args: ExplainArgs) -> Result<(), Error> {
    let code = Code::from_id(args.code.trim()).ok_or_else(|| unknown(&args.code))?;
    println!(
        "{}: {}\n\n{}",
        code.id(),
        code.summary(),
        code.explanation()
    );
    Ok(())
}

fn unknown(input: &str) -> Error {
    let upper = input.trim().to_ascii_uppercase();
    let hint = match did_you_mean(&upper, Code::ALL.iter().map(|c| c.id())) {
        Some(id) => format!("did you mean {id}?"),
        None => "the code is the text in brackets in an error, e.g. error[NET003]".to_string(),
    };
    Error::usage(format!("there is no rule code '{input}': {hint}"))
}
