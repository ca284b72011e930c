//! What S010 and V003 share: which paths the middleware/proxy protects, the route each App Router
//! file serves, server actions, whether a file or function checks the session itself, and whether
//! it reads or changes data. Every question answers "unknown" when the code is not one of the
//! shapes read here, and the rules then say nothing.
//!
//! **Protected paths.** The loaded `middleware`/`proxy` file ([`mw::loaded_files`]) is a sign-in
//! check when it is v4 `withAuth` (any form), v5 `auth` with an `authorized` callback that is not
//! trivially true, the `auth((req) => …)` wrapper, or a function reading the session (`getToken`,
//! the session cookie, `auth`) — and it redirects or answers 401/403 (v4 `withAuth` and v5
//! `authorized` do by themselves). A path is protected when the `matcher` (evaluated by
//! [`matcher::Matcher`]; entries with `has`/`missing` make it unknown) lets it in and the
//! check applies to it: a path-blind check applies everywhere; a check that looks at the path is
//! read only in the `startsWith("/x")` / `=== "/x"` form, each literal classed by the name of the
//! variable that holds it (`isOnDashboard`, `protectedRoutes` → protected; `publicRoutes`,
//! `isLoginPage` → public). A literal under a name of neither kind makes the whole answer unknown.
//!
//! **Reads or changes data** (the heuristic S010 requires before it speaks): a member call on a
//! database client (`db.`, `prisma.`, `sql`, `knex.`, `supabase.`, `redis.`, `kv.`, `mongoose.`),
//! a `sql`-tagged template, an import from a database package (`@prisma/client`, `drizzle-orm`,
//! `@vercel/postgres`, `pg`, `mongodb`, …) or `fs`, a call of a function imported from a project
//! module whose path names data (`db`, `data`, `queries`, `dal`, `server`, `services`, `models`,
//! `repositories`, `prisma`, `drizzle`), or a `fetch` that sends a key (`process.env…` or an
//! `Authorization` header in its arguments). Anything else — static text, props, a public
//! `fetch` — is not data for this rule.
//!
//! **Checks the session itself**: the code names any session read — `auth(`, `getServerSession`,
//! `getSession`, `session`, `getToken`, `currentUser`, `getUser`, `requireUser`/`requireAuth`,
//! `cookies()`, … — in the file (pages, layouts, route handlers; an ancestor layout's check counts
//! for its pages) or in the action's body (an inline action is its own endpoint: the page's
//! check does not cover it). Reading the session is taken as a check without proving the exit.
use crate::ast;
use crate::ast::unwrap_expr;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rules::matcher;
use crate::rules::middleware_common::{self as mw, ExportVal};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

