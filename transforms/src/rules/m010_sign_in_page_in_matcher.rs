use crate::ast;
use crate::ast::unwrap_expr as strip_parens;
use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::has_key;
use crate::rules::config_common::{self as cfg, Value};
use crate::rules::matcher;
use crate::rules::middleware_common as mw;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// In a v4 app, finds `withAuth` middleware with no `pages` option while the auth options set
    /// `pages.signIn` to a page of the app that the middleware's matcher covers, and passes the
    /// same `pages` to `withAuth`.
    ///
    /// ## Why is this bad?
    /// `withAuth` never sees the auth options. It lets through only its own sign-in and error pages
    /// — `options.pages.signIn ?? "/api/auth/signin"` (`next-auth/src/next/middleware.ts`) —
    /// so a signed-out visitor of the custom `/login` page is redirected to `/api/auth/signin`,
    /// whose handler, configured with `pages.signIn: "/login"`, redirects straight back to
    /// `/login` (`next-auth/src/core/index.ts`, the `signin` action): a redirect loop, and nobody
    /// can sign in. v5's `auth` middleware skips the sign-in page of its own config
    /// (`next-auth/src/lib/index.ts`: `if (request.nextUrl.pathname !== signInPage)`) and is not
    /// reported.
    ///
    /// ## Example
    /// ```ts
    /// // authOptions: pages: { signIn: "/login" }
    /// export default withAuth({ callbacks: { authorized: ({ token }) => !!token } });
    /// export const config = { matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"] };
    /// ```
    /// Use instead:
    /// ```ts
    /// export default withAuth({ callbacks: { authorized: ({ token }) => !!token }, pages: { signIn: "/login" } });
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the middleware now knows the sign-in (and error) page the handler already uses, so it
    /// lets that page through and sends visitors there directly. The
    /// `export { default } from "next-auth/middleware"` form gets a diagnostic (M002 turns it into
    /// a `withAuth` call). A matcher that does not cover the page, or that authfix cannot evaluate,
    /// is left alone.
    pub struct SignInPageInMatcher {
        code: "M010",
        name: "sign-in-page-in-matcher",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v4 `withAuth` without the custom sign-in page protects that page: signing in loops",
    }
}

