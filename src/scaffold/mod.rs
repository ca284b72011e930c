//! `authfix new` and `authfix init` (issue 3).
use crate::cli::{ColorChoice, InitArgs, NewArgs};

pub fn run_new(_args: &NewArgs, _color: ColorChoice) -> i32 {
    eprintln!("authfix new: not yet available");
    2
}

pub fn run_init(_args: &InitArgs, _color: ColorChoice) -> i32 {
    eprintln!("authfix init: not yet available");
    2
}