/// The middleware/proxy check and the paths it covers.
pub struct Protection {
    pub file: mw::MwFile,
    /// Byte span of the running export's name (or statement), for V003's anchor.
    pub start: usize,
    pub end: usize,
    /// `v4 \`withAuth\``, `the \`authorized\` callback`, …
    pub what: String,
    entries: Option<Vec<matcher::Matcher>>,
    prefixes: Prefixes,
    /// The sign-in page the middleware sends to (`pages.signIn`), if it names one.
    pub sign_in: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct Prefixes {
    protected: Vec<String>,
    public: Vec<String>,
}

impl Protection {
    /// Whether the middleware checks the session on `path`; `None` when it cannot be told.
    pub fn protects(&self, path: &str) -> Option<bool> {
        if path.starts_with("/api/auth") || self.sign_in.as_deref().is_some_and(|s| path == s) {
            return Some(false);
        }
        let matched = match &self.entries {
            None => true,
            Some(es) => {
                let mut any = false;
                for e in es {
                    if e.test(path)? {
                        any = true;
                    }
                }
                any
            }
        };
        if !matched {
            return Some(false);
        }
        let under = |p: &str| path == p || path.starts_with(&format!("{}/", p.trim_end_matches('/'))) || p == "/";
        if !self.prefixes.protected.is_empty() {
            return Some(self.prefixes.protected.iter().any(|p| under(p)));
        }
        Some(!self.prefixes.public.iter().any(|p| under(p)))
    }
}

const PROTECTED_WORDS: &[&str] = &["protect", "private", "dashboard", "admin", "account", "secure", "member", "restricted", "settings", "requiresauth"];
const PUBLIC_WORDS: &[&str] = &["public", "login", "signin", "signup", "register", "guest", "open", "unprotected", "authroute", "authpage", "isauth"];

/// The middleware's protection, when it is a sign-in check of a shape read here.
pub fn protection(project: &Project) -> Option<Protection> {
    let files = mw::loaded_files(project);
    let f = files.into_iter().next()?;
    let text = project.text(&f.path)?;
    if !mw::looks_like_next_middleware(text) {
        return None;
    }
    let p = project.parsed(&f.path)?;
    let exps = mw::exports(&p);
    let run = mw::running_export(&exps, f.kind)?;
    let (start, end) = {
        let s = run.name_span.unwrap_or(run.stmt);
        (p.lo(s), p.hi(s))
    };
    let (what, code_spans): (String, Vec<(String, Span)>) = classify(project, &f.path, &p, text, run)?;
    // Path conditions in the check's code.
    let mut prefixes = Prefixes::default();
    for (file, span) in &code_spans {
        let fp = project.parsed(file)?;
        let ft = project.text(file)?;
        let code = &ft[fp.range(*span)];
        if !mw_path_aware(code) {
            continue;
        }
        let found = path_literals(&fp, *span)?;
        prefixes.protected.extend(found.protected);
        prefixes.public.extend(found.public);
    }
    let entries = match matcher_entries(&p)? {
        None => None,
        Some(sources) => {
            if !matcher::within_budget(sources.iter().map(String::as_str)) {
                return None;
            }
            Some(sources.iter().map(|s| matcher::Matcher::new(s).ok()).collect::<Option<Vec<_>>>()?)
        }
    };
    // `pages.signIn` in the middleware's options (v4), else in the auth config (v5 `auth.config.ts`).
    let sign_in = sign_in_in(text).or_else(|| {
        project
            .source_files_containing("signIn:")
            .filter(|f| project.text(f).is_some_and(|t| t.contains("providers")))
            .find_map(|f| sign_in_in(project.text(f)?))
    });
    Some(Protection { file: f, start, end, what, entries, prefixes, sign_in })
}

fn mw_path_aware(code: &str) -> bool {
    ["pathname", "startsWith", "nextUrl", "matcher", "URLPattern", ".test("].iter().any(|w| code.contains(w))
}

/// The first `signIn: "/path"` in a file (`pages: { signIn: "/login" }`; the `signIn` callback has no string).
fn sign_in_in(text: &str) -> Option<String> {
    text.match_indices("signIn:").find_map(|(i, _)| {
        let rest = text[i + 7..].trim_start();
        let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let end = rest[1..].find(q)?;
        let path = &rest[1..1 + end];
        path.starts_with('/').then(|| path.to_string())
    })
}

/// What kind of check runs, and the code spans (file, span) whose path conditions decide where.
fn classify(project: &Project, path: &str, p: &Parsed, text: &str, run: &mw::Export) -> Option<(String, Vec<(String, Span)>)> {
    let path = path.to_string();
    // v4: `next-auth/middleware` — the re-export, `withAuth(…)`, `withAuth(fn, opts)`.
    if text.contains("next-auth/middleware") {
        let with_auth = ast::local_name(p, &["next-auth/middleware"], "withAuth");
        return match &run.val {
            ExportVal::ReExport { src, orig } if src == "next-auth/middleware" && (orig == "default" || orig == "withAuth") => {
                Some(("v4 `withAuth`".into(), vec![]))
            }
            ExportVal::Expr(e) => match unwrap_expr(e) {
                Expr::Call(c)
                    if with_auth.as_deref().is_some_and(|w| matches!(&c.callee, Callee::Expr(x) if matches!(&**x, Expr::Ident(i) if &*i.sym == w))) =>
                {
                    // The `authorized` callback (default `!!token`) decides; a wrapped function runs after it.
                    let spans = authorized_spans_in(p).into_iter().map(|s| (path.clone(), s)).collect();
                    Some(("v4 `withAuth`".into(), spans))
                }
                _ => None,
            },
            _ => None,
        };
    }
    let is_auth = |name: &str| {
        ast::imports(p).into_iter().any(|i| mw::is_project_module(project, &i.src) && i.specs.iter().any(|s| s.local == name && s.imported == "auth"))
    };
    let v5_direct = || -> Option<(String, Vec<(String, Span)>)> {
        // `auth` as the middleware redirects only through an `authorized` callback.
        let mut spans = Vec::new();
        for f in project.source_files_containing("authorized") {
            let fp = project.parsed(f)?;
            for s in authorized_spans_in(&fp) {
                let code: String = project.text(f)?[fp.range(s)].split_whitespace().collect();
                if code.ends_with("=>true") || code.contains("{returntrue}") || code.contains("{returntrue;}") {
                    continue;
                }
                spans.push((f.to_string(), s));
            }
        }
        (!spans.is_empty()).then(|| ("the `authorized` callback".to_string(), spans))
    };
    match &run.val {
        ExportVal::ReExport { src, orig } if orig == "auth" && mw::is_project_module(project, src) => v5_direct(),
        ExportVal::Destructured { key, .. } if key == "auth" => v5_direct(),
        ExportVal::Local(n) if is_auth(n) => v5_direct(),
        ExportVal::Expr(e) => match unwrap_expr(e) {
            Expr::Ident(i) if is_auth(&i.sym) => v5_direct(),
            // `export default NextAuth(authConfig).auth`
            Expr::Member(m)
                if matches!(&m.prop, MemberProp::Ident(i) if &*i.sym == "auth")
                    && matches!(unwrap_expr(&m.obj), Expr::Call(_))
                    && text.contains("next-auth") =>
            {
                v5_direct()
            }
            Expr::Call(c) => {
                let Callee::Expr(x) = &c.callee else { return None };
                let Expr::Ident(i) = &**x else { return None };
                if !is_auth(&i.sym) {
                    return None;
                }
                let arg = c.args.first()?;
                let span = match unwrap_expr(&arg.expr) {
                    Expr::Arrow(a) => a.span,
                    Expr::Fn(f) => f.function.span,
                    _ => return None,
                };
                let code = &text[p.range(span)];
                blocks(code).then(|| ("the `auth((req) => …)` wrapper".to_string(), vec![(path.clone(), span)]))
            }
            Expr::Arrow(a) => custom(text, p, a.span, &path),
            Expr::Fn(f) => custom(text, p, f.function.span, &path),
            _ => None,
        },
        ExportVal::Fn(f) => custom(text, p, f.span, &path),
        _ => None,
    }
}

fn blocks(code: &str) -> bool {
    ["redirect", "401", "403", "NextResponse.json", "Response.json"].iter().any(|w| code.contains(w))
}

fn custom(text: &str, p: &Parsed, span: Span, path: &str) -> Option<(String, Vec<(String, Span)>)> {
    let code = &text[p.range(span)];
    let reads = ["getToken", "session", "auth(", ".auth", "authjs", "next-auth"].iter().any(|w| code.contains(w));
    (reads && blocks(code)).then(|| ("its sign-in check".to_string(), vec![(path.to_string(), span)]))
}

/// Spans of `authorized` callbacks in a module.
fn authorized_spans_in(p: &Parsed) -> Vec<Span> {
    struct A(Vec<Span>);
    impl Visit for A {
        fn visit_prop(&mut self, n: &Prop) {
            match n {
                Prop::Method(m) if crate::ast::prop_name(&m.key).as_deref() == Some("authorized") => self.0.push(m.function.span),
                Prop::KeyValue(kv) if crate::ast::prop_name(&kv.key).as_deref() == Some("authorized") => {
                    if matches!(unwrap_expr(&kv.value), Expr::Arrow(_) | Expr::Fn(_)) {
                        self.0.push(kv.value.span());
                    }
                }
                _ => {}
            }
            n.visit_children_with(self);
        }
    }
    let mut a = A(vec![]);
    p.module.visit_with(&mut a);
    a.0
}

/// The `matcher` entries (`None`: no matcher, every path); `Err`-like `None` outer when unreadable.
#[allow(clippy::option_option)]
fn matcher_entries(p: &Parsed) -> Option<Option<Vec<String>>> {
    let exps = mw::exports(p);
    let Some((_, obj)) = mw::config_object(p) else {
        return if mw::exports_config(&exps) { None } else { Some(None) };
    };
    let Some((_, kv)) = mw::find_prop(obj, "matcher") else {
        return if mw::has_prop(obj, "matcher") { None } else { Some(None) };
    };
    let entry = |e: &Expr| -> Option<String> {
        let e = unwrap_expr(e);
        if let Some(s) = mw::str_value(e) {
            return Some(s);
        }
        let Expr::Object(o) = e else { return None };
        if mw::has_prop(o, "has") || mw::has_prop(o, "missing") {
            return None;
        }
        mw::str_value(&mw::find_prop(o, "source")?.1.value)
    };
    let out = match unwrap_expr(&kv.value) {
        Expr::Array(a) => {
            let mut v = Vec::new();
            for el in &a.elems {
                let el = el.as_ref()?;
                if el.spread.is_some() {
                    return None;
                }
                v.push(entry(&el.expr)?);
            }
            v
        }
        e => vec![entry(e)?],
    };
    Some(Some(out))
}

/// Literal path prefixes in the check, classed by the name of the variable holding them.
fn path_literals(p: &Parsed, within: Span) -> Option<Prefixes> {
    struct V {
        within: Span,
        /// Count string arrays too (module-level route lists).
        arrays: bool,
        names: Vec<String>,
        out: Prefixes,
        unknown: bool,
    }
    impl V {
        fn class(&mut self, lit: String) {
            let Some(name) = self.names.last() else {
                self.unknown = true;
                return;
            };
            let n = name.to_ascii_lowercase().replace(['_', '-'], "");
            let prot = PROTECTED_WORDS.iter().any(|w| n.contains(w));
            let publ = PUBLIC_WORDS.iter().any(|w| n.contains(w));
            match (prot, publ) {
                (true, false) => self.out.protected.push(lit),
                (false, true) => self.out.public.push(lit),
                _ => self.unknown = true,
            }
        }
    }
    impl Visit for V {
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            let name = match &d.name {
                Pat::Ident(i) => Some(i.id.sym.to_string()),
                _ => None,
            };
            if let Some(n) = &name {
                self.names.push(n.clone());
            }
            d.visit_children_with(self);
            if name.is_some() {
                self.names.pop();
            }
        }
        fn visit_call_expr(&mut self, c: &CallExpr) {
            // `x.startsWith("/dashboard")`, `x.includes("/admin")`
            let is_test = matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Member(m) if matches!(&m.prop, MemberProp::Ident(i) if ["startsWith", "includes", "endsWith"].contains(&&*i.sym))));
            if is_test && self.inside(c.span) {
                if let Some(Expr::Lit(Lit::Str(s))) = c.args.first().map(|a| &*a.expr) {
                    self.lit(s);
                }
            }
            c.visit_children_with(self);
        }
        fn visit_bin_expr(&mut self, b: &BinExpr) {
            if matches!(b.op, BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq) && self.inside(b.span) {
                for side in [&b.left, &b.right] {
                    if let Expr::Lit(Lit::Str(s)) = &**side {
                        self.lit(s);
                    }
                }
            }
            b.visit_children_with(self);
        }
        fn visit_array_lit(&mut self, a: &ArrayLit) {
            if self.arrays && self.inside(a.span) {
                for el in a.elems.iter().flatten() {
                    if let Expr::Lit(Lit::Str(s)) = &*el.expr {
                        self.lit(s);
                    }
                }
            }
            a.visit_children_with(self);
        }
    }
    impl V {
        fn inside(&self, s: Span) -> bool {
            self.within.lo <= s.lo && s.hi <= self.within.hi
        }
        fn lit(&mut self, s: &Str) {
            let v = s.value.as_str().unwrap_or("");
            if v.starts_with('/') && !v.starts_with("/api/auth") {
                self.class(v.to_string());
            }
        }
    }
    // Module-level arrays (`const protectedRoutes = ["/dashboard"]`) and the check's own code.
    let mut v = V { within, arrays: false, names: vec![], out: Prefixes::default(), unknown: false };
    p.module.visit_with(&mut v);
    let mut whole = V { within: p.module.span, arrays: true, names: vec![], out: Prefixes::default(), unknown: false };
    for item in &p.module.body {
        if let ModuleItem::Stmt(Stmt::Decl(Decl::Var(var))) | ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(var), .. })) = item {
            if var.decls.iter().any(|d| matches!(&d.name, Pat::Ident(i) if &*i.id.sym == "config")) {
                continue;
            }
            var.visit_with(&mut whole);
        }
    }
    if v.unknown || whole.unknown {
        return None;
    }
    v.out.protected.extend(whole.out.protected);
    v.out.public.extend(whole.out.public);
    v.out.protected.sort();
    v.out.protected.dedup();
    v.out.public.sort();
    v.out.public.dedup();
    if !v.out.protected.is_empty() && !v.out.public.is_empty() {
        // Both kinds: the protected list decides (public ones inside it are exceptions we do not model).
        if v.out.public.iter().any(|pu| v.out.protected.iter().any(|pr| pu.starts_with(pr.as_str()))) {
            return None;
        }
        v.out.public.clear();
    }
    if v.out.protected.is_empty() && v.out.public.is_empty() {
        return None;
    }
    Some(v.out)
}

