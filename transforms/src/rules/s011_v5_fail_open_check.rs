use crate::ast::unwrap_expr as strip_parens;
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{auth_export_files, import_of};
use crate::rules::version_common as vc;
use crate::versions::v;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// On next-auth v5 below 5.0.0-beta.32, finds checks of an `auth()` result that test only
    /// that it exists — `if (!req.auth)`, `!!req.auth`, `return !!auth` in the `authorized`
    /// callback, and in pages, layouts, route handlers and server actions `if (!session)
    /// redirect(…)` or `session ? <Private /> : …` — and makes them test `?.user`.
    ///
    /// ## Why is this bad?
    /// Before 5.0.0-beta.32, every `auth()` entry point (Server Components, route handlers,
    /// actions, the middleware wrapper and `authorized`) returned the session endpoint's JSON body
    /// whatever its status. On a configuration error (`MissingSecret`, a provider without
    /// `issuer`/`authorization`, …) that body is `{ message: "There was a problem with the server
    /// configuration…" }`: a truthy object, so an existence check lets every visitor in
    /// (GHSA-8fpg-xm3f-6cx3). The fix (next-auth commit d008b9b, `parseSessionResponse` in
    /// `packages/next-auth/src/lib/index.ts`) returns `null` for any non-OK response — in all
    /// entry points, not only the middleware the advisory's post names. A real session always has
    /// `user`, the error body never does, so `session?.user` is the check that fails closed on
    /// every version.
    ///
    /// Checks that already read `session?.user` (or any property) are left alone, as is v5 from
    /// 5.0.0-beta.32 on, and v4 (whose `getServerSession` throws on configuration errors).
    ///
    /// ## Example
    /// ```ts
    /// const session = await auth();
    /// if (!session) redirect("/login");
    /// ```
    /// Use instead:
    /// ```ts
    /// const session = await auth();
    /// if (!session?.user) redirect("/login");
    /// ```
    ///
    /// ## Fix safety
    /// Safe: for every valid session the new test gives the same answer; it differs only for the
    /// error object, which is then treated as signed out. Upgrading to 5.0.0-beta.32 (V001) fixes
    /// the library as well.
    ///
    /// ## References
    /// - <https://github.com/nextauthjs/next-auth/security/advisories/GHSA-8fpg-xm3f-6cx3>
    pub struct V5FailOpenCheck {
        code: "S011",
        name: "v5-fail-open-check",
        fix: Always,
        applicability: [Safe],
        severity: Error,
        summary: "on v5 before beta.32, `!session` / `!!req.auth` let everyone in when the Auth.js configuration is broken",
    }
}

const FIXED: &str = "5.0.0-beta.32";

impl Rule for V5FailOpenCheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        let Some(r) = project.facts.versions.get("next-auth") else { return };
        let fixed = v(FIXED);
        if r.version >= fixed || r.version.major() != 5 || !vc::known(project, "next-auth", r, Some(&fixed)) {
            return;
        }
        let auth_files = auth_export_files(project);
        let mut files: Vec<&str> = project.source_files_containing("auth").collect();
        files.sort();
        for path in files {
            let Some(text) = project.text(path) else { continue };
            if !(text.contains("auth(") || text.contains("authorized")) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let mut readers: Vec<String> = auth_files.iter().filter_map(|f| import_of(project, &p, path, f, "auth")).collect();
            if auth_files.iter().any(|f| f == path) {
                readers.push("auth".into());
            }
            let mut t = Tracker { readers: &readers, names: vec![], wrapper_params: vec![] };
            p.module.visit_with(&mut t);
            let mut f = Finder { names: &t.names, params: &t.wrapper_params, hits: vec![] };
            p.module.visit_with(&mut f);
            f.hits.sort_by_key(|(leaf, _)| leaf.lo);
            f.hits.dedup_by_key(|(leaf, _)| leaf.lo);
            for (leaf, test) in f.hits {
                out.push(diagnostic(&p, text, path, leaf, test, &r.version));
            }
        }
    }
}

fn diagnostic(p: &Parsed, text: &str, path: &str, leaf: Span, test: Span, version: &crate::versions::Version) -> Diagnostic {
    let e = &text[p.range(leaf)];
    let t = &text[p.range(test)];
    let message = format!(
        "`{t}` only tests that `{e}` exists: on next-auth {version} (before {FIXED}) a configuration error makes `auth()` return the error body `{{ message }}`, a truthy object, so this check lets every visitor through (GHSA-8fpg-xm3f-6cx3)"
    );
    Diagnostic::new(&V5FailOpenCheck::META, path, p.lo(test), p.hi(test), message).with_fix(Fix::new(
        Applicability::Safe,
        format!("Test `{e}?.user`"),
        vec![Change::edit(path, Edit::insert(p.hi(leaf), "?.user"))],
    ))
}

/// Collects the names bound to an `auth()` result and the wrapper / `authorized` parameters.
struct Tracker<'a> {
    readers: &'a [String],
    /// Identifiers holding a session (`const session = await auth()`, `const { auth } = req`,
    /// `authorized({ auth })`).
    names: Vec<String>,
    /// Parameters of `auth((req) => …)`: `req.auth` is the session.
    wrapper_params: Vec<String>,
}

impl Tracker<'_> {
    fn is_reader_call(&self, e: &Expr) -> bool {
        let e = match strip_parens(e) {
            Expr::Await(a) => strip_parens(&a.arg),
            other => other,
        };
        let Expr::Call(c) = e else { return false };
        matches!(&c.callee, Callee::Expr(x) if matches!(&**x, Expr::Ident(i) if self.readers.iter().any(|r| r == &*i.sym))) && c.args.is_empty()
    }
}

