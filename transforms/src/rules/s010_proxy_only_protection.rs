use crate::ast;
use crate::ast::unwrap_expr;
use crate::declare_rule;
use crate::edit::Edit;
use crate::options;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta, Severity};
use crate::rules::client_common::{auth_export_files, import_of, indent_at};
use crate::rules::protection::{self as pr, Protection};
use swc_core::common::Span;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds App Router pages, layouts, route handlers and server actions (exports of a
    /// `"use server"` module imported by a protected page or placed beside it, and inline
    /// `"use server"` functions in a protected page) that serve a path the middleware/proxy
    /// protects, read or change data, and never check the session themselves. The fix inserts
    /// the check at the top: `auth()` (v5) or `getServerSession(authOptions)` (v4), then
    /// `redirect` to the sign-in page (pages, layouts, actions) or a 401 response (route handlers).
    ///
    /// What counts as protected, as data and as a check of its own is spelled out in
    /// `transforms/src/rules/protection.rs`; in short: the matcher plus the `withAuth` /
    /// `authorized` / wrapper / hand-written check (a path-aware check only in its
    /// `startsWith("/x")` forms), database clients and ORMs, data modules, `fs`, keyed `fetch`;
    /// any session read in the file (an ancestor layout's counts for a page), or in the action's
    /// own body.
    ///
    /// ## Why is this bad?
    /// The middleware is not the only way in. Requests that skip it reach the page: the Next.js
    /// bypass advisories (CVE-2025-29927's `x-middleware-subrequest`, GHSA-267c-6grr-h53f's
    /// `.rsc` URLs, …; V003), a matcher edited later, and server actions, which are plain POSTs
    /// any route accepts — an action's check in its page does not protect it. Each advisory's own
    /// workaround is the same: "enforce authorization in the underlying route or page logic
    /// instead of relying solely on middleware". Next.js's authentication guide says the same, and
    /// Clerk's `require-auth-protection` lint enforces it for Clerk apps.
    ///
    /// Pages that read no data (marketing pages, static text) and public paths are never
    /// reported. Warning by default; error when a bypass advisory applies to the installed Next
    /// (V003).
    ///
    /// ## Example
    /// ```tsx
    /// // middleware.ts: export { default } from "next-auth/middleware"; matcher "/dashboard/:path*"
    /// export default async function Invoices() {
    ///   const invoices = await db.invoice.findMany();
    ///   return <List invoices={invoices} />;
    /// }
    /// ```
    /// Use instead:
    /// ```tsx
    /// export default async function Invoices() {
    ///   const session = await getServerSession(authOptions);
    ///   if (!session?.user) redirect("/api/auth/signin");
    ///   const invoices = await db.invoice.findMany();
    ///   return <List invoices={invoices} />;
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: signed-out requests that used to get the page now get a redirect or a 401, and
    /// the page becomes dynamic (it reads cookies). The imports go through the project's alias;
    /// the function is made `async` when it was not. No fix when the project has no single
    /// `auth` export (v5) or exported `authOptions` (v4), when `redirect`/`auth` names are taken,
    /// or for component shapes other than a default-exported function.
    pub struct ProxyOnlyProtection {
        code: "S010",
        name: "proxy-only-protection",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Warning,
        summary: "a page, route or server action behind the middleware reads data without checking the session itself",
    }
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

#[derive(Copy, Clone, PartialEq, Eq)]
enum Exit {
    Redirect,
    Unauthorized,
}

/// A function to guard.
struct Target {
    name: Span,
    func: Span,
    body: Span,
    is_async: bool,
    /// Insert after this statement (an action's `"use server"`) instead of after `{`.
    after: Option<Span>,
    exit: Exit,
    what: String,
}

impl Rule for ProxyOnlyProtection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major.is_none() {
            return;
        }
        let Some(prot) = pr::protection(project) else { return };
        let (bypass, _) = pr::bypasses(project, &prot);
        let severity = if bypass.is_empty() { Severity::Warning } else { Severity::Error };
        let why = if bypass.is_empty() {
            "requests that skip the middleware (a bypass, a matcher change) get it".to_string()
        } else {
            format!("the installed `next` has {} (V003), which skip the middleware", bypass.iter().map(|a| a.id).collect::<Vec<_>>().join(", "))
        };
        let mut action_modules: Vec<String> = Vec::new();
        for rf in pr::route_files(project) {
            if prot.protects(&rf.url) != Some(true) {
                continue;
            }
            let Some(text) = project.text(&rf.path) else { continue };
            let Some(p) = project.parsed(&rf.path) else { continue };
            if ast::has_directive(&p, "use client") {
                continue;
            }
            // Modules of server actions this route uses, and those beside it.
            for i in ast::imports(&p) {
                if let Some(t) = project.resolve_import(&rf.path, &i.src) {
                    if project.parsed(&t).is_some_and(|tp| ast::has_directive(&tp, "use server")) && !action_modules.contains(&t) {
                        action_modules.push(t);
                    }
                }
            }
            let folder = crate::project::parent(&rf.path);
            for sib in project.paths().filter(|x| crate::project::parent(x) == folder && *x != rf.path) {
                if project.parsed(sib).is_some_and(|tp| ast::has_directive(&tp, "use server")) && !action_modules.iter().any(|m| m == sib) {
                    action_modules.push(sib.to_string());
                }
            }
            let own = pr::reads_session(&outside_actions(&p, text)) || (rf.kind != "route" && pr::layout_checks(project, &rf.path));
            if !own {
                let targets = if rf.kind == "route" { handlers(&p) } else { component(&p, rf.kind).into_iter().collect() };
                let inline: Vec<Span> = pr::actions_in(&p, &rf.path).into_iter().filter(|a| a.inline).map(|a| a.span).collect();
                for t in targets {
                    let Some(evidence) = pr::data_access(project, &p, text, t.func, &inline) else { continue };
                    report(project, &prot, out, &rf.path, &p, text, &t, &rf.url, &evidence, &why, severity);
                }
            }
            for a in pr::actions_in(&p, &rf.path).into_iter().filter(|a| a.inline) {
                action(project, &prot, out, &p, text, &a, &rf.url, &why, severity);
            }
        }
        for m in action_modules {
            let (Some(p), Some(text)) = (project.parsed(&m), project.text(&m)) else { continue };
            for a in pr::actions_in(&p, &m) {
                action(project, &prot, out, &p, text, &a, "", &why, severity);
            }
        }
    }
}

