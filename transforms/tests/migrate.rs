//! `migrate better-auth` input/output fixtures (as @next/codemod lays them out):
//! `tests/migrate/<case>.input.txt` is a project in the shared fixture format (`tests/common`),
//! `<case>.output.txt` what the migration leaves: the full text of every file it creates or
//! changes, the files it deletes, the package.json edits, the report, and (with `# sql: DIALECT`)
//! the `--emit-sql` output. Cases named `refuse_*` expect a refusal (the message is the output),
//! `already_*` a project that is already migrated (nothing changes).
//!
//! For every migrating case the harness also checks that every file written is well-formed, that
//! a second run on the result changes nothing, and that the CRLF variant of the project gets the
//! same result with CRLF kept. `AUTHFIX_BLESS=1 cargo test -p authfix-transforms --test migrate`
//! rewrites the expected outputs (review the diff).
mod common;
use authfix_transforms::migrate::{self, data, Outcome};
use authfix_transforms::{engine, Project};
use common::{load, project};
use std::fmt::Write;
use std::path::Path;

/// Apply a plan to a project the way the CLI does (files, then package.json).
fn apply(p: &Project, plan: &migrate::Plan) -> (Project, String) {
    let previews = engine::preview(p, &plan.fix()).expect("the plan's changes apply");
    let mut out = Project::new(p.facts.clone());
    for path in p.paths() {
        out.set_file(path.to_string(), p.text(path).unwrap().to_string());
    }
    let mut s = String::new();
    let mut deleted: Vec<&str> = previews.iter().filter(|x| x.deleted).map(|x| x.file.as_str()).collect();
    deleted.sort();
    if !deleted.is_empty() {
        writeln!(s, "# deleted: {}", deleted.join(", ")).unwrap();
    }
    let mut pk: Vec<String> = plan.packages.remove.iter().map(|r| format!("-{r}")).collect();
    pk.extend(plan.packages.add.iter().map(|(n, v)| format!("+{n}@{v}")));
    writeln!(s, "# packages: {}", pk.join(", ")).unwrap();
    let mut sorted = previews.clone();
    sorted.sort_by(|a, b| a.file.cmp(&b.file));
    for pv in &sorted {
        if pv.deleted {
            out.remove_file(&pv.file);
            continue;
        }
        if let Err(e) = engine::validate(&pv.file, &pv.new) {
            panic!("{} is not well-formed after the migration: {e}\n{}", pv.file, pv.new);
        }
        writeln!(s, "--- {}", pv.file).unwrap();
        s.push_str(&pv.new);
        if !pv.new.ends_with('\n') {
            s.push('\n');
        }
        out.set_file(pv.file.clone(), pv.new.clone());
    }
    // package.json, as the CLI's CST edit does (here through serde_json: order kept).
    if let Some(pj) = p.text("package.json") {
        let mut v: serde_json::Value = serde_json::from_str(pj).unwrap();
        for k in ["dependencies", "devDependencies"] {
            if let Some(o) = v.get_mut(k).and_then(|d| d.as_object_mut()) {
                for r in &plan.packages.remove {
                    o.remove(r);
                }
            }
        }
        if let Some(o) = v.get_mut("dependencies").and_then(|d| d.as_object_mut()) {
            for (n, ver) in &plan.packages.add {
                o.insert(n.clone(), serde_json::Value::String(ver.clone()));
            }
        }
        out.set_file("package.json", serde_json::to_string_pretty(&v).unwrap());
    }
    (out, s)
}

fn render_report(r: &migrate::Report) -> String {
    let mut s = String::from("=== report\n");
    for (f, w) in &r.changed {
        writeln!(s, "changed {f}: {w}").unwrap();
    }
    for (f, w) in &r.human {
        writeln!(s, "human {}: {w}", f.as_deref().unwrap_or("-")).unwrap();
    }
    for f in &r.todo_files {
        writeln!(s, "todo {f}").unwrap();
    }
    s
}

fn check_case(case: &Path, text: String) -> datatest_stable::Result<()> {
    let name = case.file_name().unwrap().to_str().unwrap().trim_end_matches(".input.txt").to_string();
    let f = load(&text, &["sql"]);
    let p = project(&f, false);
    let got = match migrate::plan(&p) {
        Err(r) => {
            assert!(name.starts_with("refuse_"), "{name}: refused: {r}");
            format!("refused: {r}\n")
        }
        Ok(Outcome::AlreadyMigrated) => {
            assert!(name.starts_with("already_"), "{name}: nothing to migrate");
            "already migrated: nothing to do\n".to_string()
        }
        Ok(Outcome::Migrate(plan)) => {
            assert!(!name.starts_with("refuse_") && !name.starts_with("already_"), "{name}: expected no migration");
            let (after, mut s) = apply(&p, &plan);
            s.push_str(&render_report(&plan.report));
            for d in f.all("sql") {
                let dialect = data::Dialect::parse(d).expect("sql: postgres|mysql|sqlite");
                writeln!(s, "=== sql {d}").unwrap();
                match &plan.source {
                    Some(src) => s.push_str(&data::emit_sql(src, dialect)),
                    None => s.push_str("no data to move\n"),
                }
            }
            // A second run changes nothing.
            match migrate::plan(&after) {
                Ok(Outcome::AlreadyMigrated) => {}
                Ok(Outcome::Migrate(again)) => panic!("{name}: a second run would change {:?}", again.changes.iter().map(|c| c.file()).collect::<Vec<_>>()),
                Err(e) => panic!("{name}: a second run refuses: {e}"),
            }
            // CRLF in, CRLF out.
            let pc = project(&f, true);
            let Ok(Outcome::Migrate(plan_crlf)) = migrate::plan(&pc) else { panic!("{name}: the CRLF variant does not migrate") };
            let (_, s_crlf) = apply(&pc, &plan_crlf);
            let (_, s_lf) = apply(&p, &plan);
            assert_eq!(s_crlf.replace("\r\n", "\n"), s_lf, "{name}: the CRLF variant differs");
            for c in &plan_crlf.changes {
                if let authfix_transforms::Change::Edit { file, .. } = c {
                    let new = engine::preview(&pc, &plan_crlf.fix()).unwrap().into_iter().find(|x| &x.file == file).unwrap().new;
                    assert!(!new.replace("\r\n", "").contains('\n'), "{name}: {file} lost its CRLF line endings");
                }
            }
            s
        }
    };
    let expected_path = case.with_file_name(format!("{name}.output.txt"));
    if std::env::var_os("AUTHFIX_BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
        return Ok(());
    }
    let expected =
        std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("{name}: missing {} (AUTHFIX_BLESS=1 writes it)", expected_path.display()));
    if expected != got {
        let diff = similar::TextDiff::from_lines(&expected, &got);
        panic!("{name}: output differs from {}:\n{}", expected_path.display(), diff.unified_diff().header("expected", "got"));
    }
    Ok(())
}

datatest_stable::harness! {
    { test = check_case, root = "tests/migrate", pattern = r"^[^/]+\.input\.txt$" },
}
