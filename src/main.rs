//! The `conform` binary: parses the command line, runs the command, and
//! renders any error once, here, with its documented exit code.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

use clap::Parser;

fn main() {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success, and
            // usage errors to stderr; both keep clap's formatting.
            let code = if e.use_stderr() {
                conform::exit::USAGE
            } else {
                conform::exit::OK
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match cli::run(cli) {
        Ok(code) => code,
        Err(conform::error::Error::Interrupted) => {
            // Not a failure of the run: the user stopped it.
            eprintln!("conform: {}", conform::error::Error::Interrupted);
            conform::exit::INTERRUPTED
        }
        Err(error) => {
            eprintln!("conform: error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            conform::exit::for_error(&error)
        }
    };
    std::process::exit(code);
}
