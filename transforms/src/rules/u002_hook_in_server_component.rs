use crate::ast::{self, unwrap_expr};
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::provider::REACT_MODULE;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::auth_export_files;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds `useSession()` called in a Server Component under `app/`: a route file (`page`,
    /// `template`, `not-found`…) without `"use client"`, or a module without it that such a file
    /// imports. It adds `"use client"` at the top of the file when nothing in it needs the server;
    /// otherwise it says to read the session with `auth()` (v5) / `getServerSession` (v4).
    ///
    /// ## Why is this bad?
    /// Files under `app/` are Server Components unless they start with `"use client"`, and hooks
    /// cannot run there. v5's `next-auth/react` is a `"use client"` module
    /// (`next-auth/src/react.tsx`), so calling its `useSession` from the server throws
    /// ("Attempted to call useSession() from the server"); v4's `next-auth/react` has no
    /// directive and calls `React.createContext` at import, which `next build` rejects in a
    /// Server Component.
    ///
    /// ## Example
    /// ```tsx
    /// import { useSession } from "next-auth/react";
    /// export default function Profile() { const { data } = useSession(); … }
    /// ```
    /// Use instead:
    /// ```tsx
    /// "use client";
    ///
    /// import { useSession } from "next-auth/react";
    /// export default function Profile() { const { data } = useSession(); … }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the file and everything it imports move to the client bundle, and a page stops
    /// rendering on the server. No fix (a note suggests `auth()`) when the file has an async
    /// component, imports server-only code (`server-only`, `next/headers`, `fs`, `node:*`, a
    /// database client, the project's `auth.ts`, `next-auth`'s server entry), exports `metadata`
    /// or segment config, is a layout (see P001) or is a `"use server"` module. Modules that only
    /// client components import are left alone: they are client code already.
    pub struct HookInServerComponent {
        code: "U002",
        name: "hook-in-server-component",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "`useSession()` in a Server Component (no `\"use client\"`): the page fails to build or render",
    }
}

const ROUTE_STEMS: &[&str] = &["page", "template", "default", "not-found", "forbidden", "unauthorized", "loading"];
const SERVER_MODULES: &[&str] = &[
    "server-only",
    "next/headers",
    "next/cache",
    "fs",
    "fs/promises",
    "child_process",
    "path",
    "crypto",
    "@prisma/client",
    "drizzle-orm",
    "pg",
    "mysql2",
    "mongoose",
    "bcrypt",
    "bcryptjs",
    "next-auth",
    "next-auth/next",
];
const CLIENT_FORBIDDEN_EXPORTS: &[&str] = &[
    "metadata",
    "generateMetadata",
    "viewport",
    "generateViewport",
    "generateStaticParams",
    "revalidate",
    "dynamic",
    "dynamicParams",
    "fetchCache",
    "runtime",
    "preferredRegion",
    "maxDuration",
];

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or("")
}

impl Rule for HookInServerComponent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let mut auth_files: Option<Vec<String>> = None;
        for path in project.source_files_containing("useSession") {
            if !project.in_app_dir(path) || stem(path) == "route" {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            if ast::has_directive(&p, "use client") {
                continue;
            }
            let Some(local) = project.local_of(path, REACT_MODULE, "useSession") else { continue };
            let Some(call) = ast::calls(&p).into_iter().find(|c| c.callee == local) else { continue };
            let s = stem(path);
            if !ROUTE_STEMS.contains(&s) && s != "layout" && !imported_by_server_route(project, path) {
                continue;
            }
            let d = Diagnostic::new(
                &Self::META,
                path,
                p.lo(call.span),
                p.hi(call.span),
                "this file has no `\"use client\"`, so it is a Server Component where `useSession()` cannot run: the page fails to build or render",
            );
            let auth_files = auth_files.get_or_insert_with(|| auth_export_files(project));
            let blocker = blocker(project, path, &p, auth_files);
            let suggest = if project.facts.auth_major == Some(4) { "`getServerSession(authOptions)`" } else { "`await auth()`" };
            out.push(match blocker {
                Some(why) => d.with_note(format!("{why}, so it must stay on the server: read the session with {suggest} here, or move the `useSession()` part into a `\"use client\"` component")),
                None => {
                    let style = project.file_style(path);
                    let line = format!("{}{}\n\n", style.quote("use client"), style.semi());
                    d.with_fix(Fix::new(Applicability::Unsafe, "Add \"use client\" at the top of the file", vec![Change::edit(path, Edit::insert(0, line))]))
                }
            });
        }
    }
}

