use crate::ast::{self, prop_name, unwrap_expr};
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::graph::Origin;
use crate::parse::Parsed;
use crate::project::Project;
use crate::provider::REACT_MODULE;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{callee_ident, callee_last_name, indent_at, within};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds a component (or custom hook) that takes `data` from `useSession()` and redirects —
    /// `router.push`/`replace`, `redirect()`, `signIn()`, `window.location` — when that session is
    /// empty (`!session`, `!session?.user`, `session == null`, `session === undefined`) without
    /// ever looking at `status`.
    ///
    /// ## Why is this bad?
    /// `SessionProvider` starts with `session` `undefined` and `loading` true until
    /// `/api/auth/session` answers (`next-auth/src/react.tsx` in v5, `src/react/index.tsx` in
    /// v4: `status: loading ? "loading" : session ? "authenticated" : "unauthenticated"`). So on
    /// every hard refresh the first render sees no session and a signed-in user is sent to the
    /// sign-in page, which sends them back: a loop, or at best a lost page. Only
    /// `status === "unauthenticated"` (or `data === null`) means "signed out".
    ///
    /// ## Example
    /// ```tsx
    /// const { data: session } = useSession();
    /// useEffect(() => {
    ///   if (!session) router.push("/login");
    /// }, [session, router]);
    /// ```
    /// Use instead:
    /// ```tsx
    /// const { data: session, status } = useSession();
    /// useEffect(() => {
    ///   if (status === "unauthenticated") router.push("/login");
    /// }, [session, router, status]);
    /// ```
    ///
    /// ## Fix safety
    /// Safe for the plain shapes: inside a `useEffect` the condition becomes
    /// `status === "unauthenticated"` (and `status` joins the dependency array); at the top of a
    /// component's render, where the code after the check relies on the session, the check stays
    /// and `if (status === "loading") return null;` goes before it. `status` is added to the
    /// `useSession()` destructuring when missing. A name clash, an `else` branch, a check nested
    /// deeper in the render, or hooks called after it get a diagnostic only. Components that
    /// already read `status`, `session === null` checks (only true once loaded),
    /// `useSession({ required: true })`, and projects whose root layout passes the server's
    /// `session` to the provider (no loading phase then) are left alone.
    pub struct RedirectWhileLoading {
        code: "U001",
        name: "redirect-while-loading",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "redirect on `!session` without checking `status`: signed-in users are thrown out on every hard refresh",
    }
}

const MESSAGE: &str = "this redirects whenever `session` is empty, but on every hard refresh the first render is still loading (`session` undefined), so signed-in users are sent away — a loop with the sign-in page";

impl Rule for RedirectWhileLoading {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if root_passes_session(project) {
            return;
        }
        for path in project.source_files_containing("useSession") {
            let Some(p) = project.parsed(path) else { continue };
            let Some(use_session) = project.local_of(path, REACT_MODULE, "useSession") else { continue };
            let text = project.text(path).unwrap();
            let mut redirect_fns: Vec<String> = ["redirect", "permanentRedirect"].iter().filter_map(|n| ast::local_name(&p, &["next/navigation"], n)).collect();
            redirect_fns.extend(ast::local_name(&p, &[REACT_MODULE], "signIn"));
            let use_router: Vec<String> = ["next/navigation", "next/router"].iter().filter_map(|m| ast::local_name(&p, &[m], "useRouter")).collect();
            let mut v = Components {
                project,
                path,
                p: &p,
                text,
                use_session: &use_session,
                redirect_fns: &redirect_fns,
                use_router: &use_router,
                top_names: ast::top_level_names(&p),
                name: None,
                out: Vec::new(),
            };
            p.module.visit_with(&mut v);
            out.extend(v.out);
        }
    }
}

