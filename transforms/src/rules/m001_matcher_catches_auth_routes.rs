use crate::ast;
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta, Severity};
use crate::rules::matcher;
use crate::rules::middleware_common::{self as mw, ExportVal};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds a `middleware`/`proxy` file whose sign-in check really runs on `/api/auth/*`,
    /// `/_next/static` or `/_next/image` — no `config.matcher`, or one that does not exclude them —
    /// and writes the standard matcher
    /// `"/((?!api/auth|_next/static|_next/image|favicon.ico).*)"`, keeping the project's own extra
    /// exclusions.
    ///
    /// ## Why is this bad?
    /// The middleware runs on every path its matcher lets in (`getMiddlewareMatchers`,
    /// `next/dist/esm/build/analysis/get-page-static-info.js`; the matcher is path-to-regexp).
    /// When the check redirects signed-out requests, the requests that sign the user in
    /// (`/api/auth/signin/*`, `/api/auth/callback/*`, `/api/auth/session`) are redirected to the
    /// sign-in page themselves — a loop — and the sign-in page loses its scripts, styles and
    /// images (`/_next/static`, `/_next/image`).
    ///
    /// Where the check runs, from the package sources:
    /// - v4 `withAuth` (`next-auth/src/next/middleware.ts`, `handleMiddleware`) returns early for
    ///   the auth base path (`NEXTAUTH_URL`'s path, default `/api/auth`), its sign-in and error
    ///   pages, and anything under `/_next` or `/favicon.ico`, before it looks at the token, and
    ///   runs a wrapped function only after that: never reported.
    /// - v5 `auth` used as the middleware (`export { auth as middleware }`, `export default auth`;
    ///   `handleAuth` in `next-auth/src/lib/index.ts`) redirects only when an `authorized` callback
    ///   returns false: reported when such a callback exists and does not look at the path.
    /// - The v5 wrapper `auth((req) => …)` and hand-written functions (`getToken`, cookies):
    ///   reported when they redirect (or answer 401/403) without looking at the path.
    ///
    /// Code that looks at the path (`pathname`, `startsWith`, a regex `.test`…) decides for itself
    /// and is left alone, as is a matcher listing only protected paths (`"/dashboard/:path*"`),
    /// and a project serving Auth.js from another base path (`basePath`, or a path in
    /// `AUTH_URL`/`NEXTAUTH_URL`).
    /// `favicon.ico` alone is not reported (a missing icon), but the fix excludes it too.
    /// The matcher is evaluated as Next evaluates it (case-sensitive); one authfix cannot
    /// evaluate in bounded time (a lookahead inside nested repetitions), or one larger than it
    /// evaluates (32 entries, 16 KiB), gets a warning without a fix asking to check the
    /// exclusions by hand.
    ///
    /// ## Example
    /// ```ts
    /// // middleware.ts
    /// export { auth as middleware } from "@/auth";
    /// // auth.config.ts: callbacks: { authorized: ({ auth }) => !!auth }
    /// ```
    /// Use instead:
    /// ```ts
    /// export { auth as middleware } from "@/auth";
    ///
    /// export const config = {
    ///   matcher: ["/((?!api/auth|_next/static|_next/image|favicon.ico).*)"],
    /// };
    /// ```
    ///
    /// ## Fix safety
    /// Safe: only the Auth.js routes and static files stop going through the check, and those
    /// must never be protected. A negative-lookahead matcher gets the missing exclusions added
    /// beside its own; a catch-all entry (`"/:path*"`, `"/(.*)"`) becomes the standard matcher;
    /// a `config` without `matcher` gets one. Other matcher shapes that catch these paths are
    /// reported without a fix.
    pub struct MatcherCatchesAuthRoutes {
        code: "M001",
        name: "matcher-catches-auth-routes",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "the middleware's sign-in check runs on /api/auth and static files: signing in loops",
    }
}

const STANDARD: &str = "/((?!api/auth|_next/static|_next/image|favicon.ico).*)";

struct Cat {
    label: &'static str,
    alt: &'static str,
    probes: &'static [&'static str],
    reported: bool,
}

const CATS: [Cat; 4] = [
    Cat { label: "/api/auth", alt: "api/auth", probes: &["/api/auth/signin", "/api/auth/callback/github", "/api/auth/session"], reported: true },
    Cat { label: "/_next/static", alt: "_next/static", probes: &["/_next/static/chunks/main.js"], reported: true },
    Cat { label: "/_next/image", alt: "_next/image", probes: &["/_next/image"], reported: true },
    Cat { label: "/favicon.ico", alt: "favicon.ico", probes: &["/favicon.ico"], reported: false },
];

