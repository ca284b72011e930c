//! `authfix doctor --url`: diagnose a running deployment (issue 8).
use crate::cli::{ColorChoice, DoctorArgs};

pub fn run(_args: &DoctorArgs, _color: ColorChoice) -> i32 {
    eprintln!("authfix doctor: not yet available");
    2
}
