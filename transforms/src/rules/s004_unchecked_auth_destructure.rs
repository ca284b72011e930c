use crate::ast::{self, unwrap_expr};
use crate::declare_rule;
use crate::edit;
use crate::edit::Edit;
use crate::options;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{auth_export_files, callee_ident, const_str, import_of, indent_at, kv_props};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds the session destructured or dereferenced straight from the call that reads it —
    /// `const { user } = await auth()`, `const { user } = await getServerSession(authOptions)`,
    /// `(await auth()).user` — with no null check, and binds the session, checks it and leaves
    /// the way the surrounding code would: a page or layout redirects to the sign-in page, a
    /// route handler answers 401.
    ///
    /// ## Why is this bad?
    /// Both calls return `null` when nobody is signed in: v4 `getServerSession` ends with
    /// `return null` (`next-auth/src/next/index.ts`), v5 `auth()` resolves to `Session | null`
    /// (`parseSessionResponse` in `next-auth/src/lib/index.ts`). Destructuring or reading
    /// `.user` of `null` throws a TypeError, so a signed-out visitor (or an expired session) gets
    /// a 500 error page instead of the sign-in page.
    ///
    /// ## Example
    /// ```tsx
    /// export default async function Dashboard() {
    ///   const { user } = await auth();
    ///   return <p>{user.name}</p>;
    /// }
    /// ```
    /// Use instead:
    /// ```tsx
    /// export default async function Dashboard() {
    ///   const session = await auth();
    ///   if (!session?.user) redirect("/api/auth/signin");
    ///   const { user } = session;
    ///   return <p>{user.name}</p>;
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: signed-out visitors are now redirected (or answered 401) where the code crashed;
    /// the target is a sign-in path the file already redirects to, else the config's
    /// `pages.signIn`, else `/api/auth/signin`. Only `const { … } = await auth()` written directly
    /// in the default-exported component of a `page`/`layout`/`template`, or in an exported
    /// `GET`/`POST`/… of a `route` file, is rewritten; other places (server actions, helpers, the
    /// `(await auth()).user` form) get a diagnostic only. Checked forms
    /// (`const session = await auth(); if (!session) …`, `(await auth())?.user`) are left alone.
    pub struct UncheckedAuthDestructure {
        code: "S004",
        name: "unchecked-auth-destructure",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "`const { user } = await auth()` crashes with a TypeError when signed out",
    }
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

impl Rule for UncheckedAuthDestructure {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let mut auth_files: Option<Vec<String>> = None;
        let mut files: Vec<&str> = project.source_files_containing("auth(").chain(project.source_files_containing("getServerSession(")).collect();
        files.sort();
        files.dedup();
        for path in files {
            if !project.text_test(path, "S004 destructures an await", may_destructure_await) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let auth_files = auth_files.get_or_insert_with(|| auth_export_files(project));
            let readers: Vec<String> = auth_files.iter().filter_map(|f| import_of(project, &p, path, f, "auth")).collect();
            let gss = ast::local_name(&p, &["next-auth", "next-auth/next"], "getServerSession");
            if readers.is_empty() && gss.is_none() {
                continue;
            }
            let text = project.text(path).unwrap();
            let mut f = Finder { readers: &readers, gss: gss.as_deref(), hits: vec![], fn_stack: vec![] };
            p.module.visit_with(&mut f);
            for hit in f.hits {
                let (reader, what) = (&hit.reader, if hit.destructure { "destructuring" } else { "reading `.user` of" });
                let d = Diagnostic::new(&Self::META, path, p.lo(hit.span), p.hi(hit.span), format!(
                    "`{reader}()` returns `null` when nobody is signed in, and {what} it throws a TypeError: signed-out visitors get an error page instead of the sign-in page"
                ));
                out.push(match make_fix(project, path, text, &p, &hit) {
                    Ok(fix) => d.with_fix(fix),
                    Err(why) => d.with_note(why),
                });
            }
        }
    }
}

