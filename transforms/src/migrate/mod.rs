//! `authfix migrate better-auth`: move an Auth.js (next-auth v4 / v5) app to Better Auth 1.7.
//!
//! Project in, a set of [`Change`]s, package edits and report items out; no I/O. The steps:
//! the config ([`model`] reads it, [`config`] writes `lib/auth.ts`), the route handler, the
//! client (`lib/auth-client.ts`, `useSession`/`signIn`/`signOut`, the SessionProvider and its
//! wrapper), server session reads, the middleware/proxy ([`code`]), env keys, packages, the
//! Prisma schema ([`prisma`]) and the data ([`data`], SQL for `--emit-sql`). Anything without a
//! mechanical equivalent becomes a `TODO(authfix migrate)` block and a report line.
pub mod code;
pub mod config;
pub mod data;
pub mod drizzle;
pub mod model;
pub mod prisma;

use crate::ast;
use crate::dotenv;
use crate::edit::{self, Edit};
use crate::project::Project;
use crate::rule::{Applicability, Change, Fix};
pub use data::{Database, Dialect, Source};
use model::{Adapter, Provider, ReadError};
use std::collections::{BTreeMap, BTreeSet};

/// The version range written into package.json: the 1.7 line (its core schema is frozen for v1).
pub const BETTER_AUTH_RANGE: &str = "~1.7.25";

/// What the report says: what changed, and what needs a human.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub changed: Vec<(String, String)>,
    pub human: Vec<(Option<String>, String)>,
    /// Files holding a `TODO(authfix migrate)` the migration wrote.
    pub todo_files: BTreeSet<String>,
}

impl Report {
    pub fn changed(&mut self, file: &str, what: String) {
        if !self.changed.iter().any(|(f, w)| f == file && *w == what) {
            self.changed.push((file.to_string(), what));
        }
    }
    pub fn human(&mut self, file: Option<&str>, what: String) {
        let item = (file.map(String::from), what);
        if !self.human.contains(&item) {
            self.human.push(item);
        }
    }
    pub fn todo_in_file(&mut self, file: &str) {
        self.todo_files.insert(file.to_string());
    }
}

/// package.json edits (the CLI applies them through its CST editor).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packages {
    pub remove: Vec<String>,
    pub add: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub packages: Packages,
    pub report: Report,
    /// The Auth.js tables to copy (`None`: no adapter, no data to move).
    pub source: Option<Source>,
    pub database: Database,
    pub adapter: Option<Adapter>,
    pub major: u8,
}

impl Plan {
    /// The changes as one fix, for the engine's preview (`engine::preview`).
    pub fn fix(&self) -> Fix {
        Fix::new(Applicability::Safe, "Migrate to Better Auth", self.changes.clone())
    }
}