/// Whether the root layout hands the server's session to the provider (`<SessionProvider
/// session={session}>` or a wrapper given `session=`): then `SessionProvider` starts with that
/// session and never shows `"loading"` first (`hasInitialSession` in `next-auth/src/react.tsx`),
/// so `!session` already means "signed out".
fn root_passes_session(project: &Project) -> bool {
    project.root_layouts().iter().any(|root| {
        let Some(p) = project.parsed(root) else { return false };
        ast::jsx_elements(&p).iter().filter(|e| e.attr_names.iter().any(|a| a == "session")).any(|e| {
            // The provider itself (under any name or re-export), or a wrapper that renders one
            // around its children (through barrels and re-exports: the module graph answers).
            project.is_session_provider(root, &e.name)
                || matches!(project.origin_of_local(root, &e.name), Origin::Local { file, name } if name != "*" && project.provides_children(&file, &name))
        })
    })
}

struct Components<'a> {
    project: &'a Project,
    path: &'a str,
    p: &'a Parsed,
    text: &'a str,
    use_session: &'a str,
    redirect_fns: &'a [String],
    use_router: &'a [String],
    top_names: Vec<String>,
    /// The name the next function visited is bound to (declaration, `const X = () =>`, default export).
    name: Option<String>,
    out: Vec<Diagnostic>,
}

/// A React component: a function named with a capital letter, or a default export. A hook
/// (`useRequireAuth`) must not get a `return null` guard.
fn is_component_name(n: &str) -> bool {
    n.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

impl Visit for Components<'_> {
    fn visit_fn_decl(&mut self, f: &FnDecl) {
        self.name = Some(f.ident.sym.to_string());
        f.visit_children_with(self);
    }
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        if let Pat::Ident(i) = &d.name {
            if matches!(d.init.as_deref().map(unwrap_expr), Some(Expr::Arrow(_) | Expr::Fn(_))) {
                self.name = Some(i.id.sym.to_string());
            }
        }
        d.visit_children_with(self);
    }
    fn visit_export_default_decl(&mut self, d: &ExportDefaultDecl) {
        self.name = Some("Default".into());
        d.visit_children_with(self);
    }
    fn visit_export_default_expr(&mut self, d: &ExportDefaultExpr) {
        self.name = Some("Default".into());
        d.visit_children_with(self);
    }
    fn visit_function(&mut self, f: &Function) {
        let is_component = self.name.take().is_some_and(|n| is_component_name(&n));
        if let Some(b) = &f.body {
            self.component(&b.stmts, is_component);
        }
        f.visit_children_with(self);
    }
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        let is_component = self.name.take().is_some_and(|n| is_component_name(&n));
        if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
            self.component(&b.stmts, is_component);
        }
        a.visit_children_with(self);
    }
}

/// The `useSession()` destructuring of a component.
struct SessionDecl {
    session: String,
    status: Option<String>,
    has_rest: bool,
    /// The pattern (its binding identifiers are not uses).
    pat: Span,
    /// Where `, status` goes: after the last property of the pattern.
    last_prop_end: usize,
}