/// Words that show code deciding by path (then it may well let the auth routes through).
const PATH_WORDS: &[&str] = &["pathname", "startsWith", "endsWith", ".test(", "match(", "includes(", "indexOf(", "URLPattern", "matcher"];

fn path_aware(code: &str) -> bool {
    PATH_WORDS.iter().any(|w| code.contains(w))
}

fn blocks(code: &str) -> bool {
    ["redirect", "rewrite", "401", "403", "new Response", "Response.json", "NextResponse.json"].iter().any(|w| code.contains(w))
}

impl Rule for MatcherCatchesAuthRoutes {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if custom_auth_base(project) {
            return; // the auth routes are not under /api/auth: the probes and the fix would be wrong
        }
        for f in mw::loaded_files(project) {
            let Some(text) = project.text(&f.path) else { continue };
            if text.contains("next-auth/middleware") {
                continue; // v4 withAuth lets its own routes and /_next through
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let exps = mw::exports(&p);
            let Some(run) = mw::running_export(&exps, f.kind) else { continue };
            let g = Guard { project, p: &p, text };
            let Some((desc, redirects)) = g.export(run) else { continue };
            let Some(state) = matcher_state(&p, &exps) else { continue };
            let caught = match caught_by(&state) {
                None => continue,
                Some(Caught::Known(c)) => c,
                Some(Caught::Unknown { span, too_many }) => {
                    let (start, end) = (p.lo(span), p.hi(span));
                    let why = if too_many {
                        format!(
                            "the {}'s `matcher` is larger than authfix evaluates ({} entries, {} KiB)",
                            kind_word(&f),
                            matcher::MAX_ENTRIES,
                            matcher::MAX_TOTAL_LEN >> 10
                        )
                    } else {
                        format!("authfix could not evaluate the {}'s `matcher` in bounded time", kind_word(&f))
                    };
                    let message = format!(
                        "{why}, and {desc} runs on every path it lets in: check by hand that it excludes /api/auth/*, /_next/static, /_next/image and favicon.ico"
                    );
                    let mut d = Diagnostic::new(&Self::META, &f.path, start, end, message);
                    d.severity = Severity::Warning;
                    out.push(d.with_note(format!("The standard matcher excludes them all: `\"{STANDARD}\"`.")));
                    continue;
                }
            };
            if !CATS.iter().zip(&caught).any(|(c, hit)| c.reported && *hit) {
                continue;
            }
            let listed: Vec<&str> = CATS.iter().zip(&caught).filter(|(c, hit)| c.reported && **hit).map(|(c, _)| c.label).collect();
            let consequence = if caught[0] && redirects {
                "the requests that sign the user in are themselves redirected to sign in, so signing in loops"
            } else if caught[0] {
                "the requests that sign the user in are themselves rejected, so nobody can sign in"
            } else {
                "signed-out visitors are redirected instead of getting the pages' scripts, styles and images, so the sign-in page breaks"
            };
            let (start, end) = match &state {
                MState::Entries(es) => {
                    let s = es.iter().find(|e| e.catches(true)).map(|e| e.span);
                    match s {
                        Some(s) => (p.lo(s), p.hi(s)),
                        None => (0, 0),
                    }
                }
                MState::NoMatcher(o) => {
                    // `export const config = {` up to the end of its first line.
                    let start = mw::config_object(&p).map_or(p.lo(o.span), |(stmt, _)| p.lo(stmt));
                    let end = text[start..].find('\n').map_or(p.hi(o.span), |i| (start + i).min(p.hi(o.span)));
                    let end = if text[..end].ends_with('\r') { end - 1 } else { end };
                    (start, end.max(start))
                }
                MState::NoConfig => {
                    let s = run.name_span.unwrap_or(run.stmt);
                    (p.lo(s), p.hi(s))
                }
            };
            let what = match &state {
                MState::NoConfig | MState::NoMatcher(_) => "has no `matcher`, so".to_string(),
                MState::Entries(_) => "has a `matcher` that lets in".to_string(),
            };
            let message = match &state {
                MState::Entries(_) => format!("the {} {what} {}: {desc} runs there and {consequence}", kind_word(&f), listed.join(", ")),
                _ => format!("the {} {what} {desc} runs on every request, {} included: {consequence}", kind_word(&f), listed.join(", ")),
            };
            let d = Diagnostic::new(&Self::META, &f.path, start, end, message);
            let style = project.file_style(&f.path);
            match fix(&p, text, &state, &caught, &style) {
                Some(edits) => out.push(d.with_fix(Fix::new(
                    Applicability::Safe,
                    "Exclude /api/auth, /_next/static, /_next/image and /favicon.ico in `config.matcher`",
                    edits.into_iter().map(|e| Change::edit(&f.path, e)).collect(),
                ))),
                None => out.push(d.with_note(format!("Exclude them in `config.matcher`, e.g. `\"{STANDARD}\"`, or return early for them in code."))),
            }
        }
    }
}