/// The file's text with inline action bodies blanked (their checks are their own).
fn outside_actions(p: &Parsed, text: &str) -> String {
    let mut s = text.to_string();
    for a in pr::actions_in(p, "") {
        if a.inline {
            let r = p.range(a.body);
            s.replace_range(r.clone(), &" ".repeat(r.len()));
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn action(project: &Project, prot: &Protection, out: &mut Vec<Diagnostic>, p: &Parsed, text: &str, a: &pr::Action, url: &str, why: &str, sev: Severity) {
    if pr::reads_session(&text[p.range(a.span)]) {
        return;
    }
    let Some(evidence) = pr::data_access(project, p, text, a.span, &[]) else { return };
    let name_span = find_name(p, a);
    let directive = body_directive(p, a.body);
    let t = Target {
        name: name_span,
        func: a.span,
        body: a.body,
        is_async: a.is_async,
        after: directive,
        exit: Exit::Redirect,
        what: format!("the server action `{}`", a.name),
    };
    report(project, prot, out, &a.path, p, text, &t, url, &evidence, why, sev);
}

fn find_name(p: &Parsed, a: &pr::Action) -> Span {
    // The action's name as written (falls back to the function).
    let mut found = None;
    for (n, s) in ast::ident_refs(&p.module) {
        if n == a.name && s.lo <= a.span.lo {
            found = Some(s);
        }
    }
    found.unwrap_or(a.span)
}

fn body_directive(p: &Parsed, body: Span) -> Option<Span> {
    struct B(Span, Option<Span>);
    impl swc_core::ecma::visit::Visit for B {
        fn visit_function_body(&mut self, b: &FunctionBody) {
            if b.span == self.0 {
                if let Some(Stmt::Expr(e)) = b.stmts.first() {
                    if matches!(&*e.expr, Expr::Lit(Lit::Str(_))) {
                        self.1 = Some(e.span);
                    }
                }
            }
            swc_core::ecma::visit::VisitWith::visit_children_with(b, self);
        }
    }
    let mut v = B(body, None);
    swc_core::ecma::visit::VisitWith::visit_with(&p.module, &mut v);
    v.1
}

/// The default-exported component of a page or layout.
fn component(p: &Parsed, kind: &str) -> Option<Target> {
    let what = format!("this {kind}");
    let from_fn = |f: &Function, name: Span| -> Option<Target> {
        let b = f.body.as_ref()?;
        Some(Target { name, func: f.span, body: b.span, is_async: f.is_async, after: None, exit: Exit::Redirect, what: what.clone() })
    };
    let mut default_local: Option<String> = None;
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => {
                if let DefaultDecl::Fn(f) = &d.decl {
                    let name = f.ident.as_ref().map_or(d.span, |i| i.span);
                    return from_fn(&f.function, name);
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(e)) => {
                if let Expr::Ident(i) = unwrap_expr(&e.expr) {
                    default_local = Some(i.sym.to_string());
                }
            }
            _ => {}
        }
    }
    let local = default_local?;
    for item in &p.module.body {
        let ModuleItem::Stmt(Stmt::Decl(d)) = item else { continue };
        match d {
            Decl::Fn(f) if *f.ident.sym == *local => return from_fn(&f.function, f.ident.span),
            Decl::Var(v) => {
                for dc in &v.decls {
                    let (Pat::Ident(i), Some(init)) = (&dc.name, &dc.init) else { continue };
                    if *i.id.sym != *local {
                        continue;
                    }
                    if let Expr::Arrow(a) = unwrap_expr(init) {
                        if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
                            return Some(Target { name: i.id.span, func: a.span, body: b.span, is_async: a.is_async, after: None, exit: Exit::Redirect, what });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Exported HTTP method handlers of a route file.
fn handlers(p: &Parsed) -> Vec<Target> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) = item else { continue };
        match &e.decl {
            Decl::Fn(f) if METHODS.contains(&&*f.ident.sym) => {
                if let Some(b) = &f.function.body {
                    out.push(Target {
                        name: f.ident.span,
                        func: f.function.span,
                        body: b.span,
                        is_async: f.function.is_async,
                        after: None,
                        exit: Exit::Unauthorized,
                        what: format!("the `{}` handler", f.ident.sym),
                    });
                }
            }
            Decl::Var(v) => {
                for d in &v.decls {
                    let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) else { continue };
                    if !METHODS.contains(&&*i.id.sym) {
                        continue;
                    }
                    if let Expr::Arrow(a) = unwrap_expr(init) {
                        if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
                            out.push(Target {
                                name: i.id.span,
                                func: a.span,
                                body: b.span,
                                is_async: a.is_async,
                                after: None,
                                exit: Exit::Unauthorized,
                                what: format!("the `{}` handler", i.id.sym),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn report(
    project: &Project,
    prot: &Protection,
    out: &mut Vec<Diagnostic>,
    path: &str,
    p: &Parsed,
    text: &str,
    t: &Target,
    url: &str,
    evidence: &str,
    why: &str,
    sev: Severity,
) {
    let at = if url.is_empty() { String::new() } else { format!(" at `{url}`") };
    let message = format!(
        "{}{at} {evidence} but never checks the session: only the {} ({}) stands in front of it, and {why}",
        t.what,
        match prot.file.kind {
            crate::rules::middleware_common::Kind::Proxy => "proxy",
            crate::rules::middleware_common::Kind::Middleware => "middleware",
        },
        prot.what
    );
    let mut d = Diagnostic::new(&ProxyOnlyProtection::META, path, p.lo(t.name), p.hi(t.name), message);
    d.severity = sev;
    out.push(match make_fix(project, prot, path, p, text, t) {
        Ok(fix) => d.with_fix(fix),
        Err(why) => d.with_note(why),
    });
}

fn make_fix(project: &Project, prot: &Protection, path: &str, p: &Parsed, text: &str, t: &Target) -> Result<Fix, String> {
    let how = "check the session at the top (v5 `const session = await auth()`, v4 `await getServerSession(authOptions)`), then redirect or answer 401 when `!session?.user`";
    let style = project.file_style(path);
    let names: Vec<String> = ast::ident_refs(&p.module).into_iter().map(|(n, _)| n).collect();
    let top = ast::top_level_names(p);
    let taken = |n: &str| names.iter().any(|x| x == n) || top.iter().any(|x| x == n);
    let mut edits: Vec<Edit> = Vec::new();
    // New imports go in together (one insertion after the last import).
    let mut imports: Vec<String> = Vec::new();
    let call = match project.facts.auth_major {
        Some(5) => {
            let files = auth_export_files(project);
            let [file] = files.as_slice() else { return Err(format!("no single `auth` export found; {how}")) };
            match import_of(project, p, path, file, "auth") {
                Some(local) => format!("await {local}()"),
                None => {
                    if taken("auth") {
                        return Err(format!("`auth` is already a name in this file; {how}"));
                    }
                    imports.push(ast::import_line(&style, "{ auth }", &project.import_specifier(path, file)));
                    "await auth()".into()
                }
            }
        }
        Some(4) => {
            let opts = options::exported_options(project);
            let [o] = opts.as_slice() else { return Err(format!("no single exported `authOptions` found; {how}")) };
            if o.file == path {
                return Err(how.into());
            }
            let gss = match ast::local_name(p, &["next-auth", "next-auth/next"], "getServerSession") {
                Some(l) => l,
                None => {
                    if taken("getServerSession") {
                        return Err(how.into());
                    }
                    imports.push(ast::import_line(&style, "{ getServerSession }", "next-auth"));
                    "getServerSession".into()
                }
            };
            let opt_local = match import_of(project, p, path, &o.file, &o.name) {
                Some(l) => l,
                None => {
                    if taken(&o.name) {
                        return Err(how.into());
                    }
                    imports.push(ast::import_line(&style, &format!("{{ {} }}", o.name), &project.import_specifier(path, &o.file)));
                    o.name.clone()
                }
            };
            format!("await {gss}({opt_local})")
        }
        _ => return Err(how.into()),
    };
    let var = ["session", "authSession"].into_iter().find(|n| !taken(n)).ok_or_else(|| how.to_string())?;
    let semi = style.semi();
    let leave = match t.exit {
        Exit::Redirect => {
            let name = match ast::local_name(p, &["next/navigation"], "redirect") {
                Some(r) => r,
                None => {
                    if taken("redirect") {
                        return Err(format!("`redirect` is already a name in this file; {how}"));
                    }
                    imports.push(ast::import_line(&style, "{ redirect }", "next/navigation"));
                    "redirect".into()
                }
            };
            let target = prot.sign_in.clone().unwrap_or_else(|| crate::rules::s004_unchecked_auth_destructure::sign_in_path(project, p, text, None));
            format!("{name}({}){semi}", style.quote(&target))
        }
        Exit::Unauthorized => format!("return new Response({}, {{ status: 401 }}){semi}", style.quote("Unauthorized")),
    };
    // Where the new lines go and their indentation.
    let body_lo = p.lo(t.body);
    let first_stmt = {
        let inner = &text[body_lo + 1..p.hi(t.body).saturating_sub(1)];
        let off = inner.len() - inner.trim_start().len();
        (!inner.trim().is_empty()).then_some(body_lo + 1 + off)
    };
    let indent = match first_stmt {
        Some(pos) if text[crate::edit::line_start(text, pos)..pos].trim().is_empty() => indent_at(text, pos).to_string(),
        _ => format!("{}{}", indent_at(text, body_lo), style.indent),
    };
    let at = match t.after {
        Some(s) => p.hi(s),
        None => body_lo + 1,
    };
    let single_line = !text[body_lo..p.hi(t.body)].contains('\n');
    let lines = format!("\n{indent}const {var} = {call}{semi}\n{indent}if (!{var}?.user) {leave}");
    let lines = if single_line && t.after.is_none() { format!("{lines}\n{}", indent_at(text, body_lo)) } else { lines };
    if !imports.is_empty() {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        edits.push(ast::insert_import(p, text, &imports.join(eol)));
    }
    edits.push(Edit::insert(at, lines));
    if !t.is_async {
        edits.push(Edit::insert(p.lo(t.func), "async "));
    }
    let title = match t.exit {
        Exit::Redirect => "Check the session at the top and redirect to sign-in without one",
        Exit::Unauthorized => "Check the session at the top and answer 401 without one",
    };
    Ok(Fix::new(Applicability::Unsafe, title, edits.into_iter().map(|e| Change::edit(path, e)).collect()))
}
