use crate::ast::{prop_name as prop_key, unwrap_expr};
use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds `allowDangerousEmailAccountLinking: true` on a provider in an Auth.js configuration
    /// (v4 or v5).
    ///
    /// ## Why is this bad?
    /// With it, signing in through that provider with an email address that already belongs to a
    /// user links the new account to that user without asking for proof that the person owns the
    /// existing account. Anyone who can get that address onto an account at the provider — a
    /// provider that does not verify emails, a self-registered OAuth/OIDC tenant, an email
    /// provider with GHSA-7rqj-j65f-68wh — signs in as the victim (account takeover). Auth.js
    /// documents the option as dangerous for this reason (`@auth/core` `OAuthUserConfig`:
    /// "only use this if the provider verifies email addresses"; `handleLoginOrRegister` in
    /// `@auth/core/src/lib/actions/callback/handle-login.ts` links by email when it is set).
    ///
    /// Not reported when the same file's `signIn` callback reads `email_verified`, the usual guard.
    ///
    /// ## Example
    /// ```ts
    /// GitHub({ allowDangerousEmailAccountLinking: true })
    /// ```
    /// Use instead: drop the option and let users link accounts while signed in, or keep it only
    /// for a provider that verifies addresses and check `profile.email_verified` in `signIn`.
    ///
    /// ## Fix safety
    /// No fix: removing the option changes who can sign in to existing accounts (users who relied
    /// on the linking get `OAuthAccountNotLinked`); the decision is the project's.
    ///
    /// ## References
    /// - <https://authjs.dev/reference/core/providers#allowdangerousemailaccountlinking>
    pub struct DangerousEmailLinking {
        code: "C006",
        name: "dangerous-email-linking",
        fix: None,
        severity: Warning,
        summary: "`allowDangerousEmailAccountLinking: true` lets anyone with the same email at that provider take over the account",
    }
}

const KEY: &str = "allowDangerousEmailAccountLinking";

impl Rule for DangerousEmailLinking {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for path in project.source_files_containing(KEY) {
            let Some(text) = project.text(path) else { continue };
            if !["next-auth", "@auth/"].iter().any(|w| text.contains(w)) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let mut v = Find { hits: vec![], guarded: false };
            p.module.visit_with(&mut v);
            if v.guarded {
                continue;
            }
            for (span, provider) in v.hits {
                let who = provider.map_or("this provider".to_string(), |n| format!("`{n}`"));
                out.push(
                    Diagnostic::new(&Self::META, path, p.lo(span), p.hi(span), format!(
                        "{who} links a sign-in to any existing user with the same email address without proof that it is theirs: whoever gets that address onto an account at the provider signs in as that user (account takeover)"
                    ))
                    .with_note("Remove the option (users then link providers while signed in), or keep it only for a provider that verifies emails and check `profile.email_verified` in the `signIn` callback."),
                );
            }
        }
    }
}

struct Find {
    hits: Vec<(swc_core::common::Span, Option<String>)>,
    guarded: bool,
}

impl Visit for Find {
    fn visit_call_expr(&mut self, c: &CallExpr) {
        let name = match &c.callee {
            Callee::Expr(e) => match unwrap_expr(e) {
                Expr::Ident(i) => Some(i.sym.to_string()),
                Expr::Member(m) => m.prop.as_ident().map(|i| i.sym.to_string()),
                _ => None,
            },
            _ => None,
        };
        for a in &c.args {
            if let Expr::Object(o) = unwrap_expr(&a.expr) {
                for prop in &o.props {
                    if let PropOrSpread::Prop(pr) = prop {
                        if let Prop::KeyValue(kv) = &**pr {
                            if prop_key(&kv.key).as_deref() == Some(KEY) && matches!(unwrap_expr(&kv.value), Expr::Lit(Lit::Bool(b)) if b.value) {
                                self.hits.push((kv.span(), name.clone()));
                            }
                        }
                    }
                }
            }
        }
        c.visit_children_with(self);
    }
    fn visit_prop(&mut self, p: &Prop) {
        let body_reads_verified = |span: swc_core::common::Span, f: &dyn Fn(&mut ReadsVerified)| {
            let _ = span;
            let mut r = ReadsVerified(false);
            f(&mut r);
            r.0
        };
        match p {
            Prop::Method(m) if prop_key(&m.key).as_deref() == Some("signIn") => {
                self.guarded |= body_reads_verified(m.function.span, &|r| m.function.visit_with(r));
            }
            Prop::KeyValue(kv) if prop_key(&kv.key).as_deref() == Some("signIn") => {
                self.guarded |= body_reads_verified(kv.value.span(), &|r| kv.value.visit_with(r));
            }
            _ => {}
        }
        p.visit_children_with(self);
    }
}

struct ReadsVerified(bool);
impl Visit for ReadsVerified {
    fn visit_ident_name(&mut self, i: &IdentName) {
        self.0 |= &*i.sym == "email_verified";
    }
    fn visit_ident(&mut self, i: &Ident) {
        self.0 |= &*i.sym == "email_verified";
    }
    fn visit_str(&mut self, s: &Str) {
        self.0 |= s.value == *"email_verified";
    }
}