/// Whether Auth.js is served from another base path than `/api/auth`: a `basePath` option beside
/// `NextAuth(…)`, or an `AUTH_URL`/`NEXTAUTH_URL` with a path (both versions take the base path
/// from it: v4 `parseUrl`, v5 `@auth/core` `createActionURL`).
fn custom_auth_base(project: &Project) -> bool {
    let in_code = project.source_files_containing("basePath").any(|p| project.text(p).is_some_and(|t| t.contains("NextAuth")));
    let in_env = project.data_files().filter(|p| crate::dotenv::is_env_file(p)).any(|p| {
        let text = project.text(p).unwrap_or("");
        crate::dotenv::parse(text).iter().any(|e| {
            (e.key == "AUTH_URL" || e.key == "NEXTAUTH_URL") && {
                let after_scheme = e.value.split_once("://").map_or(e.value.as_str(), |(_, r)| r);
                let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]).trim_end_matches('/');
                !(path.is_empty() || path == "/api/auth")
            }
        })
    });
    in_code || in_env
}

/// Which categories the matcher lets in.
enum Caught {
    Known(Vec<bool>),
    /// An entry could not be evaluated within the backtrack limit, or the matcher is larger
    /// than `matcher::within_budget` (`too_many`), and no other entry settles it; `span`: the
    /// entry to check.
    Unknown {
        span: Span,
        too_many: bool,
    },
}

/// `None` when it cannot be told: an entry authfix does not model, or a `has`/`missing` entry
/// that may catch them.
fn caught_by(state: &MState) -> Option<Caught> {
    let MState::Entries(entries) = state else { return Some(Caught::Known(vec![true; CATS.len()])) };
    if !matcher::within_budget(entries.iter().map(|e| e.source.as_str())) {
        return entries.first().map(|e| Caught::Unknown { span: e.span, too_many: true });
    }
    let mut v = vec![false; CATS.len()];
    let mut costly = None;
    for e in entries {
        match &e.eval {
            Eval::Unsupported => return None,
            Eval::TooCostly if e.conditional => return None,
            Eval::TooCostly => costly = costly.or(Some(e.span)),
            Eval::Known(hits) => {
                for (c, hit) in hits.iter().enumerate() {
                    if *hit && e.conditional {
                        return None;
                    }
                    v[c] |= *hit;
                }
            }
        }
    }
    let reported = CATS.iter().zip(&v).any(|(c, hit)| c.reported && *hit);
    match costly {
        Some(span) if !reported => Some(Caught::Unknown { span, too_many: false }),
        _ => Some(Caught::Known(v)),
    }
}

fn kind_word(f: &mw::MwFile) -> &'static str {
    match f.kind {
        mw::Kind::Middleware => "middleware",
        mw::Kind::Proxy => "proxy",
    }
}

struct Entry {
    source: String,
    /// The string literal (to rewrite), when the entry is one.
    span: Span,
    lit: bool,
    conditional: bool,
    eval: Eval,
}

/// What an entry's matcher says about the probe paths.
enum Eval {
    /// Per category of `CATS`: whether it matches one of its probes.
    Known(Vec<bool>),
    /// A probe reached the backtrack limit, or the regex is larger than the size limits.
    TooCostly,
    /// A source Next rejects or authfix does not model.
    Unsupported,
}

