//! `authfix migrate better-auth`: the CLI half. It scans, loads what the transforms read (source
//! files, env files, package.json, the Prisma schema), registers every secret with the output
//! boundary, asks the rules crate for the plan, then shows and applies it through the same review
//! flow as `fix` (`--dry-run`, `--diff`, `--yes`, the git guard, atomic writes). Every app is
//! planned before anything is written: a refusal anywhere writes nothing.
//!
//! The migration is all-or-nothing (half of it leaves an app that neither Auth.js nor Better Auth
//! can run), so `--interactive` asks once, after every diff, instead of per change.
use crate::analyze;
use crate::cli::{MigrateArgs, ReviewArgs, SqlDialect};
use crate::project::{self, App};
use crate::review::{self, FileChange, FileDeletion, BOLD, YELLOW};
use crate::scaffold::pm::PackageManager;
use authfix_transforms::migrate::{self, data, Dialect, Outcome, Plan};
use authfix_transforms::{engine, Project};
use std::io::Write;
use std::path::PathBuf;

/// Files outside the scan's source set that the migration reads (and may edit).
const EXTRA_FILES: &[&str] = &["prisma/schema.prisma", "schema.prisma"];

fn dialect(d: SqlDialect) -> Dialect {
    match d {
        SqlDialect::Postgres => Dialect::Postgres,
        SqlDialect::Mysql => Dialect::Mysql,
        SqlDialect::Sqlite => Dialect::Sqlite,
    }
}

/// The rules' view of one app, with the Prisma schema when it has one and the declaration files
/// (`*.d.ts`, which the scan leaves out) that mention Auth.js. `other_apps`: the roots of the
/// scan's other apps, whose files are theirs (a monorepo's root app does not walk into apps/web).
fn build(loaded: &project::Loaded, other_apps: &[PathBuf]) -> (Project, Vec<(String, String)>) {
    let app = loaded.app;
    let mut p = analyze::build_project(loaded);
    let mut extra = Vec::new();
    // `extra` keeps the bytes read (a BOM included, to check nothing changed before writing);
    // the rules get the text without it.
    for f in EXTRA_FILES {
        if let Ok(t) = std::fs::read_to_string(app.root.join(f)) {
            p.set_file(*f, t.strip_prefix('\u{feff}').unwrap_or(&t).to_string());
            extra.push((f.to_string(), t));
        }
    }
    // The scan's walk (ignore files honoured, no links followed), which also stops at the other
    // apps' roots (setting a filter replaces the walker's own, so the skip list is repeated).
    let others: Vec<PathBuf> = other_apps.iter().filter(|r| **r != app.root).cloned().collect();
    let walker = project::walk::walker(&app.root)
        .filter_entry(move |e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && (project::walk::SKIP_DIRS.contains(&e.file_name().to_str().unwrap_or("")) || others.iter().any(|o| o == e.path())))
        })
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !path.to_string_lossy().ends_with(".d.ts") {
            continue;
        }
        let Ok(t) = std::fs::read_to_string(path) else { continue };
        if t.contains("next-auth") || t.contains("@auth/") {
            let rel = path.strip_prefix(&app.root).unwrap_or(path).to_string_lossy().replace('\\', "/");
            p.set_file(rel.clone(), t.strip_prefix('\u{feff}').unwrap_or(&t).to_string());
            extra.push((rel, t));
        }
    }
    (p, extra)
}

/// Remove `name` from a package.json section through jsonc-parser's CST (every other byte kept);
/// the result is checked to differ from the input by that entry only.
pub fn remove_entry(text: &str, section: &str, name: &str) -> Result<String, String> {
    use jsonc_parser::cst::CstRootNode;
    let before: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("package.json does not parse: {e}"))?;
    let root = CstRootNode::parse(text, &Default::default()).map_err(|e| format!("package.json does not parse: {e}"))?;
    let Some(obj) = root.object_value().and_then(|o| o.object_value(section)) else { return Ok(text.to_string()) };
    let Some(prop) = obj.properties().into_iter().find(|p| p.decoded_name().as_deref() == Some(name)) else { return Ok(text.to_string()) };
    prop.remove();
    let out = root.to_string();
    let mut expect = before.clone();
    expect.get_mut(section).and_then(|s| s.as_object_mut()).map(|s| s.remove(name));
    let after: serde_json::Value = serde_json::from_str(&out).map_err(|_| format!("could not remove {name} from package.json; remove it by hand"))?;
    if after != expect {
        return Err(format!("could not remove {name} from package.json; remove it by hand"));
    }
    Ok(out)
}