/// An App Router file and the route it serves.
#[derive(Clone, Debug)]
pub struct RouteFile {
    pub path: String,
    /// `page`, `layout` or `route`.
    pub kind: &'static str,
    /// A concrete path the route serves (`/dashboard/1` for `dashboard/[id]`).
    pub url: String,
    pub dynamic: bool,
}

/// Every page, layout and route handler under the App Router folder with the path it serves
/// (route groups dropped, `[id]` → `1`, `[...slug]` → `a`, `[[...slug]]` → nothing). Private
/// folders (`_x`), parallel slots (`@x`) and intercepting routes are left out.
pub fn route_files(project: &Project) -> Vec<RouteFile> {
    let Some(dir) = project.app_dir() else { return vec![] };
    let mut out = Vec::new();
    'files: for path in project.paths() {
        let Some(rest) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) else { continue };
        let mut segs: Vec<&str> = rest.split('/').collect();
        let Some(file) = segs.pop() else { continue };
        let Some((stem, ext)) = file.rsplit_once('.') else { continue };
        if !["tsx", "ts", "jsx", "js"].contains(&ext) {
            continue;
        }
        let kind = match stem {
            "page" => "page",
            "layout" => "layout",
            "route" => "route",
            _ => continue,
        };
        let mut url = String::new();
        let mut dynamic = false;
        for s in segs {
            if s.starts_with('_') || s.starts_with('@') || s.starts_with("(.") {
                continue 'files;
            }
            if s.starts_with('(') && s.ends_with(')') {
                continue;
            }
            if s.starts_with("[[...") {
                dynamic = true;
                continue;
            }
            url.push('/');
            if s.starts_with("[...") {
                dynamic = true;
                url.push('a');
            } else if s.starts_with('[') {
                dynamic = true;
                url.push('1');
            } else {
                url.push_str(s);
            }
        }
        if url.is_empty() {
            url.push('/');
        }
        out.push(RouteFile { path: path.to_string(), kind, url, dynamic });
    }
    out
}