impl Eval {
    fn of(source: &str) -> Eval {
        let m = match matcher::Matcher::new(source) {
            Ok(m) => m,
            Err(matcher::js_regex::NotCompiled::TooLarge) => return Eval::TooCostly,
            Err(matcher::js_regex::NotCompiled::Unsupported) => return Eval::Unsupported,
        };
        let mut hits = Vec::with_capacity(CATS.len());
        for c in &CATS {
            let mut hit = false;
            for pr in c.probes {
                match m.test(pr) {
                    Some(h) => hit |= h,
                    None => return Eval::TooCostly,
                }
            }
            hits.push(hit);
        }
        Eval::Known(hits)
    }
}

impl Entry {
    /// Whether the entry lets in one of the (reported) categories' probes.
    fn catches(&self, reported_only: bool) -> bool {
        match &self.eval {
            Eval::Known(hits) => CATS.iter().zip(hits).any(|(c, hit)| *hit && (c.reported || !reported_only)),
            _ => false,
        }
    }
}

enum MState<'a> {
    NoConfig,
    NoMatcher(&'a ObjectLit),
    Entries(Vec<Entry>),
}

/// The matcher as written; `None` when it cannot be read statically (then the rule stays silent).
fn matcher_state<'a>(p: &'a Parsed, exps: &[mw::Export]) -> Option<MState<'a>> {
    let Some((_, obj)) = mw::config_object(p) else {
        return if mw::exports_config(exps) { None } else { Some(MState::NoConfig) };
    };
    let Some((_, kv)) = mw::find_prop(obj, "matcher") else {
        return if mw::has_prop(obj, "matcher") || obj.props.iter().any(|p| matches!(p, PropOrSpread::Spread(_))) {
            None
        } else {
            Some(MState::NoMatcher(obj))
        };
    };
    let entry = |e: &Expr| -> Option<Entry> {
        let e = crate::ast::unwrap_expr(e);
        if let Some(s) = mw::str_value(e) {
            return Some(Entry { eval: Eval::Unsupported, source: s, span: e.span(), lit: matches!(e, Expr::Lit(Lit::Str(_))), conditional: false });
        }
        let Expr::Object(o) = e else { return None };
        let (_, src) = mw::find_prop(o, "source")?;
        let source = mw::str_value(&src.value)?;
        let conditional = mw::has_prop(o, "has") || mw::has_prop(o, "missing");
        Some(Entry { eval: Eval::Unsupported, source, span: src.value.span(), lit: false, conditional })
    };
    let v = crate::ast::unwrap_expr(&kv.value);
    let entries = match v {
        Expr::Array(a) => {
            let mut out = Vec::new();
            for el in &a.elems {
                let el = el.as_ref()?;
                if el.spread.is_some() {
                    return None;
                }
                out.push(entry(&el.expr)?);
            }
            out
        }
        e => vec![entry(e)?],
    };
    let mut entries = entries;
    // Beyond the budget nothing is evaluated (`caught_by` says unknown), so no input costs more
    // than MAX_ENTRIES evaluations of MAX_TOTAL_LEN bytes of sources.
    if matcher::within_budget(entries.iter().map(|e| e.source.as_str())) {
        for e in &mut entries {
            e.eval = Eval::of(&e.source);
        }
    }
    Some(MState::Entries(entries))
}

/// Most lookahead alternatives the fix merges into (each is compiled once).
const MAX_ALTERNATIVES: usize = 64;

/// The lookahead alternatives with the missing standard exclusions merged in, each placed after
/// the alternative covering the exclusion before it.
fn merged_alternatives(alts: &[String]) -> Option<Vec<String>> {
    if alts.len() > MAX_ALTERNATIVES {
        return None;
    }
    let mut out: Vec<(String, matcher::Alternative)> = alts.iter().map(|a| Some((a.clone(), matcher::Alternative::new(a)?))).collect::<Option<_>>()?;
    let mut cursor = 0;
    for c in &CATS {
        let mut covered = None;
        for (i, (_, a)) in out.iter().enumerate() {
            let mut all = true;
            for pr in c.probes {
                if !a.covers(&pr[1..])? {
                    all = false;
                }
            }
            if all {
                covered = Some(i);
                break;
            }
        }
        match covered {
            Some(i) => cursor = cursor.max(i + 1),
            None => {
                out.insert(cursor, (c.alt.to_string(), matcher::Alternative::new(c.alt)?));
                cursor += 1;
            }
        }
    }
    Some(out.into_iter().map(|(a, _)| a).collect())
}

fn js_string(quote: char, value: &str) -> String {
    let mut s = String::new();
    s.push(quote);
    for ch in value.chars() {
        if ch == '\\' || ch == quote {
            s.push('\\');
        }
        s.push(ch);
    }
    s.push(quote);
    s
}

