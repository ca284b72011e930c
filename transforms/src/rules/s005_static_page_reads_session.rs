use crate::ast;
use crate::declare_rule;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::client_common::auth_export_files;
use crate::rules::middleware_common as mw;
use swc_core::common::Span;

declare_rule! {
    /// ## What it does
    /// Finds a page or layout that reads the session on the server (v5 `auth()` from the project's
    /// auth module, v4 `getServerSession(…)`) while it is forced static: `export const dynamic =
    /// "force-static"` in the file itself or in a layout above it (with no `dynamic` of its own in
    /// between).
    ///
    /// ## Why is this bad?
    /// `force-static` sets `workStore.forceStatic` for the segment and everything below it
    /// (`next/dist/server/app-render/create-component-tree.js`: "the nested most config wins"),
    /// and then `headers()` and `cookies()` return empty objects
    /// (`next/dist/server/request/headers.js`, `cookies.js`: "When using forceStatic we override
    /// all other logic and always just return an empty headers object"). `auth()` reads the
    /// session cookie from `headers()` (`next-auth/src/lib/index.ts`), `getServerSession` from
    /// `headers()`/`cookies()` (`next-auth/src/next/index.ts`): the page is rendered at build time
    /// with no cookie, the session is always `null`, and every visitor sees the signed-out page.
    ///
    /// ## Example
    /// ```tsx
    /// export const dynamic = "force-static";
    /// export default async function Page() {
    ///   const session = await auth();
    ///   return <p>{session?.user?.email ?? "Signed out"}</p>;
    /// }
    /// ```
    /// Use instead: drop the `dynamic` export (reading the session makes the page dynamic), or
    /// read the session in a client component with `useSession()`.
    ///
    /// ## Fix safety
    /// No fix: the export may be there for a reason (a CDN-cached marketing page) and the session
    /// read may belong elsewhere. The diagnostic names the export that forces static rendering.
    /// Pages that are merely prerendered (`generateStaticParams`) are not reported: a session read
    /// makes them dynamic.
    pub struct StaticPageReadsSession {
        code: "S005",
        name: "static-page-reads-session",
        fix: None,
        severity: Error,
        summary: "a page forced static (`dynamic = \"force-static\"`) reads the session: it is always `null`",
    }
}

/// The value of `export const dynamic = "…"`, with the statement's span.
fn dynamic_of(p: &Parsed) -> Option<(String, Span)> {
    mw::exports(p).into_iter().find(|e| e.name == "dynamic").and_then(|e| match &e.val {
        mw::ExportVal::Expr(x) => mw::str_value(x).map(|v| (v, e.stmt)),
        _ => None,
    })
}

fn route_file(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next()?;
    let stem = name.split('.').next()?;
    match stem {
        "page" => Some("page"),
        "layout" => Some("layout"),
        _ => None,
    }
}

impl Rule for StaticPageReadsSession {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(app) = project.app_dir() else { return };
        // Nothing is forced static: nothing to look at (the usual case, decided without parsing).
        let forcing: Vec<&str> = project.source_files_containing("force-static").filter(|f| project.in_app_dir(f) && route_file(f).is_some()).collect();
        if forcing.is_empty() {
            return;
        }
        let mut auth_files: Option<Vec<String>> = None;
        for path in
            project.source_files_containing("auth").chain(project.source_files_containing("getServerSession")).collect::<std::collections::BTreeSet<_>>()
        {
            if !project.in_app_dir(path) || route_file(path).is_none() {
                continue;
            }
            // Only files under a folder that holds a forcing page/layout can be forced static.
            if !forcing.iter().any(|f| path.starts_with(crate::project::parent(f))) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            if ast::has_directive(&p, "use client") {
                continue;
            }
            let gss = ast::local_name(&p, &["next-auth", "next-auth/next"], "getServerSession");
            let files = auth_files.get_or_insert_with(|| auth_export_files(project));
            let auth = ast::imports(&p)
                .into_iter()
                .filter(|i| project.resolve_import(path, &i.src).is_some_and(|t| files.contains(&t)))
                .flat_map(|i| i.specs)
                .find(|s| s.imported == "auth" && !s.type_only)
                .map(|s| s.local);
            let Some(call) = ast::calls(&p).into_iter().find(|c| Some(&c.callee) == auth.as_ref() && c.args.is_empty() || Some(&c.callee) == gss.as_ref())
            else {
                continue;
            };
            // The nearest `dynamic` export: this file, then the layouts above it.
            let mut forced: Option<String> = None;
            match dynamic_of(&p) {
                Some((v, _)) => forced = (v == "force-static").then(|| path.to_string()),
                None => {
                    let mut dir = crate::project::parent(path).to_string();
                    loop {
                        let layout = ["tsx", "jsx", "js", "ts"].iter().map(|e| format!("{dir}/layout.{e}")).find(|l| project.exists(l) && l != path);
                        if let Some(l) = layout {
                            if let Some(lp) = project.parsed(&l) {
                                if let Some((v, _)) = dynamic_of(&lp) {
                                    forced = (v == "force-static").then_some(l);
                                    break;
                                }
                            }
                        }
                        if dir == app || !dir.starts_with(app) {
                            break;
                        }
                        dir = crate::project::parent(&dir).to_string();
                    }
                }
            }
            let Some(by) = forced else { continue };
            let whose = if by == path { "this file".to_string() } else { format!("`{by}`") };
            out.push(
                Diagnostic::new(
                    &Self::META,
                    path,
                    p.lo(call.span),
                    p.hi(call.span),
                    format!("`export const dynamic = \"force-static\"` in {whose} makes `headers()` and `cookies()` empty here: `{}()` never sees the session cookie, so the session is always null and every visitor sees the signed-out page", call.callee),
                )
                .with_note("Remove `dynamic = \"force-static\"` (reading the session makes the route dynamic), or read the session on the client with `useSession()`."),
            );
        }
    }
}