fn session_decl(p: &Parsed, stmts: &[Stmt], use_session: &str) -> Option<Result<SessionDecl, ()>> {
    for s in stmts {
        let Stmt::Decl(Decl::Var(v)) = s else { continue };
        for d in &v.decls {
            let Some(Expr::Call(c)) = d.init.as_deref().map(unwrap_expr) else { continue };
            if callee_ident(c) != Some(use_session) {
                continue;
            }
            // `useSession({ required: true })` redirects by itself once loaded; any other argument
            // we cannot read: leave the component alone.
            if let Some(arg) = c.args.first() {
                match unwrap_expr(&arg.expr) {
                    Expr::Object(o) if !o.props.iter().any(|pp| matches!(pp, PropOrSpread::Prop(pp) if matches!(&**pp, Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some("required")))) => {}
                    _ => return Some(Err(())),
                }
            }
            let Pat::Object(op) = &d.name else { return Some(Err(())) };
            let mut session = None;
            let mut status = None;
            let mut has_rest = false;
            for prop in &op.props {
                match prop {
                    ObjectPatProp::KeyValue(kv) => {
                        let k = prop_name(&kv.key);
                        if let Pat::Ident(i) = &*kv.value {
                            match k.as_deref() {
                                Some("data") => session = Some(i.id.sym.to_string()),
                                Some("status") => status = Some(i.id.sym.to_string()),
                                _ => {}
                            }
                        }
                    }
                    ObjectPatProp::Assign(a) if a.value.is_none() => match &*a.key.sym {
                        "data" => session = Some("data".to_string()),
                        "status" => status = Some("status".to_string()),
                        _ => {}
                    },
                    ObjectPatProp::Assign(_) => {}
                    ObjectPatProp::Rest(_) => has_rest = true,
                }
            }
            let session = session?;
            let last = op.props.last()?;
            return Some(Ok(SessionDecl { session, status, has_rest, pat: d.name.span(), last_prop_end: p.hi(last.span()) }));
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Render,
    Effect,
    Other,
}

/// An effect's dependency array: where `status` would go and the names it lists.
#[derive(Clone)]
struct Deps {
    /// Offset just after `[`.
    open: usize,
    /// End of the last element, if any.
    last_end: Option<usize>,
    names: Vec<String>,
}

struct Hit {
    if_span: Span,
    test: Span,
    ctx: Ctx,
    has_else: bool,
    deps: Option<Deps>,
}

struct IfFinder<'a> {
    p: &'a Parsed,
    session: &'a str,
    redirect_fns: &'a [String],
    routers: &'a [String],
    ctx: Ctx,
    deps: Option<Deps>,
    hits: Vec<Hit>,
}

fn negates_session(e: &Expr, s: &str) -> bool {
    let is_s = |e: &Expr| matches!(unwrap_expr(e), Expr::Ident(i) if i.sym == s);
    match unwrap_expr(e) {
        Expr::Unary(u) if u.op == UnaryOp::Bang => match unwrap_expr(&u.arg) {
            Expr::Ident(i) => i.sym == s,
            Expr::OptChain(oc) => matches!(&*oc.base, OptChainBase::Member(m) if is_s(&m.obj) && matches!(&m.prop, MemberProp::Ident(p) if p.sym == "user")),
            _ => false,
        },
        Expr::Bin(b) => {
            let undef = |e: &Expr| matches!(unwrap_expr(e), Expr::Ident(i) if i.sym == "undefined");
            let null = |e: &Expr| matches!(unwrap_expr(e), Expr::Lit(Lit::Null(_)));
            let (l, r) = (&*b.left, &*b.right);
            let pair = |f: &dyn Fn(&Expr) -> bool| (is_s(l) && f(r)) || (is_s(r) && f(l));
            match b.op {
                // `session === null` is only true once loaded: correct.
                BinaryOp::EqEqEq => pair(&undef),
                BinaryOp::EqEq => pair(&undef) || pair(&null),
                _ => false,
            }
        }
        _ => false,
    }
}

struct RedirectFinder<'a> {
    redirect_fns: &'a [String],
    routers: &'a [String],
    found: bool,
}

impl Visit for RedirectFinder<'_> {
    // A callback (`onClick={() => signIn()}`) does not run during the check.
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some(n) = callee_ident(c) {
            if self.redirect_fns.iter().any(|r| r == n) {
                self.found = true;
            }
        }
        if let Callee::Expr(e) = &c.callee {
            if let Expr::Member(m) = &**e {
                let prop = match &m.prop {
                    MemberProp::Ident(p) => p.sym.to_string(),
                    _ => String::new(),
                };
                let obj = match &*m.obj {
                    Expr::Ident(i) => i.sym.to_string(),
                    Expr::Member(inner) => match &inner.prop {
                        MemberProp::Ident(p) => p.sym.to_string(),
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                if (prop == "push" || prop == "replace") && self.routers.contains(&obj) || (obj == "location" && (prop == "replace" || prop == "assign")) {
                    self.found = true;
                }
            }
        }
        c.visit_children_with(self);
    }
    fn visit_assign_expr(&mut self, a: &AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left {
            let prop = matches!(&m.prop, MemberProp::Ident(p) if p.sym == "href");
            let loc = matches!(&*m.obj, Expr::Ident(i) if i.sym == "location")
                || matches!(&*m.obj, Expr::Member(inner) if matches!(&inner.prop, MemberProp::Ident(p) if p.sym == "location"));
            if prop && loc {
                self.found = true;
            }
        }
        a.visit_children_with(self);
    }
}