fn fix(p: &Parsed, text: &str, state: &MState, caught: &[bool], style: &crate::style::Style) -> Option<Vec<Edit>> {
    let matcher_prop = format!("matcher: [{}]", style.quote(STANDARD));
    match state {
        MState::NoConfig => {
            let code = format!("export const config = {{\n{}{matcher_prop},\n}}{}", style.indent, style.semi());
            let sep = if text.ends_with('\n') { "\n" } else { "\n\n" };
            let sep = if text.trim().is_empty() { "" } else { sep };
            Some(vec![Edit::insert(text.len(), format!("{sep}{code}\n"))])
        }
        MState::NoMatcher(obj) => {
            let Some(last) = obj.props.last() else {
                return Some(vec![Edit::replace(p.lo(obj.span), p.hi(obj.span), format!("{{\n{}{matcher_prop},\n}}", style.indent))]);
            };
            let after = p.hi(last.span());
            let comma_at = edit::skip_trivia(text, after);
            let has_comma = text[comma_at..].starts_with(',');
            let multiline = text[p.lo(obj.span)..p.hi(obj.span)].contains('\n');
            if multiline {
                let ls = edit::line_start(text, p.lo(last.span()));
                let indent: String = text[ls..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
                Some(vec![if has_comma {
                    Edit::insert(comma_at + 1, format!("\n{indent}{matcher_prop},"))
                } else {
                    Edit::insert(after, format!(",\n{indent}{matcher_prop}"))
                }])
            } else if has_comma {
                Some(vec![Edit::insert(comma_at + 1, format!(" {matcher_prop},"))])
            } else {
                Some(vec![Edit::insert(after, format!(", {matcher_prop}"))])
            }
        }
        MState::Entries(entries) => {
            let _ = caught;
            let mut edits = Vec::new();
            for e in entries {
                if matches!(e.eval, Eval::TooCostly) {
                    return None; // it may catch them as well: no fix that claims to settle it
                }
                if !e.catches(false) {
                    continue;
                }
                if !e.lit && !matches!(&text[p.range(e.span)].chars().next(), Some('"') | Some('\'')) {
                    return None;
                }
                let raw = &text[p.range(e.span)];
                let quote = raw.chars().next()?;
                if quote != '"' && quote != '\'' {
                    return None;
                }
                let new_source = if let Some(alts) = matcher::lookahead_alternatives(&e.source) {
                    format!("/((?!{}).*)", merged_alternatives(&alts)?.join("|"))
                } else if ["/:path*", "/(.*)", "/:path*/"].contains(&e.source.as_str()) {
                    STANDARD.to_string()
                } else {
                    return None;
                };
                edits.push(Edit::replace(p.lo(e.span), p.hi(e.span), js_string(quote, &new_source)));
            }
            (!edits.is_empty()).then_some(edits)
        }
    }
}

/// Finds the check an export runs and says whether it redirects on every path.
struct Guard<'a> {
    project: &'a Project,
    p: &'a Parsed,
    text: &'a str,
}