impl Rule for SignInPageInMatcher {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(4) {
            return;
        }
        let files: Vec<mw::MwFile> =
            mw::loaded_files(project).into_iter().filter(|f| project.text(&f.path).is_some_and(|t| t.contains("next-auth/middleware"))).collect();
        if files.is_empty() {
            return;
        }
        if project.source_files_containing("signIn").next().is_none() {
            return;
        }
        let configs = cfg::auth_configs(project);
        let pages: Vec<&cfg::Prop> = configs.iter().filter_map(|c| c.get("pages")).collect();
        let [pages] = pages.as_slice() else { return };
        let Some(sign_in) = pages.sub("signIn").and_then(|s| match &s.value {
            Value::Str(v) if v.starts_with('/') && !v.starts_with("/api/") => Some(v.clone()),
            _ => None,
        }) else {
            return;
        };
        let Some(ptext) = project.text(&pages.file) else { return };
        let pages_text = ptext[pages.value_range.clone()].to_string();
        if !matches!(pages.value, Value::Object(ref ps) if ps.iter().all(|p| matches!(p.value, Value::Str(_)))) {
            return;
        }
        for f in files {
            let Some(text) = project.text(&f.path) else { continue };
            let Some(p) = project.parsed(&f.path) else { continue };
            // Does the matcher cover the sign-in page?
            let covered = match mw::config_object(&p) {
                None => !mw::exports_config(&mw::exports(&p)),
                Some((_, o)) => match mw::find_prop(o, "matcher") {
                    None => !mw::has_prop(o, "matcher"),
                    Some((_, kv)) => {
                        let sources: Option<Vec<String>> = match strip_parens(&kv.value) {
                            Expr::Array(a) => a.elems.iter().map(|e| e.as_ref().and_then(|e| mw::str_value(&e.expr))).collect(),
                            e => mw::str_value(e).map(|s| vec![s]),
                        };
                        let Some(sources) = sources else { continue };
                        if !matcher::within_budget(sources.iter().map(|s| s.as_str())) {
                            continue;
                        }
                        let answers: Vec<Option<bool>> = sources.iter().map(|s| matcher::Matcher::new(s).ok().and_then(|m| m.test(&sign_in))).collect();
                        if answers.iter().any(|a| a.is_none()) {
                            continue;
                        }
                        answers.contains(&Some(true))
                    }
                },
            };
            if !covered {
                continue;
            }
            // The middleware handles the page itself (`pathname.startsWith("/login")`), or decides
            // with its own `authorized` callback (other than the default `!!token`): its code, not
            // withAuth's default, says what runs.
            let quoted = [format!("\"{sign_in}"), format!("'{sign_in}"), format!("`{sign_in}")];
            if quoted.iter().any(|q| text.contains(q.as_str()))
                || text.contains("authorized") && !(text.contains("=> !!token") || text.contains("return !!token"))
            {
                continue;
            }
            // Only the export Next runs matters (M007 reports a file with two).
            let exps_all = mw::exports(&p);
            let Some(run) = mw::running_export(&exps_all, f.kind) else { continue };
            let run_stmt = run.stmt;
            let run_is_reexport = matches!(&run.val, mw::ExportVal::ReExport { src, orig } if src == "next-auth/middleware" && orig == "default");
            let message = format!("`{sign_in}` (the auth options' `pages.signIn`) is behind this middleware, but `withAuth` lets through only its own sign-in page, `/api/auth/signin`, whose handler sends visitors back to `{sign_in}`: a redirect loop, nobody can sign in");
            if let Some(e) = run_is_reexport.then_some(run) {
                out.push(
                    Diagnostic::new(&Self::META, &f.path, p.lo(e.stmt), p.hi(e.stmt), message.clone())
                        .with_note(format!("Export `withAuth({{ pages: {pages_text} }})` from `next-auth/middleware` instead.")),
                );
                continue;
            }
            let Some(wa) = ast::local_name(&p, &["next-auth/middleware"], "withAuth") else { continue };
            let mut v = Calls(&wa, vec![]);
            swc_core::ecma::visit::VisitWith::visit_with(&p.module, &mut v);
            for c in v.1.into_iter().filter(|c| run_stmt.lo <= c.span.lo && c.span.hi <= run_stmt.hi) {
                let objs: Vec<&ObjectLit> = c
                    .args
                    .iter()
                    .filter_map(|a| match strip_parens(&a.expr) {
                        Expr::Object(o) => Some(o),
                        _ => None,
                    })
                    .collect();
                if objs.iter().any(|o| has_key(o, "pages")) || c.args.iter().any(|a| a.spread.is_some() || matches!(strip_parens(&a.expr), Expr::Ident(_))) {
                    continue;
                }
                let Callee::Expr(callee) = &c.callee else { continue };
                let d = Diagnostic::new(&Self::META, &f.path, p.lo(callee.span()), p.hi(callee.span()), message.clone());
                let prop = format!("pages: {pages_text}");
                let edit = match (objs.last(), c.args.len()) {
                    (Some(o), _) => {
                        let r = p.range(o.span);
                        if o.props.is_empty() {
                            Edit::replace(r.start, r.end, format!("{{ {prop} }}"))
                        } else {
                            let last = p.hi(o.props.last().unwrap().span());
                            let after = crate::edit::skip_trivia(text, last);
                            let indent = crate::rules::client_common::indent_at(text, p.lo(o.props.last().unwrap().span())).to_string();
                            let multiline = text[r.clone()].contains('\n');
                            match (text[after..].starts_with(','), multiline) {
                                (true, true) => Edit::insert(after + 1, format!("\n{indent}{prop},")),
                                (true, false) => Edit::insert(after + 1, format!(" {prop},")),
                                (false, true) => Edit::insert(last, format!(",\n{indent}{prop}")),
                                (false, false) => Edit::insert(last, format!(", {prop}")),
                            }
                        }
                    }
                    (None, 0) => {
                        let r = p.range(c.span);
                        Edit::replace(r.end - 1, r.end, format!("{{ {prop} }})"))
                    }
                    (None, _) => Edit::insert(p.hi(c.args.last().unwrap().span()), format!(", {{ {prop} }}")),
                };
                out.push(d.with_fix(Fix::new(Applicability::Safe, "Pass the auth options' `pages` to `withAuth`", vec![Change::edit(&f.path, edit)])));
            }
        }
    }
}

struct Calls<'a>(&'a str, Vec<CallExpr>);
impl swc_core::ecma::visit::Visit for Calls<'_> {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        if crate::rules::client_common::callee_ident(c) == Some(self.0) {
            self.1.push(c.clone());
        }
        swc_core::ecma::visit::VisitWith::visit_children_with(c, self);
    }
}