fn auth_key_binding(o: &ObjectPat) -> Option<String> {
    o.props.iter().find_map(|pp| match pp {
        ObjectPatProp::Assign(a) if &*a.key.sym == "auth" => Some("auth".to_string()),
        ObjectPatProp::KeyValue(kv) => match (&kv.key, &*kv.value) {
            (PropName::Ident(k), Pat::Ident(b)) if &*k.sym == "auth" => Some(b.id.sym.to_string()),
            _ => None,
        },
        _ => None,
    })
}

impl Visit for Tracker<'_> {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let Some(init) = &d.init {
            match &d.name {
                Pat::Ident(i) if self.is_reader_call(init) => self.names.push(i.id.sym.to_string()),
                // `const { auth } = req` inside the wrapper.
                Pat::Object(o) => {
                    if let Expr::Ident(src) = strip_parens(init) {
                        if self.wrapper_params.iter().any(|w| w == &*src.sym) {
                            if let Some(b) = auth_key_binding(o) {
                                self.names.push(b);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        d.visit_children_with(self);
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `auth((req) => …)`: the middleware wrapper.
        let is_auth = matches!(&c.callee, Callee::Expr(x) if matches!(&**x, Expr::Ident(i) if self.readers.iter().any(|r| r == &*i.sym)));
        if is_auth {
            if let Some(arg) = c.args.first() {
                let first = match strip_parens(&arg.expr) {
                    Expr::Arrow(a) => a.params.first(),
                    Expr::Fn(f) => f.function.params.first().map(|p| &p.pat),
                    _ => None,
                };
                match first {
                    Some(Pat::Ident(i)) => self.wrapper_params.push(i.id.sym.to_string()),
                    Some(Pat::Object(o)) => self.names.extend(auth_key_binding(o)),
                    _ => {}
                }
            }
        }
        c.visit_children_with(self);
    }
    fn visit_prop(&mut self, p: &Prop) {
        // `authorized({ auth, request }) { … }` / `authorized: ({ auth }) => …`.
        let key = |k: &PropName| matches!(k, PropName::Ident(i) if &*i.sym == "authorized");
        let first = match p {
            Prop::Method(m) if key(&m.key) => m.function.params.first().map(|x| &x.pat),
            Prop::KeyValue(kv) if key(&kv.key) => match strip_parens(&kv.value) {
                Expr::Arrow(a) => a.params.first(),
                Expr::Fn(f) => f.function.params.first().map(|x| &x.pat),
                _ => None,
            },
            _ => None,
        };
        if let Some(Pat::Object(o)) = first {
            self.names.extend(auth_key_binding(o));
        }
        p.visit_children_with(self);
    }
}

/// Finds existence-only tests of the tracked expressions.
struct Finder<'a> {
    names: &'a [String],
    params: &'a [String],
    /// `(leaf, whole test)`.
    hits: Vec<(Span, Span)>,
}

impl Finder<'_> {
    /// Whether `e` is exactly a tracked session expression (`session`, `req.auth`).
    fn is_session(&self, e: &Expr) -> bool {
        match e {
            Expr::Ident(i) => self.names.iter().any(|n| n == &*i.sym),
            Expr::Member(m) => {
                matches!(&*m.obj, Expr::Ident(o) if self.params.iter().any(|p| p == &*o.sym)) && matches!(&m.prop, MemberProp::Ident(p) if &*p.sym == "auth")
            }
            _ => false,
        }
    }
    /// A test position (`if (…)`, `… ? :`, `!…`): the leaves joined by `&&`/`||` that are the bare
    /// session are existence checks.
    fn test(&mut self, e: &Expr, whole: Span) {
        match e {
            Expr::Paren(p) => self.test(&p.expr, whole),
            Expr::Bin(b) if matches!(b.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr) => {
                self.test(&b.left, b.left.span());
                self.test(&b.right, b.right.span());
            }
            e if self.is_session(e) => self.hits.push((e.span(), whole)),
            _ => {}
        }
    }
}

impl Visit for Finder<'_> {
    fn visit_if_stmt(&mut self, s: &IfStmt) {
        self.test(&s.test, s.test.span());
        s.visit_children_with(self);
    }
    fn visit_cond_expr(&mut self, c: &CondExpr) {
        self.test(&c.test, c.test.span());
        c.visit_children_with(self);
    }
    fn visit_unary_expr(&mut self, u: &UnaryExpr) {
        if u.op == UnaryOp::Bang {
            self.test(&u.arg, u.span);
        }
        u.visit_children_with(self);
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if matches!(&c.callee, Callee::Expr(x) if matches!(&**x, Expr::Ident(i) if &*i.sym == "Boolean")) && c.args.len() == 1 && c.args[0].spread.is_none() {
            self.test(&c.args[0].expr, c.span);
        }
        c.visit_children_with(self);
    }
    fn visit_bin_expr(&mut self, b: &BinExpr) {
        let nullish = |e: &Expr| matches!(strip_parens(e), Expr::Lit(Lit::Null(_))) || matches!(strip_parens(e), Expr::Ident(i) if &*i.sym == "undefined");
        if matches!(b.op, BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq) {
            if nullish(&b.right) && self.is_session(strip_parens(&b.left)) {
                self.hits.push((strip_parens(&b.left).span(), b.span));
            } else if nullish(&b.left) && self.is_session(strip_parens(&b.right)) {
                self.hits.push((strip_parens(&b.right).span(), b.span));
            }
        }
        b.visit_children_with(self);
    }
}
