use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = archgen::cli::Cli::parse();
    match archgen::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            anstream::eprintln!("{}", failure.report());
            failure.exit_code()
        }
    }
}
