//! `authfix rules` and `authfix explain`.
use authfix_transforms::rules;

/// The rule table (Markdown), the same one the README shows.
pub fn markdown_table() -> String {
    let mut s = String::from("| code | name | fix | what goes wrong |\n|---|---|---|---|\n");
    for r in rules::all() {
        let m = r.meta();
        s.push_str(&format!("| {} | {} | {} | {} |\n", m.code, m.name, m.safety.as_str(), m.summary));
    }
    s
}

pub fn list(markdown: bool) -> i32 {
    if markdown {
        print!("{}", markdown_table());
        return 0;
    }
    for r in rules::all() {
        let m = r.meta();
        println!("{:<5} {:<32} {:<7} {}", m.code, m.name, m.safety.as_str(), m.summary);
    }
    0
}

pub fn explain(rule: &str) -> i32 {
    match rules::find(rule) {
        Some(r) => {
            let m = r.meta();
            println!("# {} {}\n\nFix: {}. Severity: {}.\n\n{}", m.code, m.name, m.safety.as_str(), m.severity.as_str(), m.doc_text());
            0
        }
        None => {
            eprintln!("authfix: no rule named {rule:?} (see `authfix rules`)");
            2
        }
    }
}
