//! `authfix new` and `authfix init` (issue 3).
use crate::cli::{ColorChoice, InitArgs, NewArgs};

mod generate;
mod new;
mod pm;
mod providers;
mod secret;
mod templates;
mod validate;

pub fn run_new(args: &NewArgs, color: ColorChoice) -> i32 {
    new::run(args, color)
}

pub fn run_init(_args: &InitArgs, _color: ColorChoice) -> i32 {
    eprintln!("authfix init: not yet available");
    2
}
