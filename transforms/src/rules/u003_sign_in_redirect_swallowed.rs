use crate::ast::{self, prop_name, unwrap_expr};
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{auth_export_files, callee_ident, callee_last_name, indent_at};
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// In a v5 server action (a `"use server"` file or function), finds `signIn(…)` / `signOut(…)`
    /// from the project's `auth.ts` inside a `try` whose `catch` never rethrows, and makes the
    /// catch rethrow Next's own control-flow errors first: `unstable_rethrow(error)` from
    /// `next/navigation`.
    ///
    /// ## Why is this bad?
    /// v5's server `signIn`/`signOut` end with `redirect(url)` from `next/navigation`
    /// (`next-auth/src/lib/actions.ts`), and `redirect` works by throwing a `NEXT_REDIRECT` error
    /// for Next to catch. A `catch` that handles every error swallows it: the sign-in succeeds
    /// (cookies are set) but the user stays on the form, or an OAuth sign-in never leaves for the
    /// provider. `unstable_rethrow` rethrows exactly Next's internal errors and nothing else
    /// (`next/dist/client/components/unstable-rethrow.d.ts`, exported from `next/navigation`).
    ///
    /// ## Example
    /// ```ts
    /// "use server";
    /// export async function login(formData: FormData) {
    ///   try {
    ///     await signIn("credentials", formData);
    ///   } catch (error) {
    ///     return { error: "Invalid credentials" };
    ///   }
    /// }
    /// ```
    /// Use instead:
    /// ```ts
    /// import { unstable_rethrow } from "next/navigation";
    /// …
    ///   } catch (error) {
    ///     unstable_rethrow(error);
    ///     return { error: "Invalid credentials" };
    ///   }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: code after the `try` that ran after a successful sign-in no longer runs, because the
    /// redirect now leaves the action (which is what `signIn` intends). A `catch` that already
    /// contains a `throw`, `unstable_rethrow` or `isRedirectError`, or tests for `NEXT_REDIRECT`
    /// itself, calls with
    /// `redirect: false` (nothing is thrown), v4 projects (whose `signIn` is client-only) and
    /// client code are left alone, and so is an empty `catch {}` around a `signOut()` without
    /// `redirectTo` that the function follows with more work (it ignores the outcome on purpose:
    /// the cookies are cleared before the redirect is thrown). On Next < 15 (which may lack `unstable_rethrow`), and for a `catch`
    /// binding that is a pattern, the diagnostic says what to add.
    pub struct SignInRedirectSwallowed {
        code: "U003",
        name: "sign-in-redirect-swallowed",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "try/catch around a v5 server `signIn()` swallows its redirect",
    }
}