struct Hit {
    reader: String,
    /// The whole statement (for the destructuring form) or the member expression.
    span: Span,
    destructure: bool,
    kind: &'static str,
    pat: Span,
    init: Span,
    /// The function the statement sits in directly, and whether the statement is one of its
    /// top-level statements.
    func: Option<FnCtx>,
}

#[derive(Clone)]
struct FnCtx {
    /// Exported name (`default` for the default export), if the function is exported.
    export: Option<String>,
    top_stmts: Vec<Span>,
}

struct Finder<'a> {
    readers: &'a [String],
    gss: Option<&'a str>,
    hits: Vec<Hit>,
    fn_stack: Vec<FnCtx>,
}

impl Finder<'_> {
    /// `await reader(…)` with the reader's name.
    fn reader_call(&self, e: &Expr) -> Option<String> {
        let Expr::Await(a) = unwrap_expr(e) else { return None };
        let Expr::Call(c) = unwrap_expr(&a.arg) else { return None };
        let n = callee_ident(c)?;
        // v5 `auth(req)` (middleware) and v4 `getServerSession(req, res, o)` (Pages Router) are
        // other forms.
        let ok = if self.gss == Some(n) { c.args.len() <= 1 } else { self.readers.iter().any(|r| r == n) && c.args.is_empty() };
        if !ok {
            return None;
        }
        Some(n.to_string())
    }
    fn push_fn(&mut self, stmts: &[Stmt], export: Option<String>) {
        self.fn_stack.push(FnCtx { export, top_stmts: stmts.iter().map(|s| s.span()).collect() });
    }
}

impl Visit for Finder<'_> {
    fn visit_module_item(&mut self, item: &ModuleItem) {
        // Exported functions carry their export name down.
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl { decl: DefaultDecl::Fn(f), .. })) => {
                if let Some(b) = &f.function.body {
                    self.push_fn(&b.stmts, Some("default".into()));
                    b.visit_with(self);
                    self.fn_stack.pop();
                    return;
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Fn(f), .. })) => {
                if let Some(b) = &f.function.body {
                    self.push_fn(&b.stmts, Some(f.ident.sym.to_string()));
                    b.visit_with(self);
                    self.fn_stack.pop();
                    return;
                }
            }
            _ => {}
        }
        item.visit_children_with(self);
    }
    fn visit_function(&mut self, f: &Function) {
        if let Some(b) = &f.body {
            self.push_fn(&b.stmts, None);
            b.visit_with(self);
            self.fn_stack.pop();
        }
    }
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        match &*a.body {
            ArrowFunctionBody::FunctionBody(b) => {
                self.push_fn(&b.stmts, None);
                b.visit_with(self);
                self.fn_stack.pop();
            }
            ArrowFunctionBody::Expr(e) => {
                self.fn_stack.push(FnCtx { export: None, top_stmts: vec![] });
                e.visit_with(self);
                self.fn_stack.pop();
            }
        }
    }
    fn visit_var_decl(&mut self, v: &VarDecl) {
        if v.decls.len() == 1 {
            let d = &v.decls[0];
            if let (Pat::Object(_), Some(init)) = (&d.name, &d.init) {
                if let Some(reader) = self.reader_call(init) {
                    let kind = match v.kind {
                        VarDeclKind::Const => "const",
                        VarDeclKind::Let => "let",
                        VarDeclKind::Var => "var",
                    };
                    self.hits.push(Hit {
                        reader,
                        span: v.span,
                        destructure: true,
                        kind,
                        pat: d.name.span(),
                        init: init.span(),
                        func: self.fn_stack.last().cloned(),
                    });
                }
            }
        }
        v.visit_children_with(self);
    }
    fn visit_opt_chain_expr(&mut self, oc: &OptChainExpr) {
        // `(await auth())?.user` is checked.
        match &*oc.base {
            OptChainBase::Member(m) if oc.optional => m.obj.visit_with(self),
            _ => oc.visit_children_with(self),
        }
    }
    fn visit_member_expr(&mut self, m: &MemberExpr) {
        if let Some(reader) = self.reader_call(&m.obj) {
            self.hits.push(Hit { reader, span: m.span, destructure: false, kind: "const", pat: m.span, init: m.obj.span(), func: None });
        }
        m.visit_children_with(self);
    }
}