const SESSION_WORDS: &[&str] = &[
    "auth(",
    "getServerSession",
    "getSession",
    "session",
    "Session",
    "getToken",
    "currentUser",
    "CurrentUser",
    "getUser",
    "requireUser",
    "requireAuth",
    "requireSession",
    "checkAuth",
    "isAuthenticated",
    "withAuth",
    "cookies()",
    "authorize",
    "verifyToken",
    "protect(",
];

/// Whether code names a session read (a check of its own, or close enough to leave alone).
pub fn reads_session(code: &str) -> bool {
    SESSION_WORDS.iter().any(|w| code.contains(w))
}

/// Whether a page (or layout) is covered by a session check in one of its ancestor layouts.
pub fn layout_checks(project: &Project, path: &str) -> bool {
    let Some(dir) = project.app_dir() else { return false };
    let mut folder = crate::project::parent(path).to_string();
    loop {
        for ext in ["tsx", "jsx", "js", "ts"] {
            let l = format!("{folder}/layout.{ext}");
            if l != path && project.text(&l).is_some_and(reads_session) {
                return true;
            }
        }
        if folder == dir || !folder.contains('/') {
            return false;
        }
        folder = crate::project::parent(&folder).to_string();
    }
}

const DB_OBJECTS: &[&str] = &["db", "prisma", "sql", "knex", "supabase", "redis", "kv", "mongoose", "drizzle", "pool", "database"];
const DB_PACKAGES: &[&str] = &[
    "@prisma/client",
    "drizzle-orm",
    "@vercel/postgres",
    "@vercel/kv",
    "@neondatabase/serverless",
    "pg",
    "postgres",
    "mysql2",
    "mongodb",
    "mongoose",
    "@supabase/supabase-js",
    "@upstash/redis",
    "ioredis",
    "firebase-admin",
    "kysely",
    "better-sqlite3",
    "@planetscale/database",
    "@libsql/client",
    "fs",
    "node:fs",
    "fs/promises",
    "node:fs/promises",
];
const DATA_PATH_WORDS: &[&str] = &[
    "db",
    "data",
    "queries",
    "query",
    "dal",
    "server",
    "services",
    "service",
    "models",
    "model",
    "repositories",
    "repository",
    "prisma",
    "drizzle",
    "database",
];