impl Guard<'_> {
    fn export(&self, e: &mw::Export) -> Option<(String, bool)> {
        match &e.val {
            ExportVal::ReExport { src, orig } => (orig == "auth" && self.project_module(src)).then(|| self.v5_direct()).flatten(),
            ExportVal::Destructured { key, .. } => (key == "auth").then(|| self.v5_direct()).flatten(),
            ExportVal::Local(name) => self.local(name, 0),
            ExportVal::Expr(x) => self.expr(x, 0),
            ExportVal::Fn(f) => self.custom(f.span),
            ExportVal::Other => None,
        }
    }

    fn project_module(&self, src: &str) -> bool {
        mw::is_project_module(self.project, src)
    }

    /// Local names bound to a v5 `auth` function.
    fn is_auth(&self, name: &str) -> bool {
        let imported = ast::imports(self.p).into_iter().any(|i| self.project_module(&i.src) && i.specs.iter().any(|s| s.local == name && s.imported == "auth"));
        imported || self.destructured_auth().iter().any(|n| n == name)
    }

    fn destructured_auth(&self) -> Vec<String> {
        let mut out = Vec::new();
        for item in &self.p.module.body {
            let v = match item {
                ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => v,
                _ => continue,
            };
            for d in &v.decls {
                let Pat::Object(o) = &d.name else { continue };
                for prop in &o.props {
                    match prop {
                        ObjectPatProp::Assign(a) if &*a.key.sym == "auth" => out.push("auth".to_string()),
                        ObjectPatProp::KeyValue(kv) => {
                            if let (PropName::Ident(k), Pat::Ident(v)) = (&kv.key, &*kv.value) {
                                if &*k.sym == "auth" {
                                    out.push(v.id.sym.to_string());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    fn local(&self, name: &str, depth: u8) -> Option<(String, bool)> {
        if depth > 3 {
            return None;
        }
        if self.is_auth(name) {
            return self.v5_direct();
        }
        for item in &self.p.module.body {
            let decl = match item {
                ModuleItem::Stmt(Stmt::Decl(d)) => d,
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => &e.decl,
                _ => continue,
            };
            match decl {
                Decl::Fn(f) if &*f.ident.sym == name => return self.custom(f.function.span),
                Decl::Var(v) => {
                    for d in &v.decls {
                        if let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) {
                            if &*i.id.sym == name {
                                return self.expr(init, depth + 1);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn expr(&self, e: &Expr, depth: u8) -> Option<(String, bool)> {
        match crate::ast::unwrap_expr(e) {
            Expr::Ident(i) => self.local(&i.sym, depth + 1),
            Expr::Arrow(a) => self.custom(a.span),
            Expr::Fn(f) => self.custom(f.function.span),
            Expr::Call(c) => {
                let Callee::Expr(callee) = &c.callee else { return None };
                let Expr::Ident(i) = &**callee else { return None };
                if !self.is_auth(&i.sym) {
                    return None;
                }
                let arg = c.args.first()?;
                if !matches!(crate::ast::unwrap_expr(&arg.expr), Expr::Arrow(_) | Expr::Fn(_)) {
                    return None;
                }
                let code = &self.text[self.p.range(arg.expr.span())];
                (!path_aware(code) && blocks(code)).then(|| (format!("the `{}((req) => …)` wrapper's check", i.sym), code.contains("redirect")))
            }
            _ => None,
        }
    }

    /// A hand-written function: reported when it reads the session and redirects, path-blind.
    fn custom(&self, span: Span) -> Option<(String, bool)> {
        let code = &self.text[self.p.range(span)];
        // Session evidence only: an API-key or CSRF check is not a sign-in check.
        let reads = ["getToken", "session", "auth(", ".auth", "next-auth", "authjs"].iter().any(|w| code.contains(w));
        (reads && blocks(code) && !path_aware(code)).then(|| ("its sign-in check".to_string(), code.contains("redirect")))
    }

    /// v5 `auth` as the middleware: redirects only through an `authorized` callback.
    fn v5_direct(&self) -> Option<(String, bool)> {
        let mut found: Option<(String, bool)> = None;
        for path in self.project.source_files_containing("authorized") {
            let Some(text) = self.project.text(path) else { continue };
            if !text.contains("callbacks") {
                continue;
            }
            let Some(p) = self.project.parsed(path) else { continue };
            let mut v = Authorized(Vec::new());
            p.module.visit_with(&mut v);
            for span in v.0 {
                let code = &text[p.range(span)];
                if path_aware(code) {
                    return None;
                }
                let trivially_true = {
                    let c: String = code.split_whitespace().collect();
                    c.ends_with("=>true") || c.contains("{returntrue}") || c.contains("{returntrue;}")
                };
                if !trivially_true && found.is_none() {
                    // A falsy result redirects to the sign-in page (`handleAuth`).
                    found = Some((format!("the `authorized` callback (in `{path}`)"), true));
                }
            }
        }
        found
    }
}

/// Spans of `authorized` callbacks (methods or functions under an `authorized` key).
struct Authorized(Vec<Span>);
impl Visit for Authorized {
    fn visit_prop(&mut self, n: &Prop) {
        match n {
            Prop::Method(m) if crate::ast::prop_name(&m.key).as_deref() == Some("authorized") => self.0.push(m.function.span),
            Prop::KeyValue(kv) if crate::ast::prop_name(&kv.key).as_deref() == Some("authorized") => {
                if matches!(crate::ast::unwrap_expr(&kv.value), Expr::Arrow(_) | Expr::Fn(_)) {
                    self.0.push(kv.value.span());
                }
            }
            _ => {}
        }
        n.visit_children_with(self);
    }
}
