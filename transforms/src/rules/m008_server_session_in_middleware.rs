use crate::ast;
use crate::declare_rule;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::middleware_common::{self as mw};
use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds session reads in a `middleware`/`proxy` file that cannot protect anything:
    /// `auth()` or `getServerSession(…)` whose Promise is tested without `await`, and v4
    /// `getServerSession()` called without options.
    ///
    /// ## Why is this bad?
    /// Both return a Promise (`next-auth/src/lib/index.ts` for v5 `auth`,
    /// `next-auth/src/next/index.ts` for v4 `getServerSession`); a Promise is always truthy, so
    /// `if (!session)` never redirects and every visitor gets through. v4 `getServerSession()` with
    /// no argument runs with `Object.assign({}, undefined, { providers: [] })`: no callbacks and no
    /// adapter, so database sessions always come back `null` (everyone is sent to sign-in) and what
    /// the callbacks add to the session is missing.
    ///
    /// ## Example
    /// ```ts
    /// import { auth } from "@/auth";
    ///
    /// export async function middleware(req: NextRequest) {
    ///   const session = auth();
    ///   if (!session) return NextResponse.redirect(new URL("/login", req.url));
    /// }
    /// ```
    /// Use instead:
    /// ```ts
    /// import { auth } from "@/auth";
    ///
    /// export default auth((req) => {
    ///   if (!req.auth) return NextResponse.redirect(new URL("/login", req.url));
    /// });
    /// ```
    /// In v4: `export default withAuth({ pages: { signIn: "/login" } })` from `next-auth/middleware`.
    ///
    /// ## Fix safety
    /// No fix: the middleware has to be rewritten around `withAuth` (v4) or the `auth((req) => …)`
    /// wrapper (v5), and what it does after the check is the user's code. An awaited `auth()` is
    /// left alone: it works in middleware (Next gives middleware a request store for `headers()`).
    pub struct ServerSessionInMiddleware {
        code: "M008",
        name: "server-session-in-middleware",
        fix: None,
        severity: Error,
        summary: "a session read in middleware that cannot protect anything (un-awaited Promise, or v4 `getServerSession()` without options)",
    }
}

impl Rule for ServerSessionInMiddleware {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for f in mw::loaded_files(project) {
            let Some(text) = project.text(&f.path) else { continue };
            if !(text.contains("auth") || text.contains("getServerSession")) {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            let gss = ast::local_name(&p, &["next-auth", "next-auth/next"], "getServerSession");
            let auth = auth_names(project, &p);
            let mut v = Finder { gss: gss.as_deref(), auth: &auth, hits: vec![], awaited: vec![], tested: vec![], assigned: vec![], awaited_names: vec![] };
            p.module.visit_with(&mut v);
            let v4 = project.facts.auth_major != Some(5);
            let note = if v4 && gss.is_some() {
                "Use `withAuth` from `next-auth/middleware` (it reads the JWT from the request), e.g. `export default withAuth({ pages: { signIn: \"/login\" } })`."
            } else {
                "Use the wrapper: `export default auth((req) => { if (!req.auth) return NextResponse.redirect(new URL(\"/login\", req.url)) })`, or `await` the call."
            };
            let mut seen: Vec<Span> = Vec::new();
            for (name, call, args) in &v.hits {
                if seen.contains(call) {
                    continue;
                }
                let unawaited =
                    !v.awaited.contains(call) && (v.tested.contains(call) || v.assigned.iter().any(|(n, s)| s == call && !v.awaited_names.contains(n)));
                let (start, end) = (p.lo(*call), p.hi(*call));
                if unawaited {
                    seen.push(*call);
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            &f.path,
                            start,
                            end,
                            format!("`{name}(…)` is used without `await`, so the code tests a Promise, which is always truthy: the session check never fails and every visitor gets through"),
                        )
                        .with_note(note),
                    );
                } else if Some(name.as_str()) == gss.as_deref() && *args == 0 && v4 {
                    seen.push(*call);
                    out.push(
                        Diagnostic::new(
                            &Self::META,
                            &f.path,
                            start,
                            end,
                            "`getServerSession()` without options runs with no callbacks and no adapter: database sessions always come back null (everyone is sent to sign-in) and what your callbacks add to the session is missing",
                        )
                        .with_note(note),
                    );
                }
            }
        }
    }
}

