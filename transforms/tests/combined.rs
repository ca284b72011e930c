//! Several rules touching the same files at once: the engine's result equals applying the rules
//! one at a time (each to its own fixed point, repeated until nothing changes), every fixed file
//! parses, and a second run is clean.
use authfix_transforms::engine::{self, Choice, FixOptions};
use authfix_transforms::{parse, rules, Alias, Project, ProjectFacts, Rule};
use std::collections::BTreeMap;
use std::path::Path;

fn load(text: &str) -> (ProjectFacts, BTreeMap<String, String>) {
    let mut facts = ProjectFacts { typescript: true, fresh_secret: Some("FRESH-SECRET-FOR-COMBINED-TEST".into()), ..Default::default() };
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut cur: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if let Some(p) = line.strip_prefix("--- ") {
            cur = Some(p.trim().to_string());
            files.insert(p.trim().to_string(), String::new());
        } else if let Some(c) = &cur {
            files.get_mut(c).unwrap().push_str(line);
        } else if let Some(h) = line.strip_prefix("# ") {
            let (k, v) = h.split_once(':').unwrap();
            let v = v.trim();
            match k {
                "auth" => facts.auth_major = v.parse().ok(),
                "next" => {
                    let p: Vec<u32> = v.split('.').map(|x| x.parse().unwrap()).collect();
                    facts.next_version = Some((p[0], p[1], p[2]));
                }
                "alias" => {
                    let (a, t) = v.split_once("->").unwrap();
                    facts.alias = Some(Alias { prefix: a.trim().into(), target: t.trim().into() });
                }
                _ => panic!("header {k}"),
            }
        }
    }
    (facts, files)
}

fn project(facts: &ProjectFacts, files: &BTreeMap<String, String>) -> Project {
    let mut p = Project::new(facts.clone());
    for (k, v) in files {
        p.set_file(k.clone(), v.clone());
    }
    p
}

fn snapshot(p: &Project) -> BTreeMap<String, String> {
    p.paths().map(|k| (k.to_string(), p.text(k).unwrap().to_string())).collect()
}

fn run(facts: &ProjectFacts, files: &BTreeMap<String, String>, rules: &[&dyn Rule]) -> BTreeMap<String, String> {
    let opts = FixOptions { unsafe_fixes: true };
    let (_, p) = engine::run(project(facts, files), rules, &opts, Choice::All);
    snapshot(&p)
}

#[test]
fn all_at_once_equals_one_by_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/projects");
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().map_or(false, |e| e == "txt")).collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let (facts, files) = load(&std::fs::read_to_string(&case).unwrap());
        let all = rules::all();
        // Every mistake is named.
        let found: Vec<&str> = engine::check(&project(&facts, &files), &all).iter().map(|d| d.code).collect();
        assert!(found.len() >= 6, "{}: only {found:?}", case.display());

        let together = run(&facts, &files, &all);
        let mut one_by_one = files.clone();
        for _sweep in 0..10 {
            let before = one_by_one.clone();
            for r in &all {
                one_by_one = run(&facts, &one_by_one, &[*r]);
            }
            if one_by_one == before {
                break;
            }
        }
        assert_eq!(together, one_by_one, "{}: applying all rules at once differs from one by one", case.display());
        for (path, text) in &together {
            if parse::is_source_path(path) {
                assert!(parse::parse(path, text).is_ok(), "{}: {path} does not parse:\n{text}", case.display());
            }
        }
        assert_eq!(run(&facts, &together, &all), together, "{}: a second run changed something", case.display());
        let name = case.file_stem().unwrap().to_str().unwrap().to_string();
        let mut shown = String::new();
        for (path, text) in &together {
            if files.get(path) != Some(text) {
                shown.push_str(&format!("--- {path}\n{}\n", authfix_transforms::secrets::mask(text, &["FRESH-SECRET-FOR-COMBINED-TEST".to_string()])));
            }
        }
        for path in files.keys().filter(|p| !together.contains_key(*p)) {
            shown.push_str(&format!("--- {path} (deleted)\n"));
        }
        let remaining: Vec<String> = engine::check(&project(&facts, &together), &all).iter().map(|d| format!("{} {}", d.code, d.file)).collect();
        shown.push_str(&format!("=== still reported (no automatic fix): {remaining:?}\n"));
        insta::with_settings!({ snapshot_path => "projects/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, shown);
        });
    }
}