impl Rule for SignInRedirectSwallowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        let mut auth_files: Option<Vec<String>> = None;
        for path in project.source_files_containing("use server") {
            let text = project.text(path).unwrap();
            if !(text.contains("signIn") || text.contains("signOut")) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let auth_files = auth_files.get_or_insert_with(|| auth_export_files(project));
            let mut fns: Vec<String> = Vec::new();
            let mut sign_outs: Vec<String> = Vec::new();
            for imp in ast::imports(&p) {
                let Some(target) = project.resolve_import(path, &imp.src) else { continue };
                if !auth_files.contains(&target) {
                    continue;
                }
                fns.extend(imp.specs.iter().filter(|s| (s.imported == "signIn" || s.imported == "signOut") && !s.type_only).map(|s| s.local.clone()));
                sign_outs.extend(imp.specs.iter().filter(|s| s.imported == "signOut" && !s.type_only).map(|s| s.local.clone()));
            }
            if fns.is_empty() {
                continue;
            }
            let mut f = Finder { fns: &fns, sign_outs: &sign_outs, followed: false, in_action: ast::has_directive(&p, "use server"), hits: vec![] };
            p.module.visit_with(&mut f);
            for hit in f.hits {
                let d = Diagnostic::new(&Self::META, path, p.lo(hit.call), p.hi(hit.call), format!(
                    "`{}()` redirects by throwing Next's `NEXT_REDIRECT` error, and this `catch` swallows it: the user is never redirected after signing in or out",
                    hit.name
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
    name: String,
    call: Span,
    catch: Span,
    param: Option<String>,
    param_is_pattern: bool,
    body: Span,
    first_stmt: Option<Span>,
    body_refs_error: bool,
}

struct Finder<'a> {
    fns: &'a [String],
    /// The local names of `signOut`. An empty `catch {}` around a `signOut()` with no `redirectTo`
    /// that the function follows with more work ignores its outcome on purpose (the cookies are
    /// cleared before the redirect is thrown; a delete-account action signs out and goes on).
    sign_outs: &'a [String],
    /// Whether the statement being visited has statements after it in its block.
    followed: bool,
    in_action: bool,
    hits: Vec<Hit>,
}

fn has_use_server(stmts: &[Stmt]) -> bool {
    for s in stmts {
        match s {
            Stmt::Expr(ExprStmt { expr, .. }) => match &**expr {
                Expr::Lit(Lit::Str(st)) => {
                    if st.value.as_str() == Some("use server") {
                        return true;
                    }
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Calls to `signIn`/`signOut` in a `try` block (not in nested functions) that may redirect.
struct Calls<'a> {
    fns: &'a [String],
    found: Vec<(String, Span)>,
    /// The calls among them that name where to go (`redirectTo`).
    redirect_to: Vec<Span>,
}

impl Visit for Calls<'_> {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if let Some(n) = callee_ident(c) {
            if self.fns.iter().any(|f| f == n) && !no_redirect(c) {
                self.found.push((n.to_string(), c.span));
                if has_prop(c, "redirectTo") {
                    self.redirect_to.push(c.span);
                }
            }
        }
        c.visit_children_with(self);
    }
}

fn has_prop(c: &CallExpr, name: &str) -> bool {
    c.args.iter().any(|a| match unwrap_expr(&a.expr) {
        Expr::Object(o) => o.props.iter().any(|p| {
            matches!(p, PropOrSpread::Prop(p) if match &**p {
                Prop::KeyValue(kv) => prop_name(&kv.key).as_deref() == Some(name),
                Prop::Shorthand(i) => i.sym == name,
                _ => false,
            })
        }),
        _ => false,
    })
}

/// `signIn("credentials", { …, redirect: false })` / `signOut({ redirect: false })` throw nothing.
fn no_redirect(c: &CallExpr) -> bool {
    c.args.iter().any(|a| match unwrap_expr(&a.expr) {
        Expr::Object(o) => o.props.iter().any(|p| matches!(p, PropOrSpread::Prop(p) if matches!(&**p, Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some("redirect") && matches!(unwrap_expr(&kv.value), Expr::Lit(Lit::Bool(b)) if !b.value)))),
        _ => false,
    })
}

/// Does the catch body already rethrow something (or check for a redirect)?
#[derive(Default)]
struct Rethrows(bool, bool);
impl Visit for Rethrows {
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_throw_stmt(&mut self, _: &ThrowStmt) {
        self.0 = true;
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if matches!(callee_last_name(c), Some("unstable_rethrow" | "isRedirectError" | "isNextRouterError")) {
            self.0 = true;
        }
        c.visit_children_with(self);
    }
    fn visit_ident(&mut self, i: &Ident) {
        if i.sym == "error" {
            self.1 = true;
        }
    }
    /// A catch that looks at `NEXT_REDIRECT` itself (`error.digest?.startsWith("NEXT_REDIRECT")`,
    /// `error.message.includes("NEXT_REDIRECT")`) handles the redirect on purpose.
    fn visit_str(&mut self, s: &Str) {
        if s.value.as_str().is_some_and(|v| v.contains("NEXT_REDIRECT")) {
            self.0 = true;
        }
    }
}

impl Visit for Finder<'_> {
    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let saved = self.followed;
        for (i, s) in stmts.iter().enumerate() {
            self.followed = i + 1 < stmts.len();
            s.visit_with(self);
        }
        self.followed = saved;
    }
    fn visit_function(&mut self, f: &Function) {
        let saved = self.in_action;
        if f.body.as_ref().is_some_and(|b| has_use_server(&b.stmts)) {
            self.in_action = true;
        }
        f.visit_children_with(self);
        self.in_action = saved;
    }
    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        let saved = self.in_action;
        if let ArrowFunctionBody::FunctionBody(b) = &*a.body {
            if has_use_server(&b.stmts) {
                self.in_action = true;
            }
        }
        a.visit_children_with(self);
        self.in_action = saved;
    }
    fn visit_try_stmt(&mut self, t: &TryStmt) {
        if let (true, Some(h)) = (self.in_action, &t.handler) {
            let mut calls = Calls { fns: self.fns, found: vec![], redirect_to: vec![] };
            t.block.visit_with(&mut calls);
            let mut r = Rethrows::default();
            h.body.visit_with(&mut r);
            if !r.0 {
                let followed = self.followed;
                let deliberate = |n: &String, c: &Span| h.body.stmts.is_empty() && followed && self.sign_outs.contains(n) && !calls.redirect_to.contains(c);
                if let Some((name, call)) = calls.found.iter().find(|(n, c)| !deliberate(n, c)).cloned() {
                    let (param, pattern) = match &h.param {
                        Some(Pat::Ident(i)) => (Some(i.id.sym.to_string()), false),
                        Some(_) => (None, true),
                        None => (None, false),
                    };
                    self.hits.push(Hit {
                        name,
                        call,
                        catch: h.span,
                        param,
                        param_is_pattern: pattern,
                        body: h.body.span,
                        first_stmt: h.body.stmts.first().map(|s| s.span()),
                        body_refs_error: r.1,
                    });
                }
            }
        }
        t.visit_children_with(self);
    }
}