impl Visit for IfFinder<'_> {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        let effect = matches!(callee_last_name(c), Some("useEffect" | "useLayoutEffect"));
        if effect && self.ctx == Ctx::Render {
            if let Some(cb) = c.args.first() {
                let deps = c.args.get(1).and_then(|d| match unwrap_expr(&d.expr) {
                    Expr::Array(a) => {
                        let names = a
                            .elems
                            .iter()
                            .flatten()
                            .filter_map(|e| match &*e.expr {
                                Expr::Ident(i) => Some(i.sym.to_string()),
                                _ => None,
                            })
                            .collect();
                        Some(Deps { open: self.p.lo(a.span) + 1, last_end: a.elems.iter().flatten().last().map(|e| self.p.hi(e.span())), names })
                    }
                    _ => None,
                });
                let saved = (self.ctx, self.deps.take());
                self.ctx = Ctx::Effect;
                self.deps = deps;
                match unwrap_expr(&cb.expr) {
                    Expr::Arrow(a) => a.body.visit_with(self),
                    Expr::Fn(f) => {
                        if let Some(b) = &f.function.body {
                            b.visit_with(self);
                        }
                    }
                    other => other.visit_with(self),
                }
                (self.ctx, self.deps) = saved;
                for a in c.args.iter().skip(1) {
                    a.visit_with(self);
                }
                return;
            }
        }
        c.visit_children_with(self);
    }
    fn visit_function(&mut self, f: &Function) {
        let saved = self.ctx;
        self.ctx = Ctx::Other;
        f.visit_children_with(self);
        self.ctx = saved;
    }
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        let saved = self.ctx;
        self.ctx = Ctx::Other;
        a.visit_children_with(self);
        self.ctx = saved;
    }
    fn visit_if_stmt(&mut self, s: &IfStmt) {
        if self.ctx != Ctx::Other && negates_session(&s.test, self.session) {
            let mut r = RedirectFinder { redirect_fns: self.redirect_fns, routers: self.routers, found: false };
            s.cons.visit_with(&mut r);
            if r.found {
                self.hits.push(Hit { if_span: s.span, test: s.test.span(), ctx: self.ctx, has_else: s.alt.is_some(), deps: self.deps.clone() });
            }
        }
        s.visit_children_with(self);
    }
}