fn data_module(spec: &str) -> bool {
    spec.split(['/', '.', '-', '_']).any(|seg| DATA_PATH_WORDS.contains(&seg.to_ascii_lowercase().as_str()))
}

/// Whether the code within `span` (a function, or the whole module) reads or changes data, by the
/// heuristic in the module doc. `what` names the evidence.
pub fn data_access(project: &Project, p: &Parsed, text: &str, span: Span, exclude: &[Span]) -> Option<String> {
    let imports = ast::imports(p);
    let mut data_names: Vec<(String, String)> = Vec::new();
    for i in &imports {
        if i.type_only {
            continue;
        }
        let pkg = DB_PACKAGES.contains(&i.src.as_str());
        let local = mw::is_project_module(project, &i.src) && data_module(&i.src);
        if pkg || local {
            for s in &i.specs {
                if !s.type_only {
                    data_names.push((s.local.clone(), i.src.clone()));
                }
            }
        }
    }
    struct D<'a> {
        span: Span,
        exclude: &'a [Span],
        data_names: &'a [(String, String)],
        found: Option<String>,
        text: &'a str,
        p: &'a Parsed,
    }
    impl D<'_> {
        fn inside(&self, s: Span) -> bool {
            self.span.lo <= s.lo && s.hi <= self.span.hi && !self.exclude.iter().any(|x| x.lo <= s.lo && s.hi <= x.hi)
        }
    }
    impl Visit for D<'_> {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if self.found.is_some() || !self.inside(c.span) {
                c.visit_children_with(self);
                return;
            }
            if let Callee::Expr(x) = &c.callee {
                // root identifier of the callee chain
                let mut e: &Expr = x;
                loop {
                    match e {
                        Expr::Member(m) => e = &m.obj,
                        Expr::Call(cc) => match &cc.callee {
                            Callee::Expr(y) => e = y,
                            _ => break,
                        },
                        Expr::OptChain(o) => match &*o.base {
                            OptChainBase::Member(m) => e = &m.obj,
                            OptChainBase::Call(cc) => e = &cc.callee,
                        },
                        _ => break,
                    }
                }
                if let Expr::Ident(root) = e {
                    let r = &*root.sym;
                    let is_member = !matches!(&**x, Expr::Ident(_));
                    if let Some((_, src)) = self.data_names.iter().find(|(n, _)| n == r) {
                        self.found = Some(format!("calls `{r}` from `{src}`"));
                    } else if is_member && DB_OBJECTS.contains(&r) {
                        self.found = Some(format!("calls `{r}.…`"));
                    } else if r == "fetch" && !is_member {
                        let args = &self.text[self.p.range(c.span)];
                        if args.contains("process.env") || args.contains("Authorization") || args.contains("authorization") {
                            self.found = Some("sends a keyed `fetch`".into());
                        }
                    }
                }
            }
            c.visit_children_with(self);
        }
        fn visit_tagged_tpl(&mut self, t: &TaggedTpl) {
            if self.found.is_none() && self.inside(t.span) && matches!(&*t.tag, Expr::Ident(i) if &*i.sym == "sql") {
                self.found = Some("runs a `sql` query".into());
            }
            t.visit_children_with(self);
        }
    }
    let mut d = D { span, exclude, data_names: &data_names, found: None, text, p };
    p.module.visit_with(&mut d);
    d.found
}