/// package.json after the plan's package edits.
fn package_json(old: &str, plan: &Plan) -> Result<String, String> {
    let mut text = old.to_string();
    for name in &plan.packages.remove {
        for section in ["dependencies", "devDependencies", "peerDependencies"] {
            text = remove_entry(&text, section, name)?;
        }
    }
    for (name, version) in &plan.packages.add {
        if let Some(t) = crate::scaffold::edits::add_dependency(&text, name, version)? {
            text = t;
        }
    }
    Ok(text)
}

struct Planned<'a> {
    app: &'a App,
    plan: Box<Plan>,
    changes: Vec<FileChange>,
    deletions: Vec<FileDeletion>,
}

fn rel(app: &App, path: &str) -> PathBuf {
    PathBuf::from(format!("{}{}", app.prefix, path))
}

fn file_changes(loaded: &project::Loaded, project: &Project, extra: &[(String, String)], plan: &Plan) -> Result<(Vec<FileChange>, Vec<FileDeletion>), String> {
    let app = loaded.app;
    let previews = engine::preview(project, &plan.fix())?;
    let mut changes = Vec::new();
    let mut deletions = Vec::new();
    let original = |path: &str| -> Option<(String, bool)> {
        if let Some(f) = loaded.files.get(path) {
            return Some((f.original(), f.bom));
        }
        extra.iter().find(|(p, _)| p == path).map(|(_, t)| (t.clone(), t.starts_with('\u{feff}')))
    };
    for pv in previews {
        let orig = original(&pv.file);
        if pv.deleted {
            let old = orig.map(|o| o.0).ok_or_else(|| format!("{} was not read", pv.file))?;
            deletions.push(FileDeletion { rel: rel(app, &pv.file), old });
            continue;
        }
        let bom = if orig.as_ref().is_some_and(|o| o.1) { "\u{feff}" } else { "" };
        changes.push(FileChange { rel: rel(app, &pv.file), old: orig.map(|o| o.0), new: format!("{bom}{}", pv.new) });
    }
    if let Some(f) = loaded.files.get("package.json") {
        let old = f.original();
        let new = package_json(&old, plan)?;
        if new != old {
            changes.push(FileChange { rel: rel(app, "package.json"), old: Some(old), new });
        }
    }
    changes.sort_by(|a, b| a.rel.cmp(&b.rel));
    deletions.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((changes, deletions))
}

fn sql_tool(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f better-auth.sql",
        Dialect::Mysql => "mysql \"$DATABASE_NAME\" < better-auth.sql",
        Dialect::Sqlite => "sqlite3 ./dev.db < better-auth.sql",
    }
}

