use crate::declare_rule;
use crate::dotenv::Entry;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::{auth_files, deploy, workflows};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// v5 only: finds an OAuth provider used without its credentials (`GitHub`, `GitHub()`, or
    /// `GitHub({ … })` without `clientId`/`clientSecret`) while the env files hold them under
    /// names v5 never reads (`GITHUB_ID`, `GITHUB_CLIENT_ID`, `GITHUB_SECRET`,
    /// `GITHUB_CLIENT_SECRET`) and not under `AUTH_GITHUB_ID` / `AUTH_GITHUB_SECRET`.
    ///
    /// ## Why is this bad?
    /// `@auth/core/src/lib/utils/env.ts` fills a provider's missing `clientId`/`clientSecret` only
    /// from `AUTH_${ID}_ID` / `AUTH_${ID}_SECRET` (the provider id upper-cased, `-` as `_`). The
    /// v4 names are never read, so the provider has no client id: the sign-in redirect to the
    /// provider fails (GitHub answers 404, Google `invalid_client`).
    ///
    /// ## Example
    /// ```ts
    /// export const { handlers, auth } = NextAuth({ providers: [GitHub] });
    /// ```
    /// with `.env.local`:
    /// ```sh
    /// GITHUB_ID=Iv1.0123
    /// GITHUB_SECRET=…
    /// ```
    /// Use instead:
    /// ```sh
    /// AUTH_GITHUB_ID=Iv1.0123
    /// AUTH_GITHUB_SECRET=…
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix renames the keys in every env file (only the key's bytes: values, comments
    /// and order stay). The host's settings still hold the old names, and other tools may read
    /// them, so it waits for `--unsafe`. When the project's code reads one of the old names
    /// (`process.env.GITHUB_ID`), or a file holds two old names for the same value, no fix is
    /// offered: pass `clientId`/`clientSecret` explicitly or rename by hand.
    pub struct V5ProviderEnvNames {
        code: "E007",
        name: "v5-provider-env-names",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "v5 provider used bare while the env holds GITHUB_ID-style names: v5 only reads AUTH_<ID>_ID/SECRET",
    }
}

/// Providers whose credentials are not an OAuth client id/secret.
const NOT_OAUTH: &[&str] = &["credentials", "email", "nodemailer", "resend", "sendgrid", "postmark", "passkey", "webauthn", "forwardemail", "mailgun"];

struct Use {
    start: usize,
    end: usize,
    needs_id: bool,
    needs_secret: bool,
}

struct Finder<'a> {
    p: &'a crate::parse::Parsed,
    local: &'a str,
    uses: Vec<Use>,
}

fn has_key(obj: &ObjectLit, key: &str) -> bool {
    obj.props.iter().any(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) => crate::ast::prop_name(&kv.key).as_deref() == Some(key),
            Prop::Shorthand(i) => &*i.sym == key,
            _ => false,
        },
        PropOrSpread::Spread(_) => true,
    })
}

impl Visit for Finder<'_> {
    fn visit_call_expr(&mut self, n: &CallExpr) {
        if let Callee::Expr(e) = &n.callee {
            if let Expr::Ident(i) = &**e {
                if &*i.sym == self.local {
                    let r = self.p.range(i.span);
                    let (needs_id, needs_secret) = match n.args.first().map(|a| &*a.expr) {
                        None => (true, true),
                        Some(Expr::Object(o)) => (!has_key(o, "clientId"), !has_key(o, "clientSecret")),
                        Some(_) => (false, false),
                    };
                    self.uses.push(Use { start: r.start, end: r.end, needs_id, needs_secret });
                    for a in &n.args {
                        a.visit_with(self);
                    }
                    return;
                }
            }
        }
        n.visit_children_with(self);
    }
    fn visit_expr(&mut self, e: &Expr) {
        if let Expr::Ident(i) = e {
            if &*i.sym == self.local {
                let r = self.p.range(i.span);
                self.uses.push(Use { start: r.start, end: r.end, needs_id: true, needs_secret: true });
            }
        }
        e.visit_children_with(self);
    }
}

