//! Fixture tests for every rule (`tests/fixtures/<CODE>/<case>.txt`).
//!
//! A fixture is a small project: `# key: value` header lines set the project facts, then each
//! `--- path` line starts a file. Cases named `ok_*` are negative: correct code that the rule must
//! leave alone (no diagnostic, no change). Every other case must produce at least one diagnostic;
//! its diagnostics and the diff of its fix are snapshotted. For every case the harness also
//! checks that the fixed files parse, that a second run changes nothing, and that the same project
//! with CRLF line endings gets the same fix with CRLF kept.
//!
//! Headers: `auth: 4|5`, `next: 16.0.0`, `alias: @/ -> src/`, `typescript: false`,
//! `src_dir: true`, `unsafe: true` (apply unsafe fixes), `tracked: .env, .github/workflows/ci.yml`
//! (files git tracks; without it the project is not in a git work tree), `ignored: .env` (env
//! files git ignores), `app_path: apps/web` (the app below the repository root). Files above the
//! app root are declared with `../` (`--- ../../.github/workflows/ci.yml`). Snapshots mask secrets
//! as the CLI does.
use authfix_transforms::engine::{self, Decision, FixOptions};
use authfix_transforms::rules;
use authfix_transforms::{Alias, Project, ProjectFacts, Rule};
use std::fmt::Write;
use std::path::Path;

/// The "fresh secret" every fixture's project is given (the CLI passes one from the OS CSPRNG).
const FRESH_SECRET: &str = "FRESH-TEST-SECRET-b64-0123456789abcdef";

struct Fixture {
    facts: ProjectFacts,
    unsafe_fixes: bool,
    files: Vec<(String, String)>,
}

fn load(text: &str) -> Fixture {
    let mut facts = ProjectFacts { typescript: true, fresh_secret: Some(FRESH_SECRET.into()), ..Default::default() };
    let mut unsafe_fixes = false;
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        } else if let Some(h) = line.strip_prefix("# ") {
            let (k, v) = h.split_once(':').expect("header `# key: value`");
            let v = v.trim();
            match k.trim() {
                "auth" => facts.auth_major = Some(v.parse().unwrap()),
                "next" => {
                    let p: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
                    facts.next_version = Some((p[0], p[1], p[2]));
                }
                "alias" => {
                    let (prefix, target) = v.split_once("->").unwrap();
                    facts.alias = Some(Alias { prefix: prefix.trim().into(), target: target.trim().into() });
                }
                "typescript" => facts.typescript = v == "true",
                "src_dir" => facts.src_dir = v == "true",
                "unsafe" => unsafe_fixes = v == "true",
                // Files git tracks (a comma-separated list); without this header: not a git work tree.
                "tracked" => facts.git_tracked = Some(v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()),
                // Env files git ignores (git's answer in a work tree); without it the rules match
                // the fixture's `.gitignore` files themselves.
                "ignored" => facts.git_ignored = Some(v.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()),
                // The app's folder below the git/workspace root (files above it are `../` keys).
                "app_path" => facts.app_path = v.to_string(),
                other => panic!("unknown header {other}"),
            }
        }
    }
    Fixture { facts, unsafe_fixes, files }
}

fn project(f: &Fixture, crlf: bool) -> Project {
    let mut p = Project::new(f.facts.clone());
    for (path, text) in &f.files {
        let t = if crlf { text.replace('\n', "\r\n") } else { text.clone() };
        p.set_file(path.clone(), t);
    }
    p
}

fn run(f: &Fixture, rules: &[&dyn Rule], crlf: bool) -> (engine::Outcome, Project) {
    let opts = FixOptions { unsafe_fixes: f.unsafe_fixes };
    engine::run(project(f, crlf), rules, &opts, &mut |_, _| Decision::Apply)
}

/// The report as the CLI shows it: secrets masked everywhere.
fn render(outcome: &engine::Outcome, original: &Project) -> String {
    let secrets = authfix_transforms::secrets::collect(original);
    let out = render_raw(outcome, original);
    let masked = authfix_transforms::secrets::mask(&out, &secrets);
    assert!(!masked.contains(FRESH_SECRET), "the fresh secret leaked into the report");
    masked
}