#[derive(Debug)]
pub enum Outcome {
    Migrate(Box<Plan>),
    /// No Auth.js left and Better Auth in place: nothing to do (a second run).
    AlreadyMigrated,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Neither next-auth nor @auth/* is used.
    NotAuthJs,
    /// Auth.js and Better Auth side by side.
    HalfMigrated {
        better_auth: Vec<String>,
        authjs: Vec<String>,
    },
    Unreadable {
        file: String,
        reason: String,
    },
    /// A file the migration must create exists already.
    Conflict(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotAuthJs => write!(f, "this is not an Auth.js project: no next-auth, @auth/* or @next-auth/* in package.json or the code"),
            Refusal::HalfMigrated { better_auth, authjs } => write!(
                f,
                "this project is half-migrated: Better Auth is already used ({}) while Auth.js still is ({}); finish or revert the move by hand, then run again",
                better_auth.join(", "),
                authjs.join(", ")
            ),
            Refusal::Unreadable { file, reason } => write!(f, "cannot read the Auth.js configuration in {file}: {reason}"),
            Refusal::Conflict(m) => write!(f, "{m}"),
        }
    }
}

/// Everything the steps share.
pub struct Ctx<'a> {
    pub project: &'a Project,
    pub major: u8,
    /// The file holding the Auth.js options (before the move).
    pub main_file: String,
    /// The options' name (v4 `authOptions`).
    pub options_name: Option<String>,
    pub moved: bool,
    pub lib_auth: String,
    pub lib_client: String,
    pub providers: Vec<Provider>,
    pub sign_in_page: Option<String>,
}

fn package_json(project: &Project) -> Option<serde_json::Value> {
    serde_json::from_str(project.text("package.json")?).ok()
}

fn dep_names(pkg: &serde_json::Value) -> Vec<String> {
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .filter_map(|k| pkg.get(k).and_then(|d| d.as_object()))
        .flat_map(|o| o.keys().cloned())
        .collect()
}

fn files_importing(project: &Project, pred: impl Fn(&str) -> bool, needles: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in needles {
        for f in project.source_files_containing(n) {
            if out.iter().any(|x| x == f) {
                continue;
            }
            if let Some(p) = project.parsed(f) {
                if ast::imports(&p).iter().any(|i| pred(&i.src)) {
                    out.push(f.to_string());
                }
            }
        }
    }
    out.sort();
    out
}

/// Style generated code to a file's style, leaving commented-out originals as they were.
fn fit(style: &crate::style::Style, code: &str) -> String {
    code.split('\n').map(|l| if l.trim_start().starts_with("//   ") { l.to_string() } else { style.fit(l) }).collect::<Vec<_>>().join("\n")
}

/// Merge overlapping edits of one file (a statement deleted twice, a blank line claimed by two
/// deletions): the first edit's text wins, ranges are united.
fn merge(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup();
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        if let Some(last) = out.last_mut() {
            if e.start < last.end && last.start < last.end && e.start < e.end {
                if e.end > last.end {
                    last.end = e.end;
                }
                if last.text.is_empty() {
                    last.text = e.text;
                }
                continue;
            }
        }
        out.push(e);
    }
    out
}

pub fn plan(project: &Project) -> Result<Outcome, Refusal> {
    let deps = package_json(project).map(|p| dep_names(&p)).unwrap_or_default();
    let mut authjs_deps: Vec<String> = deps.iter().filter(|d| model::is_authjs_module(d)).cloned().collect();
    // Sorted whatever order serde_json keeps keys in.
    authjs_deps.sort();
    authjs_deps.dedup();
    let authjs_files = files_importing(project, model::is_authjs_module, &["next-auth", "@auth/", "@next-auth/"]);
    let ba_files = files_importing(project, |s| s == "better-auth" || s.starts_with("better-auth/"), &["better-auth"]);
    let ba_dep = deps.iter().any(|d| d == "better-auth");
    // Files a previous run left marked (imports it could not port): its own leftovers, not a half-migration.
    let unmarked: Vec<String> = authjs_files.iter().filter(|f| !project.text(f).is_some_and(code::has_todo)).cloned().collect();
    if authjs_deps.is_empty() && unmarked.is_empty() {
        return if ba_dep || !ba_files.is_empty() { Ok(Outcome::AlreadyMigrated) } else { Err(Refusal::NotAuthJs) };
    }
    let authjs_files = unmarked;
    if ba_dep || !ba_files.is_empty() {
        let mut ba = ba_files.clone();
        if ba_dep {
            ba.insert(0, "package.json".into());
        }
        let mut aj = authjs_files.clone();
        if !authjs_deps.is_empty() {
            aj.insert(0, "package.json".into());
        }
        return Err(Refusal::HalfMigrated { better_auth: ba, authjs: aj });
    }
    let cfg = match model::read(project) {
        Ok(c) => c,
        Err(ReadError::NotFound) => {
            return Err(Refusal::Unreadable {
                file: authjs_files.first().cloned().unwrap_or_else(|| "package.json".into()),
                reason: "no Auth.js configuration found (no `NextAuth({…})` call and no exported options object)".into(),
            })
        }
        Err(ReadError::Unreadable { file, reason }) => return Err(Refusal::Unreadable { file, reason }),
    };
    let mut report = Report::default();
    let root = project.code_root();
    let ts = project.facts.typescript;
    let ext = project.new_module_ext(false);
    let lib_auth = existing_module(project, &format!("{root}lib/auth")).unwrap_or_else(|| format!("{root}lib/auth.{ext}"));
    let lib_client = format!("{root}lib/auth-client.{ext}");
    if project.exists(&lib_auth) && lib_auth != cfg.file {
        return Err(Refusal::Conflict(format!(
            "{lib_auth} exists and does not hold the Auth.js configuration (in {}): move it aside, then run again",
            cfg.file
        )));
    }
    if project.exists(&lib_client) {
        return Err(Refusal::Conflict(format!("{lib_client} exists already: move it aside, then run again")));
    }
    let moved = cfg.file != lib_auth;
    let ctx = Ctx {
        project,
        major: cfg.major,
        main_file: cfg.file.clone(),
        options_name: match &cfg.shape {
            model::Shape::V4Options { name } => Some(name.clone()),
            _ => None,
        },
        moved,
        lib_auth: lib_auth.clone(),
        lib_client: lib_client.clone(),
        providers: cfg.providers.clone(),
        sign_in_page: cfg.sign_in_page.clone(),
    };

    // The database: the Prisma schema, the Drizzle tables, or the adapter.
    let schema = ["prisma/schema.prisma", "schema.prisma"].iter().find_map(|p| project.text(p).map(|t| prisma::parse(p, t)));
    // The driver the project depends on says which database Drizzle/Kysely talk to.
    let driver_dialect = || {
        let has = |n: &str| deps.iter().any(|d| d == n);
        if has("better-sqlite3") || has("@libsql/client") || has("sqlite3") {
            Some(Dialect::Sqlite)
        } else if has("mysql2") || has("@planetscale/database") {
            Some(Dialect::Mysql)
        } else if has("pg") || has("postgres") || has("@neondatabase/serverless") || has("@vercel/postgres") {
            Some(Dialect::Postgres)
        } else {
            None
        }
    };
    // The Drizzle schema file holding the Auth.js tables.
    let dz = match &cfg.adapter {
        Some(a @ Adapter::Drizzle { .. }) => Some(drizzle::find(project, &cfg.file, a)),
        _ => None,
    };
    let dz_ok = dz.as_ref().and_then(|d| d.as_ref().ok());
    // The names lib/auth.ts imports from the Drizzle schema, and the adapter's `schema` object.
    let mut dz_import: Option<String> = None;
    let drizzle_schema = dz_ok.map(|d| {
        let taken = project.parsed(&d.file).map(|p| ast::top_level_names(&p)).unwrap_or_default();
        let vars = d.vars(&taken);
        let bound = project.parsed(&cfg.file).map(|p| ast::top_level_names(&p)).unwrap_or_default();
        let names: Vec<String> = vars.iter().map(|(_, v)| v.clone()).filter(|v| !bound.contains(v)).collect();
        if !names.is_empty() {
            let spec = project.import_specifier(&lib_auth, &d.file);
            dz_import = Some(format!("import {{ {} }} from \"{spec}\";", names.join(", ")));
        }
        let fields: Vec<String> = vars.iter().map(|(k, v)| if k == v { k.to_string() } else { format!("{k}: {v}") }).collect();
        format!("{{ {} }}", fields.join(", "))
    });
    let database = Database {
        dialect: match &cfg.adapter {
            Some(Adapter::Prisma { .. }) => schema.as_ref().and_then(|s| s.dialect()),
            Some(Adapter::Pg { .. }) => Some(Dialect::Postgres),
            Some(Adapter::Drizzle { .. }) => dz_ok.map(|d| d.core.dialect()).or_else(driver_dialect),
            Some(Adapter::Kysely { .. }) => driver_dialect(),
            _ => None,
        },
        drizzle_schema,
    };
    let mut source = cfg.adapter.as_ref().and_then(|a| data::source_for(a, schema.as_ref(), dz_ok.map(|d| d.source())));
    let creds = cfg.providers.iter().find_map(|p| match p {
        Provider::Credentials(c) => Some(c.clone()),
        _ => None,
    });
    if let (Some(src), Some(c)) = (source.as_mut(), &creds) {
        if let Some(col) = &c.password_column {
            // The physical column (a Prisma field may be @map-ped).
            let physical = match dz_ok {
                Some(d) => d.user_column(col).unwrap_or_else(|| col.clone()),
                None => schema.as_ref().and_then(|s| s.model("User")).and_then(|m| m.field(col)).and_then(|f| f.map.clone()).unwrap_or_else(|| col.clone()),
            };
            src.password_column = Some(physical);
        }
    }

    let mut edits: BTreeMap<String, Vec<Edit>> = BTreeMap::new();
    let mut creates: BTreeMap<String, String> = BTreeMap::new();
    let mut deletes: BTreeSet<String> = BTreeSet::new();
    let mut replaced: BTreeMap<String, String> = BTreeMap::new();

    // 1. The config → lib/auth.ts.
    let mut written = config::write(&cfg, &database, ts);
    if let Some(i) = dz_import.take() {
        written.imports.push(i);
    }
    {
        let p = project.parsed(&cfg.file).ok_or_else(|| Refusal::Unreadable { file: cfg.file.clone(), reason: "it does not parse".into() })?;
        let text = project.text(&cfg.file).unwrap_or("");
        let style = project.file_style(&cfg.file);
        let mut e: Vec<Edit> = Vec::new();
        let mut removed = Vec::new();
        for imp in ast::imports(&p) {
            let split = cfg.split_file.as_ref().is_some_and(|s| project.resolve_import(&cfg.file, &imp.src).as_deref() == Some(s.as_str()));
            if model::is_authjs_module(&imp.src) || split {
                e.push(edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span)));
                removed.push(imp.span);
            } else if moved && imp.src.starts_with('.') {
                // A relative import keeps pointing at the same module from lib/auth.ts.
                let key = crate::project::normalize_key(&format!("{}/{}", crate::project::parent(&cfg.file), imp.src));
                let spec = crate::project::relative(crate::project::parent(&lib_auth), &key);
                if spec != imp.src {
                    e.push(Edit::replace(p.lo(imp.src_span), p.hi(imp.src_span), style.quote(&spec)));
                }
            }
        }
        let mut stmts = cfg.statements.clone();
        stmts.sort_by_key(|r| r.start);
        stmts.dedup();
        for (i, r) in stmts.iter().enumerate() {
            let del = edit::delete_statement_lines(text, r.start, r.end);
            if i == 0 {
                let end_nl = if del.end > r.end { "\n" } else { "" };
                let lead = if del.start < r.start && !edit::only_ws_before(text, r.start) { "\n" } else { "" };
                e.push(Edit::replace(del.start, del.end, format!("{lead}{}{end_nl}", fit(&style, written.body.trim_end_matches('\n')))));
            } else {
                e.push(del);
            }
        }
        let lines: Vec<String> = written.imports.iter().map(|l| style.fit(l)).collect();
        e.push(ast::insert_import_avoiding(&p, text, &lines.join("\n"), &removed));
        let e = merge(e);
        if moved {
            let eol = crate::style::Style::detect(text).eol();
            creates.insert(lib_auth.clone(), edit::apply(text, &e, eol));
            deletes.insert(cfg.file.clone());
            report.changed(&lib_auth, format!("the Better Auth config (`export const auth = betterAuth({{…}})`), from {}", cfg.file));
        } else {
            edits.insert(cfg.file.clone(), e);
            report.changed(&lib_auth, "now the Better Auth config (`export const auth = betterAuth({…})`)".into());
        }
        if !cfg.unmapped.is_empty() || cfg.providers.iter().any(|p| matches!(p, Provider::Unmapped { .. } | Provider::Credentials(_))) {
            report.todo_in_file(&lib_auth);
        }
    }
    if let Some(split) = &cfg.split_file {
        deletes.insert(split.clone());
        report.changed(split, format!("removed: its options are merged into {lib_auth}"));
    }
    for u in &cfg.unmapped {
        report.human(Some(&lib_auth), format!("`{}` has no mechanical Better Auth equivalent: kept as a TODO block to port by hand", u.key));
    }
    for (k, why) in &cfg.dropped {
        report.human(Some(&lib_auth), format!("`{k}` dropped: {why}"));
    }
    for pr in &cfg.providers {
        match pr {
            Provider::Unmapped { id, reason, .. } => {
                report.human(Some(&lib_auth), format!("provider {} not migrated: {reason}", id.as_deref().unwrap_or("(unnamed)")))
            }
            Provider::Credentials(c) => {
                report.human(Some(&lib_auth), format!("the Credentials provider `{}` is now email and password sign-in: check its `authorize` (kept as a TODO comment) for anything besides the password check", c.id));
                if c.hash.is_none() {
                    report.human(Some(&lib_auth), "could not tell how passwords are hashed (no bcrypt, bcryptjs or argon2 import): set `emailAndPassword.password.verify` before anyone signs in".into());
                }
                if c.password_column.is_none() {
                    report.human(None, "could not tell which column holds password hashes (no `compare(password, user.<column>)` in `authorize`): the SQL copies no credential accounts".into());
                }
            }
            Provider::Social { key, .. } => {
                report.human(None, format!("OAuth app `{key}`: add the callback URL `<BETTER_AUTH_URL>/api/auth/callback/{key}` at the provider"))
            }
            Provider::Generic { id, .. } => {
                report.human(None, format!("OAuth/OIDC app `{id}`: add the callback URL `<BETTER_AUTH_URL>/api/auth/callback/{id}` at the provider"))
            }
        }
    }
    if cfg.session_strategy.as_deref() == Some("jwt") {
        report.human(
            Some(&lib_auth),
            "Auth.js JWT sessions become Better Auth database sessions (the `session` table; `session.cookieCache` caches them in a signed cookie)".into(),
        );
    }
    if cfg.adapter.is_none() {
        report.human(
            None,
            "no adapter: Auth.js kept users in JWTs only, so there is no data to move; Better Auth runs stateless without `database` (add one to keep users: every user then signs up once)".into(),
        );
    }

    // 2. The route handler.
    if let Some(app) = project.app_dir() {
        let new_route = format!("{app}/api/auth/[...all]/route.{ext}");
        if project.exists(&new_route) {
            return Err(Refusal::Conflict(format!("{new_route} exists already")));
        }
        for path in project.paths() {
            if crate::options::is_app_auth_route(project, path) && path != cfg.file {
                deletes.insert(path.to_string());
            }
        }
        let spec = project.import_specifier(&new_route, &lib_auth);
        let style = project.project_style();
        creates.insert(
            new_route.clone(),
            style.fit(&format!("import {{ auth }} from \"{spec}\";\nimport {{ toNextJsHandler }} from \"better-auth/next-js\";\n\nexport const {{ GET, POST }} = toNextJsHandler(auth);\n")),
        );
        report.changed(&new_route, format!("the route handler (`toNextJsHandler(auth)`), replacing {app}/api/auth/[...nextauth]"));
    }
    for path in project.paths() {
        if path.starts_with("pages/api/auth/[...nextauth]") || path.starts_with("src/pages/api/auth/[...nextauth]") {
            report
                .human(Some(path), "a Pages Router auth route: replace it with `toNodeHandler(auth)` from better-auth/node at pages/api/auth/[...all]".into());
        }
    }

    // 3. The client.
    {
        let style = project.project_style();
        // genericOAuth providers need no client plugin in 1.7: `signIn.social` reaches them.
        let code = "import { createAuthClient } from \"better-auth/react\";\n\nexport const authClient = createAuthClient();\n";
        creates.insert(lib_client.clone(), style.fit(code));
        report.changed(&lib_client, "the Better Auth client (`createAuthClient()` from better-auth/react)".into());
    }

    // 4. Middleware / proxy.
    let mw: Vec<String> = crate::rules::middleware_common::loaded_files(project)
        .into_iter()
        .filter(|f| {
            project.parsed(&f.path).is_some_and(|p| {
                code::module_sources(&p).iter().any(|src| {
                    model::is_authjs_module(src) || project.resolve_import(&f.path, src).is_some_and(|t| t == cfg.file || Some(&t) == cfg.split_file.as_ref())
                })
            })
        })
        .map(|f| f.path)
        .collect();
    for f in &mw {
        let kind = crate::rules::middleware_common::classify(f).map(|m| m.kind.export_name()).unwrap_or("middleware");
        if let Some(new) = code::middleware(&ctx, f, kind, &mut report) {
            replaced.insert(f.clone(), new);
        }
    }
    // The pages the middleware protected get a server-side check (the new middleware only reads
    // the cookie); with a matcher authfix cannot read, the report asks instead.
    let sign_in = cfg.sign_in_page.clone().unwrap_or_else(|| "/sign-in".into());
    let mut guarded_all = !mw.is_empty();
    let mut to_guard: Vec<String> = Vec::new();
    for f in &mw {
        let prefixes = project.parsed(f).and_then(|p| code::matcher_prefixes(&p, project.text(f).unwrap_or("")));
        match (prefixes, project.app_dir()) {
            (Some(prefixes), Some(app)) => {
                for page in project.paths().filter(|p| crate::parse::is_source_path(p)) {
                    if let Some(route) = code::page_route(app, page) {
                        let hit = prefixes.iter().any(|pre| route == *pre || route.starts_with(&format!("{pre}/")));
                        if hit && route != sign_in && !to_guard.iter().any(|x| x == page) {
                            to_guard.push(page.to_string());
                        }
                    }
                }
            }
            _ => guarded_all = false,
        }
    }
    if !mw.is_empty() && !guarded_all {
        report.human(
            None,
            format!(
                "pages the middleware protected: check the session on the server there too (`const session = await auth.api.getSession({{ headers: await headers() }}); if (!session) redirect(\"{}\")`)",
                cfg.sign_in_page.as_deref().unwrap_or("/sign-in")
            ),
        );
    }

    // 5. Every other source file: wrappers, client calls, server reads, imports of the config.
    let sources: Vec<String> = project.paths().filter(|p| crate::parse::is_source_path(p)).map(String::from).collect();
    let mut wrappers: Vec<(String, Vec<String>)> = Vec::new();
    for f in &sources {
        if deletes.contains(f) || replaced.contains_key(f) || *f == cfg.file {
            continue;
        }
        if let Some(exports) = code::is_pure_wrapper(&ctx, f) {
            wrappers.push((f.clone(), exports));
        }
    }
    for (w, _) in &wrappers {
        deletes.insert(w.clone());
        report.changed(w, "removed: it only rendered next-auth's SessionProvider (Better Auth's hooks need no provider)".into());
    }
    for f in &sources {
        if deletes.contains(f) || replaced.contains_key(f) {
            continue;
        }
        let mut e: Vec<Edit> = edits.remove(f).unwrap_or_default();
        if *f != cfg.file {
            code::client(&ctx, f, &mut e, &mut report);
            code::server(&ctx, f, &mut e, &mut report);
        }
        for (w, exports) in &wrappers {
            code::unwrap_wrapper_uses(&ctx, f, w, exports, &mut e, &mut report);
        }
        if to_guard.contains(f) {
            code::guard_page(&ctx, f, &sign_in, &mut e, &mut report);
        }
        if !e.is_empty() {
            edits.insert(f.clone(), e);
        }
    }
    // The report's "changed" lists only files that really change.
    report.changed.retain(|(f, _)| {
        edits.get(f).is_some_and(|e| !e.is_empty()) || creates.contains_key(f) || deletes.contains(f) || replaced.contains_key(f) || *f == lib_auth
    });

    // Type augmentations of next-auth (`types/next-auth.d.ts`): they go with it.
    for f in project.paths().filter(|p| p.ends_with(".d.ts")).map(String::from).collect::<Vec<_>>() {
        let text = project.text(&f).unwrap_or("");
        if !(text.contains("next-auth") || text.contains("@auth/")) {
            continue;
        }
        let mut fields_line = |fields: &[String]| {
            if !fields.is_empty() {
                let list: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                report.human(
                    Some(&f),
                    format!(
                        "it added {} to next-auth's types: where the app reads them, declare them in `user.additionalFields` ({lib_auth})",
                        list.join(", ")
                    ),
                );
            }
        };
        match code::augmentation(&f, text, &project.file_style(&f)) {
            code::Augmentation::NotOurs => {}
            code::Augmentation::Whole { fields } => {
                fields_line(&fields);
                deletes.insert(f.clone());
                report.changed(&f, "removed: it only augmented next-auth's types (Better Auth infers them: `typeof auth.$Infer.Session`)".into());
            }
            code::Augmentation::Parts { edits: e, fields } => {
                fields_line(&fields);
                edits.insert(f.clone(), e);
                report.changed(&f, "next-auth's type augmentations and imports removed, the other declarations kept".into());
            }
            code::Augmentation::Manual(why) => report.human(Some(&f), why),
        }
    }

    // 6. Env files.
    let mut renames: Vec<(&str, String)> = vec![
        ("NEXTAUTH_SECRET", "BETTER_AUTH_SECRET".into()),
        ("AUTH_SECRET", "BETTER_AUTH_SECRET".into()),
        ("NEXTAUTH_URL", "BETTER_AUTH_URL".into()),
        ("AUTH_URL", "BETTER_AUTH_URL".into()),
    ];
    let mut owned: Vec<(String, String)> = Vec::new();
    for pr in &cfg.providers {
        if let Provider::Social { key, authjs_id, client_id, client_secret, .. } = pr {
            let up = key.to_ascii_uppercase();
            let aj = authjs_id.to_ascii_uppercase().replace('-', "_");
            if *client_id == format!("process.env.{up}_CLIENT_ID") {
                owned.push((format!("AUTH_{aj}_ID"), format!("{up}_CLIENT_ID")));
            }
            if *client_secret == format!("process.env.{up}_CLIENT_SECRET") {
                owned.push((format!("AUTH_{aj}_SECRET"), format!("{up}_CLIENT_SECRET")));
            }
        }
    }
    for (a, b) in &owned {
        renames.push((a.as_str(), b.clone()));
    }
    for f in project.data_files().filter(|p| dotenv::is_env_file(p)).map(String::from).collect::<Vec<_>>() {
        let text = project.text(&f).unwrap_or("");
        let entries = dotenv::parse(text);
        let mut e = Vec::new();
        let mut present: BTreeSet<String> = entries.iter().map(|x| x.key.clone()).collect();
        for en in &entries {
            let Some((_, to)) = renames.iter().find(|(from, _)| *from == en.key) else { continue };
            if present.contains(to) {
                e.push(dotenv::delete_line(text, en));
                report.changed(&f, format!("{} removed ({to} is set)", en.key));
            } else {
                e.push(Edit::replace(en.key_range.start, en.key_range.end, to.clone()));
                present.insert(to.clone());
                report.changed(&f, format!("{} → {to} (value kept)", en.key));
            }
        }
        if !e.is_empty() {
            edits.insert(f, e);
        }
    }
    for f in &sources {
        if let Some(t) = project.text(f) {
            for key in ["NEXTAUTH_URL", "NEXTAUTH_SECRET", "AUTH_URL", "AUTH_SECRET"] {
                if t.contains(&format!("process.env.{key}")) && !deletes.contains(f) && *f != cfg.file && !replaced.contains_key(f) {
                    report.human(
                        Some(f),
                        format!(
                            "reads `process.env.{key}`: the variable is now {}",
                            if key.ends_with("URL") { "BETTER_AUTH_URL" } else { "BETTER_AUTH_SECRET" }
                        ),
                    );
                }
            }
        }
    }

    // 7. The Prisma schema.
    if let (Some(s), Some(Adapter::Prisma { .. })) = (&schema, &cfg.adapter) {
        let text = project.text(&s.path).unwrap_or("");
        let pw = creds.as_ref().and_then(|c| c.password_column.as_deref());
        let e = s.edits(text, pw);
        let referencing: Vec<String> = s
            .models
            .iter()
            .filter(|m| !["User", "Account", "Session", "VerificationToken", "Authenticator"].contains(&m.name.as_str()))
            .filter(|m| m.fields.iter().any(|f| f.ty.trim_end_matches('?') == "User"))
            .map(|m| m.name.clone())
            .collect();
        if !e.is_empty() && !referencing.is_empty() {
            report
                .human(Some(&s.path), referencing_line(&referencing, s.dialect().unwrap_or(Dialect::Postgres), s.model("User").map_or("User", |m| m.table())));
        }
        if !e.is_empty() {
            edits.insert(s.path.clone(), e);
            report.changed(&s.path, "Auth.js models replaced with Better Auth's (mapped to user, session, account, verification)".into());
            report.human(Some(&s.path), "after applying the SQL, mark the schema change as applied (`prisma migrate diff`/`prisma migrate resolve`, or `prisma db pull` to compare) and run `prisma generate`".into());
        }
    }
    match &dz {
        Some(Ok(d)) => {
            let text = project.text(&d.file).unwrap_or("");
            if let Some(p) = project.parsed(&d.file) {
                let pw = creds.as_ref().and_then(|c| c.password_column.as_deref());
                let e = d.edits(&p, text, &project.file_style(&d.file), pw);
                edits.entry(d.file.clone()).or_default().extend(e);
                report.changed(
                    &d.file,
                    format!(
                        "Auth.js tables replaced with Better Auth's (user, session, account, verification; the variables {}, {} keep their names)",
                        d.user.var, d.account.var
                    ),
                );
                report.human(Some(&d.file), "after applying the SQL, compare the schema with the database (`drizzle-kit push --strict` shows what differs) instead of generating a migration from the old tables".into());
                if let Some(pwc) = pw {
                    report.human(Some(&d.file), format!("`{}.{pwc}` is gone: password hashes now live in `account.password` (credential accounts); code that wrote it (a sign-up action) should call `auth.api.signUpEmail`", d.user.var));
                }
                if !d.referencing_user.is_empty() {
                    report.human(Some(&d.file), referencing_line(&d.referencing_user, d.core.dialect(), &d.user.sql_name));
                }
                if let Some(a) = &d.authenticator {
                    report.human(
                        Some(&d.file),
                        format!("`{}` (WebAuthn authenticators) is kept: Better Auth's passkeys live in the passkey plugin's own table", a.var),
                    );
                }
            }
        }
        Some(Err(why)) => {
            report.human(None, format!("Drizzle: {why}: define Better Auth's tables in your schema (`npx @better-auth/cli generate` writes them) and pass them as `drizzleAdapter(db, {{ provider, schema }})`"));
            report.todo_in_file(&lib_auth);
        }
        None => {}
    }

    if let Some(src) = &source {
        let own: Vec<String> = src.extra_user_cols.iter().filter(|c| Some(*c) != src.password_column.as_ref()).map(|c| format!("`{c}`")).collect();
        if !own.is_empty() {
            report.human(
                Some(&lib_auth),
                format!(
                    "the user's own columns ({}) are carried over by the SQL: declare them in `user.additionalFields` to read them from the session or set them at sign-up (with their `defaultValue`: users Better Auth creates get none otherwise on SQLite)",
                    own.join(", ")
                ),
            );
        }
    }

    // 8. Packages.
    let packages = Packages { remove: authjs_deps.clone(), add: vec![("better-auth".into(), BETTER_AUTH_RANGE.into())] };
    report.human(None, "sessions are not carried over: every user signs in once after the switch".into());

    // Assemble.
    let mut changes: Vec<Change> = Vec::new();
    for f in &deletes {
        changes.push(Change::Delete { file: f.clone() });
    }
    for (f, content) in creates {
        changes.push(Change::Create { file: f, content });
    }
    for (f, content) in replaced {
        let len = project.text(&f).map_or(0, |t| t.len());
        changes.push(Change::edit(&f, Edit::replace(0, len, content)));
    }
    for (f, e) in edits {
        for x in merge(e) {
            changes.push(Change::edit(&f, x));
        }
    }
    // Which files end up holding a TODO marker (what the report points at).
    if let Ok(previews) = crate::engine::preview(project, &Fix::new(Applicability::Safe, "", changes.clone())) {
        report.todo_files = previews.iter().filter(|p| !p.deleted && code::has_todo(&p.new)).map(|p| p.file.clone()).collect();
    }
    Ok(Outcome::Migrate(Box::new(Plan { changes, packages, report, source, database, adapter: cfg.adapter.clone(), major: cfg.major })))
}

/// What happens to the foreign keys of the app's own tables that reference the Auth.js users.
fn referencing_line(tables: &[String], dialect: Dialect, user_table: &str) -> String {
    let list: Vec<String> = tables.iter().map(|t| format!("`{t}`")).collect();
    let has = if tables.len() == 1 { "has a foreign key" } else { "have foreign keys" };
    let what = match dialect {
        Dialect::Postgres => "the SQL re-points them to \"user\" (the same ids) when the column is text; an integer column stays on the Auth.js table (the SQL prints a NOTICE) until you change its type".to_string(),
        Dialect::Sqlite if user_table.eq_ignore_ascii_case("user") => "they keep naming \"user\", which is Better Auth's table after the SQL (the same ids)".to_string(),
        _ => format!("re-point them from {user_table} to `user` by hand after the SQL (the same ids, as text)"),
    };
    format!("{} {has} to the Auth.js user table: {what}", list.join(", "))
}

fn existing_module(project: &Project, stem: &str) -> Option<String> {
    ["ts", "tsx", "js", "jsx", "mjs"].iter().map(|e| format!("{stem}.{e}")).find(|p| project.exists(p))
}