fn print_report(p: &Planned, dry: bool) {
    let r = &p.plan.report;
    let mut out = crate::output::stdout();
    let app = if p.app.prefix.is_empty() { ".".to_string() } else { p.app.prefix.trim_end_matches('/').to_string() };
    let _ = writeln!(out, "{BOLD}Moving {app} from Auth.js v{} to Better Auth{BOLD:#}", p.plan.major);
    let _ = writeln!(out, "\n{BOLD}What changes{BOLD:#}");
    for (f, what) in &r.changed {
        let _ = writeln!(out, "  {}{f}: {what}", p.app.prefix);
    }
    if !p.plan.packages.remove.is_empty() || !p.plan.packages.add.is_empty() {
        let adds: Vec<String> = p.plan.packages.add.iter().map(|(n, v)| format!("{n}@{v}")).collect();
        let _ = writeln!(out, "  {}package.json: {} out, {} in", p.app.prefix, p.plan.packages.remove.join(", "), adds.join(", "));
    }
    let _ = writeln!(out, "\n{BOLD}Needs a human{BOLD:#}");
    for (f, what) in &r.human {
        match f {
            Some(f) => {
                let _ = writeln!(out, "  {YELLOW}•{YELLOW:#} {}{f}: {what}", p.app.prefix);
            }
            None => {
                let _ = writeln!(out, "  {YELLOW}•{YELLOW:#} {what}");
            }
        }
    }
    if !r.todo_files.is_empty() {
        let files: Vec<String> = r.todo_files.iter().map(|f| format!("{}{f}", p.app.prefix)).collect();
        let _ = writeln!(out, "  {YELLOW}•{YELLOW:#} `{}` marks what to port in {}", migrate::config::TODO, files.join(", "));
    }
    let pm = PackageManager::detect_project(&p.app.root, None);
    let d = p.plan.database.dialect.unwrap_or(Dialect::Postgres);
    let dir = if p.app.prefix.is_empty() { String::new() } else { format!(" {}", p.app.prefix.trim_end_matches('/')) };
    let _ = writeln!(out, "\n{BOLD}To finish{BOLD:#}");
    let mut n = 1;
    let mut step = |s: String| {
        let _ = writeln!(out, "  {n}. {s}");
        n += 1;
    };
    match &p.plan.source {
        Some(_) if dry => step(format!(
            "before applying this: `authfix migrate better-auth{dir} --emit-sql {} > better-auth.sql` (the SQL reads the Auth.js setup)",
            d.name()
        )),
        Some(_) => {
            // The SQL reads the Auth.js setup, which is gone now: run it on the last commit.
            let root = p.app.root.canonicalize().unwrap_or(p.app.root.clone());
            let in_repo = crate::git::toplevel(&root).and_then(|top| crate::git::relative_to(&top, &root));
            match in_repo.as_deref() {
                Some(r) => {
                    let at = if r.is_empty() { String::new() } else { format!("/{}", r.trim_end_matches('/')) };
                    step(format!(
                        "the data, from the code before this change (the last commit): `git worktree add /tmp/authjs-before HEAD && authfix migrate better-auth /tmp/authjs-before{at} --emit-sql {} > better-auth.sql; git worktree remove --force /tmp/authjs-before`",
                        d.name()
                    ))
                }
                None => {
                    step(format!("the data: `authfix migrate better-auth --emit-sql {}` on a copy of the code before this change > better-auth.sql", d.name()))
                }
            }
        }
        None => step("no adapter: there is no data to move; give Better Auth a database and run `npx @better-auth/cli migrate`".into()),
    }
    step(format!("`{}`", pm.install()));
    if p.plan.source.is_some() {
        step(format!("back up the database, then apply the SQL once: `{}`", sql_tool(d)));
    }
    if matches!(p.plan.adapter, Some(migrate::model::Adapter::Prisma { .. })) {
        step("`npx prisma generate` (the schema now holds Better Auth's models)".into());
    }
    step("set BETTER_AUTH_SECRET (the old secret's value, kept) and BETTER_AUTH_URL in every deployment's environment".into());
    step("deploy order: SQL first, then the new code; the Auth.js tables stay as a backup until you drop them".into());
    let _ = writeln!(out);
}

