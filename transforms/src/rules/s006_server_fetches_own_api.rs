use crate::ast;
use crate::declare_rule;

use crate::ast::unwrap_expr as strip_parens;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::client_common::has_key;
use crate::rules::middleware_common::is_project_module;
use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds a Server Component, route handler or server action that `fetch`es one of the app's own
    /// route handlers by absolute URL (`${process.env.NEXT_PUBLIC_URL}/api/…`,
    /// `http://localhost:3000/api/…`) without passing any `headers`, when that handler reads the
    /// session (`auth()`, `getServerSession`, `getToken`).
    ///
    /// ## Why is this bad?
    /// A `fetch` made on the server is a new HTTP request from the Node.js process: it carries none
    /// of the browser's cookies. The handler's `auth()` reads the session cookie from the request
    /// it gets (`next-auth/src/lib/index.ts`), v4 `getServerSession` and `getToken` likewise
    /// (`next-auth/src/next/index.ts`, `next-auth/src/jwt/index.ts`), so the session there is
    /// always `null`: the handler answers 401 or empty data for a signed-in user, in development as
    /// in production.
    ///
    /// ## Example
    /// ```tsx
    /// export default async function Page() {
    ///   const res = await fetch(`${process.env.NEXT_PUBLIC_APP_URL}/api/me`);
    ///   const me = await res.json(); // { error: "unauthorized" }
    /// }
    /// ```
    /// Use instead: call the handler's logic directly (a function in `lib/`, with `await auth()`
    /// in the page), or forward the cookies: `fetch(url, { headers: { cookie: (await
    /// headers()).get("cookie") ?? "" } })`.
    ///
    /// ## Fix safety
    /// No fix: which of the two ways fits depends on the code. A `fetch` that passes `headers`, a
    /// relative URL, a URL whose path matches no route handler of the app, and client components
    /// are left alone.
    pub struct ServerFetchesOwnApi {
        code: "S006",
        name: "server-fetches-own-api",
        fix: None,
        severity: Error,
        summary: "a server component or action `fetch`es its own session-reading route: no cookies go with it, so the session there is null",
    }
}

/// The path of an absolute URL to this app: `${process.env.X}/path` or `http://localhost…/path`;
/// template holes become `*`.
fn url_path(e: &Expr) -> Option<String> {
    match strip_parens(e) {
        Expr::Tpl(t) => {
            let first = t.quasis.first()?;
            if !first.raw.is_empty() || t.exprs.is_empty() {
                let raw = first.raw.to_string();
                return if t.exprs.is_empty() { local_url_path(&raw) } else { None };
            }
            let is_env = matches!(strip_parens(&t.exprs[0]), Expr::Member(m) if matches!(&*m.obj, Expr::Member(inner) if matches!(&*inner.obj, Expr::Ident(i) if &*i.sym == "process")));
            if !is_env {
                return None;
            }
            let mut path = String::new();
            for (i, q) in t.quasis.iter().enumerate().skip(1) {
                path.push_str(&q.raw);
                if i < t.exprs.len() {
                    path.push('*');
                }
            }
            path.starts_with('/').then_some(path)
        }
        Expr::Lit(Lit::Str(s)) => local_url_path(s.value.as_str()?),
        _ => None,
    }
}

fn local_url_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/')?;
    let host = host.split(':').next()?;
    (host == "localhost" || host == "127.0.0.1").then(|| format!("/{path}"))
}

/// The route handler file serving `path`, if any.
fn route_for(project: &Project, app: &str, path: &str) -> Option<String> {
    let path = path.split(['?', '#']).next()?;
    let want: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    project
        .paths()
        .filter(|p| p.starts_with(app) && p.rsplit('/').next().is_some_and(|n| n.starts_with("route.")) && crate::parse::is_source_path(p))
        .find(|p| {
            let segs: Vec<&str> = p[app.len() + 1..].split('/').filter(|s| !(s.starts_with('(') && s.ends_with(')'))).collect();
            segments_match(&segs[..segs.len() - 1], &want)
        })
        .map(String::from)
}

fn segments_match(route: &[&str], url: &[&str]) -> bool {
    match (route.first(), url.first()) {
        (None, None) => true,
        (Some(r), _) if r.starts_with("[[...") => true,
        (Some(r), Some(_)) if r.starts_with("[...") => true,
        (Some(r), Some(u)) if r.starts_with('[') || r == u => segments_match(&route[1..], &url[1..]),
        _ => false,
    }
}

/// Whether a route handler reads the session.
fn reads_session(project: &Project, path: &str) -> bool {
    let Some(p) = project.parsed(path) else { return false };
    let mut names: Vec<String> = ast::imports(&p)
        .into_iter()
        .filter(|i| is_project_module(project, &i.src))
        .flat_map(|i| i.specs)
        .filter(|s| s.imported == "auth" && !s.type_only)
        .map(|s| s.local)
        .collect();
    names.extend(ast::local_name(&p, &["next-auth", "next-auth/next"], "getServerSession"));
    names.extend(ast::local_name(&p, &["next-auth/jwt"], "getToken"));
    ast::calls(&p).iter().any(|c| names.contains(&c.callee))
}

impl Rule for ServerFetchesOwnApi {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(app) = project.app_dir() else { return };
        for path in project.source_files_containing("fetch(") {
            let text = project.text(path).unwrap_or("");
            if !(text.contains("/api/") || text.contains("process.env")) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let server = ast::has_directive(&p, "use server") || project.in_app_dir(path) && !ast::has_directive(&p, "use client");
            if !server && !text.contains("use server") {
                continue;
            }
            let mut v = Fetches { server_file: server, in_action: 0, hits: vec![] };
            p.module.visit_with(&mut v);
            for (span, url) in v.hits {
                let Some(route) = route_for(project, app, &url) else { continue };
                if route == path || !reads_session(project, &route) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &Self::META,
                        path,
                        p.lo(span),
                        p.hi(span),
                        format!("this server-side `fetch` of `{url}` sends no cookies, so `{route}` reads no session: it answers as if the user were signed out"),
                    )
                    .with_note("Call the route's logic directly (a shared function, with `auth()` here), or forward the cookies: `headers: { cookie: (await headers()).get(\"cookie\") ?? \"\" }`."),
                );
            }
        }
    }
}

struct Fetches {
    server_file: bool,
    /// Depth inside functions with their own `"use server"`.
    in_action: u32,
    hits: Vec<(Span, String)>,
}

fn fn_is_action(body: Option<&FunctionBody>) -> bool {
    body.and_then(|b| b.stmts.first())
        .is_some_and(|s| matches!(s, Stmt::Expr(ExprStmt { expr, .. }) if matches!(&**expr, Expr::Lit(Lit::Str(s)) if s.value == *"use server")))
}

impl Visit for Fetches {
    fn visit_function(&mut self, f: &Function) {
        let a = fn_is_action(f.body.as_ref());
        self.in_action += a as u32;
        f.visit_children_with(self);
        self.in_action -= a as u32;
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if (self.server_file || self.in_action > 0) && crate::rules::client_common::callee_ident(c) == Some("fetch") {
            {
                if let Some(url) = c.args.first().and_then(|a| url_path(&a.expr)) {
                    let has_headers = c.args.get(1).is_some_and(|a| match strip_parens(&a.expr) {
                        Expr::Object(o) => has_key(o, "headers") || o.props.iter().any(|p| matches!(p, PropOrSpread::Spread(_))),
                        _ => true,
                    });
                    if !has_headers {
                        self.hits.push((c.span, url));
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
}