fn render_raw(outcome: &engine::Outcome, original: &Project) -> String {
    let mut s = String::new();
    for finding in &outcome.findings {
        let d = &finding.diagnostic;
        let text = original.text(&d.file).unwrap_or("");
        let (line, col) = authfix_transforms::edit::line_col(text, d.start);
        writeln!(s, "{} [{}] {}:{}:{} {}", d.code, d.severity.as_str(), d.file, line, col, d.message).unwrap();
        writeln!(s, "  | {}", text.get(d.start..d.end).unwrap_or("").lines().next().unwrap_or("")).unwrap();
        if let Some(n) = &d.note {
            writeln!(s, "  note: {n}").unwrap();
        }
        if let Some(fx) = &d.fix {
            writeln!(s, "  fix ({}): {}", fx.safety.as_str(), fx.title).unwrap();
        }
        writeln!(s, "  status: {:?}", finding.status).unwrap();
    }
    for dr in &outcome.dropped {
        writeln!(s, "dropped {} {}: {}", dr.code, dr.file, dr.reason).unwrap();
    }
    for (path, old) in &outcome.deleted {
        let diff = similar::TextDiff::from_lines(old.as_str(), "");
        write!(s, "{}", diff.unified_diff().context_radius(3).header(&format!("a/{path}"), "/dev/null")).unwrap();
    }
    for (path, fr) in &outcome.changed {
        let old = fr.original.as_deref().unwrap_or("");
        let from = if fr.original.is_some() { format!("a/{path}") } else { "/dev/null".into() };
        let diff = similar::TextDiff::from_lines(old, &fr.new);
        write!(s, "{}", diff.unified_diff().context_radius(3).header(&from, &format!("b/{path}"))).unwrap();
    }
    s
}

fn check_case(code: &str, rule: &'static dyn Rule, case: &Path) {
    let name = case.file_stem().unwrap().to_str().unwrap().to_string();
    let f = load(&std::fs::read_to_string(case).unwrap());
    let (outcome, fixed) = run(&f, &[rule], false);
    let mine = outcome.findings.iter().filter(|x| x.diagnostic.code == code).count();
    if name.starts_with("ok_") {
        assert_eq!(mine, 0, "{code}/{name}: negative fixture got diagnostics:\n{}", render(&outcome, &project(&f, false)));
        assert!(outcome.changed.is_empty(), "{code}/{name}: negative fixture was changed");
        return;
    }
    assert!(mine > 0, "{code}/{name}: expected a {code} diagnostic");
    assert!(outcome.converged, "{code}/{name}: fixes did not converge");
    for (path, fr) in &outcome.changed {
        if authfix_transforms::parse::is_source_path(path) {
            if let Err(e) = authfix_transforms::parse::parse(path, &fr.new) {
                panic!("{code}/{name}: fixed {path} does not parse: {e:?}\n{}", fr.new);
            }
        }
    }
    // A second run on the fixed project changes nothing.
    let opts = FixOptions { unsafe_fixes: f.unsafe_fixes };
    let (again, _) = engine::run(fixed, &[rule], &opts, &mut |_, _| Decision::Apply);
    assert!(again.changed.is_empty() && again.deleted.is_empty(), "{code}/{name}: second run changed {:?}", again.changed.keys().collect::<Vec<_>>());
    // CRLF in, CRLF out, same fix.
    let (crlf, _) = run(&f, &[rule], true);
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
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for rule in rules::all() {
        let code = rule.meta().code;
        let dir = root.join(code);
        let mut cases: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{code} has no fixture folder {}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        cases.sort();
        assert!(cases.iter().any(|c| c.file_name().unwrap().to_str().unwrap().starts_with("ok_")), "{code} has no negative fixture");
        assert!(cases.iter().any(|c| !c.file_name().unwrap().to_str().unwrap().starts_with("ok_")), "{code} has no positive fixture");
        for case in cases {
            check_case(code, rule, &case);
        }
    }
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
