use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Diagnostic, Rule, RuleMeta};
use crate::rules::env_common::env_files as envf;
use crate::rules::env_common::{auth_files, deploy, workflows};

declare_rule! {
    /// ## What it does
    /// v4 only: finds `AUTH_TRUST_HOST` set (in an env file a production server loads, an
    /// `.env.example`, or a workflow) while `NEXTAUTH_URL` is set nowhere (env files, workflows,
    /// `next.config.*`, `Dockerfile` or Compose files), in a project whose
    /// middleware or code reads the session token itself (`next-auth/middleware`'s `withAuth`,
    /// `getToken` from `next-auth/jwt`) without choosing the cookie (`secureCookie`,
    /// `cookieName`, a custom `sessionToken` cookie, `useSecureCookies`). Projects deployed on
    /// Vercel are left alone (`VERCEL` makes `getToken` pick the secure cookie).
    ///
    /// ## Why is this bad?
    /// With `AUTH_TRUST_HOST` the server takes its origin from the forwarded host
    /// (`next-auth/src/utils/detect-origin.ts`) and, behind HTTPS, sets
    /// `__Secure-next-auth.session-token` (`useSecureCookies ?? url.base.startsWith("https://")`,
    /// `next-auth/src/core/init.ts`). But `getToken` — which `withAuth` calls — chooses the cookie
    /// name from `NEXTAUTH_URL?.startsWith("https://") ?? !!VERCEL` only
    /// (`next-auth/src/jwt/index.ts`), ignoring `AUTH_TRUST_HOST`: it looks for
    /// `next-auth.session-token`, never finds the session, and the middleware sends the signed-in
    /// user back to sign-in, a redirect loop.
    ///
    /// ## Example
    /// `.env.production`:
    /// ```sh
    /// AUTH_TRUST_HOST=true
    /// ```
    /// Use instead (in the host's settings or `.env.production`):
    /// ```sh
    /// NEXTAUTH_URL=https://app.example.com
    /// ```
    ///
    /// ## Fix safety
    /// None: only the user knows the public URL. The note says what to set.
    pub struct V4TrustHostWithoutUrl {
        code: "E006",
        name: "v4-trust-host-without-url",
        fix: None,
        severity: Error,
        summary: "v4 with AUTH_TRUST_HOST but no NEXTAUTH_URL: withAuth/getToken read the wrong cookie behind HTTPS, a redirect loop",
    }
}

impl Rule for V4TrustHostWithoutUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(4) {
            return;
        }
        if !envf::entries_with(project, &["NEXTAUTH_URL"]).is_empty()
            || workflows::sets(project, "NEXTAUTH_URL")
            || deploy::next_config_mentions(project, "NEXTAUTH_URL")
            || deploy::container_sets(project, "NEXTAUTH_URL")
        {
            return;
        }
        let in_env = envf::entries_with(project, &["AUTH_TRUST_HOST"]).into_iter().find(|(f, e)| {
            (envf::loaded_in_production(f) || envf::is_example(f) || f.ends_with(".env.production")) && (!e.value.is_empty() || envf::is_example(f))
        });
        let site = match in_env {
            Some((f, e)) => Some((f.to_string(), e.key_range.start, e.key_range.end)),
            None => workflows::workflows(project).into_iter().find_map(|w| {
                let s = w.settings("AUTH_TRUST_HOST").into_iter().next()?;
                Some((w.file.to_string(), s.key_range.start, s.key_range.end))
            }),
        };
        let Some((file, start, end)) = site else { return };
        // Code that reads the token itself, without saying which cookie.
        let reads_token =
            !auth_files::auth_sources_where(project, |t| t.contains("next-auth/middleware") || t.contains("next-auth/jwt") && t.contains("getToken"))
                .is_empty();
        let chooses_cookie =
            !auth_files::auth_sources_where(project, |t| ["secureCookie", "cookieName", "sessionToken", "useSecureCookies"].iter().any(|k| t.contains(k)))
                .is_empty();
        if !reads_token || chooses_cookie || deploy::trusted_host_platform(project) {
            return;
        }
        out.push(
            Diagnostic::new(&Self::META, &file, start, end, "v4 with `AUTH_TRUST_HOST` but no `NEXTAUTH_URL`: behind HTTPS the server sets `__Secure-next-auth.session-token` while `withAuth`/`getToken` look for `next-auth.session-token`, so the middleware never sees the session and sends signed-in users back to sign-in, a loop")
                .with_note("Set `NEXTAUTH_URL` to the public https URL (host settings or `.env.production`), or pass `secureCookie: true` to `getToken`. Not needed when a Dockerfile or the host already sets `NEXTAUTH_URL`."),
        );
    }
}
