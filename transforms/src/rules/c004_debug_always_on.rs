use crate::ast::{self, unwrap_expr};
use crate::declare_rule;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{callee_ident, is_auth_config, kv_props, mentions_auth};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds `debug: true` written unconditionally in an Auth.js config (an object with
    /// `providers`, or the object passed to `NextAuth(…)`), and gates it on development:
    /// `debug: process.env.NODE_ENV === "development"`.
    ///
    /// ## Why is this bad?
    /// With `debug` on, the logger prints OAuth secrets and personal data on every sign-in, in
    /// production too: v4 logs `OAUTH_CALLBACK_RESPONSE` with the provider `account` (access,
    /// refresh and id tokens) and the profile (`next-auth/src/core/routes/callback.ts`); v5 logs
    /// "authorization url is ready" with the PKCE/state cookies and the provider config including
    /// its client secret (`@auth/core/src/lib/actions/signin/authorization-url.ts`). v5 warns
    /// `debug-enabled` for this reason (`@auth/core/src/warnings.ts`).
    ///
    /// ## Example
    /// ```ts
    /// export const { handlers, auth } = NextAuth({ providers: [GitHub], debug: true });
    /// ```
    /// Use instead:
    /// ```ts
    /// export const { handlers, auth } = NextAuth({
    ///   providers: [GitHub],
    ///   debug: process.env.NODE_ENV === "development",
    /// });
    /// ```
    ///
    /// ## Fix safety
    /// Safe: logs stay on in `next dev`, where `debug: true` was meant to help, and stop in
    /// production builds. A `debug` already computed from the environment
    /// (`process.env.AUTH_DEBUG === "1"`, `!isProd`) is left alone, as is `debug: false`.
    pub struct DebugAlwaysOn {
        code: "C004",
        name: "debug-always-on",
        fix: Always,
        applicability: [Safe],
        severity: Error,
        summary: "`debug: true` logs OAuth tokens and secrets in production",
    }
}

impl Rule for DebugAlwaysOn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for path in project.source_files_containing("debug") {
            let text = project.text(path).unwrap();
            if !mentions_auth(text) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let nextauth = ast::local_name(&p, &["next-auth"], "default");
            let mut f = Finder { p: &p, nextauth: nextauth.as_deref(), hits: vec![] };
            p.module.visit_with(&mut f);
            let style = project.file_style(path);
            for (lo, hi, value) in f.hits {
                let d = Diagnostic::new(
                    &Self::META,
                    path,
                    lo,
                    hi,
                    "`debug: true` makes Auth.js log OAuth tokens, cookies and provider secrets on every sign-in, in production logs too",
                );
                let e = Edit::replace(value, hi, format!("process.env.NODE_ENV === {}", style.quote("development")));
                out.push(d.with_fix(Fix::new(Applicability::Safe, "Enable `debug` only in development", vec![Change::edit(path, e)])));
            }
        }
    }
}

struct Finder<'a> {
    p: &'a Parsed,
    nextauth: Option<&'a str>,
    hits: Vec<(usize, usize, usize)>,
}

impl Finder<'_> {
    fn object(&mut self, o: &ObjectLit) {
        for (_, key, kv) in kv_props(o) {
            if key == "debug" && matches!(unwrap_expr(&kv.value), Expr::Lit(Lit::Bool(b)) if b.value) && matches!(&*kv.value, Expr::Lit(_)) {
                let span = kv.span();
                self.hits.push((self.p.lo(span), self.p.hi(span), self.p.lo(kv.value.span())));
            }
        }
    }
}

impl Visit for Finder<'_> {
    fn visit_object_lit(&mut self, o: &ObjectLit) {
        if is_auth_config(o) {
            self.object(o);
        }
        o.visit_children_with(self);
    }
    fn visit_call_expr(&mut self, c: &CallExpr) {
        // `NextAuth({ ...authConfig, debug: true })` has no `providers` of its own.
        if self.nextauth.is_some() && callee_ident(c) == self.nextauth {
            if let Some(Expr::Object(o)) = c.args.first().map(|a| unwrap_expr(&a.expr)) {
                if !is_auth_config(o) {
                    self.object(o);
                }
            }
        }
        c.visit_children_with(self);
    }
}