/// A cheap textual test before parsing, for the two shapes this rule reads: a destructuring
/// declaration initialised by an `await` (`const { user } = await auth()`, over several lines or
/// with a type annotation too), and a parenthesised `await` (`(await auth()).user`).
fn may_destructure_await(text: &str) -> bool {
    for (i, _) in text.match_indices("await") {
        let before = text[..i].trim_end();
        if before.ends_with('(') {
            return true;
        }
        if let Some(b) = before.strip_suffix('=') {
            if b.ends_with(['=', '!', '<', '>']) {
                continue;
            }
            let seg = &b[b.rfind([';', '\n']).map_or(0, |x| x + 1)..];
            if seg.contains('}') || seg.contains('{') {
                return true;
            }
        }
    }
    false
}

/// The sign-in path to redirect to: one the file already redirects to, else the config's
/// `pages.signIn`, else the library's own page.
pub(crate) fn sign_in_path(project: &Project, p: &Parsed, text: &str, redirect: Option<&str>) -> String {
    if let Some(r) = redirect {
        for c in ast::calls(p).into_iter().filter(|c| c.callee == r && c.args.len() == 1) {
            let arg = &text[p.range(c.args[0])];
            let lit = arg.trim_matches(|ch| ch == '"' || ch == '\'' || ch == '`');
            let lower = lit.to_lowercase();
            // The path only: `/sign-in?error=forbidden` reports something else.
            let path = lit.split(['?', '#']).next().unwrap_or(lit);
            if lit.len() + 2 == arg.len() && path.starts_with('/') && ["login", "signin", "sign-in", "/auth"].iter().any(|k| lower.contains(k)) {
                return path.to_string();
            }
        }
    }
    if let Some(path) = configured_sign_in(project) {
        return path;
    }
    "/api/auth/signin".into()
}

/// `pages: { signIn: "/login" }` in the project's auth config.
fn configured_sign_in(project: &Project) -> Option<String> {
    struct F(Option<String>);
    impl Visit for F {
        fn visit_object_lit(&mut self, o: &ObjectLit) {
            if crate::rules::client_common::is_auth_config(o) {
                for (_, k, kv) in kv_props(o) {
                    if k == "pages" {
                        if let Expr::Object(pages) = unwrap_expr(&kv.value) {
                            for (_, pk, pkv) in kv_props(pages) {
                                if pk == "signIn" {
                                    self.0 = const_str(&pkv.value);
                                }
                            }
                        }
                    }
                }
            }
            o.visit_children_with(self);
        }
    }
    let mut files: Vec<String> = auth_export_files(project);
    files.extend(options::exported_options(project).into_iter().map(|o| o.file));
    for f in files {
        let p = project.parsed(&f)?;
        let mut v = F(None);
        p.module.visit_with(&mut v);
        if v.0.is_some() {
            return v.0;
        }
    }
    None
}

fn stem(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path).split('.').next().unwrap_or("")
}

