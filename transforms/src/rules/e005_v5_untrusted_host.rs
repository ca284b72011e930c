use crate::declare_rule;
use crate::project::Project;
use crate::rule::{Applicability, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::env_common as env;

declare_rule! {
    /// ## What it does
    /// v5 only: finds `NEXTAUTH_URL` set to a non-localhost URL in an env file that a production
    /// server loads (`.env`, `.env.local`, `.env.production`, `.env.production.local`), or named
    /// in the template that documents the deployment (`.env.example`), while nothing makes the
    /// host trusted: no `AUTH_URL` or
    /// `AUTH_TRUST_HOST` in any env file, workflow or `next.config.*`, no `trustHost` option in the
    /// code, and no sign of a platform that sets `VERCEL`/`CF_PAGES` (the `vercel` CLI or
    /// `@cloudflare/next-on-pages` in package.json or a workflow).
    ///
    /// ## Why is this bad?
    /// `@auth/core/src/lib/utils/env.ts` sets `trustHost ??= !!(AUTH_URL ?? AUTH_TRUST_HOST ??
    /// VERCEL ?? CF_PAGES ?? NODE_ENV !== "production")`: `NEXTAUTH_URL` is read for the URL
    /// (`next-auth/src/lib/env.ts`, `AUTH_URL ?? NEXTAUTH_URL`) but never for trust. So `next dev`
    /// works, and a self-hosted production server (`next start`, Docker) answers every
    /// `/api/auth/*` request with `UntrustedHost` (`@auth/core/src/lib/utils/assert.ts`), a 500.
    ///
    /// ## Example
    /// ```sh
    /// NEXTAUTH_URL=https://app.example.com
    /// ```
    /// Use instead:
    /// ```sh
    /// AUTH_URL=https://app.example.com
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix renames the key to `AUTH_URL` in every env file (only the key's bytes:
    /// value, comments and order stay). v5 reads the URL and base path the same way from either
    /// name, and `AUTH_URL` also trusts the host. It changes what a production server accepts
    /// (forwarded hosts become trusted), and the host's settings may still set `NEXTAUTH_URL`,
    /// so it waits for `--unsafe`. When the project's own code reads `process.env.NEXTAUTH_URL`,
    /// renaming would break it: no fix, the note says to add `AUTH_TRUST_HOST=true` instead.
    pub struct V5UntrustedHost {
        code: "E005",
        name: "v5-untrusted-host",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "v5 with NEXTAUTH_URL but no AUTH_URL/AUTH_TRUST_HOST/trustHost: production answers UntrustedHost",
    }
}

impl Rule for V5UntrustedHost {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        let all = env::entries_with(project, &["NEXTAUTH_URL"]);
        // Where a production server reads a real URL from it; else where the deployment is
        // documented. A localhost value in `.env`/`.env.local` is a development setting: the
        // deployment's URL comes from the host, which we cannot see.
        let rank = |f: &str| [".env.production", ".env.production.local", ".env", ".env.local"].iter().position(|n| *n == f).unwrap_or(9);
        let site = all
            .iter()
            .filter(|(f, e)| env::loaded_in_production(f) && !e.value.is_empty() && !crate::rules::e004_localhost_url_in_production_env::is_local_url(&e.value))
            .min_by_key(|(f, _)| rank(f))
            .or_else(|| all.iter().find(|(f, _)| env::is_example(f)));
        let Some((file, first)) = site else { return };
        let trusts = ["AUTH_URL", "AUTH_TRUST_HOST"];
        if !env::entries_with(project, &trusts).is_empty() || trusts.iter().any(|k| env::workflows_mention(project, k) || env::next_config_mentions(project, k))
        {
            return;
        }
        if !env::auth_sources_with(project, "trustHost").is_empty() || env::trusted_host_platform(project) {
            return;
        }
        let d = Diagnostic::new(&Self::META, file, first.key_range.start, first.key_range.end, format!(
            "v5 reads `NEXTAUTH_URL` (in `{file}`) for the URL but not for trust: a self-hosted production server answers every /api/auth request with UntrustedHost (500), because neither AUTH_URL, AUTH_TRUST_HOST nor `trustHost` is set"
        ));
        let readers: Vec<&str> = project.source_files_containing("NEXTAUTH_URL").filter(|f| !env::is_next_config(f)).collect();
        if let Some(r) = readers.first() {
            out.push(d.with_note(format!("`{r}` reads `NEXTAUTH_URL` itself, so it is not renamed: add `AUTH_TRUST_HOST=true` beside it (and in the host's settings), or rename it there too.")));
            return;
        }
        let changes = all.iter().map(|(f, e)| env::rename_key(f, e, "AUTH_URL")).collect();
        out.push(
            d.with_note("Rename it in the host's settings too. Not needed when a Dockerfile or the host already sets `AUTH_URL`/`AUTH_TRUST_HOST`, or on Vercel and Cloudflare Pages, which trust the host themselves.")
                .with_fix(Fix::new(Applicability::Unsafe, "Rename `NEXTAUTH_URL` to `AUTH_URL` in the env files", changes)),
        );
    }
}
