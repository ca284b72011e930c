//! One test per rule fixture (`tests/fixtures/<CODE>/<case>.txt`; format in `support/mod.rs`),
//! so one failure hides no other and a case runs alone by name:
//! `cargo test -p authfix-transforms --test fixtures -- C001/ternary`.
//!
//! Cases named `ok_*` are negative: correct code that the rule must leave alone (no diagnostic,
//! no change). Every other case must produce at least one diagnostic; its diagnostics and the
//! diff of its fix are snapshotted. For every case the harness also checks that the fixed files
//! parse, that a second run changes nothing, and that the same project with CRLF line endings
//! gets the same fix with CRLF kept.
mod common;
use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{rules, Rule};
use common::{load, project, render, run};
use std::path::Path;

fn check_case(case: &Path, text: String) -> datatest_stable::Result<()> {
    let code = case.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap().to_string();
    let name = case.file_stem().unwrap().to_str().unwrap().to_string();
    let rule = rules::find(&code).unwrap_or_else(|| panic!("fixture folder {code} names no rule"));
    let f = load(&text, &["rules"]);
    let mut set: Vec<&dyn Rule> = vec![rule];
    for extra in f.all("rules").iter().flat_map(|v| v.split(',')).map(str::trim).filter(|c| !c.is_empty()) {
        set.push(rules::find(extra).unwrap_or_else(|| panic!("{code}/{name}: `rules:` names no rule {extra}")));
    }
    let (outcome, fixed) = run(&f, &set, false);
    let mine = outcome.findings.iter().filter(|x| x.diagnostic.code == code).count();
    if name.starts_with("ok_") {
        assert_eq!(mine, 0, "{code}/{name}: negative fixture got diagnostics:\n{}", render(&outcome, &project(&f, false)));
        assert!(outcome.changed.is_empty(), "{code}/{name}: negative fixture was changed");
        return Ok(());
    }
    assert!(mine > 0, "{code}/{name}: expected a {code} diagnostic");
    assert!(outcome.converged, "{code}/{name}: fixes did not converge");
    for (path, fr) in &outcome.changed {
        if let Err(e) = engine::validate(path, &fr.new) {
            panic!("{code}/{name}: fixed {path} is not well-formed: {e}\n{}", fr.new);
        }
    }
    // A second run on the fixed project changes nothing.
    let opts = FixOptions { unsafe_fixes: f.unsafe_fixes };
    let (again, _) = engine::run(fixed, &set, &opts, Choice::All);
    assert!(again.changed.is_empty() && again.deleted.is_empty(), "{code}/{name}: second run changed {:?}", again.changed.keys().collect::<Vec<_>>());
    // CRLF in, CRLF out, same fix.
    let (crlf, _) = run(&f, &set, true);
    assert_eq!(crlf.deleted.len(), outcome.deleted.len(), "{code}/{name}: CRLF variant deleted other files");
    assert_eq!(crlf.changed.len(), outcome.changed.len(), "{code}/{name}: CRLF variant changed other files:\n{}", render(&crlf, &project(&f, true)));
    for (path, fr) in &outcome.changed {
        let c = &crlf.changed[path].new;
        assert_eq!(c, &fr.new.replace('\n', "\r\n"), "{code}/{name}: CRLF not kept in {path}");
    }
    let snap = render(&outcome, &project(&f, false));
    insta::with_settings!({ snapshot_path => "fixtures/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(format!("{code}_{name}"), snap);
    });
    Ok(())
}

datatest_stable::harness! {
    { test = check_case, root = "tests/fixtures", pattern = r"^[A-Z][0-9]{3}/[^/]+\.txt$" },
}