/// A server action: an exported function of a `"use server"` module, or a function whose body
/// starts with `"use server"`.
#[derive(Clone, Debug)]
pub struct Action {
    pub path: String,
    pub name: String,
    /// The function (for its body text) and its body block.
    pub span: Span,
    pub body: Span,
    pub inline: bool,
    pub is_async: bool,
}

fn body_has_use_server(b: &FunctionBody) -> bool {
    b.stmts.first().is_some_and(|s| matches!(s, Stmt::Expr(e) if matches!(&*e.expr, Expr::Lit(Lit::Str(x)) if x.value == *"use server")))
}

/// Server actions in a file.
pub fn actions_in(p: &Parsed, path: &str) -> Vec<Action> {
    let module_level = ast::has_directive(p, "use server");
    let mut out = Vec::new();
    if module_level {
        for item in &p.module.body {
            let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) = item else { continue };
            match &e.decl {
                Decl::Fn(f) => {
                    if let Some(b) = &f.function.body {
                        out.push(Action {
                            path: path.into(),
                            name: f.ident.sym.to_string(),
                            span: f.function.span,
                            body: b.span,
                            inline: false,
                            is_async: f.function.is_async,
                        });
                    }
                }
                Decl::Var(v) => {
                    for d in &v.decls {
                        let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) else { continue };
                        if let Expr::Arrow(a) = unwrap_expr(init) {
                            if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
                                out.push(Action {
                                    path: path.into(),
                                    name: i.id.sym.to_string(),
                                    span: a.span,
                                    body: b.span,
                                    inline: false,
                                    is_async: a.is_async,
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        return out;
    }
    struct F<'a> {
        path: &'a str,
        out: Vec<Action>,
    }
    impl Visit for F<'_> {
        fn visit_fn_decl(&mut self, f: &FnDecl) {
            if let Some(b) = &f.function.body {
                if body_has_use_server(b) {
                    self.out.push(Action {
                        path: self.path.into(),
                        name: f.ident.sym.to_string(),
                        span: f.function.span,
                        body: b.span,
                        inline: true,
                        is_async: f.function.is_async,
                    });
                }
            }
            f.visit_children_with(self);
        }
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            if let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) {
                let (span, body, is_async) = match unwrap_expr(init) {
                    Expr::Arrow(a) => match &*a.body {
                        ArrowFunctionBody::FunctionBody(b) => (a.span, Some(b), a.is_async),
                        _ => (a.span, None, false),
                    },
                    Expr::Fn(f) => (f.function.span, f.function.body.as_ref(), f.function.is_async),
                    _ => (d.span, None, false),
                };
                if let Some(b) = body.filter(|b| body_has_use_server(b)) {
                    self.out.push(Action { path: self.path.into(), name: i.id.sym.to_string(), span, body: b.span, inline: true, is_async });
                }
            }
            d.visit_children_with(self);
        }
    }
    let mut f = F { path, out: vec![] };
    p.module.visit_with(&mut f);
    f.out
}

/// The Next.js bypass advisories that apply to this app: its resolved `next` lies in their range
/// (known: a lockfile entry, or a range admitting no fixed version) and the app meets the
/// advisory's condition. With the first version that clears them all.
pub fn bypasses(project: &Project, prot: &Protection) -> (Vec<&'static crate::advisories::Advisory>, Option<crate::versions::Version>) {
    use crate::advisories::{Needs, Pkg, ADVISORIES};
    let Some(r) = project.facts.versions.get("next") else { return (vec![], None) };
    let pkg_json = project.text("package.json").unwrap_or("");
    let next16 = r.version.major() >= 16;
    let turbopack = (next16 && !pkg_json.contains("--webpack")) || pkg_json.contains("--turbo");
    let config = project.paths().find(|p| crate::rules::env_common::deploy::is_next_config(p)).and_then(|p| project.text(p)).unwrap_or("");
    let i18n = config.contains("i18n");
    let single_locale = i18n
        && config.find("locales").is_some_and(|i| {
            let rest = &config[i..];
            let (Some(a), Some(b)) = (rest.find('['), rest.find(']')) else { return false };
            a < b && rest[a + 1..b].matches(['"', '\'']).count() == 2
        });
    let routes = route_files(project);
    let dynamic = routes.iter().any(|rf| rf.dynamic && prot.protects(&rf.url) == Some(true));
    let pages_dir = project.paths().any(|p| project.in_pages_dir(p));
    let app = project.app_dir().is_some();
    let applies = |a: &crate::advisories::Advisory| match a.needs {
        Needs::Middleware | Needs::None => true,
        Needs::AppRouter => app,
        Needs::MiddlewareFileTurbopack => prot.file.kind == mw::Kind::Middleware && turbopack,
        Needs::DynamicRoutes => dynamic,
        Needs::PagesI18n => pages_dir && i18n,
        Needs::TurbopackSingleLocale => app && turbopack && single_locale,
    };
    let rows: Vec<&crate::advisories::Advisory> = ADVISORIES.iter().filter(|a| a.pkg == Pkg::Next && applies(a)).collect();
    let hit: Vec<&crate::advisories::Advisory> = rows.iter().copied().filter(|a| a.affects(&r.version)).collect();
    if hit.is_empty() {
        return (vec![], None);
    }
    let safe = crate::advisories::first_safe(&rows, &r.version);
    if !crate::rules::version_common::known(project, "next", r, safe.as_ref()) {
        return (vec![], None);
    }
    (hit, safe)
}