fn make_fix(project: &Project, path: &str, text: &str, p: &Parsed, hit: &Hit) -> Result<Fix, String> {
    let how = "call `unstable_rethrow(error)` (from `next/navigation`) first in the catch, or rethrow when `isRedirectError(error)`";
    if matches!(project.facts.next_version, Some((major, _, _)) if major < 15) {
        return Err("rethrow it: `if (isRedirectError(error)) throw error;` with `isRedirectError` from `next/dist/client/components/redirect` (`unstable_rethrow` may be missing before Next 15)".into());
    }
    if hit.param_is_pattern {
        return Err(format!("the catch destructures the error; {how}"));
    }
    let style = project.file_style(path);
    let mut edits = Vec::new();
    // The binding.
    let name = match &hit.param {
        Some(n) => n.clone(),
        None => {
            if hit.body_refs_error {
                return Err(format!("the catch has no binding and `error` is already used in it; {how}"));
            }
            let at = p.lo(hit.catch) + "catch".len();
            if !text[p.lo(hit.catch)..].starts_with("catch") {
                return Err(how.to_string());
            }
            edits.push(Edit::insert(at, " (error)"));
            "error".to_string()
        }
    };
    // The import.
    let imports = ast::imports(p);
    let rethrow = match ast::local_name(p, &["next/navigation"], "unstable_rethrow") {
        Some(l) => l,
        None => {
            if ast::top_level_names(p).iter().any(|n| n == "unstable_rethrow") {
                return Err(format!("`unstable_rethrow` is already a name in this file; {how}"));
            }
            let nav =
                imports.iter().find(|i| i.src == "next/navigation" && !i.type_only && i.specs.iter().any(|s| s.imported != "default" && s.imported != "*"));
            match nav.and_then(|i| i.specs.iter().rfind(|s| s.imported != "default" && s.imported != "*")) {
                Some(last) => edits.push(Edit::insert(p.hi(last.span), ", unstable_rethrow")),
                None => edits.push(ast::insert_import(p, text, &ast::import_line(&style, "{ unstable_rethrow }", "next/navigation"))),
            }
            "unstable_rethrow".to_string()
        }
    };
    // The call, first in the catch body.
    let open = p.lo(hit.body) + 1;
    let call = format!("{rethrow}({name}){}", style.semi());
    match hit.first_stmt {
        Some(first) if text[open..p.lo(first)].contains('\n') => {
            let indent = indent_at(text, p.lo(first));
            edits.push(Edit::insert(open, format!("\n{indent}{call}")));
        }
        Some(_) => edits.push(Edit::insert(open, format!(" {call}"))),
        None => {
            let close = p.hi(hit.body) - 1;
            let outer = indent_at(text, p.lo(hit.catch)).to_string();
            edits.push(Edit::replace(open, close, format!("\n{outer}{}{call}\n{outer}", style.indent)));
        }
    }
    Ok(Fix::new(
        Applicability::Unsafe,
        "Rethrow Next's redirect in the catch with `unstable_rethrow`",
        edits.into_iter().map(|e| Change::edit(path, e)).collect(),
    ))
}
