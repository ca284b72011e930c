use crate::ast;
use crate::ast::{prop_name as key_name, unwrap_expr as strip_parens};
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{callee_ident, indent_at};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// In a client component, finds `signIn(…, { redirect: false })` from `next-auth/react`
    /// followed by a client-side navigation (`router.push(…)` / `router.replace(…)` from
    /// `next/navigation`) with no `router.refresh()`, and adds `router.refresh()` after the
    /// navigation.
    ///
    /// ## Why is this bad?
    /// With `redirect: false` the client `signIn` only POSTs the credentials; the session cookie is
    /// set, and `useSession()` is refetched (`__NEXTAUTH._getSession({ event: "storage" })` in
    /// `next-auth/src/react.tsx`, v4 `next-auth/src/react/index.tsx`). Nothing tells Next's router:
    /// a soft navigation re-renders only the segments that change and reuses the client router
    /// cache, so a server layout that calls `auth()` / `getServerSession()` — the header with the
    /// user's name — keeps its signed-out render, and so does any page visited before, until a
    /// reload. `router.refresh()` asks the server for the current route again, with the new cookie.
    ///
    /// ## Example
    /// ```tsx
    /// const res = await signIn("credentials", { email, password, redirect: false });
    /// if (res?.ok) router.push("/dashboard");
    /// ```
    /// Use instead:
    /// ```tsx
    /// const res = await signIn("credentials", { email, password, redirect: false });
    /// if (res?.ok) {
    ///   router.push("/dashboard");
    ///   router.refresh();
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `router.refresh()` only re-renders the server components of the current route with
    /// the request's cookies; client state is kept. The call goes on its own line after a
    /// `router.push(…);` statement; a navigation that is not a statement of its own (returned, in
    /// an expression, a one-line `if` without braces) gets a diagnostic saying where to add it. A
    /// function that already calls `router.refresh()`, `update()` from `useSession`, or navigates
    /// with `window.location` (a full load) is left alone, as is `signIn` with its default redirect.
    /// On Next >= 15 (whose router cache no longer keeps dynamic pages) the rule fires only when a
    /// server layout reads the session, since that is what stays stale.
    pub struct StaleSessionAfterSignIn {
        code: "U004",
        name: "stale-session-after-sign-in",
        fix: Sometimes,
        applicability: [Safe],
        severity: Warning,
        summary: "`signIn(…, { redirect: false })` then `router.push()` without `router.refresh()`: server components show the signed-out page until a reload",
    }
}

impl Rule for StaleSessionAfterSignIn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        // What goes stale: a server layout that reads the session (kept across soft navigations),
        // or, before Next 15, any dynamic page (the client router cache kept them 30 s).
        let old_cache = crate::rules::middleware_common::next_major(project).is_some_and(|m| m < 15);
        if !old_cache && !server_layout_reads_session(project) {
            return;
        }
        for path in project.source_files_containing("redirect") {
            let text = project.text(path).unwrap_or("");
            if !text.contains("signIn") || !text.contains("useRouter") {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            if !ast::has_directive(&p, "use client") {
                continue;
            }
            let Some(sign_in) = ast::local_name(&p, &["next-auth/react"], "signIn") else { continue };
            let Some(use_router) = ast::local_name(&p, &["next/navigation"], "useRouter") else { continue };
            let routers = router_names(&p, &use_router);
            if routers.is_empty() {
                continue;
            }
            let mut v = Bodies { p: &p, text, sign_in: &sign_in, routers: &routers, hits: vec![] };
            p.module.visit_with(&mut v);
            for (nav, stmt, router) in v.hits {
                let d = Diagnostic::new(
                    &Self::META,
                    path,
                    p.lo(nav),
                    p.hi(nav),
                    "after `signIn(…, { redirect: false })` this client-side navigation reuses the router cache: server components that read the session (a layout's header, pages seen before) keep showing the signed-out render until a reload",
                );
                match stmt {
                    Some(stmt) => {
                        let style = project.file_style(path);
                        let end = p.hi(stmt);
                        let indent = indent_at(text, p.lo(stmt)).to_string();
                        out.push(d.with_fix(Fix::new(
                            Applicability::Safe,
                            format!("Call `{router}.refresh()` after the navigation"),
                            vec![Change::edit(path, Edit::insert(end, format!("\n{indent}{router}.refresh(){}", style.semi())))],
                        )))
                    }
                    None => out.push(d.with_note(format!(
                        "Call `{router}.refresh()` right after this navigation (it is not a statement of its own, so authfix does not place it)."
                    ))),
                }
            }
        }
    }
}

/// Whether a server layout of the App Router calls `auth()` or `getServerSession(…)`.
fn server_layout_reads_session(project: &Project) -> bool {
    project
        .paths()
        .filter(|p| project.in_app_dir(p) && p.rsplit('/').next().is_some_and(|n| n.starts_with("layout.")))
        .any(|p| project.text(p).is_some_and(|t| (t.contains("auth()") || t.contains("getServerSession(")) && !t.contains("use client")))
}