fn is_hook_call(c: &ast::CallInfo) -> bool {
    let n = &c.callee;
    n.starts_with("use") && n[3..].chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

impl Components<'_> {
    fn component(&mut self, stmts: &[Stmt], is_component: bool) {
        let Some(Ok(decl)) = session_decl(self.p, stmts, self.use_session) else { return };
        // Every identifier in the component, minus the destructuring's own bindings.
        let refs: Vec<(String, Span)> = stmts.iter().flat_map(ast::ident_refs).filter(|(_, s)| !within(*s, decl.pat)).collect();
        if let Some(st) = &decl.status {
            if refs.iter().any(|(n, _)| n == st) {
                return; // the component already looks at `status`
            }
        }
        let mut routers: Vec<String> = Vec::new();
        for s in stmts {
            if let Stmt::Decl(Decl::Var(v)) = s {
                for d in &v.decls {
                    if let (Pat::Ident(i), Some(Expr::Call(c))) = (&d.name, d.init.as_deref().map(unwrap_expr)) {
                        if callee_ident(c).is_some_and(|n| self.use_router.iter().any(|u| u == n)) {
                            routers.push(i.id.sym.to_string());
                        }
                    }
                }
            }
        }
        let mut f =
            IfFinder { p: self.p, session: &decl.session, redirect_fns: self.redirect_fns, routers: &routers, ctx: Ctx::Render, deps: None, hits: vec![] };
        for s in stmts {
            s.visit_with(&mut f);
        }
        for hit in f.hits {
            if hit.ctx == Ctx::Other {
                continue;
            }
            let d = Diagnostic::new(&RedirectWhileLoading::META, self.path, self.p.lo(hit.test), self.p.hi(hit.test), MESSAGE);
            self.out.push(match self.fix(stmts, &decl, &refs, &hit, is_component) {
                Ok(fix) => d.with_fix(fix),
                Err(why) => d.with_note(why),
            });
        }
    }

    fn fix(&self, stmts: &[Stmt], decl: &SessionDecl, refs: &[(String, Span)], hit: &Hit, is_component: bool) -> Result<Fix, String> {
        let style = self.project.file_style(self.path);
        let (p, text) = (self.p, self.text);
        let generic =
            "test `status` first: `const { data: session, status } = useSession()`, then redirect only when `status === \"unauthenticated\"`".to_string();
        let mut edits = Vec::new();
        let status = match &decl.status {
            Some(s) => s.clone(),
            None => {
                if decl.has_rest || self.top_names.iter().any(|n| n == "status") || refs.iter().any(|(n, _)| n == "status") {
                    return Err(format!("`status` is already a name here; {generic}"));
                }
                edits.push(add_status(text, decl.last_prop_end));
                "status".to_string()
            }
        };
        if hit.has_else {
            return Err(format!("the check has an `else` branch that would then run while loading; {generic}"));
        }
        match hit.ctx {
            Ctx::Effect => {
                edits.push(Edit::replace(p.lo(hit.test), p.hi(hit.test), format!("{status} === {}", style.quote("unauthenticated"))));
                if let Some(deps) = &hit.deps {
                    if !deps.names.contains(&status) {
                        edits.push(match deps.last_end {
                            Some(end) => Edit::insert(end, format!(", {status}")),
                            None => Edit::insert(deps.open, status.clone()),
                        });
                    }
                }
            }
            Ctx::Render => {
                if !is_component {
                    return Err(format!("the check runs in a hook, where an early return would change what it returns; {generic}"));
                }
                let idx = stmts.iter().position(|s| s.span() == hit.if_span).ok_or_else(|| format!("the check is nested inside other code; {generic}"))?;
                let later_hooks = stmts[idx + 1..].iter().any(|s| {
                    let mut c = Vec::new();
                    for call in calls_in(s) {
                        c.push(call);
                    }
                    c.iter().any(is_hook_call)
                });
                if later_hooks {
                    return Err(format!("hooks are called after the check, so an early return cannot go before it; {generic}"));
                }
                let at = p.lo(hit.if_span);
                if !edit::only_ws_before(text, at) {
                    return Err(generic);
                }
                let indent = indent_at(text, at);
                let guard = format!("if ({status} === {}) return null{}\n{indent}", style.quote("loading"), style.semi());
                edits.push(Edit::insert(at, guard));
            }
            Ctx::Other => return Err(generic),
        }
        let title = match hit.ctx {
            Ctx::Effect => "Redirect only when `status === \"unauthenticated\"`",
            _ => "Render nothing while the session is loading, before the redirect check",
        };
        Ok(Fix::new(Applicability::Safe, title, edits.into_iter().map(|e| Change::edit(self.path, e)).collect()))
    }
}

/// `, status` after the last property of the destructuring; on a line of its own when the
/// pattern puts each property on its own line.
fn add_status(text: &str, last_end: usize) -> Edit {
    let rest = &text[last_end..];
    let after_ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let indent = indent_at(text, last_end);
    if rest[after_ws..].starts_with(",\n") || rest[after_ws..].starts_with(",\r\n") {
        return Edit::insert(last_end + after_ws + 1, format!("\n{indent}status,"));
    }
    if rest[after_ws..].starts_with('\n') || rest[after_ws..].starts_with("\r\n") {
        return Edit::insert(last_end, format!(",\n{indent}status"));
    }
    Edit::insert(last_end, ", status")
}

fn calls_in(s: &Stmt) -> Vec<ast::CallInfo> {
    #[derive(Default)]
    struct C(Vec<ast::CallInfo>);
    impl Visit for C {
        fn visit_call_expr(&mut self, n: &CallExpr) {
            if let Some(name) = callee_last_name(n) {
                self.0.push(ast::CallInfo { callee: name.to_string(), span: n.span, callee_span: n.span, args: vec![] });
            }
            n.visit_children_with(self);
        }
    }
    let mut c = C::default();
    s.visit_with(&mut c);
    c.0
}