fn make_fix(project: &Project, path: &str, text: &str, p: &Parsed, hit: &Hit) -> Result<Fix, String> {
    let how = "bind the session first (`const session = await auth()`), check `session?.user`, and redirect or return before using it";
    if !hit.destructure {
        return Err(how.into());
    }
    let Some(func) = &hit.func else { return Err(how.into()) };
    if !func.top_stmts.contains(&hit.span) {
        return Err(format!("the call sits inside a nested block; {how}"));
    }
    let route_file = project.in_app_dir(path) && stem(path) == "route";
    let component_file = project.in_app_dir(path) && matches!(stem(path), "page" | "layout" | "template");
    let export = func.export.as_deref();
    let is_component = component_file && export == Some("default");
    let is_handler = route_file && export.is_some_and(|e| METHODS.contains(&e));
    if !is_component && !is_handler {
        return Err(format!("authfix rewrites this only in a page/layout component or a route handler; {how}"));
    }
    // `session` must be free in the function and the file.
    let func_refs = {
        #[derive(Default)]
        struct R(Vec<String>);
        impl Visit for R {
            fn visit_ident(&mut self, i: &Ident) {
                self.0.push(i.sym.to_string());
            }
        }
        let mut r = R::default();
        p.module.visit_with(&mut r);
        r.0
    };
    if func_refs.iter().any(|n| n == "session") {
        return Err(format!("`session` is already a name in this file; {how}"));
    }
    let style = project.file_style(path);
    let (lo, hi) = (p.lo(hit.span), p.hi(hit.span));
    if !edit::only_ws_before(text, lo) {
        return Err(how.into());
    }
    let inside = text[lo..hi].trim_end().ends_with(';');
    let semi = if inside || text[hi..].starts_with(';') { ";" } else { "" };
    let last_semi = if inside { semi } else { "" };
    let indent = indent_at(text, lo).to_string();
    let init = &text[p.range(hit.init)];
    let pat = &text[p.range(hit.pat)];
    let mut edits = Vec::new();
    let leave = if is_component {
        let redirect = ast::local_name(p, &["next/navigation"], "redirect");
        let name = match &redirect {
            Some(r) => r.clone(),
            None => {
                if ast::top_level_names(p).iter().any(|n| n == "redirect") || func_refs.iter().any(|n| n == "redirect") {
                    return Err(format!("`redirect` is already a name in this file; {how}"));
                }
                let nav = ast::imports(p)
                    .into_iter()
                    .find(|i| i.src == "next/navigation" && !i.type_only && i.specs.iter().any(|s| s.imported != "default" && s.imported != "*"));
                match nav.as_ref().and_then(|i| i.specs.iter().rfind(|s| s.imported != "default" && s.imported != "*")) {
                    Some(last) => edits.push(Edit::insert(p.hi(last.span), ", redirect")),
                    None => edits.push(ast::insert_import(p, text, &ast::import_line(&style, "{ redirect }", "next/navigation"))),
                }
                "redirect".to_string()
            }
        };
        let target = sign_in_path(project, p, text, redirect.as_deref());
        format!("{name}({}){semi}", style.quote(&target))
    } else {
        match ast::local_name(p, &["next/server"], "NextResponse") {
            Some(nr) => format!("return {nr}.json({{ error: {} }}, {{ status: 401 }}){semi}", style.quote("Unauthorized")),
            None => format!("return new Response({}, {{ status: 401 }}){semi}", style.quote("Unauthorized")),
        }
    };
    let kind = hit.kind;
    let new = format!("{kind} session = {init}{semi}\n{indent}if (!session?.user) {leave}\n{indent}{kind} {pat} = session{last_semi}");
    edits.push(Edit::replace(lo, hi, new));
    let title =
        if is_component { "Check the session and redirect to sign-in when there is none" } else { "Check the session and answer 401 when there is none" };
    Ok(Fix::new(Applicability::Unsafe, title, edits.into_iter().map(|e| Change::edit(path, e)).collect()))
}

#[cfg(test)]
mod prefilter_tests {
    use super::may_destructure_await;

    #[test]
    fn prefilter_keeps_every_shape_the_rule_reads() {
        for yes in [
            "const { user } = await auth();",
            "const {\n  user,\n} = await auth()",
            "const { user }: { user: U } = await auth()",
            "const n = (await auth()).user",
            "x = ( await getServerSession(o) )?.user",
        ] {
            assert!(may_destructure_await(yes), "{yes}");
        }
        for no in ["const session = await auth();", "if (a == await b()) {}", "const s = await getServerSession(authOptions);\nif (!s) redirect('/')"] {
            assert!(!may_destructure_await(no), "{no}");
        }
    }
}
