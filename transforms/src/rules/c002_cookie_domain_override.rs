use crate::ast::unwrap_expr;
use crate::declare_rule;
use crate::edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{const_str, kv_props, mentions_auth};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds a fixed `domain` in the `options` of a cookie in the Auth.js `cookies` config
    /// (`cookies: { sessionToken: { name, options: { domain: "example.com" } } }`) — a string
    /// literal, a literal gated on `NODE_ENV` (`NODE_ENV === "production" ? ".example.com" :
    /// undefined`, which is just as fixed on every production build), or a domain computed by an
    /// expression that yields one in every case (`host == "localhost" ? host : "." + host`,
    /// `` `.${host}` ``): the config is evaluated once per server, so that one host's domain goes
    /// on every request — and removes it.
    ///
    /// ## Why is this bad?
    /// Both versions merge the `cookies` config over their defaults (v4 `next-auth/src/core/init.ts`,
    /// v5 `@auth/core/src/lib/init.ts`) and serialize `options` into the `Set-Cookie` header (v4
    /// `next-auth/src/next/utils.ts`), `Domain` included. Browsers
    /// reject a cookie whose `Domain` does not match the host that sets it (RFC 6265 §5.3), so on
    /// every other host — preview deployments, `localhost`, a staging domain — the session cookie
    /// is dropped and sign-in silently fails. A `__Host-` cookie (the CSRF token's default name)
    /// with a `Domain` is rejected everywhere.
    ///
    /// ## Example
    /// ```ts
    /// cookies: {
    ///   sessionToken: {
    ///     name: "__Secure-next-auth.session-token",
    ///     options: { httpOnly: true, sameSite: "lax", path: "/", secure: true, domain: ".example.com" },
    ///   },
    /// },
    /// ```
    /// Use instead:
    /// ```ts
    /// cookies: {
    ///   sessionToken: {
    ///     name: "__Secure-next-auth.session-token",
    ///     options: { httpOnly: true, sameSite: "lax", path: "/", secure: true },
    ///   },
    /// },
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: without the override the cookie belongs to the exact host that sets it, so a
    /// session shared across subdomains in production (`app.` and `www.`) stops being shared.
    /// Keep the sharing by gating it on the production host instead, e.g.
    /// `domain: process.env.VERCEL_ENV === "production" ? ".example.com" : undefined`. A `domain`
    /// that can be left unset (a branch giving `undefined`, `null` or `""`), or that is read as it
    /// stands from an env variable or another binding (`process.env.COOKIE_DOMAIN`,
    /// `cookieDomain`), is left alone: each deployment may set its own.
    pub struct CookieDomainOverride {
        code: "C002",
        name: "cookie-domain-override",
        fix: Always,
        applicability: [Unsafe],
        severity: Error,
        summary: "a fixed cookie `domain` drops the session cookie on preview and local hosts",
    }
}

impl Rule for CookieDomainOverride {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for path in project.source_files_containing("domain") {
            let text = project.text(path).unwrap();
            if !text.contains("cookies") || !mentions_auth(text) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let mut f = Finder { p: &p, text, env_consts: crate::ast::consts_mentioning(&p, text, "NODE_ENV"), hits: vec![] };
            p.module.visit_with(&mut f);
            for Hit { cookie, start, end, edit, node_env, computed } in f.hits {
                let message = if computed {
                    format!("the `{cookie}` cookie's `domain` is computed from one host and set in every case, so on every other host (preview deployments, a second domain, localhost) browsers reject the cookie and sign-in silently fails")
                } else if node_env {
                    format!("the `{cookie}` cookie's `domain` is gated on NODE_ENV, which is \"production\" in every production build (previews, staging, self-hosted copies), so browsers reject the cookie there and sign-in silently fails")
                } else {
                    format!("a fixed `domain` on the `{cookie}` cookie makes browsers reject it on every other host (preview deployments, localhost), so sign-in silently fails there")
                };
                let d = Diagnostic::new(&Self::META, path, start, end, message)
                .with_note("to share the cookie across subdomains in production only, gate it: `domain: process.env.VERCEL_ENV === \"production\" ? \".example.com\" : undefined`");
                out.push(d.with_fix(Fix::new(
                    Applicability::Unsafe,
                    format!("Remove the `domain` override from the `{cookie}` cookie"),
                    vec![Change::edit(path, edit)],
                )));
            }
        }
    }
}

/// The cookie keys of the Auth.js `cookies` option (v4 `core/lib/cookie.ts`, v5 `lib/utils/cookie.ts`).
const AUTH_COOKIES: &[&str] = &["sessionToken", "callbackUrl", "csrfToken", "pkceCodeVerifier", "state", "nonce", "webauthnChallenge"];

