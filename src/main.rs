//! authfix: find and fix Auth.js mistakes in Next.js apps.
mod cli;
mod doctor;
mod scaffold;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match &cli.command {
        cli::Command::New(a) => scaffold::run_new(a, cli.color),
        cli::Command::Init(a) => scaffold::run_init(a, cli.color),
        cli::Command::Doctor(a) => doctor::run(a, cli.color),
        _ => {
            eprintln!("authfix: not yet available");
            2
        }
    };
    std::process::exit(code);
}
