use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = archgen::cli::Cli::parse();
    let verbose = cli.verbose;
    match archgen::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            anstream::eprintln!("{}", archgen::cli::report(&error, verbose));
            ExitCode::from(error.exit_code())
        }
    }
}