pub fn run(args: &MigrateArgs) -> i32 {
    let scan = match project::scan(&args.path) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("authfix: {e:#}");
            return 2;
        }
    };
    if scan.apps.is_empty() {
        crate::errln!("authfix: no Next.js app under {} (no package.json that depends on next)", args.path.display());
        return 2;
    }
    let root = args.path.canonicalize().unwrap_or(args.path.clone());
    let app_roots: Vec<PathBuf> = scan.apps.iter().map(|a| a.root.clone()).collect();
    // Plan every app before anything is written or printed.
    let mut planned: Vec<Planned> = Vec::new();
    let mut already = 0;
    let mut not_authjs = 0;
    for app in &scan.apps {
        // One app at a time is in memory; the plan keeps only the changed files' texts.
        let loaded = scan.load(app, true);
        let (project, extra) = build(&loaded, &app_roots);
        crate::output::register(&authfix_transforms::secrets::collect(&project));
        match migrate::plan(&project) {
            Ok(Outcome::AlreadyMigrated) => already += 1,
            Ok(Outcome::Migrate(plan)) => {
                let (changes, deletions) = match file_changes(&loaded, &project, &extra, &plan) {
                    Ok(x) => x,
                    Err(e) => {
                        crate::errln!("authfix: {}: {e}; nothing written", if app.prefix.is_empty() { "." } else { &app.prefix });
                        return 2;
                    }
                };
                planned.push(Planned { app, plan, changes, deletions });
            }
            Err(migrate::Refusal::NotAuthJs) if scan.apps.len() > 1 => not_authjs += 1,
            Err(r) => {
                let at = if app.prefix.is_empty() { String::new() } else { format!("{}: ", app.prefix.trim_end_matches('/')) };
                crate::errln!("authfix migrate better-auth: {at}{r}\nnothing written");
                return 2;
            }
        }
    }
    if let Some(d) = args.emit_sql {
        return emit_sql(&planned, dialect(d), already);
    }
    if planned.is_empty() {
        if already > 0 {
            crate::outln!("authfix migrate better-auth: nothing to do: already on Better Auth (no next-auth, @auth/* or @next-auth/* left)");
            return 0;
        }
        crate::errln!("authfix migrate better-auth: {} ({not_authjs} apps scanned)\nnothing written", migrate::Refusal::NotAuthJs);
        return 2;
    }
    let dry = args.review.dry_run || args.review.diff || !(args.review.yes || args.review.interactive);
    if !args.review.diff {
        for p in &planned {
            print_report(p, dry);
        }
    }
    let mut changes = Vec::new();
    let mut deletions = Vec::new();
    for p in planned {
        changes.extend(p.changes);
        deletions.extend(p.deletions);
    }
    // All or nothing: --interactive asks once for the whole migration.
    let review_args = if args.review.interactive { ReviewArgs { interactive: false, yes: false, ..args.review.clone() } } else { args.review.clone() };
    review::review_and_apply_all(&root, changes, deletions, &review_args, "authfix migrate better-auth")
}

fn emit_sql(planned: &[Planned], d: Dialect, already: usize) -> i32 {
    if planned.is_empty() {
        if already > 0 {
            crate::errln!(
                "authfix migrate better-auth: the code is already on Better Auth, so the Auth.js adapter (and its tables) can no longer be read: run --emit-sql on the code before the migration"
            );
            return 2;
        }
        crate::errln!("authfix migrate better-auth: {}", migrate::Refusal::NotAuthJs);
        return 2;
    }
    let mut out = crate::output::stdout();
    let mut code = 0;
    for p in planned {
        match &p.plan.source {
            Some(src) => {
                if let Some(found) = p.plan.database.dialect.filter(|x| *x != d) {
                    crate::errln!("{YELLOW}note:{YELLOW:#} the project's database looks like {}, not {}", found.name(), d.name());
                }
                let _ = out.write_all(data::emit_sql(src, d).as_bytes());
            }
            None => {
                let why = match &p.plan.adapter {
                    None => "the Auth.js setup has no adapter (users lived in JWTs only)".to_string(),
                    Some(migrate::model::Adapter::Other { module, .. }) => format!("authfix does not know the tables of the adapter from `{module}`"),
                    Some(migrate::model::Adapter::Prisma { .. }) => {
                        "the Prisma schema (prisma/schema.prisma) has no Auth.js User and Account models".to_string()
                    }
                    Some(_) => "the adapter's tables could not be read".to_string(),
                };
                crate::errln!("authfix migrate better-auth: no data to move: {why}");
                code = code.max(0);
            }
        }
    }
    let _ = out.flush();
    code
}