/// Names bound to `useRouter()`: `const router = useRouter()`.
fn router_names(p: &Parsed, use_router: &str) -> Vec<String> {
    #[derive(Default)]
    struct V<'a> {
        use_router: &'a str,
        names: Vec<String>,
    }
    impl Visit for V<'_> {
        fn visit_var_declarator(&mut self, d: &VarDeclarator) {
            if let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) {
                if let Expr::Call(c) = strip_parens(init) {
                    if callee_ident(c) == Some(self.use_router) {
                        self.names.push(i.id.sym.to_string());
                    }
                }
            }
            d.visit_children_with(self);
        }
    }
    let mut v = V { use_router, names: vec![] };
    p.module.visit_with(&mut v);
    v.names
}

struct Bodies<'a> {
    p: &'a Parsed,
    text: &'a str,
    sign_in: &'a str,
    routers: &'a [String],
    /// (navigation call, its statement when it is an expression statement of its own, router)
    hits: Vec<(Span, Option<Span>, String)>,
}

impl Bodies<'_> {
    fn body(&mut self, b: &FunctionBody) {
        let t = &self.text[self.p.range(b.span)];
        if t.contains(".refresh(") || t.contains("update(") || t.contains("location.") {
            return;
        }
        let mut c = Calls { sign_in: self.sign_in, routers: self.routers, sign_in_at: None, navs: vec![], stmt_stack: vec![], bare: vec![] };
        b.visit_with(&mut c);
        let Some(at) = c.sign_in_at else { return };
        for (nav, stmt, r) in c.navs {
            if nav.lo > at {
                self.hits.push((nav, stmt, r));
            }
        }
    }
}

impl Visit for Bodies<'_> {
    fn visit_function(&mut self, f: &Function) {
        if let Some(b) = &f.body {
            self.body(b);
        }
        f.visit_children_with(self);
    }
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
            self.body(b);
        }
        a.visit_children_with(self);
    }
}

struct Calls<'a> {
    sign_in: &'a str,
    routers: &'a [String],
    sign_in_at: Option<swc_core::common::BytePos>,
    navs: Vec<(Span, Option<Span>, String)>,
    /// The expression statement being visited, when its expression is the call itself.
    stmt_stack: Vec<Option<(Span, Span)>>,
    /// Expression statements that are an `if`'s branch without braces.
    bare: Vec<Span>,
}

fn redirect_false(c: &CallExpr) -> bool {
    c.args.iter().skip(1).any(|a| match strip_parens(&a.expr) {
        Expr::Object(o) => o.props.iter().any(|pp| match pp {
            PropOrSpread::Prop(pp) => match &**pp {
                Prop::KeyValue(kv) => {
                    key_name(&kv.key).as_deref() == Some("redirect") && matches!(strip_parens(&kv.value), Expr::Lit(Lit::Bool(b)) if !b.value)
                }
                _ => false,
            },
            _ => false,
        }),
        _ => false,
    })
}

impl Visit for Calls<'_> {
    // Nested functions are judged on their own.
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_if_stmt(&mut self, n: &IfStmt) {
        // `if (ok) router.push(…);`: a line added after it would run whatever the test says.
        for branch in std::iter::once(&*n.cons).chain(n.alt.as_deref()) {
            if let Stmt::Expr(s) = branch {
                self.bare.push(s.span);
            }
        }
        n.visit_children_with(self);
    }
    fn visit_expr_stmt(&mut self, s: &ExprStmt) {
        if self.bare.contains(&s.span) {
            self.stmt_stack.push(None);
            s.visit_children_with(self);
            self.stmt_stack.pop();
            return;
        }
        let e = match &*s.expr {
            Expr::Await(a) => &*a.arg,
            e => e,
        };
        self.stmt_stack.push(Some((s.span, e.span())));
        s.visit_children_with(self);
        self.stmt_stack.pop();
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if callee_ident(c) == Some(self.sign_in) && redirect_false(c) && self.sign_in_at.is_none() {
            self.sign_in_at = Some(c.span.lo);
        }
        if let Callee::Expr(e) = &c.callee {
            if let Expr::Member(m) = &**e {
                if let (Expr::Ident(obj), MemberProp::Ident(prop)) = (&*m.obj, &m.prop) {
                    if self.routers.iter().any(|r| r == &*obj.sym) && (&*prop.sym == "push" || &*prop.sym == "replace") {
                        let stmt = self.stmt_stack.last().copied().flatten().filter(|(_, e)| *e == c.span).map(|(s, _)| s);
                        self.navs.push((c.span, stmt, obj.sym.to_string()));
                    }
                }
            }
        }
        self.stmt_stack.push(None);
        c.visit_children_with(self);
        self.stmt_stack.pop();
    }
}