impl Rule for V5ProviderEnvNames {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        for f in auth_files::auth_sources_with(project, "providers/") {
            let Some(p) = project.parsed(f) else { continue };
            for imp in crate::ast::imports(&p) {
                let Some(module) = imp.src.strip_prefix("next-auth/providers/").or_else(|| imp.src.strip_prefix("@auth/core/providers/")) else { continue };
                if NOT_OAUTH.contains(&module) || imp.type_only {
                    continue;
                }
                let Some(spec) = imp.specs.iter().find(|s| s.imported == "default" && !s.type_only) else { continue };
                let mut v = Finder { p: &p, local: &spec.local, uses: vec![] };
                p.module.visit_with(&mut v);
                let (needs_id, needs_secret) = v.uses.iter().fold((false, false), |a, u| (a.0 || u.needs_id, a.1 || u.needs_secret));
                let Some(first) = v.uses.first() else { continue };
                let id = module.to_ascii_uppercase().replace('-', "_");
                let mut renames: Vec<(String, Vec<String>)> = Vec::new();
                if needs_id {
                    renames.push((format!("AUTH_{id}_ID"), vec![format!("{id}_ID"), format!("{id}_CLIENT_ID")]));
                }
                if needs_secret {
                    renames.push((format!("AUTH_{id}_SECRET"), vec![format!("{id}_SECRET"), format!("{id}_CLIENT_SECRET")]));
                }
                // Keep only the parts where an old name is present and the new one is not.
                let mut found: Vec<(String, Vec<(&str, Entry)>)> = Vec::new();
                for (target, olds) in renames {
                    if !envf::entries_with(project, &[target.as_str()]).is_empty()
                        || workflows::sets(project, &target)
                        || deploy::next_config_mentions(project, &target)
                    {
                        continue;
                    }
                    let olds: Vec<&str> = olds.iter().map(|s| s.as_str()).collect();
                    let hits = envf::entries_with(project, &olds);
                    if !hits.is_empty() {
                        found.push((target, hits));
                    }
                }
                if found.is_empty() {
                    continue;
                }
                let old_names: Vec<String> = found.iter().flat_map(|(_, h)| h.iter().map(|(_, e)| e.key.clone())).fold(Vec::new(), |mut a, k| {
                    if !a.contains(&k) {
                        a.push(k);
                    }
                    a
                });
                let new_names: Vec<String> = found.iter().map(|(t, _)| t.clone()).collect();
                let d = Diagnostic::new(&Self::META, f, first.start, first.end, format!(
                    "`{}` gets its credentials from `{}` in v5, but the env files hold `{}`, which v5 never reads: the provider has no client id and sign-in fails",
                    spec.local,
                    new_names.join("`/`"),
                    old_names.join("`/`")
                ));
                if let Some(r) = old_names.iter().find_map(|k| project.source_files_containing(k).find(|x| !deploy::is_next_config(x)).map(|x| (x, k))) {
                    out.push(d.with_note(format!(
                        "`{}` reads `{}` itself: pass `clientId`/`clientSecret` to `{}` explicitly, or rename the keys and that code together.",
                        r.0, r.1, spec.local
                    )));
                    continue;
                }
                let mut changes: Vec<Change> = Vec::new();
                let mut ambiguous = false;
                for (target, hits) in &found {
                    for (file, e) in hits {
                        if hits.iter().filter(|(f2, _)| f2 == file).count() > 1 {
                            ambiguous = true;
                        }
                        changes.push(envf::rename_key(file, e, target));
                    }
                }
                if ambiguous {
                    out.push(d.with_note(format!(
                        "An env file holds two of `{}` for one setting; keep one and rename it to the `AUTH_` name.",
                        old_names.join("`, `")
                    )));
                    continue;
                }
                out.push(d.with_note("Rename them in the host's settings too.").with_fix(Fix::new(
                    Applicability::Unsafe,
                    format!("Rename `{}` to `{}` in the env files", old_names.join("`, `"), new_names.join("`, `")),
                    changes,
                )));
            }
        }
    }
}
