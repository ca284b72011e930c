use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use swc_core::common::comments::Comments;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds `useSecureCookies` (or a custom cookie's `secure` flag or `__Secure-` name) gated on
    /// `process.env.NODE_ENV`, in any form: `=== "production"`, `!== "development"`, a ternary, or a
    /// constant computed from it.
    ///
    /// ## Why is this bad?
    /// Both versions already choose secure cookies from the URL protocol: v4
    /// `useSecureCookies ?? url.base.startsWith("https://")` (`next-auth/src/core/init.ts`), v5
    /// `config.useSecureCookies ?? url.protocol === "https:"` (`@auth/core/src/lib/init.ts`).
    /// Gating on `NODE_ENV` adds nothing on HTTPS and breaks every production build served over
    /// plain HTTP (`next start` on a preview, self-hosted or e2e host): the browser drops the
    /// `Secure`/`__Secure-` cookies, so sign-in fails and sessions vanish on refresh.
    ///
    /// ## Example
    /// ```ts
    /// export const authOptions: NextAuthOptions = {
    ///   providers: [GitHub],
    ///   // only secure cookies in production
    ///   useSecureCookies: process.env.NODE_ENV === "production",
    /// };
    /// ```
    /// Use instead:
    /// ```ts
    /// export const authOptions: NextAuthOptions = {
    ///   providers: [GitHub],
    /// };
    /// ```
    ///
    /// ## Fix safety
    /// Safe. Removing the property restores the library default, which equals the gated value on
    /// every HTTPS deployment and is correct on plain HTTP. The property goes with its comma, a
    /// trailing comment on its line, and comment lines right above it that talk about cookies,
    /// security or production. A custom cookie's `secure`/`name` gated on `NODE_ENV` is reported
    /// without a fix: removing it would change the cookie, so gate it on the URL protocol instead.
    pub struct SecureCookiesNodeEnv {
        code: "C001",
        name: "secure-cookies-node-env",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`useSecureCookies` gated on NODE_ENV breaks sign-in on production builds served over HTTP",
    }
}

impl Rule for SecureCookiesNodeEnv {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for path in project.source_files_containing("NODE_ENV") {
            let text = project.text(path).unwrap();
            if !(text.contains("useSecureCookies") || text.contains("cookies")) {
                continue;
            }
            let Some(parsed) = project.parsed(path) else { continue };
            let env_consts = crate::ast::consts_mentioning(&parsed, text, "NODE_ENV");
            let mut v = Finder { parsed: &parsed, text, env_consts: &env_consts, hits: vec![], in_cookies: 0 };
            parsed.module.visit_with(&mut v);
            for hit in v.hits {
                let d = Diagnostic::new(&Self::META, path, hit.start, hit.end, hit.message);
                out.push(match hit.edit {
                    Some(e) => d.with_fix(Fix::new(
                        Applicability::Safe,
                        "Remove the NODE_ENV-gated `useSecureCookies`; the library derives it from the URL",
                        vec![Change::edit(path, e)],
                    )),
                    None => d.with_note("Gate it on the URL instead, e.g. `process.env.NEXTAUTH_URL?.startsWith(\"https://\")` (v4) or `AUTH_URL` (v5)."),
                });
            }
        }
    }
}

struct Hit {
    start: usize,
    end: usize,
    message: String,
    edit: Option<Edit>,
}

struct Finder<'a> {
    parsed: &'a Parsed,
    text: &'a str,
    env_consts: &'a [String],
    hits: Vec<Hit>,
    in_cookies: u32,
}

impl Finder<'_> {
    fn gated(&self, e: &Expr) -> bool {
        let t = &self.text[self.parsed.range(e.span())];
        if t.contains("NODE_ENV") {
            return true;
        }
        crate::ast::ident_refs(e).iter().any(|(n, _)| self.env_consts.contains(n))
    }

    fn removal(&self, obj: &ObjectLit, idx: usize) -> Edit {
        let p = self.parsed;
        let prop = &obj.props[idx];
        let (start, end) = (p.lo(prop.span()), p.hi(prop.span()));
        let prev_end = if idx > 0 { Some(p.hi(obj.props[idx - 1].span())) } else { None };
        let mut e = edit::delete_list_element(self.text, start, end, prev_end);
        // Comment lines right above that only explain the gate go too.
        if e.start < start && e.start == edit::line_start(self.text, start) {
            if let Some(comments) = p.comments.get_leading(prop.span().lo) {
                let mut new_start = e.start;
                for c in comments.iter().rev() {
                    let (cs, ce) = (p.lo(c.span), p.hi(c.span));
                    let between = &self.text[ce..new_start];
                    let own_line = edit::only_ws_before(self.text, cs);
                    let lower = c.text.to_lowercase();
                    let explains = ["secure", "cookie", "https", "prod", "node_env", "dev"].iter().any(|k| lower.contains(k));
                    if own_line && explains && between.trim().is_empty() && between.matches('\n').count() == 1 {
                        new_start = edit::line_start(self.text, cs);
                    } else {
                        break;
                    }
                }
                e.start = new_start;
            }
        }
        e
    }
}

impl Visit for Finder<'_> {
    fn visit_object_lit(&mut self, obj: &ObjectLit) {
        for (idx, prop) in obj.props.iter().enumerate() {
            let PropOrSpread::Prop(prop) = prop else { continue };
            let Prop::KeyValue(kv) = &**prop else { continue };
            let Some(key) = crate::ast::prop_name(&kv.key) else { continue };
            let span = kv.span();
            match key.as_str() {
                "useSecureCookies" if self.gated(&kv.value) => self.hits.push(Hit {
                    start: self.parsed.lo(span),
                    end: self.parsed.hi(span),
                    message: "`useSecureCookies` is gated on NODE_ENV: a production build served over plain HTTP sets Secure cookies the browser drops, so sign-in fails and sessions vanish on refresh; both versions already derive it from the URL".into(),
                    edit: Some(self.removal(obj, idx)),
                }),
                "secure" | "name" if self.in_cookies > 0 && self.gated(&kv.value) => self.hits.push(Hit {
                    start: self.parsed.lo(span),
                    end: self.parsed.hi(span),
                    message: format!("the custom cookie's `{key}` is gated on NODE_ENV: served over plain HTTP in production the browser drops the cookie and sign-in fails"),
                    edit: None,
                }),
                _ => {}
            }
        }
        for prop in &obj.props {
            let is_cookies =
                matches!(prop, PropOrSpread::Prop(p) if matches!(&**p, Prop::KeyValue(kv) if crate::ast::prop_name(&kv.key).as_deref() == Some("cookies")));
            if is_cookies {
                self.in_cookies += 1;
            }
            prop.visit_with(self);
            if is_cookies {
                self.in_cookies -= 1;
            }
        }
    }
}
