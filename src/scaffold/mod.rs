//! `authfix new` and `authfix init` (issue 3).
use crate::cli::{ColorChoice, InitArgs, NewArgs};

pub(crate) mod edits;
mod generate;
pub mod init;
mod new;
pub(crate) mod pm;
mod providers;
mod secret;
mod templates;
mod validate;

pub fn run_new(args: &NewArgs, color: ColorChoice) -> i32 {
    new::run(args, color)
}

pub fn run_init(args: &InitArgs, color: ColorChoice) -> i32 {
    init::run(args, color)
}

/// What `init` would write (for `authfix mcp`'s preview); nothing written or printed.
pub fn init_plan(args: &InitArgs) -> Result<init::InitPlan, String> {
    init::plan(args)
}
