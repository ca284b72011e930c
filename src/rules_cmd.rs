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

/// The section of docs/doctor.md for a doctor finding (`D001` or its name), embedded at build time.
fn doctor_doc(code_or_name: &str) -> Option<String> {
    const DOC: &str = include_str!("../docs/doctor.md");
    let code = crate::doctor::findings::Code::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(code_or_name) || c.name() == code_or_name)?;
    let head = format!("### {} ", code.as_str());
    let start = DOC.find(&head)?;
    let rest = &DOC[start + 4..];
    let end = rest.find("\n### ").or_else(|| rest.find("\n## ")).unwrap_or(rest.len());
    Some(format!("# {} (authfix doctor)\n{}", rest[..end].lines().next().unwrap_or(""), rest[..end].split_once('\n').map_or("", |x| x.1).trim_end()))
}

pub fn explain(rule: &str) -> i32 {
    match explain_text(rule) {
        Ok(doc) => {
            println!("{doc}");
            0
        }
        Err(e) => {
            eprintln!("authfix: {e}");
            2
        }
    }
}

/// The documentation `explain` prints for a rule or doctor code (by code or name).
pub fn explain_text(rule: &str) -> Result<String, String> {
    if rule.to_ascii_uppercase().starts_with('D') || crate::doctor::findings::Code::ALL.iter().any(|c| c.name() == rule) {
        if let Some(doc) = doctor_doc(rule) {
            return Ok(doc);
        }
    }
    let unused = &authfix_transforms::suppress::UNUSED_SUPPRESSION;
    if rule.eq_ignore_ascii_case(unused.code) || rule == unused.name {
        return Ok(format!(
            "# {} {}\n\nFix: {}. Severity: {}.\n\n{}",
            unused.code,
            unused.name,
            unused.safety.as_str(),
            unused.severity.as_str(),
            unused.doc_text()
        ));
    }
    match rules::find(rule) {
        Some(r) => {
            let m = r.meta();
            Ok(format!("# {} {}\n\nFix: {}. Severity: {}.\n\n{}", m.code, m.name, m.safety.as_str(), m.severity.as_str(), m.doc_text()))
        }
        None => Err(format!("no rule named {rule:?} (see `authfix rules`)")),
    }
}
