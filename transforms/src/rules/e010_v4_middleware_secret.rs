use crate::ast;
use crate::ast::unwrap_expr as strip_parens;
use crate::declare_rule;
use crate::edit::Edit;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::has_key;
use crate::rules::config_common as cfg;
use crate::rules::middleware_common as mw;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// In a v4 app, finds `withAuth` middleware with no `secret` option while the auth options
    /// sign sessions with a secret read from another env name (`secret: process.env.JWT_SECRET`),
    /// and passes the same secret to `withAuth`.
    ///
    /// ## Why is this bad?
    /// `withAuth` never sees the auth options: it takes `options.secret ?? NEXTAUTH_SECRET ??
    /// AUTH_SECRET` (`next-auth/src/next/middleware.ts`). Without either name set, it logs
    /// `NO_SECRET` and redirects every matched request to `/api/auth/error?error=Configuration`,
    /// in every environment; with `NEXTAUTH_SECRET` set to another value it cannot decrypt the
    /// session cookie, so signed-in users are sent to sign in again and again.
    ///
    /// ## Example
    /// ```ts
    /// // lib/auth.ts
    /// export const authOptions = { secret: process.env.JWT_SECRET, providers: [...] };
    /// // middleware.ts
    /// export default withAuth({ pages: { signIn: "/login" } });
    /// ```
    /// Use instead:
    /// ```ts
    /// export default withAuth({ pages: { signIn: "/login" }, secret: process.env.JWT_SECRET });
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the middleware decrypts with the secret the sessions are encrypted with. The
    /// `export { default } from "next-auth/middleware"` form gets a diagnostic (M002 rewrites it
    /// into a `withAuth` call on Next 16; then this fix applies).
    pub struct V4MiddlewareSecret {
        code: "E010",
        name: "v4-middleware-secret",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v4 `withAuth` reads NEXTAUTH_SECRET while the auth options use another env name: the middleware cannot read sessions",
    }
}

/// `process.env.NAME` (with `!` / `as string` allowed) → `NAME`.
fn env_name(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('!');
    let t = t.split(" as ").next()?.trim().trim_end_matches('!');
    let name = t.strip_prefix("process.env.")?;
    name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then(|| name.to_string())
}

impl Rule for V4MiddlewareSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(4) {
            return;
        }
        let files = mw::loaded_files(project);
        if !files.iter().any(|f| project.text(&f.path).is_some_and(|t| t.contains("next-auth/middleware"))) {
            return;
        }
        if project.source_files_containing("secret").next().is_none() {
            return;
        }
        let mut names: Vec<String> = Vec::new();
        for c in cfg::auth_configs(project) {
            if let Some(s) = c.get("secret") {
                let Some(t) = project.text(&s.file) else { continue };
                match env_name(&t[s.value_range.clone()]) {
                    Some(n) if n != "NEXTAUTH_SECRET" && n != "AUTH_SECRET" => names.push(n),
                    _ => {}
                }
            }
        }
        names.sort();
        names.dedup();
        let [name] = names.as_slice() else { return };
        for f in files {
            let Some(text) = project.text(&f.path) else { continue };
            if !text.contains("next-auth/middleware") {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            // Only the export Next runs matters (M007 reports a file with two).
            let exps_all = mw::exports(&p);
            let Some(run) = mw::running_export(&exps_all, f.kind) else { continue };
            let run_stmt = run.stmt;
            let run_is_reexport = matches!(&run.val, mw::ExportVal::ReExport { src, orig } if src == "next-auth/middleware" && orig == "default");
            let why = format!("`withAuth` reads `NEXTAUTH_SECRET` (or `AUTH_SECRET`), never your auth options, which encrypt sessions with `process.env.{name}`: the middleware redirects every request to the error page (NO_SECRET) or cannot decrypt the session");
            if let Some(e) = run_is_reexport.then_some(run) {
                out.push(Diagnostic::new(&Self::META, &f.path, p.lo(e.stmt), p.hi(e.stmt), why.clone()).with_note(format!(
                    "Export `withAuth({{ secret: process.env.{name} }})` from `next-auth/middleware` instead (M002 rewrites this re-export on Next 16)."
                )));
                continue;
            }
            let Some(wa) = ast::local_name(&p, &["next-auth/middleware"], "withAuth") else { continue };
            let secret = format!("secret: process.env.{name}");
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
                if objs.iter().any(|o| has_key(o, "secret")) || c.args.iter().any(|a| a.spread.is_some() || matches!(strip_parens(&a.expr), Expr::Ident(_))) {
                    continue;
                }
                let callee = match &c.callee {
                    Callee::Expr(e) => e.span(),
                    _ => continue,
                };
                let d = Diagnostic::new(&Self::META, &f.path, p.lo(callee), p.hi(callee), why.clone());
                let edit = match (objs.last(), c.args.len()) {
                    (Some(o), _) => {
                        let r = p.range(o.span);
                        let inner = text[r.start + 1..r.end - 1].trim_end();
                        if inner.trim().is_empty() {
                            Edit::replace(r.start, r.end, format!("{{ {secret} }}"))
                        } else {
                            let last = o.props.last().map(|x| p.hi(x.span())).unwrap_or(r.start + 1);
                            let after = crate::edit::skip_trivia(text, last);
                            let multiline = text[r.clone()].contains('\n');
                            let indent = crate::rules::client_common::indent_at(text, o.props.last().map(|x| p.lo(x.span())).unwrap_or(r.start)).to_string();
                            if text[after..].starts_with(',') && multiline {
                                Edit::insert(after + 1, format!("\n{indent}{secret},"))
                            } else if text[after..].starts_with(',') {
                                Edit::insert(after + 1, format!(" {secret},"))
                            } else if multiline {
                                Edit::insert(last, format!(",\n{indent}{secret}"))
                            } else {
                                Edit::insert(last, format!(", {secret}"))
                            }
                        }
                    }
                    (None, 0) => {
                        let r = p.range(c.span);
                        Edit::replace(r.end - 1, r.end, format!("{{ {secret} }})"))
                    }
                    (None, _) => {
                        let last = p.hi(c.args.last().unwrap().span());
                        Edit::insert(last, format!(", {{ {secret} }}"))
                    }
                };
                out.push(d.with_fix(Fix::new(
                    Applicability::Safe,
                    format!("Pass `secret: process.env.{name}` to `withAuth`"),
                    vec![Change::edit(&f.path, edit)],
                )));
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