/// Whether a route file without `"use client"` under `app/` imports this module.
fn imported_by_server_route(project: &Project, module: &str) -> bool {
    let name = crate::project::strip_ext(module.rsplit('/').next().unwrap_or(module));
    let files: Vec<&str> = project.source_files_containing(&name).collect();
    files.into_iter().filter(|f| project.in_app_dir(f) && (ROUTE_STEMS.contains(&stem(f)) || stem(f) == "layout")).any(|f| {
        let Some(p) = project.parsed(f) else { return false };
        !ast::has_directive(&p, "use client") && ast::imports(&p).iter().any(|i| !i.type_only && project.resolve_import(f, &i.src).as_deref() == Some(module))
    })
}

/// What keeps the file on the server, if anything.
fn blocker(project: &Project, path: &str, p: &Parsed, auth_files: &[String]) -> Option<String> {
    if stem(path) == "layout" {
        return Some("this is a layout (a client layout cannot export `metadata` or call `auth()`; see P001)".into());
    }
    if ast::has_directive(p, "use server") {
        return Some("this is a `\"use server\"` module".into());
    }
    for imp in ast::imports(p) {
        if imp.type_only || imp.specs.iter().all(|s| s.type_only) && !imp.specs.is_empty() {
            continue;
        }
        if SERVER_MODULES.contains(&imp.src.as_str()) || imp.src.starts_with("node:") {
            return Some(format!("it imports `{}`, which only runs on the server", imp.src));
        }
        if let Some(target) = project.resolve_import(path, &imp.src) {
            if auth_files.contains(&target) {
                return Some(format!("it imports `{}` (your auth.ts), which only runs on the server", imp.src));
            }
        }
    }
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => {
                let names: Vec<String> = match &e.decl {
                    Decl::Fn(f) => {
                        if f.function.is_async {
                            return Some(format!("`{}` is an async component", f.ident.sym));
                        }
                        vec![f.ident.sym.to_string()]
                    }
                    Decl::Var(v) => {
                        let mut n = Vec::new();
                        for d in &v.decls {
                            ast::collect_pat_names(&d.name, &mut n);
                            if is_async_fn(d.init.as_deref()) {
                                return Some("it exports an async component".into());
                            }
                        }
                        n
                    }
                    _ => vec![],
                };
                if let Some(n) = names.iter().find(|n| CLIENT_FORBIDDEN_EXPORTS.contains(&n.as_str())) {
                    return Some(format!("it exports `{n}`, which a `\"use client\"` file cannot"));
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => {
                if let DefaultDecl::Fn(f) = &d.decl {
                    if f.function.is_async {
                        return Some("its default export is an async component".into());
                    }
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(d)) if is_async_fn(Some(&d.expr)) => {
                return Some("its default export is an async component".into());
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::Fn(f))) if f.function.is_async => {
                return Some(format!("`{}` is an async function (an async component or server code)", f.ident.sym));
            }
            _ => {}
        }
    }
    None
}

fn is_async_fn(e: Option<&Expr>) -> bool {
    match e.map(unwrap_expr) {
        Some(Expr::Arrow(a)) => a.is_async,
        Some(Expr::Fn(f)) => f.function.is_async,
        _ => false,
    }
}