/// Local names bound to a v5 `auth`: imported as `auth` from the project's own module, or
/// destructured from `NextAuth(…)` in this file.
fn auth_names(project: &Project, p: &Parsed) -> Vec<String> {
    let mut out: Vec<String> = ast::imports(p)
        .into_iter()
        .filter(|i| mw::is_project_module(project, &i.src))
        .flat_map(|i| i.specs)
        .filter(|s| s.imported == "auth" && !s.type_only)
        .map(|s| s.local)
        .collect();
    for e in mw::exports(p) {
        if let mw::ExportVal::Destructured { key, .. } = &e.val {
            if key == "auth" {
                out.push(e.name.clone());
            }
        }
    }
    for item in &p.module.body {
        if let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = item {
            for d in &v.decls {
                if let Pat::Object(o) = &d.name {
                    for prop in &o.props {
                        match prop {
                            ObjectPatProp::Assign(a) if &*a.key.sym == "auth" => out.push("auth".into()),
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
        }
    }
    out
}

struct Finder<'a> {
    gss: Option<&'a str>,
    auth: &'a [String],
    /// (callee, call span, argument count)
    hits: Vec<(String, Span, usize)>,
    awaited: Vec<Span>,
    /// Calls tested directly: `!call()`, `if (call())`, `call() && …`.
    tested: Vec<Span>,
    /// `const name = call()`
    assigned: Vec<(String, Span)>,
    /// Names that appear as `await name`.
    awaited_names: Vec<String>,
}

impl Finder<'_> {
    fn target(&self, e: &Expr) -> Option<(String, Span, usize)> {
        let Expr::Call(c) = crate::ast::unwrap_expr(e) else { return None };
        let Callee::Expr(callee) = &c.callee else { return None };
        let Expr::Ident(i) = &**callee else { return None };
        let name = i.sym.to_string();
        let is_gss = self.gss == Some(name.as_str());
        // `auth(req)` / `auth(fn)` are the request and wrapper forms.
        let is_auth = self.auth.contains(&name) && c.args.is_empty();
        (is_gss || is_auth).then_some((name, c.span, c.args.len()))
    }

    fn test(&mut self, e: &Expr) {
        if let Some((_, s, _)) = self.target(e) {
            self.tested.push(s);
        }
    }
}

impl Visit for Finder<'_> {
    fn visit_unary_expr(&mut self, n: &UnaryExpr) {
        if n.op == UnaryOp::Bang {
            self.test(&n.arg);
        }
        n.visit_children_with(self);
    }
    fn visit_if_stmt(&mut self, n: &IfStmt) {
        self.test(&n.test);
        n.visit_children_with(self);
    }
    fn visit_cond_expr(&mut self, n: &CondExpr) {
        self.test(&n.test);
        n.visit_children_with(self);
    }
    fn visit_bin_expr(&mut self, n: &BinExpr) {
        if matches!(n.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::EqEqEq | BinaryOp::NotEqEq | BinaryOp::EqEq | BinaryOp::NotEq) {
            self.test(&n.left);
            self.test(&n.right);
        }
        n.visit_children_with(self);
    }
    fn visit_call_expr(&mut self, n: &CallExpr) {
        // `x.then(…)` counts as awaiting x.
        if let Callee::Expr(callee) = &n.callee {
            if let Expr::Member(m) = &**callee {
                if matches!(&m.prop, MemberProp::Ident(i) if &*i.sym == "then" || &*i.sym == "catch" || &*i.sym == "finally") {
                    if let Some((_, s, _)) = self.target(&m.obj) {
                        self.awaited.push(s);
                    }
                }
            }
        }
        if let Some(hit) = self.target(&Expr::Call(n.clone())) {
            self.hits.push(hit);
        }
        n.visit_children_with(self);
    }
    fn visit_await_expr(&mut self, n: &AwaitExpr) {
        if let Some((_, s, _)) = self.target(&n.arg) {
            self.awaited.push(s);
        }
        if let Expr::Ident(i) = crate::ast::unwrap_expr(&n.arg) {
            self.awaited_names.push(i.sym.to_string());
        }
        n.visit_children_with(self);
    }
    fn visit_return_stmt(&mut self, n: &ReturnStmt) {
        // Returned to a caller that may await it.
        if let Some(arg) = &n.arg {
            if let Some((_, s, _)) = self.target(arg) {
                self.awaited.push(s);
            }
        }
        n.visit_children_with(self);
    }
    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        if let ArrowFunctionBody::Expr(e) = &*n.body {
            if let Some((_, s, _)) = self.target(e) {
                self.awaited.push(s);
            }
        }
        n.visit_children_with(self);
    }
    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        if let (Pat::Ident(i), Some(init)) = (&n.name, &n.init) {
            if let Some((_, s, _)) = self.target(init) {
                self.assigned.push((i.id.sym.to_string(), s));
            }
        }
        n.visit_children_with(self);
    }
    fn visit_expr_or_spread(&mut self, n: &ExprOrSpread) {
        // Passed to another function (`Promise.all([auth()])`, `f(auth())`): not judged here.
        if let Some((_, s, _)) = self.target(&n.expr) {
            self.awaited.push(s);
        }
        n.visit_children_with(self);
    }
    fn visit_array_lit(&mut self, n: &ArrayLit) {
        for e in n.elems.iter().flatten() {
            if let Some((_, s, _)) = self.target(&e.expr) {
                self.awaited.push(s);
            }
        }
        n.visit_children_with(self);
    }
}
