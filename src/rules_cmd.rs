//! `authfix rules` and `authfix explain`, both read from the one registry.
use crate::registry;

pub fn list(markdown: bool) -> i32 {
    if markdown {
        crate::out!("{}", registry::markdown_table());
        return 0;
    }
    for e in registry::all() {
        let what = if e.rule().is_some() { e.fix_label() } else { "doctor".into() };
        crate::outln!("{:<5} {:<32} {:<22} {}", e.code, e.name, what, e.summary());
    }
    0
}

pub fn explain(code: &str) -> i32 {
    match registry::find(code) {
        Some(e) => {
            crate::outln!("{}", e.explain());
            0
        }
        None => {
            crate::errln!("authfix: no rule named {code:?} (see `authfix rules`)");
            2
        }
    }
}
