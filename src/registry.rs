//! One registry for every code authfix prints: the rules (P, S, C, M, E, U), the engine's own
//! A001, and doctor's D-codes. `authfix rules`, `authfix explain`, `--select`/`--ignore`, the
//! SARIF rule list and the README table all read it. A rule's documentation is its source
//! file's doc comment; a D-code's is its section of docs/doctor.md (embedded at build time).
use authfix_transforms::{rules, Rule, RuleMeta};

/// Who reports a code.
#[derive(Copy, Clone)]
pub enum Kind {
    /// `authfix check` / `fix` (the rules, A001 included).
    Rule(&'static dyn Rule),
    /// `authfix doctor`.
    Doctor(crate::doctor::findings::Code),
}

#[derive(Copy, Clone)]
pub struct Entry {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: Kind,
}

impl Entry {
    pub fn rule(&self) -> Option<&'static dyn Rule> {
        match self.kind {
            Kind::Rule(r) => Some(r),
            Kind::Doctor(_) => None,
        }
    }
    pub fn meta(&self) -> Option<&'static RuleMeta> {
        self.rule().map(|r| r.meta())
    }
    /// `safe`, `unsafe`, `safe/unsafe (sometimes)`, `none`; doctor findings have no fixes.
    pub fn fix_label(&self) -> String {
        self.meta().map_or_else(|| "none".into(), |m| m.fix_label())
    }
    pub fn summary(&self) -> String {
        match self.kind {
            Kind::Rule(r) => r.meta().summary.to_string(),
            Kind::Doctor(c) => c.title().to_string(),
        }
    }
    /// The full documentation, Markdown.
    pub fn doc(&self) -> String {
        match self.kind {
            Kind::Rule(r) => r.meta().doc_text(),
            Kind::Doctor(c) => doctor_doc(c),
        }
    }
    /// What `authfix explain` prints.
    pub fn explain(&self) -> String {
        match self.kind {
            Kind::Rule(r) => {
                let m = r.meta();
                format!("# {} {}\n\nFix: {}. Severity: {}.\n\n{}", m.code, m.name, m.fix_label(), m.severity.as_str(), self.doc())
            }
            Kind::Doctor(c) => format!("# {} {} (authfix doctor)\n\n{}", c.as_str(), c.name(), self.doc()),
        }
    }
}

/// The section of docs/doctor.md for a doctor finding, without its heading.
fn doctor_doc(code: crate::doctor::findings::Code) -> String {
    const DOC: &str = include_str!("../docs/doctor.md");
    let head = format!("### {} ", code.as_str());
    let Some(start) = DOC.find(&head) else { return code.title().to_string() };
    let rest = &DOC[start..];
    let end = rest[4..].find("\n### ").or_else(|| rest[4..].find("\n## ")).map_or(rest.len(), |i| i + 4);
    rest[..end].split_once('\n').map_or("", |x| x.1).trim().to_string()
}

/// Every code, rules first (in code order, A001 last), then doctor's.
pub fn all() -> Vec<Entry> {
    let mut v: Vec<Entry> = rules::all().into_iter().map(|r| Entry { code: r.meta().code, name: r.meta().name, kind: Kind::Rule(r) }).collect();
    v.extend(crate::doctor::findings::Code::ALL.iter().map(|&c| Entry { code: c.as_str(), name: c.name(), kind: Kind::Doctor(c) }));
    v
}

/// A code (case-insensitive) or name.
pub fn find(code_or_name: &str) -> Option<Entry> {
    all().into_iter().find(|e| e.code.eq_ignore_ascii_case(code_or_name) || e.name == code_or_name)
}

/// The rules a `--select`/`--ignore` pattern names: a code, a name, or a code prefix (`M`,
/// `E00`). `Err` when it names nothing, or only doctor findings (which `check` does not run).
pub fn rules_matching(pat: &str) -> Result<Vec<&'static dyn Rule>, String> {
    let hits: Vec<Entry> = all()
        .into_iter()
        .filter(|e| {
            e.code.eq_ignore_ascii_case(pat) || e.name == pat || (!pat.is_empty() && e.code.to_ascii_uppercase().starts_with(&pat.to_ascii_uppercase()))
        })
        .collect();
    if hits.is_empty() {
        return Err(format!("unknown rule {pat:?} (see `authfix rules`)"));
    }
    let rules: Vec<&'static dyn Rule> = hits.iter().filter_map(|e| e.rule()).collect();
    if rules.is_empty() {
        return Err(format!("{pat:?} names doctor findings, which `authfix doctor` reports; check and fix do not run them"));
    }
    Ok(rules)
}

/// The rule table (Markdown), the same one the README shows.
pub fn markdown_table() -> String {
    let mut s = String::from("| code | name | fix | what goes wrong |\n|---|---|---|---|\n");
    for e in all().iter().filter(|e| e.rule().is_some()) {
        s.push_str(&format!("| {} | {} | {} | {} |\n", e.code, e.name, e.fix_label(), e.summary()));
    }
    s.push_str("\n`authfix doctor` findings:\n\n| code | name | what goes wrong |\n|---|---|---|\n");
    for e in all().iter().filter(|e| e.rule().is_none()) {
        s.push_str(&format!("| {} | {} | {} |\n", e.code, e.name, e.summary()));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_found_by_code_and_name() {
        let all = all();
        let mut codes: Vec<&str> = all.iter().map(|e| e.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for e in &all {
            assert_eq!(find(e.code).map(|x| x.code), Some(e.code));
            assert_eq!(find(&e.code.to_ascii_lowercase()).map(|x| x.code), Some(e.code));
            assert_eq!(find(e.name).map(|x| x.code), Some(e.code));
            assert!(!e.doc().trim().is_empty(), "{} has no documentation", e.code);
            assert!(!e.summary().is_empty());
        }
        assert!(find("A001").is_some() && find("D010").is_some() && find("unused-suppression").is_some());
    }

    #[test]
    fn doctor_docs_come_from_their_own_section() {
        let d = find("D002").unwrap().doc();
        assert!(d.contains("**Checks:**"), "{d}");
        assert!(!d.contains("### D003"), "{d}");
    }

    #[test]
    fn selection_patterns() {
        assert_eq!(rules_matching("A001").unwrap().len(), 1);
        assert!(rules_matching("M").unwrap().len() >= 8);
        assert!(rules_matching("Z999").unwrap_err().contains("unknown rule"));
        assert!(rules_matching("D001").unwrap_err().contains("doctor"));
    }
}