struct Hit {
    cookie: String,
    start: usize,
    end: usize,
    edit: edit::Edit,
    /// `NODE_ENV === "production" ? ".example.com" : undefined` rather than a plain literal.
    node_env: bool,
    /// An expression that always yields a domain (`cond ? host : "." + host`).
    computed: bool,
}

struct Finder<'a> {
    p: &'a Parsed,
    text: &'a str,
    /// Top-level constants computed from `NODE_ENV` (`const isProd = …`).
    env_consts: Vec<String>,
    hits: Vec<Hit>,
}

impl Finder<'_> {
    /// `cond ? "literal" : undefined` (either way round) where `cond` reads `NODE_ENV`, directly
    /// or through a top-level constant: still a fixed domain on every production build.
    fn node_env_gated(&self, e: &Expr) -> bool {
        let Expr::Cond(c) = unwrap_expr(e) else { return false };
        let empty = |e: &Expr| {
            matches!(unwrap_expr(e), Expr::Ident(i) if i.sym == "undefined")
                || matches!(unwrap_expr(e), Expr::Lit(Lit::Null(_)))
                || const_str(e).as_deref() == Some("")
        };
        let literal_branch =
            (const_str(&c.cons).is_some_and(|s| !s.is_empty()) && empty(&c.alt)) || (const_str(&c.alt).is_some_and(|s| !s.is_empty()) && empty(&c.cons));
        let test = &self.text[self.p.range(c.test.span())];
        literal_branch && (test.contains("NODE_ENV") || crate::ast::ident_refs(&*c.test).iter().any(|(n, _)| self.env_consts.contains(n)))
    }
}

/// An expression that always yields a non-empty domain: a string concatenation or template with
/// a literal part (`"." + host`, `` `.${host}` ``), or a conditional whose branches all do or are
/// plain bindings, with at least one concatenation among them (`host == "localhost" ? host : "."
/// + host`). Env reads and bare bindings alone are not: each deployment may set its own.
fn always_a_domain(e: &Expr) -> bool {
    fn built(e: &Expr) -> bool {
        match unwrap_expr(e) {
            Expr::Bin(b) if b.op == BinaryOp::Add => {
                let lit = |x: &Expr| const_str(x).is_some_and(|s| !s.is_empty());
                (lit(&b.left) || lit(&b.right) || built(&b.left) || built(&b.right)) && !reads_env(&b.left) && !reads_env(&b.right)
            }
            Expr::Tpl(t) => !t.exprs.is_empty() && t.quasis.iter().any(|q| !q.raw.is_empty()) && !t.exprs.iter().any(|x| reads_env(x)),
            Expr::Cond(c) => branch(&c.cons) && branch(&c.alt) && (built(&c.cons) || built(&c.alt)),
            _ => false,
        }
    }
    fn branch(e: &Expr) -> bool {
        match unwrap_expr(e) {
            Expr::Ident(i) => i.sym != "undefined",
            Expr::Member(_) => !reads_env(e),
            e => built(e) || const_str(e).is_some_and(|s| !s.is_empty()),
        }
    }
    fn reads_env(e: &Expr) -> bool {
        crate::rules::env_common::secret::env_read(e).is_some()
    }
    built(e)
}

impl Visit for Finder<'_> {
    fn visit_object_lit(&mut self, o: &ObjectLit) {
        for (_, key, kv) in kv_props(o) {
            if key != "cookies" {
                continue;
            }
            let Expr::Object(cookies) = unwrap_expr(&kv.value) else { continue };
            for (_, cookie, ckv) in kv_props(cookies) {
                if !AUTH_COOKIES.contains(&cookie.as_str()) {
                    continue;
                }
                let Expr::Object(c) = unwrap_expr(&ckv.value) else { continue };
                for (_, k, okv) in kv_props(c) {
                    if k != "options" {
                        continue;
                    }
                    let Expr::Object(opts) = unwrap_expr(&okv.value) else { continue };
                    for (i, dk, dkv) in kv_props(opts) {
                        if dk != "domain" {
                            continue;
                        }
                        let node_env = self.node_env_gated(&dkv.value);
                        let computed = !node_env && const_str(&dkv.value).is_none() && always_a_domain(&dkv.value);
                        if const_str(&dkv.value).is_none() && !node_env && !computed {
                            continue;
                        }
                        let span = dkv.span();
                        let prev = if i > 0 { Some(self.p.hi(opts.props[i - 1].span())) } else { None };
                        let e = edit::delete_list_element(self.text, self.p.lo(span), self.p.hi(span), prev);
                        self.hits.push(Hit { cookie: cookie.clone(), start: self.p.lo(span), end: self.p.hi(span), edit: e, node_env, computed });
                    }
                }
            }
        }
        o.visit_children_with(self);
    }
}
