//! What every rule promises beside its fixtures (which `fixtures.rs` runs one test each): it has
//! positive and negative fixtures, documents itself in the house sections, and emits exactly the
//! fixes it declares — its availability (always / sometimes / none) and the applicabilities
//! (safe / unsafe / display-only) of the fixes it emits, measured over all its fixtures.
mod common;
use authfix_transforms::engine;
use authfix_transforms::{rules, Applicability, FixAvailability, Rule};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn cases(code: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(code);
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{code} has no fixture folder {}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    cases.sort();
    cases
}

fn is_negative(p: &Path) -> bool {
    p.file_name().unwrap().to_str().unwrap().starts_with("ok_")
}

#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    for rule in rules::all() {
        let code = rule.meta().code;
        let cs = cases(code);
        assert!(cs.iter().any(|c| is_negative(c)), "{code} has no negative fixture");
        assert!(cs.iter().any(|c| !is_negative(c)), "{code} has no positive fixture");
    }
}

#[test]
fn codes_and_names_are_unique() {
    let all = rules::all();
    let codes: BTreeSet<&str> = all.iter().map(|r| r.meta().code).collect();
    let names: BTreeSet<&str> = all.iter().map(|r| r.meta().name).collect();
    assert_eq!(codes.len(), all.len());
    assert_eq!(names.len(), all.len());
}

#[test]
fn every_rule_documents_itself() {
    for rule in rules::all() {
        let m = rule.meta();
        let doc = m.doc_text();
        for section in ["## What it does", "## Why is this bad?", "## Example", "## Fix safety"] {
            assert!(doc.contains(section), "{} lacks {section}", m.code);
        }
    }
}

/// ruff's check of `FIX_AVAILABILITY` against the fixes a rule really emits, plus the same for
/// applicability: a declaration wider than what is emitted is as wrong as a narrower one.
#[test]
fn emitted_fixes_match_declared_availability() {
    let mut problems = Vec::new();
    for rule in rules::all() {
        let m = rule.meta();
        let (mut with_fix, mut without_fix) = (0usize, 0usize);
        let mut emitted: BTreeSet<Applicability> = BTreeSet::new();
        for case in cases(m.code).into_iter().filter(|c| !is_negative(c)) {
            let f = common::load(&std::fs::read_to_string(&case).unwrap(), &["rules"]);
            let mut set: Vec<&dyn Rule> = vec![rule];
            set.extend(f.all("rules").iter().flat_map(|v| v.split(',')).map(str::trim).filter(|c| !c.is_empty()).map(|c| rules::find(c).unwrap()));
            for d in engine::check(&common::project(&f, false), &set).into_iter().filter(|d| d.code == m.code) {
                match &d.fix {
                    Some(fx) => {
                        with_fix += 1;
                        emitted.insert(fx.applicability);
                        if !m.applicability.contains(&fx.applicability) {
                            problems.push(format!("{}: {} emits a {} fix, declared {:?}", m.code, case.display(), fx.applicability.as_str(), m.applicability));
                        }
                    }
                    None => {
                        without_fix += 1;
                        if m.fix == FixAvailability::Always {
                            problems.push(format!("{}: declared `fix: Always` but {} gives a diagnostic without a fix", m.code, case.display()));
                        }
                    }
                }
            }
        }
        match m.fix {
            FixAvailability::None if with_fix > 0 => problems.push(format!("{}: declared `fix: None` but emits fixes", m.code)),
            FixAvailability::Sometimes if with_fix == 0 || without_fix == 0 => problems.push(format!(
                "{}: declared `fix: Sometimes` but the fixtures show {with_fix} with and {without_fix} without a fix (add the missing case)",
                m.code
            )),
            _ => {}
        }
        if m.fix != FixAvailability::None {
            for a in m.applicability {
                if !emitted.contains(a) {
                    problems.push(format!("{}: declares {} fixes but no fixture emits one", m.code, a.as_str()));
                }
            }
        } else if !m.applicability.is_empty() {
            problems.push(format!("{}: `fix: None` with applicabilities", m.code));
        }
    }
    assert!(problems.is_empty(), "declared vs emitted fixes:\n{}", problems.join("\n"));
}
